/*
 * The guest console on the host: stdio (raw tty, Ctrl-A escapes) or a file.
 * See terminal.h for the contract.
 */
#define _GNU_SOURCE
#include "machine/host/terminal.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "machine/host/hostfile.h"
#include "rivet/errfmt.h"

#define TERM_INBUF     1024
#define TERM_REFILL_NS 1000000ull /* at most one read() per millisecond */
#define TERM_OUTBUF    4096       /* guest output gathered between flushes */

struct terminal {
    int in_fd, out_fd; /* in_fd -1: no input */
    bool close_out;    /* the file backend owns out_fd */
    bool stdio;        /* owns the process-wide tty state below */
    bool in_eof;
    bool use_mux;
    bool out_failed; /* a write failed: output is dropped from now on */
    int out_err;     /* that write's errno, until terminal_take_error */
    struct mux_state mux;
    uint64_t last_refill_ns;
    size_t in_head, in_len;
    uint8_t in[TERM_INBUF];
    volatile size_t out_len; /* guest output not yet written (terminal_flush; read by the crash handler) */
    uint8_t out[TERM_OUTBUF];
};

/*
 * Process-wide: the saved tty mode, the open terminals and the signal
 * dispositions found before ours, so that the atexit hook and the signal
 * handlers (which get no context pointer) can restore the tty and write
 * out the guest output still buffered. Only one stdio terminal exists at a
 * time; this is host state, not machine state.
 *
 * Two sets of signals: the tty set (terminal.h) while a tty is raw, and
 * the crash set while any terminal is open, so that a crash (a bug in
 * rivet or in a library it calls) still shows what the guest printed.
 *
 * Machines on different threads open and close their terminals at the
 * same time: `lock` serialises every change to this record (the tables,
 * the handlers' installation, the stdio terminal). The signal handlers
 * take no lock: they only read, and a pointer is written whole.
 */
enum { SIGSET_TTY, SIGSET_CRASH };
static const struct {
    int signo, set;
} term_signals[] = {
    { SIGINT, SIGSET_TTY },   { SIGTERM, SIGSET_TTY },   { SIGHUP, SIGSET_TTY },   { SIGQUIT, SIGSET_TTY },
    { SIGPIPE, SIGSET_TTY },  { SIGSEGV, SIGSET_CRASH }, { SIGBUS, SIGSET_CRASH }, { SIGILL, SIGSET_CRASH },
    { SIGFPE, SIGSET_CRASH }, { SIGABRT, SIGSET_CRASH }, { SIGSYS, SIGSET_CRASH },
};
#define NSIGNALS      (sizeof term_signals / sizeof term_signals[0])
#define TERM_MAX_OPEN 16

static struct {
    volatile sig_atomic_t raw; /* the tty is in raw mode and must be restored */
    int fd;
    struct termios saved;
    struct sigaction old[NSIGNALS];
    volatile sig_atomic_t installed[NSIGNALS];
    bool atexit_done;
    struct terminal *open;                        /* the stdio terminal, if any */
    struct terminal *volatile all[TERM_MAX_OPEN]; /* every open terminal, for the crash handler */
    pthread_mutex_t lock;
} tty = { .lock = PTHREAD_MUTEX_INITIALIZER };

/* Async-signal-safe: tcsetattr is on the POSIX list. */
static void tty_restore(void)
{
    if (tty.raw) {
        tty.raw = 0;
        tcsetattr(tty.fd, TCSANOW, &tty.saved);
    }
}

static void tty_atexit(void) { tty_restore(); }

/* Async-signal-safe: one write() pass over each terminal's buffer. */
static void flush_all_unsafe(void)
{
    for (size_t i = 0; i < TERM_MAX_OPEN; i++) {
        struct terminal *t = tty.all[i];
        if (!t || t->out_failed)
            continue;
        size_t done = 0, len = t->out_len;
        while (done < len) {
            ssize_t n = write(t->out_fd, t->out + done, len - done);
            if (n > 0)
                done += (size_t)n;
            else if (!(n < 0 && errno == EINTR))
                break;
        }
        t->out_len = 0;
    }
}

void terminal_restore_now(void)
{
    flush_all_unsafe();
    tty_restore();
}

/* Write out what the guest printed, restore the tty, put back the
 * disposition that was there before us, and deliver the signal again to it
 * (on return, since it is blocked here; a fault re-executes and faults
 * again into the restored disposition). */
static void term_fatal_signal(int sig)
{
    int saved_errno = errno;
    flush_all_unsafe();
    tty_restore();
    for (size_t i = 0; i < NSIGNALS; i++) {
        if (term_signals[i].signo == sig && tty.installed[i]) {
            sigaction(sig, &tty.old[i], NULL);
            tty.installed[i] = 0;
        }
    }
    raise(sig);
    errno = saved_errno;
}

static void install_signal_handlers(int set)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = term_fatal_signal;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < NSIGNALS; i++) {
        if (term_signals[i].set != set || tty.installed[i] || sigaction(term_signals[i].signo, NULL, &tty.old[i]) != 0)
            continue;
        /* A signal ignored by our parent (nohup) or by the program stays ignored. */
        if (tty.old[i].sa_handler == SIG_IGN && !(tty.old[i].sa_flags & SA_SIGINFO))
            continue;
        tty.installed[i] = sigaction(term_signals[i].signo, &sa, NULL) == 0;
    }
}

static void remove_signal_handlers(int set)
{
    for (size_t i = 0; i < NSIGNALS; i++) {
        if (term_signals[i].set == set && tty.installed[i]) {
            sigaction(term_signals[i].signo, &tty.old[i], NULL);
            tty.installed[i] = 0;
        }
    }
}

/* Enters t in the crash handler's table (the first one installs the crash
 * set); a full table just leaves t out of the crash flush. Under tty.lock. */
static void register_terminal_locked(struct terminal *t)
{
    bool first = true;
    for (size_t i = 0; i < TERM_MAX_OPEN; i++)
        first = first && !tty.all[i];
    for (size_t i = 0; i < TERM_MAX_OPEN; i++)
        if (!tty.all[i]) {
            tty.all[i] = t;
            break;
        }
    if (first)
        install_signal_handlers(SIGSET_CRASH);
}

static void unregister_terminal_locked(struct terminal *t)
{
    bool last = true;
    for (size_t i = 0; i < TERM_MAX_OPEN; i++) {
        if (tty.all[i] == t)
            tty.all[i] = NULL;
        last = last && !tty.all[i];
    }
    if (last)
        remove_signal_handlers(SIGSET_CRASH);
}

/* Raw mode: bytes pass unchanged both ways, ^C/^Z/^\ reach the guest. */
static bool tty_make_raw(int fd)
{
    if (tcgetattr(fd, &tty.saved) != 0)
        return false;
    struct termios t = tty.saved;
    t.c_iflag &= ~(tcflag_t)(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON);
    t.c_oflag &= ~(tcflag_t)OPOST;
    t.c_lflag &= ~(tcflag_t)(ECHO | ECHONL | ICANON | ISIG | IEXTEN);
    t.c_cflag &= ~(tcflag_t)(CSIZE | PARENB);
    t.c_cflag |= CS8;
    t.c_cc[VMIN] = 1;
    t.c_cc[VTIME] = 0;
    tty.fd = fd;
    if (!tty.atexit_done)
        tty.atexit_done = atexit(tty_atexit) == 0;
    /* Handlers first, so no window exists where raw mode could leak. */
    install_signal_handlers(SIGSET_TTY);
    if (tcsetattr(fd, TCSANOW, &t) != 0) {
        remove_signal_handlers(SIGSET_TTY);
        return false;
    }
    tty.raw = 1;
    return true;
}

/* Writes everything, retrying partial writes and EINTR; waits when the
 * descriptor is non-blocking and full. 0, or the errno of a real error. */
static int write_all(int fd, const uint8_t *buf, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, buf, len);
        if (n > 0) {
            buf += n;
            len -= (size_t)n;
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            struct pollfd p = { .fd = fd, .events = POLLOUT };
            if (poll(&p, 1, -1) < 0 && errno != EINTR)
                return errno;
        } else {
            return n < 0 ? errno : EIO;
        }
    }
    return 0;
}

/* Output to a terminal whose writes failed is dropped; the first failure
 * waits in out_err for terminal_take_error. */
static void term_write_out(struct terminal *t, const uint8_t *buf, size_t len)
{
    if (t->out_failed)
        return;
    int e = write_all(t->out_fd, buf, len);
    if (e) {
        t->out_failed = true;
        t->out_err = e;
    }
}

void terminal_flush(struct terminal *t)
{
    if (t && t->out_len) {
        term_write_out(t, t->out, t->out_len);
        t->out_len = 0;
    }
}

int terminal_take_error(struct terminal *t)
{
    if (!t)
        return 0;
    int e = t->out_err;
    t->out_err = 0;
    return e;
}

bool terminal_input_open(const struct terminal *t) { return t && t->in_fd >= 0 && !(t->in_eof && t->in_len == 0); }

static bool refill_at(struct terminal *t, uint64_t now);
static uint64_t coarse_now_ns(void);

void terminal_write_host(struct terminal *t, const char *text, size_t len)
{
    if (!t)
        return;
    terminal_flush(t); /* after the guest output that came before it */
    term_write_out(t, (const uint8_t *)text, len);
}

static void term_msg(void *opaque, const char *text) { terminal_write_host(opaque, text, strlen(text)); }

void terminal_attach_monitor(struct terminal *t, void (*input)(void *opaque, const uint8_t *buf, size_t len),
                             void (*focus)(void *opaque, bool monitor), void *opaque)
{
    t->mux.monitor = input;
    t->mux.focus = focus;
    t->mux.monitor_opaque = opaque;
    if (!input)
        t->mux.monitor_focus = false;
}

/* With the mux, input is read even while bytes for the guest wait in the
 * buffer (a guest that does not read its console), so that Ctrl-A keys
 * still arrive; only a full buffer stops it. */
void terminal_poll_input(struct terminal *t)
{
    if (!t || t->in_eof || t->in_fd < 0)
        return;
    if (t->in_len == 0) {
        refill_at(t, coarse_now_ns());
        return;
    }
    if (!t->use_mux)
        return;
    memmove(t->in, t->in + t->in_head, t->in_len);
    t->in_head = 0;
    struct pollfd p = { .fd = t->in_fd, .events = POLLIN };
    if (t->in_len == sizeof t->in || poll(&p, 1, 0) <= 0 || (p.revents & POLLNVAL))
        return;
    ssize_t n = read(t->in_fd, t->in + t->in_len, sizeof t->in - t->in_len);
    if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK))
        t->in_eof = true;
    if (n > 0)
        t->in_len += mux_filter(&t->mux, t->in + t->in_len, (size_t)n, t->in + t->in_len);
}

/* A guest writes its console a byte at a time (one UART store each): the
 * bytes are gathered and written by terminal_flush, which the run loop calls
 * between rounds and before it sleeps, so a boot makes a few hundred write()
 * calls instead of thousands. */
static void term_write(void *opaque, const uint8_t *buf, size_t len)
{
    struct terminal *t = opaque;
    if (t->out_len + len > sizeof t->out)
        terminal_flush(t);
    if (len > sizeof t->out) {
        term_write_out(t, buf, len);
        return;
    }
    memcpy(t->out + t->out_len, buf, len);
    t->out_len += len;
}

static uint64_t coarse_now_ns(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_MONOTONIC_COARSE, &ts) != 0)
        clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* One non-blocking refill of the empty input buffer: poll with a zero
 * timeout, then a read() that cannot block. EOF ends input for good.
 * Returns true when read() returned bytes (mux keys included). */
static bool refill(struct terminal *t)
{
    struct pollfd p = { .fd = t->in_fd, .events = POLLIN };
    int r = poll(&p, 1, 0);
    if (r <= 0)
        return false;
    if (p.revents & POLLNVAL) {
        t->in_eof = true;
        return false;
    }
    ssize_t n = read(t->in_fd, t->in, sizeof t->in);
    if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK)) {
        t->in_eof = true;
        return false;
    }
    if (n < 0)
        return false;
    size_t len = (size_t)n;
    if (t->use_mux)
        len = mux_filter(&t->mux, t->in, len, t->in);
    t->in_head = 0;
    t->in_len = len;
    return true;
}

/* A refill at time now (CLOCK_MONOTONIC_COARSE), from which the rate limit
 * counts; 0 is kept for "never". */
static bool refill_at(struct terminal *t, uint64_t now)
{
    t->last_refill_ns = now ? now : 1;
    return refill(t);
}

static size_t term_read(void *opaque, uint8_t *buf, size_t len)
{
    struct terminal *t = opaque;
    if (t->in_len == 0 && !t->in_eof && t->in_fd >= 0) {
        uint64_t now = coarse_now_ns();
        if (t->last_refill_ns == 0 || now - t->last_refill_ns >= TERM_REFILL_NS)
            refill_at(t, now);
    }
    size_t n = len < t->in_len ? len : t->in_len;
    memcpy(buf, t->in + t->in_head, n);
    t->in_head += n;
    t->in_len -= n;
    return n;
}

int terminal_poll_fd(const struct terminal *t)
{
    return t && t->in_fd >= 0 && !t->in_eof && t->in_len == 0 ? t->in_fd : -1;
}

void terminal_refill(struct terminal *t)
{
    if (terminal_poll_fd(t) >= 0)
        refill_at(t, coarse_now_ns());
}

/*
 * The idle machine's sleep (terminal.h). The descriptor is polled only while
 * the buffer is empty: bytes still buffered mean the guest has not taken the
 * last input, and a descriptor left readable would end every sleep at once.
 * Input that arrives is read here, so the read that follows the wake-up does
 * not wait out the rate limit; EOF, an error and readiness without data all
 * return false, and the caller's plain sleep keeps them from becoming a spin.
 */
bool terminal_wait_input(struct terminal *t, uint64_t timeout_ns, struct pollfd *extra, unsigned nextra)
{
    terminal_flush(t); /* whatever the guest said before going idle */
    bool mine = t && t->in_fd >= 0 && !t->in_eof && t->in_len == 0;
    if (!mine && nextra == 0)
        return false;
    struct pollfd p[1 + TERM_MAX_EXTRA_FDS];
    unsigned n = 0;
    if (mine)
        p[n++] = (struct pollfd){ .fd = t->in_fd, .events = POLLIN };
    if (nextra > TERM_MAX_EXTRA_FDS)
        nextra = TERM_MAX_EXTRA_FDS;
    if (nextra)
        memcpy(p + n, extra, nextra * sizeof *extra);
    struct timespec ts = { .tv_sec = (time_t)(timeout_ns / 1000000000ull),
                           .tv_nsec = (long)(timeout_ns % 1000000000ull) };
    int r = ppoll(p, n + nextra, &ts, NULL);
    for (unsigned i = 0; i < nextra; i++)
        extra[i].revents = r > 0 ? p[n + i].revents : 0;
    if (r <= 0)
        return r == 0 || errno == EINTR; /* timed out, or a signal for the run loop */
    if (mine && p[0].revents)
        return refill_at(t, coarse_now_ns());
    return true; /* one of the extra descriptors */
}

static struct terminal *terminal_new(int in_fd, int out_fd, bool mux, void (*quit)(void *opaque), void *opaque)
{
    struct terminal *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->in_fd = in_fd;
    t->out_fd = out_fd;
    t->use_mux = mux;
    t->mux.quit = quit;
    t->mux.quit_opaque = opaque;
    t->mux.msg = term_msg;
    t->mux.msg_opaque = t;
    return t;
}

struct terminal *terminal_open_fds(int in_fd, int out_fd, bool mux, void (*quit)(void *opaque), void *opaque)
{
    struct terminal *t = terminal_new(in_fd, out_fd, mux, quit, opaque);
    if (t && out_fd >= 0) {
        pthread_mutex_lock(&tty.lock);
        register_terminal_locked(t);
        pthread_mutex_unlock(&tty.lock);
    }
    return t;
}

struct terminal *terminal_open_stdio(bool mux, void (*quit)(void *opaque), void *opaque)
{
    pthread_mutex_lock(&tty.lock);
    struct terminal *t = tty.open ? NULL : terminal_new(STDIN_FILENO, STDOUT_FILENO, mux, quit, opaque);
    if (t) {
        register_terminal_locked(t);
        t->stdio = true;
        tty.open = t;
        /* Not a tty (pipe, /dev/null, file): termios stays untouched. A
         * tty that refuses raw mode still works, only cooked. */
        if (isatty(STDIN_FILENO))
            tty_make_raw(STDIN_FILENO);
    }
    pthread_mutex_unlock(&tty.lock);
    return t;
}

struct terminal *terminal_open_file(const char *what, const char *path, char *err, size_t errlen)
{
    int fd = hostfile_open_output(what, path, err, errlen);
    if (fd < 0)
        return NULL;
    struct terminal *t = terminal_open_fds(-1, fd, false, NULL, NULL);
    if (!t) {
        close(fd);
        err_format(err, errlen, "%s %s: out of memory", what, path);
        return NULL;
    }
    t->close_out = true;
    return t;
}

struct chardev terminal_chardev(struct terminal *t)
{
    return (struct chardev){ .write = term_write, .read = term_read, .opaque = t };
}

void terminal_close(struct terminal *t)
{
    if (!t)
        return;
    terminal_flush(t);
    pthread_mutex_lock(&tty.lock);
    if (t->out_fd >= 0)
        unregister_terminal_locked(t);
    if (t->stdio) {
        tty_restore();
        remove_signal_handlers(SIGSET_TTY);
        tty.open = NULL;
    }
    pthread_mutex_unlock(&tty.lock);
    if (t->close_out)
        close(t->out_fd);
    free(t);
}

/* The Ctrl-A keys, as QEMU's mux documents them (QEMU manual, "Keys in
 * the character backend multiplexer"). */
/* clang-format off */
static const char mux_help[] =
    "\r\n"
    "C-a h    print this help\r\n"
    "C-a x    exit emulator\r\n"
    "C-a c    switch between console and monitor\r\n"
    "C-a C-a  sends C-a\r\n";
/* clang-format on */

static void mux_say(struct mux_state *m, const char *text)
{
    if (m->msg)
        m->msg(m->msg_opaque, text);
}

size_t mux_filter(struct mux_state *m, const uint8_t *in, size_t len, uint8_t *out)
{
    size_t n = 0;
    for (size_t i = 0; i < len && !m->quit_seen; i++) {
        uint8_t c = in[i];
        if (!m->escape) {
            if (c == TERMINAL_ESCAPE)
                m->escape = true;
            else if (m->monitor_focus)
                m->monitor(m->monitor_opaque, &c, 1);
            else
                out[n++] = c;
            continue;
        }
        m->escape = false;
        switch (c) {
        case TERMINAL_ESCAPE:
            if (m->monitor_focus)
                m->monitor(m->monitor_opaque, &c, 1);
            else
                out[n++] = c;
            break;
        case 'h': mux_say(m, mux_help); break;
        case 'c':
            if (!m->monitor) {
                mux_say(m, "\r\nrivet: there is no monitor; the console stays on the guest\r\n");
                break;
            }
            m->monitor_focus = !m->monitor_focus;
            if (m->focus)
                m->focus(m->monitor_opaque, m->monitor_focus);
            break;
        case 'x':
            m->quit_seen = true;
            mux_say(m, "\r\nrivet: terminated by C-a x\r\n");
            if (m->quit)
                m->quit(m->quit_opaque);
            break;
        default: break; /* unknown escapes are dropped, as QEMU does */
        }
    }
    return n;
}
