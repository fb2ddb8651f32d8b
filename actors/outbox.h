/*  outbox — messages an actor node will send once the batch that produced them is durable.
 *
 *  Handlers never touch a socket: they append replies, requests (jobs.offer) and events here.
 *  The node commits the batch's LMDB transaction and only then flushes the outbox, so every
 *  reply means "committed". When a handler's nested transaction is aborted the node rolls the
 *  outbox back to the mark taken before the handler ran; when the whole batch is aborted, to
 *  the mark taken before the batch. Tests read the items directly.
 *
 *  Items own their encoded bytes.
 */
#ifndef ACTORS_OUTBOX_H
#define ACTORS_OUTBOX_H

#include "gv_msg.h"

#include <stddef.h>

typedef enum {
    OUTBOX_SEND,    /* one frame to the broker (DEALER) */
    OUTBOX_PUBLISH, /* [topic][event envelope] on the event bus (PUB) */
} outbox_kind_t;

typedef struct {
    outbox_kind_t kind;
    char *topic; /* OUTBOX_PUBLISH only */
    gv_buf_t buf;
} outbox_item_t;

typedef struct outbox outbox_t;

outbox_t *outbox_new(void);
void outbox_destroy(outbox_t **self_p);

/* Take ownership of *buf (zeroed on return, also on failure, which frees it). 0 / -1. */
int outbox_send(outbox_t *self, gv_buf_t *buf);
int outbox_publish(outbox_t *self, const char *topic, gv_buf_t *buf);

size_t outbox_size(const outbox_t *self);
const outbox_item_t *outbox_item(const outbox_t *self, size_t i);

/* Mark / rollback: drop every item appended after the mark. */
size_t outbox_mark(const outbox_t *self);
void outbox_rollback(outbox_t *self, size_t mark);
void outbox_clear(outbox_t *self);

#endif
