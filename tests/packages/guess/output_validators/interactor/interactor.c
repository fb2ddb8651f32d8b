/* Interactor (Kattis interactive protocol): interactor input answer feedback_dir, with its
 * stdin connected to the submission's stdout and its stdout to the submission's stdin.
 * Exit 42 when the secret was found within MAX_QUESTIONS questions, 43 otherwise. */
#include <stdio.h>
#include <string.h>

#define AC 42
#define WA 43
#define MAX_QUESTIONS 10

static int verdict(const char *dir, int code, const char *msg)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/judgemessage.txt", dir);
    FILE *f = fopen(path, "w");
    if (f) {
        fputs(msg, f);
        fclose(f);
    }
    return code;
}

int main(int argc, char **argv)
{
    if (argc < 4) return 1;
    FILE *in = fopen(argv[1], "r");
    int x;
    if (!in || fscanf(in, "%d", &x) != 1) return 1;
    fclose(in);
    for (int q = 1; q <= MAX_QUESTIONS; q++) {
        char op[8];
        int y;
        if (scanf("%7s %d", op, &y) != 2 || strcmp(op, "?") != 0)
            return verdict(argv[3], WA, "expected a question `? y`\n");
        if (y == x) {
            printf("=\n");
            fflush(stdout);
            return verdict(argv[3], AC, "found\n");
        }
        printf("%c\n", x < y ? '<' : '>');
        fflush(stdout);
    }
    return verdict(argv[3], WA, "too many questions\n");
}
