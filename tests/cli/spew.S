/* Prints "spew\n" on the UART (0x10000000) for ever, hart 0 only: a guest
 * whose console output never stops, for the closed-pipe tests. */
    .text
    .globl _start
_start:
    bnez a0, park
    li t0, 0x10000000
again:
    la t1, msg
next:
    lbu t2, 0(t1)
    beqz t2, again
    sb t2, 0(t0)
    addi t1, t1, 1
    j next
park:
    wfi
    j park
    .data
msg:
    .asciz "spew\n"
