/* Malformed virtio-blk queues (modern transport): a descriptor whose next
 * points to itself, then a request header outside RAM. The device must either
 * complete the request with an error status or set NEEDS_RESET (0x40), and
 * the guest must keep running: it reads registers afterwards, resets the
 * device, and a well-formed read of sector 0 still works. */
#include "virtio.h"

static struct vq_mem vq;
static struct vblk dev;
static uint8_t buf[SECTOR] __attribute__((aligned(16)));
static struct blk_req hdr;
static volatile uint8_t status_byte;

#define OUTSIDE_RAM 0xf000000000000000UL

/* 1 = completed with an error, 2 = NEEDS_RESET, 0 = neither within 1 s. */
static int outcome(void)
{
    if (vblk_wait(&dev))
        return 1;
    return (vreg_r(&dev, VIRTIO_STATUS) & VS_NEEDS_RESET) ? 2 : 0;
}

static void report(const char *what, int how)
{
    puts_uart(what);
    puts_uart(how == 1 ? ": error completion" : ": NEEDS_RESET");
    puts_uart(", status register ");
    puthex(vreg_r(&dev, VIRTIO_STATUS));
    putc_uart('\n');
}

static void self_loop(void)
{
    hdr = (struct blk_req){ VIRTIO_BLK_T_IN, 0, 0 };
    dev.vq->desc[0] = (struct vq_desc){ (uintptr_t)&hdr, sizeof hdr, VRING_DESC_F_NEXT, 0 };
    vblk_submit(&dev, 0);
    int how = outcome();
    CHECK(3, how != 0);
    CHECK(4, vreg_r(&dev, VIRTIO_MAGIC) == VIRTIO_MAGIC_VALUE);
    report("self-loop", how);
}

static void outside_ram(void)
{
    status_byte = 0xff;
    struct vq_desc *d = dev.vq->desc;
    d[0] = (struct vq_desc){ OUTSIDE_RAM, sizeof hdr, VRING_DESC_F_NEXT, 1 };
    d[1] = (struct vq_desc){ (uintptr_t)buf, SECTOR, VRING_DESC_F_WRITE | VRING_DESC_F_NEXT, 2 };
    d[2] = (struct vq_desc){ (uintptr_t)&status_byte, 1, VRING_DESC_F_WRITE, 0 };
    vblk_submit(&dev, 0);
    int how = outcome();
    CHECK(6, how != 0);
    /* An error completion must not claim success. */
    CHECK(7, how == 2 || status_byte != VIRTIO_BLK_S_OK);
    CHECK(8, vreg_r(&dev, VIRTIO_DEVICE_ID) == VIRTIO_ID_BLOCK);
    report("outside RAM", how);
}

int main(uint64_t hartid, uint64_t dtb)
{
    CSR_WRITE(mtvec, (uint64_t)m_trap_entry);
    CHECK(1, vblk_find(&dev) >= 0);
    CHECK(2, dev.version == 2);
    int e = vblk_init(&dev, &vq);
    CHECK(10 + e, e == 0);
    self_loop();

    CHECK(5, vblk_init(&dev, &vq) == 0);
    outside_ram();

    /* After a reset the device serves a good request again. */
    CHECK(20, vblk_init(&dev, &vq) == 0);
    CHECK(21, vblk_rw(&dev, VIRTIO_BLK_T_IN, 0, buf, 1) == VIRTIO_BLK_S_OK);
    CHECK(22, buf[0] == 'R' && buf[7] == 'K');
    puts_uart("malformed chains handled\n");
    return 0;
}
