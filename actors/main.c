/*  gavel-actors — the actor node binary.
 *
 *      gavel-actors --config FILE --data DIR --name NODE
 *
 *  Loads cluster.toml, opens <data>/<node>/lmdb, starts the actors the config places on this
 *  node and runs the group-commit loop (node.h) until SIGTERM or SIGINT, then exits 0.
 *  Exit status 2: bad command line or configuration (the reason is on stderr); 1: the node
 *  could not start (storage, keys).
 */
#include "gv_cli.h"
#include "gv_config.h"
#include "gv_log.h"
#include "node.h"

#include <czmq.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
    gv_cli_t cli;
    int early = gv_cli_parse(argc, argv, GV_ROLE_ACTORS, false, &cli);
    if (early >= 0)
        return early;
    gv_config_t *cfg = cli.cfg;
    const gv_node_cfg_t *me = cli.node;
    gv_log_init(me->name);
    /* Installs CZMQ's SIGINT/SIGTERM handler (zsys_interrupted) before the slow start-up. */
    zsys_init();
    zsys_set_logstream(stderr); /* stdout is not for logs */

    node_opts_t opts = {
        .cfg = cfg,
        .data_dir = cfg->data_dir,
        .name = me->name,
        .actors = (const char *const *)me->actors,
        .n_actors = me->n_actors,
        .contests = me->contests,
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
