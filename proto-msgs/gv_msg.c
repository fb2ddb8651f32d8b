/*  gv_msg — envelope codec with hostile-input checks (see gv_msg.h).
 *
 *  Decoding happens in three steps, each refusing what the next could not survive:
 *    1. gv_msg_prescan walks the raw bytes without allocating: every declared length must fit
 *       in what remains, containers nest at most GV_MSG_MAX_DEPTH deep, the object count is
 *       bounded, and exactly one value fills the buffer. Only then may msgpack-c allocate.
 *    2. msgpack-c unpacks into a zone owned by the message.
 *    3. The envelope shape is checked, the type looked up, the body checked against its schema.
 *  Strings and bins in the unpacked objects point into the message's private copy of the bytes.
 */
#include "gv_msg.h"
#include "gv_types.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct gv_msg {
    char *raw; /* private copy of the encoded bytes; msgpack objects point into it */
    size_t raw_len;
    msgpack_unpacked up;
    uint32_t version;
    char type[GV_TYPE_MAX + 1];
    uint64_t corr;
    char from[GV_ADDR_MAX + 1];
    char to[GV_ADDR_MAX + 1];
    uint64_t deadline;
    const msgpack_object *body;
    struct strcopy {
        struct strcopy *next;
        char s[];
    } * copies; /* NUL-terminated copies handed out by gv_msg_str */
};

/* ---- prescan ------------------------------------------------------------------------------ */

static uint64_t s_be(const unsigned char *p, int n)
{
    uint64_t v = 0;
    for (int i = 0; i < n; i++)
        v = (v << 8) | p[i];
    return v;
}

int gv_msg_prescan(const void *data, size_t len, char *err, size_t errlen)
{
    const unsigned char *p = data, *end = p + len;
    /* pending[d] = values still expected at depth d; depth 0 expects exactly one value */
    uint64_t pending[GV_MSG_MAX_DEPTH + 2];
    int depth = 0;
    uint64_t objects = 0;
    pending[0] = 1;
    if (!data || len == 0) {
        snprintf(err, errlen, "empty message");
        return -1;
    }
    while (depth >= 0) {
        if (pending[depth] == 0) {
            depth--;
            continue;
        }
        pending[depth]--;
        if (p >= end) {
            snprintf(err, errlen, "truncated message");
            return -1;
        }
        if (++objects > GV_MSG_MAX_OBJECTS) {
            snprintf(err, errlen, "message has too many objects (limit %u)", GV_MSG_MAX_OBJECTS);
            return -1;
        }
        unsigned char b = *p++;
        uint64_t payload = 0, children = 0;
        int hdr = 0;
        if (b <= 0x7f || b >= 0xe0 || b == 0xc0 || b == 0xc2 || b == 0xc3) {
            /* fixint, nil, bool */
        } else if (b >= 0x80 && b <= 0x8f) {
            children = 2u * (b & 0x0f);
        } else if (b >= 0x90 && b <= 0x9f) {
            children = b & 0x0f;
        } else if (b >= 0xa0 && b <= 0xbf) {
            payload = b & 0x1f;
        } else {
            switch (b) {
            case 0xc4: case 0xd9: hdr = 1; break; /* bin8, str8 */
            case 0xc5: case 0xda: hdr = 2; break;
            case 0xc6: case 0xdb: hdr = 4; break;
            case 0xca: payload = 4; break;
            case 0xcb: payload = 8; break;
            case 0xcc: case 0xd0: payload = 1; break;
            case 0xcd: case 0xd1: payload = 2; break;
            case 0xce: case 0xd2: payload = 4; break;
            case 0xcf: case 0xd3: payload = 8; break;
            case 0xdc: case 0xde: hdr = 2; break; /* array16, map16 */
            case 0xdd: case 0xdf: hdr = 4; break;
            default:
                snprintf(err, errlen, "unsupported msgpack byte 0x%02x (ext types are not used)", b);
                return -1;
            }
            if (hdr) {
                if ((size_t)(end - p) < (size_t)hdr) {
                    snprintf(err, errlen, "truncated length header");
                    return -1;
                }
                uint64_t n = s_be(p, hdr);
                p += hdr;
                if (b == 0xdc || b == 0xdd)
                    children = n;
                else if (b == 0xde || b == 0xdf)
                    children = 2 * n;
                else
                    payload = n;
            }
        }
        if (payload > (uint64_t)(end - p)) {
            snprintf(err, errlen, "declared length %llu exceeds the %zu bytes that remain",
                     (unsigned long long)payload, (size_t)(end - p));
            return -1;
        }
        p += payload;
        if (children) {
            /* every child needs at least one byte */
            if (children > (uint64_t)(end - p)) {
                snprintf(err, errlen, "declared %llu elements but only %zu bytes remain",
                         (unsigned long long)children, (size_t)(end - p));
                return -1;
            }
            if (depth + 1 > GV_MSG_MAX_DEPTH) {
                snprintf(err, errlen, "message nested deeper than %d levels", GV_MSG_MAX_DEPTH);
                return -1;
            }
            pending[++depth] = children;
        }
    }
    if (p != end) {
        snprintf(err, errlen, "%zu trailing bytes after the message", (size_t)(end - p));
        return -1;
    }
    return 0;
}

/* ---- decode ------------------------------------------------------------------------------- */

bool gv_bytes_have_nul(const void *p, size_t n)
{
    return n > 0 && memchr(p, '\0', n) != NULL;
}

/* Empty strings come from msgpack-c with a NULL pointer: no mem* call may see it. */
static int s_copy_str(const msgpack_object *o, char *dst, size_t cap)
{
    if (o->type != MSGPACK_OBJECT_STR || o->via.str.size >= cap ||
        gv_bytes_have_nul(o->via.str.ptr, o->via.str.size))
        return -1;
    if (o->via.str.size)
        memcpy(dst, o->via.str.ptr, o->via.str.size);
    dst[o->via.str.size] = '\0';
    return 0;
}

int gv_msg_decode(const void *data, size_t len, gv_msg_t **out, uint64_t *corr_out,
                  char *from_out, size_t from_len, char *err, size_t errlen)
{
    *out = NULL;
    if (corr_out)
        *corr_out = 0;
    if (from_out && from_len)
        from_out[0] = '\0';
    if (len > GV_MSG_MAX_BYTES) {
        snprintf(err, errlen, "message of %zu bytes exceeds the %u-byte limit", len, GV_MSG_MAX_BYTES);
        return -1;
    }
    if (gv_msg_prescan(data, len, err, errlen) != 0)
        return -1;
    gv_msg_t *m = calloc(1, sizeof *m);
    if (!m) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    m->raw = malloc(len);
    if (!m->raw) {
        free(m);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    memcpy(m->raw, data, len);
    m->raw_len = len;
    msgpack_unpacked_init(&m->up);
    size_t off = 0;
    if (msgpack_unpack_next(&m->up, m->raw, len, &off) != MSGPACK_UNPACK_SUCCESS || off != len) {
        snprintf(err, errlen, "malformed msgpack");
        goto fail;
    }
    const msgpack_object *root = &m->up.data;
    if (root->type != MSGPACK_OBJECT_ARRAY || root->via.array.size != 7) {
        snprintf(err, errlen, "envelope must be an array of 7 elements");
        goto fail;
    }
    const msgpack_object *e = root->via.array.ptr;
    /* corr and from first, so an error reply can be addressed even if the rest is bad */
    if (e[2].type == MSGPACK_OBJECT_POSITIVE_INTEGER && corr_out)
        *corr_out = e[2].via.u64;
    if (from_out && from_len && s_copy_str(&e[3], from_out, from_len < GV_ADDR_MAX + 1 ? from_len : GV_ADDR_MAX + 1) != 0)
        from_out[0] = '\0';
    if (e[0].type != MSGPACK_OBJECT_POSITIVE_INTEGER || e[0].via.u64 != GV_PROTO_VERSION) {
        snprintf(err, errlen, "unsupported protocol version (this node speaks %d)", GV_PROTO_VERSION);
        goto fail;
    }
    m->version = GV_PROTO_VERSION;
    if (s_copy_str(&e[1], m->type, sizeof m->type) != 0) {
        snprintf(err, errlen, "envelope field `type` must be a string of at most %d bytes", GV_TYPE_MAX);
        goto fail;
    }
    if (e[2].type != MSGPACK_OBJECT_POSITIVE_INTEGER) {
        snprintf(err, errlen, "envelope field `corr` must be a non-negative integer");
        goto fail;
    }
    m->corr = e[2].via.u64;
    if (s_copy_str(&e[3], m->from, sizeof m->from) != 0 || m->from[0] == '\0') {
        snprintf(err, errlen, "envelope field `from` must be a non-empty address of at most %d bytes", GV_ADDR_MAX);
        goto fail;
    }
    if (s_copy_str(&e[4], m->to, sizeof m->to) != 0 || m->to[0] == '\0') {
        snprintf(err, errlen, "envelope field `to` must be a non-empty address of at most %d bytes", GV_ADDR_MAX);
        goto fail;
    }
    if (e[5].type != MSGPACK_OBJECT_POSITIVE_INTEGER) {
        snprintf(err, errlen, "envelope field `deadline` must be a non-negative integer");
        goto fail;
    }
    m->deadline = e[5].via.u64;
    const gv_schema_t *schema = gv_types_find(m->type, strlen(m->type));
    if (!schema) {
        snprintf(err, errlen, "unknown message type `%s`", m->type);
        goto fail;
    }
    char why[256];
    if (gv_types_check(schema, &e[6], why, sizeof why) != 0) {
        snprintf(err, errlen, "%s: %s", m->type, why);
        goto fail;
    }
    m->body = &e[6];
    *out = m;
    return 0;
fail:
    gv_msg_destroy(&m);
    return -1;
}

void gv_msg_destroy(gv_msg_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    gv_msg_t *m = *self_p;
    msgpack_unpacked_destroy(&m->up);
    while (m->copies) {
        struct strcopy *n = m->copies->next;
        free(m->copies);
        m->copies = n;
    }
    free(m->raw);
    free(m);
    *self_p = NULL;
}

uint32_t gv_msg_version(const gv_msg_t *m) { return m->version; }
const char *gv_msg_type(const gv_msg_t *m) { return m->type; }
uint64_t gv_msg_corr(const gv_msg_t *m) { return m->corr; }
const char *gv_msg_from(const gv_msg_t *m) { return m->from; }
const char *gv_msg_to(const gv_msg_t *m) { return m->to; }
uint64_t gv_msg_deadline(const gv_msg_t *m) { return m->deadline; }
const msgpack_object *gv_msg_body(const gv_msg_t *m) { return m->body; }

const void *gv_msg_raw(const gv_msg_t *m, size_t *len)
{
    *len = m->raw_len;
    return m->raw;
}

const msgpack_object *gv_obj_get(const msgpack_object *map, const char *key)
{
    if (!map || map->type != MSGPACK_OBJECT_MAP)
        return NULL;
    size_t kl = strlen(key);
    for (uint32_t i = 0; i < map->via.map.size; i++) {
        const msgpack_object *k = &map->via.map.ptr[i].key;
        if (k->type == MSGPACK_OBJECT_STR && k->via.str.size == kl &&
            (kl == 0 || memcmp(k->via.str.ptr, key, kl) == 0)) {
            const msgpack_object *v = &map->via.map.ptr[i].val;
            return v->type == MSGPACK_OBJECT_NIL ? NULL : v;
        }
    }
    return NULL;
}

const msgpack_object *gv_msg_field(const gv_msg_t *m, const char *name)
{
    return gv_obj_get(m->body, name);
}

bool gv_msg_has(const gv_msg_t *m, const char *name)
{
    return gv_msg_field(m, name) != NULL;
}

const char *gv_msg_str(const gv_msg_t *m, const char *name)
{
    const msgpack_object *o = gv_msg_field(m, name);
    if (!o)
        return NULL;
    const char *p;
    size_t n;
    if (o->type == MSGPACK_OBJECT_STR) {
        p = o->via.str.ptr;
        n = o->via.str.size;
    } else if (o->type == MSGPACK_OBJECT_BIN) {
        p = o->via.bin.ptr;
        n = o->via.bin.size;
    } else {
        return NULL;
    }
    struct strcopy *c = malloc(sizeof *c + n + 1);
    if (!c)
        return NULL;
    if (n)
        memcpy(c->s, p, n);
    c->s[n] = '\0';
    c->next = ((gv_msg_t *)m)->copies;
    ((gv_msg_t *)m)->copies = c;
    return c->s;
}

const void *gv_msg_bytes(const gv_msg_t *m, const char *name, size_t *len)
{
    const msgpack_object *o = gv_msg_field(m, name);
    *len = 0;
    if (!o)
        return NULL;
    if (o->type == MSGPACK_OBJECT_BIN) {
        *len = o->via.bin.size;
        return o->via.bin.size ? o->via.bin.ptr : "";
    }
    if (o->type == MSGPACK_OBJECT_STR) {
        *len = o->via.str.size;
        return o->via.str.size ? o->via.str.ptr : "";
    }
    return NULL;
}

int64_t gv_obj_int(const msgpack_object *o, int64_t dflt)
{
    if (!o)
        return dflt;
    if (o->type == MSGPACK_OBJECT_POSITIVE_INTEGER)
        return o->via.u64 > INT64_MAX ? dflt : (int64_t)o->via.u64;
    if (o->type == MSGPACK_OBJECT_NEGATIVE_INTEGER)
        return o->via.i64;
    return dflt;
}

int64_t gv_msg_int(const gv_msg_t *m, const char *name, int64_t dflt)
{
    return gv_obj_int(gv_msg_field(m, name), dflt);
}

uint64_t gv_msg_uint(const gv_msg_t *m, const char *name, uint64_t dflt)
{
    const msgpack_object *o = gv_msg_field(m, name);
    return o && o->type == MSGPACK_OBJECT_POSITIVE_INTEGER ? o->via.u64 : dflt;
}

double gv_msg_float(const gv_msg_t *m, const char *name, double dflt)
{
    return gv_obj_float(gv_msg_field(m, name), dflt);
}

double gv_obj_float(const msgpack_object *o, double dflt)
{
    if (!o)
        return dflt;
    switch (o->type) {
    case MSGPACK_OBJECT_FLOAT32:
    case MSGPACK_OBJECT_FLOAT64: return o->via.f64;
    case MSGPACK_OBJECT_POSITIVE_INTEGER: return (double)o->via.u64;
    case MSGPACK_OBJECT_NEGATIVE_INTEGER: return (double)o->via.i64;
    default: return dflt;
    }
}

bool gv_msg_bool(const gv_msg_t *m, const char *name, bool dflt)
{
    return gv_obj_bool(gv_msg_field(m, name), dflt);
}

bool gv_obj_bool(const msgpack_object *o, bool dflt)
{
    return o && o->type == MSGPACK_OBJECT_BOOLEAN ? o->via.boolean : dflt;
}

char *gv_obj_strdup(const msgpack_object *o)
{
    if (!o || o->type != MSGPACK_OBJECT_STR)
        return NULL;
    char *s = malloc(o->via.str.size + 1);
    if (!s)
        return NULL;
    if (o->via.str.size)
        memcpy(s, o->via.str.ptr, o->via.str.size);
    s[o->via.str.size] = '\0';
    return s;
}

bool gv_obj_str_eq(const msgpack_object *o, const char *s)
{
    size_t n = strlen(s);
    return o && o->type == MSGPACK_OBJECT_STR && o->via.str.size == n &&
           (n == 0 || memcmp(o->via.str.ptr, s, n) == 0);
}

/* ---- encode ------------------------------------------------------------------------------- */

struct gv_writer {
    msgpack_sbuffer sbuf;
    msgpack_packer pk;
};

void gv_buf_free(gv_buf_t *b)
{
    if (!b)
        return;
    free(b->data);
    b->data = NULL;
    b->size = b->alloc = 0;
}

gv_writer_t *gv_writer_new(const char *type, uint64_t corr, const char *from, const char *to,
                           uint64_t deadline_ms, uint32_t body_fields)
{
    gv_writer_t *w = calloc(1, sizeof *w);
    if (!w)
        return NULL;
    msgpack_sbuffer_init(&w->sbuf);
    msgpack_packer_init(&w->pk, &w->sbuf, msgpack_sbuffer_write);
    msgpack_pack_array(&w->pk, 7);
    msgpack_pack_uint32(&w->pk, GV_PROTO_VERSION);
    gv_pk_str(&w->pk, type);
    msgpack_pack_uint64(&w->pk, corr);
    gv_pk_str(&w->pk, from);
    gv_pk_str(&w->pk, to);
    msgpack_pack_uint64(&w->pk, deadline_ms);
    msgpack_pack_map(&w->pk, body_fields);
    return w;
}

msgpack_packer *gv_writer_pk(gv_writer_t *w)
{
    return &w->pk;
}

int gv_writer_finish(gv_writer_t **w_p, gv_buf_t *out)
{
    gv_writer_t *w = *w_p;
    memset(out, 0, sizeof *out);
    if (!w)
        return -1;
    if (!w->sbuf.data) { /* msgpack_sbuffer_write failed to allocate */
        gv_writer_destroy(w_p);
        return -1;
    }
    out->data = w->sbuf.data;
    out->size = w->sbuf.size;
    out->alloc = w->sbuf.alloc;
    w->sbuf.data = NULL;
    free(w);
    *w_p = NULL;
    return 0;
}

void gv_writer_destroy(gv_writer_t **w_p)
{
    if (!w_p || !*w_p)
        return;
    msgpack_sbuffer_destroy(&(*w_p)->sbuf);
    free(*w_p);
    *w_p = NULL;
}

void gv_pk_strn(msgpack_packer *pk, const char *s, size_t n)
{
    msgpack_pack_str(pk, n);
    msgpack_pack_str_body(pk, s, n);
}

void gv_pk_str(msgpack_packer *pk, const char *s)
{
    if (!s)
        msgpack_pack_nil(pk);
    else
        gv_pk_strn(pk, s, strlen(s));
}

void gv_pk_bin(msgpack_packer *pk, const void *p, size_t n)
{
    msgpack_pack_bin(pk, n);
    msgpack_pack_bin_body(pk, p, n);
}

void gv_pk_key(msgpack_packer *pk, const char *k) { gv_pk_str(pk, k); }
void gv_pk_kv_str(msgpack_packer *pk, const char *k, const char *v) { gv_pk_key(pk, k); gv_pk_str(pk, v); }
void gv_pk_kv_int(msgpack_packer *pk, const char *k, int64_t v) { gv_pk_key(pk, k); msgpack_pack_int64(pk, v); }
void gv_pk_kv_uint(msgpack_packer *pk, const char *k, uint64_t v) { gv_pk_key(pk, k); msgpack_pack_uint64(pk, v); }
void gv_pk_kv_bin(msgpack_packer *pk, const char *k, const void *p, size_t n) { gv_pk_key(pk, k); gv_pk_bin(pk, p, n); }

void gv_pk_kv_bool(msgpack_packer *pk, const char *k, bool v)
{
    gv_pk_key(pk, k);
    if (v)
        msgpack_pack_true(pk);
    else
        msgpack_pack_false(pk);
}

void gv_pk_object(msgpack_packer *pk, const msgpack_object *o)
{
    msgpack_pack_object(pk, *o);
}

/* ---- replies ------------------------------------------------------------------------------ */

int gv_reply_error_raw(uint64_t corr, const char *from, const char *to, unsigned status,
                       const char *code, const char *message, gv_buf_t *out)
{
    gv_writer_t *w = gv_writer_new("reply", corr, from, to, 0, 3);
    if (!w)
        return -1;
    msgpack_packer *pk = gv_writer_pk(w);
    gv_pk_kv_uint(pk, "status", status);
    gv_pk_kv_str(pk, "code", code ? code : "error");
    /* bounded to the schema's limit so the reply always decodes */
    gv_pk_key(pk, "message");
    const char *msg = message ? message : "";
    gv_pk_strn(pk, msg, strnlen(msg, 4096));
    return gv_writer_finish(&w, out);
}

int gv_reply_error(const gv_msg_t *req, const char *from, unsigned status, const char *code,
                   const char *message, gv_buf_t *out)
{
    return gv_reply_error_raw(req->corr, from, req->from, status, code, message, out);
}

gv_writer_t *gv_reply_begin(const gv_msg_t *req, const char *from, unsigned status, bool has_data)
{
    gv_writer_t *w = gv_writer_new("reply", req->corr, from, req->from, 0, has_data ? 2 : 1);
    if (!w)
        return NULL;
    gv_pk_kv_uint(gv_writer_pk(w), "status", status);
    if (has_data)
        gv_pk_key(gv_writer_pk(w), "data");
    return w;
}

unsigned gv_reply_status(const gv_msg_t *reply)
{
    return (unsigned)gv_msg_uint(reply, "status", 500);
}

const msgpack_object *gv_reply_data(const gv_msg_t *reply)
{
    return gv_msg_field(reply, "data");
}
