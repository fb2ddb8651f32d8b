/*  edge_web — the web UI's static files, loaded into memory once at start.
 *
 *  edge_web_load() walks a directory (the build puts the UI in <build>/edge/web/), reads
 *  every file, and keeps them sorted by URL path ("/index.html", "/js/main.js") for a binary
 *  search. After the load nothing touches the filesystem again, so no request path can reach
 *  a file outside the set (no traversal), and a UI rebuilt under a running edge is picked up
 *  at the next start only.
 *
 *  The walk skips dotfiles and dot-directories, and follows a symlink only when it names a
 *  regular file inside the root (symlinked directories are not entered: no loops). A file
 *  `X.gz` is not served by itself: it becomes the gzip variant of `X`, and is dropped when X
 *  is missing, when it is not smaller, or when its gzip trailer (CRC-32 and length) does not
 *  match X — a stale .gz never serves old bytes.
 *
 *  Each file gets a strong ETag: the BLAKE2b (crypto_generichash) of its identity bytes, 16
 *  bytes in hex, quoted. Its gzip variant is another representation, so it gets the same tag
 *  with "-gz" appended (RFC 9110 8.8.3: representations that differ get different strong tags).
 *
 *  Thread safety: read-only after load; edge_web_find may run on any number of threads.
 */
#ifndef EDGE_WEBUI_H
#define EDGE_WEBUI_H

#include <stdbool.h>
#include <stddef.h>

#define EDGE_WEB_MAX_FILE_BYTES (16u << 20)   /* one file, .gz siblings included */
#define EDGE_WEB_MAX_TOTAL_BYTES (128u << 20) /* every file together */
#define EDGE_WEB_MAX_FILES 4096               /* files read, .gz siblings included */
#define EDGE_WEB_MAX_DEPTH 16                 /* directory nesting below the root */
#define EDGE_WEB_ETAG_MAX 48                  /* "\"<32 hex>-gz\"" and its NUL */

typedef struct edge_web edge_web_t;

typedef struct edge_web_file {
    const char *path;         /* URL path: "/js/main.js" */
    const char *content_type; /* from the extension: "text/javascript; charset=utf-8" */
    bool html;                /* served with the Content-Security-Policy */
    const unsigned char *data;
    size_t len;
    const unsigned char *gz; /* the gzip variant, or NULL */
    size_t gz_len;
    char etag[EDGE_WEB_ETAG_MAX];    /* of the identity bytes, quoted */
    char etag_gz[EDGE_WEB_ETAG_MAX]; /* of the gzip variant ("...-gz", quoted); "" without */
} edge_web_file_t;

typedef struct {
    size_t max_file_bytes;
    size_t max_total_bytes;
    size_t max_files;
} edge_web_limits_t;

/* Loads every file under root with the default limits (the EDGE_WEB_MAX_* above). NULL on
 * failure, with a sentence in err naming the file and what to do: a missing or unreadable
 * root, a file over a cap, out of memory. */
edge_web_t *edge_web_load(const char *root, char *err, size_t errlen);
/* Same, with explicit limits (tests use small ones). */
edge_web_t *edge_web_load_limits(const char *root, const edge_web_limits_t *limits, char *err,
                                 size_t errlen);
void edge_web_destroy(edge_web_t **self_p);

/* The file for a request path (the URL path without the query), or NULL:
 *   "/" is "/index.html"; an exact match wins; otherwise a path whose last segment has no
 *   '.' is a route of the single-page app and gets "/index.html"; anything else is NULL.
 * Paths that do not start with '/' or contain "..", "//" or '\\' are NULL. The result belongs
 * to self. NULL-safe: a NULL self finds nothing. */
const edge_web_file_t *edge_web_find(const edge_web_t *self, const char *path);

/* Files, and bytes held (identity + gzip), for the start-up log line. */
size_t edge_web_count(const edge_web_t *self);
size_t edge_web_bytes(const edge_web_t *self);
/* How many files have a gzip variant. */
size_t edge_web_gzip_count(const edge_web_t *self);

/* "/" or a path whose last segment has no '.' (what the SPA fallback answers). */
bool edge_web_is_app_route(const char *path);

/* ---- request header helpers (pure, for server.c and tests) ------------------------------ */

/* Whether an Accept-Encoding value allows gzip: "gzip" or "x-gzip" with q > 0, or "*" with
 * q > 0 when gzip is not named. "gzip;q=0" refuses it. NULL (no header) refuses it. */
bool edge_web_accepts_gzip(const char *accept_encoding);
/* Whether an If-None-Match value matches etag (weak comparison, RFC 9110 13.1.2): "*", or a
 * list member equal to etag once a "W/" prefix is set aside. */
bool edge_web_etag_matches(const char *if_none_match, const char *etag);
/* Whether a query string ("a=1&v=3f2a") has a non-empty `v` parameter (a versioned asset). */
bool edge_web_query_versioned(const char *query);

#endif
