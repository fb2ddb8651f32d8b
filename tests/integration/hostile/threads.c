/* Eight threads, each summing a slice: a program with several threads is AC (the pids cgroup
 * counts tasks, and the default leaves room for threads). */
#include <pthread.h>
#include <stdio.h>
#define N 8
static long part[N];
static void *work(void *arg)
{
    long k = (long)arg;
    for (long i = 0; i < 1000000; i++)
        part[k] += i % 7;
    return NULL;
}
int main(void)
{
    pthread_t t[N];
    for (long k = 0; k < N; k++)
        if (pthread_create(&t[k], NULL, work, (void *)k) != 0) {
            puts("pthread_create failed");
            return 1;
        }
    long sum = 0;
    for (int k = 0; k < N; k++) {
        pthread_join(t[k], NULL);
        sum += part[k];
    }
    puts(sum == 8 * 2999997L ? "ok" : "wrong sum");
    return 0;
}
