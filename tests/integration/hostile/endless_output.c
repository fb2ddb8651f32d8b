#include <stdio.h>
#include <string.h>
int main(void) { static char b[1 << 16]; memset(b, 'x', sizeof b); for (;;) fwrite(b, 1, sizeof b, stdout); }
