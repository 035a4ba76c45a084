/*
 * Virtio (virtio 1.2, split virtqueues): what a device model gives a
 * transport, and the virtqueue helpers the device model uses.
 *
 * Contract
 * - A device model fills a struct virtio_device (ids, features, queues,
 *   config bytes, callbacks) and knows nothing of the transport (virtio-mmio
 *   or virtio-pci; both share virtio_core.h).
 * - The transport owns the struct virtqueue objects and calls dev->notify()
 *   when the driver kicks a ready queue. The model pops chains with
 *   virtq_pop(), moves data with virtq_chain_read/_write (offsets count over
 *   the chain's device-readable resp. device-writable bytes, so the model does
 *   not depend on how the driver split buffers into descriptors), and
 *   completes each chain with virtq_push().
 * - Every guest value (ring index, descriptor address/length/next, chain
 *   length, indirect table size) is checked; all guest memory access is
 *   through bus_dma_read/bus_dma_write. A malformed ring or chain sets
 *   DEVICE_NEEDS_RESET (virtio 1.2 section 2.1.2) via the transport, raises
 *   the configuration-change interrupt, and the queue stops until reset.
 * - Threading: all calls happen on the emulation thread today.
 */
#ifndef RIVET_VIRTIO_H
#define RIVET_VIRTIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mmu/bus.h"

/* Device status bits (virtio 1.2 section 2.1). */
/* clang-format off */
#define VIRTIO_STATUS_ACKNOWLEDGE  0x01
#define VIRTIO_STATUS_DRIVER       0x02
#define VIRTIO_STATUS_DRIVER_OK    0x04
#define VIRTIO_STATUS_FEATURES_OK  0x08
#define VIRTIO_STATUS_NEEDS_RESET  0x40
#define VIRTIO_STATUS_FAILED       0x80

/* Reserved (transport) feature bits (section 6). */
#define VIRTIO_F_INDIRECT_DESC     28
#define VIRTIO_F_EVENT_IDX         29
#define VIRTIO_F_VERSION_1         32
#define VIRTIO_F_BIT(n)            (UINT64_C(1) << (n))

/* InterruptStatus bits (section 4.2.2). */
#define VIRTIO_ISR_USED_BUFFER     0x1
#define VIRTIO_ISR_CONFIG_CHANGE   0x2

/* Device ids (section 5). */
#define VIRTIO_ID_NET              1
#define VIRTIO_ID_BLOCK            2
#define VIRTIO_ID_RNG              4
#define VIRTIO_ID_INPUT            18
/* clang-format on */

/* Split virtqueue layout (section 2.7). */
#define VIRTQ_DESC_F_NEXT          1
#define VIRTQ_DESC_F_WRITE         2
#define VIRTQ_DESC_F_INDIRECT      4
#define VIRTQ_AVAIL_F_NO_INTERRUPT 1
#define VIRTQ_USED_F_NO_NOTIFY     1
#define VIRTQ_DESC_SIZE            16
#define VIRTQ_USED_ELEM_SIZE       8
#define VIRTQ_MAX_SIZE             32768 /* largest split queue size */
/* Most buffers one chain may hold (direct plus indirect), as QEMU. */
#define VIRTQ_CHAIN_MAX            1024

struct virtqueue;

/* The transport side of a queue: how a queue raises interrupts and reports
 * a broken device. Embedded in the transport object. */
struct virtio_transport {
    void (*interrupt)(struct virtio_transport *t, uint32_t isr_bits);
    void (*error)(struct virtio_transport *t); /* enter NEEDS_RESET */
    bool broken;                               /* NEEDS_RESET until reset */
};

struct virtqueue {
    struct bus *bus;
    struct virtio_transport *transport;
    unsigned index;
    uint16_t num; /* QueueNum (driver-chosen size) */
    bool ready;
    bool event_idx;             /* VIRTIO_F_EVENT_IDX negotiated */
    bool indirect;              /* VIRTIO_F_INDIRECT_DESC negotiated */
    bool version_1;             /* VIRTIO_F_VERSION_1 negotiated (modern); false on a legacy transport */
    uint64_t desc, avail, used; /* guest physical addresses of the three parts */
    uint16_t last_avail;        /* next avail ring slot the device pops */
    uint16_t used_idx;          /* device's copy of used->idx */
    uint16_t signalled_used;    /* used_idx at the last interrupt (EVENT_IDX) */
    bool signalled_valid;
    uint32_t legacy_pfn;   /* legacy transport: QueuePFN */
    uint32_t legacy_align; /* legacy transport: QueueAlign */
};

struct virtq_seg {
    uint64_t addr;
    uint32_t len;
};

/* One popped descriptor chain: device-readable segments first (nout), then
 * device-writable ones (nin). Every segment lies wholly in guest RAM. */
struct virtq_chain {
    struct bus *bus;
    uint16_t head;
    unsigned nout, nin;
    uint64_t out_len, in_len; /* total readable / writable bytes */
    struct virtq_seg seg[VIRTQ_CHAIN_MAX];
};

struct virtio_device {
    uint32_t device_id; /* VIRTIO_ID_*; 2 = block */
    uint64_t features;  /* device feature bits offered; the transport adds
                                         * INDIRECT_DESC, EVENT_IDX and (modern) VERSION_1
                                         * and removes VERSION_1 and bits >= 32 (legacy) */
    unsigned num_queues;
    uint16_t queue_max; /* QueueNumMax, a power of 2 */
    uint32_t config_size;
    uint8_t *config; /* device config space bytes (little-endian) */
    void (*config_write)(struct virtio_device *d, uint32_t offset, unsigned size, uint64_t value); /* optional */
    void (*notify)(struct virtio_device *d, struct virtqueue *q); /* the driver notified queue q */
    void (*reset)(struct virtio_device *d);                       /* optional */
    /* Snapshots (virtio_mmio.h): how many chains of queue q the device has
     * popped and not yet answered (optional: none). */
    unsigned (*held)(const struct virtio_device *d, unsigned q);
    void *opaque;
    bool modern_only; /* no legacy interface (virtio 1.2 5.8: input came with
                                         * 1.0; Linux's driver wants VERSION_1): the transport
                                         * is version 2 even when asked for legacy */
};

/* Next available chain (direct or indirect), validated. false when none, or
 * when the ring/chain is malformed (then the device is in NEEDS_RESET). */
bool virtq_pop(struct virtqueue *q, struct virtq_chain *chain);
/* Puts the chain in the used ring with `written` bytes written, and raises
 * the used-buffer interrupt unless EVENT_IDX / NO_INTERRUPT suppress it. */
void virtq_push(struct virtqueue *q, const struct virtq_chain *chain, uint32_t written);
/* Marks the device broken (NEEDS_RESET): for a model that finds a request
 * it cannot even answer (e.g. no room for a status byte). */
void virtq_error(struct virtqueue *q);
/* Resets the queue's ring state (not num/addresses' validity checks). */
void virtq_reset(struct virtqueue *q);

/* Copy from the chain's readable bytes [off, off+len) / to its writable
 * bytes. Return the number of bytes copied (short at the chain's end). */
size_t virtq_chain_read(const struct virtq_chain *c, uint64_t off, void *dst, size_t len);
size_t virtq_chain_write(const struct virtq_chain *c, uint64_t off, const void *src, size_t len);

#endif
