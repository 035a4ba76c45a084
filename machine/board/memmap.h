/*
 * The one address map of the virt board: every device's name, base, size and
 * interrupt number, the same as QEMU 7.2's `virt` machine. The bus
 * registrations (machine.c) and the device-tree nodes (fdt.c) are both
 * generated from this table, so they cannot disagree.
 */
#ifndef RIVET_MEMMAP_H
#define RIVET_MEMMAP_H

#include <stdint.h>

#include "rivet.h"

enum virt_dev {
    VIRT_MROM,   /* boot ROM with the reset vector */
    VIRT_TEST,   /* sifive test: poweroff / reboot */
    VIRT_RTC,    /* goldfish RTC */
    VIRT_CLINT,
    VIRT_PLIC,
    VIRT_UART0,
    VIRT_VIRTIO, /* first of RIVET_VIRTIO_SLOTS slots, VIRT_VIRTIO_STRIDE apart */
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
#define VIRT_PLIC_SOURCES 96      /* sources 1..95; 0 is "no interrupt" */

static const struct virt_memmap_entry virt_memmap[VIRT_DEV_COUNT] = {
    [VIRT_MROM]   = { "mrom",        0x1000,     0xf000,    0 },
    [VIRT_TEST]   = { "test",        0x100000,   0x1000,    0 },
    [VIRT_RTC]    = { "rtc",         0x101000,   0x1000,    11 },
    [VIRT_CLINT]  = { "clint",       0x2000000,  0x10000,   0 },
    [VIRT_PLIC]   = { "plic",        0xc000000,  0x600000,  0 },
    [VIRT_UART0]  = { "serial",      0x10000000, 0x100,     10 },
    [VIRT_VIRTIO] = { "virtio_mmio", 0x10001000, 0x1000,    1 }, /* slot i: base + i*stride, irq 1 + i */
    [VIRT_DRAM]   = { "memory",      RIVET_RAM_BASE, 0,     0 }, /* size from -m */
};

#endif
