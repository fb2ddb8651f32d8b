/*  node_loop — the actor node's socket side: receive, batch, commit, then send.
 *
 *  One thread. It blocks for at most NODE_POLL_MS (less when a timer is due) for the first
 *  message, drains whatever else is already queued up to NODE_BATCH_MAX messages or
 *  NODE_BATCH_MAX_BYTES, hands the batch to node_handle_batch() (one fsync), and only then
 *  sends the outbox: replies and requests on the broker link, events on the PUB socket
 *  connected to the broker's event bus. The gv_link raises "reintroduce" on the first
 *  connection and whenever the broker comes back; the next batch then runs every actor's
 *  on_reintroduce hook (the judge queue re-offers its unfinished jobs).
 */
#include "node.h"

#include "gv_link.h"
#include "gv_log.h"

#include <czmq.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#define NODE_PUB_HWM 100000
#define NODE_PUB_LINGER_MS 2000

static zsock_t *s_pub_new(const gv_config_t *cfg, const char *name)
{
    const gv_node_cfg_t *broker = gv_config_broker(cfg);
    zsock_t *pub = zsock_new(ZMQ_PUB);
    if (!pub || !broker) goto fail;
    zsock_set_sndhwm(pub, NODE_PUB_HWM);
    if (gv_curve_client(pub, cfg, name) != 0) goto fail;
    zsock_set_linger(pub, NODE_PUB_LINGER_MS);
    if (zsock_connect(pub, "%s", broker->pub_endpoint) != 0) {
        gv_error("cannot connect to the event bus", "endpoint=%s error=\"%s\"",
                 broker->pub_endpoint, zmq_strerror(zmq_errno()));
        goto fail;
    }
    return pub;
fail:
    zsock_destroy(&pub);
    return NULL;
}

static void s_flush(outbox_t *out, gv_link_t *link, zsock_t *pub)
{
    void *ph = zsock_resolve(pub);
    for (size_t i = 0; i < outbox_size(out); i++) {
        const outbox_item_t *it = outbox_item(out, i);
        if (it->kind == OUTBOX_SEND) {
            gv_link_send(link, &it->buf); /* logs its own failure */
            continue;
        }
        if (zmq_send(ph, it->topic, strlen(it->topic), ZMQ_SNDMORE | ZMQ_DONTWAIT) < 0 ||
            zmq_send(ph, it->buf.data, it->buf.size, ZMQ_DONTWAIT) < 0)
            gv_warn("event not published", "topic=%s error=\"%s\"", it->topic,
                    zmq_strerror(zmq_errno()));
    }
    outbox_clear(out);
}

int node_run(node_t *self, const gv_config_t *cfg)
{
    int rc = -1;
    const char *name = node_name(self);
    gv_msg_t **batch = calloc(NODE_BATCH_MAX, sizeof *batch);
    gv_link_t *link = gv_link_new(cfg, "actors", name, name, true);
    zsock_t *pub = link ? s_pub_new(cfg, name) : NULL;
    if (!batch || !link || !pub) {
        gv_error("actor node cannot connect to the broker", "%s", "");
        goto done;
    }
    gv_info("actor node running", "%s", "");
    while (!zsys_interrupted) {
        size_t n = 0, bytes = 0;
        gv_msg_t *m = gv_link_recv(link, node_ms_until_tick(self));
        while (m) {
            size_t len;
            gv_msg_raw(m, &len);
            batch[n++] = m;
            bytes += len;
            if (n == NODE_BATCH_MAX || bytes >= NODE_BATCH_MAX_BYTES) break;
            m = gv_link_recv(link, 0);
        }
        if (gv_link_take_reintroduce(link)) node_request_reintroduce(self);
        node_handle_batch(self, batch, n);
        s_flush(node_outbox(self), link, pub);
        for (size_t i = 0; i < n; i++)
            gv_msg_destroy(&batch[i]);
    }
    gv_info("actor node stopping", "%s", "");
    rc = 0;
done:
    zsock_destroy(&pub);
    gv_link_destroy(&link);
    free(batch);
    return rc;
}
