/*  problem_import — a whole problem package in one message (see problems.h).
 *
 *  The edge unpacks and checks the zip (edge/package.c) and sends everything in one
 *  problems.import: the problem's fields, its tests in order and the package's own
 *  submissions. This handler runs in one nested transaction like every handler, so the
 *  problem, all its tests and submissions become durable together, or (any failure) none of
 *  them does.
 *
 *  A package's submissions are kept with the problem in problems.pkgsubs, keyed (problem id,
 *  n) big-endian, as {folder, name, language, source}; problems.package_submissions lists
 *  them with the verdict their folder promises (jury and admin only: they are solutions).
 */
#include "gv_log.h"
#include "problems.h"
#include "problems_impl.h"
#include "store.h"

#include <inttypes.h>
#include <string.h>

/* The verdict a package folder promises (problemarchive names), or NULL. */
static const char *s_expected(const char *folder, size_t len)
{
    static const char *const map[][2] = {
        {"accepted", "AC"},
        {"wrong_answer", "WA"},
        {"time_limit_exceeded", "TLE"},
        {"run_time_error", "RTE"},
        {"memory_limit_exceeded", "MLE"},
        {"output_limit_exceeded", "OLE"},
        {"compile_error", "CE"},
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strlen(map[i][0]) == len && memcmp(map[i][0], folder, len) == 0) return map[i][1];
    return NULL;
}

static int s_put_submission(actor_ctx_t *ctx, uint64_t pid, uint32_t n, const msgpack_object *e)
{
    problems_t *st = ctx->state;
    static const char *const keys[] = {"folder", "name", "language", "source"};
    recbuf_t rb;
    recbuf_init(&rb);
    msgpack_pack_map(&rb.pk, 4);
    for (int i = 0; i < 4; i++) {
        size_t len;
        const char *v = record_obj_str(gv_obj_get(e, keys[i]), &len);
        gv_pk_key(&rb.pk, keys[i]);
        gv_pk_strn(&rb.pk, v ? v : "", v ? len : 0);
    }
    uint8_t k[ACTOR_CHILD_KEY_LEN];
    actor_child_key(k, pid, n);
    int rc = recbuf_ok(&rb)
                 ? actor_put(ctx, st->pkgsubs, k, ACTOR_CHILD_KEY_LEN, rb.sb.data, rb.sb.size, 0)
                 : -1;
    recbuf_done(&rb);
    return rc == 0 ? 0 : -1;
}

/* 0 when every submission comes from a folder we know; else -1 with why. */
static int s_check_submissions(const msgpack_object *subs, char *why, size_t n)
{
    for (uint32_t i = 0; subs && i < subs->via.array.size; i++) {
        size_t len;
        const char *f = record_obj_str(gv_obj_get(&subs->via.array.ptr[i], "folder"), &len);
        if (!f || !s_expected(f, len)) {
            snprintf(why, n, "field `submissions[%u].folder` `%.*s` is not a verdict folder", i,
                     (int)(f ? len : 0), f ? f : "");
            return -1;
        }
    }
    return 0;
}

int problem_import(actor_ctx_t *ctx, const gv_msg_t *msg)
{
    char why[256];
    if (!actor_caller_is_staff(msg)) return problems_forbidden(ctx, msg);
    const msgpack_object *tests = gv_msg_field(msg, "tests");
    const msgpack_object *subs = gv_msg_field(msg, "submissions");
    if (problems_check_fields(ctx, msg, why, sizeof why) != 0 ||
        s_check_submissions(subs, why, sizeof why) != 0)
        return actor_reply_error(ctx, msg, 400, "invalid_field", "%s", why);
    for (uint32_t i = 0; i < tests->via.array.size; i++) {
        const msgpack_object *g = gv_obj_get(&tests->via.array.ptr[i], "group");
        if (g && g->type == MSGPACK_OBJECT_STR && g->via.str.size == 0)
            return actor_reply_error(ctx, msg, 400, "invalid_field",
                                     "field `tests[%u].group` must not be empty", i);
    }
    uint64_t id;
    if (problems_create_from_msg(ctx, msg, &id) != 0) return -1;
    for (uint32_t i = 0; i < tests->via.array.size; i++) {
        const msgpack_object *t = &tests->via.array.ptr[i];
        size_t ilen, olen, glen = 0;
        const char *in = record_obj_str(gv_obj_get(t, "input"), &ilen);
        const char *out = record_obj_str(gv_obj_get(t, "output"), &olen);
        const msgpack_object *g = gv_obj_get(t, "group");
        const char *group = g && g->type == MSGPACK_OBJECT_STR ? record_obj_str(g, &glen) : NULL;
        const msgpack_object *s = gv_obj_get(t, "sample");
        bool sample = s && s->type == MSGPACK_OBJECT_BOOLEAN && s->via.boolean;
        uint32_t n;
        if (problem_tests_put(ctx, id, in ? in : "", in ? ilen : 0, out ? out : "", out ? olen : 0,
                              sample, group, glen, &n) != 0)
            return -1;
    }
    for (uint32_t i = 0; subs && i < subs->via.array.size; i++)
        if (s_put_submission(ctx, id, i + 1, &subs->via.array.ptr[i]) != 0) return -1;
    gv_info("problem imported",
            "id=%" PRIu64 " tests=%u submissions=%u by=%" PRIu64 " corr=%" PRIu64, id,
            tests->via.array.size, subs ? subs->via.array.size : 0,
            gv_msg_uint(msg, "caller_id", 0), gv_msg_corr(msg));
    gv_writer_t *w = actor_reply_begin(ctx, msg, 201, true);
    if (!w) return -1;
    msgpack_packer *pk = gv_writer_pk(w);
    msgpack_pack_map(pk, 3);
    gv_pk_key(pk, "id");
    actor_pk_id(pk, id);
    gv_pk_kv_uint(pk, "tests", tests->via.array.size);
    gv_pk_kv_uint(pk, "submissions", subs ? subs->via.array.size : 0);
    return actor_reply_end(ctx, &w);
}

static int s_count(actor_ctx_t *ctx, uint32_t n, const record_t *r, void *arg)
{
    (void)ctx, (void)n, (void)r;
    ++*(uint32_t *)arg;
    return 0;
}

static int s_pk_one(actor_ctx_t *ctx, uint32_t n, const record_t *r, void *arg)
{
    (void)ctx;
    msgpack_packer *pk = arg;
    size_t flen;
    const char *folder = record_str(r, "folder", &flen);
    const char *expected = folder ? s_expected(folder, flen) : NULL;
    msgpack_pack_map(pk, 6);
    gv_pk_kv_uint(pk, "n", n);
    static const char *const keys[] = {"folder", "name", "language", "source"};
    for (int i = 0; i < 4; i++) {
        gv_pk_key(pk, keys[i]);
        problems_pk_obj_or(pk, record_get(r, keys[i]), "");
    }
    gv_pk_kv_str(pk, "expected", expected ? expected : "AC");
    return 0;
}

int problem_import_submissions(actor_ctx_t *ctx, const gv_msg_t *msg)
{
    if (!actor_caller_is_staff(msg))
        return actor_reply_error(ctx, msg, 403, "forbidden",
                                 "only jury and admins may read a package's submissions");
    uint64_t id = gv_msg_uint(msg, "id", 0);
    int rc = problems_exists(ctx, id);
    if (rc != 0) return rc == 1 ? problems_not_found(ctx, msg) : -1;
    uint32_t count = 0;
    if (actor_each_child(ctx, ((problems_t *)ctx->state)->pkgsubs, id, s_count, &count,
                         "count package submissions") != 0)
        return -1;
    gv_writer_t *w = actor_reply_begin(ctx, msg, 200, true);
    if (!w) return -1;
    msgpack_packer *pk = gv_writer_pk(w);
    msgpack_pack_map(pk, 2);
    gv_pk_key(pk, "items");
    msgpack_pack_array(pk, count);
    if (actor_each_child(ctx, ((problems_t *)ctx->state)->pkgsubs, id, s_pk_one, pk,
                         "list package submissions") != 0) {
        gv_writer_destroy(&w);
        return -1;
    }
    gv_pk_kv_uint(pk, "total", count);
    return actor_reply_end(ctx, &w);
}

int problem_import_delete_all(actor_ctx_t *ctx, uint64_t pid)
{
    problems_t *st = ctx->state;
    for (;;) {
        MDB_cursor *cur;
        if (actor_cursor(ctx, st->pkgsubs, &cur) != 0) return -1;
        uint8_t k[ACTOR_CHILD_KEY_LEN];
        actor_child_key(k, pid, 0);
        MDB_val key = {ACTOR_CHILD_KEY_LEN, k}, val;
        int rc = mdb_cursor_get(cur, &key, &val, MDB_SET_RANGE);
        bool ours =
            rc == 0 && key.mv_size == ACTOR_CHILD_KEY_LEN && store_be64_get(key.mv_data) == pid;
        if (ours) memcpy(k, key.mv_data, ACTOR_CHILD_KEY_LEN);
        mdb_cursor_close(cur);
        if (rc != 0 && rc != MDB_NOTFOUND) return actor_fail(ctx, rc, "delete package submissions");
        if (!ours) return 0;
        if (actor_del(ctx, st->pkgsubs, k, ACTOR_CHILD_KEY_LEN) != 0) return -1;
    }
}
