/*
 * The hooks of the board table's rows (board.h), one group per device, each
 * in the device's board file: dev_fwcfg.c (fw_cfg), dev_soc.c (the ROM, CLINT, PLIC, UART,
 * virtio-mmio transports, RTC and test device), dev_blk.c, dev_rng.c and
 * dev_net.c (the virtio devices the configuration places in slots), dev_pci.c
 * (the PCIe host bridge and its virtio-pci functions), dev_pflash.c (the
 * flash banks). Only
 * board.c's tables call them.
 */
#ifndef RIVET_BOARD_DEVS_H
#define RIVET_BOARD_DEVS_H

#include "machine/board/board.h"

/* clang-format off */
#define BOARD_DEV_HOOKS(n)                                                                                   \
    bool bd_##n##_create(struct machine *m, char *err, size_t errlen);                                       \
    void bd_##n##_destroy(struct machine *m);                                                                \
    struct mmio_region bd_##n##_region(struct machine *m, unsigned i, uint64_t base, uint64_t size);         \
    void bd_##n##_fdt(struct dt *d, const struct board_row *row, unsigned i);
/* clang-format on */

/* The rows' snapshot hooks (board.h; the sifive test device has no state). */
/* clang-format off */
#define BOARD_DEV_SNAP(n)                                                                                    \
    bool bd_##n##_save(const struct machine *m, unsigned i, struct snapshot_writer *w, char *err,           \
                       size_t errlen);                                                                       \
    bool bd_##n##_restore(struct machine *m, unsigned i, struct snapshot_reader *r, char *err, size_t errlen);
/* clang-format on */
BOARD_DEV_SNAP(rom)
BOARD_DEV_SNAP(clint)
BOARD_DEV_SNAP(plic)
BOARD_DEV_SNAP(uart)
BOARD_DEV_SNAP(virtio)
BOARD_DEV_SNAP(rtc)
BOARD_DEV_SNAP(fw_cfg)
BOARD_DEV_SNAP(pci)
BOARD_DEV_SNAP(pflash)

BOARD_DEV_HOOKS(rom)
BOARD_DEV_HOOKS(clint)
BOARD_DEV_HOOKS(plic)
BOARD_DEV_HOOKS(uart)
BOARD_DEV_HOOKS(virtio)
BOARD_DEV_HOOKS(rtc)
BOARD_DEV_HOOKS(test)
BOARD_DEV_HOOKS(fw_cfg)
BOARD_DEV_HOOKS(pflash)
void bd_pflash_reset(struct machine *m);

/* The empty platform-bus node (dev_fwcfg.c, with the other QEMU-only nodes). */
void bd_platform_bus_fdt(struct dt *d, const struct board_row *row, unsigned i);
BOARD_DEV_HOOKS(pci)
/* The PCIe windows' regions (dev_pci.c). */
struct mmio_region bd_pci_pio_region(struct machine *m, unsigned i, uint64_t base, uint64_t size);
struct mmio_region bd_pci_mmio_region(struct machine *m, unsigned i, uint64_t base, uint64_t size);
struct mmio_region bd_pci_mmio_high_region(struct machine *m, unsigned i, uint64_t base, uint64_t size);

/* Reset hooks (board.h). */
void bd_clint_reset(struct machine *m);
void bd_plic_reset(struct machine *m);
void bd_uart_reset(struct machine *m);
void bd_virtio_reset(struct machine *m);
void bd_rtc_reset(struct machine *m);
void bd_fw_cfg_reset(struct machine *m);

/* boot.c, once the guest's device tree is placed: fw_cfg's etc/fdt. */
bool bd_fw_cfg_set_dtb(struct machine *m, char *err, size_t errlen);
/* boot.c, when bank 1 holds S-mode firmware: -kernel, -initrd and -append
 * as fw_cfg's KERNEL, INITRD and CMDLINE items (QEMU 7.2's keys). */
struct rivet_boot;
bool bd_fw_cfg_set_kernel(struct machine *m, const struct rivet_boot *b, char *err, size_t errlen);
void bd_pci_reset(struct machine *m);

/* Kinds of virtio device (board_virtio_types). */
bool bd_blk_create(struct machine *m, char *err, size_t errlen);
void bd_blk_destroy(struct machine *m);
bool bd_rng_create(struct machine *m, char *err, size_t errlen);
void bd_rng_destroy(struct machine *m);
bool bd_net_create(struct machine *m, char *err, size_t errlen);
void bd_net_destroy(struct machine *m);
bool bd_input_create(struct machine *m, char *err, size_t errlen);
void bd_input_destroy(struct machine *m);

/* The virtio-mmio row runs every kind's create before its transports, and
 * every kind's destroy after them (board.c). */
bool board_virtio_create_types(struct machine *m, char *err, size_t errlen);
void board_virtio_destroy_types(struct machine *m);

/* A device's or backend's runtime problem, as one note (machine_note):
 * the note callback devices and host backends take. */
void board_device_note(void *machine, const char *line);

#endif
