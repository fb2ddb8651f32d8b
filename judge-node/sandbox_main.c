/*  gavel-sandbox — run one program in the judge's sandbox and print what was measured.
 *
 *    gavel-sandbox [--probe] [--time MS] [--wall MS] [--memory KIB] [--output BYTES]
 *                  [--processes N] [--bind PATH]... [--stdin F] [--stdout F] [--stderr F]
 *                  [--cwd DIR] [--slot N] [--uid N] [--tmp KIB] [--env K=V]... [-- PROG ARGS]
 *
 *  Prints the probe (with --probe) and then, when a program is given, one line per field:
 *  status, exit_code, signal, cpu_ms, wall_ms, peak_kb, message. As root the program runs as
 *  the first uid from 60000 that no judge holds (reserved like a judge's, uidlock.h) unless
 *  --uid says otherwise; otherwise as yourself. Exit status:
 *  0 when the program ran (whatever its verdict), 1 when it could not run, 2 for usage.
 */
#include "gv_config.h"
#include "runner.h"
#include "uidlock.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

#define MAX_LIST 64
#define SHOW_MAX (64u * 1024u) /* program output shown when not sent to a file */
#define DEFAULT_UID_BASE 60000u

static int s_usage(void)
{
    fprintf(stderr,
            "usage: gavel-sandbox [--probe] [--time MS] [--wall MS] [--memory KIB] "
            "[--output BYTES] [--processes N] [--bind PATH]... [--stdin F] [--stdout F] "
            "[--stderr F] [--cwd DIR] [--slot N] [--uid N] [--tmp KIB] [--env K=V]... "
            "[-- PROG ARGS...]\n");
    return 2;
}

static void s_print_probe(void)
{
    runner_isolation_t iso;
    runner_isolation(&iso);
    printf("sandbox: %s\n", iso.namespaces ? "namespaces" : "rlimits");
    printf("namespaces: %s%s\n", iso.namespaces ? "pid mount net ipc uts" : "none",
           iso.cgroup_ns ? " cgroup" : "");
    printf("proc_masks: %s\n", iso.proc_masked ? "yes" : "no");
    printf("seccomp: %s\n", iso.seccomp ? "yes" : "no");
    printf("cgroup: %s\n", iso.cgroup == 2 ? "v2" : iso.cgroup == 1 ? "v1" : "none");
    printf("memory: %s\npids: %s\ncpu: %s\n", iso.memory ? "yes" : "no", iso.pids ? "yes" : "no",
           iso.cpu ? "yes" : "no");
    printf("network: %s\n", iso.network_none ? "none" : "host");
    printf("separate_user: %s\n", iso.separate_user ? "yes" : "no");
    printf("complete: %s\n", runner_isolation_complete(&iso) ? "yes" : "no");
    if (iso.missing[0])
        printf("missing: %s\n", iso.missing);
    printf("details: %s\n", iso.details);
}

int main(int argc, char **argv)
{
    runner_spec_t s;
    runner_spec_init(&s);
    const char *binds[MAX_LIST + 1] = {NULL};
    char *env[MAX_LIST + 2] = {"PATH=/usr/local/bin:/usr/bin:/bin", NULL};
    size_t nb = 0, ne = 1;
    bool probe = false, uid_given = false, wall_given = false;
    long uid = -1;
    int i = 1;
    for (; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--") == 0) {
            i++;
            break;
        }
        if (strcmp(a, "--probe") == 0) {
            probe = true;
            continue;
        }
        if (!v || a[0] != '-')
            return s_usage();
        i++;
        if (strcmp(a, "--time") == 0)
            s.cpu_limit_ms = (uint32_t)strtoul(v, NULL, 10);
        else if (strcmp(a, "--wall") == 0)
            s.wall_limit_ms = (uint32_t)strtoul(v, NULL, 10), wall_given = true;
        else if (strcmp(a, "--memory") == 0)
            s.memory_limit_kb = strtoull(v, NULL, 10);
        else if (strcmp(a, "--output") == 0)
            s.output_limit_bytes = strtoull(v, NULL, 10);
        else if (strcmp(a, "--processes") == 0)
            s.max_processes = (uint32_t)strtoul(v, NULL, 10);
        else if (strcmp(a, "--bind") == 0 && nb < MAX_LIST)
            binds[nb++] = v;
        else if (strcmp(a, "--env") == 0 && ne < MAX_LIST)
            env[ne++] = (char *)v;
        else if (strcmp(a, "--stdin") == 0)
            s.stdin_path = v;
        else if (strcmp(a, "--stdout") == 0)
            s.stdout_path = v;
        else if (strcmp(a, "--stderr") == 0)
            s.stderr_path = v;
        else if (strcmp(a, "--cwd") == 0)
            s.cwd = v;
        else if (strcmp(a, "--slot") == 0)
            s.slot = (unsigned)strtoul(v, NULL, 10);
        else if (strcmp(a, "--uid") == 0)
            uid = strtol(v, NULL, 10), uid_given = true;
        else if (strcmp(a, "--tmp") == 0)
            s.tmp_size_kb = strtoull(v, NULL, 10);
        else
            return s_usage();
    }
    if (!probe && i >= argc)
        return s_usage();
    if (runner_init() != 0) {
        fprintf(stderr, "gavel-sandbox: cannot start the launcher\n");
        return 1;
    }
    if (probe)
        s_print_probe();
    int rc = 0;
    if (i < argc) {
        s.argv = argv + i;
        s.env = env;
        s.binds = binds;
        if (!wall_given && s.cpu_limit_ms)
            s.wall_limit_ms = 2 * s.cpu_limit_ms + 1000;
        uidlock_t *lock = NULL;
        if (geteuid() == 0 && !uid_given) { /* never a uid a judge on this host runs as */
            char holder[128], why[2048];
            snprintf(holder, sizeof holder, "pid=%d node=gavel-sandbox", (int)getpid());
            lock = uidlock_reserve(GV_UID_LOCK_DIR_DEFAULT, DEFAULT_UID_BASE, GV_UID_WINDOW_DEFAULT, 1,
                                   holder, why, sizeof why);
            if (!lock) {
                fprintf(stderr, "gavel-sandbox: %s (or pass --uid)\n", why);
                runner_shutdown();
                return 1;
            }
            uid = (long)uidlock_first(lock);
        }
        if (geteuid() == 0) {
            s.uid = (uid_t)uid;
            s.gid = (gid_t)s.uid;
        }
        /* Without --stdout/--stderr the program's output is shown here, after the run. */
        char tmp_out[] = "/tmp/gavel-sandbox-out-XXXXXX";
        int tfd = -1;
        if (!s.stdout_path || !s.stderr_path) {
            tfd = mkstemp(tmp_out);
            if (tfd < 0) {
                perror("gavel-sandbox: mkstemp");
                uidlock_destroy(&lock);
                runner_shutdown();
                return 1;
            }
            if (!s.stdout_path)
                s.stdout_path = tmp_out;
            if (!s.stderr_path)
                s.stderr_path = tmp_out;
        }
        runner_result_t r;
        rc = runner_run(&s, &r) == 0 ? 0 : 1;
        if (tfd >= 0) {
            char buf[4096];
            ssize_t n;
            size_t shown = 0;
            while (shown < SHOW_MAX && (n = read(tfd, buf, sizeof buf)) > 0) {
                fwrite(buf, 1, (size_t)n, stdout);
                shown += (size_t)n;
            }
            close(tfd);
            unlink(tmp_out);
            printf("---\n");
        }
        printf("status: %s\nexit_code: %d\nsignal: %d\ncpu_ms: %u\nwall_ms: %u\npeak_kb: %llu\n",
               runner_status_name(r.status), r.exit_code, r.term_signal, r.cpu_ms, r.wall_ms,
               (unsigned long long)r.peak_kb);
        if (r.message[0])
            printf("message: %s\n", r.message);
        uidlock_destroy(&lock);
    }
    runner_shutdown();
    return rc;
}
