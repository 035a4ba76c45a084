/*
 * rvv/vstart: a vector access that traps mid-instruction leaves vstart at
 * the element, and the instruction executed again resumes there (V 1.0
 * 3.7, 7.9). The trap handler moves the base register to good memory and
 * returns to the same instruction: the elements before vstart keep what
 * the first attempt loaded (or stored), those from vstart on come from the
 * new base, and vstart is 0 afterwards. Also: arithmetic starts at a
 * vstart software wrote, and does nothing when vstart >= vl.
 * Checked on QEMU 7.2 (-M spike -m 128M -cpu rv64,v=true,vlen=128), which
 * passes every check but 12: with vstart >= vl it skips vadd and leaves
 * vstart as it was; the spec (3.7) resets vstart at the end of every
 * vector instruction.
 */
# isa-march: rv64gcv
# isa-args: -cpu rv64,v=true -m 128M
#include "rvv.h"

#define RAM_END 0x88000000

TEST_BEGIN
    VS_ON
    /* 1-5: vlseg3e8 faulting in segment 2 (RAM_END - 6 + 6) */
    li a1, RAM_END - 6
    li a2, 0x6050403020100000
    sd a2, -2(a1)            /* bytes 0x10..0x60 at RAM_END - 6 .. - 1 */
    SETVL(4, e8, m1)
    vmv.v.i v1, 0
    vmv.v.i v2, 0
    vmv.v.i v3, 0
    TRAP_RESUME_AT(seg_fixup)
    EXPECT_TRAP(CAUSE_LOAD_ACCESS)
seg_again:
    vlseg3e8.v v1, (a1)
    j seg_done
seg_fixup:
    csrr a0, vstart
    CHECK(1, a0, 2)
    la t6, trap_tval
    ld a0, 0(t6)
    CHECK(2, a0, RAM_END)
    la a1, src
    j seg_again
seg_done:
    csrr a0, vstart
    CHECK(3, a0, 0)
    CHECK_V(4, v1, exp_seg0, 4)
    CHECK_V(5, v2, exp_seg1, 4)
    CHECK_V(6, v3, exp_seg2, 4)

    /* 7-9: vse32 faulting at element 1: element 0 went to the old place */
    li a1, RAM_END - 4
    sw zero, 0(a1)
    SETVL(4, e32, m1)
    la a0, src
    vle32.v v4, (a0)
    CLEAR(out, 32)
    TRAP_RESUME_AT(st_fixup)
    EXPECT_TRAP(CAUSE_STORE_ACCESS)
st_again:
    vse32.v v4, (a1)
    j st_done
st_fixup:
    csrr a0, vstart
    CHECK(7, a0, 1)
    la a1, out
    j st_again
st_done:
    li a1, RAM_END - 4
    lw a0, 0(a1)
    CHECK(8, a0, 0x03020100)
    CHECK_MEM(9, out, exp_st, 16)

    /* 10: vadd.vv from vstart = 2 leaves elements 0, 1 alone */
    SETVL(4, e32, m1)
    vmv.v.i v5, 1
    vmv.v.i v6, 2
    vmv.v.i v7, 7
    csrwi vstart, 2
    vadd.vv v7, v5, v6
    csrr a0, vstart
    CHECK(10, a0, 0)
    CHECK_V(11, v7, exp_vadd, 16)
    /* 12: vstart >= vl: nothing happens, vstart becomes 0 */
    vmv.v.i v7, 7
    csrwi vstart, 5
    vadd.vv v7, v5, v6
    csrr a0, vstart
    CHECK(12, a0, 0)
    CHECK_V(13, v7, exp_sevens, 16)
    /* 14: a load with vstart = 3 loads elements 3.. only */
    SETVL(8, e8, m1)
    vmv.v.i v8, 0
    csrwi vstart, 3
    la a0, src
    vle8.v v8, (a0)
    CHECK_V(14, v8, exp_from3, 8)
TEST_END
RVV_HELPERS

TEST_DATA_BEGIN
COUNTING_BYTES(src)
out: .zero 64
exp_seg0: .byte 0x10, 0x40, 6, 9
exp_seg1: .byte 0x20, 0x50, 7, 10
exp_seg2: .byte 0x30, 0x60, 8, 11
exp_st: .byte 0, 0, 0, 0, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
exp_vadd: .word 7, 7, 3, 3
exp_sevens: .word 7, 7, 7, 7
exp_from3: .byte 0, 0, 0, 3, 4, 5, 6, 7
