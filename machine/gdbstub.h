/*
 * The gdb stub: GDB's remote serial protocol over TCP (QEMU's -gdb, -s, -S).
 *
 * Contract
 * - All-stop: every hart is a thread (ids 1..N). When gdb stops the machine
 *   (a breakpoint, a watchpoint, a finished step, Ctrl-C, a new connection)
 *   no hart runs until gdb resumes it with c, s or vCont.
 * - The stub runs on the emulation thread between rounds (gdbstub_round):
 *   while the machine runs it polls the socket with a zero timeout every
 *   GDB_POLL_ROUNDS rounds (for Ctrl-C and new connections); while stopped it
 *   blocks in poll() serving packets.
 * - Breakpoints (Z0, Z1) are a list of addresses compared with the pc before
 *   each instruction: guest memory is never patched, so they work in any code,
 *   compressed or not, ROM included. Watchpoints (Z2 write, Z3 read, Z4
 *   access) go through the mmu's watch hook (mmu.h). While any is set, or a
 *   step is in progress, every hart runs the debug path of hart_run (hart.h);
 *   otherwise the block path runs untouched.
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

#define GDB_PACKET_SIZE 4096  /* largest packet body accepted (qSupported PacketSize) */
#define GDB_REPLY_SIZE (2 * GDB_PACKET_SIZE + 64)
#define GDB_POLL_ROUNDS 16    /* rounds between socket polls while running */
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
    GDB_ACT_RESUME, /* continue every hart (reply empty: the stop reply comes later) */
    GDB_ACT_STEP,   /* step the hart gdbstub_step_hart() names, then reply with a stop */
    GDB_ACT_KILL,   /* end the run */
    GDB_ACT_DETACH, /* reply "OK", drop breakpoints, run on without gdb */
};

/* spec: "tcp:[HOST]:PORT" (HOST empty = 127.0.0.1), or NULL for a stub with
 * no socket (tests drive it with gdbstub_command). wait: -S. */
struct gdbstub *gdbstub_create(struct machine *m, const char *spec, bool wait, char *err, size_t errlen);
void gdbstub_destroy(struct gdbstub *g);

/* Between rounds. Returns true when the run must end (k): *status is set. */
bool gdbstub_round(struct gdbstub *g, int *status);

/* One packet body (len bytes, any content) -> the reply body (NUL-terminated,
 * at most GDB_REPLY_SIZE - 1 characters) and what to do next. */
enum gdb_action gdbstub_command(struct gdbstub *g, const char *pkt, size_t len, char *reply);
unsigned gdbstub_step_hart(const struct gdbstub *g);

#endif
