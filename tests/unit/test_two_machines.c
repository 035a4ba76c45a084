/*
 * Two machines in one process (include/rivet.h: "No global state"): each
 * must compute what it computes alone, whatever the other one does.
 *
 * Two bare-metal programs sit at the same guest addresses (0x80000000) but
 * differ in their code (a different multiplier, one uses Zicond's
 * czero.eqz), their data table, their UART text and their exit code. The
 * machines differ too: A is the default model, one hart, translating every
 * block on first entry (--jit eager); B is the max model, two harts (the
 * second parks in WFI), hot-block translation (--jit on) and -icount, whose
 * `time` B stores at the end. Shared state would show: a block cache or a
 * translation keyed by address alone would run one program's code on the
 * other, a shared clock would move B's icount time, a shared ISA would make
 * czero.eqz illegal on B, a shared console would mix the UART files.
 *
 * Each program, hart 0 (hart 1 parks):
 *     acc = SEED
 *     for i in 0 .. N-1:
 *         k = i & 63
 *         acc = acc * MUL + i + (B ? (i odd ? data[k] : 0) : data[k])
 *         out[k] = acc
 *     result = acc                      (B: also time = rdtime)
 *     UART: LETTER x3, '\n'; finisher: fail with CODE (exit status CODE)
 * The loops run for hundreds of thousands of instructions, dozens of
 * run-loop rounds (MACHINE_SLICE), so the two machines alternate mid-loop.
 *
 * Checks, for rounds alternating on one thread and for the two machines
 * each created, run and destroyed on a thread of its own at once: the
 * values computed here in C (result, out[], UART text, exit status) and
 * that blocks were translated; for the alternating rounds also every
 * register, pc, instret and the image's RAM against each machine run alone.
 */
#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "machine/board/machine.h"
#include "rv_encode.h"

/* The code in the first page, the data in the next: a store to the code's
 * page would invalidate its blocks (cpu/cache.h) before they grow hot. */
#define IMAGE_SIZE 0x2000
#define DATA_OFF   0x1000 /* data[64] */
#define OUT_OFF    0x1200 /* out[64] */
#define RESULT_OFF 0x1400 /* result, then B's time */
#define TABLE      64

/* Registers. */
enum { ZERO = 0, RA = 1, T0 = 5, T1 = 6, T2 = 7, S0 = 8, S1 = 9, A0 = 10, A1 = 11, T3 = 28, T4 = 29, T5 = 30, T6 = 31 };

struct program {
    const char *name;
    uint64_t mul, seed;
    uint32_t n;
    unsigned code;  /* exit status (the finisher's fail code) */
    char letter;    /* UART text: letter x3, newline */
    bool czero;     /* B's loop: data only on odd i, through czero.eqz */
    bool read_time; /* store rdtime after the result */
    uint64_t data_seed;
};

struct setup {
    struct program prog;
    uint64_t ram_size;
    unsigned nharts;
    const char *cpu;
    int jit;
    bool icount;
    unsigned icount_shift;
};

static const struct setup SETUP_A = {
    .prog = { "A", 31, 7, 30000, 3, 'a', false, false, 0x1234 },
    .ram_size = 16 << 20,
    .nharts = 1,
    .cpu = NULL,
    .jit = 1,
};
static const struct setup SETUP_B = {
    .prog = { "B", 0x10001, 99, 20000, 5, 'b', true, true, 0xbeef },
    .ram_size = 32 << 20,
    .nharts = 2,
    .cpu = "max",
    .jit = 0,
    .icount = true,
    .icount_shift = 2,
};

/* ---- a tiny assembler ---- */

struct code {
    uint32_t w[128];
    unsigned n;
};

static void emit(struct code *c, uint32_t insn)
{
    ck_assert_uint_lt(c->n, sizeof c->w / sizeof c->w[0]);
    c->w[c->n++] = insn;
}
/* OP rows (opcode 0x33). */
static uint32_t op(unsigned f7, unsigned f3, unsigned rd, unsigned rs1, unsigned rs2)
{
    return r_type(0x33, f3, f7, rd, rs1, rs2);
}
static uint32_t addi(unsigned rd, unsigned rs1, int imm) { return i_type(0x13, 0, rd, rs1, imm); }
static uint32_t csrr(unsigned rd, unsigned csr) { return i_type(0x73, 2, rd, ZERO, (int)csr); }
static uint32_t sd(unsigned rs2, unsigned rs1, int imm) { return s_type(3, rs1, rs2, imm); }
static uint32_t sb(unsigned rs2, unsigned rs1) { return s_type(0, rs1, rs2, 0); }
static uint32_t lui(unsigned rd, uint32_t value) { return (value & 0xfffff000u) | rd << 7 | 0x37; }

/* rd = value (a 32-bit constant, sign-extended) in two instructions. */
static void li32(struct code *c, unsigned rd, uint32_t value)
{
    uint32_t lo = value & 0xfff, hi = value - (uint32_t)((int32_t)(lo << 20) >> 20);
    emit(c, lui(rd, hi));
    emit(c, addi(rd, rd, (int32_t)(lo << 20) >> 20));
}

static void assemble(const struct program *p, struct code *c)
{
    memset(c, 0, sizeof *c);
    emit(c, 0x00000417);      /* auipc s0, 0: the image's base */
    emit(c, csrr(A1, 0xf14)); /* mhartid */
    unsigned to_park = c->n;
    emit(c, 0); /* bnez a1, park (patched) */
    emit(c, lui(T0, DATA_OFF));
    emit(c, op(0, 0, S1, S0, T0)); /* s1 = s0 + DATA_OFF */
    li32(c, T0, p->n);
    li32(c, T5, (uint32_t)p->mul);
    emit(c, addi(A0, ZERO, (int)p->seed));
    emit(c, addi(T1, ZERO, 0));
    /* The step is a subroutine, so that its block and the loop's are
     * entered every iteration and grow hot (a loop within one block would
     * be entered once per round). */
    unsigned loop = c->n;
    emit(c, 0); /* jal ra, step (patched) */
    emit(c, addi(T1, T1, 1));
    emit(c, b_type(4, T1, T0, (int)(loop - c->n) * 4)); /* blt t1, t0, loop */
    emit(c, sd(A0, S1, RESULT_OFF - DATA_OFF));
    if (p->read_time) {
        emit(c, csrr(T4, 0xc01)); /* rdtime t4 */
        emit(c, sd(T4, S1, RESULT_OFF - DATA_OFF + 8));
    }
    emit(c, lui(T1, 0x10000000)); /* the UART */
    emit(c, addi(T2, ZERO, p->letter));
    for (int i = 0; i < 3; i++)
        emit(c, sb(T2, T1));
    emit(c, addi(T2, ZERO, '\n'));
    emit(c, sb(T2, T1));
    emit(c, lui(T1, 0x100000)); /* the finisher: fail with code */
    li32(c, T2, p->code << 16 | 0x3333);
    emit(c, s_type(2, T1, T2, 0)); /* sw t2, 0(t1) */
    emit(c, j_type(ZERO, 0));      /* done: j done */
    unsigned park = c->n;
    emit(c, 0x10500073);       /* park: wfi */
    emit(c, j_type(ZERO, -4)); /*       j park */
    unsigned step = c->n;
    emit(c, i_type(0x13, 7, T2, T1, TABLE - 1)); /* step: andi t2, t1, 63 */
    emit(c, i_type(0x13, 1, T2, T2, 3));         /* slli t2, t2, 3 */
    emit(c, op(0, 0, T2, T2, S1));               /* add t2, t2, s1 */
    emit(c, i_type(0x03, 3, T3, T2, 0));         /* ld t3, 0(t2) */
    emit(c, op(1, 0, A0, A0, T5));               /* mul a0, a0, t5 */
    emit(c, op(0, 0, A0, A0, T1));               /* add a0, a0, t1 */
    if (p->czero) {
        emit(c, i_type(0x13, 7, T6, T1, 1)); /* andi t6, t1, 1 */
        emit(c, op(7, 5, T6, T3, T6));       /* czero.eqz t6, t3, t6 */
        emit(c, op(0, 0, A0, A0, T6));       /* add a0, a0, t6 */
    } else {
        emit(c, op(0, 0, A0, A0, T3)); /* add a0, a0, t3 */
    }
    emit(c, sd(A0, T2, OUT_OFF - DATA_OFF)); /* out[k] = acc */
    emit(c, i_type(0x67, 0, ZERO, RA, 0));   /* ret */
    c->w[to_park] = b_type(1, A1, ZERO, (int)(park - to_park) * 4);
    c->w[loop] = j_type(RA, (int)(step - loop) * 4);
    ck_assert_uint_le(c->n * 4, 0x1000);
}

static uint64_t data_word(const struct program *p, unsigned k)
{
    uint64_t z = p->data_seed + (k + 1) * 0x9e3779b97f4a7c15ull; /* splitmix64 */
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* What the program computes: its result and out[]. */
static uint64_t compute(const struct program *p, uint64_t out[TABLE])
{
    uint64_t acc = p->seed;
    for (uint32_t i = 0; i < p->n; i++) {
        unsigned k = i & (TABLE - 1);
        uint64_t d = data_word(p, k);
        acc = acc * p->mul + i + (p->czero && !(i & 1) ? 0 : d);
        out[k] = acc;
    }
    return acc;
}

/* ---- machines ---- */

/* A machine's state once its run ended: what the checks compare. */
struct outcome {
    uint64_t x[RIVET_MAX_HARTS][32], pc[RIVET_MAX_HARTS], instret[RIVET_MAX_HARTS];
    bool wfi[RIVET_MAX_HARTS];
    uint8_t ram[IMAGE_SIZE];
    int status;
    char uart[64];
    uint64_t translated;
};

struct run {
    const struct setup *s;
    struct rivet_config cfg;
    char image[32], uart[32];
    struct machine *m;
    char err[RIVET_ERR_LEN]; /* why create, load or run failed */
    struct outcome out;
};

static void write_file(const char *path, const void *buf, size_t len)
{
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(buf, 1, len, f), len);
    ck_assert_int_eq(fclose(f), 0);
}

static void temp_path(char *path, size_t len, const char *what)
{
    snprintf(path, len, "/tmp/rivet-%s-XXXXXX", what);
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    close(fd);
}

/* The image file, the UART file's name and the config. */
static void prepare(struct run *r, const struct setup *s)
{
    memset(r, 0, sizeof *r);
    r->s = s;
    uint8_t image[IMAGE_SIZE] = { 0 };
    struct code c;
    assemble(&s->prog, &c);
    for (unsigned i = 0; i < c.n; i++)
        store_le(image + 4 * i, 4, c.w[i]);
    for (unsigned k = 0; k < TABLE; k++)
        store_le(image + DATA_OFF + 8 * k, 8, data_word(&s->prog, k));
    temp_path(r->image, sizeof r->image, "image");
    write_file(r->image, image, sizeof image);
    temp_path(r->uart, sizeof r->uart, "uart");
    rivet_config_default(&r->cfg);
    r->cfg.ram_size = s->ram_size;
    r->cfg.nharts = s->nharts;
    r->cfg.cpu = s->cpu;
    r->cfg.jit = s->jit;
    r->cfg.icount = s->icount;
    r->cfg.icount_shift = s->icount_shift;
    r->cfg.serial = RIVET_SERIAL_FILE;
    r->cfg.serial_path = r->uart;
    r->out.status = -1;
}

/* Creates the machine and loads the image; false + r->err. No Check
 * asserts from here on: the two-thread test calls these on its threads. */
static bool create(struct run *r)
{
    r->m = rivet_create(&r->cfg, r->err, sizeof r->err);
    return r->m && rivet_load(r->m, r->image, r->err, sizeof r->err);
}

/* After the guest's exit request (or at once): rivet_run (one more round,
 * then the verdict; the console written out), then the outcome recorded
 * and the machine destroyed. */
static void finish(struct run *r)
{
    struct machine *m = r->m;
    struct outcome *o = &r->out;
    char err[RIVET_ERR_LEN];
    o->status = rivet_run(m, err, sizeof err);
    for (unsigned i = 0; i < m->cfg.nharts; i++) {
        memcpy(o->x[i], m->harts[i].x, sizeof o->x[i]);
        o->pc[i] = m->harts[i].pc;
        o->instret[i] = m->harts[i].instret;
        o->wfi[i] = m->harts[i].wfi;
    }
    memcpy(o->ram, bus_ram_ptr(&m->bus, RIVET_RAM_BASE, IMAGE_SIZE), IMAGE_SIZE);
    struct rivet_code_stats st;
    rivet_code_stats(m, &st);
    o->translated = st.translated;
    rivet_destroy(m);
    r->m = NULL;
    FILE *f = fopen(r->uart, "rb");
    if (f) {
        o->uart[fread(o->uart, 1, sizeof o->uart - 1, f)] = '\0';
        fclose(f);
    }
}

static void cleanup(struct run *r)
{
    unlink(r->image);
    unlink(r->uart);
}

/* One round, unless the guest asked to exit already; false once it has. */
static bool step(struct run *r)
{
    if (r->m->exit_requested)
        return false;
    ck_assert(machine_run_round(r->m));
    return true;
}

/* The outcome against the program's values computed in C. */
static void check_expected(const struct run *r)
{
    const struct program *p = &r->s->prog;
    const struct outcome *o = &r->out;
    ck_assert_msg(o->status >= 0, "%s: %s", p->name, r->err);
    uint64_t out[TABLE];
    uint64_t want = compute(p, out);
    ck_assert_msg(o->x[0][A0] == want, "%s: acc %#llx, want %#llx", p->name, (unsigned long long)o->x[0][A0],
                  (unsigned long long)want);
    ck_assert_uint_eq(load_le(o->ram + RESULT_OFF, 8), want);
    for (unsigned k = 0; k < TABLE; k++) {
        ck_assert_uint_eq(load_le(o->ram + OUT_OFF + 8 * k, 8), out[k]);
        ck_assert_uint_eq(load_le(o->ram + DATA_OFF + 8 * k, 8), data_word(p, k));
    }
    if (p->read_time) /* the icount clock ran: time is not zero */
        ck_assert_uint_ne(load_le(o->ram + RESULT_OFF + 8, 8), 0);
    ck_assert_int_eq(o->status, (int)p->code);
    char text[8];
    snprintf(text, sizeof text, "%c%c%c\n", p->letter, p->letter, p->letter);
    ck_assert_str_eq(o->uart, text);
    for (unsigned i = 1; i < r->s->nharts; i++)
        ck_assert(o->wfi[i]); /* parked */
#if defined(__x86_64__)
    ck_assert_msg(o->translated > 0, "%s: no block was translated", p->name);
#endif
}

/* Two runs of one setup end in the same state: every hart's registers,
 * pc and instret, the image's RAM, the status and the UART text. */
static void check_same(const struct run *a, const struct run *alone)
{
    const struct outcome *x = &a->out, *y = &alone->out;
    for (unsigned i = 0; i < a->s->nharts; i++) {
        for (unsigned r = 0; r < 32; r++)
            ck_assert_msg(x->x[i][r] == y->x[i][r], "%s hart %u x%u: %#llx vs %#llx alone", a->s->prog.name, i, r,
                          (unsigned long long)x->x[i][r], (unsigned long long)y->x[i][r]);
        ck_assert_uint_eq(x->pc[i], y->pc[i]);
        ck_assert_uint_eq(x->instret[i], y->instret[i]);
    }
    ck_assert_msg(memcmp(x->ram, y->ram, IMAGE_SIZE) == 0, "%s: RAM differs from the run alone", a->s->prog.name);
    ck_assert_int_eq(x->status, y->status);
    ck_assert_str_eq(x->uart, y->uart);
}

#define MAX_ROUNDS 1000 /* far more than either program needs */

/* One machine alone, round by round as the interleaved run steps it. */
static void run_alone(struct run *r, const struct setup *s)
{
    prepare(r, s);
    ck_assert_msg(create(r), "%s: %s", s->prog.name, r->err);
    unsigned rounds = 0;
    while (step(r))
        ck_assert_uint_lt(++rounds, MAX_ROUNDS);
    finish(r);
    check_expected(r);
}

START_TEST(interleaved_rounds_do_not_interfere)
{
    struct run alone_a, alone_b, a, b;
    run_alone(&alone_a, &SETUP_A);
    run_alone(&alone_b, &SETUP_B);

    prepare(&a, &SETUP_A);
    prepare(&b, &SETUP_B);
    ck_assert_msg(create(&a), "A: %s", a.err);
    ck_assert_msg(create(&b), "B: %s", b.err);
    unsigned rounds = 0, both = 0;
    for (;;) {
        bool ran_a = step(&a), ran_b = step(&b);
        if (!ran_a && !ran_b)
            break;
        both += ran_a && ran_b;
        ck_assert_uint_lt(++rounds, MAX_ROUNDS);
    }
    ck_assert_uint_ge(both, 10); /* they did alternate, many times mid-loop */
    finish(&a);
    finish(&b);
    check_expected(&a);
    check_expected(&b);
    check_same(&a, &alone_a);
    check_same(&b, &alone_b);
    cleanup(&a);
    cleanup(&b);
    cleanup(&alone_a);
    cleanup(&alone_b);
}
END_TEST

/* A whole life on one thread: create, load, run, destroy. */
static void *run_thread(void *arg)
{
    struct run *r = arg;
    if (create(r))
        finish(r);
    else if (r->m)
        rivet_destroy(r->m);
    return NULL;
}

/* The contract's other half: each machine created, run and destroyed by
 * its own thread, both at once (rivet_run's own loop; the terminals'
 * process-wide record, machine/host/terminal.c, is shared). */
START_TEST(two_threads_do_not_interfere)
{
    for (int round = 0; round < 3; round++) {
        struct run a, b;
        prepare(&a, &SETUP_A);
        prepare(&b, &SETUP_B);
        pthread_t ta, tb;
        ck_assert_int_eq(pthread_create(&ta, NULL, run_thread, &a), 0);
        ck_assert_int_eq(pthread_create(&tb, NULL, run_thread, &b), 0);
        ck_assert_int_eq(pthread_join(ta, NULL), 0);
        ck_assert_int_eq(pthread_join(tb, NULL), 0);
        check_expected(&a);
        check_expected(&b);
        cleanup(&a);
        cleanup(&b);
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("two_machines");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, interleaved_rounds_do_not_interfere);
    tcase_add_test(tc, two_threads_do_not_interfere);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
