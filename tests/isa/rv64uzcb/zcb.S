# Zcb: c.lbu, c.lhu, c.lh, c.sb, c.sh, c.zext.b, c.sext.b, c.zext.h,
# c.sext.h, c.zext.w, c.not, c.mul, each against the 32-bit instruction it
# stands for; a reserved encoding of the group traps with its 16 bits.
# Hand-encoded from the Zc 1.0 figures (binutils 2.40 has no Zcb; QEMU 7.2
# neither): registers x8..x15 as numbers.
# isa-args: -cpu rv64,zcb=on
#include "test.h"

#define C_LBU(rd, off, rs1) .2byte (0x8000 | ((rs1) - 8) << 7 | ((off) & 1) << 6 | (((off) >> 1) & 1) << 5 | ((rd) - 8) << 2)
#define C_LHU(rd, off, rs1) .2byte (0x8400 | ((rs1) - 8) << 7 | (((off) >> 1) & 1) << 5 | ((rd) - 8) << 2)
#define C_LH(rd, off, rs1)  .2byte (0x8440 | ((rs1) - 8) << 7 | (((off) >> 1) & 1) << 5 | ((rd) - 8) << 2)
#define C_SB(rs2, off, rs1) .2byte (0x8800 | ((rs1) - 8) << 7 | ((off) & 1) << 6 | (((off) >> 1) & 1) << 5 | ((rs2) - 8) << 2)
#define C_SH(rs2, off, rs1) .2byte (0x8c00 | ((rs1) - 8) << 7 | (((off) >> 1) & 1) << 5 | ((rs2) - 8) << 2)
#define C_UNARY(kind, rd)   .2byte (0x9c61 | ((rd) - 8) << 7 | (kind) << 2)
#define C_MUL(rd, rs2)      .2byte (0x9c41 | ((rd) - 8) << 7 | ((rs2) - 8) << 2)
#define S0 8
#define A0 10
#define A1 11

/* rd = c.<kind>(v) */
#define TEST_UNARY(n, kind, result, v)                                        \
    li a0, v;                                                                 \
    C_UNARY(kind, A0);                                                        \
    CHECK(n, a0, result)

TEST_BEGIN
    la s0, data
    C_LBU(A0, 1, S0)
    CHECK(1, a0, 0x88)
    C_LBU(A0, 3, S0)
    CHECK(2, a0, 0x55)
    C_LHU(A0, 2, S0)
    CHECK(3, a0, 0x5566)
    C_LHU(A0, 0, S0)
    CHECK(4, a0, 0x8877)
    C_LH(A0, 0, S0)
    CHECK(5, a0, 0xffffffffffff8877)
    C_LH(A0, 2, S0)
    CHECK(6, a0, 0x5566)
    li a1, 0x12345678abcdef01
    C_SB(A1, 1, S0)
    ld a0, 0(s0)
    CHECK(7, a0, 0x1122334455660177)
    C_SH(A1, 2, S0)
    ld a0, 0(s0)
    CHECK(8, a0, 0x11223344ef010177)
    C_SB(A1, 3, S0)
    ld a0, 0(s0)
    CHECK(9, a0, 0x1122334401010177)

    TEST_UNARY(10, 0, 0x00000000000000f1, 0x123456789abcdef1)  /* c.zext.b */
    TEST_UNARY(11, 1, 0xfffffffffffffff1, 0x123456789abcdef1)  /* c.sext.b */
    TEST_UNARY(12, 1, 0x0000000000000071, 0x123456789abcde71)
    TEST_UNARY(13, 2, 0x000000000000def1, 0x123456789abcdef1)  /* c.zext.h */
    TEST_UNARY(14, 3, 0xffffffffffffdef1, 0x123456789abcdef1)  /* c.sext.h */
    TEST_UNARY(15, 3, 0x0000000000005ef1, 0x123456789abc5ef1)
    TEST_UNARY(16, 4, 0x000000009abcdef1, 0x123456789abcdef1)  /* c.zext.w */
    TEST_UNARY(17, 5, 0xedcba9876543210e, 0x123456789abcdef1)  /* c.not */
    li a0, 0x100000007
    li a1, -3
    C_MUL(A0, A1)
    CHECK(18, a0, 0xfffffffcffffffeb)

    EXPECT_TRAP(CAUSE_ILLEGAL_INSN)
    .2byte 0x9c79 /* the unary group's kind 6: reserved */
    CHECK_TRAP(19, CAUSE_ILLEGAL_INSN, 0x9c79)
    EXPECT_TRAP(CAUSE_ILLEGAL_INSN)
    .2byte 0x8c40 /* c.sh with bit 6 set: reserved */
    CHECK_TRAP(20, CAUSE_ILLEGAL_INSN, 0x8c40)
TEST_END

TEST_DATA_BEGIN
data: .dword 0x1122334455668877
