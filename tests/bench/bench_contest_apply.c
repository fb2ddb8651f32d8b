/*  bench_contest_apply — the cost of applying one verdict to a contest scoreboard, and of a full
 *  scoreboard GET, measured at the actor (node_handle_batch, no sockets).
 *
 *  For N registered contestants (ICPC, 5 problems) the board is first filled with 3 judged
 *  submissions per contestant (mixed verdicts). Then VERDICTS new submissions of random
 *  contestants are queued (untimed) and their verdicts (contest.sub, status done) applied and
 *  timed, three ways:
 *
 *    single   one verdict per node_handle_batch, the store switched to MDB_NOSYNC: the
 *             scoreboard work plus an LMDB commit without fsync — the per-verdict cost.
 *    batch    BATCH verdicts per node_handle_batch, still MDB_NOSYNC, reported per verdict
 *             (batch time / BATCH): the work without the per-commit overhead.
 *    durable  BATCH verdicts per node_handle_batch on the durable store (one fsync per batch),
 *             per verdict — what a loaded node pays, disk included.
 *
 *  The design says applying a verdict does not depend on N (docs/CONTESTS.md, "Scoring"): the
 *  ratio of the medians for N=10,000 and N=100 should stay under 2 (B-tree depth only).
 *  Finally a full contest.scoreboard GET (jury view) is timed for GET_ROWS contestants, and once
 *  for each N, with its reply decoded as the broker would (GV_MSG_MAX_OBJECTS applies).
 *
 *  usage: bench_contest_apply [DIR]   (DIR: where the temporary stores go; default /tmp)
 */
#include "actor.h"
#include "gv_log.h"
#include "gv_msg.h"
#include "node.h"
#include "outbox.h"
#include "store.h"

#include <ftw.h>
#include <inttypes.h>
#include <lmdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define PROBLEMS 5
#define SUBS_PER_USER 3
#define VERDICTS 500
#define BATCH 50
#define FILL_BATCH 500 /* messages per node_handle_batch while filling (< NODE_BATCH_MAX) */
#define GET_ROWS 1000
#define GET_RUNS 50
#define CID 1
#define MIN_MS 60000ull

static const char *s_addr = "contest/1";
static uint64_t s_corr = 1;
static uint64_t s_next_sid = 1;

static void s_die(const char *what)
{
    fprintf(stderr, "bench_contest_apply: %s\n", what);
    exit(1);
}

static double s_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static gv_msg_t *s_finish(gv_writer_t *w)
{
    gv_buf_t buf;
    gv_msg_t *m = NULL;
    char err[256];
    if (!w || gv_writer_finish(&w, &buf) != 0) s_die("cannot encode a message");
    if (gv_msg_decode(buf.data, buf.size, &m, NULL, NULL, 0, err, sizeof err) != 0) s_die(err);
    gv_buf_free(&buf);
    return m;
}

static gv_msg_t *s_define(uint64_t start_ms)
{
    gv_writer_t *w = gv_writer_new("contest.define", ++s_corr, "edge-1.w0", s_addr, 0, 7);
    msgpack_packer *pk = gv_writer_pk(w);
    gv_pk_kv_bool(pk, "create", true);
    gv_pk_kv_str(pk, "title", "bench");
    gv_pk_kv_uint(pk, "start_ms", start_ms);
    gv_pk_kv_uint(pk, "duration_s", 5 * 3600);
    gv_pk_kv_str(pk, "scoring", "icpc");
    gv_pk_key(pk, "problems");
    msgpack_pack_array(pk, PROBLEMS);
    for (int i = 0; i < PROBLEMS; i++) {
        char label[2] = {(char)('A' + i), 0};
        msgpack_pack_map(pk, 2);
        gv_pk_kv_uint(pk, "problem_id", 100 + (uint64_t)i);
        gv_pk_kv_str(pk, "label", label);
    }
    gv_pk_kv_str(pk, "caller_role", "admin");
    return s_finish(w);
}

static gv_msg_t *s_register(uint64_t uid)
{
    char name[32];
    snprintf(name, sizeof name, "user%" PRIu64, uid);
    gv_writer_t *w = gv_writer_new("contest.register", ++s_corr, "edge-1.w0", s_addr, 0, 2);
    gv_pk_kv_uint(gv_writer_pk(w), "user_id", uid);
    gv_pk_kv_str(gv_writer_pk(w), "username", name);
    return s_finish(w);
}

static gv_msg_t *s_sub(uint64_t sid, uint64_t uid, uint64_t pid, uint64_t at, const char *verdict)
{
    gv_writer_t *w = gv_writer_new("contest.sub", 0, "submissions", s_addr, 0, verdict ? 9 : 7);
    msgpack_packer *pk = gv_writer_pk(w);
    gv_pk_kv_uint(pk, "sub_id", sid);
    gv_pk_kv_uint(pk, "user_id", uid);
    gv_pk_kv_uint(pk, "problem_id", pid);
    gv_pk_kv_str(pk, "language", "cpp");
    gv_pk_kv_uint(pk, "submitted_at", at);
    gv_pk_kv_uint(pk, "attempt", 1);
    gv_pk_kv_str(pk, "status", verdict ? "done" : "queued");
    if (verdict) {
        gv_pk_kv_str(pk, "verdict", verdict);
        gv_pk_key(pk, "tests");
        msgpack_pack_array(pk, 1);
        msgpack_pack_map(pk, 3);
        gv_pk_kv_uint(pk, "n", 1);
        gv_pk_kv_str(pk, "verdict", verdict);
        gv_pk_kv_uint(pk, "time_ms", 15);
    }
    return s_finish(w);
}

static gv_msg_t *s_scoreboard(void)
{
    gv_writer_t *w = gv_writer_new("contest.scoreboard", ++s_corr, "edge-1.w0", s_addr, 0, 2);
    gv_pk_kv_uint(gv_writer_pk(w), "caller_id", 1);
    gv_pk_kv_str(gv_writer_pk(w), "caller_role", "jury");
    return s_finish(w);
}

/* Runs msgs[0..n) as one batch, frees them and clears the outbox; returns the batch's µs. */
static double s_run(node_t *node, gv_msg_t **msgs, size_t n)
{
    double t0 = s_us();
    if (node_handle_batch(node, msgs, n) != 0) s_die("a batch did not commit");
    double t = s_us() - t0;
    for (size_t i = 0; i < n; i++)
        gv_msg_destroy(&msgs[i]);
    outbox_clear(node_outbox(node));
    return t;
}

/* Queues one message for a fill batch, running the batch when full. */
static void s_fill(node_t *node, gv_msg_t **buf, size_t *n, gv_msg_t *m)
{
    buf[(*n)++] = m;
    if (*n == FILL_BATCH) {
        s_run(node, buf, *n);
        *n = 0;
    }
}

static int s_rm(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb, (void)flag, (void)ftw;
    return remove(path);
}

/* A jury GET of the whole board, timed, with its reply checked as the broker and the edge
 * would decode it. Returns the batch's µs; *why is "" when the reply decodes with n rows and a
 * top row that solved something, otherwise the reason. *size: the reply's bytes. */
static double s_board_get(node_t *node, size_t n, char *why, size_t whylen, size_t *size)
{
    gv_msg_t *m = s_scoreboard();
    uint64_t corr = gv_msg_corr(m);
    double t0 = s_us();
    if (node_handle_batch(node, &m, 1) != 0) s_die("the scoreboard batch did not commit");
    double t = s_us() - t0;
    gv_msg_destroy(&m);
    outbox_t *out = node_outbox(node);
    snprintf(why, whylen, "no reply");
    *size = 0;
    for (size_t i = 0; i < outbox_size(out); i++) {
        const outbox_item_t *it = outbox_item(out, i);
        if (it->kind != OUTBOX_SEND) continue;
        *size = it->buf.size;
        gv_msg_t *r = NULL;
        char err[256];
        if (gv_msg_decode(it->buf.data, it->buf.size, &r, NULL, NULL, 0, err, sizeof err) != 0) {
            snprintf(why, whylen, "the reply does not decode: %s", err);
            break;
        }
        const msgpack_object *rows = gv_obj_get(gv_reply_data(r), "rows");
        const msgpack_object *top = rows && rows->via.array.size ? rows->via.array.ptr : NULL;
        const msgpack_object *solved = gv_obj_get(top, "solved");
        if (gv_msg_corr(r) != corr || gv_reply_status(r) != 200)
            snprintf(why, whylen, "unexpected reply");
        else if (!rows || rows->via.array.size != n || !solved || solved->via.u64 == 0)
            snprintf(why, whylen, "the board is not what the fill should have produced");
        else
            why[0] = '\0';
        gv_msg_destroy(&r);
        break;
    }
    outbox_clear(out);
    return t;
}

/* A node hosting contests in a fresh directory under base, with contest 1 defined and n
 * contestants registered, each with SUBS_PER_USER judged submissions. */
static node_t *s_setup(const char *base, char *dir, size_t dirlen, size_t n, uint64_t *start)
{
    snprintf(dir, dirlen, "%s/gavel-bench-contest-XXXXXX", base);
    if (!mkdtemp(dir)) s_die("cannot create the data directory");
    const char *actors[] = {"contests"};
    node_opts_t opts = {.data_dir = dir,
                        .name = "bench",
                        .actors = actors,
                        .n_actors = 1,
                        .contests = true,
                        .map_size = 1ull << 30};
    node_t *node = node_new(&opts);
    if (!node) s_die("cannot start the node");
    /* filling is not what we measure: no fsync while it runs */
    mdb_env_set_flags(store_env(node_store(node)), MDB_NOSYNC, 1);
    *start = gv_now_ms() - 3600000;
    gv_msg_t *buf[FILL_BATCH];
    size_t k = 0;
    buf[k++] = s_define(*start);
    s_run(node, buf, k);
    k = 0;
    for (uint64_t u = 1; u <= n; u++)
        s_fill(node, buf, &k, s_register(u));
    static const char *verdicts[] = {"WA", "AC", "CE", "TLE", "AC", "WA", "AC"};
    size_t vi = 0;
    for (int round = 0; round < SUBS_PER_USER; round++)
        for (uint64_t u = 1; u <= n; u++) {
            uint64_t sid = s_next_sid++, pid = 100 + (u + (uint64_t)round) % PROBLEMS;
            uint64_t at = *start + (uint64_t)(round * 10 + 1) * MIN_MS + u;
            s_fill(node, buf, &k, s_sub(sid, u, pid, at, NULL));
            s_fill(node, buf, &k, s_sub(sid, u, pid, at, verdicts[vi++ % 7]));
        }
    if (k) s_run(node, buf, k);
    mdb_env_set_flags(store_env(node_store(node)), MDB_NOSYNC, 0);
    return node;
}

static void s_teardown(node_t **node, const char *dir)
{
    node_destroy(node);
    nftw(dir, s_rm, 16, FTW_DEPTH | FTW_PHYS);
}

static int s_cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

typedef struct {
    double median, p90;
} stats_t;

static stats_t s_stats(double *v, size_t n)
{
    qsort(v, n, sizeof *v, s_cmp);
    return (stats_t){v[n / 2], v[(n * 9) / 10]};
}

/* VERDICTS verdicts for random contestants of 1..n, `per` per batch; returns per-verdict µs
 * statistics (one sample per batch, divided by `per`). */
static stats_t s_measure(node_t *node, size_t n, size_t per, uint64_t start, uint64_t *minute)
{
    static const char *verdicts[] = {"AC", "WA", "TLE", "AC", "WA"};
    double samples[VERDICTS];
    size_t ns = 0;
    gv_msg_t *queued[BATCH], *done[BATCH];
    for (size_t i = 0; i < VERDICTS; i += per) {
        for (size_t j = 0; j < per; j++) {
            uint64_t sid = s_next_sid++, uid = 1 + (uint64_t)rand() % n;
            uint64_t pid = 100 + (uint64_t)rand() % PROBLEMS;
            uint64_t at = start + (*minute)++ % 240 * MIN_MS + 40 * MIN_MS;
            queued[j] = s_sub(sid, uid, pid, at, NULL);
            done[j] = s_sub(sid, uid, pid, at, verdicts[(i + j) % 5]);
        }
        s_run(node, queued, per); /* the submissions arrive (untimed) */
        samples[ns++] = s_run(node, done, per) / (double)per;
    }
    return s_stats(samples, ns);
}

int main(int argc, char **argv)
{
    const char *base = argc > 1 ? argv[1] : "/tmp";
    setenv("GAVEL_LOG", "warn", 0);
    gv_log_init("bench");
    srand(42);
    static const size_t sizes[] = {100, 10000};
    stats_t single[2], batch[2], durable[2];
    char why[2][320];
    size_t size_bytes[2];
    double get_us[2];
    char dir[512];
    for (int s = 0; s < 2; s++) {
        uint64_t start, minute = 0;
        double t0 = s_us();
        node_t *node = s_setup(base, dir, sizeof dir, sizes[s], &start);
        fprintf(stderr, "N=%zu: board filled in %.1f s\n", sizes[s], (s_us() - t0) / 1e6);
        mdb_env_set_flags(store_env(node_store(node)), MDB_NOSYNC, 1);
        single[s] = s_measure(node, sizes[s], 1, start, &minute);
        batch[s] = s_measure(node, sizes[s], BATCH, start, &minute);
        mdb_env_set_flags(store_env(node_store(node)), MDB_NOSYNC, 0);
        durable[s] = s_measure(node, sizes[s], BATCH, start, &minute);
        size_bytes[s] = 0;
        get_us[s] = s_board_get(node, sizes[s], why[s], sizeof why[s], &size_bytes[s]);
        s_teardown(&node, dir);
    }

    uint64_t start;
    node_t *node = s_setup(base, dir, sizeof dir, GET_ROWS, &start);
    double get[GET_RUNS];
    char get_why[320];
    size_t get_size;
    for (int i = 0; i < GET_RUNS; i++) {
        get[i] = s_board_get(node, GET_ROWS, get_why, sizeof get_why, &get_size);
        if (get_why[0]) s_die(get_why);
    }
    stats_t g = s_stats(get, GET_RUNS);
    s_teardown(&node, dir);

    printf("contest verdict apply: ICPC, %d problems, %d judged submissions per contestant before "
           "measuring, %d verdicts to random contestants\n",
           PROBLEMS, SUBS_PER_USER, VERDICTS);
    printf("  single : 1 verdict per node_handle_batch, MDB_NOSYNC (scoreboard work + commit "
           "without fsync)\n");
    printf("  batch  : %d verdicts per node_handle_batch, MDB_NOSYNC; per verdict = batch time / "
           "%d\n",
           BATCH, BATCH);
    printf("  durable: %d verdicts per node_handle_batch, durable store (one fsync per batch); per "
           "verdict\n\n",
           BATCH);
    printf("%8s  %17s  %17s  %17s\n", "", "single", "batch", "durable");
    printf("%8s  %8s %8s  %8s %8s  %8s %8s\n", "N", "med us", "p90 us", "med us", "p90 us",
           "med us", "p90 us");
    for (int s = 0; s < 2; s++)
        printf("%8zu  %8.1f %8.1f  %8.1f %8.1f  %8.1f %8.1f\n", sizes[s], single[s].median,
               single[s].p90, batch[s].median, batch[s].p90, durable[s].median, durable[s].p90);
    printf("%8s  %8.2f %8.2f  %8.2f %8.2f  %8.2f %8.2f   (goal <= 2)\n", "10k/100",
           single[1].median / single[0].median, single[1].p90 / single[0].p90,
           batch[1].median / batch[0].median, batch[1].p90 / batch[0].p90,
           durable[1].median / durable[0].median, durable[1].p90 / durable[0].p90);
    printf("\ncontest.scoreboard GET (jury view, whole board, one node_handle_batch):\n");
    printf("%8d rows: median %.0f us, p90 %.0f us, reply %zu bytes\n", GET_ROWS, g.median, g.p90,
           get_size);
    for (int s = 0; s < 2; s++)
        printf("%8zu rows: %.0f us (once), reply %zu bytes%s%s\n", sizes[s], get_us[s],
               size_bytes[s], why[s][0] ? " -- " : "", why[s]);
    return 0;
}
