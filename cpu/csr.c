/*
 * Control and status registers (privileged spec 20211203 ch. 2-4, Zicntr,
 * Sstc). CSRs of an extension the machine's ISA leaves out (cpu/isa.h) do
 * not exist, and envcfg fields of such extensions read 0.
 *
 * Every CSR rivet implements is one row of csr_table: a number range, the
 * lowest privilege that may access it, an optional extra access rule (FS,
 * counter enables, TVM, STCE), a read function and a write function. A CSR
 * missing from the table does not exist; reading or writing it is an illegal
 * instruction, as is an access below its privilege (bits 9:8 of the number)
 * or any write to a read-only number (bits 11:10 == 3). A row whose write
 * function is NULL is a WARL register that ignores writes (misa, the
 * hardwired-zero counters and PMP entries, the trigger registers).
 *
 * Counters: cycle and instret are both derived from h->instret (rivet counts
 * one cycle per instruction); so are the Zihpm counters (pmu.c). csr.c assumes that, while a handler runs,
 * h->instret counts every instruction retired before it, and that the run loop
 * counts the current instruction after its handler returns.
 */
#include <pthread.h>
#include <stddef.h>
#include <string.h>

#include "cpu/hart.h"
#include "cpu/vector.h"
#include "rivet.h"

/* Bits of a CSR number (priv. spec 2.1). */
#define CSR_PRIV(n)      (((n) >> 8) & 3)
#define CSR_READ_ONLY(n) ((((n) >> 10) & 3) == 3)

/* Counter enable / inhibit bit indices (priv. spec 3.1.11-3.1.13). */
#define COUNTER_CY 0
#define COUNTER_TM 1
#define COUNTER_IR 2

#define MSTATUS_MPP_RESERVED 2ull

/* Writable mstatus fields; UXL/SXL are fixed at 64 bits, UBE/SBE/MBE are 0
 * (little-endian only), XS reads 0 (no custom state), VS is writable with V
 * (vs_writable) and reads 0 without. */
#define MSTATUS_WRITABLE                                                                                               \
    (MSTATUS_SIE | MSTATUS_MIE | MSTATUS_SPIE | MSTATUS_MPIE | MSTATUS_SPP | MSTATUS_MPP | MSTATUS_FS | MSTATUS_MPRV | \
     MSTATUS_SUM | MSTATUS_MXR | MSTATUS_TVM | MSTATUS_TW | MSTATUS_TSR)
#define SSTATUS_READABLE                                                                                           \
    (MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_UBE | MSTATUS_SPP | MSTATUS_VS | MSTATUS_FS | MSTATUS_XS | MSTATUS_SUM | \
     MSTATUS_MXR | MSTATUS_UXL | MSTATUS_SD)
#define SSTATUS_WRITABLE (MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP | MSTATUS_FS | MSTATUS_SUM | MSTATUS_MXR)
#define MSTATUS_FIXED    (((uint64_t)XLEN_64 << 32) | ((uint64_t)XLEN_64 << 34)) /* UXL, SXL */

/* Exceptions that can be delegated: bit 11 (ecall from M) cannot, 10 and 14
 * are reserved (priv. spec 3.1.8). */
/* clang-format off */
#define MEDELEG_WRITABLE ((1ull << CAUSE_MISALIGNED_FETCH) | (1ull << CAUSE_FETCH_ACCESS) |           \
                          (1ull << CAUSE_ILLEGAL_INSTRUCTION) | (1ull << CAUSE_BREAKPOINT) |         \
                          (1ull << CAUSE_MISALIGNED_LOAD) | (1ull << CAUSE_LOAD_ACCESS) |            \
                          (1ull << CAUSE_MISALIGNED_STORE) | (1ull << CAUSE_STORE_ACCESS) |          \
                          (1ull << CAUSE_USER_ECALL) | (1ull << CAUSE_SUPERVISOR_ECALL) |            \
                          (1ull << CAUSE_FETCH_PAGE_FAULT) | (1ull << CAUSE_LOAD_PAGE_FAULT) |       \
                          (1ull << CAUSE_STORE_PAGE_FAULT))
#define S_INTERRUPTS     (MIP_SSIP | MIP_STIP | MIP_SEIP)
#define ALL_INTERRUPTS   (S_INTERRUPTS | MIP_MSIP | MIP_MTIP | MIP_MEIP)
#define COUNTEREN_MASK   0xffffffffull
#define MCOUNTINHIBIT_WRITABLE ((1ull << COUNTER_CY) | (1ull << COUNTER_IR))
#define MCOUNTINHIBIT_HPM      0xfffffff8ull /* mhpmcounter3..31 */
#define PMPADDR_MASK     ((1ull << 54) - 1) /* bits 53:0 (priv. spec 3.7.1) */
#define PMP_CFG_BITS     (PMP_R | PMP_W | PMP_X | PMP_A | PMP_L)
#define FFLAGS_MASK      0x1f
#define FRM_MASK         0x7
#define FCSR_FRM_SHIFT   5
/* clang-format on */

typedef bool (*csr_ok_fn)(const struct hart *h, unsigned csr);
typedef uint64_t (*csr_read_fn)(struct hart *h, unsigned csr);
typedef void (*csr_write_fn)(struct hart *h, unsigned csr, uint64_t value);

struct csr_def {
    uint16_t lo, hi; /* numbers lo..hi share this row */
    uint8_t priv;    /* lowest privilege allowed */
    csr_ok_fn ok;    /* extra access rule, NULL = none */
    csr_read_fn read;
    csr_write_fn write; /* NULL = writes ignored */
};

/* ---- Access rules ---- */

static bool fp_ok(const struct hart *h, unsigned csr) { return hart_fp_enabled(h); }

/* Zicntr counters below M need their bit in mcounteren, and below S also in
 * scounteren (priv. spec 3.1.11, 4.1.5). */
static bool counter_ok(const struct hart *h, unsigned csr)
{
    unsigned bit = csr & 0x1f;
    if (h->priv == PRV_M)
        return true;
    if (!((h->mcounteren >> bit) & 1))
        return false;
    return h->priv == PRV_S || ((h->scounteren >> bit) & 1);
}

/* Sstc: S-mode needs menvcfg.STCE and mcounteren.TM. */
static bool stimecmp_ok(const struct hart *h, unsigned csr)
{
    if (h->priv == PRV_M)
        return true;
    return (h->menvcfg & MENVCFG_STCE) && ((h->mcounteren >> COUNTER_TM) & 1);
}

/* mstatus.TVM traps S-mode satp accesses (priv. spec 3.1.6.5). */
static bool satp_ok(const struct hart *h, unsigned csr) { return !(h->priv == PRV_S && (h->mstatus & MSTATUS_TVM)); }

/* ---- Floating-point CSRs (unpriv. spec 11.2) ---- */

static uint64_t fflags_read(struct hart *h, unsigned csr) { return h->fflags; }
static uint64_t frm_read(struct hart *h, unsigned csr) { return h->frm; }
static uint64_t fcsr_read(struct hart *h, unsigned csr) { return ((uint64_t)h->frm << FCSR_FRM_SHIFT) | h->fflags; }

static void fflags_write(struct hart *h, unsigned csr, uint64_t v)
{
    h->fflags = v & FFLAGS_MASK;
    hart_fp_dirty(h);
}

static void frm_write(struct hart *h, unsigned csr, uint64_t v)
{
    h->frm = v & FRM_MASK;
    hart_fp_dirty(h);
}

static void fcsr_write(struct hart *h, unsigned csr, uint64_t v)
{
    h->fflags = v & FFLAGS_MASK;
    h->frm = (v >> FCSR_FRM_SHIFT) & FRM_MASK;
    hart_fp_dirty(h);
}

/* ---- Counters ---- */

static uint64_t counter_raw(const struct hart *h) { return h->instret; }

static bool inhibited(const struct hart *h, unsigned bit) { return (h->mcountinhibit >> bit) & 1; }

/* While a counter is inhibited its offset field holds the frozen value. */
static uint64_t counter_value(const struct hart *h, unsigned bit, uint64_t offset)
{
    return inhibited(h, bit) ? offset : counter_raw(h) + offset;
}

/* A written value is what the next instruction reads: the writer's own
 * increment is suppressed (priv. spec 3.1.10). */
static uint64_t counter_offset_for(const struct hart *h, unsigned bit, uint64_t value)
{
    return inhibited(h, bit) ? value : value - (counter_raw(h) + 1);
}

/* cycle/time/instret/hpmcounterN and their M-mode twins, by the low 5 bits. */
static uint64_t counter_read(struct hart *h, unsigned csr)
{
    switch (csr & 0x1f) {
    case COUNTER_CY: return counter_value(h, COUNTER_CY, h->mcycle_offset);
    case COUNTER_TM: return hart_time(h);
    case COUNTER_IR: return counter_value(h, COUNTER_IR, h->minstret_offset);
    default: return pmu_counter_read(h, csr & 0x1f, h->instret); /* Zihpm (pmu.c) */
    }
}

static void mhpmcounter_write(struct hart *h, unsigned csr, uint64_t v)
{
    pmu_counter_write(h, csr & 0x1f, v, h->instret);
}
static uint64_t mhpmevent_read(struct hart *h, unsigned csr) { return pmu_event_read(h, csr & 0x1f, h->instret); }
static void mhpmevent_write(struct hart *h, unsigned csr, uint64_t v) { pmu_event_write(h, csr & 0x1f, v, h->instret); }
static uint64_t scountovf_read(struct hart *h, unsigned csr) { return pmu_overflows(h, h->instret); }

static void mcycle_write(struct hart *h, unsigned csr, uint64_t v)
{
    h->mcycle_offset = counter_offset_for(h, COUNTER_CY, v);
}

static void minstret_write(struct hart *h, unsigned csr, uint64_t v)
{
    h->minstret_offset = counter_offset_for(h, COUNTER_IR, v);
}

/* Switches one counter between counting and frozen, keeping its value. */
static void inhibit_switch(struct hart *h, unsigned bit, uint64_t *offset, bool inhibit)
{
    if (inhibited(h, bit) == inhibit)
        return;
    if (inhibit)
        *offset = counter_raw(h) + *offset;
    else
        *offset = *offset - (counter_raw(h) + 1);
}

static uint64_t mcountinhibit_read(struct hart *h, unsigned csr) { return h->mcountinhibit; }

/* Zihpm adds the bits of mhpmcounter3..31. */
static void mcountinhibit_write(struct hart *h, unsigned csr, uint64_t v)
{
    v &= MCOUNTINHIBIT_WRITABLE | (isa_has(&h->isa, EXT_ZIHPM) ? MCOUNTINHIBIT_HPM : 0);
    inhibit_switch(h, COUNTER_CY, &h->mcycle_offset, (v >> COUNTER_CY) & 1);
    inhibit_switch(h, COUNTER_IR, &h->minstret_offset, (v >> COUNTER_IR) & 1);
    pmu_set_inhibit(h, v, h->instret);
}

/* ---- Status ---- */

static uint64_t status_with_sd(uint64_t s)
{
    s &= ~MSTATUS_SD;
    if (((s & MSTATUS_FS) >> MSTATUS_FS_SHIFT) == FS_DIRTY || ((s & MSTATUS_VS) >> MSTATUS_VS_SHIFT) == FS_DIRTY)
        s |= MSTATUS_SD;
    return s;
}

static uint64_t vs_writable(const struct hart *h) { return isa_has(&h->isa, EXT_V) ? MSTATUS_VS : 0; }

static uint64_t mstatus_read(struct hart *h, unsigned csr) { return status_with_sd(h->mstatus); }

static void mstatus_write(struct hart *h, unsigned csr, uint64_t v)
{
    uint64_t w = MSTATUS_WRITABLE | vs_writable(h);
    uint64_t s = (h->mstatus & ~w) | (v & w);
    /* MPP is WARL: 2 (reserved for H) keeps the previous mode. */
    if (((v & MSTATUS_MPP) >> MSTATUS_MPP_SHIFT) == MSTATUS_MPP_RESERVED)
        s = (s & ~MSTATUS_MPP) | (h->mstatus & MSTATUS_MPP);
    h->mstatus = status_with_sd((s & ~(MSTATUS_UXL | MSTATUS_SXL)) | MSTATUS_FIXED);
    hart_update_mmu(h);
}

static uint64_t sstatus_read(struct hart *h, unsigned csr) { return status_with_sd(h->mstatus) & SSTATUS_READABLE; }

static void sstatus_write(struct hart *h, unsigned csr, uint64_t v)
{
    uint64_t w = SSTATUS_WRITABLE | vs_writable(h);
    uint64_t s = (h->mstatus & ~w) | (v & w);
    h->mstatus = status_with_sd(s);
    hart_update_mmu(h);
}

/* ---- Plain registers ---- */

/* clang-format off */
#define REG_ACCESSORS(name, field, mask)                                                              \
    static uint64_t name##_read(struct hart *h, unsigned csr) { return h->field; }                  \
    static void name##_write(struct hart *h, unsigned csr, uint64_t v) { h->field = v & (mask); }
/* clang-format on */

REG_ACCESSORS(medeleg, medeleg, MEDELEG_WRITABLE)
REG_ACCESSORS(mscratch, mscratch, ~0ull)
REG_ACCESSORS(mepc, mepc, ~1ull) /* IALIGN = 16: only bit 0 is clear (priv. spec 3.1.14) */
REG_ACCESSORS(mcause, mcause, ~0ull)
REG_ACCESSORS(mtval, mtval, ~0ull)
REG_ACCESSORS(mcounteren, mcounteren, COUNTEREN_MASK)
REG_ACCESSORS(scounteren, scounteren, COUNTEREN_MASK)
REG_ACCESSORS(sscratch, sscratch, ~0ull)
REG_ACCESSORS(sepc, sepc, ~1ull)
REG_ACCESSORS(scause, scause, ~0ull)
REG_ACCESSORS(stval, stval, ~0ull)

static uint64_t zero_read(struct hart *h, unsigned csr) { return 0; }
static uint64_t marchid_read(struct hart *h, unsigned csr) { return RIVET_MARCHID; }
static uint64_t mimpid_read(struct hart *h, unsigned csr) { return RIVET_MIMPID; }
static uint64_t misa_read(struct hart *h, unsigned csr) { return h->misa; }
static uint64_t mhartid_read(struct hart *h, unsigned csr) { return h->mhartid; }

/* xtvec MODE >= 2 is reserved: WARL, keep the old mode (priv. spec 3.1.7). */
static uint64_t tvec_value(uint64_t old, uint64_t v)
{
    if ((v & TVEC_MODE_MASK) > TVEC_VECTORED)
        v = (v & ~TVEC_MODE_MASK) | (old & TVEC_MODE_MASK);
    return v;
}

static uint64_t mtvec_read(struct hart *h, unsigned csr) { return h->mtvec; }
static void mtvec_write(struct hart *h, unsigned csr, uint64_t v) { h->mtvec = tvec_value(h->mtvec, v); }
static uint64_t stvec_read(struct hart *h, unsigned csr) { return h->stvec; }
static void stvec_write(struct hart *h, unsigned csr, uint64_t v) { h->stvec = tvec_value(h->stvec, v); }

static uint64_t menvcfg_read(struct hart *h, unsigned csr) { return h->menvcfg; }

/* menvcfg and senvcfg (priv. spec 3.1.18, 4.1.10) share their low fields:
 * FIOM, and the CMO enables of Zicbom and Zicboz; and PMM, pointer masking
 * of the next mode down (Smnpm in menvcfg, Ssnpm in senvcfg). Fields of
 * extensions the ISA leaves out read 0. */
static uint64_t envcfg_common(const struct hart *h, enum isa_ext pm)
{
    uint64_t w = MENVCFG_FIOM;
    if (isa_has(&h->isa, EXT_ZICBOM))
        w |= MENVCFG_CBIE | MENVCFG_CBCFE;
    if (isa_has(&h->isa, EXT_ZICBOZ))
        w |= MENVCFG_CBZE;
    if (isa_has(&h->isa, pm))
        w |= MENVCFG_PMM;
    return w;
}

/* WARL fields with reserved values, which keep the old value: CBIE 10 (CMO
 * 1.0) and PMM 01 (pointer masking 1.0). */
static uint64_t envcfg_value(uint64_t old, uint64_t v, uint64_t writable)
{
    v &= writable;
    if ((v & MENVCFG_CBIE) == MENVCFG_CBIE_RESERVED)
        v = (v & ~MENVCFG_CBIE) | (old & MENVCFG_CBIE);
    if (((v & MENVCFG_PMM) >> MENVCFG_PMM_SHIFT) == PMM_RESERVED)
        v = (v & ~MENVCFG_PMM) | (old & MENVCFG_PMM);
    return v;
}

static uint64_t menvcfg_writable(const struct hart *h)
{
    uint64_t w = envcfg_common(h, EXT_SMNPM);
    if (isa_has(&h->isa, EXT_SSTC))
        w |= MENVCFG_STCE;
    if (isa_has(&h->isa, EXT_SVPBMT))
        w |= MENVCFG_PBMTE;
    if (isa_has(&h->isa, EXT_SVADU))
        w |= MENVCFG_ADUE;
    return w;
}

/* The translation rules follow PBMTE, ADUE and PMM (hart_update_walk). A
 * PMM change flushes the TLB even when it is not the current mode's: the
 * other modes' entries may have been filled under the old length (mmu.h). */
static void envcfg_set(struct hart *h, uint64_t *reg, uint64_t v)
{
    bool pmm_changed = ((*reg ^ v) & MENVCFG_PMM) != 0;
    *reg = v;
    if (pmm_changed)
        hart_flush_tlb(h);
    hart_update_walk(h);
}

static void menvcfg_write(struct hart *h, unsigned csr, uint64_t v)
{
    envcfg_set(h, &h->menvcfg, envcfg_value(h->menvcfg, v, menvcfg_writable(h)));
    hart_update_timer_irqs(h);
}

static uint64_t senvcfg_read(struct hart *h, unsigned csr) { return h->senvcfg; }
static void senvcfg_write(struct hart *h, unsigned csr, uint64_t v)
{
    envcfg_set(h, &h->senvcfg, envcfg_value(h->senvcfg, v, envcfg_common(h, EXT_SSNPM)));
}

/* ---- State enables (Smstateen, Ssstateen) ----
 * rivet has none of the state mstateen0 can hide but senvcfg (and
 * sstateen0 through SE0), so mstateen0 holds SE0 and ENVCFG, mstateen1-3
 * their SE bit, and sstateen0-3 nothing. */

static uint64_t mstateen_read(struct hart *h, unsigned csr) { return h->mstateen[csr - CSR_MSTATEEN0]; }
static void mstateen_write(struct hart *h, unsigned csr, uint64_t v)
{
    h->mstateen[csr - CSR_MSTATEEN0] = v & (csr == CSR_MSTATEEN0 ? MSTATEEN_SE | MSTATEEN_ENVCFG : MSTATEEN_SE);
}

/* Below M, sstateenN needs mstateenN.SE. */
static bool sstateen_ok(const struct hart *h, unsigned csr)
{
    return h->priv == PRV_M || (h->mstateen[csr - CSR_SSTATEEN0] & MSTATEEN_SE);
}

/* With Smstateen, S-mode reaches senvcfg only through mstateen0.ENVCFG. */
static bool senvcfg_ok(const struct hart *h, unsigned csr)
{
    return h->priv == PRV_M || !isa_has(&h->isa, EXT_SMSTATEEN) || (h->mstateen[0] & MSTATEEN_ENVCFG);
}

static uint64_t stimecmp_read(struct hart *h, unsigned csr) { return h->stimecmp; }

static void stimecmp_write(struct hart *h, unsigned csr, uint64_t v)
{
    h->stimecmp = v;
    hart_update_timer_irqs(h);
}

/* ---- Interrupt enable / pending ---- */

/* Sscofpmf adds LCOFI, an S-level interrupt (priv. spec 3.1.9). */
static uint64_t lcofi(const struct hart *h) { return isa_has(&h->isa, EXT_SSCOFPMF) ? MIP_LCOFIP : 0; }
static uint64_t s_interrupts(const struct hart *h) { return S_INTERRUPTS | lcofi(h); }
static uint64_t all_interrupts(const struct hart *h) { return ALL_INTERRUPTS | lcofi(h); }

static uint64_t mideleg_read(struct hart *h, unsigned csr) { return h->mideleg; }
static void mideleg_write(struct hart *h, unsigned csr, uint64_t v) { h->mideleg = v & s_interrupts(h); }
static uint64_t mie_read(struct hart *h, unsigned csr) { return h->mie; }
static void mie_write(struct hart *h, unsigned csr, uint64_t v) { h->mie = v & all_interrupts(h); }

/* mip bits software may write: SSIP, STIP (unless Sstc drives it), SEIP,
 * LCOFIP (Sscofpmf: set on overflow, cleared by software). */
static uint64_t mip_writable(const struct hart *h)
{
    uint64_t w = s_interrupts(h);
    if (h->menvcfg & MENVCFG_STCE)
        w &= ~MIP_STIP;
    return w;
}

/* Changes only the bits in mask, atomically: devices set other bits concurrently. */
static void mip_update(struct hart *h, uint64_t mask, uint64_t v)
{
    hart_clear_pending(h, mask & ~v);
    hart_set_pending(h, mask & v);
}

static uint64_t mip_read(struct hart *h, unsigned csr)
{
    hart_update_timer_irqs(h);
    if (h->instret >= h->pmu.deadline) /* LCOFIP as of this instruction (pmu.c) */
        pmu_sync(h, h->instret);
    return hart_pending(h) & all_interrupts(h);
}

static void mip_write(struct hart *h, unsigned csr, uint64_t v) { mip_update(h, mip_writable(h), v); }

/* sip/sie show only the interrupts delegated to S (priv. spec 4.1.3). */
static uint64_t sip_read(struct hart *h, unsigned csr) { return mip_read(h, csr) & h->mideleg; }
static void sip_write(struct hart *h, unsigned csr, uint64_t v)
{
    mip_update(h, h->mideleg & (MIP_SSIP | MIP_LCOFIP), v);
}
static uint64_t sie_read(struct hart *h, unsigned csr) { return h->mie & h->mideleg; }
static void sie_write(struct hart *h, unsigned csr, uint64_t v) { h->mie = (h->mie & ~h->mideleg) | (v & h->mideleg); }

/* ---- Address translation ---- */

static uint64_t satp_read(struct hart *h, unsigned csr) { return h->mmu.satp; }

/* A write with an unsupported MODE has no effect at all (priv. spec 4.1.11). */
static void satp_write(struct hart *h, unsigned csr, uint64_t v)
{
    uint64_t mode = v >> SATP_MODE_SHIFT;
    if (mode != SATP_MODE_BARE && mode != SATP_MODE_SV39 && mode != SATP_MODE_SV48 && mode != SATP_MODE_SV57)
        return;
    if (h->mmu.satp == v)
        return;
    h->mmu.satp = v;
    hart_flush_tlb(h);
}

/* ---- PMP (priv. spec 3.7) ---- */

static bool pmp_locked(const struct hart *h, unsigned i) { return (h->mmu.pmpcfg[i] & PMP_L) != 0; }

/* pmpcfg0 holds entries 0-7, pmpcfg2 entries 8-15 (RV64). */
static unsigned pmpcfg_first(unsigned csr) { return (csr - CSR_PMPCFG0) * 4; }

static uint64_t pmpcfg_read(struct hart *h, unsigned csr)
{
    uint64_t v = 0;
    unsigned first = pmpcfg_first(csr);
    for (unsigned i = 0; i < 8; i++)
        v |= (uint64_t)h->mmu.pmpcfg[first + i] << (8 * i);
    return v;
}

static void pmpcfg_write(struct hart *h, unsigned csr, uint64_t v)
{
    unsigned first = pmpcfg_first(csr);
    for (unsigned i = 0; i < 8; i++) {
        uint8_t cfg = (uint8_t)(v >> (8 * i)) & PMP_CFG_BITS;
        if (pmp_locked(h, first + i))
            continue;
        if ((cfg & PMP_W) && !(cfg & PMP_R)) /* R=0 W=1 is reserved */
            cfg &= (uint8_t) ~(PMP_R | PMP_W);
        h->mmu.pmpcfg[first + i] = cfg;
    }
    hart_flush_tlb(h);
}

static uint64_t pmpaddr_read(struct hart *h, unsigned csr) { return h->mmu.pmpaddr[csr - CSR_PMPADDR0]; }

static void pmpaddr_write(struct hart *h, unsigned csr, uint64_t v)
{
    unsigned i = csr - CSR_PMPADDR0;
    /* A locked TOR entry also freezes the address below it (priv. spec 3.7.1). */
    bool next_locks = i + 1 < PMP_COUNT && pmp_locked(h, i + 1) && (h->mmu.pmpcfg[i + 1] & PMP_A) == PMP_A_TOR;
    if (pmp_locked(h, i) || next_locks)
        return;
    h->mmu.pmpaddr[i] = v & PMPADDR_MASK;
    hart_flush_tlb(h);
}

/* ---- The table ---- */

/* clang-format off */
#define ROW(n, ok, rd, wr)        { (n), (n), CSR_PRIV(n), (ok), (rd), (wr) }
#define RANGE(lo, hi, ok, rd, wr) { (lo), (hi), CSR_PRIV(lo), (ok), (rd), (wr) }
/* clang-format on */

static const struct csr_def csr_table[] = {
    ROW(CSR_FFLAGS, fp_ok, fflags_read, fflags_write),
    ROW(CSR_FRM, fp_ok, frm_read, frm_write),
    ROW(CSR_FCSR, fp_ok, fcsr_read, fcsr_write),
    RANGE(CSR_VSTART, CSR_VXRM, vector_csr_ok, vector_csr_read, vector_csr_write),
    ROW(CSR_VCSR, vector_csr_ok, vector_csr_read, vector_csr_write),
    RANGE(CSR_VL, CSR_VLENB, vector_csr_ok, vector_csr_read, NULL),
    RANGE(CSR_CYCLE, CSR_HPMCOUNTER31, counter_ok, counter_read, NULL),

    ROW(CSR_SSTATUS, NULL, sstatus_read, sstatus_write),
    ROW(CSR_SIE, NULL, sie_read, sie_write),
    ROW(CSR_STVEC, NULL, stvec_read, stvec_write),
    ROW(CSR_SCOUNTEREN, NULL, scounteren_read, scounteren_write),
    ROW(CSR_SENVCFG, senvcfg_ok, senvcfg_read, senvcfg_write),
    RANGE(CSR_SSTATEEN0, CSR_SSTATEEN3, sstateen_ok, zero_read, NULL),
    ROW(CSR_SSCRATCH, NULL, sscratch_read, sscratch_write),
    ROW(CSR_SEPC, NULL, sepc_read, sepc_write),
    ROW(CSR_SCAUSE, NULL, scause_read, scause_write),
    ROW(CSR_STVAL, NULL, stval_read, stval_write),
    ROW(CSR_SIP, NULL, sip_read, sip_write),
    ROW(CSR_STIMECMP, stimecmp_ok, stimecmp_read, stimecmp_write),
    ROW(CSR_SATP, satp_ok, satp_read, satp_write),
    ROW(CSR_SCOUNTOVF, NULL, scountovf_read, NULL),

    ROW(CSR_MVENDORID, NULL, zero_read, NULL),
    ROW(CSR_MARCHID, NULL, marchid_read, NULL),
    ROW(CSR_MIMPID, NULL, mimpid_read, NULL),
    ROW(CSR_MHARTID, NULL, mhartid_read, NULL),
    ROW(CSR_MCONFIGPTR, NULL, zero_read, NULL),
    ROW(CSR_MSTATUS, NULL, mstatus_read, mstatus_write),
    ROW(CSR_MISA, NULL, misa_read, NULL),
    ROW(CSR_MEDELEG, NULL, medeleg_read, medeleg_write),
    ROW(CSR_MIDELEG, NULL, mideleg_read, mideleg_write),
    ROW(CSR_MIE, NULL, mie_read, mie_write),
    ROW(CSR_MTVEC, NULL, mtvec_read, mtvec_write),
    ROW(CSR_MCOUNTEREN, NULL, mcounteren_read, mcounteren_write),
    ROW(CSR_MENVCFG, NULL, menvcfg_read, menvcfg_write),
    RANGE(CSR_MSTATEEN0, CSR_MSTATEEN3, NULL, mstateen_read, mstateen_write),
    ROW(CSR_MCOUNTINHIBIT, NULL, mcountinhibit_read, mcountinhibit_write),
    RANGE(CSR_MHPMEVENT3, CSR_MHPMEVENT31, NULL, mhpmevent_read, mhpmevent_write),
    ROW(CSR_MSCRATCH, NULL, mscratch_read, mscratch_write),
    ROW(CSR_MEPC, NULL, mepc_read, mepc_write),
    ROW(CSR_MCAUSE, NULL, mcause_read, mcause_write),
    ROW(CSR_MTVAL, NULL, mtval_read, mtval_write),
    ROW(CSR_MIP, NULL, mip_read, mip_write),
    ROW(CSR_PMPCFG0, NULL, pmpcfg_read, pmpcfg_write),
    ROW(CSR_PMPCFG2, NULL, pmpcfg_read, pmpcfg_write),
    ROW(CSR_PMPCFG0 + 4, NULL, zero_read, NULL),
    ROW(CSR_PMPCFG0 + 6, NULL, zero_read, NULL),
    ROW(CSR_PMPCFG0 + 8, NULL, zero_read, NULL),
    ROW(CSR_PMPCFG0 + 10, NULL, zero_read, NULL),
    ROW(CSR_PMPCFG0 + 12, NULL, zero_read, NULL),
    ROW(CSR_PMPCFG0 + 14, NULL, zero_read, NULL),
    RANGE(CSR_PMPADDR0, CSR_PMPADDR0 + PMP_COUNT - 1, NULL, pmpaddr_read, pmpaddr_write),
    RANGE(CSR_PMPADDR0 + PMP_COUNT, CSR_PMPADDR63, NULL, zero_read, NULL),
    ROW(CSR_MCYCLE, NULL, counter_read, mcycle_write),
    ROW(CSR_MINSTRET, NULL, counter_read, minstret_write),
    RANGE(CSR_MHPMCOUNTER3, CSR_MHPMCOUNTER31, NULL, counter_read, mhpmcounter_write),
    /* Sdtrig with no triggers: tselect reads 0, tdata* read 0, writes ignored. */
    RANGE(CSR_TSELECT, CSR_TDATA3, NULL, zero_read, NULL),
};

/* CSRs that exist only with an extension of the machine's ISA (cpu/isa.h). */
static const struct {
    uint16_t lo, hi;
    uint8_t ext;
} csr_needs[] = {
    { CSR_FFLAGS, CSR_FCSR, EXT_F },
    { CSR_VSTART, CSR_VXRM, EXT_V },
    { CSR_VCSR, CSR_VCSR, EXT_V },
    { CSR_VL, CSR_VLENB, EXT_V },
    { CSR_CYCLE, CSR_INSTRET, EXT_ZICNTR },
    { CSR_STIMECMP, CSR_STIMECMP, EXT_SSTC },
    { CSR_SCOUNTOVF, CSR_SCOUNTOVF, EXT_SSCOFPMF },
    { CSR_SSTATEEN0, CSR_SSTATEEN3, EXT_SSSTATEEN },
    { CSR_MSTATEEN0, CSR_MSTATEEN3, EXT_SMSTATEEN },
};

/* Row index + 1 of every CSR number (0: none), and the extension it needs
 * (CSR_EXT_NONE: none), built once from the tables: kernels access CSRs all
 * through their trap paths, so a lookup is two loads, never a scan. */
#define CSR_NUMBERS  4096
#define CSR_EXT_NONE UINT8_MAX
static uint16_t csr_index[CSR_NUMBERS];
static uint8_t csr_ext[CSR_NUMBERS];
static pthread_once_t csr_index_once = PTHREAD_ONCE_INIT;

static void build_csr_index(void)
{
    _Static_assert(sizeof csr_table / sizeof csr_table[0] < UINT16_MAX, "row numbers fit");
    _Static_assert(EXT_COUNT < CSR_EXT_NONE, "extension numbers fit");
    for (size_t i = sizeof csr_table / sizeof csr_table[0]; i-- > 0;) /* the first row wins */
        for (unsigned c = csr_table[i].lo; c <= csr_table[i].hi && c < CSR_NUMBERS; c++)
            csr_index[c] = (uint16_t)(i + 1);
    memset(csr_ext, CSR_EXT_NONE, sizeof csr_ext);
    for (size_t i = 0; i < sizeof csr_needs / sizeof csr_needs[0]; i++)
        for (unsigned c = csr_needs[i].lo; c <= csr_needs[i].hi; c++)
            csr_ext[c] = csr_needs[i].ext;
}

static const struct csr_def *csr_find(unsigned csr)
{
    pthread_once(&csr_index_once, build_csr_index);
    unsigned row = csr < CSR_NUMBERS ? csr_index[csr] : 0;
    return row ? &csr_table[row - 1] : NULL;
}

/* Whether the machine's ISA has the extension csr needs (csr_find found it). */
static bool csr_in_isa(const struct hart *h, unsigned csr)
{
    uint8_t e = csr_ext[csr];
    return e == CSR_EXT_NONE || isa_has(&h->isa, (enum isa_ext)e);
}

/* The row for csr when the current privilege may access it, else NULL. */
static const struct csr_def *csr_lookup(const struct hart *h, unsigned csr)
{
    const struct csr_def *d = csr_find(csr);
    if (!d || h->priv < d->priv || !csr_in_isa(h, csr))
        return NULL;
    if (d->ok && !d->ok(h, csr))
        return NULL;
    return d;
}

bool csr_exists(const struct hart *h, unsigned csr) { return csr_lookup(h, csr) != NULL; }
bool csr_implemented(unsigned csr) { return csr_find(csr) != NULL; }

int csr_read(struct hart *h, unsigned csr, uint64_t *value)
{
    const struct csr_def *d = csr_lookup(h, csr);
    if (!d)
        return CAUSE_ILLEGAL_INSTRUCTION;
    *value = d->read(h, csr);
    return 0;
}

int csr_write(struct hart *h, unsigned csr, uint64_t value)
{
    const struct csr_def *d = csr_lookup(h, csr);
    if (!d || CSR_READ_ONLY(csr))
        return CAUSE_ILLEGAL_INSTRUCTION;
    if (d->write)
        d->write(h, csr, value);
    return 0;
}

uint64_t hart_time(const struct hart *h) { return h->env.read_time ? h->env.read_time(h->env.opaque) : 0; }

/* Sstc (priv. spec 20211203 + Sstc 1.0): with menvcfg.STCE set, STIP is
 * (time >= stimecmp) and no longer software-writable. */
void hart_update_timer_irqs(struct hart *h)
{
    if (hart_wfi(h) && hart_wrs(h) && hart_time(h) >= h->wrs_deadline) { /* WRS.STO's timeout (cpu/resv.h) */
        hart_set_wfi(h, false);
        hart_set_wrs(h, false);
    }
    if (!(h->menvcfg & MENVCFG_STCE))
        return;
    bool due = hart_time(h) >= h->stimecmp;
    bool now = (hart_pending(h) & MIP_STIP) != 0;
    if (due && !now)
        hart_set_pending(h, MIP_STIP);
    else if (!due && now)
        hart_clear_pending(h, MIP_STIP);
}
