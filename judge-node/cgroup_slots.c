/*  cgroup_slots — per-slot cgroups, v2 where the host offers a controller, else v1 (see the
 *  header). Every file a run touches is opened once, when its group is made, and read or
 *  written with pread/pwrite after that: per run this costs a few small writes, no path
 *  lookups. */
#include "cgroup_slots.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_GROUPS 2048               /* 1024 slots x (program, interactor) */
#define RMDIR_TRIES 200               /* x 1 ms */
#define RECLAIM_ABOVE (2u << 20)      /* left-over page cache worth reclaiming before a run */

enum { C_MEM, C_PIDS, C_CPU, C_N };
static const char *const s_v1_name[C_N] = {"memory", "pids", "cpuacct"};
static const char *const s_v2_name[C_N] = {"memory", "pids", "cpu"};

typedef struct {
    bool made;
    int procs[C_N];                  /* v1 tasks / v2 cgroup.procs (see cgroup_slots_attach);
                                        -1 when a lower controller shares it */
    int mem_limit, memsw_limit, mem_peak, mem_oom, mem_usage, mem_reclaim, pids_max, cpu;
    uint64_t cur_mem;                /* limit now set, UINT64_MAX = never set */
    uint32_t cur_pids;
    uint64_t oom_before, cpu_before; /* cpu_before: v2 only (cpu.stat has no reset) */
} group_t;

struct cgroup_slots {
    int ver[C_N];                    /* 0 none, 1, 2 */
    char *base[C_N];                 /* .../gavel-<pid> of the hierarchy holding it */
    bool swap;                       /* v1: also set memory.memsw.limit_in_bytes */
    group_t *groups;
};

static int s_write(int fd, const char *s)
{
    return fd >= 0 && pwrite(fd, s, strlen(s), 0) == (ssize_t)strlen(s) ? 0 : -1;
}

/* Reads the number after "key " in a key/value file, or the first number when key is NULL. */
static int s_read_num(int fd, const char *key, uint64_t *out)
{
    char buf[1024];
    ssize_t n = fd >= 0 ? pread(fd, buf, sizeof buf - 1, 0) : -1;
    if (n <= 0)
        return -1;
    buf[n] = '\0';
    const char *p = buf;
    if (key) {
        size_t kl = strlen(key);
        for (p = buf; p && !(strncmp(p, key, kl) == 0 && p[kl] == ' ');) {
            p = strchr(p, '\n');
            p = p ? p + 1 : NULL;
        }
        if (!p)
            return -1;
        p += kl + 1;
    }
    *out = strtoull(p, NULL, 10);
    return 0;
}

static int s_open(const char *dir, const char *file, int flags)
{
    char path[PATH_MAX];
    int n = snprintf(path, sizeof path, "%s/%s", dir, file);
    if (n < 0 || (size_t)n >= sizeof path) {
        errno = ENAMETOOLONG;
        return -1;
    }
    return open(path, flags | O_CLOEXEC);
}

static bool s_has_word(const char *list, const char *word, const char *seps)
{
    char *copy = strdup(list), *save = NULL;
    bool found = false;
    for (char *t = copy ? strtok_r(copy, seps, &save) : NULL; t && !found;
         t = strtok_r(NULL, seps, &save))
        found = strcmp(t, word) == 0;
    free(copy);
    return found;
}

/* Mount point of the v1 hierarchy with `ctl` (or of cgroup2 when ctl is NULL). */
static char *s_mount_of(const char *ctl)
{
    FILE *f = fopen("/proc/self/mountinfo", "re");
    char line[4096], *found = NULL;
    while (f && !found && fgets(line, sizeof line, f)) {
        char mnt[1024], fstype[64], opts[1024];
        const char *dash = strstr(line, " - ");
        if (!dash || sscanf(line, "%*s %*s %*s %*s %1023s", mnt) != 1 ||
            sscanf(dash + 3, "%63s %*s %1023s", fstype, opts) != 2)
            continue;
        if (ctl ? strcmp(fstype, "cgroup") == 0 && s_has_word(opts, ctl, ",")
                : strcmp(fstype, "cgroup2") == 0)
            found = strdup(mnt);
    }
    if (f)
        fclose(f);
    return found;
}

/* Our own group in the v1 hierarchy with `ctl`, or in v2 when ctl is NULL. */
static char *s_own_path(const char *ctl)
{
    FILE *f = fopen("/proc/self/cgroup", "re");
    char line[4096], *found = NULL;
    while (f && !found && fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = '\0';
        char *a = strchr(line, ':'), *b = a ? strchr(a + 1, ':') : NULL;
        if (!b)
            continue;
        *b = '\0';
        bool match = ctl ? s_has_word(a + 1, ctl, ",") : strcmp(line, "0") == 0 && !a[1];
        if (match)
            found = strdup(b + 1);
    }
    if (f)
        fclose(f);
    return found;
}

/* Removes gavel-<pid> groups under dir whose launcher is dead (killed before it could clean
 * up). Groups of live launchers — other judges on this host — are left alone. */
static void s_remove_stale(const char *dir)
{
    DIR *d = opendir(dir);
    for (struct dirent *de; d && (de = readdir(d));) {
        int pid = 0;
        if (sscanf(de->d_name, "gavel-%d", &pid) != 1 || pid <= 0 ||
            (kill(pid, 0) == 0 || errno != ESRCH))
            continue;
        char path[PATH_MAX];
        int n = snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        if (n < 0 || (size_t)n >= sizeof path)
            continue;
        DIR *sub = opendir(path);
        for (struct dirent *se; sub && (se = readdir(sub));) {
            if (se->d_name[0] != 's' || se->d_type != DT_DIR)
                continue;
            char child[PATH_MAX + 256];
            int m = snprintf(child, sizeof child, "%s/%s", path, se->d_name);
            if (m > 0 && (size_t)m < sizeof child)
                (void)rmdir(child);
        }
        if (sub)
            closedir(sub);
        (void)rmdir(path);
    }
    if (d)
        closedir(d);
}

static char *s_make_base(const char *mount, const char *own)
{
    char path[1024];
    snprintf(path, sizeof path, "%s%s", mount, strcmp(own, "/") == 0 ? "" : own);
    s_remove_stale(path);
    snprintf(path, sizeof path, "%s%s/gavel-%d", mount, strcmp(own, "/") == 0 ? "" : own,
             (int)getpid());
    if (mkdir(path, 0755) != 0 && errno != EEXIST)
        return NULL;
    return strdup(path);
}

cgroup_slots_t *cgroup_slots_new(cgroup_caps_t *caps)
{
    memset(caps, 0, sizeof *caps);
    cgroup_slots_t *self = calloc(1, sizeof *self);
    if (!self || !(self->groups = calloc(MAX_GROUPS, sizeof *self->groups))) {
        free(self);
        return NULL;
    }
    if (geteuid() != 0) {
        snprintf(caps->where, sizeof caps->where, "not root: cgroups cannot be made");
        return self;
    }
    char *v2mount = s_mount_of(NULL), *v2own = s_own_path(NULL), *v2base = NULL;
    char controllers[512] = "";
    if (v2mount && v2own) {
        char path[1024];
        snprintf(path, sizeof path, "%s%s/cgroup.controllers", v2mount,
                 strcmp(v2own, "/") == 0 ? "" : v2own);
        FILE *f = fopen(path, "re");
        if (f && !fgets(controllers, sizeof controllers, f))
            controllers[0] = '\0';
        if (f)
            fclose(f);
        controllers[strcspn(controllers, "\n")] = '\0';
    }
    bool v2mem = s_has_word(controllers, "memory", " ");
    for (int c = 0; c < C_N; c++) {
        bool v2 = s_has_word(controllers, s_v2_name[c], " ") || (c == C_CPU && v2mem);
        if (v2 && (v2base || (v2base = s_make_base(v2mount, v2own)))) {
            char ctl[16];
            snprintf(ctl, sizeof ctl, "+%s", s_v2_name[c]);
            int fd = s_open(v2base, "cgroup.subtree_control", O_WRONLY);
            bool ok = c == C_CPU || s_write(fd, ctl) == 0;
            if (fd >= 0)
                close(fd);
            if (ok) {
                self->ver[c] = 2;
                self->base[c] = strdup(v2base);
                continue;
            }
        }
        char *mnt = s_mount_of(s_v1_name[c]), *own = s_own_path(s_v1_name[c]);
        if (mnt && own && (self->base[c] = s_make_base(mnt, own)))
            self->ver[c] = 1;
        free(mnt);
        free(own);
    }
    free(v2mount);
    free(v2own);
    free(v2base);
    FILE *sw = fopen("/proc/swaps", "re");
    char line[256];
    int lines = 0;
    while (sw && fgets(line, sizeof line, sw))
        lines++;
    if (sw)
        fclose(sw);
    self->swap = lines > 1;
    caps->memory = self->ver[C_MEM] != 0;
    caps->pids = self->ver[C_PIDS] != 0;
    caps->cpu = self->ver[C_CPU] != 0;
    caps->version = 0;
    for (int c = 0; c < C_N; c++)
        if (self->ver[c] && (!caps->version || self->ver[c] < caps->version))
            caps->version = self->ver[c];
    snprintf(caps->where, sizeof caps->where, "memory=%s pids=%s cpu=%s",
             self->ver[C_MEM] ? self->base[C_MEM] : "none",
             self->ver[C_PIDS] ? (self->ver[C_PIDS] == 2 ? "v2" : "v1") : "none",
             self->ver[C_CPU] ? (self->ver[C_CPU] == 2 ? "v2" : "v1") : "none");
    return self;
}

static void s_close_group(group_t *g)
{
    int *fds[] = {&g->procs[0], &g->procs[1], &g->procs[2], &g->mem_limit, &g->memsw_limit,
                  &g->mem_peak, &g->mem_oom, &g->mem_usage, &g->mem_reclaim, &g->pids_max,
                  &g->cpu};
    for (size_t i = 0; i < sizeof fds / sizeof fds[0]; i++) {
        if (*fds[i] >= 0)
            close(*fds[i]);
        *fds[i] = -1;
    }
}

/* A group whose last process was just reaped can stay busy for a moment (its exit is
 * finished asynchronously), so rmdir gets a few tries. */
static void s_rmdir(const char *path)
{
    for (int i = 0; i < RMDIR_TRIES && rmdir(path) != 0 && errno == EBUSY; i++)
        usleep(1000);
}

void cgroup_slots_destroy(cgroup_slots_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    cgroup_slots_t *self = *self_p;
    for (unsigned i = 0; i < MAX_GROUPS; i++) {
        group_t *g = &self->groups[i];
        if (!g->made)
            continue;
        s_close_group(g);
        for (int c = 0; c < C_N; c++) {
            char path[1024];
            snprintf(path, sizeof path, "%s/s%u", self->base[c] ? self->base[c] : "", i);
            if (self->base[c])
                s_rmdir(path); /* shared v2 dirs: the second rmdir fails quietly */
        }
    }
    for (int c = 0; c < C_N; c++) {
        if (self->base[c])
            s_rmdir(self->base[c]);
        free(self->base[c]);
    }
    free(self->groups);
    free(self);
    *self_p = NULL;
}

static int s_make_group(cgroup_slots_t *self, unsigned index, group_t *g)
{
    int *fds[] = {&g->procs[0], &g->procs[1], &g->procs[2], &g->mem_limit, &g->memsw_limit,
                  &g->mem_peak, &g->mem_oom, &g->mem_usage, &g->mem_reclaim, &g->pids_max,
                  &g->cpu};
    for (size_t i = 0; i < sizeof fds / sizeof fds[0]; i++)
        *fds[i] = -1;
    for (int c = 0; c < C_N; c++) {
        if (!self->ver[c])
            continue;
        char dir[1024];
        snprintf(dir, sizeof dir, "%s/s%u", self->base[c], index);
        if (mkdir(dir, 0755) != 0 && errno != EEXIST)
            goto fail;
        bool shared = false; /* v2: one directory holds several controllers */
        for (int d = 0; d < c; d++)
            shared |= self->ver[d] == 2 && self->ver[c] == 2;
        bool v1 = self->ver[c] == 1;
        if (!shared && (g->procs[c] = s_open(dir, v1 ? "tasks" : "cgroup.procs", O_WRONLY)) < 0)
            goto fail;
        if (c == C_MEM) {
            g->mem_limit = s_open(dir, v1 ? "memory.limit_in_bytes" : "memory.max", O_WRONLY);
            g->mem_peak = s_open(dir, v1 ? "memory.max_usage_in_bytes" : "memory.peak", O_RDWR);
            g->mem_oom = s_open(dir, v1 ? "memory.oom_control" : "memory.events", O_RDONLY);
            g->mem_usage = s_open(dir, v1 ? "memory.usage_in_bytes" : "memory.current",
                                  O_RDONLY);
            g->mem_reclaim = s_open(dir, v1 ? "memory.force_empty" : "memory.reclaim", O_WRONLY);
            if (v1 && self->swap)
                g->memsw_limit = s_open(dir, "memory.memsw.limit_in_bytes", O_WRONLY);
            else if (!v1)
                g->memsw_limit = s_open(dir, "memory.swap.max", O_WRONLY);
            if (g->mem_limit < 0 || g->mem_peak < 0 || g->mem_oom < 0 || g->mem_usage < 0)
                goto fail;
        } else if (c == C_PIDS) {
            if ((g->pids_max = s_open(dir, "pids.max", O_WRONLY)) < 0)
                goto fail;
        } else if ((g->cpu = s_open(dir, v1 ? "cpuacct.usage" : "cpu.stat",
                                    v1 ? O_RDWR : O_RDONLY)) < 0) {
            goto fail;
        }
    }
    g->made = true;
    g->cur_mem = UINT64_MAX;
    g->cur_pids = UINT32_MAX;
    return 0;
fail:
    s_close_group(g);
    return -1;
}

int cgroup_slots_prepare(cgroup_slots_t *self, unsigned index, uint64_t memory_bytes,
                         uint32_t pids_max)
{
    if (index >= MAX_GROUPS) {
        errno = EINVAL;
        return -1;
    }
    group_t *g = &self->groups[index];
    if (!g->made && s_make_group(self, index, g) != 0)
        return -1;
    char num[32];
    if (self->ver[C_MEM]) {
        bool v1 = self->ver[C_MEM] == 1;
        if (g->cur_mem != memory_bytes) {
            if (memory_bytes)
                snprintf(num, sizeof num, "%llu", (unsigned long long)memory_bytes);
            else
                snprintf(num, sizeof num, "%s", v1 ? "-1" : "max");
            /* v1 wants memsw >= limit at every step: lift memsw, set limit, then memsw. */
            if (v1 && g->memsw_limit >= 0 && s_write(g->memsw_limit, "-1") != 0)
                return -1;
            if (s_write(g->mem_limit, num) != 0)
                return -1;
            if (g->memsw_limit >= 0 && s_write(g->memsw_limit, v1 ? num : "0") != 0 && v1)
                return -1;
            g->cur_mem = memory_bytes;
        }
        uint64_t usage = 0;
        if (g->mem_reclaim >= 0 && s_read_num(g->mem_usage, NULL, &usage) == 0 &&
            usage > RECLAIM_ABOVE) {
            snprintf(num, sizeof num, "%llu", (unsigned long long)usage);
            (void)s_write(g->mem_reclaim, v1 ? "0" : num); /* best effort */
        }
        if (s_write(g->mem_peak, v1 ? "0" : "reset") != 0 && v1)
            return -1;
        if (s_read_num(g->mem_oom, "oom_kill", &g->oom_before) != 0)
            g->oom_before = 0;
    }
    if (self->ver[C_PIDS] && g->cur_pids != pids_max) {
        if (pids_max)
            snprintf(num, sizeof num, "%u", pids_max);
        else
            snprintf(num, sizeof num, "max");
        if (s_write(g->pids_max, num) != 0)
            return -1;
        g->cur_pids = pids_max;
    }
    if (self->ver[C_CPU] == 1 && s_write(g->cpu, "0") != 0)
        return -1;
    if (self->ver[C_CPU] == 2 && s_read_num(g->cpu, "usage_usec", &g->cpu_before) != 0)
        return -1;
    return 0;
}

/* v1: "0" goes to `tasks`, which moves the calling thread only. The caller is the run's
 * program before execve, a single-threaded process, so that is the whole process — and the
 * kernel then skips the global cgroup_threadgroup_rwsem write lock that a cgroup.procs write
 * takes. That lock's percpu-rwsem waits for an RCU grace period when it has been idle for a
 * few ms: ~10 ms on this VM, paid by the first run after every compile and by every compile
 * (measured: cgroup.procs 9.8 ms after a 40 ms pause, 0.45 ms back to back; tasks 0.02-0.05
 * ms). v2 has no per-thread file outside threaded groups, so it keeps cgroup.procs. */
int cgroup_slots_attach(cgroup_slots_t *self, unsigned index)
{
    group_t *g = &self->groups[index];
    for (int c = 0; c < C_N; c++)
        if (self->ver[c] && g->procs[c] >= 0 && s_write(g->procs[c], "0") != 0)
            return -1;
    return 0;
}

int cgroup_slots_cpu_ns(cgroup_slots_t *self, unsigned index, uint64_t *ns)
{
    group_t *g = &self->groups[index];
    uint64_t v = 0;
    if (!self->ver[C_CPU] || !g->made)
        return -1;
    if (self->ver[C_CPU] == 1)
        return s_read_num(g->cpu, NULL, ns);
    if (s_read_num(g->cpu, "usage_usec", &v) != 0)
        return -1;
    *ns = (v - g->cpu_before) * 1000u;
    return 0;
}

int cgroup_slots_collect(cgroup_slots_t *self, unsigned index, uint64_t *cpu_ns,
                         uint64_t *peak_bytes, bool *oom_killed)
{
    group_t *g = &self->groups[index];
    *cpu_ns = *peak_bytes = 0;
    *oom_killed = false;
    if (index >= MAX_GROUPS || !g->made)
        return -1;
    int rc = 0;
    if (self->ver[C_CPU] && cgroup_slots_cpu_ns(self, index, cpu_ns) != 0)
        rc = -1;
    uint64_t oom = 0;
    if (self->ver[C_MEM]) {
        if (s_read_num(g->mem_peak, NULL, peak_bytes) != 0)
            rc = -1;
        if (s_read_num(g->mem_oom, "oom_kill", &oom) == 0)
            *oom_killed = oom > g->oom_before;
    }
    return rc;
}
