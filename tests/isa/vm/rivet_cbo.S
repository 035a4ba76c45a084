/*
 * vm/rivet_cbo: Zicbom and Zicboz under Sv39 (CMO 1.0.1, "Page-Fault,
 * Guest-Page-Fault, and Access-Fault Exceptions"), after the common paging
 * checks of vm_body.h. A management instruction (clean, flush, inval) is
 * allowed wherever a load or a store would be (an R-only page; an X-only
 * page only with MXR; a U page from S only with SUM) and then sets A but
 * not D; cbo.zero needs what a store needs and sets both. Every fault is a
 * store page fault with stval/mtval = rs1, unaligned as it was.
 */
# isa-march: rv64gc_zicbom_zicboz
# isa-args: -cpu rv64,zicbom=on,zicboz=on
#define LEVELS 3
#define SATP_MODE SATP_SV39
#define VM_EXTRA
#include "../priv-common/vm.h"

#define ENV_CMO 0xf0 /* CBIE = 11, CBCFE, CBZE */

    .macro vm_extra_setup
    MAP_KEEP(VA_A + 0x12000, page1, PTE_V | PTE_R | PTE_W, pte_noa)
    MAP_KEEP(VA_A + 0x13000, page1, PTE_V | PTE_R | PTE_W, pte_noa2)
    .endm

    .macro vm_extra_tests
    li a0, ENV_CMO
    csrs menvcfg, a0 /* keeping ADUE: rv64's A/D updates */
    csrw senvcfg, a0
    /* 100-102: a writable page: everything works; cbo.zero clears the block */
    la t0, page0
    li t1, -1
    sd t1, 0x40(t0)
    sd t1, 0x78(t0)
    sd t1, 0x80(t0)
    li s1, VA_A + 0x47
    TRY_S(100, CAUSE_SUPERVISOR_ECALL, 0, cbo.clean (s1); cbo.flush (s1); cbo.inval (s1); cbo.zero (s1))
    la t0, page0
    ld a0, 0x78(t0)
    CHECK(101, a0, 0)
    ld a0, 0x80(t0)
    CHECK(102, a0, -1)
    /* 103-105: unmapped: store page faults, tval = rs1 */
    li s1, VA_A + 0x1023
    TRY_S(103, CAUSE_STORE_PAGE_FAULT, VA_A + 0x1023, cbo.clean (s1))
    TRY_S(104, CAUSE_STORE_PAGE_FAULT, VA_A + 0x1023, cbo.inval (s1))
    TRY_S(105, CAUSE_STORE_PAGE_FAULT, VA_A + 0x1023, cbo.zero (s1))
    /* 106-107: read-only page: management yes, zero no */
    li s1, VA_A + 0x2009
    TRY_S(106, CAUSE_SUPERVISOR_ECALL, 0, cbo.flush (s1); cbo.inval (s1))
    TRY_S(107, CAUSE_STORE_PAGE_FAULT, VA_A + 0x2009, cbo.zero (s1))
    /* 108-109: execute-only page: no load, no store, unless MXR */
    li s1, VA_A + 0x3000
    TRY_S(108, CAUSE_STORE_PAGE_FAULT, VA_A + 0x3000, cbo.clean (s1))
    li a0, MSTATUS_MXR
    csrs mstatus, a0
    TRY_S(109, CAUSE_SUPERVISOR_ECALL, 0, cbo.clean (s1))
    li a0, MSTATUS_MXR
    csrc mstatus, a0
    /* 110: W without R is reserved: faults */
    li s1, VA_A + 0x4000
    TRY_S(110, CAUSE_STORE_PAGE_FAULT, VA_A + 0x4000, cbo.flush (s1))
    /* 111-112: a U page from S: only with SUM */
    li s1, VA_A + 0x5000
    TRY_S(111, CAUSE_STORE_PAGE_FAULT, VA_A + 0x5000, cbo.clean (s1))
    li a0, MSTATUS_SUM
    csrs mstatus, a0
    TRY_S(112, CAUSE_SUPERVISOR_ECALL, 0, cbo.clean (s1))
    li a0, MSTATUS_SUM
    csrc mstatus, a0
    /* 113-114: U: its own page works, an S page faults */
    TRY_U(113, CAUSE_USER_ECALL, 0, cbo.clean (s1); cbo.zero (s1))
    li s1, VA_A + 0x10
    TRY_U(114, CAUSE_STORE_PAGE_FAULT, VA_A + 0x10, cbo.inval (s1))
    /* 115-118: A/D: a management instruction sets A only, cbo.zero both */
    CHECK_PTE(115, pte_noa, PTE_A | PTE_D, 0)
    li s1, VA_A + 0x12000
    TRY_S(116, CAUSE_SUPERVISOR_ECALL, 0, cbo.clean (s1))
    CHECK_PTE(117, pte_noa, PTE_A | PTE_D, PTE_A)
    li s1, VA_A + 0x13000
    TRY_S(118, CAUSE_SUPERVISOR_ECALL, 0, cbo.zero (s1))
    CHECK_PTE(119, pte_noa2, PTE_A | PTE_D, PTE_A | PTE_D)
    /* 120-121: delegated, the fault reaches S with stval = rs1 */
    li a0, 1 << CAUSE_STORE_PAGE_FAULT
    csrw medeleg, a0
    li s1, VA_A + 0x1abc
    EXPECT_STRAP_AT(CAUSE_STORE_PAGE_FAULT, s_back)
    TRY_S(120, CAUSE_SUPERVISOR_ECALL, 0, cbo.zero (s1))
    CHECK_STRAP(121, CAUSE_STORE_PAGE_FAULT, VA_A + 0x1abc)
    csrw medeleg, zero
    .endm

#include "../priv-common/vm_body.h"

    .data
    .align 3
pte_noa:  .dword 0
pte_noa2: .dword 0
