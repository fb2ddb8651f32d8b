/*  worker — a judging slot's thread: manifest, test data, job_run(), report (see worker.h).
 *
 *  Everything that goes wrong on the judge's side (problem unknown, data unreachable, a hash
 *  that does not match, a checker we cannot run) ends the job as JE with a sentence saying
 *  why; it is never blamed on the contestant.
 */
#include "worker.h"
#include "checker.h"
#include "compilecache.h"
#include "gv_log.h"
#include "gv_msg.h"
#include "job.h"
#include "judgeprog.h"
#include "jtiming.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zmq.h>

#define FETCH_WINDOW 4        /* test-data requests in flight at once per slot */
#define REQUEST_ATTEMPTS 3    /* for a 503 (problems unreachable) or a timeout */
#define DEFAULT_MEMORY_KB (256u * 1024u) /* when a problem sets none */
#define MAX_TESTS 100000
#define PROGRAM_SOURCE_MAX (4u << 20) /* a checker's or interactor's source */

/* The compile cache is shared by the slots: the first worker opens it, the last closes it
 * (worker_ctx_t has no field for it, and judge.c owns that struct). */
static pthread_mutex_t s_cc_mu = PTHREAD_MUTEX_INITIALIZER;
static compilecache_t *s_cc;
static int s_cc_refs;

static compilecache_t *s_cc_acquire(const char *node_dir, uint64_t max_mb)
{
    pthread_mutex_lock(&s_cc_mu);
    if (!s_cc) {
        char *dir = zsys_sprintf("%s/compile-cache", node_dir);
        s_cc = dir ? compilecache_new(dir, max_mb << 20) : NULL;
        zstr_free(&dir);
    }
    if (s_cc)
        s_cc_refs++;
    compilecache_t *cc = s_cc;
    pthread_mutex_unlock(&s_cc_mu);
    return cc; /* NULL: judge without a cache (logged) */
}

static void s_cc_release(compilecache_t *cc)
{
    if (!cc)
        return;
    pthread_mutex_lock(&s_cc_mu);
    if (--s_cc_refs == 0)
        compilecache_destroy(&s_cc);
    pthread_mutex_unlock(&s_cc_mu);
}

typedef struct {
    const worker_ctx_t *ctx;
    uint32_t slot;
    zsock_t *pipe;
    uint64_t seq;
    bool terminated;
    char *work_dir, *out_dir;
    compilecache_t *cache;
    uint64_t sub_id, attempt; /* current job */
    runner_user_t user;       /* who this slot's runs are (see s_slot_user) */
    runner_user_t judge_user; /* who its checkers and interactors are: never `user` */
} worker_t;

typedef struct {
    const worker_ctx_t *ctx;
    uint32_t slot;
} worker_args_t;

static void s_user_as(runner_user_t *u, uid_t uid)
{
    u->uid = uid;
    u->gid = (gid_t)uid;
    snprintf(u->name, sizeof u->name, "gavel%u", (unsigned)uid);
}

/* Each slot runs submissions as a uid of its own that owns nothing on the host, so concurrent
 * submissions in two slots cannot touch each other's files or processes, and its checkers
 * and interactors as a second one, so a submission cannot signal, trace or starve them. The
 * uids are reserved host-wide by the judge (uidlock.h): no other judge runs anything as them.
 * That needs root and the namespace sandbox (whose /etc/passwd lists the uids); otherwise
 * every slot, and its checkers, keep the configured run user. */
static void s_slot_user(worker_t *self)
{
    self->user = self->judge_user = *self->ctx->user;
    if (!self->ctx->user->drop || !self->ctx->uid_first)
        return;
    s_user_as(&self->user, (uid_t)(self->ctx->uid_first + self->slot));
    s_user_as(&self->judge_user, (uid_t)(self->ctx->uid_first + self->ctx->n_slots + self->slot));
}

/* ---- talking to the main thread --------------------------------------------------------- */

static void s_forward(worker_t *self, gv_buf_t *buf)
{
    zmsg_t *m = zmsg_new();
    zmsg_addstr(m, "SEND");
    zmsg_addmem(m, buf->data, buf->size);
    zmsg_send(&m, self->pipe);
    gv_buf_free(buf);
}

static uint64_t s_corr(worker_t *self)
{
    return WORKER_CORR(self->slot, ++self->seq);
}

/* Waits up to timeout_ms for a reply from the main thread. NULL on timeout or "$TERM". */
static gv_msg_t *s_wait(worker_t *self, int64_t timeout_ms)
{
    uint64_t deadline = gv_mono_ms() + (uint64_t)(timeout_ms > 0 ? timeout_ms : 0);
    while (!self->terminated) {
        uint64_t now = gv_mono_ms();
        zmq_pollitem_t it = {zsock_resolve(self->pipe), 0, ZMQ_POLLIN, 0};
        int rc = zmq_poll(&it, 1, now >= deadline ? 0 : (long)(deadline - now));
        if (rc == 0)
            return NULL;
        if (rc < 0)
            continue;
        zmsg_t *m = zmsg_recv(self->pipe);
        char *cmd = m ? zmsg_popstr(m) : NULL;
        gv_msg_t *msg = NULL;
        if (cmd && m && zmsg_size(m) == 1 && zframe_size(zmsg_first(m)) == sizeof msg)
            memcpy(&msg, zframe_data(zmsg_first(m)), sizeof msg);
        if (!cmd || strcmp(cmd, "$TERM") == 0)
            self->terminated = true;
        else if (strcmp(cmd, "REPLY") != 0 && msg)
            gv_msg_destroy(&msg); /* a JOB while busy cannot happen: main tracks slots */
        free(cmd);
        zmsg_destroy(&m);
        if (msg)
            return msg;
    }
    return NULL;
}

/* One test's result: {n, verdict, group?, time_ms, memory_kb}. */
static void s_pk_test(msgpack_packer *pk, const job_test_result_t *t)
{
    bool grouped = t->group[0] != '\0';
    msgpack_pack_map(pk, 4 + (grouped ? 1 : 0));
    gv_pk_kv_uint(pk, "n", t->n);
    gv_pk_kv_str(pk, "verdict", t->verdict);
    if (grouped)
        gv_pk_kv_str(pk, "group", t->group);
    gv_pk_kv_uint(pk, "time_ms", t->time_ms);
    gv_pk_kv_uint(pk, "memory_kb", t->memory_kb);
}

/* "compiling", or "running" test n with the result of the test before it (`last`). */
static void s_progress(worker_t *self, const char *status, uint32_t test,
                       const job_test_result_t *last)
{
    gv_writer_t *w = gv_writer_new("judge.progress", s_corr(self), self->ctx->name, "submissions",
                                   0, 3 + (test ? 1 : 0) + (last ? 1 : 0));
    if (!w)
        return;
    msgpack_packer *pk = gv_writer_pk(w);
    gv_pk_kv_uint(pk, "sub_id", self->sub_id);
    gv_pk_kv_uint(pk, "attempt", self->attempt);
    gv_pk_kv_str(pk, "status", status);
    if (test)
        gv_pk_kv_uint(pk, "test", test);
    if (last) {
        gv_pk_key(pk, "last");
        s_pk_test(pk, last);
    }
    gv_buf_t buf;
    if (gv_writer_finish(&w, &buf) == 0)
        s_forward(self, &buf);
}

static void s_on_test(void *arg, uint32_t n, const job_test_result_t *prev)
{
    s_progress(arg, "running", n, prev);
}

static void s_result(worker_t *self, const job_result_t *r)
{
    gv_writer_t *w = gv_writer_new("judge.result", s_corr(self), self->ctx->name, "submissions",
                                   0, r->compile_output ? 8 : 7);
    if (!w)
        return;
    msgpack_packer *pk = gv_writer_pk(w);
    gv_pk_kv_uint(pk, "sub_id", self->sub_id);
    gv_pk_kv_uint(pk, "attempt", self->attempt);
    gv_pk_kv_str(pk, "verdict", r->verdict);
    gv_pk_kv_uint(pk, "time_ms", r->time_ms);
    gv_pk_kv_uint(pk, "memory_kb", r->memory_kb);
    gv_pk_kv_str(pk, "judge", self->ctx->name);
    gv_pk_key(pk, "tests");
    msgpack_pack_array(pk, (uint32_t)r->n_tests);
    for (size_t i = 0; i < r->n_tests; i++)
        s_pk_test(pk, &r->tests[i]);
    if (r->compile_output)
        gv_pk_kv_str(pk, "compile_output", r->compile_output);
    gv_buf_t buf;
    if (gv_writer_finish(&w, &buf) == 0)
        s_forward(self, &buf);
}

/* Sends a one-field request to `problems`; returns its corr. */
static uint64_t s_request(worker_t *self, const char *type, const char *key, const char *str,
                          uint64_t num)
{
    uint64_t corr = s_corr(self);
    gv_writer_t *w = gv_writer_new(type, corr, self->ctx->name, "problems",
                                   gv_now_ms() + self->ctx->cfg->request_timeout_ms, 1);
    if (!w)
        return 0;
    msgpack_packer *pk = gv_writer_pk(w);
    if (str)
        gv_pk_kv_str(pk, key, str);
    else
        gv_pk_kv_uint(pk, key, num);
    gv_buf_t buf;
    if (gv_writer_finish(&w, &buf) != 0)
        return 0;
    s_forward(self, &buf);
    return corr;
}

static const char *s_reply_text(const gv_msg_t *reply)
{
    const char *m = gv_msg_str(reply, "message");
    return m ? m : "";
}

/* ---- the job ------------------------------------------------------------------------------- */

/* Asks for the manifest, retrying a 503 or a timeout. NULL with res set to JE on failure. */
static gv_msg_t *s_manifest(worker_t *self, uint64_t problem_id, job_result_t *res)
{
    unsigned status = 0;
    char text[256] = "";
    for (int attempt = 1; attempt <= REQUEST_ATTEMPTS && !self->terminated; attempt++) {
        uint64_t corr = s_request(self, "problems.manifest", "problem_id", NULL, problem_id);
        uint64_t deadline = gv_mono_ms() + self->ctx->cfg->request_timeout_ms;
        gv_msg_t *r = NULL;
        while (!self->terminated && gv_mono_ms() < deadline) {
            r = s_wait(self, (int64_t)(deadline - gv_mono_ms()));
            if (!r || (strcmp(gv_msg_type(r), "reply") == 0 && gv_msg_corr(r) == corr))
                break;
            gv_msg_destroy(&r); /* late reply to an earlier request */
        }
        if (!r)
            continue;
        status = gv_reply_status(r);
        snprintf(text, sizeof text, "%s", s_reply_text(r));
        if (status == 200 && gv_reply_data(r) && gv_reply_data(r)->type == MSGPACK_OBJECT_MAP)
            return r;
        gv_msg_destroy(&r);
        if (status != 503)
            break;
    }
    if (self->terminated)
        return NULL;
    if (status == 404)
        job_result_je(res, "problem %llu not found (problems.manifest answered 404 %s)",
                      (unsigned long long)problem_id, text);
    else if (status)
        job_result_je(res, "problems.manifest for problem %llu answered %u %s",
                      (unsigned long long)problem_id, status, text);
    else
        job_result_je(res, "no answer from `problems` for the manifest of problem %llu",
                      (unsigned long long)problem_id);
    return NULL;
}

typedef struct {
    char hash[TESTCACHE_HASH_LEN + 1];
    char *path;      /* acquired from the cache once known */
    uint64_t corr;   /* request in flight, 0 = none */
    uint64_t deadline;
    int attempts;
} need_t;

/* Makes every hash in needs[] available in the cache (acquired), fetching what is missing,
 * FETCH_WINDOW requests at a time. 0, or -1 with res set to JE. */
static int s_fetch(worker_t *self, need_t *needs, size_t n, job_result_t *res)
{
    size_t missing = 0;
    for (size_t i = 0; i < n; i++)
        if (!(needs[i].path = testcache_acquire(self->ctx->cache, needs[i].hash)))
            missing++;
    size_t next = 0, inflight = 0;
    while (missing > 0 && !self->terminated) {
        for (; next < n && inflight < FETCH_WINDOW; next++) {
            if (needs[next].path || needs[next].corr)
                continue;
            needs[next].corr = s_request(self, "problems.testdata", "hash", needs[next].hash, 0);
            if (!needs[next].corr) {
                job_result_je(res, "cannot encode a problems.testdata request");
                return -1;
            }
            needs[next].deadline = gv_mono_ms() + self->ctx->cfg->request_timeout_ms;
            needs[next].attempts++;
            inflight++;
        }
        if (inflight == 0) {
            job_result_je(res, "internal error: test data missing and nothing requested");
            return -1;
        }
        uint64_t soonest = UINT64_MAX;
        for (size_t i = 0; i < n; i++)
            if (needs[i].corr && needs[i].deadline < soonest)
                soonest = needs[i].deadline;
        uint64_t now = gv_mono_ms();
        gv_msg_t *r = s_wait(self, soonest > now ? (int64_t)(soonest - now) : 0);
        need_t *nd = NULL;
        for (size_t i = 0; r && i < n && !nd; i++)
            if (needs[i].corr && needs[i].corr == gv_msg_corr(r))
                nd = &needs[i];
        if (r && !nd) {
            gv_msg_destroy(&r); /* stale */
            continue;
        }
        if (!r) { /* timeouts: retry or give up */
            for (size_t i = 0; i < n; i++) {
                if (!needs[i].corr || gv_mono_ms() < needs[i].deadline)
                    continue;
                needs[i].corr = 0;
                inflight--;
                if (needs[i].attempts >= REQUEST_ATTEMPTS) {
                    job_result_je(res, "no answer from `problems` for test data %s", needs[i].hash);
                    return -1;
                }
                if (i < next)
                    next = i; /* send it again */
            }
            continue;
        }
        nd->corr = 0;
        inflight--;
        unsigned st = gv_reply_status(r);
        const msgpack_object *data = gv_reply_data(r);
        const msgpack_object *bin = data ? gv_obj_get(data, "data") : NULL;
        char err[256] = "";
        if (st == 200 && bin && (bin->type == MSGPACK_OBJECT_BIN || bin->type == MSGPACK_OBJECT_STR)) {
            const void *p = bin->type == MSGPACK_OBJECT_BIN ? bin->via.bin.ptr : bin->via.str.ptr;
            size_t len = bin->type == MSGPACK_OBJECT_BIN ? bin->via.bin.size : bin->via.str.size;
            nd->path = testcache_store(self->ctx->cache, nd->hash, p, len, err, sizeof err);
            if (nd->path)
                missing--;
        } else if (st == 503 && nd->attempts < REQUEST_ATTEMPTS) {
            if ((size_t)(nd - needs) < next)
                next = (size_t)(nd - needs);
        } else {
            snprintf(err, sizeof err, "problems.testdata answered %u %s", st, s_reply_text(r));
        }
        gv_msg_destroy(&r);
        if (err[0]) {
            job_result_je(res, "cannot get test data %s: %s", nd->hash, err);
            return -1;
        }
    }
    return self->terminated ? -1 : 0;
}

/* Reads the manifest's test list into tests[] and needs[] (unique hashes). */
static int s_tests_from(const msgpack_object *arr, job_test_t **tests_out, size_t *n_out,
                        need_t **needs_out, size_t *nn_out, job_result_t *res)
{
    size_t n = arr && arr->type == MSGPACK_OBJECT_ARRAY ? arr->via.array.size : 0;
    if (n == 0 || n > MAX_TESTS) {
        job_result_je(res, n ? "the problem has too many tests" : "the problem has no tests");
        return -1;
    }
    job_test_t *tests = calloc(n, sizeof *tests);
    need_t *needs = calloc(2 * n + 2, sizeof *needs); /* + checker and interactor sources */
    size_t nn = 0;
    zhashx_t *seen = zhashx_new(); /* hash -> index+1 into needs */
    if (!tests || !needs || !seen)
        goto oom;
    for (size_t i = 0; i < n; i++) {
        const msgpack_object *t = &arr->via.array.ptr[i];
        int64_t num = gv_obj_int(gv_obj_get(t, "n"), 0);
        tests[i].n = num > 0 && num <= UINT32_MAX ? (uint32_t)num : (uint32_t)i + 1;
        const msgpack_object *g = gv_obj_get(t, "group");
        if (g && g->type == MSGPACK_OBJECT_STR && g->via.str.size <= JOB_GROUP_MAX)
            memcpy(tests[i].group, g->via.str.ptr, g->via.str.size); /* calloc'd: terminated */
        for (int k = 0; k < 2; k++) {
            char *h = gv_obj_strdup(gv_obj_get(t, k ? "output_hash" : "input_hash"));
            if (!testcache_hash_valid(h)) {
                job_result_je(res, "test %u of the manifest has no valid %s", tests[i].n,
                              k ? "output_hash" : "input_hash");
                free(h);
                goto fail;
            }
            size_t idx = (size_t)(uintptr_t)zhashx_lookup(seen, h);
            if (!idx) {
                memcpy(needs[nn].hash, h, TESTCACHE_HASH_LEN + 1);
                idx = ++nn;
                zhashx_insert(seen, h, (void *)(uintptr_t)idx);
            }
            free(h);
            /* paths are filled in after fetching; remember the need index for now */
            if (k)
                tests[i].answer_path = (const char *)(uintptr_t)idx;
            else
                tests[i].input_path = (const char *)(uintptr_t)idx;
        }
    }
    zhashx_destroy(&seen);
    *tests_out = tests;
    *n_out = n;
    *needs_out = needs;
    *nn_out = nn;
    return 0;
oom:
    job_result_je(res, "out of memory");
fail:
    zhashx_destroy(&seen);
    free(tests);
    free(needs);
    return -1;
}

/* Adds a program source hash to needs[] (deduplicated); its index+1, or 0 if invalid. */
static size_t s_need(need_t *needs, size_t *nn, const char *hash)
{
    for (size_t i = 0; i < *nn; i++)
        if (strcmp(needs[i].hash, hash) == 0)
            return i + 1;
    snprintf(needs[*nn].hash, sizeof needs[*nn].hash, "%s", hash);
    return ++*nn;
}

/* Builds the checker or interactor `desc` (source already fetched to src_path) in
 * <work_root>/<slot>.<what>. NULL with res JE. */
static judgeprog_t *s_program(worker_t *self, const checker_t *desc, const char *src_path,
                              const char *what, uint32_t time_limit_ms, job_result_t *res)
{
    const language_t *lang = languages_find(self->ctx->langs, desc->language);
    if (!lang) {
        job_result_je(res, "the %s's language `%s` is not available on judge %s", what,
                      desc->language, self->ctx->name);
        return NULL;
    }
    size_t len = 0;
    char why[1024] = "";
    char *src = judgeprog_read_source(src_path, PROGRAM_SOURCE_MAX, &len, why, sizeof why);
    if (!src)
        job_result_je(res, "the %s's source: %s", what, why);
    char *dir = zsys_sprintf("%s/%u.%s", self->ctx->work_root, self->slot, what);
    char *log = zsys_sprintf("%s/%s.log", self->out_dir, what);
    judgeprog_t *p = NULL;
    if (src && (zsys_dir_create("%s", self->out_dir) != 0 || chmod(self->out_dir, 0700) != 0)) {
        job_result_je(res, "cannot make directory %s: %s", self->out_dir, strerror(errno));
    } else if (src && dir && log) {
        p = judgeprog_new(desc, lang, src, len, dir, log, &self->judge_user, self->slot,
                          self->ctx->cancel_fd, self->cache, time_limit_ms, why, sizeof why);
        if (!p)
            job_result_je(res, "the %s %s", what, why);
    } else if (src) {
        job_result_je(res, "out of memory");
    }
    free(src);
    zstr_free(&dir);
    zstr_free(&log);
    return p;
}

static void s_judge(worker_t *self, const gv_msg_t *job, job_result_t *res)
{
    const worker_ctx_t *ctx = self->ctx;
    uint64_t problem_id = gv_msg_uint(job, "problem_id", 0);
    const char *lang_id = gv_msg_str(job, "language");
    size_t src_len = 0;
    const void *src = gv_msg_bytes(job, "source", &src_len);
    const language_t *lang = languages_find(ctx->langs, lang_id);
    if (!lang) {
        job_result_je(res, "language `%s` is not available on judge %s", lang_id ? lang_id : "",
                      ctx->name);
        return;
    }
    long long tw = jtiming_us();
    s_progress(self, "compiling", 0, NULL);
    gv_msg_t *manifest = s_manifest(self, problem_id, res);
    jtiming_mark(&tw, "worker.manifest");
    if (!manifest)
        return;
    const msgpack_object *m = gv_reply_data(manifest);
    job_test_t *tests = NULL;
    need_t *needs = NULL;
    judgeprog_t *custom = NULL, *interactor = NULL;
    size_t n_tests = 0, n_needs = 0, checker_need = 0, inter_need = 0;
    checker_t checker, inter;
    char err[256];
    const msgpack_object *inter_desc = gv_obj_get(m, "interactor");
    bool interactive = inter_desc && inter_desc->type != MSGPACK_OBJECT_NIL;
    if (checker_parse(gv_obj_get(m, "checker"), &checker, err, sizeof err) != 0 ||
        (interactive && checker_parse_interactor(inter_desc, &inter, err, sizeof err) != 0)) {
        job_result_je(res, "%s", err);
        goto done;
    }
    if (s_tests_from(gv_obj_get(m, "tests"), &tests, &n_tests, &needs, &n_needs, res) != 0)
        goto done;
    if (interactive)
        inter_need = s_need(needs, &n_needs, inter.source_hash);
    else if (checker.kind == CHECKER_CUSTOM)
        checker_need = s_need(needs, &n_needs, checker.source_hash);
    if (s_fetch(self, needs, n_needs, res) != 0)
        goto done;
    jtiming_mark(&tw, "worker.testdata");
    for (size_t i = 0; i < n_tests; i++) {
        tests[i].input_path = needs[(uintptr_t)tests[i].input_path - 1].path;
        tests[i].answer_path = needs[(uintptr_t)tests[i].answer_path - 1].path;
    }
    int64_t tl = gv_obj_int(gv_obj_get(m, "time_limit_ms"), 0);
    int64_t ml = gv_obj_int(gv_obj_get(m, "memory_limit_kb"), 0);
    int64_t ol = gv_obj_int(gv_obj_get(m, "output_limit_kb"), 0);
    const msgpack_object *ra = gv_obj_get(m, "run_all");
    uint32_t time_limit = tl > 0 && tl < 600000 ? (uint32_t)tl : ctx->cfg->judge_default_time_limit_ms;
    if (interactive &&
        !(interactor = s_program(self, &inter, needs[inter_need - 1].path, "interactor",
                                 time_limit, res)))
        goto done;
    if (checker_need &&
        !(custom = s_program(self, &checker, needs[checker_need - 1].path, "checker",
                             time_limit, res)))
        goto done;
    job_spec_t spec = {
        .lang = lang, .source = src, .source_len = src_len,
        .work_dir = self->work_dir, .out_dir = self->out_dir, .user = &self->user,
        .time_limit_ms = time_limit,
        .wall_limit_ms = job_wall_limit_ms(time_limit, ctx->cfg->judge_wall_time_percent,
                                           ctx->cfg->judge_wall_time_extra_ms),
        .memory_limit_kb = ml > 0 ? (uint64_t)ml : DEFAULT_MEMORY_KB,
        .output_limit_bytes = (ol > 0 && ol <= (1ll << 24) ? (uint64_t)ol
                                                          : ctx->cfg->judge_output_limit_kb) * 1024u,
        .max_processes = ctx->max_processes, .cancel_fd = ctx->cancel_fd,
        .slot = self->slot, .cache = self->cache,
        .run_all = ra && ra->type == MSGPACK_OBJECT_BOOLEAN && ra->via.boolean,
        .checker = &checker, .custom = custom, .interactor = interactor,
        .tests = tests, .n_tests = n_tests, .on_test = s_on_test, .arg = self};
    jtiming_mark(&tw, "worker.setup");
    job_run(&spec, res);
    tw = jtiming_us();
done:
    judgeprog_destroy(&custom);
    judgeprog_destroy(&interactor);
    for (size_t i = 0; needs && i < n_needs; i++) {
        if (needs[i].path) {
            testcache_release(ctx->cache, needs[i].hash);
            free(needs[i].path);
        }
    }
    free(needs);
    free(tests);
    gv_msg_destroy(&manifest);
    jtiming_mark(&tw, "worker.release");
}

static void s_handle_job(worker_t *self, const gv_msg_t *job)
{
    self->sub_id = gv_msg_uint(job, "sub_id", 0);
    self->attempt = gv_msg_uint(job, "attempt", 0);
    uint64_t t0 = gv_mono_us();
    gv_info("job started", "sub_id=%llu attempt=%llu problem_id=%llu lang=%s slot=%u",
            (unsigned long long)self->sub_id, (unsigned long long)self->attempt,
            (unsigned long long)gv_msg_uint(job, "problem_id", 0), gv_msg_str(job, "language"),
            self->slot);
    job_result_t res;
    memset(&res, 0, sizeof res);
    s_judge(self, job, &res);
    if (self->terminated || res.cancelled) {
        gv_info("job abandoned, the judge is stopping", "sub_id=%llu attempt=%llu",
                (unsigned long long)self->sub_id, (unsigned long long)self->attempt);
    } else {
        if (!res.verdict[0])
            job_result_je(&res, "internal error: no verdict");
        long long tr = jtiming_us();
        s_result(self, &res);
        jtiming_mark(&tr, "worker.result_msg");
        gv_log(strcmp(res.verdict, "JE") == 0 ? GV_LOG_WARN : GV_LOG_INFO, "job finished",
               "sub_id=%llu attempt=%llu verdict=%s time_ms=%u memory_kb=%llu tests=%zu "
               "compile_cached=%d elapsed_ms=%.1f detail=\"%s\"",
               (unsigned long long)self->sub_id, (unsigned long long)self->attempt, res.verdict,
               res.time_ms, (unsigned long long)res.memory_kb, res.n_tests, res.compile_cached,
               (double)(gv_mono_us() - t0) / 1000.0, res.message);
    }
    job_result_clear(&res);
}

static void s_actor(zsock_t *pipe, void *args)
{
    worker_args_t *a = args;
    worker_t self = {.ctx = a->ctx, .slot = a->slot, .pipe = pipe};
    s_slot_user(&self);
    free(a);
    self.work_dir = zsys_sprintf("%s/%u", self.ctx->work_root, self.slot);
    self.out_dir = zsys_sprintf("%s/out/%u", self.ctx->node_dir, self.slot);
    self.cache = s_cc_acquire(self.ctx->node_dir, self.ctx->cfg->judge_compile_cache_mb);
    zsock_signal(pipe, 0);
    while (!self.terminated) {
        zmsg_t *m = zmsg_recv(pipe);
        char *cmd = m ? zmsg_popstr(m) : NULL;
        gv_msg_t *msg = NULL;
        if (cmd && zmsg_size(m) == 1 && zframe_size(zmsg_first(m)) == sizeof msg)
            memcpy(&msg, zframe_data(zmsg_first(m)), sizeof msg);
        if (!cmd || strcmp(cmd, "$TERM") == 0) {
            self.terminated = true;
        } else if (strcmp(cmd, "JOB") == 0 && msg && self.work_dir && self.out_dir) {
            s_handle_job(&self, msg);
            if (!self.terminated)
                zstr_send(pipe, "DONE");
        }
        gv_msg_destroy(&msg);
        free(cmd);
        zmsg_destroy(&m);
    }
    s_cc_release(self.cache);
    if (self.work_dir && job_rmtree(self.work_dir) != 0) /* unmounts its tmpfs */
        gv_warn("cannot remove a work directory", "dir=%s", self.work_dir);
    zstr_free(&self.work_dir);
    zstr_free(&self.out_dir);
}

zactor_t *worker_new(const worker_ctx_t *ctx, uint32_t slot)
{
    worker_args_t *a = malloc(sizeof *a);
    if (!a)
        return NULL;
    a->ctx = ctx;
    a->slot = slot;
    zactor_t *actor = zactor_new(s_actor, a);
    if (!actor)
        free(a);
    return actor;
}
