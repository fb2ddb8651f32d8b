/*  Broker dispatch: least-recently-used judge selection, language matching, duplicate offers
 *  ignored, lost judges' jobs re-queued with attempt+1, state rebuilt from READY, and the
 *  order of pending jobs (contest before practice before rejudge, round-robin between users). */
#include "dispatch.h"
#include "gv_log.h"
#include "gv_test.h"

#include <stdlib.h>
#include <unistd.h>

/* Prints both values when they differ. */
#define CHECK_EQ_U(a, b)                                                                         \
    do {                                                                                         \
        unsigned long long a_ = (a), b_ = (b);                                                   \
        if (a_ != b_) fprintf(stderr, "%s:%d: %s == %llu, want %llu\n", __FILE__, __LINE__, #a,  \
                              a_, b_);                                                           \
        CHECK(a_ == b_);                                                                         \
    } while (0)

typedef struct {
    char to[64];
    uint64_t sub_id, attempt;
} sent_t;
static sent_t s_sent[64];
static int s_n_sent;
static bool s_unreachable;

static int s_send(void *arg, const char *identity, const gv_buf_t *buf)
{
    (void)arg;
    if (s_unreachable)
        return -1;
    gv_msg_t *m = NULL;
    char err[256];
    if (gv_msg_decode(buf->data, buf->size, &m, NULL, NULL, 0, err, sizeof err) != 0)
        abort();
    if (strcmp(gv_msg_type(m), "judge.job") == 0 && s_n_sent < 64) {
        snprintf(s_sent[s_n_sent].to, sizeof s_sent[0].to, "%s", identity);
        s_sent[s_n_sent].sub_id = gv_msg_uint(m, "sub_id", 0);
        s_sent[s_n_sent].attempt = gv_msg_uint(m, "attempt", 0);
        s_n_sent++;
    }
    gv_msg_destroy(&m);
    return 0;
}

static gv_msg_t *s_decode(gv_buf_t *b)
{
    gv_msg_t *m = NULL;
    char err[256];
    if (gv_msg_decode(b->data, b->size, &m, NULL, NULL, 0, err, sizeof err) != 0) {
        fprintf(stderr, "%s\n", err);
        abort();
    }
    gv_buf_free(b);
    return m;
}

static void s_ready(dispatch_t *d, const char *name, const char *lang, unsigned slots,
                    uint64_t running_sub, uint64_t running_att)
{
    gv_writer_t *w = gv_writer_new("judge.ready", 0, name, "broker", 0, running_sub ? 4 : 3);
    msgpack_packer *pk = gv_writer_pk(w);
    gv_pk_kv_str(pk, "name", name);
    gv_pk_key(pk, "languages");
    msgpack_pack_array(pk, 1);
    gv_pk_str(pk, lang);
    gv_pk_kv_uint(pk, "slots", slots);
    if (running_sub) {
        gv_pk_key(pk, "running");
        msgpack_pack_array(pk, 1);
        msgpack_pack_map(pk, 2);
        gv_pk_kv_uint(pk, "sub_id", running_sub);
        gv_pk_kv_uint(pk, "attempt", running_att);
    }
    gv_buf_t b;
    gv_writer_finish(&w, &b);
    gv_msg_t *m = s_decode(&b);
    dispatch_judge_ready(d, name, m);
    gv_msg_destroy(&m);
}

static void s_offer(dispatch_t *d, uint64_t sub, uint64_t att, const char *lang)
{
    gv_writer_t *w = gv_writer_new("jobs.offer", 0, "submissions", "broker", 0, 5);
    msgpack_packer *pk = gv_writer_pk(w);
    gv_pk_kv_uint(pk, "sub_id", sub);
    gv_pk_kv_uint(pk, "attempt", att);
    gv_pk_kv_uint(pk, "problem_id", 1);
    gv_pk_kv_str(pk, "language", lang);
    gv_pk_kv_bin(pk, "source", "x", 1);
    gv_buf_t b;
    gv_writer_finish(&w, &b);
    gv_msg_t *m = s_decode(&b);
    dispatch_offer(d, m);
    gv_msg_destroy(&m);
}

/* An offer with the submissions actor's class ("contest" | "practice" | "rejudge") and user. */
static void s_offer_as(dispatch_t *d, uint64_t sub, uint64_t att, const char *klass, uint64_t user)
{
    gv_writer_t *w = gv_writer_new("jobs.offer", 0, "submissions", "broker", 0, 7);
    msgpack_packer *pk = gv_writer_pk(w);
    gv_pk_kv_uint(pk, "sub_id", sub);
    gv_pk_kv_uint(pk, "attempt", att);
    gv_pk_kv_uint(pk, "problem_id", 1);
    gv_pk_kv_str(pk, "language", "c");
    gv_pk_kv_bin(pk, "source", "x", 1);
    gv_pk_kv_str(pk, "class", klass);
    gv_pk_kv_uint(pk, "user_id", user);
    gv_buf_t b;
    gv_writer_finish(&w, &b);
    gv_msg_t *m = s_decode(&b);
    dispatch_offer(d, m);
    gv_msg_destroy(&m);
}

static void s_result(dispatch_t *d, const char *judge, uint64_t sub, uint64_t att)
{
    gv_writer_t *w = gv_writer_new("judge.result", 0, judge, "submissions", 0, 6);
    msgpack_packer *pk = gv_writer_pk(w);
    gv_pk_kv_uint(pk, "sub_id", sub);
    gv_pk_kv_uint(pk, "attempt", att);
    gv_pk_kv_str(pk, "verdict", "AC");
    gv_pk_kv_uint(pk, "time_ms", 1);
    gv_pk_kv_uint(pk, "memory_kb", 1);
    gv_pk_key(pk, "tests");
    msgpack_pack_array(pk, 0);
    gv_buf_t b;
    gv_writer_finish(&w, &b);
    gv_msg_t *m = s_decode(&b);
    dispatch_result(d, judge, m);
    gv_msg_destroy(&m);
}

static void s_reset(void)
{
    s_n_sent = 0;
    s_unreachable = false;
}

static void jobs_go_to_least_recently_used_idle_judge(void)
{
    s_reset();
    dispatch_t *d = dispatch_new(s_send, NULL, 100000);
    s_ready(d, "j1", "c", 1, 0, 0);
    usleep(2000);
    s_ready(d, "j2", "c", 1, 0, 0);
    s_offer(d, 1, 1, "c");
    CHECK(s_n_sent == 1 && strcmp(s_sent[0].to, "j1") == 0); /* idle longest */
    s_offer(d, 2, 1, "c");
    CHECK(s_n_sent == 2 && strcmp(s_sent[1].to, "j2") == 0);
    s_offer(d, 3, 1, "c"); /* both busy: waits */
    CHECK(s_n_sent == 2 && dispatch_queue_depth(d) == 1 && dispatch_inflight(d) == 2);
    s_result(d, "j2", 2, 1);
    CHECK(s_n_sent == 3 && strcmp(s_sent[2].to, "j2") == 0 && s_sent[2].sub_id == 3);
    s_result(d, "j1", 1, 1);
    usleep(2000);
    s_result(d, "j2", 3, 1);
    s_offer(d, 4, 1, "c"); /* j1 finished before j2: j1 is least recently used */
    CHECK(s_n_sent == 4 && strcmp(s_sent[3].to, "j1") == 0);
    dispatch_destroy(&d);
}

static void jobs_wait_for_a_judge_with_their_language(void)
{
    s_reset();
    dispatch_t *d = dispatch_new(s_send, NULL, 100000);
    s_ready(d, "jc", "c", 1, 0, 0);
    s_offer(d, 1, 1, "python3");
    CHECK(s_n_sent == 0 && dispatch_queue_depth(d) == 1);
    s_offer(d, 2, 1, "c"); /* not blocked behind the python job */
    CHECK(s_n_sent == 1 && s_sent[0].sub_id == 2);
    s_ready(d, "jpy", "python3", 1, 0, 0);
    CHECK(s_n_sent == 2 && s_sent[1].sub_id == 1 && strcmp(s_sent[1].to, "jpy") == 0);
    dispatch_destroy(&d);
}

static void duplicate_offers_are_ignored_newer_attempts_replace(void)
{
    s_reset();
    dispatch_t *d = dispatch_new(s_send, NULL, 100000);
    s_offer(d, 7, 1, "c");
    s_offer(d, 7, 1, "c");
    CHECK(dispatch_queue_depth(d) == 1);
    s_ready(d, "j", "c", 2, 0, 0);
    CHECK(s_n_sent == 1);
    s_offer(d, 7, 1, "c"); /* re-offer of an in-flight job */
    CHECK(s_n_sent == 1 && dispatch_queue_depth(d) == 0);
    s_offer(d, 7, 2, "c"); /* rejudge: a newer attempt runs */
    CHECK(s_n_sent == 2 && s_sent[1].attempt == 2);
    dispatch_destroy(&d);
}

static void silent_judge_jobs_are_requeued_with_next_attempt(void)
{
    s_reset();
    dispatch_t *d = dispatch_new(s_send, NULL, 50); /* 50 ms liveness */
    s_ready(d, "dying", "c", 1, 0, 0);
    s_offer(d, 5, 1, "c");
    CHECK(s_n_sent == 1 && s_sent[0].attempt == 1);
    usleep(80 * 1000);
    dispatch_tick(d, NULL);
    CHECK(dispatch_queue_depth(d) == 1 && dispatch_inflight(d) == 0);
    s_ready(d, "fresh", "c", 1, 0, 0);
    CHECK(s_n_sent == 2 && strcmp(s_sent[1].to, "fresh") == 0 && s_sent[1].attempt == 2);
    /* the dead judge's late result for attempt 1 does not cancel attempt 2 */
    s_result(d, "dying", 5, 1);
    CHECK(dispatch_inflight(d) == 1);
    s_result(d, "fresh", 5, 2);
    CHECK(dispatch_inflight(d) == 0);
    dispatch_destroy(&d);
}

static void ready_after_broker_restart_rebuilds_inflight(void)
{
    s_reset();
    dispatch_t *d = dispatch_new(s_send, NULL, 100000);
    s_ready(d, "j", "c", 1, 9, 3); /* judge says it is running 9/3 */
    CHECK(dispatch_inflight(d) == 1);
    s_offer(d, 9, 3, "c"); /* the queue's re-offer: not dispatched a second time */
    CHECK(s_n_sent == 0 && dispatch_queue_depth(d) == 0);
    s_offer(d, 10, 1, "c"); /* the judge's only slot is busy */
    CHECK(s_n_sent == 0 && dispatch_queue_depth(d) == 1);
    s_result(d, "j", 9, 3);
    CHECK(s_n_sent == 1 && s_sent[0].sub_id == 10);
    dispatch_destroy(&d);
}

static void unreachable_judge_is_dropped_and_job_kept(void)
{
    s_reset();
    dispatch_t *d = dispatch_new(s_send, NULL, 100000);
    s_ready(d, "gone", "c", 1, 0, 0);
    s_unreachable = true;
    s_offer(d, 11, 1, "c");
    CHECK(s_n_sent == 0 && dispatch_queue_depth(d) == 1);
    s_unreachable = false;
    s_ready(d, "back", "c", 1, 0, 0);
    CHECK(s_n_sent == 1 && strcmp(s_sent[0].to, "back") == 0);
    dispatch_destroy(&d);
}

/* The one-slot judge `j` finishes what it runs, `n` times; returns the sub_ids sent next. */
static void s_drain(dispatch_t *d, const char *judge, int n, uint64_t *order)
{
    for (int i = 0; i < n; i++) {
        const sent_t *last = &s_sent[s_n_sent - 1];
        s_result(d, judge, last->sub_id, last->attempt);
        order[i] = s_n_sent ? s_sent[s_n_sent - 1].sub_id : 0;
    }
}

static void a_contest_job_goes_before_practice_jobs_queued_earlier(void)
{
    s_reset();
    dispatch_t *d = dispatch_new(s_send, NULL, 100000);
    s_ready(d, "j", "c", 1, 0, 0);
    s_offer_as(d, 1, 1, "practice", 50); /* runs at once */
    for (uint64_t id = 2; id <= 6; id++)
        s_offer_as(d, id, 1, "practice", 50); /* a practice flood waits */
    s_offer_as(d, 7, 1, "contest", 60);
    CHECK(s_n_sent == 1 && dispatch_queue_depth(d) == 6);
    uint64_t order[6];
    s_drain(d, "j", 6, order);
    CHECK_EQ_U(order[0], 7); /* the contest job first, then the practice ones in order */
    for (int i = 1; i < 6; i++)
        CHECK_EQ_U(order[i], (uint64_t)i + 1);
    dispatch_destroy(&d);
}

static void two_users_flooding_practice_are_served_alternately(void)
{
    s_reset();
    dispatch_t *d = dispatch_new(s_send, NULL, 100000);
    s_ready(d, "j", "c", 1, 0, 0);
    s_offer_as(d, 1, 1, "practice", 9); /* occupies the judge */
    for (uint64_t id = 2; id <= 5; id++)
        s_offer_as(d, id, 1, "practice", 100); /* A floods first... */
    for (uint64_t id = 6; id <= 8; id++)
        s_offer_as(d, id, 1, "practice", 200); /* ...B comes later */
    uint64_t order[7], want[7] = {2, 6, 3, 7, 4, 8, 5};
    s_drain(d, "j", 7, order);
    for (int i = 0; i < 7; i++)
        CHECK_EQ_U(order[i], want[i]);
    CHECK(dispatch_queue_depth(d) == 0);
    dispatch_destroy(&d);
}

static void rejudges_wait_behind_live_submissions(void)
{
    s_reset();
    dispatch_t *d = dispatch_new(s_send, NULL, 100000);
    s_ready(d, "j", "c", 1, 0, 0);
    s_offer_as(d, 1, 1, "practice", 1);
    s_offer_as(d, 2, 2, "rejudge", 2);
    s_offer_as(d, 3, 3, "rejudge", 3);
    s_offer_as(d, 4, 1, "practice", 4);
    s_offer_as(d, 5, 1, "contest", 5);
    uint64_t order[4], want[4] = {5, 4, 2, 3};
    s_drain(d, "j", 4, order);
    for (int i = 0; i < 4; i++)
        CHECK_EQ_U(order[i], want[i]);
    dispatch_destroy(&d);
}

static void a_rejudge_offer_moves_a_pending_job_to_the_rejudge_class(void)
{
    s_reset();
    dispatch_t *d = dispatch_new(s_send, NULL, 100000);
    s_ready(d, "j", "c", 1, 0, 0);
    s_offer_as(d, 1, 1, "practice", 1);
    s_offer_as(d, 2, 1, "contest", 2);
    s_offer_as(d, 3, 1, "practice", 3);
    s_offer_as(d, 2, 2, "rejudge", 2); /* 2 was rejudged while it waited */
    CHECK(dispatch_queue_depth(d) == 2);
    uint64_t order[2];
    s_drain(d, "j", 2, order);
    CHECK_EQ_U(order[0], 3);
    CHECK_EQ_U(order[1], 2);
    CHECK(s_sent[s_n_sent - 1].attempt == 2);
    dispatch_destroy(&d);
}

static void a_requeued_contest_job_keeps_its_priority(void)
{
    s_reset();
    dispatch_t *d = dispatch_new(s_send, NULL, 50); /* 50 ms liveness */
    s_ready(d, "dying", "c", 1, 0, 0);
    s_offer_as(d, 1, 1, "contest", 7);
    for (uint64_t id = 2; id <= 4; id++)
        s_offer_as(d, id, 1, "practice", 8);
    usleep(80 * 1000);
    dispatch_tick(d, NULL); /* `dying` is lost: job 1 goes back with attempt 2 */
    s_ready(d, "fresh", "c", 1, 0, 0);
    CHECK(s_n_sent == 2 && s_sent[1].sub_id == 1 && s_sent[1].attempt == 2);
    dispatch_destroy(&d);
}

static void a_user_whose_first_job_no_judge_speaks_is_served_with_the_next(void)
{
    s_reset();
    dispatch_t *d = dispatch_new(s_send, NULL, 100000);
    s_ready(d, "j", "c", 1, 0, 0);
    s_offer_as(d, 1, 1, "practice", 9); /* occupies the judge */
    s_offer(d, 2, 1, "python3");        /* nobody runs python3 here */
    s_offer_as(d, 3, 1, "practice", 0); /* same (unknown) user, a C job */
    s_offer_as(d, 4, 1, "practice", 5);
    uint64_t order[2];
    s_drain(d, "j", 2, order);
    CHECK_EQ_U(order[0], 3); /* the python job waits; its user's C job goes */
    CHECK_EQ_U(order[1], 4);
    CHECK(dispatch_queue_depth(d) == 1);
    dispatch_destroy(&d);
}

static void an_offer_without_class_is_practice(void)
{
    s_reset();
    dispatch_t *d = dispatch_new(s_send, NULL, 100000);
    s_ready(d, "j", "c", 1, 0, 0);
    s_offer(d, 1, 1, "c");
    s_offer(d, 2, 1, "c");           /* an older submissions actor: no class, no user */
    s_offer_as(d, 3, 1, "contest", 1);
    uint64_t order[2];
    s_drain(d, "j", 2, order);
    CHECK_EQ_U(order[0], 3);
    CHECK_EQ_U(order[1], 2);
    dispatch_destroy(&d);
}

int main(void)
{
    gv_log_init("test");
    RUN(jobs_go_to_least_recently_used_idle_judge);
    RUN(jobs_wait_for_a_judge_with_their_language);
    RUN(duplicate_offers_are_ignored_newer_attempts_replace);
    RUN(silent_judge_jobs_are_requeued_with_next_attempt);
    RUN(ready_after_broker_restart_rebuilds_inflight);
    RUN(unreachable_judge_is_dropped_and_job_kept);
    RUN(a_contest_job_goes_before_practice_jobs_queued_earlier);
    RUN(two_users_flooding_practice_are_served_alternately);
    RUN(rejudges_wait_behind_live_submissions);
    RUN(a_rejudge_offer_moves_a_pending_job_to_the_rejudge_class);
    RUN(a_requeued_contest_job_keeps_its_priority);
    RUN(an_offer_without_class_is_practice);
    RUN(a_user_whose_first_job_no_judge_speaks_is_served_with_the_next);
    return TEST_SUMMARY();
}
