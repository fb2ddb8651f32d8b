/*  jobqueue — pending jobs by class, then users in turn (see jobqueue.h). */
#include "jobqueue.h"

#include <czmq.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


/* One user's queued jobs of one class, and its place in the class's rotation. */
struct jq_user {
    gv_job_class_t klass;
    uint64_t user_id;
    zlistx_t *entries; /* jq_entry_t*, by sub_id */
    void *turn;        /* handle in turns[klass] */
};

struct jobqueue {
    zhashx_t *users;             /* "class/user_id" -> jq_user_t, only while it holds a job */
    zlistx_t *turns[GV_JOB_CLASSES]; /* jq_user_t*, the next to be served first */
    size_t size;
    /* the walk of jobqueue_first / jobqueue_next */
    int walk_class;
    jq_user_t *walk_user;
};

static void s_user_free(void **item)
{
    jq_user_t *u = *item;
    if (!u)
        return;
    zlistx_destroy(&u->entries);
    free(u);
    *item = NULL;
}

static int s_entry_cmp(const void *a, const void *b)
{
    uint64_t x = ((const jq_entry_t *)a)->sub_id, y = ((const jq_entry_t *)b)->sub_id;
    return x < y ? -1 : x > y;
}

static void s_user_key(char key[48], gv_job_class_t klass, uint64_t user_id)
{
    snprintf(key, 48, "%d/%llu", (int)klass, (unsigned long long)user_id);
}

jobqueue_t *jobqueue_new(void)
{
    jobqueue_t *self = calloc(1, sizeof *self);
    if (!self)
        return NULL;
    bool ok = (self->users = zhashx_new()) != NULL;
    for (int c = 0; c < GV_JOB_CLASSES; c++)
        ok &= (self->turns[c] = zlistx_new()) != NULL;
    if (!ok) {
        jobqueue_destroy(&self);
        return NULL;
    }
    zhashx_set_destructor(self->users, s_user_free);
    return self;
}

void jobqueue_destroy(jobqueue_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    jobqueue_t *self = *self_p;
    for (int c = 0; c < GV_JOB_CLASSES; c++)
        zlistx_destroy(&self->turns[c]);
    zhashx_destroy(&self->users); /* the entries belong to their jobs */
    free(self);
    *self_p = NULL;
}

/* Removes an emptied user from its rotation and frees it. */
static void s_user_drop(jobqueue_t *self, jq_user_t *u)
{
    char key[48];
    s_user_key(key, u->klass, u->user_id);
    zlistx_delete(self->turns[u->klass], u->turn);
    zhashx_delete(self->users, key); /* frees u */
}

int jobqueue_push(jobqueue_t *self, jq_entry_t *e, bool front)
{
    if (e->user)
        return 0;
    if (e->klass >= GV_JOB_CLASSES)
        e->klass = GV_JOB_PRACTICE;
    char key[48];
    s_user_key(key, e->klass, e->user_id);
    jq_user_t *u = zhashx_lookup(self->users, key);
    if (!u) {
        u = calloc(1, sizeof *u);
        if (!u || !(u->entries = zlistx_new())) {
            free(u);
            return -1;
        }
        u->klass = e->klass;
        u->user_id = e->user_id;
        zlistx_set_comparator(u->entries, s_entry_cmp);
        u->turn = front ? zlistx_add_start(self->turns[e->klass], u)
                        : zlistx_add_end(self->turns[e->klass], u);
        if (!u->turn) {
            s_user_free((void **)&u);
            return -1;
        }
        if (zhashx_insert(self->users, key, u) != 0) { /* out of memory */
            zlistx_delete(self->turns[e->klass], u->turn);
            s_user_free((void **)&u);
            return -1;
        }
    }
    e->handle = zlistx_insert(u->entries, e, false); /* searches from the newest end */
    if (!e->handle) {
        if (zlistx_size(u->entries) == 0)
            s_user_drop(self, u);
        return -1;
    }
    e->user = u;
    self->size++;
    return 0;
}

void jobqueue_pull(jobqueue_t *self, jq_entry_t *e)
{
    jq_user_t *u = e->user;
    if (!u)
        return;
    zlistx_delete(u->entries, e->handle);
    e->handle = NULL;
    e->user = NULL;
    self->size--;
    if (zlistx_size(u->entries) == 0)
        s_user_drop(self, u);
}

void jobqueue_take(jobqueue_t *self, jq_entry_t *e)
{
    if (e->user && zlistx_size(e->user->entries) > 1)
        zlistx_move_end(self->turns[e->user->klass], e->user->turn);
    jobqueue_pull(self, e);
}

bool jobqueue_queued(const jq_entry_t *e)
{
    return e->user != NULL;
}

size_t jobqueue_size(const jobqueue_t *self)
{
    return self->size;
}

/* The first entry at or after the walk's position: the current user's next entry, else the
 * next user's first, else the next class's. */
static jq_entry_t *s_walk(jobqueue_t *self, jq_entry_t *e)
{
    while (!e) {
        if (self->walk_user)
            self->walk_user = zlistx_next(self->turns[self->walk_class]);
        while (!self->walk_user && ++self->walk_class < GV_JOB_CLASSES)
            self->walk_user = zlistx_first(self->turns[self->walk_class]);
        if (!self->walk_user)
            return NULL;
        e = zlistx_first(self->walk_user->entries);
    }
    return e;
}

jq_entry_t *jobqueue_first(jobqueue_t *self)
{
    self->walk_class = -1;
    self->walk_user = NULL;
    return s_walk(self, NULL);
}

jq_entry_t *jobqueue_next(jobqueue_t *self)
{
    if (!self->walk_user)
        return NULL;
    return s_walk(self, zlistx_next(self->walk_user->entries));
}
