/*  test_judge_sandbox — what the sandbox enforces, seen from inside a run: the probe,
 *  namespaces (pid, mount, net, ipc, uts), the read-only root, a private /tmp per run, the
 *  seccomp denials, the cgroup limits and measurements, and the kill of the whole tree.
 *
 *  Needs root (namespaces, cgroups, uid changes): as another user it checks only that the
 *  probe says "rlimits" and explains why, and passes. A helper program (gcc, compiled at
 *  start into a private work directory) does one probe per mode and prints what it saw.
 */
#include "runner.h"
#include "gv_test.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#define RUN_UID 60980 /* used by nothing else on the host */

static const char *HELPER_SRC =
    "#define _GNU_SOURCE\n"
    "#include <errno.h>\n#include <fcntl.h>\n#include <sched.h>\n#include <signal.h>\n"
    "#include <stdio.h>\n"
    "#include <stdlib.h>\n#include <string.h>\n#include <unistd.h>\n#include <sys/mount.h>\n"
    "#include <sys/ptrace.h>\n#include <sys/socket.h>\n#include <sys/syscall.h>\n"
    "#include <netinet/in.h>\n#include <arpa/inet.h>\n"
    "int main(int argc, char **argv) {\n"
    "  const char *m = argc > 1 ? argv[1] : \"\";\n"
    "  if (!strcmp(m, \"pid\")) { printf(\"%d\\n\", (int)getpid()); return 0; }\n"
    "  if (!strcmp(m, \"host\")) { char h[64] = \"\"; gethostname(h, sizeof h); puts(h); return 0; }\n"
    "  if (!strcmp(m, \"deny\")) {\n"
    "    errno = 0; long r1 = ptrace(PTRACE_TRACEME, 0, 0, 0); int e1 = errno;\n"
    "    errno = 0; int r2 = mount(\"none\", \"/tmp\", \"tmpfs\", 0, 0); int e2 = errno;\n"
    "    errno = 0; int r3 = unshare(CLONE_NEWNET); int e3 = errno;\n"
    "    errno = 0; int r4 = socket(AF_INET, SOCK_STREAM, 0); int e4 = errno;\n"
    "    errno = 0; int r5 = socket(AF_UNIX, SOCK_STREAM, 0);\n"
    "    errno = 0; long r6 = syscall(SYS_bpf, 0, 0, 0); int e6 = errno;\n"
    "    errno = 0; long r7 = syscall(SYS_io_uring_setup, 1, 0); int e7 = errno;\n"
    "    printf(\"%d %d %d %d %d %d %d %d %d %d %d %d %d\\n\", r1 == -1, e1 == EPERM, r2 == -1,\n"
    "           e2 == EPERM, r3 == -1, e3 == EPERM, r4 == -1, e4 == EPERM, r5 >= 0, r6 == -1,\n"
    "           e6 == EPERM, r7 == -1, e7 == EPERM);\n"
    "    return 0; }\n"
    "  if (!strcmp(m, \"net\")) { FILE *f = fopen(\"/proc/net/dev\", \"r\"); char l[256]; int n = 0;\n"
    "    while (f && fgets(l, sizeof l, f)) n++; printf(\"%d\\n\", n - 2); return 0; }\n"
    "  if (!strcmp(m, \"tmp\")) { FILE *f = fopen(\"/tmp/mark\", \"r\"); printf(\"%s\\n\", f ? \"seen\" : \"fresh\");\n"
    "    if (f) fclose(f); f = fopen(\"/tmp/mark\", \"w\"); if (f) fclose(f); return 0; }\n"
    "  if (!strcmp(m, \"tmpfill\")) { FILE *f = fopen(\"/tmp/big\", \"w\"); static char b[65536];\n"
    "    long w = 0; while (fwrite(b, 1, sizeof b, f) == sizeof b && w < (1L << 30)) w += sizeof b;\n"
    "    fflush(f); printf(\"%ld\\n\", w >> 20); return 0; }\n"
    "  if (!strcmp(m, \"tmpfiles\")) { int n = 0; char p[64];\n"
    "    for (; n < 100000; n++) { snprintf(p, sizeof p, \"/tmp/f%d\", n); int fd = open(p, O_CREAT | O_WRONLY, 0600); if (fd < 0) break; close(fd); }\n"
    "    printf(\"%d\\n\", n); return 0; }\n"
    "  if (!strcmp(m, \"ro\")) { int ok = 0; const char *p[] = {\"/x\", \"/usr/x\", \"/etc/x\", 0};\n"
    "    for (int i = 0; p[i]; i++) { FILE *f = fopen(p[i], \"w\"); if (f) { ok++; fclose(f); } }\n"
    "    printf(\"%d %d\\n\", ok, access(\"/etc/shadow\", F_OK) == 0); return 0; }\n"
    "  if (!strcmp(m, \"threads\")) { int n = 0; for (int i = 0; i < 20; i++) if (fork() == 0) { pause(); _exit(0); } else n++;\n"
    "    printf(\"%d\\n\", n); return 0; }\n"
    "  if (!strcmp(m, \"forks\")) { int ok = 0; for (int i = 0; i < 20; i++) { pid_t c = fork(); if (c == 0) { pause(); _exit(0); } if (c > 0) ok++; }\n"
    "    printf(\"%d\\n\", ok); return 0; }\n"
    "  if (!strcmp(m, \"touch\")) { long n = atol(argv[2]); volatile char *p = malloc((size_t)n << 20);\n"
    "    for (long i = 0; i < (n << 20); i += 4096) p[i] = 1; puts(\"done\"); return 0; }\n"
    "  if (!strcmp(m, \"spin\")) { if (fork() == 0) { setsid(); for (;;) ; } for (;;) ; }\n"
    "  if (!strcmp(m, \"recurse\")) { volatile char pad[64]; long n = atol(argv[2]); pad[0] = 1;\n"
    "    if (n == 0) { puts(\"deep\"); return 0; } char a[32]; snprintf(a, sizeof a, \"%ld\", n - 1);\n"
    "    char *v[] = {argv[0], \"recurse\", a, 0}; return main(3, v) + pad[0] - 1; }\n"
    "  return 2; }\n";

static char s_dir[] = "/tmp/gv-sandbox-XXXXXX";
static char s_helper[300], s_out[300];
static bool s_boxed;

static char *s_read(const char *path)
{
    static char buf[4096];
    buf[0] = '\0';
    int fd = open(path, O_RDONLY);
    ssize_t n = fd >= 0 ? read(fd, buf, sizeof buf - 1) : -1;
    buf[n > 0 ? n : 0] = '\0';
    if (fd >= 0)
        close(fd);
    return buf;
}

static runner_spec_t s_spec(char **argv)
{
    runner_spec_t s;
    runner_spec_init(&s);
    s.argv = argv;
    s.cwd = s_dir;
    s.stdout_path = s_out;
    s.cpu_limit_ms = 2000;
    s.wall_limit_ms = 4000;
    s.memory_limit_kb = 128 * 1024;
    s.output_limit_bytes = 1 << 20;
    s.max_processes = 1;
    s.uid = RUN_UID;
    s.gid = RUN_UID;
    return s;
}

static runner_status_t s_run(char *mode, char *arg, runner_spec_t *tweak, runner_result_t *r)
{
    char *argv[] = {s_helper, mode, arg, NULL};
    runner_spec_t s = tweak ? *tweak : s_spec(argv);
    s.argv = argv;
    runner_run(&s, r);
    return r->status;
}

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

static void test_probe_reports_full_isolation_as_root(void)
{
    runner_isolation_t iso;
    runner_isolation(&iso);
    CHECK(iso.namespaces && iso.seccomp && iso.network_none && iso.separate_user);
    CHECK(iso.memory && iso.pids && iso.cpu && iso.cgroup >= 1);
    CHECK(runner_isolation_complete(&iso));
}

static void test_program_is_pid_2_of_its_own_namespace(void)
{
    runner_result_t r;
    CHECK(s_run("pid", NULL, NULL, &r) == RUN_OK);
    CHECK_STR(s_read(s_out), "2\n"); /* pid 1 is the sandbox's init */
    CHECK(s_run("host", NULL, NULL, &r) == RUN_OK);
    CHECK_STR(s_read(s_out), "gavel\n");
}

static void test_no_network_but_a_loopback(void)
{
    runner_result_t r;
    CHECK(s_run("net", NULL, NULL, &r) == RUN_OK);
    CHECK_STR(s_read(s_out), "1\n"); /* only lo, and it is down */
}

static void test_seccomp_denies_with_eperm(void)
{
    runner_result_t r;
    CHECK(s_run("deny", NULL, NULL, &r) == RUN_OK);
    CHECK_STR(s_read(s_out), "1 1 1 1 1 1 1 1 1 1 1 1 1\n");
}

static void test_root_is_read_only_and_minimal(void)
{
    runner_result_t r;
    CHECK(s_run("ro", NULL, NULL, &r) == RUN_OK);
    CHECK_STR(s_read(s_out), "0 0\n"); /* nothing written, no /etc/shadow at all */
}

static void test_tmp_is_fresh_each_run_and_bounded(void)
{
    runner_result_t r;
    CHECK(s_run("tmp", NULL, NULL, &r) == RUN_OK);
    CHECK_STR(s_read(s_out), "fresh\n");
    CHECK(s_run("tmp", NULL, NULL, &r) == RUN_OK);
    CHECK_STR(s_read(s_out), "fresh\n");
    char *argv[] = {s_helper, "tmpfill", NULL};
    runner_spec_t s = s_spec(argv);
    s.tmp_size_kb = 8 * 1024;
    s.output_limit_bytes = 0; /* RLIMIT_FSIZE would stop it first */
    /* filling /tmp is OLE, naming the bound (issue 10) */
    CHECK(s_run("tmpfill", NULL, &s, &r) == RUN_OLE);
    CHECK(atoi(s_read(s_out)) <= 8);
    CHECK_CONTAINS(r.message, "/tmp is full: all 8 MiB used (cluster.toml tmp_size_mb)");
}

static void test_tmp_files_are_bounded(void)
{
    runner_result_t r;
    char *argv[] = {s_helper, "tmpfiles", NULL};
    runner_spec_t s = s_spec(argv);
    runner_set_tmp_inodes(100);
    int rc = s_run("tmpfiles", NULL, &s, &r);
    runner_set_tmp_inodes(0);
    CHECK(rc == RUN_OLE);
    CHECK(atoi(s_read(s_out)) < 100); /* the root directory takes one */
    CHECK_CONTAINS(r.message, "/tmp is full: all 100 files used (cluster.toml work_inodes)");
}

static void test_pids_limit_contains_forks(void)
{
    runner_result_t r;
    char *argv[] = {s_helper, "forks", NULL};
    runner_spec_t s = s_spec(argv);
    s.max_processes = 5;
    CHECK(s_run("forks", NULL, &s, &r) == RUN_OK);
    CHECK_STR(s_read(s_out), "4\n"); /* itself + 4 */
    CHECK(s_uid_procs(RUN_UID) == 0);
}

static void test_memory_peak_is_measured_by_the_cgroup(void)
{
    runner_result_t r;
    CHECK(s_run("touch", "40", NULL, &r) == RUN_OK);
    CHECK(r.peak_kb >= 40 * 1024 && r.peak_kb < 56 * 1024);
    CHECK(s_run("touch", "200", NULL, &r) == RUN_MLE);
    CHECK(r.term_signal == SIGKILL);
    CHECK(s_run("touch", "4", NULL, &r) == RUN_OK); /* the next run starts from zero */
    CHECK(r.peak_kb < 12 * 1024);
}

static void test_stack_is_bounded_by_memory_only(void)
{
    runner_result_t r;
    CHECK(s_run("recurse", "200000", NULL, &r) == RUN_OK); /* ~40 MiB of stack */
    CHECK_STR(s_read(s_out), "deep\n");
}

/* A spec without cwd runs in the launcher's own directory, which the template root does not
 * have (ctest runs this from the build tree): its mount point must be made too. */
static void test_run_without_cwd_uses_the_launchers_directory(void)
{
    if (!s_boxed)
        return;
    char *argv[] = {"/bin/true", NULL};
    runner_spec_t s = s_spec(argv);
    s.cwd = NULL;
    runner_result_t r;
    CHECK(runner_run(&s, &r) == 0 && r.status == RUN_OK);
    if (r.status != RUN_OK)
        fprintf(stderr, "  %s\n", r.message);
}

static void test_whole_tree_dies_at_the_end_of_a_run(void)
{
    runner_result_t r;
    char *argv[] = {s_helper, "spin", NULL};
    runner_spec_t s = s_spec(argv);
    s.max_processes = 4;
    s.cpu_limit_ms = 300;
    s.wall_limit_ms = 1000;
    CHECK(s_run("spin", NULL, &s, &r) == RUN_TLE);
    CHECK(r.cpu_ms >= 300); /* the cgroup counts both spinning processes */
    CHECK(s_uid_procs(RUN_UID) == 0);
}

int main(void)
{
    if (runner_init() != 0) {
        fprintf(stderr, "runner_init failed\n");
        return 1;
    }
    runner_isolation_t iso;
    runner_isolation(&iso);
    s_boxed = iso.namespaces;
    if (geteuid() != 0 || !s_boxed) {
        printf("     not sandboxed here (%s): only the probe is checked\n", iso.missing);
        CHECK(!runner_isolation_complete(&iso) && iso.missing[0]);
        runner_shutdown();
        return TEST_SUMMARY();
    }
    if (!mkdtemp(s_dir) || chmod(s_dir, 0755) != 0) {
        perror("mkdtemp");
        return 1;
    }
    snprintf(s_out, sizeof s_out, "%s/out.txt", s_dir);
    snprintf(s_helper, sizeof s_helper, "%s/helper", s_dir);
    char src[320];
    snprintf(src, sizeof src, "%s/helper.c", s_dir);
    FILE *f = fopen(src, "w");
    if (!f || fputs(HELPER_SRC, f) < 0 || fclose(f) != 0)
        return 1;
    char *gcc[] = {"/usr/bin/gcc", "-O1", "-o", s_helper, src, NULL};
    char *env[] = {"PATH=/usr/bin:/bin", NULL};
    runner_spec_t s;
    runner_spec_init(&s);
    s.argv = gcc;
    s.env = env;
    s.cwd = s_dir;
    s.stdout_path = s.stderr_path = s_out;
    s.max_processes = 16;
    runner_result_t r;
    if (runner_run(&s, &r) != 0 || r.status != RUN_OK) {
        fprintf(stderr, "cannot compile the helper: %s\n%s\n", r.message, s_read(s_out));
        return 1;
    }
    RUN(test_probe_reports_full_isolation_as_root);
    RUN(test_program_is_pid_2_of_its_own_namespace);
    RUN(test_no_network_but_a_loopback);
    RUN(test_seccomp_denies_with_eperm);
    RUN(test_run_without_cwd_uses_the_launchers_directory);
    RUN(test_root_is_read_only_and_minimal);
    RUN(test_tmp_is_fresh_each_run_and_bounded);
    RUN(test_tmp_files_are_bounded);
    RUN(test_pids_limit_contains_forks);
    RUN(test_memory_peak_is_measured_by_the_cgroup);
    RUN(test_stack_is_bounded_by_memory_only);
    RUN(test_whole_tree_dies_at_the_end_of_a_run);
    runner_shutdown();
    unlink(s_out);
    unlink(s_helper);
    unlink(src);
    rmdir(s_dir);
    return TEST_SUMMARY();
}
