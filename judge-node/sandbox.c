/*  sandbox — template, per-run init and program setup (see sandbox.h). */
#include "sandbox.h"
#include "launch_child.h"
#include "cgroup_slots.h"
#include "sandbox_root.h"
#include "seccomp_filter.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <grp.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define SANDBOX_NOFILE 256            /* open files per process (a JVM opens ~60) */
#define SANDBOX_DEFAULT_PIDS 64       /* pids.max when the spec says 0 */
#define SANDBOX_HOSTNAME "gavel"
#define MAX_NET_SLOTS RUNNER_MAX_SLOTS
/* Where a run's own directory shows: its host path (under the judge's data directory) stays
 * hidden from getcwd, the environment and / (the template has this one mount point). */
#define SANDBOX_BOX "/box"
/* The template keeps runner_hidden_dirs empty; a run whose binds lie under one gets a fresh
 * tmpfs there for their mount points, read-only once they are attached. */
#define SANDBOX_PRIVATE_TMPFS "size=64k,nr_inodes=1024,mode=0755"
/* Host-wide /proc entries that say something of the host or of other processes on it (runc's
 * maskedPaths and readonly sysrq-trigger, plus the boot line and id, kernel symbols and
 * config, the I/O maps, and the disk and interrupt counters other runs move): a file reads as
 * /dev/null, a directory as an empty read-only tmpfs. What runtimes read (meminfo, cpuinfo,
 * stat, uptime, self/...) stays; so do loadavg and the like, which sysinfo(2) tells anyway.
 * Absent entries are skipped. */
static const char *const s_proc_masks[] = {
    "acpi",       "asound",     "bus",           "cmdline",     "config.gz",
    "diskstats",  "interrupts", "iomem",         "ioports",     "irq",
    "kallsyms",   "kcore",      "key-users",     "keys",        "latency_stats",
    "partitions", "sched_debug", "scsi",         "softirqs",    "sysrq-trigger",
    "timer_list", "timer_stats", "sys/kernel/random/boot_id", NULL};

struct sandbox {
    bool on;
    int tmpl_mnt;    /* the template mount namespace */
    int tmpl_rw;     /* a writable handle on its root tmpfs (mount points, passwd) */
    int host_net;
    int net[MAX_NET_SLOTS];
    char cwd[PATH_MAX]; /* the launcher's own, for runs that give none */
    struct sock_fprog filter;
    bool seccomp;
    bool cgroup_ns;  /* the program gets its own cgroup namespace */
    bool proc_masks; /* s_proc_masks are hidden in every run's /proc */
    cgroup_slots_t *cg;
    cgroup_caps_t caps;
    uid_t *uids;     /* run uids already in the template's /etc/passwd */
    size_t n_uids;
};

bool sandbox_on(const sandbox_t *self)
{
    return self && self->on;
}

static unsigned s_cg_index(const launch_req_t *rq)
{
    return rq->slot * 2u + (rq->aux ? 1u : 0u);
}

static int s_slot_net(sandbox_t *self, unsigned slot)
{
    if (self->net[slot] >= 0)
        return 0;
    if (unshare(CLONE_NEWNET) != 0)
        return -1;
    self->net[slot] = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
    int e = errno;
    if (setns(self->host_net, CLONE_NEWNET) != 0)
        _exit(111); /* stuck in an empty network: nothing sensible left to do */
    errno = e;
    return self->net[slot] >= 0 ? 0 : -1;
}

static int s_note_uid(sandbox_t *self, uid_t uid)
{
    for (size_t i = 0; i < self->n_uids; i++)
        if (self->uids[i] == uid)
            return 0;
    uid_t *grown = realloc(self->uids, (self->n_uids + 1) * sizeof *grown);
    if (!grown)
        return -1;
    self->uids = grown;
    self->uids[self->n_uids++] = uid;
    return sandbox_root_write_users(self->tmpl_rw, self->uids, self->n_uids);
}

int sandbox_prepare(sandbox_t *self, const launch_req_t *rq, char *const *binds,
                    launch_stage_t *stage)
{
    *stage = STAGE_NAMESPACE;
    if (rq->slot >= MAX_NET_SLOTS || s_slot_net(self, rq->slot) != 0)
        return -1;
    *stage = STAGE_CGROUP;
    uint64_t mem = self->caps.memory ? rq->memory_limit_kb * 1024u : 0;
    uint32_t pids = rq->max_processes ? rq->max_processes : SANDBOX_DEFAULT_PIDS;
    if ((self->caps.memory || self->caps.pids || self->caps.cpu) &&
        cgroup_slots_prepare(self->cg, s_cg_index(rq), mem, pids) != 0)
        return -1;
    *stage = STAGE_MOUNT;
    if (rq->drop && s_note_uid(self, (uid_t)rq->uid) != 0)
        return -1;
    struct stat st;
    /* the cwd needs no mount point: it shows at SANDBOX_BOX, which the template has */
    for (size_t i = 0; binds[i]; i++)
        if (stat(binds[i], &st) == 0)
            sandbox_root_mkpoint(self->tmpl_rw, binds[i], S_ISDIR(st.st_mode));
    return 0;
}

/* ---- per run: init and program (child side) --------------------------------------------- */



/* mkdir -p inside the run's own tree (only succeeds under the per-run /tmp: the rest is
 * read-only, and there the template already has the mount point). */
static void s_mkdirs(const char *path, bool is_dir)
{
    char p[PATH_MAX];
    snprintf(p, sizeof p, "%s", path);
    for (char *s = strchr(p + 1, '/'); s; s = strchr(s + 1, '/')) {
        *s = '\0';
        (void)mkdir(p, 0755);
        *s = '/';
    }
    if (is_dir)
        (void)mkdir(p, 0755);
    else
        (void)mknod(p, S_IFREG | 0644, 0);
}

/* The program: pid 2 of the run's namespace. Never returns. */
static void s_program(sandbox_t *self, const launch_req_t *rq, const char *cwd,
                      char *const *argv, char *const *env, const int fds[LAUNCH_NFDS], int errfd)
{
    if ((self->caps.memory || self->caps.pids || self->caps.cpu) &&
        cgroup_slots_attach(self->cg, s_cg_index(rq)) != 0)
        launch_child_fail(errfd, STAGE_CGROUP);
    /* After joining: the program's cgroups become the roots of what it sees of cgroups, so
     * /proc/self/cgroup says "/" instead of the host's tree and the launcher's pid. */
    if (self->cgroup_ns && unshare(CLONE_NEWCGROUP) != 0)
        launch_child_fail(errfd, STAGE_NAMESPACE);
    /* Its own session and group (sid = pgid = its pid), so kill(0, sig) reaches only its own
     * processes: the group it was born in spans other pid namespaces (an interactor). */
    if (setsid() < 0)
        launch_child_fail(errfd, STAGE_SETSID);
    errfd = launch_child_stdio(fds, errfd);
    if (chdir(cwd[0] ? cwd : "/") != 0)
        launch_child_fail(errfd, STAGE_CHDIR);
    /* The cgroups bound memory and processes; without them the rlimits do what they can. */
    const launch_limits_t how = {.address_space = !self->caps.memory, .stack = true,
                                 .nproc = !self->caps.pids, .nofile = SANDBOX_NOFILE};
    launch_child_rlimits(rq, &how, errfd);
    launch_child_drop(rq, errfd);
    if (self->seccomp && seccomp_filter_apply(&self->filter) != 0)
        launch_child_fail(errfd, STAGE_SECCOMP);
    execve(argv[0], argv, env);
    launch_child_fail(errfd, STAGE_EXECVE);
}

/* Whether the run's /tmp (a tmpfs of tmp_size_kb and tmp_inodes) ran out of blocks or
 * inodes: the launcher turns that into OLE with a message naming the bound. */
static uint32_t s_tmp_full(void)
{
    struct statvfs sv;
    if (statvfs("/tmp", &sv) != 0)
        return 0;
    return (sv.f_bfree == 0 ? LAUNCH_TMP_FULL_BYTES : 0u) |
           (sv.f_ffree == 0 ? LAUNCH_TMP_FULL_FILES : 0u);
}

static int s_attach(int tree, const char *path, unsigned attrs, bool rec)
{
    struct mount_attr attr = {.attr_set = attrs};
    if (mount_setattr(tree, "", AT_EMPTY_PATH | (rec ? AT_RECURSIVE : 0), &attr, sizeof attr) != 0)
        return -1;
    return move_mount(tree, "", AT_FDCWD, path, MOVE_MOUNT_F_EMPTY_PATH);
}

/* Hides s_proc_masks in the run's fresh /proc. -1 at the first mask that fails. */
static int s_mask_proc(void)
{
    for (size_t i = 0; s_proc_masks[i]; i++) {
        char path[64];
        struct stat st;
        snprintf(path, sizeof path, "/proc/%s", s_proc_masks[i]);
        if (lstat(path, &st) != 0)
            continue; /* this kernel has no such entry */
        int rc = S_ISDIR(st.st_mode)
                     ? mount("tmpfs", path, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
                             "size=4k,nr_inodes=1,mode=0555")
                     : mount("/dev/null", path, NULL, MS_BIND, NULL);
        if (rc != 0)
            return -1;
    }
    return 0;
}

/* A copy of v in which a word that is `from`, or starts with `from`/ (after its first '=' when
 * env), starts with `to` instead: the judge gives HOME, tests give programs, by host path.
 * In the init only (a forked process: malloc is safe). NULL when out of memory. */
static char **s_rebase(char *const *v, const char *from, const char *to, bool env)
{
    size_t n = 0, fl = strlen(from);
    while (v[n])
        n++;
    char **out = calloc(n + 1, sizeof *out);
    for (size_t i = 0; out && i < n; i++) {
        const char *eq = env ? strchr(v[i], '=') : NULL;
        size_t at = eq ? (size_t)(eq - v[i]) + 1 : 0;
        const char *val = v[i] + at;
        if ((!env || eq) && strncmp(val, from, fl) == 0 && (val[fl] == '/' || val[fl] == '\0')) {
            size_t len = at + strlen(to) + strlen(val + fl) + 1;
            if ((out[i] = malloc(len)))
                snprintf(out[i], len, "%.*s%s%s", (int)at, v[i], to, val + fl);
        } else {
            out[i] = strdup(v[i]);
        }
        if (!out[i])
            return NULL; /* the init exits on this: nothing to free */
    }
    return out;
}

/* The init: pid 1 of the run's namespaces. Never returns. */
static void s_init(sandbox_t *self, const launch_req_t *rq, const char *cwd, char *const *argv,
                   char *const *env, char *const *binds, const int fds[LAUNCH_NFDS], int errfd,
                   int resfd, pid_t launcher)
{
    static const int reset[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE, SIGCHLD};
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    for (size_t i = 0; i < sizeof reset / sizeof reset[0]; i++)
        signal(reset[i], SIG_DFL);
    prctl(PR_SET_CHILD_SUBREAPER, 0);
    /* getppid() is 0 in a new pid namespace, so "is the launcher still there" cannot be asked
     * that way; the window before this line is a few microseconds after the clone. */
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    (void)launcher;
    /* Out of the launcher's session and process group, which the judge and every other run's
     * init share: nothing of this run stays in a group that reaches outside it. */
    if (setsid() < 0)
        launch_child_fail(errfd, STAGE_SETSID);
    bool bind_cwd = cwd[0] && strcmp(cwd, "/") != 0;
    size_t nb = 0;
    while (binds[nb])
        nb++;
    int trees[LAUNCH_MAX_ARGS + 1];
    bool is_dir[LAUNCH_MAX_ARGS + 1];
    struct stat st;
    /* Detached copies, taken while the host's paths are still visible. */
    for (size_t i = 0; i <= nb; i++) {
        const char *p = i < nb ? binds[i] : cwd;
        trees[i] = -1;
        if (i == nb && !bind_cwd)
            break;
        if (stat(p, &st) != 0 ||
            (trees[i] = open_tree(AT_FDCWD, p, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC |
                                                   (i < nb ? AT_RECURSIVE : 0))) < 0)
            launch_child_fail(errfd, STAGE_MOUNT);
        is_dir[i] = S_ISDIR(st.st_mode);
    }
    if (setns(self->net[rq->slot], CLONE_NEWNET) != 0 || setns(self->tmpl_mnt, CLONE_NEWNS) != 0 ||
        unshare(CLONE_NEWNS) != 0)
        launch_child_fail(errfd, STAGE_NAMESPACE);
    char opts[96];
    snprintf(opts, sizeof opts, "size=%lluk,nr_inodes=%u,mode=1777",
             (unsigned long long)(rq->tmp_size_kb ? rq->tmp_size_kb : RUNNER_TMP_DEFAULT_KB),
             rq->tmp_inodes ? rq->tmp_inodes : RUNNER_TMP_DEFAULT_INODES);
    if (mount("tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, opts) != 0 ||
        mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, "hidepid=2") != 0 ||
        (self->proc_masks && s_mask_proc() != 0))
        launch_child_fail(errfd, STAGE_MOUNT);
    bool private_used[RUNNER_N_HIDDEN_DIRS] = {false};
    for (size_t i = 0; i < nb; i++) { /* the binds; the cwd goes to SANDBOX_BOX */
        int pd = trees[i] < 0 ? -1 : runner_hidden_dir_of(binds[i]);
        if (pd >= 0 && !private_used[pd]) {
            if (mount("tmpfs", runner_hidden_dirs[pd], "tmpfs", MS_NOSUID | MS_NODEV,
                      SANDBOX_PRIVATE_TMPFS) != 0)
                launch_child_fail(errfd, STAGE_MOUNT);
            private_used[pd] = true;
        }
    }
    for (size_t i = 0; i <= nb; i++) {
        if (trees[i] < 0)
            continue;
        const char *p = i < nb ? binds[i] : SANDBOX_BOX;
        s_mkdirs(p, is_dir[i]);
        unsigned attrs = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | (i < nb ? MOUNT_ATTR_RDONLY : 0);
        if (s_attach(trees[i], p, attrs, i < nb) != 0)
            launch_child_fail(errfd, STAGE_MOUNT);
        close(trees[i]);
    }
    for (size_t i = 0; runner_hidden_dirs[i]; i++)
        if (private_used[i] &&
            mount(NULL, runner_hidden_dirs[i], NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID |
                  MS_NODEV, NULL) != 0)
            launch_child_fail(errfd, STAGE_MOUNT);
    if (sethostname(SANDBOX_HOSTNAME, strlen(SANDBOX_HOSTNAME)) != 0)
        launch_child_fail(errfd, STAGE_NAMESPACE);

    /* volatile: they are set before the vfork and read by its child */
    char *const *volatile prog_argv = argv, *const *volatile prog_env = env;
    if (bind_cwd && (!(prog_argv = s_rebase(argv, cwd, SANDBOX_BOX, false)) ||
                     !(prog_env = s_rebase(env, cwd, SANDBOX_BOX, true))))
        launch_child_fail(errfd, STAGE_MOUNT);
    pid_t prog = vfork(); /* the child only makes system calls, then execs or _exits */
    if (prog < 0)
        launch_child_fail(errfd, STAGE_FORK);
    if (prog == 0)
        s_program(self, rq, bind_cwd ? SANDBOX_BOX : "/", prog_argv, prog_env, fds, errfd);
    /* Keep only the report pipe: the launcher must see EOF on errfd at the program's execve. */
    if (dup3(resfd, 0, O_CLOEXEC) != 0)
        _exit(127);
    syscall(SYS_close_range, 1u, ~0u, 0u);
    sandbox_report_t rep;
    memset(&rep, 0, sizeof rep);
    int status = 0;
    pid_t r;
    do
        r = wait4(prog, &status, 0, &rep.ru);
    while (r < 0 && errno == EINTR);
    rep.status = status;
    rep.tmp_full = s_tmp_full();
    /* Kill and reap what the program left (daemons, stray children) before reporting, so a
     * report means "nothing of the run is alive", and the launcher can answer without
     * waiting for this namespace's teardown. */
    kill(-1, SIGKILL);
    while (wait(NULL) > 0 || errno == EINTR)
        ;
    (void)!write(0, &rep, sizeof rep);
    _exit(0);
}

pid_t sandbox_spawn(sandbox_t *self, const launch_req_t *rq, const char *cwd, char *const *argv,
                    char *const *env, char *const *binds, const int fds[LAUNCH_NFDS], int errfd,
                    int resfd)
{
    pid_t launcher = getpid();
    if (!cwd[0])
        cwd = self->cwd;
    pid_t pid = (pid_t)syscall(SYS_clone, CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWUTS | SIGCHLD,
                               NULL, NULL, NULL, 0);
    if (pid == 0)
        s_init(self, rq, cwd, argv, env, binds, fds, errfd, resfd, launcher);
    return pid;
}

int sandbox_cpu_ns(sandbox_t *self, const launch_req_t *rq, uint64_t *ns)
{
    return self->caps.cpu ? cgroup_slots_cpu_ns(self->cg, s_cg_index(rq), ns) : -1;
}

int sandbox_collect(sandbox_t *self, const launch_req_t *rq, uint64_t *cpu_ns, uint64_t *peak,
                    bool *oom)
{
    *cpu_ns = *peak = 0;
    *oom = false;
    if (!(self->caps.memory || self->caps.cpu))
        return -1;
    return cgroup_slots_collect(self->cg, s_cg_index(rq), cpu_ns, peak, oom);
}

/* ---- set-up and probe ------------------------------------------------------------------- */

static void s_add(char *buf, size_t cap, const char *fmt, const char *what)
{
    size_t len = strlen(buf);
    snprintf(buf + len, cap - len, fmt, len ? " " : "", what);
}

/* A real sandboxed run of /bin/true as nobody: the only proof that all the pieces fit. */
static int s_probe_run(sandbox_t *self, char *why, size_t whylen)
{
    launch_req_t rq = {.magic = LAUNCH_MAGIC, .uid = 65534, .gid = 65534, .drop = 1,
                       .slot = 0, .aux = 1, .memory_limit_kb = 64 * 1024, .max_processes = 4,
                       .cpu_limit_ms = 2000};
    char *argv[] = {"/bin/true", NULL}, *env[] = {NULL}, *binds[] = {NULL};
    launch_stage_t stage;
    int null = open("/dev/null", O_RDWR | O_CLOEXEC), ep[2] = {-1, -1}, rp[2] = {-1, -1};
    int rc = -1;
    if (null < 0 || pipe2(ep, O_CLOEXEC) != 0 || pipe2(rp, O_CLOEXEC) != 0) {
        snprintf(why, whylen, "probe: %s", strerror(errno));
        goto done;
    }
    if (sandbox_prepare(self, &rq, binds, &stage) != 0) {
        snprintf(why, whylen, "probe: %s failed: %s", launcher_stage_name(stage),
                 strerror(errno));
        goto done;
    }
    int fds[LAUNCH_NFDS] = {null, null, null, null};
    pid_t pid = sandbox_spawn(self, &rq, "/", argv, env, binds, fds, ep[1], rp[1]);
    close(ep[1]);
    close(rp[1]);
    ep[1] = rp[1] = -1;
    if (pid < 0) {
        snprintf(why, whylen, "cannot clone into new pid/ipc/uts namespaces: %s",
                 strerror(errno));
        goto done;
    }
    int32_t msg[2];
    ssize_t n = read(ep[0], msg, sizeof msg);
    sandbox_report_t rep;
    ssize_t m = read(rp[0], &rep, sizeof rep);
    while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
        ;
    if (n == (ssize_t)sizeof msg)
        snprintf(why, whylen, "a sandboxed run fails at %s: %s", launcher_stage_name(msg[0]),
                 strerror(msg[1]));
    else if (m != (ssize_t)sizeof rep || !WIFEXITED(rep.status) || WEXITSTATUS(rep.status) != 0)
        snprintf(why, whylen, "a sandboxed /bin/true did not exit 0 (report %zd, status 0x%x)", m, m == (ssize_t)sizeof rep ? (unsigned)rep.status : 0u);
    else
        rc = 0;
done:
    int fd[] = {null, ep[0], ep[1], rp[0], rp[1]};
    for (size_t i = 0; i < 5; i++)
        if (fd[i] >= 0)
            close(fd[i]);
    return rc;
}

/* The probe run with every hiding feature on; when it fails, again without the /proc masks,
 * without the cgroup namespace, then without both, saying in iso->missing what runs will see.
 * (why keeps the first failure when nothing helps.) */
static int s_probe_degrading(sandbox_t *self, runner_isolation_t *iso, char *why, size_t whylen)
{
    if (s_probe_run(self, why, whylen) == 0)
        return 0;
    bool masks = self->proc_masks, cgns = self->cgroup_ns;
    char first[256], ignored[256];
    snprintf(first, sizeof first, "%s", why);
    static const bool tries[3][2] = {{false, true}, {true, false}, {false, false}};
    for (size_t i = 0; i < 3; i++) {
        self->proc_masks = masks && tries[i][0];
        self->cgroup_ns = cgns && tries[i][1];
        if ((self->proc_masks == masks && self->cgroup_ns == cgns) ||
            s_probe_run(self, ignored, sizeof ignored) != 0)
            continue;
        if (masks && !self->proc_masks) {
            snprintf(why, whylen, "cannot hide host-wide /proc files (%.120s): runs can read "
                     "/proc/cmdline, kallsyms, keys, timer_list and the like", first);
            s_add(iso->missing, sizeof iso->missing, "%s%s;", why);
        }
        if (cgns && !self->cgroup_ns)
            s_add(iso->missing, sizeof iso->missing, "%s%s;",
                  "cannot give runs a cgroup namespace: /proc/self/cgroup shows the host's "
                  "cgroup paths");
        return 0;
    }
    self->proc_masks = masks;
    self->cgroup_ns = cgns;
    snprintf(why, whylen, "%s", first);
    return -1;
}

sandbox_t *sandbox_new(runner_isolation_t *iso)
{
    memset(iso, 0, sizeof *iso);
    sandbox_t *self = calloc(1, sizeof *self);
    if (!self)
        return NULL;
    self->tmpl_mnt = self->tmpl_rw = self->host_net = -1;
    for (unsigned i = 0; i < MAX_NET_SLOTS; i++)
        self->net[i] = -1;
    if (!getcwd(self->cwd, sizeof self->cwd))
        snprintf(self->cwd, sizeof self->cwd, "/");
    self->cg = cgroup_slots_new(&self->caps);
    if (!self->cg) {
        free(self);
        return NULL;
    }
    char why[256] = "";
    iso->separate_user = geteuid() == 0;
    if (!iso->separate_user) {
        s_add(iso->missing, sizeof iso->missing, "%s%s", "not root: no namespaces, no cgroups, "
                                                         "runs keep the judge's own user;");
        return self;
    }
    if (seccomp_filter_build(&self->filter, why, sizeof why) == 0)
        self->seccomp = true;
    else
        s_add(iso->missing, sizeof iso->missing, "%s%s;", why);
    self->host_net = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
    self->proc_masks = true;
    self->cgroup_ns = access("/proc/self/ns/cgroup", F_OK) == 0;
    if (!self->cgroup_ns)
        s_add(iso->missing, sizeof iso->missing, "%s%s;",
              "this kernel has no cgroup namespaces: /proc/self/cgroup shows the host's "
              "cgroup paths");
    if (self->host_net < 0 || sandbox_root_make(&self->tmpl_mnt, &self->tmpl_rw, why, sizeof why) != 0 ||
        s_probe_degrading(self, iso, why, sizeof why) != 0) {
        if (self->host_net < 0)
            snprintf(why, sizeof why, "no network namespaces (%s)", strerror(errno));
        s_add(iso->missing, sizeof iso->missing, "%s%s;", why);
        self->seccomp = false;
    } else {
        self->on = true;
    }
    iso->namespaces = self->on;
    iso->cgroup_ns = self->on && self->cgroup_ns;
    iso->proc_masked = self->on && self->proc_masks;
    iso->network_none = self->on;
    iso->seccomp = self->on && self->seccomp;
    iso->memory = self->on && self->caps.memory;
    iso->pids = self->on && self->caps.pids;
    iso->cpu = self->on && self->caps.cpu;
    iso->cgroup = iso->memory || iso->pids || iso->cpu ? self->caps.version : 0;
    if (self->on && !self->caps.memory)
        s_add(iso->missing, sizeof iso->missing, "%s%s;",
              "no memory cgroup: memory is bounded by RLIMIT_AS and measured as peak RSS");
    if (self->on && !self->caps.pids)
        s_add(iso->missing, sizeof iso->missing, "%s%s;",
              "no pids cgroup: processes are bounded by RLIMIT_NPROC per uid");
    snprintf(iso->details, sizeof iso->details, "cgroups: %s", self->caps.where);
    return self;
}

void sandbox_destroy(sandbox_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    sandbox_t *self = *self_p;
    cgroup_slots_destroy(&self->cg);
    seccomp_filter_free(&self->filter);
    int fds[] = {self->tmpl_mnt, self->tmpl_rw, self->host_net};
    for (size_t i = 0; i < 3; i++)
        if (fds[i] >= 0)
            close(fds[i]);
    for (unsigned i = 0; i < MAX_NET_SLOTS; i++)
        if (self->net[i] >= 0)
            close(self->net[i]);
    free(self->uids);
    free(self);
    *self_p = NULL;
}
