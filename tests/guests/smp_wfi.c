/* WFI wake-up across harts (-smp 2 -bios none), for harts on host threads
 * (issue 19, "Interrupts and WFI"): hart 1 sleeps in WFI with only MSIE
 * enabled and MIE off, so a pending software interrupt wakes it without a
 * trap (priv spec 3.3.3). Hart 0 raises hart 1's CLINT MSIP IPIS times, one
 * at a time: it waits until hart 1 has cleared MSIP and acknowledged that
 * IPI before it sends the next. Hart 1 counts the wake-ups that found MSIP
 * pending; both counts must be exact, and every acknowledgement must name
 * the IPI just sent (none lost, none counted twice). A hart thread that
 * misses a wake-up leaves the run hanging: the test's --timeout ends it and
 * check 2 (a 15 s deadline in mtime) usually first.
 *
 * Then a pending interrupt that mie masks must not end WFI (priv spec
 * 3.3.3: the hart "should avoid resuming" then; QEMU does not resume):
 * hart 1 makes its timer interrupt pending with MTIE clear and loops on
 * WFI until an IPI; hart 0 sends it after 20 ms. One wake-up is exact.
 * A WFI that completed while anything at all was pending spun instead,
 * which let secondary harts waiting in OpenSBI 1.1's hsm_hart_wait read
 * the start address before hart_start had written it (a race in that
 * firmware, boot.smp4_opensbi's "CPU1: failed to come online"). */
#include "guest.h"

#define IPIS 1000UL

static volatile uint64_t acked, wakeups, sleeping, masked_ready, masked_wakeups, masked_done;

/* Hart 1, after the IPIs: WFI with only a masked interrupt pending. */
static void masked_pending(void)
{
    mmio_w64(CLINT_MTIMECMP(1), 0); /* MTIP pending; mie holds MSIE only */
    CHECK(6, CSR_READ(mip) & (1UL << IRQ_MTI));
    __asm__ volatile("fence iorw, iorw" ::: "memory");
    masked_ready = 1;
    uint64_t n = 0;
    do {
        wfi();
        n++;
    } while (!(CSR_READ(mip) & (1UL << IRQ_MSI)));
    mmio_w32(CLINT_MSIP(1), 0);
    masked_wakeups = n;
    __asm__ volatile("fence iorw, iorw" ::: "memory");
    masked_done = 1;
}

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
    masked_pending();
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
    while (!masked_ready)
        CHECK(7, mmio_r64(CLINT_MTIME) < end);
    for (uint64_t t = mmio_r64(CLINT_MTIME) + TIMEBASE_HZ / 50; mmio_r64(CLINT_MTIME) < t;)
        ;
    mmio_w32(CLINT_MSIP(1), 1);
    while (!masked_done)
        CHECK(8, mmio_r64(CLINT_MTIME) < end);
    CHECK(9, masked_wakeups == 1);
    puts_uart("wfi ok: ");
    putdec(acked);
    puts_uart(" IPIs acknowledged, ");
    putdec(wakeups);
    puts_uart(" wake-ups\n");
    return 0;
}
