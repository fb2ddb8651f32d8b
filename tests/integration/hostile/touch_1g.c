/* Touches 1 GiB, page by page (through a volatile pointer, so the compiler keeps it): MLE. */
#include <stdio.h>
#include <stdlib.h>
int main(void) {
    size_t n = (size_t)1 << 30;
    volatile char *p = malloc(n);
    if (!p) return 3;
    for (size_t i = 0; i < n; i += 4096) p[i] = 1;
    puts("ok");
    return 0;
}
