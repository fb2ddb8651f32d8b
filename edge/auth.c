/*  edge_auth — bearer tokens and Argon2id passwords (see auth.h). */
#include "auth.h"

#include "gv_log.h"

#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <sodium.h>
#include <string.h>
#include <strings.h>
#include <time.h>

static sem_t s_slots;
static bool s_slots_ready;
static pthread_once_t s_dummy_once = PTHREAD_ONCE_INIT;
static char s_dummy_hash[crypto_pwhash_STRBYTES];

_Static_assert(EDGE_PWHASH_MAX >= crypto_pwhash_STRBYTES, "hash buffer too small");

edge_auth_rc_t edge_auth_bearer(const uint8_t key[GV_TOKEN_KEY_BYTES], const char *header,
                                uint64_t now_s, gv_claims_t *out)
{
    if (!header || !*header) return EDGE_AUTH_MISSING;
    while (*header == ' ')
        header++;
    if (strncasecmp(header, "Bearer ", 7) != 0) return EDGE_AUTH_INVALID;
    const char *tok = header + 7;
    while (*tok == ' ')
        tok++;
    size_t n = strlen(tok);
    while (n && (tok[n - 1] == ' ' || tok[n - 1] == '\t'))
        n--;
    if (n == 0 || n > EDGE_TOKEN_MAX) return EDGE_AUTH_INVALID;
    char copy[EDGE_TOKEN_MAX + 1];
    memcpy(copy, tok, n);
    copy[n] = '\0';
    memset(out, 0, sizeof *out);
    if (gv_token_verify(key, copy, now_s, out) != 0) return EDGE_AUTH_INVALID;
    out->role[sizeof out->role - 1] = '\0';
    out->username[sizeof out->username - 1] = '\0';
    if (!edge_role_valid(out->role)) return EDGE_AUTH_INVALID;
    return EDGE_AUTH_OK;
}

bool edge_role_in(const char *role, const char *const *roles)
{
    for (; role && *roles; roles++)
        if (strcmp(role, *roles) == 0) return true;
    return false;
}

bool edge_role_valid(const char *role)
{
    static const char *const all[] = {"contestant", "jury", "admin", NULL};
    return edge_role_in(role, all);
}

int edge_auth_init(unsigned max_concurrent)
{
    if (s_slots_ready) return 0;
    if (max_concurrent == 0 || sem_init(&s_slots, 0, max_concurrent) != 0) return -1;
    s_slots_ready = true;
    return 0;
}

static int s_acquire(unsigned wait_ms)
{
    if (!s_slots_ready) return 0; /* not initialised: no bound (unit tests) */
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_sec += wait_ms / 1000;
    ts.tv_nsec += (long)(wait_ms % 1000) * 1000000L;
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    while (sem_timedwait(&s_slots, &ts) != 0) {
        if (errno != EINTR) return -2;
    }
    return 0;
}

static void s_release(void)
{
    if (s_slots_ready) sem_post(&s_slots);
}

int edge_password_hash(const char *pw, size_t len, char *out, unsigned wait_ms)
{
    if (s_acquire(wait_ms) != 0) return -2;
    int rc = crypto_pwhash_str(out, pw, len, crypto_pwhash_OPSLIMIT_INTERACTIVE,
                               crypto_pwhash_MEMLIMIT_INTERACTIVE);
    s_release();
    return rc == 0 ? 0 : -1;
}

int edge_password_verify(const char *hash, const char *pw, size_t len, unsigned wait_ms)
{
    if (!hash || strnlen(hash, crypto_pwhash_STRBYTES) >= crypto_pwhash_STRBYTES)
        return edge_password_dummy_verify(pw, len, wait_ms) == -2 ? -2 : 0;
    if (s_acquire(wait_ms) != 0) return -2;
    int rc = crypto_pwhash_str_verify(hash, pw, len);
    s_release();
    return rc == 0 ? 1 : 0;
}

static void s_make_dummy(void)
{
    static const char pw[] = "gavel-dummy-password-for-timing";
    if (crypto_pwhash_str(s_dummy_hash, pw, sizeof pw - 1, crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
        s_dummy_hash[0] = '\0';
}

void edge_auth_warm(void)
{
    pthread_once(&s_dummy_once, s_make_dummy);
}

int edge_password_dummy_verify(const char *pw, size_t len, unsigned wait_ms)
{
    pthread_once(&s_dummy_once, s_make_dummy);
    if (s_acquire(wait_ms) != 0) return -2;
    if (s_dummy_hash[0] && crypto_pwhash_str_verify(s_dummy_hash, pw, len) == 0)
        gv_debug("dummy password matched", "%s", ""); /* harmless; keeps the result used */
    s_release();
    return 0;
}
