/*
 * rv64mi/rivet_zihpm: Zihpm without Sscofpmf (cpu/pmu.c). The counters
 * count (event 2, instructions, exactly) and mcountinhibit has their bits,
 * but mhpmevent keeps only its selector (no OF, no xINH filtering), a wrap
 * raises nothing, LCOFI (bit 13 of mie, mip, mideleg) is read-only 0 and
 * scountovf does not exist.
 */
# isa-args: -cpu rva23s64,sscofpmf=off
#include "../priv-common/priv.h"

PRIV_BEGIN
    /* 1: exact count of instructions */
    li a0, 2
    csrw mhpmevent7, a0
    csrw mhpmcounter7, zero
    nop
    nop
    csrr a0, mhpmcounter7
    CHECK(1, a0, 2)
    /* 2-3: mcountinhibit bits 3..31 */
    li a0, -1
    csrw mcountinhibit, a0
    CHECK_CSR(2, mcountinhibit, -1, 0xfffffffd)
    csrr a1, mhpmcounter7
    nop
    csrr a2, mhpmcounter7
    CHECK_REG(3, a1, a2)
    csrw mcountinhibit, zero
    /* 4: only the selector of mhpmevent */
    li a0, -1
    csrw mhpmevent7, a0
    CHECK_CSR(4, mhpmevent7, -1, 0x00ffffffffffffff)
    /* 5: MINH means nothing: M instructions count */
    li a0, (1 << 62) | 2
    csrw mhpmevent7, a0
    csrw mhpmcounter7, zero
    nop
    csrr a0, mhpmcounter7
    CHECK(5, a0, 1)
    /* 6-9: a wrap raises nothing; LCOFI bits are read-only 0 */
    li a0, -1
    csrw mhpmcounter7, a0
    nop
    nop
    CHECK_CSR(6, mip, 1 << 13, 0)
    li a0, 1 << 13
    csrw mie, a0
    CHECK_CSR(7, mie, -1, 0)
    csrw mideleg, a0
    CHECK_CSR(8, mideleg, -1, 0)
    csrs mip, a0
    CHECK_CSR(9, mip, 1 << 13, 0)
    EXPECT_TRAP(CAUSE_ILLEGAL_INSN)
    csrr a0, 0xda0
    CHECK_TRAP(10, CAUSE_ILLEGAL_INSN, 0xda002573)
PRIV_END
