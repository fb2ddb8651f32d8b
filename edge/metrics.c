/*  edge_metrics — lock-free request metrics (see metrics.h). */
#include "metrics.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#define STATUS_MIN 100
#define STATUS_N 500 /* 100..599 */

/* Latency bucket bounds: sub-millisecond to 10 s, in µs and in seconds for the labels. */
static const uint64_t s_bucket_us[] = {500,    1000,   2500,   5000,    10000,   25000,   50000,
                                       100000, 250000, 500000, 1000000, 2500000, 5000000, 10000000};
static const double s_bucket_s[] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                    0.1,    0.25,  0.5,    1,     2.5,  5,     10};
static const char *const s_bucket_label[] = {"0.0005", "0.001", "0.0025", "0.005", "0.01",
                                             "0.025",  "0.05",  "0.1",    "0.25",  "0.5",
                                             "1",      "2.5",   "5",      "10"};
#define N_BUCKETS (sizeof s_bucket_us / sizeof s_bucket_us[0])

typedef struct {
    atomic_uint_fast64_t count[N_BUCKETS + 1]; /* per bucket (not cumulative); last = +Inf */
    atomic_uint_fast64_t sum_us;
} hist_t;

struct edge_metrics {
    const char *const *labels;
    size_t n_labels; /* routes + 1 ("unmatched") */
    hist_t hist[EDGE_METRICS_MAX_ROUTES + 1];
    /* [route][method][status - 100] */
    atomic_uint_fast64_t requests[EDGE_METRICS_MAX_ROUTES + 1][EDGE_N_METHODS][STATUS_N];
};

const double *edge_metrics_buckets(size_t *n)
{
    *n = N_BUCKETS;
    return s_bucket_s;
}

edge_metrics_t *edge_metrics_new(const char *const *labels, size_t n)
{
    if (n > EDGE_METRICS_MAX_ROUTES) return NULL;
    edge_metrics_t *self = calloc(1, sizeof *self); /* zeroed atomics are valid zeros */
    if (!self) return NULL;
    self->labels = labels;
    self->n_labels = n + 1;
    return self;
}

void edge_metrics_destroy(edge_metrics_t **self_p)
{
    if (self_p && *self_p) {
        free(*self_p);
        *self_p = NULL;
    }
}

void edge_metrics_observe(edge_metrics_t *self, size_t route, edge_method_t method, int status,
                          uint64_t duration_us)
{
    if (!self) return;
    if (route >= self->n_labels) route = self->n_labels - 1;
    if ((unsigned)method >= EDGE_N_METHODS) method = EDGE_OTHER;
    if (status < STATUS_MIN || status >= STATUS_MIN + STATUS_N) status = STATUS_MIN + STATUS_N - 1;
    atomic_fetch_add_explicit(&self->requests[route][method][status - STATUS_MIN], 1,
                              memory_order_relaxed);
    size_t b = 0;
    while (b < N_BUCKETS && duration_us > s_bucket_us[b])
        b++;
    hist_t *h = &self->hist[route];
    atomic_fetch_add_explicit(&h->count[b], 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&h->sum_us, duration_us, memory_order_relaxed);
}

static const char *s_label(const edge_metrics_t *self, size_t route)
{
    return route + 1 < self->n_labels ? self->labels[route] : "unmatched";
}

/* Label values escape \, " and newline (exposition format). */
static void s_label_value(edge_buf_t *b, const char *v)
{
    edge_buf_addc(b, '"');
    for (; *v; v++) {
        if (*v == '\\' || *v == '"') edge_buf_addc(b, '\\');
        if (*v == '\n') {
            edge_buf_add(b, "\\n", 2);
            continue;
        }
        edge_buf_addc(b, *v);
    }
    edge_buf_addc(b, '"');
}

void edge_metrics_render(edge_metrics_t *self, const edge_gauges_t *g, edge_buf_t *out)
{
    edge_buf_adds(out, "# HELP gavel_http_requests_total HTTP requests answered by this edge.\n"
                       "# TYPE gavel_http_requests_total counter\n");
    for (size_t r = 0; r < self->n_labels; r++)
        for (int m = 0; m < EDGE_N_METHODS; m++)
            for (int s = 0; s < STATUS_N; s++) {
                uint64_t v = atomic_load_explicit(&self->requests[r][m][s], memory_order_relaxed);
                if (!v) continue;
                edge_buf_adds(out, "gavel_http_requests_total{route=");
                s_label_value(out, s_label(self, r));
                edge_buf_addf(out, ",method=\"%s\",status=\"%d\"} ", edge_method_name(m),
                              s + STATUS_MIN);
                edge_buf_add_u64(out, v);
                edge_buf_addc(out, '\n');
            }

    edge_buf_adds(out, "# HELP gavel_http_request_duration_seconds Time from request to "
                       "response, by route.\n"
                       "# TYPE gavel_http_request_duration_seconds histogram\n");
    for (size_t r = 0; r < self->n_labels; r++) {
        hist_t *h = &self->hist[r];
        uint64_t counts[N_BUCKETS + 1], total = 0;
        for (size_t b = 0; b <= N_BUCKETS; b++) {
            counts[b] = atomic_load_explicit(&h->count[b], memory_order_relaxed);
            total += counts[b];
        }
        if (!total) continue;
        uint64_t cum = 0;
        for (size_t b = 0; b <= N_BUCKETS; b++) {
            cum += counts[b];
            edge_buf_adds(out, "gavel_http_request_duration_seconds_bucket{route=");
            s_label_value(out, s_label(self, r));
            edge_buf_addf(out, ",le=\"%s\"} ", b < N_BUCKETS ? s_bucket_label[b] : "+Inf");
            edge_buf_add_u64(out, cum);
            edge_buf_addc(out, '\n');
        }
        uint64_t sum_us = atomic_load_explicit(&h->sum_us, memory_order_relaxed);
        edge_buf_adds(out, "gavel_http_request_duration_seconds_sum{route=");
        s_label_value(out, s_label(self, r));
        edge_buf_addf(out, "} %llu.%06llu\n", (unsigned long long)(sum_us / 1000000),
                      (unsigned long long)(sum_us % 1000000));
        edge_buf_adds(out, "gavel_http_request_duration_seconds_count{route=");
        s_label_value(out, s_label(self, r));
        edge_buf_addf(out, "} %llu\n", (unsigned long long)total);
    }

    edge_buf_addf(out,
                  "# HELP gavel_queue_depth Jobs waiting for a judge (as the broker last said).\n"
                  "# TYPE gavel_queue_depth gauge\n"
                  "gavel_queue_depth %llu\n"
                  "# HELP gavel_judges_connected Judges connected to the broker.\n"
                  "# TYPE gavel_judges_connected gauge\n"
                  "gavel_judges_connected %llu\n"
                  "# HELP gavel_jobs_inflight Jobs running on judges.\n"
                  "# TYPE gavel_jobs_inflight gauge\n"
                  "gavel_jobs_inflight %llu\n"
                  "# HELP gavel_broker_up 1 when this edge reaches the broker.\n"
                  "# TYPE gavel_broker_up gauge\n"
                  "gavel_broker_up %d\n"
                  "# HELP gavel_live_clients Open live-feed (WebSocket) connections on this edge.\n"
                  "# TYPE gavel_live_clients gauge\n"
                  "gavel_live_clients %llu\n"
                  "# HELP gavel_live_dropped_slow_total Live clients closed with 4001 (too slow).\n"
                  "# TYPE gavel_live_dropped_slow_total counter\n"
                  "gavel_live_dropped_slow_total %llu\n",
                  (unsigned long long)g->queue_depth, (unsigned long long)g->judges_connected,
                  (unsigned long long)g->inflight, g->broker_up ? 1 : 0,
                  (unsigned long long)g->live_clients, (unsigned long long)g->live_dropped_slow);
    edge_buf_addf(out,
                  "# HELP gavel_streams Event-feed streams and live WebSockets open on this "
                  "edge (one budget, max_streams).\n"
                  "# TYPE gavel_streams gauge\n"
                  "gavel_streams %llu\n"
                  "# HELP gavel_streams_refused_total Streams answered 503: the budget or the "
                  "client address's share was full.\n"
                  "# TYPE gavel_streams_refused_total counter\n"
                  "gavel_streams_refused_total %llu\n"
                  "# HELP gavel_connections_refused_total Connections refused before their "
                  "request: their address had max_connections_per_address, or their request "
                  "head was late while the edge was busy.\n"
                  "# TYPE gavel_connections_refused_total counter\n"
                  "gavel_connections_refused_total %llu\n",
                  (unsigned long long)g->streams, (unsigned long long)g->streams_refused,
                  (unsigned long long)g->conns_refused);
}
