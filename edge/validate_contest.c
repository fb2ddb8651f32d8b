/*  edge_validate (contests) — bodies and queries of the contest routes (see validate.h).
 *
 *  Same conventions as validate.c: each validator fills a struct that borrows from the json_t
 *  or fails with a 400 invalid_field whose message names the field, including its position in
 *  an array ("`problems[2].label` ..."). Unknown fields are ignored, so a client may send back
 *  what GET returned. Pure functions; tested in tests/unit/test_edge_contest.c.
 */
#include "validate.h"

#include "router.h"

#include <civetweb.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#define BAD 400, "invalid_field"
#define MS_PER_DAY 86400000ull

static const json_t *s_get(const json_t *obj, const char *name)
{
    const json_t *v = json_object_get(obj, name);
    return json_is_null(v) ? NULL : v;
}

/* ---- RFC 3339 -------------------------------------------------------------------------- */

static int s_digits(const char *s, size_t n, unsigned *out)
{
    unsigned v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') return -1;
        v = v * 10 + (unsigned)(s[i] - '0');
    }
    *out = v;
    return 0;
}

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar (H. Hinnant's
 * days_from_civil). */
static int64_t s_days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static unsigned s_days_in_month(unsigned y, unsigned m)
{
    static const unsigned days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : days[m - 1];
}

int edge_rfc3339_parse(const char *s, size_t n, uint64_t *unix_ms)
{
    /* YYYY-MM-DDTHH:MM:SS then optional .fraction then Z or +HH:MM / -HH:MM */
    unsigned y, mo, d, h, mi, sec;
    if (!s || n < 20 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't') ||
        s[13] != ':' || s[16] != ':')
        return -1;
    if (s_digits(s, 4, &y) || s_digits(s + 5, 2, &mo) || s_digits(s + 8, 2, &d) ||
        s_digits(s + 11, 2, &h) || s_digits(s + 14, 2, &mi) || s_digits(s + 17, 2, &sec))
        return -1;
    if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > s_days_in_month(y, mo) || h > 23 ||
        mi > 59 || sec > 60)
        return -1;
    if (sec == 60) sec = 59; /* a leap second reads as the second before it */
    size_t i = 19;
    unsigned ms = 0;
    if (i < n && s[i] == '.') {
        size_t start = ++i;
        unsigned scale = 100;
        while (i < n && s[i] >= '0' && s[i] <= '9') {
            ms += (unsigned)(s[i] - '0') * scale;
            scale /= 10;
            i++;
        }
        if (i == start) return -1;
    }
    int64_t offset_min = 0;
    if (i < n && (s[i] == 'Z' || s[i] == 'z')) {
        i++;
    } else if (i < n && (s[i] == '+' || s[i] == '-')) {
        unsigned oh, om;
        if (n - i != 6 || s[i + 3] != ':' || s_digits(s + i + 1, 2, &oh) ||
            s_digits(s + i + 4, 2, &om) || oh > 23 || om > 59)
            return -1;
        offset_min = (int64_t)(oh * 60 + om) * (s[i] == '-' ? -1 : 1);
        i += 6;
    } else {
        return -1;
    }
    if (i != n) return -1;
    int64_t ms_total = s_days_from_civil(y, mo, d) * (int64_t)MS_PER_DAY +
                       ((int64_t)h * 3600 + mi * 60 + sec) * 1000 + ms - offset_min * 60000;
    if (ms_total < 0) return -1;
    *unix_ms = (uint64_t)ms_total;
    return 0;
}

/* ---- field helpers --------------------------------------------------------------------- */

static bool s_label_ok(const char *s, size_t n)
{
    if (n == 0 || n > EDGE_LABEL_MAX) return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-'))
            return false;
    }
    return true;
}

/* A non-empty string of at most max bytes. 1 present, 0 absent (optional), -1 bad. */
static int s_text(const json_t *obj, const char *name, bool required, size_t max,
                  const char **out, size_t *len, edge_err_t *err)
{
    size_t n = 0;
    int rc = edge_v_string(obj, name, required, max, out, &n, err);
    if (rc == 1 && n == 0) return edge_err_set(err, BAD, "`%s` must not be empty", name);
    if (len) *len = n;
    return rc;
}

/* ---- contest definition ---------------------------------------------------------------- */

static double s_default_points(const char *scoring)
{
    if (strcmp(scoring, "cf") == 0) return EDGE_POINTS_DEFAULT_CF;
    if (strcmp(scoring, "ioi") == 0) return EDGE_POINTS_DEFAULT_IOI;
    return EDGE_POINTS_DEFAULT_ICPC;
}

static int s_problem(const json_t *e, size_t i, double dflt, edge_contest_problem_t *p,
                     edge_err_t *err)
{
    char name[64];
    if (!json_is_object(e))
        return edge_err_set(err, BAD,
                            "`problems[%zu]` must be an object {problem_id, label, points?}", i);
    snprintf(name, sizeof name, "problems[%zu].problem_id", i);
    if (edge_v_id_as(e, "problem_id", name, true, &p->problem_id, err) < 0) return -1;
    const json_t *label = s_get(e, "label");
    if (!label)
        return edge_err_set(err, BAD, "`problems[%zu].label` is required", i);
    if (!json_is_string(label) || !s_label_ok(json_string_value(label), json_string_length(label)))
        return edge_err_set(err, BAD,
                            "`problems[%zu].label` must be 1 to %d characters: letters, digits, "
                            "`_` or `-`",
                            i, EDGE_LABEL_MAX);
    p->label = json_string_value(label);
    const json_t *points = s_get(e, "points");
    p->points = dflt;
    if (points) {
        double v = json_is_number(points) ? json_number_value(points) : -1;
        if (!json_is_number(points) || !isfinite(v) || v <= 0 || v > EDGE_POINTS_MAX)
            return edge_err_set(err, BAD,
                                "`problems[%zu].points` must be a number above 0 and at most %.0f",
                                i, EDGE_POINTS_MAX);
        p->points = v;
    }
    return 0;
}

int edge_v_contest(const json_t *body, edge_contest_t *out, edge_err_t *err)
{
    memset(out, 0, sizeof *out);
    if (s_text(body, "title", true, EDGE_TITLE_MAX, &out->title, NULL, err) < 0) return -1;

    const json_t *start = s_get(body, "start_time");
    if (!start) return edge_err_set(err, BAD, "`start_time` is required");
    if (!json_is_string(start) ||
        edge_rfc3339_parse(json_string_value(start), json_string_length(start), &out->start_ms) != 0)
        return edge_err_set(err, BAD,
                            "`start_time` must be an RFC 3339 time such as "
                            "\"2026-05-01T10:00:00Z\" (after 1970)");

    if (edge_v_uint(body, "duration_s", true, 1, EDGE_CONTEST_DURATION_MAX_S, &out->duration_s,
                    err) < 0)
        return -1;

    const char *scoring = NULL;
    if (edge_v_string(body, "scoring", true, 16, &scoring, NULL, err) < 0 ||
        (strcmp(scoring, "icpc") != 0 && strcmp(scoring, "ioi") != 0 && strcmp(scoring, "cf") != 0))
        return edge_err_set(err, BAD, "`scoring` must be one of icpc, ioi, cf");
    out->scoring = scoring;

    int rc = edge_v_uint(body, "freeze_s", false, 0, EDGE_CONTEST_DURATION_MAX_S, &out->freeze_s,
                         err);
    if (rc < 0) return -1;
    if (rc == 1 && out->freeze_s >= out->duration_s)
        return edge_err_set(err, BAD,
                            "`freeze_s` must be shorter than `duration_s` (%llu s); 0 or absent "
                            "means no freeze",
                            (unsigned long long)out->duration_s);
    out->has_freeze = rc == 1 && out->freeze_s > 0;

    out->penalty_min = EDGE_PENALTY_DEFAULT_MIN;
    if (edge_v_uint(body, "penalty_min", false, 0, EDGE_PENALTY_MAX_MIN, &out->penalty_min, err) < 0)
        return -1;

    const json_t *problems = s_get(body, "problems");
    if (!problems) return edge_err_set(err, BAD, "`problems` is required");
    if (!json_is_array(problems) || json_array_size(problems) > EDGE_CONTEST_PROBLEMS_MAX)
        return edge_err_set(err, BAD,
                            "`problems` must be an array of at most %d {problem_id, label, "
                            "points?} objects",
                            EDGE_CONTEST_PROBLEMS_MAX);
    double dflt = s_default_points(scoring);
    size_t i;
    const json_t *e;
    json_array_foreach(problems, i, e)
    {
        edge_contest_problem_t *p = &out->problems[i];
        if (s_problem(e, i, dflt, p, err) < 0) return -1;
        for (size_t k = 0; k < i; k++) {
            if (strcmp(out->problems[k].label, p->label) == 0)
                return edge_err_set(err, BAD,
                                    "`problems[%zu].label` repeats `%s` from problems[%zu]; labels "
                                    "must be unique",
                                    i, p->label, k);
            if (out->problems[k].problem_id == p->problem_id)
                return edge_err_set(err, BAD,
                                    "`problems[%zu].problem_id` repeats problem %llu from "
                                    "problems[%zu]",
                                    i, (unsigned long long)p->problem_id, k);
        }
        out->n_problems = i + 1;
    }
    return 0;
}

/* ---- clarifications and announcements -------------------------------------------------- */

int edge_v_clar_ask(const json_t *body, edge_clar_ask_t *out, edge_err_t *err)
{
    memset(out, 0, sizeof *out);
    if (s_text(body, "text", true, EDGE_CLAR_TEXT_MAX, &out->text, &out->text_len, err) < 0)
        return -1;
    int rc = edge_v_id(body, "problem_id", false, &out->problem_id, err);
    if (rc < 0) return -1;
    out->has_problem = rc == 1;
    return 0;
}

int edge_v_clar_staff(const json_t *body, edge_clar_staff_t *out, edge_err_t *err)
{
    memset(out, 0, sizeof *out);
    int rc = edge_v_id(body, "reply_to", false, &out->reply_to, err);
    if (rc < 0) return -1;
    out->has_reply_to = rc == 1;
    if (s_text(body, "text", true, EDGE_CLAR_TEXT_MAX, &out->text, &out->text_len, err) < 0)
        return -1;
    const json_t *pub = s_get(body, "public");
    if (pub && !json_is_boolean(pub))
        return edge_err_set(err, BAD, "`public` must be true or false");
    out->is_public = json_is_true(pub);
    rc = edge_v_id(body, "to_user_id", false, &out->to_user_id, err);
    if (rc < 0) return -1;
    out->has_to_user = rc == 1;
    if (out->has_reply_to && out->has_to_user)
        return edge_err_set(err, BAD,
                            "`to_user_id` is for announcements; an answer (with `reply_to`) goes "
                            "to the asker, or to everyone with \"public\": true");
    if (!out->has_reply_to && pub)
        return edge_err_set(err, BAD,
                            "`public` applies to answers (with `reply_to`); an announcement goes "
                            "to everyone unless it has `to_user_id`");
    return 0;
}

int edge_v_announce(const json_t *body, edge_announce_t *out, edge_err_t *err)
{
    memset(out, 0, sizeof *out);
    if (s_text(body, "text", true, EDGE_CLAR_TEXT_MAX, &out->text, &out->text_len, err) < 0)
        return -1;
    if (s_text(body, "title", false, EDGE_ANNOUNCE_TITLE_MAX, &out->title, NULL, err) < 0)
        return -1;
    int rc = edge_v_id(body, "to_user_id", false, &out->to_user_id, err);
    if (rc < 0) return -1;
    out->has_to_user = rc == 1;
    return 0;
}

/* ---- queries --------------------------------------------------------------------------- */

/* Query parameter `name` into dst. 1 present, 0 absent or empty, -1 too long. */
static int s_query(const char *query, const char *name, char *dst, size_t dstlen)
{
    if (!query || !*query) return 0;
    int n = mg_get_var(query, strlen(query), name, dst, dstlen);
    if (n == -1 || n == 0) return 0;
    if (n < 0) return -1;
    return 1;
}

static int s_query_uint(const char *query, const char *name, uint64_t max, bool *has,
                        uint64_t *out, edge_err_t *err)
{
    char v[32];
    int rc = s_query(query, name, v, sizeof v);
    uint64_t x = 0;
    if (rc == 0) return 0;
    if (rc < 0 || edge_parse_u64(v, strlen(v), &x) != 0 || x < 1 || x > max)
        return edge_err_set(err, BAD, "query parameter `%s` must be an integer from 1 to %llu",
                            name, (unsigned long long)max);
    *has = true;
    *out = x;
    return 1;
}

int edge_v_page_query(const char *query, edge_page_query_t *out, edge_err_t *err)
{
    memset(out, 0, sizeof *out);
    if (s_query_uint(query, "page", EDGE_PAGE_MAX, &out->has_page, &out->page, err) < 0 ||
        s_query_uint(query, "per_page", EDGE_PER_PAGE_MAX, &out->has_per_page, &out->per_page,
                     err) < 0)
        return -1;
    return 0;
}

int edge_v_view_query(const char *query, edge_err_t *err)
{
    char v[16];
    int rc = s_query(query, "view", v, sizeof v);
    if (rc == 0) return EDGE_VIEW_ABSENT;
    if (rc == 1 && strcmp(v, "public") == 0) return EDGE_VIEW_PUBLIC;
    if (rc == 1 && strcmp(v, "jury") == 0) return EDGE_VIEW_JURY;
    return edge_err_set(err, BAD, "query parameter `view` must be public or jury");
}
