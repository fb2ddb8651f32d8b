/*  gv_config: the shipped cluster.toml loads, defaults apply, every mistake an operator is
 *  likely to make is refused with the file, line and key in the message, "{data}" becomes the
 *  absolute data dir, and actor ownership (singletons, pinned and sharded contests) is stable.
 *
 *  Run all tests, or one by name: `test_config [test_name]` (ctest runs each separately).
 *  Fixtures live in tests/unit/config/; their line numbers are part of the assertions.
 */
#include "gv_config.h"
#include "gv_test.h"

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#ifndef GV_CONFIG_FIXTURES
#error "GV_CONFIG_FIXTURES must name tests/unit/config (set by tests/config.cmake)"
#endif
#ifndef GV_CLUSTER_TOML
#error "GV_CLUSTER_TOML must name the repository's cluster.toml (set by tests/config.cmake)"
#endif

#define FIXTURE(name) GV_CONFIG_FIXTURES "/" name
#define DATA "/tmp/gavel-config-test"

static char err[1024];

static gv_config_t *s_load(const char *path)
{
    err[0] = '\0';
    gv_config_t *c = gv_config_load(path, DATA, err, sizeof err);
    if (!c) fprintf(stderr, "  load %s: %s\n", path, err);
    return c;
}

/* Loads a fixture that must fail, and checks the message holds every needle. */
static void s_expect_error(const char *fixture, const char *needle1, const char *needle2,
                           const char *needle3)
{
    int before = gv_test_failures;
    err[0] = '\0';
    gv_config_t *c = gv_config_load(fixture, DATA, err, sizeof err);
    CHECK(c == NULL);
    gv_config_destroy(&c);
    CHECK_CONTAINS(err, fixture);
    CHECK_CONTAINS(err, needle1);
    if (needle2) CHECK_CONTAINS(err, needle2);
    if (needle3) CHECK_CONTAINS(err, needle3);
    if (gv_test_failures != before) fprintf(stderr, "  message was: %s\n", err);
}

/* The reference placement rule, written out independently of gv_config.cpp. */
static size_t s_expected_shard(const char *id, size_t nodes)
{
    uint64_t h = 14695981039346656037ull;
    for (; *id; id++) {
        h ^= (unsigned char)*id;
        h *= 1099511628211ull;
    }
    return (size_t)(h % nodes);
}

/* ---- valid files ----------------------------------------------------------------------- */

static void shipped_cluster_toml_loads(void)
{
    gv_config_t *c = s_load(GV_CLUSTER_TOML);
    CHECK(c != NULL);
    if (!c) return;
    CHECK_STR(c->cluster_name, "gavel");
    CHECK_STR(c->data_dir, DATA);
    CHECK(c->path != NULL && c->path[0] == '/');
    CHECK(c->n_nodes == 4);
    CHECK(c->heartbeat_interval_ms == 1000 && c->heartbeat_liveness == 3);
    CHECK(c->max_source_bytes == 65536);

    const gv_node_cfg_t *b = gv_config_broker(c);
    CHECK(b != NULL && b->role == GV_ROLE_BROKER);
    if (b) {
        CHECK_STR(b->router_endpoint, "ipc://" DATA "/run/broker.sock");
        CHECK_STR(b->pub_endpoint, "ipc://" DATA "/run/events-in.sock");
        CHECK_STR(b->sub_endpoint, "ipc://" DATA "/run/events-out.sock");
    }
    const gv_node_cfg_t *a = gv_config_node(c, "actors-1");
    CHECK(a != NULL && a->role == GV_ROLE_ACTORS && a->n_actors == 4 && a->contests);
    CHECK_STR(gv_config_owner(c, "contests"), "actors-1");
    CHECK(c->contest_submissions_per_minute == 10);
    const gv_node_cfg_t *e = gv_config_node(c, "edge-1");
    CHECK(e != NULL && e->role == GV_ROLE_EDGE && e->threads == 64);
    if (e) CHECK_STR(e->listen, "127.0.0.1:8080");
    const gv_node_cfg_t *j = gv_config_node(c, "judge-1");
    CHECK(j != NULL && j->role == GV_ROLE_JUDGE && j->slots == 1 && j->languages_only == NULL);
    if (j) CHECK_STR(j->run_user, "nobody");

    /* Languages keep the file's order. */
    static const char *const shipped[] = {"c", "cpp", "python3", "java", "rust", "javascript",
                                          "pascal"};
    CHECK(c->n_langs == 7);
    for (size_t i = 0; i < c->n_langs && i < 7; i++)
        CHECK_STR(c->langs[i].id, shipped[i]);
    const gv_lang_cfg_t *java = gv_config_lang(c, "java");
    CHECK(java != NULL && java->processes > 1); /* a JVM needs threads */
    CHECK(j != NULL && !j->insecure && j->uid_base == 60000 && j->tmp_size_mb == 64);
    const gv_lang_cfg_t *lc = gv_config_lang(c, "c");
    CHECK(lc != NULL && lc->n_compile == 8 && lc->n_run == 1);
    if (lc && lc->n_compile == 8) {
        CHECK_STR(lc->compile[0], "gcc");
        CHECK_STR(lc->compile[3], "-pipe");
        CHECK_STR(lc->compile[7], "-lm");
        CHECK_STR(lc->run[0], "{exe}");
        CHECK_STR(lc->source_file, "main.c");
    }
    const gv_lang_cfg_t *lx = gv_config_lang(c, "cpp");
    CHECK(lx != NULL && lx->n_compile >= 3);
    if (lx && lx->n_compile >= 3) {
        CHECK_STR(lx->compile[0], "g++");
        CHECK_STR(lx->compile[2], "-std=gnu++20");
    }
    const gv_lang_cfg_t *py = gv_config_lang(c, "python3");
    /* Python's "compile" is a syntax check so that a syntax error is CE */
    CHECK(py != NULL && py->n_compile == 4 && py->n_run == 2);
    if (py && py->n_compile == 4)
        CHECK_STR(py->compile[3], "{src}");
    if (py && py->n_run == 2) {
        CHECK_STR(py->run[0], "python3");
        CHECK_STR(py->run[1], "{src}");
        CHECK_STR(py->name, "Python 3");
    }
    CHECK_STR(gv_config_owner(c, "accounts"), "actors-1");
    CHECK_STR(gv_config_owner(c, "contest/42"), "actors-1");
    gv_config_destroy(&c);
    CHECK(c == NULL);
}

static void omitted_keys_take_documented_defaults(void)
{
    gv_config_t *c = s_load(FIXTURE("minimal.toml"));
    CHECK(c != NULL);
    if (!c) return;
    CHECK_STR(c->cluster_name, "gavel");
    CHECK(c->heartbeat_interval_ms == 1000);
    CHECK(c->heartbeat_liveness == 3);
    CHECK(c->max_message_bytes == 64ull << 20);
    CHECK(c->max_body_bytes == 1ull << 20);
    CHECK(c->max_source_bytes == 65536);
    CHECK(c->request_timeout_ms == 5000);
    CHECK(c->token_ttl_s == 86400);
    CHECK(c->reoffer_interval_ms == 30000);
    CHECK(c->judge_default_time_limit_ms == 2000);
    CHECK(c->judge_output_limit_kb == 65536);
    CHECK(c->contest_submissions_per_minute == 10);
    CHECK(c->user_submissions_per_minute == 10);
    CHECK(c->max_queued_per_user == 10);
    /* the contest directory goes with the problems when not placed */
    CHECK_STR(gv_config_owner(c, "contests"), "actors-1");
    CHECK(c->judge_cache_mb == 1024);

    const gv_node_cfg_t *b = gv_config_broker(c);
    CHECK(b != NULL);
    if (b) {
        CHECK_STR(b->host, "127.0.0.1");
        CHECK_STR(b->router_endpoint, "ipc://" DATA "/run/broker.sock");
        CHECK_STR(b->pub_endpoint, "ipc://" DATA "/run/events-in.sock");
        CHECK_STR(b->sub_endpoint, "ipc://" DATA "/run/events-out.sock");
    }
    const gv_node_cfg_t *a = gv_config_node(c, "actors-1");
    CHECK(a != NULL && a->contests && a->map_size_mb == 65536);
    const gv_node_cfg_t *e = gv_config_node(c, "edge-1");
    CHECK(e != NULL && e->threads == 64);
    if (e) CHECK_STR(e->listen, "127.0.0.1:8080");
    const gv_node_cfg_t *j = gv_config_node(c, "judge-1");
    CHECK(j != NULL && j->slots == 1 && j->languages_only == NULL);
    if (j) CHECK_STR(j->run_user, "nobody");
    const gv_lang_cfg_t *l = gv_config_lang(c, "c");
    CHECK(l != NULL && l->compile_time_limit_ms == 10000 && l->n_version == 0);
    if (l) CHECK_STR(l->name, "c");
    gv_config_destroy(&c);
}

static void data_placeholder_becomes_the_absolute_data_dir(void)
{
    char cwd[PATH_MAX], want[PATH_MAX + 64];
    CHECK(getcwd(cwd, sizeof cwd) != NULL);
    /* A relative dir that does not exist yet is made absolute and tidied lexically. */
    snprintf(want, sizeof want, "%s/gv-nonexistent-data", cwd);
    gv_config_t *c =
        gv_config_load(FIXTURE("minimal.toml"), "./gv-x/../gv-nonexistent-data/", err, sizeof err);
    CHECK(c != NULL);
    if (!c) return;
    CHECK_STR(c->data_dir, want);
    char ep[PATH_MAX + 256];
    snprintf(ep, sizeof ep, "ipc://%s/run/broker.sock", want);
    CHECK_STR(gv_config_broker(c)->router_endpoint, ep);
    /* ... also inside language commands, next to the judge's own placeholders. */
    const gv_lang_cfg_t *l = gv_config_lang(c, "c");
    char inc[PATH_MAX + 256];
    snprintf(inc, sizeof inc, "-I%s/include", want);
    CHECK(l != NULL && l->n_compile == 5);
    if (l && l->n_compile == 5) {
        CHECK_STR(l->compile[2], "{exe}");
        CHECK_STR(l->compile[4], inc);
    }
    gv_config_destroy(&c);
}

static void existing_data_dir_is_resolved_to_its_real_path(void)
{
    char tmpl[] = "/tmp/gv-config-XXXXXX";
    CHECK(mkdtemp(tmpl) != NULL);
    char given[64];
    snprintf(given, sizeof given, "%s/./", tmpl);
    char *real = realpath(tmpl, NULL); /* in case /tmp itself is a symlink */
    gv_config_t *c = gv_config_load(FIXTURE("minimal.toml"), given, err, sizeof err);
    CHECK(c != NULL && real != NULL);
    if (c && real) CHECK_STR(c->data_dir, real);
    free(real);
    gv_config_destroy(&c);
    rmdir(tmpl);
}

/* ---- mistakes ------------------------------------------------------------------------- */

static void unknown_key_names_line_and_suggests_the_closest(void)
{
    s_expect_error(FIXTURE("bad_unknown_key.toml"), "line 13", "`slot`", "did you mean `slots`?");
}

static void unknown_section_suggests_the_closest(void)
{
    s_expect_error(FIXTURE("bad_unknown_section.toml"), "line 4", "`limit`",
                   "did you mean `limits`?");
}

static void wrong_type_names_the_expected_type(void)
{
    s_expect_error(FIXTURE("bad_wrong_type.toml"), "line 2", "heartbeat.interval_ms",
                   "must be an integer from 50 to 60000, not a string");
}

static void relative_bind_path_is_refused(void)
{
    s_expect_error(FIXTURE("bad_bind_relative.toml"), "line 22", "binds",
                   "must be an absolute path");
}

/* {toolchain} needs the command that finds it. */
static void toolchain_placeholder_without_toolchain_is_refused(void)
{
    s_expect_error(FIXTURE("bad_toolchain_missing.toml"), "line 19", "{toolchain}",
                   "no `toolchain` command");
}

static void env_entry_without_equals_is_refused(void)
{
    s_expect_error(FIXTURE("bad_env_entry.toml"), "line 22", "env", "NAME=value");
}

static void insecure_must_be_a_boolean(void)
{
    s_expect_error(FIXTURE("bad_insecure_type.toml"), "line 18", "insecure", "boolean");
}

static void out_of_range_value_names_the_range(void)
{
    s_expect_error(FIXTURE("bad_out_of_range.toml"), "line 9", "threads",
                   "out of range: expected an integer from 1 to 65536");
}

static void per_user_submission_limits_are_range_checked(void)
{
    s_expect_error(FIXTURE("bad_submission_limits.toml"), "line 3", "max_queued_per_user",
                   "out of range: expected an integer from 1 to 100000");
    s_expect_error(FIXTURE("bad_submission_rate.toml"), "line 2", "submissions_per_minute_per_user",
                   "out of range: expected an integer from 1 to 100000");
}

/* Issue 10: the disk, task and wall-clock bounds of a run have defaults, load when set and
 * refuse values that would break judging. */
static void sandbox_bounds_have_defaults(void)
{
    gv_config_t *c = s_load(FIXTURE("minimal.toml"));
    CHECK(c != NULL);
    if (!c) return;
    CHECK(c->judge_compile_cache_mb == 1024);
    CHECK(c->judge_wall_time_percent == 150 && c->judge_wall_time_extra_ms == 2000);
    const gv_node_cfg_t *j = gv_config_node(c, "judge-1");
    CHECK(j != NULL && j->work_size_mb == 256 && j->work_inodes == 10000);
    const gv_lang_cfg_t *l = gv_config_lang(c, "c");
    CHECK(l != NULL && l->processes == 64); /* threads work without a `processes` line */
    gv_config_destroy(&c);
}

static void sandbox_bounds_load_when_set(void)
{
    gv_config_t *c = s_load(FIXTURE("sandbox_bounds.toml"));
    CHECK(c != NULL);
    if (!c) return;
    CHECK(c->judge_compile_cache_mb == 8);
    CHECK(c->judge_wall_time_percent == 100 && c->judge_wall_time_extra_ms == 0);
    const gv_node_cfg_t *j = gv_config_node(c, "judge-1");
    CHECK(j != NULL && j->work_size_mb == 16 && j->work_inodes == 500);
    const gv_lang_cfg_t *l = gv_config_lang(c, "c");
    CHECK(l != NULL && l->processes == 1);
    gv_config_destroy(&c);
}

static void sandbox_bounds_out_of_range_are_refused(void)
{
    s_expect_error(FIXTURE("bad_sandbox_bounds_wall.toml"), "line 3", "wall_time_percent",
                   "expected an integer from 100 to 1000");
    s_expect_error(FIXTURE("bad_sandbox_bounds_inodes.toml"), "line 9", "work_inodes",
                   "expected an integer from 64 to 10000000");
    s_expect_error(FIXTURE("bad_sandbox_bounds_cache.toml"), "line 3", "compile_cache_mb",
                   "expected an integer from 1 to 1048576");
}

static void duplicate_node_name_is_refused(void)
{
    s_expect_error(FIXTURE("bad_duplicate_node.toml"), "line 17", "duplicate node name `edge-1`",
                   "line 12");
}

static void second_broker_is_refused(void)
{
    s_expect_error(FIXTURE("bad_two_brokers.toml"), "line 11", "broker-2", "exactly one broker");
}

static void missing_broker_is_refused(void)
{
    s_expect_error(FIXTURE("bad_no_broker.toml"), "role = \"broker\"", "no node", NULL);
}

static void actor_placed_on_two_nodes_is_refused(void)
{
    s_expect_error(FIXTURE("bad_actor_twice.toml"), "line 14", "actor `problems`",
                   "`actors-1` (line 8) and `actors-2`");
}

static void required_actor_placed_nowhere_is_refused(void)
{
    s_expect_error(FIXTURE("bad_missing_actor.toml"), "`submissions`", "placed on no node", NULL);
}

static void broker_key_on_edge_node_is_refused(void)
{
    s_expect_error(FIXTURE("bad_broker_key_on_edge.toml"), "line 9", "`router_endpoint`",
                   "belongs on broker nodes");
}

static void bad_toml_syntax_names_line_and_key(void)
{
    s_expect_error(FIXTURE("bad_syntax.toml"), "line 5", "invalid TOML", "interval_ms");
}

static void misspelt_role_suggests_the_closest(void)
{
    s_expect_error(FIXTURE("bad_role.toml"), "line 6", "`role` = \"judeg\"",
                   "did you mean \"judge\"?");
}

static void unknown_command_placeholder_is_refused(void)
{
    s_expect_error(FIXTURE("bad_placeholder.toml"), "line 4", "languages.c.compile",
                   "did you mean `{src}`?");
}

static void judge_language_must_be_defined(void)
{
    s_expect_error(FIXTURE("bad_judge_language.toml"), "line 8", "`rsut`", "did you mean `rust`?");
}

static void node_written_as_plain_table_is_refused(void)
{
    s_expect_error(FIXTURE("bad_node_not_array.toml"), "line 4", "`node`", "[[node]]");
}

static void judge_running_as_root_is_refused(void)
{
    s_expect_error(FIXTURE("bad_run_user_root.toml"), "line 8", "run_user", "not be root");
}

/* Run uids (issue 10): a window with room for 2 uids per slot, an absolute lock directory. */
static void uid_window_defaults_and_range_are_checked(void)
{
    gv_config_t *c = s_load(FIXTURE("minimal.toml"));
    const gv_node_cfg_t *j = c ? gv_config_node(c, "judge-1") : NULL;
    CHECK(j != NULL && j->uid_base == 60000 && j->uid_window == 4096);
    if (j) CHECK_STR(j->uid_lock_dir, "/run/gavel/uids");
    gv_config_destroy(&c);
    s_expect_error(FIXTURE("bad_uid_window_range.toml"), "line 8", "uid_window",
                   "out of range: expected an integer from 2 to 16777216");
    s_expect_error(FIXTURE("bad_uid_window_small.toml"), "line 9", "too small for slots = 4",
                   "at least 8");
    s_expect_error(FIXTURE("bad_uid_lock_dir_relative.toml"), "line 8", "uid_lock_dir",
                   "absolute path");
}

static void ipc_path_too_long_for_a_unix_socket_is_refused(void)
{
    char data[160];
    memset(data, 'd', sizeof data);
    memcpy(data, "/tmp/", 5);
    data[sizeof data - 1] = '\0';
    err[0] = '\0';
    gv_config_t *c = gv_config_load(FIXTURE("minimal.toml"), data, err, sizeof err);
    CHECK(c == NULL);
    gv_config_destroy(&c);
    CHECK_CONTAINS(err, "line 2"); /* the broker's [[node]], where the default applies */
    CHECK_CONTAINS(err, "router_endpoint");
    CHECK_CONTAINS(err, "107-byte limit");
}

static void missing_file_names_the_path(void)
{
    s_expect_error(FIXTURE("no-such-file.toml"), "cannot read", "No such file", NULL);
}

static void missing_arguments_are_refused_without_crashing(void)
{
    CHECK(gv_config_load(NULL, DATA, err, sizeof err) == NULL);
    CHECK_CONTAINS(err, "--config");
    CHECK(gv_config_load(GV_CLUSTER_TOML, NULL, err, sizeof err) == NULL);
    CHECK_CONTAINS(err, "--data");
    CHECK(gv_config_load(GV_CLUSTER_TOML, "", NULL, 0) == NULL);
    gv_config_destroy(NULL);
    gv_config_t *none = NULL;
    gv_config_destroy(&none);
}

static void error_is_truncated_to_the_buffer(void)
{
    char small[16];
    memset(small, 'x', sizeof small);
    CHECK(gv_config_load(FIXTURE("bad_role.toml"), DATA, small, sizeof small) == NULL);
    CHECK(strlen(small) == sizeof small - 1);
}

/* ---- lookups and ownership --------------------------------------------------------------- */

static void lookups_return_null_for_unknown_names(void)
{
    gv_config_t *c = s_load(GV_CLUSTER_TOML);
    CHECK(c != NULL);
    CHECK(gv_config_node(c, "judge-9") == NULL);
    CHECK(gv_config_lang(c, "cobol") == NULL);
    CHECK(gv_config_node(c, NULL) == NULL);
    CHECK(gv_config_node(NULL, "broker") == NULL);
    CHECK(gv_config_broker(NULL) == NULL);
    CHECK(gv_config_lang(NULL, "c") == NULL);
    CHECK(gv_config_owner(NULL, "accounts") == NULL);
    CHECK(gv_config_owner(c, NULL) == NULL);
    gv_config_destroy(&c);
}

static void owner_finds_singletons_by_exact_name(void)
{
    gv_config_t *c = s_load(FIXTURE("sharded.toml"));
    CHECK(c != NULL);
    if (!c) return;
    CHECK_STR(gv_config_owner(c, "accounts"), "actors-1");
    CHECK_STR(gv_config_owner(c, "problems"), "actors-1");
    CHECK_STR(gv_config_owner(c, "submissions"), "actors-2");
    CHECK_STR(gv_config_owner(c, "judgequeue"), "actors-3");
    CHECK(gv_config_owner(c, "account") == NULL);
    CHECK(gv_config_owner(c, "accounts/1") == NULL);
    CHECK(gv_config_owner(c, "problem/7") == NULL);
    CHECK(gv_config_owner(c, "edge-1") == NULL);
    CHECK(gv_config_owner(c, "") == NULL);
    gv_config_destroy(&c);
}

static void owner_spreads_contests_stably_over_contest_nodes(void)
{
    gv_config_t *c1 = s_load(FIXTURE("sharded.toml"));
    gv_config_t *c2 = s_load(FIXTURE("sharded.toml"));
    CHECK(c1 != NULL && c2 != NULL);
    if (!c1 || !c2) {
        gv_config_destroy(&c1);
        gv_config_destroy(&c2);
        return;
    }
    const char *shard[2] = {"actors-1", "actors-2"}; /* contests = true, in file order */
    int count[2] = {0, 0};
    for (int id = 1; id <= 100; id++) {
        if (id == 7) continue; /* pinned */
        char addr[32], num[24];
        snprintf(num, sizeof num, "%d", id);
        snprintf(addr, sizeof addr, "contest/%d", id);
        const char *o1 = gv_config_owner(c1, addr), *o2 = gv_config_owner(c2, addr);
        size_t want = s_expected_shard(num, 2);
        CHECK_STR(o1, shard[want]);
        CHECK(o1 && o2 && strcmp(o1, o2) == 0);
        count[want]++;
    }
    CHECK(count[0] > 10 && count[1] > 10); /* both nodes get a real share */
    gv_config_destroy(&c1);
    gv_config_destroy(&c2);
}

static void owner_honours_pinned_contests(void)
{
    gv_config_t *c = s_load(FIXTURE("sharded.toml"));
    CHECK(c != NULL);
    if (!c) return;
    CHECK_STR(gv_config_owner(c, "contest/7"), "actors-2");
    gv_config_destroy(&c);
}

static void owner_rejects_malformed_contest_ids(void)
{
    gv_config_t *c = s_load(FIXTURE("sharded.toml"));
    CHECK(c != NULL);
    if (!c) return;
    CHECK(gv_config_owner(c, "contest/") == NULL);
    CHECK(gv_config_owner(c, "contest/abc") == NULL);
    CHECK(gv_config_owner(c, "contest/007") == NULL);
    CHECK(gv_config_owner(c, "contest/-1") == NULL);
    CHECK(gv_config_owner(c, "contest/1x") == NULL);
    CHECK(gv_config_owner(c, "contest/18446744073709551616") == NULL);
    CHECK(gv_config_owner(c, "contest/18446744073709551615") != NULL);
    CHECK(gv_config_owner(c, "contest/0") != NULL);
    gv_config_destroy(&c);
}

static void role_names_match_the_toml_values(void)
{
    CHECK_STR(gv_role_name(GV_ROLE_BROKER), "broker");
    CHECK_STR(gv_role_name(GV_ROLE_ACTORS), "actors");
    CHECK_STR(gv_role_name(GV_ROLE_EDGE), "edge");
    CHECK_STR(gv_role_name(GV_ROLE_JUDGE), "judge");
}

/* ---- edge limits (issue 10) ------------------------------------------------------------ */

static void edge_limits_default_from_threads(void)
{
    CHECK(gv_edge_stream_reserve(1) == 1 && gv_edge_stream_reserve(8) == 2);
    CHECK(gv_edge_stream_reserve(64) == 16 && gv_edge_stream_reserve(4096) == 64);
    gv_config_t *c = s_load(FIXTURE("minimal.toml"));
    CHECK(c != NULL);
    if (!c) return;
    const gv_node_cfg_t *e = gv_config_node(c, "edge-1");
    CHECK(e != NULL && e->max_streams == 48 && e->max_streams_per_address == 24);
    CHECK(e != NULL && e->max_connections_per_address == 32 && e->header_timeout_ms == 10000);
    CHECK(e != NULL && e->n_trusted_addresses == 2);
    if (e && e->n_trusted_addresses == 2) {
        CHECK_STR(e->trusted_addresses[0], "127.0.0.1");
        CHECK_STR(e->trusted_addresses[1], "::1");
    }
    gv_config_destroy(&c);
    c = s_load(FIXTURE("edge_limits.toml"));
    CHECK(c != NULL);
    if (!c) return;
    e = gv_config_node(c, "edge-1");
    CHECK(e != NULL && e->threads == 8 && e->max_streams == 2 && e->max_streams_per_address == 1);
    CHECK(e != NULL && e->max_connections_per_address == 0 && e->header_timeout_ms == 3000);
    CHECK(e != NULL && e->n_trusted_addresses == 2);
    if (e && e->n_trusted_addresses == 2) CHECK_STR(e->trusted_addresses[1], "::1"); /* 0:0::1 */
    gv_config_destroy(&c);
}

static void edge_max_streams_must_leave_the_reserve(void)
{
    s_expect_error(FIXTURE("bad_edge_max_streams.toml"), "line 15", "max_streams` = 7",
                   "at most 6");
}

static void edge_trusted_addresses_must_be_ip_addresses(void)
{
    s_expect_error(FIXTURE("bad_edge_trusted.toml"), "line 14", "\"localhost\" is not an IP",
                   NULL);
}

static void edge_header_timeout_is_range_checked(void)
{
    s_expect_error(FIXTURE("bad_edge_header_timeout.toml"), "line 14", "header_timeout_ms",
                   "500 to 600000");
}

/* ---- runner -------------------------------------------------------------------------- */

static const char *only;
static int ran;
#define T(fn)                                                                                      \
    do {                                                                                           \
        if (!only || strcmp(only, #fn) == 0) {                                                     \
            ran++;                                                                                 \
            RUN(fn);                                                                               \
        }                                                                                          \
    } while (0)

int main(int argc, char **argv)
{
    only = argc > 1 ? argv[1] : NULL;
    T(shipped_cluster_toml_loads);
    T(omitted_keys_take_documented_defaults);
    T(data_placeholder_becomes_the_absolute_data_dir);
    T(existing_data_dir_is_resolved_to_its_real_path);
    T(unknown_key_names_line_and_suggests_the_closest);
    T(unknown_section_suggests_the_closest);
    T(wrong_type_names_the_expected_type);
    T(out_of_range_value_names_the_range);
    T(per_user_submission_limits_are_range_checked);
    T(relative_bind_path_is_refused);
    T(toolchain_placeholder_without_toolchain_is_refused);
    T(env_entry_without_equals_is_refused);
    T(insecure_must_be_a_boolean);
    T(sandbox_bounds_have_defaults);
    T(sandbox_bounds_load_when_set);
    T(sandbox_bounds_out_of_range_are_refused);
    T(duplicate_node_name_is_refused);
    T(second_broker_is_refused);
    T(missing_broker_is_refused);
    T(actor_placed_on_two_nodes_is_refused);
    T(required_actor_placed_nowhere_is_refused);
    T(broker_key_on_edge_node_is_refused);
    T(bad_toml_syntax_names_line_and_key);
    T(misspelt_role_suggests_the_closest);
    T(unknown_command_placeholder_is_refused);
    T(judge_language_must_be_defined);
    T(node_written_as_plain_table_is_refused);
    T(judge_running_as_root_is_refused);
    T(ipc_path_too_long_for_a_unix_socket_is_refused);
    T(uid_window_defaults_and_range_are_checked);
    T(missing_file_names_the_path);
    T(missing_arguments_are_refused_without_crashing);
    T(error_is_truncated_to_the_buffer);
    T(lookups_return_null_for_unknown_names);
    T(owner_finds_singletons_by_exact_name);
    T(owner_spreads_contests_stably_over_contest_nodes);
    T(owner_honours_pinned_contests);
    T(owner_rejects_malformed_contest_ids);
    T(role_names_match_the_toml_values);
    T(edge_limits_default_from_threads);
    T(edge_max_streams_must_leave_the_reserve);
    T(edge_header_timeout_is_range_checked);
    T(edge_trusted_addresses_must_be_ip_addresses);
    if (ran == 0) {
        fprintf(stderr, "no test named %s\n", only);
        return 1;
    }
    return TEST_SUMMARY();
}
