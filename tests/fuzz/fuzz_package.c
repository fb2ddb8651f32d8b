/*  libFuzzer target: the problem package reader (edge/package.c, package_yaml.c).
 *  The input is a zip as POST /api/v1/problems/import receives it. Whatever the bytes, the
 *  reader must refuse or read within its limits without crashing or leaking, and what it
 *  reads must pack into a problems.import message the strict decoder accepts. */
#include "errors.h"
#include "gv_msg.h"
#include "package.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define FUZZ_MAX_TOTAL (8u << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    edge_package_limits_t lim = {
        .max_total = FUZZ_MAX_TOTAL, .max_source = 65536, .default_time_limit_ms = 2000};
    edge_err_t err;
    edge_package_t *p = edge_package_from_buffer(data, size, &lim, &err);
    if (!p) {
        if (err.status != 400 && err.status != 413 && err.status != 503) abort();
        return 0;
    }
    if (p->bytes_read > FUZZ_MAX_TOTAL || p->n_tests == 0) abort();
    gv_writer_t *w = gv_writer_new("problems.import", 1, "edge-1.w0", "problems", 0,
                                   edge_package_pack(NULL, p) + 2);
    if (w) {
        msgpack_packer *pk = gv_writer_pk(w);
        edge_package_pack(pk, p);
        gv_pk_kv_uint(pk, "caller_id", 1);
        gv_pk_kv_str(pk, "caller_role", "jury");
        gv_buf_t buf;
        if (gv_writer_finish(&w, &buf) == 0) {
            gv_msg_t *m = NULL;
            char why[256];
            if (gv_msg_decode(buf.data, buf.size, &m, NULL, NULL, 0, why, sizeof why) != 0) abort();
            gv_msg_destroy(&m);
            gv_buf_free(&buf);
        }
    }
    edge_package_destroy(&p);
    return 0;
}
