/*  clics — Gavel's contest objects in the shape of the ICPC CLICS Contest API (2023-06).
 *
 *  Pure functions from the contest actor's reply objects (msgpack maps, docs/CONTESTS.md
 *  "Objects") to jansson values; no sockets, so tests/unit/test_edge_contest.c pins them down.
 *  routes_clics.c fetches, calls these and serializes.
 *
 *  Mapping decisions (the spec leaves them to the provider):
 *    - ids are Gavel's decimal ids as strings: contest, problem (problem_id, not the label),
 *      team (= user id), submission, clarification. The router only matches decimal ids, so the
 *      derived objects get decimal ids too: a submission's judgement has the submission's id
 *      (a rejudge deletes it and creates it again), run n of submission s is
 *      s * CLICS_RUN_ID_BASE + n, and the answer to clarification c is c + CLICS_ANSWER_ID_BASE.
 *    - times are RFC 3339 UTC with milliseconds; RELTIME always has milliseconds (h:mm:ss.uuu).
 *    - icpc is "pass-fail"; ioi and cf are "score".
 *    - a judgement starts when its submission was made (the actor keeps no judging start) and
 *      ends at judged_at; only finished judgements exist.
 *    - java submissions have entry_point "Main" (the judges run class Main); others null.
 *  Every builder returns a new reference, or NULL when out of memory or when the input lacks
 *  what the object needs (the caller skips it).
 */
#ifndef EDGE_CLICS_H
#define EDGE_CLICS_H

#include "buf.h"

#include <jansson.h>
#include <msgpack.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CLICS_RUN_ID_BASE UINT64_C(1000000)          /* tests per submission stay below */
#define CLICS_ANSWER_ID_BASE UINT64_C(1000000000000) /* clarification ids stay below */
#define CLICS_TIME_MAX 40
#define CLICS_DUMP_FLAGS (JSON_COMPACT | JSON_REAL_PRECISION(12))

/* "(-)h:mm:ss.uuu" */
void clics_reltime(int64_t ms, char *buf, size_t len);
/* RFC 3339 UTC with milliseconds. */
void clics_time(uint64_t unix_ms, char *buf, size_t len);

/* What the builders need to know about a contest, read once from a contest object. */
typedef struct {
    uint64_t id;
    uint64_t start_ms, end_ms, duration_s;
    bool has_freeze;
    uint64_t freeze_s, freeze_ms; /* freeze_ms: when the freeze begins */
    char scoring[8];
    bool score_type; /* ioi, cf */
    uint64_t penalty_min;
    bool thawed, finalized;
    uint64_t thawed_ms, finalized_ms; /* 0 = not known (the end time is used) */
} clics_contest_t;

/* Reads a contest object (contest.get data, or a `contest` event's data). 0 / -1. */
int clics_contest_parse(const msgpack_object *contest, clics_contest_t *out);

/* Helpers for reply maps: an id (decimal string or unsigned integer), a time (RFC 3339). */
bool clics_obj_id(const msgpack_object *map, const char *key, uint64_t *out);
bool clics_obj_time(const msgpack_object *map, const char *key, uint64_t *unix_ms);

json_t *clics_contest_json(const msgpack_object *contest, const clics_contest_t *c);
/* The state as it was at `at_ms` (now for the REST endpoint, the event time in the feed). */
json_t *clics_state_json(const clics_contest_t *c, uint64_t at_ms);
/* The 8 verdicts Gavel gives, as judgement types (an array). */
json_t *clics_judgement_types_json(void);
json_t *clics_judgement_type_json(const char *id); /* NULL when unknown */
/* {id, name, entry_point_required, entry_point_name?, extensions}; name may be NULL. */
json_t *clics_language_json(const char *id, const char *name);
/* A contest.users item {user_id, username}. */
json_t *clics_team_json(const msgpack_object *user);
/* A contest problem {problem_id, label, points, subtasks} at position `ordinal` (from 1),
 * with the problem itself (problems.get data, may be NULL) and its number of tests (<0 when
 * not known). */
json_t *clics_problem_json(const msgpack_object *cproblem, size_t ordinal,
                           const msgpack_object *problem, int64_t test_count,
                           const clics_contest_t *c);
/* From a csub (contest submission). */
json_t *clics_submission_json(const msgpack_object *csub, const clics_contest_t *c);
json_t *clics_judgement_json(const msgpack_object *csub, const clics_contest_t *c); /* NULL: not judged */
json_t *clics_runs_json(const msgpack_object *csub, const clics_contest_t *c);      /* array */
/* A clar: appends the question and, when answered, the answer (or the announcement) to
 * `array`. 0 / -1. */
int clics_clar_append(json_t *array, const msgpack_object *clar, const clics_contest_t *c);
/* A contest.scoreboard reply; the contest object maps labels to problem ids. */
json_t *clics_scoreboard_json(const msgpack_object *board, const msgpack_object *contest,
                              const clics_contest_t *c, uint64_t now_ms);

/* Appends one event-feed line {"type","id","data","token"} and its "\n" to out. id NULL = the
 * whole endpoint (contest, state); data NULL = a deletion; token NULL = none. Steals `data`.
 * 0 / -1 (out of memory). */
int clics_feed_line(edge_buf_t *out, const char *type, const char *id, json_t *data,
                    const char *token);

#endif
