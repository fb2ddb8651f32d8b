/*  contest_impl — what the contest actor's files share. Private to actors/contest*.c.
 *
 *  Databases (keys start with the contest id, 8 bytes big-endian, so one contest's records
 *  are adjacent; "uid" is a user id, "sid" a submission id, "pid" a problem id, "pidx" a
 *  problem's index in the definition, 2 bytes):
 *    contest.defs      cid                    → definition {id, title, start_ms, duration_s,
 *                                                freeze_s, scoring, penalty_min, problems,
 *                                                thawed, finalized, created_at, users}
 *    contest.users     cid uid                → {username, registered_at}
 *    contest.rate      cid uid                → recent admission times (8-byte ms, oldest first)
 *    contest.subs      cid sid                → csub record (see contest_board.c)
 *    contest.usubs     cid uid pid sid        → "" (one user's submissions to one problem)
 *    contest.rows      cid uid                → row record {username, live, pub}
 *    contest.rank      cid view key(24)       → "" (view 0 live, 1 public; key: contest_score.h)
 *    contest.fts       cid view pidx ms uid   → "" (first AC per problem; the first key wins)
 *    contest.events    cid eid                → {id, pid, upos, useq, type, vis, user_id, time,
 *                                                data} (eid: the jury id; contest_log.c)
 *    contest.seqs      cid 'P' pid            → eid (the public sequence)
 *                      cid 'U' uid useq       → eid upos (a user's own events)
 *    contest.clars     cid clid               → clar record
 *    contest.timers    at_ms cid              → "" (state changes to announce)
 */
#ifndef ACTORS_CONTEST_IMPL_H
#define ACTORS_CONTEST_IMPL_H

#include "actor.h"
#include "contest_score.h"
#include "record.h"

#include <lmdb.h>

typedef struct {
    MDB_dbi defs, users, rate, subs, usubs, rows, rank, fts, events, clars, timers;
    MDB_dbi seqs;
    bool problems_told; /* CONTEST_TOLD_KEY was found committed: no more look-ups (contest.c) */
} contest_dbs_t;

#define CONTEST_MAX_PROBLEMS 100
#define CONTEST_EVENTS_PAGE_MAX 1000
/* A reply must stay decodable (gv_msg.h); the rest is left for the envelope. */
#define CONTEST_REPLY_MAX_OBJECTS (GV_MSG_MAX_OBJECTS - 1024)
#define CONTEST_TICK_MS 250

enum { VIEW_LIVE = 0, VIEW_PUBLIC = 1 };

/* A record copied out of the map, so it stays valid across later writes. */
typedef struct {
    void *bytes;
    record_t rec;
} crec_t;
/* 0 loaded, 1 absent, -1 error (a value that is not a map is logged as corrupt); call
 * crec_done() whatever it returns. */
int crec_load(actor_ctx_t *ctx, MDB_dbi dbi, const void *key, size_t klen, crec_t *out);
void crec_done(crec_t *c);

/* A parsed definition; owns a copy of the stored bytes. */
typedef struct {
    uint64_t id;
    crec_t own;
    const char *title;
    size_t title_len;
    uint64_t start_ms, duration_s, freeze_s, penalty_min, created_at, users;
    scoring_t scoring;
    bool thawed, finalized;
    const msgpack_object *problems; /* array of {problem_id, label, points, subtasks} */
    uint32_t n_problems;
} cdef_t;

/* The contest id of ctx->address ("contest/42" → 42), 0 when malformed. */
uint64_t contest_id_of(const actor_ctx_t *ctx);
/* 0 loaded, 1 absent (cid 0 included), -1 error; d is always initialised, so cdef_done() is
 * safe after any return. */
int cdef_load(actor_ctx_t *ctx, uint64_t cid, cdef_t *d);
void cdef_done(cdef_t *d);
/* The contest of the request's address; answers 404 itself when there is none. 0 loaded, 1
 * answered, -1 error; after a non-zero return d needs no cdef_done(). */
int contest_load_or_404(actor_ctx_t *ctx, const gv_msg_t *msg, cdef_t *d);
/* Writes d's record with the given flags/counters changed. 0 / -1. */
int cdef_store_flags(actor_ctx_t *ctx, const cdef_t *d, bool thawed, bool finalized,
                     uint64_t users);
uint64_t cdef_end_ms(const cdef_t *d);
/* When the public board stops showing results: start + duration - freeze; UINT64_MAX without
 * a freeze or once thawed. */
uint64_t cdef_cutoff_ms(const cdef_t *d);
/* "scheduled" | "running" | "frozen" | "ended" | "finalized" at `now`. */
const char *cdef_state(const cdef_t *d, uint64_t now);
/* Index of problem_id in the definition, -1 when it is not part of the contest. */
int cdef_problem_index(const cdef_t *d, uint64_t problem_id);
const msgpack_object *cdef_problem(const cdef_t *d, uint32_t pidx);
/* Fills p for problem pidx with `cutoff` (scoring rules of the contest). Subtask points go
 * to pts (SCORE_MAX_SUBTASKS entries). */
void cdef_score_problem(const cdef_t *d, uint32_t pidx, uint64_t cutoff, double *pts,
                        score_problem_t *p);
/* Whether the problem list may be shown to everyone: the contest has started (issue 10:
 * before the start only jury, admin and nodes see it). */
bool cdef_problems_public(actor_ctx_t *ctx, const cdef_t *d);
/* Packs the API contest object; registered >= 0 adds `registered`; without show_problems
 * `problems` is []. */
void cdef_pk_api(actor_ctx_t *ctx, msgpack_packer *pk, const cdef_t *d, int registered,
                 bool show_problems);

contest_dbs_t *contest_dbs(actor_ctx_t *ctx);

/* Keys. */
void ckey_cid(uint8_t k[8], uint64_t cid);
void ckey_2(uint8_t k[16], uint64_t cid, uint64_t id);


/* contest_log.c — the event log. vis: "all" | "public" | "jury" | "user" (user_id). The
 * caller packs exactly one value (data) on the returned writer's packer, then calls
 * contest_event_end, which appends the event to the log and publishes it. */
typedef struct {
    msgpack_sbuffer sb;
    msgpack_packer pk;
    const char *type;
    const char *vis;
    uint64_t user_id;
} cevent_t;
msgpack_packer *contest_event_begin(cevent_t *e, const char *type, const char *vis,
                                    uint64_t user_id);
int contest_event_end(actor_ctx_t *ctx, uint64_t cid, cevent_t *e);
void contest_event_abort(cevent_t *e);
int contest_events(actor_ctx_t *ctx, const gv_msg_t *msg);
/* Gives the events of a log from before the public numbering their public and own ids. */
int contest_log_upgrade(actor_ctx_t *ctx);
/* Whether a caller (role, id) may see an event with (vis, user_id). */
bool contest_visible(const char *role, uint64_t caller_id, const char *vis, size_t vis_len,
                     uint64_t user_id);

/* contest_board.c */
int contest_sub(actor_ctx_t *ctx, const gv_msg_t *msg);
int contest_scoreboard(actor_ctx_t *ctx, const gv_msg_t *msg);
int contest_subs(actor_ctx_t *ctx, const gv_msg_t *msg);
/* A new contestant's zero row in both rank indexes. */
int board_add_user(actor_ctx_t *ctx, const cdef_t *d, uint64_t uid, const char *username,
                   size_t username_len);
/* Makes the public board equal the live one and logs the rows that changed. */
int board_thaw(actor_ctx_t *ctx, const cdef_t *d);

/* contest_clar.c */
int contest_clarifications(actor_ctx_t *ctx, const gv_msg_t *msg);
int contest_clar_ask(actor_ctx_t *ctx, const gv_msg_t *msg);
int contest_clar_answer(actor_ctx_t *ctx, const gv_msg_t *msg);
int contest_announce(actor_ctx_t *ctx, const gv_msg_t *msg);

/* Username of a registered user: 0 found (copied, NUL-terminated, truncated to n), 1, -1. */
int contest_username(actor_ctx_t *ctx, uint64_t cid, uint64_t uid, char *out, size_t n);

#endif
