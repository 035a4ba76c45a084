/*
 * SiFive CLINT: see clint.h for the register map and the contract.
 *
 * The 64-bit registers (mtimecmp, mtime) are read and written as a whole
 * value; a 4-byte access picks or replaces one half of it, so an 8-byte mtime
 * read never tears. An 8-byte access to the msip array covers two harts.
 */
#include "devices/clint.h"

#include <stdbool.h>
#include <pthread.h>
#include <stdlib.h>

#include "rivet/encoding.h"
#include "rivet/snapstream.h"

#define CLINT_MSIP_SIZE     4
#define CLINT_MTIMECMP_SIZE 8
#define CLINT_MTIME_END     (CLINT_MTIME + 8)
/* The layout leaves room for 4095 harts before mtime (0x4000 + 8*4095 = 0xbff8). */
#define CLINT_MAX_HARTS     ((CLINT_MTIME - CLINT_MTIMECMP_BASE) / CLINT_MTIMECMP_SIZE)

struct clint {
    unsigned nharts;
    struct time_source time;
    uint64_t mtime_offset; /* mtime = time source + offset (mod 2^64) */
    struct hart_port *harts;
    uint64_t *mtimecmp;
    uint32_t *msip;       /* bit 0 only */
    uint64_t *updated_at; /* per hart: mtime when its MTIP level was last driven */
    pthread_mutex_t lock; /* mtimecmp, msip, updated_at, and the offset's writers */
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
    c->updated_at = calloc(nharts, sizeof *c->updated_at);
    pthread_mutex_init(&c->lock, NULL);
    if (!c->harts || !c->mtimecmp || !c->msip || !c->updated_at) {
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
    free(c->updated_at);
    pthread_mutex_destroy(&c->lock);
    free(c);
}

uint64_t clint_mtime(void *clint)
{
    const struct clint *c = clint;
    uint64_t now = c->time.read ? c->time.read(c->time.opaque) : 0;
    return now + __atomic_load_n(&c->mtime_offset, __ATOMIC_RELAXED);
}

/* Drives hart i's MTIP from now; with c->lock held. Driving the level every
 * time rather than caching it: MTIP is a level owned by the CLINT, and
 * re-asserting it is harmless (priv spec 3.1.9). */
static void update_hart_locked(struct clint *c, unsigned i, uint64_t now)
{
    c->updated_at[i] = now;
    hart_port_set(&c->harts[i], MIP_MTIP, now >= c->mtimecmp[i]);
}

static void update_locked(struct clint *c)
{
    uint64_t now = clint_mtime(c);
    for (unsigned i = 0; i < c->nharts; i++)
        update_hart_locked(c, i, now);
}

void clint_update(struct clint *c)
{
    pthread_mutex_lock(&c->lock);
    update_locked(c);
    pthread_mutex_unlock(&c->lock);
}

/* Power-on state (clint.h): no MSIP, no compare, mtime back on the time source. */
void clint_reset(struct clint *c)
{
    pthread_mutex_lock(&c->lock);
    __atomic_store_n(&c->mtime_offset, 0, __ATOMIC_RELAXED);
    for (unsigned i = 0; i < c->nharts; i++) {
        c->mtimecmp[i] = UINT64_MAX;
        c->msip[i] = 0;
        hart_port_set(&c->harts[i], MIP_MSIP, false);
    }
    update_locked(c);
    pthread_mutex_unlock(&c->lock);
}

void clint_update_hart(struct clint *c, unsigned hart)
{
    if (hart >= c->nharts)
        return;
    pthread_mutex_lock(&c->lock);
    update_hart_locked(c, hart, clint_mtime(c));
    pthread_mutex_unlock(&c->lock);
}

/* Measured against the last update, not a fresh read of mtime: a compare
 * value reached between the two reads has no MTIP yet, and leaving it out
 * would make an idle machine look as if no timer could ever wake it. */
uint64_t clint_next_deadline_hart(struct clint *c, unsigned hart)
{
    if (hart >= c->nharts)
        return UINT64_MAX;
    pthread_mutex_lock(&c->lock);
    uint64_t cmp = c->mtimecmp[hart];
    uint64_t best = cmp > c->updated_at[hart] ? cmp : UINT64_MAX;
    pthread_mutex_unlock(&c->lock);
    return best;
}

uint64_t clint_next_deadline(struct clint *c)
{
    uint64_t best = UINT64_MAX;
    for (unsigned i = 0; i < c->nharts; i++) {
        uint64_t d = clint_next_deadline_hart(c, i);
        best = d < best ? d : best;
    }
    return best;
}

/* mtime as it reads now, then every hart's mtimecmp, msip and the mtime of
 * its last update. */
void clint_save(struct clint *c, struct snapshot_writer *w)
{
    pthread_mutex_lock(&c->lock);
    snap_put_u32(w, c->nharts);
    snap_put_u64(w, clint_mtime(c));
    for (unsigned i = 0; i < c->nharts; i++) {
        snap_put_u64(w, c->mtimecmp[i]);
        snap_put_u32(w, c->msip[i]);
        snap_put_u64(w, c->updated_at[i]);
    }
    pthread_mutex_unlock(&c->lock);
}

/* mtime goes on from the saved value: the offset is set against the time
 * source as it reads now. Staged in two passes over the section, the first
 * only checking, so a bad section changes nothing. */
bool clint_restore(struct clint *c, struct snapshot_reader *r)
{
    size_t start = r->pos;
    if (snap_get_u32(r) != c->nharts)
        snap_bad(r, "CLINT hart count differs");
    uint64_t mtime = snap_get_u64(r);
    for (unsigned i = 0; i < c->nharts && !r->bad; i++) {
        snap_get_u64(r);
        if (snap_get_u32(r) > 1)
            snap_bad(r, "CLINT msip other than 0 or 1");
        snap_get_u64(r);
    }
    if (!snap_end(r) || r->dry)
        return !r->bad;
    r->pos = start + 12;
    pthread_mutex_lock(&c->lock);
    uint64_t now = c->time.read ? c->time.read(c->time.opaque) : 0;
    __atomic_store_n(&c->mtime_offset, mtime - now, __ATOMIC_RELAXED);
    for (unsigned i = 0; i < c->nharts; i++) {
        c->mtimecmp[i] = snap_get_u64(r);
        c->msip[i] = snap_get_u32(r);
        c->updated_at[i] = snap_get_u64(r);
    }
    pthread_mutex_unlock(&c->lock);
    return true;
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
    case CLINT_REG_MTIMECMP: *value = half_read(c->mtimecmp[hart], offset, size); break;
    case CLINT_REG_MTIME: *value = half_read(clint_mtime(c), offset, size); break;
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
        update_hart_locked(c, hart, clint_mtime(c));
        break;
    case CLINT_REG_MTIME: {
        uint64_t now = c->time.read ? c->time.read(c->time.opaque) : 0;
        uint64_t mtime = half_merge(now + c->mtime_offset, offset, size, value);
        /* Unsigned wrap-around keeps mtime = now + offset exact. */
        __atomic_store_n(&c->mtime_offset, mtime - now, __ATOMIC_RELAXED);
        update_locked(c);
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
        /* clang-format off */
        .name = "clint", .base = base, .size = size, .min_access = 4, .max_access = 8,
        .read = clint_read, .write = clint_write, .opaque = c, .lock = &c->lock,
        /* clang-format on */
    };
}
