/*
 * The physical bus: guest RAM plus a table of MMIO regions.
 *
 * Contract
 * - RAM is one host allocation at [ram_base, ram_base + ram_size).
 * - A device is a declared region (base, size, the access sizes it accepts,
 *   the sizes its callbacks implement, read and write callbacks, an opaque
 *   pointer). The bus refuses accesses of other sizes or alignments before
 *   the device sees them (BUS_ERROR), and the hart turns BUS_ERROR into an
 *   access fault. An accepted access the callbacks do not implement is
 *   adapted: a wider one is split into implemented pieces, lowest address
 *   first (an 8-byte read of a byte-wide UART is 8 register reads); a
 *   narrower one becomes one access of the smallest implemented size that
 *   holds it (a read returns the wanted bytes; a write carries the value in
 *   its place and zeros elsewhere, as QEMU's .impl does). So a device's
 *   callbacks see only sizes they implement, and never check. Devices never
 *   touch hart state.
 * - Every RAM page has a flags byte. BUS_PAGE_CODE marks a page holding decoded
 *   blocks, BUS_PAGE_WATCH a page with a store watcher (HTIF tohost),
 *   BUS_PAGE_RESV a page holding the reservation set of a hart waiting in
 *   WRS (cpu/resv.h). The software TLB never maps such a page for stores, so
 *   every store to it goes through bus_write(), which calls the code-write
 *   hook, the watcher or the reservation hook. DMA writes call the code and
 *   reservation hooks too, atomics bus_note_store().
 * - Threading (one host thread per hart, machine.h "Threads"): any hart's
 *   thread and the main (I/O) thread call bus_read/bus_write/bus_dma_*.
 *   MMIO is serialised per device: the bus holds region->lock around the
 *   callbacks, and the main thread takes the same lock before it touches
 *   the device (UART input, RTC alarm, virtio-net receive, display input).
 *   Lock order: a device lock, then the PLIC's (a device raising its line),
 *   then the code cache's (a DMA write into code), then the console lock
 *   (machine.h); nothing is taken while holding a later one, and no lock is
 *   held across guest code. RAM is plain memory shared by every thread:
 *   aligned 1/2/4/8-byte accesses are single host loads and stores
 *   (load_le/store_le compile to one mov), so they never tear; DMA copies
 *   are byte ranges with no atomicity (as on hardware). page_flags bits are
 *   set and cleared with atomic RMWs (the code cache's lock orders the CODE
 *   bit, cpu/cache.h); the hooks are set before any hart runs.
 */
#ifndef RIVET_BUS_H
#define RIVET_BUS_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum bus_status { BUS_OK = 0, BUS_ERROR = 1 } bus_status;

typedef bus_status (*mmio_read_fn)(void *opaque, uint64_t offset, unsigned size, uint64_t *value);
typedef bus_status (*mmio_write_fn)(void *opaque, uint64_t offset, unsigned size, uint64_t value);

struct mmio_region {
    const char *name;
    uint64_t base, size;
    uint8_t min_access, max_access; /* bytes: 1, 2, 4 or 8 the guest may use; naturally aligned */
    uint8_t impl_min, impl_max;     /* the sizes read/write handle; 0 = the same as min/max_access */
    mmio_read_fn read;
    mmio_write_fn write;
    void *opaque;
    /* Non-NULL for read-only memory the harts may execute (the boot ROM):
     * instruction fetches read these `size` bytes. Such code is never
     * cached in blocks; it runs one instruction at a time. */
    const uint8_t *fetch;
    /* Non-NULL: held around every callback (the device's lock, see
     * "Threading" above); NULL: the device locks for itself (CLINT, PLIC)
     * or has no state to guard (the boot ROM). */
    pthread_mutex_t *lock;
};

/* The callbacks of a region of 32-bit registers that accepts 4-byte
 * accesses only (the bus refuses the rest, so size is always 4): they call
 * PREFIX_read32(TYPE *, offset) -> uint32_t and
 * PREFIX_write32(TYPE *, offset, uint32_t), and are named PREFIX_mmio_read
 * and PREFIX_mmio_write. */
/* clang-format off */
#define MMIO_REG32_CALLBACKS(prefix, type)                                                         \
    static bus_status prefix##_mmio_read(void *opaque, uint64_t offset, unsigned size, uint64_t *value) \
    {                                                                                              \
        (void)size;                                                                                \
        *value = prefix##_read32((type *)opaque, offset);                                          \
        return BUS_OK;                                                                             \
    }                                                                                              \
    static bus_status prefix##_mmio_write(void *opaque, uint64_t offset, unsigned size, uint64_t value) \
    {                                                                                              \
        (void)size;                                                                                \
        prefix##_write32((type *)opaque, offset, (uint32_t)value);                                 \
        return BUS_OK;                                                                             \
    }

#define BUS_MAX_REGIONS 32
#define BUS_PAGE_CODE  0x01
#define BUS_PAGE_WATCH 0x02
#define BUS_PAGE_RESV  0x04
/* clang-format on */

/* Called after a store or DMA write changed [paddr, paddr + len), within
 * one page, in a page flagged CODE. */
typedef void (*bus_code_write_fn)(void *opaque, uint64_t paddr, uint64_t len);
/* Called after a store to a watched page; addr/size describe the store. */
typedef void (*bus_watch_fn)(void *opaque, uint64_t paddr, unsigned size);
/* Called after a store or DMA write changed [paddr, paddr + len) in a page
 * flagged RESV. */
typedef void (*bus_resv_write_fn)(void *opaque, uint64_t paddr, uint64_t len);

/* LR/SC's store stamps (cpu/exec_int.c): one counter per 64-byte stripe
 * of RAM, folded; bumped by every successful SC in it. Atomic. */
#define BUS_SC_STRIPES 256
static inline unsigned bus_sc_stripe(const void *host)
{
    return (unsigned)((uintptr_t)host >> 6) & (BUS_SC_STRIPES - 1);
}

struct bus {
    uint8_t *ram;
    uint64_t ram_base, ram_size;
    uint8_t *page_flags; /* one byte per RAM page */
    struct mmio_region regions[BUS_MAX_REGIONS];
    int nregions;
    bus_code_write_fn code_write;
    void *code_write_opaque;
    bus_watch_fn watch;
    void *watch_opaque;
    bus_resv_write_fn resv_write;
    void *resv_write_opaque;
    uint32_t sc_stamp[BUS_SC_STRIPES];
    pthread_mutex_t watch_lock; /* held around the watcher (HTIF's state): any hart may store to tohost */
    /* Called when bus_read or bus_write refuses an access (-d guest_errors):
     * `region` is the device's name or NULL (nothing mapped there), `reason`
     * says why. The error paths only; NULL = nobody listens. */
    void (*refused)(void *opaque, uint64_t paddr, unsigned size, bool write, const char *region, const char *reason);
    void *refused_opaque;
};

/* Allocates RAM (zeroed). Returns false (with errno) on failure. */
bool bus_init(struct bus *bus, uint64_t ram_base, uint64_t ram_size);
void bus_destroy(struct bus *bus);
/* A machine reset: RAM reads zero again (a fresh anonymous mapping at the
 * same host address, so pointers into RAM stay valid) and every page flag
 * is cleared. The caller has dropped every decoded block and TLB entry
 * first, and nothing runs meanwhile. false when the kernel refused the new
 * mapping: RAM was zeroed in place instead (the pages stay resident). */
bool bus_ram_reset(struct bus *bus);

/* Registers a region; false when it overlaps RAM or another region, or the table is full. */
bool bus_add_region(struct bus *bus, const struct mmio_region *region);
const struct mmio_region *bus_find_region(const struct bus *bus, uint64_t paddr);

/* Host pointer to [paddr, paddr+len) when it lies wholly in RAM, else NULL.
 * Overflow-safe: any paddr and len are accepted. */
static inline uint8_t *bus_ram_ptr(const struct bus *bus, uint64_t paddr, uint64_t len)
{
    uint64_t off = paddr - bus->ram_base;
    if (paddr < bus->ram_base || off > bus->ram_size || len > bus->ram_size - off)
        return NULL;
    return bus->ram + off;
}

static inline bool bus_is_ram(const struct bus *bus, uint64_t paddr)
{
    return paddr >= bus->ram_base && paddr - bus->ram_base < bus->ram_size;
}

/* Relaxed: other threads set and clear the bits (atomic RMWs, see the top). */
static inline uint8_t bus_page_flags(const struct bus *bus, uint64_t paddr)
{
    return __atomic_load_n(&bus->page_flags[(paddr - bus->ram_base) >> 12], __ATOMIC_RELAXED);
}

/* Slow-path physical accesses (size 1, 2, 4 or 8; must not cross a page).
 * RAM accesses honour the page flags; MMIO goes to the region's callbacks. */
bus_status bus_read(struct bus *bus, uint64_t paddr, unsigned size, uint64_t *value);
bus_status bus_write(struct bus *bus, uint64_t paddr, unsigned size, uint64_t value);

/* Checked DMA for devices: the whole range must be RAM. Writes notify code pages. */
bool bus_dma_read(struct bus *bus, uint64_t paddr, void *dst, uint64_t len);
bool bus_dma_write(struct bus *bus, uint64_t paddr, const void *src, uint64_t len);

/* For stores that bypass bus_write() (atomics through a host pointer):
 * calls the reservation hook after [paddr, paddr + len) changed in RAM. */
void bus_note_store(struct bus *bus, uint64_t paddr, uint64_t len);

/* Marks RAM page(s) for a store watcher. */
void bus_watch_page(struct bus *bus, uint64_t paddr);

/* A host full barrier (x86's StoreLoad order: mfence). ThreadSanitizer
 * refuses atomic_thread_fence; there a locked read-modify-write, the same
 * barrier on x86, stands in. */
static inline void host_full_barrier(void)
{
#ifdef __SANITIZE_THREAD__
    uint32_t x = 0;
    __atomic_fetch_add(&x, 0, __ATOMIC_SEQ_CST);
#else
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
#endif
}

/* Little-endian host access helpers; memcpy keeps them alignment-safe under UBSan. */
#include <string.h>
/* Guest RAM is shared by the harts' threads without locks, as the RISC-V
 * memory model allows (cpu/exec_int.c): under ThreadSanitizer its aligned
 * accesses are relaxed atomics (the same single mov), so that the tool
 * sees them as the atomic accesses they are. */
#ifdef __SANITIZE_THREAD__
static inline bool le_atomic_load(const void *p, unsigned size, uint64_t *v)
{
    if ((uintptr_t)p & (size - 1))
        return false;
    switch (size) {
    case 1: *v = __atomic_load_n((const uint8_t *)p, __ATOMIC_RELAXED); return true;
    case 2: *v = __atomic_load_n((const uint16_t *)p, __ATOMIC_RELAXED); return true;
    case 4: *v = __atomic_load_n((const uint32_t *)p, __ATOMIC_RELAXED); return true;
    default: *v = __atomic_load_n((const uint64_t *)p, __ATOMIC_RELAXED); return true;
    }
}
static inline bool le_atomic_store(void *p, unsigned size, uint64_t v)
{
    if ((uintptr_t)p & (size - 1))
        return false;
    switch (size) {
    case 1: __atomic_store_n((uint8_t *)p, (uint8_t)v, __ATOMIC_RELAXED); return true;
    case 2: __atomic_store_n((uint16_t *)p, (uint16_t)v, __ATOMIC_RELAXED); return true;
    case 4: __atomic_store_n((uint32_t *)p, (uint32_t)v, __ATOMIC_RELAXED); return true;
    default: __atomic_store_n((uint64_t *)p, v, __ATOMIC_RELAXED); return true;
    }
}
#else
static inline bool le_atomic_load(const void *p, unsigned size, uint64_t *v) { return false; }
static inline bool le_atomic_store(void *p, unsigned size, uint64_t v) { return false; }
#endif

static inline uint64_t load_le(const void *p, unsigned size)
{
    uint64_t a;
    if (le_atomic_load(p, size, &a))
        return a;
    switch (size) {
    /* clang-format off */
    case 1: { uint8_t v; memcpy(&v, p, 1); return v; }
    case 2: { uint16_t v; memcpy(&v, p, 2); return v; }
    case 4: { uint32_t v; memcpy(&v, p, 4); return v; }
    default: { uint64_t v; memcpy(&v, p, 8); return v; }
        /* clang-format on */
    }
}
static inline void store_le(void *p, unsigned size, uint64_t v)
{
    if (le_atomic_store(p, size, v))
        return;
    switch (size) {
    /* clang-format off */
    case 1: { uint8_t t = (uint8_t)v; memcpy(p, &t, 1); break; }
    case 2: { uint16_t t = (uint16_t)v; memcpy(p, &t, 2); break; }
    case 4: { uint32_t t = (uint32_t)v; memcpy(p, &t, 4); break; }
    /* clang-format on */
    default: memcpy(p, &v, 8); break;
    }
}

#endif
