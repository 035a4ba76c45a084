/*
 * pmp/pmp: physical memory protection (privileged spec 3.7): TOR, NA4 and
 * NAPOT regions restricting S and U loads, stores and fetches (causes 5, 7,
 * 1), the lowest-numbered matching entry wins, an entry covering only part
 * of an access makes it fail, M is unaffected unless the entry is locked,
 * MPRV applies S's PMP rules to M loads, an S access that matches no entry
 * fails once some entry is active, and a locked entry is frozen. The
 * locking comes last: it cannot be undone before reset.
 * Entries:  0 NA4 pdata+0x10 RW        1 NAPOT pdata+0x800 (256 B) none
 *           2 OFF (base pdata)         3 TOR [pdata, pdata+4K) R
 *           4 OFF (base 0x80000000)    5 TOR [0x80000000, pdata) RWX
 *           6 NAPOT pdata+4K (4 KiB) R + L (at the end)
 *          15 NAPOT everything RWX (from the start-up; turned off later)
 */
#include "../priv-common/priv.h"

#define MAGIC 0x600d600d600d600d

#define S_ECALL CAUSE_SUPERVISOR_ECALL
#define U_ECALL CAUSE_USER_ECALL

PRIV_BEGIN
    la s0, pdata
    addi s3, s0, 0x7f0
    addi s3, s3, 0x10       /* s3 = pdata + 0x800 */
    li t0, MAGIC
    sd t0, 0(s0)
    sd t0, 0x100(s3)
    li t0, 0x1000
    add t0, s0, t0
    li t1, MAGIC
    sd t1, 0(t0)

    /* program entries 0-5 */
    addi t0, s0, 0x10
    srli t0, t0, 2
    csrw pmpaddr0, t0
    addi t0, s0, 0x7f0
    addi t0, t0, 0x10
    srli t0, t0, 2
    ori t0, t0, 0x1f
    csrw pmpaddr1, t0
    srli t0, s0, 2
    csrw pmpaddr2, t0
    csrw pmpaddr5, t0
    li t1, 0x1000
    add t0, s0, t1
    srli t0, t0, 2
    csrw pmpaddr3, t0
    li t0, 0x80000000 >> 2
    csrw pmpaddr4, t0
    li t0, ((PMP_NA4 | PMP_R | PMP_W) << 0) | (PMP_NAPOT << 8) | ((PMP_TOR | PMP_R) << 24) | ((PMP_TOR | PMP_R | PMP_W | PMP_X) << 40)
    csrw pmpcfg0, t0
    sfence.vma
    li TESTNUM, 1
    csrr t1, pmpcfg0
    bne t0, t1, fail

    li a5, 0                /* tval 0 for the ecalls */
    /* 2-3: TOR R-only: S loads, S store faults (entry 15 allows it, but
     * entry 3 is the lowest match) */
    TRY_MODE_REG(2, PRV_S, S_ECALL, a5, ld a0, 0(s0))
    CHECK(3, a0, MAGIC)
    mv a4, s0
    TRY_MODE_REG(4, PRV_S, CAUSE_STORE_ACCESS, a4, sd a0, 0(s0))
    /* 5-7: NA4 RW word: store ok; the next word is TOR R-only; an 8-byte
     * store covering both fails (entry 0 matches only part of it) */
    li a0, 0x1234
    TRY_MODE_REG(5, PRV_S, S_ECALL, a5, sw a0, 0x10(s0))
    lw a1, 0x10(s0)
    CHECK(6, a1, 0x1234)
    addi a4, s0, 0x14
    TRY_MODE_REG(7, PRV_S, CAUSE_STORE_ACCESS, a4, sw a0, 0x14(s0))
    addi a4, s0, 0x10
    TRY_MODE_REG(8, PRV_S, CAUSE_STORE_ACCESS, a4, sd a0, 0x10(s0))
    TRY_MODE_REG(9, PRV_S, CAUSE_LOAD_ACCESS, a4, ld a0, 0x10(s0))
    /* 10-12: NAPOT without permissions: both ends fault, just past is ok */
    addi a4, s0, 0x7f0
    addi a4, a4, 0x10
    TRY_MODE_REG(10, PRV_S, CAUSE_LOAD_ACCESS, a4, lw a0, 0(a4))
    addi a4, a4, 0xff
    TRY_MODE_REG(11, PRV_S, CAUSE_LOAD_ACCESS, a4, lbu a0, 0(a4); j fail)
    li a0, 0
    TRY_MODE_REG(12, PRV_S, S_ECALL, a5, ld a0, 0x100(s3))
    CHECK(13, a0, MAGIC)
    /* 14-15: fetch from a region without X */
    TRY_MODE_REG(14, PRV_S, CAUSE_FETCH_ACCESS, s0, jr s0)
    li TESTNUM, 15
    la t6, trap_epc
    ld t5, 0(t6)
    bne t5, s0, fail

    /* 16-18: U obeys the same rules */
    addi a4, s0, 0x7f0
    addi a4, a4, 0x10
    TRY_MODE_REG(16, PRV_U, CAUSE_LOAD_ACCESS, a4, lw a0, 0(a4))
    TRY_MODE_REG(17, PRV_U, CAUSE_STORE_ACCESS, s0, sd a0, 0(s0))
    TRY_MODE_REG(18, PRV_U, U_ECALL, a5, ld a0, 0(s0))

    /* 19: M is not restricted by unlocked entries */
    li TESTNUM, 19
    sd a0, 0(s0)
    lw a0, 0(s3)
    sd a0, 0(s3)

    /* 20: MPRV with MPP = S: M loads checked with S's rules */
    addi a4, s0, 0x7f0
    addi a4, a4, 0x10
    EXPECT_TRAP_AT(CAUSE_LOAD_ACCESS, back_mprv)
    li t0, MSTATUS_MPP
    csrc mstatus, t0
    li t0, MSTATUS_MPRV | (PRV_S << 11)
    csrs mstatus, t0
    lw a0, 0(a4)
    j fail
back_mprv:
    li t0, MSTATUS_MPRV
    csrc mstatus, t0
    CHECK_TRAP_REG(20, CAUSE_LOAD_ACCESS, a4)

    /* 21-23: entry 15 off: S accesses that match no entry fail */
    csrw pmpcfg2, zero
    sfence.vma
    li t0, 0x2000
    add a4, s0, t0
    TRY_MODE_REG(21, PRV_S, CAUSE_LOAD_ACCESS, a4, ld a0, 0(a4))
    TRY_MODE_REG(22, PRV_S, CAUSE_FETCH_ACCESS, a4, jr a4)
    TRY_MODE_REG(23, PRV_S, S_ECALL, a5, ld a0, 0(s0))
    /* M still may */
    li TESTNUM, 24
    ld a0, 0(a4)

    /* 25-30: a locked entry binds M too and cannot be changed */
    li t0, 0x1000
    add a4, s0, t0
    srli t0, a4, 2
    ori t0, t0, 0x1ff
    csrw pmpaddr6, t0
    mv s2, t0
    li t0, (PMP_NAPOT | PMP_R | PMP_L) << 48
    csrs pmpcfg0, t0
    sfence.vma
    li TESTNUM, 25
    ld a0, 0(a4)
    li t0, MAGIC
    bne a0, t0, fail
    EXPECT_TRAP_AT(CAUSE_STORE_ACCESS, back_lock)
    sd a0, 8(a4)
    j fail
back_lock:
    addi a3, a4, 8
    CHECK_TRAP_REG(26, CAUSE_STORE_ACCESS, a3)
    EXPECT_TRAP_AT(CAUSE_FETCH_ACCESS, back_lock2)
    jr a4
back_lock2:
    CHECK_TRAP_REG(27, CAUSE_FETCH_ACCESS, a4)
    /* writes to the locked entry are ignored */
    csrw pmpaddr6, zero
    csrr t0, pmpaddr6
    CHECK_REG(28, t0, s2)
    li t0, 0xff << 48
    csrc pmpcfg0, t0
    csrr t0, pmpcfg0
    srli t0, t0, 48
    andi t0, t0, 0xff
    CHECK(29, t0, PMP_NAPOT | PMP_R | PMP_L)
    /* the unlocked entries around it still change */
    csrw pmpaddr7, s2
    csrr t0, pmpaddr7
    CHECK_REG(30, t0, s2)
PRIV_END

    .bss
    .align 12
pdata:  .skip 0x3000
