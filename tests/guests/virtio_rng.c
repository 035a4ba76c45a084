/* virtio-rng guest: this first line is the entropy the rng_file test feeds. */
/*
 * virtio-rng from the guest's side: find the device (id 4), bring it up
 * with no features, offer writable buffers and check what comes back.
 * Built with FROM_FILE, the host feeds this very file through -object
 * rng-random,filename=..., so the bytes are known: two 16-byte requests
 * must return the first line above, in order. Otherwise (the host's
 * entropy) two 32-byte answers must be full, and differ from each other
 * and from zero. Built with SHORT_FILE, the host feeds a 20-byte file
 * ("0123456789abcdefghij", tests/guests/CMakeLists.txt): 16 bytes come, then
 * the last 4, then nothing: the third request is never answered (virtio 1.2
 * 5.4.6.1: a used buffer holds at least one random byte; rivet never makes
 * up bytes when its source ran out).
 */
#include "virtio.h"

static struct vq_mem vq;
static struct vblk dev;
static uint8_t buf[64] __attribute__((aligned(16)));

void m_trap(uint64_t cause, uint64_t epc, uint64_t tval)
{
    puts_uart("unexpected mcause ");
    puthex(cause);
    putc_uart('\n');
    guest_exit(99);
}

/* Offers buf[off, off + len) and returns the used length, or -1 on timeout. */
static int request(unsigned off, uint32_t len)
{
    uint16_t head = (uint16_t)(dev.last_used % VQ_SIZE);
    dev.vq->desc[head] = (struct vq_desc){ (uint64_t)(uintptr_t)(buf + off), len, VRING_DESC_F_WRITE, 0 };
    vblk_submit(&dev, head);
    if (!vblk_wait(&dev))
        return -1;
    return (int)dev.vq->used.ring[(dev.last_used - 1) % VQ_SIZE].len;
}

int main(uint64_t hartid, uint64_t dtb)
{
    CSR_WRITE(mtvec, (uint64_t)m_trap_entry);
    CHECK(1, virtio_find(&dev, VIRTIO_ID_RNG) >= 0);
    CHECK(2, vblk_init(&dev, &vq) == 0);
    memset(buf, 0, sizeof buf);
#if defined(SHORT_FILE)
    static const char file[] = "0123456789abcdefghij";
    CHECK(3, request(0, 16) == 16);
    CHECK(4, request(16, 16) == 4);
    for (unsigned i = 0; i < 20; i++)
        CHECK(5, buf[i] == (uint8_t)file[i]);
    CHECK(6, request(32, 16) == -1); /* no answer within a second */
    for (unsigned i = 32; i < 48; i++)
        CHECK(7, buf[i] == 0);
    puts_uart("virtio-rng: the file ran out, the request waits\n");
#elif defined(FROM_FILE)
    static const char line[] = "/* virtio-rng guest: this first "; /* 32 bytes */
    CHECK(3, request(0, 16) == 16);
    CHECK(4, request(16, 16) == 16);
    for (unsigned i = 0; i < 32; i++)
        CHECK(5, buf[i] == (uint8_t)line[i]);
#else
    CHECK(3, request(0, 32) == 32);
    CHECK(4, request(32, 32) == 32);
    unsigned same = 0, zero = 0;
    for (unsigned i = 0; i < 32; i++) {
        same += buf[i] == buf[32 + i];
        zero += buf[i] == 0;
    }
    CHECK(5, same < 8 && zero < 8);
#endif
    puts_uart("virtio-rng ok, slot ");
    putdec(dev.slot);
    putc_uart('\n');
    guest_exit(0);
    return 0;
}
