/*  edge_live, the parts without sockets: visibility, topics, client messages, frames, the
 *  bounded queue and the replay/live merge (see live.h). Nothing here locks: the callers in
 *  live.c hold the client's lock around every queue and subscription call.
 */
#include "live.h"

#include "auth.h"
#include "gv_msg.h"
#include "json_mp.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define QUEUE_MIN_CAP 16

unsigned live_max_clients(unsigned threads)
{
    unsigned reserve = threads / 4;
    if (reserve < 1) reserve = 1;
    if (reserve > LIVE_RESERVE_MAX) reserve = LIVE_RESERVE_MAX;
    return threads > reserve ? threads - reserve : 1;
}

/* ---- visibility ----------------------------------------------------------------------- */

live_vis_t live_vis_parse(const char *s, size_t n)
{
    if (!s) return LIVE_VIS_ALL;
#define VIS_IS(w) (n == sizeof(w) - 1 && memcmp(s, w, n) == 0)
    if (VIS_IS("all")) return LIVE_VIS_ALL;
    if (VIS_IS("public")) return LIVE_VIS_PUBLIC;
    if (VIS_IS("jury")) return LIVE_VIS_JURY;
    if (VIS_IS("user")) return LIVE_VIS_USER;
#undef VIS_IS
    return LIVE_VIS_OTHER;
}

bool live_visible(live_vis_t vis, uint64_t event_user_id, const live_viewer_t *v)
{
    switch (vis) {
    case LIVE_VIS_ALL:
        return true;
    case LIVE_VIS_PUBLIC:
        return !v->staff;
    case LIVE_VIS_JURY:
        return v->staff;
    case LIVE_VIS_USER:
        return v->staff || (v->signed_in && v->user_id != 0 && v->user_id == event_user_id);
    default:
        return v->staff; /* a word newer than this edge: only staff, to be safe */
    }
}

/* ---- topics --------------------------------------------------------------------------- */

static int s_parse_id(const char *s, size_t n, uint64_t *out)
{
    if (n == 0 || n > 20 || s[0] == '0') return -1;
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') return -1;
        unsigned d = (unsigned)(s[i] - '0');
        if (v > (UINT64_MAX - d) / 10) return -1;
        v = v * 10 + d;
    }
    *out = v;
    return 0;
}

int live_topic_parse(const char *s, size_t n, live_topic_t *out)
{
    static const char contest[] = "contest/", submission[] = "submission/";
    if (!s) return -1;
    if (n > sizeof contest - 1 && memcmp(s, contest, sizeof contest - 1) == 0) {
        out->kind = LIVE_TOPIC_CONTEST;
        return s_parse_id(s + sizeof contest - 1, n - (sizeof contest - 1), &out->id);
    }
    if (n > sizeof submission - 1 && memcmp(s, submission, sizeof submission - 1) == 0) {
        out->kind = LIVE_TOPIC_SUBMISSION;
        return s_parse_id(s + sizeof submission - 1, n - (sizeof submission - 1), &out->id);
    }
    return -1;
}

const char *live_topic_text(const live_topic_t *t, char buf[LIVE_TOPIC_MAX])
{
    snprintf(buf, LIVE_TOPIC_MAX, "%s/%llu",
             t->kind == LIVE_TOPIC_CONTEST ? "contest" : "submission", (unsigned long long)t->id);
    return buf;
}

/* ---- client messages ------------------------------------------------------------------ */

/* jansson's parser recurses once per nesting level and civetweb's worker stack is 100 KiB,
 * so nesting is counted before parsing. */
/* A non-negative JSON integer, or a string of decimal digits (ids are strings in the API). */
static int s_json_u64(const json_t *j, uint64_t *out)
{
    if (json_is_integer(j)) {
        json_int_t v = json_integer_value(j);
        if (v < 0) return -1;
        *out = (uint64_t)v;
        return 0;
    }
    if (json_is_string(j)) {
        const char *s = json_string_value(j);
        size_t n = json_string_length(j);
        if (n == 1 && s[0] == '0') {
            *out = 0;
            return 0;
        }
        return s_parse_id(s, n, out);
    }
    return -1;
}

int live_cmd_parse(const char *data, size_t len, live_cmd_t *out, edge_err_t *err)
{
    memset(out, 0, sizeof *out);
    if (len > LIVE_MAX_INBOUND)
        return edge_err_set(err, 413, "too_large", "a message may have at most %d bytes",
                            LIVE_MAX_INBOUND);
    if (!edge_json_text_depth_ok(data, len, LIVE_JSON_MAX_DEPTH))
        return edge_err_set(err, 400, "bad_json",
                            "the message nests too deeply; send {\"subscribe\":\"contest/<id>\"}");
    json_error_t jerr;
    json_t *j = json_loadb(data, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!j)
        return edge_err_set(err, 400, "bad_json",
                            "the message is not valid JSON: %s; send "
                            "{\"subscribe\":\"contest/<id>\"}",
                            jerr.text);
    int rc = -1;
    if (!json_is_object(j)) {
        edge_err_set(err, 400, "bad_json", "the message must be a JSON object");
        goto done;
    }
    json_t *sub = json_object_get(j, "subscribe"), *unsub = json_object_get(j, "unsubscribe");
    if ((sub != NULL) == (unsub != NULL)) {
        edge_err_set(err, 400, "invalid_field",
                     "a message has exactly one of `subscribe` or `unsubscribe`");
        goto done;
    }
    json_t *topic = sub ? sub : unsub;
    const char *field = sub ? "subscribe" : "unsubscribe";
    out->kind = sub ? LIVE_CMD_SUBSCRIBE : LIVE_CMD_UNSUBSCRIBE;
    if (!json_is_string(topic) ||
        live_topic_parse(json_string_value(topic), json_string_length(topic), &out->topic) != 0) {
        edge_err_set(err, 400, "invalid_field",
                     "field `%s` must be \"contest/<id>\" or \"submission/<id>\"", field);
        goto done;
    }
    json_t *since = json_object_get(j, "since");
    if (since && !json_is_null(since)) {
        if (s_json_u64(since, &out->since) != 0) {
            edge_err_set(err, 400, "invalid_field",
                         "field `since` must be an event id (a non-negative integer)");
            goto done;
        }
        out->has_since = true;
    }
    json_t *since_own = json_object_get(j, "since_own");
    if (since_own && !json_is_null(since_own)) {
        if (s_json_u64(since_own, &out->since_own) != 0) {
            edge_err_set(err, 400, "invalid_field",
                         "field `since_own` must be an own_id (a non-negative integer)");
            goto done;
        }
        out->has_since_own = true;
    }
    json_t *token = json_object_get(j, "token");
    if (token && !json_is_null(token)) {
        size_t n = json_is_string(token) ? json_string_length(token) : 0;
        if (n == 0 || n > EDGE_TOKEN_MAX) {
            edge_err_set(err, 400, "invalid_field",
                         "field `token` must be the session token from POST /api/v1/auth/login");
            goto done;
        }
        out->token = strndup(json_string_value(token), n);
        if (!out->token) {
            edge_err_set(err, 503, "unavailable", "the edge is out of memory; retry later");
            goto done;
        }
    }
    rc = 0;
done:
    json_decref(j);
    if (rc != 0) live_cmd_clear(out);
    return rc;
}

void live_cmd_clear(live_cmd_t *cmd)
{
    free(cmd->token);
    cmd->token = NULL;
}

/* ---- frames --------------------------------------------------------------------------- */

live_frame_t *live_frame_new(uint64_t id, const char *data, size_t len)
{
    live_frame_t *f = malloc(sizeof *f + len + 1);
    if (!f) return NULL;
    atomic_init(&f->refs, 1);
    f->id = id;
    f->own = 0;
    f->len = len;
    if (len) memcpy(f->data, data, len);
    f->data[len] = '\0';
    return f;
}

live_frame_t *live_frame_ref(live_frame_t *f)
{
    atomic_fetch_add_explicit(&f->refs, 1, memory_order_relaxed);
    return f;
}

void live_frame_unref(live_frame_t **f_p)
{
    if (!f_p || !*f_p) return;
    if (atomic_fetch_sub_explicit(&(*f_p)->refs, 1, memory_order_acq_rel) == 1) free(*f_p);
    *f_p = NULL;
}

live_frame_t *live_frame_event(edge_buf_t *b, uint64_t id, const char *topic, const char *type,
                               size_t type_len, const msgpack_object *data, const char *skip_key)
{
    return live_frame_event_own(b, id, 0, topic, type, type_len, data, skip_key);
}

live_frame_t *live_frame_event_own(edge_buf_t *b, uint64_t id, uint64_t own, const char *topic,
                                   const char *type, size_t type_len, const msgpack_object *data,
                                   const char *skip_key)
{
    edge_buf_reset(b, LIVE_QUEUE_MAX_BYTES);
    edge_buf_adds(b, "{\"id\":");
    edge_buf_add_u64(b, id);
    if (own) {
        edge_buf_adds(b, ",\"own_id\":");
        edge_buf_add_u64(b, own);
    }
    edge_buf_adds(b, ",\"topic\":");
    edge_json_cstr(b, topic);
    edge_buf_adds(b, ",\"type\":");
    edge_json_str(b, type ? type : "", type ? type_len : 0);
    edge_buf_adds(b, ",\"data\":");
    if (!data) {
        edge_buf_adds(b, "null");
    } else if (skip_key && data->type == MSGPACK_OBJECT_MAP) {
        edge_buf_addc(b, '{');
        bool first = true;
        for (uint32_t i = 0; i < data->via.map.size; i++) {
            const msgpack_object_kv *kv = &data->via.map.ptr[i];
            if (kv->key.type != MSGPACK_OBJECT_STR || gv_obj_str_eq(&kv->key, skip_key)) continue;
            if (!first) edge_buf_addc(b, ',');
            first = false;
            edge_json_str(b, kv->key.via.str.ptr, kv->key.via.str.size);
            edge_buf_addc(b, ':');
            edge_mp_to_json(b, &kv->val);
        }
        edge_buf_addc(b, '}');
    } else {
        edge_mp_to_json(b, data);
    }
    edge_buf_addc(b, '}');
    if (edge_buf_failed(b)) return NULL;
    live_frame_t *f = live_frame_new(id, edge_buf_body(b), edge_buf_body_len(b));
    if (f) f->own = own;
    return f;
}

/* ---- the bounded queue ---------------------------------------------------------------- */

void live_queue_init(live_queue_t *q, size_t max_frames, size_t max_bytes)
{
    memset(q, 0, sizeof *q);
    q->max_frames = max_frames;
    q->max_bytes = max_bytes;
}

bool live_queue_fits(const live_queue_t *q, size_t len)
{
    if (q->n == 0) return true; /* one frame always fits, however large: the bus bounds it */
    return q->n < q->max_frames && q->bytes <= q->max_bytes && len <= q->max_bytes - q->bytes;
}

int live_queue_push(live_queue_t *q, live_frame_t *f)
{
    if (!live_queue_fits(q, f->len)) return -1;
    if (q->n == q->cap) {
        size_t cap = q->cap ? q->cap * 2 : QUEUE_MIN_CAP;
        if (cap > q->max_frames) cap = q->max_frames;
        if (cap <= q->n) cap = q->n + 1;
        live_frame_t **items = malloc(cap * sizeof *items);
        if (!items) return -1;
        for (size_t i = 0; i < q->n; i++)
            items[i] = q->items[(q->head + i) % q->cap];
        free(q->items);
        q->items = items;
        q->cap = cap;
        q->head = 0;
    }
    q->items[(q->head + q->n) % q->cap] = live_frame_ref(f);
    q->n++;
    q->bytes += f->len;
    return 0;
}

live_frame_t *live_queue_pop(live_queue_t *q)
{
    if (q->n == 0) return NULL;
    live_frame_t *f = q->items[q->head];
    q->head = (q->head + 1) % q->cap;
    q->n--;
    q->bytes -= f->len;
    if (q->n == 0) q->head = 0;
    return f;
}

void live_queue_clear(live_queue_t *q)
{
    live_frame_t *f;
    while ((f = live_queue_pop(q)))
        live_frame_unref(&f);
    free(q->items);
    q->items = NULL;
    q->cap = q->head = q->n = q->bytes = 0;
}

/* ---- replay / live merge -------------------------------------------------------------- */

void live_sub_init(live_sub_t *s, const live_topic_t *t, const live_viewer_t *v, uint64_t since,
                   bool replaying)
{
    memset(s, 0, sizeof *s);
    s->topic = *t;
    s->viewer = *v;
    s->last_id = since;
    s->replaying = replaying;
    live_queue_init(&s->pending, LIVE_QUEUE_MAX_FRAMES, LIVE_QUEUE_MAX_BYTES);
}

void live_sub_clear(live_sub_t *s)
{
    live_queue_clear(&s->pending);
}

/* Queues f on `out` unless its id is not new; ids of 0 always pass. */
static live_offer_t s_deliver(live_sub_t *s, live_frame_t *f, live_queue_t *out)
{
    if (f->own) { /* a contestant's own event: its own sequence, whatever the public id */
        if (f->own <= s->last_own) return LIVE_OFFER_DUP;
        if (live_queue_push(out, f) != 0) return LIVE_OFFER_OVERFLOW;
        s->last_own = f->own;
        return LIVE_OFFER_QUEUED;
    }
    if (f->id != 0 && f->id <= s->last_id) return LIVE_OFFER_DUP;
    if (live_queue_push(out, f) != 0) return LIVE_OFFER_OVERFLOW;
    if (f->id > s->last_id) s->last_id = f->id;
    return LIVE_OFFER_QUEUED;
}

live_offer_t live_sub_offer(live_sub_t *s, live_frame_t *f, live_queue_t *out)
{
    if (!s->replaying) return s_deliver(s, f, out);
    return live_queue_push(&s->pending, f) == 0 ? LIVE_OFFER_BUFFERED : LIVE_OFFER_OVERFLOW;
}

live_offer_t live_sub_replayed(live_sub_t *s, live_frame_t *f, live_queue_t *out)
{
    return s_deliver(s, f, out);
}

int live_sub_finish(live_sub_t *s, live_queue_t *out)
{
    int rc = 0;
    live_frame_t *f;
    while ((f = live_queue_pop(&s->pending))) {
        if (rc == 0 && s_deliver(s, f, out) == LIVE_OFFER_OVERFLOW) rc = -1;
        live_frame_unref(&f);
    }
    live_queue_clear(&s->pending);
    s->replaying = false;
    return rc;
}
