/*  rejudge — sending judged submissions back to the judges (submissions.rejudge).
 *
 *  A rejudge is a new attempt of the submission's job: the job goes back to pending with
 *  attempt + 1, the submission back to `queued`, its last result is appended to its history
 *  (attempt, verdict, score, time, memory, tests, judged_at), and the job is offered to the
 *  broker, which replaces a job it holds at an older attempt. A report of an older attempt that
 *  arrives late is stale for judgequeue_check() and never overwrites the new result.
 *
 *  Explicit submission_ids (at most 1000, the message schema's bound) are rejudged at once.
 *  A whole problem or contest may hold any number of submissions, so the request only counts
 *  them (walking index keys, no records), stores a task {problem_id, contest_id, from, upto}
 *  in submissions.rejudges and answers; the actor's tick then rejudges REJUDGE_SLICE of them
 *  per tick in id order up to `upto` (the newest id when asked, so later submissions are not
 *  swept in). Tasks are durable: a restarted node continues where it stopped.
 */
#include "gv_log.h"
#include "store.h"
#include "submissions.h"
#include "submissions_impl.h"

#include <inttypes.h>
#include <string.h>

#define REJUDGE_TASK_COUNTER "submissions.next_rejudge"
#define INDEX_KEY_LEN 16

typedef struct {
    uint64_t id, problem_id, contest_id, from, upto;
} task_t;

int rejudge_one(actor_ctx_t *ctx, uint64_t sub_id)
{
    submissions_t *st = ctx->state;
    record_t r;
    subview_t v;
    job_t job = {.sub_id = sub_id, .created_at = ctx->now_ms};
    int rc = submissions_load(ctx, sub_id, &r, &v);
    if (rc != 0) goto done;
    rc = judgequeue_get(ctx, &st->queue, sub_id, &job);
    if (rc < 0) goto done;
    subhist_t h = {0};
    if (v.verdict && strcmp(v.status, "done") == 0) { /* a result to keep */
        h = (subhist_t){.attempt = job.attempt ? job.attempt : 1,
                        .verdict = v.verdict,
                        .verdict_len = v.verdict_len,
                        .has_score = v.has_score,
                        .score = v.score,
                        .time_ms = v.time_ms,
                        .memory_kb = v.memory_kb,
                        .judged_at = job.done_at,
                        .tests = v.tests};
        v.push = &h;
    }
    job.attempt = job.attempt < UINT32_MAX ? job.attempt + 1 : UINT32_MAX;
    job.klass = submissions_class(&v); /* a judged one now waits behind live submissions */
    job.done = false;
    job.done_at = 0;
    v.status = "queued";
    v.verdict = NULL;
    v.verdict_len = 0;
    v.has_score = false;
    v.has_result = false;
    v.compile_output = "";
    v.compile_output_len = 0;
    v.tests = NULL;
    v.test = 0;
    /* publish and pack first: v points into the old record, which the write may move */
    rc = -1;
    if (submissions_publish(ctx, &v, job.attempt) != 0 || submissions_store(ctx, &v) != 0) goto done;
    v.push = NULL;
    v.history = NULL;
    if (judgequeue_put(ctx, &st->queue, &job) != 0) goto done;
    record_done(&r);
    rc = submissions_load(ctx, sub_id, &r, &v); /* fresh pointers for the offer */
    if (rc == 0) rc = submissions_offer(ctx, &v, job.attempt);
    if (rc == 0)
        gv_info("submission rejudged", "sub_id=%" PRIu64 " attempt=%u", sub_id, job.attempt);
done:
    record_done(&r);
    return rc;
}

/* ---- history as the API shows it ----------------------------------------------------------- */

void submissions_pk_history(msgpack_packer *pk, const msgpack_object *history)
{
    uint32_t n = history && history->type == MSGPACK_OBJECT_ARRAY ? history->via.array.size : 0;
    msgpack_pack_array(pk, n);
    for (uint32_t i = 0; i < n; i++) {
        const msgpack_object *e = &history->via.array.ptr[i];
        const msgpack_object *score = gv_obj_get(e, "score");
        msgpack_pack_map(pk, 7);
        gv_pk_kv_uint(pk, "attempt", record_obj_uint(gv_obj_get(e, "attempt"), 0));
        gv_pk_key(pk, "verdict");
        {
            size_t vl;
            const char *vv = record_obj_str(gv_obj_get(e, "verdict"), &vl);
            gv_pk_strn(pk, vv ? vv : "JE", vv ? vl : 2);
        }
        gv_pk_key(pk, "score");
        if (score &&
            (score->type == MSGPACK_OBJECT_FLOAT64 || score->type == MSGPACK_OBJECT_FLOAT32))
            msgpack_pack_double(pk, score->via.f64);
        else
            msgpack_pack_nil(pk);
        gv_pk_kv_uint(pk, "time_ms", record_obj_uint(gv_obj_get(e, "time_ms"), 0));
        gv_pk_kv_uint(pk, "memory_kb", record_obj_uint(gv_obj_get(e, "memory_kb"), 0));
        gv_pk_key(pk, "tests");
        submissions_pk_tests(pk, gv_obj_get(e, "tests"), NULL);
        gv_pk_key(pk, "judged_at");
        actor_pk_time(pk, record_obj_uint(gv_obj_get(e, "judged_at"), 0));
    }
}

/* ---- tasks ----------------------------------------------------------------------------------- */

static bool s_matches(actor_ctx_t *ctx, const task_t *t, uint64_t sub_id, int *err)
{
    if (!(t->problem_id && t->contest_id)) return true; /* the index walked says it all */
    record_t r;
    subview_t v;
    int rc = submissions_load(ctx, sub_id, &r, &v);
    bool ok = rc == 0 && v.contest_id == t->contest_id;
    record_done(&r);
    if (rc < 0) *err = -1;
    return ok;
}

/* Walks the task's index from t->from: calls rejudge_one (when `apply`) or counts, for at most
 * `max` submissions (0 = no bound). *next is where to continue, 0 at the end. 0 / -1. */
static int s_walk(actor_ctx_t *ctx, const task_t *t, bool apply, size_t max, uint64_t *count,
                  uint64_t *next)
{
    submissions_t *st = ctx->state;
    MDB_dbi dbi = t->problem_id ? st->by_problem : st->by_contest;
    uint64_t owner = t->problem_id ? t->problem_id : t->contest_id;
    uint64_t from = t->from;
    *next = 0;
    for (;;) { /* one short cursor per step: rejudge_one writes between steps */
        MDB_cursor *cur;
        if (actor_cursor(ctx, dbi, &cur) != 0) return -1;
        uint8_t k[INDEX_KEY_LEN];
        store_be64_put(k, owner);
        store_be64_put(k + 8, from);
        MDB_val key = {INDEX_KEY_LEN, k}, val;
        int rc = mdb_cursor_get(cur, &key, &val, MDB_SET_RANGE);
        uint64_t id = 0;
        bool ours = rc == 0 && key.mv_size == INDEX_KEY_LEN && store_be64_get(key.mv_data) == owner;
        if (ours) id = store_be64_get((const uint8_t *)key.mv_data + 8);
        mdb_cursor_close(cur);
        if (rc != 0 && rc != MDB_NOTFOUND) return actor_fail(ctx, rc, "walk rejudge");
        if (!ours || id > t->upto) return 0;
        if (max && *count >= max) {
            *next = id;
            return 0;
        }
        int err = 0;
        if (s_matches(ctx, t, id, &err)) {
            if (apply && rejudge_one(ctx, id) < 0) return -1;
            ++*count;
        }
        if (err) return -1;
        if (id == UINT64_MAX) return 0;
        from = id + 1;
    }
}

static int s_task_put(actor_ctx_t *ctx, const task_t *t)
{
    submissions_t *st = ctx->state;
    uint8_t key[8];
    store_be64_put(key, t->id);
    recbuf_t rb;
    recbuf_init(&rb);
    msgpack_pack_map(&rb.pk, 4);
    gv_pk_kv_uint(&rb.pk, "problem_id", t->problem_id);
    gv_pk_kv_uint(&rb.pk, "contest_id", t->contest_id);
    gv_pk_kv_uint(&rb.pk, "from", t->from);
    gv_pk_kv_uint(&rb.pk, "upto", t->upto);
    int rc = recbuf_ok(&rb) ? actor_put(ctx, st->rejudges, key, 8, rb.sb.data, rb.sb.size, 0) : -1;
    recbuf_done(&rb);
    return rc == 0 ? 0 : -1;
}

/* The first unfinished task: 0 found, 1 none, -1 error. */
static int s_task_first(actor_ctx_t *ctx, task_t *t)
{
    submissions_t *st = ctx->state;
    MDB_cursor *cur;
    if (actor_cursor(ctx, st->rejudges, &cur) != 0) return -1;
    MDB_val k, v;
    int rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST), out = 1;
    if (rc == 0 && k.mv_size == 8) {
        record_t r;
        memset(t, 0, sizeof *t);
        t->id = store_be64_get(k.mv_data);
        if (record_parse(&r, v.mv_data, v.mv_size) == 0) {
            t->problem_id = record_uint(&r, "problem_id", 0);
            t->contest_id = record_uint(&r, "contest_id", 0);
            t->from = record_uint(&r, "from", 0);
            t->upto = record_uint(&r, "upto", 0);
        }
        record_done(&r);
        out = 0;
    }
    mdb_cursor_close(cur);
    if (rc != 0 && rc != MDB_NOTFOUND) return actor_fail(ctx, rc, "read rejudge tasks");
    return out;
}

int rejudge_tick(actor_ctx_t *ctx)
{
    submissions_t *st = ctx->state;
    task_t t = {0};
    int rc = s_task_first(ctx, &t);
    if (rc != 0) return rc < 0 ? -1 : 0;
    uint64_t done = 0, next = 0;
    if ((t.problem_id || t.contest_id) && s_walk(ctx, &t, true, REJUDGE_SLICE, &done, &next) != 0)
        return -1;
    if (next) {
        t.from = next;
        return s_task_put(ctx, &t);
    }
    uint8_t key[8];
    store_be64_put(key, t.id);
    gv_info("rejudge task finished", "task=%" PRIu64 " problem_id=%" PRIu64 " contest_id=%" PRIu64,
            t.id, t.problem_id, t.contest_id);
    return actor_del(ctx, st->rejudges, key, 8);
}

/* ---- the request ----------------------------------------------------------------------------- */

static int s_reply_count(actor_ctx_t *ctx, const gv_msg_t *msg, uint64_t count)
{
    gv_writer_t *w = actor_reply_begin(ctx, msg, 202, true);
    if (!w) return -1;
    msgpack_pack_map(gv_writer_pk(w), 1);
    gv_pk_kv_uint(gv_writer_pk(w), "count", count);
    return actor_reply_end(ctx, &w);
}

/* Explicit ids, filtered by problem/contest when those are given too. */
static int s_by_ids(actor_ctx_t *ctx, const gv_msg_t *msg, const msgpack_object *ids)
{
    uint64_t pid = gv_msg_uint(msg, "problem_id", 0), cid = gv_msg_uint(msg, "contest_id", 0);
    uint64_t count = 0;
    for (uint32_t i = 0; i < ids->via.array.size; i++) {
        uint64_t id = ids->via.array.ptr[i].via.u64;
        bool dup = false;
        for (uint32_t j = 0; j < i && !dup; j++)
            dup = ids->via.array.ptr[j].via.u64 == id;
        if (dup) continue;
        if (pid || cid) {
            record_t r;
            subview_t v;
            int rc = submissions_load(ctx, id, &r, &v);
            bool keep = rc == 0 && (!pid || v.problem_id == pid) && (!cid || v.contest_id == cid);
            record_done(&r);
            if (rc < 0) return -1;
            if (!keep) continue;
        }
        int rc = rejudge_one(ctx, id);
        if (rc < 0) return -1;
        count += rc == 0;
    }
    return s_reply_count(ctx, msg, count);
}

int rejudge_request(actor_ctx_t *ctx, const gv_msg_t *msg)
{
    const char *role = actor_caller_role(msg);
    if (role && strcmp(role, "admin") != 0)
        return actor_reply_error(ctx, msg, 403, "forbidden", "only admins may rejudge");
    const msgpack_object *ids = gv_msg_field(msg, "submission_ids");
    if (ids && ids->type == MSGPACK_OBJECT_ARRAY) return s_by_ids(ctx, msg, ids);
    task_t t = {.problem_id = gv_msg_uint(msg, "problem_id", 0),
                .contest_id = gv_msg_uint(msg, "contest_id", 0),
                .upto = UINT64_MAX};
    if (!t.problem_id && !t.contest_id)
        return actor_reply_error(ctx, msg, 400, "invalid_field",
                                 "say what to rejudge: `submission_ids`, `problem_id` or "
                                 "`contest_id`");
    /* the newest submission now bounds the task */
    submissions_t *st = ctx->state;
    MDB_cursor *cur;
    if (actor_cursor(ctx, st->items, &cur) != 0) return -1;
    MDB_val k, v;
    int rc = mdb_cursor_get(cur, &k, &v, MDB_LAST);
    t.upto = rc == 0 && k.mv_size == 8 ? store_be64_get(k.mv_data) : 0;
    mdb_cursor_close(cur);
    if (rc != 0 && rc != MDB_NOTFOUND) return actor_fail(ctx, rc, "find newest submission");
    uint64_t count = 0, next = 0;
    if (s_walk(ctx, &t, false, 0, &count, &next) != 0) return -1;
    if (count) {
        if (actor_next_id(ctx, REJUDGE_TASK_COUNTER, &t.id) != 0 || s_task_put(ctx, &t) != 0)
            return -1;
        gv_info("rejudge task queued",
                "task=%" PRIu64 " problem_id=%" PRIu64 " contest_id=%" PRIu64 " count=%" PRIu64
                " by=%" PRIu64,
                t.id, t.problem_id, t.contest_id, count, gv_msg_uint(msg, "caller_id", 0));
    }
    return s_reply_count(ctx, msg, count);
}
