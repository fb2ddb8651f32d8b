/*  actor — what an actor kind is, the context its handlers run in, and the helpers they share.
 *
 *  An actor kind is an address ("accounts"), a table of the message types it handles, an
 *  init() that opens its named databases inside the node's start-up write transaction, and
 *  optional tick() (periodic timer) and on_reintroduce() (the broker came back) hooks.
 *
 *  Handlers run inside the node's batch: ctx->txn is a nested write transaction of their own,
 *  and everything they want to send goes to ctx->outbox (sent only after commit). A handler
 *  returns 0 when the message was dealt with — including when it answered with an error reply —
 *  and -1 when it could not finish (an LMDB error, out of memory); then the node aborts the
 *  nested transaction, drops what the handler queued, and answers 500 (or, after MDB_MAP_FULL,
 *  grows the map and retries the whole batch). LMDB helpers below record the failing rc in
 *  ctx->mdb_rc so the node can tell MDB_MAP_FULL from other errors.
 *
 *  LMDB values point into the map and become invalid after a write to the same database:
 *  read, pack what you need, then write.
 */
#ifndef ACTORS_ACTOR_H
#define ACTORS_ACTOR_H

#include "gv_config.h"
#include "gv_msg.h"
#include "outbox.h"
#include "record.h"

#include <lmdb.h>
#include <stdbool.h>
#include <stdint.h>

/* Node-wide settings handlers may read. */
typedef struct {
    const gv_config_t *cfg; /* NULL when the node runs without a cluster.toml (unit tests) */
    const char *node_name;
    const char *data_dir; /* the cluster data directory, <data> */
    uint32_t reoffer_interval_ms;
    uint64_t max_source_bytes;
} actor_env_t;

typedef struct actor_ctx {
    const actor_env_t *env;
    const char *address; /* the actor's address, used as `from` of what it sends */
    MDB_txn *txn;
    MDB_dbi meta; /* shared `meta` database (id counters) */
    MDB_dbi outq; /* the node's durable notifications awaiting their ack */
    outbox_t *outbox;
    void *state;      /* the actor's own state (its DB handles), made by init() */
    uint32_t tick_ms; /* init() sets it to ask for tick() every tick_ms; 0 = never */
    uint64_t now_ms;  /* Unix ms at the start of the batch */
    int mdb_rc;       /* first LMDB error seen by the helpers, 0 if none */
    uint64_t dseq;    /* sequence number of the durable notification being built */
} actor_ctx_t;

typedef int (*actor_handler_fn)(actor_ctx_t *ctx, const gv_msg_t *msg);

typedef struct {
    const char *type;
    actor_handler_fn fn;
} actor_route_t;

typedef struct {
    /* The address, or with `prefix` an address prefix ("contest/"): one kind then serves every
     * address that starts with it, and handlers see the full address in ctx->address. */
    const char *address;
    bool prefix;
    const actor_route_t *routes;
    size_t n_routes;
    int (*init)(actor_ctx_t *ctx);           /* required; sets ctx->state; 0 / -1 */
    void (*destroy)(void *state);            /* optional */
    int (*tick)(actor_ctx_t *ctx);           /* optional */
    int (*on_reintroduce)(actor_ctx_t *ctx); /* optional */
} actor_kind_t;

/* The handler for `type`, or NULL. */
actor_handler_fn actor_kind_route(const actor_kind_t *kind, const char *type);

/* ---- LMDB helpers (record the rc in ctx->mdb_rc on failure) ------------------------------- */

/* 0 found, 1 not found, -1 error. */
int actor_get(actor_ctx_t *ctx, MDB_dbi dbi, const void *key, size_t klen, MDB_val *out);
/* 0 stored, 1 key exists (only with MDB_NOOVERWRITE), -1 error. */
int actor_put(actor_ctx_t *ctx, MDB_dbi dbi, const void *key, size_t klen, const void *val,
              size_t vlen, unsigned flags);
/* 0 deleted or absent, -1 error. */
int actor_del(actor_ctx_t *ctx, MDB_dbi dbi, const void *key, size_t klen);
int actor_next_id(actor_ctx_t *ctx, const char *counter, uint64_t *id);
/* Records rc and logs; returns -1 so callers can `return actor_fail(...)`. */
int actor_fail(actor_ctx_t *ctx, int rc, const char *what);
int actor_cursor(actor_ctx_t *ctx, MDB_dbi dbi, MDB_cursor **cur);

/* Records keyed (owner id: 8 bytes BE, n: 4 bytes BE) — a problem's tests, its package
 * submissions. Calls fn for each record of `owner` in n order with the parsed record; stops at
 * fn's first non-zero return, which is returned. -1 on storage errors. */
typedef int (*actor_child_fn)(actor_ctx_t *ctx, uint32_t n, const record_t *r, void *arg);
#define ACTOR_CHILD_KEY_LEN 12
void actor_child_key(uint8_t k[ACTOR_CHILD_KEY_LEN], uint64_t owner, uint32_t n);
int actor_each_child(actor_ctx_t *ctx, MDB_dbi dbi, uint64_t owner, actor_child_fn fn, void *arg,
                     const char *what);

/* ---- Replies, requests, events (queued in the outbox) ---------------------------------------- */

/* Error reply {status, code, message}. Returns 0, or -1 when out of memory. */
int actor_reply_error(actor_ctx_t *ctx, const gv_msg_t *req, unsigned status, const char *code,
                      const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* 429 `code` with data {retry_after_s}: the edge turns it into a Retry-After header. 0 / -1. */
int actor_reply_retry(actor_ctx_t *ctx, const gv_msg_t *req, const char *code,
                      uint64_t retry_after_s, const char *message);
/* Success reply; with has_data the caller packs exactly one value on gv_writer_pk(w). */
gv_writer_t *actor_reply_begin(actor_ctx_t *ctx, const gv_msg_t *req, unsigned status,
                               bool has_data);
/* Encodes *w_p and queues it (destroys the writer either way). 0 / -1. */
int actor_reply_end(actor_ctx_t *ctx, gv_writer_t **w_p);
int actor_reply_empty(actor_ctx_t *ctx, const gv_msg_t *req, unsigned status);

/* A request/notification of `nfields` body fields to `to`; finish with actor_send_end. */
gv_writer_t *actor_send_begin(actor_ctx_t *ctx, const char *type, const char *to, uint32_t nfields);
int actor_send_end(actor_ctx_t *ctx, gv_writer_t **w_p);

/* A durable notification: stored in the node's `outq` with the handler's changes, sent after
 * commit, and sent again every NODE_DURABLE_RETRY_MS until the receiving node acknowledges it
 * (it does so after its handler succeeded and committed). Receivers must be idempotent. The
 * body gets one extra field, `dseq`; the caller packs `nfields` more. */
gv_writer_t *actor_durable_begin(actor_ctx_t *ctx, const char *type, const char *to,
                                 uint32_t nfields);
int actor_durable_end(actor_ctx_t *ctx, gv_writer_t **w_p);

/* An event on `topic`: {topic, kind, data}; the caller packs exactly one value (data). */
gv_writer_t *actor_event_begin(actor_ctx_t *ctx, const char *topic, const char *kind);
int actor_event_end(actor_ctx_t *ctx, const char *topic, gv_writer_t **w_p);

/* ---- Caller identity and JSON-shaped packing --------------------------------------------- */

/* caller_role of a request from an edge, or NULL when absent (node-internal request). */
const char *actor_caller_role(const gv_msg_t *msg);
bool actor_caller_is(const gv_msg_t *msg, const char *role);
bool actor_caller_is_staff(const gv_msg_t *msg); /* jury or admin */
/* Jury, admin, or a node-internal request (no caller_role): sees and may do everything. */
bool actor_caller_sees_all(const gv_msg_t *msg);

void actor_pk_id(msgpack_packer *pk, uint64_t id);        /* ids are strings in reply data */
void actor_pk_time(msgpack_packer *pk, uint64_t unix_ms); /* RFC 3339 */
void actor_pk_bool(msgpack_packer *pk, bool v);

#endif
