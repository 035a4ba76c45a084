/*
 * Hart creation and reset (privileged spec 20211203 3.4).
 */
#include <string.h>

#include "cpu/hart.h"

#define MISA_MXL_SHIFT 62

/* RV64 with exactly I, M, A, F, D, C, S, U: Zba/Zbb/Zbs have no misa bit. */
#define RIVET_MISA (((uint64_t)XLEN_64 << MISA_MXL_SHIFT) | MISA_EXT('I') | MISA_EXT('M') | \
                    MISA_EXT('A') | MISA_EXT('F') | MISA_EXT('D') | MISA_EXT('C') |       \
                    MISA_EXT('S') | MISA_EXT('U'))

void hart_init(struct hart *h, struct bus *bus, struct code_cache *cache, uint64_t hartid)
{
    memset(h, 0, sizeof *h);
    mmu_init(&h->mmu, bus);
    h->cache = cache;
    h->mhartid = hartid;
    h->misa = RIVET_MISA;
    /* UXL and SXL are read-only 64-bit (priv. spec 3.1.6.2). */
    h->mstatus = ((uint64_t)XLEN_64 << 32) | ((uint64_t)XLEN_64 << 34);
    hart_reset(h, 0);
}

/* Reset state (priv. spec 3.4): M-mode, MIE = MPRV = 0, mcause = 0, and the
 * A and L fields of every PMP entry cleared. a0/a1 are left to the loader. */
void hart_reset(struct hart *h, uint64_t pc)
{
    h->priv = PRV_M;
    h->pc = pc;
    h->mstatus &= ~(MSTATUS_MIE | MSTATUS_MPRV);
    h->mcause = 0;
    h->wfi = false;
    h->resv_valid = false;
    for (unsigned i = 0; i < PMP_COUNT; i++)
        h->mmu.pmpcfg[i] &= (uint8_t)~(PMP_A | PMP_L);
    hart_update_mmu(h);
    hart_flush_tlb(h);
}
