/*
 * vm/rivet_misaligned: Sv39 plus misaligned loads and stores that cross a
 * page boundary (rivet performs misaligned accesses instead of trapping, a
 * choice the spec allows, as QEMU does): both halves are translated
 * separately; when the second page denies the access the fault's tval is
 * the first byte of that page.
 */
#define LEVELS 3
#define SATP_MODE SATP_SV39
#define VM_EXTRA
#include "../priv-common/vm.h"

#define VA_B (VA_A + 0x30000)

    .macro vm_extra_setup
    MAP(VA_B, page0, RWAD, 0)
    MAP(VA_B + 0x1000, page1, RWAD, 0)
    MAP(VA_B + 0x2000, page0, RWAD, 0)
    MAP(VA_B + 0x3000, page1, PTE_V | PTE_R | PTE_A, 0)
    li t0, 0x12345678
    la t1, page0
    li t2, 0xffc
    add t1, t1, t2
    sw t0, 0(t1)
    .endm

    .macro vm_extra_tests
    li s1, VA_B + 0xffc
    TRY_S(100, CAUSE_SUPERVISOR_ECALL, 0, ld a0, 0(s1))
    CHECK(101, a0, 0x1b1b1b1b12345678)
    li s1, VA_B + 0xffe
    li a1, 0x8877665544332211
    TRY_S(102, CAUSE_SUPERVISOR_ECALL, 0, sd a1, 0(s1); lw a0, 2(s1))
    CHECK(103, a0, 0x66554433)
    la t0, page1
    ld a0, 0(t0)
    CHECK(104, a0, 0x1b1b887766554433)
    la t0, page0
    li t1, 0xffe
    add t0, t0, t1
    lhu a0, 0(t0)
    CHECK(105, a0, 0x2211)
    /* the second page is read-only: store page fault at its first byte */
    li s1, VA_B + 0x2ffd
    TRY_S(106, CAUSE_STORE_PAGE_FAULT, VA_B + 0x3000, sw a1, 0(s1))
    /* loads across it are fine */
    TRY_S(107, CAUSE_SUPERVISOR_ECALL, 0, lwu a0, 0(s1))
    .endm

#include "../priv-common/vm_body.h"
