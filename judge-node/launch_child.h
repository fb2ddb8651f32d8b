/*  launch_child — the steps a run's process takes between fork and execve, shared by the
 *  plain launcher (launcher.c) and the sandbox (sandbox.c): stdio onto 0-2 with the error
 *  channel on 3, rlimits, dropping to the run's uid, and reporting a failed step.
 *
 *  Everything here runs in a freshly forked (or vforked) child: only async-signal-safe calls,
 *  no allocation. A failing step writes {stage, errno} to the error channel and _exits 127.
 */
#ifndef LAUNCH_CHILD_H
#define LAUNCH_CHILD_H

#include "launcher.h"

#include <stdbool.h>
#include <sys/resource.h>

/* RLIMIT_AS headroom over the memory limit, when the address space is what bounds memory. */
#define LAUNCH_AS_HEADROOM_KB (64u * 1024u)

_Noreturn void launch_child_fail(int errfd, launch_stage_t stage);

/* Puts fds[1..3] on 0..2 and the error channel on 3 (close-on-exec), closes everything above.
 * fds[] and errfd must all be >= 3. Returns the error channel's new descriptor (3). */
int launch_child_stdio(const int fds[LAUNCH_NFDS], int errfd);

typedef struct {
    bool address_space; /* bound memory with RLIMIT_AS (no memory cgroup) */
    bool stack;         /* RLIMIT_STACK = the memory limit (unlimited when there is none) */
    bool nproc;         /* RLIMIT_NPROC = max_processes (no pids cgroup) */
    rlim_t nofile;      /* RLIMIT_NOFILE */
} launch_limits_t;

/* CPU (limit rounded up + 1 s), file size (output limit), open files, no core dumps, and what
 * `how` asks for. */
void launch_child_rlimits(const launch_req_t *rq, const launch_limits_t *how, int errfd);

/* setgroups/setgid/setuid to the run's uid when rq->drop. */
void launch_child_drop(const launch_req_t *rq, int errfd);

#endif
