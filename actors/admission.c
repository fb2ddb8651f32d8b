/*  admission — whether a contestant may submit now (the submissions actor's create).
 *
 *  Two per-user limits from cluster.toml, for every submission (practice and contest alike):
 *  `[limits] submissions_per_minute_per_user` over a sliding 60 s window, and
 *  `[limits] max_queued_per_user` submissions waiting for their first verdict. Both are counted
 *  from the actor's LMDB indexes (submissions.by_user, judgequeue.waiting), not from memory, so
 *  they hold however many edges there are and survive restarts. A refused submission leaves no
 *  record and so never extends the window. Jury, admin and node-internal requests are exempt,
 *  like the contest's own limit (actors/contest.c, contest.admit).
 */
#include "gv_log.h"
#include "store.h"
#include "submissions_impl.h"

#include <inttypes.h>
#include <stdio.h>

#define RATE_WINDOW_MS 60000u   /* submissions_per_minute_per_user counts this window */
#define QUEUED_RETRY_AFTER_S 10 /* Retry-After when too many submissions wait for a verdict */
#define DEFAULT_PER_MINUTE 10   /* without a cluster.toml (unit tests): gv_config's defaults */
#define DEFAULT_MAX_QUEUED 10

/* Whether user_id already made `limit` submissions in the last RATE_WINDOW_MS: 1 with
 * *retry_s (when the oldest of them leaves the window), 0 no, -1 error. Reads at most `limit`
 * records, newest first. */
static int s_over_rate(actor_ctx_t *ctx, uint64_t user_id, uint32_t limit, uint64_t *retry_s)
{
    submissions_t *st = ctx->state;
    submissions_walk_t w = {.indexed = true, .owner = user_id};
    if (actor_cursor(ctx, st->by_user, &w.cur) != 0) return -1;
    uint64_t since = ctx->now_ms > RATE_WINDOW_MS ? ctx->now_ms - RATE_WINDOW_MS : 0, id;
    uint32_t n = 0;
    int out = 0, rc;
    while ((rc = submissions_walk_next(ctx, &w, &id)) == 0) {
        record_t r;
        subview_t v = {0};
        int lr = submissions_load(ctx, id, &r, &v);
        uint64_t at = v.submitted_at;
        record_done(&r);
        if (lr < 0) {
            out = -1;
            break;
        }
        if (lr == 1) continue;
        if (at <= since) break; /* older ones are older still */
        if (++n >= limit) {
            uint64_t ms = at + RATE_WINDOW_MS - ctx->now_ms;
            *retry_s = ms / 1000 + (ms % 1000 != 0);
            out = 1;
            break;
        }
    }
    mdb_cursor_close(w.cur);
    return rc < 0 ? -1 : out;
}

int submissions_admit(actor_ctx_t *ctx, const gv_msg_t *msg, uint64_t user_id)
{
    if (actor_caller_sees_all(msg)) return 0;
    submissions_t *st = ctx->state;
    const gv_config_t *cfg = ctx->env->cfg;
    uint32_t per_min = cfg && cfg->user_submissions_per_minute ? cfg->user_submissions_per_minute
                                                                : DEFAULT_PER_MINUTE;
    uint32_t max_queued =
        cfg && cfg->max_queued_per_user ? cfg->max_queued_per_user : DEFAULT_MAX_QUEUED;
    char m[200];
    uint64_t retry = 0;
    int rc = s_over_rate(ctx, user_id, per_min, &retry);
    if (rc != 0) {
        if (rc < 0) return -1;
        snprintf(m, sizeof m,
                 "too many submissions: at most %u a minute; try again in %" PRIu64 " s", per_min,
                 retry ? retry : 1);
        return actor_reply_retry(ctx, msg, "rate_limited", retry ? retry : 1, m) == 0 ? 1 : -1;
    }
    size_t waiting = 0;
    if (judgequeue_waiting(ctx, &st->queue, user_id, max_queued, &waiting) != 0) return -1;
    if (waiting < max_queued) return 0;
    snprintf(m, sizeof m,
             "you have %zu submissions waiting to be judged (at most %u); wait for a verdict, "
             "then submit again",
             waiting, max_queued);
    return actor_reply_retry(ctx, msg, "too_many_queued", QUEUED_RETRY_AFTER_S, m) == 0 ? 1 : -1;
}
