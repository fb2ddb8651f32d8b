/*  gv_cli — the command line every node binary shares:
 *
 *      gavel-<role> --config FILE --data DIR --name NODE [--http PORT]
 *
 *  Parses it, loads and validates the cluster map, and checks that NODE exists with the
 *  binary's role. Errors are sentences on stderr; the exit codes are the same everywhere:
 *  0 after --help, 2 for bad usage or a bad configuration.
 */
#ifndef GV_CLI_H
#define GV_CLI_H

#include "gv_config.h"

#include <stdbool.h>

typedef struct {
    gv_config_t *cfg;          /* owned: free with gv_config_destroy(&cli.cfg) */
    const gv_node_cfg_t *node; /* this process's [[node]] */
    const char *http;          /* --http PORT, or NULL (only when accepted) */
} gv_cli_t;

/* Returns -1 when the node should start, otherwise the exit code main() should return. */
int gv_cli_parse(int argc, char **argv, gv_role_t role, bool accepts_http, gv_cli_t *out);

#endif
