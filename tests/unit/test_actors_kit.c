/*  test_actors_kit — helpers shared by the actor unit tests, #included by each of them (one
 *  translation unit per test program; every helper is static).
 *
 *  Tests drive the real runtime: a node over a real LMDB environment in a fresh temporary
 *  directory, messages built with the real codec, and node_handle_batch() — no sockets. What a
 *  handler sends is read back from the node's outbox and decoded.
 */
#include "actor.h"
#include "gv_log.h"
#include "gv_msg.h"
#include "node.h"
#include "outbox.h"
#include "store.h"

#include <ctype.h>
#include <ftw.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define KIT static __attribute__((unused))

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);               \
            exit(1);                                                                               \
        }                                                                                          \
    } while (0)

#define RUN(test)                                                                                  \
    do {                                                                                           \
        fprintf(stderr, "--- %s\n", #test);                                                        \
        test();                                                                                    \
    } while (0)

static uint64_t s_kit_corr = 1000;

/* ---- temporary data directories -------------------------------------------------------------- */

static int s_kit_rm(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb, (void)flag, (void)ftw;
    return remove(path);
}

KIT char *kit_tmpdir(void)
{
    char *tmpl = strdup("/tmp/gavel-actors-test-XXXXXX");
    CHECK(tmpl && mkdtemp(tmpl));
    return tmpl;
}

KIT void kit_rmrf(char **dir_p)
{
    if (!*dir_p) return;
    nftw(*dir_p, s_kit_rm, 16, FTW_DEPTH | FTW_PHYS);
    free(*dir_p);
    *dir_p = NULL;
}

/* A node named "actors-1" in dir hosting `actors` (space-separated). map: bytes, 0 = 64 MiB. */
KIT node_t *kit_node(const char *dir, const char *actors, uint64_t map)
{
    char buf[256];
    const char *list[8];
    size_t n = 0;
    snprintf(buf, sizeof buf, "%s", actors);
    for (char *save = NULL, *t = strtok_r(buf, " ", &save); t && n < 8;
         t = strtok_r(NULL, " ", &save))
        list[n++] = t;
    node_opts_t opts = {.data_dir = dir,
                        .name = "actors-1",
                        .actors = list,
                        .n_actors = n,
                        .map_size = map ? map : 64u << 20};
    return node_new(&opts);
}

/* ---- building requests ----------------------------------------------------------------------- */

/* Starts a message of `type` to `to` with `nfields` body fields, from an edge worker. */
KIT gv_writer_t *kit_begin(const char *type, const char *to, uint32_t nfields)
{
    gv_writer_t *w = gv_writer_new(type, ++s_kit_corr, "edge-1.w0", to, 0, nfields);
    CHECK(w);
    return w;
}

KIT gv_writer_t *kit_begin_deadline(const char *type, const char *to, uint32_t nfields,
                                    uint64_t deadline)
{
    gv_writer_t *w = gv_writer_new(type, ++s_kit_corr, "edge-1.w0", to, deadline, nfields);
    CHECK(w);
    return w;
}

/* Finishes and decodes (through the strict decoder, as the node's link would). */
KIT gv_msg_t *kit_end(gv_writer_t *w)
{
    gv_buf_t buf;
    CHECK(gv_writer_finish(&w, &buf) == 0);
    gv_msg_t *m = NULL;
    char err[256];
    int rc = gv_msg_decode(buf.data, buf.size, &m, NULL, NULL, 0, err, sizeof err);
    if (rc != 0) fprintf(stderr, "decode failed: %s\n", err);
    CHECK(rc == 0);
    gv_buf_free(&buf);
    return m;
}

KIT void kit_caller(msgpack_packer *pk, uint64_t id, const char *role)
{
    gv_pk_kv_uint(pk, "caller_id", id);
    gv_pk_kv_str(pk, "caller_role", role);
}

/* ---- running and reading the outbox ---------------------------------------------------------- */

KIT gv_msg_t *kit_decode_item(const outbox_item_t *it)
{
    gv_msg_t *m = NULL;
    char err[256];
    CHECK(gv_msg_decode(it->buf.data, it->buf.size, &m, NULL, NULL, 0, err, sizeof err) == 0);
    return m;
}

/* The reply to corr among the outbox's sends, decoded (caller destroys), or NULL. */
KIT gv_msg_t *kit_find_reply(node_t *node, uint64_t corr)
{
    outbox_t *out = node_outbox(node);
    for (size_t i = 0; i < outbox_size(out); i++) {
        const outbox_item_t *it = outbox_item(out, i);
        if (it->kind != OUTBOX_SEND) continue;
        gv_msg_t *m = kit_decode_item(it);
        if (!strcmp(gv_msg_type(m), "reply") && gv_msg_corr(m) == corr) return m;
        gv_msg_destroy(&m);
    }
    return NULL;
}

/* Number of replies to corr in the outbox. */
KIT size_t kit_count_replies(node_t *node, uint64_t corr)
{
    outbox_t *out = node_outbox(node);
    size_t n = 0;
    for (size_t i = 0; i < outbox_size(out); i++) {
        const outbox_item_t *it = outbox_item(out, i);
        if (it->kind != OUTBOX_SEND) continue;
        gv_msg_t *m = kit_decode_item(it);
        n += !strcmp(gv_msg_type(m), "reply") && gv_msg_corr(m) == corr;
        gv_msg_destroy(&m);
    }
    return n;
}

/* Runs one message as its own batch; returns its reply (or NULL) and destroys msg. The outbox
 * is cleared before the batch, so afterwards it holds exactly what this message produced. */
KIT gv_msg_t *kit_call(node_t *node, gv_msg_t *msg)
{
    outbox_clear(node_outbox(node));
    uint64_t corr = gv_msg_corr(msg);
    node_handle_batch(node, &msg, 1);
    gv_msg_t *reply = kit_find_reply(node, corr);
    CHECK(kit_count_replies(node, corr) == (reply ? 1u : 0u)); /* exactly one reply */
    gv_msg_destroy(&msg);
    return reply;
}

/* Like kit_call but expects a reply with `status`, which it returns. */
KIT gv_msg_t *kit_expect(node_t *node, gv_msg_t *msg, unsigned status)
{
    gv_msg_t *r = kit_call(node, msg);
    CHECK(r);
    if (gv_reply_status(r) != status) {
        fprintf(stderr, "expected status %u, got %u (%s: %s)\n", status, gv_reply_status(r),
                gv_msg_str(r, "code") ? gv_msg_str(r, "code") : "-",
                gv_msg_str(r, "message") ? gv_msg_str(r, "message") : "-");
    }
    CHECK(gv_reply_status(r) == status);
    return r;
}

/* Expects a reply with status and drops it. */
KIT void kit_expect_ok(node_t *node, gv_msg_t *msg, unsigned status)
{
    gv_msg_t *r = kit_expect(node, msg, status);
    gv_msg_destroy(&r);
}

/* Expects an error reply with status and code (and message_part in its message); frees it. */
KIT void kit_expect_error(node_t *node, gv_msg_t *msg, unsigned status, const char *code,
                          const char *message_part)
{
    gv_msg_t *r = kit_expect(node, msg, status);
    CHECK(gv_obj_str_eq(gv_msg_field(r, "code"), code));
    if (message_part) {
        const char *m = gv_msg_str(r, "message");
        if (!m || !strstr(m, message_part))
            fprintf(stderr, "message `%s` lacks `%s`\n", m ? m : "", message_part);
        CHECK(m && strstr(m, message_part));
    }
    gv_msg_destroy(&r);
}

/* Number of outbox sends of `type` (and to `to` when not NULL). */
KIT size_t kit_count_sends(node_t *node, const char *type)
{
    outbox_t *out = node_outbox(node);
    size_t n = 0;
    for (size_t i = 0; i < outbox_size(out); i++) {
        const outbox_item_t *it = outbox_item(out, i);
        if (it->kind != OUTBOX_SEND) continue;
        gv_msg_t *m = kit_decode_item(it);
        n += !strcmp(gv_msg_type(m), type);
        gv_msg_destroy(&m);
    }
    return n;
}

/* The i-th outbox send of `type`, decoded (caller destroys), or NULL. */
KIT gv_msg_t *kit_nth_send(node_t *node, const char *type, size_t nth)
{
    outbox_t *out = node_outbox(node);
    for (size_t i = 0; i < outbox_size(out); i++) {
        const outbox_item_t *it = outbox_item(out, i);
        if (it->kind != OUTBOX_SEND) continue;
        gv_msg_t *m = kit_decode_item(it);
        if (!strcmp(gv_msg_type(m), type) && nth-- == 0) return m;
        gv_msg_destroy(&m);
    }
    return NULL;
}

/* Number of events published on `topic`. */
KIT size_t kit_count_events(node_t *node, const char *topic)
{
    outbox_t *out = node_outbox(node);
    size_t n = 0;
    for (size_t i = 0; i < outbox_size(out); i++) {
        const outbox_item_t *it = outbox_item(out, i);
        n += it->kind == OUTBOX_PUBLISH && !strcmp(it->topic, topic);
    }
    return n;
}

/* The last event on topic, decoded (caller destroys), or NULL. */
KIT gv_msg_t *kit_last_event(node_t *node, const char *topic)
{
    outbox_t *out = node_outbox(node);
    for (size_t i = outbox_size(out); i-- > 0;) {
        const outbox_item_t *it = outbox_item(out, i);
        if (it->kind == OUTBOX_PUBLISH && !strcmp(it->topic, topic)) return kit_decode_item(it);
    }
    return NULL;
}

/* ---- reading reply data ---------------------------------------------------------------------- */

KIT const msgpack_object *kit_data(const gv_msg_t *reply, const char *key)
{
    const msgpack_object *d = gv_reply_data(reply);
    CHECK(d);
    return key ? gv_obj_get(d, key) : d;
}

KIT bool kit_str_is(const msgpack_object *o, const char *s)
{
    return gv_obj_str_eq(o, s);
}

/* Copies a str/bin object into buf (NUL-terminated, truncated). */
KIT const char *kit_str(const msgpack_object *o, char *buf, size_t cap)
{
    buf[0] = '\0';
    if (o && o->type == MSGPACK_OBJECT_STR)
        snprintf(buf, cap, "%.*s", (int)o->via.str.size, o->via.str.ptr);
    else if (o && o->type == MSGPACK_OBJECT_BIN)
        snprintf(buf, cap, "%.*s", (int)o->via.bin.size, o->via.bin.ptr);
    return buf;
}

KIT uint64_t kit_uint(const msgpack_object *o)
{
    CHECK(o && o->type == MSGPACK_OBJECT_POSITIVE_INTEGER);
    return o->via.u64;
}

/* Number of entries in the named database (read transaction of its own). */
KIT size_t kit_db_entries(node_t *node, const char *db)
{
    MDB_txn *txn;
    MDB_dbi dbi;
    MDB_stat st;
    CHECK(mdb_txn_begin(store_env(node_store(node)), NULL, MDB_RDONLY, &txn) == 0);
    CHECK(mdb_dbi_open(txn, db, 0, &dbi) == 0);
    CHECK(mdb_stat(txn, dbi, &st) == 0);
    mdb_txn_abort(txn);
    return st.ms_entries;
}

KIT void kit_init(void)
{
    setenv("GAVEL_LOG", "warn", 0); /* GAVEL_LOG=debug to see every handler's log lines */
    gv_log_init("test");
    setenv("GAVEL_ADMIN_PASSWORD", "test-admin-password", 0);
}
