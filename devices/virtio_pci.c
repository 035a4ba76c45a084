/*
 * The virtio-pci transport (virtio_pci.h): the PCI header and capability
 * list, and BAR4's common, ISR, device and notify structures decoded onto
 * the shared transport core (virtio_core.h).
 */
#include "devices/virtio_pci.h"

#include "devices/virtio_core.h"
#include "rivet/snapstream.h"

#include <stdlib.h>
#include <string.h>

#define CAP_VNDR       0x09 /* PCI vendor-specific capability */
#define CAP_FIRST      0x40
#define CAP_LEN        16
#define NOTIFY_CAP_LEN 20
#define PCI_CFG_CAP    VIRTIO_PCI_CAP_PCI_CFG_AT
/* The PCI cfg access capability's fields (section 4.1.4.9). */
#define PCI_CFG_BAR    (PCI_CFG_CAP + 4)
#define PCI_CFG_OFFSET (PCI_CFG_CAP + 8)
#define PCI_CFG_LENGTH (PCI_CFG_CAP + 12)
#define PCI_CFG_DATA   (PCI_CFG_CAP + 16)
#define NO_VECTOR      0xffff
#define SUBSYS_ID      0x1100 /* as QEMU's virtio-pci functions */

struct virtio_pci {
    struct virtio_core c; /* first: update_irq finds the transport from it */
    struct pci_function fn;
};

static void update_irq(struct virtio_core *c)
{
    struct virtio_pci *t = (struct virtio_pci *)c;
    pci_set_irq(&t->fn, c->isr != 0);
}

/* ---- BAR4 ---- */

/* The common structure as bytes, so that reads of any size and offset
 * inside it see the fields as the driver would lay them out. */
static void common_image(struct virtio_pci *t, uint8_t img[VPCI_COMMON_SIZE])
{
    struct virtio_core *c = &t->c;
    const struct virtqueue *q = virtio_core_queue(c);
    memset(img, 0, VPCI_COMMON_SIZE);
    store_le(img + VPCI_DFSELECT, 4, c->dev_features_sel);
    store_le(img + VPCI_DF, 4, virtio_core_device_features(c));
    store_le(img + VPCI_GFSELECT, 4, c->drv_features_sel);
    store_le(img + VPCI_GF, 4, virtio_core_driver_features_read(c));
    store_le(img + VPCI_MSIX_CONFIG, 2, NO_VECTOR);
    store_le(img + VPCI_NUM_QUEUES, 2, c->nqueues);
    img[VPCI_STATUS] = (uint8_t)c->status;
    img[VPCI_CFG_GEN] = (uint8_t)c->config_generation;
    store_le(img + VPCI_Q_SELECT, 2, c->queue_sel);
    store_le(img + VPCI_Q_MSIX, 2, NO_VECTOR);
    if (!q)
        return; /* queue_size 0: no such queue */
    store_le(img + VPCI_Q_SIZE, 2, q->num);
    store_le(img + VPCI_Q_ENABLE, 2, q->ready);
    store_le(img + VPCI_Q_NOTIFY_OFF, 2, q->index);
    store_le(img + VPCI_Q_DESC, 8, q->desc);
    store_le(img + VPCI_Q_DRIVER, 8, q->avail);
    store_le(img + VPCI_Q_DEVICE, 8, q->used);
}

static uint64_t common_read(struct virtio_pci *t, uint64_t off, unsigned size)
{
    uint8_t img[VPCI_COMMON_SIZE];
    if (off >= VPCI_COMMON_SIZE || size > VPCI_COMMON_SIZE - off)
        return 0;
    common_image(t, img);
    return load_le(img + off, size);
}

/* A queue address: the whole 64 bits, or the half a 32-bit write names;
 * frozen while the queue is enabled (section 4.1.4.3.2). */
static void queue_addr_write(struct virtqueue *q, uint64_t *field, uint64_t off, unsigned size, uint64_t v)
{
    if (q->ready)
        return;
    if (size == 8 && !(off & 7))
        *field = v;
    else if (size == 4) {
        unsigned shift = (off & 4) ? 32 : 0;
        *field = (*field & ~((uint64_t)UINT32_MAX << shift)) | (v & UINT32_MAX) << shift;
    }
}

static void queue_write(struct virtio_pci *t, uint64_t off, unsigned size, uint64_t v)
{
    struct virtqueue *q = virtio_core_queue(&t->c);
    if (!q)
        return;
    if (off == VPCI_Q_SIZE && size == 2 && !q->ready)
        virtio_core_queue_num(&t->c, q, (uint32_t)v);
    else if (off == VPCI_Q_ENABLE && size == 2 && (v & 1))
        virtio_core_queue_ready(&t->c, q, true); /* 0 is not the driver's to write (4.1.4.3.2) */
    else if (off >= VPCI_Q_DESC && off < VPCI_Q_DRIVER)
        queue_addr_write(q, &q->desc, off, size, v);
    else if (off >= VPCI_Q_DRIVER && off < VPCI_Q_DEVICE)
        queue_addr_write(q, &q->avail, off, size, v);
    else if (off >= VPCI_Q_DEVICE && off < VPCI_Q_DEVICE + 8)
        queue_addr_write(q, &q->used, off, size, v);
}

static void common_write(struct virtio_pci *t, uint64_t off, unsigned size, uint64_t v)
{
    struct virtio_core *c = &t->c;
    if (off == VPCI_DFSELECT && size == 4)
        c->dev_features_sel = (uint32_t)v;
    else if (off == VPCI_GFSELECT && size == 4)
        c->drv_features_sel = (uint32_t)v;
    else if (off == VPCI_GF && size == 4)
        virtio_core_driver_features_write(c, (uint32_t)v);
    else if (off == VPCI_STATUS && size == 1)
        virtio_core_status_write(c, (uint32_t)v);
    else if (off == VPCI_Q_SELECT && size == 2)
        c->queue_sel = (uint32_t)v;
    else if (off >= VPCI_Q_SIZE && off != VPCI_Q_MSIX && off != VPCI_Q_NOTIFY_OFF)
        queue_write(t, off, size, v);
}

static uint64_t bar_read(void *opaque, unsigned bar, uint64_t off, unsigned size)
{
    struct virtio_pci *t = opaque;
    if (off < VIRTIO_PCI_ISR)
        return common_read(t, off - VIRTIO_PCI_COMMON, size);
    if (off < VIRTIO_PCI_DEVICE) {
        if (off != VIRTIO_PCI_ISR)
            return 0;
        uint32_t isr = t->c.isr; /* reading clears it, and INTx drops (4.1.4.5) */
        virtio_core_isr_ack(&t->c, isr);
        return isr;
    }
    if (off < VIRTIO_PCI_NOTIFY)
        return virtio_core_config_read(&t->c, off - VIRTIO_PCI_DEVICE, size);
    return 0;
}

static void bar_write(void *opaque, unsigned bar, uint64_t off, unsigned size, uint64_t v)
{
    struct virtio_pci *t = opaque;
    if (off < VIRTIO_PCI_ISR)
        common_write(t, off - VIRTIO_PCI_COMMON, size, v);
    else if (off >= VIRTIO_PCI_DEVICE && off < VIRTIO_PCI_NOTIFY)
        virtio_core_config_write(&t->c, off - VIRTIO_PCI_DEVICE, size, v);
    else if (off >= VIRTIO_PCI_NOTIFY)
        virtio_core_notify(&t->c, (uint32_t)((off - VIRTIO_PCI_NOTIFY) / VIRTIO_PCI_NOTIFY_MULT));
}

/* ---- the PCI cfg access capability (section 4.1.4.9) ---- */

/* The window the capability names, when it is one the device answers:
 * BAR4, length 1, 2 or 4, aligned, inside the BAR. */
static bool cfg_window(const struct virtio_pci *t, uint64_t *off, unsigned *len)
{
    const uint8_t *cfg = t->fn.cfg;
    *off = load_le(cfg + PCI_CFG_OFFSET, 4);
    *len = (unsigned)load_le(cfg + PCI_CFG_LENGTH, 4);
    return cfg[PCI_CFG_BAR] == VIRTIO_PCI_BAR && (*len == 1 || *len == 2 || *len == 4) && !(*off % *len) &&
           *off < VIRTIO_PCI_BAR_SIZE;
}

static uint32_t cfg_read(void *opaque, unsigned off, unsigned size, uint32_t value)
{
    struct virtio_pci *t = opaque;
    uint64_t boff;
    unsigned len;
    if (off != PCI_CFG_DATA || !cfg_window(t, &boff, &len))
        return value;
    uint32_t data = (uint32_t)bar_read(t, VIRTIO_PCI_BAR, boff, len);
    return size == 4 ? data : data & ((1u << (8 * size)) - 1);
}

static void cfg_write(void *opaque, unsigned off, unsigned size, uint32_t value)
{
    struct virtio_pci *t = opaque;
    uint64_t boff;
    unsigned len;
    if (off == PCI_CFG_DATA && cfg_window(t, &boff, &len))
        bar_write(t, VIRTIO_PCI_BAR, boff, len, len == 4 ? value : value & ((1u << (8 * len)) - 1));
}

static const struct pci_function_ops ops = { bar_read, bar_write, cfg_read, cfg_write };

/* ---- the header ---- */

static unsigned add_cap(struct pci_function *fn, unsigned at, unsigned len, uint8_t type, uint32_t offset)
{
    uint8_t *p = fn->cfg + at;
    p[0] = CAP_VNDR;
    p[2] = (uint8_t)len;
    p[3] = type;
    p[4] = type == VIRTIO_PCI_CAP_PCI_CFG ? 0 : VIRTIO_PCI_BAR;
    store_le(p + 8, 4, offset);
    store_le(p + 12, 4, type == VIRTIO_PCI_CAP_PCI_CFG ? 0 : 0x1000);
    return at;
}

/* Common, ISR, device (when the device has a config space), notify, then
 * the PCI cfg access capability, linked in that order from 0x40. */
static void build_caps(struct pci_function *fn, bool device_cfg)
{
    unsigned at[5], n = 0, next = CAP_FIRST;
    at[n++] = add_cap(fn, next, CAP_LEN, VIRTIO_PCI_CAP_COMMON_CFG, VIRTIO_PCI_COMMON), next += CAP_LEN;
    at[n++] = add_cap(fn, next, CAP_LEN, VIRTIO_PCI_CAP_ISR_CFG, VIRTIO_PCI_ISR), next += CAP_LEN;
    if (device_cfg)
        at[n++] = add_cap(fn, next, CAP_LEN, VIRTIO_PCI_CAP_DEVICE_CFG, VIRTIO_PCI_DEVICE);
    next = 0x70;
    at[n++] = add_cap(fn, next, NOTIFY_CAP_LEN, VIRTIO_PCI_CAP_NOTIFY_CFG, VIRTIO_PCI_NOTIFY);
    store_le(fn->cfg + next + 16, 4, VIRTIO_PCI_NOTIFY_MULT);
    at[n++] = add_cap(fn, PCI_CFG_CAP, NOTIFY_CAP_LEN, VIRTIO_PCI_CAP_PCI_CFG, 0);
    for (unsigned i = 0; i + 1 < n; i++)
        fn->cfg[at[i] + 1] = (uint8_t)at[i + 1];
    fn->cfg[PCI_CAP_PTR] = CAP_FIRST;
    fn->wmask[PCI_CFG_BAR] = 0xff;
    store_le(fn->wmask + PCI_CFG_OFFSET, 4, UINT32_MAX);
    store_le(fn->wmask + PCI_CFG_LENGTH, 4, UINT32_MAX);
    store_le(fn->wmask + PCI_CFG_DATA, 4, UINT32_MAX);
}

static uint32_t class_of(uint32_t device_id)
{
    switch (device_id) {
    case VIRTIO_ID_NET: return 0x020000;   /* network, ethernet */
    case VIRTIO_ID_BLOCK: return 0x010000; /* mass storage, SCSI (as QEMU) */
    case VIRTIO_ID_INPUT: return 0x098000; /* input, other */
    default: return 0x00ff00;              /* unclassified */
    }
}

struct virtio_pci *virtio_pci_create(struct bus *bus, struct virtio_device *dev)
{
    struct virtio_pci *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    struct pci_function *fn = &t->fn;
    pci_function_init(fn, VIRTIO_PCI_VENDOR, (uint16_t)(VIRTIO_PCI_DEVICE_BASE + dev->device_id),
                      class_of(dev->device_id), 1, &ops, t);
    store_le(fn->cfg + PCI_SUBSYS_VENDOR, 2, VIRTIO_PCI_VENDOR);
    store_le(fn->cfg + PCI_SUBSYS_ID, 2, SUBSYS_ID);
    pci_function_set_bar(fn, VIRTIO_PCI_BAR, PCI_BAR_KIND_MEM64, VIRTIO_PCI_BAR_SIZE, true);
    pci_function_set_pin(fn, 1);
    build_caps(fn, dev->config_size != 0);
    pci_function_done(fn);
    if (!virtio_core_init(&t->c, bus, dev, false, update_irq)) {
        free(t);
        return NULL;
    }
    return t;
}

void virtio_pci_destroy(struct virtio_pci *t)
{
    if (!t)
        return;
    virtio_core_free(&t->c);
    free(t);
}

struct pci_function *virtio_pci_function(struct virtio_pci *t) { return &t->fn; }

void virtio_pci_reset(struct virtio_pci *t)
{
    pci_function_reset(&t->fn);
    virtio_core_reset(&t->c);
}

/* ---- snapshots ---- */

void virtio_pci_save(const struct virtio_pci *t, struct snapshot_writer *w)
{
    const struct virtio_core *c = &t->c;
    pci_function_save(&t->fn, w);
    snap_put_u32(w, c->dev->device_id);
    const uint32_t regs[] = { c->status,           c->isr,       c->dev_features_sel,
                              c->drv_features_sel, c->queue_sel, c->config_generation };
    for (size_t i = 0; i < sizeof regs / sizeof regs[0]; i++)
        snap_put_u32(w, regs[i]);
    snap_put_u64(w, c->driver_features);
    snap_put_bool(w, c->tr.broken);
    virtio_core_save_queues(c, w);
}

bool virtio_pci_restore(struct virtio_pci *t, struct snapshot_reader *r)
{
    uint8_t cfg[PCI_CFG_SIZE];
    bool level;
    pci_function_read_state(&t->fn, r, cfg, &level);
    if (snap_get_u32(r) != t->c.dev->device_id)
        snap_bad(r, "another virtio device in this PCI slot");
    struct virtio_core s = { 0 };
    uint8_t *config = NULL;
    if (!r->bad && virtio_core_stage(&t->c, &s, &config, r)) {
        uint32_t *regs[] = { &s.status,           &s.isr,       &s.dev_features_sel,
                             &s.drv_features_sel, &s.queue_sel, &s.config_generation };
        for (size_t i = 0; i < sizeof regs / sizeof regs[0]; i++)
            *regs[i] = snap_get_u32(r);
        s.driver_features = snap_get_u64(r);
        s.tr.broken = snap_get_bool(r);
        virtio_core_read_queues(&s, config, r);
        if (snap_end(r) && !r->dry) {
            pci_function_apply_state(&t->fn, cfg, level);
            virtio_core_commit(&t->c, &s, config);
        }
    }
    virtio_core_unstage(&s, config);
    return !r->bad;
}
