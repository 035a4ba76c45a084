/* SMP (-smp 3 -bios none): harts 1 and 2 wait in wfi with MSIE enabled; hart 0
 * wakes them with CLINT msip IPIs. Every hart adds 1 to one shared counter
 * ITERS times with amoadd.d and to another ITERS times with an lr.d/sc.d
 * loop; the secondaries then IPI hart 0 back, which checks both totals
 * exactly. */
#include "guest.h"

#define NHARTS 3
#define ITERS  100000UL

static volatile uint64_t amo_total, lrsc_total, done;
static volatile uint64_t ipis[NHARTS];

void m_trap(uint64_t cause, uint64_t epc, uint64_t tval)
{
    uint64_t h = CSR_READ(mhartid);
    if (cause != (CAUSE_INTR | IRQ_MSI) || h >= NHARTS) {
        puts_uart("unexpected mcause ");
        puthex(cause);
        putc_uart('\n');
        guest_exit(99);
    }
    mmio_w32(CLINT_MSIP(h), 0);
    ipis[h]++;
}

static void amo_add(volatile uint64_t *p) { __asm__ volatile("amoadd.d zero, %1, (%0)" ::"r"(p), "r"(1UL) : "memory"); }

static void work(void)
{
    /* Interleave the two kinds so they contend with each other too. */
    for (uint64_t i = 0; i < ITERS; i++) {
        amo_add(&amo_total);
        lrsc_inc(&lrsc_total);
    }
}

/* Sleeps until *v >= want. The test and the wfi run with MIE off, so an IPI
 * taken between them cannot be lost: WFI wakes on a pending enabled
 * interrupt even with MIE clear (priv 3.3.3), and the trap is then taken
 * when MIE comes back on. */
static void sleep_until(volatile uint64_t *v, uint64_t want)
{
    uint64_t end = mmio_r64(CLINT_MTIME) + 15 * TIMEBASE_HZ;
    CSR_CLEAR(mstatus, MSTATUS_MIE);
    while (*v < want) {
        CHECK(2, mmio_r64(CLINT_MTIME) < end);
        wfi();
        CSR_SET(mstatus, MSTATUS_MIE);
        CSR_CLEAR(mstatus, MSTATUS_MIE);
    }
    CSR_SET(mstatus, MSTATUS_MIE);
}

void secondary_main(uint64_t h)
{
    CSR_WRITE(mtvec, (uint64_t)m_trap_entry);
    if (h >= NHARTS)
        for (;;)
            wfi();
    CSR_WRITE(mie, 1UL << IRQ_MSI);
    sleep_until(&ipis[h], 1);
    work();
    amo_add(&done);
    mmio_w32(CLINT_MSIP(0), 1); /* tell hart 0 */
    for (;;)
        wfi();
}

int main(uint64_t hartid, uint64_t dtb)
{
    CSR_WRITE(mtvec, (uint64_t)m_trap_entry);
    CSR_WRITE(mie, 1UL << IRQ_MSI);
    CHECK(1, CSR_READ(mhartid) == 0);
    for (uint64_t h = 1; h < NHARTS; h++)
        mmio_w32(CLINT_MSIP(h), 1);
    work();
    sleep_until(&done, NHARTS - 1); /* woken by the secondaries' IPIs */
    CHECK(3, ipis[1] == 1 && ipis[2] == 1);
    CHECK(4, ipis[0] >= 1);
    CHECK(5, amo_total == NHARTS * ITERS);
    CHECK(6, lrsc_total == NHARTS * ITERS);
    puts_uart("smp ok: ");
    putdec(amo_total);
    putc_uart(' ');
    putdec(lrsc_total);
    putc_uart('\n');
    return 0;
}
