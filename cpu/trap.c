/*
 * Trap entry, delegation and interrupt selection (privileged spec 20211203
 * 3.1.6.1, 3.1.8, 3.1.9, 4.1.1).
 *
 * Handlers never enter a trap themselves: they record it with hart_raise()
 * and the run loop calls hart_take_trap() with h->pc at the faulting
 * instruction and h->instret counting every instruction before it. Interrupts are looked at between blocks by
 * hart_check_interrupts().
 */
#include "cpu/hart.h"

#define MSTATUS_SPP_SHIFT 8

/* Interrupt priority, highest first (priv. spec 3.1.9). */
static const unsigned irq_priority[] = {
    IRQ_M_EXT, IRQ_M_SOFT, IRQ_M_TIMER, IRQ_S_EXT, IRQ_S_SOFT, IRQ_S_TIMER, IRQ_LCOF,
};

/* Where a trap handler starts: BASE, plus 4 * cause for an interrupt when
 * MODE is vectored (priv. spec 3.1.7). */
static uint64_t trap_vector(uint64_t tvec, bool interrupt, uint64_t code)
{
    uint64_t base = tvec & ~TVEC_MODE_MASK;
    if (interrupt && (tvec & TVEC_MODE_MASK) == TVEC_VECTORED)
        return base + 4 * code;
    return base;
}

/* A trap goes to S when it comes from S or U and its delegation bit is set;
 * a trap never lowers the privilege (priv. spec 3.1.8). */
static bool trap_to_s(const struct hart *h, bool interrupt, uint64_t code)
{
    uint64_t deleg = interrupt ? h->mideleg : h->medeleg;
    return h->priv <= PRV_S && code < 64 && ((deleg >> code) & 1);
}

static void enter_s(struct hart *h, uint64_t cause, uint64_t tval, bool interrupt, uint64_t code)
{
    uint64_t s = h->mstatus & ~(MSTATUS_SPIE | MSTATUS_SIE | MSTATUS_SPP);
    if (h->mstatus & MSTATUS_SIE)
        s |= MSTATUS_SPIE;
    s |= (uint64_t)(h->priv & 1) << MSTATUS_SPP_SHIFT;
    h->mstatus = s;
    h->sepc = h->pc;
    h->scause = cause;
    h->stval = tval;
    hart_set_priv(h, PRV_S, h->instret);
    h->pc = trap_vector(h->stvec, interrupt, code);
}

static void enter_m(struct hart *h, uint64_t cause, uint64_t tval, bool interrupt, uint64_t code)
{
    uint64_t s = h->mstatus & ~(MSTATUS_MPIE | MSTATUS_MIE | MSTATUS_MPP);
    if (h->mstatus & MSTATUS_MIE)
        s |= MSTATUS_MPIE;
    s |= (uint64_t)h->priv << MSTATUS_MPP_SHIFT;
    h->mstatus = s;
    h->mepc = h->pc;
    h->mcause = cause;
    h->mtval = tval;
    hart_set_priv(h, PRV_M, h->instret);
    h->pc = trap_vector(h->mtvec, interrupt, code);
}

void hart_take_trap(struct hart *h, uint64_t cause, uint64_t tval)
{
    bool interrupt = (cause & CAUSE_INTERRUPT) != 0;
    uint64_t code = cause & ~CAUSE_INTERRUPT;

    if (cause == CAUSE_SUPERVISOR_ECALL && h->env.sbi_ecall && h->env.sbi_ecall(h->env.opaque, h))
        return;
    if (h->env.trap_hook)
        h->env.trap_hook(h->env.opaque, h, cause, tval);
    if (trap_to_s(h, interrupt, code))
        enter_s(h, cause, tval, interrupt, code);
    else
        enter_m(h, cause, tval, interrupt, code);
    hart_set_wfi(h, false);
    hart_update_mmu(h);
}

/* Interrupts that may be taken now: an M-level one when below M or MIE is
 * set; a delegated (S-level) one when below S, or in S with SIE set
 * (priv. spec 3.1.6.1, 3.1.9). */
static uint64_t enabled_interrupts(const struct hart *h, uint64_t pending)
{
    uint64_t m_ints = pending & ~h->mideleg;
    uint64_t s_ints = pending & h->mideleg;
    uint64_t out = 0;

    if (h->priv < PRV_M || (h->mstatus & MSTATUS_MIE))
        out |= m_ints;
    if (h->priv < PRV_S || (h->priv == PRV_S && (h->mstatus & MSTATUS_SIE)))
        out |= s_ints;
    return out;
}

bool hart_check_interrupts(struct hart *h)
{
    uint64_t pending = hart_pending(h) & h->mie;
    if (!pending)
        return false;
    /* WFI wakes on any locally enabled pending interrupt, even when global
     * enables keep it from being taken (priv. spec 3.3.3). */
    hart_set_wfi(h, false);

    uint64_t take = enabled_interrupts(h, pending);
    /* Interrupts for M come before those delegated to S, whatever their
     * numbers; within one target the fixed order applies (priv. spec 3.1.9). */
    if (take & ~h->mideleg)
        take &= ~h->mideleg;
    if (!take)
        return false;
    for (unsigned i = 0; i < sizeof irq_priority / sizeof irq_priority[0]; i++) {
        unsigned irq = irq_priority[i];
        if ((take >> irq) & 1) {
            hart_take_trap(h, CAUSE_INTERRUPT | irq, 0);
            return true;
        }
    }
    return false;
}

/* Pointer masking of the effective privilege (Smnpm for S, Ssnpm for U;
 * rivet has no Smmpm): none while MXR is set (pointer masking 1.0). */
static uint8_t pm_len(const struct hart *h, int ls_priv, bool mxr)
{
    uint64_t cfg = ls_priv == PRV_S ? h->menvcfg : ls_priv == PRV_U ? h->senvcfg : 0;
    switch (mxr ? PMM_OFF : (cfg & MENVCFG_PMM) >> MENVCFG_PMM_SHIFT) {
    case PMM_LEN7: return 7;
    case PMM_LEN16: return 16;
    default: return 0;
    }
}

void hart_update_mmu(struct hart *h)
{
    struct mmu *m = &h->mmu;
    int ls_priv = h->priv;
    if ((h->mstatus & MSTATUS_MPRV) && h->priv == PRV_M)
        ls_priv = (int)((h->mstatus & MSTATUS_MPP) >> MSTATUS_MPP_SHIFT);
    bool sum = (h->mstatus & MSTATUS_SUM) != 0;
    bool mxr = (h->mstatus & MSTATUS_MXR) != 0;

    if (m->priv == h->priv && m->ls_priv == ls_priv && m->sum == sum && m->mxr == mxr)
        return;
    /* Each context's pointer masking is fixed until an envcfg write
     * (hart_update_walk), which flushes: no flush for it here. */
    m->pmlen = pm_len(h, ls_priv, mxr);
    /* Each (privilege, SUM) context keeps its own TLBs, so switching needs no
     * flush; MXR widens what loads may read in every context, so changing it
     * does. The jump cache keys its entries by privilege (hart.h) and fetches
     * ignore MXR, so it keeps them. */
    mmu_set_context(m, h->priv, ls_priv, sum);
    if (m->mxr != mxr) {
        m->mxr = mxr;
        mmu_flush(m);
    }
}

/* Whether the walker sets A and D itself: with Svadu, as menvcfg.ADUE says;
 * with Svade alone, never (page faults); with neither, always. That last is
 * the choice the privileged spec (20211203, 4.3.1) left to implementations
 * before Svade and Svadu had names, and the one rivet always made: the rv64
 * model does this without naming Svadu. */
static bool hw_ad_updates(const struct hart *h)
{
    if (isa_has(&h->isa, EXT_SVADU))
        return (h->menvcfg & MENVCFG_ADUE) != 0;
    return !isa_has(&h->isa, EXT_SVADE);
}

void hart_update_walk(struct hart *h)
{
    struct mmu *m = &h->mmu;
    uint8_t walk = 0;
    if (hw_ad_updates(h))
        walk |= MMU_WALK_HWAD;
    if (isa_has(&h->isa, EXT_SVPBMT) && (h->menvcfg & MENVCFG_PBMTE))
        walk |= MMU_WALK_PBMT;
    if (isa_has(&h->isa, EXT_SVNAPOT))
        walk |= MMU_WALK_NAPOT;
    uint8_t pmlen = pm_len(h, m->ls_priv, m->mxr);
    if (walk == m->walk && pmlen == m->pmlen)
        return;
    m->walk = walk;
    m->pmlen = pmlen;
    hart_flush_tlb(h);
}
