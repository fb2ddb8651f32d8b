/*  edge contests: body validation (each bad field named), RFC 3339 and RELTIME, the CLICS
 *  mappers from contest actor objects, and the scoreboard cache (generations, TTL, bounds). */
#include "clics.h"
#include "gv_test.h"
#include "json_mp.h"
#include "sbcache.h"
#include "validate.h"

#include <jansson.h>
#include <msgpack.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static json_t *J(const char *text)
{
    json_error_t e;
    json_t *j = json_loads(text, JSON_REJECT_DUPLICATES, &e);
    if (!j) fprintf(stderr, "test JSON does not parse: %s: %s\n", text, e.text);
    return j;
}

/* A msgpack object decoded from JSON text; lives until mp_free(). */
typedef struct {
    msgpack_sbuffer sb;
    msgpack_unpacked up;
} mp_t;

static const msgpack_object *MP(mp_t *m, const char *text)
{
    json_t *j = J(text);
    msgpack_sbuffer_init(&m->sb);
    msgpack_packer pk;
    msgpack_packer_init(&pk, &m->sb, msgpack_sbuffer_write);
    msgpack_unpacked_init(&m->up);
    if (!j || edge_json_to_mp(&pk, j, 16) != 0) {
        json_decref(j);
        return NULL;
    }
    json_decref(j);
    size_t off = 0;
    if (msgpack_unpack_next(&m->up, m->sb.data, m->sb.size, &off) != MSGPACK_UNPACK_SUCCESS)
        return NULL;
    return &m->up.data;
}

static void mp_free(mp_t *m)
{
    msgpack_unpacked_destroy(&m->up);
    msgpack_sbuffer_destroy(&m->sb);
}

/* j's member `key` as compact JSON text (static buffer), "<absent>" when missing. */
static const char *F(const json_t *j, const char *key)
{
    static char buf[4][512];
    static int next;
    char *b = buf[next++ % 4];
    const json_t *v = json_object_get(j, key);
    if (!v) return "<absent>";
    char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY | JSON_REAL_PRECISION(12));
    snprintf(b, sizeof buf[0], "%s", s ? s : "<oom>");
    free(s);
    return b;
}

/* ---- contest bodies ------------------------------------------------------------------- */

#define GOOD_PROBLEMS "[{\"problem_id\":\"7\",\"label\":\"A\"},{\"problem_id\":9,\"label\":\"B-2\",\"points\":250}]"

#define EXPECT_BAD_CONTEST(text, field)                                                            \
    do {                                                                                           \
        json_t *j = J(text);                                                                       \
        edge_contest_t c;                                                                          \
        edge_err_t err = {0};                                                                      \
        CHECK(j && edge_v_contest(j, &c, &err) == -1);                                             \
        CHECK(err.status == 400);                                                                  \
        CHECK_STR(err.code, "invalid_field");                                                      \
        CHECK_CONTAINS(err.message, "`" field);                                                    \
        json_decref(j);                                                                            \
    } while (0)

static void contest_body_good_with_defaults(void)
{
    json_t *j = J("{\"title\":\"Spring\",\"start_time\":\"2026-05-01T10:00:00Z\",\"duration_s\":18000,"
                  "\"scoring\":\"icpc\",\"problems\":" GOOD_PROBLEMS "}");
    edge_contest_t c;
    edge_err_t err;
    CHECK(edge_v_contest(j, &c, &err) == 0);
    CHECK_STR(c.title, "Spring");
    CHECK(c.start_ms == 1777629600000ull);
    CHECK(c.duration_s == 18000);
    CHECK(!c.has_freeze);
    CHECK(c.penalty_min == 20);
    CHECK_STR(c.scoring, "icpc");
    CHECK(c.n_problems == 2);
    CHECK(c.problems[0].problem_id == 7 && strcmp(c.problems[0].label, "A") == 0);
    CHECK(c.problems[0].points == 1.0);
    CHECK(c.problems[1].problem_id == 9 && c.problems[1].points == 250.0);
    json_decref(j);
}

static void contest_body_points_default_by_scoring(void)
{
    const char *scorings[] = {"ioi", "cf"};
    double want[] = {100.0, 500.0};
    for (int i = 0; i < 2; i++) {
        char text[512];
        snprintf(text, sizeof text,
                 "{\"title\":\"T\",\"start_time\":\"2026-05-01T12:00:00+02:00\",\"duration_s\":"
                 "3600,\"scoring\":\"%s\",\"freeze_s\":600,\"penalty_min\":0,\"problems\":"
                 "[{\"problem_id\":1,\"label\":\"A\"}]}",
                 scorings[i]);
        json_t *j = J(text);
        edge_contest_t c;
        edge_err_t err;
        CHECK(edge_v_contest(j, &c, &err) == 0);
        CHECK(c.problems[0].points == want[i]);
        CHECK(c.has_freeze && c.freeze_s == 600);
        CHECK(c.penalty_min == 0);
        CHECK(c.start_ms == 1777629600000ull); /* 12:00+02:00 = 10:00Z */
        json_decref(j);
    }
}

static void contest_body_names_each_bad_field(void)
{
#define HEAD "{\"start_time\":\"2026-05-01T10:00:00Z\",\"duration_s\":3600,\"scoring\":\"icpc\","
    EXPECT_BAD_CONTEST(HEAD "\"problems\":[]}", "title");
    EXPECT_BAD_CONTEST(HEAD "\"title\":\"\",\"problems\":[]}", "title");
    EXPECT_BAD_CONTEST(HEAD "\"title\":5,\"problems\":[]}", "title");
#undef HEAD
#define T "{\"title\":\"T\","
    EXPECT_BAD_CONTEST(T "\"duration_s\":3600,\"scoring\":\"icpc\",\"problems\":[]}", "start_time");
    EXPECT_BAD_CONTEST(T "\"start_time\":\"tomorrow\",\"duration_s\":3600,\"scoring\":\"icpc\","
                         "\"problems\":[]}",
                       "start_time");
    EXPECT_BAD_CONTEST(T "\"start_time\":\"2026-02-30T10:00:00Z\",\"duration_s\":3600,"
                         "\"scoring\":\"icpc\",\"problems\":[]}",
                       "start_time");
    EXPECT_BAD_CONTEST(T "\"start_time\":\"2026-05-01T10:00:00\",\"duration_s\":3600,"
                         "\"scoring\":\"icpc\",\"problems\":[]}",
                       "start_time");
#define TS T "\"start_time\":\"2026-05-01T10:00:00Z\","
    EXPECT_BAD_CONTEST(TS "\"scoring\":\"icpc\",\"problems\":[]}", "duration_s");
    EXPECT_BAD_CONTEST(TS "\"duration_s\":0,\"scoring\":\"icpc\",\"problems\":[]}", "duration_s");
    EXPECT_BAD_CONTEST(TS "\"duration_s\":31536001,\"scoring\":\"icpc\",\"problems\":[]}",
                       "duration_s");
    EXPECT_BAD_CONTEST(TS "\"duration_s\":\"1h\",\"scoring\":\"icpc\",\"problems\":[]}",
                       "duration_s");
    EXPECT_BAD_CONTEST(TS "\"duration_s\":3600,\"problems\":[]}", "scoring");
    EXPECT_BAD_CONTEST(TS "\"duration_s\":3600,\"scoring\":\"acm\",\"problems\":[]}", "scoring");
#define TSD TS "\"duration_s\":3600,\"scoring\":\"icpc\","
    EXPECT_BAD_CONTEST(TSD "\"freeze_s\":3600,\"problems\":[]}", "freeze_s");
    EXPECT_BAD_CONTEST(TSD "\"freeze_s\":-1,\"problems\":[]}", "freeze_s");
    EXPECT_BAD_CONTEST(TSD "\"penalty_min\":100000,\"problems\":[]}", "penalty_min");
    EXPECT_BAD_CONTEST(TSD "\"penalty_min\":1.5,\"problems\":[]}", "penalty_min");
    EXPECT_BAD_CONTEST(TSD "\"x\":1}", "problems");
    EXPECT_BAD_CONTEST(TSD "\"problems\":{}}", "problems");
    EXPECT_BAD_CONTEST(TSD "\"problems\":[5]}", "problems[0]");
    EXPECT_BAD_CONTEST(TSD "\"problems\":[{\"label\":\"A\"}]}", "problems[0].problem_id");
    EXPECT_BAD_CONTEST(TSD "\"problems\":[{\"problem_id\":\"x1\",\"label\":\"A\"}]}",
                       "problems[0].problem_id");
    EXPECT_BAD_CONTEST(TSD "\"problems\":[{\"problem_id\":1}]}", "problems[0].label");
    EXPECT_BAD_CONTEST(TSD "\"problems\":[{\"problem_id\":1,\"label\":\"A B\"}]}",
                       "problems[0].label");
    EXPECT_BAD_CONTEST(TSD "\"problems\":[{\"problem_id\":1,\"label\":\"ABCDEFGHIJKLMNOPQ\"}]}",
                       "problems[0].label");
    EXPECT_BAD_CONTEST(TSD "\"problems\":[{\"problem_id\":1,\"label\":\"\"}]}",
                       "problems[0].label");
    EXPECT_BAD_CONTEST(TSD "\"problems\":[{\"problem_id\":1,\"label\":\"A\"},"
                           "{\"problem_id\":2,\"label\":\"A\"}]}",
                       "problems[1].label");
    EXPECT_BAD_CONTEST(TSD "\"problems\":[{\"problem_id\":1,\"label\":\"A\"},"
                           "{\"problem_id\":\"1\",\"label\":\"B\"}]}",
                       "problems[1].problem_id");
    EXPECT_BAD_CONTEST(TSD "\"problems\":[{\"problem_id\":1,\"label\":\"A\",\"points\":0}]}",
                       "problems[0].points");
    EXPECT_BAD_CONTEST(TSD "\"problems\":[{\"problem_id\":1,\"label\":\"A\",\"points\":\"5\"}]}",
                       "problems[0].points");
    EXPECT_BAD_CONTEST(TSD "\"problems\":[{\"problem_id\":1,\"label\":\"A\",\"points\":1e7}]}",
                       "problems[0].points");
    /* 101 problems */
    char *big = malloc(8192);
    size_t n = (size_t)snprintf(big, 8192, "%s", TSD "\"problems\":[");
    for (int i = 0; i < 101; i++)
        n += (size_t)snprintf(big + n, 8192 - n, "%s{\"problem_id\":%d,\"label\":\"P%d\"}",
                              i ? "," : "", i + 1, i);
    snprintf(big + n, 8192 - n, "]}");
    EXPECT_BAD_CONTEST(big, "problems");
    free(big);
#undef TSD
#undef TS
#undef T
}

static void contest_body_freeze_zero_means_none(void)
{
    json_t *j = J("{\"title\":\"T\",\"start_time\":\"2026-05-01T10:00:00.5Z\",\"duration_s\":60,"
                  "\"scoring\":\"cf\",\"freeze_s\":0,\"penalty_min\":null,\"problems\":[]}");
    edge_contest_t c;
    edge_err_t err;
    CHECK(edge_v_contest(j, &c, &err) == 0);
    CHECK(!c.has_freeze);
    CHECK(c.penalty_min == 20);
    CHECK(c.start_ms == 1777629600500ull);
    CHECK(c.n_problems == 0);
    json_decref(j);
}

/* ---- RFC 3339 ------------------------------------------------------------------------- */

static void rfc3339_parses_offsets_fractions_and_rejects_nonsense(void)
{
    uint64_t ms = 0;
#define P(s) edge_rfc3339_parse(s, strlen(s), &ms)
    CHECK(P("1970-01-01T00:00:00Z") == 0 && ms == 0);
    CHECK(P("2000-02-29T12:34:56.789Z") == 0 && ms == 951827696789ull);
    CHECK(P("2000-02-29T12:34:56.7891234z") == 0 && ms == 951827696789ull);
    CHECK(P("2026-11-21T10:00:00.123Z") == 0 && ms == 1795255200123ull);
    CHECK(P("2026-11-21T05:30:00-04:30") == 0 && ms == 1795255200000ull);
    CHECK(P("2026-11-21t10:00:00+00:00") == 0 && ms == 1795255200000ull);
    CHECK(P("2026-12-31T23:59:60Z") == 0); /* leap second reads as :59 */
    CHECK(P("2001-02-29T00:00:00Z") == -1);
    CHECK(P("2026-13-01T00:00:00Z") == -1);
    CHECK(P("2026-01-01T24:00:00Z") == -1);
    CHECK(P("2026-01-01 10:00:00Z") == -1);
    CHECK(P("2026-01-01T10:00:00") == -1);
    CHECK(P("2026-01-01T10:00:00.Z") == -1);
    CHECK(P("2026-01-01T10:00:00+0100") == -1);
    CHECK(P("2026-01-01T10:00:00Zjunk") == -1);
    CHECK(P("1969-12-31T23:59:59Z") == -1);
    CHECK(P("1970-01-01T00:30:00+01:00") == -1); /* before the epoch */
    CHECK(P("") == -1);
#undef P
}

/* ---- clarifications, announcements, queries ------------------------------------------ */

static void clarification_bodies_name_their_fields(void)
{
    edge_clar_ask_t a;
    edge_clar_staff_t s;
    edge_announce_t an;
    edge_err_t err = {0};
    json_t *j = J("{\"text\":\"Is n > 0?\",\"problem_id\":\"3\"}");
    CHECK(edge_v_clar_ask(j, &a, &err) == 0 && a.has_problem && a.problem_id == 3 &&
          a.text_len == 9);
    json_decref(j);
#define BAD(call, text, field)                                                                     \
    do {                                                                                           \
        json_t *jj = J(text);                                                                      \
        err.message[0] = '\0';                                                                     \
        CHECK(jj && (call) == -1);                                                                 \
        CHECK_CONTAINS(err.message, "`" field "`");                                                \
        json_decref(jj);                                                                           \
    } while (0)
    BAD(edge_v_clar_ask(jj, &a, &err), "{}", "text");
    BAD(edge_v_clar_ask(jj, &a, &err), "{\"text\":\"\"}", "text");
    BAD(edge_v_clar_ask(jj, &a, &err), "{\"text\":\"q\",\"problem_id\":true}", "problem_id");

    j = J("{\"reply_to\":12,\"text\":\"Yes.\",\"public\":true}");
    CHECK(edge_v_clar_staff(j, &s, &err) == 0 && s.has_reply_to && s.reply_to == 12 && s.is_public);
    json_decref(j);
    j = J("{\"text\":\"Hello all\",\"to_user_id\":\"5\"}");
    CHECK(edge_v_clar_staff(j, &s, &err) == 0 && !s.has_reply_to && s.has_to_user &&
          s.to_user_id == 5);
    json_decref(j);
    BAD(edge_v_clar_staff(jj, &s, &err), "{\"reply_to\":1}", "text");
    BAD(edge_v_clar_staff(jj, &s, &err), "{\"reply_to\":1,\"text\":\"a\",\"public\":1}", "public");
    BAD(edge_v_clar_staff(jj, &s, &err), "{\"reply_to\":\"x\",\"text\":\"a\"}", "reply_to");
    BAD(edge_v_clar_staff(jj, &s, &err), "{\"reply_to\":1,\"text\":\"a\",\"to_user_id\":2}",
        "to_user_id");
    BAD(edge_v_clar_staff(jj, &s, &err), "{\"text\":\"a\",\"public\":true}", "public");

    j = J("{\"text\":\"Break\",\"title\":\"Notice\"}");
    CHECK(edge_v_announce(j, &an, &err) == 0 && strcmp(an.title, "Notice") == 0 && !an.has_to_user);
    json_decref(j);
    BAD(edge_v_announce(jj, &an, &err), "{\"title\":\"x\"}", "text");
    BAD(edge_v_announce(jj, &an, &err), "{\"text\":\"x\",\"title\":\"\"}", "title");
    char *long_text = malloc(EDGE_CLAR_TEXT_MAX + 64);
    memset(long_text, 0, EDGE_CLAR_TEXT_MAX + 64);
    strcpy(long_text, "{\"text\":\"");
    memset(long_text + 9, 'a', EDGE_CLAR_TEXT_MAX + 1);
    strcat(long_text, "\"}");
    BAD(edge_v_announce(jj, &an, &err), long_text, "text");
    free(long_text);
#undef BAD
}

static void page_and_view_queries(void)
{
    edge_page_query_t q;
    edge_err_t err = {0};
    CHECK(edge_v_page_query(NULL, &q, &err) == 0 && !q.has_page && !q.has_per_page);
    CHECK(edge_v_page_query("page=2&per_page=50", &q, &err) == 0 && q.page == 2 &&
          q.per_page == 50);
    CHECK(edge_v_page_query("page=0", &q, &err) == -1);
    CHECK_CONTAINS(err.message, "`page`");
    CHECK(edge_v_page_query("per_page=100000", &q, &err) == -1);
    CHECK_CONTAINS(err.message, "`per_page`");
    CHECK(edge_v_view_query(NULL, &err) == EDGE_VIEW_ABSENT);
    CHECK(edge_v_view_query("x=1", &err) == EDGE_VIEW_ABSENT);
    CHECK(edge_v_view_query("view=public", &err) == EDGE_VIEW_PUBLIC);
    CHECK(edge_v_view_query("view=jury", &err) == EDGE_VIEW_JURY);
    CHECK(edge_v_view_query("view=live", &err) == -1);
    CHECK_CONTAINS(err.message, "`view`");
}

/* ---- RELTIME and times ---------------------------------------------------------------- */

static void reltime_has_hours_minutes_seconds_and_millis(void)
{
    char b[CLICS_TIME_MAX];
    clics_reltime(0, b, sizeof b);
    CHECK_STR(b, "0:00:00.000");
    clics_reltime(5 * 3600000, b, sizeof b);
    CHECK_STR(b, "5:00:00.000");
    clics_reltime(4 * 3600000 + 13 * 60000 + 7832, b, sizeof b);
    CHECK_STR(b, "4:13:07.832");
    clics_reltime(-(15 * 60000 + 32457), b, sizeof b);
    CHECK_STR(b, "-0:15:32.457");
    clics_reltime(123LL * 3600000 + 59 * 60000 + 59999, b, sizeof b);
    CHECK_STR(b, "123:59:59.999");
    clics_reltime(INT64_MIN, b, sizeof b); /* no overflow */
    CHECK(b[0] == '-');
    clics_time(1795255200123ull, b, sizeof b);
    CHECK_STR(b, "2026-11-21T10:00:00.123Z");
}

/* ---- CLICS mappers -------------------------------------------------------------------- */

#define CONTEST_JSON                                                                               \
    "{\"id\":\"42\",\"title\":\"Spring Cup\",\"start_time\":\"2026-05-01T10:00:00.000Z\","        \
    "\"end_time\":\"2026-05-01T15:00:00.000Z\",\"duration_s\":18000,\"freeze_s\":3600,"          \
    "\"freeze_time\":\"2026-05-01T14:00:00.000Z\",\"scoring\":\"icpc\",\"penalty_min\":20,"      \
    "\"state\":\"running\",\"thawed\":false,\"finalized\":false,\"problems\":["                  \
    "{\"problem_id\":\"7\",\"label\":\"A\",\"points\":1,\"subtasks\":[]},"                         \
    "{\"problem_id\":\"9\",\"label\":\"B\",\"points\":1,\"subtasks\":[]}],\"contestants\":2}"

#define T0 1777629600000ull /* 2026-05-01T10:00:00Z */

static void clics_contest_and_state(void)
{
    mp_t m;
    const msgpack_object *o = MP(&m, CONTEST_JSON);
    clics_contest_t c;
    CHECK(o && clics_contest_parse(o, &c) == 0);
    CHECK(c.id == 42 && c.start_ms == T0 && c.end_ms == T0 + 18000000);
    CHECK(c.has_freeze && c.freeze_ms == T0 + 14400000);
    CHECK(!c.score_type && c.penalty_min == 20);
    json_t *j = clics_contest_json(o, &c);
    CHECK_STR(F(j, "id"), "\"42\"");
    CHECK_STR(F(j, "name"), "\"Spring Cup\"");
    CHECK_STR(F(j, "formal_name"), "\"Spring Cup\"");
    CHECK_STR(F(j, "start_time"), "\"2026-05-01T10:00:00.000Z\"");
    CHECK_STR(F(j, "duration"), "\"5:00:00.000\"");
    CHECK_STR(F(j, "scoreboard_freeze_duration"), "\"1:00:00.000\"");
    CHECK_STR(F(j, "scoreboard_type"), "\"pass-fail\"");
    CHECK_STR(F(j, "penalty_time"), "20");
    json_decref(j);

    json_t *s = clics_state_json(&c, T0 - 1);
    CHECK_STR(F(s, "started"), "null");
    CHECK_STR(F(s, "frozen"), "null");
    CHECK_STR(F(s, "thawed"), "null");
    CHECK_STR(F(s, "end_of_updates"), "null");
    json_decref(s);
    s = clics_state_json(&c, T0 + 14400000);
    CHECK_STR(F(s, "started"), "\"2026-05-01T10:00:00.000Z\"");
    CHECK_STR(F(s, "frozen"), "\"2026-05-01T14:00:00.000Z\"");
    CHECK_STR(F(s, "ended"), "null");
    json_decref(s);
    c.thawed = true;
    c.thawed_ms = T0 + 18060000;
    c.finalized = true;
    c.finalized_ms = T0 + 18000500;
    s = clics_state_json(&c, T0 + 20000000);
    CHECK_STR(F(s, "ended"), "\"2026-05-01T15:00:00.000Z\"");
    CHECK_STR(F(s, "thawed"), "\"2026-05-01T15:01:00.000Z\"");
    CHECK_STR(F(s, "finalized"), "\"2026-05-01T15:00:00.500Z\"");
    CHECK_STR(F(s, "end_of_updates"), "\"2026-05-01T15:01:00.000Z\"");
    json_decref(s);
    mp_free(&m);

    /* without a freeze: no frozen/thawed keys; score contests are "score" */
    o = MP(&m, "{\"id\":\"1\",\"start_time\":\"2026-05-01T10:00:00Z\",\"duration_s\":60,"
               "\"freeze_s\":null,\"scoring\":\"ioi\",\"finalized\":true}");
    CHECK(o && clics_contest_parse(o, &c) == 0);
    CHECK(!c.has_freeze && c.score_type && c.finalized && c.end_ms == T0 + 60000);
    j = clics_contest_json(o, &c);
    CHECK_STR(F(j, "scoreboard_type"), "\"score\"");
    CHECK_STR(F(j, "scoreboard_freeze_duration"), "<absent>");
    CHECK_STR(F(j, "name"), "\"Contest 1\"");
    json_decref(j);
    s = clics_state_json(&c, T0 + 61000);
    CHECK_STR(F(s, "frozen"), "<absent>");
    CHECK_STR(F(s, "finalized"), "\"2026-05-01T10:01:00.000Z\"");
    CHECK_STR(F(s, "end_of_updates"), "\"2026-05-01T10:01:00.000Z\"");
    json_decref(s);
    mp_free(&m);

    CHECK(MP(&m, "{\"id\":\"x\",\"start_time\":\"2026-05-01T10:00:00Z\",\"duration_s\":60}") &&
          clics_contest_parse(&m.up.data, &c) == -1);
    mp_free(&m);
}

static void clics_judgement_types_follow_the_rules(void)
{
    json_t *a = clics_judgement_types_json();
    CHECK(json_array_size(a) == 8);
    json_t *ac = clics_judgement_type_json("AC"), *ce = clics_judgement_type_json("CE");
    json_t *wa = clics_judgement_type_json("WA"), *je = clics_judgement_type_json("JE");
    CHECK_STR(F(ac, "solved"), "true");
    CHECK_STR(F(ac, "penalty"), "false");
    CHECK_STR(F(wa, "penalty"), "true");
    CHECK_STR(F(wa, "solved"), "false");
    CHECK_STR(F(ce, "penalty"), "false");
    CHECK_STR(F(je, "penalty"), "false");
    CHECK_STR(F(je, "name"), "\"Judging Error\"");
    CHECK(clics_judgement_type_json("XX") == NULL);
    json_decref(a);
    json_decref(ac);
    json_decref(ce);
    json_decref(wa);
    json_decref(je);
    json_t *l = clics_language_json("cpp", NULL);
    CHECK_STR(F(l, "name"), "\"C++\"");
    CHECK_STR(F(l, "extensions"), "[\"cpp\",\"cc\",\"cxx\",\"c++\"]");
    CHECK_STR(F(l, "entry_point_required"), "false");
    json_decref(l);
    l = clics_language_json("zig", "Zig 0.13");
    CHECK_STR(F(l, "name"), "\"Zig 0.13\"");
    CHECK_STR(F(l, "extensions"), "[]");
    json_decref(l);
}

static void clics_team_and_problem(void)
{
    mp_t m, p, cm;
    const msgpack_object *u = MP(&m, "{\"user_id\":\"15\",\"username\":\"alice\"}");
    json_t *t = clics_team_json(u);
    CHECK_STR(F(t, "id"), "\"15\"");
    CHECK_STR(F(t, "label"), "\"15\"");
    CHECK_STR(F(t, "name"), "\"alice\"");
    CHECK_STR(F(t, "display_name"), "\"alice\"");
    json_decref(t);
    mp_free(&m);

    clics_contest_t c;
    CHECK(clics_contest_parse(MP(&cm, CONTEST_JSON), &c) == 0);
    const msgpack_object *cp = MP(&m, "{\"problem_id\":\"7\",\"label\":\"A\",\"points\":1}");
    const msgpack_object *prob =
        MP(&p, "{\"id\":\"7\",\"title\":\"Sum\",\"time_limit_ms\":1500,\"subtasks\":[]}");
    json_t *j = clics_problem_json(cp, 1, prob, 12, &c);
    CHECK_STR(F(j, "id"), "\"7\"");
    CHECK_STR(F(j, "label"), "\"A\"");
    CHECK_STR(F(j, "name"), "\"Sum\"");
    CHECK_STR(F(j, "ordinal"), "1");
    CHECK_STR(F(j, "time_limit"), "1.5");
    CHECK_STR(F(j, "test_data_count"), "12");
    CHECK_STR(F(j, "max_score"), "<absent>");
    json_decref(j);
    /* unknown problem: the label names it; a score contest has max_score from subtasks */
    c.score_type = true;
    snprintf(c.scoring, sizeof c.scoring, "ioi");
    mp_free(&m);
    cp = MP(&m, "{\"problem_id\":\"8\",\"label\":\"C\",\"points\":100,"
                "\"subtasks\":[{\"group\":\"g1\",\"points\":30},{\"group\":\"g2\",\"points\":70.5}]}");
    j = clics_problem_json(cp, 3, NULL, -1, &c);
    CHECK_STR(F(j, "name"), "\"C\"");
    CHECK_STR(F(j, "time_limit"), "<absent>");
    CHECK_STR(F(j, "test_data_count"), "<absent>");
    CHECK_STR(F(j, "max_score"), "100.5");
    json_decref(j);
    mp_free(&m);
    mp_free(&p);
    mp_free(&cm);
}

#define CSUB_JUDGED                                                                                \
    "{\"id\":\"31\",\"user_id\":\"15\",\"problem_id\":\"7\",\"label\":\"A\",\"language\":\"java\"," \
    "\"submitted_at\":\"2026-05-01T11:22:05.034Z\",\"contest_time_min\":82,\"status\":\"done\","  \
    "\"verdict\":\"WA\",\"attempt\":2,\"judged_at\":\"2026-05-01T11:22:07.000Z\","               \
    "\"tests\":[{\"n\":1,\"verdict\":\"AC\",\"time_ms\":120},{\"n\":2,\"verdict\":\"WA\","        \
    "\"time_ms\":1500}]}"

static void clics_submission_judgement_runs(void)
{
    mp_t cm, m;
    clics_contest_t c;
    CHECK(clics_contest_parse(MP(&cm, CONTEST_JSON), &c) == 0);
    const msgpack_object *s = MP(&m, CSUB_JUDGED);
    json_t *j = clics_submission_json(s, &c);
    CHECK_STR(F(j, "id"), "\"31\"");
    CHECK_STR(F(j, "language_id"), "\"java\"");
    CHECK_STR(F(j, "problem_id"), "\"7\"");
    CHECK_STR(F(j, "team_id"), "\"15\"");
    CHECK_STR(F(j, "time"), "\"2026-05-01T11:22:05.034Z\"");
    CHECK_STR(F(j, "contest_time"), "\"1:22:05.034\"");
    CHECK_STR(F(j, "entry_point"), "\"Main\"");
    CHECK_STR(F(j, "files"), "[]");
    json_decref(j);

    j = clics_judgement_json(s, &c);
    CHECK_STR(F(j, "id"), "\"31\"");
    CHECK_STR(F(j, "submission_id"), "\"31\"");
    CHECK_STR(F(j, "judgement_type_id"), "\"WA\"");
    CHECK_STR(F(j, "start_contest_time"), "\"1:22:05.034\"");
    CHECK_STR(F(j, "end_time"), "\"2026-05-01T11:22:07.000Z\"");
    CHECK_STR(F(j, "end_contest_time"), "\"1:22:07.000\"");
    CHECK_STR(F(j, "max_run_time"), "1.5");
    json_decref(j);

    json_t *runs = clics_runs_json(s, &c);
    CHECK(json_array_size(runs) == 2);
    json_t *r2 = json_array_get(runs, 1);
    CHECK_STR(F(r2, "id"), "\"31000002\"");
    CHECK_STR(F(r2, "judgement_id"), "\"31\"");
    CHECK_STR(F(r2, "ordinal"), "2");
    CHECK_STR(F(r2, "judgement_type_id"), "\"WA\"");
    CHECK_STR(F(r2, "run_time"), "1.5");
    CHECK_STR(F(json_array_get(runs, 0), "run_time"), "0.12");
    CHECK_STR(F(r2, "contest_time"), "\"1:22:07.000\"");
    json_decref(runs);
    mp_free(&m);

    /* pending: a submission, no judgement, no runs; c/cpp have a null entry point */
    s = MP(&m, "{\"id\":\"32\",\"user_id\":\"15\",\"problem_id\":\"9\",\"language\":\"cpp\","
               "\"submitted_at\":\"2026-05-01T09:59:00.000Z\",\"status\":\"running\","
               "\"verdict\":null,\"attempt\":1,\"judged_at\":null,\"tests\":[]}");
    j = clics_submission_json(s, &c);
    CHECK_STR(F(j, "entry_point"), "null");
    CHECK_STR(F(j, "contest_time"), "\"-0:01:00.000\"");
    json_decref(j);
    CHECK(clics_judgement_json(s, &c) == NULL);
    runs = clics_runs_json(s, &c);
    CHECK(runs && json_array_size(runs) == 0);
    json_decref(runs);
    mp_free(&m);
    /* malformed: no submission */
    s = MP(&m, "{\"id\":\"33\",\"user_id\":\"15\",\"problem_id\":\"9\"}");
    CHECK(clics_submission_json(s, &c) == NULL);
    mp_free(&m);
    mp_free(&cm);
}

static void clics_clarifications_split_questions_and_answers(void)
{
    mp_t cm, m;
    clics_contest_t c;
    CHECK(clics_contest_parse(MP(&cm, CONTEST_JSON), &c) == 0);
    json_t *a = json_array();
    /* answered privately */
    const msgpack_object *q =
        MP(&m, "{\"id\":\"4\",\"kind\":\"clarification\",\"from_user_id\":\"15\",\"to_user_id\":null,"
               "\"username\":\"alice\",\"problem_id\":\"7\",\"label\":\"A\",\"question\":\"n>0?\","
               "\"answer\":\"Yes.\",\"title\":null,\"public\":false,"
               "\"created_at\":\"2026-05-01T10:05:00.000Z\",\"answered_at\":\"2026-05-01T10:06:00.000Z\"}");
    CHECK(clics_clar_append(a, q, &c) == 0);
    mp_free(&m);
    CHECK(json_array_size(a) == 2);
    json_t *qq = json_array_get(a, 0), *aa = json_array_get(a, 1);
    CHECK_STR(F(qq, "id"), "\"4\"");
    CHECK_STR(F(qq, "from_team_id"), "\"15\"");
    CHECK_STR(F(qq, "to_team_id"), "null");
    CHECK_STR(F(qq, "reply_to_id"), "null");
    CHECK_STR(F(qq, "problem_id"), "\"7\"");
    CHECK_STR(F(qq, "text"), "\"n>0?\"");
    CHECK_STR(F(qq, "contest_time"), "\"0:05:00.000\"");
    CHECK_STR(F(aa, "id"), "\"1000000000004\"");
    CHECK_STR(F(aa, "from_team_id"), "null");
    CHECK_STR(F(aa, "to_team_id"), "\"15\"");
    CHECK_STR(F(aa, "reply_to_id"), "\"4\"");
    CHECK_STR(F(aa, "text"), "\"Yes.\"");
    CHECK_STR(F(aa, "time"), "\"2026-05-01T10:06:00.000Z\"");
    /* answered to everyone: to_team_id null */
    q = MP(&m, "{\"id\":\"5\",\"kind\":\"clarification\",\"from_user_id\":\"16\",\"question\":\"?\","
               "\"answer\":\"All: yes\",\"public\":true,\"created_at\":\"2026-05-01T10:05:00Z\"}");
    CHECK(clics_clar_append(a, q, &c) == 0);
    mp_free(&m);
    CHECK(json_array_size(a) == 4);
    CHECK_STR(F(json_array_get(a, 3), "to_team_id"), "null");
    CHECK_STR(F(json_array_get(a, 3), "time"), "\"2026-05-01T10:05:00.000Z\"");
    /* unanswered: only the question */
    q = MP(&m, "{\"id\":\"6\",\"kind\":\"clarification\",\"from_user_id\":\"16\",\"question\":\"?\","
               "\"answer\":null,\"public\":false,\"created_at\":\"2026-05-01T10:05:00Z\"}");
    CHECK(clics_clar_append(a, q, &c) == 0);
    mp_free(&m);
    CHECK(json_array_size(a) == 5);
    /* announcement with a title, to one team */
    q = MP(&m, "{\"id\":\"7\",\"kind\":\"announcement\",\"from_user_id\":null,\"to_user_id\":\"16\","
               "\"answer\":\"Lunch is served\",\"title\":\"Break\",\"public\":false,"
               "\"created_at\":\"2026-05-01T09:45:00Z\"}");
    CHECK(clics_clar_append(a, q, &c) == 0);
    mp_free(&m);
    CHECK(json_array_size(a) == 6);
    json_t *an = json_array_get(a, 5);
    CHECK_STR(F(an, "id"), "\"7\"");
    CHECK_STR(F(an, "from_team_id"), "null");
    CHECK_STR(F(an, "to_team_id"), "\"16\"");
    CHECK_STR(F(an, "text"), "\"Break\\n\\nLunch is served\"");
    CHECK_STR(F(an, "contest_time"), "\"-0:15:00.000\"");
    json_decref(a);
    mp_free(&cm);
}

static void clics_scoreboard_maps_rows_and_cells(void)
{
    mp_t cm, m;
    const msgpack_object *contest = MP(&cm, CONTEST_JSON);
    clics_contest_t c;
    CHECK(clics_contest_parse(contest, &c) == 0);
    const msgpack_object *board = MP(
        &m, "{\"contest_id\":\"42\",\"frozen\":false,\"scoring\":\"icpc\",\"rows\":["
            "{\"rank\":1,\"user_id\":\"15\",\"username\":\"alice\",\"solved\":2,\"penalty\":95,"
            "\"score\":2,\"last_ac_min\":55,\"problems\":["
            "{\"label\":\"A\",\"solved\":true,\"attempts\":2,\"pending\":0,\"time_min\":20,"
            "\"score\":1,\"first_to_solve\":true},"
            "{\"label\":\"B\",\"solved\":true,\"attempts\":1,\"pending\":1,\"time_min\":55,"
            "\"score\":1,\"first_to_solve\":false}]},"
            "{\"rank\":2,\"user_id\":\"16\",\"username\":\"bob\",\"solved\":0,\"penalty\":0,"
            "\"score\":0,\"last_ac_min\":null,\"problems\":["
            "{\"label\":\"A\",\"solved\":false,\"attempts\":3,\"pending\":0,\"time_min\":null,"
            "\"score\":0,\"first_to_solve\":false},"
            "{\"label\":\"Z\",\"solved\":false,\"attempts\":0,\"pending\":0}]}]}");
    json_t *sb = clics_scoreboard_json(board, contest, &c, T0 + 3600000);
    CHECK_STR(F(sb, "time"), "\"2026-05-01T11:00:00.000Z\"");
    CHECK_STR(F(sb, "contest_time"), "\"1:00:00.000\"");
    CHECK_STR(F(json_object_get(sb, "state"), "started"), "\"2026-05-01T10:00:00.000Z\"");
    json_t *rows = json_object_get(sb, "rows");
    CHECK(json_array_size(rows) == 2);
    json_t *r1 = json_array_get(rows, 0), *r2 = json_array_get(rows, 1);
    CHECK_STR(F(r1, "rank"), "1");
    CHECK_STR(F(r1, "team_id"), "\"15\"");
    CHECK_STR(F(r1, "score"), "{\"num_solved\":2,\"total_time\":95,\"time\":55}");
    json_t *cells = json_object_get(r1, "problems");
    CHECK(json_array_size(cells) == 2);
    CHECK_STR(F(json_array_get(cells, 0), "problem_id"), "\"7\"");
    CHECK_STR(F(json_array_get(cells, 0), "num_judged"), "2");
    CHECK_STR(F(json_array_get(cells, 0), "time"), "20");
    CHECK_STR(F(json_array_get(cells, 0), "first_to_solve"), "true");
    CHECK_STR(F(json_array_get(cells, 1), "problem_id"), "\"9\"");
    CHECK_STR(F(json_array_get(cells, 1), "num_pending"), "1");
    CHECK_STR(F(r2, "score"), "{\"num_solved\":0,\"total_time\":0}");
    cells = json_object_get(r2, "problems");
    CHECK(json_array_size(cells) == 1); /* label Z is not in the contest */
    CHECK_STR(F(json_array_get(cells, 0), "time"), "<absent>");
    CHECK_STR(F(json_array_get(cells, 0), "solved"), "false");
    json_decref(sb);
    mp_free(&m);
    mp_free(&cm);
}

static void clics_feed_lines_are_single_json_objects(void)
{
    edge_buf_t b;
    edge_buf_init(&b, 0);
    CHECK(clics_feed_line(&b, "submissions", "31", json_pack("{s:s}", "id", "31"), "17") == 0);
    CHECK(clics_feed_line(&b, "state", NULL, json_object(), NULL) == 0);
    CHECK(clics_feed_line(&b, "runs", "31000001", NULL, "18") == 0);
    CHECK_STR(edge_buf_cstr(&b),
              "{\"type\":\"submissions\",\"id\":\"31\",\"data\":{\"id\":\"31\"},\"token\":\"17\"}\n"
              "{\"type\":\"state\",\"id\":null,\"data\":{}}\n"
              "{\"type\":\"runs\",\"id\":\"31000001\",\"data\":null,\"token\":\"18\"}\n");
    edge_buf_release(&b);
}

/* ---- sbcache -------------------------------------------------------------------------- */

static void sbcache_hit_miss_and_views(void)
{
    sbcache_configure(10000, 0, 0);
    char *body;
    size_t len;
    CHECK(!sbcache_get(1, SBCACHE_PUBLIC, &body, &len));
    uint64_t g = sbcache_generation(1);
    sbcache_put(1, SBCACHE_PUBLIC, g, "{\"rows\":[]}", 11);
    CHECK(sbcache_get(1, SBCACHE_PUBLIC, &body, &len));
    CHECK(len == 11 && memcmp(body, "{\"rows\":[]}", 11) == 0);
    free(body);
    CHECK(!sbcache_get(1, SBCACHE_JURY, &body, &len));
    CHECK(!sbcache_get(2, SBCACHE_PUBLIC, &body, &len));
    edge_buf_t out;
    edge_buf_init(&out, 16);
    edge_buf_add(&out, "x", 1);
    CHECK(sbcache_get_into(1, SBCACHE_PUBLIC, &out));
    CHECK(edge_buf_body_len(&out) == 12 && memcmp(edge_buf_body(&out), "x{\"rows\":[]}", 12) == 0);
    CHECK(!sbcache_get_into(1, SBCACHE_JURY, &out));
    CHECK(edge_buf_body_len(&out) == 12);
    edge_buf_release(&out);
    sbcache_invalidate(1);
    CHECK(!sbcache_get(1, SBCACHE_PUBLIC, &body, &len));
    sbcache_clear();
}

static void sbcache_fill_that_raced_an_invalidation_is_not_stored(void)
{
    sbcache_configure(10000, 0, 0);
    char *body;
    size_t len;
    uint64_t before = sbcache_generation(5);
    sbcache_invalidate(5); /* a scoreboard event arrives while the edge is fetching */
    sbcache_put(5, SBCACHE_PUBLIC, before, "old", 3);
    CHECK(!sbcache_get(5, SBCACHE_PUBLIC, &body, &len));
    uint64_t after = sbcache_generation(5);
    CHECK(after != before);
    sbcache_put(5, SBCACHE_PUBLIC, after, "new", 3);
    CHECK(sbcache_get(5, SBCACHE_PUBLIC, &body, &len) && len == 3 && memcmp(body, "new", 3) == 0);
    free(body);
    /* an invalidation also hides what was stored before it */
    sbcache_invalidate(5);
    CHECK(!sbcache_get(5, SBCACHE_PUBLIC, &body, &len));
    sbcache_clear();
}

/* A scoreboard event only the jury sees (a frozen verdict) leaves the public entry alone, so
 * the public's next GET is not slower for it (issue 10 point 8); and the other way round. */
static void sbcache_an_event_of_one_view_keeps_the_other(void)
{
    sbcache_configure(10000, 0, 0);
    char *body;
    size_t len;
    sbcache_put(7, SBCACHE_PUBLIC, sbcache_generation(7), "p", 1);
    sbcache_put(7, SBCACHE_JURY, sbcache_generation(7), "j", 1);
    sbcache_invalidate_view(7, SBCACHE_JURY);
    CHECK(!sbcache_get(7, SBCACHE_JURY, &body, &len));
    CHECK(sbcache_get(7, SBCACHE_PUBLIC, &body, &len) && len == 1 && body[0] == 'p');
    free(body);
    sbcache_put(7, SBCACHE_JURY, sbcache_generation(7), "J", 1);
    sbcache_invalidate_view(7, SBCACHE_PUBLIC);
    CHECK(!sbcache_get(7, SBCACHE_PUBLIC, &body, &len));
    CHECK(sbcache_get(7, SBCACHE_JURY, &body, &len) && len == 1 && body[0] == 'J');
    free(body);
    /* a fill of one view that raced an invalidation of the other is not stored either */
    uint64_t before = sbcache_generation(7);
    sbcache_invalidate_view(7, SBCACHE_JURY);
    sbcache_put(7, SBCACHE_PUBLIC, before, "old", 3);
    CHECK(!sbcache_get(7, SBCACHE_PUBLIC, &body, &len));
    /* an event of both views still drops both */
    sbcache_put(7, SBCACHE_PUBLIC, sbcache_generation(7), "p", 1);
    sbcache_invalidate(7);
    CHECK(!sbcache_get(7, SBCACHE_PUBLIC, &body, &len) &&
          !sbcache_get(7, SBCACHE_JURY, &body, &len));
    sbcache_clear();
}

static void sbcache_entries_expire_after_the_ttl(void)
{
    sbcache_configure(60, 0, 0);
    char *body;
    size_t len;
    sbcache_put(9, SBCACHE_JURY, sbcache_generation(9), "b", 1);
    CHECK(sbcache_get(9, SBCACHE_JURY, &body, &len));
    free(body);
    usleep(120 * 1000);
    CHECK(!sbcache_get(9, SBCACHE_JURY, &body, &len));
    sbcache_configure(SBCACHE_TTL_MS, 0, 0);
}

static void sbcache_is_bounded_in_entry_size_total_bytes_and_slots(void)
{
    sbcache_configure(10000, 100, 250);
    char big[200];
    memset(big, 'x', sizeof big);
    char *body;
    size_t len;
    sbcache_put(1, SBCACHE_PUBLIC, sbcache_generation(1), big, 101); /* over the entry bound */
    CHECK(!sbcache_get(1, SBCACHE_PUBLIC, &body, &len));
    sbcache_put(1, SBCACHE_PUBLIC, sbcache_generation(1), big, 100);
    usleep(2000);
    sbcache_put(2, SBCACHE_PUBLIC, sbcache_generation(2), big, 100);
    usleep(2000);
    sbcache_put(3, SBCACHE_PUBLIC, sbcache_generation(3), big, 100); /* 300 > 250: evict oldest */
    CHECK(!sbcache_get(1, SBCACHE_PUBLIC, &body, &len));
    CHECK(sbcache_get(2, SBCACHE_PUBLIC, &body, &len));
    free(body);
    CHECK(sbcache_get(3, SBCACHE_PUBLIC, &body, &len));
    free(body);
    /* many contests: the table stays bounded and the newest entries are there */
    sbcache_configure(10000, 1000, 1u << 20);
    for (uint64_t id = 1; id <= 4 * SBCACHE_SLOTS; id++)
        sbcache_put(id, SBCACHE_PUBLIC, sbcache_generation(id), "{}", 2);
    int hits = 0;
    for (uint64_t id = 1; id <= 4 * SBCACHE_SLOTS; id++) {
        if (sbcache_get(id, SBCACHE_PUBLIC, &body, &len)) {
            hits++;
            free(body);
        }
    }
    CHECK(hits > 0 && hits <= SBCACHE_SLOTS);
    CHECK(sbcache_get(4 * SBCACHE_SLOTS, SBCACHE_PUBLIC, &body, &len));
    free(body);
    sbcache_configure(SBCACHE_TTL_MS, SBCACHE_MAX_ENTRY_BYTES, SBCACHE_MAX_BYTES);
}

int main(void)
{
    RUN(contest_body_good_with_defaults);
    RUN(contest_body_points_default_by_scoring);
    RUN(contest_body_names_each_bad_field);
    RUN(contest_body_freeze_zero_means_none);
    RUN(rfc3339_parses_offsets_fractions_and_rejects_nonsense);
    RUN(clarification_bodies_name_their_fields);
    RUN(page_and_view_queries);
    RUN(reltime_has_hours_minutes_seconds_and_millis);
    RUN(clics_contest_and_state);
    RUN(clics_judgement_types_follow_the_rules);
    RUN(clics_team_and_problem);
    RUN(clics_submission_judgement_runs);
    RUN(clics_clarifications_split_questions_and_answers);
    RUN(clics_scoreboard_maps_rows_and_cells);
    RUN(clics_feed_lines_are_single_json_objects);
    RUN(sbcache_hit_miss_and_views);
    RUN(sbcache_fill_that_raced_an_invalidation_is_not_stored);
    RUN(sbcache_an_event_of_one_view_keeps_the_other);
    RUN(sbcache_entries_expire_after_the_ttl);
    RUN(sbcache_is_bounded_in_entry_size_total_bytes_and_slots);
    sbcache_clear();
    return TEST_SUMMARY();
}
