/*  edge_pcache — TTL positive cache of ids (see pcache.h). */
#include "pcache.h"

#include "gv_log.h"
#include "gv_msg.h"

#include <pthread.h>
#include <stdlib.h>

#define STRIPES 64

typedef struct {
    uint64_t id;
    uint64_t expires_ms; /* 0 = empty */
} slot_t;

struct edge_pcache {
    pthread_mutex_t locks[STRIPES];
    slot_t *slots;
    size_t n;
    uint32_t ttl_ms;
};

edge_pcache_t *edge_pcache_new(size_t slots, uint32_t ttl_ms)
{
    if (slots == 0) return NULL;
    edge_pcache_t *self = calloc(1, sizeof *self);
    if (!self) return NULL;
    self->slots = calloc(slots, sizeof *self->slots);
    if (!self->slots) {
        free(self);
        return NULL;
    }
    self->n = slots;
    self->ttl_ms = ttl_ms;
    for (int i = 0; i < STRIPES; i++)
        pthread_mutex_init(&self->locks[i], NULL);
    return self;
}

void edge_pcache_destroy(edge_pcache_t **self_p)
{
    if (!self_p || !*self_p) return;
    edge_pcache_t *self = *self_p;
    for (int i = 0; i < STRIPES; i++)
        pthread_mutex_destroy(&self->locks[i]);
    free(self->slots);
    free(self);
    *self_p = NULL;
}

static size_t s_index(const edge_pcache_t *self, uint64_t id)
{
    uint64_t h = id * 0x9E3779B97F4A7C15ull; /* Fibonacci hashing spreads sequential ids */
    return (size_t)((h >> 32) % self->n);
}

bool edge_pcache_has(edge_pcache_t *self, uint64_t id, uint64_t now_ms)
{
    size_t i = s_index(self, id);
    pthread_mutex_t *lock = &self->locks[i % STRIPES];
    pthread_mutex_lock(lock);
    bool hit = self->slots[i].expires_ms > now_ms && self->slots[i].id == id;
    pthread_mutex_unlock(lock);
    return hit;
}

void edge_pcache_put(edge_pcache_t *self, uint64_t id, uint64_t now_ms)
{
    size_t i = s_index(self, id);
    pthread_mutex_t *lock = &self->locks[i % STRIPES];
    pthread_mutex_lock(lock);
    self->slots[i].id = id;
    self->slots[i].expires_ms = now_ms + self->ttl_ms;
    pthread_mutex_unlock(lock);
}

void edge_pcache_drop(edge_pcache_t *self, uint64_t id)
{
    size_t i = s_index(self, id);
    pthread_mutex_t *lock = &self->locks[i % STRIPES];
    pthread_mutex_lock(lock);
    if (self->slots[i].id == id) self->slots[i].expires_ms = 0;
    pthread_mutex_unlock(lock);
}

void edge_pcache_put_visible(edge_pcache_t *self, uint64_t id, const msgpack_object *problem)
{
    if (!problem || problem->type != MSGPACK_OBJECT_MAP) return;
    const msgpack_object *hidden = gv_obj_get(problem, "hidden");
    if (hidden && gv_obj_bool(hidden, true)) return; /* anything but false counts as hidden */
    edge_pcache_put(self, id, gv_mono_ms());
}
