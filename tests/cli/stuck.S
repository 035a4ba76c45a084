/* Guests that hang without a word on other emulators; rivet's stuck watch
 * (machine/debug/log.h) must name each one, once.
 *   (default)   a trap handler that returns to the faulting cbo.zero: the
 *               same illegal instruction 1000 times in a row (Zicboz is not
 *               in the default -cpu)
 *   -DJUMP0     a call through a null pointer: the fetch at 0 faults, and
 *               mtvec (0 at reset) sends the hart back there
 *   -DHANDLER   an illegal instruction whose M-mode handler's first
 *               instruction is illegal too: the handler traps into itself
 *   -DHEALTHY   traps 999 times on one instruction (the handler returns
 *               to it), then takes other exceptions and passes: no report
 * Uncompressed throughout, so the addresses in the messages are known. */
    .option norvc
    .option norelax
    .text
    .globl _start
_start:
#if defined(JUMP0)
    li t0, 0
    jalr ra, 0(t0)          /* at 0x80000004 */
#elif defined(HANDLER)
    la t0, handler
    csrw mtvec, t0
    csrw cycle, zero        /* read-only CSR: illegal */
1:  j 1b
handler:
    .word 0x0045200f        /* cbo.zero (a0): illegal again */
    mret
#elif defined(HEALTHY)
    la t0, count_handler
    csrw mtvec, t0
    li s0, 999
again:
    .word 0x0045200f        /* s0 counts these traps down */
    li a0, 0
    j htif_exit
count_handler:
    addi s0, s0, -1
    bnez s0, 1f
    csrr t1, mepc           /* the 999th: step over it */
    addi t1, t1, 4
    csrw mepc, t1
1:  mret
#else
    la t0, handler
    csrw mtvec, t0
spin:
    .word 0x0045200f        /* cbo.zero (a0) */
    j spin
handler:
    mret                    /* back to the same instruction */
#endif
#include "htif.inc"
