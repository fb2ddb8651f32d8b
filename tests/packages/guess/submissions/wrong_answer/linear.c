#include <stdio.h>
int main(void)
{
    for (int y = 1; y <= 1000; y++) {
        char r[4];
        printf("? %d\n", y);
        fflush(stdout);
        if (scanf("%3s", r) != 1 || r[0] == '=') return 0;
    }
    return 0;
}
