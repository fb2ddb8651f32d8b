/* Creates empty files in /tmp until it refuses, then says ok: running out of inodes
 * (work_inodes) is OLE with a message naming the bound. Bounded at 200000 files. */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>
int main(void)
{
    char name[64];
    for (int i = 0; i < 200000; i++) {
        snprintf(name, sizeof name, "/tmp/f%d", i);
        int fd = open(name, O_WRONLY | O_CREAT | O_EXCL, 0600);
        if (fd < 0)
            break;
        close(fd);
    }
    puts("ok");
    return 0;
}
