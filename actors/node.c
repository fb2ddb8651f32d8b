/*  node — actor runtime with group commit (see node.h).
 *
 *  Invariants: a reply or event leaves the node only after the transaction that produced it
 *  committed; in-memory state of the runtime (timers, the re-introduction flag) changes only
 *  after a successful commit, so a retried batch sees the same world as the first attempt.
 *  Actors keep no in-memory state that a handler mutates; everything lives in LMDB.
 */
#include "node.h"

#include "accounts.h"
#include "actor.h"
#include "contest.h"
#include "gv_log.h"
#include "problems.h"
#include "submissions.h"

#include <czmq.h>
#include <inttypes.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#define NODE_MAX_ACTORS 16

/* Every actor kind this build knows. */
static const actor_kind_t *const s_kinds[] = {&accounts_actor, &problems_actor, &submissions_actor,
                                              &contests_actor, &contest_actor};

typedef struct {
    const actor_kind_t *kind;
    void *state;
    uint32_t tick_ms;
    uint64_t next_tick; /* monotonic ms */
    bool due;           /* tick selected for the batch being processed */
} instance_t;

struct node {
    char *name;
    char *data_dir;
    actor_env_t env;
    store_t *store;
    MDB_dbi meta;
    MDB_dbi outq; /* durable notifications awaiting their ack (actor_send_durable) */
    uint64_t outq_next_sweep; /* monotonic ms */
    uint64_t outq_from;       /* the sweep resumes at this sequence number */
    outbox_t *outbox;
    instance_t inst[NODE_MAX_ACTORS];
    size_t n_inst;
    bool reintroduce;
    bool manual_ticks; /* tests: timers run only when forced */
};

enum { DISPATCH_OK = 0, DISPATCH_MAP_FULL = 1 };

static bool s_kind_matches(const actor_kind_t *kind, const char *address)
{
    if (!kind->prefix) return strcmp(kind->address, address) == 0;
    size_t n = strlen(kind->address);
    return strncmp(kind->address, address, n) == 0 && address[n] != '\0';
}

/* The kind for a configured placement: an exact name, or a pinned address of a prefix kind. */
static const actor_kind_t *s_kind_find(const char *address)
{
    for (size_t i = 0; i < sizeof s_kinds / sizeof s_kinds[0]; i++)
        if (s_kind_matches(s_kinds[i], address)) return s_kinds[i];
    return NULL;
}

static instance_t *s_instance(node_t *self, const char *address)
{
    for (size_t i = 0; i < self->n_inst; i++)
        if (s_kind_matches(self->inst[i].kind, address)) return &self->inst[i];
    return NULL;
}

static int s_host(node_t *self, const actor_kind_t *kind)
{
    for (size_t i = 0; i < self->n_inst; i++)
        if (self->inst[i].kind == kind) return 0;
    if (self->n_inst == NODE_MAX_ACTORS) {
        gv_error("too many actors on one node", "max=%d", NODE_MAX_ACTORS);
        return -1;
    }
    self->inst[self->n_inst++].kind = kind;
    return 0;
}

static void s_ctx_init(node_t *self, instance_t *in, actor_ctx_t *ctx, MDB_txn *txn, uint64_t now)
{
    memset(ctx, 0, sizeof *ctx);
    ctx->env = &self->env;
    ctx->address = in->kind->address;
    ctx->txn = txn;
    ctx->meta = self->meta;
    ctx->outq = self->outq;
    ctx->outbox = self->outbox;
    ctx->state = in->state;
    ctx->tick_ms = in->tick_ms;
    ctx->now_ms = now;
}

static void s_destroy_states(node_t *self)
{
    for (size_t i = 0; i < self->n_inst; i++) {
        if (self->inst[i].state && self->inst[i].kind->destroy)
            self->inst[i].kind->destroy(self->inst[i].state);
        self->inst[i].state = NULL;
    }
}

/* One attempt at initialising every actor in one write transaction. Returns the mdb rc of a
 * storage failure (so MAP_FULL can be retried), -1 for other failures, 0 on success. */
static int s_init_actors(node_t *self)
{
    MDB_txn *txn = NULL;
    int rc = mdb_txn_begin(store_env(self->store), NULL, 0, &txn);
    if (rc == 0) rc = store_dbi_open(txn, "meta", &self->meta);
    if (rc == 0) rc = store_dbi_open(txn, "outq", &self->outq);
    uint64_t now = gv_now_ms();
    for (size_t i = 0; rc == 0 && i < self->n_inst; i++) {
        instance_t *in = &self->inst[i];
        actor_ctx_t ctx;
        s_ctx_init(self, in, &ctx, txn, now);
        if (in->kind->init(&ctx) != 0) {
            rc = ctx.mdb_rc ? ctx.mdb_rc : -1;
            gv_error("actor failed to start", "actor=%s", in->kind->address);
        }
        in->state = ctx.state;
        in->tick_ms = ctx.tick_ms;
        in->next_tick = gv_mono_ms() + in->tick_ms;
    }
    if (rc == 0) return (rc = mdb_txn_commit(txn)) == 0 ? 0 : rc;
    if (txn) mdb_txn_abort(txn);
    s_destroy_states(self);
    return rc;
}

node_t *node_new(const node_opts_t *opts)
{
    if (!opts || !opts->data_dir || !opts->name) {
        gv_error("node_new: data_dir and name are required", "%s", "");
        return NULL;
    }
    if (sodium_init() < 0) {
        gv_error("libsodium failed to initialise", "%s", "");
        return NULL;
    }
    node_t *self = calloc(1, sizeof *self);
    char *dir = NULL;
    if (!self) return NULL;
    self->name = strdup(opts->name);
    self->data_dir = strdup(opts->data_dir);
    self->outbox = outbox_new();
    if (!self->name || !self->data_dir || !self->outbox) goto fail;
    self->env.cfg = opts->cfg;
    self->env.node_name = self->name;
    self->env.data_dir = self->data_dir;
    self->env.reoffer_interval_ms =
        opts->reoffer_interval_ms ? opts->reoffer_interval_ms : NODE_DEFAULT_REOFFER_MS;
    self->env.max_source_bytes =
        opts->max_source_bytes ? opts->max_source_bytes : NODE_DEFAULT_MAX_SOURCE;

    for (size_t i = 0; i < opts->n_actors; i++) {
        const actor_kind_t *kind = s_kind_find(opts->actors[i]);
        if (!kind && strcmp(opts->actors[i], "judgequeue") == 0) {
            gv_info("the judge queue is part of the submissions actor", "actor=judgequeue");
            continue;
        }
        if (!kind) {
            gv_warn("cluster.toml places an actor this build does not have; ignoring it",
                    "actor=%s known=\"accounts problems submissions contests contest/<id>\"",
                    opts->actors[i]);
            continue;
        }
        if (s_host(self, kind) != 0) goto fail;
    }
    if (opts->contests && s_host(self, &contest_actor) != 0) goto fail;

    dir = zsys_sprintf("%s/%s/lmdb", opts->data_dir, opts->name);
    uint64_t map = opts->map_size ? opts->map_size : (uint64_t)NODE_DEFAULT_MAP_MB << 20;
    if (!dir || !(self->store = store_open(dir, map))) goto fail;
    int rc = s_init_actors(self);
    if (rc == MDB_MAP_FULL && store_grow(self->store) == 0) rc = s_init_actors(self);
    if (rc != 0) {
        if (rc != -1)
            gv_error("cannot initialise actors", "dir=%s error=\"%s\"", dir, mdb_strerror(rc));
        goto fail;
    }
    gv_info("actor node ready", "dir=%s actors=%zu map_bytes=%" PRIu64, dir, self->n_inst,
            store_map_size(self->store));
    zstr_free(&dir);
    return self;
fail:
    zstr_free(&dir);
    node_destroy(&self);
    return NULL;
}

void node_destroy(node_t **self_p)
{
    if (!self_p || !*self_p) return;
    node_t *self = *self_p;
    s_destroy_states(self);
    store_destroy(&self->store);
    outbox_destroy(&self->outbox);
    free(self->name);
    free(self->data_dir);
    free(self);
    *self_p = NULL;
}

outbox_t *node_outbox(node_t *self)
{
    return self->outbox;
}

store_t *node_store(node_t *self)
{
    return self->store;
}

const char *node_name(const node_t *self)
{
    return self->name;
}

void node_request_reintroduce(node_t *self)
{
    self->reintroduce = true;
}

void node_manual_ticks(node_t *self, bool manual)
{
    self->manual_ticks = manual;
    for (size_t i = 0; manual && i < self->n_inst; i++)
        self->inst[i].next_tick = UINT64_MAX;
}

void node_force_ticks(node_t *self)
{
    for (size_t i = 0; i < self->n_inst; i++)
        self->inst[i].next_tick = 0;
}

int node_ms_until_tick(const node_t *self)
{
    uint64_t now = gv_mono_ms();
    int best = NODE_POLL_MS;
    for (size_t i = 0; i < self->n_inst; i++) {
        const instance_t *in = &self->inst[i];
        if (!in->tick_ms || !in->kind->tick) continue;
        uint64_t wait = in->next_tick <= now ? 0 : in->next_tick - now;
        int left = wait >= (uint64_t)NODE_POLL_MS ? NODE_POLL_MS : (int)wait;
        if (left < best) best = left;
    }
    return best;
}

/* ---- batch processing ------------------------------------------------------------------------ */

/* Messages that are answers or notifications: never replied to, so no reply loops. */
static bool s_is_request(const char *type)
{
    static const char *const oneway[] = {
        "reply",      "event",       "hello",     "heartbeat",      "broker.who",
        "jobs.offer", "judge.ready", "judge.job", "judge.progress", "judge.result",
        "ack",        "contest.sub"};
    for (size_t i = 0; i < sizeof oneway / sizeof oneway[0]; i++)
        if (strcmp(type, oneway[i]) == 0) return false;
    return true;
}

static void s_node_reply(node_t *self, const gv_msg_t *msg, unsigned status, const char *code,
                         const char *message)
{
    gv_buf_t buf;
    if (gv_reply_error(msg, gv_msg_to(msg), status, code, message, &buf) == 0)
        outbox_send(self->outbox, &buf);
}

/* Acknowledges a durable notification once its handler's changes are in the batch (the ack
 * leaves with the batch, after commit). A lost ack only means one more delivery. */
static void s_ack(node_t *self, const gv_msg_t *msg)
{
    gv_writer_t *w = gv_writer_new("ack", 0, gv_msg_to(msg), gv_msg_from(msg), 0, 1);
    if (!w) return;
    gv_pk_kv_uint(gv_writer_pk(w), "dseq", gv_msg_uint(msg, "dseq", 0));
    gv_buf_t buf;
    if (gv_writer_finish(&w, &buf) == 0) outbox_send(self->outbox, &buf);
}

/* An ack for one of this node's durable notifications: forget it. */
static int s_on_ack(node_t *self, MDB_txn *txn, const gv_msg_t *msg)
{
    uint8_t key[8];
    store_be64_put(key, gv_msg_uint(msg, "dseq", 0));
    MDB_val k = {8, key};
    int rc = mdb_del(txn, self->outq, &k, NULL);
    if (rc != 0 && rc != MDB_NOTFOUND) {
        gv_error("cannot drop an acknowledged notification", "error=\"%s\"", mdb_strerror(rc));
        return rc == MDB_MAP_FULL ? DISPATCH_MAP_FULL : DISPATCH_OK;
    }
    return DISPATCH_OK;
}

/* Sends again the durable notifications older than NODE_DURABLE_RETRY_MS, a slice at a time.
 * Returns the sequence number to resume at (0 = the sweep is complete). */
static uint64_t s_outq_resend(node_t *self, MDB_txn *txn, uint64_t now, uint64_t from)
{
    MDB_cursor *cur = NULL;
    if (mdb_cursor_open(txn, self->outq, &cur) != 0) return 0;
    uint8_t start[8];
    store_be64_put(start, from);
    MDB_val k = {8, start}, v;
    size_t n = 0;
    uint64_t next = 0;
    int rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
    for (; rc == 0; rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
        if (k.mv_size != 8 || v.mv_size <= 8) continue;
        if (n == NODE_DURABLE_SLICE) {
            next = store_be64_get(k.mv_data);
            break;
        }
        uint64_t queued = store_be64_get(v.mv_data);
        if (queued + NODE_DURABLE_RETRY_MS > now) continue;
        gv_buf_t buf = {0};
        buf.data = malloc(v.mv_size - 8);
        if (!buf.data) break;
        memcpy(buf.data, (const uint8_t *)v.mv_data + 8, v.mv_size - 8);
        buf.size = buf.alloc = v.mv_size - 8;
        if (outbox_send(self->outbox, &buf) == 0) n++;
        if (queued + 60000 < now && n == 1)
            gv_warn("a durable notification is still unacknowledged after a minute",
                    "dseq=%" PRIu64 " queued_ms_ago=%" PRIu64, store_be64_get(k.mv_data),
                    now - queued);
    }
    mdb_cursor_close(cur);
    if (n) gv_debug("durable notifications sent again", "count=%zu", n);
    return next;
}

static bool s_expired(const gv_msg_t *msg, uint64_t now)
{
    uint64_t dl = gv_msg_deadline(msg);
    return dl != 0 && dl < now;
}

/* Runs one hook or handler in a nested transaction. Returns DISPATCH_MAP_FULL when the batch
 * must be retried, otherwise DISPATCH_OK (a failed handler is answered 500 here). */
static int s_run_nested(node_t *self, instance_t *in, MDB_txn *parent, uint64_t now,
                        const gv_msg_t *msg, actor_handler_fn fn, int (*hook)(actor_ctx_t *))
{
    actor_ctx_t ctx;
    MDB_txn *txn = NULL;
    size_t mark = outbox_mark(self->outbox);
    int rc = mdb_txn_begin(store_env(self->store), parent, 0, &txn);
    if (rc != 0) {
        gv_error("cannot begin nested transaction", "error=\"%s\"", mdb_strerror(rc));
        if (rc == MDB_MAP_FULL) return DISPATCH_MAP_FULL;
        goto failed;
    }
    s_ctx_init(self, in, &ctx, txn, now);
    if (msg && in->kind->prefix) ctx.address = gv_msg_to(msg);
    int hrc = msg ? fn(&ctx, msg) : hook(&ctx);
    if (hrc == 0) {
        rc = mdb_txn_commit(txn);
        if (rc == 0) {
            if (msg && gv_msg_has(msg, "dseq")) s_ack(self, msg);
            return DISPATCH_OK;
        }
        ctx.mdb_rc = rc;
        gv_error("nested commit failed", "actor=%s error=\"%s\"", in->kind->address,
                 mdb_strerror(rc));
    } else {
        mdb_txn_abort(txn);
    }
    if (ctx.mdb_rc == MDB_MAP_FULL) return DISPATCH_MAP_FULL; /* the caller drops the batch */
failed:
    outbox_rollback(self->outbox, mark);
    if (msg) {
        gv_error("handler failed; its changes were rolled back",
                 "actor=%s type=%s corr=%" PRIu64 " from=%s", in->kind->address, gv_msg_type(msg),
                 gv_msg_corr(msg), gv_msg_from(msg));
        if (s_is_request(gv_msg_type(msg)))
            s_node_reply(self, msg, 500, "internal",
                         "the actor could not process the request; see the node log");
    }
    return DISPATCH_OK;
}

static int s_dispatch(node_t *self, MDB_txn *txn, const gv_msg_t *msg, uint64_t now)
{
    const char *type = gv_msg_type(msg), *to = gv_msg_to(msg);
    bool request = s_is_request(type);
    if (s_expired(msg, now)) {
        gv_debug("dropped message past its deadline", "type=%s to=%s corr=%" PRIu64 " from=%s",
                 type, to, gv_msg_corr(msg), gv_msg_from(msg));
        return DISPATCH_OK;
    }
    if (strcmp(type, "ack") == 0) return s_on_ack(self, txn, msg);
    instance_t *in = s_instance(self, to);
    if (!in) {
        if (request)
            s_node_reply(self, msg, 404, "unknown_actor",
                         "no actor with this address lives on this node");
        else
            gv_debug("dropped message for unknown actor", "type=%s to=%s from=%s", type, to,
                     gv_msg_from(msg));
        return DISPATCH_OK;
    }
    actor_handler_fn fn = actor_kind_route(in->kind, type);
    if (!fn) {
        if (request) {
            char m[160];
            snprintf(m, sizeof m, "actor `%s` does not handle `%s`", to, type);
            s_node_reply(self, msg, 400, "unknown_type", m);
        } else {
            gv_debug("dropped unhandled message", "type=%s to=%s from=%s", type, to,
                     gv_msg_from(msg));
        }
        return DISPATCH_OK;
    }
    return s_run_nested(self, in, txn, now, msg, fn, NULL);
}

/* One attempt at the whole batch. 0 committed, DISPATCH_MAP_FULL, or -1 other failure. */
static int s_attempt(node_t *self, gv_msg_t *const *msgs, size_t n, bool reintroduce,
                     bool sweep, uint64_t *sweep_next)
{
    MDB_env *env = store_env(self->store);
    MDB_txn *txn = NULL;
    int rc = mdb_txn_begin(env, NULL, 0, &txn);
    if (rc == MDB_MAP_RESIZED && mdb_env_set_mapsize(env, 0) == 0)
        rc = mdb_txn_begin(env, NULL, 0, &txn);
    if (rc != 0) {
        gv_error("cannot begin write transaction", "error=\"%s\"", mdb_strerror(rc));
        return rc == MDB_MAP_FULL ? DISPATCH_MAP_FULL : -1;
    }
    uint64_t now = gv_now_ms();
    for (size_t i = 0; i < n; i++)
        if (s_dispatch(self, txn, msgs[i], now) == DISPATCH_MAP_FULL) goto map_full;
    for (size_t i = 0; i < self->n_inst; i++) {
        instance_t *in = &self->inst[i];
        if (in->due && s_run_nested(self, in, txn, now, NULL, NULL, in->kind->tick) != 0)
            goto map_full;
        if (reintroduce && in->kind->on_reintroduce &&
            s_run_nested(self, in, txn, now, NULL, NULL, in->kind->on_reintroduce) != 0)
            goto map_full;
    }
    if (sweep) *sweep_next = s_outq_resend(self, txn, now, self->outq_from);
    rc = mdb_txn_commit(txn);
    if (rc == 0) return 0;
    gv_error("batch commit failed", "messages=%zu error=\"%s\"", n, mdb_strerror(rc));
    return rc == MDB_MAP_FULL ? DISPATCH_MAP_FULL : -1;
map_full:
    mdb_txn_abort(txn);
    return DISPATCH_MAP_FULL;
}

int node_handle_batch(node_t *self, gv_msg_t *const *msgs, size_t n)
{
    uint64_t mono = gv_mono_ms();
    bool any_due = false, reintroduce = self->reintroduce;
    for (size_t i = 0; i < self->n_inst; i++) {
        instance_t *in = &self->inst[i];
        in->due = in->kind->tick && in->tick_ms && in->next_tick <= mono;
        any_due |= in->due;
    }
    /* durable notifications: the whole queue is offered again at once after a reintroduction */
    if (reintroduce) {
        self->outq_next_sweep = 0;
        self->outq_from = 0;
    }
    bool sweep = self->outq_next_sweep <= mono;
    if (n == 0 && !any_due && !reintroduce && !sweep) return 0;

    size_t mark = outbox_mark(self->outbox);
    uint64_t sweep_next = 0;
    int rc = s_attempt(self, msgs, n, reintroduce, sweep, &sweep_next);
    if (rc == DISPATCH_MAP_FULL) {
        outbox_rollback(self->outbox, mark);
        if (store_grow(self->store) == 0)
            rc = s_attempt(self, msgs, n, reintroduce, sweep, &sweep_next);
    }
    if (rc == 0 && sweep) {
        self->outq_from = sweep_next;
        self->outq_next_sweep = sweep_next ? mono : mono + NODE_DURABLE_RETRY_MS;
    }
    if (rc == 0) {
        for (size_t i = 0; i < self->n_inst; i++)
            if (self->inst[i].due)
                self->inst[i].next_tick =
                    self->manual_ticks ? UINT64_MAX : mono + self->inst[i].tick_ms;
        if (reintroduce) self->reintroduce = false;
        return 0;
    }
    /* Nothing of this batch is durable: no reply may claim otherwise. */
    outbox_rollback(self->outbox, mark);
    bool full = rc == DISPATCH_MAP_FULL;
    uint64_t now = gv_now_ms();
    for (size_t i = 0; i < n; i++) {
        if (!s_is_request(gv_msg_type(msgs[i])) || s_expired(msgs[i], now)) continue;
        s_node_reply(self, msgs[i], 503, full ? "storage_full" : "storage_error",
                     full ? "the actor node's database is full; try again later"
                          : "the actor node could not store the request; try again later");
    }
    return -1;
}
