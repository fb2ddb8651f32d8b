/*  blobs — content-addressed byte strings with reference counts, for test data.
 *
 *  A blob is stored once under the lower-case hex SHA-256 of its bytes (libsodium
 *  crypto_hash_sha256), whoever adds it how often: two problems sharing an input file store it
 *  once. Each reference is counted in a second database; the blob is deleted with its last
 *  reference. Judges fetch blobs by hash and cache them by hash, so a hash always names the
 *  same bytes.
 *
 *  Databases (owned by the caller's actor, opened with blobs_open): <prefix>.blobs
 *  (hash → bytes) and <prefix>.blobrefs (hash → 8-byte big-endian count).
 */
#ifndef ACTORS_BLOBS_H
#define ACTORS_BLOBS_H

#include "actor.h"

#include <stdbool.h>
#include <stddef.h>

#define BLOBS_HASH_HEX 64

typedef struct {
    MDB_dbi data;
    MDB_dbi refs;
} blobs_t;

/* Opens "<prefix>.blobs" and "<prefix>.blobrefs". Returns the mdb rc. */
int blobs_open(MDB_txn *txn, const char *prefix, blobs_t *b);

/* Hex SHA-256 of bytes (hex must hold BLOBS_HASH_HEX + 1). */
void blobs_hash(const void *data, size_t len, char hex[BLOBS_HASH_HEX + 1]);
/* True for 64 lower-case hex digits. */
bool blobs_hash_valid(const char *hex);

/* Stores data (if new) and adds a reference; writes its hash. 0 / -1. */
int blobs_add(actor_ctx_t *ctx, const blobs_t *b, const void *data, size_t len,
              char hex[BLOBS_HASH_HEX + 1]);
/* Drops one reference; deletes the blob with the last. 0 / -1. */
int blobs_unref(actor_ctx_t *ctx, const blobs_t *b, const char *hex);
/* 0 found (out points into the map until the next write), 1 absent, -1 error. */
int blobs_get(actor_ctx_t *ctx, const blobs_t *b, const char *hex, MDB_val *out);

#endif
