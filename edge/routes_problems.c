/*  Problems: list, get, create, update, delete, add test (API.md "Problems").
 *
 *  Reading is open to everyone (the caller is passed on, signed-out ones as "anonymous", so
 *  the actor can hide what it must: a problem that is unpublished or in a contest that has not
 *  started answers 404 and is left out of lists, actors/problem_embargo.c); changing needs
 *  jury or admin. A problem's checker and interactor are
 *  shown to jury and admin only (and never with their sources, which only judges fetch).
 */
#include "auth.h"
#include "gv_log.h"
#include "json_mp.h"
#include "routes.h"
#include "validate.h"

#include <string.h>

#define TO "problems"
#define JSON_FIELD_DEPTH 8 /* nesting allowed inside `checker` (the envelope adds 2 levels) */

static const char *const s_jury[] = {"jury", "admin", NULL};

void edge_route_problems_list(edge_req_t *r)
{
    if (edge_req_auth(r, false) != 0) return;
    edge_problem_query_t q;
    edge_err_t err;
    if (edge_v_problem_query(r->query, &q, &err) != 0) {
        edge_req_fail(r, &err);
        return;
    }
    gv_writer_t *w =
        edge_req_begin_viewer(r, TO, "problems.list", q.has_page + q.has_per_page + q.has_q);
    if (!w) return;
    msgpack_packer *pk = gv_writer_pk(w);
    if (q.has_page) gv_pk_kv_uint(pk, "page", q.page);
    if (q.has_per_page) gv_pk_kv_uint(pk, "per_page", q.per_page);
    if (q.has_q) gv_pk_kv_str(pk, "q", q.q);
    gv_msg_t *reply = edge_req_call(r, &w);
    if (reply) edge_req_reply_consume(r, &reply);
}

static bool s_key_in(const msgpack_object *k, const char *const *keys)
{
    for (size_t i = 0; keys[i]; i++)
        if (k->via.str.size == strlen(keys[i]) &&
            memcmp(k->via.str.ptr, keys[i], k->via.str.size) == 0)
            return true;
    return false;
}

/* Renders a map leaving out some keys (a NULL-terminated list). */
static void s_json_without(edge_buf_t *out, const msgpack_object *map, const char *const *omit)
{
    edge_buf_addc(out, '{');
    int n = 0;
    for (uint32_t i = 0; i < map->via.map.size; i++) {
        const msgpack_object *k = &map->via.map.ptr[i].key;
        if (k->type != MSGPACK_OBJECT_STR) continue;
        if (s_key_in(k, omit)) continue;
        if (n++) edge_buf_addc(out, ',');
        edge_json_str(out, k->via.str.ptr, k->via.str.size);
        edge_buf_addc(out, ':');
        edge_mp_to_json(out, &map->via.map.ptr[i].val);
    }
    edge_buf_addc(out, '}');
}

void edge_route_problem_get(edge_req_t *r)
{
    if (edge_req_auth(r, false) != 0) return;
    gv_writer_t *w = edge_req_begin_viewer(r, TO, "problems.get", 1);
    if (!w) return;
    gv_pk_kv_uint(gv_writer_pk(w), "id", r->id);
    gv_msg_t *reply = edge_req_call(r, &w);
    if (!reply) return;
    const msgpack_object *data = gv_reply_data(reply);
    bool jury = r->signed_in && edge_role_in(r->claims.role, s_jury);
    if (gv_reply_status(reply) == 200 && data && data->type == MSGPACK_OBJECT_MAP) {
        edge_pcache_put_visible(r->edge->problems, r->id, data);
        if (!jury) {
            edge_buf_t *out = edge_req_out(r);
            edge_buf_reset(out, EDGE_BUF_KEEP);
            static const char *const hidden[] = {"checker", "interactor", NULL};
            s_json_without(out, data, hidden);
            r->status = 200;
            gv_msg_destroy(&reply);
            return;
        }
    }
    edge_req_reply_consume(r, &reply);
}

/* Packs the problem fields that are present (create or update). */
static void s_pack_problem(msgpack_packer *pk, const edge_problem_t *p)
{
    if (p->title) gv_pk_kv_str(pk, "title", p->title);
    if (p->statement_md) {
        gv_pk_key(pk, "statement_md");
        gv_pk_strn(pk, p->statement_md, p->statement_len);
    }
    if (p->has_time_limit) gv_pk_kv_uint(pk, "time_limit_ms", p->time_limit_ms);
    if (p->has_memory_limit) gv_pk_kv_uint(pk, "memory_limit_kb", p->memory_limit_kb);
    if (p->tags) {
        gv_pk_key(pk, "tags");
        if (edge_json_to_mp(pk, p->tags, JSON_FIELD_DEPTH) != 0) msgpack_pack_nil(pk);
    }
    if (p->checker) {
        gv_pk_key(pk, "checker");
        if (edge_json_to_mp(pk, p->checker, JSON_FIELD_DEPTH) != 0)
            msgpack_pack_nil(pk); /* unreachable: validated; keeps the field count right */
    }
    if (p->has_output_limit) gv_pk_kv_uint(pk, "output_limit_kb", p->output_limit_kb);
    if (p->interactor) {
        gv_pk_key(pk, "interactor");
        if (edge_json_to_mp(pk, p->interactor, JSON_FIELD_DEPTH) != 0) msgpack_pack_nil(pk);
    }
    if (p->subtasks) {
        gv_pk_key(pk, "subtasks");
        if (edge_json_to_mp(pk, p->subtasks, JSON_FIELD_DEPTH) != 0) msgpack_pack_nil(pk);
    }
    if (p->has_published) gv_pk_kv_bool(pk, "published", p->published);
}

void edge_route_problems_create(edge_req_t *r)
{
    if (edge_req_role(r, s_jury) != 0 || edge_req_json(r) != 0) return;
    edge_problem_t p;
    edge_err_t err;
    if (edge_v_problem(r->body, true, &p, &err) != 0) {
        edge_req_fail(r, &err);
        return;
    }
    gv_writer_t *w = edge_req_begin(r, TO, "problems.create", p.n_fields);
    if (!w) return;
    s_pack_problem(gv_writer_pk(w), &p);
    gv_msg_t *reply = edge_req_call(r, &w);
    if (reply) edge_req_reply_consume(r, &reply);
}

void edge_route_problem_update(edge_req_t *r)
{
    if (edge_req_role(r, s_jury) != 0 || edge_req_json(r) != 0) return;
    edge_problem_t p;
    edge_err_t err;
    if (edge_v_problem(r->body, false, &p, &err) != 0) {
        edge_req_fail(r, &err);
        return;
    }
    gv_writer_t *w = edge_req_begin(r, TO, "problems.update", 1 + p.n_fields);
    if (!w) return;
    msgpack_packer *pk = gv_writer_pk(w);
    gv_pk_kv_uint(pk, "id", r->id);
    s_pack_problem(pk, &p);
    edge_pcache_drop(r->edge->problems, r->id);
    gv_msg_t *reply = edge_req_call(r, &w);
    if (reply) edge_req_reply_consume(r, &reply);
}

void edge_route_problem_delete(edge_req_t *r)
{
    if (edge_req_role(r, s_jury) != 0) return;
    gv_writer_t *w = edge_req_begin(r, TO, "problems.delete", 1);
    if (!w) return;
    gv_pk_kv_uint(gv_writer_pk(w), "id", r->id);
    edge_pcache_drop(r->edge->problems, r->id);
    gv_msg_t *reply = edge_req_call(r, &w);
    if (reply) edge_req_reply_consume(r, &reply);
}

/* Adds a test, or replaces test r->id2 (replace = true): the same body either way. */
static void s_put_test(edge_req_t *r, const char *type, bool replace)
{
    if (edge_req_role(r, s_jury) != 0 || edge_req_json(r) != 0) return;
    edge_test_t t;
    edge_err_t err;
    if (edge_v_test(r->body, &t, &err) != 0) {
        edge_req_fail(r, &err);
        return;
    }
    gv_writer_t *w = edge_req_begin(r, TO, type, 3 + replace + t.has_sample + (t.group ? 1 : 0));
    if (!w) return;
    msgpack_packer *pk = gv_writer_pk(w);
    gv_pk_kv_uint(pk, "id", r->id);
    if (replace) gv_pk_kv_uint(pk, "n", r->id2);
    gv_pk_kv_bin(pk, "input", t.input, t.input_len);
    gv_pk_kv_bin(pk, "output", t.output, t.output_len);
    if (t.has_sample) gv_pk_kv_bool(pk, "sample", t.sample);
    if (t.group) gv_pk_kv_str(pk, "group", t.group);
    gv_msg_t *reply = edge_req_call(r, &w);
    if (reply) edge_req_reply_consume(r, &reply);
}

void edge_route_problem_add_test(edge_req_t *r)
{
    s_put_test(r, "problems.add_test", false);
}

/* PUT /api/v1/problems/{id}/tests/{n}: replaces test n (same body as adding one). */
void edge_route_problem_set_test(edge_req_t *r)
{
    s_put_test(r, "problems.set_test", true);
}
