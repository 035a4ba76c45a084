/*
 * The address map of the virt board: every device's name, base, size and
 * interrupt number, the same as QEMU 7.2's `virt` machine. The entries are
 * the `map` of the board table's rows (board.c), from which the bus
 * registrations and the device-tree nodes are both generated, so they
 * cannot disagree.
 */
#ifndef RIVET_MEMMAP_H
#define RIVET_MEMMAP_H

#include <stdint.h>

#include "rivet.h"

/* In device-tree order (board.h): the rows of the board table. */
enum virt_dev {
    VIRT_MROM, /* boot ROM with the reset vector */
    VIRT_CLINT,
    VIRT_PLIC,
    VIRT_UART0,
    VIRT_VIRTIO,         /* first of RIVET_VIRTIO_SLOTS slots, VIRT_VIRTIO_STRIDE apart */
    VIRT_PCIE_ECAM,      /* the PCIe host bridge's config space; irq: INTA's source (INTA..INTD: 4) */
    VIRT_PCIE_PIO,       /* its I/O window */
    VIRT_PCIE_MMIO,      /* its 32-bit memory window */
    VIRT_PCIE_MMIO_HIGH, /* its 64-bit memory window (virt_pcie_high_base: above RAM) */
    VIRT_RTC,            /* goldfish RTC */
    VIRT_TEST,           /* sifive test: poweroff / reboot */
    VIRT_FW_CFG,         /* QEMU's fw_cfg (a node at the root, as QEMU's) */
    VIRT_PLATFORM_BUS,   /* QEMU's dynamic sysbus window: an empty node, no devices */
    VIRT_FLASH,          /* the two CFI flash banks (one node at the root, as QEMU's) */
    VIRT_DRAM,
    VIRT_DEV_COUNT,
};

struct virt_memmap_entry {
    const char *name;
    uint64_t base, size;
    unsigned irq; /* PLIC source, 0 = none */
};

/* The slot count, the timebase and the RAM base are the library's
 * (include/rivet.h: RIVET_VIRTIO_SLOTS, RIVET_TIMEBASE_HZ, RIVET_RAM_BASE). */
#define VIRT_VIRTIO_STRIDE 0x1000
#define VIRT_PLIC_SOURCES  96 /* sources 1..95; 0 is "no interrupt" */

/* Where the 64-bit PCIe window starts: its map base, or above a RAM that
 * reaches it, aligned to its size (QEMU 7.2's virt does the same). */
static inline uint64_t virt_pcie_high_base(uint64_t base, uint64_t size, uint64_t ram_size)
{
    uint64_t ram_end = RIVET_RAM_BASE + ram_size;
    return ram_end <= base ? base : (ram_end + size - 1) / size * size;
}

/* The map entry of a device (its board row's, board.c). */
const struct virt_memmap_entry *virt_map(enum virt_dev dev);

#endif
