# Zimop and Zcmop: mop.r.N and mop.rr.N write 0 to rd (whatever rs1, rs2
# hold); c.mop.N (odd N below 16) writes nothing at all. Encodings from the
# Zimop 1.0 figures, which binutils 2.40 does not know.
# isa-args: -cpu rv64,zimop=on,zcmop=on
#include "test.h"

/* mop.r.n: 1 n4 00 n3 n2 0111 n1 n0 rs1 100 rd 1110011 */
#define MOP_R(n, rd, rs1) .4byte (0x81c04073 | (((n) >> 4) & 1) << 30 | (((n) >> 2) & 3) << 26 | ((n) & 3) << 20 | (rs1) << 15 | (rd) << 7)
/* mop.rr.n: 1 n2 00 n1 n0 1 rs2 rs1 100 rd 1110011 */
#define MOP_RR(n, rd, rs1, rs2) .4byte (0x82004073 | (((n) >> 2) & 1) << 30 | ((n) & 3) << 26 | (rs2) << 20 | (rs1) << 15 | (rd) << 7)
/* c.mop.n: c.lui xn, 0 */
#define C_MOP(n) .2byte (0x6001 | (n) << 7)
#define A0 10
#define A1 11
#define A2 12

#define CHECK_MOP_R(t, n)                                                     \
    li a0, -1;                                                                \
    li a1, 0x1234;                                                            \
    MOP_R(n, A0, A1);                                                         \
    CHECK(t, a0, 0);                                                          \
    CHECK(t, a1, 0x1234)

#define CHECK_MOP_RR(t, n)                                                    \
    li a0, -1;                                                                \
    li a1, 0x1234;                                                            \
    li a2, 0x5678;                                                            \
    MOP_RR(n, A0, A1, A2);                                                    \
    CHECK(t, a0, 0)

TEST_BEGIN
    CHECK_MOP_R(1, 0)
    CHECK_MOP_R(2, 1)
    CHECK_MOP_R(3, 5)
    CHECK_MOP_R(4, 12)
    CHECK_MOP_R(5, 28)
    CHECK_MOP_R(6, 31)
    CHECK_MOP_RR(7, 0)
    CHECK_MOP_RR(8, 3)
    CHECK_MOP_RR(9, 4)
    CHECK_MOP_RR(10, 7)
    /* rd = rs1: still 0 */
    li a1, 99
    MOP_R(17, A1, A1)
    CHECK(11, a1, 0)

    /* c.mop.N writes nothing: x1 and x5..x15 keep their values (x2 is sp,
     * x3 gp, the test number, x4 tp, all checked too) */
    li x1, 0x101
    li x4, 0x104
    li x5, 0x105
    li x7, 0x107
    li x9, 0x109
    li x11, 0x10b
    li x13, 0x10d
    li x15, 0x10f
    mv s0, sp
    li gp, 12
    C_MOP(1)
    C_MOP(3)
    C_MOP(5)
    C_MOP(7)
    C_MOP(9)
    C_MOP(11)
    C_MOP(13)
    C_MOP(15)
    li t6, 12
    bne gp, t6, fail
    li t6, 0x101
    bne x1, t6, fail
    li t6, 0x105
    bne x5, t6, fail
    li t6, 0x107
    bne x7, t6, fail
    li t6, 0x109
    bne x9, t6, fail
    li t6, 0x10b
    bne x11, t6, fail
    li t6, 0x10d
    bne x13, t6, fail
    li t6, 0x10f
    bne x15, t6, fail
    bne s0, sp, fail
    li t6, 0x104
    bne x4, t6, fail
TEST_END
