/*
 * rv64si/intr_precise: an interrupt made takeable by an explicit CSR write
 * is taken right after that write (privileged spec 3.1.9: the conditions
 * "must also be evaluated immediately following ... an explicit write to a
 * CSR on which these interrupt trap conditions expressly depend (including
 * mip, mie, mstatus, and mideleg)"), so the epc is the next instruction.
 * Uses the software-writable SSIP.
 */
#include "../priv-common/priv.h"

#define SI(c) (INTR | (c))

/* Run the enabling instruction `insn` in M; the SSI must come right after. */
#define TEST_M_AFTER(n, insn...)                                              \
    li TESTNUM, n;                                                            \
    EXPECT_TRAP_AT(SI(IRQ_SSI), 2f);                                          \
    insn;                                                                     \
1:  nop;                                                                      \
    j fail;                                                                   \
2:  CHECK_TRAP(n, SI(IRQ_SSI), 0);                                            \
    CHECK_EPC(n, 1b);                                                         \
    csrci mstatus, MSTATUS_MIE;                                               \
    csrw mie, zero;                                                           \
    csrci mip, MIP_SSIP

PRIV_BEGIN
    csrw mideleg, zero
    /* 1: writing mie */
    csrsi mip, MIP_SSIP
    csrsi mstatus, MSTATUS_MIE
    TEST_M_AFTER(1, csrsi mie, MIP_SSIP)
    /* 2: writing mstatus.MIE */
    csrsi mip, MIP_SSIP
    csrsi mie, MIP_SSIP
    TEST_M_AFTER(2, csrsi mstatus, MSTATUS_MIE)
    /* 3: writing mip */
    csrsi mie, MIP_SSIP
    csrsi mstatus, MSTATUS_MIE
    TEST_M_AFTER(3, csrsi mip, MIP_SSIP)

    /* 4-5: in S, writing sstatus.SIE and sie for a delegated SSI */
    li a0, MIP_SSIP
    csrw mideleg, a0
    csrw mie, a0
    csrsi mip, MIP_SSIP
    li TESTNUM, 4
    EXPECT_STRAP_AT(SI(IRQ_SSI), s_back1)
    EXPECT_TRAP_AT(CAUSE_SUPERVISOR_ECALL, m_back1)
    csrci mstatus, MSTATUS_SIE
    GO_MODE(PRV_S, s1)
s1:
    nop
    csrsi sstatus, MSTATUS_SIE
s1_next:
    nop
    j fail
s_back1:
    csrci sip, MIP_SSIP
    ecall
m_back1:
    CHECK_TRAP(4, CAUSE_SUPERVISOR_ECALL, 0)
    CHECK_STRAP(4, SI(IRQ_SSI), 0)
    CHECK_SEPC(5, s1_next)
    csrw mie, zero
    csrsi mip, MIP_SSIP
    li TESTNUM, 6
    EXPECT_STRAP_AT(SI(IRQ_SSI), s_back2)
    EXPECT_TRAP_AT(CAUSE_SUPERVISOR_ECALL, m_back2)
    csrsi mstatus, MSTATUS_SIE
    GO_MODE(PRV_S, s2)
s2:
    nop
    csrsi sie, MIP_SSIP
s2_next:
    nop
    j fail
s_back2:
    csrci sip, MIP_SSIP
    ecall
m_back2:
    CHECK_TRAP(6, CAUSE_SUPERVISOR_ECALL, 0)
    CHECK_STRAP(6, SI(IRQ_SSI), 0)
    CHECK_SEPC(7, s2_next)

    /* 8-9: writing mideleg from M: the SSI becomes M's, taken at once
     * (MIE = 1), instead of waiting for S */
    csrsi mip, MIP_SSIP
    li a0, MIP_SSIP
    csrw mie, a0
    csrsi mstatus, MSTATUS_MIE
    TEST_M_AFTER(8, csrw mideleg, zero)
PRIV_END
