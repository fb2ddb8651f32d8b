/*  test_judge_custom — custom checkers (testlib and Kattis protocols) and interactors, built
 *  with real gcc by judgeprog.c and run through job_run() against real submissions: every
 *  exit code of both protocols, a checker that crashes or hangs (JE, never AC), the checker's
 *  message, and a guessing-game interactor with correct, wrong, silent and crashing players. */
#include "job.h"
#include "gv_log.h"
#include "gv_test.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#define N_TESTS 3

static char s_dir[] = "/tmp/gv-custom-XXXXXX";
static char s_work[300], s_out[300], s_prog[300], s_log[300];
static runner_user_t s_user;
static languages_t *s_langs;
static gv_config_t *s_cfg;
static job_test_t s_tests[N_TESTS];
static char s_paths[2 * N_TESTS][300];

static const char *CONFIG =
    "[[node]]\nrole = \"broker\"\nname = \"broker\"\n"
    "[[node]]\nrole = \"actors\"\nname = \"actors-1\"\n"
    "actors = [\"accounts\", \"problems\", \"submissions\"]\n"
    "[[node]]\nrole = \"judge\"\nname = \"judge-1\"\n"
    "[languages.c]\nname = \"C\"\nsource_file = \"main.c\"\n"
    "compile = [\"gcc\", \"-O2\", \"-pipe\", \"-o\", \"{exe}\", \"{src}\", \"-lm\"]\n"
    "run = [\"{exe}\"]\nversion = [\"gcc\", \"--version\"]\n";

/* The secret number is the test's input; the answer file holds it too. */
static const char *C_ECHO = "#include <stdio.h>\nint main(void){long long x;"
                            "if(scanf(\"%lld\",&x)!=1)return 1;printf(\"%lld\\n\",x);return 0;}\n";
static const char *C_WRONG = "#include <stdio.h>\nint main(void){puts(\"-1\");return 0;}\n";

/* testlib-style: checker input output answer; compares the first numbers. EXIT_WA is the code
 * used for a mismatch, so the same source tests every exit code. */
#define TESTLIB(exit_wa, extra)                                                                  \
    "#include <stdio.h>\n#include <stdlib.h>\nint main(int c,char**v){" extra                    \
    "FILE*o=fopen(v[2],\"r\"),*a=fopen(v[3],\"r\");long long x=0,y=1;"                          \
    "if(!o||!a){fprintf(stderr,\"cannot open\");return 3;}"                                      \
    "if(fscanf(o,\"%lld\",&x)!=1||fscanf(a,\"%lld\",&y)!=1||x!=y){"                              \
    "fprintf(stderr,\"wrong: got %lld want %lld\",x,y);return " #exit_wa ";}"                    \
    "fprintf(stderr,\"ok %lld\",x);return 0;}\n"

/* Kattis output validator: validator input answer feedback_dir < output. */
#define KATTIS(ac, wa)                                                                           \
    "#include <stdio.h>\n#include <string.h>\nint main(int c,char**v){long long x=0,y=1;"      \
    "FILE*a=fopen(v[2],\"r\");char p[512];snprintf(p,sizeof p,\"%sjudgemessage.txt\",v[3]);"   \
    "FILE*f=fopen(p,\"w\");if(!a||!f)return 1;"                                                 \
    "if(scanf(\"%lld\",&x)!=1||fscanf(a,\"%lld\",&y)!=1||x!=y){fprintf(f,\"expected %lld, "  \
    "got %lld\",y,x);fclose(f);return " #wa ";}fprintf(f,\"fine\");fclose(f);return " #ac ";}\n"

/* Guessing game: the player guesses the secret (1..1000000), the interactor answers
 * "<" (secret is smaller), ">" or "=". At most 30 guesses. */
static const char *INTERACTOR =
    "#include <stdio.h>\n#include <signal.h>\nint main(int c,char**v){signal(SIGPIPE,SIG_IGN);"
    "FILE*in=fopen(v[1],\"r\");long long s,g;if(!in||fscanf(in,\"%lld\",&s)!=1)return 1;"
    "char p[512];snprintf(p,sizeof p,\"%sjudgemessage.txt\",v[3]);"
    "for(int i=0;i<30;i++){if(scanf(\"%lld\",&g)!=1){FILE*f=fopen(p,\"w\");"
    "if(f){fprintf(f,\"no guess %d\",i+1);fclose(f);}return 43;}"
    "if(g==s){puts(\"=\");fflush(stdout);return 42;}puts(g>s?\"<\":\">\");fflush(stdout);}"
    "return 43;}\n";
static const char *PLAYER_OK =
    "#include <stdio.h>\nint main(void){long long lo=1,hi=1000000;char r[4];while(lo<=hi){"
    "long long m=(lo+hi)/2;printf(\"%lld\\n\",m);fflush(stdout);if(scanf(\"%3s\",r)!=1)return 1;"
    "if(r[0]=='=')return 0;if(r[0]=='<')hi=m-1;else lo=m+1;}return 0;}\n";
static const char *PLAYER_LINEAR = /* too many guesses: the interactor says WA and leaves */
    "#include <stdio.h>\nint main(void){char r[4];for(long long g=1;;g++){printf(\"%lld\\n\",g);"
    "fflush(stdout);if(scanf(\"%3s\",r)!=1)return 0;if(r[0]=='=')return 0;}}\n";
static const char *PLAYER_SPIN = "int main(void){volatile unsigned long x=0;for(;;)x++;}\n";
static const char *PLAYER_CRASH = "#include <stdio.h>\n#include <stdlib.h>\nint main(void){"
                                  "puts(\"5\");fflush(stdout);abort();}\n";

static void s_write(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    fputs(text, f);
    fclose(f);
}

static judgeprog_t *s_build(const char *src, checker_protocol_t protocol, const char *what,
                            char *why, size_t whylen)
{
    (void)what;
    checker_t desc = {.kind = CHECKER_CUSTOM, .protocol = protocol};
    return judgeprog_new(&desc, languages_find(s_langs, "c"), src, strlen(src), s_prog, s_log,
                         &s_user, 0, -1, NULL, 500, why, whylen);
}

static void s_judge(const char *source, judgeprog_t *custom, judgeprog_t *inter,
                    job_result_t *res)
{
    checker_t builtin = {.kind = CHECKER_TOKENS};
    job_spec_t spec = {.lang = languages_find(s_langs, "c"), .source = source,
                       .source_len = strlen(source), .work_dir = s_work, .out_dir = s_out,
                       .user = &s_user, .time_limit_ms = 500, .memory_limit_kb = 65536,
                       .output_limit_bytes = 1 << 20, .max_processes = s_user.drop ? 64 : 0,
                       .cancel_fd = -1, .checker = &builtin, .custom = custom,
                       .interactor = inter, .tests = s_tests, .n_tests = N_TESTS};
    job_run(&spec, res);
}

/* Builds a checker from src and judges `submission` with it; returns the job verdict. */
static void s_with_checker(const char *src, checker_protocol_t protocol, const char *submission,
                           job_result_t *res)
{
    char why[1024] = "";
    judgeprog_t *p = s_build(src, protocol, "checker", why, sizeof why);
    CHECK(p != NULL);
    if (!p) {
        printf("     build failed: %s\n", why);
        memset(res, 0, sizeof *res);
        return;
    }
    s_judge(submission, p, NULL, res);
    judgeprog_destroy(&p);
}

static void test_testlib_exit_0_accepts_and_1_rejects(void)
{
    job_result_t r;
    s_with_checker(TESTLIB(1, ""), CHECKER_TESTLIB, C_ECHO, &r);
    CHECK_STR(r.verdict, "AC");
    CHECK(r.n_tests == N_TESTS);
    CHECK(r.n_tests && strstr(r.tests[0].message, "ok 42") != NULL); /* stderr kept */
    job_result_clear(&r);
    s_with_checker(TESTLIB(1, ""), CHECKER_TESTLIB, C_WRONG, &r);
    CHECK_STR(r.verdict, "WA");
    CHECK(r.n_tests == 1);
    CHECK_CONTAINS(r.message, "wrong: got -1 want 42");
    job_result_clear(&r);
}

static void test_testlib_presentation_error_is_wa(void)
{
    job_result_t r;
    s_with_checker(TESTLIB(2, ""), CHECKER_TESTLIB, C_WRONG, &r);
    CHECK_STR(r.verdict, "WA");
    job_result_clear(&r);
}

static void test_testlib_fail_and_other_codes_are_je(void)
{
    job_result_t r;
    s_with_checker(TESTLIB(3, ""), CHECKER_TESTLIB, C_WRONG, &r);
    CHECK_STR(r.verdict, "JE");
    CHECK_CONTAINS(r.compile_output, "judge error");
    CHECK_CONTAINS(r.compile_output, "exited with code 3");
    CHECK(r.n_tests == 0);
    job_result_clear(&r);
    s_with_checker(TESTLIB(7, ""), CHECKER_TESTLIB, C_WRONG, &r);
    CHECK_STR(r.verdict, "JE");
    job_result_clear(&r);
}

static void test_crashing_checker_is_je_never_ac(void)
{
    job_result_t r;
    s_with_checker(TESTLIB(1, "abort();"), CHECKER_TESTLIB, C_ECHO, &r);
    CHECK_STR(r.verdict, "JE");
    CHECK_CONTAINS(r.compile_output, "checker failed");
    job_result_clear(&r);
    s_with_checker(KATTIS(42, 43) "/*x*/" , CHECKER_KATTIS, C_ECHO, &r); /* control */
    CHECK_STR(r.verdict, "AC");
    job_result_clear(&r);
    s_with_checker(TESTLIB(1, "int*q=0;*(volatile int*)q=1;"), CHECKER_KATTIS, C_ECHO, &r);
    CHECK_STR(r.verdict, "JE");
    job_result_clear(&r);
}

static void test_hanging_checker_is_je(void)
{
    job_result_t r;
    uint64_t t0 = gv_mono_us();
    /* time limit 500 ms: the checker gets 10x = 5 s of CPU, then it is killed */
    s_with_checker(TESTLIB(1, "for(volatile int i=0;;i++);"), CHECKER_TESTLIB, C_ECHO, &r);
    printf("     hanging checker stopped after %.1f s\n", (double)(gv_mono_us() - t0) / 1e6);
    CHECK_STR(r.verdict, "JE");
    CHECK_CONTAINS(r.compile_output, "TLE");
    job_result_clear(&r);
}

static void test_kattis_42_43_and_other(void)
{
    job_result_t r;
    s_with_checker(KATTIS(42, 43), CHECKER_KATTIS, C_ECHO, &r);
    CHECK_STR(r.verdict, "AC");
    job_result_clear(&r);
    s_with_checker(KATTIS(42, 43), CHECKER_KATTIS, C_WRONG, &r);
    CHECK_STR(r.verdict, "WA");
    CHECK_CONTAINS(r.message, "expected 42, got -1"); /* judgemessage.txt */
    job_result_clear(&r);
    s_with_checker(KATTIS(0, 1), CHECKER_KATTIS, C_ECHO, &r); /* testlib codes: not Kattis */
    CHECK_STR(r.verdict, "JE");
    job_result_clear(&r);
    s_with_checker(KATTIS(42, 1), CHECKER_KATTIS, C_WRONG, &r);
    CHECK_STR(r.verdict, "JE");
    job_result_clear(&r);
}

static void test_checker_that_does_not_compile_fails_build(void)
{
    char why[1024] = "";
    judgeprog_t *p = s_build("int main(void) { return nope; }\n", CHECKER_TESTLIB, "checker",
                             why, sizeof why);
    CHECK(p == NULL);
    CHECK_CONTAINS(why, "does not compile");
    CHECK_CONTAINS(why, "nope");
}

static void s_interactive(const char *player, job_result_t *res)
{
    char why[1024] = "";
    judgeprog_t *inter = s_build(INTERACTOR, CHECKER_KATTIS, "interactor", why, sizeof why);
    CHECK(inter != NULL);
    if (!inter) {
        printf("     build failed: %s\n", why);
        memset(res, 0, sizeof *res);
        return;
    }
    s_judge(player, NULL, inter, res);
    judgeprog_destroy(&inter);
}

static void test_interactive_correct_player_accepted(void)
{
    job_result_t r;
    s_interactive(PLAYER_OK, &r);
    CHECK_STR(r.verdict, "AC");
    CHECK(r.n_tests == N_TESTS);
    if (strcmp(r.verdict, "AC") != 0)
        printf("     %s | %s\n", r.message, r.compile_output ? r.compile_output : "");
    job_result_clear(&r);
}

static void test_interactive_wrong_player_gets_interactors_wa(void)
{
    job_result_t r;
    s_interactive(PLAYER_LINEAR, &r); /* the interactor quits first; the player may SIGPIPE */
    CHECK_STR(r.verdict, "WA");
    CHECK(r.n_tests == 1);
    job_result_clear(&r);
}

static void test_interactive_spinning_player_is_tle(void)
{
    job_result_t r;
    s_interactive(PLAYER_SPIN, &r);
    CHECK_STR(r.verdict, "TLE");
    job_result_clear(&r);
}

static void test_interactive_crashing_player_is_rte(void)
{
    job_result_t r;
    s_interactive(PLAYER_CRASH, &r);
    CHECK_STR(r.verdict, "RTE");
    if (strcmp(r.verdict, "RTE") != 0)
        printf("     %s | %s\n", r.message, r.compile_output ? r.compile_output : "");
    job_result_clear(&r);
}

int main(void)
{
    char err[256];
    if (runner_init() != 0 || !mkdtemp(s_dir) ||
        runner_user_lookup("nobody", &s_user, err, sizeof err) != 0)
        return 1;
    chmod(s_dir, 0711);
    char path[300], errbuf[1024];
    snprintf(path, sizeof path, "%s/cluster.toml", s_dir);
    s_write(path, CONFIG);
    s_cfg = gv_config_load(path, s_dir, errbuf, sizeof errbuf);
    snprintf(s_work, sizeof s_work, "%s/work", s_dir);
    snprintf(s_out, sizeof s_out, "%s/out", s_dir);
    snprintf(s_prog, sizeof s_prog, "%s/prog", s_dir);
    snprintf(s_log, sizeof s_log, "%s/out/prog.log", s_dir);
    mkdir(s_out, 0700);
    char probe[300];
    snprintf(probe, sizeof probe, "%s/probe", s_dir);
    mkdir(probe, 0700);
    if (s_user.drop && chown(probe, s_user.uid, s_user.gid) != 0)
        return 1;
    s_langs = s_cfg ? languages_new(s_cfg, NULL, &s_user, probe) : NULL;
    if (!s_langs || !languages_find(s_langs, "c")) {
        fprintf(stderr, "setup failed: %s\n", s_cfg ? "languages" : errbuf);
        return 1;
    }
    const char *secrets[N_TESTS] = {"42", "1", "999999"};
    for (int i = 0; i < N_TESTS; i++) {
        snprintf(s_paths[2 * i], sizeof s_paths[0], "%s/%d.in", s_dir, i + 1);
        snprintf(s_paths[2 * i + 1], sizeof s_paths[0], "%s/%d.ans", s_dir, i + 1);
        s_write(s_paths[2 * i], secrets[i]);
        s_write(s_paths[2 * i + 1], secrets[i]);
        s_tests[i] = (job_test_t){.n = (uint32_t)i + 1, .input_path = s_paths[2 * i],
                                  .answer_path = s_paths[2 * i + 1]};
    }
    RUN(test_testlib_exit_0_accepts_and_1_rejects);
    RUN(test_testlib_presentation_error_is_wa);
    RUN(test_testlib_fail_and_other_codes_are_je);
    RUN(test_crashing_checker_is_je_never_ac);
    RUN(test_hanging_checker_is_je);
    RUN(test_kattis_42_43_and_other);
    RUN(test_checker_that_does_not_compile_fails_build);
    RUN(test_interactive_correct_player_accepted);
    RUN(test_interactive_wrong_player_gets_interactors_wa);
    RUN(test_interactive_spinning_player_is_tle);
    RUN(test_interactive_crashing_player_is_rte);
    languages_destroy(&s_langs);
    gv_config_destroy(&s_cfg);
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf %s", s_dir);
    if (system(cmd) != 0)
        fprintf(stderr, "cannot remove %s\n", s_dir);
    runner_shutdown();
    return TEST_SUMMARY();
}
