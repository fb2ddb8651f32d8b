/*  gv_cli — shared node command line (see gv_cli.h). */
#include "gv_cli.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

static void s_usage(FILE *f, const char *prog, bool http)
{
    fprintf(f,
            "usage: %s --config FILE --data DIR --name NODE%s\n"
            "  --config FILE  the cluster map (cluster.toml)\n"
            "  --data DIR     the cluster's data directory (keys, state, sockets)\n"
            "  --name NODE    this process's [[node]] name in the config\n%s",
            prog, http ? " [--http PORT]" : "",
            http ? "  --http PORT    listen on PORT instead of the node's `listen` port\n" : "");
}

int gv_cli_parse(int argc, char **argv, gv_role_t role, bool accepts_http, gv_cli_t *out)
{
    char prog[32];
    snprintf(prog, sizeof prog, "gavel-%s", role == GV_ROLE_ACTORS ? "actors" : gv_role_name(role));
    const char *config = NULL, *data = NULL, *name = NULL;
    static const struct option opts[] = {{"config", required_argument, NULL, 'c'},
                                         {"data", required_argument, NULL, 'd'},
                                         {"name", required_argument, NULL, 'n'},
                                         {"http", required_argument, NULL, 'p'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    memset(out, 0, sizeof *out);
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, "c:d:n:p:h", opts, NULL)) != -1) {
        switch (c) {
        case 'c': config = optarg; break;
        case 'd': data = optarg; break;
        case 'n': name = optarg; break;
        case 'p':
            if (!accepts_http) {
                fprintf(stderr, "%s: --http is only for edge nodes\n", prog);
                return 2;
            }
            out->http = optarg;
            break;
        case 'h': s_usage(stdout, prog, accepts_http); return 0;
        default: s_usage(stderr, prog, accepts_http); return 2;
        }
    }
    if (!config || !data || !name || optind != argc) {
        fprintf(stderr, "%s: --config, --data and --name are all required\n", prog);
        s_usage(stderr, prog, accepts_http);
        return 2;
    }
    char err[1024] = "";
    out->cfg = gv_config_load(config, data, err, sizeof err);
    if (!out->cfg) {
        fprintf(stderr, "%s: %s\n", prog, err[0] ? err : "cannot load the configuration");
        return 2;
    }
    out->node = gv_config_node(out->cfg, name);
    if (!out->node || out->node->role != role) {
        fprintf(stderr, "%s: %s has no [[node]] with role = \"%s\" and name = \"%s\"\n", prog,
                out->cfg->path, gv_role_name(role), name);
        gv_config_destroy(&out->cfg);
        return 2;
    }
    return -1;
}
