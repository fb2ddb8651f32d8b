/*  gavel-edge — the HTTP front door of a Gavel cluster.
 *
 *      gavel-edge --config FILE --data DIR --name NODE [--http PORT] [--web DIR]
 *
 *  Loads cluster.toml, finds its own node (role "edge"), starts the control thread (broker
 *  liveness and status cache, control.h) and civetweb (server.h), then waits for SIGTERM or
 *  SIGINT and shuts down in order: HTTP first (workers finish their request and close their
 *  links), then the control link. `--http PORT` replaces the port of the node's `listen`
 *  and keeps its host.
 *
 *  The web UI (webui.h) is read into memory at start from `--web DIR`, by default the `web`
 *  directory next to the gavel-edge binary (where the build puts it). A missing directory is
 *  a warning, not an error: the API works without the UI, which then answers 404 saying so.
 *  A directory that exists but does not load (a file over a cap, unreadable) stops the start.
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
#include "budget.h"
#include "live.h"
#include "routes.h"
#include "server.h"
#include "webui.h"

#include <arpa/inet.h>
#include <civetweb.h>
#include <czmq.h>
#include <errno.h>
#include <limits.h>
#include <netdb.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define DEFAULT_LISTEN "127.0.0.1:8080"
#define MAX_CONCURRENT_HASHES 8
#define WEB_OPTION "--web"
#define WEB_DEFAULT_DIR "web" /* next to the binary */

/* Takes `--web DIR` (or `--web=DIR`), which gv_cli_parse does not know, out of argv into
 * *web, and notes whether --help was asked for. 0, or 2 when --web has no directory. */
static int s_take_web_option(int *argc, char **argv, const char **web, bool *help)
{
    int out = 1;
    bool operands = false; /* after "--" */
    for (int i = 1; i < *argc; i++) {
        const char *a = argv[i];
        if (!operands) {
            if (strcmp(a, "--") == 0) operands = true;
            if (strcmp(a, WEB_OPTION) == 0) {
                if (i + 1 >= *argc) {
                    fprintf(stderr, "gavel-edge: --web needs a directory\n");
                    return 2;
                }
                *web = argv[++i];
                continue;
            }
            if (strncmp(a, WEB_OPTION "=", sizeof WEB_OPTION) == 0) {
                *web = a + sizeof WEB_OPTION;
                continue;
            }
            if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) *help = true;
        }
        argv[out++] = argv[i];
    }
    argv[out] = NULL;
    *argc = out;
    return 0;
}

/* The default web UI directory: `web` next to /proc/self/exe. 0 / -1. */
static int s_default_web_dir(char *out, size_t outlen)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0) return -1;
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (!slash) return -1;
    *slash = '\0';
    int w = snprintf(out, outlen, "%s/%s", exe, WEB_DEFAULT_DIR);
    return w < 0 || (size_t)w >= outlen ? -1 : 0;
}

/* Loads the web UI into edge->web. A missing directory leaves it NULL with a warning; one
 * that does not load is an error. 0 / -1. */
static int s_load_web(edge_t *edge, const char *root)
{
    edge->web_root = root;
    struct stat st;
    if (stat(root, &st) != 0 && errno == ENOENT) {
        gv_warn("WEB UI NOT FOUND: the UI will answer 404 until it is built (the API works)",
                "path=%s hint=\"build with ops/gavel up, or pass --web DIR\"", root);
        return 0;
    }
    char err[1024] = "";
    edge->web = edge_web_load(root, err, sizeof err);
    if (!edge->web) {
        fprintf(stderr, "gavel-edge: %s\n", err);
        gv_error("web ui did not load", "path=%s", root);
        return -1;
    }
    gv_info("web ui loaded", "path=%s files=%zu gzip=%zu bytes=%zu", root,
            edge_web_count(edge->web), edge_web_gzip_count(edge->web), edge_web_bytes(edge->web));
    return 0;
}

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
    const char *web_opt = NULL;
    bool help = false;
    if (s_take_web_option(&argc, argv, &web_opt, &help) != 0) return 2;
    gv_cli_t cli;
    int early = gv_cli_parse(argc, argv, GV_ROLE_EDGE, true, &cli);
    if (early >= 0) {
        if (early == 0 && help)
            printf("  --web DIR      the web UI's files (default: `%s` next to gavel-edge)\n",
                   WEB_DEFAULT_DIR);
        return early;
    }
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
    char web_root[PATH_MAX];
    static const char *metric_labels[EDGE_METRICS_MAX_ROUTES]; /* routes, "static" (edge.h) */
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
    if (web_opt && snprintf(web_root, sizeof web_root, "%s", web_opt) >= (int)sizeof web_root) {
        fprintf(stderr, "gavel-edge: --web: the path is too long\n");
        rc = 2;
        goto cleanup;
    }
    if (!web_opt && s_default_web_dir(web_root, sizeof web_root) != 0) {
        fprintf(stderr, "gavel-edge: cannot find the directory of the gavel-edge binary; "
                        "pass --web DIR\n");
        goto cleanup;
    }
    if (s_load_web(&edge, web_root) != 0) goto cleanup;
    if (edge_routes_n + 1 <= EDGE_METRICS_MAX_ROUTES) {
        memcpy(metric_labels, edge_route_labels, edge_routes_n * sizeof metric_labels[0]);
        metric_labels[edge_routes_n] = EDGE_METRIC_STATIC_LABEL;
        edge.metrics = edge_metrics_new(metric_labels, edge_routes_n + 1);
    }
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
    edge.budget = edge_budget_new(threads, node->max_streams, node->max_streams_per_address,
                                  node->max_connections_per_address,
                                  (const char *const *)node->trusted_addresses,
                                  node->n_trusted_addresses);
    if (!edge.budget) {
        gv_error("out of memory at start", "node=%s", name);
        goto cleanup;
    }
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
    gv_info("edge limits", "max_streams=%u max_streams_per_address=%u "
            "max_connections_per_address=%u header_timeout_ms=%u", node->max_streams,
            node->max_streams_per_address, node->max_connections_per_address,
            node->header_timeout_ms);

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
    edge_budget_destroy(&edge.budget);
    edge_control_destroy(&edge.control);
    if (mg_ready) mg_exit_library();
    edge_pcache_destroy(&edge.problems);
    edge_ratelimit_destroy(&edge.logins);
    edge_metrics_destroy(&edge.metrics);
    edge_web_destroy(&edge.web);
    sodium_memzero(edge.token_key, sizeof edge.token_key);
    if (rc == 0) gv_info("edge stopped", "node=%s", name);
    gv_config_destroy(&cfg); /* `name` points into it */
    zsys_shutdown();
    return rc;
}
