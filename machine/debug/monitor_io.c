/*
 * The monitor's channels (contract in monitor.h): -monitor and -qmp
 * sockets (unix or tcp, one client at a time), -monitor stdio, and the
 * console's mux (Ctrl-A c), each carrying HMP lines or QMP objects.
 */
#define _GNU_SOURCE /* accept4 */
#include "machine/debug/monitor_priv.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "machine/board/machine.h"
#include "machine/debug/json.h"
#include "machine/host/terminal.h"
#include "rivet/errfmt.h"

/* A parsed -monitor / -qmp value. */
struct mon_spec {
    enum mon_chan_kind kind; /* CHAN_NONE for "none" */
    bool tcp;
    bool wait;      /* server without nowait: wait for the first client at start-up */
    char addr[108]; /* unix: the path; tcp: the host ("" = loopback) */
    char port[8];
};

/* "stdio", "none", "unix:PATH[,server][,nowait]", "tcp:[HOST]:PORT[,...]". */
static bool parse_spec(const char *option, const char *spec, struct mon_spec *s, char *err, size_t errlen)
{
    memset(s, 0, sizeof *s);
    if (!strcmp(spec, "none"))
        return true;
    if (!strcmp(spec, "stdio")) {
        s->kind = CHAN_STDIO;
        return true;
    }
    s->tcp = !strncmp(spec, "tcp:", 4);
    if (!s->tcp && strncmp(spec, "unix:", 5)) {
        err_format(err, errlen,
                   "%s %s: unsupported value (stdio, unix:PATH,server,nowait, "
                   "tcp:HOST:PORT,server,nowait or none)",
                   option, spec);
        return false;
    }
    const char *a = spec + (s->tcp ? 4 : 5), *comma = strchr(a, ',');
    size_t alen = comma ? (size_t)(comma - a) : strlen(a);
    bool server = false;
    s->wait = true;
    for (const char *o = comma; o && *o;) {
        o++;
        size_t n = strcspn(o, ",");
        if ((n == 6 && !strncmp(o, "server", 6)) || (n == 9 && !strncmp(o, "server=on", 9)))
            server = true;
        else if ((n == 6 && !strncmp(o, "nowait", 6)) || (n == 8 && !strncmp(o, "wait=off", 8)))
            s->wait = false;
        else if (n == 7 && !strncmp(o, "wait=on", 7))
            s->wait = true;
        else {
            err_format(err, errlen, "%s %s: unsupported option '%.*s' (server, nowait)", option, spec, (int)n, o);
            return false;
        }
        o += n;
    }
    if (!server) {
        err_format(err, errlen, "%s %s: rivet only listens: add ',server,nowait'", option, spec);
        return false;
    }
    if (!s->tcp) {
        if (alen == 0 || alen >= sizeof s->addr) {
            err_format(err, errlen, "%s %s: the socket path must have 1 to %zu characters", option, spec,
                       sizeof s->addr - 1);
            return false;
        }
        memcpy(s->addr, a, alen);
        s->kind = CHAN_SOCKET;
        return true;
    }
    const char *colon = memrchr(a, ':', alen);
    char *end;
    long port = colon ? strtol(colon + 1, &end, 10) : 0;
    if (!colon || (size_t)(colon - a) >= sizeof s->addr || end != a + alen || colon + 1 == end || port < 1 ||
        port > 65535) {
        err_format(err, errlen, "%s %s: bad address (tcp:HOST:PORT, PORT 1 to 65535)", option, spec);
        return false;
    }
    memcpy(s->addr, a, (size_t)(colon - a));
    snprintf(s->port, sizeof s->port, "%ld", port);
    s->kind = CHAN_SOCKET;
    return true;
}

bool monitor_check_spec(const char *option, const char *spec, bool qmp, char *err, size_t errlen)
{
    struct mon_spec s;
    (void)qmp;
    return parse_spec(option, spec, &s, err, errlen);
}

static int listen_unix(const char *option, const char *path, char *err, size_t errlen)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    struct stat st;
    snprintf(sa.sun_path, sizeof sa.sun_path, "%s", path);
    /* A socket left by an earlier run is replaced, as QEMU does; anything else is not ours. */
    if (lstat(path, &st) == 0 && S_ISSOCK(st.st_mode))
        unlink(path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(fd, 1) < 0) {
        err_format(err, errlen, "%s unix:%s: cannot listen: %s", option, path, strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    return fd;
}

static int listen_tcp(const char *option, const struct mon_spec *s, char *err, size_t errlen)
{
    struct addrinfo hints = { .ai_family = AF_INET, .ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE }, *ai;
    const char *host = s->addr[0] ? s->addr : "127.0.0.1";
    if (getaddrinfo(host, s->port, &hints, &ai) != 0) {
        err_format(err, errlen, "%s tcp:%s:%s: cannot resolve the host", option, host, s->port);
        return -1;
    }
    int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, 0), one = 1;
    if (fd >= 0)
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (fd < 0 || bind(fd, ai->ai_addr, ai->ai_addrlen) < 0 || listen(fd, 1) < 0) {
        err_format(err, errlen, "%s tcp:%s:%s: cannot listen: %s", option, host, s->port, strerror(errno));
        if (fd >= 0)
            close(fd);
        fd = -1;
    }
    freeaddrinfo(ai);
    return fd;
}

bool mon_chan_alloc(struct mon_chan *c, enum mon_proto proto)
{
    c->proto = proto;
    c->cap = proto == MON_QMP ? JSON_MAX_INPUT : MON_LINE_MAX;
    c->buf = malloc(c->cap + 1);
    return c->buf != NULL;
}

static void reset_input(struct mon_chan *c)
{
    c->len = 0;
    c->overflow = c->in_str = c->esc = false;
    c->depth = 0;
    c->caps = false;
}

/* ---- output ---- */

/* Waits up to MON_SEND_TIMEOUT_MS for room: a client that does not read
 * its replies is dropped rather than stopping the machine. */
static bool write_fd(int fd, const char *s, size_t n)
{
    while (n) {
        ssize_t w = send(fd, s, n, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (w < 0 && errno == ENOTSOCK)
            w = write(fd, s, n);
        if (w > 0) {
            s += w;
            n -= (size_t)w;
            continue;
        }
        if (w < 0 && errno == EINTR)
            continue;
        struct pollfd p = { .fd = fd, .events = POLLOUT };
        if (w == 0 || !(errno == EAGAIN || errno == EWOULDBLOCK) || poll(&p, 1, MON_SEND_TIMEOUT_MS) <= 0)
            return false;
    }
    return true;
}

static void drop_client(struct mon_chan *c)
{
    if (c->kind == CHAN_SOCKET && c->fd >= 0) {
        close(c->fd);
        c->fd = c->out_fd = -1;
    } else if (c->kind == CHAN_STDIO) {
        c->fd = c->out_fd = -1;
    }
    reset_input(c);
}

static void write_raw(struct mon_chan *c, const char *s, size_t n)
{
    if (c->sink)
        c->sink(c->sink_opaque, s, n);
    else if (c->out_fd >= 0 && !write_fd(c->out_fd, s, n))
        drop_client(c);
}

void mon_chan_write(struct mon_chan *c, const char *s, size_t n)
{
    if (!c->crlf) {
        write_raw(c, s, n);
        return;
    }
    while (n) { /* the raw tty behind the mux: "\n" is "\r\n" */
        const char *nl = memchr(s, '\n', n);
        size_t k = nl ? (size_t)(nl - s) : n;
        write_raw(c, s, k);
        if (nl)
            write_raw(c, "\r\n", 2);
        k += nl ? 1 : 0;
        s += k;
        n -= k;
    }
}

static void say(struct mon_chan *c, const char *s) { mon_chan_write(c, s, strlen(s)); }

static void hmp_banner(struct mon_chan *c)
{
    say(c, "rivet " RIVET_VERSION " monitor - type 'help' for more information\n" MON_PROMPT);
}

/* ---- HMP input: lines ---- */

static void run_line(struct mon_chan *c)
{
    struct monitor *mon = c->mon;
    struct mon_text *t = &mon->text;
    t->len = 0;
    t->truncated = false;
    t->buf[0] = '\0';
    if (c->overflow)
        mon_printf(t, "line too long (at most %d characters): ignored\n", MON_LINE_MAX);
    else
        monitor_hmp(mon, c->buf, c->len, t);
    mon_chan_write(c, t->buf, t->len);
    if (t->truncated)
        say(c, "\n(output truncated)\n");
    c->len = 0;
    c->overflow = false;
    if (!mon->quit)
        say(c, MON_PROMPT);
}

/* Enter is CR or LF (a LF right after a CR is the same Enter); with echo
 * (the raw tty behind the mux) typed characters are echoed and DEL or BS
 * erases one. */
static void hmp_byte(struct mon_chan *c, uint8_t b)
{
    bool after_cr = c->esc;
    c->esc = b == '\r';
    if (b == '\n' && after_cr)
        return;
    if (b == '\r' || b == '\n') {
        if (c->echo)
            say(c, "\n");
        run_line(c);
        return;
    }
    if (c->echo && (b == 0x7f || b == 0x08)) {
        if (c->len && !c->overflow) {
            c->len--;
            say(c, "\b \b");
        }
        return;
    }
    if (c->echo && (b < 0x20 || b == 0x7f))
        return; /* other control keys mean nothing to the line */
    if (c->len >= c->cap) {
        c->overflow = true;
        return;
    }
    c->buf[c->len++] = (char)b;
    if (c->echo)
        mon_chan_write(c, (const char *)&b, 1);
}

void mon_chan_input(struct mon_chan *c, const uint8_t *buf, size_t n)
{
    if (c->proto == MON_QMP) {
        qmp_input(c, buf, n);
        return;
    }
    for (size_t i = 0; i < n && !c->mon->quit; i++)
        hmp_byte(c, buf[i]);
}

/* ---- channels ---- */

static void accept_client(struct mon_chan *c);

static bool open_chan(struct monitor *mon, unsigned slot, const char *option, const char *spec, enum mon_proto proto,
                      char *err, size_t errlen)
{
    struct mon_chan *c = &mon->chans[slot];
    struct mon_spec s;
    if (!parse_spec(option, spec, &s, err, errlen))
        return false;
    if (s.kind == CHAN_NONE)
        return true;
    if (!mon_chan_alloc(c, proto)) {
        err_format(err, errlen, "%s: out of memory", option);
        return false;
    }
    c->option = option;
    c->kind = s.kind;
    if (s.kind == CHAN_STDIO) {
        c->fd = STDIN_FILENO;
        c->out_fd = STDOUT_FILENO;
        if (proto == MON_QMP)
            qmp_greeting(c);
        else
            hmp_banner(c);
        return true;
    }
    c->listen_fd = s.tcp ? listen_tcp(option, &s, err, errlen) : listen_unix(option, s.addr, err, errlen);
    if (c->listen_fd < 0)
        return false;
    if (!s.tcp)
        snprintf(c->unix_path, sizeof c->unix_path, "%s", s.addr);
    if (s.wait) /* QEMU's default: the run starts once the first client is there */
        accept_client(c);
    fcntl(c->listen_fd, F_SETFL, fcntl(c->listen_fd, F_GETFL) | O_NONBLOCK);
    return true;
}

static void accept_client(struct mon_chan *c)
{
    int fd = accept4(c->listen_fd, NULL, NULL, SOCK_CLOEXEC);
    if (fd < 0)
        return;
    c->fd = c->out_fd = fd;
    reset_input(c);
    if (c->proto == MON_QMP)
        qmp_greeting(c);
    else
        hmp_banner(c);
}

/* The mux's hooks (terminal.h): keys typed while the monitor has the
 * console, and the focus switching with Ctrl-A c. */
static void mux_input(void *opaque, const uint8_t *buf, size_t n) { mon_chan_input(opaque, buf, n); }

static void mux_focus(void *opaque, bool monitor)
{
    struct mon_chan *c = opaque;
    if (!monitor)
        return;
    if (!c->caps) { /* the first switch shows the banner */
        c->caps = true;
        say(c, "\n");
        hmp_banner(c);
    } else {
        say(c, "\n" MON_PROMPT);
    }
}

static void mux_sink(void *opaque, const char *s, size_t n)
{
    struct terminal *t = opaque;
    terminal_write_host(t, s, n);
}

static bool open_mux(struct monitor *mon, char *err, size_t errlen)
{
    struct mon_chan *c = &mon->chans[CHAN_CONSOLE];
    if (!mon_chan_alloc(c, MON_HMP)) {
        err_format(err, errlen, "out of memory creating the monitor");
        return false;
    }
    c->kind = CHAN_MUX;
    c->option = "-serial mon:stdio";
    c->crlf = c->echo = true;
    c->sink = mux_sink;
    c->sink_opaque = mon->m->term;
    terminal_attach_monitor(mon->m->term, mux_input, mux_focus, c);
    return true;
}

bool monitor_create(struct machine *m, char *err, size_t errlen)
{
    const struct rivet_config *cfg = &m->cfg;
    bool mux = m->term && cfg->serial == RIVET_SERIAL_MUX_STDIO;
    if (!cfg->monitor && !cfg->qmp && !mux)
        return true;
    struct monitor *mon = monitor_new(m);
    if (!mon) {
        err_format(err, errlen, "out of memory creating the monitor");
        return false;
    }
    m->monitor = mon;
    return (!cfg->monitor || open_chan(mon, CHAN_MONITOR, "-monitor", cfg->monitor, MON_HMP, err, errlen)) &&
           (!cfg->qmp || open_chan(mon, CHAN_QMP, "-qmp", cfg->qmp, MON_QMP, err, errlen)) &&
           (!mux || open_mux(mon, err, errlen));
}

struct mon_chan *mon_attach_sink(struct monitor *mon, enum mon_proto proto, mon_sink_fn sink, void *opaque)
{
    struct mon_chan *c = &mon->chans[CHAN_CONSOLE];
    if (c->kind != CHAN_NONE || !mon_chan_alloc(c, proto))
        return NULL;
    c->kind = CHAN_SINK;
    c->sink = sink;
    c->sink_opaque = opaque;
    return c;
}

void monitor_free(struct monitor *mon)
{
    if (!mon)
        return;
    for (unsigned i = 0; i < MON_NCHANS; i++) {
        struct mon_chan *c = &mon->chans[i];
        if (c->kind == CHAN_SOCKET && c->fd >= 0)
            close(c->fd);
        if (c->listen_fd >= 0)
            close(c->listen_fd);
        if (c->unix_path[0])
            unlink(c->unix_path);
        free(c->buf);
    }
    for (unsigned i = 0; i < mon->nsnaps; i++)
        free(mon->snaps[i]);
    qmp_jobs_free(mon);
    free(mon);
}

/* QEMU's data of RESET, and of SHUTDOWN after a reset with -no-reboot. */
static void reset_data(const struct machine *m, char *buf, size_t len)
{
    snprintf(buf, len, "{\"guest\": %s, \"reason\": \"%s\"}", machine_reset_by_guest(m->reset_cause) ? "true" : "false",
             machine_reset_qmp_reason(m->reset_cause));
}

void monitor_reset_event(struct machine *m)
{
    char data[128];
    if (!m->monitor)
        return;
    reset_data(m, data, sizeof data);
    qmp_event(m->monitor, "RESET", data);
}

/* QEMU's SHUTDOWN reasons: a monitor's quit, the guest's poweroff or reset
 * (-no-reboot), or the host (a signal, a limit). */
void monitor_destroy(struct machine *m)
{
    struct monitor *mon = m->monitor;
    if (!mon)
        return;
    char reset[128];
    reset_data(m, reset, sizeof reset);
    bool was_reset = m->exit_requested && m->exit_kind == MACHINE_EXIT_RESET;
    qmp_event(mon, "SHUTDOWN",
              mon->quit           ? "{\"guest\": false, \"reason\": \"host-qmp-quit\"}"
              : was_reset         ? reset
              : m->exit_requested ? "{\"guest\": true, \"reason\": \"guest-shutdown\"}"
                                  : "{\"guest\": false, \"reason\": \"host-signal\"}");
    if (m->term)
        terminal_attach_monitor(m->term, NULL, NULL, NULL);
    monitor_free(mon);
    m->monitor = NULL;
}

static uint64_t coarse_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Reads what one channel has, without blocking. */
static void serve(struct mon_chan *c)
{
    if (c->kind == CHAN_SOCKET && c->fd < 0) {
        struct pollfd p = { .fd = c->listen_fd, .events = POLLIN };
        if (poll(&p, 1, 0) > 0)
            accept_client(c);
        return;
    }
    if ((c->kind != CHAN_SOCKET && c->kind != CHAN_STDIO) || c->fd < 0)
        return;
    struct pollfd p = { .fd = c->fd, .events = POLLIN };
    if (poll(&p, 1, 0) <= 0)
        return;
    uint8_t buf[4096];
    ssize_t n = read(c->fd, buf, sizeof buf);
    if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN)) {
        drop_client(c); /* a new client may connect */
        return;
    }
    if (n > 0)
        mon_chan_input(c, buf, (size_t)n);
}

void monitor_poll(struct machine *m)
{
    struct monitor *mon = m->monitor;
    if (!mon)
        return;
    uint64_t now = coarse_ns();
    if (mon->last_poll_ns && now - mon->last_poll_ns < MON_POLL_NS && !machine_paused(m))
        return;
    mon->last_poll_ns = now;
    for (unsigned i = 0; i < MON_NCHANS && !mon->quit; i++)
        serve(&mon->chans[i]);
    /* The console: typed keys reach the monitor even when the guest does not read its UART. */
    if (mon->chans[CHAN_CONSOLE].kind == CHAN_MUX && !mon->quit)
        terminal_poll_input(m->term);
}

unsigned monitor_pollfds(const struct machine *m, struct pollfd *fds, unsigned max)
{
    const struct monitor *mon = m->monitor;
    unsigned n = 0;
    for (unsigned i = 0; mon && i < MON_NCHANS && n < max; i++) {
        const struct mon_chan *c = &mon->chans[i];
        int fd = c->kind == CHAN_SOCKET && c->fd < 0 ? c->listen_fd : c->fd;
        if ((c->kind == CHAN_SOCKET || c->kind == CHAN_STDIO) && fd >= 0)
            fds[n++] = (struct pollfd){ .fd = fd, .events = POLLIN };
    }
    return n;
}
