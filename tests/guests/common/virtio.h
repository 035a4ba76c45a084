/* A minimal virtio-mmio block driver for the device guests (virtio 1.2,
 * sections 2, 4.2 and 5.2), for both the modern (version 2) and legacy
 * (version 1) transports, with one queue of VQ_SIZE descriptors (or more
 * queues of that size: virtio_init_queues, for the network card). */
#ifndef GUEST_VIRTIO_H
#define GUEST_VIRTIO_H

#include "guest.h"

#define VQ_SIZE 8
#define SECTOR  512

/* MMIO registers (4.2.2; legacy names in 4.2.4 share the offsets). */
/* clang-format off */
#define VIRTIO_MAGIC          0x000
#define VIRTIO_VERSION        0x004
#define VIRTIO_DEVICE_ID      0x008
#define VIRTIO_DEV_FEATURES   0x010
#define VIRTIO_DEV_FEAT_SEL   0x014
#define VIRTIO_DRV_FEATURES   0x020
#define VIRTIO_DRV_FEAT_SEL   0x024
#define VIRTIO_GUEST_PAGE_SIZE 0x028   /* legacy */
#define VIRTIO_QUEUE_SEL      0x030
#define VIRTIO_QUEUE_NUM_MAX  0x034
#define VIRTIO_QUEUE_NUM      0x038
#define VIRTIO_QUEUE_ALIGN    0x03c    /* legacy */
#define VIRTIO_QUEUE_PFN      0x040    /* legacy */
#define VIRTIO_QUEUE_READY    0x044
#define VIRTIO_QUEUE_NOTIFY   0x050
#define VIRTIO_INT_STATUS     0x060
#define VIRTIO_INT_ACK        0x064
#define VIRTIO_STATUS         0x070
#define VIRTIO_QUEUE_DESC_LO  0x080
#define VIRTIO_QUEUE_DESC_HI  0x084
#define VIRTIO_QUEUE_AVAIL_LO 0x090
#define VIRTIO_QUEUE_AVAIL_HI 0x094
#define VIRTIO_QUEUE_USED_LO  0x0a0
#define VIRTIO_QUEUE_USED_HI  0x0a4
#define VIRTIO_CONFIG         0x100

#define VIRTIO_MAGIC_VALUE    0x74726976   /* "virt" */
#define VIRTIO_ID_NET         1
#define VIRTIO_ID_BLOCK       2
#define VIRTIO_ID_RNG         4

/* Device status bits (2.1). */
#define VS_ACKNOWLEDGE  1
#define VS_DRIVER       2
#define VS_DRIVER_OK    4
#define VS_FEATURES_OK  8
#define VS_NEEDS_RESET  0x40
#define VS_FAILED       0x80

#define VIRTIO_F_VERSION_1   32
#define VIRTIO_BLK_F_FLUSH   9

#define VRING_DESC_F_NEXT   1
#define VRING_DESC_F_WRITE  2

#define VIRTIO_BLK_T_IN     0
#define VIRTIO_BLK_T_OUT    1
#define VIRTIO_BLK_T_FLUSH  4
#define VIRTIO_BLK_S_OK     0
#define VIRTIO_BLK_S_IOERR  1

struct vq_desc { uint64_t addr; uint32_t len; uint16_t flags; uint16_t next; };
struct vq_avail { uint16_t flags, idx, ring[VQ_SIZE], used_event; };
struct vq_used_elem { uint32_t id, len; };
struct vq_used { uint16_t flags, idx; struct vq_used_elem ring[VQ_SIZE]; uint16_t avail_event; };
struct blk_req { uint32_t type, reserved; uint64_t sector; };
/* clang-format on */

/* The legacy layout (2.7.2 with QueueAlign 4096): descriptors and the
 * avail ring in the first page, the used ring in the second. */
struct vq_mem {
    struct vq_desc desc[VQ_SIZE];
    struct vq_avail avail;
    uint8_t pad[4096 - VQ_SIZE * sizeof(struct vq_desc) - sizeof(struct vq_avail)];
    struct vq_used used;
} __attribute__((aligned(4096)));

struct vblk {
    uintptr_t base;
    unsigned slot, version;
    int use_irq; /* wait with wfi for the PLIC (M-mode) */
    uint16_t last_used;
    struct vq_mem *vq;
    uint64_t capacity; /* sectors */
    uint32_t features_lo;
};

/* Scans the 8 slots for a block device; returns the slot or -1. */
int vblk_find(struct vblk *d);
/* The same for any device id (VIRTIO_ID_*); vblk_init then brings it up
 * with no device features and queue 0 (capacity reads config bytes 0-7). */
int virtio_find(struct vblk *d, uint32_t device_id);
/* Resets and initialises the device and queue 0; returns 0 or a small error
 * number (1..9) naming the step that failed. */
int vblk_init(struct vblk *d, struct vq_mem *vq);
/* The same with queues 0..n-1 on vqs[0..n-1] (d->vq, d->last_used: queue 0). */
int virtio_init_queues(struct vblk *d, struct vq_mem *const *vqs, unsigned n);
/* Issues a read/write/flush of n sectors and waits; returns the status byte,
 * or -1 if no completion came within about a second. */
int vblk_rw(struct vblk *d, uint32_t type, uint64_t sector, void *buf, uint32_t n);
/* Pushes head onto the avail ring and notifies. */
void vblk_submit(struct vblk *d, uint16_t head);
/* Waits until the used ring moves past last_used (1) or about 1 s passes (0). */
int vblk_wait(struct vblk *d);
/* Routes the device's PLIC source (slot + 1) to hart 0 M-mode and enables MEIE. */
void vblk_enable_irq(struct vblk *d);
/* The M-mode external interrupt handler part: claims, acks, completes. */
void vblk_irq(struct vblk *d);
extern volatile unsigned vblk_irqs;

static inline uint32_t vreg_r(const struct vblk *d, unsigned off) { return mmio_r32(d->base + off); }
static inline void vreg_w(const struct vblk *d, unsigned off, uint32_t v) { mmio_w32(d->base + off, v); }

#endif
