/*
 * vm.h: constants and macros of the paging tests (see vm_body.h). Needs
 * LEVELS defined first.
 */
#ifndef RIVET_VM_H
#define RIVET_VM_H
#include "priv.h"

/* clang-format off */
#define VA_A      0x40000000
#define U_ALIAS   0x2000000000
#define VA_2M     0x40200000
#define VA_2M_BAD 0x40400000
#define PA_2M     0x80200000
#define VA_1G     0x100000000
#define VA_1G_BAD 0x140000000
/* clang-format on */
#define VA_512G     0x8000000000
#define VA_512G_BAD 0x10000000000
#define VA_256T     0x1000000000000
#if LEVELS == 3
#define VA_NONCANON 0x4000000000
#elif LEVELS == 4
#define VA_NONCANON 0x800000000000
#else
#define VA_NONCANON 0x100000000000000
#endif
#define RWAD      (PTE_V | PTE_R | PTE_W | PTE_A | PTE_D)
#define P0_MAGIC  0x0a0a0a0a0a0a0a0a
#define P1_MAGIC  0x1b1b1b1b1b1b1b1b
#define P2M_MAGIC 0x2c2c2c2c2c2c2c2c
#define VM_MAGIC  0x3d3d3d3d3d3d3d3d

/* map(va, pa, flags, level): t-registers and a0-a3 clobbered */
/* clang-format off */
#define MAP(va, pa, flags, level)                                             \
    li a0, va;                                                                \
    la a1, pa;                                                                \
    li a2, flags;                                                             \
    li a3, level;                                                             \
    call pt_map

#define MAP_ABS(va, pa, flags, level)                                         \
    li a0, va;                                                                \
    li a1, pa;                                                                \
    li a2, flags;                                                             \
    li a3, level;                                                             \
    call pt_map
/* clang-format on */

/* MAP a 4 KiB page and keep the address of its leaf PTE in the dword at
 * `slot` (for CHECK_PTE and for changing it later). */
/* clang-format off */
#define MAP_KEEP(va, pa, flags, slot)                                         \
    MAP(va, pa, flags, 0);                                                    \
    la t0, slot;                                                              \
    sd a0, 0(t0)
/* clang-format on */

/* The PTE whose address is at slot (MAP_KEEP) becomes an RWAD leaf of pa;
 * no fence. */
/* clang-format off */
#define SET_PTE(slot, pa)                                                     \
    la t0, slot;                                                              \
    ld t0, 0(t0);                                                             \
    la t1, pa;                                                                \
    srli t1, t1, 12;                                                          \
    slli t1, t1, 10;                                                          \
    ori t1, t1, RWAD;                                                         \
    sd t1, 0(t0)

/* Fail with n unless (the PTE whose address is at slot & mask) == value. */
#define CHECK_PTE(n, slot, mask, value)                                       \
    li TESTNUM, n;                                                            \
    la t6, slot;                                                              \
    ld t6, 0(t6);                                                             \
    ld t5, 0(t6);                                                             \
    li t6, mask;                                                              \
    and t5, t5, t6;                                                           \
    li t6, value;                                                             \
    bne t5, t6, fail
/* clang-format on */

/* Run `insn` in S (identity-mapped code); expect an M trap of `cause` with
 * tval `tval` (ecall, cause 9 and tval 0, when insn must not fault). */
#define TRY_S(n, cause, tval, insn...) TRY_MODE(n, PRV_S, cause, tval, insn)

/* The same in U: the code runs at its alias U_ALIAS + (pc - 0x80000000). */
/* clang-format off */
#define TRY_U(n, cause, tval, insn...)                                        \
    li TESTNUM, n;                                                            \
    EXPECT_TRAP_AT(cause, 2f);                                                \
    la t0, 1f;                                                                \
    li t1, U_ALIAS - 0x80000000;                                              \
    add t0, t0, t1;                                                           \
    csrw mepc, t0;                                                            \
    li t0, MSTATUS_MPP;                                                       \
    csrc mstatus, t0;                                                         \
    mret;                                                                     \
1:  insn;                                                                     \
    ecall;                                                                    \
2:  CHECK_TRAP(n, cause, tval)
/* clang-format on */

#endif
