/*
 * rvv/rivet_novector: without V (the default model): misa.V is clear,
 * vector instructions and CSRs are illegal, mstatus.VS and sstatus.VS
 * read 0 whatever is written.
 */
# isa-march: rv64gcv
# isa-args: -cpu rv64
#include "rvv.h"

TEST_BEGIN
    csrr a0, misa
    srli a0, a0, 21
    andi a0, a0, 1
    CHECK(1, a0, 0)
    li t0, MSTATUS_VS_MASK
    csrs mstatus, t0
    csrr a0, mstatus
    andi a0, a0, MSTATUS_VS_MASK
    CHECK(2, a0, 0)
    csrs sstatus, t0
    csrr a0, sstatus
    andi a0, a0, MSTATUS_VS_MASK
    CHECK(3, a0, 0)
    EXPECT_TRAP(CAUSE_ILLEGAL_INSN)
    vsetvli a0, x0, e8, m1, ta, ma
    CHECK_TRAP(4, CAUSE_ILLEGAL_INSN, 0x0c007557)
    EXPECT_TRAP(CAUSE_ILLEGAL_INSN)
    csrr a0, vlenb
    CHECK_TRAP(5, CAUSE_ILLEGAL_INSN, 0xc2202573)
    EXPECT_TRAP(CAUSE_ILLEGAL_INSN)
    la a1, buf
    vle8.v v1, (a1)
    CHECK_TRAP(6, CAUSE_ILLEGAL_INSN, 0x02058087)
TEST_END
RVV_HELPERS

TEST_DATA_BEGIN
buf: .zero 64
