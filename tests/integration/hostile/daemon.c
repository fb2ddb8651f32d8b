/* Leaves a setsid() daemon spinning and answers: the daemon must be killed at the end. */
#include <stdio.h>
#include <unistd.h>
int main(void) {
    fflush(stdout);
    if (fork() == 0) { setsid(); if (fork() == 0) { for (;;) ; } _exit(0); }
    puts("ok");
    return 0;
}
