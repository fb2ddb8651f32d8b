#include <stdio.h>
int main(void) { fputs("ok", stdout); return 0; }
