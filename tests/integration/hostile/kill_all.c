/* kill(-1, SIGKILL): everything this process may signal. The judge must survive. */
#include <signal.h>
#include <stdio.h>
int main(void) { kill(-1, SIGKILL); kill(1, SIGKILL); puts("ok"); return 0; }
