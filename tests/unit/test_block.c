/*
 * Decoded blocks and how they run (cpu/cache.c, cpu/dispatch.h, cpu/run.c):
 * jal followed within a page, conditional branches looping inside their
 * block, block chaining, and the accounting all of that must keep exact
 * (instret, pc), with guest code assembled by hand into RAM.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/cache.h"
#include "cpu/hart.h"
#include "cpu/insn_table.h"
#include "rivet.h"

#define RAM_BASE 0x80000000ull
#define RAM_SIZE (1ull << 20)

static struct bus bus;
static struct code_cache *cache;
static struct hart *h;

/* Every test runs twice: blocks threaded, and translated on first entry
 * (cpu/jit.h), where the same accounting must come out. */
static unsigned jit_hot;

static void setup(void)
{
    ck_assert(bus_init(&bus, RAM_BASE, RAM_SIZE));
    cache = code_cache_create(&bus);
    ck_assert_ptr_nonnull(cache);
    code_cache_set_jit(cache, jit_hot);
    h = calloc(1, sizeof *h);
    ck_assert_ptr_nonnull(h);
    hart_init(h, &bus, cache, 0);
    ck_assert(code_cache_add_hart(cache, h));
    hart_reset(h, RAM_BASE);
}

static void teardown(void)
{
    free(h);
    code_cache_destroy(cache);
    bus_destroy(&bus);
}

/* ---- a few RV64I encodings ---- */
static uint32_t addi(unsigned rd, unsigned rs1, int imm)
{
    return ((uint32_t)imm & 0xfff) << 20 | rs1 << 15 | rd << 7 | 0x13;
}
static uint32_t jal(unsigned rd, int off)
{
    uint32_t o = (uint32_t)off;
    return ((o >> 20) & 1) << 31 | ((o >> 1) & 0x3ff) << 21 | ((o >> 11) & 1) << 20 | ((o >> 12) & 0xff) << 12 |
           rd << 7 | 0x6f;
}
static uint32_t bne(unsigned rs1, unsigned rs2, int off)
{
    uint32_t o = (uint32_t)off;
    return ((o >> 12) & 1) << 31 | ((o >> 5) & 0x3f) << 25 | rs2 << 20 | rs1 << 15 | 1u << 12 | ((o >> 1) & 0xf) << 8 |
           ((o >> 11) & 1) << 7 | 0x63;
}
#define EBREAK 0x00100073u

static void put(uint64_t pa, const uint32_t *code, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        store_le(bus_ram_ptr(&bus, pa + 4 * i, 4), 4, code[i]);
}

/* Runs until the ebreak at `stop` traps (mtvec points there too, so the
 * hart parks): returns the instructions retired before it. */
static uint64_t run_to(uint64_t stop)
{
    h->mtvec = stop;
    uint64_t start = h->instret;
    for (int i = 0; i < 1000 && !(h->pc == stop && h->mcause == CAUSE_BREAKPOINT); i++)
        hart_run(h, 100000);
    ck_assert_uint_eq(h->mcause, CAUSE_BREAKPOINT);
    ck_assert_uint_eq(h->mepc, stop);
    return h->instret - start;
}

START_TEST(jal_in_page_is_followed)
{
    /* 0: addi x1,x0,1; 4: jal x5,+12 (to 16); 8: addi x1,x1,100 (skipped);
     * 12: ebreak; 16: addi x1,x1,2; 20: jal x0,-8 (back to 12) */
    const uint32_t code[] = { addi(1, 0, 1), jal(5, 12), addi(1, 1, 100), EBREAK, addi(1, 1, 2), jal(0, -8) };
    put(RAM_BASE, code, 6);
    struct block *b = cache_build(cache, RAM_BASE, bus_ram_ptr(&bus, RAM_BASE, 4));
    ck_assert_ptr_nonnull(b);
    /* One trace: addi, jal, addi(16), [j: left out, counted], ebreak(12). */
    ck_assert_uint_eq(b->n, 4);
    ck_assert_int_eq(b->insns[2].off, 16);
    ck_assert_int_eq(b->insns[3].off, 12);
    ck_assert_uint_eq(b->insns[3].id, INSN_ebreak);
    ck_assert_uint_eq(b->insns[3].idx, 4); /* four retire before it */
    ck_assert_uint_eq(b->insns[3].pos, 3);
    ck_assert_uint_eq(run_to(RAM_BASE + 12), 4);
    ck_assert_uint_eq(h->x[1], 3);
    ck_assert_uint_eq(h->x[5], RAM_BASE + 8); /* the link of a followed jal */
}
END_TEST

START_TEST(jal_out_of_page_ends_the_block)
{
    const uint32_t code[] = { addi(1, 0, 7), jal(0, 4096) };
    put(RAM_BASE, code, 2);
    const uint32_t there[] = { EBREAK };
    put(RAM_BASE + 4 + 4096, there, 1);
    struct block *b = cache_build(cache, RAM_BASE, bus_ram_ptr(&bus, RAM_BASE, 4));
    ck_assert_uint_eq(b->n, 2);
    ck_assert_uint_eq(run_to(RAM_BASE + 4 + 4096), 2);
    ck_assert_uint_eq(h->x[1], 7);
}
END_TEST

START_TEST(branch_loops_inside_its_block)
{
    /* 0: addi x1,x0,1000; 4: addi x2,x2,3; 8: addi x1,x1,-1; 12: bne x1,x0,-8;
     * 16: ebreak. 1 + 3 * 1000 instructions before the ebreak. */
    const uint32_t code[] = { addi(1, 0, 1000), addi(2, 2, 3), addi(1, 1, -1), bne(1, 0, -8), EBREAK };
    put(RAM_BASE, code, 5);
    struct block *b = cache_build(cache, RAM_BASE, bus_ram_ptr(&bus, RAM_BASE, 4));
    ck_assert_uint_eq(b->insns[3].tidx, 1); /* the bne's target, found in the block */
    cache_flush_all(cache);
    ck_assert_uint_eq(run_to(RAM_BASE + 16), 3001);
    ck_assert_uint_eq(h->x[2], 3000);
    ck_assert_uint_eq(h->x[1], 0);
}
END_TEST

START_TEST(slices_end_inside_a_loop)
{
    /* The same loop, run 7 instructions at a time: every slice stops at a
     * block boundary past its budget, and the counts still add up. */
    const uint32_t code[] = { addi(1, 0, 200), addi(2, 2, 3), addi(1, 1, -1), bne(1, 0, -8), EBREAK };
    put(RAM_BASE, code, 5);
    h->mtvec = RAM_BASE + 16;
    uint64_t slices = 0;
    while (!(h->pc == RAM_BASE + 16 && h->mcause == CAUSE_BREAKPOINT) && slices < 10000) {
        uint64_t n = hart_run(h, 7);
        ck_assert_uint_lt(n, 7 + MAX_BLOCK_INSNS); /* at most one block past the budget */
        slices++;
    }
    ck_assert_uint_eq(h->instret, 601);
    ck_assert_uint_eq(h->x[2], 600);
    ck_assert_uint_gt(slices, 10);
}
END_TEST

START_TEST(store_into_the_running_loop)
{
    /* The loop overwrites its own increment (addi x2,x2,3 -> addi x2,x2,5)
     * on its first pass: the store invalidates the block, so every later
     * pass runs the new instruction. x3 holds the new encoding. */
    const uint32_t new_insn = addi(2, 2, 5);
    const uint32_t code[] = {
        addi(1, 0, 10), /* 0 */
        addi(2, 2, 3),  /* 4: rewritten */
        0x0032a023u,    /* 8: sw x3, 0(x5) */
        addi(1, 1, -1), /* 12 */
        bne(1, 0, -12), /* 16: to 4 */
        EBREAK,         /* 20 */
    };
    put(RAM_BASE, code, 6);
    h->x[3] = new_insn;
    h->x[5] = RAM_BASE + 4;
    ck_assert_uint_eq(run_to(RAM_BASE + 20), 1 + 4 * 10);
    ck_assert_uint_eq(h->x[2], 3 + 9 * 5);
}
END_TEST

START_TEST(flush_page_drops_its_jump_cache_entries)
{
    const uint32_t code[] = { addi(1, 0, 1), EBREAK };
    put(RAM_BASE, code, 2);
    run_to(RAM_BASE + 4);
    ck_assert_uint_eq(jcache_slot(h, RAM_BASE)->vpc, RAM_BASE);
    hart_flush_page(h, RAM_BASE + 2 * PAGE_SIZE); /* another page: kept */
    ck_assert_uint_eq(jcache_slot(h, RAM_BASE)->vpc, RAM_BASE);
    hart_flush_page(h, RAM_BASE + 8);
    ck_assert_uint_ne(jcache_slot(h, RAM_BASE)->vpc, RAM_BASE);
}
END_TEST

START_TEST(spin_on_j_self)
{
    /* 0: j 0. Every trace of it is left out: the block is the end marker
     * alone, retiring MAX_BLOCK_INSNS jumps a pass, and budgets still hold. */
    const uint32_t code[] = { jal(0, 0) };
    put(RAM_BASE, code, 1);
    struct block *b = cache_build(cache, RAM_BASE, bus_ram_ptr(&bus, RAM_BASE, 4));
    ck_assert_ptr_nonnull(b);
    ck_assert_uint_eq(b->n, 0);
    ck_assert_uint_eq(b->insns[0].idx, MAX_BLOCK_INSNS);
    uint64_t n = hart_run(h, 1000);
    ck_assert_uint_ge(n, 1000);
    ck_assert_uint_lt(n, 1000 + MAX_BLOCK_INSNS);
    ck_assert_uint_eq(h->pc, RAM_BASE);
}
END_TEST

START_TEST(branch_into_a_trace)
{
    /* 0: addi x1,x0,50; 4: j +8 (to 12, left out); 8: ebreak; 12: addi x2,x2,1;
     * 16: addi x1,x1,-1; 20: bne x1,x0,-8 (to 12, in the block); 24: ebreak.
     * The in-block loop's instret must count from the target's idx. */
    const uint32_t code[] = { addi(1, 0, 50), jal(0, 8), EBREAK, addi(2, 2, 1), addi(1, 1, -1), bne(1, 0, -8), EBREAK };
    put(RAM_BASE, code, 7);
    ck_assert_uint_eq(run_to(RAM_BASE + 24), 2 + 3 * 50);
    ck_assert_uint_eq(h->x[2], 50);
}
END_TEST

static uint32_t jalr(unsigned rd, unsigned rs1, int imm)
{
    return ((uint32_t)imm & 0xfff) << 20 | rs1 << 15 | rd << 7 | 0x67;
}

START_TEST(store_into_a_chained_block)
{
    /* Call a routine in the next page, rewrite its first instruction, call
     * it again: the second call, a chained jump through the jump cache,
     * must run the new instruction. */
    const uint64_t sub = RAM_BASE + PAGE_SIZE;
    const uint32_t code[] = { jalr(1, 6, 0), 0x00332023u /* sw x3, 0(x6) */, jalr(1, 6, 0), EBREAK };
    const uint32_t routine[] = { addi(2, 2, 3), jalr(0, 1, 0) };
    put(RAM_BASE, code, 4);
    put(sub, routine, 2);
    h->x[3] = addi(2, 2, 5);
    h->x[6] = sub;
    ck_assert_uint_eq(run_to(RAM_BASE + 12), 7);
    ck_assert_uint_eq(h->x[2], 3 + 5);
}
END_TEST

static void setup_threaded(void)
{
    jit_hot = 0;
    setup();
}

static void setup_translated(void)
{
    jit_hot = 1;
    setup();
}

/* A store to data that shares a page with code leaves the code's blocks in
 * place (only the bytes a block was decoded from count); one into a block's
 * bytes drops that block alone; a block that followed a jump owns the jump's
 * bytes too. */
START_TEST(stores_drop_only_the_blocks_they_touch)
{
    const uint32_t code[] = {
        addi(1, 0, 1), EBREAK,    /* 0: block A */
        addi(2, 0, 2), jal(0, 0), /* 8: block B: addi, then j to itself (followed, not in the array) */
    };
    put(RAM_BASE, code, 4);
    uint8_t *page = bus_ram_ptr(&bus, RAM_BASE, 4);
    struct block *a = cache_build(cache, RAM_BASE, page);
    struct block *b = cache_build(cache, RAM_BASE + 8, page + 8);
    ck_assert_ptr_nonnull(a);
    ck_assert_ptr_nonnull(b);
    struct rivet_code_stats s0, s1;
    code_cache_stats(cache, &s0);
    ck_assert_int_eq(bus_write(&bus, RAM_BASE + 0x800, 8, 42), BUS_OK); /* data on the code page */
    ck_assert_ptr_eq(cache_lookup(cache, RAM_BASE), a);
    ck_assert_ptr_eq(cache_lookup(cache, RAM_BASE + 8), b);
    ck_assert(bus.page_flags[0] & BUS_PAGE_CODE);
    code_cache_stats(cache, &s1);
    ck_assert_uint_eq(s1.invalidations, s0.invalidations);
    ck_assert_int_eq(bus_write(&bus, RAM_BASE + 14, 2, 0), BUS_OK); /* the upper half of B's followed j */
    ck_assert_ptr_null(cache_lookup(cache, RAM_BASE + 8));
    ck_assert_ptr_eq(cache_lookup(cache, RAM_BASE), a);
    ck_assert(bus.page_flags[0] & BUS_PAGE_CODE);
    ck_assert_int_eq(bus_write(&bus, RAM_BASE + 4, 4, EBREAK), BUS_OK); /* A's own bytes */
    ck_assert_ptr_null(cache_lookup(cache, RAM_BASE));
    ck_assert(!(bus.page_flags[0] & BUS_PAGE_CODE)); /* no block left: stores go fast again */
    code_cache_stats(cache, &s1);
    ck_assert_uint_eq(s1.invalidations, s0.invalidations + 2);
}
END_TEST

/* The process's resident anonymous memory in KiB (/proc/self/status). */
static long rss_anon_kib(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kib = -1;
    while (f && fgets(line, sizeof line, f))
        if (!strncmp(line, "RssAnon:", 8))
            kib = strtol(line + 8, NULL, 10);
    if (f)
        fclose(f);
    return kib;
}

/* A flush of a cache that never built a block leaves its tables alone (a
 * restored clone, issue 23: clearing the 512 KiB of hash heads would make
 * them private memory), and a flush after blocks were built still drops
 * them: code changed behind the cache's back (no store through the bus)
 * runs as it now is. */
START_TEST(flush_of_an_empty_cache_touches_nothing)
{
    struct bus big;
    ck_assert(bus_init(&big, RAM_BASE, 512ull << 20));
    struct code_cache *c = code_cache_create(&big);
    ck_assert_ptr_nonnull(c);
    long before = rss_anon_kib();
    cache_flush_all(c);
    long after = rss_anon_kib();
    code_cache_destroy(c);
    bus_destroy(&big);
    ck_assert_int_ge(before, 0);
    ck_assert_msg(after - before < 64, "the flush of an empty cache made %ld KiB resident", after - before);

    const uint32_t code[] = { addi(1, 0, 5), EBREAK };
    put(RAM_BASE, code, 2);
    ck_assert_uint_eq(run_to(RAM_BASE + 4), 1);
    ck_assert_uint_eq(h->x[1], 5);
    store_le(bus_ram_ptr(&bus, RAM_BASE, 4), 4, addi(1, 0, 9)); /* not through the bus: no invalidation */
    cache_flush_all(cache);
    h->pc = RAM_BASE;
    h->mcause = 0;
    ck_assert_uint_eq(run_to(RAM_BASE + 4), 1);
    ck_assert_uint_eq(h->x[1], 9);
}
END_TEST

static void add_tests(TCase *tc)
{
    tcase_add_test(tc, jal_in_page_is_followed);
    tcase_add_test(tc, jal_out_of_page_ends_the_block);
    tcase_add_test(tc, branch_loops_inside_its_block);
    tcase_add_test(tc, slices_end_inside_a_loop);
    tcase_add_test(tc, store_into_the_running_loop);
    tcase_add_test(tc, flush_page_drops_its_jump_cache_entries);
    tcase_add_test(tc, spin_on_j_self);
    tcase_add_test(tc, branch_into_a_trace);
    tcase_add_test(tc, store_into_a_chained_block);
    tcase_add_test(tc, stores_drop_only_the_blocks_they_touch);
    tcase_add_test(tc, flush_of_an_empty_cache_touches_nothing);
}

int main(void)
{
    Suite *s = suite_create("block");
    TCase *tc = tcase_create("threaded");
    tcase_add_checked_fixture(tc, setup_threaded, teardown);
    add_tests(tc);
    suite_add_tcase(s, tc);
    tc = tcase_create("translated");
    tcase_add_checked_fixture(tc, setup_translated, teardown);
    add_tests(tc);
    suite_add_tcase(s, tc);
    SRunner *r = srunner_create(s);
    srunner_run_all(r, CK_NORMAL);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
