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
#include "gv_cli.h"
#include "gv_config.h"
#include "gv_log.h"
#include "judge.h"
#include "runner.h"

#include <czmq.h>
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/signalfd.h>
#include <unistd.h>

/* Work directories are tmpfs mounts (compile.h). Made in a mount namespace of the judge's own
 * (a slave of the host's: host mounts still show here, ours never show there), they vanish
 * with the judge and its launcher even when both are killed. Must run while the process has
 * one thread: unshare() would move only the calling thread. */
static void s_private_mounts(void)
{
    if (geteuid() != 0)
        return; /* no mounts at all then (compile_workdir_init says so) */
    if (unshare(CLONE_NEWNS) != 0 || mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) != 0)
        gv_warn("no private mount namespace: work directory mounts show on the host and a "
                "killed judge leaves them behind",
                "err=\"%s\" hint=\"the next start of this judge detaches them\"",
                strerror(errno));
}

int main(int argc, char **argv)
{
    gv_cli_t cli;
    int early = gv_cli_parse(argc, argv, GV_ROLE_JUDGE, false, &cli);
    if (early >= 0)
        return early;
    gv_config_t *cfg = cli.cfg;
    const char *name = cli.node->name;
    gv_log_init(name);
    char err[2048] = "";

    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);
    int sfd = signalfd(-1, &stop, SFD_CLOEXEC | SFD_NONBLOCK);
    zsys_handler_set(NULL);
    s_private_mounts();
    runner_set_tmp_kb((uint64_t)cli.node->tmp_size_mb * 1024u);
    runner_set_tmp_inodes(cli.node->work_inodes);
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
