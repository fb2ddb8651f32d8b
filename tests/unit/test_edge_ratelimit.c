/*  edge ratelimit (failed logins per address) and pcache (problem existence, TTL). */
#include "gv_test.h"
#include "pcache.h"
#include "ratelimit.h"

#include <pthread.h>
#include <stdio.h>

static void ten_failures_a_minute_block_the_address(void)
{
    edge_ratelimit_t *rl = edge_ratelimit_new(EDGE_LOGIN_TABLE_SLOTS, 10, 60);
    uint64_t t0 = 1000000;
    for (int i = 0; i < 9; i++) {
        CHECK(edge_ratelimit_check(rl, "10.0.0.1", t0 + (uint64_t)i * 1000) == 0);
        edge_ratelimit_fail(rl, "10.0.0.1", t0 + (uint64_t)i * 1000);
    }
    CHECK(edge_ratelimit_check(rl, "10.0.0.1", t0 + 9000) == 0);
    edge_ratelimit_fail(rl, "10.0.0.1", t0 + 9000); /* the 10th */
    uint32_t wait = edge_ratelimit_check(rl, "10.0.0.1", t0 + 9000);
    CHECK(wait == 51); /* the window opened at t0 and lasts 60 s */
    CHECK(edge_ratelimit_check(rl, "10.0.0.1", t0 + 59500) == 1);
    CHECK(edge_ratelimit_check(rl, "10.0.0.2", t0 + 9000) == 0);  /* others unaffected */
    CHECK(edge_ratelimit_check(rl, "10.0.0.1", t0 + 60000) == 0); /* window over */
    edge_ratelimit_fail(rl, "10.0.0.1", t0 + 60000);              /* a new window starts at 1 */
    CHECK(edge_ratelimit_check(rl, "10.0.0.1", t0 + 60001) == 0);
    edge_ratelimit_destroy(&rl);
    CHECK(rl == NULL);
}

static void failures_spread_over_windows_do_not_block(void)
{
    edge_ratelimit_t *rl = edge_ratelimit_new(EDGE_LOGIN_TABLE_SLOTS, 10, 60);
    uint64_t t = 5000;
    for (int i = 0; i < 30; i++, t += 7000) { /* ~8.5 a minute */
        CHECK(edge_ratelimit_check(rl, "::1", t) == 0);
        edge_ratelimit_fail(rl, "::1", t);
    }
    edge_ratelimit_destroy(&rl);
}

static void a_flood_of_addresses_stays_bounded(void)
{
    edge_ratelimit_t *rl = edge_ratelimit_new(256, 10, 60);
    char key[32];
    for (int i = 0; i < 100000; i++) {
        snprintf(key, sizeof key, "10.%d.%d.%d", (i >> 16) & 255, (i >> 8) & 255, i & 255);
        edge_ratelimit_fail(rl, key, 1000 + (uint64_t)i);
    }
    /* the most recent offender is still tracked */
    for (int k = 0; k < 9; k++)
        edge_ratelimit_fail(rl, "10.1.134.159", 101000);
    CHECK(edge_ratelimit_check(rl, "10.1.134.159", 101000) > 0);
    /* long keys are cut, not overflowed */
    char longkey[200];
    for (size_t i = 0; i < sizeof longkey - 1; i++)
        longkey[i] = 'k';
    longkey[sizeof longkey - 1] = '\0';
    edge_ratelimit_fail(rl, longkey, 300000);
    CHECK(edge_ratelimit_check(rl, longkey, 300000) == 0);
    CHECK(edge_ratelimit_check(rl, NULL, 300000) == 0);
    edge_ratelimit_destroy(&rl);
    CHECK(edge_ratelimit_new(1, 10, 60) == NULL); /* too small to shard */
}

static edge_ratelimit_t *s_rl;
static void *s_fail_many(void *arg)
{
    (void)arg;
    for (int i = 0; i < 2000; i++) {
        edge_ratelimit_fail(s_rl, "203.0.113.9", 10000);
        edge_ratelimit_check(s_rl, "203.0.113.9", 10000);
    }
    return NULL;
}

static void it_is_thread_safe(void)
{
    s_rl = edge_ratelimit_new(EDGE_LOGIN_TABLE_SLOTS, 10000, 60);
    pthread_t th[4];
    for (int i = 0; i < 4; i++)
        pthread_create(&th[i], NULL, s_fail_many, NULL);
    for (int i = 0; i < 4; i++)
        pthread_join(th[i], NULL);
    CHECK(edge_ratelimit_check(s_rl, "203.0.113.9", 10000) == 0); /* 8000 < 10000 */
    for (int i = 0; i < 2000; i++)
        edge_ratelimit_fail(s_rl, "203.0.113.9", 10000);
    CHECK(edge_ratelimit_check(s_rl, "203.0.113.9", 10000) == 60); /* exactly 10000 now */
    edge_ratelimit_destroy(&s_rl);
}

static void problem_cache_keeps_positives_for_its_ttl(void)
{
    edge_pcache_t *c = edge_pcache_new(64, 1000);
    CHECK(!edge_pcache_has(c, 5, 100));
    edge_pcache_put(c, 5, 100);
    CHECK(edge_pcache_has(c, 5, 100));
    CHECK(edge_pcache_has(c, 5, 1099));
    CHECK(!edge_pcache_has(c, 5, 1100));
    CHECK(!edge_pcache_has(c, 6, 200));
    edge_pcache_put(c, 5, 2000);
    edge_pcache_drop(c, 5);
    CHECK(!edge_pcache_has(c, 5, 2001));
    /* colliding ids evict each other, never answer for one another */
    for (uint64_t id = 1; id < 1000; id++)
        edge_pcache_put(c, id, 5000);
    int hits = 0;
    for (uint64_t id = 1; id < 1000; id++)
        hits += edge_pcache_has(c, id, 5001);
    CHECK(hits > 0 && hits <= 64);
    CHECK(!edge_pcache_has(c, 0, 5001));
    edge_pcache_destroy(&c);
    CHECK(c == NULL);
}

int main(void)
{
    RUN(ten_failures_a_minute_block_the_address);
    RUN(failures_spread_over_windows_do_not_block);
    RUN(a_flood_of_addresses_stays_bounded);
    RUN(it_is_thread_safe);
    RUN(problem_cache_keeps_positives_for_its_ttl);
    return TEST_SUMMARY();
}
