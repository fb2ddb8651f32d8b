/*  contest_log — the contest's append-only event log (see contest_impl.h, docs/CONTESTS.md).
 *
 *  An event is stored under (contest id, event id) in the transaction of the change that
 *  caused it and published on topic "contest/<id>" after commit, so a client that missed the
 *  publication (disconnected, edge restarted) finds it in the log with contest.events.
 *  Event ids come from a per-contest counter in `meta`: strictly increasing, never reused.
 */
#include "contest_impl.h"

#include "gv_log.h"
#include "store.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

bool contest_visible(const char *role, uint64_t caller_id, const char *vis, size_t vis_len,
                     uint64_t user_id)
{
    bool staff = role && (strcmp(role, "jury") == 0 || strcmp(role, "admin") == 0);
#define VIS_IS(s) (vis_len == sizeof(s) - 1 && memcmp(vis, s, vis_len) == 0)
    if (!vis || VIS_IS("all")) return true;
    if (VIS_IS("public")) return !staff;
    if (VIS_IS("jury")) return staff;
    if (VIS_IS("user")) return staff || (caller_id != 0 && caller_id == user_id);
#undef VIS_IS
    return staff;
}

msgpack_packer *contest_event_begin(cevent_t *e, const char *type, const char *vis,
                                    uint64_t user_id)
{
    msgpack_sbuffer_init(&e->sb);
    msgpack_packer_init(&e->pk, &e->sb, msgpack_sbuffer_write);
    e->type = type;
    e->vis = vis;
    e->user_id = user_id;
    return &e->pk;
}

void contest_event_abort(cevent_t *e)
{
    msgpack_sbuffer_destroy(&e->sb);
}

/* e->sb holds the packed data value. */
int contest_event_end(actor_ctx_t *ctx, uint64_t cid, cevent_t *e)
{
    char counter[48], topic[40];
    snprintf(counter, sizeof counter, "contest/%" PRIu64 ".events", cid);
    snprintf(topic, sizeof topic, "contest/%" PRIu64, cid);
    uint64_t id;
    int rc = -1;
    recbuf_t rb;
    recbuf_init(&rb);
    if (!e->sb.data && e->sb.size) goto done;
    if (actor_next_id(ctx, counter, &id) != 0) goto done;
    msgpack_unpacked up;
    msgpack_unpacked_init(&up);
    size_t off = 0;
    if (msgpack_unpack_next(&up, e->sb.data, e->sb.size, &off) != MSGPACK_UNPACK_SUCCESS) {
        msgpack_unpacked_destroy(&up);
        gv_error("contest event data does not unpack", "type=%s", e->type);
        goto done;
    }
    /* the log record */
    msgpack_pack_map(&rb.pk, 6);
    gv_pk_kv_uint(&rb.pk, "id", id);
    gv_pk_kv_str(&rb.pk, "type", e->type);
    gv_pk_kv_str(&rb.pk, "vis", e->vis);
    gv_pk_kv_uint(&rb.pk, "user_id", e->user_id);
    gv_pk_kv_uint(&rb.pk, "time", ctx->now_ms);
    gv_pk_key(&rb.pk, "data");
    gv_pk_object(&rb.pk, &up.data);
    uint8_t key[16];
    ckey_2(key, cid, id);
    if (!recbuf_ok(&rb) ||
        actor_put(ctx, contest_dbs(ctx)->events, key, 16, rb.sb.data, rb.sb.size, 0) != 0) {
        msgpack_unpacked_destroy(&up);
        goto done;
    }
    /* the publication */
    gv_writer_t *w = gv_writer_new("event", 0, topic, topic, 0, 6);
    if (w) {
        msgpack_packer *pk = gv_writer_pk(w);
        gv_pk_kv_str(pk, "topic", topic);
        gv_pk_kv_str(pk, "kind", e->type);
        gv_pk_kv_uint(pk, "id", id);
        gv_pk_kv_str(pk, "vis", e->vis);
        gv_pk_kv_uint(pk, "user_id", e->user_id);
        gv_pk_key(pk, "data");
        gv_pk_object(pk, &up.data);
        rc = actor_event_end(ctx, topic, &w);
    }
    msgpack_unpacked_destroy(&up);
done:
    recbuf_done(&rb);
    msgpack_sbuffer_destroy(&e->sb);
    return rc;
}

/* Number of msgpack objects in o, counted as gv_msg_prescan() counts them (map keys too). */
static size_t s_objects(const msgpack_object *o)
{
    size_t n = 1;
    if (!o) return 0;
    if (o->type == MSGPACK_OBJECT_ARRAY)
        for (uint32_t i = 0; i < o->via.array.size; i++)
            n += s_objects(&o->via.array.ptr[i]);
    else if (o->type == MSGPACK_OBJECT_MAP)
        for (uint32_t i = 0; i < o->via.map.size; i++)
            n += s_objects(&o->via.map.ptr[i].key) + s_objects(&o->via.map.ptr[i].val);
    return n;
}

/* contest.events {since, limit}: the caller's visible events after `since`, oldest first. A
 * page also ends before it would exceed what one message may hold (GV_MSG_MAX_OBJECTS): events
 * with rows of many problems are large. */
int contest_events(actor_ctx_t *ctx, const gv_msg_t *msg)
{
    cdef_t d;
    int rc = contest_load_or_404(ctx, msg, &d);
    if (rc != 0) return rc < 0 ? -1 : 0;
    uint64_t cid = d.id;
    cdef_done(&d);
    uint64_t since = gv_msg_uint(msg, "since", 0), limit = gv_msg_uint(msg, "limit", 500);
    if (limit == 0 || limit > CONTEST_EVENTS_PAGE_MAX) limit = CONTEST_EVENTS_PAGE_MAX;
    const char *role = actor_caller_role(msg);
    if (!role) role = "admin"; /* node-internal */
    uint64_t caller = gv_msg_uint(msg, "caller_id", 0);

    MDB_cursor *cur;
    if (actor_cursor(ctx, contest_dbs(ctx)->events, &cur) != 0) return -1;
    /* first pass: count what fits, so the reply array has its size up front */
    uint8_t start[16];
    ckey_2(start, cid, since == UINT64_MAX ? since : since + 1);
    MDB_val k = {16, start}, v;
    uint32_t n = 0;
    uint64_t last = since;
    bool more = false;
    size_t bytes = 0, objects = 0;
    for (rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE); rc == 0;
         rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
        if (k.mv_size != 16 || store_be64_get(k.mv_data) != cid) break;
        if (n == limit || bytes > (8u << 20)) {
            more = true;
            break;
        }
        record_t r;
        record_parse(&r, v.mv_data, v.mv_size);
        size_t vl;
        const char *vis = record_str(&r, "vis", &vl);
        if (contest_visible(role, caller, vis, vis ? vl : 0, record_uint(&r, "user_id", 0))) {
            size_t o = s_objects(r.root);
            if (n > 0 && objects + o > CONTEST_REPLY_MAX_OBJECTS) {
                record_done(&r);
                more = true;
                break;
            }
            n++;
            bytes += v.mv_size;
            objects += o;
        }
        last = store_be64_get((const uint8_t *)k.mv_data + 8);
        record_done(&r);
    }
    if (rc != 0 && rc != MDB_NOTFOUND) {
        mdb_cursor_close(cur);
        return actor_fail(ctx, rc, "read contest events");
    }
    gv_writer_t *w = actor_reply_begin(ctx, msg, 200, true);
    if (!w) {
        mdb_cursor_close(cur);
        return -1;
    }
    msgpack_packer *pk = gv_writer_pk(w);
    msgpack_pack_map(pk, 3);
    gv_pk_key(pk, "events");
    msgpack_pack_array(pk, n);
    k.mv_size = 16;
    k.mv_data = start;
    uint32_t packed = 0;
    for (rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE); rc == 0 && packed < n;
         rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
        if (k.mv_size != 16 || store_be64_get(k.mv_data) != cid) break;
        record_t r;
        record_parse(&r, v.mv_data, v.mv_size);
        size_t vl;
        const char *vis = record_str(&r, "vis", &vl);
        if (contest_visible(role, caller, vis, vis ? vl : 0, record_uint(&r, "user_id", 0))) {
            msgpack_pack_map(pk, 4);
            gv_pk_kv_uint(pk, "id", record_uint(&r, "id", 0));
            gv_pk_key(pk, "type");
            gv_pk_object(pk, record_get(&r, "type"));
            gv_pk_key(pk, "time");
            actor_pk_time(pk, record_uint(&r, "time", 0));
            gv_pk_key(pk, "data");
            const msgpack_object *data = record_get(&r, "data");
            if (data)
                gv_pk_object(pk, data);
            else
                msgpack_pack_nil(pk);
            packed++;
        }
        record_done(&r);
    }
    mdb_cursor_close(cur);
    if (packed != n) {
        gv_writer_destroy(&w);
        gv_error("contest events changed while reading", "contest_id=%" PRIu64, cid);
        return -1;
    }
    gv_pk_kv_uint(pk, "last_id", last);
    gv_pk_kv_bool(pk, "more", more);
    return actor_reply_end(ctx, &w);
}
