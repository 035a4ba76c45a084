/*
 * rv64mi/rivet_cpu_off: extensions switched off with -cpu are gone. Their
 * instructions, compressed forms included, raise illegal instruction with
 * mtval = the instruction bits; their CSRs do not exist; misa drops their
 * letters; the extensions left on still work. The rv64 model has none of
 * the newer extensions: their instructions are illegal too.
 */
# isa-march: rv64gc_zicbom_zicboz_zawrs_zfh_zba_zbb_zbc_zbs
# isa-args: -cpu rv64,m=off,d=off,zbb=off,zicntr=off
#include "test.h"

TEST_BEGIN
    li a1, 6
    li a2, 7
    EXPECT_TRAP(CAUSE_ILLEGAL_INSN)
    mul a0, a1, a2
    CHECK_TRAP(1, CAUSE_ILLEGAL_INSN, 0x02c58533)
    EXPECT_TRAP(CAUSE_ILLEGAL_INSN)
    divuw a0, a1, a2
    CHECK_TRAP(2, CAUSE_ILLEGAL_INSN, 0x02c5d53b)

    la a0, data
    EXPECT_TRAP(CAUSE_ILLEGAL_INSN)
    .option push
    .option norvc
    fld fa0, 0(a0)
    .option pop
    CHECK_TRAP(3, CAUSE_ILLEGAL_INSN, 0x00053507)
    EXPECT_TRAP(CAUSE_ILLEGAL_INSN)
    .2byte 0x2108 /* c.fld fa0, 0(a0) */
    CHECK_TRAP(4, CAUSE_ILLEGAL_INSN, 0x2108)
    EXPECT_TRAP(CAUSE_ILLEGAL_INSN)
    fadd.d fa0, fa1, fa2
    CHECK_TRAP(5, CAUSE_ILLEGAL_INSN, 0x02c5f553)

    EXPECT_TRAP(CAUSE_ILLEGAL_INSN)
    rol a0, a1, a2
    CHECK_TRAP(6, CAUSE_ILLEGAL_INSN, 0x60c59533)
    EXPECT_TRAP(CAUSE_ILLEGAL_INSN)
    cpop a0, a1
    CHECK_TRAP(7, CAUSE_ILLEGAL_INSN, 0x60259513)

    EXPECT_TRAP(CAUSE_ILLEGAL_INSN)
    rdcycle a0
    CHECK_TRAP(8, CAUSE_ILLEGAL_INSN, 0xc0002573)
    EXPECT_TRAP(CAUSE_ILLEGAL_INSN)
    rdinstret a0
    CHECK_TRAP(9, CAUSE_ILLEGAL_INSN, 0xc0202573)

    /* Not in the rv64 model: Zbc, Zicond, Zimop, Zcb, Zcmop, Zicbom,
     * Zicboz, Zawrs. */
    EXPECT_TRAP(CAUSE_ILLEGAL_INSN)
    clmul a0, a1, a2
    CHECK_TRAP(20, CAUSE_ILLEGAL_INSN, 0x0ac59533)
    EXPECT_TRAP(CAUSE_ILLEGAL_INSN)
    .insn r 0x33, 5, 7, a0, a1, a2 /* czero.eqz */
    CHECK_TRAP(21, CAUSE_ILLEGAL_INSN, 0x0ec5d533)
    EXPECT_TRAP(CAUSE_ILLEGAL_INSN)
    .4byte 0x81c5c573 /* mop.r.0 a0, a1 */
    CHECK_TRAP(22, CAUSE_ILLEGAL_INSN, 0x81c5c573)
    EXPECT_TRAP(CAUSE_ILLEGAL_INSN)
    .2byte 0x81e8 /* c.lbu a0, 3(a1) */
    CHECK_TRAP(23, CAUSE_ILLEGAL_INSN, 0x81e8)
    EXPECT_TRAP(CAUSE_ILLEGAL_INSN)
    .2byte 0x6081 /* c.mop.1 */
    CHECK_TRAP(24, CAUSE_ILLEGAL_INSN, 0x6081)
    la a1, data
    EXPECT_TRAP(CAUSE_ILLEGAL_INSN)
    cbo.clean (a1)
    CHECK_TRAP(25, CAUSE_ILLEGAL_INSN, 0x0015a00f)
    EXPECT_TRAP(CAUSE_ILLEGAL_INSN)
    cbo.zero (a1)
    CHECK_TRAP(26, CAUSE_ILLEGAL_INSN, 0x0045a00f)
    EXPECT_TRAP(CAUSE_ILLEGAL_INSN)
    wrs.nto
    CHECK_TRAP(27, CAUSE_ILLEGAL_INSN, 0x00d00073)
    /* Nor Zfh, Zfhmin, Zfa */
    EXPECT_TRAP(CAUSE_ILLEGAL_INSN)
    fadd.h fa0, fa1, fa2
    CHECK_TRAP(28, CAUSE_ILLEGAL_INSN, 0x04c5f553)
    EXPECT_TRAP(CAUSE_ILLEGAL_INSN)
    flh fa0, 4(a1)
    CHECK_TRAP(29, CAUSE_ILLEGAL_INSN, 0x00459507)
    EXPECT_TRAP(CAUSE_ILLEGAL_INSN)
    .insn r 0x53, 0, 0x78, fa0, x16, x1 /* fli.s */
    CHECK_TRAP(30, CAUSE_ILLEGAL_INSN, 0xf0180553)

    /* misa: RV64 I, A, F, C, S, U: M and D are gone. */
    csrr a0, misa
    CHECK(10, a0, 0x8000000000140125)

    /* What is left works: F, Zba, Zbs, the M-mode counters. */
    la a0, data
    flw fa0, 0(a0)
    fmv.x.w a3, fa0
    CHECK(11, a3, 0x3f800000)
    li a1, 6
    li a2, 7
    sh1add a0, a1, a2
    CHECK(12, a0, 19)
    bseti a0, zero, 40
    CHECK(13, a0, 0x10000000000)
    csrr a0, mcycle
    csrr a1, mcycle
    li TESTNUM, 14
    bgeu a0, a1, fail
TEST_END

TEST_DATA_BEGIN
data: .word 0x3f800000, 0
