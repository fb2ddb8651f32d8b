/*  submissions — submission records, create/get/list (see submissions.h).
 *
 *  Records are msgpack maps {id, problem_id, contest_id|nil, user_id, language, submitted_at
 *  (Unix ms), status, verdict|nil, score|nil, time_ms|nil, memory_kb|nil, compile_output,
 *  tests, test|nil}. Replies turn them into the API.md submission object (ids as strings,
 *  times RFC 3339).
 */
#include "submissions.h"

#include "gv_log.h"
#include "gv_types.h"
#include "store.h"
#include "submissions_impl.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SUBMISSIONS_ID_COUNTER "submissions.next_id"
#define INDEX_KEY_LEN 16
#define LANGUAGE_MAX 32

static void s_index_key(uint8_t k[INDEX_KEY_LEN], uint64_t owner, uint64_t id)
{
    store_be64_put(k, owner);
    store_be64_put(k + 8, id);
}

/* ---- records --------------------------------------------------------------------------------- */

static void s_pk_opt_uint(msgpack_packer *pk, bool has, uint64_t v)
{
    if (has)
        msgpack_pack_uint64(pk, v);
    else
        msgpack_pack_nil(pk);
}

/* status, verdict, score, time_ms, memory_kb: five key/value pairs, the same in the stored
 * record and in the API's submission object. */
static void s_pk_outcome(msgpack_packer *pk, const subview_t *v)
{
    gv_pk_kv_str(pk, "status", v->status);
    gv_pk_key(pk, "verdict");
    if (v->verdict)
        gv_pk_strn(pk, v->verdict, v->verdict_len);
    else
        msgpack_pack_nil(pk);
    gv_pk_key(pk, "score");
    if (v->has_score)
        msgpack_pack_double(pk, v->score);
    else
        msgpack_pack_nil(pk);
    gv_pk_key(pk, "time_ms");
    s_pk_opt_uint(pk, v->has_result, v->time_ms);
    gv_pk_key(pk, "memory_kb");
    s_pk_opt_uint(pk, v->has_result, v->memory_kb);
}

/* Per-test results with only the API fields; unknown verdicts become JE. */
static void s_pk_test(msgpack_packer *pk, const msgpack_object *t, uint32_t i)
{
    size_t vl;
    const char *verdict = record_obj_str(gv_obj_get(t, "verdict"), &vl);
    char vbuf[8];
    snprintf(vbuf, sizeof vbuf, "%.*s", (int)(vl < 7 ? vl : 7), verdict ? verdict : "");
    const msgpack_object *group = gv_obj_get(t, "group");
    bool has_group = group && group->type == MSGPACK_OBJECT_STR;
    msgpack_pack_map(pk, 4 + (has_group ? 1 : 0));
    gv_pk_kv_uint(pk, "n", record_obj_uint(gv_obj_get(t, "n"), i + 1));
    if (has_group) {
        gv_pk_key(pk, "group");
        gv_pk_object(pk, group);
    }
    gv_pk_kv_str(pk, "verdict", gv_verdict_valid(vbuf) ? vbuf : "JE");
    gv_pk_kv_uint(pk, "time_ms", record_obj_uint(gv_obj_get(t, "time_ms"), 0));
    gv_pk_kv_uint(pk, "memory_kb", record_obj_uint(gv_obj_get(t, "memory_kb"), 0));
}

void submissions_pk_tests(msgpack_packer *pk, const msgpack_object *tests,
                          const msgpack_object *push)
{
    uint32_t n = tests && tests->type == MSGPACK_OBJECT_ARRAY ? tests->via.array.size : 0;
    bool more = push && push->type == MSGPACK_OBJECT_MAP;
    msgpack_pack_array(pk, n + (more ? 1 : 0));
    for (uint32_t i = 0; i < n; i++)
        s_pk_test(pk, &tests->via.array.ptr[i], i);
    if (more) s_pk_test(pk, push, n);
}

static void s_pk_hist_entry(msgpack_packer *pk, const subhist_t *h)
{
    msgpack_pack_map(pk, 7);
    gv_pk_kv_uint(pk, "attempt", h->attempt);
    gv_pk_key(pk, "verdict");
    gv_pk_strn(pk, h->verdict ? h->verdict : "JE", h->verdict ? h->verdict_len : 2);
    gv_pk_key(pk, "score");
    if (h->has_score)
        msgpack_pack_double(pk, h->score);
    else
        msgpack_pack_nil(pk);
    gv_pk_kv_uint(pk, "time_ms", h->time_ms);
    gv_pk_kv_uint(pk, "memory_kb", h->memory_kb);
    gv_pk_key(pk, "tests");
    submissions_pk_tests(pk, h->tests, NULL);
    gv_pk_kv_uint(pk, "judged_at", h->judged_at);
}

/* The stored history: the old entries (oldest dropped beyond HISTORY_MAX) and v->push. */
static void s_pk_history(msgpack_packer *pk, const subview_t *v)
{
    const msgpack_object *h = v->history;
    uint32_t n = h && h->type == MSGPACK_OBJECT_ARRAY ? h->via.array.size : 0;
    uint32_t total = n + (v->push ? 1 : 0), skip = total > HISTORY_MAX ? total - HISTORY_MAX : 0;
    msgpack_pack_array(pk, total - skip);
    for (uint32_t i = skip; i < n; i++)
        gv_pk_object(pk, &h->via.array.ptr[i]);
    if (v->push) s_pk_hist_entry(pk, v->push);
}

static void s_pk_record(msgpack_packer *pk, const subview_t *v)
{
    msgpack_pack_map(pk, 15);
    gv_pk_kv_uint(pk, "id", v->id);
    gv_pk_kv_uint(pk, "problem_id", v->problem_id);
    gv_pk_key(pk, "contest_id");
    s_pk_opt_uint(pk, v->contest_id != 0, v->contest_id);
    gv_pk_kv_uint(pk, "user_id", v->user_id);
    gv_pk_key(pk, "language");
    gv_pk_strn(pk, v->language, v->language_len);
    gv_pk_kv_uint(pk, "submitted_at", v->submitted_at);
    s_pk_outcome(pk, v);
    gv_pk_key(pk, "compile_output");
    gv_pk_strn(pk, v->compile_output ? v->compile_output : "", v->compile_output_len);
    gv_pk_key(pk, "tests");
    submissions_pk_tests(pk, v->tests, v->tests_push);
    gv_pk_key(pk, "test");
    s_pk_opt_uint(pk, v->test != 0, v->test);
    gv_pk_key(pk, "history");
    s_pk_history(pk, v);
}

static const char *s_status(const record_t *r)
{
    static const char *const all[] = {"queued", "compiling", "running", "done"};
    for (size_t i = 0; i < 4; i++)
        if (record_str_eq(r, "status", all[i])) return all[i];
    return "queued";
}

int submissions_load(actor_ctx_t *ctx, uint64_t id, record_t *r, subview_t *v)
{
    submissions_t *st = ctx->state;
    uint8_t key[8];
    store_be64_put(key, id);
    MDB_val val;
    record_parse(r, NULL, 0);
    int rc = actor_get(ctx, st->items, key, 8, &val);
    if (rc != 0) return rc;
    if (record_parse(r, val.mv_data, val.mv_size) != 0) {
        gv_error("corrupt submission record", "id=%" PRIu64, id);
        return -1;
    }
    memset(v, 0, sizeof *v);
    v->id = id;
    v->problem_id = record_uint(r, "problem_id", 0);
    v->contest_id = record_uint(r, "contest_id", 0);
    v->user_id = record_uint(r, "user_id", 0);
    v->submitted_at = record_uint(r, "submitted_at", 0);
    v->language = record_str(r, "language", &v->language_len);
    if (!v->language) v->language = "";
    v->status = s_status(r);
    v->verdict = record_str(r, "verdict", &v->verdict_len);
    const msgpack_object *score = record_get(r, "score");
    if (score && (score->type == MSGPACK_OBJECT_FLOAT64 || score->type == MSGPACK_OBJECT_FLOAT32)) {
        v->has_score = true;
        v->score = score->via.f64;
    }
    v->has_result = record_get(r, "time_ms") != NULL;
    v->time_ms = record_uint(r, "time_ms", 0);
    v->memory_kb = record_uint(r, "memory_kb", 0);
    v->compile_output = record_str(r, "compile_output", &v->compile_output_len);
    v->tests = record_get(r, "tests");
    v->test = record_uint(r, "test", 0);
    v->history = record_get(r, "history");
    return 0;
}

int submissions_store(actor_ctx_t *ctx, const subview_t *v)
{
    submissions_t *st = ctx->state;
    recbuf_t rb;
    recbuf_init(&rb);
    s_pk_record(&rb.pk, v);
    uint8_t key[8];
    store_be64_put(key, v->id);
    int rc = recbuf_ok(&rb) ? actor_put(ctx, st->items, key, 8, rb.sb.data, rb.sb.size, 0) : -1;
    recbuf_done(&rb);
    return rc == 0 ? 0 : -1;
}

int submissions_source(actor_ctx_t *ctx, uint64_t id, MDB_val *out)
{
    submissions_t *st = ctx->state;
    uint8_t key[8];
    store_be64_put(key, id);
    return actor_get(ctx, st->sources, key, 8, out);
}

/* Per submission, event ids grow with (attempt, phase): queued 0, compiling 1, running test n
 * 2 + n, done last. */
uint64_t submissions_event_id(const subview_t *v, uint32_t attempt)
{
    uint64_t phase = 0;
    if (strcmp(v->status, "done") == 0)
        phase = UINT32_MAX;
    else if (strcmp(v->status, "running") == 0)
        phase = 2 + (v->test < UINT32_MAX - 3 ? v->test : UINT32_MAX - 3);
    else if (strcmp(v->status, "compiling") == 0)
        phase = 1;
    return (uint64_t)attempt << 32 | phase;
}

/* Tells the contest of a contest submission: durably for creation, verdicts and rejudges, as a
 * plain message for per-test progress (a lost one is harmless). */
static int s_notify_contest(actor_ctx_t *ctx, const subview_t *v, uint32_t attempt)
{
    char to[40];
    snprintf(to, sizeof to, "contest/%" PRIu64, v->contest_id);
    bool done = strcmp(v->status, "done") == 0;
    bool progress = strcmp(v->status, "compiling") == 0 || strcmp(v->status, "running") == 0;
    uint32_t n = 7 + (done ? 2 : 0) + (v->test ? 1 : 0);
    gv_writer_t *w = progress ? actor_send_begin(ctx, "contest.sub", to, n)
                              : actor_durable_begin(ctx, "contest.sub", to, n);
    if (!w) return -1;
    msgpack_packer *pk = gv_writer_pk(w);
    gv_pk_kv_uint(pk, "sub_id", v->id);
    gv_pk_kv_uint(pk, "user_id", v->user_id);
    gv_pk_kv_uint(pk, "problem_id", v->problem_id);
    gv_pk_key(pk, "language");
    gv_pk_strn(pk, v->language, v->language_len);
    gv_pk_kv_uint(pk, "submitted_at", v->submitted_at);
    gv_pk_kv_uint(pk, "attempt", attempt);
    gv_pk_kv_str(pk, "status", v->status);
    if (v->test) gv_pk_kv_uint(pk, "test", v->test);
    if (done) {
        gv_pk_key(pk, "verdict");
        gv_pk_strn(pk, v->verdict ? v->verdict : "JE", v->verdict ? v->verdict_len : 2);
        gv_pk_key(pk, "tests");
        submissions_pk_tests(pk, v->tests, NULL);
    }
    return progress ? actor_send_end(ctx, &w) : actor_durable_end(ctx, &w);
}

int submissions_publish(actor_ctx_t *ctx, const subview_t *v, uint32_t attempt)
{
    char topic[40];
    snprintf(topic, sizeof topic, "submission/%" PRIu64, v->id);
    gv_writer_t *w = gv_writer_new("event", 0, ctx->address, topic, 0, 4);
    if (!w) return -1;
    msgpack_packer *pk = gv_writer_pk(w);
    gv_pk_kv_str(pk, "topic", topic);
    gv_pk_kv_str(pk, "kind", "submission");
    gv_pk_kv_uint(pk, "id", submissions_event_id(v, attempt));
    gv_pk_key(pk, "data");
    msgpack_pack_map(pk, 4);
    gv_pk_key(pk, "id");
    actor_pk_id(pk, v->id);
    gv_pk_kv_str(pk, "status", v->status);
    gv_pk_key(pk, "verdict");
    if (v->verdict)
        gv_pk_strn(pk, v->verdict, v->verdict_len);
    else
        msgpack_pack_nil(pk);
    gv_pk_key(pk, "test");
    s_pk_opt_uint(pk, v->test != 0, v->test);
    if (actor_event_end(ctx, topic, &w) != 0) return -1;
    return v->contest_id ? s_notify_contest(ctx, v, attempt) : 0;
}

gv_job_class_t submissions_class(const subview_t *v)
{
    const msgpack_object *h = v->history;
    if (v->push || (h && h->type == MSGPACK_OBJECT_ARRAY && h->via.array.size > 0))
        return GV_JOB_REJUDGE;
    return v->contest_id ? GV_JOB_CONTEST : GV_JOB_PRACTICE;
}

int submissions_offer(actor_ctx_t *ctx, const subview_t *v, uint32_t attempt)
{
    MDB_val src;
    int rc = submissions_source(ctx, v->id, &src);
    if (rc != 0) {
        if (rc == 1) gv_error("submission without source", "id=%" PRIu64, v->id);
        return -1;
    }
    gv_writer_t *w = actor_send_begin(ctx, "jobs.offer", "broker", 7);
    if (!w) return -1;
    msgpack_packer *pk = gv_writer_pk(w);
    /* the class orders the broker's queue (broker/dispatch.h) */
    gv_pk_kv_str(pk, "class", gv_job_class_name(submissions_class(v)));
    gv_pk_kv_uint(pk, "user_id", v->user_id);
    gv_pk_kv_uint(pk, "sub_id", v->id);
    gv_pk_kv_uint(pk, "attempt", attempt);
    gv_pk_kv_uint(pk, "problem_id", v->problem_id);
    gv_pk_key(pk, "language");
    gv_pk_strn(pk, v->language, v->language_len);
    gv_pk_kv_bin(pk, "source", src.mv_data, src.mv_size);
    return actor_send_end(ctx, &w);
}

/* The API.md submission object; `full` adds tests, compile_output, the source, the current
 * attempt and the history of earlier results. */
static void s_pk_api(msgpack_packer *pk, const subview_t *v, bool full, const MDB_val *source,
                     uint32_t attempt)
{
    msgpack_pack_map(pk, full ? 17 : 11);
    gv_pk_key(pk, "id");
    actor_pk_id(pk, v->id);
    gv_pk_key(pk, "problem_id");
    actor_pk_id(pk, v->problem_id);
    gv_pk_key(pk, "contest_id");
    if (v->contest_id)
        actor_pk_id(pk, v->contest_id);
    else
        msgpack_pack_nil(pk);
    gv_pk_key(pk, "user_id");
    actor_pk_id(pk, v->user_id);
    gv_pk_key(pk, "language");
    gv_pk_strn(pk, v->language, v->language_len);
    gv_pk_key(pk, "submitted_at");
    actor_pk_time(pk, v->submitted_at);
    s_pk_outcome(pk, v);
    if (!full) return;
    gv_pk_key(pk, "compile_output");
    gv_pk_strn(pk, v->compile_output ? v->compile_output : "", v->compile_output_len);
    gv_pk_key(pk, "tests");
    submissions_pk_tests(pk, v->tests, NULL);
    gv_pk_key(pk, "source");
    gv_pk_strn(pk, source && source->mv_size ? source->mv_data : "", source ? source->mv_size : 0);
    gv_pk_kv_uint(pk, "attempt", attempt);
    gv_pk_kv_uint(pk, "event_id", submissions_event_id(v, attempt ? attempt : 1));
    gv_pk_key(pk, "history");
    submissions_pk_history(pk, v->history);
}

/* ---- handlers -------------------------------------------------------------------------------- */

static bool s_language_ok(const actor_ctx_t *ctx, const char *lang)
{
    size_t n = lang ? strlen(lang) : 0;
    if (n == 0 || n > LANGUAGE_MAX) return false;
    const gv_config_t *cfg = ctx->env->cfg;
    return !cfg || cfg->n_langs == 0 || gv_config_lang(cfg, lang) != NULL;
}

static int s_create(actor_ctx_t *ctx, const gv_msg_t *msg)
{
    submissions_t *st = ctx->state;
    uint64_t user_id = gv_msg_uint(msg, "user_id", 0);
    const char *language = gv_msg_str(msg, "language");
    size_t src_len;
    const void *src = gv_msg_bytes(msg, "source", &src_len);
    if (actor_caller_is(msg, "contestant") && gv_msg_uint(msg, "caller_id", user_id) != user_id)
        return actor_reply_error(ctx, msg, 403, "forbidden",
                                 "contestants may submit only as themselves");
    if (!s_language_ok(ctx, language))
        return actor_reply_error(ctx, msg, 400, "invalid_field",
                                 "field `language` must name a configured language");
    if (src_len == 0)
        return actor_reply_error(ctx, msg, 400, "invalid_field", "field `source` is empty");
    if (src_len > ctx->env->max_source_bytes)
        return actor_reply_error(ctx, msg, 413, "too_large",
                                 "field `source` exceeds the %" PRIu64 "-byte limit",
                                 ctx->env->max_source_bytes);
    int adm = submissions_admit(ctx, msg, user_id);
    if (adm != 0) return adm < 0 ? -1 : 0;
    subview_t v = {
        .problem_id = gv_msg_uint(msg, "problem_id", 0),
        .contest_id = gv_msg_uint(msg, "contest_id", 0),
        .user_id = user_id,
        .submitted_at = ctx->now_ms,
        .language = language,
        .language_len = strlen(language),
        .status = "queued",
        .compile_output = "",
    };
    if (actor_next_id(ctx, SUBMISSIONS_ID_COUNTER, &v.id) != 0) return -1;
    uint8_t key[8], ik[INDEX_KEY_LEN];
    store_be64_put(key, v.id);
    if (submissions_store(ctx, &v) != 0 ||
        actor_put(ctx, st->sources, key, 8, src, src_len, 0) != 0)
        return -1;
    s_index_key(ik, v.user_id, v.id);
    if (actor_put(ctx, st->by_user, ik, INDEX_KEY_LEN, "", 0, 0) != 0) return -1;
    s_index_key(ik, v.problem_id, v.id);
    if (actor_put(ctx, st->by_problem, ik, INDEX_KEY_LEN, "", 0, 0) != 0) return -1;
    s_index_key(ik, v.contest_id, v.id);
    if (v.contest_id && actor_put(ctx, st->by_contest, ik, INDEX_KEY_LEN, "", 0, 0) != 0) return -1;
    if (judgequeue_add(ctx, &st->queue, v.id, v.user_id, submissions_class(&v)) != 0) return -1;
    gv_writer_t *w = actor_reply_begin(ctx, msg, 202, true);
    if (!w) return -1;
    msgpack_packer *pk = gv_writer_pk(w);
    msgpack_pack_map(pk, 2);
    gv_pk_key(pk, "id");
    actor_pk_id(pk, v.id);
    gv_pk_kv_str(pk, "status", "queued");
    if (actor_reply_end(ctx, &w) != 0 || submissions_offer(ctx, &v, 1) != 0 ||
        submissions_publish(ctx, &v, 1) != 0)
        return -1;
    gv_debug("submission accepted",
             "id=%" PRIu64 " user_id=%" PRIu64 " problem_id=%" PRIu64 " language=%s corr=%" PRIu64,
             v.id, v.user_id, v.problem_id, language, gv_msg_corr(msg));
    return 0;
}

/* Contestants see only their own submissions; others get the same 404 as a missing id. */
static bool s_restricted(const gv_msg_t *msg)
{
    /* no caller_role: a node-internal request */
    return !actor_caller_sees_all(msg);
}

static bool s_may_see(const gv_msg_t *msg, uint64_t owner)
{
    return !s_restricted(msg) || gv_msg_uint(msg, "caller_id", 0) == owner;
}

static int s_get(actor_ctx_t *ctx, const gv_msg_t *msg)
{
    record_t r;
    subview_t v;
    MDB_val src = {0, NULL};
    int rc = submissions_load(ctx, gv_msg_uint(msg, "id", 0), &r, &v);
    if (rc == 0 && !s_may_see(msg, v.user_id)) rc = 1;
    if (rc == 1)
        rc = actor_reply_error(ctx, msg, 404, "not_found", "no submission with this id");
    else if (rc == 0 && submissions_source(ctx, v.id, &src) < 0)
        rc = -1;
    else if (rc == 0) {
        submissions_t *st = ctx->state;
        job_t job = {.attempt = 1};
        gv_writer_t *w = NULL;
        if (judgequeue_get(ctx, &st->queue, v.id, &job) < 0 ||
            !(w = actor_reply_begin(ctx, msg, 200, true)))
            rc = -1;
        else {
            s_pk_api(gv_writer_pk(w), &v, true, &src, job.attempt);
            rc = actor_reply_end(ctx, &w);
        }
    }
    record_done(&r);
    return rc;
}

int submissions_walk_next(actor_ctx_t *ctx, submissions_walk_t *w, uint64_t *id)
{
    MDB_val k, v;
    int rc;
    if (w->started) {
        rc = mdb_cursor_get(w->cur, &k, &v, MDB_PREV);
    } else if (!w->indexed) {
        rc = mdb_cursor_get(w->cur, &k, &v, MDB_LAST);
    } else {
        uint8_t start[INDEX_KEY_LEN];
        s_index_key(start, w->owner, UINT64_MAX);
        k.mv_size = INDEX_KEY_LEN;
        k.mv_data = start;
        rc = mdb_cursor_get(w->cur, &k, &v, MDB_SET_RANGE);
        if (rc == 0)
            rc = mdb_cursor_get(w->cur, &k, &v, MDB_PREV);
        else if (rc == MDB_NOTFOUND)
            rc = mdb_cursor_get(w->cur, &k, &v, MDB_LAST);
    }
    w->started = true;
    if (rc == MDB_NOTFOUND) return 1;
    if (rc != 0) return actor_fail(ctx, rc, "walk submissions");
    if (!w->indexed) {
        *id = k.mv_size == 8 ? store_be64_get(k.mv_data) : 0;
        return 0;
    }
    if (k.mv_size != INDEX_KEY_LEN || store_be64_get(k.mv_data) != w->owner) return 1;
    *id = store_be64_get((const uint8_t *)k.mv_data + 8);
    return 0;
}

typedef struct {
    uint64_t problem_id, contest_id, user_id; /* 0 = any */
} filter_t;

static bool s_filter_match(const filter_t *f, const subview_t *v)
{
    return (!f->problem_id || f->problem_id == v->problem_id) &&
           (!f->contest_id || f->contest_id == v->contest_id) &&
           (!f->user_id || f->user_id == v->user_id);
}

/* Filters, newest first. The most selective index drives the walk (a user's submissions, then
 * a problem's, then a contest's); only filters the index does not cover read the record. */
static int s_list(actor_ctx_t *ctx, const gv_msg_t *msg)
{
    submissions_t *st = ctx->state;
    filter_t f = {gv_msg_uint(msg, "problem_id", 0), gv_msg_uint(msg, "contest_id", 0),
                  gv_msg_uint(msg, "user_id", 0)};
    bool empty = false;
    if (s_restricted(msg)) {
        uint64_t me = gv_msg_uint(msg, "caller_id", 0);
        empty = (f.user_id && f.user_id != me) || me == 0;
        f.user_id = me;
    }
    uint64_t page = gv_msg_uint(msg, "page", 1), per = gv_msg_uint(msg, "per_page", 0);
    if (page == 0) page = 1;
    if (per == 0) per = SUBMISSIONS_LIST_DEFAULT;
    if (per > SUBMISSIONS_LIST_MAX) per = SUBMISSIONS_LIST_MAX;
    uint64_t skip = page > UINT64_MAX / per ? UINT64_MAX : (page - 1) * per, total = 0;
    uint64_t ids[SUBMISSIONS_LIST_MAX];
    uint32_t n = 0;

    submissions_walk_t w = {0};
    filter_t rest = f; /* what the walk does not already guarantee */
    MDB_dbi dbi = st->items;
    if (f.user_id) {
        dbi = st->by_user;
        w.indexed = true;
        w.owner = f.user_id;
        rest.user_id = 0;
    } else if (f.problem_id) {
        dbi = st->by_problem;
        w.indexed = true;
        w.owner = f.problem_id;
        rest.problem_id = 0;
    } else if (f.contest_id) {
        dbi = st->by_contest;
        w.indexed = true;
        w.owner = f.contest_id;
        rest.contest_id = 0;
    }
    bool check = rest.user_id || rest.problem_id || rest.contest_id;
    bool count_all = true;
    if (!w.indexed) {
        MDB_stat stat;
        int rc = mdb_stat(ctx->txn, st->items, &stat);
        if (rc != 0) return actor_fail(ctx, rc, "stat submissions");
        total = stat.ms_entries;
        count_all = false; /* total known: stop once the page is full */
    }
    if (empty) total = 0;
    if (!empty && actor_cursor(ctx, dbi, &w.cur) != 0) return -1;
    uint64_t id = 0, seen = 0;
    int rc = empty ? 1 : 0;
    while (rc == 0 && (rc = submissions_walk_next(ctx, &w, &id)) == 0) {
        if (check) {
            record_t r;
            subview_t v;
            int lr = submissions_load(ctx, id, &r, &v);
            bool match = lr == 0 && s_filter_match(&rest, &v);
            record_done(&r);
            if (lr < 0) {
                rc = -1;
                break;
            }
            if (!match) continue;
        }
        if (seen >= skip && n < per) ids[n++] = id;
        seen++;
        if (!count_all && n == per) break;
    }
    if (w.cur) mdb_cursor_close(w.cur);
    if (rc < 0) return -1;
    if (count_all) total = seen;

    gv_writer_t *wr = actor_reply_begin(ctx, msg, 200, true);
    if (!wr) return -1;
    msgpack_packer *pk = gv_writer_pk(wr);
    msgpack_pack_map(pk, 2);
    gv_pk_key(pk, "items");
    msgpack_pack_array(pk, n);
    for (uint32_t i = 0; i < n; i++) {
        record_t r;
        subview_t v;
        int lr = submissions_load(ctx, ids[i], &r, &v);
        if (lr == 0) s_pk_api(pk, &v, false, NULL, 0);
        record_done(&r);
        if (lr != 0) {
            gv_writer_destroy(&wr);
            return -1;
        }
    }
    gv_pk_kv_uint(pk, "total", total);
    return actor_reply_end(ctx, &wr);
}

/* ---- kind ------------------------------------------------------------------------------------ */

static int s_init(actor_ctx_t *ctx)
{
    submissions_t *st = calloc(1, sizeof *st);
    if (!st) return -1;
    ctx->state = st;
    ctx->tick_ms = REOFFER_TICK_MS;
    st->next_sweep_at = gv_mono_ms() + ctx->env->reoffer_interval_ms;
    int rc = store_dbi_open(ctx->txn, "submissions.items", &st->items);
    if (rc == 0) rc = store_dbi_open(ctx->txn, "submissions.sources", &st->sources);
    if (rc == 0) rc = store_dbi_open(ctx->txn, "submissions.by_user", &st->by_user);
    if (rc == 0) rc = store_dbi_open(ctx->txn, "submissions.by_problem", &st->by_problem);
    if (rc == 0) rc = store_dbi_open(ctx->txn, "submissions.by_contest", &st->by_contest);
    if (rc == 0) rc = store_dbi_open(ctx->txn, "submissions.rejudges", &st->rejudges);
    if (rc == 0) rc = judgequeue_open(ctx->txn, &st->queue);
    return rc == 0 ? 0 : actor_fail(ctx, rc, "open databases");
}

static void s_destroy(void *state)
{
    free(state);
}

static const actor_route_t s_routes[] = {
    {"submissions.create", s_create}, {"submissions.get", s_get},
    {"submissions.list", s_list},     {"judge.progress", judging_progress},
    {"judge.result", judging_result}, {"submissions.rejudge", rejudge_request},
};

/* Re-offers and paged rejudges share the actor's tick. */
static int s_tick(actor_ctx_t *ctx)
{
    return judging_reoffer_tick(ctx) == 0 && rejudge_tick(ctx) == 0 ? 0 : -1;
}

const actor_kind_t submissions_actor = {
    .address = "submissions",
    .routes = s_routes,
    .n_routes = sizeof s_routes / sizeof s_routes[0],
    .init = s_init,
    .destroy = s_destroy,
    .tick = s_tick,
    .on_reintroduce = judging_reoffer_now,
};
