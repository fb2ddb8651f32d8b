/*  problems_impl — what problems.c (records, CRUD, listing) and problem_tests.c (test lists,
 *  test data, judge manifests) share. Private to the problems actor.
 */
#ifndef ACTORS_PROBLEMS_IMPL_H
#define ACTORS_PROBLEMS_IMPL_H

#include "actor.h"
#include "blobs.h"
#include "record.h"

typedef struct {
    MDB_dbi items; /* id → record */
    MDB_dbi tests; /* (id, n) → {n, input_hash, output_hash, input_size, output_size, sample} */
    blobs_t blobs; /* test bytes by SHA-256 */
} problems_t;

/* Record of problem id into r: 0 found, 1 absent, -1 error; r always needs record_done. */
int problems_exists(actor_ctx_t *ctx, uint64_t id);
int problems_load(actor_ctx_t *ctx, uint64_t id, record_t *r);
int problems_not_found(actor_ctx_t *ctx, const gv_msg_t *msg);
int problems_forbidden(actor_ctx_t *ctx, const gv_msg_t *msg);
/* Event on `problem/<id>`, kind `problem`, data {id, action}. */
int problems_publish(actor_ctx_t *ctx, uint64_t id, const char *action);
/* Packs a checker normalised (NULL = tokens); the custom source only with with_source. */
void problems_pk_checker(msgpack_packer *pk, const msgpack_object *c, bool with_source);
void problems_pk_obj_or(msgpack_packer *pk, const msgpack_object *o, const char *dflt);

/* problem_tests.c */
int problem_tests_pk_samples(actor_ctx_t *ctx, msgpack_packer *pk, uint64_t pid); /* 0 / -1 */
int problem_tests_delete_all(actor_ctx_t *ctx, uint64_t pid);                     /* 0 / -1 */
int problem_tests_add(actor_ctx_t *ctx, const gv_msg_t *msg);
int problem_tests_manifest(actor_ctx_t *ctx, const gv_msg_t *msg);
int problem_tests_testdata(actor_ctx_t *ctx, const gv_msg_t *msg);

#endif
