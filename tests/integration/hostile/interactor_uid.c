/* Interactor (Kattis protocol) for kill_group.c and uid_check.c: says its own uid, then
 * accepts the answer "different" (42) and rejects anything else (43), with a message. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
int main(int argc, char **argv) {
    if (argc < 4) return 1;
    printf("uid %ld\n", (long)getuid());
    fflush(stdout);
    char answer[64] = "";
    int got = scanf("%63s", answer);
    char path[4096];
    snprintf(path, sizeof path, "%sjudgemessage.txt", argv[3]);
    FILE *fb = fopen(path, "w");
    if (fb) { fprintf(fb, "interactor uid %ld, answer `%s`", (long)getuid(), got == 1 ? answer : ""); fclose(fb); }
    return got == 1 && strcmp(answer, "different") == 0 ? 42 : 43;
}
