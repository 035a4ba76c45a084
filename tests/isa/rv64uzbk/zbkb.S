# Zbkb with Zbb off: pack, packh, packw, brev8, and the rows Zbkb shares with
# Zbb (rol, ror, rori, rolw, rorw, roriw, andn, orn, xnor, rev8, and zext.h,
# which is packw rd, rs1, x0); what only Zbb has (clz, cpop, orc.b, max,
# sext.b) is illegal.
# Expected values from a Python model of the Zbkb spec, checked on QEMU 7.2
# (-cpu rv64,zbb=false,zbkb=true).
# isa-march: rv64gc_zbb_zbkb
# isa-args: -cpu rv64,zbb=off,zbkb=on
#include "test.h"
TEST_BEGIN
    TEST_RR(1, pack, 0x0000000000000000, 0x0000000000000000, 0x0000000000000000)
    TEST_RR(2, pack, 0x00000000ffffffff, 0xffffffffffffffff, 0x0000000000000000)
    TEST_RR(3, pack, 0xffffffff00000000, 0x0000000000000000, 0xffffffffffffffff)
    TEST_RR(4, pack, 0x7654321089abcdef, 0x0123456789abcdef, 0xfedcba9876543210)
    TEST_RR(5, pack, 0x87654321cafef00d, 0xdeadbeefcafef00d, 0x1234567887654321)
    TEST_RR(6, pack, 0xffffffff00000000, 0x8000000000000000, 0x7fffffffffffffff)
    TEST_RR(7, pack, 0xb09490b82a3a2107, 0x6b01a1c12a3a2107, 0x6b0404f2b09490b8)
    TEST_RR(8, pack, 0x7aa6540da28f5b37, 0x48007596a28f5b37, 0xd7e11b1b7aa6540d)
    TEST_RR(9, pack, 0xcaea0518374cb756, 0xfd5e5ee3374cb756, 0x79827b7acaea0518)
    TEST_RR(10, packh, 0x0000000000000000, 0x0000000000000000, 0x0000000000000000)
    TEST_RR(11, packh, 0x00000000000000ff, 0xffffffffffffffff, 0x0000000000000000)
    TEST_RR(12, packh, 0x000000000000ff00, 0x0000000000000000, 0xffffffffffffffff)
    TEST_RR(13, packh, 0x00000000000010ef, 0x0123456789abcdef, 0xfedcba9876543210)
    TEST_RR(14, packh, 0x000000000000210d, 0xdeadbeefcafef00d, 0x1234567887654321)
    TEST_RR(15, packh, 0x000000000000ff00, 0x8000000000000000, 0x7fffffffffffffff)
    TEST_RR(16, packh, 0x000000000000b807, 0x6b01a1c12a3a2107, 0x6b0404f2b09490b8)
    TEST_RR(17, packh, 0x0000000000000d37, 0x48007596a28f5b37, 0xd7e11b1b7aa6540d)
    TEST_RR(18, packh, 0x0000000000001856, 0xfd5e5ee3374cb756, 0x79827b7acaea0518)
    TEST_RR(19, packw, 0x0000000000000000, 0x0000000000000000, 0x0000000000000000)
    TEST_RR(20, packw, 0x000000000000ffff, 0xffffffffffffffff, 0x0000000000000000)
    TEST_RR(21, packw, 0xffffffffffff0000, 0x0000000000000000, 0xffffffffffffffff)
    TEST_RR(22, packw, 0x000000003210cdef, 0x0123456789abcdef, 0xfedcba9876543210)
    TEST_RR(23, packw, 0x000000004321f00d, 0xdeadbeefcafef00d, 0x1234567887654321)
    TEST_RR(24, packw, 0xffffffffffff0000, 0x8000000000000000, 0x7fffffffffffffff)
    TEST_RR(25, packw, 0xffffffff90b82107, 0x6b01a1c12a3a2107, 0x6b0404f2b09490b8)
    TEST_RR(26, packw, 0x00000000540d5b37, 0x48007596a28f5b37, 0xd7e11b1b7aa6540d)
    TEST_RR(27, packw, 0x000000000518b756, 0xfd5e5ee3374cb756, 0x79827b7acaea0518)
    TEST_R1(28, brev8, 0x0000000000000000, 0x0000000000000000)
    TEST_R1(29, brev8, 0xffffffffffffffff, 0xffffffffffffffff)
    TEST_R1(30, brev8, 0x80c4a2e691d5b3f7, 0x0123456789abcdef)
    TEST_R1(31, brev8, 0x0180018001800180, 0x8001800180018001)
    TEST_R1(32, brev8, 0x0000000000000080, 0x0000000000000001)
    TEST_R1(33, brev8, 0x7bb57df7537f0fb0, 0xdeadbeefcafef00d)
    TEST_RR(34, rol, 0x23456789abcdef01, 0x0123456789abcdef, 8)
    TEST_RR(35, ror, 0xef0123456789abcd, 0x0123456789abcdef, 8)
    TEST_RI(36, rori, 0xf0123456789abcde, 0x0123456789abcdef, 4)
    TEST_RR(37, rolw, 0x0000000012345678, 0x0000000081234567, 4)
    TEST_RR(38, rorw, 0xffffffff81234567, 0x0000000012345678, 4)
    TEST_RI(39, roriw, 0xffffffff81234567, 0x0000000012345678, 4)
    TEST_RR(40, andn, 0x010045008900cd00, 0x0123456789abcdef, 0x00ff00ff00ff00ff)
    TEST_RR(41, orn, 0xff23ff67ffabffef, 0x0123456789abcdef, 0x00ff00ff00ff00ff)
    TEST_RR(42, xnor, 0xfe23ba6776ab32ef, 0x0123456789abcdef, 0x00ff00ff00ff00ff)
    TEST_R1(43, rev8, 0xefcdab8967452301, 0x0123456789abcdef)
    TEST_R1(44, zext.h, 0x000000000000cdef, 0x0123456789abcdef)
    li a1, 0x1234
    EXPECT_TRAP(CAUSE_ILLEGAL_INSN)
    clz a0, a1
    CHECK_TRAP(45, CAUSE_ILLEGAL_INSN, 0x60059513)
    EXPECT_TRAP(CAUSE_ILLEGAL_INSN)
    cpop a0, a1
    CHECK_TRAP(46, CAUSE_ILLEGAL_INSN, 0x60259513)
    EXPECT_TRAP(CAUSE_ILLEGAL_INSN)
    orc.b a0, a1
    CHECK_TRAP(47, CAUSE_ILLEGAL_INSN, 0x2875d513)
    EXPECT_TRAP(CAUSE_ILLEGAL_INSN)
    max a0, a1, a2
    CHECK_TRAP(48, CAUSE_ILLEGAL_INSN, 0x0ac5e533)
    EXPECT_TRAP(CAUSE_ILLEGAL_INSN)
    sext.b a0, a1
    CHECK_TRAP(49, CAUSE_ILLEGAL_INSN, 0x60459513)
TEST_END
