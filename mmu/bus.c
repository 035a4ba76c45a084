/*
 * The physical bus: guest RAM, the per-page flags, and the MMIO region table.
 * See bus.h for the contract.
 */
#define _GNU_SOURCE /* mremap */
#include "mmu/bus.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "rivet/encoding.h"

bool bus_init(struct bus *bus, uint64_t ram_base, uint64_t ram_size)
{
    memset(bus, 0, sizeof(*bus));
    /* Page-aligned RAM keeps every page flag covering exactly one page and
     * every naturally aligned guest word naturally aligned on the host (the
     * page walker uses host atomics on PTEs). */
    if (ram_size == 0 || (ram_base | ram_size) & (PAGE_SIZE - 1) || ram_base + ram_size < ram_base ||
        ram_size > SIZE_MAX) {
        errno = EINVAL;
        return false;
    }
    /* Anonymous mappings are zeroed and only backed once touched. */
    void *ram =
        mmap(NULL, (size_t)ram_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (ram == MAP_FAILED)
        return false;
    bus->page_flags = calloc((size_t)(ram_size >> PAGE_SHIFT), 1);
    pthread_mutex_init(&bus->watch_lock, NULL);
    if (!bus->page_flags) {
        munmap(ram, (size_t)ram_size);
        errno = ENOMEM;
        return false;
    }
    bus->ram = ram;
    bus->ram_base = ram_base;
    bus->ram_size = ram_size;
    return true;
}

bool bus_ram_reset(struct bus *bus)
{
    /* A fresh mapping moved over the old one: the old pages go back to the
     * host and the new ones read zero when touched, whatever backed RAM
     * before. Made elsewhere first, so a failure leaves the old RAM mapped. */
    size_t size = (size_t)bus->ram_size;
    void *ram = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    bool fresh = ram != MAP_FAILED;
    if (fresh && mremap(ram, size, size, MREMAP_MAYMOVE | MREMAP_FIXED, bus->ram) == MAP_FAILED) {
        munmap(ram, size);
        fresh = false;
    }
    if (!fresh)
        memset(bus->ram, 0, size); /* zero in place */
    memset(bus->page_flags, 0, (size_t)(bus->ram_size >> PAGE_SHIFT));
    return fresh;
}

void bus_destroy(struct bus *bus)
{
    if (bus->ram)
        munmap(bus->ram, (size_t)bus->ram_size);
    free(bus->page_flags);
    if (bus->ram)
        pthread_mutex_destroy(&bus->watch_lock);
    memset(bus, 0, sizeof(*bus));
}

/* Inclusive ranges, so a region ending at 2^64 - 1 needs no overflow. */
static bool ranges_overlap(uint64_t a, uint64_t a_last, uint64_t b, uint64_t b_last)
{
    return a <= b_last && b <= a_last;
}

static bool valid_access_size(unsigned size) { return size == 1 || size == 2 || size == 4 || size == 8; }

bool bus_add_region(struct bus *bus, const struct mmio_region *r)
{
    if (bus->nregions >= BUS_MAX_REGIONS || r->size == 0 || r->base + (r->size - 1) < r->base)
        return false;
    struct mmio_region n = *r;
    if (!n.impl_min)
        n.impl_min = n.min_access;
    if (!n.impl_max)
        n.impl_max = n.max_access;
    if (!valid_access_size(n.min_access) || !valid_access_size(n.max_access) || n.min_access > n.max_access ||
        !valid_access_size(n.impl_min) || !valid_access_size(n.impl_max) || n.impl_min > n.impl_max)
        return false;
    uint64_t last = r->base + (r->size - 1);
    if (bus->ram_size && ranges_overlap(r->base, last, bus->ram_base, bus->ram_base + (bus->ram_size - 1)))
        return false;
    for (int i = 0; i < bus->nregions; i++) {
        const struct mmio_region *o = &bus->regions[i];
        if (ranges_overlap(r->base, last, o->base, o->base + (o->size - 1)))
            return false;
    }
    bus->regions[bus->nregions++] = n;
    return true;
}

const struct mmio_region *bus_find_region(const struct bus *bus, uint64_t paddr)
{
    for (int i = 0; i < bus->nregions; i++) {
        const struct mmio_region *r = &bus->regions[i];
        if (paddr - r->base < r->size && paddr >= r->base)
            return r;
    }
    return NULL;
}

static uint64_t size_mask(unsigned size) { return size >= 8 ? ~0ull : (1ull << (size * 8)) - 1; }

/* The region and offset for an MMIO access, or NULL when no region takes it:
 * the size must be one the device accepts, naturally aligned, and the access
 * must lie wholly inside the region. */
static const struct mmio_region *mmio_target(const struct bus *bus, uint64_t paddr, unsigned size, uint64_t *offset)
{
    const struct mmio_region *r = bus_find_region(bus, paddr);
    if (!r || !valid_access_size(size) || size < r->min_access || size > r->max_access)
        return NULL;
    if (paddr & (size - 1))
        return NULL;
    *offset = paddr - r->base;
    if (size > r->size - *offset)
        return NULL;
    return r;
}

/* An access the region accepts, in the sizes its callbacks implement (bus.h):
 * split when wider than impl_max, widened to impl_min when narrower. The
 * access is naturally aligned and sizes are powers of two, so every piece
 * is aligned too; a widened access must still lie inside the region. */
static bus_status mmio_read(const struct mmio_region *r, uint64_t off, unsigned size, uint64_t *value)
{
    uint64_t v = 0;
    if (size > r->impl_max) {
        for (unsigned i = 0; i < size; i += r->impl_max) {
            uint64_t part = 0;
            if (r->read(r->opaque, off + i, r->impl_max, &part) != BUS_OK)
                return BUS_ERROR;
            v |= (part & size_mask(r->impl_max)) << (i * 8);
        }
    } else if (size < r->impl_min) {
        uint64_t base = off & ~(uint64_t)(r->impl_min - 1);
        if (r->impl_min > r->size - base || r->read(r->opaque, base, r->impl_min, &v) != BUS_OK)
            return BUS_ERROR;
        v >>= (off - base) * 8;
    } else if (r->read(r->opaque, off, size, &v) != BUS_OK) {
        return BUS_ERROR;
    }
    /* A device may leave junk above the access size; the hart never sees it. */
    *value = v & size_mask(size);
    return BUS_OK;
}

static bus_status mmio_write(const struct mmio_region *r, uint64_t off, unsigned size, uint64_t value)
{
    if (size > r->impl_max) {
        for (unsigned i = 0; i < size; i += r->impl_max)
            if (r->write(r->opaque, off + i, r->impl_max, (value >> (i * 8)) & size_mask(r->impl_max)) != BUS_OK)
                return BUS_ERROR;
        return BUS_OK;
    }
    if (size < r->impl_min) {
        uint64_t base = off & ~(uint64_t)(r->impl_min - 1);
        if (r->impl_min > r->size - base)
            return BUS_ERROR;
        return r->write(r->opaque, base, r->impl_min, value << ((off - base) * 8)) == BUS_OK ? BUS_OK : BUS_ERROR;
    }
    return r->write(r->opaque, off, size, value) == BUS_OK ? BUS_OK : BUS_ERROR;
}

/* Calls the hooks of every page flagged in [paddr, paddr + len) after the
 * bytes changed. The watcher hears only CPU stores (watch = true). */
static void notify_ram_write(struct bus *bus, uint64_t paddr, uint64_t len, bool watch)
{
    /* The store before the look at the flags (a WRS waiter flags its page,
     * then looks at memory: cpu/resv.h). */
    host_full_barrier();
    uint64_t first = (paddr - bus->ram_base) >> PAGE_SHIFT;
    uint64_t last = (paddr - bus->ram_base + len - 1) >> PAGE_SHIFT;
    for (uint64_t p = first; p <= last; p++) {
        uint8_t flags = __atomic_load_n(&bus->page_flags[p], __ATOMIC_RELAXED);
        uint64_t page = bus->ram_base + (p << PAGE_SHIFT);
        uint64_t lo = paddr > page ? paddr : page, end = paddr + len;
        uint64_t hi = end < page + PAGE_SIZE ? end : page + PAGE_SIZE;
        if ((flags & BUS_PAGE_CODE) && bus->code_write)
            bus->code_write(bus->code_write_opaque, lo, hi - lo);
        if (watch && (flags & BUS_PAGE_WATCH) && bus->watch) {
            pthread_mutex_lock(&bus->watch_lock);
            bus->watch(bus->watch_opaque, paddr, (unsigned)len);
            pthread_mutex_unlock(&bus->watch_lock);
        }
        if ((flags & BUS_PAGE_RESV) && bus->resv_write) {
            bus->resv_write(bus->resv_write_opaque, lo, hi - lo); /* this page's part */
        }
    }
}

void bus_note_store(struct bus *bus, uint64_t paddr, uint64_t len)
{
    if (bus_ram_ptr(bus, paddr, len) && len && (bus_page_flags(bus, paddr) & BUS_PAGE_RESV) && bus->resv_write)
        bus->resv_write(bus->resv_write_opaque, paddr, len);
}

/* A refused access: tells the listener why (bus.h), returns BUS_ERROR. */
static bus_status refuse(const struct bus *bus, uint64_t paddr, unsigned size, bool write, bool device_said_no)
{
    if (!bus->refused)
        return BUS_ERROR;
    const struct mmio_region *r = bus_find_region(bus, paddr);
    const char *reason = "unmapped";
    if (bus_is_ram(bus, paddr))
        reason = "crosses the end of RAM";
    else if (r && device_said_no)
        reason = "the device refused it";
    else if (r && (!valid_access_size(size) || size < r->min_access || size > r->max_access))
        reason = "invalid size";
    else if (r && (paddr & (size - 1)))
        reason = "unaligned";
    else if (r)
        reason = write ? "read-only" : "write-only, or past the end";
    bus->refused(bus->refused_opaque, paddr, size, write, r ? r->name : NULL, reason);
    return BUS_ERROR;
}

bus_status bus_read(struct bus *bus, uint64_t paddr, unsigned size, uint64_t *value)
{
    if (!valid_access_size(size))
        return refuse(bus, paddr, size, false, false);
    const uint8_t *p = bus_ram_ptr(bus, paddr, size);
    if (p) {
        *value = load_le(p, size);
        return BUS_OK;
    }
    uint64_t offset;
    const struct mmio_region *r = mmio_target(bus, paddr, size, &offset);
    if (!r || !r->read)
        return refuse(bus, paddr, size, false, false);
    if (r->lock)
        pthread_mutex_lock(r->lock);
    bus_status st = mmio_read(r, offset, size, value);
    if (r->lock)
        pthread_mutex_unlock(r->lock);
    return st != BUS_OK ? refuse(bus, paddr, size, false, true) : BUS_OK;
}

bus_status bus_write(struct bus *bus, uint64_t paddr, unsigned size, uint64_t value)
{
    if (!valid_access_size(size))
        return refuse(bus, paddr, size, true, false);
    uint8_t *p = bus_ram_ptr(bus, paddr, size);
    if (p) {
        store_le(p, size, value);
        notify_ram_write(bus, paddr, size, true);
        return BUS_OK;
    }
    uint64_t offset;
    const struct mmio_region *r = mmio_target(bus, paddr, size, &offset);
    if (!r || !r->write)
        return refuse(bus, paddr, size, true, false);
    if (r->lock)
        pthread_mutex_lock(r->lock);
    bus_status st = mmio_write(r, offset, size, value & size_mask(size));
    if (r->lock)
        pthread_mutex_unlock(r->lock);
    return st != BUS_OK ? refuse(bus, paddr, size, true, true) : BUS_OK;
}

/* A device's DMA races with the harts' own accesses to the same RAM as the
 * memory model allows (a ring index polled by one hart while another hart's
 * notify completes a request). Under ThreadSanitizer it copies with relaxed
 * atomics, as the harts' accesses are there (bus.h, le_atomic_load), so the
 * tool sees the intended race as one; elsewhere memcpy. */
static void ram_copy(uint8_t *dst, const uint8_t *src, size_t len, bool into_ram)
{
#ifdef __SANITIZE_THREAD__
    for (size_t i = 0; i < len; i++) {
        if (into_ram)
            __atomic_store_n(dst + i, src[i], __ATOMIC_RELAXED);
        else
            dst[i] = __atomic_load_n(src + i, __ATOMIC_RELAXED);
    }
#else
    (void)into_ram;
    memcpy(dst, src, len);
#endif
}

bool bus_dma_read(struct bus *bus, uint64_t paddr, void *dst, uint64_t len)
{
    const uint8_t *p = bus_ram_ptr(bus, paddr, len);
    if (!p)
        return false;
    if (len)
        ram_copy(dst, p, (size_t)len, false);
    return true;
}

bool bus_dma_write(struct bus *bus, uint64_t paddr, const void *src, uint64_t len)
{
    uint8_t *p = bus_ram_ptr(bus, paddr, len);
    if (!p)
        return false;
    if (len) {
        ram_copy(p, src, (size_t)len, true);
        notify_ram_write(bus, paddr, len, false);
    }
    return true;
}

void bus_watch_page(struct bus *bus, uint64_t paddr)
{
    if (bus_is_ram(bus, paddr))
        __atomic_fetch_or(&bus->page_flags[(paddr - bus->ram_base) >> PAGE_SHIFT], BUS_PAGE_WATCH, __ATOMIC_SEQ_CST);
}
