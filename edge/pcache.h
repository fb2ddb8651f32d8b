/*  edge_pcache — a small positive cache: "problem <id> existed a moment ago".
 *
 *  POST /api/v1/submissions checks that the problem exists; asking the problems actor every
 *  time would double the round trips on the busiest route. A hit is only trusted for `ttl_ms`
 *  and only positives are cached (a problem created a second ago is found at once). A PUT or
 *  DELETE through this edge drops the entry at once; through another edge, a deleted problem
 *  may be seen as existing for up to ttl_ms — the submissions actor has the last word.
 *
 *  Only problems everyone may see are cached (edge_pcache_put_visible): a jury member's GET of
 *  a hidden problem (unpublished, or in a contest that has not started) must not let a
 *  contestant's submission past the check. A problem that becomes hidden through another edge
 *  (a contest defined there) may pass this edge's check for up to ttl_ms.
 *
 *  Direct-mapped slots guarded by striped mutexes: bounded memory, no global lock.
 */
#ifndef EDGE_PCACHE_H
#define EDGE_PCACHE_H

#include <msgpack.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define EDGE_PCACHE_SLOTS 4096
#define EDGE_PCACHE_TTL_MS 10000

typedef struct edge_pcache edge_pcache_t;

edge_pcache_t *edge_pcache_new(size_t slots, uint32_t ttl_ms);
void edge_pcache_destroy(edge_pcache_t **self_p);
bool edge_pcache_has(edge_pcache_t *self, uint64_t id, uint64_t now_ms);
void edge_pcache_put(edge_pcache_t *self, uint64_t id, uint64_t now_ms);
void edge_pcache_drop(edge_pcache_t *self, uint64_t id);
/* Puts id unless the problems.get reply data `problem` (a map) says it is hidden (staff
 * replies carry `hidden`; others get 404 for a hidden problem). */
void edge_pcache_put_visible(edge_pcache_t *self, uint64_t id, const msgpack_object *problem);

#endif
