/*  edge_control — the edge's control thread: its own link to the broker and a cached view of
 *  the cluster.
 *
 *  The thread owns one gv_link with heartbeats ON, identity = role-level node name ("edge-1"),
 *  role "edge": it is how the broker knows this edge is alive. Every EDGE_STATUS_POLL_MS it
 *  asks `broker` for `broker.status` and caches the answer (nodes, judges_connected,
 *  queue_depth, inflight) for GET /healthz and GET /metrics, so neither costs a round trip.
 *  The broker counts as up while the link's heartbeats are answered and the last status
 *  answer is younger than EDGE_STATUS_FRESH_MS.
 *
 *  All getters are thread-safe (a mutex guards the cached snapshot; it is held only to copy).
 */
#ifndef EDGE_CONTROL_H
#define EDGE_CONTROL_H

#include "buf.h"
#include "gv_config.h"
#include "metrics.h"

#include <stdbool.h>
#include <stdint.h>

#define EDGE_STATUS_POLL_MS 1000
#define EDGE_STATUS_FRESH_MS 3500

typedef struct edge_control edge_control_t;

/* Starts the thread. NULL if the thread cannot start (a missing link is retried inside). */
edge_control_t *edge_control_new(const gv_config_t *cfg, const char *node_name);
/* Stops the thread (within ~100 ms), closes its link. */
void edge_control_destroy(edge_control_t **self_p);

/* True when the broker answered recently; *age_ms = ms since the last answer (UINT64_MAX if
 * never). */
bool edge_control_broker_up(edge_control_t *self, uint64_t *age_ms);
void edge_control_gauges(edge_control_t *self, edge_gauges_t *g);
/* Appends {"<name>":{"role":..,"state":..},...} from the last status. */
void edge_control_nodes_json(edge_control_t *self, edge_buf_t *out);

#endif
