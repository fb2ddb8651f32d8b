/*  languages — the languages this judge can really run, found at start.
 *
 *  For each [languages.<id>] of cluster.toml (restricted by the node's `languages` list
 *  when set), the `toolchain` command, when there is one, is run first on the host as the
 *  judge (bounded in time and output) and the directory it prints replaces {toolchain} in
 *  the commands and binds (rust: `rustc --print sysroot`). Then the first word of the
 *  compile, run and version commands is looked up in the judge's PATH, then in
 *  $HOME/.cargo/bin — never in a built-in list of paths — keeping the first candidate the
 *  run user may execute: either every directory on the host path is searchable by it, or
 *  the candidate lies under one of the language's `binds` (the sandbox shows a bind at its
 *  own path, so only the part from the bind down must be searchable); a candidate under a
 *  directory the sandbox hides (runner_hidden_dirs: /usr/local, /root) and under no bind is
 *  passed over, since runs could not see it. A candidate that is a symlink to a file of the
 *  same name (/usr/bin/java -> /usr/lib/jvm/.../bin/java) is replaced by its target, so the
 *  sandbox need not show /etc/alternatives; other symlinks (rustc -> rustup, which
 *  dispatches on its name) are kept. Binds that do not exist on this host are dropped with
 *  a note. The version command is then run as the run user (under the runner, with the
 *  binds) and the first line it prints kept. A language whose tool is missing, not
 *  executable by the run user, or whose version command fails is skipped with a warning.
 *
 *  Commands keep their {src} {exe} {dir} placeholders; languages_argv() fills them in.
 */
#ifndef LANGUAGES_H
#define LANGUAGES_H

#include "gv_config.h"
#include "runner.h"

#include <stddef.h>
#include <stdint.h>

typedef struct {
    char *id, *name, *version, *source_file;
    char **compile; /* NULL-terminated, argv[0] resolved to an absolute path; NULL = none */
    char **run;     /* NULL-terminated, same */
    uint32_t compile_time_limit_ms;
    char **env;     /* environment for this language's commands (NULL-terminated): the
                       config's `env` first, then PATH, LANG (and rustup's homes) */
    char **binds;   /* the config's binds that exist here (NULL-terminated, maybe empty) */
    uint32_t processes; /* processes + threads a run may have */
} language_t;

typedef struct languages languages_t;

/* Probes every configured language. `only` is the node's comma list (NULL = all); probe_dir
 * is a scratch directory the run user may use. Never NULL except out of memory: a judge with
 * no language still starts (and says so). */
languages_t *languages_new(const gv_config_t *cfg, const char *only, const runner_user_t *user,
                           const char *probe_dir);
void languages_destroy(languages_t **self_p);

size_t languages_count(const languages_t *self);
const language_t *languages_at(const languages_t *self, size_t i);
const language_t *languages_find(const languages_t *self, const char *id);

/* Resolves a program name the way languages_new() does: a name with a '/' is taken as is;
 * otherwise PATH then $HOME/.cargo/bin. Returns a malloc'd absolute path or NULL. */
char *languages_which(const char *name, const runner_user_t *user);

/* Copies a NULL-terminated argv, replacing {src} {exe} {dir} in every word. Caller frees with
 * languages_argv_free(). NULL when out of memory. */
char **languages_argv(char *const *tmpl, const char *src, const char *exe, const char *dir);
void languages_argv_free(char ***argv_p);

#endif
