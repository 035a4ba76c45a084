# F extension moves, loads/stores, NaN-boxing and mstatus.FS (unprivileged
# spec 11.2, 11.5, 11.8; privileged spec 3.1.6.6): flw boxes, fsw stores the
# low word, fmv.x.w sign-extends, fmv.w.x boxes, a non-boxed single input
# reads as the canonical NaN, FS = Off makes FP instructions illegal, and an
# FP register write sets FS = Dirty and SD.
#include "test.h"
TEST_BEGIN
    la s0, buf
    li a0, 0xbf800000; sw a0, 0(s0)
    flw fa0, 0(s0)
    CHECK_FS(1, fa0, 0xbf800000)                  # boxed: upper 32 bits ones
    fmv.x.w a0, fa0
    CHECK(2, a0, 0xffffffffbf800000)              # sign-extended
    li a0, 0x7f800000; fmv.w.x fa1, a0
    fmv.x.w a0, fa1
    CHECK(3, a0, 0x7f800000)
    fmv.x.d a0, fa1
    CHECK(4, a0, 0xffffffff7f800000)
    # fsw of a double register writes its low word only
    li a0, 0x123456789abcdef0; fmv.d.x fa2, a0
    li a1, -1; sd a1, 0(s0)
    fsw fa2, 0(s0)
    ld a0, 0(s0)
    CHECK(5, a0, 0xffffffff9abcdef0)
    fmv.x.w a0, fa2                               # transfer: low bits, no check
    CHECK(6, a0, 0xffffffff9abcdef0)
    # a non-boxed value used by fadd.s is the canonical NaN
    li a0, 0x000000003f800000; fmv.d.x fa3, a0
    LOAD_FS(fa4, 0x3f800000)
    csrwi fflags, 0
    fadd.s fa0, fa3, fa4
    CHECK_FS(7, fa0, 0x7fc00000)
    CHECK_FFLAGS(8, 0)
    fmul.s fa0, fa4, fa3
    CHECK_FS(9, fa0, 0x7fc00000)
    fcvt.d.s fa0, fa3
    CHECK_FD(10, fa0, 0x7ff8000000000000)
    fcvt.w.s a0, fa3, rtz
    CHECK(11, a0, 0x7fffffff)                     # NaN saturates
    CHECK_FFLAGS(12, FFLAG_NV)
    # almost boxed (upper word 0xfffffffe) is not boxed
    li a0, 0xfffffffe3f800000; fmv.d.x fa3, a0
    fadd.s fa0, fa3, fa4
    CHECK_FS(13, fa0, 0x7fc00000)
    feq.s a0, fa3, fa3
    CHECK(14, a0, 0)
    # flw/fsw with an offset, round trip of a signaling NaN unchanged
    li a0, 0x7f800001; sw a0, 12(s0)
    flw fa5, 12(s0)
    fsw fa5, 8(s0)
    lw a0, 8(s0)
    CHECK(15, a0, 0x7f800001)
    CHECK_FFLAGS(16, 0)
    # FS: an FP write makes it Dirty and sets SD
    li a0, MSTATUS_FS_MASK; csrc mstatus, a0
    li a0, MSTATUS_FS_INIT; csrs mstatus, a0
    fmv.w.x fa0, zero
    csrr a0, mstatus
    li a1, MSTATUS_FS_MASK
    and a1, a0, a1
    CHECK(17, a1, MSTATUS_FS_DIRTY)
    srli a0, a0, 63
    CHECK(18, a0, 1)
    # FS = Off: FP loads, arithmetic, moves and fcsr accesses are illegal
    li a0, MSTATUS_FS_MASK; csrc mstatus, a0
    EXPECT_TRAP(CAUSE_ILLEGAL_INSN)
i1: flw fa0, 0(s0)
    CHECK_TRAP_AT(19, CAUSE_ILLEGAL_INSN, i1)
    EXPECT_TRAP(CAUSE_ILLEGAL_INSN)
i2: fadd.s fa0, fa1, fa2
    CHECK_TRAP_AT(20, CAUSE_ILLEGAL_INSN, i2)
    EXPECT_TRAP(CAUSE_ILLEGAL_INSN)
i3: fmv.x.w a0, fa1
    CHECK_TRAP_AT(21, CAUSE_ILLEGAL_INSN, i3)
    EXPECT_TRAP(CAUSE_ILLEGAL_INSN)
i4: csrr a0, fflags
    CHECK_TRAP_AT(22, CAUSE_ILLEGAL_INSN, i4)
    EXPECT_TRAP(CAUSE_ILLEGAL_INSN)
i5: c.fldsp fa0, 0(sp)
    CHECK_TRAP_AT(23, CAUSE_ILLEGAL_INSN, i5)
    csrr a0, mstatus
    srli a0, a0, 63
    CHECK(24, a0, 0)                              # SD clear with FS = Off
    li a0, MSTATUS_FS_INIT; csrs mstatus, a0
    fmv.x.w a0, fa1                               # legal again
    CHECK(25, a0, 0x7f800000)
TEST_END
TEST_DATA_BEGIN
    .align 4
buf: .dword 0, 0
