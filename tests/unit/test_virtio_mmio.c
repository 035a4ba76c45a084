/* The virtio-mmio transport and split virtqueues: identification, feature
 * negotiation, modern and legacy queue layouts, indirect descriptors,
 * EVENT_IDX, and malformed rings ending in NEEDS_RESET. virtio-blk serves as
 * the device. */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "devices/blockdev.h"
#include "devices/virtio_blk.h"
#include "devices/virtio_mmio.h"

#define RAM_BASE  UINT64_C(0x80000000)
#define RAM_SIZE  (1u << 20)
#define QDESC     (RAM_BASE + 0x1000)
#define QAVAIL    (RAM_BASE + 0x2000)
#define QUSED     (RAM_BASE + 0x3000)
#define HDR       (RAM_BASE + 0x8000)
#define STATUS    (RAM_BASE + 0x8100)
#define ITABLE    (RAM_BASE + 0x9000)
#define DATA      (RAM_BASE + 0x10000)
#define QSIZE     16
#define IMG_BYTES (64 * 1024)
#define F_VER1    VIRTIO_F_BIT(VIRTIO_F_VERSION_1)
#define F_INDIR   VIRTIO_F_BIT(VIRTIO_F_INDIRECT_DESC)
#define F_EVIDX   VIRTIO_F_BIT(VIRTIO_F_EVENT_IDX)

static struct {
    struct bus bus;
    struct blockdev *bd;
    struct virtio_device *dev;
    struct virtio_mmio *t;
    bool level;
    uint16_t avail_idx;
    uint64_t used; /* where the used ring is (legacy puts it elsewhere) */
    char path[64];
} F;

static uint8_t pattern(uint64_t off) { return (uint8_t)(off * 131 + (off >> 9)); }
static void irq_cb(void *ctrl, unsigned src, bool level) { F.level = level; }
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
static bool needs_reset(void) { return rreg(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_NEEDS_RESET; }

static void new_transport(bool legacy)
{
    virtio_mmio_destroy(F.t);
    struct irq_line irq = { irq_cb, &F, 1 };
    F.t = virtio_mmio_create(&F.bus, irq, F.dev, legacy);
    ck_assert_ptr_nonnull(F.t);
    F.avail_idx = 0;
    F.used = QUSED;
}

static void setup(void)
{
    memset(&F, 0, sizeof(F));
    ck_assert(bus_init(&F.bus, RAM_BASE, RAM_SIZE));
    strcpy(F.path, "/tmp/rivet_vmmio_XXXXXX");
    int fd = mkstemp(F.path);
    ck_assert_int_ge(fd, 0);
    static uint8_t img[IMG_BYTES];
    for (unsigned i = 0; i < IMG_BYTES; i++)
        img[i] = pattern(i);
    ck_assert_int_eq(write(fd, img, IMG_BYTES), IMG_BYTES);
    close(fd);
    char err[256];
    F.bd = blockdev_open(F.path, false, false, err, sizeof(err));
    ck_assert_ptr_nonnull(F.bd);
    F.dev = virtio_blk_create(F.bd, "id");
    new_transport(false);
}

static void teardown(void)
{
    virtio_mmio_destroy(F.t);
    virtio_blk_destroy(F.dev);
    blockdev_close(F.bd);
    unlink(F.path);
    bus_destroy(&F.bus);
}

/* Modern driver start-up with the given features (section 3.1.1). */
static bool modern_init(uint64_t features)
{
    wreg(VIRTIO_MMIO_STATUS, 0);
    wreg(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
    wreg(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
    wreg(VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)features);
    wreg(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
    wreg(VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)(features >> 32));
    wreg(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK);
    if (!(rreg(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_FEATURES_OK))
        return false;
    wreg(VIRTIO_MMIO_QUEUE_SEL, 0);
    wreg(VIRTIO_MMIO_QUEUE_NUM, QSIZE);
    wreg(VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)QDESC);
    wreg(VIRTIO_MMIO_QUEUE_DRIVER_LOW, (uint32_t)QAVAIL);
    wreg(VIRTIO_MMIO_QUEUE_DEVICE_LOW, (uint32_t)QUSED);
    wreg(VIRTIO_MMIO_QUEUE_READY, 1);
    wreg(VIRTIO_MMIO_STATUS,
         VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_DRIVER_OK);
    return true;
}

static void desc_at(uint64_t table, unsigned i, uint64_t addr, uint32_t len, uint16_t flags, uint16_t next)
{
    uint64_t d = table + 16u * i;
    put(d, 8, addr), put(d + 8, 4, len), put(d + 12, 2, flags), put(d + 14, 2, next);
}
static void desc(unsigned i, uint64_t addr, uint32_t len, uint16_t flags, uint16_t next)
{
    desc_at(QDESC, i, addr, len, flags, next);
}

static void kick(uint16_t head)
{
    put(QAVAIL + 4 + 2u * (F.avail_idx % QSIZE), 2, head);
    put(QAVAIL + 2, 2, ++F.avail_idx);
    wreg(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
}

/* Builds a one-sector read of `sector` in descriptors head.. of `table`. */
static void read_chain(uint64_t table, unsigned head, uint64_t sector)
{
    put(HDR, 4, VIRTIO_BLK_T_IN), put(HDR + 4, 4, 0), put(HDR + 8, 8, sector);
    put(STATUS, 1, 0xff);
    memset(ram(DATA), 0, 512);
    desc_at(table, head, HDR, 16, VIRTQ_DESC_F_NEXT, (uint16_t)(head + 1));
    desc_at(table, head + 1, DATA, 512, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, (uint16_t)(head + 2));
    desc_at(table, head + 2, STATUS, 1, VIRTQ_DESC_F_WRITE, 0);
}

static bool sector_arrived(uint64_t sector)
{
    if (get(STATUS, 1) != VIRTIO_BLK_S_OK)
        return false;
    for (unsigned i = 0; i < 512; i++)
        if (get(DATA + i, 1) != pattern(sector * 512 + i))
            return false;
    return true;
}

START_TEST(identification)
{
    ck_assert_uint_eq(rreg(VIRTIO_MMIO_MAGIC_VALUE), 0x74726976);
    ck_assert_uint_eq(rreg(VIRTIO_MMIO_VERSION), 2);
    ck_assert_uint_eq(rreg(VIRTIO_MMIO_VENDOR_ID), 0x554d4551);
    ck_assert_uint_eq(rreg(VIRTIO_MMIO_DEVICE_ID), VIRTIO_ID_BLOCK);
    struct mmio_region r = virtio_mmio_region(F.t, 0x10001000, 0x1000);
    ck_assert_uint_eq(r.base, 0x10001000);
    ck_assert_ptr_eq(r.opaque, F.t);
    ck_assert(bus_add_region(&F.bus, &r));
    uint64_t v = 0;
    ck_assert_int_eq(bus_read(&F.bus, 0x10001000 + VIRTIO_MMIO_VERSION, 4, &v), BUS_OK);
    ck_assert_uint_eq(v, 2);
    /* Registers want 32-bit accesses; others read 0. */
    ck_assert_int_eq(virtio_mmio_read(F.t, VIRTIO_MMIO_MAGIC_VALUE, 2, &v), BUS_OK);
    ck_assert_uint_eq(v, 0);
    /* Config space bytes one at a time: capacity = 128 sectors. */
    ck_assert_int_eq(virtio_mmio_read(F.t, VIRTIO_MMIO_CONFIG, 1, &v), BUS_OK);
    ck_assert_uint_eq(v, IMG_BYTES / 512);
    ck_assert_int_eq(virtio_mmio_read(F.t, VIRTIO_MMIO_CONFIG + 0xf00, 4, &v), BUS_OK);
    ck_assert_uint_eq(v, 0);
}
END_TEST

/* force-legacy gives version 1, except to a device with no legacy
 * interface (virtio-input), which stays version 2 with VERSION_1 offered. */
START_TEST(modern_only_stays_version_2)
{
    new_transport(true);
    ck_assert_uint_eq(rreg(VIRTIO_MMIO_VERSION), 1);
    F.dev->modern_only = true;
    new_transport(true);
    ck_assert_uint_eq(rreg(VIRTIO_MMIO_VERSION), 2);
    wreg(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
    ck_assert_uint_eq(rreg(VIRTIO_MMIO_DEVICE_FEATURES) & 1, 1); /* bit 32: VERSION_1 */
    F.dev->modern_only = false;
}
END_TEST

START_TEST(empty_slot)
{
    virtio_mmio_destroy(F.t);
    struct irq_line irq = { irq_cb, &F, 1 };
    F.t = virtio_mmio_create(&F.bus, irq, NULL, false);
    ck_assert_uint_eq(rreg(VIRTIO_MMIO_MAGIC_VALUE), VIRTIO_MMIO_MAGIC);
    ck_assert_uint_eq(rreg(VIRTIO_MMIO_DEVICE_ID), 0);
    wreg(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE);
    wreg(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
    ck_assert_uint_eq(rreg(VIRTIO_MMIO_STATUS), 0);
    ck_assert_uint_eq(rreg(VIRTIO_MMIO_QUEUE_NUM_MAX), 0);
}
END_TEST

START_TEST(feature_negotiation)
{
    wreg(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
    ck_assert_uint_eq(rreg(VIRTIO_MMIO_DEVICE_FEATURES) & 1, 1); /* VERSION_1 */
    wreg(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
    uint32_t lo = rreg(VIRTIO_MMIO_DEVICE_FEATURES);
    ck_assert(lo & F_INDIR);
    ck_assert(lo & F_EVIDX);
    ck_assert(!modern_init(F_VER1 | (1u << 3)));       /* a bit not offered */
    ck_assert(modern_init(lo & ~(F_INDIR | F_EVIDX))); /* xv6: low word only */
    read_chain(QDESC, 0, 3);
    kick(0);
    ck_assert(sector_arrived(3));
    ck_assert(modern_init(F_VER1 | F_INDIR));
    /* Legacy: 32-bit features, no VERSION_1. */
    new_transport(true);
    ck_assert_uint_eq(rreg(VIRTIO_MMIO_VERSION), 1);
    wreg(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
    ck_assert_uint_eq(rreg(VIRTIO_MMIO_DEVICE_FEATURES), 0);
    wreg(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
    ck_assert(rreg(VIRTIO_MMIO_DEVICE_FEATURES) & (1u << VIRTIO_BLK_F_FLUSH));
}
END_TEST

START_TEST(modern_read_and_interrupt)
{
    ck_assert(modern_init(F_VER1));
    read_chain(QDESC, 0, 9);
    kick(0);
    ck_assert(sector_arrived(9));
    ck_assert_uint_eq(get(QUSED + 2, 2), 1);
    ck_assert_uint_eq(get(QUSED + 4, 4), 0);   /* id = head */
    ck_assert_uint_eq(get(QUSED + 8, 4), 513); /* bytes written */
    ck_assert(F.level);
    wreg(VIRTIO_MMIO_INTERRUPT_ACK, VIRTIO_ISR_USED_BUFFER);
    ck_assert(!F.level);
    /* NO_INTERRUPT (no EVENT_IDX) suppresses the next one. */
    put(QAVAIL, 2, VIRTQ_AVAIL_F_NO_INTERRUPT);
    read_chain(QDESC, 3, 2);
    kick(3);
    ck_assert(sector_arrived(2));
    ck_assert_uint_eq(get(QUSED + 12, 4), 3);
    ck_assert(!F.level);
    ck_assert_uint_eq(rreg(VIRTIO_MMIO_INTERRUPT_STATUS), 0);
    /* Reset: status 0 clears everything. */
    wreg(VIRTIO_MMIO_STATUS, 0);
    ck_assert_uint_eq(rreg(VIRTIO_MMIO_STATUS), 0);
    ck_assert_uint_eq(rreg(VIRTIO_MMIO_QUEUE_READY), 0);
    ck_assert_uint_eq(rreg(VIRTIO_MMIO_QUEUE_DESC_LOW), 0);
}
END_TEST

/* A machine reset: what status 0 does, also for a device in NEEDS_RESET
 * and with the interrupt raised, and the device works again afterwards. */
START_TEST(machine_reset)
{
    ck_assert(modern_init(F_VER1));
    read_chain(QDESC, 0, 1);
    kick(0);
    ck_assert(F.level);
    put(QAVAIL + 2, 2, (uint16_t)(F.avail_idx + 100)); /* more than the queue holds: broken */
    wreg(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
    ck_assert(needs_reset());
    virtio_mmio_reset(F.t);
    ck_assert(!F.level);
    ck_assert_uint_eq(rreg(VIRTIO_MMIO_STATUS), 0);
    ck_assert_uint_eq(rreg(VIRTIO_MMIO_INTERRUPT_STATUS), 0);
    ck_assert_uint_eq(rreg(VIRTIO_MMIO_QUEUE_READY), 0);
    memset(ram(QDESC), 0, 0x3000);
    F.avail_idx = 0;
    ck_assert(modern_init(F_VER1));
    read_chain(QDESC, 0, 4);
    kick(0);
    ck_assert(sector_arrived(4));
}
END_TEST

START_TEST(legacy_layout)
{
    new_transport(true);
    wreg(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
    wreg(VIRTIO_MMIO_DRIVER_FEATURES, 1u << VIRTIO_BLK_F_FLUSH);
    wreg(VIRTIO_MMIO_GUEST_PAGE_SIZE, 4096);
    wreg(VIRTIO_MMIO_QUEUE_SEL, 0);
    wreg(VIRTIO_MMIO_QUEUE_NUM, QSIZE);
    wreg(VIRTIO_MMIO_QUEUE_ALIGN, 4096);
    wreg(VIRTIO_MMIO_QUEUE_PFN, (uint32_t)(QDESC >> 12));
    ck_assert_uint_eq(rreg(VIRTIO_MMIO_QUEUE_PFN), QDESC >> 12);
    wreg(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_DRIVER_OK);
    /* avail follows the 16 descriptors; used is at the next 4 KiB boundary. */
    uint64_t avail = QDESC + 16 * QSIZE, used = QDESC + 0x1000;
    read_chain(QDESC, 0, 4);
    put(avail + 4, 2, 0);
    put(avail + 2, 2, 1);
    wreg(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
    ck_assert(sector_arrived(4));
    ck_assert_uint_eq(get(used + 2, 2), 1);
    ck_assert_uint_eq(get(used + 8, 4), 513);
    ck_assert(F.level);
    wreg(VIRTIO_MMIO_QUEUE_PFN, 0); /* queue released */
    ck_assert_uint_eq(rreg(VIRTIO_MMIO_QUEUE_PFN), 0);
}
END_TEST

START_TEST(indirect_descriptors)
{
    ck_assert(modern_init(F_VER1 | F_INDIR));
    read_chain(ITABLE, 0, 11);
    desc(5, ITABLE, 3 * 16, VIRTQ_DESC_F_INDIRECT, 0);
    kick(5);
    ck_assert(sector_arrived(11));
    ck_assert_uint_eq(get(QUSED + 4, 4), 5);
    ck_assert(!needs_reset());
}
END_TEST

START_TEST(indirect_bad_size)
{
    ck_assert(modern_init(F_VER1 | F_INDIR));
    read_chain(ITABLE, 0, 11);
    desc(0, ITABLE, 24, VIRTQ_DESC_F_INDIRECT, 0); /* not a multiple of 16 */
    kick(0);
    ck_assert(needs_reset());
    ck_assert_uint_eq(get(STATUS, 1), 0xff);
    ck_assert(rreg(VIRTIO_MMIO_INTERRUPT_STATUS) & VIRTIO_ISR_CONFIG_CHANGE);
    ck_assert(F.level);
    /* A table of 64 Ki entries (more than any chain may hold), and an empty one. */
    ck_assert(modern_init(F_VER1 | F_INDIR));
    ck_assert(!needs_reset());
    F.avail_idx = 0;
    desc(0, ITABLE, 0x10000 * 16, VIRTQ_DESC_F_INDIRECT, 0);
    kick(0);
    ck_assert(needs_reset());
    ck_assert(modern_init(F_VER1 | F_INDIR));
    F.avail_idx = 0;
    desc(0, ITABLE, 0, VIRTQ_DESC_F_INDIRECT, 0);
    kick(0);
    ck_assert(needs_reset());
}
END_TEST

START_TEST(indirect_nested_or_not_negotiated)
{
    ck_assert(modern_init(F_VER1 | F_INDIR));
    desc_at(ITABLE, 0, ITABLE, 16, VIRTQ_DESC_F_INDIRECT, 0);
    desc(0, ITABLE, 16, VIRTQ_DESC_F_INDIRECT, 0);
    kick(0);
    ck_assert(needs_reset());
    ck_assert(modern_init(F_VER1));
    F.avail_idx = 0;
    read_chain(ITABLE, 0, 1);
    desc(0, ITABLE, 48, VIRTQ_DESC_F_INDIRECT, 0);
    kick(0);
    ck_assert(needs_reset());
}
END_TEST

START_TEST(event_idx_suppression)
{
    ck_assert(modern_init(F_VER1 | F_EVIDX));
    uint64_t used_event = QAVAIL + 4 + 2 * QSIZE, avail_event = QUSED + 4 + 8 * QSIZE;
    put(used_event, 2, 0);
    read_chain(QDESC, 0, 1);
    kick(0);
    ck_assert(sector_arrived(1));
    ck_assert(F.level);                        /* used idx passed 0 */
    ck_assert_uint_eq(get(avail_event, 2), 1); /* device wants a kick at 1 */
    wreg(VIRTIO_MMIO_INTERRUPT_ACK, VIRTIO_ISR_USED_BUFFER);
    put(used_event, 2, 5); /* driver: not before entry 5 */
    for (unsigned i = 0; i < 3; i++) {
        read_chain(QDESC, 0, 2 + i);
        kick(0);
        ck_assert(sector_arrived(2 + i));
        ck_assert(!F.level);
    }
    ck_assert_uint_eq(get(QUSED + 2, 2), 4);
    read_chain(QDESC, 0, 6);
    kick(0);
    ck_assert(!F.level); /* used idx 5 written: event 5 not yet passed */
    read_chain(QDESC, 0, 7);
    kick(0);
    ck_assert(F.level); /* 5 -> 6 crosses used_event */
}
END_TEST

START_TEST(descriptor_loop)
{
    ck_assert(modern_init(F_VER1));
    desc(0, HDR, 16, VIRTQ_DESC_F_NEXT, 1);
    desc(1, DATA, 16, VIRTQ_DESC_F_NEXT, 0);
    kick(0);
    ck_assert(needs_reset());
    /* Once broken, further kicks do nothing. */
    uint16_t used = (uint16_t)get(QUSED + 2, 2);
    read_chain(QDESC, 0, 1);
    kick(0);
    ck_assert_uint_eq(get(QUSED + 2, 2), used);
}
END_TEST

START_TEST(next_out_of_range)
{
    ck_assert(modern_init(F_VER1));
    read_chain(QDESC, 0, 1);
    desc(1, DATA, 512, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, QSIZE);
    kick(0);
    ck_assert(needs_reset());
    ck_assert_uint_eq(get(STATUS, 1), 0xff);
}
END_TEST

START_TEST(address_outside_ram)
{
    ck_assert(modern_init(F_VER1));
    read_chain(QDESC, 0, 1);
    desc(1, RAM_BASE + RAM_SIZE - 256, 512, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 2);
    kick(0);
    ck_assert(needs_reset());
    ck_assert(modern_init(F_VER1));
    F.avail_idx = 0;
    put(QUSED + 2, 2, 0);
    read_chain(QDESC, 0, 1);
    desc(1, UINT64_MAX - 100, 512, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 2);
    kick(0);
    ck_assert(needs_reset());
}
END_TEST

START_TEST(bad_ring_values)
{
    ck_assert(modern_init(F_VER1));
    put(QAVAIL + 4, 2, QSIZE); /* head index >= queue size */
    put(QAVAIL + 2, 2, 1);
    wreg(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
    ck_assert(needs_reset());
    ck_assert(modern_init(F_VER1));
    put(QAVAIL + 2, 2, QSIZE + 1); /* more available than the ring holds */
    wreg(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
    ck_assert(needs_reset());
    ck_assert(modern_init(F_VER1));
    wreg(VIRTIO_MMIO_QUEUE_READY, 0);
    wreg(VIRTIO_MMIO_QUEUE_DESC_LOW, 0x1000); /* rings outside RAM */
    wreg(VIRTIO_MMIO_QUEUE_READY, 1);
    put(QAVAIL + 2, 2, 1);
    put(QAVAIL + 4, 2, 0);
    wreg(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
    ck_assert(needs_reset());
    ck_assert(modern_init(F_VER1));
    wreg(VIRTIO_MMIO_QUEUE_READY, 0);
    wreg(VIRTIO_MMIO_QUEUE_NUM, 1024); /* above QueueNumMax */
    wreg(VIRTIO_MMIO_QUEUE_READY, 1);
    wreg(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
    ck_assert(needs_reset());
    wreg(VIRTIO_MMIO_QUEUE_NOTIFY, 77); /* no such queue: ignored */
}
END_TEST

int main(void)
{
    Suite *s = suite_create("virtio_mmio");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, identification);
    tcase_add_test(tc, empty_slot);
    tcase_add_test(tc, modern_only_stays_version_2);
    tcase_add_test(tc, feature_negotiation);
    tcase_add_test(tc, modern_read_and_interrupt);
    tcase_add_test(tc, legacy_layout);
    tcase_add_test(tc, machine_reset);
    tcase_add_test(tc, indirect_descriptors);
    tcase_add_test(tc, indirect_bad_size);
    tcase_add_test(tc, indirect_nested_or_not_negotiated);
    tcase_add_test(tc, event_idx_suppression);
    tcase_add_test(tc, descriptor_loop);
    tcase_add_test(tc, next_out_of_range);
    tcase_add_test(tc, address_outside_ram);
    tcase_add_test(tc, bad_ring_values);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
