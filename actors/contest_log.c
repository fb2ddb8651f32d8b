/*  contest_log — the contest's append-only event log (see contest_impl.h, docs/CONTESTS.md).
 *
 *  An event is stored under (contest id, event id) in the transaction of the change that
 *  caused it and published on topic "contest/<id>" after commit, so a client that missed the
 *  publication (disconnected, edge restarted) finds it in the log with contest.events.
 *  Event ids come from a per-contest counter in `meta`: strictly increasing, never reused.
 *
 *  Three numberings (docs/CONTESTS.md "Event numbering"), so that what contestants and the
 *  public see never depends on events hidden from them (a frozen verdict, per-test progress):
 *    - the jury id `id`: every event; staff (and node-internal callers) page by it;
 *    - the public id `pid`: only events with vis all/public, gapless; anonymous viewers and
 *      contestants page by it, and `upos` (the public counter when the event was logged) places
 *      every other event among the public ones;
 *    - the own id `useq`: only vis user events, per (contest, user), gapless; a contestant's
 *      own events are carried among the public ones (id = upos) without taking a public id.
 *  contest.seqs indexes both: (cid 'P' pid) → jid and (cid 'U' uid useq) → (jid, upos).
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

#define SEQ_PUB_KEY_LEN (8 + 1 + 8)
#define SEQ_OWN_KEY_LEN (8 + 1 + 8 + 8)

static void s_pub_key(uint8_t k[SEQ_PUB_KEY_LEN], uint64_t cid, uint64_t pid)
{
    store_be64_put(k, cid);
    k[8] = 'P';
    store_be64_put(k + 9, pid);
}

static void s_own_key(uint8_t k[SEQ_OWN_KEY_LEN], uint64_t cid, uint64_t uid, uint64_t useq)
{
    store_be64_put(k, cid);
    k[8] = 'U';
    store_be64_put(k + 9, uid);
    store_be64_put(k + 17, useq);
}

/* The last public id handed out in contest cid (0 before the first). 0 / -1. */
static int s_pub_last(actor_ctx_t *ctx, const char *counter, uint64_t *last)
{
    MDB_val v;
    int rc = actor_get(ctx, ctx->meta, counter, strlen(counter), &v);
    if (rc < 0) return -1;
    uint64_t next = rc == 0 && v.mv_size == 8 ? store_be64_get(v.mv_data) : 1;
    *last = next ? next - 1 : 0;
    return 0;
}

/* Hands out the public and own ids of an event and indexes them. 0 / -1. */
static int s_event_seqs(actor_ctx_t *ctx, uint64_t cid, const cevent_t *e, uint64_t jid,
                        uint64_t *pid, uint64_t *upos, uint64_t *useq)
{
    char counter[64];
    snprintf(counter, sizeof counter, "contest/%" PRIu64 ".pevents", cid);
    *pid = *useq = 0;
    uint8_t val[16];
    store_be64_put(val, jid);
    if (contest_visible(NULL, 0, e->vis, e->vis ? strlen(e->vis) : 0, 0)) { /* the public's */
        if (actor_next_id(ctx, counter, pid) != 0) return -1;
        *upos = *pid;
        uint8_t k[SEQ_PUB_KEY_LEN];
        s_pub_key(k, cid, *pid);
        return actor_put(ctx, contest_dbs(ctx)->seqs, k, sizeof k, val, 8, 0) == 0 ? 0 : -1;
    }
    if (s_pub_last(ctx, counter, upos) != 0) return -1;
    if (strcmp(e->vis, "user") != 0 || e->user_id == 0) return 0;
    snprintf(counter, sizeof counter, "contest/%" PRIu64 ".uevents/%" PRIu64, cid, e->user_id);
    if (actor_next_id(ctx, counter, useq) != 0) return -1;
    uint8_t k[SEQ_OWN_KEY_LEN];
    s_own_key(k, cid, e->user_id, *useq);
    store_be64_put(val + 8, *upos);
    return actor_put(ctx, contest_dbs(ctx)->seqs, k, sizeof k, val, 16, 0) == 0 ? 0 : -1;
}

/* Numbers the events of a log written before the public and own sequences existed, once:
 * when contest.seqs is empty but contest.events is not (every contest logs its definition, a
 * public event, so an upgraded log always leaves an entry). O(events), at start-up. */
int contest_log_upgrade(actor_ctx_t *ctx)
{
    contest_dbs_t *db = contest_dbs(ctx);
    MDB_stat st;
    int rc = mdb_stat(ctx->txn, db->seqs, &st);
    if (rc != 0) return actor_fail(ctx, rc, "stat contest.seqs");
    if (st.ms_entries > 0) return 0;
    MDB_cursor *cur;
    if (actor_cursor(ctx, db->events, &cur) != 0) return -1;
    MDB_val k, v;
    uint64_t n = 0;
    for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;
         rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
        if (k.mv_size != 16) continue;
        uint64_t cid = store_be64_get(k.mv_data), jid = store_be64_get((uint8_t *)k.mv_data + 8);
        record_t r;
        record_parse(&r, v.mv_data, v.mv_size);
        size_t vl = 0;
        const char *vis = record_str(&r, "vis", &vl);
        char vbuf[16];
        snprintf(vbuf, sizeof vbuf, "%.*s", vis ? (int)vl : 3, vis ? vis : "all");
        cevent_t e = {.vis = vbuf, .user_id = record_uint(&r, "user_id", 0)};
        record_done(&r);
        uint64_t pid, upos, useq;
        if (s_event_seqs(ctx, cid, &e, jid, &pid, &upos, &useq) != 0) {
            mdb_cursor_close(cur);
            return -1;
        }
        n++;
    }
    mdb_cursor_close(cur);
    if (rc != MDB_NOTFOUND) return actor_fail(ctx, rc, "read contest events");
    if (n) gv_info("contest event logs numbered for the public", "events=%" PRIu64, n);
    return 0;
}

/* e->sb holds the packed data value. */
int contest_event_end(actor_ctx_t *ctx, uint64_t cid, cevent_t *e)
{
    char counter[48], topic[40];
    snprintf(counter, sizeof counter, "contest/%" PRIu64 ".events", cid);
    snprintf(topic, sizeof topic, "contest/%" PRIu64, cid);
    uint64_t id, pid, upos, useq;
    int rc = -1;
    recbuf_t rb;
    recbuf_init(&rb);
    if (!e->sb.data && e->sb.size) goto done;
    if (actor_next_id(ctx, counter, &id) != 0) goto done;
    if (s_event_seqs(ctx, cid, e, id, &pid, &upos, &useq) != 0) goto done;
    msgpack_unpacked up;
    msgpack_unpacked_init(&up);
    size_t off = 0;
    if (msgpack_unpack_next(&up, e->sb.data, e->sb.size, &off) != MSGPACK_UNPACK_SUCCESS) {
        msgpack_unpacked_destroy(&up);
        gv_error("contest event data does not unpack", "type=%s", e->type);
        goto done;
    }
    /* the log record */
    msgpack_pack_map(&rb.pk, 9);
    gv_pk_kv_uint(&rb.pk, "id", id);
    gv_pk_kv_uint(&rb.pk, "pid", pid);
    gv_pk_kv_uint(&rb.pk, "upos", upos);
    gv_pk_kv_uint(&rb.pk, "useq", useq);
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
    gv_writer_t *w = gv_writer_new("event", 0, topic, topic, 0, 9);
    if (w) {
        msgpack_packer *pk = gv_writer_pk(w);
        gv_pk_kv_str(pk, "topic", topic);
        gv_pk_kv_str(pk, "kind", e->type);
        gv_pk_kv_uint(pk, "id", id);
        gv_pk_kv_uint(pk, "pid", pid);
        gv_pk_kv_uint(pk, "upos", upos);
        gv_pk_kv_uint(pk, "useq", useq);
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

/* One event as a reader gets it: {id, own_id (only when not 0), type, time, data}. */
static void s_pk_event(msgpack_packer *pk, const record_t *r, uint64_t id, uint64_t own_id)
{
    msgpack_pack_map(pk, own_id ? 5 : 4);
    gv_pk_kv_uint(pk, "id", id);
    if (own_id) gv_pk_kv_uint(pk, "own_id", own_id);
    gv_pk_key(pk, "type");
    gv_pk_object(pk, record_get(r, "type"));
    gv_pk_key(pk, "time");
    actor_pk_time(pk, record_uint(r, "time", 0));
    gv_pk_key(pk, "data");
    const msgpack_object *data = record_get(r, "data");
    if (data)
        gv_pk_object(pk, data);
    else
        msgpack_pack_nil(pk);
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

/* ---- what contestants and the public read: the public sequence and their own events -------- */

typedef struct {
    uint64_t jid, pid, upos, useq; /* pid 0: an own event */
} seen_t;

/* The index entry under the cursor (after op): 1 one of contest cid's public entries (pid, jid
 * filled), 0 past them, -1 error. */
static int s_pub_at(actor_ctx_t *ctx, MDB_cursor *cur, MDB_val *k, MDB_cursor_op op, uint64_t cid,
                    seen_t *out)
{
    MDB_val v;
    int rc = mdb_cursor_get(cur, k, &v, op);
    if (rc == MDB_NOTFOUND) return 0;
    if (rc != 0) return actor_fail(ctx, rc, "read the public event index");
    const uint8_t *kb = k->mv_data;
    if (k->mv_size != SEQ_PUB_KEY_LEN || store_be64_get(kb) != cid || kb[8] != 'P' ||
        v.mv_size != 8)
        return 0;
    out->pid = out->upos = store_be64_get(kb + 9);
    out->useq = 0;
    out->jid = store_be64_get(v.mv_data);
    return 1;
}

/* The same for user uid's own entries (useq, jid, upos). */
static int s_own_at(actor_ctx_t *ctx, MDB_cursor *cur, MDB_val *k, MDB_cursor_op op, uint64_t cid,
                    uint64_t uid, seen_t *out)
{
    MDB_val v;
    int rc = mdb_cursor_get(cur, k, &v, op);
    if (rc == MDB_NOTFOUND) return 0;
    if (rc != 0) return actor_fail(ctx, rc, "read the own event index");
    const uint8_t *kb = k->mv_data;
    if (k->mv_size != SEQ_OWN_KEY_LEN || store_be64_get(kb) != cid || kb[8] != 'U' ||
        store_be64_get(kb + 9) != uid || v.mv_size != 16)
        return 0;
    out->pid = 0;
    out->useq = store_be64_get(kb + 17);
    out->jid = store_be64_get(v.mv_data);
    out->upos = store_be64_get((const uint8_t *)v.mv_data + 8);
    return 1;
}

/* contest.events for a caller who is not staff: the public events after `since` and, for a
 * signed-in caller, their own events after `since_own` (without since_own: those logged after
 * public event `since`, which may repeat some already seen but never skips one), merged in log
 * order. Public events carry id = pid; own events id = upos and own_id = useq. The reply's
 * last_id and last_own are where the next page starts: nothing in it is a jury id. */
static int s_events_seen(actor_ctx_t *ctx, const gv_msg_t *msg, uint64_t cid, uint64_t since,
                         uint64_t limit, uint64_t caller)
{
    contest_dbs_t *db = contest_dbs(ctx);
    bool has_own = gv_msg_has(msg, "since_own");
    uint64_t since_own = gv_msg_uint(msg, "since_own", 0);
    seen_t *sel = malloc(limit * sizeof *sel);
    MDB_cursor *pc = NULL, *uc = NULL;
    gv_writer_t *w = NULL;
    int rc = -1;
    if (!sel || actor_cursor(ctx, db->seqs, &pc) != 0) goto done;
    if (caller && actor_cursor(ctx, db->seqs, &uc) != 0) goto done;
    uint8_t pkey[SEQ_PUB_KEY_LEN], ukey[SEQ_OWN_KEY_LEN];
    s_pub_key(pkey, cid, since == UINT64_MAX ? since : since + 1);
    MDB_val pk_ = {sizeof pkey, pkey}, uk_ = {sizeof ukey, ukey};
    seen_t pe, ue;
    int ph = s_pub_at(ctx, pc, &pk_, MDB_SET_RANGE, cid, &pe), uh = 0;
    if (ph < 0) goto done;
    uint64_t last_pid = since, last_own = since_own;
    if (uc) {
        s_own_key(ukey, cid, caller,
                  has_own ? (since_own == UINT64_MAX ? since_own : since_own + 1) : 1);
        uh = s_own_at(ctx, uc, &uk_, MDB_SET_RANGE, cid, caller, &ue);
        /* without since_own: the own events before public event `since` count as seen */
        while (!has_own && uh == 1 && ue.upos < since) {
            last_own = ue.useq;
            uh = s_own_at(ctx, uc, &uk_, MDB_NEXT, cid, caller, &ue);
        }
        if (uh < 0) goto done;
    }
    uint32_t n = 0;
    bool more = false;
    size_t bytes = 0, objects = 0;
    while (ph == 1 || uh == 1) {
        bool pub = ph == 1 && (uh != 1 || pe.jid < ue.jid);
        const seen_t *e = pub ? &pe : &ue;
        if (n == limit || bytes > (8u << 20)) {
            more = true;
            break;
        }
        uint8_t key[16];
        ckey_2(key, cid, e->jid);
        MDB_val v;
        int gr = actor_get(ctx, db->events, key, 16, &v);
        if (gr < 0) goto done;
        if (gr == 0) {
            record_t r;
            record_parse(&r, v.mv_data, v.mv_size);
            size_t o = s_objects(r.root);
            record_done(&r);
            if (n > 0 && objects + o > CONTEST_REPLY_MAX_OBJECTS) {
                more = true;
                break;
            }
            sel[n++] = *e;
            bytes += v.mv_size;
            objects += o;
        } else {
            gv_error("event index names a missing event", "contest_id=%" PRIu64 " id=%" PRIu64, cid,
                     e->jid);
        }
        if (pub) {
            last_pid = pe.pid;
            ph = s_pub_at(ctx, pc, &pk_, MDB_NEXT, cid, &pe);
        } else {
            last_own = ue.useq;
            uh = s_own_at(ctx, uc, &uk_, MDB_NEXT, cid, caller, &ue);
        }
        if (ph < 0 || uh < 0) goto done;
    }
    if (!(w = actor_reply_begin(ctx, msg, 200, true))) goto done;
    msgpack_packer *pk = gv_writer_pk(w);
    msgpack_pack_map(pk, 4);
    gv_pk_key(pk, "events");
    msgpack_pack_array(pk, n);
    for (uint32_t i = 0; i < n; i++) {
        uint8_t key[16];
        ckey_2(key, cid, sel[i].jid);
        MDB_val v;
        if (actor_get(ctx, db->events, key, 16, &v) != 0) goto done;
        record_t r;
        record_parse(&r, v.mv_data, v.mv_size);
        s_pk_event(pk, &r, sel[i].useq ? sel[i].upos : sel[i].pid, sel[i].useq);
        record_done(&r);
    }
    gv_pk_kv_uint(pk, "last_id", last_pid);
    gv_pk_kv_uint(pk, "last_own", last_own);
    gv_pk_kv_bool(pk, "more", more);
    rc = actor_reply_end(ctx, &w);
done:
    gv_writer_destroy(&w);
    if (pc) mdb_cursor_close(pc);
    if (uc) mdb_cursor_close(uc);
    free(sel);
    return rc;
}

/* contest.events {since, limit}: the caller's visible events after `since`, oldest first (staff
 * and node-internal callers here, by jury id; everyone else: s_events_seen above). A
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
    if (!actor_caller_sees_all(msg)) return s_events_seen(ctx, msg, cid, since, limit, caller);

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
            s_pk_event(pk, &r, record_uint(&r, "id", 0), 0);
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
