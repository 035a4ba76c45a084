/*
 * pmp/pmp_vm: Sv39 plus PMP on translated accesses (privileged spec 3.7.1):
 * the final physical address of an S access is checked (an access fault,
 * tval = the virtual address), and so are the page-table reads of the walk,
 * with S privilege: a walk through denied tables raises the access fault
 * of the original access (load 5, store 7, fetch 1). M loads through MPRV
 * (MPP = S) are walked the same way.
 * Entries: 0 NAPOT page0 (4 KiB) no permission; 1 OFF (base pt_pool),
 * 2 TOR [pt_pool, pt_pool + 96 KiB) no permission, enabled only for the
 * walk checks; 15 everything RWX (from the start-up).
 */
#define LEVELS 3
#define SATP_MODE SATP_SV39
#define VM_EXTRA
#include "../priv-common/vm.h"

    .macro vm_extra_setup
    .endm

    .macro vm_extra_tests
    /* 100-102: data page denied: load/store access faults, tval = VA */
    la t0, page0
    srli t0, t0, 2
    ori t0, t0, 0x1ff
    csrw pmpaddr0, t0
    li t0, PMP_NAPOT
    csrw pmpcfg0, t0
    sfence.vma
    li s1, VA_A + 8
    TRY_S(100, CAUSE_LOAD_ACCESS, VA_A + 8, ld a0, 0(s1))
    TRY_S(101, CAUSE_STORE_ACCESS, VA_A + 8, sd a0, 0(s1))
    li s1, VA_A + 0x5010
    TRY_U(102, CAUSE_LOAD_ACCESS, VA_A + 0x5010, lw a0, 0(s1))
    /* page1 is still fine */
    li s1, VA_A + 0x2000
    TRY_S(103, CAUSE_SUPERVISOR_ECALL, 0, ld a0, 0(s1))
    CHECK(104, a0, P1_MAGIC)

    /* 105-108: page tables denied: the walk faults with the access type */
    la t0, pt_pool
    srli t0, t0, 2
    csrw pmpaddr1, t0
    la t0, pt_pool + 4096 * 24
    srli t0, t0, 2
    csrw pmpaddr2, t0
    li t0, PMP_TOR << 16
    csrs pmpcfg0, t0
    sfence.vma
    li s1, VA_A + 0x2000
    EXPECT_TRAP_AT(CAUSE_LOAD_ACCESS, mb1)
    li t0, MSTATUS_MPP
    csrc mstatus, t0
    li t0, MSTATUS_MPRV | (PRV_S << 11)
    csrs mstatus, t0
    ld a0, 0(s1)
    j fail
mb1:
    li t0, MSTATUS_MPRV
    csrc mstatus, t0
    CHECK_TRAP(105, CAUSE_LOAD_ACCESS, VA_A + 0x2000)
    EXPECT_TRAP_AT(CAUSE_STORE_ACCESS, mb2)
    li t0, MSTATUS_MPP
    csrc mstatus, t0
    li t0, MSTATUS_MPRV | (PRV_S << 11)
    csrs mstatus, t0
    sd a0, 0x18(s1)
    j fail
mb2:
    li t0, MSTATUS_MPRV
    csrc mstatus, t0
    CHECK_TRAP(106, CAUSE_STORE_ACCESS, VA_A + 0x2018)
    /* S cannot even fetch its code: the identity map is behind the root */
    EXPECT_TRAP_AT(CAUSE_FETCH_ACCESS, mb3)
    GO_MODE(PRV_S, s_code)
s_code:
    j fail
mb3:
    la a1, s_code
    CHECK_TRAP_REG(107, CAUSE_FETCH_ACCESS, a1)
    CHECK_EPC(108, s_code)
    csrw pmpcfg0, zero
    sfence.vma
    .endm

#include "../priv-common/vm_body.h"
