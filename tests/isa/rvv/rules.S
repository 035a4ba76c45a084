/*
 * rvv/rules: reserved encodings and register-group rules raise illegal
 * instruction with tval = the instruction (V 1.0 3.4.2, 5.2, 7.8, 11.2,
 * 11.7, 14, 16), and their legal neighbours run: misaligned groups at LMUL
 * 2 and 8, a masked vd = v0, widening and narrowing overlaps, widening at
 * SEW 64 and LMUL 8, a reduction with vstart != 0, vcompress/vslideup/
 * vrgather overlaps, too many segment fields, EMUL out of range,
 * misaligned whole-register groups, an unassigned funct6, mew = 1. Also a
 * fractional LMUL: vl and the tail follow it.
 * Checked on QEMU 7.2 (-M spike -cpu rv64,v=true,vlen=128).
 */
# isa-march: rv64gcv
# isa-args: -cpu rv64,v=true
#include "rvv.h"

/* The instruction traps as illegal, with tval = its bits. */
#define ILLEGAL(n, ...)                                                       \
    EXPECT_TRAP(CAUSE_ILLEGAL_INSN);                                          \
100: __VA_ARGS__;                                                             \
    CHECK_TRAP_AT(n, CAUSE_ILLEGAL_INSN, 100b);                               \
    la t6, trap_tval;                                                         \
    ld t5, 0(t6);                                                             \
    la t6, 100b;                                                              \
    lwu t6, 0(t6);                                                            \
    bne t5, t6, fail

/* The instruction runs (no trap: the handler is not armed). */
#define LEGAL(n, ...)                                                         \
    li TESTNUM, n;                                                            \
    __VA_ARGS__

TEST_BEGIN
    VS_ON
    la a1, buf
    /* 1-4: LMUL 8: groups at multiples of 8 */
    SETVL(128, e8, m8)
    ILLEGAL(1, vadd.vv v1, v8, v16)
    ILLEGAL(2, vadd.vv v8, v9, v16)
    ILLEGAL(3, vadd.vv v8, v16, v28)
    LEGAL(4, vadd.vv v8, v16, v24)
    /* 5-6: LMUL 2 */
    SETVL(8, e32, m2)
    ILLEGAL(5, vle32.v v3, (a1))
    LEGAL(6, vle32.v v4, (a1))
    /* 7-8: a masked instruction may not write v0 (but a compare may) */
    SETVL(16, e8, m1)
    ILLEGAL(7, vadd.vv v0, v8, v16, v0.t)
    LEGAL(8, vmseq.vv v0, v8, v16, v0.t)
    /* 9-13: widening: vd overlaps vs2 only in its highest part */
    ILLEGAL(9, vwadd.vv v2, v2, v4)
    LEGAL(10, vwadd.vv v2, v3, v4)
    ILLEGAL(11, vwadd.vv v2, v4, v2)
    SETVL(2, e64, m1)
    ILLEGAL(12, vwadd.vv v2, v4, v6)
    SETVL(128, e8, m8)
    ILLEGAL(13, vwaddu.vv v0, v8, v16)
    /* 14-15: narrowing: vd overlaps vs2 only in its lowest part */
    SETVL(16, e8, m1)
    ILLEGAL(14, vnsrl.wv v3, v2, v8)
    LEGAL(15, vnsrl.wv v2, v2, v8)
    /* 16-17: reductions need vstart = 0; it stays as it was */
    csrwi vstart, 1
    ILLEGAL(16, vredsum.vs v1, v2, v3)
    csrr a0, vstart
    CHECK(17, a0, 1)
    csrw vstart, zero
    /* 18-21: vcompress, vslideup, vrgather: vd overlaps no source */
    ILLEGAL(18, vcompress.vm v2, v2, v3)
    ILLEGAL(19, vslideup.vi v2, v2, 1)
    ILLEGAL(20, vrgather.vv v2, v3, v2)
    LEGAL(21, vslidedown.vi v2, v2, 1)
    /* 22-23: segments: at most 8 registers, and within v0-v31 */
    ILLEGAL(22, vlseg4e32.v v30, (a1))
    SETVL(64, e8, m4)
    ILLEGAL(23, vlseg3e8.v v8, (a1))
    /* 24-25: EMUL = EEW / SEW * LMUL within 1/8 .. 8 */
    SETVL(128, e8, m8)
    ILLEGAL(24, vle64.v v8, (a1))
    SETVL(2, e64, m1)
    LEGAL(25, vle8.v v8, (a1))
    /* 26-27: whole-register groups aligned */
    ILLEGAL(26, vl2re8.v v3, (a1))
    ILLEGAL(27, vmv2r.v v3, v4)
    /* 28: an unassigned OPIVV funct6 (000001) */
    ILLEGAL(28, .word 0x062180d7)
    /* 29: mew = 1 (vle8.v v1, (a1) with bit 28) */
    ILLEGAL(29, .word 0x12058087)
    /* 30: vmv.x.s with vill */
    li a0, 0x04
    vsetvl x0, x0, a0
    ILLEGAL(30, vmv.x.s a0, v1)
    /* 31-33: fractional LMUL: e8 mf2 has 8 elements, the rest is tail */
    vsetvli a0, x0, e8, mf2, tu, mu
    CHECK(31, a0, 8)
    SETVL(16, e8, m1)
    vmv.v.i v5, 3
    vsetvli a0, x0, e8, mf2, tu, mu
    li a2, 4
    vadd.vx v5, v5, a2
    CHECK_V(32, v5, exp_frac, 16)
    /* mf4 at e16: 2 elements */
    vsetvli a0, x0, e16, mf4, tu, mu
    CHECK(33, a0, 2)
    li TESTNUM, 34
    la t6, trap_count
    ld t5, 0(t6)
    bnez t5, fail
TEST_END
RVV_HELPERS

TEST_DATA_BEGIN
exp_frac: .byte 7, 7, 7, 7, 7, 7, 7, 7, 3, 3, 3, 3, 3, 3, 3, 3
buf: .zero 1024
