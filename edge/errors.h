/*  edge_errors — the one error shape of the HTTP API and the machine words it uses.
 *
 *  Every error the edge answers is {"error":{"code":"<word>","message":"<sentence>"}}
 *  (API.md "Errors"). Validation code fills an edge_err_t (status, code, message) without
 *  knowing about HTTP connections, so it can be unit-tested; the request layer turns it into a
 *  response.
 */
#ifndef EDGE_ERRORS_H
#define EDGE_ERRORS_H

#include "buf.h"

#define EDGE_ERR_MSG_MAX 320

typedef struct {
    int status;       /* HTTP status; 0 = no error */
    const char *code; /* static machine word: "invalid_field", "bad_json", ... */
    char message[EDGE_ERR_MSG_MAX];
} edge_err_t;

/* Fills err and returns -1 (so validators can `return edge_err_set(...)`). */
int edge_err_set(edge_err_t *err, int status, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Appends {"error":{"code":..,"message":..}} to b; NULL code/message get the defaults for
 * the status. */
void edge_error_body(edge_buf_t *b, int status, const char *code, const char *message);

/* Default machine word and sentence for a status (used when an actor sent none). */
const char *edge_error_code_for(int status);
const char *edge_error_message_for(int status);

#endif
