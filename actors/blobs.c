/*  blobs — content-addressed, reference-counted byte strings (see blobs.h). */
#include "blobs.h"

#include "store.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

int blobs_open(MDB_txn *txn, const char *prefix, blobs_t *b)
{
    char name[64];
    snprintf(name, sizeof name, "%s.blobs", prefix);
    int rc = store_dbi_open(txn, name, &b->data);
    if (rc == 0) {
        snprintf(name, sizeof name, "%s.blobrefs", prefix);
        rc = store_dbi_open(txn, name, &b->refs);
    }
    return rc;
}

void blobs_hash(const void *data, size_t len, char hex[BLOBS_HASH_HEX + 1])
{
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, data, len);
    sodium_bin2hex(hex, BLOBS_HASH_HEX + 1, h, sizeof h);
}

bool blobs_hash_valid(const char *hex)
{
    if (!hex || strlen(hex) != BLOBS_HASH_HEX) return false;
    for (const char *p = hex; *p; p++)
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f'))) return false;
    return true;
}

static int s_refs(actor_ctx_t *ctx, const blobs_t *b, const char *hex, uint64_t *n)
{
    MDB_val v;
    int rc = actor_get(ctx, b->refs, hex, BLOBS_HASH_HEX, &v);
    *n = rc == 0 && v.mv_size == 8 ? store_be64_get(v.mv_data) : 0;
    return rc < 0 ? -1 : 0;
}

static int s_set_refs(actor_ctx_t *ctx, const blobs_t *b, const char *hex, uint64_t n)
{
    uint8_t v[8];
    store_be64_put(v, n);
    return actor_put(ctx, b->refs, hex, BLOBS_HASH_HEX, v, 8, 0) == 0 ? 0 : -1;
}

int blobs_add(actor_ctx_t *ctx, const blobs_t *b, const void *data, size_t len,
              char hex[BLOBS_HASH_HEX + 1])
{
    uint64_t n;
    blobs_hash(data, len, hex);
    if (s_refs(ctx, b, hex, &n) != 0) return -1;
    if (n == 0 && actor_put(ctx, b->data, hex, BLOBS_HASH_HEX, len ? data : "", len, 0) != 0)
        return -1;
    return s_set_refs(ctx, b, hex, n + 1);
}

int blobs_unref(actor_ctx_t *ctx, const blobs_t *b, const char *hex)
{
    uint64_t n;
    if (s_refs(ctx, b, hex, &n) != 0) return -1;
    if (n > 1) return s_set_refs(ctx, b, hex, n - 1);
    if (actor_del(ctx, b->data, hex, BLOBS_HASH_HEX) != 0) return -1;
    return actor_del(ctx, b->refs, hex, BLOBS_HASH_HEX);
}

int blobs_get(actor_ctx_t *ctx, const blobs_t *b, const char *hex, MDB_val *out)
{
    return actor_get(ctx, b->data, hex, BLOBS_HASH_HEX, out);
}
