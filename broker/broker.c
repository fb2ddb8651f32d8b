/*  gavel-broker — routes envelopes by destination address, balances jobs over judges and runs
 *  the event bus. It holds soft state only (see dispatch.h): kill it at any moment, start it
 *  again, and the nodes rebuild what it knew.
 *
 *  Sockets (all CURVE servers; only certs in <data>/keys/authorized/ are admitted, via zauth):
 *    ROUTER  router_endpoint   requests, replies, heartbeats, jobs (ROUTER_MANDATORY, ZMTP
 *                              heartbeats; no HANDOVER: routes follow accepted hellos)
 *    XSUB    pub_endpoint      actor nodes publish events here
 *    XPUB    sub_endpoint      edges subscribe here
 *
 *  Node identity (keyring.h): zauth only says a key is authorised. Every message on the router
 *  also carries its connection's key ("User-Id"), and passes keyring_check: the key must be
 *  bound to a node of cluster.toml, the routing id must be that node's, and a hello must give
 *  its name and role. A refused message is dropped, logged with the key's fingerprint and
 *  answered with `broker.refused` {reason}; its connection is then shut down. authorized/ is
 *  re-read every heartbeat interval: the peers of a key that disappeared are forgotten and
 *  their connections shut down at once.
 *
 *  Routes: nodes connect as "<name>.<nonce>" (gv_link.h), fresh at each connection, so routing
 *  ids never collide and every hello is judged here. What is addressed to a node goes to the
 *  routing id of its last accepted hello (s_take_route / s_route_id).
 */
#include "dispatch.h"
#include "keyring.h"
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
#include <sys/socket.h>
#include <sys/stat.h>
#include <zmq.h>

#define ROUTER_HWM 200000
#define KICK_DELAY_MS 100          /* lets a refusal reach the peer before its connection goes */
#define KICKS_MAX 64               /* connections waiting to be shut down */
#define REFUSAL_LOG_EVERY_MS 10000 /* the same refusal (key + reason) is logged this often */
#define REFUSAL_LOG_KEYS_MAX 1024  /* refusals remembered for that; beyond, forgotten */
#define PEER_KEY_KEEP_MS (10u * 60u * 1000u) /* a routing id's key is forgotten when silent */
#define PEER_KEY_FSTAT_MS 1000     /* how stale a remembered connection may get */
#define BUS_CONNS_MAX 4096         /* subscriber connections remembered for revocation */

/* The key and connection a routing id last spoke with (for revocation). */
typedef struct {
    char key[KEYRING_KEY_LEN + 1];
    char node[GV_ADDR_MAX + 1];
    int fd;
    ino_t ino;
    uint64_t checked_ms; /* mono ms when fd/ino were last confirmed */
    uint64_t last_ms;    /* mono ms of its last message */
} peer_key_t;

typedef struct {
    int fd;
    ino_t ino;
    uint64_t due_ms;
} kick_t;

typedef struct {
    uint64_t last_ms;
    uint64_t suppressed;
} refusal_log_t;

typedef struct {
    const gv_config_t *cfg;
    const char *name;
    zsock_t *router, *xsub, *xpub;
    dispatch_t *dispatch;
    keyring_t *keyring;
    zhashx_t *peer_keys;    /* routing id -> peer_key_t */
    zhashx_t *routes;       /* node name -> routing id of its last accepted hello */
    zhashx_t *refusal_logs; /* "fingerprint|reason" -> refusal_log_t */
    zhashx_t *bus_conns;    /* "fd:inode" of admitted subscribers -> peer_key_t */
    kick_t kicks[KICKS_MAX];
    size_t n_kicks;
    uint64_t routed, dropped, refused;
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

/* The routing id a message for `name` goes to: for a node of cluster.toml, the connection
 * whose hello was accepted last (nodes connect as "<name>.<nonce>", see s_take_route), or NULL
 * before that: never a connection that merely holds the routing id `name` (it said nothing,
 * so no key was checked). Any other name is a routing id itself (an edge worker's). */
static const char *s_route_id(broker_t *b, const char *name)
{
    const char *identity = zhashx_lookup(b->routes, name);
    if (identity)
        return identity;
    return gv_config_node(b->cfg, name) ? NULL : name;
}

/* Forwards the message's bytes unchanged to the peer that owns `to`. */
static void s_route(broker_t *b, const char *sender, const gv_msg_t *m)
{
    const char *to = gv_msg_to(m);
    const char *owner = gv_config_owner(b->cfg, to);
    const char *target = s_route_id(b, owner ? owner : to);
    size_t len;
    const void *raw = gv_msg_raw(m, &len);
    gv_buf_t buf = {(char *)raw, len, len};
    if (target && s_send_to(b, target, &buf) == 0) {
        b->routed++;
        return;
    }
    b->dropped++;
    gv_warn("unroutable message", "type=%s from=%s to=%s via=%s error=\"%s\"", gv_msg_type(m),
            gv_msg_from(m), to, target ? target : owner ? owner : to,
            target ? zmq_strerror(zmq_errno()) : "the node has not said hello");
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

static void s_free_item(void **item)
{
    free(*item);
    *item = NULL;
}

/* The fd of the connection a message came in on (libzmq's private "__fd" property, what
 * ZMQ_SRCFD reads), or -1. No system call: this runs for every message. */
static int s_msg_fd(zmq_msg_t *msg)
{
    const char *s = zmq_msg_gets(msg, "__fd");
    return s ? atoi(s) : -1;
}

/* The inode of socket fd, so a kick never hits an fd number reused since. 0, or -1 when fd is
 * not a socket. */
static int s_sock_ino(int fd, ino_t *ino)
{
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0 || !S_ISSOCK(st.st_mode))
        return -1;
    *ino = st.st_ino;
    return 0;
}

/* The connection a message came in on: its fd and the socket's inode, or -1. */
static int s_msg_conn(zmq_msg_t *msg, ino_t *ino)
{
    int fd = s_msg_fd(msg);
    return s_sock_ino(fd, ino) == 0 ? fd : -1;
}

/* Shuts a peer's connection down under libzmq, which then drops its pipe (ZeroMQ has no
 * server-side close of one peer). Only when the fd is still the socket we saw. */
static void s_kick_now(int fd, ino_t ino)
{
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0 || !S_ISSOCK(st.st_mode) || st.st_ino != ino)
        return;
    if (shutdown(fd, SHUT_RDWR) != 0)
        gv_debug("cannot shut a refused connection down", "fd=%d error=\"%s\"", fd, strerror(errno));
}

static void s_kick_later(broker_t *b, int fd, ino_t ino)
{
    static bool warned;
    if (fd < 0) {
        if (!warned)
            gv_warn("cannot shut refused connections down: libzmq gives no connection fd "
                    "(its __fd property); their messages are still refused", "%s", "");
        warned = true;
        return;
    }
    for (size_t i = 0; i < b->n_kicks; i++)
        if (b->kicks[i].fd == fd && b->kicks[i].ino == ino)
            return;
    if (b->n_kicks == KICKS_MAX) {
        s_kick_now(fd, ino);
        return;
    }
    b->kicks[b->n_kicks++] = (kick_t){fd, ino, gv_mono_ms() + KICK_DELAY_MS};
}

/* Runs due kicks; returns ms until the next one is due (INT32_MAX when none). */
static long s_run_kicks(broker_t *b)
{
    uint64_t now = gv_mono_ms();
    long next = INT32_MAX;
    for (size_t i = 0; i < b->n_kicks;) {
        if (b->kicks[i].due_ms <= now) {
            s_kick_now(b->kicks[i].fd, b->kicks[i].ino);
            b->kicks[i] = b->kicks[--b->n_kicks];
            continue;
        }
        long left = (long)(b->kicks[i].due_ms - now);
        next = left < next ? left : next;
        i++;
    }
    return next;
}

/* Sends `broker.refused` {reason} to a routing id (which may not be a string). */
static void s_tell_refused(broker_t *b, const void *id, size_t idl, const char *node, const char *why)
{
    gv_writer_t *w = gv_writer_new("broker.refused", 0, "broker", node && *node ? node : "unknown", 0, 1);
    gv_buf_t buf;
    if (!w)
        return;
    gv_pk_kv_str(gv_writer_pk(w), "reason", why);
    if (gv_writer_finish(&w, &buf) != 0)
        return;
    void *h = zsock_resolve(b->router);
    if (zmq_send(h, id, idl, ZMQ_SNDMORE | ZMQ_DONTWAIT) >= 0)
        zmq_send(h, buf.data, buf.size, ZMQ_DONTWAIT);
    gv_buf_free(&buf);
}

/* Drops a message that failed keyring_check: logs it (once per key and reason every
 * REFUSAL_LOG_EVERY_MS) and, for a router peer (id), tells it why and shuts its connection
 * (fd) down shortly. */
static void s_refuse(broker_t *b, const void *id, size_t idl, const char *key, int fd,
                     const char *type, const char *why)
{
    b->refused++;
    char fp[KEYRING_FINGERPRINT + 1], lk[KEYRING_FINGERPRINT + 520];
    keyring_fingerprint(key, fp, sizeof fp);
    const char *node = keyring_node(b->keyring, key, NULL);
    snprintf(lk, sizeof lk, "%s|%s", fp, why);
    refusal_log_t *rl = zhashx_lookup(b->refusal_logs, lk);
    uint64_t now = gv_mono_ms();
    if (!rl) {
        if (zhashx_size(b->refusal_logs) >= REFUSAL_LOG_KEYS_MAX)
            zhashx_purge(b->refusal_logs);
        rl = calloc(1, sizeof *rl);
        if (rl && zhashx_insert(b->refusal_logs, lk, rl) != 0) {
            free(rl);
            rl = NULL;
        }
        if (rl)
            rl->last_ms = now - REFUSAL_LOG_EVERY_MS - 1;
    }
    if (!rl || now - rl->last_ms > REFUSAL_LOG_EVERY_MS) {
        gv_warn("refused message", "key=%s node=%s type=%s suppressed=%llu reason=\"%s\"", fp,
                node ? node : "none", type ? type : "?",
                (unsigned long long)(rl ? rl->suppressed : 0), why);
        if (rl) {
            rl->last_ms = now;
            rl->suppressed = 0;
        }
    } else {
        rl->suppressed++;
    }
    if (!id) return; /* the bus: nothing to tell, nothing to shut down (s_bus_allowed) */
    s_tell_refused(b, id, idl, node, why);
    ino_t ino = 0;
    s_kick_later(b, s_sock_ino(fd, &ino) == 0 ? fd : -1, ino);
}

/* Remembers which key and connection `identity` speaks with, for revocation. */
static void s_note_peer_key(broker_t *b, const char *identity, const char *key, int fd)
{
    uint64_t now = gv_mono_ms();
    peer_key_t *pk = zhashx_lookup(b->peer_keys, identity);
    if (!pk) {
        pk = calloc(1, sizeof *pk);
        if (!pk)
            return;
        if (zhashx_insert(b->peer_keys, identity, pk) != 0) {
            free(pk);
            return;
        }
        pk->fd = -1;
    }
    if (strcmp(pk->key, key) != 0) {
        snprintf(pk->key, sizeof pk->key, "%s", key);
        const char *node = keyring_node(b->keyring, key, NULL);
        snprintf(pk->node, sizeof pk->node, "%s", node ? node : "");
    }
    if (pk->fd != fd || now - pk->checked_ms > PEER_KEY_FSTAT_MS) { /* one fstat a while */
        ino_t ino = 0;
        pk->fd = s_sock_ino(fd, &ino) == 0 ? fd : -1;
        pk->ino = ino;
        pk->checked_ms = now;
    }
    pk->last_ms = now;
}

/* A hello of `node` from `identity` passed keyring_check (the key is the node's): what is
 * addressed to the node goes there from now on. The node's older connection (it reconnected,
 * with a new nonce) is forgotten like a lost peer, its jobs going back to the queue, and shut
 * down. Only a hello under the node's own key moves the route, so an impostor cannot. */
static void s_take_route(broker_t *b, const char *node, const char *identity)
{
    const char *old = zhashx_lookup(b->routes, node);
    if (old && strcmp(old, identity) == 0)
        return;
    if (old) {
        gv_info("node reconnected, route moved", "node=%s old=%s new=%s", node, old, identity);
        dispatch_peer_forget(b->dispatch, old, "replaced by a newer connection of its node");
        peer_key_t *pk = zhashx_lookup(b->peer_keys, old);
        if (pk) {
            s_kick_later(b, pk->fd, pk->ino);
            zhashx_delete(b->peer_keys, old);
        }
    }
    zhashx_update(b->routes, node, (void *)identity);
}

/* Forgets the route of `node` if it is `identity` (whose key was revoked). */
static void s_drop_route(broker_t *b, const char *node, const char *identity)
{
    const char *current = zhashx_lookup(b->routes, node);
    if (current && strcmp(current, identity) == 0)
        zhashx_delete(b->routes, node);
}

/* Re-reads authorized/ and drops the peers whose key is no longer bound to their node. */
static void s_rescan_keys(broker_t *b)
{
    if (keyring_load(b->keyring) < 0)
        return;
    uint64_t now = gv_mono_ms();
    zlistx_t *gone = zlistx_new();
    if (!gone)
        return;
    zlistx_set_duplicator(gone, (zlistx_duplicator_fn *)strdup);
    zlistx_set_destructor(gone, (zlistx_destructor_fn *)zstr_free);
    for (peer_key_t *pk = zhashx_first(b->peer_keys); pk; pk = zhashx_next(b->peer_keys)) {
        const char *identity = zhashx_cursor(b->peer_keys);
        const char *node = keyring_node(b->keyring, pk->key, NULL);
        if (!node || strcmp(node, pk->node) != 0) {
            char fp[KEYRING_FINGERPRINT + 1];
            keyring_fingerprint(pk->key, fp, sizeof fp);
            gv_warn("key revoked, node dropped", "key=%s node=%s identity=%s reason=\"%s\"", fp,
                    pk->node, identity,
                    node ? "the key now belongs to another node"
                         : "its cert left keys/authorized/ (or no longer names a node)");
            dispatch_peer_forget(b->dispatch, identity, "key revoked");
            s_drop_route(b, pk->node, identity);
            s_tell_refused(b, identity, strlen(identity), pk->node,
                           "this node's key was removed from keys/authorized/ on the broker");
            s_kick_later(b, pk->fd, pk->ino);
            zlistx_add_end(gone, (void *)identity);
        } else if (now - pk->last_ms > PEER_KEY_KEEP_MS) {
            zlistx_add_end(gone, (void *)identity);
        }
    }
    for (const char *id = zlistx_first(gone); id; id = zlistx_next(gone))
        zhashx_delete(b->peer_keys, id);
    zlistx_purge(gone);
    /* Subscribers: shut down those of revoked keys; forget connections that closed. */
    for (peer_key_t *pk = zhashx_first(b->bus_conns); pk; pk = zhashx_next(b->bus_conns)) {
        struct stat st;
        bool alive = fstat(pk->fd, &st) == 0 && S_ISSOCK(st.st_mode) && st.st_ino == pk->ino;
        if (alive && !keyring_node(b->keyring, pk->key, NULL)) {
            char fp[KEYRING_FINGERPRINT + 1];
            keyring_fingerprint(pk->key, fp, sizeof fp);
            gv_warn("key revoked, event subscriber dropped", "key=%s", fp);
            s_kick_now(pk->fd, pk->ino);
            alive = false;
        }
        if (!alive)
            zlistx_add_end(gone, (void *)zhashx_cursor(b->bus_conns));
    }
    for (const char *id = zlistx_first(gone); id; id = zlistx_next(gone))
        zhashx_delete(b->bus_conns, id);
    zlistx_destroy(&gone);
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
        /* Who holds the connection, before anything else is believed (keyring.h). */
        char key[KEYRING_KEY_LEN + 1] = "", why[600];
        const char *user_id = zmq_msg_gets(&body, "User-Id");
        if (user_id)
            snprintf(key, sizeof key, "%s", user_id);
        int fd = s_msg_fd(&body);
        size_t idl = zmq_msg_size(&id);
        if (keyring_check(b->keyring, key, zmq_msg_data(&id), idl, false, NULL, NULL, why,
                          sizeof why) != 0) {
            s_refuse(b, zmq_msg_data(&id), idl, key, fd, NULL, why);
            zmq_msg_close(&id);
            zmq_msg_close(&body);
            continue;
        }
        char sender[GV_ADDR_MAX + 1];
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
        const char *type = gv_msg_type(m);
        if (strcmp(type, "hello") == 0 &&
            keyring_check(b->keyring, key, sender, idl, true, gv_msg_str(m, "name"),
                          gv_msg_str(m, "role"), why, sizeof why) != 0) {
            s_refuse(b, sender, idl, key, fd, type, why);
            gv_msg_destroy(&m);
            continue;
        }
        gv_role_t role = GV_ROLE_BROKER;
        const char *node = keyring_node(b->keyring, key, &role);
        if (node && keyring_may_send(role, node, type, why, sizeof why) != 0) {
            s_refuse(b, sender, idl, key, fd, type, why);
            gv_msg_destroy(&m);
            continue;
        }
        s_note_peer_key(b, sender, key, fd);
        if (strcmp(type, "hello") == 0)
            s_take_route(b, node, sender); /* the key's node, which the hello named */
        bool known = dispatch_peer_seen(b->dispatch, sender);
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

/* Whether the bus message whose first part is `part` comes from a key of a `role` node;
 * refusals are logged like the router's. No connection is shut down for it (the peer's libzmq
 * would reconnect at once): what it sends is dropped, and a subscriber gets nothing. */
static bool s_bus_allowed(broker_t *b, zmq_msg_t *part, gv_role_t role, const char *what)
{
    const char *key = zmq_msg_gets(part, "User-Id");
    if (!key)
        return true; /* made by libzmq itself: XPUB's unsubscriptions when a subscriber leaves */
    gv_role_t has;
    const char *node = keyring_node(b->keyring, key, &has);
    if (node && has == role)
        return true;
    char why[300], fp[KEYRING_FINGERPRINT + 1];
    keyring_fingerprint(key, fp, sizeof fp);
    if (node)
        snprintf(why, sizeof why, "key %s belongs to node %s (role %s): only %s nodes may %s", fp,
                 node, gv_role_name(has), gv_role_name(role), what);
    else
        snprintf(why, sizeof why, "key %s is not bound to a node of cluster.toml: it may not %s",
                 fp, what);
    s_refuse(b, NULL, 0, key, -1, "bus", why);
    return false;
}

/* Remembers the connection of an admitted subscriber, to shut it down if its key is revoked. */
static void s_note_bus_conn(broker_t *b, zmq_msg_t *part)
{
    const char *key = zmq_msg_gets(part, "User-Id");
    ino_t ino = 0;
    int fd = s_msg_conn(part, &ino);
    if (!key || fd < 0)
        return;
    char id[48];
    snprintf(id, sizeof id, "%d:%llu", fd, (unsigned long long)ino);
    if (zhashx_lookup(b->bus_conns, id) || zhashx_size(b->bus_conns) >= BUS_CONNS_MAX)
        return;
    peer_key_t *pk = calloc(1, sizeof *pk);
    if (!pk)
        return;
    snprintf(pk->key, sizeof pk->key, "%s", key);
    pk->fd = fd;
    pk->ino = ino;
    if (zhashx_insert(b->bus_conns, id, pk) != 0)
        free(pk);
}

/* Event bus: XSUB <-> XPUB in both directions (events down, subscriptions up). Only actors
 * nodes may publish and only edges may subscribe (a judge's key must not read or forge the
 * events of every contest). */
static void s_proxy(broker_t *b, zsock_t *from, zsock_t *to, gv_role_t allowed, const char *what)
{
    void *fh = zsock_resolve(from), *th = zsock_resolve(to);
    for (int burst = 0; burst < 1024; burst++) {
        zmq_msg_t part;
        zmq_msg_init(&part);
        if (zmq_msg_recv(&part, fh, ZMQ_DONTWAIT) < 0) {
            zmq_msg_close(&part);
            return;
        }
        bool ok = s_bus_allowed(b, &part, allowed, what);
        size_t size = zmq_msg_size(&part);
        const unsigned char *data = zmq_msg_data(&part);
        if (ok && from == b->xpub && size >= 1 && (data[0] == 0 || data[0] == 1) &&
            zmq_msg_gets(&part, "User-Id")) {
            /* XPUB_MANUAL: a subscription counts only once we apply it to its pipe */
            if (zmq_setsockopt(fh, data[0] ? ZMQ_SUBSCRIBE : ZMQ_UNSUBSCRIBE, data + 1, size - 1) != 0)
                gv_warn("cannot apply a subscription", "error=\"%s\"", zmq_strerror(zmq_errno()));
            s_note_bus_conn(b, &part);
        }
        for (;;) {
            int more = zmq_msg_more(&part);
            if (ok)
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
        /* No handover: libzmq's takeover of a routing id in use checks no key. Nodes use a
         * fresh routing id per connection instead, and the route of a node moves only with a
         * hello under its key (s_take_route). ZMTP heartbeats close the pipe of a peer that
         * fell silent after `liveness` intervals. */
        int ivl = (int)cfg->heartbeat_interval_ms;
        int timeout = (int)(cfg->heartbeat_interval_ms * cfg->heartbeat_liveness);
        if (zmq_setsockopt(zsock_resolve(s), ZMQ_HEARTBEAT_IVL, &ivl, sizeof ivl) != 0 ||
            zmq_setsockopt(zsock_resolve(s), ZMQ_HEARTBEAT_TIMEOUT, &timeout, sizeof timeout) != 0)
            gv_warn("cannot enable ZMTP heartbeats; dead connections close only on TCP errors",
                    "error=\"%s\"", zmq_strerror(zmq_errno()));
    }
    if (type == ZMQ_XPUB) {
        zsock_set_xpub_verbose(s, 1);
        /* Subscriptions take effect only when the broker applies them (s_proxy): a key that is
         * not an edge's subscribes to nothing. */
        int manual = 1;
        if (zmq_setsockopt(zsock_resolve(s), ZMQ_XPUB_MANUAL, &manual, sizeof manual) != 0) {
            gv_error("cannot set XPUB_MANUAL", "error=\"%s\"", zmq_strerror(zmq_errno()));
            zsock_destroy(&s);
            return NULL;
        }
    }
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
    b.keyring = keyring_new(cfg, authorized);
    b.peer_keys = zhashx_new();
    b.refusal_logs = zhashx_new();
    b.bus_conns = zhashx_new();
    b.routes = zhashx_new();
    if (!b.keyring || !b.peer_keys || !b.refusal_logs || !b.bus_conns || !b.routes)
        goto done;
    zhashx_set_duplicator(b.routes, (zhashx_duplicator_fn *)strdup);
    zhashx_set_destructor(b.routes, (zhashx_destructor_fn *)zstr_free);
    zhashx_set_destructor(b.bus_conns, s_free_item);
    zhashx_set_destructor(b.peer_keys, s_free_item);
    zhashx_set_destructor(b.refusal_logs, s_free_item);
    int bound = keyring_load(b.keyring);
    if (bound <= 0)
        gv_warn("no authorised key is bound to a node; every node will be refused",
                "authorized=%s hint=\"run ops/gavel up or gavel-keygen to authorise the nodes of cluster.toml\"",
                authorized);
    b.router = s_bind(cfg, cert, ZMQ_ROUTER, me->router_endpoint);
    b.xsub = s_bind(cfg, cert, ZMQ_XSUB, me->pub_endpoint);
    b.xpub = s_bind(cfg, cert, ZMQ_XPUB, me->sub_endpoint);
    uint32_t liveness_ms = cfg->heartbeat_interval_ms * cfg->heartbeat_liveness;
    b.dispatch = dispatch_new(s_send_to, &b, liveness_ms);
    if (!b.router || !b.xsub || !b.xpub || !b.dispatch)
        goto done;
    gv_info("broker up", "router=%s events_in=%s events_out=%s authorized=%s bound_keys=%d",
            me->router_endpoint, me->pub_endpoint, me->sub_endpoint, authorized, bound);

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
        long kick_wait = s_run_kicks(&b);
        if (kick_wait < wait)
            wait = kick_wait;
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
            s_proxy(&b, b.xsub, b.xpub, GV_ROLE_ACTORS, "publish events");
        if (items[2].revents & ZMQ_POLLIN)
            s_proxy(&b, b.xpub, b.xsub, GV_ROLE_EDGE, "subscribe to events");
        if (gv_mono_ms() >= next_tick) {
            s_rescan_keys(&b);
            dispatch_tick(b.dispatch, &heartbeat);
            next_tick = gv_mono_ms() + cfg->heartbeat_interval_ms;
        }
    }
    gv_buf_free(&heartbeat);
    gv_info("broker stopping", "routed=%llu dropped=%llu refused=%llu", (unsigned long long)b.routed,
            (unsigned long long)b.dropped, (unsigned long long)b.refused);
    exit_code = 0;
done:
    dispatch_destroy(&b.dispatch);
    keyring_destroy(&b.keyring);
    zhashx_destroy(&b.peer_keys);
    zhashx_destroy(&b.refusal_logs);
    zhashx_destroy(&b.bus_conns);
    zhashx_destroy(&b.routes);
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
