/*  sbcache — the edge's cache of serialized scoreboards, per (contest, view).
 *
 *  GET /api/v1/contests/{id}/scoreboard answers from here when it can: the JSON body as it was
 *  last fetched from the contest actor. Entries are dropped by sbcache_invalidate() when the
 *  live hub sees a `scoreboard` or `contest` event of that contest (a `scoreboard` event of
 *  only one view, vis jury or public: that view's entry only), and expire after a short
 *  TTL in any case (a lost event costs at most that much staleness). A fill that raced with an
 *  invalidation is not stored: every entry carries the contest's generation counter as it was
 *  before the fetch began. Thread-safe (a reader-writer lock); bounded in entries and bytes.
 */
#ifndef EDGE_SBCACHE_H
#define EDGE_SBCACHE_H

#include "buf.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SBCACHE_SLOTS 256                    /* (contest, view) entries */
#define SBCACHE_GEN_SLOTS 4096               /* generation counters, hashed by contest id */
#define SBCACHE_TTL_MS 1000                  /* the most a missed event can cost */
#define SBCACHE_MAX_ENTRY_BYTES (16u << 20)  /* a larger scoreboard is not cached */
#define SBCACHE_MAX_BYTES (128u << 20)       /* all entries together */

typedef enum { SBCACHE_PUBLIC = 0, SBCACHE_JURY = 1 } sbcache_view_t;

/* Called by the live hub for every `scoreboard` or `contest` event of contest_id. */
void sbcache_invalidate(uint64_t contest_id);
/* For a `scoreboard` event that only one view sees (vis jury or public): the other view's
 * entry stays, so its response time does not tell that a hidden event happened. */
void sbcache_invalidate_view(uint64_t contest_id, sbcache_view_t view);

/* The generation to pass to sbcache_put after fetching. */
uint64_t sbcache_generation(uint64_t contest_id);

/* Copies a fresh entry into *body (malloc'd, caller frees) and returns true; false on a miss. */
bool sbcache_get(uint64_t contest_id, sbcache_view_t view, char **body, size_t *len);
/* Stores body unless the contest was invalidated after `generation` was read. */
void sbcache_put(uint64_t contest_id, sbcache_view_t view, uint64_t generation, const char *body,
                 size_t len);

/* The hot path: appends a fresh entry to `out` (one copy, under the read lock) and returns
 * true; false on a miss or when `out` could not grow (out is left as it was on a miss). */
bool sbcache_get_into(uint64_t contest_id, sbcache_view_t view, edge_buf_t *out);

/* Changes the limits (the defaults above; 0 keeps a value) and drops every entry. For tests
 * and a future cluster.toml key; not meant to be called while requests are served. */
void sbcache_configure(uint32_t ttl_ms, size_t max_entry_bytes, size_t max_total_bytes);
/* Drops every entry (frees the memory; generations are kept). */
void sbcache_clear(void);

#endif
