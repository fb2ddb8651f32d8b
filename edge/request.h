/*  edge_request — one HTTP request as the route handlers see it, and the helpers they share.
 *
 *  A handler reads what it needs (path id, query, JSON body, signed-in caller), talks to
 *  actors through edge_req_begin/edge_req_call, and leaves a status plus a body in
 *  edge_req_out(r); the server writes the response afterwards (server.c). Every helper that
 *  fails has already put a complete API error response in place and returns -1/NULL, so a
 *  handler just returns.
 *
 *  Memory: the request body and the response body live in the worker thread's buffers,
 *  reused across requests; the parsed JSON body is freed after the handler returns.
 */
#ifndef EDGE_REQUEST_H
#define EDGE_REQUEST_H

#include "buf.h"
#include "edge.h"
#include "errors.h"
#include "gv_msg.h"
#include "router.h"
#include "rpc.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#define EDGE_HEADROOM 512          /* bytes kept in front of a response body for the HTTP head */
#define EDGE_EXTRA_HEADERS 256     /* Allow, Retry-After, ... */
#define EDGE_BUF_KEEP (256u << 10) /* worker buffers larger than this are freed after use */

struct mg_connection;
struct mg_request_info;

/* Per civetweb worker thread (created in init_thread, see server.c). */
typedef struct edge_worker {
    edge_t *edge;
    edge_rpc_t *rpc;
    edge_buf_t in;  /* request body */
    edge_buf_t out; /* response body, with EDGE_HEADROOM */
} edge_worker_t;

typedef struct edge_req {
    edge_t *edge;
    edge_worker_t *w;
    struct mg_connection *conn;
    const struct mg_request_info *ri;
    edge_method_t method;
    uint64_t id;  /* the first {id} of the path, when the template has one */
    uint64_t id2; /* the second {id}, when the template has two */
    const char *query;

    bool signed_in; /* after edge_req_auth */
    gv_claims_t claims;
    json_t *body; /* after edge_req_json; freed by the server */

    /* response */
    int status;
    const char *content_type; /* NULL = application/json */
    char headers[EDGE_EXTRA_HEADERS];
    size_t headers_len;
    bool close;                /* ask for Connection: close */
    bool streamed;             /* the handler wrote the whole response itself (event feed) */
    char calling[GV_ADDR_MAX]; /* address of the actor being called (for 503 messages) */
} edge_req_t;

/* The response body buffer (emptied when the request starts). */
edge_buf_t *edge_req_out(edge_req_t *r);

/* Replaces the response with an API error. */
void edge_req_error(edge_req_t *r, int status, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void edge_req_fail(edge_req_t *r, const edge_err_t *err);
/* Adds one response header line ("Retry-After: 30"); silently dropped if there is no room. */
void edge_req_header(edge_req_t *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Reads and parses the JSON body (must be an object), bounded by max_body_bytes: 413
 * too_large beyond it, 400 bad_json when malformed. 0 / -1. */
int edge_req_json(edge_req_t *r);
/* Checks the bearer token. Without a token: 401 when required, else 0 and not signed in.
 * A bad or expired token is always 401. 0 / -1. */
int edge_req_auth(edge_req_t *r, bool required);
/* Requires a signed-in caller whose role is in the NULL-terminated list; 401 / 403. */
int edge_req_role(edge_req_t *r, const char *const *roles);

/* Begins a request to an actor; when signed in, caller_id and caller_role are added (they
 * count in addition to body_fields). NULL (with 503 in place) on failure. */
gv_writer_t *edge_req_begin(edge_req_t *r, const char *to, const char *type, uint32_t body_fields);
/* edge_req_begin that names a signed-out caller (caller_role "anonymous"): actors take a
 * request without caller_role as one from inside the cluster, which sees everything. */
gv_writer_t *edge_req_begin_viewer(edge_req_t *r, const char *to, const char *type,
                                   uint32_t body_fields);
/* Sends and waits. NULL with the error response in place (503 unavailable on timeout). */
gv_msg_t *edge_req_call(edge_req_t *r, gv_writer_t **w);

/* Answers with an actor's reply as it is: its status, and its data as JSON (2xx) or
 * {error:{code,message}} (otherwise). */
void edge_req_reply(edge_req_t *r, const gv_msg_t *reply);
/* Same, then destroys the reply. */
void edge_req_reply_consume(edge_req_t *r, gv_msg_t **reply);

/* Helpers for reply data maps. */
const char *edge_reply_str(const msgpack_object *map, const char *key, char *buf, size_t len);

#endif
