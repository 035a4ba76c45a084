/* The minimal virtio-mmio block driver (see virtio.h). */
#include "virtio.h"

#define PAGE   4096u
#define CTX_M0 0

volatile unsigned vblk_irqs;
static struct blk_req req;
static volatile uint8_t req_status;

int vblk_find(struct vblk *d) { return virtio_find(d, VIRTIO_ID_BLOCK); }

int virtio_find(struct vblk *d, uint32_t device_id)
{
    for (unsigned s = 0; s < VIRTIO_SLOTS; s++) {
        uintptr_t b = VIRTIO_BASE + s * VIRTIO_STRIDE;
        if (mmio_r32(b + VIRTIO_MAGIC) != VIRTIO_MAGIC_VALUE)
            continue;
        uint32_t ver = mmio_r32(b + VIRTIO_VERSION);
        if ((ver != 1 && ver != 2) || mmio_r32(b + VIRTIO_DEVICE_ID) != device_id)
            continue;
        d->base = b;
        d->slot = s;
        d->version = ver;
        return (int)s;
    }
    return -1;
}

static int negotiate(struct vblk *d)
{
    vreg_w(d, VIRTIO_DEV_FEAT_SEL, 0);
    uint32_t lo = vreg_r(d, VIRTIO_DEV_FEATURES);
    vreg_w(d, VIRTIO_DEV_FEAT_SEL, 1);
    uint32_t hi = vreg_r(d, VIRTIO_DEV_FEATURES);
    d->features_lo = lo & (1u << VIRTIO_BLK_F_FLUSH);
    vreg_w(d, VIRTIO_DRV_FEAT_SEL, 0);
    vreg_w(d, VIRTIO_DRV_FEATURES, d->features_lo);
    vreg_w(d, VIRTIO_DRV_FEAT_SEL, 1);
    if (d->version == 1)
        return 0;
    /* A modern device must offer VERSION_1 and accept FEATURES_OK (3.1.1). */
    if (!(hi & (1u << (VIRTIO_F_VERSION_1 - 32))))
        return 3;
    vreg_w(d, VIRTIO_DRV_FEATURES, 1u << (VIRTIO_F_VERSION_1 - 32));
    vreg_w(d, VIRTIO_STATUS, VS_ACKNOWLEDGE | VS_DRIVER | VS_FEATURES_OK);
    if (!(vreg_r(d, VIRTIO_STATUS) & VS_FEATURES_OK))
        return 4;
    return 0;
}

static int setup_queue(struct vblk *d, unsigned index, struct vq_mem *vq)
{
    vreg_w(d, VIRTIO_QUEUE_SEL, index);
    uint32_t max = vreg_r(d, VIRTIO_QUEUE_NUM_MAX);
    if (max < VQ_SIZE)
        return 5;
    vreg_w(d, VIRTIO_QUEUE_NUM, VQ_SIZE);
    uintptr_t q = (uintptr_t)vq;
    if (d->version == 1) {
        vreg_w(d, VIRTIO_QUEUE_ALIGN, PAGE);
        vreg_w(d, VIRTIO_QUEUE_PFN, (uint32_t)(q / PAGE));
        return 0;
    }
    if (vreg_r(d, VIRTIO_QUEUE_READY) != 0)
        return 6;
    uintptr_t avail = (uintptr_t)&vq->avail, used = (uintptr_t)&vq->used;
    vreg_w(d, VIRTIO_QUEUE_DESC_LO, (uint32_t)q);
    vreg_w(d, VIRTIO_QUEUE_DESC_HI, (uint32_t)(q >> 32));
    vreg_w(d, VIRTIO_QUEUE_AVAIL_LO, (uint32_t)avail);
    vreg_w(d, VIRTIO_QUEUE_AVAIL_HI, (uint32_t)(avail >> 32));
    vreg_w(d, VIRTIO_QUEUE_USED_LO, (uint32_t)used);
    vreg_w(d, VIRTIO_QUEUE_USED_HI, (uint32_t)(used >> 32));
    vreg_w(d, VIRTIO_QUEUE_READY, 1);
    return vreg_r(d, VIRTIO_QUEUE_READY) == 1 ? 0 : 7;
}

int vblk_init(struct vblk *d, struct vq_mem *vq)
{
    struct vq_mem *one[1] = { vq };
    return virtio_init_queues(d, one, 1);
}

int virtio_init_queues(struct vblk *d, struct vq_mem *const *vqs, unsigned n)
{
    d->vq = vqs[0];
    d->last_used = 0;
    for (unsigned i = 0; i < n; i++)
        memset(vqs[i], 0, sizeof *vqs[i]);
    vreg_w(d, VIRTIO_STATUS, 0); /* reset */
    if (vreg_r(d, VIRTIO_STATUS) != 0)
        return 1;
    vreg_w(d, VIRTIO_STATUS, VS_ACKNOWLEDGE);
    vreg_w(d, VIRTIO_STATUS, VS_ACKNOWLEDGE | VS_DRIVER);
    if (d->version == 1)
        vreg_w(d, VIRTIO_GUEST_PAGE_SIZE, PAGE);
    int e = negotiate(d);
    for (unsigned i = 0; !e && i < n; i++)
        e = setup_queue(d, i, vqs[i]);
    if (e) {
        vreg_w(d, VIRTIO_STATUS, VS_FAILED);
        return e;
    }
    uint32_t ok = VS_ACKNOWLEDGE | VS_DRIVER | VS_DRIVER_OK;
    vreg_w(d, VIRTIO_STATUS, d->version == 1 ? ok : ok | VS_FEATURES_OK);
    d->capacity = vreg_r(d, VIRTIO_CONFIG) | (uint64_t)vreg_r(d, VIRTIO_CONFIG + 4) << 32;
    return (vreg_r(d, VIRTIO_STATUS) & VS_DRIVER_OK) ? 0 : 8;
}

void vblk_submit(struct vblk *d, uint16_t head)
{
    struct vq_avail *a = &d->vq->avail;
    a->ring[a->idx % VQ_SIZE] = head;
    fence(); /* ring entry before idx (2.7.13) */
    a->idx++;
    fence(); /* idx before the notify */
    vreg_w(d, VIRTIO_QUEUE_NOTIFY, 0);
}

int vblk_wait(struct vblk *d)
{
    volatile uint16_t *used_idx = &d->vq->used.idx;
    uint64_t end = mmio_r64(CLINT_MTIME) + TIMEBASE_HZ;
    /* With interrupts: check and sleep with MIE off so an interrupt between
     * the two is not lost (WFI wakes on a pending enabled interrupt even with
     * MIE clear, priv 3.3.3); the trap is then taken when MIE comes back. */
    if (d->use_irq)
        CSR_CLEAR(mstatus, MSTATUS_MIE);
    while (*used_idx == d->last_used) {
        if (mmio_r64(CLINT_MTIME) > end)
            break;
        if (d->use_irq) {
            wfi();
            CSR_SET(mstatus, MSTATUS_MIE);
            CSR_CLEAR(mstatus, MSTATUS_MIE);
        }
    }
    if (d->use_irq)
        CSR_SET(mstatus, MSTATUS_MIE);
    if (*used_idx == d->last_used)
        return 0;
    fence();
    d->last_used++;
    return 1;
}

int vblk_rw(struct vblk *d, uint32_t type, uint64_t sector, void *buf, uint32_t n)
{
    struct vq_desc *desc = d->vq->desc;
    req.type = type;
    req.reserved = 0;
    req.sector = sector;
    req_status = 0xff;
    desc[0] = (struct vq_desc){ (uintptr_t)&req, sizeof req, VRING_DESC_F_NEXT, 1 };
    uint16_t st = 1;
    if (n) {
        uint16_t wr = type == VIRTIO_BLK_T_IN ? VRING_DESC_F_WRITE : 0;
        desc[1] = (struct vq_desc){ (uintptr_t)buf, n * SECTOR, wr | VRING_DESC_F_NEXT, 2 };
        st = 2;
    }
    desc[st] = (struct vq_desc){ (uintptr_t)&req_status, 1, VRING_DESC_F_WRITE, 0 };
    vblk_submit(d, 0);
    if (!vblk_wait(d))
        return -1;
    struct vq_used_elem *e = &d->vq->used.ring[(uint16_t)(d->last_used - 1) % VQ_SIZE];
    if (e->id != 0)
        return -2;
    return req_status;
}

void vblk_enable_irq(struct vblk *d)
{
    unsigned src = d->slot + 1;
    mmio_w32(PLIC_PRIORITY(src), 1);
    mmio_w32(PLIC_ENABLE(CTX_M0, src), mmio_r32(PLIC_ENABLE(CTX_M0, src)) | 1u << (src % 32));
    mmio_w32(PLIC_THRESHOLD(CTX_M0), 0);
    d->use_irq = 1;
    CSR_SET(mie, 1UL << IRQ_MEI);
    CSR_SET(mstatus, MSTATUS_MIE);
}

void vblk_irq(struct vblk *d)
{
    uint32_t src = mmio_r32(PLIC_CLAIM(CTX_M0));
    if (src == d->slot + 1) {
        vblk_irqs++;
        vreg_w(d, VIRTIO_INT_ACK, vreg_r(d, VIRTIO_INT_STATUS));
    }
    if (src)
        mmio_w32(PLIC_CLAIM(CTX_M0), src);
}
