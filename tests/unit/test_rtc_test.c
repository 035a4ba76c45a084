/* Unit tests of the goldfish RTC and the SiFive test finisher, driven through
 * their MMIO callbacks; the RTC's irq line goes to a recording fake. */
#include <check.h>
#include <stdlib.h>
#include <time.h>

#include "devices/goldfish_rtc.h"
#include "devices/sifive_test.h"

static struct goldfish_rtc *rtc;
static struct mmio_region reg;
static int irq_level = -1; /* last level driven on the line, -1 = never */
static unsigned irq_source;
static uint64_t fake_ns;

static void fake_set_level(void *ctrl, unsigned source, bool level)
{
    irq_level = level;
    irq_source = source;
}
static uint64_t fake_clock(void *opaque) { return *(uint64_t *)opaque; }

static uint64_t host_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void setup(void)
{
    irq_level = -1;
    rtc = goldfish_rtc_create((struct irq_line){ fake_set_level, NULL, 11 });
    ck_assert_ptr_nonnull(rtc);
    reg = goldfish_rtc_region(rtc, 0x101000, 0x1000);
}

static void teardown(void) { goldfish_rtc_destroy(rtc); }

static uint32_t rd(uint64_t off)
{
    uint64_t v = 0xdeadbeef;
    ck_assert_int_eq(reg.read(reg.opaque, off, 4, &v), BUS_OK);
    return (uint32_t)v;
}
static void wr(uint64_t off, uint32_t v) { ck_assert_int_eq(reg.write(reg.opaque, off, 4, v), BUS_OK); }

static uint64_t read_time(void)
{
    uint64_t lo = rd(GOLDFISH_RTC_TIME_LOW);
    return ((uint64_t)rd(GOLDFISH_RTC_TIME_HIGH) << 32) | lo;
}

START_TEST(time_close_to_host)
{
    uint64_t before = host_ns();
    uint64_t t = read_time();
    uint64_t after = host_ns();
    ck_assert_uint_ge(t, before);
    ck_assert_uint_le(t, after);
}
END_TEST

START_TEST(time_high_latched)
{
    goldfish_rtc_set_clock(rtc, fake_clock, &fake_ns);
    fake_ns = 0x00000001ffffffffull;
    ck_assert_uint_eq(rd(GOLDFISH_RTC_TIME_LOW), 0xffffffff);
    fake_ns = 0x0000000200000000ull; /* the low half wraps between the reads */
    ck_assert_uint_eq(rd(GOLDFISH_RTC_TIME_HIGH), 1);
    ck_assert_uint_eq(rd(GOLDFISH_RTC_TIME_LOW), 0);
    ck_assert_uint_eq(rd(GOLDFISH_RTC_TIME_HIGH), 2);
}
END_TEST

START_TEST(time_set)
{
    goldfish_rtc_set_clock(rtc, fake_clock, &fake_ns);
    fake_ns = 1000;
    /* Linux's set_time: HIGH then LOW. */
    wr(GOLDFISH_RTC_TIME_HIGH, 0x12);
    wr(GOLDFISH_RTC_TIME_LOW, 0x34);
    ck_assert_uint_eq(read_time(), 0x1200000034ull);
    fake_ns += 500;
    ck_assert_uint_eq(read_time(), 0x1200000034ull + 500);
}
END_TEST

START_TEST(alarm_raises_irq)
{
    goldfish_rtc_set_clock(rtc, fake_clock, &fake_ns);
    fake_ns = 10000;
    wr(GOLDFISH_RTC_IRQ_ENABLED, 1);
    wr(GOLDFISH_RTC_ALARM_HIGH, 0);
    wr(GOLDFISH_RTC_ALARM_LOW, 15000);
    ck_assert_uint_eq(rd(GOLDFISH_RTC_ALARM_STATUS), 1);
    ck_assert_uint_eq(rd(GOLDFISH_RTC_ALARM_LOW), 15000);
    ck_assert_uint_eq(goldfish_rtc_ns_until_alarm(rtc), 5000);
    goldfish_rtc_update(rtc);
    ck_assert_int_ne(irq_level, 1);
    fake_ns = 15000;
    goldfish_rtc_update(rtc);
    ck_assert_int_eq(irq_level, 1);
    ck_assert_uint_eq(irq_source, 11);
    ck_assert_uint_eq(rd(GOLDFISH_RTC_ALARM_STATUS), 0);
    ck_assert_uint_eq(goldfish_rtc_ns_until_alarm(rtc), UINT64_MAX);
    wr(GOLDFISH_RTC_CLEAR_INTERRUPT, 1);
    ck_assert_int_eq(irq_level, 0);
}
END_TEST

START_TEST(alarm_needs_irq_enabled)
{
    goldfish_rtc_set_clock(rtc, fake_clock, &fake_ns);
    fake_ns = 10000;
    wr(GOLDFISH_RTC_ALARM_LOW, 5000); /* in the past: fires at once */
    ck_assert_uint_eq(rd(GOLDFISH_RTC_ALARM_STATUS), 0);
    ck_assert_int_ne(irq_level, 1); /* interrupt pending but masked */
    wr(GOLDFISH_RTC_IRQ_ENABLED, 1);
    ck_assert_int_eq(irq_level, 1);
    wr(GOLDFISH_RTC_IRQ_ENABLED, 0);
    ck_assert_int_eq(irq_level, 0);
    /* A cleared alarm never fires. */
    wr(GOLDFISH_RTC_CLEAR_INTERRUPT, 1);
    wr(GOLDFISH_RTC_IRQ_ENABLED, 1);
    wr(GOLDFISH_RTC_ALARM_LOW, 20000);
    wr(GOLDFISH_RTC_CLEAR_ALARM, 1);
    fake_ns = 30000;
    goldfish_rtc_update(rtc);
    ck_assert_int_eq(irq_level, 0);
}
END_TEST

/* A machine reset: the alarm and its interrupt gone, the time kept. */
START_TEST(rtc_machine_reset)
{
    goldfish_rtc_set_clock(rtc, fake_clock, &fake_ns);
    fake_ns = 10000;
    wr(GOLDFISH_RTC_TIME_HIGH, 0x12);
    wr(GOLDFISH_RTC_TIME_LOW, 0x34);
    wr(GOLDFISH_RTC_IRQ_ENABLED, 1);
    wr(GOLDFISH_RTC_ALARM_LOW, 5); /* in the past: pending at once */
    ck_assert_int_eq(irq_level, 1);
    wr(GOLDFISH_RTC_ALARM_HIGH, 0x13);
    wr(GOLDFISH_RTC_ALARM_LOW, 0); /* armed, in the future */
    ck_assert_uint_eq(rd(GOLDFISH_RTC_ALARM_STATUS), 1);
    goldfish_rtc_reset(rtc);
    ck_assert_int_eq(irq_level, 0);
    ck_assert_uint_eq(rd(GOLDFISH_RTC_ALARM_STATUS), 0);
    ck_assert_uint_eq(rd(GOLDFISH_RTC_IRQ_ENABLED), 0);
    ck_assert_uint_eq(goldfish_rtc_ns_until_alarm(rtc), UINT64_MAX);
    ck_assert_uint_eq(read_time(), 0x1200000034ull); /* a battery-backed clock */
}
END_TEST

START_TEST(rtc_out_of_range)
{
    wr(0x20, 1);
    wr(0xffc, 1);
    ck_assert_uint_eq(rd(0x20), 0);
    ck_assert_uint_eq(rd(0xffc), 0);
    ck_assert_uint_eq(reg.min_access, 4); /* the bus refuses other sizes (test_bus) */
    ck_assert_uint_eq(reg.max_access, 4);
    ck_assert_int_eq(irq_level, -1);
}
END_TEST

/* SiFive test finisher */
static int nfinish;
static enum sifive_test_action last_action;
static unsigned last_code;

static void on_finish(void *opaque, enum sifive_test_action action, unsigned code)
{
    ck_assert_ptr_eq(opaque, &nfinish);
    nfinish++;
    last_action = action;
    last_code = code;
}

START_TEST(test_device_actions)
{
    nfinish = 0;
    struct sifive_test *t = sifive_test_create(on_finish, &nfinish);
    ck_assert_ptr_nonnull(t);
    struct mmio_region r = sifive_test_region(t, 0x100000, 0x1000);
    uint64_t v = 1;
    ck_assert_int_eq(r.read(r.opaque, 0, 4, &v), BUS_OK);
    ck_assert_uint_eq(v, 0);
    r.write(r.opaque, 0, 4, 0x5555);
    ck_assert_int_eq(nfinish, 1);
    ck_assert_int_eq(last_action, SIFIVE_TEST_PASS);
    ck_assert_uint_eq(last_code, 0);
    r.write(r.opaque, 0, 4, (42u << 16) | 0x3333);
    ck_assert_int_eq(nfinish, 2);
    ck_assert_int_eq(last_action, SIFIVE_TEST_FAIL);
    ck_assert_uint_eq(last_code, 42);
    r.write(r.opaque, 0, 4, 0x7777);
    ck_assert_int_eq(nfinish, 3);
    ck_assert_int_eq(last_action, SIFIVE_TEST_RESET);
    /* Other values and offsets do nothing. */
    r.write(r.opaque, 0, 4, 0x1234);
    r.write(r.opaque, 4, 4, 0x5555);
    r.write(r.opaque, 0xffc, 4, 0x3333);
    ck_assert_int_eq(nfinish, 3);
    /* OpenSBI's driver stores 16 bits; the region accepts 2-byte accesses. */
    ck_assert_uint_eq(r.min_access, 2);
    r.write(r.opaque, 0, 2, 0x5555);
    ck_assert_int_eq(nfinish, 4);
    ck_assert_int_eq(last_action, SIFIVE_TEST_PASS);
    sifive_test_destroy(t);
    /* No callback: writes are ignored. */
    t = sifive_test_create(NULL, NULL);
    r = sifive_test_region(t, 0x100000, 0x1000);
    ck_assert_int_eq(r.write(r.opaque, 0, 4, 0x5555), BUS_OK);
    sifive_test_destroy(t);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("rtc_test");
    TCase *tc = tcase_create("goldfish_rtc");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, time_close_to_host);
    tcase_add_test(tc, time_high_latched);
    tcase_add_test(tc, time_set);
    tcase_add_test(tc, alarm_raises_irq);
    tcase_add_test(tc, alarm_needs_irq_enabled);
    tcase_add_test(tc, rtc_out_of_range);
    tcase_add_test(tc, rtc_machine_reset);
    suite_add_tcase(s, tc);
    TCase *tt = tcase_create("sifive_test");
    tcase_add_test(tt, test_device_actions);
    suite_add_tcase(s, tt);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
