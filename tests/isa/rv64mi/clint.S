/*
 * rv64mi/clint: machine interrupts from the CLINT (msip at 0x2000000,
 * mtimecmp at 0x2004000, mtime at 0x200bff8, the standard layout of both
 * QEMU's spike and virt boards): mip.MSIP/MTIP follow the device, the
 * interrupts are taken in M when MIE and mie agree, MSI before MTI
 * (privileged spec 3.1.9), wfi wakes up on a pending enabled interrupt even
 * with MIE = 0 (3.3.3); mtime advances.
 */
#include "../priv-common/priv.h"

#define CLINT_MSIP     0x2000000
#define CLINT_MTIMECMP 0x2004000
#define CLINT_MTIME    0x200bff8

PRIV_BEGIN
    li s0, CLINT_MSIP
    li s1, CLINT_MTIMECMP
    li s2, CLINT_MTIME
    li t0, -1
    sd t0, 0(s1)
    sw zero, 0(s0)

    /* 1-3: msip drives mip.MSIP; mip.MSIP itself is read-only */
    CHECK_CSR(1, mip, MIP_MSIP | MIP_MTIP, 0)
    li t0, 1
    sw t0, 0(s0)
    CHECK_CSR(2, mip, MIP_MSIP, MIP_MSIP)
    csrci mip, MIP_MSIP
    CHECK_CSR(3, mip, MIP_MSIP, MIP_MSIP)

    /* 4-6: taken when MIE and mie.MSIE are set, at a precise point */
    li t0, MIP_MSIP
    csrw mie, t0
    EXPECT_TRAP_AT(INTR | IRQ_MSI, back1)
    csrsi mstatus, MSTATUS_MIE
    li t0, 1000
1:  addi t0, t0, -1
    bnez t0, 1b
    j fail
back1:
    CHECK_TRAP(4, INTR | IRQ_MSI, 0)
    CHECK_TRAP_MSTATUS(5, MSTATUS_MIE | MSTATUS_MPIE | MSTATUS_MPP, MSTATUS_MPIE | MSTATUS_MPP)
    sw zero, 0(s0)
    CHECK_CSR(6, mip, MIP_MSIP, 0)

    /* 7-8: mtimecmp <= mtime raises MTIP; a far mtimecmp drops it */
    sd zero, 0(s1)
    CHECK_CSR(7, mip, MIP_MTIP, MIP_MTIP)
    li t0, -1
    sd t0, 0(s1)
    CHECK_CSR(8, mip, MIP_MTIP, 0)

    /* 9-10: both pending: MSI is taken before MTI */
    li t0, 1
    sw t0, 0(s0)
    sd zero, 0(s1)
    li t0, MIP_MSIP | MIP_MTIP
    csrw mie, t0
    EXPECT_TRAP_AT(INTR | IRQ_MSI, back2)
    csrsi mstatus, MSTATUS_MIE
    j fail
back2:
    CHECK_TRAP(9, INTR | IRQ_MSI, 0)
    sw zero, 0(s0)
    EXPECT_TRAP_AT(INTR | IRQ_MTI, back3)
    csrsi mstatus, MSTATUS_MIE
    j fail
back3:
    CHECK_TRAP(10, INTR | IRQ_MTI, 0)
    li t0, -1
    sd t0, 0(s1)

    /* 11-12: wfi with MIE = 0 returns once the timer fires, no trap */
    li t0, MIP_MTIP
    csrw mie, t0
    ld t0, 0(s2)
    addi t0, t0, 100
    sd t0, 0(s1)
    li TESTNUM, 11
    wfi
    li t0, 1000000
2:  csrr t1, mip
    andi t1, t1, MIP_MTIP
    bnez t1, 3f
    addi t0, t0, -1
    bnez t0, 2b
    j fail
3:  la t6, trap_count
    ld t5, 0(t6)
    CHECK(12, t5, 0)

    /* 13-14: with MIE = 1 the pending timer is taken (right away here) */
    EXPECT_TRAP_AT(INTR | IRQ_MTI, back4)
    csrsi mstatus, MSTATUS_MIE
    wfi
after_wfi:
    j fail
back4:
    CHECK_TRAP(13, INTR | IRQ_MTI, 0)
    li t0, -1
    sd t0, 0(s1)
    csrw mie, zero
    /* and mtime runs */
    ld t0, 0(s2)
    li t1, 100000
4:  addi t1, t1, -1
    bnez t1, 4b
    ld t1, 0(s2)
    li TESTNUM, 14
    bgeu t0, t1, fail
PRIV_END
