/*  Submissions: create, get, list (API.md "Submissions").
 *
 *  POST checks the body, the language (against cluster.toml's languages, when it lists any)
 *  and that the problem exists (a short-lived positive cache saves the round trip for
 *  popular problems) and, with a contest_id, that the contest admits it (contest.admit: 403,
 *  404 or 429 with Retry-After are passed on), then asks the submissions actor, which answers
 *  202 only after the record is committed — that answer is what the client gets — or 429 with
 *  Retry-After (data.retry_after_s) when the user is over the per-user rate or waiting cap.
 *  Contestants see their own submissions only; jury and admin see all. The actor enforces
 *  this too; the edge refuses early and never shows a contestant someone else's record.
 */
#include "auth.h"
#include "gv_log.h"
#include "routes.h"
#include "validate.h"

#include <stdlib.h>
#include <string.h>

#define TO "submissions"

static const char *const s_jury[] = {"jury", "admin", NULL};

static bool s_is_jury(const edge_req_t *r)
{
    return edge_role_in(r->claims.role, s_jury);
}

/* 0 when the language is known (or cluster.toml lists none), else -1 with 400 in place. */
static int s_check_language(edge_req_t *r, const char *lang)
{
    const gv_config_t *cfg = r->edge->cfg;
    if (!cfg || cfg->n_langs == 0 || gv_config_lang(cfg, lang)) return 0;
    char list[256] = "";
    for (size_t i = 0; i < cfg->n_langs; i++) {
        strncat(list, i ? ", " : "", sizeof list - strlen(list) - 1);
        strncat(list, cfg->langs[i].id, sizeof list - strlen(list) - 1);
    }
    edge_req_error(r, 400, "invalid_field", "`language` must be one of: %s", list);
    return -1;
}

/* 0 when the problem exists; -1 with the response in place (404 or the actor's error). */
static int s_problem_exists(edge_req_t *r, uint64_t id)
{
    if (edge_pcache_has(r->edge->problems, id, gv_mono_ms())) return 0;
    gv_writer_t *w = edge_req_begin(r, "problems", "problems.get", 1);
    if (!w) return -1;
    gv_pk_kv_uint(gv_writer_pk(w), "id", id);
    gv_msg_t *reply = edge_req_call(r, &w);
    if (!reply) return -1;
    unsigned st = gv_reply_status(reply);
    if (st == 200) {
        edge_pcache_put_visible(r->edge->problems, id, gv_reply_data(reply));
        gv_msg_destroy(&reply);
        return 0;
    }
    if (st == 404) {
        gv_msg_destroy(&reply);
        edge_req_error(r, 404, "not_found", "problem %llu does not exist", (unsigned long long)id);
        return -1;
    }
    edge_req_reply_consume(r, &reply);
    return -1;
}

void edge_route_submissions_create(edge_req_t *r)
{
    if (edge_req_auth(r, true) != 0 || edge_req_json(r) != 0) return;
    edge_submission_t s;
    edge_err_t err;
    if (edge_v_submission(r->body, r->edge->max_source_bytes, &s, &err) != 0) {
        edge_req_fail(r, &err);
        return;
    }
    if (s_check_language(r, s.language) != 0 || s_problem_exists(r, s.problem_id) != 0) return;
    /* In a contest the contest decides first: running, registered, problem in it, rate. */
    if (s.has_contest && edge_contest_admit(r, s.contest_id, s.problem_id) != 0) return;
    gv_writer_t *w = edge_req_begin(r, TO, "submissions.create", 4 + s.has_contest);
    if (!w) return;
    msgpack_packer *pk = gv_writer_pk(w);
    gv_pk_kv_uint(pk, "problem_id", s.problem_id);
    gv_pk_kv_str(pk, "language", s.language);
    gv_pk_kv_bin(pk, "source", s.source, s.source_len);
    gv_pk_kv_uint(pk, "user_id", r->claims.user_id);
    if (s.has_contest) gv_pk_kv_uint(pk, "contest_id", s.contest_id);
    gv_msg_t *reply = edge_req_call(r, &w);
    if (!reply) return;
    edge_req_reply_consume(r, &reply);
}

/* The submission's user_id (a decimal string, or an integer). */
static bool s_owner(const msgpack_object *data, uint64_t *id)
{
    const msgpack_object *v = data ? gv_obj_get(data, "user_id") : NULL;
    if (v && v->type == MSGPACK_OBJECT_POSITIVE_INTEGER) {
        *id = v->via.u64;
        return true;
    }
    return v && v->type == MSGPACK_OBJECT_STR &&
           edge_parse_u64(v->via.str.ptr, v->via.str.size, id) == 0;
}

void edge_route_submission_get(edge_req_t *r)
{
    if (edge_req_auth(r, true) != 0) return;
    gv_writer_t *w = edge_req_begin(r, TO, "submissions.get", 1);
    if (!w) return;
    gv_pk_kv_uint(gv_writer_pk(w), "id", r->id);
    gv_msg_t *reply = edge_req_call(r, &w);
    if (!reply) return;
    if (gv_reply_status(reply) == 200 && !s_is_jury(r)) {
        uint64_t owner = 0;
        if (!s_owner(gv_reply_data(reply), &owner) || owner != r->claims.user_id) {
            gv_msg_destroy(&reply);
            edge_req_error(r, 403, "forbidden", "submission %llu is not yours",
                           (unsigned long long)r->id);
            return;
        }
    }
    edge_req_reply_consume(r, &reply);
}

void edge_route_submissions_list(edge_req_t *r)
{
    if (edge_req_auth(r, true) != 0) return;
    edge_submission_query_t q;
    edge_err_t err;
    if (edge_v_submission_query(r->query, &q, &err) != 0) {
        edge_req_fail(r, &err);
        return;
    }
    if (!s_is_jury(r)) {
        if (q.has_user && q.user_id != r->claims.user_id) {
            edge_req_error(r, 403, "forbidden",
                           "contestants can list their own submissions only (user_id=%llu)",
                           (unsigned long long)r->claims.user_id);
            return;
        }
        q.has_user = true;
        q.user_id = r->claims.user_id;
    }
    uint32_t n = q.has_problem + q.has_contest + q.has_user + q.has_page + q.has_per_page;
    gv_writer_t *w = edge_req_begin(r, TO, "submissions.list", n);
    if (!w) return;
    msgpack_packer *pk = gv_writer_pk(w);
    if (q.has_problem) gv_pk_kv_uint(pk, "problem_id", q.problem_id);
    if (q.has_contest) gv_pk_kv_uint(pk, "contest_id", q.contest_id);
    if (q.has_user) gv_pk_kv_uint(pk, "user_id", q.user_id);
    if (q.has_page) gv_pk_kv_uint(pk, "page", q.page);
    if (q.has_per_page) gv_pk_kv_uint(pk, "per_page", q.per_page);
    gv_msg_t *reply = edge_req_call(r, &w);
    if (reply) edge_req_reply_consume(r, &reply);
}

/* POST /api/v1/admin/rejudge (admin): 202 {count}; see actors/rejudge.c. */
void edge_route_admin_rejudge(edge_req_t *r)
{
    static const char *const admin[] = {"admin", NULL};
    if (edge_req_role(r, admin) != 0 || edge_req_json(r) != 0) return;
    edge_rejudge_t *q = malloc(sizeof *q);
    if (!q) {
        edge_req_error(r, 503, "unavailable", "the edge is out of memory; retry later");
        return;
    }
    edge_err_t err;
    if (edge_v_rejudge(r->body, q, &err) != 0) {
        edge_req_fail(r, &err);
        free(q);
        return;
    }
    gv_writer_t *w =
        edge_req_begin(r, TO, "submissions.rejudge", q->has_ids + q->has_problem + q->has_contest);
    if (w) {
        msgpack_packer *pk = gv_writer_pk(w);
        if (q->has_ids) {
            gv_pk_key(pk, "submission_ids");
            msgpack_pack_array(pk, (uint32_t)q->n_ids);
            for (size_t i = 0; i < q->n_ids; i++)
                msgpack_pack_uint64(pk, q->ids[i]);
        }
        if (q->has_problem) gv_pk_kv_uint(pk, "problem_id", q->problem_id);
        if (q->has_contest) gv_pk_kv_uint(pk, "contest_id", q->contest_id);
        gv_msg_t *reply = edge_req_call(r, &w);
        if (reply) edge_req_reply_consume(r, &reply);
    }
    free(q);
}
