/*  runner — client side of the launcher, verdict classification, run-user helpers.
 *
 *  runner_run() costs, on top of the plain fork/exec the launcher does: three open()s, one
 *  socketpair, one sendmsg with four descriptors and one recv. No shell, no polling loop: the
 *  calling thread sleeps in poll() until the launcher answers.
 */
#include "runner.h"
#include "launcher.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* RLIMIT_AS gets this on top of the memory limit: interpreters map shared libraries and
 * reserve address space they never touch (python3 starts at ~14 MiB virtual / 9 MiB
 * resident). The verdict itself compares the kernel's peak RSS with the plain limit. */
#define RUNNER_AS_HEADROOM_KB (64u * 1024u)

static int s_ctl = -1;
static pid_t s_launcher = -1;
static atomic_bool s_broken;

bool runner_healthy(void)
{
    return s_ctl >= 0 && !atomic_load(&s_broken);
}

const char *runner_status_name(runner_status_t s)
{
    static const char *const names[] = {"OK", "TLE", "MLE", "RTE", "OLE", "JE"};
    return (unsigned)s < sizeof names / sizeof names[0] ? names[s] : "JE";
}

void runner_spec_init(runner_spec_t *spec)
{
    memset(spec, 0, sizeof *spec);
    spec->uid = RUNNER_SAME_USER;
    spec->gid = (gid_t)-1;
    spec->cancel_fd = -1;
}

int runner_init(void)
{
    if (s_ctl >= 0)
        return 0;
    s_launcher = launcher_start(&s_ctl);
    if (s_launcher < 0) {
        s_ctl = -1;
        return -1;
    }
    return 0;
}

void runner_shutdown(void)
{
    if (s_ctl < 0)
        return;
    close(s_ctl);
    s_ctl = -1;
    while (waitpid(s_launcher, NULL, 0) < 0 && errno == EINTR)
        ;
    s_launcher = -1;
}

static void s_fail(runner_result_t *res, const char *fmt, const char *what, int err)
{
    res->status = RUN_JE;
    snprintf(res->message, sizeof res->message, fmt, what, strerror(err));
}

/* Appends s and its NUL to buf; -1 when it does not fit. */
static int s_put(char *buf, size_t cap, size_t *len, const char *s)
{
    size_t n = strlen(s) + 1;
    if (*len + n > cap)
        return -1;
    memcpy(buf + *len, s, n);
    *len += n;
    return 0;
}

static void s_close(int fd)
{
    if (fd >= 0)
        close(fd);
}

static int s_open_out(const char *path)
{
    if (!path)
        return open("/dev/null", O_WRONLY | O_CLOEXEC);
    return open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
}

static void s_classify(const runner_spec_t *spec, const launch_reply_t *rep, int out_fd,
                       runner_result_t *res)
{
    res->exit_code = rep->exit_code;
    res->term_signal = rep->how == LAUNCH_SIGNALED ? rep->term_signal : 0;
    res->cpu_ms = rep->cpu_ms;
    res->wall_ms = rep->wall_ms;
    res->peak_kb = rep->peak_kb;
    res->wall_killed = rep->wall_killed != 0;
    int sig = res->term_signal;
    struct stat st;
    bool out_full = spec->output_limit_bytes && spec->stdout_path && fstat(out_fd, &st) == 0 &&
                    (uint64_t)st.st_size >= spec->output_limit_bytes;

    if (res->cancelled) {
        res->status = RUN_JE;
        snprintf(res->message, sizeof res->message, "run cancelled (the judge is stopping)");
    } else if (res->wall_killed) {
        res->status = RUN_TLE;
        snprintf(res->message, sizeof res->message, "wall-clock limit of %u ms reached",
                 spec->wall_limit_ms);
    } else if ((spec->cpu_limit_ms && res->cpu_ms > spec->cpu_limit_ms) || rep->cpu_killed ||
               sig == SIGXCPU) {
        res->status = RUN_TLE;
        snprintf(res->message, sizeof res->message, "CPU time %u ms exceeds the %u ms limit",
                 res->cpu_ms, spec->cpu_limit_ms);
    } else if (spec->memory_limit_kb && res->peak_kb > spec->memory_limit_kb) {
        res->status = RUN_MLE;
        snprintf(res->message, sizeof res->message, "peak memory %llu KiB exceeds the %llu KiB limit",
                 (unsigned long long)res->peak_kb, (unsigned long long)spec->memory_limit_kb);
    } else if (sig == SIGXFSZ || out_full) {
        res->status = RUN_OLE;
        snprintf(res->message, sizeof res->message, "output reached the %llu byte limit",
                 (unsigned long long)spec->output_limit_bytes);
    } else if (sig) {
        res->status = RUN_RTE;
        snprintf(res->message, sizeof res->message, "killed by signal %d (%s)", sig,
                 sigabbrev_np(sig) ? sigabbrev_np(sig) : "?");
    } else if (res->exit_code != 0) {
        res->status = RUN_RTE;
        snprintf(res->message, sizeof res->message, "exit code %d", res->exit_code);
    } else {
        res->status = RUN_OK;
    }
}

int runner_run(const runner_spec_t *spec, runner_result_t *res)
{
    static const size_t hdr = sizeof(launch_req_t);
    memset(res, 0, sizeof *res);
    res->status = RUN_JE;
    if (!spec || !spec->argv || !spec->argv[0]) {
        snprintf(res->message, sizeof res->message, "runner: no program given");
        return -1;
    }
    if (s_ctl < 0) {
        snprintf(res->message, sizeof res->message, "runner: runner_init() was not called");
        return -1;
    }
    char *buf = malloc(LAUNCH_MAX_REQ);
    int rs[2] = {-1, -1}, in = -1, out = -1, err = -1;
    int rc = -1;
    if (!buf) {
        s_fail(res, "runner: %s: %s", "malloc", ENOMEM);
        goto done;
    }
    launch_req_t rq = {.magic = LAUNCH_MAGIC, .cpu_limit_ms = spec->cpu_limit_ms,
                       .wall_limit_ms = spec->wall_limit_ms, .max_processes = spec->max_processes,
                       .output_limit_bytes = spec->output_limit_bytes,
                       .memory_limit_kb = spec->memory_limit_kb
                                              ? spec->memory_limit_kb + RUNNER_AS_HEADROOM_KB
                                              : 0,
                       .uid = (uint32_t)spec->uid, .gid = (uint32_t)spec->gid,
                       .drop = spec->uid != RUNNER_SAME_USER};
    size_t len = hdr;
    int bad = s_put(buf, LAUNCH_MAX_REQ, &len, spec->cwd ? spec->cwd : "");
    for (; !bad && spec->argv[rq.argc]; rq.argc++)
        bad = rq.argc >= LAUNCH_MAX_ARGS || s_put(buf, LAUNCH_MAX_REQ, &len, spec->argv[rq.argc]);
    for (; !bad && spec->env && spec->env[rq.envc]; rq.envc++)
        bad = rq.envc >= LAUNCH_MAX_ARGS || s_put(buf, LAUNCH_MAX_REQ, &len, spec->env[rq.envc]);
    if (bad) {
        snprintf(res->message, sizeof res->message, "runner: command line or environment too long");
        goto done;
    }
    rq.strings_len = (uint32_t)(len - hdr);
    memcpy(buf, &rq, hdr);

    in = open(spec->stdin_path ? spec->stdin_path : "/dev/null", O_RDONLY | O_CLOEXEC);
    if (in < 0) {
        s_fail(res, "runner: cannot open input %s: %s",
               spec->stdin_path ? spec->stdin_path : "/dev/null", errno);
        goto done;
    }
    out = s_open_out(spec->stdout_path);
    if (out < 0) {
        s_fail(res, "runner: cannot open output %s: %s",
               spec->stdout_path ? spec->stdout_path : "/dev/null", errno);
        goto done;
    }
    if (spec->stderr_path && spec->stdout_path && strcmp(spec->stderr_path, spec->stdout_path) == 0)
        err = fcntl(out, F_DUPFD_CLOEXEC, 0);
    else
        err = s_open_out(spec->stderr_path);
    if (err < 0) {
        s_fail(res, "runner: cannot open %s: %s",
               spec->stderr_path ? spec->stderr_path : "/dev/null", errno);
        goto done;
    }
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, rs) != 0) {
        s_fail(res, "runner: %s: %s", "socketpair", errno);
        goto done;
    }

    int fds[LAUNCH_NFDS] = {rs[1], in, out, err};
    union {
        char raw[CMSG_SPACE(sizeof fds)];
        struct cmsghdr align;
    } cbuf;
    memset(&cbuf, 0, sizeof cbuf);
    struct iovec iov = {buf, len};
    struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf.raw,
                        .msg_controllen = sizeof cbuf.raw};
    struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof fds);
    memcpy(CMSG_DATA(c), fds, sizeof fds);
    ssize_t n;
    do
        n = sendmsg(s_ctl, &mh, MSG_NOSIGNAL);
    while (n < 0 && errno == EINTR);
    if (n < 0) {
        s_fail(res, "runner: the launcher process is gone (%s: %s)", "sendmsg", errno);
        atomic_store(&s_broken, true);
        goto done;
    }
    close(rs[1]);
    rs[1] = -1;

    struct pollfd pfd[2] = {{rs[0], POLLIN, 0}, {spec->cancel_fd, POLLIN, 0}};
    for (;;) {
        int prc = poll(pfd, spec->cancel_fd >= 0 && !res->cancelled ? 2 : 1, -1);
        if (prc < 0 && errno == EINTR)
            continue;
        if (prc < 0) {
            s_fail(res, "runner: %s: %s", "poll", errno);
            shutdown(rs[0], SHUT_RDWR);
            goto done;
        }
        if (pfd[0].revents)
            break;
        if (pfd[1].revents) { /* cancel: the launcher kills, reaps, then still answers */
            res->cancelled = true;
            shutdown(rs[0], SHUT_WR);
        }
    }
    launch_reply_t rep;
    do
        n = recv(rs[0], &rep, sizeof rep, 0);
    while (n < 0 && errno == EINTR);
    if (n != (ssize_t)sizeof rep) {
        snprintf(res->message, sizeof res->message, "runner: the launcher process is gone");
        atomic_store(&s_broken, true);
        goto done;
    }
    if (rep.how == LAUNCH_FAILED) {
        if (rep.err_stage == STAGE_EXECVE && rep.err_errno == ENOMEM && spec->memory_limit_kb) {
            res->status = RUN_MLE; /* the program does not even load within its limit */
            snprintf(res->message, sizeof res->message,
                     "the program cannot be loaded within %llu KiB",
                     (unsigned long long)spec->memory_limit_kb);
            rc = 0;
        } else {
            res->status = RUN_JE;
            snprintf(res->message, sizeof res->message, "cannot start %s: %s failed: %s",
                     spec->argv[0], launcher_stage_name(rep.err_stage), strerror(rep.err_errno));
        }
        goto done;
    }
    s_classify(spec, &rep, out, res);
    rc = res->status == RUN_JE ? -1 : 0;
done:
    s_close(rs[0]);
    s_close(rs[1]);
    s_close(in);
    s_close(out);
    s_close(err);
    free(buf);
    return rc;
}

int runner_user_lookup(const char *name, runner_user_t *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    if (geteuid() != 0) {
        out->uid = geteuid();
        out->gid = getegid();
        out->drop = false;
        struct passwd *me = getpwuid(out->uid);
        snprintf(out->name, sizeof out->name, "%s", me ? me->pw_name : "self");
        return 0;
    }
    if (!name || !*name)
        name = "nobody";
    char pwbuf[4096];
    struct passwd pw, *found = NULL;
    int e = getpwnam_r(name, &pw, pwbuf, sizeof pwbuf, &found);
    if (e != 0 || !found) {
        snprintf(err, errlen,
                 "run_user `%s` does not exist on this host: create it (useradd --system %s) "
                 "or set another run_user for this judge in cluster.toml",
                 name, name);
        return -1;
    }
    if (found->pw_uid == 0) {
        snprintf(err, errlen, "run_user `%s` is root: submissions must run unprivileged", name);
        return -1;
    }
    out->uid = found->pw_uid;
    out->gid = found->pw_gid;
    out->drop = true;
    snprintf(out->name, sizeof out->name, "%s", name);
    return 0;
}

static bool s_may(const struct stat *st, const runner_user_t *u, mode_t usr, mode_t grp,
                  mode_t oth)
{
    if (st->st_uid == u->uid)
        return (st->st_mode & usr) != 0;
    if (st->st_gid == u->gid)
        return (st->st_mode & grp) != 0;
    return (st->st_mode & oth) != 0;
}

static bool s_user_can(const runner_user_t *user, const char *path, bool dir)
{
    if (!user->drop)
        return access(path, X_OK) == 0;
    char *real = realpath(path, NULL);
    if (!real)
        return false;
    bool ok = true;
    struct stat st;
    for (char *p = real + 1; ok; p++) { /* every directory on the way must be searchable */
        char *slash = strchr(p, '/');
        if (!slash)
            break;
        *slash = '\0';
        ok = stat(real, &st) == 0 && S_ISDIR(st.st_mode) &&
             s_may(&st, user, S_IXUSR, S_IXGRP, S_IXOTH);
        *slash = '/';
        p = slash;
    }
    if (ok)
        ok = stat(real, &st) == 0 && (dir ? S_ISDIR(st.st_mode) : S_ISREG(st.st_mode)) &&
             s_may(&st, user, S_IXUSR, S_IXGRP, S_IXOTH);
    free(real);
    return ok;
}

bool runner_user_can_exec(const runner_user_t *user, const char *path)
{
    return s_user_can(user, path, false);
}

bool runner_user_can_enter(const runner_user_t *user, const char *dir)
{
    return s_user_can(user, dir, true);
}
