/*  edge_live, private: the hub's and the clients' structures and the helpers live.c (the
 *  bus, the writers, the life cycle) and live_ws.c (the civetweb handlers, subscribing) share.
 *  The locking rules are in live.h.
 */
#ifndef EDGE_LIVE_IMPL_H
#define EDGE_LIVE_IMPL_H

#include "live.h"

#include <pthread.h>
#include <stdatomic.h>

#define REASON_MAX 64 /* bytes of a close frame's reason */

typedef struct live_client live_client_t;

typedef struct {
    edge_live_t *hub;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    live_client_t *head, *tail; /* clients with frames or a close frame to send */
    bool stop;
    bool started;
    pthread_t thread;
} live_writer_t;

struct live_client {
    atomic_uint refs;
    edge_live_t *hub;
    live_writer_t *writer;
    char addr[48];

    pthread_mutex_t lock; /* guards everything down to next_ready */
    pthread_cond_t room;  /* the writer took frames: a replay may go on */
    live_queue_t queue;
    live_sub_t subs[LIVE_MAX_SUBS];
    size_t n_subs;
    bool scheduled;      /* on the writer's list, which then holds a reference */
    bool gone;           /* civetweb closed the connection */
    uint16_t close_code; /* != 0: send this close frame and nothing else */
    bool close_taken;    /* the close frame has been sent or taken for sending */
    char close_reason[REASON_MAX];
    live_client_t *next_ready;

    live_client_t *prev, *next; /* the hub's list, under hub->lock */

    pthread_mutex_t wlock; /* conn and close_sent, held around every write */
    struct mg_connection *conn;
    bool close_sent; /* a close frame went out or the stream broke: write nothing more */

    /* the connection's worker thread only */
    char *hs_token; /* token from the handshake; "" when one was given but unusable */
    char *msg;      /* a fragmented message being put together */
    size_t msg_len;
    bool in_msg;
    int msg_op;
};

struct edge_live {
    edge_t *edge;
    unsigned max_clients;
    atomic_bool stop;
    atomic_bool closing; /* goodbye sent: refuse new clients */
    pthread_mutex_t lock;
    live_client_t *clients;
    atomic_uint n_clients;
    atomic_uint_fast64_t dropped_slow;
    atomic_uint_fast64_t serial;
    bool sub_started;
    pthread_t sub_thread;
    live_writer_t writers[LIVE_WRITERS];
};

/* A client for a connection that has just been upgraded (one reference: the connection's). */
live_client_t *live_client_new(edge_live_t *hub, struct mg_connection *conn);
void live_client_unref(live_client_t *c);

/* With c->lock held: */
void live_schedule_locked(live_client_t *c); /* onto its writer's list */
void live_close_locked(live_client_t *c, uint16_t code, const char *reason); /* drop, then close */
void live_too_slow_locked(live_client_t *c);              /* close 4001, counted */
void live_send_locked(live_client_t *c, live_frame_t *f); /* queue; a full queue is too slow */

/* One frame to the client under c->wlock. 0 written; -1 not written (connection closed, close
 * frame already sent, or a failed/short write, which breaks the stream for good). */
int live_write(live_client_t *c, int opcode, const char *data, size_t len, uint64_t *took_ms);
void live_write_close(live_client_t *c, uint16_t code, const char *reason);

#endif
