/*  The accounts actor: first admin, register, auth, get, set_role. */
#include "test_actors_kit.c"

#include "accounts.h"

#include <sodium.h>
#include <sys/stat.h>

#define HASH "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$aGFzaA"

static gv_msg_t *s_register(const char *username, const char *hash, const char *display)
{
    gv_writer_t *w = kit_begin("accounts.register", "accounts", display ? 3 : 2);
    gv_pk_kv_str(gv_writer_pk(w), "username", username);
    gv_pk_kv_str(gv_writer_pk(w), "password_hash", hash);
    if (display) gv_pk_kv_str(gv_writer_pk(w), "display_name", display);
    return kit_end(w);
}

static gv_msg_t *s_auth(const char *username)
{
    gv_writer_t *w = kit_begin("accounts.auth", "accounts", 1);
    gv_pk_kv_str(gv_writer_pk(w), "username", username);
    return kit_end(w);
}

static gv_msg_t *s_get(uint64_t id)
{
    gv_writer_t *w = kit_begin("accounts.get", "accounts", 1);
    gv_pk_kv_uint(gv_writer_pk(w), "user_id", id);
    return kit_end(w);
}

static gv_msg_t *s_set_role(uint64_t id, const char *role, const char *caller_role)
{
    gv_writer_t *w = kit_begin("accounts.set_role", "accounts", 4);
    gv_pk_kv_uint(gv_writer_pk(w), "user_id", id);
    gv_pk_kv_str(gv_writer_pk(w), "role", role);
    kit_caller(gv_writer_pk(w), 1, caller_role);
    return kit_end(w);
}

static void test_first_admin_generated_password_file(void)
{
    char *dir = kit_tmpdir();
    char *saved = getenv("GAVEL_ADMIN_PASSWORD") ? strdup(getenv("GAVEL_ADMIN_PASSWORD")) : NULL;
    unsetenv("GAVEL_ADMIN_PASSWORD");
    node_t *node = kit_node(dir, "accounts", 0);
    CHECK(node);

    char path[512];
    snprintf(path, sizeof path, "%s/admin-password", dir);
    struct stat st;
    CHECK(stat(path, &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    char password[64] = "";
    FILE *f = fopen(path, "r");
    CHECK(f && fgets(password, sizeof password, f));
    fclose(f);
    password[strcspn(password, "\n")] = '\0';
    CHECK(strlen(password) == ACCOUNTS_ADMIN_PASSWORD_LEN);
    for (const char *p = password; *p; p++)
        CHECK(isalnum((unsigned char)*p) || *p == '-' || *p == '_');

    gv_msg_t *r = kit_expect(node, s_auth("admin"), 200);
    CHECK(kit_str_is(kit_data(r, "role"), "admin"));
    CHECK(kit_str_is(kit_data(r, "id"), "1"));
    char hash[crypto_pwhash_STRBYTES];
    kit_str(kit_data(r, "password_hash"), hash, sizeof hash);
    CHECK(crypto_pwhash_str_verify(hash, password, strlen(password)) == 0);
    gv_msg_destroy(&r);

    /* A restart with users present creates no second admin and leaves the file alone. */
    node_destroy(&node);
    CHECK(unlink(path) == 0);
    node = kit_node(dir, "accounts", 0);
    CHECK(node);
    CHECK(access(path, F_OK) != 0);
    CHECK(kit_db_entries(node, "accounts.users") == 1);
    node_destroy(&node);
    if (saved) {
        setenv("GAVEL_ADMIN_PASSWORD", saved, 1);
        free(saved);
    }
    kit_rmrf(&dir);
}

static void test_first_admin_from_environment(void)
{
    char *dir = kit_tmpdir();
    setenv("GAVEL_ADMIN_PASSWORD", "correct horse battery", 1);
    node_t *node = kit_node(dir, "accounts", 0);
    CHECK(node);
    char path[512];
    snprintf(path, sizeof path, "%s/admin-password", dir);
    CHECK(access(path, F_OK) != 0); /* only a generated password is written down */
    gv_msg_t *r = kit_expect(node, s_auth("ADMIN"), 200);
    char hash[crypto_pwhash_STRBYTES];
    kit_str(kit_data(r, "password_hash"), hash, sizeof hash);
    CHECK(crypto_pwhash_str_verify(hash, "correct horse battery", 21) == 0);
    gv_msg_destroy(&r);
    node_destroy(&node);
    kit_rmrf(&dir);
}

static void test_register_and_duplicates(void)
{
    char *dir = kit_tmpdir();
    node_t *node = kit_node(dir, "accounts", 0);
    CHECK(node);
    gv_msg_t *r = kit_expect(node, s_register("Alice_1", HASH, "Alice"), 201);
    CHECK(kit_str_is(kit_data(r, "id"), "2")); /* 1 is the first admin */
    CHECK(kit_str_is(kit_data(r, "username"), "Alice_1"));
    gv_msg_destroy(&r);
    kit_expect_error(node, s_register("alice_1", HASH, NULL), 409, "username_taken", NULL);
    kit_expect_error(node, s_register("ALICE_1", HASH, NULL), 409, "username_taken", NULL);
    kit_expect_error(node, s_register("admin", HASH, NULL), 409, "username_taken", NULL);

    r = kit_expect(node, s_register("bob.b-2", HASH, NULL), 201);
    CHECK(kit_str_is(kit_data(r, "id"), "3"));
    gv_msg_destroy(&r);
    node_destroy(&node);
    kit_rmrf(&dir);
}

static void test_register_rejects_invalid_fields(void)
{
    char *dir = kit_tmpdir();
    node_t *node = kit_node(dir, "accounts", 0);
    CHECK(node);
    const char *bad[] = {"ab",          "a b c", "abcdefghijklmnopqrstuvwxyz0123456",
                         "b\xc3\xa9la", "x/y",   ""};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        kit_expect_error(node, s_register(bad[i], HASH, NULL), 400, "invalid_field", "`username`");
    /* 3 and 32 characters are fine */
    kit_expect_ok(node, s_register("abc", HASH, NULL), 201);
    kit_expect_ok(node, s_register("abcdefghijklmnopqrstuvwxyz012345", HASH, NULL), 201);
    kit_expect_error(node, s_register("carol", "plaintext", NULL), 400, "invalid_field",
                     "`password_hash`");
    kit_expect_error(node, s_register("carol", HASH, "tab\there"), 400, "invalid_field",
                     "`display_name`");
    CHECK(kit_db_entries(node, "accounts.users") == 3);
    CHECK(kit_db_entries(node, "accounts.by_name") == 3);
    node_destroy(&node);
    kit_rmrf(&dir);
}

static void test_auth_and_get(void)
{
    char *dir = kit_tmpdir();
    node_t *node = kit_node(dir, "accounts", 0);
    CHECK(node);
    kit_expect_ok(node, s_register("Dave", HASH, "Dave D."), 201);

    gv_msg_t *r = kit_expect(node, s_auth("dave"), 200);
    CHECK(kit_str_is(kit_data(r, "id"), "2"));
    CHECK(kit_str_is(kit_data(r, "username"), "Dave"));
    CHECK(kit_str_is(kit_data(r, "display_name"), "Dave D."));
    CHECK(kit_str_is(kit_data(r, "role"), "contestant"));
    CHECK(kit_str_is(kit_data(r, "password_hash"), HASH));
    gv_msg_destroy(&r);
    kit_expect_error(node, s_auth("nobody"), 404, "unknown_user", NULL);
    kit_expect_error(node, s_auth("no such user!"), 404, "unknown_user", NULL);

    r = kit_expect(node, s_get(2), 200);
    CHECK(kit_str_is(kit_data(r, "username"), "Dave"));
    CHECK(kit_data(r, "password_hash") == NULL); /* never outside accounts.auth */
    CHECK(gv_reply_data(r)->via.map.size == 4);
    gv_msg_destroy(&r);
    kit_expect_error(node, s_get(99), 404, "not_found", NULL);
    node_destroy(&node);
    kit_rmrf(&dir);
}

static void test_set_role_needs_admin(void)
{
    char *dir = kit_tmpdir();
    node_t *node = kit_node(dir, "accounts", 0);
    CHECK(node);
    kit_expect_ok(node, s_register("erin", HASH, NULL), 201);
    kit_expect_error(node, s_set_role(2, "jury", "contestant"), 403, "forbidden", NULL);
    kit_expect_error(node, s_set_role(2, "jury", "jury"), 403, "forbidden", NULL);
    kit_expect_error(node, s_set_role(2, "king", "admin"), 400, "invalid_field", "`role`");
    kit_expect_error(node, s_set_role(42, "jury", "admin"), 404, "not_found", NULL);
    gv_msg_t *r = kit_expect(node, s_set_role(2, "jury", "admin"), 200);
    CHECK(kit_str_is(kit_data(r, "role"), "jury"));
    CHECK(kit_str_is(kit_data(r, "username"), "erin"));
    gv_msg_destroy(&r);
    r = kit_expect(node, s_auth("erin"), 200);
    CHECK(kit_str_is(kit_data(r, "role"), "jury"));
    CHECK(kit_str_is(kit_data(r, "password_hash"), HASH)); /* the rest of the record kept */
    gv_msg_destroy(&r);
    node_destroy(&node);
    kit_rmrf(&dir);
}

int main(void)
{
    kit_init();
    RUN(test_first_admin_generated_password_file);
    RUN(test_first_admin_from_environment);
    RUN(test_register_and_duplicates);
    RUN(test_register_rejects_invalid_fields);
    RUN(test_auth_and_get);
    RUN(test_set_role_needs_admin);
    return 0;
}
