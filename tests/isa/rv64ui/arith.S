# RV64I register-register and register-immediate arithmetic, logic and
# comparisons, lui/auipc, and the 32-bit W forms (RISC-V unprivileged spec,
# ch. 2 and 4.2): results, sign extension, wrap-around, x0 as destination.
#include "test.h"
TEST_BEGIN
    # add / sub: wrap-around at 64 bits, no trap on overflow
    TEST_RR(1, add, 0x0000000000000003, 1, 2)
    TEST_RR(2, add, 0x8000000000000000, 0x7fffffffffffffff, 1)
    TEST_RR(3, add, 0x0000000000000000, -1, 1)
    TEST_RR(4, add, 0x7ffffffffffffffe, 0x8000000000000000, -2)
    TEST_RR(5, sub, 0xffffffffffffffff, 0, 1)
    TEST_RR(6, sub, 0x7fffffffffffffff, 0x8000000000000000, 1)
    TEST_RR(7, sub, 0x8000000000000000, 0, 0x8000000000000000)
    TEST_RR_X0(8, add, 5, 6)
    TEST_RR_X0(9, sub, 5, 6)
    # addi: 12-bit sign-extended immediate
    TEST_RI(10, addi, 0x00000000000007ff, 0, 2047)
    TEST_RI(11, addi, 0xfffffffffffff800, 0, -2048)
    TEST_RI(12, addi, 0x8000000000000000, 0x7fffffffffffffff, 1)
    TEST_RI(13, addi, 0x0000000000000000, 1, -1)
    li a1, 9
    addi x0, a1, 1
    CHECK(14, x0, 0)
    # slt / sltu / slti / sltiu: signed vs unsigned
    TEST_RR(15, slt,  1, -1, 0)
    TEST_RR(16, sltu, 0, -1, 0)
    TEST_RR(17, slt,  0, 0, -1)
    TEST_RR(18, sltu, 1, 0, -1)
    TEST_RR(19, slt,  1, 0x8000000000000000, 0x7fffffffffffffff)
    TEST_RR(20, sltu, 0, 0x8000000000000000, 0x7fffffffffffffff)
    TEST_RR(21, slt,  0, 5, 5)
    TEST_RR(22, sltu, 0, 5, 5)
    TEST_RI(23, slti,  1, -2, -1)
    TEST_RI(24, slti,  0, -1, -1)
    TEST_RI(25, slti,  1, 0x8000000000000000, 0)
    TEST_RI(26, sltiu, 1, 5, -1)        # -1 sign-extends to all-ones: max unsigned
    TEST_RI(27, sltiu, 0, -1, -1)
    TEST_RI(28, sltiu, 1, 0, 1)         # seqz idiom
    TEST_RI(29, sltiu, 0, 0x8000000000000000, 2047)
    TEST_RR_X0(30, slt, -1, 0)
    # logic
    TEST_RR(31, and, 0x0f000f00f000f00f, 0xff00ff00ff00ff0f, 0x0f0f0ff0f00ff00f)
    TEST_RR(32, or,  0xff0fff0fff0fff0f, 0xff00ff00ff00ff00, 0x0f0f0f0f0f0f0f0f)
    TEST_RR(33, xor, 0xf00ff00ff00ff00f, 0xff00ff00ff00ff00, 0x0f0f0f0f0f0f0f0f)
    TEST_RI(34, andi, 0xff00ff00ff00ff00, 0xff00ff00ff00ff00, -256)   # imm sign-extended
    TEST_RI(35, andi, 0x0000000000000700, 0xff00ff00ff00ff00, 0x7ff)
    TEST_RI(36, ori,  0xfffffffffffff80f, 0x000000000000000f, -2048)
    TEST_RI(37, xori, 0x00ff00ff00ff00ff, 0xff00ff00ff00ff00, -1)     # not
    TEST_RI(38, xori, 0xff00ff00ff00f8ff, 0xff00ff00ff00ff00, 0x7ff)
    TEST_RR_X0(39, xor, 3, 5)
    # lui: imm << 12, sign-extended from bit 31
    lui a0, 0x80000
    CHECK(40, a0, 0xffffffff80000000)
    lui a0, 0x7ffff
    CHECK(41, a0, 0x000000007ffff000)
    lui a0, 0xfffff
    CHECK(42, a0, 0xfffffffffffff000)
    lui a0, 0
    CHECK(43, a0, 0)
    lui x0, 0x12345
    CHECK(44, x0, 0)
    # auipc: pc + (imm << 12), sign-extended offset
1:  auipc a0, 0
    la a1, 1b
    CHECK_REG(45, a0, a1)
2:  auipc a0, 0x80000             # pc - 2 GiB
    la a1, 2b
    li a2, 0xffffffff80000000
    add a1, a1, a2
    CHECK_REG(46, a0, a1)
3:  auipc a0, 0x7ffff
    la a1, 3b
    li a2, 0x7ffff000
    add a1, a1, a2
    CHECK_REG(47, a0, a1)
4:  auipc a0, 0xfffff            # pc - 4096
    la a1, 4b
    addi a1, a1, -2048
    addi a1, a1, -2048
    CHECK_REG(48, a0, a1)
    # addiw / addw / subw: 32-bit result sign-extended; upper input bits ignored
    TEST_RI(49, addiw, 0xffffffff80000000, 0x7fffffff, 1)
    TEST_RI(50, addiw, 0x000000007fffffff, 0xffffffff80000000, -1)
    TEST_RI(51, addiw, 0x0000000000000001, 0x1234567800000000, 1)
    TEST_RI(52, addiw, 0xffffffffffffffff, 0xffffffff00000000, -1)
    TEST_RI(53, addiw, 0x0000000000000000, 0x00000000ffffffff, 1)
    TEST_RI(54, addiw, 0xffffffff80000000, 0x0000000080000000, 0)    # sext.w
    TEST_RR(55, addw, 0xffffffff80000000, 0x7fffffff, 1)
    TEST_RR(56, addw, 0x0000000000000000, 0x00000001ffffffff, 0xaaaaaaaa00000001)
    TEST_RR(57, addw, 0xffffffffaaaaaaaa, 0x5555555500000000, 0x00000000aaaaaaaa)
    TEST_RR(58, subw, 0x000000007fffffff, 0xffffffff80000000, 1)
    TEST_RR(59, subw, 0xffffffffffffffff, 0, 1)
    TEST_RR(60, subw, 0xffffffff80000000, 0x0000000000000000, 0xffffffff80000000)
    TEST_RR(61, subw, 0x0000000000000000, 0x1234567800000005, 0x8765432100000005)
    TEST_RR_X0(62, addw, 1, 2)
    li a1, 7
    addiw x0, a1, 1
    CHECK(63, x0, 0)
    # li of a large constant (lui+addiw pairs) round trip through add
    li a1, 0x123456789abcdef0
    li a2, 0x0fedcba987654321
    add a0, a1, a2
    CHECK(64, a0, 0x2222222222222211)
    # nop leaves registers alone
    li a0, 42
    nop
    CHECK(65, a0, 42)
    # fence / fence.i executes as no-ops for this single-hart program
    fence
    fence rw, rw
    fence.i
    CHECK(66, a0, 42)
TEST_END
