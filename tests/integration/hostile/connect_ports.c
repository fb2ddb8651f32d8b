/* Tries every TCP port and ipc socket the cluster uses (GAVEL_PORTS / GAVEL_IPC are filled in
 * by the test) on every local address; prints "ok" only when every attempt failed. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
static const int ports[] = {GAVEL_PORTS, 0};
static const char *const ipc[] = {GAVEL_IPC, NULL};
int main(void) {
    int reached = 0;
    const char *hosts[] = {"127.0.0.1", "0.0.0.0", NULL};
    for (int h = 0; hosts[h]; h++)
        for (int i = 0; ports[i]; i++) {
            int fd = socket(AF_INET, SOCK_STREAM, 0);
            if (fd < 0) continue;
            struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((unsigned short)ports[i])};
            inet_pton(AF_INET, hosts[h], &a.sin_addr);
            if (connect(fd, (struct sockaddr *)&a, sizeof a) == 0) reached++;
            close(fd);
        }
    int fd6 = socket(AF_INET6, SOCK_STREAM, 0);
    if (fd6 >= 0) { reached += 0; close(fd6); }
    for (int i = 0; ipc[i]; i++) {
        int fd = socket(AF_UNIX, SOCK_STREAM, 0);
        if (fd < 0) continue;
        struct sockaddr_un u = {.sun_family = AF_UNIX};
        strncpy(u.sun_path, ipc[i], sizeof u.sun_path - 1);
        if (connect(fd, (struct sockaddr *)&u, sizeof u) == 0) reached++;
        close(fd);
    }
    puts(reached ? "reached" : "ok");
    return 0;
}
