/*  edge_server — civetweb glue: threads, dispatch, response writing (see server.h).
 *
 *  A GET or HEAD that matches no API route is the web UI's (webui.h): its files, with the
 *  single-page app's index.html for client-side routes. /api, /healthz and /metrics stay the
 *  API's, so a mistyped API path still answers the API's JSON 404.
 */
#include "server.h"

#include "budget.h"
#include "gv_link.h"
#include "gv_log.h"
#include "live.h"
#include "request.h"
#include "routes.h"
#include "webui.h"

#include <arpa/inet.h>
#include <civetweb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define WAKE_INTERVAL_US 20000
#define WAKE_TRIES 150

#define JSON_TYPE "application/json"
#define PATH_IN_MESSAGE_MAX 200
/* The idle timeout goes with every kept connection, so clients that honour it (Node's undici,
 * curl) stop reusing a socket before the edge closes it instead of racing the close. */
#define STR2(x) #x
#define STR(x) STR2(x)
#define KEEP_ALIVE "keep-alive\r\nKeep-Alive: timeout=" STR(EDGE_HTTP_KEEP_ALIVE_S)
#define HEAD_MAX 1536 /* status line and headers of one response */

#define CACHE_API "no-store"
#define CACHE_REVALIDATE "no-cache"                           /* use it after an ETag check */
#define CACHE_IMMUTABLE "public, max-age=31536000, immutable" /* /app.css?v=<hash> */
#define WEB_CSP                                                                                    \
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "                    \
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; "                   \
    "object-src 'none'; base-uri 'self'; frame-ancestors 'none'"

/* Metric labels (edge.h): the routes, then "static", then "unmatched". */
#define LABEL_STATIC edge_routes_n
#define LABEL_UNMATCHED (edge_routes_n + 1)

struct edge_server {
    struct mg_context *ctx;
    struct sockaddr_in addr; /* where we listen, for the shutdown wake-up */
    atomic_bool stopped;
};

/* ---- worker threads ------------------------------------------------------------------- */

static void *s_init_thread(const struct mg_context *ctx, int thread_type)
{
    if (thread_type != 1) return NULL; /* master and timer threads do not serve requests */
    edge_t *edge = mg_get_user_data(ctx);
    edge_worker_t *w = calloc(1, sizeof *w);
    if (!w) return NULL;
    unsigned n = atomic_fetch_add(&edge->worker_seq, 1) + 1;
    char base[GV_ADDR_MAX], identity[GV_ADDR_MAX];
    snprintf(base, sizeof base, "%s.w%u", edge->name, n);
    if (gv_routing_id(base, identity, sizeof identity) != 0) { /* no one can squat it */
        gv_error("cannot make a worker's routing id", "identity=%s", base);
        free(w);
        return NULL;
    }
    w->edge = edge;
    w->rpc = edge_rpc_new(edge->cfg, edge->name, identity, edge->request_timeout_ms);
    edge_buf_init(&w->in, 0);
    edge_buf_init(&w->out, EDGE_HEADROOM);
    if (!w->rpc) {
        free(w);
        return NULL;
    }
    return w;
}

static void s_exit_thread(const struct mg_context *ctx, int thread_type, void *ptr)
{
    (void)ctx;
    (void)thread_type;
    edge_worker_t *w = ptr;
    if (!w) return;
    edge_rpc_destroy(&w->rpc);
    edge_buf_release(&w->in);
    edge_buf_release(&w->out);
    free(w);
}

/* ---- connections (budget.h) ---------------------------------------------------------- */

/* Where civetweb keeps a connection's request info inside its (opaque) connection: civetweb
 * 1.15 fills the client's address before init_connection but mg_get_request_info() answers
 * NULL until a request is read, so the offset of the info it returns for a request is learnt
 * from the first request handled (s_handle) and used for the connections after it. -1 until
 * then: the per-address cap starts with the edge's first request (ops/gavel up's health
 * check). */
static atomic_long s_ri_offset = -1;
#define RI_OFFSET_MAX 65536 /* sanity bound: request_info is a member of the connection */

static void s_learn_ri_offset(const struct mg_connection *conn, const struct mg_request_info *ri)
{
    if (atomic_load_explicit(&s_ri_offset, memory_order_relaxed) >= 0 || !ri) return;
    long off = (long)((const char *)ri - (const char *)conn);
    if (off >= 0 && off < RI_OFFSET_MAX) atomic_store(&s_ri_offset, off);
}

/* The client's address of a connection no request was read from yet; NULL when unknown. */
static const struct mg_request_info *s_early_ri(const struct mg_connection *conn)
{
    long off = atomic_load(&s_ri_offset);
    if (off < 0) return NULL;
    const struct mg_request_info *ri =
        (const struct mg_request_info *)(const void *)((const char *)conn + off);
    if (ri->remote_port <= 0 || ri->remote_port > 65535 ||
        !memchr(ri->remote_addr, '\0', sizeof ri->remote_addr) || !ri->remote_addr[0])
        return NULL;
    return ri;
}

/* A worker begins serving a connection, before reading its request: over its address's cap
 * it is answered 503 and shut down, so its reads end at once and the worker moves on. */
static int s_init_connection(const struct mg_connection *conn, void **conn_data)
{
    (void)conn_data;
    edge_t *edge = mg_get_user_data(mg_get_context(conn));
    const struct mg_request_info *ri = s_early_ri(conn);
    if (!edge || !edge->budget || !ri) return 0;
    if (!edge_budget_conn_open(edge->budget, ri->remote_addr)) {
        int fd = edge_conn_fd(ri->remote_addr, ri->remote_port, ri->server_port);
        edge_refuse_fd(fd, "too many connections from your address at once; close some and retry");
        gv_debug("connection refused", "client=%s reason=per-address cap", ri->remote_addr);
        return 0;
    }
    /* More than half the workers taken: a connection whose request head is not there yet
     * (slow senders, from however many addresses) is refused instead of holding a worker for
     * up to header_timeout_ms while complete requests wait behind it in civetweb's queue. */
    if (edge_budget_busy(edge->budget)) {
        int fd = edge_conn_fd(ri->remote_addr, ri->remote_port, ri->server_port);
        if (fd >= 0 && !edge_head_ready(fd, EDGE_BUSY_HEAD_WAIT_MS)) {
            edge_budget_count_refused(edge->budget);
            edge_refuse_fd(fd, "the edge is busy and your request did not arrive in time; retry");
            gv_debug("connection refused", "client=%s reason=slow head while busy",
                     ri->remote_addr);
        }
    }
    return 0;
}

static void s_connection_close(const struct mg_connection *conn)
{
    edge_t *edge = mg_get_user_data(mg_get_context(conn));
    if (edge && edge->budget) edge_budget_conn_close(edge->budget);
}

static int s_log_message(const struct mg_connection *conn, const char *message)
{
    (void)conn;
    char clean[512];
    size_t i = 0;
    for (; message[i] && i < sizeof clean - 1; i++)
        clean[i] = (message[i] == '"' || message[i] == '\n') ? '\'' : message[i];
    clean[i] = '\0';
    gv_warn("civetweb", "detail=\"%s\"", clean);
    return 1;
}

/* ---- responses ------------------------------------------------------------------------ */

/* What the client asked for: Connection header first, else the HTTP version's default. */
static bool s_client_keep_alive(const struct mg_connection *conn, const struct mg_request_info *ri)
{
    const char *c = mg_get_header(conn, "Connection");
    if (c) {
        if (strcasestr(c, "close")) return false;
        if (strcasestr(c, "keep-alive")) return true;
    }
    return ri->http_version && strcmp(ri->http_version, "1.1") == 0;
}

/* The Date header (RFC 9110 wants one from servers with a clock), formatted once per second
 * per thread. */
static const char *s_http_date(void)
{
    static _Thread_local time_t cached_at;
    static _Thread_local char text[40];
    time_t now = time(NULL);
    if (now != cached_at || !text[0]) {
        struct tm tm;
        gmtime_r(&now, &tm);
        strftime(text, sizeof text, "%a, %d %b %Y %H:%M:%S GMT", &tm);
        cached_at = now;
    }
    return text;
}

/* Writes one response: the head (with `extra`, complete header lines), then body_len bytes of
 * body unless head_only (HEAD, 304: Content-Length still names the representation's length).
 * When the body sits in `room` after its headroom, head and body leave in one write. */
static void s_write(struct mg_connection *conn, int status, const char *ctype, const char *cache,
                    const char *extra, size_t extra_len, bool keep, const char *body,
                    size_t body_len, bool head_only, edge_buf_t *room)
{
    char head[HEAD_MAX];
    int hl = snprintf(head, sizeof head,
                      "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
                      "Connection: %s\r\nCache-Control: %s\r\nDate: %s\r\n%.*s\r\n",
                      status, mg_get_response_code_text(conn, status), ctype, body_len,
                      keep ? KEEP_ALIVE : "close", cache, s_http_date(), (int)extra_len, extra);
    if (hl < 0 || (size_t)hl >= sizeof head)
        hl = snprintf(head, sizeof head,
                      "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
                      "Connection: %s\r\nCache-Control: %s\r\n\r\n",
                      status, mg_get_response_code_text(conn, status), ctype, body_len,
                      keep ? KEEP_ALIVE : "close", cache);
    if (hl < 0) return; /* cannot happen with these formats; nothing sensible to send */
    size_t send_len = head_only ? 0 : body_len;
    if (room && room->data && body == edge_buf_body(room) && (size_t)hl <= room->headroom) {
        /* The body sits right after the headroom: put the head in front, one write. */
        char *start = room->data + room->headroom - hl;
        memcpy(start, head, (size_t)hl);
        mg_write(conn, start, (size_t)hl + send_len);
        return;
    }
    mg_write(conn, head, (size_t)hl);
    if (send_len) mg_write(conn, body, send_len);
}

static void s_send(edge_req_t *r)
{
    edge_buf_t *out = &r->w->out;
    if (edge_buf_failed(out) || edge_buf_reserve(out, 0) != 0) {
        edge_buf_release(out);
        r->headers_len = 0;
        edge_req_error(r, 503, "unavailable", "the edge is out of memory; retry later");
        r->close = true;
    }
    if (edge_buf_failed(out) || !out->data) {
        static const char oom[] = "{\"error\":{\"code\":\"unavailable\",\"message\":\"the edge is "
                                  "out of memory; retry later\"}}";
        s_write(r->conn, 503, JSON_TYPE, CACHE_API, "", 0, false, oom, sizeof oom - 1, false, NULL);
        mg_disable_connection_keep_alive(r->conn);
        return;
    }
    bool empty = r->status == 204 || r->status == 304;
    bool keep = !r->close && s_client_keep_alive(r->conn, r->ri);
    if (r->close) mg_disable_connection_keep_alive(r->conn);
    s_write(r->conn, r->status, r->content_type ? r->content_type : JSON_TYPE, CACHE_API,
            r->headers, r->headers_len, keep, edge_buf_body(out),
            empty ? 0 : edge_buf_body_len(out), r->method == EDGE_HEAD, out);
}

/* ---- the web UI ----------------------------------------------------------------------- */

/* Paths the API keeps for itself even when no route matches them. */
static bool s_api_path(const char *path)
{
    return strncmp(path, "/api", 4) == 0 || strcmp(path, "/healthz") == 0 ||
           strcmp(path, "/metrics") == 0;
}

/* The web UI file a request that matched no route gets, or NULL with the 404 in place: the
 * API's own, or one saying the UI is not built when the path is the app's. */
static const edge_web_file_t *s_web_lookup(edge_req_t *r, const char *path)
{
    edge_t *edge = r->edge;
    if ((r->method == EDGE_GET || r->method == EDGE_HEAD) && !s_api_path(path)) {
        const edge_web_file_t *f = edge_web_find(edge->web, path);
        if (f) return f;
        if (!edge->web && edge_web_is_app_route(path)) {
            edge_req_error(r, 404, "not_found",
                           "the web UI is not built (expected in %.200s); build with ops/gavel up",
                           edge->web_root ? edge->web_root : "edge/web");
            return NULL;
        }
    }
    edge_req_error(r, 404, "not_found", "no such resource: %.*s", PATH_IN_MESSAGE_MAX, path);
    return NULL;
}

/* Answers with a web UI file: gzip'd when it has a variant and the client takes gzip, 304
 * when the client's copy is current, cached for a year when versioned (?v=<hash>) and
 * otherwise revalidated every time. The HTML entry point is never cached as immutable, so a
 * new deployment reaches every browser on its next load. */
static void s_send_web(edge_req_t *r, const edge_web_file_t *f)
{
    bool gz = f->gz && edge_web_accepts_gzip(mg_get_header(r->conn, "Accept-Encoding"));
    const char *etag = gz ? f->etag_gz : f->etag;
    const unsigned char *body = gz ? f->gz : f->data;
    size_t len = gz ? f->gz_len : f->len;
    r->status = edge_web_etag_matches(mg_get_header(r->conn, "If-None-Match"), etag) ? 304 : 200;
    const char *cache =
        !f->html && edge_web_query_versioned(r->query) ? CACHE_IMMUTABLE : CACHE_REVALIDATE;
    char extra[HEAD_MAX / 2];
    int n = snprintf(extra, sizeof extra,
                     "ETag: %s\r\nVary: Accept-Encoding\r\n%sX-Content-Type-Options: nosniff\r\n"
                     "Referrer-Policy: same-origin\r\nX-Frame-Options: DENY\r\n%s",
                     etag, gz ? "Content-Encoding: gzip\r\n" : "",
                     f->html ? "Content-Security-Policy: " WEB_CSP "\r\n" : "");
    if (n < 0 || (size_t)n >= sizeof extra) { /* the sizes above are fixed: a bug */
        gv_error("web ui head too long", "path=%s", f->path);
        edge_req_error(r, 500, "internal", "the edge failed to answer; this is a bug");
        s_send(r);
        return;
    }
    bool keep = !r->close && s_client_keep_alive(r->conn, r->ri);
    if (r->close) mg_disable_connection_keep_alive(r->conn);
    s_write(r->conn, r->status, f->content_type, cache, extra, (size_t)n, keep, (const char *)body,
            len, r->method == EDGE_HEAD || r->status == 304, NULL);
}

/* civetweb's own errors (bad request line, header too large, ...) in the API's shape. */
static int s_http_error(struct mg_connection *conn, int status, const char *errmsg)
{
    edge_buf_t b;
    edge_buf_init(&b, EDGE_HEADROOM);
    const char *code = status == 413 || status == 431 ? "too_large"
                       : status == 505                ? "http_version_not_supported"
                       : status == 404 || status == 405 || status >= 500
                           ? edge_error_code_for(status)
                           : "bad_request";
    char msg[EDGE_ERR_MSG_MAX];
    snprintf(msg, sizeof msg, "the HTTP request could not be handled: %s",
             errmsg && *errmsg ? errmsg : edge_error_message_for(status));
    edge_error_body(&b, status, code, msg);
    if (edge_buf_failed(&b) || !b.data) {
        edge_buf_release(&b);
        return 1; /* let civetweb send its plain page */
    }
    s_write(conn, status, JSON_TYPE, CACHE_API, "", 0, false, edge_buf_body(&b),
            edge_buf_body_len(&b), false, &b);
    mg_disable_connection_keep_alive(conn);
    edge_buf_release(&b);
    return 0;
}

/* ---- dispatch ------------------------------------------------------------------------- */

static int s_handle(struct mg_connection *conn, void *cbdata)
{
    edge_t *edge = cbdata;
    uint64_t t0 = gv_mono_us();
    const struct mg_request_info *ri = mg_get_request_info(conn);
    s_learn_ri_offset(conn, ri);
    edge_worker_t *w = mg_get_thread_pointer(conn);
    edge_method_t method = edge_method_parse(ri->request_method);
    if (!w) {
        s_http_error(conn, 503, "this edge worker could not start; retry later");
        edge_metrics_observe(edge->metrics, LABEL_UNMATCHED, method, 503, gv_mono_us() - t0);
        return 503;
    }
    edge_req_t r;
    memset(&r, 0, sizeof r);
    r.edge = edge;
    r.w = w;
    r.conn = conn;
    r.ri = ri;
    r.method = method;
    r.query = ri->query_string;
    edge_buf_reset(&w->out, EDGE_BUF_KEEP);

    const char *path = ri->local_uri ? ri->local_uri : "";
    edge_match_t m;
    edge_router_match(edge_routes, edge_routes_n, method == EDGE_HEAD ? EDGE_GET : method, path,
                      &m);
    const edge_web_file_t *web = NULL;
    size_t label = m.kind == EDGE_MATCH_NOT_FOUND ? LABEL_UNMATCHED : m.label;
    switch (m.kind) {
    case EDGE_MATCH_OK:
        r.id = m.n_ids ? m.ids[0] : 0;
        r.id2 = m.n_ids > 1 ? m.ids[1] : 0;
        edge_routes[m.route].fn(&r);
        if (r.status == 0) {
            gv_error("handler gave no answer", "route=%s", edge_route_labels[m.label]);
            edge_req_error(&r, 500, "internal", "the edge failed to answer; this is a bug");
        }
        break;
    case EDGE_MATCH_METHOD:
        edge_req_error(&r, 405, "method_not_allowed", "%.16s is not allowed on %s; use %s",
                       ri->request_method ? ri->request_method : "this method",
                       edge_route_labels[m.label], m.allow);
        edge_req_header(&r, "Allow: %s", m.allow);
        break;
    default:
        web = s_web_lookup(&r, path);
        if (web) label = LABEL_STATIC;
        break;
    }
    if (r.body) {
        json_decref(r.body);
        r.body = NULL;
    }
    /* A body we would refuse anyway is not worth reading just to reuse the connection. */
    if (ri->content_length > 0 && (uint64_t)ri->content_length > edge->max_body_bytes)
        r.close = true;
    if (web)
        s_send_web(&r, web);
    else if (!r.streamed)
        s_send(&r);
    edge_metrics_observe(edge->metrics, label, method, r.status, gv_mono_us() - t0);
    return r.status;
}

/* ---- life cycle ----------------------------------------------------------------------- */

edge_server_t *edge_server_new(edge_t *edge, const char *listen, unsigned threads, char *err,
                               size_t errlen)
{
    edge_server_t *self = calloc(1, sizeof *self);
    if (!self) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    char n_threads[16], req_timeout[16], ka_timeout[16], queue[16], backlog[16], ws_ping[16];
    snprintf(n_threads, sizeof n_threads, "%u", threads ? threads : 64);
    snprintf(req_timeout, sizeof req_timeout, "%u",
             edge->node && edge->node->header_timeout_ms ? edge->node->header_timeout_ms
                                                         : EDGE_HTTP_REQUEST_TIMEOUT_MS);
    snprintf(ka_timeout, sizeof ka_timeout, "%d", EDGE_HTTP_KEEP_ALIVE_MS);
    snprintf(queue, sizeof queue, "%d", EDGE_HTTP_CONNECTION_QUEUE);
    snprintf(backlog, sizeof backlog, "%d", EDGE_HTTP_BACKLOG);
    snprintf(ws_ping, sizeof ws_ping, "%d", LIVE_PING_INTERVAL_MS);
    const char *options[] = {"listening_ports",
                             listen,
                             "num_threads",
                             n_threads,
                             "enable_keep_alive",
                             "yes",
                             "tcp_nodelay",
                             "1",
                             "request_timeout_ms",
                             req_timeout,
                             "keep_alive_timeout_ms",
                             ka_timeout,
                             "connection_queue",
                             queue,
                             "listen_backlog",
                             backlog,
                             "enable_auth_domain_check",
                             "no",
                             /* live.h: civetweb answers pings and pings idle WebSockets, so a
                                vanished client frees its worker thread */
                             "enable_websocket_ping_pong",
                             "yes",
                             "websocket_timeout_ms",
                             ws_ping,
                             NULL};
    struct mg_callbacks cb;
    memset(&cb, 0, sizeof cb);
    cb.init_thread = s_init_thread;
    cb.exit_thread = s_exit_thread;
    cb.log_message = s_log_message;
    cb.init_connection = s_init_connection;
    cb.connection_close = s_connection_close;
    cb.http_error = s_http_error;
    struct mg_init_data init = {&cb, edge, options};
    unsigned code = 0;
    char text[256] = "";
    struct mg_error_data e = {&code, text, sizeof text};
    self->ctx = mg_start2(&init, &e);
    if (!self->ctx) {
        snprintf(err, errlen, "cannot serve HTTP on %s: %s", listen,
                 text[0] ? text : "civetweb did not start");
        free(self);
        return NULL;
    }
    mg_set_request_handler(self->ctx, "/", s_handle, edge);
    if (edge->live) edge_live_attach(edge->live, self->ctx);
    /* Remember the address for s_waker: "ip:port", 0.0.0.0 reached through loopback. */
    char ip[64] = "127.0.0.1";
    const char *colon = strrchr(listen, ':');
    if (colon && (size_t)(colon - listen) < sizeof ip) {
        memcpy(ip, listen, (size_t)(colon - listen));
        ip[colon - listen] = '\0';
    }
    self->addr.sin_family = AF_INET;
    self->addr.sin_port = htons((uint16_t)atoi(colon ? colon + 1 : listen));
    if (strcmp(ip, "0.0.0.0") == 0 || inet_pton(AF_INET, ip, &self->addr.sin_addr) != 1)
        inet_pton(AF_INET, "127.0.0.1", &self->addr.sin_addr);
    return self;
}

/* civetweb 1.15's master thread notices mg_stop() only when its poll() on the listening
 * socket returns, which it does every 2 s at the latest; connecting to ourselves wakes it
 * at once, so shutdown takes milliseconds instead of seconds. */
static void *s_waker(void *arg)
{
    edge_server_t *self = arg;
    for (int i = 0; i < WAKE_TRIES && !atomic_load(&self->stopped); i++) {
        usleep(WAKE_INTERVAL_US);
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        if (fd < 0) continue;
        (void)connect(fd, (struct sockaddr *)&self->addr, sizeof self->addr);
        close(fd);
    }
    return NULL;
}

void edge_server_destroy(edge_server_t **self_p)
{
    if (!self_p || !*self_p) return;
    edge_server_t *self = *self_p;
    if (self->ctx) {
        pthread_t waker;
        atomic_store(&self->stopped, false);
        bool waking = pthread_create(&waker, NULL, s_waker, self) == 0;
        edge_route_streams_stop(); /* a streaming handler would hold mg_stop up */
        mg_stop(self->ctx);
        atomic_store(&self->stopped, true);
        if (waking) pthread_join(waker, NULL);
    }
    free(self);
    *self_p = NULL;
}
