/*
 * The virt board's device tree, built with libfdt from the board table
 * (board.h: each row writes its own node under /soc through fdt_node.h) and
 * the machine configuration: what QEMU 7.2's `virt` machine
 * describes (cpus with their interrupt controllers, memory, /soc with the
 * CLINT, PLIC, UART, virtio-mmio slots, RTC and test device, poweroff and
 * reboot through syscon, /chosen).
 *
 * Contract
 * - Only fdt.c includes libfdt. Blobs are malloc'd; the caller frees them.
 * - Errors: NULL/false and one line in err (no "rivet: " prefix).
 */
#ifndef RIVET_FDT_H
#define RIVET_FDT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cpu/isa.h"

struct dtb_params {
    unsigned nharts;
    uint64_t ram_base, ram_size;
    const struct isa_set *isa; /* the harts' extensions (riscv,isa and kin) */
};

/* The generated tree; /chosen holds stdout-path only. */
void *dtb_build_virt(const struct dtb_params *p, size_t *size, char *err, size_t errlen);

/* A copy of blob with /chosen (created when missing) holding bootargs (when
 * non-NULL) and linux,initrd-start/-end (when initrd_end > initrd_start). */
void *dtb_set_chosen(const void *blob, const char *bootargs, uint64_t initrd_start, uint64_t initrd_end, size_t *size,
                     char *err, size_t errlen);

/* A simple framebuffer (format x8r8g8b8) in the RAM range [base, base + size). */
struct dtb_framebuffer {
    uint64_t base, size;
    unsigned width, height, stride;
};

/* A copy of blob with /reserved-memory/framebuffer@BASE (no-map) and a
 * /framebuffer@BASE simple-framebuffer node. */
void *dtb_add_framebuffer(const void *blob, const struct dtb_framebuffer *fb, size_t *size, char *err, size_t errlen);

/* True when data[0..size) is a complete, well-formed device tree blob
 * (fdt_check_full), so a user's -dtb file can be handed to libfdt safely. */
bool dtb_valid(const void *data, size_t size);

#endif
