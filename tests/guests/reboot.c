/* Reboots (issue 23): an S-mode kernel behind the built-in SBI that counts
 * its boots where a reboot leaves them, on its disk (sector 1 of
 * run_guest.py's image, zero at first), since nothing in RAM survives.
 * Each boot checks that it starts from power-on: a RAM word the previous
 * boot wrote outside the image reads 0, a .data word it changed has its
 * value from the file again, and the cycle counter counts from 0 (it
 * follows retired instructions in rivet, so a boot this short stays far
 * below the bound). It prints "boot N", stores N, then: boots 1 and 2
 * reset through the sifive test device (0x7777), boot 3 through SBI SRST
 * (cold reboot), boot 4 powers off. With -no-reboot the first reset ends
 * the run (status 0) after "boot 1".
 *
 * Built with -DSMP (run with -smp 2), each boot also starts hart 1 through
 * SBI HSM and resets while it runs: hart 1 counts in RAM, and hart 0 waits
 * until the count moved, so the reset meets a running hart thread. */
#include "virtio.h"

#define SBI_EXT_HSM        0x48534D
#define SBI_HSM_HART_START 0
#define SRST_SHUTDOWN      0
#define SRST_COLD_REBOOT   1
#define RAM_WORD           0x80800000UL /* 8 MiB in: beyond the image, stack and queues */
#define CYCLE_BOUND        5000000UL
#define COUNT_SECTOR       1
#define COUNT_MAGIC        0x7265626f6f74UL /* "reboot": the sector was written by a boot */

static struct vq_mem vq;
static struct vblk dev;
static uint64_t sector[SECTOR / 8] __attribute__((aligned(16)));
static volatile uint64_t data_word = 0x1234; /* .data: the file's value on every boot */
static volatile uint64_t hart1_count;

#ifdef SMP
void secondary_main(uint64_t hartid)
{
    for (;;)
        hart1_count++;
}

static void start_hart1(void)
{
    extern char _start[];
    struct sbiret s = sbi_call(SBI_EXT_HSM, SBI_HSM_HART_START, 1, (uintptr_t)_start, 0);
    CHECK(10, s.error == 0);
    uint64_t end = CSR_READ(time) + 10 * TIMEBASE_HZ;
    while (hart1_count < 1000)
        CHECK(11, CSR_READ(time) < end);
}
#endif

/* The boots so far, from the disk (0 on a fresh image). */
static uint64_t read_count(void)
{
    CHECK(4, vblk_rw(&dev, VIRTIO_BLK_T_IN, COUNT_SECTOR, sector, 1) == VIRTIO_BLK_S_OK);
    return sector[0] == COUNT_MAGIC ? sector[1] : 0;
}

static void write_count(uint64_t n)
{
    sector[0] = COUNT_MAGIC;
    sector[1] = n;
    CHECK(5, vblk_rw(&dev, VIRTIO_BLK_T_OUT, COUNT_SECTOR, sector, 1) == VIRTIO_BLK_S_OK);
    CHECK(6, vblk_rw(&dev, VIRTIO_BLK_T_FLUSH, 0, 0, 0) == VIRTIO_BLK_S_OK);
}

int main(uint64_t hartid, uint64_t dtb)
{
    uint64_t cycles = CSR_READ(cycle);
    volatile uint64_t *ram_word = (volatile uint64_t *)RAM_WORD;
    CHECK(1, *ram_word == 0);
    CHECK(2, data_word == 0x1234);
    CHECK(3, cycles < CYCLE_BOUND);
    CHECK(7, vblk_find(&dev) >= 0 && vblk_init(&dev, &vq) == 0);
    uint64_t n = read_count() + 1;
    puts_uart("boot ");
    putdec(n);
    putc_uart('\n');
    write_count(n);
    *ram_word = 0xdeadbeef00000000UL | n;
    data_word = n;
#ifdef SMP
    start_hart1();
#endif
    if (n <= 2)
        mmio_w32(TEST_BASE, 0x7777);
    else if (n == 3)
        sbi_call(SBI_EXT_SRST, 0, SRST_COLD_REBOOT, 0, 0);
    else {
        puts_uart("reboot ok\n");
        sbi_call(SBI_EXT_SRST, 0, SRST_SHUTDOWN, 0, 0);
    }
    /* The hart may run on a little until the machine acts on the request. */
    for (volatile int i = 0; i < 1000000; i++)
        ;
    fail(8); /* still running: the reset did not happen */
}
