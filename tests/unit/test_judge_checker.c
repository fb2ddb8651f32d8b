/*  test_judge_checker — tokens / exact / float comparison, checker descriptions (custom ones
 *  included) and the exit-code protocols of testlib and Kattis checkers. Running real custom
 *  checkers is test_judge_job's (it needs compilers and the runner). */
#include "checker.h"
#include "gv_test.h"

#include <stdlib.h>
#include <unistd.h>

static char s_dir[] = "/tmp/gv-checker-XXXXXX";
static char s_ans[300], s_out[300];

static void s_put(const char *path, const char *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    fwrite(data, 1, len, f);
    fclose(f);
}

/* Runs checker c on answer/output texts. */
static check_verdict_t s_check(const checker_t *c, const char *ans, const char *out, char *msg)
{
    s_put(s_ans, ans, strlen(ans));
    s_put(s_out, out, strlen(out));
    return checker_run(c, s_ans, s_out, msg, 256);
}

static const checker_t TOKENS = {.kind = CHECKER_TOKENS};
static const checker_t EXACT = {.kind = CHECKER_EXACT};

static void test_tokens_whitespace_insensitive(void)
{
    char msg[256];
    CHECK(s_check(&TOKENS, "1 2\n3\n", "1 2\n3\n", msg) == CHECK_AC);
    CHECK(s_check(&TOKENS, "1 2\n3\n", "1 2\r\n3\r\n", msg) == CHECK_AC);   /* CRLF */
    CHECK(s_check(&TOKENS, "1 2\n3\n", "1 2\n3", msg) == CHECK_AC);         /* no final \n */
    CHECK(s_check(&TOKENS, "1 2\n3\n", "  1\t\t2   3  \n\n\n", msg) == CHECK_AC); /* spaces */
    CHECK(s_check(&TOKENS, "", "", msg) == CHECK_AC);
    CHECK(s_check(&TOKENS, "\n", "  \r\n", msg) == CHECK_AC);
}

static void test_tokens_differences(void)
{
    char msg[256];
    CHECK(s_check(&TOKENS, "1 2 3\n", "1 2 4\n", msg) == CHECK_WA);
    CHECK_CONTAINS(msg, "token 3");
    CHECK_CONTAINS(msg, "`3`");
    CHECK_CONTAINS(msg, "`4`");
    CHECK(s_check(&TOKENS, "1 2\n", "1 2 3\n", msg) == CHECK_WA); /* extra token */
    CHECK_CONTAINS(msg, "expected end of output");
    CHECK(s_check(&TOKENS, "1 2 3\n", "1 2\n", msg) == CHECK_WA); /* missing token */
    CHECK_CONTAINS(msg, "output ended");
    CHECK(s_check(&TOKENS, "12\n", "1 2\n", msg) == CHECK_WA);    /* tokens are not glued */
    CHECK(s_check(&TOKENS, "abc\n", "abcd\n", msg) == CHECK_WA);
    CHECK(s_check(&TOKENS, "1.0\n", "1\n", msg) == CHECK_WA);     /* text, not numbers */
}

static void test_tokens_long_tokens_stream(void)
{
    size_t n = 3u << 20; /* a 3 MiB token, longer than every internal buffer */
    char *a = malloc(n + 2), *b = malloc(n + 2);
    memset(a, 'z', n);
    a[n] = '\n';
    a[n + 1] = '\0';
    memcpy(b, a, n + 2);
    char msg[256];
    CHECK(s_check(&TOKENS, a, b, msg) == CHECK_AC);
    b[n - 1] = 'y'; /* differs in the very last byte */
    CHECK(s_check(&TOKENS, a, b, msg) == CHECK_WA);
    b[n - 1] = 'z';
    b[n] = 'z'; /* output token one byte longer */
    b[n + 1] = '\0';
    CHECK(s_check(&TOKENS, a, b, msg) == CHECK_WA);
    free(a);
    free(b);
}

static void test_exact(void)
{
    char msg[256];
    CHECK(s_check(&EXACT, "a b\nc\n", "a b\nc\n", msg) == CHECK_AC);
    CHECK(s_check(&EXACT, "a b\nc\n", "a b\r\nc\r\n", msg) == CHECK_WA);
    CHECK(s_check(&EXACT, "a b\nc\n", "a b\nc", msg) == CHECK_WA);
    CHECK_CONTAINS(msg, "shorter");
    CHECK(s_check(&EXACT, "a b\nc\n", "a  b\nc\n", msg) == CHECK_WA);
    CHECK_CONTAINS(msg, "byte 2");
    CHECK(s_check(&EXACT, "", "", msg) == CHECK_AC);
    CHECK(s_check(&EXACT, "", "x", msg) == CHECK_WA);
}

static void test_float_abs_rel(void)
{
    checker_t abs_only = {.kind = CHECKER_FLOAT, .abs_eps = 1e-6};
    checker_t rel_only = {.kind = CHECKER_FLOAT, .rel_eps = 1e-6};
    checker_t both = {.kind = CHECKER_FLOAT, .abs_eps = 1e-6, .rel_eps = 1e-6};
    char msg[256];
    CHECK(s_check(&abs_only, "1.0\n", "1.0000005", msg) == CHECK_AC);
    CHECK(s_check(&abs_only, "1.0\n", "1.000001", msg) == CHECK_AC); /* exactly at the bound */
    CHECK(s_check(&abs_only, "1.0\n", "1.00001", msg) == CHECK_WA);
    CHECK(s_check(&abs_only, "1000000000\n", "1000000100", msg) == CHECK_WA);
    CHECK(s_check(&rel_only, "1000000000\n", "1000000100", msg) == CHECK_AC); /* 1e-7 relative */
    CHECK(s_check(&rel_only, "0\n", "0.0000001", msg) == CHECK_WA);
    CHECK(s_check(&both, "0\n", "0.0000001", msg) == CHECK_AC);         /* abs holds */
    CHECK(s_check(&both, "1000000000\n", "1000000100", msg) == CHECK_AC); /* rel holds */
    CHECK(s_check(&both, "1e9\n", "1.0000001e9", msg) == CHECK_AC);
    CHECK(s_check(&both, "3.14159 2.71828\n", "3.141590 2.718280\n", msg) == CHECK_AC);
    CHECK(s_check(&both, "-1.5\n", "-1.5000000001", msg) == CHECK_AC);
    CHECK(s_check(&both, "yes 1.0\n", "yes 1.0", msg) == CHECK_AC); /* words compare as text */
    CHECK(s_check(&both, "yes 1.0\n", "no 1.0", msg) == CHECK_WA);
    CHECK(s_check(&both, "1.0\n", "one", msg) == CHECK_WA);
    CHECK(s_check(&both, "1.0 2.0\n", "1.0", msg) == CHECK_WA);
}

static void test_float_nan_and_inf(void)
{
    checker_t c = {.kind = CHECKER_FLOAT, .abs_eps = 1e-6, .rel_eps = 1e-6};
    char msg[256];
    CHECK(s_check(&c, "1.0\n", "nan", msg) == CHECK_WA);  /* NaN never equals a number */
    CHECK(s_check(&c, "1.0\n", "NaN", msg) == CHECK_WA);
    CHECK(s_check(&c, "0\n", "-nan", msg) == CHECK_WA);
    CHECK(s_check(&c, "nan\n", "1.0", msg) == CHECK_WA);  /* a NaN answer is text */
    CHECK(s_check(&c, "nan\n", "nan", msg) == CHECK_AC);
    CHECK(s_check(&c, "inf\n", "inf", msg) == CHECK_AC);
    CHECK(s_check(&c, "inf\n", "1e308", msg) == CHECK_WA);
    CHECK(s_check(&c, "1e308\n", "inf", msg) == CHECK_WA);
}

static void test_float_edge_cases(void)
{
    checker_t c = {.kind = CHECKER_FLOAT, .abs_eps = 1e-6, .rel_eps = 1e-6};
    checker_t rel = {.kind = CHECKER_FLOAT, .rel_eps = 1e-9};
    char msg[256];
    CHECK(s_check(&c, "1e300\n", "1.0000001e300", msg) == CHECK_AC);  /* huge: rel holds */
    CHECK(s_check(&c, "1e300\n", "1.01e300", msg) == CHECK_WA);
    CHECK(s_check(&c, "1e-300\n", "3e-300", msg) == CHECK_AC);        /* tiny: abs holds */
    CHECK(s_check(&rel, "1e-300\n", "3e-300", msg) == CHECK_WA);      /* rel alone does not */
    CHECK(s_check(&rel, "1e-300\n", "1.0000000001e-300", msg) == CHECK_AC);
    CHECK(s_check(&c, "1e400\n", "1e400", msg) == CHECK_AC);          /* overflows to inf */
    CHECK(s_check(&c, "0\n", "-0.0", msg) == CHECK_AC);               /* -0.0 == 0 */
    CHECK(s_check(&c, "-0.0\n", "0", msg) == CHECK_AC);
    CHECK(s_check(&c, "inf\n", "-inf", msg) == CHECK_WA);
    CHECK(s_check(&c, "-inf\n", "-Infinity", msg) == CHECK_AC);
    CHECK(s_check(&c, "16\n", "0x10", msg) == CHECK_WA);              /* hex is not decimal */
    CHECK(s_check(&c, "1\n", "1.", msg) == CHECK_AC);
    CHECK(s_check(&c, "0.5\n", ".5", msg) == CHECK_AC);
    CHECK(s_check(&c, "1\n", "1e", msg) == CHECK_WA);                 /* not a number */
    CHECK(s_check(&c, "1\n", "+1", msg) == CHECK_AC);
    CHECK(s_check(&c, "1.0\n", "1.0abc", msg) == CHECK_WA);
    CHECK(s_check(&c, "abc\n", "abc", msg) == CHECK_AC);              /* words: exact text */
    CHECK(s_check(&c, "abc\n", "ABC", msg) == CHECK_WA);
    CHECK(s_check(&c, "1e5x\n", "1e5x", msg) == CHECK_AC);
    CHECK(s_check(&c, "infinite\n", "inf", msg) == CHECK_WA);
    CHECK(s_check(&c, "2\r\n3\r\n", "2.0000001 3", msg) == CHECK_AC); /* CRLF, no final newline */
}

static void test_tokens_case_insensitive_when_asked(void)
{
    checker_t ci = {.kind = CHECKER_TOKENS, .case_insensitive = true};
    char msg[256];
    CHECK(s_check(&TOKENS, "YES\n", "yes\n", msg) == CHECK_WA); /* default: case matters */
    CHECK(s_check(&ci, "YES\n", "yes\n", msg) == CHECK_AC);
    CHECK(s_check(&ci, "Yes No\n", "yES nO", msg) == CHECK_AC);
    CHECK(s_check(&ci, "yes\n", "yesno\n", msg) == CHECK_WA);
    CHECK(s_check(&ci, "\xc3\x89\n", "\xc3\xa9\n", msg) == CHECK_WA); /* ASCII only */
    size_t n = 1u << 20; /* a long token: the streamed part compares without case too */
    char *a = malloc(n + 2), *b = malloc(n + 2);
    memset(a, 'Q', n);
    memset(b, 'q', n);
    a[n] = b[n] = '\n';
    a[n + 1] = b[n + 1] = '\0';
    CHECK(s_check(&ci, a, b, msg) == CHECK_AC);
    CHECK(s_check(&TOKENS, a, b, msg) == CHECK_WA);
    free(a);
    free(b);
}

static void test_exit_codes_of_protocols(void)
{
    CHECK(checker_exit_verdict(CHECKER_TESTLIB, 0) == CHECK_AC);
    CHECK(checker_exit_verdict(CHECKER_TESTLIB, 1) == CHECK_WA);
    CHECK(checker_exit_verdict(CHECKER_TESTLIB, 2) == CHECK_WA);   /* presentation error */
    CHECK(checker_exit_verdict(CHECKER_TESTLIB, 3) == CHECK_FAIL); /* checker failed */
    CHECK(checker_exit_verdict(CHECKER_TESTLIB, 7) == CHECK_FAIL); /* points: unsupported */
    CHECK(checker_exit_verdict(CHECKER_TESTLIB, 42) == CHECK_FAIL);
    CHECK(checker_exit_verdict(CHECKER_KATTIS, 42) == CHECK_AC);
    CHECK(checker_exit_verdict(CHECKER_KATTIS, 43) == CHECK_WA);
    CHECK(checker_exit_verdict(CHECKER_KATTIS, 0) == CHECK_FAIL);
    CHECK(checker_exit_verdict(CHECKER_KATTIS, 1) == CHECK_FAIL);
}

static void test_missing_file_is_fail(void)
{
    char msg[256];
    CHECK(checker_run(&TOKENS, "/nonexistent/answer", s_out, msg, sizeof msg) == CHECK_FAIL);
    CHECK_CONTAINS(msg, "cannot open");
}

/* Builds a msgpack map from key/value pairs; values: "s:text", "d:1.5", "i:3", "b:true". */
static msgpack_object s_map(msgpack_zone *z, msgpack_sbuffer *sb, int n, const char **kv)
{
    msgpack_sbuffer_init(sb);
    msgpack_packer pk;
    msgpack_packer_init(&pk, sb, msgpack_sbuffer_write);
    msgpack_pack_map(&pk, (size_t)n);
    for (int i = 0; i < n; i++) {
        msgpack_pack_str(&pk, strlen(kv[2 * i]));
        msgpack_pack_str_body(&pk, kv[2 * i], strlen(kv[2 * i]));
        const char *v = kv[2 * i + 1];
        if (v[0] == 's') {
            msgpack_pack_str(&pk, strlen(v + 2));
            msgpack_pack_str_body(&pk, v + 2, strlen(v + 2));
        } else if (v[0] == 'b') {
            if (v[2] == 't')
                msgpack_pack_true(&pk);
            else
                msgpack_pack_false(&pk);
        } else if (v[0] == 'd') {
            msgpack_pack_double(&pk, atof(v + 2));
        } else {
            msgpack_pack_int64(&pk, atoll(v + 2));
        }
    }
    msgpack_object o;
    msgpack_unpack(sb->data, sb->size, NULL, z, &o);
    return o;
}

static void test_parse(void)
{
    msgpack_zone z;
    msgpack_zone_init(&z, 1024);
    msgpack_sbuffer sb;
    checker_t c;
    char err[256] = "";
    CHECK(checker_parse(NULL, &c, err, sizeof err) == 0 && c.kind == CHECKER_TOKENS);

    const char *tok[] = {"type", "s:tokens"};
    msgpack_object o = s_map(&z, &sb, 1, tok);
    CHECK(checker_parse(&o, &c, err, sizeof err) == 0 && c.kind == CHECKER_TOKENS);
    msgpack_sbuffer_destroy(&sb);

    const char *ex[] = {"type", "s:exact"};
    o = s_map(&z, &sb, 1, ex);
    CHECK(checker_parse(&o, &c, err, sizeof err) == 0 && c.kind == CHECKER_EXACT);
    msgpack_sbuffer_destroy(&sb);

    const char *fl[] = {"type", "s:float", "abs", "d:0.001", "rel", "i:0"};
    o = s_map(&z, &sb, 3, fl);
    CHECK(checker_parse(&o, &c, err, sizeof err) == 0 && c.kind == CHECKER_FLOAT);
    CHECK(c.abs_eps == 0.001 && c.rel_eps == 0);
    msgpack_sbuffer_destroy(&sb);

    const char *fd[] = {"type", "s:float"};
    o = s_map(&z, &sb, 1, fd);
    CHECK(checker_parse(&o, &c, err, sizeof err) == 0);
    CHECK(c.abs_eps == CHECKER_DEFAULT_EPS && c.rel_eps == CHECKER_DEFAULT_EPS);
    msgpack_sbuffer_destroy(&sb);

    const char *neg[] = {"type", "s:float", "abs", "d:-1"};
    o = s_map(&z, &sb, 2, neg);
    CHECK(checker_parse(&o, &c, err, sizeof err) == -1);
    CHECK_CONTAINS(err, "abs");
    msgpack_sbuffer_destroy(&sb);

    const char *cu[] = {"type", "s:custom", "protocol", "s:testlib"};
    o = s_map(&z, &sb, 2, cu);
    CHECK(checker_parse(&o, &c, err, sizeof err) == -1); /* no language, no source */
    CHECK_CONTAINS(err, "language");
    msgpack_sbuffer_destroy(&sb);

    const char *h = "s:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    const char *ct[] = {"type", "s:custom", "protocol", "s:testlib", "language", "s:cpp",
                        "source_hash", h};
    o = s_map(&z, &sb, 4, ct);
    CHECK(checker_parse(&o, &c, err, sizeof err) == 0);
    CHECK(c.kind == CHECKER_CUSTOM && c.protocol == CHECKER_TESTLIB);
    CHECK_STR(c.language, "cpp");
    CHECK_STR(c.source_hash, h + 2);
    msgpack_sbuffer_destroy(&sb);

    const char *ck[] = {"type", "s:custom", "protocol", "s:kattis", "language", "s:c",
                        "source_hash", h};
    o = s_map(&z, &sb, 4, ck);
    CHECK(checker_parse(&o, &c, err, sizeof err) == 0 && c.protocol == CHECKER_KATTIS);
    CHECK(checker_parse_interactor(&o, &c, err, sizeof err) == 0);
    msgpack_sbuffer_destroy(&sb);

    const char *it[] = {"language", "s:c", "source_hash", h}; /* kattis by default */
    o = s_map(&z, &sb, 2, it);
    CHECK(checker_parse_interactor(&o, &c, err, sizeof err) == 0);
    CHECK(c.kind == CHECKER_CUSTOM && c.protocol == CHECKER_KATTIS);
    msgpack_sbuffer_destroy(&sb);

    const char *itl[] = {"language", "s:c", "source_hash", h, "protocol", "s:testlib"};
    o = s_map(&z, &sb, 3, itl);
    CHECK(checker_parse_interactor(&o, &c, err, sizeof err) == -1);
    CHECK_CONTAINS(err, "kattis");
    msgpack_sbuffer_destroy(&sb);

    const char *bh[] = {"type", "s:custom", "protocol", "s:kattis", "language", "s:c",
                        "source_hash", "s:ABC"};
    o = s_map(&z, &sb, 4, bh);
    CHECK(checker_parse(&o, &c, err, sizeof err) == -1);
    CHECK_CONTAINS(err, "source_hash");
    msgpack_sbuffer_destroy(&sb);

    const char *bp[] = {"type", "s:custom", "protocol", "s:icpc", "language", "s:c",
                        "source_hash", h};
    o = s_map(&z, &sb, 4, bp);
    CHECK(checker_parse(&o, &c, err, sizeof err) == -1);
    CHECK_CONTAINS(err, "protocol");
    msgpack_sbuffer_destroy(&sb);

    const char *cs[] = {"type", "s:tokens", "case_sensitive", "b:false"};
    o = s_map(&z, &sb, 2, cs);
    CHECK(checker_parse(&o, &c, err, sizeof err) == 0 && c.case_insensitive);
    msgpack_sbuffer_destroy(&sb);
    const char *cs2[] = {"type", "s:tokens", "case_sensitive", "b:true"};
    o = s_map(&z, &sb, 2, cs2);
    CHECK(checker_parse(&o, &c, err, sizeof err) == 0 && !c.case_insensitive);
    msgpack_sbuffer_destroy(&sb);

    const char *un[] = {"type", "s:fuzzy"};
    o = s_map(&z, &sb, 1, un);
    CHECK(checker_parse(&o, &c, err, sizeof err) == -1);
    CHECK_CONTAINS(err, "fuzzy");
    msgpack_sbuffer_destroy(&sb);
    msgpack_zone_destroy(&z);
}

int main(void)
{
    if (!mkdtemp(s_dir))
        return 1;
    snprintf(s_ans, sizeof s_ans, "%s/answer", s_dir);
    snprintf(s_out, sizeof s_out, "%s/output", s_dir);
    RUN(test_tokens_whitespace_insensitive);
    RUN(test_tokens_differences);
    RUN(test_tokens_long_tokens_stream);
    RUN(test_exact);
    RUN(test_float_abs_rel);
    RUN(test_float_nan_and_inf);
    RUN(test_float_edge_cases);
    RUN(test_tokens_case_insensitive_when_asked);
    RUN(test_exit_codes_of_protocols);
    RUN(test_missing_file_is_fail);
    RUN(test_parse);
    unlink(s_ans);
    unlink(s_out);
    rmdir(s_dir);
    return TEST_SUMMARY();
}
