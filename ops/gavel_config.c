/*  gavel-config — answers questions about cluster.toml for the ops scripts, with the same
 *  strict loader every node uses (so `check` passing means the nodes will accept the file).
 *
 *    gavel-config [--config FILE] [--data DIR] check          prints "ok", or the error
 *    gavel-config [--config FILE] [--data DIR] nodes [--local] "role name host endpoint" lines
 *    gavel-config [--config FILE] [--data DIR] get KEY        one value (see s_usage)
 *    gavel-config [--config FILE] [--data DIR] owner ADDRESS  the node that hosts an actor
 *
 *  Defaults: --config cluster.toml, --data var. Exit status: 0 ok, 1 usage or unknown key,
 *  2 the config is invalid.
 */
#include "gv_config.h"

#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define EXIT_USAGE 1
#define EXIT_INVALID 2

static void s_usage(FILE *out)
{
    fprintf(out,
            "usage: gavel-config [--config FILE] [--data DIR] COMMAND\n"
            "commands:\n"
            "  check             validate the file; prints \"ok\" or the error (exit 2)\n"
            "  nodes [--local]   one line per node: role name host endpoint\n"
            "                    (endpoint: the broker's router endpoint, an edge's listen\n"
            "                    address, \"-\" otherwise); --local: only this host's nodes\n"
            "  get KEY           print one value; KEY is one of\n"
            "                      cluster.name  data_dir  path  languages\n"
            "                      heartbeat.interval_ms|liveness\n"
            "                      limits.max_message_bytes|max_body_bytes|max_source_bytes|"
            "request_timeout_ms\n"
            "                      auth.token_ttl_s\n"
            "                      judging.default_time_limit_ms|output_limit_kb|cache_mb|"
            "reoffer_interval_ms\n"
            "                      broker.FIELD                (the one broker)\n"
            "                      node.NAME.FIELD  or  ROLE.NAME.FIELD (e.g. edge.edge-1.listen)\n"
            "                      languages.ID.FIELD\n"
            "  owner ADDRESS     the node hosting an actor address (accounts, contest/42)\n"
            "defaults: --config cluster.toml --data var\n");
}

/* ---- printing values ----------------------------------------------------------------- */

static void s_print_argv(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        printf("%s%s", i ? " " : "", v[i]);
    printf("\n");
}

static int s_print_str(const char *s)
{
    printf("%s\n", s ? s : "");
    return 0;
}

static int s_print_u64(uint64_t v)
{
    printf("%" PRIu64 "\n", v);
    return 0;
}

/* One field of a node. -1 when the field does not exist for this node's role. */
static int s_get_node_field(const gv_node_cfg_t *n, const char *f)
{
    if (strcmp(f, "name") == 0) return s_print_str(n->name);
    if (strcmp(f, "role") == 0) return s_print_str(gv_role_name(n->role));
    if (strcmp(f, "host") == 0) return s_print_str(n->host);
    switch (n->role) {
    case GV_ROLE_BROKER:
        if (strcmp(f, "router_endpoint") == 0) return s_print_str(n->router_endpoint);
        if (strcmp(f, "pub_endpoint") == 0) return s_print_str(n->pub_endpoint);
        if (strcmp(f, "sub_endpoint") == 0) return s_print_str(n->sub_endpoint);
        break;
    case GV_ROLE_ACTORS:
        if (strcmp(f, "actors") == 0) {
            s_print_argv(n->actors, n->n_actors);
            return 0;
        }
        if (strcmp(f, "contests") == 0) return s_print_str(n->contests ? "true" : "false");
        if (strcmp(f, "map_size_mb") == 0) return s_print_u64(n->map_size_mb);
        break;
    case GV_ROLE_EDGE:
        if (strcmp(f, "listen") == 0) return s_print_str(n->listen);
        if (strcmp(f, "threads") == 0) return s_print_u64(n->threads);
        break;
    case GV_ROLE_JUDGE:
        if (strcmp(f, "slots") == 0) return s_print_u64(n->slots);
        if (strcmp(f, "run_user") == 0) return s_print_str(n->run_user);
        if (strcmp(f, "languages") == 0) return s_print_str(n->languages_only);
        break;
    }
    return -1;
}

static int s_get_lang_field(const gv_lang_cfg_t *l, const char *f)
{
    if (strcmp(f, "id") == 0) return s_print_str(l->id);
    if (strcmp(f, "name") == 0) return s_print_str(l->name);
    if (strcmp(f, "source_file") == 0) return s_print_str(l->source_file);
    if (strcmp(f, "compile_time_limit_ms") == 0) return s_print_u64(l->compile_time_limit_ms);
    if (strcmp(f, "compile") == 0)
        s_print_argv(l->compile, l->n_compile);
    else if (strcmp(f, "run") == 0)
        s_print_argv(l->run, l->n_run);
    else if (strcmp(f, "version") == 0)
        s_print_argv(l->version, l->n_version);
    else
        return -1;
    return 0;
}

/* Splits "a.b.c" in place into at most 3 parts; returns the count, or 4 when there are more. */
static int s_split(char *key, char *part[3])
{
    int n = 0;
    for (char *p = key; p; n++) {
        if (n == 3) return 4;
        part[n] = p;
        p = strchr(p, '.');
        if (p) *p++ = '\0';
    }
    return n;
}

static int s_get(const gv_config_t *c, const char *key_in)
{
    struct {
        const char *key;
        uint64_t value;
    } nums[] = {
        {"heartbeat.interval_ms", c->heartbeat_interval_ms},
        {"heartbeat.liveness", c->heartbeat_liveness},
        {"limits.max_message_bytes", c->max_message_bytes},
        {"limits.max_body_bytes", c->max_body_bytes},
        {"limits.max_source_bytes", c->max_source_bytes},
        {"limits.request_timeout_ms", c->request_timeout_ms},
        {"auth.token_ttl_s", c->token_ttl_s},
        {"judging.default_time_limit_ms", c->judge_default_time_limit_ms},
        {"judging.output_limit_kb", c->judge_output_limit_kb},
        {"judging.cache_mb", c->judge_cache_mb},
        {"judging.reoffer_interval_ms", c->reoffer_interval_ms},
    };
    for (size_t i = 0; i < sizeof nums / sizeof nums[0]; i++)
        if (strcmp(key_in, nums[i].key) == 0) return s_print_u64(nums[i].value);
    if (strcmp(key_in, "cluster.name") == 0) return s_print_str(c->cluster_name);
    if (strcmp(key_in, "data_dir") == 0) return s_print_str(c->data_dir);
    if (strcmp(key_in, "path") == 0) return s_print_str(c->path);
    if (strcmp(key_in, "languages") == 0) {
        for (size_t i = 0; i < c->n_langs; i++)
            printf("%s%s", i ? " " : "", c->langs[i].id);
        printf("\n");
        return 0;
    }

    char key[512], *part[3];
    if (strlen(key_in) >= sizeof key) return -1;
    strcpy(key, key_in);
    int n = s_split(key, part);
    if (n == 2 && strcmp(part[0], "broker") == 0)
        return s_get_node_field(gv_config_broker(c), part[1]);
    if (n != 3) return -1;
    if (strcmp(part[0], "languages") == 0) {
        const gv_lang_cfg_t *l = gv_config_lang(c, part[1]);
        return l ? s_get_lang_field(l, part[2]) : -1;
    }
    const gv_node_cfg_t *node = gv_config_node(c, part[1]);
    if (!node) return -1;
    if (strcmp(part[0], "node") != 0 && strcmp(part[0], gv_role_name(node->role)) != 0) return -1;
    return s_get_node_field(node, part[2]);
}

/* ---- nodes ------------------------------------------------------------------------- */

static bool s_is_local(const char *host)
{
    if (strcmp(host, "127.0.0.1") == 0 || strcasecmp(host, "localhost") == 0 ||
        strcmp(host, "::1") == 0)
        return true;
    char me[HOST_NAME_MAX + 1] = {0};
    if (gethostname(me, sizeof me - 1) != 0) return false;
    return strcasecmp(host, me) == 0;
}

static void s_nodes(const gv_config_t *c, bool local_only)
{
    for (size_t i = 0; i < c->n_nodes; i++) {
        const gv_node_cfg_t *n = &c->nodes[i];
        if (local_only && !s_is_local(n->host)) continue;
        const char *ep = n->role == GV_ROLE_BROKER ? n->router_endpoint
                         : n->role == GV_ROLE_EDGE ? n->listen
                                                   : "-";
        printf("%s %s %s %s\n", gv_role_name(n->role), n->name, n->host, ep);
    }
}

int main(int argc, char **argv)
{
    const char *config = "cluster.toml", *data = "var";
    const char *args[3] = {NULL, NULL, NULL};
    int n_args = 0;
    bool local_only = false;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--config") == 0 && i + 1 < argc)
            config = argv[++i];
        else if (strcmp(argv[i], "--data") == 0 && i + 1 < argc)
            data = argv[++i];
        else if (strcmp(argv[i], "--local") == 0)
            local_only = true;
        else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            s_usage(stdout);
            return 0;
        } else if (argv[i][0] == '-' || n_args == 3) {
            fprintf(stderr, "gavel-config: unexpected argument `%s`\n", argv[i]);
            s_usage(stderr);
            return EXIT_USAGE;
        } else
            args[n_args++] = argv[i];
    }
    const char *cmd = args[0];
    bool known =
        cmd &&
        ((strcmp(cmd, "check") == 0 && n_args == 1) || (strcmp(cmd, "nodes") == 0 && n_args == 1) ||
         (strcmp(cmd, "get") == 0 && n_args == 2) || (strcmp(cmd, "owner") == 0 && n_args == 2));
    if (!known || (local_only && strcmp(cmd, "nodes") != 0)) {
        s_usage(stderr);
        return EXIT_USAGE;
    }

    char err[1024];
    gv_config_t *c = gv_config_load(config, data, err, sizeof err);
    if (!c) {
        fprintf(stderr, "%s\n", err);
        return EXIT_INVALID;
    }
    int rc = 0;
    if (strcmp(cmd, "check") == 0)
        printf("ok\n");
    else if (strcmp(cmd, "nodes") == 0)
        s_nodes(c, local_only);
    else if (strcmp(cmd, "get") == 0) {
        if (s_get(c, args[1]) != 0) {
            fprintf(stderr, "gavel-config: no key `%s` in %s (see gavel-config --help)\n", args[1],
                    config);
            rc = EXIT_USAGE;
        }
    } else {
        const char *owner = gv_config_owner(c, args[1]);
        if (owner)
            printf("%s\n", owner);
        else {
            fprintf(stderr, "gavel-config: no node hosts `%s`\n", args[1]);
            rc = EXIT_USAGE;
        }
    }
    gv_config_destroy(&c);
    return rc;
}
