/*
 * The machine: guest RAM on a bus, the harts, the HTIF device, the time
 * source, and the run loop that schedules the harts. The public face of it is
 * include/rivet.h; this header is for the rest of the core and for tests.
 *
 * Rules of the run loop (machine.c, rivet_run)
 * - Harts run round-robin, MACHINE_SLICE instructions at a time (less when
 *   --max-insns is near). With more than one hart, each hart's LR/SC
 *   reservation is dropped before it runs, since another hart may have
 *   written the reserved address in its slice (an SC may always fail
 *   spuriously, unprivileged spec "Zalrsc", so this is allowed).
 * - --max-insns counts retired instructions; a slice in which a runnable hart
 *   retires nothing (it traps in a loop) counts its whole budget, so the limit
 *   also ends a trap storm.
 * - Between rounds, never inside one: the exit request, a stop request, the
 *   instruction limit and the wall clock (read once per round) are checked,
 *   every hart's yield flag is cleared, and hart_tick() runs for every hart.
 * - A device wanting the loop's attention sets h->yield on every hart, so the
 *   current hart_run() returns at its next block boundary.
 * - When every hart sits in WFI (or is halted) with no enabled interrupt pending, the loop
 *   sleeps in steps of MACHINE_IDLE_NS instead of spinning. No device can
 *   raise an interrupt yet (the CLINT comes with the board), so such a guest
 *   sleeps until --timeout, or forever without one.
 * - No global state: everything hangs off struct machine.
 */
#ifndef RIVET_MACHINE_H
#define RIVET_MACHINE_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "cpu/hart.h"
#include "devices/htif.h"
#include "mmu/bus.h"
#include "rivet.h"

#define MACHINE_SLICE 10000ull       /* instructions per hart per round */
#define MACHINE_IDLE_NS 1000000l     /* sleep step while every hart waits: 1 ms */

struct machine {
    struct rivet_config cfg;
    struct bus bus;
    struct code_cache *cache;
    struct hart *harts;           /* cfg.nharts harts, linked through h->next */
    struct htif htif;
    bool has_htif;
    struct timespec start;        /* CLOCK_MONOTONIC at creation: time 0 of mtime */

    /* Set by HTIF (on the emulation thread) when the guest asks to exit. */
    bool exit_requested;
    uint64_t exit_code;
    /* Set by rivet_request_stop (any thread, signal handlers): the signal number. */
    volatile sig_atomic_t stop_signal;

    uint64_t retired;             /* instructions retired over all harts by rivet_run */
};

/* mtime in RIVET_TIMEBASE_HZ ticks since the machine was created (hart_env.read_time). */
uint64_t machine_read_time(void *opaque);

/* HTIF exit callback: records the code and yields every hart. */
void machine_request_exit(void *opaque, uint64_t code);

#endif
