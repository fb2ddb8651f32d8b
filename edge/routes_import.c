/*  Problem packages: POST /api/v1/problems/import and GET /api/v1/problems/{id}/
 *  package-submissions (jury and admin).
 *
 *  An import body is a zip of up to EDGE_IMPORT_MAX_BYTES (256 MiB, far above the ordinary
 *  max_body_bytes). It is streamed to an unlinked temporary file, never held in memory, and
 *  read with libzip (edge/package.c). What the package holds goes to the problems actor in
 *  one problems.import message, so the problem and all its tests are created in one
 *  transaction or not at all; that message is bounded by max_message_bytes, so the files the
 *  import uses may unpack to at most max_message_bytes - EDGE_IMPORT_ENVELOPE bytes (413
 *  beyond). The answer is 201 {id, tests, submissions, warnings:[...]}.
 */
#include "auth.h"
#include "gv_log.h"
#include "json_mp.h"
#include "package.h"
#include "routes.h"

#include <civetweb.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define EDGE_IMPORT_MAX_BYTES (256ull << 20)
#define EDGE_IMPORT_ENVELOPE (1ull << 20) /* room for the msgpack framing of the message */
#define IMPORT_CHUNK 65536

static const char *const s_jury[] = {"jury", "admin", NULL};

/* Streams the request body into an unlinked temporary file. The fd, or -1 (response set). */
static int s_body_to_file(edge_req_t *r)
{
    long long cl = r->ri->content_length;
    if (cl > 0 && (unsigned long long)cl > EDGE_IMPORT_MAX_BYTES) {
        r->close = true;
        edge_req_error(r, 413, "too_large", "a package may be at most %llu bytes",
                       (unsigned long long)EDGE_IMPORT_MAX_BYTES);
        return -1;
    }
    const char *te = mg_get_header(r->conn, "Transfer-Encoding");
    if (cl <= 0 && !(te && strcasestr(te, "chunked"))) {
        edge_req_error(r, 400, "bad_package", "send the package zip as the request body");
        return -1;
    }
    const char *tmp = getenv("TMPDIR");
    char path[512];
    snprintf(path, sizeof path, "%s/gavel-import-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    int fd = mkstemp(path);
    if (fd < 0) {
        gv_error("cannot make a temporary file for an import", "path=%s errno=%d", path, errno);
        edge_req_error(r, 503, "unavailable", "the edge cannot store the upload; retry later");
        return -1;
    }
    unlink(path);
    char *buf = malloc(IMPORT_CHUNK);
    unsigned long long total = 0;
    bool failed = buf == NULL;
    while (!failed) {
        int n = mg_read(r->conn, buf, IMPORT_CHUNK);
        if (n <= 0) break;
        total += (unsigned long long)n;
        if (total > EDGE_IMPORT_MAX_BYTES) {
            r->close = true;
            free(buf);
            close(fd);
            edge_req_error(r, 413, "too_large", "a package may be at most %llu bytes",
                           (unsigned long long)EDGE_IMPORT_MAX_BYTES);
            return -1;
        }
        for (int off = 0; off < n && !failed;) {
            ssize_t w = write(fd, buf + off, (size_t)(n - off));
            if (w < 0 && errno == EINTR) continue;
            if (w <= 0) failed = true;
            off += (int)(w > 0 ? w : 0);
        }
    }
    free(buf);
    if (failed || (cl > 0 && total != (unsigned long long)cl) || lseek(fd, 0, SEEK_SET) != 0) {
        close(fd);
        r->close = true;
        if (failed)
            edge_req_error(r, 503, "unavailable", "the edge cannot store the upload; retry later");
        else
            edge_req_error(r, 400, "bad_package", "the upload ended after %llu bytes", total);
        return -1;
    }
    return fd;
}

/* 201 {id, tests, submissions, warnings} from the actor's reply and the parser's warnings. */
static void s_answer(edge_req_t *r, const gv_msg_t *reply, const edge_package_t *p)
{
    const msgpack_object *data = gv_reply_data(reply);
    edge_buf_t *out = edge_req_out(r);
    edge_buf_reset(out, EDGE_BUF_KEEP);
    r->status = 201;
    r->content_type = NULL;
    edge_buf_adds(out, "{\"id\":");
    const msgpack_object *id = data ? gv_obj_get(data, "id") : NULL;
    if (id)
        edge_mp_to_json(out, id);
    else
        edge_buf_adds(out, "null");
    edge_buf_addf(out, ",\"tests\":%zu,\"submissions\":%zu,\"warnings\":[", p->n_tests, p->n_subs);
    for (size_t i = 0; i < p->n_warnings; i++) {
        if (i) edge_buf_addc(out, ',');
        edge_json_cstr(out, p->warnings[i]);
    }
    if (p->warnings_dropped) {
        char more[96];
        snprintf(more, sizeof more, "%zu more warnings not shown", p->warnings_dropped);
        if (p->n_warnings) edge_buf_addc(out, ',');
        edge_json_cstr(out, more);
    }
    edge_buf_adds(out, "]}");
}

void edge_route_problems_import(edge_req_t *r)
{
    if (edge_req_role(r, s_jury) != 0) return;
    int fd = s_body_to_file(r);
    if (fd < 0) return;
    uint64_t cap = r->edge->cfg ? r->edge->cfg->max_message_bytes : GV_MSG_MAX_BYTES;
    edge_package_limits_t lim = {
        .max_total = cap > EDGE_IMPORT_ENVELOPE ? cap - EDGE_IMPORT_ENVELOPE : cap / 2,
        .max_source = r->edge->max_source_bytes,
        .default_time_limit_ms = r->edge->cfg ? r->edge->cfg->judge_default_time_limit_ms : 2000,
    };
    edge_err_t err;
    edge_package_t *p = edge_package_from_fd(fd, &lim, &err);
    if (!p) {
        edge_req_fail(r, &err);
        return;
    }
    gv_writer_t *w = edge_req_begin(r, "problems", "problems.import", edge_package_pack(NULL, p));
    if (w) {
        edge_package_pack(gv_writer_pk(w), p);
        gv_msg_t *reply = edge_req_call(r, &w);
        if (reply && gv_reply_status(reply) == 201)
            s_answer(r, reply, p);
        else if (reply)
            edge_req_reply(r, reply);
        gv_msg_destroy(&reply);
    }
    gv_info("package import", "status=%d tests=%zu submissions=%zu warnings=%zu bytes=%llu",
            r->status, p->n_tests, p->n_subs, p->n_warnings + p->warnings_dropped,
            (unsigned long long)p->bytes_read);
    edge_package_destroy(&p);
}

void edge_route_problem_package_submissions(edge_req_t *r)
{
    if (edge_req_role(r, s_jury) != 0) return;
    gv_writer_t *w = edge_req_begin(r, "problems", "problems.package_submissions", 1);
    if (!w) return;
    gv_pk_kv_uint(gv_writer_pk(w), "id", r->id);
    gv_msg_t *reply = edge_req_call(r, &w);
    if (reply) edge_req_reply_consume(r, &reply);
}
