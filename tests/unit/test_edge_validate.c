/*  edge validate: every request body and query check, each bad field named in the message. */
#include "gv_test.h"
#include "validate.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static json_t *J(const char *text)
{
    json_error_t e;
    json_t *j = json_loads(text, JSON_REJECT_DUPLICATES, &e);
    if (!j) fprintf(stderr, "test JSON does not parse: %s: %s\n", text, e.text);
    return j;
}

/* Runs a validator on text; expects failure with `status` and a message naming `field`. */
#define EXPECT_BAD(call_with_j, text, status_, field)                                              \
    do {                                                                                           \
        json_t *j = J(text);                                                                       \
        edge_err_t err = {0};                                                                      \
        CHECK(j && (call_with_j) == -1);                                                           \
        CHECK(err.status == (status_));                                                            \
        CHECK_CONTAINS(err.message, "`" field);                                                    \
        if ((status_) == 400) CHECK_STR(err.code, "invalid_field");                                \
        json_decref(j);                                                                            \
    } while (0)

static void register_accepts_a_good_body(void)
{
    json_t *j =
        J("{\"username\":\"alice_1\",\"password\":\"correct horse\",\"display_name\":\"A\"}");
    edge_register_t r;
    edge_err_t err;
    CHECK(edge_v_register(j, &r, &err) == 0);
    CHECK_STR(r.username, "alice_1");
    CHECK(r.password_len == 13);
    CHECK_STR(r.display_name, "A");
    json_decref(j);
    j = J("{\"username\":\"bob\",\"password\":\"12345678\",\"display_name\":null}");
    CHECK(edge_v_register(j, &r, &err) == 0);
    CHECK(r.display_name == NULL);
    json_decref(j);
}

static void register_names_each_bad_field(void)
{
    edge_register_t r;
    EXPECT_BAD(edge_v_register(j, &r, &err), "{\"password\":\"12345678\"}", 400, "username");
    EXPECT_BAD(edge_v_register(j, &r, &err), "{\"username\":5,\"password\":\"12345678\"}", 400,
               "username");
    EXPECT_BAD(edge_v_register(j, &r, &err), "{\"username\":\"a b\",\"password\":\"12345678\"}",
               400, "username");
    EXPECT_BAD(edge_v_register(j, &r, &err), "{\"username\":\"\",\"password\":\"12345678\"}", 400,
               "username");
    EXPECT_BAD(edge_v_register(j, &r, &err), "{\"username\":\"bob\"}", 400, "password");
    EXPECT_BAD(edge_v_register(j, &r, &err), "{\"username\":\"bob\",\"password\":\"short\"}", 400,
               "password");
    EXPECT_BAD(edge_v_register(j, &r, &err), "{\"username\":\"bob\",\"password\":12345678}", 400,
               "password");
    EXPECT_BAD(edge_v_register(j, &r, &err),
               "{\"username\":\"bob\",\"password\":\"12345678\",\"display_name\":[]}", 400,
               "display_name");
}

static void password_length_counts_characters(void)
{
    edge_register_t r;
    edge_err_t err;
    /* 8 characters of two bytes each: 16 bytes, 8 characters -> ok */
    json_t *j = J("{\"username\":\"u\",\"password\":\"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3"
                  "\xa9\xc3\xa9\xc3\xa9\"}");
    CHECK(edge_v_register(j, &r, &err) == 0);
    json_decref(j);
    /* 7 two-byte characters (14 bytes) -> too short */
    EXPECT_BAD(edge_v_register(j, &r, &err),
               "{\"username\":\"u\",\"password\":\"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3"
               "\xa9\xc3\xa9\"}",
               400, "password");
    /* 1025 characters -> too long */
    char *big = malloc(1100 + 64);
    strcpy(big, "{\"username\":\"u\",\"password\":\"");
    size_t n = strlen(big);
    memset(big + n, 'p', 1025);
    strcpy(big + n + 1025, "\"}");
    EXPECT_BAD(edge_v_register(j, &r, &err), big, 400, "password");
    big[n + 1024] = '"';
    big[n + 1025] = '}';
    big[n + 1026] = '\0';
    j = J(big);
    CHECK(edge_v_register(j, &r, &err) == 0);
    json_decref(j);
    free(big);
}

static void login_needs_two_strings(void)
{
    edge_login_t l;
    EXPECT_BAD(edge_v_login(j, &l, &err), "{\"password\":\"x\"}", 400, "username");
    EXPECT_BAD(edge_v_login(j, &l, &err), "{\"username\":\"x\"}", 400, "password");
    EXPECT_BAD(edge_v_login(j, &l, &err), "{\"username\":\"x\",\"password\":true}", 400,
               "password");
    json_t *j = J("{\"username\":\"x\",\"password\":\"y\"}");
    edge_err_t err;
    CHECK(edge_v_login(j, &l, &err) == 0);
    CHECK(l.password_len == 1);
    json_decref(j);
}

static void submission_accepts_ids_as_strings_or_numbers(void)
{
    edge_submission_t s;
    edge_err_t err;
    json_t *j = J("{\"problem_id\":\"42\",\"language\":\"cpp\",\"source\":\"int main(){}\"}");
    CHECK(edge_v_submission(j, 65536, &s, &err) == 0);
    CHECK(s.problem_id == 42 && !s.has_contest && s.source_len == 12);
    CHECK_STR(s.language, "cpp");
    json_decref(j);
    j = J("{\"problem_id\":7,\"language\":\"c\",\"source\":\"x\",\"contest_id\":\"3\"}");
    CHECK(edge_v_submission(j, 65536, &s, &err) == 0);
    CHECK(s.problem_id == 7 && s.has_contest && s.contest_id == 3);
    json_decref(j);
    j = J("{\"problem_id\":7,\"language\":\"c\",\"source\":\"x\",\"contest_id\":null}");
    CHECK(edge_v_submission(j, 65536, &s, &err) == 0);
    CHECK(!s.has_contest);
    json_decref(j);
}

static void submission_names_each_bad_field(void)
{
    edge_submission_t s;
#define SUB(text, st, field) EXPECT_BAD(edge_v_submission(j, 100, &s, &err), text, st, field)
    SUB("{\"language\":\"c\",\"source\":\"x\"}", 400, "problem_id");
    SUB("{\"problem_id\":\"4x\",\"language\":\"c\",\"source\":\"x\"}", 400, "problem_id");
    SUB("{\"problem_id\":-1,\"language\":\"c\",\"source\":\"x\"}", 400, "problem_id");
    SUB("{\"problem_id\":1.5,\"language\":\"c\",\"source\":\"x\"}", 400, "problem_id");
    SUB("{\"problem_id\":\"99999999999999999999\",\"language\":\"c\",\"source\":\"x\"}", 400,
        "problem_id");
    SUB("{\"problem_id\":1,\"source\":\"x\"}", 400, "language");
    SUB("{\"problem_id\":1,\"language\":\"\",\"source\":\"x\"}", 400, "language");
    SUB("{\"problem_id\":1,\"language\":3,\"source\":\"x\"}", 400, "language");
    SUB("{\"problem_id\":1,\"language\":\"c\"}", 400, "source");
    SUB("{\"problem_id\":1,\"language\":\"c\",\"source\":[]}", 400, "source");
    SUB("{\"problem_id\":1,\"language\":\"c\",\"source\":\"\"}", 400, "source");
    SUB("{\"problem_id\":1,\"language\":\"c\",\"source\":\"x\",\"contest_id\":\"y\"}", 400,
        "contest_id");
#undef SUB
}

static void submission_source_over_the_limit_is_413(void)
{
    edge_submission_t s;
    char body[256];
    char src[102];
    memset(src, 'a', 101);
    src[101] = '\0';
    snprintf(body, sizeof body, "{\"problem_id\":1,\"language\":\"c\",\"source\":\"%s\"}", src);
    EXPECT_BAD(edge_v_submission(j, 100, &s, &err), body, 413, "source");
    json_t *j = J(body);
    edge_err_t err;
    edge_v_submission(j, 100, &s, &err);
    CHECK_STR(err.code, "too_large");
    CHECK(edge_v_submission(j, 101, &s, &err) == 0); /* exactly at the limit is fine */
    json_decref(j);
}

static void problem_create_needs_all_core_fields(void)
{
    edge_problem_t p;
    edge_err_t err;
    json_t *j = J("{\"title\":\"A+B\",\"statement_md\":\"Add.\",\"time_limit_ms\":1000,"
                  "\"memory_limit_kb\":262144,\"tags\":[\"math\"],\"checker\":{\"type\":\"float\","
                  "\"abs\":1e-6,\"rel\":0}}");
    CHECK(edge_v_problem(j, true, &p, &err) == 0);
    CHECK(p.n_fields == 6 && p.time_limit_ms == 1000 && p.memory_limit_kb == 262144);
    CHECK(p.tags && p.checker);
    json_decref(j);
#define P(text, st, field) EXPECT_BAD(edge_v_problem(j, true, &p, &err), text, st, field)
    P("{\"statement_md\":\"\",\"time_limit_ms\":1,\"memory_limit_kb\":1}", 400, "title");
    P("{\"title\":\"\",\"statement_md\":\"\",\"time_limit_ms\":1,\"memory_limit_kb\":1}", 400,
      "title");
    P("{\"title\":\"t\",\"time_limit_ms\":1,\"memory_limit_kb\":1}", 400, "statement_md");
    P("{\"title\":\"t\",\"statement_md\":\"\",\"memory_limit_kb\":1}", 400, "time_limit_ms");
    P("{\"title\":\"t\",\"statement_md\":\"\",\"time_limit_ms\":0,"
      "\"memory_limit_kb\":1}",
      400, "time_limit_ms");
    P("{\"title\":\"t\",\"statement_md\":\"\",\"time_limit_ms\":\"1000\","
      "\"memory_limit_kb\":1}",
      400, "time_limit_ms");
    P("{\"title\":\"t\",\"statement_md\":\"\",\"time_limit_ms\":1}", 400, "memory_limit_kb");
    P("{\"title\":\"t\",\"statement_md\":\"\",\"time_limit_ms\":1,"
      "\"memory_limit_kb\":1,\"tags\":\"x\"}",
      400, "tags");
    P("{\"title\":\"t\",\"statement_md\":\"\",\"time_limit_ms\":1,"
      "\"memory_limit_kb\":1,\"tags\":[\"ok\",3]}",
      400, "tags[1]");
#undef P
}

static void problem_checker_is_checked(void)
{
    edge_problem_t p;
    const char *base = "{\"title\":\"t\",\"statement_md\":\"\",\"time_limit_ms\":1,"
                       "\"memory_limit_kb\":1,\"checker\":";
    char text[512];
#define C(chk, field)                                                                              \
    snprintf(text, sizeof text, "%s%s}", base, chk);                                               \
    EXPECT_BAD(edge_v_problem(j, true, &p, &err), text, 400, field)
    C("\"tokens\"", "checker");
    C("{}", "checker.type");
    C("{\"type\":\"fuzzy\"}", "checker.type");
    C("{\"type\":\"float\",\"abs\":-1}", "checker.abs");
    C("{\"type\":\"float\",\"rel\":\"x\"}", "checker.rel");
    C("{\"type\":\"custom\",\"protocol\":\"icpc\",\"language\":\"cpp\",\"source\":\"x\"}",
      "checker.protocol");
    C("{\"type\":\"custom\",\"protocol\":\"testlib\",\"source\":\"x\"}", "checker.language");
    C("{\"type\":\"custom\",\"protocol\":\"kattis\",\"language\":\"cpp\"}", "checker.source");
    C("{\"type\":\"exact\",\"x\":{\"y\":{\"z\":{\"w\":1}}}}", "checker");
#undef C
    edge_err_t err;
    snprintf(
        text, sizeof text, "%s%s}", base,
        "{\"type\":\"custom\",\"protocol\":\"testlib\",\"language\":\"cpp\",\"source\":\"x\"}");
    json_t *j = J(text);
    CHECK(edge_v_problem(j, true, &p, &err) == 0);
    json_decref(j);
}

static void problem_update_takes_any_subset(void)
{
    edge_problem_t p;
    edge_err_t err;
    json_t *j = J("{\"title\":\"new\"}");
    CHECK(edge_v_problem(j, false, &p, &err) == 0);
    CHECK(p.n_fields == 1 && !p.has_time_limit);
    json_decref(j);
    j = J("{}");
    CHECK(edge_v_problem(j, false, &p, &err) == 0);
    CHECK(p.n_fields == 0);
    json_decref(j);
    EXPECT_BAD(edge_v_problem(j, false, &p, &err), "{\"memory_limit_kb\":-5}", 400,
               "memory_limit_kb");
}

static void test_case_needs_input_and_output(void)
{
    edge_test_t t;
    edge_err_t err;
    json_t *j = J("{\"input\":\"1 2\\n\",\"output\":\"3\\n\",\"sample\":true}");
    CHECK(edge_v_test(j, &t, &err) == 0);
    CHECK(t.has_sample && t.sample && t.input_len == 4);
    json_decref(j);
    EXPECT_BAD(edge_v_test(j, &t, &err), "{\"output\":\"\"}", 400, "input");
    EXPECT_BAD(edge_v_test(j, &t, &err), "{\"input\":\"\"}", 400, "output");
    EXPECT_BAD(edge_v_test(j, &t, &err), "{\"input\":\"\",\"output\":\"\",\"sample\":1}", 400,
               "sample");
}

static void queries_are_parsed_and_named(void)
{
    edge_problem_query_t pq;
    edge_submission_query_t sq;
    edge_err_t err;
    CHECK(edge_v_problem_query(NULL, &pq, &err) == 0 && !pq.has_page);
    CHECK(edge_v_problem_query("page=2&per_page=10&q=a+b%21", &pq, &err) == 0);
    CHECK(pq.has_page && pq.page == 2 && pq.per_page == 10);
    CHECK_STR(pq.q, "a b!");
    CHECK(edge_v_problem_query("page=&per_page=&q=", &pq, &err) == 0);
    CHECK(!pq.has_page && !pq.has_per_page && !pq.has_q);
    CHECK(edge_v_problem_query("page=0", &pq, &err) == -1);
    CHECK_CONTAINS(err.message, "`page`");
    CHECK(edge_v_problem_query("per_page=abc", &pq, &err) == -1);
    CHECK_CONTAINS(err.message, "`per_page`");
    CHECK(edge_v_problem_query("q=%ff", &pq, &err) == -1);
    CHECK_CONTAINS(err.message, "`q`");
    CHECK(edge_v_submission_query("problem_id=3&user_id=9&contest_id=1&page=4", &sq, &err) == 0);
    CHECK(sq.has_problem && sq.problem_id == 3 && sq.user_id == 9 && sq.contest_id == 1);
    CHECK(sq.page == 4 && !sq.has_per_page);
    CHECK(edge_v_submission_query("user_id=-2", &sq, &err) == -1);
    CHECK_CONTAINS(err.message, "`user_id`");
    CHECK(edge_v_submission_query("contest_id=1e3", &sq, &err) == -1);
    CHECK_CONTAINS(err.message, "`contest_id`");
}

static void problem_output_limit_interactor_and_subtasks_are_checked(void)
{
    edge_problem_t p;
    const char *base = "{\"title\":\"t\",\"statement_md\":\"\",\"time_limit_ms\":1,"
                       "\"memory_limit_kb\":1,";
    char text[512];
#define C(extra, field)                                                                            \
    snprintf(text, sizeof text, "%s%s}", base, extra);                                             \
    EXPECT_BAD(edge_v_problem(j, true, &p, &err), text, 400, field)
    C("\"output_limit_kb\":0", "output_limit_kb");
    C("\"checker\":{\"type\":\"tokens\",\"case_sensitive\":\"no\"}", "checker.case_sensitive");
    C("\"interactor\":{\"source\":\"x\"}", "interactor.language");
    C("\"interactor\":{\"language\":\"c\"}", "interactor.source");
    C("\"interactor\":{\"language\":\"c\",\"source\":\"x\",\"protocol\":\"testlib\"}",
      "interactor.protocol");
    C("\"subtasks\":{}", "subtasks");
    C("\"subtasks\":[{\"group\":\"\",\"points\":1}]", "subtasks[0].group");
    C("\"subtasks\":[{\"group\":\"a\",\"points\":-1}]", "subtasks[0].points");
#undef C
    snprintf(text, sizeof text, "%s%s}", base,
             "\"output_limit_kb\":1024,\"checker\":{\"type\":\"tokens\",\"case_sensitive\":false},"
             "\"interactor\":{\"language\":\"c\",\"source\":\"x\"},"
             "\"subtasks\":[{\"group\":\"a\",\"points\":40},{\"group\":\"b\",\"points\":60}]");
    edge_err_t err;
    json_t *j = J(text);
    CHECK(edge_v_problem(j, true, &p, &err) == 0);
    CHECK(p.has_output_limit && p.output_limit_kb == 1024 && p.interactor && p.subtasks);
    CHECK(p.n_fields == 8);
    json_decref(j);
}

static void test_group_and_rejudge_bodies_are_checked(void)
{
    edge_test_t t;
    EXPECT_BAD(edge_v_test(j, &t, &err), "{\"input\":\"\",\"output\":\"\",\"group\":\"\"}", 400,
               "group");
    EXPECT_BAD(edge_v_test(j, &t, &err), "{\"input\":\"\",\"output\":\"\",\"group\":7}", 400,
               "group");
    static edge_rejudge_t q;
    EXPECT_BAD(edge_v_rejudge(j, &q, &err), "{}", 400, "submission_ids");
    EXPECT_BAD(edge_v_rejudge(j, &q, &err), "{\"submission_ids\":[\"1\",-2]}", 400,
               "submission_ids[1]");
    EXPECT_BAD(edge_v_rejudge(j, &q, &err), "{\"problem_id\":\"x\"}", 400, "problem_id");
    edge_err_t err;
    json_t *j = J("{\"submission_ids\":[\"4\",5],\"contest_id\":\"9\"}");
    CHECK(edge_v_rejudge(j, &q, &err) == 0);
    CHECK(q.has_ids && q.n_ids == 2 && q.ids[0] == 4 && q.ids[1] == 5 && q.has_contest &&
          q.contest_id == 9 && !q.has_problem);
    json_decref(j);
    j = J("{\"input\":\"a\",\"output\":\"b\",\"group\":\"g1\"}");
    CHECK(edge_v_test(j, &t, &err) == 0 && t.group && strcmp(t.group, "g1") == 0);
    json_decref(j);
}

int main(void)
{
    RUN(register_accepts_a_good_body);
    RUN(register_names_each_bad_field);
    RUN(password_length_counts_characters);
    RUN(login_needs_two_strings);
    RUN(submission_accepts_ids_as_strings_or_numbers);
    RUN(submission_names_each_bad_field);
    RUN(submission_source_over_the_limit_is_413);
    RUN(problem_create_needs_all_core_fields);
    RUN(problem_checker_is_checked);
    RUN(problem_update_takes_any_subset);
    RUN(test_case_needs_input_and_output);
    RUN(queries_are_parsed_and_named);
    RUN(problem_output_limit_interactor_and_subtasks_are_checked);
    RUN(test_group_and_rejudge_bodies_are_checked);
    return TEST_SUMMARY();
}
