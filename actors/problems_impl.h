/*  problems_impl — what problems.c (records, CRUD, listing), problem_fields.c (checking and
 *  normalising fields), problem_tests.c (test lists, test data, judge manifests) and
 *  problem_import.c (packages) share. Private to the problems actor.
 */
#ifndef ACTORS_PROBLEMS_IMPL_H
#define ACTORS_PROBLEMS_IMPL_H

#include "actor.h"
#include "blobs.h"
#include "record.h"

typedef struct {
    MDB_dbi items;   /* id → record */
    MDB_dbi tests;   /* (id, n) → {n, input_hash, output_hash, input_size, output_size, sample,
                        group?} */
    MDB_dbi pkgsubs; /* (id, n) → {folder, name, language, source} from an imported package */
    blobs_t blobs;   /* test bytes, checker and interactor sources, by SHA-256 */
    MDB_dbi embargo; /* (pid, cid) → start_ms: the contests that use a problem */
    MDB_dbi cuses;   /* cid → what problem_embargo.c last recorded of that contest */
} problems_t;

/* The fields a record is made of; pointers into a message or an old record. A new custom
 * checker / interactor carries `source`; its blob hash goes into *_hash once stored (an
 * object taken from an old record carries `source_hash` already). */
typedef struct {
    const char *title, *md, *html;
    size_t title_len, md_len, html_len;
    uint64_t tl, ml, ol /* 0 = the config's default */, created_at;
    bool unpublished; /* `published` false: hidden from everyone but staff */
    const msgpack_object *tags, *checker, *interactor, *subtasks;
    char checker_hash[BLOBS_HASH_HEX + 1], interactor_hash[BLOBS_HASH_HEX + 1];
} pview_t;

/* problems.c */
int problems_exists(actor_ctx_t *ctx, uint64_t id);                /* 0 / 1 absent / -1 */
int problems_load(actor_ctx_t *ctx, uint64_t id, record_t *r);     /* r always needs record_done */
int problems_not_found(actor_ctx_t *ctx, const gv_msg_t *msg);
int problems_forbidden(actor_ctx_t *ctx, const gv_msg_t *msg);
/* Event on `problem/<id>`, kind `problem`, data {id, action}. */
int problems_publish(actor_ctx_t *ctx, uint64_t id, const char *action);
void problems_pk_obj_or(msgpack_packer *pk, const msgpack_object *o, const char *dflt);
/* Creates a problem from the (already checked) create fields of msg. 0 / -1. */
int problems_create_from_msg(actor_ctx_t *ctx, const gv_msg_t *msg, uint64_t *id);

/* problem_fields.c */
/* Checks the create/update fields present in msg. 0 or -1 with a sentence in why. */
int problems_check_fields(const actor_ctx_t *ctx, const gv_msg_t *msg, char *why, size_t n);
/* Stores the sources of a new custom checker / interactor of v as blobs. 0 / -1. */
int problems_store_sources(actor_ctx_t *ctx, pview_t *v);
/* Copies the source hashes of a stored checker / interactor ("" when none). */
void problems_source_hashes(const msgpack_object *checker, const msgpack_object *interactor,
                            char ch[BLOBS_HASH_HEX + 1], char ih[BLOBS_HASH_HEX + 1]);
int problems_unref_hash(actor_ctx_t *ctx, const char *hash); /* "" is a no-op. 0 / -1 */
/* Normalised checker {type, case_sensitive? | abs, rel | protocol, language, source_hash};
 * NULL is the default token compare. fresh_hash overrides the object's source_hash. */
void problems_pk_checker(msgpack_packer *pk, const msgpack_object *c, const char *fresh_hash);
void problems_pk_interactor(msgpack_packer *pk, const msgpack_object *c, const char *fresh_hash);
void problems_pk_subtasks(msgpack_packer *pk, const msgpack_object *a); /* NULL packs [] */
uint64_t problems_output_limit_kb(const actor_ctx_t *ctx, const record_t *r);

/* problem_tests.c */
int problem_tests_pk_samples(actor_ctx_t *ctx, msgpack_packer *pk, uint64_t pid); /* 0 / -1 */
int problem_tests_delete_all(actor_ctx_t *ctx, uint64_t pid);                     /* 0 / -1 */
/* Appends a test to problem pid; *n is its number. group may be NULL. 0 / -1. */
int problem_tests_put(actor_ctx_t *ctx, uint64_t pid, const void *in, size_t ilen,
                      const void *out, size_t olen, bool sample, const char *group, size_t glen,
                      uint32_t *n);
int problem_tests_add(actor_ctx_t *ctx, const gv_msg_t *msg);
int problem_tests_set(actor_ctx_t *ctx, const gv_msg_t *msg); /* problems.set_test */
int problem_tests_manifest(actor_ctx_t *ctx, const gv_msg_t *msg);
int problem_tests_testdata(actor_ctx_t *ctx, const gv_msg_t *msg);

/* problem_embargo.c — who may see a problem (the rule is in that file's head comment). */
/* Whether a contest that has not started hides problem pid. 0 / -1. */
int problem_embargoed(actor_ctx_t *ctx, uint64_t pid, bool *embargoed);
/* Unpublished or embargoed. 0 / -1. */
int problem_hidden(actor_ctx_t *ctx, const record_t *r, bool *hidden);
/* Whether record r is published: true unless its `published` is false (records from before
 * the field count as published). */
bool problem_published(const record_t *r);
/* 1 when the caller of msg may see problem record r (staff and nodes see all), 0, -1. */
int problem_visible_to(actor_ctx_t *ctx, const gv_msg_t *msg, const record_t *r);
int problem_embargo_contest(actor_ctx_t *ctx, const gv_msg_t *msg); /* problems.contest_uses */

/* problem_import.c */
int problem_import(actor_ctx_t *ctx, const gv_msg_t *msg);
int problem_import_submissions(actor_ctx_t *ctx, const gv_msg_t *msg);
int problem_import_delete_all(actor_ctx_t *ctx, uint64_t pid); /* 0 / -1 */

#endif
