/* Sleeps 10 s using no CPU, then says ok: under a 5 s limit the wall-clock bound
 * ([judging] wall_time_percent / wall_time_extra_ms, 5 s -> 7.5 s by default) makes it TLE. */
#include <stdio.h>
#include <unistd.h>
int main(void) { sleep(10); puts("ok"); return 0; }
