/*  edge — the state one gavel-edge process shares between its threads.
 *
 *  Built once by main.c before civetweb starts and read-only afterwards, except for the
 *  members that are thread-safe objects themselves (metrics, limiter, caches, control).
 */
#ifndef EDGE_EDGE_H
#define EDGE_EDGE_H

#include "control.h"
#include "gv_config.h"
#include "gv_token.h"
#include "metrics.h"
#include "pcache.h"
#include "ratelimit.h"

#include <stdatomic.h>
#include <stdint.h>

/* Metric labels: 0..edge_routes_n-1 are the route templates, then "static" (web UI files),
 * then "unmatched" (metrics.h), so main.c passes edge_routes_n + 1 labels. */
#define EDGE_METRIC_STATIC_LABEL "static"

typedef struct edge {
    const gv_config_t *cfg;
    const gv_node_cfg_t *node;
    const char *name; /* this edge's node name */
    uint8_t token_key[GV_TOKEN_KEY_BYTES];
    uint32_t request_timeout_ms; /* how long a worker waits for an actor's reply */
    uint64_t max_body_bytes;
    uint64_t max_source_bytes;
    uint32_t token_ttl_s;

    edge_metrics_t *metrics;
    edge_ratelimit_t *logins; /* failed logins per client address */
    edge_pcache_t *problems;  /* problems known to exist */
    edge_control_t *control;  /* NULL in unit tests */
    struct edge_live *live;   /* the /api/v1/live hub (live.h); NULL in unit tests */
    struct edge_budget *budget; /* stream budget, per-address caps (budget.h); NULL: none */
    struct edge_web *web;     /* the web UI's files (webui.h); NULL when not built */
    const char *web_root;     /* where they were looked for, for the 404 that says so */
    atomic_uint worker_seq;   /* numbers worker identities "<name>.w<N>" */
} edge_t;

#endif
