/*
 * rvv/mem: vector loads and stores (V 1.0 7), VLEN = 128.
 * Unit-stride (tail undisturbed, masked elements undisturbed), strided
 * (negative and zero strides), indexed ordered and unordered (8- and
 * 16-bit indices), segment (2, 3, 8 fields; strided and indexed too),
 * whole-register, mask (vlm/vsm: ceil(vl/8) bytes), fault-only-first (vl
 * trimmed at the first faulting element > 0; element 0 traps), a fault
 * mid-load (vstart = the element, tval = its address), and accesses that
 * cross a page. The end of RAM (0x88000000 with -m 128M) is the fault.
 * Checked on QEMU 7.2 (-M spike -m 128M -cpu rv64,v=true,vlen=128), which
 * passes every check but 33: after vle8ff.v traps at element 0 it leaves
 * vl = 1, where the spec (7.7) says vl is not modified.
 */
# isa-march: rv64gcv
# isa-args: -cpu rv64,v=true -m 128M
#include "rvv.h"

#define RAM_END 0x88000000

TEST_BEGIN
    VS_ON
    /* 1: vle8, vl = VLMAX */
    SETVL(16, e8, m1)
    la a1, src
    vle8.v v1, (a1)
    CHECK_V(1, v1, src, 16)
    /* 2: vle16, vl = 5: bytes 10..15 undisturbed */
    SETVL(16, e8, m1)
    vmv.v.i v2, -1
    SETVL(5, e16, m1)
    la a1, src
    vle16.v v2, (a1)
    CHECK_V(2, v2, exp_tail, 16)
    /* 3-4: vle32 at LMUL 2 fills v4, v5 */
    SETVL(8, e32, m2)
    la a1, src
    vle32.v v4, (a1)
    CHECK_V(3, v4, src, 16)
    CHECK_V(4, v5, src + 16, 16)
    /* 5: vse8 of 10 elements */
    CLEAR(out, 64)
    SETVL(10, e8, m1)
    la a1, out
    vse8.v v1, (a1)
    CHECK_MEM(5, out, exp_vse8, 16)
    /* 6: masked load: inactive elements undisturbed */
    SETVL(16, e8, m1)
    la a1, mask_aa
    vlm.v v0, (a1)
    vmv.v.i v3, -1
    la a1, src
    vle8.v v3, (a1), v0.t
    CHECK_V(6, v3, exp_masked, 16)
    /* 7: masked store: inactive bytes of memory untouched */
    CLEAR(out, 64)
    la a1, out
    vse8.v v1, (a1), v0.t
    CHECK_MEM(7, out, exp_mstore, 16)
    /* 8: strided, stride 6 */
    SETVL(4, e16, m1)
    la a1, src
    li a2, 6
    vlse16.v v6, (a1), a2
    CHECK_V(8, v6, exp_stride6, 8)
    /* 9: negative stride */
    SETVL(4, e8, m1)
    la a1, src + 30
    li a2, -4
    vlse8.v v6, (a1), a2
    CHECK_V(9, v6, exp_strideneg, 4)
    /* 10: stride 0: every element from one address */
    la a1, src + 7
    vlse8.v v6, (a1), zero
    CHECK_V(10, v6, exp_stride0, 4)
    /* 11: strided store, stride 8 */
    CLEAR(out, 64)
    SETVL(4, e32, m1)
    la a1, out
    li a2, 8
    vsse32.v v4, (a1), a2
    CHECK_MEM(11, out, exp_sstore, 32)
    /* 12: unordered indexed, 8-bit indices, 16-bit data */
    SETVL(4, e8, m1)
    la a1, idx8
    vle8.v v8, (a1)
    SETVL(4, e16, m1)
    la a1, src
    vluxei8.v v7, (a1), v8
    CHECK_V(12, v7, exp_idx8, 8)
    /* 13: ordered indexed, 16-bit indices (EMUL 2: v10-v11), 8-bit data */
    SETVL(4, e16, m1)
    la a1, idx16
    vle16.v v10, (a1)
    SETVL(4, e8, m1)
    la a1, src
    vloxei16.v v7, (a1), v10
    CHECK_V(13, v7, exp_idx16, 4)
    /* 14: indexed store */
    CLEAR(out, 64)
    SETVL(4, e8, m1)
    la a1, idx_rev
    vle8.v v8, (a1)
    la a1, out
    vsoxei8.v v1, (a1), v8
    CHECK_MEM(14, out, exp_istore, 8)
    /* 15-17: 3-field segments */
    SETVL(4, e8, m1)
    la a1, src
    vlseg3e8.v v12, (a1)
    CHECK_V(15, v12, exp_seg3_0, 4)
    CHECK_V(16, v13, exp_seg3_1, 4)
    CHECK_V(17, v14, exp_seg3_2, 4)
    /* 18: segment store interleaves */
    CLEAR(out, 64)
    la a1, out
    vsseg2e8.v v12, (a1)
    CHECK_MEM(18, out, exp_sseg2, 16)
    /* 19-20: strided segments */
    SETVL(3, e8, m1)
    la a1, src
    li a2, 10
    vlsseg2e8.v v16, (a1), a2
    CHECK_V(19, v16, exp_sseg_0, 3)
    CHECK_V(20, v17, exp_sseg_1, 3)
    /* 21-22: indexed segments */
    SETVL(4, e8, m1)
    la a1, idx8
    vle8.v v8, (a1)
    la a1, src
    vluxseg2ei8.v v18, (a1), v8
    CHECK_V(21, v18, exp_iseg_0, 4)
    CHECK_V(22, v19, exp_iseg_1, 4)
    /* 23-24: 8 fields */
    SETVL(2, e8, m1)
    la a1, src
    vlseg8e8.v v20, (a1)
    CHECK_V(23, v20, exp_seg8_0, 2)
    CHECK_V(24, v27, exp_seg8_7, 2)
    /* 25-27: whole registers ignore vl and vtype */
    SETVL(1, e64, m1)
    la a1, src
    vl2re16.v v24, (a1)
    CHECK_V(25, v24, src, 16)
    CHECK_V(26, v25, src + 16, 16)
    CLEAR(out, 64)
    la a1, out
    vs2r.v v24, (a1)
    CHECK_MEM(27, out, src, 32)
    /* 28: vlm.v: ceil(vl / 8) bytes, the rest undisturbed */
    SETVL(16, e8, m1)
    vmv.v.i v9, -1
    SETVL(20, e8, m2)
    la a1, src
    vlm.v v9, (a1)
    CHECK_V(28, v9, exp_vlm, 16)
    /* 29: vsm.v */
    CLEAR(out, 64)
    SETVL(9, e8, m1)
    la a1, out
    vsm.v v9, (a1)
    CHECK_MEM(29, out, exp_vsm, 8)

    /* 30-33: fault-only-first: element 5 is past the end of RAM: vl = 5 */
    li a1, RAM_END - 5
    li a2, 0x0504030201
    sw a2, 0(a1)
    srli a2, a2, 32
    sb a2, 4(a1)
    SETVL(16, e8, m1)
    vmv.v.i v10, -1
    vle8ff.v v10, (a1)
    csrr a0, vl
    CHECK(30, a0, 5)
    CHECK_V(31, v10, exp_ff, 16)
    /* element 0 faults: the trap, vl unchanged */
    SETVL(16, e8, m1)
    li a1, RAM_END
    EXPECT_TRAP(CAUSE_LOAD_ACCESS)
    vle8ff.v v10, (a1)
    CHECK_TRAP(32, CAUSE_LOAD_ACCESS, RAM_END)
    csrr a0, vl
    CHECK(33, a0, 16)
    /* 34-36: a plain load faulting at element 5: vstart = 5, tval its address */
    SETVL(16, e8, m1)
    vmv.v.i v11, -1
    li a1, RAM_END - 5
    EXPECT_TRAP(CAUSE_LOAD_ACCESS)
    vle8.v v11, (a1)
    CHECK_TRAP(34, CAUSE_LOAD_ACCESS, RAM_END)
    csrr a0, vstart
    CHECK(35, a0, 5)
    csrw vstart, zero
    CHECK_V(36, v11, exp_ff, 5)
    /* 37: a store faulting at element 3 of 16-bit elements: tval is the element's */
    SETVL(8, e16, m1)
    li a1, RAM_END - 6
    EXPECT_TRAP(CAUSE_STORE_ACCESS)
    vse16.v v1, (a1)
    CHECK_TRAP(37, CAUSE_STORE_ACCESS, RAM_END)
    csrr a0, vstart
    CHECK(38, a0, 3)
    csrw vstart, zero
    /* 39-40: a unit-stride load and store across a page boundary */
    SETVL(16, e8, m1)
    la a1, cross
    vle8.v v12, (a1)
    CHECK_V(39, v12, cross, 16)
    CLEAR(cross_out - 8, 32)
    la a1, cross_out
    vse8.v v12, (a1)
    CHECK_MEM(40, cross_out, cross, 16)
TEST_END
RVV_HELPERS

TEST_DATA_BEGIN
COUNTING_BYTES(src)
out: .zero 256
mask_aa: .byte 0xaa, 0xaa
exp_tail: .byte 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff
exp_vse8: .byte 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 0, 0, 0, 0, 0
exp_masked: .byte 0xff, 1, 0xff, 3, 0xff, 5, 0xff, 7, 0xff, 9, 0xff, 11, 0xff, 13, 0xff, 15
exp_mstore: .byte 0, 1, 0, 3, 0, 5, 0, 7, 0, 9, 0, 11, 0, 13, 0, 15
exp_stride6: .byte 0, 1, 6, 7, 12, 13, 18, 19
exp_strideneg: .byte 30, 26, 22, 18
exp_stride0: .byte 7, 7, 7, 7
exp_sstore: .byte 0, 1, 2, 3, 0, 0, 0, 0, 4, 5, 6, 7, 0, 0, 0, 0
            .byte 8, 9, 10, 11, 0, 0, 0, 0, 12, 13, 14, 15, 0, 0, 0, 0
idx8: .byte 6, 0, 2, 10
exp_idx8: .byte 6, 7, 0, 1, 2, 3, 10, 11
idx16: .hword 100, 3, 255, 0
exp_idx16: .byte 100, 3, 255, 0
idx_rev: .byte 3, 2, 1, 0
exp_istore: .byte 3, 2, 1, 0, 0, 0, 0, 0
exp_seg3_0: .byte 0, 3, 6, 9
exp_seg3_1: .byte 1, 4, 7, 10
exp_seg3_2: .byte 2, 5, 8, 11
exp_sseg2: .byte 0, 1, 3, 4, 6, 7, 9, 10, 0, 0, 0, 0, 0, 0, 0, 0
exp_sseg_0: .byte 0, 10, 20
exp_sseg_1: .byte 1, 11, 21
exp_iseg_0: .byte 6, 0, 2, 10
exp_iseg_1: .byte 7, 1, 3, 11
exp_seg8_0: .byte 0, 8
exp_seg8_7: .byte 7, 15
exp_vlm: .byte 0, 1, 2, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff
exp_vsm: .byte 0, 1, 0, 0, 0, 0, 0, 0
exp_ff: .byte 1, 2, 3, 4, 5, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff
    .align 12
    .zero 4096 - 8
cross: .byte 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 0x01
    .align 12
    .zero 4096 - 8
cross_out: .zero 32
