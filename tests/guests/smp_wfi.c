/* WFI wake-up across harts (-smp 2 -bios none), for harts on host threads
 * (issue 19, "Interrupts and WFI"): hart 1 sleeps in WFI with only MSIE
 * enabled and MIE off, so a pending software interrupt wakes it without a
 * trap (priv spec 3.3.3). Hart 0 raises hart 1's CLINT MSIP IPIS times, one
 * at a time: it waits until hart 1 has cleared MSIP and acknowledged that
 * IPI before it sends the next. Hart 1 counts the wake-ups that found MSIP
 * pending; both counts must be exact, and every acknowledgement must name
 * the IPI just sent (none lost, none counted twice). A hart thread that
 * misses a wake-up leaves the run hanging: the test's --timeout ends it and
 * check 2 (a 15 s deadline in mtime) usually first. */
#include "guest.h"

#define IPIS 1000UL

static volatile uint64_t acked, wakeups, sleeping;

void secondary_main(uint64_t h)
{
    if (h != 1)
        for (;;)
            wfi();
    CSR_CLEAR(mstatus, MSTATUS_MIE);
    CSR_WRITE(mie, 1UL << IRQ_MSI);
    uint64_t count = 0;
    sleeping = 1;
    while (count < IPIS) {
        wfi();
        wakeups++;
        if (!(CSR_READ(mip) & (1UL << IRQ_MSI)))
            continue; /* a spurious wake-up: allowed */
        mmio_w32(CLINT_MSIP(1), 0);
        CHECK(3, !(CSR_READ(mip) & (1UL << IRQ_MSI)));
        count++;
        __asm__ volatile("fence iorw, iorw" ::: "memory");
        acked = count;
    }
    for (;;)
        wfi();
}

int main(uint64_t hartid, uint64_t dtb)
{
    uint64_t end = mmio_r64(CLINT_MTIME) + 15 * TIMEBASE_HZ;
    while (!sleeping)
        CHECK(1, mmio_r64(CLINT_MTIME) < end);
    for (uint64_t i = 1; i <= IPIS; i++) {
        __asm__ volatile("fence iorw, iorw" ::: "memory");
        mmio_w32(CLINT_MSIP(1), 1);
        while (acked < i)
            CHECK(2, mmio_r64(CLINT_MTIME) < end);
        CHECK(4, acked == i);
    }
    CHECK(5, mmio_r32(CLINT_MSIP(1)) == 0);
    puts_uart("wfi ok: ");
    putdec(acked);
    puts_uart(" IPIs acknowledged, ");
    putdec(wakeups);
    puts_uart(" wake-ups\n");
    return 0;
}
