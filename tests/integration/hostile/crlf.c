#include <stdio.h>
int main(void) { fputs("ok\r\n", stdout); return 0; }
