/*
 * The board's debugging and determinism services (machine/debug/debug.c): the gdb
 * stub (gdbstub.h), the -icount clock, --expect-script (expect.h) and
 * --console-log. machine.c calls these few hooks; m->debug stays NULL, and
 * nothing here runs, unless one of them was asked for.
 *
 * -icount shift=N (QEMU's meaning): virtual time = (instructions retired over
 * all harts) * 2^N ns, plus the time skipped while every hart waited in WFI:
 * then the clock jumps straight to the next timer deadline instead of
 * sleeping. mtime, `time`, the CLINT, Sstc and the goldfish RTC (which starts
 * at the host's time at creation) all follow it, so a run with the same
 * inputs repeats exactly: the same output, the same instruction counts.
 */
#ifndef RIVET_DEBUG_H
#define RIVET_DEBUG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct machine;

/* After the console opened, before the UART copies m->console (which it may
 * wrap to tee output and inject input). Leaves m->debug NULL when nothing is
 * asked for. false + err on failure. */
bool machine_debug_create(struct machine *m, char *err, size_t errlen);
void machine_debug_destroy(struct machine *m);
/* The RTC's clock under -icount (virtual time) or -rtc clock=fixed; the
 * host's otherwise (nothing to do). The RTC's board row calls it once the
 * RTC exists (board.h: devices are created after machine_debug_create). */
void machine_debug_attach_rtc(struct machine *m);

/* Between rounds and before the first: the expect script and the gdb stub
 * (which may block while gdb holds the machine). true = end the run now
 * with *status (err says why, or is empty). */
bool machine_debug_round(struct machine *m, int *status, char *err, size_t errlen);
/* Its two halves, for the I/O thread with hart threads: the expect script
 * and the console log under m->locks.console, and the gdb stub with no lock
 * held (it stops the world, which a hart holding the console lock could
 * not join). */
bool machine_debug_console_round(struct machine *m, int *status, char *err, size_t errlen);
bool machine_debug_gdb_round(struct machine *m, int *status, char *err, size_t errlen);

/* Writes the --console-log output gathered so far (every round, and when
 * the run ends); a write error is noted once. */
void machine_debug_flush(struct machine *m);

/* Every hart waits: with -icount, jumps virtual time to the next deadline
 * and returns true (no sleep); false = sleep as usual. */
bool machine_debug_idle(struct machine *m);

/* -icount virtual time in ns (valid before machine_debug_create too). */
uint64_t machine_debug_virtual_ns(const struct machine *m);

#endif
