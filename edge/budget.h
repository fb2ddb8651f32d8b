/*  edge_budget — what long-lived streams and one client address may hold of the edge.
 *
 *  civetweb serves each connection on one worker thread for as long as it lasts, so a CLICS
 *  event feed or a live WebSocket holds a worker until the client goes. Streams of both kinds
 *  count against one budget, `max_streams`, which the configuration keeps below `threads` by
 *  a reserve (gv_config), so streams never take the workers plain requests need. One client
 *  address may hold at most `max_streams_per_address` of them and `max_connections_per_address`
 *  connections of any kind at once (counted while a worker serves them, from civetweb's
 *  init_connection to its connection_close callbacks). Trusted addresses (`trusted_addresses`,
 *  by default 127.0.0.1 and ::1: a reverse proxy, the ops tools) have no per-address caps,
 *  since every client behind them shares them; their streams still count in the budget. A stream over its budget is answered
 *  503 with Retry-After; a connection over its address's cap gets a 503 and is shut down
 *  before its request is read, so slow senders from one address hold at most that many
 *  workers. While the edge is busy (server.c), a connection whose request head has not
 *  arrived (edge_head_ready) is refused the same way, whatever its address.
 *
 *  The counters are per worker thread too: a worker serves one connection at a time, and its
 *  init_connection, handler and connection_close all run on it, so "the connection this thread
 *  serves" is thread-local state (edge_budget_conn_open ... edge_budget_conn_close).
 *
 *  edge_conn_fd() finds the socket of the connection the calling worker serves (civetweb 1.15
 *  has no API for it) by its address pair, so a stream can poll for a closed peer and the
 *  live feed can read WebSocket frames header first (live_ws.c).
 */
#ifndef EDGE_BUDGET_H
#define EDGE_BUDGET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define EDGE_STREAM_RETRY_AFTER_S 5 /* Retry-After on a refused stream or connection */
#define EDGE_ADDR_MAX 48            /* civetweb's remote_addr */

typedef struct edge_budget edge_budget_t;

typedef enum {
    EDGE_STREAM_OK = 0,
    EDGE_STREAM_FULL,      /* the edge holds max_streams streams */
    EDGE_STREAM_ADDR_FULL, /* this address holds max_streams_per_address */
} edge_stream_rc_t;

typedef struct {
    uint64_t streams;               /* open now */
    uint64_t streams_refused;       /* since start */
    uint64_t connections;           /* served by a worker now */
    uint64_t connections_refused;   /* over the per-address cap, since start */
} edge_budget_stats_t;

/* `slots`: how many connections can be counted at once (civetweb's num_threads). 0 in
 * conns_per_address: no per-address connection cap. `trusted`: addresses (as civetweb writes
 * them) without per-address caps; copied. NULL when out of memory. */
edge_budget_t *edge_budget_new(unsigned slots, unsigned max_streams, unsigned streams_per_address,
                               unsigned conns_per_address, const char *const *trusted,
                               size_t n_trusted);
void edge_budget_destroy(edge_budget_t **self_p);

/* The calling worker begins serving a connection from addr: false when addr already has its
 * cap (the connection is not counted; refuse it). */
bool edge_budget_conn_open(edge_budget_t *self, const char *addr);
/* The connection the calling worker served is closed (also gives back its stream). */
void edge_budget_conn_close(edge_budget_t *self);
/* The connection the calling worker serves (from addr) becomes a stream; EDGE_STREAM_OK when
 * admitted (or when it already is one). */
edge_stream_rc_t edge_budget_stream_take(edge_budget_t *self, const char *addr);
/* It is no longer one (no-op when it was not). */
void edge_budget_stream_give(edge_budget_t *self);
void edge_budget_stats(edge_budget_t *self, edge_budget_stats_t *out);
/* Whether more than half of `slots` connections are being served (the edge's workers are
 * mostly taken) and the calling worker's connection is not from a trusted address. */
bool edge_budget_busy(edge_budget_t *self);
/* Counts a connection refused for a late request head. */
void edge_budget_count_refused(edge_budget_t *self);

/* The socket of the TCP connection from remote_addr:remote_port to local port server_port,
 * or -1 (logged once per process) when it cannot be found (no /proc). */
int edge_conn_fd(const char *remote_addr, int remote_port, int server_port);
/* Whether the peer of fd has closed or reset its side; waits up to wait_ms for it. */
bool edge_peer_gone(int fd, int wait_ms);
/* Whether a complete request head ("\r\n\r\n") has arrived on fd, peeking (nothing is
 * consumed), waiting up to wait_ms for it. true as well when the peer closed or the head
 * would not fit civetweb's buffer (civetweb answers those itself). */
bool edge_head_ready(int fd, int wait_ms);
#define EDGE_REFUSAL_MAX 640 /* edge_refusal_503's answer */
/* A whole 503 answer (head and JSON body {error:{code:"unavailable", message}}) with
 * Retry-After, into out: its length, or 0 when it does not fit. */
size_t edge_refusal_503(char *out, size_t len, const char *message);
/* Answers 503 with Retry-After straight on fd (best effort, never blocks) and shuts the socket
 * down, so civetweb's read of the request ends at once. */
void edge_refuse_fd(int fd, const char *message);

#endif
