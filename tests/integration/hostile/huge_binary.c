/* A short source whose binary holds 24 MiB of initialised data: the compile must stop at the
 * work directory's bound (work_size_mb) as a CE that names it, not fill the judge's disk and
 * its compile cache. The array is global so the compiler keeps all of it. */
#include <stdio.h>
char big[24 << 20] = {1};
int main(void) { puts(big[0] == 1 ? "ok" : "no"); return 0; }
