/*  edge_router — route templates and matching (see router.h). */
#include "router.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static const char *const s_method_names[EDGE_N_METHODS] = {"GET",    "POST", "PUT",
                                                           "DELETE", "HEAD", "OTHER"};

edge_method_t edge_method_parse(const char *s)
{
    if (!s) return EDGE_OTHER;
    for (int m = 0; m < EDGE_OTHER; m++)
        if (strcmp(s, s_method_names[m]) == 0) return (edge_method_t)m;
    return EDGE_OTHER;
}

const char *edge_method_name(edge_method_t m)
{
    return (unsigned)m < EDGE_N_METHODS ? s_method_names[m] : "OTHER";
}

int edge_parse_u64(const char *s, size_t len, uint64_t *out)
{
    if (len == 0 || len > 20) return -1;
    uint64_t v = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned d = (unsigned)(unsigned char)s[i] - '0';
        if (d > 9) return -1;
        if (v > (UINT64_MAX - d) / 10) return -1;
        v = v * 10 + d;
    }
    *out = v;
    return 0;
}

/* Compares path with template segment by segment. Returns true when the shapes agree
 * (same literals, same number of segments); *ids_ok tells whether every {id} parsed. */
static bool s_shape(const char *tmpl, const char *path, uint64_t *ids, int *n_ids, bool *ids_ok)
{
    *n_ids = 0;
    *ids_ok = true;
    const char *t = tmpl, *p = path;
    for (;;) {
        if (*t != '/' || *p != '/') return *t == '\0' && *p == '\0';
        t++;
        p++;
        const char *te = strchr(t, '/');
        const char *pe = strchr(p, '/');
        size_t tl = te ? (size_t)(te - t) : strlen(t);
        size_t pl = pe ? (size_t)(pe - p) : strlen(p);
        if (tl == 4 && memcmp(t, "{id}", 4) == 0) {
            uint64_t v = 0;
            if (edge_parse_u64(p, pl, &v) != 0) *ids_ok = false;
            if (*n_ids < EDGE_ROUTE_MAX_IDS) ids[(*n_ids)++] = v;
        } else if (tl != pl || memcmp(t, p, tl) != 0) {
            return false;
        }
        t += tl;
        p += pl;
    }
}

void edge_router_match(const edge_route_t *table, size_t n, edge_method_t method, const char *path,
                       edge_match_t *out)
{
    memset(out, 0, sizeof *out);
    out->kind = EDGE_MATCH_NOT_FOUND;
    out->label = n;
    if (!path) return;
    for (size_t i = 0; i < n; i++) {
        uint64_t ids[EDGE_ROUTE_MAX_IDS];
        int n_ids;
        bool ids_ok;
        if (!s_shape(table[i].tmpl, path, ids, &n_ids, &ids_ok)) continue;
        if (!ids_ok) {
            /* Right shape, but an id is not decimal: a literal template later in the table
             * may still match ("/problems/import" after "/problems/{id}"). */
            continue;
        }
        out->label = i;
        out->route = i;
        memcpy(out->ids, ids, sizeof ids);
        out->n_ids = n_ids;
        size_t alen = 0;
        for (size_t j = i; j < n; j++) {
            if (strcmp(table[j].tmpl, table[i].tmpl) != 0) continue;
            if (table[j].method == method) {
                out->kind = EDGE_MATCH_OK;
                out->route = j;
                return;
            }
            int w = snprintf(out->allow + alen, sizeof out->allow - alen, "%s%s", alen ? ", " : "",
                             edge_method_name(table[j].method));
            if (w > 0 && (size_t)w < sizeof out->allow - alen) alen += (size_t)w;
        }
        out->kind = EDGE_MATCH_METHOD;
        return;
    }
}
