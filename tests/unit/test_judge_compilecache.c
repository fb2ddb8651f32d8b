/*  test_judge_compilecache — identical sources skip compiling: a miss compiles and stores, a
 *  hit copies the program (and the compiler's warnings) back; a new source or other flags
 *  miss; the size bound evicts the least recently used entry; entries survive a reopen. */
#include "compile.h"
#include "compilecache.h"
#include "gv_log.h"
#include "gv_test.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static char s_dir[] = "/tmp/gv-ccache-XXXXXX";
static char s_work[300], s_log[300], s_cache_dir[300];
static runner_user_t s_user;
static languages_t *s_langs;
static gv_config_t *s_cfg;

static const char *CONFIG =
    "[[node]]\nrole = \"broker\"\nname = \"broker\"\n"
    "[[node]]\nrole = \"actors\"\nname = \"actors-1\"\n"
    "actors = [\"accounts\", \"problems\", \"submissions\"]\n"
    "[[node]]\nrole = \"judge\"\nname = \"judge-1\"\n"
    "[languages.c]\nname = \"C\"\nsource_file = \"main.c\"\n"
    "compile = [\"gcc\", \"-O2\", \"-pipe\", \"-o\", \"{exe}\", \"{src}\"]\n"
    "run = [\"{exe}\"]\nversion = [\"gcc\", \"--version\"]\n"
    "[languages.c0]\nname = \"C -O0\"\nsource_file = \"main.c\"\n"
    "compile = [\"gcc\", \"-O0\", \"-pipe\", \"-o\", \"{exe}\", \"{src}\"]\n"
    "run = [\"{exe}\"]\nversion = [\"gcc\", \"--version\"]\n";

static const char *HELLO = "#warning from the compiler\n#include <stdio.h>\n"
                           "int main(void){puts(\"hi\");return 0;}\n";

static void s_compile(compilecache_t *cc, const char *lang, const char *src, compile_result_t *r)
{
    compile_spec_t cs = {.lang = languages_find(s_langs, lang), .source = src,
                         .source_len = strlen(src), .dir = s_work, .log_path = s_log,
                         .user = &s_user, .cancel_fd = -1, .cache = cc,
                         .max_processes = s_user.drop ? 64 : 0};
    compile_run(&cs, r);
}

static bool s_exe_runs(void)
{
    char cmd[400];
    snprintf(cmd, sizeof cmd, "%s/exe > /dev/null", s_work);
    return system(cmd) == 0;
}

static void test_miss_then_hit_skips_the_compiler(void)
{
    compilecache_t *cc = compilecache_new(s_cache_dir, 64u << 20);
    CHECK(cc != NULL);
    compile_result_t r;
    uint64_t t0 = gv_mono_us();
    s_compile(cc, "c", HELLO, &r);
    double miss_ms = (double)(gv_mono_us() - t0) / 1000.0;
    CHECK(r.status == COMPILE_OK && !r.cached);
    CHECK_CONTAINS(r.output, "from the compiler");
    CHECK(s_exe_runs());
    compile_result_clear(&r);
    CHECK(compilecache_count(cc) == 1 && compilecache_bytes(cc) > 0);
    t0 = gv_mono_us();
    s_compile(cc, "c", HELLO, &r);
    double hit_ms = (double)(gv_mono_us() - t0) / 1000.0;
    printf("     miss (gcc) %.1f ms, hit %.1f ms\n", miss_ms, hit_ms);
    CHECK(r.status == COMPILE_OK && r.cached);
    CHECK_CONTAINS(r.output, "from the compiler"); /* warnings come back too */
    CHECK(s_exe_runs());
    CHECK(compilecache_hits(cc) == 1);
    struct stat st;
    char p[400];
    snprintf(p, sizeof p, "%s/exe", s_work);
    CHECK(stat(p, &st) == 0 && (!s_user.drop || (st.st_uid == 0 && !(st.st_mode & 0222))));
    compile_result_clear(&r);
    compilecache_destroy(&cc);
    CHECK(cc == NULL);
}

static void test_other_source_or_flags_miss(void)
{
    compilecache_t *cc = compilecache_new(s_cache_dir, 64u << 20);
    compile_result_t r;
    s_compile(cc, "c", "int main(void){return 0;}\n", &r);
    CHECK(r.status == COMPILE_OK && !r.cached);
    compile_result_clear(&r);
    s_compile(cc, "c0", HELLO, &r); /* same source, other argv */
    CHECK(r.status == COMPILE_OK && !r.cached);
    compile_result_clear(&r);
    s_compile(cc, "c", HELLO, &r); /* stored by the previous test: reopened from disk */
    CHECK(r.status == COMPILE_OK && r.cached);
    compile_result_clear(&r);
    compilecache_destroy(&cc);
}

static void test_compile_errors_are_not_cached(void)
{
    compilecache_t *cc = compilecache_new(s_cache_dir, 64u << 20);
    size_t before = compilecache_count(cc);
    compile_result_t r;
    s_compile(cc, "c", "int main(void){return nope;}\n", &r);
    CHECK(r.status == COMPILE_CE);
    CHECK_CONTAINS(r.output, "nope");
    compile_result_clear(&r);
    CHECK(compilecache_count(cc) == before);
    compilecache_destroy(&cc);
}

static void test_bound_evicts_least_recently_used(void)
{
    char dir[400];
    snprintf(dir, sizeof dir, "%s/small", s_dir);
    compilecache_t *cc = compilecache_new(dir, 1); /* measure one entry first */
    compile_result_t r;
    s_compile(cc, "c", HELLO, &r);
    compile_result_clear(&r);
    CHECK(compilecache_count(cc) == 0); /* bigger than the whole bound: not stored */
    compilecache_destroy(&cc);
    cc = compilecache_new(dir, 40u << 10);
    const char *srcs[3] = {"int main(void){return 0;}\n", "int main(void){return 1-1;}\n",
                           "int main(void){return 2-2;}\n"};
    s_compile(cc, "c", srcs[0], &r);
    compile_result_clear(&r);
    uint64_t one = compilecache_bytes(cc);
    CHECK(one > 0 && one < (40u << 10));
    compilecache_destroy(&cc);
    cc = compilecache_new(dir, 2 * one + one / 2); /* room for two */
    CHECK(compilecache_count(cc) == 1);
    s_compile(cc, "c", srcs[1], &r);
    compile_result_clear(&r);
    s_compile(cc, "c", srcs[0], &r); /* touch 0: now 1 is the least recent */
    CHECK(r.cached);
    compile_result_clear(&r);
    s_compile(cc, "c", srcs[2], &r); /* evicts 1 */
    compile_result_clear(&r);
    CHECK(compilecache_count(cc) == 2);
    CHECK(compilecache_bytes(cc) <= 2 * one + one / 2);
    s_compile(cc, "c", srcs[0], &r);
    CHECK(r.cached);
    compile_result_clear(&r);
    s_compile(cc, "c", srcs[1], &r);
    CHECK(!r.cached);
    compile_result_clear(&r);
    compilecache_destroy(&cc);
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
    FILE *f = fopen(path, "w");
    fputs(CONFIG, f);
    fclose(f);
    s_cfg = gv_config_load(path, s_dir, errbuf, sizeof errbuf);
    snprintf(s_work, sizeof s_work, "%s/work", s_dir);
    snprintf(s_log, sizeof s_log, "%s/compile.log", s_dir);
    snprintf(s_cache_dir, sizeof s_cache_dir, "%s/cache", s_dir);
    char probe[300];
    snprintf(probe, sizeof probe, "%s/probe", s_dir);
    mkdir(probe, 0700);
    if (s_user.drop && chown(probe, s_user.uid, s_user.gid) != 0)
        return 1;
    s_langs = s_cfg ? languages_new(s_cfg, NULL, &s_user, probe) : NULL;
    if (!s_langs || !languages_find(s_langs, "c") || !languages_find(s_langs, "c0")) {
        fprintf(stderr, "setup failed: %s\n", s_cfg ? "languages" : errbuf);
        return 1;
    }
    RUN(test_miss_then_hit_skips_the_compiler);
    RUN(test_other_source_or_flags_miss);
    RUN(test_compile_errors_are_not_cached);
    RUN(test_bound_evicts_least_recently_used);
    languages_destroy(&s_langs);
    gv_config_destroy(&s_cfg);
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf %s", s_dir);
    if (system(cmd) != 0)
        fprintf(stderr, "cannot remove %s\n", s_dir);
    runner_shutdown();
    return TEST_SUMMARY();
}
