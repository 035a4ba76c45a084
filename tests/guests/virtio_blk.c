/* virtio-blk from the guest's side, on the transport the command line chose
 * (built with EXPECT_VERSION 2 for modern, 1 for -global
 * virtio-mmio.force-legacy=true): find the device among the 8 slots,
 * negotiate, set up queue 0, read sector 0 (written by the host driver script
 * with a known pattern), write sectors 1-2 with the guest pattern, read them
 * back, flush. The driver then checks the image file. The modern build waits
 * for the PLIC interrupt (IRQ slot + 1) with wfi and checks the used ring;
 * the legacy build polls the used ring. */
#include "virtio.h"

#ifndef EXPECT_VERSION
#define EXPECT_VERSION 2
#endif
#define IMAGE_SECTORS 128 /* the driver makes a 64 KiB image */

static struct vq_mem vq;
static struct vblk dev;
static uint8_t buf[2 * SECTOR] __attribute__((aligned(16)));

void m_trap(uint64_t cause, uint64_t epc, uint64_t tval)
{
    if (cause != (CAUSE_INTR | IRQ_MEI)) {
        puts_uart("unexpected mcause ");
        puthex(cause);
        putc_uart('\n');
        guest_exit(99);
    }
    vblk_irq(&dev);
}

/* Host pattern in sector 0: "RIVETBLK" then (i * 7 + 3) & 0xff. */
static uint8_t host_byte(unsigned i)
{
    static const char tag[] = "RIVETBLK";
    return i < 8 ? (uint8_t)tag[i] : (uint8_t)((i * 7 + 3) & 0xff);
}

/* Guest pattern over sectors 1-2 (byte i of the 1024): (i * 13 + 0x5a) & 0xff. */
static uint8_t guest_byte(unsigned i) { return (uint8_t)((i * 13 + 0x5a) & 0xff); }

int main(uint64_t hartid, uint64_t dtb)
{
    CSR_WRITE(mtvec, (uint64_t)m_trap_entry);
    CHECK(1, vblk_find(&dev) >= 0);
    CHECK(2, dev.version == EXPECT_VERSION);
    int e = vblk_init(&dev, &vq);
    if (e) {
        puts_uart("init failed at step ");
        putdec((uint64_t)e);
        putc_uart('\n');
        fail(10 + e);
    }
    CHECK(20, dev.capacity == IMAGE_SECTORS);
    CHECK(21, dev.features_lo & (1u << VIRTIO_BLK_F_FLUSH));
    if (EXPECT_VERSION == 2)
        vblk_enable_irq(&dev);

    memset(buf, 0, sizeof buf);
    CHECK(22, vblk_rw(&dev, VIRTIO_BLK_T_IN, 0, buf, 1) == VIRTIO_BLK_S_OK);
    CHECK(23, dev.vq->used.ring[0].len >= SECTOR + 1); /* data + status */
    for (unsigned i = 0; i < SECTOR; i++)
        CHECK(24, buf[i] == host_byte(i));

    for (unsigned i = 0; i < sizeof buf; i++)
        buf[i] = guest_byte(i);
    CHECK(25, vblk_rw(&dev, VIRTIO_BLK_T_OUT, 1, buf, 2) == VIRTIO_BLK_S_OK);
    memset(buf, 0, sizeof buf);
    CHECK(26, vblk_rw(&dev, VIRTIO_BLK_T_IN, 1, buf, 2) == VIRTIO_BLK_S_OK);
    for (unsigned i = 0; i < sizeof buf; i++)
        CHECK(27, buf[i] == guest_byte(i));
    CHECK(28, vblk_rw(&dev, VIRTIO_BLK_T_FLUSH, 0, 0, 0) == VIRTIO_BLK_S_OK);
    /* A read past the end of the disk answers an I/O error. */
    CHECK(29, vblk_rw(&dev, VIRTIO_BLK_T_IN, IMAGE_SECTORS, buf, 1) == VIRTIO_BLK_S_IOERR);
    CHECK(30, dev.last_used == 5);
    if (EXPECT_VERSION == 2)
        CHECK(31, vblk_irqs >= 1);
    puts_uart("virtio-blk ok, slot ");
    putdec(dev.slot);
    puts_uart(" version ");
    putdec(dev.version);
    putc_uart('\n');
    return 0;
}
