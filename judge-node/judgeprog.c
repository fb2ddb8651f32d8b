/*  judgeprog — custom checkers and interactors (see judgeprog.h). */
#include "judgeprog.h"
#include "gv_log.h"

#include <czmq.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define STAGE "t"

struct judgeprog {
    checker_protocol_t protocol;
    const language_t *lang;
    const runner_user_t *user;
    unsigned slot;
    int cancel_fd;
    uint32_t cpu_ms, wall_ms;
    char *dir, *log_path, *stage;
    char **argv; /* the run command with placeholders filled, without the test's arguments */
    char **env;
};

void judgeprog_destroy(judgeprog_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    judgeprog_t *self = *self_p;
    if (self->dir && compile_rmtree(self->dir) != 0)
        gv_warn("cannot remove a checker directory", "dir=%s", self->dir);
    languages_argv_free(&self->argv);
    compile_env_free(&self->env);
    free(self->dir);
    free(self->log_path);
    free(self->stage);
    free(self);
    *self_p = NULL;
}

judgeprog_t *judgeprog_new(const checker_t *desc, const language_t *lang, const void *src,
                           size_t len, const char *dir, const char *log_path,
                           const runner_user_t *user, unsigned slot, int cancel_fd,
                           compilecache_t *cache, uint32_t time_limit_ms, char *why,
                           size_t whylen)
{
    judgeprog_t *self = calloc(1, sizeof *self);
    if (!self || !(self->dir = strdup(dir)) || !(self->log_path = strdup(log_path)) ||
        !(self->stage = zsys_sprintf("%s/" STAGE, dir))) {
        snprintf(why, whylen, "out of memory");
        judgeprog_destroy(&self);
        return NULL;
    }
    self->protocol = desc->protocol;
    self->lang = lang;
    self->user = user;
    self->slot = slot;
    self->cancel_fd = cancel_fd;
    uint64_t cpu = (uint64_t)time_limit_ms * JUDGEPROG_TIME_FACTOR;
    self->cpu_ms = cpu > JUDGEPROG_TIME_MAX_MS ? JUDGEPROG_TIME_MAX_MS : (uint32_t)cpu;
    self->wall_ms = 2 * self->cpu_ms + 1000;
    compile_spec_t cs = {.lang = lang, .source = src, .source_len = len, .dir = dir,
                         .log_path = log_path, .user = user, .slot = slot,
                         .cancel_fd = cancel_fd, .cache = cache};
    compile_result_t cr;
    compile_run(&cs, &cr);
    if (cr.status != COMPILE_OK) {
        snprintf(why, whylen, "%s %s", cr.status == COMPILE_CE ? "does not compile:" : "cannot be built:",
                 cr.status == COMPILE_CE && cr.output ? cr.output : cr.message);
        compile_result_clear(&cr);
        judgeprog_destroy(&self);
        return NULL;
    }
    compile_result_clear(&cr);
    self->argv = languages_argv(lang->run, lang->source_file, COMPILE_EXE, ".");
    self->env = compile_env(lang, dir);
    if (!self->argv || !self->env) {
        snprintf(why, whylen, "out of memory");
        judgeprog_destroy(&self);
    }
    return self;
}

char *judgeprog_read_source(const char *path, size_t max, size_t *len, char *why, size_t whylen)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    char *buf = NULL;
    if (fd < 0 || fstat(fd, &st) != 0 || (uint64_t)st.st_size > max ||
        !(buf = malloc((size_t)st.st_size + 1))) {
        snprintf(why, whylen, "cannot read %s: %s", path,
                 fd < 0 ? strerror(errno) : "too big, or out of memory");
        if (fd >= 0)
            close(fd);
        return NULL;
    }
    size_t got = 0;
    while (got < (size_t)st.st_size) {
        ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    close(fd);
    *len = got;
    return buf;
}

/* Makes dst name the same file as src: a hard link, or a copy when linking fails. */
static int s_place(const char *src, const char *dst)
{
    if (link(src, dst) == 0)
        return 0;
    int in = open(src, O_RDONLY | O_CLOEXEC);
    int out = in >= 0 ? open(dst, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644) : -1;
    int rc = in >= 0 && out >= 0 ? 0 : -1;
    char buf[65536];
    while (rc == 0) {
        ssize_t n = read(in, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            rc = n < 0 ? -1 : 0;
            break;
        }
        for (ssize_t off = 0; rc == 0 && off < n;) {
            ssize_t w = write(out, buf + off, (size_t)(n - off));
            if (w < 0 && errno == EINTR)
                continue;
            rc = w > 0 ? 0 : -1;
            off += w > 0 ? w : 0;
        }
    }
    if (in >= 0)
        close(in);
    if (out >= 0 && close(out) != 0)
        rc = -1;
    return rc;
}

/* Stages one test: t/ (root:group 0750), t/input, t/answer, t/output when given (each
 * readable by the run user), t/feedback/ owned by the run user. */
static int s_stage(judgeprog_t *self, const char *input, const char *answer, const char *output,
                   char *why, size_t whylen)
{
    const runner_user_t *u = self->user;
    const char *names[3] = {"input", "answer", "output"};
    const char *srcs[3] = {input, answer, output};
    int rc = -1;
    char *fb = zsys_sprintf("%s/feedback", self->stage);
    if (!fb || compile_rmtree(self->stage) != 0 || mkdir(self->stage, 0750) != 0 ||
        (u->drop && chown(self->stage, 0, u->gid) != 0) || mkdir(fb, 0700) != 0 ||
        (u->drop && chown(fb, u->uid, u->gid) != 0)) {
        snprintf(why, whylen, "cannot stage the test for the checker in %s: %s", self->stage,
                 strerror(errno));
        goto done;
    }
    for (int i = 0; i < 3; i++) {
        if (!srcs[i])
            continue;
        char *dst = zsys_sprintf("%s/%s", self->stage, names[i]);
        /* the program's output is judge-owned 0600: let the checker read it */
        int bad = !dst || (i == 2 && chmod(srcs[i], 0644) != 0) || s_place(srcs[i], dst) != 0;
        if (bad)
            snprintf(why, whylen, "cannot stage %s for the checker: %s", srcs[i], strerror(errno));
        zstr_free(&dst);
        if (bad)
            goto done;
    }
    rc = 0;
done:
    zstr_free(&fb);
    return rc;
}

/* Reads up to cap-1 bytes of a file the program wrote (no symlinks followed), as printable
 * text on one line. */
static void s_read_msg(const char *path, char *msg, size_t cap)
{
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    struct stat st;
    ssize_t n = fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) ? read(fd, msg, cap - 1) : 0;
    if (fd >= 0)
        close(fd);
    size_t len = n > 0 ? (size_t)n : 0;
    while (len && (msg[len - 1] == '\n' || msg[len - 1] == '\r' || msg[len - 1] == ' '))
        len--;
    msg[len] = '\0';
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)msg[i] < 0x20 || msg[i] == 0x7f)
            msg[i] = ' ';
}

static char **s_argv(judgeprog_t *self, const char *a, const char *b, const char *c)
{
    size_t n = 0;
    while (self->argv[n])
        n++;
    char **v = calloc(n + 4, sizeof *v);
    if (!v)
        return NULL;
    memcpy(v, self->argv, n * sizeof *v); /* borrowed */
    v[n] = (char *)a;
    v[n + 1] = (char *)b;
    v[n + 2] = (char *)c;
    return v;
}

static void s_spec(judgeprog_t *self, runner_spec_t *rs, char **argv)
{
    compile_runner_spec(rs, self->lang, self->env, self->dir, self->user, self->slot,
                        self->cancel_fd);
    rs->argv = argv;
    rs->stderr_path = self->log_path;
    rs->cpu_limit_ms = self->cpu_ms;
    rs->wall_limit_ms = self->wall_ms;
    rs->memory_limit_kb = JUDGEPROG_MEMORY_KB;
    rs->output_limit_bytes = JUDGEPROG_FILE_LIMIT;
    if (rs->max_processes < JUDGEPROG_PROCESSES_MIN)
        rs->max_processes = JUDGEPROG_PROCESSES_MIN;
}

/* The verdict of a finished checker run, with its message in msg. */
static check_verdict_t s_verdict(judgeprog_t *self, const runner_result_t *rr, char *msg,
                                 size_t msglen)
{
    char text[JUDGEPROG_MESSAGE_MAX];
    char *path = self->protocol == CHECKER_KATTIS
                     ? zsys_sprintf("%s/feedback/judgemessage.txt", self->stage)
                     : strdup(self->log_path);
    s_read_msg(path ? path : "/", text, sizeof text);
    if (!text[0] && self->protocol == CHECKER_KATTIS && path) {
        zstr_free(&path);
        path = strdup(self->log_path); /* no feedback: its stderr may say why */
        s_read_msg(path ? path : "/", text, sizeof text);
    }
    zstr_free(&path);
    const char *who = self->protocol == CHECKER_KATTIS ? "validator" : "checker";
    check_verdict_t v = CHECK_FAIL;
    if (rr->status == RUN_OK || (rr->status == RUN_RTE && rr->term_signal == 0)) {
        v = checker_exit_verdict(self->protocol, rr->exit_code);
        if (v == CHECK_FAIL)
            snprintf(msg, msglen, "%s exited with code %d%s%.*s", who, rr->exit_code,
                     text[0] ? ": " : "", (int)(msglen > 64 ? msglen - 64 : 0), text);
        else
            snprintf(msg, msglen, "%s", text);
    } else {
        snprintf(msg, msglen, "%s failed (%s: %s)%s%.*s", who, runner_status_name(rr->status),
                 rr->message, text[0] ? ": " : "", (int)(msglen > 96 ? msglen - 96 : 0), text);
    }
    return v;
}

check_verdict_t judgeprog_check(judgeprog_t *self, const char *input_path,
                                const char *answer_path, const char *output_path, char *msg,
                                size_t msglen, bool *cancelled)
{
    *cancelled = false;
    bool kattis = self->protocol == CHECKER_KATTIS;
    if (s_stage(self, input_path, answer_path, kattis ? NULL : output_path, msg, msglen) != 0)
        return CHECK_FAIL;
    char **argv = kattis ? s_argv(self, STAGE "/input", STAGE "/answer", STAGE "/feedback/")
                         : s_argv(self, STAGE "/input", STAGE "/output", STAGE "/answer");
    if (!argv) {
        snprintf(msg, msglen, "out of memory");
        return CHECK_FAIL;
    }
    runner_spec_t rs;
    s_spec(self, &rs, argv);
    if (kattis)
        rs.stdin_path = output_path;
    runner_result_t rr;
    runner_run(&rs, &rr);
    free(argv);
    if (rr.cancelled || !runner_healthy()) {
        *cancelled = true;
        return CHECK_FAIL;
    }
    if (rr.status == RUN_JE) {
        snprintf(msg, msglen, "cannot run the checker: %s", rr.message);
        return CHECK_FAIL;
    }
    return s_verdict(self, &rr, msg, msglen);
}

int judgeprog_interact(judgeprog_t *self, const runner_spec_t *prog, const char *input_path,
                       const char *answer_path, runner_result_t *rprog, runner_result_t *rinter,
                       check_verdict_t *verdict, char *msg, size_t msglen)
{
    *verdict = CHECK_FAIL;
    memset(rprog, 0, sizeof *rprog);
    memset(rinter, 0, sizeof *rinter);
    rprog->status = rinter->status = RUN_JE;
    if (s_stage(self, input_path, answer_path, NULL, msg, msglen) != 0) {
        snprintf(rinter->message, sizeof rinter->message, "%.200s", msg);
        return -1;
    }
    char **argv = s_argv(self, STAGE "/input", STAGE "/answer", STAGE "/feedback/");
    if (!argv) {
        snprintf(msg, msglen, "out of memory");
        return -1;
    }
    runner_spec_t rs;
    s_spec(self, &rs, argv);
    /* the interactor waits for the submission: give it the submission's wall time too */
    if (prog->wall_limit_ms && rs.wall_limit_ms < prog->wall_limit_ms + 1000)
        rs.wall_limit_ms = prog->wall_limit_ms + 1000;
    int rc = runner_run_interactive(prog, &rs, rprog, rinter);
    free(argv);
    if (rprog->cancelled || rinter->cancelled || !runner_healthy())
        return -1;
    if (rc != 0 && (rprog->status == RUN_JE || rinter->status == RUN_JE)) {
        snprintf(msg, msglen, "cannot run the interaction: %s",
                 rinter->status == RUN_JE ? rinter->message : rprog->message);
        return -1;
    }
    *verdict = s_verdict(self, rinter, msg, msglen);
    return 0;
}
