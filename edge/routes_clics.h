/*  routes_clics — what the CLICS routes (routes_clics.c) and the event feed
 *  (routes_clics_feed.c) share: loading the contest a request is about, asking its actor,
 *  and the collections the feed starts with. Private to those two files.
 *
 *  Every function that takes an edge_req_t and fails has put a complete error response in
 *  place (as request.h's helpers do).
 */
#ifndef EDGE_ROUTES_CLICS_H
#define EDGE_ROUTES_CLICS_H

#include "clics.h"
#include "request.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

/* The contest as one request sees it. */
typedef struct {
    gv_msg_t *reply; /* contest.get */
    const msgpack_object *contest;
    clics_contest_t c;
    bool staff; /* the caller is jury or admin */
} clics_ctx_t;

/* Checks the optional token and loads contest r->id. 0 / -1. */
int clics_ctx_load(edge_req_t *r, clics_ctx_t *x);
void clics_ctx_done(clics_ctx_t *x);

/* A body-less request `type` to contest r->id: its 200 reply, or NULL. */
gv_msg_t *clics_ask(edge_req_t *r, const char *type);
/* The `items` array of a reply's data, or NULL. */
const msgpack_object *clics_items(const gv_msg_t *reply);
void clics_oom(edge_req_t *r);

/* A sorted set of ids. */
typedef struct {
    uint64_t *v;
    size_t n, cap;
} clics_idset_t;
bool clics_idset_has(const clics_idset_t *s, uint64_t id);
int clics_idset_add(clics_idset_t *s, uint64_t id); /* 0 / -1 (out of memory) */
void clics_idset_free(clics_idset_t *s);

/* From a contest.users reply: the registered users' ids (0 / -1), and the CLICS teams. */
int clics_team_ids(const gv_msg_t *users, clics_idset_t *teams);
json_t *clics_teams_list(const gv_msg_t *users);
/* The contest's problems with title, time limit and test count (problems.get and
 * problems.manifest each); NULL with *failed when a request failed, NULL alone on OOM. */
json_t *clics_problems_list(edge_req_t *r, const clics_ctx_t *x, bool *failed);
/* The languages cluster.toml lists, then any other a live judge offers. */
json_t *clics_languages_list(edge_req_t *r);

#endif
