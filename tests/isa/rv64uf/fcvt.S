# F extension conversions (unprivileged spec 11.7): fcvt.{w,wu,l,lu}.s in
# each rounding mode (RMM ties away), saturation on NaN/inf/out-of-range with
# NV (NaN converts to the largest value), -0.9 to unsigned (0, NX in RTZ; NV
# in RNE since it rounds to -1), 32-bit results sign-extended; and
# fcvt.s.{w,wu,l,lu} rounding of integers that are not representable.
#include "test.h"
#define NX FFLAG_NX
#define NV FFLAG_NV
TEST_BEGIN
    TEST_FCVT_X_S(1,  fcvt.w.s, rne, 2, NX, 0x3fc00000)           # 1.5
    TEST_FCVT_X_S(2,  fcvt.w.s, rtz, 1, NX, 0x3fc00000)
    TEST_FCVT_X_S(3,  fcvt.w.s, rdn, 1, NX, 0x3fc00000)
    TEST_FCVT_X_S(4,  fcvt.w.s, rup, 2, NX, 0x3fc00000)
    TEST_FCVT_X_S(5,  fcvt.w.s, rmm, 2, NX, 0x3fc00000)
    TEST_FCVT_X_S(6,  fcvt.w.s, rne, -2, NX, 0xc0200000)          # -2.5
    TEST_FCVT_X_S(7,  fcvt.w.s, rtz, -2, NX, 0xc0200000)
    TEST_FCVT_X_S(8,  fcvt.w.s, rdn, -3, NX, 0xc0200000)
    TEST_FCVT_X_S(9,  fcvt.w.s, rup, -2, NX, 0xc0200000)
    TEST_FCVT_X_S(10, fcvt.w.s, rmm, -3, NX, 0xc0200000)
    TEST_FCVT_X_S(11, fcvt.w.s, rne, 2, NX, 0x40200000)           # 2.5 ties to even
    TEST_FCVT_X_S(12, fcvt.w.s, rmm, 3, NX, 0x40200000)
    TEST_FCVT_X_S(13, fcvt.w.s, rtz, 0x7fffffff, NV, 0x7fc00000)  # NaN
    TEST_FCVT_X_S(14, fcvt.w.s, rtz, 0x7fffffff, NV, 0x7f800000)  # +inf
    TEST_FCVT_X_S(15, fcvt.w.s, rtz, 0xffffffff80000000, NV, 0xff800000)
    TEST_FCVT_X_S(16, fcvt.w.s, rtz, 0x7fffffff, NV, 0x4f32d05e)  # 3e9
    TEST_FCVT_X_S(17, fcvt.w.s, rtz, 0xffffffff80000000, NV, 0xcf32d05e)
    TEST_FCVT_X_S(18, fcvt.w.s, rtz, 0xffffffff80000000, 0, 0xcf000000)  # -2^31 exact
    TEST_FCVT_X_S(19, fcvt.w.s, rtz, 0x7fffffff, NV, 0x4f000000)  # 2^31
    TEST_FCVT_X_S(20, fcvt.w.s, rne, 0, NX, 0x80000001)           # tiny negative -> 0
    TEST_FCVT_X_S(21, fcvt.w.s, rdn, -1, NX, 0x80000001)
    TEST_FCVT_X_S(22, fcvt.w.s, rtz, 0x7fffffff, NV, 0xffc00000)  # negative NaN too
    # unsigned 32
    TEST_FCVT_X_S(23, fcvt.wu.s, rtz, 0, NX, 0xbf666666)          # -0.9
    TEST_FCVT_X_S(24, fcvt.wu.s, rne, 0, NV, 0xbf666666)
    TEST_FCVT_X_S(25, fcvt.wu.s, rtz, 0, NV, 0xbf800000)          # -1
    TEST_FCVT_X_S(26, fcvt.wu.s, rtz, 0xffffffffffffffff, NV, 0x7fc00000)
    TEST_FCVT_X_S(27, fcvt.wu.s, rtz, 0xffffffffffffffff, NV, 0x7f800000)
    TEST_FCVT_X_S(28, fcvt.wu.s, rtz, 0, NV, 0xff800000)
    TEST_FCVT_X_S(29, fcvt.wu.s, rtz, 0xffffffffee6b2800, 0, 0x4f6e6b28) # 4e9: sign-extended
    TEST_FCVT_X_S(30, fcvt.wu.s, rtz, 0xffffffffffffffff, NV, 0x4f800000) # 2^32
    TEST_FCVT_X_S(31, fcvt.wu.s, rup, 1, NX, 0x3e800000)          # 0.25
    TEST_FCVT_X_S(32, fcvt.wu.s, rtz, 0, 0, 0x80000000)           # -0
    # signed 64
    TEST_FCVT_X_S(33, fcvt.l.s, rtz, 0x7fffffffffffffff, NV, 0x7fc00000)
    TEST_FCVT_X_S(34, fcvt.l.s, rtz, 0x7fffffffffffffff, NV, 0x7f800000)
    TEST_FCVT_X_S(35, fcvt.l.s, rtz, 0x8000000000000000, NV, 0xff800000)
    TEST_FCVT_X_S(36, fcvt.l.s, rtz, 0x7fffffffffffffff, NV, 0x5f000000) # 2^63
    TEST_FCVT_X_S(37, fcvt.l.s, rtz, 0x8000000000000000, 0, 0xdf000000)  # -2^63 exact
    TEST_FCVT_X_S(38, fcvt.l.s, rtz, 0x8000000000000000, NV, 0xdf000001)
    TEST_FCVT_X_S(39, fcvt.l.s, rmm, -3, NX, 0xc0200000)
    TEST_FCVT_X_S(40, fcvt.l.s, rtz, 0x0000010000000000, 0, 0x53800000) # 2^40
    # unsigned 64
    TEST_FCVT_X_S(41, fcvt.lu.s, rtz, 0, NX, 0xbf666666)
    TEST_FCVT_X_S(42, fcvt.lu.s, rne, 0, NV, 0xbf666666)
    TEST_FCVT_X_S(43, fcvt.lu.s, rtz, 0, NV, 0xbf800000)
    TEST_FCVT_X_S(44, fcvt.lu.s, rtz, 0xffffffffffffffff, NV, 0x7fc00000)
    TEST_FCVT_X_S(45, fcvt.lu.s, rtz, 0xffffffffffffffff, NV, 0x5f800000) # 2^64
    TEST_FCVT_X_S(46, fcvt.lu.s, rtz, 0x8000000000000000, 0, 0x5f000000)  # 2^63
    TEST_FCVT_X_S(47, fcvt.lu.s, rtz, 0, NV, 0xff800000)
    TEST_FCVT_X_S(48, fcvt.lu.s, rup, 2, NX, 0x3fc00000)
    # integer -> single
    TEST_FCVT_S_X(49, fcvt.s.w, rne, 0x4f000000, NX, 0x7fffffff)
    TEST_FCVT_S_X(50, fcvt.s.w, rtz, 0x4effffff, NX, 0x7fffffff)
    TEST_FCVT_S_X(51, fcvt.s.w, rdn, 0x4effffff, NX, 0x7fffffff)
    TEST_FCVT_S_X(52, fcvt.s.w, rup, 0x4f000000, NX, 0x7fffffff)
    TEST_FCVT_S_X(53, fcvt.s.w, rne, 0x4b800000, NX, 0x01000001)  # 2^24 + 1: tie
    TEST_FCVT_S_X(54, fcvt.s.w, rmm, 0x4b800001, NX, 0x01000001)
    TEST_FCVT_S_X(55, fcvt.s.w, rne, 0x3f800000, 0, 0xffffffff00000001) # low 32 bits only
    TEST_FCVT_S_X(56, fcvt.s.w, rne, 0xcf000000, 0, 0x0000000080000000)
    TEST_FCVT_S_X(57, fcvt.s.w, rne, 0x00000000, 0, 0)            # +0
    TEST_FCVT_S_X(58, fcvt.s.wu, rne, 0x4f800000, NX, 0xffffffff)
    TEST_FCVT_S_X(59, fcvt.s.wu, rtz, 0x4f7fffff, NX, 0xffffffff)
    TEST_FCVT_S_X(60, fcvt.s.wu, rne, 0x4f000000, 0, 0xffffffff80000000) # low 32: 2^31
    TEST_FCVT_S_X(61, fcvt.s.l, rne, 0x5f000000, NX, 0x7fffffffffffffff)
    TEST_FCVT_S_X(62, fcvt.s.l, rtz, 0x5effffff, NX, 0x7fffffffffffffff)
    TEST_FCVT_S_X(63, fcvt.s.l, rne, 0xdf000000, 0, 0x8000000000000000)
    TEST_FCVT_S_X(64, fcvt.s.l, rne, 0xbf800000, 0, -1)
    TEST_FCVT_S_X(65, fcvt.s.l, rdn, 0xdf000000, NX, 0x8000000000000001)
    TEST_FCVT_S_X(66, fcvt.s.l, rup, 0xdeffffff, NX, 0x8000000000000001)
    TEST_FCVT_S_X(67, fcvt.s.lu, rne, 0x5f800000, NX, -1)
    TEST_FCVT_S_X(68, fcvt.s.lu, rdn, 0x5f7fffff, NX, -1)
    TEST_FCVT_S_X(69, fcvt.s.lu, rne, 0x5f000000, 0, 0x8000000000000000)
    TEST_FCVT_S_X(70, fcvt.s.lu, rmm, 0x4b800001, NX, 0x1000001)
TEST_END
