/* CLINT from M-mode: a machine timer interrupt arrives when mtime reaches
 * mtimecmp (10 ms ahead), not before and not absurdly late; a write to the
 * hart's msip register raises a machine software interrupt. */
#include "guest.h"

/* clang-format off */
#define DELAY_TICKS  100000UL          /* 10 ms at 10 MHz */
#define LATE_TICKS   TIMEBASE_HZ       /* 1 s */
/* clang-format on */

static volatile uint64_t timer_hits, timer_cause, timer_seen_at;
static volatile uint64_t soft_hits, soft_cause;

void m_trap(uint64_t cause, uint64_t epc, uint64_t tval)
{
    if (cause == (CAUSE_INTR | IRQ_MTI)) {
        timer_seen_at = mmio_r64(CLINT_MTIME);
        timer_cause = cause;
        timer_hits++;
        mmio_w64(CLINT_MTIMECMP(0), ~0UL); /* lowers MTIP */
    } else if (cause == (CAUSE_INTR | IRQ_MSI)) {
        soft_cause = cause;
        soft_hits++;
        mmio_w32(CLINT_MSIP(0), 0); /* lowers MSIP */
    } else {
        puts_uart("unexpected mcause ");
        puthex(cause);
        putc_uart('\n');
        guest_exit(99);
    }
}

static void test_timer(void)
{
    mmio_w64(CLINT_MTIMECMP(0), ~0UL);
    CHECK(1, !(CSR_READ(mip) & (1UL << IRQ_MTI)));
    uint64_t t0 = mmio_r64(CLINT_MTIME);
    for (volatile int i = 0; i < 10000; i++)
        ;
    CHECK(2, mmio_r64(CLINT_MTIME) > t0); /* mtime advances */

    uint64_t deadline = mmio_r64(CLINT_MTIME) + DELAY_TICKS;
    mmio_w64(CLINT_MTIMECMP(0), deadline);
    CHECK(3, mmio_r64(CLINT_MTIMECMP(0)) == deadline);
    CSR_WRITE(mie, 1UL << IRQ_MTI);
    CSR_SET(mstatus, MSTATUS_MIE);
    while (!timer_hits) {
        CHECK(4, mmio_r64(CLINT_MTIME) < deadline + LATE_TICKS);
        wfi();
    }
    CSR_CLEAR(mstatus, MSTATUS_MIE);
    CHECK(5, timer_cause == (CAUSE_INTR | IRQ_MTI));
    CHECK(6, timer_hits == 1);
    CHECK(7, timer_seen_at >= deadline);             /* not early */
    CHECK(8, timer_seen_at < deadline + LATE_TICKS); /* not absurdly late */
    CHECK(9, !(CSR_READ(mip) & (1UL << IRQ_MTI)));

    /* A deadline in the past raises MTIP at once, visible in mip. */
    mmio_w64(CLINT_MTIMECMP(0), 0);
    CHECK(10, CSR_READ(mip) & (1UL << IRQ_MTI));
    mmio_w64(CLINT_MTIMECMP(0), ~0UL);
    CHECK(11, !(CSR_READ(mip) & (1UL << IRQ_MTI)));
}

static void test_msip(void)
{
    CHECK(20, mmio_r32(CLINT_MSIP(0)) == 0);
    CSR_WRITE(mie, 1UL << IRQ_MSI);
    mmio_w32(CLINT_MSIP(0), 1);
    CHECK(21, mmio_r32(CLINT_MSIP(0)) == 1);
    CHECK(22, CSR_READ(mip) & (1UL << IRQ_MSI));
    CHECK(23, soft_hits == 0); /* MIE still off: no trap yet */
    CSR_SET(mstatus, MSTATUS_MIE);
    for (int i = 0; i < 1000 && !soft_hits; i++)
        __asm__ volatile("nop");
    CSR_CLEAR(mstatus, MSTATUS_MIE);
    CHECK(24, soft_hits == 1);
    CHECK(25, soft_cause == (CAUSE_INTR | IRQ_MSI));
    CHECK(26, mmio_r32(CLINT_MSIP(0)) == 0);
    CHECK(27, !(CSR_READ(mip) & (1UL << IRQ_MSI)));
}

int main(uint64_t hartid, uint64_t dtb)
{
    CSR_WRITE(mtvec, (uint64_t)m_trap_entry);
    test_timer();
    test_msip();
    puts_uart("clint ok\n");
    return 0;
}
