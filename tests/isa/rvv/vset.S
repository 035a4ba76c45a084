/*
 * rvv/vset: V 1.0 configuration and state (VLEN = 128, ELEN = 64).
 * - vsetvli/vsetivli/vsetvl with every SEW and LMUL, fractional ones too:
 *   vl = min(AVL, VLMAX); rs1 = x0 gives VLMAX, rs1 = rd = x0 keeps vl;
 * - vill (vtype = bit 63 alone, vl = 0) for SEW > LMUL * ELEN, LMUL 100,
 *   SEW 128 and reserved bits;
 * - vlenb, vstart (cleared by vsetvl*), vxrm, vxsat and vcsr;
 * - mstatus.VS: Dirty (and SD) after a vector instruction or CSR write,
 *   the sstatus view, and Off: vector instructions and CSRs illegal;
 * - misa.V; vill makes instructions that depend on vtype illegal, but not
 *   whole-register moves, loads and stores.
 * Checked on QEMU 7.2 (-M spike -cpu rv64,v=true,vlen=128).
 */
# isa-march: rv64gcv
# isa-args: -cpu rv64,v=true
#include "rvv.h"

/* vsetvli with AVL = VLMAX, checking vl */
#define VLMAX(n, sew, lmul, expected)                                         \
    vsetvli a0, x0, sew, lmul, ta, ma;                                        \
    CHECK(n, a0, expected)

/* vsetvli giving vill: rd = 0, vl = 0, vtype = bit 63 */
#define VILL(n, sew, lmul)                                                    \
    li a1, 4;                                                                 \
    vsetvli a0, a1, sew, lmul, ta, ma;                                        \
    CHECK(n, a0, 0);                                                          \
    csrr a0, vtype;                                                           \
    CHECK(n, a0, VTYPE_VILL);                                                 \
    csrr a0, vl;                                                              \
    CHECK(n, a0, 0)

TEST_BEGIN
    /* 1: misa.V */
    csrr a0, misa
    srli a0, a0, 21
    andi a0, a0, 1
    CHECK(1, a0, 1)
    VS_ON
    /* 2: vlenb */
    csrr a0, vlenb
    CHECK(2, a0, 16)
    /* 3: reset vtype is vill, vl 0 */
    csrr a0, vtype
    CHECK(3, a0, VTYPE_VILL)
    csrr a0, vl
    CHECK(3, a0, 0)
    /* 4-19: VLMAX for every SEW and LMUL */
    VLMAX(4, e8, m1, 16)
    VLMAX(5, e16, m1, 8)
    VLMAX(6, e32, m1, 4)
    VLMAX(7, e64, m1, 2)
    VLMAX(8, e8, m2, 32)
    VLMAX(9, e8, m4, 64)
    VLMAX(10, e8, m8, 128)
    VLMAX(11, e64, m8, 16)
    VLMAX(12, e8, mf8, 2)
    VLMAX(13, e8, mf4, 4)
    VLMAX(14, e8, mf2, 8)
    VLMAX(15, e16, mf4, 2)
    VLMAX(16, e16, mf2, 4)
    VLMAX(17, e32, mf2, 2)
    VLMAX(18, e32, m4, 16)
    VLMAX(19, e16, m8, 64)
    /* 20-21: vtype as read */
    vsetvli a0, x0, e32, m2, ta, ma
    csrr a0, vtype
    CHECK(20, a0, 0xd1)
    vsetvli a0, x0, e16, mf2, tu, mu
    csrr a0, vtype
    CHECK(21, a0, 0x0f)
    /* 22-25: vill */
    VILL(22, e16, mf8)
    VILL(23, e64, mf2)
    VILL(24, e32, mf4)
    li a2, 0x04 /* LMUL 100 */
    vsetvl a0, x0, a2
    CHECK(25, a0, 0)
    csrr a0, vtype
    CHECK(25, a0, VTYPE_VILL)
    /* 26-27: SEW 128, and a reserved bit */
    li a2, 0x20
    vsetvl a0, x0, a2
    csrr a0, vtype
    CHECK(26, a0, VTYPE_VILL)
    li a2, 0x100
    vsetvl a0, x0, a2
    csrr a0, vtype
    CHECK(27, a0, VTYPE_VILL)
    /* 28-31: AVL below, at and above VLMAX */
    li a1, 5
    vsetvli a0, a1, e8, m1, ta, ma
    CHECK(28, a0, 5)
    li a1, 100
    vsetvli a0, a1, e8, m1, ta, ma
    CHECK(29, a0, 16)
    li a1, -1
    vsetvli a0, a1, e16, m4, ta, ma
    CHECK(30, a0, 32)
    vsetivli a0, 31, e8, m1, ta, ma
    CHECK(31, a0, 16)
    vsetivli a0, 3, e32, m1, ta, ma
    CHECK(32, a0, 3)
    /* 33-34: rs1 = rd = x0 keeps vl, changes vtype */
    vsetivli a0, 3, e8, m1, ta, ma
    vsetvli x0, x0, e16, m2, ta, ma
    csrr a0, vl
    CHECK(33, a0, 3)
    csrr a0, vtype
    CHECK(34, a0, 0xc9)
    /* 35: vsetvl with a register vtype: e32, m1, ta, ma */
    li a2, 0xd0
    li a1, 3
    vsetvl a0, a1, a2
    CHECK(35, a0, 3)
    csrr a0, vtype
    CHECK(35, a0, 0xd0)
    /* 36: rd = x0 with rs1 != x0 still sets vl */
    li a1, 2
    vsetvli x0, a1, e8, m1, ta, ma
    csrr a0, vl
    CHECK(36, a0, 2)
    /* 37: vstart is cleared by vsetvl*; it holds log2(VLEN) bits */
    csrwi vstart, 5
    csrr a0, vstart
    CHECK(37, a0, 5)
    vsetvli a0, x0, e8, m1, ta, ma
    csrr a0, vstart
    CHECK(37, a0, 0)
    li a0, 0x3ff
    csrw vstart, a0
    csrr a0, vstart
    CHECK(38, a0, 0x7f)
    csrw vstart, zero
    /* 39-43: vxrm, vxsat, vcsr */
    csrwi vxrm, 3
    csrr a0, vcsr
    CHECK(39, a0, 6)
    csrwi vxsat, 1
    csrr a0, vcsr
    CHECK(40, a0, 7)
    csrwi vcsr, 5
    csrr a0, vxrm
    CHECK(41, a0, 2)
    csrr a0, vxsat
    CHECK(42, a0, 1)
    /* (43: vxrm[XLEN-1:2] "should be written as zeros": not tested, QEMU 7.2
     * keeps them) */
    csrwi vcsr, 0

    /* 44-47: VS goes Dirty on a vector instruction, SD follows; sstatus shows both */
    li t0, MSTATUS_FS_MASK
    csrc mstatus, t0
    li t0, MSTATUS_FS_INIT
    csrs mstatus, t0
    VS_ON
    csrr a0, mstatus
    li TESTNUM, 44
    bltz a0, fail
    andi a0, a0, MSTATUS_VS_MASK
    CHECK(44, a0, MSTATUS_VS_INIT)
    vsetvli a0, x0, e8, m1, ta, ma
    csrr a0, mstatus
    li TESTNUM, 45
    bgez a0, fail
    andi a0, a0, MSTATUS_VS_MASK
    CHECK(45, a0, MSTATUS_VS_DIRTY)
    csrr a0, sstatus
    li TESTNUM, 46
    bgez a0, fail
    andi a0, a0, MSTATUS_VS_MASK
    CHECK(46, a0, MSTATUS_VS_DIRTY)
    /* Clean clears SD; a CSR write makes it Dirty again */
    li t0, MSTATUS_VS_MASK
    csrc mstatus, t0
    li t0, MSTATUS_VS_CLEAN
    csrs mstatus, t0
    csrr a0, mstatus
    li TESTNUM, 47
    bltz a0, fail
    csrwi vxrm, 1
    csrr a0, mstatus
    li TESTNUM, 48
    bgez a0, fail
    andi a0, a0, MSTATUS_VS_MASK
    CHECK(48, a0, MSTATUS_VS_DIRTY)
    /* 49: VS written through sstatus */
    li t0, MSTATUS_VS_MASK
    csrc sstatus, t0
    csrr a0, mstatus
    andi a0, a0, MSTATUS_VS_MASK
    CHECK(49, a0, 0)

    /* 50-55: VS Off: vector instructions and CSRs are illegal */
    EXPECT_TRAP(CAUSE_ILLEGAL_INSN)
    vsetvli a0, x0, e8, m1, ta, ma
    CHECK_TRAP(50, CAUSE_ILLEGAL_INSN, 0x0c007557)
    EXPECT_TRAP(CAUSE_ILLEGAL_INSN)
    csrr a0, vl
    CHECK_TRAP(51, CAUSE_ILLEGAL_INSN, 0xc2002573)
    EXPECT_TRAP(CAUSE_ILLEGAL_INSN)
    csrr a0, vlenb
    CHECK_TRAP(52, CAUSE_ILLEGAL_INSN, 0xc2202573)
    EXPECT_TRAP(CAUSE_ILLEGAL_INSN)
    vadd.vv v1, v2, v3
    CHECK_TRAP(53, CAUSE_ILLEGAL_INSN, 0x022180d7)
    EXPECT_TRAP(CAUSE_ILLEGAL_INSN)
    la a1, vbuf
    vle8.v v1, (a1)
    CHECK_TRAP(54, CAUSE_ILLEGAL_INSN, 0x02058087)
    EXPECT_TRAP(CAUSE_ILLEGAL_INSN)
    vl1re8.v v1, (a1)
    CHECK_TRAP(55, CAUSE_ILLEGAL_INSN, 0x02858087)
    /* still Off */
    csrr a0, mstatus
    andi a0, a0, MSTATUS_VS_MASK
    CHECK(56, a0, 0)

    /* 57-60: with vill, vadd and vle are illegal; vmv1r.v, vl1r, vs1r are not */
    VS_ON
    li a2, 0x04
    vsetvl a0, x0, a2
    EXPECT_TRAP(CAUSE_ILLEGAL_INSN)
    vadd.vv v1, v2, v3
    CHECK_TRAP(57, CAUSE_ILLEGAL_INSN, 0x022180d7)
    EXPECT_TRAP(CAUSE_ILLEGAL_INSN)
    la a1, vbuf
    vle8.v v1, (a1)
    CHECK_TRAP(58, CAUSE_ILLEGAL_INSN, 0x02058087)
    la a1, pattern
    vl1re8.v v4, (a1)
    vmv1r.v v5, v4
    CHECK_V(59, v5, pattern, 16)
    li TESTNUM, 60
    la t6, trap_count
    ld t5, 0(t6)
    bnez t5, fail
TEST_END
RVV_HELPERS

TEST_DATA_BEGIN
pattern:
    .byte 0x10, 0x21, 0x32, 0x43, 0x54, 0x65, 0x76, 0x87
    .byte 0x98, 0xa9, 0xba, 0xcb, 0xdc, 0xed, 0xfe, 0x0f
