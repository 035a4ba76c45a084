/*
 * The host side of the guest console: stdin/stdout (-serial stdio,
 * -serial mon:stdio, -nographic) or a file (-serial file:PATH), each exposed
 * as a struct chardev for a serial device model.
 *
 * Contract
 * - terminal_open_stdio: when stdin is a tty it goes into raw mode (no echo,
 *   no canonical mode, no signals from ^C, which the guest receives) and the
 *   saved mode is restored on every exit path: terminal_close, exit() (atexit)
 *   and the fatal signals SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE (restore,
 *   put back the disposition found at open, re-raise). So a handler the board
 *   installed before opening (say SIGTERM -> rivet_request_stop) still runs,
 *   after the tty is restored; one installed after opening replaces ours and
 *   must restore the tty itself (terminal_close). A signal found ignored
 *   (nohup, or the rivet program's SIGPIPE) stays ignored. When stdin is not
 *   a tty, termios and those signals are left alone and EOF simply means "no
 *   more input" (terminal_input_open).
 * - While any terminal is open, the crash signals SIGSEGV, SIGBUS, SIGILL,
 *   SIGFPE, SIGABRT and SIGSYS are caught the same way: the guest output
 *   still buffered in every open terminal is written out (async-signal-safe
 *   write()s), the tty restored, and the signal delivered again to the
 *   disposition found before (SIG_DFL, or a sanitizer's handler). So a
 *   crash never eats what the guest printed just before it.
 * - A failed write (EPIPE: the reader went away; ENOSPC: -serial
 *   file:/dev/full) drops the terminal's output from then on; its errno waits
 *   for terminal_take_error(), so the board reports it once (and ends the run
 *   on EPIPE: rivet.h).
 * - With `mux`, Ctrl-A is an escape key: Ctrl-A x calls quit(opaque),
 *   Ctrl-A h lists the keys, Ctrl-A Ctrl-A sends one Ctrl-A to the guest
 *   (or to the monitor when it has the focus), Ctrl-A c switches the input
 *   between the guest and the monitor attached with terminal_attach_monitor
 *   (without one it says there is none); other keys after Ctrl-A are
 *   dropped. While the monitor has the focus every other input byte goes to
 *   its input hook instead of the guest; the guest's output is still
 *   written as it comes (QEMU's mux does the same). quit() and the hooks
 *   are called on the emulation thread from the chardev read, from
 *   terminal_wait_input or from terminal_poll_input.
 * - The chardev read is non-blocking and makes at most one read() system call
 *   per millisecond (CLOCK_MONOTONIC_COARSE), so it may be called very often.
 *   Output is gathered in a buffer and written with write() (retried on
 *   partial writes and EINTR) when it fills, by terminal_flush, before
 *   terminal_wait_input sleeps, before a message of rivet's own and at
 *   terminal_close. No byte is translated either way.
 * - terminal_wait_input is the board's idle sleep: it blocks until input
 *   arrives (and reads it) or the timeout passes. It is host-side only: the
 *   chardev a device model gets never blocks.
 * - Only one stdio terminal may be open at a time (the signal handlers need a
 *   process-wide record of the saved tty mode); terminal_open_stdio returns
 *   NULL while another one is open.
 * - Threading: a terminal is used by the emulation thread of its machine
 *   only, except by the signal handlers. Opening and closing may happen on
 *   several threads at once (machines on threads of their own): the
 *   process-wide record they change is locked.
 */
#ifndef RIVET_TERMINAL_H
#define RIVET_TERMINAL_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "devices/chardev.h"

#define TERMINAL_ESCAPE 0x01 /* Ctrl-A */

struct terminal;

/* NULL on failure (another stdio terminal open, out of memory). */
struct terminal *terminal_open_stdio(bool mux, void (*quit)(void *opaque), void *opaque);
/* A backend writing guest output to a file (-serial file:PATH, created or
 * truncated; a FIFO or character device too, hostfile.h) and reading
 * nothing; `what` names the option in messages. NULL + err on failure. */
struct terminal *terminal_open_file(const char *what, const char *path, char *err, size_t errlen);
/* The stdio behaviour (input buffer, rate limit, EOF, mux) on any pair of
 * descriptors, without touching termios or signals: for tests and for front
 * ends with their own descriptors. in_fd may be -1 (no input). The
 * descriptors stay owned by the caller. NULL on allocation failure. */
struct terminal *terminal_open_fds(int in_fd, int out_fd, bool mux, void (*quit)(void *opaque), void *opaque);
struct chardev terminal_chardev(struct terminal *t);
#define TERM_MAX_EXTRA_FDS 64
/* Sleeps until input arrives or timeout_ns passes; input read now is kept
 * for the next chardev read, which then needs no system call. The nextra
 * (at most TERM_MAX_EXTRA_FDS) descriptors in extra, other sources of input
 * such as the network's sockets, are polled as well and get their revents.
 * true: it slept to the timeout, or until input, an extra descriptor or a
 * signal came. false: it has nothing to poll and did not sleep, or woke
 * early without any input, so the caller must sleep by itself: no extra
 * descriptors and t is NULL, has no input (file backend, in_fd -1), input
 * ended (EOF, a read error), earlier input still waits in the buffer, or
 * the descriptor was ready without data. */
bool terminal_wait_input(struct terminal *t, uint64_t timeout_ns, struct pollfd *extra, unsigned nextra);
/* For a loop that polls by itself (thread=multi's I/O thread): the input
 * descriptor to wait on, or -1 when there is none to wait for (no input,
 * EOF, bytes still buffered); after it polled readable, terminal_refill
 * reads what came (terminal_wait_input's refill). */
int terminal_poll_fd(const struct terminal *t);
void terminal_refill(struct terminal *t);
/* Writes the guest output gathered so far (the run loop: every round). */
void terminal_flush(struct terminal *t);
/* The errno of the first failed write not yet taken (0: none); NULL is fine. */
int terminal_take_error(struct terminal *t);
/* Whether input can still come: an input descriptor not at EOF, or bytes
 * read and not yet taken. false for NULL and the file backend. */
bool terminal_input_open(const struct terminal *t);
void terminal_close(struct terminal *t); /* restores the tty; NULL is fine */
/* The monitor behind Ctrl-A c (machine/debug/monitor.h): input(opaque) gets
 * the bytes typed while it has the focus, focus(opaque, on) is told of each
 * switch. NULL input detaches it (the focus goes back to the guest). */
void terminal_attach_monitor(struct terminal *t, void (*input)(void *opaque, const uint8_t *buf, size_t len),
                             void (*focus)(void *opaque, bool monitor), void *opaque);
/* Text of rivet's own (the monitor's replies), written after the guest
 * output gathered so far; NULL is fine. */
void terminal_write_host(struct terminal *t, const char *text, size_t len);
/* Reads input now (non-blocking): when none is buffered, or with the mux
 * while the guest has not taken what is (it does not read its console),
 * into the buffer's free room, so that Ctrl-A keys and the monitor's input
 * still arrive until the buffer is full. */
void terminal_poll_input(struct terminal *t);
/* Async-signal-safe, any thread: writes out every open terminal's buffer
 * and restores the tty (rivet_restore_terminal). */
void terminal_restore_now(void);

/*
 * The Ctrl-A escape state machine, separate from any file descriptor so it
 * can be tested. mux_filter consumes `len` input bytes from `in` and writes
 * the bytes meant for the guest to `out` (at most len; out may equal in).
 * Messages for the user (help, "no monitor") go to msg(msg_opaque, text);
 * with a monitor hook set, Ctrl-A c switches the focus and input bytes go
 * to monitor(monitor_opaque, ...) while it has it;
 * Ctrl-A x calls quit(quit_opaque) once and drops the rest of the buffer.
 */
struct mux_state {
    bool escape; /* the previous byte was a lone Ctrl-A */
    bool quit_seen;
    void (*quit)(void *opaque);
    void *quit_opaque;
    void (*msg)(void *opaque, const char *text);
    void *msg_opaque;
    void (*monitor)(void *opaque, const uint8_t *buf, size_t len); /* NULL: no monitor */
    void (*focus)(void *opaque, bool monitor);
    void *monitor_opaque;
    bool monitor_focus; /* input goes to the monitor */
};

size_t mux_filter(struct mux_state *m, const uint8_t *in, size_t len, uint8_t *out);

#endif
