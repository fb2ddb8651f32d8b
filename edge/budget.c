/*  edge_budget — stream budget and per-address caps (see budget.h). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* POLLRDHUP */
#endif
#include "budget.h"

#include "gv_log.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stddef.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

typedef struct {
    char addr[EDGE_ADDR_MAX]; /* "" = free */
    uint32_t conns, streams;
} slot_t;

struct edge_budget {
    pthread_mutex_t lock;
    slot_t *table; /* open addressing, linear probing, cap a power of two > 2 * slots */
    size_t cap;
    unsigned slots, max_streams, streams_per_address, conns_per_address;
    char (*trusted)[EDGE_ADDR_MAX];
    size_t n_trusted;
    uint64_t streams, connections;
    atomic_uint_fast64_t streams_refused, connections_refused;
};

/* The connection this worker thread serves. */
static _Thread_local struct {
    edge_budget_t *owner;
    char addr[EDGE_ADDR_MAX];
    bool counted, stream;
} tl;

static size_t s_hash(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return (size_t)h;
}

/* The slot of addr, made when absent (there is always room: at most `slots` are in use). */
static slot_t *s_slot(edge_budget_t *self, const char *addr)
{
    size_t i = s_hash(addr) & (self->cap - 1);
    while (self->table[i].addr[0] && strcmp(self->table[i].addr, addr) != 0)
        i = (i + 1) & (self->cap - 1);
    if (!self->table[i].addr[0]) snprintf(self->table[i].addr, EDGE_ADDR_MAX, "%s", addr);
    return &self->table[i];
}

/* Frees the slot when nothing is counted in it any more (backward-shift deletion). */
static void s_maybe_free(edge_budget_t *self, slot_t *s)
{
    if (s->conns || s->streams) return;
    size_t i = (size_t)(s - self->table);
    for (;;) {
        self->table[i].addr[0] = '\0';
        size_t j = i;
        for (;;) {
            j = (j + 1) & (self->cap - 1);
            if (!self->table[j].addr[0]) return;
            size_t home = s_hash(self->table[j].addr) & (self->cap - 1);
            /* j's entry may move to i when its home is not in (i, j] cyclically */
            bool between = i <= j ? (home > i && home <= j) : (home > i || home <= j);
            if (!between) break;
        }
        self->table[i] = self->table[j];
        i = j;
    }
}

static bool s_trusted(const edge_budget_t *self, const char *addr)
{
    for (size_t i = 0; i < self->n_trusted; i++)
        if (strcmp(self->trusted[i], addr) == 0) return true;
    return false;
}

edge_budget_t *edge_budget_new(unsigned slots, unsigned max_streams, unsigned streams_per_address,
                               unsigned conns_per_address, const char *const *trusted,
                               size_t n_trusted)
{
    edge_budget_t *self = calloc(1, sizeof *self);
    if (!self) return NULL;
    if (n_trusted) {
        self->trusted = calloc(n_trusted, sizeof *self->trusted);
        if (!self->trusted) {
            free(self);
            return NULL;
        }
        for (size_t i = 0; i < n_trusted; i++)
            snprintf(self->trusted[i], EDGE_ADDR_MAX, "%s", trusted[i] ? trusted[i] : "");
        self->n_trusted = n_trusted;
    }
    self->cap = 16;
    while (self->cap < 2 * (size_t)(slots ? slots : 1) + 2)
        self->cap *= 2;
    self->table = calloc(self->cap, sizeof *self->table);
    if (!self->table || pthread_mutex_init(&self->lock, NULL) != 0) {
        free(self->table);
        free(self->trusted);
        free(self);
        return NULL;
    }
    self->slots = slots;
    self->max_streams = max_streams;
    self->streams_per_address = streams_per_address;
    self->conns_per_address = conns_per_address;
    return self;
}

void edge_budget_destroy(edge_budget_t **self_p)
{
    if (!self_p || !*self_p) return;
    edge_budget_t *self = *self_p;
    pthread_mutex_destroy(&self->lock);
    free(self->table);
    free(self->trusted);
    free(self);
    *self_p = NULL;
}

bool edge_budget_conn_open(edge_budget_t *self, const char *addr)
{
    if (tl.counted) edge_budget_conn_close(tl.owner); /* a close we did not hear of */
    pthread_mutex_lock(&self->lock);
    slot_t *s = s_slot(self, addr ? addr : "?");
    bool ok = !self->conns_per_address || s->conns < self->conns_per_address ||
              s_trusted(self, s->addr);
    if (ok) {
        s->conns++;
        self->connections++;
    } else {
        s_maybe_free(self, s);
    }
    pthread_mutex_unlock(&self->lock);
    if (!ok) {
        atomic_fetch_add(&self->connections_refused, 1);
        return false;
    }
    tl.owner = self;
    snprintf(tl.addr, sizeof tl.addr, "%s", addr ? addr : "?");
    tl.counted = true;
    tl.stream = false;
    return true;
}

void edge_budget_stream_give(edge_budget_t *self)
{
    if (!tl.counted || !tl.stream || tl.owner != self) return;
    pthread_mutex_lock(&self->lock);
    slot_t *s = s_slot(self, tl.addr);
    if (s->streams) s->streams--;
    if (self->streams) self->streams--;
    s_maybe_free(self, s);
    pthread_mutex_unlock(&self->lock);
    tl.stream = false;
}

void edge_budget_conn_close(edge_budget_t *self)
{
    if (!tl.counted || tl.owner != self) return;
    edge_budget_stream_give(self);
    pthread_mutex_lock(&self->lock);
    slot_t *s = s_slot(self, tl.addr);
    if (s->conns) s->conns--;
    if (self->connections) self->connections--;
    s_maybe_free(self, s);
    pthread_mutex_unlock(&self->lock);
    tl.counted = false;
}

edge_stream_rc_t edge_budget_stream_take(edge_budget_t *self, const char *addr)
{
    if (tl.counted && tl.stream && tl.owner == self) return EDGE_STREAM_OK;
    if (!tl.counted || tl.owner != self) {
        /* not counted when it opened (before the first request, server.c): count it now */
        if (!edge_budget_conn_open(self, addr))
            return EDGE_STREAM_ADDR_FULL; /* counted as a refused connection */
    }
    edge_stream_rc_t rc = EDGE_STREAM_OK;
    pthread_mutex_lock(&self->lock);
    slot_t *s = s_slot(self, tl.addr);
    if (self->streams >= self->max_streams)
        rc = EDGE_STREAM_FULL;
    else if (s->streams >= self->streams_per_address && !s_trusted(self, s->addr))
        rc = EDGE_STREAM_ADDR_FULL;
    if (rc == EDGE_STREAM_OK) {
        s->streams++;
        self->streams++;
    }
    pthread_mutex_unlock(&self->lock);
    if (rc != EDGE_STREAM_OK)
        atomic_fetch_add(&self->streams_refused, 1);
    else
        tl.stream = true;
    return rc;
}

void edge_budget_stats(edge_budget_t *self, edge_budget_stats_t *out)
{
    memset(out, 0, sizeof *out);
    if (!self) return;
    pthread_mutex_lock(&self->lock);
    out->streams = self->streams;
    out->connections = self->connections;
    pthread_mutex_unlock(&self->lock);
    out->streams_refused = atomic_load(&self->streams_refused);
    out->connections_refused = atomic_load(&self->connections_refused);
}

bool edge_budget_busy(edge_budget_t *self)
{
    pthread_mutex_lock(&self->lock);
    bool busy = self->connections > self->slots / 2 && !(tl.counted && s_trusted(self, tl.addr));
    pthread_mutex_unlock(&self->lock);
    return busy;
}

void edge_budget_count_refused(edge_budget_t *self)
{
    atomic_fetch_add(&self->connections_refused, 1);
}

/* ---- the socket of a connection ------------------------------------------------------- */

static bool s_same_peer(const struct sockaddr_storage *ss, const char *addr, int port)
{
    if (ss->ss_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)ss;
        struct in_addr a;
        return ntohs(in->sin_port) == port && inet_pton(AF_INET, addr, &a) == 1 &&
               a.s_addr == in->sin_addr.s_addr;
    }
    if (ss->ss_family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)ss;
        struct in6_addr a;
        return ntohs(in6->sin6_port) == port && inet_pton(AF_INET6, addr, &a) == 1 &&
               memcmp(&a, &in6->sin6_addr, sizeof a) == 0;
    }
    return false;
}

static int s_local_port(int fd)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    if (getsockname(fd, (struct sockaddr *)&ss, &len) != 0) return -1;
    if (ss.ss_family == AF_INET) return ntohs(((struct sockaddr_in *)&ss)->sin_port);
    if (ss.ss_family == AF_INET6) return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
    return -1;
}

/* Whether fd is the TCP connection from remote_addr:remote_port to local port server_port. */
static bool s_is_conn(int fd, const char *remote_addr, int remote_port, int server_port)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    return getpeername(fd, (struct sockaddr *)&ss, &len) == 0 &&
           s_same_peer(&ss, remote_addr, remote_port) && s_local_port(fd) == server_port;
}

int edge_conn_fd(const char *remote_addr, int remote_port, int server_port)
{
    static atomic_bool warned;
    /* The last socket this worker found: a connection asks up to three times (busy check,
     * then its stream), and one check of the cached fd replaces a scan of every fd. */
    static _Thread_local int last_fd = -1;
    if (!remote_addr) return -1;
    if (last_fd >= 0 && s_is_conn(last_fd, remote_addr, remote_port, server_port))
        return last_fd;
    DIR *d = opendir("/proc/self/fd");
    if (!d) {
        if (!atomic_exchange(&warned, true))
            gv_warn("cannot find connection sockets",
                    "detail=\"/proc/self/fd: %s; closed stream peers are noticed only at the next "
                    "write and WebSocket frames are read by civetweb whole; mount /proc\"",
                    strerror(errno));
        return -1;
    }
    int found = -1, own = dirfd(d);
    struct dirent *e;
    while (found < 0 && (e = readdir(d)) != NULL) {
        char *end;
        long fd = strtol(e->d_name, &end, 10);
        if (*end || end == e->d_name || fd < 0 || fd == own) continue;
        if (s_is_conn((int)fd, remote_addr, remote_port, server_port)) found = (int)fd;
    }
    closedir(d);
    last_fd = found;
    return found;
}

bool edge_peer_gone(int fd, int wait_ms)
{
    if (fd < 0) {
        if (wait_ms > 0) usleep((useconds_t)wait_ms * 1000);
        return false;
    }
    struct pollfd p = {.fd = fd, .events = POLLRDHUP};
    int n = poll(&p, 1, wait_ms);
    if (n < 0 && errno == EINTR) return false;
    if (n < 0) return true;
    return n > 0 && (p.revents & (POLLRDHUP | POLLHUP | POLLERR | POLLNVAL)) != 0;
}

#define HEAD_PEEK_MAX 16384 /* civetweb's default max_request_size */
#define HEAD_PEEK_STEP_MS 10

bool edge_head_ready(int fd, int wait_ms)
{
    static _Thread_local char buf[HEAD_PEEK_MAX];
    /* Time already spent since the last byte came (or since the connection was made, when none
     * did) counts: a connection that waited in civetweb's queue had its chance. */
    struct tcp_info ti;
    socklen_t tl_len = sizeof ti;
    if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &tl_len) == 0 &&
        tl_len >= offsetof(struct tcp_info, tcpi_last_data_recv) + sizeof ti.tcpi_last_data_recv)
        wait_ms = ti.tcpi_last_data_recv >= (uint32_t)wait_ms ? 0
                                                              : wait_ms - (int)ti.tcpi_last_data_recv;
    for (int waited = 0;; waited += HEAD_PEEK_STEP_MS) {
        ssize_t n = recv(fd, buf, sizeof buf, MSG_PEEK | MSG_DONTWAIT);
        if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR))
            return true; /* closed or failed: civetweb finds out itself */
        if (n >= (ssize_t)sizeof buf || (n >= 4 && memmem(buf, (size_t)n, "\r\n\r\n", 4)))
            return true;
        if (waited >= wait_ms) return false;
        usleep(HEAD_PEEK_STEP_MS * 1000);
    }
}

size_t edge_refusal_503(char *out, size_t len, const char *message)
{
    char body[320];
    int bl = snprintf(body, sizeof body, "{\"error\":{\"code\":\"unavailable\",\"message\":\"%s\"}}",
                      message);
    if (bl < 0 || (size_t)bl >= sizeof body) return 0;
    int n = snprintf(out, len,
                     "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
                     "Content-Length: %d\r\nRetry-After: %d\r\nCache-Control: no-store\r\n"
                     "Connection: close\r\n\r\n%s",
                     bl, EDGE_STREAM_RETRY_AFTER_S, body);
    return n > 0 && (size_t)n < len ? (size_t)n : 0;
}

void edge_refuse_fd(int fd, const char *message)
{
    if (fd < 0) return;
    char answer[EDGE_REFUSAL_MAX];
    size_t n = edge_refusal_503(answer, sizeof answer, message);
    if (n) (void)send(fd, answer, n, MSG_NOSIGNAL | MSG_DONTWAIT);
    (void)shutdown(fd, SHUT_RDWR);
}
