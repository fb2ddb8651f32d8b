/*  edge_ws_frame — the header of one WebSocket frame (RFC 6455 5.2), decoded from untrusted
 *  bytes before any of its payload is read, so the live feed can refuse a frame by its declared
 *  length (1009) instead of buffering it (civetweb 1.15 reads a whole frame, up to 2 GiB,
 *  before its data handler sees it). Fuzzed by tests/fuzz/fuzz_ws_frame.c.
 */
#ifndef EDGE_WS_FRAME_H
#define EDGE_WS_FRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define EDGE_WS_HEADER_MAX 14 /* 2 + 8 (64-bit length) + 4 (mask) */

typedef struct {
    uint8_t bits;   /* the first byte: FIN (0x80), RSV1-3 (0x70), opcode (0x0f) */
    uint8_t opcode; /* bits & 0x0f */
    bool fin, masked;
    uint8_t mask[4]; /* zero when not masked */
    uint64_t len;    /* payload length as declared */
    size_t header_len;
} edge_ws_hdr_t;

typedef enum {
    EDGE_WS_HDR_OK = 0,
    EDGE_WS_HDR_MORE,      /* need edge_ws_hdr_len(p[1]) bytes in all */
    EDGE_WS_HDR_BAD_LEN,   /* 64-bit length with its top bit set, or a length not in its
                              shortest form */
    EDGE_WS_HDR_BAD_RSV,   /* a reserved bit set (no extension is negotiated) */
    EDGE_WS_HDR_BAD_CONTROL, /* a control frame (opcode >= 8) fragmented or over 125 bytes */
} edge_ws_hdr_rc_t;

/* The header's total length given its second byte (2..14). */
size_t edge_ws_hdr_len(uint8_t second);
/* Decodes the header at p[0..n). EDGE_WS_HDR_OK fills h; MORE when n is short. */
edge_ws_hdr_rc_t edge_ws_hdr_parse(const uint8_t *p, size_t n, edge_ws_hdr_t *h);
/* XORs data with the mask, as from payload offset `at`. */
void edge_ws_unmask(uint8_t *data, size_t n, const uint8_t mask[4], uint64_t at);

#endif
