/*  test_judge_runner — the runner's verdicts, limits and clean-up, with real programs.
 *
 *  A helper program (compiled with gcc at start, through the runner itself) does one
 *  misbehaviour per mode: busy loop, sleep with a child and an escaped (setsid) grandchild,
 *  allocate, write, exit. Runs as "nobody" when the test runs as root.
 *
 *  The same checks hold in both runner modes (the sandbox when the judge can isolate, else
 *  rlimits); where the two differ on purpose (memory), the test says which is which. The
 *  sandbox's own isolation is tested in test_judge_sandbox.
 *
 *  Memory (rlimits mode): a program that touches memory past its limit gets MLE, because the
 *  verdict is the kernel's peak RSS (ru_maxrss) compared with the limit, and RLIMIT_AS is set
 *  64 MiB above the limit so touched pages can pass the limit before an allocation fails. A program that
 *  asks for far more than limit + headroom in one allocation gets NULL from malloc (RLIMIT_AS)
 *  before touching anything: what happens next is the program's choice — the helper exits 4,
 *  so that is RTE, with a small peak.
 */
#include "runner.h"
#include "gv_test.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *HELPER_SRC =
    "#define _GNU_SOURCE\n"
    "#include <stdio.h>\n#include <stdlib.h>\n#include <string.h>\n#include <unistd.h>\n"
    "int main(int argc, char **argv) {\n"
    "  const char *m = argc > 1 ? argv[1] : \"\"; long n = argc > 2 ? atol(argv[2]) : 0;\n"
    "  if (!strcmp(m, \"busy\")) { volatile unsigned long x = 0; for (;;) x++; }\n"
    "  if (!strcmp(m, \"sleep\") || !strcmp(m, \"forkexit\")) {\n"
    "    pid_t c = fork(); if (c == 0) { for (;;) pause(); }\n"
    "    pid_t e = fork(); if (e == 0) { setsid(); for (;;) pause(); }\n"
    "    printf(\"%d %d\\n\", (int)c, (int)e); fflush(stdout);\n"
    "    if (!strcmp(m, \"forkexit\")) return 0;\n"
    "    for (;;) pause(); }\n"
    "  if (!strcmp(m, \"alloc\")) { for (long i = 0; i < n; i++) { char *p = malloc(1 << 20);\n"
    "      if (!p) return 5; memset(p, 1, 1 << 20); } return 0; }\n"
    "  if (!strcmp(m, \"reserve\")) { char *p = malloc((size_t)n << 20); if (!p) return 4;\n"
    "      p[0] = 1; printf(\"%d\\n\", p[0]); return 0; }\n"
    "  if (!strcmp(m, \"bigalloc\")) { char *p = malloc((size_t)n << 20); if (!p) return 4;\n"
    "      memset(p, 1, (size_t)n << 20); return 0; }\n"
    "  if (!strcmp(m, \"write\")) { static char b[65536]; memset(b, 'x', sizeof b);\n"
    "      while (n > 0) { long k = n < 65536 ? n : 65536; if (write(1, b, k) < 0) return 6; n -= k; }\n"
    "      return 0; }\n"
    "  if (!strcmp(m, \"ids\")) { printf(\"%d %d\\n\", (int)getuid(), (int)getgid()); return 0; }\n"
    "  if (!strcmp(m, \"both\")) { fputs(\"out\\n\", stdout); fflush(stdout);\n"
    "      fputs(\"err\\n\", stderr); return 0; }\n"
    "  if (!strcmp(m, \"session\")) { printf(\"%d %d\\n\", getsid(0) == getpid(), getpgrp() == getpid());\n"
    "      return 0; }\n"
    "  if (!strcmp(m, \"exit\")) return (int)n;\n"
    "  return 0; }\n";

static char s_dir[] = "/tmp/gv-runner-XXXXXX";
static char s_helper[256], s_out[256];
static runner_user_t s_user;

static void s_write(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    fputs(text, f);
    fclose(f);
}

static char *s_read(const char *path)
{
    static char buf[4096];
    buf[0] = '\0';
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return buf;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    buf[n > 0 ? n : 0] = '\0';
    close(fd);
    return buf;
}

/* A spec for the helper as the run user, with generous limits unless changed. */
static runner_spec_t s_spec(char **argv)
{
    runner_spec_t s;
    runner_spec_init(&s);
    s.argv = argv;
    s.cwd = s_dir;
    s.stdout_path = s_out;
    s.cpu_limit_ms = 2000;
    s.wall_limit_ms = 5000;
    s.memory_limit_kb = 256 * 1024;
    s.output_limit_bytes = 1 << 20;
    if (s_user.drop) {
        s.uid = s_user.uid;
        s.gid = s_user.gid;
    }
    return s;
}

static bool s_boxed; /* the sandbox is on: runs are in their own pid namespace */
#define BOX_UID 60990  /* sandbox mode: the tests' run uid, used by nothing else */

/* Processes on the host owned by uid. */
static int s_uid_procs(uid_t uid)
{
    DIR *d = opendir("/proc");
    int n = 0;
    for (struct dirent *de; d && (de = readdir(d));) {
        char path[300];
        struct stat st;
        snprintf(path, sizeof path, "/proc/%s", de->d_name);
        if (de->d_name[0] >= '1' && de->d_name[0] <= '9' && stat(path, &st) == 0 &&
            st.st_uid == uid)
            n++;
    }
    if (d)
        closedir(d);
    return n;
}

/* A pid the program printed is gone. In the sandbox the pid is one of its own namespace,
 * meaningless here: then no process of the run uid may be left at all. */
static bool s_gone(pid_t pid)
{
    if (s_boxed)
        return pid > 0 && s_uid_procs(BOX_UID) == 0;
    return pid > 0 && kill(pid, 0) != 0 && errno == ESRCH;
}

static void test_true_ok(void)
{
    char *argv[] = {"/bin/true", NULL};
    runner_spec_t s = s_spec(argv);
    runner_result_t r;
    CHECK(runner_run(&s, &r) == 0);
    CHECK(r.status == RUN_OK);
    CHECK(r.exit_code == 0 && r.term_signal == 0);
    CHECK(r.peak_kb > 0 && r.peak_kb < 8 * 1024);
}

static void test_exit_code_rte(void)
{
    char *argv[] = {s_helper, "exit", "3", NULL};
    runner_spec_t s = s_spec(argv);
    runner_result_t r;
    runner_run(&s, &r);
    CHECK(r.status == RUN_RTE);
    CHECK(r.exit_code == 3);
    CHECK_CONTAINS(r.message, "exit code 3");
}

static void test_signal_rte(void)
{
    char *argv[] = {"/bin/sh", "-c", "kill -SEGV $$", NULL};
    runner_spec_t s = s_spec(argv);
    runner_result_t r;
    runner_run(&s, &r);
    CHECK(r.status == RUN_RTE);
    CHECK(r.term_signal == SIGSEGV);
}

static void test_busy_loop_cpu_tle_quickly(void)
{
    char *argv[] = {s_helper, "busy", NULL};
    runner_spec_t s = s_spec(argv);
    s.cpu_limit_ms = 200;
    s.wall_limit_ms = 2 * 200 + 1000;
    runner_result_t r;
    runner_run(&s, &r);
    CHECK(r.status == RUN_TLE);
    if (r.cpu_ms < 200 || r.cpu_ms >= 400 || r.wall_killed)
        printf("     busy: cpu_ms=%u wall_ms=%u wall_killed=%d signal=%d\n", r.cpu_ms, r.wall_ms,
               r.wall_killed, r.term_signal);
    CHECK(!r.wall_killed);
    CHECK(r.cpu_ms >= 200 && r.cpu_ms < 400); /* the CPU timer stopped it, within a tick */
}

static void test_sleep_wall_tle_kills_everything(void)
{
    char *argv[] = {s_helper, "sleep", NULL};
    runner_spec_t s = s_spec(argv);
    s.cpu_limit_ms = 100;
    s.wall_limit_ms = 300;
    runner_result_t r;
    runner_run(&s, &r);
    CHECK(r.status == RUN_TLE);
    CHECK(r.wall_killed);
    CHECK(r.wall_ms >= 300 && r.wall_ms < 1500);
    int child = 0, escaped = 0;
    CHECK(sscanf(s_read(s_out), "%d %d", &child, &escaped) == 2);
    CHECK(s_gone(child));   /* same process group */
    CHECK(s_gone(escaped)); /* left the group with setsid(): swept as an orphan */
}

static void test_leader_exits_children_die(void)
{
    char *argv[] = {s_helper, "forkexit", NULL};
    runner_spec_t s = s_spec(argv);
    runner_result_t r;
    runner_run(&s, &r);
    CHECK(r.status == RUN_OK);
    int child = 0, escaped = 0;
    CHECK(sscanf(s_read(s_out), "%d %d", &child, &escaped) == 2);
    CHECK(s_gone(child));
    CHECK(s_gone(escaped));
}

static void test_output_limit_ole(void)
{
    char *argv[] = {s_helper, "write", "3000000", NULL};
    runner_spec_t s = s_spec(argv);
    s.output_limit_bytes = 1 << 20;
    runner_result_t r;
    runner_run(&s, &r);
    CHECK(r.status == RUN_OLE);
    struct stat st;
    CHECK(stat(s_out, &st) == 0 && st.st_size <= (1 << 20));
    char *ok[] = {s_helper, "write", "1000", NULL};
    s = s_spec(ok);
    runner_run(&s, &r);
    CHECK(r.status == RUN_OK);
}

static void test_memory_touch_mle(void)
{
    char *argv[] = {s_helper, "alloc", "200", NULL}; /* 200 MiB touched, limit 64 MiB */
    runner_spec_t s = s_spec(argv);
    s.memory_limit_kb = 64 * 1024;
    runner_result_t r;
    runner_run(&s, &r);
    CHECK(r.status == RUN_MLE);
    CHECK(r.peak_kb >= 64 * 1024); /* the cgroup stops at the limit; RSS may pass it */
    char *fits[] = {s_helper, "alloc", "16", NULL};
    s = s_spec(fits);
    s.memory_limit_kb = 64 * 1024;
    runner_run(&s, &r);
    CHECK(r.status == RUN_OK);
    CHECK(r.peak_kb >= 16 * 1024 && r.peak_kb < 32 * 1024);
}

/* Sandbox (memory cgroup, no RLIMIT_AS): asking is free, touching is what counts — a 1 GiB
 * malloc left untouched is fine under a 64 MiB limit, touching it is MLE. Rlimits mode:
 * malloc returns NULL under RLIMIT_AS and the helper exits 4 (RTE) with a small peak. */
static void test_memory_huge_malloc_untouched_vs_touched(void)
{
    char *reserve[] = {s_helper, "reserve", "1024", NULL};
    runner_spec_t s = s_spec(reserve);
    s.memory_limit_kb = 64 * 1024;
    runner_result_t r;
    runner_run(&s, &r);
    CHECK(r.status == (s_boxed ? RUN_OK : RUN_RTE));
    CHECK(r.peak_kb < 64 * 1024);
    char *touch[] = {s_helper, "bigalloc", "1024", NULL};
    s = s_spec(touch);
    s.memory_limit_kb = 64 * 1024;
    runner_run(&s, &r);
    CHECK(r.status == (s_boxed ? RUN_MLE : RUN_RTE));
    if (!s_boxed)
        CHECK(r.exit_code == 4);
}

static void test_peak_is_the_programs_not_ours(void)
{
    size_t big = 200u << 20; /* make this process large; runs fork from the launcher */
    char *p = malloc(big);
    memset(p, 1, big);
    char *argv[] = {"/bin/true", NULL};
    runner_spec_t s = s_spec(argv);
    runner_result_t r;
    runner_run(&s, &r);
    CHECK(r.status == RUN_OK);
    CHECK(r.peak_kb < 16 * 1024);
    free(p);
}

static void test_runs_as_run_user(void)
{
    char *argv[] = {s_helper, "ids", NULL};
    runner_spec_t s = s_spec(argv);
    runner_result_t r;
    runner_run(&s, &r);
    CHECK(r.status == RUN_OK);
    int uid = -1, gid = -1;
    CHECK(sscanf(s_read(s_out), "%d %d", &uid, &gid) == 2);
    CHECK(uid == (int)s_user.uid && gid == (int)s_user.gid);
    if (geteuid() == 0)
        CHECK(uid != 0);
}

static void test_stdin_and_shared_stderr(void)
{
    char in[300];
    snprintf(in, sizeof in, "%s/in.txt", s_dir);
    s_write(in, "hello judge\n");
    char *cat[] = {"/bin/cat", NULL};
    runner_spec_t s = s_spec(cat);
    s.stdin_path = in;
    runner_result_t r;
    runner_run(&s, &r);
    CHECK(r.status == RUN_OK);
    CHECK_STR(s_read(s_out), "hello judge\n");

    char *both[] = {s_helper, "both", NULL};
    s = s_spec(both);
    s.stderr_path = s_out;
    runner_run(&s, &r);
    CHECK(r.status == RUN_OK);
    CHECK_STR(s_read(s_out), "out\nerr\n");
}

static void test_exec_failure_is_je(void)
{
    char *argv[] = {"/nonexistent/program", NULL};
    runner_spec_t s = s_spec(argv);
    runner_result_t r;
    CHECK(runner_run(&s, &r) == -1);
    CHECK(r.status == RUN_JE);
    CHECK_CONTAINS(r.message, "execve");
    char *none[] = {NULL};
    s = s_spec(none);
    CHECK(runner_run(&s, &r) == -1 && r.status == RUN_JE);
}

static void *s_cancel_later(void *arg)
{
    struct timespec ts = {0, 150 * 1000000};
    nanosleep(&ts, NULL);
    uint64_t one = 1;
    (void)!write(*(int *)arg, &one, sizeof one);
    return NULL;
}

static void test_cancel(void)
{
    int efd = eventfd(0, EFD_CLOEXEC);
    char *argv[] = {s_helper, "sleep", NULL};
    runner_spec_t s = s_spec(argv);
    s.cancel_fd = efd;
    pthread_t t;
    pthread_create(&t, NULL, s_cancel_later, &efd);
    runner_result_t r;
    CHECK(runner_run(&s, &r) == -1);
    pthread_join(t, NULL);
    CHECK(r.status == RUN_JE && r.cancelled);
    CHECK(r.wall_ms < 2000);
    int child = 0, escaped = 0;
    CHECK(sscanf(s_read(s_out), "%d %d", &child, &escaped) == 2);
    CHECK(s_gone(child) && s_gone(escaped));
    close(efd);
}

typedef struct {
    char out[300];
    unsigned slot; /* one run per slot at a time: the slot's cgroup measures it */
    runner_result_t r;
} par_t;

static void *s_parallel_run(void *arg)
{
    par_t *p = arg;
    char *argv[] = {s_helper, "alloc", "8", NULL};
    runner_spec_t s = s_spec(argv);
    s.stdout_path = p->out;
    s.slot = p->slot;
    runner_run(&s, &p->r);
    return NULL;
}

static void test_parallel_runs(void)
{
    par_t p[4];
    pthread_t t[4];
    for (int i = 0; i < 4; i++) {
        snprintf(p[i].out, sizeof p[i].out, "%s/par%d", s_dir, i);
        p[i].slot = (unsigned)i;
        pthread_create(&t[i], NULL, s_parallel_run, &p[i]);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(t[i], NULL);
        if (p[i].r.status != RUN_OK)
            printf("     run %d: %s %s\n", i, runner_status_name(p[i].r.status), p[i].r.message);
        CHECK(p[i].r.status == RUN_OK);
        CHECK(p[i].r.peak_kb >= 8 * 1024);
    }
}

static void test_overhead(void)
{
    char *argv[] = {"/bin/true", NULL};
    runner_spec_t s = s_spec(argv);
    runner_result_t r;
    enum { N = 200 };
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    for (int i = 0; i < N; i++)
        runner_run(&s, &r);
    clock_gettime(CLOCK_MONOTONIC, &b);
    double us = ((double)(b.tv_sec - a.tv_sec) * 1e6 + (double)(b.tv_nsec - a.tv_nsec) / 1e3) / N;
    printf("     runner overhead: %.0f us per /bin/true run\n", us);
    CHECK(r.status == RUN_OK);
    CHECK(us < 20000);
}

static void test_user_lookup(void)
{
    runner_user_t u;
    char err[256] = "";
    CHECK(runner_user_lookup("nobody", &u, err, sizeof err) == 0);
    if (geteuid() == 0) {
        CHECK(u.drop && u.uid != 0);
        CHECK(runner_user_lookup("root", &u, err, sizeof err) == -1);
        CHECK_CONTAINS(err, "root");
        CHECK(runner_user_lookup("no-such-user-gavel", &u, err, sizeof err) == -1);
        CHECK_CONTAINS(err, "does not exist");
        CHECK(!runner_user_can_exec(&s_user, "/root/.bashrc-nonexistent"));
    } else {
        CHECK(!u.drop && u.uid == geteuid());
    }
    CHECK(runner_user_can_exec(&s_user, "/bin/sh"));
}

/* The interactor asks for numbers, the program doubles them: each one's stdout is the other's
 * stdin, and both results come back. */
static void test_interactive_pipes_connect_both_ways(void)
{
    char *prog_argv[] = {"/bin/sh", "-c", "while read x; do echo $((x * 2)); done", NULL};
    char *inter_argv[] = {"/bin/sh", "-c",
                          "for i in 1 2 3; do echo $i; read y; echo \"got $y\" >&2; done", NULL};
    char err_path[300];
    snprintf(err_path, sizeof err_path, "%s/inter.err", s_dir);
    runner_spec_t p = s_spec(prog_argv), i = s_spec(inter_argv);
    i.stderr_path = err_path;
    runner_result_t rp, ri;
    CHECK(runner_run_interactive(&p, &i, &rp, &ri) == 0);
    CHECK(rp.status == RUN_OK && ri.status == RUN_OK);
    CHECK_STR(s_read(err_path), "got 2\ngot 4\ngot 6\n");
}

/* The interactor stops early: the program, still writing, gets SIGPIPE (or EOF), and an idle
 * program's wall limit still bounds the pair. */
static void test_interactive_one_ends_the_other_sees_it(void)
{
    char *prog_argv[] = {"/bin/sh", "-c", "while :; do echo spam; done", NULL};
    char *inter_argv[] = {"/bin/sh", "-c", "read x; exit 1", NULL};
    runner_spec_t p = s_spec(prog_argv), i = s_spec(inter_argv);
    runner_result_t rp, ri;
    CHECK(runner_run_interactive(&p, &i, &rp, &ri) == 0);
    CHECK(ri.status == RUN_RTE && ri.exit_code == 1);
    CHECK(rp.status == RUN_RTE || rp.status == RUN_OK);
    CHECK(rp.wall_ms < 3000);

    char *idle[] = {"/bin/sleep", "10", NULL}; /* writes nothing: no SIGPIPE race */
    char *quit[] = {"/bin/true", NULL};
    p = s_spec(idle);
    p.wall_limit_ms = 300;
    i = s_spec(quit);
    CHECK(runner_run_interactive(&p, &i, &rp, &ri) == 0);
    CHECK(rp.status == RUN_TLE && rp.wall_killed);
    if (rp.status != RUN_TLE)
        printf("     prog: %s %s\n", runner_status_name(rp.status), rp.message);
    CHECK(ri.status == RUN_OK);
}

/* A run leads its own session and process group (its own pid inside a pid namespace), so
 * kill(0, sig) reaches nothing of the judge's. */
static void test_program_leads_its_own_session_and_group(void)
{
    char *argv[] = {s_helper, "session", NULL};
    runner_spec_t s = s_spec(argv);
    runner_result_t r;
    CHECK(runner_run(&s, &r) == 0 && r.status == RUN_OK);
    CHECK_STR(s_read(s_out), "1 1\n");
}

/* Both runs of an interaction as the same uid (the worst case): the program ignores SIGTERM
 * and sends it to its process group; the interactor must not get it. */
static void test_interactive_group_kill_spares_the_interactor(void)
{
    char *prog_argv[] = {"/bin/sh", "-c", "trap '' TERM; read x; kill -TERM 0; sleep 0.3; echo done",
                         NULL};
    char *inter_argv[] = {"/bin/sh", "-c", "echo go; read y; echo \"got $y\" >&2", NULL};
    char err_path[300];
    snprintf(err_path, sizeof err_path, "%s/inter.err", s_dir);
    runner_spec_t p = s_spec(prog_argv), i = s_spec(inter_argv);
    i.stderr_path = err_path;
    runner_result_t rp, ri;
    CHECK(runner_run_interactive(&p, &i, &rp, &ri) == 0);
    CHECK(rp.status == RUN_OK);
    CHECK(ri.status == RUN_OK && ri.term_signal == 0);
    if (ri.status != RUN_OK)
        printf("     interactor: %s %s\n", runner_status_name(ri.status), ri.message);
    CHECK_STR(s_read(err_path), "got done\n");
}

/* A canary outside every run, in the launcher's own process group (ours) and as the run's
 * uid: a program that ignores SIGTERM and signals its group must not reach it. (No kill(-1)
 * here: in rlimits mode that reaches every process of the uid on the host, by design.) In
 * the sandbox both use CANARY_UID, so the canary never counts as a leftover of BOX_UID. */
#define CANARY_UID 60991
static void test_group_kill_spares_a_canary_outside_the_run(void)
{
    uid_t uid = s_boxed && s_user.drop ? CANARY_UID : s_user.uid;
    pid_t canary = fork();
    if (canary == 0) {
        if (s_user.drop && (setgid((gid_t)uid) != 0 || setuid(uid) != 0))
            _exit(1);
        for (;;)
            pause();
    }
    CHECK(canary > 0 && getpgid(canary) == getpgrp());
    char *argv[] = {"/bin/sh", "-c", "trap '' TERM HUP; kill -TERM 0; kill -HUP 0; sleep 0.2",
                    NULL};
    runner_spec_t s = s_spec(argv);
    if (s_user.drop)
        s.uid = s.gid = uid;
    runner_result_t r;
    CHECK(runner_run(&s, &r) == 0 && r.status == RUN_OK);
    struct timespec ts = {0, 100 * 1000 * 1000};
    nanosleep(&ts, NULL);
    int status = 0;
    CHECK(waitpid(canary, &status, WNOHANG) == 0); /* still alive */
    kill(canary, SIGKILL);
    waitpid(canary, NULL, 0);
}

/* Last: kill the launcher as the OOM killer might; runs become JE and the runner says it is
 * no longer healthy, so a judge stops instead of failing every job. */
static void test_launcher_death_detected(void)
{
    CHECK(runner_healthy());
    char path[64], buf[256] = "";
    snprintf(path, sizeof path, "/proc/self/task/%d/children", (int)getpid());
    FILE *f = fopen(path, "r");
    if (!f || !fgets(buf, sizeof buf, f)) {
        if (f)
            fclose(f);
        return;
    }
    fclose(f);
    pid_t launcher = (pid_t)atoi(buf);
    CHECK(launcher > 0 && kill(launcher, SIGKILL) == 0);
    char *argv[] = {"/bin/true", NULL};
    runner_spec_t s = s_spec(argv);
    runner_result_t r;
    waitpid(launcher, NULL, 0); /* it is our child: reap it, so it is surely gone */
    runner_run(&s, &r);
    CHECK(r.status == RUN_JE);
    CHECK(!runner_healthy());
    CHECK_CONTAINS(r.message, "launcher");
}

int main(void)
{
    if (runner_init() != 0) {
        fprintf(stderr, "runner_init failed\n");
        return 1;
    }
    char err[256];
    if (!mkdtemp(s_dir) || runner_user_lookup("nobody", &s_user, err, sizeof err) != 0) {
        fprintf(stderr, "setup failed: %s\n", err);
        return 1;
    }
    chmod(s_dir, 0777); /* the run user writes the helper's own files here */
    runner_isolation_t iso;
    runner_isolation(&iso);
    s_boxed = iso.namespaces;
    printf("     runner mode: %s\n", s_boxed ? "sandbox (namespaces)" : "rlimits");
    if (s_boxed && s_user.drop)
        s_user.uid = s_user.gid = BOX_UID;
    snprintf(s_out, sizeof s_out, "%s/out.txt", s_dir);
    char src[300];
    snprintf(src, sizeof src, "%s/helper.c", s_dir);
    snprintf(s_helper, sizeof s_helper, "%s/helper", s_dir);
    s_write(src, HELPER_SRC);
    char *gcc[] = {"/usr/bin/gcc", "-O1", "-o", s_helper, src, NULL};
    char *env[] = {"PATH=/usr/local/bin:/usr/bin:/bin", NULL};
    runner_spec_t s = s_spec(gcc);
    s.env = env;
    s.stderr_path = s_out;
    s.cpu_limit_ms = 30000;
    s.wall_limit_ms = 60000;
    s.memory_limit_kb = 0;
    s.output_limit_bytes = 0;
    s.uid = RUNNER_SAME_USER;
    runner_result_t r;
    if (runner_run(&s, &r) != 0 || r.status != RUN_OK) {
        fprintf(stderr, "cannot compile the helper: %s\n%s\n", r.message, s_read(s_out));
        return 1;
    }
    chmod(s_helper, 0755);

    RUN(test_true_ok);
    RUN(test_exit_code_rte);
    RUN(test_signal_rte);
    RUN(test_busy_loop_cpu_tle_quickly);
    RUN(test_sleep_wall_tle_kills_everything);
    RUN(test_leader_exits_children_die);
    RUN(test_output_limit_ole);
    RUN(test_memory_touch_mle);
    RUN(test_memory_huge_malloc_untouched_vs_touched);
    RUN(test_peak_is_the_programs_not_ours);
    RUN(test_runs_as_run_user);
    RUN(test_stdin_and_shared_stderr);
    RUN(test_exec_failure_is_je);
    RUN(test_cancel);
    RUN(test_parallel_runs);
    RUN(test_overhead);
    RUN(test_user_lookup);
    RUN(test_interactive_pipes_connect_both_ways);
    RUN(test_interactive_one_ends_the_other_sees_it);
    RUN(test_program_leads_its_own_session_and_group);
    RUN(test_interactive_group_kill_spares_the_interactor);
    RUN(test_group_kill_spares_a_canary_outside_the_run);
    RUN(test_launcher_death_detected);

    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf %s", s_dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", s_dir);
    runner_shutdown();
    return TEST_SUMMARY();
}
