/*  The problems actor: create/update/delete/get/list, tests by content hash, judge manifest
 *  and test data, safe Markdown. */
#include "test_actors_kit.c"

#include "blobs.h"

typedef struct {
    const char *title, *md, *tags[4], *checker_type;
    uint64_t tl, ml;
} pdef_t;

static void s_pk_checker_type(msgpack_packer *pk, const char *type)
{
    gv_pk_key(pk, "checker");
    msgpack_pack_map(pk, 1);
    gv_pk_kv_str(pk, "type", type);
}

static gv_msg_t *s_create(const pdef_t *p, const char *role)
{
    size_t ntags = 0;
    while (ntags < 4 && p->tags[ntags])
        ntags++;
    gv_writer_t *w = kit_begin("problems.create", "problems", 7 + (p->checker_type ? 1 : 0));
    msgpack_packer *pk = gv_writer_pk(w);
    gv_pk_kv_str(pk, "title", p->title);
    gv_pk_kv_str(pk, "statement_md", p->md ? p->md : "");
    gv_pk_kv_uint(pk, "time_limit_ms", p->tl ? p->tl : 1000);
    gv_pk_kv_uint(pk, "memory_limit_kb", p->ml ? p->ml : 262144);
    gv_pk_key(pk, "tags");
    msgpack_pack_array(pk, (uint32_t)ntags);
    for (size_t i = 0; i < ntags; i++)
        gv_pk_str(pk, p->tags[i]);
    if (p->checker_type) s_pk_checker_type(pk, p->checker_type);
    kit_caller(pk, 1, role);
    return kit_end(w);
}

/* Creates a problem as jury and returns its id. */
static uint64_t s_new_problem(node_t *node, const pdef_t *p)
{
    gv_msg_t *r = kit_expect(node, s_create(p, "jury"), 201);
    char id[32];
    kit_str(kit_data(r, "id"), id, sizeof id);
    gv_msg_destroy(&r);
    return strtoull(id, NULL, 10);
}

static gv_msg_t *s_by_id(const char *type, uint64_t id, const char *role)
{
    gv_writer_t *w = kit_begin(type, "problems", role ? 3 : 1);
    gv_pk_kv_uint(gv_writer_pk(w), "id", id);
    if (role) kit_caller(gv_writer_pk(w), 7, role);
    return kit_end(w);
}

static gv_msg_t *s_add_test(uint64_t id, const char *in, const char *out, bool sample)
{
    gv_writer_t *w = kit_begin("problems.add_test", "problems", 6);
    msgpack_packer *pk = gv_writer_pk(w);
    gv_pk_kv_uint(pk, "id", id);
    gv_pk_kv_bin(pk, "input", in, strlen(in));
    gv_pk_kv_bin(pk, "output", out, strlen(out));
    gv_pk_kv_bool(pk, "sample", sample);
    kit_caller(pk, 1, "admin");
    return kit_end(w);
}

static gv_msg_t *s_list(uint64_t page, uint64_t per, const char *q)
{
    gv_writer_t *w =
        kit_begin("problems.list", "problems", (page ? 1 : 0) + (per ? 1 : 0) + (q ? 1 : 0));
    if (page) gv_pk_kv_uint(gv_writer_pk(w), "page", page);
    if (per) gv_pk_kv_uint(gv_writer_pk(w), "per_page", per);
    if (q) gv_pk_kv_str(gv_writer_pk(w), "q", q);
    return kit_end(w);
}

static void test_create_requires_jury_and_valid_fields(void)
{
    char *dir = kit_tmpdir();
    node_t *node = kit_node(dir, "problems", 0);
    CHECK(node);
    pdef_t p = {.title = "A+B"};
    kit_expect_error(node, s_create(&p, "contestant"), 403, "forbidden", NULL);
    pdef_t bad_tl = {.title = "x", .tl = 60001};
    kit_expect_error(node, s_create(&bad_tl, "jury"), 400, "invalid_field", "`time_limit_ms`");
    pdef_t bad_ml = {.title = "x", .ml = 1023};
    kit_expect_error(node, s_create(&bad_ml, "jury"), 400, "invalid_field", "`memory_limit_kb`");
    pdef_t bad_checker = {.title = "x", .checker_type = "fuzzy"};
    kit_expect_error(node, s_create(&bad_checker, "admin"), 400, "invalid_field", "`checker.type`");
    pdef_t custom_no_source = {.title = "x", .checker_type = "custom"};
    kit_expect_error(node, s_create(&custom_no_source, "admin"), 400, "invalid_field",
                     "`checker.protocol`");
    pdef_t empty_title = {.title = ""};
    kit_expect_error(node, s_create(&empty_title, "admin"), 400, "invalid_field", "`title`");
    CHECK(kit_db_entries(node, "problems.items") == 0);

    gv_msg_t *r = kit_expect(node, s_create(&p, "admin"), 201);
    CHECK(kit_str_is(kit_data(r, "id"), "1"));
    gv_msg_destroy(&r);
    CHECK(kit_count_events(node, "problem/1") == 1);
    node_destroy(&node);
    kit_rmrf(&dir);
}

static void test_get_renders_markdown_safely(void)
{
    char *dir = kit_tmpdir();
    node_t *node = kit_node(dir, "problems", 0);
    CHECK(node);
    pdef_t p = {.title = "Sum",
                .md = "# Sum\n\nAdd *two* numbers.\n\n<script>alert(1)</script>\n\n"
                      "[click](javascript:alert(2))\n",
                .tags = {"math", "easy"},
                .tl = 2000,
                .ml = 65536};
    uint64_t id = s_new_problem(node, &p);
    gv_msg_t *r = kit_expect(node, s_by_id("problems.get", id, "contestant"), 200);
    char html[4096];
    kit_str(kit_data(r, "statement_html"), html, sizeof html);
    CHECK(strstr(html, "<h1>Sum</h1>"));
    CHECK(strstr(html, "<em>two</em>"));
    CHECK(!strstr(html, "<script>"));
    CHECK(!strstr(html, "javascript:"));
    CHECK(kit_str_is(kit_data(r, "statement_md"), p.md));
    CHECK(kit_str_is(kit_data(r, "id"), "1"));
    CHECK(kit_uint(kit_data(r, "time_limit_ms")) == 2000);
    CHECK(kit_uint(kit_data(r, "memory_limit_kb")) == 65536);
    const msgpack_object *tags = kit_data(r, "tags");
    CHECK(tags->type == MSGPACK_OBJECT_ARRAY && tags->via.array.size == 2);
    CHECK(kit_str_is(&tags->via.array.ptr[1], "easy"));
    CHECK(kit_str_is(gv_obj_get(kit_data(r, "checker"), "type"), "tokens")); /* the default */
    CHECK(kit_data(r, "samples")->via.array.size == 0);
    gv_msg_destroy(&r);
    kit_expect_error(node, s_by_id("problems.get", 77, NULL), 404, "not_found", NULL);
    node_destroy(&node);
    kit_rmrf(&dir);
}

static void test_list_pages_and_query(void)
{
    char *dir = kit_tmpdir();
    node_t *node = kit_node(dir, "problems", 0);
    CHECK(node);
    char title[32];
    for (int i = 1; i <= 7; i++) {
        snprintf(title, sizeof title, "%s %d", i % 2 ? "Graph" : "String", i);
        pdef_t p = {.title = title, .tags = {i == 4 ? "DP" : "misc"}};
        s_new_problem(node, &p);
    }
    gv_msg_t *r = kit_expect(node, s_list(0, 0, NULL), 200);
    CHECK(kit_uint(kit_data(r, "total")) == 7);
    const msgpack_object *items = kit_data(r, "items");
    CHECK(items->via.array.size == 7);
    CHECK(kit_str_is(gv_obj_get(&items->via.array.ptr[0], "id"), "1"));
    CHECK(kit_str_is(gv_obj_get(&items->via.array.ptr[0], "title"), "Graph 1"));
    CHECK(gv_obj_get(&items->via.array.ptr[0], "statement_md") == NULL);
    CHECK(items->via.array.ptr[0].via.map.size == 5);
    gv_msg_destroy(&r);

    r = kit_expect(node, s_list(2, 3, NULL), 200);
    items = kit_data(r, "items");
    CHECK(kit_uint(kit_data(r, "total")) == 7 && items->via.array.size == 3);
    CHECK(kit_str_is(gv_obj_get(&items->via.array.ptr[0], "id"), "4"));
    gv_msg_destroy(&r);
    r = kit_expect(node, s_list(3, 3, NULL), 200);
    CHECK(kit_data(r, "items")->via.array.size == 1);
    gv_msg_destroy(&r);
    r = kit_expect(node, s_list(9, 3, NULL), 200);
    CHECK(kit_data(r, "items")->via.array.size == 0 && kit_uint(kit_data(r, "total")) == 7);
    gv_msg_destroy(&r);

    r = kit_expect(node, s_list(0, 0, "gRaPh"), 200); /* case-insensitive title match */
    CHECK(kit_uint(kit_data(r, "total")) == 4);
    gv_msg_destroy(&r);
    r = kit_expect(node, s_list(0, 0, "dp"), 200); /* tag match */
    CHECK(kit_uint(kit_data(r, "total")) == 1);
    CHECK(kit_str_is(gv_obj_get(&kit_data(r, "items")->via.array.ptr[0], "id"), "4"));
    gv_msg_destroy(&r);
    r = kit_expect(node, s_list(1, 1000, "zzz"), 200);
    CHECK(kit_uint(kit_data(r, "total")) == 0);
    gv_msg_destroy(&r);
    node_destroy(&node);
    kit_rmrf(&dir);
}

static void test_list_caps_per_page(void)
{
    char *dir = kit_tmpdir();
    node_t *node = kit_node(dir, "problems", 0);
    CHECK(node);
    /* 205 problems in one batch (one transaction) */
    gv_msg_t *batch[205];
    for (int i = 0; i < 205; i++) {
        pdef_t p = {.title = "P"};
        batch[i] = s_create(&p, "jury");
    }
    CHECK(node_handle_batch(node, batch, 205) == 0);
    for (int i = 0; i < 205; i++)
        gv_msg_destroy(&batch[i]);
    CHECK(kit_count_sends(node, "reply") == 205);
    gv_msg_t *r = kit_expect(node, s_list(1, 500, NULL), 200);
    CHECK(kit_data(r, "items")->via.array.size == 200);
    CHECK(kit_uint(kit_data(r, "total")) == 205);
    gv_msg_destroy(&r);
    r = kit_expect(node, s_list(0, 0, NULL), 200);
    CHECK(kit_data(r, "items")->via.array.size == 50); /* default per_page */
    gv_msg_destroy(&r);
    node_destroy(&node);
    kit_rmrf(&dir);
}

static void test_tests_dedup_manifest_testdata(void)
{
    char *dir = kit_tmpdir();
    node_t *node = kit_node(dir, "problems", 0);
    CHECK(node);
    pdef_t p = {.title = "Echo", .checker_type = "exact"};
    uint64_t id = s_new_problem(node, &p);

    gv_msg_t *r = kit_expect(node, s_add_test(id, "1 2\n", "3\n", true), 201);
    CHECK(kit_uint(kit_data(r, "n")) == 1);
    gv_msg_destroy(&r);
    CHECK(kit_count_events(node, "problem/1") == 1);
    r = kit_expect(node, s_add_test(id, "1 2\n", "3\n", false), 201); /* same bytes again */
    CHECK(kit_uint(kit_data(r, "n")) == 2);
    gv_msg_destroy(&r);
    r = kit_expect(node, s_add_test(id, "5 5\n", "", false), 201);
    CHECK(kit_uint(kit_data(r, "n")) == 3);
    gv_msg_destroy(&r);
    /* "1 2\n", "3\n", "5 5\n", "" — four distinct blobs for six references */
    CHECK(kit_db_entries(node, "problems.blobs") == 4);
    CHECK(kit_db_entries(node, "problems.tests") == 3);

    gv_writer_t *w = kit_begin("problems.add_test", "problems", 5);
    gv_pk_kv_uint(gv_writer_pk(w), "id", id);
    gv_pk_kv_str(gv_writer_pk(w), "input", "x");
    gv_pk_kv_str(gv_writer_pk(w), "output", "y");
    kit_caller(gv_writer_pk(w), 3, "contestant");
    kit_expect_error(node, kit_end(w), 403, "forbidden", NULL);
    kit_expect_error(node, s_add_test(99, "a", "b", false), 404, "not_found", NULL);

    r = kit_expect(node, s_by_id("problems.get", id, NULL), 200);
    const msgpack_object *samples = kit_data(r, "samples");
    CHECK(samples->via.array.size == 1);
    CHECK(kit_str_is(gv_obj_get(&samples->via.array.ptr[0], "input"), "1 2\n"));
    CHECK(kit_str_is(gv_obj_get(&samples->via.array.ptr[0], "output"), "3\n"));
    CHECK(kit_str_is(gv_obj_get(kit_data(r, "checker"), "type"), "exact"));
    gv_msg_destroy(&r);

    w = kit_begin("problems.manifest", "problems", 1);
    gv_pk_kv_uint(gv_writer_pk(w), "problem_id", id);
    r = kit_expect(node, kit_end(w), 200);
    const msgpack_object *tests = kit_data(r, "tests");
    CHECK(tests->via.array.size == 3);
    char hash[BLOBS_HASH_HEX + 1], got[80];
    blobs_hash("1 2\n", 4, hash);
    CHECK(!strcmp(kit_str(gv_obj_get(&tests->via.array.ptr[0], "input_hash"), got, sizeof got),
                  hash));
    CHECK(!strcmp(kit_str(gv_obj_get(&tests->via.array.ptr[1], "input_hash"), got, sizeof got),
                  hash));
    CHECK(kit_uint(gv_obj_get(&tests->via.array.ptr[2], "n")) == 3);
    CHECK(kit_uint(gv_obj_get(&tests->via.array.ptr[2], "output_size")) == 0);
    CHECK(kit_uint(gv_obj_get(&tests->via.array.ptr[0], "input_size")) == 4);
    CHECK(gv_obj_get(&tests->via.array.ptr[0], "sample")->via.boolean);
    CHECK(kit_uint(kit_data(r, "time_limit_ms")) == 1000);
    CHECK(kit_str_is(kit_data(r, "problem_id"), "1"));
    CHECK(kit_str_is(gv_obj_get(kit_data(r, "checker"), "type"), "exact"));
    gv_msg_destroy(&r);
    w = kit_begin("problems.manifest", "problems", 1);
    gv_pk_kv_uint(gv_writer_pk(w), "problem_id", 404);
    kit_expect_error(node, kit_end(w), 404, "not_found", NULL);

    w = kit_begin("problems.testdata", "problems", 1);
    gv_pk_kv_str(gv_writer_pk(w), "hash", hash);
    r = kit_expect(node, kit_end(w), 200);
    const msgpack_object *data = kit_data(r, "data");
    CHECK(data->type == MSGPACK_OBJECT_BIN && data->via.bin.size == 4);
    CHECK(!memcmp(data->via.bin.ptr, "1 2\n", 4));
    gv_msg_destroy(&r);
    w = kit_begin("problems.testdata", "problems", 1);
    gv_pk_kv_str(gv_writer_pk(w), "hash", "ABC");
    kit_expect_error(node, kit_end(w), 400, "invalid_field", "`hash`");
    blobs_hash("never stored", 12, hash);
    w = kit_begin("problems.testdata", "problems", 1);
    gv_pk_kv_str(gv_writer_pk(w), "hash", hash);
    kit_expect_error(node, kit_end(w), 404, "not_found", NULL);
    node_destroy(&node);
    kit_rmrf(&dir);
}

static void test_update_and_delete(void)
{
    char *dir = kit_tmpdir();
    node_t *node = kit_node(dir, "problems", 0);
    CHECK(node);
    pdef_t a = {.title = "Old", .md = "old *text*", .tags = {"t1"}};
    uint64_t ida = s_new_problem(node, &a), idb = s_new_problem(node, &a);
    kit_expect_ok(node, s_add_test(ida, "shared", "out-a", false), 201);
    kit_expect_ok(node, s_add_test(idb, "shared", "out-b", false), 201);
    CHECK(kit_db_entries(node, "problems.blobs") == 3);

    gv_writer_t *w = kit_begin("problems.update", "problems", 5);
    gv_pk_kv_uint(gv_writer_pk(w), "id", ida);
    gv_pk_kv_str(gv_writer_pk(w), "title", "New");
    gv_pk_kv_str(gv_writer_pk(w), "statement_md", "**bold**");
    kit_caller(gv_writer_pk(w), 1, "jury");
    gv_msg_t *r = kit_expect(node, kit_end(w), 200);
    CHECK(kit_str_is(kit_data(r, "title"), "New"));
    char html[256];
    CHECK(
        strstr(kit_str(kit_data(r, "statement_html"), html, sizeof html), "<strong>bold</strong>"));
    CHECK(kit_data(r, "tags")->via.array.size == 1); /* untouched fields kept */
    gv_msg_destroy(&r);
    CHECK(kit_count_events(node, "problem/1") == 1);

    w = kit_begin("problems.update", "problems", 4);
    gv_pk_kv_uint(gv_writer_pk(w), "id", ida);
    gv_pk_kv_uint(gv_writer_pk(w), "time_limit_ms", 0);
    kit_caller(gv_writer_pk(w), 1, "jury");
    kit_expect_error(node, kit_end(w), 400, "invalid_field", "`time_limit_ms`");
    w = kit_begin("problems.update", "problems", 4);
    gv_pk_kv_uint(gv_writer_pk(w), "id", ida);
    gv_pk_kv_uint(gv_writer_pk(w), "time_limit_ms", 3000);
    kit_caller(gv_writer_pk(w), 1, "jury");
    r = kit_expect(node, kit_end(w), 200);
    CHECK(kit_uint(kit_data(r, "time_limit_ms")) == 3000);
    CHECK(
        strstr(kit_str(kit_data(r, "statement_html"), html, sizeof html), "<strong>bold</strong>"));
    gv_msg_destroy(&r);
    w = kit_begin("problems.update", "problems", 4);
    gv_pk_kv_uint(gv_writer_pk(w), "id", 55);
    gv_pk_kv_str(gv_writer_pk(w), "title", "x");
    kit_caller(gv_writer_pk(w), 1, "jury");
    kit_expect_error(node, kit_end(w), 404, "not_found", NULL);
    CHECK(outbox_size(node_outbox(node)) == 1); /* the 404 and nothing else */

    kit_expect_error(node, s_by_id("problems.delete", ida, "contestant"), 403, "forbidden", NULL);
    gv_msg_t *d = kit_expect(node, s_by_id("problems.delete", ida, "admin"), 204);
    CHECK(gv_reply_data(d) == NULL);
    gv_msg_destroy(&d);
    CHECK(kit_count_events(node, "problem/1") == 1);
    kit_expect_error(node, s_by_id("problems.get", ida, NULL), 404, "not_found", NULL);
    kit_expect_error(node, s_by_id("problems.delete", ida, "admin"), 404, "not_found", NULL);
    /* "out-a" went with its last reference; "shared" is still used by problem b */
    CHECK(kit_db_entries(node, "problems.blobs") == 2);
    CHECK(kit_db_entries(node, "problems.tests") == 1);
    r = kit_expect(node, s_list(0, 0, NULL), 200);
    CHECK(kit_uint(kit_data(r, "total")) == 1);
    gv_msg_destroy(&r);
    node_destroy(&node);
    kit_rmrf(&dir);
}

static void test_float_and_custom_checkers(void)
{
    char *dir = kit_tmpdir();
    node_t *node = kit_node(dir, "problems", 0);
    CHECK(node);
    gv_writer_t *w = kit_begin("problems.create", "problems", 7);
    msgpack_packer *pk = gv_writer_pk(w);
    gv_pk_kv_str(pk, "title", "Float");
    gv_pk_kv_str(pk, "statement_md", "");
    gv_pk_kv_uint(pk, "time_limit_ms", 1000);
    gv_pk_kv_uint(pk, "memory_limit_kb", 65536);
    gv_pk_key(pk, "checker");
    msgpack_pack_map(pk, 2);
    gv_pk_kv_str(pk, "type", "float");
    gv_pk_key(pk, "abs");
    msgpack_pack_double(pk, 1e-4);
    kit_caller(pk, 1, "jury");
    kit_expect_ok(node, kit_end(w), 201);
    gv_msg_t *r = kit_expect(node, s_by_id("problems.get", 1, "jury"), 200);
    const msgpack_object *c = kit_data(r, "checker");
    CHECK(gv_obj_get(c, "abs")->via.f64 == 1e-4 && gv_obj_get(c, "rel")->via.f64 == 1e-6);
    gv_msg_destroy(&r);

    w = kit_begin("problems.create", "problems", 7);
    pk = gv_writer_pk(w);
    gv_pk_kv_str(pk, "title", "Custom");
    gv_pk_kv_str(pk, "statement_md", "");
    gv_pk_kv_uint(pk, "time_limit_ms", 1000);
    gv_pk_kv_uint(pk, "memory_limit_kb", 65536);
    gv_pk_key(pk, "checker");
    msgpack_pack_map(pk, 4);
    gv_pk_kv_str(pk, "type", "custom");
    gv_pk_kv_str(pk, "protocol", "testlib");
    gv_pk_kv_str(pk, "language", "cpp");
    gv_pk_kv_str(pk, "source", "int main(){}");
    kit_caller(pk, 1, "jury");
    kit_expect_ok(node, kit_end(w), 201);
    r = kit_expect(node, s_by_id("problems.get", 2, "contestant"), 200);
    CHECK(gv_obj_get(kit_data(r, "checker"), "source") == NULL); /* not shown to contestants */
    gv_msg_destroy(&r);
    gv_writer_t *m = kit_begin("problems.manifest", "problems", 1);
    gv_pk_kv_uint(gv_writer_pk(m), "problem_id", 2);
    r = kit_expect(node, kit_end(m), 200);
    CHECK(gv_obj_get(kit_data(r, "checker"), "source") == NULL);
    CHECK(kit_str_is(gv_obj_get(kit_data(r, "checker"), "protocol"), "testlib"));
    char hash[BLOBS_HASH_HEX + 1], want[BLOBS_HASH_HEX + 1];
    kit_str(gv_obj_get(kit_data(r, "checker"), "source_hash"), hash, sizeof hash);
    blobs_hash("int main(){}", 12, want);
    CHECK(strcmp(hash, want) == 0);
    gv_msg_destroy(&r);
    /* the judge fetches the source by its hash, like test data */
    gv_writer_t *td = kit_begin("problems.testdata", "problems", 1);
    gv_pk_kv_str(gv_writer_pk(td), "hash", hash);
    r = kit_expect(node, kit_end(td), 200);
    char src[64];
    CHECK(strcmp(kit_str(kit_data(r, "data"), src, sizeof src), "int main(){}") == 0);
    gv_msg_destroy(&r);
    /* not even jury see the source through the problem */
    r = kit_expect(node, s_by_id("problems.get", 2, "jury"), 200);
    CHECK(gv_obj_get(kit_data(r, "checker"), "source") == NULL);
    gv_msg_destroy(&r);
    /* deleting the problem releases the source */
    kit_expect_ok(node, s_by_id("problems.delete", 2, "jury"), 204);
    CHECK(kit_db_entries(node, "problems.blobs") == 0);
    node_destroy(&node);
    kit_rmrf(&dir);
}

static gv_msg_t *s_manifest(uint64_t id)
{
    gv_writer_t *m = kit_begin("problems.manifest", "problems", 1);
    gv_pk_kv_uint(gv_writer_pk(m), "problem_id", id);
    return kit_end(m);
}

static void s_pk_base(msgpack_packer *pk, const char *title)
{
    gv_pk_kv_str(pk, "title", title);
    gv_pk_kv_str(pk, "statement_md", "# S");
    gv_pk_kv_uint(pk, "time_limit_ms", 1000);
    gv_pk_kv_uint(pk, "memory_limit_kb", 65536);
}

static void test_manifest_carries_output_limit_run_all_groups_and_interactor(void)
{
    char *dir = kit_tmpdir();
    node_t *node = kit_node(dir, "problems", 0);
    CHECK(node);
    /* a plain problem: default output limit, tokens (case-sensitive), no run_all */
    s_new_problem(node, &(pdef_t){.title = "Plain"});
    gv_msg_t *r = kit_expect(node, s_manifest(1), 200);
    CHECK(kit_uint(kit_data(r, "output_limit_kb")) == 65536);
    CHECK(kit_data(r, "run_all")->type == MSGPACK_OBJECT_BOOLEAN && !kit_data(r, "run_all")->via.boolean);
    CHECK(kit_str_is(gv_obj_get(kit_data(r, "checker"), "type"), "tokens"));
    CHECK(gv_obj_get(kit_data(r, "checker"), "case_sensitive")->via.boolean);
    CHECK(kit_data(r, "interactor") == NULL);
    gv_msg_destroy(&r);

    gv_writer_t *w = kit_begin("problems.create", "problems", 10);
    msgpack_packer *pk = gv_writer_pk(w);
    s_pk_base(pk, "Guess");
    gv_pk_kv_uint(pk, "output_limit_kb", 1024);
    gv_pk_key(pk, "checker");
    msgpack_pack_map(pk, 2);
    gv_pk_kv_str(pk, "type", "tokens");
    gv_pk_kv_bool(pk, "case_sensitive", false);
    gv_pk_key(pk, "interactor");
    msgpack_pack_map(pk, 2);
    gv_pk_kv_str(pk, "language", "c");
    gv_pk_kv_str(pk, "source", "int main(){return 42;}");
    gv_pk_key(pk, "subtasks");
    msgpack_pack_array(pk, 2);
    for (int i = 0; i < 2; i++) {
        msgpack_pack_map(pk, 2);
        gv_pk_kv_str(pk, "group", i ? "big" : "small");
        gv_pk_key(pk, "points");
        msgpack_pack_double(pk, i ? 70 : 30);
    }
    kit_caller(pk, 1, "jury");
    kit_expect_ok(node, kit_end(w), 201);
    w = kit_begin("problems.add_test", "problems", 6);
    pk = gv_writer_pk(w);
    gv_pk_kv_uint(pk, "id", 2);
    gv_pk_kv_bin(pk, "input", "1\n", 2);
    gv_pk_kv_bin(pk, "output", "1\n", 2);
    gv_pk_kv_str(pk, "group", "small");
    kit_caller(pk, 1, "jury");
    kit_expect_ok(node, kit_end(w), 201);
    kit_expect_ok(node, s_add_test(2, "2\n", "2\n", true), 201);

    r = kit_expect(node, s_manifest(2), 200);
    CHECK(kit_uint(kit_data(r, "output_limit_kb")) == 1024);
    CHECK(kit_data(r, "run_all")->via.boolean);
    CHECK(!gv_obj_get(kit_data(r, "checker"), "case_sensitive")->via.boolean);
    const msgpack_object *in = kit_data(r, "interactor");
    CHECK(kit_str_is(gv_obj_get(in, "language"), "c") && kit_str_is(gv_obj_get(in, "protocol"), "kattis"));
    CHECK(gv_obj_get(in, "source") == NULL && gv_obj_get(in, "source_hash")->via.str.size == 64);
    const msgpack_object *tests = kit_data(r, "tests");
    CHECK(tests->via.array.size == 2);
    CHECK(kit_str_is(gv_obj_get(&tests->via.array.ptr[0], "group"), "small"));
    CHECK(gv_obj_get(&tests->via.array.ptr[1], "group") == NULL);
    gv_msg_destroy(&r);

    r = kit_expect(node, s_by_id("problems.get", 2, "contestant"), 200);
    CHECK(kit_data(r, "interactor") == NULL && kit_uint(kit_data(r, "output_limit_kb")) == 1024);
    CHECK(kit_data(r, "subtasks")->via.array.size == 2);
    gv_msg_destroy(&r);
    r = kit_expect(node, s_by_id("problems.get", 2, "jury"), 200);
    CHECK(kit_data(r, "interactor") && gv_obj_get(kit_data(r, "interactor"), "source") == NULL);
    gv_msg_destroy(&r);

    /* replacing the interactor releases the old source */
    size_t blobs = kit_db_entries(node, "problems.blobs");
    w = kit_begin("problems.update", "problems", 4);
    pk = gv_writer_pk(w);
    gv_pk_kv_uint(pk, "id", 2);
    gv_pk_key(pk, "interactor");
    msgpack_pack_map(pk, 2);
    gv_pk_kv_str(pk, "language", "cpp");
    gv_pk_kv_str(pk, "source", "int main(){return 43;}");
    kit_caller(pk, 1, "jury");
    kit_expect_ok(node, kit_end(w), 200);
    CHECK(kit_db_entries(node, "problems.blobs") == blobs);

    /* bad values are refused naming the field */
    w = kit_begin("problems.create", "problems", 7);
    pk = gv_writer_pk(w);
    s_pk_base(pk, "Bad");
    gv_pk_kv_uint(pk, "output_limit_kb", 0);
    kit_caller(pk, 1, "jury");
    kit_expect_error(node, kit_end(w), 400, "invalid_field", "output_limit_kb");
    w = kit_begin("problems.create", "problems", 7);
    pk = gv_writer_pk(w);
    s_pk_base(pk, "Bad");
    gv_pk_key(pk, "interactor");
    msgpack_pack_map(pk, 1);
    gv_pk_kv_str(pk, "language", "c");
    kit_caller(pk, 1, "jury");
    kit_expect_error(node, kit_end(w), 400, "invalid_field", "interactor.source");
    node_destroy(&node);
    kit_rmrf(&dir);
}

static gv_msg_t *s_import(const char *folder, int ntests)
{
    gv_writer_t *w = kit_begin("problems.import", "problems", 9);
    msgpack_packer *pk = gv_writer_pk(w);
    s_pk_base(pk, "Imported");
    gv_pk_key(pk, "checker");
    msgpack_pack_map(pk, 4);
    gv_pk_kv_str(pk, "type", "custom");
    gv_pk_kv_str(pk, "protocol", "kattis");
    gv_pk_kv_str(pk, "language", "c");
    gv_pk_kv_str(pk, "source", "int main(){return 42;}");
    gv_pk_key(pk, "tests");
    msgpack_pack_array(pk, (uint32_t)ntests);
    for (int i = 0; i < ntests; i++) {
        char in[16];
        snprintf(in, sizeof in, "%d\n", i);
        msgpack_pack_map(pk, i ? 3 : 4);
        gv_pk_kv_bin(pk, "input", in, strlen(in));
        gv_pk_kv_bin(pk, "output", in, strlen(in));
        gv_pk_kv_bool(pk, "sample", i == 0);
        if (!i) gv_pk_kv_str(pk, "group", "g1");
    }
    gv_pk_key(pk, "submissions");
    msgpack_pack_array(pk, 2);
    const char *folders[] = {"accepted", folder};
    for (int i = 0; i < 2; i++) {
        msgpack_pack_map(pk, 4);
        gv_pk_kv_str(pk, "folder", folders[i]);
        gv_pk_kv_str(pk, "name", i ? "bad.py" : "ok.c");
        gv_pk_kv_str(pk, "language", i ? "python3" : "c");
        gv_pk_kv_bin(pk, "source", "x", 1);
    }
    kit_caller(pk, 1, "jury");
    return kit_end(w);
}

static void test_import_creates_everything_in_one_step_or_nothing(void)
{
    char *dir = kit_tmpdir();
    node_t *node = kit_node(dir, "problems", 0);
    CHECK(node);
    gv_msg_t *r = kit_expect(node, s_import("wrong_answer", 3), 201);
    CHECK(kit_str_is(kit_data(r, "id"), "1") && kit_uint(kit_data(r, "tests")) == 3);
    gv_msg_destroy(&r);
    r = kit_expect(node, s_manifest(1), 200);
    CHECK(kit_data(r, "tests")->via.array.size == 3);
    CHECK(kit_str_is(gv_obj_get(kit_data(r, "checker"), "type"), "custom"));
    gv_msg_destroy(&r);
    r = kit_expect(node, s_by_id("problems.package_submissions", 1, "jury"), 200);
    const msgpack_object *items = kit_data(r, "items");
    CHECK(items->via.array.size == 2);
    CHECK(kit_str_is(gv_obj_get(&items->via.array.ptr[1], "expected"), "WA"));
    CHECK(kit_str_is(gv_obj_get(&items->via.array.ptr[1], "language"), "python3"));
    CHECK(kit_str_is(gv_obj_get(&items->via.array.ptr[0], "source"), "x"));
    gv_msg_destroy(&r);
    kit_expect_error(node, s_by_id("problems.package_submissions", 1, "contestant"), 403,
                     "forbidden", NULL);

    /* a package that fails validation leaves nothing behind */
    size_t items_before = kit_db_entries(node, "problems.items");
    size_t tests_before = kit_db_entries(node, "problems.tests");
    kit_expect_error(node, s_import("nonsense", 3), 400, "invalid_field", "folder");
    CHECK(kit_db_entries(node, "problems.items") == items_before);
    CHECK(kit_db_entries(node, "problems.tests") == tests_before);

    /* delete drops the package's submissions and every blob */
    kit_expect_ok(node, s_by_id("problems.delete", 1, "jury"), 204);
    CHECK(kit_db_entries(node, "problems.pkgsubs") == 0);
    CHECK(kit_db_entries(node, "problems.blobs") == 0);
    node_destroy(&node);
    kit_rmrf(&dir);
}

/* ---- secrecy (issue 10, point 7) ------------------------------------------------------------ */

/* problems.contest_uses as a contest actor sends it (node-internal: no caller). */
static gv_msg_t *s_uses(uint64_t cid, uint64_t start_ms, uint64_t vms, uint64_t vseq,
                        const uint64_t *pids, uint32_t n, const char *role)
{
    gv_writer_t *w = kit_begin("problems.contest_uses", "problems", 6 + (role ? 2 : 0));
    msgpack_packer *pk = gv_writer_pk(w);
    gv_pk_kv_uint(pk, "dseq", vseq);
    gv_pk_kv_uint(pk, "contest_id", cid);
    gv_pk_kv_uint(pk, "start_ms", start_ms);
    gv_pk_kv_uint(pk, "version_ms", vms);
    gv_pk_kv_uint(pk, "version_seq", vseq);
    gv_pk_key(pk, "problem_ids");
    msgpack_pack_array(pk, n);
    for (uint32_t i = 0; i < n; i++)
        msgpack_pack_uint64(pk, pids[i]);
    if (role) kit_caller(pk, 1, role);
    return kit_end(w);
}

/* A list request as `role` ("anonymous" for signed-out callers, as edges send it). */
static gv_msg_t *s_list_as(const char *q, const char *role)
{
    gv_writer_t *w = kit_begin("problems.list", "problems", 3);
    gv_pk_kv_str(gv_writer_pk(w), "q", q);
    kit_caller(gv_writer_pk(w), 7, role);
    return kit_end(w);
}

static uint64_t s_total(node_t *node, const char *q, const char *role)
{
    gv_msg_t *r = kit_expect(node, s_list_as(q, role), 200);
    uint64_t n = kit_uint(kit_data(r, "total"));
    CHECK(kit_data(r, "items")->via.array.size == n); /* one page: the total is what is shown */
    gv_msg_destroy(&r);
    return n;
}

static gv_msg_t *s_manifest_as(uint64_t id, const char *role)
{
    gv_writer_t *w = kit_begin("problems.manifest", "problems", role ? 3 : 1);
    gv_pk_kv_uint(gv_writer_pk(w), "problem_id", id);
    if (role) kit_caller(gv_writer_pk(w), 7, role);
    return kit_end(w);
}

/* Whether a contestant and an anonymous caller see problem id (get, list, manifest agree). */
static bool s_public_sees(node_t *node, uint64_t id, const char *q)
{
    gv_msg_t *r = kit_call(node, s_by_id("problems.get", id, "contestant"));
    bool seen = gv_reply_status(r) == 200;
    CHECK(seen ||
          (gv_reply_status(r) == 404 && gv_obj_str_eq(gv_msg_field(r, "code"), "not_found")));
    gv_msg_destroy(&r);
    r = kit_call(node, s_by_id("problems.get", id, "anonymous"));
    CHECK((gv_reply_status(r) == 200) == seen);
    gv_msg_destroy(&r);
    r = kit_call(node, s_manifest_as(id, "contestant"));
    CHECK((gv_reply_status(r) == 200) == seen);
    gv_msg_destroy(&r);
    CHECK(s_total(node, q, "contestant") == (seen ? 1u : 0u));
    CHECK(s_total(node, q, "anonymous") == (seen ? 1u : 0u));
    /* jury and judges (no caller) always do */
    kit_expect_ok(node, s_by_id("problems.get", id, "jury"), 200);
    kit_expect_ok(node, s_manifest_as(id, NULL), 200);
    CHECK(s_total(node, q, "admin") == 1);
    return seen;
}

static bool s_staff_hidden(node_t *node, uint64_t id)
{
    gv_msg_t *r = kit_expect(node, s_by_id("problems.get", id, "admin"), 200);
    const msgpack_object *h = kit_data(r, "hidden");
    CHECK(h && h->type == MSGPACK_OBJECT_BOOLEAN);
    bool hidden = h->via.boolean;
    gv_msg_destroy(&r);
    return hidden;
}

static void test_a_problem_of_a_contest_not_started_is_hidden_until_the_start(void)
{
    char *dir = kit_tmpdir();
    node_t *node = kit_node(dir, "problems", 0);
    uint64_t now = gv_now_ms(), later = now + 3600000, past = now - 60000;
    pdef_t p = {.title = "Secret sum"};
    uint64_t pid = s_new_problem(node, &p);
    pdef_t other = {.title = "Open practice"};
    uint64_t open = s_new_problem(node, &other);
    CHECK(s_public_sees(node, pid, "secret") && !s_staff_hidden(node, pid));

    /* contest 1 starts in an hour: hidden, and not counted */
    uint64_t one[] = {pid};
    CHECK(kit_call(node, s_uses(1, later, 100, 1, one, 1, NULL)) == NULL); /* acked, no reply */
    CHECK(!s_public_sees(node, pid, "secret") && s_staff_hidden(node, pid));
    CHECK(s_public_sees(node, open, "practice"));
    gv_msg_t *r = kit_expect(node, s_list_as("", "contestant"), 200);
    CHECK(kit_uint(kit_data(r, "total")) == 1);
    CHECK(kit_str_is(gv_obj_get(&kit_data(r, "items")->via.array.ptr[0], "id"), "2"));
    gv_msg_destroy(&r);

    /* only nodes may say what a contest uses */
    kit_expect_error(node, s_uses(1, past, 200, 9, NULL, 0, "admin"), 403, "forbidden", NULL);
    CHECK(!s_public_sees(node, pid, "secret"));

    /* a started contest that uses it too exposes it (its problems are public anyway) */
    CHECK(kit_call(node, s_uses(2, past, 100, 2, one, 1, NULL)) == NULL);
    CHECK(s_public_sees(node, pid, "secret"));
    /* contest 2 drops it (a newer definition): hidden again */
    CHECK(kit_call(node, s_uses(2, past, 101, 1, NULL, 0, NULL)) == NULL);
    CHECK(!s_public_sees(node, pid, "secret"));
    /* an older notification delivered again late is ignored */
    CHECK(kit_call(node, s_uses(2, past, 100, 2, one, 1, NULL)) == NULL);
    CHECK(!s_public_sees(node, pid, "secret"));
    /* contest 1 moved to start a minute ago: open, by the clock alone */
    CHECK(kit_call(node, s_uses(1, past, 102, 1, one, 1, NULL)) == NULL);
    CHECK(s_public_sees(node, pid, "secret") && !s_staff_hidden(node, pid));
    /* and it survives a restart */
    CHECK(kit_call(node, s_uses(1, later, 103, 1, one, 1, NULL)) == NULL);
    node_destroy(&node);
    node = kit_node(dir, "problems", 0);
    CHECK(!s_public_sees(node, pid, "secret"));
    CHECK(kit_db_entries(node, "problems.embargo") == 1);
    node_destroy(&node);
    kit_rmrf(&dir);
}

static gv_msg_t *s_set_published(uint64_t id, bool published, const char *role)
{
    gv_writer_t *w = kit_begin("problems.update", "problems", 4);
    gv_pk_kv_uint(gv_writer_pk(w), "id", id);
    gv_pk_kv_bool(gv_writer_pk(w), "published", published);
    kit_caller(gv_writer_pk(w), 1, role);
    return kit_end(w);
}

static void test_an_unpublished_problem_is_hidden_from_all_but_staff(void)
{
    char *dir = kit_tmpdir();
    node_t *node = kit_node(dir, "problems", 0);
    pdef_t p = {.title = "Draft"};
    uint64_t pid = s_new_problem(node, &p);
    gv_msg_t *r = kit_expect(node, s_by_id("problems.get", pid, "contestant"), 200);
    CHECK(kit_data(r, "published")->via.boolean && !kit_data(r, "hidden"));
    gv_msg_destroy(&r);
    kit_expect_error(node, s_set_published(pid, false, "contestant"), 403, "forbidden", NULL);
    r = kit_expect(node, s_set_published(pid, false, "admin"), 200);
    CHECK(!kit_data(r, "published")->via.boolean && kit_data(r, "hidden")->via.boolean);
    gv_msg_destroy(&r);
    CHECK(!s_public_sees(node, pid, "draft"));
    /* another update keeps the flag */
    gv_writer_t *w = kit_begin("problems.update", "problems", 4);
    gv_pk_kv_uint(gv_writer_pk(w), "id", pid);
    gv_pk_kv_str(gv_writer_pk(w), "title", "Draft two");
    kit_caller(gv_writer_pk(w), 1, "admin");
    kit_expect_ok(node, kit_end(w), 200);
    CHECK(!s_public_sees(node, pid, "draft"));
    kit_expect_ok(node, s_set_published(pid, true, "jury"), 200);
    CHECK(s_public_sees(node, pid, "draft"));
    node_destroy(&node);
    kit_rmrf(&dir);
}

int main(void)
{
    kit_init();
    RUN(test_create_requires_jury_and_valid_fields);
    RUN(test_get_renders_markdown_safely);
    RUN(test_list_pages_and_query);
    RUN(test_list_caps_per_page);
    RUN(test_tests_dedup_manifest_testdata);
    RUN(test_update_and_delete);
    RUN(test_float_and_custom_checkers);
    RUN(test_manifest_carries_output_limit_run_all_groups_and_interactor);
    RUN(test_import_creates_everything_in_one_step_or_nothing);
    RUN(test_a_problem_of_a_contest_not_started_is_hidden_until_the_start);
    RUN(test_an_unpublished_problem_is_hidden_from_all_but_staff);
    return 0;
}
