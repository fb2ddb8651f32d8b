/* Interactive: ignores SIGTERM, waits until the interactor has spoken (so it is surely
 * running), signals its process group and everything it may signal, then answers wrongly.
 * The verdict must be its own WA: the interactor must not be hit (that would be a JE). */
#include <signal.h>
#include <stdio.h>
#include <time.h>
int main(void) {
    char line[128];
    signal(SIGTERM, SIG_IGN);
    signal(SIGHUP, SIG_IGN);
    if (!fgets(line, sizeof line, stdin)) return 1;
    kill(0, SIGTERM);
    kill(0, SIGHUP);
    kill(-1, SIGTERM);
    struct timespec ts = {0, 300 * 1000 * 1000}; /* let any signal land before answering */
    nanosleep(&ts, NULL);
    puts("wrong");
    fflush(stdout);
    return 0;
}
