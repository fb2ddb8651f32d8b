/*  Accounts: register, login, logout, users/me (API.md "Accounts").
 *
 *  The edge hashes and verifies passwords itself (docs/INTERNALS.md "Passwords"); the
 *  accounts actor only stores the Argon2id string and looks users up. Login failures —
 *  unknown user or wrong password, one message for both — count against the client address
 *  in the login limiter; an unknown user still costs one (dummy) verify so timing does not
 *  tell which usernames exist.
 */
#include "auth.h"
#include "gv_log.h"
#include "json_mp.h"
#include "routes.h"
#include "validate.h"

#include <civetweb.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#define BAD_CREDENTIALS "wrong username or password"

static void s_busy(edge_req_t *r)
{
    edge_req_error(r, 503, "unavailable",
                   "too many sign-ins and sign-ups are being processed; retry in a moment");
    edge_req_header(r, "Retry-After: 1");
}

void edge_route_register(edge_req_t *r)
{
    if (edge_req_json(r) != 0) return;
    edge_register_t reg;
    edge_err_t err;
    if (edge_v_register(r->body, &reg, &err) != 0) {
        edge_req_fail(r, &err);
        return;
    }
    char hash[EDGE_PWHASH_MAX];
    int rc = edge_password_hash(reg.password, reg.password_len, hash, r->edge->request_timeout_ms);
    if (rc == -2) {
        s_busy(r);
        return;
    }
    if (rc != 0) {
        edge_req_error(r, 503, "unavailable", "the password could not be hashed; retry later");
        return;
    }
    gv_writer_t *w = edge_req_begin(r, "accounts", "accounts.register", reg.display_name ? 3 : 2);
    if (w) {
        msgpack_packer *pk = gv_writer_pk(w);
        gv_pk_kv_str(pk, "username", reg.username);
        gv_pk_kv_str(pk, "password_hash", hash);
        if (reg.display_name) gv_pk_kv_str(pk, "display_name", reg.display_name);
        gv_msg_t *reply = edge_req_call(r, &w);
        if (reply) edge_req_reply_consume(r, &reply);
    }
    sodium_memzero(hash, sizeof hash);
}

/* Reads an id that is a decimal string (the reply convention) or an integer. */
static bool s_id(const msgpack_object *map, const char *key, uint64_t *id)
{
    const msgpack_object *v = gv_obj_get(map, key);
    if (v && v->type == MSGPACK_OBJECT_POSITIVE_INTEGER) {
        *id = v->via.u64;
        return true;
    }
    return v && v->type == MSGPACK_OBJECT_STR &&
           edge_parse_u64(v->via.str.ptr, v->via.str.size, id) == 0;
}

static void s_login_failed(edge_req_t *r)
{
    edge_ratelimit_fail(r->edge->logins, r->ri->remote_addr, gv_mono_ms());
    edge_req_error(r, 401, "bad_credentials", BAD_CREDENTIALS);
}

/* Writes the 200 body: {token, expires_at, user:{id, username, role}}. */
static void s_login_ok(edge_req_t *r, const msgpack_object *user)
{
    gv_claims_t claims;
    memset(&claims, 0, sizeof claims);
    char role[sizeof claims.role];
    if (!s_id(user, "id", &claims.user_id) || !edge_reply_str(user, "role", role, sizeof role) ||
        !edge_role_valid(role) ||
        !edge_reply_str(user, "username", claims.username, sizeof claims.username)) {
        gv_warn("accounts.auth answer incomplete", "caller=%s", r->ri->remote_addr);
        edge_req_error(r, 503, "unavailable", "the accounts service gave an incomplete answer");
        return;
    }
    memcpy(claims.role, role, sizeof claims.role);
    uint64_t now_s = gv_now_ms() / 1000;
    claims.exp = now_s + r->edge->token_ttl_s;
    char *token = gv_token_sign(r->edge->token_key, &claims);
    if (!token) {
        edge_req_error(r, 503, "unavailable", "the session token could not be made; retry later");
        return;
    }
    char expires[40];
    gv_rfc3339(claims.exp * 1000, expires, sizeof expires);
    edge_buf_t *out = edge_req_out(r);
    edge_buf_reset(out, EDGE_BUF_KEEP);
    edge_buf_adds(out, "{\"token\":");
    edge_json_cstr(out, token);
    edge_buf_adds(out, ",\"expires_at\":");
    edge_json_cstr(out, expires);
    edge_buf_adds(out, ",\"user\":{\"id\":\"");
    edge_buf_add_u64(out, claims.user_id);
    edge_buf_adds(out, "\",\"username\":");
    edge_json_cstr(out, claims.username);
    edge_buf_adds(out, ",\"role\":");
    edge_json_cstr(out, claims.role);
    edge_buf_adds(out, "}}");
    r->status = 200;
    free(token);
}

void edge_route_login(edge_req_t *r)
{
    const char *ip = r->ri->remote_addr;
    uint32_t wait_s = edge_ratelimit_check(r->edge->logins, ip, gv_mono_ms());
    if (wait_s) {
        edge_req_error(r, 429, "rate_limited",
                       "too many failed sign-ins from your address; retry in %u seconds", wait_s);
        edge_req_header(r, "Retry-After: %u", wait_s);
        return;
    }
    if (edge_req_json(r) != 0) return;
    edge_login_t login;
    edge_err_t err;
    if (edge_v_login(r->body, &login, &err) != 0) {
        edge_req_fail(r, &err);
        return;
    }
    gv_writer_t *w = edge_req_begin(r, "accounts", "accounts.auth", 1);
    if (!w) return;
    gv_pk_kv_str(gv_writer_pk(w), "username", login.username);
    gv_msg_t *reply = edge_req_call(r, &w);
    if (!reply) return;
    unsigned st = gv_reply_status(reply);
    unsigned wait_ms = r->edge->request_timeout_ms;
    if (st == 404) {
        gv_msg_destroy(&reply);
        if (edge_password_dummy_verify(login.password, login.password_len, wait_ms) == -2) {
            s_busy(r);
            return;
        }
        s_login_failed(r);
        return;
    }
    if (st != 200) {
        edge_req_reply_consume(r, &reply);
        return;
    }
    const msgpack_object *user = gv_reply_data(reply);
    char hash[EDGE_PWHASH_MAX];
    if (!user || user->type != MSGPACK_OBJECT_MAP ||
        !edge_reply_str(user, "password_hash", hash, sizeof hash))
        hash[0] = '\0'; /* verify below fails after a dummy verify of the same cost */
    int ok =
        edge_password_verify(hash[0] ? hash : NULL, login.password, login.password_len, wait_ms);
    if (ok == -2)
        s_busy(r);
    else if (ok == 1)
        s_login_ok(r, user);
    else
        s_login_failed(r);
    gv_msg_destroy(&reply);
}

void edge_route_logout(edge_req_t *r)
{
    /* Tokens are stateless and short-lived: there is nothing to revoke. The client forgets
     * its token; 204 whether or not one was sent. */
    edge_buf_reset(edge_req_out(r), EDGE_BUF_KEEP);
    r->status = 204;
}

void edge_route_me(edge_req_t *r)
{
    if (edge_req_auth(r, true) != 0) return;
    gv_writer_t *w = edge_req_begin(r, "accounts", "accounts.get", 1);
    if (!w) return;
    gv_pk_kv_uint(gv_writer_pk(w), "user_id", r->claims.user_id);
    gv_msg_t *reply = edge_req_call(r, &w);
    if (reply) edge_req_reply_consume(r, &reply);
}
