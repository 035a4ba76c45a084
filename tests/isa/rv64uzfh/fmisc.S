# Zfh sign injection, fmin/fmax (-0 < +0; one NaN gives the other operand,
# two the canonical NaN; NV for a signalling one), feq (quiet) and flt/fle
# (signalling) and fclass.h over every class; then Zfhmin moves, loads and
# stores: fmv.x.h sign-extends the raw 16 bits, fmv.h.x and flh NaN-box,
# fsh stores the low 16 bits whatever the box, and a half whose upper 48
# bits are not all ones reads as the canonical NaN (NaN boxing).
# Expected values from an exact (rational) Python model of IEEE 754
# binary16 with RISC-V's NaN, saturation and tininess rules, checked on
# QEMU 7.2 (-cpu rv64,Zfh=true).
# isa-march: rv64gc_zfh
# isa-args: -cpu rv64,zfh=on
#include "test.h"
#define TEST_FCLASS_H(n, result, a)                                           \
    LOAD_FH(fa1, a);                                                          \
    fclass.h a0, fa1;                                                         \
    CHECK(n, a0, result)
TEST_BEGIN
    TEST_FRR_H_NORM(1, fsgnj.h, 0xbc00, 0x00, 0x3c00, 0xbc00)
    TEST_FRR_H_NORM(2, fsgnjn.h, 0x3c00, 0x00, 0x3c00, 0xbc00)
    TEST_FRR_H_NORM(3, fsgnjx.h, 0xbc00, 0x00, 0x3c00, 0xbc00)
    TEST_FRR_H_NORM(4, fsgnj.h, 0x3c00, 0x00, 0xbc00, 0x3c00)
    TEST_FRR_H_NORM(5, fsgnjn.h, 0xbc00, 0x00, 0xbc00, 0x3c00)
    TEST_FRR_H_NORM(6, fsgnjx.h, 0xbc00, 0x00, 0xbc00, 0x3c00)
    TEST_FRR_H_NORM(7, fsgnj.h, 0x7c01, 0x00, 0x7c01, 0x0000)
    TEST_FRR_H_NORM(8, fsgnjn.h, 0xfc01, 0x00, 0x7c01, 0x0000)
    TEST_FRR_H_NORM(9, fsgnjx.h, 0x7c01, 0x00, 0x7c01, 0x0000)
    TEST_FRR_H_NORM(10, fsgnj.h, 0x7e00, 0x00, 0xfe00, 0x3c00)
    TEST_FRR_H_NORM(11, fsgnjn.h, 0xfe00, 0x00, 0xfe00, 0x3c00)
    TEST_FRR_H_NORM(12, fsgnjx.h, 0xfe00, 0x00, 0xfe00, 0x3c00)
    TEST_FRR_H_NORM(13, fmin.h, 0x3c00, 0x00, 0x3c00, 0x4000)
    TEST_FRR_H_NORM(14, fmax.h, 0x4000, 0x00, 0x3c00, 0x4000)
    TEST_FRR_H_NORM(15, fmin.h, 0x8000, 0x00, 0x8000, 0x0000)
    TEST_FRR_H_NORM(16, fmax.h, 0x0000, 0x00, 0x8000, 0x0000)
    TEST_FRR_H_NORM(17, fmin.h, 0x8000, 0x00, 0x0000, 0x8000)
    TEST_FRR_H_NORM(18, fmax.h, 0x0000, 0x00, 0x0000, 0x8000)
    TEST_FRR_H_NORM(19, fmin.h, 0x3c00, 0x00, 0x7e00, 0x3c00)
    TEST_FRR_H_NORM(20, fmax.h, 0x3c00, 0x00, 0x7e00, 0x3c00)
    TEST_FRR_H_NORM(21, fmin.h, 0x3c00, 0x10, 0x3c00, 0x7c01)
    TEST_FRR_H_NORM(22, fmax.h, 0x3c00, 0x10, 0x3c00, 0x7c01)
    TEST_FRR_H_NORM(23, fmin.h, 0x7e00, 0x00, 0x7e00, 0x7e00)
    TEST_FRR_H_NORM(24, fmax.h, 0x7e00, 0x00, 0x7e00, 0x7e00)
    TEST_FRR_H_NORM(25, fmin.h, 0xfc00, 0x00, 0xfc00, 0x7bff)
    TEST_FRR_H_NORM(26, fmax.h, 0x7bff, 0x00, 0xfc00, 0x7bff)
    TEST_FRR_H_NORM(27, fmin.h, 0x8001, 0x00, 0x0001, 0x8001)
    TEST_FRR_H_NORM(28, fmax.h, 0x0001, 0x00, 0x0001, 0x8001)
    TEST_FCMP_H(29, feq.h, 1, 0x00, 0x3c00, 0x3c00)
    TEST_FCMP_H(30, flt.h, 0, 0x00, 0x3c00, 0x3c00)
    TEST_FCMP_H(31, fle.h, 1, 0x00, 0x3c00, 0x3c00)
    TEST_FCMP_H(32, feq.h, 0, 0x00, 0x3c00, 0x4000)
    TEST_FCMP_H(33, flt.h, 1, 0x00, 0x3c00, 0x4000)
    TEST_FCMP_H(34, fle.h, 1, 0x00, 0x3c00, 0x4000)
    TEST_FCMP_H(35, feq.h, 0, 0x00, 0x4000, 0x3c00)
    TEST_FCMP_H(36, flt.h, 0, 0x00, 0x4000, 0x3c00)
    TEST_FCMP_H(37, fle.h, 0, 0x00, 0x4000, 0x3c00)
    TEST_FCMP_H(38, feq.h, 1, 0x00, 0x8000, 0x0000)
    TEST_FCMP_H(39, flt.h, 0, 0x00, 0x8000, 0x0000)
    TEST_FCMP_H(40, fle.h, 1, 0x00, 0x8000, 0x0000)
    TEST_FCMP_H(41, feq.h, 0, 0x00, 0x7e00, 0x3c00)
    TEST_FCMP_H(42, flt.h, 0, 0x10, 0x7e00, 0x3c00)
    TEST_FCMP_H(43, fle.h, 0, 0x10, 0x7e00, 0x3c00)
    TEST_FCMP_H(44, feq.h, 0, 0x10, 0x7c01, 0x3c00)
    TEST_FCMP_H(45, flt.h, 0, 0x10, 0x7c01, 0x3c00)
    TEST_FCMP_H(46, fle.h, 0, 0x10, 0x7c01, 0x3c00)
    TEST_FCMP_H(47, feq.h, 0, 0x00, 0xfc00, 0x7c00)
    TEST_FCMP_H(48, flt.h, 1, 0x00, 0xfc00, 0x7c00)
    TEST_FCMP_H(49, fle.h, 1, 0x00, 0xfc00, 0x7c00)
    TEST_FCMP_H(50, feq.h, 0, 0x00, 0x0001, 0x0002)
    TEST_FCMP_H(51, flt.h, 1, 0x00, 0x0001, 0x0002)
    TEST_FCMP_H(52, fle.h, 1, 0x00, 0x0001, 0x0002)
    TEST_FCLASS_H(53, 0x1, 0xfc00)
    TEST_FCLASS_H(54, 0x2, 0xbc00)
    TEST_FCLASS_H(55, 0x4, 0x8001)
    TEST_FCLASS_H(56, 0x8, 0x8000)
    TEST_FCLASS_H(57, 0x10, 0x0000)
    TEST_FCLASS_H(58, 0x20, 0x0001)
    TEST_FCLASS_H(59, 0x40, 0x3c00)
    TEST_FCLASS_H(60, 0x80, 0x7c00)
    TEST_FCLASS_H(61, 0x100, 0x7c01)
    TEST_FCLASS_H(62, 0x200, 0x7e00)
    /* 100-102: fmv.x.h sign-extends; fmv.h.x boxes */
    li a1, 0x12348765
    fmv.h.x fa0, a1
    fmv.x.d a0, fa0
    CHECK(100, a0, 0xffffffffffff8765)
    fmv.x.h a0, fa0
    CHECK(101, a0, 0xffffffffffff8765)
    li a1, 0x0000000012344321
    fmv.d.x fa0, a1
    fmv.x.h a0, fa0
    CHECK(102, a0, 0x4321)
    /* 103-105: flh boxes, fsh stores the raw low 16 bits */
    la s0, hdata
    flh fa0, 0(s0)
    fmv.x.d a0, fa0
    CHECK(103, a0, 0xffffffffffffabcd)
    li a1, 0x1122334455667788
    fmv.d.x fa1, a1
    fsh fa1, 2(s0)
    ld a0, 0(s0)
    CHECK(104, a0, 0x555512347788abcd)
    /* 105-107: improperly boxed halves read as the canonical NaN */
    li a1, 0xffffffff00003c00 /* a boxed single, not a boxed half */
    fmv.d.x fa1, a1
    LOAD_FH(fa2, 0x3c00)
    fadd.h fa0, fa1, fa2
    CHECK_FH(105, fa0, 0x7e00)
    fclass.h a0, fa1
    CHECK(106, a0, 0x200)
    fcvt.s.h fa0, fa1
    CHECK_FS(107, fa0, 0x7fc00000)
    /* 108: fsgnj.h of an unboxed operand works on the canonical NaN */
    fsgnjn.h fa0, fa1, fa1
    CHECK_FH(108, fa0, 0xfe00)
TEST_END

    .data
    .align 3
hdata: .dword 0x55551234ffffabcd
