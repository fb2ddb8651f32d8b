/*  sbcache — serialized scoreboards per (contest, view) (see sbcache.h).
 *
 *  Entries live in a fixed table, found by hashing (contest, view) and probing a few slots;
 *  a full window evicts its oldest entry. Generations are a fixed array of atomic counters
 *  indexed by a hash of the contest id, so they cost no memory per contest: two contests that
 *  share a counter invalidate each other now and then (a spurious miss, never a stale hit).
 *
 *  An entry is served only while its generation equals the current counter and it is younger
 *  than the TTL. sbcache_put() compares the caller's generation with the counter under the
 *  write lock, and sbcache_invalidate() bumps the counter before it takes the lock, so a fill
 *  that started before an invalidation can never be stored after it.
 */
#include "sbcache.h"

#include "gv_log.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#define PROBE 8

typedef struct {
    bool used;
    uint64_t contest_id;
    sbcache_view_t view;
    uint64_t generation;
    uint64_t stored_ms; /* monotonic */
    char *body;
    size_t len;
} entry_t;

static pthread_rwlock_t s_lock = PTHREAD_RWLOCK_INITIALIZER;
static entry_t s_entries[SBCACHE_SLOTS];
static size_t s_bytes; /* sum of entry lengths; under the write lock */
static _Atomic uint64_t s_gens[SBCACHE_GEN_SLOTS];
/* Per (contest, view): bumped by sbcache_invalidate_view(), so an event only one view sees
 * leaves the other view's entry alone (a jury-only event must not slow the public's next GET:
 * issue 10 point 8, docs/CONTESTS.md). An entry is fresh while s_gens + its view's counter
 * are what they were when it was stored. */
static _Atomic uint64_t s_vgens[2][SBCACHE_GEN_SLOTS];
static _Atomic uint32_t s_ttl_ms = SBCACHE_TTL_MS;
static _Atomic size_t s_max_entry = SBCACHE_MAX_ENTRY_BYTES;
static _Atomic size_t s_max_total = SBCACHE_MAX_BYTES;

static uint64_t s_mix(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdull;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ull;
    x ^= x >> 33;
    return x;
}

static _Atomic uint64_t *s_gen_of(uint64_t contest_id)
{
    return &s_gens[s_mix(contest_id) % SBCACHE_GEN_SLOTS];
}

static uint64_t s_view_gen(uint64_t contest_id, sbcache_view_t view)
{
    size_t h = s_mix(contest_id) % SBCACHE_GEN_SLOTS;
    return atomic_load(&s_gens[h]) + atomic_load(&s_vgens[view == SBCACHE_JURY][h]);
}

static size_t s_home(uint64_t contest_id, sbcache_view_t view)
{
    return (size_t)(s_mix(contest_id * 2 + (uint64_t)view) % SBCACHE_SLOTS);
}

/* The entry of (contest, view), or NULL. Under either lock. */
static entry_t *s_find(uint64_t contest_id, sbcache_view_t view)
{
    size_t home = s_home(contest_id, view);
    for (size_t i = 0; i < PROBE; i++) {
        entry_t *e = &s_entries[(home + i) % SBCACHE_SLOTS];
        if (e->used && e->contest_id == contest_id && e->view == view) return e;
    }
    return NULL;
}

static bool s_fresh(const entry_t *e, uint64_t now_ms)
{
    return e->generation == s_view_gen(e->contest_id, e->view) &&
           now_ms - e->stored_ms < atomic_load(&s_ttl_ms);
}

/* Under the write lock. */
static void s_drop(entry_t *e)
{
    if (!e->used) return;
    s_bytes -= e->len;
    free(e->body);
    memset(e, 0, sizeof *e);
}

void sbcache_invalidate(uint64_t contest_id)
{
    atomic_fetch_add(s_gen_of(contest_id), 1);
    /* The counter alone already hides the entries; free them now rather than at the next put. */
    pthread_rwlock_wrlock(&s_lock);
    for (int v = SBCACHE_PUBLIC; v <= SBCACHE_JURY; v++) {
        entry_t *e = s_find(contest_id, (sbcache_view_t)v);
        if (e) s_drop(e);
    }
    pthread_rwlock_unlock(&s_lock);
}

void sbcache_invalidate_view(uint64_t contest_id, sbcache_view_t view)
{
    atomic_fetch_add(&s_vgens[view == SBCACHE_JURY][s_mix(contest_id) % SBCACHE_GEN_SLOTS], 1);
    pthread_rwlock_wrlock(&s_lock);
    entry_t *e = s_find(contest_id, view);
    if (e) s_drop(e);
    pthread_rwlock_unlock(&s_lock);
}

/* Every counter of the contest: any invalidation in between stops a fill from being stored. */
uint64_t sbcache_generation(uint64_t contest_id)
{
    size_t h = s_mix(contest_id) % SBCACHE_GEN_SLOTS;
    return atomic_load(&s_gens[h]) + atomic_load(&s_vgens[0][h]) + atomic_load(&s_vgens[1][h]);
}

bool sbcache_get_into(uint64_t contest_id, sbcache_view_t view, edge_buf_t *out)
{
    bool hit = false;
    uint64_t now = gv_mono_ms();
    pthread_rwlock_rdlock(&s_lock);
    const entry_t *e = s_find(contest_id, view);
    if (e && s_fresh(e, now)) {
        edge_buf_add(out, e->body, e->len);
        hit = !edge_buf_failed(out);
    }
    pthread_rwlock_unlock(&s_lock);
    return hit;
}

bool sbcache_get(uint64_t contest_id, sbcache_view_t view, char **body, size_t *len)
{
    bool hit = false;
    uint64_t now = gv_mono_ms();
    *body = NULL;
    *len = 0;
    pthread_rwlock_rdlock(&s_lock);
    const entry_t *e = s_find(contest_id, view);
    if (e && s_fresh(e, now)) {
        char *copy = malloc(e->len ? e->len : 1);
        if (copy) {
            memcpy(copy, e->body, e->len);
            *body = copy;
            *len = e->len;
            hit = true;
        }
    }
    pthread_rwlock_unlock(&s_lock);
    return hit;
}

/* Frees stale entries, then the oldest ones, until `need` more bytes fit. Under the write
 * lock. False when they cannot. */
static bool s_make_room(size_t need, uint64_t now_ms, const entry_t *keep)
{
    size_t max = atomic_load(&s_max_total);
    if (need > max) return false;
    for (size_t i = 0; i < SBCACHE_SLOTS && s_bytes + need > max; i++)
        if (s_entries[i].used && &s_entries[i] != keep && !s_fresh(&s_entries[i], now_ms))
            s_drop(&s_entries[i]);
    while (s_bytes + need > max) {
        entry_t *oldest = NULL;
        for (size_t i = 0; i < SBCACHE_SLOTS; i++) {
            entry_t *e = &s_entries[i];
            if (e->used && e != keep && (!oldest || e->stored_ms < oldest->stored_ms)) oldest = e;
        }
        if (!oldest) return false;
        s_drop(oldest);
    }
    return true;
}

void sbcache_put(uint64_t contest_id, sbcache_view_t view, uint64_t generation, const char *body,
                 size_t len)
{
    if (!body || len > atomic_load(&s_max_entry)) return;
    char *copy = malloc(len ? len : 1);
    if (!copy) return;
    memcpy(copy, body, len);
    uint64_t now = gv_mono_ms();

    pthread_rwlock_wrlock(&s_lock);
    if (generation != sbcache_generation(contest_id)) {
        pthread_rwlock_unlock(&s_lock); /* invalidated while the caller was fetching */
        free(copy);
        return;
    }
    entry_t *slot = s_find(contest_id, view);
    if (slot) s_drop(slot);
    if (!s_make_room(len, now, NULL)) {
        pthread_rwlock_unlock(&s_lock);
        free(copy);
        return;
    }
    size_t home = s_home(contest_id, view);
    slot = NULL;
    for (size_t i = 0; i < PROBE && !slot; i++)
        if (!s_entries[(home + i) % SBCACHE_SLOTS].used) slot = &s_entries[(home + i) % SBCACHE_SLOTS];
    for (size_t i = 0; i < PROBE && !slot; i++) {
        entry_t *e = &s_entries[(home + i) % SBCACHE_SLOTS];
        if (!s_fresh(e, now)) slot = e;
    }
    if (!slot) { /* the window is full of fresh entries: evict its oldest */
        slot = &s_entries[home];
        for (size_t i = 1; i < PROBE; i++) {
            entry_t *e = &s_entries[(home + i) % SBCACHE_SLOTS];
            if (e->stored_ms < slot->stored_ms) slot = e;
        }
    }
    s_drop(slot);
    /* nothing changed since `generation` was read, so this is the view's counter as of then */
    *slot = (entry_t){true, contest_id, view, s_view_gen(contest_id, view), now, copy, len};
    s_bytes += len;
    pthread_rwlock_unlock(&s_lock);
}

void sbcache_clear(void)
{
    pthread_rwlock_wrlock(&s_lock);
    for (size_t i = 0; i < SBCACHE_SLOTS; i++)
        s_drop(&s_entries[i]);
    pthread_rwlock_unlock(&s_lock);
}

void sbcache_configure(uint32_t ttl_ms, size_t max_entry_bytes, size_t max_total_bytes)
{
    if (ttl_ms) atomic_store(&s_ttl_ms, ttl_ms);
    if (max_entry_bytes) atomic_store(&s_max_entry, max_entry_bytes);
    if (max_total_bytes) atomic_store(&s_max_total, max_total_bytes);
    sbcache_clear();
}
