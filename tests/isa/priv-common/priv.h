/*
 * priv.h: helpers of the privileged bare-metal tests (rv64mi, rv64si, vm,
 * pmp). Builds on common/test.h (constants, CHECK*, TEST_END, tohost, the
 * trap_* record) but brings its own start-up and trap handlers, because these
 * tests run code in S and U mode and need traps to come back to M-mode code.
 *
 *     #include "../priv-common/priv.h"
 *     PRIV_BEGIN
 *         ... checks in M-mode ...
 *     PRIV_END
 *
 * M-mode handler (mtvec, direct mode): like test.h's, a trap must be armed
 * with EXPECT_TRAP(cause); it records cause/tval/epc (trap_*), mstatus at
 * trap time (trap_mstatus) and counts it. Then:
 *   - trap_resume == 0: resume after the trapping instruction with mret
 *     (length read at mepc, so only for identity-mapped code);
 *   - otherwise: jump to trap_resume, staying in M-mode (t0-t2 clobbered),
 *     so code run in S/U by GO_MODE comes back to M with a trap (ecall).
 * S-mode handler (strap, for stvec): the same with s_expect, s_cause,
 * s_tval, s_epc, s_count, s_status (sstatus at trap), s_resume; resuming
 * at s_resume stays in S-mode. Unexpected S traps report 230 + scause
 * (254 for interrupts).
 * The start-up sets PMP entry 15 to allow everything (NAPOT, RWX), so S/U
 * accesses work on implementations that deny them with no PMP entry.
 */
#ifndef RIVET_PRIV_H
#define RIVET_PRIV_H

#include "test.h"

#define PRV_U 0
#define PRV_S 1
#define PRV_M 3

#define MSTATUS_SIE  0x2
#define MSTATUS_MIE  0x8
#define MSTATUS_SPIE 0x20
#define MSTATUS_MPIE 0x80
#define MSTATUS_SPP  0x100
#define MSTATUS_MPP  0x1800
#define MSTATUS_MPRV 0x20000
#define MSTATUS_SUM  0x40000
#define MSTATUS_MXR  0x80000
#define MSTATUS_TVM  0x100000
#define MSTATUS_TW   0x200000
#define MSTATUS_TSR  0x400000
#define MSTATUS_UXL  0x300000000
#define MSTATUS_SXL  0xc00000000

#define IRQ_SSI  1
#define IRQ_MSI  3
#define IRQ_STI  5
#define IRQ_MTI  7
#define IRQ_SEI  9
#define IRQ_MEI  11
#define MIP_SSIP (1 << IRQ_SSI)
#define MIP_MSIP (1 << IRQ_MSI)
#define MIP_STIP (1 << IRQ_STI)
#define MIP_MTIP (1 << IRQ_MTI)
#define MIP_SEIP (1 << IRQ_SEI)
#define MIP_MEIP (1 << IRQ_MEI)
#define INTR     0x8000000000000000

#define PTE_V 0x01
#define PTE_R 0x02
#define PTE_W 0x04
#define PTE_X 0x08
#define PTE_U 0x10
#define PTE_G 0x20
#define PTE_A 0x40
#define PTE_D 0x80

#define SATP_SV39 (8 << 60)
#define SATP_SV48 (9 << 60)
#define SATP_SV57 (10 << 60)

#define PMP_R     0x01
#define PMP_W     0x02
#define PMP_X     0x04
#define PMP_TOR   0x08
#define PMP_NA4   0x10
#define PMP_NAPOT 0x18
#define PMP_L     0x80

#define S_UNEXPECTED_BASE 230

/* mret to `target` in privilege `mode` (MPP set, MPIE/MIE left alone). */
/* clang-format off */
#define GO_MODE(mode, target)                                                 \
    li t0, MSTATUS_MPP;                                                       \
    csrc mstatus, t0;                                                         \
    li t0, (mode) << 11;                                                      \
    csrs mstatus, t0;                                                         \
    la t0, target;                                                            \
    csrw mepc, t0;                                                            \
    mret

/* Arm the M handler for `cause` and come back to M-mode code at `label`. */
#define EXPECT_TRAP_AT(cause, label)                                          \
    EXPECT_TRAP(cause);                                                       \
    TRAP_RESUME_AT(label)
/* clang-format on */

/* Run `insn` in `mode` (S or U, code at its own address: Bare, or identity
 * mapped); expect an M trap of `cause` with tval `tval` (that mode's ecall,
 * tval 0, when insn must not fault). */
/* clang-format off */
#define TRY_MODE(n, mode, cause, tval, insn...)                               \
    li TESTNUM, n;                                                            \
    EXPECT_TRAP_AT(cause, 2f);                                                \
    GO_MODE(mode, 1f);                                                        \
1:  insn;                                                                     \
    ecall;                                                                    \
2:  CHECK_TRAP(n, cause, tval)

/* The same with the expected tval in a register. */
#define TRY_MODE_REG(n, mode, cause, tvalreg, insn...)                        \
    li TESTNUM, n;                                                            \
    EXPECT_TRAP_AT(cause, 2f);                                                \
    GO_MODE(mode, 1f);                                                        \
1:  insn;                                                                     \
    ecall;                                                                    \
2:  CHECK_TRAP_REG(n, cause, tvalreg)

/* Fail with n unless the recorded mepc equals the address of `label`. */
#define CHECK_EPC(n, label)                                                   \
    li TESTNUM, n;                                                            \
    la t6, trap_epc;                                                          \
    ld t5, 0(t6);                                                             \
    la t6, label;                                                             \
    bne t5, t6, fail

#define CHECK_EPC_VAL(n, value)                                               \
    li TESTNUM, n;                                                            \
    la t6, trap_epc;                                                          \
    ld t5, 0(t6);                                                             \
    li t6, value;                                                             \
    bne t5, t6, fail

/* Fail with n unless (mstatus at the last M trap & mask) == value. */
#define CHECK_TRAP_MSTATUS(n, mask, value)                                    \
    li TESTNUM, n;                                                            \
    la t6, trap_mstatus;                                                      \
    ld t5, 0(t6);                                                             \
    li t6, mask;                                                              \
    and t5, t5, t6;                                                           \
    li t6, value;                                                             \
    bne t5, t6, fail

/* Fail with n unless (csr & mask) == value. */
#define CHECK_CSR(n, csr, mask, value)                                        \
    li TESTNUM, n;                                                            \
    csrr t5, csr;                                                             \
    li t6, mask;                                                              \
    and t5, t5, t6;                                                           \
    li t6, value;                                                             \
    bne t5, t6, fail
/* clang-format on */

/* ---- S-mode handler record ---------------------------------------------- */

/* clang-format off */
#define EXPECT_STRAP(cause)                                                   \
    la t6, s_expect;                                                          \
    li t5, (cause) + 1;                                                       \
    sd t5, 0(t6)

#define STRAP_RESUME_AT(label)                                                \
    la t6, s_resume;                                                          \
    la t5, label;                                                             \
    sd t5, 0(t6)

#define EXPECT_STRAP_AT(cause, label)                                         \
    EXPECT_STRAP(cause);                                                      \
    STRAP_RESUME_AT(label)

#define CHECK_STRAP(n, cause, tval)                                           \
    li TESTNUM, n;                                                            \
    la t6, s_expect;                                                          \
    ld t5, 0(t6);                                                             \
    bnez t5, fail;                                                            \
    la t6, s_count;                                                           \
    ld t5, 0(t6);                                                             \
    sd zero, 0(t6);                                                           \
    li t6, 1;                                                                 \
    bne t5, t6, fail;                                                         \
    la t6, s_cause;                                                           \
    ld t5, 0(t6);                                                             \
    li t6, cause;                                                             \
    bne t5, t6, fail;                                                         \
    la t6, s_tval;                                                            \
    ld t5, 0(t6);                                                             \
    li t6, tval;                                                              \
    bne t5, t6, fail

#define CHECK_SEPC(n, label)                                                  \
    li TESTNUM, n;                                                            \
    la t6, s_epc;                                                             \
    ld t5, 0(t6);                                                             \
    la t6, label;                                                             \
    bne t5, t6, fail

#define CHECK_SEPC_VAL(n, value)                                              \
    li TESTNUM, n;                                                            \
    la t6, s_epc;                                                             \
    ld t5, 0(t6);                                                             \
    li t6, value;                                                             \
    bne t5, t6, fail

#define CHECK_STRAP_SSTATUS(n, mask, value)                                   \
    li TESTNUM, n;                                                            \
    la t6, s_status;                                                          \
    ld t5, 0(t6);                                                             \
    li t6, mask;                                                              \
    and t5, t5, t6;                                                           \
    li t6, value;                                                             \
    bne t5, t6, fail
/* clang-format on */

/* ---- start-up, handlers, end --------------------------------------------- */

/* clang-format off */
#define PRIV_BEGIN                                                            \
    .section .text.init;                                                      \
    .align 6;                                                                 \
    .globl _start;                                                            \
_start:                                                                       \
    li TESTNUM, 0;                                                            \
    la t0, mtrap;                                                             \
    csrw mtvec, t0;                                                           \
    csrw mie, zero;                                                           \
    csrw mip, zero;                                                           \
    csrw medeleg, zero;                                                       \
    csrw mideleg, zero;                                                       \
    csrw satp, zero;                                                          \
    li t0, -1;                                                                \
    csrw pmpaddr15, t0;                                                       \
    li t0, (PMP_NAPOT | PMP_R | PMP_W | PMP_X) << 56;                         \
    csrw pmpcfg2, t0;                                                         \
    li t0, MSTATUS_FS_MASK;                                                   \
    csrc mstatus, t0;                                                         \
    li t0, MSTATUS_FS_INIT;                                                   \
    csrs mstatus, t0;                                                         \
    csrwi fcsr, 0;                                                            \
    la t0, strap;                                                             \
    csrw stvec, t0;                                                           \
    la sp, priv_stack_top;                                                    \
    j test_main;                                                              \
    .align 2;                                                                 \
mtrap:                                                                        \
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
    csrr t2, mstatus;                                                         \
    sd t2, 64(t0);                                                            \
    ld t2, 56(t0);                                                            \
    beqz t2, 1f;                                                              \
    sd zero, 56(t0);                                                          \
    jr t2;                                                                    \
1:  lhu t2, 0(t1);                                                            \
    andi t2, t2, 3;                                                           \
    xori t2, t2, 3;                                                           \
    seqz t2, t2;                                                              \
    slli t2, t2, 1;                                                           \
    addi t2, t2, 2;                                                           \
    add t2, t1, t2;                                                           \
    csrw mepc, t2;                                                            \
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
    .align 2;                                                                 \
strap:                                                                        \
    csrw sscratch, t0;                                                        \
    la t0, s_save;                                                            \
    sd t1, 0(t0);                                                             \
    sd t2, 8(t0);                                                             \
    csrr t1, scause;                                                          \
    ld t2, 16(t0);                                                            \
    beqz t2, strap_unexpected;                                                \
    addi t2, t2, -1;                                                          \
    bne t1, t2, strap_unexpected;                                             \
    sd zero, 16(t0);                                                          \
    sd t1, 24(t0);                                                            \
    csrr t1, stval;                                                           \
    sd t1, 32(t0);                                                            \
    csrr t1, sepc;                                                            \
    sd t1, 40(t0);                                                            \
    ld t2, 48(t0);                                                            \
    addi t2, t2, 1;                                                           \
    sd t2, 48(t0);                                                            \
    csrr t2, sstatus;                                                         \
    sd t2, 64(t0);                                                            \
    ld t2, 56(t0);                                                            \
    beqz t2, 1f;                                                              \
    sd zero, 56(t0);                                                          \
    jr t2;                                                                    \
1:  lhu t2, 0(t1);                                                            \
    andi t2, t2, 3;                                                           \
    xori t2, t2, 3;                                                           \
    seqz t2, t2;                                                              \
    slli t2, t2, 1;                                                           \
    addi t2, t2, 2;                                                           \
    add t2, t1, t2;                                                           \
    csrw sepc, t2;                                                            \
    ld t1, 0(t0);                                                             \
    ld t2, 8(t0);                                                             \
    csrr t0, sscratch;                                                        \
    sret;                                                                     \
strap_unexpected:                                                             \
    li t2, S_UNEXPECTED_BASE + 24;                                            \
    bltz t1, 4f;                                                              \
    addi t2, t1, S_UNEXPECTED_BASE;                                           \
4:  slli t1, TESTNUM, 8;                                                      \
    or t1, t1, t2;                                                            \
    slli t1, t1, 1;                                                           \
    ori t1, t1, 1;                                                            \
    j write_tohost;                                                           \
test_main:
/* clang-format on */

/* The M record reuses test.h's trap_* block (trap_save at offset 0) and adds
 * trap_mstatus right after it (offset 64), so TEST_END must come first. */
/* clang-format off */
#define PRIV_END                                                              \
    TEST_END;                                                                 \
    .pushsection .data;                                                       \
trap_mstatus: .dword 0;                                                       \
    .align 3;                                                                 \
s_save:     .dword 0, 0;                                                      \
s_expect:   .dword 0;                                                         \
s_cause:    .dword 0;                                                         \
s_tval:     .dword 0;                                                         \
s_epc:      .dword 0;                                                         \
s_count:    .dword 0;                                                         \
s_resume:   .dword 0;                                                         \
s_status:   .dword 0;                                                         \
    .align 4;                                                                 \
priv_stack: .skip 1024;                                                       \
priv_stack_top:                                                               \
    .popsection
/* clang-format on */

#endif
