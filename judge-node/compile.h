/*  compile — turn a source into a runnable directory: make the directory afresh, write the
 *  source, compile it under the runner (or copy a cached compile), and lock the directory.
 *  Used for submissions (job.c) and for the problem's own programs (judgeprog.c).
 *
 *  The directory is owned by the run user (0700) while compiling; after a successful compile
 *  it is handed to root with group = the run user's group and no write bits, so runs cannot
 *  change the program or leave files for the next run. Compiler output goes to a judge-owned
 *  file (`log_path`) and comes back as valid UTF-8 cut at COMPILE_OUTPUT_KEEP.
 *
 *  Compiles run with the language's compile_time_limit_ms (CPU; wall 2x + 1 s), 1 GiB of
 *  memory, COMPILE_FILE_LIMIT per written file, the language's process count, binds and env.
 *  When the judge can mount (compile_workdir_init), every directory is a tmpfs bounded by
 *  cluster.toml work_size_mb / work_inodes: the compiler runs in a second one, <dir>.build,
 *  whose output the judge copies into dir and which is then unmounted (its pages were charged
 *  to the slot's memory cgroup, which the runs reuse). A compile that fills it is CE.
 *  With a cache, identical (language, version, argv, source) compiles are copied instead.
 *
 *  Placeholders in commands: {src} = the source file name, {exe} = "./exe", {dir} = "." — all
 *  relative to the directory, the cwd of every command.
 */
#ifndef COMPILE_H
#define COMPILE_H

#include "compilecache.h"
#include "languages.h"
#include "runner.h"

#include <dirent.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define COMPILE_MEMORY_KB (1024u * 1024u)  /* 1 GiB */
#define COMPILE_OUTPUT_KEEP (64u * 1024u)  /* compile_output is cut here */
#define COMPILE_FILE_LIMIT (256ull << 20)  /* RLIMIT_FSIZE while compiling */
#define COMPILE_EXE "./exe"
#define COMPILE_PROCESSES_MIN 64           /* gcc forks cc1/as/ld; javac and rustc use threads */

typedef struct {
    const language_t *lang;
    const void *source;
    size_t source_len;
    const char *dir;      /* absolute; removed and made again */
    const char *log_path; /* judge-owned scratch file */
    const runner_user_t *user;
    unsigned slot;
    int cancel_fd;           /* -1 = none */
    compilecache_t *cache;   /* NULL = always compile */
    uint32_t max_processes;  /* at least this many (besides COMPILE_PROCESSES_MIN); 0 = none */
} compile_spec_t;

typedef enum { COMPILE_OK, COMPILE_CE, COMPILE_JE, COMPILE_CANCELLED } compile_status_t;

typedef struct {
    compile_status_t status;
    char *output;      /* compiler messages (owned; NULL when none) */
    bool cached;       /* copied from the cache, no compiler run */
    char message[512]; /* why CE/JE, for the log */
} compile_result_t;

/* Prepares spec->dir, compiles and locks it; always fills *res (free with
 * compile_result_clear). A language without a compile command only gets its source. */
void compile_run(const compile_spec_t *spec, compile_result_t *res);
void compile_result_clear(compile_result_t *res);

/* A runner spec for the language's commands in `cwd` as the run user of slot: env (the
 * language's, plus HOME), binds, processes and the cancel fd filled in; no limits. */
void compile_runner_spec(runner_spec_t *rs, const language_t *lang, char *const *env,
                         const char *cwd, const runner_user_t *user, unsigned slot,
                         int cancel_fd);

/* The language's environment plus HOME=home and TMPDIR=/tmp; free with compile_env_free. */
char **compile_env(const language_t *lang, const char *home);
void compile_env_free(char ***env_p);

/* Makes every work directory compile_run() prepares a fresh tmpfs of size_kb and `inodes`
 * files, mounted by the judge (cluster.toml work_size_mb / work_inodes): a compile that
 * fills it is CE, saying which bound it hit, and the judge's disk is never touched. Probes
 * with one mount on probe_dir (made and removed here). False, with a sentence in why, when
 * the host does not allow it (not root, no CAP_SYS_ADMIN): directories stay plain. */
bool compile_workdir_init(uint64_t size_kb, uint32_t inodes, const char *probe_dir, char *why,
                          size_t whylen);

/* Removes a directory tree without following symlinks (unmounting a tmpfs work directory
 * first). 0, or -1 with errno. */
int compile_rmtree(const char *path);

/* A directory stream over a duplicate of dfd (dfd stays open and its own), for a walk that is
 * `depth` levels deep; NULL when depth reaches max_depth or on error. closedir() it. */
DIR *compile_opendir_fd(int dfd, int depth, int max_depth);

#endif
