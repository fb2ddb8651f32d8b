/*  accounts — users and roles (see accounts.h).
 *
 *  Usernames are unique case-insensitively (the by_name key is the lower-cased name) but keep
 *  the spelling they were registered with. Roles: contestant (default), jury, admin.
 */
#include "accounts.h"

#include "gv_log.h"
#include "record.h"
#include "store.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define ACCOUNTS_ID_COUNTER "accounts.next_id"
#define ACCOUNTS_HASH_PREFIX "$argon2"

typedef struct {
    MDB_dbi users;
    MDB_dbi by_name;
} accounts_t;

static bool s_role_valid(const char *r)
{
    return r && (!strcmp(r, "contestant") || !strcmp(r, "jury") || !strcmp(r, "admin"));
}

bool accounts_username_valid(const char *name, char *why, size_t whylen)
{
    size_t n = name ? strlen(name) : 0;
    if (n < ACCOUNTS_USERNAME_MIN || n > ACCOUNTS_USERNAME_MAX) {
        snprintf(why, whylen, "must be %d to %d characters long", ACCOUNTS_USERNAME_MIN,
                 ACCOUNTS_USERNAME_MAX);
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)name[i];
        if (!isalnum(c) && c != '_' && c != '.' && c != '-') {
            snprintf(why, whylen, "may contain only letters, digits, `_`, `.` and `-`");
            return false;
        }
    }
    return true;
}

static void s_lower(const char *in, char out[ACCOUNTS_USERNAME_MAX + 1])
{
    size_t i = 0;
    for (; in[i] && i < ACCOUNTS_USERNAME_MAX; i++)
        out[i] = (char)tolower((unsigned char)in[i]);
    out[i] = '\0';
}

/* The user id stored under a (valid) username: 0 found, 1 absent, -1 error. */
static int s_find_by_name(actor_ctx_t *ctx, const char *username, uint64_t *id)
{
    accounts_t *st = ctx->state;
    char key[ACCOUNTS_USERNAME_MAX + 1];
    s_lower(username, key);
    MDB_val v;
    int rc = actor_get(ctx, st->by_name, key, strlen(key), &v);
    if (rc == 0) *id = v.mv_size == 8 ? store_be64_get(v.mv_data) : 0;
    return rc;
}

/* Parses the record of user `id` into r: 0 found, 1 absent, -1 error (r needs record_done). */
static int s_load(actor_ctx_t *ctx, uint64_t id, record_t *r)
{
    accounts_t *st = ctx->state;
    uint8_t key[8];
    store_be64_put(key, id);
    MDB_val v;
    record_parse(r, NULL, 0);
    int rc = actor_get(ctx, st->users, key, 8, &v);
    if (rc != 0) return rc;
    if (record_parse(r, v.mv_data, v.mv_size) != 0) {
        gv_error("corrupt user record", "id=%" PRIu64, id);
        return -1;
    }
    return 0;
}

static void s_pk_user(msgpack_packer *pk, uint64_t id, const char *username, size_t ulen,
                      const char *display, size_t dlen, const char *role, size_t rlen,
                      const char *hash, size_t hlen, uint64_t created_at)
{
    msgpack_pack_map(pk, 6);
    gv_pk_kv_uint(pk, "id", id);
    gv_pk_key(pk, "username");
    gv_pk_strn(pk, username, ulen);
    gv_pk_key(pk, "display_name");
    gv_pk_strn(pk, display, dlen);
    gv_pk_key(pk, "role");
    gv_pk_strn(pk, role, rlen);
    gv_pk_key(pk, "password_hash");
    gv_pk_strn(pk, hash, hlen);
    gv_pk_kv_uint(pk, "created_at", created_at);
}

/* Reply data for a user: {id, username, display_name, role[, password_hash]}. */
static void s_pk_public(msgpack_packer *pk, const record_t *r, bool with_hash)
{
    size_t n;
    const char *s;
    msgpack_pack_map(pk, with_hash ? 5 : 4);
    gv_pk_key(pk, "id");
    actor_pk_id(pk, record_uint(r, "id", 0));
    static const char *const keys[] = {"username", "display_name", "role", "password_hash"};
    for (int i = 0; i < (with_hash ? 4 : 3); i++) {
        gv_pk_key(pk, keys[i]);
        s = record_str(r, keys[i], &n);
        gv_pk_strn(pk, s ? s : "", n);
    }
}

static int s_create_user(actor_ctx_t *ctx, const char *username, const char *hash,
                         const char *display, const char *role, uint64_t *id_out)
{
    accounts_t *st = ctx->state;
    uint64_t id;
    if (actor_next_id(ctx, ACCOUNTS_ID_COUNTER, &id) != 0) return -1;
    recbuf_t rb;
    recbuf_init(&rb);
    s_pk_user(&rb.pk, id, username, strlen(username), display, strlen(display), role, strlen(role),
              hash, strlen(hash), ctx->now_ms);
    uint8_t key[8];
    store_be64_put(key, id);
    char lower[ACCOUNTS_USERNAME_MAX + 1];
    s_lower(username, lower);
    int rc = recbuf_ok(&rb) ? 0 : -1;
    if (rc == 0) rc = actor_put(ctx, st->users, key, 8, rb.sb.data, rb.sb.size, 0);
    if (rc == 0) rc = actor_put(ctx, st->by_name, lower, strlen(lower), key, 8, MDB_NOOVERWRITE);
    recbuf_done(&rb);
    if (rc != 0) return -1; /* a taken name was checked before; KEYEXIST here is a bug */
    *id_out = id;
    return 0;
}

/* ---- first admin ----------------------------------------------------------------------------- */

static int s_write_password_file(const char *path, const char *password)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) return -1;
    size_t len = strlen(password);
    int rc = fchmod(fd, 0600) == 0 && write(fd, password, len) == (ssize_t)len &&
                     write(fd, "\n", 1) == 1 && fsync(fd) == 0
                 ? 0
                 : -1;
    if (close(fd) != 0) rc = -1;
    return rc;
}

static int s_bootstrap_admin(actor_ctx_t *ctx)
{
    static const char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    char generated[ACCOUNTS_ADMIN_PASSWORD_LEN + 1];
    char hash[crypto_pwhash_STRBYTES];
    char *path = NULL;
    int rc = -1;
    const char *password = getenv("GAVEL_ADMIN_PASSWORD");
    bool from_env = password && *password;
    if (!from_env) {
        for (int i = 0; i < ACCOUNTS_ADMIN_PASSWORD_LEN; i++)
            generated[i] = alphabet[randombytes_uniform(sizeof alphabet - 1)];
        generated[ACCOUNTS_ADMIN_PASSWORD_LEN] = '\0';
        password = generated;
    }
    if (crypto_pwhash_str(hash, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
        gv_error("cannot hash the first admin's password (out of memory?)", "%s", "");
        goto done;
    }
    if (!from_env) {
        size_t len = strlen(ctx->env->data_dir) + sizeof ACCOUNTS_ADMIN_PASSWORD_FILE + 2;
        path = malloc(len);
        if (!path) goto done;
        snprintf(path, len, "%s/%s", ctx->env->data_dir, ACCOUNTS_ADMIN_PASSWORD_FILE);
        if (s_write_password_file(path, password) != 0) {
            gv_error("cannot write the first admin's password file", "path=%s error=\"%s\"", path,
                     strerror(errno));
            goto done;
        }
    }
    uint64_t id;
    if (s_create_user(ctx, "admin", hash, "Administrator", "admin", &id) != 0) goto done;
    if (from_env) {
        gv_info("created the first admin",
                "username=admin id=%" PRIu64 " password_from=GAVEL_ADMIN_PASSWORD", id);
    } else {
        gv_info("created the first admin", "username=admin id=%" PRIu64 " password_file=%s", id,
                path);
        fprintf(stderr,
                "\n    First admin created.  username: admin   password: %s\n"
                "    (shown once; also saved to %s, mode 0600)\n\n",
                password, path);
        fflush(stderr);
    }
    rc = 0;
done:
    sodium_memzero(generated, sizeof generated);
    free(path);
    return rc;
}

/* ---- handlers -------------------------------------------------------------------------------- */

static int s_register(actor_ctx_t *ctx, const gv_msg_t *msg)
{
    const char *username = gv_msg_str(msg, "username");
    const char *hash = gv_msg_str(msg, "password_hash");
    const char *display = gv_msg_str(msg, "display_name");
    char why[128];
    if (!accounts_username_valid(username, why, sizeof why))
        return actor_reply_error(ctx, msg, 400, "invalid_field", "field `username` %s", why);
    if (!hash || strncmp(hash, ACCOUNTS_HASH_PREFIX, strlen(ACCOUNTS_HASH_PREFIX)) != 0)
        return actor_reply_error(ctx, msg, 400, "invalid_field",
                                 "field `password_hash` must be an Argon2 hash string");
    if (!display || !*display) display = username;
    if (strlen(display) > ACCOUNTS_DISPLAY_NAME_MAX)
        return actor_reply_error(ctx, msg, 400, "invalid_field",
                                 "field `display_name` must be at most %d bytes long",
                                 ACCOUNTS_DISPLAY_NAME_MAX);
    for (const char *p = display; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            return actor_reply_error(ctx, msg, 400, "invalid_field",
                                     "field `display_name` must not contain control characters");
    uint64_t id;
    int rc = s_find_by_name(ctx, username, &id);
    if (rc < 0) return -1;
    if (rc == 0)
        return actor_reply_error(ctx, msg, 409, "username_taken",
                                 "the username `%s` is taken; choose another", username);
    if (s_create_user(ctx, username, hash, display, "contestant", &id) != 0) return -1;
    gv_writer_t *w = actor_reply_begin(ctx, msg, 201, true);
    if (!w) return -1;
    msgpack_packer *pk = gv_writer_pk(w);
    msgpack_pack_map(pk, 2);
    gv_pk_key(pk, "id");
    actor_pk_id(pk, id);
    gv_pk_kv_str(pk, "username", username);
    return actor_reply_end(ctx, &w);
}

/* Answers with the user's record (as s_pk_public) or 404 `not_found_code`. */
static int s_reply_user(actor_ctx_t *ctx, const gv_msg_t *msg, uint64_t id, bool with_hash,
                        const char *not_found_code)
{
    record_t r;
    int rc = s_load(ctx, id, &r);
    if (rc != 0) {
        if (rc == 1) rc = actor_reply_error(ctx, msg, 404, not_found_code, "no user with this id");
        goto done;
    }
    gv_writer_t *w = actor_reply_begin(ctx, msg, 200, true);
    if (!w) {
        rc = -1;
        goto done;
    }
    s_pk_public(gv_writer_pk(w), &r, with_hash);
    rc = actor_reply_end(ctx, &w);
done:
    record_done(&r);
    return rc;
}

static int s_auth(actor_ctx_t *ctx, const gv_msg_t *msg)
{
    const char *username = gv_msg_str(msg, "username");
    char why[128];
    uint64_t id = 0;
    int rc =
        accounts_username_valid(username, why, sizeof why) ? s_find_by_name(ctx, username, &id) : 1;
    if (rc < 0) return -1;
    if (rc == 1)
        return actor_reply_error(ctx, msg, 404, "unknown_user", "no user with this username");
    return s_reply_user(ctx, msg, id, true, "unknown_user");
}

static int s_get(actor_ctx_t *ctx, const gv_msg_t *msg)
{
    return s_reply_user(ctx, msg, gv_msg_uint(msg, "user_id", 0), false, "not_found");
}

static int s_set_role(actor_ctx_t *ctx, const gv_msg_t *msg)
{
    accounts_t *st = ctx->state;
    if (!actor_caller_is(msg, "admin"))
        return actor_reply_error(ctx, msg, 403, "forbidden", "only an admin may change roles");
    const char *role = gv_msg_str(msg, "role");
    if (!s_role_valid(role))
        return actor_reply_error(ctx, msg, 400, "invalid_field",
                                 "field `role` must be contestant, jury or admin");
    uint64_t id = gv_msg_uint(msg, "user_id", 0);
    record_t r;
    recbuf_t rb;
    recbuf_init(&rb);
    int rc = s_load(ctx, id, &r);
    if (rc != 0) {
        if (rc == 1) rc = actor_reply_error(ctx, msg, 404, "not_found", "no user with this id");
        goto done;
    }
    size_t ul, dl, hl;
    const char *u = record_str(&r, "username", &ul), *d = record_str(&r, "display_name", &dl),
               *h = record_str(&r, "password_hash", &hl);
    s_pk_user(&rb.pk, id, u ? u : "", ul, d ? d : "", dl, role, strlen(role), h ? h : "", hl,
              record_uint(&r, "created_at", 0));
    record_done(&r);
    /* reply from the new record: the old one is invalid once we write */
    rc = recbuf_ok(&rb) && record_parse(&r, rb.sb.data, rb.sb.size) == 0 ? 0 : -1;
    uint8_t key[8];
    store_be64_put(key, id);
    if (rc == 0) rc = actor_put(ctx, st->users, key, 8, rb.sb.data, rb.sb.size, 0);
    if (rc == 0) {
        gv_writer_t *w = actor_reply_begin(ctx, msg, 200, true);
        if (!w)
            rc = -1;
        else {
            s_pk_public(gv_writer_pk(w), &r, false);
            rc = actor_reply_end(ctx, &w);
        }
    }
    if (rc == 0)
        gv_info("role changed", "user_id=%" PRIu64 " role=%s by=%" PRIu64, id, role,
                gv_msg_uint(msg, "caller_id", 0));
done:
    record_done(&r);
    recbuf_done(&rb);
    return rc;
}

/* ---- kind ------------------------------------------------------------------------------------ */

static int s_init(actor_ctx_t *ctx)
{
    accounts_t *st = calloc(1, sizeof *st);
    if (!st) return -1;
    ctx->state = st;
    int rc = store_dbi_open(ctx->txn, "accounts.users", &st->users);
    if (rc == 0) rc = store_dbi_open(ctx->txn, "accounts.by_name", &st->by_name);
    if (rc != 0) return actor_fail(ctx, rc, "open databases");
    MDB_stat stat;
    rc = mdb_stat(ctx->txn, st->users, &stat);
    if (rc != 0) return actor_fail(ctx, rc, "stat accounts.users");
    return stat.ms_entries == 0 ? s_bootstrap_admin(ctx) : 0;
}

static void s_destroy(void *state)
{
    free(state);
}

static const actor_route_t s_routes[] = {
    {"accounts.register", s_register},
    {"accounts.auth", s_auth},
    {"accounts.get", s_get},
    {"accounts.set_role", s_set_role},
};

const actor_kind_t accounts_actor = {
    .address = "accounts",
    .routes = s_routes,
    .n_routes = sizeof s_routes / sizeof s_routes[0],
    .init = s_init,
    .destroy = s_destroy,
};
