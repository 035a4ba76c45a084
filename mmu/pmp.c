/*
 * Physical memory protection (priv. spec 20211203, 3.7): 16 entries, modes
 * OFF, TOR, NA4 and NAPOT, with a 4-byte grain.
 */
#include <string.h>

#include "mmu/mmu.h"

/* pmpaddr holds bits 55:2 of an address on RV64 (3.7.1). */
#define PMPADDR_MASK ((1ull << 54) - 1)

/* The inclusive byte range [*lo, *last] of entry i, false when it matches
 * nothing (OFF, or a TOR entry whose bottom is not below its top). */
static bool pmp_entry_range(const struct mmu *m, int i, uint64_t *lo, uint64_t *last)
{
    uint64_t addr = m->pmpaddr[i] & PMPADDR_MASK;
    switch (m->pmpcfg[i] & PMP_A) {
    case PMP_A_TOR: {
        /* Entry 0 uses 0 as its bottom (3.7.1.3). */
        uint64_t bottom = i ? m->pmpaddr[i - 1] & PMPADDR_MASK : 0;
        if (bottom >= addr)
            return false;
        *lo = bottom << 2;
        *last = (addr << 2) - 1;
        return true;
    }
    case PMP_A_NA4:
        *lo = addr << 2;
        *last = *lo + 3;
        return true;
    case PMP_A_NAPOT: {
        /* t trailing ones encode a 2^(t+3)-byte region; addr has at most 54
         * bits, so t <= 54 and nothing below overflows. */
        unsigned t = (unsigned)__builtin_ctzll(~addr);
        *lo = (addr & ~((2ull << t) - 1)) << 2;
        *last = *lo + ((8ull << t) - 1);
        return true;
    }
    default: return false;
    }
}

static uint8_t pmp_perm(enum mmu_access acc) { return acc == ACC_FETCH ? PMP_X : acc == ACC_LOAD ? PMP_R : PMP_W; }

/* Whether any entry is on (A != OFF): every cfg byte's A field at once. */
static inline bool pmp_any_active(const struct mmu *m)
{
    _Static_assert(PMP_COUNT == 16 && PMP_A == 0x18 && PMP_A_OFF == 0, "cfg bytes as two words");
    uint64_t lo, hi;
    memcpy(&lo, m->pmpcfg, 8);
    memcpy(&hi, m->pmpcfg + 8, 8);
    return ((lo | hi) & 0x1818181818181818ull) != 0;
}

/*
 * 3.7.1.4: the lowest-numbered entry matching any byte of the access decides;
 * it must match every byte or the access fails whatever its permissions.
 * M-mode obeys only locked entries. An S/U access that matches no entry
 * fails when any entry is active (A != OFF) and succeeds when none is: the
 * spec says "when at least one entry is implemented", but with all 16
 * entries OFF that would deny S/U everything until firmware programs PMP;
 * rivet follows QEMU and lets S/U through while PMP is unused.
 */
static bool pmp_check(const struct mmu *m, uint64_t pa, unsigned size, enum mmu_access acc, int priv)
{
    uint64_t last = pa + (size ? size - 1 : 0); /* no wrap: pmp_allows checked */
    bool any_active = false;
    for (int i = 0; i < PMP_COUNT; i++) {
        uint8_t cfg = m->pmpcfg[i];
        uint64_t lo, hi;
        any_active |= (cfg & PMP_A) != PMP_A_OFF;
        if (!pmp_entry_range(m, i, &lo, &hi) || pa > hi || last < lo)
            continue;
        if (pa < lo || last > hi)
            return false; /* partial match */
        if (priv == PRV_M && !(cfg & PMP_L))
            return true;
        return (cfg & pmp_perm(acc)) != 0;
    }
    return priv == PRV_M || !any_active;
}

/* What a page-table walk does per level and a TLB miss twice: the cache of
 * whole pages makes all but the first check of a page one compare. */
bool pmp_allows(struct mmu *m, uint64_t pa, unsigned size, enum mmu_access acc, int priv)
{
    if (pa + (size ? size - 1 : 0) < pa)
        return false; /* wraps past the top of the address space */
    if (!pmp_any_active(m))
        return true; /* bare-metal M-mode: no scan */
    uint64_t page = pa & ~(uint64_t)(PAGE_SIZE - 1);
    uint64_t tag = page | (uint64_t)priv << 2 | (uint64_t)acc;
    uint64_t *slot = &m->pmp_cache[(pa >> PAGE_SHIFT) & (PMP_CACHE_ENTRIES - 1)];
    bool one_page = size <= PAGE_SIZE - (pa - page);
    if (one_page && *slot == tag)
        return true;
    if (!pmp_check(m, pa, size, acc, priv))
        return false;
    if (one_page && pmp_check(m, page, PAGE_SIZE, acc, priv))
        *slot = tag;
    return true;
}
