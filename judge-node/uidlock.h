/*  uidlock — reserves a block of run uids for one judge, host-wide, for the judge's lifetime.
 *
 *  Per-uid kernel resources (inotify instances, queued signals, RLIMIT_NPROC, the right to
 *  signal or ptrace) are shared by every process of a uid, so two judges on one host (two
 *  clusters, or two judge nodes of one cluster, all defaulting to uid_base 60000) must never
 *  run programs as the same uid. As isolate reserves its boxes, each uid has a lock file in a
 *  host-wide directory (`uid_lock_dir`, default GV_UID_LOCK_DIR_DEFAULT): <dir>/<uid>, holding
 *  one line that says who holds it ("pid=... node=... cluster=... data=..."). The lock is an
 *  flock(2) on the open file, so it lasts exactly as long as the judge process: a crashed or
 *  killed judge frees its uids by dying, and a stale file is simply taken over.
 *
 *  A judge asks for `count` consecutive uids in its window [base, base + window): the first
 *  free block from base up (two clusters with the same uid_base both start, on neighbouring
 *  blocks). Scans are serialised by a lock on <dir>/.scan so two judges starting at once do
 *  not leapfrog each other. When no block is free the reservation fails with a sentence
 *  naming the taken uids and their holders, and what to change. Each held uid costs an open
 *  file: the soft RLIMIT_NOFILE is raised (up to the hard one) to fit them.
 */
#ifndef UIDLOCK_H
#define UIDLOCK_H

#include <stddef.h>
#include <stdint.h>

#define UIDLOCK_HOLDER_MAX 512   /* bytes of a lock file's holder line */
#define UIDLOCK_SHOWN_HOLDERS 4  /* taken ranges named in a refusal; the rest are counted */
#define UIDLOCK_FD_HEADROOM 512  /* open files a judge needs besides its lock files */

typedef struct uidlock uidlock_t;

/* Reserves `count` consecutive uids in [base, base + window) under `dir` (created 0755 if
 * missing; it must be a directory owned by us and writable by nobody else). `holder` is the
 * line written into each lock file (no newline needed). NULL with a sentence in err. */
uidlock_t *uidlock_reserve(const char *dir, uint32_t base, uint32_t window, uint32_t count,
                           const char *holder, char *err, size_t errlen);
/* Releases the uids (closes the lock files; the files stay, unlocked). Accepts NULL. */
void uidlock_destroy(uidlock_t **self_p);

uint32_t uidlock_first(const uidlock_t *self);
uint32_t uidlock_count(const uidlock_t *self);

#endif
