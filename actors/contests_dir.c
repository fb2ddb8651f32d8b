/*  contests_dir — the contest directory at address "contests" (see contest.h).
 *
 *  It hands out contest ids and keeps one summary per contest for listings; the contest
 *  itself (schedule, problems, board) lives in its own actor, contest/<id>, possibly on
 *  another node. The edge writes a summary after each definition (contests.put).
 *
 *  contests.items: id (8 bytes BE) → {id, title, start_ms, duration_s, freeze_s, scoring,
 *  finalized}
 */
#include "contest.h"

#include "gv_log.h"
#include "store.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#define DIR_ID_COUNTER "contests.next_id"
#define DIR_PAGE_DEFAULT 50
#define DIR_PAGE_MAX 500

typedef struct {
    MDB_dbi items;
} dir_t;

static bool s_admin(const gv_msg_t *msg)
{
    return !actor_caller_role(msg) || actor_caller_is(msg, "admin");
}

static int s_next_id(actor_ctx_t *ctx, const gv_msg_t *msg)
{
    if (!s_admin(msg))
        return actor_reply_error(ctx, msg, 403, "forbidden", "only an admin may create contests");
    uint64_t id;
    if (actor_next_id(ctx, DIR_ID_COUNTER, &id) != 0) return -1;
    gv_writer_t *w = actor_reply_begin(ctx, msg, 200, true);
    if (!w) return -1;
    msgpack_pack_map(gv_writer_pk(w), 1);
    gv_pk_key(gv_writer_pk(w), "id");
    actor_pk_id(gv_writer_pk(w), id);
    return actor_reply_end(ctx, &w);
}

static int s_put(actor_ctx_t *ctx, const gv_msg_t *msg)
{
    if (!s_admin(msg))
        return actor_reply_error(ctx, msg, 403, "forbidden", "only an admin may change contests");
    dir_t *st = ctx->state;
    recbuf_t rb;
    recbuf_init(&rb);
    msgpack_pack_map(&rb.pk, 7);
    gv_pk_kv_uint(&rb.pk, "id", gv_msg_uint(msg, "id", 0));
    gv_pk_kv_str(&rb.pk, "title", gv_msg_str(msg, "title"));
    gv_pk_kv_uint(&rb.pk, "start_ms", gv_msg_uint(msg, "start_ms", 0));
    gv_pk_kv_uint(&rb.pk, "duration_s", gv_msg_uint(msg, "duration_s", 0));
    gv_pk_kv_uint(&rb.pk, "freeze_s", gv_msg_uint(msg, "freeze_s", 0));
    gv_pk_kv_str(&rb.pk, "scoring", gv_msg_str(msg, "scoring"));
    gv_pk_kv_bool(&rb.pk, "finalized", gv_msg_bool(msg, "finalized", false));
    uint8_t key[8];
    store_be64_put(key, gv_msg_uint(msg, "id", 0));
    int rc = recbuf_ok(&rb) ? actor_put(ctx, st->items, key, 8, rb.sb.data, rb.sb.size, 0) : -1;
    recbuf_done(&rb);
    return rc == 0 ? actor_reply_empty(ctx, msg, 204) : -1;
}

static const char *s_state(const record_t *r, uint64_t now)
{
    uint64_t start = record_uint(r, "start_ms", 0), end = start + record_uint(r, "duration_s", 0) * 1000;
    uint64_t freeze = record_uint(r, "freeze_s", 0);
    if (gv_obj_bool(record_get(r, "finalized"), false)) return "finalized";
    if (now < start) return "scheduled";
    if (now >= end) return "ended";
    if (freeze && now >= end - freeze * 1000) return "frozen";
    return "running";
}

static void s_pk_summary(actor_ctx_t *ctx, msgpack_packer *pk, const record_t *r)
{
    uint64_t start = record_uint(r, "start_ms", 0), dur = record_uint(r, "duration_s", 0);
    uint64_t freeze = record_uint(r, "freeze_s", 0);
    msgpack_pack_map(pk, 8);
    gv_pk_key(pk, "id");
    actor_pk_id(pk, record_uint(r, "id", 0));
    gv_pk_key(pk, "title");
    gv_pk_object(pk, record_get(r, "title"));
    gv_pk_key(pk, "start_time");
    actor_pk_time(pk, start);
    gv_pk_key(pk, "end_time");
    actor_pk_time(pk, start + dur * 1000);
    gv_pk_kv_uint(pk, "duration_s", dur);
    gv_pk_key(pk, "freeze_s");
    if (freeze)
        msgpack_pack_uint64(pk, freeze);
    else
        msgpack_pack_nil(pk);
    gv_pk_key(pk, "scoring");
    gv_pk_object(pk, record_get(r, "scoring"));
    gv_pk_kv_str(pk, "state", s_state(r, ctx->now_ms));
}

/* Newest first. */
static int s_list(actor_ctx_t *ctx, const gv_msg_t *msg)
{
    dir_t *st = ctx->state;
    uint64_t page = gv_msg_uint(msg, "page", 1), per = gv_msg_uint(msg, "per_page", DIR_PAGE_DEFAULT);
    if (page == 0) page = 1;
    if (per == 0) per = DIR_PAGE_DEFAULT;
    if (per > DIR_PAGE_MAX) per = DIR_PAGE_MAX;
    MDB_stat stat;
    int rc = mdb_stat(ctx->txn, st->items, &stat);
    if (rc != 0) return actor_fail(ctx, rc, "stat contests");
    uint64_t total = stat.ms_entries;
    uint64_t skip = (page - 1) > UINT64_MAX / per ? UINT64_MAX : (page - 1) * per;
    uint32_t n = skip >= total ? 0 : (uint32_t)(total - skip < per ? total - skip : per);
    MDB_cursor *cur;
    if (actor_cursor(ctx, st->items, &cur) != 0) return -1;
    gv_writer_t *w = actor_reply_begin(ctx, msg, 200, true);
    if (!w) {
        mdb_cursor_close(cur);
        return -1;
    }
    msgpack_packer *pk = gv_writer_pk(w);
    msgpack_pack_map(pk, 3); /* server_time: the clock the countdowns should use */
    gv_pk_key(pk, "items");
    msgpack_pack_array(pk, n);
    MDB_val k, v;
    uint64_t seen = 0;
    uint32_t packed = 0;
    for (rc = mdb_cursor_get(cur, &k, &v, MDB_LAST); rc == 0 && packed < n;
         rc = mdb_cursor_get(cur, &k, &v, MDB_PREV)) {
        if (seen++ < skip) continue;
        record_t r;
        record_parse(&r, v.mv_data, v.mv_size);
        s_pk_summary(ctx, pk, &r);
        record_done(&r);
        packed++;
    }
    mdb_cursor_close(cur);
    if (packed != n) {
        gv_writer_destroy(&w);
        return actor_fail(ctx, rc ? rc : MDB_CORRUPTED, "list contests");
    }
    gv_pk_kv_uint(pk, "total", total);
    gv_pk_key(pk, "server_time");
    actor_pk_time(pk, ctx->now_ms);
    return actor_reply_end(ctx, &w);
}

static int s_init(actor_ctx_t *ctx)
{
    dir_t *st = calloc(1, sizeof *st);
    if (!st) return -1;
    ctx->state = st;
    int rc = store_dbi_open(ctx->txn, "contests.items", &st->items);
    return rc == 0 ? 0 : actor_fail(ctx, rc, "open contest directory");
}

static void s_destroy(void *state)
{
    free(state);
}

static const actor_route_t s_routes[] = {
    {"contests.next_id", s_next_id},
    {"contests.put", s_put},
    {"contests.list", s_list},
};

const actor_kind_t contests_actor = {
    .address = "contests",
    .routes = s_routes,
    .n_routes = sizeof s_routes / sizeof s_routes[0],
    .init = s_init,
    .destroy = s_destroy,
};
