/*
 * vm/sv39_tlb: Sv39 plus what translation caches and decoded-code caches
 * must not get wrong (privileged spec 4.2.1, unprivileged Zifencei):
 * - code at one VA remapped to another physical page runs the new code
 *   after sfence.vma;
 * - code stored through a writable alias runs after fence.i, also when
 *   the same page was executed (and decoded) before;
 * - two address spaces (different roots and ASIDs) mapping one VA to
 *   different pages: switching satp shows each its own page (sfence.vma
 *   only if ASIDs are not implemented, 4.1.11).
 */
#define LEVELS 3
#define SATP_MODE SATP_SV39
#define VM_EXTRA
#include "../priv-common/vm.h"

#define VA_X  (VA_A + 0x20000)     /* code page, remapped */
#define VA_W  (VA_A + 0x21000)     /* writable alias of wpage */
#define VA_E  (VA_A + 0x22000)     /* executable alias of wpage */
#define VA_Q  0x300000000          /* differs between the two roots */
#define PA_4M 0x80400000
#define Q_MAGIC 0x4e4e4e4e4e4e4e4e
#define LI_A0(v) (0x00000513 | ((v) << 20))
#define ECALL 0x00000073

    .macro vm_extra_setup
    MAP(VA_X, code1, PTE_V | PTE_X | PTE_A, 0)
    la t0, pte_x
    sd a0, 0(t0)
    MAP(VA_W, wpage, RWAD, 0)
    MAP(VA_E, wpage, PTE_V | PTE_X | PTE_A, 0)
    MAP_ABS(VA_Q, 0x80000000, RWAD, 2)
    li t0, Q_MAGIC
    li t1, PA_4M
    sd t0, 0x10(t1)
    .endm

    .macro vm_extra_tests
    /* 100-103: remapped code */
    li s1, VA_X
    li a0, 0
    TRY_S(100, CAUSE_SUPERVISOR_ECALL, 0, jalr s1)
    CHECK(101, a0, 1)
    la t0, pte_x
    ld t0, 0(t0)
    la t1, code2
    srli t1, t1, 12
    slli t1, t1, 10
    ori t1, t1, PTE_V | PTE_X | PTE_A
    sd t1, 0(t0)
    TRY_S(102, CAUSE_SUPERVISOR_ECALL, 0, sfence.vma; jalr s1)
    CHECK(103, a0, 2)

    /* 104-107: code written through a data alias, run after fence.i */
    li s1, VA_W
    li s2, VA_E
    li a1, LI_A0(3)
    li a2, ECALL
    TRY_S(104, CAUSE_SUPERVISOR_ECALL, 0, sw a1, 0(s1); sw a2, 4(s1); fence.i; jalr s2)
    CHECK(105, a0, 3)
    li a1, LI_A0(4)
    TRY_S(106, CAUSE_SUPERVISOR_ECALL, 0, sw a1, 0(s1); fence.i; jalr s2)
    CHECK(107, a0, 4)
    /* and stored by M (physical address) */
    li t0, LI_A0(5)
    la t1, wpage
    sw t0, 0(t1)
    fence.i
    TRY_S(108, CAUSE_SUPERVISOR_ECALL, 0, jalr s2)
    CHECK(109, a0, 5)

    /* 110-115: two roots with ASIDs 1 and 2 */
    call make_root2
    li t0, 0xffff << 44
    csrr s4, satp
    or t1, s4, t0
    csrw satp, t1
    csrr t1, satp
    and s6, t1, t0          /* s6 != 0: ASIDs implemented */
    li t0, 1 << 44
    or s4, s4, t0           /* s4: root 1, ASID 1 */
    li t0, SATP_SV39 | (2 << 44)
    la t1, root2
    srli t1, t1, 12
    or s5, t0, t1           /* s5: root 2, ASID 2 */
    csrw satp, s4
    sfence.vma
    li s1, VA_Q + 0x200010
    TRY_S(110, CAUSE_SUPERVISOR_ECALL, 0, ld a0, 0(s1))
    CHECK(111, a0, P2M_MAGIC)
    TRY_S(112, CAUSE_SUPERVISOR_ECALL, 0, csrw satp, s5; bnez s6, 3f; sfence.vma; 3: ld a0, 0(s1))
    CHECK(113, a0, Q_MAGIC)
    TRY_S(114, CAUSE_SUPERVISOR_ECALL, 0, csrw satp, s4; bnez s6, 3f; sfence.vma; 3: ld a0, 0(s1))
    CHECK(115, a0, P2M_MAGIC)
    TRY_S(116, CAUSE_SUPERVISOR_ECALL, 0, csrw satp, s5; bnez s6, 3f; sfence.vma; 3: ld a0, 0(s1))
    CHECK(117, a0, Q_MAGIC)
    csrw satp, s4
    sfence.vma
    .endm

#include "../priv-common/vm_body.h"

    .text
/* root2 = copy of the root table, but VA_Q (root index 12) points to an
 * L1 table whose entry 1 maps 2 MiB at PA_4M */
make_root2:
    la t0, pt_pool
    la t1, root2
    li t2, 512
1:  ld t3, 0(t0)
    sd t3, 0(t1)
    addi t0, t0, 8
    addi t1, t1, 8
    addi t2, t2, -1
    bnez t2, 1b
    la t0, l1_q
    li t2, 512
    mv t1, t0
2:  sd zero, 0(t1)
    addi t1, t1, 8
    addi t2, t2, -1
    bnez t2, 2b
    li t1, (PA_4M >> 12) << 10 | RWAD
    sd t1, 8(t0)
    srli t1, t0, 12
    slli t1, t1, 10
    ori t1, t1, PTE_V
    la t2, root2
    sd t1, 12 * 8(t2)
    ret

    .option push
    .option norvc
    .align 12
code1:
    li a0, 1
    ecall
    .align 12
code2:
    li a0, 2
    ecall
    .align 12
    .option pop

    .data
    .align 3
pte_x:  .dword 0
    .bss
    .align 12
wpage:  .skip 4096
root2:  .skip 4096
l1_q:   .skip 4096
