/*  accounts — the `accounts` actor: users, their roles and password hashes.
 *
 *  Stores and looks up only: the edge hashes passwords (Argon2id) in its own threads and
 *  verifies them on login, because the actor node is one group-commit thread that a 100 ms
 *  hash would stall. The one exception is the first admin, created at node start when the
 *  users database is empty.
 *
 *  Databases: accounts.users (id → {id, username, display_name, role, password_hash,
 *  created_at}), accounts.by_name (lower-case username → id). Messages: accounts.register,
 *  accounts.auth, accounts.get, accounts.set_role (docs/INTERNALS.md).
 */
#ifndef ACTORS_ACCOUNTS_H
#define ACTORS_ACCOUNTS_H

#include "actor.h"

#include <stdbool.h>
#include <stddef.h>

#define ACCOUNTS_USERNAME_MIN 3
#define ACCOUNTS_USERNAME_MAX 32
#define ACCOUNTS_DISPLAY_NAME_MAX 100
#define ACCOUNTS_ADMIN_PASSWORD_LEN 20
#define ACCOUNTS_ADMIN_PASSWORD_FILE "admin-password" /* in the cluster data directory */

extern const actor_kind_t accounts_actor;

/* True when `name` is 3–32 characters of [A-Za-z0-9_.-]; otherwise writes why. */
bool accounts_username_valid(const char *name, char *why, size_t whylen);

#endif
