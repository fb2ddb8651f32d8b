/*  The contest actors: the directory, definitions, registration, admission, the incrementally
 *  kept scoreboard (icpc, ioi, cf), ordering of contest.sub, the freeze, the event log,
 *  clarifications and the durable notifications between submissions and contest/<id>.
 *
 *  Times: ctx->now_ms is the wall clock, so contests are placed around gv_now_ms() with every
 *  start/freeze/end either in the past or minutes away (no timer comes due during a test).
 *  contest.sub carries its own submitted_at, so contest minutes are exact.
 */
#include "test_actors_kit.c"

#include <time.h>

#define MIN_MS 60000ull

/* ---- nodes and addresses --------------------------------------------------------------------- */

static node_t *s_node(const char *dir)
{
    const char *list[] = {"accounts", "problems", "submissions", "contests"};
    node_opts_t opts = {.data_dir = dir,
                        .name = "actors-1",
                        .actors = list,
                        .n_actors = 4,
                        .contests = true,
                        .map_size = 64u << 20};
    node_t *node = node_new(&opts);
    CHECK(node);
    return node;
}

/* "contest/<cid>" in one of a few rotating buffers (gv_writer_new copies it). */
static const char *s_addr(uint64_t cid)
{
    static char bufs[4][32];
    static int i;
    i = (i + 1) % 4;
    snprintf(bufs[i], sizeof bufs[i], "contest/%" PRIu64, cid);
    return bufs[i];
}

static const char *s_id(uint64_t id)
{
    static char bufs[4][24];
    static int i;
    i = (i + 1) % 4;
    snprintf(bufs[i], sizeof bufs[i], "%" PRIu64, id);
    return bufs[i];
}

/* ---- contest.define -------------------------------------------------------------------------- */

#define NO_POINTS (-1.0)

typedef struct {
    uint64_t pid;
    const char *label;
    double points; /* NO_POINTS: left out */
    uint32_t n_sub;
    const char *groups[4];
    double sub_points[4];
} prob_t;

typedef struct {
    uint64_t cid;
    bool create;
    const char *title;
    uint64_t start_ms, duration_s, freeze_s;
    const char *scoring;
    const prob_t *probs;
    size_t n_probs;
    const char *role; /* caller role; NULL = node-internal */
} def_t;

static gv_msg_t *s_define_msg(const def_t *d)
{
    uint32_t n = 6 + (d->freeze_s ? 1 : 0) + (d->role ? 2 : 0);
    gv_writer_t *w = kit_begin("contest.define", s_addr(d->cid), n);
    msgpack_packer *pk = gv_writer_pk(w);
    gv_pk_kv_bool(pk, "create", d->create);
    gv_pk_kv_str(pk, "title", d->title ? d->title : "Test contest");
    gv_pk_kv_uint(pk, "start_ms", d->start_ms);
    gv_pk_kv_uint(pk, "duration_s", d->duration_s);
    if (d->freeze_s) gv_pk_kv_uint(pk, "freeze_s", d->freeze_s);
    gv_pk_kv_str(pk, "scoring", d->scoring);
    gv_pk_key(pk, "problems");
    msgpack_pack_array(pk, (uint32_t)d->n_probs);
    for (size_t i = 0; i < d->n_probs; i++) {
        const prob_t *p = &d->probs[i];
        msgpack_pack_map(pk, 2 + (p->points != NO_POINTS ? 1 : 0) + (p->n_sub ? 1 : 0));
        gv_pk_kv_uint(pk, "problem_id", p->pid);
        gv_pk_kv_str(pk, "label", p->label);
        if (p->points != NO_POINTS) {
            gv_pk_key(pk, "points");
            msgpack_pack_double(pk, p->points);
        }
        if (p->n_sub) {
            gv_pk_key(pk, "subtasks");
            msgpack_pack_array(pk, p->n_sub);
            for (uint32_t s = 0; s < p->n_sub; s++) {
                msgpack_pack_map(pk, 2);
                gv_pk_kv_str(pk, "group", p->groups[s]);
                gv_pk_key(pk, "points");
                msgpack_pack_double(pk, p->sub_points[s]);
            }
        }
    }
    if (d->role) kit_caller(pk, 1, d->role);
    return kit_end(w);
}

static const prob_t s_abc[] = {{101, "A", NO_POINTS, 0, {0}, {0}},
                               {102, "B", NO_POINTS, 0, {0}, {0}},
                               {103, "C", NO_POINTS, 0, {0}, {0}}};

/* Creates contest cid (icpc, problems A B C) as an admin; 201 expected. */
static void s_create(node_t *node, uint64_t cid, uint64_t start_ms, uint64_t duration_s,
                     uint64_t freeze_s)
{
    def_t d = {cid, true, NULL, start_ms, duration_s, freeze_s, "icpc", s_abc, 3, "admin"};
    kit_expect_ok(node, s_define_msg(&d), 201);
}

/* ---- requests to contest/<cid> --------------------------------------------------------------- */

/* A request with only the caller fields. role NULL: node-internal (no caller). */
static gv_msg_t *s_plain(const char *type, uint64_t cid, uint64_t caller, const char *role)
{
    gv_writer_t *w = kit_begin(type, s_addr(cid), role ? 2 : 0);
    if (role) kit_caller(gv_writer_pk(w), caller, role);
    return kit_end(w);
}

static gv_msg_t *s_register_msg(uint64_t cid, uint64_t uid, const char *username, uint64_t caller)
{
    gv_writer_t *w = kit_begin("contest.register", s_addr(cid), 4);
    gv_pk_kv_uint(gv_writer_pk(w), "user_id", uid);
    gv_pk_kv_str(gv_writer_pk(w), "username", username);
    kit_caller(gv_writer_pk(w), caller, "contestant");
    return kit_end(w);
}

static void s_register(node_t *node, uint64_t cid, uint64_t uid, const char *username)
{
    kit_expect_ok(node, s_register_msg(cid, uid, username, uid), 204);
}

static gv_msg_t *s_admit_msg(uint64_t cid, uint64_t uid, uint64_t pid, const char *role)
{
    gv_writer_t *w = kit_begin("contest.admit", s_addr(cid), 4);
    gv_pk_kv_uint(gv_writer_pk(w), "user_id", uid);
    gv_pk_kv_uint(gv_writer_pk(w), "problem_id", pid);
    kit_caller(gv_writer_pk(w), uid, role);
    return kit_end(w);
}

static gv_msg_t *s_board_msg(uint64_t cid, uint64_t caller, const char *role, const char *view)
{
    gv_writer_t *w = kit_begin("contest.scoreboard", s_addr(cid), (view ? 1 : 0) + 2);
    if (view) gv_pk_kv_str(gv_writer_pk(w), "view", view);
    kit_caller(gv_writer_pk(w), caller, role);
    return kit_end(w);
}

static gv_msg_t *s_board(node_t *node, uint64_t cid, uint64_t caller, const char *role)
{
    return kit_expect(node, s_board_msg(cid, caller, role, NULL), 200);
}

static gv_msg_t *s_events_msg(uint64_t cid, uint64_t since, uint64_t limit, uint64_t caller,
                              const char *role)
{
    gv_writer_t *w =
        kit_begin("contest.events", s_addr(cid), 2 + (since ? 1 : 0) + (limit ? 1 : 0));
    if (since) gv_pk_kv_uint(gv_writer_pk(w), "since", since);
    if (limit) gv_pk_kv_uint(gv_writer_pk(w), "limit", limit);
    kit_caller(gv_writer_pk(w), caller, role);
    return kit_end(w);
}

/* ---- contest.sub (as the submissions actor sends it) ----------------------------------------- */

typedef struct {
    uint32_t n;
    const char *verdict;
    const char *group; /* NULL: none */
} tcase_t;

typedef struct {
    uint64_t cid, sid, uid, pid, at_ms, attempt, test, dseq;
    const char *status, *verdict;
    const tcase_t *tests;
    size_t n_tests;
} sub_t;

static gv_msg_t *s_sub_msg(const sub_t *s)
{
    bool done = strcmp(s->status, "done") == 0;
    uint32_t n = 7 + (s->verdict ? 1 : 0) + (s->test ? 1 : 0) + (s->dseq ? 1 : 0) + (done ? 1 : 0);
    gv_writer_t *w = gv_writer_new("contest.sub", 0, "submissions", s_addr(s->cid), 0, n);
    CHECK(w);
    msgpack_packer *pk = gv_writer_pk(w);
    if (s->dseq) gv_pk_kv_uint(pk, "dseq", s->dseq);
    gv_pk_kv_uint(pk, "sub_id", s->sid);
    gv_pk_kv_uint(pk, "user_id", s->uid);
    gv_pk_kv_uint(pk, "problem_id", s->pid);
    gv_pk_kv_str(pk, "language", "cpp");
    gv_pk_kv_uint(pk, "submitted_at", s->at_ms);
    gv_pk_kv_uint(pk, "attempt", s->attempt ? s->attempt : 1);
    gv_pk_kv_str(pk, "status", s->status);
    if (s->verdict) gv_pk_kv_str(pk, "verdict", s->verdict);
    if (s->test) gv_pk_kv_uint(pk, "test", s->test);
    if (done) {
        gv_pk_key(pk, "tests");
        msgpack_pack_array(pk, (uint32_t)s->n_tests);
        for (size_t i = 0; i < s->n_tests; i++) {
            const tcase_t *t = &s->tests[i];
            msgpack_pack_map(pk, 3 + (t->group ? 1 : 0));
            gv_pk_kv_uint(pk, "n", t->n);
            gv_pk_kv_str(pk, "verdict", t->verdict);
            gv_pk_kv_uint(pk, "time_ms", 10);
            if (t->group) gv_pk_kv_str(pk, "group", t->group);
        }
    }
    return kit_end(w);
}

/* Runs a notification as its own batch (the outbox then holds what it produced). */
static void s_notify(node_t *node, gv_msg_t *msg)
{
    CHECK(kit_call(node, msg) == NULL);
}

static void s_status(node_t *node, uint64_t cid, uint64_t sid, uint64_t uid, uint64_t pid,
                     uint64_t at_ms, uint64_t attempt, const char *status, const char *verdict)
{
    sub_t s = {cid, sid, uid, pid, at_ms, attempt, 0, 0, status, verdict, NULL, 0};
    s_notify(node, s_sub_msg(&s));
}

/* A submission made at `at_ms`, queued and then judged with `verdict`. */
static void s_judged(node_t *node, uint64_t cid, uint64_t sid, uint64_t uid, uint64_t pid,
                     uint64_t at_ms, const char *verdict)
{
    s_status(node, cid, sid, uid, pid, at_ms, 1, "queued", NULL);
    s_status(node, cid, sid, uid, pid, at_ms, 1, "done", verdict);
}

/* ---- reading scoreboards and events ---------------------------------------------------------- */

static const msgpack_object *s_rows(const gv_msg_t *board)
{
    const msgpack_object *rows = kit_data(board, "rows");
    CHECK(rows && rows->type == MSGPACK_OBJECT_ARRAY);
    return rows;
}

static const msgpack_object *s_row_in(const msgpack_object *rows, uint64_t uid)
{
    for (uint32_t i = 0; i < rows->via.array.size; i++)
        if (kit_str_is(gv_obj_get(&rows->via.array.ptr[i], "user_id"), s_id(uid)))
            return &rows->via.array.ptr[i];
    return NULL;
}

static const msgpack_object *s_row(const gv_msg_t *board, uint64_t uid)
{
    const msgpack_object *r = s_row_in(s_rows(board), uid);
    CHECK(r);
    return r;
}

static const msgpack_object *s_cell(const msgpack_object *row, const char *label)
{
    const msgpack_object *ps = gv_obj_get(row, "problems");
    CHECK(ps && ps->type == MSGPACK_OBJECT_ARRAY);
    for (uint32_t i = 0; i < ps->via.array.size; i++)
        if (kit_str_is(gv_obj_get(&ps->via.array.ptr[i], "label"), label))
            return &ps->via.array.ptr[i];
    CHECK(!"no cell with this label");
    return NULL;
}

static bool s_bool(const msgpack_object *o)
{
    CHECK(o && o->type == MSGPACK_OBJECT_BOOLEAN);
    return o->via.boolean;
}

static double s_num(const msgpack_object *o)
{
    CHECK(o);
    if (o->type == MSGPACK_OBJECT_FLOAT64 || o->type == MSGPACK_OBJECT_FLOAT32) return o->via.f64;
    CHECK(o->type == MSGPACK_OBJECT_POSITIVE_INTEGER);
    return (double)o->via.u64;
}

static uint64_t s_u(const msgpack_object *map, const char *key)
{
    return kit_uint(gv_obj_get(map, key));
}

/* A cell as "solved/attempts/pending/time" (time "-" when nil) for compact checks. */
static void s_check_cell(const msgpack_object *row, const char *label, bool solved,
                         uint64_t attempts, uint64_t pending, int64_t time_min, bool fts)
{
    const msgpack_object *c = s_cell(row, label);
    bool ok = s_bool(gv_obj_get(c, "solved")) == solved && s_u(c, "attempts") == attempts &&
              s_u(c, "pending") == pending &&
              (time_min < 0 ? gv_obj_get(c, "time_min") == NULL
                            : s_u(c, "time_min") == (uint64_t)time_min) &&
              s_bool(gv_obj_get(c, "first_to_solve")) == fts;
    if (!ok) {
        char u[32];
        fprintf(stderr,
                "cell %s of %s: solved=%d attempts=%" PRIu64 " pending=%" PRIu64
                " fts=%d (expected %d %" PRIu64 " %" PRIu64 " time %" PRId64 " fts %d)\n",
                label, kit_str(gv_obj_get(row, "user_id"), u, sizeof u),
                s_bool(gv_obj_get(c, "solved")), s_u(c, "attempts"), s_u(c, "pending"),
                s_bool(gv_obj_get(c, "first_to_solve")), solved, attempts, pending, time_min, fts);
    }
    CHECK(ok);
}

static void s_check_row(const msgpack_object *row, uint64_t rank, uint64_t solved, uint64_t penalty)
{
    if (s_u(row, "rank") != rank || s_u(row, "solved") != solved ||
        s_u(row, "penalty") != penalty) {
        char u[32];
        fprintf(stderr, "row of %s: rank=%" PRIu64 " solved=%" PRIu64 " penalty=%" PRIu64 "\n",
                kit_str(gv_obj_get(row, "user_id"), u, sizeof u), s_u(row, "rank"),
                s_u(row, "solved"), s_u(row, "penalty"));
    }
    CHECK(s_u(row, "rank") == rank && s_u(row, "solved") == solved &&
          s_u(row, "penalty") == penalty);
}

/* Published events of contest cid in the outbox with this kind (and vis, unless NULL). */
static size_t s_pub_count(node_t *node, uint64_t cid, const char *kind, const char *vis)
{
    outbox_t *out = node_outbox(node);
    const char *topic = s_addr(cid);
    size_t n = 0;
    for (size_t i = 0; i < outbox_size(out); i++) {
        const outbox_item_t *it = outbox_item(out, i);
        if (it->kind != OUTBOX_PUBLISH || strcmp(it->topic, topic) != 0) continue;
        gv_msg_t *m = kit_decode_item(it);
        n += gv_obj_str_eq(gv_msg_field(m, "kind"), kind) &&
             (!vis || gv_obj_str_eq(gv_msg_field(m, "vis"), vis));
        gv_msg_destroy(&m);
    }
    return n;
}

/* The nth published event of contest cid with this kind, decoded (caller destroys). */
static gv_msg_t *s_pub_nth(node_t *node, uint64_t cid, const char *kind, size_t nth)
{
    outbox_t *out = node_outbox(node);
    const char *topic = s_addr(cid);
    for (size_t i = 0; i < outbox_size(out); i++) {
        const outbox_item_t *it = outbox_item(out, i);
        if (it->kind != OUTBOX_PUBLISH || strcmp(it->topic, topic) != 0) continue;
        gv_msg_t *m = kit_decode_item(it);
        if (gv_obj_str_eq(gv_msg_field(m, "kind"), kind) && nth-- == 0) return m;
        gv_msg_destroy(&m);
    }
    return NULL;
}

static size_t s_pub_total(node_t *node, uint64_t cid)
{
    return kit_count_events(node, s_addr(cid));
}

static uint64_t s_now(void)
{
    return gv_now_ms();
}

/* ---- the directory --------------------------------------------------------------------------- */

static gv_msg_t *s_put_msg(uint64_t id, const char *title, uint64_t start_ms, uint64_t duration_s,
                           uint64_t freeze_s, bool finalized)
{
    gv_writer_t *w =
        kit_begin("contests.put", "contests", 7 + (freeze_s ? 1 : 0) + (finalized ? 1 : 0));
    msgpack_packer *pk = gv_writer_pk(w);
    gv_pk_kv_uint(pk, "id", id);
    gv_pk_kv_str(pk, "title", title);
    gv_pk_kv_uint(pk, "start_ms", start_ms);
    gv_pk_kv_uint(pk, "duration_s", duration_s);
    if (freeze_s) gv_pk_kv_uint(pk, "freeze_s", freeze_s);
    gv_pk_kv_str(pk, "scoring", "icpc");
    if (finalized) gv_pk_kv_bool(pk, "finalized", true);
    kit_caller(pk, 1, "admin");
    return kit_end(w);
}

static gv_msg_t *s_next_id_msg(void)
{
    gv_writer_t *w = kit_begin("contests.next_id", "contests", 2);
    kit_caller(gv_writer_pk(w), 1, "admin");
    return kit_end(w);
}

static void test_directory_ids_and_listing(void)
{
    char *dir = kit_tmpdir();
    node_t *node = s_node(dir);
    for (int i = 1; i <= 2; i++) {
        gv_msg_t *r = kit_expect(node, s_next_id_msg(), 200);
        CHECK(kit_str_is(kit_data(r, "id"), s_id((uint64_t)i)));
        gv_msg_destroy(&r);
    }
    gv_writer_t *w = kit_begin("contests.next_id", "contests", 2);
    kit_caller(gv_writer_pk(w), 7, "jury");
    kit_expect_error(node, kit_end(w), 403, "forbidden", NULL);

    uint64_t now = s_now();
    kit_expect_ok(node, s_put_msg(1, "ended", now - 3 * 3600000, 3600, 0, false), 204);
    kit_expect_ok(node, s_put_msg(2, "running", now - 10 * MIN_MS, 3600, 600, false), 204);
    kit_expect_ok(node, s_put_msg(3, "scheduled", now + 3600000, 3600, 0, false), 204);
    kit_expect_ok(node, s_put_msg(4, "frozen", now - 55 * MIN_MS, 3600, 600, false), 204);
    kit_expect_ok(node, s_put_msg(5, "final", now - 9 * 3600000, 3600, 0, true), 204);
    /* a put replaces the summary */
    kit_expect_ok(node, s_put_msg(3, "scheduled!", now + 3600000, 3600, 0, false), 204);

    w = kit_begin("contests.list", "contests", 2);
    kit_caller(gv_writer_pk(w), 11, "contestant");
    gv_msg_t *r = kit_expect(node, kit_end(w), 200);
    CHECK(kit_uint(kit_data(r, "total")) == 5);
    CHECK(kit_data(r, "server_time") && kit_data(r, "server_time")->type == MSGPACK_OBJECT_STR);
    const msgpack_object *items = kit_data(r, "items");
    CHECK(items->via.array.size == 5);
    const char *states[] = {"finalized", "frozen", "scheduled", "running", "ended"};
    for (uint32_t i = 0; i < 5; i++) {
        const msgpack_object *it = &items->via.array.ptr[i];
        CHECK(kit_str_is(gv_obj_get(it, "id"), s_id(5 - i))); /* newest first */
        if (!kit_str_is(gv_obj_get(it, "state"), states[i])) {
            char s[32];
            fprintf(stderr, "contest %u: state %s, expected %s\n", 5 - i,
                    kit_str(gv_obj_get(it, "state"), s, sizeof s), states[i]);
        }
        CHECK(kit_str_is(gv_obj_get(it, "state"), states[i]));
        CHECK(it->via.map.size == 8);
    }
    CHECK(kit_str_is(gv_obj_get(&items->via.array.ptr[2], "title"), "scheduled!"));
    CHECK(gv_obj_get(&items->via.array.ptr[4], "freeze_s") == NULL); /* nil */
    CHECK(s_u(&items->via.array.ptr[1], "freeze_s") == 600);
    CHECK(s_u(&items->via.array.ptr[1], "duration_s") == 3600);
    CHECK(kit_str_is(gv_obj_get(&items->via.array.ptr[1], "scoring"), "icpc"));
    gv_msg_destroy(&r);

    /* paging */
    w = kit_begin("contests.list", "contests", 2);
    gv_pk_kv_uint(gv_writer_pk(w), "page", 2);
    gv_pk_kv_uint(gv_writer_pk(w), "per_page", 2);
    r = kit_expect(node, kit_end(w), 200);
    items = kit_data(r, "items");
    CHECK(items->via.array.size == 2 && kit_uint(kit_data(r, "total")) == 5);
    CHECK(kit_str_is(gv_obj_get(&items->via.array.ptr[0], "id"), "3"));
    CHECK(kit_str_is(gv_obj_get(&items->via.array.ptr[1], "id"), "2"));
    gv_msg_destroy(&r);
    w = kit_begin("contests.list", "contests", 1);
    gv_pk_kv_uint(gv_writer_pk(w), "page", 9);
    r = kit_expect(node, kit_end(w), 200);
    CHECK(kit_data(r, "items")->via.array.size == 0 && kit_uint(kit_data(r, "total")) == 5);
    gv_msg_destroy(&r);

    /* the counter survives a restart */
    node_destroy(&node);
    node = s_node(dir);
    r = kit_expect(node, s_next_id_msg(), 200);
    CHECK(kit_str_is(kit_data(r, "id"), "3"));
    gv_msg_destroy(&r);
    node_destroy(&node);
    kit_rmrf(&dir);
}

/* ---- definition ------------------------------------------------------------------------------ */

static void test_define_create_update_and_validation(void)
{
    char *dir = kit_tmpdir();
    node_t *node = s_node(dir);
    uint64_t now = s_now();
    def_t d = {7, true, "Spring", now + 3600000, 7200, 600, "icpc", s_abc, 3, "admin"};
    gv_msg_t *r = kit_expect(node, s_define_msg(&d), 201);
    CHECK(kit_str_is(kit_data(r, "id"), "7"));
    gv_msg_destroy(&r);
    /* not started: a `contest` event for staff (with the problems) and one for the rest
     * (without); s_contest_hides_its_problems_until_the_start has the details */
    CHECK(s_pub_count(node, 7, "contest", "jury") == 1);
    CHECK(s_pub_count(node, 7, "contest", "public") == 1);
    CHECK(s_pub_count(node, 7, "contest", "all") == 0);
    kit_expect_error(node, s_define_msg(&d), 409, "conflict", "already exists");

    def_t missing = d;
    missing.cid = 8;
    missing.create = false;
    kit_expect_error(node, s_define_msg(&missing), 404, "not_found", NULL);

    def_t bad = d;
    bad.cid = 9;
    bad.scoring = "elo";
    kit_expect_error(node, s_define_msg(&bad), 400, "invalid_field", "`scoring`");
    bad.scoring = "ioi";
    bad.duration_s = 30;
    kit_expect_error(node, s_define_msg(&bad), 400, "invalid_field", "`duration_s`");
    bad.duration_s = 3600;
    bad.freeze_s = 3600;
    kit_expect_error(node, s_define_msg(&bad), 400, "invalid_field", "`freeze_s`");
    bad.freeze_s = 4000;
    kit_expect_error(node, s_define_msg(&bad), 400, "invalid_field", "`freeze_s`");
    bad.freeze_s = 0;
    prob_t dup[] = {{101, "A", NO_POINTS, 0, {0}, {0}}, {102, "A", NO_POINTS, 0, {0}, {0}}};
    bad.probs = dup;
    bad.n_probs = 2;
    kit_expect_error(node, s_define_msg(&bad), 400, "invalid_field", "`problems[1].label`");
    prob_t dup_id[] = {{101, "A", NO_POINTS, 0, {0}, {0}}, {101, "B", NO_POINTS, 0, {0}, {0}}};
    bad.probs = dup_id;
    kit_expect_error(node, s_define_msg(&bad), 400, "invalid_field", "`problems[1].problem_id`");
    prob_t bad_label[] = {{101, "A B", NO_POINTS, 0, {0}, {0}}};
    bad.probs = bad_label;
    bad.n_probs = 1;
    kit_expect_error(node, s_define_msg(&bad), 400, "invalid_field", "`problems[0].label`");
    prob_t neg[] = {{101, "A", -5, 0, {0}, {0}}};
    bad.probs = neg;
    kit_expect_error(node, s_define_msg(&bad), 400, "invalid_field", "`problems[0].points`");
    bad.n_probs = 0;
    kit_expect_error(node, s_define_msg(&bad), 400, "invalid_field", "`problems`");

    def_t jury = d;
    jury.cid = 11;
    jury.role = "jury";
    kit_expect_error(node, s_define_msg(&jury), 403, "forbidden", NULL);
    jury.role = "contestant";
    kit_expect_error(node, s_define_msg(&jury), 403, "forbidden", NULL);
    /* an address that is not a contest id */
    gv_writer_t *w = kit_begin("contest.get", "contest/abc", 0);
    kit_expect_error(node, kit_end(w), 404, "not_found", NULL);
    w = kit_begin("contest.get", "contest/007", 0);
    kit_expect_error(node, kit_end(w), 404, "not_found", NULL);

    /* update: 200 with the contest object */
    def_t up = d;
    up.create = false;
    up.title = "Spring (final)";
    up.scoring = "cf";
    r = kit_expect(node, s_define_msg(&up), 200);
    CHECK(kit_str_is(kit_data(r, "title"), "Spring (final)"));
    CHECK(kit_str_is(kit_data(r, "scoring"), "cf"));
    CHECK(kit_str_is(kit_data(r, "id"), "7"));
    CHECK(kit_data(r, "registered") == NULL);
    /* cf problems default to 500 points */
    CHECK(s_num(gv_obj_get(&kit_data(r, "problems")->via.array.ptr[0], "points")) == 500);
    gv_msg_destroy(&r);
    CHECK(s_pub_count(node, 7, "contest", "jury") == 1);
    CHECK(s_pub_count(node, 7, "contest", "public") == 1);
    node_destroy(&node);
    kit_rmrf(&dir);
}

/* ---- get, register, users -------------------------------------------------------------------- */

static void test_get_register_and_users(void)
{
    char *dir = kit_tmpdir();
    node_t *node = s_node(dir);
    uint64_t now = s_now();
    s_create(node, 1, now - 10 * MIN_MS, 7200, 0);
    s_create(node, 2, now - 3 * 3600000, 3600, 0); /* over */

    gv_msg_t *r = kit_expect(node, s_plain("contest.get", 1, 11, "contestant"), 200);
    const msgpack_object *c = kit_data(r, NULL);
    CHECK(c->via.map.size == 16);
    CHECK(kit_str_is(kit_data(r, "id"), "1") && kit_str_is(kit_data(r, "title"), "Test contest"));
    CHECK(kit_str_is(kit_data(r, "state"), "running") &&
          kit_str_is(kit_data(r, "scoring"), "icpc"));
    CHECK(kit_uint(kit_data(r, "duration_s")) == 7200 &&
          kit_uint(kit_data(r, "penalty_min")) == 20);
    CHECK(kit_data(r, "freeze_s") == NULL && kit_data(r, "freeze_time") == NULL);
    CHECK(!s_bool(kit_data(r, "thawed")) && !s_bool(kit_data(r, "finalized")));
    CHECK(!s_bool(kit_data(r, "registered")) && kit_uint(kit_data(r, "contestants")) == 0);
    char t[40];
    kit_str(kit_data(r, "start_time"), t, sizeof t);
    CHECK(strlen(t) == 24 && t[10] == 'T' && t[23] == 'Z');
    kit_str(kit_data(r, "end_time"), t, sizeof t);
    CHECK(strlen(t) == 24);
    const msgpack_object *ps = kit_data(r, "problems");
    CHECK(ps->via.array.size == 3);
    CHECK(kit_str_is(gv_obj_get(&ps->via.array.ptr[1], "label"), "B"));
    CHECK(kit_str_is(gv_obj_get(&ps->via.array.ptr[1], "problem_id"), "102"));
    CHECK(s_num(gv_obj_get(&ps->via.array.ptr[1], "points")) == 1);
    CHECK(gv_obj_get(&ps->via.array.ptr[1], "subtasks")->via.array.size == 0);
    gv_msg_destroy(&r);

    s_register(node, 1, 11, "alice");
    s_register(node, 1, 11, "alice"); /* idempotent */
    s_register(node, 1, 12, "bob");
    kit_expect_error(node, s_register_msg(1, 13, "carol", 11), 403, "forbidden", NULL);
    kit_expect_error(node, s_register_msg(2, 11, "alice", 11), 403, "contest_over", NULL);
    kit_expect_error(node, s_register_msg(3, 11, "alice", 11), 404, "not_found", NULL);

    r = kit_expect(node, s_plain("contest.get", 1, 11, "contestant"), 200);
    CHECK(s_bool(kit_data(r, "registered")) && kit_uint(kit_data(r, "contestants")) == 2);
    gv_msg_destroy(&r);
    r = kit_expect(node, s_plain("contest.get", 1, 13, "contestant"), 200);
    CHECK(!s_bool(kit_data(r, "registered")));
    gv_msg_destroy(&r);

    r = kit_expect(node, s_plain("contest.users", 1, 1, "admin"), 200);
    const msgpack_object *items = kit_data(r, "items");
    CHECK(items->via.array.size == 2);
    CHECK(kit_str_is(gv_obj_get(&items->via.array.ptr[0], "user_id"), "11"));
    CHECK(kit_str_is(gv_obj_get(&items->via.array.ptr[0], "username"), "alice"));
    CHECK(kit_str_is(gv_obj_get(&items->via.array.ptr[1], "username"), "bob"));
    CHECK(gv_obj_get(&items->via.array.ptr[1], "registered_at") != NULL);
    gv_msg_destroy(&r);
    r = kit_expect(node, s_plain("contest.users", 2, 1, "admin"), 200);
    CHECK(kit_data(r, "items")->via.array.size == 0);
    gv_msg_destroy(&r);

    /* both contestants are on the board with zero rows, sharing rank 1 */
    r = s_board(node, 1, 11, "contestant");
    CHECK(s_rows(r)->via.array.size == 2);
    s_check_row(s_row(r, 11), 1, 0, 0);
    s_check_row(s_row(r, 12), 1, 0, 0);
    CHECK(gv_obj_get(s_row(r, 12), "last_ac_min") == NULL);
    gv_msg_destroy(&r);
    node_destroy(&node);
    kit_rmrf(&dir);
}

/* ---- admission ------------------------------------------------------------------------------- */

static void test_admit_rules_and_rate_limit(void)
{
    char *dir = kit_tmpdir();
    node_t *node = s_node(dir);
    uint64_t now = s_now();
    s_create(node, 1, now - 10 * MIN_MS, 7200, 0); /* running */
    s_create(node, 2, now + 3600000, 7200, 0);     /* scheduled */
    s_create(node, 3, now - 3 * 3600000, 3600, 0); /* ended */
    s_register(node, 1, 11, "alice");
    s_register(node, 1, 12, "bob");
    s_register(node, 2, 11, "alice");

    kit_expect_error(node, s_admit_msg(99, 11, 101, "contestant"), 404, "not_found", NULL);
    kit_expect_error(node, s_admit_msg(1, 11, 999, "contestant"), 403, "problem_not_in_contest",
                     NULL);
    kit_expect_error(node, s_admit_msg(2, 11, 101, "contestant"), 403, "contest_not_running",
                     "not started");
    kit_expect_error(node, s_admit_msg(3, 11, 101, "contestant"), 403, "contest_not_running",
                     "over");
    kit_expect_error(node, s_admit_msg(1, 13, 101, "contestant"), 403, "not_registered", NULL);
    /* staff: any time, without registering (but only the contest's problems) */
    gv_msg_t *r = kit_expect(node, s_admit_msg(2, 5, 102, "jury"), 200);
    CHECK(kit_str_is(kit_data(r, "label"), "B"));
    gv_msg_destroy(&r);
    kit_expect_ok(node, s_admit_msg(3, 5, 103, "admin"), 200);
    kit_expect_error(node, s_admit_msg(3, 5, 999, "admin"), 403, "problem_not_in_contest", NULL);

    /* without a cluster.toml the limit is 10 a minute */
    for (int i = 0; i < 10; i++) {
        r = kit_expect(node, s_admit_msg(1, 11, 101, "contestant"), 200);
        CHECK(kit_str_is(kit_data(r, "label"), "A"));
        gv_msg_destroy(&r);
    }
    r = kit_expect(node, s_admit_msg(1, 11, 102, "contestant"), 429);
    CHECK(kit_str_is(gv_msg_field(r, "code"), "rate_limited"));
    uint64_t retry = kit_uint(kit_data(r, "retry_after_s"));
    CHECK(retry > 0 && retry <= 60);
    const char *m = gv_msg_str(r, "message");
    CHECK(m && strstr(m, "at most 10 a minute"));
    gv_msg_destroy(&r);
    /* refusals are not counted as admissions: still refused, not later */
    r = kit_expect(node, s_admit_msg(1, 11, 101, "contestant"), 429);
    CHECK(kit_uint(kit_data(r, "retry_after_s")) <= retry);
    gv_msg_destroy(&r);
    /* another contestant has a budget of their own; staff has none */
    kit_expect_ok(node, s_admit_msg(1, 12, 101, "contestant"), 200);
    for (int i = 0; i < 12; i++)
        kit_expect_ok(node, s_admit_msg(1, 5, 101, "jury"), 200);
    node_destroy(&node);
    kit_rmrf(&dir);
}

/* ---- scoreboards ----------------------------------------------------------------------------- */

static bool s_board_eq(node_t *node, uint64_t cid, const gv_msg_t *before);

static void test_icpc_board_ranks_ties_and_first_to_solve(void)
{
    char *dir = kit_tmpdir();
    node_t *node = s_node(dir);
    uint64_t start = s_now() - 2 * 3600000;
    s_create(node, 1, start, 5 * 3600, 0);
    s_register(node, 1, 11, "alice");
    s_register(node, 1, 12, "bob");
    s_register(node, 1, 13, "carol");
    s_register(node, 1, 14, "dave");

    struct {
        uint64_t sid, uid, pid, min;
        const char *verdict;
    } subs[] = {
        {1, 13, 103, 5, "AC"}, /* carol C */
        {2, 11, 102, 5, "CE"}, /* alice B: CE never counts */
        {3, 11, 101, 10, "WA"}, {4, 12, 102, 10, "WA"},
        {5, 11, 101, 20, "AC"}, /* alice A: 20 + 20 */
        {6, 12, 102, 20, "AC"}, /* bob B: 20 + 20, first on B */
        {7, 12, 101, 30, "AC"}, /* bob A: 30 */
        {8, 11, 102, 30, "AC"}, /* alice B: 30 */
        {9, 13, 101, 40, NULL}, /* carol A: pending */
    };
    for (size_t i = 0; i < 9; i++)
        s_status(node, 1, subs[i].sid, subs[i].uid, subs[i].pid, start + subs[i].min * MIN_MS, 1,
                 "queued", NULL);
    /* verdicts out of submission order: bob's A (minute 30) before alice's (minute 20) */
    size_t order[] = {0, 1, 2, 3, 6, 5};
    for (size_t i = 0; i < 6; i++) {
        size_t k = order[i];
        s_status(node, 1, subs[k].sid, subs[k].uid, subs[k].pid, start + subs[k].min * MIN_MS, 1,
                 "done", subs[k].verdict);
    }
    gv_msg_t *r = s_board(node, 1, 1, "jury");
    s_check_cell(s_row(r, 12), "A", true, 1, 0, 30, true); /* for now */
    gv_msg_destroy(&r);
    /* alice's earlier AC takes first-to-solve from bob: bob's row is published too */
    s_status(node, 1, 5, 11, 101, start + 20 * MIN_MS, 1, "done", "AC");
    CHECK(s_pub_count(node, 1, "submission", "user") == 1);
    CHECK(s_pub_count(node, 1, "scoreboard", "all") == 2);
    gv_msg_t *ev = s_pub_nth(node, 1, "scoreboard", 1);
    const msgpack_object *rows = gv_obj_get(gv_msg_field(ev, "data"), "rows");
    CHECK(kit_str_is(gv_obj_get(gv_msg_field(ev, "data"), "view"), "all"));
    CHECK(rows->via.array.size == 1);
    CHECK(gv_obj_get(&rows->via.array.ptr[0], "rank") == NULL); /* events carry no rank */
    s_check_cell(s_row_in(rows, 12), "A", true, 1, 0, 30, false);
    gv_msg_destroy(&ev);
    s_status(node, 1, 8, 11, 102, start + 30 * MIN_MS, 1, "done", "AC");

    const char *roles[] = {"jury", "contestant"};
    for (int v = 0; v < 2; v++) {
        r = s_board(node, 1, 13, roles[v]);
        CHECK(kit_str_is(kit_data(r, "scoring"), "icpc") && !s_bool(kit_data(r, "frozen")));
        rows = s_rows(r);
        CHECK(rows->via.array.size == 4);
        /* sorted by rank, then user id */
        const char *order_ids[] = {"11", "12", "13", "14"};
        for (uint32_t i = 0; i < 4; i++)
            CHECK(kit_str_is(gv_obj_get(&rows->via.array.ptr[i], "user_id"), order_ids[i]));
        const msgpack_object *a = s_row(r, 11), *b = s_row(r, 12), *c = s_row(r, 13);
        s_check_row(a, 1, 2, 70); /* tie: 2 solved, 70 minutes, last AC at 30 */
        s_check_row(b, 1, 2, 70);
        s_check_row(c, 3, 1, 5); /* the next rank skips */
        s_check_row(s_row(r, 14), 4, 0, 0);
        CHECK(s_u(a, "last_ac_min") == 30 && s_u(b, "last_ac_min") == 30);
        CHECK(s_num(gv_obj_get(a, "score")) == 2);
        CHECK(kit_str_is(gv_obj_get(a, "username"), "alice"));
        s_check_cell(a, "A", true, 2, 0, 20, true);
        s_check_cell(a, "B", true, 1, 0, 30, false); /* the CE is not an attempt */
        s_check_cell(a, "C", false, 0, 0, -1, false);
        s_check_cell(b, "A", true, 1, 0, 30, false);
        s_check_cell(b, "B", true, 2, 0, 20, true);
        s_check_cell(c, "A", false, 0, 1, -1, false);
        s_check_cell(c, "C", true, 1, 0, 5, true);
        gv_msg_destroy(&r);
    }
    /* a rejected submission after the AC changes nothing */
    s_judged(node, 1, 10, 13, 103, start + 50 * MIN_MS, "WA");
    CHECK(s_pub_count(node, 1, "scoreboard", NULL) == 0);
    r = s_board(node, 1, 1, "admin");
    s_check_row(s_row(r, 13), 3, 1, 5);
    gv_msg_destroy(&r);
    /* carol's pending A is accepted at minute 40: 2 solved, 45 minutes → rank 1 alone */
    s_status(node, 1, 9, 13, 101, start + 40 * MIN_MS, 1, "done", "AC");
    r = s_board(node, 1, 1, "admin");
    s_check_row(s_row(r, 13), 1, 2, 45);
    s_check_row(s_row(r, 11), 2, 2, 70);
    s_check_row(s_row(r, 12), 2, 2, 70);
    CHECK(kit_str_is(gv_obj_get(&s_rows(r)->via.array.ptr[0], "user_id"), "13"));
    gv_msg_destroy(&r);

    /* contest.subs: staff see all, a contestant their own */
    gv_msg_t *m = s_plain("contest.subs", 1, 1, "jury");
    r = kit_expect(node, m, 200);
    CHECK(kit_uint(kit_data(r, "total")) == 10 && kit_data(r, "items")->via.array.size == 10);
    const msgpack_object *first = &kit_data(r, "items")->via.array.ptr[0];
    CHECK(kit_str_is(gv_obj_get(first, "id"), "1") && kit_str_is(gv_obj_get(first, "label"), "C"));
    CHECK(kit_str_is(gv_obj_get(first, "verdict"), "AC") && s_u(first, "contest_time_min") == 5);
    CHECK(kit_str_is(gv_obj_get(first, "status"), "done") && s_u(first, "attempt") == 1);
    gv_msg_destroy(&r);
    r = kit_expect(node, s_plain("contest.subs", 1, 11, "contestant"), 200);
    CHECK(kit_uint(kit_data(r, "total")) == 4);
    gv_msg_destroy(&r);
    r = kit_expect(node, s_board_msg(1, 1, "jury", NULL), 200);

    /* everything is in LMDB: a restarted node shows the same board */
    node_destroy(&node);
    node = s_node(dir);
    CHECK(s_board_eq(node, 1, r));
    gv_msg_destroy(&r);
    node_destroy(&node);
    kit_rmrf(&dir);
}

static void test_ioi_best_subtasks_across_submissions(void)
{
    char *dir = kit_tmpdir();
    node_t *node = s_node(dir);
    uint64_t start = s_now() - 3600000;
    prob_t probs[] = {{201, "P", NO_POINTS, 2, {"g1", "g2"}, {30, 70}},
                      {202, "Q", NO_POINTS, 0, {0}, {0}}};
    def_t d = {1, true, "IOI", start, 5 * 3600, 0, "ioi", probs, 2, "admin"};
    kit_expect_ok(node, s_define_msg(&d), 201);
    s_register(node, 1, 11, "alice");
    s_register(node, 1, 12, "bob");

    s_judged(node, 1, 1, 12, 202, start + 5 * MIN_MS, "AC"); /* Q: 100 (default points) */
    tcase_t t1[] = {{1, "AC", "g1"}, {2, "AC", "g1"}, {3, "AC", "g2"}, {4, "WA", "g2"}};
    sub_t s1 = {1, 2, 11, 201, start + 10 * MIN_MS, 1, 0, 0, "done", "WA", t1, 4};
    s_notify(node, s_sub_msg(&s1));
    gv_msg_t *r = s_board(node, 1, 11, "contestant");
    const msgpack_object *a = s_row(r, 11);
    CHECK(s_num(gv_obj_get(s_cell(a, "P"), "score")) == 30);
    CHECK(!s_bool(gv_obj_get(s_cell(a, "P"), "solved")));
    CHECK(s_u(a, "rank") == 2 && s_u(s_row(r, 12), "rank") == 1);
    CHECK(s_num(gv_obj_get(s_row(r, 12), "score")) == 100);
    gv_msg_destroy(&r);

    tcase_t t2[] = {{1, "AC", "g1"}, {2, "WA", "g1"}, {3, "AC", "g2"}, {4, "AC", "g2"}};
    sub_t s2 = {1, 3, 11, 201, start + 20 * MIN_MS, 1, 0, 0, "done", "WA", t2, 4};
    s_notify(node, s_sub_msg(&s2));
    r = s_board(node, 1, 11, "contestant");
    a = s_row(r, 11);
    const msgpack_object *p = s_cell(a, "P");
    CHECK(s_num(gv_obj_get(p, "score")) == 100 && s_bool(gv_obj_get(p, "solved")));
    CHECK(s_u(p, "attempts") == 2 && s_u(p, "time_min") == 20);
    CHECK(s_bool(gv_obj_get(p, "first_to_solve")));
    CHECK(s_num(gv_obj_get(a, "score")) == 100);
    CHECK(s_u(a, "rank") == 1 && s_u(s_row(r, 12), "rank") == 1); /* equal scores share */
    gv_msg_destroy(&r);

    /* a worse submission later lowers nothing */
    tcase_t t3[] = {{1, "WA", "g1"}, {2, "WA", "g1"}, {3, "WA", "g2"}, {4, "WA", "g2"}};
    sub_t s3 = {1, 4, 11, 201, start + 30 * MIN_MS, 1, 0, 0, "done", "WA", t3, 4};
    s_notify(node, s_sub_msg(&s3));
    r = s_board(node, 1, 1, "jury");
    CHECK(s_num(gv_obj_get(s_cell(s_row(r, 11), "P"), "score")) == 100);
    CHECK(s_u(s_cell(s_row(r, 11), "P"), "attempts") == 3);
    gv_msg_destroy(&r);
    node_destroy(&node);
    kit_rmrf(&dir);
}

static void test_cf_award_decays(void)
{
    char *dir = kit_tmpdir();
    node_t *node = s_node(dir);
    uint64_t start = s_now() - 3600000;
    prob_t probs[] = {{101, "A", 500, 0, {0}, {0}}, {102, "B", NO_POINTS, 0, {0}, {0}}};
    def_t d = {1, true, "CF", start, 7200, 0, "cf", probs, 2, "admin"};
    kit_expect_ok(node, s_define_msg(&d), 201);
    s_register(node, 1, 11, "alice");
    s_register(node, 1, 12, "bob");
    s_judged(node, 1, 1, 11, 101, start + 10 * MIN_MS, "WA");
    s_judged(node, 1, 2, 11, 101, start + 30 * MIN_MS, "AC");
    /* 500 - floor(120*500*30 / (250*120)) - 50*1 = 390 */
    gv_msg_t *r = s_board(node, 1, 1, "jury");
    CHECK(s_num(gv_obj_get(s_cell(s_row(r, 11), "A"), "score")) == 390);
    gv_msg_destroy(&r);
    /* B (default 500) at minute 119: 500 - 238 = 262; at the floor after many rejections */
    s_judged(node, 1, 3, 11, 102, start + 119 * MIN_MS, "AC");
    for (uint64_t i = 0; i < 8; i++)
        s_judged(node, 1, 4 + i, 12, 102, start + MIN_MS, "TLE");
    s_judged(node, 1, 20, 12, 102, start + 2 * MIN_MS, "AC");
    r = s_board(node, 1, 1, "jury");
    CHECK(s_num(gv_obj_get(s_cell(s_row(r, 11), "B"), "score")) == 262);
    CHECK(s_num(gv_obj_get(s_row(r, 11), "score")) == 652);
    CHECK(s_num(gv_obj_get(s_cell(s_row(r, 12), "B"), "score")) == 150); /* 0.3 x */
    CHECK(s_u(s_row(r, 11), "rank") == 1 && s_u(s_row(r, 12), "rank") == 2);
    gv_msg_destroy(&r);
    node_destroy(&node);
    kit_rmrf(&dir);
}

/* ---- ordering and idempotency of contest.sub ------------------------------------------------- */

static bool s_board_eq(node_t *node, uint64_t cid, const gv_msg_t *before)
{
    gv_msg_t *now = s_board(node, cid, 1, "jury");
    bool eq = msgpack_object_equal(*s_rows(before), *s_rows(now));
    gv_msg_destroy(&now);
    return eq;
}

static void test_sub_ordering_repeats_and_rejudge(void)
{
    char *dir = kit_tmpdir();
    node_t *node = s_node(dir);
    uint64_t start = s_now() - 3600000;
    s_create(node, 1, start, 5 * 3600, 0);
    s_register(node, 1, 11, "alice");
    uint64_t at = start + 10 * MIN_MS;
    s_status(node, 1, 1, 11, 101, at, 1, "queued", NULL);
    CHECK(s_pub_count(node, 1, "submission", "user") == 1);
    CHECK(s_pub_count(node, 1, "scoreboard", "all") == 1); /* pending 1 */
    /* progress of a pending submission: a submission event, no scoreboard change */
    sub_t prog = {1, 1, 11, 101, at, 1, 3, 0, "running", NULL, NULL, 0};
    s_notify(node, s_sub_msg(&prog));
    CHECK(s_pub_count(node, 1, "submission", NULL) == 1 && s_pub_total(node, 1) == 1);
    gv_msg_t *ev = s_pub_nth(node, 1, "submission", 0);
    CHECK(kit_uint(gv_obj_get(gv_msg_field(ev, "data"), "test")) == 3);
    CHECK(kit_str_is(gv_msg_field(ev, "vis"), "user") &&
          kit_uint(gv_msg_field(ev, "user_id")) == 11);
    gv_msg_destroy(&ev);
    s_status(node, 1, 1, 11, 101, at, 1, "done", "AC");
    CHECK(s_pub_count(node, 1, "submission", NULL) == 1 &&
          s_pub_count(node, 1, "scoreboard", NULL) == 1);
    gv_msg_t *before = s_board(node, 1, 1, "jury");
    s_check_cell(s_row(before, 11), "A", true, 1, 0, 10, true);

    /* the same verdict again (a durable resend), a different one for the same attempt, older
     * phases: all ignored, no events */
    s_status(node, 1, 1, 11, 101, at, 1, "done", "AC");
    CHECK(s_pub_total(node, 1) == 0);
    s_status(node, 1, 1, 11, 101, at, 1, "done", "WA");
    CHECK(s_pub_total(node, 1) == 0);
    s_notify(node, s_sub_msg(&prog));
    CHECK(s_pub_total(node, 1) == 0);
    s_status(node, 1, 1, 11, 101, at, 1, "queued", NULL);
    CHECK(s_pub_total(node, 1) == 0);
    CHECK(s_board_eq(node, 1, before));
    gv_msg_destroy(&before);

    /* rejudge: attempt 2 is pending again */
    s_status(node, 1, 1, 11, 101, at, 2, "queued", NULL);
    CHECK(s_pub_count(node, 1, "submission", NULL) == 1 &&
          s_pub_count(node, 1, "scoreboard", NULL) == 1);
    gv_msg_t *r = s_board(node, 1, 11, "contestant");
    s_check_cell(s_row(r, 11), "A", false, 0, 1, -1, false);
    s_check_row(s_row(r, 11), 1, 0, 0);
    gv_msg_destroy(&r);
    /* attempt 1's verdict arriving late is stale */
    s_status(node, 1, 1, 11, 101, at, 1, "done", "AC");
    CHECK(s_pub_total(node, 1) == 0);
    prog.attempt = 2;
    prog.test = 1;
    s_notify(node, s_sub_msg(&prog));
    CHECK(s_pub_count(node, 1, "scoreboard", NULL) == 0);
    s_status(node, 1, 1, 11, 101, at, 2, "done", "WA");
    r = s_board(node, 1, 1, "jury");
    s_check_cell(s_row(r, 11), "A", false, 1, 0, -1, false);
    gv_msg_destroy(&r);
    r = kit_expect(node, s_plain("contest.subs", 1, 11, "contestant"), 200);
    const msgpack_object *it = &kit_data(r, "items")->via.array.ptr[0];
    CHECK(s_u(it, "attempt") == 2 && kit_str_is(gv_obj_get(it, "verdict"), "WA"));
    CHECK(gv_obj_get(it, "judged_at") != NULL);
    gv_msg_destroy(&r);

    /* a submission to a problem outside the contest, or to an unknown contest: ignored */
    s_status(node, 1, 2, 11, 999, at, 1, "queued", NULL);
    CHECK(s_pub_total(node, 1) == 0);
    s_status(node, 42, 3, 11, 101, at, 1, "queued", NULL);
    CHECK(outbox_size(node_outbox(node)) == 0);
    /* a staff submission (no row): logged for the jury, no scoreboard change */
    s_judged(node, 1, 4, 5, 101, at, "AC");
    CHECK(s_pub_count(node, 1, "scoreboard", NULL) == 0 &&
          s_pub_count(node, 1, "submission", NULL) == 1);
    r = s_board(node, 1, 1, "jury");
    CHECK(s_rows(r)->via.array.size == 1);
    gv_msg_destroy(&r);
    node_destroy(&node);
    kit_rmrf(&dir);
}

/* ---- freeze, event log, thaw ----------------------------------------------------------------- */

static void test_freeze_event_log_and_thaw(void)
{
    char *dir = kit_tmpdir();
    node_t *node = s_node(dir);
    /* 60 minutes, the last 20 frozen, and we are at minute 50 */
    uint64_t start = s_now() - 50 * MIN_MS;
    s_create(node, 1, start, 3600, 1200);
    gv_msg_t *r = kit_expect(node, s_plain("contest.get", 1, 11, "contestant"), 200);
    CHECK(kit_str_is(kit_data(r, "state"), "frozen") && kit_uint(kit_data(r, "freeze_s")) == 1200);
    CHECK(kit_data(r, "freeze_time") != NULL);
    gv_msg_destroy(&r);
    s_register(node, 1, 11, "alice");
    s_register(node, 1, 12, "bob");

    s_judged(node, 1, 1, 11, 101, start + 10 * MIN_MS, "AC");              /* before the freeze */
    s_status(node, 1, 2, 12, 101, start + 45 * MIN_MS, 1, "queued", NULL); /* after it */
    /* pending in both views; during the freeze each view has its own event */
    CHECK(s_pub_count(node, 1, "scoreboard", "jury") == 1 &&
          s_pub_count(node, 1, "scoreboard", "public") == 1);
    s_status(node, 1, 2, 12, 101, start + 45 * MIN_MS, 1, "done", "AC");
    CHECK(s_pub_count(node, 1, "scoreboard", NULL) == 1);
    CHECK(s_pub_count(node, 1, "scoreboard", "jury") == 1); /* only the jury learns */
    gv_msg_t *ev = s_pub_nth(node, 1, "scoreboard", 0);
    CHECK(kit_str_is(gv_obj_get(gv_msg_field(ev, "data"), "view"), "jury"));
    gv_msg_destroy(&ev);

    gv_msg_t *pub = s_board(node, 1, 12, "contestant");
    CHECK(s_bool(kit_data(pub, "frozen")));
    s_check_cell(s_row(pub, 12), "A", false, 0, 1, -1, false);
    s_check_row(s_row(pub, 12), 2, 0, 0);
    s_check_cell(s_row(pub, 11), "A", true, 1, 0, 10, true);
    gv_msg_t *jury = s_board(node, 1, 1, "jury");
    CHECK(!s_bool(kit_data(jury, "frozen")));
    s_check_cell(s_row(jury, 12), "A", true, 1, 0, 45, false);
    s_check_row(s_row(jury, 12), 2, 1, 45);
    CHECK(!msgpack_object_equal(*s_rows(pub), *s_rows(jury)));
    gv_msg_destroy(&jury);
    /* staff may ask for the public view; a contestant's "jury" request gets the public one */
    jury = kit_expect(node, s_board_msg(1, 1, "admin", "public"), 200);
    CHECK(s_bool(kit_data(jury, "frozen")) && msgpack_object_equal(*s_rows(pub), *s_rows(jury)));
    gv_msg_destroy(&jury);
    jury = kit_expect(node, s_board_msg(1, 12, "contestant", "jury"), 200);
    CHECK(msgpack_object_equal(*s_rows(pub), *s_rows(jury)));
    gv_msg_destroy(&jury);
    gv_msg_destroy(&pub);

    /* bob submits B during the freeze: the rows differ, so each view gets its own event */
    s_status(node, 1, 3, 12, 102, start + 46 * MIN_MS, 1, "queued", NULL);
    CHECK(s_pub_count(node, 1, "scoreboard", "jury") == 1);
    CHECK(s_pub_count(node, 1, "scoreboard", "public") == 1);
    CHECK(s_pub_count(node, 1, "scoreboard", NULL) == 2);
    ev = s_pub_nth(node, 1, "scoreboard", 1);
    CHECK(kit_str_is(gv_obj_get(gv_msg_field(ev, "data"), "view"), "public"));
    s_check_cell(&gv_obj_get(gv_msg_field(ev, "data"), "rows")->via.array.ptr[0], "B", false, 0, 1,
                 -1, false);
    gv_msg_destroy(&ev);
    s_status(node, 1, 3, 12, 102, start + 46 * MIN_MS, 1, "done", "WA");
    CHECK(s_pub_count(node, 1, "scoreboard", "jury") == 1 &&
          s_pub_count(node, 1, "scoreboard", NULL) == 1);

    /* ---- the event log ----------------------------------------------------------------------- */
    r = kit_expect(node, s_events_msg(1, 0, 0, 1, "admin"), 200);
    const msgpack_object *evs = kit_data(r, "events");
    uint32_t n_all = evs->via.array.size;
    CHECK(n_all >= 12 && !s_bool(kit_data(r, "more")));
    uint64_t prev = 0, mid = 0;
    bool seen_jury = false;
    for (uint32_t i = 0; i < n_all; i++) {
        const msgpack_object *e = &evs->via.array.ptr[i];
        uint64_t id = s_u(e, "id");
        CHECK(id > prev);
        prev = id;
        CHECK(gv_obj_get(e, "type") && gv_obj_get(e, "time") && gv_obj_get(e, "data"));
        if (i == n_all / 2) mid = id;
        seen_jury |= kit_str_is(gv_obj_get(gv_obj_get(e, "data"), "view"), "jury");
    }
    CHECK(seen_jury && kit_uint(kit_data(r, "last_id")) == prev);
    CHECK(kit_str_is(gv_obj_get(&evs->via.array.ptr[0], "type"), "contest"));
    gv_msg_destroy(&r);

    r = kit_expect(node, s_events_msg(1, 0, 0, 11, "contestant"), 200);
    evs = kit_data(r, "events");
    size_t own_subs = 0, public_rows = 0;
    for (uint32_t i = 0; i < evs->via.array.size; i++) {
        const msgpack_object *e = &evs->via.array.ptr[i], *data = gv_obj_get(e, "data");
        if (kit_str_is(gv_obj_get(e, "type"), "submission")) {
            CHECK(kit_str_is(gv_obj_get(data, "user_id"), "11"));
            own_subs++;
        }
        if (kit_str_is(gv_obj_get(e, "type"), "scoreboard")) {
            CHECK(!kit_str_is(gv_obj_get(data, "view"), "jury"));
            public_rows += kit_str_is(gv_obj_get(data, "view"), "public");
        }
    }
    /* logged during the freeze: two registrations, alice's queued and judged submission (made
     * before the freeze, so public), bob's two pending cells */
    CHECK(own_subs == 2 && public_rows == 6);
    CHECK(evs->via.array.size < n_all);
    /* the contestant pages by the public sequence: last_id is a public id, never the jury's */
    CHECK(kit_uint(kit_data(r, "last_id")) < prev);
    gv_msg_destroy(&r);

    r = kit_expect(node, s_events_msg(1, mid, 0, 1, "admin"), 200);
    evs = kit_data(r, "events");
    CHECK(evs->via.array.size == n_all - (n_all / 2 + 1));
    for (uint32_t i = 0; i < evs->via.array.size; i++)
        CHECK(s_u(&evs->via.array.ptr[i], "id") > mid);
    gv_msg_destroy(&r);
    r = kit_expect(node, s_events_msg(1, 0, 2, 1, "admin"), 200);
    evs = kit_data(r, "events");
    CHECK(evs->via.array.size == 2 && s_bool(kit_data(r, "more")));
    uint64_t second = s_u(&evs->via.array.ptr[1], "id");
    CHECK(kit_uint(kit_data(r, "last_id")) == second);
    gv_msg_destroy(&r);
    r = kit_expect(node, s_events_msg(1, second, 2, 1, "admin"), 200);
    CHECK(s_u(&kit_data(r, "events")->via.array.ptr[0], "id") > second);
    gv_msg_destroy(&r);
    r = kit_expect(node, s_events_msg(1, prev, 0, 1, "admin"), 200);
    CHECK(kit_data(r, "events")->via.array.size == 0 && !s_bool(kit_data(r, "more")));
    CHECK(kit_uint(kit_data(r, "last_id")) == prev);
    gv_msg_destroy(&r);
    kit_expect_error(node, s_events_msg(2, 0, 0, 1, "admin"), 404, "not_found", NULL);

    /* ---- thaw -------------------------------------------------------------------------------- */
    kit_expect_error(node, s_plain("contest.thaw", 1, 1, "jury"), 403, "forbidden", NULL);
    kit_expect_ok(node, s_plain("contest.thaw", 1, 1, "admin"), 204);
    CHECK(s_pub_count(node, 1, "scoreboard", NULL) >= 1);
    CHECK(s_pub_count(node, 1, "scoreboard", NULL) == s_pub_count(node, 1, "scoreboard", "all"));
    CHECK(s_pub_count(node, 1, "contest", "all") == 1);
    ev = s_pub_nth(node, 1, "contest", 0);
    CHECK(s_bool(gv_obj_get(gv_msg_field(ev, "data"), "thawed")));
    CHECK(kit_str_is(gv_obj_get(gv_msg_field(ev, "data"), "state"), "running"));
    gv_msg_destroy(&ev);
    pub = s_board(node, 1, 12, "contestant");
    jury = s_board(node, 1, 1, "jury");
    CHECK(!s_bool(kit_data(pub, "frozen")));
    CHECK(msgpack_object_equal(*s_rows(pub), *s_rows(jury)));
    s_check_cell(s_row(pub, 12), "A", true, 1, 0, 45, false);
    s_check_cell(s_row(pub, 12), "B", false, 1, 0, -1, false);
    gv_msg_destroy(&pub);
    gv_msg_destroy(&jury);
    /* after the thaw new results reach everyone at once */
    s_judged(node, 1, 4, 11, 102, start + 50 * MIN_MS, "AC");
    CHECK(s_pub_count(node, 1, "scoreboard", "all") == 1 &&
          s_pub_count(node, 1, "scoreboard", NULL) == 1);
    kit_expect_ok(node, s_plain("contest.thaw", 1, 1, "admin"), 204); /* again: no-op */
    CHECK(s_pub_total(node, 1) == 0);

    s_create(node, 2, start, 3600, 0);
    kit_expect_error(node, s_plain("contest.thaw", 2, 1, "admin"), 409, "conflict", "no freeze");
    kit_expect_error(node, s_plain("contest.thaw", 3, 1, "admin"), 404, "not_found", NULL);
    /* finalize: only after the end */
    kit_expect_error(node, s_plain("contest.finalize", 1, 1, "admin"), 409, "conflict", NULL);
    node_destroy(&node);
    kit_rmrf(&dir);
}

static void test_freeze_public_cutoff_hides_ce_too(void)
{
    char *dir = kit_tmpdir();
    node_t *node = s_node(dir);
    uint64_t start = s_now() - 50 * MIN_MS;
    s_create(node, 1, start, 3600, 1200);
    s_register(node, 1, 11, "alice");
    s_judged(node, 1, 1, 11, 101, start + 41 * MIN_MS, "CE");
    gv_msg_t *pub = s_board(node, 1, 11, "contestant");
    s_check_cell(s_row(pub, 11), "A", false, 0, 1, -1, false);
    gv_msg_destroy(&pub);
    gv_msg_t *jury = s_board(node, 1, 11, "jury");
    s_check_cell(s_row(jury, 11), "A", false, 0, 0, -1, false);
    gv_msg_destroy(&jury);
    /* an ended contest can be finalized */
    s_create(node, 2, s_now() - 3 * 3600000, 3600, 600);
    kit_expect_ok(node, s_plain("contest.finalize", 2, 1, "admin"), 204);
    gv_msg_t *r = kit_expect(node, s_plain("contest.get", 2, 1, "admin"), 200);
    CHECK(kit_str_is(kit_data(r, "state"), "finalized") && s_bool(kit_data(r, "finalized")));
    gv_msg_destroy(&r);
    node_destroy(&node);
    kit_rmrf(&dir);
}

/* ---- clarifications -------------------------------------------------------------------------- */

static gv_msg_t *s_ask_msg(uint64_t cid, uint64_t uid, uint64_t caller, uint64_t pid,
                           const char *text)
{
    gv_writer_t *w = kit_begin("contest.clar_ask", s_addr(cid), 4 + (pid ? 1 : 0));
    gv_pk_kv_uint(gv_writer_pk(w), "user_id", uid);
    gv_pk_kv_str(gv_writer_pk(w), "text", text);
    if (pid) gv_pk_kv_uint(gv_writer_pk(w), "problem_id", pid);
    kit_caller(gv_writer_pk(w), caller, "contestant");
    return kit_end(w);
}

static gv_msg_t *s_answer_msg(uint64_t cid, uint64_t clar, const char *text, bool public_,
                              const char *role)
{
    gv_writer_t *w = kit_begin("contest.clar_answer", s_addr(cid), 5);
    gv_pk_kv_uint(gv_writer_pk(w), "clar_id", clar);
    gv_pk_kv_str(gv_writer_pk(w), "text", text);
    gv_pk_kv_bool(gv_writer_pk(w), "public", public_);
    kit_caller(gv_writer_pk(w), 1, role);
    return kit_end(w);
}

static gv_msg_t *s_announce_msg(uint64_t cid, const char *text, const char *title, uint64_t to)
{
    gv_writer_t *w = kit_begin("contest.announce", s_addr(cid), 3 + (title ? 1 : 0) + (to ? 1 : 0));
    gv_pk_kv_str(gv_writer_pk(w), "text", text);
    if (title) gv_pk_kv_str(gv_writer_pk(w), "title", title);
    if (to) gv_pk_kv_uint(gv_writer_pk(w), "to_user_id", to);
    kit_caller(gv_writer_pk(w), 1, "jury");
    return kit_end(w);
}

/* The ids of the clarifications `caller` sees, as "1,3,4". */
static const char *s_clar_ids(node_t *node, uint64_t cid, uint64_t caller, const char *role)
{
    static char out[128];
    gv_msg_t *r = kit_expect(node, s_plain("contest.clarifications", cid, caller, role), 200);
    const msgpack_object *items = kit_data(r, "items");
    out[0] = '\0';
    for (uint32_t i = 0; i < items->via.array.size; i++) {
        char id[24];
        kit_str(gv_obj_get(&items->via.array.ptr[i], "id"), id, sizeof id);
        snprintf(out + strlen(out), sizeof out - strlen(out), "%s%s", i ? "," : "", id);
    }
    gv_msg_destroy(&r);
    return out;
}

static void s_expect_clars(node_t *node, uint64_t cid, uint64_t caller, const char *role,
                           const char *ids)
{
    const char *got = s_clar_ids(node, cid, caller, role);
    if (strcmp(got, ids) != 0)
        fprintf(stderr, "%s %" PRIu64 " sees [%s], expected [%s]\n", role, caller, got, ids);
    CHECK(strcmp(got, ids) == 0);
}

static void test_clarifications_and_announcements(void)
{
    char *dir = kit_tmpdir();
    node_t *node = s_node(dir);
    s_create(node, 1, s_now() - 10 * MIN_MS, 7200, 0);
    s_register(node, 1, 11, "alice");
    s_register(node, 1, 12, "bob");

    kit_expect_error(node, s_ask_msg(1, 13, 13, 0, "hello?"), 403, "not_registered", NULL);
    kit_expect_error(node, s_ask_msg(1, 12, 11, 0, "as bob"), 403, "forbidden", NULL);
    kit_expect_error(node, s_ask_msg(1, 11, 11, 999, "which?"), 400, "invalid_field",
                     "`problem_id`");
    kit_expect_error(node, s_ask_msg(1, 11, 11, 0, ""), 400, "invalid_field", "`text`");
    kit_expect_error(node, s_ask_msg(5, 11, 11, 0, "x"), 404, "not_found", NULL);

    gv_msg_t *r = kit_expect(node, s_ask_msg(1, 11, 11, 101, "Is n <= 10^9?"), 201);
    CHECK(kit_str_is(kit_data(r, "id"), "1"));
    gv_msg_destroy(&r);
    CHECK(s_pub_count(node, 1, "clarification", "user") == 1);
    gv_msg_t *ev = s_pub_nth(node, 1, "clarification", 0);
    CHECK(kit_uint(gv_msg_field(ev, "user_id")) == 11);
    const msgpack_object *c = gv_msg_field(ev, "data");
    CHECK(kit_str_is(gv_obj_get(c, "kind"), "clarification") &&
          kit_str_is(gv_obj_get(c, "label"), "A"));
    CHECK(kit_str_is(gv_obj_get(c, "username"), "alice") &&
          kit_str_is(gv_obj_get(c, "from_user_id"), "11"));
    CHECK(kit_str_is(gv_obj_get(c, "question"), "Is n <= 10^9?") &&
          gv_obj_get(c, "answer") == NULL);
    CHECK(!s_bool(gv_obj_get(c, "public")) && gv_obj_get(c, "answered_at") == NULL);
    CHECK(c->via.map.size == 13);
    gv_msg_destroy(&ev);
    r = kit_expect(node, s_ask_msg(1, 12, 12, 0, "May I use Rust?"), 201);
    CHECK(kit_str_is(kit_data(r, "id"), "2"));
    gv_msg_destroy(&r);

    s_expect_clars(node, 1, 11, "contestant", "1");
    s_expect_clars(node, 1, 12, "contestant", "2");
    s_expect_clars(node, 1, 1, "jury", "1,2");

    /* a private answer: asker and jury */
    kit_expect_error(node, s_answer_msg(1, 1, "Yes.", false, "contestant"), 403, "forbidden", NULL);
    kit_expect_error(node, s_answer_msg(1, 9, "Yes.", false, "jury"), 404, "not_found", NULL);
    r = kit_expect(node, s_answer_msg(1, 1, "Yes.", false, "jury"), 200);
    CHECK(kit_str_is(kit_data(r, "answer"), "Yes.") && !s_bool(kit_data(r, "public")));
    CHECK(kit_str_is(kit_data(r, "question"), "Is n <= 10^9?") && kit_data(r, "answered_at"));
    gv_msg_destroy(&r);
    CHECK(s_pub_count(node, 1, "clarification", "user") == 1);
    s_expect_clars(node, 1, 12, "contestant", "2");
    s_expect_clars(node, 1, 11, "contestant", "1");
    /* a public answer: everyone */
    r = kit_expect(node, s_answer_msg(1, 2, "No, C++ only.", true, "admin"), 200);
    CHECK(s_bool(kit_data(r, "public")));
    gv_msg_destroy(&r);
    CHECK(s_pub_count(node, 1, "clarification", "all") == 1);
    s_expect_clars(node, 1, 11, "contestant", "1,2");
    s_expect_clars(node, 1, 13, "contestant", "2"); /* even the unregistered */
    /* answered again privately: the answer changes, it stays public */
    r = kit_expect(node, s_answer_msg(1, 2, "No: C++ only.", false, "jury"), 200);
    CHECK(s_bool(kit_data(r, "public")) && kit_str_is(kit_data(r, "answer"), "No: C++ only."));
    gv_msg_destroy(&r);

    /* announcements */
    r = kit_expect(node, s_announce_msg(1, "Problem B statement fixed.", "Fix", 0), 201);
    CHECK(kit_str_is(kit_data(r, "id"), "3"));
    gv_msg_destroy(&r);
    CHECK(s_pub_count(node, 1, "announcement", "all") == 1);
    r = kit_expect(node, s_announce_msg(1, "Bob, please call the jury.", NULL, 12), 201);
    CHECK(kit_str_is(kit_data(r, "id"), "4"));
    gv_msg_destroy(&r);
    CHECK(s_pub_count(node, 1, "announcement", "user") == 1);
    ev = s_pub_nth(node, 1, "announcement", 0);
    CHECK(kit_uint(gv_msg_field(ev, "user_id")) == 12);
    CHECK(kit_str_is(gv_obj_get(gv_msg_field(ev, "data"), "to_user_id"), "12"));
    CHECK(kit_str_is(gv_obj_get(gv_msg_field(ev, "data"), "kind"), "announcement"));
    gv_msg_destroy(&ev);
    kit_expect_error(node, s_announce_msg(1, "x", NULL, 13), 400, "invalid_field", "`to_user_id`");
    kit_expect_error(node, s_announce_msg(1, "", NULL, 0), 400, "invalid_field", "`text`");
    gv_writer_t *w = kit_begin("contest.announce", s_addr(1), 3);
    gv_pk_kv_str(gv_writer_pk(w), "text", "hi");
    kit_caller(gv_writer_pk(w), 11, "contestant");
    kit_expect_error(node, kit_end(w), 403, "forbidden", NULL);

    s_expect_clars(node, 1, 11, "contestant", "1,2,3");
    s_expect_clars(node, 1, 12, "contestant", "2,3,4");
    s_expect_clars(node, 1, 1, "admin", "1,2,3,4");
    /* answering an announcement is not possible */
    kit_expect_error(node, s_answer_msg(1, 3, "?", false, "jury"), 404, "not_found", NULL);

    /* the event log tells the same story */
    r = kit_expect(node, s_events_msg(1, 0, 0, 11, "contestant"), 200);
    const msgpack_object *evs = kit_data(r, "events");
    size_t clar = 0, ann = 0;
    for (uint32_t i = 0; i < evs->via.array.size; i++) {
        const msgpack_object *e = &evs->via.array.ptr[i], *data = gv_obj_get(e, "data");
        if (kit_str_is(gv_obj_get(e, "type"), "clarification")) {
            clar++;
            /* alice: her question, its answer, and bob's question once it was public */
            CHECK(kit_str_is(gv_obj_get(data, "id"), "1") || s_bool(gv_obj_get(data, "public")));
        }
        if (kit_str_is(gv_obj_get(e, "type"), "announcement")) {
            ann++;
            CHECK(kit_str_is(gv_obj_get(data, "id"), "3"));
        }
    }
    CHECK(clar == 4 && ann == 1);
    gv_msg_destroy(&r);
    node_destroy(&node);
    kit_rmrf(&dir);
}

/* ---- durable notifications ------------------------------------------------------------------- */

static gv_msg_t *s_create_sub_msg(uint64_t user, uint64_t problem, uint64_t contest)
{
    gv_writer_t *w = kit_begin("submissions.create", "submissions", 7);
    msgpack_packer *pk = gv_writer_pk(w);
    gv_pk_kv_uint(pk, "problem_id", problem);
    gv_pk_kv_str(pk, "language", "cpp");
    gv_pk_kv_str(pk, "source", "int main(){}");
    gv_pk_kv_uint(pk, "user_id", user);
    gv_pk_kv_uint(pk, "contest_id", contest);
    kit_caller(pk, user, "contestant");
    return kit_end(w);
}

static gv_msg_t *s_ack_msg(uint64_t dseq)
{
    gv_writer_t *w = gv_writer_new("ack", 0, "contest/1", "submissions", 0, 1);
    gv_pk_kv_uint(gv_writer_pk(w), "dseq", dseq);
    return kit_end(w);
}

/* Runs msgs as one batch with a cleared outbox. */
static void s_batch(node_t *node, gv_msg_t **msgs, size_t n)
{
    outbox_clear(node_outbox(node));
    CHECK(node_handle_batch(node, msgs, n) == 0);
}

static void test_durable_contest_notifications(void)
{
    char *dir = kit_tmpdir();
    node_t *node = s_node(dir);
    /* the first tick's one-time pass over older definitions: nothing to tell yet */
    node_force_ticks(node);
    s_batch(node, NULL, 0);
    CHECK(kit_count_sends(node, "problems.contest_uses") == 0);
    s_create(node, 1, s_now() - 10 * MIN_MS, 7200, 0);
    /* the definition's problems.contest_uses (durable too): delivered and acknowledged */
    CHECK(kit_db_entries(node, "outq") == 1);
    gv_msg_t *uses = kit_nth_send(node, "problems.contest_uses", 0);
    s_batch(node, &uses, 1);
    gv_msg_destroy(&uses);
    gv_msg_t *uses_ack = kit_nth_send(node, "ack", 0);
    CHECK(uses_ack && !strcmp(gv_msg_to(uses_ack), "contest/1"));
    s_batch(node, &uses_ack, 1);
    gv_msg_destroy(&uses_ack);
    CHECK(kit_db_entries(node, "outq") == 0 && kit_db_entries(node, "problems.embargo") == 3);
    s_register(node, 1, 11, "alice");

    /* creation: the contest.sub is stored in outq with the submission and carries a dseq */
    gv_msg_t *r = kit_expect(node, s_create_sub_msg(11, 101, 1), 202);
    gv_msg_destroy(&r);
    CHECK(kit_count_sends(node, "contest.sub") == 1);
    gv_msg_t *note = kit_nth_send(node, "contest.sub", 0);
    CHECK(!strcmp(gv_msg_to(note), "contest/1") && !strcmp(gv_msg_from(note), "submissions"));
    uint64_t dseq1 = gv_msg_uint(note, "dseq", 0);
    CHECK(dseq1 > 0 && gv_msg_uint(note, "sub_id", 0) == 1 && gv_msg_uint(note, "attempt", 0) == 1);
    CHECK(!strcmp(gv_msg_str(note, "status"), "queued") && gv_msg_uint(note, "user_id", 0) == 11);
    CHECK(kit_db_entries(node, "outq") == 1);

    /* the receiving side: the handler's changes, then an ack to `from` */
    s_batch(node, &note, 1);
    CHECK(kit_count_sends(node, "ack") == 1);
    gv_msg_t *ack = kit_nth_send(node, "ack", 0);
    CHECK(!strcmp(gv_msg_to(ack), "submissions") && !strcmp(gv_msg_from(ack), "contest/1"));
    CHECK(gv_msg_uint(ack, "dseq", 0) == dseq1);
    CHECK(s_pub_count(node, 1, "submission", "user") == 1);
    r = s_board(node, 1, 11, "contestant");
    s_check_cell(s_row(r, 11), "A", false, 0, 1, -1, false);
    gv_msg_destroy(&r);
    /* a resend is acknowledged again and changes nothing */
    s_batch(node, &note, 1);
    CHECK(kit_count_sends(node, "ack") == 1 && s_pub_total(node, 1) == 0);
    gv_msg_destroy(&note);

    /* the ack (to "submissions") forgets the entry */
    s_batch(node, &ack, 1);
    CHECK(outbox_size(node_outbox(node)) == 0);
    gv_msg_destroy(&ack);
    CHECK(kit_db_entries(node, "outq") == 0);

    /* progress is a plain message (no dseq, no outq entry, no ack); the verdict is durable */
    gv_writer_t *w = gv_writer_new("judge.progress", 0, "judge-1", "submissions", 0, 4);
    gv_pk_kv_uint(gv_writer_pk(w), "sub_id", 1);
    gv_pk_kv_uint(gv_writer_pk(w), "attempt", 1);
    gv_pk_kv_str(gv_writer_pk(w), "status", "running");
    gv_pk_kv_uint(gv_writer_pk(w), "test", 1);
    s_notify(node, kit_end(w));
    note = kit_nth_send(node, "contest.sub", 0);
    CHECK(note && !gv_msg_has(note, "dseq") && gv_msg_uint(note, "test", 0) == 1);
    CHECK(kit_db_entries(node, "outq") == 0);
    s_batch(node, &note, 1);
    CHECK(kit_count_sends(node, "ack") == 0 && s_pub_count(node, 1, "submission", NULL) == 1);
    gv_msg_destroy(&note);

    w = gv_writer_new("judge.result", 0, "judge-1", "submissions", 0, 7);
    msgpack_packer *pk = gv_writer_pk(w);
    gv_pk_kv_uint(pk, "sub_id", 1);
    gv_pk_kv_uint(pk, "attempt", 1);
    gv_pk_kv_str(pk, "verdict", "AC");
    gv_pk_kv_uint(pk, "time_ms", 12);
    gv_pk_kv_uint(pk, "memory_kb", 1024);
    gv_pk_kv_str(pk, "compile_output", "");
    gv_pk_key(pk, "tests");
    msgpack_pack_array(pk, 1);
    msgpack_pack_map(pk, 4);
    gv_pk_kv_uint(pk, "n", 1);
    gv_pk_kv_str(pk, "verdict", "AC");
    gv_pk_kv_uint(pk, "time_ms", 12);
    gv_pk_kv_uint(pk, "memory_kb", 1024);
    s_notify(node, kit_end(w));
    note = kit_nth_send(node, "contest.sub", 0);
    CHECK(note && gv_msg_uint(note, "dseq", 0) > dseq1);
    CHECK(!strcmp(gv_msg_str(note, "status"), "done") &&
          !strcmp(gv_msg_str(note, "verdict"), "AC"));
    CHECK(kit_db_entries(node, "outq") == 1);
    uint64_t dseq2 = gv_msg_uint(note, "dseq", 0);
    s_batch(node, &note, 1);
    gv_msg_destroy(&note);
    r = s_board(node, 1, 11, "contestant");
    s_check_cell(s_row(r, 11), "A", true, 1, 0, 10, true);
    gv_msg_destroy(&r);

    /* a second submission's notification stays unacknowledged; the first one is acked */
    r = kit_expect(node, s_create_sub_msg(11, 102, 1), 202);
    gv_msg_destroy(&r);
    note = kit_nth_send(node, "contest.sub", 0);
    uint64_t dseq3 = gv_msg_uint(note, "dseq", 0);
    CHECK(dseq3 > dseq2 && kit_db_entries(node, "outq") == 2);
    gv_msg_destroy(&note);
    ack = s_ack_msg(dseq2);
    s_batch(node, &ack, 1);
    gv_msg_destroy(&ack);
    CHECK(kit_db_entries(node, "outq") == 1);
    /* not yet due */
    s_batch(node, NULL, 0);
    CHECK(kit_count_sends(node, "contest.sub") == 0);
    /* after the retry interval only the unacknowledged one goes again, unchanged */
    usleep((NODE_DURABLE_RETRY_MS + 150) * 1000);
    s_batch(node, NULL, 0);
    CHECK(kit_count_sends(node, "contest.sub") == 1);
    note = kit_nth_send(node, "contest.sub", 0);
    CHECK(gv_msg_uint(note, "dseq", 0) == dseq3 && gv_msg_uint(note, "problem_id", 0) == 102);
    gv_msg_destroy(&note);
    /* and the sweep waits another interval */
    s_batch(node, NULL, 0);
    CHECK(kit_count_sends(node, "contest.sub") == 0);
    ack = s_ack_msg(dseq3);
    s_batch(node, &ack, 1);
    gv_msg_destroy(&ack);
    CHECK(kit_db_entries(node, "outq") == 0);
    /* an ack for an unknown dseq is harmless */
    ack = s_ack_msg(999);
    s_batch(node, &ack, 1);
    gv_msg_destroy(&ack);

    /* a durable contest.sub for an unknown contest is acknowledged (and ignored) */
    sub_t lost = {77, 9, 11, 101, s_now(), 1, 0, 5, "queued", NULL, NULL, 0};
    note = s_sub_msg(&lost);
    s_batch(node, &note, 1);
    CHECK(kit_count_sends(node, "ack") == 1 && kit_count_events(node, "contest/77") == 0);
    gv_msg_destroy(&note);
    node_destroy(&node);
    kit_rmrf(&dir);
}

/* ---- re-definition --------------------------------------------------------------------------- */

static void test_redefinition_keeps_results_with_their_problems(void)
{
    char *dir = kit_tmpdir();
    node_t *node = s_node(dir);
    uint64_t start = s_now() - 3600000;
    prob_t ab[] = {{101, "A", NO_POINTS, 0, {0}, {0}}, {102, "B", NO_POINTS, 0, {0}, {0}}};
    def_t d = {1, true, "R", start, 5 * 3600, 0, "icpc", ab, 2, "admin"};
    kit_expect_ok(node, s_define_msg(&d), 201);
    s_register(node, 1, 11, "alice");
    s_judged(node, 1, 1, 11, 101, start + 10 * MIN_MS, "AC");
    s_judged(node, 1, 2, 11, 102, start + 12 * MIN_MS, "WA");

    /* the problems change places (and labels): results follow the problem, not the slot */
    prob_t ba[] = {{102, "X", NO_POINTS, 0, {0}, {0}}, {101, "Y", NO_POINTS, 0, {0}, {0}}};
    d.create = false;
    d.probs = ba;
    kit_expect_ok(node, s_define_msg(&d), 200);
    gv_msg_t *r = s_board(node, 1, 1, "jury");
    s_check_cell(s_row(r, 11), "Y", true, 1, 0, 10, true);
    s_check_cell(s_row(r, 11), "X", false, 1, 0, -1, false);
    gv_msg_destroy(&r);
    r = kit_expect(node, s_plain("contest.subs", 1, 1, "jury"), 200);
    CHECK(kit_str_is(gv_obj_get(&kit_data(r, "items")->via.array.ptr[0], "label"), "Y"));
    gv_msg_destroy(&r);
    /* a new verdict for the moved problem lands in its new place */
    s_judged(node, 1, 3, 11, 102, start + 20 * MIN_MS, "AC");
    r = s_board(node, 1, 1, "jury");
    s_check_cell(s_row(r, 11), "X", true, 2, 0, 20, true);
    s_check_row(s_row(r, 11), 1, 2, 10 + 20 + 20);
    gv_msg_destroy(&r);

    /* a problem dropped from the contest: its submissions no longer count, listing still works */
    prob_t only_b[] = {{102, "B", NO_POINTS, 0, {0}, {0}}};
    d.probs = only_b;
    d.n_probs = 1;
    kit_expect_ok(node, s_define_msg(&d), 200);
    r = s_board(node, 1, 1, "jury");
    s_check_row(s_row(r, 11), 1, 1, 40);
    gv_msg_destroy(&r);
    r = kit_expect(node, s_plain("contest.subs", 1, 1, "jury"), 200);
    CHECK(kit_uint(kit_data(r, "total")) == 3);
    const msgpack_object *it = &kit_data(r, "items")->via.array.ptr[0];
    CHECK(gv_obj_get(it, "label") == NULL); /* nil: no longer in the contest */
    CHECK(kit_str_is(gv_obj_get(&kit_data(r, "items")->via.array.ptr[1], "label"), "B"));
    gv_msg_destroy(&r);
    node_destroy(&node);
    kit_rmrf(&dir);
}

/* ---- large logs ------------------------------------------------------------------------------ */

/* Scoreboard events of a contest with many problems are large: a page of the log must still fit
 * in one message (the reply is decoded by kit_call exactly as the broker and edge would). */
static void test_event_pages_fit_in_a_message(void)
{
    char *dir = kit_tmpdir();
    node_t *node = s_node(dir);
    enum { PROBLEMS = 30, USERS = 450 };
    prob_t probs[PROBLEMS];
    char labels[PROBLEMS][4];
    for (int i = 0; i < PROBLEMS; i++) {
        snprintf(labels[i], sizeof labels[i], "P%d", i);
        probs[i] = (prob_t){1000 + (uint64_t)i, labels[i], NO_POINTS, 0, {0}, {0}};
    }
    def_t d = {1, true, "big", s_now() - 10 * MIN_MS, 7200, 0, "icpc", probs, PROBLEMS, "admin"};
    kit_expect_ok(node, s_define_msg(&d), 201);
    gv_msg_t *regs[USERS];
    for (int i = 0; i < USERS; i++) {
        char name[16];
        snprintf(name, sizeof name, "u%d", i);
        regs[i] = s_register_msg(1, 100 + (uint64_t)i, name, 100 + (uint64_t)i);
    }
    s_batch(node, regs, USERS);
    for (int i = 0; i < USERS; i++)
        gv_msg_destroy(&regs[i]);

    /* 1 + USERS events, each a row of 30 cells (~480 objects): more than one message holds */
    uint64_t since = 0, seen = 0, pages = 0, prev = 0;
    for (bool more = true; more; pages++) {
        gv_msg_t *r = kit_expect(node, s_events_msg(1, since, 0, 1, "admin"), 200);
        const msgpack_object *evs = kit_data(r, "events");
        CHECK(evs->via.array.size > 0 || !s_bool(kit_data(r, "more")));
        for (uint32_t i = 0; i < evs->via.array.size; i++) {
            CHECK(s_u(&evs->via.array.ptr[i], "id") > prev);
            prev = s_u(&evs->via.array.ptr[i], "id");
        }
        seen += evs->via.array.size;
        since = kit_uint(kit_data(r, "last_id"));
        more = s_bool(kit_data(r, "more"));
        gv_msg_destroy(&r);
        CHECK(pages < 10);
    }
    CHECK(seen == 1 + USERS && pages >= 2);
    node_destroy(&node);
    kit_rmrf(&dir);
}

/* ---- state timers ---------------------------------------------------------------------------- */

/* A board is read a page at a time (a message holds a bounded number of objects): the pages
 * join into the whole board, and ranks carry across page boundaries (a tie that straddles one
 * keeps its shared rank). */
static void test_scoreboard_pages_join_into_the_board(void)
{
    char *dir = kit_tmpdir();
    node_t *node = s_node(dir);
    uint64_t start = s_now() - 3600000;
    s_create(node, 1, start, 5 * 3600, 0);
    for (uint64_t u = 21; u <= 25; u++) {
        char name[16];
        snprintf(name, sizeof name, "u%llu", (unsigned long long)u);
        s_register(node, 1, u, name);
    }
    /* 21 and 22 solve A at the same minute: they tie for rank 1; the rest share rank 3 */
    s_status(node, 1, 1, 21, 101, start + 5 * MIN_MS, 1, "done", "AC");
    s_status(node, 1, 2, 22, 101, start + 5 * MIN_MS, 1, "done", "AC");
    gv_msg_t *whole = s_board(node, 1, 1, "jury");
    const msgpack_object *all = kit_data(whole, "rows");
    CHECK(all && all->via.array.size == 5 && kit_uint(kit_data(whole, "total")) == 5);
    uint32_t got = 0;
    for (uint64_t offset = 0; offset < 5; offset += 2) {
        gv_writer_t *w = kit_begin("contest.scoreboard", s_addr(1), 4);
        gv_pk_kv_uint(gv_writer_pk(w), "offset", offset);
        gv_pk_kv_uint(gv_writer_pk(w), "limit", 2);
        kit_caller(gv_writer_pk(w), 1, "jury");
        gv_msg_t *page = kit_expect(node, kit_end(w), 200);
        const msgpack_object *rows = kit_data(page, "rows");
        CHECK(kit_uint(kit_data(page, "offset")) == offset);
        CHECK(rows && rows->via.array.size == (offset == 4 ? 1u : 2u));
        for (uint32_t i = 0; rows && i < rows->via.array.size && got + i < 5; i++) {
            const msgpack_object *a = &rows->via.array.ptr[i], *b = &all->via.array.ptr[got + i];
            CHECK(kit_uint(gv_obj_get(a, "rank")) == kit_uint(gv_obj_get(b, "rank")));
            CHECK(kit_uint(gv_obj_get(a, "solved")) == kit_uint(gv_obj_get(b, "solved")));
        }
        got += rows ? rows->via.array.size : 0;
        gv_msg_destroy(&page);
    }
    CHECK(got == 5);
    CHECK(kit_uint(gv_obj_get(&all->via.array.ptr[1], "rank")) == 1);
    CHECK(kit_uint(gv_obj_get(&all->via.array.ptr[2], "rank")) == 3);
    gv_msg_destroy(&whole);
    node_destroy(&node);
    kit_rmrf(&dir);
}

static void test_state_changes_become_contest_events(void)
{
    char *dir = kit_tmpdir();
    node_t *node = s_node(dir);
    uint64_t start = s_now() + 300;
    s_create(node, 1, start, 3600, 600);
    gv_msg_t *r = kit_expect(node, s_plain("contest.get", 1, 11, "contestant"), 200);
    CHECK(kit_str_is(kit_data(r, "state"), "scheduled"));
    gv_msg_destroy(&r);
    /* the start timer is not due yet */
    node_force_ticks(node);
    s_batch(node, NULL, 0);
    CHECK(s_pub_total(node, 1) == 0);
    while (s_now() <= start)
        usleep(20 * 1000);
    node_force_ticks(node);
    s_batch(node, NULL, 0);
    CHECK(s_pub_count(node, 1, "contest", "all") == 1 && s_pub_total(node, 1) == 1);
    gv_msg_t *ev = s_pub_nth(node, 1, "contest", 0);
    CHECK(kit_str_is(gv_obj_get(gv_msg_field(ev, "data"), "state"), "running"));
    CHECK(gv_obj_get(gv_msg_field(ev, "data"), "registered") == NULL);
    CHECK(!strcmp(gv_msg_from(ev), "contest/1"));
    gv_msg_destroy(&ev);
    /* once only; the freeze and end timers are still ahead */
    node_force_ticks(node);
    s_batch(node, NULL, 0);
    CHECK(s_pub_total(node, 1) == 0);
    CHECK(kit_db_entries(node, "contest.timers") == 2);
    r = kit_expect(node, s_events_msg(1, 0, 0, 11, "contestant"), 200);
    CHECK(kit_data(r, "events")->via.array.size == 2); /* definition, start */
    gv_msg_destroy(&r);
    node_destroy(&node);
    kit_rmrf(&dir);
}

/* ---- secrecy (issue 10, point 7) ------------------------------------------------------------ */

static uint32_t s_problems_in(const msgpack_object *contest)
{
    const msgpack_object *ps = gv_obj_get(contest, "problems");
    CHECK(ps && ps->type == MSGPACK_OBJECT_ARRAY);
    return ps->via.array.size;
}

static uint32_t s_get_problems(node_t *node, uint64_t cid, const char *role)
{
    gv_msg_t *r = kit_expect(node, s_plain("contest.get", cid, 11, role), 200);
    uint32_t n = s_problems_in(gv_reply_data(r));
    gv_msg_destroy(&r);
    return n;
}

/* The largest problem list among the `contest` events a caller may read. */
static uint32_t s_logged_problems(node_t *node, uint64_t cid, const char *role)
{
    gv_msg_t *r = kit_expect(node, s_events_msg(cid, 0, 0, 11, role), 200);
    const msgpack_object *evs = kit_data(r, "events");
    uint32_t most = 0, contest_events = 0;
    for (uint32_t i = 0; i < evs->via.array.size; i++) {
        const msgpack_object *ev = &evs->via.array.ptr[i];
        if (!gv_obj_str_eq(gv_obj_get(ev, "type"), "contest")) continue;
        contest_events++;
        uint32_t n = s_problems_in(gv_obj_get(ev, "data"));
        if (n > most) most = n;
    }
    CHECK(contest_events > 0);
    gv_msg_destroy(&r);
    return most;
}

static void test_contest_hides_its_problems_until_the_start(void)
{
    char *dir = kit_tmpdir();
    node_t *node = s_node(dir);
    /* far enough ahead for the checks below on a loaded machine; checked before the start */
    uint64_t start = s_now() + 2000;
    s_create(node, 1, start, 3600, 0);
    /* the problems actor is told, durably, which problems and when the embargo ends */
    gv_msg_t *uses = kit_nth_send(node, "problems.contest_uses", 0);
    CHECK(uses && !strcmp(gv_msg_to(uses), "problems") && gv_msg_has(uses, "dseq"));
    CHECK(gv_msg_uint(uses, "contest_id", 0) == 1 && gv_msg_uint(uses, "start_ms", 0) == start);
    const msgpack_object *ids = gv_msg_field(uses, "problem_ids");
    CHECK(ids->via.array.size == 3 && ids->via.array.ptr[2].via.u64 == 103);
    uint64_t v1 = gv_msg_uint(uses, "version_ms", 0), s1 = gv_msg_uint(uses, "version_seq", 0);
    gv_msg_destroy(&uses);
    CHECK(kit_db_entries(node, "outq") == 1);
    /* the first tick tells the problems actor of every definition once (data from before) */
    node_force_ticks(node);
    s_batch(node, NULL, 0);
    CHECK(kit_count_sends(node, "problems.contest_uses") == 1);
    node_force_ticks(node);
    s_batch(node, NULL, 0);
    CHECK(kit_count_sends(node, "problems.contest_uses") == 0);

    CHECK(s_get_problems(node, 1, "contestant") == 0);
    CHECK(s_get_problems(node, 1, "anonymous") == 0);
    CHECK(s_get_problems(node, 1, "jury") == 3 && s_get_problems(node, 1, "admin") == 3);
    CHECK(s_logged_problems(node, 1, "contestant") == 0);
    CHECK(s_logged_problems(node, 1, "anonymous") == 0);
    CHECK(s_logged_problems(node, 1, "jury") == 3);
    /* no membership oracle before the start: the same answer for a problem in it or not */
    s_register(node, 1, 11, "alice");
    kit_expect_error(node, s_admit_msg(1, 11, 101, "contestant"), 403, "contest_not_running", NULL);
    kit_expect_error(node, s_admit_msg(1, 11, 999, "contestant"), 403, "contest_not_running", NULL);
    kit_expect_error(node, s_ask_msg(1, 11, 11, 101, "is A hard?"), 400, "invalid_field",
                     "before the contest starts");
    kit_expect_error(node, s_ask_msg(1, 11, 11, 999, "is A hard?"), 400, "invalid_field",
                     "before the contest starts");
    kit_expect_ok(node, s_ask_msg(1, 11, 11, 0, "when do we start?"), 201);

    /* a redefinition tells the problems actor again, with a newer version */
    def_t d = {1, false, NULL, start, 3600, 0, "icpc", s_abc, 2, "admin"};
    kit_expect_ok(node, s_define_msg(&d), 200);
    uses = kit_nth_send(node, "problems.contest_uses", 0);
    CHECK(uses && gv_msg_field(uses, "problem_ids")->via.array.size == 2);
    uint64_t v2 = gv_msg_uint(uses, "version_ms", 0), s2 = gv_msg_uint(uses, "version_seq", 0);
    CHECK(v2 > v1 || (v2 == v1 && s2 > s1));
    gv_msg_destroy(&uses);
    CHECK(s_now() < start); /* everything above ran before the start */

    /* at the start everyone gets them, in the start's event too */
    while (s_now() <= start)
        usleep(20 * 1000);
    node_force_ticks(node);
    s_batch(node, NULL, 0);
    CHECK(s_get_problems(node, 1, "contestant") == 2 && s_get_problems(node, 1, "anonymous") == 2);
    CHECK(s_logged_problems(node, 1, "anonymous") == 2);
    kit_expect_error(node, s_admit_msg(1, 11, 103, "contestant"), 403, "problem_not_in_contest",
                     NULL);
    kit_expect_ok(node, s_admit_msg(1, 11, 101, "contestant"), 200);
    node_destroy(&node);
    kit_rmrf(&dir);
}

/* ---- issue 10 point 8: what others see does not depend on a frozen verdict ------------------ */

/* contest.events from `since` (and `since_own` unless it is UINT64_MAX) for a caller. */
static gv_msg_t *s_events_own_msg(uint64_t cid, uint64_t since, uint64_t since_own, uint64_t limit,
                                  uint64_t caller, const char *role)
{
    bool own = since_own != UINT64_MAX;
    gv_writer_t *w = kit_begin("contest.events", s_addr(cid), 4 + (own ? 1 : 0));
    gv_pk_kv_uint(gv_writer_pk(w), "since", since);
    if (own) gv_pk_kv_uint(gv_writer_pk(w), "since_own", since_own);
    gv_pk_kv_uint(gv_writer_pk(w), "limit", limit);
    kit_caller(gv_writer_pk(w), caller, role);
    return kit_end(w);
}

/* What a caller sees of the log, as "id/own_id:type,..." (own_id 0: not an own event). */
static void s_seen(node_t *node, uint64_t cid, uint64_t caller, const char *role, char *out,
                   size_t n)
{
    gv_msg_t *r = kit_expect(node, s_events_own_msg(cid, 0, 0, 0, caller, role), 200);
    const msgpack_object *evs = kit_data(r, "events");
    out[0] = '\0';
    for (uint32_t i = 0; i < evs->via.array.size; i++) {
        const msgpack_object *e = &evs->via.array.ptr[i];
        char type[32];
        kit_str(gv_obj_get(e, "type"), type, sizeof type);
        size_t l = strlen(out);
        snprintf(out + l, n - l, "%s%" PRIu64 "/%" PRIu64 ":%s", i ? "," : "", s_u(e, "id"),
                 gv_obj_get(e, "own_id") ? s_u(e, "own_id") : 0, type);
    }
    gv_msg_destroy(&r);
}

/* One contest built the same way each time: X (11) and Y (12) register, Y's WA, X's frozen
 * submission judged with `verdict` after `tests` running tests, an announcement. */
static void s_frozen_run(node_t *node, uint64_t cid, uint64_t start, const char *verdict,
                         uint32_t tests)
{
    s_create(node, cid, start, 3600, 1200);
    s_register(node, cid, 11, "xavier");
    s_register(node, cid, 12, "yvonne");
    s_judged(node, cid, cid * 100 + 1, 12, 101, start + 42 * MIN_MS, "WA");
    uint64_t sid = cid * 100 + 2, at = start + 45 * MIN_MS;
    s_status(node, cid, sid, 11, 101, at, 1, "queued", NULL);
    s_status(node, cid, sid, 11, 101, at, 1, "compiling", NULL);
    for (uint32_t t = 1; t <= tests; t++) {
        sub_t s = {cid, sid, 11, 101, at, 1, t, 0, "running", NULL, NULL, 0};
        s_notify(node, s_sub_msg(&s));
    }
    s_status(node, cid, sid, 11, 101, at, 1, "done", verdict);
    kit_expect_ok(node, s_announce_msg(cid, "marker", NULL, 0), 201);
}

static void test_frozen_verdicts_leave_public_numbering_alone(void)
{
    char *dir = kit_tmpdir();
    node_t *node = s_node(dir);
    uint64_t start = s_now() - 50 * MIN_MS; /* minute 50 of 60, the last 20 frozen */
    s_frozen_run(node, 1, start, "AC", 10);
    s_frozen_run(node, 2, start, "WA", 1);
    static char ac[4096], wa[4096];
    /* the jury sees everything, so the AC's log is longer */
    gv_msg_t *r1 = kit_expect(node, s_events_msg(1, 0, 0, 1, "admin"), 200);
    gv_msg_t *r2 = kit_expect(node, s_events_msg(2, 0, 0, 1, "admin"), 200);
    CHECK(kit_data(r1, "events")->via.array.size == kit_data(r2, "events")->via.array.size + 9);
    gv_msg_destroy(&r1);
    gv_msg_destroy(&r2);
    /* anonymous, the other contestant Y, and X: the same ids, own ids and types either way */
    const struct {
        uint64_t caller;
        const char *role;
    } viewers[] = {{0, "anonymous"}, {12, "contestant"}, {11, "contestant"}};
    for (size_t v = 0; v < 3; v++) {
        s_seen(node, 1, viewers[v].caller, viewers[v].role, ac, sizeof ac);
        s_seen(node, 2, viewers[v].caller, viewers[v].role, wa, sizeof wa);
        if (v < 2 && strcmp(ac, wa) != 0) fprintf(stderr, "AC: %s\nWA: %s\n", ac, wa);
        if (v < 2) CHECK(strcmp(ac, wa) == 0);
        CHECK(strstr(ac, ":announcement") != NULL);
    }
    /* Y: its own submission events carry own ids 1..4 and take no public id */
    s_seen(node, 1, 12, "contestant", ac, sizeof ac);
    CHECK(strstr(ac, "/1:submission") && strstr(ac, "/2:submission") &&
          !strstr(ac, "/3:submission"));
    /* X sees its own progress (queued, compiling, 10 tests, done) as own events */
    s_seen(node, 1, 11, "contestant", ac, sizeof ac);
    CHECK(strstr(ac, "/13:submission") && !strstr(ac, "/14:submission"));
    /* published envelopes: the frozen verdict made no public id (only a jury event) */
    s_status(node, 2, 203, 11, 102, start + 46 * MIN_MS, 1, "queued", NULL);
    CHECK(s_pub_count(node, 2, "scoreboard", "public") == 1);
    s_status(node, 2, 203, 11, 102, start + 46 * MIN_MS, 1, "done", "AC");
    CHECK(s_pub_count(node, 2, "scoreboard", "public") == 0 &&
          s_pub_count(node, 2, "scoreboard", "jury") == 1);

    /* paging by one event at a time on both sequences gives the whole stream, exactly */
    s_seen(node, 1, 12, "contestant", wa, sizeof wa);
    uint64_t since = 0, since_own = 0;
    char paged[4096] = "";
    for (int guard = 0; guard < 200; guard++) {
        gv_msg_t *r =
            kit_expect(node, s_events_own_msg(1, since, since_own, 1, 12, "contestant"), 200);
        const msgpack_object *evs = kit_data(r, "events");
        if (evs->via.array.size == 1) {
            const msgpack_object *e = &evs->via.array.ptr[0];
            char type[32];
            kit_str(gv_obj_get(e, "type"), type, sizeof type);
            size_t l = strlen(paged);
            snprintf(paged + l, sizeof paged - l, "%s%" PRIu64 "/%" PRIu64 ":%s", l ? "," : "",
                     s_u(e, "id"), gv_obj_get(e, "own_id") ? s_u(e, "own_id") : 0, type);
        }
        bool more = s_bool(kit_data(r, "more"));
        since = kit_uint(kit_data(r, "last_id"));
        since_own = kit_uint(kit_data(r, "last_own"));
        gv_msg_destroy(&r);
        if (!more) break;
    }
    CHECK(strcmp(paged, wa) == 0);
    /* without since_own, the own events after public event `since` come again (none skipped) */
    gv_msg_t *r =
        kit_expect(node, s_events_own_msg(1, since, UINT64_MAX, 0, 12, "contestant"), 200);
    CHECK(kit_data(r, "events")->via.array.size == 0 && !s_bool(kit_data(r, "more")));
    gv_msg_destroy(&r);
    node_destroy(&node);
    kit_rmrf(&dir);
}

/* A log from before the public numbering (no contest.seqs, no counters) is numbered at start. */
static void test_old_event_logs_get_public_ids_at_start(void)
{
    char *dir = kit_tmpdir();
    node_t *node = s_node(dir);
    s_frozen_run(node, 1, s_now() - 50 * MIN_MS, "AC", 3);
    static char anon[4096], y[4096], again[4096];
    s_seen(node, 1, 0, "anonymous", anon, sizeof anon);
    s_seen(node, 1, 12, "contestant", y, sizeof y);
    /* forget the numbering, as a node of the previous version never had it */
    MDB_txn *txn;
    MDB_dbi seqs, meta;
    CHECK(mdb_txn_begin(store_env(node_store(node)), NULL, 0, &txn) == 0);
    CHECK(mdb_dbi_open(txn, "contest.seqs", 0, &seqs) == 0 && mdb_drop(txn, seqs, 0) == 0);
    CHECK(mdb_dbi_open(txn, "meta", 0, &meta) == 0);
    MDB_cursor *cur;
    CHECK(mdb_cursor_open(txn, meta, &cur) == 0);
    MDB_val k, v;
    size_t dropped = 0;
    for (int rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;
         rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
        char name[96];
        snprintf(name, sizeof name, "%.*s", (int)k.mv_size, (const char *)k.mv_data);
        if (strstr(name, ".pevents") || strstr(name, ".uevents/")) {
            CHECK(mdb_cursor_del(cur, 0) == 0);
            dropped++;
        }
    }
    mdb_cursor_close(cur);
    CHECK(mdb_txn_commit(txn) == 0 && dropped == 3); /* public, X's own, Y's own */
    CHECK(kit_db_entries(node, "contest.seqs") == 0);
    node_destroy(&node);
    node = s_node(dir);
    CHECK(kit_db_entries(node, "contest.seqs") > 0);
    s_seen(node, 1, 0, "anonymous", again, sizeof again);
    CHECK(strcmp(again, anon) == 0);
    s_seen(node, 1, 12, "contestant", again, sizeof again);
    CHECK(strcmp(again, y) == 0);
    node_destroy(&node);
    kit_rmrf(&dir);
}

int main(void)
{
    kit_init();
    RUN(test_directory_ids_and_listing);
    RUN(test_define_create_update_and_validation);
    RUN(test_get_register_and_users);
    RUN(test_admit_rules_and_rate_limit);
    RUN(test_icpc_board_ranks_ties_and_first_to_solve);
    RUN(test_ioi_best_subtasks_across_submissions);
    RUN(test_cf_award_decays);
    RUN(test_sub_ordering_repeats_and_rejudge);
    RUN(test_freeze_event_log_and_thaw);
    RUN(test_freeze_public_cutoff_hides_ce_too);
    RUN(test_clarifications_and_announcements);
    RUN(test_durable_contest_notifications);
    RUN(test_redefinition_keeps_results_with_their_problems);
    RUN(test_event_pages_fit_in_a_message);
    RUN(test_state_changes_become_contest_events);
    RUN(test_contest_hides_its_problems_until_the_start);
    RUN(test_scoreboard_pages_join_into_the_board);
    RUN(test_frozen_verdicts_leave_public_numbering_alone);
    RUN(test_old_event_logs_get_public_ids_at_start);
    fprintf(stderr, "all contest actor tests passed\n");
    return 0;
}
