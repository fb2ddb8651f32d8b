/*  sandbox_leaks_helper — run inside the sandbox by test_judge_sandbox_leaks: one mode per
 *  probe, printing what it saw on stdout (compiled by the test at start, as the run user).
 *
 *    locks PATH     every lock, lease and notification call on PATH (and its directory):
 *                   one "name=RESULT" word each, RESULT being EPERM, ok or the errno name
 *    hold PATH MS   flock(LOCK_EX) on PATH, then sleeps MS ms: "held" or "denied <errno>"
 *    cat PATH       the file's bytes (at most 64 KiB)
 *    size PATH...   "PATH=N" per file: bytes readable, -1 when it cannot be opened
 *    ls DIR         the entries of DIR but . and .., sorted, one per line
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/inotify.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static void s_word(const char *name, long r)
{
    int e = errno;
    printf("%s=%s ", name, r >= 0 ? "ok" : e == EPERM ? "EPERM" : strerrorname_np(e));
}

static int s_locks(const char *path)
{
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", path);
    int fd = open(path, O_RDONLY), dfd = open(dirname(dir), O_RDONLY | O_DIRECTORY);
    if (fd < 0 || dfd < 0) {
        printf("cannot open %s: %s\n", path, strerror(errno));
        return 1;
    }
    struct flock rd = {.l_type = F_RDLCK, .l_whence = SEEK_SET};
    errno = 0;
    s_word("flock_sh", flock(fd, LOCK_SH | LOCK_NB));
    s_word("flock_ex", flock(fd, LOCK_EX | LOCK_NB));
    s_word("flock_dir", flock(dfd, LOCK_EX | LOCK_NB));
    s_word("setlk", fcntl(fd, F_SETLK, &rd));
    s_word("setlkw", fcntl(fd, F_SETLKW, &rd));
    s_word("ofd_setlk", fcntl(fd, F_OFD_SETLK, &rd));
    s_word("ofd_setlkw", fcntl(fd, F_OFD_SETLKW, &rd));
    s_word("setlease", fcntl(fd, F_SETLEASE, F_RDLCK));
    s_word("notify", fcntl(dfd, F_NOTIFY, DN_ACCESS | DN_MULTISHOT));
    int in = inotify_init1(IN_CLOEXEC);
    s_word("inotify", in < 0 ? in : inotify_add_watch(in, path, IN_ACCESS | IN_OPEN));
    /* The kernel reads cmd as a 32-bit int: high bits must not slip past the filter. */
    s_word("setlk_hi", syscall(SYS_fcntl, fd, (1UL << 32) | F_SETLK, &rd));
    s_word("lockf", lockf(fd, F_TLOCK, 0));
    struct flock q = {.l_type = F_RDLCK, .l_whence = SEEK_SET};
    s_word("getlk", fcntl(fd, F_GETLK, &q)); /* a query holds nothing: allowed */
    printf("\n");
    return 0;
}

static int s_hold(const char *path, long ms)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0 || flock(fd, LOCK_EX | LOCK_NB) != 0) {
        printf("denied %s\n", strerrorname_np(errno));
    } else {
        printf("held\n");
    }
    fflush(stdout);
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
    return 0;
}

static int s_cat(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        printf("cannot open %s: %s\n", path, strerror(errno));
        return 1;
    }
    static char buf[65536];
    size_t n = fread(buf, 1, sizeof buf, f);
    fwrite(buf, 1, n, stdout);
    fclose(f);
    return 0;
}

static int s_size(int n, char **paths)
{
    for (int i = 0; i < n; i++) {
        int fd = open(paths[i], O_RDONLY);
        long total = fd >= 0 ? 0 : -1;
        char buf[4096];
        ssize_t r;
        while (fd >= 0 && total < (1L << 20) && (r = read(fd, buf, sizeof buf)) > 0)
            total += r;
        if (fd >= 0)
            close(fd);
        printf("%s=%ld\n", paths[i], total);
    }
    return 0;
}

static int s_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int s_ls(const char *path)
{
    DIR *d = opendir(path);
    if (!d) {
        printf("cannot list %s: %s\n", path, strerror(errno));
        return 1;
    }
    char *names[512];
    int n = 0;
    for (struct dirent *de; n < 512 && (de = readdir(d));)
        if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
            names[n++] = strdup(de->d_name);
    closedir(d);
    qsort(names, (size_t)n, sizeof *names, s_cmp);
    for (int i = 0; i < n; i++)
        printf("%s\n", names[i]);
    return 0;
}

int main(int argc, char **argv)
{
    const char *m = argc > 1 ? argv[1] : "";
    if (!strcmp(m, "locks") && argc == 3)
        return s_locks(argv[2]);
    if (!strcmp(m, "hold") && argc == 4)
        return s_hold(argv[2], atol(argv[3]));
    if (!strcmp(m, "cat") && argc == 3)
        return s_cat(argv[2]);
    if (!strcmp(m, "size") && argc >= 3)
        return s_size(argc - 2, argv + 2);
    if (!strcmp(m, "ls") && argc == 3)
        return s_ls(argv[2]);
    fprintf(stderr, "usage: %s locks PATH | hold PATH MS | cat PATH | size PATH... | ls DIR\n",
            argv[0]);
    return 2;
}
