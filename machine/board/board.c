/*
 * The virt board's table of devices (board.h): the rows, and the walkers
 * that create, map, describe and destroy what the rows say. Addresses and
 * interrupt numbers are QEMU 7.2's `virt` machine; each row's hooks live in
 * the device's board file (board_devs.h lists them).
 */
#include "machine/board/board.h"

#include <string.h>

#include "devices/fw_cfg.h"
#include "devices/pflash.h"
#include "machine/board/board_devs.h"
#include "machine/board/machine.h"
#include "machine/host/display.h"

/* clang-format off */
static const struct board_row rows[VIRT_DEV_COUNT] = {
    [VIRT_MROM]   = { { "mrom",        0x1000,         0xf000,   0 },  1, 0,
                      bd_rom_create, bd_rom_destroy, bd_rom_region, NULL, bd_rom_save, bd_rom_restore, NULL },
    [VIRT_CLINT]  = { { "clint",       0x2000000,      0x10000,  0 },  1, 0,
                      bd_clint_create, bd_clint_destroy, bd_clint_region, bd_clint_fdt, bd_clint_save, bd_clint_restore,
                      bd_clint_reset },
    [VIRT_PLIC]   = { { "plic",        0xc000000,      0x600000, 0 },  1, 0,
                      bd_plic_create, bd_plic_destroy, bd_plic_region, bd_plic_fdt, bd_plic_save, bd_plic_restore,
                      bd_plic_reset },
    [VIRT_UART0]  = { { "serial",      0x10000000,     0x100,    10 }, 1, 0,
                      bd_uart_create, bd_uart_destroy, bd_uart_region, bd_uart_fdt, bd_uart_save, bd_uart_restore,
                      bd_uart_reset },
    [VIRT_VIRTIO] = { { "virtio_mmio", 0x10001000,     0x1000,   1 },  RIVET_VIRTIO_SLOTS, VIRT_VIRTIO_STRIDE,
                      bd_virtio_create, bd_virtio_destroy, bd_virtio_region, bd_virtio_fdt, bd_virtio_save,
                      bd_virtio_restore, bd_virtio_reset },
    /* PCIe (dev_pci.c): the ECAM row writes the node, makes the host and
     * keeps the state; the windows' rows are its bus regions. */
    [VIRT_PCIE_ECAM] = { { "pci",           0x30000000,     0x10000000,  32 }, 1, 0,
                      bd_pci_create, bd_pci_destroy, bd_pci_region, bd_pci_fdt, bd_pci_save, bd_pci_restore,
                      bd_pci_reset },
    [VIRT_PCIE_PIO]  = { { "pcie-pio",      0x3000000,      0x10000,     0 },  1, 0,
                      NULL, NULL, bd_pci_pio_region, NULL, NULL, NULL, NULL },
    [VIRT_PCIE_MMIO] = { { "pcie-mmio",     0x40000000,     0x40000000,  0 },  1, 0,
                      NULL, NULL, bd_pci_mmio_region, NULL, NULL, NULL, NULL },
    [VIRT_PCIE_MMIO_HIGH] = { { "pcie-mmio-high", 0x400000000, 0x400000000, 0 }, 1, 0,
                      NULL, NULL, bd_pci_mmio_high_region, NULL, NULL, NULL, NULL },
    [VIRT_RTC]    = { { "rtc",         0x101000,       0x1000,   11 }, 1, 0,
                      bd_rtc_create, bd_rtc_destroy, bd_rtc_region, bd_rtc_fdt, bd_rtc_save, bd_rtc_restore,
                      bd_rtc_reset },
    [VIRT_TEST]   = { { "test",        0x100000,       0x1000,   0 },  1, 0,
                      bd_test_create, bd_test_destroy, bd_test_region, bd_test_fdt, NULL, NULL, NULL },
    [VIRT_FW_CFG] = { { "fw-cfg",      0x10100000,     FW_CFG_MMIO_SIZE, 0 }, 1, 0,
                      bd_fw_cfg_create, bd_fw_cfg_destroy, bd_fw_cfg_region, bd_fw_cfg_fdt, bd_fw_cfg_save,
                      bd_fw_cfg_restore, bd_fw_cfg_reset, true },
    /* QEMU's window for -device sysbus devices: rivet has none, the node is
     * there (empty) because QEMU's tree has it. Nothing is mapped. */
    [VIRT_PLATFORM_BUS] = { { "platform-bus", 0x4000000, 0x2000000, 0 }, 1, 0,
                      NULL, NULL, NULL, bd_platform_bus_fdt, NULL, NULL, NULL, true },
    /* Two 32 MiB banks, one node (dev_pflash.c). */
    [VIRT_FLASH]  = { { "flash",       0x20000000,     PFLASH_BANK_SIZE, 0 }, RIVET_PFLASH_BANKS, PFLASH_BANK_SIZE,
                      bd_pflash_create, bd_pflash_destroy, bd_pflash_region, bd_pflash_fdt, bd_pflash_save,
                      bd_pflash_restore, bd_pflash_reset, true },
    /* RAM: the bus's own (bus_init), its size from -m; fdt.c writes /memory. */
    [VIRT_DRAM]   = { { "memory",      RIVET_RAM_BASE, 0,        0 },  1, 0,
                      NULL, NULL, NULL, NULL, NULL, NULL, NULL },
};

static const char *const net_options[] = { "mac", NULL };

static const struct board_virtio_type virtio_types[] = {
    { "virtio-blk-device", BOARD_BACKEND_DRIVE,  "drive",  true,  NULL,
      bd_blk_create, bd_blk_destroy, false },
    { "virtio-rng-device", BOARD_BACKEND_RNG,    "rng",    false, NULL,
      bd_rng_create, bd_rng_destroy, false },
    { "virtio-net-device", BOARD_BACKEND_NETDEV, "netdev", true,  net_options,
      bd_net_create, bd_net_destroy, false },
    /* The same models behind virtio-pci (dev_pci.c): the rows above create
     * them for PCI slots too; these only name them for -device. */
    { "virtio-blk-pci",    BOARD_BACKEND_DRIVE,  "drive",  true,  NULL,        NULL, NULL, true },
    { "virtio-rng-pci",    BOARD_BACKEND_RNG,    "rng",    false, NULL,        NULL, NULL, true },
    { "virtio-net-pci",    BOARD_BACKEND_NETDEV, "netdev", true,  net_options, NULL, NULL, true },
    /* A keyboard, a tablet and a mouse on PCI (cfg.input_slot): dev_pci.c's hooks make them. */
    { "virtio-keyboard-pci", BOARD_BACKEND_NONE, NULL,     false, NULL, bd_input_create, bd_input_destroy, true },
    { "virtio-tablet-pci",   BOARD_BACKEND_NONE, NULL,     false, NULL, NULL, NULL, true },
    { "virtio-mouse-pci",    BOARD_BACKEND_NONE, NULL,     false, NULL, NULL, NULL, true },
    /* -display / -fb: a keyboard and a tablet in the highest free slots. */
    { NULL,                BOARD_BACKEND_NONE,   NULL,     false, NULL, display_board_create, display_board_destroy, false },
};
/* clang-format on */

#define NTYPES (sizeof virtio_types / sizeof virtio_types[0])

const struct board_row *board_row(enum virt_dev dev) { return &rows[dev]; }

const struct virt_memmap_entry *virt_map(enum virt_dev dev) { return &rows[dev].map; }

const struct board_row *board_rows(unsigned *count)
{
    *count = VIRT_DEV_COUNT;
    return rows;
}

static unsigned instances(const struct board_row *r) { return r->count ? r->count : 1; }

const struct board_virtio_type *board_virtio_types(unsigned *count)
{
    *count = NTYPES;
    return virtio_types;
}

const struct board_virtio_type *board_virtio_lookup(const char *name)
{
    for (unsigned i = 0; i < NTYPES; i++)
        if (virtio_types[i].name && !strcmp(virtio_types[i].name, name))
            return &virtio_types[i];
    return NULL;
}

bool board_create_devices(struct machine *m, char *err, size_t errlen)
{
    for (unsigned i = 0; i < VIRT_DEV_COUNT; i++)
        if (rows[i].create && !rows[i].create(m, err, errlen))
            return false;
    return true;
}

bool board_map_devices(struct machine *m, char *err, size_t errlen)
{
    for (unsigned d = 0; d < VIRT_DEV_COUNT; d++) {
        const struct board_row *r = &rows[d];
        for (unsigned i = 0; r->region && i < instances(r); i++) {
            struct mmio_region reg = r->region(m, i, board_base(r, i), r->map.size);
            if (!bus_add_region(&m->bus, &reg)) {
                machine_err(err, errlen, "cannot map device %s at 0x%llx", reg.name, (unsigned long long)reg.base);
                return false;
            }
        }
    }
    return true;
}

void board_reset_devices(struct machine *m)
{
    for (unsigned i = 0; i < VIRT_DEV_COUNT; i++)
        if (rows[i].reset)
            rows[i].reset(m);
}

void board_destroy_devices(struct machine *m)
{
    for (unsigned i = VIRT_DEV_COUNT; i-- > 0;)
        if (rows[i].destroy)
            rows[i].destroy(m);
}

static void fdt_rows(struct dt *d, bool root)
{
    for (unsigned k = 0; k < VIRT_DEV_COUNT; k++) {
        const struct board_row *r = &rows[k];
        for (unsigned i = instances(r); r->fdt_node && r->root == root && i-- > 0;)
            r->fdt_node(d, r, i);
    }
}

void board_fdt_soc(struct dt *d) { fdt_rows(d, false); }

void board_fdt_root(struct dt *d) { fdt_rows(d, true); }

/* The virtio-mmio row's create: the slots' devices, each kind in turn,
 * then one transport per slot (an empty slot answers device ID 0). */
bool board_virtio_create_types(struct machine *m, char *err, size_t errlen)
{
    for (unsigned i = 0; i < NTYPES; i++)
        if (virtio_types[i].create && !virtio_types[i].create(m, err, errlen))
            return false;
    return true;
}

void board_virtio_destroy_types(struct machine *m)
{
    for (unsigned i = NTYPES; i-- > 0;)
        if (virtio_types[i].destroy)
            virtio_types[i].destroy(m);
}

void board_device_note(void *machine, const char *line) { machine_note(machine, "%s", line); }
