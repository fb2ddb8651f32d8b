/*  node — the actor runtime: hosts actors over one LMDB environment with group commit.
 *
 *  A node owns a store (one LMDB environment at <data>/<node>/lmdb/), the actors cluster.toml
 *  places on it, and an outbox. node_handle_batch() processes a batch of messages in ONE write
 *  transaction, each message in a nested transaction of its own (a failing handler aborts only
 *  its own changes), runs due timers and pending re-introductions, and commits: one fsync per
 *  batch. Only after the commit succeeded does the outbox hold the batch's replies, requests
 *  and events; node_run() then sends them. If the map is full, the batch is aborted, the map
 *  doubled and the batch retried once; if that fails too, every request in it is answered 503
 *  `storage_full`.
 *
 *  Routing: by the envelope's `to`. Unknown address → 404 `unknown_actor`; a request type the
 *  actor does not handle → 400 `unknown_type`; a message past its deadline is dropped (the
 *  edge already answered 503). Notifications (judge.*, reply, event, jobs.offer) are never
 *  answered.
 *
 *  node_handle_batch() needs no sockets, so unit tests drive handlers through it and inspect
 *  node_outbox().
 */
#ifndef ACTORS_NODE_H
#define ACTORS_NODE_H

#include "gv_config.h"
#include "gv_msg.h"
#include "outbox.h"
#include "store.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NODE_BATCH_MAX 512               /* messages per group commit */
#define NODE_BATCH_MAX_BYTES (32u << 20) /* stop draining once a batch holds this much */
#define NODE_POLL_MS 100                 /* longest wait for the first message of a batch */
#define NODE_DEFAULT_MAP_MB 65536u
#define NODE_DEFAULT_REOFFER_MS 30000u
#define NODE_DEFAULT_MAX_SOURCE 65536u
#define NODE_DURABLE_RETRY_MS 2000u /* unacknowledged durable notifications go again */
#define NODE_DURABLE_SLICE 256      /* at most this many per sweep */

typedef struct {
    const gv_config_t *cfg;    /* may be NULL (tests); then the fields below are used as given */
    const char *data_dir;      /* the cluster data directory; LMDB goes to <data>/<name>/lmdb */
    const char *name;          /* node name */
    const char *const *actors; /* addresses to host ("accounts", "problems", "submissions") */
    size_t n_actors;
    bool contests;                /* host a share of the contest actors (contest/<id>) */
    uint64_t map_size;            /* bytes; 0 = NODE_DEFAULT_MAP_MB */
    uint32_t reoffer_interval_ms; /* 0 = NODE_DEFAULT_REOFFER_MS */
    uint64_t max_source_bytes;    /* 0 = NODE_DEFAULT_MAX_SOURCE */
} node_opts_t;

typedef struct node node_t;

/* Opens the store and initialises every hosted actor (opening their databases; the accounts
 * actor creates the first admin). NULL with a log line on failure. */
node_t *node_new(const node_opts_t *opts);
void node_destroy(node_t **self_p);

/* Processes msgs[0..n) (the caller keeps ownership) plus due ticks and a pending
 * re-introduction. Returns 0 when the batch committed, -1 when it did not (its requests were
 * then answered with errors). The outbox holds what to send either way. */
int node_handle_batch(node_t *self, gv_msg_t *const *msgs, size_t n);

/* The next batch runs every actor's on_reintroduce hook (the broker came back). */
void node_request_reintroduce(node_t *self);
/* Makes every timer due now (tests). */
void node_force_ticks(node_t *self);
/* Tests: with manual on, timers run only when node_force_ticks made them due, so a test that
 * counts what one tick does is not disturbed by a slow machine's real-time ticks. */
void node_manual_ticks(node_t *self, bool manual);
/* Milliseconds until the earliest timer is due (capped at NODE_POLL_MS). */
int node_ms_until_tick(const node_t *self);

outbox_t *node_outbox(node_t *self);
store_t *node_store(node_t *self);
const char *node_name(const node_t *self);

/* The main loop: connects to the broker (gv_link) and the event bus (PUB), then receives,
 * batches, commits and sends until zsys_interrupted. 0 on a clean stop, -1 on set-up failure. */
int node_run(node_t *self, const gv_config_t *cfg);

#endif
