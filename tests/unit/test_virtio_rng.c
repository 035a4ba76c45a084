/* virtio-rng over the modern virtio-mmio transport: a hand-made driver
 * offers buffers and checks what comes back, from a counting source. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "devices/virtio_mmio.h"
#include "devices/virtio_rng.h"

#define RAM_BASE UINT64_C(0x80000000)
#define RAM_SIZE (1u << 20)
#define QDESC    (RAM_BASE + 0x1000)
#define QAVAIL   (RAM_BASE + 0x2000)
#define QUSED    (RAM_BASE + 0x3000)
#define BUF      (RAM_BASE + 0x10000)
#define QSIZE    8

struct fix {
    struct bus bus;
    struct virtio_device *dev;
    struct virtio_mmio *t;
    bool level;
    uint16_t avail_idx;
    uint8_t next; /* the source's next byte */
    size_t asked; /* bytes the device took from the source */
    size_t left;  /* bytes the source still has (SIZE_MAX: endless) */
};
static struct fix F;

static size_t count_fill(void *opaque, uint8_t *buf, size_t n)
{
    struct fix *f = opaque;
    if (n > f->left)
        n = f->left;
    for (size_t i = 0; i < n; i++)
        buf[i] = f->next++;
    f->asked += n;
    f->left -= n;
    return n;
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

static void setup(void)
{
    memset(&F, 0, sizeof F);
    F.left = SIZE_MAX;
    ck_assert(bus_init(&F.bus, RAM_BASE, RAM_SIZE));
    F.dev = virtio_rng_create(count_fill, &F);
    ck_assert_ptr_nonnull(F.dev);
    F.t = virtio_mmio_create(&F.bus, (struct irq_line){ irq_cb, &F, 1 }, F.dev, false);
    ck_assert_ptr_nonnull(F.t);
    wreg(VIRTIO_MMIO_STATUS, 0);
    wreg(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
    wreg(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
    wreg(VIRTIO_MMIO_DRIVER_FEATURES, 1); /* VERSION_1 */
    wreg(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK);
    wreg(VIRTIO_MMIO_QUEUE_SEL, 0);
    wreg(VIRTIO_MMIO_QUEUE_NUM, QSIZE);
    wreg(VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)QDESC);
    wreg(VIRTIO_MMIO_QUEUE_DESC_HIGH, (uint32_t)(QDESC >> 32));
    wreg(VIRTIO_MMIO_QUEUE_DRIVER_LOW, (uint32_t)QAVAIL);
    wreg(VIRTIO_MMIO_QUEUE_DEVICE_LOW, (uint32_t)QUSED);
    wreg(VIRTIO_MMIO_QUEUE_READY, 1);
    wreg(VIRTIO_MMIO_STATUS,
         VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_DRIVER_OK);
    memset(ram(BUF), 0xee, 0x4000);
}

static void teardown(void)
{
    virtio_mmio_destroy(F.t);
    virtio_rng_destroy(F.dev);
    bus_destroy(&F.bus);
}

static void desc(unsigned i, uint64_t addr, uint32_t len, uint16_t flags, uint16_t next)
{
    uint64_t d = QDESC + 16u * i;
    put(d, 8, addr), put(d + 8, 4, len), put(d + 12, 2, flags), put(d + 14, 2, next);
}

/* Offers the chain at `head`, kicks, and returns the used length. */
static uint32_t offer(uint16_t head)
{
    put(QAVAIL + 4 + 2u * (F.avail_idx % QSIZE), 2, head);
    put(QAVAIL + 2, 2, ++F.avail_idx);
    wreg(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
    uint16_t idx = (uint16_t)get(QUSED + 2, 2);
    ck_assert_uint_eq(idx, F.avail_idx);
    ck_assert_uint_eq(get(QUSED + 4 + 8u * ((idx - 1) % QSIZE), 4), head);
    return (uint32_t)get(QUSED + 4 + 8u * ((idx - 1) % QSIZE) + 4, 4);
}

START_TEST(identity)
{
    ck_assert_uint_eq(rreg(VIRTIO_MMIO_DEVICE_ID), VIRTIO_ID_RNG);
    wreg(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
    ck_assert_uint_eq(rreg(VIRTIO_MMIO_DEVICE_FEATURES) & 0xffffff, 0); /* no device-specific bits */
    wreg(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
    ck_assert_uint_eq(rreg(VIRTIO_MMIO_DEVICE_FEATURES) & 1, 1); /* VERSION_1 */
    ck_assert_uint_eq(rreg(VIRTIO_MMIO_QUEUE_NUM_MAX), VIRTIO_RNG_QUEUE_MAX);
}
END_TEST

/* The writable bytes of a chain are filled in order, across descriptors;
 * a readable descriptor before them is left alone. */
START_TEST(fills_writable_bytes)
{
    desc(0, BUF, 8, VIRTQ_DESC_F_NEXT, 1);
    desc(1, BUF + 0x100, 10, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 2);
    desc(2, BUF + 0x200, 30, VIRTQ_DESC_F_WRITE, 0);
    ck_assert_uint_eq(offer(0), 40);
    for (unsigned i = 0; i < 8; i++)
        ck_assert_uint_eq(get(BUF + i, 1), 0xee);
    for (unsigned i = 0; i < 10; i++)
        ck_assert_uint_eq(get(BUF + 0x100 + i, 1), i);
    for (unsigned i = 0; i < 30; i++)
        ck_assert_uint_eq(get(BUF + 0x200 + i, 1), 10 + i);
    ck_assert_uint_eq(get(BUF + 0x200 + 30, 1), 0xee);
    ck_assert(F.level);
    ck_assert_uint_eq(rreg(VIRTIO_MMIO_INTERRUPT_STATUS), VIRTIO_ISR_USED_BUFFER);
    /* The next request continues the source. */
    desc(3, BUF + 0x300, 4, VIRTQ_DESC_F_WRITE, 0);
    ck_assert_uint_eq(offer(3), 4);
    ck_assert_uint_eq(get(BUF + 0x300, 1), 40);
}
END_TEST

/* A guest's huge buffer costs the host at most VIRTIO_RNG_MAX_BYTES. */
START_TEST(large_buffer_is_capped)
{
    desc(0, BUF, 3 * VIRTIO_RNG_MAX_BYTES, VIRTQ_DESC_F_WRITE, 0);
    ck_assert_uint_eq(offer(0), VIRTIO_RNG_MAX_BYTES);
    ck_assert_uint_eq(F.asked, VIRTIO_RNG_MAX_BYTES);
    ck_assert_uint_eq(get(BUF + VIRTIO_RNG_MAX_BYTES - 1, 1), (VIRTIO_RNG_MAX_BYTES - 1) & 0xff);
    ck_assert_uint_eq(get(BUF + VIRTIO_RNG_MAX_BYTES, 1), 0xee);
}
END_TEST

/* Nothing writable: the chain comes back with 0 bytes and the source is
 * not asked. */
START_TEST(read_only_chain_gets_nothing)
{
    desc(0, BUF, 64, 0, 0);
    ck_assert_uint_eq(offer(0), 0);
    ck_assert_uint_eq(F.asked, 0);
    ck_assert_uint_eq(get(BUF, 1), 0xee);
    ck_assert_uint_eq(rreg(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_NEEDS_RESET, 0);
}
END_TEST

/* A source that runs out never hands the guest anything else: a request
 * gets what is left, the next one waits, unanswered, until the source has
 * bytes again and the driver notifies (virtio 1.2 5.4.6.1: a used buffer
 * holds at least one random byte). */
START_TEST(exhausted_source_keeps_the_request)
{
    F.left = 6;
    desc(0, BUF, 4, VIRTQ_DESC_F_WRITE, 0);
    ck_assert_uint_eq(offer(0), 4);
    desc(1, BUF + 0x100, 4, VIRTQ_DESC_F_WRITE, 0);
    ck_assert_uint_eq(offer(1), 2); /* the last two bytes */
    ck_assert_uint_eq(get(BUF + 0x100 + 1, 1), 5);
    ck_assert_uint_eq(get(BUF + 0x100 + 2, 1), 0xee);
    desc(2, BUF + 0x200, 4, VIRTQ_DESC_F_WRITE, 0);
    put(QAVAIL + 4 + 2u * (F.avail_idx % QSIZE), 2, 2);
    put(QAVAIL + 2, 2, ++F.avail_idx);
    wreg(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
    ck_assert_uint_eq(get(QUSED + 2, 2), 2); /* not answered */
    wreg(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
    ck_assert_uint_eq(get(QUSED + 2, 2), 2);
    ck_assert_uint_eq(get(BUF + 0x200, 1), 0xee);
    F.left = 1; /* the source has a byte again: the held request gets it */
    wreg(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
    ck_assert_uint_eq(get(QUSED + 2, 2), 3);
    ck_assert_uint_eq(get(QUSED + 4 + 8u * 2 + 4, 4), 1);
    ck_assert_uint_eq(get(BUF + 0x200, 1), 6);
    ck_assert_uint_eq(rreg(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_NEEDS_RESET, 0);
}
END_TEST

/* A chain pointing outside RAM is the driver's fault: NEEDS_RESET, and the
 * source is never asked. */
START_TEST(bad_chain_needs_reset)
{
    desc(0, 0x1000, 64, VIRTQ_DESC_F_WRITE, 0);
    put(QAVAIL + 4, 2, 0);
    put(QAVAIL + 2, 2, ++F.avail_idx);
    wreg(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
    ck_assert_uint_eq(F.asked, 0);
    ck_assert(rreg(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_NEEDS_RESET);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("virtio_rng");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, identity);
    tcase_add_test(tc, fills_writable_bytes);
    tcase_add_test(tc, large_buffer_is_capped);
    tcase_add_test(tc, read_only_chain_gets_nothing);
    tcase_add_test(tc, bad_chain_needs_reset);
    tcase_add_test(tc, exhausted_source_keeps_the_request);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
