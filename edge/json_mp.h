/*  edge_json_mp — JSON text <-> msgpack for the edge.
 *
 *  Replies from actors carry `data` that is already the JSON shape of API.md (ids as strings,
 *  times as RFC 3339), so msgpack -> JSON is generic and written straight into a buffer
 *  (no intermediate json_t tree on the hot path):
 *      map -> object (str keys as they are; integer keys as decimal strings; other keys are
 *             rendered as their JSON text in a string), array -> array, str -> string,
 *      int -> number, float -> number (NaN/Inf -> null), bool, nil -> null,
 *      bin -> string when it is valid UTF-8, otherwise the standard base64 text of the bytes
 *             (note: nothing in the JSON marks the base64 case; a schema that carries real
 *             binary documents it per field), ext -> null.
 *  Strings that are not valid UTF-8 have each bad byte replaced by U+FFFD, so the output is
 *  always valid JSON. Nesting deeper than EDGE_JSON_MAX_DEPTH is rendered as null.
 *
 *  JSON -> msgpack (for request fields such as a problem's `checker`) maps jansson values the
 *  other way round; integers become int/uint, reals float64.
 */
#ifndef EDGE_JSON_MP_H
#define EDGE_JSON_MP_H

#include "buf.h"

#include <jansson.h>
#include <msgpack.h>
#include <stdbool.h>
#include <stddef.h>

#define EDGE_JSON_MAX_DEPTH 24 /* msgpack-c itself stops at 32; gv_msg at 16 */

/* True when p[0..n) is well-formed UTF-8 (no overlongs, surrogates or code points past
 * U+10FFFF). */
bool edge_utf8_valid(const void *p, size_t n);
/* Number of code points in valid UTF-8 (counts lead bytes). */
size_t edge_utf8_chars(const char *s, size_t n);

/* Appends s[0..n) as a quoted JSON string. */
void edge_json_str(edge_buf_t *b, const char *s, size_t n);
static inline void edge_json_cstr(edge_buf_t *b, const char *s)
{
    edge_json_str(b, s, __builtin_strlen(s));
}

/* Appends the JSON text of a msgpack value. Returns 0 (buffer errors are sticky in b). */
int edge_mp_to_json(edge_buf_t *b, const msgpack_object *o);

/* True when j nests at most max_depth levels (a scalar is 1, [1] is 2). */
bool edge_json_depth_ok(const json_t *j, int max_depth);
/* Scans JSON text (before parsing: jansson recurses, and civetweb workers have small stacks)
 * and tells whether brackets outside strings nest at most max_depth deep. */
bool edge_json_text_depth_ok(const char *p, size_t n, int max_depth);
/* Packs a jansson value as msgpack. Returns 0, or -1 when nesting exceeds max_depth. */
int edge_json_to_mp(msgpack_packer *pk, const json_t *j, int max_depth);

#endif
