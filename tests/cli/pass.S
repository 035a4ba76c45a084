/* Passes (exit code 0) at once; a0 must hold the hart id (0). Other harts
 * (-smp 2) wait: with a thread per hart they would race hart 0 to the exit.
 * M-mode (-bios none). */
    .option norelax
    .text
    .globl _start
_start:
    mv s0, a0
    csrr t0, mhartid
    bnez t0, 2f
    mv a0, s0
    bnez a0, 1f
    j htif_exit
1:  li a0, 5
    j htif_exit
2:  wfi
    j 2b
#include "htif.inc"
