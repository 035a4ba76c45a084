/*
 * vm_body.h: the paging test program, shared by vm/sv39, vm/sv48, vm/sv57.
 * Define LEVELS (3, 4, 5) and SATP_MODE before including it. A program may
 * also define VM_EXTRA and the assembler macros vm_extra_setup (more MAPs,
 * run by M before paging is on) and vm_extra_tests (checks numbered from
 * 100, run in M after the common ones).
 *
 * M builds the page tables (privileged spec 4.3-4.5) in a pool, then runs
 * small pieces of code in S or U; each piece ends in ecall when it must not
 * fault, and the M handler (no delegation unless said) brings us back to
 * check mcause/mtval/mepc. Layout:
 *   identity 1 GiB leaf at 0x80000000 (S code, data, tables), R W X A D;
 *   U alias: VA U_ALIAS -> PA 0x80000000, 1 GiB, U R W X A D, for U code;
 *   VA_A + k * 4 KiB: 4 KiB pages with various permissions (see vm_setup);
 *   2 MiB, 1 GiB (and 512 GiB for Sv48+, 256 TiB for Sv57) superpages,
 *   aligned and misaligned.
 */
#include "vm.h"
/* Assembly, not C: clang-format would join its lines. */
/* clang-format off */ /* to the end of the file */

PRIV_BEGIN
    call vm_setup
    li t0, SATP_MODE
    la t1, pt_pool
    srli t1, t1, 12
    or t0, t0, t1
    csrw satp, t0
    sfence.vma
    CHECK_CSR(90, satp, 0xf000000000000000, SATP_MODE)

    /* 1-3: a 4 KiB page: load, store (seen at the physical page) */
    li s1, VA_A
    TRY_S(1, CAUSE_SUPERVISOR_ECALL, 0, ld a0, 0(s1))
    CHECK(2, a0, P0_MAGIC)
    li a1, 0x5555
    TRY_S(3, CAUSE_SUPERVISOR_ECALL, 0, sd a1, 8(s1))
    la t0, page0
    ld a0, 8(t0)
    CHECK(4, a0, 0x5555)

    /* 5-8: unmapped page: load 13, store 15, fetch 12 with tval = VA */
    li s1, VA_A + 0x1000
    TRY_S(5, CAUSE_LOAD_PAGE_FAULT, VA_A + 0x1010, ld a0, 0x10(s1))
    TRY_S(6, CAUSE_STORE_PAGE_FAULT, VA_A + 0x1008, sw a0, 8(s1))
    TRY_S(7, CAUSE_FETCH_PAGE_FAULT, VA_A + 0x1000, jr s1)
    CHECK_EPC_VAL(8, VA_A + 0x1000)

    /* 9-11: read-only page: load ok, store faults */
    li s1, VA_A + 0x2000
    TRY_S(9, CAUSE_SUPERVISOR_ECALL, 0, ld a0, 0(s1))
    CHECK(10, a0, P1_MAGIC)
    TRY_S(11, CAUSE_STORE_PAGE_FAULT, VA_A + 0x2000, sd a0, 0(s1))

    /* 12-15: execute-only page: load faults unless MXR; store faults */
    li s1, VA_A + 0x3000
    TRY_S(12, CAUSE_LOAD_PAGE_FAULT, VA_A + 0x3000, ld a0, 0(s1))
    li a0, MSTATUS_MXR
    csrs mstatus, a0
    li a0, 0
    TRY_S(13, CAUSE_SUPERVISOR_ECALL, 0, ld a0, 0(s1))
    CHECK(14, a0, P1_MAGIC)
    TRY_S(15, CAUSE_STORE_PAGE_FAULT, VA_A + 0x3000, sd a0, 0(s1))
    li a0, MSTATUS_MXR
    csrc mstatus, a0

    /* 16-17: W without R is reserved: any access faults */
    li s1, VA_A + 0x4000
    TRY_S(16, CAUSE_LOAD_PAGE_FAULT, VA_A + 0x4000, ld a0, 0(s1))
    TRY_S(17, CAUSE_STORE_PAGE_FAULT, VA_A + 0x4000, sd a0, 0(s1))

    /* 18-22: U pages from S: faults unless SUM; fetch always faults */
    li s1, VA_A + 0x5000
    TRY_S(18, CAUSE_LOAD_PAGE_FAULT, VA_A + 0x5000, ld a0, 0(s1))
    TRY_S(19, CAUSE_STORE_PAGE_FAULT, VA_A + 0x5000, sd a0, 0(s1))
    li a0, MSTATUS_SUM
    csrs mstatus, a0
    li a0, 0
    TRY_S(20, CAUSE_SUPERVISOR_ECALL, 0, ld a0, 0(s1); sd a0, 16(s1))
    CHECK(21, a0, P0_MAGIC)
    li s1, VA_A + 0x6000
    TRY_S(22, CAUSE_FETCH_PAGE_FAULT, VA_A + 0x6000, jr s1)
    li a0, MSTATUS_SUM
    csrc mstatus, a0

    /* 23-26: 2 MiB superpage; misaligned one (PPN[0] != 0) faults */
    li s1, VA_2M
    TRY_S(23, CAUSE_SUPERVISOR_ECALL, 0, ld a0, 0x10(s1))
    CHECK(24, a0, P2M_MAGIC)
    li s1, VA_2M_BAD
    TRY_S(25, CAUSE_LOAD_PAGE_FAULT, VA_2M_BAD + 0x10, ld a0, 0x10(s1))
    TRY_S(26, CAUSE_FETCH_PAGE_FAULT, VA_2M_BAD, jr s1)

    /* 27-29: 1 GiB superpage; misaligned one faults */
    la s1, vm_magic
    li t0, VA_1G - 0x80000000
    add s1, s1, t0
    TRY_S(27, CAUSE_SUPERVISOR_ECALL, 0, ld a0, 0(s1))
    CHECK(28, a0, VM_MAGIC)
    li s1, VA_1G_BAD
    TRY_S(29, CAUSE_STORE_PAGE_FAULT, VA_1G_BAD + 0x20, sd a0, 0x20(s1))

#if LEVELS >= 4
    /* 30-32: 512 GiB superpage (Sv48 level 3) mapping PA 0 at VA_512G */
    la s1, vm_magic
    li t0, VA_512G
    add s1, s1, t0
    TRY_S(30, CAUSE_SUPERVISOR_ECALL, 0, ld a0, 0(s1))
    CHECK(31, a0, VM_MAGIC)
    li s1, VA_512G_BAD
    TRY_S(32, CAUSE_LOAD_PAGE_FAULT, VA_512G_BAD + 8, ld a0, 8(s1))
#endif
#if LEVELS >= 5
    /* 33-34: 256 TiB superpage (Sv57 level 4) mapping PA 0 at VA_256T */
    la s1, vm_magic
    li t0, VA_256T
    add s1, s1, t0
    TRY_S(33, CAUSE_SUPERVISOR_ECALL, 0, ld a0, 0(s1))
    CHECK(34, a0, VM_MAGIC)
#endif

    /* 35-37: non-canonical addresses fault with tval = the address */
    li s1, VA_NONCANON
    TRY_S(35, CAUSE_LOAD_PAGE_FAULT, VA_NONCANON, ld a0, 0(s1))
    TRY_S(36, CAUSE_STORE_PAGE_FAULT, VA_NONCANON + 8, sd a0, 8(s1))
    TRY_S(37, CAUSE_FETCH_PAGE_FAULT, VA_NONCANON, jr s1)

    /* 38-42: sfence.vma makes a changed PTE visible */
    li s1, VA_A + 0x9000
    TRY_S(38, CAUSE_SUPERVISOR_ECALL, 0, ld a0, 0(s1))
    CHECK(39, a0, P0_MAGIC)
    SET_PTE(pte_sfence, page1)
    TRY_S(40, CAUSE_SUPERVISOR_ECALL, 0, sfence.vma; ld a0, 0(s1))
    CHECK(41, a0, P1_MAGIC)
    la t0, pte_sfence
    ld t0, 0(t0)
    sd zero, 0(t0)
    TRY_S(42, CAUSE_LOAD_PAGE_FAULT, VA_A + 0x9000, sfence.vma s1; ld a0, 0(s1))

    /* 43-46: a 4-byte instruction across a page boundary (S pages): runs
     * when both pages are mapped; otherwise a fetch fault with epc = its
     * start and tval = the start of the second page */
    li a0, 41
    li s1, VA_A + 0xaffe
    TRY_S(43, CAUSE_SUPERVISOR_ECALL, 0, jr s1)
    CHECK(44, a0, 42)
    li s1, VA_A + 0xcffe
    TRY_S(45, CAUSE_FETCH_PAGE_FAULT, VA_A + 0xd000, jr s1)
    CHECK_EPC_VAL(46, VA_A + 0xcffe)

    /* 47-52: U mode: its own pages work, S pages fault */
    li s1, VA_A + 0x5000
    li a0, 0
    TRY_U(47, CAUSE_USER_ECALL, 0, ld a0, 0(s1); sd a0, 24(s1))
    CHECK(48, a0, P0_MAGIC)
    li s1, VA_A
    TRY_U(49, CAUSE_LOAD_PAGE_FAULT, VA_A, ld a0, 0(s1))
    TRY_U(50, CAUSE_STORE_PAGE_FAULT, VA_A + 8, sd a0, 8(s1))
    li s1, VA_A + 0xaffe
    TRY_U(51, CAUSE_FETCH_PAGE_FAULT, VA_A + 0xaffe, jr s1)
    /* SUM does not open S pages to U */
    li a0, MSTATUS_SUM
    csrs mstatus, a0
    li s1, VA_A
    TRY_U(52, CAUSE_LOAD_PAGE_FAULT, VA_A, ld a0, 0(s1))
    li a0, MSTATUS_SUM
    csrc mstatus, a0

    /* 53-56: page-crossing instruction on U pages */
    li a0, 7
    li s1, VA_A + 0xeffe
    TRY_U(53, CAUSE_USER_ECALL, 0, jr s1)
    CHECK(54, a0, 8)
    li s1, VA_A + 0x10ffe
    TRY_U(55, CAUSE_FETCH_PAGE_FAULT, VA_A + 0x11000, jr s1)
    CHECK_EPC_VAL(56, VA_A + 0x10ffe)

    /* 57-60: page faults delegated to S: scause/stval/sepc */
    li a0, (1 << CAUSE_LOAD_PAGE_FAULT) | (1 << CAUSE_FETCH_PAGE_FAULT)
    csrw medeleg, a0
    li s1, VA_A + 0x1000
    EXPECT_STRAP_AT(CAUSE_LOAD_PAGE_FAULT, s_back)
    TRY_U(57, CAUSE_SUPERVISOR_ECALL, 0, ld a0, 0x18(s1))
    CHECK_STRAP(58, CAUSE_LOAD_PAGE_FAULT, VA_A + 0x1018)
    CHECK_STRAP_SSTATUS(59, MSTATUS_SPP, 0)
    EXPECT_STRAP_AT(CAUSE_FETCH_PAGE_FAULT, s_back)
    TRY_S(60, CAUSE_SUPERVISOR_ECALL, 0, jr s1)
    CHECK_STRAP(61, CAUSE_FETCH_PAGE_FAULT, VA_A + 0x1000)
    CHECK_SEPC_VAL(62, VA_A + 0x1000)
    csrw medeleg, zero

    /* 63-67: MPRV: M loads and stores translated with MPP's privilege */
    li a0, MSTATUS_MPRV | MSTATUS_MPP
    csrc mstatus, a0
    li a0, MSTATUS_MPRV | (PRV_S << 11)
    csrs mstatus, a0
    li s1, VA_A
    ld a0, 0(s1)
    li a1, MSTATUS_MPRV
    csrc mstatus, a1
    CHECK(63, a0, P0_MAGIC)
    /* (armed before MPRV is set: the arming stores would be translated) */
    EXPECT_TRAP_AT(CAUSE_LOAD_PAGE_FAULT, m_back1)
    li a0, MSTATUS_MPRV | MSTATUS_MPP
    csrc mstatus, a0
    li a0, MSTATUS_MPRV | (PRV_U << 11)
    csrs mstatus, a0
    ld a0, 0(s1)
    j fail
m_back1:
    li a1, MSTATUS_MPRV
    csrc mstatus, a1
    CHECK_TRAP(64, CAUSE_LOAD_PAGE_FAULT, VA_A)
    /* the trap set MPP = M: back to MPP = U for a U-page store */
    li a0, MSTATUS_MPP
    csrc mstatus, a0
    li a0, MSTATUS_MPRV
    csrs mstatus, a0
    li s1, VA_A + 0x5000
    li a0, 0x77
    sd a0, 32(s1)
    li a1, MSTATUS_MPRV
    csrc mstatus, a1
    la t0, page0
    ld a0, 32(t0)
    CHECK(65, a0, 0x77)
    /* MPP = M: no translation */
    li a0, MSTATUS_MPRV | MSTATUS_MPP
    csrs mstatus, a0
    la s1, vm_magic
    ld a0, 0(s1)
    li a1, MSTATUS_MPRV
    csrc mstatus, a1
    CHECK(66, a0, VM_MAGIC)
#ifdef VM_EXTRA
    /* extra checks of the including program (assembler macro) */
    vm_extra_tests
#endif
    j vm_done

    /* S handler resume point for the delegated faults: back to M */
s_back:
    ecall

/* pt_map: a0 = va, a1 = pa, a2 = leaf flags, a3 = leaf level; allocates
 * (zeroed) tables from the pool as needed; returns a0 = &leaf PTE. */
pt_map:
    la t0, pt_pool
    li t1, LEVELS - 1
1:  li t2, 9
    mul t2, t2, t1
    addi t2, t2, 12
    srl t3, a0, t2
    andi t3, t3, 511
    slli t3, t3, 3
    add t3, t0, t3
    beq t1, a3, 3f
    ld t4, 0(t3)
    andi t2, t4, PTE_V
    bnez t2, 2f
    la t2, pt_next
    ld t0, 0(t2)
    li t4, 4096
    add t4, t0, t4
    sd t4, 0(t2)
    mv t2, t0
4:  sd zero, 0(t2)
    addi t2, t2, 8
    bne t2, t4, 4b
    srli t4, t0, 12
    slli t4, t4, 10
    ori t4, t4, PTE_V
    sd t4, 0(t3)
2:  srli t4, t4, 10
    slli t0, t4, 12
    addi t1, t1, -1
    j 1b
3:  srli t4, a1, 12
    slli t4, t4, 10
    or t4, t4, a2
    sd t4, 0(t3)
    mv a0, t3
    ret

vm_setup:
    mv s0, ra
    /* zero the root table, fill the magic words */
    la t0, pt_pool
    li t1, 4096
    add t1, t0, t1
1:  sd zero, 0(t0)
    addi t0, t0, 8
    bne t0, t1, 1b
    li t0, P0_MAGIC
    la t1, page0
    sd t0, 0(t1)
    li t0, P1_MAGIC
    la t1, page1
    sd t0, 0(t1)
    li t0, P2M_MAGIC
    li t1, PA_2M
    sd t0, 0x10(t1)
    MAP_ABS(0x80000000, 0x80000000, RWAD | PTE_X, 2)
    MAP_ABS(U_ALIAS, 0x80000000, RWAD | PTE_X | PTE_U, 2)
    MAP(VA_A, page0, RWAD, 0)
    MAP(VA_A + 0x2000, page1, PTE_V | PTE_R | PTE_A, 0)
    MAP(VA_A + 0x3000, page1, PTE_V | PTE_X | PTE_A, 0)
    MAP(VA_A + 0x4000, page1, PTE_V | PTE_W | PTE_A | PTE_D, 0)
    MAP(VA_A + 0x5000, page0, RWAD | PTE_U, 0)
    MAP(VA_A + 0x6000, cross1, PTE_V | PTE_X | PTE_A | PTE_U, 0)
    MAP_KEEP(VA_A + 0x9000, page0, RWAD, pte_sfence)
    MAP(VA_A + 0xa000, cross1, PTE_V | PTE_X | PTE_A, 0)
    MAP(VA_A + 0xb000, cross2, PTE_V | PTE_X | PTE_A, 0)
    MAP(VA_A + 0xc000, cross1, PTE_V | PTE_X | PTE_A, 0)
    MAP(VA_A + 0xe000, cross1, PTE_V | PTE_X | PTE_A | PTE_U, 0)
    MAP(VA_A + 0xf000, cross2, PTE_V | PTE_X | PTE_A | PTE_U, 0)
    MAP(VA_A + 0x10000, cross1, PTE_V | PTE_X | PTE_A | PTE_U, 0)
    MAP_ABS(VA_2M, PA_2M, RWAD | PTE_X, 1)
    MAP_ABS(VA_2M_BAD, PA_2M + 0x1000, RWAD | PTE_X, 1)
    MAP_ABS(VA_1G, 0x80000000, RWAD, 2)
    MAP_ABS(VA_1G_BAD, PA_2M, RWAD, 2)
#if LEVELS >= 4
    MAP_ABS(VA_512G, 0, RWAD, 3)
    MAP_ABS(VA_512G_BAD, 0x40000000, RWAD, 3)
#endif
#if LEVELS >= 5
    MAP_ABS(VA_256T, 0, RWAD, 4)
#endif
#ifdef VM_EXTRA
    vm_extra_setup
#endif
    mv ra, s0
    ret

    /* two physically adjacent code pages: a 4-byte addi straddles them,
     * then ecall on the second page */
    .option push
    .option norvc
    .align 12
cross1:
    .fill 0xffe / 4, 4, 0x00100073      /* ebreak: never reached */
    .half 0x0073
    .org cross1 + 0xffe
cross2 = cross1 + 0x1000
    addi a0, a0, 1
    ecall
    .option pop
vm_done:
PRIV_END

    .data
    .align 3
vm_magic:   .dword VM_MAGIC
pt_next:    .dword pt_pool + 4096
pte_sfence: .dword 0
    .bss
    .align 12
page0:   .skip 4096
page1:   .skip 4096
pt_pool: .skip 4096 * 24
