/*
 * Interrupt wiring, as small objects the board connects.
 *
 * - A device holds a `struct irq_line` and raises or lowers it (level
 *   semantics). The line belongs to an interrupt controller (the PLIC), which
 *   receives (source, level) through its callback.
 * - The controllers (CLINT, PLIC) drive harts through a `struct hart_port`:
 *   set or clear bits of the hart's mip. That is the only way a device reaches
 *   a hart; no device includes cpu/ headers. The board fills hart_port with
 *   hart_set_pending/hart_clear_pending.
 * - Threads (machine/board/machine.h): any thread may raise or lower a line
 *   (a hart thread in a device's MMIO handler, the I/O thread for console
 *   and network input). The controller serialises what it keeps (the
 *   PLIC's lock); the hart side is atomic (hart_set_pending and
 *   hart_clear_pending, which also wake a sleeping hart thread).
 */
#ifndef RIVET_IRQ_H
#define RIVET_IRQ_H

#include <stdbool.h>
#include <stdint.h>

struct irq_line {
    void (*set_level)(void *ctrl, unsigned source, bool level);
    void *ctrl;
    unsigned source;
};

static inline void irq_set(const struct irq_line *l, bool level)
{
    if (l && l->set_level)
        l->set_level(l->ctrl, l->source, level);
}
static inline void irq_raise(const struct irq_line *l) { irq_set(l, true); }
static inline void irq_lower(const struct irq_line *l) { irq_set(l, false); }

struct hart_port {
    void (*set_pending)(void *hart, uint64_t mip_bits);
    void (*clear_pending)(void *hart, uint64_t mip_bits);
    void *hart;
};

static inline void hart_port_set(const struct hart_port *p, uint64_t bits, bool on)
{
    if (on)
        p->set_pending(p->hart, bits);
    else
        p->clear_pending(p->hart, bits);
}

/* The board's clock, in timebase ticks (10 MHz). */
struct time_source {
    uint64_t (*read)(void *opaque);
    void *opaque;
};

#endif
