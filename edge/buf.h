/*  edge_buf — a growable byte buffer with optional headroom, reused per worker thread.
 *
 *  The response path builds the body first and the HTTP head last; the buffer keeps
 *  `headroom` bytes free in front of the body so the head can be written right before it
 *  and the whole response leaves in one write (one packet for small replies, which matters
 *  with TCP_NODELAY). Buffers grow geometrically and are reused between requests, so the
 *  hot path does not allocate once the thread is warm.
 *
 *  Out of memory is sticky: appends after a failed growth are dropped and edge_buf_failed()
 *  says so; the caller answers 503 instead of sending a truncated body.
 */
#ifndef EDGE_BUF_H
#define EDGE_BUF_H

#include <stdbool.h>
#include <stddef.h>

typedef struct {
    char *data;
    size_t len; /* bytes used, including headroom */
    size_t cap;
    size_t headroom; /* bytes reserved in front of the content */
    bool failed;
} edge_buf_t;

void edge_buf_init(edge_buf_t *b, size_t headroom);
void edge_buf_release(edge_buf_t *b);
/* Empties the content (keeps the memory; drops it if it grew beyond `keep_max`). */
void edge_buf_reset(edge_buf_t *b, size_t keep_max);
/* Ensures room for `more` bytes after the content. 0 / -1. */
int edge_buf_reserve(edge_buf_t *b, size_t more);
void edge_buf_add(edge_buf_t *b, const void *p, size_t n);
void edge_buf_adds(edge_buf_t *b, const char *s);
void edge_buf_addc(edge_buf_t *b, char c);
void edge_buf_addf(edge_buf_t *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void edge_buf_add_u64(edge_buf_t *b, unsigned long long v);

/* The content (after the headroom) and its length. */
static inline char *edge_buf_body(const edge_buf_t *b)
{
    return b->data ? b->data + b->headroom : NULL;
}
static inline size_t edge_buf_body_len(const edge_buf_t *b)
{
    return b->data ? b->len - b->headroom : 0;
}
static inline bool edge_buf_failed(const edge_buf_t *b)
{
    return b->failed;
}
/* Content as a NUL-terminated string (a NUL is kept after the content, not counted). */
const char *edge_buf_cstr(edge_buf_t *b);

#endif
