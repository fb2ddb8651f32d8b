/*  launcher — forks, limits, times and reaps every run (see launcher.h for the protocol).
 *
 *  Single-threaded by construction (forked before the judge makes threads), so between fork
 *  and execve the child may do anything, and there is no lock another thread could hold.
 *
 *  Why a separate process at all: ru_maxrss of a forked child starts at the RSS its parent
 *  had at fork time (the kernel records the pre-exec mm's high-water mark at execve). Forked
 *  from this small process, a run's peak memory is its own.
 *
 *  CPU limit: while a run has one, the launcher reads the run's process CPU clock (the same
 *  sum_exec_runtime that wait4's rusage reports) on a short timer — at most CPU_CHECK_MAX_MS
 *  apart, sooner as the limit nears — and kills the group once it is over. Not ITIMER_PROF:
 *  on this kind of VM, under CPU contention, it fires up to 25% early (SIGPROF at 155 ms of
 *  CPU for a 210 ms timer), which would be a wrong TLE. RLIMIT_CPU (limit + 1 s, whole
 *  seconds) is the backstop, and the wall-clock deadline the one after that.
 */
#include "launcher.h"
#include "launch_child.h"
#include "sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_RUNS 1040 /* cluster.toml allows 1024 slots per judge */
#define CPU_CHECK_MIN_MS 2  /* CPU clock checks: never closer than this... */
#define CPU_CHECK_MAX_MS 50 /* ...nor further apart than this */
/* rlimits mode: RLIMIT_AS gets this on top of the memory limit: interpreters map shared
 * libraries and reserve address space they never touch (python3 starts at ~14 MiB virtual /
 * 9 MiB resident). The verdict itself compares the kernel's peak RSS with the plain limit. */

typedef struct {
    bool used;
    pid_t pid; /* plain runs: also the process group id; sandboxed runs: the init */
    int pidfd, reply_fd;
    bool boxed;      /* sandboxed: the init's report comes on report_fd */
    bool answered;   /* sandboxed: reply sent on the init's report; the init is reaped later */
    bool eof;        /* sandboxed: report_fd hit EOF (init killed): wait for the pidfd */
    int report_fd;
    launch_req_t rq; /* slot, aux, limits: what the sandbox needs to collect */
    uint64_t start_us, deadline_us; /* deadline 0 = none */
    uint64_t cpu_limit_ns, next_cpu_check_us; /* 0 = no CPU limit */
    clockid_t cpu_clock;
    bool killed, wall_killed, cpu_killed, cancelled;
    uint32_t tmp_full; /* the init's report: LAUNCH_TMP_FULL_* */
} run_t;

static run_t s_runs[MAX_RUNS];
static int s_timing = -1; /* GAVEL_JUDGE_TIMING set: per-run phase times on stderr */
static sandbox_t *s_box; /* NULL or off: the plain way (rlimits, user, process group) */

static uint64_t s_now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

const char *launcher_stage_name(int32_t stage)
{
    static const char *const names[] = {"none",   "request", "fork",      "setsid",  "dup2",
                                        "chdir",  "setrlimit", "setgroups",
                                        "setgid", "setuid",  "execve",    "pidfd_open", "busy",
                                        "namespaces", "mount", "cgroup", "seccomp"};
    if (stage < 0 || (size_t)stage >= sizeof names / sizeof names[0])
        return "unknown";
    return names[stage];
}

static void s_reply(int fd, const launch_reply_t *rep)
{
    if (fd >= 0)
        (void)send(fd, rep, sizeof *rep, MSG_NOSIGNAL);
}

static void s_reply_failed(int fd, launch_stage_t stage, int err)
{
    launch_reply_t rep = {.how = LAUNCH_FAILED, .err_stage = stage, .err_errno = err};
    s_reply(fd, &rep);
}

/* ---- child side ------------------------------------------------------------------------- */



/* Never returns. fds: reply, stdin, stdout, stderr (reply is simply left to close_range). */
static void s_child(const launch_req_t *rq, const char *cwd, char **argv, char **env,
                    const int fds[LAUNCH_NFDS], int errfd, pid_t launcher)
{
    static const int reset[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE, SIGCHLD};
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    for (size_t i = 0; i < sizeof reset / sizeof reset[0]; i++)
        signal(reset[i], SIG_DFL);
    prctl(PR_SET_CHILD_SUBREAPER, 0);

    /* Its own session and process group: kill(0, sig) reaches only the run's processes,
     * never the launcher's group (the judge, other runs of the same uid). */
    if (setsid() < 0)
        launch_child_fail(errfd, STAGE_SETSID);
    /* fds[] and errfd are all >= 3 (the launcher keeps 0-2 open), so dup2 cannot clobber. */
    errfd = launch_child_stdio(fds, errfd);
    if (cwd[0] && chdir(cwd) != 0)
        launch_child_fail(errfd, STAGE_CHDIR);
    /* No cgroups here: the address space bounds memory (with headroom), RLIMIT_NPROC
     * processes (per uid!). */
    const launch_limits_t how = {.address_space = true, .stack = false, .nproc = true,
                                 .nofile = 64};
    launch_child_rlimits(rq, &how, errfd);
    launch_child_drop(rq, errfd);
    /* After the uid change, which clears it. If the launcher is gone already, give up. */
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != launcher)
        _exit(127);

    execve(argv[0], argv, env);
    launch_child_fail(errfd, STAGE_EXECVE);
}

/* ---- launcher side ---------------------------------------------------------------------- */

/* Splits the NUL-separated strings into cwd, argv[], env[] (pointers into buf). */
static int s_parse(const launch_req_t *rq, char *buf, size_t len, const char **cwd, char **argv,
                   char **env, char **binds)
{
    if (rq->argc < 1 || rq->argc > LAUNCH_MAX_ARGS || rq->envc > LAUNCH_MAX_ARGS ||
        rq->bindc > LAUNCH_MAX_ARGS || len == 0 || buf[len - 1] != '\0')
        return -1;
    size_t want = 1 + rq->argc + rq->envc + rq->bindc, got = 0;
    char *p = buf, *end = buf + len;
    while (p < end && got < want) {
        if (got == 0)
            *cwd = p;
        else if (got <= rq->argc)
            argv[got - 1] = p;
        else if (got <= rq->argc + rq->envc)
            env[got - 1 - rq->argc] = p;
        else
            binds[got - 1 - rq->argc - rq->envc] = p;
        got++;
        p += strlen(p) + 1;
    }
    if (got != want)
        return -1;
    argv[rq->argc] = NULL;
    env[rq->envc] = NULL;
    binds[rq->bindc] = NULL;
    return 0;
}

static void s_close_fds(int *fds, int n)
{
    for (int i = 0; i < n; i++)
        if (fds[i] >= 0)
            close(fds[i]);
}

static void s_kill_run(run_t *run)
{
    if (!run->killed)
        kill(run->boxed ? run->pid : -run->pid, SIGKILL); /* init: its pid namespace dies */
    run->killed = true;
}

/* Kills the run if its CPU time is over the limit; otherwise schedules the next look, no
 * later than when the limit could be reached by one busy thread. */
static void s_cpu_check(run_t *run, uint64_t now)
{
    struct timespec ts;
    uint64_t used = 0;
    bool known = run->boxed ? sandbox_cpu_ns(s_box, &run->rq, &used) == 0
                            : clock_gettime(run->cpu_clock, &ts) == 0;
    if (!run->cpu_limit_ns || run->killed || !known) {
        run->next_cpu_check_us = 0;
        return;
    }
    if (!run->boxed)
        used = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
    if (used > run->cpu_limit_ns) {
        run->cpu_killed = true;
        run->next_cpu_check_us = 0;
        s_kill_run(run);
        return;
    }
    uint64_t left_ms = (run->cpu_limit_ns - used) / 1000000u + 1;
    if (left_ms < CPU_CHECK_MIN_MS)
        left_ms = CPU_CHECK_MIN_MS;
    if (left_ms > CPU_CHECK_MAX_MS)
        left_ms = CPU_CHECK_MAX_MS;
    run->next_cpu_check_us = now + left_ms * 1000u;
}

static void s_spawn(const launch_req_t *rq, char *strings, size_t len, int fds[LAUNCH_NFDS])
{
    static char *argv[LAUNCH_MAX_ARGS + 1], *env[LAUNCH_MAX_ARGS + 1], *binds[LAUNCH_MAX_ARGS + 1];
    const char *cwd = "";
    run_t *run = NULL;
    for (int i = 0; i < MAX_RUNS && !run; i++)
        if (!s_runs[i].used)
            run = &s_runs[i];
    if (!run) {
        s_reply_failed(fds[0], STAGE_BUSY, EAGAIN);
        goto drop;
    }
    if (s_parse(rq, strings, len, &cwd, argv, env, binds) != 0) {
        s_reply_failed(fds[0], STAGE_REQUEST, EINVAL);
        goto drop;
    }
    bool boxed = sandbox_on(s_box);
    launch_stage_t stage;
    uint64_t t_prep = s_now_us();
    if (boxed && sandbox_prepare(s_box, rq, binds, &stage) != 0) {
        s_reply_failed(fds[0], stage, errno);
        goto drop;
    }
    int errpipe[2], report[2] = {-1, -1};
    if (pipe2(errpipe, O_CLOEXEC) != 0) {
        s_reply_failed(fds[0], STAGE_FORK, errno);
        goto drop;
    }
    if (boxed && pipe2(report, O_CLOEXEC | O_NONBLOCK) != 0) {
        s_reply_failed(fds[0], STAGE_FORK, errno);
        close(errpipe[0]);
        close(errpipe[1]);
        goto drop;
    }
    pid_t self = getpid();
    uint64_t start = s_now_us();
    pid_t pid;
    if (boxed) {
        pid = sandbox_spawn(s_box, rq, cwd, argv, env, binds, fds, errpipe[1], report[1]);
        close(report[1]);
    } else if ((pid = fork()) == 0) {
        close(errpipe[0]);
        s_child(rq, cwd, argv, env, fds, errpipe[1], self);
    }
    int fork_errno = errno;
    close(errpipe[1]);
    if (pid < 0) {
        close(errpipe[0]);
        if (report[0] >= 0)
            close(report[0]);
        s_reply_failed(fds[0], STAGE_FORK, fork_errno);
        goto drop;
    }
    /* Blocks only until execve (the child runs nothing but our setup code before it). */
    int32_t msg[2];
    ssize_t n;
    do
        n = read(errpipe[0], msg, sizeof msg);
    while (n < 0 && errno == EINTR);
    close(errpipe[0]);
    if (s_timing < 0)
        s_timing = getenv("GAVEL_JUDGE_TIMING") != NULL;
    if (s_timing)
        fprintf(stderr, "TIMING launcher prepare_us=%llu spawn_to_exec_us=%llu argv0=%s\n",
                (unsigned long long)(start - t_prep), (unsigned long long)(s_now_us() - start),
                argv[0]);
    if (n == (ssize_t)sizeof msg) {
        if (boxed)
            kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        if (report[0] >= 0)
            close(report[0]);
        s_reply_failed(fds[0], msg[0], msg[1]);
        goto drop;
    }
    int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
    if (pidfd < 0) {
        int e = errno;
        kill(boxed ? pid : -pid, SIGKILL);
        waitpid(pid, NULL, 0);
        if (report[0] >= 0)
            close(report[0]);
        s_reply_failed(fds[0], STAGE_PIDFD, e);
        goto drop;
    }
    s_close_fds(fds + 1, LAUNCH_NFDS - 1);
    *run = (run_t){.used = true, .pid = pid, .pidfd = pidfd, .reply_fd = fds[0],
                   .boxed = boxed, .report_fd = report[0], .rq = *rq, .start_us = start,
                   .deadline_us = rq->wall_limit_ms ? start + rq->wall_limit_ms * 1000ull : 0};
    if (rq->cpu_limit_ms && (boxed || clock_getcpuclockid(pid, &run->cpu_clock) == 0)) {
        run->cpu_limit_ns = rq->cpu_limit_ms * 1000000ull;
        s_cpu_check(run, s_now_us());
    }
    return;
drop:
    s_close_fds(fds, LAUNCH_NFDS);
}

/* True when pid belongs to a run still going: a plain run's group, or a sandboxed run's init
 * (which stays in our own group). */
static bool s_is_active(pid_t pid, pid_t pgid)
{
    for (int i = 0; i < MAX_RUNS; i++)
        if (s_runs[i].used && (s_runs[i].pid == pgid || (s_runs[i].boxed && s_runs[i].pid == pid)))
            return true;
    return false;
}

/* Kills and reaps every child of ours that belongs to no running run: processes that left
 * their run's group (setsid, setpgid) and were orphaned to us. Needs /proc/<pid>/task/<tid>/
 * children (CONFIG_PROC_CHILDREN); without it, escapees are only reaped, not hunted. */
static void s_sweep_orphans(void)
{
    for (int pass = 0; pass < 64; pass++) {
        char path[64], buf[4096];
        snprintf(path, sizeof path, "/proc/self/task/%d/children", (int)getpid());
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            break;
        ssize_t n = read(fd, buf, sizeof buf - 1);
        close(fd);
        if (n <= 0)
            break;
        buf[n] = '\0';
        int victims = 0;
        for (char *p = buf, *next; *p; p = next) {
            long pid = strtol(p, &next, 10);
            if (next == p)
                break;
            pid_t pgid = getpgid((pid_t)pid);
            if (pid <= 0 || (pgid >= 0 && s_is_active((pid_t)pid, pgid)))
                continue;
            kill((pid_t)pid, SIGKILL);
            waitpid((pid_t)pid, NULL, 0);
            victims++;
        }
        if (!victims)
            break;
    }
}

/* The run's leader has exited (pidfd readable). Kill what is left of its group, reap it all,
 * then answer. The group is killed before the leader is reaped, so its id cannot have been
 * reused by then. */
static void s_answer(run_t *run, int status, bool have_status, const struct rusage *ru,
                     uint64_t end)
{
    launch_reply_t rep = {0};
    uint64_t cg_cpu = 0, cg_peak = 0;
    bool oom = false, cg = run->boxed && sandbox_collect(s_box, &run->rq, &cg_cpu, &cg_peak,
                                                         &oom) == 0;
    if (have_status && WIFSIGNALED(status)) {
        rep.how = LAUNCH_SIGNALED;
        rep.term_signal = WTERMSIG(status);
    } else {
        rep.how = LAUNCH_EXITED;
        rep.exit_code = have_status ? WEXITSTATUS(status) : -1;
    }
    uint64_t cpu_us = (uint64_t)ru->ru_utime.tv_sec * 1000000u + (uint64_t)ru->ru_utime.tv_usec +
                      (uint64_t)ru->ru_stime.tv_sec * 1000000u + (uint64_t)ru->ru_stime.tv_usec;
    rep.cpu_ms = (uint32_t)(cpu_us / 1000u);
    rep.wall_ms = (uint32_t)((end - run->start_us) / 1000u);
    rep.peak_kb = ru->ru_maxrss > 0 ? (uint64_t)ru->ru_maxrss : 0;
    if (cg && cg_cpu)
        rep.cpu_ms = (uint32_t)(cg_cpu / 1000000u);
    if (cg && cg_peak)
        rep.peak_kb = cg_peak / 1024u;
    rep.oom_killed = oom;
    rep.wall_killed = run->wall_killed;
    rep.cpu_killed = run->cpu_killed;
    rep.tmp_full = run->tmp_full;
    s_reply(run->reply_fd, &rep); /* a cancelling client waits for it: then all is dead */
    close(run->reply_fd);
    run->reply_fd = -1;
    run->answered = true;
}

/* Sandboxed run: the init's report arrived (it has killed and reaped everything else in its
 * namespace first), or the init is gone without one (killed: limits, cancel). Answer now;
 * the init itself is reaped when its pidfd says so, off the client's critical path (its
 * namespaces take a while to tear down). */
static void s_boxed_answer(run_t *run, uint64_t end)
{
    sandbox_report_t sr;
    struct rusage none;
    memset(&none, 0, sizeof none);
    bool have = run->report_fd >= 0 && read(run->report_fd, &sr, sizeof sr) == (ssize_t)sizeof sr;
    if (!have && run->used) {
        /* EOF without a report: the init is dying (killed). Its descriptors close before the
         * kernel has killed the rest of its pid namespace, so answer only once its pidfd says
         * it is gone (s_finish): that comes after the whole namespace is dead. */
        if (!run->killed) {
            kill(run->pid, SIGKILL);
            run->killed = true;
        }
        run->eof = true;
        return;
    }
    if (run->report_fd >= 0)
        close(run->report_fd);
    run->report_fd = -1;
    /* Without a report the init was SIGKILLed, and its namespace with it. */
    run->tmp_full = have ? sr.tmp_full : 0;
    s_answer(run, have ? sr.status : SIGKILL, true, have ? &sr.ru : &none, end);
}

/* The run's leader (plain) or init (sandboxed) has exited (pidfd readable). Kill what is left
 * of a plain run's group, reap it all, then answer. The group is killed before the leader is
 * reaped, so its id cannot have been reused by then. */
static void s_finish(run_t *run)
{
    if (!run->answered)
        kill(run->boxed ? run->pid : -run->pid, SIGKILL);
    struct rusage ru;
    int status = 0;
    memset(&ru, 0, sizeof ru);
    pid_t r;
    do
        r = wait4(run->pid, &status, 0, &ru);
    while (r < 0 && errno == EINTR);
    uint64_t end = s_now_us();
    siginfo_t si;
    if (!run->boxed)
        while (waitid(P_PGID, (id_t)run->pid, &si, WEXITED) == 0 || errno == EINTR)
            ;
    close(run->pidfd);
    run->used = false;
    s_sweep_orphans();
    if (run->answered)
        return;
    if (run->boxed)
        s_boxed_answer(run, end);
    else
        s_answer(run, status, r == run->pid, &ru, end);
}

/* Reads one request with its descriptors. Returns 1 handled, 0 EOF, -1 error (ignored). */
static int s_read_request(int ctl)
{
    static char buf[LAUNCH_MAX_REQ];
    union {
        char raw[CMSG_SPACE(sizeof(int) * LAUNCH_NFDS)];
        struct cmsghdr align;
    } cbuf;
    struct iovec iov = {buf, sizeof buf};
    struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf.raw,
                        .msg_controllen = sizeof cbuf.raw};
    ssize_t n = recvmsg(ctl, &mh, MSG_CMSG_CLOEXEC);
    if (n == 0)
        return 0;
    if (n < 0)
        return errno == EINTR || errno == EAGAIN ? 1 : 0;
    int fds[LAUNCH_NFDS] = {-1, -1, -1, -1};
    int nfds = 0;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
            int k = (int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
            for (int i = 0; i < k; i++) {
                int fd;
                memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof fd);
                if (nfds < LAUNCH_NFDS)
                    fds[nfds++] = fd;
                else
                    close(fd);
            }
        }
    }
    launch_req_t rq;
    if (nfds != LAUNCH_NFDS || (mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) ||
        (size_t)n < sizeof rq) {
        s_reply_failed(fds[0], STAGE_REQUEST, EINVAL);
        s_close_fds(fds, nfds);
        return 1;
    }
    memcpy(&rq, buf, sizeof rq);
    if (rq.magic != LAUNCH_MAGIC || rq.strings_len != (size_t)n - sizeof rq) {
        s_reply_failed(fds[0], STAGE_REQUEST, EINVAL);
        s_close_fds(fds, nfds);
        return 1;
    }
    s_spawn(&rq, buf + sizeof rq, rq.strings_len, fds);
    return 1;
}

static void s_shutdown_all(void)
{
    for (int i = 0; i < MAX_RUNS; i++) {
        if (s_runs[i].used) {
            s_kill_run(&s_runs[i]);
            s_runs[i].cancelled = true;
            s_finish(&s_runs[i]);
        }
    }
}

static void s_main(int ctl)
{
    struct pollfd pfd[1 + 3 * MAX_RUNS];
    int which[1 + 3 * MAX_RUNS];
    for (;;) {
        int np = 0;
        pfd[np] = (struct pollfd){ctl, POLLIN, 0};
        which[np++] = -1;
        uint64_t now = s_now_us(), next = 0;
        for (int i = 0; i < MAX_RUNS; i++) {
            run_t *r = &s_runs[i];
            if (!r->used)
                continue;
            pfd[np] = (struct pollfd){r->pidfd, POLLIN, 0};
            which[np++] = i;
            if (r->answered)
                continue; /* only its init is left to reap */
            if (!r->cancelled) { /* the client closing its end is the cancel signal */
                pfd[np] = (struct pollfd){r->reply_fd, POLLIN, 0};
                which[np++] = MAX_RUNS + i;
            }
            if (r->boxed && !r->eof) {
                pfd[np] = (struct pollfd){r->report_fd, POLLIN, 0};
                which[np++] = 2 * MAX_RUNS + i;
            }
            if (r->deadline_us && !r->killed && (!next || r->deadline_us < next))
                next = r->deadline_us;
            if (r->next_cpu_check_us && (!next || r->next_cpu_check_us < next))
                next = r->next_cpu_check_us;
        }
        int timeout = -1;
        if (next)
            timeout = next <= now ? 0 : (int)((next - now + 999) / 1000);
        int rc = poll(pfd, (nfds_t)np, timeout);
        if (rc < 0 && errno != EINTR)
            break;
        for (int k = 0; rc > 0 && k < np; k++) {
            if (!pfd[k].revents)
                continue;
            if (which[k] < 0) {
                if (s_read_request(ctl) == 0)
                    goto out;
            } else if (which[k] >= 2 * MAX_RUNS) {
                run_t *r = &s_runs[which[k] - 2 * MAX_RUNS];
                if (r->used && !r->answered)
                    s_boxed_answer(r, s_now_us());
            } else if (which[k] >= MAX_RUNS) {
                run_t *r = &s_runs[which[k] - MAX_RUNS];
                if (r->used && !r->cancelled && !r->answered) {
                    r->cancelled = true;
                    s_kill_run(r);
                }
            } else if (s_runs[which[k]].used) {
                s_finish(&s_runs[which[k]]);
            }
        }
        now = s_now_us();
        for (int i = 0; i < MAX_RUNS; i++) {
            run_t *r = &s_runs[i];
            if (r->used && r->answered)
                continue;
            if (r->used && r->next_cpu_check_us && now >= r->next_cpu_check_us)
                s_cpu_check(r, now);
            if (r->used && r->deadline_us && !r->killed && now >= r->deadline_us) {
                r->wall_killed = true;
                s_kill_run(r);
            }
        }
    }
out:
    s_shutdown_all();
}

pid_t launcher_start(int *ctl_fd)
{
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0)
        return -1;
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0) {
        close(sv[0]);
        close(sv[1]);
        return -1;
    }
    if (pid > 0) {
        close(sv[1]);
        *ctl_fd = sv[0];
        return pid;
    }
    /* The launcher. It must never return into the judge's code, and exits with _exit so that
     * nothing inherited (atexit handlers, sanitizer leak checks) runs twice. */
    prctl(PR_SET_NAME, "gavel-launcher");
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent)
        _exit(0);
    prctl(PR_SET_CHILD_SUBREAPER, 1);
    signal(SIGINT, SIG_IGN); /* the judge decides when we stop: by closing the socket */
    signal(SIGTERM, SIG_IGN);
    signal(SIGHUP, SIG_IGN);
    signal(SIGPIPE, SIG_IGN);
    signal(SIGCHLD, SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    int ctl = sv[1];
    close(sv[0]);
    if (ctl != 3) {
        if (dup3(ctl, 3, O_CLOEXEC) != 3)
            _exit(1);
        ctl = 3;
    }
    syscall(SYS_close_range, 4u, ~0u, 0u);
    runner_isolation_t iso;
    s_box = sandbox_new(&iso);
    if (!s_box)
        _exit(1);
    if (send(ctl, &iso, sizeof iso, MSG_NOSIGNAL) != (ssize_t)sizeof iso)
        _exit(1);
    s_main(ctl);
    sandbox_destroy(&s_box);
    _exit(0);
}
