/* What -d int,guest_errors,unimp must log (machine/debug/log.h): an M-mode guest
 * that loads and stores where nothing is mapped, reads a CSR rivet does not
 * have, executes cbo.zero (Zicboz, which the default -cpu leaves out) and
 * vsetvli (V, which the default -cpu leaves out too), and takes a machine timer interrupt. Its handler skips each faulting instruction; it checks
 * the causes it saw, then passes. run_log.py checks the log lines. */
#include "guest.h"

#define HOLE 0x28000000UL /* nothing mapped on the virt board (0x3000000 is the PCIe I/O window) */

static volatile uint64_t seen[16];
static volatile int ticked;

void m_trap(uint64_t cause, uint64_t epc, uint64_t tval)
{
    if (cause == (CAUSE_INTR | IRQ_MTI)) {
        mmio_w64(CLINT_MTIMECMP(0), ~0UL);
        ticked = 1;
        return;
    }
    if (cause < 16)
        seen[cause]++;
    CSR_WRITE(mepc, epc + 4); /* every faulting instruction here is 4 bytes */
}

int main(uint64_t hartid, uint64_t dtb)
{
    CSR_WRITE(mtvec, m_trap_entry);
    uint64_t hole = HOLE;
    __asm__ volatile(".option push\n.option norvc\nlw t0, 0(%0)\nsw t0, 0(%0)\n.option pop" ::"r"(hole)
                     : "t0", "memory"); /* uncompressed: the handler skips 4 bytes */
    uint64_t v;
    __asm__ volatile("csrr %0, 0x7c0" : "=r"(v));      /* a custom CSR: not in rivet */
    __asm__ volatile(".word 0x0045200f" ::: "memory"); /* cbo.zero (a0): Zicboz, not in the default -cpu */
    __asm__ volatile(".word 0x00007057" ::: "memory"); /* vsetvli zero, zero, e8: V, not in the default -cpu */
    CHECK(1, seen[5] == 1 && seen[7] == 1 && seen[2] == 3);
    mmio_w64(CLINT_MTIMECMP(0), mmio_r64(CLINT_MTIME) + 1000);
    CSR_SET(mie, 1UL << IRQ_MTI);
    CSR_SET(mstatus, MSTATUS_MIE);
    while (!ticked)
        wfi();
    puts_uart("log guest ok\n");
    return 0;
}
