/*  CLICS — the read-only ICPC Contest API (2023-06) under /api (API.md "ICPC Contest API").
 *
 *  Every endpoint is built on request from the contest actor's replies (contest.get, .users,
 *  .subs, .clarifications, .scoreboard, .events) by the pure mappers in clics.h, which also
 *  lists the id scheme. A token is optional and used when present: anonymous callers and
 *  contestants get the public scoreboard, contestants see their own submissions (judgements,
 *  runs) only and anonymous callers none; jury and admin see everything. Submissions of users
 *  who are not registered (staff trying a problem) are left out, so every team_id names a
 *  team. Errors keep this API's own {"error":{code,message}} shape.
 *
 *  The event feed is in routes_clics_feed.c; what both files share is in routes_clics.h.
 */
#include "auth.h"
#include "clics.h"
#include "gv_log.h"
#include "json_mp.h"
#include "routes.h"
#include "routes_clics.h"
#include "validate.h"

#include <civetweb.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CLICS_VERSION "2023-06"
#define CLICS_VERSION_URL "https://ccs-specs.icpc.io/2023-06/contest_api"
#define SUBS_PER_PAGE 1000   /* contest.subs' largest page */
#define SUBS_MAX_PAGES 10000 /* 10 M submissions: more than any contest has */
#define CONTESTS_PER_PAGE 500
#define CONTESTS_MAX 1000
#define MAX_LANGS 64
#define ID_MAX 24

static const char *const s_staff[] = {"jury", "admin", NULL};

/* ---- small helpers --------------------------------------------------------------------- */

void clics_oom(edge_req_t *r)
{
    edge_req_error(r, 503, "unavailable", "the edge is out of memory; retry later");
}

/* Answers with j (stolen); NULL means out of memory. */
static void s_send_json(edge_req_t *r, json_t *j)
{
    if (!j) {
        clics_oom(r);
        return;
    }
    edge_buf_t *out = edge_req_out(r);
    edge_buf_reset(out, EDGE_BUF_KEEP);
    size_t n = json_dumpb(j, NULL, 0, CLICS_DUMP_FLAGS);
    if (n == 0 || edge_buf_reserve(out, n) != 0) {
        json_decref(j);
        clics_oom(r);
        return;
    }
    json_dumpb(j, out->data + out->len, n, CLICS_DUMP_FLAGS);
    out->len += n;
    json_decref(j);
    r->status = 200;
    r->content_type = NULL;
}

/* Answers with the element of `array` (stolen) whose "id" is `id`, or 404. */
static void s_send_item(edge_req_t *r, json_t *array, const char *id, const char *what)
{
    if (!array) {
        clics_oom(r);
        return;
    }
    size_t i;
    json_t *e;
    json_array_foreach(array, i, e)
    {
        const char *eid = json_string_value(json_object_get(e, "id"));
        if (eid && strcmp(eid, id) == 0) {
            json_incref(e);
            json_decref(array);
            s_send_json(r, e);
            return;
        }
    }
    json_decref(array);
    edge_req_error(r, 404, "not_found", "contest %" PRIu64 " has no %s with id %s", r->id, what,
                   id);
}

static void s_id2(const edge_req_t *r, char *buf)
{
    snprintf(buf, ID_MAX, "%" PRIu64, r->id2);
}

/* The last segment of the request path (for the literal item routes). */
static const char *s_last_segment(const edge_req_t *r)
{
    const char *p = r->ri->local_uri ? r->ri->local_uri : "";
    const char *slash = strrchr(p, '/');
    return slash ? slash + 1 : p;
}

bool clics_idset_has(const clics_idset_t *s, uint64_t id)
{
    size_t lo = 0, hi = s->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (s->v[mid] == id) return true;
        if (s->v[mid] < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return false;
}

int clics_idset_add(clics_idset_t *s, uint64_t id)
{
    if (clics_idset_has(s, id)) return 0;
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 64;
        uint64_t *v = realloc(s->v, cap * sizeof *v);
        if (!v) return -1;
        s->v = v;
        s->cap = cap;
    }
    size_t i = s->n;
    while (i > 0 && s->v[i - 1] > id) {
        s->v[i] = s->v[i - 1];
        i--;
    }
    s->v[i] = id;
    s->n++;
    return 0;
}

void clics_idset_free(clics_idset_t *s)
{
    free(s->v);
    memset(s, 0, sizeof *s);
}

/* ---- fetching -------------------------------------------------------------------------- */

void clics_ctx_done(clics_ctx_t *x)
{
    gv_msg_destroy(&x->reply);
}

/* Checks the optional token and loads contest r->id. 0 / -1 (response in place). */
int clics_ctx_load(edge_req_t *r, clics_ctx_t *x)
{
    memset(x, 0, sizeof *x);
    if (edge_req_auth(r, false) != 0) return -1;
    x->staff = r->signed_in && edge_role_in(r->claims.role, s_staff);
    gv_writer_t *w = edge_contest_begin(r, r->id, "contest.get", 0);
    if (!w) return -1;
    x->reply = edge_req_call(r, &w);
    if (!x->reply) return -1;
    if (gv_reply_status(x->reply) != 200) {
        edge_req_reply_consume(r, &x->reply);
        return -1;
    }
    x->contest = gv_reply_data(x->reply);
    if (clics_contest_parse(x->contest, &x->c) != 0) {
        clics_ctx_done(x);
        edge_req_error(r, 503, "unavailable", "contest %" PRIu64 " sent a definition this edge "
                       "cannot read", r->id);
        return -1;
    }
    return 0;
}

/* A body-less request to contest r->id; the 200 reply, or NULL (response in place). */
gv_msg_t *clics_ask(edge_req_t *r, const char *type)
{
    gv_writer_t *w = edge_contest_begin(r, r->id, type, 0);
    if (!w) return NULL;
    gv_msg_t *reply = edge_req_call(r, &w);
    if (reply && gv_reply_status(reply) != 200) {
        edge_req_reply_consume(r, &reply);
        return NULL;
    }
    return reply;
}

const msgpack_object *clics_items(const gv_msg_t *reply)
{
    const msgpack_object *items = gv_obj_get(gv_reply_data(reply), "items");
    return items && items->type == MSGPACK_OBJECT_ARRAY ? items : NULL;
}

/* Registered users' ids into `teams`. 0 / -1 (response in place, or out of memory). */
int clics_team_ids(const gv_msg_t *users, clics_idset_t *teams)
{
    const msgpack_object *items = clics_items(users);
    for (uint32_t i = 0; items && i < items->via.array.size; i++) {
        uint64_t id;
        if (clics_obj_id(&items->via.array.ptr[i], "user_id", &id) && clics_idset_add(teams, id) != 0)
            return -1;
    }
    return 0;
}

json_t *clics_teams_list(const gv_msg_t *users)
{
    json_t *a = json_array();
    const msgpack_object *items = clics_items(users);
    for (uint32_t i = 0; a && items && i < items->via.array.size; i++) {
        json_t *t = clics_team_json(&items->via.array.ptr[i]);
        if (t && json_array_append_new(a, t) != 0) {
            json_decref(a);
            return NULL;
        }
    }
    return a;
}

/* A problems-actor request about one problem; NULL when it failed (response in place) or
 * the problem does not exist (*missing). */
static gv_msg_t *s_problem_call(edge_req_t *r, const char *type, const char *key, uint64_t pid,
                                bool *missing)
{
    *missing = false;
    gv_writer_t *w = edge_req_begin_viewer(r, "problems", type, 1);
    if (!w) return NULL;
    gv_pk_kv_uint(gv_writer_pk(w), key, pid);
    gv_msg_t *reply = edge_req_call(r, &w);
    if (!reply) return NULL;
    if (gv_reply_status(reply) == 404) {
        *missing = true;
        gv_msg_destroy(&reply);
        return NULL;
    }
    if (gv_reply_status(reply) != 200) {
        edge_req_reply_consume(r, &reply);
        return NULL;
    }
    return reply;
}

/* The contest's problems, each with its title, time limit and number of tests. */
json_t *clics_problems_list(edge_req_t *r, const clics_ctx_t *x, bool *failed)
{
    *failed = false;
    json_t *a = json_array();
    const msgpack_object *ps = gv_obj_get(x->contest, "problems");
    for (uint32_t i = 0; a && ps && ps->type == MSGPACK_OBJECT_ARRAY && i < ps->via.array.size;
         i++) {
        const msgpack_object *cp = &ps->via.array.ptr[i];
        uint64_t pid;
        if (!clics_obj_id(cp, "problem_id", &pid)) continue;
        bool missing;
        gv_msg_t *get = s_problem_call(r, "problems.get", "id", pid, &missing);
        if (!get && !missing) goto fail;
        gv_msg_t *man = get ? s_problem_call(r, "problems.manifest", "problem_id", pid, &missing)
                            : NULL;
        if (get && !man && !missing) {
            gv_msg_destroy(&get);
            goto fail;
        }
        const msgpack_object *tests = man ? gv_obj_get(gv_reply_data(man), "tests") : NULL;
        int64_t count = tests && tests->type == MSGPACK_OBJECT_ARRAY
                            ? (int64_t)tests->via.array.size
                            : -1;
        json_t *p = clics_problem_json(cp, i + 1, get ? gv_reply_data(get) : NULL, count, &x->c);
        gv_msg_destroy(&get);
        gv_msg_destroy(&man);
        if (p && json_array_append_new(a, p) != 0) {
            json_decref(a);
            return NULL;
        }
    }
    return a;
fail:
    json_decref(a);
    *failed = true;
    return NULL;
}

/* Languages: those cluster.toml lists, then any other a live judge offers (broker.judges). A
 * broker that does not answer leaves the list from cluster.toml. */
json_t *clics_languages_list(edge_req_t *r)
{
    struct {
        char id[33], name[65];
    } langs[MAX_LANGS];
    size_t n = 0;
    const gv_config_t *cfg = r->edge->cfg;
    for (size_t i = 0; cfg && i < cfg->n_langs && n < MAX_LANGS; i++) {
        snprintf(langs[n].id, sizeof langs[n].id, "%s", cfg->langs[i].id);
        snprintf(langs[n].name, sizeof langs[n].name, "%s",
                 cfg->langs[i].name ? cfg->langs[i].name : "");
        n++;
    }
    gv_writer_t *w = edge_req_begin(r, "broker", "broker.judges", 0);
    gv_msg_t *reply = w ? edge_req_call(r, &w) : NULL;
    const msgpack_object *judges = reply ? gv_reply_data(reply) : NULL;
    for (uint32_t j = 0; judges && judges->type == MSGPACK_OBJECT_ARRAY && j < judges->via.array.size;
         j++) {
        const msgpack_object *judge = &judges->via.array.ptr[j];
        if (gv_obj_str_eq(gv_obj_get(judge, "state"), "lost")) continue;
        const msgpack_object *lists[2] = {gv_obj_get(judge, "language_info"),
                                          gv_obj_get(judge, "languages")};
        for (int l = 0; l < 2; l++) {
            const msgpack_object *a = lists[l];
            for (uint32_t k = 0; a && a->type == MSGPACK_OBJECT_ARRAY && k < a->via.array.size;
                 k++) {
                const msgpack_object *e = &a->via.array.ptr[k];
                const msgpack_object *id = l == 0 ? gv_obj_get(e, "id") : e;
                const msgpack_object *name = l == 0 ? gv_obj_get(e, "name") : NULL;
                if (!id || id->type != MSGPACK_OBJECT_STR || id->via.str.size == 0 ||
                    id->via.str.size >= sizeof langs[0].id)
                    continue;
                bool known = false;
                for (size_t q = 0; q < n && !known; q++)
                    known = strlen(langs[q].id) == id->via.str.size &&
                            memcmp(langs[q].id, id->via.str.ptr, id->via.str.size) == 0;
                if (known || n >= MAX_LANGS) continue;
                memcpy(langs[n].id, id->via.str.ptr, id->via.str.size);
                langs[n].id[id->via.str.size] = '\0';
                langs[n].name[0] = '\0';
                if (name && name->type == MSGPACK_OBJECT_STR &&
                    name->via.str.size < sizeof langs[n].name) {
                    memcpy(langs[n].name, name->via.str.ptr, name->via.str.size);
                    langs[n].name[name->via.str.size] = '\0';
                }
                n++;
            }
        }
    }
    gv_msg_destroy(&reply);
    json_t *a = json_array();
    for (size_t i = 0; a && i < n; i++) {
        json_t *l = clics_language_json(langs[i].id, langs[i].name[0] ? langs[i].name : NULL);
        if (!l || json_array_append_new(a, l) != 0) {
            json_decref(a);
            return NULL;
        }
    }
    return a;
}

typedef int (*csub_fn)(const msgpack_object *csub, const clics_ctx_t *x, json_t *out);

/* Calls fn on every submission of the contest the caller may see whose author is a team.
 * Anonymous callers see none. 0 / -1 (response in place). */
static int s_each_csub(edge_req_t *r, const clics_ctx_t *x, csub_fn fn, json_t *out)
{
    if (!r->signed_in) return 0;
    gv_msg_t *users = clics_ask(r, "contest.users");
    if (!users) return -1;
    clics_idset_t teams = {0};
    int rc = clics_team_ids(users, &teams);
    gv_msg_destroy(&users);
    if (rc != 0) {
        clics_oom(r);
        goto done;
    }
    uint64_t seen = 0;
    for (uint64_t page = 1; page <= SUBS_MAX_PAGES; page++) {
        rc = -1;
        gv_writer_t *w = edge_contest_begin(r, r->id, "contest.subs", 2);
        if (!w) goto done;
        gv_pk_kv_uint(gv_writer_pk(w), "page", page);
        gv_pk_kv_uint(gv_writer_pk(w), "per_page", SUBS_PER_PAGE);
        gv_msg_t *reply = edge_req_call(r, &w);
        if (!reply) goto done;
        if (gv_reply_status(reply) != 200) {
            edge_req_reply_consume(r, &reply);
            goto done;
        }
        const msgpack_object *items = clics_items(reply);
        uint64_t total = 0;
        const msgpack_object *t = gv_obj_get(gv_reply_data(reply), "total");
        if (t && t->type == MSGPACK_OBJECT_POSITIVE_INTEGER) total = t->via.u64;
        uint32_t n = items ? items->via.array.size : 0;
        rc = 0;
        for (uint32_t i = 0; i < n && rc == 0; i++) {
            uint64_t uid;
            const msgpack_object *csub = &items->via.array.ptr[i];
            if (clics_obj_id(csub, "user_id", &uid) && clics_idset_has(&teams, uid))
                rc = fn(csub, x, out);
        }
        gv_msg_destroy(&reply);
        if (rc != 0) {
            clics_oom(r);
            goto done;
        }
        seen += n;
        if (n == 0 || seen >= total) break;
    }
    rc = 0;
done:
    clics_idset_free(&teams);
    return rc;
}

static int s_add_submission(const msgpack_object *csub, const clics_ctx_t *x, json_t *out)
{
    json_t *j = clics_submission_json(csub, &x->c);
    return j ? json_array_append_new(out, j) : 0;
}

static int s_add_judgement(const msgpack_object *csub, const clics_ctx_t *x, json_t *out)
{
    json_t *j = clics_judgement_json(csub, &x->c);
    return j ? json_array_append_new(out, j) : 0;
}

static int s_add_runs(const msgpack_object *csub, const clics_ctx_t *x, json_t *out)
{
    json_t *runs = clics_runs_json(csub, &x->c);
    if (!runs) return -1;
    int rc = json_array_extend(out, runs);
    json_decref(runs);
    return rc;
}

/* The collection `fn` builds from the submissions, or NULL (response in place). */
static json_t *s_from_subs(edge_req_t *r, const clics_ctx_t *x, csub_fn fn)
{
    json_t *a = json_array();
    if (!a) {
        clics_oom(r);
        return NULL;
    }
    if (s_each_csub(r, x, fn, a) != 0) {
        json_decref(a);
        return NULL;
    }
    return a;
}

static json_t *s_clars_json(edge_req_t *r, const clics_ctx_t *x)
{
    gv_msg_t *reply = clics_ask(r, "contest.clarifications");
    if (!reply) return NULL;
    json_t *a = json_array();
    const msgpack_object *items = clics_items(reply);
    for (uint32_t i = 0; a && items && i < items->via.array.size; i++) {
        if (clics_clar_append(a, &items->via.array.ptr[i], &x->c) != 0) {
            json_decref(a);
            a = NULL;
        }
    }
    gv_msg_destroy(&reply);
    if (!a) clics_oom(r);
    return a;
}

/* ---- API information and contests ------------------------------------------------------ */

void edge_route_clics_api(edge_req_t *r)
{
    json_t *j = json_pack("{s:s, s:s, s:{s:s}}", "version", CLICS_VERSION, "version_url",
                          CLICS_VERSION_URL, "provider", "name", "Gavel");
    s_send_json(r, j);
}

/* One contest.get per listed contest (penalty and the rest are not in the summaries). */
void edge_route_clics_contests(edge_req_t *r)
{
    if (edge_req_auth(r, false) != 0) return;
    json_t *a = json_array();
    if (!a) {
        clics_oom(r);
        return;
    }
    uint64_t seen = 0;
    for (uint64_t page = 1; seen < CONTESTS_MAX; page++) {
        gv_writer_t *w = edge_req_begin(r, "contests", "contests.list", 2);
        if (!w) goto fail;
        gv_pk_kv_uint(gv_writer_pk(w), "page", page);
        gv_pk_kv_uint(gv_writer_pk(w), "per_page", CONTESTS_PER_PAGE);
        gv_msg_t *list = edge_req_call(r, &w);
        if (!list) goto fail;
        if (gv_reply_status(list) != 200) {
            edge_req_reply_consume(r, &list);
            goto fail;
        }
        const msgpack_object *items = clics_items(list);
        uint32_t n = items ? items->via.array.size : 0;
        for (uint32_t i = 0; i < n && seen < CONTESTS_MAX; i++, seen++) {
            uint64_t id;
            if (!clics_obj_id(&items->via.array.ptr[i], "id", &id)) continue;
            gv_writer_t *cw = edge_contest_begin(r, id, "contest.get", 0);
            gv_msg_t *reply = cw ? edge_req_call(r, &cw) : NULL;
            clics_contest_t c;
            if (reply && gv_reply_status(reply) == 200 &&
                clics_contest_parse(gv_reply_data(reply), &c) == 0) {
                json_t *j = clics_contest_json(gv_reply_data(reply), &c);
                if (j) json_array_append_new(a, j);
            }
            gv_msg_destroy(&reply);
        }
        gv_msg_destroy(&list);
        if (n < CONTESTS_PER_PAGE) break;
    }
    s_send_json(r, a);
    return;
fail:
    json_decref(a);
}

void edge_route_clics_contest(edge_req_t *r)
{
    clics_ctx_t x;
    if (clics_ctx_load(r, &x) != 0) return;
    s_send_json(r, clics_contest_json(x.contest, &x.c));
    clics_ctx_done(&x);
}

void edge_route_clics_state(edge_req_t *r)
{
    clics_ctx_t x;
    if (clics_ctx_load(r, &x) != 0) return;
    s_send_json(r, clics_state_json(&x.c, gv_now_ms()));
    clics_ctx_done(&x);
}

/* ---- configuration --------------------------------------------------------------------- */

void edge_route_clics_judgement_types(edge_req_t *r)
{
    clics_ctx_t x;
    if (clics_ctx_load(r, &x) != 0) return;
    s_send_json(r, clics_judgement_types_json());
    clics_ctx_done(&x);
}

void edge_route_clics_judgement_type(edge_req_t *r)
{
    clics_ctx_t x;
    if (clics_ctx_load(r, &x) != 0) return;
    s_send_item(r, clics_judgement_types_json(), s_last_segment(r), "judgement type");
    clics_ctx_done(&x);
}

void edge_route_clics_languages(edge_req_t *r)
{
    clics_ctx_t x;
    if (clics_ctx_load(r, &x) != 0) return;
    s_send_json(r, clics_languages_list(r));
    clics_ctx_done(&x);
}

void edge_route_clics_language(edge_req_t *r)
{
    clics_ctx_t x;
    if (clics_ctx_load(r, &x) != 0) return;
    s_send_item(r, clics_languages_list(r), s_last_segment(r), "language");
    clics_ctx_done(&x);
}

static void s_problems_route(edge_req_t *r, bool item)
{
    clics_ctx_t x;
    if (clics_ctx_load(r, &x) != 0) return;
    bool failed;
    json_t *a = clics_problems_list(r, &x, &failed);
    if (!failed) {
        char id[ID_MAX];
        s_id2(r, id);
        if (item)
            s_send_item(r, a, id, "problem");
        else
            s_send_json(r, a);
    }
    clics_ctx_done(&x);
}

void edge_route_clics_problems(edge_req_t *r)
{
    s_problems_route(r, false);
}

void edge_route_clics_problem(edge_req_t *r)
{
    s_problems_route(r, true);
}

static void s_teams_route(edge_req_t *r, bool item)
{
    clics_ctx_t x;
    if (clics_ctx_load(r, &x) != 0) return;
    gv_msg_t *users = clics_ask(r, "contest.users");
    if (users) {
        char id[ID_MAX];
        s_id2(r, id);
        if (item)
            s_send_item(r, clics_teams_list(users), id, "team");
        else
            s_send_json(r, clics_teams_list(users));
        gv_msg_destroy(&users);
    }
    clics_ctx_done(&x);
}

void edge_route_clics_teams(edge_req_t *r)
{
    s_teams_route(r, false);
}

void edge_route_clics_team(edge_req_t *r)
{
    s_teams_route(r, true);
}

/* ---- live data ------------------------------------------------------------------------- */

static void s_subs_route(edge_req_t *r, csub_fn fn, const char *what, bool item)
{
    clics_ctx_t x;
    if (clics_ctx_load(r, &x) != 0) return;
    json_t *a = s_from_subs(r, &x, fn);
    if (a) {
        char id[ID_MAX];
        s_id2(r, id);
        if (item)
            s_send_item(r, a, id, what);
        else
            s_send_json(r, a);
    }
    clics_ctx_done(&x);
}

void edge_route_clics_submissions(edge_req_t *r)
{
    s_subs_route(r, s_add_submission, "submission", false);
}

void edge_route_clics_submission(edge_req_t *r)
{
    s_subs_route(r, s_add_submission, "submission", true);
}

void edge_route_clics_judgements(edge_req_t *r)
{
    s_subs_route(r, s_add_judgement, "judgement", false);
}

void edge_route_clics_judgement(edge_req_t *r)
{
    s_subs_route(r, s_add_judgement, "judgement", true);
}

void edge_route_clics_runs(edge_req_t *r)
{
    s_subs_route(r, s_add_runs, "run", false);
}

void edge_route_clics_run(edge_req_t *r)
{
    s_subs_route(r, s_add_runs, "run", true);
}

static void s_clars_route(edge_req_t *r, bool item)
{
    clics_ctx_t x;
    if (clics_ctx_load(r, &x) != 0) return;
    json_t *a = s_clars_json(r, &x);
    if (a) {
        char id[ID_MAX];
        s_id2(r, id);
        if (item)
            s_send_item(r, a, id, "clarification");
        else
            s_send_json(r, a);
    }
    clics_ctx_done(&x);
}

void edge_route_clics_clarifications(edge_req_t *r)
{
    s_clars_route(r, false);
}

void edge_route_clics_clarification(edge_req_t *r)
{
    s_clars_route(r, true);
}

/* Jury and admin see the live board (?view=public shows them the public one). */
void edge_route_clics_scoreboard(edge_req_t *r)
{
    clics_ctx_t x;
    if (clics_ctx_load(r, &x) != 0) return;
    edge_err_t err;
    int asked = edge_v_view_query(r->query, &err);
    if (asked < 0) {
        edge_req_fail(r, &err);
        clics_ctx_done(&x);
        return;
    }
    bool jury = x.staff && asked != EDGE_VIEW_PUBLIC;
    /* the actor answers a page of rows at a time: join the pages' rows */
    json_t *board = NULL;
    uint64_t offset = 0, total = 0;
    do {
        gv_writer_t *w = edge_contest_begin(r, r->id, "contest.scoreboard", 2);
        gv_msg_t *reply = NULL;
        if (w) {
            gv_pk_kv_str(gv_writer_pk(w), "view", jury ? "jury" : "public");
            gv_pk_kv_uint(gv_writer_pk(w), "offset", offset);
            reply = edge_req_call(r, &w);
        }
        if (!reply) break;
        if (gv_reply_status(reply) != 200) {
            edge_req_reply_consume(r, &reply);
            json_decref(board);
            board = NULL;
            break;
        }
        const msgpack_object *data = gv_reply_data(reply);
        int64_t t = gv_obj_int(gv_obj_get(data, "total"), 0);
        total = t > 0 ? (uint64_t)t : 0;
        const msgpack_object *rows = gv_obj_get(data, "rows");
        uint32_t n = rows && rows->type == MSGPACK_OBJECT_ARRAY ? rows->via.array.size : 0;
        json_t *page = clics_scoreboard_json(data, x.contest, &x.c, gv_now_ms());
        gv_msg_destroy(&reply);
        if (!page) { /* out of memory */
            json_decref(board);
            board = NULL;
            clics_oom(r);
            break;
        }
        if (!board) {
            board = page;
        } else {
            json_array_extend(json_object_get(board, "rows"), json_object_get(page, "rows"));
            json_decref(page);
        }
        offset += n;
        if (n == 0) break;
    } while (offset < total);
    if (board) s_send_json(r, board);
    clics_ctx_done(&x);
}
