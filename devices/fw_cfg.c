/*
 * QEMU's fw_cfg, MMIO form (fw_cfg.h has the register map). Written from
 * QEMU's docs/specs/fw_cfg.txt: the guest-visible protocol only.
 */
#include "devices/fw_cfg.h"

#include <stdlib.h>
#include <string.h>

#include "rivet/snapstream.h"

#define NO_ITEM   0xffffu
#define MAX_FILES (FW_CFG_ITEMS - FW_CFG_FILE_FIRST)
#define ZERO_FILL 4096u

struct fw_cfg_item {
    uint8_t *data;
    uint32_t len;
};

struct fw_cfg {
    struct bus *bus;
    uint16_t sel;      /* selected key, NO_ITEM when none */
    uint32_t off;      /* read position in it */
    uint32_t dma_high; /* the DMA address's high half, written first */
    struct fw_cfg_item items[FW_CFG_ITEMS];
    char names[MAX_FILES][FW_CFG_FILE_NAME]; /* file i is key FW_CFG_FILE_FIRST + i */
    unsigned nfiles;
};

static uint64_t load_be(const uint8_t *p, unsigned n)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < n; i++)
        v = v << 8 | p[i];
    return v;
}

static void store_be(uint8_t *p, unsigned n, uint64_t v)
{
    for (unsigned i = n; i-- > 0; v >>= 8)
        p[i] = (uint8_t)v;
}

static bool set_item(struct fw_cfg *f, uint16_t key, const void *data, uint32_t len)
{
    uint8_t *copy = malloc(len ? len : 1);
    if (!copy)
        return false;
    if (len)
        memcpy(copy, data, len);
    free(f->items[key].data);
    f->items[key] = (struct fw_cfg_item){ copy, len };
    return true;
}

/* FW_CFG_FILE_DIR from the names and the file items (big-endian fields). */
static bool rebuild_dir(struct fw_cfg *f)
{
    uint8_t dir[4 + MAX_FILES * FW_CFG_DIR_ENTRY] = { 0 };
    store_be(dir, 4, f->nfiles);
    for (unsigned i = 0; i < f->nfiles; i++) {
        uint8_t *e = dir + 4 + i * FW_CFG_DIR_ENTRY;
        store_be(e, 4, f->items[FW_CFG_FILE_FIRST + i].len);
        store_be(e + 4, 2, FW_CFG_FILE_FIRST + i);
        memcpy(e + 8, f->names[i], FW_CFG_FILE_NAME);
    }
    return set_item(f, FW_CFG_FILE_DIR, dir, 4 + f->nfiles * FW_CFG_DIR_ENTRY);
}

struct fw_cfg *fw_cfg_create(struct bus *bus)
{
    struct fw_cfg *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    f->bus = bus;
    uint8_t id[4];
    store_le(id, 4, FW_CFG_ID_TRAD | FW_CFG_ID_DMA);
    if (!set_item(f, FW_CFG_SIGNATURE, "QEMU", 4) || !set_item(f, FW_CFG_ID, id, 4) || !rebuild_dir(f)) {
        fw_cfg_destroy(f);
        return NULL;
    }
    fw_cfg_reset(f);
    return f;
}

void fw_cfg_destroy(struct fw_cfg *f)
{
    if (!f)
        return;
    for (unsigned i = 0; i < FW_CFG_ITEMS; i++)
        free(f->items[i].data);
    free(f);
}

bool fw_cfg_add(struct fw_cfg *f, uint16_t key, const void *data, uint32_t len)
{
    if (key >= FW_CFG_FILE_FIRST || key == FW_CFG_SIGNATURE || key == FW_CFG_ID || key == FW_CFG_FILE_DIR)
        return false;
    return set_item(f, key, data, len);
}

/* Files keep name order (the directory is sorted, as QEMU's): a new name
 * moves the later files up one key. */
bool fw_cfg_add_file(struct fw_cfg *f, const char *name, const void *data, uint32_t len)
{
    size_t n = strlen(name);
    if (n == 0 || n >= FW_CFG_FILE_NAME)
        return false;
    unsigned i = 0;
    while (i < f->nfiles && strcmp(f->names[i], name) < 0)
        i++;
    if (i < f->nfiles && !strcmp(f->names[i], name))
        return set_item(f, (uint16_t)(FW_CFG_FILE_FIRST + i), data, len) && rebuild_dir(f);
    if (f->nfiles == MAX_FILES)
        return false;
    struct fw_cfg_item *files = f->items + FW_CFG_FILE_FIRST;
    memmove(files + i + 1, files + i, (f->nfiles - i) * sizeof *files);
    memmove(f->names[i + 1], f->names[i], (f->nfiles - i) * sizeof f->names[0]);
    files[i] = (struct fw_cfg_item){ NULL, 0 };
    memset(f->names[i], 0, sizeof f->names[i]);
    memcpy(f->names[i], name, n);
    f->nfiles++;
    return set_item(f, (uint16_t)(FW_CFG_FILE_FIRST + i), data, len) && rebuild_dir(f);
}

void fw_cfg_reset(struct fw_cfg *f)
{
    f->sel = FW_CFG_SIGNATURE;
    f->off = 0;
    f->dma_high = 0;
}

/* Bit 14 was the write flag before QEMU 2.4 and is ignored; bit 15 keys
 * are architecture-specific items, of which the RISC-V board has none. */
static void select_key(struct fw_cfg *f, uint16_t key)
{
    key &= 0xbfff;
    f->sel = key < FW_CFG_ITEMS && f->items[key].data ? key : NO_ITEM;
    f->off = 0;
}

static const struct fw_cfg_item *selected(const struct fw_cfg *f)
{
    return f->sel == NO_ITEM ? NULL : &f->items[f->sel];
}

/* Bytes of the selected item left at the read position (0 when none). */
static uint32_t remaining(const struct fw_cfg *f)
{
    const struct fw_cfg_item *it = selected(f);
    return it && f->off < it->len ? it->len - f->off : 0;
}

/* READ: `len` bytes to guest `addr`, the item's and then zeros. The whole
 * range is checked first, so a huge length costs nothing unless it is RAM. */
static bool dma_read(struct fw_cfg *f, uint64_t addr, uint32_t len)
{
    static const uint8_t zeros[ZERO_FILL];
    if (!bus_ram_ptr(f->bus, addr, len))
        return false;
    while (len) {
        uint32_t n = remaining(f);
        const uint8_t *src = n ? selected(f)->data + f->off : zeros;
        n = n ? (n < len ? n : len) : (len < ZERO_FILL ? len : ZERO_FILL);
        if (!bus_dma_write(f->bus, addr, src, n))
            return false;
        if (src != zeros)
            f->off += n;
        addr += n;
        len -= n;
    }
    return true;
}

/* One FWCfgDmaAccess at guest `desc`; its control word gets the result. */
static void dma_run(struct fw_cfg *f, uint64_t desc)
{
    uint8_t d[FW_CFG_DMA_BYTES];
    if (!bus_dma_read(f->bus, desc, d, sizeof d))
        return; /* nowhere to report: as QEMU, nothing happens */
    uint32_t control = (uint32_t)load_be(d, 4), len = (uint32_t)load_be(d + 4, 4);
    uint64_t addr = load_be(d + 8, 8);
    if (control & FW_CFG_DMA_SELECT)
        select_key(f, (uint16_t)(control >> 16));
    bool ok = true;
    if (control & FW_CFG_DMA_READ)
        ok = dma_read(f, addr, len);
    else if (control & FW_CFG_DMA_WRITE)
        ok = false; /* every item is read-only */
    else if (control & FW_CFG_DMA_SKIP) {
        uint32_t n = remaining(f);
        f->off += len < n ? len : n;
    }
    uint8_t result[4];
    store_be(result, 4, ok ? 0 : FW_CFG_DMA_ERROR);
    bus_dma_write(f->bus, desc, result, sizeof result);
}

bus_status fw_cfg_read(void *opaque, uint64_t offset, unsigned size, uint64_t *value)
{
    struct fw_cfg *f = opaque;
    *value = 0;
    if (offset == FW_CFG_REG_DATA) {
        const struct fw_cfg_item *it = selected(f);
        for (unsigned i = 0; i < size && it && f->off < it->len; i++)
            *value |= (uint64_t)it->data[f->off++] << (8 * i);
    } else if (offset >= FW_CFG_REG_DMA) {
        uint8_t sig[8];
        store_be(sig, 8, FW_CFG_DMA_SIG);
        *value = load_le(sig + (offset - FW_CFG_REG_DMA), size);
    }
    return BUS_OK;
}

/* The register values are big-endian: byte 0 of the access is the most
 * significant. */
static uint64_t be_value(uint64_t value, unsigned size)
{
    uint8_t b[8];
    store_le(b, size, value);
    return load_be(b, size);
}

bus_status fw_cfg_write(void *opaque, uint64_t offset, unsigned size, uint64_t value)
{
    struct fw_cfg *f = opaque;
    if (offset == FW_CFG_REG_SEL && size == 2)
        select_key(f, (uint16_t)be_value(value, 2));
    else if (offset == FW_CFG_REG_DMA && size == 8)
        dma_run(f, be_value(value, 8));
    else if (offset == FW_CFG_REG_DMA && size == 4)
        f->dma_high = (uint32_t)be_value(value, 4);
    else if (offset == FW_CFG_REG_DMA + 4 && size == 4) {
        uint64_t desc = (uint64_t)f->dma_high << 32 | be_value(value, 4);
        f->dma_high = 0;
        dma_run(f, desc);
    }
    return BUS_OK; /* other writes (the data register) are ignored */
}

struct mmio_region fw_cfg_region(struct fw_cfg *f, uint64_t base, uint64_t size)
{
    /* clang-format off */
    return (struct mmio_region){ .name = "fw-cfg", .base = base, .size = size, .min_access = 1, .max_access = 8,
                                 .read = fw_cfg_read, .write = fw_cfg_write, .opaque = f };
    /* clang-format on */
}

void fw_cfg_save(const struct fw_cfg *f, struct snapshot_writer *w)
{
    snap_put_u32(w, f->sel);
    snap_put_u32(w, f->off);
    snap_put_u32(w, f->dma_high);
}

bool fw_cfg_restore(struct fw_cfg *f, struct snapshot_reader *r)
{
    uint32_t sel = snap_get_u32(r), off = snap_get_u32(r), high = snap_get_u32(r);
    if (sel != NO_ITEM && (sel >= FW_CFG_ITEMS || !f->items[sel].data))
        snap_bad(r, "fw_cfg: no such item selected");
    if (!snap_end(r) || r->dry)
        return !r->bad;
    f->sel = (uint16_t)sel;
    f->off = off; /* past the item's end reads zeros: harmless */
    f->dma_high = high;
    return true;
}
