/*  gavel-actors — the actor node binary.
 *
 *      gavel-actors --config FILE --data DIR --name NODE
 *
 *  Loads cluster.toml, opens <data>/<node>/lmdb, starts the actors the config places on this
 *  node and runs the group-commit loop (node.h) until SIGTERM or SIGINT, then exits 0.
 *  Exit status 2: bad command line or configuration (the reason is on stderr); 1: the node
 *  could not start (storage, keys).
 */
#include "gv_config.h"
#include "gv_log.h"
#include "node.h"

#include <czmq.h>
#include <stdio.h>
#include <string.h>

#define EXIT_USAGE 2

static void s_usage(FILE *f)
{
    fprintf(f, "usage: gavel-actors --config FILE --data DIR --name NODE\n"
               "  Runs the actor node NODE of the cluster described by FILE, keeping its\n"
               "  state under DIR/NODE/lmdb.\n");
}

int main(int argc, char **argv)
{
    const char *config = NULL, *data = NULL, *name = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            s_usage(stdout);
            return 0;
        }
        if (i + 1 >= argc) {
            fprintf(stderr, "gavel-actors: `%s` needs a value\n", a);
            s_usage(stderr);
            return EXIT_USAGE;
        }
        if (!strcmp(a, "--config"))
            config = argv[++i];
        else if (!strcmp(a, "--data"))
            data = argv[++i];
        else if (!strcmp(a, "--name"))
            name = argv[++i];
        else {
            fprintf(stderr, "gavel-actors: unknown option `%s`\n", a);
            s_usage(stderr);
            return EXIT_USAGE;
        }
    }
    if (!config || !data || !name) {
        fprintf(stderr, "gavel-actors: --config, --data and --name are all required\n");
        s_usage(stderr);
        return EXIT_USAGE;
    }
    gv_log_init(name);
    /* Installs CZMQ's SIGINT/SIGTERM handler (zsys_interrupted) before the slow start-up. */
    zsys_init();
    zsys_set_logstream(stderr); /* stdout is not for logs */

    char err[1024] = "";
    gv_config_t *cfg = gv_config_load(config, data, err, sizeof err);
    if (!cfg) {
        fprintf(stderr, "gavel-actors: %s\n", err[0] ? err : "cannot load the configuration");
        return EXIT_USAGE;
    }
    const gv_node_cfg_t *me = gv_config_node(cfg, name);
    if (!me || me->role != GV_ROLE_ACTORS) {
        fprintf(stderr, "gavel-actors: %s: %s\n", config,
                me ? "this node is not an actor node (role must be \"actors\")"
                   : "no node with this name; check --name against the [[node]] entries");
        gv_config_destroy(&cfg);
        return EXIT_USAGE;
    }
    node_opts_t opts = {
        .cfg = cfg,
        .data_dir = cfg->data_dir,
        .name = me->name,
        .actors = (const char *const *)me->actors,
        .n_actors = me->n_actors,
        .map_size = (me->map_size_mb ? me->map_size_mb : NODE_DEFAULT_MAP_MB) << 20,
        .reoffer_interval_ms = cfg->reoffer_interval_ms,
        .max_source_bytes = cfg->max_source_bytes,
    };
    int rc = 1;
    node_t *node = node_new(&opts);
    if (node && !zsys_interrupted)
        rc = node_run(node, cfg) == 0 ? 0 : 1;
    else if (node)
        rc = 0;
    node_destroy(&node);
    gv_config_destroy(&cfg);
    return rc;
}
