/* Prints "hello\n" through the HTIF syscall proxy (write, 64) and again
 * through the console device (device 1, cmd 1), checks the proxy's return
 * values, then exits with code 7. Exit 90+ means a proxy answer was wrong. */
    .option norelax
    .text
    .globl _start
_start:
    j main
#include "htif.inc"

/* syscall: a0 = number, a1..a3 = args; returns magic_mem[0] in a0. */
syscall:
    mv s11, ra
    la t0, magic
    sd a0, 0(t0)
    sd a1, 8(t0)
    sd a2, 16(t0)
    sd a3, 24(t0)
    mv a0, t0
    call htif_send
    la t0, magic
    ld a0, 0(t0)
    mv ra, s11
    ret

main:
    li a0, 64               /* write(1, msg, 6) */
    li a1, 1
    la a2, msg
    li a3, 6
    call syscall
    li t0, 6
    li s2, 91
    bne a0, t0, fail
    li a0, 1234             /* unknown syscall: -ENOSYS */
    call syscall
    li t0, -38
    li s2, 92
    bne a0, t0, fail
    li a0, 64               /* write to a bad fd: -EBADF */
    li a1, 5
    la a2, msg
    li a3, 6
    call syscall
    li t0, -9
    li s2, 93
    bne a0, t0, fail
    la s0, msg
    la s1, msg_end
2:  lbu a0, 0(s0)           /* device 1, cmd 1: putchar */
    li t0, 0x0101
    slli t0, t0, 48
    or a0, a0, t0
    call htif_send
    addi s0, s0, 1
    bltu s0, s1, 2b
    li a0, 7
    j htif_exit
fail:
    mv a0, s2
    j htif_exit

    .data
    .balign 8
magic: .dword 0, 0, 0, 0, 0, 0, 0, 0
msg: .ascii "hello\n"
msg_end:
