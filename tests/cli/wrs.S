/* Waits in WRS.NTO on a reservation nothing will break: the hart must
 * sleep (the run then ends as a deadlock), never spin. */
    .text
    .globl _start
_start:
    la a0, word
1:  lr.w t0, (a0)
    .4byte 0x00d00073 /* wrs.nto */
    j 1b
    .data
    .align 3
word: .dword 0
