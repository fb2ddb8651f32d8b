/*  edge json_mp: msgpack -> JSON (every kind, bin/UTF-8 rules, nesting, limits) and
 *  JSON -> msgpack (round trip, depth refusal leaves the packer untouched). */
#include "gv_test.h"
#include "json_mp.h"

#include <jansson.h>
#include <msgpack.h>
#include <stdlib.h>
#include <string.h>

/* Unpacks sbuffer contents and renders them as JSON into a static string. */
static const char *s_render(const msgpack_sbuffer *sb)
{
    static char out[65536];
    msgpack_zone zone;
    msgpack_zone_init(&zone, 2048);
    msgpack_object obj;
    out[0] = '\0';
    if (msgpack_unpack(sb->data, sb->size, NULL, &zone, &obj) == MSGPACK_UNPACK_SUCCESS) {
        edge_buf_t b;
        edge_buf_init(&b, 0);
        edge_mp_to_json(&b, &obj);
        snprintf(out, sizeof out, "%s", edge_buf_cstr(&b));
        edge_buf_release(&b);
    }
    msgpack_zone_destroy(&zone);
    return out;
}

#define PACK_BEGIN                                                                                 \
    msgpack_sbuffer sb;                                                                            \
    msgpack_sbuffer_init(&sb);                                                                     \
    msgpack_packer pk;                                                                             \
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
#define PACK_END msgpack_sbuffer_destroy(&sb);

static void scalars_render_as_json_scalars(void)
{
    PACK_BEGIN
    msgpack_pack_array(&pk, 9);
    msgpack_pack_nil(&pk);
    msgpack_pack_true(&pk);
    msgpack_pack_false(&pk);
    msgpack_pack_uint64(&pk, UINT64_MAX);
    msgpack_pack_int64(&pk, INT64_MIN);
    msgpack_pack_double(&pk, 1.5);
    msgpack_pack_double(&pk, 0.1);
    msgpack_pack_float(&pk, 2.0f);
    msgpack_pack_str_with_body(&pk, "hi", 2);
    CHECK_STR(s_render(&sb),
              "[null,true,false,18446744073709551615,-9223372036854775808,1.5,0.1,2,\"hi\"]");
    PACK_END
}

static void non_finite_floats_become_null(void)
{
    PACK_BEGIN
    msgpack_pack_array(&pk, 2);
    msgpack_pack_double(&pk, 1.0 / 0.0);
    msgpack_pack_double(&pk, 0.0 / 0.0);
    CHECK_STR(s_render(&sb), "[null,null]");
    PACK_END
}

static void strings_are_escaped(void)
{
    PACK_BEGIN
    const char s[] = "a\"b\\c\nd\te\x01/\xc3\xa9";
    msgpack_pack_str_with_body(&pk, s, sizeof s - 1);
    CHECK_STR(s_render(&sb), "\"a\\\"b\\\\c\\nd\\te\\u0001/\xc3\xa9\"");
    PACK_END
}

static void invalid_utf8_in_str_is_replaced(void)
{
    PACK_BEGIN
    const char s[] = "ok\xff"
                     "x\xc3"; /* stray byte, truncated sequence */
    msgpack_pack_str_with_body(&pk, s, sizeof s - 1);
    CHECK_STR(s_render(&sb), "\"ok\xEF\xBF\xBDx\xEF\xBF\xBD\"");
    PACK_END
}

static void nul_inside_str_is_escaped(void)
{
    PACK_BEGIN
    msgpack_pack_str_with_body(&pk, "a\0b", 3);
    CHECK_STR(s_render(&sb), "\"a\\u0000b\"");
    PACK_END
}

static void bin_that_is_utf8_becomes_a_string(void)
{
    PACK_BEGIN
    msgpack_pack_bin_with_body(&pk, "int main() {}\n", 14);
    CHECK_STR(s_render(&sb), "\"int main() {}\\n\"");
    PACK_END
}

static void bin_that_is_not_utf8_becomes_base64(void)
{
    PACK_BEGIN
    const unsigned char bytes[] = {0x00, 0xff, 0xfe, 0x80};
    msgpack_pack_bin_with_body(&pk, bytes, sizeof bytes);
    CHECK_STR(s_render(&sb), "\"AP/+gA==\"");
    PACK_END
}

static void overlong_and_surrogates_are_not_utf8(void)
{
    CHECK(!edge_utf8_valid("\xc0\xaf", 2));         /* overlong '/' */
    CHECK(!edge_utf8_valid("\xed\xa0\x80", 3));     /* U+D800 */
    CHECK(!edge_utf8_valid("\xf4\x90\x80\x80", 4)); /* past U+10FFFF */
    CHECK(!edge_utf8_valid("\xe0\x80\x80", 3));     /* overlong */
    CHECK(edge_utf8_valid("\xf0\x9f\x98\x80", 4));  /* U+1F600 */
    CHECK(edge_utf8_valid("", 0));
    CHECK(edge_utf8_chars("h\xc3\xa9llo", 6) == 5);
}

static void nested_maps_and_arrays_keep_their_shape(void)
{
    PACK_BEGIN
    msgpack_pack_map(&pk, 3);
    msgpack_pack_str_with_body(&pk, "id", 2);
    msgpack_pack_str_with_body(&pk, "42", 2);
    msgpack_pack_str_with_body(&pk, "tests", 5);
    msgpack_pack_array(&pk, 2);
    msgpack_pack_map(&pk, 1);
    msgpack_pack_str_with_body(&pk, "n", 1);
    msgpack_pack_uint32(&pk, 1);
    msgpack_pack_map(&pk, 0);
    msgpack_pack_str_with_body(&pk, "empty", 5);
    msgpack_pack_array(&pk, 0);
    CHECK_STR(s_render(&sb), "{\"id\":\"42\",\"tests\":[{\"n\":1},{}],\"empty\":[]}");
    PACK_END
}

static void non_string_keys_become_strings(void)
{
    PACK_BEGIN
    msgpack_pack_map(&pk, 3);
    msgpack_pack_uint32(&pk, 7);
    msgpack_pack_true(&pk);
    msgpack_pack_int32(&pk, -3);
    msgpack_pack_nil(&pk);
    msgpack_pack_array(&pk, 1);
    msgpack_pack_uint32(&pk, 1);
    msgpack_pack_nil(&pk);
    CHECK_STR(s_render(&sb), "{\"7\":true,\"-3\":null,\"[1]\":null}");
    PACK_END
}

static void ext_renders_as_null(void)
{
    PACK_BEGIN
    msgpack_pack_ext_with_body(&pk, "abcd", 4, 5);
    CHECK_STR(s_render(&sb), "null");
    PACK_END
}

static void nesting_past_the_limit_is_cut_to_null(void)
{
    PACK_BEGIN
    int depth = EDGE_JSON_MAX_DEPTH + 4; /* still within msgpack-c's own limit of 32 */
    for (int i = 0; i < depth; i++)
        msgpack_pack_array(&pk, 1);
    msgpack_pack_uint32(&pk, 1);
    const char *out = s_render(&sb);
    /* EDGE_JSON_MAX_DEPTH arrays open, then a null, then they close. */
    size_t open = strspn(out, "[");
    CHECK(open == EDGE_JSON_MAX_DEPTH);
    CHECK(strncmp(out + open, "null", 4) == 0);
    CHECK(strlen(out) == 2 * open + 4);
    PACK_END
}

static void large_strings_survive(void)
{
    PACK_BEGIN
    size_t n = 200000;
    char *s = malloc(n);
    memset(s, 'x', n);
    msgpack_pack_str_with_body(&pk, s, n);
    const char *out = s_render(&sb);
    CHECK(out[0] == '"'); /* truncated by the test's own buffer, not by the converter */
    edge_buf_t b;
    edge_buf_init(&b, 512);
    edge_json_str(&b, s, n);
    CHECK(edge_buf_body_len(&b) == n + 2);
    CHECK(!edge_buf_failed(&b));
    edge_buf_release(&b);
    free(s);
    PACK_END
}

static void json_to_msgpack_round_trips(void)
{
    const char *in = "{\"type\":\"float\",\"abs\":1e-06,\"rel\":0.5,\"n\":-3,\"big\":"
                     "9007199254740993,\"ok\":true,\"no\":false,\"none\":null,"
                     "\"list\":[1,\"two\",[3]],\"s\":\"caf\xc3\xa9\"}";
    json_error_t e;
    json_t *j = json_loads(in, JSON_REJECT_DUPLICATES, &e);
    CHECK(j != NULL);
    PACK_BEGIN
    CHECK(edge_json_to_mp(&pk, j, 8) == 0);
    CHECK_STR(s_render(&sb), in);
    PACK_END
    json_decref(j);
}

static void json_to_msgpack_refuses_deep_values_untouched(void)
{
    json_t *j = json_loads("{\"a\":{\"b\":{\"c\":[1]}}}", 0, NULL);
    /* object, object, object, array, scalar: 5 levels */
    CHECK(edge_json_depth_ok(j, 5));
    CHECK(!edge_json_depth_ok(j, 4));
    PACK_BEGIN
    CHECK(edge_json_to_mp(&pk, j, 4) == -1);
    CHECK(sb.size == 0);
    CHECK(edge_json_to_mp(&pk, j, 5) == 0);
    CHECK(sb.size > 0);
    PACK_END
    json_decref(j);
}

static void buffer_headroom_is_kept_in_front(void)
{
    edge_buf_t b;
    edge_buf_init(&b, 100);
    edge_buf_adds(&b, "body");
    CHECK(edge_buf_body_len(&b) == 4);
    CHECK(edge_buf_body(&b) == b.data + 100);
    CHECK_STR(edge_buf_cstr(&b), "body");
    edge_buf_reset(&b, 1 << 20);
    CHECK(edge_buf_body_len(&b) == 0);
    edge_buf_addf(&b, "%0300d", 7); /* longer than addf's stack buffer */
    CHECK(edge_buf_body_len(&b) == 300);
    edge_buf_add_u64(&b, 0);
    CHECK(edge_buf_body(&b)[300] == '0');
    edge_buf_release(&b);
}

int main(void)
{
    RUN(scalars_render_as_json_scalars);
    RUN(non_finite_floats_become_null);
    RUN(strings_are_escaped);
    RUN(invalid_utf8_in_str_is_replaced);
    RUN(nul_inside_str_is_escaped);
    RUN(bin_that_is_utf8_becomes_a_string);
    RUN(bin_that_is_not_utf8_becomes_base64);
    RUN(overlong_and_surrogates_are_not_utf8);
    RUN(nested_maps_and_arrays_keep_their_shape);
    RUN(non_string_keys_become_strings);
    RUN(ext_renders_as_null);
    RUN(nesting_past_the_limit_is_cut_to_null);
    RUN(large_strings_survive);
    RUN(json_to_msgpack_round_trips);
    RUN(json_to_msgpack_refuses_deep_values_untouched);
    RUN(buffer_headroom_is_kept_in_front);
    return TEST_SUMMARY();
}
