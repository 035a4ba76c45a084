# D extension conversions (unprivileged spec 12.3, 12.5): fcvt.{w,wu,l,lu}.d
# rounding and saturation (NaN/inf/out-of-range with NV, -0.9 to unsigned),
# fcvt.d.{w,wu,l,lu} (exact or rounded for 64-bit), fcvt.s.d rounding per
# mode, overflow and NaN (canonical, NV for sNaN), fcvt.d.s exactness and
# NaN, fmv.x.d/fmv.d.x bit transfers, fld/fsd.
#include "test.h"
#define NX FFLAG_NX
#define NV FFLAG_NV
/* exact conversions take no rounding-mode operand */
#define TEST_DX_EXACT(n, op, result, a)                                       \
    li a1, a; csrwi fflags, 0; op fa0, a1;                                    \
    CHECK_FFLAGS(n, 0); CHECK_FD(n, fa0, result)
#define TEST_SD(n, rm, result, flags, a)                                      \
    LOAD_FD(fa1, a); csrwi fflags, 0; fcvt.s.d fa0, fa1, rm;                  \
    CHECK_FFLAGS(n, flags); CHECK_FS(n, fa0, result)
#define TEST_DS_EXACT(n, result, flags, a)                                    \
    LOAD_FD(fa1, a); csrwi fflags, 0; fcvt.d.s fa0, fa1;                      \
    CHECK_FFLAGS(n, flags); CHECK_FD(n, fa0, result)
TEST_BEGIN
    TEST_FCVT_X_D(1,  fcvt.w.d, rne, -2, NX, 0xc004000000000000)    # -2.5
    TEST_FCVT_X_D(2,  fcvt.w.d, rmm, -3, NX, 0xc004000000000000)
    TEST_FCVT_X_D(3,  fcvt.w.d, rdn, -3, NX, 0xc004000000000000)
    TEST_FCVT_X_D(4,  fcvt.w.d, rup, -2, NX, 0xc004000000000000)
    TEST_FCVT_X_D(5,  fcvt.w.d, rtz, -2, NX, 0xc004000000000000)
    TEST_FCVT_X_D(6,  fcvt.w.d, rtz, 0x7fffffff, NV, 0x7ff8000000000000)
    TEST_FCVT_X_D(7,  fcvt.w.d, rtz, 0xffffffff80000000, NV, 0xfff0000000000000)
    TEST_FCVT_X_D(8,  fcvt.w.d, rtz, 0x7fffffff, NV, 0x41e0000000000000)   # 2^31
    TEST_FCVT_X_D(9,  fcvt.w.d, rtz, 0x7fffffff, NX, 0x41dfffffffffffff)   # just below 2^31
    TEST_FCVT_X_D(10, fcvt.w.d, rtz, 0xffffffff80000000, NX, 0xc1e0000000100000) # -2^31 - 0.5
    TEST_FCVT_X_D(11, fcvt.wu.d, rtz, 0, NX, 0xbfecccccccccccd)
    TEST_FCVT_X_D(12, fcvt.wu.d, rne, 0, NV, 0xbfeccccccccccccd)    # -0.9 -> -1
    TEST_FCVT_X_D(13, fcvt.wu.d, rtz, 0xffffffffffffffff, NV, 0x7ff8000000000000)
    TEST_FCVT_X_D(14, fcvt.wu.d, rtz, 0xffffffffffffffff, 0, 0x41efffffffe00000) # 2^32 - 1
    TEST_FCVT_X_D(15, fcvt.wu.d, rtz, 0xffffffffffffffff, NV, 0x41f0000000000000) # 2^32
    TEST_FCVT_X_D(16, fcvt.l.d, rtz, 0x7fffffffffffffff, NV, 0x43e0000000000000)  # 2^63
    TEST_FCVT_X_D(17, fcvt.l.d, rtz, 0x8000000000000000, 0, 0xc3e0000000000000)  # -2^63
    TEST_FCVT_X_D(18, fcvt.l.d, rtz, 0x8000000000000000, NV, 0xfff0000000000000)
    TEST_FCVT_X_D(19, fcvt.l.d, rtz, 0x7fffffffffffffff, NV, 0xfff8000000000000)
    TEST_FCVT_X_D(20, fcvt.l.d, rtz, 0x7ffffffffffffc00, 0, 0x43dfffffffffffff)
    TEST_FCVT_X_D(21, fcvt.lu.d, rtz, 0, NX, 0xbfeccccccccccccd)
    TEST_FCVT_X_D(22, fcvt.lu.d, rtz, 0, NV, 0xbff0000000000000)
    TEST_FCVT_X_D(23, fcvt.lu.d, rtz, 0xffffffffffffffff, NV, 0x43f0000000000000)  # 2^64
    TEST_FCVT_X_D(24, fcvt.lu.d, rtz, 0xfffffffffffff800, 0, 0x43efffffffffffff)
    TEST_FCVT_X_D(25, fcvt.lu.d, rup, 1, NX, 0x0000000000000001)
    TEST_DX_EXACT(26, fcvt.d.w, 0xc1e0000000000000, 0xffffffff80000000)
    TEST_DX_EXACT(27, fcvt.d.w, 0x41dfffffffc00000, 0x123456787fffffff)  # low 32 bits
    TEST_DX_EXACT(28, fcvt.d.wu, 0x41efffffffe00000, 0xffffffff)
    TEST_FCVT_D_X(29, fcvt.d.l, rne, 0x43e0000000000000, NX, 0x7fffffffffffffff)
    TEST_FCVT_D_X(30, fcvt.d.l, rtz, 0x43dfffffffffffff, NX, 0x7fffffffffffffff)
    TEST_FCVT_D_X(31, fcvt.d.l, rne, 0xc3e0000000000000, 0, 0x8000000000000000)
    TEST_FCVT_D_X(32, fcvt.d.lu, rne, 0x43f0000000000000, NX, -1)
    TEST_FCVT_D_X(33, fcvt.d.lu, rdn, 0x43efffffffffffff, NX, -1)
    TEST_FCVT_D_X(34, fcvt.d.l, rne, 0x4340000000000000, NX, 0x20000000000001)   # 2^53 + 1: tie
    TEST_FCVT_D_X(35, fcvt.d.l, rmm, 0x4340000000000001, NX, 0x20000000000001)
    # double -> single
    TEST_SD(36, rne, 0x3f800000, NX, 0x3ff0000010000000)  # 1 + 2^-24: tie
    TEST_SD(37, rmm, 0x3f800001, NX, 0x3ff0000010000000)
    TEST_SD(38, rup, 0x3f800001, NX, 0x3ff0000000000001)
    TEST_SD(39, rtz, 0x3f800000, NX, 0x3ff0000000000001)
    TEST_SD(40, rdn, 0xbf800001, NX, 0xbff0000000000001)
    TEST_SD(41, rne, 0x7f800000, 0x05, 0x7e37e43c8800759c)  # 1e300 overflows
    TEST_SD(42, rtz, 0x7f7fffff, 0x05, 0x7e37e43c8800759c)
    TEST_SD(43, rne, 0x7fc00000, 0, 0x7ff8000000012345)    # qNaN -> canonical
    TEST_SD(44, rne, 0x7fc00000, NV, 0x7ff0000000012345)   # sNaN -> NV
    TEST_SD(45, rne, 0x00000000, 0x03, 0x3690000000000000) # 2^-150 underflows to 0
    TEST_SD(46, rup, 0x00000001, 0x03, 0x3690000000000000)
    TEST_SD(47, rne, 0xff800000, 0, 0xfff0000000000000)
    # single -> double: exact
    TEST_DS_EXACT(48, 0x3ff8000000000000, 0, 0xffffffff3fc00000)
    TEST_DS_EXACT(49, 0x36a0000000000000, 0, 0xffffffff00000001) # min subnormal
    TEST_DS_EXACT(50, 0x7ff8000000000000, NV, 0xffffffff7f800001)
    TEST_DS_EXACT(51, 0x7ff8000000000000, 0, 0xffffffffffc12345)
    TEST_DS_EXACT(52, 0x8000000000000000, 0, 0xffffffff80000000)
    # bit transfers and fld/fsd keep NaN payloads
    la s0, buf
    li a0, 0x7ff0000000000001; sd a0, 0(s0)
    fld fa0, 0(s0)
    fsd fa0, 8(s0)
    ld a1, 8(s0)
    CHECK(53, a1, 0x7ff0000000000001)
    fmv.x.d a1, fa0
    CHECK(54, a1, 0x7ff0000000000001)
    CHECK_FFLAGS(55, 0)
TEST_END
TEST_DATA_BEGIN
    .align 4
buf: .dword 0, 0
