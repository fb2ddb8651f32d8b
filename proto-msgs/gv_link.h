/*  gv_link — a node's connection to the broker: DEALER over CURVE, with heartbeats both ways
 *  and reconnection (Paranoid Pirate).
 *
 *  Every node but the broker talks to the cluster through one gv_link per thread (ZeroMQ
 *  sockets are not thread-safe). A link with heartbeats on:
 *    - sends `hello` {role, name, pid, host} when it connects and whenever the broker asks
 *      (`broker.who`, after a broker restart), and then raises the "reintroduce" flag so the
 *      owner can re-send what the broker must know again (a judge's READY, the judge queue's
 *      unfinished jobs);
 *    - sends `heartbeat` every interval and treats any message from the broker as a sign of
 *      life; after `liveness` silent intervals it drops the socket and reconnects, waiting
 *      1 s, doubling up to 32 s between attempts.
 *  A link with heartbeats off (an edge worker thread) is a plain CURVE DEALER.
 *
 *  Every socket it makes has ZMQ_MAXMSGSIZE set from cluster.toml, a bounded linger (so
 *  queued replies are not dropped at exit) and the node's CURVE client keys.
 */
#ifndef GV_LINK_H
#define GV_LINK_H

#include "gv_config.h"
#include "gv_msg.h"

#include <czmq.h>
#include <stdbool.h>

typedef struct gv_link gv_link_t;

/* role: "actors" | "edge" | "judge"; cert_name: the node's name in cluster.toml (its keys are
 * <data>/keys/<cert_name>.cert[_secret]); identity: the node name, or "<edge>.w<N>.<nonce>" for
 * edge workers. A heartbeat link connects with the routing id "<identity>.<nonce>", a fresh
 * nonce per connection (gv_routing_id), so no other connection, ours or an impostor's, can
 * hold it and the broker judges every hello by its key; the broker routes what is addressed
 * to the node to the connection whose hello it accepted last. A link with heartbeats off uses
 * identity as it is. Returns NULL (with a log line) if keys are missing. */
gv_link_t *gv_link_new(const gv_config_t *cfg, const char *role, const char *cert_name,
                       const char *identity, bool heartbeat);
void gv_link_destroy(gv_link_t **self_p);

/* Sends one encoded message. 0 or -1. The buffer stays the caller's. */
int gv_link_send(gv_link_t *self, const gv_buf_t *buf);
int gv_link_send_raw(gv_link_t *self, const void *data, size_t len);

/* Waits up to timeout_ms (-1 forever is not allowed on heartbeat links: use a bound) for the
 * next application message; handles heartbeats, `broker.who` and reconnection inside. Returns
 * a decoded message the caller destroys, or NULL on timeout. Messages that fail to decode are
 * logged and dropped (an error reply is sent when the sender can be named). */
gv_msg_t *gv_link_recv(gv_link_t *self, int timeout_ms);

/* True once after each (re)connection or broker.who: the owner should re-announce. */
bool gv_link_take_reintroduce(gv_link_t *self);
/* True while the broker is answering heartbeats (always true with heartbeats off). */
bool gv_link_broker_alive(const gv_link_t *self);
/* The underlying socket; it changes after a reconnect, so fetch it again after each recv. */
zsock_t *gv_link_sock(gv_link_t *self);
/* The current routing id (it changes at each reconnection of a heartbeat link). */
const char *gv_link_identity(const gv_link_t *self);

#define GV_ROUTING_NONCE_BYTES 8 /* random bytes (hex in the id) after a node's name */
/* Writes "<base>.<16 random hex digits>" to out. 0, or -1 when it does not fit. */
int gv_routing_id(const char *base, char *out, size_t out_len);

/* Applies CURVE client options (this node's keys + the broker's public key) and the size cap
 * to any socket that connects to the broker (PUB to the event bus, SUB from it). 0 / -1. */
int gv_curve_client(zsock_t *sock, const gv_config_t *cfg, const char *cert_name);
/* Paths of a node's cert files; caller frees. */
char *gv_cert_path(const gv_config_t *cfg, const char *name, bool secret);

#endif
