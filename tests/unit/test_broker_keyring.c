/*  Broker keyring: each authorised CURVE key is bound to exactly one node of cluster.toml (by
 *  the cert's "name" metadata, else its file name), keys that name no node, the broker, or two
 *  nodes are bound to none, a removed cert unbinds its key on the next load, and
 *  keyring_check refuses a routing id, hello name or hello role that is not the key's node's,
 *  and keyring_may_send keeps each role to its own messages.
 *
 *  Run all tests, or one by name: `test_broker_keyring [test_name]`. */
#include "gv_config.h"
#include "gv_log.h"
#include "gv_test.h"
#include "keyring.h"

#include <czmq.h>
#include <stdlib.h>
#include <unistd.h>

static char s_root[64], s_dir[128];
static gv_config_t *s_cfg;

static const char *const s_toml =
    "[[node]]\nrole = \"broker\"\nname = \"broker\"\n\n"
    "[[node]]\nrole = \"actors\"\nname = \"actors-1\"\nactors = [\"accounts\", \"problems\", \"submissions\"]\n\n"
    "[[node]]\nrole = \"edge\"\nname = \"edge-1\"\n\n"
    "[[node]]\nrole = \"judge\"\nname = \"judge-1\"\n\n"
    "[[node]]\nrole = \"judge\"\nname = \"judge-10\"\n\n"
    "[languages.c]\nsource_file = \"main.c\"\nrun = [\"{exe}\"]\n";

/* Writes authorized/<file> for a fresh key whose metadata names `meta_name` (NULL: none);
 * returns the key (caller frees). */
static char *s_cert(const char *file, const char *meta_name)
{
    zcert_t *c = zcert_new();
    if (meta_name)
        zcert_set_meta(c, "name", "%s", meta_name);
    char path[256];
    snprintf(path, sizeof path, "%s/%s", s_dir, file);
    CHECK(zcert_save_public(c, path) == 0);
    char *key = strdup(zcert_public_txt(c));
    zcert_destroy(&c);
    return key;
}

/* The same key written under a second file name with another name in its metadata. */
static void s_copy_key(const char *key, const char *file, const char *meta_name)
{
    char path[256], text[1024];
    snprintf(path, sizeof path, "%s/%s", s_dir, file);
    snprintf(text, sizeof text, "metadata\n    name = \"%s\"\ncurve\n    public-key = \"%s\"\n",
             meta_name, key);
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    if (f) {
        fputs(text, f);
        fclose(f);
    }
}

static void s_clear(void)
{
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -f %s/*", s_dir);
    CHECK(system(cmd) == 0);
}

static void binds_each_key_to_the_node_its_cert_names(void)
{
    s_clear();
    char *judge = s_cert("judge-1.cert", "judge-1");
    char *edge = s_cert("some-file-name.cert", "edge-1"); /* metadata wins over the file name */
    char *actors = s_cert("actors-1.cert", NULL);          /* no metadata: the file name */
    keyring_t *k = keyring_new(s_cfg, s_dir);
    CHECK(keyring_load(k) == 3);
    gv_role_t role = GV_ROLE_BROKER;
    CHECK_STR(keyring_node(k, judge, &role), "judge-1");
    CHECK(role == GV_ROLE_JUDGE);
    CHECK_STR(keyring_node(k, edge, &role), "edge-1");
    CHECK(role == GV_ROLE_EDGE);
    CHECK_STR(keyring_node(k, actors, &role), "actors-1");
    CHECK(role == GV_ROLE_ACTORS);
    CHECK(keyring_node(k, "0000000000000000000000000000000000000000", NULL) == NULL);
    CHECK(keyring_node(k, "", NULL) == NULL);
    CHECK(keyring_node(k, NULL, NULL) == NULL);
    keyring_destroy(&k);
    CHECK(k == NULL);
    free(judge);
    free(edge);
    free(actors);
}

static void refuses_keys_naming_no_node_the_broker_or_two_nodes(void)
{
    s_clear();
    char *ghost = s_cert("judge-9.cert", "judge-9");
    char *broker = s_cert("broker.cert", "broker");
    char *shared = s_cert("judge-1.cert", "judge-1");
    s_copy_key(shared, "edge-1.cert", "edge-1");
    char *ok = s_cert("judge-10.cert", "judge-10");
    keyring_t *k = keyring_new(s_cfg, s_dir);
    CHECK(keyring_load(k) == 1);
    CHECK(keyring_node(k, ghost, NULL) == NULL);
    CHECK(keyring_node(k, broker, NULL) == NULL);
    CHECK(keyring_node(k, shared, NULL) == NULL);
    CHECK_STR(keyring_node(k, ok, NULL), "judge-10");
    keyring_destroy(&k);
    free(ghost);
    free(broker);
    free(shared);
    free(ok);
}

static void a_removed_cert_unbinds_its_key_on_the_next_load(void)
{
    s_clear();
    char *judge = s_cert("judge-1.cert", "judge-1");
    char *edge = s_cert("edge-1.cert", "edge-1");
    keyring_t *k = keyring_new(s_cfg, s_dir);
    CHECK(keyring_load(k) == 2);
    char path[256];
    snprintf(path, sizeof path, "%s/judge-1.cert", s_dir);
    CHECK(unlink(path) == 0);
    CHECK(keyring_load(k) == 1);
    CHECK(keyring_node(k, judge, NULL) == NULL);
    CHECK_STR(keyring_node(k, edge, NULL), "edge-1");
    keyring_destroy(&k);
    /* A missing directory binds nothing (and is not an error). */
    keyring_t *none = keyring_new(s_cfg, "/nonexistent/gavel-keyring-test");
    CHECK(keyring_load(none) == 0);
    keyring_destroy(&none);
    free(judge);
    free(edge);
}

static int s_check(keyring_t *k, const char *key, const char *id, bool hello, const char *name,
                   const char *role, char *why)
{
    why[0] = '\0';
    return keyring_check(k, key, id, strlen(id), hello, name, role, why, 600);
}

static void check_refuses_another_nodes_routing_id_name_or_role(void)
{
    s_clear();
    char *judge = s_cert("judge-1.cert", "judge-1");
    keyring_t *k = keyring_new(s_cfg, s_dir);
    CHECK(keyring_load(k) == 1);
    char why[600], fp[16];
    keyring_fingerprint(judge, fp, sizeof fp);
    CHECK(strlen(fp) == KEYRING_FINGERPRINT && strncmp(fp, judge, KEYRING_FINGERPRINT) == 0);

    CHECK(s_check(k, judge, "judge-1", false, NULL, NULL, why) == 0);
    CHECK(s_check(k, judge, "judge-1.w3", false, NULL, NULL, why) == 0);
    CHECK(s_check(k, judge, "judge-1", true, "judge-1", "judge", why) == 0);

    CHECK(s_check(k, judge, "actors-1", false, NULL, NULL, why) == -1);
    CHECK_CONTAINS(why, "routing id `actors-1` is not node judge-1's");
    CHECK_CONTAINS(why, fp);
    CHECK(s_check(k, judge, "judge-10", false, NULL, NULL, why) == -1); /* a prefix is not enough */
    CHECK(s_check(k, judge, "judge-1.", false, NULL, NULL, why) == -1);
    CHECK(s_check(k, judge, "", false, NULL, NULL, why) == -1);
    CHECK(keyring_check(k, judge, "judge-1\0x", 9, false, NULL, NULL, why, sizeof why) == -1);
    CHECK(keyring_check(k, judge, "judge-1.\0", 9, false, NULL, NULL, why, sizeof why) == -1);
    CHECK(keyring_check(k, judge, "\x01\x02\"x", 4, false, NULL, NULL, why, sizeof why) == -1);
    CHECK(strchr(why, '"') == NULL && strchr(why, '\x01') == NULL); /* quoted safely in logs */

    CHECK(s_check(k, judge, "judge-1", true, "actors-1", "actors", why) == -1);
    CHECK(strncmp(why, "hello refused: key ", 19) == 0);
    CHECK_CONTAINS(why, "belongs to node judge-1, not actors-1");
    CHECK(s_check(k, judge, "judge-1", true, "judge-1", "actors", why) == -1);
    CHECK_CONTAINS(why, "node judge-1 has role judge in cluster.toml, not actors");
    CHECK(s_check(k, judge, "judge-1", true, NULL, "judge", why) == -1);
    CHECK(s_check(k, judge, "judge-1", true, "judge-1", NULL, why) == -1);

    CHECK(s_check(k, "", "judge-1", false, NULL, NULL, why) == -1);
    CHECK_CONTAINS(why, "key none is not bound");
    CHECK(s_check(k, NULL, "judge-1", false, NULL, NULL, why) == -1);
    keyring_destroy(&k);
    free(judge);
}

static void each_role_may_send_only_its_own_messages(void)
{
    char why[300];
    CHECK(keyring_may_send(GV_ROLE_JUDGE, "judge-1", "judge.result", why, sizeof why) == 0);
    CHECK(keyring_may_send(GV_ROLE_JUDGE, "judge-1", "problems.testdata", why, sizeof why) == 0);
    CHECK(keyring_may_send(GV_ROLE_JUDGE, "judge-1", "hello", why, sizeof why) == 0);
    CHECK(keyring_may_send(GV_ROLE_JUDGE, "judge-1", "accounts.set_role", why, sizeof why) == -1);
    CHECK_STR(why, "node judge-1 (role judge) may not send `accounts.set_role`");
    CHECK(keyring_may_send(GV_ROLE_JUDGE, "judge-1", "problems.list", why, sizeof why) == -1);
    CHECK(keyring_may_send(GV_ROLE_JUDGE, "judge-1", "jobs.offer", why, sizeof why) == -1);
    CHECK(keyring_may_send(GV_ROLE_JUDGE, "judge-1", "broker.status", why, sizeof why) == -1);
    CHECK(keyring_may_send(GV_ROLE_EDGE, "edge-1", "problems.list", why, sizeof why) == 0);
    CHECK(keyring_may_send(GV_ROLE_EDGE, "edge-1", "broker.status", why, sizeof why) == 0);
    CHECK(keyring_may_send(GV_ROLE_EDGE, "edge-1", "judge.result", why, sizeof why) == -1);
    CHECK(keyring_may_send(GV_ROLE_EDGE, "edge-1", "jobs.offer", why, sizeof why) == -1);
    CHECK(keyring_may_send(GV_ROLE_ACTORS, "actors-1", "jobs.offer", why, sizeof why) == 0);
    CHECK(keyring_may_send(GV_ROLE_BROKER, "broker", "hello", why, sizeof why) == -1);
}

int main(int argc, char **argv)
{
    gv_log_init("test");
    snprintf(s_root, sizeof s_root, "/tmp/gv-keyring-XXXXXX");
    if (!mkdtemp(s_root))
        return 2;
    snprintf(s_dir, sizeof s_dir, "%s/authorized", s_root);
    char toml[128], err[1024];
    snprintf(toml, sizeof toml, "%s/cluster.toml", s_root);
    FILE *f = fopen(toml, "w");
    if (!f || mkdir(s_dir, 0700) != 0)
        return 2;
    fputs(s_toml, f);
    fclose(f);
    s_cfg = gv_config_load(toml, s_root, err, sizeof err);
    if (!s_cfg) {
        fprintf(stderr, "%s\n", err);
        return 2;
    }
    const char *only = argc > 1 ? argv[1] : NULL;
#define T(fn)                                                                                    \
    if (!only || strcmp(only, #fn) == 0)                                                         \
    RUN(fn)
    T(binds_each_key_to_the_node_its_cert_names);
    T(refuses_keys_naming_no_node_the_broker_or_two_nodes);
    T(a_removed_cert_unbinds_its_key_on_the_next_load);
    T(check_refuses_another_nodes_routing_id_name_or_role);
    T(each_role_may_send_only_its_own_messages);
    gv_config_destroy(&s_cfg);
    char cmd[160];
    snprintf(cmd, sizeof cmd, "rm -rf %s", s_root);
    if (system(cmd) != 0)
        fprintf(stderr, "cannot remove %s\n", s_root);
    return TEST_SUMMARY();
}
