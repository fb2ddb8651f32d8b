/*  edge metrics: exposition format, counters by (route, method, status), cumulative histogram
 *  buckets, gauges, and concurrent recording. */
#include "gv_test.h"
#include "metrics.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static const char *const labels[] = {"/api/v1/submissions", "/api/v1/problems/{id}"};

static char *s_render(edge_metrics_t *m, const edge_gauges_t *g)
{
    edge_buf_t b;
    edge_buf_init(&b, 0);
    edge_metrics_render(m, g, &b);
    char *s = strdup(edge_buf_cstr(&b));
    edge_buf_release(&b);
    return s;
}

/* The value on the line that starts with `series ` (exact series text), or -1. */
static double s_value(const char *text, const char *series)
{
    size_t n = strlen(series);
    for (const char *p = text; p && *p;) {
        if (strncmp(p, series, n) == 0 && p[n] == ' ') return strtod(p + n + 1, NULL);
        p = strchr(p, '\n');
        if (p) p++;
    }
    return -1;
}

static void counters_are_labelled_by_template_method_and_status(void)
{
    edge_metrics_t *m = edge_metrics_new(labels, 2);
    edge_metrics_observe(m, 0, EDGE_POST, 202, 800);
    edge_metrics_observe(m, 0, EDGE_POST, 202, 1200);
    edge_metrics_observe(m, 0, EDGE_POST, 413, 100);
    edge_metrics_observe(m, 1, EDGE_GET, 404, 100);
    edge_metrics_observe(m, 2, EDGE_GET, 404, 100);  /* unmatched */
    edge_metrics_observe(m, 99, EDGE_GET, 404, 100); /* out of range -> unmatched */
    edge_gauges_t g = {0};
    char *t = s_render(m, &g);
    CHECK(s_value(t, "gavel_http_requests_total{route=\"/api/v1/submissions\",method=\"POST\","
                     "status=\"202\"}") == 2);
    CHECK(s_value(t, "gavel_http_requests_total{route=\"/api/v1/submissions\",method=\"POST\","
                     "status=\"413\"}") == 1);
    CHECK(s_value(t, "gavel_http_requests_total{route=\"/api/v1/problems/{id}\",method=\"GET\","
                     "status=\"404\"}") == 1);
    CHECK(s_value(t, "gavel_http_requests_total{route=\"unmatched\",method=\"GET\","
                     "status=\"404\"}") == 2);
    CHECK_CONTAINS(t, "# TYPE gavel_http_requests_total counter\n");
    CHECK(strstr(t, "status=\"200\"") == NULL); /* zero series are not printed */
    free(t);
    edge_metrics_destroy(&m);
    CHECK(m == NULL);
}

static void histogram_buckets_are_cumulative(void)
{
    edge_metrics_t *m = edge_metrics_new(labels, 2);
    edge_metrics_observe(m, 0, EDGE_POST, 202, 400);      /* <= 0.0005 */
    edge_metrics_observe(m, 0, EDGE_POST, 202, 500);      /* <= 0.0005 (bounds inclusive) */
    edge_metrics_observe(m, 0, EDGE_POST, 202, 3000);     /* <= 0.005 */
    edge_metrics_observe(m, 0, EDGE_POST, 202, 20000000); /* +Inf only */
    edge_gauges_t g = {0};
    char *t = s_render(m, &g);
#define B(le)                                                                                      \
    "gavel_http_request_duration_seconds_bucket{route=\"/api/v1/submissions\",le=\"" le "\"}"
    CHECK(s_value(t, B("0.0005")) == 2);
    CHECK(s_value(t, B("0.001")) == 2);
    CHECK(s_value(t, B("0.0025")) == 2);
    CHECK(s_value(t, B("0.005")) == 3);
    CHECK(s_value(t, B("10")) == 3);
    CHECK(s_value(t, B("+Inf")) == 4);
#undef B
    CHECK(s_value(t, "gavel_http_request_duration_seconds_count{route=\"/api/v1/submissions\"}") ==
          4);
    double sum =
        s_value(t, "gavel_http_request_duration_seconds_sum{route=\"/api/v1/submissions\"}");
    CHECK(sum > 20.0038 && sum < 20.0040);
    CHECK_CONTAINS(t, "# TYPE gavel_http_request_duration_seconds histogram\n");
    /* the route with no requests has no histogram */
    CHECK(strstr(t, "_bucket{route=\"/api/v1/problems/{id}\"") == NULL);
    /* buckets are printed in increasing order, each le once */
    size_t nb;
    const double *bounds = edge_metrics_buckets(&nb);
    CHECK(nb >= 10);
    for (size_t i = 1; i < nb; i++)
        CHECK(bounds[i] > bounds[i - 1]);
    free(t);
    edge_metrics_destroy(&m);
}

static void gauges_are_always_present(void)
{
    edge_metrics_t *m = edge_metrics_new(labels, 2);
    edge_gauges_t g = {.broker_up = true, .queue_depth = 7, .judges_connected = 3, .inflight = 2,
                       .live_clients = 41, .live_dropped_slow = 5};
    char *t = s_render(m, &g);
    CHECK(s_value(t, "gavel_queue_depth") == 7);
    CHECK(s_value(t, "gavel_judges_connected") == 3);
    CHECK(s_value(t, "gavel_jobs_inflight") == 2);
    CHECK(s_value(t, "gavel_broker_up") == 1);
    CHECK(s_value(t, "gavel_live_clients") == 41);
    CHECK(s_value(t, "gavel_live_dropped_slow_total") == 5);
    CHECK_CONTAINS(t, "# TYPE gavel_live_clients gauge\n");
    CHECK_CONTAINS(t, "# TYPE gavel_live_dropped_slow_total counter\n");
    CHECK_CONTAINS(t, "# TYPE gavel_broker_up gauge\n");
    free(t);
    g.broker_up = false;
    t = s_render(m, &g);
    CHECK(s_value(t, "gavel_broker_up") == 0);
    free(t);
    edge_metrics_destroy(&m);
}

/* Every line is a comment (# HELP / # TYPE) or `name{labels} value` / `name value`. */
static void every_line_follows_the_text_format(void)
{
    edge_metrics_t *m = edge_metrics_new(labels, 2);
    for (int s = 100; s < 600; s += 37)
        edge_metrics_observe(m, (size_t)s % 3, (edge_method_t)(s % EDGE_N_METHODS), s,
                             (uint64_t)s * 97);
    edge_metrics_observe(m, 0, EDGE_GET, 42, 1); /* bogus status is clamped, not dropped */
    edge_gauges_t g = {0};
    char *t = s_render(m, &g);
    CHECK(t[strlen(t) - 1] == '\n');
    int lines = 0;
    for (char *line = strtok(t, "\n"); line; line = strtok(NULL, "\n")) {
        lines++;
        if (line[0] == '#') {
            CHECK(strncmp(line, "# HELP gavel_", 13) == 0 ||
                  strncmp(line, "# TYPE gavel_", 13) == 0);
            continue;
        }
        CHECK(strncmp(line, "gavel_", 6) == 0);
        char *sp = strrchr(line, ' ');
        CHECK(sp != NULL);
        if (!sp) continue;
        char *end = NULL;
        strtod(sp + 1, &end);
        CHECK(end && *end == '\0');
        char *brace = strchr(line, '{');
        if (brace && brace < sp) CHECK(sp[-1] == '}');
    }
    CHECK(lines > 20);
    free(t);
    edge_metrics_destroy(&m);
}

static edge_metrics_t *s_shared;
static void *s_hammer(void *arg)
{
    (void)arg;
    for (int i = 0; i < 100000; i++)
        edge_metrics_observe(s_shared, 0, EDGE_POST, 202, (uint64_t)(i % 5000));
    return NULL;
}

static void concurrent_observations_are_not_lost(void)
{
    s_shared = edge_metrics_new(labels, 2);
    pthread_t th[4];
    for (int i = 0; i < 4; i++)
        pthread_create(&th[i], NULL, s_hammer, NULL);
    for (int i = 0; i < 4; i++)
        pthread_join(th[i], NULL);
    edge_gauges_t g = {0};
    char *t = s_render(s_shared, &g);
    CHECK(s_value(t, "gavel_http_requests_total{route=\"/api/v1/submissions\",method=\"POST\","
                     "status=\"202\"}") == 400000);
    CHECK(s_value(t, "gavel_http_request_duration_seconds_count{route=\"/api/v1/submissions\"}") ==
          400000);
    free(t);
    edge_metrics_destroy(&s_shared);
}

int main(void)
{
    RUN(counters_are_labelled_by_template_method_and_status);
    RUN(histogram_buckets_are_cumulative);
    RUN(gauges_are_always_present);
    RUN(every_line_follows_the_text_format);
    RUN(concurrent_observations_are_not_lost);
    return TEST_SUMMARY();
}
