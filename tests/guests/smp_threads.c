/* The runtime of one host thread per hart (issue 19), bare metal, M-mode.
 * One program, a mode per build (-DMODE_...):
 *   FENCEI    hart 1 calls a function in RAM again and again (hot: it gets
 *             translated); hart 0 rewrites it, then sends hart 1 an IPI
 *             (CLINT msip) whose handler runs fence.i. Hart 1's first call
 *             after that handler must run the new code.
 *   POWEROFF  hart 0 computes for ever; hart 1 powers the machine off
 *             (the test device): the run must end with hart 0 still busy.
 *   SPIN      every hart computes for ever (--max-insns, --timeout).
 *   COMPUTE   harts 0 and 1 run the same loop; hart 0 checks that both got
 *             the same result (--stats: both harts' CPU time).
 *   WFI_IPI   hart 1 sleeps in WFI with MSIE on; hart 0 wakes it with an
 *             IPI after a while; hart 1 answers with one back.
 *   BOTH_EXIT both harts power off at the same moment.
 *   FAULT     hart 1 jumps where there is no memory (--stuck=exit ends the
 *             run) while hart 0 computes.
 * Harts beyond 1 park (SPIN: they spin too). */
#include "guest.h"

static volatile uint64_t ready, done, fenced, result[2], go_exit;
static volatile uint64_t ipis[2];

static uint64_t mix(uint64_t rounds)
{
    uint64_t x = 88172645463325252ull, acc = 0;
    for (uint64_t i = 0; i < rounds; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        acc += (x & 1) ? x >> 3 : x * 7;
    }
    return acc;
}

__attribute__((unused)) static void spin_forever(void)
{
    volatile uint64_t sink = 0;
    for (;;)
        sink += mix(1000);
}

void m_trap(uint64_t cause, uint64_t epc, uint64_t tval)
{
    uint64_t h = CSR_READ(mhartid);
    if (cause != (CAUSE_INTR | IRQ_MSI) || h > 1) {
        puts_uart("unexpected mcause ");
        puthex(cause);
        putc_uart('\n');
        guest_exit(99);
    }
    mmio_w32(CLINT_MSIP(h), 0);
#ifdef MODE_FENCEI
    __asm__ volatile("fence.i" ::: "memory");
    fenced = 1;
#endif
    ipis[h]++;
}

#ifdef MODE_FENCEI
/* li a0, 1; ret   and   li a0, 2 (the rewrite). */
#define LI_A0(n) (0x00000513u | ((uint32_t)(n) << 20))
#define RET      0x00008067u
static uint32_t code[2] __attribute__((aligned(64))) = { LI_A0(1), RET };

static void hart1(void)
{
    uint64_t (*f)(void) = (uint64_t(*)(void))(uintptr_t)code;
    CSR_WRITE(mie, 1UL << IRQ_MSI);
    CSR_SET(mstatus, MSTATUS_MIE);
    for (uint64_t n = 0;; n++) {
        uint64_t after = fenced; /* read before the call: the call comes after the fence.i */
        uint64_t v = f();
        if (n == 100000)
            ready = 1;
        if (after) {
            result[1] = v;
            fence();
            done = 1;
            for (;;)
                wfi();
        }
    }
}

static int hart0(void)
{
    while (!ready)
        ;
    code[0] = LI_A0(2);
    fence();
    mmio_w32(CLINT_MSIP(1), 1);
    while (!done)
        ;
    CHECK(1, result[1] == 2);
    puts_uart("fence.i ok\n");
    return 0;
}
#endif

#ifdef MODE_POWEROFF
static void hart1(void)
{
    mix(2000000);
    puts_uart("bye\n");
    guest_exit(0);
}

static int hart0(void)
{
    spin_forever();
    return 1;
}
#endif

#ifdef MODE_SPIN
static void hart1(void) { spin_forever(); }
static int hart0(void)
{
    spin_forever();
    return 1;
}
#endif

#ifdef MODE_COMPUTE
#ifndef ROUNDS
#define ROUNDS 5000000ull /* -DROUNDS=...: a longer run, to time by hand */
#endif
static void hart1(void)
{
    result[1] = mix(ROUNDS);
    fence();
    done = 1;
    for (;;)
        wfi();
}

static int hart0(void)
{
    result[0] = mix(ROUNDS);
    while (!done)
        ;
    CHECK(1, result[0] == result[1]);
    puts_uart("compute ok\n");
    return 0;
}
#endif

#ifdef MODE_WFI_IPI
/* WFI with MIE off: the IPI wakes it and is taken when MIE comes back on. */
static void hart1(void)
{
    CSR_WRITE(mie, 1UL << IRQ_MSI);
    ready = 1;
    while (!ipis[1]) {
        wfi();
        CSR_SET(mstatus, MSTATUS_MIE);
        CSR_CLEAR(mstatus, MSTATUS_MIE);
    }
    mmio_w32(CLINT_MSIP(0), 1);
    for (;;)
        wfi();
}

static int hart0(void)
{
    CSR_WRITE(mie, 1UL << IRQ_MSI);
    while (!ready)
        ;
    mix(3000000); /* hart 1 is asleep by now */
    mmio_w32(CLINT_MSIP(1), 1);
    while (!ipis[0]) {
        wfi();
        CSR_SET(mstatus, MSTATUS_MIE);
        CSR_CLEAR(mstatus, MSTATUS_MIE);
    }
    CHECK(1, ipis[1] == 1);
    puts_uart("wfi ipi ok\n");
    return 0;
}
#endif

#ifdef MODE_BOTH_EXIT
static void hart1(void)
{
    ready = 1;
    while (!go_exit)
        ;
    guest_exit(0);
}

static int hart0(void)
{
    while (!ready)
        ;
    go_exit = 1;
    guest_exit(0);
    return 0;
}
#endif

#ifdef MODE_FAULT
static void hart1(void)
{
    mix(100000);
    __asm__ volatile("jr %0" ::"r"(0UL)); /* nothing at 0: a fetch access fault, again and again */
}

static int hart0(void)
{
    spin_forever();
    return 1;
}
#endif

void secondary_main(uint64_t h)
{
    CSR_WRITE(mtvec, (uint64_t)m_trap_entry);
#ifdef MODE_SPIN
    spin_forever();
#endif
    if (h != 1)
        for (;;)
            wfi();
    hart1();
}

int main(uint64_t hartid, uint64_t dtb)
{
    CSR_WRITE(mtvec, (uint64_t)m_trap_entry);
    return hart0();
}
