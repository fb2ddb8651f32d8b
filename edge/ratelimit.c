/*  edge_ratelimit — bounded, sharded failure counter (see ratelimit.h). */
#include "ratelimit.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define SHARDS 16
#define PROBE 8 /* slots a key may occupy within its shard */

typedef struct {
    char key[EDGE_RATELIMIT_KEY_MAX];
    uint64_t window_start_ms; /* 0 = free */
    uint32_t failures;
} slot_t;

typedef struct {
    pthread_mutex_t lock;
    slot_t *slots;
    size_t n;
} shard_t;

struct edge_ratelimit {
    shard_t shards[SHARDS];
    uint32_t max_failures;
    uint64_t window_ms;
};

static uint64_t s_hash(const char *s)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ull;
    }
    return h;
}

edge_ratelimit_t *edge_ratelimit_new(size_t slots, uint32_t max_failures, uint32_t window_s)
{
    if (slots < SHARDS * PROBE || max_failures == 0 || window_s == 0) return NULL;
    edge_ratelimit_t *self = calloc(1, sizeof *self);
    if (!self) return NULL;
    self->max_failures = max_failures;
    self->window_ms = (uint64_t)window_s * 1000;
    for (int i = 0; i < SHARDS; i++) {
        shard_t *sh = &self->shards[i];
        pthread_mutex_init(&sh->lock, NULL);
        sh->n = slots / SHARDS;
        sh->slots = calloc(sh->n, sizeof *sh->slots);
        if (!sh->slots) {
            edge_ratelimit_destroy(&self);
            return NULL;
        }
    }
    return self;
}

void edge_ratelimit_destroy(edge_ratelimit_t **self_p)
{
    if (!self_p || !*self_p) return;
    edge_ratelimit_t *self = *self_p;
    for (int i = 0; i < SHARDS; i++) {
        free(self->shards[i].slots);
        pthread_mutex_destroy(&self->shards[i].lock);
    }
    free(self);
    *self_p = NULL;
}

static bool s_live(const edge_ratelimit_t *self, const slot_t *s, uint64_t now_ms)
{
    return s->window_start_ms && now_ms < s->window_start_ms + self->window_ms;
}

/* Finds the slot of `key` in its shard (locked by the caller); NULL when absent or expired. */
static slot_t *s_find(edge_ratelimit_t *self, shard_t *sh, uint64_t h, const char *key,
                      uint64_t now_ms)
{
    for (size_t i = 0; i < PROBE; i++) {
        slot_t *s = &sh->slots[(h + i) % sh->n];
        if (s->window_start_ms && strcmp(s->key, key) == 0)
            return s_live(self, s, now_ms) ? s : NULL;
    }
    return NULL;
}

/* Copies key (truncated) into k, hashes it, and returns its shard; *h is the in-shard hash. */
static shard_t *s_shard(edge_ratelimit_t *self, const char *key, char k[EDGE_RATELIMIT_KEY_MAX],
                        uint64_t *h)
{
    strncpy(k, key ? key : "", EDGE_RATELIMIT_KEY_MAX - 1);
    k[EDGE_RATELIMIT_KEY_MAX - 1] = '\0';
    uint64_t full = s_hash(k);
    *h = full / SHARDS;
    return &self->shards[full % SHARDS];
}

uint32_t edge_ratelimit_check(edge_ratelimit_t *self, const char *key, uint64_t now_ms)
{
    char k[EDGE_RATELIMIT_KEY_MAX];
    uint64_t h;
    shard_t *sh = s_shard(self, key, k, &h);
    uint32_t wait_s = 0;
    pthread_mutex_lock(&sh->lock);
    slot_t *s = s_find(self, sh, h, k, now_ms);
    if (s && s->failures >= self->max_failures) {
        uint64_t end = s->window_start_ms + self->window_ms;
        wait_s = (uint32_t)((end - now_ms + 999) / 1000);
        if (wait_s == 0) wait_s = 1;
    }
    pthread_mutex_unlock(&sh->lock);
    return wait_s;
}

void edge_ratelimit_fail(edge_ratelimit_t *self, const char *key, uint64_t now_ms)
{
    char k[EDGE_RATELIMIT_KEY_MAX];
    uint64_t h;
    shard_t *sh = s_shard(self, key, k, &h);
    pthread_mutex_lock(&sh->lock);
    slot_t *s = NULL;
    /* Same key (live or expired), else a free or expired slot, else the oldest window. */
    slot_t *reuse = NULL, *oldest = NULL;
    for (size_t i = 0; i < PROBE; i++) {
        slot_t *c = &sh->slots[(h + i) % sh->n];
        if (c->window_start_ms && strcmp(c->key, k) == 0) {
            s = c;
            break;
        }
        if (!reuse && !s_live(self, c, now_ms)) reuse = c;
        if (!oldest || c->window_start_ms < oldest->window_start_ms) oldest = c;
    }
    if (s && !s_live(self, s, now_ms)) {
        s->window_start_ms = 0; /* expired: start a new window below */
    }
    if (!s) s = reuse ? reuse : oldest;
    if (!s->window_start_ms || strcmp(s->key, k) != 0) {
        memcpy(s->key, k, sizeof k);
        s->window_start_ms = 0;
    }
    if (!s->window_start_ms) {
        s->window_start_ms = now_ms ? now_ms : 1;
        s->failures = 0;
    }
    s->failures++;
    pthread_mutex_unlock(&sh->lock);
}
