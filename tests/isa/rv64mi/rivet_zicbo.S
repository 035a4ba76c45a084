/*
 * rv64mi/rivet_zicbo: Zicbom, Zicboz and Zicbop without paging (CMO 1.0.1).
 * - cbo.zero clears exactly the 64-byte block holding rs1; clean, flush and
 *   inval leave memory alone (rivet has no caches);
 * - M-mode needs no enable; below M, menvcfg.CBCFE/CBIE/CBZE, and in U
 *   senvcfg's too, or the instruction is illegal with tval = its bits;
 *   CBIE's reserved 10 keeps the old value (WARL);
 * - where no load or store may go (no memory; PMP with X only) a
 *   management instruction raises a store access fault, tval = rs1; cbo.zero
 *   needs a store's permission and RAM (a device does not take it);
 * - prefetches never trap.
 * QEMU 7.2 differs on the PMP and device cases, hence the rivet_ name.
 */
# isa-march: rv64gc_zicbom_zicbop_zicboz
# isa-args: -cpu rv64,zicbom=on,zicboz=on,zicbop=on
#include "../priv-common/priv.h"

#define ENV_CBIE_FLUSH 0x10
#define ENV_CBIE_INVAL 0x30
#define ENV_CBCFE      0x40
#define ENV_CBZE       0x80
#define PATTERN        0x5a5a5a5a5a5a5a5a
/* The instructions with rs1 = s1 (x9), as mtval shows them. */
#define INVAL_S1 0x0004a00f
#define CLEAN_S1 0x0014a00f
#define FLUSH_S1 0x0024a00f
#define ZERO_S1  0x0044a00f
/* A RAM page beyond the program, for PMP entry 0. */
#define PMP_PAGE 0x80100000

    .macro fill_buf
    la t0, buf
    li t1, PATTERN
    li t2, 24
1:  sd t1, 0(t0)
    addi t0, t0, 8
    addi t2, t2, -1
    bnez t2, 1b
    .endm

PRIV_BEGIN
    /* 1-4: M-mode with every enable off: cbo.zero clears the block of rs1 */
    csrw menvcfg, zero
    csrw senvcfg, zero
    fill_buf
    la s1, buf + 64 + 13
    cbo.zero (s1)
    la t0, buf
    ld a0, 56(t0)
    CHECK(1, a0, PATTERN)
    ld a0, 64(t0)
    CHECK(2, a0, 0)
    ld a0, 120(t0)
    CHECK(3, a0, 0)
    ld a0, 128(t0)
    CHECK(4, a0, PATTERN)
    /* 5: clean, flush and inval change nothing */
    fill_buf
    cbo.clean (s1)
    cbo.flush (s1)
    cbo.inval (s1)
    la t0, buf
    ld a0, 64(t0)
    CHECK(5, a0, PATTERN)
    /* 6-8: no memory at 8: store access fault with tval = rs1; a device
     * takes a management instruction but not cbo.zero */
    li s1, 8
    EXPECT_TRAP(CAUSE_STORE_ACCESS)
    cbo.clean (s1)
    CHECK_TRAP(6, CAUSE_STORE_ACCESS, 8)
    li s1, 0x10000005
    EXPECT_TRAP(CAUSE_STORE_ACCESS)
    cbo.zero (s1)
    CHECK_TRAP(7, CAUSE_STORE_ACCESS, 0x10000005)
    li TESTNUM, 8
    cbo.flush (s1)
    /* 9: prefetches are hints: nothing traps, even where nothing is */
    li TESTNUM, 9
    li s1, 8
    prefetch.r 0(s1)
    prefetch.w 64(s1)
    prefetch.i 0(s1)

    /* 10-13: the enables are WARL; CBIE = 10 keeps the old value */
    li a0, -1
    csrw menvcfg, a0
    CHECK_CSR(10, menvcfg, 0xff, 0xf1)
    li a0, 0x20
    csrw menvcfg, a0
    CHECK_CSR(11, menvcfg, 0xff, 0x30)
    li a0, -1
    csrw senvcfg, a0
    CHECK_CSR(12, senvcfg, -1, 0xf1)
    li a0, 0x20
    csrw senvcfg, a0
    CHECK_CSR(13, senvcfg, -1, 0x30)

    /* 14-17: S with menvcfg off: illegal, tval = the instruction */
    csrw menvcfg, zero
    csrw senvcfg, zero
    la s1, buf
    TRY_MODE(14, PRV_S, CAUSE_ILLEGAL_INSN, CLEAN_S1, cbo.clean (s1))
    TRY_MODE(15, PRV_S, CAUSE_ILLEGAL_INSN, FLUSH_S1, cbo.flush (s1))
    TRY_MODE(16, PRV_S, CAUSE_ILLEGAL_INSN, INVAL_S1, cbo.inval (s1))
    TRY_MODE(17, PRV_S, CAUSE_ILLEGAL_INSN, ZERO_S1, cbo.zero (s1))
    /* 18-20: CBCFE enables clean and flush, nothing else */
    li a0, ENV_CBCFE
    csrw menvcfg, a0
    TRY_MODE(18, PRV_S, CAUSE_SUPERVISOR_ECALL, 0, cbo.clean (s1); cbo.flush (s1))
    TRY_MODE(19, PRV_S, CAUSE_ILLEGAL_INSN, INVAL_S1, cbo.inval (s1))
    TRY_MODE(20, PRV_S, CAUSE_ILLEGAL_INSN, ZERO_S1, cbo.zero (s1))
    /* 21-22: CBIE = 01 enables inval (as a flush), CBZE zero */
    li a0, ENV_CBIE_FLUSH | ENV_CBZE
    csrw menvcfg, a0
    fill_buf
    TRY_MODE(21, PRV_S, CAUSE_SUPERVISOR_ECALL, 0, cbo.inval (s1); cbo.zero (s1))
    la t0, buf
    ld a0, 8(t0)
    CHECK(22, a0, 0)

    /* 23-27: U needs senvcfg as well as menvcfg */
    li a0, ENV_CBIE_INVAL | ENV_CBCFE | ENV_CBZE
    csrw menvcfg, a0
    TRY_MODE(23, PRV_U, CAUSE_ILLEGAL_INSN, CLEAN_S1, cbo.clean (s1))
    TRY_MODE(24, PRV_U, CAUSE_ILLEGAL_INSN, INVAL_S1, cbo.inval (s1))
    TRY_MODE(25, PRV_U, CAUSE_ILLEGAL_INSN, ZERO_S1, cbo.zero (s1))
    li a0, ENV_CBIE_FLUSH | ENV_CBCFE | ENV_CBZE
    csrw senvcfg, a0
    TRY_MODE(26, PRV_U, CAUSE_USER_ECALL, 0, cbo.clean (s1); cbo.flush (s1); cbo.inval (s1); cbo.zero (s1))
    csrw menvcfg, zero
    TRY_MODE(27, PRV_U, CAUSE_ILLEGAL_INSN, CLEAN_S1, cbo.clean (s1))

    /* 28-31: PMP (entry 0 over PMP_PAGE): a management instruction needs a
     * load's or a store's permission, cbo.zero a store's; faults are store
     * access faults with tval = rs1 */
    li a0, ENV_CBIE_INVAL | ENV_CBCFE | ENV_CBZE
    csrw menvcfg, a0
    li t0, (PMP_PAGE >> 2) | 0x1ff
    csrw pmpaddr0, t0
    li t0, PMP_NAPOT | PMP_R
    csrw pmpcfg0, t0
    li s1, PMP_PAGE + 0x48
    TRY_MODE(28, PRV_S, CAUSE_SUPERVISOR_ECALL, 0, cbo.clean (s1); cbo.inval (s1))
    TRY_MODE(29, PRV_S, CAUSE_STORE_ACCESS, PMP_PAGE + 0x48, cbo.zero (s1))
    li t0, PMP_NAPOT | PMP_X
    csrw pmpcfg0, t0
    TRY_MODE(30, PRV_S, CAUSE_STORE_ACCESS, PMP_PAGE + 0x48, cbo.flush (s1))
    li t0, PMP_NAPOT | PMP_R | PMP_W
    csrw pmpcfg0, t0
    li t0, -1
    li t1, PMP_PAGE + 0x40
    sd t0, 0(t1)
    TRY_MODE(31, PRV_S, CAUSE_SUPERVISOR_ECALL, 0, cbo.zero (s1))
    li t1, PMP_PAGE + 0x40
    ld a0, 0(t1)
    CHECK(32, a0, 0)
    csrw pmpcfg0, zero
PRIV_END

    .data
    .align 6
buf: .skip 192
