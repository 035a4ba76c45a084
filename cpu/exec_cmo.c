/*
 * Cache-block operations: Zicbom (cbo.clean, cbo.flush, cbo.inval) and
 * Zicboz (cbo.zero), CMO spec 1.0.1. Prefetches (Zicbop) are ori hints and
 * need nothing here.
 *
 * rivet has no caches: memory is coherent with every agent at all times, so
 * clean, flush and invalidate have nothing to do once their checks passed,
 * and an invalidate (CBIE = 11) cannot expose stale data, there being none.
 * What they must do is trap as the spec says: illegal instruction below M
 * unless menvcfg (and in U also senvcfg) enables them, then the address
 * checks of mmu_cbo_manage/mmu_cbo_zero (mmu.h), with store faults and
 * tval = rs1.
 */
#include "cpu/dispatch.h"
#include "cpu/hart.h"
#include "cpu/insn_table.h"

/* "Control and Status Register State": the field of menvcfg rules S and U,
 * that of senvcfg U as well. For CBIE any nonzero value executes (01 flush,
 * 11 invalidate: the same here; 10 is never held, csr.c). */
static bool cbo_enabled(const struct hart *h, uint64_t field)
{
    if (h->priv == PRV_M)
        return true;
    if (!(h->menvcfg & field))
        return false;
    return h->priv == PRV_S || (h->senvcfg & field) != 0;
}

static int cbo(struct hart *h, const struct insn *in, uint64_t field, bool zero)
{
    uint64_t tval;
    if (!cbo_enabled(h, field))
        return hart_illegal(h, in);
    uint64_t va = h->x[in->rs1];
    int cause = zero ? mmu_cbo_zero(&h->mmu, va, &tval) : mmu_cbo_manage(&h->mmu, va, &tval);
    return cause ? hart_raise(h, (uint64_t)cause, tval) : EXEC_NEXT;
}

INSN(cbo_clean) { return cbo(h, in, MENVCFG_CBCFE, false); }
INSN(cbo_flush) { return cbo(h, in, MENVCFG_CBCFE, false); }
INSN(cbo_inval) { return cbo(h, in, MENVCFG_CBIE, false); }
INSN(cbo_zero) { return cbo(h, in, MENVCFG_CBZE, true); }
