/*  keyring — CURVE key -> node bindings read from authorized/ (see keyring.h). */
#include "keyring.h"
#include "gv_log.h"
#include "gv_msg.h"

#include <czmq.h>
#include <dirent.h>
#include <stdarg.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define KEYRING_MAX_CERTS 4096   /* files looked at per load; more is a misconfiguration */
#define KEYRING_PROBLEMS_MAX 8192 /* bytes of problem text remembered between loads */
#define KEYRING_SHOWN_ID 48      /* characters of a routing id quoted in a refusal */

typedef struct {
    char name[GV_ADDR_MAX + 1];
    gv_role_t role;
    char file[NAME_MAX + 1];
    bool conflict; /* claimed by two nodes: bound to none */
} binding_t;

struct keyring {
    const gv_config_t *cfg;
    char *dir;
    zhashx_t *keys; /* Z85 key -> binding_t */
    char problems[KEYRING_PROBLEMS_MAX]; /* what the last load complained about */
    bool failed;                          /* the last load could not read the directory */
};

static void s_binding_free(void **item)
{
    free(*item);
    *item = NULL;
}

keyring_t *keyring_new(const gv_config_t *cfg, const char *dir)
{
    keyring_t *self = calloc(1, sizeof *self);
    if (!self)
        return NULL;
    self->cfg = cfg;
    self->dir = strdup(dir);
    self->keys = zhashx_new();
    if (!self->dir || !self->keys) {
        keyring_destroy(&self);
        return NULL;
    }
    zhashx_set_destructor(self->keys, s_binding_free);
    return self;
}

void keyring_destroy(keyring_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    keyring_t *self = *self_p;
    zhashx_destroy(&self->keys);
    free(self->dir);
    free(self);
    *self_p = NULL;
}

void keyring_fingerprint(const char *key, char *out, size_t out_len)
{
    snprintf(out, out_len, "%.*s", KEYRING_FINGERPRINT, key && *key ? key : "none");
}

static bool s_ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* Appends one problem line (without logging it yet). */
static void s_problem(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void s_problem(char *buf, size_t len, const char *fmt, ...)
{
    size_t used = strlen(buf);
    if (used + 2 >= len)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf + used, len - used - 1, fmt, ap);
    va_end(ap);
    used = strlen(buf);
    buf[used] = '\n';
    buf[used + 1] = '\0';
}

/* Binds the key of one cert file into `keys`, or notes why it cannot be bound. */
static void s_bind_file(keyring_t *self, zhashx_t *keys, const char *file, char *problems,
                        size_t plen)
{
    char path[PATH_MAX];
    int n = snprintf(path, sizeof path, "%s/%s", self->dir, file);
    if (n < 0 || (size_t)n >= sizeof path) {
        s_problem(problems, plen, "authorized/%s: path too long; ignored", file);
        return;
    }
    zcert_t *cert = zcert_load(path);
    if (!cert) {
        s_problem(problems, plen, "authorized/%s: not a readable CURVE certificate; ignored", file);
        return;
    }
    char name[GV_ADDR_MAX + 1];
    const char *meta = zcert_meta(cert, "name");
    if (meta && *meta)
        snprintf(name, sizeof name, "%s", meta);
    else {
        snprintf(name, sizeof name, "%s", file);
        if (s_ends_with(name, ".cert"))
            name[strlen(name) - 5] = '\0';
    }
    const char *key = zcert_public_txt(cert);
    char fp[KEYRING_FINGERPRINT + 1];
    keyring_fingerprint(key, fp, sizeof fp);
    const gv_node_cfg_t *node = gv_config_node(self->cfg, name);
    if (!node || node->role == GV_ROLE_BROKER) {
        s_problem(problems, plen,
                  "authorized/%s: key %s names node `%s`, which is %s; CURVE admits it but the "
                  "broker refuses every message (%s)",
                  file, fp, name, node ? "the broker itself" : "not in cluster.toml",
                  node ? "remove the file: the broker needs no authorisation"
                       : "add the node to cluster.toml or remove the file");
        zcert_destroy(&cert);
        return;
    }
    binding_t *b = zhashx_lookup(keys, key);
    if (b) {
        if (strcmp(b->name, name) != 0 && !b->conflict) {
            s_problem(problems, plen,
                      "key %s is authorised for two nodes, `%s` (authorized/%s) and `%s` "
                      "(authorized/%s); it is refused for both: give each node its own key "
                      "(gavel-keygen)",
                      fp, b->name, b->file, name, file);
            b->conflict = true;
        }
        zcert_destroy(&cert);
        return;
    }
    b = calloc(1, sizeof *b);
    if (b) {
        snprintf(b->name, sizeof b->name, "%s", name);
        snprintf(b->file, sizeof b->file, "%s", file);
        b->role = node->role;
        if (zhashx_insert(keys, key, b) != 0)
            free(b);
    }
    zcert_destroy(&cert);
}

int keyring_load(keyring_t *self)
{
    zhashx_t *keys = zhashx_new();
    if (!keys)
        return -1;
    zhashx_set_destructor(keys, s_binding_free);
    char problems[KEYRING_PROBLEMS_MAX] = "";
    DIR *d = opendir(self->dir);
    if (!d && errno != ENOENT) {
        if (!self->failed)
            gv_error("cannot read authorized keys; keeping the previous bindings",
                     "dir=%s error=\"%s\"", self->dir, strerror(errno));
        self->failed = true;
        zhashx_destroy(&keys);
        return -1;
    }
    self->failed = false;
    size_t seen = 0;
    for (struct dirent *e = d ? readdir(d) : NULL; e; e = readdir(d)) {
        if (e->d_name[0] == '.' || s_ends_with(e->d_name, "_secret"))
            continue;
        struct stat st;
        char path[PATH_MAX];
        int n = snprintf(path, sizeof path, "%s/%s", self->dir, e->d_name);
        if (n < 0 || (size_t)n >= sizeof path || stat(path, &st) != 0 || !S_ISREG(st.st_mode))
            continue;
        if (++seen > KEYRING_MAX_CERTS) {
            s_problem(problems, sizeof problems, "authorized/ holds more than %d files; the rest are ignored",
                      KEYRING_MAX_CERTS);
            break;
        }
        s_bind_file(self, keys, e->d_name, problems, sizeof problems);
    }
    if (d)
        closedir(d);
    if (strcmp(problems, self->problems) != 0) {
        for (char *line = problems, *end; *line; line = end + 1) {
            end = strchr(line, '\n');
            *end = '\0';
            gv_warn("authorized key refused", "problem=\"%s\"", line);
            *end = '\n';
        }
        snprintf(self->problems, sizeof self->problems, "%s", problems);
    }
    int bound = 0;
    for (binding_t *b = zhashx_first(keys); b; b = zhashx_next(keys))
        bound += !b->conflict;
    zhashx_destroy(&self->keys);
    self->keys = keys;
    return bound;
}

const char *keyring_node(const keyring_t *self, const char *key, gv_role_t *role_out)
{
    if (!key || strlen(key) != KEYRING_KEY_LEN)
        return NULL;
    const binding_t *b = zhashx_lookup(self->keys, key);
    if (!b || b->conflict)
        return NULL;
    if (role_out)
        *role_out = b->role;
    return b->name;
}

/* A routing id as it can be quoted in a log line: printable ASCII, others as '?'. */
static void s_shown(const void *id, size_t len, char *out, size_t out_len)
{
    size_t n = 0;
    const unsigned char *p = id;
    for (size_t i = 0; i < len && n + 4 < out_len && i < KEYRING_SHOWN_ID; i++)
        out[n++] = p[i] >= 0x21 && p[i] < 0x7f && p[i] != '"' && p[i] != '\\' ? (char)p[i] : '?';
    if (len > KEYRING_SHOWN_ID && n + 4 < out_len) {
        memcpy(out + n, "...", 3);
        n += 3;
    }
    out[n] = '\0';
}

int keyring_check(const keyring_t *self, const char *key, const void *identity,
                  size_t identity_len, bool is_hello, const char *hello_name,
                  const char *hello_role, char *why, size_t why_len)
{
    char fp[KEYRING_FINGERPRINT + 1], shown[KEYRING_SHOWN_ID + 8];
    gv_role_t role;
    const char *name = keyring_node(self, key, &role);
    if (!name) {
        keyring_fingerprint(key, fp, sizeof fp);
        snprintf(why, why_len,
                 "key %s is not bound to a node of cluster.toml (removed from authorized/, "
                 "claimed by two nodes, or naming no node)",
                 fp);
        return -1;
    }
    size_t nl = strlen(name);
    bool id_ok = identity_len >= nl && memcmp(identity, name, nl) == 0 &&
                 (identity_len == nl ||
                  (identity_len > nl + 1 && ((const char *)identity)[nl] == '.'));
    if (id_ok && memchr(identity, '\0', identity_len))
        id_ok = false;
    if (!id_ok) {
        keyring_fingerprint(key, fp, sizeof fp);
        s_shown(identity, identity_len, shown, sizeof shown);
        snprintf(why, why_len,
                 "routing id `%s` is not node %s's: key %s may use only `%s` or `%s.<suffix>`",
                 shown, name, fp, name, name);
        return -1;
    }
    if (!is_hello)
        return 0; /* the common case: no fingerprint made for a message that passes */
    keyring_fingerprint(key, fp, sizeof fp);
    if (!hello_name || strcmp(hello_name, name) != 0) {
        s_shown(hello_name ? hello_name : "(no name)", strlen(hello_name ? hello_name : "(no name)"),
                shown, sizeof shown);
        snprintf(why, why_len, "hello refused: key %s belongs to node %s, not %s", fp, name, shown);
        return -1;
    }
    if (!hello_role || strcmp(hello_role, gv_role_name(role)) != 0) {
        s_shown(hello_role ? hello_role : "(no role)", strlen(hello_role ? hello_role : "(no role)"),
                shown, sizeof shown);
        snprintf(why, why_len, "hello refused: node %s has role %s in cluster.toml, not %s (key %s)",
                 name, gv_role_name(role), shown, fp);
        return -1;
    }
    return 0;
}

int keyring_may_send(gv_role_t role, const char *node, const char *type, char *why,
                     size_t why_len)
{
    static const char *const judge_types[] = {"hello",          "heartbeat",    "reply",
                                              "judge.ready",    "judge.progress", "judge.result",
                                              "problems.manifest", "problems.testdata"};
    bool ok = true;
    if (role == GV_ROLE_JUDGE) {
        ok = false;
        for (size_t i = 0; i < sizeof judge_types / sizeof judge_types[0]; i++)
            ok |= strcmp(type, judge_types[i]) == 0;
    } else if (role == GV_ROLE_EDGE) {
        ok = strncmp(type, "judge.", 6) != 0 && strcmp(type, "jobs.offer") != 0;
    } else if (role == GV_ROLE_BROKER) {
        ok = false;
    }
    if (!ok)
        snprintf(why, why_len, "node %s (role %s) may not send `%s`", node, gv_role_name(role),
                 type);
    return ok ? 0 : -1;
}
