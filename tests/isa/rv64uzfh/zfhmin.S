# Zfhmin without Zfh: loads, stores, moves and conversions of halves work;
# half arithmetic, compares and integer conversions are illegal; Zfa's
# half forms too (Zfa without Zfh).
# isa-march: rv64gc_zfh
# isa-args: -cpu rv64,zfhmin=on,zfa=on
#include "test.h"
TEST_BEGIN
    LOAD_FH(fa1, 0x3e00)            /* 1.5 */
    fcvt.s.h fa0, fa1
    CHECK_FS(1, fa0, 0x3fc00000)
    fcvt.d.h fa0, fa1
    CHECK_FD(2, fa0, 0x3ff8000000000000)
    LOAD_FS(fa2, 0x40200000)        /* 2.5 */
    fcvt.h.s fa0, fa2
    CHECK_FH(3, fa0, 0x4100)
    la a1, data
    flh fa3, 0(a1)
    fsh fa3, 2(a1)
    lw a0, 0(a1)
    CHECK(4, a0, 0x3c003c00)
    fmv.x.h a0, fa3
    CHECK(5, a0, 0x3c00)
    EXPECT_TRAP(CAUSE_ILLEGAL_INSN)
    fadd.h fa0, fa1, fa1
    CHECK_TRAP(6, CAUSE_ILLEGAL_INSN, 0x04b5f553)
    EXPECT_TRAP(CAUSE_ILLEGAL_INSN)
    feq.h a0, fa1, fa1
    CHECK_TRAP(7, CAUSE_ILLEGAL_INSN, 0xa4b5a553)
    EXPECT_TRAP(CAUSE_ILLEGAL_INSN)
    fcvt.w.h a0, fa1, rtz
    CHECK_TRAP(8, CAUSE_ILLEGAL_INSN, 0xc4059553)
    EXPECT_TRAP(CAUSE_ILLEGAL_INSN)
    .insn r 0x53, 0, 0x7a, fa0, x16, x1 /* fli.h: Zfa's half forms need Zfh */
    CHECK_TRAP(9, CAUSE_ILLEGAL_INSN, 0xf4180553)
    .insn r 0x53, 0, 0x78, fa0, x16, x1 /* fli.s 1.0 is there */
    CHECK_FS(10, fa0, 0x3f800000)
TEST_END

TEST_DATA_BEGIN
data: .word 0x00003c00
