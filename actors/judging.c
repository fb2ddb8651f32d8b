/*  judging — judge reports and re-offers for the submissions actor (see submissions.h and
 *  judgequeue.h).
 *
 *  judge.progress and judge.result are notifications: nobody waits for an answer, so a report
 *  that may not be applied is logged and dropped. Only judgequeue_check() decides whether a
 *  report may change a submission; this file never writes a verdict around it.
 */
#include "gv_log.h"
#include "gv_types.h"
#include "store.h"
#include "submissions.h"
#include "submissions_impl.h"

#include <inttypes.h>
#include <string.h>

static uint32_t s_attempt(const gv_msg_t *msg)
{
    uint64_t a = gv_msg_uint(msg, "attempt", 0);
    return a > UINT32_MAX ? UINT32_MAX : (uint32_t)a;
}

/* Loads the job of a report and decides. 1 = drop the report (logged), 0 = apply, -1 error. */
static int s_admit(actor_ctx_t *ctx, const gv_msg_t *msg, job_t *job)
{
    submissions_t *st = ctx->state;
    uint64_t sub_id = gv_msg_uint(msg, "sub_id", 0);
    uint32_t attempt = s_attempt(msg);
    int rc = judgequeue_get(ctx, &st->queue, sub_id, job);
    if (rc < 0) return -1;
    if (rc == 1) {
        gv_warn("judge report for an unknown submission ignored",
                "type=%s sub_id=%" PRIu64 " attempt=%u from=%s", gv_msg_type(msg), sub_id, attempt,
                gv_msg_from(msg));
        return 1;
    }
    switch (judgequeue_check(job, attempt)) {
    case JOB_REPORT_APPLY:
        return 0;
    case JOB_REPORT_DONE:
        gv_info("duplicate judge report ignored: the submission already has its verdict",
                "type=%s sub_id=%" PRIu64 " attempt=%u job_attempt=%u from=%s", gv_msg_type(msg),
                sub_id, attempt, job->attempt, gv_msg_from(msg));
        return 1;
    case JOB_REPORT_STALE:
        gv_info("stale judge report ignored: a newer attempt owns the job",
                "type=%s sub_id=%" PRIu64 " attempt=%u job_attempt=%u from=%s", gv_msg_type(msg),
                sub_id, attempt, job->attempt, gv_msg_from(msg));
        return 1;
    }
    return 1;
}

/* The judge's result for the test before the running one, when it extends the stored list
 * (a repeated or out-of-order report adds nothing; a lost one leaves a gap the verdict fills). */
static const msgpack_object *s_next_test(const msgpack_object *tests, const msgpack_object *last)
{
    if (!last || last->type != MSGPACK_OBJECT_MAP) return NULL;
    uint32_t n = tests && tests->type == MSGPACK_OBJECT_ARRAY ? tests->via.array.size : 0;
    uint64_t stored = n ? record_obj_uint(gv_obj_get(&tests->via.array.ptr[n - 1], "n"), n) : 0;
    return record_obj_uint(gv_obj_get(last, "n"), 0) > stored ? last : NULL;
}

int judging_progress(actor_ctx_t *ctx, const gv_msg_t *msg)
{
    submissions_t *st = ctx->state;
    job_t job;
    int rc = s_admit(ctx, msg, &job);
    if (rc != 0) return rc < 0 ? -1 : 0;
    const char *status = gv_msg_str(msg, "status");
    if (!status || (strcmp(status, "compiling") != 0 && strcmp(status, "running") != 0)) {
        gv_warn("judge progress with an unknown status ignored",
                "sub_id=%" PRIu64 " status=%s from=%s", job.sub_id, status ? status : "-",
                gv_msg_from(msg));
        return 0;
    }
    uint32_t attempt = s_attempt(msg);
    if (attempt > job.attempt) { /* the broker re-queued the job: the newer attempt owns it */
        job.attempt = attempt;
        if (judgequeue_put(ctx, &st->queue, &job) != 0) return -1;
    }
    record_t r;
    subview_t v;
    rc = submissions_load(ctx, job.sub_id, &r, &v);
    if (rc == 0) {
        bool running = strcmp(status, "running") == 0;
        v.status = status;
        v.test = running ? gv_msg_uint(msg, "test", 0) : 0;
        if (!running)
            v.tests = NULL; /* a (re)started run: results of an earlier try do not count */
        else
            v.tests_push = s_next_test(v.tests, gv_msg_field(msg, "last"));
        /* publish first: v points into the old record, which the write may move */
        rc = submissions_publish(ctx, &v, attempt > job.attempt ? attempt : job.attempt);
        if (rc == 0) rc = submissions_store(ctx, &v);
    } else if (rc == 1) {
        gv_error("job without a submission record", "sub_id=%" PRIu64, job.sub_id);
        rc = 0;
    }
    record_done(&r);
    return rc;
}

int judging_result(actor_ctx_t *ctx, const gv_msg_t *msg)
{
    submissions_t *st = ctx->state;
    job_t job;
    int rc = s_admit(ctx, msg, &job);
    if (rc != 0) return rc < 0 ? -1 : 0;
    const char *verdict = gv_msg_str(msg, "verdict");
    if (!gv_verdict_valid(verdict)) {
        gv_warn("judge sent an unknown verdict; recording JE",
                "sub_id=%" PRIu64 " verdict=%s from=%s", job.sub_id, verdict ? verdict : "-",
                gv_msg_from(msg));
        verdict = "JE";
    }
    record_t r;
    subview_t v;
    rc = submissions_load(ctx, job.sub_id, &r, &v);
    if (rc == 1) {
        gv_error("job without a submission record", "sub_id=%" PRIu64, job.sub_id);
        rc = 0;
        goto done;
    }
    if (rc != 0) goto done;
    v.status = "done";
    v.verdict = verdict;
    v.verdict_len = strlen(verdict);
    v.has_result = true;
    v.time_ms = gv_msg_uint(msg, "time_ms", 0);
    v.memory_kb = gv_msg_uint(msg, "memory_kb", 0);
    v.has_score = gv_msg_has(msg, "score");
    v.score = gv_msg_float(msg, "score", 0);
    size_t co_len = 0;
    const char *co = gv_msg_bytes(msg, "compile_output", &co_len);
    v.compile_output = co ? co : "";
    v.compile_output_len = co_len;
    v.tests = gv_msg_field(msg, "tests");
    v.test = 0;
    job.attempt = s_attempt(msg);
    job.done = true;
    job.done_at = ctx->now_ms;
    /* publish first: v points into the old record, which the write may move */
    if (submissions_publish(ctx, &v, job.attempt) != 0 || submissions_store(ctx, &v) != 0 ||
        judgequeue_put(ctx, &st->queue, &job) != 0) {
        rc = -1;
        goto done;
    }
    gv_info("verdict applied",
            "sub_id=%" PRIu64 " attempt=%u verdict=%s time_ms=%" PRIu64 " memory_kb=%" PRIu64
            " judge=%s",
            job.sub_id, job.attempt, verdict, v.time_ms, v.memory_kb, gv_msg_from(msg));
done:
    record_done(&r);
    return rc;
}

static int s_offer_one(actor_ctx_t *ctx, const job_t *job, void *arg)
{
    record_t r;
    subview_t v;
    int rc = submissions_load(ctx, job->sub_id, &r, &v);
    if (rc == 0 && submissions_offer(ctx, &v, job->attempt) == 0)
        ++*(size_t *)arg;
    else if (rc == 1)
        gv_error("pending job without a submission record", "sub_id=%" PRIu64, job->sub_id);
    record_done(&r);
    return rc < 0 ? -1 : 0;
}

/* Starts a sweep at once (node start, broker back) — the periodic one waits for its turn. */
int judging_reoffer_now(actor_ctx_t *ctx)
{
    submissions_t *st = ctx->state;
    st->sweeping = true;
    st->sweep_from = 0;
    st->sweep_offered = 0;
    return judging_reoffer_tick(ctx);
}

/* Every REOFFER_TICK_MS: offer the next slice of unfinished jobs while a sweep runs; start a
 * new sweep every reoffer_interval_ms as a safety net for jobs the broker lost silently. The
 * broker ignores offers for jobs it already holds, so repeats cost only bandwidth. */
int judging_reoffer_tick(actor_ctx_t *ctx)
{
    submissions_t *st = ctx->state;
    uint64_t now = gv_mono_ms();
    if (!st->sweeping) {
        if (now < st->next_sweep_at)
            return 0;
        st->sweeping = true;
        st->sweep_from = 0;
        st->sweep_offered = 0;
    }
    size_t n = 0;
    uint64_t next = 0;
    if (judgequeue_each_pending(ctx, &st->queue, st->sweep_from, REOFFER_SLICE, s_offer_one, &n,
                                &next) != 0)
        return -1;
    st->sweep_offered += n;
    if (next) {
        st->sweep_from = next;
        return 0;
    }
    st->sweeping = false;
    st->next_sweep_at = now + ctx->env->reoffer_interval_ms;
    if (st->sweep_offered)
        gv_info("offered unfinished jobs to the broker", "jobs=%zu", st->sweep_offered);
    return 0;
}
