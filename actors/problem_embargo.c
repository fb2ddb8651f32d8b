/*  problem_embargo — who may see a problem (issue 10, point 7: contest secrecy).
 *
 *  A problem is hidden from everyone but jury, admin and the cluster's own nodes when
 *    * it is unpublished by hand (record field `published` false; absent means true), or
 *    * it is embargoed: some contest that has not started uses it, and no contest that has
 *      started uses it. A problem already shown by a started (running, ended) contest stays
 *      visible when a later contest reuses it: hiding it then would reveal, by its
 *      disappearance, that it is in an upcoming contest, and hide nothing new.
 *  A problem no contest uses and not unpublished is visible (practice problems).
 *
 *  The contest actor tells us which problems each contest uses and when it starts, with a
 *  durable notification `problems.contest_uses {contest_id, start_ms, version_ms,
 *  version_seq, problem_ids:[...]}` (see docs/CONTESTS.md "Durable notifications") on every
 *  create and update; it replaces what we knew of that contest. A notification sent again
 *  after a newer one was applied (versions compare (version_ms, version_seq)) is ignored.
 *  The embargo is lifted by the clock, at start_ms, without another message: every check
 *  compares the stored start with the batch's time, so a problem appears at the start even
 *  when the contest's node is slow or down.
 *
 *  Databases:
 *    problems.embargo   pid cid → start_ms (8 bytes BE): the contests that use a problem
 *    problems.cuses     cid     → [version_ms 8][version_seq 8][start_ms 8][pid 8]... (BE)
 */
#include "problems_impl.h"

#include "gv_log.h"
#include "store.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#define CUSES_HEAD 24

static void s_key(uint8_t k[16], uint64_t a, uint64_t b)
{
    store_be64_put(k, a);
    store_be64_put(k + 8, b);
}

int problem_embargoed(actor_ctx_t *ctx, uint64_t pid, bool *embargoed)
{
    problems_t *st = ctx->state;
    *embargoed = false;
    MDB_cursor *cur;
    if (actor_cursor(ctx, st->embargo, &cur) != 0) return -1;
    uint8_t key[16];
    s_key(key, pid, 0);
    MDB_val k = {16, key}, v;
    bool future = false, started = false;
    int rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
    for (; rc == 0; rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
        if (k.mv_size != 16 || store_be64_get(k.mv_data) != pid) break;
        uint64_t start = v.mv_size == 8 ? store_be64_get(v.mv_data) : 0;
        if (start > ctx->now_ms)
            future = true;
        else
            started = true;
    }
    mdb_cursor_close(cur);
    if (rc != 0 && rc != MDB_NOTFOUND) return actor_fail(ctx, rc, "read problem embargo");
    *embargoed = future && !started;
    return 0;
}

bool problem_published(const record_t *r)
{
    const msgpack_object *o = record_get(r, "published");
    return !o || o->type != MSGPACK_OBJECT_BOOLEAN || o->via.boolean;
}

int problem_hidden(actor_ctx_t *ctx, const record_t *r, bool *hidden)
{
    if (!problem_published(r)) {
        *hidden = true;
        return 0;
    }
    return problem_embargoed(ctx, record_uint(r, "id", 0), hidden);
}

int problem_visible_to(actor_ctx_t *ctx, const gv_msg_t *msg, const record_t *r)
{
    if (actor_caller_sees_all(msg)) return 1;
    bool hidden;
    if (problem_hidden(ctx, r, &hidden) != 0) return -1;
    return hidden ? 0 : 1;
}

/* problems.contest_uses (durable, from a contest actor): replaces the contest's entries. */
int problem_embargo_contest(actor_ctx_t *ctx, const gv_msg_t *msg)
{
    problems_t *st = ctx->state;
    if (actor_caller_role(msg))
        return actor_reply_error(ctx, msg, 403, "forbidden",
                                 "only contest actors tell which problems a contest uses");
    uint64_t cid = gv_msg_uint(msg, "contest_id", 0), start = gv_msg_uint(msg, "start_ms", 0);
    uint64_t vms = gv_msg_uint(msg, "version_ms", 0), vseq = gv_msg_uint(msg, "version_seq", 0);
    const msgpack_object *ids = gv_msg_field(msg, "problem_ids");
    if (!cid || !ids || ids->type != MSGPACK_OBJECT_ARRAY)
        return actor_reply_error(ctx, msg, 400, "invalid_field",
                                 "problems.contest_uses needs `contest_id` and `problem_ids`");
    uint32_t n = ids->via.array.size;
    uint8_t ck[8];
    store_be64_put(ck, cid);
    MDB_val old;
    int rc = actor_get(ctx, st->cuses, ck, 8, &old);
    if (rc < 0) return -1;
    uint8_t *copy = NULL;
    size_t old_n = 0;
    if (rc == 0 && old.mv_size >= CUSES_HEAD) {
        uint64_t oms = store_be64_get(old.mv_data),
                 oseq = store_be64_get((const uint8_t *)old.mv_data + 8);
        if (oms > vms || (oms == vms && oseq >= vseq)) {
            gv_debug("stale contest problem list ignored", "contest_id=%" PRIu64, cid);
            return 0;
        }
        old_n = (old.mv_size - CUSES_HEAD) / 8;
        if (!(copy = malloc(old_n * 8 + 1))) return -1;
        memcpy(copy, (const uint8_t *)old.mv_data + CUSES_HEAD, old_n * 8);
    }
    uint8_t key[16];
    for (size_t i = 0; i < old_n; i++) {
        s_key(key, store_be64_get(copy + 8 * i), cid);
        if (actor_del(ctx, st->embargo, key, 16) != 0) {
            free(copy);
            return -1;
        }
    }
    free(copy);
    uint8_t *rec = malloc(CUSES_HEAD + (size_t)n * 8);
    if (!rec) return -1;
    store_be64_put(rec, vms);
    store_be64_put(rec + 8, vseq);
    store_be64_put(rec + 16, start);
    uint8_t sv[8];
    store_be64_put(sv, start);
    for (uint32_t i = 0; i < n; i++) {
        uint64_t pid = record_obj_uint(&ids->via.array.ptr[i], 0);
        store_be64_put(rec + CUSES_HEAD + 8 * i, pid);
        s_key(key, pid, cid);
        if (actor_put(ctx, st->embargo, key, 16, sv, 8, 0) != 0) {
            free(rec);
            return -1;
        }
    }
    rc = actor_put(ctx, st->cuses, ck, 8, rec, CUSES_HEAD + (size_t)n * 8, 0);
    free(rec);
    if (rc != 0) return -1;
    gv_info("contest problems recorded",
            "contest_id=%" PRIu64 " problems=%u start_ms=%" PRIu64 " embargo=%s", cid, n, start,
            start > ctx->now_ms ? "until start" : "none");
    return 0;
}
