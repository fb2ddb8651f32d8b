/*  edge_routes — the route table of the HTTP API (API.md) and the handlers behind it.
 *
 *  Handlers live one file per area: routes_accounts.c, routes_problems.c,
 *  routes_import.c (problem packages), routes_submissions.c (and rejudge), routes_judges.c (languages, admin/judges), routes_system.c
 *  (healthz, metrics). Each takes an edge_req_t and leaves a complete response in it.
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

#endif
