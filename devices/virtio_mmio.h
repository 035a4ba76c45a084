/*
 * The virtio-mmio transport (virtio 1.2 section 4.2): version 2 (modern) or
 * version 1 (legacy, section 4.2.4), as QEMU's virt board places it.
 *
 * Contract
 * - One transport per slot; dev NULL makes an empty slot (DeviceID 0), which
 *   Linux skips. The transport does not own dev (destroy it separately,
 *   after the transport).
 * - Registers are 32-bit accesses; the config space at 0x100 also takes 1-,
 *   2- and 8-byte accesses. Other accesses read 0 and are ignored (as QEMU).
 * - The interrupt line level is (InterruptStatus != 0).
 * - A guest write to QueueNotify runs dev->notify() synchronously.
 * - Threading: emulation thread only.
 */
#ifndef RIVET_VIRTIO_MMIO_H
#define RIVET_VIRTIO_MMIO_H

#include <stdbool.h>
#include <stdint.h>

#include "devices/irq.h"
#include "devices/virtio.h"
#include "mmu/bus.h"

/* Register offsets (section 4.2.2; legacy ones from 4.2.4). */
#define VIRTIO_MMIO_MAGIC_VALUE         0x000
#define VIRTIO_MMIO_VERSION             0x004
#define VIRTIO_MMIO_DEVICE_ID           0x008
#define VIRTIO_MMIO_VENDOR_ID           0x00c
#define VIRTIO_MMIO_DEVICE_FEATURES     0x010
#define VIRTIO_MMIO_DEVICE_FEATURES_SEL 0x014
#define VIRTIO_MMIO_DRIVER_FEATURES     0x020
#define VIRTIO_MMIO_DRIVER_FEATURES_SEL 0x024
#define VIRTIO_MMIO_GUEST_PAGE_SIZE     0x028 /* legacy */
#define VIRTIO_MMIO_QUEUE_SEL           0x030
#define VIRTIO_MMIO_QUEUE_NUM_MAX       0x034
#define VIRTIO_MMIO_QUEUE_NUM           0x038
/* clang-format off */
#define VIRTIO_MMIO_QUEUE_ALIGN         0x03c   /* legacy */
#define VIRTIO_MMIO_QUEUE_PFN           0x040   /* legacy */
/* clang-format on */
#define VIRTIO_MMIO_QUEUE_READY         0x044
#define VIRTIO_MMIO_QUEUE_NOTIFY        0x050
#define VIRTIO_MMIO_INTERRUPT_STATUS    0x060
#define VIRTIO_MMIO_INTERRUPT_ACK       0x064
#define VIRTIO_MMIO_STATUS              0x070
#define VIRTIO_MMIO_QUEUE_DESC_LOW      0x080
#define VIRTIO_MMIO_QUEUE_DESC_HIGH     0x084
#define VIRTIO_MMIO_QUEUE_DRIVER_LOW    0x090
#define VIRTIO_MMIO_QUEUE_DRIVER_HIGH   0x094
#define VIRTIO_MMIO_QUEUE_DEVICE_LOW    0x0a0
#define VIRTIO_MMIO_QUEUE_DEVICE_HIGH   0x0a4
#define VIRTIO_MMIO_SHM_SEL             0x0ac
#define VIRTIO_MMIO_SHM_LEN_LOW         0x0b0
#define VIRTIO_MMIO_SHM_LEN_HIGH        0x0b4
#define VIRTIO_MMIO_SHM_BASE_LOW        0x0b8
#define VIRTIO_MMIO_SHM_BASE_HIGH       0x0bc
#define VIRTIO_MMIO_CONFIG_GENERATION   0x0fc
#define VIRTIO_MMIO_CONFIG              0x100

#define VIRTIO_MMIO_MAGIC  0x74726976u /* "virt" */
#define VIRTIO_MMIO_VENDOR 0x554d4551u /* "QEMU" */

struct virtio_mmio;

/* legacy: version 1 (force-legacy), unless dev is modern_only (virtio.h). */
struct virtio_mmio *virtio_mmio_create(struct bus *bus, struct irq_line irq, struct virtio_device *dev, bool legacy);
void virtio_mmio_destroy(struct virtio_mmio *t); /* NULL is accepted */
/* A machine reset: what a guest's write of 0 to Status does (the device's
 * own reset hook included), and the legacy page size back to 4096. NULL is
 * accepted. */
void virtio_mmio_reset(struct virtio_mmio *t);
/* The region to register on the bus (name "virtio_mmio"). */
struct mmio_region virtio_mmio_region(struct virtio_mmio *t, uint64_t base, uint64_t size);

/* The register callbacks (also used by the unit tests). */
bus_status virtio_mmio_read(void *opaque, uint64_t offset, unsigned size, uint64_t *value);
bus_status virtio_mmio_write(void *opaque, uint64_t offset, unsigned size, uint64_t value);

/* Snapshots (include/rivet/snapstream.h): the registers, every queue's
 * addresses and indexes, and the config space. A chain the device popped
 * and has not answered (virtio_device.held) is saved as not yet popped.
 * restore resets the device's own state (its reset hook: what it held is
 * forgotten), then takes the saved state and kicks every ready queue of a
 * running driver once, so the device pops again what it held. Under the
 * slot's lock, with no hart running. */
struct snapshot_writer;
struct snapshot_reader;
void virtio_mmio_save(const struct virtio_mmio *t, struct snapshot_writer *w);
bool virtio_mmio_restore(struct virtio_mmio *t, struct snapshot_reader *r);

#endif
