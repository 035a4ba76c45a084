/*
 * The PCIe host bridge and the generic type-0 function (pci.h).
 */
#include "devices/pci.h"

#include "rivet/snapstream.h"

#include <stdlib.h>
#include <string.h>

#define GPEX_VENDOR       0x1b36 /* Red Hat, QEMU's generic PCIe host */
#define GPEX_DEVICE       0x0008
#define CLASS_HOST_BRIDGE 0x060000

struct pci_window_state {
    struct pci_host *h;
    uint64_t base;
    bool io;
};

struct pci_host {
    struct pci_function *fn[PCI_MAX_DEVS];
    struct pci_function bridge;
    pthread_mutex_t intx_lock;
    uint32_t asserting[4]; /* per line: a bit per device driving it */
    struct irq_line lines[4];
    struct pci_window_state win[PCI_WIN_COUNT];
};

static void lock(pthread_mutex_t *l)
{
    if (l)
        pthread_mutex_lock(l);
}

static void unlock(pthread_mutex_t *l)
{
    if (l)
        pthread_mutex_unlock(l);
}

/* Little-endian bytes of the header, composed byte by byte (GCC's
 * sanitizer build sees load_le's wider temporary as maybe uninitialised). */
static uint32_t cfg_le(const uint8_t *p, unsigned n)
{
    uint32_t v = 0;
    for (unsigned i = n; i-- > 0;)
        v = v << 8 | p[i];
    return v;
}

static uint16_t cfg16(const struct pci_function *fn, unsigned off) { return (uint16_t)cfg_le(fn->cfg + off, 2); }

static void set_ro(struct pci_function *fn, unsigned off, unsigned size, uint64_t value)
{
    store_le(fn->cfg + off, size, value);
}

static void set_wmask(struct pci_function *fn, unsigned off, unsigned size, uint64_t mask)
{
    store_le(fn->wmask + off, size, mask);
}

void pci_function_init(struct pci_function *fn, uint16_t vendor, uint16_t device, uint32_t class_code, uint8_t revision,
                       const struct pci_function_ops *ops, void *opaque)
{
    memset(fn, 0, sizeof *fn);
    set_ro(fn, PCI_VENDOR_ID, 2, vendor);
    set_ro(fn, PCI_DEVICE_ID, 2, device);
    set_ro(fn, PCI_REVISION, 1, revision);
    set_ro(fn, PCI_CLASS_PROG, 3, class_code);
    set_wmask(fn, PCI_COMMAND, 2, PCI_CMD_IO | PCI_CMD_MEM | PCI_CMD_MASTER | PCI_CMD_INTX_DIS);
    set_wmask(fn, PCI_INTERRUPT_LINE, 1, 0xff);
    fn->ops = ops;
    fn->opaque = opaque;
}

void pci_function_set_bar(struct pci_function *fn, unsigned i, enum pci_bar_kind kind, uint64_t size, bool prefetch)
{
    unsigned off = PCI_BAR0 + 4 * i;
    fn->bar_kind[i] = (uint8_t)kind;
    fn->bar_size[i] = size;
    if (kind == PCI_BAR_KIND_IO) {
        set_ro(fn, off, 4, PCI_BAR_IO);
        set_wmask(fn, off, 4, ~(uint32_t)(size - 1) & ~3u);
        return;
    }
    uint32_t flags = (kind == PCI_BAR_KIND_MEM64 ? PCI_BAR_MEM64 : 0) | (prefetch ? PCI_BAR_PREFETCH : 0);
    set_ro(fn, off, 4, flags);
    set_wmask(fn, off, 4, ~(uint32_t)(size - 1) & ~0xfu);
    if (kind == PCI_BAR_KIND_MEM64 && i + 1 < PCI_NUM_BARS) {
        fn->bar_kind[i + 1] = PCI_BAR_NONE;
        fn->bar_size[i + 1] = 0;
        set_wmask(fn, off + 4, 4, (uint32_t)(~(size - 1) >> 32));
    }
}

void pci_function_set_pin(struct pci_function *fn, uint8_t pin) { set_ro(fn, PCI_INTERRUPT_PIN, 1, pin); }

void pci_function_done(struct pci_function *fn)
{
    if (fn->cfg[PCI_CAP_PTR])
        fn->cfg[PCI_STATUS] |= PCI_STATUS_CAPS;
    memcpy(fn->power_on, fn->cfg, PCI_CFG_SIZE);
}

/* The line of a function's pin after the swizzle; -1: no pin. */
static int intx_line(const struct pci_function *fn)
{
    uint8_t pin = fn->cfg[PCI_INTERRUPT_PIN];
    return pin >= 1 && pin <= 4 ? (int)((fn->devno + pin - 1) % 4) : -1;
}

/* The wire-OR of the functions on the line (pci.h "Threads"). */
static void update_intx(struct pci_function *fn)
{
    bool on = fn->intx_level && !(cfg16(fn, PCI_COMMAND) & PCI_CMD_INTX_DIS);
    int line = intx_line(fn);
    struct pci_host *h = fn->host;
    if (line < 0 || !h)
        return;
    pthread_mutex_lock(&h->intx_lock);
    uint32_t bit = 1u << fn->devno, before = h->asserting[line];
    h->asserting[line] = on ? before | bit : before & ~bit;
    if (!before != !h->asserting[line])
        irq_set(&h->lines[line], h->asserting[line] != 0);
    pthread_mutex_unlock(&h->intx_lock);
}

void pci_set_irq(struct pci_function *fn, bool level)
{
    fn->intx_level = level;
    if (level)
        fn->cfg[PCI_STATUS] |= PCI_STATUS_INTX;
    else
        fn->cfg[PCI_STATUS] &= (uint8_t)~PCI_STATUS_INTX;
    update_intx(fn);
}

void pci_function_reset(struct pci_function *fn)
{
    memcpy(fn->cfg, fn->power_on, PCI_CFG_SIZE);
    pci_set_irq(fn, false);
}

uint32_t pci_config_read(struct pci_function *fn, unsigned off, unsigned size)
{
    if (off >= PCI_CFG_SIZE || size > PCI_CFG_SIZE - off)
        return 0; /* extended config space: no capabilities there */
    uint32_t v = cfg_le(fn->cfg + off, size);
    return fn->ops && fn->ops->cfg_read ? fn->ops->cfg_read(fn->opaque, off, size, v) : v;
}

void pci_config_write(struct pci_function *fn, unsigned off, unsigned size, uint32_t value)
{
    if (off >= PCI_CFG_SIZE || size > PCI_CFG_SIZE - off)
        return;
    uint16_t cmd = cfg16(fn, PCI_COMMAND);
    for (unsigned b = 0; b < size; b++) {
        uint8_t v = (uint8_t)(value >> (8 * b)), *c = &fn->cfg[off + b];
        *c = (uint8_t)((*c & ~fn->wmask[off + b]) | (v & fn->wmask[off + b]));
        *c &= (uint8_t) ~(v & fn->w1c[off + b]);
    }
    if (cmd != cfg16(fn, PCI_COMMAND))
        update_intx(fn);
    if (fn->ops && fn->ops->cfg_write)
        fn->ops->cfg_write(fn->opaque, off, size, value);
}

uint64_t pci_bar_address(const struct pci_function *fn, unsigned i)
{
    if (i >= PCI_NUM_BARS || fn->bar_kind[i] == PCI_BAR_NONE)
        return UINT64_MAX;
    uint16_t cmd = cfg16(fn, PCI_COMMAND);
    uint64_t v = cfg_le(fn->cfg + PCI_BAR0 + 4 * i, 4);
    switch (fn->bar_kind[i]) {
    case PCI_BAR_KIND_IO: return cmd & PCI_CMD_IO ? v & ~UINT64_C(3) : UINT64_MAX;
    case PCI_BAR_KIND_MEM64:
        v |= i + 1 < PCI_NUM_BARS ? (uint64_t)cfg_le(fn->cfg + PCI_BAR0 + 4 * i + 4, 4) << 32 : 0;
        break;
    }
    return cmd & PCI_CMD_MEM ? v & ~UINT64_C(0xf) : UINT64_MAX;
}

void pci_function_save(const struct pci_function *fn, struct snapshot_writer *w)
{
    snap_put(w, fn->cfg, PCI_CFG_SIZE);
    snap_put_bool(w, fn->intx_level);
}

/* Only the guest-writable bits (and the interrupt status) may differ from
 * what this function is at power-on. */
void pci_function_read_state(const struct pci_function *fn, struct snapshot_reader *r, uint8_t cfg[PCI_CFG_SIZE],
                             bool *level)
{
    snap_get(r, cfg, PCI_CFG_SIZE);
    *level = snap_get_bool(r);
    for (unsigned i = 0; i < PCI_CFG_SIZE && !r->bad; i++) {
        uint8_t fixed = (uint8_t)~fn->wmask[i] & (i == PCI_STATUS ? (uint8_t)~PCI_STATUS_INTX : 0xff);
        if ((cfg[i] ^ fn->power_on[i]) & fixed)
            snap_bad(r, "another PCI function in this slot");
    }
}

void pci_function_apply_state(struct pci_function *fn, const uint8_t cfg[PCI_CFG_SIZE], bool level)
{
    memcpy(fn->cfg, cfg, PCI_CFG_SIZE);
    pci_set_irq(fn, level);
}

bool pci_function_restore(struct pci_function *fn, struct snapshot_reader *r)
{
    uint8_t cfg[PCI_CFG_SIZE];
    bool level;
    pci_function_read_state(fn, r, cfg, &level);
    if (snap_end(r) && !r->dry)
        pci_function_apply_state(fn, cfg, level);
    return !r->bad;
}

/* ---- the host ---- */

struct pci_host *pci_host_create(const struct irq_line lines[4], pthread_mutex_t *bridge_lock)
{
    struct pci_host *h = calloc(1, sizeof *h);
    if (!h)
        return NULL;
    pthread_mutex_init(&h->intx_lock, NULL);
    memcpy(h->lines, lines, sizeof h->lines);
    pci_function_init(&h->bridge, GPEX_VENDOR, GPEX_DEVICE, CLASS_HOST_BRIDGE, 0, NULL, NULL);
    pci_function_done(&h->bridge);
    h->bridge.host = h;
    h->bridge.lock = bridge_lock;
    h->fn[0] = &h->bridge;
    for (unsigned w = 0; w < PCI_WIN_COUNT; w++)
        h->win[w] = (struct pci_window_state){ h, 0, w == PCI_WIN_IO };
    return h;
}

void pci_host_destroy(struct pci_host *h)
{
    if (!h)
        return;
    pthread_mutex_destroy(&h->intx_lock);
    free(h);
}

bool pci_host_attach(struct pci_host *h, unsigned devno, struct pci_function *fn, pthread_mutex_t *lock)
{
    if (devno == 0 || devno >= PCI_MAX_DEVS || h->fn[devno])
        return false;
    fn->devno = devno;
    fn->host = h;
    fn->lock = lock;
    h->fn[devno] = fn;
    return true;
}

struct pci_function *pci_host_function(struct pci_host *h, unsigned devno)
{
    return devno < PCI_MAX_DEVS ? h->fn[devno] : NULL;
}

struct pci_function *pci_host_bridge(struct pci_host *h) { return &h->bridge; }

/* ECAM offset: bus[27:20] device[19:15] function[14:12] register[11:0]. */
static struct pci_function *ecam_function(struct pci_host *h, uint64_t off)
{
    if ((off >> 20) != 0 || ((off >> 12) & 7) != 0)
        return NULL; /* only bus 0, function 0 */
    return h->fn[(off >> 15) & 31];
}

bus_status pci_ecam_read(void *opaque, uint64_t off, unsigned size, uint64_t *value)
{
    struct pci_function *fn = ecam_function(opaque, off);
    if (!fn) {
        *value = size >= 8 ? UINT64_MAX : (UINT64_C(1) << (8 * size)) - 1;
        return BUS_OK;
    }
    lock(fn->lock);
    *value = pci_config_read(fn, (unsigned)(off & 0xfff), size);
    unlock(fn->lock);
    return BUS_OK;
}

bus_status pci_ecam_write(void *opaque, uint64_t off, unsigned size, uint64_t value)
{
    struct pci_function *fn = ecam_function(opaque, off);
    if (!fn)
        return BUS_OK;
    lock(fn->lock);
    pci_config_write(fn, (unsigned)(off & 0xfff), size, (uint32_t)value);
    unlock(fn->lock);
    return BUS_OK;
}

struct mmio_region pci_host_ecam_region(struct pci_host *h, uint64_t base, uint64_t size)
{
    return (struct mmio_region){
        /* clang-format off */
        .name = "pcie-ecam", .base = base, .size = size, .min_access = 1, .max_access = 4,
        .read = pci_ecam_read, .write = pci_ecam_write, .opaque = h,
        /* clang-format on */
    };
}

/* The BAR of fn that holds [addr, addr + size) in the window's space. */
static int claim(const struct pci_function *fn, bool io, uint64_t addr, unsigned size, uint64_t *off)
{
    for (unsigned i = 0; i < PCI_NUM_BARS; i++) {
        if ((fn->bar_kind[i] == PCI_BAR_KIND_IO) != io)
            continue;
        uint64_t base = pci_bar_address(fn, i), n = fn->bar_size[i];
        if (base != UINT64_MAX && addr >= base && addr - base < n && size <= n - (addr - base)) {
            *off = addr - base;
            return (int)i;
        }
    }
    return -1;
}

/* Runs the access on the function claiming it, under its lock; false when
 * none claims it. */
static bool window_access(struct pci_window_state *w, uint64_t off, unsigned size, uint64_t *value, bool write)
{
    uint64_t addr = w->io ? off : w->base + off;
    for (unsigned d = 1; d < PCI_MAX_DEVS; d++) {
        struct pci_function *fn = w->h->fn[d];
        if (!fn || !fn->ops)
            continue;
        lock(fn->lock);
        uint64_t boff;
        int bar = claim(fn, w->io, addr, size, &boff);
        if (bar >= 0 && write && fn->ops->bar_write)
            fn->ops->bar_write(fn->opaque, (unsigned)bar, boff, size, *value);
        else if (bar >= 0 && !write)
            *value = fn->ops->bar_read ? fn->ops->bar_read(fn->opaque, (unsigned)bar, boff, size) : 0;
        unlock(fn->lock);
        if (bar >= 0)
            return true;
    }
    return false;
}

bus_status pci_window_read(void *opaque, uint64_t off, unsigned size, uint64_t *value)
{
    if (!window_access(opaque, off, size, value, false))
        *value = size >= 8 ? UINT64_MAX : (UINT64_C(1) << (8 * size)) - 1; /* master abort */
    return BUS_OK;
}

bus_status pci_window_write(void *opaque, uint64_t off, unsigned size, uint64_t value)
{
    window_access(opaque, off, size, &value, true);
    return BUS_OK;
}

struct mmio_region pci_host_window_region(struct pci_host *h, enum pci_window w, uint64_t base, uint64_t size)
{
    static const char *const names[PCI_WIN_COUNT] = { "pcie-pio", "pcie-mmio", "pcie-mmio-high" };
    h->win[w].base = base;
    return (struct mmio_region){
        /* clang-format off */
        .name = names[w], .base = base, .size = size, .min_access = 1, .max_access = 8,
        .read = pci_window_read, .write = pci_window_write, .opaque = &h->win[w],
        /* clang-format on */
    };
}
