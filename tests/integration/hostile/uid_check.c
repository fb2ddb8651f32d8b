/* Interactive: the interactor tells its uid; a contestant must not share it (it could signal
 * or ptrace the interactor, or read its files). Answers "different" (AC) or "same" (WA). */
#include <stdio.h>
#include <unistd.h>
int main(void) {
    long uid;
    if (scanf("uid %ld", &uid) != 1) return 1;
    puts(uid == (long)getuid() ? "same" : "different");
    fflush(stdout);
    return 0;
}
