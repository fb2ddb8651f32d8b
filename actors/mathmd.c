/*  mathmd — Markdown to HTML with TeX math left intact for KaTeX (see mathmd.h).
 *
 *  CommonMark knows nothing of math: `\{` loses its backslash (an escaped punctuation
 *  character), `\\` becomes `\`, and `*b*` inside `$a*b*c$` becomes emphasis. So every math
 *  span is swapped for a plain token before cmark runs and swapped back, HTML-escaped,
 *  afterwards. Code spans and fenced code blocks are copied as they are: a `$` there is code.
 */
#include "mathmd.h"

#include <cmark.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TOKEN "GVMATH" /* + decimal index + "X": letters and digits, which cmark leaves alone */
#define TOKEN_LEN (sizeof TOKEN - 1)

typedef struct {
    char *data;
    size_t len, cap;
    bool failed;
} sbuf_t;

static void s_add(sbuf_t *b, const char *p, size_t n)
{
    if (b->failed) return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n + 1) {
            if (cap > SIZE_MAX / 2) {
                b->failed = true;
                return;
            }
            cap *= 2;
        }
        char *d = realloc(b->data, cap);
        if (!d) {
            b->failed = true;
            return;
        }
        b->data = d;
        b->cap = cap;
    }
    memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
}

static bool s_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* End (exclusive) of the line starting at i. */
static size_t s_eol(const char *md, size_t len, size_t i)
{
    while (i < len && md[i] != '\n')
        i++;
    return i < len ? i + 1 : len;
}

/* Whether the line at i opens or closes a fenced code block (up to 3 spaces, then ``` or ~~~). */
static bool s_fence(const char *md, size_t len, size_t i)
{
    size_t k = 0;
    while (k < 3 && i + k < len && md[i + k] == ' ')
        k++;
    if (i + k + 3 > len) return false;
    char c = md[i + k];
    return (c == '`' || c == '~') && md[i + k + 1] == c && md[i + k + 2] == c;
}

/* A code span starting at a run of backticks at i: its end, or i + run when unclosed. */
static size_t s_code_span(const char *md, size_t len, size_t i)
{
    size_t run = 0;
    while (i + run < len && md[i + run] == '`')
        run++;
    for (size_t j = i + run; j < len;) {
        if (md[j] != '`') {
            j++;
            continue;
        }
        size_t r = 0;
        while (j + r < len && md[j + r] == '`')
            r++;
        if (r == run) return j + r;
        j += r;
    }
    return i + run;
}

/* The math span starting with '$' at i: its end (exclusive), or 0 when it is not math.
 * $$...$$ may cross lines (not a blank one). $...$ stays on one line, its content neither
 * starts nor ends with a space and the closing '$' is not followed by a digit, so that
 * "costs $5 and $6" is text (pandoc's rule). */
static size_t s_math_span(const char *md, size_t len, size_t i)
{
    if (i + 1 < len && md[i + 1] == '$') {
        for (size_t j = i + 2; j + 1 < len; j++) {
            if (md[j] == '\\') {
                j++;
                continue;
            }
            if (md[j] == '\n' && j + 1 < len && md[j + 1] == '\n') return 0;
            if (md[j] == '$' && md[j + 1] == '$') return j > i + 2 ? j + 2 : 0;
        }
        return 0;
    }
    if (i + 1 >= len || s_space(md[i + 1])) return 0;
    for (size_t j = i + 1; j < len && md[j] != '\n'; j++) {
        if (md[j] == '\\') {
            j++;
            continue;
        }
        if (md[j] != '$') continue;
        if (s_space(md[j - 1])) return 0;
        if (j + 1 < len && md[j + 1] >= '0' && md[j + 1] <= '9') return 0;
        return j + 1;
    }
    return 0;
}

/* HTML-escapes p[0..n) into b. */
static void s_add_escaped(sbuf_t *b, const char *p, size_t n)
{
    size_t from = 0;
    for (size_t i = 0; i < n; i++) {
        const char *rep = p[i] == '&'   ? "&amp;"
                          : p[i] == '<' ? "&lt;"
                          : p[i] == '>' ? "&gt;"
                          : p[i] == '"' ? "&quot;"
                                        : NULL;
        if (!rep) continue;
        s_add(b, p + from, i - from);
        s_add(b, rep, strlen(rep));
        from = i + 1;
    }
    s_add(b, p + from, n - from);
}

char *mathmd_render(const char *md, size_t len)
{
    /* A statement that already contains the token text is rendered as plain Markdown. */
    bool protect = true;
    for (size_t i = 0; i + TOKEN_LEN <= len && protect; i++)
        if (memcmp(md + i, TOKEN, TOKEN_LEN) == 0) protect = false;
    if (!protect) return cmark_markdown_to_html(md, len, CMARK_OPT_SAFE);

    sbuf_t pre = {0};
    size_t *spans = NULL, n = 0, cap = 0; /* pairs: start, end */
    bool fenced = false, line_start = true;
    for (size_t i = 0; i < len && !pre.failed;) {
        if (line_start && s_fence(md, len, i)) fenced = !fenced;
        if (line_start && fenced) { /* the fence line itself and the block's lines */
            size_t e = s_eol(md, len, i);
            s_add(&pre, md + i, e - i);
            i = e;
            continue;
        }
        line_start = false;
        char c = md[i];
        size_t end = 0;
        if (c == '\\' && i + 1 < len) {
            s_add(&pre, md + i, 2);
            line_start = md[i + 1] == '\n';
            i += 2;
            continue;
        }
        if (c == '`') {
            end = s_code_span(md, len, i);
            s_add(&pre, md + i, end - i);
            line_start = md[end - 1] == '\n';
            i = end;
            continue;
        }
        if (c == '$' && n < MATHMD_MAX_SPANS && (end = s_math_span(md, len, i)) != 0) {
            if (n == cap) {
                size_t ncap = cap ? cap * 2 : 16;
                size_t *s = realloc(spans, ncap * 2 * sizeof *spans);
                if (!s) {
                    pre.failed = true;
                    break;
                }
                spans = s;
                cap = ncap;
            }
            spans[2 * n] = i;
            spans[2 * n + 1] = end;
            char tok[32];
            int tl = snprintf(tok, sizeof tok, TOKEN "%zuX", n);
            s_add(&pre, tok, (size_t)tl);
            n++;
            i = end;
            continue;
        }
        s_add(&pre, md + i, 1);
        line_start = c == '\n';
        i++;
    }
    if (pre.failed) {
        free(pre.data);
        free(spans);
        return NULL;
    }
    char *html = cmark_markdown_to_html(pre.data ? pre.data : "", pre.len, CMARK_OPT_SAFE);
    free(pre.data);
    if (!html || n == 0) {
        free(spans);
        return html;
    }

    sbuf_t out = {0};
    size_t hl = strlen(html), from = 0;
    for (size_t i = 0; i + TOKEN_LEN < hl;) {
        if (memcmp(html + i, TOKEN, TOKEN_LEN) != 0) {
            i++;
            continue;
        }
        size_t j = i + TOKEN_LEN, k = 0;
        bool digits = false;
        while (j < hl && html[j] >= '0' && html[j] <= '9' && k <= n) {
            k = k * 10 + (size_t)(html[j] - '0');
            digits = true;
            j++;
        }
        if (!digits || j >= hl || html[j] != 'X' || k >= n) {
            i++;
            continue;
        }
        s_add(&out, html + from, i - from);
        s_add_escaped(&out, md + spans[2 * k], spans[2 * k + 1] - spans[2 * k]);
        i = from = j + 1;
    }
    s_add(&out, html + from, hl - from);
    free(html);
    free(spans);
    if (out.failed) {
        free(out.data);
        return NULL;
    }
    if (!out.data) s_add(&out, "", 0);
    return out.data;
}
