/*  submissions_impl — what submissions.c (records, create, get, list) and judging.c (judge
 *  reports, re-offers) share. Private to the submissions actor.
 */
#ifndef ACTORS_SUBMISSIONS_IMPL_H
#define ACTORS_SUBMISSIONS_IMPL_H

#include "actor.h"
#include "judgequeue.h"
#include "record.h"

typedef struct {
    MDB_dbi items;
    MDB_dbi sources;
    MDB_dbi by_user;
    MDB_dbi by_problem;
    MDB_dbi by_contest;
    MDB_dbi rejudges; /* task id → {problem_id, contest_id, from, upto} (rejudge.c) */
    judgequeue_t queue;
    /* Paced re-offer sweep over the unfinished jobs (see judging_reoffer_tick). */
    bool sweeping;
    uint64_t sweep_from;       /* next queue position to offer (judgequeue.h), 0 = start */
    uint64_t next_sweep_at;    /* mono ms when the periodic sweep starts again */
    size_t sweep_offered;
} submissions_t;

/* Re-offers travel in slices of at most this many jobs per tick, so a large backlog never
 * floods the broker or delays the requests that share the node's loop. */
#define REOFFER_SLICE 256
#define REOFFER_TICK_MS 50

/* A past result kept in the submission's history when it is rejudged. */
typedef struct {
    uint32_t attempt;
    const char *verdict;
    size_t verdict_len;
    bool has_score;
    double score;
    uint64_t time_ms, memory_kb, judged_at; /* judged_at: Unix ms */
    const msgpack_object *tests;
} subhist_t;

/* At most this many past results are kept per submission (the oldest go first). */
#define HISTORY_MAX 32

/* A submission's fields; strings point into a record, a message or static text. */
typedef struct {
    uint64_t id, problem_id, contest_id /* 0 = none */, user_id, submitted_at;
    const char *language;
    size_t language_len;
    const char *status;  /* queued | compiling | running | done */
    const char *verdict; /* NULL until done */
    size_t verdict_len;
    bool has_score;
    double score;
    bool has_result; /* time_ms / memory_kb set */
    uint64_t time_ms, memory_kb;
    const char *compile_output;
    size_t compile_output_len;
    const msgpack_object *tests; /* array of {n, verdict, time_ms, memory_kb}, NULL = [] */
    const msgpack_object *tests_push; /* one more test result, appended when stored (the judge
                                         reports each test's result while it runs the next) */
    uint64_t test;               /* test running now, 0 = none */
    const msgpack_object *history; /* array of past results (subhist_t as maps), NULL = [] */
    const subhist_t *push;         /* appended to history when stored, NULL = none */
} subview_t;

/* Walks submission ids newest first: all of them (cur on the items) or one owner's (cur on an
 * index such as by_user, indexed, owner). Start with started = false. */
typedef struct {
    MDB_cursor *cur;
    bool indexed;
    uint64_t owner;
    bool started;
} submissions_walk_t;
/* 0 with *id, 1 at the end, -1 on error (already logged). */
int submissions_walk_next(actor_ctx_t *ctx, submissions_walk_t *w, uint64_t *id);

/* 0 found (r parsed, v filled with pointers into r), 1 absent, -1 error; r needs record_done. */
int submissions_load(actor_ctx_t *ctx, uint64_t id, record_t *r, subview_t *v);
/* Packs and stores the record of v. 0 / -1. */
int submissions_store(actor_ctx_t *ctx, const subview_t *v);
/* The submission's source: 0 found (points into the map until the next write), 1, -1. */
int submissions_source(actor_ctx_t *ctx, uint64_t id, MDB_val *out);
/* Event {id, status, verdict, test} on `submission/<id>` (event id: submissions_event_id), and
 * for a contest submission the contest.sub notification. 0 / -1. */
int submissions_publish(actor_ctx_t *ctx, const subview_t *v, uint32_t attempt);
uint64_t submissions_event_id(const subview_t *v, uint32_t attempt);
/* The class of v's job (judgequeue.h): a submission judged before (a past result in its
 * history, or v->push) is a rejudge; else a contest or a practice one. Derived from the record
 * alone, so the index, every offer and every re-offer agree. */
gv_job_class_t submissions_class(const subview_t *v);
/* A jobs.offer to the broker for the job of v, with its class and user. 0 / -1. */
int submissions_offer(actor_ctx_t *ctx, const subview_t *v, uint32_t attempt);

/* Per-test results {n, verdict, time_ms, memory_kb} (unknown verdicts become JE). */
/* Packs `tests` (an array of test results, NULL = []) and then `push` (one more, or NULL). */
void submissions_pk_tests(msgpack_packer *pk, const msgpack_object *tests,
                          const msgpack_object *push);
/* The API's history entries ({attempt, verdict, score, time_ms, memory_kb, tests, judged_at}). */
void submissions_pk_history(msgpack_packer *pk, const msgpack_object *history); /* rejudge.c */

/* admission.c: the per-user rate and waiting cap of submissions.create. 0 admitted, 1 refused
 * (429 with data.retry_after_s replied), -1 error. */
int submissions_admit(actor_ctx_t *ctx, const gv_msg_t *msg, uint64_t user_id);

/* judging.c */
int judging_progress(actor_ctx_t *ctx, const gv_msg_t *msg);
int judging_result(actor_ctx_t *ctx, const gv_msg_t *msg);
/* Offers every unfinished job again (tick and on_reintroduce). */
int judging_reoffer_now(actor_ctx_t *ctx);  /* start a sweep at once */
int judging_reoffer_tick(actor_ctx_t *ctx); /* continue or start the periodic sweep */

/* rejudge.c */
int rejudge_request(actor_ctx_t *ctx, const gv_msg_t *msg);
int rejudge_tick(actor_ctx_t *ctx); /* continues paged rejudges, a slice per tick */
/* Sends submission sub_id back to the queue as a new attempt; its result goes to history.
 * 0 done, 1 no such submission, -1 error. */
int rejudge_one(actor_ctx_t *ctx, uint64_t sub_id);

/* Rejudges of a whole problem or contest proceed this many submissions per tick. */
#define REJUDGE_SLICE 64

#endif
