/* Unit tests of the physical bus: RAM bounds, MMIO regions, DMA and hooks. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "mmu/bus.h"
#include "rivet/encoding.h"

#define RAM_BASE 0x80000000ull
#define RAM_SIZE (1ull << 20)
#define DEV_BASE 0x10000000ull

static struct bus bus;

/* A fake device with 16 32-bit registers, accepting only 4-byte accesses. */
struct fake_dev {
    uint32_t regs[16];
    int reads, writes;
    uint64_t last_offset;
    unsigned last_size;
};
static struct fake_dev dev;

static bus_status dev_read(void *opaque, uint64_t offset, unsigned size, uint64_t *value)
{
    struct fake_dev *d = opaque;
    d->reads++;
    d->last_offset = offset;
    d->last_size = size;
    /* Junk above the access size: the bus must mask it. */
    *value = 0xdead000000000000ull | d->regs[offset / 4];
    return BUS_OK;
}

static bus_status dev_write(void *opaque, uint64_t offset, unsigned size, uint64_t value)
{
    struct fake_dev *d = opaque;
    d->writes++;
    d->last_offset = offset;
    d->last_size = size;
    d->regs[offset / 4] = (uint32_t)value;
    return BUS_OK;
}

static const struct mmio_region dev_region = {
    /* clang-format off */
    .name = "fake", .base = DEV_BASE, .size = 64, .min_access = 4, .max_access = 4,
    .read = dev_read, .write = dev_write, .opaque = &dev,
    /* clang-format on */
};

/* Hook recorders. */
static uint64_t code_pages[8], code_lens[8];
static int ncode;
static uint64_t watch_addr;
static unsigned watch_size;
static int nwatch;

static void on_code_write(void *opaque, uint64_t paddr, uint64_t len)
{
    if (ncode < 8)
        code_pages[ncode] = paddr, code_lens[ncode] = len;
    ncode++;
}

static void on_watch(void *opaque, uint64_t paddr, unsigned size)
{
    nwatch++;
    watch_addr = paddr;
    watch_size = size;
}

static void setup(void)
{
    ck_assert(bus_init(&bus, RAM_BASE, RAM_SIZE));
    memset(&dev, 0, sizeof(dev));
    ncode = nwatch = 0;
    bus.code_write = on_code_write;
    bus.watch = on_watch;
}

static void teardown(void) { bus_destroy(&bus); }

START_TEST(test_init_rejects_bad_ram)
{
    struct bus b;
    ck_assert(!bus_init(&b, RAM_BASE, 0));
    ck_assert(!bus_init(&b, RAM_BASE + 1, RAM_SIZE));
    ck_assert(!bus_init(&b, RAM_BASE, RAM_SIZE + 8));
    ck_assert(!bus_init(&b, ~0ull & ~(PAGE_SIZE - 1), 2 * PAGE_SIZE));
}
END_TEST

START_TEST(test_ram_zeroed_and_flags_clear)
{
    uint64_t v = 1;
    ck_assert_int_eq(bus_read(&bus, RAM_BASE + RAM_SIZE - 8, 8, &v), BUS_OK);
    ck_assert_uint_eq(v, 0);
    ck_assert_uint_eq(bus_page_flags(&bus, RAM_BASE + RAM_SIZE - 1), 0);
}
END_TEST

START_TEST(test_ram_ptr_bounds)
{
    ck_assert_ptr_eq(bus_ram_ptr(&bus, RAM_BASE, 8), bus.ram);
    ck_assert_ptr_eq(bus_ram_ptr(&bus, RAM_BASE + RAM_SIZE - 8, 8), bus.ram + RAM_SIZE - 8);
    ck_assert_ptr_eq(bus_ram_ptr(&bus, RAM_BASE, RAM_SIZE), bus.ram);
    ck_assert_ptr_null(bus_ram_ptr(&bus, RAM_BASE + RAM_SIZE - 4, 8));
    ck_assert_ptr_null(bus_ram_ptr(&bus, RAM_BASE + RAM_SIZE, 1));
    ck_assert_ptr_null(bus_ram_ptr(&bus, RAM_BASE - 1, 2));
    ck_assert_ptr_null(bus_ram_ptr(&bus, RAM_BASE, RAM_SIZE + 1));
    /* Ranges whose end overflows 64 bits. */
    ck_assert_ptr_null(bus_ram_ptr(&bus, RAM_BASE + 8, ~0ull));
    ck_assert_ptr_null(bus_ram_ptr(&bus, ~0ull, 2));
    ck_assert_ptr_null(bus_ram_ptr(&bus, 0, RAM_BASE + 16));
}
END_TEST

START_TEST(test_region_overlap_refused)
{
    ck_assert(bus_add_region(&bus, &dev_region));
    struct mmio_region r = dev_region;
    r.base = DEV_BASE + 60; /* overlaps the last register */
    ck_assert(!bus_add_region(&bus, &r));
    r.base = DEV_BASE - 4;
    r.size = 8;
    ck_assert(!bus_add_region(&bus, &r));
    r.base = RAM_BASE + RAM_SIZE - 4; /* overlaps RAM */
    ck_assert(!bus_add_region(&bus, &r));
    r.base = RAM_BASE - 16;
    r.size = 32;
    ck_assert(!bus_add_region(&bus, &r));
    r.base = 0x20000000;
    r.size = 0;
    ck_assert(!bus_add_region(&bus, &r));
    r.base = ~0ull - 7; /* base + size overflows */
    r.size = 16;
    ck_assert(!bus_add_region(&bus, &r));
    r.base = 0x20000000;
    r.size = 16;
    r.min_access = 3; /* not a valid access size */
    ck_assert(!bus_add_region(&bus, &r));
    r.min_access = 8;
    r.max_access = 4;
    ck_assert(!bus_add_region(&bus, &r));
    r.min_access = 1;
    r.max_access = 8;
    ck_assert(bus_add_region(&bus, &r)); /* adjacent to nothing: fine */
    r.base = ~0ull - 15;                 /* ends exactly at the top of the address space */
    ck_assert(bus_add_region(&bus, &r));
    ck_assert_int_eq(bus.nregions, 3);
    ck_assert_ptr_eq(bus_find_region(&bus, DEV_BASE + 63), &bus.regions[0]);
    ck_assert_ptr_null(bus_find_region(&bus, DEV_BASE + 64));
    ck_assert_ptr_null(bus_find_region(&bus, DEV_BASE - 1));
    ck_assert_ptr_eq(bus_find_region(&bus, ~0ull), &bus.regions[2]);
}
END_TEST

START_TEST(test_region_table_full)
{
    struct mmio_region r = dev_region;
    for (int i = 0; i < BUS_MAX_REGIONS; i++) {
        r.base = DEV_BASE + (uint64_t)i * 0x1000;
        ck_assert(bus_add_region(&bus, &r));
    }
    r.base = DEV_BASE + 0x100000;
    ck_assert(!bus_add_region(&bus, &r));
}
END_TEST

START_TEST(test_mmio_size_rules)
{
    ck_assert(bus_add_region(&bus, &dev_region));
    uint64_t v;
    ck_assert_int_eq(bus_write(&bus, DEV_BASE + 8, 4, 0x12345678), BUS_OK);
    ck_assert_uint_eq(dev.regs[2], 0x12345678);
    ck_assert_int_eq(bus_read(&bus, DEV_BASE + 8, 4, &v), BUS_OK);
    ck_assert_uint_eq(v, 0x12345678); /* junk above 32 bits masked */
    ck_assert_uint_eq(dev.last_offset, 8);
    int reads = dev.reads, writes = dev.writes;
    ck_assert_int_eq(bus_read(&bus, DEV_BASE + 8, 1, &v), BUS_ERROR); /* below min */
    ck_assert_int_eq(bus_read(&bus, DEV_BASE + 8, 8, &v), BUS_ERROR); /* above max */
    ck_assert_int_eq(bus_read(&bus, DEV_BASE + 6, 4, &v), BUS_ERROR); /* misaligned */
    ck_assert_int_eq(bus_write(&bus, DEV_BASE + 2, 4, 0), BUS_ERROR);
    ck_assert_int_eq(bus_write(&bus, DEV_BASE, 2, 0), BUS_ERROR);
    ck_assert_int_eq(bus_read(&bus, DEV_BASE, 3, &v), BUS_ERROR); /* not a size */
    ck_assert_int_eq(dev.reads, reads);                           /* the device never saw them */
    ck_assert_int_eq(dev.writes, writes);
    /* Unmapped addresses. */
    ck_assert_int_eq(bus_read(&bus, DEV_BASE + 64, 4, &v), BUS_ERROR);
    ck_assert_int_eq(bus_write(&bus, 0x1000, 4, 0), BUS_ERROR);
    ck_assert_int_eq(bus_read(&bus, RAM_BASE + RAM_SIZE, 1, &v), BUS_ERROR);
    ck_assert_int_eq(bus_read(&bus, RAM_BASE + RAM_SIZE - 4, 8, &v), BUS_ERROR);
}
END_TEST

START_TEST(test_mmio_access_past_region_end)
{
    struct mmio_region r = dev_region;
    r.size = 6; /* an 8-byte device window cut short */
    r.min_access = 1;
    r.max_access = 8;
    ck_assert(bus_add_region(&bus, &r));
    uint64_t v;
    ck_assert_int_eq(bus_read(&bus, DEV_BASE, 8, &v), BUS_ERROR);
    ck_assert_int_eq(bus_read(&bus, DEV_BASE + 4, 4, &v), BUS_ERROR);
    ck_assert_int_eq(bus_read(&bus, DEV_BASE + 4, 2, &v), BUS_OK);
}
END_TEST

/* A region that accepts 1 to 8 bytes over callbacks of 4 bytes only: the
 * bus splits wider accesses and widens narrower ones (bus.h). */
START_TEST(test_mmio_adapts_sizes)
{
    struct mmio_region r = dev_region;
    r.min_access = 1;
    r.max_access = 8;
    r.impl_min = r.impl_max = 4;
    ck_assert(bus_add_region(&bus, &r));
    dev.regs[2] = 0x11223344;
    dev.regs[3] = 0x55667788;
    uint64_t v;
    ck_assert_int_eq(bus_read(&bus, DEV_BASE + 8, 8, &v), BUS_OK); /* two reads, low word first */
    ck_assert_uint_eq(v, 0x5566778811223344ull);
    ck_assert_int_eq(dev.reads, 2);
    ck_assert_uint_eq(dev.last_offset, 12);
    ck_assert_uint_eq(dev.last_size, 4);
    ck_assert_int_eq(bus_read(&bus, DEV_BASE + 13, 1, &v), BUS_OK); /* one 4-byte read at 12 */
    ck_assert_uint_eq(v, 0x77);
    ck_assert_uint_eq(dev.last_offset, 12);
    ck_assert_uint_eq(dev.last_size, 4);
    ck_assert_int_eq(bus_read(&bus, DEV_BASE + 10, 2, &v), BUS_OK);
    ck_assert_uint_eq(v, 0x1122);
    ck_assert_int_eq(bus_write(&bus, DEV_BASE + 16, 8, 0xaaaabbbbccccddddull), BUS_OK);
    ck_assert_uint_eq(dev.regs[4], 0xccccdddd);
    ck_assert_uint_eq(dev.regs[5], 0xaaaabbbb);
    ck_assert_int_eq(dev.writes, 2);
    /* A narrow write is one implemented-size write: the value in place, zeros around it. */
    ck_assert_int_eq(bus_write(&bus, DEV_BASE + 6, 2, 0xbeef), BUS_OK);
    ck_assert_uint_eq(dev.regs[1], 0xbeef0000);
    ck_assert_uint_eq(dev.last_offset, 4);
    ck_assert_uint_eq(dev.last_size, 4);
    ck_assert_int_eq(bus_read(&bus, DEV_BASE + 9, 2, &v), BUS_ERROR); /* still naturally aligned only */
}
END_TEST

/* A byte-wide device under wider accesses (the UART's shape): one callback
 * per byte; and a widened access may not reach past the region's end. */
START_TEST(test_mmio_split_to_bytes)
{
    struct mmio_region r = dev_region;
    r.min_access = 1;
    r.max_access = 8;
    r.impl_min = r.impl_max = 1;
    ck_assert(bus_add_region(&bus, &r));
    dev.regs[0] = 0x04; /* dev_read answers regs[offset / 4] for every byte of a register */
    dev.regs[1] = 0x05;
    uint64_t v;
    ck_assert_int_eq(bus_read(&bus, DEV_BASE, 8, &v), BUS_OK);
    ck_assert_uint_eq(v, 0x0505050504040404ull);
    ck_assert_int_eq(dev.reads, 8);
    ck_assert_uint_eq(dev.last_size, 1);
    struct mmio_region t = dev_region;
    t.base = DEV_BASE + 0x1000;
    t.size = 6;
    t.min_access = 1;
    t.max_access = 2;
    t.impl_min = t.impl_max = 8;
    ck_assert(bus_add_region(&bus, &t));
    int reads = dev.reads;
    ck_assert_int_eq(bus_read(&bus, t.base + 4, 2, &v), BUS_ERROR); /* widened to 8 bytes at 0: past 6 */
    ck_assert_int_eq(bus_read(&bus, t.base + 2, 2, &v), BUS_ERROR);
    ck_assert_int_eq(dev.reads, reads);
}
END_TEST

START_TEST(test_region_impl_sizes_checked)
{
    struct mmio_region r = dev_region;
    r.impl_min = 3;
    ck_assert(!bus_add_region(&bus, &r));
    r.impl_min = 8;
    r.impl_max = 4;
    ck_assert(!bus_add_region(&bus, &r));
    r.impl_min = 0; /* 0: the accepted sizes */
    r.impl_max = 0;
    ck_assert(bus_add_region(&bus, &r));
    ck_assert_uint_eq(bus.regions[0].impl_min, 4);
    ck_assert_uint_eq(bus.regions[0].impl_max, 4);
}
END_TEST

START_TEST(test_ram_read_write)
{
    ck_assert_int_eq(bus_write(&bus, RAM_BASE + 16, 8, 0x1122334455667788ull), BUS_OK);
    uint64_t v;
    ck_assert_int_eq(bus_read(&bus, RAM_BASE + 16, 2, &v), BUS_OK);
    ck_assert_uint_eq(v, 0x7788);
    ck_assert_int_eq(bus_read(&bus, RAM_BASE + 20, 4, &v), BUS_OK);
    ck_assert_uint_eq(v, 0x11223344);
    ck_assert_uint_eq(bus.ram[16], 0x88);
    ck_assert_int_eq(ncode + nwatch, 0);
}
END_TEST

START_TEST(test_code_and_watch_hooks)
{
    bus.page_flags[2] = BUS_PAGE_CODE;
    bus_watch_page(&bus, RAM_BASE + 3 * PAGE_SIZE + 100);
    ck_assert_uint_eq(bus.page_flags[3], BUS_PAGE_WATCH);
    bus_watch_page(&bus, 0x1000); /* not RAM: ignored, no crash */

    ck_assert_int_eq(bus_write(&bus, RAM_BASE + 2 * PAGE_SIZE + 8, 4, 1), BUS_OK);
    ck_assert_int_eq(ncode, 1);
    ck_assert_uint_eq(code_pages[0], RAM_BASE + 2 * PAGE_SIZE + 8); /* the bytes written */
    ck_assert_uint_eq(code_lens[0], 4);
    ck_assert_int_eq(nwatch, 0);

    ck_assert_int_eq(bus_write(&bus, RAM_BASE + 3 * PAGE_SIZE + 16, 8, 7), BUS_OK);
    ck_assert_int_eq(nwatch, 1);
    ck_assert_uint_eq(watch_addr, RAM_BASE + 3 * PAGE_SIZE + 16);
    ck_assert_uint_eq(watch_size, 8);
    ck_assert_int_eq(ncode, 1);
    uint64_t v;
    ck_assert_int_eq(bus_read(&bus, RAM_BASE + 3 * PAGE_SIZE + 16, 8, &v), BUS_OK);
    ck_assert_uint_eq(v, 7); /* the watcher sees the stored value */

    ck_assert_int_eq(bus_write(&bus, RAM_BASE + 4 * PAGE_SIZE, 8, 7), BUS_OK);
    ck_assert_int_eq(ncode + nwatch, 2); /* plain page: no hook */
}
END_TEST

START_TEST(test_dma_ranges)
{
    uint8_t buf[64], out[64];
    for (int i = 0; i < 64; i++)
        buf[i] = (uint8_t)i;
    ck_assert(bus_dma_write(&bus, RAM_BASE + RAM_SIZE - 64, buf, 64));
    ck_assert(bus_dma_read(&bus, RAM_BASE + RAM_SIZE - 64, out, 64));
    ck_assert_mem_eq(buf, out, 64);
    ck_assert(!bus_dma_read(&bus, RAM_BASE + RAM_SIZE - 32, out, 64));
    ck_assert(!bus_dma_write(&bus, RAM_BASE + RAM_SIZE - 32, buf, 64));
    ck_assert(!bus_dma_read(&bus, RAM_BASE - 8, out, 16));
    ck_assert(!bus_dma_read(&bus, RAM_BASE + 64, out, ~0ull - 8));
    ck_assert(!bus_dma_write(&bus, ~0ull - 4, buf, 16));
    ck_assert(!bus_dma_write(&bus, DEV_BASE, buf, 4));
    ck_assert(bus_dma_read(&bus, RAM_BASE, out, 0));
    ck_assert_uint_eq(bus.ram[RAM_SIZE - 1], 63);
}
END_TEST

START_TEST(test_dma_write_notifies_code_pages)
{
    bus.page_flags[1] = BUS_PAGE_CODE;
    bus.page_flags[3] = BUS_PAGE_CODE | BUS_PAGE_WATCH;
    static uint8_t buf[4 * PAGE_SIZE];
    /* Covers pages 0..3 partly: pages 1 and 3 are code. */
    ck_assert(bus_dma_write(&bus, RAM_BASE + 100, buf, 3 * PAGE_SIZE));
    ck_assert_int_eq(ncode, 2);
    ck_assert_uint_eq(code_pages[0], RAM_BASE + PAGE_SIZE); /* each code page's part */
    ck_assert_uint_eq(code_lens[0], PAGE_SIZE);
    ck_assert_uint_eq(code_pages[1], RAM_BASE + 3 * PAGE_SIZE);
    ck_assert_uint_eq(code_lens[1], 100);
    ck_assert_int_eq(nwatch, 0); /* the watcher hears CPU stores only */
    ck_assert(bus_dma_write(&bus, RAM_BASE + 2 * PAGE_SIZE, buf, PAGE_SIZE));
    ck_assert_int_eq(ncode, 2); /* page 2 only: not code */
}
END_TEST

/* A machine reset: RAM reads zero again at the same host address (pointers
 * into it stay valid), every page flag cleared. */
START_TEST(test_ram_reset)
{
    uint8_t *before = bus.ram;
    memset(bus.ram, 0xa5, (size_t)RAM_SIZE);
    bus_watch_page(&bus, RAM_BASE + PAGE_SIZE);
    ck_assert(bus_page_flags(&bus, RAM_BASE + PAGE_SIZE) & BUS_PAGE_WATCH);
    ck_assert(bus_ram_reset(&bus));
    ck_assert_ptr_eq(bus.ram, before);
    for (uint64_t off = 0; off < RAM_SIZE; off += 512)
        ck_assert_uint_eq(bus.ram[off], 0);
    ck_assert_uint_eq(bus.ram[RAM_SIZE - 1], 0);
    ck_assert_uint_eq(bus_page_flags(&bus, RAM_BASE + PAGE_SIZE), 0);
    bus.ram[7] = 1; /* still writable */
    ck_assert_uint_eq(*bus_ram_ptr(&bus, RAM_BASE + 7, 1), 1);
}
END_TEST

static Suite *bus_suite(void)
{
    Suite *s = suite_create("bus");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_init_rejects_bad_ram);
    tcase_add_test(tc, test_ram_zeroed_and_flags_clear);
    tcase_add_test(tc, test_ram_ptr_bounds);
    tcase_add_test(tc, test_region_overlap_refused);
    tcase_add_test(tc, test_region_table_full);
    tcase_add_test(tc, test_mmio_size_rules);
    tcase_add_test(tc, test_mmio_access_past_region_end);
    tcase_add_test(tc, test_mmio_adapts_sizes);
    tcase_add_test(tc, test_mmio_split_to_bytes);
    tcase_add_test(tc, test_region_impl_sizes_checked);
    tcase_add_test(tc, test_ram_read_write);
    tcase_add_test(tc, test_code_and_watch_hooks);
    tcase_add_test(tc, test_dma_ranges);
    tcase_add_test(tc, test_dma_write_notifies_code_pages);
    tcase_add_test(tc, test_ram_reset);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(bus_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
