/*  libFuzzer target: everything the edge decodes from a client or converts for one.
 *  The first byte picks the decoder, the rest is its input:
 *    0  a JSON request body, through every request validator and JSON -> msgpack
 *    1  a query string, through both query parsers
 *    2  msgpack reply data -> JSON text, which must then parse as JSON
 *    3  a decimal id as found in a path
 *    4  a live-feed (WebSocket) client message
 *    5  web UI request data: a path for the file lookup, and the same bytes as an
 *       Accept-Encoding, If-None-Match and query string
 *    6  a stream of WebSocket frames from a client: headers decoded before their payload
 *  Case 0 also runs the contest, clarification and announcement validators; case 1 the page
 *  and view query parsers.
 *  Nothing may crash, leak, or produce output the next layer would refuse. */
#include "buf.h"
#include "errors.h"
#include "gv_msg.h"
#include "json_mp.h"
#include "live.h"
#include "router.h"
#include "validate.h"
#include "webui.h"
#include "ws_frame.h"

#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void s_json_body(const uint8_t *p, size_t n)
{
    json_error_t jerr;
    json_t *j = json_loadb((const char *)p, n, JSON_REJECT_DUPLICATES, &jerr);
    if (!j)
        return;
    if (edge_json_depth_ok(j, 32)) {
        edge_err_t err;
        edge_register_t reg;
        edge_login_t login;
        edge_submission_t sub;
        edge_problem_t prob;
        edge_test_t test;
        memset(&err, 0, sizeof err);
        (void)edge_v_register(j, &reg, &err);
        (void)edge_v_login(j, &login, &err);
        (void)edge_v_submission(j, 65536, &sub, &err);
        (void)edge_v_test(j, &test, &err);
        static edge_contest_t contest; /* large: not on the fuzzer's stack */
        edge_clar_ask_t ask;
        edge_clar_staff_t staff;
        edge_announce_t ann;
        if (edge_v_contest(j, &contest, &err) == 0 && contest.n_problems > EDGE_CONTEST_PROBLEMS_MAX)
            abort();
        (void)edge_v_clar_ask(j, &ask, &err);
        (void)edge_v_clar_staff(j, &staff, &err);
        (void)edge_v_announce(j, &ann, &err);
        static edge_rejudge_t rej; /* 8 KiB: not on the fuzzer's stack */
        if (edge_v_rejudge(j, &rej, &err) == 0 && rej.n_ids > EDGE_REJUDGE_IDS_MAX) abort();
        for (int create = 0; create < 2; create++) {
            if (edge_v_problem(j, create, &prob, &err) == 0 && prob.checker) {
                msgpack_sbuffer sb;
                msgpack_sbuffer_init(&sb);
                msgpack_packer pk;
                msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
                char why[256];
                if (edge_json_to_mp(&pk, prob.checker, 8) == 0 &&
                    gv_msg_prescan(sb.data, sb.size, why, sizeof why) != 0)
                    abort(); /* we produced msgpack our own decoder refuses */
                msgpack_sbuffer_destroy(&sb);
            }
        }
    }
    json_decref(j);
}

static void s_query(const uint8_t *p, size_t n)
{
    char *q = malloc(n + 1);
    if (!q)
        return;
    memcpy(q, p, n);
    q[n] = '\0';
    edge_err_t err;
    edge_problem_query_t pq;
    edge_submission_query_t sq;
    (void)edge_v_problem_query(q, &pq, &err);
    (void)edge_v_submission_query(q, &sq, &err);
    edge_page_query_t pg;
    (void)edge_v_page_query(q, &pg, &err);
    (void)edge_v_view_query(q, &err);
    free(q);
}

static void s_mp_to_json(const uint8_t *p, size_t n)
{
    char why[256];
    if (gv_msg_prescan(p, n, why, sizeof why) != 0)
        return;
    msgpack_unpacked up;
    msgpack_unpacked_init(&up);
    size_t off = 0;
    if (msgpack_unpack_next(&up, (const char *)p, n, &off) == MSGPACK_UNPACK_SUCCESS) {
        edge_buf_t b;
        edge_buf_init(&b, 0);
        if (edge_mp_to_json(&b, &up.data) == 0 && !edge_buf_failed(&b)) {
            json_error_t jerr;
            json_t *j = json_loadb(edge_buf_body(&b), edge_buf_body_len(&b), JSON_DECODE_ANY | JSON_ALLOW_NUL | JSON_DECODE_INT_AS_REAL,
                                  &jerr);
            /* jansson cannot hold a NUL inside an object key ("\u0000" is valid JSON, and
             * browsers read it); every other refusal means we wrote bad JSON. */
            if (!j && !strstr(jerr.text, "NUL byte in object key"))
                abort();
            json_decref(j);
        }
        edge_buf_release(&b);
    }
    msgpack_unpacked_destroy(&up);
}

/* A tiny web root, made and loaded once: the lookup runs against real entries. */
static edge_web_t *s_web(void)
{
    static edge_web_t *web;
    static int tried;
    if (tried) return web;
    tried = 1;
    char dir[] = "/tmp/gavel-fuzz-web-XXXXXX", path[64], err[256];
    if (!mkdtemp(dir)) return NULL;
    const char *names[] = {"index.html", "app.css", "favicon.svg"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        FILE *f = fopen(path, "w");
        if (!f) continue;
        fputs("<!doctype html>x", f);
        fclose(f);
    }
    web = edge_web_load(dir, err, sizeof err);
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        unlink(path);
    }
    rmdir(dir);
    return web;
}

static void s_web_request(const uint8_t *p, size_t n)
{
    char *s = malloc(n + 1);
    if (!s) return;
    memcpy(s, p, n);
    s[n] = '\0';
    const edge_web_file_t *f = edge_web_find(s_web(), s);
    (void)f;
    (void)edge_web_is_app_route(s);
    (void)edge_web_accepts_gzip(s);
    (void)edge_web_etag_matches(s, "\"0123456789abcdef\"");
    (void)edge_web_query_versioned(s);
    free(s);
}

/* Frame after frame as the live feed reads them: a header, then its payload when the header
 * is good and the payload fits the 4 KiB a message may have (the rest is refused unread). */
static void s_ws_frames(const uint8_t *p, size_t n)
{
    uint8_t payload[4096];
    while (n >= 2) {
        edge_ws_hdr_t h;
        edge_ws_hdr_rc_t rc = edge_ws_hdr_parse(p, n, &h);
        if (rc == EDGE_WS_HDR_MORE) {
            if (n >= edge_ws_hdr_len(p[1])) abort(); /* had enough bytes */
            return;
        }
        if (h.header_len < 2 || h.header_len > EDGE_WS_HEADER_MAX ||
            h.header_len != edge_ws_hdr_len(p[1]) || h.header_len > n)
            abort();
        if (rc != EDGE_WS_HDR_OK) return; /* the connection would be closed with 1002 */
        if (h.opcode >= 8 && (h.len > 125 || !h.fin)) abort();
        p += h.header_len;
        n -= h.header_len;
        if (h.len > sizeof payload || h.len > n) return; /* 1009, or the rest is missing */
        memcpy(payload, p, (size_t)h.len);
        edge_ws_unmask(payload, (size_t)h.len, h.mask, 0);
        p += h.len;
        n -= (size_t)h.len;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const uint8_t *p = data + 1;
    size_t n = size - 1;
    switch (data[0] % 7) {
    case 6: s_ws_frames(p, n); break;
    case 0: s_json_body(p, n); break;
    case 1: s_query(p, n); break;
    case 2: s_mp_to_json(p, n); break;
    case 5: s_web_request(p, n); break;
    case 4: {
        live_cmd_t cmd;
        edge_err_t err;
        if (live_cmd_parse((const char *)p, n, &cmd, &err) == 0) live_cmd_clear(&cmd);
        break;
    }
    default: {
        uint64_t id;
        (void)edge_parse_u64((const char *)p, n, &id);
    }
    }
    return 0;
}
