/* Prints its own uid, for hostile/checker_uid.c to compare with the checker's. */
#include <stdio.h>
#include <unistd.h>
int main(void) { printf("%ld\n", (long)getuid()); return 0; }
