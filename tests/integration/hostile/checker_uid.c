/* testlib checker: input output answer. Accepts (0) when the uid the program printed is not
 * the checker's own, rejects (1) when it is: a checker must not share the contestant's uid. */
#include <stdio.h>
#include <unistd.h>
int main(int argc, char **argv) {
    if (argc < 4) return 3;
    FILE *out = fopen(argv[2], "r");
    long uid;
    if (!out || fscanf(out, "%ld", &uid) != 1) { fprintf(stderr, "no uid printed"); return 1; }
    fprintf(stderr, "program uid %ld, checker uid %ld", uid, (long)getuid());
    return uid == (long)getuid() ? 1 : 0;
}
