/* Zawrs's reservation monitor: see resv.h for the rules. */
#include "cpu/resv.h"

#include "cpu/cache.h"

static uint64_t set_of(uint64_t host) { return host & ~(uint64_t)(RESV_SET_BYTES - 1); }

bool resv_wait(struct hart *h, uint64_t deadline)
{
    struct bus *bus = h->mmu.bus;
    const uint8_t *host = (const uint8_t *)(uintptr_t)h->resv_addr;
    /* Waiting before the flag and the look at memory (all seq_cst): a store
     * after the look finds the flag and this hart waiting (resv.h). */
    h->wrs_deadline = deadline;
    __atomic_store_n(&h->wrs, true, __ATOMIC_SEQ_CST);
    __atomic_store_n(&h->wfi, true, __ATOMIC_SEQ_CST);
    if (h->cache)
        code_cache_watch_stores(h->cache, bus->ram_base + (uint64_t)(host - bus->ram));
    uint64_t now = h->resv_size == 4 ? __atomic_load_n((const uint32_t *)host, __ATOMIC_SEQ_CST)
                                     : __atomic_load_n((const uint64_t *)host, __ATOMIC_SEQ_CST);
    if (now != h->resv_value || !__atomic_load_n(&h->wfi, __ATOMIC_SEQ_CST)) { /* written meanwhile */
        __atomic_store_n(&h->wfi, false, __ATOMIC_SEQ_CST);
        __atomic_store_n(&h->wrs, false, __ATOMIC_SEQ_CST);
        h->resv_valid = false;
        return false;
    }
    return true;
}

/* Wakes the waiters on the written bytes; true when a hart still waits on
 * another set in the same page, which then keeps its flag. */
static bool wake_waiters(struct hart *const *harts, unsigned n, uint64_t lo, uint64_t hi)
{
    bool others = false;
    for (unsigned i = 0; i < n; i++) {
        struct hart *h = harts[i];
        if (!__atomic_load_n(&h->wfi, __ATOMIC_SEQ_CST) || !__atomic_load_n(&h->wrs, __ATOMIC_SEQ_CST))
            continue;
        uint64_t set = set_of(h->resv_addr);
        if (set < hi && lo < set + RESV_SET_BYTES) {
            /* Maybe another hart's thread: a stale view only ends a wait
             * early, which WRS may do anyway. The reservation stays: the
             * SC compares the value (cpu/exec_int.c), which changed. */
            __atomic_store_n(&h->wrs, false, __ATOMIC_RELAXED);
            __atomic_store_n(&h->wfi, false, __ATOMIC_SEQ_CST);
            hart_kick(h);
        } else if ((set >> PAGE_SHIFT) == (lo >> PAGE_SHIFT)) {
            others = true;
        }
    }
    return others;
}

void resv_note_store(struct hart *const *harts, unsigned n, struct bus *bus, uint64_t paddr, uint64_t len)
{
    uint8_t *host = bus_ram_ptr(bus, paddr, len);
    if (!host || !len)
        return;
    uint64_t lo = (uint64_t)(uintptr_t)host;
    if (!wake_waiters(harts, n, lo, lo + len))
        __atomic_fetch_and(&bus->page_flags[(paddr - bus->ram_base) >> PAGE_SHIFT], (uint8_t)~BUS_PAGE_RESV,
                           __ATOMIC_SEQ_CST);
}
