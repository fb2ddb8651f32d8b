/*  edge_routes — the route table of the HTTP API (API.md) and the handlers behind it.
 *
 *  Handlers live one file per area: routes_accounts.c, routes_problems.c,
 *  routes_import.c (problem packages), routes_submissions.c (and rejudge), routes_judges.c (languages, admin/judges), routes_system.c
 *  (healthz, metrics), routes_contests.c (contests, scoreboard, clarifications),
 *  routes_clics.c (the read-only ICPC CLICS API under /api/contests). Each takes an edge_req_t and leaves a complete response in it.
 */
#ifndef EDGE_ROUTES_H
#define EDGE_ROUTES_H

#include "request.h"
#include "router.h"

extern const edge_route_t edge_routes[];
extern const size_t edge_routes_n;
/* Metric label of each table entry (its template). */
extern const char *const edge_route_labels[];

void edge_route_register(edge_req_t *r);
void edge_route_login(edge_req_t *r);
void edge_route_logout(edge_req_t *r);
void edge_route_me(edge_req_t *r);

void edge_route_problems_list(edge_req_t *r);
void edge_route_problems_create(edge_req_t *r);
void edge_route_problem_get(edge_req_t *r);
void edge_route_problem_update(edge_req_t *r);
void edge_route_problem_delete(edge_req_t *r);
void edge_route_problem_add_test(edge_req_t *r);
void edge_route_problem_set_test(edge_req_t *r);
void edge_route_problems_import(edge_req_t *r);
void edge_route_problem_package_submissions(edge_req_t *r);

void edge_route_submissions_create(edge_req_t *r);
void edge_route_submissions_list(edge_req_t *r);
void edge_route_submission_get(edge_req_t *r);
void edge_route_admin_rejudge(edge_req_t *r);

void edge_route_languages(edge_req_t *r);
void edge_route_admin_judges(edge_req_t *r);

void edge_route_healthz(edge_req_t *r);
void edge_route_metrics(edge_req_t *r);

/* Contests (routes_contests.c). */
void edge_route_contests_list(edge_req_t *r);
void edge_route_contests_create(edge_req_t *r);
void edge_route_contest_get(edge_req_t *r);
void edge_route_contest_update(edge_req_t *r);
void edge_route_contest_register(edge_req_t *r);
void edge_route_contest_scoreboard(edge_req_t *r);
void edge_route_contest_clarifications(edge_req_t *r);
void edge_route_contest_clarify(edge_req_t *r);
void edge_route_contest_announcements(edge_req_t *r);
void edge_route_contest_announce(edge_req_t *r);
void edge_route_contest_thaw(edge_req_t *r);
void edge_route_contest_finalize(edge_req_t *r);
void edge_route_contest_submissions(edge_req_t *r);

/* The role an anonymous caller has towards contest actors (which take a request without
 * caller_role as one from inside the cluster). */
#define EDGE_ROLE_ANONYMOUS "anonymous"
/* edge_req_begin towards contest/<contest_id>, naming anonymous callers. */
gv_writer_t *edge_contest_begin(edge_req_t *r, uint64_t contest_id, const char *type,
                                uint32_t body_fields);
/* POST /api/v1/submissions with contest_id: asks contest/<id> whether the caller may submit
 * to problem_id now. 0 admitted; -1 with the response in place (the actor's 403/404/429 as
 * it is, 429 with Retry-After). */
int edge_contest_admit(edge_req_t *r, uint64_t contest_id, uint64_t problem_id);

/* CLICS (routes_clics.c). Item endpoints of judgement types and languages are literal routes
 * (the router matches decimal ids only); they read the id from the path. */
void edge_route_clics_api(edge_req_t *r);
void edge_route_clics_contests(edge_req_t *r);
void edge_route_clics_contest(edge_req_t *r);
void edge_route_clics_state(edge_req_t *r);
void edge_route_clics_judgement_types(edge_req_t *r);
void edge_route_clics_judgement_type(edge_req_t *r);
void edge_route_clics_languages(edge_req_t *r);
void edge_route_clics_language(edge_req_t *r);
void edge_route_clics_problems(edge_req_t *r);
void edge_route_clics_problem(edge_req_t *r);
void edge_route_clics_teams(edge_req_t *r);
void edge_route_clics_team(edge_req_t *r);
void edge_route_clics_submissions(edge_req_t *r);
void edge_route_clics_submission(edge_req_t *r);
void edge_route_clics_judgements(edge_req_t *r);
void edge_route_clics_judgement(edge_req_t *r);
void edge_route_clics_runs(edge_req_t *r);
void edge_route_clics_run(edge_req_t *r);
void edge_route_clics_clarifications(edge_req_t *r);
void edge_route_clics_clarification(edge_req_t *r);
void edge_route_clics_scoreboard(edge_req_t *r);
void edge_route_clics_event_feed(edge_req_t *r);

/* Tells streaming responses (the CLICS event feed) to end; server.c calls it before it
 * stops civetweb, whose shutdown waits for every worker. */
void edge_route_streams_stop(void);

#endif
