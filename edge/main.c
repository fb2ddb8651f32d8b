/*  gavel-edge — the HTTP front door of a Gavel cluster.
 *
 *      gavel-edge --config FILE --data DIR --name NODE [--http PORT]
 *
 *  Loads cluster.toml, finds its own node (role "edge"), starts the control thread (broker
 *  liveness and status cache, control.h) and civetweb (server.h), then waits for SIGTERM or
 *  SIGINT and shuts down in order: HTTP first (workers finish their request and close their
 *  links), then the control link. `--http PORT` replaces the port of the node's `listen`
 *  and keeps its host.
 *
 *  Exit status: 0 after a clean shutdown, 2 for bad arguments or a bad config (the config's
 *  own sentence is printed), 1 when the edge cannot run (no token key, port taken, ...).
 *
 *  Signals: SIGINT/SIGTERM are blocked in every thread (the mask is set before any thread
 *  starts, and threads inherit it) and taken synchronously with sigwait() here, so no
 *  handler runs inside civetweb or ZeroMQ. CZMQ's own handler is switched off for that, and
 *  CZMQ is initialised here, before the worker and control threads race to make sockets.
 */
#include "auth.h"
#include "control.h"
#include "edge.h"
#include "gv_cli.h"
#include "gv_config.h"
#include "gv_log.h"
#include "gv_token.h"
#include "live.h"
#include "routes.h"
#include "server.h"

#include <arpa/inet.h>
#include <civetweb.h>
#include <czmq.h>
#include <netdb.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DEFAULT_LISTEN "127.0.0.1:8080"
#define MAX_CONCURRENT_HASHES 8

/* Builds civetweb's "ip:port" from `listen` ("host:port") and an optional port override.
 * Host names are resolved to an IPv4 address (civetweb wants numbers; Debian's build has no
 * IPv6). 0 / -1 with a sentence in err. */
static int s_listen_spec(const char *listen, const char *http_port, char *out, size_t outlen,
                         char *err, size_t errlen)
{
    char host[256] = "";
    const char *port = NULL;
    const char *colon = strrchr(listen, ':');
    if (colon) {
        size_t hl = (size_t)(colon - listen);
        if (hl >= sizeof host) {
            snprintf(err, errlen, "`listen` host is too long: %s", listen);
            return -1;
        }
        memcpy(host, listen, hl);
        host[hl] = '\0';
        port = colon + 1;
    } else {
        port = listen;
    }
    if (http_port) port = http_port;
    char *end = NULL;
    long p = strtol(port, &end, 10);
    if (!*port || *end || p < 1 || p > 65535) {
        snprintf(err, errlen, "port `%s` is not a number from 1 to 65535", port);
        return -1;
    }
    if (!host[0] || strcmp(host, "*") == 0) snprintf(host, sizeof host, "0.0.0.0");
    struct in_addr a;
    if (inet_pton(AF_INET, host, &a) != 1) {
        struct addrinfo hints, *res = NULL;
        memset(&hints, 0, sizeof hints);
        hints.ai_family = AF_INET;
        hints.ai_socktype = SOCK_STREAM;
        if (getaddrinfo(host, NULL, &hints, &res) != 0 || !res) {
            snprintf(err, errlen,
                     "`listen` host `%s` has no IPv4 address (this build serves IPv4 only)", host);
            return -1;
        }
        inet_ntop(AF_INET, &((struct sockaddr_in *)res->ai_addr)->sin_addr, host, sizeof host);
        freeaddrinfo(res);
    }
    snprintf(out, outlen, "%s:%ld", host, p);
    return 0;
}

int main(int argc, char **argv)
{
    gv_cli_t cli;
    int early = gv_cli_parse(argc, argv, GV_ROLE_EDGE, true, &cli);
    if (early >= 0)
        return early;
    gv_config_t *cfg = cli.cfg;
    const char *name = cli.node->name, *http = cli.http;
    char err[1024] = "";

    /* Before any thread exists: take SIGINT/SIGTERM synchronously (see top of file). */
    zsys_handler_set(NULL);
    /* Every civetweb worker has its own broker link: CZMQ's default of 1024 sockets would
     * abort the start of an edge with more threads. */
    zsys_set_max_sockets(cli.node->threads + 256);
    zsys_init(); /* CZMQ's lazy init is not safe when threads race to their first socket */
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop_signals, NULL);
    signal(SIGPIPE, SIG_IGN);
    gv_log_init(name);

    int rc = 1;
    edge_t edge;
    memset(&edge, 0, sizeof edge);
    edge_server_t *server = NULL;
    bool mg_ready = false;
    const gv_node_cfg_t *node = cli.node;
    char listen[300];
    if (s_listen_spec(node->listen ? node->listen : DEFAULT_LISTEN, http, listen, sizeof listen,
                      err, sizeof err) != 0) {
        fprintf(stderr, "gavel-edge: %s: node `%s`: %s\n", cfg->path, name, err);
        rc = 2;
        goto cleanup;
    }
    if (sodium_init() < 0) {
        gv_error("libsodium failed to initialise", "node=%s", name);
        goto cleanup;
    }
    if (gv_token_key_load(cfg->data_dir, edge.token_key) != 0) {
        fprintf(stderr,
                "gavel-edge: cannot read the token key %s/keys/token.key "
                "(make it with gavel-keygen)\n",
                cfg->data_dir);
        goto cleanup;
    }
    edge.cfg = cfg;
    edge.node = node;
    edge.name = node->name;
    edge.request_timeout_ms = cfg->request_timeout_ms ? cfg->request_timeout_ms : 5000;
    edge.max_body_bytes = cfg->max_body_bytes ? cfg->max_body_bytes : (1u << 20);
    edge.max_source_bytes = cfg->max_source_bytes ? cfg->max_source_bytes : 65536;
    edge.token_ttl_s = cfg->token_ttl_s ? cfg->token_ttl_s : 86400;
    atomic_init(&edge.worker_seq, 0);
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    unsigned hashes = cpus < 1                       ? 1
                      : cpus > MAX_CONCURRENT_HASHES ? MAX_CONCURRENT_HASHES
                                                     : (unsigned)cpus;
    edge.metrics = edge_metrics_new(edge_route_labels, edge_routes_n);
    edge.logins =
        edge_ratelimit_new(EDGE_LOGIN_TABLE_SLOTS, EDGE_LOGIN_MAX_FAILURES, EDGE_LOGIN_WINDOW_S);
    edge.problems = edge_pcache_new(EDGE_PCACHE_SLOTS, EDGE_PCACHE_TTL_MS);
    if (!edge.metrics || !edge.logins || !edge.problems || edge_auth_init(hashes) != 0) {
        gv_error("out of memory at start", "node=%s", name);
        goto cleanup;
    }
    edge.control = edge_control_new(cfg, edge.name);
    if (!edge.control) {
        gv_error("control thread did not start", "node=%s", name);
        goto cleanup;
    }
    mg_init_library(0);
    mg_ready = true;
    unsigned threads = node->threads ? node->threads : 64;
    edge.live = edge_live_new(&edge, threads);
    if (!edge.live) {
        gv_error("live feed did not start", "node=%s", name);
        goto cleanup;
    }
    server = edge_server_new(&edge, listen, threads, err, sizeof err);
    if (!server) {
        fprintf(stderr, "gavel-edge: %s\n", err);
        gv_error("http failed", "listen=%s threads=%u", listen, threads);
        goto cleanup;
    }
    gv_info("edge up", "listen=%s threads=%u timeout_ms=%u pid=%d", listen, threads,
            edge.request_timeout_ms, (int)getpid());

    edge_auth_warm();

    int sig = 0;
    while (sigwait(&stop_signals, &sig) != 0) {
    }
    gv_info("edge stopping", "signal=%s", sig == SIGTERM ? "TERM" : "INT");
    rc = 0;

cleanup:
    edge_live_goodbye(edge.live); /* close 1001 to live clients while civetweb still runs */
    if (server) {
        edge_server_destroy(&server); /* joins workers: their links close in exit_thread */
        gv_info("http stopped", "node=%s", name);
    }
    edge_live_destroy(&edge.live); /* after civetweb: every close handler has run */
    edge_control_destroy(&edge.control);
    if (mg_ready) mg_exit_library();
    edge_pcache_destroy(&edge.problems);
    edge_ratelimit_destroy(&edge.logins);
    edge_metrics_destroy(&edge.metrics);
    sodium_memzero(edge.token_key, sizeof edge.token_key);
    if (rc == 0) gv_info("edge stopped", "node=%s", name);
    gv_config_destroy(&cfg); /* `name` points into it */
    zsys_shutdown();
    return rc;
}
