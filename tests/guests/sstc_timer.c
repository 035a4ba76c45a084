/* Sstc: M-mode enables menvcfg.STCE and mcounteren.TM, delegates the
 * supervisor timer interrupt and drops to S-mode; S-mode programs stimecmp
 * 10 ms ahead and takes the S timer interrupt on time. Writing stimecmp in
 * the future clears STIP (Sstc spec, "stimecmp"). */
#include "guest.h"

/* clang-format off */
#define DELAY_TICKS  100000UL          /* 10 ms at 10 MHz */
#define LATE_TICKS   TIMEBASE_HZ       /* 1 s */
/* clang-format on */

static volatile uint64_t hits, hit_cause, seen_at;

void s_trap(uint64_t cause, uint64_t epc, uint64_t tval)
{
    if (cause != (CAUSE_INTR | IRQ_STI)) {
        puts_uart("unexpected scause ");
        puthex(cause);
        putc_uart('\n');
        guest_exit(99);
    }
    seen_at = CSR_READ(time);
    hit_cause = cause;
    hits++;
    CSR_WRITE(stimecmp, ~0UL); /* lowers STIP */
}

static void s_main(uint64_t unused)
{
    CSR_WRITE(stvec, (uint64_t)s_trap_entry);
    CSR_WRITE(stimecmp, ~0UL);
    CHECK(10, !(CSR_READ(sip) & (1UL << IRQ_STI)));

    /* A past deadline raises STIP; a future one clears it. */
    CSR_WRITE(stimecmp, 0);
    CHECK(11, CSR_READ(sip) & (1UL << IRQ_STI));
    CSR_WRITE(stimecmp, CSR_READ(time) + 100 * TIMEBASE_HZ);
    CHECK(12, !(CSR_READ(sip) & (1UL << IRQ_STI)));
    CHECK(13, hits == 0);

    uint64_t deadline = CSR_READ(time) + DELAY_TICKS;
    CSR_WRITE(stimecmp, deadline);
    CHECK(14, CSR_READ(stimecmp) == deadline);
    CSR_WRITE(sie, 1UL << IRQ_STI);
    CSR_SET(sstatus, MSTATUS_SIE);
    while (!hits) {
        CHECK(15, CSR_READ(time) < deadline + LATE_TICKS);
        wfi();
    }
    CSR_CLEAR(sstatus, MSTATUS_SIE);
    CHECK(16, hit_cause == (CAUSE_INTR | IRQ_STI));
    CHECK(17, hits == 1);
    CHECK(18, seen_at >= deadline);
    CHECK(19, seen_at < deadline + LATE_TICKS);
    CHECK(20, !(CSR_READ(sip) & (1UL << IRQ_STI)));
    puts_uart("sstc ok\n");
    guest_exit(0);
}

int main(uint64_t hartid, uint64_t dtb)
{
    CSR_WRITE(mtvec, (uint64_t)m_trap_entry);
    CSR_SET(menvcfg, MENVCFG_STCE);
    CHECK(1, CSR_READ(menvcfg) & MENVCFG_STCE); /* Sstc implemented */
    CSR_SET(mcounteren, MCOUNTEREN_TM);
    CSR_WRITE(mideleg, 1UL << IRQ_STI);
    CHECK(2, CSR_READ(mideleg) & (1UL << IRQ_STI));
    CSR_WRITE(mie, 0);
    enter_smode(s_main, 0);
}
