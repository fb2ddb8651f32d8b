/*  gavel-judge — a judge host: `gavel-judge --config FILE --data DIR --name NODE`.
 *
 *  Exit status: 0 after SIGTERM/SIGINT (running jobs are abandoned and requeued by the
 *  broker), 2 for a bad command line or config (the message says what to fix), 1 when the
 *  judge cannot start for another reason.
 *
 *  Start-up order matters: SIGTERM/SIGINT are blocked before any thread exists (so they only
 *  ever arrive through the signalfd the main loop polls, and CZMQ's own handler is off), and
 *  the runner's launcher is forked while the process is still single-threaded.
 */
#include "gv_config.h"
#include "gv_log.h"
#include "judge.h"
#include "runner.h"

#include <czmq.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

static void s_usage(FILE *f)
{
    fprintf(f, "usage: gavel-judge --config FILE --data DIR --name NODE\n"
               "  --config FILE  the cluster map (cluster.toml)\n"
               "  --data DIR     the cluster's data directory\n"
               "  --name NODE    this judge's [[node]] name in the config\n");
}

int main(int argc, char **argv)
{
    const char *config = NULL, *data = NULL, *name = NULL;
    static const struct option opts[] = {{"config", required_argument, NULL, 'c'},
                                         {"data", required_argument, NULL, 'd'},
                                         {"name", required_argument, NULL, 'n'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    int c;
    while ((c = getopt_long(argc, argv, "c:d:n:h", opts, NULL)) != -1) {
        switch (c) {
        case 'c': config = optarg; break;
        case 'd': data = optarg; break;
        case 'n': name = optarg; break;
        case 'h': s_usage(stdout); return 0;
        default: s_usage(stderr); return 2;
        }
    }
    if (!config || !data || !name || optind != argc) {
        fprintf(stderr, "gavel-judge: --config, --data and --name are all required\n");
        s_usage(stderr);
        return 2;
    }
    gv_log_init(name);

    char err[1024] = "";
    gv_config_t *cfg = gv_config_load(config, data, err, sizeof err);
    if (!cfg) {
        fprintf(stderr, "gavel-judge: %s\n", err);
        return 2;
    }
    const gv_node_cfg_t *node = gv_config_node(cfg, name);
    if (!node || node->role != GV_ROLE_JUDGE) {
        fprintf(stderr, "gavel-judge: %s has no [[node]] with role = \"judge\" and name = \"%s\"\n",
                cfg->path, name);
        gv_config_destroy(&cfg);
        return 2;
    }

    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);
    int sfd = signalfd(-1, &stop, SFD_CLOEXEC | SFD_NONBLOCK);
    zsys_handler_set(NULL);
    if (sfd < 0 || runner_init() != 0) {
        gv_error("cannot start", "error=\"%s\"", sfd < 0 ? "signalfd failed"
                                                          : "cannot fork the runner's launcher");
        gv_config_destroy(&cfg);
        return 1;
    }

    int rc = 0;
    judge_t *judge = judge_new(cfg, name, err, sizeof err);
    if (!judge) {
        gv_error("cannot start", "error=\"%s\"", err);
        rc = 1;
    } else {
        rc = judge_run(judge, sfd) == 0 ? 0 : 1;
        judge_destroy(&judge);
        gv_info("stopped", "status=%d", rc);
    }
    runner_shutdown();
    close(sfd);
    gv_config_destroy(&cfg);
    return rc;
}
