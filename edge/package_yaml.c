/*  package_yaml — problem.yaml and testdata.yaml of a problem package (see package.h).
 *
 *  libyaml loads the text into a document; we look up the few keys we understand. Aliases
 *  are node references in libyaml's document model (nothing is expanded), and we never walk a
 *  tree recursively, so a "billion laughs" file costs nothing.
 */
#include "package.h"

#include "gv_msg.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

void edge_package_warn(edge_package_t *p, const char *fmt, ...)
{
    if (p->n_warnings >= EDGE_PKG_MAX_WARNINGS) {
        p->warnings_dropped++;
        return;
    }
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    char **w = realloc(p->warnings, (p->n_warnings + 1) * sizeof *w);
    if (!w) return;
    p->warnings = w;
    if ((w[p->n_warnings] = strdup(buf))) p->n_warnings++;
}

static yaml_node_t *s_get(yaml_document_t *d, yaml_node_t *map, const char *key)
{
    if (!map || map->type != YAML_MAPPING_NODE) return NULL;
    for (yaml_node_pair_t *pr = map->data.mapping.pairs.start; pr < map->data.mapping.pairs.top;
         pr++) {
        yaml_node_t *k = yaml_document_get_node(d, pr->key);
        if (k && k->type == YAML_SCALAR_NODE && strlen(key) == k->data.scalar.length &&
            memcmp(k->data.scalar.value, key, k->data.scalar.length) == 0)
            return yaml_document_get_node(d, pr->value);
    }
    return NULL;
}

static const char *s_scalar(yaml_node_t *n)
{
    return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

/* A number from a scalar; false when it is not one. */
static bool s_number(yaml_node_t *n, double *out)
{
    const char *s = s_scalar(n);
    if (!s || !*s) return false;
    char *end;
    double v = strtod(s, &end);
    if (*end || !isfinite(v)) return false;
    *out = v;
    return true;
}

/* Does the scalar or any item of the sequence n contain `word`? */
static bool s_mentions(yaml_document_t *d, yaml_node_t *n, const char *word)
{
    if (!n) return false;
    if (n->type == YAML_SCALAR_NODE) return strstr((const char *)n->data.scalar.value, word);
    if (n->type != YAML_SEQUENCE_NODE) return false;
    for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++)
        if (strstr(s_scalar(yaml_document_get_node(d, *it))
                       ? s_scalar(yaml_document_get_node(d, *it))
                       : "",
                   word))
            return true;
    return false;
}

static int s_load(yaml_document_t *doc, const char *text, size_t len)
{
    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser)) return -1;
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
    int ok = yaml_parser_load(&parser, doc);
    yaml_parser_delete(&parser);
    if (!ok) return -1;
    return 0;
}

/* validator_flags of the default validator: tokens, case and float options. */
static void s_flags(edge_package_t *p, const char *flags)
{
    char buf[512];
    snprintf(buf, sizeof buf, "%s", flags);
    for (char *save = NULL, *t = strtok_r(buf, " \t", &save); t; t = strtok_r(NULL, " \t", &save)) {
        if (strcmp(t, "case_sensitive") == 0) {
            p->case_sensitive = true;
        } else if (strcmp(t, "space_change_sensitive") == 0) {
            edge_package_warn(p, "validator_flags: space_change_sensitive is not supported; "
                                 "whitespace is compared as tokens");
        } else if (strncmp(t, "float_", 6) == 0) {
            char *v = strtok_r(NULL, " \t", &save);
            double x = v ? strtod(v, NULL) : -1;
            if (!(x >= 0 && isfinite(x))) {
                edge_package_warn(p, "validator_flags: `%s` needs a non-negative number", t);
                continue;
            }
            if (p->checker != EDGE_PKG_FLOAT) p->abs = p->rel = 0;
            p->checker = EDGE_PKG_FLOAT;
            if (strcmp(t, "float_tolerance") == 0)
                p->abs = p->rel = x;
            else if (strcmp(t, "float_absolute_tolerance") == 0)
                p->abs = x;
            else if (strcmp(t, "float_relative_tolerance") == 0)
                p->rel = x;
            else
                edge_package_warn(p, "validator_flags: unknown flag `%s` skipped", t);
        } else {
            edge_package_warn(p, "validator_flags: unknown flag `%s` skipped", t);
        }
    }
}

static void s_title(edge_package_t *p, yaml_document_t *d, yaml_node_t *name)
{
    const char *t = s_scalar(name);
    if (!t && name && name->type == YAML_MAPPING_NODE) {
        t = s_scalar(s_get(d, name, "en"));
        if (!t && name->data.mapping.pairs.start < name->data.mapping.pairs.top)
            t = s_scalar(yaml_document_get_node(d, name->data.mapping.pairs.start->value));
    }
    if (t && *t) p->title = strndup(t, 1024);
}

static void s_keywords(edge_package_t *p, yaml_document_t *d, yaml_node_t *kw)
{
    char buf[1024] = "";
    if (kw && kw->type == YAML_SCALAR_NODE) snprintf(buf, sizeof buf, "%s", s_scalar(kw));
    for (yaml_node_item_t *it = kw && kw->type == YAML_SEQUENCE_NODE ? kw->data.sequence.items.start
                                                                     : NULL;
         it && it < kw->data.sequence.items.top; it++) {
        const char *s = s_scalar(yaml_document_get_node(d, *it));
        if (s)
            strncat(buf, " ", sizeof buf - strlen(buf) - 1),
                strncat(buf, s, sizeof buf - strlen(buf) - 1);
    }
    for (char *save = NULL, *t = strtok_r(buf, " ,\t", &save); t && p->n_tags < 16;
         t = strtok_r(NULL, " ,\t", &save)) {
        if (strlen(t) > 64) continue;
        char **tags = realloc(p->tags, (p->n_tags + 1) * sizeof *tags);
        if (!tags) return;
        p->tags = tags;
        if ((tags[p->n_tags] = strdup(t))) p->n_tags++;
    }
}

static void s_limits(edge_package_t *p, yaml_document_t *d, yaml_node_t *limits)
{
    double v;
    if (s_number(s_get(d, limits, "time_limit"), &v) && v > 0 && v <= 60)
        p->time_limit_ms = (uint64_t)llround(v * 1000);
    if (s_get(d, limits, "time_multiplier") || s_get(d, limits, "time_safety_margin"))
        edge_package_warn(p, "limits.time_multiplier and time_safety_margin are not applied: "
                             "Gavel does not time the package's submissions; set the time limit "
                             "with limits.time_limit or .timelimit");
    if (s_number(s_get(d, limits, "memory"), &v) && v >= 1 && v <= 4096)
        p->memory_limit_kb = (uint64_t)llround(v * 1024);
    if (s_number(s_get(d, limits, "output"), &v) && v >= 1 && v <= 16384)
        p->output_limit_kb = (uint64_t)llround(v * 1024);
}

int edge_package_read_yaml(edge_package_t *p, const char *text, size_t len, bool *scoring,
                           edge_err_t *err)
{
    yaml_document_t doc;
    if (len > EDGE_PKG_YAML_MAX)
        return edge_err_set(err, 400, "bad_package", "problem.yaml is larger than %u bytes",
                            EDGE_PKG_YAML_MAX);
    if (s_load(&doc, text, len) != 0)
        return edge_err_set(err, 400, "bad_package", "problem.yaml is not valid YAML");
    yaml_node_t *root = yaml_document_get_root_node(&doc);
    if (root && root->type != YAML_MAPPING_NODE) {
        yaml_document_delete(&doc);
        return edge_err_set(err, 400, "bad_package", "problem.yaml must be a mapping of keys");
    }
    static const char *const known[] = {"name",
                                        "type",
                                        "validation",
                                        "validator_flags",
                                        "limits",
                                        "keywords",
                                        "source",
                                        "source_url",
                                        "license",
                                        "rights_owner",
                                        "author",
                                        "uuid",
                                        "problem_format_version",
                                        "credits",
                                        "languages",
                                        NULL};
    for (yaml_node_pair_t *pr = root ? root->data.mapping.pairs.start : NULL;
         pr && pr < root->data.mapping.pairs.top; pr++) {
        const char *k = s_scalar(yaml_document_get_node(&doc, pr->key));
        bool ok = false;
        for (size_t i = 0; k && known[i] && !ok; i++)
            ok = strcmp(k, known[i]) == 0;
        if (!ok) edge_package_warn(p, "problem.yaml: key `%.64s` skipped", k ? k : "?");
    }
    s_title(p, &doc, s_get(&doc, root, "name"));
    yaml_node_t *type = s_get(&doc, root, "type"), *val = s_get(&doc, root, "validation");
    *scoring = s_mentions(&doc, type, "scoring") || s_mentions(&doc, val, "score");
    p->interactive = s_mentions(&doc, type, "interactive") || s_mentions(&doc, val, "interactive");
    if (s_mentions(&doc, val, "custom") || p->interactive) p->checker = EDGE_PKG_CUSTOM;
    const char *flags = s_scalar(s_get(&doc, root, "validator_flags"));
    if (flags && p->checker == EDGE_PKG_CUSTOM)
        edge_package_warn(p, "validator_flags are not passed to custom validators; skipped");
    else if (flags)
        s_flags(p, flags);
    s_limits(p, &doc, s_get(&doc, root, "limits"));
    s_keywords(p, &doc, s_get(&doc, root, "keywords"));
    yaml_document_delete(&doc);
    return 0;
}

double edge_package_accept_score(const char *text, size_t len)
{
    yaml_document_t doc;
    if (len > EDGE_PKG_YAML_MAX || s_load(&doc, text, len) != 0) return -1;
    yaml_node_t *root = yaml_document_get_root_node(&doc);
    double v = -1;
    if (!s_number(s_get(&doc, root, "accept_score"), &v) || v < 0) v = -1;
    yaml_document_delete(&doc);
    return v;
}

/* ---- the problems.import message ------------------------------------------------------------- */

static void s_pk_validator(msgpack_packer *pk, const edge_package_t *p, bool checker)
{
    msgpack_pack_map(pk, checker ? 4 : 3);
    if (checker) {
        gv_pk_kv_str(pk, "type", "custom");
        gv_pk_kv_str(pk, "protocol", "kattis");
    } else {
        gv_pk_kv_str(pk, "protocol", "kattis");
    }
    gv_pk_kv_str(pk, "language", p->validator_language);
    gv_pk_kv_bin(pk, "source", p->validator.data, p->validator.len);
}

static void s_pk_checker(msgpack_packer *pk, const edge_package_t *p)
{
    gv_pk_key(pk, "checker");
    if (p->checker == EDGE_PKG_CUSTOM && !p->interactive) {
        s_pk_validator(pk, p, true);
    } else if (p->checker == EDGE_PKG_FLOAT) {
        msgpack_pack_map(pk, 3);
        gv_pk_kv_str(pk, "type", "float");
        gv_pk_key(pk, "abs");
        msgpack_pack_double(pk, p->abs);
        gv_pk_key(pk, "rel");
        msgpack_pack_double(pk, p->rel);
    } else {
        msgpack_pack_map(pk, 2);
        gv_pk_kv_str(pk, "type", "tokens");
        gv_pk_kv_bool(pk, "case_sensitive", p->case_sensitive);
    }
}

uint32_t edge_package_pack(msgpack_packer *pk, const edge_package_t *p)
{
    uint32_t n = 7 + (p->n_tags ? 1 : 0) + (p->output_limit_kb ? 1 : 0) + (p->interactive ? 1 : 0) +
                 (p->n_subtasks ? 1 : 0);
    if (!pk) return n;
    gv_pk_kv_str(pk, "title", p->title);
    gv_pk_key(pk, "statement_md");
    gv_pk_strn(pk, p->statement.data ? p->statement.data : "", p->statement.len);
    gv_pk_kv_uint(pk, "time_limit_ms", p->time_limit_ms);
    gv_pk_kv_uint(pk, "memory_limit_kb", p->memory_limit_kb);
    s_pk_checker(pk, p);
    gv_pk_key(pk, "tests");
    msgpack_pack_array(pk, (uint32_t)p->n_tests);
    for (size_t i = 0; i < p->n_tests; i++) {
        const edge_pkg_test_t *t = &p->tests[i];
        msgpack_pack_map(pk, 3 + (t->group ? 1 : 0));
        gv_pk_kv_bin(pk, "input", t->in.data, t->in.len);
        gv_pk_kv_bin(pk, "output", t->ans.data, t->ans.len);
        gv_pk_kv_bool(pk, "sample", t->sample);
        if (t->group) gv_pk_kv_str(pk, "group", t->group);
    }
    gv_pk_key(pk, "submissions");
    msgpack_pack_array(pk, (uint32_t)p->n_subs);
    for (size_t i = 0; i < p->n_subs; i++) {
        const edge_pkg_sub_t *s = &p->subs[i];
        msgpack_pack_map(pk, 4);
        gv_pk_kv_str(pk, "folder", s->folder);
        gv_pk_kv_str(pk, "name", s->name);
        gv_pk_kv_str(pk, "language", s->language);
        gv_pk_kv_bin(pk, "source", s->source.data, s->source.len);
    }
    if (p->n_tags) {
        gv_pk_key(pk, "tags");
        msgpack_pack_array(pk, (uint32_t)p->n_tags);
        for (size_t i = 0; i < p->n_tags; i++)
            gv_pk_str(pk, p->tags[i]);
    }
    if (p->output_limit_kb) gv_pk_kv_uint(pk, "output_limit_kb", p->output_limit_kb);
    if (p->interactive) {
        gv_pk_key(pk, "interactor");
        s_pk_validator(pk, p, false);
    }
    if (p->n_subtasks) {
        gv_pk_key(pk, "subtasks");
        msgpack_pack_array(pk, (uint32_t)p->n_subtasks);
        for (size_t i = 0; i < p->n_subtasks; i++) {
            msgpack_pack_map(pk, 2);
            gv_pk_kv_str(pk, "group", p->subtasks[i].group);
            gv_pk_key(pk, "points");
            msgpack_pack_double(pk, p->subtasks[i].points);
        }
    }
    return n;
}
