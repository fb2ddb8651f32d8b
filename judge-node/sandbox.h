/*  sandbox — namespaces, a minimal read-only root, seccomp and cgroups for every run (private
 *  to the launcher, which is single-threaded and root when this is on).
 *
 *  Prepared once, in sandbox_new(): a template mount namespace whose root is a small tmpfs
 *  holding read-only binds of /usr (and /bin, /lib... as the host has them: symlinks or
 *  binds), a minimal /etc (passwd and group with the run uids, ld.so.cache, localtime,
 *  alternatives, the toolchains' config), /dev/{null,zero,full,random,urandom}, and empty
 *  /proc and /tmp; the seccomp filter (seccomp_filter.h); the cgroups (cgroup_slots.h).
 *  Lazily per slot: an empty network namespace (only a loopback that is down).
 *
 *  Per run, sandbox_spawn() clones an init with CLONE_NEWPID|CLONE_NEWIPC|CLONE_NEWUTS. The
 *  init takes detached copies of the run's cwd (writable as its modes allow) and binds
 *  (read-only) while still in the host's mount namespace, enters the slot's network namespace
 *  and a private copy of the template, mounts a fresh tmpfs /tmp (tmp_size_kb) and /proc
 *  (hidepid, host-wide entries masked), a fresh tmpfs on /root or /usr/local when a bind
 *  lies under one (the template keeps both empty), attaches the binds at their own paths and
 *  the cwd at /box (rewriting argv and environment words that name its host path), then
 *  forks the program. The init and the program each start a session of their own (setsid),
 *  so kill(0, sig) by the program reaches only its own process group, never the launcher's.
 *  The program joins the slot's cgroups, unshares a cgroup namespace
 *  (so it sees its cgroups as "/"), gets its rlimits (CPU, file size, open files; stack = memory
 *  limit), drops to the run uid, applies the filter and execs. The init, root and invisible
 *  to the program's uid, waits for it, writes a sandbox_report_t and exits: the kernel then
 *  kills everything left in the pid namespace. The launcher kills the init for wall/CPU
 *  limits and cancels — same effect.
 */
#ifndef SANDBOX_H
#define SANDBOX_H

#include "launcher.h"
#include "runner.h"

#include <stdbool.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/types.h>

typedef struct sandbox sandbox_t;

/* What the init says about the program when it ends by itself. */
typedef struct {
    int32_t status; /* wait status of the program */
    struct rusage ru;
    uint32_t tmp_full; /* LAUNCH_TMP_FULL_* bits: /tmp was full when the program ended */
} sandbox_report_t;

/* Probes and prepares. Never NULL unless out of memory: *iso says what works, and when
 * iso->namespaces is false the launcher runs programs its plain way. */
sandbox_t *sandbox_new(runner_isolation_t *iso);
void sandbox_destroy(sandbox_t **self_p);
bool sandbox_on(const sandbox_t *self);

/* Launcher, before the clone: slot network namespace, cgroup limits and counters, mount
 * points in the template. 0, or -1 with errno and *stage set. */
int sandbox_prepare(sandbox_t *self, const launch_req_t *rq, char *const *binds,
                    launch_stage_t *stage);
/* Clones the init (see above). fds: reply, stdin, stdout, stderr. Setup failures are written
 * to errfd as {stage, errno}; the report goes to resfd. Returns the init's pid, or -1. */
pid_t sandbox_spawn(sandbox_t *self, const launch_req_t *rq, const char *cwd, char *const *argv,
                    char *const *env, char *const *binds, const int fds[LAUNCH_NFDS], int errfd,
                    int resfd);
/* The run's CPU time so far, from its cgroup; -1 when there is no CPU accounting. */
int sandbox_cpu_ns(sandbox_t *self, const launch_req_t *rq, uint64_t *ns);
/* After the run: CPU ns, peak memory bytes, OOM kill (from the cgroup). -1 = not known. */
int sandbox_collect(sandbox_t *self, const launch_req_t *rq, uint64_t *cpu_ns, uint64_t *peak,
                    bool *oom);

#endif
