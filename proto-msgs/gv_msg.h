/*  gv_msg — the one envelope every Gavel node speaks, and its strict msgpack codec.
 *
 *  Wire form: one ZeroMQ frame holding a msgpack array of exactly 7 elements
 *      [version:uint, type:str, corr:uint, from:str, to:str, deadline_ms:uint, body:map]
 *  `deadline_ms` is Unix time in milliseconds (0 = none). `body` is a map with string keys
 *  whose schema is fixed per `type` (see gv_types.h).
 *
 *  Decoding treats every byte as hostile: before msgpack-c sees the buffer, gv_msg_prescan()
 *  walks it and checks that every declared length fits in the bytes that remain, that nesting
 *  is at most GV_MSG_MAX_DEPTH and that the number of objects is bounded — msgpack-c itself
 *  has no limits and would otherwise reserve memory for a hostile declared length. Then the
 *  envelope shape and the body are checked against the type's schema: exact types, bounded
 *  string sizes, required fields present, unknown fields ignored, unknown types rejected.
 *
 *  Ownership: gv_msg_t owns its decoded objects; every `const char *` / `const msgpack_object *`
 *  returned by an accessor lives as long as the message. Encoded buffers (gv_buf_t) belong to
 *  the caller and are freed with gv_buf_free().
 */
#ifndef GV_MSG_H
#define GV_MSG_H

#include <msgpack.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GV_PROTO_VERSION 1
#define GV_MSG_MAX_DEPTH 16
#define GV_MSG_MAX_OBJECTS 200000   /* total msgpack objects in one message */
#define GV_MSG_MAX_BYTES (64u << 20) /* hard cap; cluster.toml may set a lower one */
#define GV_ADDR_MAX 128             /* address strings: "contest/42", "edge-1.w3" */
#define GV_TYPE_MAX 64

typedef struct gv_msg gv_msg_t;

/* Checks declared lengths, depth and object count of one msgpack value occupying exactly
 * `len` bytes. Returns 0 when safe to unpack, -1 with a reason in err otherwise. */
int gv_msg_prescan(const void *data, size_t len, char *err, size_t errlen);

/* Decodes and validates a message. On success *out owns the message and 0 is returned. On
 * failure returns -1 and writes a sentence into err; if the envelope was readable enough, the
 * correlation id and source address are stored in *corr_out / from_out (for an error reply),
 * otherwise they are left 0 / "". from_out may be NULL. */
int gv_msg_decode(const void *data, size_t len, gv_msg_t **out, uint64_t *corr_out,
                  char *from_out, size_t from_len, char *err, size_t errlen);
void gv_msg_destroy(gv_msg_t **self_p);

uint32_t gv_msg_version(const gv_msg_t *m);
const char *gv_msg_type(const gv_msg_t *m);
uint64_t gv_msg_corr(const gv_msg_t *m);
const char *gv_msg_from(const gv_msg_t *m);
const char *gv_msg_to(const gv_msg_t *m);
uint64_t gv_msg_deadline(const gv_msg_t *m);
const msgpack_object *gv_msg_body(const gv_msg_t *m);
/* The raw encoded bytes the message was decoded from (for forwarding unchanged). */
const void *gv_msg_raw(const gv_msg_t *m, size_t *len);

/* Body field accessors. Fields were checked against the schema, so a present field has the
 * declared kind. Strings are NOT NUL-terminated on the wire; gv_msg_str returns a NUL-
 * terminated copy owned by the message (NULL when absent or nil). */
const msgpack_object *gv_msg_field(const gv_msg_t *m, const char *name);
bool gv_msg_has(const gv_msg_t *m, const char *name);
const char *gv_msg_str(const gv_msg_t *m, const char *name);
/* Binary or string field as bytes (not NUL-terminated); NULL when absent. */
const void *gv_msg_bytes(const gv_msg_t *m, const char *name, size_t *len);
int64_t gv_msg_int(const gv_msg_t *m, const char *name, int64_t dflt);
uint64_t gv_msg_uint(const gv_msg_t *m, const char *name, uint64_t dflt);
double gv_msg_float(const gv_msg_t *m, const char *name, double dflt);
bool gv_msg_bool(const gv_msg_t *m, const char *name, bool dflt);

/* Helpers for msgpack_object values (nested maps, arrays) — NULL/dflt when absent or when
 * the object has another kind. */
const msgpack_object *gv_obj_get(const msgpack_object *map, const char *key);
char *gv_obj_strdup(const msgpack_object *o); /* caller frees; NULL if not a str */
bool gv_obj_str_eq(const msgpack_object *o, const char *s);
int64_t gv_obj_int(const msgpack_object *o, int64_t dflt);
double gv_obj_float(const msgpack_object *o, double dflt); /* a float or an integer */
bool gv_obj_bool(const msgpack_object *o, bool dflt);

/* True when n bytes at p contain a NUL. Safe for the NULL pointer msgpack-c hands out for
 * empty strings (memchr on NULL is undefined even for 0 bytes). */
bool gv_bytes_have_nul(const void *p, size_t n);

/* ---- Encoding ------------------------------------------------------------------------- */

typedef struct {
    char *data;
    size_t size;
    size_t alloc;
} gv_buf_t;
void gv_buf_free(gv_buf_t *b);

/* A writer builds one envelope. After gv_writer_new() the caller writes exactly `body_fields`
 * key/value pairs using the gv_w_* helpers (or the raw packer for nested values), then calls
 * gv_writer_finish(), which hands the encoded bytes to the caller. */
typedef struct gv_writer gv_writer_t;
gv_writer_t *gv_writer_new(const char *type, uint64_t corr, const char *from, const char *to,
                           uint64_t deadline_ms, uint32_t body_fields);
msgpack_packer *gv_writer_pk(gv_writer_t *w);
/* Returns 0 and fills *out (caller frees with gv_buf_free); destroys the writer either way. */
int gv_writer_finish(gv_writer_t **w_p, gv_buf_t *out);
void gv_writer_destroy(gv_writer_t **w_p);

/* Packing helpers on a raw packer. */
void gv_pk_str(msgpack_packer *pk, const char *s);            /* NULL packs nil */
void gv_pk_strn(msgpack_packer *pk, const char *s, size_t n);
void gv_pk_bin(msgpack_packer *pk, const void *p, size_t n);
void gv_pk_kv_str(msgpack_packer *pk, const char *k, const char *v);
void gv_pk_kv_int(msgpack_packer *pk, const char *k, int64_t v);
void gv_pk_kv_uint(msgpack_packer *pk, const char *k, uint64_t v);
void gv_pk_kv_bool(msgpack_packer *pk, const char *k, bool v);
void gv_pk_kv_bin(msgpack_packer *pk, const char *k, const void *p, size_t n);
void gv_pk_key(msgpack_packer *pk, const char *k);
/* Re-packs a decoded object (deep copy into the packer). */
void gv_pk_object(msgpack_packer *pk, const msgpack_object *o);

/* ---- Replies -------------------------------------------------------------------------- */
/* Every request is answered by a message of type "reply" to the request's `from`, with the
 * request's corr and body {status:uint, code?:str, message?:str, data?:any}. `status` uses
 * HTTP status numbers so the edge can pass it through (200, 201, 202, 204, 400, 401, 403, 404,
 * 409, 413, 429, 503, 500). */

/* Encodes an error reply. */
int gv_reply_error(const gv_msg_t *req, const char *from, unsigned status, const char *code,
                   const char *message, gv_buf_t *out);
/* Same, for when the request could not be decoded (corr/to taken from gv_msg_decode). */
int gv_reply_error_raw(uint64_t corr, const char *from, const char *to, unsigned status,
                       const char *code, const char *message, gv_buf_t *out);
/* Starts a success reply; if has_data, the caller packs exactly one value (the data) on
 * gv_writer_pk() before gv_writer_finish(). */
gv_writer_t *gv_reply_begin(const gv_msg_t *req, const char *from, unsigned status, bool has_data);

/* Accessors for a decoded reply. */
unsigned gv_reply_status(const gv_msg_t *reply);
const msgpack_object *gv_reply_data(const gv_msg_t *reply); /* NULL when absent */

#endif
