/*
 * Fuzz target: one virtio device model on its virtio-mmio transport, with
 * no hart in between, so each input runs in microseconds and reaches the
 * device's corners fast. The device is virtio-net (its backend captures
 * what the guest sends and, now and then, answers inside the send, as
 * user-mode networking does), virtio-rng or virtio-blk, by the options
 * byte; the transport is modern or legacy.
 *
 * An input: an options byte, then operations (first byte modulo VOP_COUNT,
 * little-endian fields; an input that ends early reads zeros):
 *   VOP_RAM     u16 offset, u8 length, bytes: stored at RAM + offset
 *   VOP_STORE   u16 offset, u8 size, u32 value: a transport register store
 *   VOP_LOAD    u16 offset, u8 size: a transport register load
 *   VOP_QUEUE   u8 queue, u8 size, u16 desc, u16 avail, u16 used, u32 features:
 *               the modern bring-up of one queue (fuzz_board.h, fuzz_queue_bringup)
 *   VOP_NOTIFY  u8 queue
 *   VOP_FRAME   u16 length, u8 seed: a frame from the network (virtio-net)
 * Failing is crashing: ASan, UBSan, a leak, a hang.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "devices/blockdev.h"
#include "devices/virtio_blk.h"
#include "devices/virtio_mmio.h"
#include "devices/virtio_net.h"
#include "devices/virtio_rng.h"
#include "fuzz_board.h"

enum { VOP_RAM, VOP_STORE, VOP_LOAD, VOP_QUEUE, VOP_NOTIFY, VOP_FRAME, VOP_COUNT };

#define V_RAM_BASE RIVET_RAM_BASE
#define V_RAM_SIZE (128u << 10)
#define V_MAX_OPS  512

struct vfuzz {
    struct bus bus;
    struct virtio_device *dev;
    unsigned sent;
    uint8_t seed;
};

static void no_irq(void *ctrl, unsigned src, bool level) {}

/* virtio-net's backend: every third frame gets an immediate answer, the
 * way slirp answers an ARP request inside slirp_input. */
static void net_send(void *opaque, const uint8_t *frame, size_t len)
{
    struct vfuzz *v = opaque;
    if (++v->sent % 3 == 0)
        virtio_net_receive(v->dev, frame, len < 60 ? len : 60);
}

/* Now and then the source has nothing (a file at its end), so the
 * device's held request is fuzzed too. */
static size_t rng_fill(void *opaque, uint8_t *buf, size_t n)
{
    struct vfuzz *v = opaque;
    if ((v->seed++ & 7) == 7)
        return 0;
    for (size_t i = 0; i < n; i++)
        buf[i] = v->seed++;
    return n;
}

static void wreg(struct virtio_mmio *t, unsigned reg, uint32_t v) { virtio_mmio_write(t, reg, 4, v); }
static void transport_store(void *t, unsigned reg, uint32_t v) { wreg(t, reg, v); }

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fuzz_in in = { data, size };
    unsigned opts = (unsigned)fuzz_take(&in, 1);
    static struct vfuzz v;
    memset(&v, 0, sizeof v);
    if (!bus_init(&v.bus, V_RAM_BASE, V_RAM_SIZE)) {
        perror("fuzz_virtio: RAM");
        exit(2);
    }
    static const uint8_t mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
    struct blockdev *bd = NULL;
    char err[RIVET_ERR_LEN];
    switch (opts % 3) {
    case 0: v.dev = virtio_net_create(mac, net_send, &v); break;
    case 1: v.dev = virtio_rng_create(rng_fill, &v); break;
    default:
        bd = blockdev_open(fuzz_disk(), false, true, err, sizeof err);
        v.dev = bd ? virtio_blk_create(bd, "fuzz") : NULL;
        break;
    }
    struct virtio_mmio *t =
        v.dev ? virtio_mmio_create(&v.bus, (struct irq_line){ no_irq, NULL, 1 }, v.dev, (opts & 4) != 0) : NULL;
    if (!t) {
        fprintf(stderr, "fuzz_virtio: cannot make the device\n");
        exit(2);
    }
    static uint8_t frame[VIRTIO_NET_MAX_FRAME + 8];
    for (unsigned op = 0; in.left && op < V_MAX_OPS; op++) {
        switch (fuzz_take(&in, 1) % VOP_COUNT) {
        case VOP_RAM: fuzz_bus_store(&v.bus, &in); break;
        case VOP_STORE: {
            uint64_t off = fuzz_take(&in, 2) % 0x200;
            unsigned sz = 1u << (fuzz_take(&in, 1) % 3);
            virtio_mmio_write(t, off & ~(uint64_t)(sz - 1), sz, fuzz_take(&in, 4));
            break;
        }
        case VOP_LOAD: {
            uint64_t off = fuzz_take(&in, 2) % 0x200, val;
            unsigned sz = 1u << (fuzz_take(&in, 1) % 3);
            virtio_mmio_read(t, off & ~(uint64_t)(sz - 1), sz, &val);
            break;
        }
        case VOP_QUEUE: fuzz_queue_bringup(transport_store, t, &in); break;
        case VOP_NOTIFY: wreg(t, VIRTIO_MMIO_QUEUE_NOTIFY, (uint32_t)fuzz_take(&in, 1)); break;
        default: {
            size_t len = (size_t)fuzz_take(&in, 2) % sizeof frame;
            uint8_t seed = (uint8_t)fuzz_take(&in, 1);
            for (size_t i = 0; i < len; i++)
                frame[i] = (uint8_t)(seed + i);
            if (opts % 3 == 0)
                virtio_net_receive(v.dev, frame, len);
            break;
        }
        }
    }
    virtio_mmio_destroy(t);
    switch (opts % 3) {
    case 0: virtio_net_destroy(v.dev); break;
    case 1: virtio_rng_destroy(v.dev); break;
    default: virtio_blk_destroy(v.dev), blockdev_close(bd); break;
    }
    bus_destroy(&v.bus);
    return 0;
}
