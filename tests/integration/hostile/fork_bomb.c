/* A fork bomb: every process forks forever. Contained by the pids cgroup; ends in TLE. */
#include <unistd.h>
int main(void) { for (;;) fork(); }
