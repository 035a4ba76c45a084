/*
 * The reservation monitor of Zawrs (Zawrs 1.01): a hart that executes
 * WRS.NTO or WRS.STO with a valid reservation sleeps, like WFI, until a
 * store breaks its reservation set, an interrupt is pending, or (WRS.STO)
 * a short time has passed. It never spins a host core.
 *
 * How a store is seen
 * - The reservation set is the 64-byte block holding the LR's address
 *   (Za64rs). Before sleeping, the hart flags that block's page
 *   BUS_PAGE_RESV and drops the page from every hart's store TLB (the code
 *   cache does it, as for code pages), so from then on every store to the
 *   page reaches the bus: stores and DMA through bus_write/bus_dma_write,
 *   atomics through bus_note_store. The bus calls resv_note_store after the
 *   bytes changed, which ends the wait of every hart waiting on that block
 *   and wakes it (its SC then fails on the changed value, cpu/exec_int.c). A page with no waiter left loses its flag on
 *   the next store that finds none, so its stores take the fast path again.
 * - A store between the LR and the flag is not seen that way: the hart
 *   compares memory with what its LR read after flagging, and does not
 *   sleep when they differ. (A store of the same value leaves the hart
 *   waiting for a change, which is what it waits for anyway.)
 * - With thread=single the machine drops every hart's reservation before
 *   its slice (machine.h), since plain stores of other harts are not
 *   watched; a hart sleeping in WRS keeps its reservation, which is watched.
 *   SC itself compares the reserved value (cpu/exec_int.c).
 *
 * Threads (one per hart, machine/board/machine.h): the waiter flags the
 * page before it checks memory and storers notify after they write (both
 * seq_cst), so a store either shows in the check or reaches
 * resv_note_store, which clears the waiter's flags atomically and kicks
 * its thread (hart_kick). A page's RESV bit is cleared by an atomic AND.
 */
#ifndef RIVET_RESV_H
#define RIVET_RESV_H

#include <stdbool.h>
#include <stdint.h>

#include "cpu/hart.h"

#define RESV_SET_BYTES 64

/* WRS.STO's "short timeout": 10 us of mtime (100 ticks at 10 MHz), the
 * upper end of the range the Zawrs spec suggests for a cache miss x 100. */
#define RESV_STO_TICKS 100

/* The hart's reservation is valid: sleep until `deadline` (mtime ticks;
 * UINT64_MAX for none) unless memory no longer holds what the LR read.
 * Returns whether the hart sleeps (hart_wfi and hart_wrs set). Hart thread. */
bool resv_wait(struct hart *h, uint64_t deadline);

/* [paddr, paddr + len), within one RAM page, was written: wakes the harts
 * waiting on it. harts is the machine's list of n. Any thread, under the
 * code cache's lock. */
void resv_note_store(struct hart *const *harts, unsigned n, struct bus *bus, uint64_t paddr, uint64_t len);

#endif
