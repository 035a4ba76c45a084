/*
 * rvv.h: helpers of the vector tests (tests/isa/rvv), on top of test.h.
 *
 *     #include "rvv.h"
 *     TEST_BEGIN
 *         VS_ON
 *         ... checks ...
 *     TEST_END
 *     RVV_HELPERS          (the subroutines CHECK_MEM and CHECK_V call)
 *     TEST_DATA_BEGIN
 *
 * CHECK_MEM and CHECK_V clobber a0-a2, t0, t1 and ra besides t5/t6.
 */
#ifndef RIVET_ISA_RVV_H
#define RIVET_ISA_RVV_H

#include "test.h"

#define MSTATUS_VS_MASK  0x600
#define MSTATUS_VS_INIT  0x200
#define MSTATUS_VS_CLEAN 0x400
#define MSTATUS_VS_DIRTY 0x600
#define VTYPE_VILL       0x8000000000000000

/* mstatus.VS = Initial. */
/* clang-format off */
#define VS_ON                                                                 \
    li t0, MSTATUS_VS_MASK;                                                   \
    csrc mstatus, t0;                                                         \
    li t0, MSTATUS_VS_INIT;                                                   \
    csrs mstatus, t0

/* Fail with n unless the len bytes at label got equal those at label want. */
#define CHECK_MEM(n, got, want, len)                                          \
    li TESTNUM, n;                                                            \
    la a0, got;                                                               \
    la a1, want;                                                              \
    li a2, len;                                                               \
    call mem_differs;                                                         \
    bnez a0, fail
/* clang-format on */

/* Fail with n unless the first len bytes of register vreg equal those at
 * label want (the register goes through vbuf with vs1r.v). */
/* clang-format off */
#define CHECK_V(n, vreg, want, len)                                           \
    la a0, vbuf;                                                              \
    vs1r.v vreg, (a0);                                                        \
    CHECK_MEM(n, vbuf, want, len)

/* Fill register vreg's first vlenb bytes from label src (vl1re8.v). */
#define LOAD_V(vreg, src)                                                     \
    la a0, src;                                                               \
    vl1re8.v vreg, (a0)

#define RVV_HELPERS                                                           \
mem_differs:                                                                  \
    beqz a2, 2f;                                                              \
1:  lbu t0, 0(a0);                                                            \
    lbu t1, 0(a1);                                                            \
    bne t0, t1, 3f;                                                           \
    addi a0, a0, 1;                                                           \
    addi a1, a1, 1;                                                           \
    addi a2, a2, -1;                                                          \
    bnez a2, 1b;                                                              \
2:  li a0, 0;                                                                 \
    ret;                                                                      \
3:  li a0, 1;                                                                 \
    ret;                                                                      \
    .pushsection .data;                                                       \
    .align 6;                                                                 \
vbuf: .zero 1024;                                                             \
    .popsection
/* clang-format on */

#endif

#ifndef RIVET_ISA_RVV_H2
#define RIVET_ISA_RVV_H2
/* vl = n for (sew, lmul), tail and mask undisturbed. */
/* clang-format off */
#define SETVL(n, sew, lmul)                                                   \
    li t0, n;                                                                 \
    vsetvli x0, t0, sew, lmul, tu, mu

/* len bytes at label buf (a multiple of 8) = 0. */
#define CLEAR(buf, len)                                                       \
    la t0, buf;                                                               \
    li t1, len;                                                               \
1:  sd zero, 0(t0);                                                           \
    addi t0, t0, 8;                                                           \
    addi t1, t1, -8;                                                          \
    bnez t1, 1b

/* 256 bytes 0, 1, ..., 255 at label name. */
#define COUNTING_BYTES(name)                                                  \
name:;                                                                        \
    .set cb_i, 0;                                                             \
    .rept 256;                                                                \
    .byte cb_i;                                                               \
    .set cb_i, cb_i + 1;                                                      \
    .endr
/* clang-format on */
#endif
