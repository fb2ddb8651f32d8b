/*  edge_router — matches a method and a path against a table of route templates.
 *
 *  Templates are paths whose segments are literals or `{id}`: "/api/v1/problems/{id}/tests".
 *  An `{id}` segment matches a decimal uint64 only ("42"; not "-1", "4x", "" or a number past
 *  2^64-1). The template string doubles as the route's metric label, so metrics never carry
 *  raw ids.
 *
 *  Outcome of a match:
 *    - EDGE_MATCH_OK: a route with this template and method exists; ids are filled.
 *    - EDGE_MATCH_NOT_FOUND: no template has this shape, or it has but an id is not decimal.
 *    - EDGE_MATCH_METHOD: the template exists but not for this method; `allow` lists the
 *      methods it has ("GET, PUT, DELETE") for the Allow header.
 *  Table order decides between templates that both match (put literals before `{id}`).
 *  Matching does not allocate.
 */
#ifndef EDGE_ROUTER_H
#define EDGE_ROUTER_H

#include <stddef.h>
#include <stdint.h>

typedef enum {
    EDGE_GET,
    EDGE_POST,
    EDGE_PUT,
    EDGE_DELETE,
    EDGE_HEAD,
    EDGE_OTHER,
    EDGE_N_METHODS
} edge_method_t;

edge_method_t edge_method_parse(const char *s);
const char *edge_method_name(edge_method_t m);

#define EDGE_ROUTE_MAX_IDS 4

struct edge_req;
typedef void (*edge_handler_fn)(struct edge_req *r);

typedef struct {
    edge_method_t method;
    const char *tmpl;
    edge_handler_fn fn;
} edge_route_t;

typedef enum { EDGE_MATCH_OK, EDGE_MATCH_NOT_FOUND, EDGE_MATCH_METHOD } edge_match_kind_t;

typedef struct {
    edge_match_kind_t kind;
    size_t route; /* index in the table (OK), or of the template's first entry (METHOD) */
    size_t label; /* metric label index: first table entry with the same template; n when
                     nothing matched */
    uint64_t ids[EDGE_ROUTE_MAX_IDS];
    int n_ids;
    char allow[64];
} edge_match_t;

void edge_router_match(const edge_route_t *table, size_t n, edge_method_t method, const char *path,
                       edge_match_t *out);

/* Parses a whole string as a decimal uint64 (digits only, no sign, no overflow). 0 / -1. */
int edge_parse_u64(const char *s, size_t len, uint64_t *out);

#endif
