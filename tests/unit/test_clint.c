/* Unit tests of the CLINT, driven through its MMIO callbacks with fake harts
 * (recording mip bits) and a fake time source. */
#include <check.h>
#include <stdlib.h>

#include "devices/clint.h"
#include "rivet/encoding.h"

#define NHARTS 2

static uint64_t mip[NHARTS + 1]; /* one spare entry catches stray writes */
static uint64_t fake_now;
static struct clint *clint;
static struct mmio_region reg;

static void fake_set(void *hart, uint64_t bits) { *(uint64_t *)hart |= bits; }
static void fake_clear(void *hart, uint64_t bits) { *(uint64_t *)hart &= ~bits; }
static uint64_t fake_time(void *opaque) { return *(uint64_t *)opaque; }

static void setup(void)
{
    struct hart_port ports[NHARTS];
    for (int i = 0; i < NHARTS; i++)
        ports[i] = (struct hart_port){ fake_set, fake_clear, &mip[i] };
    for (int i = 0; i <= NHARTS; i++)
        mip[i] = 0;
    fake_now = 1000;
    clint = clint_create(NHARTS, ports, (struct time_source){ fake_time, &fake_now });
    ck_assert_ptr_nonnull(clint);
    reg = clint_region(clint, 0x2000000, 0x10000);
}

static void teardown(void) { clint_destroy(clint); }

static uint64_t rd(uint64_t off, unsigned size)
{
    uint64_t v = 0xdeadbeef;
    ck_assert_int_eq(reg.read(reg.opaque, off, size, &v), BUS_OK);
    return v;
}

static void wr(uint64_t off, unsigned size, uint64_t v)
{
    ck_assert_int_eq(reg.write(reg.opaque, off, size, v), BUS_OK);
}

START_TEST(msip_set_clear)
{
    wr(CLINT_MSIP_BASE + 4, 4, 0xffffffff);
    ck_assert_uint_eq(mip[1], MIP_MSIP);
    ck_assert_uint_eq(mip[0], 0);
    ck_assert_uint_eq(rd(CLINT_MSIP_BASE + 4, 4), 1); /* only bit 0 exists */
    wr(CLINT_MSIP_BASE + 4, 4, 2);                    /* bit 0 clear */
    ck_assert_uint_eq(mip[1], 0);
    /* An 8-byte access covers both harts. */
    wr(CLINT_MSIP_BASE, 8, 0x100000001ull);
    ck_assert_uint_eq(mip[0], MIP_MSIP);
    ck_assert_uint_eq(mip[1], MIP_MSIP);
    ck_assert_uint_eq(rd(CLINT_MSIP_BASE, 8), 0x100000001ull);
}
END_TEST

START_TEST(mtip_follows_mtimecmp)
{
    clint_update(clint);
    ck_assert_uint_eq(mip[0] & MIP_MTIP, 0); /* reset mtimecmp is the maximum */
    wr(CLINT_MTIMECMP_BASE, 8, 1500);
    ck_assert_uint_eq(mip[0] & MIP_MTIP, 0);
    fake_now = 1499;
    clint_update(clint);
    ck_assert_uint_eq(mip[0] & MIP_MTIP, 0);
    fake_now = 1500;
    clint_update(clint);
    ck_assert_uint_eq(mip[0] & MIP_MTIP, MIP_MTIP);
    ck_assert_uint_eq(mip[1] & MIP_MTIP, 0);
    /* A new, later mtimecmp clears MTIP at the write itself. */
    wr(CLINT_MTIMECMP_BASE, 8, 3000);
    ck_assert_uint_eq(mip[0] & MIP_MTIP, 0);
    /* A past mtimecmp for hart 1 sets its MTIP at once. */
    wr(CLINT_MTIMECMP_BASE + 8, 8, 10);
    ck_assert_uint_eq(mip[1] & MIP_MTIP, MIP_MTIP);
}
END_TEST

START_TEST(halves_32bit)
{
    wr(CLINT_MTIMECMP_BASE + 8, 4, 0x89abcdef);
    wr(CLINT_MTIMECMP_BASE + 12, 4, 0x01234567);
    ck_assert_uint_eq(rd(CLINT_MTIMECMP_BASE + 8, 8), 0x0123456789abcdefull);
    ck_assert_uint_eq(rd(CLINT_MTIMECMP_BASE + 8, 4), 0x89abcdef);
    ck_assert_uint_eq(rd(CLINT_MTIMECMP_BASE + 12, 4), 0x01234567);
    fake_now = 0x1122334455667788ull;
    ck_assert_uint_eq(rd(CLINT_MTIME, 4), 0x55667788);
    ck_assert_uint_eq(rd(CLINT_MTIME + 4, 4), 0x11223344);
    ck_assert_uint_eq(rd(CLINT_MTIME, 8), 0x1122334455667788ull);
}
END_TEST

START_TEST(mtime_write)
{
    wr(CLINT_MTIME, 8, 5000);
    ck_assert_uint_eq(clint_mtime(clint), 5000);
    fake_now += 7;
    ck_assert_uint_eq(rd(CLINT_MTIME, 8), 5007);
    /* Writing the high half alone keeps the low half. */
    wr(CLINT_MTIME + 4, 4, 2);
    ck_assert_uint_eq(clint_mtime(clint), (2ull << 32) | 5007);
    /* Moving mtime past mtimecmp raises MTIP; moving it back clears it. */
    wr(CLINT_MTIMECMP_BASE, 8, 3ull << 32);
    ck_assert_uint_eq(mip[0] & MIP_MTIP, 0);
    wr(CLINT_MTIME + 4, 4, 3);
    ck_assert_uint_eq(mip[0] & MIP_MTIP, MIP_MTIP);
    wr(CLINT_MTIME, 8, 0);
    ck_assert_uint_eq(mip[0] & MIP_MTIP, 0);
}
END_TEST

START_TEST(next_deadline)
{
    ck_assert_uint_eq(clint_next_deadline(clint), UINT64_MAX);
    wr(CLINT_MTIMECMP_BASE, 8, 4000);
    wr(CLINT_MTIMECMP_BASE + 8, 8, 2500);
    ck_assert_uint_eq(clint_next_deadline(clint), 2500);
    fake_now = 2500; /* hart 1's deadline reached, but its MTIP not yet raised */
    ck_assert_uint_eq(clint_next_deadline(clint), 2500);
    clint_update(clint); /* raised: only hart 0's remains */
    ck_assert_uint_eq(mip[1] & MIP_MTIP, MIP_MTIP);
    ck_assert_uint_eq(clint_next_deadline(clint), 4000);
    fake_now = 5000;
    clint_update(clint);
    ck_assert_uint_eq(clint_next_deadline(clint), UINT64_MAX);
}
END_TEST

START_TEST(out_of_range)
{
    /* msip and mtimecmp of a hart beyond nharts, and holes: read 0, no effect. */
    wr(CLINT_MSIP_BASE + 4 * NHARTS, 4, 1);
    wr(CLINT_MTIMECMP_BASE + 8 * NHARTS, 8, 0);
    wr(0x3ffc, 4, 1);
    wr(0xbff0, 8, 0);
    wr(0xc000, 8, 1);
    wr(0xfff8, 8, 1);
    ck_assert_uint_eq(mip[NHARTS], 0);
    ck_assert_uint_eq(mip[0] | mip[1], 0);
    ck_assert_uint_eq(rd(CLINT_MSIP_BASE + 4 * NHARTS, 4), 0);
    ck_assert_uint_eq(rd(CLINT_MTIMECMP_BASE + 8 * NHARTS, 8), 0);
    ck_assert_uint_eq(rd(0xfff8, 8), 0);
    /* msip of the last hart plus the missing next one, as one 8-byte access. */
    wr(CLINT_MSIP_BASE + 4 * (NHARTS - 1), 8, 0x100000001ull);
    ck_assert_uint_eq(mip[NHARTS - 1], MIP_MSIP);
    ck_assert_uint_eq(mip[NHARTS], 0);
    ck_assert_uint_eq(reg.min_access, 4); /* the bus refuses 1 and 2 bytes (test_bus) */
    ck_assert_uint_eq(reg.max_access, 8);
}
END_TEST

START_TEST(create_rejects)
{
    struct hart_port p = { fake_set, fake_clear, &mip[0] };
    struct time_source t = { fake_time, &fake_now };
    ck_assert_ptr_null(clint_create(0, &p, t));
    ck_assert_ptr_null(clint_create(5000, &p, t));
}
END_TEST

/* A machine reset: msip, mtimecmp and the mtime offset as at creation,
 * MSIP and MTIP low. */
START_TEST(reset_to_power_on)
{
    wr(CLINT_MSIP_BASE, 4, 1);
    wr(CLINT_MTIMECMP_BASE + 8, 8, 10); /* past: MTIP on hart 1 */
    wr(CLINT_MTIME, 8, 5000);
    ck_assert_uint_eq(mip[0], MIP_MSIP);
    ck_assert_uint_eq(mip[1], MIP_MTIP);
    clint_reset(clint);
    ck_assert_uint_eq(mip[0], 0);
    ck_assert_uint_eq(mip[1], 0);
    ck_assert_uint_eq(rd(CLINT_MSIP_BASE, 4), 0);
    ck_assert_uint_eq(rd(CLINT_MTIMECMP_BASE + 8, 8), UINT64_MAX);
    ck_assert_uint_eq(rd(CLINT_MTIME, 8), fake_now); /* the guest's mtime write is forgotten */
    ck_assert_uint_eq(clint_next_deadline(clint), UINT64_MAX);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("clint");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, msip_set_clear);
    tcase_add_test(tc, mtip_follows_mtimecmp);
    tcase_add_test(tc, halves_32bit);
    tcase_add_test(tc, mtime_write);
    tcase_add_test(tc, next_deadline);
    tcase_add_test(tc, out_of_range);
    tcase_add_test(tc, create_rejects);
    tcase_add_test(tc, reset_to_power_on);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
