/* Exits with code 256 written as two 32-bit stores, low word first (as RV32
 * code does): the status must be 1, not 0, and the first store alone must
 * not end the run with the wrong code. */
    .option norelax
    .text
    .globl _start
_start:
    j main
#include "htif.inc"
main:
    la t0, tohost
    li t1, (256 << 1) | 1
    sw t1, 0(t0)
    sw zero, 4(t0)
1:  j 1b
