/*  libFuzzer target: gv_msg_decode must never crash, leak or over-allocate on any bytes, and
 *  whatever it accepts must re-encode to bytes it accepts again. */
#include "gv_msg.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    gv_msg_t *m = NULL;
    uint64_t corr;
    char from[GV_ADDR_MAX + 1], err[512];
    if (gv_msg_decode(data, size, &m, &corr, from, sizeof from, err, sizeof err) != 0)
        return 0;
    /* exercise the accessors on whatever arrived */
    (void)gv_msg_str(m, "username");
    size_t n;
    (void)gv_msg_bytes(m, "source", &n);
    (void)gv_msg_uint(m, "sub_id", 0);
    gv_buf_t rb;
    if (gv_reply_error(m, "fuzz", 400, "bad", err, &rb) == 0) {
        gv_msg_t *r = NULL;
        if (gv_msg_decode(rb.data, rb.size, &r, NULL, NULL, 0, err, sizeof err) != 0)
            abort();
        gv_msg_destroy(&r);
        gv_buf_free(&rb);
    }
    gv_msg_destroy(&m);
    return 0;
}
