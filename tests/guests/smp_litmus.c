/* Memory-model litmus tests on NHARTS = 2 or 4 harts (-smp NHARTS -bios
 * none), for rivet's harts on host threads (issue 19). Each test has an
 * outcome the RISC-V memory model (RVWMO, unprivileged spec chapter 17 and
 * appendix A) forbids, and an emulator that maps guest memory operations
 * wrongly onto the host shows it. Harts pair up, (0,1) and (2,3), and each
 * pair runs the two-hart tests on its own variables.
 *
 * - sb:   store buffering with fence rw,rw on both sides, i = 1..ROUNDS:
 *         x = i; fence; a[i] = y  against  y = i; fence; b[i] = x, free
 *         running: a[i] < j with b[j] < i is forbidden (the r0 = r1 = 0 of
 *         the classic test, for any pair of rounds). An x86-64 host reorders
 *         a store with a later load unless the emulator emits a full barrier
 *         (mfence) for this fence. Each hart's loads of one location must
 *         also never go backwards (coherence).
 * - mp:   message passing, i = 1..ROUNDS: data = i; fence w,w; flag = i
 *         against f = flag; fence r,r; d = data: d < f is forbidden.
 * - amo.d, amo.w: every hart adds 1 ITERS times with amoadd.d, and with
 *         amoadd.w to two 32-bit counters sharing one doubleword (a word AMO
 *         done as a doubleword read-modify-write loses the neighbour's
 *         adds): exact totals.
 * - lrsc: every hart adds 1 ITERS times with an lr.d/sc.d loop: exact total.
 * - lock: every hart adds 1 LOCK_ITERS times to a plain counter under a
 *         spinlock (amoswap.w.aq to take it, amoswap.w.rl to release): exact.
 * - peterson: each pair adds 1 LOCK_ITERS times per hart to a plain counter
 *         under Peterson's lock, which holds only if fence rw,rw orders each
 *         hart's stores of want/turn before its loads that follow: exact.
 * - mix:  amoswap conserves values (the sum of all values swapped in equals
 *         the sum of all returned plus what is left); amomax.d/amominu.d
 *         never go backwards (each hart's returned olds are monotonic) and
 *         end at the exact extreme; amoor.w/amoand.w set and clear bits a
 *         hart owns in a word all harts share: each hart sees its own bit
 *         clear before its or and set before its and (a lost update shows),
 *         and the word ends as the union of every hart's final pattern.
 * - aba:  hart 0 does lr.d of A (holding 1); hart 1 writes 2 then 1 to A;
 *         then hart 0's sc.d: it must fail, as another hart wrote A since the
 *         LR (unprivileged spec, Zalrsc). An address-plus-value compare (what
 *         QEMU does) wrongly succeeds. Only printed unless built with
 *         LITMUS_ABA_STRICT (then a success fails the test): today's rivet
 *         fails it for a weaker reason (reservations drop at every slice).
 * - sb unfenced: sb without the fences; the outcome is allowed, and the
 *   number of rounds j that show it is printed (a host with threads shows
 *   some: the fenced test has teeth).
 *
 * Harts move from test to test in lockstep through a sense-reversing
 * barrier built on amoadd. Hart 0 checks, prints "litmus
 * ok" and passes; a failed check exits with its number (1..).
 *
 * Sizes: the defaults keep a run within a few seconds in the ASan build and
 * under 10 s in the ThreadSanitizer one (whose AMOs are slow): 250000
 * iterations per hart, not the 10^6 of issue 19 (-DITERS=1000000UL for that);
 * a lock handoff between two harts whose host threads do not run at the
 * same time costs a host scheduler tick, so the lock tests stay short. */
#include "guest.h"

#ifndef NHARTS
#define NHARTS 2
#endif
#ifndef ITERS
#define ITERS 250000UL
#endif
#ifndef ROUNDS
#define ROUNDS 20000UL
#endif
#define LOCK_ITERS 20000UL
#define MIX_ITERS  20000UL
#define ABA_ROUNDS 50UL
#define NPAIRS     (NHARTS / 2)

/* Every shared variable has a 64-byte block of its own: contention only
 * where a test wants it. */
struct shared {
    volatile uint64_t v;
} __attribute__((aligned(64)));

struct pair {
    struct shared x, y, flag, data, want[2], turn, peterson_total;
    uint64_t bad_sb, bad_mp, bad_coherence, sb_unfenced_zero;
    uint64_t a[ROUNDS + 1], b[ROUNDS + 1]; /* sb: what each load saw */
} __attribute__((aligned(64)));

static struct pair pairs[NPAIRS];
static struct shared amo_total, lrsc_total, lock, lock_total;
static struct shared words; /* two amoadd.w counters */
static struct shared swap_slot, max_v, min_v, bits;
static struct shared swap_in[NHARTS], swap_out[NHARTS], mix_bad[NHARTS];
static struct shared bar_count, bar_sense;
static struct shared aba_a, aba_go, aba_done;
static uint64_t aba_sc_ok, control_sc_ok;

/* Zihintpause's pause (a FENCE hint: a no-op where unknown), in every spin. */
static inline void relax(void) { __asm__ volatile(".insn i 0x0f, 0, x0, x0, 0x010" ::: "memory"); }

/* clang-format off */
#define AMO(op, sz, ord, p, v) ({ uint64_t o_; \
    __asm__ volatile("amo" #op "." #sz #ord " %0, %2, (%1)" : "=r"(o_) : "r"(p), "r"(v) : "memory"); o_; })
/* clang-format on */

/* All NHARTS harts meet here. The last to arrive resets the count before it
 * flips the sense (fence rw,w), the others wait for the flip; the AMO's
 * aqrl and the fence r,rw order each hart's work on either side. */
static void barrier(uint64_t *sense)
{
    *sense = !*sense;
    if (AMO(add, d, .aqrl, &bar_count.v, 1UL) == NHARTS - 1) {
        bar_count.v = 0;
        __asm__ volatile("fence rw, w" ::: "memory");
        bar_sense.v = *sense;
    } else {
        while (bar_sense.v != *sense)
            relax();
    }
    __asm__ volatile("fence r, rw" ::: "memory");
}

static void lock_take(volatile uint64_t *l)
{
    while (AMO(swap, w, .aq, l, 1UL) != 0)
        relax();
}

static void lock_give(volatile uint64_t *l) { (void)AMO(swap, w, .rl, l, 0UL); }

/* Store buffering, free running: for i = 1..ROUNDS the even hart of a pair
 * stores x = i, (fence rw,rw,) loads y into a[i]; the odd hart stores y = i,
 * (fence,) loads x into b[i]. The harts run side by side for the whole
 * stretch, so their stores and loads meet at every offset, without a
 * barrier per round. Forbidden with the fences: a[i] < j and b[j] < i for
 * some i, j (hart 0's load i precedes hart 1's store j and hart 1's load j
 * precedes hart 0's store i: a cycle with program order). As each hart's
 * loads of one location never go backwards (coherence, checked too), the
 * smallest a[i] with i > b[j] is a[b[j] + 1]. */
static void store_buffering(uint64_t h, uint64_t *sense, int fenced)
{
    struct pair *p = &pairs[h / 2];
    volatile uint64_t *mine = h % 2 == 0 ? &p->x.v : &p->y.v;
    volatile uint64_t *theirs = h % 2 == 0 ? &p->y.v : &p->x.v;
    uint64_t *seen = h % 2 == 0 ? p->a : p->b;
    barrier(sense);
    if (fenced) {
        for (uint64_t i = 1; i <= ROUNDS; i++) {
            *mine = i;
            __asm__ volatile("fence rw, rw" ::: "memory");
            seen[i] = *theirs;
        }
    } else {
        for (uint64_t i = 1; i <= ROUNDS; i++) {
            *mine = i;
            seen[i] = *theirs;
        }
    }
    barrier(sense);
    if (h % 2 == 0) {
        uint64_t bad = 0;
        for (uint64_t j = 1; j <= ROUNDS; j++) {
            p->bad_coherence += p->a[j] < p->a[j - 1] || p->b[j] < p->b[j - 1];
            bad += p->b[j] < ROUNDS && p->a[p->b[j] + 1] < j;
        }
        if (fenced)
            p->bad_sb = bad;
        else
            p->sb_unfenced_zero = bad;
        p->x.v = 0;
        p->y.v = 0;
    }
}

static void message_passing(uint64_t h, uint64_t *sense)
{
    struct pair *p = &pairs[h / 2];
    barrier(sense);
    if (h % 2 == 0) {
        for (uint64_t i = 1; i <= ROUNDS; i++) {
            p->data.v = i;
            __asm__ volatile("fence w, w" ::: "memory");
            p->flag.v = i;
        }
    } else {
        uint64_t f, d;
        do {
            f = p->flag.v;
            __asm__ volatile("fence r, r" ::: "memory");
            d = p->data.v;
            if (d < f) /* data is written before flag, both only grow */
                p->bad_mp++;
            relax();
        } while (f != ROUNDS);
    }
    barrier(sense);
}

/* Peterson's lock for the two harts of a pair: plain loads and stores and a
 * full fence between the stores of want/turn and the loads that follow. */
static void peterson(uint64_t h)
{
    struct pair *p = &pairs[h / 2];
    uint64_t me = h % 2, other = 1 - me;
    for (uint64_t i = 0; i < LOCK_ITERS; i++) {
        p->want[me].v = 1;
        p->turn.v = other;
        __asm__ volatile("fence rw, rw" ::: "memory");
        while (p->want[other].v && p->turn.v == other)
            relax();
        __asm__ volatile("fence rw, rw" ::: "memory");
        p->peterson_total.v = p->peterson_total.v + 1;
        __asm__ volatile("fence rw, w" ::: "memory");
        p->want[me].v = 0;
    }
}

static void counters(uint64_t h, uint64_t *sense)
{
    barrier(sense);
    for (uint64_t i = 0; i < ITERS; i++) {
        (void)AMO(add, d, , &amo_total.v, 1UL);
        (void)AMO(add, w, , &words.v, 1UL);                          /* low word */
        (void)AMO(add, w, , (volatile uint32_t *)&words.v + 1, 3UL); /* high word */
        lrsc_inc(&lrsc_total.v);
    }
    for (uint64_t i = 0; i < LOCK_ITERS; i++) {
        lock_take(&lock.v);
        lock_total.v = lock_total.v + 1; /* plain load and store, inside the lock */
        lock_give(&lock.v);
    }
    barrier(sense);
    peterson(h);
    barrier(sense);
}

/* The AMO mixes (see the top). Hart h owns bits 8h..8h+7 of `bits`. */
static void amo_mix(uint64_t h, uint64_t *sense)
{
    uint64_t in = 0, out = 0, last_max = 0, last_min = ~0UL, bad = 0;
    barrier(sense);
    for (uint64_t i = 0; i < MIX_ITERS; i++) {
        uint64_t token = (h + 1) << 32 | (i + 1);
        in += token;
        out += AMO(swap, d, , &swap_slot.v, token);
        uint64_t m = AMO(max, d, , &max_v.v, (int64_t)(i * NHARTS + h));
        bad += m < last_max;
        last_max = m;
        uint64_t n = AMO(minu, d, , &min_v.v, ~0UL - (i * NHARTS + h));
        bad += n > last_min;
        last_min = n;
        uint32_t bit = 1u << (8 * h + i % 8);
        bad += (AMO(or, w, , (volatile uint32_t *)&bits.v, bit) & bit) != 0;
        bad += (AMO(and, w, , (volatile uint32_t *)&bits.v, ~bit) & bit) == 0;
    }
    (void)AMO(or, w, , (volatile uint32_t *)&bits.v, (uint32_t)(0x5aUL << (8 * h)));
    swap_in[h].v = in;
    swap_out[h].v = out;
    mix_bad[h].v = bad;
    barrier(sense);
}

/* Hart 0: lr.d A; tell hart 1 (go = round); wait for done = round; sc.d
 * the value back. Returns whether the sc succeeded. One asm block, so that
 * nothing but the flag accesses runs between the lr and the sc. */
static int aba_lr_wait_sc(uint64_t round)
{
    uint64_t v, fail, t;
    __asm__ volatile("   lr.d %0, (%3)\n"
                     "   sd %5, (%4)\n" /* go = round */
                     "1: .insn i 0x0f, 0, x0, x0, 0x010\n"
                     "   ld %2, (%6)\n"
                     "   bne %2, %5, 1b\n" /* until done = round */
                     "   sc.d %1, %0, (%3)\n"
                     : "=&r"(v), "=&r"(fail), "=&r"(t)
                     : "r"(&aba_a.v), "r"(&aba_go.v), "r"(round), "r"(&aba_done.v)
                     : "memory");
    return fail == 0;
}

/* ABA_ROUNDS rounds where hart 1 writes 2 then 1 to A, then as many control
 * rounds where it writes nothing (an sc may fail spuriously, so the control
 * only shows how often a success was possible). Harts 2, 3 just wait. */
static void aba(uint64_t h, uint64_t *sense)
{
    barrier(sense);
    if (h == 0) {
        aba_a.v = 1;
        for (uint64_t r = 1; r <= 2 * ABA_ROUNDS; r++) {
            int ok = aba_lr_wait_sc(r);
            if (r <= ABA_ROUNDS)
                aba_sc_ok += ok;
            else
                control_sc_ok += ok;
        }
    } else if (h == 1) {
        for (uint64_t r = 1; r <= 2 * ABA_ROUNDS; r++) {
            while (aba_go.v != r)
                relax();
            if (r <= ABA_ROUNDS) {
                aba_a.v = 2;
                __asm__ volatile("fence w, w" ::: "memory");
                aba_a.v = 1;
            }
            __asm__ volatile("fence rw, w" ::: "memory");
            aba_done.v = r;
        }
    }
    barrier(sense);
}

static uint64_t phase_ticks[6];

/* clang-format off */
#define PHASE(k, call) do { uint64_t t_ = mmio_r64(CLINT_MTIME); call; \
    if (h == 0) phase_ticks[k] = mmio_r64(CLINT_MTIME) - t_; } while (0)
/* clang-format on */

static void run_all(uint64_t h)
{
    uint64_t sense = 0;
    PHASE(0, store_buffering(h, &sense, 1));
    PHASE(1, message_passing(h, &sense));
    PHASE(2, counters(h, &sense));
    PHASE(3, amo_mix(h, &sense));
    PHASE(4, aba(h, &sense));
    PHASE(5, store_buffering(h, &sense, 0));
}

void secondary_main(uint64_t h)
{
    if (h < NHARTS)
        run_all(h);
    for (;;)
        wfi();
}

static void check_mix(void)
{
    uint64_t in = 0, out = 0, union_bits = 0;
    for (uint64_t h = 0; h < NHARTS; h++) {
        CHECK(20 + h, mix_bad[h].v == 0);
        in += swap_in[h].v;
        out += swap_out[h].v;
        union_bits |= 0x5aUL << (8 * h);
    }
    CHECK(30, in == out + swap_slot.v); /* the slot started at 0 */
    CHECK(31, max_v.v == NHARTS * MIX_ITERS - 1);
    CHECK(32, min_v.v == ~0UL - (NHARTS * MIX_ITERS - 1));
    CHECK(33, bits.v == union_bits);
}

static void report_pair(const struct pair *p, uint64_t k)
{
    puts_uart("pair ");
    putdec(k);
    puts_uart(": unfenced sb reordered ");
    putdec(p->sb_unfenced_zero);
    puts_uart(" of ");
    putdec(ROUNDS);
    putc_uart('\n');
}

int main(uint64_t hartid, uint64_t dtb)
{
    min_v.v = ~0UL; /* .bss is 0; the first barrier orders this before the others' AMOs */
    run_all(0);
    for (uint64_t k = 0; k < NPAIRS; k++) {
        CHECK(1 + 10 * k, pairs[k].bad_sb == 0);
        CHECK(2 + 10 * k, pairs[k].bad_mp == 0);
        CHECK(3 + 10 * k, pairs[k].peterson_total.v == 2 * LOCK_ITERS);
        CHECK(9 + 10 * k, pairs[k].bad_coherence == 0);
    }
    CHECK(4, amo_total.v == NHARTS * ITERS);
    CHECK(5, (uint32_t)words.v == NHARTS * ITERS);
    CHECK(6, words.v >> 32 == 3 * NHARTS * ITERS);
    CHECK(7, lrsc_total.v == NHARTS * ITERS);
    CHECK(8, lock_total.v == NHARTS * LOCK_ITERS);
    check_mix();
    puts_uart("aba: sc succeeded ");
    putdec(aba_sc_ok);
    puts_uart(" of ");
    putdec(ABA_ROUNDS);
    puts_uart(" after A-B-A, ");
    putdec(control_sc_ok);
    puts_uart(" of ");
    putdec(ABA_ROUNDS);
    puts_uart(" without\n");
#ifdef LITMUS_ABA_STRICT
    CHECK(40, aba_sc_ok == 0);
#endif
    for (uint64_t k = 0; k < NPAIRS; k++)
        report_pair(&pairs[k], k);
    puts_uart("ms per phase (sb mp counters mix aba sb-unfenced):");
    for (int k = 0; k < 6; k++) {
        putc_uart(' ');
        putdec(phase_ticks[k] / (TIMEBASE_HZ / 1000));
    }
    putc_uart('\n');
    puts_uart("litmus ok: ");
    putdec(NHARTS);
    puts_uart(" harts\n");
    return 0;
}
