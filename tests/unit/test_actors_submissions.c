/*  The submissions actor and its judge queue: create → job, exactly one verdict per
 *  submission, progress, visibility, listing, restart and re-offer, the per-user rate and
 *  waiting cap, and the class and user every offer carries. */
#include "test_actors_kit.c"
#include "submissions_impl.h"
#include <unistd.h>

static gv_msg_t *s_submit(uint64_t user, uint64_t problem, uint64_t contest, const char *source)
{
    gv_writer_t *w = kit_begin("submissions.create", "submissions", contest ? 7 : 6);
    msgpack_packer *pk = gv_writer_pk(w);
    gv_pk_kv_uint(pk, "problem_id", problem);
    gv_pk_kv_str(pk, "language", "cpp");
    gv_pk_kv_str(pk, "source", source);
    gv_pk_kv_uint(pk, "user_id", user);
    if (contest) gv_pk_kv_uint(pk, "contest_id", contest);
    kit_caller(pk, user, "contestant");
    return kit_end(w);
}

static uint64_t s_new_submission(node_t *node, uint64_t user, uint64_t problem, uint64_t contest)
{
    gv_msg_t *r = kit_expect(node, s_submit(user, problem, contest, "int main(){}"), 202);
    char id[32];
    kit_str(kit_data(r, "id"), id, sizeof id);
    gv_msg_destroy(&r);
    return strtoull(id, NULL, 10);
}

static gv_msg_t *s_progress(uint64_t sub, uint32_t attempt, const char *status, uint64_t test)
{
    gv_writer_t *w = gv_writer_new("judge.progress", 0, "judge-1", "submissions", 0, test ? 4 : 3);
    msgpack_packer *pk = gv_writer_pk(w);
    gv_pk_kv_uint(pk, "sub_id", sub);
    gv_pk_kv_uint(pk, "attempt", attempt);
    gv_pk_kv_str(pk, "status", status);
    if (test) gv_pk_kv_uint(pk, "test", test);
    return kit_end(w);
}

/* "running" test `test` with the previous test's result (`last_n`, `last_verdict`). */
static gv_msg_t *s_progress_last(uint64_t sub, uint32_t attempt, uint64_t test, uint64_t last_n,
                                 const char *last_verdict)
{
    gv_writer_t *w = gv_writer_new("judge.progress", 0, "judge-1", "submissions", 0, 5);
    msgpack_packer *pk = gv_writer_pk(w);
    gv_pk_kv_uint(pk, "sub_id", sub);
    gv_pk_kv_uint(pk, "attempt", attempt);
    gv_pk_kv_str(pk, "status", "running");
    gv_pk_kv_uint(pk, "test", test);
    gv_pk_key(pk, "last");
    msgpack_pack_map(pk, 4);
    gv_pk_kv_uint(pk, "n", last_n);
    gv_pk_kv_str(pk, "verdict", last_verdict);
    gv_pk_kv_uint(pk, "time_ms", 10 * last_n);
    gv_pk_kv_uint(pk, "memory_kb", 1000 + last_n);
    return kit_end(w);
}

static gv_msg_t *s_result(uint64_t sub, uint32_t attempt, const char *verdict)
{
    gv_writer_t *w = gv_writer_new("judge.result", 0, "judge-1", "submissions", 0, 7);
    msgpack_packer *pk = gv_writer_pk(w);
    gv_pk_kv_uint(pk, "sub_id", sub);
    gv_pk_kv_uint(pk, "attempt", attempt);
    gv_pk_kv_str(pk, "verdict", verdict);
    gv_pk_kv_uint(pk, "time_ms", 120);
    gv_pk_kv_uint(pk, "memory_kb", 2048);
    gv_pk_kv_str(pk, "compile_output", "warning: unused");
    gv_pk_key(pk, "tests");
    msgpack_pack_array(pk, 2);
    for (int i = 1; i <= 2; i++) {
        msgpack_pack_map(pk, 4);
        gv_pk_kv_uint(pk, "n", (uint64_t)i);
        gv_pk_kv_str(pk, "verdict", i == 1 ? "AC" : verdict);
        gv_pk_kv_uint(pk, "time_ms", 60);
        gv_pk_kv_uint(pk, "memory_kb", 1024);
    }
    return kit_end(w);
}

/* Runs a notification (no reply expected) as its own batch. */
static void s_notify(node_t *node, gv_msg_t *msg)
{
    CHECK(kit_call(node, msg) == NULL);
}

static gv_msg_t *s_get(uint64_t id, uint64_t caller, const char *role)
{
    gv_writer_t *w = kit_begin("submissions.get", "submissions", 3);
    gv_pk_kv_uint(gv_writer_pk(w), "id", id);
    kit_caller(gv_writer_pk(w), caller, role);
    return kit_end(w);
}

/* status and verdict of a submission as jury sees it */
static void s_expect_state(node_t *node, uint64_t id, const char *status, const char *verdict)
{
    gv_msg_t *r = kit_expect(node, s_get(id, 1, "jury"), 200);
    char got[32];
    if (!kit_str_is(kit_data(r, "status"), status))
        fprintf(stderr, "status is %s, expected %s\n",
                kit_str(kit_data(r, "status"), got, sizeof got), status);
    CHECK(kit_str_is(kit_data(r, "status"), status));
    if (verdict)
        CHECK(kit_str_is(kit_data(r, "verdict"), verdict));
    else
        CHECK(kit_data(r, "verdict") == NULL);
    gv_msg_destroy(&r);
}

static void test_create_commits_record_and_pending_job(void)
{
    char *dir = kit_tmpdir();
    node_t *node = kit_node(dir, "submissions", 0);
    CHECK(node);
    gv_msg_t *r = kit_expect(node, s_submit(5, 3, 0, "int main(){return 0;}"), 202);
    CHECK(kit_str_is(kit_data(r, "id"), "1"));
    CHECK(kit_str_is(kit_data(r, "status"), "queued"));
    gv_msg_destroy(&r);

    /* the offer to the broker and the queued event were queued with the reply */
    CHECK(kit_count_sends(node, "jobs.offer") == 1);
    gv_msg_t *offer = kit_nth_send(node, "jobs.offer", 0);
    CHECK(!strcmp(gv_msg_to(offer), "broker") && !strcmp(gv_msg_from(offer), "submissions"));
    CHECK(gv_msg_uint(offer, "sub_id", 0) == 1 && gv_msg_uint(offer, "attempt", 0) == 1);
    CHECK(gv_msg_uint(offer, "problem_id", 0) == 3);
    CHECK(!strcmp(gv_msg_str(offer, "language"), "cpp"));
    CHECK(!strcmp(gv_msg_str(offer, "source"), "int main(){return 0;}"));
    gv_msg_destroy(&offer);
    gv_msg_t *ev = kit_last_event(node, "submission/1");
    CHECK(ev && !strcmp(gv_msg_type(ev), "event"));
    CHECK(gv_obj_str_eq(gv_msg_field(ev, "kind"), "submission"));
    CHECK(kit_str_is(gv_obj_get(gv_msg_field(ev, "data"), "status"), "queued"));
    gv_msg_destroy(&ev);

    CHECK(kit_db_entries(node, "submissions.items") == 1);
    CHECK(kit_db_entries(node, "judgequeue.jobs") == 1);
    CHECK(kit_db_entries(node, "judgequeue.pending") == 1);

    r = kit_expect(node, s_get(1, 5, "contestant"), 200);
    const msgpack_object *d = kit_data(r, NULL);
    CHECK(d->via.map.size == 17 && kit_uint(kit_data(r, "attempt")) == 1 &&
          kit_uint(kit_data(r, "event_id")) == (1ull << 32) && kit_data(r, "history")->via.array.size == 0);
    CHECK(kit_str_is(kit_data(r, "problem_id"), "3") && kit_str_is(kit_data(r, "user_id"), "5"));
    CHECK(kit_data(r, "contest_id") == NULL && kit_data(r, "score") == NULL);
    CHECK(kit_data(r, "time_ms") == NULL && kit_data(r, "memory_kb") == NULL);
    CHECK(kit_str_is(kit_data(r, "source"), "int main(){return 0;}"));
    CHECK(kit_str_is(kit_data(r, "compile_output"), ""));
    CHECK(kit_data(r, "tests")->via.array.size == 0);
    char at[40];
    kit_str(kit_data(r, "submitted_at"), at, sizeof at);
    CHECK(strlen(at) == 24 && at[10] == 'T' && at[23] == 'Z');
    gv_msg_destroy(&r);

    kit_expect_error(node, s_submit(5, 3, 0, ""), 400, "invalid_field", "`source`");
    gv_writer_t *w = kit_begin("submissions.create", "submissions", 6);
    gv_pk_kv_uint(gv_writer_pk(w), "problem_id", 3);
    gv_pk_kv_str(gv_writer_pk(w), "language", "cpp");
    gv_pk_kv_str(gv_writer_pk(w), "source", "x");
    gv_pk_kv_uint(gv_writer_pk(w), "user_id", 6);
    kit_caller(gv_writer_pk(w), 5, "contestant");
    kit_expect_error(node, kit_end(w), 403, "forbidden", NULL);
    CHECK(kit_db_entries(node, "submissions.items") == 1);
    node_destroy(&node);
    kit_rmrf(&dir);
}

static void test_result_applied_exactly_once(void)
{
    char *dir = kit_tmpdir();
    node_t *node = kit_node(dir, "submissions", 0);
    CHECK(node);
    uint64_t id = s_new_submission(node, 5, 1, 0);

    s_notify(node, s_progress(id, 1, "compiling", 0));
    CHECK(kit_count_events(node, "submission/1") == 1);
    s_expect_state(node, id, "compiling", NULL);
    s_notify(node, s_progress(id, 1, "running", 2));
    gv_msg_t *ev = kit_last_event(node, "submission/1");
    CHECK(kit_uint(gv_obj_get(gv_msg_field(ev, "data"), "test")) == 2);
    CHECK(kit_str_is(gv_obj_get(gv_msg_field(ev, "data"), "status"), "running"));
    gv_msg_destroy(&ev);

    s_notify(node, s_result(id, 1, "WA"));
    ev = kit_last_event(node, "submission/1");
    CHECK(ev && kit_str_is(gv_obj_get(gv_msg_field(ev, "data"), "verdict"), "WA"));
    CHECK(kit_str_is(gv_obj_get(gv_msg_field(ev, "data"), "status"), "done"));
    gv_msg_destroy(&ev);
    CHECK(kit_db_entries(node, "judgequeue.pending") == 0);

    gv_msg_t *r = kit_expect(node, s_get(id, 5, "contestant"), 200);
    CHECK(kit_str_is(kit_data(r, "verdict"), "WA") && kit_str_is(kit_data(r, "status"), "done"));
    CHECK(kit_uint(kit_data(r, "time_ms")) == 120 && kit_uint(kit_data(r, "memory_kb")) == 2048);
    CHECK(kit_str_is(kit_data(r, "compile_output"), "warning: unused"));
    const msgpack_object *tests = kit_data(r, "tests");
    CHECK(tests->via.array.size == 2);
    CHECK(kit_str_is(gv_obj_get(&tests->via.array.ptr[1], "verdict"), "WA"));
    CHECK(tests->via.array.ptr[1].via.map.size == 4);
    gv_msg_destroy(&r);

    /* the same result again, a different one for the same attempt, a newer attempt, an older
     * attempt, late progress: all ignored, nothing published */
    s_notify(node, s_result(id, 1, "WA"));
    CHECK(kit_count_events(node, "submission/1") == 0);
    s_notify(node, s_result(id, 1, "AC"));
    CHECK(kit_count_events(node, "submission/1") == 0);
    s_notify(node, s_result(id, 2, "AC"));
    CHECK(kit_count_events(node, "submission/1") == 0);
    s_notify(node, s_result(id, 0, "AC"));
    s_notify(node, s_progress(id, 1, "running", 1));
    s_notify(node, s_progress(id, 3, "compiling", 0));
    CHECK(kit_count_events(node, "submission/1") == 0);
    s_expect_state(node, id, "done", "WA");

    /* unknown submission: ignored quietly */
    s_notify(node, s_result(999, 1, "AC"));
    CHECK(outbox_size(node_outbox(node)) == 0);
    node_destroy(&node);
    kit_rmrf(&dir);
}

/* The tests table fills while the judge runs: each "running n" carries test n-1's result. */
static size_t s_tests_now(node_t *node, uint64_t id, uint64_t *last_n, uint64_t *last_time)
{
    gv_msg_t *r = kit_expect(node, s_get(id, 1, "jury"), 200);
    const msgpack_object *t = kit_data(r, "tests");
    size_t n = t ? t->via.array.size : 0;
    *last_n = n ? kit_uint(gv_obj_get(&t->via.array.ptr[n - 1], "n")) : 0;
    *last_time = n ? kit_uint(gv_obj_get(&t->via.array.ptr[n - 1], "time_ms")) : 0;
    gv_msg_destroy(&r);
    return n;
}

static void test_per_test_results_arrive_while_running(void)
{
    char *dir = kit_tmpdir();
    node_t *node = kit_node(dir, "submissions", 0);
    CHECK(node);
    uint64_t id = s_new_submission(node, 5, 1, 0), last = 0, ms = 0;
    s_notify(node, s_progress(id, 1, "compiling", 0));
    s_notify(node, s_progress(id, 1, "running", 1));
    CHECK(s_tests_now(node, id, &last, &ms) == 0);
    s_notify(node, s_progress_last(id, 1, 2, 1, "AC"));
    CHECK(s_tests_now(node, id, &last, &ms) == 1 && last == 1 && ms == 10);
    s_notify(node, s_progress_last(id, 1, 2, 1, "AC")); /* repeated: nothing added */
    CHECK(s_tests_now(node, id, &last, &ms) == 1);
    s_notify(node, s_progress_last(id, 1, 4, 3, "AC")); /* test 2's report was lost: a gap */
    CHECK(s_tests_now(node, id, &last, &ms) == 2 && last == 3);
    s_notify(node, s_progress_last(id, 1, 3, 2, "AC")); /* late and out of order: ignored */
    CHECK(s_tests_now(node, id, &last, &ms) == 2 && last == 3);
    /* the run starts again (another judge): the earlier results go */
    s_notify(node, s_progress(id, 1, "compiling", 0));
    CHECK(s_tests_now(node, id, &last, &ms) == 0);
    /* the verdict's list replaces the partial one */
    s_notify(node, s_progress_last(id, 1, 2, 1, "AC"));
    s_notify(node, s_result(id, 1, "WA"));
    CHECK(s_tests_now(node, id, &last, &ms) == 2);
    node_destroy(&node);
    kit_rmrf(&dir);
}

static void test_duplicate_results_in_one_batch(void)
{
    char *dir = kit_tmpdir();
    node_t *node = kit_node(dir, "submissions", 0);
    CHECK(node);
    uint64_t id = s_new_submission(node, 5, 1, 0);
    gv_msg_t *batch[3] = {s_result(id, 1, "TLE"), s_result(id, 1, "AC"), s_result(id, 1, "TLE")};
    outbox_clear(node_outbox(node));
    CHECK(node_handle_batch(node, batch, 3) == 0);
    for (int i = 0; i < 3; i++)
        gv_msg_destroy(&batch[i]);
    CHECK(kit_count_events(node, "submission/1") == 1);
    s_expect_state(node, id, "done", "TLE");
    node_destroy(&node);
    kit_rmrf(&dir);
}

static void test_newer_attempt_owns_the_job(void)
{
    char *dir = kit_tmpdir();
    node_t *node = kit_node(dir, "submissions", 0);
    CHECK(node);
    uint64_t a = s_new_submission(node, 5, 1, 0), b = s_new_submission(node, 5, 1, 0);

    /* a: the broker re-queued the job as attempt 2; the lost judge's attempt 1 comes late */
    s_notify(node, s_progress(a, 2, "running", 1));
    s_notify(node, s_result(a, 1, "AC"));
    CHECK(kit_count_events(node, "submission/1") == 0);
    s_expect_state(node, a, "running", NULL);
    s_notify(node, s_result(a, 2, "RTE"));
    s_expect_state(node, a, "done", "RTE");

    /* b: attempt 1 reports first, so its verdict stands and attempt 2 is the duplicate */
    s_notify(node, s_result(b, 1, "AC"));
    s_notify(node, s_result(b, 2, "WA"));
    s_expect_state(node, b, "done", "AC");

    /* a verdict the judge made up is recorded as JE */
    uint64_t c = s_new_submission(node, 5, 1, 0);
    s_notify(node, s_result(c, 1, "XX"));
    s_expect_state(node, c, "done", "JE");
    node_destroy(&node);
    kit_rmrf(&dir);
}

static void test_visibility_and_listing(void)
{
    char *dir = kit_tmpdir();
    node_t *node = kit_node(dir, "submissions", 0);
    CHECK(node);
    /* users 5 and 6; problems 1 and 2; contest 9 for some */
    uint64_t plan[][3] = {{5, 1, 0}, {6, 1, 9}, {5, 2, 9}, {6, 2, 0}, {5, 1, 9}, {5, 2, 0}};
    for (size_t i = 0; i < 6; i++)
        CHECK(s_new_submission(node, plan[i][0], plan[i][1], plan[i][2]) == i + 1);

    kit_expect_error(node, s_get(2, 5, "contestant"), 404, "not_found", NULL);
    kit_expect_ok(node, s_get(2, 6, "contestant"), 200);
    kit_expect_ok(node, s_get(2, 1, "jury"), 200);
    kit_expect_ok(node, s_get(2, 1, "admin"), 200);
    kit_expect_error(node, s_get(77, 1, "admin"), 404, "not_found", NULL);

    struct {
        uint64_t problem, contest, user, page, per;
        const char *role;
        uint64_t caller, total;
        uint64_t ids[6];
    } cases[] = {
        {0, 0, 0, 0, 0, "jury", 1, 6, {6, 5, 4, 3, 2, 1}},
        {0, 0, 0, 0, 0, "contestant", 5, 4, {6, 5, 3, 1}},
        {0, 0, 6, 0, 0, "contestant", 5, 0, {0}}, /* someone else's: nothing */
        {0, 0, 6, 0, 0, "admin", 1, 2, {4, 2}},
        {1, 0, 0, 0, 0, "jury", 1, 3, {5, 2, 1}},
        {0, 9, 0, 0, 0, "jury", 1, 3, {5, 3, 2}},
        {2, 9, 0, 0, 0, "jury", 1, 1, {3}},
        {1, 0, 0, 0, 0, "contestant", 5, 2, {5, 1}},
        {0, 0, 0, 2, 4, "jury", 1, 6, {2, 1}},
        {0, 0, 5, 2, 1, "jury", 1, 4, {5}},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        gv_writer_t *w = kit_begin("submissions.list", "submissions",
                                   2 + !!cases[c].problem + !!cases[c].contest + !!cases[c].user +
                                       !!cases[c].page + !!cases[c].per);
        msgpack_packer *pk = gv_writer_pk(w);
        if (cases[c].problem) gv_pk_kv_uint(pk, "problem_id", cases[c].problem);
        if (cases[c].contest) gv_pk_kv_uint(pk, "contest_id", cases[c].contest);
        if (cases[c].user) gv_pk_kv_uint(pk, "user_id", cases[c].user);
        if (cases[c].page) gv_pk_kv_uint(pk, "page", cases[c].page);
        if (cases[c].per) gv_pk_kv_uint(pk, "per_page", cases[c].per);
        kit_caller(pk, cases[c].caller, cases[c].role);
        gv_msg_t *r = kit_expect(node, kit_end(w), 200);
        if (kit_uint(kit_data(r, "total")) != cases[c].total)
            fprintf(stderr, "case %zu: total %" PRIu64 "\n", c, kit_uint(kit_data(r, "total")));
        CHECK(kit_uint(kit_data(r, "total")) == cases[c].total);
        const msgpack_object *items = kit_data(r, "items");
        for (uint32_t i = 0; i < items->via.array.size; i++) {
            char id[32];
            kit_str(gv_obj_get(&items->via.array.ptr[i], "id"), id, sizeof id);
            CHECK(strtoull(id, NULL, 10) == cases[c].ids[i]);
            CHECK(items->via.array.ptr[i].via.map.size == 11); /* no tests/compile_output/source */
            CHECK(!gv_obj_get(&items->via.array.ptr[i], "source"));
        }
        CHECK(items->via.array.size == 6 || cases[c].ids[items->via.array.size] == 0);
        gv_msg_destroy(&r);
    }
    node_destroy(&node);
    kit_rmrf(&dir);
}

static void test_restart_keeps_jobs_and_reoffers(void)
{
    char *dir = kit_tmpdir();
    node_t *node = kit_node(dir, "submissions", 0);
    CHECK(node);
    for (int i = 0; i < 4; i++)
        s_new_submission(node, 5, 1, 0);
    s_notify(node, s_result(2, 1, "AC"));
    s_notify(node, s_progress(3, 2, "compiling", 0)); /* job 3 is at attempt 2 now */
    node_destroy(&node);

    node = kit_node(dir, "submissions", 0);
    CHECK(node);
    s_expect_state(node, 2, "done", "AC");
    s_expect_state(node, 4, "queued", NULL);
    CHECK(kit_db_entries(node, "judgequeue.pending") == 3);

    /* the broker link came (back) up: every unfinished job is offered at its current attempt */
    outbox_clear(node_outbox(node));
    node_request_reintroduce(node);
    CHECK(node_handle_batch(node, NULL, 0) == 0);
    CHECK(kit_count_sends(node, "jobs.offer") == 3);
    uint64_t want[3][2] = {{1, 1}, {3, 2}, {4, 1}};
    for (size_t i = 0; i < 3; i++) {
        gv_msg_t *o = kit_nth_send(node, "jobs.offer", i);
        CHECK(gv_msg_uint(o, "sub_id", 0) == want[i][0]);
        CHECK(gv_msg_uint(o, "attempt", 0) == want[i][1]);
        CHECK(!strcmp(gv_msg_str(o, "source"), "int main(){}"));
        gv_msg_destroy(&o);
    }
    /* only once per request */
    outbox_clear(node_outbox(node));
    CHECK(node_handle_batch(node, NULL, 0) == 0);
    CHECK(outbox_size(node_outbox(node)) == 0);
    /* the periodic sweep is not due yet (reoffer_interval_ms has not passed) */
    node_force_ticks(node);
    CHECK(node_handle_batch(node, NULL, 0) == 0);
    CHECK(kit_count_sends(node, "jobs.offer") == 0);
    CHECK(node_ms_until_tick(node) > 0);
    node_destroy(&node);
    kit_rmrf(&dir);
}

static node_t *s_node_with_interval(const char *dir, uint32_t reoffer_ms)
{
    const char *list[] = {"submissions"};
    node_opts_t opts = {.data_dir = dir, .name = "actors-1", .actors = list, .n_actors = 1,
                        .map_size = 64u << 20, .reoffer_interval_ms = reoffer_ms};
    return node_new(&opts);
}

static size_t s_offers_after_tick(node_t *node)
{
    outbox_clear(node_outbox(node));
    node_force_ticks(node);
    CHECK(node_handle_batch(node, NULL, 0) == 0);
    return kit_count_sends(node, "jobs.offer");
}

static void test_reoffers_are_paced_in_slices(void)
{
    char *dir = kit_tmpdir();
    node_t *node = s_node_with_interval(dir, 1000);
    CHECK(node);
    const size_t total = 2 * REOFFER_SLICE + 40;
    for (size_t i = 0; i < total; i++)
        s_new_submission(node, 100 + i, 1, 0); /* one user each: below the per-user limits */
    outbox_clear(node_outbox(node));
    node_request_reintroduce(node);
    CHECK(node_handle_batch(node, NULL, 0) == 0);
    CHECK(kit_count_sends(node, "jobs.offer") == REOFFER_SLICE); /* never all at once */
    CHECK(s_offers_after_tick(node) == REOFFER_SLICE);
    CHECK(s_offers_after_tick(node) == 40);
    CHECK(s_offers_after_tick(node) == 0); /* sweep finished */
    /* after reoffer_interval_ms the safety-net sweep starts again from the first job */
    usleep(1100 * 1000);
    CHECK(s_offers_after_tick(node) == REOFFER_SLICE);
    gv_msg_t *o = kit_nth_send(node, "jobs.offer", 0);
    CHECK(o && gv_msg_uint(o, "sub_id", 0) == 1);
    gv_msg_destroy(&o);
    node_destroy(&node);
    kit_rmrf(&dir);
}

static gv_msg_t *s_rejudge_ids(const uint64_t *ids, size_t n, const char *role)
{
    gv_writer_t *w = kit_begin("submissions.rejudge", "submissions", 3);
    msgpack_packer *pk = gv_writer_pk(w);
    gv_pk_key(pk, "submission_ids");
    msgpack_pack_array(pk, (uint32_t)n);
    for (size_t i = 0; i < n; i++)
        msgpack_pack_uint64(pk, ids[i]);
    kit_caller(pk, 1, role);
    return kit_end(w);
}

static gv_msg_t *s_rejudge_problem(uint64_t problem)
{
    gv_writer_t *w = kit_begin("submissions.rejudge", "submissions", 3);
    gv_pk_kv_uint(gv_writer_pk(w), "problem_id", problem);
    kit_caller(gv_writer_pk(w), 1, "admin");
    return kit_end(w);
}

static void test_rejudge_is_a_new_attempt_and_keeps_history(void)
{
    char *dir = kit_tmpdir();
    node_t *node = s_node_with_interval(dir, 600000);
    CHECK(node);
    uint64_t id = s_new_submission(node, 5, 1, 0);
    s_notify(node, s_result(id, 1, "WA"));
    kit_expect_error(node, s_rejudge_ids(&id, 1, "jury"), 403, "forbidden", "admin");

    gv_msg_t *r = kit_expect(node, s_rejudge_ids(&id, 1, "admin"), 202);
    CHECK(kit_uint(kit_data(r, "count")) == 1);
    gv_msg_destroy(&r);
    gv_msg_t *offer = kit_nth_send(node, "jobs.offer", 0);
    CHECK(offer && gv_msg_uint(offer, "attempt", 0) == 2 && gv_msg_uint(offer, "sub_id", 0) == id);
    gv_msg_destroy(&offer);
    CHECK(kit_db_entries(node, "judgequeue.pending") == 1);
    s_expect_state(node, id, "queued", NULL);

    /* the old attempt reporting late never overwrites the new one */
    s_notify(node, s_result(id, 1, "TLE"));
    CHECK(kit_count_events(node, "submission/1") == 0);
    s_expect_state(node, id, "queued", NULL);
    s_notify(node, s_result(id, 2, "AC"));
    s_expect_state(node, id, "done", "AC");

    r = kit_expect(node, s_get(id, 5, "contestant"), 200);
    CHECK(kit_uint(kit_data(r, "attempt")) == 2);
    const msgpack_object *h = kit_data(r, "history");
    CHECK(h && h->type == MSGPACK_OBJECT_ARRAY && h->via.array.size == 1);
    const msgpack_object *e = &h->via.array.ptr[0];
    CHECK(kit_uint(gv_obj_get(e, "attempt")) == 1 && kit_str_is(gv_obj_get(e, "verdict"), "WA"));
    CHECK(kit_uint(gv_obj_get(e, "time_ms")) == 120);
    CHECK(gv_obj_get(e, "tests")->via.array.size == 2);
    CHECK(gv_obj_get(e, "judged_at")->type == MSGPACK_OBJECT_STR);
    gv_msg_destroy(&r);

    /* a second rejudge adds the AC; unknown ids and repeats are not counted */
    uint64_t ids[] = {id, 999, id};
    r = kit_expect(node, s_rejudge_ids(ids, 3, "admin"), 202);
    CHECK(kit_uint(kit_data(r, "count")) == 1);
    gv_msg_destroy(&r);
    s_notify(node, s_result(id, 3, "WA"));
    r = kit_expect(node, s_get(id, 1, "jury"), 200);
    h = kit_data(r, "history");
    CHECK(h->via.array.size == 2 && kit_str_is(gv_obj_get(&h->via.array.ptr[1], "verdict"), "AC"));
    CHECK(kit_uint(kit_data(r, "attempt")) == 3 && kit_str_is(kit_data(r, "verdict"), "WA"));
    gv_msg_destroy(&r);
    node_destroy(&node);
    kit_rmrf(&dir);
}

static void test_rejudge_of_a_problem_proceeds_in_slices(void)
{
    char *dir = kit_tmpdir();
    node_t *node = s_node_with_interval(dir, 600000);
    CHECK(node);
    const size_t total = 2 * REJUDGE_SLICE + 10;
    for (size_t i = 0; i < total; i++) {
        uint64_t id = s_new_submission(node, 1000 + i, 7, 0); /* one user each: below the */
        s_notify(node, s_result(id, 1, "WA"));                 /* per-user limits */
        s_new_submission(node, 2000 + i, 8, 0); /* another problem: not rejudged */
    }
    node_manual_ticks(node, true); /* only the forced ticks below may offer */
    outbox_clear(node_outbox(node));
    gv_msg_t *r = kit_expect(node, s_rejudge_problem(7), 202);
    CHECK(kit_uint(kit_data(r, "count")) == total);
    gv_msg_destroy(&r);
    CHECK(kit_count_sends(node, "jobs.offer") == 0); /* the request itself only counts */
    CHECK(s_offers_after_tick(node) == REJUDGE_SLICE);
    CHECK(s_offers_after_tick(node) == REJUDGE_SLICE);
    /* a submission made now is after the task's bound and is not swept in */
    uint64_t late = s_new_submission(node, 9999, 7, 0);
    CHECK(s_offers_after_tick(node) == 10);
    CHECK(s_offers_after_tick(node) == 0);
    CHECK(kit_db_entries(node, "submissions.rejudges") == 0);
    s_expect_state(node, 1, "queued", NULL);
    r = kit_expect(node, s_get(late, 1, "jury"), 200);
    CHECK(kit_uint(kit_data(r, "attempt")) == 1);
    gv_msg_destroy(&r);
    kit_expect_error(node, s_rejudge_problem(0), 400, "invalid_field", "problem_id");
    node_destroy(&node);
    kit_rmrf(&dir);
}

/* A node whose cluster.toml sets the per-user limits (the rest of cfg is zero: no languages). */
static node_t *s_node_with_limits(const char *dir, gv_config_t *cfg, uint32_t per_minute,
                                  uint32_t max_queued)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->user_submissions_per_minute = per_minute;
    cfg->max_queued_per_user = max_queued;
    const char *list[] = {"submissions"};
    node_opts_t opts = {.data_dir = dir, .name = "actors-1", .actors = list, .n_actors = 1,
                        .map_size = 64u << 20, .cfg = cfg};
    return node_new(&opts);
}

static gv_msg_t *s_submit_as(uint64_t user, const char *role, uint64_t contest)
{
    gv_writer_t *w = kit_begin("submissions.create", "submissions", contest ? 7 : 6);
    msgpack_packer *pk = gv_writer_pk(w);
    gv_pk_kv_uint(pk, "problem_id", 1);
    gv_pk_kv_str(pk, "language", "cpp");
    gv_pk_kv_str(pk, "source", "int main(){}");
    gv_pk_kv_uint(pk, "user_id", user);
    if (contest) gv_pk_kv_uint(pk, "contest_id", contest);
    kit_caller(pk, user, role);
    return kit_end(w);
}

static void test_a_practice_flood_is_rate_limited_per_user(void)
{
    char *dir = kit_tmpdir();
    gv_config_t cfg;
    node_t *node = s_node_with_limits(dir, &cfg, 3, 100);
    CHECK(node);
    for (int i = 0; i < 3; i++)
        s_new_submission(node, 5, 1, 0);
    gv_msg_t *r = kit_expect(node, s_submit(5, 1, 0, "again"), 429);
    CHECK(gv_obj_str_eq(gv_msg_field(r, "code"), "rate_limited"));
    const char *m = gv_msg_str(r, "message");
    CHECK(m && strstr(m, "at most 3 a minute") && strstr(m, "try again in"));
    uint64_t retry = kit_uint(kit_data(r, "retry_after_s"));
    CHECK(retry >= 1 && retry <= 60);
    gv_msg_destroy(&r);
    /* the same budget covers contest submissions */
    kit_expect_error(node, s_submit(5, 1, 42, "in a contest"), 429, "rate_limited", NULL);
    CHECK(kit_db_entries(node, "submissions.items") == 3); /* refused ones leave nothing */
    /* other users have their own budget; jury and admin are exempt */
    s_new_submission(node, 6, 1, 0);
    for (int i = 0; i < 5; i++) {
        kit_expect_ok(node, s_submit_as(1, "jury", 0), 202);
        kit_expect_ok(node, s_submit_as(2, "admin", 0), 202);
    }
    /* counted from the stored submissions: a restart does not reset it */
    node_destroy(&node);
    node = s_node_with_limits(dir, &cfg, 3, 100);
    CHECK(node);
    kit_expect_error(node, s_submit(5, 1, 0, "after restart"), 429, "rate_limited", NULL);
    node_destroy(&node);
    kit_rmrf(&dir);
}

static void test_submissions_waiting_for_a_verdict_are_capped_per_user(void)
{
    char *dir = kit_tmpdir();
    gv_config_t cfg;
    node_t *node = s_node_with_limits(dir, &cfg, 100, 2);
    CHECK(node);
    uint64_t a = s_new_submission(node, 5, 1, 0), b = s_new_submission(node, 5, 1, 0);
    gv_msg_t *r = kit_expect(node, s_submit(5, 1, 0, "third"), 429);
    CHECK(gv_obj_str_eq(gv_msg_field(r, "code"), "too_many_queued"));
    const char *m = gv_msg_str(r, "message");
    CHECK(m && strstr(m, "you have 2 submissions waiting") && strstr(m, "wait for a verdict"));
    CHECK(kit_uint(kit_data(r, "retry_after_s")) >= 1);
    gv_msg_destroy(&r);
    s_new_submission(node, 6, 1, 0); /* another user is not held up */
    /* running still counts as waiting */
    s_notify(node, s_progress(a, 1, "running", 1));
    kit_expect_error(node, s_submit(5, 1, 0, "third"), 429, "too_many_queued", NULL);
    /* a verdict frees a place */
    s_notify(node, s_result(a, 1, "AC"));
    uint64_t c = s_new_submission(node, 5, 1, 0);
    kit_expect_error(node, s_submit(5, 1, 0, "fourth"), 429, "too_many_queued", NULL);
    s_notify(node, s_result(b, 1, "WA"));
    s_notify(node, s_result(c, 1, "WA"));
    /* rejudges are the jury's doing: they do not count against the user */
    uint64_t ids[] = {a, b, c};
    kit_expect_ok(node, s_rejudge_ids(ids, 3, "admin"), 202);
    s_new_submission(node, 5, 1, 0);
    uint64_t e = s_new_submission(node, 5, 1, 0);
    kit_expect_error(node, s_submit(5, 1, 0, "over"), 429, "too_many_queued", NULL);
    /* the cap comes from the queue's index in LMDB: it holds across a restart */
    node_destroy(&node);
    node = s_node_with_limits(dir, &cfg, 100, 2);
    CHECK(node);
    kit_expect_error(node, s_submit(5, 1, 0, "over"), 429, "too_many_queued", NULL);
    s_notify(node, s_result(e, 1, "AC"));
    s_new_submission(node, 5, 1, 0);
    node_destroy(&node);
    kit_rmrf(&dir);
}

/* The class of the n-th offer in the outbox. */
static bool s_offer_is(node_t *node, size_t n, uint64_t sub, const char *klass, uint64_t user)
{
    gv_msg_t *o = kit_nth_send(node, "jobs.offer", n);
    bool ok = o && gv_msg_uint(o, "sub_id", 0) == sub && gv_msg_str(o, "class") &&
              strcmp(gv_msg_str(o, "class"), klass) == 0 && gv_msg_uint(o, "user_id", 0) == user;
    if (!ok)
        fprintf(stderr, "offer %zu: sub_id=%llu class=%s user_id=%llu, want %llu %s %llu\n", n,
                o ? (unsigned long long)gv_msg_uint(o, "sub_id", 0) : 0ull,
                o && gv_msg_str(o, "class") ? gv_msg_str(o, "class") : "-",
                o ? (unsigned long long)gv_msg_uint(o, "user_id", 0) : 0ull,
                (unsigned long long)sub, klass, (unsigned long long)user);
    gv_msg_destroy(&o);
    return ok;
}

static void test_offers_carry_the_class_and_user_the_broker_orders_by(void)
{
    char *dir = kit_tmpdir();
    node_t *node = kit_node(dir, "submissions", 0);
    CHECK(node);
    outbox_clear(node_outbox(node));
    uint64_t p = s_new_submission(node, 5, 1, 0);
    CHECK(s_offer_is(node, 0, p, "practice", 5));
    outbox_clear(node_outbox(node));
    uint64_t c = s_new_submission(node, 6, 1, 42);
    CHECK(s_offer_is(node, 0, c, "contest", 6));
    s_notify(node, s_result(c, 1, "WA"));
    uint64_t ids[] = {c};
    outbox_clear(node_outbox(node));
    kit_expect_ok(node, s_rejudge_ids(ids, 1, "admin"), 202);
    CHECK(s_offer_is(node, 0, c, "rejudge", 6));
    /* re-offers after a restart derive the same classes from the records */
    node_destroy(&node);
    node = kit_node(dir, "submissions", 0);
    CHECK(node);
    outbox_clear(node_outbox(node));
    node_request_reintroduce(node);
    CHECK(node_handle_batch(node, NULL, 0) == 0);
    CHECK(kit_count_sends(node, "jobs.offer") == 2);
    CHECK(s_offer_is(node, 0, p, "practice", 5));
    CHECK(s_offer_is(node, 1, c, "rejudge", 6));
    node_destroy(&node);
    kit_rmrf(&dir);
}

static void test_reoffers_come_in_queue_order_after_a_restart(void)
{
    char *dir = kit_tmpdir();
    node_t *node = kit_node(dir, "submissions", 0);
    CHECK(node);
    uint64_t judged = s_new_submission(node, 7, 1, 0);
    s_notify(node, s_result(judged, 1, "WA"));
    uint64_t p1 = s_new_submission(node, 5, 1, 0), p2 = s_new_submission(node, 5, 1, 0);
    uint64_t c = s_new_submission(node, 6, 1, 42); /* a contest one, after the practice ones */
    uint64_t p3 = s_new_submission(node, 8, 1, 0);
    uint64_t ids[] = {judged};
    kit_expect_ok(node, s_rejudge_ids(ids, 1, "admin"), 202);
    node_destroy(&node);

    /* a broker that comes back gets the contest job first, then practice, then the rejudge:
     * the sweep walks the queue's LMDB index, which is ordered by (class, sub_id) */
    node = kit_node(dir, "submissions", 0);
    CHECK(node);
    outbox_clear(node_outbox(node));
    node_request_reintroduce(node);
    CHECK(node_handle_batch(node, NULL, 0) == 0);
    CHECK(kit_count_sends(node, "jobs.offer") == 5);
    CHECK(s_offer_is(node, 0, c, "contest", 6));
    CHECK(s_offer_is(node, 1, p1, "practice", 5));
    CHECK(s_offer_is(node, 2, p2, "practice", 5));
    CHECK(s_offer_is(node, 3, p3, "practice", 8));
    CHECK(s_offer_is(node, 4, judged, "rejudge", 7));
    /* a verdict takes a job out of the index whatever its class */
    s_notify(node, s_result(c, 1, "AC"));
    s_notify(node, s_result(judged, 2, "AC"));
    CHECK(kit_db_entries(node, "judgequeue.pending") == 3);
    node_destroy(&node);
    kit_rmrf(&dir);
}

int main(void)
{
    kit_init();
    RUN(test_create_commits_record_and_pending_job);
    RUN(test_result_applied_exactly_once);
    RUN(test_per_test_results_arrive_while_running);
    RUN(test_duplicate_results_in_one_batch);
    RUN(test_newer_attempt_owns_the_job);
    RUN(test_visibility_and_listing);
    RUN(test_restart_keeps_jobs_and_reoffers);
    RUN(test_reoffers_are_paced_in_slices);
    RUN(test_rejudge_is_a_new_attempt_and_keeps_history);
    RUN(test_rejudge_of_a_problem_proceeds_in_slices);
    RUN(test_a_practice_flood_is_rate_limited_per_user);
    RUN(test_submissions_waiting_for_a_verdict_are_capped_per_user);
    RUN(test_offers_carry_the_class_and_user_the_broker_orders_by);
    RUN(test_reoffers_come_in_queue_order_after_a_restart);
    return 0;
}
