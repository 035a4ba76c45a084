/* virtio-blk over the modern virtio-mmio transport: a hand-made driver lays
 * out rings in guest RAM and checks sectors, status bytes and the image. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "devices/blockdev.h"
#include "devices/virtio_blk.h"
#include "devices/virtio_mmio.h"

#define RAM_BASE  UINT64_C(0x80000000)
#define RAM_SIZE  (4u << 20)
#define QDESC     (RAM_BASE + 0x1000)
#define QAVAIL    (RAM_BASE + 0x2000)
#define QUSED     (RAM_BASE + 0x3000)
#define HDR       (RAM_BASE + 0x4000)
#define STATUS    (RAM_BASE + 0x4100)
#define DATA      (RAM_BASE + 0x10000)
#define QSIZE     16
#define IMG_BYTES (256 * 1024)

struct fix {
    struct bus bus;
    struct blockdev *bd;
    struct virtio_device *dev;
    struct virtio_mmio *t;
    bool level;
    uint16_t avail_idx;
    char path[64];
};
static struct fix F;

static uint8_t pattern(uint64_t off) { return (uint8_t)(off * 131 + (off >> 9)); }
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

static void make_image(void)
{
    strcpy(F.path, "/tmp/rivet_vblk_XXXXXX");
    int fd = mkstemp(F.path);
    ck_assert_int_ge(fd, 0);
    uint8_t *buf = malloc(IMG_BYTES);
    for (unsigned i = 0; i < IMG_BYTES; i++)
        buf[i] = pattern(i);
    ck_assert_int_eq(write(fd, buf, IMG_BYTES), IMG_BYTES);
    free(buf);
    close(fd);
}

/* Feature negotiation and queue 0 setup, as Linux's virtio_mmio does. */
static void driver_init(void)
{
    wreg(VIRTIO_MMIO_STATUS, 0);
    wreg(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
    wreg(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
    wreg(VIRTIO_MMIO_DRIVER_FEATURES, 1u << VIRTIO_BLK_F_FLUSH);
    wreg(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
    wreg(VIRTIO_MMIO_DRIVER_FEATURES, 1); /* VERSION_1 */
    wreg(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK);
    ck_assert(rreg(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_FEATURES_OK);
    wreg(VIRTIO_MMIO_QUEUE_SEL, 0);
    wreg(VIRTIO_MMIO_QUEUE_NUM, QSIZE);
    wreg(VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)QDESC);
    wreg(VIRTIO_MMIO_QUEUE_DESC_HIGH, (uint32_t)(QDESC >> 32));
    wreg(VIRTIO_MMIO_QUEUE_DRIVER_LOW, (uint32_t)QAVAIL);
    wreg(VIRTIO_MMIO_QUEUE_DEVICE_LOW, (uint32_t)QUSED);
    wreg(VIRTIO_MMIO_QUEUE_READY, 1);
    wreg(VIRTIO_MMIO_STATUS,
         VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_DRIVER_OK);
}

static void attach(bool readonly, bool snapshot)
{
    char err[256];
    F.bd = blockdev_open(F.path, readonly, snapshot, err, sizeof(err));
    ck_assert_msg(F.bd != NULL, "%s", err);
    F.dev = virtio_blk_create(F.bd, "rivet-serial-0123456789");
    ck_assert_ptr_nonnull(F.dev);
    struct irq_line irq = { irq_cb, &F, 1 };
    F.t = virtio_mmio_create(&F.bus, irq, F.dev, false);
    ck_assert_ptr_nonnull(F.t);
    F.avail_idx = 0;
    driver_init();
}

static void detach(void)
{
    virtio_mmio_destroy(F.t);
    virtio_blk_destroy(F.dev);
    blockdev_close(F.bd);
    F.t = NULL, F.dev = NULL, F.bd = NULL;
}

static void setup(void)
{
    memset(&F, 0, sizeof(F));
    ck_assert(bus_init(&F.bus, RAM_BASE, RAM_SIZE));
    make_image();
    attach(false, false);
}

static void teardown(void)
{
    detach();
    unlink(F.path);
    bus_destroy(&F.bus);
}

static void desc(unsigned i, uint64_t addr, uint32_t len, uint16_t flags, uint16_t next)
{
    uint64_t d = QDESC + 16u * i;
    put(d, 8, addr), put(d + 8, 4, len), put(d + 12, 2, flags), put(d + 14, 2, next);
}

/* Makes `head` available and kicks queue 0. */
static void kick(uint16_t head)
{
    put(QAVAIL + 4 + 2u * (F.avail_idx % QSIZE), 2, head);
    put(QAVAIL + 2, 2, ++F.avail_idx);
    wreg(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
}

/* A three-descriptor request; returns the status byte (0xff: untouched). */
static int request(uint32_t type, uint64_t sector, uint64_t data, uint32_t len)
{
    put(HDR, 4, type), put(HDR + 4, 4, 0), put(HDR + 8, 8, sector);
    put(STATUS, 1, 0xff);
    bool to_device = type == VIRTIO_BLK_T_OUT || type == VIRTIO_BLK_T_DISCARD || type == VIRTIO_BLK_T_WRITE_ZEROES;
    uint16_t wr = to_device ? 0 : VIRTQ_DESC_F_WRITE;
    desc(0, HDR, 16, VIRTQ_DESC_F_NEXT, 1);
    desc(1, data, len, VIRTQ_DESC_F_NEXT | wr, 2);
    desc(2, STATUS, 1, VIRTQ_DESC_F_WRITE, 0);
    uint16_t used_before = (uint16_t)get(QUSED + 2, 2);
    kick(0);
    ck_assert_uint_eq(get(QUSED + 2, 2), (uint16_t)(used_before + 1));
    return (int)get(STATUS, 1);
}

static uint32_t last_used_len(void)
{
    uint16_t idx = (uint16_t)get(QUSED + 2, 2);
    return (uint32_t)get(QUSED + 4 + 8u * ((idx - 1) % QSIZE) + 4, 4);
}

START_TEST(config_and_features)
{
    uint64_t v;
    ck_assert_int_eq(virtio_mmio_read(F.t, VIRTIO_MMIO_CONFIG + VIRTIO_BLK_CFG_CAPACITY, 8, &v), BUS_OK);
    ck_assert_uint_eq(v, IMG_BYTES / 512);
    ck_assert_int_eq(virtio_mmio_read(F.t, VIRTIO_MMIO_CONFIG + VIRTIO_BLK_CFG_SEG_MAX, 4, &v), BUS_OK);
    ck_assert_uint_eq(v, VIRTIO_BLK_SEG_MAX);
    ck_assert_int_eq(virtio_mmio_read(F.t, VIRTIO_MMIO_CONFIG + VIRTIO_BLK_CFG_BLK_SIZE, 2, &v), BUS_OK);
    ck_assert_uint_eq(v, 512);
    ck_assert_uint_eq(rreg(VIRTIO_MMIO_DEVICE_ID), VIRTIO_ID_BLOCK);
    wreg(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
    uint32_t lo = rreg(VIRTIO_MMIO_DEVICE_FEATURES);
    ck_assert(lo & (1u << VIRTIO_BLK_F_FLUSH));
    ck_assert(lo & (1u << VIRTIO_BLK_F_SEG_MAX));
    ck_assert(!(lo & (1u << VIRTIO_BLK_F_RO)));
    ck_assert_uint_eq(rreg(VIRTIO_MMIO_QUEUE_NUM_MAX), VIRTIO_BLK_QUEUE_MAX);
}
END_TEST

START_TEST(read_sectors)
{
    ck_assert_int_eq(request(VIRTIO_BLK_T_IN, 3, DATA, 1024), VIRTIO_BLK_S_OK);
    for (unsigned i = 0; i < 1024; i++)
        ck_assert_uint_eq(get(DATA + i, 1), pattern(3 * 512 + i));
    ck_assert_uint_eq(last_used_len(), 1025);
    ck_assert(F.level);
    ck_assert_uint_eq(rreg(VIRTIO_MMIO_INTERRUPT_STATUS), VIRTIO_ISR_USED_BUFFER);
    wreg(VIRTIO_MMIO_INTERRUPT_ACK, VIRTIO_ISR_USED_BUFFER);
    ck_assert(!F.level);
    /* Several 64 KiB chunks in one request. */
    ck_assert_int_eq(request(VIRTIO_BLK_T_IN, 10, DATA, 200 * 1024), VIRTIO_BLK_S_OK);
    for (unsigned i = 0; i < 200 * 1024; i += 97)
        ck_assert_uint_eq(get(DATA + i, 1), pattern(10 * 512 + i));
}
END_TEST

START_TEST(write_flush_reaches_file)
{
    memset(ram(DATA), 0x77, 512);
    memset(ram(DATA + 512), 0x88, 512);
    ck_assert_int_eq(request(VIRTIO_BLK_T_OUT, 5, DATA, 1024), VIRTIO_BLK_S_OK);
    ck_assert_uint_eq(last_used_len(), 1);
    ck_assert_int_eq(request(VIRTIO_BLK_T_FLUSH, 0, DATA, 0), VIRTIO_BLK_S_OK);
    uint8_t got[1024];
    FILE *f = fopen(F.path, "rb");
    fseek(f, 5 * 512, SEEK_SET);
    ck_assert_uint_eq(fread(got, 1, sizeof(got), f), sizeof(got));
    fclose(f);
    ck_assert_uint_eq(got[0], 0x77);
    ck_assert_uint_eq(got[511], 0x77);
    ck_assert_uint_eq(got[512], 0x88);
    ck_assert_uint_eq(got[1023], 0x88);
    memset(ram(DATA + 0x1000), 0, 1024);
    ck_assert_int_eq(request(VIRTIO_BLK_T_IN, 5, DATA + 0x1000, 1024), VIRTIO_BLK_S_OK);
    ck_assert_mem_eq(ram(DATA + 0x1000), ram(DATA), 1024);
}
END_TEST

START_TEST(get_id)
{
    memset(ram(DATA), 0xee, 64);
    ck_assert_int_eq(request(VIRTIO_BLK_T_GET_ID, 0, DATA, 64), VIRTIO_BLK_S_OK);
    ck_assert_mem_eq(ram(DATA), "rivet-serial-0123456", 20);
    ck_assert_uint_eq(get(DATA + 20, 1), 0xee);
    ck_assert_uint_eq(last_used_len(), 21);
}
END_TEST

START_TEST(bad_requests_ioerr)
{
    uint64_t cap = IMG_BYTES / 512;
    ck_assert_int_eq(request(VIRTIO_BLK_T_IN, cap - 1, DATA, 1024), VIRTIO_BLK_S_IOERR);
    ck_assert_int_eq(request(VIRTIO_BLK_T_IN, cap, DATA, 512), VIRTIO_BLK_S_IOERR);
    ck_assert_int_eq(request(VIRTIO_BLK_T_OUT, UINT64_MAX / 256, DATA, 512), VIRTIO_BLK_S_IOERR);
    ck_assert_int_eq(request(VIRTIO_BLK_T_IN, 0, DATA, 100), VIRTIO_BLK_S_IOERR);      /* partial sector */
    ck_assert_int_eq(request(VIRTIO_BLK_T_IN, 0, DATA, 2u << 20), VIRTIO_BLK_S_IOERR); /* past the disk */
    ck_assert_int_eq(request(99, 0, DATA, 512), VIRTIO_BLK_S_UNSUPP);                  /* no such type */
    /* A header shorter than 16 bytes. */
    put(STATUS, 1, 0xff);
    desc(0, HDR, 8, VIRTQ_DESC_F_NEXT, 1);
    desc(1, STATUS, 1, VIRTQ_DESC_F_WRITE, 0);
    kick(0);
    ck_assert_uint_eq(get(STATUS, 1), VIRTIO_BLK_S_IOERR);
    ck_assert(!(rreg(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_NEEDS_RESET));
}
END_TEST

START_TEST(no_status_byte_needs_reset)
{
    desc(0, HDR, 16, 0, 0);
    kick(0);
    ck_assert(rreg(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_NEEDS_RESET);
    ck_assert(rreg(VIRTIO_MMIO_INTERRUPT_STATUS) & VIRTIO_ISR_CONFIG_CHANGE);
    ck_assert(F.level);
    /* A reset brings the device back. */
    driver_init();
    F.avail_idx = 0;
    put(QAVAIL + 2, 2, 0), put(QUSED + 2, 2, 0);
    ck_assert_uint_eq(rreg(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_NEEDS_RESET, 0);
    ck_assert_int_eq(request(VIRTIO_BLK_T_IN, 0, DATA, 512), VIRTIO_BLK_S_OK);
}
END_TEST

START_TEST(huge_length_no_crash)
{
    /* 4 GiB - 1 bytes: far outside the 4 MiB of RAM, so the chain is bad. */
    put(STATUS, 1, 0xff);
    desc(0, HDR, 16, VIRTQ_DESC_F_NEXT, 1);
    desc(1, DATA, UINT32_MAX, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 2);
    desc(2, STATUS, 1, VIRTQ_DESC_F_WRITE, 0);
    put(HDR, 4, VIRTIO_BLK_T_IN), put(HDR + 8, 8, 0);
    kick(0);
    ck_assert(rreg(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_NEEDS_RESET);
    ck_assert_uint_eq(get(STATUS, 1), 0xff);
}
END_TEST

START_TEST(readonly_refuses_writes)
{
    detach();
    attach(true, false);
    wreg(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
    ck_assert(rreg(VIRTIO_MMIO_DEVICE_FEATURES) & (1u << VIRTIO_BLK_F_RO));
    memset(ram(DATA), 0x11, 512);
    ck_assert_int_eq(request(VIRTIO_BLK_T_OUT, 0, DATA, 512), VIRTIO_BLK_S_IOERR);
    ck_assert_int_eq(request(VIRTIO_BLK_T_IN, 0, DATA, 512), VIRTIO_BLK_S_OK);
    ck_assert_uint_eq(get(DATA + 1, 1), pattern(1));
}
END_TEST

START_TEST(snapshot_keeps_file)
{
    detach();
    attach(false, true);
    memset(ram(DATA), 0x3c, 1536);
    ck_assert_int_eq(request(VIRTIO_BLK_T_OUT, 7, DATA, 1536), VIRTIO_BLK_S_OK);
    ck_assert_int_eq(request(VIRTIO_BLK_T_FLUSH, 0, DATA, 0), VIRTIO_BLK_S_OK);
    memset(ram(DATA + 0x2000), 0, 2048);
    ck_assert_int_eq(request(VIRTIO_BLK_T_IN, 6, DATA + 0x2000, 2048), VIRTIO_BLK_S_OK);
    ck_assert_uint_eq(get(DATA + 0x2000, 1), pattern(6 * 512));
    ck_assert_mem_eq(ram(DATA + 0x2000 + 512), ram(DATA), 1536);
    detach();
    uint8_t got[2048];
    FILE *f = fopen(F.path, "rb");
    fseek(f, 6 * 512, SEEK_SET);
    ck_assert_uint_eq(fread(got, 1, sizeof(got), f), sizeof(got));
    fclose(f);
    for (unsigned i = 0; i < sizeof(got); i++)
        ck_assert_uint_eq(got[i], pattern(6 * 512 + i));
    attach(false, false);
}
END_TEST

/* One struct virtio_blk_discard_write_zeroes at guest address `at`. */
static void dwz_range(uint64_t at, uint64_t sector, uint32_t num, uint32_t flags)
{
    put(at, 8, sector), put(at + 8, 4, num), put(at + 12, 4, flags);
}

static uint64_t file_blocks(void)
{
    struct stat st;
    ck_assert_int_eq(stat(F.path, &st), 0);
    return (uint64_t)st.st_blocks;
}

/* Whether image sector s holds the pattern (true) or zeros (false); fails on anything else. */
static bool sector_has_pattern(uint64_t s)
{
    uint8_t got[512];
    FILE *f = fopen(F.path, "rb");
    ck_assert_ptr_nonnull(f);
    fseek(f, (long)(s * 512), SEEK_SET);
    ck_assert_uint_eq(fread(got, 1, sizeof got, f), sizeof got);
    fclose(f);
    bool zero = true, pat = true;
    for (unsigned i = 0; i < sizeof got; i++) {
        zero = zero && got[i] == 0;
        pat = pat && got[i] == pattern(s * 512 + i);
    }
    ck_assert_msg(zero || pat, "sector %llu is neither zeros nor the pattern", (unsigned long long)s);
    return pat;
}

/* DISCARD and WRITE_ZEROES: the ranges read as zeros, the rest is intact,
 * and the image file gets holes (fstrim keeps a sparse image small). */
START_TEST(discard_and_write_zeroes_punch_holes)
{
    wreg(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
    uint32_t lo = rreg(VIRTIO_MMIO_DEVICE_FEATURES);
    ck_assert(lo & (1u << VIRTIO_BLK_F_DISCARD));
    ck_assert(lo & (1u << VIRTIO_BLK_F_WRITE_ZEROES));
    ck_assert(lo & (1u << VIRTIO_BLK_F_CONFIG_WCE));
    ck_assert(lo & (1u << VIRTIO_BLK_F_TOPOLOGY));
    uint64_t v = 0;
    ck_assert_int_eq(virtio_mmio_read(F.t, VIRTIO_MMIO_CONFIG + VIRTIO_BLK_CFG_MAX_DISCARD_SEG, 4, &v), BUS_OK);
    ck_assert_uint_eq(v, VIRTIO_BLK_DWZ_MAX_SEG);
    ck_assert_int_eq(virtio_mmio_read(F.t, VIRTIO_MMIO_CONFIG + VIRTIO_BLK_CFG_WZ_MAY_UNMAP, 1, &v), BUS_OK);
    ck_assert_uint_eq(v, 1);
    uint64_t before = file_blocks();
    dwz_range(DATA, 8, 16, 0);
    dwz_range(DATA + 16, 64, 8, 0);
    ck_assert_int_eq(request(VIRTIO_BLK_T_DISCARD, 0, DATA, 32), VIRTIO_BLK_S_OK);
    dwz_range(DATA, 40, 3, VIRTIO_BLK_DWZ_F_UNMAP);
    ck_assert_int_eq(request(VIRTIO_BLK_T_WRITE_ZEROES, 0, DATA, 16), VIRTIO_BLK_S_OK);
    for (uint64_t s = 0; s < 80; s++) {
        bool zeroed = (s >= 8 && s < 24) || (s >= 64 && s < 72) || (s >= 40 && s < 43);
        ck_assert_msg(sector_has_pattern(s) != zeroed, "sector %llu", (unsigned long long)s);
    }
    ck_assert_uint_lt(file_blocks(), before);
}
END_TEST

START_TEST(discard_bad_requests)
{
    dwz_range(DATA, 8, 8, VIRTIO_BLK_DWZ_F_UNMAP); /* UNMAP is for WRITE_ZEROES only */
    ck_assert_int_eq(request(VIRTIO_BLK_T_DISCARD, 0, DATA, 16), VIRTIO_BLK_S_UNSUPP);
    dwz_range(DATA, 8, 8, 2); /* a reserved flag */
    ck_assert_int_eq(request(VIRTIO_BLK_T_WRITE_ZEROES, 0, DATA, 16), VIRTIO_BLK_S_UNSUPP);
    dwz_range(DATA, IMG_BYTES / 512 - 4, 8, 0); /* past the end */
    ck_assert_int_eq(request(VIRTIO_BLK_T_DISCARD, 0, DATA, 16), VIRTIO_BLK_S_IOERR);
    dwz_range(DATA, UINT64_MAX - 2, 8, 0); /* sector + num wraps */
    ck_assert_int_eq(request(VIRTIO_BLK_T_WRITE_ZEROES, 0, DATA, 16), VIRTIO_BLK_S_IOERR);
    dwz_range(DATA, 0, VIRTIO_BLK_DWZ_MAX_SECTORS + 1, 0);
    ck_assert_int_eq(request(VIRTIO_BLK_T_DISCARD, 0, DATA, 16), VIRTIO_BLK_S_IOERR);
    dwz_range(DATA, 8, 8, 0);
    ck_assert_int_eq(request(VIRTIO_BLK_T_DISCARD, 0, DATA, 24), VIRTIO_BLK_S_IOERR); /* not whole ranges */
    ck_assert_int_eq(request(VIRTIO_BLK_T_DISCARD, 0, DATA, 0), VIRTIO_BLK_S_IOERR);  /* no range */
    for (unsigned i = 0; i <= VIRTIO_BLK_DWZ_MAX_SEG; i++)
        dwz_range(DATA + 16u * i, 8, 8, 0);
    ck_assert_int_eq(request(VIRTIO_BLK_T_DISCARD, 0, DATA, 16u * (VIRTIO_BLK_DWZ_MAX_SEG + 1)), VIRTIO_BLK_S_IOERR);
    for (uint64_t s = 0; s < 24; s++)
        ck_assert(sector_has_pattern(s));
}
END_TEST

START_TEST(readonly_refuses_discard)
{
    detach();
    attach(true, false);
    wreg(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
    ck_assert(!(rreg(VIRTIO_MMIO_DEVICE_FEATURES) & (1u << VIRTIO_BLK_F_DISCARD)));
    dwz_range(DATA, 8, 8, 0);
    ck_assert_int_eq(request(VIRTIO_BLK_T_DISCARD, 0, DATA, 16), VIRTIO_BLK_S_IOERR);
    ck_assert_int_eq(request(VIRTIO_BLK_T_WRITE_ZEROES, 0, DATA, 16), VIRTIO_BLK_S_IOERR);
    ck_assert(sector_has_pattern(8));
}
END_TEST

/* -snapshot: zeros for the guest (a whole overlay block as a hole, a partial
 * one written), the image untouched. */
START_TEST(snapshot_write_zeroes_keeps_file)
{
    detach();
    attach(false, true);
    dwz_range(DATA, 8, 8, VIRTIO_BLK_DWZ_F_UNMAP);
    dwz_range(DATA + 16, 41, 1, 0);
    ck_assert_int_eq(request(VIRTIO_BLK_T_WRITE_ZEROES, 0, DATA, 32), VIRTIO_BLK_S_OK);
    memset(ram(DATA + 0x2000), 0xee, 18 * 512);
    ck_assert_int_eq(request(VIRTIO_BLK_T_IN, 7, DATA + 0x2000, 36 * 512), VIRTIO_BLK_S_OK);
    for (unsigned s = 7; s < 43; s++)
        for (unsigned i = 0; i < 512; i += 51) {
            bool zeroed = (s >= 8 && s < 16) || s == 41;
            ck_assert_uint_eq(get(DATA + 0x2000 + (s - 7) * 512 + i, 1), zeroed ? 0 : pattern(s * 512 + i));
        }
    detach();
    for (uint64_t s = 0; s < 48; s++)
        ck_assert(sector_has_pattern(s));
    attach(false, false);
}
END_TEST

/* CONFIG_WCE: the driver can choose writethrough (every OUT flushed before
 * it completes); a reset brings writeback back. */
START_TEST(write_cache_mode)
{
    uint64_t v = 0;
    ck_assert_int_eq(virtio_mmio_read(F.t, VIRTIO_MMIO_CONFIG + VIRTIO_BLK_CFG_WRITEBACK, 1, &v), BUS_OK);
    ck_assert_uint_eq(v, 1);
    ck_assert_int_eq(virtio_mmio_write(F.t, VIRTIO_MMIO_CONFIG + VIRTIO_BLK_CFG_WRITEBACK, 1, 0), BUS_OK);
    ck_assert_int_eq(virtio_mmio_write(F.t, VIRTIO_MMIO_CONFIG + VIRTIO_BLK_CFG_CAPACITY, 4, 7), BUS_OK);
    ck_assert_int_eq(virtio_mmio_read(F.t, VIRTIO_MMIO_CONFIG + VIRTIO_BLK_CFG_WRITEBACK, 1, &v), BUS_OK);
    ck_assert_uint_eq(v, 0);
    ck_assert_int_eq(virtio_mmio_read(F.t, VIRTIO_MMIO_CONFIG + VIRTIO_BLK_CFG_CAPACITY, 8, &v), BUS_OK);
    ck_assert_uint_eq(v, IMG_BYTES / 512); /* read-only */
    memset(ram(DATA), 0x5a, 512);
    ck_assert_int_eq(request(VIRTIO_BLK_T_OUT, 2, DATA, 512), VIRTIO_BLK_S_OK);
    uint8_t got[512];
    FILE *f = fopen(F.path, "rb");
    ck_assert_ptr_nonnull(f);
    fseek(f, 2 * 512, SEEK_SET);
    ck_assert_uint_eq(fread(got, 1, sizeof got, f), sizeof got);
    fclose(f);
    for (unsigned i = 0; i < sizeof got; i++)
        ck_assert_uint_eq(got[i], 0x5a);
    wreg(VIRTIO_MMIO_STATUS, 0);
    ck_assert_int_eq(virtio_mmio_read(F.t, VIRTIO_MMIO_CONFIG + VIRTIO_BLK_CFG_WRITEBACK, 1, &v), BUS_OK);
    ck_assert_uint_eq(v, 1);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("virtio_blk");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, config_and_features);
    tcase_add_test(tc, read_sectors);
    tcase_add_test(tc, write_flush_reaches_file);
    tcase_add_test(tc, get_id);
    tcase_add_test(tc, bad_requests_ioerr);
    tcase_add_test(tc, no_status_byte_needs_reset);
    tcase_add_test(tc, huge_length_no_crash);
    tcase_add_test(tc, readonly_refuses_writes);
    tcase_add_test(tc, snapshot_keeps_file);
    tcase_add_test(tc, discard_and_write_zeroes_punch_holes);
    tcase_add_test(tc, discard_bad_requests);
    tcase_add_test(tc, readonly_refuses_discard);
    tcase_add_test(tc, snapshot_write_zeroes_keeps_file);
    tcase_add_test(tc, write_cache_mode);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
