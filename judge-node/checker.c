/*  checker — token, exact and float output comparison, streamed (see checker.h). */
#include "checker.h"
#include "gv_msg.h"

#include <errno.h>
#include <fcntl.h>
#include <float.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define READ_BUF (64u * 1024u)
#define NUM_TOKEN_MAX 512 /* longer tokens are never parsed as numbers, only compared */
#define SHOW_MAX 32       /* bytes of a differing token quoted in the message */

typedef struct {
    int fd;
    size_t pos, len;
    bool eof, err;
    uint64_t offset; /* bytes consumed before buf[0] */
    unsigned char buf[READ_BUF];
} reader_t;

static bool s_fill(reader_t *r)
{
    if (r->pos < r->len)
        return true;
    if (r->eof || r->err)
        return false;
    r->offset += r->len;
    r->pos = r->len = 0;
    ssize_t n;
    do
        n = read(r->fd, r->buf, sizeof r->buf);
    while (n < 0 && errno == EINTR);
    if (n < 0)
        r->err = true;
    else if (n == 0)
        r->eof = true;
    else
        r->len = (size_t)n;
    return n > 0;
}

static inline int s_peek(reader_t *r)
{
    return s_fill(r) ? r->buf[r->pos] : -1;
}

static inline bool s_is_ws(int c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static inline int s_lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

static void s_skip_ws(reader_t *r)
{
    int c;
    while ((c = s_peek(r)) >= 0 && s_is_ws(c))
        r->pos++;
}

/* Next byte of the current token, or -1 at its end (whitespace or EOF, not consumed). */
static inline int s_tok_get(reader_t *r)
{
    int c = s_peek(r);
    if (c < 0 || s_is_ws(c))
        return -1;
    r->pos++;
    return c;
}

static void s_show(char *dst, size_t cap, const char *tok, size_t len, bool more)
{
    size_t n = len < SHOW_MAX ? len : SHOW_MAX;
    snprintf(dst, cap, "%.*s%s", (int)n, tok, more || len > SHOW_MAX ? "..." : "");
}

/* Reads up to max bytes of the current token into buf (NUL-terminated); sets *more when the
 * token continues past them. */
static size_t s_tok_read(reader_t *r, char *buf, size_t max, bool *more)
{
    size_t n = 0;
    int c;
    while (n < max && (c = s_tok_get(r)) >= 0)
        buf[n++] = (char)c;
    buf[n] = '\0';
    c = s_peek(r);
    *more = n == max && c >= 0 && !s_is_ws(c);
    return n;
}

/* Decimal numbers only: [+-]digits[.digits][(e|E)[+-]digits], [+-].digits..., or [+-]inf /
 * infinity (any case). Hex floats and "nan" are text: NaN never equals a number. */
static bool s_decimal(const char *t, size_t len)
{
    size_t i = t[0] == '+' || t[0] == '-';
    if (len - i == 3 && strncasecmp(t + i, "inf", 3) == 0)
        return true;
    if (len - i == 8 && strncasecmp(t + i, "infinity", 8) == 0)
        return true;
    size_t digits = 0;
    while (i < len && t[i] >= '0' && t[i] <= '9')
        i++, digits++;
    if (i < len && t[i] == '.') {
        i++;
        while (i < len && t[i] >= '0' && t[i] <= '9')
            i++, digits++;
    }
    if (digits == 0)
        return false;
    if (i < len && (t[i] == 'e' || t[i] == 'E')) {
        i++;
        i += i < len && (t[i] == '+' || t[i] == '-');
        size_t exp = 0;
        while (i < len && t[i] >= '0' && t[i] <= '9')
            i++, exp++;
        if (exp == 0)
            return false;
    }
    return i == len;
}

static bool s_parse_num(const char *tok, size_t len, double *out)
{
    if (len == 0 || !s_decimal(tok, len))
        return false;
    char *end;
    errno = 0;
    double v = strtod(tok, &end);
    if (end != tok + len || isnan(v))
        return false;
    *out = v; /* out of range: strtod gives +-HUGE_VAL or 0, which is what the text means */
    return true;
}

static bool s_close_enough(const checker_t *c, double want, double got)
{
    if (isnan(got))
        return false;
    if (isinf(want) || isinf(got))
        return want == got;
    double d = fabs(got - want);
    /* a few ulps of slack so that 1.000001 vs 1 with abs = 1e-6 is not lost to rounding */
    double slack = 4 * DBL_EPSILON * fmax(fabs(want), fabs(got));
    return d <= c->abs_eps + slack || d <= c->rel_eps * fabs(want) + slack;
}

static check_verdict_t s_tokens(const checker_t *c, reader_t *ans, reader_t *out, char *msg,
                                size_t msglen)
{
    static const size_t cap = NUM_TOKEN_MAX;
    char ta[NUM_TOKEN_MAX + 1], tb[NUM_TOKEN_MAX + 1], sa[SHOW_MAX + 4], sb[SHOW_MAX + 4];
    for (uint64_t n = 1;; n++) {
        s_skip_ws(ans);
        s_skip_ws(out);
        if (ans->err || out->err)
            break;
        int ca = s_peek(ans), cb = s_peek(out);
        if (ca < 0 && cb < 0)
            return CHECK_AC;
        bool ma, mb;
        size_t la = s_tok_read(ans, ta, cap, &ma), lb = s_tok_read(out, tb, cap, &mb);
        if (ca < 0 || cb < 0) {
            s_show(sa, sizeof sa, ca < 0 ? tb : ta, ca < 0 ? lb : la, ca < 0 ? mb : ma);
            snprintf(msg, msglen, ca < 0 ? "token %llu: expected end of output, got `%s`"
                                         : "token %llu: output ended, expected `%s`",
                     (unsigned long long)n, sa);
            return CHECK_WA;
        }
        double x, y;
        bool same;
        if (c->kind == CHECKER_FLOAT && !ma && !mb && s_parse_num(ta, la, &x)) {
            same = s_parse_num(tb, lb, &y) && s_close_enough(c, x, y);
        } else if (c->case_insensitive) {
            same = la == lb && strncasecmp(ta, tb, la) == 0;
            while (same && (ma || mb)) { /* a long token: compare the rest as a stream */
                int a = s_tok_get(ans), b = s_tok_get(out);
                same = a == b || (a >= 0 && b >= 0 && s_lower(a) == s_lower(b));
                if (a < 0)
                    break;
            }
        } else {
            same = la == lb && memcmp(ta, tb, la) == 0;
            while (same && (ma || mb)) { /* a long token: compare the rest as a stream */
                int a = s_tok_get(ans), b = s_tok_get(out);
                same = a == b;
                if (a < 0)
                    break;
            }
        }
        if (!same) {
            s_show(sa, sizeof sa, ta, la, ma);
            s_show(sb, sizeof sb, tb, lb, mb);
            snprintf(msg, msglen, "token %llu: expected `%s`, got `%s`", (unsigned long long)n, sa,
                     sb);
            return CHECK_WA;
        }
    }
    snprintf(msg, msglen, "cannot read %s", ans->err ? "the answer file" : "the output file");
    return CHECK_FAIL;
}

static check_verdict_t s_exact(reader_t *ans, reader_t *out, char *msg, size_t msglen)
{
    for (;;) {
        bool ha = s_fill(ans), hb = s_fill(out);
        if (ans->err || out->err) {
            snprintf(msg, msglen, "cannot read %s", ans->err ? "the answer file" : "the output file");
            return CHECK_FAIL;
        }
        if (!ha || !hb) {
            if (!ha && !hb)
                return CHECK_AC;
            snprintf(msg, msglen, "output is %s than the answer (they agree for %llu bytes)",
                     ha ? "shorter" : "longer",
                     (unsigned long long)(ha ? out->offset + out->pos : ans->offset + ans->pos));
            return CHECK_WA;
        }
        size_t n = ans->len - ans->pos < out->len - out->pos ? ans->len - ans->pos
                                                               : out->len - out->pos;
        const unsigned char *a = ans->buf + ans->pos, *b = out->buf + out->pos;
        if (memcmp(a, b, n) != 0) {
            size_t i = 0;
            while (a[i] == b[i])
                i++;
            snprintf(msg, msglen, "first difference at byte %llu",
                     (unsigned long long)(ans->offset + ans->pos + i));
            return CHECK_WA;
        }
        ans->pos += n;
        out->pos += n;
    }
}

check_verdict_t checker_run(const checker_t *c, const char *answer_path, const char *output_path,
                            char *msg, size_t msglen)
{
    msg[0] = '\0';
    check_verdict_t v = CHECK_FAIL;
    reader_t *ans = calloc(1, sizeof *ans), *out = calloc(1, sizeof *out);
    if (ans)
        ans->fd = -1;
    if (out)
        out->fd = -1;
    if (!ans || !out) {
        snprintf(msg, msglen, "out of memory");
        goto done;
    }
    ans->fd = open(answer_path, O_RDONLY | O_CLOEXEC);
    out->fd = open(output_path, O_RDONLY | O_CLOEXEC);
    if (ans->fd < 0 || out->fd < 0) {
        snprintf(msg, msglen, "cannot open %s: %s", ans->fd < 0 ? answer_path : output_path,
                 strerror(errno));
        goto done;
    }
    if (c->kind == CHECKER_EXACT)
        v = s_exact(ans, out, msg, msglen);
    else
        v = s_tokens(c, ans, out, msg, msglen);
done:
    if (ans && ans->fd >= 0)
        close(ans->fd);
    if (out && out->fd >= 0)
        close(out->fd);
    free(ans);
    free(out);
    return v;
}

static int s_bound(const msgpack_object *o, const char *name, double *out, char *err,
                   size_t errlen)
{
    if (!o || o->type == MSGPACK_OBJECT_NIL)
        return 0;
    double v;
    if (o->type == MSGPACK_OBJECT_FLOAT32 || o->type == MSGPACK_OBJECT_FLOAT64)
        v = o->via.f64;
    else if (o->type == MSGPACK_OBJECT_POSITIVE_INTEGER)
        v = (double)o->via.u64;
    else
        v = -1;
    if (!(v >= 0) || !isfinite(v)) {
        snprintf(err, errlen, "float checker: `%s` must be a finite number >= 0", name);
        return -1;
    }
    *out = v;
    return 0;
}

static bool s_hex64(const char *h)
{
    if (!h || strlen(h) != CHECKER_HASH_LEN)
        return false;
    for (const char *p = h; *p; p++)
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
            return false;
    return true;
}

/* protocol, language, source_hash of a custom checker or interactor. */
static int s_custom(const msgpack_object *desc, checker_t *out, char *err, size_t errlen)
{
    out->kind = CHECKER_CUSTOM;
    const msgpack_object *proto = gv_obj_get(desc, "protocol");
    if (!proto || gv_obj_str_eq(proto, "testlib"))
        out->protocol = proto ? CHECKER_TESTLIB : out->protocol;
    else if (gv_obj_str_eq(proto, "kattis"))
        out->protocol = CHECKER_KATTIS;
    else {
        snprintf(err, errlen, "custom checker: `protocol` must be \"testlib\" or \"kattis\"");
        return -1;
    }
    char *lang = gv_obj_strdup(gv_obj_get(desc, "language"));
    char *hash = gv_obj_strdup(gv_obj_get(desc, "source_hash"));
    int rc = -1;
    if (!lang || !*lang || strlen(lang) > CHECKER_LANG_MAX)
        snprintf(err, errlen, "custom checker: `language` is missing or too long");
    else if (!s_hex64(hash))
        snprintf(err, errlen, "custom checker: `source_hash` is not a SHA-256 hex digest");
    else {
        snprintf(out->language, sizeof out->language, "%s", lang);
        snprintf(out->source_hash, sizeof out->source_hash, "%s", hash);
        rc = 0;
    }
    free(lang);
    free(hash);
    return rc;
}

int checker_parse(const msgpack_object *desc, checker_t *out, char *err, size_t errlen)
{
    *out = (checker_t){CHECKER_TOKENS, CHECKER_DEFAULT_EPS, CHECKER_DEFAULT_EPS, false,
                       CHECKER_TESTLIB, "", ""};
    if (!desc || desc->type == MSGPACK_OBJECT_NIL)
        return 0;
    if (desc->type != MSGPACK_OBJECT_MAP) {
        snprintf(err, errlen, "the problem's checker is not a map");
        return -1;
    }
    const msgpack_object *type = gv_obj_get(desc, "type");
    if (!type || gv_obj_str_eq(type, "tokens")) {
        const msgpack_object *cs = gv_obj_get(desc, "case_sensitive");
        if (cs && cs->type == MSGPACK_OBJECT_BOOLEAN)
            out->case_insensitive = !cs->via.boolean;
        else if (cs && cs->type != MSGPACK_OBJECT_NIL) {
            snprintf(err, errlen, "tokens checker: `case_sensitive` must be true or false");
            return -1;
        }
        return 0;
    }
    if (gv_obj_str_eq(type, "exact")) {
        out->kind = CHECKER_EXACT;
        return 0;
    }
    if (gv_obj_str_eq(type, "float")) {
        out->kind = CHECKER_FLOAT;
        if (s_bound(gv_obj_get(desc, "abs"), "abs", &out->abs_eps, err, errlen) != 0 ||
            s_bound(gv_obj_get(desc, "rel"), "rel", &out->rel_eps, err, errlen) != 0)
            return -1;
        return 0;
    }
    if (gv_obj_str_eq(type, "custom"))
        return s_custom(desc, out, err, errlen);
    char *t = gv_obj_strdup(type);
    snprintf(err, errlen, "unknown checker type `%.40s` (known: tokens, exact, float, custom)",
             t ? t : "?");
    free(t);
    return -1;
}

int checker_parse_interactor(const msgpack_object *desc, checker_t *out, char *err,
                             size_t errlen)
{
    *out = (checker_t){CHECKER_CUSTOM, 0, 0, false, CHECKER_KATTIS, "", ""};
    if (!desc || desc->type != MSGPACK_OBJECT_MAP) {
        snprintf(err, errlen, "the problem's interactor is not a map");
        return -1;
    }
    if (s_custom(desc, out, err, errlen) != 0)
        return -1;
    if (out->protocol != CHECKER_KATTIS) {
        snprintf(err, errlen, "interactor: only the kattis protocol is supported");
        return -1;
    }
    return 0;
}

check_verdict_t checker_exit_verdict(checker_protocol_t protocol, int code)
{
    if (protocol == CHECKER_KATTIS)
        return code == CHECKER_KATTIS_AC ? CHECK_AC : code == CHECKER_KATTIS_WA ? CHECK_WA
                                                                                : CHECK_FAIL;
    if (code == CHECKER_TESTLIB_OK)
        return CHECK_AC;
    if (code == CHECKER_TESTLIB_WA || code == CHECKER_TESTLIB_PE)
        return CHECK_WA;
    return CHECK_FAIL; /* 3 = the checker failed; anything else (points, crashes) too */
}
