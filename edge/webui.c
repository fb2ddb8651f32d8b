/*  edge_web — the web UI's files in memory (see webui.h). */
#include "webui.h"

#include "gv_log.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define ETAG_HASH_BYTES 16
#define GZ_SUFFIX ".gz"
#define GZ_SUFFIX_LEN 3
#define GZ_MIN_LEN 18 /* 10-byte header + 8-byte trailer */
#define INDEX_PATH "/index.html"

struct edge_web {
    edge_web_file_t *files; /* sorted by path */
    size_t n;
    size_t bytes;
    size_t n_gz;
    const edge_web_file_t *index; /* "/index.html", or NULL */
};

/* ---- content types ------------------------------------------------------------------- */

static const struct {
    const char *ext;
    const char *type;
} s_types[] = {
    {"html", "text/html; charset=utf-8"},
    {"htm", "text/html; charset=utf-8"},
    {"js", "text/javascript; charset=utf-8"},
    {"mjs", "text/javascript; charset=utf-8"},
    {"css", "text/css; charset=utf-8"},
    {"json", "application/json"},
    {"map", "application/json"},
    {"svg", "image/svg+xml"},
    {"png", "image/png"},
    {"ico", "image/x-icon"},
    {"woff2", "font/woff2"},
    {"woff", "font/woff"},
    {"ttf", "font/ttf"},
    {"txt", "text/plain; charset=utf-8"},
};
#define DEFAULT_TYPE "application/octet-stream"

static const char *s_content_type(const char *path)
{
    const char *slash = strrchr(path, '/');
    const char *dot = strrchr(slash ? slash : path, '.');
    if (!dot) return DEFAULT_TYPE;
    for (size_t i = 0; i < sizeof s_types / sizeof s_types[0]; i++)
        if (strcasecmp(dot + 1, s_types[i].ext) == 0) return s_types[i].type;
    return DEFAULT_TYPE;
}

/* ---- gzip trailer check -------------------------------------------------------------- */

/* CRC-32 (IEEE, reflected), as in the gzip trailer. */
static uint32_t s_crc32(const unsigned char *p, size_t n)
{
    uint32_t table[256];
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++)
            c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        table[i] = c;
    }
    uint32_t crc = 0xFFFFFFFFu;
    for (size_t i = 0; i < n; i++)
        crc = table[(crc ^ p[i]) & 0xFF] ^ (crc >> 8);
    return crc ^ 0xFFFFFFFFu;
}

static uint32_t s_le32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* NULL when gz is a usable gzip variant of f, else why not. */
static const char *s_gz_unfit(const edge_web_file_t *f, const unsigned char *gz, size_t gz_len)
{
    if (gz_len < GZ_MIN_LEN || gz[0] != 0x1f || gz[1] != 0x8b || gz[2] != 8)
        return "not a gzip file";
    if (gz_len >= f->len) return "not smaller than the file";
    if (s_le32(gz + gz_len - 4) != (uint32_t)f->len ||
        s_le32(gz + gz_len - 8) != s_crc32(f->data, f->len))
        return "does not match the file (stale? rebuild the web UI)";
    return NULL;
}

/* ---- loading ------------------------------------------------------------------------- */

typedef struct {
    const edge_web_limits_t *lim;
    char fs[PATH_MAX]; /* root, then the relative path being visited */
    size_t root_len;
    edge_web_file_t *items; /* every file read, .gz siblings included */
    size_t n, cap;
    size_t total;
    char *err;
    size_t errlen;
} s_loader_t;

static void s_file_free(edge_web_file_t *f)
{
    free((void *)f->path);
    free((void *)f->data);
    free((void *)f->gz);
    memset(f, 0, sizeof *f);
}

/* Reads the regular file at fs_path as URL path `url`. 0 / -1 (err set). */
static int s_read_file(s_loader_t *ld, const char *fs_path, const char *url)
{
    const edge_web_limits_t *lim = ld->lim;
    if (ld->n >= lim->max_files) {
        snprintf(ld->err, ld->errlen,
                 "the web UI in %.*s has more than %zu files; remove what it does not need",
                 (int)ld->root_len, ld->fs, lim->max_files);
        return -1;
    }
    int fd = open(fs_path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) {
        snprintf(ld->err, ld->errlen, "cannot open %s: %s", fs_path, strerror(errno));
        return -1;
    }
    int rc = -1;
    unsigned char *data = NULL;
    char *path = NULL;
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        snprintf(ld->err, ld->errlen, "cannot read %s: not a regular file", fs_path);
        goto cleanup;
    }
    size_t size = (size_t)st.st_size;
    if (size > lim->max_file_bytes) {
        snprintf(ld->err, ld->errlen,
                 "%s is %zu bytes, more than the %zu a web UI file may have; "
                 "split it or leave it out of the UI",
                 fs_path, size, lim->max_file_bytes);
        goto cleanup;
    }
    if (size > lim->max_total_bytes - ld->total) {
        snprintf(ld->err, ld->errlen,
                 "the web UI in %.*s is larger than %zu bytes (at %s); "
                 "remove what it does not need",
                 (int)ld->root_len, ld->fs, lim->max_total_bytes, fs_path);
        goto cleanup;
    }
    data = malloc(size ? size : 1);
    path = strdup(url);
    if (!data || !path) {
        snprintf(ld->err, ld->errlen, "out of memory reading %s", fs_path);
        goto cleanup;
    }
    size_t got = 0;
    while (got < size) {
        ssize_t r = read(fd, data + got, size - got);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) {
            snprintf(ld->err, ld->errlen, "cannot read %s: %s", fs_path,
                     r < 0 ? strerror(errno) : "it shrank while being read");
            goto cleanup;
        }
        got += (size_t)r;
    }
    if (ld->n == ld->cap) {
        size_t cap = ld->cap ? ld->cap * 2 : 64;
        edge_web_file_t *items = realloc(ld->items, cap * sizeof *items);
        if (!items) {
            snprintf(ld->err, ld->errlen, "out of memory reading %s", fs_path);
            goto cleanup;
        }
        ld->items = items;
        ld->cap = cap;
    }
    edge_web_file_t *f = &ld->items[ld->n++];
    memset(f, 0, sizeof *f);
    f->path = path;
    f->data = data;
    f->len = size;
    ld->total += size;
    path = NULL;
    data = NULL;
    rc = 0;
cleanup:
    free(path);
    free(data);
    close(fd);
    return rc;
}

/* Whether real (a resolved path) lies inside the resolved root. */
static bool s_inside_root(const s_loader_t *ld, const char *real)
{
    return strncmp(real, ld->fs, ld->root_len) == 0 && real[ld->root_len] == '/';
}

/* Visits ld->fs (root + rel, rel_len bytes of it after the root). 0 / -1 (err set). */
static int s_walk(s_loader_t *ld, size_t rel_len, int depth)
{
    size_t base = ld->root_len + rel_len;
    DIR *d = opendir(ld->fs);
    if (!d) {
        snprintf(ld->err, ld->errlen, "cannot read the directory %s: %s", ld->fs, strerror(errno));
        return -1;
    }
    int rc = 0;
    for (;;) {
        errno = 0;
        struct dirent *e = readdir(d);
        if (!e) {
            if (errno) {
                snprintf(ld->err, ld->errlen, "cannot read the directory %s: %s", ld->fs,
                         strerror(errno));
                rc = -1;
            }
            break;
        }
        if (e->d_name[0] == '.') continue; /* dotfiles, ".", ".." */
        size_t nl = strlen(e->d_name);
        if (base + 1 + nl >= sizeof ld->fs) {
            snprintf(ld->err, ld->errlen, "a path under %s is longer than %zu bytes", ld->fs,
                     sizeof ld->fs - 1);
            rc = -1;
            break;
        }
        ld->fs[base] = '/';
        memcpy(ld->fs + base + 1, e->d_name, nl + 1);
        const char *url = ld->fs + ld->root_len;
        struct stat st;
        if (lstat(ld->fs, &st) != 0) {
            snprintf(ld->err, ld->errlen, "cannot read %s: %s", ld->fs, strerror(errno));
            rc = -1;
        } else if (S_ISDIR(st.st_mode)) {
            if (depth >= EDGE_WEB_MAX_DEPTH) {
                snprintf(ld->err, ld->errlen, "%s is nested more than %d directories deep", ld->fs,
                         EDGE_WEB_MAX_DEPTH);
                rc = -1;
            } else {
                rc = s_walk(ld, rel_len + 1 + nl, depth + 1);
            }
        } else if (S_ISREG(st.st_mode)) {
            rc = s_read_file(ld, ld->fs, url);
        } else if (S_ISLNK(st.st_mode)) {
            /* Only a link to a regular file inside the root is served; others are skipped. */
            char real[PATH_MAX];
            struct stat target;
            if (realpath(ld->fs, real) && s_inside_root(ld, real) && stat(real, &target) == 0 &&
                S_ISREG(target.st_mode))
                rc = s_read_file(ld, real, url);
            else
                gv_warn("web ui: symlink skipped", "path=%s reason=\"not a file inside the root\"",
                        ld->fs);
        } /* sockets, fifos, devices: skipped */
        ld->fs[base] = '\0';
        if (rc != 0) break;
    }
    closedir(d);
    return rc;
}

static int s_cmp_file(const void *a, const void *b)
{
    return strcmp(((const edge_web_file_t *)a)->path, ((const edge_web_file_t *)b)->path);
}

static int s_cmp_key(const void *key, const void *elem)
{
    return strcmp(key, ((const edge_web_file_t *)elem)->path);
}

static bool s_is_gz(const char *path)
{
    size_t l = strlen(path);
    return l > GZ_SUFFIX_LEN && strcmp(path + l - GZ_SUFFIX_LEN, GZ_SUFFIX) == 0;
}

/* Moves the .gz items onto their base files (or drops them) and sorts what is left. */
static int s_attach_gzip(s_loader_t *ld, edge_web_t *self)
{
    size_t n_files = 0;
    for (size_t i = 0; i < ld->n; i++)
        if (!s_is_gz(ld->items[i].path)) n_files++;
    self->files = calloc(n_files ? n_files : 1, sizeof *self->files);
    if (!self->files) {
        snprintf(ld->err, ld->errlen, "out of memory indexing the web UI");
        return -1;
    }
    for (size_t i = 0; i < ld->n; i++)
        if (!s_is_gz(ld->items[i].path)) {
            self->files[self->n++] = ld->items[i];
            memset(&ld->items[i], 0, sizeof ld->items[i]);
        }
    qsort(self->files, self->n, sizeof *self->files, s_cmp_file);
    for (size_t i = 0; i < ld->n; i++) {
        edge_web_file_t *g = &ld->items[i];
        if (!g->path) continue; /* moved above */
        char base[PATH_MAX];
        size_t bl = strlen(g->path) - GZ_SUFFIX_LEN;
        memcpy(base, g->path, bl); /* bl < PATH_MAX: paths come from ld->fs */
        base[bl] = '\0';
        edge_web_file_t *f = bsearch(base, self->files, self->n, sizeof *self->files, s_cmp_key);
        const char *why = f ? s_gz_unfit(f, g->data, g->len) : NULL;
        if (f && !why) {
            f->gz = g->data;
            f->gz_len = g->len;
            g->data = NULL;
            self->n_gz++;
        } else {
            if (f) gv_warn("web ui: gzip variant ignored", "path=%s reason=\"%s\"", g->path, why);
            ld->total -= g->len; /* not served */
        }
        s_file_free(g);
    }
    return 0;
}

/* The identity tag and, with a gzip variant, its "-gz" twin. 0 / -1. */
static int s_etags(edge_web_file_t *f)
{
    unsigned char hash[ETAG_HASH_BYTES];
    char hex[ETAG_HASH_BYTES * 2 + 1];
    if (crypto_generichash(hash, sizeof hash, f->data, f->len, NULL, 0) != 0) return -1;
    sodium_bin2hex(hex, sizeof hex, hash, sizeof hash);
    snprintf(f->etag, sizeof f->etag, "\"%s\"", hex);
    if (f->gz) snprintf(f->etag_gz, sizeof f->etag_gz, "\"%s-gz\"", hex);
    return 0;
}

edge_web_t *edge_web_load_limits(const char *root, const edge_web_limits_t *limits, char *err,
                                 size_t errlen)
{
    if (!root || !*root || !limits) {
        snprintf(err, errlen, "no web UI directory given");
        return NULL;
    }
    if (sodium_init() < 0) {
        snprintf(err, errlen, "libsodium failed to initialise");
        return NULL;
    }
    s_loader_t *ld = calloc(1, sizeof *ld);
    edge_web_t *self = calloc(1, sizeof *self);
    if (!ld || !self) {
        snprintf(err, errlen, "out of memory loading the web UI");
        free(ld);
        free(self);
        return NULL;
    }
    ld->lim = limits;
    ld->err = err;
    ld->errlen = errlen;
    struct stat st;
    bool ok = false;
    if (!realpath(root, ld->fs) || stat(ld->fs, &st) != 0) {
        snprintf(err, errlen, "cannot open the web UI directory %s: %s", root, strerror(errno));
        goto cleanup;
    }
    if (!S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "the web UI path %s is not a directory", root);
        goto cleanup;
    }
    ld->root_len = strlen(ld->fs);
    if (s_walk(ld, 0, 0) != 0 || s_attach_gzip(ld, self) != 0) goto cleanup;
    for (size_t i = 0; i < self->n; i++) {
        edge_web_file_t *f = &self->files[i];
        f->content_type = s_content_type(f->path);
        f->html = strncmp(f->content_type, "text/html", 9) == 0;
        if (s_etags(f) != 0) {
            snprintf(err, errlen, "cannot hash %s for its ETag", f->path);
            goto cleanup;
        }
    }
    self->bytes = ld->total;
    self->index = bsearch(INDEX_PATH, self->files, self->n, sizeof *self->files, s_cmp_key);
    ok = true;
cleanup:
    for (size_t i = 0; i < ld->n; i++)
        s_file_free(&ld->items[i]); /* what was not moved into self */
    free(ld->items);
    free(ld);
    if (!ok) edge_web_destroy(&self);
    return self;
}

edge_web_t *edge_web_load(const char *root, char *err, size_t errlen)
{
    static const edge_web_limits_t defaults = {EDGE_WEB_MAX_FILE_BYTES, EDGE_WEB_MAX_TOTAL_BYTES,
                                               EDGE_WEB_MAX_FILES};
    return edge_web_load_limits(root, &defaults, err, errlen);
}

void edge_web_destroy(edge_web_t **self_p)
{
    if (!self_p || !*self_p) return;
    edge_web_t *self = *self_p;
    for (size_t i = 0; i < self->n; i++)
        s_file_free(&self->files[i]);
    free(self->files);
    free(self);
    *self_p = NULL;
}

size_t edge_web_count(const edge_web_t *self)
{
    return self ? self->n : 0;
}

size_t edge_web_bytes(const edge_web_t *self)
{
    return self ? self->bytes : 0;
}

size_t edge_web_gzip_count(const edge_web_t *self)
{
    return self ? self->n_gz : 0;
}

/* ---- lookup -------------------------------------------------------------------------- */

bool edge_web_is_app_route(const char *path)
{
    if (!path || path[0] != '/') return false;
    const char *last = strrchr(path, '/') + 1;
    return strchr(last, '.') == NULL;
}

const edge_web_file_t *edge_web_find(const edge_web_t *self, const char *path)
{
    if (!self || !path || path[0] != '/') return NULL;
    if (strstr(path, "..") || strstr(path, "//") || strchr(path, '\\')) return NULL;
    if (strcmp(path, "/") == 0) return self->index;
    const edge_web_file_t *f = bsearch(path, self->files, self->n, sizeof *self->files, s_cmp_key);
    if (f) return f;
    return edge_web_is_app_route(path) ? self->index : NULL;
}

/* ---- request headers ----------------------------------------------------------------- */

static const char *s_skip_ows(const char *p)
{
    while (*p == ' ' || *p == '\t')
        p++;
    return p;
}

/* The q of one list member's parameters (p points after the coding, at ';' or the end).
 * A malformed q counts as 0: the caller then falls back to the identity bytes, always safe. */
static bool s_q_positive(const char *p, const char *end)
{
    bool positive = true;
    while (p < end && *p == ';') {
        p = s_skip_ows(p + 1);
        const char *name = p;
        while (p < end && *p != '=' && *p != ';' && *p != ' ' && *p != '\t')
            p++;
        bool is_q = p - name == 1 && (*name == 'q' || *name == 'Q');
        p = s_skip_ows(p);
        if (p < end && *p == '=') {
            p = s_skip_ows(p + 1);
            const char *v = p;
            while (p < end && *p != ';' && *p != ' ' && *p != '\t')
                p++;
            if (is_q) {
                /* qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] ) */
                positive = false;
                if (v < p && (*v == '0' || *v == '1')) {
                    bool one = *v == '1', valid = true, nonzero = one;
                    const char *c = v + 1;
                    if (c < p) {
                        if (*c != '.' || p - c > 4) valid = false;
                        for (c++; valid && c < p; c++) {
                            if (*c < '0' || *c > '9' || (one && *c != '0')) valid = false;
                            if (*c > '0') nonzero = true;
                        }
                    }
                    positive = valid && nonzero;
                }
            }
            p = s_skip_ows(p);
        } else if (is_q) {
            positive = false;
        }
        while (p < end && *p != ';')
            p++;
    }
    return positive;
}

bool edge_web_accepts_gzip(const char *ae)
{
    if (!ae) return false;
    int gzip = -1, star = -1; /* -1 unnamed, 0 refused, 1 accepted */
    const char *p = ae;
    while (*p) {
        const char *end = strchr(p, ',');
        if (!end) end = p + strlen(p);
        const char *c = s_skip_ows(p);
        const char *ce = c;
        while (ce < end && *ce != ';' && *ce != ' ' && *ce != '\t')
            ce++;
        size_t cl = (size_t)(ce - c);
        const char *params = s_skip_ows(ce);
        int ok = s_q_positive(params < end ? params : end, end) ? 1 : 0;
        if ((cl == 4 && strncasecmp(c, "gzip", 4) == 0) ||
            (cl == 6 && strncasecmp(c, "x-gzip", 6) == 0)) {
            if (gzip != 1) gzip = ok;
        } else if (cl == 1 && *c == '*') {
            star = ok;
        }
        p = *end ? end + 1 : end;
    }
    return gzip >= 0 ? gzip == 1 : star == 1;
}

bool edge_web_etag_matches(const char *inm, const char *etag)
{
    if (!inm || !etag || !*etag) return false;
    size_t el = strlen(etag);
    const char *p = inm;
    while (*p) {
        p = s_skip_ows(p);
        if (*p == ',') {
            p++;
            continue;
        }
        if (*p == '*') return true;
        if (p[0] == 'W' && p[1] == '/') p += 2;
        const char *t = p;
        if (*p == '"') {
            const char *q = strchr(p + 1, '"');
            if (!q) return false;
            p = q + 1;
        } else {
            while (*p && *p != ',' && *p != ' ' && *p != '\t')
                p++;
        }
        if ((size_t)(p - t) == el && memcmp(t, etag, el) == 0) return true;
        while (*p && *p != ',')
            p++;
    }
    return false;
}

bool edge_web_query_versioned(const char *query)
{
    if (!query) return false;
    const char *p = query;
    while (*p) {
        if (p[0] == 'v' && p[1] == '=' && p[2] && p[2] != '&' && p[2] != ';') return true;
        while (*p && *p != '&' && *p != ';')
            p++;
        if (*p) p++;
    }
    return false;
}
