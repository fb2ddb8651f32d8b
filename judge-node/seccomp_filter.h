/*  seccomp_filter — the system-call filter every sandboxed run gets (private to the launcher).
 *
 *  Built once with libseccomp and exported as classic BPF, so a run only pays for one
 *  seccomp(2) call right before execve. Denied calls fail with EPERM (not a kill): a program
 *  probing for them gets an ordinary error it can report, which keeps verdicts deterministic
 *  (a hostile program that insists still gets nothing). clone3 fails with ENOSYS so that libc
 *  falls back to clone(2), whose flags the filter can see. Denied:
 *    ptrace, process_vm_readv/writev; mount, umount2, pivot_root, chroot, the new mount API
 *    (fsopen, fsconfig, fsmount, fspick, open_tree, move_mount, mount_setattr); bpf;
 *    keyctl, add_key, request_key; io_uring_setup/enter/register; kexec_load,
 *    kexec_file_load; reboot; init_module, finit_module, delete_module; unshare, setns, and
 *    clone with any CLONE_NEW* flag; perf_event_open; userfaultfd; socket() and socketpair()
 *    of any family but AF_UNIX; flock, and fcntl F_SETLK, F_SETLKW, F_OFD_SETLK,
 *    F_OFD_SETLKW, F_SETLEASE and F_NOTIFY (so lockf too), and inotify_add_watch (watching
 *    a shared bind shows when other runs open its files). Locks are denied even on a run's
 *    own files: the filter cannot tell a private file from a shared bind, and no shipped
 *    language takes a lock to compile or run (EPERM, not a kill, so a runtime that tries —
 *    SQLite, a JVM FileChannel.lock — gets an error it reports instead of dying of SIGSYS).
 *  Foreign-architecture calls (x32, i386 on x86_64) kill the process.
 */
#ifndef SECCOMP_FILTER_H
#define SECCOMP_FILTER_H

#include <linux/filter.h>
#include <stddef.h>

/* Builds the filter into *prog (filter memory owned by the caller: seccomp_filter_free).
 * 0, or -1 with a sentence in err. */
int seccomp_filter_build(struct sock_fprog *prog, char *err, size_t errlen);
void seccomp_filter_free(struct sock_fprog *prog);
/* In the child, right before execve: no_new_privs + the filter. 0 / -1 (errno set). */
int seccomp_filter_apply(const struct sock_fprog *prog);

#endif
