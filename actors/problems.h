/*  problems — the `problems` actor: statements, limits, checkers and test data.
 *
 *  A problem record holds its Markdown statement and the HTML rendered from it once on write
 *  (cmark, safe mode: raw HTML and dangerous links are dropped). Its tests are an ordered list
 *  {n, input_hash, output_hash, input_size, output_size, sample} whose bytes live in a
 *  content-addressed blob store (blobs.h), so judges fetch and cache test data by hash.
 *
 *  A problem may have an output limit, a custom checker or an interactor (whose sources are
 *  blobs too, fetched by judges by hash and never shown), test groups and subtasks
 *  ({group, points}; a problem with subtasks is judged with every test run).
 *
 *  Databases: problems.items (id → record), problems.tests ((id, n) → test),
 *  problems.pkgsubs ((id, n) → a package's own submission), problems.blobs /
 *  problems.blobrefs, problems.embargo / problems.cuses (problem_embargo.c). Messages:
 *  problems.create/update/delete/get/list/add_test/import/package_submissions (edge; all but
 *  get and list need caller_role jury or admin), problems.manifest/testdata (judges) and
 *  problems.contest_uses (contest actors). A problem that is unpublished or in a contest that
 *  has not started is hidden from callers that are not jury, admin or a node: get and
 *  manifest answer 404, list leaves it out (problem_embargo.c has the rule). Changes are
 *  published on topic `problem/<id>`, kind `problem`, data {id, action:
 *  created|updated|deleted|tests} (edges drop cached statements on it).
 */
#ifndef ACTORS_PROBLEMS_H
#define ACTORS_PROBLEMS_H

#include "actor.h"

#define PROBLEMS_TIME_LIMIT_MIN_MS 1
#define PROBLEMS_TIME_LIMIT_MAX_MS 60000
#define PROBLEMS_MEMORY_LIMIT_MIN_KB 1024
#define PROBLEMS_MEMORY_LIMIT_MAX_KB 4194304
#define PROBLEMS_TAG_MAX 64
#define PROBLEMS_LIST_DEFAULT 50
#define PROBLEMS_LIST_MAX 200
#define PROBLEMS_OUTPUT_LIMIT_MAX_KB 16777216    /* 16 GiB, as cluster.toml allows */
#define PROBLEMS_OUTPUT_LIMIT_DEFAULT_KB 65536   /* when the node runs without a config */
#define PROBLEMS_SOURCE_MAX (1u << 20)           /* a custom checker's or interactor's source */
#define PROBLEMS_GROUP_MAX 64                    /* a test group (subtask) name */

extern const actor_kind_t problems_actor;

#endif
