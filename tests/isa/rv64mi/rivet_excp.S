/*
 * rv64mi/rivet_excp: exception details where the spec allows several
 * behaviours and rivet documents its choice (QEMU differs, so this program
 * only passes on rivet):
 * - ebreak/c.ebreak write the pc to mtval (3.1.16 allows 0 or the pc);
 * - an AMO to an address with no memory or device is a store/AMO access
 *   fault (cause 7), as for any AMO fault (QEMU reports a load fault).
 */
#include "../priv-common/priv.h"

PRIV_BEGIN
    la a1, brk32
    EXPECT_TRAP(CAUSE_BREAKPOINT)
brk32:
    ebreak
    CHECK_TRAP_REG(1, CAUSE_BREAKPOINT, a1)
    CHECK_EPC(2, brk32)
    la a1, brk16
    EXPECT_TRAP(CAUSE_BREAKPOINT)
brk16:
    c.ebreak
    CHECK_TRAP_REG(3, CAUSE_BREAKPOINT, a1)
    CHECK_EPC(4, brk16)

    li a1, 0x80
    EXPECT_TRAP(CAUSE_STORE_ACCESS)
amo:
    amoadd.d a0, a1, (a1)
    CHECK_TRAP(5, CAUSE_STORE_ACCESS, 0x80)
    CHECK_EPC(6, amo)
    li a1, 0x4000000008
    EXPECT_TRAP(CAUSE_STORE_ACCESS)
    amoswap.w a0, a1, (a1)
    CHECK_TRAP(7, CAUSE_STORE_ACCESS, 0x4000000008)
    li a1, 0x40
    /* lr.d is a load: load access fault */
    EXPECT_TRAP(CAUSE_LOAD_ACCESS)
    lr.d a0, (a1)
    CHECK_TRAP(8, CAUSE_LOAD_ACCESS, 0x40)
PRIV_END
