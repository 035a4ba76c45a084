/* Prints "hi\n" on the UART (0x10000000), then writes FINISH_VALUE to the
 * sifive test device (0x100000) with the store FINISH_STORE (sw, or sh as
 * OpenSBI's driver does). Built in variants by tests/cli/CMakeLists.txt. */
    .text
    .globl _start
_start:
    bnez a0, park          /* hart 0 only */
    li t0, 0x10000000
    li t1, 'h'
    sb t1, 0(t0)
    li t1, 'i'
    sb t1, 0(t0)
    li t1, '\n'
    sb t1, 0(t0)
    li t0, 0x100000
    li t1, FINISH_VALUE
    FINISH_STORE t1, 0(t0)
park:
    wfi
    j park
