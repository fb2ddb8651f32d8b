/*  edge_live — the live feed: WebSocket GET /api/v1/live (API.md "Live updates",
 *  docs/CONTESTS.md "Events").
 *
 *  Threads.
 *    - One subscriber thread owns a ZeroMQ SUB socket on the broker's event bus (sub_endpoint,
 *      CURVE like every socket that talks to the broker), subscribed to "contest/" and
 *      "submission/". Each [topic][event envelope] becomes one JSON frame, built once and
 *      shared (reference counted) by every client that may see it. `scoreboard` and `contest`
 *      events of contest/<id> also call sbcache_invalidate(id).
 *    - Each client's civetweb worker thread (the one that holds the connection) runs the data
 *      handler: it parses subscribe/unsubscribe frames, checks the token, asks actors through
 *      that worker's own edge_rpc (permission checks, replay with `since`) and queues what it
 *      has to send.
 *    - LIVE_WRITERS writer threads, each serving the clients whose serial number falls in its
 *      shard, take frames from the clients' queues and call mg_websocket_write.
 *  Nobody who produces frames ever writes to a socket, so a slow client costs the producers
 *  nothing: the subscriber only appends to bounded per-client queues.
 *  Files: live.c (bus, queues, writers, life cycle), live_ws.c (civetweb handlers, client
 *  messages, replay), live_core.c (the parts without sockets), live_impl.h (shared structs).
 *
 *  Messages. Client: {"subscribe":"contest/<id>"|"submission/<id>","since"?:N,"since_own"?:N,
 *  "token"?:S},
 *  {"unsubscribe":T}. Server: events {"id","topic","type","data"}; {"subscribed":T} once a
 *  subscription is live (after its replay: what follows is live), {"unsubscribed":T}; errors
 *  {"error":{"code","message"},"topic"?:T} with codes bad_json, invalid_field, too_large,
 *  unauthorized, not_found, conflict, too_many_subscriptions, unavailable.
 *
 *  Queues and close codes. A client's queue holds at most LIVE_QUEUE_MAX_FRAMES frames or
 *  LIVE_QUEUE_MAX_BYTES bytes. When a live event does not fit, or one write takes longer than
 *  LIVE_SLOW_WRITE_MS (the client's socket buffer is full: it does not keep up), the queue is
 *  dropped and the client gets close code 4001 "too slow: reconnect with since"; other
 *  clients are unaffected. An inbound message over LIVE_MAX_INBOUND bytes gets 1009. At
 *  shutdown every client gets 1001. Too many clients: the handshake is answered 503.
 *
 *  Numbering (docs/CONTESTS.md "Event numbering"). On a contest topic staff get every event
 *  with its jury id; everyone else gets the public events with their public ids and, signed
 *  in, their own events with "own_id" (a per-user sequence) and id = the public id they follow.
 *  The bus envelope carries all three (id, pid, upos/useq), so one event makes at most two
 *  frames: the staff one and the other one.
 *
 *  Ordering. Per topic and client, event ids only go up: a frame whose id is not above the
 *  last one sent on that topic is dropped (events without an id — 0 — always pass); own
 *  frames are compared by own_id instead. With
 *  `since`, the subscription is registered first and buffers live events while the worker
 *  pages through contest.events; then the buffer is flushed with the same rule, so an event
 *  is neither skipped (registered before the first page is read, and the actor logs an event
 *  before publishing it) nor sent twice. Replay waits for room in the client's queue, so it
 *  goes at the client's pace. A submission topic sends the current state first (from
 *  submissions.get; id = its `event_id`, or 0) and then the live events.
 *
 *  Visibility (docs/CONTESTS.md): vis all → everyone; public → everyone but staff (jury,
 *  admin); jury → staff; user → that user's own subscriptions and staff; missing → all; an
 *  unknown word → staff only. The viewer is the token given with each subscribe (or at the
 *  handshake: `Authorization: Bearer`, `?token=`, `?access_token=`), checked at subscribe.
 *  Anonymous clients may follow contests (public view); submissions need a token.
 *
 *  Locking (no lock is held across an actor call):
 *    hub->lock (client list)  →  client->lock (subscriptions, queue)  →  writer->lock (ready
 *    list), always in that order; client->wlock is held alone around each mg_websocket_write
 *    and by the close handler while it forgets the connection, so no write can touch a
 *    connection civetweb has closed (civetweb calls the close handler after its read loop,
 *    without its connection lock, and reuses the connection object afterwards). Clients are
 *    reference counted (the connection and the writer's ready list each hold one).
 *
 *  Residual risk: mg_websocket_write blocks while the client's kernel buffer is full, for up
 *  to civetweb's request_timeout_ms (measured: ~4 s at 3000 ms; the write may also return a
 *  short count, after which the stream is broken and nothing more is written). Such a client
 *  is closed at once (4001), but its one blocked write delays the other clients of the same
 *  writer shard by that much; many such clients at once could stall all shards for a while.
 *  A client that ignores our close frame keeps its worker thread until it sends anything
 *  (then it is dropped) or civetweb's own pings (websocket_timeout_ms, set in server.c) go
 *  unanswered or fail: civetweb 1.15 has no safe way to end a server WebSocket from another
 *  thread (mg_close_connection closes it for real if the read loop has just ended).
 *  civetweb reads a whole inbound frame (it allows up to ~2 GiB) before the data handler can
 *  refuse it with 1009. Events published while this edge was cut off from the broker are not
 *  replayed by themselves: clients resume with `since` when they reconnect.
 *
 *  civetweb 1.15 facts this relies on (measured on Debian's 1.15+dfsg-4):
 *    - num_threads above 65536 (its MAX_WORKER_THREADS) makes mg_start2 fail with "Invalid
 *      configuration option value: num_threads"; up to that it starts, but if the OS refuses
 *      threads it silently runs fewer (this host stopped at 32443: pid_max is 32768).
 *      cluster.toml caps `threads` at 4096.
 *    - A worker thread has a 100 KiB stack (keep stack buffers small: the JSON parser runs
 *      on it, hence the nesting pre-check) and costs ~15 KiB resident when idle; an open
 *      WebSocket adds ~29 KiB resident (measured with 1000 connections), so a live client
 *      costs ~45 KiB plus its queue and the kernel's socket buffers.
 *    - Without enable_websocket_ping_pong, PING frames reach the data handler (answered
 *      here); with it, civetweb answers them and pings idle clients itself. A client's close
 *      frame reaches the data handler and is not echoed by civetweb (echoed here).
 *
 *  Each open WebSocket holds one civetweb worker thread, so at most `threads` minus a reserve
 *  for plain requests (live_max_clients()) are admitted.
 */
#ifndef EDGE_LIVE_H
#define EDGE_LIVE_H

#include "buf.h"
#include "edge.h"
#include "errors.h"

#include <msgpack.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LIVE_PATH "/api/v1/live"
#define LIVE_MAX_SUBS 16                /* subscriptions per client */
#define LIVE_MAX_INBOUND 4096           /* bytes in one client message; beyond: close 1009 */
#define LIVE_QUEUE_MAX_FRAMES 4096      /* frames waiting for one client */
#define LIVE_QUEUE_MAX_BYTES (8u << 20) /* bytes waiting for one client */
#define LIVE_REPLAY_PAGE 500            /* events per contest.events call */
#define LIVE_REPLAY_WAIT_MS 10000       /* replay waits this long for queue room, then 4001 */
#define LIVE_WRITERS 8                  /* writer threads (client shards) */
#define LIVE_WRITE_BATCH 64             /* frames a writer takes from a client at once */
#define LIVE_SLOW_WRITE_MS 1000         /* one write this slow: the client does not keep up */
#define LIVE_PING_INTERVAL_MS 10000     /* civetweb's websocket_timeout_ms: idle pings */
#define LIVE_SUB_HWM 100000             /* events the SUB socket may hold before dropping */
#define LIVE_JSON_MAX_DEPTH 4           /* nesting allowed in a client message */
#define LIVE_RESERVE_MAX 64             /* worker threads kept for plain requests, at most */

#define LIVE_CLOSE_GOING_AWAY 1001
#define LIVE_CLOSE_TOO_BIG 1009
#define LIVE_CLOSE_TOO_SLOW 4001
#define LIVE_TOO_SLOW_REASON "too slow: reconnect with since"

typedef struct edge_live edge_live_t;
struct mg_context;

/* Starts the writer threads and, when edge->cfg is set, the subscriber thread. `threads` is
 * civetweb's num_threads (for the client limit). NULL on failure (logged). */
edge_live_t *edge_live_new(edge_t *edge, unsigned threads);
/* Registers the WebSocket handlers on LIVE_PATH. Call once after mg_start. */
void edge_live_attach(edge_live_t *self, struct mg_context *ctx);
/* Sends every client close 1001 and waits briefly for the writers; call before stopping
 * civetweb so clients hear why they are dropped. New clients are refused from here on. */
void edge_live_goodbye(edge_live_t *self);
/* Call after civetweb has stopped (every close handler has run). Accepts NULL. */
void edge_live_destroy(edge_live_t **self_p);

typedef struct {
    uint64_t clients;      /* open live connections (gauge live_clients) */
    uint64_t dropped_slow; /* clients closed with 4001 since start (counter live_dropped_slow) */
} edge_live_stats_t;
void edge_live_stats(edge_live_t *self, edge_live_stats_t *out);

/* Live clients admitted with `threads` civetweb workers: threads minus a reserve of
 * threads/4 (1..LIVE_RESERVE_MAX) kept for plain requests; at least 1. */
unsigned live_max_clients(unsigned threads);

/* ---- the parts without sockets (tests/unit/test_edge_live.c) -------------------------- */

typedef enum {
    LIVE_VIS_ALL,
    LIVE_VIS_PUBLIC,
    LIVE_VIS_JURY,
    LIVE_VIS_USER,
    LIVE_VIS_OTHER
} live_vis_t;
/* NULL (no vis) is LIVE_VIS_ALL; a word we do not know is LIVE_VIS_OTHER. */
live_vis_t live_vis_parse(const char *s, size_t n);

typedef struct {
    bool signed_in;
    bool staff; /* jury or admin */
    uint64_t user_id;
} live_viewer_t;
bool live_visible(live_vis_t vis, uint64_t event_user_id, const live_viewer_t *viewer);

typedef enum { LIVE_TOPIC_CONTEST = 1, LIVE_TOPIC_SUBMISSION = 2 } live_topic_kind_t;
typedef struct {
    live_topic_kind_t kind;
    uint64_t id;
} live_topic_t;
#define LIVE_TOPIC_MAX 40
/* "contest/<id>" or "submission/<id>", id 1..2^64-1 in decimal without leading zeros. 0/-1. */
int live_topic_parse(const char *s, size_t n, live_topic_t *out);
/* Writes the topic's text into buf (LIVE_TOPIC_MAX bytes); returns buf. */
const char *live_topic_text(const live_topic_t *t, char buf[LIVE_TOPIC_MAX]);

typedef enum { LIVE_CMD_SUBSCRIBE, LIVE_CMD_UNSUBSCRIBE } live_cmd_kind_t;
typedef struct {
    live_cmd_kind_t kind;
    live_topic_t topic;
    bool has_since;
    uint64_t since;
    bool has_since_own; /* "since_own": the last own_id seen (docs/CONTESTS.md numbering) */
    uint64_t since_own;
    char *token; /* malloc'd copy, NULL when absent; freed by live_cmd_clear */
} live_cmd_t;
/* Parses one client text message: {"subscribe":T,"since"?:N,"token"?:S} or
 * {"unsubscribe":T}. 0, or -1 with err filled (code bad_json / invalid_field / too_large). */
int live_cmd_parse(const char *data, size_t len, live_cmd_t *out, edge_err_t *err);
void live_cmd_clear(live_cmd_t *cmd);

/* One outgoing text frame, shared by every queue it is in. */
typedef struct {
    atomic_uint refs;
    uint64_t id; /* event id, 0 when none (errors, acks, events without an id) */
    uint64_t own; /* a contestant's own event: its own_id (then `id` only places it), else 0 */
    size_t len;
    char data[]; /* len bytes plus a NUL */
} live_frame_t;
/* A frame with one reference. NULL on OOM. */
live_frame_t *live_frame_new(uint64_t id, const char *data, size_t len);
live_frame_t *live_frame_ref(live_frame_t *f);
void live_frame_unref(live_frame_t **f_p);
/* {"id":id,"topic":topic,"type":type,"data":data} (data NULL → null); skip_key, when not
 * NULL, leaves that key out of a map `data` (the source of a submission). NULL on OOM. */
live_frame_t *live_frame_event(edge_buf_t *scratch, uint64_t id, const char *topic,
                               const char *type, size_t type_len, const msgpack_object *data,
                               const char *skip_key);
/* The same with "own_id":own after the id when own is not 0 (a contestant's own event). */
live_frame_t *live_frame_event_own(edge_buf_t *scratch, uint64_t id, uint64_t own,
                                   const char *topic, const char *type, size_t type_len,
                                   const msgpack_object *data, const char *skip_key);

/* A bounded FIFO of frame references. */
typedef struct {
    live_frame_t **items;
    size_t cap, head, n;
    size_t bytes;
    size_t max_frames, max_bytes;
} live_queue_t;
void live_queue_init(live_queue_t *q, size_t max_frames, size_t max_bytes);
/* True when a frame of len bytes may be pushed now (always when the queue is empty). */
bool live_queue_fits(const live_queue_t *q, size_t len);
/* Adds a reference to f at the tail. 0, or -1 when it does not fit (or OOM). */
int live_queue_push(live_queue_t *q, live_frame_t *f);
/* The head frame (the caller takes over the queue's reference), or NULL when empty. */
live_frame_t *live_queue_pop(live_queue_t *q);
/* Drops every frame and frees the storage; the queue stays usable. */
void live_queue_clear(live_queue_t *q);

/* One subscription's ordering state: live events are buffered in `pending` while a replay
 * (or the submission's first state) is being fetched, then merged by id. */
typedef struct {
    live_topic_t topic;
    live_viewer_t viewer;
    uint64_t last_id; /* highest event id queued on this topic */
    uint64_t last_own; /* highest own_id queued on this topic (own frames dedupe by it) */
    bool replaying;
    live_queue_t pending;
} live_sub_t;
typedef enum {
    LIVE_OFFER_OVERFLOW = -1, /* did not fit: the client must be dropped */
    LIVE_OFFER_DUP = 0,       /* id not above last_id: dropped */
    LIVE_OFFER_QUEUED = 1,    /* in the client's queue */
    LIVE_OFFER_BUFFERED = 2,  /* held until the replay ends */
} live_offer_t;
void live_sub_init(live_sub_t *s, const live_topic_t *t, const live_viewer_t *v, uint64_t since,
                   bool replaying);
void live_sub_clear(live_sub_t *s);
/* A live event for this topic (visibility already checked). */
live_offer_t live_sub_offer(live_sub_t *s, live_frame_t *f, live_queue_t *out);
/* An event from the replay, or the current state: queued if its id is new. */
live_offer_t live_sub_replayed(live_sub_t *s, live_frame_t *f, live_queue_t *out);
/* Ends the replay: the buffered live events go out in order, deduplicated. 0 / -1 overflow. */
int live_sub_finish(live_sub_t *s, live_queue_t *out);

#endif
