/*  edge_json_mp — JSON <-> msgpack conversion (see json_mp.h). */
#include "json_mp.h"

#include <math.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Length of the well-formed UTF-8 sequence at p (n bytes left), or 0 if malformed. */
static size_t s_utf8_seq(const unsigned char *p, size_t n)
{
    unsigned char c = p[0];
    if (c < 0x80) return 1;
    if (c < 0xC2) return 0; /* continuation byte or overlong 2-byte lead */
    if (c < 0xE0) {
        if (n < 2 || (p[1] & 0xC0) != 0x80) return 0;
        return 2;
    }
    if (c < 0xF0) {
        if (n < 3 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80) return 0;
        if (c == 0xE0 && p[1] < 0xA0) return 0;  /* overlong */
        if (c == 0xED && p[1] >= 0xA0) return 0; /* UTF-16 surrogate */
        return 3;
    }
    if (c < 0xF5) {
        if (n < 4 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80 || (p[3] & 0xC0) != 0x80)
            return 0;
        if (c == 0xF0 && p[1] < 0x90) return 0;  /* overlong */
        if (c == 0xF4 && p[1] >= 0x90) return 0; /* past U+10FFFF */
        return 4;
    }
    return 0;
}

bool edge_utf8_valid(const void *data, size_t n)
{
    const unsigned char *p = data;
    size_t i = 0;
    while (i < n) {
        if (p[i] < 0x80) {
            i++;
            continue;
        }
        size_t k = s_utf8_seq(p + i, n - i);
        if (!k) return false;
        i += k;
    }
    return true;
}

size_t edge_utf8_chars(const char *s, size_t n)
{
    size_t count = 0;
    for (size_t i = 0; i < n; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80) count++;
    return count;
}

void edge_json_str(edge_buf_t *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    if (n == 0) { /* msgpack-c hands out NULL for empty strings: no arithmetic on it */
        edge_buf_add(b, "\"\"", 2);
        return;
    }
    const unsigned char *p = (const unsigned char *)s;
    /* Worst case is 6 output bytes per input byte; reserve once for the common case. */
    if (edge_buf_reserve(b, n + 2) != 0) return;
    edge_buf_addc(b, '"');
    size_t run = 0; /* start of the pending run of bytes that need no escaping */
    size_t i = 0;
    while (i < n) {
        unsigned char c = p[i];
        if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
            i++;
            continue;
        }
        if (c >= 0x80) {
            size_t k = s_utf8_seq(p + i, n - i);
            if (k) {
                i += k;
                continue;
            }
        }
        edge_buf_add(b, p + run, i - run);
        switch (c) {
        case '"':
            edge_buf_add(b, "\\\"", 2);
            break;
        case '\\':
            edge_buf_add(b, "\\\\", 2);
            break;
        case '\n':
            edge_buf_add(b, "\\n", 2);
            break;
        case '\r':
            edge_buf_add(b, "\\r", 2);
            break;
        case '\t':
            edge_buf_add(b, "\\t", 2);
            break;
        case '\b':
            edge_buf_add(b, "\\b", 2);
            break;
        case '\f':
            edge_buf_add(b, "\\f", 2);
            break;
        default:
            if (c < 0x20) {
                char u[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
                edge_buf_add(b, u, 6);
            } else {
                edge_buf_add(b, "\xEF\xBF\xBD", 3); /* U+FFFD for a malformed byte */
            }
        }
        i++;
        run = i;
    }
    edge_buf_add(b, p + run, n - run);
    edge_buf_addc(b, '"');
}

static void s_float(edge_buf_t *b, double d)
{
    if (!isfinite(d)) {
        edge_buf_add(b, "null", 4);
        return;
    }
    char tmp[40];
    snprintf(tmp, sizeof tmp, "%.15g", d);
    if (strtod(tmp, NULL) != d) snprintf(tmp, sizeof tmp, "%.17g", d);
    edge_buf_adds(b, tmp);
}

static void s_bin(edge_buf_t *b, const char *p, size_t n)
{
    if (edge_utf8_valid(p, n)) {
        edge_json_str(b, p, n);
        return;
    }
    size_t b64 = sodium_base64_encoded_len(n, sodium_base64_VARIANT_ORIGINAL);
    if (edge_buf_reserve(b, b64 + 2) != 0) return;
    edge_buf_addc(b, '"');
    sodium_bin2base64(b->data + b->len, b64, (const unsigned char *)p, n,
                      sodium_base64_VARIANT_ORIGINAL);
    b->len += b64 - 1; /* b64 counts the NUL */
    edge_buf_addc(b, '"');
}

static void s_value(edge_buf_t *b, const msgpack_object *o, int depth);

static void s_key(edge_buf_t *b, const msgpack_object *k, int depth)
{
    switch (k->type) {
    case MSGPACK_OBJECT_STR:
        edge_json_str(b, k->via.str.ptr, k->via.str.size);
        return;
    case MSGPACK_OBJECT_POSITIVE_INTEGER:
        edge_buf_addc(b, '"');
        edge_buf_add_u64(b, k->via.u64);
        edge_buf_addc(b, '"');
        return;
    case MSGPACK_OBJECT_NEGATIVE_INTEGER:
        edge_buf_addf(b, "\"%lld\"", (long long)k->via.i64);
        return;
    default: {
        /* Render the key's JSON text, then quote it as a string. */
        edge_buf_t tmp;
        edge_buf_init(&tmp, 0);
        s_value(&tmp, k, depth);
        edge_json_str(b, edge_buf_body(&tmp) ? edge_buf_body(&tmp) : "", edge_buf_body_len(&tmp));
        edge_buf_release(&tmp);
    }
    }
}

static void s_value(edge_buf_t *b, const msgpack_object *o, int depth)
{
    if (depth > EDGE_JSON_MAX_DEPTH) {
        edge_buf_add(b, "null", 4);
        return;
    }
    switch (o->type) {
    case MSGPACK_OBJECT_NIL:
        edge_buf_add(b, "null", 4);
        break;
    case MSGPACK_OBJECT_BOOLEAN:
        if (o->via.boolean)
            edge_buf_add(b, "true", 4);
        else
            edge_buf_add(b, "false", 5);
        break;
    case MSGPACK_OBJECT_POSITIVE_INTEGER:
        edge_buf_add_u64(b, o->via.u64);
        break;
    case MSGPACK_OBJECT_NEGATIVE_INTEGER:
        edge_buf_addf(b, "%lld", (long long)o->via.i64);
        break;
    case MSGPACK_OBJECT_FLOAT32:
    case MSGPACK_OBJECT_FLOAT64:
        s_float(b, o->via.f64);
        break;
    case MSGPACK_OBJECT_STR:
        edge_json_str(b, o->via.str.ptr, o->via.str.size);
        break;
    case MSGPACK_OBJECT_BIN:
        s_bin(b, o->via.bin.ptr, o->via.bin.size);
        break;
    case MSGPACK_OBJECT_ARRAY:
        edge_buf_addc(b, '[');
        for (uint32_t i = 0; i < o->via.array.size; i++) {
            if (i) edge_buf_addc(b, ',');
            s_value(b, &o->via.array.ptr[i], depth + 1);
        }
        edge_buf_addc(b, ']');
        break;
    case MSGPACK_OBJECT_MAP:
        edge_buf_addc(b, '{');
        for (uint32_t i = 0; i < o->via.map.size; i++) {
            if (i) edge_buf_addc(b, ',');
            s_key(b, &o->via.map.ptr[i].key, depth + 1);
            edge_buf_addc(b, ':');
            s_value(b, &o->via.map.ptr[i].val, depth + 1);
        }
        edge_buf_addc(b, '}');
        break;
    default: /* EXT and anything newer */
        edge_buf_add(b, "null", 4);
        break;
    }
}

int edge_mp_to_json(edge_buf_t *b, const msgpack_object *o)
{
    s_value(b, o, 1);
    return 0;
}

/* Depth is checked before anything is packed, so a refused value leaves the packer as it
 * was and the caller can still answer with an error. */
static bool s_depth_ok(const json_t *j, int depth, int max_depth)
{
    if (depth > max_depth) return false;
    const char *key;
    json_t *val;
    size_t i;
    if (json_is_object(j)) {
        json_object_foreach((json_t *)j, key, val)
        {
            if (!s_depth_ok(val, depth + 1, max_depth)) return false;
        }
    } else if (json_is_array(j)) {
        json_array_foreach(j, i, val)
        {
            if (!s_depth_ok(val, depth + 1, max_depth)) return false;
        }
    }
    return true;
}

static void s_pack(msgpack_packer *pk, const json_t *j)
{
    switch (json_typeof(j)) {
    case JSON_OBJECT: {
        const char *key;
        json_t *val;
        msgpack_pack_map(pk, json_object_size(j));
        json_object_foreach((json_t *)j, key, val)
        {
            size_t kl = strlen(key);
            msgpack_pack_str_with_body(pk, key, kl);
            s_pack(pk, val);
        }
        return;
    }
    case JSON_ARRAY: {
        size_t i;
        json_t *val;
        msgpack_pack_array(pk, json_array_size(j));
        json_array_foreach(j, i, val)
        {
            s_pack(pk, val);
        }
        return;
    }
    case JSON_STRING:
        msgpack_pack_str_with_body(pk, json_string_value(j), json_string_length(j));
        return;
    case JSON_INTEGER: {
        json_int_t v = json_integer_value(j);
        if (v >= 0)
            msgpack_pack_uint64(pk, (uint64_t)v);
        else
            msgpack_pack_int64(pk, (int64_t)v);
        return;
    }
    case JSON_REAL:
        msgpack_pack_double(pk, json_real_value(j));
        return;
    case JSON_TRUE:
        msgpack_pack_true(pk);
        return;
    case JSON_FALSE:
        msgpack_pack_false(pk);
        return;
    case JSON_NULL:
    default:
        msgpack_pack_nil(pk);
        return;
    }
}

bool edge_json_depth_ok(const json_t *j, int max_depth)
{
    return s_depth_ok(j, 1, max_depth);
}

int edge_json_to_mp(msgpack_packer *pk, const json_t *j, int max_depth)
{
    if (!s_depth_ok(j, 1, max_depth)) return -1;
    s_pack(pk, j);
    return 0;
}

bool edge_json_text_depth_ok(const char *p, size_t n, int max_depth)
{
    int depth = 0;
    bool in_str = false, esc = false;
    for (size_t i = 0; i < n; i++) {
        char ch = p[i];
        if (in_str) {
            if (esc)
                esc = false;
            else if (ch == '\\')
                esc = true;
            else if (ch == '"')
                in_str = false;
        } else if (ch == '"') {
            in_str = true;
        } else if (ch == '[' || ch == '{') {
            if (++depth > max_depth) return false;
        } else if (ch == ']' || ch == '}') {
            depth--;
        }
    }
    return true;
}
