/*
 * rv64ua/rivet_zawrs: Zawrs 1.01 on two harts.
 * Hart 0 checks that WRS.NTO and WRS.STO go on at once without a
 * reservation or with an interrupt pending and enabled in mie (even with
 * mstatus.MIE clear), that
 * WRS.STO ends by itself, that TW makes WRS.NTO below M illegal (not
 * WRS.STO, nor WRS.NTO that would not wait). Then hart 1 waits in WRS.NTO
 * on three words in turn, and hart 0 wakes it each time, once hart 1 is
 * asleep, with a plain store, an AMO and a cbo.zero: each must end the wait
 * (rivet watches the reservation set, cpu/resv.h), or hart 0 gives up.
 */
# isa-march: rv64gc_zicboz_zawrs
# isa-args: -cpu rv64,zawrs=on,zicboz=on -smp 2
#include "../priv-common/priv.h"

#define WRS_NTO 0x00d00073
#define PATIENCE 200000000 /* loops hart 0 waits for an answer: many rounds, or with a thread
                            * per hart many host time slices (hart 1 may wait for a core) */

/* Hart 0: wait until *(word) == value, or fail with n. */
#define AWAIT(n, word, value)                                                 \
    li TESTNUM, n;                                                            \
    la t0, word;                                                              \
    li t1, PATIENCE;                                                          \
    li t2, value;                                                             \
1:  ld t3, 0(t0);                                                             \
    beq t3, t2, 2f;                                                           \
    addi t1, t1, -1;                                                          \
    bnez t1, 1b;                                                              \
    j fail;                                                                   \
2:

/* Hart 0: run long enough for hart 1 to reach its WRS (several rounds). */
#define LET_HART1_SLEEP                                                       \
    li t1, 50000;                                                             \
1:  addi t1, t1, -1;                                                          \
    bnez t1, 1b

PRIV_BEGIN
    csrr t0, mhartid
    bnez t0, hart1

    /* 1: no reservation: on at once */
    li TESTNUM, 1
    la a0, word0
    sc.w t0, zero, (a0)
    wrs.nto
    wrs.sto
    /* 2: WRS.STO ends by itself (a hang would end the run: 124) */
    li TESTNUM, 2
    lr.w t0, (a0)
    wrs.sto
    lr.w t0, (a0)
    wrs.sto
    /* 3: a pending interrupt enabled in mie, with mstatus.MIE clear: on at
     * once, and no trap (the WFI rules; one mie masks would not end it) */
    li TESTNUM, 3
    csrci mstatus, MSTATUS_MIE
    csrwi mie, MIP_SSIP
    csrsi mip, MIP_SSIP
    lr.w t0, (a0)
    wrs.nto
    csrci mip, MIP_SSIP
    csrw mie, zero
    /* 4-7: TW: WRS.NTO below M that would wait is illegal; WRS.STO is not,
     * nor WRS.NTO without a reservation */
    li t0, MSTATUS_TW
    csrs mstatus, t0
    la a0, word0
    TRY_MODE(4, PRV_S, CAUSE_ILLEGAL_INSN, WRS_NTO, lr.w t0, (a0); wrs.nto)
    TRY_MODE(5, PRV_U, CAUSE_ILLEGAL_INSN, WRS_NTO, lr.w t0, (a0); wrs.nto)
    TRY_MODE(6, PRV_S, CAUSE_SUPERVISOR_ECALL, 0, lr.w t0, (a0); wrs.sto)
    TRY_MODE(7, PRV_U, CAUSE_USER_ECALL, 0, lr.w t0, (a0); sc.w t0, zero, (a0); wrs.nto)
    li t0, MSTATUS_TW
    csrc mstatus, t0

    /* 8-9: hart 1 sleeps on word1; a plain store wakes it */
    li t0, 1
    la t1, go
    sd t0, 0(t1)
    AWAIT(8, ready, 1)
    LET_HART1_SLEEP
    la t0, word1
    li t1, 1
    sw t1, 0(t0)
    AWAIT(9, ack, 1)
    /* 10: on word2; an AMO wakes it */
    AWAIT(10, ready, 2)
    LET_HART1_SLEEP
    la t0, word2
    li t1, 1
    amoadd.d zero, t1, (t0)
    AWAIT(11, ack, 2)
    /* 12: on word3 (nonzero, waiting for zero); cbo.zero of its block wakes it */
    AWAIT(12, ready, 3)
    LET_HART1_SLEEP
    la t0, word3
    cbo.zero (t0)
    AWAIT(13, ack, 3)
    j pass

    /* Hart 1: each phase: announce, then LR + WRS.NTO until the word is
     * what it waits for, then acknowledge. */
hart1:
    la t0, go
1:  ld t1, 0(t0)
    beqz t1, 1b
    la a0, word1
    li a1, 1
    call wait_word
    la a0, word2
    li a1, 2
    call wait_word
    la a0, word3
    li a1, 3
    call wait_word
2:  wfi
    j 2b

/* a0 = the word (a 64-bit one; waits while nonzero when a1 = 3, while zero
 * otherwise), a1 = the phase number for ready and ack. */
wait_word:
    la t0, ready
    sd a1, 0(t0)
1:  lr.d t1, (a0)
    li t2, 3
    beq a1, t2, 2f
    bnez t1, 3f
    wrs.nto
    j 1b
2:  beqz t1, 3f
    wrs.nto
    j 1b
3:  la t0, ack
    sd a1, 0(t0)
    ret

pass:
PRIV_END

    .data
    .align 6
go:    .dword 0
ready: .dword 0
ack:   .dword 0
    .align 6
word0: .dword 0
    .align 6
word1: .dword 0
    .align 6
word2: .dword 0
    .align 6
word3: .dword -1
    .align 6
