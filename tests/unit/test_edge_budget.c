/*  edge limits without civetweb (edge/budget.h, edge/ws_frame.h): WebSocket frame headers
 *  decoded before their payload, the stream budget and per-address caps (one thread = one
 *  connection, as on a civetweb worker), finding a connection's socket and noticing a closed
 *  peer. */
#include "gv_test.h"
#include "budget.h"
#include "ws_frame.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* ---- frame headers -------------------------------------------------------------------- */

static void frame_headers_decode_every_length_form(void)
{
    edge_ws_hdr_t h;
    const uint8_t small[] = {0x81, 0x85, 1, 2, 3, 4};
    CHECK(edge_ws_hdr_len(small[1]) == 6);
    CHECK(edge_ws_hdr_parse(small, sizeof small, &h) == EDGE_WS_HDR_OK);
    CHECK(h.fin && h.masked && h.opcode == 1 && h.len == 5 && h.header_len == 6);
    CHECK(h.mask[0] == 1 && h.mask[3] == 4);
    const uint8_t mid[] = {0x82, 0xfe, 0x01, 0x00, 9, 9, 9, 9};
    CHECK(edge_ws_hdr_parse(mid, sizeof mid, &h) == EDGE_WS_HDR_OK);
    CHECK(h.len == 256 && h.header_len == 8 && h.opcode == 2);
    /* 100 MB declared: known from 14 bytes, nothing of the payload needed */
    const uint8_t big[] = {0x81, 0xff, 0, 0, 0, 0, 0x05, 0xf5, 0xe1, 0x00, 1, 2, 3, 4};
    CHECK(edge_ws_hdr_len(big[1]) == 14);
    CHECK(edge_ws_hdr_parse(big, sizeof big, &h) == EDGE_WS_HDR_OK);
    CHECK(h.len == 100000000u && h.header_len == 14);
    const uint8_t unmasked[] = {0x81, 0x03};
    CHECK(edge_ws_hdr_parse(unmasked, 2, &h) == EDGE_WS_HDR_OK && !h.masked && h.len == 3);
}

static void frame_headers_ask_for_more_and_refuse_bad_ones(void)
{
    edge_ws_hdr_t h;
    const uint8_t big[] = {0x81, 0xff, 0, 0, 0, 0, 0x05, 0xf5, 0xe1, 0x00, 1, 2, 3, 4};
    for (size_t n = 0; n < sizeof big; n++)
        CHECK(edge_ws_hdr_parse(big, n, &h) == EDGE_WS_HDR_MORE);
    CHECK(edge_ws_hdr_parse(NULL, 0, &h) == EDGE_WS_HDR_MORE);
    const uint8_t top_bit[] = {0x81, 0xff, 0x80, 0, 0, 0, 0, 0, 0, 1, 1, 2, 3, 4};
    CHECK(edge_ws_hdr_parse(top_bit, sizeof top_bit, &h) == EDGE_WS_HDR_BAD_LEN);
    const uint8_t long16[] = {0x81, 0xfe, 0x00, 0x05, 1, 2, 3, 4}; /* 5 fits in 7 bits */
    CHECK(edge_ws_hdr_parse(long16, sizeof long16, &h) == EDGE_WS_HDR_BAD_LEN);
    const uint8_t long64[] = {0x81, 0xff, 0, 0, 0, 0, 0, 0, 0x01, 0x00, 1, 2, 3, 4};
    CHECK(edge_ws_hdr_parse(long64, sizeof long64, &h) == EDGE_WS_HDR_BAD_LEN);
    const uint8_t rsv[] = {0xc1, 0x80, 1, 2, 3, 4};
    CHECK(edge_ws_hdr_parse(rsv, sizeof rsv, &h) == EDGE_WS_HDR_BAD_RSV);
    const uint8_t ping_big[] = {0x89, 0xfe, 0x00, 0x80, 1, 2, 3, 4};
    CHECK(edge_ws_hdr_parse(ping_big, sizeof ping_big, &h) == EDGE_WS_HDR_BAD_CONTROL);
    const uint8_t close_frag[] = {0x08, 0x80, 1, 2, 3, 4};
    CHECK(edge_ws_hdr_parse(close_frag, sizeof close_frag, &h) == EDGE_WS_HDR_BAD_CONTROL);
}

static void unmasking_continues_across_reads(void)
{
    const uint8_t mask[4] = {0x11, 0x22, 0x33, 0x44};
    uint8_t text[] = "hello, world";
    size_t n = sizeof text - 1;
    uint8_t once[sizeof text], split[sizeof text];
    memcpy(once, text, n);
    memcpy(split, text, n);
    edge_ws_unmask(once, n, mask, 0);
    edge_ws_unmask(split, 5, mask, 0);
    edge_ws_unmask(split + 5, n - 5, mask, 5);
    CHECK(memcmp(once, split, n) == 0);
    edge_ws_unmask(once, n, mask, 0);
    CHECK(memcmp(once, text, n) == 0);
}

/* ---- the budget: one thread per connection -------------------------------------------- */

typedef struct {
    edge_budget_t *b;
    const char *addr;
    bool stream;
    bool opened;
    edge_stream_rc_t rc;
    int done; /* set (atomically) once opened and rc are */
    pthread_barrier_t *taken, *release;
} conn_t;

static void *s_conn(void *arg)
{
    conn_t *c = arg;
    c->opened = edge_budget_conn_open(c->b, c->addr);
    c->rc = c->stream && c->opened ? edge_budget_stream_take(c->b, c->addr) : EDGE_STREAM_OK;
    __atomic_store_n(&c->done, 1, __ATOMIC_RELEASE);
    pthread_barrier_wait(c->taken);
    pthread_barrier_wait(c->release);
    if (c->opened) edge_budget_conn_close(c->b);
    return NULL;
}

/* Opens n connections at once (addrs[i], streams when stream), checks, closes them all. */
static void s_run(edge_budget_t *b, size_t n, const char *const *addrs, bool stream, conn_t *out,
                  void (*check)(edge_budget_t *, conn_t *, size_t))
{
    pthread_t t[256];
    pthread_barrier_t taken, release;
    pthread_barrier_init(&taken, NULL, (unsigned)n + 1);
    pthread_barrier_init(&release, NULL, (unsigned)n + 1);
    for (size_t i = 0; i < n; i++) {
        out[i] = (conn_t){b, addrs[i], stream, false, EDGE_STREAM_OK, 0, &taken, &release};
    }
    /* one at a time, so the order (and so who is refused) is known */
    for (size_t i = 0; i < n; i++) {
        CHECK(pthread_create(&t[i], NULL, s_conn, &out[i]) == 0);
        for (int w = 0; w < 5000 && !__atomic_load_n(&out[i].done, __ATOMIC_ACQUIRE); w++)
            usleep(1000);
    }
    pthread_barrier_wait(&taken);
    check(b, out, n);
    pthread_barrier_wait(&release);
    for (size_t i = 0; i < n; i++)
        pthread_join(t[i], NULL);
    pthread_barrier_destroy(&taken);
    pthread_barrier_destroy(&release);
}

static void s_check_streams(edge_budget_t *b, conn_t *c, size_t n)
{
    /* budget 4, 2 per address: a a a b b c -> ok ok ADDR ok ok FULL */
    CHECK(n == 6);
    CHECK(c[0].rc == EDGE_STREAM_OK && c[1].rc == EDGE_STREAM_OK);
    CHECK(c[2].rc == EDGE_STREAM_ADDR_FULL);
    CHECK(c[3].rc == EDGE_STREAM_OK && c[4].rc == EDGE_STREAM_OK);
    CHECK(c[5].rc == EDGE_STREAM_FULL);
    edge_budget_stats_t st;
    edge_budget_stats(b, &st);
    CHECK(st.streams == 4 && st.streams_refused >= 2 && st.connections == 6);
}

static void streams_have_a_budget_and_a_share_per_address(void)
{
    edge_budget_t *b = edge_budget_new(16, 4, 2, 0, NULL, 0);
    CHECK(b != NULL);
    const char *addrs[] = {"10.0.0.1", "10.0.0.1", "10.0.0.1", "10.0.0.2", "10.0.0.2", "10.0.0.3"};
    conn_t c[6];
    s_run(b, 6, addrs, true, c, s_check_streams);
    edge_budget_stats_t st;
    edge_budget_stats(b, &st);
    CHECK(st.streams == 0 && st.connections == 0); /* all given back on close */
    s_run(b, 6, addrs, true, c, s_check_streams);  /* and the same again */
    edge_budget_destroy(&b);
    CHECK(b == NULL);
}

static void s_check_conns(edge_budget_t *b, conn_t *c, size_t n)
{
    size_t refused = 0;
    for (size_t i = 0; i < n; i++)
        refused += !c[i].opened;
    /* cap 3: of 8 from 10.0.0.9, 5 refused; 4 others each alone, the last one trusted */
    CHECK(refused == 5);
    for (size_t i = 8; i < n; i++)
        CHECK(c[i].opened);
    edge_budget_stats_t st;
    edge_budget_stats(b, &st);
    CHECK(st.connections == 3 + (n - 8) && st.connections_refused == 5);
}

static void connections_are_capped_per_address(void)
{
    const char *const trusted[] = {"10.1.0.3"};
    edge_budget_t *b = edge_budget_new(32, 4, 2, 3, trusted, 1);
    const char *addrs[12];
    char others[4][16];
    for (int i = 0; i < 8; i++)
        addrs[i] = "10.0.0.9";
    for (int i = 0; i < 4; i++) {
        snprintf(others[i], sizeof others[i], "10.1.0.%d", i);
        addrs[8 + i] = others[i];
    }
    conn_t c[12];
    s_run(b, 12, addrs, false, c, s_check_conns);
    edge_budget_stats_t st;
    edge_budget_stats(b, &st);
    CHECK(st.connections == 0);
    edge_budget_destroy(&b);
}

static void s_check_many(edge_budget_t *b, conn_t *c, size_t n)
{
    for (size_t i = 0; i < n; i++)
        CHECK(c[i].opened && c[i].rc == EDGE_STREAM_OK);
    edge_budget_stats_t st;
    edge_budget_stats(b, &st);
    CHECK(st.connections == n && st.streams == n);
}

/* Many addresses in a small table: slots freed and reused (backward-shift deletion). */
static void the_address_table_frees_and_reuses_its_slots(void)
{
    edge_budget_t *b = edge_budget_new(200, 200, 200, 0, NULL, 0);
    static char names[200][20];
    const char *addrs[200];
    for (int round = 0; round < 3; round++) {
        for (int i = 0; i < 200; i++) {
            snprintf(names[i], sizeof names[i], "10.%d.%d.%d", round, i / 7, i);
            addrs[i] = names[i];
        }
        conn_t c[200];
        s_run(b, 200, addrs, true, c, s_check_many);
        edge_budget_stats_t st;
        edge_budget_stats(b, &st);
        CHECK(st.connections == 0 && st.streams == 0);
    }
    edge_budget_destroy(&b);
}

static void s_check_trusted(edge_budget_t *b, conn_t *c, size_t n)
{
    (void)b;
    for (size_t i = 0; i < n; i++)
        CHECK(c[i].opened && c[i].rc == EDGE_STREAM_OK);
}

static void trusted_addresses_have_no_per_address_caps(void)
{
    const char *const trusted[] = {"127.0.0.1", "::1"};
    edge_budget_t *b = edge_budget_new(16, 8, 1, 1, trusted, 2);
    const char *addrs[] = {"127.0.0.1", "127.0.0.1", "127.0.0.1", "::1", "::1"};
    conn_t c[5];
    s_run(b, 5, addrs, true, c, s_check_trusted);
    edge_budget_destroy(&b);
}

static void a_stream_without_an_open_connection_is_counted_at_once(void)
{
    edge_budget_t *b = edge_budget_new(4, 1, 1, 0, NULL, 0);
    CHECK(edge_budget_stream_take(b, "10.2.0.1") == EDGE_STREAM_OK);
    CHECK(edge_budget_stream_take(b, "10.2.0.1") == EDGE_STREAM_OK); /* already one */
    edge_budget_stream_give(b);
    edge_budget_stream_give(b); /* no-op */
    edge_budget_stats_t st;
    edge_budget_stats(b, &st);
    CHECK(st.streams == 0 && st.connections == 1);
    edge_budget_conn_close(b);
    edge_budget_conn_close(b); /* no-op */
    edge_budget_stats(b, &st);
    CHECK(st.connections == 0);
    edge_budget_destroy(&b);
}

/* ---- sockets -------------------------------------------------------------------------- */

static void the_socket_of_a_connection_is_found_and_a_closed_peer_noticed(void)
{
    int ls = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t al = sizeof a;
    CHECK(bind(ls, (struct sockaddr *)&a, sizeof a) == 0 && listen(ls, 4) == 0);
    CHECK(getsockname(ls, (struct sockaddr *)&a, &al) == 0);
    int cs = socket(AF_INET, SOCK_STREAM, 0);
    CHECK(connect(cs, (struct sockaddr *)&a, sizeof a) == 0);
    int ss = accept(ls, NULL, NULL);
    CHECK(ss >= 0);
    struct sockaddr_in ca;
    socklen_t cl = sizeof ca;
    CHECK(getsockname(cs, (struct sockaddr *)&ca, &cl) == 0);
    char ip[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &ca.sin_addr, ip, sizeof ip);
    int fd = edge_conn_fd(ip, ntohs(ca.sin_port), ntohs(a.sin_port));
    CHECK(fd == ss);
    CHECK(edge_conn_fd(ip, ntohs(ca.sin_port) ^ 1, ntohs(a.sin_port)) != ss);
    CHECK(!edge_peer_gone(ss, 20));
    CHECK(write(cs, "x", 1) == 1); /* data is not a close */
    CHECK(!edge_peer_gone(ss, 20));
    close(cs);
    CHECK(edge_peer_gone(ss, 1000));
    close(ss);
    close(ls);
}

int main(void)
{
    RUN(frame_headers_decode_every_length_form);
    RUN(frame_headers_ask_for_more_and_refuse_bad_ones);
    RUN(unmasking_continues_across_reads);
    RUN(streams_have_a_budget_and_a_share_per_address);
    RUN(connections_are_capped_per_address);
    RUN(the_address_table_frees_and_reuses_its_slots);
    RUN(trusted_addresses_have_no_per_address_caps);
    RUN(a_stream_without_an_open_connection_is_counted_at_once);
    RUN(the_socket_of_a_connection_is_found_and_a_closed_peer_noticed);
    return TEST_SUMMARY();
}
