/*  test_judge_sandbox_leaks — what a run can learn of, or do to, the host and other runs
 *  (issue 10, points 2 and 4): file locks, leases and directory notifications on the shared
 *  read-only binds are denied by the seccomp filter (and a root process on the host can still
 *  lock a file a run tries to hold); /proc/self/cgroup shows only "/" (a cgroup namespace);
 *  host-wide /proc files that leak host data read as empty; /usr/local and /root are empty;
 *  the run's own directory shows at /box, not at its host path.
 *
 *  Needs root; as another user it passes after saying so. The helper program
 *  (sandbox_leaks_helper.c, its path is argv[1]) is compiled at start with gcc in a private
 *  work directory and run in the sandbox as RUN_UID.
 */
#include "runner.h"
#include "gv_test.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define RUN_UID 60981        /* used by nothing else on the host */
#define HOLD_MS "900"        /* how long the "hold" mode keeps trying to hold its lock */
#define HOST_TRY_MS 5        /* the host-side locker's polling period */
#define HOST_DEADLINE_MS 8000 /* the host-side locker stops by itself after this */
#define SHARED_FILE "/etc/ld.so.cache"

static char s_dir[] = "/tmp/gv-sandbox-leaks-XXXXXX";
static char s_helper[300], s_out[300], s_home[320];

static char *s_read(const char *path)
{
    static char buf[65536];
    buf[0] = '\0';
    int fd = open(path, O_RDONLY);
    ssize_t n = fd >= 0 ? read(fd, buf, sizeof buf - 1) : -1;
    buf[n > 0 ? n : 0] = '\0';
    if (fd >= 0)
        close(fd);
    return buf;
}

/* Runs the helper in one mode; its stdout, or "" when the run failed. */
static const char *s_run(char *const *args)
{
    char *argv[8] = {s_helper};
    for (size_t i = 0; args[i] && i < 6; i++)
        argv[i + 1] = args[i];
    runner_spec_t s;
    runner_spec_init(&s);
    char *env[] = {s_home, NULL};
    s.argv = argv;
    s.env = env;
    s.cwd = s_dir;
    s.stdout_path = s_out;
    s.cpu_limit_ms = 2000;
    s.wall_limit_ms = 6000;
    s.memory_limit_kb = 64 * 1024;
    s.output_limit_bytes = 1 << 20;
    s.max_processes = 1;
    s.uid = RUN_UID;
    s.gid = RUN_UID;
    runner_result_t r;
    if (runner_run(&s, &r) != 0 || r.status != RUN_OK) {
        fprintf(stderr, "  helper %s failed: %s %s\n", args[0], runner_status_name(r.status),
                r.message);
        return "";
    }
    return s_read(s_out);
}

#define ALL_DENIED                                                                             \
    "flock_sh=EPERM flock_ex=EPERM flock_dir=EPERM setlk=EPERM setlkw=EPERM ofd_setlk=EPERM "  \
    "ofd_setlkw=EPERM setlease=EPERM notify=EPERM inotify=EPERM setlk_hi=EPERM lockf=EPERM getlk=ok \n"

static void test_locks_leases_and_notify_on_shared_binds_are_denied(void)
{
    const char *shared[] = {SHARED_FILE, "/usr/include/stdio.h", NULL};
    for (size_t i = 0; shared[i]; i++) {
        const char *out = s_run((char *[]){"locks", (char *)shared[i], NULL});
        if (strcmp(out, ALL_DENIED) != 0)
            fprintf(stderr, "  %s: %s", shared[i], out);
        CHECK_STR(out, ALL_DENIED);
    }
}

static long s_ms_since(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (t.tv_sec - t0->tv_sec) * 1000 + (t.tv_nsec - t0->tv_nsec) / 1000000;
}

/* A root process on the host keeps taking and dropping an exclusive lock on the file a run
 * tries to hold; it must never find it taken. */
static void test_a_host_root_process_can_lock_while_a_run_tries_to_hold(void)
{
    int pfd[2];
    CHECK(pipe(pfd) == 0);
    pid_t pid = fork();
    if (pid == 0) {
        close(pfd[1]);
        int fd = open(SHARED_FILE, O_RDONLY);
        unsigned blocked = 0, tries = 0;
        struct timespec t0;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        fcntl(pfd[0], F_SETFL, O_NONBLOCK);
        char c;
        while (fd >= 0 && read(pfd[0], &c, 1) < 0 && errno == EAGAIN &&
               s_ms_since(&t0) < HOST_DEADLINE_MS) {
            tries++;
            if (flock(fd, LOCK_EX | LOCK_NB) == 0)
                flock(fd, LOCK_UN);
            else if (errno == EWOULDBLOCK)
                blocked++;
            usleep(HOST_TRY_MS * 1000);
        }
        _exit(fd < 0 ? 255 : blocked > 100 ? 100 : (int)blocked);
    }
    close(pfd[0]);
    const char *out = s_run((char *[]){"hold", SHARED_FILE, HOLD_MS, NULL});
    char mine[64];
    snprintf(mine, sizeof mine, "%s", out);
    close(pfd[1]); /* EOF: the host-side locker stops */
    int st = 0;
    CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st));
    if (WEXITSTATUS(st) != 0)
        fprintf(stderr, "  the host found %s taken %d times; the run said %s", SHARED_FILE,
                WEXITSTATUS(st), mine);
    CHECK(WEXITSTATUS(st) == 0);
    CHECK_STR(mine, "denied EPERM\n");
}

static void test_proc_self_cgroup_shows_only_the_namespace_root(void)
{
    const char *out = s_run((char *[]){"cat", "/proc/self/cgroup", NULL});
    CHECK(out[0] != '\0');
    int lines = 0, rooted = 0;
    for (const char *l = out; *l;) {
        const char *nl = strchr(l, '\n');
        size_t len = nl ? (size_t)(nl - l) : strlen(l);
        lines++;
        rooted += len >= 2 && l[len - 1] == '/' && l[len - 2] == ':';
        l += len + (nl != NULL);
    }
    if (rooted != lines)
        fprintf(stderr, "  /proc/self/cgroup in a run:\n%s", out);
    CHECK(lines > 0 && rooted == lines);
    out = s_run((char *[]){"cat", "/proc/self/mountinfo", NULL});
    CHECK(strstr(out, "cgroup") == NULL && strstr(out, "gavel-") == NULL);
}

/* Host-wide files that say something of the host (its boot line, kernel symbols, timers of
 * every process, keys) read as empty, or cannot be opened at all. */
static void test_host_wide_proc_files_read_empty(void)
{
    static const char *const masked[] = {"/proc/cmdline", "/proc/kallsyms", "/proc/timer_list",
                                         "/proc/keys", "/proc/sched_debug", "/proc/kcore",
                                         "/proc/config.gz", "/proc/iomem", "/proc/ioports",
                                         "/proc/latency_stats", "/proc/timer_stats",
                                         "/proc/diskstats", "/proc/interrupts",
                                         "/proc/sys/kernel/random/boot_id", NULL};
    for (size_t i = 0; masked[i]; i++) {
        const char *out = s_run((char *[]){"size", (char *)masked[i], NULL});
        char want0[128], want1[128];
        snprintf(want0, sizeof want0, "%s=0\n", masked[i]);
        snprintf(want1, sizeof want1, "%s=-1\n", masked[i]);
        if (strcmp(out, want0) != 0 && strcmp(out, want1) != 0)
            fprintf(stderr, "  readable in a run: %s", out);
        CHECK(strcmp(out, want0) == 0 || strcmp(out, want1) == 0);
    }
    /* What runtimes read stays readable. */
    CHECK(strcmp(s_run((char *[]){"size", "/proc/meminfo", NULL}), "/proc/meminfo=0\n") != 0);
    CHECK(strcmp(s_run((char *[]){"size", "/proc/self/status", NULL}), "/proc/self/status=0\n") !=
          0);
}

static void test_usr_local_and_root_are_empty(void)
{
    const char *out = s_run((char *[]){"ls", "/usr/local", NULL});
    if (out[0])
        fprintf(stderr, "  /usr/local in a run:\n%s", out);
    CHECK_STR(out, "");
    out = s_run((char *[]){"ls", "/root", NULL});
    if (out[0])
        fprintf(stderr, "  /root in a run:\n%s", out);
    CHECK_STR(out, "");
    out = s_run((char *[]){"ls", "/usr", NULL}); /* the rest of /usr is still there */
    CHECK_CONTAINS(out, "bin\n");
    CHECK_CONTAINS(out, "lib\n");
}

/* The run's directory shows at /box: its host path is in neither getcwd, the environment
 * (HOME is rewritten) nor the listing of /; the helper itself ran by its host path. */
static void test_the_runs_directory_shows_at_box(void)
{
    const char *out = s_run((char *[]){"cat", "/proc/self/environ", NULL});
    CHECK_STR(out, "HOME=/box");
    out = s_run((char *[]){"ls", "/box", NULL});
    CHECK_CONTAINS(out, "helper\n");
    out = s_run((char *[]){"ls", "/", NULL});
    CHECK_CONTAINS(out, "box\n");
    out = s_run((char *[]){"ls", "/tmp", NULL}); /* the host's /tmp holds the work dir */
    if (out[0])
        fprintf(stderr, "  /tmp in a run:\n%s", out);
    CHECK_STR(out, "");
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s sandbox_leaks_helper.c\n", argv[0]);
        return 2;
    }
    if (runner_init() != 0) {
        fprintf(stderr, "runner_init failed\n");
        return 1;
    }
    runner_isolation_t iso;
    runner_isolation(&iso);
    if (geteuid() != 0 || !iso.namespaces) {
        printf("     not sandboxed here (%s): nothing to check\n", iso.missing);
        runner_shutdown();
        return TEST_SUMMARY();
    }
    if (!mkdtemp(s_dir) || chmod(s_dir, 0755) != 0) {
        perror("mkdtemp");
        return 1;
    }
    snprintf(s_out, sizeof s_out, "%s/out.txt", s_dir);
    snprintf(s_helper, sizeof s_helper, "%s/helper", s_dir);
    snprintf(s_home, sizeof s_home, "HOME=%s", s_dir);
    char *gcc[] = {"/usr/bin/gcc", "-O1", "-o", s_helper, argv[1], NULL};
    char *env[] = {"PATH=/usr/bin:/bin", NULL};
    const char *binds[] = {argv[1], NULL};
    runner_spec_t s;
    runner_spec_init(&s);
    s.argv = gcc;
    s.env = env;
    s.cwd = s_dir;
    s.binds = binds;
    s.stdout_path = s.stderr_path = s_out;
    s.max_processes = 16;
    runner_result_t r;
    if (runner_run(&s, &r) != 0 || r.status != RUN_OK) {
        fprintf(stderr, "cannot compile the helper: %s\n%s\n", r.message, s_read(s_out));
        return 1;
    }
    RUN(test_locks_leases_and_notify_on_shared_binds_are_denied);
    RUN(test_a_host_root_process_can_lock_while_a_run_tries_to_hold);
    RUN(test_proc_self_cgroup_shows_only_the_namespace_root);
    RUN(test_host_wide_proc_files_read_empty);
    RUN(test_usr_local_and_root_are_empty);
    RUN(test_the_runs_directory_shows_at_box);
    runner_shutdown();
    unlink(s_out);
    unlink(s_helper);
    rmdir(s_dir);
    return TEST_SUMMARY();
}
