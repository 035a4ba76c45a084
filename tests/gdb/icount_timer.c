/* Determinism under -icount: timer interrupts every PERIOD ticks, taken
 * while the hart alternately spins and sleeps in WFI; each one prints the
 * mtime it saw and how many loop iterations ran since the last. With -icount
 * both numbers are the same on every run, so the output is byte-identical. */
#include "guest.h"

#define PERIOD 5000UL /* 0.5 ms at 10 MHz */
#define TICKS  20

static volatile uint64_t hits, spins;

void m_trap(uint64_t cause, uint64_t epc, uint64_t tval)
{
    if (cause != (CAUSE_INTR | IRQ_MTI))
        guest_exit(99);
    uint64_t now = mmio_r64(CLINT_MTIME);
    puts_uart("tick ");
    putdec(hits);
    puts_uart(" mtime ");
    putdec(now);
    puts_uart(" spins ");
    putdec(spins);
    putc_uart('\n');
    spins = 0;
    hits++;
    mmio_w64(CLINT_MTIMECMP(0), now + PERIOD);
}

int main(uint64_t hartid, uint64_t dtb)
{
    CSR_WRITE(mtvec, (uint64_t)m_trap_entry);
    mmio_w64(CLINT_MTIMECMP(0), mmio_r64(CLINT_MTIME) + PERIOD);
    CSR_WRITE(mie, 1UL << IRQ_MTI);
    CSR_SET(mstatus, MSTATUS_MIE);
    while (hits < TICKS) {
        if (hits & 1)
            wfi();
        else
            spins++;
    }
    CSR_CLEAR(mstatus, MSTATUS_MIE);
    puts_uart("icount done\n");
    return 0;
}
