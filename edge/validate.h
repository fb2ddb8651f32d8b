/*  edge_validate — checks request bodies and query strings before anything leaves the edge.
 *
 *  Each validator takes the parsed JSON body (an object) and fills a plain struct whose
 *  pointers borrow from the json_t (valid while the body lives), or fails with an edge_err_t:
 *    400 invalid_field  a field is missing, has the wrong type or is out of range; the
 *                       message names the field ("`problem_id` is required");
 *    413 too_large      a submission's `source` is larger than max_source_bytes.
 *  Optional fields that are null count as absent. Ids may be JSON numbers or strings of
 *  decimal digits (ids are strings in replies, so clients echo them back as strings).
 *  Nothing here talks to the network, so it is all unit-tested (tests/unit/test_edge_validate.c).
 */
#ifndef EDGE_VALIDATE_H
#define EDGE_VALIDATE_H

#include "errors.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define EDGE_USERNAME_MAX 48
#define EDGE_DISPLAY_NAME_MAX 256
#define EDGE_PASSWORD_MIN 8
#define EDGE_PASSWORD_MAX 1024
#define EDGE_LANGUAGE_MAX 32
#define EDGE_TITLE_MAX 1024
#define EDGE_STATEMENT_MAX (1u << 20)
#define EDGE_TIME_LIMIT_MAX_MS 600000u     /* 10 minutes */
#define EDGE_MEMORY_LIMIT_MAX_KB 67108864u /* 64 GiB */
#define EDGE_TAGS_MAX 64
#define EDGE_TAG_MAX 256
#define EDGE_CHECKER_SOURCE_MAX (1u << 20)
#define EDGE_CHECKER_DEPTH 4
#define EDGE_PAGE_MAX 1000000u
#define EDGE_PER_PAGE_MAX 1000u
#define EDGE_QUERY_Q_MAX 256
#define EDGE_OUTPUT_LIMIT_MAX_KB 16777216u
#define EDGE_SUBTASKS_MAX 100
#define EDGE_GROUP_MAX 64
#define EDGE_REJUDGE_IDS_MAX 1000

typedef struct {
    const char *username;
    const char *password;
    size_t password_len;
    const char *display_name; /* NULL when absent */
} edge_register_t;
int edge_v_register(const json_t *body, edge_register_t *out, edge_err_t *err);

typedef struct {
    const char *username;
    const char *password;
    size_t password_len;
} edge_login_t;
int edge_v_login(const json_t *body, edge_login_t *out, edge_err_t *err);

typedef struct {
    uint64_t problem_id;
    const char *language;
    const char *source;
    size_t source_len;
    bool has_contest;
    uint64_t contest_id;
} edge_submission_t;
int edge_v_submission(const json_t *body, uint64_t max_source_bytes, edge_submission_t *out,
                      edge_err_t *err);

/* Create (all of title, statement_md, time_limit_ms, memory_limit_kb required) or update
 * (any subset). n_fields counts the fields present, for the message body. */
typedef struct {
    const char *title;
    const char *statement_md;
    size_t statement_len;
    bool has_time_limit, has_memory_limit;
    uint64_t time_limit_ms, memory_limit_kb;
    const json_t *tags;    /* array of strings, or NULL */
    const json_t *checker; /* object, or NULL */
    bool has_output_limit;
    uint64_t output_limit_kb;
    const json_t *interactor; /* object {language, source, protocol?}, or NULL */
    const json_t *subtasks;   /* array of {group, points}, or NULL */
    bool has_published, published; /* false hides it from all but jury and admin */
    uint32_t n_fields;
} edge_problem_t;
int edge_v_problem(const json_t *body, bool create, edge_problem_t *out, edge_err_t *err);

typedef struct {
    const char *input;
    size_t input_len;
    const char *output;
    size_t output_len;
    bool has_sample;
    bool sample;
    const char *group; /* NULL when absent */
} edge_test_t;
int edge_v_test(const json_t *body, edge_test_t *out, edge_err_t *err);

/* POST /api/v1/admin/rejudge: at least one of the three. */
typedef struct {
    bool has_ids, has_problem, has_contest;
    uint64_t ids[EDGE_REJUDGE_IDS_MAX];
    size_t n_ids;
    uint64_t problem_id, contest_id;
} edge_rejudge_t;
int edge_v_rejudge(const json_t *body, edge_rejudge_t *out, edge_err_t *err);

/* Query strings (NULL = none). Empty values ("page=") count as absent. */
typedef struct {
    bool has_page, has_per_page, has_q;
    uint64_t page, per_page;
    char q[EDGE_QUERY_Q_MAX + 1];
} edge_problem_query_t;
int edge_v_problem_query(const char *query, edge_problem_query_t *out, edge_err_t *err);

typedef struct {
    bool has_problem, has_contest, has_user, has_page, has_per_page;
    uint64_t problem_id, contest_id, user_id, page, per_page;
} edge_submission_query_t;
int edge_v_submission_query(const char *query, edge_submission_query_t *out, edge_err_t *err);

/* Field-level helpers (also used by the route files). Each returns 1 when the field is
 * present and valid, 0 when it is absent (or null) and optional, -1 with err set otherwise. */
int edge_v_id(const json_t *obj, const char *name, bool required, uint64_t *out, edge_err_t *err);
/* The same for the field `key`, named `shown` in the message ("problems[2].problem_id"). */
int edge_v_id_as(const json_t *obj, const char *key, const char *shown, bool required,
                 uint64_t *out, edge_err_t *err);
int edge_v_string(const json_t *obj, const char *name, bool required, size_t max_bytes,
                  const char **out, size_t *len, edge_err_t *err);
int edge_v_uint(const json_t *obj, const char *name, bool required, uint64_t min, uint64_t max,
                uint64_t *out, edge_err_t *err);

/* ---- contests (validate_contest.c) ----------------------------------------------------- */

#define EDGE_CONTEST_PROBLEMS_MAX 100
#define EDGE_LABEL_MAX 16
#define EDGE_CONTEST_DURATION_MAX_S (365u * 86400u) /* one year */
#define EDGE_PENALTY_MAX_MIN 1440u
#define EDGE_PENALTY_DEFAULT_MIN 20u
#define EDGE_POINTS_MAX 1000000.0
#define EDGE_POINTS_DEFAULT_ICPC 1.0
#define EDGE_POINTS_DEFAULT_IOI 100.0
#define EDGE_POINTS_DEFAULT_CF 500.0
#define EDGE_CLAR_TEXT_MAX 4096u      /* contest.clar_ask / clar_answer / announce bound */
#define EDGE_ANNOUNCE_TITLE_MAX 256u
#define EDGE_CONTEST_SUBTASKS_MAX 64 /* per problem in a contest definition */

/* Parses an RFC 3339 date-time ("2026-05-01T10:00:00Z", "...T12:00:00.250+02:00") of exactly
 * n bytes into Unix milliseconds (fractions beyond ms are cut). Years 1970 to 9999. 0 / -1. */
int edge_rfc3339_parse(const char *s, size_t n, uint64_t *unix_ms);

/* POST and PUT /api/v1/contests: the whole definition (PUT replaces it). Optional fields get
 * their defaults here: freeze_s 0 means no freeze; penalty_min 20; a problem's points 1
 * (icpc), 100 (ioi) or 500 (cf). */
typedef struct {
    uint64_t problem_id;
    const char *label; /* borrows from the body */
    double points;
} edge_contest_problem_t;

typedef struct {
    const char *title;
    uint64_t start_ms;
    uint64_t duration_s;
    bool has_freeze;
    uint64_t freeze_s;
    const char *scoring; /* "icpc" | "ioi" | "cf" */
    uint64_t penalty_min;
    size_t n_problems;
    edge_contest_problem_t problems[EDGE_CONTEST_PROBLEMS_MAX];
} edge_contest_t;
int edge_v_contest(const json_t *body, edge_contest_t *out, edge_err_t *err);

/* A contestant's question: {text, problem_id?}. */
typedef struct {
    const char *text;
    size_t text_len;
    bool has_problem;
    uint64_t problem_id;
} edge_clar_ask_t;
int edge_v_clar_ask(const json_t *body, edge_clar_ask_t *out, edge_err_t *err);

/* Jury and admin on .../clarifications: an answer {reply_to, text, public?} or, without
 * reply_to, an announcement {text, to_user_id?}. */
typedef struct {
    bool has_reply_to;
    uint64_t reply_to;
    const char *text;
    size_t text_len;
    bool is_public;
    bool has_to_user;
    uint64_t to_user_id;
} edge_clar_staff_t;
int edge_v_clar_staff(const json_t *body, edge_clar_staff_t *out, edge_err_t *err);

/* POST .../announcements: {text, title?, to_user_id?}. */
typedef struct {
    const char *text;
    size_t text_len;
    const char *title; /* NULL when absent */
    bool has_to_user;
    uint64_t to_user_id;
} edge_announce_t;
int edge_v_announce(const json_t *body, edge_announce_t *out, edge_err_t *err);

/* ?page=&per_page= (lists of contests and contest submissions). */
typedef struct {
    bool has_page, has_per_page;
    uint64_t page, per_page;
} edge_page_query_t;
int edge_v_page_query(const char *query, edge_page_query_t *out, edge_err_t *err);

/* ?view=public|jury on the scoreboard: EDGE_VIEW_ABSENT, _PUBLIC, _JURY, or -1 (bad value). */
enum { EDGE_VIEW_ABSENT = 0, EDGE_VIEW_PUBLIC = 1, EDGE_VIEW_JURY = 2 };
int edge_v_view_query(const char *query, edge_err_t *err);

#endif
