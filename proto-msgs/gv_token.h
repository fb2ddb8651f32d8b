/*  gv_token — signed session tokens (JWT, HS256) that edges verify without a round trip.
 *  Claims: sub (user id, string), role (contestant|jury|admin), name (username), iat, exp.
 *  The key is 32 random bytes kept in <data>/keys/token.key (mode 0600, hex).
 */
#ifndef GV_TOKEN_H
#define GV_TOKEN_H

#include <stddef.h>
#include <stdint.h>

#define GV_TOKEN_KEY_BYTES 32

typedef struct {
    uint64_t user_id;
    char role[16];
    char username[64];
    uint64_t exp; /* Unix seconds */
} gv_claims_t;

/* Returns a malloc'd token (caller frees) or NULL. */
char *gv_token_sign(const uint8_t key[GV_TOKEN_KEY_BYTES], const gv_claims_t *claims);
/* 0 when the signature is good and the token has not expired at now_s; -1 otherwise. */
int gv_token_verify(const uint8_t key[GV_TOKEN_KEY_BYTES], const char *token, uint64_t now_s,
                    gv_claims_t *out);
/* Reads <data_dir>/keys/token.key. 0 / -1 (with a log line). */
int gv_token_key_load(const char *data_dir, uint8_t key[GV_TOKEN_KEY_BYTES]);
/* Creates it (0600) if missing. */
int gv_token_key_ensure(const char *data_dir);

#endif
