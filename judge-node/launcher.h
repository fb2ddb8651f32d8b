/*  launcher — the small process every run is forked from (private to runner.c).
 *
 *  runner_init() forks it while the judge is still single-threaded. It then serves requests on
 *  a SOCK_SEQPACKET control socket: one message per run holding a launch_req_t, the strings
 *  (cwd, argv, env) and, as SCM_RIGHTS, four descriptors — a reply socket, stdin, stdout,
 *  stderr. It forks the run, enforces the wall-clock limit, and when the run ends kills its
 *  process group, reaps every process of it, sweeps orphans that left the group (it is the
 *  child subreaper) and writes one launch_reply_t to the reply socket. The client cancels a
 *  run by closing its end of the reply socket. EOF on the control socket ends the launcher.
 */
#ifndef LAUNCHER_H
#define LAUNCHER_H

#include <stdint.h>
#include <sys/types.h>

#define LAUNCH_MAGIC 0x4756524cu       /* "GVRL" */
#define LAUNCH_MAX_REQ (64u * 1024u)   /* header + strings, one datagram */
#define LAUNCH_MAX_ARGS 1024           /* argv and env entries each */
#define LAUNCH_NFDS 4                  /* reply socket, stdin, stdout, stderr */

typedef struct {
    uint32_t magic;
    uint32_t cpu_limit_ms, wall_limit_ms, max_processes;
    uint64_t memory_limit_kb, output_limit_bytes;
    uint32_t uid, gid, drop;
    uint32_t slot, aux;   /* aux: the slot's second cgroup (an interactor beside a program) */
    uint64_t tmp_size_kb;
    uint32_t tmp_inodes;  /* nr_inodes of the run's /tmp; 0 = RUNNER_TMP_DEFAULT_INODES */
    uint32_t argc, envc, bindc;
    uint32_t strings_len; /* cwd ("" = stay), argv[argc], env[envc], binds[bindc]; each
                             NUL-terminated */
} launch_req_t;

typedef enum { LAUNCH_EXITED, LAUNCH_SIGNALED, LAUNCH_FAILED } launch_how_t;

/* Where setting up the child failed (LAUNCH_FAILED). */
typedef enum {
    STAGE_NONE, STAGE_REQUEST, STAGE_FORK, STAGE_SETSID, STAGE_DUP2, STAGE_CHDIR,
    STAGE_RLIMIT, STAGE_SETGROUPS, STAGE_SETGID, STAGE_SETUID, STAGE_EXECVE,
    STAGE_PIDFD, STAGE_BUSY, STAGE_NAMESPACE, STAGE_MOUNT, STAGE_CGROUP, STAGE_SECCOMP
} launch_stage_t;

typedef struct {
    int32_t how; /* launch_how_t */
    int32_t exit_code, term_signal;
    int32_t err_stage, err_errno; /* LAUNCH_FAILED only */
    uint32_t cpu_ms, wall_ms;
    uint64_t peak_kb;
    uint32_t wall_killed, cpu_killed;
    uint32_t oom_killed; /* the memory cgroup's OOM killer killed inside the run */
    uint32_t tmp_full;   /* LAUNCH_TMP_FULL_* bits: the run's /tmp was full when it ended */
} launch_reply_t;

#define LAUNCH_TMP_FULL_BYTES 1u /* no free blocks (tmp_size_kb reached) */
#define LAUNCH_TMP_FULL_FILES 2u /* no free inodes (tmp_inodes reached) */

/* The first message on the control socket, right after start: the isolation probe's result
 * (runner_isolation_t, see runner.h). */

/* Forks the launcher. Returns its pid and the judge's end of the control socket in *ctl_fd,
 * or -1. Must be called while the caller has a single thread. */
pid_t launcher_start(int *ctl_fd);

const char *launcher_stage_name(int32_t stage);

#endif
