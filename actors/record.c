/*  record — msgpack records in LMDB (see record.h). */
#include "record.h"

#include "gv_msg.h"

#include <string.h>

int record_parse(record_t *r, const void *data, size_t len)
{
    msgpack_unpacked_init(&r->up);
    r->root = NULL;
    size_t off = 0;
    if (!data || len == 0 ||
        msgpack_unpack_next(&r->up, data, len, &off) != MSGPACK_UNPACK_SUCCESS ||
        r->up.data.type != MSGPACK_OBJECT_MAP)
        return -1;
    r->root = &r->up.data;
    return 0;
}

void record_done(record_t *r)
{
    msgpack_unpacked_destroy(&r->up);
    r->root = NULL;
}

const msgpack_object *record_get(const record_t *r, const char *key)
{
    return r->root ? gv_obj_get(r->root, key) : NULL;
}

uint64_t record_obj_uint(const msgpack_object *o, uint64_t dflt)
{
    return o && o->type == MSGPACK_OBJECT_POSITIVE_INTEGER ? o->via.u64 : dflt;
}

const char *record_obj_str(const msgpack_object *o, size_t *len)
{
    *len = 0;
    if (o && o->type == MSGPACK_OBJECT_STR) {
        *len = o->via.str.size;
        return o->via.str.size ? o->via.str.ptr : "";
    }
    if (o && o->type == MSGPACK_OBJECT_BIN) {
        *len = o->via.bin.size;
        return o->via.bin.size ? o->via.bin.ptr : "";
    }
    return NULL;
}

uint64_t record_uint(const record_t *r, const char *key, uint64_t dflt)
{
    return record_obj_uint(record_get(r, key), dflt);
}

const char *record_str(const record_t *r, const char *key, size_t *len)
{
    return record_obj_str(record_get(r, key), len);
}

bool record_str_eq(const record_t *r, const char *key, const char *s)
{
    return gv_obj_str_eq(record_get(r, key), s);
}

static int s_recbuf_write(void *data, const char *buf, size_t len)
{
    recbuf_t *b = data;
    if (msgpack_sbuffer_write(&b->sb, buf, len) != 0) {
        b->failed = true;
        return -1;
    }
    return 0;
}

void recbuf_init(recbuf_t *b)
{
    msgpack_sbuffer_init(&b->sb);
    msgpack_packer_init(&b->pk, b, s_recbuf_write);
    b->failed = false;
}

void recbuf_done(recbuf_t *b)
{
    msgpack_sbuffer_destroy(&b->sb);
}

bool recbuf_ok(const recbuf_t *b)
{
    return !b->failed && b->sb.data != NULL && b->sb.size > 0;
}
