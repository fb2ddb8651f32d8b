/*  test_judge_languages — detection of configured languages on this host: gcc and python3
 *  are found through PATH and report a version; a missing compiler is skipped; the node's
 *  `languages` list restricts; placeholders are filled in. */
#include "languages.h"
#include "gv_test.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static char s_dir[] = "/tmp/gv-langs-XXXXXX";
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

int main(void)
{
    char err[256];
    if (runner_init() != 0 || !mkdtemp(s_dir) ||
        runner_user_lookup("nobody", &s_user, err, sizeof err) != 0)
        return 1;
    RUN(test_finds_gcc_and_python3);
    RUN(test_node_list_restricts);
    RUN(test_which);
    RUN(test_argv_placeholders);
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf %s", s_dir);
    if (system(cmd) != 0)
        fprintf(stderr, "cannot remove %s\n", s_dir);
    runner_shutdown();
    return TEST_SUMMARY();
}
