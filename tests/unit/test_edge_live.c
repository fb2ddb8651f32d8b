/*  edge live feed, the parts without sockets (edge/live.h): who sees which event, client
 *  messages, the bounded queue, and the replay/live merge that neither skips nor repeats. */
#include "gv_test.h"
#include "auth.h"
#include "live.h"

#include <msgpack.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const live_viewer_t anon = {false, false, 0};
static const live_viewer_t alice = {true, false, 7}; /* contestant 7 */
static const live_viewer_t bob = {true, false, 8};   /* contestant 8 */
static const live_viewer_t jury = {true, true, 2};

/* ---- visibility ----------------------------------------------------------------------- */

static void vis_words_parse_and_missing_means_all(void)
{
    CHECK(live_vis_parse(NULL, 0) == LIVE_VIS_ALL);
    CHECK(live_vis_parse("all", 3) == LIVE_VIS_ALL);
    CHECK(live_vis_parse("public", 6) == LIVE_VIS_PUBLIC);
    CHECK(live_vis_parse("jury", 4) == LIVE_VIS_JURY);
    CHECK(live_vis_parse("user", 4) == LIVE_VIS_USER);
    CHECK(live_vis_parse("users", 5) == LIVE_VIS_OTHER);
    CHECK(live_vis_parse("", 0) == LIVE_VIS_OTHER);
    CHECK(live_vis_parse("jur", 3) == LIVE_VIS_OTHER);
}

static void vis_table_matches_the_contract(void)
{
    /* all: everyone */
    CHECK(live_visible(LIVE_VIS_ALL, 0, &anon));
    CHECK(live_visible(LIVE_VIS_ALL, 0, &alice));
    CHECK(live_visible(LIVE_VIS_ALL, 0, &jury));
    /* public: not staff (the frozen board) */
    CHECK(live_visible(LIVE_VIS_PUBLIC, 0, &anon));
    CHECK(live_visible(LIVE_VIS_PUBLIC, 0, &alice));
    CHECK(!live_visible(LIVE_VIS_PUBLIC, 0, &jury));
    /* jury: staff only */
    CHECK(!live_visible(LIVE_VIS_JURY, 0, &anon));
    CHECK(!live_visible(LIVE_VIS_JURY, 0, &alice));
    CHECK(live_visible(LIVE_VIS_JURY, 0, &jury));
    /* user: the user's own connections and staff */
    CHECK(live_visible(LIVE_VIS_USER, 7, &alice));
    CHECK(!live_visible(LIVE_VIS_USER, 7, &bob));
    CHECK(!live_visible(LIVE_VIS_USER, 7, &anon));
    CHECK(live_visible(LIVE_VIS_USER, 7, &jury));
    CHECK(!live_visible(LIVE_VIS_USER, 0, &anon)); /* user 0 is nobody, not the anonymous */
    /* a word this edge does not know: staff only */
    CHECK(!live_visible(LIVE_VIS_OTHER, 7, &alice));
    CHECK(live_visible(LIVE_VIS_OTHER, 7, &jury));
}

/* ---- topics and client messages ------------------------------------------------------- */

static int topic(const char *s, live_topic_t *t)
{
    return live_topic_parse(s, strlen(s), t);
}

static void topics_parse_strictly(void)
{
    live_topic_t t;
    char buf[LIVE_TOPIC_MAX];
    CHECK(topic("contest/42", &t) == 0 && t.kind == LIVE_TOPIC_CONTEST && t.id == 42);
    CHECK_STR(live_topic_text(&t, buf), "contest/42");
    CHECK(topic("submission/9001", &t) == 0 && t.kind == LIVE_TOPIC_SUBMISSION && t.id == 9001);
    CHECK_STR(live_topic_text(&t, buf), "submission/9001");
    CHECK(topic("contest/18446744073709551615", &t) == 0 && t.id == UINT64_MAX);
    CHECK_STR(live_topic_text(&t, buf), "contest/18446744073709551615");
    CHECK(topic("contest/18446744073709551616", &t) != 0); /* past 2^64-1 */
    CHECK(topic("contest/", &t) != 0);
    CHECK(topic("contest/0", &t) != 0);
    CHECK(topic("contest/042", &t) != 0);
    CHECK(topic("contest/4x", &t) != 0);
    CHECK(topic("contest/-4", &t) != 0);
    CHECK(topic("contest/ 4", &t) != 0);
    CHECK(topic("contests/4", &t) != 0);
    CHECK(topic("problem/4", &t) != 0);
    CHECK(topic("Contest/4", &t) != 0);
    CHECK(live_topic_parse("contest/42", 9, &t) == 0 && t.id == 4); /* length is respected */
    CHECK(live_topic_parse(NULL, 0, &t) != 0);
}

static int parse(const char *s, live_cmd_t *cmd, edge_err_t *err)
{
    memset(err, 0, sizeof *err);
    return live_cmd_parse(s, strlen(s), cmd, err);
}

static void subscribe_messages_parse(void)
{
    live_cmd_t cmd;
    edge_err_t err;
    CHECK(parse("{\"subscribe\":\"contest/42\"}", &cmd, &err) == 0);
    CHECK(cmd.kind == LIVE_CMD_SUBSCRIBE && cmd.topic.kind == LIVE_TOPIC_CONTEST &&
          cmd.topic.id == 42 && !cmd.has_since && cmd.token == NULL);
    live_cmd_clear(&cmd);

    CHECK(parse("{\"subscribe\":\"contest/42\",\"since\":17,\"token\":\"abc.def.ghi\"}", &cmd,
                &err) == 0);
    CHECK(cmd.has_since && cmd.since == 17);
    CHECK_STR(cmd.token, "abc.def.ghi");
    live_cmd_clear(&cmd);
    CHECK(cmd.token == NULL);

    CHECK(parse("{\"subscribe\":\"contest/42\",\"since\":0}", &cmd, &err) == 0);
    CHECK(cmd.has_since && cmd.since == 0); /* since 0: everything from the start */
    live_cmd_clear(&cmd);
    CHECK(parse("{\"subscribe\":\"contest/42\",\"since\":\"23\"}", &cmd, &err) == 0);
    CHECK(cmd.has_since && cmd.since == 23); /* ids are strings elsewhere in the API */
    live_cmd_clear(&cmd);
    CHECK(parse("{\"subscribe\":\"contest/42\",\"since\":null,\"token\":null,\"x\":[1]}", &cmd,
                &err) == 0);
    CHECK(!cmd.has_since && cmd.token == NULL); /* null is absent; unknown keys are ignored */
    live_cmd_clear(&cmd);

    CHECK(parse("{\"subscribe\":\"contest/42\",\"since\":5,\"since_own\":\"3\"}", &cmd, &err) == 0);
    CHECK(cmd.has_since && cmd.since == 5 && cmd.has_since_own && cmd.since_own == 3);
    live_cmd_clear(&cmd);
    CHECK(parse("{\"subscribe\":\"contest/42\",\"since_own\":-1}", &cmd, &err) == -1);
    CHECK_STR(err.code, "invalid_field");
    CHECK_CONTAINS(err.message, "since_own");

    CHECK(parse("{\"subscribe\":\"submission/9001\",\"token\":\"t\"}", &cmd, &err) == 0);
    CHECK(cmd.topic.kind == LIVE_TOPIC_SUBMISSION && cmd.topic.id == 9001);
    live_cmd_clear(&cmd);

    CHECK(parse("{\"unsubscribe\":\"contest/42\"}", &cmd, &err) == 0);
    CHECK(cmd.kind == LIVE_CMD_UNSUBSCRIBE && cmd.topic.id == 42);
    live_cmd_clear(&cmd);
}

static void bad_messages_get_a_code_and_a_sentence(void)
{
    live_cmd_t cmd;
    edge_err_t err;
    static const struct {
        const char *text, *code, *mentions;
    } cases[] = {
        {"subscribe contest/42", "bad_json", "not valid JSON"},
        {"", "bad_json", "not valid JSON"},
        {"[\"contest/42\"]", "bad_json", "object"},
        {"\"contest/42\"", "bad_json", "not valid JSON"},
        {"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]", "bad_json", "nests"},
        {"{\"subscribe\":\"contest/42\",\"subscribe\":\"contest/43\"}", "bad_json", "JSON"},
        {"{}", "invalid_field", "exactly one"},
        {"{\"subscribe\":\"contest/1\",\"unsubscribe\":\"contest/1\"}", "invalid_field",
         "exactly one"},
        {"{\"subscribe\":42}", "invalid_field", "`subscribe`"},
        {"{\"subscribe\":\"contest/abc\"}", "invalid_field", "contest/<id>"},
        {"{\"unsubscribe\":\"judge/1\"}", "invalid_field", "`unsubscribe`"},
        {"{\"subscribe\":\"contest/1\",\"since\":-1}", "invalid_field", "`since`"},
        {"{\"subscribe\":\"contest/1\",\"since\":1.5}", "invalid_field", "`since`"},
        {"{\"subscribe\":\"contest/1\",\"since\":\"x\"}", "invalid_field", "`since`"},
        {"{\"subscribe\":\"contest/1\",\"token\":\"\"}", "invalid_field", "`token`"},
        {"{\"subscribe\":\"contest/1\",\"token\":5}", "invalid_field", "`token`"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int rc = parse(cases[i].text, &cmd, &err);
        CHECK(rc == -1);
        if (rc == 0) {
            fprintf(stderr, "  accepted: %s\n", cases[i].text);
            live_cmd_clear(&cmd);
            continue;
        }
        CHECK_STR(err.code, cases[i].code);
        CHECK_CONTAINS(err.message, cases[i].mentions);
        if (!err.code || strcmp(err.code, cases[i].code) != 0 ||
            !strstr(err.message, cases[i].mentions))
            fprintf(stderr, "  %s -> %s: %s\n", cases[i].text, err.code, err.message);
        CHECK(cmd.token == NULL);
    }
    /* nesting within the bound is fine */
    CHECK(parse("{\"subscribe\":\"contest/1\",\"x\":[[{}]]}", &cmd, &err) == 0);
    live_cmd_clear(&cmd);
    /* brackets inside strings do not count */
    CHECK(parse("{\"subscribe\":\"contest/1\",\"x\":\"[[[[[[[[[[\\\"[[[[\"}", &cmd, &err) == 0);
    live_cmd_clear(&cmd);
}

static void oversized_messages_and_tokens_are_refused(void)
{
    live_cmd_t cmd;
    edge_err_t err;
    size_t n = LIVE_MAX_INBOUND + 1;
    char *big = malloc(n + 1);
    memset(big, ' ', n);
    memcpy(big, "{\"subscribe\":\"contest/1\"}", 25);
    big[n] = '\0';
    CHECK(live_cmd_parse(big, n, &cmd, &err) == -1);
    CHECK_STR(err.code, "too_large");
    CHECK(live_cmd_parse(big, n - 1, &cmd, &err) == 0); /* exactly the limit: fine */
    live_cmd_clear(&cmd);
    free(big);

    /* a token longer than any we issue */
    size_t tl = EDGE_TOKEN_MAX + 1;
    char *msg = malloc(tl + 64);
    int off = snprintf(msg, 64, "{\"subscribe\":\"contest/1\",\"token\":\"");
    memset(msg + off, 'a', tl);
    strcpy(msg + off + tl, "\"}");
    CHECK(live_cmd_parse(msg, strlen(msg), &cmd, &err) == -1); /* (also over the inbound bound) */
    free(msg);
}

/* ---- frames and the queue ------------------------------------------------------------- */

static live_frame_t *frame(uint64_t id, size_t len)
{
    char *buf = malloc(len + 1);
    memset(buf, 'x', len);
    live_frame_t *f = live_frame_new(id, buf, len);
    free(buf);
    return f;
}

static void queue_is_fifo_and_bounded_by_frames(void)
{
    live_queue_t q;
    live_queue_init(&q, 100, 1 << 20);
    for (uint64_t i = 1; i <= 100; i++) {
        live_frame_t *f = frame(i, 10);
        CHECK(live_queue_push(&q, f) == 0);
        live_frame_unref(&f);
        CHECK(f == NULL);
    }
    CHECK(q.n == 100 && q.bytes == 1000);
    live_frame_t *extra = frame(101, 10);
    CHECK(!live_queue_fits(&q, 10));
    CHECK(live_queue_push(&q, extra) == -1);
    CHECK(atomic_load(&extra->refs) == 1); /* a refused push takes no reference */
    /* pop half, push more: wraps around the ring in order */
    for (uint64_t i = 1; i <= 50; i++) {
        live_frame_t *f = live_queue_pop(&q);
        CHECK(f && f->id == i);
        live_frame_unref(&f);
    }
    for (uint64_t i = 101; i <= 150; i++) {
        live_frame_t *f = frame(i, 10);
        CHECK(live_queue_push(&q, f) == 0);
        live_frame_unref(&f);
    }
    for (uint64_t i = 51; i <= 150; i++) {
        live_frame_t *f = live_queue_pop(&q);
        CHECK(f && f->id == i);
        live_frame_unref(&f);
    }
    CHECK(live_queue_pop(&q) == NULL && q.n == 0 && q.bytes == 0);
    live_frame_unref(&extra);
    live_queue_clear(&q);
}

static void queue_is_bounded_by_bytes_but_takes_one_big_frame(void)
{
    live_queue_t q;
    live_queue_init(&q, 4096, 1000);
    live_frame_t *a = frame(1, 600), *b = frame(2, 400), *c = frame(3, 1), *huge = frame(4, 5000);
    CHECK(live_queue_push(&q, a) == 0);
    CHECK(live_queue_push(&q, b) == 0); /* exactly 1000 */
    CHECK(live_queue_push(&q, c) == -1);
    live_queue_clear(&q);
    CHECK(q.n == 0 && q.bytes == 0 && q.items == NULL);
    CHECK(live_queue_push(&q, huge) == 0); /* alone, a frame over the bound still goes */
    CHECK(live_queue_push(&q, c) == -1);   /* but nothing joins it */
    live_queue_clear(&q);
    /* the queue's references are its own: frames outlive it only through ours */
    CHECK(atomic_load(&a->refs) == 1 && atomic_load(&huge->refs) == 1);
    live_frame_unref(&a);
    live_frame_unref(&b);
    live_frame_unref(&c);
    live_frame_unref(&huge);
}

static void a_shared_frame_lives_until_its_last_queue_lets_go(void)
{
    live_queue_t q1, q2;
    live_queue_init(&q1, 10, 1000);
    live_queue_init(&q2, 10, 1000);
    live_frame_t *f = frame(5, 20);
    CHECK(live_queue_push(&q1, f) == 0 && live_queue_push(&q2, f) == 0);
    live_frame_unref(&f); /* the producer is done with it */
    live_frame_t *g = live_queue_pop(&q1);
    CHECK(g && g->id == 5 && atomic_load(&g->refs) == 2);
    live_frame_unref(&g);
    live_queue_clear(&q2); /* frees it (valgrind/ASan would see a leak or a double free) */
    live_queue_clear(&q1);
}

static const char *text(const live_frame_t *f)
{
    return f ? f->data : "(no frame)";
}

static void event_frames_are_json(void)
{
    msgpack_sbuffer sb;
    msgpack_sbuffer_init(&sb);
    msgpack_packer pk;
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    msgpack_pack_map(&pk, 3);
    msgpack_pack_str_with_body(&pk, "id", 2);
    msgpack_pack_str_with_body(&pk, "9001", 4);
    msgpack_pack_str_with_body(&pk, "source", 6);
    msgpack_pack_str_with_body(&pk, "int main(){}", 12);
    msgpack_pack_str_with_body(&pk, "verdict", 7);
    msgpack_pack_nil(&pk);
    msgpack_unpacked up;
    msgpack_unpacked_init(&up);
    CHECK(msgpack_unpack_next(&up, sb.data, sb.size, NULL) == MSGPACK_UNPACK_SUCCESS);

    edge_buf_t b;
    edge_buf_init(&b, 0);
    live_frame_t *f = live_frame_event(&b, 12, "contest/3", "scoreboard", 10, &up.data, NULL);
    CHECK(f && f->id == 12);
    CHECK_STR(text(f), "{\"id\":12,\"topic\":\"contest/3\",\"type\":\"scoreboard\","
                       "\"data\":{\"id\":\"9001\",\"source\":\"int main(){}\","
                       "\"verdict\":null}}");
    live_frame_unref(&f);
    f = live_frame_event(&b, 0, "submission/9001", "submission", 10, &up.data, "source");
    CHECK_STR(text(f), "{\"id\":0,\"topic\":\"submission/9001\",\"type\":"
                       "\"submission\",\"data\":{\"id\":\"9001\",\"verdict\":null}}");
    live_frame_unref(&f);
    f = live_frame_event(&b, 1, "contest/3", "contest", 7, NULL, NULL);
    CHECK_STR(text(f), "{\"id\":1,\"topic\":\"contest/3\",\"type\":\"contest\",\"data\":null}");
    live_frame_unref(&f);
    f = live_frame_event_own(&b, 4, 2, "contest/3", "submission", 10, NULL, NULL);
    CHECK(f && f->id == 4 && f->own == 2);
    CHECK_STR(text(f), "{\"id\":4,\"own_id\":2,\"topic\":\"contest/3\",\"type\":\"submission\","
                       "\"data\":null}");
    live_frame_unref(&f);
    f = live_frame_event(&b, 2, "contest/3", "we\"ird", 6, NULL, NULL);
    CHECK_CONTAINS(text(f), "\"type\":\"we\\\"ird\"");
    live_frame_unref(&f);
    edge_buf_release(&b);
    msgpack_unpacked_destroy(&up);
    msgpack_sbuffer_destroy(&sb);
}

/* ---- replay / live merge -------------------------------------------------------------- */

/* Pops everything from q and checks the ids are exactly want[0..n). */
static void expect_ids(live_queue_t *q, const uint64_t *want, size_t n)
{
    size_t got = 0;
    live_frame_t *f;
    while ((f = live_queue_pop(q))) {
        CHECK(got < n && f->id == want[got]);
        if (got < n && f->id != want[got])
            fprintf(stderr, "  frame %zu: id %llu, want %llu\n", got, (unsigned long long)f->id,
                    (unsigned long long)want[got]);
        got++;
        live_frame_unref(&f);
    }
    CHECK(got == n);
}

static live_offer_t offer(live_sub_t *s, uint64_t id, live_queue_t *out)
{
    live_frame_t *f = frame(id, 8);
    live_offer_t o = live_sub_offer(s, f, out);
    live_frame_unref(&f);
    return o;
}

static live_offer_t replayed(live_sub_t *s, uint64_t id, live_queue_t *out)
{
    live_frame_t *f = frame(id, 8);
    live_offer_t o = live_sub_replayed(s, f, out);
    live_frame_unref(&f);
    return o;
}

static void live_without_since_drops_only_old_ids(void)
{
    live_topic_t t = {LIVE_TOPIC_CONTEST, 1};
    live_sub_t s;
    live_sub_init(&s, &t, &anon, 0, false);
    live_queue_t out;
    live_queue_init(&out, 100, 1 << 20);
    CHECK(offer(&s, 5, &out) == LIVE_OFFER_QUEUED);
    CHECK(offer(&s, 5, &out) == LIVE_OFFER_DUP);    /* the bus delivered it twice */
    CHECK(offer(&s, 3, &out) == LIVE_OFFER_DUP);    /* older than what was sent */
    CHECK(offer(&s, 0, &out) == LIVE_OFFER_QUEUED); /* no id: cannot tell, always sent */
    CHECK(offer(&s, 6, &out) == LIVE_OFFER_QUEUED);
    CHECK(s.last_id == 6);
    const uint64_t want[] = {5, 0, 6};
    expect_ids(&out, want, 3);
    live_sub_clear(&s);
    live_queue_clear(&out);
}

static void replay_then_buffered_live_events_neither_skip_nor_repeat(void)
{
    /* The client had everything up to 10. While the worker pages through the log (11..15),
     * the bus delivers 14, 15 (already in the log by then), 16 and 17. */
    live_topic_t t = {LIVE_TOPIC_CONTEST, 1};
    live_sub_t s;
    live_sub_init(&s, &t, &alice, 10, true);
    live_queue_t out;
    live_queue_init(&out, 100, 1 << 20);
    CHECK(replayed(&s, 11, &out) == LIVE_OFFER_QUEUED);
    CHECK(offer(&s, 14, &out) == LIVE_OFFER_BUFFERED);
    CHECK(replayed(&s, 12, &out) == LIVE_OFFER_QUEUED);
    CHECK(offer(&s, 15, &out) == LIVE_OFFER_BUFFERED);
    CHECK(replayed(&s, 13, &out) == LIVE_OFFER_QUEUED);
    CHECK(replayed(&s, 14, &out) == LIVE_OFFER_QUEUED);
    CHECK(offer(&s, 16, &out) == LIVE_OFFER_BUFFERED);
    CHECK(replayed(&s, 15, &out) == LIVE_OFFER_QUEUED);
    CHECK(offer(&s, 17, &out) == LIVE_OFFER_BUFFERED);
    CHECK(out.n == 5); /* nothing live went out during the replay */
    CHECK(live_sub_finish(&s, &out) == 0);
    CHECK(!s.replaying && s.pending.n == 0);
    CHECK(offer(&s, 17, &out) == LIVE_OFFER_DUP);
    CHECK(offer(&s, 18, &out) == LIVE_OFFER_QUEUED);
    const uint64_t want[] = {11, 12, 13, 14, 15, 16, 17, 18};
    expect_ids(&out, want, 8);
    live_sub_clear(&s);
    live_queue_clear(&out);
}

/* A contestant's stream: public events by id, own events by own_id (their id only places them
 * after a public one, so it repeats). The two never shadow each other. */
static void own_events_are_ordered_by_their_own_ids(void)
{
    live_topic_t t = {LIVE_TOPIC_CONTEST, 1};
    live_sub_t s;
    live_sub_init(&s, &t, &alice, 4, true);
    s.last_own = 2; /* the client had public 1..4 and own 1..2 */
    live_queue_t out;
    live_queue_init(&out, 100, 1 << 20);
    edge_buf_t b;
    edge_buf_init(&b, 0);
    struct {
        uint64_t id, own;
        bool live;
        live_offer_t want;
    } steps[] = {
        {4, 2, false, LIVE_OFFER_DUP},     /* own 2: had it */
        {4, 3, false, LIVE_OFFER_QUEUED},  /* own 3, after public 4 */
        {5, 0, false, LIVE_OFFER_QUEUED},  /* public 5 */
        {5, 4, true, LIVE_OFFER_BUFFERED}, /* live during the replay */
        {5, 4, false, LIVE_OFFER_QUEUED},  /* own 4 replayed */
        {6, 0, true, LIVE_OFFER_BUFFERED},
    };
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        live_frame_t *f = live_frame_event_own(&b, steps[i].id, steps[i].own, "contest/1",
                                               "submission", 10, NULL, NULL);
        CHECK(f);
        live_offer_t o =
            steps[i].live ? live_sub_offer(&s, f, &out) : live_sub_replayed(&s, f, &out);
        if (o != steps[i].want) fprintf(stderr, "  step %zu: %d, want %d\n", i, o, steps[i].want);
        CHECK(o == steps[i].want);
        live_frame_unref(&f);
    }
    CHECK(live_sub_finish(&s, &out) == 0); /* own 4 again: dropped; public 6: sent */
    CHECK(s.last_id == 6 && s.last_own == 4);
    const uint64_t want[] = {4, 5, 5, 6};
    expect_ids(&out, want, 4);
    edge_buf_release(&b);
    live_sub_clear(&s);
    live_queue_clear(&out);
}

static void replay_ignores_what_the_client_already_has(void)
{
    live_topic_t t = {LIVE_TOPIC_CONTEST, 1};
    live_sub_t s;
    live_sub_init(&s, &t, &alice, 10, true);
    live_queue_t out;
    live_queue_init(&out, 100, 1 << 20);
    CHECK(replayed(&s, 9, &out) == LIVE_OFFER_DUP);
    CHECK(replayed(&s, 10, &out) == LIVE_OFFER_DUP);
    CHECK(replayed(&s, 11, &out) == LIVE_OFFER_QUEUED);
    CHECK(offer(&s, 8, &out) == LIVE_OFFER_BUFFERED); /* a stray old one on the bus */
    CHECK(live_sub_finish(&s, &out) == 0);
    const uint64_t want[] = {11};
    expect_ids(&out, want, 1);
    live_sub_clear(&s);
    live_queue_clear(&out);
}

static void submission_state_first_then_newer_events(void)
{
    /* submissions.get said the state is as of event 40; the bus had 39 and 41 meanwhile, and
     * events without an id (0) pass as they come */
    live_topic_t t = {LIVE_TOPIC_SUBMISSION, 9001};
    live_sub_t s;
    live_sub_init(&s, &t, &alice, 0, true);
    live_queue_t out;
    live_queue_init(&out, 100, 1 << 20);
    CHECK(offer(&s, 39, &out) == LIVE_OFFER_BUFFERED);
    CHECK(offer(&s, 41, &out) == LIVE_OFFER_BUFFERED);
    CHECK(replayed(&s, 40, &out) == LIVE_OFFER_QUEUED); /* the state */
    CHECK(live_sub_finish(&s, &out) == 0);
    const uint64_t want[] = {40, 41};
    expect_ids(&out, want, 2);
    live_sub_clear(&s);

    live_sub_init(&s, &t, &alice, 0, true);
    CHECK(offer(&s, 0, &out) == LIVE_OFFER_BUFFERED);
    CHECK(replayed(&s, 0, &out) == LIVE_OFFER_QUEUED); /* a state without event_id */
    CHECK(live_sub_finish(&s, &out) == 0);
    CHECK(offer(&s, 0, &out) == LIVE_OFFER_QUEUED);
    const uint64_t want0[] = {0, 0, 0};
    expect_ids(&out, want0, 3);
    live_sub_clear(&s);
    live_queue_clear(&out);
}

static void overflow_is_reported_not_hidden(void)
{
    live_topic_t t = {LIVE_TOPIC_CONTEST, 1};
    live_sub_t s;
    live_sub_init(&s, &t, &anon, 0, false);
    live_queue_t out;
    live_queue_init(&out, 3, 1 << 20);
    CHECK(offer(&s, 1, &out) == LIVE_OFFER_QUEUED);
    CHECK(offer(&s, 2, &out) == LIVE_OFFER_QUEUED);
    CHECK(offer(&s, 3, &out) == LIVE_OFFER_QUEUED);
    CHECK(offer(&s, 4, &out) == LIVE_OFFER_OVERFLOW);
    CHECK(s.last_id == 3); /* 4 was not sent, so a reconnect with since=3 gets it */
    live_queue_clear(&out);
    live_sub_clear(&s);

    /* buffered during a replay, then too many for the client's queue at the end */
    live_sub_init(&s, &t, &anon, 0, true);
    for (uint64_t i = 1; i <= 5; i++)
        CHECK(offer(&s, i, &out) == LIVE_OFFER_BUFFERED);
    CHECK(live_sub_finish(&s, &out) == -1);
    CHECK(out.n == 3 && s.pending.n == 0); /* the rest was dropped with the client */
    live_queue_clear(&out);
    live_sub_clear(&s);

    /* the buffer itself is bounded */
    live_sub_init(&s, &t, &anon, 0, true);
    live_offer_t o = LIVE_OFFER_BUFFERED;
    uint64_t i = 1;
    for (; i <= LIVE_QUEUE_MAX_FRAMES + 1 && o == LIVE_OFFER_BUFFERED; i++)
        o = offer(&s, i, &out);
    CHECK(o == LIVE_OFFER_OVERFLOW && i == LIVE_QUEUE_MAX_FRAMES + 2);
    live_sub_clear(&s);
    live_queue_clear(&out);
}

static void client_limit_keeps_threads_for_requests(void)
{
    CHECK(live_max_clients(64) == 48);
    CHECK(live_max_clients(8) == 6);
    CHECK(live_max_clients(4) == 3);
    CHECK(live_max_clients(2) == 1);
    CHECK(live_max_clients(1) == 1);
    CHECK(live_max_clients(4096) == 4096 - LIVE_RESERVE_MAX);
}

int main(void)
{
    RUN(vis_words_parse_and_missing_means_all);
    RUN(vis_table_matches_the_contract);
    RUN(topics_parse_strictly);
    RUN(subscribe_messages_parse);
    RUN(bad_messages_get_a_code_and_a_sentence);
    RUN(oversized_messages_and_tokens_are_refused);
    RUN(queue_is_fifo_and_bounded_by_frames);
    RUN(queue_is_bounded_by_bytes_but_takes_one_big_frame);
    RUN(a_shared_frame_lives_until_its_last_queue_lets_go);
    RUN(event_frames_are_json);
    RUN(live_without_since_drops_only_old_ids);
    RUN(replay_then_buffered_live_events_neither_skip_nor_repeat);
    RUN(replay_ignores_what_the_client_already_has);
    RUN(own_events_are_ordered_by_their_own_ids);
    RUN(submission_state_first_then_newer_events);
    RUN(overflow_is_reported_not_hidden);
    RUN(client_limit_keeps_threads_for_requests);
    return TEST_SUMMARY();
}
