/*  job — compile, run, check one submission (see job.h). */
#include "job.h"
#include "gv_log.h"

#include <czmq.h>
#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define JE_PREFIX "judge error: "

void job_result_clear(job_result_t *res)
{
    free(res->compile_output);
    free(res->tests);
    memset(res, 0, sizeof *res);
}

void job_result_je(job_result_t *res, const char *fmt, ...)
{
    free(res->compile_output);
    free(res->tests);
    memset(res, 0, sizeof *res);
    snprintf(res->verdict, sizeof res->verdict, "JE");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(res->message, sizeof res->message, fmt, ap);
    va_end(ap);
    res->compile_output = zsys_sprintf(JE_PREFIX "%s", res->message);
}

/* Walks the tree under the open directory dfd by descriptors only (openat with O_NOFOLLOW, and
 * checks on what was actually opened), so a program of another slot — same run user — that
 * swaps a directory for a symlink mid-walk cannot make root touch anything outside the tree.
 *   lock == NULL: delete every entry.
 *   lock != NULL: after a compile — root owns everything, lock's group may read (and execute
 *   what was executable), nobody may write. Anything the compile did not make itself (not
 *   owned by the run user, not a regular file or directory, or a hard link to a file
 *   elsewhere) is deleted rather than handed over. */
static int s_walk(int dfd, const runner_user_t *lock, int depth)
{
    int dup_fd = depth < 64 ? fcntl(dfd, F_DUPFD_CLOEXEC, 0) : -1;
    DIR *d = dup_fd >= 0 ? fdopendir(dup_fd) : NULL;
    if (!d) {
        if (dup_fd >= 0)
            close(dup_fd);
        return -1;
    }
    int rc = 0;
    struct dirent *de;
    while (rc == 0 && (de = readdir(d))) {
        const char *name = de->d_name;
        if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
            continue;
        int fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
        struct stat st;
        bool is_dir = fd >= 0 && fstat(fd, &st) == 0 && S_ISDIR(st.st_mode);
        if (is_dir) {
            rc = s_walk(fd, lock, depth + 1);
            if (rc == 0 && lock && (fchown(fd, 0, lock->gid) != 0 || fchmod(fd, 0550) != 0))
                rc = -1;
        } else if (lock && fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
                   st.st_uid == lock->uid && st.st_nlink == 1) {
            mode_t owner = st.st_mode & 0500;
            if (fchown(fd, 0, lock->gid) != 0 || fchmod(fd, owner | (owner >> 3)) != 0)
                rc = -1;
            close(fd);
            continue;
        }
        if (fd >= 0)
            close(fd);
        if (rc == 0 && (!lock || !is_dir) &&
            unlinkat(dfd, name, is_dir ? AT_REMOVEDIR : 0) != 0 && errno != ENOENT)
            rc = -1;
    }
    closedir(d);
    return rc;
}

int job_rmtree(const char *path)
{
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return errno == ENOENT ? 0 : unlink(path) == 0 || errno == ENOENT ? 0 : -1;
    int rc = s_walk(fd, NULL, 0);
    close(fd);
    return rc == 0 && rmdir(path) != 0 && errno != ENOENT ? -1 : rc;
}

static int s_lock_down(const char *dir, const runner_user_t *user)
{
    if (!user->drop)
        return 0; /* not root: the run user is the judge itself, nothing to protect from */
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return -1;
    int rc = s_walk(fd, user, 0);
    if (rc == 0 && (fchown(fd, 0, user->gid) != 0 || fchmod(fd, 0550) != 0))
        rc = -1;
    close(fd);
    return rc;
}

static int s_prepare(const job_spec_t *spec, char *why, size_t whylen)
{
    const runner_user_t *u = spec->user;
    if (job_rmtree(spec->work_dir) != 0 || mkdir(spec->work_dir, 0700) != 0 ||
        (u->drop && chown(spec->work_dir, u->uid, u->gid) != 0)) {
        snprintf(why, whylen, "cannot make work directory %s: %s", spec->work_dir, strerror(errno));
        return -1;
    }
    if (zsys_dir_create("%s", spec->out_dir) != 0 || chmod(spec->out_dir, 0700) != 0) {
        snprintf(why, whylen, "cannot make directory %s: %s", spec->out_dir, strerror(errno));
        return -1;
    }
    char *path = zsys_sprintf("%s/%s", spec->work_dir, spec->lang->source_file);
    int fd = path ? open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600) : -1;
    const char *p = spec->source;
    size_t left = spec->source_len;
    bool ok = fd >= 0 && (!u->drop || fchown(fd, u->uid, u->gid) == 0);
    while (ok && left > 0) {
        ssize_t n = write(fd, p, left);
        if (n < 0 && errno == EINTR)
            continue;
        ok = n > 0;
        p += n > 0 ? n : 0;
        left -= n > 0 ? (size_t)n : 0;
    }
    int e = errno;
    if (fd >= 0)
        close(fd);
    if (!ok)
        snprintf(why, whylen, "cannot write %s: %s", path ? path : "source", strerror(e));
    zstr_free(&path);
    return ok ? 0 : -1;
}

/* Reads at most JOB_COMPILE_OUTPUT_KEEP bytes of a file as valid UTF-8 (bad bytes become
 * '?'), with a note when cut. NULL when empty. */
static char *s_read_log(const char *path, const char *note)
{
    char *buf = malloc(JOB_COMPILE_OUTPUT_KEEP + 256);
    if (!buf)
        return NULL;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    size_t len = 0;
    ssize_t n = 1;
    while (fd >= 0 && len < JOB_COMPILE_OUTPUT_KEEP && n > 0) {
        n = read(fd, buf + len, JOB_COMPILE_OUTPUT_KEEP - len);
        len += n > 0 ? (size_t)n : 0;
    }
    struct stat st;
    bool cut = fd >= 0 && fstat(fd, &st) == 0 && (uint64_t)st.st_size > len;
    if (fd >= 0)
        close(fd);
    for (size_t i = 0; i < len;) { /* keep whole, well-formed UTF-8 sequences only */
        unsigned char c = (unsigned char)buf[i];
        size_t k = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
        bool good = k > 0 && i + k <= len && !(k == 1 && c == 0);
        for (size_t j = 1; good && j < k; j++)
            good = ((unsigned char)buf[i + j] >> 6) == 2;
        if (!good) {
            buf[i++] = '?';
            continue;
        }
        i += k;
    }
    int m = snprintf(buf + len, 256, "%s%s%s", cut ? "\n[compiler output cut at 64 KiB]" : "",
                     note && len ? "\n" : "", note ? note : "");
    len += (size_t)m;
    if (len == 0) {
        free(buf);
        return NULL;
    }
    return buf;
}

static char **s_env(const job_spec_t *spec)
{
    size_t n = 0;
    while (spec->lang->env && spec->lang->env[n])
        n++;
    char **env = calloc(n + 3, sizeof *env);
    if (!env)
        return NULL;
    for (size_t i = 0; i < n; i++)
        env[i] = spec->lang->env[i]; /* borrowed */
    env[n] = zsys_sprintf("HOME=%s", spec->work_dir);
    env[n + 1] = zsys_sprintf("TMPDIR=%s", spec->work_dir);
    if (!env[n] || !env[n + 1]) {
        free(env[n]);
        free(env);
        return NULL;
    }
    return env;
}

static void s_env_free(char **env, const job_spec_t *spec)
{
    size_t n = 0;
    while (spec->lang->env && spec->lang->env[n])
        n++;
    if (env) {
        free(env[n]);
        free(env[n + 1]);
    }
    free(env);
}

static void s_base_spec(const job_spec_t *spec, runner_spec_t *rs, char **env)
{
    runner_spec_init(rs);
    rs->env = env;
    rs->cwd = spec->work_dir;
    rs->max_processes = spec->max_processes;
    rs->cancel_fd = spec->cancel_fd;
    if (spec->user->drop) {
        rs->uid = spec->user->uid;
        rs->gid = spec->user->gid;
    }
}

/* 0 compiled (or nothing to compile), 1 CE, -1 JE/cancelled (res filled). */
static int s_compile(const job_spec_t *spec, char **env, job_result_t *res)
{
    const language_t *l = spec->lang;
    if (!l->compile)
        return 0;
    char **argv = languages_argv(l->compile, l->source_file, JOB_EXE, ".");
    char *log = zsys_sprintf("%s/compile.log", spec->out_dir);
    if (!argv || !log) {
        job_result_je(res, "out of memory");
        languages_argv_free(&argv);
        zstr_free(&log);
        return -1;
    }
    runner_spec_t rs;
    s_base_spec(spec, &rs, env);
    rs.argv = argv;
    rs.stdout_path = rs.stderr_path = log;
    rs.cpu_limit_ms = l->compile_time_limit_ms;
    rs.wall_limit_ms = 2 * l->compile_time_limit_ms + 1000;
    rs.memory_limit_kb = JOB_COMPILE_MEMORY_KB;
    rs.output_limit_bytes = JOB_COMPILE_FILE_LIMIT;
    runner_result_t rr;
    runner_run(&rs, &rr);
    int rc = 0;
    if (rr.cancelled || !runner_healthy()) {
        res->cancelled = true;
        rc = -1;
    } else if (rr.status == RUN_JE) {
        job_result_je(res, "cannot run the compiler: %s", rr.message);
        rc = -1;
    } else {
        char note[320] = "";
        if (rr.status == RUN_TLE || rr.status == RUN_MLE || rr.status == RUN_OLE)
            snprintf(note, sizeof note, "[compilation stopped: %s]", rr.message);
        res->compile_output = s_read_log(log, note[0] ? note : NULL);
        if (rr.status != RUN_OK) {
            snprintf(res->verdict, sizeof res->verdict, "CE");
            snprintf(res->message, sizeof res->message, "compiler: %s", rr.message);
            rc = 1;
        }
    }
    unlink(log);
    languages_argv_free(&argv);
    zstr_free(&log);
    return rc;
}

static const char *s_verdict(runner_status_t s)
{
    switch (s) {
    case RUN_OK: return "AC";
    case RUN_TLE: return "TLE";
    case RUN_MLE: return "MLE";
    case RUN_OLE: return "OLE";
    case RUN_RTE: return "RTE";
    default: return "JE";
    }
}

static void s_tests(const job_spec_t *spec, char **env, job_result_t *res)
{
    char **argv = languages_argv(spec->lang->run, spec->lang->source_file, JOB_EXE, ".");
    char *out = zsys_sprintf("%s/output", spec->out_dir);
    res->tests = calloc(spec->n_tests ? spec->n_tests : 1, sizeof *res->tests);
    if (!argv || !out || !res->tests) {
        job_result_je(res, "out of memory");
        goto done;
    }
    snprintf(res->verdict, sizeof res->verdict, "AC");
    for (size_t i = 0; i < spec->n_tests; i++) {
        const job_test_t *t = &spec->tests[i];
        if (spec->on_test)
            spec->on_test(spec->arg, t->n);
        runner_spec_t rs;
        s_base_spec(spec, &rs, env);
        rs.argv = argv;
        rs.stdin_path = t->input_path;
        rs.stdout_path = out;
        rs.cpu_limit_ms = spec->time_limit_ms;
        rs.wall_limit_ms = 2 * spec->time_limit_ms + 1000;
        rs.memory_limit_kb = spec->memory_limit_kb;
        rs.output_limit_bytes = spec->output_limit_bytes;
        runner_result_t rr;
        runner_run(&rs, &rr);
        if (rr.cancelled || !runner_healthy()) { /* stopping, or no runs possible: no verdict */
            res->cancelled = true;
            goto done;
        }
        if (rr.status == RUN_JE) {
            job_result_je(res, "test %u: %s", t->n, rr.message);
            goto done;
        }
        job_test_result_t *tr = &res->tests[res->n_tests++];
        tr->n = t->n;
        tr->time_ms = rr.wall_killed ? rr.wall_ms : rr.cpu_ms;
        tr->memory_kb = rr.peak_kb;
        snprintf(tr->verdict, sizeof tr->verdict, "%s", s_verdict(rr.status));
        char msg[256] = "";
        if (rr.status == RUN_OK) {
            check_verdict_t cv = checker_run(spec->checker, t->answer_path, out, msg, sizeof msg);
            if (cv == CHECK_FAIL) {
                job_result_je(res, "test %u: checker failed: %s", t->n, msg);
                goto done;
            }
            snprintf(tr->verdict, sizeof tr->verdict, "%s", cv == CHECK_AC ? "AC" : "WA");
        } else {
            snprintf(msg, sizeof msg, "%s", rr.message);
        }
        if (tr->time_ms > res->time_ms)
            res->time_ms = tr->time_ms;
        if (tr->memory_kb > res->memory_kb)
            res->memory_kb = tr->memory_kb;
        if (strcmp(tr->verdict, "AC") != 0) {
            snprintf(res->verdict, sizeof res->verdict, "%s", tr->verdict);
            snprintf(res->message, sizeof res->message, "test %u: %s", t->n, msg);
            break;
        }
    }
done:
    if (out)
        unlink(out);
    languages_argv_free(&argv);
    zstr_free(&out);
}

void job_run(const job_spec_t *spec, job_result_t *res)
{
    memset(res, 0, sizeof *res);
    char why[512];
    char **env = s_env(spec);
    if (!env) {
        job_result_je(res, "out of memory");
        return;
    }
    if (s_prepare(spec, why, sizeof why) != 0) {
        job_result_je(res, "%s", why);
    } else if (s_compile(spec, env, res) == 0) {
        if (s_lock_down(spec->work_dir, spec->user) != 0)
            job_result_je(res, "cannot protect the work directory %s: %s", spec->work_dir,
                          strerror(errno));
        else
            s_tests(spec, env, res);
    }
    s_env_free(env, spec);
    if (res->cancelled) { /* nothing will be reported; keep the result empty */
        job_result_clear(res);
        res->cancelled = true;
    }
}
