/*  edge_rpc — synchronous request/reply over a worker's gv_link (see rpc.h). */
#include "rpc.h"

#include "gv_link.h"
#include "gv_log.h"

#include <stdlib.h>
#include <string.h>

#define LINK_RETRY_MS 1000

struct edge_rpc {
    const gv_config_t *cfg;
    char cert_name[GV_ADDR_MAX];
    char identity[GV_ADDR_MAX];
    gv_link_t *link;
    uint64_t link_retry_at_ms; /* monotonic */
    uint32_t timeout_ms;
    uint64_t next_corr;
    /* the call begun last */
    uint64_t corr;
    uint64_t deadline_mono_ms;
    char to[GV_ADDR_MAX];
};

static void s_connect(edge_rpc_t *self)
{
    uint64_t now = gv_mono_ms();
    if (self->link || now < self->link_retry_at_ms) return;
    self->link = gv_link_new(self->cfg, "edge", self->cert_name, self->identity, false);
    if (!self->link) {
        self->link_retry_at_ms = now + LINK_RETRY_MS;
        gv_warn("worker link failed", "identity=%s retry_ms=%d", self->identity, LINK_RETRY_MS);
    }
}

edge_rpc_t *edge_rpc_new(const gv_config_t *cfg, const char *cert_name, const char *identity,
                         uint32_t timeout_ms)
{
    edge_rpc_t *self = calloc(1, sizeof *self);
    if (!self) return NULL;
    self->cfg = cfg;
    snprintf(self->cert_name, sizeof self->cert_name, "%s", cert_name);
    snprintf(self->identity, sizeof self->identity, "%s", identity);
    self->timeout_ms = timeout_ms;
    self->next_corr = 1;
    s_connect(self);
    return self;
}

void edge_rpc_destroy(edge_rpc_t **self_p)
{
    if (!self_p || !*self_p) return;
    edge_rpc_t *self = *self_p;
    gv_link_destroy(&self->link);
    free(self);
    *self_p = NULL;
}

const char *edge_rpc_identity(const edge_rpc_t *self)
{
    return self->identity;
}

gv_writer_t *edge_rpc_begin(edge_rpc_t *self, const char *to, const char *type,
                            uint32_t body_fields)
{
    self->corr = self->next_corr++;
    self->deadline_mono_ms = gv_mono_ms() + self->timeout_ms;
    snprintf(self->to, sizeof self->to, "%s", to);
    return gv_writer_new(type, self->corr, self->identity, to, gv_now_ms() + self->timeout_ms,
                         body_fields);
}

edge_rpc_rc_t edge_rpc_call(edge_rpc_t *self, gv_writer_t **w_p, gv_msg_t **reply)
{
    *reply = NULL;
    if (!w_p || !*w_p) return EDGE_RPC_FAILED;
    gv_buf_t buf = {0};
    if (gv_writer_finish(w_p, &buf) != 0) {
        gv_error("encode failed", "identity=%s to=%s corr=%llu", self->identity, self->to,
                 (unsigned long long)self->corr);
        return EDGE_RPC_FAILED;
    }
    s_connect(self);
    if (!self->link) {
        gv_buf_free(&buf);
        return EDGE_RPC_NO_LINK;
    }
    int rc = gv_link_send(self->link, &buf);
    gv_buf_free(&buf);
    if (rc != 0) {
        gv_warn("send failed", "identity=%s to=%s corr=%llu", self->identity, self->to,
                (unsigned long long)self->corr);
        return EDGE_RPC_FAILED;
    }
    for (;;) {
        uint64_t now = gv_mono_ms();
        if (now >= self->deadline_mono_ms) break;
        gv_msg_t *m = gv_link_recv(self->link, (int)(self->deadline_mono_ms - now));
        if (!m) continue; /* timeout slice or dropped garbage: the loop re-checks the deadline */
        if (gv_msg_corr(m) == self->corr && strcmp(gv_msg_type(m), "reply") == 0) {
            *reply = m;
            return EDGE_RPC_OK;
        }
        gv_debug("stale message dropped", "identity=%s type=%s corr=%llu want=%llu", self->identity,
                 gv_msg_type(m), (unsigned long long)gv_msg_corr(m),
                 (unsigned long long)self->corr);
        gv_msg_destroy(&m);
    }
    gv_warn("no reply in time", "identity=%s to=%s corr=%llu timeout_ms=%u", self->identity,
            self->to, (unsigned long long)self->corr, self->timeout_ms);
    return EDGE_RPC_TIMEOUT;
}
