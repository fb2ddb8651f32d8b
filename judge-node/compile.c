/*  compile — prepare, compile (or copy from the cache) and lock a program's directory
 *  (see compile.h). */
#include "compile.h"
#include "gv_log.h"
#include "jtiming.h"

#include <czmq.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#define UNMOUNT_TRIES 8 /* stacked mounts a crashed judge may have left on one directory */

/* Work directories as tmpfs (compile_workdir_init); off: plain directories on the judge's
 * disk, as before. */
static struct {
    bool on;
    uint64_t size_kb;
    uint32_t inodes;
} s_work;

void compile_result_clear(compile_result_t *res)
{
    free(res->output);
    memset(res, 0, sizeof *res);
}

/* Walks the tree under the open directory dfd by descriptors only (openat with O_NOFOLLOW, and
 * checks on what was actually opened), so a program of another slot that swaps a directory
 * for a symlink mid-walk cannot make root touch anything outside the tree.
 *   lock == NULL: delete every entry.
 *   lock != NULL: after a compile — root owns everything, lock's group may read (and execute
 *   what was executable), nobody may write. Anything the compile did not make itself (not
 *   owned by the run user, not a regular file or directory, or a hard link to a file
 *   elsewhere) is deleted rather than handed over. */
DIR *compile_opendir_fd(int dfd, int depth, int max_depth)
{
    int dup_fd = depth < max_depth ? fcntl(dfd, F_DUPFD_CLOEXEC, 0) : -1;
    DIR *d = dup_fd >= 0 ? fdopendir(dup_fd) : NULL;
    if (!d && dup_fd >= 0)
        close(dup_fd);
    return d;
}

static int s_walk(int dfd, const runner_user_t *lock, int depth)
{
    DIR *d = compile_opendir_fd(dfd, depth, 64);
    if (!d)
        return -1;
    int rc = 0;
    struct dirent *de;
    while (rc == 0 && (de = readdir(d))) {
        const char *name = de->d_name;
        if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
            continue;
        int fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
        struct stat st;
        bool is_dir = fd >= 0 && fstat(fd, &st) == 0 && S_ISDIR(st.st_mode);
        if (is_dir) {
            rc = s_walk(fd, lock, depth + 1);
            if (rc == 0 && lock && (fchown(fd, 0, lock->gid) != 0 || fchmod(fd, 0550) != 0))
                rc = -1;
        } else if (lock && fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
                   st.st_uid == lock->uid && st.st_nlink == 1) {
            mode_t owner = st.st_mode & 0500;
            if (fchown(fd, 0, lock->gid) != 0 || fchmod(fd, owner | (owner >> 3)) != 0)
                rc = -1;
            close(fd);
            continue;
        }
        if (fd >= 0)
            close(fd);
        if (rc == 0 && (!lock || !is_dir) &&
            unlinkat(dfd, name, is_dir ? AT_REMOVEDIR : 0) != 0 && errno != ENOENT)
            rc = -1;
    }
    closedir(d);
    return rc;
}

int compile_rmtree(const char *path)
{
    /* A work directory may be a tmpfs (compile_workdir_init): detach it first, which frees
     * its whole content at once. EINVAL (not a mount point) ends the loop at once. */
    for (int i = 0; s_work.on && i < UNMOUNT_TRIES; i++)
        if (umount2(path, MNT_DETACH | UMOUNT_NOFOLLOW) != 0)
            break;
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return errno == ENOENT ? 0 : unlink(path) == 0 || errno == ENOENT ? 0 : -1;
    int rc = s_walk(fd, NULL, 0);
    close(fd);
    return rc == 0 && rmdir(path) != 0 && errno != ENOENT ? -1 : rc;
}

static int s_lock_down(const char *dir, const runner_user_t *user)
{
    if (!user->drop)
        return 0; /* not root: the run user is the judge itself, nothing to protect from */
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return -1;
    int rc = s_walk(fd, user, 0);
    if (rc == 0 && (fchown(fd, 0, user->gid) != 0 || fchmod(fd, 0550) != 0))
        rc = -1;
    close(fd);
    return rc;
}

static int s_mount_work(const char *dir)
{
    char opts[96];
    snprintf(opts, sizeof opts, "size=%lluk,nr_inodes=%u,mode=0700",
             (unsigned long long)s_work.size_kb, s_work.inodes);
    return mount("gavel-work", dir, "tmpfs", MS_NOSUID | MS_NODEV, opts);
}

bool compile_workdir_init(uint64_t size_kb, uint32_t inodes, const char *probe_dir, char *why,
                          size_t whylen)
{
    s_work.on = false;
    s_work.size_kb = size_kb;
    s_work.inodes = inodes;
    why[0] = '\0';
    if (geteuid() != 0) {
        snprintf(why, whylen, "the judge is not root, so it cannot mount a tmpfs");
        return false;
    }
    int rc = compile_rmtree(probe_dir) == 0 && mkdir(probe_dir, 0700) == 0
                 ? s_mount_work(probe_dir)
                 : -1;
    int e = errno;
    if (rc == 0)
        (void)umount2(probe_dir, MNT_DETACH | UMOUNT_NOFOLLOW);
    (void)rmdir(probe_dir);
    if (rc != 0) {
        snprintf(why, whylen, "cannot mount a tmpfs on %s: %s", probe_dir, strerror(e));
        return false;
    }
    s_work.on = true;
    return true;
}

/* A fresh, empty work directory owned by the run user (0700): a tmpfs of the configured
 * size when compile_workdir_init() said so. */
static int s_fresh_dir(const char *dir, const runner_user_t *u)
{
    if (compile_rmtree(dir) != 0 || mkdir(dir, 0700) != 0 ||
        (s_work.on && s_mount_work(dir) != 0))
        return -1;
    return u->drop && chown(dir, u->uid, u->gid) != 0 ? -1 : 0;
}

/* Makes dir afresh and writes the source into it. */
static int s_prepare(const compile_spec_t *spec, const char *dir, char *why, size_t whylen)
{
    const runner_user_t *u = spec->user;
    if (s_fresh_dir(dir, u) != 0) {
        snprintf(why, whylen, "cannot make work directory %s: %s", dir, strerror(errno));
        return -1;
    }
    char *path = zsys_sprintf("%s/%s", dir, spec->lang->source_file);
    int fd = path ? open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600) : -1;
    const char *p = spec->source;
    size_t left = spec->source_len;
    bool ok = fd >= 0 && (!u->drop || fchown(fd, u->uid, u->gid) == 0);
    while (ok && left > 0) {
        ssize_t n = write(fd, p, left);
        if (n < 0 && errno == EINTR)
            continue;
        ok = n > 0;
        p += n > 0 ? n : 0;
        left -= n > 0 ? (size_t)n : 0;
    }
    int e = errno;
    if (fd >= 0 && close(fd) != 0)
        ok = false;
    if (!ok)
        snprintf(why, whylen, "cannot write %s: %s", path ? path : "source", strerror(e));
    zstr_free(&path);
    return ok ? 0 : -1;
}

/* Reads at most COMPILE_OUTPUT_KEEP bytes of a file as valid UTF-8 (bad bytes become '?'),
 * with a note when cut. NULL when empty. */
static char *s_read_log(const char *path, const char *note)
{
    char *buf = malloc(COMPILE_OUTPUT_KEEP + 256);
    if (!buf)
        return NULL;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    size_t len = 0;
    ssize_t n = 1;
    while (fd >= 0 && len < COMPILE_OUTPUT_KEEP && n > 0) {
        n = read(fd, buf + len, COMPILE_OUTPUT_KEEP - len);
        len += n > 0 ? (size_t)n : 0;
    }
    struct stat st;
    bool cut = fd >= 0 && fstat(fd, &st) == 0 && (uint64_t)st.st_size > len;
    if (fd >= 0)
        close(fd);
    for (size_t i = 0; i < len;) { /* keep whole, well-formed UTF-8 sequences only */
        unsigned char c = (unsigned char)buf[i];
        size_t k = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
        bool good = k > 0 && i + k <= len && !(k == 1 && c == 0);
        for (size_t j = 1; good && j < k; j++)
            good = ((unsigned char)buf[i + j] >> 6) == 2;
        if (!good) {
            buf[i++] = '?';
            continue;
        }
        i += k;
    }
    int m = snprintf(buf + len, 256, "%s%s%s", cut ? "\n[compiler output cut at 64 KiB]" : "",
                     note && len ? "\n" : "", note ? note : "");
    len += (size_t)m;
    if (len == 0) {
        free(buf);
        return NULL;
    }
    return buf;
}

char **compile_env(const language_t *lang, const char *home)
{
    size_t n = 0;
    while (lang->env && lang->env[n])
        n++;
    char **env = calloc(n + 3, sizeof *env);
    if (!env)
        return NULL;
    for (size_t i = 0; i < n && env; i++)
        if (!(env[i] = strdup(lang->env[i])))
            compile_env_free(&env);
    if (env && (!(env[n] = zsys_sprintf("HOME=%s", home)) || !(env[n + 1] = strdup("TMPDIR=/tmp"))))
        compile_env_free(&env);
    return env;
}

void compile_env_free(char ***env_p)
{
    if (!env_p || !*env_p)
        return;
    for (char **e = *env_p; *e; e++)
        free(*e);
    free(*env_p);
    *env_p = NULL;
}

void compile_runner_spec(runner_spec_t *rs, const language_t *lang, char *const *env,
                         const char *cwd, const runner_user_t *user, unsigned slot,
                         int cancel_fd)
{
    runner_spec_init(rs);
    rs->env = env;
    rs->cwd = cwd;
    rs->max_processes = lang->processes;
    rs->cancel_fd = cancel_fd;
    rs->slot = slot;
    rs->binds = (const char *const *)lang->binds;
    if (user->drop) {
        rs->uid = user->uid;
        rs->gid = user->gid;
    }
}

/* After a compile in the tmpfs `dir`: a sentence when it was full, or when the compile failed
 * for lack of space (a linker deletes its half-written output, so the directory may look
 * empty again); "" otherwise. */
static void s_full_note(const char *dir, bool failed, const char *output, char *note,
                        size_t notelen)
{
    struct statvfs sv;
    note[0] = '\0';
    if (!s_work.on || statvfs(dir, &sv) != 0)
        return;
    unsigned long long mib = s_work.size_kb / 1024u;
    const char *what = sv.f_bfree == 0 && sv.f_ffree == 0 ? "all its MiB and files used"
                       : sv.f_bfree == 0                  ? "all its MiB used"
                       : sv.f_ffree == 0                  ? "all its files used"
                                                          : NULL;
    if (what)
        snprintf(note, notelen,
                 "the work directory is full (%s): %llu MiB / %u files (cluster.toml "
                 "work_size_mb / work_inodes)",
                 what, mib, s_work.inodes);
    else if (failed && output && strstr(output, strerror(ENOSPC)))
        snprintf(note, notelen,
                 "out of disk space: the work directory holds at most %llu MiB / %u files "
                 "(cluster.toml work_size_mb / work_inodes), /tmp at most tmp_size_mb",
                 mib, s_work.inodes);
}

/* Runs the compiler in dir: COMPILE_OK, _CE or _JE/_CANCELLED with res filled. */
static compile_status_t s_compile(const compile_spec_t *spec, const char *dir,
                                  compile_result_t *res)
{
    const language_t *l = spec->lang;
    char **argv = languages_argv(l->compile, l->source_file, COMPILE_EXE, ".");
    char **env = compile_env(l, dir);
    compile_status_t st = COMPILE_JE;
    if (!argv || !env) {
        snprintf(res->message, sizeof res->message, "out of memory");
        goto done;
    }
    runner_spec_t rs;
    compile_runner_spec(&rs, l, env, dir, spec->user, spec->slot, spec->cancel_fd);
    rs.argv = argv;
    rs.stdout_path = rs.stderr_path = spec->log_path;
    rs.cpu_limit_ms = l->compile_time_limit_ms;
    rs.wall_limit_ms = 2 * l->compile_time_limit_ms + 1000;
    rs.memory_limit_kb = COMPILE_MEMORY_KB;
    rs.output_limit_bytes = COMPILE_FILE_LIMIT;
    if (rs.max_processes < COMPILE_PROCESSES_MIN)
        rs.max_processes = COMPILE_PROCESSES_MIN;
    if (rs.max_processes < spec->max_processes)
        rs.max_processes = spec->max_processes;
    runner_result_t rr;
    runner_run(&rs, &rr);
    if (rr.cancelled || !runner_healthy()) {
        st = COMPILE_CANCELLED;
    } else if (rr.status == RUN_JE) {
        snprintf(res->message, sizeof res->message, "cannot run the compiler: %s", rr.message);
    } else {
        char note[320] = "", full[256];
        if (rr.status == RUN_TLE || rr.status == RUN_MLE || rr.status == RUN_OLE)
            snprintf(note, sizeof note, "[compilation stopped: %s]", rr.message);
        res->output = s_read_log(spec->log_path, note[0] ? note : NULL);
        s_full_note(dir, rr.status == RUN_RTE, res->output, full, sizeof full);
        st = rr.status == RUN_OK && !full[0] ? COMPILE_OK : COMPILE_CE;
        if (full[0]) { /* over the bound: CE whatever the compiler made of it */
            char *with = zsys_sprintf("%s%s[compilation stopped: %s]",
                                      res->output ? res->output : "", res->output ? "\n" : "",
                                      full);
            if (with) {
                free(res->output);
                res->output = with;
            }
            snprintf(res->message, sizeof res->message, "compiler: %s", full);
        } else if (st == COMPILE_CE) {
            snprintf(res->message, sizeof res->message, "compiler: %s", rr.message);
        }
    }
done:
    unlink(spec->log_path);
    compile_env_free(&env);
    languages_argv_free(&argv);
    return st;
}

/* With tmpfs work directories the compiler runs in <dir>.build, and its output is copied into
 * dir by the judge: the build's pages are charged to the slot's memory cgroup, which the runs
 * reuse, and a tmpfs cannot give them back while mounted. So the build is unmounted, and the
 * runs see only the copy (charged to the judge, as a cache hit's copy is). */
static compile_status_t s_build(const compile_spec_t *spec, compile_result_t *res,
                                const char *key)
{
    char *build = s_work.on ? zsys_sprintf("%s.build", spec->dir) : NULL;
    const char *dir = build ? build : spec->dir;
    compile_status_t st = COMPILE_JE;
    if (s_work.on && !build) {
        snprintf(res->message, sizeof res->message, "out of memory");
        return st;
    }
    if (build && s_prepare(spec, build, res->message, sizeof res->message) != 0)
        goto done;
    long long t = jtiming_us();
    st = s_compile(spec, dir, res);
    jtiming_mark(&t, "compile.gcc");
    if (st == COMPILE_OK && spec->cache &&
        compilecache_store(spec->cache, key, dir, spec->lang->source_file, res->output) != 0)
        gv_warn("compile not cached", "lang=%s key=%.16s", spec->lang->id, key);
    jtiming_mark(&t, "compile.cache_store");
    const runner_user_t *u = spec->user;
    if (st == COMPILE_OK && build &&
        compilecache_copy_dir(build, spec->dir, u->drop ? u->uid : (uid_t)-1, u->gid,
                              spec->lang->source_file) != 0) {
        int e = errno;
        st = e == ENOSPC ? COMPILE_CE : COMPILE_JE;
        snprintf(res->message, sizeof res->message, "cannot copy the compiled program to %s: %s",
                 spec->dir, strerror(e));
    }
done:
    if (build && compile_rmtree(build) != 0)
        gv_warn("cannot remove a build directory", "dir=%s err=\"%s\"", build, strerror(errno));
    zstr_free(&build);
    return st;
}

void compile_run(const compile_spec_t *spec, compile_result_t *res)
{
    memset(res, 0, sizeof *res);
    const runner_user_t *u = spec->user;
    long long t = jtiming_us();
    if (s_prepare(spec, spec->dir, res->message, sizeof res->message) != 0) {
        res->status = COMPILE_JE;
        return;
    }
    jtiming_mark(&t, "compile.workdir_setup");
    if (!spec->lang->compile) {
        res->status = COMPILE_OK;
    } else {
        char key[COMPILECACHE_KEY_LEN + 1] = "";
        char *log = NULL;
        int hit = 0;
        if (spec->cache) {
            compilecache_key(spec->lang, spec->source, spec->source_len, key);
            hit = compilecache_fetch(spec->cache, key, spec->dir, u->drop ? u->uid : (uid_t)-1,
                                     u->gid, &log);
            jtiming_mark(&t, "compile.cache_lookup");
            if (hit < 0 && s_prepare(spec, spec->dir, res->message, sizeof res->message) != 0) {
                free(log);
                res->status = COMPILE_JE;
                return;
            }
        }
        if (hit == 1) {
            res->status = COMPILE_OK;
            res->cached = true;
            res->output = log && *log ? log : NULL;
            if (!res->output)
                free(log);
        } else {
            free(log);
            res->status = s_build(spec, res, key);
            t = jtiming_us();
        }
    }
    if (res->status == COMPILE_OK && s_lock_down(spec->dir, u) != 0) {
        res->status = COMPILE_JE;
        snprintf(res->message, sizeof res->message, "cannot protect the work directory %s: %s",
                 spec->dir, strerror(errno));
    }
    jtiming_mark(&t, "compile.lock_down");
}
