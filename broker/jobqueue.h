/*  jobqueue — the broker's pending jobs, in the order judges get them.
 *
 *  Classes first: contest (live contest submissions), then practice, then rejudge (nobody
 *  waits for a rejudge live, and a large one must not hold up a contest). Within a class the
 *  users take turns: each user has a FIFO of jobs in sub_id order, and the users form a
 *  rotation; the user whose job was taken goes to the end of it. So one user's flood delays
 *  another user by at most one job per turn. A user without jobs of a class leaves its
 *  rotation and rejoins at the end (or at the front, for a job a lost judge held).
 *
 *  The queue does not own the jobs: each job embeds a jq_entry_t that links it in. Soft state
 *  like the rest of the broker: the submissions actor offers class and user with every job.
 */
#ifndef BROKER_JOBQUEUE_H
#define BROKER_JOBQUEUE_H

#include "gv_types.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>


typedef struct jq_user jq_user_t;

/* Set sub_id, klass, user_id and owner before jobqueue_push; the rest is the queue's. */
typedef struct {
    uint64_t sub_id;
    gv_job_class_t klass;
    uint64_t user_id; /* 0 = unknown (an offer from an older node): one shared turn */
    void *owner;      /* the job this entry belongs to */
    jq_user_t *user;  /* NULL unless queued */
    void *handle;
} jq_entry_t;

typedef struct jobqueue jobqueue_t;

jobqueue_t *jobqueue_new(void);
void jobqueue_destroy(jobqueue_t **self_p);


/* Queues e in its user's FIFO (`front`: a job a lost judge held, whose user rejoins the
 * rotation first). 0, or -1 out of memory (e is then not queued). No-op if already queued. */
int jobqueue_push(jobqueue_t *self, jq_entry_t *e, bool front);
/* Takes e out of the queue (no-op if not queued). */
void jobqueue_pull(jobqueue_t *self, jq_entry_t *e);
/* Takes e out because a judge got it: its user's turn is over (end of the rotation). */
void jobqueue_take(jobqueue_t *self, jq_entry_t *e);
bool jobqueue_queued(const jq_entry_t *e);
size_t jobqueue_size(const jobqueue_t *self);

/* Walks the queued entries in judging order: the classes, the users in turn, each user's jobs.
 * Any push, pull or take ends the walk (start again with first). */
jq_entry_t *jobqueue_first(jobqueue_t *self);
jq_entry_t *jobqueue_next(jobqueue_t *self);

#endif
