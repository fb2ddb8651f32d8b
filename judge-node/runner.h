/*  runner — run one program under limits and say how it ended.
 *
 *  This is the judge's only door to process creation, kept deliberately narrow: the next
 *  milestone replaces the implementation with a namespace/seccomp/cgroup sandbox behind the
 *  same two calls. Today it is rlimits + a separate user + a session and process group of the
 *  run's own (setsid):
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
 *  limit) > OLE (SIGXFSZ, or stdout reached the limit, or the sandbox's /tmp was full when the
 *  program ended: tmp_size_kb or its inode bound) > RTE (killed by a signal or exit code
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
#define RUNNER_TMP_DEFAULT_KB (64u * 1024u) /* cluster.toml tmp_size_mb default */
#define RUNNER_TMP_DEFAULT_INODES 10000u   /* cluster.toml work_inodes default */
#define RUNNER_MAX_SLOTS 1024               /* cluster.toml allows 1024 slots per judge */

typedef struct {
    char *const *argv;       /* argv[0] is the path executed (no PATH search); NULL-terminated */
    char *const *env;        /* NULL-terminated; NULL = empty environment */
    const char *cwd;         /* NULL = the judge's cwd; in the sandbox it is bind-mounted at
                                /box (argv and env words naming its host path are rewritten),
                                writable as far as its owner/mode allow */
    const char *stdin_path;  /* NULL = /dev/null */
    const char *stdout_path; /* NULL = /dev/null; created/truncated, 0600, judge-owned */
    const char *stderr_path; /* NULL = /dev/null; same path as stdout = one shared file */
    uint32_t cpu_limit_ms;   /* 0 = none */
    uint32_t wall_limit_ms;  /* 0 = none */
    uint64_t memory_limit_kb;    /* peak memory above this is MLE; 0 = none */
    uint64_t output_limit_bytes; /* RLIMIT_FSIZE; 0 = none */
    uint32_t max_processes;      /* sandbox: pids.max of the run (processes + threads);
                                    rlimits mode: RLIMIT_NPROC (per uid!); 0 = default */
    uid_t uid;                   /* RUNNER_SAME_USER = do not change user */
    gid_t gid;
    int cancel_fd; /* when readable the run is killed and reported JE "cancelled"; -1 = none */
    /* Sandbox only (ignored in rlimits mode): */
    unsigned slot;              /* the judge slot: its cgroup and network namespace */
    const char *const *binds;   /* NULL-terminated extra read-only paths, shown at their own
                                   path (toolchains, checker files...); NULL = none */
    uint64_t tmp_size_kb;       /* size of the run's private /tmp; 0 = RUNNER_TMP_DEFAULT_KB */
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

/* Sets the size of a run's private /tmp for specs that leave tmp_size_kb at 0 (the judge calls
 * it with cluster.toml's tmp_size_mb before runner_init). */
void runner_set_tmp_kb(uint64_t kb);
/* Sets how many files (inodes) a run's private /tmp holds (cluster.toml work_inodes); 0 =
 * RUNNER_TMP_DEFAULT_INODES. A run that ends with its /tmp out of blocks or inodes is OLE,
 * with a message naming the bound. */
void runner_set_tmp_inodes(uint32_t inodes);

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

/* Runs a program and its interactor at once, connected by two pipes made here: prog's stdout
 * is inter's stdin and inter's stdout is prog's stdin (both specs' stdin_path/stdout_path are
 * ignored; stderr_path is kept). Each runs under its own limits (in the sandbox the
 * interactor gets the slot's second cgroup); when one ends the other sees EOF or SIGPIPE.
 * Returns when both have ended, with both results filled as runner_run() fills one; either
 * spec's cancel_fd cancels both. 0 when both ran, -1 when either is JE. */
int runner_run_interactive(const runner_spec_t *prog, const runner_spec_t *inter,
                           runner_result_t *rprog, runner_result_t *rinter);

const char *runner_status_name(runner_status_t s); /* "OK", "TLE", ... */

/* What the launcher found it can enforce, probed once at runner_init() (a real sandboxed run
 * of /bin/true). Mode "namespaces" when every run gets fresh pid, mount, ipc and uts
 * namespaces, an empty network namespace and a minimal read-only root; otherwise "rlimits"
 * (the plain launcher: rlimits, a separate user, a process group). */
typedef struct {
    bool namespaces;    /* the sandbox is on (pid, mount, net, ipc, uts) */
    bool cgroup_ns;     /* ... and each program has its own cgroup namespace */
    bool proc_masked;   /* ... and host-wide /proc files (cmdline, kallsyms...) read empty */
    bool seccomp;       /* the system-call filter is applied to every run */
    int cgroup;         /* 0 none, 1 v1 (any controller on v1), 2 v2 */
    bool memory, pids, cpu; /* cgroup controllers in use */
    bool network_none;  /* runs have no network (an empty namespace, loopback down) */
    bool separate_user; /* runs switch to an unprivileged uid (the judge is root) */
    char missing[512];  /* sentences: what could not be enforced and why; "" = nothing */
    char details[512];  /* where things came from (cgroup paths...), for the log */
} runner_isolation_t;

/* Host directories the sandbox shows empty unless a run's binds (or cwd) lie under them:
 * what the host installed by hand, and root's home. NULL-terminated. */
#define RUNNER_N_HIDDEN_DIRS 2
extern const char *const runner_hidden_dirs[RUNNER_N_HIDDEN_DIRS + 1];
/* Index in runner_hidden_dirs of the one `path` lies under (strictly), or -1.
 * Async-signal-safe: the sandbox's init calls it. */
int runner_hidden_dir_of(const char *path);

/* The probe's result (all false before runner_init()). */
void runner_isolation(runner_isolation_t *out);
/* True when runs are isolated as the platform promises: namespaces, seccomp, a memory cgroup
 * and no network, run as another user. A judge refuses to judge otherwise unless told
 * `insecure = true`. */
bool runner_isolation_complete(const runner_isolation_t *iso);

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
