/* Cross-hart self-modifying code (-smp 2 -bios none), for harts on host
 * threads (issue 19, "Code cache"). Hart 0 calls a function F in a loop,
 * so that rivet decodes and translates it. Hart 1 rewrites F as version v
 * (F returns 3v), executes fence.i, publishes v and raises hart 0's CLINT
 * MSIP. Hart 0's interrupt handler executes fence.i (the unprivileged spec,
 * Zifencei: a hart sees another hart's instruction stores after its own
 * fence.i, once they are visible to it) and calls F: it must return 3v. The
 * handler acknowledges v and hart 1 goes on to v + 1, VERSIONS times.
 *
 * Between the rewrite and hart 0's fence.i, hart 0 may run old or new
 * instructions (both are allowed), so the calls in its loop are only
 * checked for being some version's result: one of the old version, the new
 * one, or a mix of their instructions, never anything else. */
#include "guest.h"

#define VERSIONS 300UL
#define F_WORDS  4

/* F, in a writable page of its own: addi a0, zero, v; addi a1, zero, 2v;
 * add a0, a0, a1; ret. Starts as version 0. */
static volatile uint32_t f_code[1024] __attribute__((aligned(4096))) = {
    0x00000513,
    0x00000593,
    0x00b50533,
    0x00008067,
};
static volatile uint64_t published, acked, loop_calls, bad_loop, bad_handler;
static volatile uint64_t first_bad_v, first_bad_r;

static uint32_t addi(unsigned rd, uint64_t imm) { return (uint32_t)(imm << 20 | rd << 7 | 0x13); }

static uint64_t call_f(void)
{
    uint64_t (*f)(void) = (uint64_t(*)(void))(uintptr_t)f_code;
    return f();
}

void m_trap(uint64_t cause, uint64_t epc, uint64_t tval)
{
    if (cause != (CAUSE_INTR | IRQ_MSI) || CSR_READ(mhartid) != 0) {
        puts_uart("unexpected mcause ");
        puthex(cause);
        putc_uart('\n');
        guest_exit(99);
    }
    mmio_w32(CLINT_MSIP(0), 0);
    __asm__ volatile("fence iorw, iorw" ::: "memory");
    uint64_t v = published;
    __asm__ volatile("fence.i" ::: "memory");
    uint64_t r = call_f();
    if (r != 3 * v && !bad_handler++) {
        first_bad_v = v;
        first_bad_r = r;
    }
    __asm__ volatile("fence rw, w" ::: "memory");
    acked = v;
}

/* Hart 1: the writer. */
void secondary_main(uint64_t h)
{
    if (h != 1)
        for (;;)
            wfi();
    while (loop_calls < 100) /* hart 0 runs F: it is translated */
        ;
    for (uint64_t v = 1; v <= VERSIONS; v++) {
        f_code[0] = addi(10, v);
        f_code[1] = addi(11, 2 * v);
        /* A data fence, then the request to the other hart (Zifencei). */
        __asm__ volatile("fence rw, rw\n fence.i" ::: "memory");
        published = v;
        __asm__ volatile("fence iorw, iorw" ::: "memory");
        mmio_w32(CLINT_MSIP(0), 1);
        uint64_t end = mmio_r64(CLINT_MTIME) + 15 * TIMEBASE_HZ;
        while (acked != v)
            CHECK(2, mmio_r64(CLINT_MTIME) < end);
    }
    for (;;)
        wfi();
}

/* A result hart 0 may see before its fence.i: a + b for the two first
 * instructions of the old (v-1) or new (v) version, in any combination. */
static int possible(uint64_t r, uint64_t v)
{
    uint64_t old = v ? v - 1 : 0;
    return r == 3 * old || r == 3 * v || r == old + 2 * v || r == v + 2 * old;
}

int main(uint64_t hartid, uint64_t dtb)
{
    CSR_WRITE(mtvec, (uint64_t)m_trap_entry);
    CSR_WRITE(mie, 1UL << IRQ_MSI);
    CSR_SET(mstatus, MSTATUS_MIE);
    uint64_t end = mmio_r64(CLINT_MTIME) + 15 * TIMEBASE_HZ;
    while (acked < VERSIONS) {
        /* With MIE off nothing is acknowledged here, so hart 1 writes at
         * most version published + 1 meanwhile. */
        CSR_CLEAR(mstatus, MSTATUS_MIE);
        uint64_t v = published;
        uint64_t r = call_f();
        CSR_SET(mstatus, MSTATUS_MIE);
        if (!possible(r, v) && !possible(r, v + 1))
            bad_loop++;
        loop_calls++;
        CHECK(1, mmio_r64(CLINT_MTIME) < end);
    }
    CSR_CLEAR(mstatus, MSTATUS_MIE);
    if (bad_handler) {
        puts_uart("handler: version ");
        putdec(first_bad_v);
        puts_uart(", F returned ");
        putdec(first_bad_r);
        puts_uart("; bad calls ");
        putdec(bad_handler);
        putc_uart('\n');
    }
    CHECK(3, bad_handler == 0);
    CHECK(4, bad_loop == 0);
    CHECK(5, call_f() == 3 * VERSIONS);
    puts_uart("calls of F in the loop: ");
    putdec(loop_calls);
    puts_uart("\nsmc ok: ");
    putdec(VERSIONS);
    puts_uart(" versions\n");
    return 0;
}
