/* Entry, per-hart stacks and the M- and S-mode trap vectors shared by every
 * guest. The board starts a hart here with a0 = hart id, a1 = DTB address,
 * in M-mode (-bios none) or S-mode (behind firmware). Nothing here touches a
 * CSR, so the same code serves both. */
    .section .text.start, "ax"
    .globl _start
_start:
    .option push
    .option norelax
    la      gp, __global_pointer$
    .option pop
    /* 16 KiB of stack per hart, hart ids 0..7 (others park). */
    li      t0, 8
    bgeu    a0, t0, park
    la      sp, __stacks_end
    slli    t0, a0, 14
    sub     sp, sp, t0
    bnez    a0, secondary
    /* Hart 0 clears .bss, then releases the others. */
    la      t0, __bss_start
    la      t1, __bss_end
1:  bgeu    t0, t1, 2f
    sd      zero, 0(t0)
    addi    t0, t0, 8
    j       1b
2:  fence   rw, rw
    li      t0, 1
    la      t1, boot_done
    sw      t0, 0(t1)
    call    main
    call    guest_exit
park:
    wfi
    j       park
secondary:
    la      t1, boot_done
3:  lw      t0, 0(t1)
    beqz    t0, 3b
    fence   rw, rw
    call    secondary_main
    j       park

    .data
    .align 2
boot_done:
    .word 0

/* Trap entry: save the registers a C function may clobber, call the guest's
 * handler, restore, return. Handlers run on the interrupted hart's stack. */
.macro SAVE_CALLER
    addi    sp, sp, -144
    sd ra, 0(sp);  sd t0, 8(sp);  sd t1, 16(sp); sd t2, 24(sp)
    sd a0, 32(sp); sd a1, 40(sp); sd a2, 48(sp); sd a3, 56(sp)
    sd a4, 64(sp); sd a5, 72(sp); sd a6, 80(sp); sd a7, 88(sp)
    sd t3, 96(sp); sd t4, 104(sp); sd t5, 112(sp); sd t6, 120(sp)
.endm
.macro RESTORE_CALLER
    ld ra, 0(sp);  ld t0, 8(sp);  ld t1, 16(sp); ld t2, 24(sp)
    ld a0, 32(sp); ld a1, 40(sp); ld a2, 48(sp); ld a3, 56(sp)
    ld a4, 64(sp); ld a5, 72(sp); ld a6, 80(sp); ld a7, 88(sp)
    ld t3, 96(sp); ld t4, 104(sp); ld t5, 112(sp); ld t6, 120(sp)
    addi    sp, sp, 144
.endm

    .text
    .align 4
    .globl m_trap_entry
m_trap_entry:
    SAVE_CALLER
    csrr    a0, mcause
    csrr    a1, mepc
    csrr    a2, mtval
    call    m_trap
    RESTORE_CALLER
    mret

    .align 4
    .globl s_trap_entry
s_trap_entry:
    SAVE_CALLER
    csrr    a0, scause
    csrr    a1, sepc
    csrr    a2, stval
    call    s_trap
    RESTORE_CALLER
    sret
