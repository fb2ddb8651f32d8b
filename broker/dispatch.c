/*  dispatch — peers, judge load balancing and the in-memory job table (see dispatch.h). */
#include "dispatch.h"
#include "gv_log.h"
#include "jobqueue.h"

#include <stdlib.h>
#include <unistd.h>
#include <string.h>

#define MAX_SLOTS 256
#define MAX_LANGS 64
#define DISPATCH_SCAN_LIMIT 2000 /* pending jobs looked at per dispatch pass */
#define LOST_PEER_KEEP_MS (10u * 60u * 1000u)

typedef struct {
    char identity[GV_ADDR_MAX + 1];
    char role[16];
    char name[GV_ADDR_MAX + 1];
    char host[256];
    uint64_t pid;
    uint64_t last_seen;   /* mono ms */
    uint64_t last_wall;   /* unix ms */
    bool known;           /* said hello since it was last lost */
    bool lost;
    /* judges */
    bool ready;
    char *langs[MAX_LANGS];
    size_t n_langs;
    gv_buf_t langinfo;    /* pre-encoded msgpack array, or empty */
    gv_buf_t isolation;   /* pre-encoded msgpack map, or empty */
    uint32_t slots;
    uint64_t running[MAX_SLOTS];
    size_t n_running;
    uint64_t idle_since;  /* mono µs when it last finished a job (LRU order) */
} peer_t;

typedef struct {
    uint64_t sub_id, attempt, problem_id;
    char language[33];
    void *source;
    size_t source_len;
    bool has_source;
    char judge[GV_ADDR_MAX + 1]; /* "" while pending */
    jq_entry_t q;                /* class, user and place in the pending queue */
} job_t;

struct dispatch {
    dispatch_send_fn *send;
    void *arg;
    uint32_t liveness_ms;
    zhashx_t *peers;  /* identity -> peer_t */
    zhashx_t *jobs;   /* "sub_id" -> job_t */
    jobqueue_t *pending; /* jobs waiting for a judge, in judging order */
    size_t inflight;
};

static void s_peer_free(void **item)
{
    peer_t *p = *item;
    if (!p)
        return;
    for (size_t i = 0; i < p->n_langs; i++)
        free(p->langs[i]);
    gv_buf_free(&p->langinfo);
    gv_buf_free(&p->isolation);
    free(p);
    *item = NULL;
}

static void s_job_free(void **item)
{
    job_t *j = *item;
    if (!j)
        return;
    free(j->source);
    free(j);
    *item = NULL;
}

dispatch_t *dispatch_new(dispatch_send_fn *send, void *arg, uint32_t liveness_ms)
{
    dispatch_t *self = calloc(1, sizeof *self);
    if (!self)
        return NULL;
    self->send = send;
    self->arg = arg;
    self->liveness_ms = liveness_ms;
    self->peers = zhashx_new();
    self->jobs = zhashx_new();
    self->pending = jobqueue_new();
    if (!self->peers || !self->jobs || !self->pending) {
        dispatch_destroy(&self);
        return NULL;
    }
    zhashx_set_destructor(self->peers, s_peer_free);
    zhashx_set_destructor(self->jobs, s_job_free);
    return self;
}

void dispatch_destroy(dispatch_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    dispatch_t *self = *self_p;
    jobqueue_destroy(&self->pending); /* before the jobs its entries live in */
    zhashx_destroy(&self->jobs);
    zhashx_destroy(&self->peers);
    free(self);
    *self_p = NULL;
}

static peer_t *s_peer(dispatch_t *self, const char *identity, bool create)
{
    peer_t *p = zhashx_lookup(self->peers, identity);
    if (!p && create) {
        p = calloc(1, sizeof *p);
        if (!p)
            return NULL;
        snprintf(p->identity, sizeof p->identity, "%s", identity);
        zhashx_insert(self->peers, identity, p);
    }
    return p;
}

bool dispatch_peer_seen(dispatch_t *self, const char *identity)
{
    peer_t *p = s_peer(self, identity, false);
    if (!p)
        return false;
    p->last_seen = gv_mono_ms();
    p->last_wall = gv_now_ms();
    return p->known && !p->lost;
}

void dispatch_peer_hello(dispatch_t *self, const char *identity, const gv_msg_t *hello)
{
    peer_t *p = s_peer(self, identity, true);
    if (!p)
        return;
    const char *role = gv_msg_str(hello, "role"), *name = gv_msg_str(hello, "name");
    const char *host = gv_msg_str(hello, "host");
    bool was_lost = p->lost || !p->known;
    snprintf(p->role, sizeof p->role, "%s", role ? role : "?");
    snprintf(p->name, sizeof p->name, "%s", name ? name : identity);
    snprintf(p->host, sizeof p->host, "%s", host ? host : "");
    p->pid = gv_msg_uint(hello, "pid", 0);
    p->known = true;
    p->lost = false;
    p->last_seen = gv_mono_ms();
    p->last_wall = gv_now_ms();
    if (was_lost)
        gv_info("peer joined", "identity=%s role=%s pid=%llu", identity, p->role,
                (unsigned long long)p->pid);
}

static job_t *s_job(dispatch_t *self, uint64_t sub_id)
{
    char key[24];
    snprintf(key, sizeof key, "%llu", (unsigned long long)sub_id);
    return zhashx_lookup(self->jobs, key);
}

static void s_job_remove(dispatch_t *self, job_t *j)
{
    char key[24];
    snprintf(key, sizeof key, "%llu", (unsigned long long)j->sub_id);
    if (jobqueue_queued(&j->q))
        jobqueue_pull(self->pending, &j->q);
    else if (j->judge[0] && self->inflight)
        self->inflight--;
    zhashx_delete(self->jobs, key); /* frees j */
}

/* Back to the pending queue (`front`: a lost judge held it). Out of memory the job is
 * forgotten (logged) and the durable queue offers it again. j may be freed on return. */
static void s_job_pend(dispatch_t *self, job_t *j, bool front)
{
    if (j->judge[0] && self->inflight)
        self->inflight--;
    j->judge[0] = '\0';
    j->q.sub_id = j->sub_id;
    j->q.owner = j;
    if (jobqueue_push(self->pending, &j->q, front) == 0)
        return;
    gv_error("out of memory queueing a job; waiting for re-offer", "sub_id=%llu",
             (unsigned long long)j->sub_id);
    s_job_remove(self, j);
}

static void s_job_inflight(dispatch_t *self, job_t *j, const char *identity)
{
    jobqueue_pull(self->pending, &j->q);
    if (!j->judge[0])
        self->inflight++;
    snprintf(j->judge, sizeof j->judge, "%s", identity);
}

static void s_running_remove(peer_t *p, uint64_t sub_id)
{
    for (size_t i = 0; i < p->n_running; i++) {
        if (p->running[i] == sub_id) {
            p->running[i] = p->running[--p->n_running];
            return;
        }
    }
}

/* Re-queues every job a lost or re-announcing judge held (unless it still runs it). */
static void s_requeue_judge_jobs(dispatch_t *self, peer_t *p, const char *why)
{
    for (size_t i = 0; i < p->n_running; i++) {
        job_t *j = s_job(self, p->running[i]);
        if (!j || strcmp(j->judge, p->identity) != 0)
            continue;
        if (!j->has_source) {
            /* known only from a READY after a broker restart: the queue will re-offer it */
            gv_warn("job lost with its judge; waiting for re-offer", "sub_id=%llu judge=%s",
                    (unsigned long long)j->sub_id, p->identity);
            s_job_remove(self, j);
            continue;
        }
        j->attempt++;
        gv_warn("job re-queued", "sub_id=%llu attempt=%llu judge=%s reason=%s",
                (unsigned long long)j->sub_id, (unsigned long long)j->attempt, p->identity, why);
        s_job_pend(self, j, true);
    }
    p->n_running = 0;
}

static int s_repack(const msgpack_object *o, gv_buf_t *out)
{
    gv_buf_free(out);
    if (!o)
        return 0;
    msgpack_sbuffer sb;
    msgpack_sbuffer_init(&sb);
    msgpack_packer pk;
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    msgpack_pack_object(&pk, *o);
    out->data = sb.data;
    out->size = sb.size;
    out->alloc = sb.alloc;
    return 0;
}

void dispatch_judge_ready(dispatch_t *self, const char *identity, const gv_msg_t *ready)
{
    peer_t *p = s_peer(self, identity, true);
    if (!p)
        return;
    if (!p->known) {
        snprintf(p->role, sizeof p->role, "judge");
        snprintf(p->name, sizeof p->name, "%s", identity);
        p->known = true;
    }
    p->lost = false;
    for (size_t i = 0; i < p->n_langs; i++)
        free(p->langs[i]);
    p->n_langs = 0;
    const msgpack_object *langs = gv_msg_field(ready, "languages");
    for (uint32_t i = 0; langs && i < langs->via.array.size && p->n_langs < MAX_LANGS; i++) {
        char *l = gv_obj_strdup(&langs->via.array.ptr[i]);
        if (l)
            p->langs[p->n_langs++] = l;
    }
    s_repack(gv_msg_field(ready, "language_info"), &p->langinfo);
    s_repack(gv_msg_field(ready, "isolation"), &p->isolation);
    uint64_t slots = gv_msg_uint(ready, "slots", 1);
    p->slots = slots == 0 ? 1 : slots > MAX_SLOTS ? MAX_SLOTS : (uint32_t)slots;
    const char *host = gv_msg_str(ready, "host");
    if (host)
        snprintf(p->host, sizeof p->host, "%s", host);

    /* What the judge says it runs is the truth; anything else we thought it ran is lost. */
    uint64_t said[MAX_SLOTS];
    size_t n_said = 0;
    const msgpack_object *running = gv_msg_field(ready, "running");
    for (uint32_t i = 0; running && i < running->via.array.size && n_said < MAX_SLOTS; i++) {
        const msgpack_object *e = &running->via.array.ptr[i];
        uint64_t sub = (uint64_t)gv_obj_int(gv_obj_get(e, "sub_id"), 0);
        uint64_t att = (uint64_t)gv_obj_int(gv_obj_get(e, "attempt"), 0);
        said[n_said++] = sub;
        job_t *j = s_job(self, sub);
        if (!j) {
            j = calloc(1, sizeof *j);
            if (!j)
                continue;
            j->sub_id = sub;
            j->attempt = att;
            char key[24];
            snprintf(key, sizeof key, "%llu", (unsigned long long)sub);
            zhashx_insert(self->jobs, key, j);
        }
        s_job_inflight(self, j, identity);
    }
    for (size_t i = 0; i < p->n_running;) {
        bool kept = false;
        for (size_t k = 0; k < n_said; k++)
            kept |= said[k] == p->running[i];
        if (kept) {
            i++;
            continue;
        }
        job_t *j = s_job(self, p->running[i]);
        p->running[i] = p->running[--p->n_running];
        if (j && strcmp(j->judge, identity) == 0 && j->has_source) {
            j->attempt++;
            s_job_pend(self, j, true);
        }
    }
    p->n_running = 0;
    for (size_t k = 0; k < n_said && k < p->slots; k++)
        p->running[p->n_running++] = said[k];
    p->ready = true;
    if (p->n_running == 0)
        p->idle_since = gv_mono_us();
    gv_info("judge ready", "judge=%s slots=%u languages=%zu running=%zu", identity, p->slots,
            p->n_langs, p->n_running);
    dispatch_run(self);
}

void dispatch_offer(dispatch_t *self, const gv_msg_t *offer)
{
    uint64_t sub = gv_msg_uint(offer, "sub_id", 0), att = gv_msg_uint(offer, "attempt", 0);
    size_t len = 0;
    const void *src = gv_msg_bytes(offer, "source", &len);
    const char *lang = gv_msg_str(offer, "language");
    gv_job_class_t klass = gv_job_class_parse(gv_msg_str(offer, "class")); /* absent: practice */
    uint64_t user = gv_msg_uint(offer, "user_id", 0);
    job_t *j = s_job(self, sub);
    if (j && j->attempt >= att) {
        if (!j->has_source && src) { /* placeholder from a READY: now we can requeue it */
            j->source = malloc(len ? len : 1);
            if (j->source) {
                memcpy(j->source, src, len);
                j->source_len = len;
                j->has_source = true;
                j->problem_id = gv_msg_uint(offer, "problem_id", 0);
                snprintf(j->language, sizeof j->language, "%s", lang ? lang : "");
                j->q.klass = klass; /* it is in flight: kept for a requeue */
                j->q.user_id = user;
            }
        }
        return;
    }
    if (!j) {
        j = calloc(1, sizeof *j);
        if (!j)
            return;
        char key[24];
        snprintf(key, sizeof key, "%llu", (unsigned long long)sub);
        zhashx_insert(self->jobs, key, j);
    }
    free(j->source);
    j->source = malloc(len ? len : 1);
    if (!j->source) {
        s_job_remove(self, j);
        return;
    }
    memcpy(j->source, src, len);
    j->source_len = len;
    j->has_source = true;
    jobqueue_pull(self->pending, &j->q); /* a newer attempt may change its class: it waits */
    j->q.klass = klass;                  /* where it now belongs */
    j->q.user_id = user;
    j->sub_id = sub;
    j->attempt = att;
    j->problem_id = gv_msg_uint(offer, "problem_id", 0);
    snprintf(j->language, sizeof j->language, "%s", lang ? lang : "");
    s_job_pend(self, j, false);
    dispatch_run(self);
}

void dispatch_result(dispatch_t *self, const char *identity, const gv_msg_t *result)
{
    uint64_t sub = gv_msg_uint(result, "sub_id", 0), att = gv_msg_uint(result, "attempt", 0);
    peer_t *p = s_peer(self, identity, false);
    if (p) {
        s_running_remove(p, sub);
        p->idle_since = gv_mono_us();
    }
    job_t *j = s_job(self, sub);
    if (j && j->attempt <= att)
        s_job_remove(self, j);
    dispatch_run(self);
}

static bool s_speaks(const peer_t *p, const char *lang)
{
    for (size_t i = 0; i < p->n_langs; i++)
        if (strcmp(p->langs[i], lang) == 0)
            return true;
    return false;
}

static peer_t *s_pick_judge(dispatch_t *self, const char *lang, bool *any_free)
{
    peer_t *best = NULL;
    for (peer_t *p = zhashx_first(self->peers); p; p = zhashx_next(self->peers)) {
        if (!p->ready || p->lost || p->n_running >= p->slots)
            continue;
        *any_free = true;
        if (!s_speaks(p, lang))
            continue;
        if (!best || p->idle_since < best->idle_since)
            best = p;
    }
    return best;
}

static int s_send_job(dispatch_t *self, peer_t *p, job_t *j)
{
    gv_writer_t *w = gv_writer_new("judge.job", 0, "broker", p->identity, 0, 5);
    if (!w)
        return -1;
    msgpack_packer *pk = gv_writer_pk(w);
    gv_pk_kv_uint(pk, "sub_id", j->sub_id);
    gv_pk_kv_uint(pk, "attempt", j->attempt);
    gv_pk_kv_uint(pk, "problem_id", j->problem_id);
    gv_pk_kv_str(pk, "language", j->language);
    gv_pk_kv_bin(pk, "source", j->source, j->source_len);
    gv_buf_t buf;
    if (gv_writer_finish(&w, &buf) != 0)
        return -1;
    int rc = self->send(self->arg, p->identity, &buf);
    gv_buf_free(&buf);
    return rc;
}

static void s_lose(dispatch_t *self, peer_t *p, const char *why)
{
    if (p->lost)
        return;
    p->lost = true;
    gv_warn("peer lost", "identity=%s role=%s reason=%s", p->identity, p->role, why);
    s_requeue_judge_jobs(self, p, why);
}

void dispatch_peer_forget(dispatch_t *self, const char *identity, const char *why)
{
    peer_t *p = s_peer(self, identity, false);
    if (!p)
        return;
    s_lose(self, p, why);
    zhashx_delete(self->peers, identity); /* frees p */
    dispatch_run(self);
}

/* Hands pending jobs to free judges in the queue's order (jobqueue.h): the first job some free
 * judge can run goes. Looks at no more than DISPATCH_SCAN_LIMIT jobs per call. */
void dispatch_run(dispatch_t *self)
{
    size_t scanned = 0;
    jq_entry_t *e = jobqueue_first(self->pending);
    while (e && scanned++ < DISPATCH_SCAN_LIMIT) {
        job_t *j = e->owner;
        bool any_free = false;
        peer_t *p = s_pick_judge(self, j->language, &any_free);
        if (!any_free)
            return; /* every judge is busy */
        if (!p) {
            e = jobqueue_next(self->pending);
            continue;
        }
        if (s_send_job(self, p, j) == 0) {
            jobqueue_take(self->pending, &j->q); /* its user's turn is over */
            s_job_inflight(self, j, p->identity);
            p->running[p->n_running++] = j->sub_id;
            gv_debug("job dispatched",
                     "sub_id=%llu attempt=%llu class=%s user_id=%llu judge=%s",
                     (unsigned long long)j->sub_id, (unsigned long long)j->attempt,
                     gv_job_class_name(j->q.klass), (unsigned long long)j->q.user_id,
                     p->identity);
        } else {
            s_lose(self, p, "unreachable");
        }
        e = jobqueue_first(self->pending); /* the queue changed under the walk: from the top */
    }
}

void dispatch_tick(dispatch_t *self, const gv_buf_t *heartbeat)
{
    uint64_t now = gv_mono_ms();
    zlistx_t *gone = zlistx_new();
    for (peer_t *p = zhashx_first(self->peers); p; p = zhashx_next(self->peers)) {
        if (!p->lost && now - p->last_seen > self->liveness_ms && (p->known || p->ready))
            s_lose(self, p, "silent");
        if (!p->known && !p->ready && now - p->last_seen > self->liveness_ms && gone)
            zlistx_add_end(gone, p->identity); /* never introduced itself (edge worker) */
        else if (p->lost && now - p->last_seen > LOST_PEER_KEEP_MS && gone)
            zlistx_add_end(gone, p->identity);
    }
    for (const char *id = gone ? zlistx_first(gone) : NULL; id; id = zlistx_next(gone))
        zhashx_delete(self->peers, id);
    zlistx_destroy(&gone);
    for (peer_t *p = zhashx_first(self->peers); p; p = zhashx_next(self->peers)) {
        if (p->known && !p->lost && heartbeat && self->send(self->arg, p->identity, heartbeat) != 0)
            s_lose(self, p, "unreachable");
    }
    dispatch_run(self);
}

size_t dispatch_queue_depth(const dispatch_t *self)
{
    return jobqueue_size(self->pending);
}

size_t dispatch_inflight(const dispatch_t *self)
{
    return self->inflight;
}

static void s_pack_raw(msgpack_packer *pk, const gv_buf_t *b)
{
    if (b->size)
        pk->callback(pk->data, b->data, b->size);
    else
        msgpack_pack_nil(pk);
}

void dispatch_pack_status(dispatch_t *self, msgpack_packer *pk, const char *broker_name)
{
    size_t n = 1, judges = 0;
    for (peer_t *p = zhashx_first(self->peers); p; p = zhashx_next(self->peers)) {
        n += p->known;
        judges += p->ready && !p->lost;
    }
    char ts[40];
    msgpack_pack_map(pk, 4);
    gv_pk_key(pk, "nodes");
    msgpack_pack_array(pk, n);
    msgpack_pack_map(pk, 5);
    gv_pk_kv_str(pk, "name", broker_name);
    gv_pk_kv_str(pk, "role", "broker");
    gv_pk_kv_str(pk, "state", "up");
    gv_rfc3339(gv_now_ms(), ts, sizeof ts);
    gv_pk_kv_str(pk, "last_seen", ts);
    gv_pk_kv_uint(pk, "pid", (uint64_t)getpid());
    for (peer_t *p = zhashx_first(self->peers); p; p = zhashx_next(self->peers)) {
        if (!p->known)
            continue;
        msgpack_pack_map(pk, 5);
        gv_pk_kv_str(pk, "name", p->name);
        gv_pk_kv_str(pk, "role", p->role);
        gv_pk_kv_str(pk, "state", p->lost ? "lost" : "up");
        gv_rfc3339(p->last_wall, ts, sizeof ts);
        gv_pk_kv_str(pk, "last_seen", ts);
        gv_pk_kv_uint(pk, "pid", p->pid);
    }
    gv_pk_kv_uint(pk, "judges_connected", judges);
    gv_pk_kv_uint(pk, "queue_depth", jobqueue_size(self->pending));
    gv_pk_kv_uint(pk, "inflight", self->inflight);
}

void dispatch_pack_judges(dispatch_t *self, msgpack_packer *pk)
{
    size_t n = 0;
    for (peer_t *p = zhashx_first(self->peers); p; p = zhashx_next(self->peers))
        n += p->ready;
    msgpack_pack_array(pk, n);
    char ts[40], job[24];
    for (peer_t *p = zhashx_first(self->peers); p; p = zhashx_next(self->peers)) {
        if (!p->ready)
            continue;
        msgpack_pack_map(pk, 10);
        gv_pk_kv_str(pk, "id", p->name[0] ? p->name : p->identity);
        gv_pk_kv_str(pk, "host", p->host);
        gv_pk_key(pk, "languages");
        msgpack_pack_array(pk, p->n_langs);
        for (size_t i = 0; i < p->n_langs; i++)
            gv_pk_str(pk, p->langs[i]);
        gv_pk_key(pk, "language_info");
        s_pack_raw(pk, &p->langinfo);
        gv_pk_kv_str(pk, "state", p->lost ? "lost" : p->n_running ? "busy" : "idle");
        gv_pk_key(pk, "job");
        if (p->n_running) {
            snprintf(job, sizeof job, "%llu", (unsigned long long)p->running[0]);
            gv_pk_str(pk, job);
        } else {
            msgpack_pack_nil(pk);
        }
        gv_pk_key(pk, "jobs");
        msgpack_pack_array(pk, p->n_running);
        for (size_t i = 0; i < p->n_running; i++) {
            snprintf(job, sizeof job, "%llu", (unsigned long long)p->running[i]);
            gv_pk_str(pk, job);
        }
        gv_pk_kv_uint(pk, "slots", p->slots);
        gv_rfc3339(p->last_wall, ts, sizeof ts);
        gv_pk_kv_str(pk, "last_seen", ts);
        gv_pk_key(pk, "isolation");
        s_pack_raw(pk, &p->isolation);
    }
}
