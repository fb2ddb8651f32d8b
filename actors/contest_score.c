/*  contest_score — the scoring rules as pure functions (see contest_score.h for the rules).
 *
 *  Nothing here allocates, logs or touches LMDB; every function is total: NULL pointers, empty
 *  submission lists, out-of-range enum values, times before the start and absurdly large times
 *  all give a defined (zero or saturated) answer. Counters saturate instead of wrapping.
 */
#include "contest_score.h"

#include <math.h>
#include <string.h>

#define MS_PER_MINUTE 60000u
/* cf: the award decays by CF_DECAY_NUM*x*t / (CF_DECAY_DEN*d), never below
 * CF_FLOOR_NUM/CF_FLOOR_DEN of x, and loses CF_REJECT_COST per rejected attempt. */
#define CF_DECAY_NUM 120.0
#define CF_DECAY_DEN 250.0
#define CF_FLOOR_NUM 3.0
#define CF_FLOOR_DEN 10.0
#define CF_REJECT_COST 50.0
/* ioi: a problem's score counts as full when within this of the maximum. */
#define IOI_FULL_EPSILON 1e-9

static const char *const s_scoring_names[] = {"icpc", "ioi", "cf"};

int scoring_parse(const char *s, scoring_t *out)
{
    if (!s) return -1;
    for (size_t i = 0; i < sizeof s_scoring_names / sizeof s_scoring_names[0]; i++)
        if (strcmp(s, s_scoring_names[i]) == 0) {
            if (out) *out = (scoring_t)i;
            return 0;
        }
    return -1;
}

const char *scoring_name(scoring_t s)
{
    switch (s) {
    case SCORING_ICPC:
    case SCORING_IOI:
    case SCORING_CF:
        return s_scoring_names[s];
    }
    return "unknown";
}

score_outcome_t score_outcome(const char *verdict)
{
    static const char *const rejected[] = {"WA", "TLE", "MLE", "RTE", "OLE", "PE"};
    if (!verdict || !*verdict) return SO_PENDING;
    if (strcmp(verdict, "AC") == 0) return SO_ACCEPTED;
    for (size_t i = 0; i < sizeof rejected / sizeof rejected[0]; i++)
        if (strcmp(verdict, rejected[i]) == 0) return SO_REJECTED;
    return SO_IGNORED; /* CE, JE, and anything we do not know: never held against anyone */
}

static uint32_t s_add32(uint32_t a, uint32_t b)
{
    return a > UINT32_MAX - b ? UINT32_MAX : a + b;
}

static uint64_t s_add64(uint64_t a, uint64_t b)
{
    return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

/* Whole minutes since the start, rounded down; 0 before the start; saturated. */
static uint32_t s_minute(uint64_t start_ms, uint64_t at_ms)
{
    if (at_ms <= start_ms) return 0;
    uint64_t m = (at_ms - start_ms) / MS_PER_MINUTE;
    return m > UINT32_MAX ? UINT32_MAX : (uint32_t)m;
}

/* Not judged yet, or judged at/after the cut-off (the public cannot see it, CE included). */
static bool s_hidden(const score_problem_t *p, const score_sub_t *s)
{
    return s->outcome == SO_PENDING || s->submitted_at_ms >= p->cutoff_ms;
}

double score_cf(double x, uint32_t t, uint32_t w, uint32_t duration_min)
{
    if (!(x > 0) || !isfinite(x)) /* no points (or NaN): nothing to award */
        return 0;
    double d = duration_min ? (double)duration_min : 1.0;
    double decay = floor(CF_DECAY_NUM * x * (double)t / (CF_DECAY_DEN * d));
    double award = x - decay - CF_REJECT_COST * (double)w;
    double least = x * CF_FLOOR_NUM / CF_FLOOR_DEN; /* 3x/10 rounds once: exact 0.3x when it can */
    return award > least ? award : least;
}

/* icpc and cf: everything up to the first visible AC counts; the rest is ignored. */
static void s_cell_first_ac(const score_problem_t *p, const score_sub_t *subs, size_t n,
                            score_cell_t *out)
{
    uint32_t rejected = 0;
    for (size_t i = 0; i < n; i++) {
        const score_sub_t *s = &subs[i];
        if (s_hidden(p, s)) {
            out->pending = s_add32(out->pending, 1);
            continue;
        }
        if (s->outcome == SO_REJECTED) {
            rejected = s_add32(rejected, 1);
            continue;
        }
        if (s->outcome != SO_ACCEPTED) continue; /* CE, JE */
        out->solved = true;
        out->has_time = true;
        out->time_min = s_minute(p->start_ms, s->submitted_at_ms);
        out->first_ac_ms = s->submitted_at_ms;
        break;
    }
    out->attempts = s_add32(rejected, out->solved ? 1 : 0);
    if (!out->solved) return;
    if (p->scoring == SCORING_ICPC) {
        out->score = 1;
        out->penalty = s_add64(out->time_min, (uint64_t)p->penalty_min * rejected);
    } else {
        out->score = score_cf(p->points, out->time_min, rejected, p->duration_min);
    }
}

/* Sum of the points of the subtasks in mask, in index order (so equal masks give equal sums
 * and a superset never sums lower when points are non-negative). */
static double s_mask_points(const double *pts, uint32_t n, uint64_t mask)
{
    double sum = 0;
    for (uint32_t i = 0; i < n; i++)
        if (mask & ((uint64_t)1 << i)) sum += pts[i];
    return sum;
}

/* Full score: within epsilon of the maximum; when the problem is worth nothing (max <= 0)
 * only having every subtask counts, so an empty cell is never "solved". */
static bool s_ioi_full(uint64_t best, uint64_t all, double score, double max)
{
    return max > 0 ? score >= max - IOI_FULL_EPSILON : best == all;
}

static void s_cell_ioi(const score_problem_t *p, const score_sub_t *subs, size_t n,
                       score_cell_t *out)
{
    uint32_t nsub = p->n_subtasks;
    const double *pts = p->subtask_points;
    double whole[1] = {p->points};
    if (nsub == 0 || !pts) {
        nsub = 1;
        pts = whole;
    }
    if (nsub > SCORE_MAX_SUBTASKS) nsub = SCORE_MAX_SUBTASKS;
    uint64_t all = nsub == 64 ? UINT64_MAX : ((uint64_t)1 << nsub) - 1;
    double max = s_mask_points(pts, nsub, all);
    uint64_t best = 0;
    double score = 0;
    for (size_t i = 0; i < n; i++) {
        const score_sub_t *s = &subs[i];
        if (s_hidden(p, s)) {
            out->pending = s_add32(out->pending, 1);
            continue;
        }
        if (s->outcome != SO_ACCEPTED && s->outcome != SO_REJECTED)
            continue; /* CE, JE: contribute nothing */
        out->attempts = s_add32(out->attempts, 1);
        /* AC means every test passed, hence every subtask, whatever the bits say. */
        uint64_t mask = s->outcome == SO_ACCEPTED ? all : (s->subtasks_ok & all);
        uint64_t merged = best | mask;
        if (merged == best) continue;
        best = merged;
        double now = s_mask_points(pts, nsub, best);
        if (now > score) {
            score = now;
            out->time_min = s_minute(p->start_ms, s->submitted_at_ms);
            out->has_time = true;
        }
        if (!out->solved && s_ioi_full(best, all, score, max)) {
            out->solved = true;
            out->first_ac_ms = s->submitted_at_ms;
        }
    }
    out->score = score;
}

void score_cell(const score_problem_t *p, const score_sub_t *subs, size_t n, score_cell_t *out)
{
    if (!out) return;
    memset(out, 0, sizeof *out);
    if (!p) return;
    if (!subs) n = 0;
    switch (p->scoring) {
    case SCORING_ICPC:
    case SCORING_CF:
        s_cell_first_ac(p, subs, n, out);
        break;
    case SCORING_IOI:
        s_cell_ioi(p, subs, n, out);
        break;
    }
}

void score_row_zero(score_row_t *row)
{
    if (row) memset(row, 0, sizeof *row);
}

void score_row_add(score_row_t *row, const score_cell_t *cell)
{
    if (!row || !cell) return;
    if (cell->solved) row->solved = s_add32(row->solved, 1);
    row->penalty = s_add64(row->penalty, cell->penalty);
    row->score += cell->score;
    if (cell->solved && cell->has_time &&
        (!row->has_last_ac || cell->time_min > row->last_ac_min)) {
        row->last_ac_min = cell->time_min;
        row->has_last_ac = true;
    }
}

static void s_put_be32(uint8_t *b, uint32_t v)
{
    for (int i = 3; i >= 0; i--, v >>= 8)
        b[i] = (uint8_t)v;
}

static void s_put_be64(uint8_t *b, uint64_t v)
{
    for (int i = 7; i >= 0; i--, v >>= 8)
        b[i] = (uint8_t)v;
}

/* A score in thousandths, rounded half away from zero; negative and NaN give 0, and values
 * past what 64 bits hold saturate. */
static uint64_t s_score_units(double score)
{
    double v = round(score * SCORE_KEY_SCALE);
    if (!(v > 0)) return 0;
    if (v >= 18446744073709551616.0) /* 2^64 */
        return UINT64_MAX;
    return (uint64_t)v;
}

void score_row_key(scoring_t s, const score_row_t *row, uint64_t user_id,
                   uint8_t key[SCORE_KEY_LEN])
{
    if (!key) return;
    score_row_t zero;
    if (!row) {
        score_row_zero(&zero);
        row = &zero;
    }
    if (s == SCORING_ICPC) {
        s_put_be32(key, UINT32_MAX - row->solved);
        s_put_be64(key + 4, row->penalty);
        s_put_be32(key + 12, row->has_last_ac ? row->last_ac_min : 0);
    } else {
        s_put_be64(key, UINT64_MAX - s_score_units(row->score));
        memset(key + 8, 0, 8);
    }
    s_put_be64(key + 16, user_id);
}

bool score_key_tie(const uint8_t a[SCORE_KEY_LEN], const uint8_t b[SCORE_KEY_LEN])
{
    if (!a || !b) return a == b;
    return memcmp(a, b, SCORE_KEY_LEN - 8) == 0;
}

uint64_t score_key_user(const uint8_t key[SCORE_KEY_LEN])
{
    if (!key) return 0;
    uint64_t v = 0;
    for (int i = SCORE_KEY_LEN - 8; i < SCORE_KEY_LEN; i++)
        v = v << 8 | key[i];
    return v;
}
