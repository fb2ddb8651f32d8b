/*  judgequeue — durable judge jobs (see judgequeue.h). */
#include "judgequeue.h"

#include "gv_log.h"
#include "record.h"
#include "store.h"

#include <inttypes.h>
#include <string.h>

#define POS_CLASS_SHIFT 62
#define POS_ID_MASK ((UINT64_C(1) << POS_CLASS_SHIFT) - 1)

/* The job's key in the pending index: its queue position (see judgequeue.h). */
static void s_pending_key(uint8_t k[8], gv_job_class_t klass, uint64_t sub_id)
{
    store_be64_put(k, (uint64_t)klass << POS_CLASS_SHIFT | (sub_id & POS_ID_MASK));
}

static void s_waiting_key(uint8_t k[16], uint64_t user_id, uint64_t sub_id)
{
    store_be64_put(k, user_id);
    store_be64_put(k + 8, sub_id);
}

int judgequeue_open(MDB_txn *txn, judgequeue_t *q)
{
    int rc = store_dbi_open(txn, "judgequeue.jobs", &q->jobs);
    if (rc == 0) rc = store_dbi_open(txn, "judgequeue.pending", &q->pending);
    return rc == 0 ? store_dbi_open(txn, "judgequeue.waiting", &q->waiting) : rc;
}

job_report_t judgequeue_check(const job_t *job, uint32_t attempt)
{
    if (job->done) return JOB_REPORT_DONE;
    if (attempt < job->attempt) return JOB_REPORT_STALE;
    return JOB_REPORT_APPLY;
}

int judgequeue_put(actor_ctx_t *ctx, const judgequeue_t *q, const job_t *job)
{
    if (job->sub_id > POS_ID_MASK || job->klass >= GV_JOB_CLASSES) {
        gv_error("job id or class out of range", "sub_id=%" PRIu64 " class=%d", job->sub_id,
                 (int)job->klass);
        return -1;
    }
    uint8_t key[8];
    store_be64_put(key, job->sub_id);
    recbuf_t rb;
    recbuf_init(&rb);
    msgpack_pack_map(&rb.pk, 6);
    gv_pk_kv_uint(&rb.pk, "attempt", job->attempt);
    gv_pk_kv_str(&rb.pk, "state", job->done ? "done" : "pending");
    gv_pk_kv_uint(&rb.pk, "created_at", job->created_at);
    gv_pk_kv_uint(&rb.pk, "done_at", job->done_at);
    gv_pk_kv_uint(&rb.pk, "user_id", job->user_id);
    gv_pk_kv_uint(&rb.pk, "class", job->klass);
    int rc = recbuf_ok(&rb) ? actor_put(ctx, q->jobs, key, 8, rb.sb.data, rb.sb.size, 0) : -1;
    recbuf_done(&rb);
    if (rc != 0) return -1;
    /* at its position while unfinished, and nowhere else (a rejudge changes the class) */
    for (int c = 0; c < GV_JOB_CLASSES; c++) {
        uint8_t pk[8];
        s_pending_key(pk, (gv_job_class_t)c, job->sub_id);
        bool here = !job->done && c == (int)job->klass;
        int rc2 = here ? actor_put(ctx, q->pending, pk, 8, "", 0, 0)
                       : actor_del(ctx, q->pending, pk, 8);
        if (rc2 != 0) return -1;
    }
    if (job->done) {
        uint8_t wk[16];
        s_waiting_key(wk, job->user_id, job->sub_id);
        return actor_del(ctx, q->waiting, wk, 16) == 0 ? 0 : -1;
    }
    return 0;
}

int judgequeue_add(actor_ctx_t *ctx, const judgequeue_t *q, uint64_t sub_id, uint64_t user_id,
                   gv_job_class_t klass)
{
    job_t job = {.sub_id = sub_id,
                 .user_id = user_id,
                 .klass = klass,
                 .attempt = 1,
                 .created_at = ctx->now_ms};
    uint8_t wk[16];
    s_waiting_key(wk, user_id, sub_id);
    if (judgequeue_put(ctx, q, &job) != 0) return -1;
    return actor_put(ctx, q->waiting, wk, 16, "", 0, 0) == 0 ? 0 : -1;
}

int judgequeue_waiting(actor_ctx_t *ctx, const judgequeue_t *q, uint64_t user_id, size_t max,
                       size_t *n)
{
    *n = 0;
    MDB_cursor *cur;
    if (actor_cursor(ctx, q->waiting, &cur) != 0) return -1;
    uint8_t start[16];
    s_waiting_key(start, user_id, 0);
    MDB_val k = {sizeof start, start}, v;
    int rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
    for (; rc == 0 && *n < max; rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
        if (k.mv_size != 16 || store_be64_get(k.mv_data) != user_id) break;
        ++*n;
    }
    mdb_cursor_close(cur);
    if (rc != 0 && rc != MDB_NOTFOUND) return actor_fail(ctx, rc, "count waiting jobs");
    return 0;
}

int judgequeue_get(actor_ctx_t *ctx, const judgequeue_t *q, uint64_t sub_id, job_t *job)
{
    uint8_t key[8];
    store_be64_put(key, sub_id);
    MDB_val v;
    int rc = actor_get(ctx, q->jobs, key, 8, &v);
    if (rc != 0) return rc;
    record_t r;
    if (record_parse(&r, v.mv_data, v.mv_size) != 0) {
        record_done(&r);
        gv_error("corrupt job record", "sub_id=%" PRIu64, sub_id);
        return -1;
    }
    memset(job, 0, sizeof *job);
    job->sub_id = sub_id;
    uint64_t attempt = record_uint(&r, "attempt", 1);
    job->attempt = attempt > UINT32_MAX ? UINT32_MAX : (uint32_t)attempt;
    job->done = record_str_eq(&r, "state", "done");
    job->created_at = record_uint(&r, "created_at", 0);
    job->done_at = record_uint(&r, "done_at", 0);
    job->user_id = record_uint(&r, "user_id", 0);
    uint64_t klass = record_uint(&r, "class", GV_JOB_CONTEST); /* absent: an old job, key = id */
    job->klass = klass < GV_JOB_CLASSES ? (gv_job_class_t)klass : GV_JOB_PRACTICE;
    record_done(&r);
    return 0;
}

int judgequeue_each_pending(actor_ctx_t *ctx, const judgequeue_t *q, uint64_t from, size_t max,
                            judgequeue_fn fn, void *arg, uint64_t *next)
{
    MDB_cursor *cur;
    *next = 0;
    if (actor_cursor(ctx, q->pending, &cur) != 0) return -1;
    uint8_t start[8];
    store_be64_put(start, from);
    MDB_val k = {sizeof start, start}, v;
    int rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE), out = 0;
    size_t seen = 0;
    for (; rc == 0; rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
        if (k.mv_size != 8) continue;
        uint64_t pos = store_be64_get(k.mv_data), id = pos & POS_ID_MASK;
        if (seen == max) {
            *next = pos;
            break;
        }
        seen++;
        job_t job;
        int g = judgequeue_get(ctx, q, id, &job);
        if (g < 0) {
            out = -1;
            break;
        }
        if (g == 1 || job.done) continue; /* index and table disagree; the table wins */
        if ((out = fn(ctx, &job, arg)) != 0) break;
    }
    mdb_cursor_close(cur);
    if (rc != 0 && rc != MDB_NOTFOUND) return actor_fail(ctx, rc, "iterate pending jobs");
    return out;
}
