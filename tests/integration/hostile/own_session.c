/* A program must lead its own session and process group, so kill(0, sig) reaches only its
 * own processes. Inside its pid namespace a group or session led from outside reads as 0. */
#include <stdio.h>
#include <unistd.h>
int main(void) {
    pid_t me = getpid();
    if (getsid(0) == me && getpgrp() == me) puts("ok");
    else printf("sid=%d pgrp=%d pid=%d\n", (int)getsid(0), (int)getpgrp(), (int)me);
    return 0;
}
