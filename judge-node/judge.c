/*  judge — main thread: link, READY, slots, relaying (see judge.h). */
#include "judge.h"
#include "gv_link.h"
#include "gv_log.h"
#include "gv_msg.h"
#include "job.h"
#include "compile.h"
#include "languages.h"
#include "runner.h"
#include "testcache.h"
#include "uidlock.h"
#include "worker.h"

#include <czmq.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zmq.h>

#define HOUSEKEEPING_MS 100    /* poll cap so link heartbeats/reconnects keep ticking */
#define PROCS_PER_SLOT 64      /* RLIMIT_NPROC is per uid: the budget is shared by slots */
#define MAX_PENDING 4096       /* jobs beyond our slots the broker might send */
#define READY_RUNNING_MAX 256  /* schema bound of judge.ready `running` */

typedef struct {
    zactor_t *actor;
    bool busy;
    uint64_t sub_id, attempt;
} slot_t;

struct judge {
    const gv_config_t *cfg;
    const gv_node_cfg_t *node;
    char *name;
    char host[256];
    char *node_dir;
    char *work_root;   /* <node_dir>/work, or a private directory under /tmp (see s_work_root) */
    bool work_root_tmp;
    runner_user_t user;
    languages_t *langs;
    testcache_t *cache;
    int cancel_fd;
    worker_ctx_t ctx;
    slot_t *slots;
    uint32_t n_slots;
    zlistx_t *pending; /* gv_msg_t* judge.job waiting for a slot */
    bool insecure;     /* runs are not fully isolated (allowed by `insecure = true`) */
    gv_link_t *link;
    uidlock_t *uids;   /* this judge's run uids, reserved host-wide; NULL = runs keep run_user */
};

static int s_mkdir(const char *path, mode_t mode, char *err, size_t errlen)
{
    if (zsys_dir_create("%s", path) != 0 || chmod(path, mode) != 0) {
        snprintf(err, errlen, "cannot create directory %s: %s", path, strerror(errno));
        return -1;
    }
    return 0;
}

static int s_dirs(judge_t *self, char *err, size_t errlen)
{
    const char *sub[] = {"work", "out", "cache"};
    const mode_t modes[] = {0711, 0700, 0700}; /* run user may pass through work/ only */
    if (s_mkdir(self->node_dir, 0711, err, errlen) != 0)
        return -1;
    for (size_t i = 0; i < 3; i++) {
        char *p = zsys_sprintf("%s/%s", self->node_dir, sub[i]);
        int rc = p ? s_mkdir(p, modes[i], err, errlen) : -1;
        zstr_free(&p);
        if (rc != 0)
            return -1;
    }
    return 0;
}

/* Programs must reach their work directory by path (python3 opens its script by absolute
 * path), so every parent must be searchable by the run user. When the data directory is not
 * (say it is 0700), use a private directory under $TMPDIR or /tmp instead, and say so. */
static int s_work_root(judge_t *self, char *err, size_t errlen)
{
    self->work_root = zsys_sprintf("%s/work", self->node_dir);
    if (!self->work_root)
        return -1;
    if (runner_user_can_enter(&self->user, self->work_root))
        return 0;
    const char *tmp = getenv("TMPDIR");
    char *tmpl = zsys_sprintf("%s/gavel-%s-work-XXXXXX", tmp && *tmp == '/' ? tmp : "/tmp",
                              self->name);
    if (!tmpl || !mkdtemp(tmpl) || chmod(tmpl, 0711) != 0 ||
        !runner_user_can_enter(&self->user, tmpl)) {
        snprintf(err, errlen,
                 "run user %s cannot reach %s and no usable directory under /tmp either: give "
                 "the data directory and its parents search permission (chmod o+x)",
                 self->user.name, self->work_root);
        zstr_free(&tmpl);
        return -1;
    }
    gv_warn("run user cannot reach the data directory; using a private work directory",
            "user=%s unreachable=%s work=%s hint=\"chmod o+x the data directory and its parents "
            "to keep work directories there\"",
            self->user.name, self->work_root, tmpl);
    zstr_free(&self->work_root);
    self->work_root = tmpl;
    self->work_root_tmp = true;
    return 0;
}

/* Work directories become tmpfs mounts bounded by work_size_mb / work_inodes when the host
 * allows it; otherwise they stay on the judge's disk, bounded per file only, and we say so. */
static void s_work_dirs(judge_t *self)
{
    char why[512];
    char *probe = zsys_sprintf("%s/probe-tmpfs", self->work_root);
    uint64_t kb = (uint64_t)self->node->work_size_mb * 1024u;
    if (probe && compile_workdir_init(kb, self->node->work_inodes, probe, why, sizeof why))
        gv_info("work directories are tmpfs", "work_size_mb=%u work_inodes=%u",
                self->node->work_size_mb, self->node->work_inodes);
    else
        gv_warn("WORK DIRECTORIES NOT BOUNDED: a compile can fill the judge's disk",
                "reason=\"%s\" hint=\"run the judge as root with CAP_SYS_ADMIN so it can mount "
                "a tmpfs per work directory\"",
                probe ? why : "out of memory");
    zstr_free(&probe);
}

/* As root with the sandbox on, each slot runs as two uids of its own (submissions; checkers
 * and interactors): reserve 2 * slots of them host-wide, in the first free block of the
 * node's uid window, for as long as this process lives (uidlock.h). Refuses with a sentence
 * naming the taken uids and their holders when the window is full. */
static int s_reserve_uids(judge_t *self, uint32_t n_slots, char *err, size_t errlen)
{
    runner_isolation_t iso;
    runner_isolation(&iso);
    if (!self->user.drop || !iso.namespaces) {
        if (self->user.drop)
            gv_warn("no sandbox: every slot's submissions, checkers and interactors run as "
                    "run_user, so a submission can signal its own checker",
                    "run_user=%s", self->user.name);
        return 0;
    }
    const char *dir = self->node->uid_lock_dir; /* the loader fills the default */
    char holder[UIDLOCK_HOLDER_MAX];
    snprintf(holder, sizeof holder, "pid=%d node=%s cluster=%s data=%s host=%s", (int)getpid(),
             self->name, self->cfg->cluster_name ? self->cfg->cluster_name : "",
             self->cfg->data_dir, self->host);
    char why[1536];
    self->uids = uidlock_reserve(dir, self->node->uid_base, self->node->uid_window, 2 * n_slots,
                                 holder, why, sizeof why);
    if (!self->uids) {
        snprintf(err, errlen, "REFUSING TO START: %s", why);
        return -1;
    }
    uint32_t first = uidlock_first(self->uids), last = first + 2 * n_slots - 1;
    gv_info("uids reserved", "first=%u last=%u submissions=%u..%u checkers=%u..%u lock_dir=%s",
            first, last, first, first + n_slots - 1, first + n_slots, last, dir);
    if (first != self->node->uid_base)
        gv_warn("the uids from uid_base are held by another judge on this host; this judge "
                "took the next free block",
                "uid_base=%u first=%u hint=\"give each judge on a host its own uid_base to "
                "keep its uids fixed\"",
                self->node->uid_base, first);
    return 0;
}

/* Logs what the sandbox can enforce, one line per capability, and refuses to judge when runs
 * would not be isolated — unless the node says `insecure = true`, and then says so loudly
 * (and again for every job, see s_start). */
static int s_check_isolation(judge_t *self, char *err, size_t errlen)
{
    runner_isolation_t iso;
    runner_isolation(&iso);
    gv_info("sandbox", "mode=%s", iso.namespaces ? "namespaces" : "rlimits");
    gv_info("sandbox capability", "what=namespaces enforced=%s list=\"%s%s\"",
            iso.namespaces ? "yes" : "NO", iso.namespaces ? "pid mount net ipc uts" : "",
            iso.cgroup_ns ? " cgroup" : "");
    gv_info("sandbox capability", "what=proc_masks enforced=%s", iso.proc_masked ? "yes" : "NO");
    gv_info("sandbox capability", "what=seccomp enforced=%s", iso.seccomp ? "yes" : "NO");
    gv_info("sandbox capability", "what=cgroup version=%s",
            iso.cgroup == 2 ? "v2" : iso.cgroup == 1 ? "v1" : "none");
    gv_info("sandbox capability", "what=memory enforced=%s", iso.memory ? "yes" : "NO");
    gv_info("sandbox capability", "what=pids enforced=%s", iso.pids ? "yes" : "NO");
    gv_info("sandbox capability", "what=cpu_accounting enforced=%s", iso.cpu ? "yes" : "NO");
    gv_info("sandbox capability", "what=network value=%s", iso.network_none ? "none" : "host");
    gv_info("sandbox capability", "what=separate_user enforced=%s",
            iso.separate_user ? "yes" : "NO");
    if (iso.details[0])
        gv_info("sandbox details", "%s", iso.details);
    self->insecure = !runner_isolation_complete(&iso);
    if (!self->insecure) {
        if (iso.missing[0]) /* complete, but degraded somewhere (pids, cpu...) */
            gv_warn("SANDBOX DEGRADED: some limits are not enforced on this host",
                    "missing=\"%s\"", iso.missing);
        return 0;
    }
    if (!self->node->insecure) {
        snprintf(err, errlen,
                 "REFUSING TO JUDGE: this host cannot isolate submissions (%s). Run the judge "
                 "as root on a Linux kernel with namespaces, seccomp and a memory cgroup, or set "
                 "`insecure = true` on judge node `%s` in cluster.toml to judge anyway "
                 "WITHOUT isolation",
                 iso.missing[0] ? iso.missing : "unknown reason", self->name);
        return -1;
    }
    gv_warn("INSECURE JUDGE: submissions run WITHOUT isolation (insecure = true)",
            "missing=\"%s\" hint=\"never use this judge for a contest with untrusted "
            "contestants\"",
            iso.missing);
    return 0;
}

judge_t *judge_new(const gv_config_t *cfg, const char *name, char *err, size_t errlen)
{
    judge_t *self = calloc(1, sizeof *self);
    if (!self)
        return NULL;
    self->cfg = cfg;
    self->cancel_fd = -1;
    self->node = gv_config_node(cfg, name);
    if (!self->node || self->node->role != GV_ROLE_JUDGE) {
        snprintf(err, errlen, "%s has no judge node named `%s`", cfg->path, name);
        goto fail;
    }
    self->name = strdup(name);
    self->node_dir = zsys_sprintf("%s/%s", cfg->data_dir, name);
    if (gethostname(self->host, sizeof self->host - 1) != 0)
        snprintf(self->host, sizeof self->host, "%s", self->node->host ? self->node->host : "");
    if (!self->name || !self->node_dir || s_dirs(self, err, errlen) != 0)
        goto fail;

    if (runner_user_lookup(self->node->run_user, &self->user, err, errlen) != 0)
        goto fail;
    if (s_check_isolation(self, err, errlen) != 0)
        goto fail;
    self->n_slots = self->node->slots ? self->node->slots : 1;
    if (s_reserve_uids(self, self->n_slots, err, errlen) != 0) /* the workers' uid layout */
        goto fail;
    if (!self->user.drop)
        gv_warn("NOT RUNNING AS ROOT: submissions run as the judge's own user, with no "
                "isolation from it",
                "user=%s run_user=%s hint=\"start gavel-judge as root so submissions run as "
                "run_user\"",
                self->user.name, self->node->run_user ? self->node->run_user : "nobody");
    if (s_work_root(self, err, errlen) != 0)
        goto fail;
    s_work_dirs(self);
    char *probe = zsys_sprintf("%s/probe", self->work_root);
    if (!probe || job_rmtree(probe) != 0 || s_mkdir(probe, 0700, err, errlen) != 0 ||
        (self->user.drop && chown(probe, self->user.uid, self->user.gid) != 0)) {
        if (probe && !err[0])
            snprintf(err, errlen, "cannot prepare %s: %s", probe, strerror(errno));
        zstr_free(&probe);
        goto fail;
    }
    self->langs = languages_new(cfg, self->node->languages_only, &self->user, probe);
    zstr_free(&probe);
    char *cache_dir = zsys_sprintf("%s/cache", self->node_dir);
    self->cache = cache_dir ? testcache_new(cache_dir, cfg->judge_cache_mb << 20) : NULL;
    zstr_free(&cache_dir);
    self->cancel_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    self->pending = zlistx_new();
    if (!self->langs || !self->cache || self->cancel_fd < 0 || !self->pending) {
        snprintf(err, errlen, "cannot set up the judge (see the log lines above)");
        goto fail;
    }

    /* In rlimits mode RLIMIT_NPROC counts every process of the uid, so each run needs room
     * for the other slots' processes too. The sandbox limits a run's own cgroup (pids.max):
     * there the language's `processes` is the limit, with no floor added. */
    runner_isolation_t iso;
    runner_isolation(&iso);
    uint32_t nproc_floor = self->user.drop && !iso.namespaces ? PROCS_PER_SLOT * self->n_slots : 0;
    self->ctx = (worker_ctx_t){.cfg = cfg, .name = self->name, .langs = self->langs,
                               .cache = self->cache, .user = &self->user,
                               .node_dir = self->node_dir, .work_root = self->work_root,
                               .cancel_fd = self->cancel_fd,
                               .max_processes = nproc_floor,
                               .uid_first = self->uids ? uidlock_first(self->uids) : 0,
                               .n_slots = self->n_slots};
    self->slots = calloc(self->n_slots, sizeof *self->slots);
    for (uint32_t i = 0; self->slots && i < self->n_slots; i++) {
        if (!(self->slots[i].actor = worker_new(&self->ctx, i))) {
            snprintf(err, errlen, "cannot start worker thread %u", i);
            goto fail;
        }
    }
    if (!self->slots)
        goto fail;
    self->link = gv_link_new(cfg, "judge", name, name, true);
    if (!self->link) {
        snprintf(err, errlen, "cannot connect to the broker (see the log lines above)");
        goto fail;
    }
    gv_info("judge started", "slots=%u languages=%zu run_user=%s cache_mb=%llu", self->n_slots,
            languages_count(self->langs), self->user.name,
            (unsigned long long)cfg->judge_cache_mb);
    return self;
fail:
    judge_destroy(&self);
    return NULL;
}

/* Forwards whatever a worker already queued (a finished job's result) before stopping. */
static void s_drain_worker(judge_t *self, slot_t *s);

void judge_destroy(judge_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    judge_t *self = *self_p;
    if (self->cancel_fd >= 0) { /* every run in progress ends now, reported as cancelled */
        uint64_t one = 1;
        (void)!write(self->cancel_fd, &one, sizeof one);
    }
    for (uint32_t i = 0; self->slots && i < self->n_slots; i++) {
        if (self->link && self->slots[i].actor)
            s_drain_worker(self, &self->slots[i]);
        zactor_destroy(&self->slots[i].actor);
    }
    free(self->slots);
    if (self->pending) {
        for (gv_msg_t *m = zlistx_first(self->pending); m; m = zlistx_next(self->pending))
            gv_msg_destroy(&m);
        zlistx_destroy(&self->pending);
    }
    gv_link_destroy(&self->link);
    languages_destroy(&self->langs);
    testcache_destroy(&self->cache);
    if (self->cancel_fd >= 0)
        close(self->cancel_fd);
    if (self->work_root_tmp)
        job_rmtree(self->work_root);
    zstr_free(&self->work_root);
    uidlock_destroy(&self->uids); /* after the workers: no run of ours is left */
    free(self->name);
    zstr_free(&self->node_dir);
    free(self);
    *self_p = NULL;
}

/* READY's `isolation`: what the runner's probe found (see runner.h), as API.md's
 * admin/judges shows it. */
static void s_pack_isolation(judge_t *self, msgpack_packer *pk)
{
    runner_isolation_t iso;
    runner_isolation(&iso);
    gv_pk_key(pk, "isolation");
    msgpack_pack_map(pk, self->uids ? 13 : 11);
    gv_pk_kv_str(pk, "sandbox", iso.namespaces ? "namespaces" : "rlimits");
    gv_pk_key(pk, "namespaces");
    static const char *const ns[] = {"pid", "mount", "net", "ipc", "uts", "cgroup"};
    size_t n_ns = iso.namespaces ? (iso.cgroup_ns ? 6 : 5) : 0;
    msgpack_pack_array(pk, n_ns);
    for (size_t i = 0; i < n_ns; i++)
        gv_pk_str(pk, ns[i]);
    gv_pk_kv_bool(pk, "seccomp", iso.seccomp);
    gv_pk_kv_str(pk, "cgroup", iso.cgroup == 2 ? "v2" : iso.cgroup == 1 ? "v1" : "none");
    gv_pk_kv_bool(pk, "memory", iso.memory);
    gv_pk_kv_bool(pk, "pids", iso.pids);
    gv_pk_kv_bool(pk, "cpu", iso.cpu);
    gv_pk_kv_str(pk, "network", iso.network_none ? "none" : "host");
    gv_pk_kv_bool(pk, "insecure", !runner_isolation_complete(&iso));
    gv_pk_kv_str(pk, "run_user", self->user.name);
    gv_pk_kv_bool(pk, "separate_user", self->user.drop);
    if (self->uids) { /* submissions: the first half; checkers and interactors: the second */
        gv_pk_kv_uint(pk, "uid_first", uidlock_first(self->uids));
        gv_pk_kv_uint(pk, "uid_last", uidlock_first(self->uids) + uidlock_count(self->uids) - 1);
    }
}

static void s_send_ready(judge_t *self)
{
    gv_writer_t *w = gv_writer_new("judge.ready", 0, self->name, "broker", 0, 7);
    if (!w)
        return;
    msgpack_packer *pk = gv_writer_pk(w);
    size_t nl = languages_count(self->langs);
    gv_pk_kv_str(pk, "name", self->name);
    gv_pk_kv_str(pk, "host", self->host);
    gv_pk_key(pk, "languages");
    msgpack_pack_array(pk, (uint32_t)nl);
    for (size_t i = 0; i < nl; i++)
        gv_pk_str(pk, languages_at(self->langs, i)->id);
    gv_pk_key(pk, "language_info");
    msgpack_pack_array(pk, (uint32_t)nl);
    for (size_t i = 0; i < nl; i++) {
        const language_t *l = languages_at(self->langs, i);
        msgpack_pack_map(pk, 3);
        gv_pk_kv_str(pk, "id", l->id);
        gv_pk_key(pk, "name"); /* schema: at most 64 bytes */
        gv_pk_strn(pk, l->name, strlen(l->name) > 64 ? 64 : strlen(l->name));
        gv_pk_kv_str(pk, "version", l->version);
    }
    gv_pk_kv_uint(pk, "slots", self->n_slots);
    uint32_t running = 0;
    for (uint32_t i = 0; i < self->n_slots; i++)
        running += self->slots[i].busy;
    size_t queued = zlistx_size(self->pending);
    uint32_t total = running + (uint32_t)queued;
    if (total > READY_RUNNING_MAX)
        total = READY_RUNNING_MAX;
    gv_pk_key(pk, "running");
    msgpack_pack_array(pk, total);
    uint32_t put = 0;
    for (uint32_t i = 0; i < self->n_slots && put < total; i++) {
        if (!self->slots[i].busy)
            continue;
        msgpack_pack_map(pk, 2);
        gv_pk_kv_uint(pk, "sub_id", self->slots[i].sub_id);
        gv_pk_kv_uint(pk, "attempt", self->slots[i].attempt);
        put++;
    }
    for (gv_msg_t *m = zlistx_first(self->pending); m && put < total;
         m = zlistx_next(self->pending), put++) {
        msgpack_pack_map(pk, 2);
        gv_pk_kv_uint(pk, "sub_id", gv_msg_uint(m, "sub_id", 0));
        gv_pk_kv_uint(pk, "attempt", gv_msg_uint(m, "attempt", 0));
    }
    s_pack_isolation(self, pk);
    gv_buf_t buf;
    if (gv_writer_finish(&w, &buf) == 0) {
        gv_link_send(self->link, &buf);
        gv_buf_free(&buf);
        gv_info("sent READY", "slots=%u languages=%zu running=%u", self->n_slots, nl, total);
    }
}

static void s_pipe_send(zsock_t *pipe, const char *cmd, gv_msg_t *msg) /* passes ownership */
{
    zmsg_t *m = zmsg_new();
    zmsg_addstr(m, cmd);
    zmsg_addmem(m, &msg, sizeof msg);
    zmsg_send(&m, pipe);
}

static void s_start(judge_t *self, slot_t *s, gv_msg_t *job)
{
    if (self->insecure)
        gv_warn("INSECURE: judging without isolation", "sub_id=%llu attempt=%llu",
                (unsigned long long)gv_msg_uint(job, "sub_id", 0),
                (unsigned long long)gv_msg_uint(job, "attempt", 0));
    s->busy = true;
    s->sub_id = gv_msg_uint(job, "sub_id", 0);
    s->attempt = gv_msg_uint(job, "attempt", 0);
    s_pipe_send(zactor_sock(s->actor), "JOB", job);
}

static bool s_known(judge_t *self, uint64_t sub, uint64_t att)
{
    for (uint32_t i = 0; i < self->n_slots; i++)
        if (self->slots[i].busy && self->slots[i].sub_id == sub && self->slots[i].attempt == att)
            return true;
    for (gv_msg_t *m = zlistx_first(self->pending); m; m = zlistx_next(self->pending))
        if (gv_msg_uint(m, "sub_id", 0) == sub && gv_msg_uint(m, "attempt", 0) == att)
            return true;
    return false;
}

static void s_on_job(judge_t *self, gv_msg_t *job)
{
    uint64_t sub = gv_msg_uint(job, "sub_id", 0), att = gv_msg_uint(job, "attempt", 0);
    if (s_known(self, sub, att)) {
        gv_info("duplicate job ignored", "sub_id=%llu attempt=%llu", (unsigned long long)sub,
                (unsigned long long)att);
        gv_msg_destroy(&job);
        return;
    }
    for (uint32_t i = 0; i < self->n_slots; i++) {
        if (!self->slots[i].busy) {
            s_start(self, &self->slots[i], job);
            return;
        }
    }
    if (zlistx_size(self->pending) >= MAX_PENDING) {
        gv_warn("job dropped: queue full", "sub_id=%llu attempt=%llu", (unsigned long long)sub,
                (unsigned long long)att);
        gv_msg_destroy(&job);
        return;
    }
    gv_info("all slots busy, job queued", "sub_id=%llu attempt=%llu queued=%zu",
            (unsigned long long)sub, (unsigned long long)att, zlistx_size(self->pending) + 1);
    zlistx_add_end(self->pending, job);
}

static void s_on_message(judge_t *self, gv_msg_t *m)
{
    const char *type = gv_msg_type(m);
    if (strcmp(type, "judge.job") == 0) {
        s_on_job(self, m);
        return;
    }
    if (strcmp(type, "reply") == 0) {
        int64_t slot = WORKER_CORR_SLOT(gv_msg_corr(m));
        if (slot >= 0 && slot < (int64_t)self->n_slots) {
            s_pipe_send(zactor_sock(self->slots[slot].actor), "REPLY", m);
            return;
        }
        if (gv_reply_status(m) >= 400)
            gv_warn("error reply", "from=%s corr=%llu status=%u message=\"%s\"", gv_msg_from(m),
                    (unsigned long long)gv_msg_corr(m), gv_reply_status(m),
                    gv_msg_str(m, "message") ? gv_msg_str(m, "message") : "");
    } else {
        gv_debug("ignored message", "type=%s from=%s", type, gv_msg_from(m));
    }
    gv_msg_destroy(&m);
}

/* One message from a worker. */
static void s_on_worker(judge_t *self, slot_t *s)
{
    zmsg_t *m = zmsg_recv(zactor_sock(s->actor));
    char *cmd = m ? zmsg_popstr(m) : NULL;
    if (cmd && strcmp(cmd, "SEND") == 0 && zmsg_size(m) == 1) {
        zframe_t *f = zmsg_first(m);
        if (gv_link_send_raw(self->link, zframe_data(f), zframe_size(f)) != 0)
            gv_warn("message to the broker lost (link down)",
                    "slot=%td hint=\"an unreported job is re-offered by the judge queue\"",
                    s - self->slots);
    } else if (cmd && strcmp(cmd, "DONE") == 0) {
        s->busy = false;
        gv_msg_t *next = zlistx_first(self->pending);
        if (next) {
            zlistx_delete(self->pending, zlistx_cursor(self->pending));
            s_start(self, s, next);
        }
    }
    free(cmd);
    zmsg_destroy(&m);
}

static void s_drain_worker(judge_t *self, slot_t *s)
{
    zsock_t *pipe = zactor_sock(s->actor);
    while (zsock_events(pipe) & ZMQ_POLLIN)
        s_on_worker(self, s);
}

int judge_run(judge_t *self, int stop_fd)
{
    zmq_pollitem_t *items = calloc(self->n_slots + 2, sizeof *items);
    if (!items)
        return -1;
    for (;;) {
        if (gv_link_take_reintroduce(self->link))
            s_send_ready(self);
        size_t n = 0;
        items[n++] = (zmq_pollitem_t){NULL, stop_fd, ZMQ_POLLIN, 0};
        for (uint32_t i = 0; i < self->n_slots; i++)
            items[n++] = (zmq_pollitem_t){zsock_resolve(zactor_sock(self->slots[i].actor)), 0,
                                          ZMQ_POLLIN, 0};
        zsock_t *ls = gv_link_sock(self->link);
        if (ls)
            items[n++] = (zmq_pollitem_t){zsock_resolve(ls), 0, ZMQ_POLLIN, 0};
        int rc = zmq_poll(items, (int)n, HOUSEKEEPING_MS);
        if (rc < 0 && zmq_errno() != EINTR)
            break;
        if (items[0].revents & ZMQ_POLLIN) {
            gv_info("stopping", "reason=signal");
            break;
        }
        if (!runner_healthy()) {
            gv_error("stopping: the runner's launcher process is gone, no program can run",
                     "hint=\"restart the judge; its jobs go back to the queue\"");
            free(items);
            return -1;
        }
        for (uint32_t i = 0; i < self->n_slots; i++)
            if (items[1 + i].revents & ZMQ_POLLIN)
                s_on_worker(self, &self->slots[i]);
        /* Always: the link sends heartbeats and reconnects from inside recv. */
        gv_msg_t *m;
        while ((m = gv_link_recv(self->link, 0)))
            s_on_message(self, m);
    }
    free(items);
    return 0;
}
