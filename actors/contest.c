/*  contest — the contest actor kind: definition, registration, admission, state timers (see
 *  contest.h, contest_impl.h and docs/CONTESTS.md).
 */
#include "contest.h"

#include "contest_impl.h"
#include "gv_log.h"
#include "store.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LABEL_MAX 16
#define RATE_WINDOW_MS 60000u

/* ---- keys and helpers ------------------------------------------------------------------------ */

void ckey_cid(uint8_t k[8], uint64_t cid)
{
    store_be64_put(k, cid);
}

void ckey_2(uint8_t k[16], uint64_t cid, uint64_t id)
{
    store_be64_put(k, cid);
    store_be64_put(k + 8, id);
}

contest_dbs_t *contest_dbs(actor_ctx_t *ctx)
{
    return ctx->state;
}

uint64_t contest_id_of(const actor_ctx_t *ctx)
{
    const char *a = ctx->address;
    if (strncmp(a, "contest/", 8) != 0) return 0;
    a += 8;
    uint64_t v = 0;
    if (*a == '\0' || (*a == '0' && a[1] != '\0')) return 0;
    for (; *a; a++) {
        if (*a < '0' || *a > '9' || v > (UINT64_MAX - 9) / 10) return 0;
        v = v * 10 + (uint64_t)(*a - '0');
    }
    return v;
}

int crec_load(actor_ctx_t *ctx, MDB_dbi dbi, const void *key, size_t klen, crec_t *out)
{
    out->bytes = NULL;
    record_parse(&out->rec, NULL, 0);
    MDB_val v;
    int rc = actor_get(ctx, dbi, key, klen, &v);
    if (rc != 0) return rc;
    if (!(out->bytes = malloc(v.mv_size))) return -1;
    memcpy(out->bytes, v.mv_data, v.mv_size);
    if (record_parse(&out->rec, out->bytes, v.mv_size) != 0) {
        gv_error("corrupt contest record", "actor=%s bytes=%zu", ctx->address, v.mv_size);
        return -1;
    }
    return 0;
}

void crec_done(crec_t *c)
{
    record_done(&c->rec);
    free(c->bytes);
    c->bytes = NULL;
}

int cdef_load(actor_ctx_t *ctx, uint64_t cid, cdef_t *d)
{
    memset(d, 0, sizeof *d);
    record_parse(&d->own.rec, NULL, 0);
    if (cid == 0) return 1; /* not a contest address */
    uint8_t key[8];
    ckey_cid(key, cid);
    int rc = crec_load(ctx, contest_dbs(ctx)->defs, key, 8, &d->own);
    if (rc != 0) return rc;
    const record_t *r = &d->own.rec;
    d->id = cid;
    d->title = record_str(r, "title", &d->title_len);
    if (!d->title) d->title = "";
    d->start_ms = record_uint(r, "start_ms", 0);
    d->duration_s = record_uint(r, "duration_s", 1);
    d->freeze_s = record_uint(r, "freeze_s", 0);
    d->penalty_min = record_uint(r, "penalty_min", 20);
    d->created_at = record_uint(r, "created_at", 0);
    d->users = record_uint(r, "users", 0);
    d->thawed = gv_obj_bool(record_get(r, "thawed"), false);
    d->finalized = gv_obj_bool(record_get(r, "finalized"), false);
    size_t sl;
    const char *s = record_str(r, "scoring", &sl);
    char sbuf[8];
    snprintf(sbuf, sizeof sbuf, "%.*s", (int)(s && sl < 8 ? sl : 0), s ? s : "");
    if (scoring_parse(sbuf, &d->scoring) != 0) d->scoring = SCORING_ICPC;
    d->problems = record_get(r, "problems");
    d->n_problems = d->problems && d->problems->type == MSGPACK_OBJECT_ARRAY
                        ? d->problems->via.array.size
                        : 0;
    return 0;
}

void cdef_done(cdef_t *d)
{
    crec_done(&d->own);
}

uint64_t cdef_end_ms(const cdef_t *d)
{
    return d->start_ms + d->duration_s * 1000;
}

static uint64_t s_freeze_at(const cdef_t *d)
{
    return d->freeze_s ? cdef_end_ms(d) - d->freeze_s * 1000 : UINT64_MAX;
}

uint64_t cdef_cutoff_ms(const cdef_t *d)
{
    return d->thawed ? UINT64_MAX : s_freeze_at(d);
}

const char *cdef_state(const cdef_t *d, uint64_t now)
{
    if (d->finalized) return "finalized";
    if (now < d->start_ms) return "scheduled";
    if (now >= cdef_end_ms(d)) return "ended";
    if (now >= s_freeze_at(d) && !d->thawed) return "frozen";
    return "running";
}

const msgpack_object *cdef_problem(const cdef_t *d, uint32_t pidx)
{
    return pidx < d->n_problems ? &d->problems->via.array.ptr[pidx] : NULL;
}

int cdef_problem_index(const cdef_t *d, uint64_t problem_id)
{
    for (uint32_t i = 0; i < d->n_problems; i++)
        if (record_obj_uint(gv_obj_get(cdef_problem(d, i), "problem_id"), 0) == problem_id)
            return (int)i;
    return -1;
}

void cdef_score_problem(const cdef_t *d, uint32_t pidx, uint64_t cutoff, double *pts,
                        score_problem_t *p)
{
    const msgpack_object *pr = cdef_problem(d, pidx);
    memset(p, 0, sizeof *p);
    p->scoring = d->scoring;
    p->start_ms = d->start_ms;
    p->duration_min = (uint32_t)(d->duration_s / 60 ? d->duration_s / 60 : 1);
    p->penalty_min = (uint32_t)d->penalty_min;
    p->points = gv_obj_float(gv_obj_get(pr, "points"), 1);
    p->cutoff_ms = cutoff;
    const msgpack_object *st = gv_obj_get(pr, "subtasks");
    uint32_t n = st && st->type == MSGPACK_OBJECT_ARRAY ? st->via.array.size : 0;
    if (n > SCORE_MAX_SUBTASKS) n = SCORE_MAX_SUBTASKS;
    for (uint32_t i = 0; i < n; i++)
        pts[i] = gv_obj_float(gv_obj_get(&st->via.array.ptr[i], "points"), 0);
    p->n_subtasks = d->scoring == SCORING_IOI ? n : 0;
    p->subtask_points = p->n_subtasks ? pts : NULL;
}

static void s_pk_problems(msgpack_packer *pk, const cdef_t *d)
{
    msgpack_pack_array(pk, d->n_problems);
    for (uint32_t i = 0; i < d->n_problems; i++) {
        const msgpack_object *pr = cdef_problem(d, i);
        const msgpack_object *st = gv_obj_get(pr, "subtasks");
        msgpack_pack_map(pk, 4);
        gv_pk_key(pk, "problem_id");
        actor_pk_id(pk, record_obj_uint(gv_obj_get(pr, "problem_id"), 0));
        gv_pk_key(pk, "label");
        gv_pk_object(pk, gv_obj_get(pr, "label"));
        gv_pk_key(pk, "points");
        msgpack_pack_double(pk, gv_obj_float(gv_obj_get(pr, "points"), 1));
        gv_pk_key(pk, "subtasks");
        if (st && st->type == MSGPACK_OBJECT_ARRAY)
            gv_pk_object(pk, st);
        else
            msgpack_pack_array(pk, 0);
    }
}

bool cdef_problems_public(actor_ctx_t *ctx, const cdef_t *d)
{
    return ctx->now_ms >= d->start_ms;
}

void cdef_pk_api(actor_ctx_t *ctx, msgpack_packer *pk, const cdef_t *d, int registered,
                 bool show_problems)
{
    msgpack_pack_map(pk, 15 + (registered >= 0 ? 1 : 0));
    gv_pk_key(pk, "id");
    actor_pk_id(pk, d->id);
    gv_pk_key(pk, "title");
    gv_pk_strn(pk, d->title, d->title_len);
    gv_pk_key(pk, "start_time");
    actor_pk_time(pk, d->start_ms);
    gv_pk_key(pk, "end_time");
    actor_pk_time(pk, cdef_end_ms(d));
    gv_pk_kv_uint(pk, "duration_s", d->duration_s);
    gv_pk_key(pk, "freeze_s");
    if (d->freeze_s)
        msgpack_pack_uint64(pk, d->freeze_s);
    else
        msgpack_pack_nil(pk);
    gv_pk_key(pk, "freeze_time");
    if (d->freeze_s)
        actor_pk_time(pk, s_freeze_at(d));
    else
        msgpack_pack_nil(pk);
    gv_pk_kv_str(pk, "scoring", scoring_name(d->scoring));
    gv_pk_kv_uint(pk, "penalty_min", d->penalty_min);
    gv_pk_kv_str(pk, "state", cdef_state(d, ctx->now_ms));
    gv_pk_kv_bool(pk, "thawed", d->thawed);
    gv_pk_kv_bool(pk, "finalized", d->finalized);
    gv_pk_key(pk, "problems");
    if (show_problems)
        s_pk_problems(pk, d);
    else
        msgpack_pack_array(pk, 0);
    gv_pk_kv_uint(pk, "contestants", d->users);
    gv_pk_key(pk, "server_time");
    actor_pk_time(pk, ctx->now_ms);
    if (registered >= 0) gv_pk_kv_bool(pk, "registered", registered > 0);
}

int contest_username(actor_ctx_t *ctx, uint64_t cid, uint64_t uid, char *out, size_t n)
{
    uint8_t key[16];
    ckey_2(key, cid, uid);
    MDB_val v;
    int rc = actor_get(ctx, contest_dbs(ctx)->users, key, 16, &v);
    if (rc != 0) return rc;
    record_t r;
    if (record_parse(&r, v.mv_data, v.mv_size) != 0) {
        record_done(&r);
        return -1;
    }
    size_t len;
    const char *u = record_str(&r, "username", &len);
    snprintf(out, n, "%.*s", (int)(u ? len : 0), u ? u : "");
    record_done(&r);
    return 0;
}

static int s_not_found(actor_ctx_t *ctx, const gv_msg_t *msg)
{
    return actor_reply_error(ctx, msg, 404, "not_found", "no contest with this id");
}

int contest_load_or_404(actor_ctx_t *ctx, const gv_msg_t *msg, cdef_t *d)
{
    uint64_t cid = contest_id_of(ctx);
    int rc = cdef_load(ctx, cid, d);
    if (rc == 1) {
        cdef_done(d);
        return s_not_found(ctx, msg) == 0 ? 1 : -1;
    }
    if (rc != 0) cdef_done(d);
    return rc;
}

/* A `contest` event with the contest object (vis all). Before the start the problem list is
 * secret: jury and admin get the object with it (vis jury), everyone else without (vis
 * public); the start's event shows it to all. */
static int s_log_state(actor_ctx_t *ctx, const cdef_t *d)
{
    cevent_t e;
    bool open = cdef_problems_public(ctx, d);
    msgpack_packer *pk = contest_event_begin(&e, "contest", open ? "all" : "jury", 0);
    if (!pk) return -1;
    cdef_pk_api(ctx, pk, d, -1, true);
    if (contest_event_end(ctx, d->id, &e) != 0) return -1;
    if (open) return 0;
    if (!(pk = contest_event_begin(&e, "contest", "public", 0))) return -1;
    cdef_pk_api(ctx, pk, d, -1, false);
    return contest_event_end(ctx, d->id, &e);
}

/* Tells the problems actor which problems contest d uses and when it starts, so that it
 * hides them until then (actors/problem_embargo.c). Durable; sent on every definition. */
static int s_tell_problems(actor_ctx_t *ctx, const cdef_t *d)
{
    gv_writer_t *w = actor_durable_begin(ctx, "problems.contest_uses", "problems", 5);
    if (!w) return -1;
    msgpack_packer *pk = gv_writer_pk(w);
    gv_pk_kv_uint(pk, "contest_id", d->id);
    gv_pk_kv_uint(pk, "start_ms", d->start_ms);
    gv_pk_kv_uint(pk, "version_ms", ctx->now_ms);
    gv_pk_kv_uint(pk, "version_seq", ctx->dseq);
    gv_pk_key(pk, "problem_ids");
    msgpack_pack_array(pk, d->n_problems);
    for (uint32_t i = 0; i < d->n_problems; i++)
        msgpack_pack_uint64(pk, record_obj_uint(gv_obj_get(cdef_problem(d, i), "problem_id"), 0));
    return actor_durable_end(ctx, &w);
}

static int s_timer(actor_ctx_t *ctx, uint64_t at, uint64_t cid)
{
    if (at <= ctx->now_ms) return 0;
    uint8_t key[16];
    ckey_2(key, at, cid);
    return actor_put(ctx, contest_dbs(ctx)->timers, key, 16, "", 0, 0) == 0 ? 0 : -1;
}

/* ---- contest.define --------------------------------------------------------------------------- */

static bool s_label_ok(const char *s, size_t n)
{
    if (n == 0 || n > LABEL_MAX) return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-'))
            return false;
    }
    return true;
}

/* Checks the problems array; fills why on the first problem. */
static bool s_problems_ok(const msgpack_object *a, char *why, size_t n)
{
    uint32_t np = a->via.array.size;
    if (np == 0) {
        snprintf(why, n, "field `problems` must list at least one problem");
        return false;
    }
    for (uint32_t i = 0; i < np; i++) {
        const msgpack_object *p = &a->via.array.ptr[i];
        size_t ll;
        const char *l = record_obj_str(gv_obj_get(p, "label"), &ll);
        if (!l || !s_label_ok(l, ll)) {
            snprintf(why, n, "field `problems[%u].label` must be 1 to %d of A-Z a-z 0-9 _ -", i,
                     LABEL_MAX);
            return false;
        }
        double pts = gv_obj_float(gv_obj_get(p, "points"), 1);
        if (!(pts >= 0) || pts > 1e9) {
            snprintf(why, n, "field `problems[%u].points` must be between 0 and 1e9", i);
            return false;
        }
        uint64_t pid = record_obj_uint(gv_obj_get(p, "problem_id"), 0);
        for (uint32_t j = 0; j < i; j++) {
            const msgpack_object *q = &a->via.array.ptr[j];
            size_t ql;
            const char *m = record_obj_str(gv_obj_get(q, "label"), &ql);
            if (m && ql == ll && memcmp(m, l, ll) == 0) {
                snprintf(why, n, "field `problems[%u].label` repeats `%.*s`", i, (int)ll, l);
                return false;
            }
            if (record_obj_uint(gv_obj_get(q, "problem_id"), 0) == pid) {
                snprintf(why, n, "field `problems[%u].problem_id` repeats problem %" PRIu64, i, pid);
                return false;
            }
        }
    }
    return true;
}

static double s_default_points(scoring_t s)
{
    return s == SCORING_CF ? 500 : s == SCORING_IOI ? 100 : 1;
}

static void s_pk_def_problems(msgpack_packer *pk, const msgpack_object *a, scoring_t s)
{
    msgpack_pack_array(pk, a->via.array.size);
    for (uint32_t i = 0; i < a->via.array.size; i++) {
        const msgpack_object *p = &a->via.array.ptr[i];
        const msgpack_object *st = gv_obj_get(p, "subtasks");
        msgpack_pack_map(pk, 4);
        gv_pk_kv_uint(pk, "problem_id", record_obj_uint(gv_obj_get(p, "problem_id"), 0));
        gv_pk_key(pk, "label");
        gv_pk_object(pk, gv_obj_get(p, "label"));
        gv_pk_key(pk, "points");
        msgpack_pack_double(pk, gv_obj_float(gv_obj_get(p, "points"), s_default_points(s)));
        gv_pk_key(pk, "subtasks");
        if (st && st->type == MSGPACK_OBJECT_ARRAY)
            gv_pk_object(pk, st);
        else
            msgpack_pack_array(pk, 0);
    }
}

static int s_define(actor_ctx_t *ctx, const gv_msg_t *msg)
{
    if (!actor_caller_is(msg, "admin") && actor_caller_role(msg))
        return actor_reply_error(ctx, msg, 403, "forbidden", "only an admin may define contests");
    uint64_t cid = contest_id_of(ctx);
    if (!cid) return s_not_found(ctx, msg);
    bool create = gv_msg_bool(msg, "create", false);
    scoring_t scoring;
    const char *sc = gv_msg_str(msg, "scoring");
    uint64_t duration = gv_msg_uint(msg, "duration_s", 0), freeze = gv_msg_uint(msg, "freeze_s", 0);
    char why[256];
    const msgpack_object *probs = gv_msg_field(msg, "problems");
    if (!sc || scoring_parse(sc, &scoring) != 0)
        return actor_reply_error(ctx, msg, 400, "invalid_field",
                                 "field `scoring` must be \"icpc\", \"ioi\" or \"cf\"");
    if (duration < 60 || duration > 366ull * 86400)
        return actor_reply_error(ctx, msg, 400, "invalid_field",
                                 "field `duration_s` must be between 60 and 31622400 seconds");
    if (freeze >= duration)
        return actor_reply_error(ctx, msg, 400, "invalid_field",
                                 "field `freeze_s` must be shorter than `duration_s`");
    if (!s_problems_ok(probs, why, sizeof why))
        return actor_reply_error(ctx, msg, 400, "invalid_field", "%s", why);

    cdef_t old;
    int rc = cdef_load(ctx, cid, &old);
    if (rc < 0) return -1;
    if (rc == 0 && create) {
        cdef_done(&old);
        return actor_reply_error(ctx, msg, 409, "conflict", "contest %" PRIu64 " already exists",
                                 cid);
    }
    if (rc == 1 && !create) {
        cdef_done(&old);
        return s_not_found(ctx, msg);
    }
    bool existed = rc == 0;
    recbuf_t rb;
    recbuf_init(&rb);
    msgpack_packer *pk = &rb.pk;
    msgpack_pack_map(pk, 12);
    gv_pk_kv_uint(pk, "id", cid);
    gv_pk_key(pk, "title");
    gv_pk_object(pk, gv_msg_field(msg, "title"));
    gv_pk_kv_uint(pk, "start_ms", gv_msg_uint(msg, "start_ms", 0));
    gv_pk_kv_uint(pk, "duration_s", duration);
    gv_pk_kv_uint(pk, "freeze_s", freeze);
    gv_pk_kv_str(pk, "scoring", scoring_name(scoring));
    gv_pk_kv_uint(pk, "penalty_min", gv_msg_uint(msg, "penalty_min", 20));
    gv_pk_key(pk, "problems");
    s_pk_def_problems(pk, probs, scoring);
    gv_pk_kv_bool(pk, "thawed", existed && old.thawed);
    gv_pk_kv_bool(pk, "finalized", existed && old.finalized);
    gv_pk_kv_uint(pk, "created_at", existed ? old.created_at : ctx->now_ms);
    gv_pk_kv_uint(pk, "users", existed ? old.users : 0);
    cdef_done(&old);
    uint8_t key[8];
    ckey_cid(key, cid);
    rc = recbuf_ok(&rb) ? actor_put(ctx, contest_dbs(ctx)->defs, key, 8, rb.sb.data, rb.sb.size, 0)
                        : -1;
    recbuf_done(&rb);
    if (rc != 0) return -1;

    cdef_t d;
    if (cdef_load(ctx, cid, &d) != 0) return -1;
    rc = -1;
    if (s_timer(ctx, d.start_ms, cid) != 0 || s_timer(ctx, cdef_end_ms(&d), cid) != 0 ||
        (d.freeze_s && s_timer(ctx, s_freeze_at(&d), cid) != 0))
        goto done;
    /* a changed definition (problems, scoring, times) may change every row */
    if (existed && board_thaw(ctx, &d) != 0) goto done;
    /* queued before the reply, so the problems actor has it before the admin's next request */
    if (s_tell_problems(ctx, &d) != 0) goto done;
    if (s_log_state(ctx, &d) != 0) goto done;
    gv_writer_t *w = actor_reply_begin(ctx, msg, existed ? 200 : 201, true);
    if (!w) goto done;
    if (existed) {
        cdef_pk_api(ctx, gv_writer_pk(w), &d, -1, true);
    } else {
        msgpack_pack_map(gv_writer_pk(w), 1);
        gv_pk_key(gv_writer_pk(w), "id");
        actor_pk_id(gv_writer_pk(w), cid);
    }
    rc = actor_reply_end(ctx, &w);
    gv_info(existed ? "contest updated" : "contest created",
            "contest_id=%" PRIu64 " scoring=%s problems=%u", cid, scoring_name(d.scoring),
            d.n_problems);
done:
    cdef_done(&d);
    return rc;
}

/* ---- get, register, users ---------------------------------------------------------------------- */

static int s_is_registered(actor_ctx_t *ctx, uint64_t cid, uint64_t uid)
{
    if (!uid) return 0;
    uint8_t key[16];
    ckey_2(key, cid, uid);
    MDB_val v;
    int rc = actor_get(ctx, contest_dbs(ctx)->users, key, 16, &v);
    return rc < 0 ? -1 : rc == 0;
}

static int s_get(actor_ctx_t *ctx, const gv_msg_t *msg)
{
    cdef_t d;
    int rc = contest_load_or_404(ctx, msg, &d);
    if (rc != 0) return rc < 0 ? -1 : 0;
    int reg = s_is_registered(ctx, d.id, gv_msg_uint(msg, "caller_id", 0));
    gv_writer_t *w = reg < 0 ? NULL : actor_reply_begin(ctx, msg, 200, true);
    if (w)
        cdef_pk_api(ctx, gv_writer_pk(w), &d, reg,
                    actor_caller_sees_all(msg) || cdef_problems_public(ctx, &d));
    rc = w ? actor_reply_end(ctx, &w) : -1;
    cdef_done(&d);
    return rc;
}

static int s_register(actor_ctx_t *ctx, const gv_msg_t *msg)
{
    uint64_t uid = gv_msg_uint(msg, "user_id", 0);
    if (!actor_caller_sees_all(msg) &&
        gv_msg_uint(msg, "caller_id", 0) != uid)
        return actor_reply_error(ctx, msg, 403, "forbidden", "you may register only yourself");
    cdef_t d;
    int rc = contest_load_or_404(ctx, msg, &d);
    if (rc != 0) return rc < 0 ? -1 : 0;
    if (ctx->now_ms >= cdef_end_ms(&d) || d.finalized) {
        cdef_done(&d);
        return actor_reply_error(ctx, msg, 403, "contest_over",
                                 "registration is closed: the contest has ended");
    }
    int reg = s_is_registered(ctx, d.id, uid);
    if (reg != 0) {
        cdef_done(&d);
        return reg < 0 ? -1 : actor_reply_empty(ctx, msg, 204);
    }
    const char *username = gv_msg_str(msg, "username");
    recbuf_t rb;
    recbuf_init(&rb);
    msgpack_pack_map(&rb.pk, 2);
    gv_pk_kv_str(&rb.pk, "username", username);
    gv_pk_kv_uint(&rb.pk, "registered_at", ctx->now_ms);
    uint8_t key[16];
    ckey_2(key, d.id, uid);
    rc = recbuf_ok(&rb) ? actor_put(ctx, contest_dbs(ctx)->users, key, 16, rb.sb.data, rb.sb.size, 0)
                        : -1;
    recbuf_done(&rb);
    if (rc == 0) rc = board_add_user(ctx, &d, uid, username, strlen(username));
    if (rc == 0) rc = cdef_store_flags(ctx, &d, d.thawed, d.finalized, d.users + 1);
    if (rc == 0) rc = actor_reply_empty(ctx, msg, 204);
    cdef_done(&d);
    return rc;
}

static int s_users(actor_ctx_t *ctx, const gv_msg_t *msg)
{
    cdef_t d;
    int rc = contest_load_or_404(ctx, msg, &d);
    if (rc != 0) return rc < 0 ? -1 : 0;
    uint64_t cid = d.id, n = d.users;
    cdef_done(&d);
    MDB_cursor *cur;
    if (actor_cursor(ctx, contest_dbs(ctx)->users, &cur) != 0) return -1;
    gv_writer_t *w = actor_reply_begin(ctx, msg, 200, true);
    if (!w) {
        mdb_cursor_close(cur);
        return -1;
    }
    msgpack_packer *pk = gv_writer_pk(w);
    msgpack_pack_map(pk, 1);
    gv_pk_key(pk, "items");
    /* the count in the definition is kept with every registration */
    msgpack_pack_array(pk, (uint32_t)n);
    uint8_t start[16];
    ckey_2(start, cid, 0);
    MDB_val k = {16, start}, v;
    uint64_t packed = 0;
    for (rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE); rc == 0 && packed < n;
         rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
        if (k.mv_size != 16 || store_be64_get(k.mv_data) != cid) break;
        record_t r;
        record_parse(&r, v.mv_data, v.mv_size);
        size_t ul;
        const char *u = record_str(&r, "username", &ul);
        msgpack_pack_map(pk, 3);
        gv_pk_key(pk, "user_id");
        actor_pk_id(pk, store_be64_get((const uint8_t *)k.mv_data + 8));
        gv_pk_key(pk, "username");
        gv_pk_strn(pk, u ? u : "", u ? ul : 0);
        gv_pk_key(pk, "registered_at");
        actor_pk_time(pk, record_uint(&r, "registered_at", 0));
        record_done(&r);
        packed++;
    }
    mdb_cursor_close(cur);
    if (packed != n) {
        gv_error("contest user count disagrees with the users database",
                 "contest_id=%" PRIu64 " count=%" PRIu64 " found=%" PRIu64, cid, n, packed);
        gv_writer_destroy(&w);
        return -1;
    }
    return actor_reply_end(ctx, &w);
}

int cdef_store_flags(actor_ctx_t *ctx, const cdef_t *d, bool thawed, bool finalized,
                     uint64_t users)
{
    const msgpack_object *root = d->own.rec.root;
    recbuf_t rb;
    recbuf_init(&rb);
    uint32_t n = root->via.map.size;
    msgpack_pack_map(&rb.pk, n);
    for (uint32_t i = 0; i < n; i++) {
        const msgpack_object_kv *kv = &root->via.map.ptr[i];
        gv_pk_object(&rb.pk, &kv->key);
        if (gv_obj_str_eq(&kv->key, "thawed"))
            actor_pk_bool(&rb.pk, thawed);
        else if (gv_obj_str_eq(&kv->key, "finalized"))
            actor_pk_bool(&rb.pk, finalized);
        else if (gv_obj_str_eq(&kv->key, "users"))
            msgpack_pack_uint64(&rb.pk, users);
        else
            gv_pk_object(&rb.pk, &kv->val);
    }
    uint8_t key[8];
    ckey_cid(key, d->id);
    int rc = recbuf_ok(&rb) ? actor_put(ctx, contest_dbs(ctx)->defs, key, 8, rb.sb.data, rb.sb.size, 0)
                            : -1;
    recbuf_done(&rb);
    return rc == 0 ? 0 : -1;
}

/* ---- contest.admit ---------------------------------------------------------------------------- */

/* Per user and contest: at most `limit` admissions in any RATE_WINDOW_MS. 0 admitted (and
 * recorded), 1 refused with *retry_s, -1 error. */
static int s_rate(actor_ctx_t *ctx, uint64_t cid, uint64_t uid, uint32_t limit, uint64_t *retry_s)
{
    uint8_t key[16];
    ckey_2(key, cid, uid);
    MDB_val v;
    int rc = actor_get(ctx, contest_dbs(ctx)->rate, key, 16, &v);
    if (rc < 0) return -1;
    uint64_t times[64];
    size_t n = 0, cap = limit < 64 ? limit : 64;
    if (rc == 0)
        for (size_t i = 0; i + 8 <= v.mv_size && n < 64; i += 8) {
            uint64_t t = store_be64_get((const uint8_t *)v.mv_data + i);
            if (t + RATE_WINDOW_MS > ctx->now_ms) times[n++] = t;
        }
    /* limits above 64 a minute are enforced as 64 in each window of 60/limit*64 s */
    uint64_t window = limit <= 64 ? RATE_WINDOW_MS : RATE_WINDOW_MS * 64 / limit;
    size_t live = 0;
    for (size_t i = 0; i < n; i++)
        if (times[i] + window > ctx->now_ms) times[live++] = times[i];
    n = live;
    if (n >= cap) {
        uint64_t wait = times[n - cap] + window - ctx->now_ms;
        *retry_s = (wait + 999) / 1000;
        return 1;
    }
    times[n++] = ctx->now_ms;
    uint8_t buf[64 * 8];
    for (size_t i = 0; i < n; i++)
        store_be64_put(buf + i * 8, times[i]);
    return actor_put(ctx, contest_dbs(ctx)->rate, key, 16, buf, n * 8, 0) == 0 ? 0 : -1;
}

static int s_admit(actor_ctx_t *ctx, const gv_msg_t *msg)
{
    cdef_t d;
    int rc = contest_load_or_404(ctx, msg, &d);
    if (rc != 0) return rc < 0 ? -1 : 0;
    uint64_t uid = gv_msg_uint(msg, "user_id", 0);
    int pidx = cdef_problem_index(&d, gv_msg_uint(msg, "problem_id", 0));
    bool staff = actor_caller_sees_all(msg);
    char when[40];
    /* the window first: before the start, membership is secret (issue 10) */
    if (!staff && (ctx->now_ms < d.start_ms || d.finalized || ctx->now_ms >= cdef_end_ms(&d))) {
        bool early = ctx->now_ms < d.start_ms;
        gv_rfc3339(early ? d.start_ms : cdef_end_ms(&d), when, sizeof when);
        rc = actor_reply_error(ctx, msg, 403, "contest_not_running",
                               early ? "the contest has not started yet: it starts at %s"
                                     : "the contest is over: it ended at %s",
                               when);
        goto done;
    }
    if (pidx < 0) {
        rc = actor_reply_error(ctx, msg, 403, "problem_not_in_contest",
                               "this problem is not part of contest %" PRIu64, d.id);
        goto done;
    }
    if (!staff) {
        int reg = s_is_registered(ctx, d.id, uid);
        if (reg <= 0) {
            rc = reg < 0 ? -1
                         : actor_reply_error(ctx, msg, 403, "not_registered",
                                             "you are not registered for this contest: register "
                                             "first (POST /api/v1/contests/%" PRIu64 "/register)",
                                             d.id);
            goto done;
        }
        uint32_t limit = ctx->env->cfg ? ctx->env->cfg->contest_submissions_per_minute : 10;
        uint64_t retry = 0;
        int r = s_rate(ctx, d.id, uid, limit ? limit : 10, &retry);
        if (r != 0) {
            char m[160];
            snprintf(m, sizeof m,
                     "too many submissions: at most %u a minute in this contest; try again in %" PRIu64
                     " s",
                     limit, retry);
            rc = r < 0 ? -1 : actor_reply_retry(ctx, msg, "rate_limited", retry, m);
            goto done;
        }
    }
    gv_writer_t *w = actor_reply_begin(ctx, msg, 200, true);
    if (!w) {
        rc = -1;
        goto done;
    }
    msgpack_pack_map(gv_writer_pk(w), 1);
    gv_pk_key(gv_writer_pk(w), "label");
    gv_pk_object(gv_writer_pk(w), gv_obj_get(cdef_problem(&d, (uint32_t)pidx), "label"));
    rc = actor_reply_end(ctx, &w);
done:
    cdef_done(&d);
    return rc;
}

/* ---- thaw, finalize ----------------------------------------------------------------------------- */

static int s_thaw(actor_ctx_t *ctx, const gv_msg_t *msg)
{
    if (actor_caller_role(msg) && !actor_caller_is(msg, "admin"))
        return actor_reply_error(ctx, msg, 403, "forbidden", "only an admin may thaw the board");
    cdef_t d;
    int rc = contest_load_or_404(ctx, msg, &d);
    if (rc != 0) return rc < 0 ? -1 : 0;
    if (!d.freeze_s) {
        rc = actor_reply_error(ctx, msg, 409, "conflict", "this contest has no freeze");
    } else if (d.thawed) {
        rc = actor_reply_empty(ctx, msg, 204);
    } else {
        rc = cdef_store_flags(ctx, &d, true, d.finalized, d.users);
        cdef_t t;
        if (rc == 0 && (rc = cdef_load(ctx, d.id, &t)) == 0) {
            rc = board_thaw(ctx, &t);
            if (rc == 0) rc = s_log_state(ctx, &t);
            cdef_done(&t);
        }
        if (rc == 0) rc = actor_reply_empty(ctx, msg, 204);
        if (rc == 0) gv_info("scoreboard thawed", "contest_id=%" PRIu64, d.id);
    }
    cdef_done(&d);
    return rc;
}

static int s_finalize(actor_ctx_t *ctx, const gv_msg_t *msg)
{
    if (actor_caller_role(msg) && !actor_caller_is(msg, "admin"))
        return actor_reply_error(ctx, msg, 403, "forbidden", "only an admin may finalize a contest");
    cdef_t d;
    int rc = contest_load_or_404(ctx, msg, &d);
    if (rc != 0) return rc < 0 ? -1 : 0;
    if (d.finalized) {
        rc = actor_reply_empty(ctx, msg, 204);
    } else if (ctx->now_ms < cdef_end_ms(&d)) {
        rc = actor_reply_error(ctx, msg, 409, "conflict",
                               "the contest has not ended yet; finalize it after its end");
    } else {
        rc = cdef_store_flags(ctx, &d, d.thawed, true, d.users);
        cdef_t t;
        if (rc == 0 && (rc = cdef_load(ctx, d.id, &t)) == 0) {
            rc = s_log_state(ctx, &t);
            cdef_done(&t);
        }
        if (rc == 0) rc = actor_reply_empty(ctx, msg, 204);
    }
    cdef_done(&d);
    return rc;
}

/* ---- timers ---------------------------------------------------------------------------------- */

/* Runs fn for contest `cid` from the node's timer tick, as if contest/<cid> itself did (the
 * events and notifications it makes come from that address). */
static int s_as_contest(actor_ctx_t *ctx, uint64_t cid, const cdef_t *d,
                        int (*fn)(actor_ctx_t *, const cdef_t *))
{
    char addr[40];
    snprintf(addr, sizeof addr, "contest/%" PRIu64, cid);
    const char *saved = ctx->address;
    ctx->address = addr;
    int rc = fn(ctx, d);
    ctx->address = saved;
    return rc;
}

/* Contests defined before the problems actor learned of contests (issue 10) are told once,
 * at the first tick, so that their problems too are hidden until their start. 0 / -1. */
#define CONTEST_TOLD_KEY "contest.problems_told"
static int s_tell_all_once(actor_ctx_t *ctx)
{
    if (contest_dbs(ctx)->problems_told) return 0;
    MDB_val v;
    int rc = actor_get(ctx, ctx->meta, CONTEST_TOLD_KEY, strlen(CONTEST_TOLD_KEY), &v);
    if (rc == 0) contest_dbs(ctx)->problems_told = true; /* committed by an earlier tick */
    if (rc <= 0) return rc; /* done before, or an error */
    uint64_t next = 1, told = 0;
    for (;;) { /* one seek per contest: no cursor stays open across the writes */
        MDB_cursor *cur;
        if (actor_cursor(ctx, contest_dbs(ctx)->defs, &cur) != 0) return -1;
        uint8_t key[8];
        ckey_cid(key, next);
        MDB_val k = {8, key};
        rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
        uint64_t cid = rc == 0 && k.mv_size == 8 ? store_be64_get(k.mv_data) : 0;
        mdb_cursor_close(cur);
        if (rc == MDB_NOTFOUND || (rc == 0 && cid == 0)) break;
        if (rc != 0) return actor_fail(ctx, rc, "walk contest definitions");
        cdef_t d;
        int lr = cdef_load(ctx, cid, &d);
        if (lr == 0) {
            lr = s_as_contest(ctx, cid, &d, s_tell_problems);
            told++;
        }
        cdef_done(&d);
        if (lr < 0) return -1;
        next = cid + 1;
    }
    if (actor_put(ctx, ctx->meta, CONTEST_TOLD_KEY, strlen(CONTEST_TOLD_KEY), "1", 1, 0) != 0)
        return -1;
    if (told) gv_info("contest problem lists sent to the problems actor", "contests=%" PRIu64, told);
    return 0;
}

/* State changes (start, freeze, end) become `contest` events within a tick of their time. */
static int s_tick(actor_ctx_t *ctx)
{
    contest_dbs_t *db = contest_dbs(ctx);
    if (s_tell_all_once(ctx) != 0) return -1;
    for (int i = 0; i < 64; i++) {
        MDB_cursor *cur;
        if (actor_cursor(ctx, db->timers, &cur) != 0) return -1;
        MDB_val k, v;
        int rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST);
        uint64_t at = 0, cid = 0;
        if (rc == 0 && k.mv_size == 16) {
            at = store_be64_get(k.mv_data);
            cid = store_be64_get((const uint8_t *)k.mv_data + 8);
        }
        if (rc == 0 && at <= ctx->now_ms) rc = mdb_cursor_del(cur, 0);
        mdb_cursor_close(cur);
        if (rc == MDB_NOTFOUND || (rc == 0 && at > ctx->now_ms)) return 0;
        if (rc != 0) return actor_fail(ctx, rc, "contest timers");
        cdef_t d;
        int lr = cdef_load(ctx, cid, &d);
        if (lr == 0) {
            lr = s_as_contest(ctx, cid, &d, s_log_state);
            gv_info("contest state", "contest_id=%" PRIu64 " state=%s", cid,
                    cdef_state(&d, ctx->now_ms));
        }
        cdef_done(&d);
        if (lr < 0) return -1;
    }
    return 0;
}

/* ---- kind ------------------------------------------------------------------------------------- */

static int s_init(actor_ctx_t *ctx)
{
    contest_dbs_t *db = calloc(1, sizeof *db);
    if (!db) return -1;
    ctx->state = db;
    ctx->tick_ms = CONTEST_TICK_MS;
    struct {
        const char *name;
        MDB_dbi *dbi;
    } all[] = {{"contest.defs", &db->defs},     {"contest.users", &db->users},
               {"contest.rate", &db->rate},     {"contest.subs", &db->subs},
               {"contest.usubs", &db->usubs},   {"contest.rows", &db->rows},
               {"contest.rank", &db->rank},     {"contest.fts", &db->fts},
               {"contest.events", &db->events}, {"contest.clars", &db->clars},
               {"contest.timers", &db->timers}, {"contest.seqs", &db->seqs}};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
        int rc = store_dbi_open(ctx->txn, all[i].name, all[i].dbi);
        if (rc != 0) return actor_fail(ctx, rc, "open contest databases");
    }
    return contest_log_upgrade(ctx);
}

static void s_destroy(void *state)
{
    free(state);
}

static const actor_route_t s_routes[] = {
    {"contest.define", s_define},
    {"contest.get", s_get},
    {"contest.register", s_register},
    {"contest.users", s_users},
    {"contest.admit", s_admit},
    {"contest.thaw", s_thaw},
    {"contest.finalize", s_finalize},
    {"contest.sub", contest_sub},
    {"contest.scoreboard", contest_scoreboard},
    {"contest.subs", contest_subs},
    {"contest.events", contest_events},
    {"contest.clarifications", contest_clarifications},
    {"contest.clar_ask", contest_clar_ask},
    {"contest.clar_answer", contest_clar_answer},
    {"contest.announce", contest_announce},
};

const actor_kind_t contest_actor = {
    .address = "contest/",
    .prefix = true,
    .routes = s_routes,
    .n_routes = sizeof s_routes / sizeof s_routes[0],
    .init = s_init,
    .destroy = s_destroy,
    .tick = s_tick,
};
