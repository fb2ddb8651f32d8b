/*  contest_clar — clarifications and announcements of a contest (see contest_impl.h).
 *
 *  A clarification is asked by a contestant (about a problem or in general) and seen by its
 *  asker and the jury; the jury answers it privately or to everyone (`public`). An
 *  announcement is a message from the jury to everyone, or to one contestant. Each change is
 *  logged as an event with the visibility of the record, so it arrives live.
 *
 *  Record: {id, kind, from_user_id, to_user_id, username, problem_id, question, answer, title,
 *  public, created_at, answered_at} (0 / nil for what does not apply).
 */
#include "contest_impl.h"

#include "gv_log.h"
#include "store.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int s_load(actor_ctx_t *ctx, uint64_t cid, uint64_t id, crec_t *c)
{
    uint8_t key[16];
    ckey_2(key, cid, id);
    return crec_load(ctx, contest_dbs(ctx)->clars, key, 16, c);
}

static bool s_bool(const record_t *r, const char *k)
{
    return gv_obj_bool(record_get(r, k), false);
}

/* Who may see a clarification record: (vis, user_id) as for events. */
static void s_vis(const record_t *r, const char **vis, uint64_t *user)
{
    bool announcement = record_str_eq(r, "kind", "announcement");
    uint64_t to = record_uint(r, "to_user_id", 0), from = record_uint(r, "from_user_id", 0);
    if (s_bool(r, "public") || (announcement && !to)) {
        *vis = "all";
        *user = 0;
    } else {
        *vis = "user";
        *user = announcement ? to : from;
    }
}

static void s_pk_opt_id(msgpack_packer *pk, const char *key, uint64_t id)
{
    gv_pk_key(pk, key);
    if (id)
        actor_pk_id(pk, id);
    else
        msgpack_pack_nil(pk);
}

static void s_pk_opt(msgpack_packer *pk, const record_t *r, const char *key)
{
    gv_pk_key(pk, key);
    const msgpack_object *o = record_get(r, key);
    if (o)
        gv_pk_object(pk, o);
    else
        msgpack_pack_nil(pk);
}

static void s_pk_api(msgpack_packer *pk, actor_ctx_t *ctx, const cdef_t *d, const record_t *r)
{
    (void)ctx;
    uint64_t pid = record_uint(r, "problem_id", 0);
    int pidx = pid ? cdef_problem_index(d, pid) : -1;
    msgpack_pack_map(pk, 13);
    gv_pk_key(pk, "id");
    actor_pk_id(pk, record_uint(r, "id", 0));
    s_pk_opt(pk, r, "kind");
    s_pk_opt_id(pk, "from_user_id", record_uint(r, "from_user_id", 0));
    s_pk_opt_id(pk, "to_user_id", record_uint(r, "to_user_id", 0));
    s_pk_opt(pk, r, "username");
    s_pk_opt_id(pk, "problem_id", pid);
    gv_pk_key(pk, "label");
    if (pidx >= 0)
        gv_pk_object(pk, gv_obj_get(cdef_problem(d, (uint32_t)pidx), "label"));
    else
        msgpack_pack_nil(pk);
    s_pk_opt(pk, r, "question");
    s_pk_opt(pk, r, "answer");
    s_pk_opt(pk, r, "title");
    gv_pk_kv_bool(pk, "public", s_bool(r, "public"));
    gv_pk_key(pk, "created_at");
    actor_pk_time(pk, record_uint(r, "created_at", 0));
    gv_pk_key(pk, "answered_at");
    uint64_t at = record_uint(r, "answered_at", 0);
    if (at)
        actor_pk_time(pk, at);
    else
        msgpack_pack_nil(pk);
}

/* Stores a record built in rb and logs it as an event of `type`. */
static int s_store_and_log(actor_ctx_t *ctx, const cdef_t *d, uint64_t id, recbuf_t *rb,
                           const char *type)
{
    uint8_t key[16];
    ckey_2(key, d->id, id);
    if (!recbuf_ok(rb) ||
        actor_put(ctx, contest_dbs(ctx)->clars, key, 16, rb->sb.data, rb->sb.size, 0) != 0)
        return -1;
    crec_t c;
    int rc = s_load(ctx, d->id, id, &c);
    if (rc == 0) {
        const char *vis;
        uint64_t user;
        s_vis(&c.rec, &vis, &user);
        cevent_t e;
        s_pk_api(contest_event_begin(&e, type, vis, user), ctx, d, &c.rec);
        rc = contest_event_end(ctx, d->id, &e);
    }
    crec_done(&c);
    return rc == 0 ? 0 : -1;
}

static int s_reply_id(actor_ctx_t *ctx, const gv_msg_t *msg, uint64_t id)
{
    gv_writer_t *w = actor_reply_begin(ctx, msg, 201, true);
    if (!w) return -1;
    msgpack_pack_map(gv_writer_pk(w), 1);
    gv_pk_key(gv_writer_pk(w), "id");
    actor_pk_id(gv_writer_pk(w), id);
    return actor_reply_end(ctx, &w);
}

static int s_next_id(actor_ctx_t *ctx, uint64_t cid, uint64_t *id)
{
    char counter[48];
    snprintf(counter, sizeof counter, "contest/%" PRIu64 ".clars", cid);
    return actor_next_id(ctx, counter, id);
}

int contest_clar_ask(actor_ctx_t *ctx, const gv_msg_t *msg)
{
    uint64_t uid = gv_msg_uint(msg, "user_id", 0), pid = gv_msg_uint(msg, "problem_id", 0);
    if (actor_caller_role(msg) && gv_msg_uint(msg, "caller_id", 0) != uid)
        return actor_reply_error(ctx, msg, 403, "forbidden", "you may ask only as yourself");
    cdef_t d;
    int rc = contest_load_or_404(ctx, msg, &d);
    if (rc != 0) return rc < 0 ? -1 : 0;
    char name[257] = "";
    int reg = contest_username(ctx, d.id, uid, name, sizeof name);
    uint64_t id;
    recbuf_t rb;
    recbuf_init(&rb);
    if (reg < 0) {
        rc = -1;
    } else if (reg == 1) {
        rc = actor_reply_error(ctx, msg, 403, "not_registered",
                               "register for the contest before asking for clarifications");
    } else if (pid && !actor_caller_sees_all(msg) && !cdef_problems_public(ctx, &d)) {
        /* the same answer for every id: before the start, membership is secret (issue 10) */
        rc = actor_reply_error(ctx, msg, 400, "invalid_field",
                               "field `problem_id` cannot be used before the contest starts: ask "
                               "without naming a problem");
    } else if (pid && cdef_problem_index(&d, pid) < 0) {
        rc = actor_reply_error(ctx, msg, 400, "invalid_field",
                               "field `problem_id` names a problem that is not in this contest");
    } else if (gv_msg_str(msg, "text")[0] == '\0') {
        rc = actor_reply_error(ctx, msg, 400, "invalid_field", "field `text` is empty");
    } else if ((rc = s_next_id(ctx, d.id, &id)) == 0) {
        msgpack_pack_map(&rb.pk, 8);
        gv_pk_kv_uint(&rb.pk, "id", id);
        gv_pk_kv_str(&rb.pk, "kind", "clarification");
        gv_pk_kv_uint(&rb.pk, "from_user_id", uid);
        gv_pk_kv_str(&rb.pk, "username", name);
        gv_pk_kv_uint(&rb.pk, "problem_id", pid);
        gv_pk_kv_str(&rb.pk, "question", gv_msg_str(msg, "text"));
        gv_pk_kv_bool(&rb.pk, "public", false);
        gv_pk_kv_uint(&rb.pk, "created_at", ctx->now_ms);
        rc = s_store_and_log(ctx, &d, id, &rb, "clarification");
        if (rc == 0) rc = s_reply_id(ctx, msg, id);
    } else {
        rc = -1;
    }
    recbuf_done(&rb);
    cdef_done(&d);
    return rc;
}

int contest_clar_answer(actor_ctx_t *ctx, const gv_msg_t *msg)
{
    if (!actor_caller_sees_all(msg))
        return actor_reply_error(ctx, msg, 403, "forbidden", "only the jury answers clarifications");
    cdef_t d;
    int rc = contest_load_or_404(ctx, msg, &d);
    if (rc != 0) return rc < 0 ? -1 : 0;
    uint64_t id = gv_msg_uint(msg, "clar_id", 0);
    bool public_ = gv_msg_bool(msg, "public", false);
    crec_t c;
    rc = s_load(ctx, d.id, id, &c);
    recbuf_t rb;
    recbuf_init(&rb);
    if (rc == 1 || (rc == 0 && !record_str_eq(&c.rec, "kind", "clarification"))) {
        rc = actor_reply_error(ctx, msg, 404, "not_found", "no clarification with this id");
    } else if (rc == 0) {
        /* rewrite with the answer; a second answer replaces the first, and once public an
         * answer stays public (it cannot be taken back from everyone) */
        const msgpack_object *root = c.rec.root;
        uint32_t n = root->via.map.size, keep = 0;
        for (int pass = 0; pass < 2; pass++) {
            if (pass == 1) msgpack_pack_map(&rb.pk, keep + 3);
            for (uint32_t i = 0; i < n; i++) {
                const msgpack_object_kv *kv = &root->via.map.ptr[i];
                if (gv_obj_str_eq(&kv->key, "answer") || gv_obj_str_eq(&kv->key, "answered_at") ||
                    gv_obj_str_eq(&kv->key, "public"))
                    continue;
                if (pass == 0) {
                    keep++;
                    continue;
                }
                gv_pk_object(&rb.pk, &kv->key);
                gv_pk_object(&rb.pk, &kv->val);
            }
        }
        gv_pk_kv_str(&rb.pk, "answer", gv_msg_str(msg, "text"));
        gv_pk_kv_uint(&rb.pk, "answered_at", ctx->now_ms);
        gv_pk_kv_bool(&rb.pk, "public", public_ || s_bool(&c.rec, "public"));
        rc = s_store_and_log(ctx, &d, id, &rb, "clarification");
        if (rc == 0) {
            crec_t now;
            if ((rc = s_load(ctx, d.id, id, &now)) == 0) {
                gv_writer_t *w = actor_reply_begin(ctx, msg, 200, true);
                if (w) s_pk_api(gv_writer_pk(w), ctx, &d, &now.rec);
                rc = w ? actor_reply_end(ctx, &w) : -1;
            }
            crec_done(&now);
        }
    }
    recbuf_done(&rb);
    crec_done(&c);
    cdef_done(&d);
    return rc;
}

int contest_announce(actor_ctx_t *ctx, const gv_msg_t *msg)
{
    if (!actor_caller_sees_all(msg))
        return actor_reply_error(ctx, msg, 403, "forbidden", "only the jury makes announcements");
    cdef_t d;
    int rc = contest_load_or_404(ctx, msg, &d);
    if (rc != 0) return rc < 0 ? -1 : 0;
    uint64_t to = gv_msg_uint(msg, "to_user_id", 0), id;
    const char *title = gv_msg_str(msg, "title");
    char name[257] = "";
    int reg = to ? contest_username(ctx, d.id, to, name, sizeof name) : 0;
    recbuf_t rb;
    recbuf_init(&rb);
    if (reg < 0) {
        rc = -1;
    } else if (reg == 1) {
        rc = actor_reply_error(ctx, msg, 400, "invalid_field",
                               "field `to_user_id` is not registered for this contest");
    } else if (gv_msg_str(msg, "text")[0] == '\0') {
        rc = actor_reply_error(ctx, msg, 400, "invalid_field", "field `text` is empty");
    } else if ((rc = s_next_id(ctx, d.id, &id)) == 0) {
        msgpack_pack_map(&rb.pk, 7 + (title ? 1 : 0));
        gv_pk_kv_uint(&rb.pk, "id", id);
        gv_pk_kv_str(&rb.pk, "kind", "announcement");
        gv_pk_kv_uint(&rb.pk, "to_user_id", to);
        if (to) gv_pk_kv_str(&rb.pk, "username", name);
        else {
            gv_pk_key(&rb.pk, "username");
            msgpack_pack_nil(&rb.pk);
        }
        gv_pk_kv_str(&rb.pk, "answer", gv_msg_str(msg, "text"));
        if (title) gv_pk_kv_str(&rb.pk, "title", title);
        gv_pk_kv_bool(&rb.pk, "public", to == 0);
        gv_pk_kv_uint(&rb.pk, "created_at", ctx->now_ms);
        rc = s_store_and_log(ctx, &d, id, &rb, "announcement");
        if (rc == 0) rc = s_reply_id(ctx, msg, id);
    } else {
        rc = -1;
    }
    recbuf_done(&rb);
    cdef_done(&d);
    return rc;
}

int contest_clarifications(actor_ctx_t *ctx, const gv_msg_t *msg)
{
    cdef_t d;
    int rc = contest_load_or_404(ctx, msg, &d);
    if (rc != 0) return rc < 0 ? -1 : 0;
    const char *role = actor_caller_role(msg);
    if (!role) role = "admin";
    uint64_t me = gv_msg_uint(msg, "caller_id", 0);
    MDB_cursor *cur;
    gv_writer_t *w = NULL;
    rc = -1;
    if (actor_cursor(ctx, contest_dbs(ctx)->clars, &cur) != 0) goto out;
    uint8_t start[16];
    ckey_2(start, d.id, 0);
    uint32_t n = 0;
    for (int pass = 0; pass < 2; pass++) {
        msgpack_packer *pk = NULL;
        if (pass == 1) {
            if (!(w = actor_reply_begin(ctx, msg, 200, true))) goto done;
            pk = gv_writer_pk(w);
            msgpack_pack_map(pk, 1);
            gv_pk_key(pk, "items");
            msgpack_pack_array(pk, n);
        }
        uint32_t packed = 0;
        MDB_val k = {16, start}, v;
        int cr;
        for (cr = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE); cr == 0;
             cr = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
            if (k.mv_size != 16 || store_be64_get(k.mv_data) != d.id) break;
            record_t r;
            record_parse(&r, v.mv_data, v.mv_size);
            const char *vis;
            uint64_t user;
            s_vis(&r, &vis, &user);
            if (contest_visible(role, me, vis, strlen(vis), user)) {
                if (pass == 0) n++;
                else if (packed < n) {
                    s_pk_api(pk, ctx, &d, &r);
                    packed++;
                }
            }
            record_done(&r);
        }
        if (cr != 0 && cr != MDB_NOTFOUND) {
            actor_fail(ctx, cr, "read clarifications");
            goto done;
        }
        if (pass == 1 && packed != n) goto done;
    }
    rc = actor_reply_end(ctx, &w);
done:
    gv_writer_destroy(&w);
    mdb_cursor_close(cur);
out:
    cdef_done(&d);
    return rc;
}
