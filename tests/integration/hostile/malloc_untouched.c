/* 512 MiB asked for, never touched: fine under a 256 MiB limit (memory is what is used). */
#include <stdio.h>
#include <stdlib.h>
int main(void) { char *p = malloc((size_t)512 << 20); if (!p) { puts("no memory"); return 0; } p[0] = 1; puts(p[0] ? "ok" : "?"); return 0; }
