/*
 * virtio-mmio transport (virtio 1.2 section 4.2), modern (Version 2) and
 * legacy (Version 1, section 4.2.4) register layouts.
 */
#include "devices/virtio_mmio.h"

#include "devices/virtio_core.h"

#include "rivet/snapstream.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

struct virtio_mmio {
    struct virtio_core c; /* status, features, queues (virtio_core.h) */
    struct irq_line irq;
    uint32_t guest_page_size; /* legacy */
};

static void update_irq(struct virtio_core *c)
{
    struct virtio_mmio *t = (struct virtio_mmio *)c; /* c is the first member */
    irq_set(&t->irq, c->isr != 0);
}

struct virtio_mmio *virtio_mmio_create(struct bus *bus, struct irq_line irq, struct virtio_device *dev, bool legacy)
{
    struct virtio_mmio *t = calloc(1, sizeof(*t));
    if (!t)
        return NULL;
    t->irq = irq;
    t->guest_page_size = 4096;
    if (!virtio_core_init(&t->c, bus, dev, legacy, update_irq)) {
        free(t);
        return NULL;
    }
    return t;
}

void virtio_mmio_reset(struct virtio_mmio *t)
{
    if (!t)
        return;
    virtio_core_reset(&t->c);
    t->guest_page_size = 4096;
}

void virtio_mmio_destroy(struct virtio_mmio *t)
{
    if (!t)
        return;
    virtio_core_free(&t->c);
    free(t);
}

/* ---- snapshots ---- */

void virtio_mmio_save(const struct virtio_mmio *t, struct snapshot_writer *w)
{
    const struct virtio_core *c = &t->c;
    snap_put_u32(w, c->dev ? c->dev->device_id : 0);
    if (!c->dev)
        return;
    const uint32_t regs[] = { c->status,           c->isr,       c->dev_features_sel,
                              c->drv_features_sel, c->queue_sel, t->guest_page_size,
                              c->config_generation };
    for (size_t i = 0; i < sizeof regs / sizeof regs[0]; i++)
        snap_put_u32(w, regs[i]);
    snap_put_u64(w, c->driver_features);
    snap_put_bool(w, c->tr.broken);
    virtio_core_save_queues(c, w);
}

/* The device forgets what it held (its reset hook), the transport takes the
 * saved registers, rings and config space, and every ready queue is kicked
 * once so the device takes again what it had popped. */
bool virtio_mmio_restore(struct virtio_mmio *t, struct snapshot_reader *r)
{
    if (snap_get_u32(r) != (t->c.dev ? t->c.dev->device_id : 0)) {
        snap_bad(r, "another virtio device in this slot");
        return false;
    }
    if (!t->c.dev)
        return snap_end(r);
    struct virtio_core s;
    uint8_t *config;
    uint32_t page_size = 0;
    if (virtio_core_stage(&t->c, &s, &config, r)) {
        uint32_t *regs[] = { &s.status,    &s.isr,     &s.dev_features_sel, &s.drv_features_sel,
                             &s.queue_sel, &page_size, &s.config_generation };
        for (size_t i = 0; i < sizeof regs / sizeof regs[0]; i++)
            *regs[i] = snap_get_u32(r);
        s.driver_features = snap_get_u64(r);
        s.tr.broken = snap_get_bool(r);
        virtio_core_read_queues(&s, config, r);
    }
    if (snap_end(r) && !r->dry) {
        t->guest_page_size = page_size;
        virtio_core_commit(&t->c, &s, config);
    }
    virtio_core_unstage(&s, config);
    return !r->bad;
}

struct mmio_region virtio_mmio_region(struct virtio_mmio *t, uint64_t base, uint64_t size)
{
    return (struct mmio_region){
        /* clang-format off */
        .name = "virtio_mmio", .base = base, .size = size,
        .min_access = 1, .max_access = 8,
        .read = virtio_mmio_read, .write = virtio_mmio_write, .opaque = t,
        /* clang-format on */
    };
}

static uint32_t queue_reg_read(struct virtio_mmio *t, uint64_t off)
{
    const struct virtio_core *c = &t->c;
    const struct virtqueue *q = virtio_core_queue(&t->c);
    if (!q)
        return 0; /* QueueNumMax 0: the queue does not exist */
    switch (off) {
    case VIRTIO_MMIO_QUEUE_NUM_MAX: return c->dev->queue_max;
    /* clang-format off */
    case VIRTIO_MMIO_QUEUE_NUM:     return q->num;
    case VIRTIO_MMIO_QUEUE_READY:   return c->legacy ? 0 : q->ready;
    case VIRTIO_MMIO_QUEUE_PFN:     return c->legacy ? q->legacy_pfn : 0;
    case VIRTIO_MMIO_QUEUE_DESC_LOW:    return (uint32_t)q->desc;
    case VIRTIO_MMIO_QUEUE_DESC_HIGH:   return (uint32_t)(q->desc >> 32);
    case VIRTIO_MMIO_QUEUE_DRIVER_LOW:  return (uint32_t)q->avail;
    /* clang-format on */
    case VIRTIO_MMIO_QUEUE_DRIVER_HIGH: return (uint32_t)(q->avail >> 32);
    case VIRTIO_MMIO_QUEUE_DEVICE_LOW: return (uint32_t)q->used;
    case VIRTIO_MMIO_QUEUE_DEVICE_HIGH: return (uint32_t)(q->used >> 32);
    default: return 0;
    }
}

static uint32_t reg_read(struct virtio_mmio *t, uint64_t off)
{
    const struct virtio_core *c = &t->c;
    switch (off) {
    case VIRTIO_MMIO_MAGIC_VALUE: return VIRTIO_MMIO_MAGIC;
    /* clang-format off */
    case VIRTIO_MMIO_VERSION:     return c->legacy ? 1 : 2;
    case VIRTIO_MMIO_DEVICE_ID:   return c->dev ? c->dev->device_id : 0;
    case VIRTIO_MMIO_VENDOR_ID:   return VIRTIO_MMIO_VENDOR;
        /* clang-format on */
    }
    if (!c->dev)
        return 0;
    switch (off) {
    case VIRTIO_MMIO_DEVICE_FEATURES: return virtio_core_device_features(c);
    case VIRTIO_MMIO_INTERRUPT_STATUS: return c->isr;
    case VIRTIO_MMIO_STATUS: return c->status;
    case VIRTIO_MMIO_CONFIG_GENERATION: return c->legacy ? 0 : c->config_generation;
    case VIRTIO_MMIO_SHM_LEN_LOW:
    case VIRTIO_MMIO_SHM_LEN_HIGH:
    case VIRTIO_MMIO_SHM_BASE_LOW:
    case VIRTIO_MMIO_SHM_BASE_HIGH: return UINT32_MAX; /* no shared memory regions: length ~0 (section 4.2.2) */
    default: return queue_reg_read(t, off);
    }
}

bus_status virtio_mmio_read(void *opaque, uint64_t offset, unsigned size, uint64_t *value)
{
    struct virtio_mmio *t = opaque;
    if (offset >= VIRTIO_MMIO_CONFIG)
        *value = virtio_core_config_read(&t->c, offset - VIRTIO_MMIO_CONFIG, size);
    else
        *value = size == 4 ? reg_read(t, offset) : 0;
    return BUS_OK;
}

/* Legacy QueuePFN: the three parts are contiguous from PFN * GuestPageSize
 * with the used ring aligned to QueueAlign (section 4.2.4). */
static void legacy_pfn_write(struct virtio_mmio *t, struct virtqueue *q, uint32_t pfn)
{
    if (pfn == 0) {
        uint16_t num = q->num;
        uint32_t align = q->legacy_align;
        virtq_reset(q);
        q->num = num;
        q->legacy_align = align;
        return;
    }
    uint64_t align = q->legacy_align ? q->legacy_align : 1;
    q->legacy_pfn = pfn;
    q->desc = (uint64_t)pfn * t->guest_page_size;
    q->avail = q->desc + (uint64_t)VIRTQ_DESC_SIZE * q->num;
    uint64_t avail_end = q->avail + 6 + 2ull * q->num; /* flags, idx, ring, used_event */
    q->used = (avail_end + align - 1) / align * align;
    virtio_core_queue_ready(&t->c, q, true);
}

static void set_half(uint64_t *field, bool high, uint32_t value)
{
    unsigned shift = high ? 32 : 0;
    *field = (*field & ~((uint64_t)UINT32_MAX << shift)) | (uint64_t)value << shift;
}

/* Queue registers; a modern queue's layout is frozen while it is ready. */
static void queue_reg_write(struct virtio_mmio *t, uint64_t off, uint32_t value)
{
    struct virtqueue *q = virtio_core_queue(&t->c);
    if (!q)
        return;
    bool legacy = t->c.legacy, frozen = !legacy && q->ready;
    switch (off) {
    case VIRTIO_MMIO_QUEUE_NUM:
        if (!frozen)
            virtio_core_queue_num(&t->c, q, value);
        break;
    case VIRTIO_MMIO_QUEUE_ALIGN:
        if (legacy)
            q->legacy_align = value;
        break;
    case VIRTIO_MMIO_QUEUE_PFN:
        if (legacy)
            legacy_pfn_write(t, q, value);
        break;
    case VIRTIO_MMIO_QUEUE_READY:
        if (!legacy)
            virtio_core_queue_ready(&t->c, q, value & 1);
        break;
    case VIRTIO_MMIO_QUEUE_DESC_LOW:
    case VIRTIO_MMIO_QUEUE_DESC_HIGH:
        if (!frozen && !legacy)
            set_half(&q->desc, off == VIRTIO_MMIO_QUEUE_DESC_HIGH, value);
        break;
    case VIRTIO_MMIO_QUEUE_DRIVER_LOW:
    case VIRTIO_MMIO_QUEUE_DRIVER_HIGH:
        if (!frozen && !legacy)
            set_half(&q->avail, off == VIRTIO_MMIO_QUEUE_DRIVER_HIGH, value);
        break;
    case VIRTIO_MMIO_QUEUE_DEVICE_LOW:
    case VIRTIO_MMIO_QUEUE_DEVICE_HIGH:
        if (!frozen && !legacy)
            set_half(&q->used, off == VIRTIO_MMIO_QUEUE_DEVICE_HIGH, value);
        break;
    }
}

static void reg_write(struct virtio_mmio *t, uint64_t off, uint32_t value)
{
    struct virtio_core *c = &t->c;
    switch (off) {
    case VIRTIO_MMIO_DEVICE_FEATURES_SEL: c->dev_features_sel = value; break;
    case VIRTIO_MMIO_DRIVER_FEATURES: virtio_core_driver_features_write(c, value); break;
    case VIRTIO_MMIO_DRIVER_FEATURES_SEL: c->drv_features_sel = value; break;
    case VIRTIO_MMIO_GUEST_PAGE_SIZE:
        if (c->legacy)
            t->guest_page_size = value;
        break;
    /* clang-format off */
    case VIRTIO_MMIO_QUEUE_SEL:     c->queue_sel = value; break;
    /* without NOTIFICATION_DATA: the queue index */
    case VIRTIO_MMIO_QUEUE_NOTIFY:  virtio_core_notify(c, value & 0xffff); break;
    /* clang-format on */
    case VIRTIO_MMIO_INTERRUPT_ACK: virtio_core_isr_ack(c, value); break;
    case VIRTIO_MMIO_STATUS: virtio_core_status_write(c, value); break;
    default: queue_reg_write(t, off, value); break;
    }
}

bus_status virtio_mmio_write(void *opaque, uint64_t offset, unsigned size, uint64_t value)
{
    struct virtio_mmio *t = opaque;
    if (!t->c.dev)
        return BUS_OK; /* empty slot: writes are ignored */
    if (offset >= VIRTIO_MMIO_CONFIG)
        virtio_core_config_write(&t->c, offset - VIRTIO_MMIO_CONFIG, size, value);
    else if (size == 4)
        reg_write(t, offset, (uint32_t)value);
    return BUS_OK;
}
