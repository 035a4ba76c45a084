/* Unit tests of the PLIC, driven through its MMIO callbacks and irq lines
 * with fake harts that record their mip bits. */
#include <check.h>
#include <stdlib.h>

#include "devices/plic.h"
#include "rivet/encoding.h"

#define NHARTS   2
#define NSOURCES 96
#define CTX_M(h) (2 * (h))
#define CTX_S(h) (2 * (h) + 1)

static uint64_t mip[NHARTS];
static struct plic *plic;
static struct mmio_region reg;

static void fake_set(void *hart, uint64_t bits) { *(uint64_t *)hart |= bits; }
static void fake_clear(void *hart, uint64_t bits) { *(uint64_t *)hart &= ~bits; }

static void setup(void)
{
    struct hart_port ports[NHARTS];
    for (int i = 0; i < NHARTS; i++) {
        ports[i] = (struct hart_port){ fake_set, fake_clear, &mip[i] };
        mip[i] = 0;
    }
    plic = plic_create(NSOURCES, NHARTS, ports);
    ck_assert_ptr_nonnull(plic);
    reg = plic_region(plic, 0xc000000, 0x600000);
}

static void teardown(void) { plic_destroy(plic); }

static uint32_t rd(uint64_t off)
{
    uint64_t v = 0xdeadbeef;
    ck_assert_int_eq(reg.read(reg.opaque, off, 4, &v), BUS_OK);
    return (uint32_t)v;
}

static void wr(uint64_t off, uint32_t v) { ck_assert_int_eq(reg.write(reg.opaque, off, 4, v), BUS_OK); }

static void set_prio(unsigned src, uint32_t p) { wr(PLIC_PRIORITY_BASE + 4 * src, p); }
static void enable(unsigned ctx, unsigned src)
{
    uint64_t off = PLIC_ENABLE_BASE + PLIC_ENABLE_STRIDE * ctx + 4 * (src / 32);
    wr(off, rd(off) | (1u << (src % 32)));
}
static void threshold(unsigned ctx, uint32_t t) { wr(PLIC_CONTEXT_BASE + PLIC_CONTEXT_STRIDE * ctx, t); }
static uint32_t claim(unsigned ctx) { return rd(PLIC_CONTEXT_BASE + PLIC_CONTEXT_STRIDE * ctx + PLIC_CLAIM_OFFSET); }
static void complete(unsigned ctx, uint32_t src)
{
    wr(PLIC_CONTEXT_BASE + PLIC_CONTEXT_STRIDE * ctx + PLIC_CLAIM_OFFSET, src);
}
static void line(unsigned src, bool level)
{
    struct irq_line l = plic_line(plic, src);
    irq_set(&l, level);
}

START_TEST(priority_bits)
{
    set_prio(5, 0xffffffff);
    ck_assert_uint_eq(rd(PLIC_PRIORITY_BASE + 4 * 5), PLIC_MAX_PRIORITY);
    set_prio(0, 3); /* source 0 does not exist */
    ck_assert_uint_eq(rd(PLIC_PRIORITY_BASE), 0);
}
END_TEST

START_TEST(pending_needs_enable_priority_threshold)
{
    line(10, true);
    ck_assert_uint_eq(rd(PLIC_PENDING_BASE), 1u << 10);
    ck_assert_uint_eq(mip[0], 0); /* not enabled, priority 0 */
    enable(CTX_M(0), 10);
    ck_assert_uint_eq(mip[0], 0); /* priority 0 never interrupts */
    set_prio(10, 2);
    ck_assert_uint_eq(mip[0], MIP_MEIP);
    threshold(CTX_M(0), 2); /* needs priority > threshold */
    ck_assert_uint_eq(mip[0], 0);
    ck_assert_uint_eq(claim(CTX_M(0)), 0);
    ck_assert_uint_eq(rd(PLIC_PENDING_BASE), 1u << 10); /* empty claim changes nothing */
    threshold(CTX_M(0), 1);
    ck_assert_uint_eq(mip[0], MIP_MEIP);
    /* Pending is read-only. */
    wr(PLIC_PENDING_BASE, 0);
    ck_assert_uint_eq(rd(PLIC_PENDING_BASE), 1u << 10);
    /* A level that drops before the claim withdraws the request. */
    line(10, false);
    ck_assert_uint_eq(rd(PLIC_PENDING_BASE), 0);
    ck_assert_uint_eq(mip[0], 0);
}
END_TEST

START_TEST(claim_order_and_ties)
{
    unsigned srcs[] = { 3, 7, 40, 65 };
    for (unsigned i = 0; i < 4; i++) {
        enable(CTX_S(1), srcs[i]);
        line(srcs[i], true);
    }
    set_prio(3, 1);
    set_prio(7, 4);
    set_prio(40, 6);
    set_prio(65, 4);
    ck_assert_uint_eq(mip[1], MIP_SEIP);
    ck_assert_uint_eq(mip[0], 0);
    ck_assert_uint_eq(rd(PLIC_PENDING_BASE + 8), 1u << 1); /* source 65 */
    ck_assert_uint_eq(claim(CTX_S(1)), 40);
    ck_assert_uint_eq(claim(CTX_S(1)), 7); /* tie at 4: lowest id */
    ck_assert_uint_eq(claim(CTX_S(1)), 65);
    ck_assert_uint_eq(mip[1], MIP_SEIP);
    ck_assert_uint_eq(claim(CTX_S(1)), 3);
    ck_assert_uint_eq(mip[1], 0); /* all in service */
    ck_assert_uint_eq(claim(CTX_S(1)), 0);
}
END_TEST

START_TEST(level_repending_after_complete)
{
    set_prio(9, 1);
    enable(CTX_M(0), 9);
    line(9, true);
    ck_assert_uint_eq(claim(CTX_M(0)), 9);
    ck_assert_uint_eq(rd(PLIC_PENDING_BASE), 0);
    ck_assert_uint_eq(mip[0], 0);
    line(9, true); /* in service: not forwarded */
    ck_assert_uint_eq(rd(PLIC_PENDING_BASE), 0);
    complete(CTX_M(0), 9); /* line still high: pending again */
    ck_assert_uint_eq(rd(PLIC_PENDING_BASE), 1u << 9);
    ck_assert_uint_eq(mip[0], MIP_MEIP);
    ck_assert_uint_eq(claim(CTX_M(0)), 9);
    line(9, false);
    complete(CTX_M(0), 9); /* line low: stays idle */
    ck_assert_uint_eq(rd(PLIC_PENDING_BASE), 0);
    ck_assert_uint_eq(mip[0], 0);
}
END_TEST

START_TEST(meip_vs_seip_per_context)
{
    set_prio(1, 1);
    set_prio(2, 1);
    enable(CTX_S(0), 1);
    enable(CTX_M(1), 2);
    line(1, true);
    ck_assert_uint_eq(mip[0], MIP_SEIP);
    ck_assert_uint_eq(mip[1], 0);
    line(2, true);
    ck_assert_uint_eq(mip[1], MIP_MEIP);
    /* A source enabled in two contexts: claimed once; the other context's
     * complete is ignored. */
    enable(CTX_M(0), 1);
    ck_assert_uint_eq(mip[0], MIP_SEIP | MIP_MEIP);
    ck_assert_uint_eq(claim(CTX_M(0)), 1);
    ck_assert_uint_eq(mip[0], 0);
    ck_assert_uint_eq(claim(CTX_S(0)), 0);
    complete(CTX_S(0), 1); /* not its claim: ignored */
    ck_assert_uint_eq(mip[0], 0);
    complete(CTX_M(0), 1);
    ck_assert_uint_eq(mip[0], MIP_SEIP | MIP_MEIP);
}
END_TEST

START_TEST(out_of_range)
{
    /* Enable bits for source 0 and sources >= NSOURCES stay clear. */
    wr(PLIC_ENABLE_BASE + PLIC_ENABLE_STRIDE * CTX_M(0), 0xffffffff);
    ck_assert_uint_eq(rd(PLIC_ENABLE_BASE + PLIC_ENABLE_STRIDE * CTX_M(0)), 0xfffffffe);
    wr(PLIC_ENABLE_BASE + PLIC_ENABLE_STRIDE * CTX_M(0) + 8, 0xffffffff);
    ck_assert_uint_eq(rd(PLIC_ENABLE_BASE + PLIC_ENABLE_STRIDE * CTX_M(0) + 8), 0xffffffff);
    wr(PLIC_ENABLE_BASE + PLIC_ENABLE_STRIDE * CTX_M(0) + 12, 0xffffffff);
    ck_assert_uint_eq(rd(PLIC_ENABLE_BASE + PLIC_ENABLE_STRIDE * CTX_M(0) + 12), 0);
    /* Contexts beyond 2*NHARTS, sources beyond NSOURCES, holes: 0, no effect. */
    wr(PLIC_ENABLE_BASE + PLIC_ENABLE_STRIDE * 2 * NHARTS, 0xffffffff);
    ck_assert_uint_eq(rd(PLIC_ENABLE_BASE + PLIC_ENABLE_STRIDE * 2 * NHARTS), 0);
    threshold(2 * NHARTS, 5);
    ck_assert_uint_eq(rd(PLIC_CONTEXT_BASE + PLIC_CONTEXT_STRIDE * 2 * NHARTS), 0);
    ck_assert_uint_eq(claim(2 * NHARTS), 0);
    complete(2 * NHARTS, 1);
    set_prio(NSOURCES, 7);
    ck_assert_uint_eq(rd(PLIC_PRIORITY_BASE + 4 * NSOURCES), 0);
    ck_assert_uint_eq(rd(PLIC_PENDING_BASE + 4 * 3), 0);
    ck_assert_uint_eq(rd(PLIC_CONTEXT_BASE + 8), 0);
    ck_assert_uint_eq(rd(0x5ffffc), 0);
    line(0, true);
    line(NSOURCES, true);
    line(12345, true);
    ck_assert_uint_eq(rd(PLIC_PENDING_BASE), 0);
    ck_assert_uint_eq(rd(PLIC_PENDING_BASE + 8), 0);
    complete(CTX_M(0), 0);
    complete(CTX_M(0), 0xffffffff);
    ck_assert_uint_eq(mip[0] | mip[1], 0);
    /* Only 4-byte accesses: the bus refuses the rest before the PLIC sees them (test_bus). */
    ck_assert_uint_eq(reg.min_access, 4);
    ck_assert_uint_eq(reg.max_access, 4);
    /* A line on a missing PLIC is a no-op rather than a crash. */
    struct irq_line l = plic_line(NULL, 3);
    irq_raise(&l);
}
END_TEST

START_TEST(create_rejects)
{
    struct hart_port p = { fake_set, fake_clear, &mip[0] };
    ck_assert_ptr_null(plic_create(0, 1, &p));
    ck_assert_ptr_null(plic_create(PLIC_MAX_SOURCES + 1, 1, &p));
    ck_assert_ptr_null(plic_create(32, 0, &p));
    ck_assert_ptr_null(plic_create(32, 100000, &p));
}
END_TEST

/* A machine reset: priorities, enables and thresholds 0, nothing pending
 * or claimed, MEIP/SEIP low; a line raised afterwards is seen again. */
START_TEST(reset_to_power_on)
{
    set_prio(10, 3);
    enable(CTX_M(0), 10);
    enable(CTX_S(1), 11);
    set_prio(11, 1);
    threshold(CTX_S(1), 0);
    line(10, true);
    line(11, true);
    ck_assert_uint_eq(claim(CTX_M(0)), 10); /* in service */
    ck_assert_uint_eq(mip[1], MIP_SEIP);
    plic_reset(plic);
    ck_assert_uint_eq(mip[0], 0);
    ck_assert_uint_eq(mip[1], 0);
    ck_assert_uint_eq(rd(PLIC_PRIORITY_BASE + 4 * 10), 0);
    ck_assert_uint_eq(rd(PLIC_PENDING_BASE), 0);
    ck_assert_uint_eq(rd(PLIC_ENABLE_BASE + PLIC_ENABLE_STRIDE * CTX_M(0)), 0);
    ck_assert_uint_eq(claim(CTX_M(0)), 0);
    /* Source 10 is no longer in service: raised again, it is pending. */
    line(10, false);
    line(10, true);
    ck_assert_uint_eq(rd(PLIC_PENDING_BASE), 1u << 10);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("plic");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, priority_bits);
    tcase_add_test(tc, pending_needs_enable_priority_threshold);
    tcase_add_test(tc, claim_order_and_ties);
    tcase_add_test(tc, level_repending_after_complete);
    tcase_add_test(tc, meip_vs_seip_per_context);
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
