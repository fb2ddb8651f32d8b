/*  edge_routes — the route table (see routes.h). Literal templates come before `{id}` ones
 *  that could shadow them. The router scans the table in order, so the hottest route (the
 *  contest scoreboard, benchmarked against a static file server) comes first. */
#include "routes.h"

#define ROUTES(X)                                                                                  \
    X(EDGE_GET, "/api/v1/contests/{id}/scoreboard", edge_route_contest_scoreboard)                 \
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
    X(EDGE_GET, "/api/v1/contests", edge_route_contests_list)                                      \
    X(EDGE_POST, "/api/v1/contests", edge_route_contests_create)                                   \
    X(EDGE_GET, "/api/v1/contests/{id}", edge_route_contest_get)                                   \
    X(EDGE_PUT, "/api/v1/contests/{id}", edge_route_contest_update)                                \
    X(EDGE_POST, "/api/v1/contests/{id}/register", edge_route_contest_register)                    \
    X(EDGE_GET, "/api/v1/contests/{id}/clarifications", edge_route_contest_clarifications)         \
    X(EDGE_POST, "/api/v1/contests/{id}/clarifications", edge_route_contest_clarify)               \
    X(EDGE_GET, "/api/v1/contests/{id}/announcements", edge_route_contest_announcements)           \
    X(EDGE_POST, "/api/v1/contests/{id}/announcements", edge_route_contest_announce)               \
    X(EDGE_POST, "/api/v1/contests/{id}/thaw", edge_route_contest_thaw)                            \
    X(EDGE_POST, "/api/v1/contests/{id}/finalize", edge_route_contest_finalize)                    \
    X(EDGE_GET, "/api/v1/contests/{id}/submissions", edge_route_contest_submissions)               \
    X(EDGE_GET, "/api", edge_route_clics_api)                                                      \
    X(EDGE_GET, "/api/", edge_route_clics_api)                                                     \
    X(EDGE_GET, "/api/contests", edge_route_clics_contests)                                        \
    X(EDGE_GET, "/api/contests/{id}", edge_route_clics_contest)                                    \
    X(EDGE_GET, "/api/contests/{id}/state", edge_route_clics_state)                                \
    X(EDGE_GET, "/api/contests/{id}/judgement-types", edge_route_clics_judgement_types)            \
    X(EDGE_GET, "/api/contests/{id}/judgement-types/AC", edge_route_clics_judgement_type)          \
    X(EDGE_GET, "/api/contests/{id}/judgement-types/WA", edge_route_clics_judgement_type)          \
    X(EDGE_GET, "/api/contests/{id}/judgement-types/TLE", edge_route_clics_judgement_type)         \
    X(EDGE_GET, "/api/contests/{id}/judgement-types/MLE", edge_route_clics_judgement_type)         \
    X(EDGE_GET, "/api/contests/{id}/judgement-types/RTE", edge_route_clics_judgement_type)         \
    X(EDGE_GET, "/api/contests/{id}/judgement-types/OLE", edge_route_clics_judgement_type)         \
    X(EDGE_GET, "/api/contests/{id}/judgement-types/CE", edge_route_clics_judgement_type)          \
    X(EDGE_GET, "/api/contests/{id}/judgement-types/JE", edge_route_clics_judgement_type)          \
    X(EDGE_GET, "/api/contests/{id}/languages", edge_route_clics_languages)                        \
    X(EDGE_GET, "/api/contests/{id}/languages/c", edge_route_clics_language)                       \
    X(EDGE_GET, "/api/contests/{id}/languages/cpp", edge_route_clics_language)                     \
    X(EDGE_GET, "/api/contests/{id}/languages/python3", edge_route_clics_language)                 \
    X(EDGE_GET, "/api/contests/{id}/languages/java", edge_route_clics_language)                    \
    X(EDGE_GET, "/api/contests/{id}/languages/rust", edge_route_clics_language)                    \
    X(EDGE_GET, "/api/contests/{id}/languages/javascript", edge_route_clics_language)              \
    X(EDGE_GET, "/api/contests/{id}/languages/pascal", edge_route_clics_language)                  \
    X(EDGE_GET, "/api/contests/{id}/problems", edge_route_clics_problems)                          \
    X(EDGE_GET, "/api/contests/{id}/problems/{id}", edge_route_clics_problem)                      \
    X(EDGE_GET, "/api/contests/{id}/teams", edge_route_clics_teams)                                \
    X(EDGE_GET, "/api/contests/{id}/teams/{id}", edge_route_clics_team)                            \
    X(EDGE_GET, "/api/contests/{id}/submissions", edge_route_clics_submissions)                    \
    X(EDGE_GET, "/api/contests/{id}/submissions/{id}", edge_route_clics_submission)                \
    X(EDGE_GET, "/api/contests/{id}/judgements", edge_route_clics_judgements)                      \
    X(EDGE_GET, "/api/contests/{id}/judgements/{id}", edge_route_clics_judgement)                  \
    X(EDGE_GET, "/api/contests/{id}/runs", edge_route_clics_runs)                                  \
    X(EDGE_GET, "/api/contests/{id}/runs/{id}", edge_route_clics_run)                              \
    X(EDGE_GET, "/api/contests/{id}/clarifications", edge_route_clics_clarifications)              \
    X(EDGE_GET, "/api/contests/{id}/clarifications/{id}", edge_route_clics_clarification)          \
    X(EDGE_GET, "/api/contests/{id}/scoreboard", edge_route_clics_scoreboard)                      \
    X(EDGE_GET, "/api/contests/{id}/event-feed", edge_route_clics_event_feed)                      \
    X(EDGE_GET, "/healthz", edge_route_healthz)                                                    \
    X(EDGE_GET, "/metrics", edge_route_metrics)

#define ENTRY(m, t, f) {m, t, f},
#define LABEL(m, t, f) t,

const edge_route_t edge_routes[] = {ROUTES(ENTRY)};
const size_t edge_routes_n = sizeof edge_routes / sizeof edge_routes[0];
const char *const edge_route_labels[] = {ROUTES(LABEL)};
