/*  job — judge one submission whose test data is already on disk: compile it (compile.c, with
 *  the compile cache), run every test under the runner, check each output (built-in checker,
 *  or the problem's custom checker / interactor built by the caller with judgeprog.c), and
 *  stop at the first failure unless run_all. No networking here (worker.c fetches, reports and
 *  calls this), so the whole pipeline can be tested with real compilers and no cluster.
 *
 *  Directories: `work_dir` is the program's cwd (see compile.h: made afresh, locked after the
 *  compile). `out_dir` is the judge's own (0700): program output and the compile log are
 *  written there through descriptors the judge opened.
 *
 *  Verdicts per test: AC, WA, TLE (CPU or wall), MLE, OLE, RTE; the job's verdict is the first
 *  failing test's (CE when it does not compile). A run that could not be made (fork, exec),
 *  a checker or interactor that fails, or anything else on the judge's side is JE for the whole
 *  job, never the contestant's fault; a cancelled run (the judge is stopping) gives no verdict.
 *  time_ms is the CPU time, or the wall time for a test killed at the wall limit.
 *
 *  Interactive tests: the interactor's verdict decides when the submission ran fine; when the
 *  submission failed (TLE, MLE, RTE) that is the verdict, unless the interactor had already
 *  answered WA (the submission then died of SIGPIPE or exited non-zero on EOF, or ran on
 *  until a limit long after the interactor ended). An interactor that did not decide (crash,
 *  timeout, other exit code) is JE unless the submission failed by itself.
 */
#ifndef JOB_H
#define JOB_H

#include "checker.h"
#include "compile.h"
#include "judgeprog.h"
#include "languages.h"
#include "runner.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define JOB_COMPILE_OUTPUT_KEEP COMPILE_OUTPUT_KEEP
#define JOB_MESSAGE_MAX 256

#define JOB_GROUP_MAX 64 /* a test group's name (subtask), as in the problem's manifest */

typedef struct {
    uint32_t n;
    const char *input_path, *answer_path;
    char group[JOB_GROUP_MAX + 1]; /* "" = none */
} job_test_t;

typedef struct {
    uint32_t n;
    char verdict[4];
    uint32_t time_ms;
    uint64_t memory_kb;
    char message[JOB_MESSAGE_MAX]; /* checker's message / why it failed (for the judge's log) */
    char group[JOB_GROUP_MAX + 1]; /* the test's group, copied from job_test_t */
} job_test_result_t;

/* Called before test n runs, with the result of the test run just before it (NULL for the
 * first), so the judge can report results as they come. */
typedef void(job_test_fn)(void *arg, uint32_t n, const job_test_result_t *prev);

typedef struct {
    const language_t *lang;
    const void *source;
    size_t source_len;
    const char *work_dir, *out_dir; /* absolute */
    const runner_user_t *user;
    uint32_t time_limit_ms;
    uint32_t wall_limit_ms; /* of each run; 0 = job_wall_limit_ms() with the defaults */
    uint64_t memory_limit_kb;
    uint64_t output_limit_bytes;
    uint32_t max_processes; /* at least this many processes per run besides the language's
                               own count (rlimits mode: RLIMIT_NPROC is uid-wide); 0 = none */
    int cancel_fd;          /* -1 = none */
    unsigned slot;          /* the judge slot (sandbox cgroup, uid) */
    compilecache_t *cache;  /* NULL = always compile */
    bool run_all;           /* run every test even after a failure (problems with subtasks) */
    const checker_t *checker; /* built-in kinds; ignored when custom or interactor is set */
    judgeprog_t *custom;      /* the custom checker, built; NULL = use checker */
    judgeprog_t *interactor;  /* interactive problem: NULL = plain stdin/stdout tests */
    const job_test_t *tests;
    size_t n_tests;
    job_test_fn *on_test;
    void *arg;
} job_spec_t;


typedef struct {
    char verdict[4]; /* AC WA TLE MLE RTE OLE CE JE */
    uint32_t time_ms;   /* max over the tests run */
    uint64_t memory_kb; /* max over the tests run */
    char *compile_output; /* valid UTF-8, at most COMPILE_OUTPUT_KEEP + a note; or NULL */
    bool compile_cached;  /* the compile was copied from the cache */
    job_test_result_t *tests;
    size_t n_tests;
    bool cancelled;     /* the judge is stopping (or lost its launcher): report nothing, the
                           job will be requeued */
    char message[512];  /* why, for the log (JE reason, first WA difference, ...) */
} job_result_t;

/* Judges one submission; always fills *res (free with job_result_clear). */
void job_run(const job_spec_t *spec, job_result_t *res);
void job_result_clear(job_result_t *res);
/* Makes *res a judge error with no tests; the message is also the compile_output shown. */
void job_result_je(job_result_t *res, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Removes a directory tree (no symlinks followed). 0, or -1 with errno. */
int job_rmtree(const char *path);

/* The wall-clock limit of a run with CPU limit time_ms: the larger of time_ms x percent / 100
 * and time_ms + extra_ms (cluster.toml [judging] wall_time_percent / wall_time_extra_ms, like
 * DOMjudge's "2s|50%" overshoot: short limits get room for start-up and a loaded host, long
 * ones a proportion), capped at UINT32_MAX. */
uint32_t job_wall_limit_ms(uint32_t time_ms, uint32_t percent, uint32_t extra_ms);

#endif
