/*  dispatch — the broker's soft state about peers, judges and jobs.
 *
 *  Everything here can be lost at any time: peers introduce themselves again when the broker
 *  asks (`broker.who`), judges re-send READY with the jobs they are running, and the durable
 *  judge queue re-offers every unfinished job. The job table is keyed by submission id, so a
 *  re-offer of a job already pending or in flight (same or newer attempt) is ignored.
 *
 *  Load balancing: a job goes to the judge that has been idle longest (least recently used)
 *  among those with a free slot and the job's language. A judge that falls silent for
 *  `liveness` heartbeat intervals is declared lost and its jobs go back to the front of the
 *  queue with attempt+1.
 *
 *  Order of pending jobs (jobqueue.h): by the offer's `class` first — contest (live contest
 *  submissions), then practice, then rejudge (a rejudge never delays a submission someone
 *  waits for) — and within a class round-robin between users (the offer's `user_id`): each
 *  user's jobs wait in sub_id order and the users take turns, so one user's flood delays others
 *  by at most one job per turn. A job re-queued from a lost judge keeps its class and its user
 *  goes first. Class and user come with every offer and re-offer (the submissions actor derives
 *  them from its records), so the order is rebuilt after a broker restart.
 */
#ifndef BROKER_DISPATCH_H
#define BROKER_DISPATCH_H

#include "gv_msg.h"

#include <czmq.h>
#include <stdbool.h>
#include <stdint.h>

typedef struct dispatch dispatch_t;

/* Sends `buf` to the peer with routing id `identity`; returns 0, or -1 if it is unreachable. */
typedef int(dispatch_send_fn)(void *arg, const char *identity, const gv_buf_t *buf);

dispatch_t *dispatch_new(dispatch_send_fn *send, void *arg, uint32_t liveness_ms);
void dispatch_destroy(dispatch_t **self_p);

/* Records that `identity` spoke. Returns true if the peer is known (has said hello). */
bool dispatch_peer_seen(dispatch_t *self, const char *identity);
void dispatch_peer_hello(dispatch_t *self, const char *identity, const gv_msg_t *hello);
/* Forgets a peer whose key was revoked: its jobs go back to the queue (as for a lost judge)
 * and it leaves the node and judge lists. Unknown identities are ignored. */
void dispatch_peer_forget(dispatch_t *self, const char *identity, const char *why);
void dispatch_judge_ready(dispatch_t *self, const char *identity, const gv_msg_t *ready);
void dispatch_offer(dispatch_t *self, const gv_msg_t *offer);
/* A judge.result passing through from `identity`: frees its slot, forgets the job. */
void dispatch_result(dispatch_t *self, const char *identity, const gv_msg_t *result);
/* Declares silent peers lost, re-queues their jobs, sends heartbeats to live peers and
 * dispatches what can be dispatched. Call at least once per heartbeat interval. */
void dispatch_tick(dispatch_t *self, const gv_buf_t *heartbeat);
/* Sends pending jobs to free judges. */
void dispatch_run(dispatch_t *self);

/* Pack reply data for broker.status / broker.judges. */
void dispatch_pack_status(dispatch_t *self, msgpack_packer *pk, const char *broker_name);
void dispatch_pack_judges(dispatch_t *self, msgpack_packer *pk);
size_t dispatch_queue_depth(const dispatch_t *self);
size_t dispatch_inflight(const dispatch_t *self);

#endif
