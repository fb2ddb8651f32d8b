/*  checker — decides whether a program's output matches the expected answer.
 *
 *  Kinds (the problem's `checker` map, API.md):
 *    tokens  (default) whitespace-insensitive: both files are split on ASCII whitespace
 *            (space, \t, \n, \v, \f, \r — so CRLF and a missing final newline do not matter)
 *            and the token sequences must be equal byte for byte.
 *    exact   the files must be byte-for-byte identical.
 *    float   like tokens, but where the expected token is a number the output token must be a
 *            number within `abs` OR within `rel` * |expected| of it (defaults 1e-6 each).
 *            NaN never equals a number; non-numeric tokens compare as strings.
 *    custom  not supported yet: checker_parse() refuses it (the judge answers JE).
 *
 *  Both files are streamed through fixed buffers: memory use does not depend on their size,
 *  however long a line or token is.
 */
#ifndef CHECKER_H
#define CHECKER_H

#include <msgpack.h>
#include <stddef.h>

typedef enum { CHECKER_TOKENS, CHECKER_EXACT, CHECKER_FLOAT } checker_kind_t;

typedef struct {
    checker_kind_t kind;
    double abs_eps, rel_eps; /* float only */
} checker_t;

typedef enum { CHECK_AC, CHECK_WA, CHECK_FAIL } check_verdict_t; /* FAIL = judge fault (JE) */

#define CHECKER_DEFAULT_EPS 1e-6

/* Reads a checker description (a msgpack map {type, abs?, rel?}; NULL = tokens). -1 with a
 * sentence in err for an unknown type, a bad bound, or a custom checker. */
int checker_parse(const msgpack_object *desc, checker_t *out, char *err, size_t errlen);

/* Compares `output_path` (the program's) with `answer_path` (the expected one). A short
 * explanation for people goes to msg ("token 3: expected `7`, got `8`"). */
check_verdict_t checker_run(const checker_t *c, const char *answer_path, const char *output_path,
                            char *msg, size_t msglen);

#endif
