/*
 * The gdb stub's transport and run control (contract in gdbstub.h): the TCP
 * listener, the packet framer, and the stop/resume state machine the board
 * loop drives between rounds. The commands themselves are in gdb_cmds.c.
 */
#define _GNU_SOURCE /* accept4 */
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "machine/gdb_priv.h"

#define GDB_POLL_MS 100 /* while stopped: how often a stop signal is noticed */

enum { RX_IDLE, RX_BODY, RX_SUM1, RX_SUM2 };

void gdb_rx_init(struct gdb_rx *rx)
{
    memset(rx, 0, sizeof *rx);
    rx->state = RX_IDLE;
}

static int hex_digit(uint8_t c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* "$body#cc": the checksum is the sum of the body bytes mod 256 (E.1). A body
 * longer than GDB_PACKET_SIZE is counted but not stored, then refused. */
enum gdb_rx_event gdb_rx_byte(struct gdb_rx *rx, uint8_t c)
{
    int d;
    switch (rx->state) {
    case RX_BODY:
        if (c == '#') {
            rx->state = RX_SUM1;
        } else if (c == '$') { /* a new packet before the end: drop the old one */
            rx->len = 0;
            rx->sum = 0;
            rx->overflow = false;
        } else {
            if (rx->len < GDB_PACKET_SIZE)
                rx->buf[rx->len++] = (char)c;
            else
                rx->overflow = true;
            rx->sum = (uint8_t)(rx->sum + c);
        }
        return GDB_RX_NONE;
    case RX_SUM1:
    case RX_SUM2:
        d = hex_digit(c);
        if (d < 0) {
            rx->state = RX_IDLE;
            return GDB_RX_BAD;
        }
        rx->want = (uint8_t)(rx->want << 4 | d);
        if (rx->state == RX_SUM1) {
            rx->state = RX_SUM2;
            return GDB_RX_NONE;
        }
        rx->state = RX_IDLE;
        if (rx->overflow || rx->want != rx->sum)
            return GDB_RX_BAD;
        rx->buf[rx->len] = '\0';
        return GDB_RX_PACKET;
    default:
        if (c == '$') {
            rx->state = RX_BODY;
            rx->len = 0;
            rx->sum = 0;
            rx->want = 0;
            rx->overflow = false;
        }
        return c == 0x03 ? GDB_RX_INTERRUPT : GDB_RX_NONE; /* acks and noise are skipped */
    }
}

/* ---- the socket ---- */

static void send_raw(struct gdbstub *g, const char *buf, size_t len)
{
    while (g->fd >= 0 && len) {
        ssize_t n = send(g->fd, buf, len, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            close(g->fd); /* the reader notices and detaches */
            g->fd = -1;
            return;
        }
        buf += n;
        len -= (size_t)n;
    }
}

static void send_packet(struct gdbstub *g, const char *body)
{
    static char frame[GDB_REPLY_SIZE + 8];
    size_t len = strlen(body);
    uint8_t sum = 0;
    for (size_t i = 0; i < len; i++)
        sum = (uint8_t)(sum + (uint8_t)body[i]);
    int n = snprintf(frame, sizeof frame, "$%s#%02x", body, sum);
    send_raw(g, frame, (size_t)n);
}

/* "tcp:[HOST]:PORT", "[HOST]:PORT" or "PORT"; HOST empty = loopback. */
static bool parse_spec(const char *spec, char *host, size_t hostlen, char *port, size_t portlen)
{
    if (!strncmp(spec, "tcp:", 4))
        spec += 4;
    const char *colon = strrchr(spec, ':');
    const char *p = colon ? colon + 1 : spec;
    size_t hl = colon ? (size_t)(colon - spec) : 0;
    char *end;
    long n = strtol(p, &end, 10);
    if (!*p || *end || n < 1 || n > 65535 || hl >= hostlen)
        return false;
    snprintf(host, hostlen, "%.*s", (int)hl, spec);
    if (!host[0])
        snprintf(host, hostlen, "127.0.0.1");
    snprintf(port, portlen, "%ld", n);
    return true;
}

static int open_listener(const char *spec, char *err, size_t errlen)
{
    char host[256], port[16];
    if (!parse_spec(spec, host, sizeof host, port, sizeof port)) {
        machine_err(err, errlen, "-gdb: bad address '%s' (tcp::PORT or tcp:HOST:PORT)", spec);
        return -1;
    }
    struct addrinfo hints = { .ai_family = AF_INET, .ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE };
    struct addrinfo *ai;
    if (getaddrinfo(host, port, &hints, &ai) != 0) {
        machine_err(err, errlen, "-gdb: cannot resolve host '%s'", host);
        return -1;
    }
    int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, 0), one = 1;
    if (fd >= 0)
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (fd < 0 || bind(fd, ai->ai_addr, ai->ai_addrlen) < 0 || listen(fd, 1) < 0) {
        machine_err(err, errlen, "-gdb: cannot listen on %s:%s: %s", host, port, strerror(errno));
        if (fd >= 0)
            close(fd);
        fd = -1;
    }
    freeaddrinfo(ai);
    return fd;
}

struct gdbstub *gdbstub_create(struct machine *m, const char *spec, bool wait, char *err, size_t errlen)
{
    struct gdbstub *g = calloc(1, sizeof *g);
    if (!g) {
        machine_err(err, errlen, "out of memory creating the gdb stub");
        return NULL;
    }
    g->m = m;
    g->fd = -1;
    g->listen_fd = spec ? open_listener(spec, err, errlen) : -1;
    if (spec && g->listen_fd < 0) {
        free(g);
        return NULL;
    }
    g->wait_connect = spec && wait;
    g->stop_signal = GDB_SIGTRAP;
    gdb_rx_init(&g->rx);
    gdb_sync_hooks(g);
    return g;
}

void gdbstub_destroy(struct gdbstub *g)
{
    if (!g)
        return;
    if (g->fd >= 0)
        close(g->fd);
    if (g->listen_fd >= 0)
        close(g->listen_fd);
    free(g);
}

/* A new client: the machine stops (as QEMU does) and waits for its '?'. */
static void accept_client(struct gdbstub *g)
{
    int fd = accept4(g->listen_fd, NULL, NULL, SOCK_CLOEXEC);
    if (fd < 0)
        return;
    if (g->fd >= 0) { /* one debugger at a time */
        close(fd);
        return;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    g->fd = fd;
    gdb_rx_init(&g->rx);
    g->stopped = true;
    g->stop_hart = 0;
    g->stop_signal = GDB_SIGTRAP;
    g->stop_reason[0] = '\0';
}

/* Detach or a lost connection: breakpoints go, the guest runs on. */
static void drop_client(struct gdbstub *g)
{
    if (g->fd >= 0)
        close(g->fd);
    g->fd = -1;
    g->nbreaks = 0;
    g->nwatches = 0;
    gdb_sync_hooks(g);
    g->stopped = false;
}

/* Resuming: each hart steps over a breakpoint at its own pc once. */
static void resume(struct gdbstub *g)
{
    for (unsigned i = 0; i < g->m->cfg.nharts; i++) {
        g->skip_valid[i] = true;
        g->skip_pc[i] = g->m->harts[i].pc;
    }
    g->stopped = false;
}

static void stop_now(struct gdbstub *g, unsigned hart, unsigned signal)
{
    g->stopped = true;
    g->stop_hart = hart;
    g->stop_signal = signal;
    g->stop_reason[0] = '\0';
    gdb_stop_reply(g, g->reply);
    send_packet(g, g->reply);
}

/* One instruction on one hart, outside the run loop (no device time passes,
 * as QEMU's default single-step with timers and interrupts off). */
static void step(struct gdbstub *g)
{
    unsigned id = gdbstub_step_hart(g);
    struct hart *h = &g->m->harts[id];
    if (!h->halted)
        hart_step(h);
    if (!gdb_debug_stop(g, h)) { /* watchpoint hit, else a plain trap */
        g->stop_signal = GDB_SIGTRAP;
        g->stop_reason[0] = '\0';
    }
    g->stop_pending = false;
    g->stop_hart = id;
    for (unsigned i = 0; i < g->m->cfg.nharts; i++)
        g->m->harts[i].yield = false;
    gdb_stop_reply(g, g->reply);
    send_packet(g, g->reply);
}

/* Acts on one checked packet. Returns true for k. */
static bool on_packet(struct gdbstub *g)
{
    send_raw(g, "+", 1);
    switch (gdbstub_command(g, g->rx.buf, g->rx.len, g->reply)) {
    case GDB_ACT_RESUME:
        resume(g);
        return false;
    case GDB_ACT_STEP:
        step(g);
        return false;
    case GDB_ACT_KILL:
        return true;
    case GDB_ACT_DETACH:
        send_packet(g, g->reply);
        drop_client(g);
        return false;
    default:
        send_packet(g, g->reply);
        return false;
    }
}

/* Reads what the client sent and acts on it. Returns true for k. */
static bool serve(struct gdbstub *g)
{
    uint8_t buf[4096];
    ssize_t n = recv(g->fd, buf, sizeof buf, MSG_DONTWAIT);
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return false;
    if (n <= 0) {
        drop_client(g);
        return false;
    }
    for (ssize_t i = 0; i < n && g->fd >= 0; i++) {
        switch (gdb_rx_byte(&g->rx, buf[i])) {
        case GDB_RX_PACKET:
            if (on_packet(g))
                return true;
            break;
        case GDB_RX_BAD:
            send_raw(g, "-", 1);
            break;
        case GDB_RX_INTERRUPT:
            if (!g->stopped)
                stop_now(g, g->c_hart, GDB_SIGINT);
            break;
        default:
            break;
        }
    }
    return false;
}

/* Waits up to timeout_ms for the listener or the client; handles what came. */
static bool poll_socket(struct gdbstub *g, int timeout_ms)
{
    struct pollfd p[2] = { { g->listen_fd, POLLIN, 0 }, { g->fd, POLLIN, 0 } };
    if (poll(p, 2, timeout_ms) <= 0)
        return false;
    if (p[0].revents & POLLIN)
        accept_client(g);
    if (g->fd >= 0 && (p[1].revents & (POLLIN | POLLHUP | POLLERR)))
        return serve(g);
    return false;
}

bool gdbstub_round(struct gdbstub *g, int *status)
{
    if (g->listen_fd < 0)
        return false;
    if (g->wait_connect) { /* -S: nothing runs before gdb is here */
        while (g->fd < 0 && !g->m->stop_signal)
            poll_socket(g, GDB_POLL_MS);
        g->wait_connect = false;
    }
    if (g->stop_pending) {
        g->stop_pending = false;
        g->stopped = true;
        gdb_stop_reply(g, g->reply);
        send_packet(g, g->reply);
    } else if (++g->rounds % GDB_POLL_ROUNDS == 0 && poll_socket(g, 0)) {
        *status = 0;
        return true;
    }
    while (g->stopped && !g->m->stop_signal) {
        if (g->fd < 0) { /* the client went away while stopped */
            drop_client(g);
            break;
        }
        if (poll_socket(g, GDB_POLL_MS)) {
            *status = 0;
            return true;
        }
    }
    return false;
}
