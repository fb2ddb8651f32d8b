/*  sandbox_root — the template mount namespace every sandboxed run starts from (private to
 *  sandbox.c; see sandbox.h for the tree it holds).
 *
 *  sandbox_root_make() unshares a mount namespace, mounts a small tmpfs, fills it with
 *  read-only binds of what programs need, pivots into it, keeps a descriptor on the namespace
 *  and a writable handle on its root (for mount points and /etc/passwd), and returns the
 *  caller to its own namespace and directory. Must run in a single-threaded root process.
 */
#ifndef SANDBOX_ROOT_H
#define SANDBOX_ROOT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* 0, or -1 with a sentence in why. Never leaves the caller outside its own namespace. */
int sandbox_root_make(int *tmpl_mnt, int *tmpl_rw, char *why, size_t whylen);
/* Rewrites the template's /etc/passwd and /etc/group: root, nobody, and every uid given. */
int sandbox_root_write_users(int tmpl_rw, const uid_t *uids, size_t n_uids);
/* mkdir -p (or an empty file) for a mount point at `path` in the template; paths under the
 * per-run /tmp, /proc and /dev are left to the run. Best effort. */
void sandbox_root_mkpoint(int tmpl_rw, const char *path, bool is_dir);

#endif
