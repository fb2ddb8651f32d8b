/*  test_judge_node — the real gavel-judge process against a fake broker.
 *
 *  The test plays broker and `problems`: a CURVE ROUTER socket at the config's endpoint that
 *  answers heartbeats, problems.manifest and problems.testdata, sends judge.job and records
 *  judge.progress / judge.result. It checks READY, verdicts end to end (C and Python), judge
 *  errors (unknown problem, custom checker, corrupted test data, unknown language), two slots
 *  at once, the verdict latency of A+B in C with 12 tests, exit status 2 for a bad config,
 *  and a clean exit on SIGTERM in the middle of a job.
 *
 *  The data directory is left 0700 on purpose: the judge must notice that the run user cannot
 *  reach it and put work directories elsewhere (Python needs to open its script by path).
 *
 *  usage: test_judge_node PATH-TO-gavel-judge
 */
#include "gv_link.h"
#include "gv_log.h"
#include "gv_msg.h"
#include "gv_test.h"

#include <czmq.h>
#include <signal.h>
#include <sodium.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#define N_TESTS 12
#define MAX_RESULTS 64

static char s_dir[] = "/tmp/gv-judgenode-XXXXXX";
static const char *s_bin;
static zsock_t *s_router;
static pid_t s_judge = -1;

/* ---- what the fake `problems` actor knows ------------------------------------------------ */

typedef struct {
    char hash[65];
    char data[64];
} blob_t;
static blob_t s_blobs[8 * N_TESTS];
static size_t s_n_blobs;
static char s_corrupt_hash[65]; /* served with the wrong bytes */

typedef struct {
    uint64_t id;
    uint32_t tl;
    const char *checker; /* type */
    size_t first_blob;   /* tests use blobs [first, first + 2 * N_TESTS) */
} problem_t;
static problem_t s_problems[4];

/* ---- what the judge told us -------------------------------------------------------------- */

typedef struct {
    uint64_t sub_id;
    char verdict[8];
    size_t n_tests;
    char *compile_output;
    uint64_t at_us;
} result_t;
static result_t s_results[MAX_RESULTS];
static size_t s_n_results;
static size_t s_progress_running, s_progress_compiling;
static bool s_ready;
static char s_ready_langs[256];
static char s_judge_id[GV_ADDR_MAX + 1]; /* its routing id ("judge-1.<nonce>"), from its READY */
static uint64_t s_ready_slots;

static const char *s_hash(const void *data, size_t len, char *hex)
{
    unsigned char d[32];
    crypto_hash_sha256(d, data, len);
    sodium_bin2hex(hex, 65, d, 32);
    return hex;
}

static size_t s_add_ab_tests(int seed)
{
    size_t first = s_n_blobs;
    srand((unsigned)seed);
    for (int i = 0; i < N_TESTS; i++) {
        long a = rand() % 100000, b = rand() % 100000;
        blob_t *in = &s_blobs[s_n_blobs++], *out = &s_blobs[s_n_blobs++];
        snprintf(in->data, sizeof in->data, "%ld %ld\n", a, b);
        snprintf(out->data, sizeof out->data, "%ld\n", a + b);
        s_hash(in->data, strlen(in->data), in->hash);
        s_hash(out->data, strlen(out->data), out->hash);
    }
    return first;
}

static void s_send(const char *identity, gv_buf_t *buf)
{
    zmsg_t *m = zmsg_new();
    zmsg_addstr(m, identity);
    zmsg_addmem(m, buf->data, buf->size);
    zmsg_send(&m, s_router);
    gv_buf_free(buf);
}

static void s_reply_manifest(const char *who, const gv_msg_t *req)
{
    uint64_t id = gv_msg_uint(req, "problem_id", 0);
    const problem_t *p = NULL;
    for (size_t i = 0; i < sizeof s_problems / sizeof s_problems[0]; i++)
        if (s_problems[i].id == id)
            p = &s_problems[i];
    gv_buf_t buf;
    if (!p) {
        gv_reply_error(req, "problems", 404, "not_found", "no such problem", &buf);
        s_send(who, &buf);
        return;
    }
    gv_writer_t *w = gv_reply_begin(req, "problems", 200, true);
    msgpack_packer *pk = gv_writer_pk(w);
    msgpack_pack_map(pk, 5);
    gv_pk_kv_uint(pk, "problem_id", id);
    gv_pk_kv_uint(pk, "time_limit_ms", p->tl);
    gv_pk_kv_uint(pk, "memory_limit_kb", 256 * 1024);
    gv_pk_key(pk, "checker");
    msgpack_pack_map(pk, 1);
    gv_pk_kv_str(pk, "type", p->checker);
    gv_pk_key(pk, "tests");
    msgpack_pack_array(pk, N_TESTS);
    for (int i = 0; i < N_TESTS; i++) {
        const blob_t *in = &s_blobs[p->first_blob + 2 * i], *out = in + 1;
        msgpack_pack_map(pk, 6);
        gv_pk_kv_uint(pk, "n", (uint64_t)i + 1);
        gv_pk_kv_str(pk, "input_hash", in->hash);
        gv_pk_kv_str(pk, "output_hash", out->hash);
        gv_pk_kv_uint(pk, "input_size", strlen(in->data));
        gv_pk_kv_uint(pk, "output_size", strlen(out->data));
        gv_pk_kv_bool(pk, "sample", i == 0);
    }
    gv_writer_finish(&w, &buf);
    s_send(who, &buf);
}

static void s_reply_testdata(const char *who, const gv_msg_t *req)
{
    const char *hash = gv_msg_str(req, "hash");
    const blob_t *b = NULL;
    for (size_t i = 0; i < s_n_blobs; i++)
        if (strcmp(s_blobs[i].hash, hash) == 0)
            b = &s_blobs[i];
    gv_buf_t buf;
    if (!b) {
        gv_reply_error(req, "problems", 404, "not_found", "no such test data", &buf);
        s_send(who, &buf);
        return;
    }
    bool corrupt = strcmp(hash, s_corrupt_hash) == 0;
    gv_writer_t *w = gv_reply_begin(req, "problems", 200, true);
    msgpack_packer *pk = gv_writer_pk(w);
    msgpack_pack_map(pk, 2);
    gv_pk_kv_str(pk, "hash", hash);
    gv_pk_kv_bin(pk, "data", corrupt ? "1 1\n" : b->data, corrupt ? 4 : strlen(b->data));
    gv_writer_finish(&w, &buf);
    s_send(who, &buf);
}

static void s_on_result(const gv_msg_t *m)
{
    if (s_n_results >= MAX_RESULTS)
        return;
    result_t *r = &s_results[s_n_results++];
    r->sub_id = gv_msg_uint(m, "sub_id", 0);
    snprintf(r->verdict, sizeof r->verdict, "%s", gv_msg_str(m, "verdict"));
    const msgpack_object *t = gv_msg_field(m, "tests");
    r->n_tests = t ? t->via.array.size : 0;
    const char *co = gv_msg_str(m, "compile_output");
    r->compile_output = co ? strdup(co) : NULL;
    r->at_us = gv_mono_us();
}

/* Handles everything that arrives for up to timeout_ms (returns early once `until` holds). */
static void s_pump(int timeout_ms, bool (*until)(uint64_t), uint64_t arg)
{
    uint64_t end = gv_mono_ms() + (uint64_t)timeout_ms;
    while (gv_mono_ms() < end && !(until && until(arg))) {
        zmq_pollitem_t it = {zsock_resolve(s_router), 0, ZMQ_POLLIN, 0};
        if (zmq_poll(&it, 1, 20) <= 0)
            continue;
        zmsg_t *zm = zmsg_recv(s_router);
        char *who = zmsg_popstr(zm);
        zframe_t *f = zmsg_first(zm);
        gv_msg_t *m = NULL;
        char err[256];
        if (f && gv_msg_decode(zframe_data(f), zframe_size(f), &m, NULL, NULL, 0, err,
                               sizeof err) != 0)
            fprintf(stderr, "fake broker: bad message: %s\n", err);
        if (m) {
            const char *type = gv_msg_type(m);
            if (strcmp(type, "heartbeat") == 0) {
                gv_writer_t *w = gv_writer_new("heartbeat", 0, "broker", who, 0, 0);
                gv_buf_t buf;
                gv_writer_finish(&w, &buf);
                s_send(who, &buf);
            } else if (strcmp(type, "judge.ready") == 0) {
                s_ready = true;
                CHECK(strncmp(who, "judge-1.", 8) == 0 && strlen(who) == 8 + 2 * GV_ROUTING_NONCE_BYTES);
                snprintf(s_judge_id, sizeof s_judge_id, "%s", who);
                s_ready_slots = gv_msg_uint(m, "slots", 0);
                const msgpack_object *l = gv_msg_field(m, "languages");
                s_ready_langs[0] = '\0';
                for (uint32_t i = 0; l && i < l->via.array.size; i++) {
                    char *id = gv_obj_strdup(&l->via.array.ptr[i]);
                    strncat(s_ready_langs, id, sizeof s_ready_langs - strlen(s_ready_langs) - 2);
                    strcat(s_ready_langs, ",");
                    free(id);
                }
                CHECK(gv_msg_field(m, "language_info") != NULL);
            } else if (strcmp(type, "problems.manifest") == 0) {
                s_reply_manifest(who, m);
            } else if (strcmp(type, "problems.testdata") == 0) {
                s_reply_testdata(who, m);
            } else if (strcmp(type, "judge.progress") == 0) {
                const char *st = gv_msg_str(m, "status");
                if (st && strcmp(st, "running") == 0)
                    s_progress_running++;
                else
                    s_progress_compiling++;
            } else if (strcmp(type, "judge.result") == 0) {
                s_on_result(m);
            }
            gv_msg_destroy(&m);
        }
        free(who);
        zmsg_destroy(&zm);
    }
}

static bool s_is_ready(uint64_t unused)
{
    (void)unused;
    return s_ready;
}

static const result_t *s_result_for(uint64_t sub)
{
    for (size_t i = 0; i < s_n_results; i++)
        if (s_results[i].sub_id == sub)
            return &s_results[i];
    return NULL;
}

static bool s_has_result(uint64_t sub)
{
    return s_result_for(sub) != NULL;
}

static void s_job(uint64_t sub, uint64_t problem, const char *lang, const char *src)
{
    gv_writer_t *w = gv_writer_new("judge.job", 0, "broker", s_judge_id, 0, 5);
    msgpack_packer *pk = gv_writer_pk(w);
    gv_pk_kv_uint(pk, "sub_id", sub);
    gv_pk_kv_uint(pk, "attempt", 1);
    gv_pk_kv_uint(pk, "problem_id", problem);
    gv_pk_kv_str(pk, "language", lang);
    gv_pk_kv_bin(pk, "source", src, strlen(src));
    gv_buf_t buf;
    gv_writer_finish(&w, &buf);
    s_send(s_judge_id, &buf);
}

/* Sends a job and waits for its result. */
static const result_t *s_judge_one(uint64_t sub, uint64_t problem, const char *lang,
                                   const char *src)
{
    s_job(sub, problem, lang, src);
    s_pump(30000, s_has_result, sub);
    return s_result_for(sub);
}

static const char *C_AB = "#include <stdio.h>\nint main(void){long long a,b;"
                          "if(scanf(\"%lld %lld\",&a,&b)!=2)return 1;printf(\"%lld\\n\",a+b);return 0;}\n";

static int s_write(const char *name, const char *text)
{
    char path[400];
    snprintf(path, sizeof path, "%s/%s", s_dir, name);
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    fputs(text, f);
    return fclose(f);
}

static pid_t s_spawn(const char *config, const char *name, const char *log)
{
    char cpath[400], lpath[400];
    snprintf(cpath, sizeof cpath, "%s/%s", s_dir, config);
    snprintf(lpath, sizeof lpath, "%s/%s", s_dir, log);
    pid_t pid = fork();
    if (pid == 0) {
        FILE *f = freopen(lpath, "w", stderr);
        (void)f;
        execl(s_bin, s_bin, "--config", cpath, "--data", s_dir, "--name", name, (char *)NULL);
        _exit(127);
    }
    return pid;
}

/* Waits up to ms for pid to exit; its exit status, or -1 when it did not exit. */
static int s_wait_exit(pid_t pid, int ms)
{
    for (int i = 0; i < ms / 10; i++) {
        int st;
        if (waitpid(pid, &st, WNOHANG) == pid)
            return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
        zclock_sleep(10);
    }
    return -1;
}

static void test_bad_config_exits_2(void)
{
    s_write("bad.toml", "[[node]]\nrole = \"broker\"\nname = \"broker\"\nbogus_key = 1\n");
    CHECK(s_wait_exit(s_spawn("bad.toml", "judge-1", "bad.log"), 10000) == 2);
    CHECK(s_wait_exit(s_spawn("cluster.toml", "no-such-judge", "bad2.log"), 10000) == 2);
}

static void test_ready(void)
{
    s_judge = s_spawn("cluster.toml", "judge-1", "judge.log");
    s_pump(20000, s_is_ready, 0);
    CHECK(s_ready);
    CHECK(s_ready_slots == 2);
    CHECK_CONTAINS(s_ready_langs, "c,");
    CHECK_CONTAINS(s_ready_langs, "python3,");
}

static void test_c_accepted_with_progress(void)
{
    const result_t *r = s_judge_one(1, 1, "c", C_AB);
    CHECK(r && strcmp(r->verdict, "AC") == 0 && r->n_tests == N_TESTS);
    CHECK(s_progress_compiling >= 1 && s_progress_running == N_TESTS);
}

static int s_cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static void test_latency_ab_c(void)
{
    enum { N = 10 };
    uint64_t lat[N];
    for (int i = 0; i < N; i++) {
        uint64_t t0 = gv_mono_us();
        const result_t *r = s_judge_one(100 + (uint64_t)i, 1, "c", C_AB);
        CHECK(r && strcmp(r->verdict, "AC") == 0);
        lat[i] = r ? r->at_us - t0 : 99999999;
    }
    qsort(lat, N, sizeof lat[0], s_cmp_u64);
    printf("     A+B in C, 12 tests, job -> result: p50 %.1f ms, max %.1f ms\n",
           (double)lat[N / 2] / 1000.0, (double)lat[N - 1] / 1000.0);
    CHECK(lat[N / 2] < 1000000); /* the goal is < 150 ms; this bound only catches hangs */
}

static void test_two_slots_at_once(void)
{
    const char *slow = "#include <stdio.h>\n#include <unistd.h>\nint main(void){long long a,b;"
                       "scanf(\"%lld %lld\",&a,&b);usleep(30000);printf(\"%lld\\n\",a+b);return 0;}\n";
    uint64_t t0 = gv_mono_us();
    s_job(200, 1, "c", slow);
    s_job(201, 1, "c", slow);
    s_pump(60000, s_has_result, 200);
    s_pump(60000, s_has_result, 201);
    const result_t *a = s_result_for(200), *b = s_result_for(201);
    CHECK(a && b && strcmp(a->verdict, "AC") == 0 && strcmp(b->verdict, "AC") == 0);
    printf("     two 12 x 30 ms jobs on two slots: %.0f ms\n",
           (double)(gv_mono_us() - t0) / 1000.0);
}

static void test_python(void)
{
    const result_t *r = s_judge_one(300, 1, "python3",
                                    "a, b = map(int, input().split())\nprint(a + b)\n");
    CHECK(r && strcmp(r->verdict, "AC") == 0 && r->n_tests == N_TESTS);
    r = s_judge_one(301, 1, "python3", "print(0)\n");
    CHECK(r && strcmp(r->verdict, "WA") == 0 && r->n_tests == 1);
}

static void test_compile_error(void)
{
    const result_t *r = s_judge_one(400, 1, "c", "int main(void) { return y; }\n");
    CHECK(r && strcmp(r->verdict, "CE") == 0 && r->n_tests == 0);
    CHECK(r && r->compile_output && strstr(r->compile_output, "error"));
}

static void test_judge_errors(void)
{
    const result_t *r = s_judge_one(500, 99, "c", C_AB);
    CHECK(r && strcmp(r->verdict, "JE") == 0);
    CHECK(r && r->compile_output && strstr(r->compile_output, "not found"));
    r = s_judge_one(501, 2, "c", C_AB);
    CHECK(r && strcmp(r->verdict, "JE") == 0); /* a custom checker without a language */
    CHECK(r && r->compile_output && strstr(r->compile_output, "custom checker"));
    r = s_judge_one(502, 3, "c", C_AB);
    CHECK(r && strcmp(r->verdict, "JE") == 0);
    CHECK(r && r->compile_output && strstr(r->compile_output, "does not match its hash"));
    r = s_judge_one(503, 1, "cobol", C_AB);
    CHECK(r && strcmp(r->verdict, "JE") == 0);
    CHECK(r && r->compile_output && strstr(r->compile_output, "cobol"));
}

static bool s_running_seen(uint64_t before)
{
    return s_progress_running > before;
}

static void test_sigterm_mid_job(void)
{
    size_t results = s_n_results, running = s_progress_running;
    s_job(600, 4, "c", "#include <unistd.h>\nint main(void){sleep(100);return 0;}\n");
    s_pump(20000, s_running_seen, running);
    CHECK(s_progress_running > running);
    uint64_t t0 = gv_mono_ms();
    kill(s_judge, SIGTERM);
    int st = s_wait_exit(s_judge, 10000);
    CHECK(st == 0);
    printf("     SIGTERM mid-job: exited %d after %llu ms\n", st,
           (unsigned long long)(gv_mono_ms() - t0));
    CHECK(gv_mono_ms() - t0 < 3000);
    s_pump(200, NULL, 0);
    CHECK(s_n_results == results); /* an abandoned job is not reported */
    s_judge = -1;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s PATH-TO-gavel-judge\n", argv[0]);
        return 2;
    }
    s_bin = argv[1];
    if (!mkdtemp(s_dir) || sodium_init() < 0)
        return 1;
    zsys_init();
    s_write("cluster.toml",
            "[heartbeat]\ninterval_ms = 500\n"
            "[[node]]\nrole = \"broker\"\nname = \"broker\"\n"
            "[[node]]\nrole = \"actors\"\nname = \"actors-1\"\n"
            "actors = [\"accounts\", \"problems\", \"submissions\"]\n"
            "[[node]]\nrole = \"judge\"\nname = \"judge-1\"\nslots = 2\n"
            "[languages.c]\nname = \"C\"\nsource_file = \"main.c\"\n"
            "compile = [\"gcc\", \"-O2\", \"-pipe\", \"-o\", \"{exe}\", \"{src}\", \"-lm\"]\n"
            "run = [\"{exe}\"]\nversion = [\"gcc\", \"--version\"]\n"
            "[languages.python3]\nname = \"Python 3\"\nsource_file = \"main.py\"\n"
            "run = [\"python3\", \"{src}\"]\nversion = [\"python3\", \"--version\"]\n");
    char path[400];
    snprintf(path, sizeof path, "%s/keys", s_dir);
    zsys_dir_create("%s", path);
    snprintf(path, sizeof path, "%s/run", s_dir);
    zsys_dir_create("%s", path);
    zcert_t *broker = zcert_new(), *judge = zcert_new();
    snprintf(path, sizeof path, "%s/keys/broker.cert", s_dir);
    zcert_save(broker, path);
    snprintf(path, sizeof path, "%s/keys/judge-1.cert", s_dir);
    zcert_save(judge, path);
    s_router = zsock_new(ZMQ_ROUTER);
    zcert_apply(broker, s_router);
    zsock_set_curve_server(s_router, 1);
    if (zsock_bind(s_router, "ipc://%s/run/broker.sock", s_dir) != 0) {
        fprintf(stderr, "cannot bind the fake broker\n");
        return 1;
    }

    s_problems[0] = (problem_t){1, 1000, "tokens", s_add_ab_tests(1)};
    s_problems[1] = (problem_t){2, 1000, "custom", s_add_ab_tests(2)};
    s_problems[2] = (problem_t){3, 1000, "tokens", s_add_ab_tests(3)};
    s_problems[3] = (problem_t){4, 5000, "tokens", s_problems[0].first_blob};
    memcpy(s_corrupt_hash, s_blobs[s_problems[2].first_blob + 4].hash, 65);

    RUN(test_bad_config_exits_2);
    RUN(test_ready);
    if (s_ready) {
        RUN(test_c_accepted_with_progress);
        RUN(test_latency_ab_c);
        RUN(test_two_slots_at_once);
        RUN(test_python);
        RUN(test_compile_error);
        RUN(test_judge_errors);
        RUN(test_sigterm_mid_job);
    }
    if (s_judge > 0) {
        kill(s_judge, SIGKILL);
        waitpid(s_judge, NULL, 0);
    }
    if (gv_test_failed || getenv("GAVEL_TEST_VERBOSE")) { /* show what the judge said */
        snprintf(path, sizeof path, "cat %s/judge.log %s/bad.log >&2", s_dir, s_dir);
        if (system(path) != 0)
            fprintf(stderr, "(no judge log)\n");
    }
    for (size_t i = 0; i < s_n_results; i++)
        free(s_results[i].compile_output);
    zsock_destroy(&s_router);
    zcert_destroy(&broker);
    zcert_destroy(&judge);
    snprintf(path, sizeof path, "rm -rf %s", s_dir);
    if (system(path) != 0)
        fprintf(stderr, "cannot remove %s\n", s_dir);
    return TEST_SUMMARY();
}
