/*  job — judge one submission whose test data is already on disk: prepare a fresh work
 *  directory, compile, run every test under the runner, check each output, and stop at the
 *  first failure. No networking here (worker.c fetches, reports and calls this), so the whole
 *  pipeline can be tested with real compilers and no cluster.
 *
 *  Directories: `work_dir` is the program's cwd. It is removed and made again for every job,
 *  owned by the run user (0700) for compiling; after a successful compile it is handed to
 *  root with group = the run user's group and no write bits, so tests cannot change the
 *  program or leave files for the next test. `out_dir` is the judge's own (0700): program
 *  output and the compile log are written there through descriptors the judge opened.
 *
 *  Placeholders in the language's commands: {src} = the source file name, {exe} = "./exe",
 *  {dir} = "." — all relative to the work directory, which is the cwd of every command, so
 *  the run user never needs to reach the data directory by path.
 *
 *  Verdicts: a run that could not be made (fork, exec, cancel) is JE, never the contestant's
 *  fault. time_ms is the CPU time, or the wall time for a test killed at the wall limit.
 */
#ifndef JOB_H
#define JOB_H

#include "checker.h"
#include "languages.h"
#include "runner.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define JOB_COMPILE_MEMORY_KB (1024u * 1024u)   /* 1 GiB */
#define JOB_COMPILE_OUTPUT_KEEP (64u * 1024u)   /* compile_output is cut here */
#define JOB_COMPILE_FILE_LIMIT (256ull << 20)   /* RLIMIT_FSIZE while compiling */
#define JOB_EXE "./exe"

typedef struct {
    uint32_t n;
    const char *input_path, *answer_path;
} job_test_t;

typedef void(job_test_fn)(void *arg, uint32_t n); /* called before test n runs */

typedef struct {
    const language_t *lang;
    const void *source;
    size_t source_len;
    const char *work_dir, *out_dir; /* absolute */
    const runner_user_t *user;
    uint32_t time_limit_ms;
    uint64_t memory_limit_kb;
    uint64_t output_limit_bytes;
    uint32_t max_processes; /* RLIMIT_NPROC for runs (uid-wide); 0 = leave */
    int cancel_fd;          /* -1 = none */
    const checker_t *checker;
    const job_test_t *tests;
    size_t n_tests;
    job_test_fn *on_test;
    void *arg;
} job_spec_t;

typedef struct {
    uint32_t n;
    char verdict[4];
    uint32_t time_ms;
    uint64_t memory_kb;
} job_test_result_t;

typedef struct {
    char verdict[4]; /* AC WA TLE MLE RTE OLE CE JE */
    uint32_t time_ms;   /* max over the tests run */
    uint64_t memory_kb; /* max over the tests run */
    char *compile_output; /* valid UTF-8, at most JOB_COMPILE_OUTPUT_KEEP + a note; or NULL */
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

#endif
