/*
 * vm/rivet_ad: Sv39 plus hardware A/D updates (privileged spec 4.3.1: the
 * spec also allows raising a page fault instead, Svade; rivet documents
 * that it sets A and D itself, as QEMU does). After an access the PTE in
 * memory has A set, and D set for a store; a faulting access leaves the
 * PTE unchanged.
 */
#define LEVELS 3
#define SATP_MODE SATP_SV39
#define VM_EXTRA
#include "../priv-common/vm.h"

    .macro vm_extra_setup
    MAP_KEEP(VA_A + 0x12000, page1, PTE_V | PTE_R | PTE_W, pte_ad0)
    MAP_KEEP(VA_A + 0x13000, page1, PTE_V | PTE_R | PTE_W | PTE_A, pte_ad1)
    MAP_KEEP(VA_A + 0x14000, cross2, PTE_V | PTE_X, pte_ad2)
    MAP_KEEP(VA_A + 0x15000, page1, PTE_V | PTE_R, pte_ad3)
    MAP_KEEP(VA_A + 0x16000, page1, PTE_V | PTE_R | PTE_W | PTE_U, pte_ad4)
    .endm

    .macro vm_extra_tests
    CHECK_PTE(100, pte_ad0, PTE_A | PTE_D, 0)
    li s1, VA_A + 0x12000
    TRY_S(101, CAUSE_SUPERVISOR_ECALL, 0, ld a0, 0(s1))
    CHECK_PTE(102, pte_ad0, PTE_A | PTE_D, PTE_A)
    TRY_S(103, CAUSE_SUPERVISOR_ECALL, 0, sd a0, 0x40(s1))
    CHECK_PTE(104, pte_ad0, PTE_A | PTE_D, PTE_A | PTE_D)
    li s1, VA_A + 0x13000
    TRY_S(105, CAUSE_SUPERVISOR_ECALL, 0, sw a0, 0x48(s1))
    CHECK_PTE(106, pte_ad1, PTE_A | PTE_D, PTE_A | PTE_D)
    /* fetch: the ecall at offset 2 of the second cross page */
    li s1, VA_A + 0x14002
    TRY_S(107, CAUSE_SUPERVISOR_ECALL, 0, jr s1)
    CHECK_PTE(108, pte_ad2, PTE_A | PTE_D, PTE_A)
    /* a faulting store to a read-only page sets nothing */
    li s1, VA_A + 0x15000
    TRY_S(109, CAUSE_STORE_PAGE_FAULT, VA_A + 0x15000, sd a0, 0(s1))
    CHECK_PTE(110, pte_ad3, PTE_A | PTE_D, 0)
    /* nor does an S access to a U page without SUM; U's store sets both */
    li s1, VA_A + 0x16000
    TRY_S(111, CAUSE_LOAD_PAGE_FAULT, VA_A + 0x16000, ld a0, 0(s1))
    CHECK_PTE(112, pte_ad4, PTE_A | PTE_D, 0)
    TRY_U(113, CAUSE_USER_ECALL, 0, sd a0, 0(s1))
    CHECK_PTE(114, pte_ad4, PTE_A | PTE_D, PTE_A | PTE_D)
    .endm

#include "../priv-common/vm_body.h"

    .data
    .align 3
pte_ad0: .dword 0
pte_ad1: .dword 0
pte_ad2: .dword 0
pte_ad3: .dword 0
pte_ad4: .dword 0
