/*  Operations endpoints: GET /healthz and GET /metrics. Both answer from what this process
 *  already knows (the control thread's cached broker.status, the metrics counters) and never
 *  wait for another node. */
#include "budget.h"
#include "json_mp.h"
#include "live.h"
#include "routes.h"

void edge_route_healthz(edge_req_t *r)
{
    edge_control_t *ctl = r->edge->control;
    uint64_t age_ms = UINT64_MAX;
    if (!ctl || !edge_control_broker_up(ctl, &age_ms)) {
        if (age_ms == UINT64_MAX)
            edge_req_error(r, 503, "unavailable", "this edge has not reached the broker yet");
        else
            edge_req_error(r, 503, "unavailable",
                           "the broker has not answered this edge for %llu ms",
                           (unsigned long long)age_ms);
        return;
    }
    edge_buf_t *out = edge_req_out(r);
    edge_buf_reset(out, EDGE_BUF_KEEP);
    edge_buf_adds(out, "{\"status\":\"ok\",\"edge\":");
    edge_json_cstr(out, r->edge->name);
    edge_buf_adds(out, ",\"nodes\":");
    edge_control_nodes_json(ctl, out);
    edge_buf_addc(out, '}');
    r->status = 200;
}

void edge_route_metrics(edge_req_t *r)
{
    edge_gauges_t g = {0};
    if (r->edge->control) edge_control_gauges(r->edge->control, &g);
    if (r->edge->live) {
        edge_live_stats_t ls;
        edge_live_stats(r->edge->live, &ls);
        g.live_clients = ls.clients;
        g.live_dropped_slow = ls.dropped_slow;
    }
    if (r->edge->budget) {
        edge_budget_stats_t bs;
        edge_budget_stats(r->edge->budget, &bs);
        g.streams = bs.streams;
        g.streams_refused = bs.streams_refused;
        g.conns_refused = bs.connections_refused;
    }
    edge_buf_t *out = edge_req_out(r);
    edge_buf_reset(out, EDGE_BUF_KEEP);
    edge_metrics_render(r->edge->metrics, &g, out);
    r->status = 200;
    r->content_type = EDGE_METRICS_CONTENT_TYPE;
}
