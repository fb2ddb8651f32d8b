/*  contest_score — the scoring rules, as pure functions (no LMDB, no messages).
 *
 *  A cell is one user's result on one problem, computed from that user's submissions to it in
 *  submission order. A row sums its cells. score_row_key() turns a row into bytes whose memcmp
 *  order is the scoreboard order, so the contest actor can keep its ranking as an LMDB index
 *  and move one key per change.
 *
 *  icpc: a submission's contest time is whole minutes since the start (rounded down). A solved
 *        problem costs its first-AC minute plus penalty_min per rejected submission before it;
 *        CE and JE never count; pending submissions count for nothing. Rank by solved (desc),
 *        penalty (asc), minute of the last first-AC (asc); rows equal on all three share a rank.
 *  ioi:  tests are grouped into subtasks with points; a submission earns a subtask's points when
 *        every test of that group was accepted (all-or-nothing); the problem's score is the sum
 *        over subtasks of the best result for that subtask over all the user's submissions
 *        (IOI 2017+). A problem without subtasks is one subtask worth `points`, all tests.
 *        Rank by total score (desc); equal scores share.
 *  cf:   each problem has max points x; an AC at minute t after w rejected attempts earns
 *        max(0.3x, x - floor(120*x*t / (250*d)) - 50*w) where d is the contest's length in
 *        minutes; the first AC counts. Rank by total score (desc); equal scores share.
 */
#ifndef ACTORS_CONTEST_SCORE_H
#define ACTORS_CONTEST_SCORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SCORE_MAX_SUBTASKS 64

typedef enum { SCORING_ICPC = 0, SCORING_IOI = 1, SCORING_CF = 2 } scoring_t;

/* "icpc" | "ioi" | "cf" → 0 and *out; -1 otherwise (*out untouched). */
int scoring_parse(const char *s, scoring_t *out);
/* The name of s; "unknown" for a value outside the enum. */
const char *scoring_name(scoring_t s);

typedef enum {
    SO_PENDING = 0,  /* not judged yet (or hidden by the freeze) */
    SO_ACCEPTED = 1, /* AC */
    SO_REJECTED = 2, /* WA TLE MLE RTE OLE PE: counts as a rejected attempt */
    SO_IGNORED = 3,  /* CE JE (and verdicts we do not know): never counts */
} score_outcome_t;

/* The outcome class of a verdict string ("AC", "WA", ..., NULL or "" = pending). */
score_outcome_t score_outcome(const char *verdict);

typedef struct {
    uint64_t submitted_at_ms;
    score_outcome_t outcome;
    /* ioi: bit i set = subtask i fully accepted by this submission (meaningful when judged;
     * bits past the problem's subtasks are ignored; an AC counts as every subtask) */
    uint64_t subtasks_ok;
} score_sub_t;

typedef struct {
    scoring_t scoring;
    uint64_t start_ms;
    uint32_t duration_min; /* cf's d; at least 1 */
    uint32_t penalty_min;  /* icpc */
    double points;         /* cf: x; ioi: the problem's worth when it has no subtasks */
    uint32_t n_subtasks;   /* ioi; 0 (or subtask_points NULL) = one subtask worth `points`;
                              more than SCORE_MAX_SUBTASKS are cut to that many */
    const double *subtask_points;
    /* Submissions at or after this instant count as pending (the freeze's public view), CE and
     * JE included. UINT64_MAX = no cut-off. */
    uint64_t cutoff_ms;
} score_problem_t;

typedef struct {
    bool solved;            /* icpc/cf: has an AC; ioi: full score reached (a problem worth 0:
                               every subtask accepted) */
    uint32_t attempts;      /* counting submissions up to and including the first AC (icpc/cf),
                               all judged counting submissions (ioi) */
    uint32_t pending;       /* submissions pending (or hidden by the cut-off); icpc/cf: only
                               those before the first AC (everything after it is ignored) */
    uint32_t time_min;      /* icpc/cf: minute of the first AC; ioi: minute of the last
                               improvement; 0 when none */
    bool has_time;
    double score;           /* icpc: 1 when solved; ioi/cf: points */
    uint64_t penalty;       /* icpc: time_min + penalty_min * rejected before the first AC */
    uint64_t first_ac_ms;   /* submitted_at of the first AC (icpc/cf/ioi-full), 0 when none */
} score_cell_t;

/* Computes the cell from subs[0..n) in submission order. Total: NULL subs = no submissions,
 * NULL p = an empty cell; minutes before the start are 0, counters saturate. */
void score_cell(const score_problem_t *p, const score_sub_t *subs, size_t n, score_cell_t *out);

/* cf's award for an AC at minute t after w rejected attempts (see above); duration_min 0
 * counts as 1; x <= 0 (or NaN) earns 0. */
double score_cf(double x, uint32_t t, uint32_t w, uint32_t duration_min);

typedef struct {
    uint32_t solved;
    uint64_t penalty;
    double score;
    uint32_t last_ac_min; /* icpc: the largest first-AC minute over solved problems */
    bool has_last_ac;
} score_row_t;

void score_row_zero(score_row_t *row);
/* Adds a cell: solved, penalty (saturating) and score add up; last_ac_min is the largest
 * time_min of solved cells, for every scoring (only icpc's key uses it). */
void score_row_add(score_row_t *row, const score_cell_t *cell);

#define SCORE_KEY_LEN 24
/* Order key: memcmp order = scoreboard order; the last 8 bytes are the user id so keys are
 * unique. score_key_tie() tells whether two keys share a rank (all but the user id equal).
 * Big-endian: icpc = ~solved (4) | penalty (8) | last_ac_min or 0 (4) | user (8);
 * ioi/cf = ~score in thousandths (8) | zeros (8) | user (8). */
void score_row_key(scoring_t s, const score_row_t *row, uint64_t user_id,
                   uint8_t key[SCORE_KEY_LEN]);
bool score_key_tie(const uint8_t a[SCORE_KEY_LEN], const uint8_t b[SCORE_KEY_LEN]);
uint64_t score_key_user(const uint8_t key[SCORE_KEY_LEN]);

/* Scores are kept in thousandths in keys; values round to that precision (half away from
 * zero), so 33.3334 and 33.3333 share a rank. Negative/NaN scores key as 0. */
#define SCORE_KEY_SCALE 1000.0

#endif
