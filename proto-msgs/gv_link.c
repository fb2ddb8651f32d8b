/*  gv_link — DEALER link to the broker with CURVE, heartbeats and reconnection (gv_link.h).
 *
 *  Liveness follows the Paranoid Pirate pattern: any message from the broker proves it alive;
 *  after `liveness` intervals of silence the socket is dropped (discarding whatever was queued
 *  for a dead peer) and a new one is made after a back-off of 1 s, doubling to 32 s. Because
 *  ZeroMQ reconnects TCP/IPC by itself, a broker that restarts quickly is noticed differently:
 *  it does not know us, answers our heartbeat with `broker.who`, and we introduce ourselves
 *  again. Both paths raise the "reintroduce" flag for the owner.
 */
#include "gv_link.h"
#include "gv_log.h"

#include <errno.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zmq.h>

#define BACKOFF_MIN_MS 1000
#define BACKOFF_MAX_MS 32000
#define LINK_HWM 100000
#define LINK_LINGER_MS 2000

struct gv_link {
    const gv_config_t *cfg;
    char *role, *cert_name, *identity;
    char routing_id[GV_ADDR_MAX + 1]; /* identity, or identity.<nonce> on heartbeat links */
    bool heartbeat;
    zsock_t *sock;
    uint64_t last_recv;    /* mono ms of the last message from the broker */
    uint64_t next_beat;    /* mono ms when the next heartbeat is due */
    uint64_t reconnect_at; /* mono ms; only meaningful while sock == NULL */
    uint32_t backoff_ms;
    bool reintroduce;
    bool alive;
};

int gv_routing_id(const char *base, char *out, size_t out_len)
{
    unsigned char nonce[GV_ROUTING_NONCE_BYTES];
    if (sodium_init() < 0)
        return -1;
    randombytes_buf(nonce, sizeof nonce);
    int n = snprintf(out, out_len, "%s.", base);
    if (n < 0 || (size_t)n + 2 * sizeof nonce >= out_len)
        return -1;
    sodium_bin2hex(out + n, out_len - (size_t)n, nonce, sizeof nonce);
    return 0;
}

char *gv_cert_path(const gv_config_t *cfg, const char *name, bool secret)
{
    return zsys_sprintf("%s/keys/%s.cert%s", cfg->data_dir, name, secret ? "_secret" : "");
}

int gv_curve_client(zsock_t *sock, const gv_config_t *cfg, const char *cert_name)
{
    const gv_node_cfg_t *broker = gv_config_broker(cfg);
    if (!broker)
        return -1;
    char *mine = gv_cert_path(cfg, cert_name, false);
    char *theirs = gv_cert_path(cfg, broker->name, false);
    int rc = -1;
    zcert_t *cert = mine ? zcert_load(mine) : NULL; /* loads <path>_secret when present */
    zcert_t *server = theirs ? zcert_load(theirs) : NULL;
    if (!cert || !server) {
        gv_error("missing CURVE certificate", "cert=%s broker_cert=%s hint=\"run ops/gavel up (or gavel-keygen) to create keys\"",
                 mine ? mine : "?", theirs ? theirs : "?");
        goto done;
    }
    static const char zeros[41] = "0000000000000000000000000000000000000000";
    if (strcmp(zcert_secret_txt(cert), zeros) == 0) {
        gv_error("CURVE secret key missing", "cert=%s_secret", mine);
        goto done;
    }
    zcert_apply(cert, sock);
    zsock_set_curve_serverkey(sock, zcert_public_txt(server));
    zsock_set_maxmsgsize(sock, (int64_t)cfg->max_message_bytes);
    zsock_set_linger(sock, LINK_LINGER_MS);
    rc = 0;
done:
    zcert_destroy(&cert);
    zcert_destroy(&server);
    zstr_free(&mine);
    zstr_free(&theirs);
    return rc;
}

static int s_send_hello(gv_link_t *self)
{
    char host[256] = "";
    if (gethostname(host, sizeof host - 1) != 0)
        host[0] = '\0';
    gv_writer_t *w = gv_writer_new("hello", 0, self->routing_id, "broker", 0, 4);
    if (!w)
        return -1;
    msgpack_packer *pk = gv_writer_pk(w);
    gv_pk_kv_str(pk, "role", self->role);
    gv_pk_kv_str(pk, "name", self->cert_name);
    gv_pk_kv_uint(pk, "pid", (uint64_t)getpid());
    gv_pk_kv_str(pk, "host", host);
    gv_buf_t buf;
    if (gv_writer_finish(&w, &buf) != 0)
        return -1;
    int rc = gv_link_send(self, &buf);
    gv_buf_free(&buf);
    return rc;
}

static int s_connect(gv_link_t *self)
{
    const gv_node_cfg_t *broker = gv_config_broker(self->cfg);
    zsock_t *s = zsock_new(ZMQ_DEALER);
    if (!s || !broker)
        goto fail;
    /* A fresh routing id per connection: it never collides with a lingering pipe of ours or
     * with anyone else's, so the broker sees (and judges by key) every hello (keyring.h). */
    int len = snprintf(self->routing_id, sizeof self->routing_id, "%s", self->identity);
    bool made = len >= 0 && (size_t)len < sizeof self->routing_id;
    if (self->heartbeat)
        made = gv_routing_id(self->identity, self->routing_id, sizeof self->routing_id) == 0;
    if (!made) {
        gv_error("cannot make a routing id", "identity=%s max_chars=%d hint=\"use a shorter node "
                 "name in cluster.toml\"", self->identity, GV_ADDR_MAX);
        goto fail;
    }
    zsock_set_identity(s, self->routing_id);
    zsock_set_sndhwm(s, LINK_HWM);
    zsock_set_rcvhwm(s, LINK_HWM);
    if (gv_curve_client(s, self->cfg, self->cert_name) != 0)
        goto fail;
    if (zsock_connect(s, "%s", broker->router_endpoint) != 0) {
        gv_error("cannot connect to broker", "endpoint=%s error=\"%s\"", broker->router_endpoint,
                 zmq_strerror(zmq_errno()));
        goto fail;
    }
    self->sock = s;
    uint64_t now = gv_mono_ms();
    self->last_recv = now;
    self->next_beat = now + self->cfg->heartbeat_interval_ms;
    if (self->heartbeat) {
        s_send_hello(self);
        self->reintroduce = true;
    }
    return 0;
fail:
    zsock_destroy(&s);
    return -1;
}

gv_link_t *gv_link_new(const gv_config_t *cfg, const char *role, const char *cert_name,
                       const char *identity, bool heartbeat)
{
    gv_link_t *self = calloc(1, sizeof *self);
    if (!self)
        return NULL;
    self->cfg = cfg;
    self->role = strdup(role);
    self->cert_name = strdup(cert_name);
    self->identity = strdup(identity);
    self->heartbeat = heartbeat;
    self->backoff_ms = BACKOFF_MIN_MS;
    self->alive = !heartbeat;
    if (!self->role || !self->cert_name || !self->identity || s_connect(self) != 0) {
        gv_link_destroy(&self);
        return NULL;
    }
    return self;
}

void gv_link_destroy(gv_link_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    gv_link_t *self = *self_p;
    zsock_destroy(&self->sock);
    free(self->role);
    free(self->cert_name);
    free(self->identity);
    free(self);
    *self_p = NULL;
}

int gv_link_send_raw(gv_link_t *self, const void *data, size_t len)
{
    if (!self->sock)
        return -1;
    void *h = zsock_resolve(self->sock);
    if (zmq_send(h, data, len, ZMQ_DONTWAIT) < 0) {
        gv_warn("send to broker failed", "identity=%s error=\"%s\"", self->routing_id,
                zmq_strerror(zmq_errno()));
        return -1;
    }
    return 0;
}

int gv_link_send(gv_link_t *self, const gv_buf_t *buf)
{
    return gv_link_send_raw(self, buf->data, buf->size);
}

static void s_send_heartbeat(gv_link_t *self)
{
    gv_writer_t *w = gv_writer_new("heartbeat", 0, self->routing_id, "broker", 0, 0);
    gv_buf_t buf;
    if (w && gv_writer_finish(&w, &buf) == 0) {
        gv_link_send(self, &buf);
        gv_buf_free(&buf);
    }
}

/* Heartbeat and reconnection bookkeeping; returns ms until it next needs to run. */
static int64_t s_tick(gv_link_t *self)
{
    if (!self->heartbeat)
        return INT32_MAX;
    uint64_t now = gv_mono_ms();
    uint32_t iv = self->cfg->heartbeat_interval_ms;
    if (!self->sock) {
        if (now >= self->reconnect_at) {
            gv_info("reconnecting to broker", "identity=%s", self->identity);
            if (s_connect(self) != 0)
                self->reconnect_at = now + self->backoff_ms;
        }
        return self->sock ? (int64_t)iv : (int64_t)(self->reconnect_at - now);
    }
    if (now - self->last_recv > (uint64_t)iv * self->cfg->heartbeat_liveness) {
        gv_warn("broker silent, dropping connection", "identity=%s silent_ms=%llu retry_in_ms=%u",
                self->routing_id, (unsigned long long)(now - self->last_recv), self->backoff_ms);
        /* close at once (what is queued was for a dead broker); the next connection has a
         * routing id of its own, so it does not wait for the broker to drop this one */
        zsock_set_linger(self->sock, 0);
        zsock_destroy(&self->sock);
        self->alive = false;
        self->reconnect_at = now + self->backoff_ms;
        self->backoff_ms = self->backoff_ms * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : self->backoff_ms * 2;
        return (int64_t)(self->reconnect_at - now);
    }
    if (now >= self->next_beat) {
        s_send_heartbeat(self);
        self->next_beat = now + iv;
    }
    return (int64_t)(self->next_beat - now);
}

gv_msg_t *gv_link_recv(gv_link_t *self, int timeout_ms)
{
    uint64_t deadline = gv_mono_ms() + (uint64_t)(timeout_ms < 0 ? 0 : timeout_ms);
    for (;;) {
        int64_t wait = s_tick(self);
        uint64_t now = gv_mono_ms();
        int64_t left = now >= deadline ? 0 : (int64_t)(deadline - now);
        if (wait > left)
            wait = left;
        if (wait < 0)
            wait = 0;
        if (!self->sock) {
            if (left == 0)
                return NULL;
            zclock_sleep((int)wait);
            if (zsys_interrupted)
                return NULL;
            continue;
        }
        zmq_pollitem_t item = {zsock_resolve(self->sock), 0, ZMQ_POLLIN, 0};
        int rc = zmq_poll(&item, 1, (long)wait);
        if (rc < 0) {
            if (zmq_errno() == EINTR && !zsys_interrupted)
                continue;
            return NULL;
        }
        if (rc == 0) {
            if (gv_mono_ms() >= deadline)
                return NULL;
            continue;
        }
        zmq_msg_t zm;
        zmq_msg_init(&zm);
        if (zmq_msg_recv(&zm, item.socket, ZMQ_DONTWAIT) < 0) {
            zmq_msg_close(&zm);
            continue;
        }
        self->last_recv = gv_mono_ms();
        self->backoff_ms = BACKOFF_MIN_MS;
        self->alive = true;
        gv_msg_t *m = NULL;
        uint64_t corr = 0;
        char from[GV_ADDR_MAX + 1], err[512];
        int drc = gv_msg_decode(zmq_msg_data(&zm), zmq_msg_size(&zm), &m, &corr, from, sizeof from,
                                err, sizeof err);
        zmq_msg_close(&zm);
        if (drc != 0) {
            gv_warn("dropped undecodable message", "identity=%s from=%s error=\"%s\"", self->routing_id,
                    from[0] ? from : "?", err);
            if (corr && from[0]) {
                gv_buf_t buf;
                if (gv_reply_error_raw(corr, self->routing_id, from, 400, "bad_message", err, &buf) == 0) {
                    gv_link_send(self, &buf);
                    gv_buf_free(&buf);
                }
            }
            continue;
        }
        const char *type = gv_msg_type(m);
        if (strcmp(type, "heartbeat") == 0) {
            gv_msg_destroy(&m);
            continue;
        }
        if (strcmp(type, "broker.refused") == 0) { /* our key is not this node's (broker/keyring.h) */
            const char *reason = gv_msg_str(m, "reason");
            gv_error("the broker refused this node", "identity=%s reason=\"%s\" hint=\"check that "
                     "keys/authorized/ on the broker holds this node's cert\"",
                     self->routing_id, reason ? reason : "?");
            gv_msg_destroy(&m);
            continue;
        }
        if (strcmp(type, "broker.who") == 0) {
            gv_msg_destroy(&m);
            if (self->heartbeat) {
                gv_info("broker asked who we are; introducing again", "identity=%s", self->routing_id);
                s_send_hello(self);
                self->reintroduce = true;
            }
            continue;
        }
        return m;
    }
}

bool gv_link_take_reintroduce(gv_link_t *self)
{
    bool r = self->reintroduce;
    self->reintroduce = false;
    return r;
}

bool gv_link_broker_alive(const gv_link_t *self)
{
    return self->alive && self->sock != NULL;
}

zsock_t *gv_link_sock(gv_link_t *self)
{
    return self->sock;
}

const char *gv_link_identity(const gv_link_t *self)
{
    return self->routing_id;
}
