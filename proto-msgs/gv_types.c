/*  gv_types — message schemas (see gv_types.h and docs/INTERNALS.md). */
#include "gv_types.h"
#include "gv_msg.h"

#include <msgpack.h>
#include <stdio.h>
#include <string.h>

#define MiB (1u << 20)
#define F(n, k, req) {n, k, req, false, 0, NULL}
#define FN(n, k, req, mx) {n, k, req, false, mx, NULL}
#define FE(n, k, req, mx, el) {n, k, req, false, mx, el}
#define FNULL(n, k, mx) {n, k, false, true, mx, NULL}
#define SCHEMA(var, tname, arr)                                                                \
    static const gv_schema_t var = {tname, arr, sizeof(arr) / sizeof(arr[0])}
#define EMPTY_SCHEMA(var, tname) static const gv_schema_t var = {tname, NULL, 0}

/* Optional identity of the signed-in user on requests coming from an edge. */
#define CALLER F("caller_id", GV_K_UINT, false), FN("caller_role", GV_K_STR, false, 16)

/* ---- control ---------------------------------------------------------------------------- */
static const gv_field_t f_hello[] = {FN("role", GV_K_STR, true, 16), FN("name", GV_K_STR, true, 128),
                                     F("pid", GV_K_UINT, false), FN("host", GV_K_STR, false, 256)};
SCHEMA(s_hello, "hello", f_hello);
EMPTY_SCHEMA(s_heartbeat, "heartbeat");
EMPTY_SCHEMA(s_who, "broker.who");
/* The broker refused a message because of the connection's key (broker/keyring.h). */
static const gv_field_t f_refused[] = {FN("reason", GV_K_STR, true, 1024)};
SCHEMA(s_refused, "broker.refused", f_refused);
static const gv_field_t f_reply[] = {F("status", GV_K_UINT, true), FN("code", GV_K_STR, false, 64),
                                     FN("message", GV_K_STR, false, 4096),
                                     F("data", GV_K_ANY, false)};
SCHEMA(s_reply, "reply", f_reply);
static const gv_field_t f_event[] = {FN("topic", GV_K_STR, true, 128), FN("kind", GV_K_STR, true, 64),
                                     F("id", GV_K_UINT, false), F("data", GV_K_ANY, false),
                                     FN("vis", GV_K_STR, false, 16), F("user_id", GV_K_UINT, false)};
SCHEMA(s_event, "event", f_event);
/* Acknowledges a durable notification (actor_send_durable): sent to its `from` address. */
static const gv_field_t f_ack[] = {F("dseq", GV_K_UINT, true)};
SCHEMA(s_ack, "ack", f_ack);

/* ---- broker service ----------------------------------------------------------------------- */
EMPTY_SCHEMA(s_broker_status, "broker.status");
EMPTY_SCHEMA(s_broker_judges, "broker.judges");

/* ---- judging ---------------------------------------------------------------------------- */
#define JOB_FIELDS                                                                               \
    F("sub_id", GV_K_UINT, true), F("attempt", GV_K_UINT, true), F("problem_id", GV_K_UINT, true), \
        FN("language", GV_K_STR, true, 32), FN("source", GV_K_BIN, true, 1 * MiB)
/* class: "contest" | "practice" | "rejudge" (broker/dispatch.h: the order jobs are judged in) */
static const gv_field_t f_offer[] = {JOB_FIELDS, FN("class", GV_K_STR, false, 16),
                                     F("user_id", GV_K_UINT, false)};
SCHEMA(s_offer, "jobs.offer", f_offer);
static const gv_field_t f_job[] = {JOB_FIELDS};
SCHEMA(s_job, "judge.job", f_job);

static const gv_field_t f_running[] = {F("sub_id", GV_K_UINT, true), F("attempt", GV_K_UINT, true)};
static const gv_schema_t s_running = {NULL, f_running, 2};
static const gv_field_t f_langinfo[] = {FN("id", GV_K_STR, true, 32), FN("name", GV_K_STR, true, 64),
                                        FN("version", GV_K_STR, true, 256)};
static const gv_schema_t s_langinfo = {NULL, f_langinfo, 3};
static const gv_field_t f_ready[] = {
    FE("language_info", GV_K_MAP_ARRAY, false, 64, &s_langinfo),
    FN("name", GV_K_STR, true, 128),         FN("host", GV_K_STR, false, 256),
    FN("languages", GV_K_STR_ARRAY, true, 64), F("slots", GV_K_UINT, true),
    FE("running", GV_K_MAP_ARRAY, false, 256, &s_running), F("isolation", GV_K_MAP, false)};
SCHEMA(s_ready, "judge.ready", f_ready);

static const gv_field_t f_test_result[] = {F("n", GV_K_UINT, true), FN("verdict", GV_K_STR, true, 8),
                                           F("time_ms", GV_K_UINT, true),
                                           F("memory_kb", GV_K_UINT, true),
                                           FN("group", GV_K_STR, false, 64)};
static const gv_schema_t s_test_result = {NULL, f_test_result, 5};

/* "last": the result of the test before `test` (running), as in judge.result's tests */
static const gv_field_t f_progress[] = {F("sub_id", GV_K_UINT, true), F("attempt", GV_K_UINT, true),
                                        FN("status", GV_K_STR, true, 16), F("test", GV_K_UINT, false),
                                        FE("last", GV_K_MAP, false, 0, &s_test_result)};
SCHEMA(s_progress, "judge.progress", f_progress);
static const gv_field_t f_result[] = {
    F("sub_id", GV_K_UINT, true),       F("attempt", GV_K_UINT, true),
    FN("verdict", GV_K_STR, true, 8),   F("time_ms", GV_K_UINT, true),
    F("memory_kb", GV_K_UINT, true),    FN("compile_output", GV_K_STR, false, 128 * 1024),
    FE("tests", GV_K_MAP_ARRAY, true, 100000, &s_test_result), FN("judge", GV_K_STR, false, 128),
    F("score", GV_K_FLOAT, false)};
SCHEMA(s_result, "judge.result", f_result);

static const gv_field_t f_manifest[] = {F("problem_id", GV_K_UINT, true)};
SCHEMA(s_manifest, "problems.manifest", f_manifest);
static const gv_field_t f_testdata[] = {FN("hash", GV_K_STR, true, 64)};
SCHEMA(s_testdata, "problems.testdata", f_testdata);

/* ---- accounts --------------------------------------------------------------------------- */
static const gv_field_t f_register[] = {FN("username", GV_K_STR, true, 256),
                                        FN("password_hash", GV_K_STR, true, 256),
                                        FN("display_name", GV_K_STR, false, 1024), CALLER};
SCHEMA(s_register, "accounts.register", f_register);
static const gv_field_t f_login[] = {FN("username", GV_K_STR, true, 256)};
SCHEMA(s_login, "accounts.auth", f_login);
static const gv_field_t f_uget[] = {F("user_id", GV_K_UINT, true), CALLER};
SCHEMA(s_uget, "accounts.get", f_uget);
static const gv_field_t f_setrole[] = {F("user_id", GV_K_UINT, true), FN("role", GV_K_STR, true, 16),
                                       CALLER};
SCHEMA(s_setrole, "accounts.set_role", f_setrole);

/* ---- problems --------------------------------------------------------------------------- */
static const gv_field_t f_subtask[] = {FN("group", GV_K_STR, true, 64), F("points", GV_K_FLOAT, true)};
static const gv_schema_t s_subtask = {NULL, f_subtask, 2};
#define PROBLEM_FIELDS(req)                                                                      \
    FN("title", GV_K_STR, req, 1024), FN("statement_md", GV_K_STR, req, 1 * MiB),                \
        F("time_limit_ms", GV_K_UINT, req), F("memory_limit_kb", GV_K_UINT, req),                \
        FN("tags", GV_K_STR_ARRAY, false, 64), F("checker", GV_K_MAP, false),                    \
        F("output_limit_kb", GV_K_UINT, false), F("interactor", GV_K_MAP, false),                \
        FE("subtasks", GV_K_MAP_ARRAY, false, 100, &s_subtask), F("published", GV_K_BOOL, false)
static const gv_field_t f_pcreate[] = {PROBLEM_FIELDS(true), CALLER};
SCHEMA(s_pcreate, "problems.create", f_pcreate);
static const gv_field_t f_pupdate[] = {F("id", GV_K_UINT, true), PROBLEM_FIELDS(false), CALLER};
SCHEMA(s_pupdate, "problems.update", f_pupdate);
static const gv_field_t f_pid[] = {F("id", GV_K_UINT, true), CALLER};
SCHEMA(s_pdelete, "problems.delete", f_pid);
SCHEMA(s_pget, "problems.get", f_pid);
static const gv_field_t f_plist[] = {F("page", GV_K_UINT, false), F("per_page", GV_K_UINT, false),
                                     FN("q", GV_K_STR, false, 256), CALLER};
SCHEMA(s_plist, "problems.list", f_plist);
static const gv_field_t f_ptest[] = {F("id", GV_K_UINT, true), FN("input", GV_K_BIN, true, 64 * MiB - 4096),
                                     FN("output", GV_K_BIN, true, 64 * MiB - 4096),
                                     F("sample", GV_K_BOOL, false), FN("group", GV_K_STR, false, 64),
                                     CALLER};
SCHEMA(s_ptest, "problems.add_test", f_ptest);
static const gv_field_t f_pset[] = {F("id", GV_K_UINT, true), F("n", GV_K_UINT, true),
                                    FN("input", GV_K_BIN, true, 64 * MiB - 4096),
                                    FN("output", GV_K_BIN, true, 64 * MiB - 4096),
                                    F("sample", GV_K_BOOL, false), FN("group", GV_K_STR, false, 64),
                                    CALLER};
SCHEMA(s_pset, "problems.set_test", f_pset);
/* problems.import: a whole package in one message, so it is created in one transaction. */
static const gv_field_t f_itest[] = {FN("input", GV_K_BIN, true, 64 * MiB), FN("output", GV_K_BIN, true, 64 * MiB),
                                     F("sample", GV_K_BOOL, false), FN("group", GV_K_STR, false, 64)};
static const gv_schema_t s_itest = {NULL, f_itest, 4};
static const gv_field_t f_isub[] = {FN("folder", GV_K_STR, true, 64), FN("name", GV_K_STR, true, 256),
                                    FN("language", GV_K_STR, true, 32), FN("source", GV_K_BIN, true, 1 * MiB)};
static const gv_schema_t s_isub = {NULL, f_isub, 4};
static const gv_field_t f_pimport[] = {PROBLEM_FIELDS(true), FE("tests", GV_K_MAP_ARRAY, true, 10000, &s_itest),
                                       FE("submissions", GV_K_MAP_ARRAY, false, 1000, &s_isub), CALLER};
SCHEMA(s_pimport, "problems.import", f_pimport);
SCHEMA(s_ppkgsubs, "problems.package_submissions", f_pid);
/* From a contest actor (durable): the problems a contest uses and its start (embargo). */
static const gv_field_t f_puses[] = {
    F("contest_id", GV_K_UINT, true),  F("start_ms", GV_K_UINT, true),
    F("version_ms", GV_K_UINT, true),  F("version_seq", GV_K_UINT, true),
    FN("problem_ids", GV_K_UINT_ARRAY, true, 100), F("dseq", GV_K_UINT, false), CALLER};
SCHEMA(s_puses, "problems.contest_uses", f_puses);

/* ---- submissions ------------------------------------------------------------------------ */
static const gv_field_t f_screate[] = {F("problem_id", GV_K_UINT, true), FN("language", GV_K_STR, true, 32),
                                       FN("source", GV_K_BIN, true, 1 * MiB), F("user_id", GV_K_UINT, true),
                                       F("contest_id", GV_K_UINT, false), CALLER};
SCHEMA(s_screate, "submissions.create", f_screate);
static const gv_field_t f_sget[] = {F("id", GV_K_UINT, true), CALLER};
SCHEMA(s_sget, "submissions.get", f_sget);
static const gv_field_t f_slist[] = {F("problem_id", GV_K_UINT, false), F("contest_id", GV_K_UINT, false),
                                     F("user_id", GV_K_UINT, false),    F("page", GV_K_UINT, false),
                                     F("per_page", GV_K_UINT, false),   CALLER};
SCHEMA(s_slist, "submissions.list", f_slist);
static const gv_field_t f_srejudge[] = {FN("submission_ids", GV_K_UINT_ARRAY, false, 1000),
                                        F("problem_id", GV_K_UINT, false), F("contest_id", GV_K_UINT, false),
                                        CALLER};
SCHEMA(s_srejudge, "submissions.rejudge", f_srejudge);


/* ---- contests (docs/CONTESTS.md) ---------------------------------------------------------- */
EMPTY_SCHEMA(s_cnext, "contests.next_id");
static const gv_field_t f_cput[] = {F("id", GV_K_UINT, true), FN("title", GV_K_STR, true, 1024),
                                    F("start_ms", GV_K_UINT, true), F("duration_s", GV_K_UINT, true),
                                    F("freeze_s", GV_K_UINT, false), FN("scoring", GV_K_STR, true, 8),
                                    F("finalized", GV_K_BOOL, false), CALLER};
SCHEMA(s_cput, "contests.put", f_cput);
static const gv_field_t f_clist[] = {F("page", GV_K_UINT, false), F("per_page", GV_K_UINT, false), CALLER};
SCHEMA(s_clist, "contests.list", f_clist);
static const gv_field_t f_cprob[] = {F("problem_id", GV_K_UINT, true), FN("label", GV_K_STR, true, 16),
                                     F("points", GV_K_FLOAT, false),
                                     FE("subtasks", GV_K_MAP_ARRAY, false, 64, &s_subtask)};
static const gv_schema_t s_cprob = {NULL, f_cprob, 4};
static const gv_field_t f_cdefine[] = {
    F("create", GV_K_BOOL, true),      FN("title", GV_K_STR, true, 1024),
    F("start_ms", GV_K_UINT, true),    F("duration_s", GV_K_UINT, true),
    F("freeze_s", GV_K_UINT, false),   FN("scoring", GV_K_STR, true, 8),
    F("penalty_min", GV_K_UINT, false), FE("problems", GV_K_MAP_ARRAY, true, 100, &s_cprob), CALLER};
SCHEMA(s_cdefine, "contest.define", f_cdefine);
static const gv_field_t f_conly[] = {CALLER};
SCHEMA(s_cget, "contest.get", f_conly);
SCHEMA(s_cthaw, "contest.thaw", f_conly);
SCHEMA(s_cfinal, "contest.finalize", f_conly);
SCHEMA(s_cusers, "contest.users", f_conly);
SCHEMA(s_cclars, "contest.clarifications", f_conly);
static const gv_field_t f_creg[] = {F("user_id", GV_K_UINT, true), FN("username", GV_K_STR, true, 256), CALLER};
SCHEMA(s_creg, "contest.register", f_creg);
static const gv_field_t f_cadmit[] = {F("user_id", GV_K_UINT, true), F("problem_id", GV_K_UINT, true), CALLER};
SCHEMA(s_cadmit, "contest.admit", f_cadmit);
static const gv_field_t f_csubtest[] = {F("n", GV_K_UINT, true), FN("verdict", GV_K_STR, true, 8),
                                        F("time_ms", GV_K_UINT, false), FN("group", GV_K_STR, false, 64)};
static const gv_schema_t s_csubtest = {NULL, f_csubtest, 4};
static const gv_field_t f_csub[] = {
    F("sub_id", GV_K_UINT, true),      F("user_id", GV_K_UINT, true),
    F("problem_id", GV_K_UINT, true),  FN("language", GV_K_STR, true, 32),
    F("submitted_at", GV_K_UINT, true), F("attempt", GV_K_UINT, true),
    FN("status", GV_K_STR, true, 16),  FN("verdict", GV_K_STR, false, 8),
    F("test", GV_K_UINT, false),       FE("tests", GV_K_MAP_ARRAY, false, 100000, &s_csubtest),
    F("dseq", GV_K_UINT, false)};
SCHEMA(s_csub, "contest.sub", f_csub);
static const gv_field_t f_csb[] = {FN("view", GV_K_STR, false, 8), F("offset", GV_K_UINT, false),
                                   F("limit", GV_K_UINT, false), CALLER};
SCHEMA(s_csb, "contest.scoreboard", f_csb);
static const gv_field_t f_cevents[] = {F("since", GV_K_UINT, false), F("limit", GV_K_UINT, false), CALLER};
SCHEMA(s_cevents, "contest.events", f_cevents);
static const gv_field_t f_cask[] = {F("user_id", GV_K_UINT, true), FN("text", GV_K_STR, true, 4096),
                                    F("problem_id", GV_K_UINT, false), CALLER};
SCHEMA(s_cask, "contest.clar_ask", f_cask);
static const gv_field_t f_canswer[] = {F("clar_id", GV_K_UINT, true), FN("text", GV_K_STR, true, 4096),
                                       F("public", GV_K_BOOL, false), CALLER};
SCHEMA(s_canswer, "contest.clar_answer", f_canswer);
static const gv_field_t f_cannounce[] = {FN("text", GV_K_STR, true, 4096), FN("title", GV_K_STR, false, 256),
                                         F("to_user_id", GV_K_UINT, false), CALLER};
SCHEMA(s_cannounce, "contest.announce", f_cannounce);
static const gv_field_t f_csubs[] = {F("page", GV_K_UINT, false), F("per_page", GV_K_UINT, false), CALLER};
SCHEMA(s_csubs, "contest.subs", f_csubs);

static const gv_schema_t *const s_all[] = {
    &s_hello,    &s_heartbeat, &s_who,      &s_reply,    &s_event,   &s_broker_status,
    &s_broker_judges, &s_offer, &s_job,     &s_ready,    &s_progress, &s_result,
    &s_manifest, &s_testdata,  &s_register, &s_login,    &s_uget,    &s_setrole,
    &s_pcreate,  &s_pupdate,   &s_pdelete,  &s_pget,     &s_plist,   &s_ptest,
    &s_screate,  &s_sget,      &s_slist,    &s_pimport,  &s_ppkgsubs, &s_srejudge, &s_pset,
    &s_ack,      &s_cnext,     &s_cput,     &s_clist,    &s_cdefine, &s_cget,    &s_cthaw,
    &s_cfinal,   &s_cusers,    &s_cclars,   &s_creg,     &s_cadmit,  &s_csub,    &s_csb,
    &s_cevents,  &s_cask,      &s_canswer,  &s_cannounce, &s_csubs,
    &s_refused,
    &s_puses,
};

const gv_schema_t *const *gv_types_all(size_t *n)
{
    *n = sizeof(s_all) / sizeof(s_all[0]);
    return s_all;
}

const gv_schema_t *gv_types_find(const char *type, size_t type_len)
{
    for (size_t i = 0; i < sizeof(s_all) / sizeof(s_all[0]); i++) {
        const char *t = s_all[i]->type;
        if (strlen(t) == type_len && memcmp(t, type, type_len) == 0)
            return s_all[i];
    }
    return NULL;
}

static bool s_key_is(const msgpack_object *k, const char *name)
{
    size_t n = strlen(name);
    return k->type == MSGPACK_OBJECT_STR && k->via.str.size == n &&
           memcmp(k->via.str.ptr, name, n) == 0;
}

static int s_check_value(const gv_field_t *f, const msgpack_object *v, const char *where,
                         char *err, size_t errlen);

int gv_types_check(const gv_schema_t *s, const msgpack_object *body, char *err, size_t errlen)
{
    if (body->type != MSGPACK_OBJECT_MAP) {
        snprintf(err, errlen, "%s: body must be a map", s->type ? s->type : "element");
        return -1;
    }
    const msgpack_object_map *m = &body->via.map;
    for (uint32_t i = 0; i < m->size; i++) {
        if (m->ptr[i].key.type != MSGPACK_OBJECT_STR) {
            snprintf(err, errlen, "%s: map keys must be strings", s->type ? s->type : "element");
            return -1;
        }
    }
    for (size_t fi = 0; fi < s->n_fields; fi++) {
        const gv_field_t *f = &s->fields[fi];
        const msgpack_object *v = NULL;
        for (uint32_t i = 0; i < m->size; i++) {
            if (s_key_is(&m->ptr[i].key, f->name)) {
                if (v) {
                    snprintf(err, errlen, "field `%s` appears twice", f->name);
                    return -1;
                }
                v = &m->ptr[i].val;
            }
        }
        if (!v) {
            if (f->required) {
                snprintf(err, errlen, "field `%s` is required", f->name);
                return -1;
            }
            continue;
        }
        if (s_check_value(f, v, s->type ? s->type : "element", err, errlen) != 0)
            return -1;
    }
    return 0;
}

static int s_check_value(const gv_field_t *f, const msgpack_object *v, const char *where,
                         char *err, size_t errlen)
{
    (void)where;
    if (v->type == MSGPACK_OBJECT_NIL) {
        if (f->nullable || !f->required)
            return 0; /* nil for an optional field means absent */
        snprintf(err, errlen, "field `%s` must not be nil", f->name);
        return -1;
    }
    uint32_t max = f->max;
    switch (f->kind) {
    case GV_K_STR:
        if (v->type != MSGPACK_OBJECT_STR)
            goto wrong;
        if (v->via.str.size > (max ? max : GV_STR_ITEM_MAX))
            goto too_long;
        if (gv_bytes_have_nul(v->via.str.ptr, v->via.str.size)) {
            snprintf(err, errlen, "field `%s` contains a NUL byte", f->name);
            return -1;
        }
        return 0;
    case GV_K_BIN:
        if (v->type == MSGPACK_OBJECT_BIN) {
            if (v->via.bin.size > (max ? max : GV_STR_ITEM_MAX))
                goto too_long;
            return 0;
        }
        if (v->type == MSGPACK_OBJECT_STR) {
            if (v->via.str.size > (max ? max : GV_STR_ITEM_MAX))
                goto too_long;
            return 0;
        }
        goto wrong;
    case GV_K_INT:
        if (v->type != MSGPACK_OBJECT_POSITIVE_INTEGER && v->type != MSGPACK_OBJECT_NEGATIVE_INTEGER)
            goto wrong;
        if (v->type == MSGPACK_OBJECT_POSITIVE_INTEGER && v->via.u64 > INT64_MAX)
            goto wrong;
        return 0;
    case GV_K_UINT:
        if (v->type != MSGPACK_OBJECT_POSITIVE_INTEGER)
            goto wrong;
        return 0;
    case GV_K_FLOAT:
        if (v->type != MSGPACK_OBJECT_FLOAT32 && v->type != MSGPACK_OBJECT_FLOAT64 &&
            v->type != MSGPACK_OBJECT_POSITIVE_INTEGER && v->type != MSGPACK_OBJECT_NEGATIVE_INTEGER)
            goto wrong;
        return 0;
    case GV_K_BOOL:
        if (v->type != MSGPACK_OBJECT_BOOLEAN)
            goto wrong;
        return 0;
    case GV_K_MAP:
        if (v->type != MSGPACK_OBJECT_MAP)
            goto wrong;
        if (f->elem)
            return gv_types_check(f->elem, v, err, errlen);
        return 0;
    case GV_K_ANY:
        return 0;
    case GV_K_STR_ARRAY:
    case GV_K_UINT_ARRAY:
    case GV_K_MAP_ARRAY:
        if (v->type != MSGPACK_OBJECT_ARRAY)
            goto wrong;
        if (v->via.array.size > (max ? max : 1024))
            goto too_long;
        for (uint32_t i = 0; i < v->via.array.size; i++) {
            const msgpack_object *e = &v->via.array.ptr[i];
            if (f->kind == GV_K_STR_ARRAY) {
                if (e->type != MSGPACK_OBJECT_STR || e->via.str.size > GV_STR_ITEM_MAX ||
                    gv_bytes_have_nul(e->via.str.ptr, e->via.str.size)) {
                    snprintf(err, errlen, "field `%s`[%u] must be a string of at most %u bytes",
                             f->name, i, GV_STR_ITEM_MAX);
                    return -1;
                }
            } else if (f->kind == GV_K_UINT_ARRAY) {
                if (e->type != MSGPACK_OBJECT_POSITIVE_INTEGER) {
                    snprintf(err, errlen, "field `%s`[%u] must be a non-negative integer", f->name, i);
                    return -1;
                }
            } else {
                char sub[256];
                if (e->type != MSGPACK_OBJECT_MAP || !f->elem ||
                    gv_types_check(f->elem, e, sub, sizeof sub) != 0) {
                    snprintf(err, errlen, "field `%s`[%u]: %s", f->name, i,
                             e->type != MSGPACK_OBJECT_MAP ? "must be a map" : sub);
                    return -1;
                }
            }
        }
        return 0;
    }
wrong:
    snprintf(err, errlen, "field `%s` has the wrong type", f->name);
    return -1;
too_long:
    snprintf(err, errlen, "field `%s` is too long", f->name);
    return -1;
}

bool gv_verdict_valid(const char *v)
{
    static const char *const all[] = {GV_VERDICTS};
    if (!v)
        return false;
    for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
        if (strcmp(all[i], v) == 0)
            return true;
    return false;
}

static const char *const s_job_class_names[GV_JOB_CLASSES] = {"contest", "practice", "rejudge"};

const char *gv_job_class_name(gv_job_class_t c)
{
    return c < GV_JOB_CLASSES ? s_job_class_names[c] : "practice";
}

gv_job_class_t gv_job_class_parse(const char *name)
{
    for (int i = 0; name && i < GV_JOB_CLASSES; i++)
        if (strcmp(name, s_job_class_names[i]) == 0)
            return (gv_job_class_t)i;
    return GV_JOB_PRACTICE;
}
