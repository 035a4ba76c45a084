/*
 * SiFive CLINT: see clint.h for the register map and the contract.
 *
 * The 64-bit registers (mtimecmp, mtime) are read and written as a whole
 * value; a 4-byte access picks or replaces one half of it, so an 8-byte mtime
 * read never tears. An 8-byte access to the msip array covers two harts.
 */
#include "devices/clint.h"

#include <stdbool.h>
#include <stdlib.h>

#include "rivet/encoding.h"

#define CLINT_MSIP_SIZE     4
#define CLINT_MTIMECMP_SIZE 8
#define CLINT_MTIME_END     (CLINT_MTIME + 8)
/* The layout leaves room for 4095 harts before mtime (0x4000 + 8*4095 = 0xbff8). */
#define CLINT_MAX_HARTS     ((CLINT_MTIME - CLINT_MTIMECMP_BASE) / CLINT_MTIMECMP_SIZE)

struct clint {
    unsigned nharts;
    struct time_source time;
    uint64_t mtime_offset;  /* mtime = time source + offset (mod 2^64) */
    struct hart_port *harts;
    uint64_t *mtimecmp;
    uint32_t *msip;         /* bit 0 only */
    uint64_t updated_at;    /* mtime when the MTIP levels were last driven */
};

enum clint_reg { CLINT_REG_NONE, CLINT_REG_MSIP, CLINT_REG_MTIMECMP, CLINT_REG_MTIME };

struct clint *clint_create(unsigned nharts, const struct hart_port *harts, struct time_source time)
{
    if (nharts == 0 || nharts > CLINT_MAX_HARTS || !harts)
        return NULL;
    struct clint *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->nharts = nharts;
    c->time = time;
    c->harts = calloc(nharts, sizeof *c->harts);
    c->mtimecmp = calloc(nharts, sizeof *c->mtimecmp);
    c->msip = calloc(nharts, sizeof *c->msip);
    if (!c->harts || !c->mtimecmp || !c->msip) {
        clint_destroy(c);
        return NULL;
    }
    for (unsigned i = 0; i < nharts; i++) {
        c->harts[i] = harts[i];
        /* No timer interrupt until software programs one. */
        c->mtimecmp[i] = UINT64_MAX;
    }
    return c;
}

void clint_destroy(struct clint *c)
{
    if (!c)
        return;
    free(c->harts);
    free(c->mtimecmp);
    free(c->msip);
    free(c);
}

uint64_t clint_mtime(void *clint)
{
    const struct clint *c = clint;
    uint64_t now = c->time.read ? c->time.read(c->time.opaque) : 0;
    return now + c->mtime_offset;
}

void clint_update(struct clint *c)
{
    uint64_t now = clint_mtime(c);
    c->updated_at = now;
    /* Drive the level every time rather than caching it: MTIP is a level
     * owned by the CLINT, and re-asserting it is harmless (priv spec 3.1.9). */
    for (unsigned i = 0; i < c->nharts; i++)
        hart_port_set(&c->harts[i], MIP_MTIP, now >= c->mtimecmp[i]);
}

/* Measured against the last update, not a fresh read of mtime: a compare
 * value reached between the two reads has no MTIP yet, and leaving it out
 * would make an idle machine look as if no timer could ever wake it. */
uint64_t clint_next_deadline(const struct clint *c)
{
    uint64_t best = UINT64_MAX;
    for (unsigned i = 0; i < c->nharts; i++)
        if (c->mtimecmp[i] > c->updated_at && c->mtimecmp[i] < best)
            best = c->mtimecmp[i];
    return best;
}

/* Which register an offset falls in, and for per-hart registers which hart. */
static enum clint_reg clint_decode(const struct clint *c, uint64_t offset, unsigned *hart)
{
    if (offset < CLINT_MTIMECMP_BASE) {
        uint64_t h = (offset - CLINT_MSIP_BASE) / CLINT_MSIP_SIZE;
        *hart = (unsigned)h;
        return h < c->nharts ? CLINT_REG_MSIP : CLINT_REG_NONE;
    }
    if (offset < CLINT_MTIME) {
        uint64_t h = (offset - CLINT_MTIMECMP_BASE) / CLINT_MTIMECMP_SIZE;
        *hart = (unsigned)h;
        return h < c->nharts ? CLINT_REG_MTIMECMP : CLINT_REG_NONE;
    }
    if (offset < CLINT_MTIME_END)
        return CLINT_REG_MTIME;
    return CLINT_REG_NONE;
}

static uint32_t clint_msip_read(const struct clint *c, uint64_t offset)
{
    unsigned hart;
    return clint_decode(c, offset, &hart) == CLINT_REG_MSIP ? c->msip[hart] : 0;
}

static void clint_msip_write(struct clint *c, uint64_t offset, uint32_t value)
{
    unsigned hart;
    if (clint_decode(c, offset, &hart) != CLINT_REG_MSIP)
        return;
    /* Only bit 0 is implemented; the rest are hardwired to zero. */
    c->msip[hart] = value & 1;
    hart_port_set(&c->harts[hart], MIP_MSIP, value & 1);
}

/* A 4-byte access at offset&4 selects the upper half of a 64-bit register. */
static uint64_t half_read(uint64_t reg, uint64_t offset, unsigned size)
{
    if (size == 8)
        return reg;
    return (reg >> ((offset & 4) * 8)) & UINT32_MAX;
}

static uint64_t half_merge(uint64_t reg, uint64_t offset, unsigned size, uint64_t value)
{
    if (size == 8)
        return value;
    unsigned shift = (unsigned)(offset & 4) * 8;
    return (reg & ~((uint64_t)UINT32_MAX << shift)) | ((value & UINT32_MAX) << shift);
}

static bus_status clint_read(void *opaque, uint64_t offset, unsigned size, uint64_t *value)
{
    struct clint *c = opaque;
    unsigned hart = 0;
    switch (clint_decode(c, offset, &hart)) {
    case CLINT_REG_MTIMECMP:
        *value = half_read(c->mtimecmp[hart], offset, size);
        break;
    case CLINT_REG_MTIME:
        *value = half_read(clint_mtime(c), offset, size);
        break;
    default:
        /* msip (one or two harts) or a hole: holes read as zero. */
        *value = clint_msip_read(c, offset);
        if (size == 8)
            *value |= (uint64_t)clint_msip_read(c, offset + CLINT_MSIP_SIZE) << 32;
        break;
    }
    return BUS_OK;
}

static bus_status clint_write(void *opaque, uint64_t offset, unsigned size, uint64_t value)
{
    struct clint *c = opaque;
    unsigned hart = 0;
    switch (clint_decode(c, offset, &hart)) {
    case CLINT_REG_MTIMECMP:
        c->mtimecmp[hart] = half_merge(c->mtimecmp[hart], offset, size, value);
        clint_update(c);
        break;
    case CLINT_REG_MTIME: {
        uint64_t now = c->time.read ? c->time.read(c->time.opaque) : 0;
        uint64_t mtime = half_merge(now + c->mtime_offset, offset, size, value);
        /* Unsigned wrap-around keeps mtime = now + offset exact. */
        c->mtime_offset = mtime - now;
        clint_update(c);
        break;
    }
    default:
        clint_msip_write(c, offset, (uint32_t)value);
        if (size == 8)
            clint_msip_write(c, offset + CLINT_MSIP_SIZE, (uint32_t)(value >> 32));
        break;
    }
    return BUS_OK;
}

struct mmio_region clint_region(struct clint *c, uint64_t base, uint64_t size)
{
    return (struct mmio_region){
        .name = "clint", .base = base, .size = size, .min_access = 4, .max_access = 8,
        .read = clint_read, .write = clint_write, .opaque = c,
    };
}
