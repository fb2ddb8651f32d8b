/*  actor — helpers shared by every actor kind (see actor.h). */
#include "actor.h"

#include "gv_log.h"
#include "record.h"
#include "store.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

actor_handler_fn actor_kind_route(const actor_kind_t *kind, const char *type)
{
    for (size_t i = 0; i < kind->n_routes; i++)
        if (strcmp(kind->routes[i].type, type) == 0) return kind->routes[i].fn;
    return NULL;
}

int actor_fail(actor_ctx_t *ctx, int rc, const char *what)
{
    if (ctx->mdb_rc == 0) ctx->mdb_rc = rc;
    if (rc != MDB_MAP_FULL) /* the node logs MAP_FULL once per batch */
        gv_error("storage operation failed", "actor=%s op=\"%s\" error=\"%s\"", ctx->address, what,
                 mdb_strerror(rc));
    return -1;
}

int actor_get(actor_ctx_t *ctx, MDB_dbi dbi, const void *key, size_t klen, MDB_val *out)
{
    MDB_val k = {klen, (void *)key};
    int rc = mdb_get(ctx->txn, dbi, &k, out);
    if (rc == MDB_NOTFOUND) return 1;
    return rc == 0 ? 0 : actor_fail(ctx, rc, "get");
}

int actor_put(actor_ctx_t *ctx, MDB_dbi dbi, const void *key, size_t klen, const void *val,
              size_t vlen, unsigned flags)
{
    MDB_val k = {klen, (void *)key}, v = {vlen, (void *)val};
    int rc = mdb_put(ctx->txn, dbi, &k, &v, flags);
    if (rc == MDB_KEYEXIST) return 1;
    return rc == 0 ? 0 : actor_fail(ctx, rc, "put");
}

int actor_del(actor_ctx_t *ctx, MDB_dbi dbi, const void *key, size_t klen)
{
    MDB_val k = {klen, (void *)key};
    int rc = mdb_del(ctx->txn, dbi, &k, NULL);
    return rc == 0 || rc == MDB_NOTFOUND ? 0 : actor_fail(ctx, rc, "del");
}

int actor_next_id(actor_ctx_t *ctx, const char *counter, uint64_t *id)
{
    int rc = store_next_id(ctx->txn, ctx->meta, counter, id);
    return rc == 0 ? 0 : actor_fail(ctx, rc, "next_id");
}

int actor_cursor(actor_ctx_t *ctx, MDB_dbi dbi, MDB_cursor **cur)
{
    int rc = mdb_cursor_open(ctx->txn, dbi, cur);
    return rc == 0 ? 0 : actor_fail(ctx, rc, "cursor_open");
}

/* ---- outgoing -------------------------------------------------------------------------------- */

int actor_reply_error(actor_ctx_t *ctx, const gv_msg_t *req, unsigned status, const char *code,
                      const char *fmt, ...)
{
    char message[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    gv_buf_t buf;
    if (gv_reply_error(req, ctx->address, status, code, message, &buf) != 0) return -1;
    return outbox_send(ctx->outbox, &buf);
}

int actor_reply_retry(actor_ctx_t *ctx, const gv_msg_t *req, const char *code,
                      uint64_t retry_after_s, const char *message)
{
    gv_writer_t *w = gv_writer_new("reply", gv_msg_corr(req), ctx->address, gv_msg_from(req), 0, 4);
    if (!w) return -1;
    msgpack_packer *pk = gv_writer_pk(w);
    gv_pk_kv_uint(pk, "status", 429);
    gv_pk_kv_str(pk, "code", code);
    gv_pk_kv_str(pk, "message", message);
    gv_pk_key(pk, "data");
    msgpack_pack_map(pk, 1);
    gv_pk_kv_uint(pk, "retry_after_s", retry_after_s);
    return actor_reply_end(ctx, &w);
}

gv_writer_t *actor_reply_begin(actor_ctx_t *ctx, const gv_msg_t *req, unsigned status,
                               bool has_data)
{
    return gv_reply_begin(req, ctx->address, status, has_data);
}

int actor_reply_end(actor_ctx_t *ctx, gv_writer_t **w_p)
{
    gv_buf_t buf;
    if (!*w_p || gv_writer_finish(w_p, &buf) != 0) return -1;
    return outbox_send(ctx->outbox, &buf);
}

int actor_reply_empty(actor_ctx_t *ctx, const gv_msg_t *req, unsigned status)
{
    gv_writer_t *w = actor_reply_begin(ctx, req, status, false);
    return actor_reply_end(ctx, &w);
}

gv_writer_t *actor_send_begin(actor_ctx_t *ctx, const char *type, const char *to, uint32_t nfields)
{
    return gv_writer_new(type, 0, ctx->address, to, 0, nfields);
}

int actor_send_end(actor_ctx_t *ctx, gv_writer_t **w_p)
{
    return actor_reply_end(ctx, w_p);
}

gv_writer_t *actor_durable_begin(actor_ctx_t *ctx, const char *type, const char *to,
                                 uint32_t nfields)
{
    if (actor_next_id(ctx, "outq.seq", &ctx->dseq) != 0) return NULL;
    gv_writer_t *w = gv_writer_new(type, 0, ctx->address, to, 0, nfields + 1);
    if (w) gv_pk_kv_uint(gv_writer_pk(w), "dseq", ctx->dseq);
    return w;
}

int actor_durable_end(actor_ctx_t *ctx, gv_writer_t **w_p)
{
    gv_buf_t buf;
    if (!*w_p || gv_writer_finish(w_p, &buf) != 0) return -1;
    /* value: [8 bytes: Unix ms when queued][the envelope] */
    uint8_t key[8];
    store_be64_put(key, ctx->dseq);
    MDB_val k = {8, key}, v = {8 + buf.size, NULL};
    int rc = mdb_put(ctx->txn, ctx->outq, &k, &v, MDB_RESERVE);
    if (rc != 0) {
        gv_buf_free(&buf);
        return actor_fail(ctx, rc, "queue durable notification");
    }
    store_be64_put(v.mv_data, ctx->now_ms);
    memcpy((uint8_t *)v.mv_data + 8, buf.data, buf.size);
    return outbox_send(ctx->outbox, &buf);
}

gv_writer_t *actor_event_begin(actor_ctx_t *ctx, const char *topic, const char *kind)
{
    gv_writer_t *w = gv_writer_new("event", 0, ctx->address, topic, 0, 3);
    if (!w) return NULL;
    msgpack_packer *pk = gv_writer_pk(w);
    gv_pk_kv_str(pk, "topic", topic);
    gv_pk_kv_str(pk, "kind", kind);
    gv_pk_key(pk, "data");
    return w;
}

int actor_event_end(actor_ctx_t *ctx, const char *topic, gv_writer_t **w_p)
{
    gv_buf_t buf;
    if (!*w_p || gv_writer_finish(w_p, &buf) != 0) return -1;
    return outbox_publish(ctx->outbox, topic, &buf);
}

/* ---- caller, packing ------------------------------------------------------------------------- */

const char *actor_caller_role(const gv_msg_t *msg)
{
    return gv_msg_str(msg, "caller_role");
}

bool actor_caller_is(const gv_msg_t *msg, const char *role)
{
    return gv_obj_str_eq(gv_msg_field(msg, "caller_role"), role);
}

bool actor_caller_is_staff(const gv_msg_t *msg)
{
    return actor_caller_is(msg, "jury") || actor_caller_is(msg, "admin");
}

bool actor_caller_sees_all(const gv_msg_t *msg)
{
    return !actor_caller_role(msg) || actor_caller_is_staff(msg);
}

void actor_pk_id(msgpack_packer *pk, uint64_t id)
{
    char s[24];
    int n = snprintf(s, sizeof s, "%" PRIu64, id);
    gv_pk_strn(pk, s, (size_t)n);
}

void actor_pk_time(msgpack_packer *pk, uint64_t unix_ms)
{
    char s[40];
    gv_rfc3339(unix_ms, s, sizeof s);
    gv_pk_str(pk, s);
}

void actor_pk_bool(msgpack_packer *pk, bool v)
{
    if (v)
        msgpack_pack_true(pk);
    else
        msgpack_pack_false(pk);
}

void actor_child_key(uint8_t k[ACTOR_CHILD_KEY_LEN], uint64_t owner, uint32_t n)
{
    store_be64_put(k, owner);
    store_be32_put(k + 8, n);
}

int actor_each_child(actor_ctx_t *ctx, MDB_dbi dbi, uint64_t owner, actor_child_fn fn, void *arg,
                     const char *what)
{
    MDB_cursor *cur;
    if (actor_cursor(ctx, dbi, &cur) != 0) return -1;
    uint8_t k[ACTOR_CHILD_KEY_LEN];
    actor_child_key(k, owner, 0);
    MDB_val key = {ACTOR_CHILD_KEY_LEN, k}, val;
    int rc = mdb_cursor_get(cur, &key, &val, MDB_SET_RANGE), out = 0;
    while (rc == 0 && key.mv_size == ACTOR_CHILD_KEY_LEN && store_be64_get(key.mv_data) == owner) {
        record_t r;
        if (record_parse(&r, val.mv_data, val.mv_size) == 0)
            out = fn(ctx, store_be32_get((const uint8_t *)key.mv_data + 8), &r, arg);
        record_done(&r);
        if (out != 0) break;
        rc = mdb_cursor_get(cur, &key, &val, MDB_NEXT);
    }
    mdb_cursor_close(cur);
    if (rc != 0 && rc != MDB_NOTFOUND) return actor_fail(ctx, rc, what);
    return out;
}
