/*  gv_token — JWT HS256 session tokens (see gv_token.h).
 *
 *  The header is fixed ({"alg":"HS256","typ":"JWT"}); the payload is a small JSON object made
 *  and read with jansson. Verification recomputes the HMAC over "header.payload" and compares
 *  in constant time before anything in the payload is trusted.
 */
#include "gv_token.h"
#include "gv_log.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define TOKEN_MAX 2048
static const char s_header_json[] = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";

static size_t s_b64len(size_t n)
{
    return sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

char *gv_token_sign(const uint8_t key[GV_TOKEN_KEY_BYTES], const gv_claims_t *claims)
{
    if (sodium_init() < 0 || !claims)
        return NULL;
    char sub[24];
    snprintf(sub, sizeof sub, "%llu", (unsigned long long)claims->user_id);
    json_t *p = json_pack("{s:s, s:s, s:s, s:I, s:I}", "sub", sub, "role", claims->role, "name",
                          claims->username, "iat", (json_int_t)time(NULL), "exp",
                          (json_int_t)claims->exp);
    if (!p)
        return NULL;
    char *payload = json_dumps(p, JSON_COMPACT);
    json_decref(p);
    if (!payload)
        return NULL;
    size_t hl = strlen(s_header_json), pl = strlen(payload);
    size_t cap = s_b64len(hl) + s_b64len(pl) + s_b64len(crypto_auth_hmacsha256_BYTES) + 4;
    char *out = malloc(cap);
    if (!out) {
        free(payload);
        return NULL;
    }
    sodium_bin2base64(out, cap, (const unsigned char *)s_header_json, hl,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    size_t at = strlen(out);
    out[at++] = '.';
    sodium_bin2base64(out + at, cap - at, (const unsigned char *)payload, pl,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    free(payload);
    at = strlen(out);
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256_state st;
    crypto_auth_hmacsha256_init(&st, key, GV_TOKEN_KEY_BYTES);
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)out, at);
    crypto_auth_hmacsha256_final(&st, mac);
    out[at++] = '.';
    sodium_bin2base64(out + at, cap - at, mac, sizeof mac, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    return out;
}

int gv_token_verify(const uint8_t key[GV_TOKEN_KEY_BYTES], const char *token, uint64_t now_s,
                    gv_claims_t *out)
{
    if (!token || sodium_init() < 0)
        return -1;
    size_t len = strnlen(token, TOKEN_MAX + 1);
    if (len == 0 || len > TOKEN_MAX)
        return -1;
    const char *dot1 = memchr(token, '.', len);
    if (!dot1)
        return -1;
    const char *dot2 = memchr(dot1 + 1, '.', len - (size_t)(dot1 + 1 - token));
    if (!dot2)
        return -1;
    unsigned char mac[crypto_auth_hmacsha256_BYTES], got[crypto_auth_hmacsha256_BYTES + 4];
    size_t got_len = 0;
    if (sodium_base642bin(got, sizeof got, dot2 + 1, len - (size_t)(dot2 + 1 - token), NULL,
                          &got_len, NULL, sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
        got_len != sizeof mac)
        return -1;
    crypto_auth_hmacsha256_state st;
    crypto_auth_hmacsha256_init(&st, key, GV_TOKEN_KEY_BYTES);
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)token, (size_t)(dot2 - token));
    crypto_auth_hmacsha256_final(&st, mac);
    if (sodium_memcmp(mac, got, sizeof mac) != 0)
        return -1;
    /* Signature good: the header is ours, so only the payload needs reading. */
    char payload[TOKEN_MAX];
    size_t pl = 0;
    if (sodium_base642bin((unsigned char *)payload, sizeof payload - 1, dot1 + 1,
                          (size_t)(dot2 - dot1 - 1), NULL, &pl, NULL,
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0)
        return -1;
    payload[pl] = '\0';
    json_t *p = json_loads(payload, 0, NULL);
    if (!p)
        return -1;
    const char *sub = NULL, *role = NULL, *name = NULL;
    json_int_t exp = 0;
    int rc = -1;
    if (json_unpack(p, "{s:s, s:s, s:s, s:I}", "sub", &sub, "role", &role, "name", &name, "exp",
                    &exp) != 0)
        goto done;
    if (exp <= 0 || (uint64_t)exp <= now_s)
        goto done;
    char *end = NULL;
    errno = 0;
    unsigned long long uid = strtoull(sub, &end, 10);
    if (errno || !end || *end || end == sub)
        goto done;
    if (out) {
        memset(out, 0, sizeof *out);
        out->user_id = uid;
        snprintf(out->role, sizeof out->role, "%s", role);
        snprintf(out->username, sizeof out->username, "%s", name);
        out->exp = (uint64_t)exp;
    }
    rc = 0;
done:
    json_decref(p);
    return rc;
}

static char *s_key_path(const char *data_dir)
{
    size_t n = strlen(data_dir) + 32;
    char *p = malloc(n);
    if (p)
        snprintf(p, n, "%s/keys/token.key", data_dir);
    return p;
}

int gv_token_key_load(const char *data_dir, uint8_t key[GV_TOKEN_KEY_BYTES])
{
    char *path = s_key_path(data_dir);
    if (!path)
        return -1;
    FILE *f = fopen(path, "r");
    int rc = -1;
    char hex[2 * GV_TOKEN_KEY_BYTES + 8] = {0};
    if (!f) {
        gv_error("cannot open token key", "path=%s error=\"%s\" hint=\"run ops/gavel up to create keys\"",
                 path, strerror(errno));
        goto done;
    }
    size_t n = fread(hex, 1, sizeof hex - 1, f);
    fclose(f);
    while (n > 0 && (hex[n - 1] == '\n' || hex[n - 1] == '\r' || hex[n - 1] == ' '))
        hex[--n] = '\0';
    size_t bin_len = 0;
    if (n != 2 * GV_TOKEN_KEY_BYTES ||
        sodium_hex2bin(key, GV_TOKEN_KEY_BYTES, hex, n, NULL, &bin_len, NULL) != 0 ||
        bin_len != GV_TOKEN_KEY_BYTES) {
        gv_error("token key is malformed", "path=%s expected=\"64 hex digits\"", path);
        goto done;
    }
    rc = 0;
done:
    sodium_memzero(hex, sizeof hex);
    free(path);
    return rc;
}

int gv_token_key_ensure(const char *data_dir)
{
    char *path = s_key_path(data_dir);
    if (!path || sodium_init() < 0) {
        free(path);
        return -1;
    }
    int rc = 0;
    if (access(path, F_OK) != 0) {
        uint8_t key[GV_TOKEN_KEY_BYTES];
        char hex[2 * GV_TOKEN_KEY_BYTES + 1];
        randombytes_buf(key, sizeof key);
        sodium_bin2hex(hex, sizeof hex, key, sizeof key);
        int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
        if (fd < 0 || write(fd, hex, strlen(hex)) != (ssize_t)strlen(hex) || write(fd, "\n", 1) != 1) {
            gv_error("cannot write token key", "path=%s error=\"%s\"", path, strerror(errno));
            rc = -1;
        }
        if (fd >= 0)
            close(fd);
        sodium_memzero(key, sizeof key);
        sodium_memzero(hex, sizeof hex);
    }
    free(path);
    return rc;
}
