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

/* Size of a run's /tmp when its spec says 0: cluster.toml's tmp_size_mb (runner_set_tmp_kb). */
static uint64_t s_tmp_default_kb = RUNNER_TMP_DEFAULT_KB;

void runner_set_tmp_kb(uint64_t kb)
{
    s_tmp_default_kb = kb ? kb : RUNNER_TMP_DEFAULT_KB;
}

const char *const runner_hidden_dirs[RUNNER_N_HIDDEN_DIRS + 1] = {"/root", "/usr/local", NULL};

int runner_hidden_dir_of(const char *path)
{
    for (int i = 0; runner_hidden_dirs[i]; i++) {
        size_t n = strlen(runner_hidden_dirs[i]);
        if (strncmp(path, runner_hidden_dirs[i], n) == 0 && path[n] == '/')
            return i;
    }
    return -1;
}

static uint32_t s_tmp_default_inodes = RUNNER_TMP_DEFAULT_INODES;

void runner_set_tmp_inodes(uint32_t inodes)
{
    s_tmp_default_inodes = inodes ? inodes : RUNNER_TMP_DEFAULT_INODES;
}

static int s_ctl = -1;
static pid_t s_launcher = -1;
static atomic_bool s_broken;
static runner_isolation_t s_iso;

void runner_isolation(runner_isolation_t *out)
{
    *out = s_iso;
}

bool runner_isolation_complete(const runner_isolation_t *iso)
{
    return iso->namespaces && iso->seccomp && iso->memory && iso->network_none &&
           iso->separate_user;
}

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
    ssize_t n;
    do
        n = recv(s_ctl, &s_iso, sizeof s_iso, 0);
    while (n < 0 && errno == EINTR);
    if (n != (ssize_t)sizeof s_iso) { /* the launcher died while probing */
        runner_shutdown();
        memset(&s_iso, 0, sizeof s_iso);
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
        snprintf(res->message, sizeof res->message,
                 "wall-clock limit of %u ms reached (CPU time used: %u ms of the %u ms limit)",
                 spec->wall_limit_ms, res->cpu_ms, spec->cpu_limit_ms);
    } else if ((spec->cpu_limit_ms && res->cpu_ms > spec->cpu_limit_ms) || rep->cpu_killed ||
               sig == SIGXCPU) {
        res->status = RUN_TLE;
        snprintf(res->message, sizeof res->message, "CPU time %u ms exceeds the %u ms limit",
                 res->cpu_ms, spec->cpu_limit_ms);
    } else if (rep->oom_killed ||
               (spec->memory_limit_kb && res->peak_kb > spec->memory_limit_kb)) {
        res->status = RUN_MLE;
        snprintf(res->message, sizeof res->message,
                 rep->oom_killed ? "memory limit of %2$llu KiB reached (peak %1$llu KiB)"
                                 : "peak memory %llu KiB exceeds the %llu KiB limit",
                 (unsigned long long)res->peak_kb, (unsigned long long)spec->memory_limit_kb);
    } else if (sig == SIGXFSZ || out_full) {
        res->status = RUN_OLE;
        snprintf(res->message, sizeof res->message, "output reached the %llu byte limit",
                 (unsigned long long)spec->output_limit_bytes);
    } else if (rep->tmp_full) {
        res->status = RUN_OLE;
        unsigned long long mib =
            (spec->tmp_size_kb ? spec->tmp_size_kb : s_tmp_default_kb) / 1024u;
        bool bytes = rep->tmp_full & LAUNCH_TMP_FULL_BYTES;
        bool files = rep->tmp_full & LAUNCH_TMP_FULL_FILES;
        if (bytes && files)
            snprintf(res->message, sizeof res->message,
                     "/tmp is full: %llu MiB and %u files used (cluster.toml tmp_size_mb and "
                     "work_inodes)", mib, s_tmp_default_inodes);
        else if (bytes)
            snprintf(res->message, sizeof res->message,
                     "/tmp is full: all %llu MiB used (cluster.toml tmp_size_mb)", mib);
        else
            snprintf(res->message, sizeof res->message,
                     "/tmp is full: all %u files used (cluster.toml work_inodes)",
                     s_tmp_default_inodes);
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

/* One run handed to the launcher and not yet answered. */
typedef struct {
    const runner_spec_t *spec;
    runner_result_t *res;
    int reply;  /* our end of the reply socket; -1 once answered (or never sent) */
    int out;    /* the stdout we gave it (fstat for the output limit); -1 = none */
    bool done;
    launch_reply_t rep;
} s_pending_t;

/* Sends one request with stdin/stdout/stderr descriptors in, out, err (borrowed). On failure
 * fills p->res (JE) and returns -1. */
static int s_submit(s_pending_t *p, int in, int out, int err, bool aux)
{
    static const size_t hdr = sizeof(launch_req_t);
    const runner_spec_t *spec = p->spec;
    runner_result_t *res = p->res;
    char *buf = malloc(LAUNCH_MAX_REQ);
    int rs[2] = {-1, -1}, rc = -1;
    if (!buf) {
        s_fail(res, "runner: %s: %s", "malloc", ENOMEM);
        goto done;
    }
    launch_req_t rq = {.magic = LAUNCH_MAGIC, .cpu_limit_ms = spec->cpu_limit_ms,
                       .wall_limit_ms = spec->wall_limit_ms, .max_processes = spec->max_processes,
                       .output_limit_bytes = spec->output_limit_bytes,
                       .memory_limit_kb = spec->memory_limit_kb,
                       .uid = (uint32_t)spec->uid, .gid = (uint32_t)spec->gid,
                       .drop = spec->uid != RUNNER_SAME_USER, .slot = spec->slot, .aux = aux,
                       .tmp_size_kb = spec->tmp_size_kb ? spec->tmp_size_kb : s_tmp_default_kb,
                       .tmp_inodes = s_tmp_default_inodes};
    size_t len = hdr;
    int bad = spec->slot >= RUNNER_MAX_SLOTS ||
              s_put(buf, LAUNCH_MAX_REQ, &len, spec->cwd ? spec->cwd : "");
    for (; !bad && spec->argv[rq.argc]; rq.argc++)
        bad = rq.argc >= LAUNCH_MAX_ARGS || s_put(buf, LAUNCH_MAX_REQ, &len, spec->argv[rq.argc]);
    for (; !bad && spec->env && spec->env[rq.envc]; rq.envc++)
        bad = rq.envc >= LAUNCH_MAX_ARGS || s_put(buf, LAUNCH_MAX_REQ, &len, spec->env[rq.envc]);
    for (; !bad && spec->binds && spec->binds[rq.bindc]; rq.bindc++)
        bad = rq.bindc >= LAUNCH_MAX_ARGS || spec->binds[rq.bindc][0] != '/' ||
              s_put(buf, LAUNCH_MAX_REQ, &len, spec->binds[rq.bindc]);
    if (bad) {
        snprintf(res->message, sizeof res->message,
                 "runner: slot out of range, bind path not absolute, or command line, "
                 "environment or binds too long");
        goto done;
    }
    rq.strings_len = (uint32_t)(len - hdr);
    memcpy(buf, &rq, hdr);
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
    p->reply = rs[0];
    rs[0] = -1;
    rc = 0;
done:
    s_close(rs[0]);
    s_close(rs[1]);
    free(buf);
    return rc;
}

/* Sleeps until every submitted run of p[0..n) is answered. A readable cancel_fd of any spec
 * cancels them all: the launcher kills, reaps, then still answers. */
static void s_await(s_pending_t *p, int n)
{
    bool cancelled = false;
    for (;;) {
        struct pollfd pfd[4];
        int idx[4], np = 0;
        for (int i = 0; i < n; i++)
            if (p[i].reply >= 0 && !p[i].done) {
                pfd[np] = (struct pollfd){p[i].reply, POLLIN, 0};
                idx[np++] = i;
            }
        if (np == 0)
            return;
        int first_cancel = np;
        for (int i = 0; i < n && !cancelled; i++)
            if (p[i].spec->cancel_fd >= 0) {
                pfd[np] = (struct pollfd){p[i].spec->cancel_fd, POLLIN, 0};
                idx[np++] = -1;
            }
        int prc = poll(pfd, (nfds_t)np, -1);
        if (prc < 0 && errno == EINTR)
            continue;
        if (prc < 0) {
            for (int i = 0; i < n; i++)
                if (p[i].reply >= 0 && !p[i].done) {
                    s_fail(p[i].res, "runner: %s: %s", "poll", errno);
                    shutdown(p[i].reply, SHUT_RDWR);
                    p[i].done = true;
                }
            return;
        }
        for (int k = first_cancel; k < np; k++)
            if (pfd[k].revents && !cancelled) {
                cancelled = true;
                for (int i = 0; i < n; i++) {
                    p[i].res->cancelled = true;
                    if (p[i].reply >= 0)
                        shutdown(p[i].reply, SHUT_WR);
                }
            }
        for (int k = 0; k < first_cancel; k++) {
            if (!pfd[k].revents)
                continue;
            s_pending_t *q = &p[idx[k]];
            ssize_t got;
            do
                got = recv(q->reply, &q->rep, sizeof q->rep, 0);
            while (got < 0 && errno == EINTR);
            q->done = true;
            if (got != (ssize_t)sizeof q->rep) {
                q->res->status = RUN_JE;
                snprintf(q->res->message, sizeof q->res->message,
                         "runner: the launcher process is gone");
                atomic_store(&s_broken, true);
                q->rep.how = -1;
            }
        }
    }
}

/* Turns an answer into a result. 0 ran, -1 JE. */
static int s_finish_result(s_pending_t *p)
{
    const runner_spec_t *spec = p->spec;
    runner_result_t *res = p->res;
    if (!p->done || p->rep.how < 0)
        return -1; /* message already set */
    if (p->rep.how == LAUNCH_FAILED) {
        if (p->rep.err_stage == STAGE_EXECVE && p->rep.err_errno == ENOMEM &&
            spec->memory_limit_kb) {
            res->status = RUN_MLE; /* the program does not even load within its limit */
            snprintf(res->message, sizeof res->message,
                     "the program cannot be loaded within %llu KiB",
                     (unsigned long long)spec->memory_limit_kb);
            return 0;
        }
        res->status = RUN_JE;
        snprintf(res->message, sizeof res->message, "cannot start %s: %s failed: %s",
                 spec->argv[0], launcher_stage_name(p->rep.err_stage),
                 strerror(p->rep.err_errno));
        return -1;
    }
    s_classify(spec, &p->rep, p->out, res);
    return res->status == RUN_JE ? -1 : 0;
}

static int s_check_spec(const runner_spec_t *spec, runner_result_t *res)
{
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
    return 0;
}

/* Opens stderr: a file of its own, or stdout's descriptor when both name the same path. */
static int s_open_err(const runner_spec_t *spec, int out, runner_result_t *res)
{
    int err;
    if (spec->stderr_path && spec->stdout_path && out >= 0 &&
        strcmp(spec->stderr_path, spec->stdout_path) == 0)
        err = fcntl(out, F_DUPFD_CLOEXEC, 0);
    else
        err = s_open_out(spec->stderr_path);
    if (err < 0)
        s_fail(res, "runner: cannot open %s: %s",
               spec->stderr_path ? spec->stderr_path : "/dev/null", errno);
    return err;
}

int runner_run(const runner_spec_t *spec, runner_result_t *res)
{
    if (s_check_spec(spec, res) != 0)
        return -1;
    int in = -1, out = -1, err = -1, rc = -1;
    s_pending_t p = {.spec = spec, .res = res, .reply = -1, .out = -1};
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
    err = s_open_err(spec, out, res);
    if (err < 0 || s_submit(&p, in, out, err, false) != 0)
        goto done;
    p.out = out;
    s_await(&p, 1);
    rc = s_finish_result(&p);
done:
    s_close(p.reply);
    s_close(in);
    s_close(out);
    s_close(err);
    return rc;
}

int runner_run_interactive(const runner_spec_t *prog, const runner_spec_t *inter,
                           runner_result_t *rprog, runner_result_t *rinter)
{
    int a = s_check_spec(prog, rprog), b = s_check_spec(inter, rinter);
    if (a != 0 || b != 0) {
        if (a == 0)
            snprintf(rprog->message, sizeof rprog->message, "runner: interactor not runnable");
        if (b == 0)
            snprintf(rinter->message, sizeof rinter->message, "runner: program not runnable");
        return -1;
    }
    /* to_inter: prog stdout -> inter stdin; to_prog: inter stdout -> prog stdin */
    int to_inter[2] = {-1, -1}, to_prog[2] = {-1, -1}, perr = -1, ierr = -1, rc = -1;
    s_pending_t p[2] = {{.spec = prog, .res = rprog, .reply = -1, .out = -1},
                        {.spec = inter, .res = rinter, .reply = -1, .out = -1}};
    if (pipe2(to_inter, O_CLOEXEC) != 0 || pipe2(to_prog, O_CLOEXEC) != 0) {
        s_fail(rprog, "runner: %s: %s", "pipe", errno);
        s_fail(rinter, "runner: %s: %s", "pipe", errno);
        goto done;
    }
    if ((perr = s_open_err(prog, -1, rprog)) < 0 || (ierr = s_open_err(inter, -1, rinter)) < 0)
        goto done;
    if (s_submit(&p[0], to_prog[0], to_inter[1], perr, false) != 0)
        goto done;
    if (s_submit(&p[1], to_inter[0], to_prog[1], ierr, true) != 0) {
        shutdown(p[0].reply, SHUT_WR); /* cancel the program: nobody would talk to it */
        rprog->cancelled = true;
    }
    /* Only the runs may hold the pipes now, so each sees EOF when the other ends. */
    for (int i = 0; i < 2; i++) {
        s_close(to_inter[i]);
        s_close(to_prog[i]);
        to_inter[i] = to_prog[i] = -1;
    }
    s_await(p, 2);
    a = s_finish_result(&p[0]);
    b = p[1].reply >= 0 ? s_finish_result(&p[1]) : -1;
    rc = a == 0 && b == 0 ? 0 : -1;
done:
    for (int i = 0; i < 2; i++) {
        s_close(to_inter[i]);
        s_close(to_prog[i]);
        s_close(p[i].reply);
    }
    s_close(perr);
    s_close(ierr);
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
