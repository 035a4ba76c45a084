# C extension on RV64 (unprivileged spec ch. 16): every RV64C form written
# with the explicit c.* mnemonic (so the assembler must emit the 16-bit
# encoding), checking results, sign extension of immediates, link values of
# c.jalr (pc + 2), backward c.j/c.beqz/c.bnez, the SP-relative and FP forms,
# a 32-bit instruction at a 2-byte aligned address, one that straddles a page
# boundary, c.ebreak (cause 3) and the defined-illegal encoding 0x0000
# (cause 2, mtval 0).
#include "test.h"
TEST_BEGIN
    # c.li / c.lui / c.addi / c.addiw / c.addi16sp / c.addi4spn
    c.li a0, -32;           CHECK(1, a0, -32)
    c.li a0, 31;            CHECK(2, a0, 31)
    c.lui a0, 0xfffe0;      CHECK(3, a0, 0xfffffffffffe0000)   # nzimm sign-extended
    c.lui a0, 0x1f;         CHECK(4, a0, 0x1f000)
    c.lui a0, 1;            CHECK(5, a0, 0x1000)
    li a0, 5; c.addi a0, -32; CHECK(6, a0, -27)
    li a0, 5; c.addi a0, 31;  CHECK(7, a0, 36)
    li a0, 0x7fffffff; c.addiw a0, 1;  CHECK(8, a0, 0xffffffff80000000)
    li a0, 0x1ffffffff; c.addiw a0, 0; CHECK(9, a0, 0xffffffffffffffff) # sext.w
    li a0, 0x100000000; c.addiw a0, -1; CHECK(10, a0, 0xffffffffffffffff)
    mv s2, sp
    li sp, 0x1000
    c.addi16sp sp, -512;    CHECK(11, sp, 0xe00)
    c.addi16sp sp, 496;     CHECK(12, sp, 0xff0)
    c.addi4spn a0, sp, 1020; CHECK(13, a0, 0x13ec)
    c.addi4spn a1, sp, 4;   CHECK(14, a1, 0xff4)
    mv sp, s2
    # c.mv / c.add / c.sub / c.xor / c.or / c.and / c.addw / c.subw
    li a1, 0x123456789; c.mv a0, a1;  CHECK(15, a0, 0x123456789)
    li a0, 0x7fffffffffffffff; li a1, 1; c.add a0, a1; CHECK(16, a0, 0x8000000000000000)
    li a0, 1; li a1, 2; c.sub a0, a1; CHECK(17, a0, -1)
    li a0, 0xff00ff00; li a1, 0x0ff00ff0; c.xor a0, a1; CHECK(18, a0, 0xf0f0f0f0)
    li a0, 0xff00ff00; li a1, 0x0ff00ff0; c.or a0, a1;  CHECK(19, a0, 0xfff0fff0)
    li a0, 0xff00ff00; li a1, 0x0ff00ff0; c.and a0, a1; CHECK(20, a0, 0x0f000f00)
    li a0, 0x7fffffff; li a1, 1; c.addw a0, a1; CHECK(21, a0, 0xffffffff80000000)
    li a0, 0x100000000; li a1, 1; c.subw a0, a1; CHECK(22, a0, 0xffffffffffffffff)
    li a0, 0x80000000; li a1, 0x100000000; c.subw a0, a1; CHECK(23, a0, 0xffffffff80000000)
    # c.andi (sign-extended imm), c.slli/c.srli/c.srai with 6-bit shamt
    li a0, 0x123456789abcdef0; c.andi a0, -16; CHECK(24, a0, 0x123456789abcdef0)
    li a0, 0x123456789abcdeff; c.andi a0, 31;  CHECK(25, a0, 0x1f)
    li a0, 0x123456789abcdeff; c.andi a0, -32; CHECK(26, a0, 0x123456789abcdee0)
    li a0, 1; c.slli a0, 63;  CHECK(27, a0, 0x8000000000000000)
    li a0, 0x80000001; c.slli a0, 32; CHECK(28, a0, 0x8000000100000000)
    li a0, 0x8000000000000000; c.srli a0, 63; CHECK(29, a0, 1)
    li a0, 0x8000000000000000; c.srli a0, 32; CHECK(30, a0, 0x80000000)
    li a0, 0x8000000000000000; c.srai a0, 63; CHECK(31, a0, -1)
    li a0, 0x8000000000000000; c.srai a0, 1;  CHECK(32, a0, 0xc000000000000000)
    li s2, 3; c.slli s2, 1; CHECK(33, s2, 6)          # c.slli on a non-x8..x15 register
    # c.nop
    li a0, 7; c.nop; CHECK(34, a0, 7)
    # loads/stores: c.lw c.ld c.sw c.sd (x8..x15 base, scaled offsets)
    la s0, buf
    li a1, 0x1122334455667788
    c.sd a1, 8(s0)
    c.ld a0, 8(s0);  CHECK(35, a0, 0x1122334455667788)
    li a1, 0x80000001
    c.sw a1, 124(s0)
    c.lw a0, 124(s0); CHECK(36, a0, 0xffffffff80000001)  # c.lw sign-extends
    c.sd a1, 248(s0)
    c.ld a0, 248(s0); CHECK(37, a0, 0x80000001)
    c.lw a0, 12(s0);  CHECK(38, a0, 0x11223344)
    # SP-relative: c.lwsp c.ldsp c.swsp c.sdsp
    mv s2, sp
    la sp, buf
    li a1, 0xdeadbeefcafef00d
    c.sdsp a1, 248(sp)
    c.ldsp a0, 248(sp); CHECK(39, a0, 0xdeadbeefcafef00d)
    c.lwsp a0, 252(sp); CHECK(40, a0, 0xffffffffdeadbeef)
    li a1, 0x7eadbeef
    c.swsp a1, 124(sp)
    c.lwsp a0, 124(sp); CHECK(41, a0, 0x7eadbeef)
    c.ldsp s3, 248(sp); CHECK(42, s3, 0xdeadbeefcafef00d) # rd outside x8..x15
    # FP: c.fsd c.fld c.fsdsp c.fldsp
    li a1, 0x400921fb54442d18
    fmv.d.x fa1, a1
    c.fsd fa1, 16(s0)
    c.fld fa0, 16(s0);   CHECK_FD(43, fa0, 0x400921fb54442d18)
    ld a0, 16(s0);       CHECK(44, a0, 0x400921fb54442d18)
    c.fsdsp fa1, 504(sp)
    c.fldsp ft0, 504(sp); CHECK_FD(45, ft0, 0x400921fb54442d18)
    ld a0, 504(sp);      CHECK(46, a0, 0x400921fb54442d18)
    mv sp, s2
    # c.j forward and backward, c.beqz/c.bnez taken/not taken both ways
    li TESTNUM, 47
    c.j 2f
1:  c.j 3f
2:  c.j 1b
    j fail
3:  li TESTNUM, 48
    li a0, 0
    c.bnez a0, 4f          # not taken
    c.beqz a0, 5f          # taken forward
4:  j fail
6:  c.j 7f
5:  c.beqz a0, 6b          # taken backward
    j fail
7:  li TESTNUM, 49
    li a0, 0x100000000     # nonzero only in the upper half: 64-bit test
    c.beqz a0, 8f
    c.bnez a0, 9f
8:  j fail
9:
    # c.jr / c.jalr: link = pc + 2
    li TESTNUM, 50
    la a1, 1f
    c.jr a1
    j fail
1:  li TESTNUM, 51
    la a1, 1f
2:  c.jalr a1
    j fail
1:  la a2, 2b
    addi a2, a2, 2
    bne ra, a2, fail
    li TESTNUM, 52
    la ra, 1f
    c.jr ra
    j fail
1:
    # 32-bit instruction right after a 16-bit one (2-byte aligned fetch)
    .balign 4
    c.li a0, 1
    .option push
    .option norvc
    addi a0, a0, 0x123
    .option pop
    CHECK(53, a0, 0x124)
    # a 32-bit instruction straddling a 4 KiB page boundary
    li a0, 0
    j cross_entry
    .balign 4096
    .skip 4096 - 6
cross_entry:
    c.li a0, 1             # page offset 0xffa
    c.addi a0, 2           # 0xffc
    .option push
    .option norvc
    addi a0, a0, 0x100     # 0xffe..0x1001
    .option pop
    c.addi a0, 4
    CHECK(54, a0, 0x107)
    # c.ebreak: breakpoint, mepc = its address
    EXPECT_TRAP(CAUSE_BREAKPOINT)
ebrk:
    c.ebreak
    CHECK_TRAP_AT(55, CAUSE_BREAKPOINT, ebrk)
    # 0x0000 is the defined illegal instruction: cause 2, mtval 0
    EXPECT_TRAP(CAUSE_ILLEGAL_INSN)
ill0:
    .2byte 0x0000
    CHECK_TRAP_AT(56, CAUSE_ILLEGAL_INSN, ill0)
    la t0, trap_tval
    ld a0, 0(t0)
    CHECK(57, a0, 0)
TEST_END
TEST_DATA_BEGIN
    .align 4
buf: .fill 64, 8, 0
