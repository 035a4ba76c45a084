/*
 * The virtio-pci transport, modern only (virtio 1.2 section 4.1): a PCI
 * function (pci.h) with vendor 0x1af4, device 0x1040 + the virtio device
 * id, revision 1, whose capabilities list points at the common, notify,
 * ISR and device config structures, all in one 64-bit prefetchable memory
 * BAR (BAR4, 16 KiB, as QEMU lays it out: common at 0, ISR at 0x1000,
 * device config at 0x2000, notifications at 0x3000 with a multiplier of 4),
 * plus the PCI configuration access capability. No MSI-X: the interrupt is
 * INTA, its level (ISR != 0) through the host's INTx swizzle; reading the
 * ISR clears it.
 *
 * Contract
 * - The transport does not own dev; dev is not NULL.
 * - Common config fields take accesses of their own size; the 64-bit
 *   queue addresses also two 32-bit halves. Unknown or odd-sized writes
 *   are dropped, reads past the structure read 0.
 * - Threading: under the function's lock (pci.h "Threads": the slot lock
 *   of the device it sits in); the same lock guards the device model.
 */
#ifndef RIVET_VIRTIO_PCI_H
#define RIVET_VIRTIO_PCI_H

#include <stdbool.h>
#include <stdint.h>

#include "devices/pci.h"
#include "devices/virtio.h"
#include "mmu/bus.h"

/* clang-format off */
#define VIRTIO_PCI_VENDOR      0x1af4
#define VIRTIO_PCI_DEVICE_BASE 0x1040
#define VIRTIO_PCI_BAR         4
#define VIRTIO_PCI_BAR_SIZE    0x4000
#define VIRTIO_PCI_COMMON      0x0000
#define VIRTIO_PCI_ISR         0x1000
#define VIRTIO_PCI_DEVICE      0x2000
#define VIRTIO_PCI_NOTIFY      0x3000
#define VIRTIO_PCI_NOTIFY_MULT 4
#define VIRTIO_PCI_CAP_PCI_CFG_AT 0x84 /* the PCI cfg access capability's offset */

/* Capability types (section 4.1.4). */
#define VIRTIO_PCI_CAP_COMMON_CFG 1
#define VIRTIO_PCI_CAP_NOTIFY_CFG 2
#define VIRTIO_PCI_CAP_ISR_CFG    3
#define VIRTIO_PCI_CAP_DEVICE_CFG 4
#define VIRTIO_PCI_CAP_PCI_CFG    5

/* Common configuration structure offsets (section 4.1.4.3). */
#define VPCI_DFSELECT     0x00
#define VPCI_DF           0x04
#define VPCI_GFSELECT     0x08
#define VPCI_GF           0x0c
#define VPCI_MSIX_CONFIG  0x10
#define VPCI_NUM_QUEUES   0x12
#define VPCI_STATUS       0x14
#define VPCI_CFG_GEN      0x15
#define VPCI_Q_SELECT     0x16
#define VPCI_Q_SIZE       0x18
#define VPCI_Q_MSIX       0x1a
#define VPCI_Q_ENABLE     0x1c
#define VPCI_Q_NOTIFY_OFF 0x1e
#define VPCI_Q_DESC       0x20
#define VPCI_Q_DRIVER     0x28
#define VPCI_Q_DEVICE     0x30
#define VPCI_COMMON_SIZE  0x3c
/* clang-format on */

struct virtio_pci;

struct virtio_pci *virtio_pci_create(struct bus *bus, struct virtio_device *dev);
void virtio_pci_destroy(struct virtio_pci *t); /* NULL is accepted */
/* The PCI function to attach to the host (pci_host_attach). */
struct pci_function *virtio_pci_function(struct virtio_pci *t);
/* A machine reset: the PCI header to power-on and the device reset. */
void virtio_pci_reset(struct virtio_pci *t);

/* Snapshots: the PCI header, the transport registers, the queues and the
 * config space (as virtio_mmio_save); restore checks everything and kicks
 * the ready queues of a running driver once. With the lock held. */
struct snapshot_writer;
struct snapshot_reader;
void virtio_pci_save(const struct virtio_pci *t, struct snapshot_writer *w);
bool virtio_pci_restore(struct virtio_pci *t, struct snapshot_reader *r);

#endif
