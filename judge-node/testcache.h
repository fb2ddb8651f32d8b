/*  testcache — the judge's content-addressed store of test data.
 *
 *  Files live in one directory as <dir>/<sha256 hex> (mode 0644). A file enters only through
 *  testcache_store(), which checks the SHA-256 of the bytes against the name before writing
 *  (to a temporary file, fsync, rename), so a file in the cache is always whole and correct.
 *
 *  The total size is bounded: after each store and release, least recently used files are
 *  deleted until the total is within the bound. Files in use (acquired and not yet released)
 *  are never deleted; while many are in use the total may exceed the bound for a while.
 *  Recency is kept in memory; at start the directory is scanned and ordered by atime.
 *
 *  Thread-safe: one mutex; file writes happen outside it.
 */
#ifndef TESTCACHE_H
#define TESTCACHE_H

#include <stddef.h>
#include <stdint.h>

#define TESTCACHE_HASH_LEN 64 /* lowercase hex SHA-256 */

typedef struct testcache testcache_t;

/* Opens (creating if needed) the cache directory; NULL with a log line on failure. */
testcache_t *testcache_new(const char *dir, uint64_t max_bytes);
void testcache_destroy(testcache_t **self_p);

/* True when hash is 64 lowercase hex digits. */
int testcache_hash_valid(const char *hash);

/* When present: marks it used and most recent, returns its path (caller frees) and the caller
 * must testcache_release() it. NULL when not cached. */
char *testcache_acquire(testcache_t *self, const char *hash);

/* Checks SHA-256(data) == hash, writes the file and acquires it as above. NULL with a sentence
 * in err on a mismatch or an I/O error (nothing is written then). */
char *testcache_store(testcache_t *self, const char *hash, const void *data, size_t len,
                      char *err, size_t errlen);

void testcache_release(testcache_t *self, const char *hash);

uint64_t testcache_bytes(testcache_t *self); /* current total */
size_t testcache_count(testcache_t *self);

#endif
