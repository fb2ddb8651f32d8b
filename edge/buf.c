/*  edge_buf — growable byte buffer (see buf.h). */
#include "buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BUF_MIN_CAP 1024

void edge_buf_init(edge_buf_t *b, size_t headroom)
{
    memset(b, 0, sizeof *b);
    b->headroom = headroom;
}

void edge_buf_release(edge_buf_t *b)
{
    free(b->data);
    size_t headroom = b->headroom;
    memset(b, 0, sizeof *b);
    b->headroom = headroom;
}

void edge_buf_reset(edge_buf_t *b, size_t keep_max)
{
    if (b->cap > keep_max) edge_buf_release(b);
    b->len = b->data ? b->headroom : 0;
    b->failed = false;
}

int edge_buf_reserve(edge_buf_t *b, size_t more)
{
    if (b->failed) return -1;
    if (!b->data) {
        size_t cap = BUF_MIN_CAP;
        while (cap < b->headroom + more + 1)
            cap *= 2;
        b->data = malloc(cap);
        if (!b->data) {
            b->failed = true;
            return -1;
        }
        b->cap = cap;
        b->len = b->headroom;
    }
    /* +1 keeps room for the NUL of edge_buf_cstr() */
    if (b->len + more + 1 <= b->cap) return 0;
    size_t cap = b->cap;
    while (cap < b->len + more + 1) {
        if (cap > ((size_t)-1) / 2) {
            b->failed = true;
            return -1;
        }
        cap *= 2;
    }
    char *p = realloc(b->data, cap);
    if (!p) {
        b->failed = true;
        return -1;
    }
    b->data = p;
    b->cap = cap;
    return 0;
}

void edge_buf_add(edge_buf_t *b, const void *p, size_t n)
{
    if (edge_buf_reserve(b, n) != 0) return;
    if (n) memcpy(b->data + b->len, p, n);
    b->len += n;
}

void edge_buf_adds(edge_buf_t *b, const char *s)
{
    edge_buf_add(b, s, strlen(s));
}

void edge_buf_addc(edge_buf_t *b, char c)
{
    if (edge_buf_reserve(b, 1) != 0) return;
    b->data[b->len++] = c;
}

void edge_buf_addf(edge_buf_t *b, const char *fmt, ...)
{
    char small[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    if ((size_t)n < sizeof small) {
        edge_buf_add(b, small, (size_t)n);
        return;
    }
    if (edge_buf_reserve(b, (size_t)n) != 0) return;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void edge_buf_add_u64(edge_buf_t *b, unsigned long long v)
{
    char tmp[24];
    size_t i = sizeof tmp;
    do {
        tmp[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    edge_buf_add(b, tmp + i, sizeof tmp - i);
}

const char *edge_buf_cstr(edge_buf_t *b)
{
    if (edge_buf_reserve(b, 0) != 0) return "";
    b->data[b->len] = '\0';
    return b->data + b->headroom;
}
