/*
 * rvv/vstart_pf: a segment load that takes a page fault mid-way resumes at
 * the faulting segment once the page is mapped (V 1.0 7.9). M-mode makes
 * its data accesses S-mode ones (MPRV = 1, MPP = S) around the load only,
 * through an Sv39 table mapping VA 0x40000000 to buf0 and leaving VA
 * 0x40001000 unmapped. vlseg2e8 of 8 segments from 0x40001000 - 6 faults
 * at segment 3: load page fault, tval 0x40001000, vstart 3; the handler
 * maps the page and returns to the load, which finishes from segment 3.
 * Checked on QEMU 7.2 (-M spike -cpu rv64,v=true,vlen=128).
 */
# isa-march: rv64gcv
# isa-args: -cpu rv64,v=true
#include "rvv.h"

#define VA0 0x40000000
#define PTE_V 0x01
#define PTE_RWAD 0xc6 /* R W A D */
#define SATP_SV39 (8 << 60)
#define MSTATUS_MPRV 0x20000
#define MSTATUS_MPP 0x1800
#define MPP_S 0x0800

/* The PTE at label slot points at page `page` (leaf when flags has R). */
#define SET_PTE(slot, page, flags)                                            \
    la t0, slot;                                                              \
    la t1, page;                                                              \
    srli t1, t1, 12;                                                          \
    slli t1, t1, 10;                                                          \
    ori t1, t1, flags;                                                        \
    sd t1, 0(t0)

/* Data accesses as S-mode (no data access may come between this and the
 * vector load). */
#define MPRV_S                                                                \
    li t0, MSTATUS_MPP;                                                       \
    csrc mstatus, t0;                                                         \
    li t0, MSTATUS_MPRV | MPP_S;                                              \
    csrs mstatus, t0

#define MPRV_OFF                                                              \
    li t0, MSTATUS_MPRV;                                                      \
    csrc mstatus, t0

TEST_BEGIN
    VS_ON
    /* PMP entry 0 lets S reach everything (QEMU denies S without one) */
    li t0, -1
    csrw pmpaddr0, t0
    li t0, 0x1f
    csrw pmpcfg0, t0
    SET_PTE(pt_root + 8, pt_l1, PTE_V)
    SET_PTE(pt_l1, pt_l0, PTE_V)
    SET_PTE(pt_l0, buf0, PTE_V | PTE_RWAD)
    la t0, pt_root
    srli t0, t0, 12
    li t1, SATP_SV39
    or t0, t0, t1
    csrw satp, t0
    sfence.vma
    SETVL(8, e8, m1)
    vmv.v.i v1, 0
    vmv.v.i v2, 0
    li a1, VA0 + 0x1000 - 6
    TRAP_RESUME_AT(fixup)
    EXPECT_TRAP(CAUSE_LOAD_PAGE_FAULT)
    MPRV_S
again:
    vlseg2e8.v v1, (a1)
    MPRV_OFF
    j done
fixup:
    MPRV_OFF
    csrr a0, vstart
    CHECK(1, a0, 3)
    la t6, trap_tval
    ld a0, 0(t6)
    CHECK(2, a0, VA0 + 0x1000)
    SET_PTE(pt_l0 + 8, buf1, PTE_V | PTE_RWAD)
    sfence.vma
    MPRV_S
    j again
done:
    csrr a0, vstart
    CHECK(3, a0, 0)
    la t6, trap_count
    ld a0, 0(t6)
    CHECK(4, a0, 1)
    CHECK_V(5, v1, exp_f0, 8)
    CHECK_V(6, v2, exp_f1, 8)
    csrw satp, zero
TEST_END
RVV_HELPERS

TEST_DATA_BEGIN
exp_f0: .byte 0xa0, 0xa2, 0xa4, 0xb0, 0xb2, 0xb4, 0xb6, 0xb8
exp_f1: .byte 0xa1, 0xa3, 0xa5, 0xb1, 0xb3, 0xb5, 0xb7, 0xb9
    .align 12
pt_root: .zero 4096
pt_l1: .zero 4096
pt_l0: .zero 4096
buf0: .zero 4096 - 6
    .byte 0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5
buf1: .byte 0xb0, 0xb1, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6, 0xb7, 0xb8, 0xb9
    .zero 4096 - 10
