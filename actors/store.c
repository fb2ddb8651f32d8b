/*  store — LMDB environment of an actor node (see store.h). */
#include "store.h"

#include "gv_log.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

#define STORE_MIN_MAP (64u * 1024u) /* below this LMDB cannot even hold the named DBs */

struct store {
    MDB_env *env;
    char *dir;
    uint64_t map_size;
};

int store_mkdirs(const char *path)
{
    char *p = strdup(path);
    if (!p) return -1;
    int rc = 0;
    for (char *s = p + 1; *s && rc == 0; s++) {
        if (*s != '/') continue;
        *s = '\0';
        if (mkdir(p, 0700) != 0 && errno != EEXIST) rc = -1;
        *s = '/';
    }
    if (rc == 0 && mkdir(p, 0700) != 0 && errno != EEXIST) rc = -1;
    free(p);
    return rc;
}

store_t *store_open(const char *dir, uint64_t map_size)
{
    store_t *self = calloc(1, sizeof *self);
    if (!self) return NULL;
    self->dir = strdup(dir);
    if (!self->dir) goto fail;
    if (store_mkdirs(dir) != 0) {
        gv_error("cannot create LMDB directory", "dir=%s error=\"%s\"", dir, strerror(errno));
        goto fail;
    }
    if (map_size < STORE_MIN_MAP) map_size = STORE_MIN_MAP;
    int rc = mdb_env_create(&self->env);
    if (rc == 0) rc = mdb_env_set_maxdbs(self->env, STORE_MAX_DBS);
    if (rc == 0) rc = mdb_env_set_mapsize(self->env, (size_t)map_size);
    if (rc == 0) rc = mdb_env_open(self->env, dir, MDB_NORDAHEAD, 0600);
    if (rc != 0) {
        gv_error("cannot open LMDB environment", "dir=%s error=\"%s\"", dir, mdb_strerror(rc));
        goto fail;
    }
    /* An existing file larger than the configured map wins. */
    MDB_envinfo info;
    mdb_env_info(self->env, &info);
    self->map_size = info.me_mapsize;
    return self;
fail:
    store_destroy(&self);
    return NULL;
}

void store_destroy(store_t **self_p)
{
    if (!self_p || !*self_p) return;
    store_t *self = *self_p;
    if (self->env) mdb_env_close(self->env);
    free(self->dir);
    free(self);
    *self_p = NULL;
}

MDB_env *store_env(store_t *self)
{
    return self->env;
}

const char *store_dir(const store_t *self)
{
    return self->dir;
}

uint64_t store_map_size(const store_t *self)
{
    return self->map_size;
}

int store_grow(store_t *self)
{
    uint64_t want = self->map_size * 2;
    int rc = mdb_env_set_mapsize(self->env, (size_t)want);
    if (rc != 0) {
        gv_error("cannot grow LMDB map", "dir=%s from_bytes=%llu to_bytes=%llu error=\"%s\"",
                 self->dir, (unsigned long long)self->map_size, (unsigned long long)want,
                 mdb_strerror(rc));
        return -1;
    }
    gv_warn("LMDB map full; grew the map",
            "dir=%s from_bytes=%llu to_bytes=%llu "
            "hint=\"raise map_size_mb in cluster.toml\"",
            self->dir, (unsigned long long)self->map_size, (unsigned long long)want);
    self->map_size = want;
    return 0;
}

int store_dbi_open(MDB_txn *txn, const char *name, MDB_dbi *dbi)
{
    int rc = mdb_dbi_open(txn, name, MDB_CREATE, dbi);
    if (rc != 0)
        gv_error("cannot open LMDB database", "db=%s error=\"%s\"", name, mdb_strerror(rc));
    return rc;
}

void store_be64_put(uint8_t out[8], uint64_t v)
{
    for (int i = 7; i >= 0; i--) {
        out[i] = (uint8_t)(v & 0xff);
        v >>= 8;
    }
}

uint64_t store_be64_get(const void *p)
{
    const uint8_t *b = p;
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = (v << 8) | b[i];
    return v;
}

void store_be32_put(uint8_t out[4], uint32_t v)
{
    for (int i = 3; i >= 0; i--) {
        out[i] = (uint8_t)(v & 0xff);
        v >>= 8;
    }
}

uint32_t store_be32_get(const void *p)
{
    const uint8_t *b = p;
    return ((uint32_t)b[0] << 24) | ((uint32_t)b[1] << 16) | ((uint32_t)b[2] << 8) | b[3];
}

int store_next_id(MDB_txn *txn, MDB_dbi meta, const char *name, uint64_t *id)
{
    MDB_val k = {strlen(name), (void *)name}, v;
    uint64_t next = 1;
    int rc = mdb_get(txn, meta, &k, &v);
    if (rc == 0 && v.mv_size == 8)
        next = store_be64_get(v.mv_data);
    else if (rc != 0 && rc != MDB_NOTFOUND)
        return rc;
    uint8_t buf[8];
    store_be64_put(buf, next + 1);
    v.mv_size = 8;
    v.mv_data = buf;
    rc = mdb_put(txn, meta, &k, &v, 0);
    if (rc == 0) *id = next;
    return rc;
}
