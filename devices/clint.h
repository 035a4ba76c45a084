/*
 * SiFive CLINT (core-local interruptor) as on QEMU's virt board.
 *
 * Registers (offsets from the region base):
 *   0x0000 + 4*hart   msip: bit 0 drives the hart's MSIP, other bits read 0
 *   0x4000 + 8*hart   mtimecmp (64-bit, also as two 4-byte halves)
 *   0xbff8            mtime    (64-bit, also as two 4-byte halves)
 * 4- and 8-byte accesses; offsets that name no register (or a hart beyond
 * nharts) read 0 and ignore writes, as QEMU does.
 *
 * mtime = time source + an offset that guest writes to mtime adjust.
 * The CLINT sets MTIP = (mtime >= mtimecmp) for each hart; because time moves
 * on its own, the board calls clint_update() between rounds, and asks
 * clint_next_deadline() how long an idle machine may sleep.
 *
 * Contract: drives harts only through the hart_port table (copied at
 * creation). Threading: any thread. One mutex guards mtimecmp, msip and
 * the update marks (the bus holds it around MMIO; the functions below take
 * it); mtime's offset is read atomically, so clint_mtime takes no lock.
 */
#ifndef RIVET_CLINT_H
#define RIVET_CLINT_H

#include <stdbool.h>
#include <stdint.h>

#include "devices/irq.h"
#include "mmu/bus.h"

#define CLINT_MSIP_BASE     0x0000
#define CLINT_MTIMECMP_BASE 0x4000
#define CLINT_MTIME         0xbff8

struct clint;

/* NULL when nharts is 0 or allocation fails. All mtimecmp start at UINT64_MAX. */
struct clint *clint_create(unsigned nharts, const struct hart_port *harts /* nharts entries, copied */,
                           struct time_source time);
void clint_destroy(struct clint *c);
/* Back to the state clint_create gives (a machine reset): every msip 0,
 * every mtimecmp UINT64_MAX, mtime = the time source again (the offset of
 * guest mtime writes dropped), MSIP and MTIP driven low. Any thread. */
void clint_reset(struct clint *c);
struct mmio_region clint_region(struct clint *c, uint64_t base, uint64_t size);
/* Current mtime (time source + offset from guest writes to mtime); the board
 * uses it as every hart's `time`. Takes a struct clint * as void * so it can
 * be a time_source read callback. */
uint64_t clint_mtime(void *clint);
/* MTIP of each hart = (mtime >= mtimecmp); called by the board between rounds
 * and internally after mtimecmp/mtime writes. */
void clint_update(struct clint *c);
/* The same for one hart (its own thread, with one thread per hart). */
void clint_update_hart(struct clint *c, unsigned hart);
/* Hart `hart`'s mtimecmp when its last update left MTIP low, else
 * UINT64_MAX (see clint_next_deadline). */
uint64_t clint_next_deadline_hart(struct clint *c, unsigned hart);
/* Smallest mtimecmp whose MTIP the last clint_update() has not raised, as
 * an absolute mtime value (compare with clint_mtime(): the wait is the
 * difference in timebase ticks, or none when it is already reached and the
 * next update raises it); UINT64_MAX when no hart has one (idle sleep). */
uint64_t clint_next_deadline(struct clint *c);

/* Snapshots (include/rivet/snapstream.h): the registers, mtime as it reads
 * now; restore makes mtime go on from the saved value. Any thread, with no
 * hart running (the world stopped). The harts' MTIP levels are part of the
 * harts' state. */
struct snapshot_writer;
struct snapshot_reader;
void clint_save(struct clint *c, struct snapshot_writer *w);
bool clint_restore(struct clint *c, struct snapshot_reader *r);

#endif
