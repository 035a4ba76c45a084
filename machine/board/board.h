/*
 * The virt board as one table of devices (board.c). Each row is one device:
 * its address-map entry (name, base, size, PLIC source), how many instances
 * it has, how it is created from the configuration, the MMIO region each
 * instance puts on the bus, the device-tree node each instance writes, and
 * its state save/restore hooks. The bus mapping (board_map_devices), the
 * device tree (fdt.c calls board_fdt_soc), the command line's -device lookup
 * (board_virtio_types, read by machine/cli/cli.c) and a future `info mtree`
 * (board_row, board_rows) read the same rows, so they cannot disagree.
 *
 * The devices in virtio-mmio slots are a second, smaller table: one row per
 * kind of virtio device (blk, rng, net, the display's input devices), which
 * the virtio-mmio row creates before it creates the transports.
 *
 * Adding a virtio device: its model in devices/, a board file in
 * machine/board/ (dev_NAME.c: its create/destroy hooks from the
 * configuration), one row in board_virtio_types[] (board.c). See
 * docs/ARCHITECTURE.md for the steps.
 *
 * Contract
 * - The tables are constant; every hook takes the machine, so two machines
 *   may live in one process (no state outside struct machine).
 * - Rows are in device-tree order (QEMU 7.2's /soc order): the bus regions
 *   and the tree's nodes come out in the same order for every configuration.
 * - create hooks run in table order, at rivet_create, on the creating thread,
 *   after the console is open; a false return has err filled and the machine
 *   is destroyed (every destroy hook must accept a half-created device).
 * - destroy hooks run in reverse table order.
 * - save/restore (snapshots: machine/board/snapshot.h) run on the I/O
 *   thread with the world stopped; save writes instance i's state into w,
 *   restore reads it back through the rules of include/rivet/snapstream.h
 *   (everything checked, nothing changed when r->dry). NULL: the row has no
 *   state (the test device, RAM, which the snapshot stores itself).
 * - reset hooks (a machine reset, machine.h "Reboot") put every instance
 *   back in the state create left it in, guest-visible state only: host
 *   backends (the console, disk images, the network) stay as they are.
 *   They run in table order, on the I/O thread, with no hart running, after
 *   the harts' own reset; NULL: nothing to reset (the ROM, which boot.c
 *   rewrites; the test device, which has no state).
 */
#ifndef RIVET_BOARD_H
#define RIVET_BOARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "machine/board/memmap.h"
#include "mmu/bus.h"

struct machine;
struct dt;              /* a device tree being written (fdt_node.h) */
struct snapshot_writer; /* a snapshot section's stream (include/rivet/snapstream.h) */
struct snapshot_reader;

/* Instance i's state into / out of a snapshot; false + err on failure. */
typedef bool (*board_save_fn)(const struct machine *m, unsigned i, struct snapshot_writer *w, char *err, size_t errlen);
typedef bool (*board_restore_fn)(struct machine *m, unsigned i, struct snapshot_reader *r, char *err, size_t errlen);

struct board_row {
    struct virt_memmap_entry map; /* instance i: base + i * stride, irq + i (irq 0: none) */
    unsigned count;               /* instances (0 counts as 1) */
    uint64_t stride;
    bool (*create)(struct machine *m, char *err, size_t errlen); /* NULL: nothing to create */
    void (*destroy)(struct machine *m);                          /* NULL-safe on what create left */
    /* Instance i's region at [base, base + size); NULL: no MMIO (RAM). */
    struct mmio_region (*region)(struct machine *m, unsigned i, uint64_t base, uint64_t size);
    /* Instance i's node under /soc (fdt_node.h); NULL: no node there. */
    void (*fdt_node)(struct dt *d, const struct board_row *row, unsigned i);
    board_save_fn save;
    board_restore_fn restore;
    void (*reset)(struct machine *m); /* every instance to its power-on state; NULL: none */
    bool root;                        /* fdt_node writes a node at the root, not under /soc (QEMU's fw-cfg) */
};

/* The row of a device, and the whole table (VIRT_DEV_COUNT rows, indexed
 * by enum virt_dev, in device-tree order). */
const struct board_row *board_row(enum virt_dev dev);
const struct board_row *board_rows(unsigned *count);

/* Instance i of a row: its base and PLIC source. */
static inline uint64_t board_base(const struct board_row *r, unsigned i) { return r->map.base + i * r->stride; }
static inline unsigned board_irq(const struct board_row *r, unsigned i) { return r->map.irq ? r->map.irq + i : 0; }

/* What a virtio device runs on: which host backend its -device names, and
 * so which configuration fields the command line fills for it. */
enum board_backend {
    BOARD_BACKEND_DRIVE,  /* a -drive: cfg.drives[] */
    BOARD_BACKEND_RNG,    /* an -object rng-random/rng-builtin: cfg.rng* */
    BOARD_BACKEND_NETDEV, /* a -netdev: cfg.net* */
    BOARD_BACKEND_NONE,   /* none: the display's input devices (not a -device), virtio-keyboard/tablet-pci */
};

/* A kind of device that sits in a virtio-mmio slot or, pci set, a PCI slot. name is its -device
 * name (NULL: not a -device, created from other options); ref_key the
 * option naming its backend (drive=, rng=, netdev=; NULL: none), which the
 * device needs when ref_required. */
struct board_virtio_type {
    const char *name;
    enum board_backend backend;
    const char *ref_key;
    bool ref_required;
    const char *const *options; /* further options it takes (NULL-ended; NULL: none) */
    /* Fills m->vdevs[slot] for the slots the configuration gives it (free
     * slots only); false + err on failure. */
    bool (*create)(struct machine *m, char *err, size_t errlen);
    /* Frees what create made and clears its m->vdevs slots. */
    void (*destroy)(struct machine *m);
    /* A virtio-pci device (-device NAME-pci): it takes a PCI slot (addr=,
     * bus=pcie.0), and the kind with the same backend creates it (create
     * and destroy NULL here). */
    bool pci;
};

/* The virtio device kinds in creation order (the display's devices take the
 * highest free slots, so they come after those the configuration places). */
const struct board_virtio_type *board_virtio_types(unsigned *count);
/* The -device kind called name, or NULL. */
const struct board_virtio_type *board_virtio_lookup(const char *name);

/* rivet_create: every row's create hook, then every region on m->bus. */
bool board_create_devices(struct machine *m, char *err, size_t errlen);
bool board_map_devices(struct machine *m, char *err, size_t errlen);
/* A machine reset: every row's reset hook, in table order. */
void board_reset_devices(struct machine *m);
/* rivet_destroy: every row's destroy hook, in reverse order. */
void board_destroy_devices(struct machine *m);

/* fdt.c: every row's nodes under /soc, in table order; a row's instances
 * highest first, as QEMU's tree lists the virtio-mmio slots (Linux probes
 * in tree order, so the slot QEMU gives the first -device is /dev/vda). */
void board_fdt_soc(struct dt *d);
/* fdt.c: the nodes of the rows whose node sits at the root (row.root). */
void board_fdt_root(struct dt *d);

#endif
