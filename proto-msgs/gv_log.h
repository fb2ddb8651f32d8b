/*  gv_log — one line per event, key=value, with the node name; time helpers.
 *  Lines go to stderr:  2026-11-21T10:00:00.123Z INFO node=broker msg="judge joined" judge=judge-1
 */
#ifndef GV_LOG_H
#define GV_LOG_H

#include <stdint.h>

typedef enum { GV_LOG_DEBUG, GV_LOG_INFO, GV_LOG_WARN, GV_LOG_ERROR } gv_log_level_t;

void gv_log_init(const char *node_name); /* level from $GAVEL_LOG (debug|info|warn|error) */
/* fmt is the rest of the line after msg=..., already in key=value form. */
void gv_log(gv_log_level_t level, const char *msg, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
#define gv_info(msg, ...) gv_log(GV_LOG_INFO, msg, __VA_ARGS__)
#define gv_warn(msg, ...) gv_log(GV_LOG_WARN, msg, __VA_ARGS__)
#define gv_error(msg, ...) gv_log(GV_LOG_ERROR, msg, __VA_ARGS__)
#define gv_debug(msg, ...) gv_log(GV_LOG_DEBUG, msg, __VA_ARGS__)

uint64_t gv_now_ms(void);  /* Unix time, ms */
uint64_t gv_mono_ms(void); /* monotonic, ms */
uint64_t gv_mono_us(void); /* monotonic, µs */
/* RFC 3339 UTC ("2026-11-21T10:00:00.123Z") into buf (>= 32 bytes). */
void gv_rfc3339(uint64_t unix_ms, char *buf, unsigned long buflen);

#endif
