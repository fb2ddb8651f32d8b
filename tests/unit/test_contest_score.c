/*  contest_score: the icpc, ioi and cf rules on worked examples whose numbers were computed by
 *  hand (the arithmetic is in the comments), and the rank keys built from them. */
#include "contest_score.h"
#include "gv_test.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define T0 1700000000000ull /* contest start, ms */
#define AT(min, sec) (T0 + (uint64_t)(min)*60000u + (uint64_t)(sec)*1000u)
#define NSUBS(a) (sizeof(a) / sizeof((a)[0]))

static score_sub_t s_sub(uint64_t at, score_outcome_t o)
{
    score_sub_t s = {.submitted_at_ms = at, .outcome = o, .subtasks_ok = 0};
    return s;
}

static score_sub_t s_ioi(uint64_t at, score_outcome_t o, uint64_t mask)
{
    score_sub_t s = {.submitted_at_ms = at, .outcome = o, .subtasks_ok = mask};
    return s;
}

static score_problem_t s_problem(scoring_t scoring)
{
    score_problem_t p = {.scoring = scoring,
                         .start_ms = T0,
                         .duration_min = 300,
                         .penalty_min = 20,
                         .points = 0,
                         .n_subtasks = 0,
                         .subtask_points = NULL,
                         .cutoff_ms = UINT64_MAX};
    return p;
}

static bool s_near(double a, double b)
{
    return fabs(a - b) < 1e-9;
}

/* ---- names and verdicts ---------------------------------------------------------------- */

static void scoring_names_round_trip(void)
{
    scoring_t s = SCORING_CF;
    CHECK(scoring_parse("icpc", &s) == 0 && s == SCORING_ICPC);
    CHECK(scoring_parse("ioi", &s) == 0 && s == SCORING_IOI);
    CHECK(scoring_parse("cf", &s) == 0 && s == SCORING_CF);
    s = SCORING_IOI;
    CHECK(scoring_parse("ICPC", &s) == -1 && s == SCORING_IOI); /* untouched on failure */
    CHECK(scoring_parse("", &s) == -1);
    CHECK(scoring_parse("icpc ", &s) == -1);
    CHECK(scoring_parse(NULL, &s) == -1);
    CHECK_STR(scoring_name(SCORING_ICPC), "icpc");
    CHECK_STR(scoring_name(SCORING_IOI), "ioi");
    CHECK_STR(scoring_name(SCORING_CF), "cf");
    CHECK_STR(scoring_name((scoring_t)7), "unknown");
}

static void verdicts_map_to_outcomes(void)
{
    CHECK(score_outcome("AC") == SO_ACCEPTED);
    const char *rejected[] = {"WA", "TLE", "MLE", "RTE", "OLE", "PE"};
    for (size_t i = 0; i < NSUBS(rejected); i++)
        CHECK(score_outcome(rejected[i]) == SO_REJECTED);
    CHECK(score_outcome("CE") == SO_IGNORED);
    CHECK(score_outcome("JE") == SO_IGNORED);
    CHECK(score_outcome(NULL) == SO_PENDING);
    CHECK(score_outcome("") == SO_PENDING);
    CHECK(score_outcome("ac") == SO_IGNORED); /* unknown: never held against anyone */
    CHECK(score_outcome("ACX") == SO_IGNORED);
    CHECK(score_outcome("XX") == SO_IGNORED);
}

/* ---- icpc cells --------------------------------------------------------------------------- */

static void icpc_minutes_round_down(void)
{
    score_problem_t p = s_problem(SCORING_ICPC);
    score_cell_t c;
    /* 59.99 s after the start is still minute 0: penalty 0 */
    score_sub_t a[] = {s_sub(T0 + 59990, SO_ACCEPTED)};
    score_cell(&p, a, 1, &c);
    CHECK(c.solved && c.has_time && c.time_min == 0 && c.penalty == 0 && c.attempts == 1);
    CHECK(c.first_ac_ms == T0 + 59990 && s_near(c.score, 1));
    /* 61 s → minute 1 */
    score_sub_t b[] = {s_sub(T0 + 61000, SO_ACCEPTED)};
    score_cell(&p, b, 1, &c);
    CHECK(c.time_min == 1 && c.penalty == 1);
    /* 59 min 59.999 s → 59; exactly 60 min → 60 */
    score_sub_t d[] = {s_sub(T0 + 3599999, SO_ACCEPTED)};
    score_cell(&p, d, 1, &c);
    CHECK(c.time_min == 59);
    score_sub_t e[] = {s_sub(T0 + 3600000, SO_ACCEPTED)};
    score_cell(&p, e, 1, &c);
    CHECK(c.time_min == 60);
    /* before the start (staff testing, clock skew) clamps to 0 */
    score_sub_t f[] = {s_sub(T0 - 5000, SO_ACCEPTED)};
    score_cell(&p, f, 1, &c);
    CHECK(c.solved && c.time_min == 0 && c.penalty == 0);
}

static void icpc_two_rejections_then_ac_at_47(void)
{
    score_problem_t p = s_problem(SCORING_ICPC); /* penalty_min 20 */
    score_sub_t subs[] = {s_sub(AT(5, 0), SO_REJECTED), s_sub(AT(20, 10), SO_REJECTED),
                          s_sub(AT(47, 30), SO_ACCEPTED)};
    score_cell_t c;
    score_cell(&p, subs, NSUBS(subs), &c);
    /* 47 + 20 * 2 = 87 */
    CHECK(c.solved && c.time_min == 47 && c.penalty == 87);
    CHECK(c.attempts == 3 && c.pending == 0 && c.first_ac_ms == AT(47, 30));
    /* the same with penalty_min 0: only the minute */
    p.penalty_min = 0;
    score_cell(&p, subs, NSUBS(subs), &c);
    CHECK(c.penalty == 47);
}

static void icpc_ce_and_je_never_count(void)
{
    score_problem_t p = s_problem(SCORING_ICPC);
    score_sub_t subs[] = {s_sub(AT(1, 0), SO_IGNORED), s_sub(AT(2, 0), SO_REJECTED),
                          s_sub(AT(3, 0), SO_IGNORED), s_sub(AT(10, 0), SO_ACCEPTED)};
    score_cell_t c;
    score_cell(&p, subs, NSUBS(subs), &c);
    /* one WA counts: 10 + 20 = 30; attempts = the WA and the AC */
    CHECK(c.solved && c.penalty == 30 && c.attempts == 2 && c.pending == 0);
    /* only CE/JE: nothing at all */
    score_cell(&p, subs, 1, &c);
    CHECK(!c.solved && c.attempts == 0 && c.penalty == 0 && !c.has_time && c.score == 0);
    /* and the verdict strings lead there */
    score_sub_t je[] = {s_sub(AT(1, 0), score_outcome("JE")), s_sub(AT(2, 0), score_outcome("CE")),
                        s_sub(AT(4, 0), score_outcome("AC"))};
    score_cell(&p, je, NSUBS(je), &c);
    CHECK(c.solved && c.penalty == 4 && c.attempts == 1);
}

static void icpc_pending_counts_for_nothing(void)
{
    score_problem_t p = s_problem(SCORING_ICPC);
    score_cell_t c;
    /* WA at 3, still judging at 5: one attempt, one pending, not solved */
    score_sub_t a[] = {s_sub(AT(3, 0), SO_REJECTED), s_sub(AT(5, 0), SO_PENDING)};
    score_cell(&p, a, NSUBS(a), &c);
    CHECK(!c.solved && c.attempts == 1 && c.pending == 1 && c.penalty == 0 && !c.has_time);
    CHECK(c.time_min == 0 && c.first_ac_ms == 0);
    /* WA 1, pending 2, AC 4: the pending one is absent from the cost: 4 + 20 = 24 */
    score_sub_t b[] = {s_sub(AT(1, 0), SO_REJECTED), s_sub(AT(2, 0), SO_PENDING),
                       s_sub(AT(4, 0), SO_ACCEPTED)};
    score_cell(&p, b, NSUBS(b), &c);
    CHECK(c.solved && c.penalty == 24 && c.attempts == 2 && c.pending == 1);
}

static void icpc_submissions_after_the_first_ac_are_ignored(void)
{
    score_problem_t p = s_problem(SCORING_ICPC);
    score_sub_t subs[] = {s_sub(AT(10, 0), SO_ACCEPTED), s_sub(AT(11, 0), SO_REJECTED),
                          s_sub(AT(12, 0), SO_PENDING), s_sub(AT(13, 0), SO_ACCEPTED)};
    score_cell_t c;
    score_cell(&p, subs, NSUBS(subs), &c);
    CHECK(c.solved && c.time_min == 10 && c.penalty == 10);
    CHECK(c.attempts == 1 && c.pending == 0 && c.first_ac_ms == AT(10, 0));
}

static void icpc_freeze_cutoff_hides_later_submissions(void)
{
    score_problem_t p = s_problem(SCORING_ICPC);
    score_sub_t subs[] = {s_sub(AT(100, 0), SO_REJECTED), s_sub(AT(245, 0), SO_IGNORED),
                          s_sub(AT(250, 0), SO_ACCEPTED)};
    score_cell_t c;
    /* jury view: 250 + 20 = 270 */
    score_cell(&p, subs, NSUBS(subs), &c);
    CHECK(c.solved && c.penalty == 270 && c.attempts == 2 && c.pending == 0);
    /* public view, frozen at minute 240: the CE and the AC are both "pending" */
    p.cutoff_ms = AT(240, 0);
    score_cell(&p, subs, NSUBS(subs), &c);
    CHECK(!c.solved && c.penalty == 0 && c.attempts == 1 && c.pending == 2 && !c.has_time);
    /* a submission exactly at the cut-off is hidden, one ms before is not */
    score_sub_t at[] = {s_sub(AT(240, 0), SO_ACCEPTED)};
    score_cell(&p, at, 1, &c);
    CHECK(!c.solved && c.pending == 1);
    score_sub_t before[] = {s_sub(AT(240, 0) - 1, SO_ACCEPTED)};
    score_cell(&p, before, 1, &c);
    CHECK(c.solved && c.time_min == 239 && c.pending == 0);
}

/* ---- rows and icpc ranking ---------------------------------------------------------------- */

static score_row_t s_icpc_row(uint32_t solved, uint64_t penalty, uint32_t last)
{
    score_row_t r;
    score_row_zero(&r);
    r.solved = solved;
    r.penalty = penalty;
    r.score = solved;
    r.last_ac_min = last;
    r.has_last_ac = solved > 0;
    return r;
}

static void row_add_sums_cells(void)
{
    score_row_t r;
    score_row_zero(&r);
    CHECK(r.solved == 0 && r.penalty == 0 && r.score == 0 && !r.has_last_ac);
    score_cell_t a = {
        .solved = true, .attempts = 1, .time_min = 30, .has_time = true, .score = 1, .penalty = 30};
    score_cell_t b = {
        .solved = true, .attempts = 2, .time_min = 60, .has_time = true, .score = 1, .penalty = 80};
    score_cell_t wa = {.solved = false, .attempts = 4};
    score_row_add(&r, &b);
    score_row_add(&r, &wa);
    score_row_add(&r, &a); /* order of problems does not matter for last_ac_min */
    CHECK(r.solved == 2 && r.penalty == 110 && s_near(r.score, 2));
    CHECK(r.has_last_ac && r.last_ac_min == 60);
    /* an unsolved cell with an ioi improvement time does not move last_ac_min */
    score_cell_t partial = {.solved = false, .time_min = 200, .has_time = true, .score = 30};
    score_row_add(&r, &partial);
    CHECK(r.last_ac_min == 60 && s_near(r.score, 32) && r.solved == 2);
    /* a solved cell at minute 0 still sets has_last_ac */
    score_row_t z;
    score_row_zero(&z);
    score_cell_t first = {.solved = true, .time_min = 0, .has_time = true, .score = 1};
    score_row_add(&z, &first);
    CHECK(z.has_last_ac && z.last_ac_min == 0);
}

static void icpc_keys_order_and_ties(void)
{
    uint8_t e[SCORE_KEY_LEN], c[SCORE_KEY_LEN], a[SCORE_KEY_LEN], b[SCORE_KEY_LEN],
        d[SCORE_KEY_LEN], z[SCORE_KEY_LEN];
    score_row_t re = s_icpc_row(3, 150, 120), rc = s_icpc_row(3, 200, 80),
                ra = s_icpc_row(3, 200, 90), rd = s_icpc_row(2, 10, 5), rz = s_icpc_row(0, 0, 0);
    score_row_key(SCORING_ICPC, &re, 40, e); /* most solved, least penalty: first */
    score_row_key(SCORING_ICPC, &rc, 30, c); /* same solved/penalty as a and b, earlier last AC */
    score_row_key(SCORING_ICPC, &ra, 20, a);
    score_row_key(SCORING_ICPC, &ra, 10, b); /* equal to a in everything but the user */
    score_row_key(SCORING_ICPC, &rd, 1, d);  /* fewer solved loses whatever the penalty */
    score_row_key(SCORING_ICPC, &rz, 0, z);
    /* order: e, c, b (user 10), a (user 20), d, z */
    CHECK(memcmp(e, c, SCORE_KEY_LEN) < 0);
    CHECK(memcmp(c, b, SCORE_KEY_LEN) < 0);
    CHECK(memcmp(b, a, SCORE_KEY_LEN) < 0);
    CHECK(memcmp(a, d, SCORE_KEY_LEN) < 0);
    CHECK(memcmp(d, z, SCORE_KEY_LEN) < 0);
    CHECK(score_key_tie(a, b) && score_key_tie(b, a));
    CHECK(!score_key_tie(c, a)); /* last AC 80 vs 90 breaks the tie */
    CHECK(!score_key_tie(e, c) && !score_key_tie(a, d));
    CHECK(score_key_user(a) == 20 && score_key_user(b) == 10 && score_key_user(z) == 0);
    /* the layout: BE32(~solved) | BE64(penalty) | BE32(last) | BE64(user) */
    static const uint8_t want[SCORE_KEY_LEN] = {0xff, 0xff, 0xff, 0xfc, 0, 0, 0, 0, 0, 0, 0, 200,
                                                0,    0,    0,    90,   0, 0, 0, 0, 0, 0, 0, 20};
    CHECK(memcmp(a, want, SCORE_KEY_LEN) == 0);
    /* the user id only orders within a tie: a small id never jumps a better row */
    uint8_t big[SCORE_KEY_LEN];
    score_row_key(SCORING_ICPC, &re, UINT64_MAX, big);
    CHECK(memcmp(big, c, SCORE_KEY_LEN) < 0 && score_key_user(big) == UINT64_MAX);
}

static int s_keycmp(const void *x, const void *y)
{
    return memcmp(x, y, SCORE_KEY_LEN);
}

/* Standard competition ranks ("1, 1, 3") from keys sorted in memcmp order. */
static void s_ranks(uint8_t (*keys)[SCORE_KEY_LEN], size_t n, uint32_t *ranks)
{
    qsort(keys, n, SCORE_KEY_LEN, s_keycmp);
    for (size_t i = 0; i < n; i++)
        ranks[i] = i > 0 && score_key_tie(keys[i - 1], keys[i]) ? ranks[i - 1] : (uint32_t)i + 1;
}

/* Three teams, two problems, penalty 20:
 *   team 7: A AC 30 → 30;  B WA 40, AC 60 → 60+20 = 80;          2 solved, 110, last 60
 *   team 3: A AC 60 → 60;  B WA 20, AC 30 → 30+20 = 50;          2 solved, 110, last 60
 *   team 5: A AC 20 → 20;  B WA 5, WA 10, WA 15, AC 50 → 50+60;  2 solved, 130, last 50
 * Teams 3 and 7 share rank 1 (listed 3 then 7); team 5 is third, not second. */
static void icpc_three_teams_rank_1_1_3(void)
{
    score_problem_t p = s_problem(SCORING_ICPC);
    score_sub_t t7a[] = {s_sub(AT(30, 0), SO_ACCEPTED)};
    score_sub_t t7b[] = {s_sub(AT(40, 0), SO_REJECTED), s_sub(AT(60, 0), SO_ACCEPTED)};
    score_sub_t t3a[] = {s_sub(AT(60, 59), SO_ACCEPTED)};
    score_sub_t t3b[] = {s_sub(AT(20, 0), SO_REJECTED), s_sub(AT(30, 0), SO_ACCEPTED)};
    score_sub_t t5a[] = {s_sub(AT(20, 0), SO_ACCEPTED)};
    score_sub_t t5b[] = {s_sub(AT(5, 0), SO_REJECTED), s_sub(AT(10, 0), SO_REJECTED),
                         s_sub(AT(15, 0), SO_REJECTED), s_sub(AT(50, 0), SO_ACCEPTED)};
    struct {
        uint64_t user;
        const score_sub_t *a, *b;
        size_t na, nb;
    } teams[] = {{7, t7a, t7b, NSUBS(t7a), NSUBS(t7b)},
                 {3, t3a, t3b, NSUBS(t3a), NSUBS(t3b)},
                 {5, t5a, t5b, NSUBS(t5a), NSUBS(t5b)}};
    uint8_t keys[3][SCORE_KEY_LEN];
    for (size_t i = 0; i < 3; i++) {
        score_row_t row;
        score_cell_t c;
        score_row_zero(&row);
        score_cell(&p, teams[i].a, teams[i].na, &c);
        score_row_add(&row, &c);
        score_cell(&p, teams[i].b, teams[i].nb, &c);
        score_row_add(&row, &c);
        CHECK(row.solved == 2);
        CHECK(row.penalty == (teams[i].user == 5 ? 130u : 110u));
        CHECK(row.last_ac_min == (teams[i].user == 5 ? 50u : 60u));
        score_row_key(SCORING_ICPC, &row, teams[i].user, keys[i]);
    }
    uint32_t ranks[3];
    s_ranks(keys, 3, ranks);
    CHECK(score_key_user(keys[0]) == 3 && ranks[0] == 1);
    CHECK(score_key_user(keys[1]) == 7 && ranks[1] == 1);
    CHECK(score_key_user(keys[2]) == 5 && ranks[2] == 3);
}

/* ---- ioi --------------------------------------------------------------------------------- */

static void ioi_best_per_subtask_across_submissions(void)
{
    static const double pts[] = {20, 30, 50};
    score_problem_t p = s_problem(SCORING_IOI);
    p.n_subtasks = 3;
    p.subtask_points = pts;
    score_sub_t subs[] = {
        s_ioi(AT(10, 0), SO_REJECTED, 1u << 1),             /* {1}: 30 */
        s_ioi(AT(20, 0), SO_REJECTED, 1u << 2),             /* {2}: 30 + 50 = 80 */
        s_ioi(AT(25, 0), SO_IGNORED, 1u << 0),              /* CE: its bits mean nothing */
        s_ioi(AT(30, 0), SO_REJECTED, (1u << 1) | 1u << 2), /* {1,2}: no gain, time stays 20 */
        s_ioi(AT(35, 0), SO_PENDING, 1u << 0),              /* pending: nothing yet */
        s_ioi(AT(40, 0), SO_REJECTED, 1u << 0),             /* {0}: 20 + 30 + 50 = 100, full */
        s_ioi(AT(50, 0), SO_ACCEPTED, 7),                   /* after full: counted, no change */
    };
    score_cell_t c;
    /* after the first two: 80, neither submission did both subtasks 1 and 2 */
    score_cell(&p, subs, 2, &c);
    CHECK(s_near(c.score, 80) && !c.solved && c.has_time && c.time_min == 20);
    CHECK(c.attempts == 2 && c.first_ac_ms == 0 && c.penalty == 0);
    /* through the pending one */
    score_cell(&p, subs, 5, &c);
    CHECK(s_near(c.score, 80) && c.time_min == 20 && c.attempts == 3 && c.pending == 1);
    /* all */
    score_cell(&p, subs, NSUBS(subs), &c);
    CHECK(s_near(c.score, 100) && c.solved && c.time_min == 40 && c.first_ac_ms == AT(40, 0));
    CHECK(c.attempts == 5 && c.pending == 1 && c.penalty == 0);
    /* public view frozen at minute 38: the full-score submission is hidden */
    p.cutoff_ms = AT(38, 0);
    score_cell(&p, subs, NSUBS(subs), &c);
    CHECK(s_near(c.score, 80) && !c.solved && c.time_min == 20 && c.pending == 3);
    CHECK(c.attempts == 3 && c.first_ac_ms == 0);
}

static void ioi_accepted_means_every_subtask(void)
{
    static const double pts[] = {40, 60};
    score_problem_t p = s_problem(SCORING_IOI);
    p.n_subtasks = 2;
    p.subtask_points = pts;
    /* an AC whose mask was left empty still earns 40 + 60 */
    score_sub_t subs[] = {s_ioi(AT(3, 0), SO_REJECTED, 0), s_ioi(AT(9, 0), SO_ACCEPTED, 0)};
    score_cell_t c;
    score_cell(&p, subs, NSUBS(subs), &c);
    CHECK(s_near(c.score, 100) && c.solved && c.time_min == 9 && c.attempts == 2);
    CHECK(c.first_ac_ms == AT(9, 0));
    /* a WA earning nothing has no improvement time */
    score_cell(&p, subs, 1, &c);
    CHECK(c.score == 0 && !c.has_time && c.attempts == 1 && !c.solved);
}

static void ioi_problem_without_subtasks(void)
{
    score_problem_t p = s_problem(SCORING_IOI);
    p.points = 100; /* n_subtasks 0, subtask_points NULL: one subtask (bit 0) worth 100 */
    score_sub_t subs[] = {s_ioi(AT(2, 0), SO_REJECTED, 0),
                          s_ioi(AT(4, 0), SO_REJECTED, 0x6), /* bits past the one subtask */
                          s_ioi(AT(15, 30), SO_ACCEPTED, 1)};
    score_cell_t c;
    score_cell(&p, subs, 2, &c);
    CHECK(c.score == 0 && !c.solved && c.attempts == 2 && !c.has_time);
    score_cell(&p, subs, NSUBS(subs), &c);
    CHECK(s_near(c.score, 100) && c.solved && c.time_min == 15 && c.attempts == 3);
    /* n_subtasks > 0 but no points array: treated as no subtasks */
    p.n_subtasks = 4;
    score_cell(&p, subs, NSUBS(subs), &c);
    CHECK(s_near(c.score, 100) && c.solved);
    /* a problem worth nothing: solved only by covering it, never by default */
    p.n_subtasks = 0;
    p.points = 0;
    score_cell(&p, NULL, 0, &c);
    CHECK(!c.solved && c.score == 0);
    score_cell(&p, subs, 1, &c);
    CHECK(!c.solved);
    score_cell(&p, subs, NSUBS(subs), &c);
    CHECK(c.solved && c.score == 0 && !c.has_time && c.first_ac_ms == AT(15, 30));
}

static void ioi_ties_share_and_fractions_order(void)
{
    score_row_t r1, r2, r3, r4;
    score_row_zero(&r1);
    score_row_zero(&r2);
    score_row_zero(&r3);
    score_row_zero(&r4);
    /* users 9 and 4: 100 + 80.5 = 180.5 each, from different cells; user 6: 180.4 */
    score_cell_t c100 = {.solved = true, .score = 100, .time_min = 50, .has_time = true};
    score_cell_t c805 = {.score = 80.5, .time_min = 90, .has_time = true};
    score_cell_t c1805 = {.score = 180.5, .time_min = 10, .has_time = true};
    score_cell_t c1804 = {.score = 180.4, .time_min = 10, .has_time = true};
    score_row_add(&r1, &c100);
    score_row_add(&r1, &c805);
    score_row_add(&r2, &c1805);
    score_row_add(&r3, &c1804);
    uint8_t k9[SCORE_KEY_LEN], k4[SCORE_KEY_LEN], k6[SCORE_KEY_LEN], k1[SCORE_KEY_LEN];
    score_row_key(SCORING_IOI, &r1, 9, k9);
    score_row_key(SCORING_IOI, &r2, 4, k4);
    score_row_key(SCORING_IOI, &r3, 6, k6);
    score_row_key(SCORING_IOI, &r4, 1, k1); /* no score at all: last */
    CHECK(score_key_tie(k9, k4) && memcmp(k4, k9, SCORE_KEY_LEN) < 0);
    CHECK(memcmp(k9, k6, SCORE_KEY_LEN) < 0 && !score_key_tie(k9, k6));
    CHECK(memcmp(k6, k1, SCORE_KEY_LEN) < 0);
    /* penalty and last AC do not matter in ioi: bytes 8..15 are zero */
    static const uint8_t zeros[8] = {0};
    CHECK(memcmp(k9 + 8, zeros, 8) == 0);
    /* the layout: BE64(UINT64_MAX - 180500) */
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | k9[i];
    CHECK(v == UINT64_MAX - 180500u);
    uint8_t ks[4][SCORE_KEY_LEN];
    memcpy(ks[0], k1, SCORE_KEY_LEN);
    memcpy(ks[1], k6, SCORE_KEY_LEN);
    memcpy(ks[2], k9, SCORE_KEY_LEN);
    memcpy(ks[3], k4, SCORE_KEY_LEN);
    uint32_t ranks[4];
    s_ranks(ks, 4, ranks);
    CHECK(score_key_user(ks[0]) == 4 && ranks[0] == 1);
    CHECK(score_key_user(ks[1]) == 9 && ranks[1] == 1);
    CHECK(score_key_user(ks[2]) == 6 && ranks[2] == 3);
    CHECK(score_key_user(ks[3]) == 1 && ranks[3] == 4);
}

static void score_keys_round_to_thousandths(void)
{
    uint8_t a[SCORE_KEY_LEN], b[SCORE_KEY_LEN];
    score_row_t ra, rb;
    score_row_zero(&ra);
    score_row_zero(&rb);
    /* 99.999 ahead of 99.998 */
    ra.score = 99.999;
    rb.score = 99.998;
    score_row_key(SCORING_CF, &ra, 2, a);
    score_row_key(SCORING_CF, &rb, 1, b);
    CHECK(memcmp(a, b, SCORE_KEY_LEN) < 0 && !score_key_tie(a, b));
    /* 33.3334 and 33.3333 are both 33333 thousandths: a tie */
    ra.score = 33.3334;
    rb.score = 33.3333;
    score_row_key(SCORING_IOI, &ra, 2, a);
    score_row_key(SCORING_IOI, &rb, 1, b);
    CHECK(score_key_tie(a, b) && memcmp(b, a, SCORE_KEY_LEN) < 0);
    /* 0.0004 rounds to 0 (ties an empty row); 0.0006 to 1 thousandth */
    ra.score = 0.0004;
    rb.score = 0;
    score_row_key(SCORING_CF, &ra, 2, a);
    score_row_key(SCORING_CF, &rb, 1, b);
    CHECK(score_key_tie(a, b));
    ra.score = 0.0006;
    score_row_key(SCORING_CF, &ra, 2, a);
    CHECK(memcmp(a, b, SCORE_KEY_LEN) < 0 && !score_key_tie(a, b));
    /* negative and NaN clamp to 0; enormous saturates (and sorts first) */
    ra.score = -5;
    score_row_key(SCORING_CF, &ra, 2, a);
    CHECK(score_key_tie(a, b));
    ra.score = NAN;
    score_row_key(SCORING_CF, &ra, 2, a);
    CHECK(score_key_tie(a, b));
    ra.score = 1e300;
    score_row_key(SCORING_CF, &ra, 2, a);
    static const uint8_t zeros[16] = {0};
    CHECK(memcmp(a, zeros, 16) == 0);
}

/* ---- cf ---------------------------------------------------------------------------------- */

static void cf_formula_worked_examples(void)
{
    /* x = 500, d = 120: the decay is floor(120*500*t / (250*120)) = floor(2t) */
    CHECK(score_cf(500, 0, 0, 120) == 500);
    CHECK(score_cf(500, 10, 0, 120) == 480);  /* 600000 / 30000 = 20 */
    CHECK(score_cf(500, 60, 1, 120) == 330);  /* 500 - 120 - 50 */
    CHECK(score_cf(500, 119, 0, 120) == 262); /* 500 - 238 */
    CHECK(score_cf(500, 119, 3, 120) == 150); /* 500 - 238 - 150 = 112 < 0.3*500 = 150 */
    CHECK(score_cf(500, 0, 7, 120) == 150);   /* 500 - 350 = 150: exactly the floor */
    CHECK(score_cf(500, 0, 6, 120) == 200);   /* 500 - 300 */
    /* x = 1000, d = 180: decay = floor(120000 t / 45000) = floor(8t/3) */
    CHECK(score_cf(1000, 1, 0, 180) == 998);   /* floor(2.67) = 2 */
    CHECK(score_cf(1000, 10, 0, 180) == 974);  /* floor(26.67) = 26 */
    CHECK(score_cf(1000, 100, 2, 180) == 634); /* 1000 - floor(266.67) - 100 */
    CHECK(score_cf(1000, 180, 0, 180) == 520); /* 1000 - 480 */
    CHECK(score_cf(1000, 300, 0, 180) == 300); /* 1000 - 800 = 200 < 300 */
    /* d = 0 counts as 1: floor(120*500*1 / 250) = 240 */
    CHECK(score_cf(500, 0, 0, 0) == 500);
    CHECK(score_cf(500, 1, 0, 0) == 260);
    CHECK(score_cf(500, UINT32_MAX, UINT32_MAX, 1) == 150);
    /* no points, no award */
    CHECK(score_cf(0, 5, 0, 120) == 0);
    CHECK(score_cf(-10, 5, 0, 120) == 0);
    CHECK(score_cf(NAN, 5, 0, 120) == 0);
    /* fractional x: 0.3 * 250.5 = 75.15 */
    CHECK(s_near(score_cf(250.5, 0, 5, 120), 75.15));
}

static void cf_cells(void)
{
    score_problem_t p = s_problem(SCORING_CF);
    p.points = 500;
    p.duration_min = 120;
    score_sub_t subs[] = {s_sub(AT(30, 0), SO_IGNORED), s_sub(AT(59, 59), SO_REJECTED),
                          s_sub(AT(60, 30), SO_ACCEPTED), s_sub(AT(61, 0), SO_REJECTED),
                          s_sub(AT(62, 0), SO_ACCEPTED)};
    score_cell_t c;
    score_cell(&p, subs, NSUBS(subs), &c);
    /* AC at minute 60 after one WA (the CE does not count): 500 - 120 - 50 = 330 */
    CHECK(c.solved && s_near(c.score, 330) && c.time_min == 60 && c.attempts == 2);
    CHECK(c.penalty == 0 && c.pending == 0 && c.first_ac_ms == AT(60, 30));
    /* only the WA: 0 points, 1 attempt */
    score_cell(&p, subs, 2, &c);
    CHECK(!c.solved && c.score == 0 && c.attempts == 1);
    /* duration 0 in the problem counts as 1 minute: 500 - 120*500*60/250 → floor 150 */
    p.duration_min = 0;
    score_cell(&p, subs, NSUBS(subs), &c);
    CHECK(s_near(c.score, 150));
    /* frozen at minute 60: the AC is pending, the later ones too (it is not known as first) */
    p.duration_min = 120;
    p.cutoff_ms = AT(60, 0);
    score_cell(&p, subs, NSUBS(subs), &c);
    CHECK(!c.solved && c.score == 0 && c.attempts == 1 && c.pending == 3);
}

static void cf_rows_tie_on_points(void)
{
    score_problem_t pa = s_problem(SCORING_CF), pb = s_problem(SCORING_CF);
    pa.points = 500;
    pa.duration_min = 120;
    pb.points = 1000;
    pb.duration_min = 120; /* decay floor(120000 t / 30000) = 4t */
    /* user 8: A AC at 10 → 480; B AC at 20 → 1000 - 80 = 920; total 1400
     * user 2: A WA, AC at 0 → 450; B AC at 7 after nothing → 1000 - 28 = 972; total 1422
     * user 5: A AC at 35 → 430; B AC at 37 after 1 WA → 1000 - 148 - 50 = 802; total 1232
     * user 3: A AC at 5 → 490; B WA, AC at 10 → 1000 - 40 - 50 = 910; total 1400 (ties 8) */
    struct {
        uint64_t user;
        score_sub_t a[2], b[2];
        size_t na, nb;
        double total;
    } u[] = {
        {8, {s_sub(AT(10, 0), SO_ACCEPTED)}, {s_sub(AT(20, 0), SO_ACCEPTED)}, 1, 1, 1400},
        {2,
         {s_sub(AT(0, 10), SO_REJECTED), s_sub(AT(0, 50), SO_ACCEPTED)},
         {s_sub(AT(7, 0), SO_ACCEPTED)},
         2,
         1,
         1422},
        {5,
         {s_sub(AT(35, 0), SO_ACCEPTED)},
         {s_sub(AT(36, 0), SO_REJECTED), s_sub(AT(37, 0), SO_ACCEPTED)},
         1,
         2,
         1232},
        {3,
         {s_sub(AT(5, 0), SO_ACCEPTED)},
         {s_sub(AT(9, 0), SO_REJECTED), s_sub(AT(10, 0), SO_ACCEPTED)},
         1,
         2,
         1400},
    };
    uint8_t keys[4][SCORE_KEY_LEN];
    for (size_t i = 0; i < 4; i++) {
        score_row_t row;
        score_cell_t c;
        score_row_zero(&row);
        score_cell(&pa, u[i].a, u[i].na, &c);
        score_row_add(&row, &c);
        score_cell(&pb, u[i].b, u[i].nb, &c);
        score_row_add(&row, &c);
        CHECK(s_near(row.score, u[i].total) && row.solved == 2 && row.penalty == 0);
        score_row_key(SCORING_CF, &row, u[i].user, keys[i]);
    }
    uint32_t ranks[4];
    s_ranks(keys, 4, ranks);
    /* 1422 (user 2) | 1400 (users 3, 8) | 1232 (user 5) */
    CHECK(score_key_user(keys[0]) == 2 && ranks[0] == 1);
    CHECK(score_key_user(keys[1]) == 3 && ranks[1] == 2);
    CHECK(score_key_user(keys[2]) == 8 && ranks[2] == 2);
    CHECK(score_key_user(keys[3]) == 5 && ranks[3] == 4);
}

/* ---- edges -------------------------------------------------------------------------------- */

static void everything_is_total(void)
{
    score_problem_t p = s_problem(SCORING_ICPC);
    score_cell_t c;
    memset(&c, 0xab, sizeof c);
    score_cell(&p, NULL, 5, &c); /* no array: nothing, whatever n says */
    CHECK(!c.solved && c.attempts == 0 && c.pending == 0 && c.score == 0 && c.penalty == 0);
    score_cell(&p, NULL, 0, &c);
    CHECK(!c.solved);
    score_cell(NULL, NULL, 0, &c);
    CHECK(!c.solved && c.attempts == 0);
    score_cell(&p, NULL, 0, NULL); /* no crash */
    /* an unknown scoring gives an empty cell */
    score_problem_t q = s_problem((scoring_t)9);
    score_sub_t ac[] = {s_sub(AT(1, 0), SO_ACCEPTED)};
    score_cell(&q, ac, 1, &c);
    CHECK(!c.solved && c.attempts == 0);
    /* times far past the start saturate the minute; the penalty adds without wrapping */
    p.start_ms = 0;
    p.penalty_min = UINT32_MAX;
    score_sub_t huge[] = {s_sub(UINT64_MAX - 1, SO_REJECTED), s_sub(UINT64_MAX - 1, SO_ACCEPTED)};
    score_cell(&p, huge, 2, &c);
    CHECK(c.solved && c.time_min == UINT32_MAX);
    CHECK(c.penalty == (uint64_t)UINT32_MAX + UINT32_MAX);
    /* an unknown outcome value is ignored like CE */
    score_sub_t odd[] = {s_sub(AT(1, 0), (score_outcome_t)42)};
    p = s_problem(SCORING_ICPC);
    score_cell(&p, odd, 1, &c);
    CHECK(!c.solved && c.attempts == 0 && c.pending == 0);
    /* ioi with more subtasks than a mask holds: clamped to 64, all bits usable */
    static double pts[70];
    for (int i = 0; i < 70; i++)
        pts[i] = 1;
    score_problem_t io = s_problem(SCORING_IOI);
    io.n_subtasks = 70;
    io.subtask_points = pts;
    score_sub_t all[] = {s_ioi(AT(1, 0), SO_REJECTED, UINT64_MAX)};
    score_cell(&io, all, 1, &c);
    CHECK(s_near(c.score, 64) && c.solved);
    /* rows: saturating penalty, NULL arguments */
    score_row_t r;
    score_row_zero(&r);
    r.penalty = UINT64_MAX - 1;
    score_cell_t pc = {.solved = true, .penalty = 100, .score = 1, .has_time = true};
    score_row_add(&r, &pc);
    CHECK(r.penalty == UINT64_MAX);
    score_row_add(NULL, &pc);
    score_row_add(&r, NULL);
    score_row_zero(NULL);
    uint8_t k[SCORE_KEY_LEN], z[SCORE_KEY_LEN];
    score_row_key(SCORING_ICPC, &r, 1, k);
    CHECK(k[4] == 0xff && k[11] == 0xff);
    score_row_key(SCORING_ICPC, NULL, 1, z); /* a NULL row is the empty row */
    score_row_t empty;
    score_row_zero(&empty);
    score_row_key(SCORING_ICPC, &empty, 1, k);
    CHECK(memcmp(k, z, SCORE_KEY_LEN) == 0);
    score_row_key(SCORING_ICPC, &empty, 1, NULL);
    CHECK(score_key_user(NULL) == 0);
}

int main(void)
{
    RUN(scoring_names_round_trip);
    RUN(verdicts_map_to_outcomes);
    RUN(icpc_minutes_round_down);
    RUN(icpc_two_rejections_then_ac_at_47);
    RUN(icpc_ce_and_je_never_count);
    RUN(icpc_pending_counts_for_nothing);
    RUN(icpc_submissions_after_the_first_ac_are_ignored);
    RUN(icpc_freeze_cutoff_hides_later_submissions);
    RUN(row_add_sums_cells);
    RUN(icpc_keys_order_and_ties);
    RUN(icpc_three_teams_rank_1_1_3);
    RUN(ioi_best_per_subtask_across_submissions);
    RUN(ioi_accepted_means_every_subtask);
    RUN(ioi_problem_without_subtasks);
    RUN(ioi_ties_share_and_fractions_order);
    RUN(score_keys_round_to_thousandths);
    RUN(cf_formula_worked_examples);
    RUN(cf_cells);
    RUN(cf_rows_tie_on_points);
    RUN(everything_is_total);
    return TEST_SUMMARY();
}
