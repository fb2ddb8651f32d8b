/*  judge — a judge node's main thread: owns the broker link, announces READY, hands jobs to
 *  slot workers and relays what they send.
 *
 *  On every (re)connection (gv_link_take_reintroduce) it sends `judge.ready` {name, host,
 *  languages, language_info, slots, running, isolation} to `broker`. A `judge.job` goes to a
 *  free slot (or waits in a queue if the broker sent more than we have slots); a `reply` goes
 *  to the slot named in its correlation id (worker.h). Nothing here blocks: the loop sleeps in
 *  one zmq_poll over the link, the workers' pipes and a signal fd, so a job starts the moment
 *  it arrives.
 *
 *  Files: <data>/<node>/cache (test data, 0700), work/<slot> (the program's cwd), out/<slot>
 *  (judge-only output files), work/probe (language probes). The run user must be able to
 *  reach work/ by path; when a parent directory forbids it, work/ moves to a private
 *  directory under /tmp (with a warning) rather than failing every Python submission.
 */
#ifndef JUDGE_H
#define JUDGE_H

#include "gv_config.h"

#include <stddef.h>

typedef struct judge judge_t;

/* Sets everything up (directories, run user, languages, cache, workers, link). NULL with a
 * sentence in err on failure. The config must outlive the judge. */
judge_t *judge_new(const gv_config_t *cfg, const char *name, char *err, size_t errlen);
/* Cancels running jobs (they are not reported: the broker requeues them) and frees. */
void judge_destroy(judge_t **self_p);

/* Runs until `stop_fd` becomes readable (a signalfd for SIGTERM/SIGINT). 0 / -1. */
int judge_run(judge_t *self, int stop_fd);

#endif
