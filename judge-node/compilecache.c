/*  compilecache — compiled programs on disk, LRU-bounded (see compilecache.h). */
#include "compilecache.h"
#include "compile.h"
#include "gv_log.h"
#include "job.h"

#include <czmq.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define TREE_DEPTH_MAX 16
#define TREE_FILES_MAX 10000
#define LOG_MAX (1u << 20)
#define COPY_BUF (64u * 1024u)

typedef struct {
    char key[COMPILECACHE_KEY_LEN + 1];
    uint64_t bytes, used; /* used: recency counter, larger = more recent */
    int in_use;
} entry_t;

struct compilecache {
    char *dir;
    uint64_t max_bytes, total, clock, hits;
    entry_t *items;
    size_t n, cap;
    pthread_mutex_t mu;
};

void compilecache_key(const language_t *lang, const void *src, size_t len,
                      char key[COMPILECACHE_KEY_LEN + 1])
{
    crypto_hash_sha256_state st;
    crypto_hash_sha256_init(&st);
    const char *parts[2] = {lang->id, lang->version ? lang->version : ""};
    for (int i = 0; i < 2; i++)
        crypto_hash_sha256_update(&st, (const unsigned char *)parts[i], strlen(parts[i]) + 1);
    for (size_t i = 0; lang->compile && lang->compile[i]; i++)
        crypto_hash_sha256_update(&st, (const unsigned char *)lang->compile[i],
                                  strlen(lang->compile[i]) + 1);
    crypto_hash_sha256_update(&st, (const unsigned char *)"\n", 1);
    crypto_hash_sha256_update(&st, src, len);
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_final(&st, digest);
    sodium_bin2hex(key, COMPILECACHE_KEY_LEN + 1, digest, sizeof digest);
}

/* ---- copying trees by descriptor --------------------------------------------------------- */

/* Copies in to out, adding to *bytes; fails (EFBIG) as soon as *bytes passes max (0 = none),
 * so an entry bigger than the whole cache is never copied in full. */
static int s_copy_fd(int in, int out, uint64_t *bytes, uint64_t max)
{
    char *buf = malloc(COPY_BUF);
    if (!buf)
        return -1;
    int rc = 0;
    for (;;) {
        ssize_t n = read(in, buf, COPY_BUF);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            rc = n < 0 ? -1 : 0;
            break;
        }
        for (ssize_t off = 0; off < n;) {
            ssize_t w = write(out, buf + off, (size_t)(n - off));
            if (w < 0 && errno == EINTR)
                continue;
            if (w <= 0) {
                rc = -1;
                goto done;
            }
            off += w;
        }
        *bytes += (uint64_t)n;
        if (max && *bytes > max) {
            errno = EFBIG;
            rc = -1;
            break;
        }
    }
done:
    free(buf);
    return rc;
}

typedef struct {
    uid_t uid; /* (uid_t)-1: leave the judge's */
    gid_t gid;
    const char *skip; /* top-level name not copied */
    uint64_t max_bytes; /* stop once more than this was copied; 0 = no bound */
    uint64_t bytes;
    size_t files;
} copy_t;

/* Copies regular files and directories from sfd into dfd; everything else is skipped. Files
 * keep only their owner-execute bit as information (0755 / 0644, or 0700 / 0600 when chowned
 * to a run user). */
static int s_copy_tree(int sfd, int dfd, copy_t *c, int depth)
{
    DIR *d = compile_opendir_fd(sfd, depth, TREE_DEPTH_MAX);
    if (!d)
        return -1;
    int rc = 0;
    struct dirent *de;
    bool mine = c->uid != (uid_t)-1;
    while (rc == 0 && (de = readdir(d))) {
        const char *name = de->d_name;
        if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0 ||
            (depth == 0 && c->skip && strcmp(name, c->skip) == 0))
            continue;
        int fd = openat(sfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
        struct stat st;
        if (fd < 0 || fstat(fd, &st) != 0) {
            if (fd >= 0)
                close(fd);
            continue; /* a symlink (ELOOP) or gone: not part of the program */
        }
        if (++c->files > TREE_FILES_MAX) {
            rc = -1;
        } else if (S_ISDIR(st.st_mode)) {
            int sub = -1;
            if (mkdirat(dfd, name, mine ? 0700 : 0755) != 0 ||
                (sub = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0 ||
                (mine && fchown(sub, c->uid, c->gid) != 0) || s_copy_tree(fd, sub, c, depth + 1) != 0)
                rc = -1;
            if (sub >= 0)
                close(sub);
        } else if (S_ISREG(st.st_mode) && st.st_nlink == 1) {
            mode_t mode = (st.st_mode & 0100) ? (mine ? 0700 : 0755) : (mine ? 0600 : 0644);
            int out = openat(dfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
            if (out < 0 || fchmod(out, mode) != 0 || (mine && fchown(out, c->uid, c->gid) != 0) ||
                s_copy_fd(fd, out, &c->bytes, c->max_bytes) != 0)
                rc = -1;
            if (out >= 0 && close(out) != 0)
                rc = -1;
        }
        close(fd);
    }
    closedir(d);
    return rc;
}

static int s_copy_dir(const char *src, const char *dst, copy_t *c)
{
    int sfd = open(src, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    int dfd = open(dst, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    int rc = sfd >= 0 && dfd >= 0 ? s_copy_tree(sfd, dfd, c, 0) : -1;
    if (sfd >= 0)
        close(sfd);
    if (dfd >= 0)
        close(dfd);
    return rc;
}

int compilecache_copy_dir(const char *src_dir, const char *dst_dir, uid_t uid, gid_t gid,
                          const char *skip)
{
    copy_t c = {.uid = uid, .gid = gid, .skip = skip};
    return s_copy_dir(src_dir, dst_dir, &c);
}

static uint64_t s_tree_bytes(const char *path, int depth)
{
    DIR *d = depth < TREE_DEPTH_MAX ? opendir(path) : NULL;
    if (!d)
        return 0;
    uint64_t total = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        char *p = zsys_sprintf("%s/%s", path, de->d_name);
        struct stat st;
        if (p && lstat(p, &st) == 0)
            total += S_ISDIR(st.st_mode) ? s_tree_bytes(p, depth + 1) : (uint64_t)st.st_size;
        zstr_free(&p);
    }
    closedir(d);
    return total;
}

/* ---- the index ---------------------------------------------------------------------------- */

static entry_t *s_find(compilecache_t *self, const char *key)
{
    for (size_t i = 0; i < self->n; i++)
        if (strcmp(self->items[i].key, key) == 0)
            return &self->items[i];
    return NULL;
}

static int s_add(compilecache_t *self, const char *key, uint64_t bytes, uint64_t used)
{
    if (self->n == self->cap) {
        size_t cap = self->cap ? 2 * self->cap : 64;
        entry_t *grown = realloc(self->items, cap * sizeof *grown);
        if (!grown)
            return -1;
        self->items = grown;
        self->cap = cap;
    }
    entry_t *e = &self->items[self->n++];
    memset(e, 0, sizeof *e);
    snprintf(e->key, sizeof e->key, "%s", key);
    e->bytes = bytes;
    e->used = used;
    self->total += bytes;
    return 0;
}

static bool s_key_valid(const char *k)
{
    if (!k || strlen(k) != COMPILECACHE_KEY_LEN)
        return false;
    for (; *k; k++)
        if (!((*k >= '0' && *k <= '9') || (*k >= 'a' && *k <= 'f')))
            return false;
    return true;
}

static int s_by_mtime(const void *a, const void *b)
{
    const entry_t *x = a, *y = b;
    return x->used < y->used ? -1 : x->used > y->used;
}

/* Moves least recently used entries out of the index until the total fits; their directories
 * are renamed to .tmp-evict-* under the lock and returned in *victims for deleting after. */
static void s_evict(compilecache_t *self, zlist_t *victims)
{
    while (self->total > self->max_bytes) {
        entry_t *lru = NULL;
        for (size_t i = 0; i < self->n; i++)
            if (!self->items[i].in_use && (!lru || self->items[i].used < lru->used))
                lru = &self->items[i];
        if (!lru)
            return;
        char *from = zsys_sprintf("%s/%s", self->dir, lru->key);
        char *to = zsys_sprintf("%s/.tmp-evict-%s", self->dir, lru->key);
        if (from && to && rename(from, to) == 0)
            zlist_append(victims, to);
        else
            zstr_free(&to);
        zstr_free(&from);
        gv_debug("compile cache evicted", "key=%.16s bytes=%llu", lru->key,
                 (unsigned long long)lru->bytes);
        self->total -= lru->bytes;
        *lru = self->items[--self->n];
    }
}

static void s_remove_victims(zlist_t **victims_p)
{
    char *p;
    while ((p = zlist_pop(*victims_p))) {
        if (job_rmtree(p) != 0)
            gv_warn("cannot remove an evicted compile-cache entry", "path=%s", p);
        free(p);
    }
    zlist_destroy(victims_p);
}

compilecache_t *compilecache_new(const char *dir, uint64_t max_bytes)
{
    if (sodium_init() < 0 || zsys_dir_create("%s", dir) != 0 || chmod(dir, 0700) != 0) {
        gv_error("cannot open the compile cache", "dir=%s err=\"%s\"", dir, strerror(errno));
        return NULL;
    }
    compilecache_t *self = calloc(1, sizeof *self);
    DIR *d = self ? opendir(dir) : NULL;
    if (!self || !(self->dir = strdup(dir)) || !d) {
        gv_error("cannot open the compile cache", "dir=%s err=\"%s\"", dir, strerror(errno));
        if (d)
            closedir(d);
        if (self)
            free(self->dir);
        free(self);
        return NULL;
    }
    pthread_mutex_init(&self->mu, NULL);
    self->max_bytes = max_bytes;
    struct dirent *de;
    while ((de = readdir(d))) {
        char *p = zsys_sprintf("%s/%s", dir, de->d_name);
        struct stat st;
        if (p && strncmp(de->d_name, ".tmp-", 5) == 0)
            (void)job_rmtree(p); /* a store or eviction interrupted by a crash */
        else if (p && s_key_valid(de->d_name) && lstat(p, &st) == 0 && S_ISDIR(st.st_mode))
            (void)s_add(self, de->d_name, s_tree_bytes(p, 0), (uint64_t)st.st_mtime);
        zstr_free(&p);
    }
    closedir(d);
    if (self->n > 1)
        qsort(self->items, self->n, sizeof *self->items, s_by_mtime);
    for (size_t i = 0; i < self->n; i++)
        self->items[i].used = ++self->clock; /* oldest mtime = least recent */
    zlist_t *victims = zlist_new();
    if (victims) {
        s_evict(self, victims);
        s_remove_victims(&victims);
    }
    gv_info("compile cache open", "dir=%s entries=%zu bytes=%llu max_bytes=%llu", dir, self->n,
            (unsigned long long)self->total, (unsigned long long)max_bytes);
    return self;
}

void compilecache_destroy(compilecache_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    compilecache_t *self = *self_p;
    pthread_mutex_destroy(&self->mu);
    free(self->items);
    free(self->dir);
    free(self);
    *self_p = NULL;
}

static char *s_read_small(const char *path)
{
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    char *buf = malloc(LOG_MAX + 1);
    size_t len = 0;
    ssize_t n = 1;
    while (buf && len < LOG_MAX && n > 0) {
        n = read(fd, buf + len, LOG_MAX - len);
        if (n < 0 && errno == EINTR)
            n = 1;
        else if (n > 0)
            len += (size_t)n;
    }
    close(fd);
    if (buf)
        buf[len] = '\0';
    return buf;
}

int compilecache_fetch(compilecache_t *self, const char *key, const char *dst_dir, uid_t uid,
                       gid_t gid, char **log_out)
{
    *log_out = NULL;
    pthread_mutex_lock(&self->mu);
    entry_t *e = s_find(self, key);
    if (e) {
        e->in_use++;
        e->used = ++self->clock;
    }
    pthread_mutex_unlock(&self->mu);
    if (!e)
        return 0;
    char *files = zsys_sprintf("%s/%s/files", self->dir, key);
    char *log = zsys_sprintf("%s/%s/log", self->dir, key);
    char *top = zsys_sprintf("%s/%s", self->dir, key);
    copy_t c = {.uid = uid, .gid = gid};
    int rc = files && log && top && s_copy_dir(files, dst_dir, &c) == 0 ? 1 : -1;
    if (rc == 1) {
        *log_out = s_read_small(log);
        (void)utimensat(AT_FDCWD, top, NULL, 0); /* recency survives a restart */
    }
    zstr_free(&files);
    zstr_free(&log);
    zstr_free(&top);
    pthread_mutex_lock(&self->mu);
    if ((e = s_find(self, key)))
        e->in_use--;
    if (rc == 1)
        self->hits++;
    pthread_mutex_unlock(&self->mu);
    return rc;
}

static int s_write_file(const char *path, const char *text)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0)
        return -1;
    size_t len = strlen(text), off = 0;
    while (off < len) {
        ssize_t n = write(fd, text + off, len - off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        off += (size_t)n;
    }
    return close(fd) == 0 && off == len ? 0 : -1;
}

int compilecache_store(compilecache_t *self, const char *key, const char *src_dir,
                       const char *skip, const char *log)
{
    static uint64_t seq; /* names of temporary directories; guarded by the mutex */
    pthread_mutex_lock(&self->mu);
    bool present = s_find(self, key) != NULL;
    uint64_t n = ++seq;
    pthread_mutex_unlock(&self->mu);
    if (present)
        return 0;
    char *tmp = zsys_sprintf("%s/.tmp-%s-%llu", self->dir, key, (unsigned long long)n);
    char *files = tmp ? zsys_sprintf("%s/files", tmp) : NULL;
    char *logp = tmp ? zsys_sprintf("%s/log", tmp) : NULL;
    char *final = zsys_sprintf("%s/%s", self->dir, key);
    copy_t c = {.uid = (uid_t)-1, .skip = skip, .max_bytes = self->max_bytes};
    int rc = -1;
    if (!tmp || !files || !logp || !final || mkdir(tmp, 0755) != 0 || mkdir(files, 0755) != 0 ||
        s_copy_dir(src_dir, files, &c) != 0 || (log && s_write_file(logp, log) != 0))
        goto done;
    c.bytes += log ? strlen(log) : 0;
    if (c.bytes > self->max_bytes)
        goto done;
    zlist_t *victims = zlist_new();
    pthread_mutex_lock(&self->mu);
    if (s_find(self, key)) {
        rc = 0; /* another slot stored it meanwhile */
    } else if (victims && rename(tmp, final) == 0) {
        rc = 0;
        if (s_add(self, key, c.bytes, ++self->clock) == 0)
            s_evict(self, victims);
    }
    pthread_mutex_unlock(&self->mu);
    if (victims)
        s_remove_victims(&victims);
done:
    if (tmp)
        (void)job_rmtree(tmp); /* gone already when it was renamed into place */
    zstr_free(&tmp);
    zstr_free(&files);
    zstr_free(&logp);
    zstr_free(&final);
    return rc;
}

uint64_t compilecache_bytes(compilecache_t *self)
{
    pthread_mutex_lock(&self->mu);
    uint64_t v = self->total;
    pthread_mutex_unlock(&self->mu);
    return v;
}

size_t compilecache_count(compilecache_t *self)
{
    pthread_mutex_lock(&self->mu);
    size_t v = self->n;
    pthread_mutex_unlock(&self->mu);
    return v;
}

uint64_t compilecache_hits(compilecache_t *self)
{
    pthread_mutex_lock(&self->mu);
    uint64_t v = self->hits;
    pthread_mutex_unlock(&self->mu);
    return v;
}
