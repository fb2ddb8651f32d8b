/*  judgequeue — the durable job table of the `submissions` actor.
 *
 *  One job per submission: {sub_id, attempt, state pending|done}. It lives in the same LMDB
 *  environment as the submission records and is written in the same (nested) transaction,
 *  so a submission and its job become durable together. The broker holds jobs in memory only;
 *  this table is the truth it is rebuilt from (unfinished jobs are offered again on start,
 *  when the broker comes back and every reoffer_interval_ms).
 *
 *  Verdicts are applied at most once per submission: a judge report is accepted only while
 *  the job is unfinished and the report's attempt is at least the job's current attempt; the
 *  job's attempt follows the newest attempt seen, so a judge that was declared lost and comes
 *  back late with an older attempt is ignored once a newer attempt has reported.
 *
 *  Databases: judgequeue.jobs (sub_id → {attempt, state, created_at, done_at, user_id, class}),
 *  judgequeue.pending (queue position → empty), an index of unfinished jobs so re-offering never
 *  walks finished ones, and judgequeue.waiting ((user_id, sub_id) → empty), each user's submissions
 *  that wait for their first verdict (queued or running; not rejudges), which the per-user cap
 *  on waiting submissions counts. Jobs written before `waiting` existed are not in it.
 *
 *  Queue order: a job's position is the 8-byte big-endian (class << 62 | sub_id), so the
 *  pending index sorts contest jobs first, then practice, then rejudges, each in sub_id order —
 *  the order the broker judges them in (broker/dispatch.h), and the order re-offers go out in
 *  after a restart. Class 0 positions equal plain sub_ids: jobs indexed before classes existed
 *  (no `class` in their record) read as class 0 and keep their old key.
 */
#ifndef ACTORS_JUDGEQUEUE_H
#define ACTORS_JUDGEQUEUE_H

#include "actor.h"
#include "gv_types.h"

#include <stdbool.h>
#include <stdint.h>


typedef struct {
    MDB_dbi jobs;
    MDB_dbi pending;
    MDB_dbi waiting;
} judgequeue_t;

typedef struct {
    uint64_t sub_id;
    uint64_t user_id;    /* 0 for jobs written before it was kept */
    gv_job_class_t klass;
    uint32_t attempt;
    bool done;
    uint64_t created_at; /* Unix ms */
    uint64_t done_at;    /* Unix ms, 0 while pending */
} job_t;

typedef enum {
    JOB_REPORT_APPLY, /* unfinished job, attempt >= the job's */
    JOB_REPORT_DONE,  /* the job already has its verdict */
    JOB_REPORT_STALE, /* an older attempt than the job's current one */
} job_report_t;

/* Returns the mdb rc. */
int judgequeue_open(MDB_txn *txn, judgequeue_t *q);

/* A new pending job with attempt 1, waiting for user_id's first verdict. 0 / -1. */
int judgequeue_add(actor_ctx_t *ctx, const judgequeue_t *q, uint64_t sub_id, uint64_t user_id,
                   gv_job_class_t klass);
/* 0 found, 1 absent, -1 error. */
int judgequeue_get(actor_ctx_t *ctx, const judgequeue_t *q, uint64_t sub_id, job_t *job);
/* Writes the job and keeps the pending index in step with job->done; a done job no longer
 * waits (judgequeue.waiting). 0 / -1. */
int judgequeue_put(actor_ctx_t *ctx, const judgequeue_t *q, const job_t *job);

/* How many of user_id's submissions wait for their first verdict, counting up to `max` (the
 * walk stops there). 0 / -1. */
int judgequeue_waiting(actor_ctx_t *ctx, const judgequeue_t *q, uint64_t user_id, size_t max,
                       size_t *n);

/* Whether a judge report for `attempt` may change the job (see above). */
job_report_t judgequeue_check(const job_t *job, uint32_t attempt);

/* Calls fn for unfinished jobs in queue order (class, then sub_id); stops at the first non-zero
 * return (returned). -1 on storage errors. fn must not write to the queue's databases. */
typedef int (*judgequeue_fn)(actor_ctx_t *ctx, const job_t *job, void *arg);
/* Calls fn for at most `max` unfinished jobs at queue positions >= from (0 = the start), in
 * queue order. *next is set to the position to continue from, or 0 when the walk reached the
 * end. 0 / -1. */
int judgequeue_each_pending(actor_ctx_t *ctx, const judgequeue_t *q, uint64_t from, size_t max,
                            judgequeue_fn fn, void *arg, uint64_t *next);

#endif
