/*  edge_routes — the route table (see routes.h). Literal templates come before `{id}` ones
 *  that could shadow them. */
#include "routes.h"

#define ROUTES(X)                                                                                  \
    X(EDGE_POST, "/api/v1/auth/register", edge_route_register)                                     \
    X(EDGE_POST, "/api/v1/auth/login", edge_route_login)                                           \
    X(EDGE_POST, "/api/v1/auth/logout", edge_route_logout)                                         \
    X(EDGE_GET, "/api/v1/users/me", edge_route_me)                                                 \
    X(EDGE_GET, "/api/v1/problems", edge_route_problems_list)                                      \
    X(EDGE_POST, "/api/v1/problems", edge_route_problems_create)                                   \
    X(EDGE_POST, "/api/v1/problems/import", edge_route_problems_import)                            \
    X(EDGE_GET, "/api/v1/problems/{id}", edge_route_problem_get)                                   \
    X(EDGE_PUT, "/api/v1/problems/{id}", edge_route_problem_update)                                \
    X(EDGE_DELETE, "/api/v1/problems/{id}", edge_route_problem_delete)                             \
    X(EDGE_POST, "/api/v1/problems/{id}/tests", edge_route_problem_add_test)                       \
    X(EDGE_PUT, "/api/v1/problems/{id}/tests/{id}", edge_route_problem_set_test)                   \
    X(EDGE_GET, "/api/v1/problems/{id}/package-submissions", edge_route_problem_package_submissions) \
    X(EDGE_POST, "/api/v1/submissions", edge_route_submissions_create)                             \
    X(EDGE_GET, "/api/v1/submissions", edge_route_submissions_list)                                \
    X(EDGE_GET, "/api/v1/submissions/{id}", edge_route_submission_get)                             \
    X(EDGE_GET, "/api/v1/languages", edge_route_languages)                                         \
    X(EDGE_GET, "/api/v1/admin/judges", edge_route_admin_judges)                                   \
    X(EDGE_POST, "/api/v1/admin/rejudge", edge_route_admin_rejudge)                                \
    X(EDGE_GET, "/healthz", edge_route_healthz)                                                    \
    X(EDGE_GET, "/metrics", edge_route_metrics)

#define ENTRY(m, t, f) {m, t, f},
#define LABEL(m, t, f) t,

const edge_route_t edge_routes[] = {ROUTES(ENTRY)};
const size_t edge_routes_n = sizeof edge_routes / sizeof edge_routes[0];
const char *const edge_route_labels[] = {ROUTES(LABEL)};
