/* The snapshot guest (snapshot_test.py): every hart counts for ever in its
 * own word, hart 0 takes a machine timer interrupt every 10 ms and counts
 * those too, and says "tick N" on the UART every 50 of them. The words sit
 * at fixed addresses, so the monitor's xp reads them. It prints "snapshot
 * guest started" once, at boot: a machine restored by -loadvm goes on
 * counting without printing it again. */
#include "guest.h"

#define WORDS  ((volatile uint64_t *)0x80400000UL) /* [hart]: its count; [8]: ticks */
#define TICKS  WORDS[8]
#define PERIOD 100000UL /* 10 ms at 10 MHz */

void m_trap(uint64_t cause, uint64_t epc, uint64_t tval)
{
    if (cause != (CAUSE_INTR | IRQ_MTI)) {
        puts_uart("unexpected mcause ");
        puthex(cause);
        putc_uart('\n');
        guest_exit(99);
    }
    uint64_t t = ++TICKS;
    mmio_w64(CLINT_MTIMECMP(0), mmio_r64(CLINT_MTIME) + PERIOD);
    if (t % 50 == 0) {
        puts_uart("tick ");
        putdec(t);
        putc_uart('\n');
    }
}

static __attribute__((noreturn)) void count(uint64_t hart)
{
    for (;;)
        WORDS[hart]++;
}

void secondary_main(uint64_t hartid) { count(hartid); }

int main(uint64_t hartid, uint64_t dtb)
{
    CSR_WRITE(mtvec, (uint64_t)m_trap_entry);
    mmio_w64(CLINT_MTIMECMP(0), mmio_r64(CLINT_MTIME) + PERIOD);
    CSR_WRITE(mie, 1UL << IRQ_MTI);
    CSR_SET(mstatus, MSTATUS_MIE);
    puts_uart("snapshot guest started\n");
    count(hartid);
}
