/*  test_judge_job — whole submissions through job_run(): real C and Python programs are
 *  compiled and run against 12 A+B tests, for every verdict the pipeline can give. */
#include "job.h"
#include "gv_log.h"
#include "gv_test.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#define N_TESTS 12

static char s_dir[] = "/tmp/gv-job-XXXXXX";
static char s_work[300], s_out[300];
static runner_user_t s_user;
static languages_t *s_langs;
static gv_config_t *s_cfg;
static job_test_t s_tests[N_TESTS];
static char s_paths[2 * N_TESTS][300];
static uint32_t s_progress[N_TESTS + 1];
static size_t s_n_progress;

static const char *CONFIG =
    "[[node]]\nrole = \"broker\"\nname = \"broker\"\n"
    "[[node]]\nrole = \"actors\"\nname = \"actors-1\"\n"
    "actors = [\"accounts\", \"problems\", \"submissions\"]\n"
    "[[node]]\nrole = \"judge\"\nname = \"judge-1\"\n"
    "[languages.c]\nname = \"C\"\nsource_file = \"main.c\"\n"
    "compile = [\"gcc\", \"-O2\", \"-pipe\", \"-o\", \"{exe}\", \"{src}\", \"-lm\"]\n"
    "run = [\"{exe}\"]\nversion = [\"gcc\", \"--version\"]\n"
    "[languages.python3]\nname = \"Python 3\"\nsource_file = \"main.py\"\n"
    "run = [\"python3\", \"{src}\"]\nversion = [\"python3\", \"--version\"]\n";

static const char *C_AB = "#include <stdio.h>\n"
                          "int main(void) { long long a, b;\n"
                          "  if (scanf(\"%lld %lld\", &a, &b) != 2) return 1;\n"
                          "  printf(\"%lld\\n\", a + b); return 0; }\n";

static void s_write(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    fputs(text, f);
    fclose(f);
}

static size_t s_prev_wrong; /* on_test calls whose `prev` was not the test just run */

static void s_on_test(void *arg, uint32_t n, const job_test_result_t *prev)
{
    (void)arg;
    if (prev ? prev->n + 1 != n || prev->verdict[0] == '\0' : s_n_progress != 0) s_prev_wrong++;
    if (s_n_progress <= N_TESTS)
        s_progress[s_n_progress++] = n;
}

static bool s_run_all;
static uint32_t s_wall_limit_ms;  /* 0: job.c's default */
static bool s_no_process_floor;   /* leave pids.max to the language's `processes` alone */

static void s_judge(const char *lang, const char *source, uint32_t tl_ms, uint64_t ml_kb,
                    checker_kind_t kind, job_result_t *res)
{
    checker_t checker = {.kind = kind, .abs_eps = 1e-6, .rel_eps = 1e-6};
    job_spec_t spec = {.lang = languages_find(s_langs, lang), .source = source,
                       .source_len = strlen(source), .work_dir = s_work, .out_dir = s_out,
                       .user = &s_user, .time_limit_ms = tl_ms, .memory_limit_kb = ml_kb,
                       .output_limit_bytes = 1 << 20,
                       .max_processes = s_user.drop && !s_no_process_floor ? 64 : 0,
                       .wall_limit_ms = s_wall_limit_ms, .cancel_fd = -1, .checker = &checker, .tests = s_tests,
                       .n_tests = N_TESTS, .on_test = s_on_test, .run_all = s_run_all};
    s_n_progress = 0;
    memset(res, 0, sizeof *res);
    job_run(&spec, res);
}

static void test_c_accepted(void)
{
    job_result_t r;
    uint64_t t0 = gv_mono_us();
    s_judge("c", C_AB, 1000, 65536, CHECKER_TOKENS, &r);
    double ms = (double)(gv_mono_us() - t0) / 1000.0;
    printf("     C A+B, compile + %d tests: %.1f ms\n", N_TESTS, ms);
    CHECK_STR(r.verdict, "AC");
    CHECK(r.n_tests == N_TESTS);
    CHECK(s_n_progress == N_TESTS && s_progress[0] == 1 && s_progress[N_TESTS - 1] == N_TESTS);
    CHECK(s_prev_wrong == 0);
    for (size_t i = 0; i < r.n_tests; i++) {
        CHECK_STR(r.tests[i].verdict, "AC");
        CHECK(r.tests[i].n == i + 1);
        CHECK(r.tests[i].memory_kb > 0 && r.tests[i].memory_kb < 16 * 1024);
    }
    CHECK(r.memory_kb > 0 && r.time_ms < 1000);
    job_result_clear(&r);
}

static void test_c_wrong_answer_stops(void)
{
    const char *src = "#include <stdio.h>\nint main(void){long long a,b;scanf(\"%lld %lld\",&a,&b);"
                      "printf(\"%lld\\n\", a > 500 ? a - b : a + b);return 0;}\n";
    job_result_t r;
    s_judge("c", src, 1000, 65536, CHECKER_TOKENS, &r);
    CHECK_STR(r.verdict, "WA");
    CHECK(r.n_tests >= 1 && r.n_tests < N_TESTS);
    CHECK_STR(r.tests[r.n_tests - 1].verdict, "WA");
    for (size_t i = 0; i + 1 < r.n_tests; i++)
        CHECK_STR(r.tests[i].verdict, "AC");
    CHECK_CONTAINS(r.message, "expected");
    job_result_clear(&r);
}

static void test_c_compile_error(void)
{
    job_result_t r;
    s_judge("c", "int main(void) { return x; }\n", 1000, 65536, CHECKER_TOKENS, &r);
    CHECK_STR(r.verdict, "CE");
    CHECK(r.n_tests == 0);
    CHECK_CONTAINS(r.compile_output, "error");
    CHECK_CONTAINS(r.compile_output, "x");
    job_result_clear(&r);
}

static void test_c_warnings_kept(void)
{
    const char *src = "#warning look at me\n#include <stdio.h>\n"
                      "int main(void){long long a,b;scanf(\"%lld %lld\",&a,&b);"
                      "printf(\"%lld\\n\",a+b);return 0;}\n";
    job_result_t r;
    s_judge("c", src, 1000, 65536, CHECKER_TOKENS, &r);
    CHECK_STR(r.verdict, "AC");
    CHECK_CONTAINS(r.compile_output, "look at me");
    job_result_clear(&r);
}

static void test_c_time_limit(void)
{
    const char *src = "int main(void){volatile unsigned long x=0;for(;;)x++;}\n";
    job_result_t r;
    s_judge("c", src, 300, 65536, CHECKER_TOKENS, &r);
    CHECK_STR(r.verdict, "TLE");
    CHECK(r.n_tests == 1);
    CHECK(r.time_ms >= 300);
    job_result_clear(&r);
}

static void test_c_runtime_error(void)
{
    const char *src = "int main(void){volatile int *p = 0; return *p;}\n";
    job_result_t r;
    s_judge("c", src, 1000, 65536, CHECKER_TOKENS, &r);
    CHECK_STR(r.verdict, "RTE");
    CHECK_CONTAINS(r.message, "SEGV");
    job_result_clear(&r);
}

static void test_c_memory_limit(void)
{
    const char *src = "#include <stdlib.h>\n#include <string.h>\n"
                      "int main(void){for(int i=0;i<200;i++){char*p=malloc(1<<20);"
                      "if(!p)return 3;memset(p,1,1<<20);}return 0;}\n";
    job_result_t r;
    s_judge("c", src, 2000, 32 * 1024, CHECKER_TOKENS, &r);
    CHECK_STR(r.verdict, "MLE");
    CHECK(r.memory_kb >= 32 * 1024); /* a cgroup stops it at the limit */
    job_result_clear(&r);
}

static void test_c_cannot_modify_itself(void)
{
    /* Test 1 tries to overwrite its own binary and leave a file; both must fail. */
    const char *src = "#include <stdio.h>\nint main(void){long long a,b;scanf(\"%lld %lld\",&a,&b);"
                      "FILE*f=fopen(\"exe\",\"w\");FILE*g=fopen(\"junk\",\"w\");"
                      "printf(\"%lld\\n\",(f||g)?0:a+b);return 0;}\n";
    job_result_t r;
    s_judge("c", src, 1000, 65536, CHECKER_TOKENS, &r);
    if (s_user.drop)
        CHECK_STR(r.verdict, "AC");
    job_result_clear(&r);
}

static void test_python_accepted_and_error(void)
{
    job_result_t r;
    s_judge("python3", "a, b = map(int, input().split())\nprint(a + b)\n", 2000, 128 * 1024,
            CHECKER_TOKENS, &r);
    if (strcmp(r.verdict, "AC") != 0)
        printf("     python: %s %s\n", r.verdict, r.message);
    CHECK_STR(r.verdict, "AC");
    CHECK(r.n_tests == N_TESTS);
    CHECK(r.compile_output == NULL);
    job_result_clear(&r);
    s_judge("python3", "raise SystemExit(input().split()[5])\n", 2000, 128 * 1024,
            CHECKER_TOKENS, &r);
    CHECK_STR(r.verdict, "RTE");
    CHECK(r.n_tests == 1);
    job_result_clear(&r);
}

static void test_exact_checker(void)
{
    const char *src = "#include <stdio.h>\nint main(void){long long a,b;scanf(\"%lld %lld\",&a,&b);"
                      "printf(\"%lld \\n\",a+b);return 0;}\n"; /* trailing space */
    job_result_t r;
    s_judge("c", src, 1000, 65536, CHECKER_TOKENS, &r);
    CHECK_STR(r.verdict, "AC");
    job_result_clear(&r);
    s_judge("c", src, 1000, 65536, CHECKER_EXACT, &r);
    CHECK_STR(r.verdict, "WA");
    job_result_clear(&r);
}

static void test_run_all_runs_every_test_and_keeps_first_failure(void)
{
    /* wrong on tests whose a > 500, TLE when a < 100 */
    const char *src = "#include <stdio.h>\nint main(void){long long a,b;scanf(\"%lld %lld\",&a,&b);"
                      "if(a<100)for(;;);printf(\"%lld\\n\", a > 500 ? a - b : a + b);return 0;}\n";
    job_result_t r;
    s_run_all = true;
    s_judge("c", src, 300, 65536, CHECKER_TOKENS, &r);
    s_run_all = false;
    CHECK(r.n_tests == N_TESTS);
    CHECK(s_n_progress == N_TESTS);
    const char *first = NULL;
    size_t wa = 0;
    for (size_t i = 0; i < r.n_tests; i++) {
        if (!first && strcmp(r.tests[i].verdict, "AC") != 0)
            first = r.tests[i].verdict;
        wa += strcmp(r.tests[i].verdict, "WA") == 0;
    }
    CHECK(wa >= 2);
    CHECK(first && strcmp(r.verdict, first) == 0);
    job_result_clear(&r);
}

static void test_output_limit_is_ole(void)
{
    const char *src = "#include <stdio.h>\nint main(void){for(;;)fputs(\"yyyyyyyyyyyyyyyy\\n\",stdout);}\n";
    job_result_t r;
    s_judge("c", src, 2000, 65536, CHECKER_TOKENS, &r); /* output limit: 1 MiB */
    CHECK_STR(r.verdict, "OLE");
    CHECK(r.n_tests == 1);
    job_result_clear(&r);
}

static void test_missing_input_is_je(void)
{
    job_test_t saved = s_tests[3];
    s_tests[3].input_path = "/nonexistent/input";
    job_result_t r;
    s_judge("c", C_AB, 1000, 65536, CHECKER_TOKENS, &r);
    s_tests[3] = saved;
    CHECK_STR(r.verdict, "JE");
    CHECK_CONTAINS(r.compile_output, "judge error");
    CHECK(r.n_tests == 0);
    job_result_clear(&r);
}

static void test_rmtree_stays_inside(void)
{
    char tree[300], outside[300], cmd[4096];
    snprintf(tree, sizeof tree, "%s/tree", s_dir);
    snprintf(outside, sizeof outside, "%s/outside", s_dir);
    snprintf(cmd, sizeof cmd,
             "mkdir -p %s/a/b %s && touch %s/a/b/f %s/keep && ln -s %s %s/a/link && "
             "ln -s %s/keep %s/a/b/filelink && mkfifo %s/a/fifo",
             tree, outside, tree, outside, outside, tree, outside, tree, tree);
    CHECK(system(cmd) == 0);
    CHECK(job_rmtree(tree) == 0);
    snprintf(cmd, sizeof cmd, "%s/keep", outside);
    CHECK(access(cmd, F_OK) == 0); /* symlinks were removed, never followed */
    CHECK(access(tree, F_OK) != 0);
    CHECK(job_rmtree(tree) == 0); /* already gone is fine */
}

/* Issue 10, point 6: a program with eight threads runs under the language's default
 * `processes` (pids.max counts threads), with no floor added by the judge. */
static void test_c_threads_are_accepted_by_default(void)
{
    const char *src =
        "#include <pthread.h>\n#include <stdio.h>\n"
        "static void *w(void *a) { return a; }\n"
        "int main(void) { long long a, b; if (scanf(\"%lld %lld\", &a, &b) != 2) return 1;\n"
        "  pthread_t t[8]; for (int i = 0; i < 8; i++)\n"
        "    if (pthread_create(&t[i], NULL, w, NULL) != 0) return 3;\n"
        "  for (int i = 0; i < 8; i++) pthread_join(t[i], NULL);\n"
        "  printf(\"%lld\\n\", a + b); return 0; }\n";
    job_result_t r;
    s_no_process_floor = true;
    s_judge("c", src, 1000, 65536, CHECKER_TOKENS, &r);
    s_no_process_floor = false;
    CHECK_STR(r.verdict, "AC");
    if (strcmp(r.verdict, "AC") != 0) fprintf(stderr, "  message: %s\n", r.message);
    job_result_clear(&r);
}

/* Issue 10, point 6: the larger of limit x percent and limit + extra (1 s -> 3 s as before,
 * 5 s -> 7.5 s where it was 11 s, so a 10 s sleep no longer finishes). */
static void test_wall_limit_formula(void)
{
    CHECK(job_wall_limit_ms(1000, 150, 2000) == 3000);
    CHECK(job_wall_limit_ms(5000, 150, 2000) == 7500);
    CHECK(job_wall_limit_ms(5000, 100, 0) == 5000);
    CHECK(job_wall_limit_ms(4000000000u, 1000, 0) == UINT32_MAX);
}

/* Issue 10, point 6: the wall-clock limit is the spec's, and says so. */
static void test_sleep_is_tle_at_the_wall_limit(void)
{
    const char *src = "#include <unistd.h>\nint main(void) { sleep(5); return 0; }\n";
    job_result_t r;
    s_wall_limit_ms = 400;
    uint64_t t0 = gv_mono_us();
    s_judge("c", src, 1000, 65536, CHECKER_TOKENS, &r);
    double ms = (double)(gv_mono_us() - t0) / 1000.0;
    s_wall_limit_ms = 0;
    CHECK_STR(r.verdict, "TLE");
    CHECK_CONTAINS(r.message, "wall-clock limit of 400 ms");
    CHECK(ms < 4000); /* killed at the bound, not after the program's 5 s */
    job_result_clear(&r);
}

/* Issue 10, point 5: with tmpfs work directories a compile whose output does not fit is CE
 * naming the bound, and an ordinary program still compiles, runs and is AC. */
static void test_work_directory_bound_makes_a_huge_compile_ce(void)
{
    if (!s_user.drop) {
        printf("     (skipped: not root, work directories cannot be tmpfs)\n");
        return;
    }
    char probe[300], why[256];
    snprintf(probe, sizeof probe, "%s/probe-tmpfs", s_dir);
    CHECK(compile_workdir_init(4096, 200, probe, why, sizeof why));
    const char *big = "#include <stdio.h>\nchar big[8 << 20] = {1}; /* global: kept whole */\n"
                      "int main(void) { return big[0] - 1; }\n";
    job_result_t r;
    s_judge("c", big, 1000, 65536, CHECKER_TOKENS, &r);
    if (strcmp(r.verdict, "CE") != 0)
        fprintf(stderr, "  verdict %s: %s\n  compile output: %s\n", r.verdict, r.message,
                r.compile_output ? r.compile_output : "(none)");
    CHECK_STR(r.verdict, "CE");
    CHECK_CONTAINS(r.compile_output, "work_size_mb");
    CHECK_CONTAINS(r.compile_output, "4 MiB / 200 files");
    job_result_clear(&r);
    s_judge("c", C_AB, 1000, 65536, CHECKER_TOKENS, &r);
    CHECK_STR(r.verdict, "AC");
    CHECK(r.n_tests == N_TESTS);
    job_result_clear(&r);
    char build[320];
    snprintf(build, sizeof build, "%s.build", s_work);
    CHECK(access(build, F_OK) != 0); /* the build directory is unmounted and gone */
    CHECK(job_rmtree(s_work) == 0);  /* unmounts the run directory's tmpfs */
    CHECK(access(s_work, F_OK) != 0);
}

int main(void)
{
    char err[256];
    if (runner_init() != 0 || !mkdtemp(s_dir) ||
        runner_user_lookup("nobody", &s_user, err, sizeof err) != 0)
        return 1;
    chmod(s_dir, 0711); /* the run user reaches its work dir by path (python3 needs that) */
    char path[300], errbuf[1024];
    snprintf(path, sizeof path, "%s/cluster.toml", s_dir);
    s_write(path, CONFIG);
    s_cfg = gv_config_load(path, s_dir, errbuf, sizeof errbuf);
    snprintf(s_work, sizeof s_work, "%s/work", s_dir);
    snprintf(s_out, sizeof s_out, "%s/out", s_dir);
    char probe[300];
    snprintf(probe, sizeof probe, "%s/probe", s_dir);
    mkdir(probe, 0700);
    if (s_user.drop && chown(probe, s_user.uid, s_user.gid) != 0)
        return 1;
    s_langs = s_cfg ? languages_new(s_cfg, NULL, &s_user, probe) : NULL;
    if (!s_langs || !languages_find(s_langs, "c") || !languages_find(s_langs, "python3")) {
        fprintf(stderr, "setup failed: %s\n", s_cfg ? "languages" : errbuf);
        return 1;
    }
    srand(7);
    for (int i = 0; i < N_TESTS; i++) {
        long a = rand() % 1000, b = rand() % 1000 - 300;
        char text[64];
        snprintf(s_paths[2 * i], sizeof s_paths[0], "%s/%d.in", s_dir, i + 1);
        snprintf(s_paths[2 * i + 1], sizeof s_paths[0], "%s/%d.ans", s_dir, i + 1);
        snprintf(text, sizeof text, "%ld %ld\n", a, b);
        s_write(s_paths[2 * i], text);
        snprintf(text, sizeof text, "%ld\n", a + b);
        s_write(s_paths[2 * i + 1], text);
        s_tests[i] = (job_test_t){.n = (uint32_t)i + 1, .input_path = s_paths[2 * i],
                                  .answer_path = s_paths[2 * i + 1]};
    }
    RUN(test_c_accepted);
    RUN(test_c_wrong_answer_stops);
    RUN(test_c_compile_error);
    RUN(test_c_warnings_kept);
    RUN(test_c_time_limit);
    RUN(test_c_runtime_error);
    RUN(test_c_memory_limit);
    RUN(test_c_cannot_modify_itself);
    RUN(test_python_accepted_and_error);
    RUN(test_exact_checker);
    RUN(test_run_all_runs_every_test_and_keeps_first_failure);
    RUN(test_output_limit_is_ole);
    RUN(test_missing_input_is_je);
    RUN(test_rmtree_stays_inside);
    RUN(test_c_threads_are_accepted_by_default);
    RUN(test_wall_limit_formula);
    RUN(test_sleep_is_tle_at_the_wall_limit);
    RUN(test_work_directory_bound_makes_a_huge_compile_ce);
    languages_destroy(&s_langs);
    gv_config_destroy(&s_cfg);
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf %s", s_dir);
    if (system(cmd) != 0)
        fprintf(stderr, "cannot remove %s\n", s_dir);
    runner_shutdown();
    return TEST_SUMMARY();
}
