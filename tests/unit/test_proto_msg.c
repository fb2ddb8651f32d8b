/*  Envelope codec: round trips, and every kind of hostile input the decoder must refuse
 *  without crashing or over-allocating. */
#include "gv_msg.h"
#include "gv_types.h"
#include "gv_test.h"

#include <stdlib.h>

static gv_buf_t s_register(const char *user)
{
    gv_writer_t *w = gv_writer_new("accounts.register", 42, "edge-1.w0", "accounts", 123, 2);
    gv_pk_kv_str(gv_writer_pk(w), "username", user);
    gv_pk_kv_str(gv_writer_pk(w), "password_hash", "$argon2id$...");
    gv_buf_t b;
    if (gv_writer_finish(&w, &b) != 0)
        abort();
    return b;
}

static int s_decode(const void *p, size_t n, gv_msg_t **m, char *err)
{
    return gv_msg_decode(p, n, m, NULL, NULL, 0, err, 256);
}

static void roundtrip_keeps_every_envelope_field(void)
{
    gv_buf_t b = s_register("alice");
    gv_msg_t *m = NULL;
    char err[256];
    CHECK(s_decode(b.data, b.size, &m, err) == 0);
    CHECK_STR(gv_msg_type(m), "accounts.register");
    CHECK(gv_msg_corr(m) == 42);
    CHECK_STR(gv_msg_from(m), "edge-1.w0");
    CHECK_STR(gv_msg_to(m), "accounts");
    CHECK(gv_msg_deadline(m) == 123);
    CHECK_STR(gv_msg_str(m, "username"), "alice");
    CHECK(!gv_msg_has(m, "display_name"));
    size_t rl;
    const void *raw = gv_msg_raw(m, &rl);
    CHECK(rl == b.size && memcmp(raw, b.data, rl) == 0);
    gv_msg_destroy(&m);
    CHECK(m == NULL);
    gv_buf_free(&b);
}

static void every_truncation_is_refused(void)
{
    gv_buf_t b = s_register("bob");
    for (size_t n = 0; n < b.size; n++) {
        gv_msg_t *m = NULL;
        char err[256];
        CHECK(s_decode(b.data, n, &m, err) == -1);
        CHECK(m == NULL);
    }
    gv_buf_free(&b);
}

static void trailing_bytes_are_refused(void)
{
    gv_buf_t b = s_register("carol");
    char *p = malloc(b.size + 1);
    memcpy(p, b.data, b.size);
    p[b.size] = 0x01;
    gv_msg_t *m = NULL;
    char err[256];
    CHECK(s_decode(p, b.size + 1, &m, err) == -1);
    CHECK_CONTAINS(err, "trailing");
    free(p);
    gv_buf_free(&b);
}

static void huge_declared_lengths_are_refused_before_allocation(void)
{
    /* str32 claiming 4 GiB, array32 claiming 4 G elements, map32 likewise: 5 bytes each */
    const unsigned char str32[] = {0xdb, 0xff, 0xff, 0xff, 0xff};
    const unsigned char arr32[] = {0xdd, 0xff, 0xff, 0xff, 0xff};
    const unsigned char map32[] = {0xdf, 0xff, 0xff, 0xff, 0xff};
    const unsigned char bin32[] = {0xc6, 0x7f, 0xff, 0xff, 0xff, 0x00};
    char err[256];
    CHECK(gv_msg_prescan(str32, sizeof str32, err, sizeof err) == -1);
    CHECK_CONTAINS(err, "exceeds");
    CHECK(gv_msg_prescan(arr32, sizeof arr32, err, sizeof err) == -1);
    CHECK(gv_msg_prescan(map32, sizeof map32, err, sizeof err) == -1);
    CHECK(gv_msg_prescan(bin32, sizeof bin32, err, sizeof err) == -1);
    gv_msg_t *m = NULL;
    CHECK(s_decode(arr32, sizeof arr32, &m, err) == -1);
}

static void deep_nesting_is_refused(void)
{
    unsigned char deep[200];
    for (size_t i = 0; i < sizeof deep - 1; i++)
        deep[i] = 0x91; /* fixarray of 1 */
    deep[sizeof deep - 1] = 0x00;
    char err[256];
    CHECK(gv_msg_prescan(deep, sizeof deep, err, sizeof err) == -1);
    CHECK_CONTAINS(err, "nested");
    /* at the limit it is fine */
    unsigned char ok[GV_MSG_MAX_DEPTH + 1];
    for (size_t i = 0; i < GV_MSG_MAX_DEPTH; i++)
        ok[i] = 0x91;
    ok[GV_MSG_MAX_DEPTH] = 0x00;
    CHECK(gv_msg_prescan(ok, sizeof ok, err, sizeof err) == 0);
}

static void ext_types_are_refused(void)
{
    const unsigned char ext[] = {0xd4, 0x01, 0x02};
    char err[256];
    CHECK(gv_msg_prescan(ext, sizeof ext, err, sizeof err) == -1);
}

static gv_buf_t s_custom(const char *type, int version, int body_kind)
{
    msgpack_sbuffer sb;
    msgpack_sbuffer_init(&sb);
    msgpack_packer pk;
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    msgpack_pack_array(&pk, 7);
    msgpack_pack_int(&pk, version);
    gv_pk_str(&pk, type);
    msgpack_pack_uint64(&pk, 7);
    gv_pk_str(&pk, "edge-1.w0");
    gv_pk_str(&pk, "accounts");
    msgpack_pack_uint64(&pk, 0);
    if (body_kind == 0) { /* username is an int: wrong type */
        msgpack_pack_map(&pk, 2);
        gv_pk_kv_int(&pk, "username", 5);
        gv_pk_kv_str(&pk, "password_hash", "x");
    } else if (body_kind == 1) { /* missing required password_hash, unknown extra field */
        msgpack_pack_map(&pk, 2);
        gv_pk_kv_str(&pk, "username", "dave");
        gv_pk_kv_str(&pk, "shoe_size", "44");
    } else if (body_kind == 2) { /* body not a map */
        msgpack_pack_array(&pk, 0);
    } else { /* valid + unknown field ignored */
        msgpack_pack_map(&pk, 3);
        gv_pk_kv_str(&pk, "username", "erin");
        gv_pk_kv_str(&pk, "password_hash", "x");
        gv_pk_kv_str(&pk, "future_field", "ignored");
    }
    gv_buf_t b = {sb.data, sb.size, sb.alloc};
    return b;
}

static void wrong_types_and_missing_fields_are_named(void)
{
    char err[256];
    gv_msg_t *m = NULL;
    uint64_t corr = 0;
    char from[64];
    gv_buf_t b = s_custom("accounts.register", 1, 0);
    CHECK(gv_msg_decode(b.data, b.size, &m, &corr, from, sizeof from, err, sizeof err) == -1);
    CHECK_CONTAINS(err, "username");
    CHECK(corr == 7); /* enough envelope read to address an error reply */
    CHECK_STR(from, "edge-1.w0");
    gv_buf_free(&b);
    b = s_custom("accounts.register", 1, 1);
    CHECK(s_decode(b.data, b.size, &m, err) == -1);
    CHECK_CONTAINS(err, "password_hash");
    gv_buf_free(&b);
    b = s_custom("accounts.register", 1, 2);
    CHECK(s_decode(b.data, b.size, &m, err) == -1);
    gv_buf_free(&b);
    b = s_custom("accounts.register", 1, 3);
    CHECK(s_decode(b.data, b.size, &m, err) == 0);
    gv_msg_destroy(&m);
    gv_buf_free(&b);
}

static void unknown_type_and_version_are_refused(void)
{
    char err[256];
    gv_msg_t *m = NULL;
    gv_buf_t b = s_custom("accounts.launch_missiles", 1, 3);
    CHECK(s_decode(b.data, b.size, &m, err) == -1);
    CHECK_CONTAINS(err, "unknown message type");
    gv_buf_free(&b);
    b = s_custom("accounts.register", 2, 3);
    CHECK(s_decode(b.data, b.size, &m, err) == -1);
    CHECK_CONTAINS(err, "version");
    gv_buf_free(&b);
}

static void oversized_fields_are_refused(void)
{
    size_t n = 300;
    char *big = malloc(n + 1);
    memset(big, 'a', n);
    big[n] = '\0';
    gv_buf_t b = s_register(big); /* username max is 256 */
    gv_msg_t *m = NULL;
    char err[256];
    CHECK(s_decode(b.data, b.size, &m, err) == -1);
    CHECK_CONTAINS(err, "too long");
    gv_buf_free(&b);
    free(big);
}

static void nul_inside_strings_is_refused(void)
{
    gv_writer_t *w = gv_writer_new("accounts.auth", 1, "e", "accounts", 0, 1);
    gv_pk_key(gv_writer_pk(w), "username");
    gv_pk_strn(gv_writer_pk(w), "ad\0min", 6);
    gv_buf_t b;
    CHECK(gv_writer_finish(&w, &b) == 0);
    gv_msg_t *m = NULL;
    char err[256];
    CHECK(s_decode(b.data, b.size, &m, err) == -1);
    gv_buf_free(&b);
}

static void nested_array_elements_are_checked(void)
{
    gv_writer_t *w = gv_writer_new("judge.result", 1, "judge-1", "submissions", 0, 6);
    msgpack_packer *pk = gv_writer_pk(w);
    gv_pk_kv_uint(pk, "sub_id", 1);
    gv_pk_kv_uint(pk, "attempt", 1);
    gv_pk_kv_str(pk, "verdict", "AC");
    gv_pk_kv_uint(pk, "time_ms", 1);
    gv_pk_kv_uint(pk, "memory_kb", 1);
    gv_pk_key(pk, "tests");
    msgpack_pack_array(pk, 1);
    msgpack_pack_map(pk, 1);
    gv_pk_kv_str(pk, "n", "one"); /* n must be uint */
    gv_buf_t b;
    CHECK(gv_writer_finish(&w, &b) == 0);
    gv_msg_t *m = NULL;
    char err[256];
    CHECK(s_decode(b.data, b.size, &m, err) == -1);
    CHECK_CONTAINS(err, "tests");
    gv_buf_free(&b);
}

static void replies_carry_status_code_and_data(void)
{
    gv_buf_t req = s_register("frank");
    gv_msg_t *m = NULL;
    char err[256];
    CHECK(s_decode(req.data, req.size, &m, err) == 0);
    gv_buf_t rb;
    CHECK(gv_reply_error(m, "accounts", 409, "username_taken", "that username is taken", &rb) == 0);
    gv_msg_t *r = NULL;
    CHECK(s_decode(rb.data, rb.size, &r, err) == 0);
    CHECK(gv_reply_status(r) == 409);
    CHECK_STR(gv_msg_str(r, "code"), "username_taken");
    CHECK_STR(gv_msg_to(r), "edge-1.w0");
    CHECK(gv_msg_corr(r) == 42);
    gv_msg_destroy(&r);
    gv_buf_free(&rb);

    gv_writer_t *w = gv_reply_begin(m, "accounts", 201, true);
    msgpack_pack_map(gv_writer_pk(w), 1);
    gv_pk_kv_str(gv_writer_pk(w), "id", "17");
    CHECK(gv_writer_finish(&w, &rb) == 0);
    CHECK(s_decode(rb.data, rb.size, &r, err) == 0);
    CHECK(gv_reply_status(r) == 201);
    CHECK(gv_obj_str_eq(gv_obj_get(gv_reply_data(r), "id"), "17"));
    gv_msg_destroy(&r);
    gv_buf_free(&rb);
    gv_msg_destroy(&m);
    gv_buf_free(&req);
}

static void every_schema_is_findable_and_verdicts_known(void)
{
    size_t n;
    const gv_schema_t *const *all = gv_types_all(&n);
    CHECK(n > 20);
    for (size_t i = 0; i < n; i++)
        CHECK(gv_types_find(all[i]->type, strlen(all[i]->type)) == all[i]);
    CHECK(gv_verdict_valid("AC") && gv_verdict_valid("JE") && !gv_verdict_valid("XX"));
}

int main(void)
{
    RUN(roundtrip_keeps_every_envelope_field);
    RUN(every_truncation_is_refused);
    RUN(trailing_bytes_are_refused);
    RUN(huge_declared_lengths_are_refused_before_allocation);
    RUN(deep_nesting_is_refused);
    RUN(ext_types_are_refused);
    RUN(wrong_types_and_missing_fields_are_named);
    RUN(unknown_type_and_version_are_refused);
    RUN(oversized_fields_are_refused);
    RUN(nul_inside_strings_is_refused);
    RUN(nested_array_elements_are_checked);
    RUN(replies_carry_status_code_and_data);
    RUN(every_schema_is_findable_and_verdicts_known);
    return TEST_SUMMARY();
}
