# D extension sign injection, min/max, comparisons and fclass (unprivileged
# spec 12.6-12.9): fmin/fmax with -0/+0, quiet and signaling NaNs (NV only
# for sNaN, canonical NaN when both are NaN); feq quiet (NV only on sNaN),
# flt/fle signaling (NV on any NaN); fsgnj* keep NaN payloads and raise no
# flags; fclass of all 10 classes.
#include "test.h"
#define QNAN  0x7ff8000000000000
#define QNANP 0x7ff8000000012345
#define SNAN  0x7ff0000000012345
#define ONE   0x3ff0000000000000
#define MONE  0xbff0000000000000
#define TWO   0x4000000000000000
#define MTWO  0xc000000000000000
#define PZERO 0x0000000000000000
#define MZERO 0x8000000000000000
TEST_BEGIN
    TEST_FRR_D_NORM(1,  fmin.d, MZERO, 0, MZERO, PZERO)
    TEST_FRR_D_NORM(2,  fmin.d, MZERO, 0, PZERO, MZERO)
    TEST_FRR_D_NORM(3,  fmax.d, PZERO, 0, MZERO, PZERO)
    TEST_FRR_D_NORM(4,  fmax.d, PZERO, 0, PZERO, MZERO)
    TEST_FRR_D_NORM(5,  fmin.d, MONE,  0, MONE, TWO)
    TEST_FRR_D_NORM(6,  fmax.d, TWO,   0, MONE, TWO)
    TEST_FRR_D_NORM(7,  fmin.d, MTWO,  0, MONE, MTWO)
    TEST_FRR_D_NORM(8,  fmin.d, ONE,   0, QNANP, ONE)
    TEST_FRR_D_NORM(9,  fmax.d, ONE,   0, ONE, QNANP)
    TEST_FRR_D_NORM(10, fmin.d, ONE,   FFLAG_NV, SNAN, ONE)
    TEST_FRR_D_NORM(11, fmax.d, MONE,  FFLAG_NV, MONE, SNAN)
    TEST_FRR_D_NORM(12, fmin.d, QNAN,  0, QNANP, QNANP)
    TEST_FRR_D_NORM(13, fmax.d, QNAN,  FFLAG_NV, SNAN, QNANP)
    TEST_FRR_D_NORM(14, fmax.d, 0x7ff0000000000000, 0, 0xfff0000000000000, 0x7ff0000000000000)
    TEST_FRR_D_NORM(15, fmin.d, 0xfff0000000000000, 0, 0xfff0000000000000, 0x7ff0000000000000)
    # comparisons
    TEST_FCMP_D(16, feq.d, 1, 0, MZERO, PZERO)
    TEST_FCMP_D(17, flt.d, 0, 0, MZERO, PZERO)
    TEST_FCMP_D(18, fle.d, 1, 0, MZERO, PZERO)
    TEST_FCMP_D(19, flt.d, 1, 0, MTWO, MONE)
    TEST_FCMP_D(20, flt.d, 0, 0, ONE, ONE)
    TEST_FCMP_D(21, fle.d, 1, 0, ONE, ONE)
    TEST_FCMP_D(22, fle.d, 0, 0, TWO, ONE)
    TEST_FCMP_D(23, feq.d, 0, 0, ONE, TWO)
    TEST_FCMP_D(24, feq.d, 0, 0, QNANP, QNANP)
    TEST_FCMP_D(25, feq.d, 0, FFLAG_NV, SNAN, ONE)
    TEST_FCMP_D(26, flt.d, 0, FFLAG_NV, QNAN, ONE)
    TEST_FCMP_D(27, fle.d, 0, FFLAG_NV, ONE, QNAN)
    TEST_FCMP_D(28, flt.d, 0, FFLAG_NV, SNAN, ONE)
    TEST_FCMP_D(29, fle.d, 1, 0, 0xfff0000000000000, 0xffefffffffffffff)
    TEST_FCMP_D(30, flt.d, 1, 0, 0x0000000000000001, 0x0000000000000002)
    # sign injection: no canonicalisation, no flags
    TEST_FRR_D_NORM(31, fsgnj.d,  MONE, 0, ONE, MTWO)
    TEST_FRR_D_NORM(32, fsgnj.d,  ONE,  0, MONE, TWO)
    TEST_FRR_D_NORM(33, fsgnjn.d, ONE,  0, ONE, MTWO)
    TEST_FRR_D_NORM(34, fsgnjn.d, MONE, 0, ONE, TWO)
    TEST_FRR_D_NORM(35, fsgnjx.d, ONE,  0, MONE, MTWO)
    TEST_FRR_D_NORM(36, fsgnjx.d, MONE, 0, ONE, MTWO)
    TEST_FRR_D_NORM(37, fsgnjx.d, MONE, 0, MONE, TWO)
    TEST_FRR_D_NORM(38, fsgnjn.d, 0xfff8000000012345, 0, QNANP, QNANP)   # fneg of NaN
    TEST_FRR_D_NORM(39, fsgnjx.d, 0x7ff0000000012345, 0, 0xfff0000000012345, 0xfff0000000012345) # fabs of sNaN
    TEST_FRR_D_NORM(40, fsgnj.d,  0x8000000000000001, 0, 0x0000000000000001, MZERO)
    # fclass: one bit per class
#define FCLASS_D(n, bits, cls)                                                \
    LOAD_FD(fa1, bits); fclass.d a0, fa1; CHECK(n, a0, cls)
    FCLASS_D(41, 0xfff0000000000000, 1 << 0)
    FCLASS_D(42, 0xbff0000000000000, 1 << 1)
    FCLASS_D(43, 0x800fffffffffffff, 1 << 2)
    FCLASS_D(44, 0x8000000000000000, 1 << 3)
    FCLASS_D(45, 0x0000000000000000, 1 << 4)
    FCLASS_D(46, 0x0000000000000001, 1 << 5)
    FCLASS_D(47, 0x7fefffffffffffff, 1 << 6)
    FCLASS_D(48, 0x7ff0000000000000, 1 << 7)
    FCLASS_D(49, 0x7ff0000000000001, 1 << 8)
    FCLASS_D(50, 0xfff7ffffffffffff, 1 << 8)
    FCLASS_D(51, 0x7ff8000000000000, 1 << 9)
    FCLASS_D(52, 0xffffffffffffffff, 1 << 9)
    FCLASS_D(53, 0x0010000000000000, 1 << 6)
TEST_END
