/*  edge_package — a problem package (Kattis / problemarchive layout) read from a zip.
 *
 *  What is understood:
 *    problem.yaml          name, type (pass-fail | scoring), validation (default | custom |
 *                          custom interactive), validator_flags (default validation:
 *                          case_sensitive, space_change_sensitive, float_tolerance,
 *                          float_absolute_tolerance, float_relative_tolerance), limits
 *                          (time_limit s, memory MiB, output MiB), keywords (tags);
 *    .timelimit            the time limit in seconds when problem.yaml has none;
 *    problem_statement/ or statement/   problem.md or problem.en.md (Markdown);
 *    data/sample/NAME.in+.ans, data/secret/[DIR/]NAME.in+.ans (a subdirectory of secret is a test
 *                          group; in a scoring problem groups become subtasks, with points
 *                          from the group's testdata.yaml accept_score or split evenly);
 *    output_validators/<name>/ or output_validator/   one C, C++ or Python program (Kattis
 *                          output validator protocol); its local `#include "x.h"` headers are
 *                          inlined; in an interactive problem it is the interactor;
 *    submissions/<verdict folder>/<file>   single-file submissions, language by extension.
 *  Everything else is skipped with a warning.
 *
 *  Hostile zips: entry names that are absolute, contain `..`, a backslash or a control
 *  character are refused (400 bad_package); at most EDGE_PKG_MAX_ENTRIES entries; the bytes
 *  read (decompressed) are bounded by limits->max_total (413 too_large) and counted as they
 *  are read, so a lying size in the zip's directory does not help; only files that are used
 *  are decompressed. A package without problem.yaml is refused naming it.
 *
 *  The package may sit in one top-level directory (`hello/problem.yaml`): it is stripped.
 *  Everything returned is owned by the package (edge_package_destroy).
 */
#ifndef EDGE_PACKAGE_H
#define EDGE_PACKAGE_H

#include "errors.h"

#include <msgpack.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define EDGE_PKG_MAX_ENTRIES 20000
#define EDGE_PKG_MAX_TESTS 10000
#define EDGE_PKG_MAX_SUBMISSIONS 1000
#define EDGE_PKG_MAX_WARNINGS 64
#define EDGE_PKG_NAME_MAX 1024
#define EDGE_PKG_YAML_MAX (256u << 10)
#define EDGE_PKG_SOURCE_MAX (1u << 20)     /* validator / interactor source, after inlining */
#define EDGE_PKG_DEFAULT_MEMORY_KB 2097152 /* problemarchive's default: 2048 MiB */

typedef struct {
    uint64_t max_total;  /* decompressed bytes read, all files together */
    uint64_t max_source; /* one package submission's source (larger ones are skipped) */
    uint32_t default_time_limit_ms;
} edge_package_limits_t;

typedef struct {
    char *data;
    size_t len;
} edge_pkg_bytes_t;

typedef struct {
    edge_pkg_bytes_t in, ans;
    bool sample;
    char *group; /* NULL = none */
} edge_pkg_test_t;

typedef struct {
    char folder[32], language[16];
    char *name;
    edge_pkg_bytes_t source;
} edge_pkg_sub_t;

typedef struct {
    char group[65];
    double points;
} edge_pkg_subtask_t;

typedef enum {
    EDGE_PKG_TOKENS,
    EDGE_PKG_EXACT,
    EDGE_PKG_FLOAT,
    EDGE_PKG_CUSTOM
} edge_pkg_checker_t;

typedef struct edge_package {
    char *title;
    edge_pkg_bytes_t statement;
    uint64_t time_limit_ms, memory_limit_kb, output_limit_kb /* 0 = default */;
    char **tags;
    size_t n_tags;
    edge_pkg_checker_t checker;
    bool case_sensitive;
    double abs, rel;
    bool interactive;            /* the validator is an interactor */
    char validator_language[16]; /* custom checker or interactor */
    edge_pkg_bytes_t validator;
    edge_pkg_subtask_t *subtasks;
    size_t n_subtasks;
    edge_pkg_test_t *tests;
    size_t n_tests;
    edge_pkg_sub_t *subs;
    size_t n_subs;
    char **warnings;
    size_t n_warnings, warnings_dropped;
    uint64_t bytes_read;
} edge_package_t;

/* Reads a package from a zip in memory (the fuzz target's entry) or from an open file
 * descriptor (taken over on success and on failure). NULL with err set on failure. */
edge_package_t *edge_package_from_buffer(const void *data, size_t len,
                                         const edge_package_limits_t *limits, edge_err_t *err);
edge_package_t *edge_package_from_fd(int fd, const edge_package_limits_t *limits, edge_err_t *err);
void edge_package_destroy(edge_package_t **self_p);

/* The language id of a file name by its extension (c, cpp, python3, java, rust, javascript,
 * pascal), or NULL. */
const char *edge_package_language(const char *name);

/* Packs the problems.import body fields (title, statement_md, time_limit_ms,
 * memory_limit_kb, checker, tests, submissions, tags?, output_limit_kb?, interactor?,
 * subtasks?) and returns how many it wrote; with pk NULL it only counts. */
uint32_t edge_package_pack(msgpack_packer *pk, const edge_package_t *p);

/* package_yaml.c: interprets problem.yaml (and testdata.yaml) text into p; warnings added.
 * 0 / -1 with err (400 bad_package naming problem.yaml). */
int edge_package_read_yaml(edge_package_t *p, const char *text, size_t len, bool *scoring,
                           edge_err_t *err);
/* accept_score of a testdata.yaml, or -1 when it has none. */
double edge_package_accept_score(const char *text, size_t len);
/* Adds a warning (printf-style); beyond EDGE_PKG_MAX_WARNINGS they are only counted. */
void edge_package_warn(edge_package_t *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
