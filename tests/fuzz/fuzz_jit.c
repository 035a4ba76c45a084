/*
 * Fuzz target: the translator (cpu/jit.c) against the interpreter on guest
 * code the fuzzer writes. Two boards (fuzz_board.h) get the same RAM, one
 * translating every block on first entry (--jit eager), one never (--jit
 * off); they run in equal steps, and after every step both must agree on
 * everything the guest can see: every register, pc, privilege, the CSRs, the
 * instruction count, the vector state (on max) and all of RAM. Time comes from the instruction count
 * (-icount), so timer interrupts arrive at the same instruction on both. A
 * disagreement aborts with the first difference (a crash to libFuzzer).
 *
 * An input: a board-options byte (FUZZ_OPT_SMP2, _LEGACY and _MAX: -cpu max,
 * whose extensions' rows the translator calls out for), then up to 8 KiB
 * copied to RAM's base, where hart 0 starts in M-mode; x31 points at RAM +
 * 16 KiB, a page of data for loads and stores, mtvec at RAM's base (a trap
 * starts the program again).
 */
#include <inttypes.h>

#include "fuzz_board.h"

#define FUZZ_CODE_MAX (8u << 10)
#define FUZZ_DATA     (RIVET_RAM_BASE + (16u << 10))
#define FUZZ_STEP     2000
#define FUZZ_STEPS    10

static void differ(const char *what, unsigned hart, uint64_t a, uint64_t b)
{
    fprintf(stderr, "fuzz_jit: hart %u %s: translated %#" PRIx64 ", interpreted %#" PRIx64 "\n", hart, what, a, b);
    abort();
}

/* clang-format off */
#define SAME(field)                                                                                                  \
    do {                                                                                                             \
        if (a->field != b->field)                                                                                    \
            differ(#field, i, (uint64_t)a->field, (uint64_t)b->field);                                              \
    } while (0)
/* clang-format on */

static void compare(const struct machine *j, const struct machine *t)
{
    for (unsigned i = 0; i < j->cfg.nharts; i++) {
        const struct hart *a = &j->harts[i], *b = &t->harts[i];
        for (unsigned r = 0; r < 32; r++) {
            if (a->x[r] != b->x[r]) {
                char what[8];
                snprintf(what, sizeof what, "x%u", r);
                differ(what, i, a->x[r], b->x[r]);
            }
            if (a->f[r] != b->f[r]) {
                char what[8];
                snprintf(what, sizeof what, "f%u", r);
                differ(what, i, a->f[r], b->f[r]);
            }
        }
        SAME(pc);
        SAME(priv);
        SAME(instret);
        SAME(frm);
        SAME(fflags);
        SAME(mip);
        SAME(mie);
        SAME(wfi);
        SAME(mstatus);
        SAME(mtvec);
        SAME(mepc);
        SAME(mcause);
        SAME(mtval);
        SAME(mscratch);
        SAME(medeleg);
        SAME(mideleg);
        SAME(stvec);
        SAME(sepc);
        SAME(scause);
        SAME(stval);
        SAME(sscratch);
        SAME(mmu.satp);
        SAME(menvcfg);
        SAME(senvcfg);
        SAME(mstateen[0]);
        SAME(resv_valid);
        SAME(vec.vl);
        SAME(vec.vtype);
        SAME(vec.vstart);
        SAME(vec.vxrm);
        SAME(vec.vxsat);
        if (memcmp(a->vec.v, b->vec.v, sizeof a->vec.v) != 0)
            differ("vector registers", i, 0, 1);
    }
    const uint8_t *ra = j->bus.ram, *rb = t->bus.ram;
    if (memcmp(ra, rb, j->cfg.ram_size) != 0) {
        size_t k = 0;
        while (ra[k] == rb[k])
            k++;
        differ("RAM byte", 0, RIVET_RAM_BASE + k, ((uint64_t)ra[k] << 8) | rb[k]);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    unsigned opts = data[0] & (FUZZ_OPT_SMP2 | FUZZ_OPT_LEGACY | FUZZ_OPT_MAX);
    size_t code = size - 1 < FUZZ_CODE_MAX ? size - 1 : FUZZ_CODE_MAX;
    struct machine *m[2];
    for (unsigned k = 0; k < 2; k++) {
        m[k] = fuzz_board(opts, k == 0 ? 1 : -1);
        bus_dma_write(&m[k]->bus, RIVET_RAM_BASE, data + 1, code);
        for (unsigned i = 0; i < m[k]->cfg.nharts; i++) {
            m[k]->harts[i].x[31] = FUZZ_DATA;
            m[k]->harts[i].mtvec = RIVET_RAM_BASE;
        }
    }
    compare(m[0], m[1]);
    for (unsigned s = 0; s < FUZZ_STEPS; s++) {
        int st0 = fuzz_run(m[0], FUZZ_STEP), st1 = fuzz_run(m[1], FUZZ_STEP);
        if (st0 != st1)
            differ("run status", 0, (uint64_t)st0, (uint64_t)st1);
        compare(m[0], m[1]);
        if (st0 != RIVET_EXIT_LIMIT || m[0]->exit_requested)
            break;
    }
    rivet_destroy(m[0]);
    rivet_destroy(m[1]);
    return 0;
}
