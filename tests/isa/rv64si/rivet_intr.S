/*
 * rv64si/rivet_intr: the priority of S-level interrupts (privileged spec
 * 3.1.9: SEI, then SSI, then STI), delegated to S or taken in M. QEMU 7.2
 * without AIA takes the lowest-numbered pending bit instead, so this program
 * passes only on rivet (and spec-conforming implementations). Also MTI
 * (from the CLINT at 0x2000000) before SSI. Context from
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
    /* 19-24: priority among delegated S interrupts: SEI, SSI, STI */
    li a0, MIP_SSIP | MIP_STIP | MIP_SEIP
    csrw mideleg, a0
    csrs mip, a0
    EXPECT_STRAP_AT(SI(IRQ_SEI), s_back7)
    EXPECT_TRAP_AT(CAUSE_SUPERVISOR_ECALL, m_back7)
    ENTER_S(1, s7)
s7:
    j fail
s_back7:
    ecall
m_back7:
    CHECK_TRAP(19, CAUSE_SUPERVISOR_ECALL, 0)
    CHECK_STRAP(19, SI(IRQ_SEI), 0)
    li a0, MIP_SEIP
    csrc mip, a0
    EXPECT_STRAP_AT(SI(IRQ_SSI), s_back8)
    EXPECT_TRAP_AT(CAUSE_SUPERVISOR_ECALL, m_back8)
    ENTER_S(1, s8)
s8:
    j fail
s_back8:
    ecall
m_back8:
    CHECK_TRAP(20, CAUSE_SUPERVISOR_ECALL, 0)
    CHECK_STRAP(20, SI(IRQ_SSI), 0)
    csrci mip, MIP_SSIP
    EXPECT_STRAP_AT(SI(IRQ_STI), s_back9)
    EXPECT_TRAP_AT(CAUSE_SUPERVISOR_ECALL, m_back9)
    ENTER_S(1, s9)
s9:
    j fail
s_back9:
    ecall
m_back9:
    CHECK_TRAP(21, CAUSE_SUPERVISOR_ECALL, 0)
    CHECK_STRAP(21, SI(IRQ_STI), 0)
    CHECK_CSR(22, sip, MIP_STIP, MIP_STIP)  /* sip shows the delegated bit */
    li a0, MIP_STIP
    csrc mip, a0

    /* 23-25: the same three not delegated, taken in M from S: same order */
    csrw mideleg, zero
    li a0, MIP_STIP | MIP_SSIP | MIP_SEIP
    csrs mip, a0
    EXPECT_TRAP_AT(SI(IRQ_SEI), m_back10)
    ENTER_S(0, s10)
s10:
    j fail
m_back10:
    CHECK_TRAP(23, SI(IRQ_SEI), 0)
    li a0, MIP_SEIP
    csrc mip, a0
    EXPECT_TRAP_AT(SI(IRQ_SSI), m_back11)
    GO_MODE(PRV_U, s10)
m_back11:
    CHECK_TRAP(24, SI(IRQ_SSI), 0)
    csrci mip, MIP_SSIP
    EXPECT_TRAP_AT(SI(IRQ_STI), m_back12)
    ENTER_S(0, s10)
m_back12:
    CHECK_TRAP(25, SI(IRQ_STI), 0)

    /* 40-41: an M timer interrupt (CLINT mtimecmp = 0) goes before a
     * non-delegated SSI: MTI outranks SSI (QEMU picks bit 1 first) */
    csrw mideleg, zero
    li t0, -1
    li t1, 0x2004000
    sd zero, 0(t1)
    li a0, MIP_MTIP | MIP_SSIP
    csrw mie, a0
    csrsi mip, MIP_SSIP
    EXPECT_TRAP_AT(SI(IRQ_MTI), m_back20)
    ENTER_S(0, s10)
m_back20:
    CHECK_TRAP(40, SI(IRQ_MTI), 0)
    li t0, -1
    li t1, 0x2004000
    sd t0, 0(t1)
    EXPECT_TRAP_AT(SI(IRQ_SSI), m_back21)
    ENTER_S(0, s10)
m_back21:
    CHECK_TRAP(41, SI(IRQ_SSI), 0)
    csrci mip, MIP_SSIP
PRIV_END
