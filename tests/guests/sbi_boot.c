/* An S-mode kernel behind SBI firmware (linked at 0x80200000): print through
 * DBCN (when the firmware has it; built with REQUIRE_DBCN it must) and the
 * legacy putchar, read time, take an S timer interrupt set with the TIME
 * extension's set_timer, then shut down through SRST. Built with
 * SRST_FAILURE, it shuts down with reason "system failure" instead. Checks
 * that fail exit through the test device directly with their number. */
#include "guest.h"

/* clang-format off */
#define DELAY_TICKS  100000UL          /* 10 ms */
#define LATE_TICKS   TIMEBASE_HZ       /* 1 s */
/* clang-format on */
#define SBI_PROBE_EXTENSION 3
#define SRST_SHUTDOWN       0
#define SRST_REASON_NONE    0
#define SRST_REASON_FAILURE 1

static volatile uint64_t hits, seen_at;

void s_trap(uint64_t cause, uint64_t epc, uint64_t tval)
{
    if (cause != (CAUSE_INTR | IRQ_STI))
        fail(90);
    seen_at = CSR_READ(time);
    hits++;
    sbi_call(SBI_EXT_TIME, 0, ~0UL, 0, 0); /* far future: clears STIP */
}

static void legacy_puts(const char *s)
{
    while (*s)
        sbi_call(SBI_LEGACY_PUTCHAR, 0, (uint8_t)*s++, 0, 0);
}

static void console(void)
{
    static const char msg[] = "sbi: dbcn write\n";
    struct sbiret r = sbi_call(SBI_EXT_BASE, SBI_PROBE_EXTENSION, SBI_EXT_DBCN, 0, 0);
    CHECK(2, r.error == 0);
    if (r.value) {
        r = sbi_call(SBI_EXT_DBCN, 0, sizeof msg - 1, (uintptr_t)msg, 0);
        CHECK(3, r.error == 0 && r.value == sizeof msg - 1);
    } else {
#ifdef REQUIRE_DBCN
        fail(4);
#endif
        legacy_puts("sbi: no DBCN in this firmware\n");
    }
    legacy_puts("sbi: legacy putchar\n");
}

static void timer(void)
{
    uint64_t t0 = CSR_READ(time);
    for (volatile int i = 0; i < 10000; i++)
        ;
    CHECK(10, CSR_READ(time) > t0);
    struct sbiret r = sbi_call(SBI_EXT_BASE, SBI_PROBE_EXTENSION, SBI_EXT_TIME, 0, 0);
    CHECK(11, r.error == 0 && r.value != 0);
    CSR_WRITE(stvec, (uint64_t)s_trap_entry);
    uint64_t deadline = CSR_READ(time) + DELAY_TICKS;
    r = sbi_call(SBI_EXT_TIME, 0, deadline, 0, 0);
    CHECK(12, r.error == 0);
    CSR_WRITE(sie, 1UL << IRQ_STI);
    CSR_SET(sstatus, MSTATUS_SIE);
    while (!hits) {
        CHECK(13, CSR_READ(time) < deadline + LATE_TICKS);
        wfi();
    }
    CSR_CLEAR(sstatus, MSTATUS_SIE);
    CHECK(14, hits == 1);
    CHECK(15, seen_at >= deadline);
    CHECK(16, seen_at < deadline + LATE_TICKS);
    CHECK(17, !(CSR_READ(sip) & (1UL << IRQ_STI)));
    legacy_puts("sbi: timer interrupt\n");
}

int main(uint64_t hartid, uint64_t dtb)
{
    /* Started in S-mode at 0x80200000 with a0 = hart id, a1 = DTB. */
    CHECK(1, (uintptr_t)main >= 0x80200000UL && dtb != 0);
    console();
    timer();
    struct sbiret r = sbi_call(SBI_EXT_BASE, SBI_PROBE_EXTENSION, SBI_EXT_SRST, 0, 0);
    CHECK(20, r.error == 0 && r.value != 0);
#ifdef SRST_FAILURE
    legacy_puts("sbi: srst failure\n");
    sbi_call(SBI_EXT_SRST, 0, SRST_SHUTDOWN, SRST_REASON_FAILURE, 0);
    /* SRST returned: pass through the test device, so that the test, which
     * expects a failure status, fails. */
    guest_exit(0);
#else
    legacy_puts("sbi: srst shutdown\n");
    sbi_call(SBI_EXT_SRST, 0, SRST_SHUTDOWN, SRST_REASON_NONE, 0);
#endif
    fail(21); /* SRST returned */
}
