/*  problems — problem statements, limits, checkers and test lists (see problems.h).
 *
 *  Records are msgpack maps {id, title, statement_md, statement_html, time_limit_ms,
 *  memory_limit_kb, output_limit_kb|nil, tags, checker, interactor|nil, subtasks, created_at,
 *  updated_at, published}; `published` false hides the problem from everyone but staff (a
 *  record without it is published), as does a contest that has not started
 *  (problem_embargo.c). checker and interactor are stored normalised (problem_fields.c), with
 *  their sources as blobs. Tests are keyed (id, n) big-endian so a
 *  cursor walks one problem's tests in order and the last n is one seek away.
 */
#include "mathmd.h"
#include "problems.h"

#include "problems_impl.h"

#include "gv_log.h"
#include "store.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PROBLEMS_ID_COUNTER "problems.next_id"

/* ---- records --------------------------------------------------------------------------------- */

void problems_pk_obj_or(msgpack_packer *pk, const msgpack_object *o, const char *dflt)
{
    if (o)
        gv_pk_object(pk, o);
    else
        gv_pk_str(pk, dflt);
}

static void s_pk_record(msgpack_packer *pk, uint64_t id, const pview_t *v, uint64_t now)
{
    msgpack_pack_map(pk, 14);
    gv_pk_kv_uint(pk, "id", id);
    gv_pk_key(pk, "title");
    gv_pk_strn(pk, v->title, v->title_len);
    gv_pk_key(pk, "statement_md");
    gv_pk_strn(pk, v->md, v->md_len);
    gv_pk_key(pk, "statement_html");
    gv_pk_strn(pk, v->html, v->html_len);
    gv_pk_kv_uint(pk, "time_limit_ms", v->tl);
    gv_pk_kv_uint(pk, "memory_limit_kb", v->ml);
    gv_pk_key(pk, "output_limit_kb");
    if (v->ol)
        msgpack_pack_uint64(pk, v->ol);
    else
        msgpack_pack_nil(pk);
    gv_pk_key(pk, "tags");
    if (v->tags)
        gv_pk_object(pk, v->tags);
    else
        msgpack_pack_array(pk, 0);
    gv_pk_key(pk, "checker");
    problems_pk_checker(pk, v->checker, v->checker_hash);
    gv_pk_key(pk, "interactor");
    if (v->interactor)
        problems_pk_interactor(pk, v->interactor, v->interactor_hash);
    else
        msgpack_pack_nil(pk);
    gv_pk_key(pk, "subtasks");
    problems_pk_subtasks(pk, v->subtasks);
    gv_pk_kv_uint(pk, "created_at", v->created_at);
    gv_pk_kv_uint(pk, "updated_at", now);
    gv_pk_kv_bool(pk, "published", !v->unpublished);
}

/* 0 when problem `id` exists, 1 absent, -1 error. */
int problems_exists(actor_ctx_t *ctx, uint64_t id)
{
    problems_t *st = ctx->state;
    uint8_t key[8];
    store_be64_put(key, id);
    MDB_val v;
    return actor_get(ctx, st->items, key, 8, &v);
}

/* 0 found (r parsed), 1 absent, -1 error; r always needs record_done. */
int problems_load(actor_ctx_t *ctx, uint64_t id, record_t *r)
{
    problems_t *st = ctx->state;
    uint8_t key[8];
    store_be64_put(key, id);
    MDB_val v;
    record_parse(r, NULL, 0);
    int rc = actor_get(ctx, st->items, key, 8, &v);
    if (rc != 0) return rc;
    if (record_parse(r, v.mv_data, v.mv_size) != 0) {
        gv_error("corrupt problem record", "id=%" PRIu64, id);
        return -1;
    }
    return 0;
}

int problems_not_found(actor_ctx_t *ctx, const gv_msg_t *msg)
{
    return actor_reply_error(ctx, msg, 404, "not_found", "no problem with this id");
}

int problems_publish(actor_ctx_t *ctx, uint64_t id, const char *action)
{
    char topic[40];
    snprintf(topic, sizeof topic, "problem/%" PRIu64, id);
    gv_writer_t *w = actor_event_begin(ctx, topic, "problem");
    if (!w) return -1;
    msgpack_packer *pk = gv_writer_pk(w);
    msgpack_pack_map(pk, 2);
    gv_pk_key(pk, "id");
    actor_pk_id(pk, id);
    gv_pk_kv_str(pk, "action", action);
    return actor_event_end(ctx, topic, &w);
}

/* The reply data of problems.get for record r; the interactor and `hidden` only for staff.
 * 0 / -1. */
static int s_pk_problem(actor_ctx_t *ctx, msgpack_packer *pk, const record_t *r, bool staff)
{
    uint64_t id = record_uint(r, "id", 0);
    const msgpack_object *interactor = staff ? record_get(r, "interactor") : NULL;
    bool hidden = false;
    if (staff && problem_hidden(ctx, r, &hidden) != 0) return -1;
    msgpack_pack_map(pk, 12 + (interactor ? 1 : 0) + (staff ? 1 : 0));
    gv_pk_kv_bool(pk, "published", problem_published(r));
    if (staff) gv_pk_kv_bool(pk, "hidden", hidden);
    gv_pk_key(pk, "id");
    actor_pk_id(pk, id);
    static const char *const copied[] = {"title", "statement_md", "statement_html", "time_limit_ms",
                                         "memory_limit_kb"};
    for (int i = 0; i < 5; i++) {
        gv_pk_key(pk, copied[i]);
        problems_pk_obj_or(pk, record_get(r, copied[i]), "");
    }
    gv_pk_kv_uint(pk, "output_limit_kb", problems_output_limit_kb(ctx, r));
    gv_pk_key(pk, "samples");
    if (problem_tests_pk_samples(ctx, pk, id) != 0) return -1;
    gv_pk_key(pk, "tags");
    const msgpack_object *tags = record_get(r, "tags");
    if (tags)
        gv_pk_object(pk, tags);
    else
        msgpack_pack_array(pk, 0);
    gv_pk_key(pk, "checker");
    problems_pk_checker(pk, record_get(r, "checker"), NULL);
    gv_pk_key(pk, "subtasks");
    problems_pk_subtasks(pk, record_get(r, "subtasks"));
    if (interactor) {
        gv_pk_key(pk, "interactor");
        problems_pk_interactor(pk, interactor, NULL);
    }
    return 0;
}

/* Replies `status` with the problem as problems.get shows it. */
static int s_reply_problem(actor_ctx_t *ctx, const gv_msg_t *msg, unsigned status,
                           const record_t *r)
{
    gv_writer_t *w = actor_reply_begin(ctx, msg, status, true);
    if (!w) return -1;
    if (s_pk_problem(ctx, gv_writer_pk(w), r, actor_caller_is_staff(msg)) != 0) {
        gv_writer_destroy(&w);
        return -1;
    }
    return actor_reply_end(ctx, &w);
}

/* ---- handlers -------------------------------------------------------------------------------- */

int problems_forbidden(actor_ctx_t *ctx, const gv_msg_t *msg)
{
    return actor_reply_error(ctx, msg, 403, "forbidden",
                             "only jury and admins may change problems");
}

static char *s_render(const char *md, size_t len)
{
    return mathmd_render(md, len);
}

static void s_view_from_msg(const gv_msg_t *msg, pview_t *v)
{
    const msgpack_object *o;
    if ((o = gv_msg_field(msg, "title"))) {
        v->title = o->via.str.ptr;
        v->title_len = o->via.str.size;
    }
    if ((o = gv_msg_field(msg, "statement_md"))) {
        v->md = o->via.str.size ? o->via.str.ptr : "";
        v->md_len = o->via.str.size;
    }
    v->tl = gv_msg_uint(msg, "time_limit_ms", v->tl);
    v->ml = gv_msg_uint(msg, "memory_limit_kb", v->ml);
    v->ol = gv_msg_uint(msg, "output_limit_kb", v->ol);
    if ((o = gv_msg_field(msg, "tags"))) v->tags = o;
    if ((o = gv_msg_field(msg, "checker"))) v->checker = o;
    if ((o = gv_msg_field(msg, "interactor"))) v->interactor = o;
    if ((o = gv_msg_field(msg, "subtasks"))) v->subtasks = o;
    if ((o = gv_msg_field(msg, "published"))) v->unpublished = !gv_obj_bool(o, true);
}

/* Packs record `id` from v (rendering the statement when html is NULL) and stores it. */
static int s_store(actor_ctx_t *ctx, uint64_t id, pview_t *v, recbuf_t *rb)
{
    problems_t *st = ctx->state;
    char *html = NULL;
    if (!v->html) {
        html = s_render(v->md ? v->md : "", v->md_len);
        if (!html) return -1;
        v->html = html;
        v->html_len = strlen(html);
    }
    s_pk_record(&rb->pk, id, v, ctx->now_ms);
    free(html);
    v->html = NULL;
    if (!recbuf_ok(rb)) return -1;
    uint8_t key[8];
    store_be64_put(key, id);
    return actor_put(ctx, st->items, key, 8, rb->sb.data, rb->sb.size, 0) == 0 ? 0 : -1;
}

int problems_create_from_msg(actor_ctx_t *ctx, const gv_msg_t *msg, uint64_t *id)
{
    if (actor_next_id(ctx, PROBLEMS_ID_COUNTER, id) != 0) return -1;
    pview_t v = {.md = "", .created_at = ctx->now_ms};
    s_view_from_msg(msg, &v);
    if (problems_store_sources(ctx, &v) != 0) return -1;
    recbuf_t rb;
    recbuf_init(&rb);
    int rc = s_store(ctx, *id, &v, &rb);
    recbuf_done(&rb);
    if (rc != 0 || problems_publish(ctx, *id, "created") != 0) return -1;
    gv_info("problem created", "id=%" PRIu64 " by=%" PRIu64, *id,
            gv_msg_uint(msg, "caller_id", 0));
    return 0;
}

static int s_create(actor_ctx_t *ctx, const gv_msg_t *msg)
{
    char why[256];
    if (!actor_caller_is_staff(msg)) return problems_forbidden(ctx, msg);
    if (problems_check_fields(ctx, msg, why, sizeof why) != 0)
        return actor_reply_error(ctx, msg, 400, "invalid_field", "%s", why);
    uint64_t id;
    if (problems_create_from_msg(ctx, msg, &id) != 0) return -1;
    gv_writer_t *w = actor_reply_begin(ctx, msg, 201, true);
    if (!w) return -1;
    msgpack_pack_map(gv_writer_pk(w), 1);
    gv_pk_key(gv_writer_pk(w), "id");
    actor_pk_id(gv_writer_pk(w), id);
    return actor_reply_end(ctx, &w);
}

static int s_update(actor_ctx_t *ctx, const gv_msg_t *msg)
{
    char why[256];
    if (!actor_caller_is_staff(msg)) return problems_forbidden(ctx, msg);
    if (problems_check_fields(ctx, msg, why, sizeof why) != 0)
        return actor_reply_error(ctx, msg, 400, "invalid_field", "%s", why);
    uint64_t id = gv_msg_uint(msg, "id", 0);
    char old_ch[BLOBS_HASH_HEX + 1], old_ih[BLOBS_HASH_HEX + 1];
    record_t old, fresh;
    recbuf_t rb;
    recbuf_init(&rb);
    record_parse(&fresh, NULL, 0);
    int rc = problems_load(ctx, id, &old);
    if (rc != 0) {
        if (rc == 1) rc = problems_not_found(ctx, msg);
        goto done;
    }
    pview_t v = {0};
    v.title = record_str(&old, "title", &v.title_len);
    v.md = record_str(&old, "statement_md", &v.md_len);
    v.html = record_str(&old, "statement_html", &v.html_len);
    v.tl = record_uint(&old, "time_limit_ms", 1000);
    v.ml = record_uint(&old, "memory_limit_kb", 262144);
    v.created_at = record_uint(&old, "created_at", 0);
    v.ol = record_uint(&old, "output_limit_kb", 0);
    v.tags = record_get(&old, "tags");
    v.checker = record_get(&old, "checker");
    v.interactor = record_get(&old, "interactor");
    v.subtasks = record_get(&old, "subtasks");
    v.unpublished = !problem_published(&old);
    problems_source_hashes(v.checker, v.interactor, old_ch, old_ih);
    if (gv_msg_has(msg, "statement_md")) v.html = NULL; /* re-render */
    s_view_from_msg(msg, &v);
    if (!v.title) v.title = "";
    if (!v.md) v.md = "";
    /* new sources go to the blob store (other databases: old stays valid), then the record is
     * packed before it is written, and only then are replaced sources released */
    rc = problems_store_sources(ctx, &v);
    if (rc == 0) rc = s_store(ctx, id, &v, &rb);
    if (rc == 0 && gv_msg_has(msg, "checker")) rc = problems_unref_hash(ctx, old_ch);
    if (rc == 0 && gv_msg_has(msg, "interactor")) rc = problems_unref_hash(ctx, old_ih);
    if (rc == 0 && record_parse(&fresh, rb.sb.data, rb.sb.size) != 0) rc = -1;
    if (rc == 0) rc = s_reply_problem(ctx, msg, 200, &fresh);
    if (rc == 0) rc = problems_publish(ctx, id, "updated");
done:
    record_done(&old);
    record_done(&fresh);
    recbuf_done(&rb);
    return rc;
}

static int s_delete(actor_ctx_t *ctx, const gv_msg_t *msg)
{
    problems_t *st = ctx->state;
    if (!actor_caller_is_staff(msg)) return problems_forbidden(ctx, msg);
    uint64_t id = gv_msg_uint(msg, "id", 0);
    uint8_t key[8];
    store_be64_put(key, id);
    record_t r;
    char ch[BLOBS_HASH_HEX + 1], ih[BLOBS_HASH_HEX + 1];
    int rc = problems_load(ctx, id, &r);
    if (rc == 0) problems_source_hashes(record_get(&r, "checker"), record_get(&r, "interactor"), ch, ih);
    record_done(&r);
    if (rc != 0) return rc == 1 ? problems_not_found(ctx, msg) : -1;
    if (problem_tests_delete_all(ctx, id) != 0 || problem_import_delete_all(ctx, id) != 0 ||
        problems_unref_hash(ctx, ch) != 0 || problems_unref_hash(ctx, ih) != 0)
        return -1;
    if (actor_del(ctx, st->items, key, 8) != 0 || problems_publish(ctx, id, "deleted") != 0)
        return -1;
    gv_info("problem deleted", "id=%" PRIu64 " by=%" PRIu64, id, gv_msg_uint(msg, "caller_id", 0));
    return actor_reply_empty(ctx, msg, 204);
}

static int s_get(actor_ctx_t *ctx, const gv_msg_t *msg)
{
    record_t r;
    int rc = problems_load(ctx, gv_msg_uint(msg, "id", 0), &r);
    if (rc == 0) { /* a hidden problem answers exactly as a missing one */
        int vis = problem_visible_to(ctx, msg, &r);
        rc = vis < 0 ? -1 : vis ? 0 : 1;
    }
    if (rc == 1)
        rc = problems_not_found(ctx, msg);
    else if (rc == 0)
        rc = s_reply_problem(ctx, msg, 200, &r);
    record_done(&r);
    return rc;
}

static bool s_icontains(const char *hay, size_t hlen, const char *needle)
{
    size_t n = strlen(needle);
    if (n == 0) return true;
    for (size_t i = 0; i + n <= hlen; i++) {
        size_t j = 0;
        while (j < n && tolower((unsigned char)hay[i + j]) == tolower((unsigned char)needle[j]))
            j++;
        if (j == n) return true;
    }
    return false;
}

static bool s_matches(const record_t *r, const char *q)
{
    if (!q || !*q) return true;
    size_t len;
    const char *title = record_str(r, "title", &len);
    if (title && s_icontains(title, len, q)) return true;
    const msgpack_object *tags = record_get(r, "tags");
    for (uint32_t i = 0; tags && tags->type == MSGPACK_OBJECT_ARRAY && i < tags->via.array.size;
         i++) {
        const char *t = record_obj_str(&tags->via.array.ptr[i], &len);
        if (t && s_icontains(t, len, q)) return true;
    }
    return false;
}

static void s_pk_summary(msgpack_packer *pk, const record_t *r)
{
    msgpack_pack_map(pk, 5);
    gv_pk_key(pk, "id");
    actor_pk_id(pk, record_uint(r, "id", 0));
    static const char *const keys[] = {"title", "time_limit_ms", "memory_limit_kb"};
    for (int i = 0; i < 3; i++) {
        gv_pk_key(pk, keys[i]);
        problems_pk_obj_or(pk, record_get(r, keys[i]), "");
    }
    gv_pk_key(pk, "tags");
    const msgpack_object *tags = record_get(r, "tags");
    if (tags)
        gv_pk_object(pk, tags);
    else
        msgpack_pack_array(pk, 0);
}

/* Problems are few (thousands), so listing walks them all to count matches for `total`.
 * Problems the caller may not see are skipped before counting: neither their ids nor their
 * number shows. */
static int s_list(actor_ctx_t *ctx, const gv_msg_t *msg)
{
    problems_t *st = ctx->state;
    uint64_t page = gv_msg_uint(msg, "page", 1),
             per = gv_msg_uint(msg, "per_page", PROBLEMS_LIST_DEFAULT);
    const char *q = gv_msg_str(msg, "q");
    if (page == 0) page = 1;
    if (per == 0) per = PROBLEMS_LIST_DEFAULT;
    if (per > PROBLEMS_LIST_MAX) per = PROBLEMS_LIST_MAX;
    uint64_t skip = page > UINT64_MAX / per ? UINT64_MAX : (page - 1) * per, total = 0;
    uint64_t ids[PROBLEMS_LIST_MAX];
    uint32_t n = 0;
    bool all = actor_caller_sees_all(msg);
    MDB_cursor *cur;
    if (actor_cursor(ctx, st->items, &cur) != 0) return -1;
    MDB_val k, v;
    int rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST);
    for (; rc == 0; rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
        record_t r;
        bool hidden = false;
        if (record_parse(&r, v.mv_data, v.mv_size) == 0 && s_matches(&r, q)) {
            /* reads another database: the items cursor stays valid (no write) */
            if (!all && problem_hidden(ctx, &r, &hidden) != 0) {
                record_done(&r);
                mdb_cursor_close(cur);
                return -1;
            }
            if (!hidden) {
                if (total >= skip && n < per) ids[n++] = record_uint(&r, "id", 0);
                total++;
            }
        }
        record_done(&r);
    }
    mdb_cursor_close(cur);
    if (rc != MDB_NOTFOUND) return actor_fail(ctx, rc, "list problems");
    gv_writer_t *w = actor_reply_begin(ctx, msg, 200, true);
    if (!w) return -1;
    msgpack_packer *pk = gv_writer_pk(w);
    msgpack_pack_map(pk, 2);
    gv_pk_key(pk, "items");
    msgpack_pack_array(pk, n);
    for (uint32_t i = 0; i < n; i++) {
        record_t r;
        if (problems_load(ctx, ids[i], &r) != 0) {
            record_done(&r);
            gv_writer_destroy(&w);
            return -1;
        }
        s_pk_summary(pk, &r);
        record_done(&r);
    }
    gv_pk_kv_uint(pk, "total", total);
    return actor_reply_end(ctx, &w);
}

/* ---- kind ------------------------------------------------------------------------------------ */

static int s_init(actor_ctx_t *ctx)
{
    problems_t *st = calloc(1, sizeof *st);
    if (!st) return -1;
    ctx->state = st;
    int rc = store_dbi_open(ctx->txn, "problems.items", &st->items);
    if (rc == 0) rc = store_dbi_open(ctx->txn, "problems.tests", &st->tests);
    if (rc == 0) rc = store_dbi_open(ctx->txn, "problems.pkgsubs", &st->pkgsubs);
    if (rc == 0) rc = blobs_open(ctx->txn, "problems", &st->blobs);
    if (rc == 0) rc = store_dbi_open(ctx->txn, "problems.embargo", &st->embargo);
    if (rc == 0) rc = store_dbi_open(ctx->txn, "problems.cuses", &st->cuses);
    return rc == 0 ? 0 : actor_fail(ctx, rc, "open databases");
}

static void s_destroy(void *state)
{
    free(state);
}

static const actor_route_t s_routes[] = {
    {"problems.create", s_create},
    {"problems.update", s_update},
    {"problems.delete", s_delete},
    {"problems.get", s_get},
    {"problems.list", s_list},
    {"problems.add_test", problem_tests_add},
    {"problems.set_test", problem_tests_set},
    {"problems.manifest", problem_tests_manifest},
    {"problems.testdata", problem_tests_testdata},
    {"problems.import", problem_import},
    {"problems.package_submissions", problem_import_submissions},
    {"problems.contest_uses", problem_embargo_contest},
};

const actor_kind_t problems_actor = {
    .address = "problems",
    .routes = s_routes,
    .n_routes = sizeof s_routes / sizeof s_routes[0],
    .init = s_init,
    .destroy = s_destroy,
};
