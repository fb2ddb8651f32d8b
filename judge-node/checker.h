/*  checker — decides whether a program's output matches the expected answer.
 *
 *  Kinds (the problem's `checker` map, API.md):
 *    tokens  (default) whitespace-insensitive: both files are split on ASCII whitespace
 *            (space, \t, \n, \v, \f, \r — so CRLF and a missing final newline do not matter)
 *            and the token sequences must be equal byte for byte (ASCII letters compared
 *            without case when `case_sensitive` is false).
 *    exact   the files must be byte-for-byte identical.
 *    float   like tokens, but where the expected token is a number the output token must be a
 *            number within `abs` OR within `rel` * |expected| of it (defaults 1e-6 each).
 *            Only decimal numbers count ([+-]digits[.digits][e[+-]digits], or inf/infinity):
 *            NaN never equals a number; non-numeric tokens compare as strings.
 *    custom  a program of the problem's (`language`, `source_hash`), run by judgeprog.c with
 *            the `protocol` testlib or kattis; checker_parse() only reads its description and
 *            checker_exit_verdict() maps its exit to a verdict.
 *
 *  Both files are streamed through fixed buffers: memory use does not depend on their size,
 *  however long a line or token is.
 */
#ifndef CHECKER_H
#define CHECKER_H

#include <msgpack.h>
#include <stdbool.h>
#include <stddef.h>

typedef enum { CHECKER_TOKENS, CHECKER_EXACT, CHECKER_FLOAT, CHECKER_CUSTOM } checker_kind_t;
typedef enum { CHECKER_TESTLIB, CHECKER_KATTIS } checker_protocol_t;

#define CHECKER_LANG_MAX 32
#define CHECKER_HASH_LEN 64

typedef struct {
    checker_kind_t kind;
    double abs_eps, rel_eps; /* float only */
    bool case_insensitive;   /* tokens only; zero = the default, case-sensitive */
    checker_protocol_t protocol;              /* custom only */
    char language[CHECKER_LANG_MAX + 1];      /* custom only */
    char source_hash[CHECKER_HASH_LEN + 1];   /* custom only: SHA-256 hex of the source */
} checker_t;

typedef enum { CHECK_AC, CHECK_WA, CHECK_FAIL } check_verdict_t; /* FAIL = judge fault (JE) */

#define CHECKER_DEFAULT_EPS 1e-6
#define CHECKER_TESTLIB_OK 0
#define CHECKER_TESTLIB_WA 1
#define CHECKER_TESTLIB_PE 2 /* presentation error: WA */
#define CHECKER_TESTLIB_FAIL 3
#define CHECKER_KATTIS_AC 42
#define CHECKER_KATTIS_WA 43

/* Reads a checker description (a msgpack map {type, case_sensitive?, abs?, rel?, protocol?,
 * language?, source_hash?}; NULL = tokens). -1 with a sentence in err for an unknown type, a
 * bad bound, or a custom checker without a protocol, language or valid source hash. The same
 * reader serves the manifest's `interactor` map (type may be absent there; protocol kattis). */
int checker_parse(const msgpack_object *desc, checker_t *out, char *err, size_t errlen);
int checker_parse_interactor(const msgpack_object *desc, checker_t *out, char *err,
                             size_t errlen);

/* The verdict of a custom checker or interactor that exited normally with `code` under
 * `protocol` (testlib: 0 AC, 1/2 WA, else FAIL; kattis: 42 AC, 43 WA, else FAIL). */
check_verdict_t checker_exit_verdict(checker_protocol_t protocol, int code);

/* Compares `output_path` (the program's) with `answer_path` (the expected one). A short
 * explanation for people goes to msg ("token 3: expected `7`, got `8`"). */
check_verdict_t checker_run(const checker_t *c, const char *answer_path, const char *output_path,
                            char *msg, size_t msglen);

#endif
