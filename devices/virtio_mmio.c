/*
 * virtio-mmio transport (virtio 1.2 section 4.2), modern (Version 2) and
 * legacy (Version 1, section 4.2.4) register layouts.
 */
#include "devices/virtio_mmio.h"

#include "rivet/snapstream.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* Legacy rings: desc, avail right after it, used at the next QueueAlign
 * boundary (section 2.7, "Legacy Interfaces: A Note on Virtqueue Layout"). */
#define LEGACY_DEFAULT_ALIGN 4096u

struct virtio_mmio {
    struct virtio_transport tr; /* first: the queues point at it */
    struct bus *bus;
    struct irq_line irq;
    struct virtio_device *dev;
    bool legacy;
    uint32_t status, isr;
    uint32_t dev_features_sel, drv_features_sel, queue_sel;
    uint32_t guest_page_size, config_generation;
    uint64_t driver_features;
    struct virtqueue *queues;
    unsigned nqueues;
};

static struct virtio_mmio *from_tr(struct virtio_transport *t)
{
    return (struct virtio_mmio *)((char *)t - offsetof(struct virtio_mmio, tr));
}

static void update_irq(struct virtio_mmio *t) { irq_set(&t->irq, t->isr != 0); }

static void tr_interrupt(struct virtio_transport *tr, uint32_t bits)
{
    struct virtio_mmio *t = from_tr(tr);
    t->isr |= bits;
    update_irq(t);
}

/* Section 2.1.2: NEEDS_RESET, and a configuration change notification once
 * the driver is running. */
static void tr_error(struct virtio_transport *tr)
{
    struct virtio_mmio *t = from_tr(tr);
    tr->broken = true;
    t->status |= VIRTIO_STATUS_NEEDS_RESET;
    if (t->status & VIRTIO_STATUS_DRIVER_OK)
        tr_interrupt(tr, VIRTIO_ISR_CONFIG_CHANGE);
}

static uint64_t offered_features(const struct virtio_mmio *t)
{
    uint64_t f = t->dev->features | VIRTIO_F_BIT(VIRTIO_F_INDIRECT_DESC) | VIRTIO_F_BIT(VIRTIO_F_EVENT_IDX);
    if (t->legacy)
        return f & UINT32_MAX; /* legacy features are 32 bits, no VERSION_1 */
    return f | VIRTIO_F_BIT(VIRTIO_F_VERSION_1);
}

static void sync_queue_features(struct virtio_mmio *t, struct virtqueue *q)
{
    q->event_idx = t->driver_features & VIRTIO_F_BIT(VIRTIO_F_EVENT_IDX);
    q->indirect = t->driver_features & VIRTIO_F_BIT(VIRTIO_F_INDIRECT_DESC);
    q->version_1 = t->driver_features & VIRTIO_F_BIT(VIRTIO_F_VERSION_1);
}

static void queue_init(struct virtio_mmio *t, struct virtqueue *q)
{
    virtq_reset(q);
    q->num = t->dev->queue_max;
    q->legacy_align = LEGACY_DEFAULT_ALIGN;
}

static void device_reset(struct virtio_mmio *t)
{
    if (t->dev && t->dev->reset)
        t->dev->reset(t->dev);
    for (unsigned i = 0; i < t->nqueues; i++)
        queue_init(t, &t->queues[i]);
    t->status = t->isr = 0;
    t->dev_features_sel = t->drv_features_sel = t->queue_sel = 0;
    t->driver_features = 0;
    t->tr.broken = false;
    update_irq(t);
}

struct virtio_mmio *virtio_mmio_create(struct bus *bus, struct irq_line irq, struct virtio_device *dev, bool legacy)
{
    struct virtio_mmio *t = calloc(1, sizeof(*t));
    if (!t)
        return NULL;
    t->bus = bus;
    t->irq = irq;
    t->dev = dev;
    t->legacy = legacy && !(dev && dev->modern_only);
    t->tr.interrupt = tr_interrupt;
    t->tr.error = tr_error;
    t->guest_page_size = 4096;
    if (dev && dev->num_queues) {
        t->queues = calloc(dev->num_queues, sizeof(*t->queues));
        if (!t->queues) {
            free(t);
            return NULL;
        }
        t->nqueues = dev->num_queues;
    }
    for (unsigned i = 0; i < t->nqueues; i++) {
        t->queues[i].bus = bus;
        t->queues[i].transport = &t->tr;
        t->queues[i].index = i;
    }
    device_reset(t);
    return t;
}

void virtio_mmio_reset(struct virtio_mmio *t)
{
    if (!t)
        return;
    device_reset(t);
    t->guest_page_size = 4096;
}

void virtio_mmio_destroy(struct virtio_mmio *t)
{
    if (!t)
        return;
    free(t->queues);
    free(t);
}

/* ---- snapshots ---- */

static void save_queue(const struct virtqueue *q, unsigned held, struct snapshot_writer *w)
{
    snap_put_u32(w, q->num);
    snap_put_bool(w, q->ready);
    snap_put_u64(w, q->desc);
    snap_put_u64(w, q->avail);
    snap_put_u64(w, q->used);
    snap_put_u32(w, (uint16_t)(q->last_avail - held)); /* popped, not answered: popped again */
    snap_put_u32(w, q->used_idx);
    snap_put_u32(w, q->signalled_used);
    snap_put_bool(w, q->signalled_valid);
    snap_put_u32(w, q->legacy_pfn);
    snap_put_u32(w, q->legacy_align);
}

void virtio_mmio_save(const struct virtio_mmio *t, struct snapshot_writer *w)
{
    snap_put_u32(w, t->dev ? t->dev->device_id : 0);
    if (!t->dev)
        return;
    const uint32_t regs[] = { t->status,           t->isr,       t->dev_features_sel,
                              t->drv_features_sel, t->queue_sel, t->guest_page_size,
                              t->config_generation };
    for (size_t i = 0; i < sizeof regs / sizeof regs[0]; i++)
        snap_put_u32(w, regs[i]);
    snap_put_u64(w, t->driver_features);
    snap_put_bool(w, t->tr.broken);
    snap_put_u32(w, t->nqueues);
    for (unsigned i = 0; i < t->nqueues; i++)
        save_queue(&t->queues[i], t->dev->held ? t->dev->held(t->dev, i) : 0, w);
    snap_put_u32(w, t->dev->config_size);
    snap_put(w, t->dev->config, t->dev->config_size);
}

static void read_queue(struct virtqueue *q, uint16_t queue_max, struct snapshot_reader *r)
{
    uint32_t num = snap_get_u32(r);
    if (num > queue_max)
        snap_bad(r, "virtqueue size above the device's maximum");
    q->num = (uint16_t)num;
    q->ready = snap_get_bool(r);
    q->desc = snap_get_u64(r);
    q->avail = snap_get_u64(r);
    q->used = snap_get_u64(r);
    q->last_avail = (uint16_t)snap_get_u32(r);
    q->used_idx = (uint16_t)snap_get_u32(r);
    q->signalled_used = (uint16_t)snap_get_u32(r);
    q->signalled_valid = snap_get_bool(r);
    q->legacy_pfn = snap_get_u32(r);
    q->legacy_align = snap_get_u32(r);
}

/* The registers and queues of a staged copy, checked as the register
 * writes would have left them. */
static void read_transport(struct virtio_mmio *s, struct snapshot_reader *r)
{
    uint32_t *regs[] = { &s->status,           &s->isr,       &s->dev_features_sel,
                         &s->drv_features_sel, &s->queue_sel, &s->guest_page_size,
                         &s->config_generation };
    for (size_t i = 0; i < sizeof regs / sizeof regs[0]; i++)
        *regs[i] = snap_get_u32(r);
    s->driver_features = snap_get_u64(r);
    s->tr.broken = snap_get_bool(r);
    if (s->status > 0xff || s->isr > 3 || (s->driver_features & ~offered_features(s)))
        snap_bad(r, "virtio-mmio registers out of range");
    if (snap_get_u32(r) != s->nqueues)
        snap_bad(r, "virtqueue count differs");
    for (unsigned i = 0; i < s->nqueues && !r->bad; i++)
        read_queue(&s->queues[i], s->dev->queue_max, r);
    if (snap_get_u32(r) != s->dev->config_size)
        snap_bad(r, "config space size differs");
}

/* The device forgets what it held (its reset hook), the transport takes the
 * saved registers, rings and config space, and every ready queue is kicked
 * once so the device takes again what it had popped. */
bool virtio_mmio_restore(struct virtio_mmio *t, struct snapshot_reader *r)
{
    if (snap_get_u32(r) != (t->dev ? t->dev->device_id : 0)) {
        snap_bad(r, "another virtio device in this slot");
        return false;
    }
    if (!t->dev)
        return snap_end(r);
    struct virtio_mmio s = *t;
    s.queues = calloc(t->nqueues ? t->nqueues : 1, sizeof *s.queues);
    uint8_t *config = malloc(t->dev->config_size ? t->dev->config_size : 1);
    if (!s.queues || !config)
        snap_bad(r, "out of memory");
    else
        read_transport(&s, r);
    if (!r->bad)
        snap_get(r, config, t->dev->config_size);
    if (snap_end(r) && !r->dry) {
        if (t->dev->reset)
            t->dev->reset(t->dev);
        for (unsigned i = 0; i < t->nqueues; i++) {
            struct virtqueue keep = t->queues[i];
            t->queues[i] = s.queues[i];
            t->queues[i].bus = keep.bus, t->queues[i].transport = keep.transport, t->queues[i].index = keep.index;
        }
        if (t->dev->config_size) /* rng has no config space (config NULL) */
            memcpy(t->dev->config, config, t->dev->config_size);
        struct virtqueue *queues = t->queues;
        *t = s;
        t->queues = queues;
        for (unsigned i = 0; i < t->nqueues; i++)
            sync_queue_features(t, &t->queues[i]);
        update_irq(t);
        for (unsigned i = 0; i < t->nqueues; i++)
            if (t->queues[i].ready && !t->tr.broken && (t->status & VIRTIO_STATUS_DRIVER_OK))
                t->dev->notify(t->dev, &t->queues[i]);
    }
    free(s.queues);
    free(config);
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

static struct virtqueue *cur_queue(struct virtio_mmio *t)
{
    return t->queue_sel < t->nqueues ? &t->queues[t->queue_sel] : NULL;
}

/* Config space: any naturally aligned 1/2/4/8-byte access inside it. */
static uint64_t config_read(struct virtio_mmio *t, uint64_t off, unsigned size)
{
    const struct virtio_device *d = t->dev;
    if (!d || !d->config || off > d->config_size || size > d->config_size - off)
        return 0;
    return load_le(d->config + off, size);
}

static void config_write(struct virtio_mmio *t, uint64_t off, unsigned size, uint64_t value)
{
    struct virtio_device *d = t->dev;
    if (!d || !d->config_write || off > d->config_size || size > d->config_size - off)
        return;
    d->config_write(d, (uint32_t)off, size, value);
}

static uint32_t queue_reg_read(struct virtio_mmio *t, uint64_t off)
{
    struct virtqueue *q = cur_queue(t);
    if (!q)
        return 0; /* QueueNumMax 0: the queue does not exist */
    switch (off) {
    case VIRTIO_MMIO_QUEUE_NUM_MAX: return t->dev->queue_max;
    /* clang-format off */
    case VIRTIO_MMIO_QUEUE_NUM:     return q->num;
    case VIRTIO_MMIO_QUEUE_READY:   return t->legacy ? 0 : q->ready;
    case VIRTIO_MMIO_QUEUE_PFN:     return t->legacy ? q->legacy_pfn : 0;
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
    switch (off) {
    case VIRTIO_MMIO_MAGIC_VALUE: return VIRTIO_MMIO_MAGIC;
    /* clang-format off */
    case VIRTIO_MMIO_VERSION:     return t->legacy ? 1 : 2;
    case VIRTIO_MMIO_DEVICE_ID:   return t->dev ? t->dev->device_id : 0;
    case VIRTIO_MMIO_VENDOR_ID:   return VIRTIO_MMIO_VENDOR;
        /* clang-format on */
    }
    if (!t->dev)
        return 0;
    switch (off) {
    case VIRTIO_MMIO_DEVICE_FEATURES:
        return t->dev_features_sel < 2 ? (uint32_t)(offered_features(t) >> (32 * t->dev_features_sel)) : 0;
    case VIRTIO_MMIO_INTERRUPT_STATUS: return t->isr;
    case VIRTIO_MMIO_STATUS: return t->status;
    case VIRTIO_MMIO_CONFIG_GENERATION: return t->legacy ? 0 : t->config_generation;
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
        *value = config_read(t, offset - VIRTIO_MMIO_CONFIG, size);
    else
        *value = size == 4 ? reg_read(t, offset) : 0;
    return BUS_OK;
}

/* Section 3.1.1 step 5: FEATURES_OK sticks only for a subset of what was
 * offered. A missing VERSION_1 is tolerated, as QEMU does: xv6 writes only
 * the low feature word and still expects FEATURES_OK. */
static bool features_acceptable(const struct virtio_mmio *t) { return !(t->driver_features & ~offered_features(t)); }

static void status_write(struct virtio_mmio *t, uint32_t value)
{
    if (value == 0) {
        device_reset(t);
        return;
    }
    uint32_t old = t->status;
    value &= 0xff;
    if (!t->legacy && (value & VIRTIO_STATUS_FEATURES_OK) && !(old & VIRTIO_STATUS_FEATURES_OK) &&
        !features_acceptable(t))
        value &= ~(uint32_t)VIRTIO_STATUS_FEATURES_OK;
    /* NEEDS_RESET is the device's to clear, by a reset only. */
    t->status = value | (old & VIRTIO_STATUS_NEEDS_RESET);
    for (unsigned i = 0; i < t->nqueues; i++)
        sync_queue_features(t, &t->queues[i]);
}

static void driver_features_write(struct virtio_mmio *t, uint32_t value)
{
    if (t->drv_features_sel > 1 || (t->status & VIRTIO_STATUS_FEATURES_OK))
        return;
    unsigned shift = 32 * t->drv_features_sel;
    t->driver_features &= ~((uint64_t)UINT32_MAX << shift);
    t->driver_features |= (uint64_t)value << shift;
    if (t->legacy) /* no FEATURES_OK handshake: keep what we offered */
        t->driver_features &= offered_features(t);
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
    q->ready = true;
    sync_queue_features(t, q);
}

static void set_half(uint64_t *field, bool high, uint32_t value)
{
    unsigned shift = high ? 32 : 0;
    *field = (*field & ~((uint64_t)UINT32_MAX << shift)) | (uint64_t)value << shift;
}

/* Queue registers; a modern queue's layout is frozen while it is ready. */
static void queue_reg_write(struct virtio_mmio *t, uint64_t off, uint32_t value)
{
    struct virtqueue *q = cur_queue(t);
    if (!q)
        return;
    bool frozen = !t->legacy && q->ready;
    switch (off) {
    case VIRTIO_MMIO_QUEUE_NUM:
        if (!frozen)
            q->num = value <= t->dev->queue_max ? (uint16_t)value : 0;
        break;
    case VIRTIO_MMIO_QUEUE_ALIGN:
        if (t->legacy)
            q->legacy_align = value;
        break;
    case VIRTIO_MMIO_QUEUE_PFN:
        if (t->legacy)
            legacy_pfn_write(t, q, value);
        break;
    case VIRTIO_MMIO_QUEUE_READY:
        if (!t->legacy) {
            q->ready = value & 1;
            sync_queue_features(t, q);
        }
        break;
    case VIRTIO_MMIO_QUEUE_DESC_LOW:
    case VIRTIO_MMIO_QUEUE_DESC_HIGH:
        if (!frozen && !t->legacy)
            set_half(&q->desc, off == VIRTIO_MMIO_QUEUE_DESC_HIGH, value);
        break;
    case VIRTIO_MMIO_QUEUE_DRIVER_LOW:
    case VIRTIO_MMIO_QUEUE_DRIVER_HIGH:
        if (!frozen && !t->legacy)
            set_half(&q->avail, off == VIRTIO_MMIO_QUEUE_DRIVER_HIGH, value);
        break;
    case VIRTIO_MMIO_QUEUE_DEVICE_LOW:
    case VIRTIO_MMIO_QUEUE_DEVICE_HIGH:
        if (!frozen && !t->legacy)
            set_half(&q->used, off == VIRTIO_MMIO_QUEUE_DEVICE_HIGH, value);
        break;
    }
}

static void queue_notify(struct virtio_mmio *t, uint32_t value)
{
    unsigned index = value & 0xffff; /* without NOTIFICATION_DATA: the queue index */
    if (index >= t->nqueues || t->tr.broken || !t->queues[index].ready || !t->dev->notify)
        return;
    t->dev->notify(t->dev, &t->queues[index]);
}

static void reg_write(struct virtio_mmio *t, uint64_t off, uint32_t value)
{
    switch (off) {
    case VIRTIO_MMIO_DEVICE_FEATURES_SEL: t->dev_features_sel = value; break;
    case VIRTIO_MMIO_DRIVER_FEATURES: driver_features_write(t, value); break;
    case VIRTIO_MMIO_DRIVER_FEATURES_SEL: t->drv_features_sel = value; break;
    case VIRTIO_MMIO_GUEST_PAGE_SIZE:
        if (t->legacy)
            t->guest_page_size = value;
        break;
    /* clang-format off */
    case VIRTIO_MMIO_QUEUE_SEL:     t->queue_sel = value; break;
    case VIRTIO_MMIO_QUEUE_NOTIFY:  queue_notify(t, value); break;
    /* clang-format on */
    case VIRTIO_MMIO_INTERRUPT_ACK:
        t->isr &= ~value;
        update_irq(t);
        break;
    case VIRTIO_MMIO_STATUS: status_write(t, value); break;
    default: queue_reg_write(t, off, value); break;
    }
}

bus_status virtio_mmio_write(void *opaque, uint64_t offset, unsigned size, uint64_t value)
{
    struct virtio_mmio *t = opaque;
    if (!t->dev)
        return BUS_OK; /* empty slot: writes are ignored */
    if (offset >= VIRTIO_MMIO_CONFIG)
        config_write(t, offset - VIRTIO_MMIO_CONFIG, size, value);
    else if (size == 4)
        reg_write(t, offset, (uint32_t)value);
    return BUS_OK;
}
