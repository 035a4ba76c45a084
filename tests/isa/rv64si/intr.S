/*
 * rv64si/intr: interrupts raised by M-mode through the writable mip bits
 * SSIP/STIP/SEIP (privileged spec 3.1.9): delegation by mideleg, global
 * enables (an interrupt for a mode above the current one is always
 * enabled; a delegated one is never taken in M), priority (3.1.9: MEI, MSI,
 * MTI, SEI, SSI, STI; interrupts for M before those for S), vectored stvec
 * and mtvec (base + 4 * cause).
 */
#include "../priv-common/priv.h"

#define SI(c) (INTR | (c))

/* Leave M for S at label `s_entry`, with sstatus.SIE = sie_on. */
#define ENTER_S(sie_on, s_entry)                                              \
    csrci mstatus, MSTATUS_SIE;                                               \
    .if sie_on;                                                               \
    csrsi mstatus, MSTATUS_SIE;                                               \
    .endif;                                                                   \
    GO_MODE(PRV_S, s_entry)

/* Count of recorded S traps must be `cnt` (and is reset). */
#define CHECK_SCOUNT(n, cnt)                                                  \
    li TESTNUM, n;                                                            \
    la t6, s_count;                                                           \
    ld t5, 0(t6);                                                             \
    sd zero, 0(t6);                                                           \
    li t6, cnt;                                                               \
    bne t5, t6, fail

PRIV_BEGIN
    li a0, MIP_SSIP | MIP_STIP | MIP_SEIP
    csrw mie, a0

    /* 1-3: SSIP delegated, S with SIE: taken in S at the first instruction */
    csrw mideleg, a0
    csrsi mip, MIP_SSIP
    EXPECT_STRAP_AT(SI(IRQ_SSI), s_back1)
    EXPECT_TRAP_AT(CAUSE_SUPERVISOR_ECALL, m_back1)
    ENTER_S(1, s1)
s1:
    j fail
s_back1:
    csrci sip, MIP_SSIP     /* S may clear its own software interrupt */
    ecall
m_back1:
    CHECK_TRAP(1, CAUSE_SUPERVISOR_ECALL, 0)
    CHECK_STRAP(1, SI(IRQ_SSI), 0)
    CHECK_SEPC(2, s1)
    CHECK_STRAP_SSTATUS(3, MSTATUS_SPP | MSTATUS_SPIE | MSTATUS_SIE, MSTATUS_SPP | MSTATUS_SPIE)
    CHECK_CSR(4, mip, MIP_SSIP, 0)

    /* 5: SIE = 0 in S: the delegated interrupt waits */
    csrsi mip, MIP_SSIP
    EXPECT_TRAP_AT(CAUSE_SUPERVISOR_ECALL, m_back2)
    ENTER_S(0, s2)
s2:
    nop
    nop
    ecall
m_back2:
    CHECK_TRAP(5, CAUSE_SUPERVISOR_ECALL, 0)
    CHECK_SCOUNT(6, 0)

    /* 7: a delegated interrupt is never taken in M, even with MIE = 1 */
    csrsi mstatus, MSTATUS_MIE
    nop
    nop
    csrci mstatus, MSTATUS_MIE
    CHECK_SCOUNT(7, 0)
    /* and in U it is taken in S whatever SIE */
    EXPECT_STRAP_AT(SI(IRQ_SSI), s_back3)
    EXPECT_TRAP_AT(CAUSE_SUPERVISOR_ECALL, m_back3)
    csrci mstatus, MSTATUS_SIE
    GO_MODE(PRV_U, u3)
u3:
    j fail
s_back3:
    csrci sip, MIP_SSIP
    ecall
m_back3:
    CHECK_TRAP(8, CAUSE_SUPERVISOR_ECALL, 0)
    CHECK_STRAP(8, SI(IRQ_SSI), 0)
    CHECK_SEPC(9, u3)
    CHECK_STRAP_SSTATUS(10, MSTATUS_SPP, 0)

    /* 11-14: not delegated: not taken in M with MIE = 0, but taken as soon
     * as S runs, MIE = 0 notwithstanding */
    csrw mideleg, zero
    csrsi mip, MIP_SSIP
    nop
    nop
    CHECK_SCOUNT(11, 0)
    EXPECT_TRAP_AT(SI(IRQ_SSI), m_back4)
    ENTER_S(0, s4)
s4:
    j fail
m_back4:
    CHECK_TRAP(12, SI(IRQ_SSI), 0)
    CHECK_EPC(13, s4)
    CHECK_TRAP_MSTATUS(14, MSTATUS_MPP | MSTATUS_MIE, PRV_S << 11)
    /* 15-16: and from U */
    EXPECT_TRAP_AT(SI(IRQ_SSI), m_back5)
    GO_MODE(PRV_U, u5)
u5:
    j fail
m_back5:
    CHECK_TRAP(15, SI(IRQ_SSI), 0)
    CHECK_EPC(16, u5)
    /* 17: in M with MIE = 1 it is taken */
    EXPECT_TRAP_AT(SI(IRQ_SSI), m_back6)
    csrsi mstatus, MSTATUS_MIE
    li t0, 100
1:  addi t0, t0, -1
    bnez t0, 1b
    j fail
m_back6:
    CHECK_TRAP(17, SI(IRQ_SSI), 0)
    CHECK_TRAP_MSTATUS(18, MSTATUS_MPP | MSTATUS_MPIE | MSTATUS_MIE, MSTATUS_MPP | MSTATUS_MPIE)
    csrci mip, MIP_SSIP

    /* (19-25: SEI > SSI > STI priority: QEMU 7.2 takes the lowest-numbered
     * pending interrupt instead; see rivet_intr) */
    li a0, MIP_STIP | MIP_SSIP | MIP_SEIP
    csrc mip, a0

    j 1f
s10:
    j fail
1:
    /* 26: an interrupt for M goes before one for S even if the S one has a
     * higher priority number: STIP to M, SSIP delegated, both pending */
    li a0, MIP_SSIP
    csrw mideleg, a0
    li a0, MIP_STIP | MIP_SSIP
    csrs mip, a0
    EXPECT_TRAP_AT(SI(IRQ_STI), m_back13)
    ENTER_S(1, s10)
m_back13:
    CHECK_TRAP(26, SI(IRQ_STI), 0)
    CHECK_SCOUNT(27, 0)
    li a0, MIP_STIP | MIP_SSIP
    csrc mip, a0

    /* 28-31: vectored stvec: interrupts at base + 4 * cause, exceptions at
     * base */
    li a0, MIP_SSIP | MIP_STIP
    csrw mideleg, a0
    li a0, 1 << CAUSE_ILLEGAL_INSN
    csrw medeleg, a0
    la a0, s_vec
    ori a0, a0, 1
    csrw stvec, a0
    li a0, MIP_STIP
    csrs mip, a0
    EXPECT_STRAP_AT(SI(IRQ_STI), s_back14)
    EXPECT_TRAP_AT(CAUSE_SUPERVISOR_ECALL, m_back14)
    ENTER_S(1, s10)
s_back14:
    ecall
m_back14:
    CHECK_TRAP(28, CAUSE_SUPERVISOR_ECALL, 0)
    CHECK_STRAP(28, SI(IRQ_STI), 0)
    CHECK(29, s4, 5)
    li a0, MIP_STIP
    csrc mip, a0
    EXPECT_STRAP_AT(CAUSE_ILLEGAL_INSN, s_back15)
    EXPECT_TRAP_AT(CAUSE_SUPERVISOR_ECALL, m_back15)
    ENTER_S(0, s15)
s15:
    csrr a0, mstatus
s_back15:
    ecall
m_back15:
    CHECK_TRAP(30, CAUSE_SUPERVISOR_ECALL, 0)
    CHECK_STRAP(30, CAUSE_ILLEGAL_INSN, 0x30002573)
    CHECK(31, s4, 0)
    la a0, strap
    csrw stvec, a0

    /* 32-33: vectored mtvec: an M-level SSI lands at base + 4 */
    csrw mideleg, zero
    la a0, m_vec
    ori a0, a0, 1
    csrw mtvec, a0
    csrsi mip, MIP_SSIP
    EXPECT_TRAP_AT(SI(IRQ_SSI), m_back16)
    ENTER_S(0, s10)
m_back16:
    la a0, mtrap
    csrw mtvec, a0
    CHECK_TRAP(32, SI(IRQ_SSI), 0)
    CHECK(33, s4, 1)
    csrci mip, MIP_SSIP
    j 2f

    /* vector tables: one 4-byte jump per slot; the stubs record the slot
     * in s4, then run the common handler */
    .option push
    .option norvc
    .align 8
s_vec:
    j s_v0
    j s_v1
    j fail
    j fail
    j fail
    j s_v5
    .align 8
m_vec:
    j m_v0
    j m_v1
    .option pop
s_v0:
    li s4, 0
    j strap
s_v1:
    li s4, 1
    j strap
s_v5:
    li s4, 5
    j strap
m_v0:
    li s4, 0
    j mtrap
m_v1:
    li s4, 1
    j mtrap
2:
PRIV_END
