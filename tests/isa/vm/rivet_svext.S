/*
 * vm/rivet_svext: the supervisor extensions of the page tables and of
 * addressing, under Sv39, after the common paging checks of vm_body.h.
 *   Svpbmt (priv. spec 11): PBMT 1 and 2 in a leaf are page faults until
 *     menvcfg.PBMTE is set, then plain mappings; PBMT 3 is always reserved.
 *   Svnapot (priv. spec 12): a 4 KiB leaf with N and PPN[3:0] = 1000 maps
 *     the 64 KiB region of PPN with bits 3:0 cleared; other N sizes fault.
 *   Svade + Svadu (priv. spec 3.1.18, Svadu 1.0): with both, ADUE resets 0
 *     and a leaf missing A (or D for a store) is a page fault that leaves
 *     the PTE alone; with ADUE set, hardware sets A and D.
 *   Svinval (priv. spec 10): sfence.w.inval; sinval.vma; sfence.inval.ir
 *     makes a changed PTE visible; sinval.vma traps under TVM like
 *     sfence.vma, sfence.w.inval does not; all three are illegal in U.
 *   Smnpm/Ssnpm (pointer masking 1.0): menvcfg.PMM masks S's loads and
 *     stores, senvcfg.PMM U's, PMLEN 7 or 16: sign-extended under Sv39,
 *     zeroed when Bare; tval is the transformed address; MXR turns masking
 *     off; the reserved PMM 01 keeps the old value; sfence.vma of a page
 *     also drops entries filled through tagged pointers to it.
 */
# isa-march: rv64gc_svinval
# isa-args: -cpu rv64,svade=on,svpbmt=on,svnapot=on,svinval=on,smnpm=on,ssnpm=on
#define LEVELS 3
#define SATP_MODE SATP_SV39
#define VM_EXTRA
#include "../priv-common/vm.h"

#define PTE_PBMT_NC  (1 << 61)
#define PTE_PBMT_IO  (2 << 61)
#define PTE_PBMT_RSV (3 << 61)
#define PTE_N        (1 << 63)
#define MENVCFG_PBMTE (1 << 62)
#define MENVCFG_ADUE  (1 << 61)
#define PMM_MASK  (3 << 32)
#define PMM_LEN7  (2 << 32)
#define PMM_LEN16 (3 << 32)
#define PMM_RSV   (1 << 32)

#define VA_NAPOT (VA_A + 0x100000) /* 64 KiB aligned */
#define TAG7(va)  ((0x5a << 57) | (va))
#define TAG16(va) ((0xabcd << 48) | (va))

    .macro vm_extra_setup
    MAP(VA_A + 0x20000, page0, RWAD | PTE_PBMT_NC, 0)
    MAP(VA_A + 0x21000, page0, RWAD | PTE_PBMT_IO, 0)
    MAP(VA_A + 0x22000, page0, RWAD | PTE_PBMT_RSV, 0)
    MAP(VA_NAPOT + 0x5000, napot_region + 0x8000, RWAD | PTE_N, 0)
    MAP(VA_NAPOT + 0x6000, napot_region + 0x4000, RWAD | PTE_N, 0)
    MAP_KEEP(VA_A + 0x30000, page1, PTE_V | PTE_R | PTE_W, pte_noa)
    MAP_KEEP(VA_A + 0x31000, page1, PTE_V | PTE_R | PTE_W | PTE_A, pte_nod)
    MAP_KEEP(VA_A + 0x32000, page0, RWAD, pte_inval)
    MAP_KEEP(VA_A + 0x33000, page0, RWAD, pte_tagged)
    /* the NAPOT region's word at offset 0x5008 */
    li t0, VM_MAGIC
    la t1, napot_region + 0x5008
    sd t0, 0(t1)
    .endm

    .macro vm_extra_tests
    /* 100-104: Svpbmt: types fault until PBMTE, then map; 3 never */
    li s1, VA_A + 0x20000
    TRY_S(100, CAUSE_LOAD_PAGE_FAULT, VA_A + 0x20000, ld a0, 0(s1))
    li a0, MENVCFG_PBMTE
    csrs menvcfg, a0
    CHECK_CSR(101, menvcfg, MENVCFG_PBMTE, MENVCFG_PBMTE)
    sfence.vma
    li a0, 0
    TRY_S(102, CAUSE_SUPERVISOR_ECALL, 0, ld a0, 0(s1))
    CHECK(103, a0, P0_MAGIC)
    li s1, VA_A + 0x21000
    TRY_S(104, CAUSE_SUPERVISOR_ECALL, 0, sd a0, 0x40(s1))
    li s1, VA_A + 0x22000
    TRY_S(105, CAUSE_STORE_PAGE_FAULT, VA_A + 0x22000, sd a0, 0(s1))

    /* 106-108: Svnapot: the 64 KiB region; a 32 KiB N leaf faults */
    li s1, VA_NAPOT + 0x5000
    li a0, 0
    TRY_S(106, CAUSE_SUPERVISOR_ECALL, 0, ld a0, 8(s1))
    CHECK(107, a0, VM_MAGIC)
    li s1, VA_NAPOT + 0x6000
    TRY_S(108, CAUSE_LOAD_PAGE_FAULT, VA_NAPOT + 0x6000, ld a0, 0(s1))

    /* 109-116: Svade/Svadu: ADUE 0 at reset: no A, or no D for a store,
     * faults and the PTE stays; with ADUE the walker sets them */
    CHECK_CSR(109, menvcfg, MENVCFG_ADUE, 0)
    li s1, VA_A + 0x30000
    TRY_S(110, CAUSE_LOAD_PAGE_FAULT, VA_A + 0x30000, ld a0, 0(s1))
    CHECK_PTE(111, pte_noa, PTE_A | PTE_D, 0)
    li s1, VA_A + 0x31000
    TRY_S(112, CAUSE_SUPERVISOR_ECALL, 0, ld a0, 0(s1))
    TRY_S(113, CAUSE_STORE_PAGE_FAULT, VA_A + 0x31008, sd a0, 8(s1))
    CHECK_PTE(114, pte_nod, PTE_A | PTE_D, PTE_A)
    li a0, MENVCFG_ADUE
    csrs menvcfg, a0
    li s1, VA_A + 0x30000
    TRY_S(115, CAUSE_SUPERVISOR_ECALL, 0, sd a0, 0x10(s1))
    CHECK_PTE(116, pte_noa, PTE_A | PTE_D, PTE_A | PTE_D)
    li a0, MENVCFG_ADUE
    csrc menvcfg, a0

    /* 117-124: Svinval */
    li s1, VA_A + 0x32000
    li a0, 0
    TRY_S(117, CAUSE_SUPERVISOR_ECALL, 0, ld a0, 0(s1))
    CHECK(118, a0, P0_MAGIC)
    SET_PTE(pte_inval, page1)
    TRY_S(120, CAUSE_SUPERVISOR_ECALL, 0, sfence.w.inval; sinval.vma s1, zero; sfence.inval.ir; ld a0, 0(s1))
    CHECK(121, a0, P1_MAGIC)
    li a0, MSTATUS_TVM
    csrs mstatus, a0
    TRY_S(122, CAUSE_ILLEGAL_INSN, 0x16048073, sfence.w.inval; sfence.inval.ir; sinval.vma s1, zero)
    li a0, MSTATUS_TVM
    csrc mstatus, a0
    TRY_U(123, CAUSE_ILLEGAL_INSN, 0x18000073, sfence.w.inval)
    TRY_U(124, CAUSE_ILLEGAL_INSN, 0x16048073, sinval.vma s1, zero)

    /* 125-138: pointer masking */
    li s1, TAG7(VA_A)
    TRY_S(125, CAUSE_LOAD_PAGE_FAULT, TAG7(VA_A), ld a0, 0(s1))
    li a0, PMM_LEN7
    csrs menvcfg, a0
    li a0, 0
    TRY_S(126, CAUSE_SUPERVISOR_ECALL, 0, ld a0, 0(s1))
    CHECK(127, a0, P0_MAGIC)
    /* bits 56:48 of the tag are not masked: faults, tval sign-extended */
    li s1, TAG16(VA_A)
    TRY_S(128, CAUSE_STORE_PAGE_FAULT, 0xffcd000040000000, sd a0, 0(s1))
    li a0, PMM_MASK
    csrs menvcfg, a0
    TRY_S(129, CAUSE_SUPERVISOR_ECALL, 0, ld a0, 0(s1); sd a0, 0x18(s1); amoadd.d a1, zero, 0(s1))
    /* the reserved 01 keeps 11 */
    li a0, PMM_MASK
    csrc menvcfg, a0
    li a0, PMM_RSV | PMM_LEN16
    csrs menvcfg, a0
    li a0, PMM_LEN7
    csrc menvcfg, a0
    CHECK_CSR(130, menvcfg, PMM_MASK, PMM_LEN16)
    /* MXR: no masking */
    li a0, MSTATUS_MXR
    csrs mstatus, a0
    TRY_S(131, CAUSE_LOAD_PAGE_FAULT, TAG16(VA_A), ld a0, 0(s1))
    li a0, MSTATUS_MXR
    csrc mstatus, a0
    /* U: its own setting (senvcfg), not S's */
    li s1, TAG16(VA_A + 0x5000)
    TRY_U(132, CAUSE_LOAD_PAGE_FAULT, TAG16(VA_A + 0x5000), ld a0, 0(s1))
    li a0, PMM_LEN16
    csrw senvcfg, a0
    li a0, 0
    TRY_U(133, CAUSE_USER_ECALL, 0, ld a0, 0(s1))
    CHECK(134, a0, P0_MAGIC)
    csrw senvcfg, zero
    /* sfence.vma of the page also drops what a tagged access filled */
    li s1, TAG16(VA_A + 0x33000)
    li s2, VA_A + 0x33000
    TRY_S(135, CAUSE_SUPERVISOR_ECALL, 0, ld a0, 0(s1))
    SET_PTE(pte_tagged, page1)
    TRY_S(136, CAUSE_SUPERVISOR_ECALL, 0, sfence.vma s2; ld a0, 0(s1))
    CHECK(137, a0, P1_MAGIC)
    /* Bare: the upper bits are zeroed (a physical address) */
    csrr s3, satp
    csrw satp, zero
    la s1, vm_magic
    li t0, 0xfedc << 48
    or s1, s1, t0
    li a0, 0
    TRY_S(138, CAUSE_SUPERVISOR_ECALL, 0, ld a0, 0(s1))
    CHECK(139, a0, VM_MAGIC)
    csrw satp, s3
    sfence.vma
    li a0, PMM_MASK
    csrc menvcfg, a0
    .endm

#include "../priv-common/vm_body.h"

    .data
    .align 3
pte_noa:    .dword 0
pte_nod:    .dword 0
pte_inval:  .dword 0
pte_tagged: .dword 0
    .bss
    .align 16
napot_region: .skip 0x10000
