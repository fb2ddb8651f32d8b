/* Output validator (Kattis protocol): validate input answer feedback_dir < team_output.
 * Accepts any permutation of 1..n. */
#include <stdio.h>
#include <stdlib.h>
#include "perm_util.h"

int main(int argc, char **argv)
{
    if (argc < 4) return 1;
    FILE *in = fopen(argv[1], "r");
    long n;
    if (!in || fscanf(in, "%ld", &n) != 1 || n < 1) return 1;
    fclose(in);
    char *seen = calloc((size_t)n + 1, 1);
    if (!seen) return 1;
    for (long i = 0; i < n; i++) {
        long x;
        if (scanf("%ld", &x) != 1) return judge_message(argv[3], "too few numbers\n");
        if (x < 1 || x > n) return judge_message(argv[3], "number out of range\n");
        if (seen[x]) return judge_message(argv[3], "number repeated\n");
        seen[x] = 1;
    }
    char extra[2];
    if (scanf("%1s", extra) == 1) return judge_message(argv[3], "trailing output\n");
    free(seen);
    return AC;
}
