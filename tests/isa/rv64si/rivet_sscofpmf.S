/*
 * rv64si/rivet_sscofpmf: Zihpm and Sscofpmf (cpu/pmu.c) on -cpu rva23s64.
 * mhpmcounter3..31 count the events rivet documents (1 cycles, 2
 * instructions; one cycle per instruction) exactly: the CSR write that sets
 * a counter is not counted, every instruction after it is. mcountinhibit
 * and an unknown event freeze a counter; MINH/SINH/UINH filter by mode
 * (the mret into S retires in M, the ecall out of it does not retire).
 * A wrap from all ones to 0 sets OF, mip.LCOFIP and scountovf; with LCOFIE
 * the interrupt (cause 13) comes within a loop iteration of the overflow,
 * in M or delegated to S. hpmcounterN and scountovf below M follow
 * mcounteren/scounteren.
 */
# isa-args: -cpu rva23s64
#include "../priv-common/priv.h"

#define OF    (1 << 63)
#define MINH  (1 << 62)
#define SINH  (1 << 61)
#define UINH  (1 << 60)
#define EV_CYCLES 1
#define EV_INSNS  2
#define LCOF  (1 << 13)
#define SCOUNTOVF 0xda0

/* Check n: mhpmcounter3 from 0, `nops` nops run in `mode` (entered by
 * mret, left by ecall: `cause`), then it reads `expect` back in M. */
#define COUNT_IN(n, mode, cause, nops, expect)                                \
    csrw mhpmcounter3, zero;                                                  \
    EXPECT_TRAP_AT(cause, 2f);                                                \
    GO_MODE(mode, 1f);                                                        \
1:  .rept nops; nop; .endr;                                                   \
    ecall;                                                                    \
2:  csrr a0, mhpmcounter3;                                                    \
    CHECK_TRAP(n, cause, 0);                                                  \
    CHECK(n, a0, expect)

PRIV_BEGIN
    /* 1-3: precise counts of both events; an unknown event counts nothing */
    csrw mcountinhibit, zero
    li a0, EV_INSNS
    csrw mhpmevent3, a0
    li a0, EV_CYCLES
    csrw mhpmevent4, a0
    li a0, 0x10019
    csrw mhpmevent5, a0
    li a0, 7
    csrw mhpmcounter5, a0
    csrw mhpmcounter3, zero
    csrw mhpmcounter4, zero
    nop
    nop
    nop
    csrr a0, mhpmcounter3
    csrr a1, mhpmcounter4
    csrr a2, mhpmcounter5
    CHECK(1, a0, 4)
    CHECK(2, a1, 4)
    CHECK(3, a2, 7)

    /* 4-6: mcountinhibit freezes counter 3 only and reads back */
    li a0, 1 << 3
    csrw mcountinhibit, a0
    csrr a1, mhpmcounter3
    nop
    nop
    csrr a2, mhpmcounter3
    CHECK_REG(4, a1, a2)
    CHECK_CSR(5, mcountinhibit, -1, 1 << 3)
    csrw mcountinhibit, zero
    nop
    csrr a3, mhpmcounter3
    sub a3, a3, a2
    CHECK(6, a3, 1)

    /* 7: MINH: nothing counts in M */
    li a0, EV_INSNS | MINH
    csrw mhpmevent3, a0
    csrw mhpmcounter3, zero
    nop
    nop
    csrr a0, mhpmcounter3
    CHECK(7, a0, 0)

    /* 8: MINH: the five S instructions count; the mret, the ecall (which
     * does not retire) and the M handler do not */
    COUNT_IN(8, PRV_S, CAUSE_SUPERVISOR_ECALL, 5, 5)
    /* 9: MINH|SINH in S: nothing; 10: in U: the four U instructions */
    li a0, EV_INSNS | MINH | SINH
    csrw mhpmevent3, a0
    COUNT_IN(9, PRV_S, CAUSE_SUPERVISOR_ECALL, 2, 0)
    COUNT_IN(10, PRV_U, CAUSE_USER_ECALL, 4, 4)
    /* 11: MINH|UINH in U: nothing */
    li a0, EV_INSNS | MINH | UINH
    csrw mhpmevent3, a0
    COUNT_IN(11, PRV_U, CAUSE_USER_ECALL, 2, 0)

    /* 12-16: a wrap sets OF, LCOFIP and scountovf, no interrupt while
     * LCOFIE is clear; the counter goes on from 0 */
    li a0, EV_INSNS
    csrw mhpmevent3, a0
    li a0, -3
    csrw mhpmcounter3, a0
    nop
    nop
    nop
    nop
    nop
    csrr a0, mhpmcounter3
    CHECK(12, a0, 2)
    CHECK_CSR(13, mhpmevent3, OF | 0xff, OF | EV_INSNS)
    CHECK_CSR(14, mip, LCOF, LCOF)
    CHECK_CSR(15, SCOUNTOVF, -1, 1 << 3)
    /* no second interrupt request while OF is set */
    li a0, LCOF
    csrc mip, a0
    li a0, -1
    csrw mhpmcounter3, a0
    nop
    nop
    CHECK_CSR(16, mip, LCOF, 0)
    /* 17: clearing OF clears scountovf's bit */
    li a0, OF
    csrc mhpmevent3, a0
    CHECK_CSR(17, SCOUNTOVF, -1, 0)
    /* 18: short of a wrap: no OF */
    li a0, -10
    csrw mhpmcounter3, a0
    nop
    nop
    CHECK_CSR(18, mhpmevent3, OF, 0)
    csrw mhpmcounter3, zero

    /* 19-21: the interrupt in M, within a loop iteration of the wrap (the
     * trap handler clobbers t0-t2):
     * the counter reaches 0 at the bnez ending iteration 10 (1 + 2 * 10) */
    li a0, LCOF
    csrw mie, a0
    csrsi mstatus, MSTATUS_MIE
    EXPECT_TRAP_AT(INTR | 13, back19)
    li a0, -21
    csrw mhpmcounter3, a0
    li a3, 100
1:  addi a3, a3, -1
    bnez a3, 1b
    j fail
back19:
    CHECK_TRAP(19, INTR | 13, 0)
    li TESTNUM, 20
    li a0, 90
    bgt a3, a0, fail
    li a0, 89
    blt a3, a0, fail
    CHECK_CSR(21, mhpmevent3, OF, OF)

    /* 22-24: delegated to S: mideleg/sie bit 13, S counts only (MINH),
     * scountovf readable in S through mcounteren */
    csrci mstatus, MSTATUS_MIE
    li a0, LCOF
    csrc mip, a0
    csrw mideleg, a0
    CHECK_CSR(22, mideleg, -1, LCOF)
    li a0, EV_INSNS | MINH
    csrw mhpmevent3, a0
    li a0, -8
    csrw mhpmcounter3, a0
    li a0, 1 << 3
    csrw mcounteren, a0
    EXPECT_STRAP_AT(INTR | 13, s_back23)
    EXPECT_TRAP_AT(CAUSE_SUPERVISOR_ECALL, back23)
    csrsi mstatus, MSTATUS_SIE
    GO_MODE(PRV_S, s23)
s23:
    li a3, 100
1:  addi a3, a3, -1
    bnez a3, 1b
    j fail
s_back23:
    csrr a1, SCOUNTOVF
    csrr a2, hpmcounter3
    ecall
back23:
    csrw mie, zero
    li a0, LCOF
    csrc mip, a0
    CHECK_TRAP(23, CAUSE_SUPERVISOR_ECALL, 0)
    CHECK_STRAP(23, INTR | 13, 0)
    CHECK(24, a1, 1 << 3)
    li TESTNUM, 25
    bltz a2, fail
    /* 26: scountovf hides counters mcounteren hides from S */
    csrw mcounteren, zero
    TRY_MODE(26, PRV_S, CAUSE_SUPERVISOR_ECALL, 0, csrr a1, SCOUNTOVF)
    CHECK(27, a1, 0)

    /* 28-31: hpmcounter3 below M follows mcounteren and scounteren */
    TRY_MODE(28, PRV_S, CAUSE_ILLEGAL_INSN, 0xc0302573, csrr a0, hpmcounter3)
    li a0, 1 << 3
    csrw mcounteren, a0
    TRY_MODE(29, PRV_U, CAUSE_ILLEGAL_INSN, 0xc0302573, csrr a0, hpmcounter3)
    csrw scounteren, a0
    TRY_MODE(30, PRV_U, CAUSE_USER_ECALL, 0, csrr a0, hpmcounter3)
    /* 31: scountovf is illegal in U */
    TRY_MODE(31, PRV_U, CAUSE_ILLEGAL_INSN, 0xda002573, csrr a0, SCOUNTOVF)
PRIV_END
