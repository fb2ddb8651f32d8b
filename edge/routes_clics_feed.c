/*  CLICS event feed — GET /api/contests/{id}/event-feed (NDJSON; the rest of the CLICS API is
 *  routes_clics.c).
 *
 *  The feed sends first the current configuration as
 *  notifications without a token (contest, judgement types, languages, problems, teams, and the
 *  state as it was before anything happened), then the contest's event log in order: every
 *  line derived from log event N carries token "N" (for staff N is the jury id; for everyone
 *  else the event's position in what they may see: public id + own events so far, so the
 *  token never counts hidden events, docs/CONTESTS.md); `submission` events become `submissions`
 *  (once per submission), `judgements` and `runs` (when judged; a rejudge deletes them until
 *  the new verdict), `clarification` / `announcement` events become `clarifications`,
 *  `contest` events `contest` and `state`. Whenever the clock moves the state on (start,
 *  freeze, end) a `state` line without a token comes first. ?since_token=N replays events up
 *  to N silently (to know what was already sent) and sends what follows; so the lines after
 *  the last line with token N are the same in both feeds. Once caught up the feed polls the
 *  log every FEED_POLL_MS and writes "\n" after FEED_KEEPALIVE_MS of silence, until the
 *  client goes away (a write fails) or the edge stops; ?stream=false ends it there instead.
 *
 *  A streaming feed holds its civetweb worker thread (and that thread's link) for as long as
 *  the client stays, so it counts against the edge's stream budget (budget.h): past it, or
 *  past its address's share, the feed is answered 503 with Retry-After. Between polls it
 *  watches its socket, so a client that goes frees the worker at once, not at the next write.
 *  The response is written here (chunked for HTTP/1.1, r->streamed tells server.c), so once
 *  the head is out an error can only end the stream; everything that can fail with a proper
 *  error response (the contest, the token, since_token, the configuration) is done before.
 */
#include "budget.h"
#include "clics.h"
#include "gv_log.h"
#include "routes.h"
#include "routes_clics.h"

#include <civetweb.h>
#include <inttypes.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define FEED_PAGE 1000           /* contest.events limit */
#define FEED_POLL_MS 250         /* how often a caught-up feed looks for new events */
#define FEED_KEEPALIVE_MS 30000  /* the spec asks for a newline within 120 s of silence */
#define FEED_SUBS_MAX (1u << 22) /* submissions one feed keeps track of */
#define ID_MAX 24

static atomic_bool s_stop;

void edge_route_streams_stop(void)
{
    atomic_store(&s_stop, true);
}

typedef struct {
    uint64_t sub_id; /* 0 = free slot */
    uint32_t judged_attempt; /* whose judgement was sent; 0 = none */
    uint32_t runs_max;       /* highest run ordinal sent with it */
    bool shown;              /* the submission was sent */
} fsub_t;

typedef struct {
    edge_req_t *r;
    const clics_ctx_t *x;
    clics_contest_t cur; /* the contest as of the last `contest` event */
    bool seen_contest;
    bool problems_sent; /* a `problems` line went out (before the start the public gets none) */
    clics_idset_t teams, non_teams;
    fsub_t *subs;
    size_t subs_n, subs_cap;
    char *state;         /* JSON of the last state sent (or replayed) */
    uint64_t emit_after; /* events up to here are replayed without output (since_token) */
    uint64_t cursor;     /* contest.events `since` for the next page */
    /* Viewers who are not staff read the public sequence and their own events (the reply
     * says so with last_own): their token is the event's position in what they can see,
     * public id + own events so far, so it reveals nothing hidden (docs/CONTESTS.md). */
    bool own_mode;
    uint64_t cursor_own; /* contest.events `since_own` for the next page */
    uint64_t own_seen;   /* own events read so far */
    uint64_t pos;        /* the token of the last event read */
    bool silent;
    bool chunked;
    edge_buf_t out; /* lines not written yet */
    uint64_t last_write_ms;
    bool gone; /* a write failed */
    int fd;    /* the connection's socket, watched for a closed peer; -1 unknown */
} feed_t;

static uint64_t s_mix(uint64_t x)
{
    x ^= x >> 31;
    x *= 0x7fb5d329728ea185ull;
    x ^= x >> 27;
    return x;
}

/* The tracking slot of submission sid (created on first use); NULL when out of room. */
static fsub_t *s_fsub(feed_t *f, uint64_t sid)
{
    if (sid == 0) return NULL;
    if ((f->subs_n + 1) * 2 > f->subs_cap) {
        size_t cap = f->subs_cap ? f->subs_cap * 2 : 1024;
        if (cap > 2 * (size_t)FEED_SUBS_MAX) return NULL;
        fsub_t *v = calloc(cap, sizeof *v);
        if (!v) return NULL;
        for (size_t i = 0; i < f->subs_cap; i++) {
            if (!f->subs[i].sub_id) continue;
            size_t h = s_mix(f->subs[i].sub_id) & (cap - 1);
            while (v[h].sub_id)
                h = (h + 1) & (cap - 1);
            v[h] = f->subs[i];
        }
        free(f->subs);
        f->subs = v;
        f->subs_cap = cap;
    }
    size_t h = s_mix(sid) & (f->subs_cap - 1);
    while (f->subs[h].sub_id && f->subs[h].sub_id != sid)
        h = (h + 1) & (f->subs_cap - 1);
    if (!f->subs[h].sub_id) {
        f->subs[h].sub_id = sid;
        f->subs_n++;
    }
    return &f->subs[h];
}

/* Adds a line (or, while replaying, drops it). Steals data. 0 / -1. */
static int s_line(feed_t *f, const char *type, const char *id, json_t *data, const char *token)
{
    if (f->silent) {
        json_decref(data);
        return 0;
    }
    return clics_feed_line(&f->out, type, id, data, token);
}

/* Sends a `state` line when the state at `at` differs from the last one. */
static int s_state(feed_t *f, const clics_contest_t *c, uint64_t at, const char *token)
{
    json_t *st = clics_state_json(c, at);
    char *text = st ? json_dumps(st, CLICS_DUMP_FLAGS) : NULL;
    if (!text) {
        json_decref(st);
        return -1;
    }
    if (f->state && strcmp(f->state, text) == 0) {
        free(text);
        json_decref(st);
        return 0;
    }
    free(f->state);
    f->state = text;
    return s_line(f, "state", NULL, st, token);
}

/* Learns about users registered since the feed began; sends them as teams. 0 / -1. */
static int s_refresh_teams(feed_t *f, const char *token)
{
    gv_msg_t *users = clics_ask(f->r, "contest.users");
    if (!users) return -1;
    const msgpack_object *items = clics_items(users);
    int rc = 0;
    for (uint32_t i = 0; rc == 0 && items && i < items->via.array.size; i++) {
        uint64_t id;
        const msgpack_object *u = &items->via.array.ptr[i];
        if (!clics_obj_id(u, "user_id", &id) || clics_idset_has(&f->teams, id)) continue;
        rc = clics_idset_add(&f->teams, id);
        char ids[ID_MAX];
        snprintf(ids, sizeof ids, "%" PRIu64, id);
        if (rc == 0) rc = s_line(f, "teams", ids, clics_team_json(u), token);
    }
    gv_msg_destroy(&users);
    return rc;
}

/* Whether uid is a team (registered); asks the contest once about an unknown user. */
static int s_is_team(feed_t *f, uint64_t uid, const char *token, bool *yes)
{
    *yes = clics_idset_has(&f->teams, uid);
    if (*yes || clics_idset_has(&f->non_teams, uid)) return 0;
    if (s_refresh_teams(f, token) != 0) return -1;
    *yes = clics_idset_has(&f->teams, uid);
    return *yes ? 0 : clics_idset_add(&f->non_teams, uid);
}

static int s_delete_runs(feed_t *f, uint64_t sid, uint32_t from, uint32_t to, const char *token)
{
    for (uint32_t n = from; n <= to; n++) {
        char id[ID_MAX];
        snprintf(id, sizeof id, "%" PRIu64, sid * CLICS_RUN_ID_BASE + n);
        if (s_line(f, "runs", id, NULL, token) != 0) return -1;
    }
    return 0;
}

static int s_on_submission(feed_t *f, const msgpack_object *csub, const char *token)
{
    uint64_t sid, uid, attempt = 1;
    if (!clics_obj_id(csub, "id", &sid) || !clics_obj_id(csub, "user_id", &uid)) return 0;
    bool team;
    if (s_is_team(f, uid, token, &team) != 0) return -1;
    if (!team) return 0;
    fsub_t *s = s_fsub(f, sid);
    if (!s) return -1;
    char id[ID_MAX];
    snprintf(id, sizeof id, "%" PRIu64, sid);
    const clics_contest_t *c = &f->x->c;
    if (!s->shown) {
        json_t *j = clics_submission_json(csub, c);
        if (j && s_line(f, "submissions", id, j, token) != 0) return -1;
        s->shown = j != NULL;
    }
    const msgpack_object *a = gv_obj_get(csub, "attempt");
    if (a && a->type == MSGPACK_OBJECT_POSITIVE_INTEGER) attempt = a->via.u64;
    json_t *judgement = clics_judgement_json(csub, c);
    if (judgement) {
        if (s->judged_attempt == attempt) {
            json_decref(judgement);
            return 0;
        }
        if (s_line(f, "judgements", id, judgement, token) != 0) return -1;
        json_t *runs = clics_runs_json(csub, c);
        if (!runs) return -1;
        uint32_t max = 0;
        size_t i;
        json_t *run;
        json_array_foreach(runs, i, run)
        {
            json_int_t n = json_integer_value(json_object_get(run, "ordinal"));
            if (n > (json_int_t)max) max = (uint32_t)n;
            json_incref(run);
            if (s_line(f, "runs", json_string_value(json_object_get(run, "id")), run, token) != 0) {
                json_decref(runs);
                return -1;
            }
        }
        json_decref(runs);
        if (s->runs_max > max && s_delete_runs(f, sid, max + 1, s->runs_max, token) != 0)
            return -1;
        s->judged_attempt = (uint32_t)attempt;
        s->runs_max = max;
    } else if (s->judged_attempt && attempt > s->judged_attempt) {
        /* rejudging: the old verdict is gone until the new one comes */
        if (s_delete_runs(f, sid, 1, s->runs_max, token) != 0 ||
            s_line(f, "judgements", id, NULL, token) != 0)
            return -1;
        s->judged_attempt = 0;
        s->runs_max = 0;
    }
    return 0;
}

static int s_on_clar(feed_t *f, const msgpack_object *clar, const char *token)
{
    json_t *a = json_array();
    if (!a || clics_clar_append(a, clar, &f->x->c) != 0) {
        json_decref(a);
        return -1;
    }
    size_t i;
    json_t *e;
    json_array_foreach(a, i, e)
    {
        json_incref(e);
        if (s_line(f, "clarifications", json_string_value(json_object_get(e, "id")), e, token) !=
            0) {
            json_decref(a);
            return -1;
        }
    }
    json_decref(a);
    return 0;
}

/* The problems, once a `contest` event first carries them: before the start the contest
 * actor shows the public an empty list (issue 10), so a feed opened then gets them with the
 * start's event. 0 / -1. */
static int s_problems_at_start(feed_t *f, const msgpack_object *data, const char *token)
{
    const msgpack_object *ps = gv_obj_get(data, "problems");
    if (f->problems_sent || !ps || ps->type != MSGPACK_OBJECT_ARRAY || ps->via.array.size == 0)
        return 0;
    f->problems_sent = true;
    if (f->silent) return 0;
    clics_ctx_t x = *f->x;
    x.contest = data;
    x.c = f->cur;
    bool failed = false;
    json_t *a = clics_problems_list(f->r, &x, &failed);
    if (!a) return -1;
    size_t i;
    json_t *e;
    int rc = 0;
    json_array_foreach(a, i, e)
    {
        json_incref(e);
        rc = s_line(f, "problems", json_string_value(json_object_get(e, "id")), e, token);
        if (rc != 0) break;
    }
    json_decref(a);
    return rc;
}

static int s_on_contest(feed_t *f, const msgpack_object *data, uint64_t at, const char *token)
{
    clics_contest_t c;
    if (clics_contest_parse(data, &c) != 0) return 0;
    const clics_contest_t *was = f->seen_contest ? &f->cur : NULL;
    if (c.thawed && !c.thawed_ms) c.thawed_ms = was && was->thawed ? was->thawed_ms : at;
    if (c.finalized && !c.finalized_ms)
        c.finalized_ms = was && was->finalized ? was->finalized_ms : at;
    f->cur = c;
    f->seen_contest = true;
    if (s_line(f, "contest", NULL, clics_contest_json(data, &c), token) != 0) return -1;
    if (s_problems_at_start(f, data, token) != 0) return -1;
    return s_state(f, &f->cur, at, token);
}

/* The contest the state is computed from: the last `contest` event's, else contest.get's. */
static const clics_contest_t *s_state_contest(const feed_t *f)
{
    return f->seen_contest ? &f->cur : &f->x->c;
}

static int s_on_event(feed_t *f, const msgpack_object *ev)
{
    const msgpack_object *ido = gv_obj_get(ev, "id");
    if (!ido || ido->type != MSGPACK_OBJECT_POSITIVE_INTEGER) return 0;
    uint64_t id = ido->via.u64, at = 0;
    if (f->own_mode) {
        uint64_t own = 0;
        const msgpack_object *ow = gv_obj_get(ev, "own_id");
        if (ow && ow->type == MSGPACK_OBJECT_POSITIVE_INTEGER) own = ow->via.u64;
        if (own) f->own_seen = own;
        id += f->own_seen;
    }
    f->pos = id;
    f->silent = id <= f->emit_after;
    char token[ID_MAX];
    snprintf(token, sizeof token, "%" PRIu64, id);
    const msgpack_object *data = gv_obj_get(ev, "data");
    const msgpack_object *type = gv_obj_get(ev, "type");
    int rc = 0;
    /* first whatever the clock changed before this event (start, freeze, end) */
    if (clics_obj_time(ev, "time", &at)) rc = s_state(f, s_state_contest(f), at, NULL);
    if (rc == 0 && data) {
        if (gv_obj_str_eq(type, "submission"))
            rc = s_on_submission(f, data, token);
        else if (gv_obj_str_eq(type, "clarification") || gv_obj_str_eq(type, "announcement"))
            rc = s_on_clar(f, data, token);
        else if (gv_obj_str_eq(type, "contest"))
            rc = s_on_contest(f, data, at, token);
        /* `scoreboard` events: the scoreboard is not part of the feed */
    }
    f->silent = false;
    return rc;
}

/* Fetches and processes the next page of the log. 0 (*more set) / -1. */
static int s_page(feed_t *f, bool *more)
{
    *more = false;
    gv_writer_t *w = edge_contest_begin(f->r, f->r->id, "contest.events", 3);
    if (!w) return -1;
    gv_pk_kv_uint(gv_writer_pk(w), "since_own", f->cursor_own);
    gv_pk_kv_uint(gv_writer_pk(w), "since", f->cursor);
    gv_pk_kv_uint(gv_writer_pk(w), "limit", FEED_PAGE);
    gv_msg_t *reply = edge_req_call(f->r, &w);
    if (!reply) return -1;
    if (gv_reply_status(reply) != 200) {
        edge_req_reply_consume(f->r, &reply);
        return -1;
    }
    const msgpack_object *data = gv_reply_data(reply);
    const msgpack_object *events = gv_obj_get(data, "events");
    const msgpack_object *last_own = gv_obj_get(data, "last_own");
    if (last_own) f->own_mode = true;
    int rc = 0;
    for (uint32_t i = 0; rc == 0 && events && events->type == MSGPACK_OBJECT_ARRAY &&
                         i < events->via.array.size;
         i++)
        rc = s_on_event(f, &events->via.array.ptr[i]);
    const msgpack_object *last = gv_obj_get(data, "last_id");
    if (rc == 0 && last && last->type == MSGPACK_OBJECT_POSITIVE_INTEGER && last->via.u64 > f->cursor)
        f->cursor = last->via.u64;
    if (rc == 0 && last_own && last_own->type == MSGPACK_OBJECT_POSITIVE_INTEGER &&
        last_own->via.u64 > f->cursor_own)
        f->cursor_own = last_own->via.u64;
    *more = rc == 0 && gv_obj_bool(gv_obj_get(data, "more"), false);
    gv_msg_destroy(&reply);
    if (rc != 0 && f->r->status == 0) clics_oom(f->r);
    return rc;
}

/* The configuration every feed starts with (no tokens: it is not in the log). 0 / -1. */
static int s_initial(feed_t *f, const gv_msg_t *users)
{
    const clics_ctx_t *x = f->x;
    bool failed = false;
    json_t *problems = clics_problems_list(f->r, x, &failed);
    if (failed) return -1;
    f->problems_sent = problems && json_array_size(problems) > 0;
    json_t *types = clics_judgement_types_json(), *langs = clics_languages_list(f->r);
    json_t *teams = clics_teams_list(users);
    int rc = problems && types && langs && teams ? 0 : -1;
    if (rc == 0) rc = clics_feed_line(&f->out, "contest", NULL, clics_contest_json(x->contest, &x->c), NULL);
    json_t *lists[] = {types, langs, problems, teams};
    const char *names[] = {"judgement-types", "languages", "problems", "teams"};
    for (int l = 0; l < 4 && rc == 0; l++) {
        size_t i;
        json_t *e;
        json_array_foreach(lists[l], i, e)
        {
            json_incref(e);
            rc = clics_feed_line(&f->out, names[l], json_string_value(json_object_get(e, "id")), e,
                                 NULL);
            if (rc != 0) break;
        }
    }
    for (int l = 0; l < 4; l++)
        json_decref(lists[l]);
    /* the state before anything happened; the log and the clock move it on */
    if (rc == 0) rc = s_state(f, &x->c, 0, NULL);
    if (rc != 0 && f->r->status == 0) clics_oom(f->r);
    return rc;
}

static int s_write(feed_t *f, const void *p, size_t n)
{
    if (f->gone || n == 0) return f->gone ? -1 : 0;
    if (mg_write(f->r->conn, p, n) != (int)n) f->gone = true;
    return f->gone ? -1 : 0;
}

/* Writes the pending lines as one chunk. 0 / -1 (the client is gone). */
static int s_flush(feed_t *f)
{
    size_t n = edge_buf_body_len(&f->out);
    if (edge_buf_failed(&f->out)) return -1;
    if (n == 0) return 0;
    if (f->chunked) {
        char head[24];
        int hl = snprintf(head, sizeof head, "%zx\r\n", n);
        if (s_write(f, head, (size_t)hl) != 0) return -1;
    }
    if (s_write(f, edge_buf_body(&f->out), n) != 0) return -1;
    if (f->chunked && s_write(f, "\r\n", 2) != 0) return -1;
    edge_buf_reset(&f->out, EDGE_BUF_KEEP);
    f->last_write_ms = gv_mono_ms();
    return 0;
}

static int s_start(feed_t *f)
{
    const struct mg_request_info *ri = f->r->ri;
    f->chunked = ri->http_version && strcmp(ri->http_version, "1.1") == 0;
    char head[512];
    int n = snprintf(head, sizeof head,
                     "HTTP/1.1 200 OK\r\nContent-Type: application/x-ndjson\r\n%s"
                     "Cache-Control: no-store\r\nX-Accel-Buffering: no\r\n"
                     "Connection: close\r\n\r\n",
                     f->chunked ? "Transfer-Encoding: chunked\r\n" : "");
    mg_disable_connection_keep_alive(f->r->conn);
    f->last_write_ms = gv_mono_ms();
    return s_write(f, head, (size_t)n);
}

/* Waits up to FEED_POLL_MS, keeping the connection alive. false when the feed should end. */
static bool s_idle(feed_t *f)
{
    for (int slept = 0; slept < FEED_POLL_MS; slept += 50) {
        if (atomic_load(&s_stop)) return false;
        if (edge_peer_gone(f->fd, 50)) {
            f->gone = true; /* the client closed: end now, not at the next keep-alive line */
            return false;
        }
    }
    if (gv_mono_ms() - f->last_write_ms >= FEED_KEEPALIVE_MS) {
        if (edge_buf_reserve(&f->out, 1) != 0) return false;
        edge_buf_addc(&f->out, '\n');
        if (s_flush(f) != 0) return false;
    }
    return !atomic_load(&s_stop);
}

static void s_feed_free(feed_t *f)
{
    clics_idset_free(&f->teams);
    clics_idset_free(&f->non_teams);
    free(f->subs);
    free(f->state);
    edge_buf_release(&f->out);
}

/* Query parameter into buf: 1 present, 0 absent, -1 too long. */
static int s_param(const edge_req_t *r, const char *name, char *buf, size_t len)
{
    if (!r->query) return 0;
    int n = mg_get_var(r->query, strlen(r->query), name, buf, len);
    if (n == -1) return 0;
    return n < 0 ? -1 : 1;
}

void edge_route_clics_event_feed(edge_req_t *r)
{
    clics_ctx_t x;
    if (clics_ctx_load(r, &x) != 0) return;
    feed_t f;
    memset(&f, 0, sizeof f);
    f.r = r;
    f.x = &x;
    edge_buf_init(&f.out, 0);
    f.fd = -1;
    gv_msg_t *users = NULL;
    bool counted = false;
    char v[32];
    bool stream = true, resume = false;
    int p = s_param(r, "stream", v, sizeof v);
    if (p != 0) {
        if (p < 0 || (strcmp(v, "true") != 0 && strcmp(v, "false") != 0)) {
            edge_req_error(r, 400, "invalid_field", "query parameter `stream` must be true or false");
            goto done;
        }
        stream = strcmp(v, "true") == 0;
    }
    if (stream && r->method != EDGE_HEAD && r->edge->budget) {
        edge_stream_rc_t sr = edge_budget_stream_take(r->edge->budget, r->ri->remote_addr);
        if (sr != EDGE_STREAM_OK) {
            edge_req_error(r, 503, "unavailable",
                           sr == EDGE_STREAM_FULL
                               ? "this edge serves as many streams as it can; retry later or "
                                 "read the feed with stream=false"
                               : "your address has as many streams open as it may; close one "
                                 "or retry later");
            edge_req_header(r, "Retry-After: %d", EDGE_STREAM_RETRY_AFTER_S);
            goto done;
        }
        counted = true;
        const struct mg_request_info *ri = r->ri;
        f.fd = edge_conn_fd(ri->remote_addr, ri->remote_port, ri->server_port);
    }
    p = s_param(r, "since_token", v, sizeof v);
    if (p != 0) {
        if (p < 0 || edge_parse_u64(v, strlen(v), &f.emit_after) != 0) {
            edge_req_error(r, 400, "invalid_field",
                           "query parameter `since_token` must be a token from this feed");
            goto done;
        }
        resume = true;
    }
    if (!(users = clics_ask(r, "contest.users"))) goto done;
    if (clics_team_ids(users, &f.teams) != 0) {
        clics_oom(r);
        goto done;
    }
    bool more = false;
    if (!resume) {
        if (s_initial(&f, users) != 0) goto done;
    } else {
        /* the state the client already has, then the log up to its token, silently */
        f.silent = true;
        int rc = s_state(&f, &x.c, 0, NULL);
        f.silent = false;
        if (rc != 0) {
            clics_oom(r);
            goto done;
        }
        do {
            if (s_page(&f, &more) != 0) goto done;
        } while (more && (f.own_mode ? f.pos : f.cursor) < f.emit_after);
        uint64_t reached = f.own_mode ? f.pos : f.cursor;
        if (reached < f.emit_after) {
            edge_req_error(r, 400, "invalid_field",
                           "`since_token` %" PRIu64 " is not a token of this feed (its last is "
                           "%" PRIu64 ")",
                           f.emit_after, reached);
            goto done;
        }
    }
    gv_msg_destroy(&users);

    /* From here on the response is ours to write: errors end the stream. */
    r->streamed = true;
    r->status = 200;
    if (s_start(&f) != 0 || r->method == EDGE_HEAD) goto done;
    if (s_flush(&f) != 0) goto done;
    for (;;) {
        if (s_page(&f, &more) != 0 || s_flush(&f) != 0) break;
        if (more) continue;
        /* caught up: what the clock changed since the last event, then wait */
        if (s_state(&f, s_state_contest(&f), gv_now_ms(), NULL) != 0 || s_flush(&f) != 0) break;
        if (!stream || !s_idle(&f)) break;
    }
    if (f.chunked && !f.gone) (void)s_write(&f, "0\r\n\r\n", 5);
done:
    if (counted) edge_budget_stream_give(r->edge->budget);
    if (r->streamed) r->status = 200;
    gv_msg_destroy(&users);
    s_feed_free(&f);
    clics_ctx_done(&x);
}
