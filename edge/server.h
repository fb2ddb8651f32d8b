/*  edge_server — civetweb set up for the API: worker threads with their own broker links,
 *  one catch-all handler that routes, answers and counts every request.
 *
 *  Each civetweb worker thread gets an edge_worker_t in the init_thread callback (civetweb
 *  1.15 stores init_thread's return value as the thread pointer, read back with
 *  mg_get_thread_pointer) holding its own edge_rpc link, identity "<edge>.w<N>", and its
 *  reusable buffers; exit_thread destroys it. Worker threads are created by mg_start and
 *  joined by mg_stop, so every link is closed before edge_server_destroy returns.
 *
 *  Responses: always Content-Type (application/json, or the metrics text type),
 *  Content-Length, Date and Cache-Control: no-store (bodies carry tokens and private data),
 *  written with a single mg_write (head + body) so keep-alive clients get
 *  one packet per small reply. civetweb's own errors (malformed HTTP, ...) are turned into
 *  the API's JSON error shape by the http_error callback.
 */
#ifndef EDGE_SERVER_H
#define EDGE_SERVER_H

#include "edge.h"

#include <stddef.h>

#define EDGE_HTTP_REQUEST_TIMEOUT_MS 10000 /* to read one request / write one response */
/* Idle keep-alive connections are closed after this (each open one holds a worker thread). */
#define EDGE_HTTP_KEEP_ALIVE_S 2
#define EDGE_HTTP_KEEP_ALIVE_MS (EDGE_HTTP_KEEP_ALIVE_S * 1000)
#define EDGE_HTTP_CONNECTION_QUEUE 256 /* accepted sockets waiting for a free worker */
#define EDGE_HTTP_BACKLOG 1024
/* With more than half the workers taken, a new connection's request head must be there within
 * this of its last byte (see server.c's s_init_connection). */
#define EDGE_BUSY_HEAD_WAIT_MS 50

typedef struct edge_server edge_server_t;

/* listen: "127.0.0.1:8080" (civetweb listening_ports syntax). NULL with a sentence in err. */
edge_server_t *edge_server_new(edge_t *edge, const char *listen, unsigned threads, char *err,
                               size_t errlen);
/* Stops accepting, waits for the workers, closes their links. */
void edge_server_destroy(edge_server_t **self_p);

#endif
