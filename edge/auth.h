/*  edge_auth — session tokens and passwords at the edge.
 *
 *  Tokens: `Authorization: Bearer <token>` is checked locally with gv_token_verify (one
 *  HMAC, no round trip). Tokens are stateless and short-lived (token_ttl_s), so logout is a
 *  204 that asks the client to forget its token; nothing is revoked server-side.
 *
 *  Passwords (docs/INTERNALS.md "Passwords"): Argon2id via crypto_pwhash_str with the
 *  INTERACTIVE limits, computed in the HTTP worker thread. Each call costs ~64 MiB and
 *  ~100 ms of CPU, so at most `max_concurrent` run at once; a caller that cannot get a slot
 *  within its wait bound is told to retry (503) rather than queueing unboundedly.
 *  edge_password_dummy_verify() burns the same time as a real verify, for unknown users, so
 *  the response time does not tell whether a username exists.
 */
#ifndef EDGE_AUTH_H
#define EDGE_AUTH_H

#include "gv_token.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define EDGE_TOKEN_MAX 4096
#define EDGE_PWHASH_MAX 128 /* crypto_pwhash_STRBYTES */

typedef enum { EDGE_AUTH_OK = 0, EDGE_AUTH_MISSING = -1, EDGE_AUTH_INVALID = -2 } edge_auth_rc_t;

/* Parses an Authorization header value and verifies the token at now_s. */
edge_auth_rc_t edge_auth_bearer(const uint8_t key[GV_TOKEN_KEY_BYTES], const char *header,
                                uint64_t now_s, gv_claims_t *out);

/* True when role is one of the roles in the NULL-terminated list. */
bool edge_role_in(const char *role, const char *const *roles);
bool edge_role_valid(const char *role);

/* Sets the number of hashes/verifies that may run at once. Call once at start. 0 / -1. */
int edge_auth_init(unsigned max_concurrent);
/* 0 ok; -1 out of memory or error; -2 no slot free within wait_ms. out: EDGE_PWHASH_MAX. */
int edge_password_hash(const char *pw, size_t len, char *out, unsigned wait_ms);
/* 1 match, 0 mismatch (or malformed hash), -2 no slot within wait_ms. */
int edge_password_verify(const char *hash, const char *pw, size_t len, unsigned wait_ms);
/* Makes the dummy hash now (~100 ms) instead of on the first unknown-user login, whose
 * slower answer would otherwise stand out. */
void edge_auth_warm(void);
/* Same cost as a verify that fails; for unknown users. -2 no slot within wait_ms. */
int edge_password_dummy_verify(const char *pw, size_t len, unsigned wait_ms);

#endif
