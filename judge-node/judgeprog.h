/*  judgeprog — the problem's own programs: custom checkers (testlib or Kattis output
 *  validator) and interactors (Kattis protocol), compiled once through the compile cache and
 *  run under the runner with limits of their own (judgeprog_limits).
 *
 *  Every run happens in the program's locked directory (its cwd, bind-mounted by the sandbox).
 *  For each test the judge stages t/input, t/answer and (testlib) t/output there — hard links
 *  when possible, copies otherwise — and a writable t/feedback/ for Kattis programs, so the
 *  program needs no path outside its directory. Commands (relative to the cwd):
 *
 *    testlib checker  <run argv> t/input t/output t/answer      exit 0 AC, 1 WA, 2 PE = WA,
 *                                                               3 fail = JE, other = JE
 *    kattis validator <run argv> t/input t/answer t/feedback/ < output    42 AC, 43 WA, else JE
 *    interactor       <run argv> t/input t/answer t/feedback/   stdin = the submission's
 *                     stdout, stdout = its stdin (runner_run_interactive)
 *
 *  A program that crashes, runs out of time or memory, or exits with any other code is a judge
 *  error (CHECK_FAIL), never an accept. Its message for people — testlib's stderr, or Kattis's
 *  t/feedback/judgemessage.txt — comes back cut to the caller's buffer.
 */
#ifndef JUDGEPROG_H
#define JUDGEPROG_H

#include "checker.h"
#include "compile.h"

#define JUDGEPROG_TIME_FACTOR 10
#define JUDGEPROG_TIME_MAX_MS 30000
#define JUDGEPROG_MEMORY_KB (1024u * 1024u)      /* 1 GiB */
#define JUDGEPROG_FILE_LIMIT (64ull << 20)      /* what it may write (feedback, stderr) */
#define JUDGEPROG_PROCESSES_MIN 4
#define JUDGEPROG_MESSAGE_MAX 4096

typedef struct judgeprog judgeprog_t;

/* Builds the program of `desc` (custom kind) from its source, in directory `dir` (absolute,
 * reachable by the run user), using `log_path` as scratch. NULL with a sentence in why when it
 * does not compile or cannot be built — always a judge error. time_limit_ms is the problem's;
 * the program gets JUDGEPROG_TIME_FACTOR times it, at most JUDGEPROG_TIME_MAX_MS. */
judgeprog_t *judgeprog_new(const checker_t *desc, const language_t *lang, const void *src,
                           size_t len, const char *dir, const char *log_path,
                           const runner_user_t *user, unsigned slot, int cancel_fd,
                           compilecache_t *cache, uint32_t time_limit_ms, char *why,
                           size_t whylen);
void judgeprog_destroy(judgeprog_t **self_p);

/* Reads a program's source file (at most max bytes) into a malloc'd buffer (caller frees).
 * NULL with a sentence in why. */
char *judgeprog_read_source(const char *path, size_t max, size_t *len, char *why, size_t whylen);

/* Checks one test's output with the checker. `cancelled` is set when the run was cancelled. */
check_verdict_t judgeprog_check(judgeprog_t *self, const char *input_path,
                                const char *answer_path, const char *output_path, char *msg,
                                size_t msglen, bool *cancelled);

/* Runs the submission `prog` (argv, limits, cwd... its stdio is ignored) against the
 * interactor on one test. The interactor's own verdict comes back (CHECK_FAIL when it did
 * not decide: crash, timeout, other exit); both runs' results are filled. -1 when the runs
 * could not be made at all (rprog/rinter say why), else 0. */
int judgeprog_interact(judgeprog_t *self, const runner_spec_t *prog, const char *input_path,
                       const char *answer_path, runner_result_t *rprog, runner_result_t *rinter,
                       check_verdict_t *verdict, char *msg, size_t msglen);

#endif
