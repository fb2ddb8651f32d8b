/*  edge_package — reading a problem package from a zip (see package.h). */
#include "package.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zip.h>

#define BADPKG 400, "bad_package"

typedef struct {
    const char *name; /* relative to the package root */
    zip_uint64_t index;
} entry_t;

typedef struct {
    zip_t *za;
    const edge_package_limits_t *lim;
    edge_package_t *p;
    entry_t *e;
    size_t n;
    char **names; /* owned copies behind e[].name */
    size_t n_names;
} reader_t;

static const char *const s_folders[] = {"accepted",
                                        "wrong_answer",
                                        "time_limit_exceeded",
                                        "run_time_error",
                                        "memory_limit_exceeded",
                                        "output_limit_exceeded",
                                        "compile_error",
                                        NULL};

const char *edge_package_language(const char *name)
{
    static const char *const map[][2] = {
        {".c", "c"},           {".cpp", "cpp"},    {".cc", "cpp"},    {".cxx", "cpp"},
        {".c++", "cpp"},       {".py", "python3"}, {".java", "java"}, {".rs", "rust"},
        {".js", "javascript"}, {".pas", "pascal"},
    };
    const char *dot = strrchr(name, '.');
    if (!dot || strchr(dot, '/')) return NULL;
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strcmp(dot, map[i][0]) == 0) return map[i][1];
    return NULL;
}

void edge_package_destroy(edge_package_t **self_p)
{
    if (!self_p || !*self_p) return;
    edge_package_t *p = *self_p;
    free(p->title);
    free(p->statement.data);
    for (size_t i = 0; i < p->n_tags; i++)
        free(p->tags[i]);
    free(p->tags);
    free(p->validator.data);
    free(p->subtasks);
    for (size_t i = 0; i < p->n_tests; i++) {
        free(p->tests[i].in.data);
        free(p->tests[i].ans.data);
        free(p->tests[i].group);
    }
    free(p->tests);
    for (size_t i = 0; i < p->n_subs; i++) {
        free(p->subs[i].name);
        free(p->subs[i].source.data);
    }
    free(p->subs);
    for (size_t i = 0; i < p->n_warnings; i++)
        free(p->warnings[i]);
    free(p->warnings);
    free(p);
    *self_p = NULL;
}

/* ---- names ----------------------------------------------------------------------------------- */

/* 0 when a zip entry name is a safe relative path. */
static int s_safe_name(const char *n)
{
    if (!*n || *n == '/' || strlen(n) > EDGE_PKG_NAME_MAX) return -1;
    for (const unsigned char *c = (const unsigned char *)n; *c; c++)
        if (*c < 0x20 || *c == 0x7f || *c == '\\' || *c == ':') return -1;
    for (const char *s = n; s;) {
        const char *slash = strchr(s, '/');
        size_t len = slash ? (size_t)(slash - s) : strlen(s);
        if ((len == 2 && s[0] == '.' && s[1] == '.') || (len == 1 && s[0] == '.')) return -1;
        s = slash ? slash + 1 : NULL;
    }
    return 0;
}

static int s_cmp_entry(const void *a, const void *b)
{
    return strcmp(((const entry_t *)a)->name, ((const entry_t *)b)->name);
}

static const entry_t *s_find(const reader_t *r, const char *name)
{
    entry_t key = {name, 0};
    return bsearch(&key, r->e, r->n, sizeof key, s_cmp_entry);
}

static bool s_starts(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

static bool s_ends(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && strcmp(s + a - b, suffix) == 0;
}

/* Lists the entries (directories left out), checks names, strips a common top directory. */
static int s_list(reader_t *r, edge_err_t *err)
{
    zip_int64_t n = zip_get_num_entries(r->za, 0);
    if (n < 0 || n > EDGE_PKG_MAX_ENTRIES)
        return edge_err_set(err, 413, "too_large", "the package has more than %d files",
                            EDGE_PKG_MAX_ENTRIES);
    r->e = calloc((size_t)n + 1, sizeof *r->e);
    r->names = calloc((size_t)n + 1, sizeof *r->names);
    if (!r->e || !r->names) return edge_err_set(err, 503, "unavailable", "out of memory");
    for (zip_int64_t i = 0; i < n; i++) {
        const char *name = zip_get_name(r->za, (zip_uint64_t)i, ZIP_FL_ENC_RAW);
        if (!name) return edge_err_set(err, BADPKG, "the zip's directory cannot be read");
        if (s_safe_name(name) != 0)
            return edge_err_set(err, BADPKG,
                                "the zip holds an unsafe file name (absolute, `..`, `\\` or a "
                                "control character): %.80s",
                                name);
        if (s_ends(name, "/")) continue;
        if (!(r->names[r->n_names] = strdup(name)))
            return edge_err_set(err, 503, "unavailable", "out of memory");
        r->e[r->n++] = (entry_t){r->names[r->n_names++], (zip_uint64_t)i};
    }
    qsort(r->e, r->n, sizeof *r->e, s_cmp_entry);
    if (s_find(r, "problem.yaml")) return 0;
    /* one top-level directory holding problem.yaml? */
    const char *slash = r->n ? strchr(r->e[0].name, '/') : NULL;
    size_t plen = slash ? (size_t)(slash - r->e[0].name) + 1 : 0;
    for (size_t i = 0; plen && i < r->n; i++)
        if (strncmp(r->e[i].name, r->e[0].name, plen) != 0) plen = 0;
    if (plen) {
        for (size_t i = 0; i < r->n; i++)
            r->e[i].name += plen;
        if (s_find(r, "problem.yaml")) return 0;
    }
    return edge_err_set(err, BADPKG,
                        "the package has no problem.yaml at its root (nor in one top-level "
                        "directory); is this a Kattis/problemarchive package?");
}

/* ---- reading --------------------------------------------------------------------------------- */

/* Reads an entry whole (NUL-terminated, not counted in len), within the byte budget. */
static int s_read(reader_t *r, const entry_t *e, edge_pkg_bytes_t *out, edge_err_t *err)
{
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat_index(r->za, e->index, 0, &st) != 0 || !(st.valid & ZIP_STAT_SIZE))
        return edge_err_set(err, BADPKG, "cannot read %.200s from the zip", e->name);
    uint64_t left = r->lim->max_total - r->p->bytes_read;
    if (st.size > left)
        return edge_err_set(err, 413, "too_large",
                            "the package unpacks to more than %llu bytes (at %.200s)",
                            (unsigned long long)r->lim->max_total, e->name);
    zip_file_t *f = zip_fopen_index(r->za, e->index, 0);
    if (!f) return edge_err_set(err, BADPKG, "cannot open %.200s in the zip", e->name);
    char *buf = malloc((size_t)st.size + 2);
    if (!buf) {
        zip_fclose(f);
        return edge_err_set(err, 503, "unavailable", "out of memory");
    }
    uint64_t got = 0;
    for (;;) { /* at most one byte past the declared size: a lying directory is caught */
        zip_int64_t k = zip_fread(f, buf + got, st.size + 1 - got);
        if (k < 0) {
            got = UINT64_MAX;
            break;
        }
        if (k == 0) break;
        got += (uint64_t)k;
        if (got > st.size) break;
    }
    zip_fclose(f);
    if (got != st.size) {
        free(buf);
        return edge_err_set(err, BADPKG, "%.200s is damaged in the zip (its size or CRC is wrong)",
                            e->name);
    }
    buf[got] = '\0';
    r->p->bytes_read += got;
    out->data = buf;
    out->len = (size_t)got;
    return 0;
}

/* ---- parts ----------------------------------------------------------------------------------- */

static int s_statement(reader_t *r, edge_err_t *err)
{
    static const char *const md[] = {"problem_statement/problem.en.md",
                                     "problem_statement/problem.md", "statement/problem.en.md",
                                     "statement/problem.md", NULL};
    for (size_t i = 0; md[i]; i++) {
        const entry_t *e = s_find(r, md[i]);
        if (e) return s_read(r, e, &r->p->statement, err);
    }
    edge_package_warn(r->p, "no Markdown statement (problem_statement/problem.md or "
                            "problem.en.md); the problem has an empty statement");
    return 0;
}

/* Appends a test from in-entry e (its .ans next to it). */
static int s_test(reader_t *r, const entry_t *e, bool sample, edge_err_t *err)
{
    edge_package_t *p = r->p;
    char ans[EDGE_PKG_NAME_MAX + 8];
    snprintf(ans, sizeof ans, "%.*s.ans", (int)(strlen(e->name) - 3), e->name);
    const entry_t *a = s_find(r, ans);
    if (!a && !p->interactive) {
        edge_package_warn(p, "%.200s has no .ans file; skipped", e->name);
        return 0;
    }
    if (p->n_tests >= EDGE_PKG_MAX_TESTS)
        return edge_err_set(err, 413, "too_large", "the package has more than %d tests",
                            EDGE_PKG_MAX_TESTS);
    edge_pkg_test_t *t = realloc(p->tests, (p->n_tests + 1) * sizeof *t);
    if (!t) return edge_err_set(err, 503, "unavailable", "out of memory");
    p->tests = t;
    t = &p->tests[p->n_tests++];
    memset(t, 0, sizeof *t);
    t->sample = sample;
    if (!sample) {
        const char *rel = e->name + strlen("data/secret/"), *slash = strrchr(rel, '/');
        if (slash) {
            if (slash - rel > 64)
                return edge_err_set(err, BADPKG, "test group name longer than 64 bytes: %.100s",
                                    rel);
            if (!(t->group = strndup(rel, (size_t)(slash - rel))))
                return edge_err_set(err, 503, "unavailable", "out of memory");
        }
    }
    if (s_read(r, e, &t->in, err) != 0) return -1;
    if (a) return s_read(r, a, &t->ans, err);
    t->ans.data = strdup("");
    return t->ans.data ? 0 : edge_err_set(err, 503, "unavailable", "out of memory");
}

static int s_subtasks(reader_t *r, edge_err_t *err)
{
    edge_package_t *p = r->p;
    for (size_t i = 0; i < p->n_tests; i++) {
        const char *g = p->tests[i].group;
        bool seen = !g;
        for (size_t j = 0; g && j < p->n_subtasks && !seen; j++)
            seen = strcmp(p->subtasks[j].group, g) == 0;
        if (seen) continue;
        if (p->n_subtasks >= 100)
            return edge_err_set(err, BADPKG, "the package has more than 100 test groups");
        edge_pkg_subtask_t *s = realloc(p->subtasks, (p->n_subtasks + 1) * sizeof *s);
        if (!s) return edge_err_set(err, 503, "unavailable", "out of memory");
        p->subtasks = s;
        s = &p->subtasks[p->n_subtasks++];
        snprintf(s->group, sizeof s->group, "%s", g);
        s->points = -1;
        char yaml[EDGE_PKG_NAME_MAX + 32];
        snprintf(yaml, sizeof yaml, "data/secret/%s/testdata.yaml", g);
        const entry_t *e = s_find(r, yaml);
        edge_pkg_bytes_t b = {0};
        if (e) {
            if (s_read(r, e, &b, err) != 0) return -1;
            s->points = edge_package_accept_score(b.data, b.len);
            free(b.data);
        }
    }
    size_t unset = 0;
    for (size_t i = 0; i < p->n_subtasks; i++)
        unset += p->subtasks[i].points < 0;
    if (unset) {
        edge_package_warn(p,
                          "%zu test group(s) give no accept_score in testdata.yaml; their "
                          "points are split evenly out of 100",
                          unset);
        for (size_t i = 0; i < p->n_subtasks; i++)
            if (p->subtasks[i].points < 0) p->subtasks[i].points = 100.0 / (double)unset;
    }
    return 0;
}

/* Replaces `#include "x"` lines of src by the text of x from the validator's directory. */
static int s_inline(reader_t *r, const char *dir, edge_pkg_bytes_t *src, int depth, edge_err_t *err)
{
    char *line = strstr(src->data, "#include \"");
    while (line && depth < 4) {
        char *q = line + strlen("#include \""), *end = strchr(q, '"');
        if (!end || end - q > 200) break;
        char path[EDGE_PKG_NAME_MAX + 256];
        snprintf(path, sizeof path, "%s%.*s", dir, (int)(end - q), q);
        const entry_t *h = s_find(r, path);
        if (!h) {
            line = strstr(end, "#include \"");
            continue;
        }
        edge_pkg_bytes_t hb = {0};
        if (s_read(r, h, &hb, err) != 0) return -1;
        if (s_inline(r, dir, &hb, depth + 1, err) != 0) {
            free(hb.data);
            return -1;
        }
        char *eol = strchr(end, '\n');
        size_t pre = (size_t)(line - src->data),
               post_at = eol ? (size_t)(eol - src->data) : src->len;
        size_t len = pre + hb.len + 1 + (src->len - post_at);
        if (len > EDGE_PKG_SOURCE_MAX) {
            free(hb.data);
            return edge_err_set(err, 413, "too_large",
                                "the output validator is larger than %u bytes",
                                EDGE_PKG_SOURCE_MAX);
        }
        char *out = malloc(len + 1);
        if (!out) {
            free(hb.data);
            return edge_err_set(err, 503, "unavailable", "out of memory");
        }
        memcpy(out, src->data, pre);
        memcpy(out + pre, hb.data, hb.len);
        out[pre + hb.len] = '\n';
        memcpy(out + pre + hb.len + 1, src->data + post_at, src->len - post_at);
        out[len] = '\0';
        free(hb.data);
        free(src->data);
        src->data = out;
        src->len = len;
        line = strstr(out + pre + hb.len, "#include \"");
    }
    return 0;
}

static int s_validator(reader_t *r, edge_err_t *err)
{
    edge_package_t *p = r->p;
    char dir[EDGE_PKG_NAME_MAX + 2] = "";
    const entry_t *main = NULL;
    for (size_t i = 0; i < r->n; i++) {
        const char *n = r->e[i].name;
        if (!s_starts(n, "output_validators/") && !s_starts(n, "output_validator/")) continue;
        const char *rest = strchr(n, '/') + 1, *slash = strrchr(n, '/');
        if (!dir[0]) {
            /* output_validator/<file> or output_validators/<name>/<file> */
            size_t dl = s_starts(n, "output_validator/") ? (size_t)(rest - n)
                        : strchr(rest, '/')              ? (size_t)(strchr(rest, '/') - n) + 1
                                                         : (size_t)(rest - n);
            snprintf(dir, sizeof dir, "%.*s", (int)dl, n);
        }
        if (!s_starts(n, dir) || slash + 1 - n != (long)strlen(dir)) {
            edge_package_warn(p, "%.200s skipped: only one output validator directory is used", n);
            continue;
        }
        const char *lang = edge_package_language(n);
        bool ok = lang && (!strcmp(lang, "c") || !strcmp(lang, "cpp") || !strcmp(lang, "python3"));
        if (s_ends(n, ".h") || s_ends(n, ".hpp") || s_ends(n, ".hh")) continue; /* inlined */
        if (!ok) {
            edge_package_warn(p, "%.200s skipped: output validators must be C, C++ or Python", n);
            continue;
        }
        if (main) {
            edge_package_warn(p, "%.200s skipped: a validator is one source file (using %.200s)", n,
                              main->name);
            continue;
        }
        main = &r->e[i];
        snprintf(p->validator_language, sizeof p->validator_language, "%s", lang);
    }
    if (p->checker != EDGE_PKG_CUSTOM) {
        if (main)
            edge_package_warn(p,
                              "output validator %.200s skipped: problem.yaml does not ask "
                              "for custom validation",
                              main->name);
        return 0;
    }
    if (!main)
        return edge_err_set(err, BADPKG,
                            "problem.yaml asks for %s validation, but output_validators/ holds "
                            "no C, C++ or Python source",
                            p->interactive ? "interactive" : "custom");
    if (s_read(r, main, &p->validator, err) != 0) return -1;
    if (strcmp(p->validator_language, "python3") != 0 &&
        s_inline(r, dir, &p->validator, 0, err) != 0)
        return -1;
    if (p->validator.len > EDGE_PKG_SOURCE_MAX)
        return edge_err_set(err, 413, "too_large", "the output validator is larger than %u bytes",
                            EDGE_PKG_SOURCE_MAX);
    return 0;
}

static int s_submission(reader_t *r, const entry_t *e, edge_err_t *err)
{
    edge_package_t *p = r->p;
    const char *folder = e->name + strlen("submissions/"), *slash = strchr(folder, '/');
    if (!slash || strchr(slash + 1, '/')) {
        edge_package_warn(p, "%.200s skipped: only single-file submissions are kept", e->name);
        return 0;
    }
    size_t fl = (size_t)(slash - folder);
    bool known = false;
    for (size_t i = 0; s_folders[i] && !known; i++)
        known = strlen(s_folders[i]) == fl && strncmp(s_folders[i], folder, fl) == 0;
    const char *lang = edge_package_language(slash + 1);
    if (!known || !lang) {
        edge_package_warn(p, "%.200s skipped: %s", e->name,
                          known ? "unknown language extension" : "unknown verdict folder");
        return 0;
    }
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat_index(r->za, e->index, 0, &st) != 0 || !(st.valid & ZIP_STAT_SIZE) ||
        st.size > r->lim->max_source || st.size == 0) {
        edge_package_warn(p, "%.200s skipped: empty or larger than %llu bytes", e->name,
                          (unsigned long long)r->lim->max_source);
        return 0;
    }
    if (p->n_subs >= EDGE_PKG_MAX_SUBMISSIONS) {
        edge_package_warn(p, "%.200s skipped: more than %d submissions", e->name,
                          EDGE_PKG_MAX_SUBMISSIONS);
        return 0;
    }
    edge_pkg_sub_t *s = realloc(p->subs, (p->n_subs + 1) * sizeof *s);
    if (!s) return edge_err_set(err, 503, "unavailable", "out of memory");
    p->subs = s;
    s = &p->subs[p->n_subs++];
    memset(s, 0, sizeof *s);
    snprintf(s->folder, sizeof s->folder, "%.*s", (int)fl, folder);
    snprintf(s->language, sizeof s->language, "%s", lang);
    if (!(s->name = strndup(slash + 1, 255)))
        return edge_err_set(err, 503, "unavailable", "out of memory");
    return s_read(r, e, &s->source, err);
}

/* ---- the whole package ----------------------------------------------------------------------- */

static int s_entries(reader_t *r, edge_err_t *err)
{
    edge_package_t *p = r->p;
    bool input_validators = false;
    for (size_t i = 0; i < r->n; i++) {
        const entry_t *e = &r->e[i];
        const char *n = e->name;
        if (!strcmp(n, "problem.yaml") || !strcmp(n, ".timelimit") ||
            s_starts(n, "output_validator"))
            continue;
        if (s_starts(n, "problem_statement/") || s_starts(n, "statement/")) {
            if (s_ends(n, ".tex"))
                edge_package_warn(p, "%.200s skipped: LaTeX statements are not rendered", n);
            else if (!s_ends(n, "/problem.md") && !s_ends(n, "/problem.en.md"))
                edge_package_warn(p, "%.200s skipped", n);
        } else if (s_starts(n, "data/sample/") || s_starts(n, "data/secret/")) {
            bool sample = s_starts(n, "data/sample/");
            if (sample && strchr(n + strlen("data/sample/"), '/'))
                edge_package_warn(p, "%.200s skipped: samples have no groups", n);
            else if (s_ends(n, ".in")) {
                if (s_test(r, e, sample, err) != 0) return -1;
            } else if (!s_ends(n, ".ans") && !s_ends(n, "/testdata.yaml"))
                edge_package_warn(p, "%.200s skipped", n);
        } else if (s_starts(n, "submissions/")) {
            if (s_submission(r, e, err) != 0) return -1;
        } else if (s_starts(n, "input_validators/") || s_starts(n, "input_format_validators/") ||
                   s_starts(n, "input_validator/")) {
            if (!input_validators)
                edge_package_warn(p, "input validators skipped: Gavel does not run them");
            input_validators = true;
        } else {
            edge_package_warn(p, "%.200s skipped: not part of the package format Gavel reads", n);
        }
    }
    if (p->n_tests == 0)
        return edge_err_set(err, BADPKG,
                            "the package has no tests (data/sample/*.in, "
                            "data/secret/*.in with .ans files)");
    return 0;
}

static edge_package_t *s_parse(zip_t *za, const edge_package_limits_t *lim, edge_err_t *err)
{
    reader_t r = {.za = za, .lim = lim};
    edge_package_t *p = calloc(1, sizeof *p);
    bool scoring = false;
    int rc = -1;
    edge_pkg_bytes_t b = {0};
    if (!p) {
        edge_err_set(err, 503, "unavailable", "out of memory");
        goto done;
    }
    r.p = p;
    p->time_limit_ms = 0;
    p->memory_limit_kb = EDGE_PKG_DEFAULT_MEMORY_KB;
    p->checker = EDGE_PKG_TOKENS;
    if (s_list(&r, err) != 0 || s_read(&r, s_find(&r, "problem.yaml"), &b, err) != 0 ||
        edge_package_read_yaml(p, b.data, b.len, &scoring, err) != 0)
        goto done;
    free(b.data);
    b.data = NULL;
    const entry_t *tl = s_find(&r, ".timelimit");
    if (!p->time_limit_ms && tl) {
        if (s_read(&r, tl, &b, err) != 0) goto done;
        double s = strtod(b.data, NULL);
        if (s > 0 && s <= 60) p->time_limit_ms = (uint64_t)(s * 1000 + 0.5);
        free(b.data);
        b.data = NULL;
    }
    if (!p->time_limit_ms) {
        p->time_limit_ms = lim->default_time_limit_ms ? lim->default_time_limit_ms : 2000;
        edge_package_warn(p, "no time limit (limits.time_limit or .timelimit); using %llu ms",
                          (unsigned long long)p->time_limit_ms);
    }
    if (!p->title) {
        edge_package_warn(p, "problem.yaml has no name; the problem is called `Untitled`");
        if (!(p->title = strdup("Untitled"))) goto done;
    }
    if (s_statement(&r, err) != 0 || s_validator(&r, err) != 0 || s_entries(&r, err) != 0)
        goto done;
    if (scoring && s_subtasks(&r, err) != 0) goto done;
    if (memchr(p->statement.data ? p->statement.data : "", '\0', p->statement.len) ||
        p->statement.len > (1u << 20)) {
        edge_err_set(err, BADPKG, "the statement must be text of at most 1 MiB");
        goto done;
    }
    rc = 0;
done:
    free(b.data);
    for (size_t i = 0; i < r.n_names; i++)
        free(r.names[i]);
    free(r.names);
    free(r.e);
    if (rc != 0) edge_package_destroy(&p);
    return p;
}

static edge_package_t *s_open_source(zip_source_t *src, const edge_package_limits_t *lim,
                                     edge_err_t *err)
{
    zip_error_t ze;
    zip_error_init(&ze);
    zip_t *za = zip_open_from_source(src, ZIP_RDONLY, &ze);
    zip_error_fini(&ze);
    if (!za) {
        zip_source_free(src);
        edge_err_set(err, BADPKG, "the body is not a zip archive (send the package as a zip)");
        return NULL;
    }
    edge_package_t *p = s_parse(za, lim, err);
    zip_discard(za);
    return p;
}

edge_package_t *edge_package_from_buffer(const void *data, size_t len,
                                         const edge_package_limits_t *lim, edge_err_t *err)
{
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(len ? data : "", len, 0, &ze);
    zip_error_fini(&ze);
    if (!src) {
        edge_err_set(err, 503, "unavailable", "out of memory");
        return NULL;
    }
    return s_open_source(src, lim, err);
}

edge_package_t *edge_package_from_fd(int fd, const edge_package_limits_t *lim, edge_err_t *err)
{
    FILE *f = fdopen(fd, "rb");
    if (!f) {
        close(fd);
        edge_err_set(err, 503, "unavailable", "cannot read the uploaded package");
        return NULL;
    }
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_filep_create(f, 0, -1, &ze); /* closes f when freed */
    zip_error_fini(&ze);
    if (!src) {
        fclose(f);
        edge_err_set(err, 503, "unavailable", "cannot read the uploaded package");
        return NULL;
    }
    return s_open_source(src, lim, err);
}
