/*  sandbox_root — builds the template root (see sandbox_root.h). */
#include "sandbox_root.h"
#include "runner.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define TEMPLATE_TMPFS "size=4m,nr_inodes=16384,mode=0755"

/* Top-level host entries: a symlink is copied, a directory bound read-only. */
static const char *const s_top[] = {"usr", "bin", "sbin", "lib", "lib32", "lib64", "libx32", NULL};
/* /etc entries (fnmatch patterns) bound read-only when the host has them. */
static const char *const s_etc[] = {"ld.so.cache", "ld.so.conf", "ld.so.conf.d", "localtime",
                                    "timezone", "alternatives", "java-*", "fpc*.cfg", NULL};
static const char *const s_dev[] = {"null", "zero", "full", "random", "urandom", NULL};

static int s_write_at(int dfd, const char *path, const char *text)
{
    char tmp[64];
    snprintf(tmp, sizeof tmp, "%s.new", path);
    int fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (fd < 0)
        return -1;
    size_t len = strlen(text);
    int rc = write(fd, text, len) == (ssize_t)len ? 0 : -1;
    if (close(fd) != 0 || rc != 0)
        return -1;
    return renameat(dfd, tmp, dfd, path);
}

/* Rewrites /etc/passwd and /etc/group of the template with root, nobody and every run uid
 * seen so far, so tools that look their user up (whoami, the JVM) find one. */
int sandbox_root_write_users(int tmpl_rw, const uid_t *uids, size_t n_uids)
{
    size_t cap = 256 + n_uids * 96;
    char *pw = malloc(cap), *gr = malloc(cap);
    int rc = -1;
    if (!pw || !gr)
        goto done;
    size_t p = (size_t)snprintf(pw, cap, "root:x:0:0:root:/root:/usr/sbin/nologin\n"
                                         "nobody:x:65534:65534:nobody:/nonexistent:"
                                         "/usr/sbin/nologin\n");
    size_t g = (size_t)snprintf(gr, cap, "root:x:0:\nnogroup:x:65534:\n");
    for (size_t i = 0; i < n_uids; i++) {
        unsigned u = (unsigned)uids[i];
        if (u == 0 || u == 65534)
            continue;
        p += (size_t)snprintf(pw + p, cap - p, "gavel%u:x:%u:%u:gavel run:/tmp:/usr/sbin/nologin\n",
                              u, u, u);
        g += (size_t)snprintf(gr + g, cap - g, "gavel%u:x:%u:\n", u, u);
    }
    rc = s_write_at(tmpl_rw, "etc/passwd", pw) == 0 &&
                 s_write_at(tmpl_rw, "etc/group", gr) == 0
             ? 0
             : -1;
done:
    free(pw);
    free(gr);
    return rc;
}

static int s_bind_ro(const char *src, const char *dst, bool is_dir)
{
    if (is_dir ? mkdir(dst, 0755) != 0 && errno != EEXIST
               : mknod(dst, S_IFREG | 0644, 0) != 0 && errno != EEXIST)
        return -1;
    if (mount(src, dst, NULL, MS_BIND | MS_REC, NULL) != 0)
        return -1;
    return mount(NULL, dst, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID, NULL);
}

/* Builds the root tree at `root` (a fresh tmpfs) in the current (private) mount namespace. */
static int s_build_tree(const char *root, char *why, size_t whylen)
{
    char dst[PATH_MAX], src[PATH_MAX];
    struct stat st;
    for (size_t i = 0; s_top[i]; i++) {
        snprintf(src, sizeof src, "/%s", s_top[i]);
        snprintf(dst, sizeof dst, "%s/%s", root, s_top[i]);
        if (lstat(src, &st) != 0)
            continue;
        if (S_ISLNK(st.st_mode)) {
            char target[PATH_MAX];
            ssize_t n = readlink(src, target, sizeof target - 1);
            if (n <= 0 || (target[n] = '\0', symlink(target, dst) != 0))
                goto fail;
        } else if (S_ISDIR(st.st_mode) && s_bind_ro(src, dst, true) != 0) {
            goto fail;
        }
    }
    const char *dirs[] = {"etc", "dev", "proc", "tmp", "root", "box", NULL};
    for (size_t i = 0; dirs[i]; i++) {
        snprintf(dst, sizeof dst, "%s/%s", root, dirs[i]);
        snprintf(src, sizeof src, "/%s", dirs[i]);
        if (mkdir(dst, 0755) != 0 && errno != EEXIST)
            goto fail;
    }
    snprintf(dst, sizeof dst, "%s/tmp", root);
    if (chmod(dst, 01777) != 0)
        goto fail;
    /* /usr/local holds what the host installed by hand (other toolchains, services, their
     * configuration), /root root's home: an empty read-only tmpfs hides what the /usr bind
     * shows of them; a language that needs something there names it in its binds. */
    for (size_t i = 0; runner_hidden_dirs[i]; i++) {
        snprintf(dst, sizeof dst, "%s%s", root, runner_hidden_dirs[i]);
        if (lstat(dst, &st) == 0 && S_ISDIR(st.st_mode) &&
            mount("tmpfs", dst, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
                  "size=4k,nr_inodes=1,mode=0755") != 0)
            goto fail;
    }
    DIR *d = opendir("/etc");
    for (struct dirent *de; d && (de = readdir(d));) {
        bool want = false;
        for (size_t i = 0; s_etc[i] && !want; i++)
            want = fnmatch(s_etc[i], de->d_name, 0) == 0;
        snprintf(src, sizeof src, "/etc/%s", de->d_name);
        snprintf(dst, sizeof dst, "%s/etc/%s", root, de->d_name);
        if (want && stat(src, &st) == 0 && s_bind_ro(src, dst, S_ISDIR(st.st_mode)) != 0) {
            closedir(d);
            goto fail;
        }
    }
    if (d)
        closedir(d);
    for (size_t i = 0; s_dev[i]; i++) {
        snprintf(src, sizeof src, "/dev/%s", s_dev[i]);
        snprintf(dst, sizeof dst, "%s/dev/%s", root, s_dev[i]);
        if (mknod(dst, S_IFREG | 0644, 0) != 0 || mount(src, dst, NULL, MS_BIND, NULL) != 0 ||
            mount(NULL, dst, NULL, MS_REMOUNT | MS_BIND | MS_NOSUID | MS_NOEXEC, NULL) != 0)
            goto fail;
    }
    const char *links[][2] = {{"/proc/self/fd", "fd"}, {"/proc/self/fd/0", "stdin"},
                              {"/proc/self/fd/1", "stdout"}, {"/proc/self/fd/2", "stderr"}};
    for (size_t i = 0; i < 4; i++) {
        snprintf(dst, sizeof dst, "%s/dev/%s", root, links[i][1]);
        if (symlink(links[i][0], dst) != 0)
            goto fail;
    }
    return 0;
fail:
    snprintf(why, whylen, "cannot build the sandbox root (%s: %s)", dst, strerror(errno));
    return -1;
}

/* Makes the template namespace: unshare, build, pivot, keep handles, come back. */
int sandbox_root_make(int *tmpl_mnt, int *tmpl_rw, char *why, size_t whylen)
{
    int host = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);
    int here = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
    int rc = -1;
    if (host < 0 || here < 0 || unshare(CLONE_NEWNS) != 0) {
        snprintf(why, whylen, "no mount namespace (%s)", strerror(errno));
        goto done;
    }
    *tmpl_mnt = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);
    const char *root = "/tmp"; /* hidden by the tmpfs in this namespace only */
    if (*tmpl_mnt < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0 ||
        mount("tmpfs", root, "tmpfs", MS_NOSUID | MS_NODEV, TEMPLATE_TMPFS) != 0) {
        snprintf(why, whylen, "cannot mount the sandbox root (%s)", strerror(errno));
        goto back;
    }
    if (s_build_tree(root, why, whylen) != 0)
        goto back;
    if (chdir(root) != 0 || syscall(SYS_pivot_root, ".", ".") != 0 ||
        umount2(".", MNT_DETACH) != 0 || chdir("/") != 0) {
        snprintf(why, whylen, "cannot pivot into the sandbox root (%s)", strerror(errno));
        goto back;
    }
    *tmpl_rw = open_tree(AT_FDCWD, "/", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
    if (*tmpl_rw < 0 ||
        mount(NULL, "/", NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV, NULL) !=
            0) {
        snprintf(why, whylen, "cannot make the sandbox root read-only (%s)", strerror(errno));
        goto back;
    }
    rc = 0;
back:
    if (setns(host, CLONE_NEWNS) != 0 || fchdir(here) != 0) {
        /* We cannot get back: a launcher outside the host's tree cannot serve any run. */
        _exit(111);
    }
done:
    if (host >= 0)
        close(host);
    if (here >= 0)
        close(here);
    return rc;
}

/* mkdir -p of `path` inside the template (through the writable handle). */
void sandbox_root_mkpoint(int tmpl_rw, const char *path, bool is_dir)
{
    char rel[PATH_MAX];
    snprintf(rel, sizeof rel, "%s", path + strspn(path, "/"));
    if (!rel[0] || strncmp(rel, "tmp/", 4) == 0 || strcmp(rel, "tmp") == 0 ||
        strncmp(rel, "proc", 4) == 0 || strncmp(rel, "dev", 3) == 0 || runner_hidden_dir_of(path) >= 0)
        return; /* inside the per-run /tmp, /root or /usr/local (made there by the init), or
                   never allowed */
    for (char *p = strchr(rel, '/'); p; p = strchr(p + 1, '/')) {
        *p = '\0';
        (void)mkdirat(tmpl_rw, rel, 0755);
        *p = '/';
    }
    if (is_dir)
        (void)mkdirat(tmpl_rw, rel, 0755);
    else
        (void)mknodat(tmpl_rw, rel, S_IFREG | 0644, 0);
}

