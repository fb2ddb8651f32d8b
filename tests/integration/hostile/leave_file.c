/* Test 1 leaves files behind; test 2 must not find them. Prints "ok" when nothing from an
 * earlier run is there. */
#include <stdio.h>
#include <unistd.h>
int main(void) {
    const char *marks[] = {"/tmp/gavel-mark", "./gavel-mark", "/dev/shm/gavel-mark", NULL};
    int found = 0;
    for (int i = 0; marks[i]; i++) {
        if (access(marks[i], F_OK) == 0) found++;
        FILE *f = fopen(marks[i], "w");
        if (f) fclose(f);
    }
    puts(found ? "found" : "ok");
    return 0;
}
