/*  outbox — pending outgoing messages of one batch (see outbox.h). A growable array. */
#include "outbox.h"

#include <stdlib.h>
#include <string.h>

struct outbox {
    outbox_item_t *items;
    size_t n, cap;
};

outbox_t *outbox_new(void)
{
    return calloc(1, sizeof(outbox_t));
}

void outbox_destroy(outbox_t **self_p)
{
    if (!self_p || !*self_p) return;
    outbox_clear(*self_p);
    free((*self_p)->items);
    free(*self_p);
    *self_p = NULL;
}

static int s_append(outbox_t *self, outbox_kind_t kind, const char *topic, gv_buf_t *buf)
{
    char *t = NULL;
    if (self->n == self->cap) {
        size_t cap = self->cap ? self->cap * 2 : 64;
        outbox_item_t *items = realloc(self->items, cap * sizeof *items);
        if (!items) goto fail;
        self->items = items;
        self->cap = cap;
    }
    if (topic && !(t = strdup(topic))) goto fail;
    outbox_item_t *it = &self->items[self->n++];
    it->kind = kind;
    it->topic = t;
    it->buf = *buf;
    memset(buf, 0, sizeof *buf);
    return 0;
fail:
    gv_buf_free(buf);
    return -1;
}

int outbox_send(outbox_t *self, gv_buf_t *buf)
{
    return s_append(self, OUTBOX_SEND, NULL, buf);
}

int outbox_publish(outbox_t *self, const char *topic, gv_buf_t *buf)
{
    return s_append(self, OUTBOX_PUBLISH, topic, buf);
}

size_t outbox_size(const outbox_t *self)
{
    return self->n;
}

const outbox_item_t *outbox_item(const outbox_t *self, size_t i)
{
    return i < self->n ? &self->items[i] : NULL;
}

size_t outbox_mark(const outbox_t *self)
{
    return self->n;
}

void outbox_rollback(outbox_t *self, size_t mark)
{
    while (self->n > mark) {
        outbox_item_t *it = &self->items[--self->n];
        free(it->topic);
        gv_buf_free(&it->buf);
    }
}

void outbox_clear(outbox_t *self)
{
    outbox_rollback(self, 0);
}
