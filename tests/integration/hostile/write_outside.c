/* Writes outside the working directory (GAVEL_DATA: the cluster's data directory): every
 * attempt must fail. /tmp is the run's own and may be written. */
#include <stdio.h>
int main(void) {
    const char *paths[] = {"/gavel-x", "/etc/gavel-x", "/usr/gavel-x", "/root/gavel-x", "../gavel-x",
                           "./gavel-x", GAVEL_DATA "/gavel-x", "/dev/gavel-x", "/proc/gavel-x", NULL};
    int wrote = 0;
    for (int i = 0; paths[i]; i++) {
        FILE *f = fopen(paths[i], "w");
        if (f) { wrote++; fprintf(stderr, "wrote %s\n", paths[i]); fclose(f); }
    }
    puts(wrote ? "wrote" : "ok");
    return 0;
}
