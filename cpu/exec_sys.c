/*
 * System instructions: ecall, ebreak, xRET, wfi, Zawrs, fences that end a
 * block, and the Zicsr instructions (privileged spec 20211203 3.3, unpriv. spec 9).
 */
#include "cpu/dispatch.h"
#include "cpu/hart.h"
#include "cpu/insn_table.h"
#include "cpu/resv.h"

#define MSTATUS_SPP_SHIFT 8
#define RD_X0             32 /* the decoder's write sink for rd = x0 */

INSN(ecall)
{
    uint64_t cause = h->priv == PRV_M   ? CAUSE_MACHINE_ECALL
                     : h->priv == PRV_S ? CAUSE_SUPERVISOR_ECALL
                                        : CAUSE_USER_ECALL;
    return hart_raise(h, cause, 0);
}

/* The RISC-V semihosting sequence around an ebreak (RISC-V semihosting
 * spec 1.1): all three uncompressed, in one page, as QEMU requires. */
#define SEMIHOST_ENTRY 0x01f01013u /* slli x0, x0, 0x1f */
#define SEMIHOST_EXIT  0x40705013u /* srai x0, x0, 7 */

/* The 32-bit word at va, fetched as the hart would fetch it; false when it
 * cannot be (not executable, not RAM). */
static bool fetch_word(struct hart *h, uint64_t va, uint32_t *w)
{
    uint64_t pa, tval;
    uint8_t *host;
    if (mmu_fetch_slow(&h->mmu, va, &pa, &host, &tval) != 0 || !host)
        return false;
    *w = (uint32_t)load_le(host, 4);
    return true;
}

static bool semihost_sequence(struct hart *h, uint64_t pc)
{
    uint64_t off = pc & (PAGE_SIZE - 1);
    uint32_t before, after;
    return off >= 4 && off <= PAGE_SIZE - 8 && fetch_word(h, pc - 4, &before) && before == SEMIHOST_ENTRY &&
           fetch_word(h, pc + 4, &after) && after == SEMIHOST_EXIT;
}

/* tval = the address of the ebreak, as Spike does (priv. spec 3.1.16).
 * With semihosting on, the board serves an ebreak in the semihosting
 * sequence instead (hart.h, hart_env.semihost); ebreaks are rare, so the
 * neighbours are read here, not at decode time. */
INSN(ebreak)
{
    uint64_t pc = insn_pc(h, in);
    if (__builtin_expect(h->env.semihost != NULL, 0) && in->len == 4 && semihost_sequence(h, pc)) {
        int r = h->env.semihost(h->env.opaque, h, pc);
        if (r == SEMIHOST_DONE)
            return EXEC_STOP;
        if (r == SEMIHOST_AGAIN) {
            h->pc = pc;
            return EXEC_JUMP;
        }
    }
    return hart_raise(h, CAUSE_BREAKPOINT, pc);
}

/* MRET (priv. spec 3.1.6.1): MIE <- MPIE, MPIE <- 1, MPP <- U, and leaving
 * M clears MPRV. */
INSN(mret)
{
    if (h->priv != PRV_M)
        return hart_illegal(h, in);
    uint64_t s = h->mstatus;
    unsigned mpp = (unsigned)((s & MSTATUS_MPP) >> MSTATUS_MPP_SHIFT);

    s &= ~(MSTATUS_MIE | MSTATUS_MPP);
    if (h->mstatus & MSTATUS_MPIE)
        s |= MSTATUS_MIE;
    s |= MSTATUS_MPIE;
    if (mpp != PRV_M)
        s &= ~MSTATUS_MPRV;
    h->mstatus = s;
    hart_set_priv(h, mpp, h->instret + in->idx + 1u); /* the mret retires in M */
    h->pc = h->mepc;
    hart_update_mmu(h);
    hart_end_chain(h); /* interrupts it enabled are taken before the target runs */
    return EXEC_JUMP;
}

/* SRET: illegal in U, and in S when TSR is set (priv. spec 3.1.6.5). SPP is
 * never M, so SRET always clears MPRV. */
INSN(sret)
{
    if (h->priv == PRV_U || (h->priv == PRV_S && (h->mstatus & MSTATUS_TSR)))
        return hart_illegal(h, in);
    uint64_t s = h->mstatus;
    unsigned spp = (unsigned)((s & MSTATUS_SPP) >> MSTATUS_SPP_SHIFT);

    s &= ~(MSTATUS_SIE | MSTATUS_SPP | MSTATUS_MPRV);
    if (h->mstatus & MSTATUS_SPIE)
        s |= MSTATUS_SIE;
    s |= MSTATUS_SPIE;
    h->mstatus = s;
    hart_set_priv(h, spp ? PRV_S : PRV_U, h->instret + in->idx + 1u);
    h->pc = h->sepc;
    hart_update_mmu(h);
    hart_end_chain(h); /* interrupts it enabled are taken before the target runs */
    return EXEC_JUMP;
}

/* WFI: illegal in U (S is implemented) and in S when TW is set (priv. spec
 * 3.1.6.5). It returns at once when an interrupt is locally enabled (in
 * mie) and pending, whatever mstatus.MIE/SIE and mideleg say; otherwise the
 * hart sleeps until one is. A pending interrupt that mie masks does not end
 * it: priv. spec 3.3.3 says a hart "should avoid resuming" then, QEMU does
 * not, and firmware relies on it. OpenSBI 1.1 makes a stopped hart wait in
 * `while (state != START_PENDING) wfi();` with only MSIE and MEIE enabled,
 * and its hart_start sets START_PENDING before it writes the start address:
 * a hart that spun there through a masked MTIP could jump to the old
 * address (smp_wfi.c). */
INSN(wfi)
{
    if (h->priv == PRV_U || (h->priv == PRV_S && (h->mstatus & MSTATUS_TW)))
        return hart_illegal(h, in);
    if ((hart_pending(h) & h->mie) == 0) {
        hart_set_wrs(h, false);
        hart_set_wfi(h, true);
    }
    return EXEC_STOP;
}

/* Zawrs 1.01: with a valid reservation and no enabled interrupt pending, the hart
 * sleeps (cpu/resv.h) until the reservation set is written, an interrupt
 * enabled in mie is pending (the WFI rules) or, for WRS.STO, RESV_STO_TICKS pass; without
 * one, or when memory changed since the LR, it goes on at once. TW makes
 * WRS.NTO below M illegal when it does not complete within a bounded time:
 * rivet's bound is 0, so the trap comes before it would sleep. */
static int wrs(struct hart *h, const struct insn *in, bool timeout)
{
    if (!h->resv_valid || (hart_pending(h) & h->mie) != 0)
        return EXEC_NEXT;
    if (!timeout && h->priv != PRV_M && (h->mstatus & MSTATUS_TW))
        return hart_illegal(h, in);
    return resv_wait(h, timeout ? hart_time(h) + RESV_STO_TICKS : UINT64_MAX) ? EXEC_STOP : EXEC_NEXT;
}

INSN(wrs_nto) { return wrs(h, in, false); }
INSN(wrs_sto) { return wrs(h, in, true); }

/* SFENCE.VMA: illegal in U, and in S when TVM is set. With an address
 * (rs1 != x0) only that page's cached translations go, unless superpages
 * make it everything (hart_flush_page); without one, all of them. The ASID
 * operand is ignored: every flush covers all address spaces. */
INSN(sfence_vma)
{
    if (h->priv == PRV_U || (h->priv == PRV_S && (h->mstatus & MSTATUS_TVM)))
        return hart_illegal(h, in);
    if (in->rs1 != 0)
        hart_flush_page(h, h->x[in->rs1]);
    else
        hart_flush_tlb(h);
    return EXEC_STOP;
}

/* Svinval: sinval.vma invalidates at once what sfence.vma would (with the
 * same checks), so the fences around a batch of them have nothing left to
 * order; they are illegal in U only (mstatus.TVM does not trap them). */
INSN(sinval_vma) { return exec_sfence_vma(h, in); }

INSN(sfence_w_inval) { return h->priv == PRV_U ? hart_illegal(h, in) : EXEC_NEXT; }
INSN(sfence_inval_ir) { return exec_sfence_w_inval(h, in); }

/* Stores to pages holding decoded code already invalidate their blocks, so
 * FENCE.I only has to end the block. */
INSN(fence_i) { return EXEC_STOP; }

/* ---- Zicsr ---- */

enum csr_op { CSR_OP_WRITE, CSR_OP_SET, CSR_OP_CLEAR };

/* Whether the block must end after a CSR write: when an interrupt is pending
 * and enabled in mie (the write may have made it deliverable: the run loop
 * decides), and after satp and PMP writes, which change what later fetches
 * may see. Everything else a CSR holds is read afresh by the instructions
 * that depend on it (FS, frm, the TLB context for SUM, MXR and MPRV), so the
 * block goes on: kernels read and write CSRs all through their trap paths. */
static bool csr_write_ends_block(const struct hart *h, unsigned csr)
{
    return csr == CSR_SATP || (csr >= CSR_PMPCFG0 && csr <= CSR_PMPADDR63) || (hart_pending(h) & h->mie) != 0;
}

/* One CSR instruction. Reads happen unless a CSRRW(I) has rd = x0; writes
 * happen unless a CSRRS/C(I) has a zero source register or immediate
 * (unpriv. spec 9.1). rd is written only once both steps succeeded. */
static int csr_access(struct hart *h, const struct insn *in, enum csr_op op, uint64_t src, bool src_zero)
{
    unsigned csr = (unsigned)in->imm & 0xfff;
    bool do_read = op != CSR_OP_WRITE || in->rd != RD_X0;
    bool do_write = op == CSR_OP_WRITE || !src_zero;
    uint64_t old = 0, val = src;

    if (do_read && csr_read(h, csr, &old) != 0)
        return hart_illegal(h, in);
    if (op == CSR_OP_SET)
        val = old | src;
    else if (op == CSR_OP_CLEAR)
        val = old & ~src;
    if (do_write && csr_write(h, csr, val) != 0)
        return hart_illegal(h, in);
    h->x[in->rd] = old;
    return do_write && csr_write_ends_block(h, csr) ? EXEC_STOP : EXEC_NEXT;
}

/* The run loop adds a block's retired instructions to h->instret when the
 * block ends (run.c); csr.c wants the count of every instruction retired
 * before this one, so the earlier instructions of the block are counted in
 * while the CSR is accessed. */
static int csr_op(struct hart *h, const struct insn *in, enum csr_op op, uint64_t src, bool src_zero)
{
    h->instret += in->idx;
    int r = csr_access(h, in, op, src, src_zero);
    h->instret -= in->idx;
    return r;
}

INSN(csrrw) { return csr_op(h, in, CSR_OP_WRITE, h->x[in->rs1], false); }
INSN(csrrs) { return csr_op(h, in, CSR_OP_SET, h->x[in->rs1], in->rs1 == 0); }
INSN(csrrc) { return csr_op(h, in, CSR_OP_CLEAR, h->x[in->rs1], in->rs1 == 0); }
INSN(csrrwi) { return csr_op(h, in, CSR_OP_WRITE, in->rs1, false); }
INSN(csrrsi) { return csr_op(h, in, CSR_OP_SET, in->rs1, in->rs1 == 0); }
INSN(csrrci) { return csr_op(h, in, CSR_OP_CLEAR, in->rs1, in->rs1 == 0); }
