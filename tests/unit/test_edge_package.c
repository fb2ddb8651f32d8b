/*  edge package reader: the Kattis/problemarchive layout, limits and hostile zips. Reads the
 *  zips under tests/fuzz/seeds/package (the fuzz target's seeds). */
#include "gv_test.h"
#include "package.h"

#include <stdlib.h>

static edge_package_limits_t s_lim = {
    .max_total = 8u << 20, .max_source = 65536, .default_time_limit_ms = 2000};

static edge_package_t *s_read(const char *name, edge_err_t *err)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", GAVEL_PACKAGE_SEEDS, name);
    FILE *f = fopen(path, "rb");
    CHECK(f != NULL);
    if (!f) return NULL;
    static char buf[1 << 20];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    memset(err, 0, sizeof *err);
    return edge_package_from_buffer(buf, n, &s_lim, err);
}

static bool s_warned(const edge_package_t *p, const char *part)
{
    for (size_t i = 0; i < p->n_warnings; i++)
        if (strstr(p->warnings[i], part)) return true;
    return false;
}

static void custom_validator_package_is_read_with_its_header_inlined(void)
{
    edge_err_t err;
    edge_package_t *p = s_read("anyperm.zip", &err);
    CHECK(p != NULL);
    if (!p) return;
    CHECK_STR(p->title, "Any Permutation");
    CHECK(p->time_limit_ms == 1000 && p->memory_limit_kb == 262144);
    CHECK(p->checker == EDGE_PKG_CUSTOM && !p->interactive);
    CHECK_STR(p->validator_language, "c");
    CHECK_CONTAINS(p->validator.data, "judge_message");
    CHECK(strstr(p->validator.data, "#include \"perm_util.h\"") == NULL);
    CHECK(p->n_tests == 3 && p->tests[0].sample && !p->tests[1].sample);
    CHECK(p->n_subs == 8 && p->n_tags == 2);
    CHECK(s_warned(p, "LaTeX") && s_warned(p, "input validators"));
    CHECK_CONTAINS(p->statement.data, "# Any Permutation");
    edge_package_destroy(&p);
    CHECK(p == NULL);
}

static void interactive_package_turns_its_validator_into_the_interactor(void)
{
    edge_err_t err;
    edge_package_t *p = s_read("guess.zip", &err);
    CHECK(p != NULL);
    if (!p) return;
    CHECK_STR(p->title, "Guess the Number");
    CHECK(p->interactive && p->time_limit_ms == 2000);
    CHECK(p->n_tests == 7 && p->tests[0].ans.len == 0);
    CHECK(p->n_subs == 6);
    edge_package_destroy(&p);
}

static void nested_scoring_package_has_groups_subtasks_and_flags(void)
{
    edge_err_t err;
    edge_package_t *p = s_read("nested.zip", &err);
    CHECK(p != NULL);
    if (!p) return;
    CHECK_STR(p->title, "Nested");
    CHECK(p->time_limit_ms == 1500 && p->memory_limit_kb == 65536 && p->output_limit_kb == 8192);
    CHECK(p->checker == EDGE_PKG_FLOAT && p->abs == 1e-4 && p->rel == 1e-4 && p->case_sensitive);
    CHECK(p->n_tests == 2 && p->tests[0].group && !strcmp(p->tests[0].group, "g1"));
    CHECK(p->n_subtasks == 2 && p->subtasks[0].points == 40 && p->subtasks[1].points == 100);
    CHECK(p->n_subs == 1 && s_warned(p, "unknown verdict folder"));
    edge_package_destroy(&p);
}

static void hostile_zips_are_refused_with_the_reason(void)
{
    static const struct {
        const char *file;
        int status;
        const char *part;
    } cases[] = {
        {"traversal.zip", 400, "unsafe file name"}, {"absolute.zip", 400, "unsafe file name"},
        {"no-yaml.zip", 400, "problem.yaml"},       {"bomb.zip", 413, "unpacks to more than"},
        {"not-a-zip.bin", 400, "not a zip"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        edge_err_t err;
        edge_package_t *p = s_read(cases[i].file, &err);
        CHECK(p == NULL);
        edge_package_destroy(&p);
        CHECK(err.status == cases[i].status);
        CHECK_CONTAINS(err.message, cases[i].part);
        if (err.status != cases[i].status || !strstr(err.message, cases[i].part))
            fprintf(stderr, "%s: %d %s\n", cases[i].file, err.status, err.message);
    }
}

static void yaml_aliases_cost_nothing(void)
{
    edge_err_t err;
    edge_package_t *p = s_read("yaml-alias.zip", &err);
    CHECK(p == NULL || p->title == NULL || strcmp(p->title, "Untitled") == 0);
    edge_package_destroy(&p);
}

static void languages_come_from_extensions(void)
{
    CHECK_STR(edge_package_language("a/b.cpp"), "cpp");
    CHECK_STR(edge_package_language("x.py"), "python3");
    CHECK_STR(edge_package_language("Main.java"), "java");
    CHECK(edge_package_language("x.sh") == NULL && edge_package_language("Makefile") == NULL);
}

int main(void)
{
    RUN(custom_validator_package_is_read_with_its_header_inlined);
    RUN(interactive_package_turns_its_validator_into_the_interactor);
    RUN(nested_scoring_package_has_groups_subtasks_and_flags);
    RUN(hostile_zips_are_refused_with_the_reason);
    RUN(yaml_aliases_cost_nothing);
    RUN(languages_come_from_extensions);
    return TEST_SUMMARY();
}
