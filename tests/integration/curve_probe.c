/*  curve_probe — connects to a cluster's broker with a given CURVE certificate.
 *
 *    curve_probe CONFIG DATA CERT_FILE    (CERT_FILE with its _secret beside it)
 *      asks for broker.status from the routing id "<cert's node name>.curve-probe". Exit 0 when
 *      the broker answered, 3 when it did not within 2 s (CURVE refused the key), 4 when it
 *      answered `broker.refused`. Used by test_curve.py to prove an unknown key is refused and
 *      an authorised one admitted.
 *
 *    curve_probe CONFIG DATA CERT_FILE IDENTITY NAME ROLE [HOLD_MS]
 *      plays a node: connects with routing id IDENTITY, says hello as NAME with ROLE, then for
 *      HOLD_MS (default 2000) sends a heartbeat every 250 ms and reads what the broker sends.
 *      Exit 4 when the broker refused it (`broker.refused`, reason printed), 0 when it was
 *      admitted (a heartbeat came back and no refusal), 3 when nothing came back.
 *
 *    curve_probe CONFIG DATA CERT_FILE --request TYPE TO
 *      sends an empty-bodied request TYPE to address TO (as "<name>.curve-probe"). Exit 0 when
 *      a reply came, 4 when the broker answered `broker.refused`, 3 when nothing came in 5 s.
 *
 *    curve_probe CONFIG DATA CERT_FILE --squat IDENTITY HOLD_MS
 *      holds a connection with routing id IDENTITY for HOLD_MS without sending anything (so no
 *      key is ever checked) and prints how many messages reached it. Exit 0.
 *
 *    curve_probe CONFIG DATA CERT_FILE --subscribe HOLD_MS
 *      subscribes to every event on the broker's event bus for HOLD_MS and prints how many it
 *      got. Exit 0 when it got at least one, 3 when none.
 */
#include "gv_config.h"
#include "gv_link.h"
#include "gv_msg.h"

#include <czmq.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zmq.h>

#define PROBE_BEAT_MS 250

static int s_send(zsock_t *s, gv_writer_t *w)
{
    gv_buf_t buf;
    if (!w || gv_writer_finish(&w, &buf) != 0)
        return -1;
    int rc = zmq_send(zsock_resolve(s), buf.data, buf.size, ZMQ_DONTWAIT) < 0 ? -1 : 0;
    gv_buf_free(&buf);
    return rc;
}

static int s_play_node(zsock_t *s, const char *identity, const char *name, const char *role,
                       int hold_ms)
{
    gv_writer_t *w = gv_writer_new("hello", 0, identity, "broker", 0, 3);
    if (!w)
        return 2;
    gv_pk_kv_str(gv_writer_pk(w), "role", role);
    gv_pk_kv_str(gv_writer_pk(w), "name", name);
    gv_pk_kv_uint(gv_writer_pk(w), "pid", (uint64_t)getpid());
    if (s_send(s, w) != 0)
        return 2;
    bool admitted = false, refused = false;
    int64_t end = zclock_mono() + hold_ms, next_beat = zclock_mono() + PROBE_BEAT_MS;
    while (zclock_mono() < end) {
        int64_t wait = next_beat - zclock_mono();
        zmq_pollitem_t it = {zsock_resolve(s), 0, ZMQ_POLLIN, 0};
        if (zmq_poll(&it, 1, wait > 0 ? (long)wait : 0) == 1) {
            zmq_msg_t zm;
            zmq_msg_init(&zm);
            if (zmq_msg_recv(&zm, it.socket, 0) >= 0) {
                gv_msg_t *m = NULL;
                char err[256];
                if (gv_msg_decode(zmq_msg_data(&zm), zmq_msg_size(&zm), &m, NULL, NULL, 0, err,
                                  sizeof err) == 0) {
                    const char *type = gv_msg_type(m);
                    if (strcmp(type, "broker.refused") == 0) {
                        const char *reason = gv_msg_str(m, "reason");
                        printf("refused: %s\n", reason ? reason : "?");
                        refused = true;
                    } else if (strcmp(type, "heartbeat") == 0 && !admitted) {
                        printf("admitted (the broker answered with a heartbeat)\n");
                        admitted = true;
                    }
                    gv_msg_destroy(&m);
                } else {
                    printf("undecodable message from the broker: %s\n", err);
                }
            }
            zmq_msg_close(&zm);
        }
        if (zclock_mono() >= next_beat) {
            s_send(s, gv_writer_new("heartbeat", 0, identity, "broker", 0, 0));
            next_beat = zclock_mono() + PROBE_BEAT_MS;
        }
    }
    if (refused)
        return 4;
    if (admitted)
        return 0;
    printf("no answer\n");
    return 3;
}

static int s_subscribe(const gv_node_cfg_t *broker, zcert_t *mine, zcert_t *server, int hold_ms)
{
    zsock_t *sub = zsock_new(ZMQ_SUB);
    if (!sub)
        return 2;
    zcert_apply(mine, sub);
    zsock_set_curve_serverkey(sub, zcert_public_txt(server));
    zsock_set_linger(sub, 0);
    zsock_set_subscribe(sub, "");
    int got = 0;
    if (zsock_connect(sub, "%s", broker->sub_endpoint) == 0) {
        int64_t end = zclock_mono() + hold_ms;
        while (zclock_mono() < end) {
            zmq_pollitem_t it = {zsock_resolve(sub), 0, ZMQ_POLLIN, 0};
            if (zmq_poll(&it, 1, (long)(end - zclock_mono())) != 1)
                continue;
            zmq_msg_t zm;
            zmq_msg_init(&zm);
            if (zmq_msg_recv(&zm, it.socket, 0) >= 0 && !zmq_msg_more(&zm))
                got++; /* count whole messages: [topic][envelope] */
            zmq_msg_close(&zm);
        }
    }
    printf("events received: %d\n", got);
    zsock_destroy(&sub);
    return got > 0 ? 0 : 3;
}

int main(int argc, char **argv)
{
    bool subscribe = argc == 6 && strcmp(argv[4], "--subscribe") == 0;
    bool request = argc == 7 && strcmp(argv[4], "--request") == 0;
    bool squat = argc == 7 && strcmp(argv[4], "--squat") == 0;
    if (argc != 4 && argc != 7 && argc != 8 && !subscribe) {
        fprintf(stderr, "usage: curve_probe CONFIG DATA CERT_FILE [IDENTITY NAME ROLE [HOLD_MS] | "
                        "--request TYPE TO | --squat IDENTITY HOLD_MS | --subscribe HOLD_MS]\n");
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
    /* By default a routing id the cert's node may use ("<name>.curve-probe"). */
    char own[160];
    const char *meta = zcert_meta(mine, "name");
    snprintf(own, sizeof own, "%s%scurve-probe", meta ? meta : "", meta ? "." : "");
    const char *identity = squat ? argv[5] : argc > 4 && !request ? argv[4] : own;
    if (subscribe) {
        rc = s_subscribe(broker, mine, server, atoi(argv[5]));
        goto done;
    }
    zsock_set_identity(s, identity);
    zcert_apply(mine, s);
    zsock_set_curve_serverkey(s, zcert_public_txt(server));
    zsock_set_linger(s, 0);
    if (zsock_connect(s, "%s", broker->router_endpoint) != 0)
        goto done;
    if (squat) {
        int got = 0;
        int64_t end = zclock_mono() + atoi(argv[6]);
        while (zclock_mono() < end && !zsys_interrupted) { /* SIGTERM ends it early */
            zmq_pollitem_t it = {zsock_resolve(s), 0, ZMQ_POLLIN, 0};
            if (zmq_poll(&it, 1, (long)(end - zclock_mono())) != 1)
                continue;
            zmq_msg_t zm;
            zmq_msg_init(&zm);
            got += zmq_msg_recv(&zm, it.socket, 0) >= 0;
            zmq_msg_close(&zm);
        }
        printf("held routing id %s; messages received: %d\n", identity, got);
        rc = 0;
        goto done;
    }
    if (argc > 4 && !request) {
        rc = s_play_node(s, identity, argv[5], argv[6], argc > 7 ? atoi(argv[7]) : 2000);
        goto done;
    }
    gv_writer_t *w = gv_writer_new(request ? argv[5] : "broker.status", 1, identity,
                                   request ? argv[6] : "broker", 0, 0);
    if (s_send(s, w) != 0)
        goto done;
    zmq_pollitem_t it = {zsock_resolve(s), 0, ZMQ_POLLIN, 0};
    rc = zmq_poll(&it, 1, request ? 5000 : 2000) == 1 ? 0 : 3;
    zmq_msg_t zm;
    zmq_msg_init(&zm);
    if (rc == 0 && zmq_msg_recv(&zm, it.socket, 0) >= 0) {
        gv_msg_t *m = NULL;
        char derr[256];
        if (gv_msg_decode(zmq_msg_data(&zm), zmq_msg_size(&zm), &m, NULL, NULL, 0, derr,
                          sizeof derr) == 0) {
            if (strcmp(gv_msg_type(m), "broker.refused") == 0) {
                const char *reason = gv_msg_str(m, "reason");
                printf("refused: %s\n", reason ? reason : "?");
                rc = 4;
            } else {
                printf("%s status=%u\n", gv_msg_type(m), gv_reply_status(m));
            }
            gv_msg_destroy(&m);
        }
    }
    zmq_msg_close(&zm);
    printf("%s\n", rc == 0 ? "answered" : rc == 4 ? "refused by the broker" : "no answer (refused)");
done:
    zsock_destroy(&s);
    zcert_destroy(&server);
    zcert_destroy(&mine);
    zstr_free(&bpath);
    gv_config_destroy(&cfg);
    return rc;
}
