/*  edge_ratelimit — failed-login limiter per client address.
 *
 *  A fixed window per key: the first failure opens a window of `window_s` seconds; once
 *  `max_failures` failures fall in the window, edge_ratelimit_check() refuses the key until
 *  the window ends and says how many seconds remain (for Retry-After). Successful logins do
 *  not reset the count (an attacker with one valid account could otherwise keep resetting it).
 *
 *  Bounded memory: a fixed table of slots split into shards, each with its own mutex (login
 *  is not a hot path, but a single global lock is still avoided). When every slot a key may
 *  use is taken by live windows, the oldest window is evicted: under a flood of distinct
 *  addresses the limiter forgets the oldest ones first, it never grows.
 */
#ifndef EDGE_RATELIMIT_H
#define EDGE_RATELIMIT_H

#include <stddef.h>
#include <stdint.h>

#define EDGE_LOGIN_MAX_FAILURES 10
#define EDGE_LOGIN_WINDOW_S 60
#define EDGE_LOGIN_TABLE_SLOTS 4096
#define EDGE_RATELIMIT_KEY_MAX 48 /* fits an IPv6 text address */

typedef struct edge_ratelimit edge_ratelimit_t;

edge_ratelimit_t *edge_ratelimit_new(size_t slots, uint32_t max_failures, uint32_t window_s);
void edge_ratelimit_destroy(edge_ratelimit_t **self_p);

/* 0 when `key` may try now, otherwise the seconds until it may (>= 1). */
uint32_t edge_ratelimit_check(edge_ratelimit_t *self, const char *key, uint64_t now_ms);
/* Records one failure for `key`. */
void edge_ratelimit_fail(edge_ratelimit_t *self, const char *key, uint64_t now_ms);

#endif
