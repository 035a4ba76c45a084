/*
 * Address translation for one hart: Sv39/Sv48/Sv57 page walks, PMP, and the
 * software TLB with its inline fast path.
 *
 * The fast path (mmu_load/mmu_store/mmu_fetch_host below) is one compare of the
 * tag and one add: a TLB entry holds `addend` such that host = vaddr + addend.
 * The tag is the virtual page address; because the compared value keeps the
 * low bits covered by the access size, a misaligned access never matches and
 * falls to the *_slow path, as does a miss, MMIO, or a store to a page flagged
 * CODE or WATCH on the bus (such pages are never entered in the store TLB).
 *
 * Exceptions: every function returns 0 on success or an exception cause
 * (CAUSE_* from rivet/encoding.h) with the trap value stored in *tval.
 *
 * A/D bits: with MMU_WALK_HWAD the walker sets A (and D on a store) itself,
 * with an atomic compare-and-swap on the PTE (Svadu with menvcfg.ADUE);
 * without it, an access that would need them set is a page fault (Svade).
 *
 * Page table extensions (m->walk, from the ISA and menvcfg): MMU_WALK_PBMT
 * lets leaf PTEs carry PBMT 0-2 (Svpbmt with menvcfg.PBMTE; rivet has no
 * caches, so the types change nothing else), MMU_WALK_NAPOT lets 4 KiB
 * leaves with N = 1 and PPN[3:0] = 1000 map 64 KiB (Svnapot). Otherwise
 * those bits are reserved: page fault.
 *
 * Pointer masking (Ssnpm, Smnpm): m->pmlen (0, 7 or 16) is that of the
 * effective load/store privilege; loads, stores, atomics and cache-block
 * operations use the transformed address (upper pmlen bits sign-extended
 * when translated, zeroed when not), and a fault's tval is the transformed
 * address. The TLB keeps such accesses' entries under the untransformed
 * page, so the inline fast path stays one compare; m->pm_tagged then says a
 * page flush must flush everything.
 *
 * Misaligned loads and stores are carried out here (split into byte accesses,
 * each translated and PMP-checked); the guest never sees a misaligned trap for
 * them. Atomics check alignment themselves before calling in.
 *
 * The TLB caches translations for the current context (satp, effective
 * privilege, SUM, MXR, PMP). Whoever changes any of those calls mmu_flush().
 * Threading: an mmu belongs to one hart and is used only on that hart's thread,
 * except mmu_drop_store_page(), which the code cache calls from any thread;
 * every store-entry install re-checks the page's flags after it (cpu/cache.h,
 * "Threads"). Other harts flush this TLB by request (remote sfence.vma,
 * machine/board/machine.h).
 */
#ifndef RIVET_MMU_H
#define RIVET_MMU_H

#include <stdbool.h>
#include <stdint.h>

#include "bus.h"
#include "rivet/encoding.h"

#define TLB_ENTRIES       1024
#define PMP_CACHE_ENTRIES 64
#define TLB_FILL_LOG      256

/* ACC_CBO is a cache-block management operation's walk (mmu_cbo_manage):
 * a load's or a store's permission will do; PMP is asked for loads and
 * stores only, never for ACC_CBO. */
enum mmu_access { ACC_FETCH = 0, ACC_LOAD = 1, ACC_STORE = 2, ACC_CBO = 3 };

#define MMU_WALK_HWAD  0x01
#define MMU_WALK_PBMT  0x02
#define MMU_WALK_NAPOT 0x04

/* The cache block of Zicbom/Zicboz (riscv,cbom-block-size in the device tree). */
#define MMU_CBO_BLOCK 64

/* Not an exception: a watched access refused before it happened (see
 * struct mmu, watch). Above every exception code. */
#define MMU_WATCH_DEFER 0x100

struct tlb_entry {
    uint64_t tag;     /* virtual page address, or TLB_INVALID */
    uintptr_t addend; /* host address = virtual address + addend */
};
#define TLB_INVALID (~0ull) /* low bits set: never equal to a page address */

/* One set of TLBs per translation context, so that a trap or a return from
 * one does not throw away what the other context had cached: load and store
 * entries live in the set of the effective load/store privilege (with S-mode
 * split by SUM, in slot TLB_SET_S_SUM, the unused privilege number 2), fetch
 * entries in the set of the current privilege. */
#define TLB_SETS      4
#define TLB_SET_S_SUM 2
struct tlb_set {
    struct tlb_entry load[TLB_ENTRIES];
    struct tlb_entry store[TLB_ENTRIES];
    struct tlb_entry fetch[TLB_ENTRIES];
    /* Victims: what a fill pushed out of load[] and store[], at
     * victim_index(tag); the slow path swaps a hit back (mmu.c). */
    struct tlb_entry vload[TLB_ENTRIES];
    struct tlb_entry vstore[TLB_ENTRIES];
};

struct mmu {
    /* Hot: the current context's TLBs, touched on every memory access and
     * block lookup (they point into sets[]). */
    struct tlb_entry *tlb_load;
    struct tlb_entry *tlb_store;
    struct tlb_entry *tlb_fetch;
    struct bus *bus;

    /* Translation context. The hart keeps these in step with its CSRs:
     * mmu_set_context() for privilege, MPRV and SUM (no flush needed), and
     * mmu_flush() after changing satp, MXR or PMP. */
    uint64_t satp; /* raw satp value */
    int priv;      /* privilege for instruction fetch */
    int ls_priv;   /* effective privilege for loads and stores (MPRV/MPP applied) */
    bool sum, mxr;

    uint8_t pmpcfg[PMP_COUNT];
    uint64_t pmpaddr[PMP_COUNT];
    /* Pages PMP lets one (privilege, access) use whole: (page | priv << 2 |
     * acc), direct-mapped by page number; emptied by mmu_flush, which every
     * PMP change calls (pmp.c). */
    uint64_t pmp_cache[PMP_CACHE_ENTRIES];

    /* Debugger watchpoints (machine/debug/gdbstub.c), cold. When set, watch() says
     * whether [va, va+len) overlaps a range watched for acc (a pure query).
     * Loads and stores to such pages are never entered in the TLB (the setter
     * flushes it), so they take the slow paths; every other access stays on
     * the fast path. There an access that watch() matches is refused with
     * MMU_WATCH_DEFER before anything happens, unless watch_now is set (the
     * hart runs that one instruction alone, cpu/run.c): then it is done and
     * sets watch_hit, watch_addr and watch_acc; the debugger stops the hart
     * before its next instruction and clears watch_hit. NULL = no
     * watchpoints. */
    bool (*watch)(void *opaque, uint64_t va, uint64_t len, enum mmu_access acc);
    void *watch_opaque;
    bool watch_now;
    bool watch_hit;
    uint64_t watch_addr;
    enum mmu_access watch_acc;

    /* Entries filled since the last mmu_flush, so that a flush clears those
     * alone: xv6 switches satp (and flushes) on every trap, Linux on every
     * context switch. A full log means the flush clears everything. */
    struct tlb_entry *filled[TLB_FILL_LOG];
    unsigned nfilled;
    bool fill_overflow;
    uint8_t leaf_shift;          /* page size (log2) of the last translation */
    uint64_t super_lo, super_hi; /* virtual range spanned by superpage pieces in the TLB */
    uint8_t ls_set, fetch_set;   /* indexes of the current sets */
    uint8_t sets_used;           /* bit per set that may hold entries: flushes skip the rest */
    uint8_t walk;                /* MMU_WALK_* (see the top) */
    uint8_t pmlen;               /* pointer masking of the effective privilege: 0, 7 or 16 */
    bool pm_tagged;              /* the TLB holds an entry under an untransformed address */
    struct tlb_set sets[TLB_SETS];
};

/* Starts with hardware A/D updates and no other page-table extension (what
 * rivet did before -cpu); the hart sets m->walk from its ISA. */
void mmu_init(struct mmu *m, struct bus *bus);
void mmu_flush(struct mmu *m); /* every TLB of every context */
/* What SFENCE.VMA with rs1 = va needs: the translations of va's leaf PTE.
 * Returns true when that meant flushing everything (va lies where the TLB
 * holds pieces of superpages), as mmu_flush would. */
bool mmu_flush_page(struct mmu *m, uint64_t va);
/* Switches to the TLBs of (priv, ls_priv, sum); mxr must not have changed
 * (an MXR change needs mmu_flush). */
void mmu_set_context(struct mmu *m, int priv, int ls_priv, bool sum);
void mmu_flush_store(struct mmu *m); /* store TLBs only (a page became code) */
/* Drops the store entries that map host_page (a RAM page becoming code or
 * watched): by compare-and-swap, from any thread, while the owner runs
 * (cpu/cache.h, "Threads"). */
void mmu_drop_store_page(struct mmu *m, const uint8_t *host_page);

/* Translates va for an access of the given kind and size at the current
 * context, including PMP. On success *pa is the physical address. */
int mmu_translate(struct mmu *m, uint64_t va, enum mmu_access acc, unsigned size, uint64_t *pa, uint64_t *tval);

/* PMP check of a physical range for privilege priv (M-mode is checked only
 * against locked entries). true = allowed. */
bool pmp_allows(struct mmu *m, uint64_t pa, unsigned size, enum mmu_access acc, int priv);

/* Slow paths: misses, misaligned, MMIO, watched and code pages. They fill the
 * TLB when the page is plain RAM with the needed permission. */
int mmu_load_slow(struct mmu *m, uint64_t va, unsigned size, uint64_t *value, uint64_t *tval);
int mmu_store_slow(struct mmu *m, uint64_t va, unsigned size, uint64_t value, uint64_t *tval);

/* Instruction fetch translation of the page holding va: on success *pa is the
 * physical address of va and *host the host pointer to it when the page is RAM
 * (NULL otherwise: fetching from MMIO is an access fault in rivet). */
int mmu_fetch_slow(struct mmu *m, uint64_t va, uint64_t *pa, uint8_t **host, uint64_t *tval);

/* Direct-mapped by the low bits of the page number: the cheapest index for
 * the fast path. Pages a multiple of TLB_ENTRIES pages apart share an entry;
 * the one pushed out moves to the victim array, indexed by the page number
 * folded with its upper bits, where the slow path finds it without a walk
 * and swaps it back: a second way for every entry. (Two pages used in turn,
 * a[i] and b[i] of two 8 MiB arrays, swap on every access: that costs about
 * twice a TLB hit, against a walk without the victims.) */
static inline unsigned tlb_index(uint64_t va) { return (unsigned)(va >> PAGE_SHIFT) & (TLB_ENTRIES - 1); }
static inline unsigned victim_index(uint64_t va)
{
    uint64_t vpn = va >> PAGE_SHIFT;
    return (unsigned)(vpn ^ (vpn >> 10)) & (TLB_ENTRIES - 1);
}

/* The entry of `tlb` that holds the page of an access of `size` bytes at
 * va, else NULL; the host address is va + addend. The compared value keeps
 * the low bits the size covers, so a misaligned access never hits (see the
 * top of this file). */
static inline const struct tlb_entry *tlb_hit(const struct tlb_entry *tlb, uint64_t va, unsigned size)
{
    const struct tlb_entry *e = &tlb[tlb_index(va)];
    /* Relaxed (one mov): another thread may drop a store entry (cache.h). */
    uint64_t tag = __atomic_load_n(&e->tag, __ATOMIC_RELAXED);
    return __builtin_expect(tag == (va & ~(uint64_t)(PAGE_SIZE - size)), 1) ? e : NULL;
}

/* TLB hits only: true when the access was done, false when it needs the
 * *_slow path (which then does all of it). For handlers that keep their
 * fast path free of a stack frame (cpu/exec_int.c). */
static inline bool mmu_load_fast(const struct mmu *m, uint64_t va, unsigned size, uint64_t *value)
{
    const struct tlb_entry *e = tlb_hit(m->tlb_load, va, size);
    if (!e)
        return false;
    *value = load_le((const void *)(uintptr_t)(va + e->addend), size);
    return true;
}

static inline bool mmu_store_fast(const struct mmu *m, uint64_t va, unsigned size, uint64_t value)
{
    const struct tlb_entry *e = tlb_hit(m->tlb_store, va, size);
    if (!e)
        return false;
    store_le((void *)(uintptr_t)(va + e->addend), size, value);
    return true;
}

/* Fast paths. size is 1, 2, 4 or 8. */
static inline int mmu_load(struct mmu *m, uint64_t va, unsigned size, uint64_t *value, uint64_t *tval)
{
    return mmu_load_fast(m, va, size, value) ? 0 : mmu_load_slow(m, va, size, value, tval);
}

static inline int mmu_store(struct mmu *m, uint64_t va, unsigned size, uint64_t value, uint64_t *tval)
{
    return mmu_store_fast(m, va, size, value) ? 0 : mmu_store_slow(m, va, size, value, tval);
}

/* Cache-block operations on the 64-byte block holding va (CMO 1.0): the
 * management instructions (clean, flush, invalidate) need a load's or a
 * store's permission and do nothing else (rivet has no caches); cbo.zero
 * needs a store's and writes 64 zero bytes to RAM (anything else is a
 * store access fault). Faults are store faults with *tval = va (as pointer
 * masking transforms it). */
int mmu_cbo_manage(struct mmu *m, uint64_t va, uint64_t *tval);
int mmu_cbo_zero(struct mmu *m, uint64_t va, uint64_t *tval);

/* Host pointer for an access that must not be split (atomics): translates for
 * ACC_STORE (AMOs need write permission) and returns a RAM pointer, or an
 * exception. Atomics to MMIO raise an access fault. */
int mmu_atomic_ptr(struct mmu *m, uint64_t va, unsigned size, enum mmu_access acc, uint8_t **host, uint64_t *tval);

#endif
