/*  test_judge_testcache — verification, atomic store, LRU eviction within the bound, pins,
 *  and reloading a directory left by an earlier run. */
#include "testcache.h"
#include "gv_test.h"

#include <dirent.h>
#include <sodium.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static char s_dir[] = "/tmp/gv-cache-XXXXXX";

static void s_hash(const void *data, size_t len, char hex[65])
{
    unsigned char d[32];
    crypto_hash_sha256(d, data, len);
    sodium_bin2hex(hex, 65, d, 32);
}

static size_t s_files(void)
{
    size_t n = 0;
    DIR *d = opendir(s_dir);
    struct dirent *de;
    while (d && (de = readdir(d)))
        n += de->d_name[0] != '.';
    if (d)
        closedir(d);
    return n;
}

static void s_clear(void)
{
    DIR *d = opendir(s_dir);
    struct dirent *de;
    char p[512];
    while (d && (de = readdir(d))) {
        if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) {
            snprintf(p, sizeof p, "%s/%s", s_dir, de->d_name);
            unlink(p);
        }
    }
    if (d)
        closedir(d);
}

static void test_hash_mismatch_rejected(void)
{
    s_clear();
    testcache_t *c = testcache_new(s_dir, 1 << 20);
    char h[65], err[256] = "";
    s_hash("right", 5, h);
    CHECK(testcache_store(c, h, "wrong", 5, err, sizeof err) == NULL);
    CHECK_CONTAINS(err, "does not match");
    CHECK(s_files() == 0);
    CHECK(testcache_count(c) == 0 && testcache_bytes(c) == 0);
    CHECK(testcache_store(c, "not-a-hash", "x", 1, err, sizeof err) == NULL);
    CHECK(testcache_store(c, "ABCDEF0000000000000000000000000000000000000000000000000000000000",
                          "x", 1, err, sizeof err) == NULL); /* uppercase is not our form */
    CHECK(testcache_acquire(c, h) == NULL);
    testcache_destroy(&c);
    CHECK(c == NULL);
}

static void test_store_and_acquire(void)
{
    s_clear();
    testcache_t *c = testcache_new(s_dir, 1 << 20);
    char h[65], err[256] = "";
    s_hash("1 2\n", 4, h);
    char *path = testcache_store(c, h, "1 2\n", 4, err, sizeof err);
    CHECK(path != NULL);
    struct stat st;
    CHECK(path && stat(path, &st) == 0 && st.st_size == 4 && (st.st_mode & 0777) == 0644);
    char buf[8] = "";
    FILE *f = path ? fopen(path, "r") : NULL;
    CHECK(f && fread(buf, 1, 4, f) == 4 && memcmp(buf, "1 2\n", 4) == 0);
    if (f)
        fclose(f);
    testcache_release(c, h);
    char *again = testcache_acquire(c, h);
    CHECK(again && path && strcmp(again, path) == 0);
    testcache_release(c, h);
    char *twice = testcache_store(c, h, "1 2\n", 4, err, sizeof err); /* already there */
    CHECK(twice != NULL);
    testcache_release(c, h);
    CHECK(testcache_count(c) == 1 && testcache_bytes(c) == 4);
    free(path);
    free(again);
    free(twice);
    testcache_destroy(&c);
}

static void test_eviction_keeps_bound_lru(void)
{
    s_clear();
    const uint64_t bound = 10 * 1024;
    testcache_t *c = testcache_new(s_dir, bound);
    char blob[4096], h[6][65], err[256];
    for (int i = 0; i < 6; i++) {
        memset(blob, 'a' + i, sizeof blob);
        s_hash(blob, sizeof blob, h[i]);
        char *p = testcache_store(c, h[i], blob, sizeof blob, err, sizeof err);
        CHECK(p != NULL);
        free(p);
        testcache_release(c, h[i]);
        CHECK(testcache_bytes(c) <= bound);
        if (i == 1) { /* use file 0 again: now file 1 is the least recently used */
            char *q = testcache_acquire(c, h[0]);
            free(q);
            testcache_release(c, h[0]);
        }
    }
    CHECK(testcache_count(c) == 2); /* 2 x 4 KiB fit in 10 KiB */
    CHECK(s_files() == 2);
    char *last = testcache_acquire(c, h[5]);
    CHECK(last != NULL);
    free(last);
    testcache_release(c, h[5]);
    char *gone = testcache_acquire(c, h[1]);
    CHECK(gone == NULL);
    testcache_destroy(&c);
}

static void test_pinned_files_survive(void)
{
    s_clear();
    testcache_t *c = testcache_new(s_dir, 5000);
    char blob[4096], h[3][65], err[256];
    char *pinned = NULL;
    for (int i = 0; i < 3; i++) {
        memset(blob, 'k' + i, sizeof blob);
        s_hash(blob, sizeof blob, h[i]);
        char *p = testcache_store(c, h[i], blob, sizeof blob, err, sizeof err);
        if (i == 0)
            pinned = p; /* kept in use */
        else {
            free(p);
            testcache_release(c, h[i]);
        }
    }
    CHECK(pinned && access(pinned, R_OK) == 0); /* in use: never deleted */
    CHECK(testcache_bytes(c) <= 5000 + 4096);
    testcache_release(c, h[0]);
    CHECK(testcache_bytes(c) <= 5000); /* released: the bound holds again */
    free(pinned);
    testcache_destroy(&c);
}

static void test_reload_from_disk(void)
{
    s_clear();
    char h[65], err[256];
    s_hash("data", 4, h);
    testcache_t *c = testcache_new(s_dir, 1 << 20);
    char *p = testcache_store(c, h, "data", 4, err, sizeof err);
    free(p);
    testcache_release(c, h);
    testcache_destroy(&c);
    char tmp[512];
    snprintf(tmp, sizeof tmp, "%s/.tmp-leftover", s_dir);
    FILE *f = fopen(tmp, "w");
    fputs("partial", f);
    fclose(f);
    c = testcache_new(s_dir, 1 << 20);
    CHECK(testcache_count(c) == 1 && testcache_bytes(c) == 4);
    CHECK(access(tmp, F_OK) != 0); /* unfinished temporary files are removed */
    p = testcache_acquire(c, h);
    CHECK(p != NULL);
    free(p);
    testcache_release(c, h);
    testcache_destroy(&c);
    c = testcache_new(s_dir, 2); /* a smaller bound applies at start */
    CHECK(testcache_count(c) == 0 && s_files() == 0);
    testcache_destroy(&c);
}

int main(void)
{
    if (!mkdtemp(s_dir) || sodium_init() < 0)
        return 1;
    RUN(test_hash_mismatch_rejected);
    RUN(test_store_and_acquire);
    RUN(test_eviction_keeps_bound_lru);
    RUN(test_pinned_files_survive);
    RUN(test_reload_from_disk);
    s_clear();
    rmdir(s_dir);
    return TEST_SUMMARY();
}
