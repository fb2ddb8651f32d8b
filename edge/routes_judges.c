/*  Judges as the API shows them: GET /api/v1/languages (everyone) and
 *  GET /api/v1/admin/judges (admin). Both come from the broker's `broker.judges`.
 *
 *  Languages are the union over judges that are not lost of their `language_info`
 *  ({id, name, version}, sent in judge.ready); a judge that sent only `languages` ids
 *  contributes those ids with the name from cluster.toml and an empty version. The list is
 *  ordered c, cpp, python3, java, rust, javascript, pascal, then any others as found.
 */
#include "json_mp.h"
#include "routes.h"

#include <string.h>

#define MAX_LANGS 64

static const char *const s_order[] = {"c",    "cpp",        "python3", "java",
                                      "rust", "javascript", "pascal"};
#define N_ORDER (sizeof s_order / sizeof s_order[0])

typedef struct {
    const char *id; /* not NUL-terminated */
    size_t id_len;
    const msgpack_object *name;    /* may be NULL */
    const msgpack_object *version; /* may be NULL */
} lang_t;

static bool s_is(const char *p, size_t n, const char *s)
{
    return strlen(s) == n && memcmp(p, s, n) == 0;
}

static void s_add(lang_t *langs, size_t *n, const msgpack_object *id, const msgpack_object *name,
                  const msgpack_object *version)
{
    if (!id || id->type != MSGPACK_OBJECT_STR || id->via.str.size == 0) return;
    for (size_t i = 0; i < *n; i++)
        if (langs[i].id_len == id->via.str.size &&
            memcmp(langs[i].id, id->via.str.ptr, id->via.str.size) == 0)
            return;
    if (*n >= MAX_LANGS) return;
    langs[*n] = (lang_t){id->via.str.ptr, id->via.str.size, name, version};
    (*n)++;
}

static size_t s_rank(const lang_t *l)
{
    for (size_t i = 0; i < N_ORDER; i++)
        if (s_is(l->id, l->id_len, s_order[i])) return i;
    return N_ORDER;
}

static void s_render_lang(edge_req_t *r, edge_buf_t *out, const lang_t *l)
{
    edge_buf_adds(out, "{\"id\":");
    edge_json_str(out, l->id, l->id_len);
    edge_buf_adds(out, ",\"name\":");
    if (l->name && l->name->type == MSGPACK_OBJECT_STR) {
        edge_mp_to_json(out, l->name);
    } else {
        char id[64];
        size_t n = l->id_len < sizeof id - 1 ? l->id_len : sizeof id - 1;
        memcpy(id, l->id, n);
        id[n] = '\0';
        const gv_lang_cfg_t *cfg = r->edge->cfg ? gv_config_lang(r->edge->cfg, id) : NULL;
        edge_json_cstr(out, cfg && cfg->name ? cfg->name : id);
    }
    edge_buf_adds(out, ",\"version\":");
    if (l->version && l->version->type == MSGPACK_OBJECT_STR)
        edge_mp_to_json(out, l->version);
    else
        edge_buf_adds(out, "\"\"");
    edge_buf_addc(out, '}');
}

void edge_route_languages(edge_req_t *r)
{
    gv_writer_t *w = edge_req_begin(r, "broker", "broker.judges", 0);
    if (!w) return;
    gv_msg_t *reply = edge_req_call(r, &w);
    if (!reply) return;
    const msgpack_object *judges = gv_reply_data(reply);
    if (gv_reply_status(reply) != 200 || !judges || judges->type != MSGPACK_OBJECT_ARRAY) {
        edge_req_reply_consume(r, &reply);
        return;
    }
    lang_t langs[MAX_LANGS];
    size_t n = 0;
    for (uint32_t i = 0; i < judges->via.array.size; i++) {
        const msgpack_object *j = &judges->via.array.ptr[i];
        if (j->type != MSGPACK_OBJECT_MAP || gv_obj_str_eq(gv_obj_get(j, "state"), "lost"))
            continue;
        const msgpack_object *info = gv_obj_get(j, "language_info");
        if (info && info->type == MSGPACK_OBJECT_ARRAY) {
            for (uint32_t k = 0; k < info->via.array.size; k++) {
                const msgpack_object *li = &info->via.array.ptr[k];
                if (li->type == MSGPACK_OBJECT_MAP)
                    s_add(langs, &n, gv_obj_get(li, "id"), gv_obj_get(li, "name"),
                          gv_obj_get(li, "version"));
            }
        }
        const msgpack_object *ids = gv_obj_get(j, "languages");
        if (ids && ids->type == MSGPACK_OBJECT_ARRAY)
            for (uint32_t k = 0; k < ids->via.array.size; k++)
                s_add(langs, &n, &ids->via.array.ptr[k], NULL, NULL);
    }
    edge_buf_t *out = edge_req_out(r);
    edge_buf_reset(out, EDGE_BUF_KEEP);
    edge_buf_addc(out, '[');
    bool first = true;
    for (size_t rank = 0; rank <= N_ORDER; rank++)
        for (size_t i = 0; i < n; i++) {
            if (s_rank(&langs[i]) != rank) continue;
            if (!first) edge_buf_addc(out, ',');
            first = false;
            s_render_lang(r, out, &langs[i]);
        }
    edge_buf_addc(out, ']');
    r->status = 200;
    gv_msg_destroy(&reply);
}

void edge_route_admin_judges(edge_req_t *r)
{
    static const char *const admin[] = {"admin", NULL};
    if (edge_req_role(r, admin) != 0) return;
    gv_writer_t *w = edge_req_begin(r, "broker", "broker.judges", 0);
    if (!w) return;
    gv_msg_t *reply = edge_req_call(r, &w);
    if (reply) edge_req_reply_consume(r, &reply);
}
