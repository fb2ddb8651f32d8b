/*  edge_rpc — request/reply to an actor address over one worker thread's gv_link.
 *
 *  One edge_rpc per civetweb worker thread (ZeroMQ sockets are not thread-safe): its link is
 *  a DEALER with heartbeats off and the routing identity "<edge>.w<N>", so the broker sends
 *  replies straight back to the thread that asked.
 *
 *  A call is two steps, so the caller packs the body with the ordinary gv_pk_* helpers:
 *      gv_writer_t *w = edge_rpc_begin(rpc, "problems", "problems.get", 1);
 *      gv_pk_kv_uint(gv_writer_pk(w), "id", 42);
 *      gv_msg_t *reply = NULL;
 *      edge_rpc_rc_t rc = edge_rpc_call(rpc, &w, &reply);
 *  begin stamps a fresh correlation id and the deadline (now + request_timeout_ms) into the
 *  envelope; call sends, then waits until that deadline for the reply whose corr matches.
 *  Replies with other correlation ids (answers to calls that already timed out) and messages
 *  that are not replies are dropped. If the link could not be made (keys missing, broker
 *  endpoint bad), every call fails with EDGE_RPC_NO_LINK and the link is retried at most once
 *  per second.
 */
#ifndef EDGE_RPC_H
#define EDGE_RPC_H

#include "gv_config.h"
#include "gv_msg.h"

#include <stdint.h>

typedef struct edge_rpc edge_rpc_t;

typedef enum {
    EDGE_RPC_OK = 0,
    EDGE_RPC_TIMEOUT, /* no reply before the deadline */
    EDGE_RPC_NO_LINK, /* no link to the broker */
    EDGE_RPC_FAILED,  /* encoding or sending failed */
} edge_rpc_rc_t;

/* cert_name: the edge node's name (its CURVE keys); identity: "<edge>.w<N>". The link is
 * made here; on failure the object still exists and retries later. NULL only on OOM. */
edge_rpc_t *edge_rpc_new(const gv_config_t *cfg, const char *cert_name, const char *identity,
                         uint32_t timeout_ms);
void edge_rpc_destroy(edge_rpc_t **self_p);
const char *edge_rpc_identity(const edge_rpc_t *self);

/* Starts a request envelope to `to` with exactly body_fields body fields. NULL on OOM. */
gv_writer_t *edge_rpc_begin(edge_rpc_t *self, const char *to, const char *type,
                            uint32_t body_fields);
/* Sends the message begun with edge_rpc_begin (consumes *w_p) and waits for its reply,
 * which the caller destroys. */
edge_rpc_rc_t edge_rpc_call(edge_rpc_t *self, gv_writer_t **w_p, gv_msg_t **reply);

#endif
