#include <stdio.h>
int main(void)
{
    int lo = 1, hi = 1000;
    while (lo <= hi) {
        int mid = (lo + hi) / 2;
        char r[4];
        printf("? %d\n", mid);
        fflush(stdout);
        if (scanf("%3s", r) != 1) return 0;
        if (r[0] == '=') return 0;
        if (r[0] == '<') hi = mid - 1; else lo = mid + 1;
    }
    return 0;
}
