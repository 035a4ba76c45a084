/* An S-mode kernel using the built-in SBI's PMU extension the way Linux's
 * perf driver does (firmware/sbi_pmu.c): probe it, read the counters'
 * info, cfg_match a counter for retired instructions in S only, read it
 * with hpmcounterN (mcounteren lets S), take the overflow interrupt
 * (Sscofpmf's LCOFI, delegated to S) after a start with an initial value,
 * then stop and free it. Without Zihpm (the default model) the extension
 * is absent. Checks that fail exit through the test device with their
 * number. */
#include "guest.h"

#define SBI_EXT_PMU         0x504D55
#define SBI_PROBE_EXTENSION 3
#define PMU_NUM_COUNTERS    0
#define PMU_GET_INFO        1
#define PMU_CFG_MATCH       2
#define PMU_START           3
#define PMU_STOP            4
#define CFG_CLEAR_VALUE     (1UL << 1)
#define CFG_AUTO_START      (1UL << 2)
#define CFG_SET_UINH        (1UL << 5)
#define CFG_SET_MINH        (1UL << 7)
#define START_SET_INIT      (1UL << 0)
#define STOP_RESET          (1UL << 0)
#define HW_INSTRUCTIONS     2
#define IRQ_LCOF            13

static struct sbiret sbi5(uint64_t fid, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4)
{
    register uint64_t r0 __asm__("a0") = a0, r1 __asm__("a1") = a1, r2 __asm__("a2") = a2;
    register uint64_t r3 __asm__("a3") = a3, r4 __asm__("a4") = a4;
    register uint64_t r6 __asm__("a6") = fid, r7 __asm__("a7") = SBI_EXT_PMU;
    __asm__ volatile("ecall" : "+r"(r0), "+r"(r1) : "r"(r2), "r"(r3), "r"(r4), "r"(r6), "r"(r7) : "memory");
    return (struct sbiret){ (long)r0, (long)r1 };
}

static void puts_sbi(const char *s)
{
    while (*s)
        sbi_call(SBI_LEGACY_PUTCHAR, 0, (uint8_t)*s++, 0, 0);
}

static volatile uint64_t hits, ovf;

void s_trap(uint64_t cause, uint64_t epc, uint64_t tval)
{
    if (cause != (CAUSE_INTR | IRQ_LCOF))
        fail(90);
    ovf = CSR_READ(0xda0); /* scountovf */
    hits++;
    CSR_CLEAR(sip, 1UL << IRQ_LCOF);
    sbi5(PMU_STOP, 3, 1, 0, 0, 0);
}

static void pmu(void)
{
    struct sbiret r = sbi5(PMU_NUM_COUNTERS, 0, 0, 0, 0, 0);
    CHECK(2, r.error == 0 && r.value == 32);
    r = sbi5(PMU_GET_INFO, 3, 0, 0, 0, 0);
    CHECK(3, r.error == 0 && r.value == (0xc03 | (63 << 12)));
    r = sbi5(PMU_CFG_MATCH, 0, 0xffffffff, CFG_CLEAR_VALUE | CFG_AUTO_START | CFG_SET_MINH | CFG_SET_UINH,
             HW_INSTRUCTIONS, 0);
    CHECK(4, r.error == 0 && r.value == 3);
    uint64_t a, b;
    __asm__ volatile("csrr %0, hpmcounter3\n nop\n nop\n nop\n csrr %1, hpmcounter3" : "=r"(a), "=r"(b));
    CHECK(5, b - a == 4);
    /* overflow: 1000 instructions before the wrap */
    r = sbi5(PMU_STOP, 3, 1, 0, 0, 0);
    CHECK(6, r.error == 0);
    CSR_WRITE(stvec, (uint64_t)s_trap_entry);
    CSR_WRITE(sie, 1UL << IRQ_LCOF);
    CSR_SET(sstatus, MSTATUS_SIE);
    r = sbi5(PMU_START, 3, 1, START_SET_INIT, (uint64_t)-1000, 0);
    CHECK(7, r.error == 0);
    for (volatile int i = 0; i < 100000 && !hits; i++)
        ;
    CSR_CLEAR(sstatus, MSTATUS_SIE);
    CHECK(8, hits == 1);
    CHECK(9, ovf == (1UL << 3));
    r = sbi5(PMU_STOP, 3, 1, STOP_RESET, 0, 0);
    CHECK(10, r.error == 0 || r.error == -8 /* already stopped */);
    r = sbi5(PMU_START, 3, 1, 0, 0, 0);
    CHECK(11, r.error == -3); /* freed */
    puts_sbi("sbi: pmu ok\n");
}

int main(uint64_t hartid, uint64_t dtb)
{
    struct sbiret r = sbi_call(SBI_EXT_BASE, SBI_PROBE_EXTENSION, SBI_EXT_PMU, 0, 0);
    CHECK(1, r.error == 0);
    if (r.value)
        pmu();
    else
        puts_sbi("sbi: no pmu\n");
    sbi_call(SBI_EXT_SRST, 0, 0, 0, 0);
    fail(20);
}
