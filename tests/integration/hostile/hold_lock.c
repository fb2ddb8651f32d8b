/* Tries to hold an exclusive flock on /etc/ld.so.cache (shared by every sandbox and the host)
 * for 700 ms. The test, as root on the host, keeps locking the same file meanwhile and must
 * never find it taken. Prints "ok" when the lock was refused with EPERM. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/file.h>
#include <time.h>

int main(void) {
    int fd = open("/etc/ld.so.cache", O_RDONLY);
    int r = fd >= 0 ? flock(fd, LOCK_EX | LOCK_NB) : -1;
    int denied = r == -1 && errno == EPERM;
    struct timespec ts = {0, 700 * 1000000L};
    nanosleep(&ts, NULL); /* idle: no CPU time used */
    puts(denied ? "ok" : "held");
    return 0;
}
