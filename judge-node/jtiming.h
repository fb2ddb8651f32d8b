/*  jtiming — per-phase times of a job on stderr when GAVEL_JUDGE_TIMING is set (a debugging
 *  aid for performance work; costs one getenv per process and a clock read per phase). */
#ifndef JTIMING_H
#define JTIMING_H

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static inline long long jtiming_us(void)
{
    static atomic_int on = -1; /* worker threads may race here: same answer either way */
    int v = atomic_load_explicit(&on, memory_order_relaxed);
    if (v < 0) {
        v = getenv("GAVEL_JUDGE_TIMING") != NULL;
        atomic_store_explicit(&on, v, memory_order_relaxed);
    }
    if (!v)
        return -1;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Prints "TIMING <what> us=<since *t0>" and moves *t0 to now. */
static inline void jtiming_mark(long long *t0, const char *what)
{
    long long now = jtiming_us();
    if (now < 0 || *t0 < 0) {
        *t0 = now;
        return;
    }
    fprintf(stderr, "TIMING %s us=%lld\n", what, now - *t0);
    *t0 = now;
}

#endif
