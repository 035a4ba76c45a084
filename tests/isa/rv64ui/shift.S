# RV64I shifts (unprivileged spec 4.2.1-4.2.2): 6-bit shift amounts for the
# 64-bit forms (only rs2[5:0] used), 5-bit for the W forms (rs2[4:0]), W
# results sign-extended from bit 31, arithmetic shifts replicate the sign.
#include "test.h"
#define V 0x8123456789abcdef
TEST_BEGIN
    TEST_RI(1,  slli, 0x8123456789abcdef, V, 0)
    TEST_RI(2,  slli, 0x68acf13579bde000, V, 13)    # bits shifted out
    TEST_RI(3,  slli, 0xc4d5e6f780000000, V, 31)
    TEST_RI(4,  slli, 0x89abcdef00000000, V, 32)
    TEST_RI(5,  slli, 0x8000000000000000, V, 63)
    TEST_RI(6,  srli, 0x8123456789abcdef, V, 0)
    TEST_RI(7,  srli, 0x0000000102468acf, V, 31)
    TEST_RI(8,  srli, 0x0000000081234567, V, 32)
    TEST_RI(9,  srli, 0x0000000000000001, V, 63)
    TEST_RI(10, srai, 0x8123456789abcdef, V, 0)
    TEST_RI(11, srai, 0xffffffff02468acf, V, 31)
    TEST_RI(12, srai, 0xffffffff81234567, V, 32)
    TEST_RI(13, srai, 0xffffffffffffffff, V, 63)
    TEST_RI(14, srai, 0x0000000000000000, 0x7fffffffffffffff, 63)
    TEST_RI(15, srai, 0x003fffffffffffff, 0x7fffffffffffffff, 9)
    # register forms: only rs2[5:0] matters
    TEST_RR(16, sll, 0x8123456789abcdef, V, 0)
    TEST_RR(17, sll, 0x8000000000000000, V, 63)
    TEST_RR(18, sll, 0x8123456789abcdef, V, 64)     # 64 & 63 = 0
    TEST_RR(19, sll, 0x02468acf13579bde, V, 65)     # 65 & 63 = 1
    TEST_RR(20, sll, 0x89abcdef00000000, V, 0xffffffffffffffe0)  # & 63 = 32
    TEST_RR(21, srl, 0x0000000000000001, V, 63)
    TEST_RR(22, srl, 0x8123456789abcdef, V, 64)
    TEST_RR(23, srl, 0x0000000081234567, V, 32)
    TEST_RR(24, srl, 0x0000000102468acf, V, -33)    # & 63 = 31
    TEST_RR(25, sra, 0xffffffffffffffff, V, 63)
    TEST_RR(26, sra, 0xffffffff81234567, V, 32)
    TEST_RR(27, sra, 0x8123456789abcdef, V, 128)
    TEST_RR(28, sra, 0x0000000000123456, 0x0123456789abcdef, 36)
    TEST_RR_X0(29, sll, 1, 3)
    TEST_RR_X0(30, sra, -1, 3)
    # W immediates: operate on the low 32 bits, result sign-extended
    TEST_RI(31, slliw, 0xffffffff89abcdef, V, 0)    # sext of low word
    TEST_RI(32, slliw, 0xffffffff80000000, V, 31)
    TEST_RI(33, slliw, 0x0000000079bde000, V, 13)
    TEST_RI(34, slliw, 0xffffffffbcdef000, V, 12)
    TEST_RI(35, srliw, 0xffffffff89abcdef, V, 0)
    TEST_RI(36, srliw, 0x0000000000000001, V, 31)
    TEST_RI(37, srliw, 0x00000000089abcde, V, 4)    # zero fill from bit 31
    TEST_RI(38, srliw, 0x0000000000000000, 0xffffffff7fffffff, 31)
    TEST_RI(39, sraiw, 0xffffffff89abcdef, V, 0)
    TEST_RI(40, sraiw, 0xffffffffffffffff, V, 31)
    TEST_RI(41, sraiw, 0xfffffffff89abcde, V, 4)    # sign is bit 31, not 63
    TEST_RI(42, sraiw, 0x0000000000000000, 0xffffffff7fffffff, 31)
    TEST_RI(43, sraiw, 0x0000000007ffffff, 0x800000007fffffff, 4)
    # W register forms: only rs2[4:0]
    TEST_RR(44, sllw, 0xffffffff89abcdef, V, 0)
    TEST_RR(45, sllw, 0xffffffff89abcdef, V, 32)    # 32 & 31 = 0
    TEST_RR(46, sllw, 0xffffffff80000000, V, 31)
    TEST_RR(47, sllw, 0x0000000013579bde, V, 33)    # & 31 = 1
    TEST_RR(48, srlw, 0x0000000000000001, V, 31)
    TEST_RR(49, srlw, 0xffffffff89abcdef, V, 32)
    TEST_RR(50, srlw, 0x0000000044d5e6f7, V, 0xffffffffffffffe1)
    TEST_RR(51, sraw, 0xffffffffffffffff, V, 31)
    TEST_RR(52, sraw, 0xffffffffc4d5e6f7, V, 1)
    TEST_RR(53, sraw, 0xffffffff89abcdef, V, 64)
    TEST_RR(54, sraw, 0x0000000000000000, 0xffffffff7fffffff, 63)  # & 31 = 31
    TEST_RR_X0(55, sllw, 1, 1)
    li a1, 1
    slli x0, a1, 3
    CHECK(56, x0, 0)
    # shift by a register that is also the destination / source
    li a1, 3
    sll a1, a1, a1
    CHECK(57, a1, 24)
TEST_END
