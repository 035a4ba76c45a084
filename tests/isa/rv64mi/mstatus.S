/*
 * rv64mi/mstatus: machine CSR fields (privileged spec 3.1): misa MXL and
 * extensions, mstatus SXL/UXL/SD/FS, sstatus as a view of mstatus, the
 * delegation registers' fixed bits, satp modes, mtvec modes, mepc bit 0,
 * mcountinhibit, and mret (3.3.2: MIE <- MPIE, MPIE <- 1, MPP <- U, MPRV
 * cleared when returning below M).
 */
#include "../priv-common/priv.h"

#define MISA_IMAFDCSU 0x14112d
#define MSTATUS_FS 0x6000

PRIV_BEGIN
    /* 1-2: misa: MXL = 2 (64-bit) and I, M, A, F, D, C, S, U present */
    csrr a0, misa
    srli a1, a0, 62
    CHECK(1, a1, 2)
    li a1, MISA_IMAFDCSU
    and a2, a0, a1
    CHECK_REG(2, a2, a1)

    /* 3-4: SXL and UXL read 2; sstatus shows UXL but not SXL */
    CHECK_CSR(3, mstatus, MSTATUS_SXL | MSTATUS_UXL, 0xa00000000)
    CHECK_CSR(4, sstatus, MSTATUS_SXL | MSTATUS_UXL, 0x200000000)

    /* 5-10: SD summarizes FS = Dirty; FP writes make FS Dirty */
    li a0, MSTATUS_FS
    csrs mstatus, a0
    CHECK_CSR(5, mstatus, MSTATUS_SD | MSTATUS_FS, MSTATUS_SD | MSTATUS_FS)
    CHECK_CSR(6, sstatus, MSTATUS_SD | MSTATUS_FS, MSTATUS_SD | MSTATUS_FS)
    csrc mstatus, a0
    li a0, MSTATUS_FS_INIT
    csrs mstatus, a0
    CHECK_CSR(7, mstatus, MSTATUS_SD | MSTATUS_FS, MSTATUS_FS_INIT)
    li a0, 0x3ff0000000000000
    fmv.d.x f1, a0
    CHECK_CSR(8, mstatus, MSTATUS_SD | MSTATUS_FS, MSTATUS_SD | MSTATUS_FS)
    /* FS = Off: FP instructions and fcsr are illegal */
    li a0, MSTATUS_FS
    csrc mstatus, a0
    CHECK_CSR(9, mstatus, MSTATUS_SD | MSTATUS_FS, 0)
    EXPECT_TRAP(CAUSE_ILLEGAL_INSN)
    fadd.d f1, f1, f1
    CHECK_TRAP(10, CAUSE_ILLEGAL_INSN, 0x0210f0d3)
    EXPECT_TRAP(CAUSE_ILLEGAL_INSN)
    csrr a0, fcsr
    CHECK_TRAP(11, CAUSE_ILLEGAL_INSN, 0x00302573)
    li a0, MSTATUS_FS_INIT
    csrs mstatus, a0

    /* 12-15: sstatus is a restricted view: SIE/SPIE/SPP/SUM/MXR go through,
     * M fields neither show nor change */
    li a0, MSTATUS_SIE | MSTATUS_SUM
    csrs sstatus, a0
    CHECK_CSR(12, mstatus, MSTATUS_SIE | MSTATUS_SUM, MSTATUS_SIE | MSTATUS_SUM)
    csrc sstatus, a0
    CHECK_CSR(13, mstatus, MSTATUS_SIE | MSTATUS_SUM, 0)
    li a0, MSTATUS_MPP | MSTATUS_MIE | MSTATUS_MPIE
    csrs mstatus, a0
    CHECK_CSR(14, sstatus, MSTATUS_MPP | MSTATUS_MIE | MSTATUS_MPIE | MSTATUS_TSR, 0)
    csrc sstatus, a0
    CHECK_CSR(15, mstatus, MSTATUS_MPP | MSTATUS_MIE | MSTATUS_MPIE, MSTATUS_MPP | MSTATUS_MIE | MSTATUS_MPIE)
    li a0, MSTATUS_MIE | MSTATUS_MPIE
    csrc mstatus, a0

    /* 16-19: the usual exceptions are delegable (medeleg bit 11 is read-
     * only 0 in 1.12, but QEMU 7.2 keeps it: checked in rivet_csr); mideleg
     * holds the S interrupt bits, never the M ones */
    li a0, -1
    csrw medeleg, a0
    CHECK_CSR(17, medeleg, 0xb3ff, 0xb3ff)
    csrw medeleg, zero
    csrw mideleg, a0
    CHECK_CSR(18, mideleg, 0xaaa, 0x222)
    csrw mideleg, zero
    CHECK_CSR(19, mideleg, 0xaaa, 0)

    /* 20-23: satp: Sv39 is kept; modes 1 and 15 are not supported and the
     * whole write is ignored (4.1.11) */
    li a0, SATP_SV39 | 0x80123
    csrw satp, a0
    CHECK_CSR(20, satp, 0xf0000fffffffffff, SATP_SV39 | 0x80123)
    li a1, (1 << 60) | 0x456
    csrw satp, a1
    CHECK_CSR(21, satp, 0xf0000fffffffffff, SATP_SV39 | 0x80123)
    li a1, (15 << 60) | 0x789
    csrw satp, a1
    CHECK_CSR(22, satp, 0xf0000fffffffffff, SATP_SV39 | 0x80123)
    csrw satp, zero
    CHECK_CSR(23, satp, -1, 0)

    /* 24-25: mtvec keeps the vectored mode; stvec too */
    la a0, vec_base
    ori a0, a0, 1
    csrw mtvec, a0
    csrr a1, mtvec
    la t0, mtrap
    csrw mtvec, t0
    CHECK_REG(24, a1, a0)
    csrw stvec, a0
    csrr a1, stvec
    la t0, strap
    csrw stvec, t0
    CHECK_REG(25, a1, a0)

    /* (26-27: mepc/sepc bit 0 reads 0: QEMU 7.2 keeps it; see rivet_csr) */

    /* 28-31: mcountinhibit stops mcycle and minstret */
    csrwi mcountinhibit, 5
    csrr a0, mcycle
    csrr a1, minstret
    nop
    nop
    csrr a2, mcycle
    csrr a3, minstret
    csrwi mcountinhibit, 0
    CHECK_REG(28, a0, a2)
    CHECK_REG(29, a1, a3)
    csrr a0, minstret
    nop
    csrr a1, minstret
    li TESTNUM, 30
    beq a0, a1, fail
    /* writes to mcycle/minstret take effect */
    csrwi mcountinhibit, 5
    li a0, 1000
    csrw minstret, a0
    csrr a1, minstret
    csrwi mcountinhibit, 0
    CHECK(31, a1, 1000)

    /* 32-34: mret to M: MIE <- MPIE, MPIE <- 1, MPP <- U */
    li a0, MSTATUS_MIE
    csrc mstatus, a0
    li a0, MSTATUS_MPIE | MSTATUS_MPP
    csrs mstatus, a0
    la a0, after_mret
    csrw mepc, a0
    mret
    j fail
after_mret:
    CHECK_CSR(32, mstatus, MSTATUS_MIE | MSTATUS_MPIE | MSTATUS_MPP, MSTATUS_MIE | MSTATUS_MPIE)
    csrci mstatus, MSTATUS_MIE
    /* and with MPIE = 0: MIE stays 0 */
    li a0, MSTATUS_MPIE
    csrc mstatus, a0
    li a0, MSTATUS_MPP
    csrs mstatus, a0
    la a0, after_mret2
    csrw mepc, a0
    mret
    j fail
after_mret2:
    CHECK_CSR(33, mstatus, MSTATUS_MIE | MSTATUS_MPIE | MSTATUS_MPP, MSTATUS_MPIE)

    /* 34-37: after mret to S, a trap from S records MPIE = the MIE S ran
     * with (1), MIE = 0, MPP = S (MPRV clearing: see rivet_csr) */
    li a0, MSTATUS_MPIE
    csrs mstatus, a0
    EXPECT_TRAP_AT(CAUSE_SUPERVISOR_ECALL, back_s)
    GO_MODE(PRV_S, in_s)
in_s:
    ecall
back_s:
    CHECK_TRAP(34, CAUSE_SUPERVISOR_ECALL, 0)
    CHECK_TRAP_MSTATUS(36, MSTATUS_MIE | MSTATUS_MPIE | MSTATUS_MPP, MSTATUS_MPIE | (PRV_S << 11))
    /* a trap taken in M with MIE = 1 records MPIE = 1, MPP = M */
    csrsi mstatus, MSTATUS_MIE
    EXPECT_TRAP(CAUSE_MACHINE_ECALL)
    ecall
    CHECK_TRAP_MSTATUS(37, MSTATUS_MIE | MSTATUS_MPIE | MSTATUS_MPP, MSTATUS_MPIE | MSTATUS_MPP)
    /* the handler's mret restored MIE = 1 and left MPP = U */
    CHECK_CSR(38, mstatus, MSTATUS_MIE | MSTATUS_MPP, MSTATUS_MIE)
    csrci mstatus, MSTATUS_MIE
    j 1f
    .align 8
vec_base:
    j fail
1:
PRIV_END
