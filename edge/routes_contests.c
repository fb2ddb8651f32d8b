/*  Contests: the v1 REST routes (API.md "Contests"; the actors' side is docs/CONTESTS.md).
 *
 *  Everything about a contest lives in its actor `contest/<id>`; the `contests` directory
 *  hands out ids and lists summaries. Creating: check the body, fetch every problem (it must
 *  exist, and its subtasks go into the definition), `contests.next_id`, `contest.define
 *  {create:true}`, `contests.put`. If the last step fails the contest exists but is not
 *  listed: the answer is 503 and the admin sends the definition again with PUT.
 *
 *  The scoreboard is the hot route. A hit in the sbcache (sbcache.h) costs no round trip, no
 *  JSON encoding and, for anonymous callers, no token check: one copy of the cached bytes into
 *  the response buffer. A miss asks the actor, renders its reply once and stores the bytes
 *  with the generation read before asking, so a board that changed meanwhile is not cached.
 *  Staff get the jury (live) board unless they ask for ?view=public; everyone else gets the
 *  public one, whatever they ask for.
 *
 *  GET .../announcements answers the announcements among the contest's clarifications
 *  ({items:[clar]} with kind "announcement" only).
 */
#include "auth.h"
#include "clics.h"
#include "gv_log.h"
#include "json_mp.h"
#include "routes.h"
#include "sbcache.h"
#include "validate.h"

#include <inttypes.h>
#include <pthread.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DIRECTORY "contests"

static const char *const s_staff[] = {"jury", "admin", NULL};
static const char *const s_admin[] = {"admin", NULL};

static bool s_is_staff(const edge_req_t *r)
{
    return r->signed_in && edge_role_in(r->claims.role, s_staff);
}

static void s_addr(char *buf, size_t len, uint64_t id)
{
    snprintf(buf, len, "contest/%" PRIu64, id);
}

static bool s_ok(const gv_msg_t *reply)
{
    unsigned st = gv_reply_status(reply);
    return st >= 200 && st < 300;
}

/* Contest actors treat a request without caller_role as one from inside the cluster (all
 * events, the jury board, every submission), so an anonymous caller is named as such. */
gv_writer_t *edge_contest_begin(edge_req_t *r, uint64_t contest_id, const char *type,
                                uint32_t body_fields)
{
    char to[GV_ADDR_MAX];
    s_addr(to, sizeof to, contest_id);
    if (r->signed_in) return edge_req_begin(r, to, type, body_fields);
    gv_writer_t *w = edge_req_begin(r, to, type, body_fields + 1);
    if (w) gv_pk_kv_str(gv_writer_pk(w), "caller_role", EDGE_ROLE_ANONYMOUS);
    return w;
}

/* Sends `type` with no body fields to contest r->id and answers with its reply. */
static void s_forward(edge_req_t *r, const char *type)
{
    gv_writer_t *w = edge_contest_begin(r, r->id, type, 0);
    if (!w) return;
    gv_msg_t *reply = edge_req_call(r, &w);
    if (reply) edge_req_reply_consume(r, &reply);
}

static void s_pack_page(msgpack_packer *pk, const edge_page_query_t *q)
{
    if (q->has_page) gv_pk_kv_uint(pk, "page", q->page);
    if (q->has_per_page) gv_pk_kv_uint(pk, "per_page", q->per_page);
}

/* ---- list, get, create, update --------------------------------------------------------- */

void edge_route_contests_list(edge_req_t *r)
{
    if (edge_req_auth(r, false) != 0) return;
    edge_page_query_t q;
    edge_err_t err;
    if (edge_v_page_query(r->query, &q, &err) != 0) {
        edge_req_fail(r, &err);
        return;
    }
    gv_writer_t *w = edge_req_begin(r, DIRECTORY, "contests.list", q.has_page + q.has_per_page);
    if (!w) return;
    s_pack_page(gv_writer_pk(w), &q);
    gv_msg_t *reply = edge_req_call(r, &w);
    if (reply) edge_req_reply_consume(r, &reply);
}

void edge_route_contest_get(edge_req_t *r)
{
    if (edge_req_auth(r, false) != 0) return;
    s_forward(r, "contest.get");
}

/* Fetches every problem of the definition into replies[i] (the caller destroys them). 0, or
 * -1 with the response in place: 400 naming problems[i].problem_id when one does not exist. */
static int s_fetch_problems(edge_req_t *r, const edge_contest_t *c, gv_msg_t **replies)
{
    for (size_t i = 0; i < c->n_problems; i++) {
        gv_writer_t *w = edge_req_begin(r, "problems", "problems.get", 1);
        if (!w) return -1;
        gv_pk_kv_uint(gv_writer_pk(w), "id", c->problems[i].problem_id);
        gv_msg_t *reply = edge_req_call(r, &w);
        if (!reply) return -1;
        unsigned st = gv_reply_status(reply);
        if (st == 404) {
            gv_msg_destroy(&reply);
            edge_req_error(r, 400, "invalid_field",
                           "`problems[%zu].problem_id`: problem %" PRIu64 " does not exist", i,
                           c->problems[i].problem_id);
            return -1;
        }
        if (st != 200) {
            edge_req_reply_consume(r, &reply);
            return -1;
        }
        const msgpack_object *sub = gv_obj_get(gv_reply_data(reply), "subtasks");
        if (sub && sub->type == MSGPACK_OBJECT_ARRAY &&
            sub->via.array.size > EDGE_CONTEST_SUBTASKS_MAX) {
            edge_req_error(r, 400, "invalid_field",
                           "`problems[%zu].problem_id`: problem %" PRIu64 " has %u subtasks; a "
                           "contest takes problems with at most %d",
                           i, c->problems[i].problem_id, sub->via.array.size,
                           EDGE_CONTEST_SUBTASKS_MAX);
            gv_msg_destroy(&reply);
            return -1;
        }
        replies[i] = reply;
    }
    return 0;
}

static void s_pack_points(msgpack_packer *pk, double points)
{
    gv_pk_key(pk, "points");
    if (points == floor(points) && points >= 0 && points <= EDGE_POINTS_MAX)
        msgpack_pack_uint64(pk, (uint64_t)points);
    else
        msgpack_pack_double(pk, points);
}

/* contest.define to contest/<id>; returns the reply (NULL with the response in place). */
static gv_msg_t *s_define(edge_req_t *r, uint64_t id, bool create, const edge_contest_t *c,
                          gv_msg_t *const *problems)
{
    gv_writer_t *w = edge_contest_begin(r, id, "contest.define", 7 + c->has_freeze);
    if (!w) return NULL;
    msgpack_packer *pk = gv_writer_pk(w);
    gv_pk_kv_bool(pk, "create", create);
    gv_pk_kv_str(pk, "title", c->title);
    gv_pk_kv_uint(pk, "start_ms", c->start_ms);
    gv_pk_kv_uint(pk, "duration_s", c->duration_s);
    if (c->has_freeze) gv_pk_kv_uint(pk, "freeze_s", c->freeze_s);
    gv_pk_kv_str(pk, "scoring", c->scoring);
    gv_pk_kv_uint(pk, "penalty_min", c->penalty_min);
    gv_pk_key(pk, "problems");
    msgpack_pack_array(pk, (uint32_t)c->n_problems);
    for (size_t i = 0; i < c->n_problems; i++) {
        const msgpack_object *subtasks = gv_obj_get(gv_reply_data(problems[i]), "subtasks");
        bool has_sub = subtasks && subtasks->type == MSGPACK_OBJECT_ARRAY &&
                       subtasks->via.array.size > 0;
        msgpack_pack_map(pk, 3 + has_sub);
        gv_pk_kv_uint(pk, "problem_id", c->problems[i].problem_id);
        gv_pk_kv_str(pk, "label", c->problems[i].label);
        s_pack_points(pk, c->problems[i].points);
        if (has_sub) {
            gv_pk_key(pk, "subtasks");
            gv_pk_object(pk, subtasks);
        }
    }
    gv_msg_t *reply = edge_req_call(r, &w);
    /* the problems may be hidden now (a contest that has not started): forget that they were
     * open to everyone (edge/pcache.h) */
    for (size_t i = 0; reply && i < c->n_problems; i++)
        edge_pcache_drop(r->edge->problems, c->problems[i].problem_id);
    return reply;
}

typedef struct {
    const char *title;
    uint64_t start_ms, duration_s;
    bool has_freeze;
    uint64_t freeze_s;
    const char *scoring;
    bool finalized;
} summary_t;

/* contests.put. 0, or -1 with a 503 in place that tells the admin what to do. */
static int s_put_summary(edge_req_t *r, uint64_t id, const summary_t *s)
{
    gv_writer_t *w =
        edge_req_begin(r, DIRECTORY, "contests.put", 5 + s->has_freeze + s->finalized);
    if (!w) return -1;
    msgpack_packer *pk = gv_writer_pk(w);
    gv_pk_kv_uint(pk, "id", id);
    gv_pk_kv_str(pk, "title", s->title);
    gv_pk_kv_uint(pk, "start_ms", s->start_ms);
    gv_pk_kv_uint(pk, "duration_s", s->duration_s);
    if (s->has_freeze) gv_pk_kv_uint(pk, "freeze_s", s->freeze_s);
    gv_pk_kv_str(pk, "scoring", s->scoring);
    if (s->finalized) gv_pk_kv_bool(pk, "finalized", true);
    gv_msg_t *reply = edge_req_call(r, &w);
    if (reply && s_ok(reply)) {
        gv_msg_destroy(&reply);
        return 0;
    }
    const char *why = reply ? gv_msg_str(reply, "message") : NULL;
    char reason[EDGE_ERR_MSG_MAX / 2];
    snprintf(reason, sizeof reason, "%s", why ? why : "the contests directory did not answer");
    gv_msg_destroy(&reply);
    gv_warn("contest not listed", "contest=%" PRIu64 " reason=\"%s\"", id, reason);
    edge_req_error(r, 503, "unavailable",
                   "contest %" PRIu64 " is saved but the contest list was not updated (%s); send "
                   "the same definition again with PUT /api/v1/contests/%" PRIu64,
                   id, reason, id);
    return -1;
}

static void s_summary_of(const edge_contest_t *c, summary_t *s)
{
    *s = (summary_t){c->title, c->start_ms, c->duration_s, c->has_freeze,
                     c->freeze_s, c->scoring, false};
}

/* Validates the body and fetches its problems (replies[] to destroy). 0 / -1. */
static int s_read_definition(edge_req_t *r, edge_contest_t *c, gv_msg_t **replies)
{
    if (edge_req_role(r, s_admin) != 0 || edge_req_json(r) != 0) return -1;
    edge_err_t err;
    if (edge_v_contest(r->body, c, &err) != 0) {
        edge_req_fail(r, &err);
        return -1;
    }
    return s_fetch_problems(r, c, replies);
}

static void s_destroy_all(gv_msg_t **replies, size_t n)
{
    for (size_t i = 0; i < n; i++)
        gv_msg_destroy(&replies[i]);
}

/* The request's contest definition with its problems fetched into problems[] (the caller
 * frees both with s_destroy_all and free), or NULL with the response in place. */
static edge_contest_t *s_new_definition(edge_req_t *r, gv_msg_t **problems)
{
    edge_contest_t *c = calloc(1, sizeof *c);
    if (!c) {
        edge_req_error(r, 503, "unavailable", "the edge is out of memory; retry later");
        return NULL;
    }
    if (s_read_definition(r, c, problems) != 0) {
        s_destroy_all(problems, c->n_problems);
        free(c);
        return NULL;
    }
    return c;
}

void edge_route_contests_create(edge_req_t *r)
{
    gv_msg_t *problems[EDGE_CONTEST_PROBLEMS_MAX] = {0};
    edge_contest_t *c = s_new_definition(r, problems);
    if (!c) return;

    gv_writer_t *w = edge_req_begin(r, DIRECTORY, "contests.next_id", 0);
    if (!w) goto done;
    gv_msg_t *reply = edge_req_call(r, &w);
    if (!reply) goto done;
    uint64_t id = 0;
    if (gv_reply_status(reply) != 200 || !clics_obj_id(gv_reply_data(reply), "id", &id)) {
        if (gv_reply_status(reply) == 200)
            edge_req_error(r, 503, "unavailable", "the contests directory gave no contest id");
        else
            edge_req_reply(r, reply);
        gv_msg_destroy(&reply);
        goto done;
    }
    gv_msg_destroy(&reply);

    reply = s_define(r, id, true, c, problems);
    if (!reply) goto done;
    if (!s_ok(reply)) {
        edge_req_reply_consume(r, &reply);
        goto done;
    }
    gv_msg_destroy(&reply);
    sbcache_invalidate(id);
    summary_t s;
    s_summary_of(c, &s);
    if (s_put_summary(r, id, &s) != 0) goto done;
    edge_buf_t *out = edge_req_out(r);
    edge_buf_reset(out, EDGE_BUF_KEEP);
    edge_buf_addf(out, "{\"id\":\"%" PRIu64 "\"}", id);
    r->status = 201;
    gv_info("contest created", "contest=%" PRIu64 " by=%" PRIu64 " problems=%zu", id,
            r->claims.user_id, c->n_problems);
done:
    s_destroy_all(problems, c->n_problems);
    free(c);
}

void edge_route_contest_update(edge_req_t *r)
{
    gv_msg_t *problems[EDGE_CONTEST_PROBLEMS_MAX] = {0};
    edge_contest_t *c = s_new_definition(r, problems);
    if (!c) return;
    gv_msg_t *reply = s_define(r, r->id, false, c, problems);
    if (!reply) goto done;
    sbcache_invalidate(r->id);
    if (!s_ok(reply)) {
        edge_req_reply_consume(r, &reply);
        goto done;
    }
    summary_t s;
    s_summary_of(c, &s);
    if (s_put_summary(r, r->id, &s) == 0) edge_req_reply(r, reply);
    gv_msg_destroy(&reply);
done:
    s_destroy_all(problems, c->n_problems);
    free(c);
}

/* ---- taking part ----------------------------------------------------------------------- */

void edge_route_contest_register(edge_req_t *r)
{
    if (edge_req_auth(r, true) != 0) return;
    gv_writer_t *w = edge_contest_begin(r, r->id, "contest.register", 2);
    if (!w) return;
    msgpack_packer *pk = gv_writer_pk(w);
    gv_pk_kv_uint(pk, "user_id", r->claims.user_id);
    gv_pk_kv_str(pk, "username", r->claims.username);
    gv_msg_t *reply = edge_req_call(r, &w);
    if (reply) edge_req_reply_consume(r, &reply);
}

int edge_contest_admit(edge_req_t *r, uint64_t contest_id, uint64_t problem_id)
{
    gv_writer_t *w = edge_contest_begin(r, contest_id, "contest.admit", 2);
    if (!w) return -1;
    msgpack_packer *pk = gv_writer_pk(w);
    gv_pk_kv_uint(pk, "user_id", r->claims.user_id);
    gv_pk_kv_uint(pk, "problem_id", problem_id);
    gv_msg_t *reply = edge_req_call(r, &w);
    if (!reply) return -1;
    if (gv_reply_status(reply) == 200) {
        gv_msg_destroy(&reply);
        return 0;
    }
    edge_req_reply_consume(r, &reply);
    return -1;
}

void edge_route_contest_submissions(edge_req_t *r)
{
    if (edge_req_auth(r, true) != 0) return;
    edge_page_query_t q;
    edge_err_t err;
    if (edge_v_page_query(r->query, &q, &err) != 0) {
        edge_req_fail(r, &err);
        return;
    }
    gv_writer_t *w = edge_contest_begin(r, r->id, "contest.subs", q.has_page + q.has_per_page);
    if (!w) return;
    s_pack_page(gv_writer_pk(w), &q);
    gv_msg_t *reply = edge_req_call(r, &w);
    if (reply) edge_req_reply_consume(r, &reply);
}

/* ---- scoreboard ------------------------------------------------------------------------ */

#define FILL_STRIPES 64
static pthread_mutex_t s_fill_locks[FILL_STRIPES] = {[0 ... FILL_STRIPES - 1] = PTHREAD_MUTEX_INITIALIZER};
static void s_fill_board(edge_req_t *r, sbcache_view_t view);

/* Fetches every page of the board into the response body as one JSON object. 0, or -1 with
 * the error response in place. */
static int s_scoreboard_pages(edge_req_t *r, sbcache_view_t view)
{
    edge_buf_t *out = edge_req_out(r);
    edge_buf_reset(out, EDGE_BUF_KEEP);
    uint64_t offset = 0, total = 0;
    do {
        gv_writer_t *w = edge_contest_begin(r, r->id, "contest.scoreboard", 2);
        if (!w) return -1;
        gv_pk_kv_str(gv_writer_pk(w), "view", view == SBCACHE_JURY ? "jury" : "public");
        gv_pk_kv_uint(gv_writer_pk(w), "offset", offset);
        gv_msg_t *reply = edge_req_call(r, &w);
        if (!reply) return -1;
        const msgpack_object *data = gv_reply_data(reply);
        if (gv_reply_status(reply) != 200 || !data || data->type != MSGPACK_OBJECT_MAP) {
            edge_req_reply_consume(r, &reply);
            return -1;
        }
        const msgpack_object *rows = gv_obj_get(data, "rows");
        uint32_t n = rows && rows->type == MSGPACK_OBJECT_ARRAY ? rows->via.array.size : 0;
        if (offset == 0) { /* the board's own fields, then the rows */
            int64_t t = gv_obj_int(gv_obj_get(data, "total"), 0);
            total = t > 0 ? (uint64_t)t : 0;
            edge_buf_addc(out, '{');
            for (uint32_t i = 0; i < data->via.map.size; i++) {
                const msgpack_object_kv *kv = &data->via.map.ptr[i];
                if (gv_obj_str_eq(&kv->key, "rows") || gv_obj_str_eq(&kv->key, "total") ||
                    gv_obj_str_eq(&kv->key, "offset"))
                    continue;
                edge_mp_to_json(out, &kv->key);
                edge_buf_addc(out, ':');
                edge_mp_to_json(out, &kv->val);
                edge_buf_addc(out, ',');
            }
            edge_buf_adds(out, "\"rows\":[");
        }
        for (uint32_t i = 0; i < n; i++) {
            if (offset + i > 0) edge_buf_addc(out, ',');
            edge_mp_to_json(out, &rows->via.array.ptr[i]);
        }
        gv_msg_destroy(&reply);
        if (n == 0 && offset < total) { /* the board shrank under us: end here */
            break;
        }
        offset += n;
    } while (offset < total);
    edge_buf_adds(out, "]}");
    if (edge_buf_failed(out)) {
        edge_req_error(r, 503, "unavailable", "the edge is out of memory; retry later");
        return -1;
    }
    r->status = 200;
    r->content_type = NULL;
    return 0;
}

void edge_route_contest_scoreboard(edge_req_t *r)
{
    /* No Authorization header: no token work at all. */
    if (edge_req_auth(r, false) != 0) return;
    edge_err_t err;
    int asked = edge_v_view_query(r->query, &err);
    if (asked < 0) {
        edge_req_fail(r, &err);
        return;
    }
    sbcache_view_t view =
        s_is_staff(r) && asked != EDGE_VIEW_PUBLIC ? SBCACHE_JURY : SBCACHE_PUBLIC;
    edge_buf_t *out = edge_req_out(r);
    if (sbcache_get_into(r->id, view, out)) {
        r->status = 200;
        return;
    }
    if (edge_buf_failed(out)) {
        edge_req_error(r, 503, "unavailable", "the edge is out of memory; retry later");
        return;
    }

    /* One fill per board at a time: requests that miss together wait for the first one's
     * fill and answer from the cache, instead of each asking the actor for the whole board
     * (a stampede at every expiry). Striped locks, so different boards fill in parallel. */
    pthread_mutex_t *fill = &s_fill_locks[(r->id * 2 + (uint64_t)view) % FILL_STRIPES];
    pthread_mutex_lock(fill);
    if (sbcache_get_into(r->id, view, out)) {
        pthread_mutex_unlock(fill);
        r->status = 200;
        return;
    }
    /* The actor answers a page of rows at a time (a message holds a bounded number of
     * objects); the pages are joined here. A board that changed while the pages were read is
     * read again (a few times at most) and only a consistent one is cached. */
    s_fill_board(r, view);
    pthread_mutex_unlock(fill);
}

static void s_fill_board(edge_req_t *r, sbcache_view_t view)
{
    edge_buf_t *out = edge_req_out(r);
    for (int tries = 0; tries < 3; tries++) {
        uint64_t generation = sbcache_generation(r->id);
        int rc = s_scoreboard_pages(r, view);
        if (rc != 0) return; /* the error response is in place */
        if (sbcache_generation(r->id) == generation) {
            sbcache_put(r->id, view, generation, edge_buf_body(out), edge_buf_body_len(out));
            return;
        }
    }
}

/* ---- clarifications and announcements -------------------------------------------------- */

void edge_route_contest_clarifications(edge_req_t *r)
{
    if (edge_req_auth(r, false) != 0) return;
    s_forward(r, "contest.clarifications");
}

static void s_announce(edge_req_t *r, const char *text, size_t text_len, const char *title,
                       bool has_to_user, uint64_t to_user_id)
{
    gv_writer_t *w = edge_contest_begin(r, r->id, "contest.announce", 1 + (title != NULL) + has_to_user);
    if (!w) return;
    msgpack_packer *pk = gv_writer_pk(w);
    gv_pk_key(pk, "text");
    gv_pk_strn(pk, text, text_len);
    if (title) gv_pk_kv_str(pk, "title", title);
    if (has_to_user) gv_pk_kv_uint(pk, "to_user_id", to_user_id);
    gv_msg_t *reply = edge_req_call(r, &w);
    if (reply) edge_req_reply_consume(r, &reply);
}

/* POST .../clarifications: contestants ask; jury and admin answer (reply_to) or announce. */
void edge_route_contest_clarify(edge_req_t *r)
{
    if (edge_req_auth(r, true) != 0 || edge_req_json(r) != 0) return;
    edge_err_t err;
    if (s_is_staff(r)) {
        edge_clar_staff_t s;
        if (edge_v_clar_staff(r->body, &s, &err) != 0) {
            edge_req_fail(r, &err);
            return;
        }
        if (!s.has_reply_to) {
            s_announce(r, s.text, s.text_len, NULL, s.has_to_user, s.to_user_id);
            return;
        }
        gv_writer_t *w = edge_contest_begin(r, r->id, "contest.clar_answer", 3);
        if (!w) return;
        msgpack_packer *pk = gv_writer_pk(w);
        gv_pk_kv_uint(pk, "clar_id", s.reply_to);
        gv_pk_key(pk, "text");
        gv_pk_strn(pk, s.text, s.text_len);
        gv_pk_kv_bool(pk, "public", s.is_public);
        gv_msg_t *reply = edge_req_call(r, &w);
        if (reply) edge_req_reply_consume(r, &reply);
        return;
    }
    if (json_object_get(r->body, "reply_to") && !json_is_null(json_object_get(r->body, "reply_to"))) {
        edge_req_error(r, 403, "forbidden", "only jury and admins answer clarifications");
        return;
    }
    edge_clar_ask_t a;
    if (edge_v_clar_ask(r->body, &a, &err) != 0) {
        edge_req_fail(r, &err);
        return;
    }
    gv_writer_t *w = edge_contest_begin(r, r->id, "contest.clar_ask", 2 + a.has_problem);
    if (!w) return;
    msgpack_packer *pk = gv_writer_pk(w);
    gv_pk_kv_uint(pk, "user_id", r->claims.user_id);
    gv_pk_key(pk, "text");
    gv_pk_strn(pk, a.text, a.text_len);
    if (a.has_problem) gv_pk_kv_uint(pk, "problem_id", a.problem_id);
    gv_msg_t *reply = edge_req_call(r, &w);
    if (reply) edge_req_reply_consume(r, &reply);
}

void edge_route_contest_announcements(edge_req_t *r)
{
    if (edge_req_auth(r, false) != 0) return;
    gv_writer_t *w = edge_contest_begin(r, r->id, "contest.clarifications", 0);
    if (!w) return;
    gv_msg_t *reply = edge_req_call(r, &w);
    if (!reply) return;
    const msgpack_object *items = gv_obj_get(gv_reply_data(reply), "items");
    if (gv_reply_status(reply) != 200 || !items || items->type != MSGPACK_OBJECT_ARRAY) {
        edge_req_reply_consume(r, &reply);
        return;
    }
    edge_buf_t *out = edge_req_out(r);
    edge_buf_reset(out, EDGE_BUF_KEEP);
    edge_buf_adds(out, "{\"items\":[");
    int n = 0;
    for (uint32_t i = 0; i < items->via.array.size; i++) {
        const msgpack_object *clar = &items->via.array.ptr[i];
        if (!gv_obj_str_eq(gv_obj_get(clar, "kind"), "announcement")) continue;
        if (n++) edge_buf_addc(out, ',');
        edge_mp_to_json(out, clar);
    }
    edge_buf_adds(out, "]}");
    r->status = 200;
    r->content_type = NULL;
    gv_msg_destroy(&reply);
}

void edge_route_contest_announce(edge_req_t *r)
{
    if (edge_req_role(r, s_staff) != 0 || edge_req_json(r) != 0) return;
    edge_announce_t a;
    edge_err_t err;
    if (edge_v_announce(r->body, &a, &err) != 0) {
        edge_req_fail(r, &err);
        return;
    }
    s_announce(r, a.text, a.text_len, a.title, a.has_to_user, a.to_user_id);
}

/* ---- thaw and finalize ----------------------------------------------------------------- */

void edge_route_contest_thaw(edge_req_t *r)
{
    if (edge_req_role(r, s_admin) != 0) return;
    s_forward(r, "contest.thaw");
    sbcache_invalidate(r->id);
}

/* Re-lists the contest as finalized, from its current definition. 0 / -1 (response set). */
static int s_list_finalized(edge_req_t *r)
{
    gv_writer_t *w = edge_contest_begin(r, r->id, "contest.get", 0);
    if (!w) return -1;
    gv_msg_t *reply = edge_req_call(r, &w);
    if (!reply) return -1;
    const msgpack_object *data = gv_reply_data(reply);
    clics_contest_t c;
    char title[EDGE_TITLE_MAX + 1];
    if (gv_reply_status(reply) != 200 || clics_contest_parse(data, &c) != 0 ||
        !edge_reply_str(data, "title", title, sizeof title)) {
        if (gv_reply_status(reply) == 200)
            edge_req_error(r, 503, "unavailable",
                           "contest %" PRIu64 " is finalized but its definition could not be "
                           "read to update the contest list; retry",
                           r->id);
        else
            edge_req_reply(r, reply);
        gv_msg_destroy(&reply);
        return -1;
    }
    gv_msg_destroy(&reply);
    summary_t s = {title, c.start_ms, c.duration_s, c.has_freeze, c.freeze_s, c.scoring, true};
    return s_put_summary(r, r->id, &s);
}

/* The actor answers a repeated finalize with 204 too, so a finalize whose list update failed
 * (503) can simply be sent again. */
void edge_route_contest_finalize(edge_req_t *r)
{
    if (edge_req_role(r, s_admin) != 0) return;
    gv_writer_t *w = edge_contest_begin(r, r->id, "contest.finalize", 0);
    if (!w) return;
    gv_msg_t *reply = edge_req_call(r, &w);
    if (!reply) return;
    sbcache_invalidate(r->id);
    if (!s_ok(reply)) {
        edge_req_reply_consume(r, &reply);
        return;
    }
    if (s_list_finalized(r) == 0) edge_req_reply(r, reply);
    gv_msg_destroy(&reply);
}
