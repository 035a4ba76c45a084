/*
 * rv64mi/rivet_csr: CSR behaviour that the 1.12 spec requires or allows and
 * rivet implements, but QEMU 7.2 (the reference we validate against) does
 * not; this program passes only on rivet:
 * - csrrs/csrrc with a non-x0 rs1 holding 0 on a read-only CSR is a write
 *   attempt, hence illegal (Zicsr 9.1);
 * - misa is exactly RV64 IMAFDCSU (QEMU adds H);
 * - MPP is WARL: writing the reserved 2 keeps the old value (rivet's
 *   choice); writing UXL/SXL keeps them at 2;
 * - medeleg bit 11 is read-only 0; mideleg is exactly SSIP/STIP/SEIP;
 * - mepc/sepc bit 0 reads 0 (3.1.14);
 * - mret to a mode below M clears MPRV (3.1.6.3);
 * - time is readable in M and gated by mcounteren.TM/scounteren.TM;
 * - mcountinhibit reads back CY and IR (bit 1 is read-only 0);
 * - mhpmcounter31/mhpmevent31 exist; minstret wraps around;
 * - the default model's HPM counters are hardwired to 0 (no Zihpm).
 */
#include "../priv-common/priv.h"

#define CSRI(csr, rs1, f3, rd) (((csr) << 20) | ((rs1) << 15) | ((f3) << 12) | ((rd) << 7) | 0x73)

PRIV_BEGIN
    li a1, 0
    EXPECT_TRAP(CAUSE_ILLEGAL_INSN)
    csrrs a0, mvendorid, a1
    CHECK_TRAP(1, CAUSE_ILLEGAL_INSN, CSRI(0xf11, 11, 2, 10))
    EXPECT_TRAP(CAUSE_ILLEGAL_INSN)
    csrrc a0, cycle, a1
    CHECK_TRAP(2, CAUSE_ILLEGAL_INSN, CSRI(0xc00, 11, 3, 10))

    CHECK_CSR(3, misa, -1, 0x800000000014112d)

    li a0, MSTATUS_MPP
    csrc mstatus, a0
    li a0, PRV_S << 11
    csrs mstatus, a0
    csrr a0, mstatus
    li a1, MSTATUS_MPP
    not a1, a1
    and a0, a0, a1
    li a1, 2 << 11
    or a0, a0, a1
    csrw mstatus, a0
    CHECK_CSR(4, mstatus, MSTATUS_MPP, PRV_S << 11)
    li a0, MSTATUS_UXL | MSTATUS_SXL
    csrs mstatus, a0
    CHECK_CSR(5, mstatus, MSTATUS_UXL | MSTATUS_SXL, 0xa00000000)
    csrc mstatus, a0
    CHECK_CSR(6, mstatus, MSTATUS_UXL | MSTATUS_SXL, 0xa00000000)
    li a0, -1
    csrs sstatus, a0
    CHECK_CSR(7, sstatus, MSTATUS_UXL, 0x200000000)
    li a0, MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP | MSTATUS_SUM | MSTATUS_MXR
    csrc sstatus, a0

    li a0, -1
    csrw medeleg, a0
    CHECK_CSR(8, medeleg, 0x800, 0)
    csrw medeleg, zero
    csrw mideleg, a0
    CHECK_CSR(9, mideleg, -1, 0x222)
    csrw mideleg, zero

    li a0, 0x80000003
    csrw mepc, a0
    CHECK_CSR(10, mepc, -1, 0x80000002)
    li a0, -1
    csrw sepc, a0
    CHECK_CSR(11, sepc, -1, -2)

    li a0, MSTATUS_MPRV | MSTATUS_MPIE
    csrs mstatus, a0
    EXPECT_TRAP_AT(CAUSE_SUPERVISOR_ECALL, back_s)
    GO_MODE(PRV_S, in_s)
in_s:
    ecall
back_s:
    CHECK_TRAP(12, CAUSE_SUPERVISOR_ECALL, 0)
    CHECK_TRAP_MSTATUS(13, MSTATUS_MPRV, 0)

    /* time: readable in M; S/U gated by bit 1 of the counter enables */
    csrr a0, time
    csrw mcounteren, zero
    csrw scounteren, zero
    EXPECT_TRAP_AT(CAUSE_ILLEGAL_INSN, back_t1)
    GO_MODE(PRV_S, in_t1)
in_t1:
    csrr a0, time
back_t1:
    CHECK_TRAP(14, CAUSE_ILLEGAL_INSN, CSRI(0xc01, 0, 2, 10))
    csrwi mcounteren, 2
    EXPECT_TRAP_AT(CAUSE_SUPERVISOR_ECALL, back_t2)
    GO_MODE(PRV_S, in_t2)
in_t2:
    csrr a0, time
    ecall
back_t2:
    CHECK_TRAP(15, CAUSE_SUPERVISOR_ECALL, 0)
    EXPECT_TRAP_AT(CAUSE_ILLEGAL_INSN, back_t3)
    GO_MODE(PRV_U, in_t3)
in_t3:
    csrr a0, time
back_t3:
    CHECK_TRAP(16, CAUSE_ILLEGAL_INSN, CSRI(0xc01, 0, 2, 10))
    csrwi scounteren, 2
    EXPECT_TRAP_AT(CAUSE_USER_ECALL, back_t4)
    GO_MODE(PRV_U, in_t4)
in_t4:
    csrr a0, time
    ecall
back_t4:
    CHECK_TRAP(17, CAUSE_USER_ECALL, 0)
    csrw mcounteren, zero
    csrw scounteren, zero

    li a0, -1
    csrw mcountinhibit, a0
    CHECK_CSR(18, mcountinhibit, 7, 5)
    csrw mcountinhibit, zero
    CHECK_CSR(19, mcountinhibit, -1, 0)

    /* 20-21: all 29 HPM counters exist (QEMU 7.2 lacks the upper ones) */
    li TESTNUM, 20
    csrr a0, mhpmcounter31
    csrr a0, mhpmevent31
    csrw mhpmevent31, zero
    li TESTNUM, 21
    csrr a0, hpmcounter31
    /* 22: minstret wraps from all ones (counts retired instructions) */
    li a0, -1
    csrw minstret, a0
    nop
    csrr a1, minstret
    li TESTNUM, 22
    li t0, 10
    bgeu a1, t0, fail

    /* 23-27: the default model has no Zihpm or Sscofpmf: the HPM counters
     * and events are read-only 0, mcountinhibit has only CY and IR, mie
     * no LCOFIE (bit 13), and scountovf does not exist */
    li a0, -1
    csrw mcountinhibit, a0
    CHECK_CSR(23, mcountinhibit, -1, 5)
    csrw mcountinhibit, zero
    li a0, 2
    csrw mhpmevent3, a0
    csrw mhpmcounter3, a0
    CHECK_CSR(24, mhpmevent3, -1, 0)
    CHECK_CSR(25, mhpmcounter3, -1, 0)
    li a0, -1
    csrw mie, a0
    CHECK_CSR(26, mie, -1, 0xaaa)
    csrw mie, zero
    EXPECT_TRAP(CAUSE_ILLEGAL_INSN)
    csrr a0, 0xda0
    CHECK_TRAP(27, CAUSE_ILLEGAL_INSN, 0xda002573)
PRIV_END
