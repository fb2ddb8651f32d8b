/*  ws_fanout — N WebSocket clients in one process, for the live feed's fan-out benchmark
 *  (tests/bench/bench_contest.py). One thread, epoll, non-blocking sockets.
 *
 *  usage: ws_fanout [-c INFLIGHT] [-C CONNECT_S] [-w ROUND_WAIT_MS] [-L LIFETIME_S]
 *                   HOST PORT PATH N SUBSCRIBE_TEXT
 *
 *  Each client connects to HOST:PORT, does the HTTP/1.1 Upgrade handshake on PATH itself
 *  (Sec-WebSocket-Key: base64 of 16 random bytes; the answer must be 101 with
 *  "Upgrade: websocket" — Sec-WebSocket-Accept is not checked), sends SUBSCRIBE_TEXT as one
 *  masked text frame, and counts as subscribed when a text frame containing "subscribed"
 *  arrives (the edge acknowledges a subscription with {"subscribed":"<topic>"}). At most
 *  INFLIGHT handshakes are pending at once (default 128), so the server's listen backlog
 *  never overflows. Server frames: 7/16/64-bit lengths, partial reads, masked or not;
 *  PING is answered with PONG, CLOSE with CLOSE; continuation frames are searched like text
 *  frames (the marker must lie within one frame). Frames over MAX_FRAME bytes end the client.
 *
 *  The driver talks over stdin/stdout, one line each:
 *    -> FAIL <count> <reason>       one per distinct reason a client could not subscribe
 *    -> READY <subscribed> <failed> every client has subscribed or failed (or CONNECT_S passed)
 *    <- ROUND <marker>              arm: from now on, the first frame containing <marker> on
 *                                   each client records its CLOCK_REALTIME receive time
 *    -> ARMED <expected>            clients armed (those open now)
 *    <- T0 <unix_ns> [<unix_ns>..]  up to MAX_T0 reference times; then wait until every client
 *                                   open at ROUND saw the marker (or ROUND_WAIT_MS passed) and
 *    -> ROUND <got> <expected> <lost>       lost: clients closed since ROUND
 *    -> LAT <i> <n> <p50> <p90> <p99> <max> <min>   milliseconds after the i-th reference
 *    <- TOTAL
 *    -> TOTAL <i> <n> <p50> <p90> <p99> <max> <min> over the rounds since the last TOTAL
 *                                   (which starts a new tally)
 *    -> CLOSED <count> <reason>     clients that closed after READY, by reason
 *    -> END
 *    <- QUIT (or end of input)      close frames to every client, wait at most 2 s, exit 0
 *
 *  RLIMIT_NOFILE is raised to what N needs (the hard limit too when allowed, i.e. as root).
 *  Everything is bounded: the connect phase by CONNECT_S, a round by ROUND_WAIT_MS, the whole
 *  run by LIFETIME_S (default 900; exit 3 when reached).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_FRAME (4u << 20) /* a larger server frame ends the client */
#define MAX_HEAD 8192        /* HTTP answer head */
#define MAX_REASONS 24       /* distinct failure reasons kept */
#define REASON_MAX 160
#define MAX_T0 4
#define STDIN_MAX 4096
#define MARKER_MAX 256
#define EVENTS 512
#define QUIT_WAIT_MS 2000

typedef enum { C_IDLE, C_CONNECTING, C_HANDSHAKE, C_WAIT_ACK, C_OPEN, C_DONE } cstate_t;

typedef struct {
    int fd;
    cstate_t state;
    bool subscribed; /* reached C_OPEN at some point */
    char *rbuf;
    size_t rlen, rcap;
    char *wbuf;
    size_t wlen, woff, wcap;
    bool want_out;
    int http_status;  /* non-101 answer: collecting the body for the reason */
    size_t body_need; /* bytes of body still expected after the head */
    bool armed, got;  /* this round */
    int64_t recv_ns;  /* when the marker arrived */
} client_t;

typedef struct {
    char text[REASON_MAX];
    unsigned count;
} reason_t;

typedef struct {
    reason_t r[MAX_REASONS];
    size_t n;
} reasons_t;

typedef struct {
    double *v;
    size_t n, cap;
} samples_t;

static int s_ep;
static client_t *s_c;
static unsigned s_n;
static struct sockaddr_in s_addr;
static const char *s_host, *s_path, *s_sub;
static unsigned s_port;
static reasons_t s_fail, s_closed;
static unsigned s_inflight, s_next, s_subscribed, s_failed;
static bool s_ready; /* READY printed: later closes are "closed", not "failed" */
static uint64_t s_rng;

/* ---- small helpers --------------------------------------------------------------------- */

static int64_t s_real_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int64_t s_mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static uint64_t s_rand(void)
{
    s_rng ^= s_rng << 13; /* xorshift64: masking keys and handshake keys need no crypto here */
    s_rng ^= s_rng >> 7;
    s_rng ^= s_rng << 17;
    return s_rng;
}

static void s_out(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stdout, fmt, ap);
    va_end(ap);
    fflush(stdout);
}

static void s_reason_add(reasons_t *rs, const char *text)
{
    for (size_t i = 0; i < rs->n; i++)
        if (strcmp(rs->r[i].text, text) == 0) {
            rs->r[i].count++;
            return;
        }
    size_t i = rs->n < MAX_REASONS ? rs->n++ : MAX_REASONS - 1;
    if (i == MAX_REASONS - 1 && rs->r[i].count) {
        snprintf(rs->r[i].text, REASON_MAX, "other reasons");
        rs->r[i].count++;
        return;
    }
    snprintf(rs->r[i].text, REASON_MAX, "%s", text);
    rs->r[i].count = 1;
}

static int s_grow(char **buf, size_t *cap, size_t need)
{
    if (need <= *cap) return 0;
    size_t ncap = *cap ? *cap : 1024;
    while (ncap < need)
        ncap *= 2;
    char *nb = realloc(*buf, ncap);
    if (!nb) return -1;
    *buf = nb;
    *cap = ncap;
    return 0;
}

static void s_base64(const unsigned char *in, size_t n, char *out)
{
    static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t o = 0;
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)in[i] << 16;
        if (i + 1 < n) v |= (uint32_t)in[i + 1] << 8;
        if (i + 2 < n) v |= in[i + 2];
        out[o++] = tab[(v >> 18) & 63];
        out[o++] = tab[(v >> 12) & 63];
        out[o++] = i + 1 < n ? tab[(v >> 6) & 63] : '=';
        out[o++] = i + 2 < n ? tab[v & 63] : '=';
    }
    out[o] = '\0';
}

/* ---- one client ------------------------------------------------------------------------ */

static void s_update_events(client_t *c)
{
    bool want = c->state == C_CONNECTING || c->wlen > c->woff;
    if (want == c->want_out) return;
    struct epoll_event ev = {.events = EPOLLIN | (want ? EPOLLOUT : 0),
                             .data.u32 = (uint32_t)(c - s_c)};
    if (epoll_ctl(s_ep, EPOLL_CTL_MOD, c->fd, &ev) == 0) c->want_out = want;
}

/* Ends the client; `why` says why unless the end is ours (NULL). */
static void s_end(client_t *c, const char *why)
{
    if (c->state == C_DONE) return;
    if (c->state == C_CONNECTING || c->state == C_HANDSHAKE) s_inflight--;
    if (why) {
        if (c->subscribed && s_ready)
            s_reason_add(&s_closed, why);
        else if (!c->subscribed) {
            s_reason_add(&s_fail, why);
            s_failed++;
        } else {
            s_reason_add(&s_fail, why); /* subscribed, then closed before READY */
            s_failed++;
            s_subscribed--;
        }
    }
    if (c->fd >= 0) {
        epoll_ctl(s_ep, EPOLL_CTL_DEL, c->fd, NULL);
        close(c->fd);
    }
    c->fd = -1;
    c->state = C_DONE;
    free(c->rbuf);
    free(c->wbuf);
    c->rbuf = c->wbuf = NULL;
    c->rlen = c->rcap = c->wlen = c->woff = c->wcap = 0;
}

static void s_end_errno(client_t *c, const char *what, int err)
{
    char why[REASON_MAX];
    snprintf(why, sizeof why, "%s: %s", what, strerror(err));
    s_end(c, why);
}

static void s_flush(client_t *c)
{
    while (c->woff < c->wlen) {
        ssize_t k = send(c->fd, c->wbuf + c->woff, c->wlen - c->woff, MSG_NOSIGNAL);
        if (k > 0) {
            c->woff += (size_t)k;
            continue;
        }
        if (k < 0 && errno == EINTR) continue;
        if (k < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
        s_end_errno(c, "send", k < 0 ? errno : EPIPE);
        return;
    }
    if (c->woff == c->wlen) c->woff = c->wlen = 0;
    s_update_events(c);
}

static int s_queue(client_t *c, const void *data, size_t len)
{
    if (s_grow(&c->wbuf, &c->wcap, c->wlen + len) != 0) return -1;
    memcpy(c->wbuf + c->wlen, data, len);
    c->wlen += len;
    return 0;
}

/* Queues one masked client frame (FIN set). */
static int s_queue_frame(client_t *c, int opcode, const void *payload, size_t len)
{
    unsigned char head[14];
    size_t h = 0;
    head[h++] = (unsigned char)(0x80 | opcode);
    if (len < 126) {
        head[h++] = (unsigned char)(0x80 | len);
    } else if (len < 65536) {
        head[h++] = 0x80 | 126;
        head[h++] = (unsigned char)(len >> 8);
        head[h++] = (unsigned char)len;
    } else {
        head[h++] = 0x80 | 127;
        for (int i = 7; i >= 0; i--)
            head[h++] = (unsigned char)((uint64_t)len >> (8 * i));
    }
    uint32_t key = (uint32_t)s_rand();
    unsigned char mask[4] = {(unsigned char)(key >> 24), (unsigned char)(key >> 16),
                             (unsigned char)(key >> 8), (unsigned char)key};
    memcpy(head + h, mask, 4);
    h += 4;
    if (s_queue(c, head, h) != 0 || s_grow(&c->wbuf, &c->wcap, c->wlen + len) != 0) return -1;
    const unsigned char *p = payload;
    for (size_t i = 0; i < len; i++)
        c->wbuf[c->wlen + i] = (char)(p[i] ^ mask[i & 3]);
    c->wlen += len;
    return 0;
}

static void s_start(client_t *c)
{
    c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (c->fd < 0) {
        c->state = C_CONNECTING; /* so s_end counts it as in flight */
        s_inflight++;
        s_end_errno(c, "socket", errno);
        return;
    }
    int one = 1;
    setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    c->state = C_CONNECTING;
    s_inflight++;
    struct epoll_event ev = {.events = EPOLLIN | EPOLLOUT, .data.u32 = (uint32_t)(c - s_c)};
    c->want_out = true;
    if (epoll_ctl(s_ep, EPOLL_CTL_ADD, c->fd, &ev) != 0) {
        s_end_errno(c, "epoll_ctl", errno);
        return;
    }
    if (connect(c->fd, (struct sockaddr *)&s_addr, sizeof s_addr) != 0 && errno != EINPROGRESS)
        s_end_errno(c, "connect", errno);
}

static void s_connected(client_t *c)
{
    int err = 0;
    socklen_t len = sizeof err;
    if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
    if (err) {
        s_end_errno(c, "connect", err);
        return;
    }
    unsigned char key[16];
    for (int i = 0; i < 16; i += 8) {
        uint64_t r = s_rand();
        memcpy(key + i, &r, 8);
    }
    char key64[32];
    s_base64(key, sizeof key, key64);
    char req[1024];
    int n = snprintf(req, sizeof req,
                     "GET %s HTTP/1.1\r\nHost: %s:%u\r\nUpgrade: websocket\r\n"
                     "Connection: Upgrade\r\nSec-WebSocket-Key: %s\r\n"
                     "Sec-WebSocket-Version: 13\r\n\r\n",
                     s_path, s_host, s_port, key64);
    c->state = C_HANDSHAKE;
    if (n <= 0 || (size_t)n >= sizeof req || s_queue(c, req, (size_t)n) != 0) {
        s_end(c, "out of memory");
        return;
    }
    s_flush(c);
}

/* A frame's payload (unmasked). */
static void s_on_frame(client_t *c, int opcode, char *p, size_t len, int64_t now_ns,
                       const char *marker)
{
    switch (opcode) {
    case 0x0: /* continuation */
    case 0x1: /* text */
    case 0x2: /* binary */
        if (c->state == C_WAIT_ACK) {
            if (memmem(p, len, "\"subscribed\"", 12)) {
                c->state = C_OPEN;
                c->subscribed = true;
                s_subscribed++;
            } else if (memmem(p, len, "\"error\"", 7)) {
                char why[REASON_MAX];
                snprintf(why, sizeof why, "subscribe refused: %.*s", (int)(len < 120 ? len : 120),
                         p);
                s_end(c, why);
                return;
            }
        }
        if (c->armed && !c->got && marker[0] && memmem(p, len, marker, strlen(marker))) {
            c->got = true;
            c->recv_ns = now_ns;
        }
        break;
    case 0x8: { /* close */
        unsigned code = len >= 2 ? ((unsigned char)p[0] << 8 | (unsigned char)p[1]) : 1005;
        char why[REASON_MAX];
        snprintf(why, sizeof why, "closed by server: code %u%s%.*s", code, len > 2 ? " " : "",
                 (int)(len > 2 ? (len - 2 < 100 ? len - 2 : 100) : 0), p + 2);
        s_queue_frame(c, 0x8, p, len >= 2 ? 2 : 0);
        s_flush(c);
        s_end(c, why);
        return;
    }
    case 0x9: /* ping */
        if (s_queue_frame(c, 0xA, p, len) == 0) s_flush(c);
        break;
    default: /* pong, reserved */
        break;
    }
}

/* Parses as many whole frames as rbuf holds. */
static void s_frames(client_t *c, int64_t now_ns, const char *marker)
{
    size_t off = 0;
    while (c->state != C_DONE) {
        unsigned char *b = (unsigned char *)c->rbuf + off;
        size_t have = c->rlen - off;
        if (have < 2) break;
        int opcode = b[0] & 0x0f;
        bool masked = b[1] & 0x80;
        uint64_t len = b[1] & 0x7f;
        size_t h = 2;
        if (len == 126) {
            if (have < 4) break;
            len = (uint64_t)b[2] << 8 | b[3];
            h = 4;
        } else if (len == 127) {
            if (have < 10) break;
            len = 0;
            for (int i = 0; i < 8; i++)
                len = len << 8 | b[2 + i];
            h = 10;
        }
        if (len > MAX_FRAME) {
            s_end(c, "server frame too large");
            return;
        }
        size_t mh = masked ? 4 : 0;
        if (have < h + mh + len) {
            if (s_grow(&c->rbuf, &c->rcap, off + h + mh + len) != 0) s_end(c, "out of memory");
            break;
        }
        char *p = (char *)b + h + mh;
        if (masked)
            for (uint64_t i = 0; i < len; i++)
                p[i] ^= (char)b[h + (i & 3)];
        off += h + mh + len;
        s_on_frame(c, opcode, p, (size_t)len, now_ns, marker);
    }
    if (c->state == C_DONE) return;
    if (off) {
        memmove(c->rbuf, c->rbuf + off, c->rlen - off);
        c->rlen -= off;
    }
}

/* The HTTP answer to the Upgrade (or, when refused, its body). */
static void s_handshake(client_t *c, int64_t now_ns, const char *marker)
{
    if (c->http_status) { /* refused: wait for the body, then fail with it */
        if (c->rlen < c->body_need) return;
        char why[REASON_MAX];
        const char *msg = memmem(c->rbuf, c->rlen, "\"message\":\"", 11);
        if (msg) {
            msg += 11;
            const char *end = memchr(msg, '"', (size_t)(c->rbuf + c->rlen - msg));
            int ml = end ? (int)(end - msg) : 0;
            snprintf(why, sizeof why, "HTTP %d: %.*s", c->http_status, ml > 120 ? 120 : ml, msg);
        } else {
            snprintf(why, sizeof why, "HTTP %d", c->http_status);
        }
        s_end(c, why);
        return;
    }
    char *end = memmem(c->rbuf, c->rlen, "\r\n\r\n", 4);
    if (!end) {
        if (c->rlen >= MAX_HEAD) s_end(c, "HTTP answer head too long");
        return;
    }
    size_t head = (size_t)(end - c->rbuf) + 4;
    int status = 0;
    if (sscanf(c->rbuf, "HTTP/1.%*d %d", &status) != 1) {
        s_end(c, "not an HTTP answer");
        return;
    }
    if (status != 101) {
        c->http_status = status;
        size_t cl = 0;
        const char *h = c->rbuf;
        while ((h = memmem(h, head - (size_t)(h - c->rbuf), "\r\n", 2)) != NULL) {
            h += 2;
            if (strncasecmp(h, "Content-Length:", 15) == 0) {
                cl = strtoul(h + 15, NULL, 10);
                break;
            }
        }
        memmove(c->rbuf, c->rbuf + head, c->rlen - head);
        c->rlen -= head;
        c->body_need = cl < MAX_HEAD ? cl : MAX_HEAD;
        s_handshake(c, now_ns, marker);
        return;
    }
    bool upgrade = false;
    for (const char *h = c->rbuf;
         (h = memmem(h, head - (size_t)(h - c->rbuf), "\r\n", 2)) != NULL;) {
        h += 2;
        if (strncasecmp(h, "Upgrade:", 8) == 0) {
            const char *v = h + 8;
            while (*v == ' ')
                v++;
            upgrade = strncasecmp(v, "websocket", 9) == 0;
        }
    }
    if (!upgrade) {
        s_end(c, "101 without Upgrade: websocket");
        return;
    }
    memmove(c->rbuf, c->rbuf + head, c->rlen - head);
    c->rlen -= head;
    c->state = C_WAIT_ACK;
    s_inflight--;
    if (s_queue_frame(c, 0x1, s_sub, strlen(s_sub)) != 0) {
        s_end(c, "out of memory");
        return;
    }
    s_flush(c);
    if (c->state != C_DONE && c->rlen) s_frames(c, now_ns, marker);
}

static void s_readable(client_t *c, const char *marker)
{
    for (int i = 0; i < 64 && c->state != C_DONE; i++) { /* bounded: fairness across clients */
        if (s_grow(&c->rbuf, &c->rcap, c->rlen + 4096) != 0) {
            s_end(c, "out of memory");
            return;
        }
        ssize_t k = recv(c->fd, c->rbuf + c->rlen, c->rcap - c->rlen, 0);
        if (k < 0 && errno == EINTR) continue;
        if (k < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
        if (k < 0) {
            s_end_errno(c, "recv", errno);
            return;
        }
        if (k == 0) {
            if (c->http_status) { /* refused and closed: the body is what we have */
                c->body_need = c->rlen;
                s_handshake(c, 0, marker);
                if (c->state == C_DONE) return;
            }
            s_end(c, c->state == C_HANDSHAKE ? "connection closed during the handshake"
                                             : "connection closed without a close frame");
            return;
        }
        int64_t now = s_real_ns();
        c->rlen += (size_t)k;
        if (c->state == C_HANDSHAKE)
            s_handshake(c, now, marker);
        else
            s_frames(c, now, marker);
    }
}

/* ---- the driver's side ----------------------------------------------------------------- */

static int s_cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double s_pct(const double *v, size_t n, double p)
{
    size_t k = (size_t)(p / 100.0 * (double)n + 0.999999); /* nearest rank */
    if (k < 1) k = 1;
    if (k > n) k = n;
    return v[k - 1];
}

static void s_print_dist(const char *tag, int i, samples_t *s)
{
    if (!s->n) {
        s_out("%s %d 0 nan nan nan nan nan\n", tag, i);
        return;
    }
    qsort(s->v, s->n, sizeof *s->v, s_cmp);
    s_out("%s %d %zu %.3f %.3f %.3f %.3f %.3f\n", tag, i, s->n, s_pct(s->v, s->n, 50),
          s_pct(s->v, s->n, 90), s_pct(s->v, s->n, 99), s->v[s->n - 1], s->v[0]);
}

static int s_sample(samples_t *s, double v)
{
    if (s->n == s->cap) {
        size_t nc = s->cap ? s->cap * 2 : 1024;
        double *nv = realloc(s->v, nc * sizeof *nv);
        if (!nv) return -1;
        s->v = nv;
        s->cap = nc;
    }
    s->v[s->n++] = v;
    return 0;
}

static void s_raise_nofile(unsigned need)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0) return;
    if (rl.rlim_cur >= need) return;
    if (rl.rlim_max < need) {
        struct rlimit want = {need, need};
        if (setrlimit(RLIMIT_NOFILE, &want) == 0) return;
        fprintf(stderr, "ws_fanout: cannot raise RLIMIT_NOFILE to %u (hard limit %llu)\n", need,
                (unsigned long long)rl.rlim_max);
    }
    rl.rlim_cur = rl.rlim_max < need ? rl.rlim_max : need;
    setrlimit(RLIMIT_NOFILE, &rl);
}

static void s_usage(void)
{
    fprintf(stderr, "usage: ws_fanout [-c INFLIGHT] [-C CONNECT_S] [-w ROUND_WAIT_MS] "
                    "[-L LIFETIME_S] HOST PORT PATH N SUBSCRIBE_TEXT\n");
    exit(2);
}

int main(int argc, char **argv)
{
    unsigned inflight_max = 128, connect_s = 60, round_wait_ms = 10000, lifetime_s = 900;
    int opt;
    while ((opt = getopt(argc, argv, "c:C:w:L:")) != -1) {
        switch (opt) {
        case 'c':
            inflight_max = (unsigned)atoi(optarg);
            break;
        case 'C':
            connect_s = (unsigned)atoi(optarg);
            break;
        case 'w':
            round_wait_ms = (unsigned)atoi(optarg);
            break;
        case 'L':
            lifetime_s = (unsigned)atoi(optarg);
            break;
        default:
            s_usage();
        }
    }
    if (argc - optind != 5) s_usage();
    s_host = argv[optind];
    s_port = (unsigned)atoi(argv[optind + 1]);
    s_path = argv[optind + 2];
    s_n = (unsigned)atoi(argv[optind + 3]);
    s_sub = argv[optind + 4];
    if (!s_n || s_n > 1000000 || !s_port || s_port > 65535 || !inflight_max) s_usage();
    memset(&s_addr, 0, sizeof s_addr);
    s_addr.sin_family = AF_INET;
    s_addr.sin_port = htons((uint16_t)s_port);
    if (inet_pton(AF_INET, s_host, &s_addr.sin_addr) != 1) {
        fprintf(stderr, "ws_fanout: HOST must be an IPv4 address, not %s\n", s_host);
        return 2;
    }
    if (getrandom(&s_rng, sizeof s_rng, 0) != sizeof s_rng || !s_rng) s_rng = 0x9e3779b97f4a7c15ull;
    s_raise_nofile(s_n + 64);

    s_ep = epoll_create1(EPOLL_CLOEXEC);
    s_c = calloc(s_n, sizeof *s_c);
    if (s_ep < 0 || !s_c) {
        fprintf(stderr, "ws_fanout: out of resources\n");
        return 1;
    }
    for (unsigned i = 0; i < s_n; i++)
        s_c[i].fd = -1;
    int fl = fcntl(0, F_GETFL);
    fcntl(0, F_SETFL, fl | O_NONBLOCK);
    struct epoll_event sev = {.events = EPOLLIN, .data.u32 = UINT32_MAX};
    bool stdin_polled = epoll_ctl(s_ep, EPOLL_CTL_ADD, 0, &sev) == 0;

    char line[STDIN_MAX];
    size_t line_len = 0;
    char marker[MARKER_MAX] = "";
    int64_t t0[MAX_T0];
    int n_t0 = 0;
    bool waiting = false, quitting = false, eof = false;
    unsigned expected = 0, lost_base = 0;
    int64_t round_deadline = 0, quit_deadline = 0;
    int64_t start = s_mono_ms(), connect_deadline = start + (int64_t)connect_s * 1000;
    int64_t life_deadline = start + (int64_t)lifetime_s * 1000;
    samples_t total[MAX_T0], round[MAX_T0];
    memset(total, 0, sizeof total);
    memset(round, 0, sizeof round);
    struct epoll_event evs[EVENTS];

    for (;;) {
        int64_t now = s_mono_ms();
        if (now >= life_deadline) {
            s_out("ERROR lifetime of %u s reached\n", lifetime_s);
            return 3;
        }
        /* connect phase: keep INFLIGHT handshakes going */
        while (!s_ready && s_next < s_n && s_inflight < inflight_max)
            s_start(&s_c[s_next++]);
        if (!s_ready && (s_subscribed + s_failed == s_n || now >= connect_deadline)) {
            for (unsigned i = 0; i < s_n; i++) {
                client_t *c = &s_c[i];
                if (c->state == C_DONE || c->state == C_OPEN) continue;
                if (c->state == C_IDLE) {
                    s_reason_add(&s_fail, "not tried: connect phase timed out");
                    s_failed++;
                    c->state = C_DONE;
                    continue;
                }
                const char *st = c->state == C_CONNECTING  ? "connecting"
                                 : c->state == C_HANDSHAKE ? "waiting for the HTTP 101"
                                                           : "waiting for the subscribe ack";
                char why[REASON_MAX];
                snprintf(why, sizeof why, "timed out after %u s %s", connect_s, st);
                s_end(c, why);
            }
            for (size_t i = 0; i < s_fail.n; i++)
                s_out("FAIL %u %s\n", s_fail.r[i].count, s_fail.r[i].text);
            s_ready = true;
            s_out("READY %u %u\n", s_subscribed, s_failed);
        }
        /* a round ends when every client open at ROUND saw the marker, or at its deadline */
        if (waiting) {
            unsigned got = 0, open_c = 0;
            for (unsigned i = 0; i < s_n; i++) {
                got += s_c[i].armed && s_c[i].got;
                open_c += s_c[i].state == C_OPEN;
            }
            unsigned lost = lost_base > open_c ? lost_base - open_c : 0;
            if (got + lost >= expected || now >= round_deadline) {
                s_out("ROUND %u %u %u\n", got, expected, lost);
                for (int k = 0; k < n_t0; k++) {
                    round[k].n = 0;
                    for (unsigned i = 0; i < s_n; i++) {
                        client_t *c = &s_c[i];
                        if (!c->armed || !c->got) continue;
                        double ms = (double)(c->recv_ns - t0[k]) / 1e6;
                        if (s_sample(&round[k], ms) != 0 || s_sample(&total[k], ms) != 0) {
                            s_out("ERROR out of memory\n");
                            return 1;
                        }
                    }
                    s_print_dist("LAT", k, &round[k]);
                }
                for (unsigned i = 0; i < s_n; i++)
                    s_c[i].armed = false;
                waiting = false;
            }
        }
        if (quitting) {
            bool all = true;
            for (unsigned i = 0; i < s_n && all; i++)
                all = s_c[i].state == C_DONE;
            if (all || now >= quit_deadline) break;
        }
        /* commands, one line at a time (only once READY, and not during a round) */
        while (s_ready && !waiting && !quitting) {
            char *nl = memchr(line, '\n', line_len);
            if (!nl) {
                if (eof) { /* end of input: quit */
                    line_len = 0;
                    memcpy(line, "QUIT\n", 5);
                    line_len = 5;
                    nl = line + 4;
                    eof = false;
                } else {
                    break;
                }
            }
            *nl = '\0';
            if (strncmp(line, "ROUND ", 6) == 0) {
                snprintf(marker, sizeof marker, "%.*s", MARKER_MAX - 1, line + 6);
                expected = 0;
                for (unsigned i = 0; i < s_n; i++) {
                    client_t *c = &s_c[i];
                    c->got = false;
                    c->armed = c->state == C_OPEN;
                    expected += c->armed;
                }
                lost_base = expected;
                n_t0 = 0;
                s_out("ARMED %u\n", expected);
            } else if (strncmp(line, "T0 ", 3) == 0) {
                char *p = line + 3, *e;
                n_t0 = 0;
                while (n_t0 < MAX_T0) {
                    long long v = strtoll(p, &e, 10);
                    if (e == p) break;
                    t0[n_t0++] = v;
                    p = e;
                }
                waiting = true;
                round_deadline = now + round_wait_ms;
            } else if (strcmp(line, "TOTAL") == 0) {
                for (int k = 0; k < MAX_T0; k++) {
                    if (total[k].n) s_print_dist("TOTAL", k, &total[k]);
                    total[k].n = 0;
                }
                for (size_t i = 0; i < s_closed.n; i++)
                    s_out("CLOSED %u %s\n", s_closed.r[i].count, s_closed.r[i].text);
                s_out("END\n");
            } else if (strcmp(line, "QUIT") == 0) {
                quitting = true;
                quit_deadline = now + QUIT_WAIT_MS;
                for (unsigned i = 0; i < s_n; i++) {
                    client_t *c = &s_c[i];
                    if (c->state == C_DONE) continue;
                    if (c->state != C_OPEN && c->state != C_WAIT_ACK) {
                        s_end(c, NULL);
                        continue;
                    }
                    static const unsigned char going[2] = {1000 >> 8, 1000 & 0xff};
                    if (s_queue_frame(c, 0x8, going, 2) != 0)
                        s_end(c, NULL);
                    else
                        s_flush(c);
                }
            } else if (line[0]) {
                s_out("ERROR unknown command: %.100s\n", line);
            }
            size_t used = (size_t)(nl - line) + 1;
            memmove(line, line + used, line_len - used);
            line_len -= used;
        }

        int timeout = 50;
        int n = epoll_wait(s_ep, evs, EVENTS, timeout);
        if (n < 0 && errno != EINTR) {
            perror("ws_fanout: epoll_wait");
            return 1;
        }
        for (int i = 0; i < n; i++) {
            uint32_t id = evs[i].data.u32;
            if (id == UINT32_MAX) { /* stdin */
                for (;;) {
                    if (line_len == sizeof line) {
                        s_out("ERROR command line too long\n");
                        line_len = 0;
                    }
                    ssize_t k = read(0, line + line_len, sizeof line - line_len);
                    if (k > 0) {
                        line_len += (size_t)k;
                        continue;
                    }
                    if (k == 0) {
                        eof = true;
                        if (stdin_polled) epoll_ctl(s_ep, EPOLL_CTL_DEL, 0, NULL);
                        stdin_polled = false;
                    }
                    break;
                }
                continue;
            }
            client_t *c = &s_c[id];
            if (c->state == C_DONE) continue;
            if (c->state == C_CONNECTING && (evs[i].events & (EPOLLOUT | EPOLLERR | EPOLLHUP)))
                s_connected(c);
            else if (evs[i].events & EPOLLOUT)
                s_flush(c);
            if (c->state != C_DONE && c->state != C_CONNECTING &&
                (evs[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)))
                s_readable(c, marker);
        }
    }
    for (unsigned i = 0; i < s_n; i++)
        s_end(&s_c[i], NULL);
    for (int k = 0; k < MAX_T0; k++) {
        free(total[k].v);
        free(round[k].v);
    }
    free(s_c);
    close(s_ep);
    return 0;
}
