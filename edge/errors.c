/*  edge_errors — API error bodies (see errors.h). */
#include "errors.h"

#include "json_mp.h"

#include <stdarg.h>
#include <stdio.h>

int edge_err_set(edge_err_t *err, int status, const char *code, const char *fmt, ...)
{
    err->status = status;
    err->code = code;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    return -1;
}

const char *edge_error_code_for(int status)
{
    switch (status) {
    case 400:
        return "bad_request";
    case 401:
        return "unauthorized";
    case 403:
        return "forbidden";
    case 404:
        return "not_found";
    case 405:
        return "method_not_allowed";
    case 409:
        return "conflict";
    case 413:
        return "too_large";
    case 429:
        return "rate_limited";
    case 503:
        return "unavailable";
    default:
        return status >= 500 ? "internal" : "error";
    }
}

const char *edge_error_message_for(int status)
{
    switch (status) {
    case 400:
        return "the request is not valid";
    case 401:
        return "sign in first: send `Authorization: Bearer <token>`";
    case 403:
        return "you are not allowed to do this";
    case 404:
        return "no such resource";
    case 405:
        return "this method is not allowed here";
    case 409:
        return "the request conflicts with the current state";
    case 413:
        return "the request is too large";
    case 429:
        return "too many requests; retry later";
    case 503:
        return "a service behind the edge is unavailable; retry later";
    default:
        return status >= 500 ? "internal error; retry later" : "the request failed";
    }
}

void edge_error_body(edge_buf_t *b, int status, const char *code, const char *message)
{
    edge_buf_add(b, "{\"error\":{\"code\":", 17);
    edge_json_cstr(b, code && *code ? code : edge_error_code_for(status));
    edge_buf_add(b, ",\"message\":", 11);
    edge_json_cstr(b, message && *message ? message : edge_error_message_for(status));
    edge_buf_add(b, "}}", 2);
}
