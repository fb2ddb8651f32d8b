/*  edge router: templates, decimal ids, 404 vs 405 (+Allow), metric labels. */
#include "gv_test.h"
#include "router.h"
#include "routes.h"

#include <string.h>

static void s_nop(struct edge_req *r)
{
    (void)r;
}

static const edge_route_t T[] = {
    {EDGE_GET, "/api/v1/problems", s_nop},             /* 0 */
    {EDGE_POST, "/api/v1/problems", s_nop},            /* 1 */
    {EDGE_POST, "/api/v1/problems/import", s_nop},     /* 2: literal before {id} */
    {EDGE_GET, "/api/v1/problems/{id}", s_nop},        /* 3 */
    {EDGE_PUT, "/api/v1/problems/{id}", s_nop},        /* 4 */
    {EDGE_DELETE, "/api/v1/problems/{id}", s_nop},     /* 5 */
    {EDGE_POST, "/api/v1/problems/{id}/tests", s_nop}, /* 6 */
    {EDGE_GET, "/a/{id}/b/{id}", s_nop},               /* 7 */
    {EDGE_GET, "/healthz", s_nop},                     /* 8 */
};
#define N (sizeof T / sizeof T[0])

static edge_match_t M(edge_method_t method, const char *path)
{
    edge_match_t m;
    edge_router_match(T, N, method, path, &m);
    return m;
}

static void exact_paths_match(void)
{
    edge_match_t m = M(EDGE_GET, "/api/v1/problems");
    CHECK(m.kind == EDGE_MATCH_OK && m.route == 0 && m.label == 0 && m.n_ids == 0);
    m = M(EDGE_POST, "/api/v1/problems");
    CHECK(m.kind == EDGE_MATCH_OK && m.route == 1 && m.label == 0);
    m = M(EDGE_GET, "/healthz");
    CHECK(m.kind == EDGE_MATCH_OK && m.route == 8);
}

static void ids_are_decimal_uint64(void)
{
    edge_match_t m = M(EDGE_GET, "/api/v1/problems/42");
    CHECK(m.kind == EDGE_MATCH_OK && m.route == 3 && m.n_ids == 1 && m.ids[0] == 42);
    m = M(EDGE_GET, "/api/v1/problems/18446744073709551615");
    CHECK(m.kind == EDGE_MATCH_OK && m.ids[0] == UINT64_MAX);
    m = M(EDGE_GET, "/api/v1/problems/0");
    CHECK(m.kind == EDGE_MATCH_OK && m.ids[0] == 0);
    const char *bad[] = {"/api/v1/problems/18446744073709551616",
                         "/api/v1/problems/-1",
                         "/api/v1/problems/+1",
                         "/api/v1/problems/4x",
                         "/api/v1/problems/x4",
                         "/api/v1/problems/1.0",
                         "/api/v1/problems/ 1",
                         "/api/v1/problems//tests"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        m = M(EDGE_GET, bad[i]);
        CHECK(m.kind == EDGE_MATCH_NOT_FOUND);
        CHECK(m.label == N); /* "unmatched": never a raw path in metrics */
    }
    m = M(EDGE_GET, "/a/1/b/2");
    CHECK(m.kind == EDGE_MATCH_OK && m.n_ids == 2 && m.ids[0] == 1 && m.ids[1] == 2);
    m = M(EDGE_GET, "/a/1/b/z");
    CHECK(m.kind == EDGE_MATCH_NOT_FOUND);
}

static void literals_win_over_ids(void)
{
    edge_match_t m = M(EDGE_POST, "/api/v1/problems/import");
    CHECK(m.kind == EDGE_MATCH_OK && m.route == 2);
    m = M(EDGE_GET, "/api/v1/problems/import"); /* literal template has POST only */
    CHECK(m.kind == EDGE_MATCH_METHOD);
    CHECK_STR(m.allow, "POST");
}

static void shape_must_match_exactly(void)
{
    const char *bad[] = {"/api/v1/problems/",
                         "/api/v1/problem",
                         "/api/v1/problems/1/",
                         "/api/v1/problems/1/x",
                         "/API/v1/problems",
                         "",
                         "/",
                         "api/v1/problems",
                         "/api/v1/problems/1/tests/2",
                         "/healthz/",
                         "/healthzz"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        CHECK(M(EDGE_GET, bad[i]).kind == EDGE_MATCH_NOT_FOUND);
    edge_match_t m;
    edge_router_match(T, N, EDGE_GET, NULL, &m);
    CHECK(m.kind == EDGE_MATCH_NOT_FOUND);
}

static void wrong_method_is_405_with_allow(void)
{
    edge_match_t m = M(EDGE_POST, "/api/v1/problems/7");
    CHECK(m.kind == EDGE_MATCH_METHOD);
    CHECK_STR(m.allow, "GET, PUT, DELETE");
    CHECK(m.label == 3);
    m = M(EDGE_DELETE, "/api/v1/problems");
    CHECK(m.kind == EDGE_MATCH_METHOD);
    CHECK_STR(m.allow, "GET, POST");
    m = M(EDGE_GET, "/api/v1/problems/7/tests");
    CHECK(m.kind == EDGE_MATCH_METHOD);
    CHECK_STR(m.allow, "POST");
    CHECK(m.label == 6);
    m = M(EDGE_OTHER, "/healthz");
    CHECK(m.kind == EDGE_MATCH_METHOD);
    CHECK_STR(m.allow, "GET");
}

static void methods_parse(void)
{
    CHECK(edge_method_parse("GET") == EDGE_GET);
    CHECK(edge_method_parse("DELETE") == EDGE_DELETE);
    CHECK(edge_method_parse("get") == EDGE_OTHER);
    CHECK(edge_method_parse("PATCH") == EDGE_OTHER);
    CHECK(edge_method_parse(NULL) == EDGE_OTHER);
    CHECK_STR(edge_method_name(EDGE_PUT), "PUT");
}

static void parse_u64_edges(void)
{
    uint64_t v = 1;
    CHECK(edge_parse_u64("0", 1, &v) == 0 && v == 0);
    CHECK(edge_parse_u64("007", 3, &v) == 0 && v == 7);
    CHECK(edge_parse_u64("18446744073709551615", 20, &v) == 0 && v == UINT64_MAX);
    CHECK(edge_parse_u64("18446744073709551616", 20, &v) == -1);
    CHECK(edge_parse_u64("99999999999999999999", 20, &v) == -1);
    CHECK(edge_parse_u64("000000000000000000001", 21, &v) == -1);
    CHECK(edge_parse_u64("", 0, &v) == -1);
    CHECK(edge_parse_u64("12a", 3, &v) == -1);
    CHECK(edge_parse_u64("12", 1, &v) == 0 && v == 1); /* length-bounded */
}

static void the_api_table_routes_every_documented_path(void)
{
    struct {
        edge_method_t m;
        const char *path;
        const char *label;
    } cases[] = {
        {EDGE_POST, "/api/v1/auth/register", "/api/v1/auth/register"},
        {EDGE_POST, "/api/v1/auth/login", "/api/v1/auth/login"},
        {EDGE_POST, "/api/v1/auth/logout", "/api/v1/auth/logout"},
        {EDGE_GET, "/api/v1/users/me", "/api/v1/users/me"},
        {EDGE_GET, "/api/v1/problems", "/api/v1/problems"},
        {EDGE_POST, "/api/v1/problems", "/api/v1/problems"},
        {EDGE_GET, "/api/v1/problems/12", "/api/v1/problems/{id}"},
        {EDGE_PUT, "/api/v1/problems/12", "/api/v1/problems/{id}"},
        {EDGE_DELETE, "/api/v1/problems/12", "/api/v1/problems/{id}"},
        {EDGE_POST, "/api/v1/problems/12/tests", "/api/v1/problems/{id}/tests"},
        {EDGE_POST, "/api/v1/submissions", "/api/v1/submissions"},
        {EDGE_GET, "/api/v1/submissions", "/api/v1/submissions"},
        {EDGE_GET, "/api/v1/submissions/9001", "/api/v1/submissions/{id}"},
        {EDGE_GET, "/api/v1/languages", "/api/v1/languages"},
        {EDGE_GET, "/api/v1/admin/judges", "/api/v1/admin/judges"},
        {EDGE_GET, "/healthz", "/healthz"},
        {EDGE_GET, "/metrics", "/metrics"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        edge_match_t m;
        edge_router_match(edge_routes, edge_routes_n, cases[i].m, cases[i].path, &m);
        CHECK(m.kind == EDGE_MATCH_OK);
        if (m.kind == EDGE_MATCH_OK) {
            CHECK_STR(edge_route_labels[m.label], cases[i].label);
            CHECK(edge_routes[m.route].method == cases[i].m);
            CHECK(edge_routes[m.route].fn != NULL);
        }
    }
    edge_match_t m;
    edge_router_match(edge_routes, edge_routes_n, EDGE_OTHER, "/api/v1/submissions", &m);
    CHECK(m.kind == EDGE_MATCH_METHOD);
    CHECK_STR(m.allow, "POST, GET");
    edge_router_match(edge_routes, edge_routes_n, EDGE_GET, "/api/v1/submissions/abc", &m);
    CHECK(m.kind == EDGE_MATCH_NOT_FOUND);
}

int main(void)
{
    RUN(exact_paths_match);
    RUN(ids_are_decimal_uint64);
    RUN(literals_win_over_ids);
    RUN(shape_must_match_exactly);
    RUN(wrong_method_is_405_with_allow);
    RUN(methods_parse);
    RUN(parse_u64_edges);
    RUN(the_api_table_routes_every_documented_path);
    return TEST_SUMMARY();
}
