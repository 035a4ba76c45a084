# Zicond: czero.eqz rd = (rs2 == 0) ? 0 : rs1; czero.nez rd = (rs2 != 0) ? 0
# : rs1, with every 64 bits of rs2 counting, and rd aliasing a source.
# binutils 2.40 has no Zicond: the instructions are written with .insn.
# Checked against the Zicond 1.0 spec by hand (QEMU 7.2 has no Zicond).
# isa-args: -cpu rv64,zicond=on
#include "test.h"

    .macro czero_eqz rd, rs1, rs2
    .insn r 0x33, 5, 7, \rd, \rs1, \rs2
    .endm
    .macro czero_nez rd, rs1, rs2
    .insn r 0x33, 7, 7, \rd, \rs1, \rs2
    .endm

TEST_BEGIN
    TEST_RR(1, czero_eqz, 0, 0x0123456789abcdef, 0)
    TEST_RR(2, czero_eqz, 0x0123456789abcdef, 0x0123456789abcdef, 1)
    TEST_RR(3, czero_eqz, 0xffffffffffffffff, 0xffffffffffffffff, 0x8000000000000000)
    TEST_RR(4, czero_eqz, 0x55, 0x55, 0x100000000)
    TEST_RR(5, czero_nez, 0x0123456789abcdef, 0x0123456789abcdef, 0)
    TEST_RR(6, czero_nez, 0, 0x0123456789abcdef, 1)
    TEST_RR(7, czero_nez, 0, 0xffffffffffffffff, 0x8000000000000000)
    TEST_RR(8, czero_nez, 0, 0x55, 0x100000000)
    /* rd = rs1 and rd = rs2 */
    li a1, 7
    li a2, 3
    czero_eqz a1, a1, a2
    CHECK(9, a1, 7)
    li a1, 7
    czero_nez a1, a1, a2
    CHECK(10, a1, 0)
    li a2, 9
    czero_eqz a2, a2, a2
    CHECK(11, a2, 9)
    li a2, 0
    czero_nez a2, a2, a2
    CHECK(12, a2, 0)
    /* x0 as the source condition and as rd */
    li a1, 5
    czero_eqz a0, a1, zero
    CHECK(13, a0, 0)
    czero_nez a0, a1, zero
    CHECK(14, a0, 5)
    czero_nez zero, a1, zero
    CHECK(15, zero, 0)
TEST_END
