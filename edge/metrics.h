/*  edge_metrics — request counters and latency histograms in Prometheus text format.
 *
 *  Counters are plain relaxed atomics indexed by (route label, method, status), so recording
 *  a request takes no lock. Route labels are templates ("/api/v1/problems/{id}"), never raw
 *  paths; one extra label, "unmatched", counts requests that matched no route.
 *  Rendering (GET /metrics) reads the atomics without stopping writers: a scrape may see a
 *  request in one series and not yet in another, which Prometheus tolerates; the histogram's
 *  _count is derived from its buckets so those always agree.
 *
 *  Exposition format 0.0.4:
 *    gavel_http_requests_total{route,method,status}          counter
 *    gavel_http_request_duration_seconds{route} _bucket/_sum/_count   histogram
 *    gavel_queue_depth, gavel_judges_connected, gavel_jobs_inflight, gavel_broker_up  gauges
 */
#ifndef EDGE_METRICS_H
#define EDGE_METRICS_H

#include "buf.h"
#include "router.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define EDGE_METRICS_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"
#define EDGE_METRICS_MAX_ROUTES 128

typedef struct edge_metrics edge_metrics_t;

/* labels[i] is route i's label (strings must outlive the object); n <= MAX_ROUTES. */
edge_metrics_t *edge_metrics_new(const char *const *labels, size_t n);
void edge_metrics_destroy(edge_metrics_t **self_p);

/* route: 0..n-1, or n for "unmatched". status: 100..599 (others are counted as 599). */
void edge_metrics_observe(edge_metrics_t *self, size_t route, edge_method_t method, int status,
                          uint64_t duration_us);

typedef struct {
    bool broker_up;
    uint64_t queue_depth;
    uint64_t judges_connected;
    uint64_t inflight;
    uint64_t live_clients;      /* open /api/v1/live connections on this edge */
    uint64_t live_dropped_slow; /* live clients closed with 4001 since start (a counter) */
    /* budget.h */
    uint64_t streams;             /* event feeds + live WebSockets open now */
    uint64_t streams_refused;     /* answered 503 (budget or address full), a counter */
    uint64_t conns_refused;       /* connections over their address's cap, a counter */
} edge_gauges_t;

void edge_metrics_render(edge_metrics_t *self, const edge_gauges_t *g, edge_buf_t *out);

/* Bucket upper bounds in seconds (for tests). */
const double *edge_metrics_buckets(size_t *n);

#endif
