/*
 * Fuzz target: the PCIe host bridge (devices/pci.h) with two virtio-pci
 * functions (devices/virtio_pci.h), virtio-rng at 00:01.0 and virtio-blk
 * or virtio-net at 00:02.0 (options byte), reached through the ECAM and
 * window callbacks with no hart in between.
 *
 * An input: an options byte, then operations (first byte modulo POP_COUNT,
 * little-endian fields; an input that ends early reads zeros):
 *   POP_RAM     u16 offset, u8 length, bytes: stored at RAM + offset
 *   POP_CFG_W   u32 ECAM offset, u8 size, u32 value: a config write
 *   POP_CFG_R   u32 ECAM offset, u8 size: a config read
 *   POP_WIN_W   u8 window, u32 offset, u8 size, u64 value: a window store
 *   POP_WIN_R   u8 window, u32 offset, u8 size: a window load
 *   POP_MAP     u8 function, u8 page: BAR4 at 0x40000000 + page * 16 KiB,
 *               memory decoding and bus mastering on
 *   POP_COMMON  u8 function, u8 offset, u8 size, u64 value: a common
 *               config store through the mapped BAR4
 *   POP_QUEUE   u8 function, u8 queue, u8 size, u16 desc, u16 avail,
 *               u16 used, u32 features: a driver's queue bring-up
 *   POP_NOTIFY  u8 function, u16 value
 *   POP_SNAP    u8 function: save, dry restore, restore
 *   POP_RESET   u8 function: a machine reset of it
 * Failing is crashing: ASan, UBSan, a leak, a hang.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices/blockdev.h"
#include "devices/pci.h"
#include "devices/virtio_blk.h"
#include "devices/virtio_net.h"
#include "devices/virtio_pci.h"
#include "devices/virtio_rng.h"
#include "fuzz_board.h"
#include "rivet/snapstream.h"

enum {
    POP_RAM,
    POP_CFG_W,
    POP_CFG_R,
    POP_WIN_W,
    POP_WIN_R,
    POP_MAP,
    POP_COMMON,
    POP_QUEUE,
    POP_NOTIFY,
    POP_SNAP,
    POP_RESET,
    POP_COUNT
};

#define P_RAM_BASE RIVET_RAM_BASE
#define P_RAM_SIZE (128u << 10)
#define P_MAX_OPS  512
#define P_WIN      UINT64_C(0x40000000)

struct pfuzz {
    struct bus bus;
    struct pci_host *h;
    struct virtio_device *dev[2];
    struct virtio_pci *t[2];
    pthread_mutex_t lock[3];
    struct mmio_region win[PCI_WIN_COUNT];
    uint64_t bar[2];
    uint8_t seed;
};

static void no_irq(void *ctrl, unsigned src, bool level) {}

static size_t rng_fill(void *opaque, uint8_t *buf, size_t n)
{
    struct pfuzz *p = opaque;
    if ((p->seed++ & 7) == 7)
        return 0;
    for (size_t i = 0; i < n; i++)
        buf[i] = p->seed++;
    return n;
}

static void net_send(void *opaque, const uint8_t *frame, size_t len) {}

static unsigned access_size(struct fuzz_in *in, unsigned max_log2) { return 1u << (fuzz_take(in, 1) % (max_log2 + 1)); }

static void cfg_op(struct pfuzz *p, struct fuzz_in *in, bool write)
{
    uint64_t off = fuzz_take(in, 4) & 0x0fffffff;
    unsigned sz = access_size(in, 2);
    off &= ~(uint64_t)(sz - 1);
    uint64_t v = write ? fuzz_take(in, 4) : 0;
    if (write)
        pci_ecam_write(p->h, off, sz, v);
    else
        pci_ecam_read(p->h, off, sz, &v);
}

static void win_op(struct pfuzz *p, struct fuzz_in *in, bool write)
{
    struct mmio_region *w = &p->win[fuzz_take(in, 1) % PCI_WIN_COUNT];
    uint64_t off = fuzz_take(in, 4) % w->size;
    unsigned sz = access_size(in, 3);
    off &= ~(uint64_t)(sz - 1);
    uint64_t v = write ? fuzz_take(in, 8) : 0;
    if (write)
        w->write(w->opaque, off, sz, v);
    else
        w->read(w->opaque, off, sz, &v);
}

/* A common config store as a driver makes it (the lock is the host's to
 * take: the window callback does). */
static void common(struct pfuzz *p, unsigned f, unsigned off, unsigned size, uint64_t v)
{
    p->win[PCI_WIN_MMIO].write(p->win[PCI_WIN_MMIO].opaque, p->bar[f] - P_WIN + off, size, v);
}

static void map_op(struct pfuzz *p, struct fuzz_in *in)
{
    unsigned f = (unsigned)fuzz_take(in, 1) % 2, d = f + 1;
    p->bar[f] = P_WIN + fuzz_take(in, 1) * VIRTIO_PCI_BAR_SIZE;
    pci_ecam_write(p->h, (uint64_t)d << 15 | (PCI_BAR0 + 16), 4, (uint32_t)p->bar[f]);
    pci_ecam_write(p->h, (uint64_t)d << 15 | (PCI_BAR0 + 20), 4, 0);
    pci_ecam_write(p->h, (uint64_t)d << 15 | PCI_COMMAND, 2, PCI_CMD_MEM | PCI_CMD_MASTER);
}

static void queue_op(struct pfuzz *p, struct fuzz_in *in)
{
    unsigned f = (unsigned)fuzz_take(in, 1) % 2;
    unsigned q = (unsigned)fuzz_take(in, 1), size = (unsigned)fuzz_take(in, 1);
    uint64_t d = P_RAM_BASE + fuzz_take(in, 2), a = P_RAM_BASE + fuzz_take(in, 2), u = P_RAM_BASE + fuzz_take(in, 2);
    uint32_t feat = (uint32_t)fuzz_take(in, 4);
    common(p, f, VPCI_STATUS, 1, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
    common(p, f, VPCI_GFSELECT, 4, 0);
    common(p, f, VPCI_GF, 4, feat);
    common(p, f, VPCI_GFSELECT, 4, 1);
    common(p, f, VPCI_GF, 4, 1);
    common(p, f, VPCI_STATUS, 1, 0x0b);
    common(p, f, VPCI_Q_SELECT, 2, q);
    common(p, f, VPCI_Q_SIZE, 2, size);
    common(p, f, VPCI_Q_DESC, 8, d);
    common(p, f, VPCI_Q_DRIVER, 4, (uint32_t)a);
    common(p, f, VPCI_Q_DRIVER + 4, 4, (uint32_t)(a >> 32));
    common(p, f, VPCI_Q_DEVICE, 8, u);
    common(p, f, VPCI_Q_ENABLE, 2, 1);
    common(p, f, VPCI_STATUS, 1, 0x0f);
}

static void snap_op(struct pfuzz *p, unsigned f)
{
    struct snapshot_writer w = { 0 };
    pthread_mutex_lock(&p->lock[f + 1]);
    virtio_pci_save(p->t[f], &w);
    struct snapshot_reader r = { .p = w.buf, .len = w.len, .dry = true };
    if (!w.failed && virtio_pci_restore(p->t[f], &r)) {
        r = (struct snapshot_reader){ .p = w.buf, .len = w.len };
        virtio_pci_restore(p->t[f], &r);
    }
    pthread_mutex_unlock(&p->lock[f + 1]);
    snap_writer_free(&w);
}

static void run_op(struct pfuzz *p, struct fuzz_in *in)
{
    switch (fuzz_take(in, 1) % POP_COUNT) {
    case POP_RAM: {
        uint64_t off = fuzz_take(in, 2);
        size_t len = (size_t)fuzz_take(in, 1);
        len = len > in->left ? in->left : len;
        bus_dma_write(&p->bus, P_RAM_BASE + off, in->p, len);
        in->p += len, in->left -= len;
        break;
    }
    case POP_CFG_W: cfg_op(p, in, true); break;
    case POP_CFG_R: cfg_op(p, in, false); break;
    case POP_WIN_W: win_op(p, in, true); break;
    case POP_WIN_R: win_op(p, in, false); break;
    case POP_MAP: map_op(p, in); break;
    case POP_COMMON: {
        unsigned f = (unsigned)fuzz_take(in, 1) % 2, off = (unsigned)fuzz_take(in, 1) % 0x40;
        unsigned sz = access_size(in, 3);
        common(p, f, off & ~(sz - 1), sz, fuzz_take(in, 8));
        break;
    }
    case POP_QUEUE: queue_op(p, in); break;
    case POP_NOTIFY: {
        unsigned f = (unsigned)fuzz_take(in, 1) % 2;
        common(p, f, VIRTIO_PCI_NOTIFY + 4 * (fuzz_take(in, 1) % 4), 2, fuzz_take(in, 2));
        break;
    }
    case POP_SNAP: snap_op(p, (unsigned)fuzz_take(in, 1) % 2); break;
    default: {
        unsigned f = (unsigned)fuzz_take(in, 1) % 2;
        pthread_mutex_lock(&p->lock[f + 1]);
        virtio_pci_reset(p->t[f]);
        pthread_mutex_unlock(&p->lock[f + 1]);
        break;
    }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fuzz_in in = { data, size };
    unsigned opts = (unsigned)fuzz_take(&in, 1);
    static struct pfuzz p;
    memset(&p, 0, sizeof p);
    if (!bus_init(&p.bus, P_RAM_BASE, P_RAM_SIZE)) {
        perror("fuzz_pci: RAM");
        exit(2);
    }
    struct irq_line lines[4];
    for (unsigned i = 0; i < 4; i++)
        lines[i] = (struct irq_line){ no_irq, NULL, 32 + i };
    for (unsigned i = 0; i < 3; i++)
        pthread_mutex_init(&p.lock[i], NULL);
    p.h = pci_host_create(lines, &p.lock[0]);
    static const uint8_t mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
    char err[RIVET_ERR_LEN];
    struct blockdev *bd = opts & 1 ? NULL : blockdev_open(fuzz_disk(), false, true, err, sizeof err);
    p.dev[0] = virtio_rng_create(rng_fill, &p);
    p.dev[1] = opts & 1 ? virtio_net_create(mac, net_send, &p) : bd ? virtio_blk_create(bd, "fuzz") : NULL;
    for (unsigned f = 0; f < 2 && p.h && p.dev[f]; f++) {
        p.t[f] = virtio_pci_create(&p.bus, p.dev[f]);
        if (p.t[f])
            pci_host_attach(p.h, f + 1, virtio_pci_function(p.t[f]), &p.lock[f + 1]);
        p.bar[f] = P_WIN;
    }
    if (!p.t[0] || !p.t[1]) {
        fprintf(stderr, "fuzz_pci: cannot make the devices\n");
        exit(2);
    }
    static const uint64_t base[PCI_WIN_COUNT] = { 0x3000000, P_WIN, 0x400000000 };
    static const uint64_t len[PCI_WIN_COUNT] = { 0x10000, 0x40000000, 0x400000000 };
    for (unsigned w = 0; w < PCI_WIN_COUNT; w++)
        p.win[w] = pci_host_window_region(p.h, (enum pci_window)w, base[w], len[w]);
    for (unsigned op = 0; in.left && op < P_MAX_OPS; op++)
        run_op(&p, &in);
    for (unsigned f = 0; f < 2; f++)
        virtio_pci_destroy(p.t[f]);
    pci_host_destroy(p.h);
    virtio_rng_destroy(p.dev[0]);
    if (opts & 1)
        virtio_net_destroy(p.dev[1]);
    else
        virtio_blk_destroy(p.dev[1]), blockdev_close(bd);
    for (unsigned i = 0; i < 3; i++)
        pthread_mutex_destroy(&p.lock[i]);
    bus_destroy(&p.bus);
    return 0;
}
