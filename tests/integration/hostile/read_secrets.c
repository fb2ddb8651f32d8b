/* Reads /etc/shadow and /proc/1/environ: both must fail. */
#include <stdio.h>
int main(void) {
    const char *paths[] = {"/etc/shadow", "/proc/1/environ", "/proc/1/cmdline", NULL};
    int got = 0;
    for (int i = 0; paths[i]; i++) {
        FILE *f = fopen(paths[i], "r");
        char buf[64];
        if (f && fread(buf, 1, sizeof buf, f) > 0 && i < 2) got++;
        if (f) fclose(f);
    }
    puts(got ? "read" : "ok");
    return 0;
}
