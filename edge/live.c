/*  edge_live — the hub: the event subscriber, the clients' queues, the writer threads and the
 *  life cycle (see live.h; the civetweb handlers are in live_ws.c, the parts without sockets
 *  in live_core.c).
 */
#include "live_impl.h"

#include "gv_link.h"
#include "gv_log.h"
#include "gv_msg.h"
#include "sbcache.h"

#include <civetweb.h>
#include <czmq.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <zmq.h>

#define SUB_POLL_MS 200        /* the subscriber checks for shutdown this often */
#define SUB_RETRY_MS 1000      /* first wait between attempts to make the SUB socket... */
#define SUB_RETRY_MAX_MS 32000 /* ...doubling up to this */
#define SUB_DRAIN_MAX 256      /* events handled per poll wake-up */
#define GOODBYE_WAIT_MS 300    /* edge_live_goodbye waits this long for the close frames */

/* ---- clients -------------------------------------------------------------------------- */

live_client_t *live_client_new(edge_live_t *hub, struct mg_connection *conn)
{
    live_client_t *c = calloc(1, sizeof *c);
    if (!c) return NULL;
    pthread_condattr_t ca;
    if (pthread_condattr_init(&ca) != 0) {
        free(c);
        return NULL;
    }
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    int rc = pthread_cond_init(&c->room, &ca);
    pthread_condattr_destroy(&ca);
    if (rc != 0) {
        free(c);
        return NULL;
    }
    if (pthread_mutex_init(&c->lock, NULL) != 0) {
        pthread_cond_destroy(&c->room);
        free(c);
        return NULL;
    }
    if (pthread_mutex_init(&c->wlock, NULL) != 0) {
        pthread_mutex_destroy(&c->lock);
        pthread_cond_destroy(&c->room);
        free(c);
        return NULL;
    }
    atomic_init(&c->refs, 1); /* the connection's */
    c->hub = hub;
    c->conn = conn;
    uint64_t serial = atomic_fetch_add(&hub->serial, 1);
    c->writer = &hub->writers[serial % LIVE_WRITERS];
    live_queue_init(&c->queue, LIVE_QUEUE_MAX_FRAMES, LIVE_QUEUE_MAX_BYTES);
    const struct mg_request_info *ri = mg_get_request_info(conn);
    snprintf(c->addr, sizeof c->addr, "%s", ri && ri->remote_addr[0] ? ri->remote_addr : "?");
    return c;
}

void live_client_unref(live_client_t *c)
{
    if (atomic_fetch_sub_explicit(&c->refs, 1, memory_order_acq_rel) != 1) return;
    live_queue_clear(&c->queue);
    for (size_t i = 0; i < c->n_subs; i++)
        live_sub_clear(&c->subs[i]);
    free(c->hs_token);
    free(c->msg);
    pthread_mutex_destroy(&c->wlock);
    pthread_mutex_destroy(&c->lock);
    pthread_cond_destroy(&c->room);
    free(c);
}

/* Puts c at the back of w's ready list; the caller holds w->lock. */
static void s_ready_append(live_writer_t *w, live_client_t *c)
{
    c->next_ready = NULL;
    if (w->tail)
        w->tail->next_ready = c;
    else
        w->head = c;
    w->tail = c;
}

/* Puts c on its writer's list (c->lock held). */
void live_schedule_locked(live_client_t *c)
{
    if (c->scheduled) return;
    c->scheduled = true;
    atomic_fetch_add_explicit(&c->refs, 1, memory_order_relaxed); /* the list's */
    live_writer_t *w = c->writer;
    pthread_mutex_lock(&w->lock);
    s_ready_append(w, c);
    pthread_cond_signal(&w->wake);
    pthread_mutex_unlock(&w->lock);
}

/* Drops what is queued and has the writer send a close frame (c->lock held). */
void live_close_locked(live_client_t *c, uint16_t code, const char *reason)
{
    if (c->close_code || c->gone) return;
    c->close_code = code;
    snprintf(c->close_reason, sizeof c->close_reason, "%s", reason);
    live_queue_clear(&c->queue);
    for (size_t i = 0; i < c->n_subs; i++)
        live_queue_clear(&c->subs[i].pending);
    pthread_cond_broadcast(&c->room);
    live_schedule_locked(c);
}

void live_too_slow_locked(live_client_t *c)
{
    if (c->close_code || c->gone) return;
    atomic_fetch_add_explicit(&c->hub->dropped_slow, 1, memory_order_relaxed);
    gv_warn("live client too slow", "client=%s queued=%zu bytes=%zu", c->addr, c->queue.n,
            c->queue.bytes);
    live_close_locked(c, LIVE_CLOSE_TOO_SLOW, LIVE_TOO_SLOW_REASON);
}

/* Queues one frame for c (c->lock held); a full queue closes the client. */
void live_send_locked(live_client_t *c, live_frame_t *f)
{
    if (c->close_code || c->gone) return;
    if (live_queue_push(&c->queue, f) != 0) {
        live_too_slow_locked(c);
        return;
    }
    live_schedule_locked(c);
}

/* ---- writing -------------------------------------------------------------------------- */

int live_write(live_client_t *c, int opcode, const char *data, size_t len, uint64_t *took_ms)
{
    int rc = -1;
    *took_ms = 0;
    pthread_mutex_lock(&c->wlock);
    if (c->conn && !c->close_sent) {
        uint64_t t0 = gv_mono_ms();
        int n = mg_websocket_write(c->conn, opcode, data, len);
        *took_ms = gv_mono_ms() - t0;
        /* civetweb answers the payload's length, or the header's (2) for an empty frame */
        if (n >= 0 && ((size_t)n == len || (len == 0 && n == 2)))
            rc = 0;
        else
            c->close_sent = true;
        if (opcode == MG_WEBSOCKET_OPCODE_CONNECTION_CLOSE) c->close_sent = true;
    }
    pthread_mutex_unlock(&c->wlock);
    return rc;
}

void live_write_close(live_client_t *c, uint16_t code, const char *reason)
{
    char payload[2 + REASON_MAX];
    size_t n = strlen(reason);
    if (n > REASON_MAX) n = REASON_MAX;
    payload[0] = (char)(code >> 8);
    payload[1] = (char)(code & 0xff);
    memcpy(payload + 2, reason, n);
    uint64_t took;
    (void)live_write(c, MG_WEBSOCKET_OPCODE_CONNECTION_CLOSE, payload, 2 + n, &took);
}

/* Takes a batch from c's queue and writes it; re-queues c if more is left. */
static void s_flush(live_writer_t *w, live_client_t *c)
{
    live_frame_t *batch[LIVE_WRITE_BATCH];
    size_t n = 0;
    uint16_t code = 0;
    char reason[REASON_MAX];
    pthread_mutex_lock(&c->lock);
    while (n < LIVE_WRITE_BATCH && (batch[n] = live_queue_pop(&c->queue)))
        n++;
    if (n) pthread_cond_broadcast(&c->room);
    if (c->close_code && !c->close_taken && c->queue.n == 0) {
        code = c->close_code;
        memcpy(reason, c->close_reason, sizeof reason);
        c->close_taken = true;
    }
    pthread_mutex_unlock(&c->lock);

    bool failed = false, slow = false;
    for (size_t i = 0; i < n; i++) {
        uint64_t took = 0;
        if (!failed && !slow) {
            if (live_write(c, MG_WEBSOCKET_OPCODE_TEXT, batch[i]->data, batch[i]->len, &took) != 0)
                failed = true;
            if (took > LIVE_SLOW_WRITE_MS) slow = true;
        }
        live_frame_unref(&batch[i]);
    }
    if (code) live_write_close(c, code, reason);

    pthread_mutex_lock(&c->lock);
    if (slow)
        live_too_slow_locked(c); /* the close frame goes out unless the stream broke */
    else if (failed) {
        live_close_locked(c, 1006, "write failed");
        c->close_taken = true; /* the stream is broken: no close frame either */
    }
    bool again = c->queue.n > 0 || (c->close_code && !c->close_taken);
    if (!again) c->scheduled = false;
    pthread_mutex_unlock(&c->lock);
    if (!again) {
        live_client_unref(c);
        return;
    }
    pthread_mutex_lock(&w->lock); /* to the back of the line, with the list's reference */
    s_ready_append(w, c);
    pthread_mutex_unlock(&w->lock);
}

static void *s_writer_main(void *arg)
{
    live_writer_t *w = arg;
    pthread_mutex_lock(&w->lock);
    for (;;) {
        while (!w->head && !w->stop)
            pthread_cond_wait(&w->wake, &w->lock);
        if (!w->head) break; /* stopping, and nothing left */
        live_client_t *c = w->head;
        w->head = c->next_ready;
        if (!w->head) w->tail = NULL;
        c->next_ready = NULL;
        pthread_mutex_unlock(&w->lock);
        s_flush(w, c);
        pthread_mutex_lock(&w->lock);
    }
    pthread_mutex_unlock(&w->lock);
    return NULL;
}

/* ---- events from the bus -------------------------------------------------------------- */

/* Offers the event to every client subscribed to t that may see it: staff get f_staff, the
 * others f_other (NULL: not for them). */
static void s_fanout(edge_live_t *hub, const live_topic_t *t, live_vis_t vis, uint64_t user_id,
                     live_frame_t *f_staff, live_frame_t *f_other)
{
    pthread_mutex_lock(&hub->lock);
    for (live_client_t *c = hub->clients; c; c = c->next) {
        pthread_mutex_lock(&c->lock);
        for (size_t i = 0; i < c->n_subs && !c->close_code && !c->gone; i++) {
            live_sub_t *s = &c->subs[i];
            if (s->topic.kind != t->kind || s->topic.id != t->id) continue;
            live_frame_t *f = s->viewer.staff ? f_staff : f_other;
            if (f && live_visible(vis, user_id, &s->viewer)) {
                live_offer_t o = live_sub_offer(s, f, &c->queue);
                if (o == LIVE_OFFER_OVERFLOW)
                    live_too_slow_locked(c);
                else if (o == LIVE_OFFER_QUEUED)
                    live_schedule_locked(c);
            }
            break; /* a client subscribes to a topic once */
        }
        pthread_mutex_unlock(&c->lock);
    }
    pthread_mutex_unlock(&hub->lock);
}

static void s_on_event(edge_live_t *hub, const void *data, size_t len, edge_buf_t *scratch)
{
    gv_msg_t *m = NULL;
    char err[256];
    if (gv_msg_decode(data, len, &m, NULL, NULL, 0, err, sizeof err) != 0) {
        gv_warn("live event dropped", "bytes=%zu error=\"%s\"", len, err);
        return;
    }
    const char *topic = gv_msg_str(m, "topic"), *kind = gv_msg_str(m, "kind");
    live_topic_t t;
    if (strcmp(gv_msg_type(m), "event") != 0 || !topic || !kind ||
        live_topic_parse(topic, strlen(topic), &t) != 0)
        goto done;
    const char *vis = gv_msg_str(m, "vis");
    if (t.kind == LIVE_TOPIC_CONTEST && strcmp(kind, "scoreboard") == 0 && vis &&
        (strcmp(vis, "jury") == 0 || strcmp(vis, "public") == 0))
        sbcache_invalidate_view(t.id, strcmp(vis, "jury") == 0 ? SBCACHE_JURY : SBCACHE_PUBLIC);
    else if (t.kind == LIVE_TOPIC_CONTEST &&
             (strcmp(kind, "scoreboard") == 0 || strcmp(kind, "contest") == 0))
        sbcache_invalidate(t.id);
    live_frame_t *f = live_frame_event(scratch, gv_msg_uint(m, "id", 0), topic, kind, strlen(kind),
                                       gv_msg_field(m, "data"), NULL);
    live_frame_t *other = NULL;
    if (f && t.kind != LIVE_TOPIC_CONTEST) {
        other = live_frame_ref(f); /* one numbering per submission topic */
    } else if (f) {
        /* a contest event: others see its public id, or own id, never the jury id */
        uint64_t pid = gv_msg_uint(m, "pid", 0), useq = gv_msg_uint(m, "useq", 0);
        if (pid || useq) {
            other =
                live_frame_event_own(scratch, pid ? pid : gv_msg_uint(m, "upos", 0), pid ? 0 : useq,
                                     topic, kind, strlen(kind), gv_msg_field(m, "data"), NULL);
            if (!other) live_frame_unref(&f);
        }
    }
    if (!f) {
        gv_error("live event dropped: out of memory", "topic=%s", topic);
        goto done;
    }
    s_fanout(hub, &t, live_vis_parse(vis, vis ? strlen(vis) : 0), gv_msg_uint(m, "user_id", 0), f,
             other);
    live_frame_unref(&f);
    live_frame_unref(&other);
done:
    gv_msg_destroy(&m);
}

static zsock_t *s_sub_new(edge_live_t *hub)
{
    const gv_config_t *cfg = hub->edge->cfg;
    const gv_node_cfg_t *broker = gv_config_broker(cfg);
    zsock_t *sub = zsock_new(ZMQ_SUB);
    if (!sub || !broker) goto fail;
    zsock_set_rcvhwm(sub, LIVE_SUB_HWM);
    if (gv_curve_client(sub, cfg, hub->edge->name) != 0) goto fail;
    zsock_set_subscribe(sub, "contest/");
    zsock_set_subscribe(sub, "submission/");
    if (zsock_connect(sub, "%s", broker->sub_endpoint) != 0) {
        gv_error("cannot connect to the event bus", "endpoint=%s error=\"%s\"",
                 broker->sub_endpoint, zmq_strerror(zmq_errno()));
        goto fail;
    }
    return sub;
fail:
    zsock_destroy(&sub);
    return NULL;
}

/* Receives one [topic][envelope] message without waiting. 0 handled, 1 nothing there. */
static int s_recv_event(edge_live_t *hub, void *h, edge_buf_t *scratch)
{
    zmq_msg_t topic, env;
    zmq_msg_init(&topic);
    if (zmq_msg_recv(&topic, h, ZMQ_DONTWAIT) < 0) {
        zmq_msg_close(&topic);
        return 1;
    }
    bool more = zmq_msg_more(&topic);
    zmq_msg_close(&topic);
    if (!more) return 0; /* not ours: a one-part message */
    zmq_msg_init(&env);
    if (zmq_msg_recv(&env, h, 0) < 0) {
        zmq_msg_close(&env);
        return 0;
    }
    more = zmq_msg_more(&env);
    s_on_event(hub, zmq_msg_data(&env), zmq_msg_size(&env), scratch);
    zmq_msg_close(&env);
    while (more) { /* extra parts: not part of the format, dropped */
        zmq_msg_t extra;
        zmq_msg_init(&extra);
        if (zmq_msg_recv(&extra, h, 0) < 0)
            more = false;
        else
            more = zmq_msg_more(&extra);
        zmq_msg_close(&extra);
    }
    return 0;
}

static void *s_subscriber_main(void *arg)
{
    edge_live_t *hub = arg;
    edge_buf_t scratch;
    edge_buf_init(&scratch, 0);
    zsock_t *sub = NULL;
    uint64_t next_try = 0, wait_ms = SUB_RETRY_MS;
    while (!atomic_load(&hub->stop)) {
        if (!sub) {
            if (gv_mono_ms() < next_try) {
                usleep(SUB_POLL_MS * 1000);
                continue;
            }
            sub = s_sub_new(hub);
            if (!sub) {
                next_try = gv_mono_ms() + wait_ms;
                wait_ms = wait_ms * 2 > SUB_RETRY_MAX_MS ? SUB_RETRY_MAX_MS : wait_ms * 2;
                continue;
            }
            wait_ms = SUB_RETRY_MS;
            gv_info("live feed subscribed", "endpoint=%s",
                    gv_config_broker(hub->edge->cfg)->sub_endpoint);
        }
        zmq_pollitem_t item = {zsock_resolve(sub), 0, ZMQ_POLLIN, 0};
        int rc = zmq_poll(&item, 1, SUB_POLL_MS);
        if (rc < 0) {
            if (zmq_errno() == EINTR) continue;
            gv_error("live feed poll failed", "error=\"%s\"", zmq_strerror(zmq_errno()));
            zsock_destroy(&sub);
            next_try = gv_mono_ms() + wait_ms;
            continue;
        }
        for (int i = 0; rc > 0 && i < SUB_DRAIN_MAX; i++)
            if (s_recv_event(hub, item.socket, &scratch) != 0) break;
    }
    zsock_destroy(&sub);
    edge_buf_release(&scratch);
    return NULL;
}

/* ---- life cycle ----------------------------------------------------------------------- */

edge_live_t *edge_live_new(edge_t *edge, unsigned threads)
{
    edge_live_t *self = calloc(1, sizeof *self);
    if (!self) return NULL;
    self->edge = edge;
    self->max_clients = live_max_clients(threads ? threads : 64);
    atomic_init(&self->stop, false);
    atomic_init(&self->closing, false);
    atomic_init(&self->n_clients, 0);
    atomic_init(&self->dropped_slow, 0);
    atomic_init(&self->serial, 0);
    if (pthread_mutex_init(&self->lock, NULL) != 0) {
        free(self);
        return NULL;
    }
    for (size_t i = 0; i < LIVE_WRITERS; i++) {
        live_writer_t *w = &self->writers[i];
        w->hub = self;
        if (pthread_mutex_init(&w->lock, NULL) != 0) goto fail;
        if (pthread_cond_init(&w->wake, NULL) != 0) {
            pthread_mutex_destroy(&w->lock);
            goto fail;
        }
        if (pthread_create(&w->thread, NULL, s_writer_main, w) != 0) {
            pthread_cond_destroy(&w->wake);
            pthread_mutex_destroy(&w->lock);
            goto fail;
        }
        w->started = true;
    }
    if (edge->cfg) {
        if (pthread_create(&self->sub_thread, NULL, s_subscriber_main, self) != 0) goto fail;
        self->sub_started = true;
    }
    gv_info("live feed ready", "max_clients=%u writers=%d", self->max_clients, LIVE_WRITERS);
    return self;
fail:
    gv_error("live feed did not start", "%s", "hint=\"out of threads or memory\"");
    edge_live_destroy(&self);
    return NULL;
}

static bool s_writers_idle(edge_live_t *self)
{
    bool idle = true;
    for (size_t i = 0; i < LIVE_WRITERS && idle; i++) {
        live_writer_t *w = &self->writers[i];
        if (!w->started) continue;
        pthread_mutex_lock(&w->lock);
        idle = w->head == NULL;
        pthread_mutex_unlock(&w->lock);
    }
    return idle;
}

void edge_live_goodbye(edge_live_t *self)
{
    if (!self) return;
    atomic_store(&self->closing, true);
    pthread_mutex_lock(&self->lock);
    for (live_client_t *c = self->clients; c; c = c->next) {
        pthread_mutex_lock(&c->lock);
        live_close_locked(c, LIVE_CLOSE_GOING_AWAY,
                          "the edge is shutting down; reconnect with since");
        pthread_mutex_unlock(&c->lock);
    }
    pthread_mutex_unlock(&self->lock);
    for (int waited = 0; waited < GOODBYE_WAIT_MS && !s_writers_idle(self); waited += 10)
        usleep(10000);
}

void edge_live_destroy(edge_live_t **self_p)
{
    if (!self_p || !*self_p) return;
    edge_live_t *self = *self_p;
    atomic_store(&self->stop, true);
    if (self->sub_started) pthread_join(self->sub_thread, NULL);
    for (size_t i = 0; i < LIVE_WRITERS; i++) {
        live_writer_t *w = &self->writers[i];
        if (!w->started) continue;
        pthread_mutex_lock(&w->lock);
        w->stop = true;
        pthread_cond_signal(&w->wake);
        pthread_mutex_unlock(&w->lock);
        pthread_join(w->thread, NULL);
        pthread_cond_destroy(&w->wake);
        pthread_mutex_destroy(&w->lock);
    }
    *self_p = NULL;
    if (self->clients) { /* civetweb still running: a bug in the caller; leak, do not crash */
        gv_error("live feed destroyed with clients connected", "clients=%u",
                 atomic_load(&self->n_clients));
        return;
    }
    pthread_mutex_destroy(&self->lock);
    free(self);
}

void edge_live_stats(edge_live_t *self, edge_live_stats_t *out)
{
    out->clients = self ? atomic_load(&self->n_clients) : 0;
    out->dropped_slow = self ? atomic_load(&self->dropped_slow) : 0;
}

