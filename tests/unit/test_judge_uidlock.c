/*  test_judge_uidlock — host-wide run uid reservation (judge-node/uidlock.h), in a private
 *  lock directory: the first free block is taken, a second judge gets the next one, a full
 *  window is refused with a sentence naming the taken uids and their holder, and a lock dies
 *  with its holder (released, or its process killed).
 */
#include "uidlock.h"
#include "gv_test.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define BASE 70000u

static char s_dir[] = "/tmp/gv-uidlock-XXXXXX";
static char s_locks[300];
static char err[2048];

static char *s_read(const char *path)
{
    static char buf[1024];
    buf[0] = '\0';
    FILE *f = fopen(path, "r");
    size_t n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
    buf[n] = '\0';
    if (f)
        fclose(f);
    return buf;
}

static void test_first_block_is_taken_and_named(void)
{
    uidlock_t *a = uidlock_reserve(s_locks, BASE, 8, 4, "pid=1 node=a", err, sizeof err);
    CHECK(a != NULL && uidlock_first(a) == BASE && uidlock_count(a) == 4);
    char path[400];
    snprintf(path, sizeof path, "%s/%u", s_locks, BASE + 3);
    CHECK_STR(s_read(path), "pid=1 node=a\n");
    uidlock_destroy(&a);
    CHECK(a == NULL);
    uidlock_destroy(&a); /* NULL is fine */
}

static void test_a_second_judge_gets_the_next_block(void)
{
    uidlock_t *a = uidlock_reserve(s_locks, BASE, 8, 4, "node=a", err, sizeof err);
    uidlock_t *b = uidlock_reserve(s_locks, BASE, 8, 4, "node=b", err, sizeof err);
    CHECK(a != NULL && b != NULL);
    CHECK(uidlock_first(a) == BASE && uidlock_first(b) == BASE + 4);
    uidlock_destroy(&a);
    uidlock_t *c = uidlock_reserve(s_locks, BASE, 8, 4, "node=c", err, sizeof err);
    CHECK(c != NULL && uidlock_first(c) == BASE); /* released: free again */
    uidlock_destroy(&b);
    uidlock_destroy(&c);
}

static void test_a_full_window_is_refused_naming_the_holders(void)
{
    uidlock_t *a = uidlock_reserve(s_locks, BASE, 6, 3, "pid=11 node=a data=/d/a", err, sizeof err);
    uidlock_t *b = uidlock_reserve(s_locks, BASE, 6, 2, "pid=22 node=b data=/d/b", err, sizeof err);
    CHECK(a != NULL && b != NULL && uidlock_first(b) == BASE + 3);
    err[0] = '\0';
    uidlock_t *c = uidlock_reserve(s_locks, BASE, 6, 2, "node=c", err, sizeof err);
    CHECK(c == NULL);
    CHECK_CONTAINS(err, "cannot reserve 2 consecutive run uids");
    CHECK_CONTAINS(err, "uids 70000..70002 are taken by pid=11 node=a data=/d/a");
    CHECK_CONTAINS(err, "uids 70003..70004 are taken by pid=22 node=b data=/d/b");
    CHECK_CONTAINS(err, "uid_base");
    CHECK_CONTAINS(err, "uid_window");
    if (c == NULL && !strstr(err, "70000..70002"))
        printf("     message: %s\n", err);
    uidlock_destroy(&a);
    uidlock_destroy(&b);
    uidlock_destroy(&c);
}

static void test_a_killed_holder_frees_its_uids(void)
{
    int ready[2];
    CHECK(pipe(ready) == 0);
    pid_t child = fork();
    if (child == 0) {
        uidlock_t *l = uidlock_reserve(s_locks, BASE, 2, 2, "node=child", err, sizeof err);
        (void)!write(ready[1], l ? "y" : "n", 1);
        for (;;)
            pause();
    }
    char c = 0;
    CHECK(read(ready[0], &c, 1) == 1 && c == 'y');
    uidlock_t *l = uidlock_reserve(s_locks, BASE, 2, 2, "node=parent", err, sizeof err);
    CHECK(l == NULL);
    CHECK_CONTAINS(err, "node=child");
    kill(child, SIGKILL);
    waitpid(child, NULL, 0);
    l = uidlock_reserve(s_locks, BASE, 2, 2, "node=parent", err, sizeof err);
    CHECK(l != NULL && uidlock_first(l) == BASE);
    uidlock_destroy(&l);
    close(ready[0]);
    close(ready[1]);
}

static void test_an_unsafe_directory_is_refused(void)
{
    char open_dir[400];
    snprintf(open_dir, sizeof open_dir, "%s/open", s_dir);
    CHECK(mkdir(open_dir, 0777) == 0 && chmod(open_dir, 0777) == 0);
    uidlock_t *l = uidlock_reserve(open_dir, BASE, 2, 2, "x", err, sizeof err);
    CHECK(l == NULL);
    CHECK_CONTAINS(err, "writable by nobody else");
    l = uidlock_reserve("relative/dir", BASE, 2, 2, "x", err, sizeof err);
    CHECK(l == NULL);
    CHECK_CONTAINS(err, "absolute path");
    uidlock_destroy(&l);
    rmdir(open_dir);
}

int main(void)
{
    if (!mkdtemp(s_dir)) {
        perror("mkdtemp");
        return 1;
    }
    snprintf(s_locks, sizeof s_locks, "%s/locks/uids", s_dir); /* created on demand */
    RUN(test_first_block_is_taken_and_named);
    RUN(test_a_second_judge_gets_the_next_block);
    RUN(test_a_full_window_is_refused_naming_the_holders);
    RUN(test_a_killed_holder_frees_its_uids);
    RUN(test_an_unsafe_directory_is_refused);
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf %s", s_dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", s_dir);
    return TEST_SUMMARY();
}
