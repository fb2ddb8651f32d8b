/*  seccomp_filter — builds and applies the sandbox's system-call filter (see the header). */
#include "seccomp_filter.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Names, not numbers: a call this libseccomp or kernel does not know is skipped. */
static const char *const s_denied[] = {
    "ptrace", "process_vm_readv", "process_vm_writev", "mount", "umount2", "pivot_root",
    "chroot", "fsopen", "fsconfig", "fsmount", "fspick", "open_tree", "move_mount",
    "mount_setattr", "bpf", "keyctl", "add_key", "request_key", "io_uring_setup",
    "io_uring_enter", "io_uring_register", "kexec_load", "kexec_file_load", "reboot",
    "init_module", "finit_module", "delete_module", "unshare", "setns", "perf_event_open",
    "userfaultfd", "swapon", "swapoff", "acct", "quotactl", "lookup_dcookie", "name_to_handle_at",
    "open_by_handle_at", "flock", "inotify_add_watch", NULL};

/* fcntl commands that hold something on a file or watch it: on the read-only binds every
 * sandbox shares (/usr, /etc/ld.so.cache) a lock would block other runs and host processes,
 * and a lease or notification would watch them (inotify_add_watch, denied above, likewise).
 * Queries (F_GETLK, F_OFD_GETLK) stay. */
static const unsigned s_denied_fcntl[] = {F_SETLK,     F_SETLKW,   F_OFD_SETLK,
                                          F_OFD_SETLKW, F_SETLEASE, F_NOTIFY};
/* The kernel reads fcntl's cmd as a 32-bit int: compare the low 32 bits only, or a cmd with
 * high bits set would pass the filter and still be F_SETLK to the kernel. */
#define FCNTL_CMD_MASK 0xffffffffu

int seccomp_filter_build(struct sock_fprog *prog, char *err, size_t errlen)
{
    memset(prog, 0, sizeof *prog);
    scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
    int rc = -1, fd = -1;
    const char *what = "seccomp_init";
    if (!ctx)
        goto done;
    /* A binary tree over syscall numbers instead of a linear chain: every system call of a
     * compiler (tens of thousands per compile) pays for the filter. Older libseccomp lacks
     * the attribute; the linear filter is then just slower. */
    (void)seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
    what = "seccomp rules";
    for (size_t i = 0; s_denied[i]; i++) {
        int nr = seccomp_syscall_resolve_name(s_denied[i]);
        if (nr != __NR_SCMP_ERROR && seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), nr, 0) != 0)
            goto done;
    }
    /* One rule per namespace flag: libseccomp ORs rules, and MASKED_EQ(flag, flag) is "set". */
    static const unsigned long ns[] = {CLONE_NEWNS,  CLONE_NEWUTS, CLONE_NEWIPC,   CLONE_NEWUSER,
                                       CLONE_NEWPID, CLONE_NEWNET, CLONE_NEWCGROUP};
    for (size_t i = 0; i < sizeof ns / sizeof ns[0]; i++)
        if (seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(clone), 1,
                             SCMP_A0(SCMP_CMP_MASKED_EQ, ns[i], ns[i])) != 0)
            goto done;
    for (size_t i = 0; i < sizeof s_denied_fcntl / sizeof s_denied_fcntl[0]; i++)
        if (seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(fcntl), 1,
                             SCMP_A1(SCMP_CMP_MASKED_EQ, FCNTL_CMD_MASK, s_denied_fcntl[i])) != 0)
            goto done;
    if (seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0) != 0 ||
        seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(socket), 1,
                         SCMP_A0(SCMP_CMP_NE, AF_UNIX)) != 0 ||
        seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(socketpair), 1,
                         SCMP_A0(SCMP_CMP_NE, AF_UNIX)) != 0)
        goto done;
    what = "seccomp export";
    fd = memfd_create("gavel-seccomp", MFD_CLOEXEC);
    if (fd < 0 || seccomp_export_bpf(ctx, fd) != 0)
        goto done;
    off_t size = lseek(fd, 0, SEEK_END);
    if (size <= 0 || size % (off_t)sizeof(struct sock_filter) != 0 ||
        size / (off_t)sizeof(struct sock_filter) > BPF_MAXINSNS)
        goto done;
    prog->filter = malloc((size_t)size);
    if (!prog->filter || pread(fd, prog->filter, (size_t)size, 0) != size) {
        seccomp_filter_free(prog);
        goto done;
    }
    prog->len = (unsigned short)(size / (off_t)sizeof(struct sock_filter));
    rc = 0;
done:
    if (rc != 0)
        snprintf(err, errlen, "cannot build the seccomp filter (%s failed: %s)", what,
                 strerror(errno));
    if (fd >= 0)
        close(fd);
    if (ctx)
        seccomp_release(ctx);
    return rc;
}

void seccomp_filter_free(struct sock_fprog *prog)
{
    free(prog->filter);
    prog->filter = NULL;
    prog->len = 0;
}

int seccomp_filter_apply(const struct sock_fprog *prog)
{
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
        return -1;
    return (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, prog);
}
