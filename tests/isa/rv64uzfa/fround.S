# Zfa: fround.h/s/d and froundnx.h/s/d round to an integral value in the
# format in every rounding mode (negative values to -0.0 where they round
# to zero); zeros and infinities are copied; NaNs give the canonical NaN
# (NV for a signalling one); only froundnx raises NX, when the value
# changed. A reserved rm is illegal. binutils 2.40 has no Zfa: .insn.
# Expected values from an exact Python model of the Zfa 1.0 text (QEMU 7.2
# has no Zfa).
# isa-march: rv64gc_zfh
# isa-args: -cpu rv64,zfa=on,zfh=on
#include "test.h"
#define NX FFLAG_NX
/* fmt field per suffix, and the load/check macros of each format */
#define FMT_h 2
#define FMT_s 0
#define FMT_d 1
#define LD_h LOAD_FH
#define LD_s LOAD_FS
#define LD_d LOAD_FD
#define CK_h CHECK_FH
#define CK_s CHECK_FS
#define CK_d CHECK_FD
#define RM_rne 0
#define RM_rtz 1
#define RM_rdn 2
#define RM_rup 3
#define RM_rmm 4

/* fd = op(fa1, fa2) with funct3 f3 and funct7 base f7 of format sfx */
#define ZFA_RR(sfx, n, f3, f7, result, flags, a, b)                           \
    LD_##sfx(fa1, a);                                                         \
    LD_##sfx(fa2, b);                                                         \
    csrwi fflags, 0;                                                          \
    .insn r 0x53, f3, (f7) | FMT_##sfx, fa0, fa1, fa2;                        \
    CHECK_FFLAGS(n, flags);                                                   \
    CK_##sfx(n, fa0, result)
/* rs2 = 4: fround, 5: froundnx */
#define ZFA_ROUND(sfx, n, which, rm, result, flags, a)                        \
    LD_##sfx(fa1, a);                                                         \
    csrwi fflags, 0;                                                          \
    .insn r 0x53, RM_##rm, 0x20 | FMT_##sfx, fa0, fa1, which;                 \
    CHECK_FFLAGS(n, flags);                                                   \
    CK_##sfx(n, fa0, result)
#define FROUND_T(sfx, n, rm, result, flags, a) ZFA_ROUND(sfx, n, x4, rm, result, flags, a)
#define FROUNDNX_T(sfx, n, rm, result, flags, a) ZFA_ROUND(sfx, n, x5, rm, result, flags, a)
TEST_BEGIN
    FROUND_T(h, 1, rne, 0x4000, 0x00, 0x4100)
    FROUNDNX_T(h, 2, rne, 0x4000, 0x01, 0x4100)
    FROUND_T(h, 3, rtz, 0x4000, 0x00, 0x4100)
    FROUNDNX_T(h, 4, rtz, 0x4000, 0x01, 0x4100)
    FROUND_T(h, 5, rdn, 0x4000, 0x00, 0x4100)
    FROUNDNX_T(h, 6, rdn, 0x4000, 0x01, 0x4100)
    FROUND_T(h, 7, rup, 0x4200, 0x00, 0x4100)
    FROUNDNX_T(h, 8, rup, 0x4200, 0x01, 0x4100)
    FROUND_T(h, 9, rmm, 0x4200, 0x00, 0x4100)
    FROUNDNX_T(h, 10, rmm, 0x4200, 0x01, 0x4100)
    FROUND_T(h, 11, rne, 0xc000, 0x00, 0xc100)
    FROUNDNX_T(h, 12, rne, 0xc000, 0x01, 0xc100)
    FROUND_T(h, 13, rtz, 0xc000, 0x00, 0xc100)
    FROUNDNX_T(h, 14, rtz, 0xc000, 0x01, 0xc100)
    FROUND_T(h, 15, rdn, 0xc200, 0x00, 0xc100)
    FROUNDNX_T(h, 16, rdn, 0xc200, 0x01, 0xc100)
    FROUND_T(h, 17, rup, 0xc000, 0x00, 0xc100)
    FROUNDNX_T(h, 18, rup, 0xc000, 0x01, 0xc100)
    FROUND_T(h, 19, rmm, 0xc200, 0x00, 0xc100)
    FROUNDNX_T(h, 20, rmm, 0xc200, 0x01, 0xc100)
    FROUND_T(h, 21, rne, 0x4000, 0x00, 0x3e00)
    FROUNDNX_T(h, 22, rne, 0x4000, 0x01, 0x3e00)
    FROUND_T(h, 23, rtz, 0x3c00, 0x00, 0x3e00)
    FROUNDNX_T(h, 24, rtz, 0x3c00, 0x01, 0x3e00)
    FROUND_T(h, 25, rdn, 0x3c00, 0x00, 0x3e00)
    FROUNDNX_T(h, 26, rdn, 0x3c00, 0x01, 0x3e00)
    FROUND_T(h, 27, rup, 0x4000, 0x00, 0x3e00)
    FROUNDNX_T(h, 28, rup, 0x4000, 0x01, 0x3e00)
    FROUND_T(h, 29, rmm, 0x4000, 0x00, 0x3e00)
    FROUNDNX_T(h, 30, rmm, 0x4000, 0x01, 0x3e00)
    FROUND_T(h, 31, rne, 0x0, 0x00, 0x3800)
    FROUNDNX_T(h, 32, rne, 0x0, 0x01, 0x3800)
    FROUND_T(h, 33, rtz, 0x0, 0x00, 0x3800)
    FROUNDNX_T(h, 34, rtz, 0x0, 0x01, 0x3800)
    FROUND_T(h, 35, rdn, 0x0, 0x00, 0x3800)
    FROUNDNX_T(h, 36, rdn, 0x0, 0x01, 0x3800)
    FROUND_T(h, 37, rup, 0x3c00, 0x00, 0x3800)
    FROUNDNX_T(h, 38, rup, 0x3c00, 0x01, 0x3800)
    FROUND_T(h, 39, rmm, 0x3c00, 0x00, 0x3800)
    FROUNDNX_T(h, 40, rmm, 0x3c00, 0x01, 0x3800)
    FROUND_T(h, 41, rne, 0x8000, 0x00, 0xb800)
    FROUNDNX_T(h, 42, rne, 0x8000, 0x01, 0xb800)
    FROUND_T(h, 43, rtz, 0x8000, 0x00, 0xb800)
    FROUNDNX_T(h, 44, rtz, 0x8000, 0x01, 0xb800)
    FROUND_T(h, 45, rdn, 0xbc00, 0x00, 0xb800)
    FROUNDNX_T(h, 46, rdn, 0xbc00, 0x01, 0xb800)
    FROUND_T(h, 47, rup, 0x8000, 0x00, 0xb800)
    FROUNDNX_T(h, 48, rup, 0x8000, 0x01, 0xb800)
    FROUND_T(h, 49, rmm, 0xbc00, 0x00, 0xb800)
    FROUNDNX_T(h, 50, rmm, 0xbc00, 0x01, 0xb800)
    FROUND_T(h, 51, rne, 0x6400, 0x00, 0x6400)
    FROUNDNX_T(h, 52, rne, 0x6400, 0x00, 0x6400)
    FROUND_T(h, 53, rne, 0x0, 0x00, 0x1)
    FROUNDNX_T(h, 54, rne, 0x0, 0x01, 0x1)
    FROUND_T(h, 55, rtz, 0x0, 0x00, 0x1)
    FROUNDNX_T(h, 56, rtz, 0x0, 0x01, 0x1)
    FROUND_T(h, 57, rdn, 0x0, 0x00, 0x1)
    FROUNDNX_T(h, 58, rdn, 0x0, 0x01, 0x1)
    FROUND_T(h, 59, rup, 0x3c00, 0x00, 0x1)
    FROUNDNX_T(h, 60, rup, 0x3c00, 0x01, 0x1)
    FROUND_T(h, 61, rmm, 0x0, 0x00, 0x1)
    FROUNDNX_T(h, 62, rmm, 0x0, 0x01, 0x1)
    FROUND_T(h, 63, rne, 0x7c00, 0x00, 0x7c00)
    FROUNDNX_T(h, 64, rne, 0x7c00, 0x00, 0x7c00)
    FROUND_T(h, 65, rne, 0xfc00, 0x00, 0xfc00)
    FROUNDNX_T(h, 66, rne, 0xfc00, 0x00, 0xfc00)
    FROUND_T(h, 67, rne, 0x7e00, 0x00, 0x7e00)
    FROUNDNX_T(h, 68, rne, 0x7e00, 0x00, 0x7e00)
    FROUND_T(h, 69, rne, 0x7e00, 0x10, 0x7c01)
    FROUNDNX_T(h, 70, rne, 0x7e00, 0x10, 0x7c01)
    FROUND_T(h, 71, rne, 0x8000, 0x00, 0x8000)
    FROUNDNX_T(h, 72, rne, 0x8000, 0x00, 0x8000)
    FROUND_T(s, 73, rne, 0x40000000, 0x00, 0x40200000)
    FROUNDNX_T(s, 74, rne, 0x40000000, 0x01, 0x40200000)
    FROUND_T(s, 75, rtz, 0x40000000, 0x00, 0x40200000)
    FROUNDNX_T(s, 76, rtz, 0x40000000, 0x01, 0x40200000)
    FROUND_T(s, 77, rdn, 0x40000000, 0x00, 0x40200000)
    FROUNDNX_T(s, 78, rdn, 0x40000000, 0x01, 0x40200000)
    FROUND_T(s, 79, rup, 0x40400000, 0x00, 0x40200000)
    FROUNDNX_T(s, 80, rup, 0x40400000, 0x01, 0x40200000)
    FROUND_T(s, 81, rmm, 0x40400000, 0x00, 0x40200000)
    FROUNDNX_T(s, 82, rmm, 0x40400000, 0x01, 0x40200000)
    FROUND_T(s, 83, rne, 0xc0000000, 0x00, 0xc0200000)
    FROUNDNX_T(s, 84, rne, 0xc0000000, 0x01, 0xc0200000)
    FROUND_T(s, 85, rtz, 0xc0000000, 0x00, 0xc0200000)
    FROUNDNX_T(s, 86, rtz, 0xc0000000, 0x01, 0xc0200000)
    FROUND_T(s, 87, rdn, 0xc0400000, 0x00, 0xc0200000)
    FROUNDNX_T(s, 88, rdn, 0xc0400000, 0x01, 0xc0200000)
    FROUND_T(s, 89, rup, 0xc0000000, 0x00, 0xc0200000)
    FROUNDNX_T(s, 90, rup, 0xc0000000, 0x01, 0xc0200000)
    FROUND_T(s, 91, rmm, 0xc0400000, 0x00, 0xc0200000)
    FROUNDNX_T(s, 92, rmm, 0xc0400000, 0x01, 0xc0200000)
    FROUND_T(s, 93, rne, 0x0, 0x00, 0x3f000000)
    FROUNDNX_T(s, 94, rne, 0x0, 0x01, 0x3f000000)
    FROUND_T(s, 95, rtz, 0x0, 0x00, 0x3f000000)
    FROUNDNX_T(s, 96, rtz, 0x0, 0x01, 0x3f000000)
    FROUND_T(s, 97, rdn, 0x0, 0x00, 0x3f000000)
    FROUNDNX_T(s, 98, rdn, 0x0, 0x01, 0x3f000000)
    FROUND_T(s, 99, rup, 0x3f800000, 0x00, 0x3f000000)
    FROUNDNX_T(s, 100, rup, 0x3f800000, 0x01, 0x3f000000)
    FROUND_T(s, 101, rmm, 0x3f800000, 0x00, 0x3f000000)
    FROUNDNX_T(s, 102, rmm, 0x3f800000, 0x01, 0x3f000000)
    FROUND_T(s, 103, rne, 0x80000000, 0x00, 0xbf000000)
    FROUNDNX_T(s, 104, rne, 0x80000000, 0x01, 0xbf000000)
    FROUND_T(s, 105, rtz, 0x80000000, 0x00, 0xbf000000)
    FROUNDNX_T(s, 106, rtz, 0x80000000, 0x01, 0xbf000000)
    FROUND_T(s, 107, rdn, 0xbf800000, 0x00, 0xbf000000)
    FROUNDNX_T(s, 108, rdn, 0xbf800000, 0x01, 0xbf000000)
    FROUND_T(s, 109, rup, 0x80000000, 0x00, 0xbf000000)
    FROUNDNX_T(s, 110, rup, 0x80000000, 0x01, 0xbf000000)
    FROUND_T(s, 111, rmm, 0xbf800000, 0x00, 0xbf000000)
    FROUNDNX_T(s, 112, rmm, 0xbf800000, 0x01, 0xbf000000)
    FROUND_T(s, 113, rne, 0x4b000001, 0x00, 0x4b000001)
    FROUNDNX_T(s, 114, rne, 0x4b000001, 0x00, 0x4b000001)
    FROUND_T(s, 115, rne, 0x7fc00000, 0x00, 0x7fc00000)
    FROUNDNX_T(s, 116, rne, 0x7fc00000, 0x00, 0x7fc00000)
    FROUND_T(s, 117, rne, 0x7fc00000, 0x10, 0x7f800001)
    FROUNDNX_T(s, 118, rne, 0x7fc00000, 0x10, 0x7f800001)
    FROUND_T(d, 119, rne, 0x4000000000000000, 0x00, 0x4004000000000000)
    FROUNDNX_T(d, 120, rne, 0x4000000000000000, 0x01, 0x4004000000000000)
    FROUND_T(d, 121, rtz, 0x4000000000000000, 0x00, 0x4004000000000000)
    FROUNDNX_T(d, 122, rtz, 0x4000000000000000, 0x01, 0x4004000000000000)
    FROUND_T(d, 123, rdn, 0x4000000000000000, 0x00, 0x4004000000000000)
    FROUNDNX_T(d, 124, rdn, 0x4000000000000000, 0x01, 0x4004000000000000)
    FROUND_T(d, 125, rup, 0x4008000000000000, 0x00, 0x4004000000000000)
    FROUNDNX_T(d, 126, rup, 0x4008000000000000, 0x01, 0x4004000000000000)
    FROUND_T(d, 127, rmm, 0x4008000000000000, 0x00, 0x4004000000000000)
    FROUNDNX_T(d, 128, rmm, 0x4008000000000000, 0x01, 0x4004000000000000)
    FROUND_T(d, 129, rne, 0xc000000000000000, 0x00, 0xc004000000000000)
    FROUNDNX_T(d, 130, rne, 0xc000000000000000, 0x01, 0xc004000000000000)
    FROUND_T(d, 131, rtz, 0xc000000000000000, 0x00, 0xc004000000000000)
    FROUNDNX_T(d, 132, rtz, 0xc000000000000000, 0x01, 0xc004000000000000)
    FROUND_T(d, 133, rdn, 0xc008000000000000, 0x00, 0xc004000000000000)
    FROUNDNX_T(d, 134, rdn, 0xc008000000000000, 0x01, 0xc004000000000000)
    FROUND_T(d, 135, rup, 0xc000000000000000, 0x00, 0xc004000000000000)
    FROUNDNX_T(d, 136, rup, 0xc000000000000000, 0x01, 0xc004000000000000)
    FROUND_T(d, 137, rmm, 0xc008000000000000, 0x00, 0xc004000000000000)
    FROUNDNX_T(d, 138, rmm, 0xc008000000000000, 0x01, 0xc004000000000000)
    FROUND_T(d, 139, rne, 0x8000000000000000, 0x00, 0xbfe0000000000000)
    FROUNDNX_T(d, 140, rne, 0x8000000000000000, 0x01, 0xbfe0000000000000)
    FROUND_T(d, 141, rtz, 0x8000000000000000, 0x00, 0xbfe0000000000000)
    FROUNDNX_T(d, 142, rtz, 0x8000000000000000, 0x01, 0xbfe0000000000000)
    FROUND_T(d, 143, rdn, 0xbff0000000000000, 0x00, 0xbfe0000000000000)
    FROUNDNX_T(d, 144, rdn, 0xbff0000000000000, 0x01, 0xbfe0000000000000)
    FROUND_T(d, 145, rup, 0x8000000000000000, 0x00, 0xbfe0000000000000)
    FROUNDNX_T(d, 146, rup, 0x8000000000000000, 0x01, 0xbfe0000000000000)
    FROUND_T(d, 147, rmm, 0xbff0000000000000, 0x00, 0xbfe0000000000000)
    FROUNDNX_T(d, 148, rmm, 0xbff0000000000000, 0x01, 0xbfe0000000000000)
    FROUND_T(d, 149, rne, 0x4330000000000001, 0x00, 0x4330000000000001)
    FROUNDNX_T(d, 150, rne, 0x4330000000000001, 0x00, 0x4330000000000001)
    FROUND_T(d, 151, rne, 0x0, 0x00, 0x1)
    FROUNDNX_T(d, 152, rne, 0x0, 0x01, 0x1)
    FROUND_T(d, 153, rtz, 0x0, 0x00, 0x1)
    FROUNDNX_T(d, 154, rtz, 0x0, 0x01, 0x1)
    FROUND_T(d, 155, rdn, 0x0, 0x00, 0x1)
    FROUNDNX_T(d, 156, rdn, 0x0, 0x01, 0x1)
    FROUND_T(d, 157, rup, 0x3ff0000000000000, 0x00, 0x1)
    FROUNDNX_T(d, 158, rup, 0x3ff0000000000000, 0x01, 0x1)
    FROUND_T(d, 159, rmm, 0x0, 0x00, 0x1)
    FROUNDNX_T(d, 160, rmm, 0x0, 0x01, 0x1)
    EXPECT_TRAP(CAUSE_ILLEGAL_INSN)
    .insn r 0x53, 5, 0x20, fa0, fa1, x4 /* fround.s with rm 5 */
    CHECK_TRAP(199, CAUSE_ILLEGAL_INSN, 0x4045d553)
TEST_END
