/*  The actor runtime: routing, deadlines, group commit with nested transactions, MAP_FULL. */
#include "test_actors_kit.c"

#include "record.h"

static gv_msg_t *s_submit(uint64_t user)
{
    gv_writer_t *w = kit_begin("submissions.create", "submissions", 4);
    msgpack_packer *pk = gv_writer_pk(w);
    gv_pk_kv_uint(pk, "problem_id", 1);
    gv_pk_kv_str(pk, "language", "c");
    gv_pk_kv_str(pk, "source", "int main(void){return 0;}");
    gv_pk_kv_uint(pk, "user_id", user);
    return kit_end(w);
}

static gv_msg_t *s_sub_get(uint64_t id)
{
    gv_writer_t *w = kit_begin("submissions.get", "submissions", 1);
    gv_pk_kv_uint(gv_writer_pk(w), "id", id);
    return kit_end(w);
}

static void test_routing_errors(void)
{
    char *dir = kit_tmpdir();
    node_t *node = kit_node(dir, "submissions", 0);
    CHECK(node);
    gv_writer_t *w = kit_begin("problems.get", "problems", 1); /* not hosted here */
    gv_pk_kv_uint(gv_writer_pk(w), "id", 1);
    gv_msg_t *r = kit_expect(node, kit_end(w), 404);
    CHECK(gv_obj_str_eq(gv_msg_field(r, "code"), "unknown_actor"));
    CHECK(!strcmp(gv_msg_to(r), "edge-1.w0") && !strcmp(gv_msg_from(r), "problems"));
    gv_msg_destroy(&r);

    w = kit_begin("problems.get", "submissions", 1); /* hosted, but not its message */
    gv_pk_kv_uint(gv_writer_pk(w), "id", 1);
    kit_expect_error(node, kit_end(w), 400, "unknown_type", "problems.get");

    /* replies and judge reports are never answered, even when they cannot be routed */
    w = gv_writer_new("judge.result", 0, "judge-1", "contest/5", 0, 6);
    msgpack_packer *pk = gv_writer_pk(w);
    gv_pk_kv_uint(pk, "sub_id", 1);
    gv_pk_kv_uint(pk, "attempt", 1);
    gv_pk_kv_str(pk, "verdict", "AC");
    gv_pk_kv_uint(pk, "time_ms", 1);
    gv_pk_kv_uint(pk, "memory_kb", 1);
    gv_pk_key(pk, "tests");
    msgpack_pack_array(pk, 0);
    gv_msg_t *m = kit_end(w);
    outbox_clear(node_outbox(node));
    node_handle_batch(node, &m, 1);
    CHECK(outbox_size(node_outbox(node)) == 0);
    gv_msg_destroy(&m);
    w = gv_writer_new("reply", 7, "broker", "submissions", 0, 1);
    gv_pk_kv_uint(gv_writer_pk(w), "status", 503);
    m = kit_end(w);
    outbox_clear(node_outbox(node));
    node_handle_batch(node, &m, 1);
    CHECK(outbox_size(node_outbox(node)) == 0);
    gv_msg_destroy(&m);

    /* a successful reply goes back to the sender, from the actor's address */
    r = kit_expect(node, s_submit(4), 202);
    CHECK(!strcmp(gv_msg_to(r), "edge-1.w0") && !strcmp(gv_msg_from(r), "submissions"));
    gv_msg_destroy(&r);
    node_destroy(&node);
    kit_rmrf(&dir);
}

static void test_expired_requests_are_dropped(void)
{
    char *dir = kit_tmpdir();
    node_t *node = kit_node(dir, "submissions", 0);
    CHECK(node);
    gv_writer_t *w = kit_begin_deadline("submissions.create", "submissions", 4, gv_now_ms() - 1000);
    msgpack_packer *pk = gv_writer_pk(w);
    gv_pk_kv_uint(pk, "problem_id", 1);
    gv_pk_kv_str(pk, "language", "c");
    gv_pk_kv_str(pk, "source", "x");
    gv_pk_kv_uint(pk, "user_id", 2);
    CHECK(kit_call(node, kit_end(w)) == NULL);
    CHECK(outbox_size(node_outbox(node)) == 0);
    CHECK(kit_db_entries(node, "submissions.items") == 0);

    w = kit_begin_deadline("submissions.create", "submissions", 4, gv_now_ms() + 60000);
    pk = gv_writer_pk(w);
    gv_pk_kv_uint(pk, "problem_id", 1);
    gv_pk_kv_str(pk, "language", "c");
    gv_pk_kv_str(pk, "source", "x");
    gv_pk_kv_uint(pk, "user_id", 2);
    kit_expect_ok(node, kit_end(w), 202);
    node_destroy(&node);
    kit_rmrf(&dir);
}

static void test_group_commit_of_a_batch(void)
{
    char *dir = kit_tmpdir();
    node_t *node = kit_node(dir, "submissions", 0);
    CHECK(node);
    enum { N = NODE_BATCH_MAX };
    gv_msg_t **batch = calloc(N, sizeof *batch);
    CHECK(batch);
    for (int i = 0; i < N; i++)
        batch[i] = s_submit((uint64_t)i + 1);
    CHECK(node_handle_batch(node, batch, N) == 0);
    CHECK(kit_count_sends(node, "reply") == N);
    CHECK(kit_count_sends(node, "jobs.offer") == N);
    for (int i = 0; i < N; i++) {
        gv_msg_t *r = kit_find_reply(node, gv_msg_corr(batch[i]));
        CHECK(r && gv_reply_status(r) == 202);
        char id[32], want[32];
        snprintf(want, sizeof want, "%d", i + 1);
        CHECK(!strcmp(kit_str(kit_data(r, "id"), id, sizeof id), want));
        gv_msg_destroy(&r);
        gv_msg_destroy(&batch[i]);
    }
    free(batch);
    CHECK(kit_db_entries(node, "submissions.items") == N);
    CHECK(kit_db_entries(node, "judgequeue.pending") == N);
    node_destroy(&node);
    kit_rmrf(&dir);
}

/* Replaces submission 1's record with bytes that are not a msgpack map. */
static void s_corrupt_submission(node_t *node)
{
    MDB_txn *txn;
    MDB_dbi dbi;
    CHECK(mdb_txn_begin(store_env(node_store(node)), NULL, 0, &txn) == 0);
    CHECK(mdb_dbi_open(txn, "submissions.items", 0, &dbi) == 0);
    uint8_t key[8];
    store_be64_put(key, 1);
    MDB_val k = {8, key}, v = {3, "\xc1\xc1\xc1"};
    CHECK(mdb_put(txn, dbi, &k, &v, 0) == 0);
    CHECK(mdb_txn_commit(txn) == 0);
}

static uint64_t s_job_attempt(node_t *node, uint64_t sub)
{
    MDB_txn *txn;
    MDB_dbi dbi;
    CHECK(mdb_txn_begin(store_env(node_store(node)), NULL, MDB_RDONLY, &txn) == 0);
    CHECK(mdb_dbi_open(txn, "judgequeue.jobs", 0, &dbi) == 0);
    uint8_t key[8];
    store_be64_put(key, sub);
    MDB_val k = {8, key}, v;
    CHECK(mdb_get(txn, dbi, &k, &v) == 0);
    record_t r;
    CHECK(record_parse(&r, v.mv_data, v.mv_size) == 0);
    uint64_t attempt = record_uint(&r, "attempt", 0);
    record_done(&r);
    mdb_txn_abort(txn);
    return attempt;
}

static void test_failing_handler_rolls_back_only_itself(void)
{
    char *dir = kit_tmpdir();
    node_t *node = kit_node(dir, "submissions", 0);
    CHECK(node);
    kit_expect_ok(node, s_submit(1), 202);
    s_corrupt_submission(node);

    /* progress for attempt 2 first bumps the job's attempt, then fails on the record */
    gv_writer_t *w = gv_writer_new("judge.progress", 0, "judge-1", "submissions", 0, 3);
    gv_pk_kv_uint(gv_writer_pk(w), "sub_id", 1);
    gv_pk_kv_uint(gv_writer_pk(w), "attempt", 2);
    gv_pk_kv_str(gv_writer_pk(w), "status", "compiling");
    gv_msg_t *batch[4] = {s_submit(2), kit_end(w), s_sub_get(1), s_submit(3)};
    outbox_clear(node_outbox(node));
    CHECK(node_handle_batch(node, batch, 4) == 0);

    gv_msg_t *r = kit_find_reply(node, gv_msg_corr(batch[0]));
    CHECK(r && gv_reply_status(r) == 202);
    gv_msg_destroy(&r);
    r = kit_find_reply(node, gv_msg_corr(batch[2]));
    CHECK(r && gv_reply_status(r) == 500 && gv_obj_str_eq(gv_msg_field(r, "code"), "internal"));
    gv_msg_destroy(&r);
    r = kit_find_reply(node, gv_msg_corr(batch[3]));
    CHECK(r && gv_reply_status(r) == 202);
    gv_msg_destroy(&r);
    CHECK(kit_count_events(node, "submission/1") == 0); /* its event was rolled back too */
    CHECK(kit_count_sends(node, "reply") == 3);
    for (int i = 0; i < 4; i++)
        gv_msg_destroy(&batch[i]);
    CHECK(s_job_attempt(node, 1) == 1);
    CHECK(kit_db_entries(node, "submissions.items") == 3);
    node_destroy(&node);
    kit_rmrf(&dir);
}

static gv_msg_t *s_add_test(size_t bytes)
{
    char *in = malloc(bytes);
    CHECK(in);
    for (size_t i = 0; i < bytes; i++)
        in[i] = (char)('a' + i % 26);
    gv_writer_t *w = kit_begin("problems.add_test", "problems", 4);
    gv_pk_kv_uint(gv_writer_pk(w), "id", 1);
    gv_pk_kv_bin(gv_writer_pk(w), "input", in, bytes);
    gv_pk_kv_str(gv_writer_pk(w), "output", "ok");
    gv_pk_kv_str(gv_writer_pk(w), "caller_role", "jury");
    free(in);
    return kit_end(w);
}

static void test_map_full_grows_and_retries(void)
{
    char *dir = kit_tmpdir();
    node_t *node = kit_node(dir, "problems", 256 * 1024);
    CHECK(node);
    uint64_t map0 = store_map_size(node_store(node));
    gv_writer_t *w = kit_begin("problems.create", "problems", 5);
    gv_pk_kv_str(gv_writer_pk(w), "title", "Big");
    gv_pk_kv_str(gv_writer_pk(w), "statement_md", "");
    gv_pk_kv_uint(gv_writer_pk(w), "time_limit_ms", 1000);
    gv_pk_kv_uint(gv_writer_pk(w), "memory_limit_kb", 65536);
    gv_pk_kv_str(gv_writer_pk(w), "caller_role", "jury");
    kit_expect_ok(node, kit_end(w), 201);

    /* 300 KiB does not fit a 256 KiB map: the batch is retried in a doubled map */
    gv_msg_t *r = kit_expect(node, s_add_test(300 * 1024), 201);
    CHECK(kit_uint(kit_data(r, "n")) == 1);
    gv_msg_destroy(&r);
    uint64_t map1 = store_map_size(node_store(node));
    CHECK(map1 == 2 * map0);
    CHECK(kit_db_entries(node, "problems.tests") == 1);

    /* 4 MiB does not fit even after one doubling: every request of the batch gets 503 */
    gv_writer_t *g = kit_begin("problems.get", "problems", 1);
    gv_pk_kv_uint(gv_writer_pk(g), "id", 1);
    gv_msg_t *batch[2] = {s_add_test(4u << 20), kit_end(g)};
    outbox_clear(node_outbox(node));
    CHECK(node_handle_batch(node, batch, 2) == -1);
    CHECK(outbox_size(node_outbox(node)) == 2);
    for (int i = 0; i < 2; i++) {
        r = kit_find_reply(node, gv_msg_corr(batch[i]));
        CHECK(r && gv_reply_status(r) == 503);
        CHECK(gv_obj_str_eq(gv_msg_field(r, "code"), "storage_full"));
        gv_msg_destroy(&r);
        gv_msg_destroy(&batch[i]);
    }
    CHECK(store_map_size(node_store(node)) == 2 * map1);
    CHECK(kit_db_entries(node, "problems.tests") == 1);
    CHECK(kit_count_events(node, "problem/1") == 0);

    /* the node keeps working, and survives a restart with what was committed */
    kit_expect_ok(node, s_add_test(10), 201);
    node_destroy(&node);
    node = kit_node(dir, "problems", 256 * 1024);
    CHECK(node);
    CHECK(kit_db_entries(node, "problems.tests") == 2);
    node_destroy(&node);
    kit_rmrf(&dir);
}

static void test_unknown_actor_names_are_skipped(void)
{
    char *dir = kit_tmpdir();
    node_t *node = kit_node(dir, "bogus submissions", 0);
    CHECK(node);
    kit_expect_ok(node, s_submit(1), 202);
    node_destroy(&node);
    kit_rmrf(&dir);
}

int main(void)
{
    kit_init();
    RUN(test_routing_errors);
    RUN(test_expired_requests_are_dropped);
    RUN(test_group_commit_of_a_batch);
    RUN(test_failing_handler_rolls_back_only_itself);
    RUN(test_map_full_grows_and_retries);
    RUN(test_unknown_actor_names_are_skipped);
    return 0;
}
