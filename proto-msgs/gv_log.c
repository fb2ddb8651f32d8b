/*  gv_log — key=value log lines on stderr, and clocks. */
#include "gv_log.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static char s_node[64] = "-";
static gv_log_level_t s_level = GV_LOG_INFO;
static pthread_mutex_t s_lock = PTHREAD_MUTEX_INITIALIZER;

void gv_log_init(const char *node_name)
{
    snprintf(s_node, sizeof s_node, "%s", node_name ? node_name : "-");
    const char *lv = getenv("GAVEL_LOG");
    if (lv) {
        if (strcmp(lv, "debug") == 0)
            s_level = GV_LOG_DEBUG;
        else if (strcmp(lv, "warn") == 0)
            s_level = GV_LOG_WARN;
        else if (strcmp(lv, "error") == 0)
            s_level = GV_LOG_ERROR;
    }
}

uint64_t gv_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

uint64_t gv_mono_ms(void)
{
    return gv_mono_us() / 1000u;
}

uint64_t gv_mono_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

void gv_rfc3339(uint64_t unix_ms, char *buf, unsigned long buflen)
{
    time_t secs = (time_t)(unix_ms / 1000u);
    struct tm tm;
    gmtime_r(&secs, &tm);
    char base[24];
    strftime(base, sizeof base, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(buf, buflen, "%s.%03uZ", base, (unsigned)(unix_ms % 1000u));
}

void gv_log(gv_log_level_t level, const char *msg, const char *fmt, ...)
{
    static const char *const names[] = {"DEBUG", "INFO", "WARN", "ERROR"};
    if (level < s_level)
        return;
    char ts[40];
    gv_rfc3339(gv_now_ms(), ts, sizeof ts);
    char rest[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(rest, sizeof rest, fmt, ap);
    va_end(ap);
    pthread_mutex_lock(&s_lock);
    fprintf(stderr, "%s %s node=%s msg=\"%s\"%s%s\n", ts, names[level], s_node, msg,
            rest[0] ? " " : "", rest);
    pthread_mutex_unlock(&s_lock);
}
