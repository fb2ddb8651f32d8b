/*  clics — Gavel objects as CLICS 2023-06 objects (see clics.h). */
#include "clics.h"

#include "gv_log.h"
#include "gv_msg.h"
#include "json_mp.h"
#include "router.h"
#include "validate.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ID_MAX 24

/* ---- small helpers --------------------------------------------------------------------- */

void clics_reltime(int64_t ms, char *buf, size_t len)
{
    const char *sign = "";
    uint64_t a = (uint64_t)ms;
    if (ms < 0) {
        sign = "-";
        a = (uint64_t)(-(ms + 1)) + 1; /* no overflow at INT64_MIN */
    }
    snprintf(buf, len, "%s%" PRIu64 ":%02u:%02u.%03u", sign, a / 3600000u,
             (unsigned)(a / 60000u % 60u), (unsigned)(a / 1000u % 60u), (unsigned)(a % 1000u));
}

void clics_time(uint64_t unix_ms, char *buf, size_t len)
{
    gv_rfc3339(unix_ms, buf, len);
}

static json_t *s_jtime(uint64_t unix_ms)
{
    char t[CLICS_TIME_MAX];
    clics_time(unix_ms, t, sizeof t);
    return json_string(t);
}

static json_t *s_jreltime(int64_t ms)
{
    char t[CLICS_TIME_MAX];
    clics_reltime(ms, t, sizeof t);
    return json_string(t);
}

/* Milliseconds since the contest start (negative before it). */
static int64_t s_since_start(const clics_contest_t *c, uint64_t unix_ms)
{
    return (int64_t)unix_ms - (int64_t)c->start_ms;
}

static json_t *s_jid(uint64_t id)
{
    char s[ID_MAX];
    snprintf(s, sizeof s, "%" PRIu64, id);
    return json_string(s);
}

/* Seconds with millisecond precision: an integer when whole. */
static json_t *s_jseconds(uint64_t ms)
{
    if (ms % 1000u == 0) return json_integer((json_int_t)(ms / 1000u));
    return json_real((double)ms / 1000.0);
}

/* A JSON string of p[0..n); bytes that are not UTF-8 become '?'. */
static json_t *s_jstrn(const char *p, size_t n)
{
    if (!p || n == 0) return json_string("");
    if (edge_utf8_valid(p, n)) return json_stringn_nocheck(p, n);
    char *copy = malloc(n);
    if (!copy) return NULL;
    for (size_t i = 0; i < n; i++)
        copy[i] = (unsigned char)p[i] < 0x80 ? p[i] : '?';
    json_t *j = json_stringn_nocheck(copy, n);
    free(copy);
    return j;
}

static bool s_is_str(const msgpack_object *o)
{
    return o && o->type == MSGPACK_OBJECT_STR;
}

/* The string under key as JSON, or NULL when it is absent or not a string. */
static json_t *s_jstr(const msgpack_object *map, const char *key)
{
    const msgpack_object *o = gv_obj_get(map, key);
    return s_is_str(o) ? s_jstrn(o->via.str.ptr, o->via.str.size) : NULL;
}

static json_t *s_or_null(json_t *j)
{
    return j ? j : json_null();
}

static bool s_number(const msgpack_object *o, double *out)
{
    if (!o) return false;
    switch (o->type) {
    case MSGPACK_OBJECT_POSITIVE_INTEGER:
        *out = (double)o->via.u64;
        return true;
    case MSGPACK_OBJECT_NEGATIVE_INTEGER:
        *out = (double)o->via.i64;
        return true;
    case MSGPACK_OBJECT_FLOAT32:
    case MSGPACK_OBJECT_FLOAT64:
        *out = o->via.f64;
        return true;
    default:
        return false;
    }
}

static bool s_uint(const msgpack_object *map, const char *key, uint64_t *out)
{
    const msgpack_object *o = gv_obj_get(map, key);
    if (!o || o->type != MSGPACK_OBJECT_POSITIVE_INTEGER) return false;
    *out = o->via.u64;
    return true;
}

static bool s_true(const msgpack_object *map, const char *key)
{
    return gv_obj_bool(gv_obj_get(map, key), false);
}

bool clics_obj_id(const msgpack_object *map, const char *key, uint64_t *out)
{
    const msgpack_object *o = gv_obj_get(map, key);
    if (!o) return false;
    if (o->type == MSGPACK_OBJECT_POSITIVE_INTEGER) {
        *out = o->via.u64;
        return true;
    }
    return o->type == MSGPACK_OBJECT_STR &&
           edge_parse_u64(o->via.str.ptr, o->via.str.size, out) == 0;
}

bool clics_obj_time(const msgpack_object *map, const char *key, uint64_t *unix_ms)
{
    const msgpack_object *o = gv_obj_get(map, key);
    return s_is_str(o) && edge_rfc3339_parse(o->via.str.ptr, o->via.str.size, unix_ms) == 0;
}

/* Sets o[key] = v, recording a failure in *bad (v NULL = out of memory). */
static void s_set(json_t *o, const char *key, json_t *v, bool *bad)
{
    if (!v || json_object_set_new_nocheck(o, key, v) != 0) *bad = true;
}

/* Returns o, or NULL (and frees it) when something failed. */
static json_t *s_done(json_t *o, bool bad)
{
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

/* ---- contest and state ----------------------------------------------------------------- */

int clics_contest_parse(const msgpack_object *contest, clics_contest_t *out)
{
    memset(out, 0, sizeof *out);
    if (!contest || contest->type != MSGPACK_OBJECT_MAP) return -1;
    if (!clics_obj_id(contest, "id", &out->id) ||
        !clics_obj_time(contest, "start_time", &out->start_ms) ||
        !s_uint(contest, "duration_s", &out->duration_s))
        return -1;
    if (!clics_obj_time(contest, "end_time", &out->end_ms))
        out->end_ms = out->start_ms + out->duration_s * 1000u;
    if (s_uint(contest, "freeze_s", &out->freeze_s) && out->freeze_s > 0 &&
        out->freeze_s < out->duration_s) {
        out->has_freeze = true;
        if (!clics_obj_time(contest, "freeze_time", &out->freeze_ms))
            out->freeze_ms = out->end_ms - out->freeze_s * 1000u;
    }
    const msgpack_object *scoring = gv_obj_get(contest, "scoring");
    snprintf(out->scoring, sizeof out->scoring, "icpc");
    if (s_is_str(scoring) && scoring->via.str.size < sizeof out->scoring) {
        memcpy(out->scoring, scoring->via.str.ptr, scoring->via.str.size);
        out->scoring[scoring->via.str.size] = '\0';
    }
    out->score_type = strcmp(out->scoring, "icpc") != 0;
    if (!s_uint(contest, "penalty_min", &out->penalty_min)) out->penalty_min = 20;
    /* thawed / finalized: booleans, or the time it happened; *_at when the actor sends it */
    out->thawed = s_true(contest, "thawed") || clics_obj_time(contest, "thawed", &out->thawed_ms);
    out->finalized = s_true(contest, "finalized") ||
                     clics_obj_time(contest, "finalized", &out->finalized_ms) ||
                     gv_obj_str_eq(gv_obj_get(contest, "state"), "finalized");
    if (clics_obj_time(contest, "thawed_at", &out->thawed_ms)) out->thawed = true;
    if (clics_obj_time(contest, "finalized_at", &out->finalized_ms)) out->finalized = true;
    return 0;
}

json_t *clics_contest_json(const msgpack_object *contest, const clics_contest_t *c)
{
    json_t *o = json_object();
    if (!o) return NULL;
    bool bad = false;
    json_t *title = s_jstr(contest, "title");
    if (!title) {
        char t[48];
        snprintf(t, sizeof t, "Contest %" PRIu64, c->id);
        title = json_string(t);
    }
    json_t *formal = json_copy(title);
    s_set(o, "id", s_jid(c->id), &bad);
    s_set(o, "name", title, &bad);
    s_set(o, "formal_name", formal, &bad);
    s_set(o, "start_time", s_jtime(c->start_ms), &bad);
    s_set(o, "duration", s_jreltime((int64_t)(c->duration_s * 1000u)), &bad);
    if (c->has_freeze)
        s_set(o, "scoreboard_freeze_duration", s_jreltime((int64_t)(c->freeze_s * 1000u)), &bad);
    s_set(o, "scoreboard_type", json_string(c->score_type ? "score" : "pass-fail"), &bad);
    s_set(o, "penalty_time", json_integer((json_int_t)c->penalty_min), &bad);
    return s_done(o, bad);
}

json_t *clics_state_json(const clics_contest_t *c, uint64_t at_ms)
{
    json_t *o = json_object();
    if (!o) return NULL;
    bool bad = false;
    bool started = at_ms >= c->start_ms;
    bool frozen = c->has_freeze && at_ms >= c->freeze_ms;
    bool ended = at_ms >= c->end_ms;
    bool thawed = frozen && c->thawed;
    bool finalized = ended && c->finalized;
    uint64_t thawed_ms = c->thawed_ms ? c->thawed_ms : c->end_ms;
    uint64_t finalized_ms = c->finalized_ms ? c->finalized_ms : c->end_ms;
    s_set(o, "started", started ? s_jtime(c->start_ms) : json_null(), &bad);
    if (c->has_freeze) s_set(o, "frozen", frozen ? s_jtime(c->freeze_ms) : json_null(), &bad);
    s_set(o, "ended", ended ? s_jtime(c->end_ms) : json_null(), &bad);
    if (c->has_freeze) s_set(o, "thawed", thawed ? s_jtime(thawed_ms) : json_null(), &bad);
    s_set(o, "finalized", finalized ? s_jtime(finalized_ms) : json_null(), &bad);
    bool over = finalized && (!c->has_freeze || thawed);
    uint64_t last = thawed && thawed_ms > finalized_ms ? thawed_ms : finalized_ms;
    s_set(o, "end_of_updates", over ? s_jtime(last) : json_null(), &bad);
    return s_done(o, bad);
}

/* ---- judgement types, languages, teams, problems --------------------------------------- */

static const struct {
    const char *id, *name;
    bool penalty, solved;
} s_types[] = {
    {"AC", "Accepted", false, true},
    {"WA", "Wrong Answer", true, false},
    {"TLE", "Time Limit Exceeded", true, false},
    {"MLE", "Memory Limit Exceeded", true, false},
    {"RTE", "Run-Time Error", true, false},
    {"OLE", "Output Limit Exceeded", true, false},
    {"CE", "Compile Error", false, false}, /* never counts (API.md) */
    {"JE", "Judging Error", false, false}, /* the system's fault, never the team's */
};
#define N_TYPES (sizeof s_types / sizeof s_types[0])

json_t *clics_judgement_type_json(const char *id)
{
    for (size_t i = 0; i < N_TYPES; i++) {
        if (strcmp(s_types[i].id, id) != 0) continue;
        json_t *o = json_object();
        if (!o) return NULL;
        bool bad = false;
        s_set(o, "id", json_string(s_types[i].id), &bad);
        s_set(o, "name", json_string(s_types[i].name), &bad);
        s_set(o, "penalty", json_boolean(s_types[i].penalty), &bad);
        s_set(o, "solved", json_boolean(s_types[i].solved), &bad);
        return s_done(o, bad);
    }
    return NULL;
}

json_t *clics_judgement_types_json(void)
{
    json_t *a = json_array();
    if (!a) return NULL;
    for (size_t i = 0; i < N_TYPES; i++) {
        if (json_array_append_new(a, clics_judgement_type_json(s_types[i].id)) != 0) {
            json_decref(a);
            return NULL;
        }
    }
    return a;
}

static const struct {
    const char *id, *name, *ext[4];
} s_langs[] = {
    {"c", "C", {"c"}},
    {"cpp", "C++", {"cpp", "cc", "cxx", "c++"}},
    {"python3", "Python 3", {"py"}},
    {"java", "Java", {"java"}},
    {"rust", "Rust", {"rs"}},
    {"javascript", "JavaScript", {"js"}},
    {"pascal", "Pascal", {"pas"}},
};

json_t *clics_language_json(const char *id, const char *name)
{
    json_t *o = json_object(), *ext = json_array();
    if (!o || !ext) {
        json_decref(o);
        json_decref(ext);
        return NULL;
    }
    bool bad = false;
    for (size_t i = 0; i < sizeof s_langs / sizeof s_langs[0]; i++) {
        if (strcmp(s_langs[i].id, id) != 0) continue;
        if (!name) name = s_langs[i].name;
        for (size_t k = 0; k < 4 && s_langs[i].ext[k]; k++)
            if (json_array_append_new(ext, json_string(s_langs[i].ext[k])) != 0) bad = true;
    }
    s_set(o, "id", s_jstrn(id, strlen(id)), &bad);
    s_set(o, "name", s_jstrn(name ? name : id, strlen(name ? name : id)), &bad);
    s_set(o, "entry_point_required", json_false(), &bad);
    s_set(o, "extensions", ext, &bad);
    return s_done(o, bad);
}

json_t *clics_team_json(const msgpack_object *user)
{
    uint64_t id;
    if (!clics_obj_id(user, "user_id", &id)) return NULL;
    json_t *o = json_object();
    if (!o) return NULL;
    bool bad = false;
    json_t *name = s_jstr(user, "username");
    if (!name) name = s_jid(id);
    json_t *display = json_copy(name);
    s_set(o, "id", s_jid(id), &bad);
    s_set(o, "label", s_jid(id), &bad);
    s_set(o, "name", name, &bad);
    s_set(o, "display_name", display, &bad);
    return s_done(o, bad);
}

/* Sum of a subtasks array's points; false when there are none. */
static bool s_subtask_sum(const msgpack_object *a, double *sum)
{
    if (!a || a->type != MSGPACK_OBJECT_ARRAY || a->via.array.size == 0) return false;
    *sum = 0;
    for (uint32_t i = 0; i < a->via.array.size; i++) {
        double p;
        if (s_number(gv_obj_get(&a->via.array.ptr[i], "points"), &p)) *sum += p;
    }
    return true;
}

json_t *clics_problem_json(const msgpack_object *cproblem, size_t ordinal,
                           const msgpack_object *problem, int64_t test_count,
                           const clics_contest_t *c)
{
    uint64_t id;
    json_t *label = s_jstr(cproblem, "label");
    if (!clics_obj_id(cproblem, "problem_id", &id) || !label) {
        json_decref(label);
        return NULL;
    }
    json_t *o = json_object();
    if (!o) {
        json_decref(label);
        return NULL;
    }
    bool bad = false;
    json_t *name = problem ? s_jstr(problem, "title") : NULL;
    if (!name) name = json_copy(label);
    s_set(o, "id", s_jid(id), &bad);
    s_set(o, "label", label, &bad);
    s_set(o, "name", name, &bad);
    s_set(o, "ordinal", json_integer((json_int_t)ordinal), &bad);
    uint64_t tl;
    if (problem && s_uint(problem, "time_limit_ms", &tl)) s_set(o, "time_limit", s_jseconds(tl), &bad);
    if (test_count >= 0) s_set(o, "test_data_count", json_integer(test_count), &bad);
    if (c->score_type) {
        double max = 0;
        if (!s_subtask_sum(gv_obj_get(cproblem, "subtasks"), &max) &&
            !(problem && strcmp(c->scoring, "ioi") == 0 &&
              s_subtask_sum(gv_obj_get(problem, "subtasks"), &max)) &&
            !s_number(gv_obj_get(cproblem, "points"), &max))
            max = 0;
        s_set(o, "max_score", json_real(max), &bad);
    }
    return s_done(o, bad);
}

/* ---- submissions, judgements, runs ----------------------------------------------------- */

json_t *clics_submission_json(const msgpack_object *csub, const clics_contest_t *c)
{
    uint64_t id, pid, uid, at;
    const msgpack_object *lang = gv_obj_get(csub, "language");
    if (!clics_obj_id(csub, "id", &id) || !clics_obj_id(csub, "problem_id", &pid) ||
        !clics_obj_id(csub, "user_id", &uid) || !clics_obj_time(csub, "submitted_at", &at) ||
        !s_is_str(lang))
        return NULL;
    json_t *o = json_object();
    if (!o) return NULL;
    bool bad = false;
    bool java = lang->via.str.size == 4 && memcmp(lang->via.str.ptr, "java", 4) == 0;
    s_set(o, "id", s_jid(id), &bad);
    s_set(o, "language_id", s_jstrn(lang->via.str.ptr, lang->via.str.size), &bad);
    s_set(o, "problem_id", s_jid(pid), &bad);
    s_set(o, "team_id", s_jid(uid), &bad);
    s_set(o, "time", s_jtime(at), &bad);
    s_set(o, "contest_time", s_jreltime(s_since_start(c, at)), &bad);
    s_set(o, "entry_point", java ? json_string("Main") : json_null(), &bad);
    s_set(o, "files", json_array(), &bad);
    return s_done(o, bad);
}

/* The csub's verdict when judged, else NULL. */
static const msgpack_object *s_verdict(const msgpack_object *csub)
{
    const msgpack_object *v = gv_obj_get(csub, "verdict");
    return s_is_str(v) && v->via.str.size ? v : NULL;
}

json_t *clics_judgement_json(const msgpack_object *csub, const clics_contest_t *c)
{
    uint64_t id, at, end;
    const msgpack_object *verdict = s_verdict(csub);
    if (!verdict || !clics_obj_id(csub, "id", &id) || !clics_obj_time(csub, "submitted_at", &at))
        return NULL;
    if (!clics_obj_time(csub, "judged_at", &end) || end < at) end = at;
    json_t *o = json_object();
    if (!o) return NULL;
    bool bad = false;
    s_set(o, "id", s_jid(id), &bad);
    s_set(o, "submission_id", s_jid(id), &bad);
    s_set(o, "judgement_type_id", s_jstrn(verdict->via.str.ptr, verdict->via.str.size), &bad);
    s_set(o, "start_time", s_jtime(at), &bad);
    s_set(o, "start_contest_time", s_jreltime(s_since_start(c, at)), &bad);
    s_set(o, "end_time", s_jtime(end), &bad);
    s_set(o, "end_contest_time", s_jreltime(s_since_start(c, end)), &bad);
    const msgpack_object *tests = gv_obj_get(csub, "tests");
    if (tests && tests->type == MSGPACK_OBJECT_ARRAY && tests->via.array.size) {
        uint64_t max = 0, t;
        for (uint32_t i = 0; i < tests->via.array.size; i++)
            if (s_uint(&tests->via.array.ptr[i], "time_ms", &t) && t > max) max = t;
        s_set(o, "max_run_time", s_jseconds(max), &bad);
    }
    double score;
    if (s_number(gv_obj_get(csub, "score"), &score)) s_set(o, "score", json_real(score), &bad);
    return s_done(o, bad);
}

json_t *clics_runs_json(const msgpack_object *csub, const clics_contest_t *c)
{
    json_t *a = json_array();
    uint64_t id, at, end;
    if (!a || !s_verdict(csub) || !clics_obj_id(csub, "id", &id) ||
        !clics_obj_time(csub, "submitted_at", &at))
        return a;
    if (!clics_obj_time(csub, "judged_at", &end) || end < at) end = at;
    const msgpack_object *tests = gv_obj_get(csub, "tests");
    if (!tests || tests->type != MSGPACK_OBJECT_ARRAY) return a;
    for (uint32_t i = 0; i < tests->via.array.size; i++) {
        const msgpack_object *t = &tests->via.array.ptr[i];
        uint64_t n, ms = 0;
        json_t *verdict = s_jstr(t, "verdict");
        if (!s_uint(t, "n", &n) || n == 0 || n >= CLICS_RUN_ID_BASE || !verdict) {
            json_decref(verdict);
            continue;
        }
        (void)s_uint(t, "time_ms", &ms);
        json_t *o = json_object();
        bool bad = !o;
        if (o) {
            s_set(o, "id", s_jid(id * CLICS_RUN_ID_BASE + n), &bad);
            s_set(o, "judgement_id", s_jid(id), &bad);
            s_set(o, "ordinal", json_integer((json_int_t)n), &bad);
            s_set(o, "judgement_type_id", verdict, &bad);
            verdict = NULL;
            s_set(o, "time", s_jtime(end), &bad);
            s_set(o, "contest_time", s_jreltime(s_since_start(c, end)), &bad);
            s_set(o, "run_time", s_jseconds(ms), &bad);
        }
        json_decref(verdict);
        if (bad || json_array_append_new(a, o) != 0) {
            if (bad) json_decref(o);
            json_decref(a);
            return NULL;
        }
    }
    return a;
}

/* ---- clarifications -------------------------------------------------------------------- */

static json_t *s_clar_obj(uint64_t id, json_t *from, json_t *to, json_t *reply_to,
                          json_t *problem, json_t *text, uint64_t at, const clics_contest_t *c)
{
    json_t *o = json_object();
    bool bad = !o;
    if (o) {
        s_set(o, "id", s_jid(id), &bad);
        s_set(o, "from_team_id", s_or_null(from), &bad);
        s_set(o, "to_team_id", s_or_null(to), &bad);
        s_set(o, "reply_to_id", s_or_null(reply_to), &bad);
        s_set(o, "problem_id", s_or_null(problem), &bad);
        s_set(o, "text", text, &bad);
        s_set(o, "time", s_jtime(at), &bad);
        s_set(o, "contest_time", s_jreltime(s_since_start(c, at)), &bad);
        return s_done(o, bad);
    }
    json_decref(from);
    json_decref(to);
    json_decref(reply_to);
    json_decref(problem);
    json_decref(text);
    return NULL;
}

static json_t *s_opt_id(const msgpack_object *map, const char *key)
{
    uint64_t v;
    return clics_obj_id(map, key, &v) ? s_jid(v) : NULL;
}

/* Title and text of an announcement as one text. */
static json_t *s_announcement_text(const msgpack_object *clar)
{
    const msgpack_object *text = gv_obj_get(clar, "answer");
    if (!s_is_str(text)) text = gv_obj_get(clar, "question");
    if (!s_is_str(text)) text = gv_obj_get(clar, "text");
    const msgpack_object *title = gv_obj_get(clar, "title");
    size_t tl = s_is_str(text) ? text->via.str.size : 0;
    if (!s_is_str(title) || title->via.str.size == 0)
        return s_is_str(text) ? s_jstrn(text->via.str.ptr, tl) : json_string("");
    size_t n = title->via.str.size + 2 + tl;
    char *both = malloc(n);
    if (!both) return NULL;
    memcpy(both, title->via.str.ptr, title->via.str.size);
    memcpy(both + title->via.str.size, "\n\n", 2);
    if (tl) memcpy(both + title->via.str.size + 2, text->via.str.ptr, tl);
    json_t *j = s_jstrn(both, n);
    free(both);
    return j;
}

int clics_clar_append(json_t *array, const msgpack_object *clar, const clics_contest_t *c)
{
    uint64_t id, at, answered;
    if (!clics_obj_id(clar, "id", &id) || !clics_obj_time(clar, "created_at", &at)) return 0;
    if (gv_obj_str_eq(gv_obj_get(clar, "kind"), "announcement")) {
        json_t *o = s_clar_obj(id, NULL, s_opt_id(clar, "to_user_id"), NULL,
                               s_opt_id(clar, "problem_id"), s_announcement_text(clar), at, c);
        return o ? json_array_append_new(array, o) : -1;
    }
    json_t *question = s_jstr(clar, "question");
    json_t *q = s_clar_obj(id, s_opt_id(clar, "from_user_id"), NULL, NULL,
                           s_opt_id(clar, "problem_id"), question ? question : json_string(""),
                           at, c);
    if (!q || json_array_append_new(array, q) != 0) return -1;
    json_t *answer = s_jstr(clar, "answer");
    if (!answer) return 0;
    if (!clics_obj_time(clar, "answered_at", &answered)) answered = at;
    bool everyone = s_true(clar, "public");
    json_t *a = s_clar_obj(id + CLICS_ANSWER_ID_BASE, NULL,
                           everyone ? NULL : s_opt_id(clar, "from_user_id"), s_jid(id),
                           s_opt_id(clar, "problem_id"), answer, answered, c);
    return a ? json_array_append_new(array, a) : -1;
}

/* ---- scoreboard ------------------------------------------------------------------------ */

/* The problem id of `label` in the contest's problem list, or NULL. */
static json_t *s_problem_of(const msgpack_object *contest, const msgpack_object *label)
{
    const msgpack_object *ps = gv_obj_get(contest, "problems");
    if (!s_is_str(label) || !ps || ps->type != MSGPACK_OBJECT_ARRAY) return NULL;
    for (uint32_t i = 0; i < ps->via.array.size; i++) {
        const msgpack_object *l = gv_obj_get(&ps->via.array.ptr[i], "label");
        uint64_t id;
        if (s_is_str(l) && l->via.str.size == label->via.str.size &&
            memcmp(l->via.str.ptr, label->via.str.ptr, l->via.str.size) == 0 &&
            clics_obj_id(&ps->via.array.ptr[i], "problem_id", &id))
            return s_jid(id);
    }
    return NULL;
}

static json_t *s_row(const msgpack_object *row, const msgpack_object *contest,
                     const clics_contest_t *c)
{
    uint64_t uid, rank = 0, solved = 0, penalty = 0;
    if (!clics_obj_id(row, "user_id", &uid)) return NULL;
    (void)s_uint(row, "rank", &rank);
    (void)s_uint(row, "solved", &solved);
    (void)s_uint(row, "penalty", &penalty);
    double total = 0;
    (void)s_number(gv_obj_get(row, "score"), &total);
    json_t *o = json_object(), *score = json_object(), *problems = json_array();
    bool bad = !o || !score || !problems;
    bool any_time = false;
    uint64_t last = 0;
    const msgpack_object *cells = gv_obj_get(row, "problems");
    for (uint32_t i = 0; !bad && cells && cells->type == MSGPACK_OBJECT_ARRAY &&
                         i < cells->via.array.size;
         i++) {
        const msgpack_object *cell = &cells->via.array.ptr[i];
        json_t *pid = s_problem_of(contest, gv_obj_get(cell, "label"));
        if (!pid) continue;
        uint64_t attempts = 0, pending = 0, tmin = 0;
        double cscore = 0;
        (void)s_uint(cell, "attempts", &attempts);
        (void)s_uint(cell, "pending", &pending);
        (void)s_number(gv_obj_get(cell, "score"), &cscore);
        bool csolved = s_true(cell, "solved");
        bool has_time = s_uint(cell, "time_min", &tmin);
        bool counts = c->score_type ? cscore > 0 : csolved;
        json_t *p = json_object();
        if (!p) {
            json_decref(pid);
            bad = true;
            break;
        }
        s_set(p, "problem_id", pid, &bad);
        s_set(p, "num_judged", json_integer((json_int_t)attempts), &bad);
        s_set(p, "num_pending", json_integer((json_int_t)pending), &bad);
        s_set(p, "solved", json_boolean(csolved), &bad);
        if (c->score_type) s_set(p, "score", json_real(cscore), &bad);
        if (counts && has_time) {
            s_set(p, "time", json_integer((json_int_t)tmin), &bad);
            any_time = true;
            if (tmin > last) last = tmin;
        }
        s_set(p, "first_to_solve", json_boolean(s_true(cell, "first_to_solve")), &bad);
        if (json_array_append_new(problems, p) != 0) bad = true;
    }
    if (!bad) {
        if (c->score_type) {
            s_set(score, "score", json_real(total), &bad);
        } else {
            s_set(score, "num_solved", json_integer((json_int_t)solved), &bad);
            s_set(score, "total_time", json_integer((json_int_t)penalty), &bad);
        }
        if (any_time) s_set(score, "time", json_integer((json_int_t)last), &bad);
        s_set(o, "rank", json_integer((json_int_t)rank), &bad);
        s_set(o, "team_id", s_jid(uid), &bad);
        s_set(o, "score", score, &bad);
        score = NULL;
        s_set(o, "problems", problems, &bad);
        problems = NULL;
    }
    json_decref(score);
    json_decref(problems);
    return s_done(o, bad);
}

json_t *clics_scoreboard_json(const msgpack_object *board, const msgpack_object *contest,
                              const clics_contest_t *c, uint64_t now_ms)
{
    json_t *o = json_object(), *rows = json_array();
    bool bad = !o || !rows;
    const msgpack_object *in = gv_obj_get(board, "rows");
    for (uint32_t i = 0; !bad && in && in->type == MSGPACK_OBJECT_ARRAY && i < in->via.array.size;
         i++) {
        json_t *row = s_row(&in->via.array.ptr[i], contest, c);
        if (row && json_array_append_new(rows, row) != 0) bad = true;
    }
    if (bad) {
        json_decref(o);
        json_decref(rows);
        return NULL;
    }
    s_set(o, "time", s_jtime(now_ms), &bad);
    s_set(o, "contest_time", s_jreltime(s_since_start(c, now_ms)), &bad);
    s_set(o, "state", clics_state_json(c, now_ms), &bad);
    s_set(o, "rows", rows, &bad);
    return s_done(o, bad);
}

/* ---- event feed ------------------------------------------------------------------------ */

int clics_feed_line(edge_buf_t *out, const char *type, const char *id, json_t *data,
                    const char *token)
{
    json_t *o = json_object();
    bool bad = !o;
    if (o) {
        s_set(o, "type", json_string(type), &bad);
        s_set(o, "id", id ? json_string(id) : json_null(), &bad);
        s_set(o, "data", data ? data : json_null(), &bad);
        data = NULL;
        if (token) s_set(o, "token", json_string(token), &bad);
    }
    json_decref(data);
    if (bad) {
        json_decref(o);
        return -1;
    }
    size_t n = json_dumpb(o, NULL, 0, CLICS_DUMP_FLAGS);
    if (n == 0 || edge_buf_reserve(out, n + 1) != 0) {
        json_decref(o);
        return -1;
    }
    json_dumpb(o, out->data + out->len, n, CLICS_DUMP_FLAGS);
    out->len += n;
    out->data[out->len++] = '\n';
    json_decref(o);
    return 0;
}
