/*
 * rv64si/sret: S-mode returns and the mstatus traps (privileged spec 3.1.6):
 * sret (SIE <- SPIE, SPIE <- 1, SPP <- U, back to the SPP mode), TSR makes
 * sret illegal in S, TVM makes satp and sfence.vma illegal in S, TW makes
 * wfi illegal in S, wfi in U is illegal, sret in U is illegal. mret in S is
 * illegal whatever the bits.
 */
#include "../priv-common/priv.h"

#define SRET_BITS 0x10200073
#define MRET_BITS 0x30200073
#define WFI_BITS  0x10500073

/* Run `insn` in `mode`; it must be an illegal instruction with bits `bits`. */
#define TEST_ILL_IN(n, mode, bits, insn...)                                   \
    li TESTNUM, n;                                                            \
    EXPECT_TRAP_AT(CAUSE_ILLEGAL_INSN, 2f);                                   \
    GO_MODE(mode, 1f);                                                        \
1:  insn;                                                                     \
    j fail;                                                                   \
2:  CHECK_TRAP(n, CAUSE_ILLEGAL_INSN, bits);                                  \
    CHECK_TRAP_MSTATUS(n, MSTATUS_MPP, (mode) << 11)

/* Run `insn` in `mode`; it must not trap (the ecall after it comes back). */
#define TEST_OK_IN(n, mode, insn...)                                          \
    li TESTNUM, n;                                                            \
    EXPECT_TRAP_AT(CAUSE_USER_ECALL + (mode), 2f);                            \
    GO_MODE(mode, 1f);                                                        \
1:  insn;                                                                     \
    ecall;                                                                    \
2:  CHECK_TRAP(n, CAUSE_USER_ECALL + (mode), 0)

PRIV_BEGIN
    /* 1-3: sret from S to U: SPP = 0, SPIE = 1 -> SIE = 1, SPIE = 1, SPP = U;
     * then U's ecall reaches M with MPP = U */
    li a0, MSTATUS_SPP | MSTATUS_SIE
    csrc mstatus, a0
    li a0, MSTATUS_SPIE
    csrs mstatus, a0
    EXPECT_TRAP_AT(CAUSE_USER_ECALL, back1)
    GO_MODE(PRV_S, in_s1)
in_s1:
    la a0, in_u1
    csrw sepc, a0
    sret
in_u1:
    ecall
back1:
    CHECK_TRAP(1, CAUSE_USER_ECALL, 0)
    CHECK_EPC(2, in_u1)
    CHECK_TRAP_MSTATUS(3, MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP | MSTATUS_MPP, MSTATUS_SIE | MSTATUS_SPIE)
    csrci mstatus, MSTATUS_SIE

    /* 4-6: sret from S to S (SPP = 1, SPIE = 0): SIE = 0, SPIE = 1, SPP = U */
    li a0, MSTATUS_SPP
    csrs mstatus, a0
    li a0, MSTATUS_SPIE | MSTATUS_SIE
    csrc mstatus, a0
    EXPECT_TRAP_AT(CAUSE_SUPERVISOR_ECALL, back2)
    GO_MODE(PRV_S, in_s2)
in_s2:
    csrsi sstatus, MSTATUS_SIE
    la a0, in_s2b
    csrw sepc, a0
    sret
in_s2b:
    ecall
back2:
    CHECK_TRAP(4, CAUSE_SUPERVISOR_ECALL, 0)
    CHECK_EPC(5, in_s2b)
    CHECK_TRAP_MSTATUS(6, MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP, MSTATUS_SPIE)

    /* 7: sret in M works too (returns to the SPP mode, here U) */
    li a0, MSTATUS_SPP
    csrc mstatus, a0
    la a0, in_u3
    csrw sepc, a0
    EXPECT_TRAP_AT(CAUSE_USER_ECALL, back3)
    sret
in_u3:
    ecall
back3:
    CHECK_TRAP(7, CAUSE_USER_ECALL, 0)

    /* 8-9: sret and mret in U are illegal; mret in S is illegal */
    TEST_ILL_IN(8, PRV_U, SRET_BITS, sret)
    TEST_ILL_IN(9, PRV_U, MRET_BITS, mret)
    TEST_ILL_IN(10, PRV_S, MRET_BITS, mret)

    /* 11-12: TSR: sret illegal in S, still fine in M */
    li a0, MSTATUS_TSR
    csrs mstatus, a0
    TEST_ILL_IN(11, PRV_S, SRET_BITS, sret)
    li a0, MSTATUS_SPP
    csrs mstatus, a0
    la a0, tsr_m
    csrw sepc, a0
    li TESTNUM, 12
    EXPECT_TRAP_AT(CAUSE_SUPERVISOR_ECALL, back_tsr)
    sret
    j fail
tsr_m:
    /* we returned to S: come back to M */
    ecall
back_tsr:
    CHECK_TRAP(12, CAUSE_SUPERVISOR_ECALL, 0)
    li a0, MSTATUS_TSR
    csrc mstatus, a0

    /* 13-17: TVM: satp access and sfence.vma illegal in S; fine without */
    li a0, MSTATUS_TVM
    csrs mstatus, a0
    TEST_ILL_IN(13, PRV_S, 0x18002573, csrr a0, satp)
    TEST_ILL_IN(14, PRV_S, 0x18059073, csrw satp, a1)
    TEST_ILL_IN(15, PRV_S, 0x12000073, sfence.vma)
    TEST_OK_IN(16, PRV_M, csrr a0, satp; sfence.vma)
    li a0, MSTATUS_TVM
    csrc mstatus, a0
    TEST_OK_IN(17, PRV_S, csrr a0, satp; sfence.vma)

    /* 18-20: TW: wfi illegal in S; wfi in U illegal whatever TW */
    li a0, MSTATUS_TW
    csrs mstatus, a0
    TEST_ILL_IN(18, PRV_S, WFI_BITS, wfi)
    TEST_ILL_IN(19, PRV_U, WFI_BITS, wfi)
    li a0, MSTATUS_TW
    csrc mstatus, a0
    TEST_ILL_IN(20, PRV_U, WFI_BITS, wfi)

    /* 21: sfence.vma in U is illegal */
    TEST_ILL_IN(21, PRV_U, 0x12000073, sfence.vma)
PRIV_END
