/*
 * vm/sv39_pte: Sv39 plus malformed page-table entries (privileged spec
 * 4.3.1, 4.3.2 step 3 and 4.4.1): reserved bits 63:54 set without Svpbmt or
 * Svnapot, a level-0 entry that is a pointer (R = W = X = 0), and the
 * negative half of the address space (canonical, mapped through the last
 * root entry), plus a misaligned load that crosses into an unmapped page.
 */
#define LEVELS 3
#define SATP_MODE SATP_SV39
#define VM_EXTRA
#include "../priv-common/vm.h"

    .macro vm_extra_setup
    MAP(VA_A + 0x12000, page1, RWAD | (1 << 61), 0)
    MAP(VA_A + 0x13000, page1, RWAD | (1 << 63), 0)
    MAP(VA_A + 0x14000, page1, RWAD | (1 << 54), 0)
    MAP(VA_A + 0x15000, page1, PTE_V, 0)
    MAP(0xffffffffc0001000, page1, RWAD, 0)
    .endm

    .macro vm_extra_tests
    li s1, VA_A + 0x12000
    TRY_S(100, CAUSE_LOAD_PAGE_FAULT, VA_A + 0x12000, ld a0, 0(s1))
    li s1, VA_A + 0x13000
    TRY_S(101, CAUSE_LOAD_PAGE_FAULT, VA_A + 0x13000, ld a0, 0(s1))
    li s1, VA_A + 0x14000
    TRY_S(102, CAUSE_STORE_PAGE_FAULT, VA_A + 0x14000, sd a0, 0(s1))
    li s1, VA_A + 0x15000
    TRY_S(103, CAUSE_LOAD_PAGE_FAULT, VA_A + 0x15000, ld a0, 0(s1))
    /* the top of the address space */
    li s1, 0xffffffffc0001000
    li a0, 0
    TRY_S(104, CAUSE_SUPERVISOR_ECALL, 0, ld a0, 0(s1))
    CHECK(105, a0, P1_MAGIC)
    /* bits 63:39 must all equal bit 38 */
    li s1, 0xffffff7fc0001000
    TRY_S(106, CAUSE_LOAD_PAGE_FAULT, 0xffffff7fc0001000, ld a0, 0(s1))
    li s1, 0x8000000040000000
    TRY_S(107, CAUSE_LOAD_PAGE_FAULT, 0x8000000040000000, ld a0, 0(s1))
    /* a misaligned load from a mapped page into an unmapped one faults;
     * mtval = the address of the faulting portion (3.1.16) */
    li s1, VA_A + 0xffc
    TRY_S(108, CAUSE_LOAD_PAGE_FAULT, VA_A + 0x1000, ld a0, 0(s1))
    .endm

#include "../priv-common/vm_body.h"
