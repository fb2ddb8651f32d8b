/*  cgroup_slots — one cgroup per judge slot (and a second per slot for an interactor), reused
 *  run after run (private to the launcher).
 *
 *  Each controller is taken from cgroup v2 when the judge's own v2 cgroup offers it, else from
 *  its v1 hierarchy (this host is hybrid: memory, pids and cpuacct are v1). Groups are made
 *  under the judge's own cgroup, named gavel-<launcher pid>/s<index>, lazily on first use,
 *  and removed by cgroup_slots_destroy(). Per run the launcher calls prepare (set limits only
 *  when they changed, reset the peak and CPU counters, reclaim a previous run's page cache),
 *  the child calls attach (writes "0" to each hierarchy's v1 `tasks` / v2 cgroup.procs through
 *  descriptors opened in advance), and the launcher calls collect once the run is over.
 *
 *  Memory: the limit is the run's memory limit (no swap: memsw = limit where v1 has it); an
 *  OOM kill in the group (v1 memory.oom_control oom_kill, v2 memory.events oom_kill) is what
 *  makes MLE. Peak: v1 memory.max_usage_in_bytes, v2 memory.peak.
 */
#ifndef CGROUP_SLOTS_H
#define CGROUP_SLOTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct cgroup_slots cgroup_slots_t;

typedef struct {
    int version;     /* 2 when every controller used is v2, 1 when any is v1, 0 = none */
    bool memory, pids, cpu;
    char where[256]; /* a sentence: which hierarchy each controller came from, or why not */
} cgroup_caps_t;

/* Finds the hierarchies and makes the base group. Never NULL unless out of memory; *caps
 * says what works (all false when not root or no cgroup fs). */
cgroup_slots_t *cgroup_slots_new(cgroup_caps_t *caps);
void cgroup_slots_destroy(cgroup_slots_t **self_p);

/* Launcher, before the run: makes group `index` if needed, sets memory limit (0 = none) and
 * pids.max (0 = max), zeroes the counters. 0 / -1 (errno). */
int cgroup_slots_prepare(cgroup_slots_t *self, unsigned index, uint64_t memory_bytes,
                         uint32_t pids_max);
/* Child, before dropping privileges: moves the caller into group `index`. The caller must be
 * single-threaded (on v1 only the calling thread is moved, see cgroup_slots.c). 0 / -1. */
int cgroup_slots_attach(cgroup_slots_t *self, unsigned index);
/* CPU time of the group so far (user + system, ns); -1 when not available. */
int cgroup_slots_cpu_ns(cgroup_slots_t *self, unsigned index, uint64_t *ns);
/* After the run: CPU ns, peak bytes, and whether the OOM killer killed inside the group. */
int cgroup_slots_collect(cgroup_slots_t *self, unsigned index, uint64_t *cpu_ns,
                         uint64_t *peak_bytes, bool *oom_killed);

#endif
