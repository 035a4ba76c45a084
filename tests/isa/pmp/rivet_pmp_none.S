/*
 * pmp/rivet_pmp_none: with every PMP entry off, S and U accesses are all
 * allowed. This is rivet's documented choice; the 1.12 spec (3.7.1) would
 * make them fail when any PMP entry is implemented, and QEMU 7.2 instead
 * makes an mret to S/U illegal while no PMP entry is active (so this
 * program fails on QEMU with 202, an illegal mret).
 */
#include "../priv-common/priv.h"

PRIV_BEGIN
    csrw pmpcfg0, zero
    csrw pmpcfg2, zero
    sfence.vma
    la s1, word
    li TESTNUM, 1
    EXPECT_TRAP_AT(CAUSE_SUPERVISOR_ECALL, back_s)
    GO_MODE(PRV_S, in_s)
in_s:
    ld a0, 0(s1)
    sd a0, 8(s1)
    ecall
back_s:
    CHECK_TRAP(1, CAUSE_SUPERVISOR_ECALL, 0)
    CHECK(2, a0, 0x5a5a)
    EXPECT_TRAP_AT(CAUSE_USER_ECALL, back_u)
    GO_MODE(PRV_U, in_u)
in_u:
    ld a0, 8(s1)
    sd a0, 16(s1)
    ecall
back_u:
    CHECK_TRAP(3, CAUSE_USER_ECALL, 0)
    ld a0, 16(s1)
    CHECK(4, a0, 0x5a5a)
    .pushsection .data
    .align 3
word: .dword 0x5a5a, 0, 0
    .popsection
PRIV_END
