/*
 * SiFive PLIC as on QEMU's virt board (compatible "sifive,plic-1.0.0").
 *
 * nsources sources (source 0 means "none"), two contexts per hart:
 * context 2h is hart h in M-mode (drives MEIP), 2h+1 hart h in S-mode
 * (drives SEIP). Registers, 4-byte accesses only:
 *   0x000000 + 4*src        priority (3 bits, 0..7; 0 = never interrupts)
 *   0x001000 + 4*word       pending bits (read-only)
 *   0x002000 + 0x80*ctx     enable bits for the context
 *   0x200000 + 0x1000*ctx   priority threshold
 *   0x200004 + 0x1000*ctx   claim (read) / complete (write)
 * Offsets that name no register read 0 and ignore writes.
 *
 * Gateways are level-triggered: a source whose line is high becomes pending;
 * a claim clears the pending bit and the source is not forwarded again until
 * it is completed; on completion a still-high line makes it pending again.
 * A context's MEIP/SEIP = "some pending, enabled source has priority >
 * threshold", recomputed after every change.
 *
 * Contract: drives harts only through the hart_port table (copied). Devices
 * reach it only through plic_line(). Threading: any thread; one mutex
 * guards the state (the bus holds it around MMIO, plic_line's callback
 * takes it), taken after a device's own lock (mmu/bus.h).
 */
#ifndef RIVET_PLIC_H
#define RIVET_PLIC_H

#include <stdbool.h>
#include <stdint.h>

#include "devices/irq.h"
#include "mmu/bus.h"

#define PLIC_PRIORITY_BASE  0x000000
#define PLIC_PENDING_BASE   0x001000
#define PLIC_ENABLE_BASE    0x002000
#define PLIC_ENABLE_STRIDE  0x80
#define PLIC_CONTEXT_BASE   0x200000
#define PLIC_CONTEXT_STRIDE 0x1000
#define PLIC_CLAIM_OFFSET   0x4
#define PLIC_MAX_PRIORITY   7
#define PLIC_MAX_SOURCES    1024

struct plic;

/* NULL when nsources is 0 or beyond PLIC_MAX_SOURCES, nharts is 0, or
 * allocation fails. harts has nharts entries and is copied. */
struct plic *plic_create(unsigned nsources, unsigned nharts, const struct hart_port *harts);
void plic_destroy(struct plic *p);
/* Back to the state plic_create gives (a machine reset): priorities,
 * enables and thresholds 0, nothing pending or in service, every line
 * level forgotten (the devices' own resets lower them), MEIP and SEIP
 * driven low. Any thread; takes the PLIC's lock. */
void plic_reset(struct plic *p);
struct mmio_region plic_region(struct plic *p, uint64_t base, uint64_t size);
/* The input line of a source, for a device; source 1..nsources-1. An
 * out-of-range source gives a line whose changes are ignored. */
struct irq_line plic_line(struct plic *p, unsigned source);

/* Snapshots (include/rivet/snapstream.h): every register and the gateway
 * state; restore drives MEIP/SEIP from it. With no hart running. */
struct snapshot_writer;
struct snapshot_reader;
void plic_save(struct plic *p, struct snapshot_writer *w);
bool plic_restore(struct plic *p, struct snapshot_reader *r);

#endif
