/*  worker — one judging slot: a thread (zactor) that takes one job at a time from the main
 *  thread, fetches what the job needs through it, runs job_run() and reports.
 *
 *  ZeroMQ sockets are not thread-safe, so only the main thread (judge.c) touches the broker
 *  link. A worker talks to it over its zactor pipe:
 *
 *    main -> worker   "JOB"   + pointer to a gv_msg_t (judge.job; the worker now owns it)
 *                     "REPLY" + pointer to a gv_msg_t (a reply to one of this worker's
 *                               requests; the worker owns it)
 *                     "$TERM" (zactor_destroy): abandon the job, report nothing, exit
 *    worker -> main   "SEND"  + encoded message bytes, to forward to the broker unchanged
 *                     "DONE"  the slot is free again
 *
 *  Replies are routed without any table: the worker puts its slot number in the top 16 bits
 *  of every correlation id it sends (WORKER_CORR), and the main thread reads it back. A reply
 *  the worker is no longer waiting for (late, or for a finished job) is dropped.
 *
 *  Because pointers travel over the pipe, the worker reads its pipe until "$TERM" and frees
 *  every message it gets: nothing sent before "$TERM" leaks.
 */
#ifndef WORKER_H
#define WORKER_H

#include "gv_config.h"
#include "languages.h"
#include "runner.h"
#include "testcache.h"

#include <czmq.h>
#include <stdint.h>

#define WORKER_CORR(slot, seq) ((((uint64_t)(slot) + 1u) << 48) | ((seq) & 0xffffffffffffull))
#define WORKER_CORR_SLOT(corr) ((int64_t)((corr) >> 48) - 1) /* -1: not a worker's */

/* What every worker shares; read-only while workers run (the cache locks itself). */
typedef struct {
    const gv_config_t *cfg;
    const char *name;     /* node name: link identity and `from` of everything we send */
    const languages_t *langs;
    testcache_t *cache;
    const runner_user_t *user;
    const char *node_dir;  /* <data>/<node>: out/<slot> lives here */
    const char *work_root; /* work/<slot> lives here (<data>/<node>/work unless unreachable) */
    int cancel_fd;        /* becomes readable when the judge stops */
    uint32_t max_processes;
    /* Run uids reserved for this judge (uidlock.h), 0 = none (not root, or no sandbox):
     * slot i runs submissions as uid_first + i and checkers/interactors as
     * uid_first + n_slots + i. */
    uint32_t uid_first;
    uint32_t n_slots;
} worker_ctx_t;

/* Starts the thread for slot `slot` (0-based). NULL on failure. Destroy with zactor_destroy. */
zactor_t *worker_new(const worker_ctx_t *ctx, uint32_t slot);

#endif
