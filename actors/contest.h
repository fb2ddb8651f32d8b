/*  contest — the contest actors (see docs/CONTESTS.md).
 *
 *  contests_actor is the directory at "contests": contest ids and one summary per contest for
 *  listings. contest_actor is a prefix kind: it serves every "contest/<id>" address this node
 *  hosts, one contest per address, all of them in the same named databases keyed by contest
 *  id. Its handlers live in contest.c (definition, registration, admission, state timers),
 *  contest_board.c (submissions and the scoreboard), contest_log.c (the event log) and
 *  contest_clar.c (clarifications and announcements).
 */
#ifndef ACTORS_CONTEST_H
#define ACTORS_CONTEST_H

#include "actor.h"

extern const actor_kind_t contests_actor;
extern const actor_kind_t contest_actor;

#endif
