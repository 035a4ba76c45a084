/*
 * rv64si/deleg: exception delegation (privileged spec 3.1.8): exceptions
 * delegated in medeleg and raised in U or S go to stvec with scause, stval,
 * sepc, sstatus.SPP and SPIE set; exceptions not delegated go to M; an
 * exception raised in M never goes to S, even if its bit is delegated.
 */
#include "../priv-common/priv.h"

#define DELEG ((1 << CAUSE_ILLEGAL_INSN) | (1 << CAUSE_BREAKPOINT) | (1 << CAUSE_LOAD_ACCESS) | (1 << CAUSE_STORE_ACCESS) | (1 << CAUSE_USER_ECALL))

PRIV_BEGIN
    li a0, DELEG
    csrw medeleg, a0

    /* 1-4: ecall from U delegated: S handler, scause 8, SPP = U, SPIE =
     * the SIE of S before (set here, must be cleared in the handler) */
    li a0, MSTATUS_SIE
    csrs mstatus, a0
    EXPECT_STRAP_AT(CAUSE_USER_ECALL, s_back1)
    EXPECT_TRAP_AT(CAUSE_SUPERVISOR_ECALL, m_back1)
    GO_MODE(PRV_U, u1)
u1:
    ecall
    j fail
s_back1:
    /* now in S: read what the trap did, then go back to M */
    csrr s2, sstatus
    ecall
m_back1:
    CHECK_STRAP(1, CAUSE_USER_ECALL, 0)
    CHECK_SEPC(2, u1)
    CHECK_STRAP_SSTATUS(3, MSTATUS_SPP | MSTATUS_SPIE | MSTATUS_SIE, MSTATUS_SPIE)
    CHECK_TRAP(4, CAUSE_SUPERVISOR_ECALL, 0)
    CHECK_TRAP_MSTATUS(5, MSTATUS_MPP, PRV_S << 11)

    /* 6-9: illegal instruction in S delegated: SPP = S, stval = bits */
    li a0, MSTATUS_SIE
    csrc mstatus, a0
    EXPECT_STRAP_AT(CAUSE_ILLEGAL_INSN, s_back2)
    EXPECT_TRAP_AT(CAUSE_SUPERVISOR_ECALL, m_back2)
    GO_MODE(PRV_S, s2)
s2:
    csrr a0, mstatus
    j fail
s_back2:
    ecall
m_back2:
    CHECK_STRAP(6, CAUSE_ILLEGAL_INSN, 0x30002573)
    CHECK_SEPC(7, s2)
    CHECK_STRAP_SSTATUS(8, MSTATUS_SPP | MSTATUS_SPIE | MSTATUS_SIE, MSTATUS_SPP)
    CHECK_TRAP(9, CAUSE_SUPERVISOR_ECALL, 0)

    /* 10-12: load access fault in U delegated: stval = the address */
    EXPECT_STRAP_AT(CAUSE_LOAD_ACCESS, s_back3)
    EXPECT_TRAP_AT(CAUSE_SUPERVISOR_ECALL, m_back3)
    GO_MODE(PRV_U, u3)
u3:
    li a1, 0x18
    lw a0, 0(a1)
    j fail
s_back3:
    ecall
m_back3:
    CHECK_STRAP(10, CAUSE_LOAD_ACCESS, 0x18)
    CHECK_STRAP_SSTATUS(11, MSTATUS_SPP, 0)
    CHECK_TRAP(12, CAUSE_SUPERVISOR_ECALL, 0)

    /* 13-14: ebreak in S delegated: cause 3, sepc = the ebreak */
    EXPECT_STRAP_AT(CAUSE_BREAKPOINT, s_back4)
    EXPECT_TRAP_AT(CAUSE_SUPERVISOR_ECALL, m_back4)
    GO_MODE(PRV_S, s4)
s4:
    ebreak
    j fail
s_back4:
    ecall
m_back4:
    CHECK_SEPC(13, s4)
    CHECK_TRAP(14, CAUSE_SUPERVISOR_ECALL, 0)
    li TESTNUM, 15
    la t6, s_count
    ld t5, 0(t6)
    sd zero, 0(t6)
    li t6, 1
    bne t5, t6, fail

    /* 16-18: delegated causes raised in M stay in M */
    EXPECT_TRAP(CAUSE_ILLEGAL_INSN)
    csrr a0, 0x0ff
    CHECK_TRAP(16, CAUSE_ILLEGAL_INSN, 0x0ff02573)
    li a1, 0x20
    EXPECT_TRAP(CAUSE_STORE_ACCESS)
    sd a0, 0(a1)
    CHECK_TRAP(17, CAUSE_STORE_ACCESS, 0x20)
    li TESTNUM, 18
    la t6, s_count
    ld t5, 0(t6)
    bnez t5, fail

    /* 19-21: undelegate the illegal instruction: from U it goes to M */
    li a0, 1 << CAUSE_ILLEGAL_INSN
    csrc medeleg, a0
    EXPECT_TRAP_AT(CAUSE_ILLEGAL_INSN, m_back5)
    GO_MODE(PRV_U, u5)
u5:
    csrr a0, sstatus
    j fail
m_back5:
    CHECK_TRAP(19, CAUSE_ILLEGAL_INSN, 0x10002573)
    CHECK_EPC(20, u5)
    CHECK_TRAP_MSTATUS(21, MSTATUS_MPP, PRV_U << 11)

PRIV_END
