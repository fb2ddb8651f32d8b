/*  keyring — which node of cluster.toml each authorised CURVE key belongs to.
 *
 *  zauth admits any key whose cert is in <data>/keys/authorized/; on its own that lets any
 *  admitted key speak as any node. The keyring binds each key to exactly one node: the cert's
 *  "name" metadata (gavel-keygen writes it), or the file name without ".cert" when the cert has
 *  none, must name a non-broker node of cluster.toml, and that node's role comes with it.
 *  A key claimed by two nodes, a cert naming no node (or the broker), or an unreadable cert is
 *  bound to nothing and logged as a warning: its connections are admitted by CURVE but every
 *  message is refused by the broker. One node may have several keys (a key being rotated).
 *
 *  keyring_load re-reads the directory (the broker calls it every heartbeat interval), so a
 *  cert removed from authorized/ unbinds its key without a restart.
 *
 *  keyring_check is the rule every message on the router passes: the key must be bound, the
 *  routing id must be its node's name or "<name>.<suffix>" (nodes connect as "<name>.<nonce>",
 *  edge workers as "<name>.w<N>.<nonce>"), and a hello must carry that name and the node's
 *  role.
 */
#ifndef BROKER_KEYRING_H
#define BROKER_KEYRING_H

#include "gv_config.h"

#include <stdbool.h>
#include <stddef.h>

#define KEYRING_KEY_LEN 40    /* a Z85 CURVE public key */
#define KEYRING_FINGERPRINT 8 /* characters of the key shown in logs and errors */

typedef struct keyring keyring_t;

/* dir: the authorized/ directory. Does not read it yet. NULL on allocation failure. */
keyring_t *keyring_new(const gv_config_t *cfg, const char *dir);
void keyring_destroy(keyring_t **self_p);

/* Re-reads the directory and replaces the bindings. Problems (a key claimed twice, a cert
 * naming no node) are logged as warnings when they first appear, not on every reload.
 * Returns the number of bound keys, or -1 (bindings kept, error logged) when the directory
 * cannot be read; a missing directory binds nothing. */
int keyring_load(keyring_t *self);

/* The node a Z85 public key belongs to (a const string the keyring owns, valid until the
 * next keyring_load), or NULL. role_out, when not NULL, gets the node's role. */
const char *keyring_node(const keyring_t *self, const char *key, gv_role_t *role_out);

/* 0 when a message from `key` (NULL: the connection has none) with routing id
 * identity[0..identity_len) may pass; -1 with a sentence in `why` when it must be refused.
 * hello_name / hello_role: the fields of a hello (NULL for other messages; a hello without
 * them is refused). */
int keyring_check(const keyring_t *self, const char *key, const void *identity,
                  size_t identity_len, bool is_hello, const char *hello_name,
                  const char *hello_role, char *why, size_t why_len);

/* Whether a node of `role` may send a message of `type` through the broker. Judges may send
 * only what judging needs (hello, heartbeat, reply, judge.ready/progress/result and the
 * problems.manifest/testdata requests), so a judge's key cannot act as an edge or an actor
 * node (whose requests actors trust); edges may send anything but judge.* and jobs.offer;
 * actors nodes anything. 0 when allowed, -1 with a sentence in `why`. */
int keyring_may_send(gv_role_t role, const char *node, const char *type, char *why,
                     size_t why_len);

/* The first KEYRING_FINGERPRINT characters of a key, or "none". out: at least 9 bytes. */
void keyring_fingerprint(const char *key, char *out, size_t out_len);

#endif
