/*  edge_request — helpers shared by the route handlers (see request.h). */
#include "request.h"

#include "auth.h"
#include "gv_log.h"
#include "json_mp.h"

#include <civetweb.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define READ_CHUNK 16384

edge_buf_t *edge_req_out(edge_req_t *r)
{
    return &r->w->out;
}

static void s_error_v(edge_req_t *r, int status, const char *code, const char *fmt, va_list ap)
{
    char msg[EDGE_ERR_MSG_MAX];
    vsnprintf(msg, sizeof msg, fmt, ap);
    edge_buf_t *out = edge_req_out(r);
    edge_buf_reset(out, EDGE_BUF_KEEP);
    edge_error_body(out, status, code, msg);
    r->status = status;
    r->content_type = NULL;
}

void edge_req_error(edge_req_t *r, int status, const char *code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    s_error_v(r, status, code, fmt, ap);
    va_end(ap);
}

void edge_req_fail(edge_req_t *r, const edge_err_t *err)
{
    edge_req_error(r, err->status ? err->status : 400, err->code, "%s", err->message);
}

void edge_req_header(edge_req_t *r, const char *fmt, ...)
{
    char line[EDGE_EXTRA_HEADERS];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (n <= 0 || (size_t)n + 2 >= sizeof r->headers - r->headers_len) return;
    memcpy(r->headers + r->headers_len, line, (size_t)n);
    r->headers_len += (size_t)n;
    memcpy(r->headers + r->headers_len, "\r\n", 3);
    r->headers_len += 2;
}

static bool s_chunked(const edge_req_t *r)
{
    const char *te = mg_get_header(r->conn, "Transfer-Encoding");
    return te && strcasestr(te, "chunked") != NULL;
}

/* Reads the body into the worker's input buffer. 0 / -1 (response in place). */
static int s_read_body(edge_req_t *r)
{
    edge_buf_t *in = &r->w->in;
    edge_buf_reset(in, EDGE_BUF_KEEP);
    uint64_t max = r->edge->max_body_bytes;
    long long cl = r->ri->content_length;
    if (cl > 0 && (uint64_t)cl > max) {
        r->close = true; /* do not read (or make civetweb discard) a body we refuse */
        edge_req_error(r, 413, "too_large", "the request body is larger than %llu bytes",
                       (unsigned long long)max);
        return -1;
    }
    if (cl > 0) {
        if (edge_buf_reserve(in, (size_t)cl) != 0) {
            edge_req_error(r, 503, "unavailable", "the edge is out of memory; retry later");
            return -1;
        }
        size_t have = 0;
        while (have < (size_t)cl) {
            int n = mg_read(r->conn, in->data + in->len + have, (size_t)cl - have);
            if (n <= 0) break;
            have += (size_t)n;
        }
        in->len += have;
        if (have < (size_t)cl) {
            r->close = true;
            edge_req_error(r, 400, "bad_json", "the request body ended after %zu of %lld bytes",
                           have, cl);
            return -1;
        }
        return 0;
    }
    if (s_chunked(r)) {
        for (;;) {
            if (edge_buf_reserve(in, READ_CHUNK) != 0) {
                edge_req_error(r, 503, "unavailable", "the edge is out of memory; retry later");
                return -1;
            }
            int n = mg_read(r->conn, in->data + in->len, READ_CHUNK);
            if (n <= 0) break;
            in->len += (size_t)n;
            if (edge_buf_body_len(in) > max) {
                r->close = true;
                edge_req_error(r, 413, "too_large", "the request body is larger than %llu bytes",
                               (unsigned long long)max);
                return -1;
            }
        }
        return 0;
    }
    if (cl < 0) r->close = true; /* body of unknown length: we did not read it, so do not reuse */
    return 0;
}


int edge_req_json(edge_req_t *r)
{
    if (s_read_body(r) != 0) return -1;
    edge_buf_t *in = &r->w->in;
    size_t len = edge_buf_body_len(in);
    if (len == 0) {
        edge_req_error(r, 400, "bad_json", "the request body is empty; send a JSON object");
        return -1;
    }
    /* jansson parses recursively and a worker's stack is small: refuse deep nesting first */
    if (!edge_json_text_depth_ok(edge_buf_body(in), len, EDGE_JSON_MAX_DEPTH)) {
        edge_req_error(r, 400, "bad_json",
                       "the request body nests deeper than %d levels", EDGE_JSON_MAX_DEPTH);
        return -1;
    }
    json_error_t jerr;
    json_t *j = json_loadb(edge_buf_body(in), len, JSON_REJECT_DUPLICATES, &jerr);
    if (!j) {
        edge_req_error(r, 400, "bad_json",
                       "the request body is not valid JSON: %s (line %d, column %d)", jerr.text,
                       jerr.line, jerr.column);
        return -1;
    }
    if (!json_is_object(j)) {
        json_decref(j);
        edge_req_error(r, 400, "bad_json", "the request body must be a JSON object");
        return -1;
    }
    r->body = j;
    return 0;
}

int edge_req_auth(edge_req_t *r, bool required)
{
    const char *h = mg_get_header(r->conn, "Authorization");
    edge_auth_rc_t rc = edge_auth_bearer(r->edge->token_key, h, gv_now_ms() / 1000, &r->claims);
    if (rc == EDGE_AUTH_OK) {
        r->signed_in = true;
        return 0;
    }
    r->signed_in = false;
    if (rc == EDGE_AUTH_MISSING && !required) return 0;
    edge_req_error(r, 401, "unauthorized",
                   rc == EDGE_AUTH_MISSING
                       ? "sign in first: send `Authorization: Bearer <token>` from POST "
                         "/api/v1/auth/login"
                       : "the session token is invalid or has expired; sign in again");
    edge_req_header(r, "WWW-Authenticate: Bearer");
    return -1;
}

int edge_req_role(edge_req_t *r, const char *const *roles)
{
    if (!r->signed_in && edge_req_auth(r, true) != 0) return -1;
    if (edge_role_in(r->claims.role, roles)) return 0;
    char want[64] = "";
    for (size_t i = 0; roles[i]; i++) {
        strncat(want, i ? " or " : "", sizeof want - strlen(want) - 1);
        strncat(want, roles[i], sizeof want - strlen(want) - 1);
    }
    edge_req_error(r, 403, "forbidden", "this needs the %s role; you are signed in as %s", want,
                   r->claims.role);
    return -1;
}

gv_writer_t *edge_req_begin(edge_req_t *r, const char *to, const char *type, uint32_t body_fields)
{
    snprintf(r->calling, sizeof r->calling, "%s", to);
    gv_writer_t *w = edge_rpc_begin(r->w->rpc, to, type, body_fields + (r->signed_in ? 2 : 0));
    if (!w) {
        edge_req_error(r, 503, "unavailable", "the edge is out of memory; retry later");
        return NULL;
    }
    if (r->signed_in) {
        msgpack_packer *pk = gv_writer_pk(w);
        gv_pk_kv_uint(pk, "caller_id", r->claims.user_id);
        gv_pk_kv_str(pk, "caller_role", r->claims.role);
    }
    return w;
}

gv_writer_t *edge_req_begin_viewer(edge_req_t *r, const char *to, const char *type,
                                   uint32_t body_fields)
{
    if (r->signed_in) return edge_req_begin(r, to, type, body_fields);
    gv_writer_t *w = edge_req_begin(r, to, type, body_fields + 1);
    if (w) gv_pk_kv_str(gv_writer_pk(w), "caller_role", "anonymous");
    return w;
}

gv_msg_t *edge_req_call(edge_req_t *r, gv_writer_t **w)
{
    gv_msg_t *reply = NULL;
    edge_rpc_rc_t rc = edge_rpc_call(r->w->rpc, w, &reply);
    switch (rc) {
    case EDGE_RPC_OK:
        return reply;
    case EDGE_RPC_TIMEOUT:
        edge_req_error(r, 503, "unavailable", "the %s service did not answer in time", r->calling);
        break;
    case EDGE_RPC_NO_LINK:
        edge_req_error(r, 503, "unavailable",
                       "this edge has no connection to the broker, so the %s service cannot be "
                       "reached; retry later",
                       r->calling);
        break;
    default:
        edge_req_error(r, 503, "unavailable", "the request to the %s service could not be sent",
                       r->calling);
        break;
    }
    return NULL;
}

void edge_req_reply(edge_req_t *r, const gv_msg_t *reply)
{
    unsigned st = gv_reply_status(reply);
    if (st >= 200 && st < 300) {
        edge_buf_t *out = edge_req_out(r);
        edge_buf_reset(out, EDGE_BUF_KEEP);
        r->status = (int)st;
        r->content_type = NULL;
        if (st == 204) return;
        const msgpack_object *data = gv_reply_data(reply);
        if (data)
            edge_mp_to_json(out, data);
        else
            edge_buf_add(out, "{}", 2);
        return;
    }
    if (st < 400 || st > 599) {
        gv_warn("odd reply status", "from=%s status=%u corr=%llu", gv_msg_from(reply), st,
                (unsigned long long)gv_msg_corr(reply));
        edge_req_error(r, 500, "internal", "the %s service answered with status %u", r->calling,
                       st);
        return;
    }
    const char *code = gv_msg_str(reply, "code");
    const char *message = gv_msg_str(reply, "message");
    edge_req_error(r, (int)st, code, "%s", message ? message : edge_error_message_for((int)st));
    if (st == 429) { /* an actor's rate limit says when to retry (actor_reply_retry) */
        const msgpack_object *after = gv_obj_get(gv_reply_data(reply), "retry_after_s");
        uint64_t s = after && after->type == MSGPACK_OBJECT_POSITIVE_INTEGER ? after->via.u64 : 1;
        edge_req_header(r, "Retry-After: %" PRIu64, s ? s : 1);
    }
}

void edge_req_reply_consume(edge_req_t *r, gv_msg_t **reply)
{
    edge_req_reply(r, *reply);
    gv_msg_destroy(reply);
}

const char *edge_reply_str(const msgpack_object *map, const char *key, char *buf, size_t len)
{
    const msgpack_object *v = map ? gv_obj_get(map, key) : NULL;
    if (!v || v->type != MSGPACK_OBJECT_STR || v->via.str.size >= len) return NULL;
    if (v->via.str.size) memcpy(buf, v->via.str.ptr, v->via.str.size);
    buf[v->via.str.size] = '\0';
    return buf;
}
