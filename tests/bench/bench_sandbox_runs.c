/*  bench_sandbox_runs — per-run cost of the sandbox beside a plain fork/exec of the same
 *  program (used by bench_judge.py, which builds it against the judge's core library).
 *
 *    bench_sandbox_runs N WORKDIR PROG [INPUT]
 *
 *  Runs PROG N times through runner_run() (sandboxed when the judge could be: as root) and N
 *  times with fork + execve + wait4 from this process, stdin from INPUT (or /dev/null) and
 *  stdout to a file in WORKDIR both ways, interleaved in blocks of 50 so both see the same
 *  machine. Prints "sandbox_us=<median> plain_us=<median> mode=<namespaces|rlimits>".
 */
#include "runner.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define BLOCK 50

static double s_now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int s_cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static int s_plain(char **argv, const char *in, const char *out)
{
    pid_t pid = fork();
    if (pid == 0) {
        int i = open(in, O_RDONLY), o = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (i < 0 || o < 0 || dup2(i, 0) != 0 || dup2(o, 1) != 1)
            _exit(126);
        char *env[] = {NULL};
        execve(argv[0], argv, env);
        _exit(127);
    }
    int st = 0;
    struct rusage ru;
    if (pid < 0 || wait4(pid, &st, 0, &ru) != pid)
        return -1;
    return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

int main(int argc, char **argv)
{
    if (argc < 4)
        return 2;
    int n = atoi(argv[1]);
    const char *dir = argv[2], *in = argc > 4 ? argv[4] : "/dev/null";
    char *prog[] = {argv[3], NULL};
    char out[512];
    snprintf(out, sizeof out, "%s/bench.out", dir);
    if (n <= 0 || runner_init() != 0)
        return 1;
    runner_isolation_t iso;
    runner_isolation(&iso);
    runner_spec_t s;
    runner_spec_init(&s);
    s.argv = prog;
    s.cwd = dir;
    s.stdin_path = in;
    s.stdout_path = out;
    s.cpu_limit_ms = 1000;
    s.wall_limit_ms = 3000;
    s.memory_limit_kb = 256 * 1024;
    s.output_limit_bytes = 64u << 20;
    s.max_processes = 1;
    if (geteuid() == 0)
        s.uid = s.gid = 60000;
    double *box = calloc((size_t)n, sizeof *box), *plain = calloc((size_t)n, sizeof *plain);
    if (!box || !plain)
        return 1;
    runner_result_t r;
    for (int i = 0; i < 20; i++) /* warm-up: cgroups and the slot's namespace are made lazily */
        runner_run(&s, &r);
    int fails = 0;
    for (int done = 0; done < n; done += BLOCK) {
        for (int i = done; i < n && i < done + BLOCK; i++) {
            double t0 = s_now_us();
            fails += runner_run(&s, &r) != 0 || r.status != RUN_OK;
            box[i] = s_now_us() - t0;
        }
        for (int i = done; i < n && i < done + BLOCK; i++) {
            double t0 = s_now_us();
            fails += s_plain(prog, in, out) != 0;
            plain[i] = s_now_us() - t0;
        }
    }
    qsort(box, (size_t)n, sizeof *box, s_cmp);
    qsort(plain, (size_t)n, sizeof *plain, s_cmp);
    printf("sandbox_us=%.0f plain_us=%.0f mode=%s failures=%d\n", box[n / 2], plain[n / 2],
           iso.namespaces ? "namespaces" : "rlimits", fails);
    free(box);
    free(plain);
    unlink(out);
    runner_shutdown();
    return fails ? 1 : 0;
}
