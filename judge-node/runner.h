/*  runner — run one program under limits and say how it ended.
 *
 *  This is the judge's only door to process creation, kept deliberately narrow: the next
 *  milestone replaces the implementation with a namespace/seccomp/cgroup sandbox behind the
 *  same two calls. Today it is rlimits + a separate user + a process group:
 *
 *    - runner_init() forks a small "launcher" process (launcher.c) before the judge starts any
 *      thread. Every run is forked from that launcher, not from the judge: a forked child's
 *      peak RSS (ru_maxrss) starts at its parent's RSS, so forking from the big multi-threaded
 *      judge would report the judge's memory as the contestant's. The launcher also acts as
 *      child subreaper, so processes that leave the run's process group still die at its end.
 *    - runner_run() is thread-safe and blocks the calling thread until the run is over. It
 *      opens the stdio files itself (as the judge), so the program never needs the right to
 *      open them, then hands them to the launcher.
 *
 *  Guarantees: when runner_run() returns, every process of the run is dead (the process
 *  group is SIGKILLed at the end of every run, and orphans are swept). CPU time and peak
 *  memory are the kernel's (wait4 rusage of the program and its reaped descendants).
 *
 *  Verdict precedence in runner_result_t.status: JE (the run could not be made, or was
 *  cancelled) > TLE (CPU over the limit, or killed at the wall limit) > MLE (peak RSS over the
 *  limit) > OLE (SIGXFSZ, or stdout reached the limit) > RTE (killed by a signal or exit code
 *  != 0) > OK.
 */
#ifndef RUNNER_H
#define RUNNER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

typedef enum { RUN_OK, RUN_TLE, RUN_MLE, RUN_RTE, RUN_OLE, RUN_JE } runner_status_t;

/* The uid a run keeps when it must not change user (judge not running as root). */
#define RUNNER_SAME_USER ((uid_t)-1)

typedef struct {
    char *const *argv;       /* argv[0] is the path executed (no PATH search); NULL-terminated */
    char *const *env;        /* NULL-terminated; NULL = empty environment */
    const char *cwd;         /* NULL = the judge's cwd */
    const char *stdin_path;  /* NULL = /dev/null */
    const char *stdout_path; /* NULL = /dev/null; created/truncated, 0600, judge-owned */
    const char *stderr_path; /* NULL = /dev/null; same path as stdout = one shared file */
    uint32_t cpu_limit_ms;   /* 0 = none */
    uint32_t wall_limit_ms;  /* 0 = none */
    uint64_t memory_limit_kb;    /* peak RSS above this is MLE; 0 = none */
    uint64_t output_limit_bytes; /* RLIMIT_FSIZE; 0 = none */
    uint32_t max_processes;      /* RLIMIT_NPROC (per uid!); 0 = leave as is */
    uid_t uid;                   /* RUNNER_SAME_USER = do not change user */
    gid_t gid;
    int cancel_fd; /* when readable the run is killed and reported JE "cancelled"; -1 = none */
} runner_spec_t;

typedef struct {
    runner_status_t status;
    int exit_code;     /* valid when the program exited (term_signal == 0) */
    int term_signal;   /* signal that ended the program, 0 if it exited */
    uint32_t cpu_ms;   /* user + system */
    uint32_t wall_ms;
    uint64_t peak_kb;  /* peak resident set size */
    bool wall_killed;  /* killed because the wall-clock limit passed */
    bool cancelled;    /* killed because cancel_fd became readable */
    char message[256]; /* a sentence for people: why JE, which signal, ... */
} runner_result_t;

/* Fills a spec with safe defaults: no limits, no user change, no cancel fd, /dev/null stdio. */
void runner_spec_init(runner_spec_t *spec);

/* Starts the launcher. Call once, early, while the process has a single thread. 0 / -1. */
int runner_init(void);
/* Stops the launcher (any run still going is killed). Safe to call when not started. */
void runner_shutdown(void);
/* False once the launcher is found gone (killed, OOM): no run can be made any more, and the
 * owner should stop rather than report judge errors for every job. */
bool runner_healthy(void);

/* Runs one program; always fills *res. Returns 0 when the program ran (whatever its
 * verdict), -1 when it could not be run or was cancelled (res->status == RUN_JE). */
int runner_run(const runner_spec_t *spec, runner_result_t *res);

const char *runner_status_name(runner_status_t s); /* "OK", "TLE", ... */

/* The account submissions run as. */
typedef struct {
    uid_t uid; /* the account runs have: run_user's, or the judge's own when !drop */
    gid_t gid;
    bool drop; /* true when runs switch to uid/gid (the judge is root) */
    char name[64];
} runner_user_t;

/* Resolves `name` (e.g. "nobody"). When the judge is not root, runs keep the judge's own
 * user: *out gets drop = false and the function still returns 0 (the caller warns). -1 with
 * a sentence in err when the user does not exist or is root. */
int runner_user_lookup(const char *name, runner_user_t *out, char *err, size_t errlen);

/* True when `user` may execute `path`: every directory on the way must be searchable and the
 * file executable, judged from the mode bits for user->uid / user->gid (supplementary groups
 * are dropped in runs, so they do not count). */
bool runner_user_can_exec(const runner_user_t *user, const char *path);
/* Same for a directory the user must be able to enter by path (every directory on the way,
 * and the directory itself, searchable). */
bool runner_user_can_enter(const runner_user_t *user, const char *dir);

#endif
