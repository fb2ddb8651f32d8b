/*  problem_tests — a problem's ordered test list and its test data (see problems.h).
 *
 *  The judge manifest (problems.manifest) is {problem_id, time_limit_ms, memory_limit_kb,
 *  output_limit_kb (the problem's, else the config's default), run_all (true when the problem
 *  has subtasks), checker, interactor?, tests:[{n, input_hash, output_hash, input_size,
 *  output_size, sample, group?}]}; every hash in it (tests, checker and interactor
 *  source_hash) can be fetched with problems.testdata.
 *
 *  Tests are keyed (problem id, n) as 8 + 4 big-endian bytes, so a cursor walks one
 *  problem's tests in order and its last n is one seek away; their bytes live in the
 *  content-addressed blob store, shared between tests and problems with equal data.
 */
#include "problems.h"

#include "gv_log.h"
#include "problems_impl.h"
#include "store.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    char in[BLOBS_HASH_HEX + 1], out[BLOBS_HASH_HEX + 1];
} sample_ref_t;

/* The number of the last test of pid (0 when none). 0 / -1. */
static int s_last_test(actor_ctx_t *ctx, uint64_t pid, uint32_t *last)
{
    problems_t *st = ctx->state;
    MDB_cursor *cur;
    *last = 0;
    if (actor_cursor(ctx, st->tests, &cur) != 0) return -1;
    uint8_t k[ACTOR_CHILD_KEY_LEN];
    actor_child_key(k, pid, UINT32_MAX);
    MDB_val key = {ACTOR_CHILD_KEY_LEN, k}, val;
    int rc = mdb_cursor_get(cur, &key, &val, MDB_SET_RANGE);
    if (rc == 0 && memcmp(key.mv_data, k, ACTOR_CHILD_KEY_LEN) != 0)
        rc = mdb_cursor_get(cur, &key, &val, MDB_PREV);
    else if (rc == MDB_NOTFOUND)
        rc = mdb_cursor_get(cur, &key, &val, MDB_LAST);
    if (rc == 0 && key.mv_size == ACTOR_CHILD_KEY_LEN && store_be64_get(key.mv_data) == pid)
        *last = store_be32_get((const uint8_t *)key.mv_data + 8);
    mdb_cursor_close(cur);
    return rc == 0 || rc == MDB_NOTFOUND ? 0 : actor_fail(ctx, rc, "find last test");
}

/* A test as the manifest shows it: group only when it has one. */
static void s_pk_test(msgpack_packer *pk, const record_t *t)
{
    static const char *const keys[] = {"n",          "input_hash",  "output_hash",
                                       "input_size", "output_size", "sample"};
    const msgpack_object *group = record_get(t, "group");
    msgpack_pack_map(pk, 6 + (group ? 1 : 0));
    for (int i = 0; i < 6; i++) {
        const msgpack_object *o = record_get(t, keys[i]);
        gv_pk_key(pk, keys[i]);
        if (o)
            gv_pk_object(pk, o);
        else
            msgpack_pack_nil(pk);
    }
    if (group) {
        gv_pk_key(pk, "group");
        gv_pk_object(pk, group);
    }
}

static int s_count_test(actor_ctx_t *ctx, uint32_t n, const record_t *t, void *arg)
{
    (void)n;
    (void)ctx, (void)t;
    ++*(uint32_t *)arg;
    return 0;
}

static int s_pk_test_cb(actor_ctx_t *ctx, uint32_t n, const record_t *t, void *arg)
{
    (void)n;
    (void)ctx;
    s_pk_test(arg, t);
    return 0;
}

typedef struct {
    sample_ref_t *v;
    size_t n, cap;
} samples_t;

static int s_collect_sample(actor_ctx_t *ctx, uint32_t n, const record_t *t, void *arg)
{
    (void)n;
    (void)ctx;
    samples_t *s = arg;
    const msgpack_object *flag = record_get(t, "sample");
    if (!flag || flag->type != MSGPACK_OBJECT_BOOLEAN || !flag->via.boolean) return 0;
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 8;
        sample_ref_t *v = realloc(s->v, cap * sizeof *v);
        if (!v) return -1;
        s->v = v;
        s->cap = cap;
    }
    sample_ref_t *r = &s->v[s->n++];
    size_t il, ol;
    const char *in = record_str(t, "input_hash", &il), *out = record_str(t, "output_hash", &ol);
    snprintf(r->in, sizeof r->in, "%.*s", (int)il, in ? in : "");
    snprintf(r->out, sizeof r->out, "%.*s", (int)ol, out ? out : "");
    return 0;
}

static void s_pk_blob_str(actor_ctx_t *ctx, msgpack_packer *pk, const char *hash)
{
    problems_t *st = ctx->state;
    MDB_val v;
    if (blobs_get(ctx, &st->blobs, hash, &v) == 0)
        gv_pk_strn(pk, v.mv_data, v.mv_size);
    else
        gv_pk_strn(pk, "", 0);
}

int problem_tests_pk_samples(actor_ctx_t *ctx, msgpack_packer *pk, uint64_t pid)
{
    samples_t s = {0};
    if (actor_each_child(ctx, ((problems_t *)ctx->state)->tests, pid, s_collect_sample, &s,
                         "iterate tests") != 0) {
        free(s.v);
        return -1;
    }
    msgpack_pack_array(pk, (uint32_t)s.n);
    for (size_t i = 0; i < s.n; i++) {
        msgpack_pack_map(pk, 2);
        gv_pk_key(pk, "input");
        s_pk_blob_str(ctx, pk, s.v[i].in);
        gv_pk_key(pk, "output");
        s_pk_blob_str(ctx, pk, s.v[i].out);
    }
    free(s.v);
    return 0;
}

/* Drops the tests one at a time (always the problem's first remaining key), releasing their
 * blobs; hashes are copied out before any write moves the page they live on. */
int problem_tests_delete_all(actor_ctx_t *ctx, uint64_t pid)
{
    problems_t *st = ctx->state;
    MDB_cursor *cur;
    if (actor_cursor(ctx, st->tests, &cur) != 0) return -1;
    int rc;
    for (;;) {
        uint8_t k[ACTOR_CHILD_KEY_LEN];
        actor_child_key(k, pid, 0);
        MDB_val tk = {ACTOR_CHILD_KEY_LEN, k}, tv;
        rc = mdb_cursor_get(cur, &tk, &tv, MDB_SET_RANGE);
        if (rc != 0 || tk.mv_size != ACTOR_CHILD_KEY_LEN || store_be64_get(tk.mv_data) != pid)
            break;
        record_t t;
        char in[BLOBS_HASH_HEX + 1] = "", out[BLOBS_HASH_HEX + 1] = "";
        size_t il, ol;
        if (record_parse(&t, tv.mv_data, tv.mv_size) == 0) {
            const char *a = record_str(&t, "input_hash", &il);
            const char *b = record_str(&t, "output_hash", &ol);
            snprintf(in, sizeof in, "%.*s", (int)il, a ? a : "");
            snprintf(out, sizeof out, "%.*s", (int)ol, b ? b : "");
        }
        record_done(&t);
        memcpy(k, tk.mv_data, ACTOR_CHILD_KEY_LEN);
        if (actor_del(ctx, st->tests, k, ACTOR_CHILD_KEY_LEN) != 0 ||
            (blobs_hash_valid(in) && blobs_unref(ctx, &st->blobs, in) != 0) ||
            (blobs_hash_valid(out) && blobs_unref(ctx, &st->blobs, out) != 0)) {
            mdb_cursor_close(cur);
            return -1;
        }
    }
    mdb_cursor_close(cur);
    return rc == 0 || rc == MDB_NOTFOUND ? 0 : actor_fail(ctx, rc, "delete tests");
}

int problem_tests_put(actor_ctx_t *ctx, uint64_t pid, const void *in, size_t ilen, const void *out,
                      size_t olen, bool sample, const char *group, size_t glen, uint32_t *n)
{
    problems_t *st = ctx->state;
    char ih[BLOBS_HASH_HEX + 1], oh[BLOBS_HASH_HEX + 1];
    uint32_t last;
    if (s_last_test(ctx, pid, &last) != 0 || blobs_add(ctx, &st->blobs, in, ilen, ih) != 0 ||
        blobs_add(ctx, &st->blobs, out, olen, oh) != 0)
        return -1;
    *n = last + 1;
    recbuf_t rb;
    recbuf_init(&rb);
    msgpack_pack_map(&rb.pk, 6 + (group ? 1 : 0));
    gv_pk_kv_uint(&rb.pk, "n", *n);
    gv_pk_kv_str(&rb.pk, "input_hash", ih);
    gv_pk_kv_str(&rb.pk, "output_hash", oh);
    gv_pk_kv_uint(&rb.pk, "input_size", ilen);
    gv_pk_kv_uint(&rb.pk, "output_size", olen);
    gv_pk_kv_bool(&rb.pk, "sample", sample);
    if (group) {
        gv_pk_key(&rb.pk, "group");
        gv_pk_strn(&rb.pk, group, glen);
    }
    uint8_t tk[ACTOR_CHILD_KEY_LEN];
    actor_child_key(tk, pid, *n);
    int rc = recbuf_ok(&rb)
                 ? actor_put(ctx, st->tests, tk, ACTOR_CHILD_KEY_LEN, rb.sb.data, rb.sb.size, 0)
                 : -1;
    recbuf_done(&rb);
    return rc == 0 ? 0 : -1;
}

int problem_tests_add(actor_ctx_t *ctx, const gv_msg_t *msg)
{
    if (!actor_caller_is_staff(msg)) return problems_forbidden(ctx, msg);
    uint64_t id = gv_msg_uint(msg, "id", 0);
    int rc = problems_exists(ctx, id);
    if (rc != 0) return rc == 1 ? problems_not_found(ctx, msg) : -1;
    size_t ilen, olen;
    const void *in = gv_msg_bytes(msg, "input", &ilen), *out = gv_msg_bytes(msg, "output", &olen);
    const msgpack_object *g = gv_msg_field(msg, "group");
    if (g && g->type == MSGPACK_OBJECT_STR && g->via.str.size == 0)
        return actor_reply_error(ctx, msg, 400, "invalid_field",
                                 "field `group` must not be empty; leave it out instead");
    bool has_group = g && g->type == MSGPACK_OBJECT_STR;
    uint32_t n;
    if (problem_tests_put(ctx, id, in, ilen, out, olen, gv_msg_bool(msg, "sample", false),
                          has_group ? g->via.str.ptr : NULL, has_group ? g->via.str.size : 0,
                          &n) != 0 ||
        problems_publish(ctx, id, "tests") != 0)
        return -1;
    gv_writer_t *w = actor_reply_begin(ctx, msg, 201, true);
    if (!w) return -1;
    msgpack_pack_map(gv_writer_pk(w), 1);
    gv_pk_kv_uint(gv_writer_pk(w), "n", n);
    return actor_reply_end(ctx, &w);
}

/* problems.set_test: replaces test n's data (and sample flag and group) in place. */
int problem_tests_set(actor_ctx_t *ctx, const gv_msg_t *msg)
{
    problems_t *st = ctx->state;
    if (!actor_caller_is_staff(msg)) return problems_forbidden(ctx, msg);
    uint64_t id = gv_msg_uint(msg, "id", 0), n64 = gv_msg_uint(msg, "n", 0);
    int rc = problems_exists(ctx, id);
    if (rc != 0) return rc == 1 ? problems_not_found(ctx, msg) : -1;
    uint8_t tk[ACTOR_CHILD_KEY_LEN];
    actor_child_key(tk, id, n64 > UINT32_MAX ? 0 : (uint32_t)n64);
    MDB_val v;
    rc = n64 == 0 || n64 > UINT32_MAX ? 1 : actor_get(ctx, st->tests, tk, ACTOR_CHILD_KEY_LEN, &v);
    if (rc != 0)
        return rc == 1 ? actor_reply_error(ctx, msg, 404, "not_found",
                                           "the problem has no test %llu", (unsigned long long)n64)
                       : -1;
    char old_in[BLOBS_HASH_HEX + 1] = "", old_out[BLOBS_HASH_HEX + 1] = "";
    record_t t;
    if (record_parse(&t, v.mv_data, v.mv_size) == 0) {
        size_t il, ol;
        const char *a = record_str(&t, "input_hash", &il), *b = record_str(&t, "output_hash", &ol);
        snprintf(old_in, sizeof old_in, "%.*s", (int)il, a ? a : "");
        snprintf(old_out, sizeof old_out, "%.*s", (int)ol, b ? b : "");
    }
    record_done(&t);
    size_t ilen, olen;
    const void *in = gv_msg_bytes(msg, "input", &ilen), *out = gv_msg_bytes(msg, "output", &olen);
    const msgpack_object *g = gv_msg_field(msg, "group");
    bool has_group = g && g->type == MSGPACK_OBJECT_STR && g->via.str.size > 0;
    uint32_t n = (uint32_t)n64;
    char ih[BLOBS_HASH_HEX + 1], oh[BLOBS_HASH_HEX + 1];
    if (blobs_add(ctx, &st->blobs, in, ilen, ih) != 0 ||
        blobs_add(ctx, &st->blobs, out, olen, oh) != 0)
        return -1;
    recbuf_t rb;
    recbuf_init(&rb);
    msgpack_pack_map(&rb.pk, 6 + (has_group ? 1 : 0));
    gv_pk_kv_uint(&rb.pk, "n", n);
    gv_pk_kv_str(&rb.pk, "input_hash", ih);
    gv_pk_kv_str(&rb.pk, "output_hash", oh);
    gv_pk_kv_uint(&rb.pk, "input_size", ilen);
    gv_pk_kv_uint(&rb.pk, "output_size", olen);
    gv_pk_kv_bool(&rb.pk, "sample", gv_msg_bool(msg, "sample", false));
    if (has_group) {
        gv_pk_key(&rb.pk, "group");
        gv_pk_strn(&rb.pk, g->via.str.ptr, g->via.str.size);
    }
    rc = recbuf_ok(&rb)
             ? actor_put(ctx, st->tests, tk, ACTOR_CHILD_KEY_LEN, rb.sb.data, rb.sb.size, 0)
             : -1;
    recbuf_done(&rb);
    if (rc != 0 || problems_unref_hash(ctx, old_in) != 0 ||
        problems_unref_hash(ctx, old_out) != 0 || problems_publish(ctx, id, "tests") != 0)
        return -1;
    gv_writer_t *w = actor_reply_begin(ctx, msg, 200, true);
    if (!w) return -1;
    msgpack_pack_map(gv_writer_pk(w), 1);
    gv_pk_kv_uint(gv_writer_pk(w), "n", n);
    return actor_reply_end(ctx, &w);
}

int problem_tests_manifest(actor_ctx_t *ctx, const gv_msg_t *msg)
{
    uint64_t id = gv_msg_uint(msg, "problem_id", 0);
    record_t r;
    gv_writer_t *w = NULL;
    uint32_t count = 0;
    int rc = problems_load(ctx, id, &r);
    if (rc == 0) { /* judges (no caller_role) and staff only, for a hidden problem */
        int vis = problem_visible_to(ctx, msg, &r);
        rc = vis < 0 ? -1 : vis ? 0 : 1;
    }
    if (rc != 0) {
        if (rc == 1) rc = problems_not_found(ctx, msg);
        goto done;
    }
    rc = -1;
    if (actor_each_child(ctx, ((problems_t *)ctx->state)->tests, id, s_count_test, &count,
                         "iterate tests") != 0 ||
        !(w = actor_reply_begin(ctx, msg, 200, true)))
        goto done;
    msgpack_packer *pk = gv_writer_pk(w);
    const msgpack_object *interactor = record_get(&r, "interactor");
    const msgpack_object *subtasks = record_get(&r, "subtasks");
    bool run_all = subtasks && subtasks->type == MSGPACK_OBJECT_ARRAY && subtasks->via.array.size;
    msgpack_pack_map(pk, 7 + (interactor ? 1 : 0));
    gv_pk_key(pk, "problem_id");
    actor_pk_id(pk, id);
    gv_pk_key(pk, "time_limit_ms");
    problems_pk_obj_or(pk, record_get(&r, "time_limit_ms"), "");
    gv_pk_key(pk, "memory_limit_kb");
    problems_pk_obj_or(pk, record_get(&r, "memory_limit_kb"), "");
    gv_pk_kv_uint(pk, "output_limit_kb", problems_output_limit_kb(ctx, &r));
    gv_pk_kv_bool(pk, "run_all", run_all);
    gv_pk_key(pk, "checker");
    problems_pk_checker(pk, record_get(&r, "checker"), NULL);
    if (interactor) {
        gv_pk_key(pk, "interactor");
        problems_pk_interactor(pk, interactor, NULL);
    }
    gv_pk_key(pk, "tests");
    msgpack_pack_array(pk, count);
    if (actor_each_child(ctx, ((problems_t *)ctx->state)->tests, id, s_pk_test_cb, pk,
                         "iterate tests") != 0)
        goto done;
    rc = actor_reply_end(ctx, &w);
done:
    gv_writer_destroy(&w);
    record_done(&r);
    return rc;
}

int problem_tests_testdata(actor_ctx_t *ctx, const gv_msg_t *msg)
{
    problems_t *st = ctx->state;
    const char *hash = gv_msg_str(msg, "hash");
    if (!blobs_hash_valid(hash))
        return actor_reply_error(ctx, msg, 400, "invalid_field",
                                 "field `hash` must be 64 lower-case hex digits (SHA-256)");
    MDB_val v;
    int rc = blobs_get(ctx, &st->blobs, hash, &v);
    if (rc != 0)
        return rc == 1
                   ? actor_reply_error(ctx, msg, 404, "not_found", "no test data with this hash")
                   : -1;
    gv_writer_t *w = actor_reply_begin(ctx, msg, 200, true);
    if (!w) return -1;
    msgpack_packer *pk = gv_writer_pk(w);
    msgpack_pack_map(pk, 2);
    gv_pk_kv_str(pk, "hash", hash);
    gv_pk_kv_bin(pk, "data", v.mv_data, v.mv_size);
    return actor_reply_end(ctx, &w);
}
