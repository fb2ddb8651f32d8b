/*  edge web UI files: loading a directory into memory, lookups (exact, SPA fallback,
 *  traversal), content types, ETags, gzip variants, caps, and the request-header helpers.
 *  Each test builds its own directory under /tmp; gzip variants are made with gzip(1). */
#include "gv_test.h"
#include "webui.h"

#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define INDEX_HTML "<!doctype html><title>Gavel</title><script type=module src=/js/app.js></script>"
/* Compressible enough that gzip makes it smaller. */
#define APP_JS                                                                                     \
    "export function main() { console.log('gavel gavel gavel gavel gavel gavel'); }\n"             \
    "export function main2() { console.log('gavel gavel gavel gavel gavel gavel'); }\n"            \
    "export function main3() { console.log('gavel gavel gavel gavel gavel gavel'); }\n"

static edge_web_limits_t s_big = {1u << 20, 8u << 20, 100};

/* ---- fixtures ------------------------------------------------------------------------- */

static int s_rm(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static void s_rmdir(const char *dir)
{
    CHECK(nftw(dir, s_rm, 16, FTW_DEPTH | FTW_PHYS) == 0);
}

static bool s_mkdtemp(char *dir, size_t len)
{
    snprintf(dir, len, "/tmp/gavel-webui-XXXXXX");
    bool ok = mkdtemp(dir) != NULL;
    CHECK(ok);
    return ok;
}

/* Writes dir/rel (making its directories). */
static void s_put(const char *dir, const char *rel, const void *data, size_t len)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/%s", dir, rel);
    for (char *p = path + strlen(dir) + 1; (p = strchr(p, '/')); p++) {
        *p = '\0';
        CHECK(mkdir(path, 0755) == 0 || errno == EEXIST);
        *p = '/';
    }
    FILE *f = fopen(path, "wb");
    CHECK(f != NULL);
    if (!f) return;
    CHECK(fwrite(data, 1, len, f) == len);
    CHECK(fclose(f) == 0);
}

static void s_puts(const char *dir, const char *rel, const char *text)
{
    s_put(dir, rel, text, strlen(text));
}

/* gzip -9 -k -n dir/rel -> dir/rel.gz, as the build does. */
static void s_gzip(const char *dir, const char *rel)
{
    char cmd[PATH_MAX + 64];
    snprintf(cmd, sizeof cmd, "gzip -9 -k -n -f '%s/%s'", dir, rel);
    int rc = system(cmd);
    CHECK(rc != -1 && WIFEXITED(rc) && WEXITSTATUS(rc) == 0);
}

static void s_symlink(const char *target, const char *dir, const char *rel)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/%s", dir, rel);
    CHECK(symlink(target, path) == 0);
}

/* The usual tree: index.html, js/app.js (+ .gz), app.js (+ .gz), a font, a dotfile, a dot
 * directory, nested dirs. */
static void s_tree(const char *dir)
{
    s_puts(dir, "index.html", INDEX_HTML);
    s_puts(dir, "js/app.js", APP_JS);
    s_gzip(dir, "js/app.js");
    s_puts(dir, "app.js", APP_JS "// top-level copy\n");
    s_gzip(dir, "app.js");
    s_put(dir, "fonts/inter.woff2", "wOF2\0\1\2\3", 8);
    s_puts(dir, "css/app.css", "body { margin: 0 }\n");
    s_puts(dir, "a/b/c/deep.txt", "deep\n");
    s_puts(dir, ".env", "SECRET=1\n");
    s_puts(dir, ".git/config", "[core]\n");
    s_puts(dir, "same1.txt", "same bytes\n");
    s_puts(dir, "same2.txt", "same bytes\n");
}

static edge_web_t *s_load(const char *dir, char *err, size_t errlen)
{
    err[0] = '\0';
    return edge_web_load_limits(dir, &s_big, err, errlen);
}

/* ---- lookups -------------------------------------------------------------------------- */

/* The standard tree (s_tree), loaded once for the lookup tests. */
static char s_fixture_dir[64];
static edge_web_t *s_fixture;

static void s_fixture_open(void)
{
    char err[512];
    if (!s_mkdtemp(s_fixture_dir, sizeof s_fixture_dir)) return;
    s_tree(s_fixture_dir);
    s_fixture = s_load(s_fixture_dir, err, sizeof err);
    if (!s_fixture) fprintf(stderr, "fixture: %s\n", err);
}

static void s_fixture_close(void)
{
    edge_web_destroy(&s_fixture);
    CHECK(s_fixture == NULL);
    if (s_fixture_dir[0]) s_rmdir(s_fixture_dir);
}

static void root_and_exact_paths_find_their_files(void)
{
    const edge_web_t *w = s_fixture;
    CHECK(w != NULL);
    if (w) {
        CHECK(edge_web_count(w) == 8); /* .env, .git and the two .gz are not files of their own */
        const edge_web_file_t *idx = edge_web_find(w, "/index.html");
        CHECK(idx != NULL && strcmp(idx->path, "/index.html") == 0);
        CHECK(edge_web_find(w, "/") == idx);
        CHECK(idx && idx->len == strlen(INDEX_HTML) &&
              memcmp(idx->data, INDEX_HTML, idx->len) == 0);
        const edge_web_file_t *js = edge_web_find(w, "/js/app.js");
        CHECK(js && strcmp(js->path, "/js/app.js") == 0 && js->len == strlen(APP_JS));
        const edge_web_file_t *deep = edge_web_find(w, "/a/b/c/deep.txt");
        CHECK(deep && deep->len == 5 && memcmp(deep->data, "deep\n", 5) == 0);
        CHECK(edge_web_find(w, "/fonts/inter.woff2") != NULL);
    }
}

static void client_side_routes_get_index_html(void)
{
    const edge_web_t *w = s_fixture;
    CHECK(w != NULL);
    if (w) {
        const edge_web_file_t *idx = edge_web_find(w, "/index.html");
        CHECK(idx != NULL);
        CHECK(edge_web_find(w, "/contests/3") == idx);
        CHECK(edge_web_find(w, "/contests/3/scoreboard") == idx);
        CHECK(edge_web_find(w, "/contests/") == idx);
        CHECK(edge_web_find(w, "/login") == idx);
        CHECK(edge_web_find(w, "/js") == idx); /* a directory is not a file */
        /* a dot directory's file is not served: the path falls back to the app */
        CHECK(edge_web_find(w, "/.git/config") == idx);
    }
}

static void missing_files_and_dotfiles_are_not_found(void)
{
    const edge_web_t *w = s_fixture;
    CHECK(w != NULL);
    if (w) {
        CHECK(edge_web_find(w, "/x.js") == NULL);
        CHECK(edge_web_find(w, "/js/missing.js") == NULL);
        CHECK(edge_web_find(w, "/.env") == NULL);
        CHECK(edge_web_find(w, "/js/app.js.gz") == NULL); /* a variant, not a file */
        CHECK(edge_web_find(w, "/index.htm") == NULL);
        CHECK(edge_web_find(w, "index.html") == NULL); /* not absolute */
        CHECK(edge_web_find(w, "") == NULL);
        CHECK(edge_web_find(w, NULL) == NULL);
    }
}

static void traversal_paths_are_refused(void)
{
    const edge_web_t *w = s_fixture;
    CHECK(w != NULL);
    if (w) {
        CHECK(edge_web_find(w, "/../etc/passwd") == NULL);
        CHECK(edge_web_find(w, "/js/../index.html") == NULL);
        CHECK(edge_web_find(w, "/..") == NULL);
        CHECK(edge_web_find(w, "/contests/..") == NULL); /* would be an app route otherwise */
        CHECK(edge_web_find(w, "//index.html") == NULL);
        CHECK(edge_web_find(w, "/js//app.js") == NULL);
        CHECK(edge_web_find(w, "/js\\app.js") == NULL);
        CHECK(edge_web_find(w, "\\index.html") == NULL);
    }
}

static void a_null_set_finds_nothing(void)
{
    CHECK(edge_web_find(NULL, "/") == NULL);
    CHECK(edge_web_find(NULL, "/contests/3") == NULL);
    CHECK(edge_web_count(NULL) == 0 && edge_web_bytes(NULL) == 0);
    edge_web_destroy(NULL);
    edge_web_t *w = NULL;
    edge_web_destroy(&w);
    CHECK(w == NULL);
}

static void app_routes_are_paths_whose_last_segment_has_no_dot(void)
{
    CHECK(edge_web_is_app_route("/"));
    CHECK(edge_web_is_app_route("/contests/3"));
    CHECK(edge_web_is_app_route("/contests/3/"));
    CHECK(edge_web_is_app_route("/v1.2/contests")); /* only the last segment counts */
    CHECK(!edge_web_is_app_route("/x.js"));
    CHECK(!edge_web_is_app_route("/contests/3/logo.png"));
    CHECK(!edge_web_is_app_route("contests"));
    CHECK(!edge_web_is_app_route(NULL));
}

/* ---- what a file carries -------------------------------------------------------------- */

static void content_types_follow_the_extension(void)
{
    static const struct {
        const char *name, *type;
    } cases[] = {
        {"index.html", "text/html; charset=utf-8"},
        {"m.js", "text/javascript; charset=utf-8"},
        {"m.mjs", "text/javascript; charset=utf-8"},
        {"s.css", "text/css; charset=utf-8"},
        {"d.json", "application/json"},
        {"m.js.map", "application/json"},
        {"i.svg", "image/svg+xml"},
        {"i.png", "image/png"},
        {"favicon.ico", "image/x-icon"},
        {"f.woff2", "font/woff2"},
        {"f.woff", "font/woff"},
        {"f.ttf", "font/ttf"},
        {"robots.txt", "text/plain; charset=utf-8"},
        {"UPPER.CSS", "text/css; charset=utf-8"},
        {"blob.bin", "application/octet-stream"},
        {"LICENSE", "application/octet-stream"},
    };
    char dir[64], err[512];
    if (!s_mkdtemp(dir, sizeof dir)) return;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        s_puts(dir, cases[i].name, "x");
    edge_web_t *w = s_load(dir, err, sizeof err);
    CHECK(w != NULL);
    if (w) {
        for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
            char path[64];
            snprintf(path, sizeof path, "/%s", cases[i].name);
            const edge_web_file_t *f = edge_web_find(w, path);
            CHECK(f != NULL);
            if (!f) continue;
            if (strcmp(f->content_type, cases[i].type) != 0)
                fprintf(stderr, "%s: %s\n", path, f->content_type);
            CHECK_STR(f->content_type, cases[i].type);
            CHECK(f->html == (strcmp(cases[i].name, "index.html") == 0));
        }
        /* "/LICENSE" has no dot: an app route, but the exact file wins */
        const edge_web_file_t *lic = edge_web_find(w, "/LICENSE");
        CHECK(lic && strcmp(lic->path, "/LICENSE") == 0);
        edge_web_destroy(&w);
    }
    s_rmdir(dir);
}

static void etags_are_quoted_hashes_stable_and_distinct(void)
{
    char dir[64], err[512];
    if (!s_mkdtemp(dir, sizeof dir)) return;
    s_tree(dir);
    edge_web_t *w1 = s_load(dir, err, sizeof err);
    edge_web_t *w2 = s_load(dir, err, sizeof err);
    CHECK(w1 && w2);
    if (w1 && w2) {
        const edge_web_file_t *a = edge_web_find(w1, "/same1.txt");
        const edge_web_file_t *b = edge_web_find(w1, "/same2.txt");
        const edge_web_file_t *c = edge_web_find(w1, "/index.html");
        const edge_web_file_t *a2 = edge_web_find(w2, "/same1.txt");
        CHECK(a && b && c && a2);
        if (a && b && c && a2) {
            CHECK(strlen(a->etag) == 34 && a->etag[0] == '"' && a->etag[33] == '"');
            CHECK(strspn(a->etag + 1, "0123456789abcdef") == 32);
            CHECK_STR(a->etag, b->etag);  /* same bytes, same tag */
            CHECK_STR(a->etag, a2->etag); /* stable across loads */
            CHECK(strcmp(a->etag, c->etag) != 0);
            CHECK(a->etag_gz[0] == '\0'); /* no variant, no variant tag */
        }
        const edge_web_file_t *js = edge_web_find(w1, "/js/app.js");
        const edge_web_file_t *top = edge_web_find(w1, "/app.js");
        CHECK(js && top && strcmp(js->etag, top->etag) != 0);
        if (js) {
            char want[EDGE_WEB_ETAG_MAX];
            snprintf(want, sizeof want, "%.33s-gz\"", js->etag);
            CHECK_STR(js->etag_gz, want);
        }
    }
    edge_web_destroy(&w1);
    edge_web_destroy(&w2);
    /* a changed file gets a new tag */
    s_puts(dir, "same1.txt", "other bytes\n");
    w1 = s_load(dir, err, sizeof err);
    w2 = NULL;
    CHECK(w1 != NULL);
    if (w1) {
        const edge_web_file_t *a = edge_web_find(w1, "/same1.txt");
        const edge_web_file_t *b = edge_web_find(w1, "/same2.txt");
        CHECK(a && b && strcmp(a->etag, b->etag) != 0);
        edge_web_destroy(&w1);
    }
    s_rmdir(dir);
}

static void gzip_siblings_become_variants(void)
{
    const edge_web_t *w = s_fixture;
    CHECK(w != NULL);
    if (w) {
        const edge_web_file_t *js = edge_web_find(w, "/js/app.js");
        const edge_web_file_t *top = edge_web_find(w, "/app.js");
        CHECK(js && js->gz && js->gz_len > 18 && js->gz_len < js->len);
        CHECK(js && js->gz && js->gz[0] == 0x1f && js->gz[1] == 0x8b);
        CHECK(top && top->gz && top->gz != (js ? js->gz : NULL));
        const edge_web_file_t *css = edge_web_find(w, "/css/app.css");
        CHECK(css && css->gz == NULL && css->gz_len == 0);
        CHECK(edge_web_gzip_count(w) == 2);
    }
}

static void unfit_gzip_siblings_are_dropped(void)
{
    char dir[64], err[512];
    if (!s_mkdtemp(dir, sizeof dir)) return;
    /* stale: the .gz of an older app.js */
    s_puts(dir, "stale.js", APP_JS);
    s_gzip(dir, "stale.js");
    s_puts(dir, "stale.js", APP_JS "// changed after compressing\n");
    /* not smaller: gzip of a tiny file */
    s_puts(dir, "tiny.js", "1");
    s_gzip(dir, "tiny.js");
    /* not gzip at all */
    s_puts(dir, "fake.js", APP_JS);
    s_puts(dir, "fake.js.gz", "this is not gzip, and it is short");
    /* no base file */
    s_puts(dir, "orphan.txt", APP_JS);
    s_gzip(dir, "orphan.txt");
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/orphan.txt", dir);
    CHECK(unlink(path) == 0);
    edge_web_t *w = s_load(dir, err, sizeof err);
    CHECK(w != NULL);
    if (w) {
        const edge_web_file_t *f = edge_web_find(w, "/stale.js");
        CHECK(f && f->gz == NULL && f->etag_gz[0] == '\0');
        f = edge_web_find(w, "/tiny.js");
        CHECK(f && f->gz == NULL);
        f = edge_web_find(w, "/fake.js");
        CHECK(f && f->gz == NULL);
        CHECK(edge_web_find(w, "/orphan.txt") == NULL);
        CHECK(edge_web_find(w, "/orphan.txt.gz") == NULL);
        CHECK(edge_web_count(w) == 3 && edge_web_gzip_count(w) == 0);
        /* bytes held: only what is served */
        CHECK(edge_web_bytes(w) ==
              2 * strlen(APP_JS) + strlen("// changed after compressing\n") + 1);
        edge_web_destroy(&w);
    }
    s_rmdir(dir);
}

static void symlinks_are_followed_only_inside_the_root(void)
{
    char dir[64], outside[64], err[512];
    if (!s_mkdtemp(dir, sizeof dir)) return;
    if (!s_mkdtemp(outside, sizeof outside)) {
        s_rmdir(dir);
        return;
    }
    s_tree(dir);
    s_puts(outside, "secret.txt", "secret\n");
    char target[PATH_MAX];
    snprintf(target, sizeof target, "%s/secret.txt", outside);
    s_symlink(target, dir, "leak.txt");
    s_symlink(outside, dir, "leakdir");
    s_symlink("css/app.css", dir, "alias.css");
    s_symlink(".", dir, "loop"); /* a directory link: not entered */
    s_symlink("nowhere.txt", dir, "dangling.txt");
    edge_web_t *w = s_load(dir, err, sizeof err);
    CHECK(w != NULL);
    if (w) {
        CHECK(edge_web_find(w, "/leak.txt") == NULL);
        CHECK(edge_web_find(w, "/leakdir/secret.txt") == NULL);
        CHECK(edge_web_find(w, "/dangling.txt") == NULL);
        CHECK(edge_web_find(w, "/loop/index.html") == NULL);
        const edge_web_file_t *alias = edge_web_find(w, "/alias.css");
        const edge_web_file_t *css = edge_web_find(w, "/css/app.css");
        CHECK(alias && css && alias->len == css->len && strcmp(alias->etag, css->etag) == 0);
        CHECK(edge_web_count(w) == 9); /* the tree and alias.css */
        edge_web_destroy(&w);
    }
    s_rmdir(dir);
    s_rmdir(outside);
}

/* ---- loading failures ----------------------------------------------------------------- */

static void caps_fail_the_load_with_a_sentence(void)
{
    char dir[64], err[512];
    if (!s_mkdtemp(dir, sizeof dir)) return;
    s_puts(dir, "index.html", "<p>hi</p>\n");                  /* 10 bytes */
    s_puts(dir, "js/a.js", "x");                               /* 1 */
    s_puts(dir, "big.js", "0123456789abcdef0123456789abcdef"); /* 32: 43 in all */

    edge_web_limits_t per_file = {31, 1u << 20, 100};
    err[0] = '\0';
    edge_web_t *w = edge_web_load_limits(dir, &per_file, err, sizeof err);
    CHECK(w == NULL);
    CHECK_CONTAINS(err, "big.js is 32 bytes, more than the 31");

    edge_web_limits_t exact = {32, 1u << 20, 100}; /* at the cap is fine */
    w = edge_web_load_limits(dir, &exact, err, sizeof err);
    CHECK(w != NULL);
    edge_web_destroy(&w);

    edge_web_limits_t total = {1u << 20, 42, 100};
    err[0] = '\0';
    w = edge_web_load_limits(dir, &total, err, sizeof err);
    CHECK(w == NULL);
    CHECK_CONTAINS(err, "is larger than 42 bytes");
    total.max_total_bytes = 43;
    w = edge_web_load_limits(dir, &total, err, sizeof err);
    CHECK(w != NULL && edge_web_bytes(w) == 43);
    edge_web_destroy(&w);

    edge_web_limits_t files = {1u << 20, 1u << 20, 2};
    err[0] = '\0';
    w = edge_web_load_limits(dir, &files, err, sizeof err);
    CHECK(w == NULL);
    CHECK_CONTAINS(err, "has more than 2 files");
    files.max_files = 3;
    w = edge_web_load_limits(dir, &files, err, sizeof err);
    CHECK(w != NULL && edge_web_count(w) == 3);
    edge_web_destroy(&w);
    s_rmdir(dir);
}

static void a_missing_or_odd_root_fails(void)
{
    char err[512] = "";
    edge_web_t *w = edge_web_load("/nonexistent/gavel/web", err, sizeof err);
    CHECK(w == NULL);
    CHECK_CONTAINS(err, "/nonexistent/gavel/web");
    char dir[64];
    if (!s_mkdtemp(dir, sizeof dir)) return;
    s_puts(dir, "file", "x");
    char file[PATH_MAX];
    snprintf(file, sizeof file, "%s/file", dir);
    err[0] = '\0';
    w = edge_web_load(file, err, sizeof err);
    CHECK(w == NULL);
    CHECK_CONTAINS(err, "is not a directory");
    err[0] = '\0';
    CHECK(edge_web_load("", err, sizeof err) == NULL && err[0]);
    s_rmdir(dir);
}

static void an_empty_directory_loads_and_serves_nothing(void)
{
    char dir[64], err[512];
    if (!s_mkdtemp(dir, sizeof dir)) return;
    edge_web_t *w = edge_web_load(dir, err, sizeof err);
    CHECK(w != NULL);
    if (w) {
        CHECK(edge_web_count(w) == 0 && edge_web_bytes(w) == 0);
        CHECK(edge_web_find(w, "/") == NULL);
        CHECK(edge_web_find(w, "/contests/3") == NULL);
        edge_web_destroy(&w);
    }
    s_rmdir(dir);
}

/* ---- header helpers ------------------------------------------------------------------- */

static void accept_encoding_is_parsed_with_q_values(void)
{
    CHECK(edge_web_accepts_gzip("gzip"));
    CHECK(edge_web_accepts_gzip("gzip, deflate, br"));
    CHECK(edge_web_accepts_gzip("br;q=1.0, gzip;q=0.8, *;q=0.1"));
    CHECK(edge_web_accepts_gzip("deflate,GZIP"));
    CHECK(edge_web_accepts_gzip("x-gzip"));
    CHECK(edge_web_accepts_gzip("*"));
    CHECK(edge_web_accepts_gzip("gzip ; q=0.001"));
    CHECK(edge_web_accepts_gzip("gzip;q=1"));
    CHECK(!edge_web_accepts_gzip(NULL));
    CHECK(!edge_web_accepts_gzip(""));
    CHECK(!edge_web_accepts_gzip("identity"));
    CHECK(!edge_web_accepts_gzip("br, deflate"));
    CHECK(!edge_web_accepts_gzip("gzip;q=0"));
    CHECK(!edge_web_accepts_gzip("gzip;q=0.000"));
    CHECK(!edge_web_accepts_gzip("gzip; q=0, *")); /* named and refused beats the wildcard */
    CHECK(!edge_web_accepts_gzip("*;q=0"));
    CHECK(!edge_web_accepts_gzip("gzipper, gzip2")); /* whole tokens only */
    CHECK(!edge_web_accepts_gzip("gzip;q=bogus"));   /* malformed: identity is always safe */
    CHECK(!edge_web_accepts_gzip("gzip;q=1.5"));
}

static void if_none_match_handles_lists_weak_tags_and_star(void)
{
    const char *tag = "\"0123abcd\"";
    CHECK(edge_web_etag_matches("\"0123abcd\"", tag));
    CHECK(edge_web_etag_matches("W/\"0123abcd\"", tag));
    CHECK(edge_web_etag_matches("\"zzz\", \"0123abcd\"", tag));
    CHECK(edge_web_etag_matches("\"zzz\",W/\"0123abcd\" , \"yyy\"", tag));
    CHECK(edge_web_etag_matches("*", tag));
    CHECK(edge_web_etag_matches(" * ", tag));
    CHECK(!edge_web_etag_matches(NULL, tag));
    CHECK(!edge_web_etag_matches("", tag));
    CHECK(!edge_web_etag_matches("\"0123abc\"", tag));
    CHECK(!edge_web_etag_matches("\"0123abcd-gz\"", tag));
    CHECK(!edge_web_etag_matches("0123abcd", tag));          /* unquoted is not the tag */
    CHECK(!edge_web_etag_matches("\"0123abcd", tag));        /* unterminated */
    CHECK(!edge_web_etag_matches("\"x, \"0123abcd\"", tag)); /* malformed: quotes pair up */
    CHECK(!edge_web_etag_matches("\"0123abcd\"", ""));
}

static void a_v_parameter_marks_a_versioned_asset(void)
{
    CHECK(edge_web_query_versioned("v=3f2a"));
    CHECK(edge_web_query_versioned("a=1&v=3f2a"));
    CHECK(edge_web_query_versioned("a=1;v=x&b=2"));
    CHECK(!edge_web_query_versioned(NULL));
    CHECK(!edge_web_query_versioned(""));
    CHECK(!edge_web_query_versioned("v="));
    CHECK(!edge_web_query_versioned("v=&a=1"));
    CHECK(!edge_web_query_versioned("v"));
    CHECK(!edge_web_query_versioned("dev=1"));
    CHECK(!edge_web_query_versioned("av=1&vv=2"));
}

int main(void)
{
    s_fixture_open();
    RUN(root_and_exact_paths_find_their_files);
    RUN(client_side_routes_get_index_html);
    RUN(missing_files_and_dotfiles_are_not_found);
    RUN(traversal_paths_are_refused);
    RUN(gzip_siblings_become_variants);
    s_fixture_close();
    RUN(a_null_set_finds_nothing);
    RUN(app_routes_are_paths_whose_last_segment_has_no_dot);
    RUN(content_types_follow_the_extension);
    RUN(etags_are_quoted_hashes_stable_and_distinct);
    RUN(unfit_gzip_siblings_are_dropped);
    RUN(symlinks_are_followed_only_inside_the_root);
    RUN(caps_fail_the_load_with_a_sentence);
    RUN(a_missing_or_odd_root_fails);
    RUN(an_empty_directory_loads_and_serves_nothing);
    RUN(accept_encoding_is_parsed_with_q_values);
    RUN(if_none_match_handles_lists_weak_tags_and_star);
    RUN(a_v_parameter_marks_a_versioned_asset);
    return TEST_SUMMARY();
}
