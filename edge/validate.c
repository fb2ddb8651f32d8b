/*  edge_validate — request body and query validation (see validate.h). */
#include "validate.h"

#include "json_mp.h"
#include "router.h"

#include <civetweb.h>
#include <math.h>
#include <string.h>

#define BAD 400, "invalid_field"

static const json_t *s_get(const json_t *obj, const char *name)
{
    const json_t *v = json_object_get(obj, name);
    return json_is_null(v) ? NULL : v;
}

int edge_v_id(const json_t *obj, const char *name, bool required, uint64_t *out, edge_err_t *err)
{
    return edge_v_id_as(obj, name, name, required, out, err);
}

int edge_v_id_as(const json_t *obj, const char *key, const char *shown, bool required,
                 uint64_t *out, edge_err_t *err)
{
    const json_t *v = s_get(obj, key);
    if (!v) {
        if (required) return edge_err_set(err, BAD, "`%s` is required", shown);
        return 0;
    }
    if (json_is_integer(v) && json_integer_value(v) >= 0) {
        *out = (uint64_t)json_integer_value(v);
        return 1;
    }
    if (json_is_string(v) && edge_parse_u64(json_string_value(v), json_string_length(v), out) == 0)
        return 1;
    return edge_err_set(err, BAD, "`%s` must be an id: a string or number of decimal digits", shown);
}

int edge_v_string(const json_t *obj, const char *name, bool required, size_t max_bytes,
                  const char **out, size_t *len, edge_err_t *err)
{
    const json_t *v = s_get(obj, name);
    if (!v) {
        if (required) return edge_err_set(err, BAD, "`%s` is required", name);
        return 0;
    }
    if (!json_is_string(v)) return edge_err_set(err, BAD, "`%s` must be a string", name);
    if (json_string_length(v) > max_bytes)
        return edge_err_set(err, BAD, "`%s` must be at most %zu bytes long", name, max_bytes);
    *out = json_string_value(v);
    if (len) *len = json_string_length(v);
    return 1;
}

int edge_v_uint(const json_t *obj, const char *name, bool required, uint64_t min, uint64_t max,
                uint64_t *out, edge_err_t *err)
{
    const json_t *v = s_get(obj, name);
    if (!v) {
        if (required) return edge_err_set(err, BAD, "`%s` is required", name);
        return 0;
    }
    if (!json_is_integer(v) || json_integer_value(v) < 0 || (uint64_t)json_integer_value(v) < min ||
        (uint64_t)json_integer_value(v) > max)
        return edge_err_set(err, BAD, "`%s` must be an integer from %llu to %llu", name,
                            (unsigned long long)min, (unsigned long long)max);
    *out = (uint64_t)json_integer_value(v);
    return 1;
}

static int s_bool(const json_t *obj, const char *name, bool *out, edge_err_t *err)
{
    const json_t *v = s_get(obj, name);
    if (!v) return 0;
    if (!json_is_boolean(v)) return edge_err_set(err, BAD, "`%s` must be true or false", name);
    *out = json_is_true(v);
    return 1;
}

static bool s_username_ok(const char *s, size_t n)
{
    if (n == 0 || n > EDGE_USERNAME_MAX) return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '_' || c == '-' || c == '.' || c == '@';
        if (!ok) return false;
    }
    return true;
}

int edge_v_register(const json_t *body, edge_register_t *out, edge_err_t *err)
{
    memset(out, 0, sizeof *out);
    size_t ulen = 0, dlen = 0;
    if (edge_v_string(body, "username", true, 4096, &out->username, &ulen, err) < 0) return -1;
    if (!s_username_ok(out->username, ulen))
        return edge_err_set(err, BAD,
                            "`username` must be 1 to %d characters: letters, digits, `_`, `-`, "
                            "`.` or `@`",
                            EDGE_USERNAME_MAX);
    if (edge_v_string(body, "password", true, 4 * EDGE_PASSWORD_MAX, &out->password,
                      &out->password_len, err) < 0) {
        if (strstr(err->message, "bytes long"))
            edge_err_set(err, BAD, "`password` must be %d to %d characters long", EDGE_PASSWORD_MIN,
                         EDGE_PASSWORD_MAX);
        return -1;
    }
    size_t chars = edge_utf8_chars(out->password, out->password_len);
    if (chars < EDGE_PASSWORD_MIN || chars > EDGE_PASSWORD_MAX)
        return edge_err_set(err, BAD, "`password` must be %d to %d characters long",
                            EDGE_PASSWORD_MIN, EDGE_PASSWORD_MAX);
    if (edge_v_string(body, "display_name", false, EDGE_DISPLAY_NAME_MAX, &out->display_name, &dlen,
                      err) < 0)
        return -1;
    return 0;
}

int edge_v_login(const json_t *body, edge_login_t *out, edge_err_t *err)
{
    memset(out, 0, sizeof *out);
    if (edge_v_string(body, "username", true, 256, &out->username, NULL, err) < 0) return -1;
    if (edge_v_string(body, "password", true, 4 * EDGE_PASSWORD_MAX, &out->password,
                      &out->password_len, err) < 0)
        return -1;
    return 0;
}

int edge_v_submission(const json_t *body, uint64_t max_source_bytes, edge_submission_t *out,
                      edge_err_t *err)
{
    memset(out, 0, sizeof *out);
    size_t llen = 0;
    if (edge_v_id(body, "problem_id", true, &out->problem_id, err) < 0) return -1;
    if (edge_v_string(body, "language", true, EDGE_LANGUAGE_MAX, &out->language, &llen, err) < 0)
        return -1;
    if (llen == 0) return edge_err_set(err, BAD, "`language` must not be empty");
    const json_t *src = s_get(body, "source");
    if (!src) return edge_err_set(err, BAD, "`source` is required");
    if (!json_is_string(src)) return edge_err_set(err, BAD, "`source` must be a string");
    if (json_string_length(src) > max_source_bytes)
        return edge_err_set(err, 413, "too_large", "`source` is larger than %llu bytes",
                            (unsigned long long)max_source_bytes);
    if (json_string_length(src) == 0) return edge_err_set(err, BAD, "`source` must not be empty");
    out->source = json_string_value(src);
    out->source_len = json_string_length(src);
    int rc = edge_v_id(body, "contest_id", false, &out->contest_id, err);
    if (rc < 0) return -1;
    out->has_contest = rc == 1;
    return 0;
}

static int s_number_ge0(const json_t *obj, const char *name, edge_err_t *err)
{
    const json_t *v = s_get(obj, name);
    if (!v) return 0;
    if (!json_is_number(v) || json_number_value(v) < 0 || !isfinite(json_number_value(v)))
        return edge_err_set(err, BAD, "`%s` must be a number that is not negative", name);
    return 1;
}

static int s_checker(const json_t *c, edge_err_t *err)
{
    if (!json_is_object(c))
        return edge_err_set(err, BAD, "`checker` must be an object such as {\"type\":\"tokens\"}");
    if (!edge_json_depth_ok(c, EDGE_CHECKER_DEPTH))
        return edge_err_set(err, BAD, "`checker` is nested more than %d levels deep",
                            EDGE_CHECKER_DEPTH);
    const char *type = NULL;
    size_t len = 0;
    if (edge_v_string(c, "type", true, 16, &type, &len, err) < 0)
        return edge_err_set(err, BAD, "`checker.type` must be one of exact, tokens, float, custom");
    if (strcmp(type, "exact") == 0) return 0;
    if (strcmp(type, "tokens") == 0) {
        const json_t *cs = s_get(c, "case_sensitive");
        if (cs && !json_is_boolean(cs))
            return edge_err_set(err, BAD, "`checker.case_sensitive` must be true or false");
        return 0;
    }
    if (strcmp(type, "float") == 0) {
        if (s_number_ge0(c, "abs", err) < 0 || s_number_ge0(c, "rel", err) < 0) {
            const char *which = strstr(err->message, "`abs`") ? "abs" : "rel";
            return edge_err_set(err, BAD, "`checker.%s` must be a number that is not negative",
                                which);
        }
        return 0;
    }
    if (strcmp(type, "custom") == 0) {
        const char *protocol = NULL, *lang = NULL, *src = NULL;
        size_t n = 0;
        if (edge_v_string(c, "protocol", true, 16, &protocol, NULL, err) < 0 ||
            (strcmp(protocol, "testlib") != 0 && strcmp(protocol, "kattis") != 0))
            return edge_err_set(err, BAD, "`checker.protocol` must be testlib or kattis");
        if (edge_v_string(c, "language", true, EDGE_LANGUAGE_MAX, &lang, &n, err) < 0 || n == 0)
            return edge_err_set(err, BAD, "`checker.language` must be a language id such as cpp");
        if (edge_v_string(c, "source", true, EDGE_CHECKER_SOURCE_MAX, &src, &n, err) < 0 || n == 0)
            return edge_err_set(err, BAD,
                                "`checker.source` must be a non-empty string of at "
                                "most %u bytes",
                                EDGE_CHECKER_SOURCE_MAX);
        return 0;
    }
    return edge_err_set(err, BAD, "`checker.type` must be one of exact, tokens, float, custom");
}

static int s_interactor(const json_t *c, edge_err_t *err)
{
    if (!json_is_object(c) || !edge_json_depth_ok(c, EDGE_CHECKER_DEPTH))
        return edge_err_set(err, BAD,
                            "`interactor` must be an object {\"language\":..,\"source\":..}");
    const char *s = NULL;
    size_t n = 0;
    if (edge_v_string(c, "protocol", false, 16, &s, NULL, err) < 0 ||
        (s && strcmp(s, "kattis") != 0))
        return edge_err_set(err, BAD, "`interactor.protocol` must be kattis");
    if (edge_v_string(c, "language", true, EDGE_LANGUAGE_MAX, &s, &n, err) < 0 || n == 0)
        return edge_err_set(err, BAD, "`interactor.language` must be a language id such as cpp");
    if (edge_v_string(c, "source", true, EDGE_CHECKER_SOURCE_MAX, &s, &n, err) < 0 || n == 0)
        return edge_err_set(err, BAD, "`interactor.source` must be a non-empty string of at most %u bytes",
                            EDGE_CHECKER_SOURCE_MAX);
    return 0;
}

static int s_subtasks(const json_t *a, edge_err_t *err)
{
    if (!json_is_array(a) || json_array_size(a) > EDGE_SUBTASKS_MAX)
        return edge_err_set(err, BAD,
                            "`subtasks` must be an array of at most %d {group, points} objects",
                            EDGE_SUBTASKS_MAX);
    size_t i;
    const json_t *e;
    json_array_foreach(a, i, e)
    {
        const json_t *g = json_is_object(e) ? json_object_get(e, "group") : NULL;
        const json_t *p = json_is_object(e) ? json_object_get(e, "points") : NULL;
        if (!json_is_string(g) || json_string_length(g) == 0 ||
            json_string_length(g) > EDGE_GROUP_MAX)
            return edge_err_set(err, BAD, "`subtasks[%zu].group` must be a name of 1 to %d bytes",
                                i, EDGE_GROUP_MAX);
        if (!json_is_number(p) || json_number_value(p) < 0 || !isfinite(json_number_value(p)))
            return edge_err_set(err, BAD, "`subtasks[%zu].points` must be a non-negative number",
                                i);
        if (json_object_size(e) != 2)
            return edge_err_set(err, BAD, "`subtasks[%zu]` must hold only group and points", i);
    }
    return 0;
}

int edge_v_problem(const json_t *body, bool create, edge_problem_t *out, edge_err_t *err)
{
    memset(out, 0, sizeof *out);
    size_t tlen = 0;
    int rc = edge_v_string(body, "title", create, EDGE_TITLE_MAX, &out->title, &tlen, err);
    if (rc < 0) return -1;
    if (rc == 1 && tlen == 0) return edge_err_set(err, BAD, "`title` must not be empty");
    out->n_fields += rc;
    rc = edge_v_string(body, "statement_md", create, EDGE_STATEMENT_MAX, &out->statement_md,
                       &out->statement_len, err);
    if (rc < 0) return -1;
    out->n_fields += rc;
    rc = edge_v_uint(body, "time_limit_ms", create, 1, EDGE_TIME_LIMIT_MAX_MS, &out->time_limit_ms,
                     err);
    if (rc < 0) return -1;
    out->has_time_limit = rc == 1;
    out->n_fields += rc;
    rc = edge_v_uint(body, "memory_limit_kb", create, 1, EDGE_MEMORY_LIMIT_MAX_KB,
                     &out->memory_limit_kb, err);
    if (rc < 0) return -1;
    out->has_memory_limit = rc == 1;
    out->n_fields += rc;

    const json_t *tags = s_get(body, "tags");
    if (tags) {
        if (!json_is_array(tags) || json_array_size(tags) > EDGE_TAGS_MAX)
            return edge_err_set(err, BAD, "`tags` must be an array of at most %d strings",
                                EDGE_TAGS_MAX);
        size_t i;
        const json_t *t;
        json_array_foreach(tags, i, t)
        {
            if (!json_is_string(t) || json_string_length(t) == 0 ||
                json_string_length(t) > EDGE_TAG_MAX)
                return edge_err_set(err, BAD,
                                    "`tags[%zu]` must be a non-empty string of at most %d bytes", i,
                                    EDGE_TAG_MAX);
        }
        out->tags = tags;
        out->n_fields++;
    }
    const json_t *checker = s_get(body, "checker");
    if (checker) {
        if (s_checker(checker, err) < 0) return -1;
        out->checker = checker;
        out->n_fields++;
    }
    rc = edge_v_uint(body, "output_limit_kb", false, 1, EDGE_OUTPUT_LIMIT_MAX_KB,
                     &out->output_limit_kb, err);
    if (rc < 0) return -1;
    out->has_output_limit = rc == 1;
    out->n_fields += rc;
    const json_t *interactor = s_get(body, "interactor");
    if (interactor) {
        if (s_interactor(interactor, err) < 0) return -1;
        out->interactor = interactor;
        out->n_fields++;
    }
    const json_t *subtasks = s_get(body, "subtasks");
    if (subtasks) {
        if (s_subtasks(subtasks, err) < 0) return -1;
        out->subtasks = subtasks;
        out->n_fields++;
    }
    rc = s_bool(body, "published", &out->published, err);
    if (rc < 0) return -1;
    out->has_published = rc == 1;
    out->n_fields += rc;
    return 0;
}

int edge_v_rejudge(const json_t *body, edge_rejudge_t *out, edge_err_t *err)
{
    memset(out, 0, sizeof *out);
    const json_t *ids = s_get(body, "submission_ids");
    if (ids) {
        if (!json_is_array(ids) || json_array_size(ids) > EDGE_REJUDGE_IDS_MAX)
            return edge_err_set(err, BAD, "`submission_ids` must be an array of at most %d ids",
                                EDGE_REJUDGE_IDS_MAX);
        size_t i;
        const json_t *e;
        json_array_foreach(ids, i, e)
        {
            uint64_t id;
            if (json_is_integer(e) && json_integer_value(e) >= 0)
                id = (uint64_t)json_integer_value(e);
            else if (!json_is_string(e) ||
                     edge_parse_u64(json_string_value(e), json_string_length(e), &id) != 0)
                return edge_err_set(err, BAD, "`submission_ids[%zu]` must be an id", i);
            out->ids[out->n_ids++] = id;
        }
        out->has_ids = true;
    }
    int rc = edge_v_id(body, "problem_id", false, &out->problem_id, err);
    if (rc < 0) return -1;
    out->has_problem = rc == 1;
    rc = edge_v_id(body, "contest_id", false, &out->contest_id, err);
    if (rc < 0) return -1;
    out->has_contest = rc == 1;
    if (!out->has_ids && !out->has_problem && !out->has_contest)
        return edge_err_set(err, BAD,
                            "say what to rejudge: `submission_ids`, `problem_id` or `contest_id`");
    return 0;
}

int edge_v_test(const json_t *body, edge_test_t *out, edge_err_t *err)
{
    memset(out, 0, sizeof *out);
    if (edge_v_string(body, "input", true, (size_t)-1, &out->input, &out->input_len, err) < 0)
        return -1;
    if (edge_v_string(body, "output", true, (size_t)-1, &out->output, &out->output_len, err) < 0)
        return -1;
    int rc = s_bool(body, "sample", &out->sample, err);
    if (rc < 0) return -1;
    out->has_sample = rc == 1;
    size_t glen = 0;
    rc = edge_v_string(body, "group", false, EDGE_GROUP_MAX, &out->group, &glen, err);
    if (rc < 0) return -1;
    if (rc == 1 && glen == 0)
        return edge_err_set(err, BAD, "`group` must not be empty; leave it out instead");
    return 0;
}

/* Reads query parameter `name` into dst. 1 present, 0 absent or empty, -1 too long. */
static int s_query(const char *query, const char *name, char *dst, size_t dstlen)
{
    if (!query) return 0;
    int n = mg_get_var(query, strlen(query), name, dst, dstlen);
    if (n == -1 || n == 0) return 0;
    if (n < 0) return -1;
    return 1;
}

static int s_query_uint(const char *query, const char *name, uint64_t min, uint64_t max, bool *has,
                        uint64_t *out, edge_err_t *err)
{
    char v[32];
    int rc = s_query(query, name, v, sizeof v);
    uint64_t x = 0;
    if (rc == 0) return 0;
    if (rc < 0 || edge_parse_u64(v, strlen(v), &x) != 0 || x < min || x > max)
        return edge_err_set(err, BAD, "query parameter `%s` must be an integer from %llu to %llu",
                            name, (unsigned long long)min, (unsigned long long)max);
    *has = true;
    *out = x;
    return 1;
}

static int s_query_id(const char *query, const char *name, bool *has, uint64_t *out,
                      edge_err_t *err)
{
    char v[32];
    int rc = s_query(query, name, v, sizeof v);
    if (rc == 0) return 0;
    if (rc < 0 || edge_parse_u64(v, strlen(v), out) != 0)
        return edge_err_set(err, BAD, "query parameter `%s` must be a decimal id", name);
    *has = true;
    return 1;
}

int edge_v_problem_query(const char *query, edge_problem_query_t *out, edge_err_t *err)
{
    memset(out, 0, sizeof *out);
    if (s_query_uint(query, "page", 1, EDGE_PAGE_MAX, &out->has_page, &out->page, err) < 0 ||
        s_query_uint(query, "per_page", 1, EDGE_PER_PAGE_MAX, &out->has_per_page, &out->per_page,
                     err) < 0)
        return -1;
    int rc = s_query(query, "q", out->q, sizeof out->q);
    if (rc < 0)
        return edge_err_set(err, BAD, "query parameter `q` must be at most %d bytes",
                            EDGE_QUERY_Q_MAX);
    if (rc == 1 && !edge_utf8_valid(out->q, strlen(out->q)))
        return edge_err_set(err, BAD, "query parameter `q` must be UTF-8 text");
    out->has_q = rc == 1;
    return 0;
}

int edge_v_submission_query(const char *query, edge_submission_query_t *out, edge_err_t *err)
{
    memset(out, 0, sizeof *out);
    if (s_query_id(query, "problem_id", &out->has_problem, &out->problem_id, err) < 0 ||
        s_query_id(query, "contest_id", &out->has_contest, &out->contest_id, err) < 0 ||
        s_query_id(query, "user_id", &out->has_user, &out->user_id, err) < 0 ||
        s_query_uint(query, "page", 1, EDGE_PAGE_MAX, &out->has_page, &out->page, err) < 0 ||
        s_query_uint(query, "per_page", 1, EDGE_PER_PAGE_MAX, &out->has_per_page, &out->per_page,
                     err) < 0)
        return -1;
    return 0;
}
