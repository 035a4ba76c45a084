# RV64I control transfer (unprivileged spec 2.5): every conditional branch
# taken and not taken, forward and backward (negative offset), signed vs
# unsigned comparisons; jal/jalr link values, jalr adding a signed offset and
# clearing bit 0, rd == rs1, and x0 as link register.
#include "test.h"

/* branch must be taken, forward */
#define TAKEN_F(n, br, v1, v2)                                                \
    li TESTNUM, n; li a1, v1; li a2, v2;                                      \
    br a1, a2, 1f; j fail; 1:

/* branch must be taken, backward */
#define TAKEN_B(n, br, v1, v2)                                                \
    li TESTNUM, n; li a1, v1; li a2, v2;                                      \
    j 2f; 1: j 3f; 2: br a1, a2, 1b; j fail; 3:

/* branch must not be taken (both directions) */
#define NOT_TAKEN(n, br, v1, v2)                                              \
    li TESTNUM, n; li a1, v1; li a2, v2;                                      \
    br a1, a2, 1f; j 2f; 1: j fail; 2:                                        \
    j 4f; 3: j fail; 4: br a1, a2, 3b

#define CASES(n, br, tv1, tv2, nv1, nv2)                                      \
    TAKEN_F(n, br, tv1, tv2);                                                 \
    TAKEN_B(n + 1, br, tv1, tv2);                                             \
    NOT_TAKEN(n + 2, br, nv1, nv2)

TEST_BEGIN
    CASES(1,  beq,  -1, -1, 0x100000000, 0)          # 64-bit compare
    CASES(4,  bne,  0x100000000, 0, 5, 5)
    CASES(7,  blt,  -1, 0, 0, -1)
    CASES(10, blt,  0x8000000000000000, 0x7fffffffffffffff, 3, 3)
    CASES(13, bge,  0, -1, -1, 0)
    CASES(16, bge,  7, 7, 0x8000000000000000, 1)
    CASES(19, bltu, 0, -1, -1, 0)
    CASES(22, bltu, 0x7fffffffffffffff, 0x8000000000000000, 4, 4)
    CASES(25, bgeu, -1, 0, 0, -1)
    CASES(28, bgeu, 9, 9, 1, 2)
    TAKEN_F(31, blt, -2, -1)
    NOT_TAKEN(32, bltu, -1, -2)
    # jal: rd = pc + 4
    li TESTNUM, 40
    jal a0, 1f
2:  j fail
1:  la a1, 2b
    bne a0, a1, fail
    # jal backward with link
    li TESTNUM, 41
    j 3f
4:  la a1, 5f
    bne ra, a1, fail
    j 6f
3:  jal ra, 4b
5:  j fail
6:
    # jal x0 (plain jump) leaves x0 zero
    li TESTNUM, 42
    jal x0, 1f
    j fail
1:  bnez x0, fail
    # jalr: target = (rs1 + imm) & ~1, rd = pc + 4
    li TESTNUM, 43
    la a1, 1f
    jalr a0, 0(a1)
2:  j fail
1:  la a2, 2b
    bne a0, a2, fail
    li TESTNUM, 44               # positive offset
    la a1, 1f
    addi a1, a1, -16
    jalr a0, 16(a1)
    j fail
1:
    li TESTNUM, 45               # negative offset
    la a1, 1f
    addi a1, a1, 100
    jalr a0, -100(a1)
    j fail
1:
    li TESTNUM, 46               # bit 0 of the sum is cleared
    la a1, 1f
    addi a1, a1, 1
    jalr a0, 0(a1)
    j fail
1:
    li TESTNUM, 47               # odd offset, even base
    la a1, 1f
    addi a1, a1, -3
    jalr x0, 3(a1)
    j fail
1:
    li TESTNUM, 48               # rd == rs1: target uses the old value
    la a1, 1f
    jalr a1, 0(a1)
2:  j fail
1:  la a2, 2b
    bne a1, a2, fail
    li TESTNUM, 49               # jalr x0 (ret) keeps x0 zero
    la a1, 1f
    jalr x0, 0(a1)
    j fail
1:  bnez x0, fail
    li TESTNUM, 50               # call/ret through a subroutine
    li a0, 0
    call sub_inc
    call sub_inc
    li t6, 2
    bne a0, t6, fail
    li TESTNUM, 51               # branch to self-adjacent: offset +4 taken and not
    li a1, 1
    beq a1, a1, 1f
1:  bne a1, a1, 2f
    j 3f
2:  j fail
3:
TEST_END
sub_inc:
    addi a0, a0, 1
    ret
