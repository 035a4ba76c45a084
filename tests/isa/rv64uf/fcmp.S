# F extension sign injection, min/max, comparisons and fclass (unprivileged
# spec 11.6-11.9): fmin/fmax with -0/+0, quiet and signaling NaNs (NV only
# for sNaN, canonical NaN when both are NaN); feq quiet (NV only on sNaN),
# flt/fle signaling (NV on any NaN); fsgnj* keep NaN payloads and raise no
# flags; fclass of all 10 classes.
#include "test.h"
#define QNAN  0x7fc00000
#define QNANP 0x7fc12345
#define SNAN  0x7f812345
#define ONE   0x3f800000
#define MONE  0xbf800000
#define TWO   0x40000000
#define MTWO  0xc0000000
#define PZERO 0x00000000
#define MZERO 0x80000000
TEST_BEGIN
    TEST_FRR_S_NORM(1,  fmin.s, MZERO, 0, MZERO, PZERO)
    TEST_FRR_S_NORM(2,  fmin.s, MZERO, 0, PZERO, MZERO)
    TEST_FRR_S_NORM(3,  fmax.s, PZERO, 0, MZERO, PZERO)
    TEST_FRR_S_NORM(4,  fmax.s, PZERO, 0, PZERO, MZERO)
    TEST_FRR_S_NORM(5,  fmin.s, MONE,  0, MONE, TWO)
    TEST_FRR_S_NORM(6,  fmax.s, TWO,   0, MONE, TWO)
    TEST_FRR_S_NORM(7,  fmin.s, MTWO,  0, MONE, MTWO)
    TEST_FRR_S_NORM(8,  fmin.s, ONE,   0, QNANP, ONE)
    TEST_FRR_S_NORM(9,  fmax.s, ONE,   0, ONE, QNANP)
    TEST_FRR_S_NORM(10, fmin.s, ONE,   FFLAG_NV, SNAN, ONE)
    TEST_FRR_S_NORM(11, fmax.s, MONE,  FFLAG_NV, MONE, SNAN)
    TEST_FRR_S_NORM(12, fmin.s, QNAN,  0, QNANP, QNANP)
    TEST_FRR_S_NORM(13, fmax.s, QNAN,  FFLAG_NV, SNAN, QNANP)
    TEST_FRR_S_NORM(14, fmax.s, 0x7f800000, 0, 0xff800000, 0x7f800000)
    TEST_FRR_S_NORM(15, fmin.s, 0xff800000, 0, 0xff800000, 0x7f800000)
    # comparisons
    TEST_FCMP_S(16, feq.s, 1, 0, MZERO, PZERO)
    TEST_FCMP_S(17, flt.s, 0, 0, MZERO, PZERO)
    TEST_FCMP_S(18, fle.s, 1, 0, MZERO, PZERO)
    TEST_FCMP_S(19, flt.s, 1, 0, MTWO, MONE)
    TEST_FCMP_S(20, flt.s, 0, 0, ONE, ONE)
    TEST_FCMP_S(21, fle.s, 1, 0, ONE, ONE)
    TEST_FCMP_S(22, fle.s, 0, 0, TWO, ONE)
    TEST_FCMP_S(23, feq.s, 0, 0, ONE, TWO)
    TEST_FCMP_S(24, feq.s, 0, 0, QNANP, QNANP)
    TEST_FCMP_S(25, feq.s, 0, FFLAG_NV, SNAN, ONE)
    TEST_FCMP_S(26, flt.s, 0, FFLAG_NV, QNAN, ONE)
    TEST_FCMP_S(27, fle.s, 0, FFLAG_NV, ONE, QNAN)
    TEST_FCMP_S(28, flt.s, 0, FFLAG_NV, SNAN, ONE)
    TEST_FCMP_S(29, fle.s, 1, 0, 0xff800000, 0xff7fffff)
    TEST_FCMP_S(30, flt.s, 1, 0, 0x00000001, 0x00000002)
    # sign injection: no canonicalisation, no flags
    TEST_FRR_S_NORM(31, fsgnj.s,  MONE, 0, ONE, MTWO)
    TEST_FRR_S_NORM(32, fsgnj.s,  ONE,  0, MONE, TWO)
    TEST_FRR_S_NORM(33, fsgnjn.s, ONE,  0, ONE, MTWO)
    TEST_FRR_S_NORM(34, fsgnjn.s, MONE, 0, ONE, TWO)
    TEST_FRR_S_NORM(35, fsgnjx.s, ONE,  0, MONE, MTWO)
    TEST_FRR_S_NORM(36, fsgnjx.s, MONE, 0, ONE, MTWO)
    TEST_FRR_S_NORM(37, fsgnjx.s, MONE, 0, MONE, TWO)
    TEST_FRR_S_NORM(38, fsgnjn.s, 0xffc12345, 0, QNANP, QNANP)   # fneg of NaN
    TEST_FRR_S_NORM(39, fsgnjx.s, 0x7f812345, 0, 0xff812345, 0xff812345) # fabs of sNaN
    TEST_FRR_S_NORM(40, fsgnj.s,  0x80000001, 0, 0x00000001, MZERO)
    # fclass: one bit per class
#define FCLASS_S(n, bits, cls)                                                \
    LOAD_FS(fa1, bits); fclass.s a0, fa1; CHECK(n, a0, cls)
    FCLASS_S(41, 0xff800000, 1 << 0)
    FCLASS_S(42, 0xbf800000, 1 << 1)
    FCLASS_S(43, 0x807fffff, 1 << 2)
    FCLASS_S(44, 0x80000000, 1 << 3)
    FCLASS_S(45, 0x00000000, 1 << 4)
    FCLASS_S(46, 0x00000001, 1 << 5)
    FCLASS_S(47, 0x7f7fffff, 1 << 6)
    FCLASS_S(48, 0x7f800000, 1 << 7)
    FCLASS_S(49, 0x7f800001, 1 << 8)
    FCLASS_S(50, 0xffbfffff, 1 << 8)
    FCLASS_S(51, 0x7fc00000, 1 << 9)
    FCLASS_S(52, 0xffffffff, 1 << 9)
    FCLASS_S(53, 0x00800000, 1 << 6)
    # fclass.s of a value that is not NaN-boxed sees the canonical NaN
    li a1, 0x000000003f800000
    fmv.d.x fa1, a1
    fclass.s a0, fa1
    CHECK(54, a0, 1 << 9)
    # and fsgnj.s of it produces the canonical NaN (with the sign injected)
    LOAD_FS(fa2, MONE)
    fsgnj.s fa0, fa1, fa2
    CHECK_FS(55, fa0, 0xffc00000)
    fmin.s fa0, fa1, fa2
    CHECK_FS(56, fa0, MONE)
TEST_END
