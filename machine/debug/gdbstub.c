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

#include "machine/debug/gdb_priv.h"

#define GDB_POLL_MS 100 /* while stopped: how often a stop signal is noticed */

enum { RX_IDLE, RX_BODY, RX_SUM1, RX_SUM2 };

void gdb_rx_init(struct gdb_rx *rx)
{
    memset(rx, 0, sizeof *rx);
    rx->state = RX_IDLE;
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
        d = gdb_hex_digit(c);
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
    size_t len = strlen(body);
    uint8_t sum = 0;
    for (size_t i = 0; i < len; i++)
        sum = (uint8_t)(sum + (uint8_t)body[i]);
    int n = snprintf(g->frame, sizeof g->frame, "$%s#%02x", body, sum);
    send_raw(g, g->frame, (size_t)n);
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
    for (unsigned i = 0; g->wait_connect && i < m->cfg.nharts; i++)
        m->harts[i].debug_hold = true; /* hart threads start before the first round */
    g->last = (struct gdb_event){ .valid = true, .signal = GDB_SIGTRAP };
    for (unsigned i = 0; i < RIVET_MAX_HARTS; i++)
        g->run[i] = GDB_RUN_CONT;
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

/* ---- run control ---- */

/* All-stop: every hart is held and its slice ends (gdbstub.h). Between
 * rounds, where the stub runs, no hart is running, so nothing is left to
 * wait for. */
static void stop_all(struct gdbstub *g)
{
    g->stopped = true;
    for (unsigned i = 0; i < g->m->cfg.nharts; i++) {
        g->m->harts[i].debug_hold = true;
        hart_yield(&g->m->harts[i]);
    }
}

static void forget_events(struct gdbstub *g)
{
    __atomic_store_n(&g->stop_pending, false, __ATOMIC_SEQ_CST);
    for (unsigned i = 0; i < g->m->cfg.nharts; i++) {
        g->events[i].valid = false;
        g->at_reported[i] = false;
    }
}

/* Stops the machine and tells gdb of `ev` on hart `id`, which becomes the
 * current hart. */
static void report(struct gdbstub *g, unsigned id, const struct gdb_event *ev)
{
    stop_all(g);
    g->last = *ev;
    g->last_hart = id;
    g->at_reported[id] = ev->is_break;
    g->reported_pc[id] = ev->pc;
    g->g_hart = g->c_hart = id;
    gdb_stop_reply(g, g->reply);
    send_packet(g, g->reply);
}

/* A pending event still stands: a breakpoint only while its hart is at it. */
static bool event_stands(const struct gdbstub *g, unsigned id)
{
    const struct gdb_event *ev = &g->events[id];
    return ev->valid && (!ev->is_break || (g->m->harts[id].pc == ev->pc && hart_breaks_has(&g->breaks, ev->pc)));
}

/* Reports one pending event of a hart the current resume runs, a finished
 * step first; the others stay pending. false when there is none. */
static bool report_pending(struct gdbstub *g)
{
    unsigned pick = RIVET_MAX_HARTS;
    for (unsigned i = 0; i < g->m->cfg.nharts; i++) {
        if (g->run[i] == GDB_RUN_HOLD || !event_stands(g, i)) {
            if (g->run[i] != GDB_RUN_HOLD)
                g->events[i].valid = false; /* stale */
            continue;
        }
        if (pick == RIVET_MAX_HARTS || (g->run[i] == GDB_RUN_STEP && g->run[pick] != GDB_RUN_STEP))
            pick = i;
    }
    if (pick == RIVET_MAX_HARTS)
        return false;
    struct gdb_event ev = g->events[pick];
    g->events[pick].valid = false;
    report(g, pick, &ev);
    return true;
}

/* One instruction of hart id outside the run loop (no device time passes,
 * interrupts off: QEMU's default single-step), and its event: the
 * watchpoint it hit, else the finished step. */
static void step_one(struct gdbstub *g, unsigned id)
{
    struct hart *h = &g->m->harts[id];
    if (!h->halted)
        hart_step_insn(h);
    if (h->mmu.watch_hit) {
        gdb_debug_stop(g, h); /* records the watch event */
        h->mmu.watch_hit = false;
    }
    struct gdb_event *ev = &g->events[id];
    if (!ev->valid)
        *ev = (struct gdb_event){ .valid = true, .signal = GDB_SIGTRAP, .pc = h->pc };
    __atomic_store_n(&g->stop_pending, true, __ATOMIC_SEQ_CST);
}

/* A hart resumed where it reported a breakpoint runs that instruction
 * first (a watchpoint it hits there is an event). */
static void step_over(struct gdbstub *g, unsigned id)
{
    struct hart *h = &g->m->harts[id];
    if (h->pc != g->reported_pc[id] || h->halted)
        return;
    hart_step_insn(h);
    if (h->mmu.watch_hit) {
        gdb_debug_stop(g, h);
        h->mmu.watch_hit = false;
    }
}

/* Resumes as g->run[] says (gdbstub.h): pending events first, then the
 * steps (reported at once when nothing else runs), the step over the
 * breakpoint just reported, and the rest runs. */
static void resume(struct gdbstub *g)
{
    bool running = false;
    if (report_pending(g))
        return;
    for (unsigned i = 0; i < g->m->cfg.nharts; i++) {
        struct hart *h = &g->m->harts[i];
        __atomic_store_n(&h->yield, false, __ATOMIC_SEQ_CST);
        h->debug_hold = g->run[i] != GDB_RUN_CONT;
        if (g->run[i] == GDB_RUN_STEP) {
            step_one(g, i);
        } else if (g->run[i] == GDB_RUN_CONT) {
            running = true;
            if (g->at_reported[i] && hart_breaks_has(&g->breaks, h->pc))
                step_over(g, i);
        }
        if (g->run[i] != GDB_RUN_HOLD)
            g->at_reported[i] = false;
    }
    g->stopped = false;
    if (!running && __atomic_exchange_n(&g->stop_pending, false, __ATOMIC_SEQ_CST))
        report_pending(g);
}

/* Ctrl-C while running: every hart stops; the current hart is reported if
 * it runs, else the first hart that does. */
static void interrupt(struct gdbstub *g)
{
    unsigned id = g->last_hart;
    for (unsigned i = 0; g->run[id] == GDB_RUN_HOLD && i < g->m->cfg.nharts; i++)
        id = i;
    struct gdb_event ev = { .valid = true, .signal = GDB_SIGINT, .pc = g->m->harts[id].pc };
    report(g, id, &ev);
}

/* A new client: the machine stops (as QEMU does) and waits for its '?'. */
void gdbstub_attach(struct gdbstub *g, int fd)
{
    if (g->fd >= 0) { /* one debugger at a time */
        close(fd);
        return;
    }
    g->fd = fd;
    gdb_rx_init(&g->rx);
    forget_events(g);
    stop_all(g);
    g->last = (struct gdb_event){ .valid = true, .signal = GDB_SIGTRAP, .pc = g->m->harts[0].pc };
    g->last_hart = g->g_hart = g->c_hart = 0;
}

static void accept_client(struct gdbstub *g)
{
    int fd = accept4(g->listen_fd, NULL, NULL, SOCK_CLOEXEC), one = 1;
    if (fd < 0)
        return;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    gdbstub_attach(g, fd);
}

/* Detach or a lost connection: breakpoints go, every hart runs on. */
static void drop_client(struct gdbstub *g)
{
    if (g->fd >= 0)
        close(g->fd);
    g->fd = -1;
    memset(&g->breaks, 0, sizeof g->breaks);
    g->nwatches = 0;
    gdb_sync_hooks(g);
    forget_events(g);
    for (unsigned i = 0; i < g->m->cfg.nharts; i++) {
        g->run[i] = GDB_RUN_CONT;
        g->m->harts[i].debug_hold = false;
    }
    g->stopped = false;
}

/* Acts on one checked packet. Returns true for k. */
static bool on_packet(struct gdbstub *g)
{
    send_raw(g, "+", 1);
    switch (gdbstub_command(g, g->rx.buf, g->rx.len, g->reply)) {
    case GDB_ACT_RESUME: resume(g); return false;
    case GDB_ACT_KILL: return true;
    case GDB_ACT_DETACH:
        send_packet(g, g->reply);
        drop_client(g);
        return false;
    default: send_packet(g, g->reply); return false;
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
        case GDB_RX_BAD: send_raw(g, "-", 1); break;
        case GDB_RX_INTERRUPT:
            if (!g->stopped)
                interrupt(g);
            break;
        default: break;
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

/* The stub's work between rounds (gdbstub_round); poll_now: look at the
 * socket even when no event is pending. */
static bool round_body(struct gdbstub *g, int *status, bool poll_now)
{
    if (g->wait_connect) { /* -S: nothing runs before gdb is here */
        while (g->fd < 0 && !g->m->stop_signal)
            poll_socket(g, GDB_POLL_MS);
        g->wait_connect = false;
    }
    if (__atomic_exchange_n(&g->stop_pending, false, __ATOMIC_SEQ_CST)) {
        report_pending(g);
    } else if (poll_now && poll_socket(g, 0)) {
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

/* With hart threads: whether the stub has anything to do (a hart's event,
 * the socket readable, -S), before it stops the world for it. */
static bool wants_round(struct gdbstub *g)
{
    if (g->wait_connect || __atomic_load_n(&g->stop_pending, __ATOMIC_SEQ_CST))
        return true;
    struct pollfd p[2] = { { g->listen_fd, POLLIN, 0 }, { g->fd, POLLIN, 0 } };
    return poll(p, 2, 0) > 0;
}

bool gdbstub_round(struct gdbstub *g, int *status)
{
    if (g->listen_fd < 0 && g->fd < 0)
        return false;
    if (!machine_threads_on(g->m))
        return round_body(g, status, ++g->rounds % GDB_POLL_ROUNDS == 0);
    if (!wants_round(g))
        return false;
    machine_stop_world(g->m, NULL); /* every hart parked: state is the stub's */
    bool end = round_body(g, status, true);
    machine_resume_world(g->m);
    return end;
}
