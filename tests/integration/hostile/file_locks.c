/* Locks, leases and directory notifications on the read-only files every sandbox shares
 * (/etc/ld.so.cache, /usr): each must fail with EPERM (the seccomp filter), so that no run can
 * block another run or a process on the host, nor watch them (F_NOTIFY, inotify). Prints "ok", or what got through. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/inotify.h>
#include <sys/syscall.h>
#include <unistd.h>

static int bad;

static void expect_eperm(const char *what, const char *path, long r)
{
    if (r == -1 && errno == EPERM)
        return;
    if (!bad++)
        printf("%s on %s: %s\n", what, path, r == -1 ? strerror(errno) : "allowed");
}

int main(void) {
    const char *files[] = {"/etc/ld.so.cache", "/usr/include/stdio.h", "/usr/lib/os-release", NULL};
    const char *dirs[] = {"/usr", "/usr/lib", "/etc", NULL};
    for (int i = 0; files[i]; i++) {
        int fd = open(files[i], O_RDONLY);
        if (fd < 0)
            continue;
        struct flock rd = {.l_type = F_RDLCK, .l_whence = SEEK_SET};
        expect_eperm("flock(LOCK_SH)", files[i], flock(fd, LOCK_SH | LOCK_NB));
        expect_eperm("flock(LOCK_EX)", files[i], flock(fd, LOCK_EX | LOCK_NB));
        expect_eperm("F_SETLK", files[i], fcntl(fd, F_SETLK, &rd));
        expect_eperm("F_SETLKW", files[i], fcntl(fd, F_SETLKW, &rd));
        expect_eperm("F_OFD_SETLK", files[i], fcntl(fd, F_OFD_SETLK, &rd));
        expect_eperm("F_OFD_SETLKW", files[i], fcntl(fd, F_OFD_SETLKW, &rd));
        expect_eperm("F_SETLEASE", files[i], fcntl(fd, F_SETLEASE, F_RDLCK));
        expect_eperm("F_SETLK with high bits", files[i],
                     syscall(SYS_fcntl, fd, (1UL << 32) | F_SETLK, &rd));
        close(fd);
    }
    for (int i = 0; dirs[i]; i++) {
        int fd = open(dirs[i], O_RDONLY | O_DIRECTORY);
        if (fd < 0)
            continue;
        expect_eperm("flock(LOCK_EX)", dirs[i], flock(fd, LOCK_EX | LOCK_NB));
        expect_eperm("F_NOTIFY", dirs[i], fcntl(fd, F_NOTIFY, DN_ACCESS | DN_MULTISHOT));
        int in = inotify_init1(IN_CLOEXEC);
        expect_eperm("inotify_add_watch", dirs[i],
                     in < 0 ? in : inotify_add_watch(in, dirs[i], IN_ACCESS | IN_OPEN));
        if (in >= 0)
            close(in);
        close(fd);
    }
    if (!bad)
        puts("ok");
    return 0;
}
