/* A test in the shape of the riscv-arch-test / RISCOF guests: the result it
 * computes goes between begin_signature and end_signature, then it passes
 * through HTIF (or, with -DLOOP, spins until --max-insns ends the run).
 * The signature's 20 bytes, lowest address first:
 *   44 33 22 11  88 77 66 55  ac 68 00 00  01 02 03 04  0d f0 fe ca
 * (the third word is 0x1234 + 0x5678, stored by the code over 0xdeadbeef).
 * tests/cli/signature/g*.txt are Spike's files for it, written by hand. */
    .option norelax
    .text
    .globl _start
_start:
    la t0, begin_signature
    li t1, 0x1234
    li t2, 0x5678
    add t3, t1, t2
    sw t3, 8(t0)
#ifdef LOOP
1:  j 1b
#endif
    li a0, 0
    j htif_exit
#include "htif.inc"

    .data
    .balign 16
    .globl begin_signature
begin_signature:
    .word 0x11223344, 0x55667788
    .word 0xdeadbeef
    .byte 0x01, 0x02, 0x03, 0x04
    .word 0xcafef00d
    .globl end_signature
end_signature:
    .word 0x99999999 /* past the end: never in the file */
