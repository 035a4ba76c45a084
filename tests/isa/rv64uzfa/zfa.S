# Zfa: fli.h/s/d load all 32 constants of the table (entry 1 the format's
# smallest normal; for halves 2^-16 and 2^-15 are subnormal and entry 29 is
# infinity) and raise no flag; fminm/fmaxm are fmin/fmax except that a NaN
# operand gives the canonical NaN (NV for a signalling one); fltq/fleq are
# quiet (NV only for a signalling NaN); fcvtmod.w.d truncates modulo 2^32
# (infinities and NaNs give 0) with fcvt.w.d's flags; its rm must be RTZ.
# binutils 2.40 has no Zfa: .insn. Expected values from an exact Python
# model of the Zfa 1.0 text (QEMU 7.2 has no Zfa).
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
#define FLI(sfx, idx, chk, n, val)                                            \
    .insn r 0x53, 0, 0x78 | FMT_##sfx, fa0, x##idx, x1;                       \
    chk(n, fa0, val)
#define FMINM_T(sfx, n, result, flags, a, b) ZFA_RR(sfx, n, 2, 0x14, result, flags, a, b)
#define FMAXM_T(sfx, n, result, flags, a, b) ZFA_RR(sfx, n, 3, 0x14, result, flags, a, b)
#define FCMPQ(sfx, n, f3, result, flags, a, b)                                \
    LD_##sfx(fa1, a);                                                         \
    LD_##sfx(fa2, b);                                                         \
    csrwi fflags, 0;                                                          \
    .insn r 0x53, f3, 0x50 | FMT_##sfx, a0, fa1, fa2;                         \
    CHECK_FFLAGS(n, flags);                                                   \
    CHECK(n, a0, result)
#define FLTQ_T(sfx, n, result, flags, a, b) FCMPQ(sfx, n, 5, result, flags, a, b)
#define FLEQ_T(sfx, n, result, flags, a, b) FCMPQ(sfx, n, 4, result, flags, a, b)
#define FCVTMOD_T(n, result, flags, a)                                        \
    LOAD_FD(fa1, a);                                                          \
    csrwi fflags, 0;                                                          \
    .insn r 0x53, 1, 0x61, a0, fa1, x8;                                       \
    CHECK_FFLAGS(n, flags);                                                   \
    CHECK(n, a0, result)
TEST_BEGIN
    csrwi fflags, 0
    FLI(h, 0, CHECK_FH, 1, 0xbc00)
    FLI(h, 1, CHECK_FH, 1, 0x400)
    FLI(h, 2, CHECK_FH, 1, 0x100)
    FLI(h, 3, CHECK_FH, 1, 0x200)
    FLI(h, 4, CHECK_FH, 1, 0x1c00)
    FLI(h, 5, CHECK_FH, 1, 0x2000)
    FLI(h, 6, CHECK_FH, 1, 0x2c00)
    FLI(h, 7, CHECK_FH, 1, 0x3000)
    FLI(h, 8, CHECK_FH, 1, 0x3400)
    FLI(h, 9, CHECK_FH, 1, 0x3500)
    FLI(h, 10, CHECK_FH, 1, 0x3600)
    FLI(h, 11, CHECK_FH, 1, 0x3700)
    FLI(h, 12, CHECK_FH, 1, 0x3800)
    FLI(h, 13, CHECK_FH, 1, 0x3900)
    FLI(h, 14, CHECK_FH, 1, 0x3a00)
    FLI(h, 15, CHECK_FH, 1, 0x3b00)
    FLI(h, 16, CHECK_FH, 1, 0x3c00)
    FLI(h, 17, CHECK_FH, 1, 0x3d00)
    FLI(h, 18, CHECK_FH, 1, 0x3e00)
    FLI(h, 19, CHECK_FH, 1, 0x3f00)
    FLI(h, 20, CHECK_FH, 1, 0x4000)
    FLI(h, 21, CHECK_FH, 1, 0x4100)
    FLI(h, 22, CHECK_FH, 1, 0x4200)
    FLI(h, 23, CHECK_FH, 1, 0x4400)
    FLI(h, 24, CHECK_FH, 1, 0x4800)
    FLI(h, 25, CHECK_FH, 1, 0x4c00)
    FLI(h, 26, CHECK_FH, 1, 0x5800)
    FLI(h, 27, CHECK_FH, 1, 0x5c00)
    FLI(h, 28, CHECK_FH, 1, 0x7800)
    FLI(h, 29, CHECK_FH, 1, 0x7c00)
    FLI(h, 30, CHECK_FH, 1, 0x7c00)
    FLI(h, 31, CHECK_FH, 1, 0x7e00)
    FLI(s, 0, CHECK_FS, 2, 0xbf800000)
    FLI(s, 1, CHECK_FS, 2, 0x800000)
    FLI(s, 2, CHECK_FS, 2, 0x37800000)
    FLI(s, 3, CHECK_FS, 2, 0x38000000)
    FLI(s, 4, CHECK_FS, 2, 0x3b800000)
    FLI(s, 5, CHECK_FS, 2, 0x3c000000)
    FLI(s, 6, CHECK_FS, 2, 0x3d800000)
    FLI(s, 7, CHECK_FS, 2, 0x3e000000)
    FLI(s, 8, CHECK_FS, 2, 0x3e800000)
    FLI(s, 9, CHECK_FS, 2, 0x3ea00000)
    FLI(s, 10, CHECK_FS, 2, 0x3ec00000)
    FLI(s, 11, CHECK_FS, 2, 0x3ee00000)
    FLI(s, 12, CHECK_FS, 2, 0x3f000000)
    FLI(s, 13, CHECK_FS, 2, 0x3f200000)
    FLI(s, 14, CHECK_FS, 2, 0x3f400000)
    FLI(s, 15, CHECK_FS, 2, 0x3f600000)
    FLI(s, 16, CHECK_FS, 2, 0x3f800000)
    FLI(s, 17, CHECK_FS, 2, 0x3fa00000)
    FLI(s, 18, CHECK_FS, 2, 0x3fc00000)
    FLI(s, 19, CHECK_FS, 2, 0x3fe00000)
    FLI(s, 20, CHECK_FS, 2, 0x40000000)
    FLI(s, 21, CHECK_FS, 2, 0x40200000)
    FLI(s, 22, CHECK_FS, 2, 0x40400000)
    FLI(s, 23, CHECK_FS, 2, 0x40800000)
    FLI(s, 24, CHECK_FS, 2, 0x41000000)
    FLI(s, 25, CHECK_FS, 2, 0x41800000)
    FLI(s, 26, CHECK_FS, 2, 0x43000000)
    FLI(s, 27, CHECK_FS, 2, 0x43800000)
    FLI(s, 28, CHECK_FS, 2, 0x47000000)
    FLI(s, 29, CHECK_FS, 2, 0x47800000)
    FLI(s, 30, CHECK_FS, 2, 0x7f800000)
    FLI(s, 31, CHECK_FS, 2, 0x7fc00000)
    FLI(d, 0, CHECK_FD, 3, 0xbff0000000000000)
    FLI(d, 1, CHECK_FD, 3, 0x10000000000000)
    FLI(d, 2, CHECK_FD, 3, 0x3ef0000000000000)
    FLI(d, 3, CHECK_FD, 3, 0x3f00000000000000)
    FLI(d, 4, CHECK_FD, 3, 0x3f70000000000000)
    FLI(d, 5, CHECK_FD, 3, 0x3f80000000000000)
    FLI(d, 6, CHECK_FD, 3, 0x3fb0000000000000)
    FLI(d, 7, CHECK_FD, 3, 0x3fc0000000000000)
    FLI(d, 8, CHECK_FD, 3, 0x3fd0000000000000)
    FLI(d, 9, CHECK_FD, 3, 0x3fd4000000000000)
    FLI(d, 10, CHECK_FD, 3, 0x3fd8000000000000)
    FLI(d, 11, CHECK_FD, 3, 0x3fdc000000000000)
    FLI(d, 12, CHECK_FD, 3, 0x3fe0000000000000)
    FLI(d, 13, CHECK_FD, 3, 0x3fe4000000000000)
    FLI(d, 14, CHECK_FD, 3, 0x3fe8000000000000)
    FLI(d, 15, CHECK_FD, 3, 0x3fec000000000000)
    FLI(d, 16, CHECK_FD, 3, 0x3ff0000000000000)
    FLI(d, 17, CHECK_FD, 3, 0x3ff4000000000000)
    FLI(d, 18, CHECK_FD, 3, 0x3ff8000000000000)
    FLI(d, 19, CHECK_FD, 3, 0x3ffc000000000000)
    FLI(d, 20, CHECK_FD, 3, 0x4000000000000000)
    FLI(d, 21, CHECK_FD, 3, 0x4004000000000000)
    FLI(d, 22, CHECK_FD, 3, 0x4008000000000000)
    FLI(d, 23, CHECK_FD, 3, 0x4010000000000000)
    FLI(d, 24, CHECK_FD, 3, 0x4020000000000000)
    FLI(d, 25, CHECK_FD, 3, 0x4030000000000000)
    FLI(d, 26, CHECK_FD, 3, 0x4060000000000000)
    FLI(d, 27, CHECK_FD, 3, 0x4070000000000000)
    FLI(d, 28, CHECK_FD, 3, 0x40e0000000000000)
    FLI(d, 29, CHECK_FD, 3, 0x40f0000000000000)
    FLI(d, 30, CHECK_FD, 3, 0x7ff0000000000000)
    FLI(d, 31, CHECK_FD, 3, 0x7ff8000000000000)
    CHECK_FFLAGS(4, 0)
    FMINM_T(h, 5, 0x3c00, 0x00, 0x3c00, 0x4000)
    FMAXM_T(h, 6, 0x4000, 0x00, 0x3c00, 0x4000)
    FMINM_T(h, 7, 0x8000, 0x00, 0x8000, 0x0)
    FMAXM_T(h, 8, 0x0, 0x00, 0x8000, 0x0)
    FMINM_T(h, 9, 0x7e00, 0x00, 0x7e00, 0x3c00)
    FMAXM_T(h, 10, 0x7e00, 0x00, 0x7e00, 0x3c00)
    FMINM_T(h, 11, 0x7e00, 0x10, 0x3c00, 0x7d00)
    FMAXM_T(h, 12, 0x7e00, 0x10, 0x3c00, 0x7d00)
    FMINM_T(h, 13, 0x7e00, 0x10, 0x7c01, 0x3c00)
    FMAXM_T(h, 14, 0x7e00, 0x10, 0x7c01, 0x3c00)
    FMINM_T(s, 15, 0x3f800000, 0x00, 0x3f800000, 0x40000000)
    FMAXM_T(s, 16, 0x40000000, 0x00, 0x3f800000, 0x40000000)
    FMINM_T(s, 17, 0x80000000, 0x00, 0x80000000, 0x0)
    FMAXM_T(s, 18, 0x0, 0x00, 0x80000000, 0x0)
    FMINM_T(s, 19, 0x7fc00000, 0x00, 0x7fc00000, 0x3f800000)
    FMAXM_T(s, 20, 0x7fc00000, 0x00, 0x7fc00000, 0x3f800000)
    FMINM_T(s, 21, 0x7fc00000, 0x10, 0x3f800000, 0x7f800001)
    FMAXM_T(s, 22, 0x7fc00000, 0x10, 0x3f800000, 0x7f800001)
    FMINM_T(d, 23, 0x3ff0000000000000, 0x00, 0x3ff0000000000000, 0x4000000000000000)
    FMAXM_T(d, 24, 0x4000000000000000, 0x00, 0x3ff0000000000000, 0x4000000000000000)
    FMINM_T(d, 25, 0x7ff8000000000000, 0x00, 0x7ff8000000000000, 0x3ff0000000000000)
    FMAXM_T(d, 26, 0x7ff8000000000000, 0x00, 0x7ff8000000000000, 0x3ff0000000000000)
    FMINM_T(d, 27, 0x7ff8000000000000, 0x10, 0x3ff0000000000000, 0x7ff0000000000001)
    FMAXM_T(d, 28, 0x7ff8000000000000, 0x10, 0x3ff0000000000000, 0x7ff0000000000001)
    FLTQ_T(h, 29, 1, 0x00, 0x3c00, 0x4000)
    FLEQ_T(h, 30, 1, 0x00, 0x3c00, 0x4000)
    FLTQ_T(h, 31, 0, 0x00, 0x4000, 0x4000)
    FLEQ_T(h, 32, 1, 0x00, 0x4000, 0x4000)
    FLTQ_T(h, 33, 0, 0x00, 0x7e00, 0x3c00)
    FLEQ_T(h, 34, 0, 0x00, 0x7e00, 0x3c00)
    FLTQ_T(h, 35, 0, 0x10, 0x3c00, 0x7d00)
    FLEQ_T(h, 36, 0, 0x10, 0x3c00, 0x7d00)
    FLTQ_T(s, 37, 0, 0x00, 0x3f800000, 0x3f800000)
    FLEQ_T(s, 38, 1, 0x00, 0x3f800000, 0x3f800000)
    FLTQ_T(s, 39, 0, 0x00, 0x7fc00000, 0x0)
    FLEQ_T(s, 40, 0, 0x00, 0x7fc00000, 0x0)
    FLTQ_T(s, 41, 0, 0x10, 0x7f800001, 0x0)
    FLEQ_T(s, 42, 0, 0x10, 0x7f800001, 0x0)
    FLTQ_T(d, 43, 1, 0x00, 0x3ff0000000000000, 0x4000000000000000)
    FLEQ_T(d, 44, 1, 0x00, 0x3ff0000000000000, 0x4000000000000000)
    FLTQ_T(d, 45, 0, 0x00, 0x7ff8000000000000, 0x0)
    FLEQ_T(d, 46, 0, 0x00, 0x7ff8000000000000, 0x0)
    FLTQ_T(d, 47, 0, 0x10, 0x0, 0x7ff0000000000001)
    FLEQ_T(d, 48, 0, 0x10, 0x0, 0x7ff0000000000001)
    FCVTMOD_T(49, 0x0000000000000003, 0x01, 0x400d99999999999a)
    FCVTMOD_T(50, 0xfffffffffffffffd, 0x01, 0xc00d99999999999a)
    FCVTMOD_T(51, 0xffffffff80000000, 0x10, 0x41e0000000000000)
    FCVTMOD_T(52, 0xffffffff80000000, 0x00, 0xc1e0000000000000)
    FCVTMOD_T(53, 0x000000007fffffff, 0x10, 0xc1e0000000200000)
    FCVTMOD_T(54, 0x0000000000000005, 0x10, 0x41f0000000500000)
    FCVTMOD_T(55, 0x0000000063100000, 0x10, 0x4415af1d78b58c40)
    FCVTMOD_T(56, 0xffffffff9cf00000, 0x10, 0xc415af1d78b58c40)
    FCVTMOD_T(57, 0x0000000000000000, 0x01, 0xbfe0000000000000)
    FCVTMOD_T(58, 0x0000000000000002, 0x10, 0x4340000000000001)
    FCVTMOD_T(59, 0x0000000000000000, 0x10, 0x7ff0000000000000)
    FCVTMOD_T(60, 0x0000000000000000, 0x10, 0xfff0000000000000)
    FCVTMOD_T(61, 0x0000000000000000, 0x10, 0x7ff8000000000000)
    FCVTMOD_T(62, 0x0000000000000000, 0x10, 0x7ff0000000000001)
    /* fcvtmod.w.d with rm other than RTZ is reserved */
    EXPECT_TRAP(CAUSE_ILLEGAL_INSN)
    .insn r 0x53, 0, 0x61, a0, fa1, x8
    CHECK_TRAP(100, CAUSE_ILLEGAL_INSN, 0xc2858553)
TEST_END
