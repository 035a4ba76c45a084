/* Unit tests of the CFI flash bank's snapshot state (devices/pflash.h):
 * what a restore leaves in the bank, and that a bank the guest never
 * touched costs a save or a restore nothing. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices/pflash.h"
#include "rivet/snapstream.h"

/* The process's page-table size in KiB (/proc/self/status, VmPTE). */
static long vm_pte_kib(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kib = -1;
    while (f && fgets(line, sizeof line, f))
        if (!strncmp(line, "VmPTE:", 6))
            kib = strtol(line + 6, NULL, 10);
    if (f)
        fclose(f);
    return kib;
}

static struct pflash *bank(void)
{
    char err[200];
    struct pflash *f = pflash_create(NULL, err, sizeof err);
    ck_assert_msg(f != NULL, "%s", err);
    return f;
}

static void wr(struct mmio_region *r, uint64_t off, uint64_t v)
{
    ck_assert_int_eq(r->write(r->opaque, off, 4, v), BUS_OK);
}

static uint32_t rd(struct mmio_region *r, uint64_t off)
{
    uint64_t v = 0;
    ck_assert_int_eq(r->read(r->opaque, off, 4, &v), BUS_OK);
    return (uint32_t)v;
}

/* Word program (0x40 on both chips), then back to read array. */
static void program(struct mmio_region *r, uint64_t off, uint32_t v)
{
    wr(r, off, 0x00400040);
    wr(r, off, v);
    wr(r, off, 0x00ff00ff);
}

static void restore(struct pflash *f, const struct snapshot_writer *w)
{
    for (int dry = 1; dry >= 0; dry--) {
        struct snapshot_reader r = { .p = w->buf, .len = w->len, .dry = dry };
        ck_assert_msg(pflash_restore(f, &r), "restore refused: %s", r.why);
    }
}

/* A restore leaves the saved contents and nothing else: a page the bank
 * had written since is zero again. */
START_TEST(restore_gives_the_saved_contents)
{
    struct pflash *a = bank(), *b = bank();
    struct mmio_region ra = pflash_region(a, "a", 0, PFLASH_BANK_SIZE);
    struct mmio_region rb = pflash_region(b, "b", 0, PFLASH_BANK_SIZE);
    program(&ra, 0x1000, 0x12345678);
    program(&rb, 0x200000, 0x0badf00d);
    struct snapshot_writer w = { 0 };
    pflash_save(a, &w);
    ck_assert(!w.failed);
    restore(b, &w);
    ck_assert_uint_eq(rd(&rb, 0x1000), 0x12345678);
    ck_assert_uint_eq(rd(&rb, 0x200000), 0);
    snap_writer_free(&w);
    pflash_destroy(a);
    pflash_destroy(b);
}
END_TEST

/* A bank nobody programmed is calloc's untouched zero pages: saving it and
 * restoring into a fresh one (every -loadvm) must not read its 32 MiB,
 * which mapped a page-table entry per page and took 30-40 ms of each
 * restore. */
START_TEST(an_untouched_bank_costs_nothing)
{
    struct pflash *a = bank(), *b = bank();
    long before = vm_pte_kib();
    struct snapshot_writer w = { 0 };
    pflash_save(a, &w);
    ck_assert(!w.failed);
    restore(b, &w);
    long after = vm_pte_kib();
    ck_assert_int_ge(before, 0);
    ck_assert_msg(after - before < 32, "save and restore of untouched banks mapped %ld KiB of page tables",
                  after - before);
    struct mmio_region rb = pflash_region(b, "b", 0, PFLASH_BANK_SIZE);
    ck_assert_uint_eq(rd(&rb, 0x1000), 0);
    snap_writer_free(&w);
    pflash_destroy(a);
    pflash_destroy(b);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("pflash");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, restore_gives_the_saved_contents);
    tcase_add_test(tc, an_untouched_bank_costs_nothing);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
