/* 10^6 frames deep: the stack is bounded by the memory limit only. */
#include <stdio.h>
static int down(int n) { volatile char pad[40]; pad[0] = (char)n; if (n == 0) return 0; return down(n - 1) + (pad[0] & 1); }
int main(void) { int r = down(1000000); printf("%s\n", r >= 0 ? "ok" : "?"); return 0; }
