/*  gv_types — the catalogue of message types and the schema of each body.
 *
 *  Every type a node may send is listed in gv_types.c with its body schema. gv_msg_decode()
 *  rejects a type that is not listed and any body that does not match: a required field
 *  missing, a field of the wrong kind, a string/binary longer than its bound, an array longer
 *  than its bound, or an element of an array-of-maps that breaks the element schema. Fields
 *  that are not in the schema are ignored (forward compatibility).
 *
 *  The human catalogue with the meaning of every field lives in docs/INTERNALS.md; keep the
 *  two in step.
 */
#ifndef GV_TYPES_H
#define GV_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum {
    GV_K_STR,      /* msgpack str, length <= max */
    GV_K_BIN,      /* msgpack bin or str (bytes), length <= max */
    GV_K_INT,      /* positive or negative integer */
    GV_K_UINT,     /* non-negative integer */
    GV_K_FLOAT,    /* float or integer */
    GV_K_BOOL,
    GV_K_MAP,      /* any map (checked only by prescan bounds), or elem schema if set */
    GV_K_ANY,      /* any value (prescan bounds only) */
    GV_K_STR_ARRAY, /* array (<= max) of str (each <= GV_STR_ITEM_MAX) */
    GV_K_UINT_ARRAY,
    GV_K_MAP_ARRAY, /* array (<= max) of maps each matching elem */
} gv_kind_t;

#define GV_STR_ITEM_MAX 4096

/* A judge job's class, in the order judging serves them; gv_job_class_name() is what
 * jobs.offer's `class` carries, and the actors' durable queue keys keep the number. */
typedef enum {
    GV_JOB_CONTEST,  /* a contest submission waiting for its first verdict */
    GV_JOB_PRACTICE, /* a submission outside any contest */
    GV_JOB_REJUDGE,  /* judged before, sent back by a rejudge */
    GV_JOB_CLASSES
} gv_job_class_t;

const char *gv_job_class_name(gv_job_class_t c);
/* The class `name` names; NULL or unknown is practice. */
gv_job_class_t gv_job_class_parse(const char *name);

typedef struct gv_schema gv_schema_t;

typedef struct {
    const char *name;
    gv_kind_t kind;
    bool required;
    bool nullable;          /* nil accepted in place of the value */
    uint32_t max;           /* max length (str/bin) or max elements (arrays); 0 = default */
    const gv_schema_t *elem; /* element schema for GV_K_MAP_ARRAY / GV_K_MAP */
} gv_field_t;

struct gv_schema {
    const char *type; /* message type, e.g. "accounts.register"; NULL for element schemas */
    const gv_field_t *fields;
    size_t n_fields;
};

/* The schema of a message type, or NULL when the type is unknown. */
const gv_schema_t *gv_types_find(const char *type, size_t type_len);
/* Validates a body map against a schema; returns 0 or -1 with a sentence naming the field. */
struct msgpack_object;
int gv_types_check(const gv_schema_t *s, const struct msgpack_object *body, char *err,
                   size_t errlen);
/* All known schemas (for tests and fuzz dictionaries). */
const gv_schema_t *const *gv_types_all(size_t *n);

/* Verdict ids (ICPC contest API names). */
#define GV_VERDICTS "AC", "WA", "TLE", "MLE", "RTE", "OLE", "CE", "JE"
bool gv_verdict_valid(const char *v);

#endif
