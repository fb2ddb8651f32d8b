/*  problem_fields — checking and normalising the fields of a problem (see problems_impl.h).
 *
 *  A checker is stored normalised: `tokens` with case_sensitive (default true), `float` with
 *  both bounds filled in, `exact`, or `custom` {protocol, language, source_hash}. A custom
 *  checker's and an interactor's source never live in the problem record: they are blobs in
 *  the same content-addressed store as test data, so judges fetch them by hash through
 *  problems.testdata, and nothing that shows a problem can leak them.
 */
#include "gv_log.h"
#include "problems.h"
#include "problems_impl.h"

#include <stdio.h>
#include <string.h>

#define PROBLEMS_FLOAT_DEFAULT 1e-6

static bool s_is_number(const msgpack_object *o)
{
    return o->type == MSGPACK_OBJECT_FLOAT32 || o->type == MSGPACK_OBJECT_FLOAT64 ||
           o->type == MSGPACK_OBJECT_POSITIVE_INTEGER;
}

static double s_number(const msgpack_object *o, double dflt)
{
    if (!o) return dflt;
    if (o->type == MSGPACK_OBJECT_POSITIVE_INTEGER) return (double)o->via.u64;
    if (o->type == MSGPACK_OBJECT_FLOAT32 || o->type == MSGPACK_OBJECT_FLOAT64) return o->via.f64;
    return dflt;
}

static bool s_str_nonempty(const msgpack_object *o, size_t max)
{
    return o && o->type == MSGPACK_OBJECT_STR && o->via.str.size > 0 && o->via.str.size <= max;
}

/* 0 when `l` names a configured language (any name when the node has no config). */
static int s_check_language(const actor_ctx_t *ctx, const msgpack_object *l, const char *field,
                            char *why, size_t n)
{
    if (!s_str_nonempty(l, 32)) {
        snprintf(why, n, "field `%s.language` must name a language", field);
        return -1;
    }
    const gv_config_t *cfg = ctx->env->cfg;
    if (cfg && cfg->n_langs > 0) {
        char lang[33];
        snprintf(lang, sizeof lang, "%.*s", (int)l->via.str.size, l->via.str.ptr);
        if (!gv_config_lang(cfg, lang)) {
            snprintf(why, n, "field `%s.language`: `%s` is not a configured language", field, lang);
            return -1;
        }
    }
    return 0;
}

static int s_check_source(const msgpack_object *c, const char *field, char *why, size_t n)
{
    const msgpack_object *s = gv_obj_get(c, "source");
    if (!s || (s->type != MSGPACK_OBJECT_STR && s->type != MSGPACK_OBJECT_BIN) ||
        (s->type == MSGPACK_OBJECT_STR ? s->via.str.size : s->via.bin.size) == 0 ||
        (s->type == MSGPACK_OBJECT_STR ? s->via.str.size : s->via.bin.size) > PROBLEMS_SOURCE_MAX) {
        snprintf(why, n, "field `%s.source` must hold the program's source code (at most %u bytes)",
                 field, PROBLEMS_SOURCE_MAX);
        return -1;
    }
    return 0;
}

/* 0 when the checker map is acceptable; otherwise -1 with a sentence naming the field. */
static int s_check_checker(const actor_ctx_t *ctx, const msgpack_object *c, char *why, size_t n)
{
    const msgpack_object *t = gv_obj_get(c, "type");
    if (gv_obj_str_eq(t, "exact")) return 0;
    if (gv_obj_str_eq(t, "tokens")) {
        const msgpack_object *cs = gv_obj_get(c, "case_sensitive");
        if (cs && cs->type != MSGPACK_OBJECT_BOOLEAN) {
            snprintf(why, n, "field `checker.case_sensitive` must be true or false");
            return -1;
        }
        return 0;
    }
    if (gv_obj_str_eq(t, "float")) {
        static const char *const bounds[] = {"abs", "rel"};
        for (int i = 0; i < 2; i++) {
            const msgpack_object *b = gv_obj_get(c, bounds[i]);
            if (b && (!s_is_number(b) || s_number(b, 0) < 0)) {
                snprintf(why, n, "field `checker.%s` must be a non-negative number", bounds[i]);
                return -1;
            }
        }
        return 0;
    }
    if (gv_obj_str_eq(t, "custom")) {
        const msgpack_object *p = gv_obj_get(c, "protocol");
        if (!gv_obj_str_eq(p, "testlib") && !gv_obj_str_eq(p, "kattis")) {
            snprintf(why, n, "field `checker.protocol` must be testlib or kattis");
            return -1;
        }
        if (s_check_language(ctx, gv_obj_get(c, "language"), "checker", why, n) != 0) return -1;
        return s_check_source(c, "checker", why, n);
    }
    snprintf(why, n, "field `checker.type` must be exact, tokens, float or custom");
    return -1;
}

static int s_check_interactor(const actor_ctx_t *ctx, const msgpack_object *c, char *why, size_t n)
{
    const msgpack_object *p = gv_obj_get(c, "protocol");
    if (p && !gv_obj_str_eq(p, "kattis")) {
        snprintf(why, n, "field `interactor.protocol` must be kattis");
        return -1;
    }
    if (s_check_language(ctx, gv_obj_get(c, "language"), "interactor", why, n) != 0) return -1;
    return s_check_source(c, "interactor", why, n);
}

static int s_check_subtasks(const msgpack_object *a, char *why, size_t n)
{
    for (uint32_t i = 0; i < a->via.array.size; i++) {
        const msgpack_object *e = &a->via.array.ptr[i];
        const msgpack_object *g = gv_obj_get(e, "group"), *p = gv_obj_get(e, "points");
        if (!s_str_nonempty(g, PROBLEMS_GROUP_MAX)) {
            snprintf(why, n, "field `subtasks[%u].group` must be a name of 1 to %d bytes", i,
                     PROBLEMS_GROUP_MAX);
            return -1;
        }
        if (!p || !s_is_number(p) || s_number(p, -1) < 0) {
            snprintf(why, n, "field `subtasks[%u].points` must be a non-negative number", i);
            return -1;
        }
        for (uint32_t j = 0; j < i; j++) {
            const msgpack_object *h = gv_obj_get(&a->via.array.ptr[j], "group");
            if (h->via.str.size == g->via.str.size &&
                (g->via.str.size == 0 ||
                 memcmp(h->via.str.ptr, g->via.str.ptr, g->via.str.size) == 0)) {
                snprintf(why, n, "field `subtasks[%u].group` repeats `%.*s`", i,
                         (int)g->via.str.size, g->via.str.ptr);
                return -1;
            }
        }
    }
    return 0;
}

int problems_check_fields(const actor_ctx_t *ctx, const gv_msg_t *msg, char *why, size_t n)
{
    const msgpack_object *title = gv_msg_field(msg, "title");
    if (title && title->via.str.size == 0) {
        snprintf(why, n, "field `title` must not be empty");
        return -1;
    }
    if (gv_msg_has(msg, "time_limit_ms")) {
        uint64_t tl = gv_msg_uint(msg, "time_limit_ms", 0);
        if (tl < PROBLEMS_TIME_LIMIT_MIN_MS || tl > PROBLEMS_TIME_LIMIT_MAX_MS) {
            snprintf(why, n, "field `time_limit_ms` must be between %d and %d",
                     PROBLEMS_TIME_LIMIT_MIN_MS, PROBLEMS_TIME_LIMIT_MAX_MS);
            return -1;
        }
    }
    if (gv_msg_has(msg, "memory_limit_kb")) {
        uint64_t ml = gv_msg_uint(msg, "memory_limit_kb", 0);
        if (ml < PROBLEMS_MEMORY_LIMIT_MIN_KB || ml > PROBLEMS_MEMORY_LIMIT_MAX_KB) {
            snprintf(why, n, "field `memory_limit_kb` must be between %d and %d",
                     PROBLEMS_MEMORY_LIMIT_MIN_KB, PROBLEMS_MEMORY_LIMIT_MAX_KB);
            return -1;
        }
    }
    if (gv_msg_has(msg, "output_limit_kb")) {
        uint64_t ol = gv_msg_uint(msg, "output_limit_kb", 0);
        if (ol < 1 || ol > PROBLEMS_OUTPUT_LIMIT_MAX_KB) {
            snprintf(why, n, "field `output_limit_kb` must be between 1 and %d",
                     PROBLEMS_OUTPUT_LIMIT_MAX_KB);
            return -1;
        }
    }
    const msgpack_object *pub = gv_msg_field(msg, "published");
    if (pub && pub->type != MSGPACK_OBJECT_BOOLEAN) {
        snprintf(why, n, "field `published` must be true or false");
        return -1;
    }
    const msgpack_object *tags = gv_msg_field(msg, "tags");
    for (uint32_t i = 0; tags && i < tags->via.array.size; i++) {
        if (!s_str_nonempty(&tags->via.array.ptr[i], PROBLEMS_TAG_MAX)) {
            snprintf(why, n, "field `tags` must hold strings of 1 to %d bytes", PROBLEMS_TAG_MAX);
            return -1;
        }
    }
    const msgpack_object *o = gv_msg_field(msg, "checker");
    if (o && s_check_checker(ctx, o, why, n) != 0) return -1;
    o = gv_msg_field(msg, "interactor");
    if (o && s_check_interactor(ctx, o, why, n) != 0) return -1;
    o = gv_msg_field(msg, "subtasks");
    return o ? s_check_subtasks(o, why, n) : 0;
}

/* ---- sources as blobs ------------------------------------------------------------------------ */

static void s_copy_hash(const msgpack_object *c, char out[BLOBS_HASH_HEX + 1])
{
    size_t len;
    const char *h = c ? record_obj_str(gv_obj_get(c, "source_hash"), &len) : NULL;
    out[0] = '\0';
    if (h && len == BLOBS_HASH_HEX) {
        memcpy(out, h, BLOBS_HASH_HEX);
        out[BLOBS_HASH_HEX] = '\0';
    }
}

static bool s_is_custom(const msgpack_object *c)
{
    return c && gv_obj_str_eq(gv_obj_get(c, "type"), "custom");
}

void problems_source_hashes(const msgpack_object *checker, const msgpack_object *interactor,
                            char ch[BLOBS_HASH_HEX + 1], char ih[BLOBS_HASH_HEX + 1])
{
    s_copy_hash(s_is_custom(checker) ? checker : NULL, ch);
    s_copy_hash(interactor, ih);
}

/* Adds the `source` of a new custom checker / interactor in v as a blob. */
static int s_add_source(actor_ctx_t *ctx, const msgpack_object *c, char hash[BLOBS_HASH_HEX + 1])
{
    problems_t *st = ctx->state;
    size_t len;
    const char *src = c ? record_obj_str(gv_obj_get(c, "source"), &len) : NULL;
    if (!src) return 0; /* from an old record: the hash is already in the object */
    return blobs_add(ctx, &st->blobs, src, len, hash);
}

int problems_store_sources(actor_ctx_t *ctx, pview_t *v)
{
    if (s_is_custom(v->checker) && s_add_source(ctx, v->checker, v->checker_hash) != 0) return -1;
    if (v->interactor && s_add_source(ctx, v->interactor, v->interactor_hash) != 0) return -1;
    return 0;
}

int problems_unref_hash(actor_ctx_t *ctx, const char *hash)
{
    problems_t *st = ctx->state;
    return blobs_hash_valid(hash) ? blobs_unref(ctx, &st->blobs, hash) : 0;
}

/* ---- packing --------------------------------------------------------------------------------- */

static void s_pk_hash(msgpack_packer *pk, const msgpack_object *c, const char *fresh)
{
    gv_pk_key(pk, "source_hash");
    if (fresh && fresh[0])
        gv_pk_str(pk, fresh);
    else
        problems_pk_obj_or(pk, gv_obj_get(c, "source_hash"), "");
}

void problems_pk_checker(msgpack_packer *pk, const msgpack_object *c, const char *fresh_hash)
{
    const msgpack_object *t = c ? gv_obj_get(c, "type") : NULL;
    if (gv_obj_str_eq(t, "float")) {
        msgpack_pack_map(pk, 3);
        gv_pk_kv_str(pk, "type", "float");
        gv_pk_key(pk, "abs");
        msgpack_pack_double(pk, s_number(gv_obj_get(c, "abs"), PROBLEMS_FLOAT_DEFAULT));
        gv_pk_key(pk, "rel");
        msgpack_pack_double(pk, s_number(gv_obj_get(c, "rel"), PROBLEMS_FLOAT_DEFAULT));
    } else if (gv_obj_str_eq(t, "custom")) {
        msgpack_pack_map(pk, 4);
        gv_pk_kv_str(pk, "type", "custom");
        gv_pk_key(pk, "protocol");
        problems_pk_obj_or(pk, gv_obj_get(c, "protocol"), "kattis");
        gv_pk_key(pk, "language");
        problems_pk_obj_or(pk, gv_obj_get(c, "language"), "");
        s_pk_hash(pk, c, fresh_hash);
    } else if (gv_obj_str_eq(t, "exact")) {
        msgpack_pack_map(pk, 1);
        gv_pk_kv_str(pk, "type", "exact");
    } else {
        const msgpack_object *cs = c ? gv_obj_get(c, "case_sensitive") : NULL;
        msgpack_pack_map(pk, 2);
        gv_pk_kv_str(pk, "type", "tokens");
        gv_pk_kv_bool(pk, "case_sensitive",
                      !(cs && cs->type == MSGPACK_OBJECT_BOOLEAN && !cs->via.boolean));
    }
}

void problems_pk_interactor(msgpack_packer *pk, const msgpack_object *c, const char *fresh_hash)
{
    msgpack_pack_map(pk, 3);
    gv_pk_key(pk, "language");
    problems_pk_obj_or(pk, gv_obj_get(c, "language"), "");
    s_pk_hash(pk, c, fresh_hash);
    gv_pk_kv_str(pk, "protocol", "kattis");
}

void problems_pk_subtasks(msgpack_packer *pk, const msgpack_object *a)
{
    uint32_t n = a && a->type == MSGPACK_OBJECT_ARRAY ? a->via.array.size : 0;
    msgpack_pack_array(pk, n);
    for (uint32_t i = 0; i < n; i++) {
        const msgpack_object *e = &a->via.array.ptr[i];
        msgpack_pack_map(pk, 2);
        gv_pk_key(pk, "group");
        problems_pk_obj_or(pk, gv_obj_get(e, "group"), "");
        gv_pk_key(pk, "points");
        msgpack_pack_double(pk, s_number(gv_obj_get(e, "points"), 0));
    }
}

uint64_t problems_output_limit_kb(const actor_ctx_t *ctx, const record_t *r)
{
    uint64_t ol = record_uint(r, "output_limit_kb", 0);
    if (ol) return ol;
    return ctx->env->cfg ? ctx->env->cfg->judge_output_limit_kb : PROBLEMS_OUTPUT_LIMIT_DEFAULT_KB;
}
