/* virtio-net over the modern virtio-mmio transport: a hand-made driver
 * sends frames (captured by a test backend) and posts receive buffers for
 * frames the test injects, as Linux's virtio_net does without offloads. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "devices/virtio_mmio.h"
#include "devices/virtio_net.h"

#define RAM_BASE UINT64_C(0x80000000)
#define RAM_SIZE (1u << 20)
#define QSIZE    8
#define RXQ      (RAM_BASE + 0x1000) /* desc, avail at +0x400, used at +0x800 */
#define TXQ      (RAM_BASE + 0x2000)
#define RXBUF    (RAM_BASE + 0x10000) /* buffer i at + i * 0x800 */
#define TXBUF    (RAM_BASE + 0x20000)

struct fix {
    struct bus bus;
    struct virtio_device *dev;
    struct virtio_mmio *t;
    bool level;
    uint16_t avail[2];
    unsigned sent;
    size_t sent_len;
    uint8_t sent_frame[2048];
};
static struct fix F;

static void capture(void *opaque, const uint8_t *frame, size_t len)
{
    struct fix *f = opaque;
    f->sent++;
    f->sent_len = len;
    memcpy(f->sent_frame, frame, len < sizeof f->sent_frame ? len : sizeof f->sent_frame);
}

static void irq_cb(void *ctrl, unsigned src, bool level) { ((struct fix *)ctrl)->level = level; }
static uint8_t *ram(uint64_t pa) { return bus_ram_ptr(&F.bus, pa, 1); }
static void put(uint64_t pa, unsigned size, uint64_t v) { store_le(ram(pa), size, v); }
static uint64_t get(uint64_t pa, unsigned size) { return load_le(ram(pa), size); }
static uint32_t rreg(uint64_t off)
{
    uint64_t v = 0;
    ck_assert_int_eq(virtio_mmio_read(F.t, off, 4, &v), BUS_OK);
    return (uint32_t)v;
}
static void wreg(uint64_t off, uint32_t v) { ck_assert_int_eq(virtio_mmio_write(F.t, off, 4, v), BUS_OK); }

static void queue(unsigned q, uint64_t base)
{
    wreg(VIRTIO_MMIO_QUEUE_SEL, q);
    wreg(VIRTIO_MMIO_QUEUE_NUM, QSIZE);
    wreg(VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)base);
    wreg(VIRTIO_MMIO_QUEUE_DESC_HIGH, (uint32_t)(base >> 32));
    wreg(VIRTIO_MMIO_QUEUE_DRIVER_LOW, (uint32_t)(base + 0x400));
    wreg(VIRTIO_MMIO_QUEUE_DEVICE_LOW, (uint32_t)(base + 0x800));
    wreg(VIRTIO_MMIO_QUEUE_READY, 1);
}

static void setup(void)
{
    memset(&F, 0, sizeof F);
    ck_assert(bus_init(&F.bus, RAM_BASE, RAM_SIZE));
    static const uint8_t mac[6] = { 0x52, 0x54, 0x00, 0xab, 0xcd, 0xef };
    F.dev = virtio_net_create(mac, capture, &F);
    ck_assert_ptr_nonnull(F.dev);
    F.t = virtio_mmio_create(&F.bus, (struct irq_line){ irq_cb, &F, 1 }, F.dev, false);
    ck_assert_ptr_nonnull(F.t);
    wreg(VIRTIO_MMIO_STATUS, 0);
    wreg(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
    wreg(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
    wreg(VIRTIO_MMIO_DRIVER_FEATURES, 1u << VIRTIO_NET_F_MAC | 1u << VIRTIO_NET_F_STATUS);
    wreg(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
    wreg(VIRTIO_MMIO_DRIVER_FEATURES, 1); /* VERSION_1 */
    wreg(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK);
    queue(0, RXQ);
    queue(1, TXQ);
    wreg(VIRTIO_MMIO_STATUS,
         VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_DRIVER_OK);
}

static void teardown(void)
{
    virtio_mmio_destroy(F.t);
    virtio_net_destroy(F.dev);
    bus_destroy(&F.bus);
}

static void desc(uint64_t qbase, unsigned i, uint64_t addr, uint32_t len, uint16_t flags, uint16_t next)
{
    uint64_t d = qbase + 16u * i;
    put(d, 8, addr), put(d + 8, 4, len), put(d + 12, 2, flags), put(d + 14, 2, next);
}

/* Makes `head` available on queue q (0 rx, 1 tx) and notifies. */
static void offer(unsigned q, uint16_t head)
{
    uint64_t base = q ? TXQ : RXQ;
    put(base + 0x400 + 4 + 2u * (F.avail[q] % QSIZE), 2, head);
    put(base + 0x400 + 2, 2, ++F.avail[q]);
    wreg(VIRTIO_MMIO_QUEUE_NOTIFY, q);
}

static uint16_t used_idx(unsigned q) { return (uint16_t)get((q ? TXQ : RXQ) + 0x800 + 2, 2); }
static uint32_t used_len(unsigned q, unsigned k) { return (uint32_t)get((q ? TXQ : RXQ) + 0x800 + 4 + 8u * k + 4, 4); }

static void frame(uint8_t *f, size_t len, uint8_t seed)
{
    for (size_t i = 0; i < len; i++)
        f[i] = (uint8_t)(seed + i * 3);
}

START_TEST(identity_and_config)
{
    ck_assert_uint_eq(rreg(VIRTIO_MMIO_DEVICE_ID), VIRTIO_ID_NET);
    wreg(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
    ck_assert_uint_eq(rreg(VIRTIO_MMIO_DEVICE_FEATURES), 1u << VIRTIO_NET_F_MAC | 1u << VIRTIO_NET_F_STATUS |
                                                             1u << VIRTIO_F_INDIRECT_DESC | 1u << VIRTIO_F_EVENT_IDX);
    uint64_t v;
    ck_assert_int_eq(virtio_mmio_read(F.t, VIRTIO_MMIO_CONFIG + 3, 1, &v), BUS_OK);
    ck_assert_uint_eq(v, 0xab);
    ck_assert_int_eq(virtio_mmio_read(F.t, VIRTIO_MMIO_CONFIG + VIRTIO_NET_CFG_STATUS, 2, &v), BUS_OK);
    ck_assert_uint_eq(v, VIRTIO_NET_S_LINK_UP);
}
END_TEST

/* A frame split over header and data descriptors reaches the backend
 * without the 12-byte header. */
START_TEST(transmit)
{
    uint8_t f[60];
    frame(f, sizeof f, 7);
    memset(ram(TXBUF), 0x5a, VIRTIO_NET_HDR_BYTES);
    memcpy(ram(TXBUF + 0x100), f, sizeof f);
    desc(TXQ, 0, TXBUF, VIRTIO_NET_HDR_BYTES, VIRTQ_DESC_F_NEXT, 1);
    desc(TXQ, 1, TXBUF + 0x100, sizeof f, 0, 0);
    offer(1, 0);
    ck_assert_uint_eq(F.sent, 1);
    ck_assert_uint_eq(F.sent_len, sizeof f);
    ck_assert_int_eq(memcmp(F.sent_frame, f, sizeof f), 0);
    ck_assert_uint_eq(used_idx(1), 1);
    ck_assert_uint_eq(used_len(1, 0), 0);
    /* Header only, and more than a frame: dropped, but returned. */
    desc(TXQ, 2, TXBUF, VIRTIO_NET_HDR_BYTES, 0, 0);
    offer(1, 2);
    desc(TXQ, 3, TXBUF, VIRTIO_NET_HDR_BYTES + VIRTIO_NET_MAX_FRAME + 1, 0, 0);
    offer(1, 3);
    ck_assert_uint_eq(F.sent, 1);
    ck_assert_uint_eq(used_idx(1), 3);
}
END_TEST

/* A received frame lands after a zeroed header with num_buffers 1. */
START_TEST(receive)
{
    desc(RXQ, 0, RXBUF, 0x800, VIRTQ_DESC_F_WRITE, 0);
    offer(0, 0);
    uint8_t f[100];
    frame(f, sizeof f, 1);
    memset(ram(RXBUF), 0xee, 0x800);
    ck_assert(virtio_net_receive(F.dev, f, sizeof f));
    ck_assert_uint_eq(used_idx(0), 1);
    ck_assert_uint_eq(used_len(0, 0), VIRTIO_NET_HDR_BYTES + sizeof f);
    for (unsigned i = 0; i < 10; i++)
        ck_assert_uint_eq(get(RXBUF + i, 1), 0);
    ck_assert_uint_eq(get(RXBUF + 10, 2), 1);
    ck_assert_int_eq(memcmp(ram(RXBUF + VIRTIO_NET_HDR_BYTES), f, sizeof f), 0);
    ck_assert_uint_eq(get(RXBUF + VIRTIO_NET_HDR_BYTES + sizeof f, 1), 0xee);
    ck_assert(F.level);
}
END_TEST

/* Frames that come before any buffer wait in the backlog, in order, and go
 * out when the driver posts buffers; beyond the backlog they are dropped. */
START_TEST(backlog_until_buffers)
{
    uint8_t f[64];
    for (unsigned k = 0; k < VIRTIO_NET_BACKLOG; k++) {
        frame(f, sizeof f, (uint8_t)k);
        ck_assert(virtio_net_receive(F.dev, f, sizeof f));
    }
    ck_assert(!virtio_net_receive(F.dev, f, sizeof f)); /* full */
    ck_assert_uint_eq(used_idx(0), 0);
    for (unsigned i = 0; i < 3; i++)
        desc(RXQ, i, RXBUF + i * 0x800, 0x800, VIRTQ_DESC_F_WRITE, 0);
    put(RXQ + 0x400 + 4, 2, 0), put(RXQ + 0x400 + 6, 2, 1), put(RXQ + 0x400 + 8, 2, 2);
    F.avail[0] = 3;
    put(RXQ + 0x400 + 2, 2, 3);
    wreg(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
    ck_assert_uint_eq(used_idx(0), 3);
    for (unsigned i = 0; i < 3; i++) {
        frame(f, sizeof f, (uint8_t)i);
        ck_assert_int_eq(memcmp(ram(RXBUF + i * 0x800 + VIRTIO_NET_HDR_BYTES), f, sizeof f), 0);
    }
    /* A reset forgets the rest. */
    wreg(VIRTIO_MMIO_STATUS, 0);
    ck_assert(virtio_net_receive(F.dev, f, sizeof f));
}
END_TEST

/* A buffer too small for header and frame is returned empty; an oversized
 * frame is refused. */
START_TEST(short_buffer_and_long_frame)
{
    desc(RXQ, 0, RXBUF, 40, VIRTQ_DESC_F_WRITE, 0);
    offer(0, 0);
    uint8_t f[VIRTIO_NET_MAX_FRAME + 1];
    frame(f, sizeof f, 9);
    ck_assert(!virtio_net_receive(F.dev, f, sizeof f));
    ck_assert_uint_eq(used_idx(0), 0);
    ck_assert(virtio_net_receive(F.dev, f, 60));
    ck_assert_uint_eq(used_idx(0), 1);
    ck_assert_uint_eq(used_len(0, 0), 0);
    ck_assert_uint_eq(rreg(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_NEEDS_RESET, 0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("virtio_net");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, identity_and_config);
    tcase_add_test(tc, transmit);
    tcase_add_test(tc, receive);
    tcase_add_test(tc, backlog_until_buffers);
    tcase_add_test(tc, short_buffer_and_long_frame);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
