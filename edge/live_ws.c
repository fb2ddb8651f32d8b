/*  edge_live — the WebSocket side: civetweb's handlers on LIVE_PATH, client messages,
 *  subscribing with replay, and the tokens (see live.h). Everything here runs on the civetweb
 *  worker thread that holds the connection.
 *
 *  Frames are read here, not by civetweb: civetweb 1.15 reads a whole frame (up to 2 GiB)
 *  into memory before its data handler can look at its length. The ready handler finds the
 *  connection's socket (budget.h) and reads each frame's header first (ws_frame.h): a frame
 *  declaring more than LIVE_MAX_INBOUND bytes is closed with 1009 before any of its payload
 *  is read. It answers pings, pings an idle client every LIVE_PING_INTERVAL_MS and drops one
 *  that leaves LIVE_MAX_UNANSWERED_PINGS unanswered, then hands civetweb a socket shut for
 *  reading, so civetweb's own read loop ends at once and its close handler runs as before.
 *  When the socket cannot be found (no /proc) civetweb reads, as it did, with a warning.
 */
#include "live_impl.h"

#include "auth.h"
#include "budget.h"
#include "ws_frame.h"
#include "gv_log.h"
#include "gv_msg.h"
#include "json_mp.h"
#include "request.h"
#include "routes.h"
#include "rpc.h"

#include <civetweb.h>
#include <errno.h>
#include <poll.h>
#include <sys/socket.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define LIVE_READ_SLICE_MS 200         /* the reader looks at hub->closing this often */
#define LIVE_MAX_UNANSWERED_PINGS 3    /* idle pings without any frame back: the client is gone */
#define LIVE_FRAME_TIMEOUT_MS 10000    /* to receive the rest of a frame once it began */
#define LIVE_CLOSE_DRAIN_MS 500        /* after refusing a frame, what follows is discarded */
#define LIVE_CLOSE_DRAIN_BYTES (4u << 20) /* this long / this much, so the close is read */

/* This worker read its connection's frames itself and is done: whatever civetweb still finds
 * in its buffer (a client that sent before the handshake's answer) is not handled. */
static _Thread_local bool tl_read_done;
#define STR_(x) #x
#define STR(x) STR_(x)
/* caller_role for anonymous viewers: actors treat a request without caller_role as
 * node-internal, which sees everything */
#define ANON_ROLE EDGE_ROLE_ANONYMOUS

/* ---- frames for one client ------------------------------------------------------------ */

static void s_send_text(live_client_t *c, const edge_buf_t *b)
{
    if (edge_buf_failed(b) || !b->data) return;
    live_frame_t *f = live_frame_new(0, edge_buf_body(b), edge_buf_body_len(b));
    if (!f) return;
    pthread_mutex_lock(&c->lock);
    live_send_locked(c, f);
    pthread_mutex_unlock(&c->lock);
    live_frame_unref(&f);
}

/* {"error":{"code":..,"message":..},"topic":..} */
static void s_send_error(live_client_t *c, const char *topic, const char *code, const char *msg)
{
    edge_buf_t b;
    edge_buf_init(&b, 0);
    edge_buf_adds(&b, "{\"error\":{\"code\":");
    edge_json_cstr(&b, code);
    edge_buf_adds(&b, ",\"message\":");
    edge_json_cstr(&b, msg);
    edge_buf_addc(&b, '}');
    if (topic) {
        edge_buf_adds(&b, ",\"topic\":");
        edge_json_cstr(&b, topic);
    }
    edge_buf_addc(&b, '}');
    s_send_text(c, &b);
    edge_buf_release(&b);
}

/* {"<word>":"<topic>"}: "subscribed" (replay done, live from here) or "unsubscribed". */
static live_frame_t *s_ack_frame(const char *word, const char *topic)
{
    char text[96];
    int n = snprintf(text, sizeof text, "{\"%s\":\"%s\"}", word, topic);
    return n > 0 && (size_t)n < sizeof text ? live_frame_new(0, text, (size_t)n) : NULL;
}

/* Closes from the connection's own thread, at once (the data handler then returns 0). */
static void s_close_now(live_client_t *c, uint16_t code, const char *reason)
{
    char why[REASON_MAX];
    pthread_mutex_lock(&c->lock);
    live_close_locked(c, code, reason); /* keeps a code set earlier (4001 wins over an echo) */
    bool send = !c->close_taken;
    c->close_taken = true;
    code = c->close_code;
    memcpy(why, c->close_reason, sizeof why);
    pthread_mutex_unlock(&c->lock);
    if (send) live_write_close(c, code, why);
}

/* ---- subscribing ---------------------------------------------------------------------- */

typedef struct {
    live_viewer_t v;
    char role[16]; /* caller_role for actors */
} viewer_t;

static int s_find_locked(const live_client_t *c, const live_topic_t *t)
{
    for (size_t i = 0; i < c->n_subs; i++)
        if (c->subs[i].topic.kind == t->kind && c->subs[i].topic.id == t->id) return (int)i;
    return -1;
}

static void s_remove_locked(live_client_t *c, size_t i)
{
    live_sub_clear(&c->subs[i]);
    c->subs[i] = c->subs[--c->n_subs];
}

static int s_rpc_error(edge_err_t *err, edge_rpc_rc_t rc, const char *service)
{
    if (rc == EDGE_RPC_TIMEOUT)
        return edge_err_set(err, 503, "unavailable",
                            "the %s service did not answer in time; "
                            "subscribe again",
                            service);
    return edge_err_set(err, 503, "unavailable",
                        "the %s service cannot be reached from this "
                        "edge; subscribe again later",
                        service);
}

static int s_reply_error(edge_err_t *err, const gv_msg_t *reply, unsigned status)
{
    const char *msg = gv_msg_str(reply, "message");
    return edge_err_set(err, (int)status, edge_error_code_for((int)status), "%s",
                        msg ? msg : edge_error_message_for((int)status));
}

/* A uint, or a string of digits (ids are strings in replies). */
static uint64_t s_obj_u64(const msgpack_object *o)
{
    if (!o) return 0;
    if (o->type == MSGPACK_OBJECT_POSITIVE_INTEGER) return o->via.u64;
    if (o->type != MSGPACK_OBJECT_STR || o->via.str.size == 0 || o->via.str.size > 20) return 0;
    uint64_t v = 0;
    for (uint32_t i = 0; i < o->via.str.size; i++) {
        char ch = o->via.str.ptr[i];
        if (ch < '0' || ch > '9') return 0;
        unsigned d = (unsigned)(ch - '0');
        if (v > (UINT64_MAX - d) / 10) return 0;
        v = v * 10 + d;
    }
    return v;
}

/* Queues a frame of the replay (or the submission's state) on subscription idx, waiting for
 * room in the queue. 0 queued or dropped as old; 1 the client is closing (stop). */
static int s_queue_replayed(live_client_t *c, size_t idx, live_frame_t *f)
{
    struct timespec deadline;
    clock_gettime(CLOCK_MONOTONIC, &deadline);
    deadline.tv_sec += LIVE_REPLAY_WAIT_MS / 1000;
    deadline.tv_nsec += (long)(LIVE_REPLAY_WAIT_MS % 1000) * 1000000L;
    if (deadline.tv_nsec >= 1000000000L) {
        deadline.tv_sec++;
        deadline.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&c->lock);
    while (!c->close_code && !c->gone && !live_queue_fits(&c->queue, f->len))
        if (pthread_cond_timedwait(&c->room, &c->lock, &deadline) == ETIMEDOUT)
            live_too_slow_locked(c);
    int rc = 1;
    if (!c->close_code && !c->gone) {
        live_offer_t o = live_sub_replayed(&c->subs[idx], f, &c->queue);
        if (o == LIVE_OFFER_QUEUED) live_schedule_locked(c);
        if (o == LIVE_OFFER_OVERFLOW) live_too_slow_locked(c);
        rc = o == LIVE_OFFER_OVERFLOW;
    }
    pthread_mutex_unlock(&c->lock);
    return rc;
}

static gv_writer_t *s_begin(edge_rpc_t *rpc, const char *to, const char *type, uint32_t fields,
                            const viewer_t *vw)
{
    gv_writer_t *w = edge_rpc_begin(rpc, to, type, fields + 2);
    if (w) {
        gv_pk_kv_uint(gv_writer_pk(w), "caller_id", vw->v.user_id);
        gv_pk_kv_str(gv_writer_pk(w), "caller_role", vw->role);
    }
    return w;
}

/* Pages through contest.events after `since` (and, for a contestant, `since_own`) and queues
 * what the viewer may see. */
static int s_replay(live_client_t *c, edge_rpc_t *rpc, size_t idx, const live_topic_t *t,
                    const live_cmd_t *cmd, const viewer_t *vw, const char *topic, edge_err_t *err)
{
    edge_buf_t scratch;
    edge_buf_init(&scratch, 0);
    uint64_t cursor = cmd->since, cursor_own = cmd->since_own;
    bool has_own = cmd->has_since_own;
    int rc = -1;
    for (;;) {
        gv_writer_t *w = s_begin(rpc, topic, "contest.events", has_own ? 3 : 2, vw);
        if (!w) {
            edge_err_set(err, 503, "unavailable", "the edge is out of memory; retry later");
            break;
        }
        if (has_own) gv_pk_kv_uint(gv_writer_pk(w), "since_own", cursor_own);
        gv_pk_kv_uint(gv_writer_pk(w), "since", cursor);
        gv_pk_kv_uint(gv_writer_pk(w), "limit", LIVE_REPLAY_PAGE);
        gv_msg_t *reply = NULL;
        edge_rpc_rc_t rrc = edge_rpc_call(rpc, &w, &reply);
        if (rrc != EDGE_RPC_OK) {
            s_rpc_error(err, rrc, topic);
            break;
        }
        unsigned status = gv_reply_status(reply);
        if (status != 200) {
            if (status == 404)
                edge_err_set(err, 404, "not_found", "no contest %llu", (unsigned long long)t->id);
            else
                s_reply_error(err, reply, status);
            gv_msg_destroy(&reply);
            break;
        }
        const msgpack_object *data = gv_reply_data(reply);
        const msgpack_object *events = data ? gv_obj_get(data, "events") : NULL;
        const msgpack_object *more = data ? gv_obj_get(data, "more") : NULL;
        uint64_t last = data ? s_obj_u64(gv_obj_get(data, "last_id")) : 0;
        const msgpack_object *lo = data ? gv_obj_get(data, "last_own") : NULL;
        bool paged_own = lo != NULL; /* a viewer who is not staff pages by two cursors */
        uint64_t own = lo ? s_obj_u64(lo) : cursor_own;
        bool stop = false, oom = false;
        for (uint32_t i = 0; events && events->type == MSGPACK_OBJECT_ARRAY &&
                             i < events->via.array.size && !stop && !oom;
             i++) {
            const msgpack_object *e = &events->via.array.ptr[i];
            if (e->type != MSGPACK_OBJECT_MAP) continue;
            const msgpack_object *type = gv_obj_get(e, "type"), *vis = gv_obj_get(e, "vis");
            if (!type || type->type != MSGPACK_OBJECT_STR) continue;
            /* the actor filtered already; this catches a reply that says more than it should */
            if (vis && vis->type == MSGPACK_OBJECT_STR &&
                !live_visible(live_vis_parse(vis->via.str.ptr, vis->via.str.size),
                              s_obj_u64(gv_obj_get(e, "user_id")), &vw->v))
                continue;
            live_frame_t *f = live_frame_event_own(
                &scratch, s_obj_u64(gv_obj_get(e, "id")), s_obj_u64(gv_obj_get(e, "own_id")), topic,
                type->via.str.ptr, type->via.str.size, gv_obj_get(e, "data"), NULL);
            if (!f) {
                oom = true;
                break;
            }
            stop = s_queue_replayed(c, idx, f) != 0;
            live_frame_unref(&f);
        }
        bool has_more = gv_obj_bool(more, false);
        gv_msg_destroy(&reply);
        if (oom) {
            edge_err_set(err, 503, "unavailable", "the edge is out of memory; retry later");
            break;
        }
        if (stop || !has_more || (last <= cursor && own <= cursor_own)) {
            rc = 0;
            break;
        }
        cursor = last;
        if (paged_own) {
            cursor_own = own;
            has_own = true;
        }
    }
    edge_buf_release(&scratch);
    return rc;
}

/* The submission's current state as the topic's first event. */
static int s_submission_state(live_client_t *c, edge_rpc_t *rpc, size_t idx, const live_topic_t *t,
                              const viewer_t *vw, const char *topic, edge_err_t *err)
{
    gv_writer_t *w = s_begin(rpc, "submissions", "submissions.get", 1, vw);
    if (!w) return edge_err_set(err, 503, "unavailable", "the edge is out of memory; retry later");
    gv_pk_kv_uint(gv_writer_pk(w), "id", t->id);
    gv_msg_t *reply = NULL;
    edge_rpc_rc_t rrc = edge_rpc_call(rpc, &w, &reply);
    if (rrc != EDGE_RPC_OK) return s_rpc_error(err, rrc, "submissions");
    unsigned status = gv_reply_status(reply);
    int rc = -1;
    if (status == 404 || status == 403) {
        edge_err_set(err, 404, "not_found", "no submission %llu that you may follow",
                     (unsigned long long)t->id);
    } else if (status != 200) {
        s_reply_error(err, reply, status);
    } else {
        const msgpack_object *data = gv_reply_data(reply);
        edge_buf_t scratch;
        edge_buf_init(&scratch, 0);
        live_frame_t *f =
            live_frame_event(&scratch, data ? s_obj_u64(gv_obj_get(data, "event_id")) : 0, topic,
                             "submission", 10, data, "source");
        edge_buf_release(&scratch);
        if (!f) {
            edge_err_set(err, 503, "unavailable", "the edge is out of memory; retry later");
        } else {
            s_queue_replayed(c, idx, f);
            live_frame_unref(&f);
            rc = 0;
        }
    }
    gv_msg_destroy(&reply);
    return rc;
}

/* 0 with the viewer filled (anonymous when there is no token), -1 when the token is bad. */
static int s_viewer(edge_live_t *hub, const char *token, viewer_t *out)
{
    memset(out, 0, sizeof *out);
    snprintf(out->role, sizeof out->role, "%s", ANON_ROLE);
    if (!token) return 0;
    gv_claims_t claims;
    memset(&claims, 0, sizeof claims);
    if (!*token || gv_token_verify(hub->edge->token_key, token, gv_now_ms() / 1000, &claims) != 0)
        return -1;
    claims.role[sizeof claims.role - 1] = '\0';
    if (!edge_role_valid(claims.role)) return -1;
    static const char *const staff[] = {"jury", "admin", NULL};
    out->v.signed_in = true;
    out->v.staff = edge_role_in(claims.role, staff);
    out->v.user_id = claims.user_id;
    snprintf(out->role, sizeof out->role, "%s", claims.role);
    return 0;
}

static void s_subscribe(edge_live_t *hub, live_client_t *c, struct mg_connection *conn,
                        const live_cmd_t *cmd)
{
    char topic[LIVE_TOPIC_MAX];
    live_topic_text(&cmd->topic, topic);
    viewer_t vw;
    if (s_viewer(hub, cmd->token ? cmd->token : c->hs_token, &vw) != 0) {
        s_send_error(c, topic, "unauthorized",
                     "the session token is invalid or has expired; sign in again");
        return;
    }
    bool contest = cmd->topic.kind == LIVE_TOPIC_CONTEST;
    if (!contest && !vw.v.signed_in) {
        s_send_error(c, topic, "unauthorized",
                     "sign in to follow a submission: send \"token\" with the subscribe message");
        return;
    }
    bool replay = !contest || cmd->has_since;
    pthread_mutex_lock(&c->lock);
    const char *refusal = NULL, *code = NULL;
    if (s_find_locked(c, &cmd->topic) >= 0) {
        code = "conflict";
        refusal = "already subscribed to this topic; unsubscribe first";
    } else if (c->n_subs == LIVE_MAX_SUBS) {
        code = "too_many_subscriptions";
        refusal = "a connection may follow at most " STR(LIVE_MAX_SUBS) " topics; unsubscribe "
                                                                        "from one first";
    }
    size_t idx = c->n_subs;
    if (!refusal) {
        live_sub_init(&c->subs[c->n_subs++], &cmd->topic, &vw.v,
                      contest && cmd->has_since ? cmd->since : 0, replay);
        if (contest && cmd->has_since && cmd->has_since_own) c->subs[idx].last_own = cmd->since_own;
    }
    pthread_mutex_unlock(&c->lock);
    if (refusal) {
        s_send_error(c, topic, code, refusal);
        return;
    }

    edge_err_t err;
    memset(&err, 0, sizeof err);
    int rc = 0;
    if (replay) {
        edge_worker_t *w = mg_get_thread_pointer(conn);
        if (!w || !w->rpc)
            rc =
                edge_err_set(&err, 503, "unavailable", "this edge worker has no link; retry later");
        else if (contest)
            rc = s_replay(c, w->rpc, idx, &cmd->topic, cmd, &vw, topic, &err);
        else
            rc = s_submission_state(c, w->rpc, idx, &cmd->topic, &vw, topic, &err);
    }
    live_frame_t *ack = rc == 0 ? s_ack_frame("subscribed", topic) : NULL;
    bool oom = rc == 0 && !ack;
    pthread_mutex_lock(&c->lock);
    if (rc != 0 || oom) {
        s_remove_locked(c, idx); /* only this thread adds or removes subscriptions */
    } else if (!c->close_code && !c->gone) {
        live_send_locked(c, ack);
        if (live_sub_finish(&c->subs[idx], &c->queue) != 0) live_too_slow_locked(c);
        if (c->queue.n) live_schedule_locked(c);
    }
    pthread_mutex_unlock(&c->lock);
    live_frame_unref(&ack);
    if (rc != 0)
        s_send_error(c, topic, err.code, err.message);
    else if (oom) /* the subscription was removed */
        s_send_error(c, topic, "unavailable", "the edge is out of memory; retry later");
}

static void s_unsubscribe(live_client_t *c, const live_topic_t *t)
{
    char topic[LIVE_TOPIC_MAX];
    live_topic_text(t, topic);
    pthread_mutex_lock(&c->lock);
    int i = s_find_locked(c, t);
    if (i >= 0) s_remove_locked(c, (size_t)i);
    pthread_mutex_unlock(&c->lock);
    if (i < 0) {
        s_send_error(c, topic, "not_found", "not subscribed to this topic");
        return;
    }
    live_frame_t *f = s_ack_frame("unsubscribed", topic);
    if (!f) return;
    pthread_mutex_lock(&c->lock);
    live_send_locked(c, f);
    pthread_mutex_unlock(&c->lock);
    live_frame_unref(&f);
}

/* One complete client message. */
static void s_on_message(edge_live_t *hub, live_client_t *c, struct mg_connection *conn, int op,
                         const char *data, size_t len)
{
    if (op != MG_WEBSOCKET_OPCODE_TEXT) {
        s_send_error(c, NULL, "bad_json",
                     "send text messages with JSON, e.g. "
                     "{\"subscribe\":\"contest/<id>\"}");
        return;
    }
    live_cmd_t cmd;
    edge_err_t err;
    if (live_cmd_parse(data, len, &cmd, &err) != 0) {
        s_send_error(c, NULL, err.code, err.message);
        return;
    }
    if (cmd.kind == LIVE_CMD_SUBSCRIBE)
        s_subscribe(hub, c, conn, &cmd);
    else
        s_unsubscribe(c, &cmd.topic);
    live_cmd_clear(&cmd);
}

/* ---- civetweb handlers ---------------------------------------------------------------- */

/* Refuses the handshake with a plain 503 answer (no WebSocket is made). */
static int s_refuse(const struct mg_connection *cconn, const char *message)
{
    struct mg_connection *conn = (struct mg_connection *)cconn; /* civetweb passes it const */
    char answer[EDGE_REFUSAL_MAX];
    size_t n = edge_refusal_503(answer, sizeof answer, message);
    if (n) mg_write(conn, answer, n);
    return 1;
}

static int s_on_connect(const struct mg_connection *conn, void *cbdata)
{
    edge_live_t *hub = cbdata;
    if (atomic_load(&hub->closing))
        return s_refuse(conn, "this edge is shutting down; connect again");
    tl_read_done = false;
    if (hub->edge && hub->edge->budget) {
        /* one budget with the event feeds; given back when the connection closes */
        const struct mg_request_info *ri = mg_get_request_info(conn);
        edge_stream_rc_t rc =
            edge_budget_stream_take(hub->edge->budget, ri ? ri->remote_addr : "?");
        if (rc == EDGE_STREAM_FULL)
            return s_refuse(conn,
                            "this edge serves as many streams as it can; retry later");
        if (rc != EDGE_STREAM_OK)
            return s_refuse(conn,
                            "your address has as many streams open as it may; close one or "
                            "retry later");
        return 0;
    }
    if (atomic_load(&hub->n_clients) >= hub->max_clients)
        return s_refuse(conn,
                        "this edge has as many live clients as it can hold; retry later");
    return 0;
}

/* The token given at the handshake: Authorization: Bearer, else ?token= or ?access_token=.
 * NULL when none; "" when one was given but cannot be used. */
static char *s_handshake_token(struct mg_connection *conn)
{
    const char *h = mg_get_header(conn, "Authorization");
    if (h) {
        while (*h == ' ')
            h++;
        if (strncasecmp(h, "Bearer ", 7) != 0) return strdup("");
        h += 7;
        while (*h == ' ')
            h++;
        size_t n = strlen(h);
        while (n && (h[n - 1] == ' ' || h[n - 1] == '\t'))
            n--;
        return n && n <= EDGE_TOKEN_MAX ? strndup(h, n) : strdup("");
    }
    const struct mg_request_info *ri = mg_get_request_info(conn);
    const char *qs = ri ? ri->query_string : NULL;
    if (!qs) return NULL;
    char *buf = malloc(EDGE_TOKEN_MAX + 1);
    if (!buf) return strdup("");
    int n = mg_get_var(qs, strlen(qs), "token", buf, EDGE_TOKEN_MAX + 1);
    if (n == -1) n = mg_get_var(qs, strlen(qs), "access_token", buf, EDGE_TOKEN_MAX + 1);
    if (n == -1) {
        free(buf);
        return NULL;
    }
    if (n <= 0) buf[0] = '\0'; /* empty or too long */
    return buf;
}

static int s_on_data(struct mg_connection *conn, int bits, char *data, size_t len, void *cbdata);

static bool s_stopping(edge_live_t *hub, live_client_t *c)
{
    if (atomic_load(&hub->closing) || atomic_load(&hub->stop)) return true;
    pthread_mutex_lock(&c->wlock);
    bool closed = c->close_sent;
    pthread_mutex_unlock(&c->wlock);
    return closed;
}

/* n bytes from fd by deadline_ms (gv_mono_ms). 0, or -1: closed, failed, late or stopping. */
static int s_recv_all(edge_live_t *hub, live_client_t *c, int fd, void *buf, size_t n,
                      uint64_t deadline_ms)
{
    size_t got = 0;
    while (got < n) {
        uint64_t now = gv_mono_ms();
        if (now >= deadline_ms || s_stopping(hub, c)) return -1;
        uint64_t left = deadline_ms - now;
        struct pollfd p = {.fd = fd, .events = POLLIN};
        int rc = poll(&p, 1, left < LIVE_READ_SLICE_MS ? (int)left : LIVE_READ_SLICE_MS);
        if (rc < 0 && errno != EINTR) return -1;
        if (rc <= 0) continue;
        ssize_t k = recv(fd, (char *)buf + got, n - got, MSG_DONTWAIT);
        if (k == 0) return -1;
        if (k < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) continue;
            return -1;
        }
        got += (size_t)k;
    }
    return 0;
}

/* Waits for the first byte of the next frame, pinging while the client is idle. false when
 * the connection should end (closed, stopping, or too many pings unanswered). */
static bool s_wait_frame(edge_live_t *hub, live_client_t *c, int fd, int *unanswered)
{
    uint64_t idle_since = gv_mono_ms();
    for (;;) {
        if (s_stopping(hub, c)) return false;
        struct pollfd p = {.fd = fd, .events = POLLIN};
        int rc = poll(&p, 1, LIVE_READ_SLICE_MS);
        if (rc < 0 && errno != EINTR) return false;
        if (rc > 0) return true; /* data, or EOF/error for the read to find */
        if (gv_mono_ms() - idle_since >= LIVE_PING_INTERVAL_MS) {
            if (*unanswered >= LIVE_MAX_UNANSWERED_PINGS) return false;
            /* Only into a socket with room: a ping must not block holding the write lock (the
             * writers' slow-client check, 4001, is what handles a client that does not read). */
            struct pollfd po = {.fd = fd, .events = POLLOUT};
            if (poll(&po, 1, 0) == 1 && (po.revents & POLLOUT)) {
                uint64_t took;
                if (live_write(c, MG_WEBSOCKET_OPCODE_PING, "", 0, &took) != 0) return false;
                (*unanswered)++;
            }
            idle_since = gv_mono_ms();
        }
    }
}

/* Discards what the client still sends after a refused frame, briefly and boundedly, so the
 * socket is not reset (which would lose the close frame) while its payload is in flight. */
static void s_drain(int fd, char *buf, size_t cap)
{
    uint64_t until = gv_mono_ms() + LIVE_CLOSE_DRAIN_MS;
    size_t total = 0;
    while (total < LIVE_CLOSE_DRAIN_BYTES) {
        uint64_t now = gv_mono_ms();
        if (now >= until) return;
        struct pollfd p = {.fd = fd, .events = POLLIN};
        if (poll(&p, 1, (int)(until - now)) <= 0) return;
        ssize_t k = recv(fd, buf, cap, MSG_DONTWAIT);
        if (k <= 0) return;
        total += (size_t)k;
    }
}

/* The connection's frames, header first (see the top of this file). Returns when it ends. */
static void s_read_frames(edge_live_t *hub, live_client_t *c, struct mg_connection *conn)
{
    const struct mg_request_info *ri = mg_get_request_info(conn);
    int fd = ri && !ri->is_ssl ? edge_conn_fd(ri->remote_addr, ri->remote_port, ri->server_port)
                               : -1;
    if (fd < 0) {
        static atomic_bool warned;
        if (!atomic_exchange(&warned, true))
            gv_warn("live frames read by civetweb",
                    "detail=\"the connection's socket was not found: a client frame is buffered "
                    "whole (up to 2 GiB) before its length is checked\"");
        return;
    }
    char *payload = malloc(LIVE_MAX_INBOUND);
    if (!payload) {
        s_close_now(c, 1011, "out of memory");
        return;
    }
    int unanswered = 0;
    for (;;) {
        if (!s_wait_frame(hub, c, fd, &unanswered)) break;
        uint8_t hb[EDGE_WS_HEADER_MAX];
        uint64_t deadline = gv_mono_ms() + LIVE_FRAME_TIMEOUT_MS;
        if (s_recv_all(hub, c, fd, hb, 2, deadline) != 0) break;
        size_t hl = edge_ws_hdr_len(hb[1]);
        if (s_recv_all(hub, c, fd, hb + 2, hl - 2, deadline) != 0) break;
        edge_ws_hdr_t h;
        edge_ws_hdr_rc_t rc = edge_ws_hdr_parse(hb, hl, &h);
        if (rc != EDGE_WS_HDR_OK || !h.masked) {
            s_close_now(c, 1002,
                        !h.masked && rc == EDGE_WS_HDR_OK ? "client frames must be masked"
                        : rc == EDGE_WS_HDR_BAD_CONTROL ? "a control frame fragmented or over "
                                                          "125 bytes"
                        : rc == EDGE_WS_HDR_BAD_RSV     ? "reserved bits set"
                                                        : "bad frame length");
            break;
        }
        if (h.len > LIVE_MAX_INBOUND) { /* refused by its header: the payload is never read */
            s_close_now(c, LIVE_CLOSE_TOO_BIG, "message too big: at most 4096 bytes");
            s_drain(fd, payload, LIVE_MAX_INBOUND);
            break;
        }
        if (s_recv_all(hub, c, fd, payload, (size_t)h.len, deadline) != 0) break;
        edge_ws_unmask((uint8_t *)payload, (size_t)h.len, h.mask, 0);
        unanswered = 0; /* any frame shows the client is there */
        if (!s_on_data(conn, h.bits, payload, (size_t)h.len, hub)) break;
    }
    free(payload);
    tl_read_done = true;
    (void)shutdown(fd, SHUT_RD); /* civetweb's read loop finds the end at once */
}

static void s_on_ready(struct mg_connection *conn, void *cbdata)
{
    edge_live_t *hub = cbdata;
    live_client_t *c = live_client_new(hub, conn);
    if (c) c->hs_token = s_handshake_token(conn);
    if (!c) {
        static const char oom[] = "\x03\xf3out of memory"; /* 1011 */
        mg_websocket_write(conn, MG_WEBSOCKET_OPCODE_CONNECTION_CLOSE, oom, sizeof oom - 1);
        gv_error("live client refused: out of memory", "%s", "");
        return;
    }
    mg_set_user_connection_data(conn, c);
    pthread_mutex_lock(&hub->lock);
    c->next = hub->clients;
    if (hub->clients) hub->clients->prev = c;
    hub->clients = c;
    pthread_mutex_unlock(&hub->lock);
    atomic_fetch_add(&hub->n_clients, 1);
    gv_debug("live client connected", "client=%s", c->addr);
    s_read_frames(hub, c, conn);
}

/* Appends to the message being put together; -1 when it would pass LIVE_MAX_INBOUND. */
static int s_msg_append(live_client_t *c, const char *data, size_t len)
{
    if (len > LIVE_MAX_INBOUND - c->msg_len) return -1;
    if (!c->msg && !(c->msg = malloc(LIVE_MAX_INBOUND))) return -1;
    if (len) memcpy(c->msg + c->msg_len, data, len);
    c->msg_len += len;
    return 0;
}

static int s_on_data(struct mg_connection *conn, int bits, char *data, size_t len, void *cbdata)
{
    edge_live_t *hub = cbdata;
    live_client_t *c = mg_get_user_connection_data(conn);
    if (!c || tl_read_done) return 0;
    pthread_mutex_lock(&c->wlock);
    bool closed = c->close_sent;
    pthread_mutex_unlock(&c->wlock);
    if (closed) return 0; /* we said goodbye (or the stream broke): any frame ends it */
    int op = bits & 0x0f;
    bool fin = (bits & 0x80) != 0;
    switch (op) {
    case MG_WEBSOCKET_OPCODE_PING: {
        uint64_t took;
        (void)live_write(c, MG_WEBSOCKET_OPCODE_PONG, data, len > 125 ? 125 : len, &took);
        return 1;
    }
    case MG_WEBSOCKET_OPCODE_PONG:
        return 1;
    case MG_WEBSOCKET_OPCODE_CONNECTION_CLOSE: {
        uint16_t code = len >= 2 ? (uint16_t)(((uint8_t)data[0] << 8) | (uint8_t)data[1]) : 1000;
        /* echo the client's code (RFC 6455 5.5.1); codes that may not be sent become 1000 */
        if (code < 1000 || code == 1005 || code == 1006 || code == 1015 || code >= 5000)
            code = 1000;
        s_close_now(c, code, "");
        return 0;
    }
    case MG_WEBSOCKET_OPCODE_TEXT:
    case MG_WEBSOCKET_OPCODE_BINARY:
        if (c->in_msg) {
            s_close_now(c, 1002, "a new message began inside a fragmented one");
            return 0;
        }
        if (len > LIVE_MAX_INBOUND) {
            s_close_now(c, LIVE_CLOSE_TOO_BIG, "message too big: at most 4096 bytes");
            return 0;
        }
        if (fin) {
            s_on_message(hub, c, conn, op, data, len);
            return 1;
        }
        c->in_msg = true;
        c->msg_op = op;
        c->msg_len = 0;
        if (s_msg_append(c, data, len) != 0) {
            s_close_now(c, LIVE_CLOSE_TOO_BIG, "message too big: at most 4096 bytes");
            return 0;
        }
        return 1;
    case MG_WEBSOCKET_OPCODE_CONTINUATION:
        if (!c->in_msg) {
            s_close_now(c, 1002, "a continuation frame without a message");
            return 0;
        }
        if (s_msg_append(c, data, len) != 0) {
            s_close_now(c, LIVE_CLOSE_TOO_BIG, "message too big: at most 4096 bytes");
            return 0;
        }
        if (fin) {
            c->in_msg = false;
            s_on_message(hub, c, conn, c->msg_op, c->msg, c->msg_len);
            c->msg_len = 0;
        }
        return 1;
    default:
        s_close_now(c, 1002, "unknown opcode");
        return 0;
    }
}

static void s_on_close(const struct mg_connection *conn, void *cbdata)
{
    edge_live_t *hub = cbdata;
    live_client_t *c = mg_get_user_connection_data(conn);
    if (!c) return;
    pthread_mutex_lock(&c->wlock); /* waits for a write in progress; none starts after this */
    c->conn = NULL;
    pthread_mutex_unlock(&c->wlock);
    pthread_mutex_lock(&hub->lock);
    if (c->prev)
        c->prev->next = c->next;
    else
        hub->clients = c->next;
    if (c->next) c->next->prev = c->prev;
    c->prev = c->next = NULL;
    pthread_mutex_unlock(&hub->lock);
    atomic_fetch_sub(&hub->n_clients, 1);
    pthread_mutex_lock(&c->lock);
    c->gone = true;
    size_t subs = c->n_subs;
    live_queue_clear(&c->queue);
    for (size_t i = 0; i < c->n_subs; i++)
        live_sub_clear(&c->subs[i]);
    c->n_subs = 0;
    pthread_cond_broadcast(&c->room);
    pthread_mutex_unlock(&c->lock);
    gv_debug("live client closed", "client=%s subscriptions=%zu code=%u", c->addr, subs,
             (unsigned)c->close_code);
    mg_set_user_connection_data(conn, NULL);
    live_client_unref(c);
}

void edge_live_attach(edge_live_t *self, struct mg_context *ctx)
{
    mg_set_websocket_handler(ctx, LIVE_PATH, s_on_connect, s_on_ready, s_on_data, s_on_close, self);
}
