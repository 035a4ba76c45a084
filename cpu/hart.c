/*
 * Hart creation and reset (privileged spec 20211203 3.4).
 */
#include <limits.h>
#include <string.h>
#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cpu/cache.h"
#include "cpu/decode.h"
#include "cpu/hart.h"
#include "cpu/vector.h"

void hart_init(struct hart *h, struct bus *bus, struct code_cache *cache, uint64_t hartid)
{
    memset(h, 0, sizeof *h);
    mmu_init(&h->mmu, bus);
    h->cache = cache;
    h->mhartid = hartid;
    /* The machine's ISA comes with its code cache (cache.h); a hart made
     * without one (unit tests) gets the default model's. */
    struct isa_set isa;
    if (cache)
        isa = *code_cache_isa(cache);
    else
        isa_model(ISA_DEFAULT_MODEL, &isa);
    hart_set_isa(h, &isa);
    pmu_reset(h);
    /* UXL and SXL are read-only 64-bit (priv. spec 3.1.6.2). */
    h->mstatus = ((uint64_t)XLEN_64 << 32) | ((uint64_t)XLEN_64 << 34);
    hart_reset(h, 0);
}

/* What the board and the debugger attached, and the raw count, which
 * survive a power-on reset (hart.h, hart_power_on). */
struct hart_attached {
    struct hart_env env;
    FILE *trace;
    struct hart *next;
    const struct hart_breaks *breaks;
    bool debug_hold;
    bool (*debug_stop)(void *opaque, struct hart *h);
    void *debug_opaque;
    bool (*watch)(void *opaque, uint64_t va, uint64_t len, enum mmu_access acc);
    void *watch_opaque;
    uint64_t instret, jc_gen;
};

void hart_power_on(struct hart *h)
{
    struct hart_attached a = {
        .env = h->env,
        .trace = h->trace,
        .next = h->next,
        .breaks = h->breaks,
        .debug_hold = h->debug_hold,
        .debug_stop = h->debug_stop,
        .debug_opaque = h->debug_opaque,
        .watch = h->mmu.watch,
        .watch_opaque = h->mmu.watch_opaque,
        .instret = h->instret,
        .jc_gen = h->jc_gen,
    };
    hart_init(h, h->mmu.bus, h->cache, h->mhartid);
    h->env = a.env;
    h->trace = a.trace;
    h->next = a.next;
    h->debug_hold = a.debug_hold;
    h->debug_stop = a.debug_stop;
    h->debug_opaque = a.debug_opaque;
    h->mmu.watch = a.watch;
    h->mmu.watch_opaque = a.watch_opaque;
    h->jc_gen = a.jc_gen;
    hart_jcache_flush(h); /* zeroed entries must not match the kept generation */
    /* The raw count goes on; the counters read 0 as at the first start. */
    h->instret = a.instret;
    h->mcycle_offset = h->minstret_offset = 0 - a.instret;
    pmu_reset(h);
    hart_set_breaks(h, a.breaks);
    hart_flush_tlb(h);
}

/* menvcfg.ADUE resets to 1 when hardware A/D updating is all there is (Svadu
 * without Svade); with both, software chooses, starting with Svade's page
 * faults. Without Svadu ADUE is read-only 0 (the walker's rule with neither
 * is in cpu/trap.c, hart_update_walk). */
void hart_set_isa(struct hart *h, const struct isa_set *isa)
{
    h->isa = *isa;
    decode_ctx_init(&h->dec, isa);
    h->misa = isa_misa(isa);
    h->vec.vlenb = (uint16_t)(isa->vlen / 8);
    h->menvcfg &= ~MENVCFG_ADUE;
    if (isa_has(isa, EXT_SVADU) && !isa_has(isa, EXT_SVADE))
        h->menvcfg |= MENVCFG_ADUE;
    hart_update_walk(h);
}

/* Reset state (priv. spec 3.4): M-mode, MIE = MPRV = 0, mcause = 0, and the
 * A and L fields of every PMP entry cleared. a0/a1 are left to the loader. */
void hart_reset(struct hart *h, uint64_t pc)
{
    hart_set_priv(h, PRV_M, h->instret);
    h->pc = pc;
    h->mstatus &= ~(MSTATUS_MIE | MSTATUS_MPRV);
    h->mcause = 0;
    hart_set_wfi(h, false);
    h->resv_valid = false;
    vector_reset(h);
    for (unsigned i = 0; i < PMP_COUNT; i++)
        h->mmu.pmpcfg[i] &= (uint8_t) ~(PMP_A | PMP_L);
    hart_update_mmu(h);
    hart_flush_tlb(h);
}

void hart_wake(struct hart *h)
{
    __atomic_fetch_add(&h->wake_seq, 1, __ATOMIC_SEQ_CST);
    syscall(SYS_futex, &h->wake_seq, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0);
}
