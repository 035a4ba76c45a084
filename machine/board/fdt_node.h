/*
 * The small device-tree helper each board row's fdt_node hook writes its
 * node with (board.h). The tree is written in one pass (libfdt's
 * sequential-write API, behind fdt.c): the first error sticks and every
 * later call does nothing, so a hook never checks results.
 *
 * Contract
 * - Only fdt.c includes libfdt; hooks see struct dt through these calls.
 * - A hook opens its node with dt_begin_dev, which also writes reg, adds
 *   properties, and closes it with dt_end. Called from dtb_build_virt only.
 * - Phandles and per-hart interrupt wiring come from the tree's parameters
 *   (the harts), so a hook needs nothing else from the machine.
 */
#ifndef RIVET_FDT_NODE_H
#define RIVET_FDT_NODE_H

#include <stddef.h>
#include <stdint.h>

struct dt;

/* Node NAME@BASE (hex) with reg = <base size> (2 address and size cells). */
void dt_begin_dev(struct dt *d, const char *name, uint64_t base, uint64_t size);
/* Node NAME@BASE with no reg (a bus node: platform-bus). */
void dt_begin_at(struct dt *d, const char *name, uint64_t base);
void dt_end(struct dt *d);
/* n cells (at most 32), big-endian as the tree stores them. */
void dt_cells(struct dt *d, const char *name, const uint32_t *cells, unsigned n);
void dt_str(struct dt *d, const char *name, const char *value);
/* A string list given as "a\0b" with its length including the last NUL. */
void dt_strs(struct dt *d, const char *name, const char *list, size_t len);
void dt_empty(struct dt *d, const char *name);
void dt_u32(struct dt *d, const char *name, uint32_t v);
/* A property of n 32-bit cells (any n: the PCI interrupt-map). */
void dt_u32s(struct dt *d, const char *name, const uint32_t *cells, unsigned n);
/* The RAM size the tree describes (the high PCIe window sits above RAM). */
uint64_t dt_ram_size(const struct dt *d);
/* interrupts = <irq>, interrupt-parent = the PLIC. */
void dt_plic_irq(struct dt *d, unsigned irq);
/* interrupts-extended = <intc(h) a intc(h) b> for every hart h. */
void dt_per_hart_irqs(struct dt *d, uint32_t a, uint32_t b);
/* The phandles the board's nodes name: the PLIC (interrupt-parent of every
 * device) and the test device (regmap of /poweroff and /reboot). */
uint32_t dt_phandle_plic(const struct dt *d);
uint32_t dt_phandle_test(const struct dt *d);

#endif
