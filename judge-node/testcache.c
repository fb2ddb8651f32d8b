/*  testcache — verified, size-bounded, LRU test-data store (see testcache.h).
 *
 *  In memory: a hash table hash -> entry, and a list of the same entries from least to most
 *  recently used. `bytes` is the sum of the sizes of all entries.
 */
#include "testcache.h"
#include "gv_log.h"

#include <czmq.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define TMP_PREFIX ".tmp-"

typedef struct {
    char hash[TESTCACHE_HASH_LEN + 1];
    uint64_t size;
    uint32_t pins;
    void *handle; /* in lru */
    struct timespec atime; /* start-up ordering only */
} entry_t;

struct testcache {
    char *dir;
    uint64_t max_bytes, bytes;
    zhashx_t *map; /* hash -> entry_t*, owns the entries */
    zlistx_t *lru; /* entry_t*, oldest first */
    pthread_mutex_t lock;
    atomic_uint tmp_seq;
};

int testcache_hash_valid(const char *hash)
{
    if (!hash || strlen(hash) != TESTCACHE_HASH_LEN)
        return 0;
    for (const char *p = hash; *p; p++)
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
            return 0;
    return 1;
}

static void s_entry_free(void **item)
{
    free(*item);
    *item = NULL;
}

static char *s_path(const testcache_t *self, const char *hash)
{
    return zsys_sprintf("%s/%s", self->dir, hash);
}

/* Deletes least recently used, unused files until the total is within the bound. Lock held. */
static void s_evict(testcache_t *self)
{
    entry_t *e = zlistx_first(self->lru);
    while (e && self->bytes > self->max_bytes) {
        entry_t *next = zlistx_next(self->lru);
        if (e->pins == 0) {
            char *path = s_path(self, e->hash);
            if (path && unlink(path) != 0 && errno != ENOENT)
                gv_warn("cannot delete cached test data", "path=%s error=\"%s\"", path,
                        strerror(errno));
            gv_debug("evicted test data", "hash=%s bytes=%llu", e->hash,
                     (unsigned long long)e->size);
            zstr_free(&path);
            self->bytes -= e->size;
            zlistx_delete(self->lru, e->handle);
            zhashx_delete(self->map, e->hash); /* frees e */
        }
        e = next;
    }
}

/* Adds an entry as most recent (lock held). The caller holds one pin if pinned. */
static entry_t *s_insert(testcache_t *self, const char *hash, uint64_t size, uint32_t pins)
{
    entry_t *e = calloc(1, sizeof *e);
    if (!e)
        return NULL;
    memcpy(e->hash, hash, TESTCACHE_HASH_LEN);
    e->size = size;
    e->pins = pins;
    e->handle = zlistx_add_end(self->lru, e);
    zhashx_insert(self->map, e->hash, e);
    self->bytes += size;
    return e;
}

static int s_by_atime(const void *a, const void *b)
{
    const entry_t *x = *(entry_t *const *)a, *y = *(entry_t *const *)b;
    if (x->atime.tv_sec != y->atime.tv_sec)
        return x->atime.tv_sec < y->atime.tv_sec ? -1 : 1;
    return x->atime.tv_nsec < y->atime.tv_nsec ? -1 : x->atime.tv_nsec > y->atime.tv_nsec;
}

/* Loads what an earlier run left, oldest access first; deletes unfinished temporary files. */
static int s_scan(testcache_t *self)
{
    DIR *d = opendir(self->dir);
    if (!d)
        return -1;
    size_t n = 0, cap = 0;
    entry_t **found = NULL;
    struct dirent *de;
    while ((de = readdir(d))) {
        char *path = s_path(self, de->d_name);
        struct stat st;
        if (strncmp(de->d_name, TMP_PREFIX, strlen(TMP_PREFIX)) == 0) {
            unlink(path);
        } else if (testcache_hash_valid(de->d_name) && stat(path, &st) == 0 &&
                   S_ISREG(st.st_mode)) {
            if (n == cap) {
                cap = cap ? cap * 2 : 64;
                entry_t **grown = realloc(found, cap * sizeof *found);
                if (!grown) {
                    zstr_free(&path);
                    break;
                }
                found = grown;
            }
            entry_t *e = calloc(1, sizeof *e);
            if (e) {
                memcpy(e->hash, de->d_name, TESTCACHE_HASH_LEN);
                e->size = (uint64_t)st.st_size;
                e->atime = st.st_atim;
                found[n++] = e;
            }
        }
        zstr_free(&path);
    }
    closedir(d);
    if (n > 1)
        qsort(found, n, sizeof *found, s_by_atime);
    for (size_t i = 0; i < n; i++) {
        s_insert(self, found[i]->hash, found[i]->size, 0);
        free(found[i]);
    }
    free(found);
    return 0;
}

testcache_t *testcache_new(const char *dir, uint64_t max_bytes)
{
    if (sodium_init() < 0)
        return NULL;
    if (zsys_dir_create("%s", dir) != 0) {
        gv_error("cannot create the test-data cache directory", "dir=%s error=\"%s\"", dir,
                 strerror(errno));
        return NULL;
    }
    testcache_t *self = calloc(1, sizeof *self);
    if (!self)
        return NULL;
    self->dir = strdup(dir);
    self->max_bytes = max_bytes;
    self->map = zhashx_new();
    self->lru = zlistx_new();
    pthread_mutex_init(&self->lock, NULL);
    if (!self->dir || !self->map || !self->lru) {
        testcache_destroy(&self);
        return NULL;
    }
    zhashx_set_destructor(self->map, s_entry_free);
    if (s_scan(self) != 0) {
        gv_error("cannot read the test-data cache directory", "dir=%s error=\"%s\"", dir,
                 strerror(errno));
        testcache_destroy(&self);
        return NULL;
    }
    s_evict(self);
    gv_info("test-data cache ready", "dir=%s files=%zu bytes=%llu max_bytes=%llu", dir,
            zhashx_size(self->map), (unsigned long long)self->bytes,
            (unsigned long long)max_bytes);
    return self;
}

void testcache_destroy(testcache_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    testcache_t *self = *self_p;
    zlistx_destroy(&self->lru);
    zhashx_destroy(&self->map);
    pthread_mutex_destroy(&self->lock);
    free(self->dir);
    free(self);
    *self_p = NULL;
}

char *testcache_acquire(testcache_t *self, const char *hash)
{
    if (!testcache_hash_valid(hash))
        return NULL;
    pthread_mutex_lock(&self->lock);
    entry_t *e = zhashx_lookup(self->map, hash);
    if (e) {
        e->pins++;
        zlistx_move_end(self->lru, e->handle);
    }
    pthread_mutex_unlock(&self->lock);
    return e ? s_path(self, hash) : NULL;
}

void testcache_release(testcache_t *self, const char *hash)
{
    pthread_mutex_lock(&self->lock);
    entry_t *e = zhashx_lookup(self->map, hash);
    if (e && e->pins > 0)
        e->pins--;
    s_evict(self);
    pthread_mutex_unlock(&self->lock);
}

static int s_write_all(int fd, const unsigned char *p, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

char *testcache_store(testcache_t *self, const char *hash, const void *data, size_t len,
                      char *err, size_t errlen)
{
    if (!testcache_hash_valid(hash)) {
        snprintf(err, errlen, "`%.80s` is not a SHA-256 hash in lowercase hex", hash ? hash : "");
        return NULL;
    }
    unsigned char digest[crypto_hash_sha256_BYTES];
    char hex[TESTCACHE_HASH_LEN + 1];
    crypto_hash_sha256(digest, data, len);
    sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
    if (strcmp(hex, hash) != 0) {
        snprintf(err, errlen, "test data does not match its hash: expected %s, got %s", hash, hex);
        return NULL;
    }
    char *path = testcache_acquire(self, hash); /* already there (another slot fetched it) */
    if (path)
        return path;

    path = s_path(self, hash);
    char *tmp = zsys_sprintf("%s/" TMP_PREFIX "%s-%d-%u", self->dir, hash, (int)getpid(),
                             atomic_fetch_add(&self->tmp_seq, 1));
    int fd = path && tmp ? open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644) : -1;
    bool ok = fd >= 0 && fchmod(fd, 0644) == 0 && s_write_all(fd, data, len) == 0 &&
              fsync(fd) == 0;
    int e = errno;
    if (fd >= 0 && close(fd) != 0)
        ok = false;
    if (ok && rename(tmp, path) != 0) {
        e = errno;
        ok = false;
    }
    if (!ok) {
        snprintf(err, errlen, "cannot write test data to %s: %s", self->dir, strerror(e));
        if (tmp)
            unlink(tmp);
        zstr_free(&tmp);
        zstr_free(&path);
        return NULL;
    }
    zstr_free(&tmp);
    pthread_mutex_lock(&self->lock);
    entry_t *en = zhashx_lookup(self->map, hash);
    if (en) { /* raced with another store of the same bytes: same file, counted once */
        en->pins++;
        zlistx_move_end(self->lru, en->handle);
    } else if (!s_insert(self, hash, len, 1)) {
        pthread_mutex_unlock(&self->lock);
        unlink(path);
        zstr_free(&path);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    s_evict(self);
    pthread_mutex_unlock(&self->lock);
    return path;
}

uint64_t testcache_bytes(testcache_t *self)
{
    pthread_mutex_lock(&self->lock);
    uint64_t b = self->bytes;
    pthread_mutex_unlock(&self->lock);
    return b;
}

size_t testcache_count(testcache_t *self)
{
    pthread_mutex_lock(&self->lock);
    size_t n = zhashx_size(self->map);
    pthread_mutex_unlock(&self->lock);
    return n;
}
