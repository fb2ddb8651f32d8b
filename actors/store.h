/*  store — the actor node's one LMDB environment.
 *
 *  An actor node owns exactly one environment, at <data>/<node>/lmdb/, opened durable (no
 *  MDB_NOSYNC: a commit returns only after fsync, so a reply sent after it means "on disk").
 *  Named databases are prefixed by the actor that owns them ("accounts.users"); `meta` is
 *  shared and holds id counters. Integer keys are 8-byte big-endian so cursors walk in id
 *  order. The map size is the database's maximum size; store_grow() doubles it after
 *  MDB_MAP_FULL (only while no transaction is open).
 *
 *  One environment per process, never shared across fork(); single-threaded use.
 */
#ifndef ACTORS_STORE_H
#define ACTORS_STORE_H

#include <lmdb.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define STORE_MAX_DBS 64 /* named databases of one node (34 in use) */

typedef struct store store_t;

/* Opens (creating with mode 0700 where missing) the environment in directory `dir` with a map
 * of at least `map_size` bytes. NULL with a log line on failure. */
store_t *store_open(const char *dir, uint64_t map_size);
void store_destroy(store_t **self_p);

MDB_env *store_env(store_t *self);
const char *store_dir(const store_t *self);
uint64_t store_map_size(const store_t *self);

/* Doubles the map size. Call only with no transaction open. 0 / -1. */
int store_grow(store_t *self);

/* Opens (creating) a named database inside a write transaction. Returns the mdb rc. */
int store_dbi_open(MDB_txn *txn, const char *name, MDB_dbi *dbi);

/* Creates `path` and its missing parents with mode 0700. 0 / -1 (errno set). */
int store_mkdirs(const char *path);

/* Big-endian 8-byte keys. */
void store_be64_put(uint8_t out[8], uint64_t v);
uint64_t store_be64_get(const void *p);
void store_be32_put(uint8_t out[4], uint32_t v);
uint32_t store_be32_get(const void *p);

/* Allocates the next id of counter `name` in the `meta` database (first id is 1). Returns the
 * mdb rc. */
int store_next_id(MDB_txn *txn, MDB_dbi meta, const char *name, uint64_t *id);

#endif
