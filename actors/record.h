/*  record — msgpack maps as stored LMDB values.
 *
 *  Actors store their records as msgpack maps with string keys (readable with any msgpack
 *  tool, extensible without migrations). record_parse() unpacks a value without copying:
 *  strings in the result point into the given bytes, so a record read from LMDB is valid only
 *  until the next write to that database or the end of the transaction.
 *
 *  recbuf is a growable msgpack buffer + packer for building a record before writing it.
 */
#ifndef ACTORS_RECORD_H
#define ACTORS_RECORD_H

#include <msgpack.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
    msgpack_unpacked up;
    const msgpack_object *root; /* a map once parsed */
} record_t;

/* 0 when `data` holds one msgpack map; -1 otherwise. Call record_done() either way. */
int record_parse(record_t *r, const void *data, size_t len);
void record_done(record_t *r);

/* Field access; nil counts as absent (NULL / dflt). */
const msgpack_object *record_get(const record_t *r, const char *key);
uint64_t record_uint(const record_t *r, const char *key, uint64_t dflt);
/* String or binary field: pointer (not NUL-terminated) and length; NULL when absent. */
const char *record_str(const record_t *r, const char *key, size_t *len);
bool record_str_eq(const record_t *r, const char *key, const char *s);

/* Value helpers for msgpack objects. */
uint64_t record_obj_uint(const msgpack_object *o, uint64_t dflt);
const char *record_obj_str(const msgpack_object *o, size_t *len);

/* Must not be moved after recbuf_init (the packer points at it). */
typedef struct {
    msgpack_sbuffer sb;
    msgpack_packer pk;
    bool failed;
} recbuf_t;

void recbuf_init(recbuf_t *b);
void recbuf_done(recbuf_t *b);
/* False when an allocation inside the packer failed. */
bool recbuf_ok(const recbuf_t *b);

#endif
