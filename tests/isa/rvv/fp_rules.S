/*
 * rvv/fp_rules: the rules of vector floating point (V 1.0 13, 13.9, 13.10,
 * 14.3, Zvfh/Zvfhmin) on a hart with Zvfhmin but not Zvfh: SEW 16 arithmetic
 * and SEW 8 are reserved, Zvfhmin's two conversions run; mstatus.FS or VS
 * Off and a reserved frm make the instructions illegal (those that do not
 * round too); a scalar that is not NaN-boxed is the canonical
 * NaN; inactive elements raise no flags; fflags accrue; the spec's
 * vfrec7/vfrsqrt7 examples and a tiny input's overflow in RTZ; widening at
 * SEW 64, a reduction with vstart != 0 and mask-destination overlaps.
 * Checked on QEMU 7.2 (-M spike -cpu rv64,v=true,vlen=128) for all but 1
 * and 3-7: QEMU 7.2 predates Zvfh and Zvfhmin and runs SEW 16 with F.
 */
# isa-march: rv64gcv
# isa-args: -cpu rv64,v=true,zvfhmin=true
#include "rvv.h"

/* The instruction traps as illegal, with tval = its bits. */
/* clang-format off */
#define ILLEGAL(n, ...)                                                       \
    EXPECT_TRAP(CAUSE_ILLEGAL_INSN);                                          \
100: __VA_ARGS__;                                                             \
    CHECK_TRAP_AT(n, CAUSE_ILLEGAL_INSN, 100b);                               \
    la t6, trap_tval;                                                         \
    ld t5, 0(t6);                                                             \
    la t6, 100b;                                                              \
    lwu t6, 0(t6);                                                            \
    bne t5, t6, fail

#define LEGAL(n, ...)                                                         \
    li TESTNUM, n;                                                            \
    __VA_ARGS__

/* Element i (of EEW bits) of v4 (through vbuf) must be `want`. */
#define CHECK_E(n, bits, i, want)                                             \
    la a0, vbuf;                                                              \
    vs8r.v v0, (a0);                                                          \
    li TESTNUM, n;                                                            \
    la a0, vbuf + 4 * 16 + (i) * (bits) / 8;                                  \
    .if bits == 16; lhu t5, 0(a0); .elseif bits == 32; lwu t5, 0(a0); .else; ld t5, 0(a0); .endif; \
    li t6, want;                                                              \
    bne t5, t6, fail
/* clang-format on */

TEST_BEGIN
    VS_ON
    /* 1-2: SEW 16 arithmetic needs Zvfh; SEW 8 is no FP width */
    SETVL(8, e16, m1)
    ILLEGAL(1, vfadd.vv v4, v8, v12)
    SETVL(16, e8, m1)
    ILLEGAL(2, vfadd.vv v4, v8, v12)
    /* 3-5: Zvfhmin: vfwcvt.f.f.v and vfncvt.f.f.w at SEW 16 */
    SETVL(8, e16, m1)
    li t0, 0x3c00 /* 1.0 */
    vmv.v.x v8, t0
    LEGAL(3, vfwcvt.f.f.v v4, v8)
    SETVL(8, e32, m2)
    CHECK_E(3, 32, 7, 0x3f800000)
    li t0, 0xc0490fdb /* -pi */
    vmv.v.x v8, t0
    SETVL(8, e16, m1)
    LEGAL(4, vfncvt.f.f.w v4, v8)
    CHECK_E(4, 16, 0, 0xc248)
    ILLEGAL(5, vfncvt.rod.f.f.w v4, v8)
    SETVL(16, e8, m1)
    ILLEGAL(6, vfwcvt.f.x.v v4, v8)
    SETVL(8, e16, m1)
    ILLEGAL(7, vfwcvt.x.f.v v4, v8)
    /* 8-10: a reserved frm: every vector FP instruction is illegal, those
     * that do not round too (QEMU 7.2 agrees) */
    SETVL(4, e32, m1)
    fsrmi 5
    ILLEGAL(8, vfadd.vv v4, v8, v12)
    ILLEGAL(9, vfsgnj.vv v4, v8, v12)
    ILLEGAL(10, vfmv.f.s fa1, v8)
    fsrmi 0
    /* 11-13: mstatus.FS Off */
    li t0, MSTATUS_FS_MASK
    csrc mstatus, t0
    ILLEGAL(11, vfadd.vv v4, v8, v12)
    ILLEGAL(12, vfmv.v.f v4, fa0)
    ILLEGAL(13, vmfeq.vv v4, v8, v12)
    li t0, MSTATUS_FS_INIT
    csrs mstatus, t0
    /* 14: vfmv.f.s writes f: FS becomes Dirty */
    vfmv.f.s fa1, v8
    csrr t0, mstatus
    li t1, MSTATUS_FS_MASK
    and t0, t0, t1
    CHECK(14, t0, MSTATUS_FS_DIRTY)
    /* 15: mstatus.VS Off */
    li t0, MSTATUS_VS_MASK
    csrc mstatus, t0
    ILLEGAL(15, vfadd.vv v4, v8, v12)
    VS_ON
    /* 16-17: a single not NaN-boxed is the canonical NaN; at SEW 64 the bits */
    li t0, 0x3f800000
    fmv.d.x fa0, t0
    SETVL(4, e32, m1)
    vfmv.v.f v4, fa0
    CHECK_E(16, 32, 3, 0x7fc00000)
    SETVL(2, e64, m1)
    vfmv.v.f v4, fa0
    CHECK_E(17, 64, 1, 0x3f800000)
    /* 18: an inactive sNaN raises nothing; the active 1 + 1 nothing either */
    SETVL(2, e64, m1)
    li t0, 0x7ff0000000000001
    vmv.v.x v8, t0
    li t0, 0x3ff0000000000000
    vmv.s.x v8, t0
    vmv.v.x v12, t0
    vmv.v.i v0, 1
    csrwi fflags, 0
    vfadd.vv v4, v8, v12, v0.t
    CHECK_FFLAGS(18, 0)
    CHECK_E(18, 64, 0, 0x4000000000000000)
    /* 19: flags accrue: NX already set, then 1/0 raises DZ */
    vmv.v.i v12, 0
    csrwi fflags, FFLAG_NX
    vfdiv.vv v4, v8, v12, v0.t
    CHECK_FFLAGS(19, FFLAG_NX | FFLAG_DZ)
    /* 20-24: the spec's examples (13.9, 13.10) */
    SETVL(2, e32, m1)
    li a2, 0x7f76543200718abc
    SETVL(1, e64, m1)
    vmv.s.x v8, a2
    SETVL(2, e32, m1)
    vfrsqrt7.v v4, v8
    CHECK_E(20, 32, 0, 0x5f080000)
    CHECK_E(21, 32, 1, 0x1f820000)
    vfrec7.v v4, v8
    CHECK_E(22, 32, 0, 0x7e900000)
    CHECK_E(23, 32, 1, 0x00214000)
    CHECK_FFLAGS(24, 0)
    /* 25-27: vfrec7 of the smallest subnormal overflows: RTZ gives the
     * largest finite number, RNE infinity; OF and NX */
    li t0, 1
    vmv.v.x v8, t0
    fsrmi RM_RTZ
    vfrec7.v v4, v8
    CHECK_E(25, 32, 1, 0x7f7fffff)
    fsrmi RM_RNE
    vfrec7.v v4, v8
    CHECK_E(26, 32, 0, 0x7f800000)
    CHECK_FFLAGS(27, FFLAG_OF | FFLAG_NX)
    /* 28-29: vfrsqrt7 of a negative number: canonical NaN, NV; of -0: -inf, DZ */
    li a2, 0x80000000bf800000
    SETVL(1, e64, m1)
    vmv.s.x v8, a2
    SETVL(2, e32, m1)
    vfrsqrt7.v v4, v8
    CHECK_E(28, 32, 0, 0x7fc00000)
    CHECK_E(28, 32, 1, 0xff800000)
    CHECK_FFLAGS(29, FFLAG_NV | FFLAG_DZ)
    /* 30-31: widening at SEW 64, and at LMUL 8 */
    SETVL(2, e64, m1)
    ILLEGAL(30, vfwadd.vv v4, v8, v12)
    SETVL(4, e32, m8)
    ILLEGAL(31, vfwmul.vv v0, v8, v16)
    /* 32: a reduction with vstart != 0 */
    SETVL(4, e32, m1)
    csrwi vstart, 1
    ILLEGAL(32, vfredosum.vs v4, v8, v12)
    csrwi vstart, 0
    /* 33-34: a compare writes one register, overlapping a source group only at its first */
    SETVL(8, e32, m2)
    ILLEGAL(33, vmflt.vv v9, v8, v12)
    LEGAL(34, vmflt.vv v8, v8, v12)
    /* 35: masked, vd = v0 */
    ILLEGAL(35, vfadd.vv v0, v8, v12, v0.t)
    /* 36: vfmerge.vfm needs v0 as the mask: vm = 1 with vs2 != v0 is reserved */
    ILLEGAL(36, .word 0x5e855257) /* vm = 1, vs2 = v8, vd = v4, rs1 = fa0 */
TEST_END
RVV_HELPERS

TEST_DATA_BEGIN
