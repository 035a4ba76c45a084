/*
 * The transport-independent half of virtio (virtio_core.h): status,
 * features, queues, interrupt status and reset, shared by virtio-mmio and
 * virtio-pci.
 */
#include "devices/virtio_core.h"

#include "rivet/snapstream.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* Legacy rings: the used ring at the next QueueAlign boundary (section
 * 2.7, "Legacy Interfaces: A Note on Virtqueue Layout"). */
#define LEGACY_DEFAULT_ALIGN 4096u

static struct virtio_core *from_tr(struct virtio_transport *t)
{
    return (struct virtio_core *)((char *)t - offsetof(struct virtio_core, tr));
}

static void tr_interrupt(struct virtio_transport *tr, uint32_t bits)
{
    struct virtio_core *c = from_tr(tr);
    c->isr |= bits;
    c->update_irq(c);
}

/* Section 2.1.2: NEEDS_RESET, and a configuration change notification once
 * the driver is running. */
static void tr_error(struct virtio_transport *tr)
{
    struct virtio_core *c = from_tr(tr);
    tr->broken = true;
    c->status |= VIRTIO_STATUS_NEEDS_RESET;
    if (c->status & VIRTIO_STATUS_DRIVER_OK)
        tr_interrupt(tr, VIRTIO_ISR_CONFIG_CHANGE);
}

uint64_t virtio_core_offered(const struct virtio_core *c)
{
    uint64_t f = c->dev->features | VIRTIO_F_BIT(VIRTIO_F_INDIRECT_DESC) | VIRTIO_F_BIT(VIRTIO_F_EVENT_IDX);
    if (c->legacy)
        return f & UINT32_MAX; /* legacy features are 32 bits, no VERSION_1 */
    return f | VIRTIO_F_BIT(VIRTIO_F_VERSION_1);
}

static void sync_queue(const struct virtio_core *c, struct virtqueue *q)
{
    q->event_idx = c->driver_features & VIRTIO_F_BIT(VIRTIO_F_EVENT_IDX);
    q->indirect = c->driver_features & VIRTIO_F_BIT(VIRTIO_F_INDIRECT_DESC);
    q->version_1 = c->driver_features & VIRTIO_F_BIT(VIRTIO_F_VERSION_1);
}

void virtio_core_sync_features(struct virtio_core *c)
{
    for (unsigned i = 0; i < c->nqueues; i++)
        sync_queue(c, &c->queues[i]);
}

static void queue_init(struct virtio_core *c, struct virtqueue *q)
{
    virtq_reset(q);
    q->num = c->dev->queue_max;
    q->legacy_align = LEGACY_DEFAULT_ALIGN;
}

void virtio_core_reset(struct virtio_core *c)
{
    if (c->dev && c->dev->reset)
        c->dev->reset(c->dev);
    for (unsigned i = 0; i < c->nqueues; i++)
        queue_init(c, &c->queues[i]);
    c->status = c->isr = 0;
    c->dev_features_sel = c->drv_features_sel = c->queue_sel = 0;
    c->driver_features = 0;
    c->tr.broken = false;
    c->update_irq(c);
}

bool virtio_core_init(struct virtio_core *c, struct bus *bus, struct virtio_device *dev, bool legacy,
                      void (*update_irq)(struct virtio_core *c))
{
    memset(c, 0, sizeof *c);
    c->bus = bus;
    c->dev = dev;
    c->legacy = legacy && !(dev && dev->modern_only);
    c->tr.interrupt = tr_interrupt;
    c->tr.error = tr_error;
    c->update_irq = update_irq;
    if (dev && dev->num_queues) {
        c->queues = calloc(dev->num_queues, sizeof(*c->queues));
        if (!c->queues)
            return false;
        c->nqueues = dev->num_queues;
    }
    for (unsigned i = 0; i < c->nqueues; i++) {
        c->queues[i].bus = bus;
        c->queues[i].transport = &c->tr;
        c->queues[i].index = i;
    }
    virtio_core_reset(c);
    return true;
}

void virtio_core_free(struct virtio_core *c)
{
    free(c->queues);
    c->queues = NULL;
    c->nqueues = 0;
}

uint32_t virtio_core_device_features(const struct virtio_core *c)
{
    return c->dev_features_sel < 2 ? (uint32_t)(virtio_core_offered(c) >> (32 * c->dev_features_sel)) : 0;
}

void virtio_core_driver_features_write(struct virtio_core *c, uint32_t value)
{
    if (c->drv_features_sel > 1 || (c->status & VIRTIO_STATUS_FEATURES_OK))
        return;
    unsigned shift = 32 * c->drv_features_sel;
    c->driver_features &= ~((uint64_t)UINT32_MAX << shift);
    c->driver_features |= (uint64_t)value << shift;
    if (c->legacy) /* no FEATURES_OK handshake: keep what we offered */
        c->driver_features &= virtio_core_offered(c);
}

uint32_t virtio_core_driver_features_read(const struct virtio_core *c)
{
    return c->drv_features_sel < 2 ? (uint32_t)(c->driver_features >> (32 * c->drv_features_sel)) : 0;
}

/* Section 3.1.1 step 5: FEATURES_OK sticks only for a subset of what was
 * offered. A missing VERSION_1 is tolerated, as QEMU does: xv6 writes only
 * the low feature word and still expects FEATURES_OK. */
void virtio_core_status_write(struct virtio_core *c, uint32_t value)
{
    if (value == 0) {
        virtio_core_reset(c);
        return;
    }
    uint32_t old = c->status;
    value &= 0xff;
    if (!c->legacy && (value & VIRTIO_STATUS_FEATURES_OK) && !(old & VIRTIO_STATUS_FEATURES_OK) &&
        (c->driver_features & ~virtio_core_offered(c)))
        value &= ~(uint32_t)VIRTIO_STATUS_FEATURES_OK;
    /* NEEDS_RESET is the device's to clear, by a reset only. */
    c->status = value | (old & VIRTIO_STATUS_NEEDS_RESET);
    virtio_core_sync_features(c);
}

struct virtqueue *virtio_core_queue(struct virtio_core *c)
{
    return c->queue_sel < c->nqueues ? &c->queues[c->queue_sel] : NULL;
}

void virtio_core_queue_num(struct virtio_core *c, struct virtqueue *q, uint32_t value)
{
    q->num = value <= c->dev->queue_max ? (uint16_t)value : 0;
}

void virtio_core_queue_ready(struct virtio_core *c, struct virtqueue *q, bool ready)
{
    q->ready = ready;
    sync_queue(c, q);
}

void virtio_core_notify(struct virtio_core *c, uint32_t index)
{
    if (!c->dev || index >= c->nqueues || c->tr.broken || !c->queues[index].ready || !c->dev->notify)
        return;
    c->dev->notify(c->dev, &c->queues[index]);
}

void virtio_core_isr_ack(struct virtio_core *c, uint32_t bits)
{
    c->isr &= ~bits;
    c->update_irq(c);
}

uint64_t virtio_core_config_read(const struct virtio_core *c, uint64_t off, unsigned size)
{
    const struct virtio_device *d = c->dev;
    if (!d || !d->config || off > d->config_size || size > d->config_size - off)
        return 0;
    return load_le(d->config + off, size);
}

void virtio_core_config_write(struct virtio_core *c, uint64_t off, unsigned size, uint64_t value)
{
    struct virtio_device *d = c->dev;
    if (!d || !d->config_write || off > d->config_size || size > d->config_size - off)
        return;
    d->config_write(d, (uint32_t)off, size, value);
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

void virtio_core_save_queues(const struct virtio_core *c, struct snapshot_writer *w)
{
    snap_put_u32(w, c->nqueues);
    for (unsigned i = 0; i < c->nqueues; i++)
        save_queue(&c->queues[i], c->dev->held ? c->dev->held(c->dev, i) : 0, w);
    snap_put_u32(w, c->dev->config_size);
    snap_put(w, c->dev->config, c->dev->config_size);
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

void virtio_core_read_queues(struct virtio_core *s, uint8_t *config, struct snapshot_reader *r)
{
    if (s->status > 0xff || s->isr > 3 || (s->driver_features & ~virtio_core_offered(s)))
        snap_bad(r, "virtio registers out of range");
    if (snap_get_u32(r) != s->nqueues)
        snap_bad(r, "virtqueue count differs");
    for (unsigned i = 0; i < s->nqueues && !r->bad; i++)
        read_queue(&s->queues[i], s->dev->queue_max, r);
    if (snap_get_u32(r) != s->dev->config_size)
        snap_bad(r, "config space size differs");
    if (!r->bad)
        snap_get(r, config, s->dev->config_size);
}

bool virtio_core_stage(const struct virtio_core *c, struct virtio_core *s, uint8_t **config, struct snapshot_reader *r)
{
    *s = *c;
    s->queues = calloc(c->nqueues ? c->nqueues : 1, sizeof *s->queues);
    *config = malloc(c->dev->config_size ? c->dev->config_size : 1);
    if (s->queues && *config)
        return true;
    snap_bad(r, "out of memory");
    return false;
}

void virtio_core_unstage(struct virtio_core *s, uint8_t *config)
{
    free(s->queues);
    free(config);
}

void virtio_core_commit(struct virtio_core *c, const struct virtio_core *s, const uint8_t *config)
{
    if (c->dev->reset)
        c->dev->reset(c->dev);
    for (unsigned i = 0; i < c->nqueues; i++) {
        struct virtqueue keep = c->queues[i];
        c->queues[i] = s->queues[i];
        c->queues[i].bus = keep.bus, c->queues[i].transport = keep.transport, c->queues[i].index = keep.index;
    }
    if (c->dev->config_size) /* rng has no config space (config NULL) */
        memcpy(c->dev->config, config, c->dev->config_size);
    struct virtqueue *queues = c->queues;
    *c = *s;
    c->queues = queues;
    virtio_core_sync_features(c);
    c->update_irq(c);
    for (unsigned i = 0; i < c->nqueues; i++)
        if (c->queues[i].ready && !c->tr.broken && (c->status & VIRTIO_STATUS_DRIVER_OK))
            c->dev->notify(c->dev, &c->queues[i]);
}
