/*  curve_probe — connects to a cluster's broker with a given CURVE certificate and asks for
 *  broker.status. Exit 0 when the broker answered, 3 when it did not within 2 s (refused).
 *  Used by test_curve.py to prove an unknown key is refused and an authorised one admitted.
 *    curve_probe CONFIG DATA CERT_FILE    (CERT_FILE with its _secret beside it) */
#include "gv_config.h"
#include "gv_link.h"
#include "gv_msg.h"

#include <czmq.h>
#include <stdio.h>
#include <zmq.h>

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: curve_probe CONFIG DATA CERT_FILE\n");
        return 2;
    }
    char err[1024];
    gv_config_t *cfg = gv_config_load(argv[1], argv[2], err, sizeof err);
    if (!cfg) {
        fprintf(stderr, "%s\n", err);
        return 2;
    }
    const gv_node_cfg_t *broker = gv_config_broker(cfg);
    char *bpath = gv_cert_path(cfg, broker->name, false);
    zcert_t *server = zcert_load(bpath), *mine = zcert_load(argv[3]);
    int rc = 2;
    zsock_t *s = zsock_new(ZMQ_DEALER);
    if (!server || !mine || !s) {
        fprintf(stderr, "cannot load certs\n");
        goto done;
    }
    zsock_set_identity(s, "curve-probe");
    zcert_apply(mine, s);
    zsock_set_curve_serverkey(s, zcert_public_txt(server));
    zsock_set_linger(s, 0);
    if (zsock_connect(s, "%s", broker->router_endpoint) != 0)
        goto done;
    gv_writer_t *w = gv_writer_new("broker.status", 1, "curve-probe", "broker", 0, 0);
    gv_buf_t buf;
    if (!w || gv_writer_finish(&w, &buf) != 0)
        goto done;
    zmq_send(zsock_resolve(s), buf.data, buf.size, ZMQ_DONTWAIT);
    gv_buf_free(&buf);
    zmq_pollitem_t it = {zsock_resolve(s), 0, ZMQ_POLLIN, 0};
    rc = zmq_poll(&it, 1, 2000) == 1 ? 0 : 3;
    printf("%s\n", rc == 0 ? "answered" : "no answer (refused)");
done:
    zsock_destroy(&s);
    zcert_destroy(&server);
    zcert_destroy(&mine);
    zstr_free(&bpath);
    gv_config_destroy(&cfg);
    return rc;
}
