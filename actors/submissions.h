/*  submissions — the `submissions` actor: submission records and their judging.
 *
 *  submissions.create stores the record and its job (judgequeue.h) in one transaction and
 *  queues, for after the commit, the 202 reply, a `jobs.offer` to the broker and a `queued`
 *  event. Judges report through judge.progress and judge.result; a report changes the record
 *  only when the judge queue accepts it, so each submission gets exactly one verdict however
 *  often a job runs. Every change is published on topic `submission/<id>`, kind `submission`,
 *  data {id, status, verdict, test}.
 *
 *  Databases: submissions.items (id → record without source), submissions.sources (id →
 *  bytes; kept apart so status updates never rewrite the source), and the indexes
 *  submissions.by_user / by_problem / by_contest ((owner id, submission id) → empty) that
 *  listing walks newest first instead of scanning every submission.
 */
#ifndef ACTORS_SUBMISSIONS_H
#define ACTORS_SUBMISSIONS_H

#include "actor.h"

#define SUBMISSIONS_LIST_DEFAULT 50
#define SUBMISSIONS_LIST_MAX 200

extern const actor_kind_t submissions_actor;

#endif
