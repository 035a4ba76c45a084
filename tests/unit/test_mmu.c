/*
 * Unit tests of translation: page tables built by hand in bus RAM for Sv39,
 * Sv48 and Sv57, permissions, A/D updates, PMP, the TLB and the slow paths.
 */
#include <check.h>
#include <stdlib.h>

#include "mmu/mmu.h"
#include "rivet/encoding.h"

#define RAM_BASE 0x80000000ull
#define RAM_SIZE (4ull << 20)
#define DEV_BASE 0x10000000ull
#define TABLES   (RAM_BASE + (2ull << 20)) /* page tables are allocated from here */
#define DATA     (RAM_BASE + (1ull << 20)) /* data pages the tests map */

static struct bus bus;
static struct mmu mmu;
static uint64_t next_table;
static int ncode_writes;
static uint32_t dev_reg;

static void on_code_write(void *opaque, uint64_t paddr, uint64_t len) { ncode_writes++; }

static bus_status dev_read(void *opaque, uint64_t offset, unsigned size, uint64_t *value)
{
    *value = dev_reg;
    return BUS_OK;
}

static bus_status dev_write(void *opaque, uint64_t offset, unsigned size, uint64_t value)
{
    dev_reg = (uint32_t)value;
    return BUS_OK;
}

static void setup(void)
{
    ck_assert(bus_init(&bus, RAM_BASE, RAM_SIZE));
    static const struct mmio_region dev = {
        /* clang-format off */
        .name = "dev", .base = DEV_BASE, .size = 0x1000, .min_access = 4, .max_access = 4,
        .read = dev_read, .write = dev_write,
        /* clang-format on */
    };
    ck_assert(bus_add_region(&bus, &dev));
    bus.code_write = on_code_write;
    ncode_writes = 0;
    dev_reg = 0;
    mmu_init(&mmu, &bus);
    next_table = TABLES;
}

static void teardown(void) { bus_destroy(&bus); }

/* ---- page-table building helpers ---- */

static uint64_t rd64(uint64_t pa) { return load_le(bus_ram_ptr(&bus, pa, 8), 8); }
static void wr64(uint64_t pa, uint64_t v) { store_le(bus_ram_ptr(&bus, pa, 8), 8, v); }

static uint64_t alloc_table(void)
{
    uint64_t t = next_table;
    next_table += PAGE_SIZE;
    return t;
}

static uint64_t make_pte(uint64_t pa, uint64_t flags) { return ((pa >> PAGE_SHIFT) << PTE_PPN_SHIFT) | flags; }

/* A root table and satp for a mode of `levels` levels. */
static uint64_t root;
static int levels;

static void use_mode(int nlevels)
{
    static const uint64_t modes[] = { [3] = SATP_MODE_SV39, [4] = SATP_MODE_SV48, [5] = SATP_MODE_SV57 };
    levels = nlevels;
    root = alloc_table();
    mmu.satp = (modes[nlevels] << SATP_MODE_SHIFT) | (root >> PAGE_SHIFT);
    mmu.priv = mmu.ls_priv = PRV_S;
    mmu_flush(&mmu);
}

/* Maps va to pa with a leaf at `level` (0 = 4 KiB page); returns the PTE address. */
static uint64_t map(uint64_t va, uint64_t pa, int level, uint64_t flags)
{
    uint64_t table = root;
    for (int i = levels - 1; i > level; i--) {
        uint64_t slot = table + ((va >> (PAGE_SHIFT + 9 * i)) & 0x1ff) * 8;
        uint64_t pte = rd64(slot);
        if (!(pte & PTE_V)) {
            pte = make_pte(alloc_table(), PTE_V);
            wr64(slot, pte);
        }
        table = ((pte >> PTE_PPN_SHIFT) & PTE_PPN_MASK) << PAGE_SHIFT;
    }
    uint64_t slot = table + ((va >> (PAGE_SHIFT + 9 * level)) & 0x1ff) * 8;
    wr64(slot, make_pte(pa, flags));
    return slot;
}

#define RWX_AD (PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D)

static int translate(uint64_t va, enum mmu_access acc, uint64_t *pa, uint64_t *tval)
{
    *pa = 0;
    *tval = 0;
    return mmu_translate(&mmu, va, acc, 1, pa, tval);
}

static void expect_pa(uint64_t va, enum mmu_access acc, uint64_t want)
{
    uint64_t pa, tval;
    ck_assert_int_eq(translate(va, acc, &pa, &tval), 0);
    ck_assert_uint_eq(pa, want);
}

static void expect_fault(uint64_t va, enum mmu_access acc, int cause)
{
    uint64_t pa, tval;
    ck_assert_int_eq(translate(va, acc, &pa, &tval), cause);
    ck_assert_uint_eq(tval, va);
}

static const int page_faults[] = { CAUSE_FETCH_PAGE_FAULT, CAUSE_LOAD_PAGE_FAULT, CAUSE_STORE_PAGE_FAULT };
static const int access_faults[] = { CAUSE_FETCH_ACCESS, CAUSE_LOAD_ACCESS, CAUSE_STORE_ACCESS };

/* ---- translation ---- */

START_TEST(test_bare_and_m_mode)
{
    mmu.priv = mmu.ls_priv = PRV_S;
    expect_pa(0x1234, ACC_LOAD, 0x1234);
    /* M-mode is never translated, whatever satp says. */
    use_mode(3);
    mmu.priv = mmu.ls_priv = PRV_M;
    expect_pa(RAM_BASE + 8, ACC_STORE, RAM_BASE + 8);
    /* Fetch uses priv, loads and stores ls_priv (MPRV). */
    mmu.ls_priv = PRV_S;
    expect_pa(RAM_BASE + 8, ACC_FETCH, RAM_BASE + 8);
    expect_fault(RAM_BASE + 8, ACC_LOAD, CAUSE_LOAD_PAGE_FAULT);
}
END_TEST

/* 4 KiB pages and a superpage at every level of the mode, plus a misaligned
 * superpage at every superpage level. Runs for Sv39, Sv48 and Sv57. */
START_TEST(test_modes)
{
    int n = 3 + _i;
    use_mode(n);
    uint64_t va = 0x40201000ull + 0x123;
    map(va, DATA, 0, RWX_AD);
    for (int acc = ACC_FETCH; acc <= ACC_STORE; acc++)
        expect_pa(va, acc, DATA + 0x123);
    for (int level = 1; level < n; level++) {
        unsigned shift = PAGE_SHIFT + 9 * level;
        uint64_t sva = (uint64_t)(level + 1) << (shift + 1); /* a fresh top-level slot region */
        uint64_t spa = 1ull << (shift + 2);                  /* aligned to the superpage */
        uint64_t off = (1ull << shift) - 8;
        map(sva, spa, level, RWX_AD);
        expect_pa(sva + off, ACC_LOAD, spa + off);
        /* Misaligned superpage: PPN bits below the level are not zero. */
        uint64_t mva = sva + (2ull << shift);
        map(mva, spa + PAGE_SIZE, level, RWX_AD);
        for (int acc = ACC_FETCH; acc <= ACC_STORE; acc++)
            expect_fault(mva, acc, page_faults[acc]);
    }
}
END_TEST

START_TEST(test_non_canonical)
{
    static const int top_bit[] = { [3] = 38, [4] = 47, [5] = 56 };
    int n = 3 + _i;
    use_mode(n);
    uint64_t neg = ~0ull << top_bit[n]; /* canonical: all upper bits copy the top */
    map(neg, DATA, 0, RWX_AD);
    expect_pa(neg + 5, ACC_LOAD, DATA + 5);
    /* Top va bit clear but a higher bit set, and vice versa. */
    expect_fault(1ull << (top_bit[n] + 1), ACC_LOAD, CAUSE_LOAD_PAGE_FAULT);
    expect_fault(neg & ~(1ull << 63), ACC_STORE, CAUSE_STORE_PAGE_FAULT);
    expect_fault(neg ^ (1ull << top_bit[n]), ACC_FETCH, CAUSE_FETCH_PAGE_FAULT);
}
END_TEST

START_TEST(test_invalid_ptes)
{
    use_mode(3);
    static const uint64_t bad[] = {
        PTE_R | PTE_A,                 /* V = 0 */
        PTE_V | PTE_W | PTE_A | PTE_D, /* W without R */
        PTE_V | PTE_W | PTE_X | PTE_A, /* W without R */
        RWX_AD | (1ull << 54),         /* reserved */
        RWX_AD | (1ull << 60),
        RWX_AD | (1ull << 61), /* PBMT */
        RWX_AD | PTE_N,        /* Svnapot absent */
    };
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        uint64_t va = 0x10000 + i * PAGE_SIZE;
        map(va, DATA, 0, bad[i]);
        for (int acc = ACC_FETCH; acc <= ACC_STORE; acc++)
            expect_fault(va, acc, page_faults[acc]);
    }
    /* Unmapped, and a pointer PTE at the last level. */
    expect_fault(0x7000000, ACC_LOAD, CAUSE_LOAD_PAGE_FAULT);
    uint64_t va = 0x20000;
    map(va, alloc_table(), 0, PTE_V);
    expect_fault(va, ACC_STORE, CAUSE_STORE_PAGE_FAULT);
}
END_TEST

START_TEST(test_pte_outside_ram)
{
    use_mode(4);
    uint64_t va = 0x5000;
    /* Root entry points at a table in the MMIO device, then outside everything. */
    wr64(root, make_pte(DEV_BASE, PTE_V));
    for (int acc = ACC_FETCH; acc <= ACC_STORE; acc++)
        expect_fault(va, acc, access_faults[acc]);
    wr64(root, make_pte(0x4000000000ull, PTE_V));
    expect_fault(va, ACC_LOAD, CAUSE_LOAD_ACCESS);
}
END_TEST

START_TEST(test_permissions)
{
    use_mode(3);
    uint64_t ro = 0x1000, xo = 0x2000, wr = 0x3000;
    map(ro, DATA, 0, PTE_V | PTE_R | PTE_A | PTE_D);
    map(xo, DATA, 0, PTE_V | PTE_X | PTE_A);
    map(wr, DATA, 0, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D);
    expect_pa(ro, ACC_LOAD, DATA);
    expect_fault(ro, ACC_STORE, CAUSE_STORE_PAGE_FAULT);
    expect_fault(ro, ACC_FETCH, CAUSE_FETCH_PAGE_FAULT);
    expect_pa(xo, ACC_FETCH, DATA);
    expect_fault(xo, ACC_LOAD, CAUSE_LOAD_PAGE_FAULT);
    mmu.mxr = true; /* make executable readable */
    expect_pa(xo, ACC_LOAD, DATA);
    expect_fault(xo, ACC_STORE, CAUSE_STORE_PAGE_FAULT);
    expect_pa(wr, ACC_STORE, DATA);
    expect_fault(wr, ACC_FETCH, CAUSE_FETCH_PAGE_FAULT);
}
END_TEST

START_TEST(test_user_pages)
{
    use_mode(3);
    uint64_t up = 0x1000, sp = 0x2000;
    map(up, DATA, 0, RWX_AD | PTE_U);
    map(sp, DATA, 0, RWX_AD);
    /* S-mode: U pages only with SUM, and never executable. */
    expect_fault(up, ACC_LOAD, CAUSE_LOAD_PAGE_FAULT);
    expect_fault(up, ACC_STORE, CAUSE_STORE_PAGE_FAULT);
    expect_fault(up, ACC_FETCH, CAUSE_FETCH_PAGE_FAULT);
    mmu.sum = true;
    expect_pa(up, ACC_LOAD, DATA);
    expect_pa(up, ACC_STORE, DATA);
    expect_fault(up, ACC_FETCH, CAUSE_FETCH_PAGE_FAULT);
    /* U-mode: only U pages, SUM irrelevant. */
    mmu.priv = mmu.ls_priv = PRV_U;
    for (int acc = ACC_FETCH; acc <= ACC_STORE; acc++) {
        expect_pa(up, acc, DATA);
        expect_fault(sp, acc, page_faults[acc]);
    }
}
END_TEST

START_TEST(test_accessed_dirty)
{
    use_mode(3);
    uint64_t va = 0x1000;
    uint64_t slot = map(va, DATA, 0, PTE_V | PTE_R | PTE_W | PTE_X);
    expect_pa(va, ACC_LOAD, DATA);
    ck_assert_uint_eq(rd64(slot) & (PTE_A | PTE_D), PTE_A);
    wr64(slot, make_pte(DATA, PTE_V | PTE_R | PTE_W));
    expect_pa(va, ACC_STORE, DATA);
    ck_assert_uint_eq(rd64(slot) & (PTE_A | PTE_D), PTE_A | PTE_D);
    /* A fault sets nothing. */
    wr64(slot, make_pte(DATA, PTE_V | PTE_R));
    expect_fault(va, ACC_STORE, CAUSE_STORE_PAGE_FAULT);
    ck_assert_uint_eq(rd64(slot), make_pte(DATA, PTE_V | PTE_R));
    /* A PTE in a code page tells the code cache. */
    bus.page_flags[(slot - RAM_BASE) >> PAGE_SHIFT] = BUS_PAGE_CODE;
    expect_pa(va, ACC_LOAD, DATA);
    ck_assert_int_eq(ncode_writes, 1);
}
END_TEST

/* ---- PMP ---- */

static void pmp_set(int i, uint8_t cfg, uint64_t addr)
{
    mmu.pmpcfg[i] = cfg;
    mmu.pmpaddr[i] = addr;
    mmu_flush(&mmu); /* the contract for PMP changes (mmu.h) */
}

static uint64_t napot(uint64_t base, uint64_t size) { return (base + size / 2 - 1) >> 2; }

START_TEST(test_pmp_no_entries)
{
    for (int p = PRV_U; p <= PRV_M; p++)
        ck_assert(pmp_allows(&mmu, RAM_BASE, 8, ACC_STORE, p));
    /* One active entry: an S/U access matching nothing fails, M succeeds. */
    pmp_set(0, PMP_A_NA4 | PMP_R, RAM_BASE >> 2);
    ck_assert(!pmp_allows(&mmu, RAM_BASE + 8, 4, ACC_LOAD, PRV_S));
    ck_assert(!pmp_allows(&mmu, RAM_BASE + 8, 4, ACC_LOAD, PRV_U));
    ck_assert(pmp_allows(&mmu, RAM_BASE + 8, 4, ACC_LOAD, PRV_M));
    ck_assert(pmp_allows(&mmu, RAM_BASE, 4, ACC_LOAD, PRV_S));
    ck_assert(!pmp_allows(&mmu, ~0ull - 2, 8, ACC_LOAD, PRV_M)); /* wraps */
}
END_TEST

START_TEST(test_pmp_tor)
{
    /* Entry 0 TOR: [0, RAM_BASE + 0x1000) read-only; entry 1 TOR: up to +0x3000 RW. */
    pmp_set(0, PMP_A_TOR | PMP_R, (RAM_BASE + 0x1000) >> 2);
    pmp_set(1, PMP_A_TOR | PMP_R | PMP_W, (RAM_BASE + 0x3000) >> 2);
    ck_assert(pmp_allows(&mmu, 0, 8, ACC_LOAD, PRV_S));
    ck_assert(pmp_allows(&mmu, RAM_BASE + 0xff8, 8, ACC_LOAD, PRV_U));
    ck_assert(!pmp_allows(&mmu, RAM_BASE + 0xff8, 8, ACC_STORE, PRV_S));
    ck_assert(!pmp_allows(&mmu, RAM_BASE + 0xff8, 8, ACC_FETCH, PRV_S));
    ck_assert(pmp_allows(&mmu, RAM_BASE + 0x1000, 8, ACC_STORE, PRV_S));
    ck_assert(pmp_allows(&mmu, RAM_BASE + 0x2ff8, 8, ACC_STORE, PRV_S));
    ck_assert(!pmp_allows(&mmu, RAM_BASE + 0x3000, 1, ACC_LOAD, PRV_S));
    /* Straddling the boundary of entry 0: partial match fails. */
    ck_assert(!pmp_allows(&mmu, RAM_BASE + 0xffc, 8, ACC_LOAD, PRV_S));
    /* TOR with top <= bottom matches nothing. */
    pmp_set(2, PMP_A_TOR | PMP_R, (RAM_BASE + 0x2000) >> 2);
    ck_assert(pmp_allows(&mmu, RAM_BASE + 0x2000, 4, ACC_STORE, PRV_S));
}
END_TEST

START_TEST(test_pmp_na4_napot_priority)
{
    pmp_set(0, PMP_A_NA4, (RAM_BASE + 0x100) >> 2);                     /* 4 bytes, no access */
    pmp_set(1, PMP_A_NAPOT | PMP_R | PMP_X, napot(RAM_BASE, 0x2000));   /* 8 KiB RX */
    ck_assert(!pmp_allows(&mmu, RAM_BASE + 0x100, 4, ACC_LOAD, PRV_S)); /* entry 0 wins */
    ck_assert(!pmp_allows(&mmu, RAM_BASE + 0x100, 8, ACC_LOAD, PRV_S)); /* partial on 0 */
    ck_assert(!pmp_allows(&mmu, RAM_BASE + 0xfc, 8, ACC_LOAD, PRV_S));
    ck_assert(pmp_allows(&mmu, RAM_BASE + 0x104, 4, ACC_LOAD, PRV_S));
    ck_assert(pmp_allows(&mmu, RAM_BASE + 0x1ff8, 8, ACC_FETCH, PRV_U));
    ck_assert(!pmp_allows(&mmu, RAM_BASE + 0x1ff8, 8, ACC_STORE, PRV_U));
    ck_assert(!pmp_allows(&mmu, RAM_BASE + 0x1ffc, 8, ACC_LOAD, PRV_S)); /* crosses the top */
    ck_assert(!pmp_allows(&mmu, RAM_BASE + 0x2000, 4, ACC_LOAD, PRV_S));
    ck_assert(!pmp_allows(&mmu, RAM_BASE - 4, 4, ACC_LOAD, PRV_S));
    ck_assert(pmp_allows(&mmu, RAM_BASE, PAGE_SIZE * 2, ACC_LOAD, PRV_S) == false); /* hits NA4 */
    ck_assert(pmp_allows(&mmu, RAM_BASE + PAGE_SIZE, PAGE_SIZE, ACC_LOAD, PRV_S));
    /* NAPOT of the smallest size (8 bytes) and of the whole address space. */
    pmp_set(2, PMP_A_NAPOT | PMP_W, napot(DEV_BASE, 8));
    ck_assert(pmp_allows(&mmu, DEV_BASE + 4, 4, ACC_STORE, PRV_S));
    ck_assert(!pmp_allows(&mmu, DEV_BASE + 8, 4, ACC_STORE, PRV_S));
    pmp_set(3, PMP_A_NAPOT | PMP_R, ~0ull);
    ck_assert(pmp_allows(&mmu, DEV_BASE + 8, 4, ACC_LOAD, PRV_S));
    ck_assert(pmp_allows(&mmu, 0xfffffffffff000ull, 4, ACC_LOAD, PRV_S));
}
END_TEST

START_TEST(test_pmp_lock_m_mode)
{
    pmp_set(0, PMP_A_NAPOT | PMP_R, napot(RAM_BASE, PAGE_SIZE));
    ck_assert(pmp_allows(&mmu, RAM_BASE, 8, ACC_STORE, PRV_M)); /* unlocked: M ignores */
    ck_assert(!pmp_allows(&mmu, RAM_BASE, 8, ACC_STORE, PRV_S));
    mmu.pmpcfg[0] |= PMP_L;
    mmu_flush(&mmu);
    ck_assert(!pmp_allows(&mmu, RAM_BASE, 8, ACC_STORE, PRV_M));
    ck_assert(!pmp_allows(&mmu, RAM_BASE, 8, ACC_FETCH, PRV_M));
    ck_assert(pmp_allows(&mmu, RAM_BASE, 8, ACC_LOAD, PRV_M));
    ck_assert(!pmp_allows(&mmu, RAM_BASE + 0xffc, 8, ACC_LOAD, PRV_M)); /* partial, even in M */
    /* Through the slow path: the M-mode store faults and writes nothing. */
    uint64_t tval;
    ck_assert_int_eq(mmu_store(&mmu, RAM_BASE + 16, 8, 1, &tval), CAUSE_STORE_ACCESS);
    ck_assert_uint_eq(tval, RAM_BASE + 16);
    ck_assert_uint_eq(rd64(RAM_BASE + 16), 0);
}
END_TEST

START_TEST(test_pmp_in_translation)
{
    use_mode(3);
    uint64_t va = 0x1000;
    map(va, DATA, 0, RWX_AD);
    /* Data page read-only by PMP, everything else allowed. */
    pmp_set(0, PMP_A_NAPOT | PMP_R, napot(DATA, PAGE_SIZE));
    pmp_set(1, PMP_A_NAPOT | PMP_R | PMP_W | PMP_X, ~0ull);
    expect_pa(va, ACC_LOAD, DATA);
    expect_fault(va, ACC_STORE, CAUSE_STORE_ACCESS);
    expect_fault(va, ACC_FETCH, CAUSE_FETCH_ACCESS);
    /* Page tables unreadable to S-mode: the walk fails with an access fault
     * of the original type, even for M-mode loads with MPRV (ls_priv = S). */
    pmp_set(0, PMP_A_NAPOT, napot(TABLES, 1ull << 20));
    mmu.priv = PRV_M;
    mmu.ls_priv = PRV_S;
    expect_fault(va, ACC_LOAD, CAUSE_LOAD_ACCESS);
    expect_fault(va, ACC_STORE, CAUSE_STORE_ACCESS);
    expect_pa(va, ACC_FETCH, va); /* M-mode fetch: untranslated */
    /* Readable but not writable tables: the A/D update is a store. */
    pmp_set(0, PMP_A_NAPOT | PMP_R, napot(TABLES, 1ull << 20));
    uint64_t slot = map(0x2000, DATA, 0, PTE_V | PTE_R | PTE_W);
    expect_fault(0x2000, ACC_LOAD, CAUSE_LOAD_ACCESS);
    ck_assert_uint_eq(rd64(slot) & PTE_A, 0);
    expect_pa(va, ACC_LOAD, DATA); /* A and D already set: no write needed */
}
END_TEST

/* ---- slow paths and the TLB ---- */

START_TEST(test_tlb_fill_and_flush)
{
    use_mode(3);
    uint64_t va = 0x1000, tval, v;
    uint64_t slot = map(va, DATA, 0, RWX_AD);
    wr64(DATA + 8, 0x1111);
    wr64(DATA + PAGE_SIZE + 8, 0x2222);
    ck_assert_int_eq(mmu_load(&mmu, va + 8, 8, &v, &tval), 0);
    ck_assert_uint_eq(v, 0x1111);
    ck_assert_uint_eq(mmu.tlb_load[tlb_index(va)].tag, va);
    ck_assert_uint_eq(mmu.tlb_store[tlb_index(va)].tag, TLB_INVALID);
    ck_assert_int_eq(mmu_store(&mmu, va + 16, 4, 0xabcd, &tval), 0);
    ck_assert_uint_eq(mmu.tlb_store[tlb_index(va)].tag, va);
    ck_assert_uint_eq(rd64(DATA + 16), 0xabcd);
    /* Remap without a flush: the TLB still holds the old page. */
    wr64(slot, make_pte(DATA + PAGE_SIZE, RWX_AD));
    ck_assert_int_eq(mmu_load(&mmu, va + 8, 8, &v, &tval), 0);
    ck_assert_uint_eq(v, 0x1111);
    mmu_flush(&mmu);
    ck_assert_int_eq(mmu_load(&mmu, va + 8, 8, &v, &tval), 0);
    ck_assert_uint_eq(v, 0x2222);
    /* Unmap and flush: page fault. */
    wr64(slot, 0);
    mmu_flush(&mmu);
    ck_assert_int_eq(mmu_load(&mmu, va + 8, 8, &v, &tval), CAUSE_LOAD_PAGE_FAULT);
    ck_assert_uint_eq(tval, va + 8);
}
END_TEST

/* SFENCE.VMA with an address: that page goes, the others stay cached. */
START_TEST(test_flush_page)
{
    use_mode(3);
    uint64_t a = 0x1000, b = 0x5000, tval, v;
    uint64_t slot = map(a, DATA, 0, RWX_AD);
    map(b, DATA + 2 * PAGE_SIZE, 0, RWX_AD);
    wr64(DATA, 0x1111);
    wr64(DATA + PAGE_SIZE, 0x2222);
    ck_assert_int_eq(mmu_load(&mmu, a, 8, &v, &tval), 0);
    ck_assert_int_eq(mmu_load(&mmu, b, 8, &v, &tval), 0);
    wr64(slot, make_pte(DATA + PAGE_SIZE, RWX_AD));
    mmu_flush_page(&mmu, b);
    ck_assert_int_eq(mmu_load(&mmu, a, 8, &v, &tval), 0);
    ck_assert_uint_eq(v, 0x1111); /* a is still cached */
    ck_assert_int_eq(mmu_load(&mmu, b, 8, &v, &tval), 0);
    mmu_flush_page(&mmu, a + 8);
    ck_assert_uint_eq(mmu.tlb_load[tlb_index(b)].tag, b);
    ck_assert_int_eq(mmu_load(&mmu, a, 8, &v, &tval), 0);
    ck_assert_uint_eq(v, 0x2222);
}
END_TEST

/* A superpage is cached in 4 KiB pieces under one leaf PTE: a flush of any
 * address in it must drop every piece. */
START_TEST(test_flush_page_superpage)
{
    use_mode(3);
    uint64_t va = 0x40000000ull, tval, v; /* a 2 MiB page at RAM_BASE */
    uint64_t slot = map(va, RAM_BASE, 1, RWX_AD);
    ck_assert_int_eq(mmu_load(&mmu, va + 3 * PAGE_SIZE, 8, &v, &tval), 0);
    wr64(slot, 0);
    mmu_flush_page(&mmu, va + 5 * PAGE_SIZE);
    ck_assert_int_eq(mmu_load(&mmu, va + 3 * PAGE_SIZE, 8, &v, &tval), CAUSE_LOAD_PAGE_FAULT);
}
END_TEST

/* A flush clears the entries filled since the last one, from its log, or
 * everything once more were filled than the log holds. */
START_TEST(test_flush_few_and_many)
{
    use_mode(3);
    uint64_t tval, v;
    for (unsigned n = 0; n < 2; n++) {
        unsigned pages = n == 0 ? 3 : TLB_FILL_LOG + 40;
        for (unsigned i = 0; i < pages; i++) {
            uint64_t va = 0x100000ull + (uint64_t)i * PAGE_SIZE;
            map(va, DATA + (i % 8) * PAGE_SIZE, 0, RWX_AD);
            ck_assert_int_eq(mmu_load(&mmu, va, 8, &v, &tval), 0);
            ck_assert_uint_eq(mmu.tlb_load[tlb_index(va)].tag, va);
        }
        mmu_flush(&mmu);
        for (unsigned i = 0; i < pages; i++) {
            uint64_t va = 0x100000ull + (uint64_t)i * PAGE_SIZE;
            ck_assert_uint_ne(mmu.tlb_load[tlb_index(va)].tag, va);
        }
    }
}
END_TEST

/* Two pages TLB_ENTRIES pages apart share a TLB entry: the one pushed out is
 * kept among the victims and swapped back on its next access, without a
 * walk; flushes of every kind reach the victims too. */
START_TEST(test_victims)
{
    use_mode(3);
    uint64_t a = 0x100000ull, b = a + (uint64_t)TLB_ENTRIES * PAGE_SIZE, tval, v;
    ck_assert_uint_eq(tlb_index(a), tlb_index(b));
    uint64_t sa = map(a, DATA, 0, RWX_AD), sb = map(b, DATA + PAGE_SIZE, 0, RWX_AD);
    wr64(DATA, 0xaaaa);
    wr64(DATA + PAGE_SIZE, 0xbbbb);
    ck_assert_int_eq(mmu_load(&mmu, a, 8, &v, &tval), 0);
    ck_assert_int_eq(mmu_load(&mmu, b, 8, &v, &tval), 0);
    ck_assert_uint_eq(v, 0xbbbb);
    ck_assert_uint_eq(mmu.tlb_load[tlb_index(a)].tag, b);
    /* a is served from the victims even with its PTE gone: no walk. */
    wr64(sa, 0);
    ck_assert_int_eq(mmu_load(&mmu, a, 8, &v, &tval), 0);
    ck_assert_uint_eq(v, 0xaaaa);
    ck_assert_uint_eq(mmu.tlb_load[tlb_index(a)].tag, a); /* swapped back */
    /* A page fence on b, now a victim, reaches it. */
    wr64(sb, 0);
    mmu_flush_page(&mmu, b);
    ck_assert_int_eq(mmu_load(&mmu, b, 8, &v, &tval), CAUSE_LOAD_PAGE_FAULT);
    /* A full flush reaches victims. */
    wr64(sb, make_pte(DATA + PAGE_SIZE, RWX_AD));
    ck_assert_int_eq(mmu_load(&mmu, b, 8, &v, &tval), 0); /* b in front, a behind */
    mmu_flush(&mmu);
    ck_assert_int_eq(mmu_load(&mmu, a, 8, &v, &tval), CAUSE_LOAD_PAGE_FAULT);
    /* Stores: a page that becomes code leaves the store victims too. */
    wr64(sa, make_pte(DATA, RWX_AD));
    ck_assert_int_eq(mmu_store(&mmu, a, 8, 1, &tval), 0);
    ck_assert_int_eq(mmu_store(&mmu, b, 8, 2, &tval), 0); /* a now a store victim */
    bus.page_flags[(DATA - RAM_BASE) >> PAGE_SHIFT] = BUS_PAGE_CODE;
    mmu_flush_store(&mmu);
    int before = ncode_writes;
    ck_assert_int_eq(mmu_store(&mmu, a, 8, 3, &tval), 0);
    ck_assert_int_eq(ncode_writes, before + 1); /* it went to the bus, which told the cache */
    ck_assert_uint_eq(rd64(DATA), 3);
}
END_TEST

START_TEST(test_tlb_not_filled)
{
    use_mode(3);
    uint64_t tval, v;
    /* A page PMP allows only in part is checked on every access. */
    map(0x1000, DATA, 0, RWX_AD);
    pmp_set(0, PMP_A_NAPOT | PMP_R, napot(DATA, 2048));
    pmp_set(1, PMP_A_NAPOT | PMP_R | PMP_W, napot(TABLES, 1ull << 20));
    ck_assert_int_eq(mmu_load(&mmu, 0x1000, 8, &v, &tval), 0);
    ck_assert_uint_eq(mmu.tlb_load[tlb_index(0x1000)].tag, TLB_INVALID);
    ck_assert_int_eq(mmu_load(&mmu, 0x1800, 8, &v, &tval), CAUSE_LOAD_ACCESS);
    pmp_set(0, 0, 0);
    pmp_set(1, 0, 0);
    /* Stores to code pages never enter the store TLB and reach the hook. */
    map(0x2000, DATA + PAGE_SIZE, 0, RWX_AD);
    bus.page_flags[(DATA + PAGE_SIZE - RAM_BASE) >> PAGE_SHIFT] = BUS_PAGE_CODE;
    ck_assert_int_eq(mmu_store(&mmu, 0x2008, 8, 42, &tval), 0);
    ck_assert_int_eq(mmu_store(&mmu, 0x2010, 8, 43, &tval), 0);
    ck_assert_uint_eq(mmu.tlb_store[tlb_index(0x2000)].tag, TLB_INVALID);
    ck_assert_int_eq(ncode_writes, 2);
    ck_assert_uint_eq(rd64(DATA + PAGE_SIZE + 0x10), 43);
    ck_assert_int_eq(mmu_load(&mmu, 0x2008, 8, &v, &tval), 0); /* loads are fine */
    ck_assert_uint_eq(mmu.tlb_load[tlb_index(0x2000)].tag, 0x2000);
    /* mmu_flush_store drops store entries only. */
    ck_assert_int_eq(mmu_store(&mmu, 0x1000, 8, 1, &tval), 0);
    mmu_flush_store(&mmu);
    ck_assert_uint_eq(mmu.tlb_store[tlb_index(0x1000)].tag, TLB_INVALID);
    ck_assert_uint_eq(mmu.tlb_load[tlb_index(0x2000)].tag, 0x2000);
}
END_TEST

START_TEST(test_misaligned)
{
    use_mode(3);
    uint64_t tval, v;
    map(0x1000, DATA, 0, RWX_AD);
    map(0x2000, DATA + 3 * PAGE_SIZE, 0, RWX_AD); /* not contiguous with DATA */
    wr64(DATA + 0xff8, 0x8877665544332211ull);
    wr64(DATA + 3 * PAGE_SIZE, 0xffeeddccbbaa9988ull);
    ck_assert_int_eq(mmu_load(&mmu, 0x1ffc, 8, &v, &tval), 0);
    ck_assert_uint_eq(v, 0xbbaa998888776655ull);
    ck_assert_int_eq(mmu_load(&mmu, 0x1001, 2, &v, &tval), 0);
    ck_assert_uint_eq(v, 0);
    ck_assert_int_eq(mmu_store(&mmu, 0x1ffe, 4, 0x01020304, &tval), 0);
    ck_assert_uint_eq(rd64(DATA + 0xff8) >> 48, 0x0304);
    ck_assert_uint_eq(rd64(DATA + 3 * PAGE_SIZE) & 0xffff, 0x0102);
    /* Second page read-only: the store faults on it and writes nothing. */
    map(0x2000, DATA + 3 * PAGE_SIZE, 0, PTE_V | PTE_R | PTE_A);
    mmu_flush(&mmu);
    ck_assert_int_eq(mmu_store(&mmu, 0x1ffc, 8, ~0ull, &tval), CAUSE_STORE_PAGE_FAULT);
    ck_assert_uint_eq(tval, 0x2000); /* the faulting portion (priv. 3.1.16) */
    ck_assert_uint_eq(rd64(DATA + 0xff8), 0x0304665544332211ull);
    /* Misaligned MMIO with a device taking only words: access fault. */
    mmu.priv = mmu.ls_priv = PRV_M;
    ck_assert_int_eq(mmu_store(&mmu, DEV_BASE + 2, 4, 5, &tval), CAUSE_STORE_ACCESS);
    ck_assert_uint_eq(tval, DEV_BASE + 2);
    ck_assert_uint_eq(dev_reg, 0);
}
END_TEST

START_TEST(test_mmio_through_mmu)
{
    uint64_t tval, v;
    mmu.priv = mmu.ls_priv = PRV_M;
    ck_assert_int_eq(mmu_store(&mmu, DEV_BASE + 4, 4, 0x55, &tval), 0);
    ck_assert_uint_eq(dev_reg, 0x55);
    ck_assert_int_eq(mmu_load(&mmu, DEV_BASE, 4, &v, &tval), 0);
    ck_assert_uint_eq(v, 0x55);
    ck_assert_uint_eq(mmu.tlb_load[tlb_index(DEV_BASE)].tag, TLB_INVALID);
    ck_assert_int_eq(mmu_load(&mmu, DEV_BASE, 8, &v, &tval), CAUSE_LOAD_ACCESS);
    ck_assert_uint_eq(tval, DEV_BASE);
    ck_assert_int_eq(mmu_load(&mmu, 0x1000, 1, &v, &tval), CAUSE_LOAD_ACCESS);
    ck_assert_int_eq(mmu_store(&mmu, 0x1000, 1, 0, &tval), CAUSE_STORE_ACCESS);
}
END_TEST

START_TEST(test_fetch_slow)
{
    use_mode(3);
    uint64_t pa, tval;
    uint8_t *host;
    map(0x1000, DATA, 0, PTE_V | PTE_X | PTE_A);
    map(0x2000, DEV_BASE, 0, PTE_V | PTE_X | PTE_A);
    ck_assert_int_eq(mmu_fetch_slow(&mmu, 0x1010, &pa, &host, &tval), 0);
    ck_assert_uint_eq(pa, DATA + 0x10);
    ck_assert_ptr_eq(host, bus_ram_ptr(&bus, DATA + 0x10, 1));
    ck_assert_uint_eq(mmu.tlb_fetch[tlb_index(0x1000)].tag, 0x1000);
    ck_assert_uint_eq(0x1010 + mmu.tlb_fetch[tlb_index(0x1000)].addend, (uintptr_t)host);
    ck_assert_int_eq(mmu_fetch_slow(&mmu, 0x2000, &pa, &host, &tval), CAUSE_FETCH_ACCESS);
    ck_assert_ptr_null(host);
    ck_assert_uint_eq(tval, 0x2000);
    ck_assert_int_eq(mmu_fetch_slow(&mmu, 0x3000, &pa, &host, &tval), CAUSE_FETCH_PAGE_FAULT);
    ck_assert_uint_eq(tval, 0x3000);
}
END_TEST

/* A region with fetchable bytes (the boot ROM) can be executed, without a
 * TLB entry; its last two bytes cannot start a fetch. */
START_TEST(test_fetch_rom)
{
    static const uint8_t rom_bytes[0x1000] = { 0x97, 0x02, 0x00, 0x00 };
    const struct mmio_region rom = {
        /* clang-format off */
        .name = "rom", .base = 0x1000, .size = sizeof rom_bytes, .min_access = 1, .max_access = 8,
        .read = dev_read, .write = dev_write, .fetch = rom_bytes,
        /* clang-format on */
    };
    ck_assert(bus_add_region(&bus, &rom));
    uint64_t pa, tval;
    uint8_t *host;
    ck_assert_int_eq(mmu_fetch_slow(&mmu, 0x1000, &pa, &host, &tval), 0);
    ck_assert_ptr_eq(host, rom_bytes);
    ck_assert_uint_ne(mmu.tlb_fetch[tlb_index(0x1000)].tag, 0x1000);
    ck_assert_int_eq(mmu_fetch_slow(&mmu, 0x1ffc, &pa, &host, &tval), 0);
    ck_assert_ptr_eq(host, rom_bytes + 0xffc);
    ck_assert_int_eq(mmu_fetch_slow(&mmu, 0x1ffe, &pa, &host, &tval), CAUSE_FETCH_ACCESS);
    ck_assert_uint_eq(tval, 0x1ffe);
    /* A region without fetchable bytes is still an access fault. */
    ck_assert_int_eq(mmu_fetch_slow(&mmu, DEV_BASE, &pa, &host, &tval), CAUSE_FETCH_ACCESS);
}
END_TEST

START_TEST(test_atomic_ptr)
{
    use_mode(3);
    uint64_t tval;
    uint8_t *host;
    map(0x1000, DATA, 0, RWX_AD);
    map(0x2000, DATA, 0, PTE_V | PTE_R | PTE_A);
    map(0x3000, DEV_BASE, 0, RWX_AD);
    ck_assert_int_eq(mmu_atomic_ptr(&mmu, 0x1008, 8, ACC_STORE, &host, &tval), 0);
    ck_assert_ptr_eq(host, bus_ram_ptr(&bus, DATA + 8, 8));
    ck_assert_int_eq(mmu_atomic_ptr(&mmu, 0x2008, 8, ACC_STORE, &host, &tval), CAUSE_STORE_PAGE_FAULT);
    ck_assert_int_eq(mmu_atomic_ptr(&mmu, 0x2008, 8, ACC_LOAD, &host, &tval), 0);
    ck_assert_int_eq(mmu_atomic_ptr(&mmu, 0x3000, 4, ACC_STORE, &host, &tval), CAUSE_STORE_ACCESS);
    ck_assert_uint_eq(tval, 0x3000);
    ck_assert_int_eq(mmu_atomic_ptr(&mmu, 0x3000, 4, ACC_LOAD, &host, &tval), CAUSE_LOAD_ACCESS);
    /* A code page hears of the coming store; an LR does not write. */
    bus.page_flags[(DATA - RAM_BASE) >> PAGE_SHIFT] = BUS_PAGE_CODE;
    mmu_flush_store(&mmu); /* what the code cache does when a page becomes code */
    ck_assert_int_eq(mmu_atomic_ptr(&mmu, 0x2000, 4, ACC_LOAD, &host, &tval), 0);
    ck_assert_int_eq(ncode_writes, 0);
    ck_assert_int_eq(mmu_atomic_ptr(&mmu, 0x1000, 4, ACC_STORE, &host, &tval), 0);
    ck_assert_int_eq(ncode_writes, 1);
    /* Atomics fill and use the TLB; a hit still needs write permission. */
    bus.page_flags[(DATA - RAM_BASE) >> PAGE_SHIFT] = 0;
    ck_assert_int_eq(mmu_atomic_ptr(&mmu, 0x1010, 8, ACC_STORE, &host, &tval), 0);
    ck_assert_uint_eq(mmu.tlb_store[tlb_index(0x1000)].tag, 0x1000);
    ck_assert_int_eq(mmu_atomic_ptr(&mmu, 0x1010, 8, ACC_STORE, &host, &tval), 0);
    ck_assert_ptr_eq(host, bus_ram_ptr(&bus, DATA + 0x10, 8));
    ck_assert_int_eq(mmu_atomic_ptr(&mmu, 0x2010, 8, ACC_STORE, &host, &tval), CAUSE_STORE_PAGE_FAULT);
}
END_TEST

static Suite *mmu_suite(void)
{
    Suite *s = suite_create("mmu");
    TCase *tc = tcase_create("translate");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_bare_and_m_mode);
    tcase_add_loop_test(tc, test_modes, 0, 3);
    tcase_add_loop_test(tc, test_non_canonical, 0, 3);
    tcase_add_test(tc, test_invalid_ptes);
    tcase_add_test(tc, test_pte_outside_ram);
    tcase_add_test(tc, test_permissions);
    tcase_add_test(tc, test_user_pages);
    tcase_add_test(tc, test_accessed_dirty);
    suite_add_tcase(s, tc);

    tc = tcase_create("pmp");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_pmp_no_entries);
    tcase_add_test(tc, test_pmp_tor);
    tcase_add_test(tc, test_pmp_na4_napot_priority);
    tcase_add_test(tc, test_pmp_lock_m_mode);
    tcase_add_test(tc, test_pmp_in_translation);
    suite_add_tcase(s, tc);

    tc = tcase_create("slow_paths");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_tlb_fill_and_flush);
    tcase_add_test(tc, test_tlb_not_filled);
    tcase_add_test(tc, test_flush_page);
    tcase_add_test(tc, test_flush_page_superpage);
    tcase_add_test(tc, test_flush_few_and_many);
    tcase_add_test(tc, test_victims);
    tcase_add_test(tc, test_misaligned);
    tcase_add_test(tc, test_mmio_through_mmu);
    tcase_add_test(tc, test_fetch_slow);
    tcase_add_test(tc, test_fetch_rom);
    tcase_add_test(tc, test_atomic_ptr);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(mmu_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
