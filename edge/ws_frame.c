/*  edge_ws_frame — WebSocket frame headers (see ws_frame.h). */
#include "ws_frame.h"

#include <string.h>

size_t edge_ws_hdr_len(uint8_t second)
{
    size_t len = second & 0x7f;
    size_t ext = len == 126 ? 2 : len == 127 ? 8 : 0;
    return 2 + ext + ((second & 0x80) ? 4 : 0);
}

edge_ws_hdr_rc_t edge_ws_hdr_parse(const uint8_t *p, size_t n, edge_ws_hdr_t *h)
{
    memset(h, 0, sizeof *h);
    if (!p || n < 2) return EDGE_WS_HDR_MORE;
    size_t need = edge_ws_hdr_len(p[1]);
    if (n < need) return EDGE_WS_HDR_MORE;
    h->bits = p[0];
    h->opcode = p[0] & 0x0f;
    h->fin = (p[0] & 0x80) != 0;
    h->masked = (p[1] & 0x80) != 0;
    h->header_len = need;
    uint64_t len = p[1] & 0x7f;
    size_t at = 2;
    if (len == 126) {
        len = ((uint64_t)p[2] << 8) | p[3];
        at = 4;
        if (len < 126) return EDGE_WS_HDR_BAD_LEN;
    } else if (len == 127) {
        len = 0;
        for (int i = 0; i < 8; i++)
            len = (len << 8) | p[2 + i];
        at = 10;
        if (len >> 63) return EDGE_WS_HDR_BAD_LEN;
        if (len <= 0xffff) return EDGE_WS_HDR_BAD_LEN;
    }
    h->len = len;
    if (h->masked) memcpy(h->mask, p + at, 4);
    if (p[0] & 0x70) return EDGE_WS_HDR_BAD_RSV;
    if (h->opcode >= 8 && (!h->fin || len > 125)) return EDGE_WS_HDR_BAD_CONTROL;
    return EDGE_WS_HDR_OK;
}

void edge_ws_unmask(uint8_t *data, size_t n, const uint8_t mask[4], uint64_t at)
{
    for (size_t i = 0; i < n; i++)
        data[i] ^= mask[(at + i) & 3];
}
