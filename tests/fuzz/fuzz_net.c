/*
 * Fuzz target: the guest's frames through the real virtio-net card, the
 * real frame filter (machine/host/net_filter.h) and the real libslirp, all in
 * this process (machine/host/net.h without a helper), with restrict=on and no
 * hostfwd, so slirp opens no socket to the outside. slirp's answers go back
 * into the card's receive buffers. A crash, sanitizer report, leak or hang
 * anywhere on that path fails.
 *
 * The driver side is fixed: the modern transport, VERSION_1 only, queue 0
 * (receive) with NET_RX_BUFS buffers of 2 KiB posted, queue 1 (transmit).
 * An input: an options byte (bit 0: each frame in two descriptors, header
 * then data), then operations (first byte modulo NOP_COUNT, little-endian
 * fields; an input that ends early reads zeros):
 *   NOP_FRAME   u16 length (modulo VIRTIO_NET_MAX_FRAME + 1), that many
 *               bytes: a frame the guest transmits, after a zeroed header
 *   NOP_TICK    u8 seconds: the filter's clock moves on (fragment timeouts)
 *   NOP_SERVICE slirp's timers and sockets get a turn (no real poll)
 *   NOP_RXPOST  the receive buffers are offered again
 * The checked-in corpus is replayed by CTest (fuzz.fuzz_net).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices/virtio_mmio.h"
#include "devices/virtio_net.h"
#include "fuzz_board.h"
#include "machine/host/net.h"

enum { NOP_FRAME, NOP_TICK, NOP_SERVICE, NOP_RXPOST, NOP_COUNT };

#define N_RAM_SIZE  (128u << 10)
#define N_QSIZE     16
#define NET_RX_BUFS N_QSIZE
#define N_DESC(q)   (RIVET_RAM_BASE + 0x1000u * (1 + 3 * (q)))
#define N_AVAIL(q)  (N_DESC(q) + 0x1000u)
#define N_USED(q)   (N_DESC(q) + 0x2000u)
#define N_RXBUF     (RIVET_RAM_BASE + 0x8000u) /* NET_RX_BUFS x 2 KiB */
#define N_TXBUF     (RIVET_RAM_BASE + 0x10000u)
#define N_BUF       2048u
#define N_MAX_OPS   256

static uint64_t fake_now;
static uint64_t fake_clock(void) { return fake_now; }

struct nfuzz {
    struct bus bus;
    struct virtio_mmio *t;
    uint16_t avail[2];
};

static void no_irq(void *ctrl, unsigned src, bool level) {}

static void wreg(struct nfuzz *f, unsigned reg, uint32_t v) { virtio_mmio_write(f->t, reg, 4, v); }

static void put(struct nfuzz *f, uint64_t pa, unsigned size, uint64_t v)
{
    uint8_t le[8];
    store_le(le, size, v);
    bus_dma_write(&f->bus, pa, le, size);
}

static void desc(struct nfuzz *f, unsigned q, unsigned i, uint64_t addr, uint32_t len, uint16_t flags, uint16_t next)
{
    uint64_t d = N_DESC(q) + 16u * i;
    put(f, d, 8, addr), put(f, d + 8, 4, len), put(f, d + 12, 2, flags), put(f, d + 14, 2, next);
}

static void offer(struct nfuzz *f, unsigned q, uint16_t head)
{
    put(f, N_AVAIL(q) + 4 + 2u * (f->avail[q] % N_QSIZE), 2, head);
    put(f, N_AVAIL(q) + 2, 2, ++f->avail[q]);
}

static void bring_up(struct nfuzz *f)
{
    uint32_t st = VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER;
    wreg(f, VIRTIO_MMIO_STATUS, 0);
    wreg(f, VIRTIO_MMIO_STATUS, st);
    wreg(f, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
    wreg(f, VIRTIO_MMIO_DRIVER_FEATURES, 1); /* VERSION_1 */
    wreg(f, VIRTIO_MMIO_STATUS, st |= VIRTIO_STATUS_FEATURES_OK);
    for (unsigned q = 0; q < 2; q++) {
        wreg(f, VIRTIO_MMIO_QUEUE_SEL, q);
        wreg(f, VIRTIO_MMIO_QUEUE_NUM, N_QSIZE);
        wreg(f, VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)N_DESC(q));
        wreg(f, VIRTIO_MMIO_QUEUE_DRIVER_LOW, (uint32_t)N_AVAIL(q));
        wreg(f, VIRTIO_MMIO_QUEUE_DEVICE_LOW, (uint32_t)N_USED(q));
        wreg(f, VIRTIO_MMIO_QUEUE_READY, 1);
    }
    wreg(f, VIRTIO_MMIO_STATUS, st | VIRTIO_STATUS_DRIVER_OK);
}

static void post_rx(struct nfuzz *f)
{
    for (unsigned i = 0; i < NET_RX_BUFS; i++) {
        desc(f, 0, i, N_RXBUF + (uint64_t)i * N_BUF, N_BUF, VIRTQ_DESC_F_WRITE, 0);
        offer(f, 0, (uint16_t)i);
    }
    wreg(f, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
}

/* A frame from the input: a zeroed header, the bytes, one or two descriptors. */
static void transmit(struct nfuzz *f, struct fuzz_in *in, bool split)
{
    size_t len = (size_t)fuzz_take(in, 2) % (VIRTIO_NET_MAX_FRAME + 1);
    if (len > in->left)
        len = in->left;
    static const uint8_t hdr[VIRTIO_NET_HDR_BYTES];
    bus_dma_write(&f->bus, N_TXBUF, hdr, sizeof hdr);
    bus_dma_write(&f->bus, N_TXBUF + sizeof hdr, in->p, len);
    in->p += len, in->left -= len;
    if (split) {
        desc(f, 1, 0, N_TXBUF, sizeof hdr, VIRTQ_DESC_F_NEXT, 1);
        desc(f, 1, 1, N_TXBUF + sizeof hdr, (uint32_t)len, 0, 0);
    } else {
        desc(f, 1, 0, N_TXBUF, (uint32_t)(sizeof hdr + len), 0, 0);
    }
    offer(f, 1, 0);
    wreg(f, VIRTIO_MMIO_QUEUE_NOTIFY, 1);
}

static void service(struct net *n)
{
    struct pollfd fds[64];
    uint64_t timeout = 0;
    unsigned k = net_pollfds(n, fds, 64, &timeout);
    for (unsigned i = 0; i < k; i++)
        fds[i].revents = 0; /* nothing ready: timers only, never a real poll */
    net_dispatch(n, fds, k, false);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fuzz_in in = { data, size };
    unsigned opts = (unsigned)fuzz_take(&in, 1);
    static struct nfuzz f;
    memset(&f, 0, sizeof f);
    fake_now = 0;
    char err[RIVET_ERR_LEN];
    struct net_config nc = { .restrict_guest = true, .clock_ns = fake_clock };
    struct net *n = net_create(&nc, err, sizeof err);
    static const uint8_t mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
    struct virtio_device *dev = n ? virtio_net_create(mac, net_send, n) : NULL;
    if (!dev || !bus_init(&f.bus, RIVET_RAM_BASE, N_RAM_SIZE) ||
        !(f.t = virtio_mmio_create(&f.bus, (struct irq_line){ no_irq, NULL, 1 }, dev, false))) {
        fprintf(stderr, "fuzz_net: cannot make the card and network: %s\n", n ? "out of memory" : err);
        exit(2);
    }
    net_attach(n, dev);
    bring_up(&f);
    post_rx(&f);
    for (unsigned op = 0; in.left && op < N_MAX_OPS; op++) {
        switch (fuzz_take(&in, 1) % NOP_COUNT) {
        case NOP_FRAME: transmit(&f, &in, opts & 1); break;
        case NOP_TICK: fake_now += fuzz_take(&in, 1) * 1000000000ull; break;
        case NOP_SERVICE: service(n); break;
        default: post_rx(&f); break;
        }
    }
    virtio_mmio_destroy(f.t);
    net_destroy(n);
    virtio_net_destroy(dev);
    bus_destroy(&f.bus);
    return 0;
}
