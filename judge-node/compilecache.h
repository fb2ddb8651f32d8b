/*  compilecache — compiled programs kept on disk, so an identical source is compiled once.
 *
 *  An entry is what a successful compile left in its work directory (regular files and
 *  directories only; symlinks, fifos and hard links elsewhere are never copied), plus the
 *  compiler's messages. It is keyed by SHA-256 over (language id, compiler version, compile
 *  argv, source bytes): a new compiler version or changed flags never reuse an old binary.
 *
 *  Layout: <dir>/<key>/files/... and <dir>/<key>/log. An entry is built under <dir>/.tmp-*
 *  and renamed into place, so a present entry is always whole; a crash leaves only .tmp-*
 *  directories, removed at the next start.
 *
 *  Bounded: after each store, least recently used entries are deleted until the total size
 *  is within max_bytes (an entry being copied out is never deleted). Recency is kept in memory
 *  and on disk as the entry's mtime, so the order survives restarts. An entry larger than the
 *  whole bound is not stored.
 *
 *  Thread-safe: one mutex for the index; copies happen outside it.
 */
#ifndef COMPILECACHE_H
#define COMPILECACHE_H

#include "languages.h"

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define COMPILECACHE_KEY_LEN 64 /* lowercase hex SHA-256 */
#define COMPILECACHE_DEFAULT_MB 1024

typedef struct compilecache compilecache_t;

/* Opens (creating if needed) the cache directory; NULL with a log line on failure. */
compilecache_t *compilecache_new(const char *dir, uint64_t max_bytes);
void compilecache_destroy(compilecache_t **self_p);

/* The key of compiling `src` with `lang` (its id, version and compile argv). */
void compilecache_key(const language_t *lang, const void *src, size_t len,
                      char key[COMPILECACHE_KEY_LEN + 1]);

/* Copies the entry's files into dst_dir (which exists), owned by uid:gid (uid (uid_t)-1 =
 * leave them the judge's); *log_out gets the compiler's messages (caller frees; NULL when
 * there were none). 1 hit, 0 miss, -1 the entry could not be copied (treat as a miss; dst_dir
 * may hold part of it). */
int compilecache_fetch(compilecache_t *self, const char *key, const char *dst_dir, uid_t uid,
                       gid_t gid, char **log_out);

/* Stores the regular files and directories under src_dir (skipping `skip`, the source file
 * name, when not NULL) and `log` (may be NULL) as the entry for key. 0 stored or already
 * present, -1 not stored (I/O error, too big); either way nothing else changes. */
int compilecache_store(compilecache_t *self, const char *key, const char *src_dir,
                       const char *skip, const char *log);

/* Copies a compiled program's tree from src_dir into dst_dir (which exists) the way fetch
 * does: regular files and directories only, owned by uid:gid ((uid_t)-1 = the judge's),
 * skipping the top-level name `skip` (NULL = none). compile.c moves a compile's output from
 * its build directory to the run's directory with it. 0 / -1 (errno). */
int compilecache_copy_dir(const char *src_dir, const char *dst_dir, uid_t uid, gid_t gid,
                          const char *skip);

uint64_t compilecache_bytes(compilecache_t *self);
size_t compilecache_count(compilecache_t *self);
uint64_t compilecache_hits(compilecache_t *self);

#endif
