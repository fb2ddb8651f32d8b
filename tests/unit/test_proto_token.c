/*  Session tokens: signed, verified locally, refused when tampered with or expired. */
#include "gv_token.h"
#include "gv_test.h"

#include <stdlib.h>
#include <time.h>

static const uint8_t key[GV_TOKEN_KEY_BYTES] = "0123456789abcdef0123456789abcde";

static char *s_token(uint64_t exp)
{
    gv_claims_t c = {.user_id = 17, .exp = exp};
    strcpy(c.role, "jury");
    strcpy(c.username, "ann");
    return gv_token_sign(key, &c);
}

static void a_signed_token_verifies_with_its_claims(void)
{
    uint64_t now = (uint64_t)time(NULL);
    char *t = s_token(now + 60);
    gv_claims_t out;
    CHECK(t && gv_token_verify(key, t, now, &out) == 0);
    CHECK(out.user_id == 17);
    CHECK_STR(out.role, "jury");
    CHECK_STR(out.username, "ann");
    free(t);
}

static void expired_tokens_are_refused(void)
{
    uint64_t now = (uint64_t)time(NULL);
    char *t = s_token(now - 1);
    gv_claims_t out;
    CHECK(gv_token_verify(key, t, now, &out) == -1);
    free(t);
}

static void tampering_anywhere_is_refused(void)
{
    uint64_t now = (uint64_t)time(NULL);
    char *t = s_token(now + 60);
    size_t n = strlen(t);
    for (size_t i = 0; i < n; i++) {
        if (t[i] == '.')
            continue;
        char saved = t[i];
        t[i] = saved == 'A' ? 'B' : 'A';
        gv_claims_t out;
        CHECK(gv_token_verify(key, t, now, &out) == -1);
        t[i] = saved;
    }
    uint8_t other[GV_TOKEN_KEY_BYTES] = {1};
    CHECK(gv_token_verify(other, t, now, NULL) == -1);
    free(t);
}

static void garbage_is_refused(void)
{
    CHECK(gv_token_verify(key, "", 0, NULL) == -1);
    CHECK(gv_token_verify(key, "a.b", 0, NULL) == -1);
    CHECK(gv_token_verify(key, "a.b.c", 0, NULL) == -1);
    CHECK(gv_token_verify(key, NULL, 0, NULL) == -1);
    char *big = malloc(10000);
    memset(big, 'a', 9999);
    big[9999] = '\0';
    big[10] = '.';
    big[20] = '.';
    CHECK(gv_token_verify(key, big, 0, NULL) == -1);
    free(big);
}

int main(void)
{
    RUN(a_signed_token_verifies_with_its_claims);
    RUN(expired_tokens_are_refused);
    RUN(tampering_anywhere_is_refused);
    RUN(garbage_is_refused);
    return TEST_SUMMARY();
}
