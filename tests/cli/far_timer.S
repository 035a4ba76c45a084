/* Arms the machine timer 2^63 ticks ahead (about 29,000 years at 10 MHz),
 * enables it and waits. Under -icount no virtual time can reach the deadline,
 * and nothing else can wake the hart: the run must end as deadlocked (the
 * wait in nanoseconds once overflowed, and the run spun forever). */
    .text
    .globl _start
_start:
    li t0, 0x2004000        /* CLINT mtimecmp, hart 0 */
    li t1, 1
    slli t1, t1, 63
    sd t1, 0(t0)
    li t0, 0x80             /* mie.MTIE */
    csrw mie, t0
1:  wfi
    j 1b
