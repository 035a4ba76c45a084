/*
 * Address translation: the Sv39/Sv48/Sv57 page walker (priv. spec 20211203,
 * 4.3.2, extended to more levels in 4.4 and 4.5), the software TLB fills and
 * the out-of-line slow paths of mmu.h.
 */
#include "mmu/mmu.h"

#include <string.h>

/* TLB addends are host minus guest addresses, both held in 64 bits. */
_Static_assert(sizeof(uintptr_t) == sizeof(uint64_t), "rivet needs a 64-bit host");

#define PTE_INDEX_BITS 9
#define PTE_INDEX_MASK ((1ull << PTE_INDEX_BITS) - 1)
#define PTE_BYTES      8
#define PAGE_MASK      (~(PAGE_SIZE - 1))

/* walk_once() lost a race on the A/D update and must start over. */
#define WALK_RETRY (-1)

static void tlb_clear(struct tlb_entry *tlb)
{
    for (unsigned i = 0; i < TLB_ENTRIES; i++) { /* relaxed: other threads read tags (mmu_drop_store_page) */
        __atomic_store_n(&tlb[i].tag, TLB_INVALID, __ATOMIC_RELAXED);
        __atomic_store_n(&tlb[i].addend, 0, __ATOMIC_RELAXED);
    }
}

void mmu_init(struct mmu *m, struct bus *bus)
{
    memset(m, 0, sizeof(*m));
    m->bus = bus;
    mmu_set_context(m, PRV_M, PRV_M, false);
    m->sets_used = (1u << TLB_SETS) - 1; /* zeroed entries are not invalid ones */
    m->fill_overflow = true;
    m->walk = MMU_WALK_HWAD;
    mmu_flush(m);
}

void mmu_flush(struct mmu *m)
{
    if (!m->fill_overflow) {
        for (unsigned i = 0; i < m->nfilled; i++)
            __atomic_store_n(&m->filled[i]->tag, TLB_INVALID, __ATOMIC_RELAXED);
    } else {
        for (unsigned i = 0; i < TLB_SETS; i++) {
            if (!(m->sets_used & (1u << i)))
                continue;
            tlb_clear(m->sets[i].load);
            tlb_clear(m->sets[i].store);
            tlb_clear(m->sets[i].fetch);
            tlb_clear(m->sets[i].vload);
            tlb_clear(m->sets[i].vstore);
        }
    }
    m->nfilled = 0;
    m->fill_overflow = false;
    m->sets_used = 0;
    m->super_lo = UINT64_MAX;
    m->super_hi = 0;
    m->pm_tagged = false;
    memset(m->pmp_cache, 0xff, sizeof(m->pmp_cache)); /* ~0 is no tag: its access field is 3 */
}

/* The TLB holds 4 KiB pieces of superpages, so a superpage's other pieces
 * may be cached under the same leaf PTE: when va falls in the range that
 * superpage pieces span, everything goes. */
bool mmu_flush_page(struct mmu *m, uint64_t va)
{
    if ((va >= m->super_lo && va < m->super_hi) || m->pm_tagged) {
        mmu_flush(m);
        return true;
    }
    uint64_t page = va & PAGE_MASK;
    unsigned i = tlb_index(va), v = victim_index(va);
    for (unsigned s = 0; s < TLB_SETS; s++) {
        if (!(m->sets_used & (1u << s)))
            continue;
        struct tlb_set *t = &m->sets[s];
        struct tlb_entry *slots[5] = { &t->load[i], &t->store[i], &t->fetch[i], &t->vload[v], &t->vstore[v] };
        for (unsigned k = 0; k < 5; k++)
            if (__atomic_load_n(&slots[k]->tag, __ATOMIC_RELAXED) == page)
                __atomic_store_n(&slots[k]->tag, TLB_INVALID, __ATOMIC_RELAXED);
    }
    return false;
}

void mmu_flush_store(struct mmu *m)
{
    for (unsigned i = 0; i < TLB_SETS; i++) {
        if (m->sets_used & (1u << i)) {
            tlb_clear(m->sets[i].store);
            tlb_clear(m->sets[i].vstore);
        }
    }
}

void mmu_drop_store_page(struct mmu *m, const uint8_t *host_page)
{
    for (unsigned s = 0; s < TLB_SETS; s++) {
        struct tlb_entry *t = m->sets[s].store;
        for (unsigned i = 0; i < TLB_ENTRIES; i++) {
            uint64_t tag = __atomic_load_n(&t[i].tag, __ATOMIC_SEQ_CST);
            if (tag == TLB_INVALID)
                continue;
            /* The filler writes addend before tag: a new tag comes with its addend. */
            uintptr_t addend = __atomic_load_n(&t[i].addend, __ATOMIC_ACQUIRE);
            if ((uintptr_t)tag + addend == (uintptr_t)host_page)
                __atomic_compare_exchange_n(&t[i].tag, &tag, TLB_INVALID, false, __ATOMIC_SEQ_CST, __ATOMIC_RELAXED);
        }
    }
}

/* The filler's half of the Dekker pair (cpu/cache.h, "Threads"): after
 * installing a store entry for host_page, a flag set meanwhile takes it out
 * again. Returns whether the entry stays. */
static bool store_entry_stays(struct mmu *m, struct tlb_entry *e, const uint8_t *host_page)
{
    host_full_barrier();
    uint64_t p = (uint64_t)(host_page - m->bus->ram) >> PAGE_SHIFT;
    if (__atomic_load_n(&m->bus->page_flags[p], __ATOMIC_SEQ_CST) == 0)
        return true;
    __atomic_store_n(&e->tag, TLB_INVALID, __ATOMIC_SEQ_CST);
    return false;
}

/* A main entry as another thread may be changing it (its tag only). */
static struct tlb_entry entry_get(const struct tlb_entry *e)
{
    return (struct tlb_entry){ __atomic_load_n(&e->tag, __ATOMIC_RELAXED),
                               __atomic_load_n(&e->addend, __ATOMIC_RELAXED) };
}

/* Installs (tag, addend): addend first, so that another thread that reads
 * the new tag reads its addend too (mmu_drop_store_page). */
static void entry_set(struct tlb_entry *e, uint64_t tag, uintptr_t addend)
{
    __atomic_store_n(&e->addend, addend, __ATOMIC_RELAXED);
    __atomic_store_n(&e->tag, tag, __ATOMIC_RELEASE);
}

void mmu_set_context(struct mmu *m, int priv, int ls_priv, bool sum)
{
    m->ls_set = (uint8_t)((ls_priv == PRV_S && sum) ? TLB_SET_S_SUM : (unsigned)ls_priv & 3);
    m->fetch_set = (uint8_t)((unsigned)priv & 3);
    m->priv = priv;
    m->ls_priv = ls_priv;
    m->sum = sum;
    m->tlb_load = m->sets[m->ls_set].load;
    m->tlb_store = m->sets[m->ls_set].store;
    m->tlb_fetch = m->sets[m->fetch_set].fetch;
}

static int page_fault(enum mmu_access acc)
{
    return acc == ACC_FETCH ? CAUSE_FETCH_PAGE_FAULT : acc == ACC_LOAD ? CAUSE_LOAD_PAGE_FAULT : CAUSE_STORE_PAGE_FAULT;
}

static int access_fault(enum mmu_access acc)
{
    return acc == ACC_FETCH ? CAUSE_FETCH_ACCESS : acc == ACC_LOAD ? CAUSE_LOAD_ACCESS : CAUSE_STORE_ACCESS;
}

static bool valid_size(unsigned size) { return size == 1 || size == 2 || size == 4 || size == 8; }

/* Levels of the page table for satp.MODE; 0 = Bare. csr.c keeps satp legal
 * (a write of an unsupported mode has no effect, 4.1.11). */
static int satp_levels(uint64_t satp)
{
    switch (satp >> SATP_MODE_SHIFT) {
    case SATP_MODE_SV39: return 3;
    case SATP_MODE_SV48: return 4;
    case SATP_MODE_SV57: return 5;
    default: return 0;
    }
}

/* 4.3.2 / 4.4: bits 63 down to the top va bit must all equal that bit. */
static bool va_canonical(uint64_t va, int levels)
{
    unsigned unused = 64 - (PAGE_SHIFT + PTE_INDEX_BITS * (unsigned)levels);
    return (uint64_t)((int64_t)(va << unused) >> unused) == va;
}

/* Tells the code cache a store is about to change (or just changed) RAM at
 * [pa, pa + size), for writes that bypass bus_write(): PTE updates and
 * atomics (naturally aligned, so within one page). */
static void note_code_store(struct bus *bus, uint64_t pa, unsigned size)
{
    if ((bus_page_flags(bus, pa) & BUS_PAGE_CODE) && bus->code_write)
        bus->code_write(bus->code_write_opaque, pa, size);
}

/* 4.3.1 and 4.3.2 step 3: V=0 and W-without-R are invalid; bits 60:54 are
 * reserved. PBMT and N are reserved in pointers, and in leaves unless
 * Svpbmt (with PBMTE; the type 3 is reserved) or Svnapot allow them
 * (walk_leaf checks the NAPOT size). */
static bool pte_invalid(const struct mmu *m, uint64_t pte)
{
    if (!(pte & PTE_V) || (pte & (PTE_R | PTE_W)) == PTE_W || (pte & PTE_RESERVED_MASK))
        return true;
    if (!(pte & (PTE_R | PTE_X)))
        return (pte & (PTE_PBMT_MASK | PTE_N)) != 0;
    uint64_t pbmt = pte & PTE_PBMT_MASK;
    if (pbmt && (!(m->walk & MMU_WALK_PBMT) || pbmt == PTE_PBMT_MASK))
        return true;
    return (pte & PTE_N) && !(m->walk & MMU_WALK_NAPOT);
}

/* 4.3.2 step 5 with the U/SUM/MXR rules of 4.3.1 and 3.1.6.3: S-mode never
 * executes a U page and loads or stores to one only with SUM. */
static bool leaf_permits(const struct mmu *m, uint64_t pte, enum mmu_access acc, int priv)
{
    if (pte & PTE_U) {
        if (priv == PRV_S && (acc == ACC_FETCH || !m->sum))
            return false;
    } else if (priv == PRV_U) {
        return false;
    }
    bool load = (pte & PTE_R) || (m->mxr && (pte & PTE_X));
    switch (acc) {
    case ACC_FETCH: return (pte & PTE_X) != 0;
    /* clang-format off */
    case ACC_LOAD:  return load;
    case ACC_CBO:   return load || (pte & PTE_W); /* CMO 1.0: a load or a store will do */
    default:        return (pte & PTE_W) != 0;
        /* clang-format on */
    }
}

/* Host view of the PTE at pte_addr, or NULL when the walk may not read it:
 * it must be RAM and, by 3.7.1, pass PMP as an S-mode load. RAM is page
 * aligned on the host (bus_init) so the slot is 8-byte aligned. */
static uint64_t *pte_slot(struct mmu *m, uint64_t pte_addr)
{
    if (!pmp_allows(m, pte_addr, PTE_BYTES, ACC_LOAD, PRV_S))
        return NULL;
    return (uint64_t *)(void *)bus_ram_ptr(m->bus, pte_addr, PTE_BYTES);
}

/* Svnapot: a 4 KiB leaf with N set and PPN[3:0] = 1000 maps the 64 KiB
 * region its PPN names with bits 3:0 cleared; any other N leaf is reserved. */
#define NAPOT_SHIFT   16
#define NAPOT_PPN_LOW 0xfull
#define NAPOT_PPN_64K 0x8ull
static bool napot_leaf(uint64_t *ppn, unsigned *shift)
{
    if (*shift != PAGE_SHIFT || (*ppn & NAPOT_PPN_LOW) != NAPOT_PPN_64K)
        return false;
    *ppn &= ~NAPOT_PPN_LOW;
    *shift = NAPOT_SHIFT;
    return true;
}

/*
 * A leaf found at the level whose pages are 2^shift bytes. With hardware
 * A/D updates (MMU_WALK_HWAD), A and D are set here by a compare-and-swap,
 * so that a PTE changed since it was read (another hart, later) is never
 * overwritten; the caller then walks again (4.3.2 step 7). Without, a
 * missing A (or D for a store) is a page fault (Svade).
 */
static int walk_leaf(struct mmu *m, uint64_t va, enum mmu_access acc, int priv, uint64_t *slot, uint64_t pte_addr,
                     uint64_t pte, unsigned shift, uint64_t *pa)
{
    uint64_t ppn = (pte >> PTE_PPN_SHIFT) & PTE_PPN_MASK;
    if ((pte & PTE_N) && !napot_leaf(&ppn, &shift))
        return page_fault(acc);
    uint64_t offset_mask = (1ull << shift) - 1;
    if (((ppn << PAGE_SHIFT) & offset_mask) != 0) /* misaligned superpage, step 6 */
        return page_fault(acc);
    if (!leaf_permits(m, pte, acc, priv))
        return page_fault(acc);
    uint64_t need = PTE_A | (acc == ACC_STORE ? PTE_D : 0);
    if ((pte & need) != need) {
        if (!(m->walk & MMU_WALK_HWAD))
            return page_fault(acc);
        if (!pmp_allows(m, pte_addr, PTE_BYTES, ACC_STORE, PRV_S))
            return access_fault(acc);
        if (!__atomic_compare_exchange_n(slot, &pte, pte | need, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
            return WALK_RETRY;
        note_code_store(m->bus, pte_addr, 8);
    }
    *pa = (ppn << PAGE_SHIFT) | (va & offset_mask);
    m->leaf_shift = (uint8_t)shift;
    return 0;
}

/* One walk of a table with `levels` levels (4.3.2 steps 1-4). Returns 0 with
 * *pa, an exception cause, or WALK_RETRY. */
static int walk_once(struct mmu *m, uint64_t va, enum mmu_access acc, int priv, int levels, uint64_t *pa)
{
    uint64_t table = (m->satp & SATP_PPN_MASK) << PAGE_SHIFT;
    for (int i = levels - 1; i >= 0; i--) {
        unsigned shift = PAGE_SHIFT + PTE_INDEX_BITS * (unsigned)i;
        uint64_t pte_addr = table + ((va >> shift) & PTE_INDEX_MASK) * PTE_BYTES;
        uint64_t *slot = pte_slot(m, pte_addr);
        if (!slot)
            return access_fault(acc); /* of the original access type, step 2 */
        uint64_t pte = __atomic_load_n(slot, __ATOMIC_ACQUIRE);
        if (pte_invalid(m, pte))
            return page_fault(acc);
        if (pte & (PTE_R | PTE_X))
            return walk_leaf(m, va, acc, priv, slot, pte_addr, pte, shift, pa);
        table = ((pte >> PTE_PPN_SHIFT) & PTE_PPN_MASK) << PAGE_SHIFT;
    }
    return page_fault(acc); /* a pointer at the last level, step 4 */
}

/* The translation alone, PMP on the result left to the caller: 0 with *pa,
 * or an exception cause. */
static int translate_va(struct mmu *m, uint64_t va, enum mmu_access acc, int priv, uint64_t *pa)
{
    int levels = satp_levels(m->satp);
    int cause;
    m->leaf_shift = PAGE_SHIFT;
    if (priv == PRV_M || levels == 0) {
        *pa = va; /* M-mode and Bare are never translated (4.1.11) */
        return 0;
    }
    if (!va_canonical(va, levels))
        return page_fault(acc);
    while ((cause = walk_once(m, va, acc, priv, levels, pa)) == WALK_RETRY)
        ;
    return cause;
}

int mmu_translate(struct mmu *m, uint64_t va, enum mmu_access acc, unsigned size, uint64_t *pa, uint64_t *tval)
{
    int priv = acc == ACC_FETCH ? m->priv : m->ls_priv;
    int cause = translate_va(m, va, acc, priv, pa);
    if (!cause && !pmp_allows(m, *pa, size, acc, priv))
        cause = access_fault(acc);
    if (cause)
        *tval = va;
    return cause;
}

/* Pointer masking (mmu.h): the address an explicit access goes to. */
static inline uint64_t pm_transform(const struct mmu *m, uint64_t va)
{
    unsigned n = m->pmlen;
    if (!n)
        return va;
    if (m->ls_priv != PRV_M && satp_levels(m->satp))
        return (uint64_t)((int64_t)(va << n) >> n); /* virtual: sign-extended */
    return (va << n) >> n;                          /* physical: zero-extended */
}

/* Records a filled entry for mmu_flush (a full log means "clear all"). */
static void log_fill(struct mmu *m, struct tlb_entry *e)
{
    if (m->nfilled < TLB_FILL_LOG)
        m->filled[m->nfilled++] = e;
    else
        m->fill_overflow = true;
}

/* The victim array behind a current load or store TLB; fetches have none. */
static struct tlb_entry *victims_of(struct mmu *m, const struct tlb_entry *tlb)
{
    if (tlb == m->tlb_load)
        return m->sets[m->ls_set].vload;
    if (tlb == m->tlb_store)
        return m->sets[m->ls_set].vstore;
    return NULL;
}

/* Enters va's page in `tlb` when the whole 4 KiB page is RAM that PMP lets
 * priv use for acc; a page only partly allowed keeps taking the slow path,
 * which checks each access. Stores also need a page without bus flags, so
 * that stores to code and watched pages keep reaching bus_write(). */
static void tlb_fill(struct mmu *m, struct tlb_entry *tlb, uint64_t va, uint64_t pa, enum mmu_access acc, int priv)
{
    uint64_t pa_page = pa & PAGE_MASK, va_page = va & PAGE_MASK;
    uint8_t *host = bus_ram_ptr(m->bus, pa_page, PAGE_SIZE);
    if (!host || !pmp_allows(m, pa_page, PAGE_SIZE, acc, priv))
        return;
    if (acc == ACC_STORE && bus_page_flags(m->bus, pa_page) != 0)
        return;
    if (m->watch && acc != ACC_FETCH && m->watch(m->watch_opaque, va_page, PAGE_SIZE, acc))
        return;
    struct tlb_entry *e = &tlb[tlb_index(va)];
    m->sets_used |= (uint8_t)(1u << (acc == ACC_FETCH ? m->fetch_set : m->ls_set));
    struct tlb_entry *victims = victims_of(m, tlb);
    struct tlb_entry old = entry_get(e);
    if (victims && old.tag != TLB_INVALID && old.tag != va_page) {
        struct tlb_entry *v = &victims[victim_index(old.tag)];
        *v = old;
        log_fill(m, v);
    }
    if (m->leaf_shift > PAGE_SHIFT) { /* a piece of a superpage: see mmu_flush_page */
        uint64_t lo = va & ~((1ull << m->leaf_shift) - 1), hi = lo + (1ull << m->leaf_shift);
        m->super_lo = lo < m->super_lo ? lo : m->super_lo;
        m->super_hi = hi > m->super_hi ? hi : m->super_hi;
    }
    entry_set(e, va_page, (uintptr_t)host - (uintptr_t)va_page);
    log_fill(m, e);
    if (acc == ACC_STORE)
        store_entry_stays(m, e, host);
}

/* A load or store whose page lost its TLB entry to another: found in the
 * victims, swapped back (the other one taking its place there) and done
 * without a walk. Victims hold only what tlb_fill admitted, so every check
 * the fill made still holds (flushes clear victims too). */
static bool victim_access(struct mmu *m, uint64_t va, unsigned size, enum mmu_access acc, uint64_t *value)
{
    struct tlb_entry *tlb = acc == ACC_STORE ? m->tlb_store : m->tlb_load;
    struct tlb_entry *victims = victims_of(m, tlb);
    struct tlb_entry *v = &victims[victim_index(va)], *e = &tlb[tlb_index(va)];
    if (v->tag != (va & PAGE_MASK))
        return false;
    struct tlb_entry hit = *v, out = entry_get(e);
    v->tag = TLB_INVALID;
    if (out.tag != TLB_INVALID) {
        struct tlb_entry *slot = &victims[victim_index(out.tag)];
        *slot = out;
        log_fill(m, slot);
    }
    entry_set(e, hit.tag, hit.addend);
    log_fill(m, e);
    void *host = (void *)(uintptr_t)(va + hit.addend);
    if (acc == ACC_STORE && !store_entry_stays(m, e, (const uint8_t *)(uintptr_t)(hit.tag + hit.addend)))
        return false; /* the page became code meanwhile: the slow path does it */
    if (acc == ACC_STORE)
        store_le(host, size, *value);
    else
        *value = load_le(host, size);
    return true;
}

/* The physical side of a translated, PMP-checked load or store. bus_read and
 * bus_write handle RAM (with its page flags) and MMIO alike. */
static bus_status phys_access(struct bus *bus, uint64_t pa, unsigned size, enum mmu_access acc, uint64_t *value)
{
    return acc == ACC_STORE ? bus_write(bus, pa, size, *value) : bus_read(bus, pa, size, value);
}

/* The TLB entry of an access at va that went to eva (pointer masking) is
 * kept under va's page (mmu.h). */
static void tlb_fill_masked(struct mmu *m, struct tlb_entry *tlb, uint64_t va, uint64_t eva, uint64_t pa,
                            enum mmu_access acc)
{
    if ((va ^ eva) & PAGE_MASK)
        m->pm_tagged = true;
    tlb_fill(m, tlb, va, pa, acc, m->ls_priv);
}

static int access_aligned(struct mmu *m, uint64_t va, uint64_t eva, unsigned size, enum mmu_access acc, uint64_t *value,
                          uint64_t *tval)
{
    uint64_t pa;
    int cause = mmu_translate(m, eva, acc, size, &pa, tval);
    if (cause)
        return cause;
    tlb_fill_masked(m, acc == ACC_STORE ? m->tlb_store : m->tlb_load, va, eva, pa, acc);
    if (phys_access(m->bus, pa, size, acc, value) != BUS_OK) {
        *tval = eva;
        return access_fault(acc);
    }
    return 0;
}

/* Whether a byte access to pa can succeed on the bus: RAM, or a device that
 * takes single bytes in that direction. */
static bool byte_reachable(const struct bus *bus, uint64_t pa, enum mmu_access acc)
{
    if (bus_is_ram(bus, pa))
        return true;
    const struct mmio_region *r = bus_find_region(bus, pa);
    return r && r->min_access == 1 && (acc == ACC_STORE ? r->write != NULL : r->read != NULL);
}

/*
 * A misaligned load or store, done as byte accesses. Every byte is translated
 * and checked before any is accessed, so a faulting store writes nothing. The
 * trap value is the address of the byte that faulted: 3.1.16 asks for the
 * virtual address of the portion of the access that caused the fault, which
 * lets the guest's fault handler map the right page of a page-crossing access.
 */
static int access_split(struct mmu *m, uint64_t va, unsigned size, enum mmu_access acc, uint64_t *value, uint64_t *tval)
{
    uint64_t pa[8];
    for (unsigned i = 0; i < size; i++) {
        int cause = mmu_translate(m, va + i, acc, 1, &pa[i], tval);
        if (cause)
            return cause;
        if (!byte_reachable(m->bus, pa[i], acc)) {
            *tval = va + i;
            return access_fault(acc);
        }
    }
    uint64_t v = acc == ACC_STORE ? *value : 0;
    for (unsigned i = 0; i < size; i++) {
        uint64_t byte = (v >> (8 * i)) & 0xff;
        if (phys_access(m->bus, pa[i], 1, acc, &byte) != BUS_OK) {
            *tval = va + i;
            return access_fault(acc);
        }
        if (acc != ACC_STORE)
            v |= byte << (8 * i);
    }
    if (acc != ACC_STORE)
        *value = v;
    return 0;
}

/* An access to a watched range, not yet done: refused unless the hart runs
 * the instruction alone (struct mmu, watch_now). */
static bool watch_defer(const struct mmu *m, uint64_t va, unsigned size, enum mmu_access acc)
{
    return m->watch && !m->watch_now && m->watch(m->watch_opaque, va, size, acc);
}

/* A completed load or store touching a watched range: recorded for the
 * debugger, which stops the hart before its next instruction. */
static void note_watch(struct mmu *m, uint64_t va, unsigned size, enum mmu_access acc)
{
    if (!m->watch(m->watch_opaque, va, size, acc))
        return;
    m->watch_hit = true;
    m->watch_addr = va;
    m->watch_acc = acc;
}

static int access_slow(struct mmu *m, uint64_t va, unsigned size, enum mmu_access acc, uint64_t *value, uint64_t *tval)
{
    uint64_t eva = pm_transform(m, va);
    if (!valid_size(size)) {
        *tval = eva;
        return access_fault(acc);
    }
    if (watch_defer(m, eva, size, acc)) {
        *tval = eva;
        return MMU_WATCH_DEFER;
    }
    if (!(va & (size - 1)) && victim_access(m, va, size, acc, value))
        return 0;
    int cause = (va & (size - 1)) ? access_split(m, eva, size, acc, value, tval)
                                  : access_aligned(m, va, eva, size, acc, value, tval);
    if (!cause && m->watch)
        note_watch(m, eva, size, acc);
    return cause;
}

int mmu_load_slow(struct mmu *m, uint64_t va, unsigned size, uint64_t *value, uint64_t *tval)
{
    return access_slow(m, va, size, ACC_LOAD, value, tval);
}

int mmu_store_slow(struct mmu *m, uint64_t va, unsigned size, uint64_t value, uint64_t *tval)
{
    return access_slow(m, va, size, ACC_STORE, &value, tval);
}

/* The PMP check covers one 16-bit parcel: pc is always even (IALIGN = 16). */
int mmu_fetch_slow(struct mmu *m, uint64_t va, uint64_t *pa, uint8_t **host, uint64_t *tval)
{
    *host = NULL;
    int cause = mmu_translate(m, va, ACC_FETCH, 2, pa, tval);
    if (cause)
        return cause;
    uint8_t *p = bus_ram_ptr(m->bus, *pa, 1);
    if (p) {
        tlb_fill(m, m->tlb_fetch, va, *pa, ACC_FETCH, m->priv);
        *host = p;
        return 0;
    }
    /* A fetchable ROM: served without a TLB entry, so never cached. The
     * whole 4-byte parcel pair must lie in the ROM. */
    const struct mmio_region *r = bus_find_region(m->bus, *pa);
    if (r && r->fetch && *pa - r->base <= r->size - 4) {
        *host = (uint8_t *)(uintptr_t)(r->fetch + (*pa - r->base));
        return 0;
    }
    *tval = va;
    return CAUSE_FETCH_ACCESS;
}

/*
 * The caller writes through the returned pointer, so a code page hears of the
 * store now, before it happens (the blocks are dropped, and re-decoded only
 * after the write). A watched page is treated as plain RAM: its watcher wants
 * the stored value, which does not exist yet. rivet's watched page is HTIF's
 * tohost, which guests write with plain stores.
 */
int mmu_atomic_ptr(struct mmu *m, uint64_t va, unsigned size, enum mmu_access acc, uint8_t **host, uint64_t *tval)
{
    if (acc != ACC_LOAD)
        acc = ACC_STORE;
    /* A TLB hit is RAM with the permission, never a code or watched page for
     * a store (tlb_fill leaves those out): no walk, nothing to note. The
     * compare keeps the low address bits, so it also requires alignment. */
    struct tlb_entry *tlb = acc == ACC_LOAD ? m->tlb_load : m->tlb_store;
    const struct tlb_entry *e = tlb_hit(tlb, va, size);
    if (e) {
        *host = (uint8_t *)(uintptr_t)(va + e->addend);
        return 0;
    }
    uint64_t pa, eva = pm_transform(m, va);
    if (watch_defer(m, eva, size, acc)) {
        *tval = eva;
        return MMU_WATCH_DEFER;
    }
    int cause = mmu_translate(m, eva, acc, size, &pa, tval);
    if (cause)
        return cause;
    tlb_fill_masked(m, tlb, va, eva, pa, acc);
    uint8_t *p = bus_ram_ptr(m->bus, pa, size);
    if (!p) {
        *tval = eva;
        return access_fault(acc);
    }
    if (acc == ACC_STORE)
        note_code_store(m->bus, pa, size);
    if (m->watch) /* the hart stops after the atomic, before its next instruction */
        note_watch(m, eva, size, acc);
    *host = p;
    return 0;
}

/* CMO 1.0, "Page-Fault, Guest-Page-Fault, and Access-Fault Exceptions": the
 * block is checked as one access of its size; cbo.zero needs what a store
 * needs (A and D set), a management operation what a load or a store needs
 * (A set, D not looked at); every fault is a store fault with tval = rs1. */
static int cbo_translate(struct mmu *m, uint64_t va, bool zero, uint64_t *pa, uint64_t *tval)
{
    int priv = m->ls_priv;
    int cause = translate_va(m, va & ~(uint64_t)(MMU_CBO_BLOCK - 1), zero ? ACC_STORE : ACC_CBO, priv, pa);
    if (!cause && !pmp_allows(m, *pa, MMU_CBO_BLOCK, ACC_STORE, priv) &&
        (zero || !pmp_allows(m, *pa, MMU_CBO_BLOCK, ACC_LOAD, priv)))
        cause = CAUSE_STORE_ACCESS;
    if (cause)
        *tval = va;
    return cause;
}

/* Memory (RAM or a device) is there; elsewhere no load or store is allowed. */
int mmu_cbo_manage(struct mmu *m, uint64_t va, uint64_t *tval)
{
    va = pm_transform(m, va);
    uint64_t pa;
    int cause = cbo_translate(m, va, false, &pa, tval);
    if (cause)
        return cause;
    if (!bus_ram_ptr(m->bus, pa, MMU_CBO_BLOCK) && !bus_find_region(m->bus, pa)) {
        *tval = va;
        return CAUSE_STORE_ACCESS;
    }
    return 0;
}

/* Devices do not take cbo.zero (its PMA is RAM's only). The write goes
 * through the bus's DMA path, which tells the code cache and the
 * reservation monitor (cpu/resv.h) after the bytes changed. */
int mmu_cbo_zero(struct mmu *m, uint64_t va, uint64_t *tval)
{
    static const uint8_t zeros[MMU_CBO_BLOCK];
    va = pm_transform(m, va);
    uint64_t pa;
    int cause = cbo_translate(m, va, true, &pa, tval);
    if (cause)
        return cause;
    if (!bus_dma_write(m->bus, pa, zeros, MMU_CBO_BLOCK)) {
        *tval = va;
        return CAUSE_STORE_ACCESS;
    }
    if (m->watch)
        note_watch(m, va & ~(uint64_t)(MMU_CBO_BLOCK - 1), MMU_CBO_BLOCK, ACC_STORE);
    return 0;
}
