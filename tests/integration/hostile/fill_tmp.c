/* Writes /tmp until the disk is full, then says ok: a full /tmp (tmp_size_mb) is OLE with a
 * message naming the bound, not an AC that cost the host its memory or disk. Bounded: stops
 * after 1 GiB even where /tmp is not bounded at all. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
int main(void)
{
    static char b[1 << 16];
    memset(b, 'x', sizeof b);
    int fd = open("/tmp/fill", O_WRONLY | O_CREAT | O_TRUNC, 0600);
    for (int i = 0; fd >= 0 && i < (1 << 14) && write(fd, b, sizeof b) == (ssize_t)sizeof b; i++)
        ;
    puts("ok");
    return 0;
}
