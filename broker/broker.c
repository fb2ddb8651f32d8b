/*  gavel-broker — routes envelopes by destination address, balances jobs over judges and runs
 *  the event bus. It holds soft state only (see dispatch.h): kill it at any moment, start it
 *  again, and the nodes rebuild what it knew.
 *
 *  Sockets (all CURVE servers; only certs in <data>/keys/authorized/ are admitted, via zauth):
 *    ROUTER  router_endpoint   requests, replies, heartbeats, jobs (ROUTER_MANDATORY, HANDOVER)
 *    XSUB    pub_endpoint      actor nodes publish events here
 *    XPUB    sub_endpoint      edges subscribe here
 */
#include "dispatch.h"
#include "gv_cli.h"
#include "gv_config.h"
#include "gv_link.h"
#include "gv_log.h"
#include "gv_msg.h"

#include <czmq.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zmq.h>

#define ROUTER_HWM 200000

typedef struct {
    const gv_config_t *cfg;
    const char *name;
    zsock_t *router, *xsub, *xpub;
    dispatch_t *dispatch;
    uint64_t routed, dropped;
} broker_t;

static int s_send_to(void *arg, const char *identity, const gv_buf_t *buf)
{
    broker_t *b = arg;
    void *h = zsock_resolve(b->router);
    if (zmq_send(h, identity, strlen(identity), ZMQ_SNDMORE | ZMQ_DONTWAIT) < 0)
        return -1; /* EHOSTUNREACH thanks to ROUTER_MANDATORY, or EAGAIN at HWM */
    if (zmq_send(h, buf->data, buf->size, ZMQ_DONTWAIT) < 0)
        return -1;
    return 0;
}

static void s_error_to(broker_t *b, const char *identity, const gv_msg_t *req, unsigned status,
                       const char *code, const char *text)
{
    gv_buf_t buf;
    if (gv_reply_error(req, "broker", status, code, text, &buf) != 0)
        return;
    if (s_send_to(b, identity, &buf) != 0)
        gv_debug("error reply undeliverable", "to=%s", identity);
    gv_buf_free(&buf);
}

static void s_reply_data(broker_t *b, const char *identity, const gv_msg_t *req, bool judges)
{
    gv_writer_t *w = gv_reply_begin(req, "broker", 200, true);
    if (!w)
        return;
    if (judges)
        dispatch_pack_judges(b->dispatch, gv_writer_pk(w));
    else
        dispatch_pack_status(b->dispatch, gv_writer_pk(w), b->name);
    gv_buf_t buf;
    if (gv_writer_finish(&w, &buf) == 0) {
        s_send_to(b, identity, &buf);
        gv_buf_free(&buf);
    }
}

static bool s_is_oneway(const char *type)
{
    return strcmp(type, "reply") == 0 || strcmp(type, "event") == 0 ||
           strcmp(type, "heartbeat") == 0 || strncmp(type, "judge.", 6) == 0 ||
           strcmp(type, "jobs.offer") == 0 || strcmp(type, "hello") == 0;
}

/* Forwards the message's bytes unchanged to the peer that owns `to`. */
static void s_route(broker_t *b, const char *sender, const gv_msg_t *m)
{
    const char *to = gv_msg_to(m);
    const char *owner = gv_config_owner(b->cfg, to);
    const char *target = owner ? owner : to;
    size_t len;
    const void *raw = gv_msg_raw(m, &len);
    gv_buf_t buf = {(char *)raw, len, len};
    if (s_send_to(b, target, &buf) == 0) {
        b->routed++;
        return;
    }
    b->dropped++;
    gv_warn("unroutable message", "type=%s from=%s to=%s via=%s error=\"%s\"", gv_msg_type(m),
            gv_msg_from(m), to, target, zmq_strerror(zmq_errno()));
    if (!s_is_oneway(gv_msg_type(m))) {
        char text[300];
        snprintf(text, sizeof text, "no node serving `%s` is connected", to);
        s_error_to(b, sender, m, 503, "unavailable", text);
    }
}

static void s_handle_own(broker_t *b, const char *sender, const gv_msg_t *m)
{
    const char *type = gv_msg_type(m);
    if (strcmp(type, "hello") == 0) {
        dispatch_peer_hello(b->dispatch, sender, m);
        gv_writer_t *w = gv_writer_new("heartbeat", 0, "broker", sender, 0, 0);
        gv_buf_t buf;
        if (w && gv_writer_finish(&w, &buf) == 0) { /* answer at once so the peer sees us alive */
            s_send_to(b, sender, &buf);
            gv_buf_free(&buf);
        }
    } else if (strcmp(type, "heartbeat") == 0) {
        /* liveness already recorded */
    } else if (strcmp(type, "judge.ready") == 0) {
        dispatch_judge_ready(b->dispatch, sender, m);
    } else if (strcmp(type, "jobs.offer") == 0) {
        dispatch_offer(b->dispatch, m);
    } else if (strcmp(type, "broker.status") == 0) {
        s_reply_data(b, sender, m, false);
    } else if (strcmp(type, "broker.judges") == 0) {
        s_reply_data(b, sender, m, true);
    } else if (!s_is_oneway(type)) {
        char text[160];
        snprintf(text, sizeof text, "the broker does not handle `%s`", type);
        s_error_to(b, sender, m, 400, "unknown_type", text);
    }
}

static void s_who(broker_t *b, const char *identity)
{
    gv_writer_t *w = gv_writer_new("broker.who", 0, "broker", identity, 0, 0);
    gv_buf_t buf;
    if (w && gv_writer_finish(&w, &buf) == 0) {
        s_send_to(b, identity, &buf);
        gv_buf_free(&buf);
    }
}

static void s_on_router(broker_t *b)
{
    void *h = zsock_resolve(b->router);
    for (int burst = 0; burst < 1024; burst++) {
        zmq_msg_t id, body;
        zmq_msg_init(&id);
        if (zmq_msg_recv(&id, h, ZMQ_DONTWAIT) < 0) {
            zmq_msg_close(&id);
            return;
        }
        zmq_msg_init(&body);
        int more = zmq_msg_more(&id);
        if (!more || zmq_msg_recv(&body, h, ZMQ_DONTWAIT) < 0 || zmq_msg_more(&body)) {
            /* drain and drop a malformed multipart */
            while (zmq_msg_more(&body) && zmq_msg_recv(&body, h, ZMQ_DONTWAIT) >= 0)
                ;
            zmq_msg_close(&id);
            zmq_msg_close(&body);
            continue;
        }
        char sender[GV_ADDR_MAX + 1];
        size_t idl = zmq_msg_size(&id);
        if (idl == 0 || idl > GV_ADDR_MAX) {
            zmq_msg_close(&id);
            zmq_msg_close(&body);
            continue;
        }
        memcpy(sender, zmq_msg_data(&id), idl);
        sender[idl] = '\0';
        zmq_msg_close(&id);

        gv_msg_t *m = NULL;
        uint64_t corr = 0;
        char from[GV_ADDR_MAX + 1], err[512];
        int rc = gv_msg_decode(zmq_msg_data(&body), zmq_msg_size(&body), &m, &corr, from,
                               sizeof from, err, sizeof err);
        zmq_msg_close(&body);
        if (rc != 0) {
            gv_warn("rejected message", "sender=%s error=\"%s\"", sender, err);
            gv_buf_t buf;
            if (corr && gv_reply_error_raw(corr, "broker", from[0] ? from : sender, 400,
                                           "bad_message", err, &buf) == 0) {
                s_send_to(b, sender, &buf);
                gv_buf_free(&buf);
            }
            continue;
        }
        bool known = dispatch_peer_seen(b->dispatch, sender);
        const char *type = gv_msg_type(m);
        if (!known && strcmp(type, "heartbeat") == 0)
            s_who(b, sender); /* we restarted, or it was declared lost: ask it to introduce itself */
        if (strcmp(type, "judge.result") == 0)
            dispatch_result(b->dispatch, sender, m);
        if (strcmp(gv_msg_to(m), "broker") == 0)
            s_handle_own(b, sender, m);
        else
            s_route(b, sender, m);
        gv_msg_destroy(&m);
    }
}

/* Event bus: XSUB <-> XPUB in both directions (events down, subscriptions up). */
static void s_proxy(zsock_t *from, zsock_t *to)
{
    void *fh = zsock_resolve(from), *th = zsock_resolve(to);
    for (int burst = 0; burst < 1024; burst++) {
        zmq_msg_t part;
        zmq_msg_init(&part);
        if (zmq_msg_recv(&part, fh, ZMQ_DONTWAIT) < 0) {
            zmq_msg_close(&part);
            return;
        }
        for (;;) {
            int more = zmq_msg_more(&part);
            zmq_msg_send(&part, th, more ? ZMQ_SNDMORE : 0);
            zmq_msg_close(&part);
            if (!more)
                break;
            zmq_msg_init(&part);
            if (zmq_msg_recv(&part, fh, 0) < 0) {
                zmq_msg_close(&part);
                break;
            }
        }
    }
}

static zsock_t *s_bind(const gv_config_t *cfg, zcert_t *cert, int type, const char *endpoint)
{
    zsock_t *s = zsock_new(type);
    if (!s)
        return NULL;
    zcert_apply(cert, s);
    zsock_set_curve_server(s, 1);
    zsock_set_maxmsgsize(s, (int64_t)cfg->max_message_bytes);
    zsock_set_linger(s, 1000);
    zsock_set_sndhwm(s, ROUTER_HWM);
    zsock_set_rcvhwm(s, ROUTER_HWM);
    if (type == ZMQ_ROUTER) {
        zsock_set_router_mandatory(s, 1);
        zsock_set_router_handover(s, 1);
    }
    if (type == ZMQ_XPUB)
        zsock_set_xpub_verbose(s, 1);
    if (zsock_bind(s, "%s", endpoint) < 0) {
        gv_error("cannot bind", "endpoint=%s error=\"%s\"", endpoint, zmq_strerror(zmq_errno()));
        zsock_destroy(&s);
    }
    return s;
}

int main(int argc, char **argv)
{
    gv_cli_t cli;
    int early = gv_cli_parse(argc, argv, GV_ROLE_BROKER, false, &cli);
    if (early >= 0)
        return early;
    gv_config_t *cfg = cli.cfg;
    const gv_node_cfg_t *me = cli.node;
    gv_log_init(me->name);
    zsys_init();
    zsys_set_max_msgsz((int)(cfg->max_message_bytes > INT32_MAX ? INT32_MAX : cfg->max_message_bytes));

    int exit_code = 1;
    broker_t b = {.cfg = cfg, .name = me->name};
    zactor_t *auth = NULL;
    zcert_t *cert = NULL;
    char *run_dir = zsys_sprintf("%s/run", cfg->data_dir);
    char *authorized = zsys_sprintf("%s/keys/authorized", cfg->data_dir);
    char *cert_path = gv_cert_path(cfg, me->name, false);
    if (!run_dir || !authorized || !cert_path)
        goto done;
    if (mkdir(run_dir, 0700) != 0 && errno != EEXIST) {
        gv_error("cannot create run dir", "path=%s error=\"%s\"", run_dir, strerror(errno));
        goto done;
    }
    cert = zcert_load(cert_path);
    if (!cert) {
        gv_error("broker certificate missing", "path=%s hint=\"run ops/gavel up or gavel-keygen\"", cert_path);
        goto done;
    }
    auth = zactor_new(zauth, NULL);
    if (!auth || zstr_sendx(auth, "CURVE", authorized, NULL) != 0 || zsock_wait(auth) != 0) {
        gv_error("cannot start CURVE authentication", "authorized=%s", authorized);
        goto done;
    }
    b.router = s_bind(cfg, cert, ZMQ_ROUTER, me->router_endpoint);
    b.xsub = s_bind(cfg, cert, ZMQ_XSUB, me->pub_endpoint);
    b.xpub = s_bind(cfg, cert, ZMQ_XPUB, me->sub_endpoint);
    uint32_t liveness_ms = cfg->heartbeat_interval_ms * cfg->heartbeat_liveness;
    b.dispatch = dispatch_new(s_send_to, &b, liveness_ms);
    if (!b.router || !b.xsub || !b.xpub || !b.dispatch)
        goto done;
    gv_info("broker up", "router=%s events_in=%s events_out=%s authorized=%s",
            me->router_endpoint, me->pub_endpoint, me->sub_endpoint, authorized);

    gv_writer_t *hw = gv_writer_new("heartbeat", 0, "broker", "*", 0, 0);
    gv_buf_t heartbeat;
    if (!hw || gv_writer_finish(&hw, &heartbeat) != 0)
        goto done;
    uint64_t next_tick = gv_mono_ms() + cfg->heartbeat_interval_ms;
    while (!zsys_interrupted) {
        zmq_pollitem_t items[] = {{zsock_resolve(b.router), 0, ZMQ_POLLIN, 0},
                                  {zsock_resolve(b.xsub), 0, ZMQ_POLLIN, 0},
                                  {zsock_resolve(b.xpub), 0, ZMQ_POLLIN, 0}};
        uint64_t now = gv_mono_ms();
        long wait = now >= next_tick ? 0 : (long)(next_tick - now);
        int rc = zmq_poll(items, 3, wait);
        if (rc < 0) {
            if (zmq_errno() == EINTR)
                continue;
            gv_error("poll failed", "error=\"%s\"", zmq_strerror(zmq_errno()));
            break;
        }
        if (items[0].revents & ZMQ_POLLIN)
            s_on_router(&b);
        if (items[1].revents & ZMQ_POLLIN)
            s_proxy(b.xsub, b.xpub);
        if (items[2].revents & ZMQ_POLLIN)
            s_proxy(b.xpub, b.xsub);
        if (gv_mono_ms() >= next_tick) {
            dispatch_tick(b.dispatch, &heartbeat);
            next_tick = gv_mono_ms() + cfg->heartbeat_interval_ms;
        }
    }
    gv_buf_free(&heartbeat);
    gv_info("broker stopping", "routed=%llu dropped=%llu", (unsigned long long)b.routed,
            (unsigned long long)b.dropped);
    exit_code = 0;
done:
    dispatch_destroy(&b.dispatch);
    zsock_destroy(&b.router);
    zsock_destroy(&b.xsub);
    zsock_destroy(&b.xpub);
    zactor_destroy(&auth);
    zcert_destroy(&cert);
    zstr_free(&run_dir);
    zstr_free(&authorized);
    zstr_free(&cert_path);
    gv_config_destroy(&cfg);
    return exit_code;
}
