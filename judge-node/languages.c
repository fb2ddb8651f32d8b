/*  languages — probe the configured languages at start (see languages.h). */
#include "languages.h"
#include "gv_log.h"

#include <czmq.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_PATH "/usr/local/bin:/usr/bin:/bin"
#define VERSION_CPU_MS 10000
#define VERSION_WALL_MS 20000
#define VERSION_OUTPUT_MAX (1u << 20)
#define VERSION_LINE_MAX 200
#define TOOLCHAIN_WALL_MS 20000 /* `rustc --print sysroot` through rustup takes ~50 ms */
#define TOOLCHAIN_OUTPUT_MAX 4096

struct languages {
    language_t *items;
    size_t n;
};

/* ---- small string helpers ----------------------------------------------------------------- */

static void s_strv_free(char **v)
{
    for (size_t i = 0; v && v[i]; i++)
        free(v[i]);
    free(v);
}

static char **s_strv_dup(char *const *src, size_t n)
{
    char **v = calloc(n + 1, sizeof *v);
    for (size_t i = 0; v && i < n; i++) {
        if (!(v[i] = strdup(src[i]))) {
            s_strv_free(v);
            return NULL;
        }
    }
    return v;
}

static int s_strv_add(char ***v, size_t *n, char *s) /* takes s */
{
    char **grown = s ? realloc(*v, (*n + 2) * sizeof **v) : NULL;
    if (!grown) {
        free(s);
        return -1;
    }
    grown[(*n)++] = s;
    grown[*n] = NULL;
    *v = grown;
    return 0;
}

/* Replaces every occurrence of name in s by val. Returns a new string. */
static char *s_subst(const char *s, const char *name, const char *val)
{
    size_t nl = strlen(name), vl = strlen(val), count = 0;
    for (const char *p = strstr(s, name); p; p = strstr(p + nl, name))
        count++;
    char *out = malloc(strlen(s) + count * vl + 1), *o = out;
    if (!out)
        return NULL;
    const char *p = s, *q;
    while ((q = strstr(p, name))) {
        memcpy(o, p, (size_t)(q - p));
        o += q - p;
        memcpy(o, val, vl);
        o += vl;
        p = q + nl;
    }
    strcpy(o, p);
    return out;
}

/* True when dir is one of the ':'-separated entries of list. */
static bool s_has_dir(const char *list, const char *dir)
{
    size_t n = strlen(dir);
    for (const char *p = list; *p;) {
        size_t len = strcspn(p, ":");
        if (len == n && strncmp(p, dir, n) == 0)
            return true;
        p += len + (p[len] == ':');
    }
    return false;
}

char **languages_argv(char *const *tmpl, const char *src, const char *exe, const char *dir)
{
    size_t n = 0;
    while (tmpl[n])
        n++;
    char **v = calloc(n + 1, sizeof *v);
    for (size_t i = 0; v && i < n; i++) {
        char *a = s_subst(tmpl[i], "{src}", src);
        char *b = a ? s_subst(a, "{exe}", exe) : NULL;
        v[i] = b ? s_subst(b, "{dir}", dir) : NULL;
        free(a);
        free(b);
        if (!v[i]) {
            s_strv_free(v);
            return NULL;
        }
    }
    return v;
}

void languages_argv_free(char ***argv_p)
{
    if (argv_p && *argv_p) {
        s_strv_free(*argv_p);
        *argv_p = NULL;
    }
}

/* ---- resolution ------------------------------------------------------------------------- */

/* True when the user's permission bits in st include `bit` (1 = x, 4 = r). */
static bool s_mode_has(const struct stat *st, const runner_user_t *user, mode_t bit)
{
    if (user->uid == 0)
        return true;
    if (st->st_uid == user->uid)
        return st->st_mode & (bit << 6);
    if (st->st_gid == user->gid)
        return st->st_mode & (bit << 3);
    return st->st_mode & bit;
}

/* True when `path` lies under bind `b` and the user can search every directory from b down
 * and execute the file (the sandbox makes b's parents itself). */
static bool s_exec_under_bind(const char *b, const char *path, const runner_user_t *user)
{
    size_t bl = strlen(b);
    while (bl > 1 && b[bl - 1] == '/')
        bl--;
    if (strncmp(path, b, bl) != 0 || (path[bl] != '/' && path[bl] != '\0'))
        return false; /* under the bind, or the bind itself (a file bind) */
    char *p = strdup(path);
    bool ok = p != NULL;
    for (size_t i = bl; ok && p[i]; i++) {
        if (p[i] != '/')
            continue;
        p[i] = '\0';
        struct stat st;
        ok = stat(p, &st) == 0 && S_ISDIR(st.st_mode) && s_mode_has(&st, user, 1);
        p[i] = '/';
    }
    struct stat st;
    ok = ok && stat(path, &st) == 0 && S_ISREG(st.st_mode) && s_mode_has(&st, user, 1);
    free(p);
    return ok;
}

/* True when the sandbox hides path: it lies under one of runner_hidden_dirs and under none
 * of the binds. */
static bool s_hidden(const char *path, char *const *binds)
{
    runner_isolation_t iso;
    runner_isolation(&iso);
    if (!iso.namespaces)
        return false;
    if (runner_hidden_dir_of(path) >= 0) {
        for (size_t j = 0; binds[j]; j++) {
            size_t bl = strlen(binds[j]);
            if (strncmp(path, binds[j], bl) == 0 && (path[bl] == '/' || path[bl] == '\0'))
                return false;
        }
        return true;
    }
    return false;
}

/* binds NULL: can the user run path on the host; binds given: in the sandbox, which hides
 * /usr/local and /root but for the binds (so a PATH entry there is passed over). */
static bool s_can_exec(const char *path, const runner_user_t *user, char *const *binds)
{
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode) || (binds && s_hidden(path, binds)))
        return false;
    if (runner_user_can_exec(user, path))
        return true;
    for (size_t i = 0; binds && binds[i]; i++)
        if (s_exec_under_bind(binds[i], path, user))
            return true;
    return false;
}

/* A symlink whose target has the same file name is replaced by the target (see the header). */
static char *s_same_name_target(char *path, const runner_user_t *user, char *const *binds)
{
    char *real = realpath(path, NULL);
    const char *a = strrchr(path, '/'), *b = real ? strrchr(real, '/') : NULL;
    if (real && a && b && strcmp(a, b) == 0 && strcmp(real, path) != 0 &&
        s_can_exec(real, user, binds)) {
        free(path);
        return real;
    }
    free(real);
    return path;
}

static char *s_try_dir(const char *dir, size_t dlen, const char *name, const runner_user_t *user,
                       char *const *binds)
{
    if (dlen == 0 || dir[0] != '/')
        return NULL; /* relative PATH entries depend on the cwd: never trust them */
    char *path = zsys_sprintf("%.*s/%s", (int)dlen, dir, name);
    if (path && s_can_exec(path, user, binds))
        return s_same_name_target(path, user, binds);
    zstr_free(&path);
    return NULL;
}

static char *s_which(const char *name, const runner_user_t *user, char *const *binds)
{
    if (!name || !*name)
        return NULL;
    if (strchr(name, '/'))
        return name[0] == '/' && s_can_exec(name, user, binds) ? strdup(name) : NULL;
    const char *path = getenv("PATH");
    if (!path || !*path)
        path = DEFAULT_PATH;
    for (const char *p = path;;) {
        const char *colon = strchr(p, ':');
        size_t len = colon ? (size_t)(colon - p) : strlen(p);
        char *found = s_try_dir(p, len, name, user, binds);
        if (found)
            return found;
        if (!colon)
            break;
        p = colon + 1;
    }
    const char *home = getenv("HOME");
    if (home && *home) {
        char *cargo = zsys_sprintf("%s/.cargo/bin", home);
        char *found = cargo ? s_try_dir(cargo, strlen(cargo), name, user, binds) : NULL;
        zstr_free(&cargo);
        return found;
    }
    return NULL;
}

char *languages_which(const char *name, const runner_user_t *user)
{
    return s_which(name, user, NULL);
}

/* Resolves argv[0] of a command in place. Words with a placeholder ({exe}) stay as they are.
 * Adds the tool's directory to *path_dirs (a ':' list). -1 with the missing name in why. */
static int s_resolve(char **argv, const runner_user_t *user, char *const *binds, char **path_dirs,
                     char *why, size_t whylen)
{
    if (!argv || !argv[0] || strchr(argv[0], '{'))
        return 0;
    char *found = s_which(argv[0], user, binds);
    if (!found) {
        snprintf(why, whylen, "`%s` is not in PATH or not executable by user %s (the sandbox "
                 "hides /usr/local and /root: name a toolchain there in the language's binds)",
                 argv[0], user->name);
        return -1;
    }
    free(argv[0]);
    argv[0] = found;
    size_t dlen = (size_t)(strrchr(found, '/') - found);
    char *dir = strndup(found, dlen ? dlen : 1);
    if (dir && !s_has_dir(*path_dirs, dir)) {
        char *joined = zsys_sprintf("%s%s%s", dir, **path_dirs ? ":" : "", *path_dirs);
        if (joined) {
            free(*path_dirs);
            *path_dirs = joined;
        }
    }
    free(dir);
    return 0;
}

/* The environment every command of this language gets (the job adds HOME and TMPDIR). */
static char **s_env(const gv_lang_cfg_t *lc, const char *path_dirs)
{
    char **env = NULL;
    size_t n = 0;
    int bad = 0;
    for (size_t i = 0; i < lc->n_env; i++)
        bad |= s_strv_add(&env, &n, strdup(lc->env[i]));
    bad |= s_strv_add(&env, &n, zsys_sprintf("PATH=%s%s%s", path_dirs, *path_dirs ? ":" : "",
                                             DEFAULT_PATH));
    bad |= s_strv_add(&env, &n, strdup("LANG=C.UTF-8"));
    const char *home = getenv("HOME");
    if (home && strstr(path_dirs, "/.cargo/bin")) { /* rustup proxies find toolchains here */
        const char *ch = getenv("CARGO_HOME"), *rh = getenv("RUSTUP_HOME");
        bad |= s_strv_add(&env, &n, ch ? zsys_sprintf("CARGO_HOME=%s", ch)
                                       : zsys_sprintf("CARGO_HOME=%s/.cargo", home));
        bad |= s_strv_add(&env, &n, rh ? zsys_sprintf("RUSTUP_HOME=%s", rh)
                                       : zsys_sprintf("RUSTUP_HOME=%s/.rustup", home));
    }
    if (bad) {
        s_strv_free(env);
        return NULL;
    }
    return env;
}

/* Runs the version command as the run user; the first non-empty line of its output. */
static char *s_version(const gv_lang_cfg_t *lc, char **vargv, char **env, char **binds,
                       const runner_user_t *user, const char *probe_dir, char *why, size_t whylen)
{
    if (!vargv)
        return strdup("unknown");
    char *out_path = zsys_sprintf("%s.version", probe_dir);
    if (!out_path)
        return NULL;
    runner_spec_t spec;
    runner_spec_init(&spec);
    spec.argv = vargv;
    spec.env = env;
    spec.cwd = probe_dir;
    spec.stdout_path = spec.stderr_path = out_path; /* java -version writes to stderr */
    spec.cpu_limit_ms = VERSION_CPU_MS;
    spec.wall_limit_ms = VERSION_WALL_MS;
    spec.output_limit_bytes = VERSION_OUTPUT_MAX;
    spec.max_processes = lc->processes;
    spec.binds = (const char *const *)binds;
    if (user->drop) {
        spec.uid = user->uid;
        spec.gid = user->gid;
    }
    runner_result_t res;
    runner_run(&spec, &res);
    char *line = NULL;
    if (res.status != RUN_OK) {
        snprintf(why, whylen, "version command `%s` failed: %s", lc->version[0],
                 res.message[0] ? res.message : runner_status_name(res.status));
    } else {
        char buf[4096] = "";
        int fd = open(out_path, O_RDONLY | O_CLOEXEC);
        ssize_t n = fd >= 0 ? read(fd, buf, sizeof buf - 1) : -1;
        if (fd >= 0)
            close(fd);
        buf[n > 0 ? n : 0] = '\0';
        char *p = buf + strspn(buf, " \t\r\n");
        size_t len = strcspn(p, "\r\n");
        while (len && (p[len - 1] == ' ' || p[len - 1] == '\t'))
            len--;
        line = strndup(p, len > VERSION_LINE_MAX ? VERSION_LINE_MAX : len);
        if (line && !*line) {
            free(line);
            line = strdup("unknown");
        }
    }
    unlink(out_path);
    zstr_free(&out_path);
    return line;
}

static bool s_selected(const char *only, const char *id)
{
    if (!only)
        return true;
    size_t n = strlen(id);
    for (const char *p = only; *p;) {
        size_t len = strcspn(p, ",");
        if (len == n && strncmp(p, id, n) == 0)
            return true;
        p += len + (p[len] == ',');
    }
    return false;
}

static void s_lang_clear(language_t *l)
{
    free(l->id);
    free(l->name);
    free(l->version);
    free(l->source_file);
    s_strv_free(l->compile);
    s_strv_free(l->run);
    s_strv_free(l->env);
    s_strv_free(l->binds);
    memset(l, 0, sizeof *l);
}

/* The config's binds ({toolchain} filled in) that exist on this host (the others are noted
 * and dropped). */
static char **s_binds(const gv_lang_cfg_t *lc, const char *toolchain)
{
    char **v = calloc(1, sizeof *v);
    size_t n = 0;
    for (size_t i = 0; v && i < lc->n_binds; i++) {
        struct stat st;
        char *b = s_subst(lc->binds[i], "{toolchain}", toolchain);
        if (!b) {
            s_strv_free(v);
            return NULL;
        }
        if (stat(b, &st) != 0) {
            gv_info("language bind absent on this host, skipped", "lang=%s bind=%s", lc->id, b);
            free(b);
            continue;
        }
        if (s_strv_add(&v, &n, b) != 0) {
            s_strv_free(v);
            return NULL;
        }
    }
    return v;
}

/* Runs the language's `toolchain` command on the host, as the judge itself (rustup's proxies
 * need the judge's HOME and PATH), and returns the directory its first line names: absolute,
 * without "..", existing. NULL with a reason in why. */
static char *s_toolchain(const gv_lang_cfg_t *lc, const runner_user_t *user, char *why,
                         size_t whylen)
{
    runner_user_t self_user = *user;
    self_user.uid = geteuid();
    self_user.gid = getegid();
    self_user.drop = false;
    char *exe = s_which(lc->toolchain[0], &self_user, NULL), *dir = NULL;
    char **argv = s_strv_dup(lc->toolchain, lc->n_toolchain);
    int p[2] = {-1, -1};
    if (!exe || !argv || pipe2(p, O_CLOEXEC) != 0) {
        snprintf(why, whylen, "toolchain command `%s` %s", lc->toolchain[0],
                 exe ? "cannot be started" : "is not in PATH");
        goto done;
    }
    pid_t pid = fork();
    if (pid == 0) {
        /* Not the judge's state: main.c blocks the stop signals and ignores SIGPIPE, and
         * both survive execv; nor its descriptors. */
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        signal(SIGPIPE, SIG_DFL);
        int null = open("/dev/null", O_RDWR);
        if (dup2(p[1], 1) < 0 || null < 0 || dup2(null, 0) < 0 || dup2(null, 2) < 0)
            _exit(127);
        syscall(SYS_close_range, 3u, ~0u, 0u);
        execv(exe, argv);
        _exit(127);
    }
    close(p[1]);
    p[1] = -1;
    char buf[TOOLCHAIN_OUTPUT_MAX];
    size_t len = 0;
    struct timespec t0, t;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (;;) {
        clock_gettime(CLOCK_MONOTONIC, &t);
        long left = TOOLCHAIN_WALL_MS - ((t.tv_sec - t0.tv_sec) * 1000 +
                                         (t.tv_nsec - t0.tv_nsec) / 1000000);
        struct pollfd pfd = {.fd = p[0], .events = POLLIN};
        if (pid < 0 || left <= 0 || poll(&pfd, 1, (int)left) <= 0)
            break;
        ssize_t n = read(p[0], buf + len, sizeof buf - 1 - len);
        if (n <= 0 || (len += (size_t)n) >= sizeof buf - 1)
            break;
    }
    buf[len] = '\0';
    int status = -1;
    if (pid > 0) {
        kill(pid, SIGKILL); /* it has answered (or taken too long) */
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
            ;
    }
    buf[strcspn(buf, "\r\n")] = '\0';
    struct stat st;
    if (pid < 0 || !buf[0] || buf[0] != '/' || strstr(buf, "..") || stat(buf, &st) != 0 ||
        !S_ISDIR(st.st_mode)) {
        snprintf(why, whylen, "toolchain command `%s` printed no existing absolute directory "
                 "(got \"%.100s\")", lc->toolchain[0], buf);
        goto done;
    }
    dir = strdup(buf);
done:
    if (p[0] >= 0)
        close(p[0]);
    if (p[1] >= 0)
        close(p[1]);
    free(exe);
    s_strv_free(argv);
    return dir;
}

/* Replaces {toolchain} in every word of v, in place. -1 when out of memory. */
static int s_subst_toolchain(char **v, const char *toolchain)
{
    for (size_t i = 0; v && v[i]; i++) {
        char *w = s_subst(v[i], "{toolchain}", toolchain);
        if (!w)
            return -1;
        free(v[i]);
        v[i] = w;
    }
    return 0;
}

/* Probes one language into *l; -1 with a reason in why when it cannot be used here. */
static int s_probe(const gv_lang_cfg_t *lc, const runner_user_t *user, const char *probe_dir,
                   language_t *l, char *why, size_t whylen)
{
    char **vargv = NULL;
    char *dirs = strdup(""), *toolchain = NULL;
    int rc = -1;
    if (lc->n_toolchain && !(toolchain = s_toolchain(lc, user, why, whylen))) {
        free(dirs);
        return -1;
    }
    l->id = strdup(lc->id);
    l->name = strdup(lc->name ? lc->name : lc->id);
    l->source_file = strdup(lc->source_file);
    l->compile_time_limit_ms = lc->compile_time_limit_ms;
    l->processes = lc->processes;
    l->binds = s_binds(lc, toolchain ? toolchain : "{toolchain}");
    l->compile = lc->n_compile ? s_strv_dup(lc->compile, lc->n_compile) : NULL;
    l->run = s_strv_dup(lc->run, lc->n_run);
    vargv = lc->n_version ? s_strv_dup(lc->version, lc->n_version) : NULL;
    if (!dirs || !l->id || !l->name || !l->source_file || !l->run || !l->binds ||
        (lc->n_compile && !l->compile) || (lc->n_version && !vargv)) {
        snprintf(why, whylen, "out of memory");
        goto done;
    }
    if (toolchain && (s_subst_toolchain(l->compile, toolchain) != 0 ||
                      s_subst_toolchain(l->run, toolchain) != 0 ||
                      s_subst_toolchain(vargv, toolchain) != 0)) {
        snprintf(why, whylen, "out of memory");
        goto done;
    }
    if (toolchain)
        gv_info("language toolchain", "lang=%s dir=%s", lc->id, toolchain);
    if (s_resolve(l->compile, user, l->binds, &dirs, why, whylen) != 0 ||
        s_resolve(l->run, user, l->binds, &dirs, why, whylen) != 0 ||
        s_resolve(vargv, user, l->binds, &dirs, why, whylen) != 0)
        goto done;
    if (!(l->env = s_env(lc, dirs))) {
        snprintf(why, whylen, "out of memory");
        goto done;
    }
    l->version = s_version(lc, vargv, l->env, l->binds, user, probe_dir, why, whylen);
    rc = l->version ? 0 : -1;
done:
    s_strv_free(vargv);
    free(dirs);
    free(toolchain);
    return rc;
}

languages_t *languages_new(const gv_config_t *cfg, const char *only, const runner_user_t *user,
                           const char *probe_dir)
{
    languages_t *self = calloc(1, sizeof *self);
    if (!self || !(self->items = calloc(cfg->n_langs + 1, sizeof *self->items))) {
        free(self);
        return NULL;
    }
    for (size_t i = 0; i < cfg->n_langs; i++) {
        const gv_lang_cfg_t *lc = &cfg->langs[i];
        if (!s_selected(only, lc->id))
            continue;
        language_t *l = &self->items[self->n];
        char why[512] = "";
        if (s_probe(lc, user, probe_dir, l, why, sizeof why) != 0) {
            gv_warn("language skipped", "lang=%s reason=\"%s\"", lc->id, why);
            s_lang_clear(l);
            continue;
        }
        gv_info("language ready", "lang=%s version=\"%s\" run=%s compile=%s", l->id, l->version,
                l->run[0], l->compile ? l->compile[0] : "-");
        self->n++;
    }
    if (self->n == 0)
        gv_warn("no language can run on this judge", "run_user=%s hint=\"install the compilers "
                "named in cluster.toml, or check the PATH the judge starts with\"", user->name);
    return self;
}

void languages_destroy(languages_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    languages_t *self = *self_p;
    for (size_t i = 0; i < self->n; i++)
        s_lang_clear(&self->items[i]);
    free(self->items);
    free(self);
    *self_p = NULL;
}

size_t languages_count(const languages_t *self)
{
    return self->n;
}

const language_t *languages_at(const languages_t *self, size_t i)
{
    return i < self->n ? &self->items[i] : NULL;
}

const language_t *languages_find(const languages_t *self, const char *id)
{
    for (size_t i = 0; id && i < self->n; i++)
        if (strcmp(self->items[i].id, id) == 0)
            return &self->items[i];
    return NULL;
}
