/*
 * The gdb stub: GDB's remote serial protocol over TCP (QEMU's -gdb, -s, -S).
 *
 * Contract
 * - All-stop: every hart is a thread (ids 1..N). A breakpoint, a watchpoint,
 *   a finished step, Ctrl-C (0x03) or a new connection stops every hart. The
 *   stop reply names the hart the event happened on and makes it the current
 *   one for g, G, p, P, m, M, X and for resuming (as QEMU's stub does: gdb
 *   sends no Hg after a stop). When several harts hit events before the
 *   machine stopped, one is reported and the others stay pending: the next
 *   resume of such a hart reports it at once, running nothing (a pending
 *   breakpoint stands only while the hart is still there and it is set).
 * - Resuming: vCont with per-thread actions (c, C, s, S, t; signals are not
 *   delivered); a hart no action names stays stopped (scheduler-locking).
 *   A step runs one instruction with interrupts off (QEMU's default
 *   single-step). Harts that continue while another steps run one round
 *   (a slice each) before the step is reported, so a hart spinning on a lock
 *   another holds can be stepped. Legacy c resumes every hart; s steps the
 *   Hc hart while the others run, as on QEMU. A hart resumed at the pc where
 *   it reported a breakpoint first steps over it.
 * - Stopping harts: the stub holds a hart (h->debug_hold: hart_run runs
 *   nothing) and ends its slice (hart_yield). On the round-robin loop the
 *   stub runs between rounds, where no hart runs: while the machine runs it
 *   polls the socket with a zero timeout every GDB_POLL_ROUNDS rounds (for
 *   Ctrl-C and new connections); while stopped it blocks in poll() serving
 *   packets.
 * - With one host thread per hart (machine.h, "Threads") the stub runs on
 *   the I/O thread (gdbstub_round, with no lock held): when a hart recorded
 *   an event (it wakes the I/O thread), the socket is readable or -S waits,
 *   it first stops the world, so every hart is parked while the stub
 *   reports, reads or writes state and serves packets; then it releases the
 *   world and held harts sleep. Steps run on the I/O thread with the world
 *   stopped; harts that continue meanwhile run until the next I/O round
 *   (about a millisecond) before the step is reported.
 * - Breakpoints (Z0, Z1) are virtual addresses, for every hart, compared
 *   with the pc: guest memory is never patched, so they work in any code,
 *   compressed or not, ROM included. Only blocks holding a breakpoint run one
 *   instruction at a time; everything else runs translated (cpu/run.c).
 *   Watchpoints (Z2 write, Z3 read, Z4 access) go through the mmu's watch
 *   hook (mmu.h): only accesses to watched pages leave the fast path.
 * - Memory (m, M, X) is accessed by virtual address through the selected
 *   hart's current translation (physical with paging off or in M-mode), RAM
 *   and byte-accessible devices only; anything else answers E14.
 * - Hostile input: bad checksums are NAKed ('-'), over-long packets are
 *   dropped and NAKed, malformed commands get an error reply (Enn), unknown
 *   ones the empty reply. Nothing a client sends can crash rivet or reach
 *   outside guest memory.
 * - k ends the run (rivet exits 0); D and a closed connection let the guest
 *   run on without breakpoints and wait for the next connection.
 */
#ifndef RIVET_GDBSTUB_H
#define RIVET_GDBSTUB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GDB_PACKET_SIZE  4096 /* largest packet body accepted (qSupported PacketSize) */
#define GDB_REPLY_SIZE   (2 * GDB_PACKET_SIZE + 64)
#define GDB_POLL_ROUNDS  16   /* rounds between socket polls while running */
#define GDB_DEFAULT_PORT 1234 /* -s */

struct machine;
struct gdbstub;

/* The packet framer, byte by byte: "$body#cc", Ctrl-C (0x03), acks. */
enum gdb_rx_event {
    GDB_RX_NONE,      /* nothing complete yet (or a stray byte skipped) */
    GDB_RX_PACKET,    /* rx->buf[0..len) is a checked packet body: ack with '+' */
    GDB_RX_BAD,       /* bad checksum, bad hex in it, or too long: answer '-' */
    GDB_RX_INTERRUPT, /* 0x03 outside a packet */
};

struct gdb_rx {
    int state;
    size_t len;
    bool overflow;
    uint8_t sum, want;
    char buf[GDB_PACKET_SIZE + 1]; /* NUL-terminated body */
};

void gdb_rx_init(struct gdb_rx *rx);
enum gdb_rx_event gdb_rx_byte(struct gdb_rx *rx, uint8_t c);

/* What a command asks of the run loop. */
enum gdb_action {
    GDB_ACT_REPLY,  /* reply filled (possibly empty: unsupported); stay as we are */
    GDB_ACT_RESUME, /* resume as gdbstub_resumes() says (reply empty: the stop reply comes later) */
    GDB_ACT_KILL,   /* end the run */
    GDB_ACT_DETACH, /* reply "OK", drop breakpoints, run on without gdb */
};

/* spec: "tcp:[HOST]:PORT" (HOST empty = 127.0.0.1), or NULL for a stub with
 * no socket (tests drive it with gdbstub_command). wait: -S. */
struct gdbstub *gdbstub_create(struct machine *m, const char *spec, bool wait, char *err, size_t errlen);
void gdbstub_destroy(struct gdbstub *g);

/* A client already connected on fd, which the stub takes over (tests hand
 * it one end of a socketpair): as with a new connection, the machine stops.
 * A second client is refused (fd closed). */
void gdbstub_attach(struct gdbstub *g, int fd);

/* Between rounds. Returns true when the run must end (k): *status is set. */
bool gdbstub_round(struct gdbstub *g, int *status);

/* One packet body (len bytes, any content) -> the reply body (NUL-terminated,
 * at most GDB_REPLY_SIZE - 1 characters) and what to do next. */
enum gdb_action gdbstub_command(struct gdbstub *g, const char *pkt, size_t len, char *reply);
/* After GDB_ACT_RESUME: what hart `hart` is to do, 'c' (continue), 's'
 * (step) or 0 (stay stopped). */
char gdbstub_resumes(const struct gdbstub *g, unsigned hart);

#endif
