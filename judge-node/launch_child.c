/*  launch_child — shared child-side steps of a run (see launch_child.h). */
#include "launch_child.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>

_Noreturn void launch_child_fail(int errfd, launch_stage_t stage)
{
    int32_t msg[2] = {stage, errno};
    (void)!write(errfd, msg, sizeof msg);
    _exit(127);
}

int launch_child_stdio(const int fds[LAUNCH_NFDS], int errfd)
{
    for (int i = 0; i < 3; i++)
        if (dup2(fds[i + 1], i) != i) launch_child_fail(errfd, STAGE_DUP2);
    if (errfd != 3) {
        if (dup3(errfd, 3, O_CLOEXEC) != 3) launch_child_fail(errfd, STAGE_DUP2);
        errfd = 3;
    }
    syscall(SYS_close_range, 4u, ~0u, 0u);
    return errfd;
}

static void s_limit(int res, rlim_t soft, rlim_t hard, int errfd)
{
    struct rlimit rl = {soft, hard};
    if (setrlimit(res, &rl) != 0) launch_child_fail(errfd, STAGE_RLIMIT);
}

void launch_child_rlimits(const launch_req_t *rq, const launch_limits_t *how, int errfd)
{
    rlim_t mem = (rlim_t)rq->memory_limit_kb * 1024u;
    if (rq->cpu_limit_ms) {
        rlim_t secs = (rq->cpu_limit_ms + 999u) / 1000u + 1u;
        s_limit(RLIMIT_CPU, secs, secs + 1, errfd);
    }
    if (how->stack) /* deep recursion is legitimate: only the memory limit bounds it */
        s_limit(RLIMIT_STACK, mem ? mem : RLIM_INFINITY, mem ? mem : RLIM_INFINITY, errfd);
    if (how->address_space && mem) {
        rlim_t as = mem + (rlim_t)LAUNCH_AS_HEADROOM_KB * 1024u;
        s_limit(RLIMIT_AS, as, as, errfd);
    }
    if (rq->output_limit_bytes)
        s_limit(RLIMIT_FSIZE, rq->output_limit_bytes, rq->output_limit_bytes, errfd);
    s_limit(RLIMIT_NOFILE, how->nofile, how->nofile, errfd);
    s_limit(RLIMIT_CORE, 0, 0, errfd);
    if (how->nproc && rq->max_processes)
        s_limit(RLIMIT_NPROC, rq->max_processes, rq->max_processes, errfd);
}

void launch_child_drop(const launch_req_t *rq, int errfd)
{
    if (!rq->drop) return;
    gid_t g = (gid_t)rq->gid;
    if (setgroups(1, &g) != 0) launch_child_fail(errfd, STAGE_SETGROUPS);
    if (setgid(g) != 0) launch_child_fail(errfd, STAGE_SETGID);
    if (setuid((uid_t)rq->uid) != 0) launch_child_fail(errfd, STAGE_SETUID);
}
