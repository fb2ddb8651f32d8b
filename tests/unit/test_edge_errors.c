/*  edge errors: the one error body shape, escaping, defaults per status. */
#include "errors.h"
#include "gv_test.h"

#include <jansson.h>
#include <string.h>

/* Parses an error body and checks it is exactly {"error":{"code":str,"message":str}}. */
static void s_check_shape(const char *body, const char *code, const char *message)
{
    json_error_t e;
    json_t *j = json_loads(body, JSON_REJECT_DUPLICATES, &e);
    CHECK(j != NULL);
    if (!j) return;
    CHECK(json_object_size(j) == 1);
    json_t *err = json_object_get(j, "error");
    CHECK(json_is_object(err) && json_object_size(err) == 2);
    CHECK(json_is_string(json_object_get(err, "code")));
    CHECK(json_is_string(json_object_get(err, "message")));
    if (code) CHECK_STR(json_string_value(json_object_get(err, "code")), code);
    if (message) CHECK_STR(json_string_value(json_object_get(err, "message")), message);
    json_decref(j);
}

static void body_has_code_and_message(void)
{
    edge_buf_t b;
    edge_buf_init(&b, 0);
    edge_error_body(&b, 404, "not_found", "problem 7 does not exist");
    CHECK_STR(edge_buf_cstr(&b),
              "{\"error\":{\"code\":\"not_found\",\"message\":\"problem 7 does not exist\"}}");
    s_check_shape(edge_buf_cstr(&b), "not_found", "problem 7 does not exist");
    edge_buf_release(&b);
}

static void messages_are_escaped(void)
{
    edge_buf_t b;
    edge_buf_init(&b, 0);
    edge_error_body(&b, 400, "bad_json", "unexpected \"}\" at line 1\n\tnear \\ \x01");
    s_check_shape(edge_buf_cstr(&b), "bad_json", "unexpected \"}\" at line 1\n\tnear \\ \x01");
    edge_buf_release(&b);
    edge_buf_init(&b, 0);
    edge_error_body(&b, 400, "bad_json", "bad byte \xff here");
    s_check_shape(edge_buf_cstr(&b), "bad_json", "bad byte \xEF\xBF\xBD here");
    edge_buf_release(&b);
}

static void missing_parts_get_defaults(void)
{
    int statuses[] = {400, 401, 403, 404, 405, 409, 413, 429, 500, 503, 418};
    const char *codes[] = {"bad_request",        "unauthorized", "forbidden", "not_found",
                           "method_not_allowed", "conflict",     "too_large", "rate_limited",
                           "internal",           "unavailable",  "error"};
    for (size_t i = 0; i < sizeof statuses / sizeof statuses[0]; i++) {
        edge_buf_t b;
        edge_buf_init(&b, 0);
        edge_error_body(&b, statuses[i], NULL, "");
        s_check_shape(edge_buf_cstr(&b), codes[i], NULL);
        CHECK(strlen(edge_error_message_for(statuses[i])) > 10);
        edge_buf_release(&b);
    }
}

static void err_set_fills_and_returns_minus_one(void)
{
    edge_err_t err;
    CHECK(edge_err_set(&err, 413, "too_large", "`%s` is larger than %d bytes", "source", 65536) ==
          -1);
    CHECK(err.status == 413);
    CHECK_STR(err.code, "too_large");
    CHECK_STR(err.message, "`source` is larger than 65536 bytes");
    char big[1000];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    edge_err_set(&err, 400, "invalid_field", "%s", big);
    CHECK(strlen(err.message) == EDGE_ERR_MSG_MAX - 1); /* truncated, terminated */
}

int main(void)
{
    RUN(body_has_code_and_message);
    RUN(messages_are_escaped);
    RUN(missing_parts_get_defaults);
    RUN(err_set_fills_and_returns_minus_one);
    return TEST_SUMMARY();
}
