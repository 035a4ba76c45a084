/*
 * The transport-independent half of a virtio transport (virtio 1.2 sections
 * 2 and 3): device status, feature negotiation, queue selection and setup,
 * the interrupt status, reset, the device's config space, and the queues'
 * snapshot state. virtio-mmio (virtio_mmio.h) and virtio-pci (virtio_pci.h)
 * each embed one and decode their own registers onto these calls: one
 * device model, two transports.
 *
 * Contract
 * - The core owns the struct virtqueue objects; it does not own dev (NULL:
 *   an empty virtio-mmio slot, where nothing but the ids answers).
 * - update_irq is the transport's: it drives its interrupt line from isr
 *   (virtio-mmio: the PLIC source; virtio-pci: INTx). Called whenever isr
 *   changes.
 * - Guest values are all checked here: a queue index, a feature word
 *   select, a queue size above QueueNumMax.
 * - Threading: whatever lock the transport holds (its slot's lock); the
 *   core takes none itself.
 */
#ifndef RIVET_VIRTIO_CORE_H
#define RIVET_VIRTIO_CORE_H

#include <stdbool.h>
#include <stdint.h>

#include "devices/virtio.h"
#include "mmu/bus.h"

struct snapshot_writer;
struct snapshot_reader;

struct virtio_core {
    struct virtio_transport tr; /* first: the queues point at it */
    struct bus *bus;
    struct virtio_device *dev;
    bool legacy; /* virtio-mmio version 1: 32 feature bits, no FEATURES_OK handshake */
    uint32_t status, isr;
    uint32_t dev_features_sel, drv_features_sel, queue_sel;
    uint32_t config_generation;
    uint64_t driver_features;
    struct virtqueue *queues;
    unsigned nqueues;
    void (*update_irq)(struct virtio_core *c); /* the transport's line follows isr */
};

/* false: out of memory. The device is reset (virtio_core_reset). */
bool virtio_core_init(struct virtio_core *c, struct bus *bus, struct virtio_device *dev, bool legacy,
                      void (*update_irq)(struct virtio_core *c));
void virtio_core_free(struct virtio_core *c);
/* What a driver's write of 0 to the status does: the device's own reset
 * hook, every queue back to QueueNumMax and not ready, status, isr, the
 * selectors and the negotiated features 0. */
void virtio_core_reset(struct virtio_core *c);

/* Feature bits the transport offers: the device's plus INDIRECT_DESC and
 * EVENT_IDX, plus VERSION_1 (modern) or only the low 32 bits (legacy). */
uint64_t virtio_core_offered(const struct virtio_core *c);
/* The 32-bit word dev_features_sel selects (0 past the second). */
uint32_t virtio_core_device_features(const struct virtio_core *c);
/* The driver's word at drv_features_sel; ignored after FEATURES_OK. */
void virtio_core_driver_features_write(struct virtio_core *c, uint32_t value);
uint32_t virtio_core_driver_features_read(const struct virtio_core *c);
/* A status write: 0 resets; FEATURES_OK sticks only for an acceptable
 * subset; NEEDS_RESET stays until a reset. */
void virtio_core_status_write(struct virtio_core *c, uint32_t value);

/* The selected queue, or NULL when queue_sel is past the last. */
struct virtqueue *virtio_core_queue(struct virtio_core *c);
/* QueueNum: a size above QueueNumMax becomes 0 (no queue). */
void virtio_core_queue_num(struct virtio_core *c, struct virtqueue *q, uint32_t value);
void virtio_core_queue_ready(struct virtio_core *c, struct virtqueue *q, bool ready);
/* The driver notified queue index: the device's notify hook, if the queue
 * exists, is ready and the device is not broken. */
void virtio_core_notify(struct virtio_core *c, uint32_t index);
/* isr &= ~bits, and the line follows. */
void virtio_core_isr_ack(struct virtio_core *c, uint32_t bits);
/* The queues' negotiated flags follow driver_features (after a status
 * write or a restore). */
void virtio_core_sync_features(struct virtio_core *c);

/* The device config space: any access inside it (1, 2, 4 or 8 bytes);
 * outside it reads 0 and writes are dropped. */
uint64_t virtio_core_config_read(const struct virtio_core *c, uint64_t off, unsigned size);
void virtio_core_config_write(struct virtio_core *c, uint64_t off, unsigned size, uint64_t value);

/* Snapshots: the queues and the config space (the registers are the
 * transport's to write, in its own format). A chain the device popped and
 * has not answered is saved as not yet popped (virtio_device.held). */
void virtio_core_save_queues(const struct virtio_core *c, struct snapshot_writer *w);
/* Reads into staging (a copy of c with its own queues array) and config
 * (dev->config_size bytes); every value checked. */
void virtio_core_read_queues(struct virtio_core *staging, uint8_t *config, struct snapshot_reader *r);
/* c takes what the staging copy read: the device forgets what it held (its
 * reset hook), then every ready queue of a running driver is kicked once so
 * the device pops again what it had. Frees nothing of staging's. */
void virtio_core_commit(struct virtio_core *c, const struct virtio_core *staging, const uint8_t *config);
/* For a transport's restore: staging copy of c with room for the queues
 * and the config bytes; false: out of memory (r marked bad). */
bool virtio_core_stage(const struct virtio_core *c, struct virtio_core *staging, uint8_t **config,
                       struct snapshot_reader *r);
void virtio_core_unstage(struct virtio_core *staging, uint8_t *config);

#endif
