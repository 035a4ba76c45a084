/*
 * test.h: start-up, trap handling and check macros of rivet's bare-metal ISA
 * test programs (riscv-tests style, reporting through HTIF `tohost`).
 *
 * Layout of a test program:
 *     #include "test.h"
 *     TEST_BEGIN
 *         TEST_RR(1, add, 3, 1, 2)
 *         ...
 *     TEST_END            (PASS, then the fail path and the data section)
 *     TEST_DATA_BEGIN     (optional: your .data, then nothing else)
 *
 * Conventions:
 * - gp (x3) holds the current test number; x31 (t6) and x30 (t5) are scratch
 *   of the check macros, so do not keep values there across a check.
 * - PASS writes 1 to tohost; FAIL writes (gp << 1) | 1: the exit status of
 *   the emulator is then the failing check number. Exit statuses are 8 bits,
 *   so test numbers must stay in 1..199 within one program.
 * - An unexpected trap writes ((gp << 8) | (200 + mcause)) << 1 | 1: the exit
 *   status is 200 + mcause (255 for an interrupt), and the full tohost value
 *   also holds the test number that was running.
 * - Expected traps: EXPECT_TRAP(cause) arms the handler for one trap of that
 *   cause; the handler records mcause/mtval/mepc in trap_cause/trap_tval/
 *   trap_epc, bumps trap_count and resumes after the trapping instruction
 *   (its length is read from memory at mepc, so code must be identity mapped),
 *   or at trap_resume if that word is non-zero (it is cleared on use).
 *   CHECK_TRAP(n, cause, tval) then checks that exactly that trap happened.
 *   A trap of another cause, or one that was not armed, fails as above.
 * - The start-up runs in M-mode, points mtvec at the handler, enables the FPU
 *   (mstatus.FS = Initial) and clears fcsr.
 */
#ifndef RIVET_ISA_TEST_H
#define RIVET_ISA_TEST_H

#define TESTNUM gp

#define CAUSE_MISALIGNED_FETCH 0
#define CAUSE_FETCH_ACCESS     1
#define CAUSE_ILLEGAL_INSN     2
#define CAUSE_BREAKPOINT       3
#define CAUSE_MISALIGNED_LOAD  4
#define CAUSE_LOAD_ACCESS      5
#define CAUSE_MISALIGNED_STORE 6
#define CAUSE_STORE_ACCESS     7
#define CAUSE_USER_ECALL       8
#define CAUSE_SUPERVISOR_ECALL 9
#define CAUSE_MACHINE_ECALL    11
#define CAUSE_FETCH_PAGE_FAULT 12
#define CAUSE_LOAD_PAGE_FAULT  13
#define CAUSE_STORE_PAGE_FAULT 15

/* clang-format off */
#define MSTATUS_FS_MASK   0x6000
#define MSTATUS_FS_INIT   0x2000
#define MSTATUS_FS_DIRTY  0x6000
#define MSTATUS_SD        0x8000000000000000
/* clang-format on */

#define FFLAG_NX 0x01
#define FFLAG_UF 0x02
#define FFLAG_OF 0x04
#define FFLAG_DZ 0x08
#define FFLAG_NV 0x10

#define RM_RNE 0
#define RM_RTZ 1
#define RM_RDN 2
#define RM_RUP 3
#define RM_RMM 4

#define UNEXPECTED_TRAP_BASE 200

/* The trap handler addresses its data block (trap_save at 0 ... trap_resume
 * at 56, laid out by TEST_END) by fixed offsets. */

/* ---- start-up and end ---------------------------------------------------- */

/* clang-format off */
#define TEST_BEGIN                                                            \
    .section .text.init;                                                      \
    .align 6;                                                                 \
    .globl _start;                                                            \
_start:                                                                       \
    la t0, trap_vector;                                                       \
    csrw mtvec, t0;                                                           \
    li t0, MSTATUS_FS_MASK;                                                   \
    csrc mstatus, t0;                                                         \
    li t0, MSTATUS_FS_INIT;                                                   \
    csrs mstatus, t0;                                                         \
    csrwi fcsr, 0;                                                            \
    li TESTNUM, 0;                                                            \
    j test_main;                                                              \
    .align 2;                                                                 \
trap_vector:                                                                  \
    csrw mscratch, t0;                                                        \
    la t0, trap_save;                                                         \
    sd t1, 0(t0);                                                             \
    sd t2, 8(t0);                                                             \
    csrr t1, mcause;                                                          \
    ld t2, 16(t0);                                                            \
    beqz t2, trap_unexpected;                                                 \
    addi t2, t2, -1;                                                          \
    bne t1, t2, trap_unexpected;                                              \
    sd zero, 16(t0);                                                          \
    sd t1, 24(t0);                                                            \
    csrr t1, mtval;                                                           \
    sd t1, 32(t0);                                                            \
    csrr t1, mepc;                                                            \
    sd t1, 40(t0);                                                            \
    ld t2, 48(t0);                                                            \
    addi t2, t2, 1;                                                           \
    sd t2, 48(t0);                                                            \
    ld t2, 56(t0);                                                            \
    bnez t2, 1f;                                                              \
    lhu t2, 0(t1);                                                            \
    andi t2, t2, 3;                                                           \
    xori t2, t2, 3;                                                           \
    seqz t2, t2;                                                              \
    slli t2, t2, 1;                                                           \
    addi t2, t2, 2;                                                           \
    add t2, t1, t2;                                                           \
    j 3f;                                                                     \
1:  sd zero, 56(t0);                                                          \
3:  csrw mepc, t2;                                                            \
    ld t1, 0(t0);                                                             \
    ld t2, 8(t0);                                                             \
    csrr t0, mscratch;                                                        \
    mret;                                                                     \
trap_unexpected:                                                              \
    li t2, UNEXPECTED_TRAP_BASE + 55;                                         \
    bltz t1, 4f;                                                              \
    addi t2, t1, UNEXPECTED_TRAP_BASE;                                        \
4:  slli t1, TESTNUM, 8;                                                      \
    or t1, t1, t2;                                                            \
    slli t1, t1, 1;                                                           \
    ori t1, t1, 1;                                                            \
    j write_tohost;                                                           \
test_main:

#define PASS_CODE                                                             \
    fence;                                                                    \
    li t1, 1;                                                                 \
    j write_tohost

#define TEST_END                                                              \
    PASS_CODE;                                                                \
fail:                                                                         \
    fence;                                                                    \
    slli t1, TESTNUM, 1;                                                      \
    ori t1, t1, 1;                                                            \
write_tohost:                                                                 \
    la t0, tohost;                                                            \
    sd t1, 0(t0);                                                             \
    j write_tohost;                                                           \
    .pushsection .tohost, "aw", @progbits;                                    \
    .align 6;                                                                 \
    .globl tohost;                                                            \
tohost: .dword 0;                                                             \
    .type tohost, @object;                                                    \
    .size tohost, 8;                                                          \
    .align 6;                                                                 \
    .globl fromhost;                                                          \
fromhost: .dword 0;                                                           \
    .type fromhost, @object;                                                  \
    .size fromhost, 8;                                                        \
    .popsection;                                                              \
    .pushsection .data;                                                       \
    .align 3;                                                                 \
trap_save:   .dword 0, 0;                                                     \
trap_expect: .dword 0;                                                        \
trap_cause:  .dword 0;                                                        \
trap_tval:   .dword 0;                                                        \
trap_epc:    .dword 0;                                                        \
trap_count:  .dword 0;                                                        \
trap_resume: .dword 0;                                                        \
    .popsection
/* clang-format on */

/* Your own data: put after TEST_END. */
#define TEST_DATA_BEGIN \
    .data;              \
    .align 4

/* ---- checks -------------------------------------------------------------- */

/* Fail with number n unless register reg equals the constant expected. */
/* clang-format off */
#define CHECK(n, reg, expected)                                               \
    li TESTNUM, n;                                                            \
    li t6, expected;                                                          \
    bne reg, t6, fail

/* Fail with number n unless registers a and b are equal. */
#define CHECK_REG(n, a, b)                                                    \
    li TESTNUM, n;                                                            \
    bne a, b, fail

/* Fail with n unless the 32-bit single in freg (NaN-boxed) has bits `bits`. */
#define CHECK_FS(n, freg, bits)                                               \
    li TESTNUM, n;                                                            \
    fmv.x.d t5, freg;                                                         \
    li t6, (0xffffffff00000000 | ((bits) & 0xffffffff));                      \
    bne t5, t6, fail

/* Fail with n unless the half in freg (NaN-boxed) has bits `bits`. */
#define CHECK_FH(n, freg, bits)                                               \
    li TESTNUM, n;                                                            \
    fmv.x.d t5, freg;                                                         \
    li t6, (0xffffffffffff0000 | ((bits) & 0xffff));                          \
    bne t5, t6, fail

/* Fail with n unless the double in freg has bits `bits`. */
#define CHECK_FD(n, freg, bits)                                               \
    li TESTNUM, n;                                                            \
    fmv.x.d t5, freg;                                                         \
    li t6, bits;                                                              \
    bne t5, t6, fail

/* Fail with n unless fflags == flags; clears fflags. */
#define CHECK_FFLAGS(n, flags)                                                \
    li TESTNUM, n;                                                            \
    csrrw t5, fflags, zero;                                                   \
    li t6, flags;                                                             \
    bne t5, t6, fail

/* Arm the handler for one trap of cause `cause`. */
#define EXPECT_TRAP(cause)                                                    \
    la t6, trap_expect;                                                       \
    li t5, (cause) + 1;                                                       \
    sd t5, 0(t6)

/* Resume at `label` after the armed trap instead of the next instruction. */
#define TRAP_RESUME_AT(label)                                                 \
    la t6, trap_resume;                                                       \
    la t5, label;                                                             \
    sd t5, 0(t6)
/* clang-format on */

/* Fail with n unless exactly the armed trap happened (cause, tval). Resets
 * trap_count. Checks 3 things, all reported as n. */
/* clang-format off */
#define CHECK_TRAP(n, cause, tval)                                            \
    li TESTNUM, n;                                                            \
    la t6, trap_expect;                                                       \
    ld t5, 0(t6);                                                             \
    bnez t5, fail;                                                            \
    la t6, trap_count;                                                        \
    ld t5, 0(t6);                                                             \
    sd zero, 0(t6);                                                           \
    li t6, 1;                                                                 \
    bne t5, t6, fail;                                                         \
    la t6, trap_cause;                                                        \
    ld t5, 0(t6);                                                             \
    li t6, cause;                                                             \
    bne t5, t6, fail;                                                         \
    la t6, trap_tval;                                                         \
    ld t5, 0(t6);                                                             \
    li t6, tval;                                                              \
    bne t5, t6, fail
/* clang-format on */

/* Fail with n unless exactly the armed trap happened with mepc == label
 * (mtval not checked: for some causes its value is implementation-defined). */
/* clang-format off */
#define CHECK_TRAP_AT(n, cause, label)                                        \
    li TESTNUM, n;                                                            \
    la t6, trap_expect;                                                       \
    ld t5, 0(t6);                                                             \
    bnez t5, fail;                                                            \
    la t6, trap_count;                                                        \
    ld t5, 0(t6);                                                             \
    sd zero, 0(t6);                                                           \
    li t6, 1;                                                                 \
    bne t5, t6, fail;                                                         \
    la t6, trap_cause;                                                        \
    ld t5, 0(t6);                                                             \
    li t6, cause;                                                             \
    bne t5, t6, fail;                                                         \
    la t6, trap_epc;                                                          \
    ld t5, 0(t6);                                                             \
    la t6, label;                                                             \
    bne t5, t6, fail

/* As CHECK_TRAP but the expected tval is in a register. */
#define CHECK_TRAP_REG(n, cause, tvalreg)                                     \
    li TESTNUM, n;                                                            \
    la t6, trap_expect;                                                       \
    ld t5, 0(t6);                                                             \
    bnez t5, fail;                                                            \
    la t6, trap_count;                                                        \
    ld t5, 0(t6);                                                             \
    sd zero, 0(t6);                                                           \
    li t6, 1;                                                                 \
    bne t5, t6, fail;                                                         \
    la t6, trap_cause;                                                        \
    ld t5, 0(t6);                                                             \
    li t6, cause;                                                             \
    bne t5, t6, fail;                                                         \
    la t6, trap_tval;                                                         \
    ld t5, 0(t6);                                                             \
    bne t5, tvalreg, fail
/* clang-format on */

/* ---- instruction test shorthands (riscv-tests style) --------------------- */

/* rd = op(v1, v2) */
/* clang-format off */
#define TEST_RR(n, op, result, v1, v2)                                        \
    li a1, v1;                                                                \
    li a2, v2;                                                                \
    op a0, a1, a2;                                                            \
    CHECK(n, a0, result)

/* rd = op(v1, imm) */
#define TEST_RI(n, op, result, v1, imm)                                       \
    li a1, v1;                                                                \
    op a0, a1, imm;                                                           \
    CHECK(n, a0, result)

/* rd = op(v1) */
#define TEST_R1(n, op, result, v1)                                            \
    li a1, v1;                                                                \
    op a0, a1;                                                                \
    CHECK(n, a0, result)

/* Writing x0 leaves it zero. */
#define TEST_RR_X0(n, op, v1, v2)                                             \
    li a1, v1;                                                                \
    li a2, v2;                                                                \
    op x0, a1, a2;                                                            \
    CHECK(n, x0, 0)

/* Single-precision: load bit patterns into fa1..fa3 (boxed) via integer moves. */
#define LOAD_FS(freg, bits)                                                   \
    li t6, bits;                                                              \
    fmv.w.x freg, t6

/* Halves (Zfh): boxed by fmv.h.x. */
#define LOAD_FH(freg, bits)                                                   \
    li t6, bits;                                                              \
    fmv.h.x freg, t6

#define LOAD_FD(freg, bits)                                                   \
    li t6, bits;                                                              \
    fmv.d.x freg, t6

/* fd = op(a, b) with rounding mode rm; checks result bits and fflags. */
#define TEST_FRR_S(n, op, rm, result, flags, a, b)                            \
    LOAD_FS(fa1, a);                                                          \
    LOAD_FS(fa2, b);                                                          \
    csrwi fflags, 0;                                                          \
    op fa0, fa1, fa2, rm;                                                     \
    CHECK_FFLAGS(n, flags);                                                   \
    CHECK_FS(n, fa0, result)

#define TEST_FRR_D(n, op, rm, result, flags, a, b)                            \
    LOAD_FD(fa1, a);                                                          \
    LOAD_FD(fa2, b);                                                          \
    csrwi fflags, 0;                                                          \
    op fa0, fa1, fa2, rm;                                                     \
    CHECK_FFLAGS(n, flags);                                                   \
    CHECK_FD(n, fa0, result)

/* fd = op(a) with rounding mode rm (fsqrt, fcvt.s.d...). */
#define TEST_FR1_S(n, op, rm, result, flags, a)                               \
    LOAD_FS(fa1, a);                                                          \
    csrwi fflags, 0;                                                          \
    op fa0, fa1, rm;                                                          \
    CHECK_FFLAGS(n, flags);                                                   \
    CHECK_FS(n, fa0, result)

#define TEST_FR1_D(n, op, rm, result, flags, a)                               \
    LOAD_FD(fa1, a);                                                          \
    csrwi fflags, 0;                                                          \
    op fa0, fa1, rm;                                                          \
    CHECK_FFLAGS(n, flags);                                                   \
    CHECK_FD(n, fa0, result)

/* Ops without a rounding-mode operand (fmin, fsgnj...). */
#define TEST_FRR_S_NORM(n, op, result, flags, a, b)                           \
    LOAD_FS(fa1, a);                                                          \
    LOAD_FS(fa2, b);                                                          \
    csrwi fflags, 0;                                                          \
    op fa0, fa1, fa2;                                                         \
    CHECK_FFLAGS(n, flags);                                                   \
    CHECK_FS(n, fa0, result)

#define TEST_FRR_D_NORM(n, op, result, flags, a, b)                           \
    LOAD_FD(fa1, a);                                                          \
    LOAD_FD(fa2, b);                                                          \
    csrwi fflags, 0;                                                          \
    op fa0, fa1, fa2;                                                         \
    CHECK_FFLAGS(n, flags);                                                   \
    CHECK_FD(n, fa0, result)

/* Comparisons: integer result of op(a, b). */
#define TEST_FCMP_S(n, op, result, flags, a, b)                               \
    LOAD_FS(fa1, a);                                                          \
    LOAD_FS(fa2, b);                                                          \
    csrwi fflags, 0;                                                          \
    op a0, fa1, fa2;                                                          \
    CHECK_FFLAGS(n, flags);                                                   \
    CHECK(n, a0, result)

#define TEST_FCMP_D(n, op, result, flags, a, b)                               \
    LOAD_FD(fa1, a);                                                          \
    LOAD_FD(fa2, b);                                                          \
    csrwi fflags, 0;                                                          \
    op a0, fa1, fa2;                                                          \
    CHECK_FFLAGS(n, flags);                                                   \
    CHECK(n, a0, result)

/* fused: fd = op(a, b, c) */
#define TEST_FR4_S(n, op, rm, result, flags, a, b, c)                         \
    LOAD_FS(fa1, a);                                                          \
    LOAD_FS(fa2, b);                                                          \
    LOAD_FS(fa3, c);                                                          \
    csrwi fflags, 0;                                                          \
    op fa0, fa1, fa2, fa3, rm;                                                \
    CHECK_FFLAGS(n, flags);                                                   \
    CHECK_FS(n, fa0, result)

#define TEST_FR4_D(n, op, rm, result, flags, a, b, c)                         \
    LOAD_FD(fa1, a);                                                          \
    LOAD_FD(fa2, b);                                                          \
    LOAD_FD(fa3, c);                                                          \
    csrwi fflags, 0;                                                          \
    op fa0, fa1, fa2, fa3, rm;                                                \
    CHECK_FFLAGS(n, flags);                                                   \
    CHECK_FD(n, fa0, result)

/* FP -> integer conversion with rounding mode. */
#define TEST_FCVT_X_S(n, op, rm, result, flags, a)                            \
    LOAD_FS(fa1, a);                                                          \
    csrwi fflags, 0;                                                          \
    op a0, fa1, rm;                                                           \
    CHECK_FFLAGS(n, flags);                                                   \
    CHECK(n, a0, result)

#define TEST_FCVT_X_D(n, op, rm, result, flags, a)                            \
    LOAD_FD(fa1, a);                                                          \
    csrwi fflags, 0;                                                          \
    op a0, fa1, rm;                                                           \
    CHECK_FFLAGS(n, flags);                                                   \
    CHECK(n, a0, result)

/* integer -> FP conversion with rounding mode. */
#define TEST_FCVT_S_X(n, op, rm, result, flags, a)                            \
    li a1, a;                                                                 \
    csrwi fflags, 0;                                                          \
    op fa0, a1, rm;                                                           \
    CHECK_FFLAGS(n, flags);                                                   \
    CHECK_FS(n, fa0, result)

#define TEST_FCVT_D_X(n, op, rm, result, flags, a)                            \
    li a1, a;                                                                 \
    csrwi fflags, 0;                                                          \
    op fa0, a1, rm;                                                           \
    CHECK_FFLAGS(n, flags);                                                   \
    CHECK_FD(n, fa0, result)

/* Half-precision forms of the above (Zfh). */
#define TEST_FRR_H(n, op, rm, result, flags, a, b)                            \
    LOAD_FH(fa1, a);                                                          \
    LOAD_FH(fa2, b);                                                          \
    csrwi fflags, 0;                                                          \
    op fa0, fa1, fa2, rm;                                                     \
    CHECK_FFLAGS(n, flags);                                                   \
    CHECK_FH(n, fa0, result)

#define TEST_FR1_H(n, op, rm, result, flags, a)                               \
    LOAD_FH(fa1, a);                                                          \
    csrwi fflags, 0;                                                          \
    op fa0, fa1, rm;                                                          \
    CHECK_FFLAGS(n, flags);                                                   \
    CHECK_FH(n, fa0, result)

#define TEST_FR4_H(n, op, rm, result, flags, a, b, c)                         \
    LOAD_FH(fa1, a);                                                          \
    LOAD_FH(fa2, b);                                                          \
    LOAD_FH(fa3, c);                                                          \
    csrwi fflags, 0;                                                          \
    op fa0, fa1, fa2, fa3, rm;                                                \
    CHECK_FFLAGS(n, flags);                                                   \
    CHECK_FH(n, fa0, result)

#define TEST_FRR_H_NORM(n, op, result, flags, a, b)                           \
    LOAD_FH(fa1, a);                                                          \
    LOAD_FH(fa2, b);                                                          \
    csrwi fflags, 0;                                                          \
    op fa0, fa1, fa2;                                                         \
    CHECK_FFLAGS(n, flags);                                                   \
    CHECK_FH(n, fa0, result)

#define TEST_FCMP_H(n, op, result, flags, a, b)                               \
    LOAD_FH(fa1, a);                                                          \
    LOAD_FH(fa2, b);                                                          \
    csrwi fflags, 0;                                                          \
    op a0, fa1, fa2;                                                          \
    CHECK_FFLAGS(n, flags);                                                   \
    CHECK(n, a0, result)

#define TEST_FCVT_X_H(n, op, rm, result, flags, a)                            \
    LOAD_FH(fa1, a);                                                          \
    csrwi fflags, 0;                                                          \
    op a0, fa1, rm;                                                           \
    CHECK_FFLAGS(n, flags);                                                   \
    CHECK(n, a0, result)

#define TEST_FCVT_H_X(n, op, rm, result, flags, a)                            \
    li a1, a;                                                                 \
    csrwi fflags, 0;                                                          \
    op fa0, a1, rm;                                                           \
    CHECK_FFLAGS(n, flags);                                                   \
    CHECK_FH(n, fa0, result)
/* clang-format on */

#endif
