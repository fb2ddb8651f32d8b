/*  test_judge_languages — detection of configured languages on this host: gcc and python3
 *  are found through PATH and report a version; a missing compiler is skipped; the node's
 *  `languages` list restricts; placeholders are filled in. */
#include "job.h"
#include "gv_log.h"
#include "languages.h"
#include "gv_test.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char s_dir[] = "/tmp/gv-langs-XXXXXX";
static const char *s_shipped; /* the repository's cluster.toml (argv[1]) */
static runner_user_t s_user;

static const char *CONFIG =
    "[[node]]\nrole = \"broker\"\nname = \"broker\"\n"
    "[[node]]\nrole = \"actors\"\nname = \"actors-1\"\n"
    "actors = [\"accounts\", \"problems\", \"submissions\"]\n"
    "[[node]]\nrole = \"judge\"\nname = \"judge-1\"\n"
    "[[node]]\nrole = \"judge\"\nname = \"judge-2\"\nlanguages = [\"python3\"]\n"
    "[languages.c]\nname = \"C\"\nsource_file = \"main.c\"\n"
    "compile = [\"gcc\", \"-O2\", \"-o\", \"{exe}\", \"{src}\", \"-lm\"]\nrun = [\"{exe}\"]\n"
    "version = [\"gcc\", \"--version\"]\n"
    "[languages.python3]\nname = \"Python 3\"\nsource_file = \"main.py\"\n"
    "run = [\"python3\", \"{src}\"]\nversion = [\"python3\", \"--version\"]\n"
    "[languages.nolang]\nsource_file = \"x.nl\"\n"
    "compile = [\"gavel-no-such-compiler\", \"{src}\"]\nrun = [\"{exe}\"]\n";

static gv_config_t *s_config(void)
{
    char path[300], err[1024] = "";
    snprintf(path, sizeof path, "%s/cluster.toml", s_dir);
    FILE *f = fopen(path, "w");
    fputs(CONFIG, f);
    fclose(f);
    gv_config_t *cfg = gv_config_load(path, s_dir, err, sizeof err);
    if (!cfg)
        fprintf(stderr, "config: %s\n", err);
    return cfg;
}

static char *s_probe_dir(void)
{
    static char probe[300];
    snprintf(probe, sizeof probe, "%s/probe", s_dir);
    mkdir(probe, 0700);
    if (s_user.drop && chown(probe, s_user.uid, s_user.gid) != 0)
        perror("chown");
    return probe;
}

static void test_finds_gcc_and_python3(void)
{
    gv_config_t *cfg = s_config();
    CHECK(cfg != NULL);
    if (!cfg)
        return;
    languages_t *l = languages_new(cfg, NULL, &s_user, s_probe_dir());
    CHECK(l != NULL);
    CHECK(languages_count(l) == 2); /* nolang's compiler does not exist: skipped */
    const language_t *c = languages_find(l, "c");
    const language_t *py = languages_find(l, "python3");
    CHECK(c && py && !languages_find(l, "nolang"));
    if (c && py) {
        CHECK_CONTAINS(c->version, "gcc");
        CHECK_CONTAINS(py->version, "Python 3");
        CHECK(c->compile && c->compile[0][0] == '/'); /* resolved through PATH */
        CHECK(strstr(c->compile[0], "gcc") != NULL);
        CHECK_STR(c->run[0], "{exe}");                /* placeholders are left alone */
        CHECK(py->compile == NULL);
        CHECK(py->run[0][0] == '/' && strstr(py->run[0], "python3"));
        CHECK(runner_user_can_exec(&s_user, py->run[0]));
        CHECK_STR(c->name, "C");
        CHECK_STR(c->source_file, "main.c");
        CHECK(c->compile_time_limit_ms == 10000);
        bool has_path = false;
        for (size_t i = 0; c->env && c->env[i]; i++)
            has_path |= strncmp(c->env[i], "PATH=", 5) == 0;
        CHECK(has_path);
        printf("     c: %s (%s)\n     python3: %s (%s)\n", c->version, c->compile[0],
               py->version, py->run[0]);
    }
    CHECK(languages_at(l, 0) == c);
    languages_destroy(&l);
    CHECK(l == NULL);
    gv_config_destroy(&cfg);
}

static void test_node_list_restricts(void)
{
    gv_config_t *cfg = s_config();
    if (!cfg)
        return;
    const gv_node_cfg_t *n = gv_config_node(cfg, "judge-2");
    CHECK(n && n->languages_only);
    languages_t *l = languages_new(cfg, n ? n->languages_only : NULL, &s_user, s_probe_dir());
    CHECK(languages_count(l) == 1);
    CHECK(languages_find(l, "python3") && !languages_find(l, "c"));
    languages_destroy(&l);
    gv_config_destroy(&cfg);
}

static void test_which(void)
{
    char *sh = languages_which("sh", &s_user);
    CHECK(sh && sh[0] == '/');
    free(sh);
    CHECK(languages_which("gavel-no-such-program", &s_user) == NULL);
    char *abs = languages_which("/bin/sh", &s_user);
    CHECK_STR(abs, "/bin/sh");
    free(abs);
    CHECK(languages_which("relative/sh", &s_user) == NULL);
}

static void test_argv_placeholders(void)
{
    char *tmpl[] = {"gcc", "-o", "{exe}", "{src}", "-I{dir}/inc", "{src}{src}", NULL};
    char **v = languages_argv(tmpl, "main.c", "./exe", ".");
    CHECK(v != NULL);
    if (v) {
        CHECK_STR(v[0], "gcc");
        CHECK_STR(v[2], "./exe");
        CHECK_STR(v[3], "main.c");
        CHECK_STR(v[4], "-I./inc");
        CHECK_STR(v[5], "main.cmain.c");
        CHECK(v[6] == NULL);
    }
    languages_argv_free(&v);
    CHECK(v == NULL);
}

/* The sandbox hides /usr/local and /root: a PATH entry there (a hand-installed python3, say)
 * is passed over for the next one the sandbox shows, unless it lies under a bind. */
static void test_tools_the_sandbox_hides_are_passed_over(void)
{
    runner_isolation_t iso;
    runner_isolation(&iso);
    if (geteuid() != 0 || !iso.namespaces) {
        printf("     not sandboxed here: skipped\n");
        return;
    }
    char hidden[] = "/root/gv-hidden-XXXXXX", bin[64], tool[80];
    CHECK(mkdtemp(hidden) != NULL);
    snprintf(bin, sizeof bin, "%s/bin", hidden);
    snprintf(tool, sizeof tool, "%s/python3", bin);
    CHECK(mkdir(bin, 0755) == 0);
    FILE *f = fopen(tool, "w");
    CHECK(f && fputs("#!/bin/sh\necho 'Python 0.0 (a hand-installed copy)'\n", f) >= 0);
    if (f)
        fclose(f);
    CHECK(chmod(tool, 0755) == 0);
    const char *old = getenv("PATH");
    char *saved = strdup(old ? old : "/usr/bin:/bin");
    char path[256];
    snprintf(path, sizeof path, "%s:/usr/bin:/bin", bin);
    setenv("PATH", path, 1);
    runner_user_t root = {.uid = 0, .gid = 0, .drop = false, .name = "root"};
    gv_config_t *cfg = s_config();
    languages_t *l = cfg ? languages_new(cfg, "python3", &root, s_probe_dir()) : NULL;
    const language_t *py = l ? languages_find(l, "python3") : NULL;
    if (py && strncmp(py->run[0], "/root/", 6) == 0)
        printf("     python3 resolved to %s\n", py->run[0]);
    CHECK(py != NULL && strncmp(py->run[0], "/root/", 6) != 0);
    CHECK(py != NULL && strstr(py->version, "hand-installed") == NULL);
    languages_destroy(&l);
    gv_config_destroy(&cfg);
    setenv("PATH", saved, 1);
    free(saved);
    unlink(tool);
    rmdir(bin);
    rmdir(hidden);
}

/* A+B in every shipped language, as a contestant would write it. */
static const struct {
    const char *lang, *tool, *src;
} AB[] = {
    {"c", "gcc", "#include <stdio.h>\nint main(void){long long a,b;scanf(\"%lld %lld\",&a,&b);"
                 "printf(\"%lld\\n\",a+b);return 0;}\n"},
    {"cpp", "g++", "#include <bits/stdc++.h>\nint main(){long long a,b;std::cin>>a>>b;"
                   "std::cout<<a+b<<std::endl;}\n"},
    {"python3", "python3", "a, b = map(int, input().split())\nprint(a + b)\n"},
    {"java", "javac", "import java.util.*;\npublic class Main { public static void main(String[] x)"
                      " { Scanner s = new Scanner(System.in); long a = s.nextLong(), b = "
                      "s.nextLong(); System.out.println(a + b); } }\n"},
    {"rust", "rustc", "use std::io::*;\nfn main(){let mut s=String::new();stdin().read_to_string("
                      "&mut s).unwrap();let v:Vec<i64>=s.split_whitespace().map(|x|x.parse()."
                      "unwrap()).collect();println!(\"{}\",v[0]+v[1]);}\n"},
    {"javascript", "node", "const [a, b] = require('fs').readFileSync(0, 'utf8').trim().split(/\\s+/)"
                           ".map(Number);\nconsole.log(a + b);\n"},
    {"pascal", "fpc", "var a, b: int64;\nbegin\n  readln(a, b);\n  writeln(a + b);\nend.\n"},
};

static bool s_tool_exists(const char *tool)
{
    runner_user_t root = {.uid = 0, .gid = 0, .drop = false, .name = "root"};
    char *p = languages_which(tool, &root);
    free(p);
    return p != NULL;
}

static void test_shipped_languages_judge_ab(void)
{
    char err[1024] = "";
    gv_config_t *cfg = s_shipped ? gv_config_load(s_shipped, s_dir, err, sizeof err) : NULL;
    if (!cfg) {
        printf("     no shipped cluster.toml (%s): skipped\n", err);
        return;
    }
    languages_t *l = languages_new(cfg, NULL, &s_user, s_probe_dir());
    char in[300], ans[300], work[300], out[300];
    snprintf(in, sizeof in, "%s/ab.in", s_dir);
    snprintf(ans, sizeof ans, "%s/ab.ans", s_dir);
    snprintf(work, sizeof work, "%s/work", s_dir);
    snprintf(out, sizeof out, "%s/out", s_dir);
    FILE *f = fopen(in, "w");
    fputs("1000000000000 -7\n", f);
    fclose(f);
    f = fopen(ans, "w");
    fputs("999999999993\n", f);
    fclose(f);
    job_test_t tests[2] = {{.n = 1, .input_path = in, .answer_path = ans},
                           {.n = 2, .input_path = in, .answer_path = ans}};
    checker_t checker = {.kind = CHECKER_TOKENS};
    for (size_t i = 0; i < sizeof AB / sizeof AB[0]; i++) {
        const language_t *lang = languages_find(l, AB[i].lang);
        bool expected = s_tool_exists(AB[i].tool);
        CHECK(lang != NULL || !expected);
        if (!lang) {
            printf("     %-10s not available%s\n", AB[i].lang, expected ? " (but its tool is!)" : "");
            continue;
        }
        job_spec_t spec = {.lang = lang, .source = AB[i].src, .source_len = strlen(AB[i].src),
                           .work_dir = work, .out_dir = out, .user = &s_user,
                           .time_limit_ms = 5000, .memory_limit_kb = 256 * 1024,
                           .output_limit_bytes = 1 << 20, .max_processes = s_user.drop ? 128 : 0,
                           .cancel_fd = -1, .checker = &checker, .tests = tests, .n_tests = 2};
        job_result_t r;
        uint64_t t0 = gv_mono_us();
        job_run(&spec, &r);
        printf("     %-10s %-4s %6.0f ms  %s | %s\n", AB[i].lang, r.verdict,
               (double)(gv_mono_us() - t0) / 1000.0, lang->version, r.message);
        CHECK_STR(r.verdict, "AC");
        if (strcmp(r.verdict, "AC") != 0 && r.compile_output)
            printf("%s\n", r.compile_output);
        job_result_clear(&r);
    }
    const language_t *rust = languages_find(l, "rust");
    if (rust && strstr(rust->compile[0], "/.cargo/"))
        CHECK(rust->binds && rust->binds[0]); /* found under a bind, not on the host path */
    /* The sandbox shows only the toolchain rustc needs: never ~/.cargo, nor all of ~/.rustup
     * (other toolchains, downloads, settings). */
    for (size_t i = 0; rust && rust->binds[i]; i++) {
        if (strstr(rust->binds[i], "/.cargo") || strcmp(rust->binds[i], "/root/.rustup") == 0)
            printf("     rust binds %s\n", rust->binds[i]);
        CHECK(strstr(rust->binds[i], "/.cargo") == NULL);
        CHECK(strcmp(rust->binds[i], "/root/.rustup") != 0);
    }
    if (rust)
        CHECK(strstr(rust->compile[0], "/.cargo/") == NULL); /* the toolchain's own rustc */
    const language_t *java = languages_find(l, "java");
    if (java)
        CHECK(strstr(java->run[0], "/usr/bin/") == NULL); /* /etc/alternatives link resolved */
    languages_destroy(&l);
    gv_config_destroy(&cfg);
}

int main(int argc, char **argv)
{
    char err[256];
    s_shipped = argc > 1 ? argv[1] : NULL;
    if (runner_init() != 0 || !mkdtemp(s_dir) ||
        runner_user_lookup("nobody", &s_user, err, sizeof err) != 0)
        return 1;
    chmod(s_dir, 0711); /* the run user reaches its work dir by path */
    RUN(test_finds_gcc_and_python3);
    RUN(test_node_list_restricts);
    RUN(test_which);
    RUN(test_argv_placeholders);
    RUN(test_tools_the_sandbox_hides_are_passed_over);
    RUN(test_shipped_languages_judge_ab);
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf %s", s_dir);
    if (system(cmd) != 0)
        fprintf(stderr, "cannot remove %s\n", s_dir);
    runner_shutdown();
    return TEST_SUMMARY();
}
