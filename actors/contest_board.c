/*  contest_board — a contest's submissions and its incrementally kept scoreboard (see
 *  contest_impl.h for the databases and contest_score.h for the rules).
 *
 *  A row record is {username, live:{cells, key}, pub:{cells, key}}: one cell per problem, as
 *  computed for the live (jury) board and for the public board (the same unless a freeze
 *  hides results), and each view's order key as stored in contest.rank. A verdict for user u
 *  on problem p recomputes only cell p of u's row from u's submissions to p, moves u's keys
 *  in the rank index and, when u's first AC on p changed, its first-to-solve entry: the work
 *  does not depend on the number of contestants.
 *
 *  Ranks are not stored: GET walks the rank index in order and numbers the rows (equal keys
 *  share a rank, the next rank skips). Events carry changed rows without ranks.
 */
#include "contest_impl.h"

#include "gv_log.h"
#include "store.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RANK_KEY_LEN (8 + 1 + SCORE_KEY_LEN)
#define FTS_KEY_LEN (8 + 1 + 2 + 8 + 8)
#define USUB_KEY_LEN (8 + 8 + 8 + 8)
#define PHASE_DONE UINT32_MAX
#define SUBS_PAGE_MAX 1000

/* ---- rows in memory --------------------------------------------------------------------------- */

typedef struct {
    score_cell_t cells[CONTEST_MAX_PROBLEMS];
    uint8_t key[SCORE_KEY_LEN];
    bool has_key;
} view_t;

typedef struct {
    char username[257];
    view_t v[2]; /* VIEW_LIVE, VIEW_PUBLIC */
} row_t;

static bool s_cell_eq(const score_cell_t *a, const score_cell_t *b)
{
    return a->solved == b->solved && a->attempts == b->attempts && a->pending == b->pending &&
           a->has_time == b->has_time && a->time_min == b->time_min && a->score == b->score &&
           a->penalty == b->penalty && a->first_ac_ms == b->first_ac_ms;
}

static bool s_cells_eq(const view_t *a, const view_t *b, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        if (!s_cell_eq(&a->cells[i], &b->cells[i])) return false;
    return true;
}

static void s_row_total(const view_t *v, uint32_t n, score_row_t *row)
{
    score_row_zero(row);
    for (uint32_t i = 0; i < n; i++)
        score_row_add(row, &v->cells[i]);
}

static void s_view_key(const cdef_t *d, view_t *v, uint64_t uid)
{
    score_row_t row;
    s_row_total(v, d->n_problems, &row);
    score_row_key(d->scoring, &row, uid, v->key);
    v->has_key = true;
}

static void s_pk_cells(msgpack_packer *pk, const view_t *v, uint32_t n)
{
    msgpack_pack_array(pk, n);
    for (uint32_t i = 0; i < n; i++) {
        const score_cell_t *c = &v->cells[i];
        msgpack_pack_array(pk, 8);
        actor_pk_bool(pk, c->solved);
        msgpack_pack_uint32(pk, c->attempts);
        msgpack_pack_uint32(pk, c->pending);
        actor_pk_bool(pk, c->has_time);
        msgpack_pack_uint32(pk, c->time_min);
        msgpack_pack_double(pk, c->score);
        msgpack_pack_uint64(pk, c->penalty);
        msgpack_pack_uint64(pk, c->first_ac_ms);
    }
}

static void s_parse_cells(const msgpack_object *a, view_t *v, uint32_t n)
{
    memset(v->cells, 0, sizeof v->cells);
    uint32_t have = a && a->type == MSGPACK_OBJECT_ARRAY ? a->via.array.size : 0;
    for (uint32_t i = 0; i < n && i < have; i++) {
        const msgpack_object *c = &a->via.array.ptr[i];
        if (c->type != MSGPACK_OBJECT_ARRAY || c->via.array.size != 8) continue;
        const msgpack_object *f = c->via.array.ptr;
        score_cell_t *o = &v->cells[i];
        o->solved = gv_obj_bool(&f[0], false);
        o->attempts = (uint32_t)record_obj_uint(&f[1], 0);
        o->pending = (uint32_t)record_obj_uint(&f[2], 0);
        o->has_time = gv_obj_bool(&f[3], false);
        o->time_min = (uint32_t)record_obj_uint(&f[4], 0);
        o->score = gv_obj_float(&f[5], 0); /* stored as a double */
        o->penalty = record_obj_uint(&f[6], 0);
        o->first_ac_ms = record_obj_uint(&f[7], 0);
    }
}

/* 0 loaded, 1 no row (not registered), -1. */
static int s_row_load(actor_ctx_t *ctx, const cdef_t *d, uint64_t uid, row_t *row)
{
    uint8_t key[16];
    ckey_2(key, d->id, uid);
    MDB_val v;
    int rc = actor_get(ctx, contest_dbs(ctx)->rows, key, 16, &v);
    if (rc != 0) return rc;
    record_t r;
    if (record_parse(&r, v.mv_data, v.mv_size) != 0) {
        record_done(&r);
        gv_error("corrupt scoreboard row", "contest_id=%" PRIu64 " user_id=%" PRIu64, d->id, uid);
        return -1;
    }
    size_t ul;
    const char *u = record_str(&r, "username", &ul);
    snprintf(row->username, sizeof row->username, "%.*s", (int)(u ? ul : 0), u ? u : "");
    const char *names[2] = {"live", "pub"};
    for (int i = 0; i < 2; i++) {
        const msgpack_object *vo = record_get(&r, names[i]);
        s_parse_cells(gv_obj_get(vo, "cells"), &row->v[i], d->n_problems);
        const msgpack_object *k = gv_obj_get(vo, "key");
        row->v[i].has_key = k && k->type == MSGPACK_OBJECT_BIN && k->via.bin.size == SCORE_KEY_LEN;
        if (row->v[i].has_key) memcpy(row->v[i].key, k->via.bin.ptr, SCORE_KEY_LEN);
    }
    record_done(&r);
    return 0;
}

static int s_row_store(actor_ctx_t *ctx, const cdef_t *d, uint64_t uid, const row_t *row)
{
    recbuf_t rb;
    recbuf_init(&rb);
    msgpack_pack_map(&rb.pk, 3);
    gv_pk_kv_str(&rb.pk, "username", row->username);
    const char *names[2] = {"live", "pub"};
    for (int i = 0; i < 2; i++) {
        gv_pk_key(&rb.pk, names[i]);
        msgpack_pack_map(&rb.pk, 2);
        gv_pk_key(&rb.pk, "cells");
        s_pk_cells(&rb.pk, &row->v[i], d->n_problems);
        gv_pk_kv_bin(&rb.pk, "key", row->v[i].key, SCORE_KEY_LEN);
    }
    uint8_t key[16];
    ckey_2(key, d->id, uid);
    int rc = recbuf_ok(&rb) ? actor_put(ctx, contest_dbs(ctx)->rows, key, 16, rb.sb.data, rb.sb.size, 0)
                            : -1;
    recbuf_done(&rb);
    return rc == 0 ? 0 : -1;
}

/* ---- indexes ----------------------------------------------------------------------------------- */

static void s_rank_key(uint8_t k[RANK_KEY_LEN], uint64_t cid, int view, const uint8_t key[SCORE_KEY_LEN])
{
    store_be64_put(k, cid);
    k[8] = (uint8_t)view;
    memcpy(k + 9, key, SCORE_KEY_LEN);
}

static int s_rank_move(actor_ctx_t *ctx, uint64_t cid, int view, const view_t *old, const view_t *now)
{
    uint8_t k[RANK_KEY_LEN];
    if (old && old->has_key) {
        if (memcmp(old->key, now->key, SCORE_KEY_LEN) == 0) return 0;
        s_rank_key(k, cid, view, old->key);
        if (actor_del(ctx, contest_dbs(ctx)->rank, k, RANK_KEY_LEN) != 0) return -1;
    }
    s_rank_key(k, cid, view, now->key);
    return actor_put(ctx, contest_dbs(ctx)->rank, k, RANK_KEY_LEN, "", 0, 0) == 0 ? 0 : -1;
}

static void s_fts_key(uint8_t k[FTS_KEY_LEN], uint64_t cid, int view, uint32_t pidx, uint64_t ms,
                      uint64_t uid)
{
    store_be64_put(k, cid);
    k[8] = (uint8_t)view;
    k[9] = (uint8_t)(pidx >> 8);
    k[10] = (uint8_t)pidx;
    store_be64_put(k + 11, ms);
    store_be64_put(k + 19, uid);
}

/* The user who solved problem pidx first in `view` (0 = nobody). -1 on error. */
static int s_fts_holder(actor_ctx_t *ctx, uint64_t cid, int view, uint32_t pidx, uint64_t *uid)
{
    *uid = 0;
    MDB_cursor *cur;
    if (actor_cursor(ctx, contest_dbs(ctx)->fts, &cur) != 0) return -1;
    uint8_t start[FTS_KEY_LEN];
    s_fts_key(start, cid, view, pidx, 0, 0);
    MDB_val k = {FTS_KEY_LEN, start}, v;
    int rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
    if (rc == 0 && k.mv_size == FTS_KEY_LEN && memcmp(k.mv_data, start, 11) == 0)
        *uid = store_be64_get((const uint8_t *)k.mv_data + 19);
    mdb_cursor_close(cur);
    if (rc != 0 && rc != MDB_NOTFOUND) return actor_fail(ctx, rc, "first-to-solve index");
    return 0;
}

static int s_fts_holders(actor_ctx_t *ctx, const cdef_t *d, int view, uint64_t *holders)
{
    for (uint32_t i = 0; i < d->n_problems; i++)
        if (s_fts_holder(ctx, d->id, view, i, &holders[i]) != 0) return -1;
    return 0;
}

/* ---- packing ------------------------------------------------------------------------------------ */

/* The API row; rank 0 = leave it out (events). */
static void s_pk_row(msgpack_packer *pk, const cdef_t *d, uint64_t uid, const row_t *row, int view,
                     const uint64_t *holders, uint64_t rank)
{
    const view_t *v = &row->v[view];
    score_row_t tot;
    s_row_total(v, d->n_problems, &tot);
    msgpack_pack_map(pk, 7 + (rank ? 1 : 0));
    if (rank) gv_pk_kv_uint(pk, "rank", rank);
    gv_pk_key(pk, "user_id");
    actor_pk_id(pk, uid);
    gv_pk_kv_str(pk, "username", row->username);
    gv_pk_kv_uint(pk, "solved", tot.solved);
    gv_pk_kv_uint(pk, "penalty", tot.penalty);
    gv_pk_key(pk, "score");
    msgpack_pack_double(pk, round(tot.score * SCORE_KEY_SCALE) / SCORE_KEY_SCALE);
    gv_pk_key(pk, "last_ac_min");
    if (tot.has_last_ac)
        msgpack_pack_uint32(pk, tot.last_ac_min);
    else
        msgpack_pack_nil(pk);
    gv_pk_key(pk, "problems");
    msgpack_pack_array(pk, d->n_problems);
    for (uint32_t i = 0; i < d->n_problems; i++) {
        const score_cell_t *c = &v->cells[i];
        msgpack_pack_map(pk, 7);
        gv_pk_key(pk, "label");
        gv_pk_object(pk, gv_obj_get(cdef_problem(d, i), "label"));
        gv_pk_kv_bool(pk, "solved", c->solved);
        gv_pk_kv_uint(pk, "attempts", c->attempts);
        gv_pk_kv_uint(pk, "pending", c->pending);
        gv_pk_key(pk, "time_min");
        if (c->has_time)
            msgpack_pack_uint32(pk, c->time_min);
        else
            msgpack_pack_nil(pk);
        gv_pk_key(pk, "score");
        msgpack_pack_double(pk, round(c->score * SCORE_KEY_SCALE) / SCORE_KEY_SCALE);
        gv_pk_kv_bool(pk, "first_to_solve", c->solved && holders && holders[i] == uid);
    }
}

/* The public view hides results now (a freeze in force). */
static bool s_public_frozen(const cdef_t *d, uint64_t now)
{
    return d->freeze_s && !d->thawed && now >= cdef_cutoff_ms(d);
}

/* Logs `scoreboard` events for uid's row: one for everyone when both views show the same,
 * otherwise one per changed view. */
static int s_emit_row(actor_ctx_t *ctx, const cdef_t *d, uint64_t uid, const row_t *known,
                      bool live_changed, bool pub_changed)
{
    if (!live_changed && !pub_changed) return 0;
    /* `known`: the row as the caller just stored it; otherwise it is read */
    row_t *loaded = known ? NULL : malloc(sizeof *loaded);
    const row_t *row = known ? known : loaded;
    uint64_t *holders = calloc(CONTEST_MAX_PROBLEMS, sizeof *holders);
    int rc = -1;
    if (!row || !holders) goto done;
    int lr = known ? 0 : s_row_load(ctx, d, uid, loaded);
    if (lr != 0) {
        rc = lr < 0 ? -1 : 0;
        goto done;
    }
    /* during a freeze each view has its own events: the public one sees an event exactly
     * when its row changed, whatever happened to the live row (docs/CONTESTS.md) */
    bool same = !s_public_frozen(d, ctx->now_ms) &&
                s_cells_eq(&row->v[VIEW_LIVE], &row->v[VIEW_PUBLIC], d->n_problems);
    const char *views[2] = {"jury", "public"};
    for (int view = 0; view < 2; view++) {
        bool changed = view == VIEW_LIVE ? live_changed : pub_changed;
        if (same && view == VIEW_PUBLIC) break;
        if (!same && !changed) continue;
        if (s_fts_holders(ctx, d, view, holders) != 0) goto done;
        const char *vis = same ? "all" : views[view];
        cevent_t e;
        msgpack_packer *pk = contest_event_begin(&e, "scoreboard", vis, 0);
        msgpack_pack_map(pk, 2);
        gv_pk_kv_str(pk, "view", vis);
        gv_pk_key(pk, "rows");
        msgpack_pack_array(pk, 1);
        s_pk_row(pk, d, uid, row, view, holders, 0);
        if (contest_event_end(ctx, d->id, &e) != 0) goto done;
    }
    rc = 0;
done:
    free(loaded);
    free(holders);
    return rc;
}

/* ---- submissions of a contest ---------------------------------------------------------------------- */

static int s_csub_load(actor_ctx_t *ctx, uint64_t cid, uint64_t sid, crec_t *s)
{
    uint8_t key[16];
    ckey_2(key, cid, sid);
    return crec_load(ctx, contest_dbs(ctx)->subs, key, 16, s);
}

static uint32_t s_phase(const char *status, uint64_t test)
{
    if (!status) return 0;
    if (strcmp(status, "done") == 0) return PHASE_DONE;
    if (strcmp(status, "running") == 0) return 2 + (uint32_t)(test < PHASE_DONE - 3 ? test : PHASE_DONE - 3);
    if (strcmp(status, "compiling") == 0) return 1;
    return 0;
}

/* Bit i: every test of subtask i's group was accepted (and the group has tests). Without
 * subtasks, bit 0: the whole submission was accepted. */
static uint64_t s_subtasks_ok(const cdef_t *d, uint32_t pidx, const char *verdict,
                              const msgpack_object *tests)
{
    const msgpack_object *st = gv_obj_get(cdef_problem(d, pidx), "subtasks");
    uint32_t ns = st && st->type == MSGPACK_OBJECT_ARRAY ? st->via.array.size : 0;
    if (ns == 0) return verdict && strcmp(verdict, "AC") == 0 ? 1 : 0;
    if (ns > SCORE_MAX_SUBTASKS) ns = SCORE_MAX_SUBTASKS;
    uint32_t nt = tests && tests->type == MSGPACK_OBJECT_ARRAY ? tests->via.array.size : 0;
    uint64_t ok = 0;
    for (uint32_t i = 0; i < ns; i++) {
        size_t gl;
        const char *g = record_obj_str(gv_obj_get(&st->via.array.ptr[i], "group"), &gl);
        if (!g) continue;
        uint32_t seen = 0;
        bool all = true;
        for (uint32_t j = 0; j < nt; j++) {
            const msgpack_object *t = &tests->via.array.ptr[j];
            size_t tl;
            const char *tg = record_obj_str(gv_obj_get(t, "group"), &tl);
            if (!tg || tl != gl || memcmp(tg, g, gl) != 0) continue;
            seen++;
            if (!gv_obj_str_eq(gv_obj_get(t, "verdict"), "AC")) all = false;
        }
        if (seen && all) ok |= 1ull << i;
    }
    return ok;
}

/* The csub API object; test_field adds `test` (events). */
static void s_pk_csub(msgpack_packer *pk, const cdef_t *d, const record_t *r, bool test_field)
{
    uint64_t submitted = record_uint(r, "submitted_at", 0);
    /* by problem id: a re-definition may move or drop the problem */
    int pidx = cdef_problem_index(d, record_uint(r, "problem_id", 0));
    msgpack_pack_map(pk, 12 + (test_field ? 1 : 0));
    gv_pk_key(pk, "id");
    actor_pk_id(pk, record_uint(r, "sub_id", 0));
    gv_pk_key(pk, "user_id");
    actor_pk_id(pk, record_uint(r, "user_id", 0));
    gv_pk_key(pk, "problem_id");
    actor_pk_id(pk, record_uint(r, "problem_id", 0));
    gv_pk_key(pk, "label");
    if (pidx >= 0)
        gv_pk_object(pk, gv_obj_get(cdef_problem(d, (uint32_t)pidx), "label"));
    else
        msgpack_pack_nil(pk);
    gv_pk_key(pk, "language");
    gv_pk_object(pk, record_get(r, "language"));
    gv_pk_key(pk, "submitted_at");
    actor_pk_time(pk, submitted);
    gv_pk_kv_uint(pk, "contest_time_min",
                  submitted > d->start_ms ? (submitted - d->start_ms) / 60000 : 0);
    gv_pk_key(pk, "status");
    gv_pk_object(pk, record_get(r, "status"));
    gv_pk_key(pk, "verdict");
    const msgpack_object *verdict = record_get(r, "verdict");
    if (verdict)
        gv_pk_object(pk, verdict);
    else
        msgpack_pack_nil(pk);
    gv_pk_kv_uint(pk, "attempt", record_uint(r, "attempt", 1));
    gv_pk_key(pk, "judged_at");
    uint64_t judged = record_uint(r, "judged_at", 0);
    if (judged)
        actor_pk_time(pk, judged);
    else
        msgpack_pack_nil(pk);
    gv_pk_key(pk, "tests");
    const msgpack_object *tests = record_get(r, "tests");
    if (tests)
        gv_pk_object(pk, tests);
    else
        msgpack_pack_array(pk, 0);
    if (test_field) {
        gv_pk_key(pk, "test");
        uint64_t t = record_uint(r, "test", 0);
        if (t)
            msgpack_pack_uint64(pk, t);
        else
            msgpack_pack_nil(pk);
    }
}

static int s_csub_store(actor_ctx_t *ctx, const cdef_t *d, const gv_msg_t *msg, uint32_t pidx,
                        uint32_t phase)
{
    const char *status = gv_msg_str(msg, "status");
    const char *verdict = phase == PHASE_DONE ? gv_msg_str(msg, "verdict") : NULL;
    const msgpack_object *tests = phase == PHASE_DONE ? gv_msg_field(msg, "tests") : NULL;
    uint32_t nt = tests && tests->type == MSGPACK_OBJECT_ARRAY ? tests->via.array.size : 0;
    recbuf_t rb;
    recbuf_init(&rb);
    msgpack_packer *pk = &rb.pk;
    msgpack_pack_map(pk, 13);
    gv_pk_kv_uint(pk, "sub_id", gv_msg_uint(msg, "sub_id", 0));
    gv_pk_kv_uint(pk, "user_id", gv_msg_uint(msg, "user_id", 0));
    gv_pk_kv_uint(pk, "problem_id", gv_msg_uint(msg, "problem_id", 0));
    gv_pk_key(pk, "language");
    gv_pk_object(pk, gv_msg_field(msg, "language"));
    gv_pk_kv_uint(pk, "submitted_at", gv_msg_uint(msg, "submitted_at", 0));
    gv_pk_kv_uint(pk, "attempt", gv_msg_uint(msg, "attempt", 1));
    gv_pk_kv_uint(pk, "phase", phase);
    gv_pk_kv_str(pk, "status", status ? status : "queued");
    gv_pk_key(pk, "verdict");
    if (verdict)
        gv_pk_str(pk, verdict);
    else
        msgpack_pack_nil(pk);
    gv_pk_kv_uint(pk, "test", phase == PHASE_DONE ? 0 : gv_msg_uint(msg, "test", 0));
    gv_pk_key(pk, "tests");
    msgpack_pack_array(pk, nt);
    for (uint32_t i = 0; i < nt; i++) {
        const msgpack_object *t = &tests->via.array.ptr[i];
        msgpack_pack_map(pk, 3);
        gv_pk_kv_uint(pk, "n", record_obj_uint(gv_obj_get(t, "n"), i + 1));
        gv_pk_key(pk, "verdict");
        gv_pk_object(pk, gv_obj_get(t, "verdict"));
        gv_pk_kv_uint(pk, "time_ms", record_obj_uint(gv_obj_get(t, "time_ms"), 0));
    }
    gv_pk_kv_uint(pk, "subtasks_ok",
                  phase == PHASE_DONE ? s_subtasks_ok(d, pidx, verdict, tests) : 0);
    gv_pk_kv_uint(pk, "judged_at", phase == PHASE_DONE ? ctx->now_ms : 0);
    uint8_t key[16];
    ckey_2(key, d->id, gv_msg_uint(msg, "sub_id", 0));
    int rc = recbuf_ok(&rb) ? actor_put(ctx, contest_dbs(ctx)->subs, key, 16, rb.sb.data, rb.sb.size, 0)
                            : -1;
    recbuf_done(&rb);
    return rc == 0 ? 0 : -1;
}

/* ---- cells --------------------------------------------------------------------------------------- */

/* The key of one user's submission to one problem. By problem id, not index: a re-definition
 * may reorder the problems, and the cells are then rebuilt from these keys. */
static void s_usub_key(uint8_t k[USUB_KEY_LEN], uint64_t cid, uint64_t uid, uint64_t pid,
                       uint64_t sid)
{
    store_be64_put(k, cid);
    store_be64_put(k + 8, uid);
    store_be64_put(k + 16, pid);
    store_be64_put(k + 24, sid);
}

/* Recomputes cell pidx of uid in both views from uid's submissions to the problem. */
static int s_compute_cells(actor_ctx_t *ctx, const cdef_t *d, uint64_t uid, uint32_t pidx,
                           score_cell_t *live, score_cell_t *pub)
{
    size_t n = 0, cap = 16;
    score_sub_t *subs = malloc(cap * sizeof *subs);
    MDB_cursor *cur = NULL;
    int rc = -1;
    if (!subs || actor_cursor(ctx, contest_dbs(ctx)->usubs, &cur) != 0) goto done;
    uint8_t start[USUB_KEY_LEN];
    uint64_t pid = record_obj_uint(gv_obj_get(cdef_problem(d, pidx), "problem_id"), 0);
    s_usub_key(start, d->id, uid, pid, 0);
    MDB_val k = {USUB_KEY_LEN, start}, v;
    int cr;
    for (cr = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE); cr == 0;
         cr = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
        if (k.mv_size != USUB_KEY_LEN || memcmp(k.mv_data, start, 24) != 0) break;
        uint64_t sid = store_be64_get((const uint8_t *)k.mv_data + 24);
        uint8_t sk[16];
        ckey_2(sk, d->id, sid);
        MDB_val sv;
        int g = actor_get(ctx, contest_dbs(ctx)->subs, sk, 16, &sv);
        if (g < 0) goto done;
        if (g == 1) continue;
        record_t r;
        record_parse(&r, sv.mv_data, sv.mv_size);
        if (n == cap) {
            score_sub_t *bigger = realloc(subs, cap * 2 * sizeof *subs);
            if (!bigger) {
                record_done(&r);
                goto done;
            }
            subs = bigger;
            cap *= 2;
        }
        score_sub_t *s = &subs[n++];
        s->submitted_at_ms = record_uint(&r, "submitted_at", 0);
        s->subtasks_ok = record_uint(&r, "subtasks_ok", 0);
        if (record_uint(&r, "phase", 0) == PHASE_DONE) {
            size_t vl;
            const char *vv = record_str(&r, "verdict", &vl);
            char vb[8];
            snprintf(vb, sizeof vb, "%.*s", (int)(vv && vl < 8 ? vl : 0), vv ? vv : "");
            s->outcome = score_outcome(vb[0] ? vb : "JE");
        } else {
            s->outcome = SO_PENDING;
        }
        record_done(&r);
    }
    if (cr != 0 && cr != MDB_NOTFOUND) {
        actor_fail(ctx, cr, "user submissions index");
        goto done;
    }
    /* submission ids grow with submission time, so this is submission order */
    double pts[SCORE_MAX_SUBTASKS];
    score_problem_t p;
    cdef_score_problem(d, pidx, UINT64_MAX, pts, &p);
    memset(live, 0, sizeof *live);
    score_cell(&p, subs, n, live);
    cdef_score_problem(d, pidx, cdef_cutoff_ms(d), pts, &p);
    memset(pub, 0, sizeof *pub);
    score_cell(&p, subs, n, pub);
    rc = 0;
done:
    if (cur) mdb_cursor_close(cur);
    free(subs);
    return rc;
}

/* Moves uid's first-AC entry for (view, pidx) from old_ms to new_ms; *holder_changed tells
 * whether the first solver changed, *other the user who lost or gained it besides uid. */
static int s_fts_move(actor_ctx_t *ctx, uint64_t cid, int view, uint32_t pidx, uint64_t uid,
                      uint64_t old_ms, uint64_t new_ms, uint64_t *other)
{
    *other = 0;
    if (old_ms == new_ms) return 0;
    uint64_t before, after;
    if (s_fts_holder(ctx, cid, view, pidx, &before) != 0) return -1;
    uint8_t k[FTS_KEY_LEN];
    if (old_ms) {
        s_fts_key(k, cid, view, pidx, old_ms, uid);
        if (actor_del(ctx, contest_dbs(ctx)->fts, k, FTS_KEY_LEN) != 0) return -1;
    }
    if (new_ms) {
        s_fts_key(k, cid, view, pidx, new_ms, uid);
        if (actor_put(ctx, contest_dbs(ctx)->fts, k, FTS_KEY_LEN, "", 0, 0) != 0) return -1;
    }
    if (s_fts_holder(ctx, cid, view, pidx, &after) != 0) return -1;
    if (before != after) *other = before == uid ? after : before;
    return 0;
}

/* Applies a change of uid's submissions to problem pidx to the board. */
static int s_board_update(actor_ctx_t *ctx, const cdef_t *d, uint64_t uid, uint32_t pidx)
{
    row_t *row = malloc(sizeof *row);
    int rc = -1;
    if (!row) return -1;
    int lr = s_row_load(ctx, d, uid, row);
    if (lr != 0) { /* not registered (jury, or a submission made before a re-definition) */
        free(row);
        return lr < 0 ? -1 : 0;
    }
    score_cell_t cell[2];
    if (s_compute_cells(ctx, d, uid, pidx, &cell[VIEW_LIVE], &cell[VIEW_PUBLIC]) != 0) goto done;
    bool changed[2];
    uint64_t others[2] = {0, 0};
    for (int view = 0; view < 2; view++) {
        view_t *v = &row->v[view];
        changed[view] = !s_cell_eq(&v->cells[pidx], &cell[view]);
        if (!changed[view]) continue;
        view_t old = *v;
        if (s_fts_move(ctx, d->id, view, pidx, uid, old.cells[pidx].first_ac_ms,
                       cell[view].first_ac_ms, &others[view]) != 0)
            goto done;
        v->cells[pidx] = cell[view];
        s_view_key(d, v, uid);
        if (s_rank_move(ctx, d->id, view, &old, v) != 0) goto done;
    }
    if ((changed[0] || changed[1]) && s_row_store(ctx, d, uid, row) != 0) goto done;
    if (s_emit_row(ctx, d, uid, row, changed[0], changed[1]) != 0) goto done;
    if (others[0] && others[0] == others[1]) {
        if (s_emit_row(ctx, d, others[0], NULL, true, true) != 0) goto done;
    } else {
        if (others[0] && s_emit_row(ctx, d, others[0], NULL, true, false) != 0) goto done;
        if (others[1] && s_emit_row(ctx, d, others[1], NULL, false, true) != 0) goto done;
    }
    rc = 0;
done:
    free(row);
    return rc;
}

int board_add_user(actor_ctx_t *ctx, const cdef_t *d, uint64_t uid, const char *username,
                   size_t username_len)
{
    row_t *row = calloc(1, sizeof *row);
    if (!row) return -1;
    snprintf(row->username, sizeof row->username, "%.*s", (int)username_len, username);
    int rc = 0;
    for (int view = 0; view < 2 && rc == 0; view++) {
        s_view_key(d, &row->v[view], uid);
        rc = s_rank_move(ctx, d->id, view, NULL, &row->v[view]);
    }
    if (rc == 0) rc = s_row_store(ctx, d, uid, row);
    /* a new contestant's row: everyone sees it */
    if (rc == 0) rc = s_emit_row(ctx, d, uid, row, true, true);
    free(row);
    return rc;
}

/* Deletes every key of contest cid in an index. */
static int s_wipe(actor_ctx_t *ctx, MDB_dbi dbi, uint64_t cid)
{
    MDB_cursor *cur;
    if (actor_cursor(ctx, dbi, &cur) != 0) return -1;
    uint8_t start[8];
    store_be64_put(start, cid);
    MDB_val k = {8, start}, v;
    int rc;
    for (rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE); rc == 0;
         rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
        if (k.mv_size < 8 || store_be64_get(k.mv_data) != cid) break;
        if ((rc = mdb_cursor_del(cur, 0)) != 0) break;
    }
    mdb_cursor_close(cur);
    return rc == 0 || rc == MDB_NOTFOUND ? 0 : actor_fail(ctx, rc, "wipe contest index");
}

/* Rebuilds every row of the contest from its submissions (after a thaw or a re-definition)
 * and logs the rows that changed. O(rows × problems): an admin action, not the hot path. */
int board_thaw(actor_ctx_t *ctx, const cdef_t *d)
{
    contest_dbs_t *db = contest_dbs(ctx);
    size_t n = 0, cap = 64;
    uint64_t *uids = malloc(cap * sizeof *uids);
    uint8_t *flags = malloc(cap);
    row_t *row = malloc(sizeof *row);
    MDB_cursor *cur = NULL;
    int rc = -1;
    if (!uids || !flags || !row) goto done;
    if (s_wipe(ctx, db->rank, d->id) != 0 || s_wipe(ctx, db->fts, d->id) != 0) goto done;
    /* collect the registered users first: rows are written below */
    if (actor_cursor(ctx, db->users, &cur) != 0) goto done;
    uint8_t start[16];
    ckey_2(start, d->id, 0);
    MDB_val k = {16, start}, v;
    int cr;
    for (cr = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE); cr == 0;
         cr = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
        if (k.mv_size != 16 || store_be64_get(k.mv_data) != d->id) break;
        if (n == cap) {
            uint64_t *u2 = realloc(uids, cap * 2 * sizeof *uids);
            if (u2) uids = u2;
            uint8_t *f2 = u2 ? realloc(flags, cap * 2) : NULL;
            if (!u2 || !f2) goto done;
            flags = f2;
            cap *= 2;
        }
        uids[n++] = store_be64_get((const uint8_t *)k.mv_data + 8);
    }
    mdb_cursor_close(cur);
    cur = NULL;
    for (size_t i = 0; i < n; i++) {
        int lr = s_row_load(ctx, d, uids[i], row);
        if (lr < 0) goto done;
        if (lr == 1) { /* registered but no row: make one */
            char name[257];
            if (contest_username(ctx, d->id, uids[i], name, sizeof name) != 0) goto done;
            memset(row, 0, sizeof *row);
            snprintf(row->username, sizeof row->username, "%s", name);
        }
        bool changed[2] = {false, false};
        for (uint32_t p = 0; p < d->n_problems; p++) {
            score_cell_t cell[2];
            if (s_compute_cells(ctx, d, uids[i], p, &cell[0], &cell[1]) != 0) goto done;
            for (int view = 0; view < 2; view++) {
                if (!s_cell_eq(&row->v[view].cells[p], &cell[view])) changed[view] = true;
                row->v[view].cells[p] = cell[view];
                uint8_t fk[FTS_KEY_LEN];
                if (cell[view].first_ac_ms) {
                    s_fts_key(fk, d->id, view, p, cell[view].first_ac_ms, uids[i]);
                    if (actor_put(ctx, db->fts, fk, FTS_KEY_LEN, "", 0, 0) != 0) goto done;
                }
            }
        }
        for (int view = 0; view < 2; view++) {
            s_view_key(d, &row->v[view], uids[i]);
            if (s_rank_move(ctx, d->id, view, NULL, &row->v[view]) != 0) goto done;
        }
        if (s_row_store(ctx, d, uids[i], row) != 0) goto done;
        flags[i] = (uint8_t)((changed[0] ? 1 : 0) | (changed[1] ? 2 : 0));
    }
    /* first-to-solve marks are final only now: log afterwards */
    for (size_t i = 0; i < n; i++)
        if (flags[i] && s_emit_row(ctx, d, uids[i], NULL, flags[i] & 1, flags[i] & 2) != 0) goto done;
    rc = 0;
done:
    if (cur) mdb_cursor_close(cur);
    free(uids);
    free(flags);
    free(row);
    return rc;
}

/* ---- contest.sub ----------------------------------------------------------------------------------- */

/* A submission to the contest was made or changed (the submissions actor tells, durably for
 * creation, verdicts and rejudges; plainly for per-test progress). */
int contest_sub(actor_ctx_t *ctx, const gv_msg_t *msg)
{
    uint64_t cid = contest_id_of(ctx), sid = gv_msg_uint(msg, "sub_id", 0);
    uint64_t uid = gv_msg_uint(msg, "user_id", 0);
    cdef_t d;
    int rc = cdef_load(ctx, cid, &d);
    if (rc != 0) {
        cdef_done(&d);
        if (rc == 1)
            gv_warn("submission for an unknown contest ignored",
                    "contest=%s sub_id=%" PRIu64, ctx->address, sid);
        return rc < 0 ? -1 : 0;
    }
    int pidx = cdef_problem_index(&d, gv_msg_uint(msg, "problem_id", 0));
    if (pidx < 0) {
        gv_warn("submission for a problem not in the contest ignored",
                "contest_id=%" PRIu64 " sub_id=%" PRIu64, cid, sid);
        cdef_done(&d);
        return 0;
    }
    const char *status = gv_msg_str(msg, "status");
    uint32_t phase = s_phase(status, gv_msg_uint(msg, "test", 0));
    uint64_t attempt = gv_msg_uint(msg, "attempt", 1);
    crec_t old;
    rc = s_csub_load(ctx, cid, sid, &old);
    bool existed = rc == 0, relevant = true;
    if (rc < 0) goto done;
    if (existed) {
        uint64_t oa = record_uint(&old.rec, "attempt", 1), op = record_uint(&old.rec, "phase", 0);
        if (oa > attempt || (oa == attempt && op >= phase)) { /* stale or repeated */
            rc = 0;
            goto done;
        }
        /* progress of a submission that was already pending changes no cell */
        relevant = op == PHASE_DONE || phase == PHASE_DONE;
    }
    rc = -1;
    if (s_csub_store(ctx, &d, msg, (uint32_t)pidx, phase) != 0) goto done;
    if (!existed) {
        uint8_t k[USUB_KEY_LEN];
        s_usub_key(k, cid, uid, gv_msg_uint(msg, "problem_id", 0), sid);
        if (actor_put(ctx, contest_dbs(ctx)->usubs, k, USUB_KEY_LEN, "", 0, 0) != 0) goto done;
    }
    crec_t now;
    if (s_csub_load(ctx, cid, sid, &now) != 0) {
        crec_done(&now);
        goto done;
    }
    cevent_t e;
    msgpack_packer *pk = contest_event_begin(&e, "submission", "user", uid);
    s_pk_csub(pk, &d, &now.rec, true);
    crec_done(&now);
    if (contest_event_end(ctx, cid, &e) != 0) goto done;
    if (relevant && s_board_update(ctx, &d, uid, (uint32_t)pidx) != 0) goto done;
    rc = 0;
done:
    crec_done(&old);
    cdef_done(&d);
    return rc;
}

/* ---- queries ----------------------------------------------------------------------------------------- */

int contest_scoreboard(actor_ctx_t *ctx, const gv_msg_t *msg)
{
    cdef_t d;
    int rc = contest_load_or_404(ctx, msg, &d);
    if (rc != 0) return rc < 0 ? -1 : 0;
    uint64_t cid = d.id;
    bool staff = actor_caller_sees_all(msg);
    const char *want = gv_msg_str(msg, "view");
    int view = staff && !(want && strcmp(want, "public") == 0) ? VIEW_LIVE : VIEW_PUBLIC;
    uint64_t *holders = calloc(CONTEST_MAX_PROBLEMS, sizeof *holders);
    row_t *row = malloc(sizeof *row);
    MDB_cursor *cur = NULL;
    gv_writer_t *w = NULL;
    rc = -1;
    if (!holders || !row || s_fts_holders(ctx, &d, view, holders) != 0 ||
        actor_cursor(ctx, contest_dbs(ctx)->rank, &cur) != 0)
        goto done;
    /* A page of rows from `offset`, as many as fit in one message (each cell is 15 msgpack
     * objects, a row 17 more); the edge asks for the next page until it has `total`. */
    uint64_t offset = gv_msg_uint(msg, "offset", 0), total = d.users;
    uint64_t per_row = 17 + 15 * (uint64_t)d.n_problems, fit = (CONTEST_REPLY_MAX_OBJECTS - 64) / per_row;
    uint64_t limit = gv_msg_uint(msg, "limit", fit);
    if (limit == 0 || limit > fit) limit = fit;
    uint64_t n = offset >= total ? 0 : (total - offset < limit ? total - offset : limit);
    if (!(w = actor_reply_begin(ctx, msg, 200, true))) goto done;
    msgpack_packer *pk = gv_writer_pk(w);
    msgpack_pack_map(pk, 7);
    gv_pk_key(pk, "contest_id");
    actor_pk_id(pk, cid);
    gv_pk_kv_bool(pk, "frozen", view == VIEW_PUBLIC && s_public_frozen(&d, ctx->now_ms));
    gv_pk_kv_str(pk, "scoring", scoring_name(d.scoring));
    gv_pk_kv_str(pk, "view", view == VIEW_LIVE ? "jury" : "public");
    gv_pk_kv_uint(pk, "total", total);
    gv_pk_kv_uint(pk, "offset", offset);
    gv_pk_key(pk, "rows");
    msgpack_pack_array(pk, (uint32_t)n);
    uint8_t start[RANK_KEY_LEN] = {0}, prev[SCORE_KEY_LEN];
    store_be64_put(start, cid);
    start[8] = (uint8_t)view;
    MDB_val k = {9, start}, v;
    uint64_t seen = 0, packed = 0, rank = 0;
    int cr;
    /* rows before the page are walked by key only, to number the ranks */
    for (cr = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE); cr == 0 && packed < n;
         cr = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
        if (k.mv_size != RANK_KEY_LEN || memcmp(k.mv_data, start, 9) != 0) break;
        const uint8_t *key = (const uint8_t *)k.mv_data + 9;
        uint64_t uid = score_key_user(key);
        if (seen == 0 || !score_key_tie(prev, key)) rank = seen + 1;
        memcpy(prev, key, SCORE_KEY_LEN);
        if (seen++ < offset) continue;
        if (s_row_load(ctx, &d, uid, row) != 0) {
            gv_error("rank index names a user without a row",
                     "contest_id=%" PRIu64 " user_id=%" PRIu64, cid, uid);
            goto done;
        }
        s_pk_row(pk, &d, uid, row, view, holders, rank);
        packed++;
    }
    if (packed != n) {
        gv_error("rank index and contestant count disagree",
                 "contest_id=%" PRIu64 " rows=%" PRIu64 " users=%" PRIu64, cid, seen, d.users);
        goto done;
    }
    rc = actor_reply_end(ctx, &w);
done:
    gv_writer_destroy(&w);
    if (cur) mdb_cursor_close(cur);
    free(holders);
    free(row);
    cdef_done(&d);
    return rc;
}

/* contest.subs: the contest's submissions, oldest first (staff: all; others: their own). */
int contest_subs(actor_ctx_t *ctx, const gv_msg_t *msg)
{
    cdef_t d;
    int rc = contest_load_or_404(ctx, msg, &d);
    if (rc != 0) return rc < 0 ? -1 : 0;
    uint64_t cid = d.id;
    bool staff = actor_caller_sees_all(msg);
    uint64_t me = gv_msg_uint(msg, "caller_id", 0);
    uint64_t page = gv_msg_uint(msg, "page", 1), per = gv_msg_uint(msg, "per_page", 100);
    if (page == 0) page = 1;
    if (per == 0 || per > SUBS_PAGE_MAX) per = SUBS_PAGE_MAX;
    uint64_t skip = (page - 1) > UINT64_MAX / per ? UINT64_MAX : (page - 1) * per;
    MDB_cursor *cur;
    gv_writer_t *w = NULL;
    rc = -1;
    if (actor_cursor(ctx, contest_dbs(ctx)->subs, &cur) != 0) goto out;
    /* two passes: count the matches, then pack the page */
    uint8_t start[16];
    ckey_2(start, cid, 0);
    uint64_t total = 0;
    uint32_t n = 0;
    MDB_val k = {16, start}, v;
    int cr;
    for (int pass = 0; pass < 2; pass++) {
        uint64_t seen = 0;
        msgpack_packer *pk = NULL;
        if (pass == 1) {
            if (!(w = actor_reply_begin(ctx, msg, 200, true))) goto done;
            pk = gv_writer_pk(w);
            msgpack_pack_map(pk, 2);
            gv_pk_key(pk, "items");
            msgpack_pack_array(pk, n);
        }
        uint32_t packed = 0;
        k.mv_size = 16;
        k.mv_data = start;
        for (cr = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE); cr == 0;
             cr = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
            if (k.mv_size != 16 || store_be64_get(k.mv_data) != cid) break;
            record_t r;
            record_parse(&r, v.mv_data, v.mv_size);
            bool mine = staff || record_uint(&r, "user_id", 0) == me;
            if (mine) {
                bool in_page = seen >= skip && seen - skip < per;
                if (pass == 0 && in_page) n++;
                if (pass == 1 && in_page && packed < n) {
                    s_pk_csub(pk, &d, &r, false);
                    packed++;
                }
                seen++;
            }
            record_done(&r);
        }
        if (cr != 0 && cr != MDB_NOTFOUND) {
            actor_fail(ctx, cr, "read contest submissions");
            goto done;
        }
        if (pass == 0) total = seen;
        if (pass == 1) {
            if (packed != n) goto done;
            gv_pk_kv_uint(pk, "total", total);
        }
    }
    rc = actor_reply_end(ctx, &w);
done:
    gv_writer_destroy(&w);
    mdb_cursor_close(cur);
out:
    cdef_done(&d);
    return rc;
}
