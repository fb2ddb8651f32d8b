/*  edge_control — control thread: heartbeat link + cached broker.status (see control.h). */
#include "control.h"

#include "gv_link.h"
#include "gv_log.h"
#include "json_mp.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LOOP_SLICE_MS 100 /* how often the thread looks at the stop flag */
#define LINK_RETRY_MS 1000
#define NODES_JSON_MAX 65536 /* cached nodes object; a bigger one is cut to {} */

struct edge_control {
    const gv_config_t *cfg;
    char name[GV_ADDR_MAX];
    pthread_t thread;
    atomic_bool stop;

    pthread_mutex_t lock; /* guards everything below */
    bool link_alive;
    uint64_t last_answer_mono_ms; /* 0 = never */
    uint64_t judges_connected, queue_depth, inflight;
    edge_buf_t nodes; /* rendered JSON object */
};

static uint64_t s_uint(const msgpack_object *map, const char *key)
{
    const msgpack_object *v = map ? gv_obj_get(map, key) : NULL;
    if (v && v->type == MSGPACK_OBJECT_POSITIVE_INTEGER) return v->via.u64;
    return 0;
}

/* Renders nodes:[{name, role, state}] as {"name":{"role":..,"state":..}}. */
static void s_render_nodes(const msgpack_object *nodes, edge_buf_t *out)
{
    edge_buf_addc(out, '{');
    int n = 0;
    if (nodes && nodes->type == MSGPACK_OBJECT_ARRAY) {
        for (uint32_t i = 0; i < nodes->via.array.size; i++) {
            const msgpack_object *e = &nodes->via.array.ptr[i];
            if (e->type != MSGPACK_OBJECT_MAP) continue;
            const msgpack_object *name = gv_obj_get(e, "name");
            if (!name || name->type != MSGPACK_OBJECT_STR) continue;
            if (n++) edge_buf_addc(out, ',');
            edge_json_str(out, name->via.str.ptr, name->via.str.size);
            edge_buf_add(out, ":{\"role\":", 9);
            const msgpack_object *role = gv_obj_get(e, "role");
            const msgpack_object *state = gv_obj_get(e, "state");
            if (role)
                edge_mp_to_json(out, role);
            else
                edge_buf_add(out, "null", 4);
            edge_buf_add(out, ",\"state\":", 9);
            if (state)
                edge_mp_to_json(out, state);
            else
                edge_buf_add(out, "null", 4);
            edge_buf_addc(out, '}');
        }
    }
    edge_buf_addc(out, '}');
}

static void s_apply_status(edge_control_t *self, const gv_msg_t *reply)
{
    if (gv_reply_status(reply) != 200) {
        gv_warn("broker.status refused", "status=%u", gv_reply_status(reply));
        return;
    }
    const msgpack_object *data = gv_reply_data(reply);
    if (!data || data->type != MSGPACK_OBJECT_MAP) return;
    edge_buf_t nodes;
    edge_buf_init(&nodes, 0);
    s_render_nodes(gv_obj_get(data, "nodes"), &nodes);
    pthread_mutex_lock(&self->lock);
    self->last_answer_mono_ms = gv_mono_ms();
    self->judges_connected = s_uint(data, "judges_connected");
    self->queue_depth = s_uint(data, "queue_depth");
    self->inflight = s_uint(data, "inflight");
    edge_buf_reset(&self->nodes, NODES_JSON_MAX * 2);
    if (!edge_buf_failed(&nodes) && edge_buf_body_len(&nodes) <= NODES_JSON_MAX)
        edge_buf_add(&self->nodes, edge_buf_body(&nodes), edge_buf_body_len(&nodes));
    pthread_mutex_unlock(&self->lock);
    edge_buf_release(&nodes);
}

static void *s_run(void *arg)
{
    edge_control_t *self = arg;
    gv_link_t *link = NULL;
    uint64_t corr = 0, pending = 0, next_poll = 0, link_retry = 0;
    bool was_alive = false;
    while (!atomic_load(&self->stop)) {
        uint64_t now = gv_mono_ms();
        if (!link) {
            if (now < link_retry) {
                zclock_sleep(LOOP_SLICE_MS);
                continue;
            }
            link = gv_link_new(self->cfg, "edge", self->name, self->name, true);
            if (!link) {
                link_retry = now + LINK_RETRY_MS;
                continue;
            }
            gv_info("control link up", "identity=%s", self->name);
        }
        if (now >= next_poll) {
            next_poll = now + EDGE_STATUS_POLL_MS;
            pending = ++corr;
            gv_writer_t *w = gv_writer_new("broker.status", pending, self->name, "broker",
                                           gv_now_ms() + EDGE_STATUS_POLL_MS, 0);
            gv_buf_t buf = {0};
            if (w && gv_writer_finish(&w, &buf) == 0) {
                gv_link_send(link, &buf);
                gv_buf_free(&buf);
            }
        }
        uint64_t wait = next_poll > now ? next_poll - now : 0;
        if (wait > LOOP_SLICE_MS) wait = LOOP_SLICE_MS;
        gv_msg_t *m = gv_link_recv(link, (int)wait);
        if (m) {
            if (strcmp(gv_msg_type(m), "reply") == 0 && gv_msg_corr(m) == pending)
                s_apply_status(self, m);
            gv_msg_destroy(&m);
        }
        bool alive = gv_link_broker_alive(link);
        if (alive != was_alive)
            gv_info(alive ? "broker reachable" : "broker unreachable", "identity=%s", self->name);
        was_alive = alive;
        pthread_mutex_lock(&self->lock);
        self->link_alive = alive;
        pthread_mutex_unlock(&self->lock);
    }
    gv_link_destroy(&link);
    return NULL;
}

edge_control_t *edge_control_new(const gv_config_t *cfg, const char *node_name)
{
    edge_control_t *self = calloc(1, sizeof *self);
    if (!self) return NULL;
    self->cfg = cfg;
    snprintf(self->name, sizeof self->name, "%s", node_name);
    atomic_init(&self->stop, false);
    pthread_mutex_init(&self->lock, NULL);
    edge_buf_init(&self->nodes, 0);
    edge_buf_adds(&self->nodes, "{}");
    if (pthread_create(&self->thread, NULL, s_run, self) != 0) {
        pthread_mutex_destroy(&self->lock);
        edge_buf_release(&self->nodes);
        free(self);
        return NULL;
    }
    return self;
}

void edge_control_destroy(edge_control_t **self_p)
{
    if (!self_p || !*self_p) return;
    edge_control_t *self = *self_p;
    atomic_store(&self->stop, true);
    pthread_join(self->thread, NULL);
    pthread_mutex_destroy(&self->lock);
    edge_buf_release(&self->nodes);
    free(self);
    *self_p = NULL;
}

bool edge_control_broker_up(edge_control_t *self, uint64_t *age_ms)
{
    uint64_t now = gv_mono_ms();
    pthread_mutex_lock(&self->lock);
    uint64_t last = self->last_answer_mono_ms;
    bool alive = self->link_alive;
    pthread_mutex_unlock(&self->lock);
    uint64_t age = last ? now - last : UINT64_MAX;
    if (age_ms) *age_ms = age;
    return alive && age <= EDGE_STATUS_FRESH_MS;
}

void edge_control_gauges(edge_control_t *self, edge_gauges_t *g)
{
    g->broker_up = edge_control_broker_up(self, NULL);
    pthread_mutex_lock(&self->lock);
    g->judges_connected = self->judges_connected;
    g->queue_depth = self->queue_depth;
    g->inflight = self->inflight;
    pthread_mutex_unlock(&self->lock);
}

void edge_control_nodes_json(edge_control_t *self, edge_buf_t *out)
{
    pthread_mutex_lock(&self->lock);
    if (edge_buf_body_len(&self->nodes))
        edge_buf_add(out, edge_buf_body(&self->nodes), edge_buf_body_len(&self->nodes));
    else
        edge_buf_add(out, "{}", 2);
    pthread_mutex_unlock(&self->lock);
}
