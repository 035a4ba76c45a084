/*
 * A PCI Express host bridge with an ECAM config window (PCI Firmware 3.x /
 * PCIe base spec 7.2.2, "Enhanced Configuration Access Mechanism"), as
 * QEMU's gpex on the virt board: bus 0 only, function 0 of each device,
 * the bridge itself at 00:00.0 (vendor 0x1b36, device 0x0008), and the
 * I/O and memory windows through which the guest reaches the functions'
 * BARs where it programmed them.
 *
 * A function (struct pci_function) is a 256-byte type-0 config header with
 * per-byte writable and write-1-to-clear masks; its device (virtio-pci,
 * virtio_pci.h) fills it with pci_function_init and friends and answers
 * BAR accesses through its ops.
 *
 * Semantics
 * - Config space: any access of 1, 2 or 4 bytes; an absent device,
 *   function or bus reads all-ones and drops writes; offsets 0x100..0xfff
 *   of a present function (PCIe extended space; none implemented) read 0.
 * - BARs: writing all-ones and reading back gives the size mask (the low
 *   type bits stay), a 64-bit BAR's upper dword is the high half of the
 *   mask. A memory BAR decodes only while COMMAND.MEM is set, an I/O BAR
 *   while COMMAND.IO is; a window access no BAR claims reads all-ones and
 *   is dropped (a master abort), as is one that runs past a BAR's end.
 *   The windows are identity-mapped (bus address = CPU address; I/O port
 *   = offset in the I/O window).
 * - INTx: Interrupt Pin (read-only, INTA..INTD) is swizzled to the host's
 *   four lines as the device tree's interrupt-map says: device d, pin p
 *   (1..4) drives line (d + p - 1) % 4. STATUS bit 3 is the function's
 *   interrupt state; COMMAND bit 10 (Interrupt Disable) keeps it off the
 *   line. Lines are wire-ORed over the functions sharing them.
 *
 * Threads (machine.h "Threads")
 * - A function's config header, BAR state and device are under its lock
 *   (fn->lock, the machine's slot lock for that device; the bridge's is
 *   the one given to pci_host_create). ECAM and window regions have no
 *   bus lock of their own: the host takes the lock of the function it
 *   addresses, one at a time, around each access (a window access tries
 *   the functions in device order, each under its own lock).
 * - The INTx wire-OR is under the host's intx lock, taken with a
 *   function's lock held: function lock -> intx lock -> PLIC lock.
 * - Attaching functions happens at creation, before any hart runs.
 */
#ifndef RIVET_PCI_H
#define RIVET_PCI_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "devices/irq.h"
#include "mmu/bus.h"

/* clang-format off */
#define PCI_CFG_SIZE        256
#define PCI_MAX_DEVS        32
#define PCI_NUM_BARS        6
#define PCI_VENDOR_ID       0x00
#define PCI_DEVICE_ID       0x02
#define PCI_COMMAND         0x04
#define PCI_STATUS          0x06
#define PCI_REVISION        0x08
#define PCI_CLASS_PROG      0x09
#define PCI_HEADER_TYPE     0x0e
#define PCI_BAR0            0x10
#define PCI_SUBSYS_VENDOR   0x2c
#define PCI_SUBSYS_ID       0x2e
#define PCI_CAP_PTR         0x34
#define PCI_INTERRUPT_LINE  0x3c
#define PCI_INTERRUPT_PIN   0x3d
#define PCI_CMD_IO          0x0001
#define PCI_CMD_MEM         0x0002
#define PCI_CMD_MASTER      0x0004
#define PCI_CMD_INTX_DIS    0x0400
#define PCI_STATUS_INTX     0x0008
#define PCI_STATUS_CAPS     0x0010
#define PCI_BAR_IO          0x1
#define PCI_BAR_MEM64       0x4
#define PCI_BAR_PREFETCH    0x8
/* clang-format on */

enum pci_bar_kind { PCI_BAR_NONE, PCI_BAR_KIND_IO, PCI_BAR_KIND_MEM32, PCI_BAR_KIND_MEM64 };

/* A function's device side. bar_* get the BAR index and the offset in it
 * (the access lies wholly inside), with the function's lock held;
 * cfg_read may replace the value a config read returns (value: the
 * header's bytes), cfg_write sees a config write after the header took it.
 * Any hook may be NULL. */
struct pci_function_ops {
    uint64_t (*bar_read)(void *opaque, unsigned bar, uint64_t off, unsigned size);
    void (*bar_write)(void *opaque, unsigned bar, uint64_t off, unsigned size, uint64_t value);
    uint32_t (*cfg_read)(void *opaque, unsigned off, unsigned size, uint32_t value);
    void (*cfg_write)(void *opaque, unsigned off, unsigned size, uint32_t value);
};

struct pci_host;

struct pci_function {
    uint8_t cfg[PCI_CFG_SIZE];
    uint8_t wmask[PCI_CFG_SIZE]; /* bits the guest may write */
    uint8_t w1c[PCI_CFG_SIZE];   /* bits a guest 1 clears */
    uint8_t power_on[PCI_CFG_SIZE];
    uint64_t bar_size[PCI_NUM_BARS]; /* a power of 2; 0: no BAR (or a 64-bit BAR's upper half) */
    uint8_t bar_kind[PCI_NUM_BARS];  /* enum pci_bar_kind */
    bool intx_level;                 /* what the device wants on its pin */
    unsigned devno;
    pthread_mutex_t *lock;
    const struct pci_function_ops *ops;
    void *opaque;
    struct pci_host *host;
};

/* A type-0 header: ids, class (24 bits: base, sub, prog-if), revision;
 * COMMAND's IO, MEM, MASTER and INTx-disable bits and Interrupt Line
 * writable; no BARs, no pin, no capabilities yet. */
void pci_function_init(struct pci_function *fn, uint16_t vendor, uint16_t device, uint32_t class_code, uint8_t revision,
                       const struct pci_function_ops *ops, void *opaque);
/* BAR i (i + 1 too for MEM64) of size bytes (a power of 2, >= 16 for
 * memory, >= 4 for I/O); prefetch for memory BARs. */
void pci_function_set_bar(struct pci_function *fn, unsigned i, enum pci_bar_kind kind, uint64_t size, bool prefetch);
/* Interrupt Pin: 1..4 = INTA..INTD. */
void pci_function_set_pin(struct pci_function *fn, uint8_t pin);
/* Call when the header is complete (the state reset returns to). */
void pci_function_done(struct pci_function *fn);

/* The device's interrupt wish (level); with the function's lock held. */
void pci_set_irq(struct pci_function *fn, bool level);
/* Back to power-on (pci_function_done's image), interrupt low. Lock held. */
void pci_function_reset(struct pci_function *fn);
/* The generic config access (also the unit tests'); lock held. */
uint32_t pci_config_read(struct pci_function *fn, unsigned off, unsigned size);
void pci_config_write(struct pci_function *fn, unsigned off, unsigned size, uint32_t value);
/* The bus address BAR i decodes now, or UINT64_MAX when it does not
 * decode (absent, disabled by COMMAND). */
uint64_t pci_bar_address(const struct pci_function *fn, unsigned i);

/* Snapshots: the header and the interrupt wish. restore checks that the
 * ids and the read-only bytes are this function's, and reads to the end
 * of r. Lock held. */
struct snapshot_writer;
struct snapshot_reader;
void pci_function_save(const struct pci_function *fn, struct snapshot_writer *w);
bool pci_function_restore(struct pci_function *fn, struct snapshot_reader *r);
/* The two halves of restore, for a device that saves more after the
 * header: read and check into locals, then (not dry, all read) apply. */
void pci_function_read_state(const struct pci_function *fn, struct snapshot_reader *r, uint8_t cfg[PCI_CFG_SIZE],
                             bool *level);
void pci_function_apply_state(struct pci_function *fn, const uint8_t cfg[PCI_CFG_SIZE], bool level);

/* The host with its bridge at 00:00.0 under bridge_lock; lines[0..3] are
 * INTA..INTD after the swizzle (PLIC sources 32..35 on virt). */
struct pci_host *pci_host_create(const struct irq_line lines[4], pthread_mutex_t *bridge_lock);
void pci_host_destroy(struct pci_host *h); /* NULL is accepted; functions are not owned */
/* Puts fn at device devno (1..31, free); false otherwise. */
bool pci_host_attach(struct pci_host *h, unsigned devno, struct pci_function *fn, pthread_mutex_t *lock);
struct pci_function *pci_host_function(struct pci_host *h, unsigned devno);
/* The bridge's own function (devno 0). */
struct pci_function *pci_host_bridge(struct pci_host *h);

/* Regions to put on the bus: the ECAM window, and the I/O and memory
 * windows (identity-mapped; the I/O window's offset is the port). */
struct mmio_region pci_host_ecam_region(struct pci_host *h, uint64_t base, uint64_t size);
enum pci_window { PCI_WIN_IO, PCI_WIN_MMIO, PCI_WIN_MMIO_HIGH, PCI_WIN_COUNT };
struct mmio_region pci_host_window_region(struct pci_host *h, enum pci_window w, uint64_t base, uint64_t size);

/* The region callbacks (the unit tests and the fuzz target call them). */
bus_status pci_ecam_read(void *opaque, uint64_t off, unsigned size, uint64_t *value);
bus_status pci_ecam_write(void *opaque, uint64_t off, unsigned size, uint64_t value);
bus_status pci_window_read(void *opaque, uint64_t off, unsigned size, uint64_t *value);
bus_status pci_window_write(void *opaque, uint64_t off, unsigned size, uint64_t value);

#endif
