/* Waits for an interrupt that never comes (no interrupt is enabled). */
    .text
    .globl _start
_start:
    wfi
    j _start
