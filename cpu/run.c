/*
 * The run loop: fetch a decoded block, run it, account for it, take traps.
 *
 * Rules of the hot loop
 * - Interrupts are looked at between blocks only: a pending-and-enabled check
 *   (one load and an AND) here, before each block the loop starts, after
 *   the Zihpm overflow check (a compare; chains end at its deadline, pmu.c). Blocks that
 *   jump chain straight into the next one (dispatch.h) while instret is below
 *   h->chain_end, which anything needing this loop's attention zeroes. A CSR
 *   write that may make an interrupt deliverable, mret/sret and wfi end their
 *   block (F_END / EXEC_STOP / hart_end_chain).
 * - h->pc is the block's virtual start address while the block runs; handlers
 *   compute their own pc from in->off. Only the epilogue below and the jumps
 *   of dispatch.h move h->pc.
 * - instret is advanced when a block ends (here, or by a chained jump in
 *   dispatch.h) from the index of the instruction that ended it; a trapping
 *   instruction does not retire.
 * - Blocks are looked up by the physical address of the fetch; the fetch TLB
 *   gives the host pointer, from which the physical address follows.
 * - No allocation, locking or system call happens here; cache_build() allocates
 *   from its arena.
 *
 * Breakpoints and watchpoints (the debugger, hart.h) cost nothing where they
 * are not:
 * - Every way into a block by virtual pc goes through the jump cache: this
 *   loop's lookup, chain_enter (dispatch.h) and each translation's chain
 *   tail (jit.c); a taken branch inside a block stays in that block. So a
 *   block that would run an instruction at a breakpoint is never put in the
 *   jump cache: it is found here on every visit, where the pc is checked
 *   against the breakpoints and the block runs one instruction at a time.
 *   Every other block runs as usual, translated. The check is by virtual pc
 *   when the jump cache is filled, so blocks (keyed by physical address and
 *   shared between mappings) need not know of breakpoints. Changing the set
 *   drops every jump cache (hart_set_breaks).
 * - A watched page stays out of the TLB for the watched kind of access, so
 *   only those accesses take the slow path, which refuses them before they
 *   happen (MMU_WATCH_DEFER, mmu.h); exec_block then runs that instruction
 *   alone with the access allowed and tells the debugger of the hit.
 */
#include <inttypes.h>
#include <string.h>

#include "cpu/cache.h"
#include "cpu/decode.h"
#include "cpu/hart.h"

/* The bit of h->jc_pages that stands for va's page. */
static inline unsigned jc_page_bit(uint64_t va) { return (unsigned)(va >> PAGE_SHIFT) & 255; }

/* The jump cache follows the TLB: everything goes when the TLB flush did
 * (superpages), else the entries of va's page. */
void hart_flush_page(struct hart *h, uint64_t va)
{
    uint64_t page = va & ~(uint64_t)(PAGE_SIZE - 1);
    if (mmu_flush_page(&h->mmu, va)) {
        hart_jcache_flush(h);
        return;
    }
    unsigned bit = jc_page_bit(va);
    if (!(h->jc_pages[bit / 64] >> (bit % 64) & 1))
        return; /* the usual case: a data page, no jump-cache entry to look for */
    for (unsigned i = 0; i < JCACHE_ENTRIES; i++)
        if ((h->jcache[i].vpc & ~(uint64_t)(PAGE_SIZE - 1)) == page)
            h->jcache[i].vpc = 1; /* odd: no pc */
}

void hart_flush_tlb(struct hart *h)
{
    mmu_flush(&h->mmu);
    hart_jcache_flush(h);
}

static void watched_step(struct hart *h);
static void watch_stop(struct hart *h);

/* Runs a block (or a one-instruction block) and applies its epilogue. */
static void exec_block(struct hart *h, insn_fn entry, const struct insn *first)
{
    int r = entry(h, first); /* runs the whole chain (dispatch.h) */
    const struct insn *in = h->stop_insn;
    switch (r) {
    case EXEC_END:
        h->pc = insn_pc(h, in);
        h->instret += in->idx;
        break;
    case EXEC_JUMP: h->instret += in->idx + 1u; break;
    case EXEC_LINKED: break;
    case EXEC_STOP:
        h->pc = insn_pc(h, in) + in->len;
        h->instret += in->idx + 1u;
        break;
    default: /* EXEC_TRAP */
        h->pc = insn_pc(h, in);
        h->instret += in->idx;
        if (__builtin_expect(h->exc_cause == MMU_WATCH_DEFER, 0))
            watched_step(h);
        else
            hart_take_trap(h, h->exc_cause, h->exc_tval);
        break;
    }
}

/* Translates the fetch of h->pc. Returns false after taking the fault. */
static bool fetch_translate(struct hart *h, uint64_t *pa, uint8_t **host)
{
    uint64_t pc = h->pc, tval;
    const struct tlb_entry *e = &h->mmu.tlb_fetch[tlb_index(pc)];
    if (__builtin_expect(e->tag == (pc & ~(PAGE_SIZE - 1)), 1)) {
        *host = (uint8_t *)(uintptr_t)(pc + e->addend);
        *pa = (uint64_t)(*host - h->mmu.bus->ram) + h->mmu.bus->ram_base;
        return true;
    }
    int cause = mmu_fetch_slow(&h->mmu, pc, pa, host, &tval);
    if (cause) {
        hart_take_trap(h, (uint64_t)cause, tval);
        return false;
    }
    return true;
}

/* Fetches the raw bits at h->pc, the upper half from the next page when the
 * instruction crosses a page end. Returns false after taking the fault; the
 * fault on the second half reports that half's address (priv. spec 3.1.16). */
static bool fetch_bits(struct hart *h, const uint8_t *host, uint32_t *bits)
{
    uint64_t pc = h->pc, pa2, tval;
    uint32_t lo = (uint32_t)load_le(host, 2);
    if (insn_length(lo) == 2 || (pc & (PAGE_SIZE - 1)) <= PAGE_SIZE - 4) {
        *bits = insn_length(lo) == 2 ? lo : (uint32_t)load_le(host, 4);
        return true;
    }
    uint8_t *host2;
    int cause = mmu_fetch_slow(&h->mmu, pc + 2, &pa2, &host2, &tval);
    if (cause) {
        hart_take_trap(h, (uint64_t)cause, tval);
        return false;
    }
    *bits = lo | (uint32_t)load_le(host2, 2) << 16;
    return true;
}

/* A one-instruction block: the instruction and its end marker. */
static void make_single(const struct hart *h, struct insn pair[2], uint32_t bits)
{
    decode(bits, &pair[0], &h->dec);
    pair[0].off = 0;
    pair[0].idx = 0;
    pair[0].pos = 0;
    memset(&pair[1], 0, sizeof(pair[1]));
    pair[1].fn = exec_block_end;
    pair[1].id = INSN_BLOCK_END;
    pair[1].off = (int16_t)pair[0].len;
    pair[1].idx = 1;
    pair[1].pos = 1;
}

/* One instruction outside the cache: page-crossing instructions, pages that
 * are not wholly executable, and tracing. */
static void exec_single(struct hart *h, const uint8_t *host)
{
    struct insn pair[2];
    uint32_t bits;
    if (!fetch_bits(h, host, &bits))
        return;
    make_single(h, pair, bits);
    exec_block(h, pair[0].fn, pair);
}

static inline bool interrupt_ready(const struct hart *h) { return (hart_pending(h) & h->mie) != 0; }

/* ---- breakpoints ---- */

static inline bool breaks_page(const struct hart_breaks *b, uint64_t va)
{
    unsigned bit = jc_page_bit(va);
    return b->pages[bit / 64] >> (bit % 64) & 1;
}

bool hart_breaks_has(const struct hart_breaks *b, uint64_t va)
{
    if (!breaks_page(b, va))
        return false;
    for (unsigned i = 0; i < b->n; i++)
        if (b->addr[i] == va)
            return true;
    return false;
}

bool hart_breaks_insert(struct hart_breaks *b, uint64_t va)
{
    if (hart_breaks_has(b, va))
        return true;
    if (b->n >= HART_MAX_BREAKS)
        return false;
    b->addr[b->n++] = va;
    unsigned bit = jc_page_bit(va);
    b->pages[bit / 64] |= 1ull << (bit % 64);
    return true;
}

void hart_breaks_remove(struct hart_breaks *b, uint64_t va)
{
    for (unsigned i = 0; i < b->n; i++)
        if (b->addr[i] == va)
            b->addr[i--] = b->addr[--b->n];
    memset(b->pages, 0, sizeof b->pages);
    for (unsigned i = 0; i < b->n; i++) {
        unsigned bit = jc_page_bit(b->addr[i]);
        b->pages[bit / 64] |= 1ull << (bit % 64);
    }
}

void hart_set_breaks(struct hart *h, const struct hart_breaks *b)
{
    h->breaks = b;
    hart_jcache_flush(h);
    hart_end_chain(h);
}

/* At a breakpoint: true when the debugger stopped the hart there. */
static bool at_break(struct hart *h)
{
    return hart_breaks_has(h->breaks, h->pc) && h->debug_stop && h->debug_stop(h->debug_opaque, h);
}

/* The target of the plain j (jal x0) at page offset off, which the decoder
 * followed (cache.c) with the machine's ISA (d); false when there is none
 * (cannot happen while the block is valid: then the caller assumes the
 * worst). */
static bool followed_j(const uint8_t *page, int64_t off, const struct decode_ctx *d, int64_t *target)
{
    uint32_t bits;
    struct insn in;
    if (off < 0 || off > (int64_t)PAGE_SIZE - 2)
        return false;
    bits = (uint32_t)load_le(page + off, 2);
    if (insn_length(bits) == 4) {
        if (off > (int64_t)PAGE_SIZE - 4)
            return false;
        bits = (uint32_t)load_le(page + off, 4);
    }
    decode(bits, &in, d);
    *target = off + in.imm;
    return in.id == INSN_jal && in.rd == 32;
}

/*
 * Whether block b, entered at h->pc, may run an instruction at a breakpoint.
 * Its pcs all lie in h->pc's page (cache.h): those of its instructions, and
 * those of the plain j's the decoder followed, which leave no instruction
 * behind, only their count in the idx of what comes next; they are found
 * again by walking the trace from the block's start through guest memory,
 * unchanged while the block is valid.
 */
static bool block_breaks(const struct hart *h, const struct block *b, const uint8_t *host)
{
    const struct hart_breaks *br = h->breaks;
    if (!breaks_page(br, h->pc))
        return false;
    uint64_t start = h->pc;
    const uint8_t *page = host - (start & (PAGE_SIZE - 1));
    int64_t off = (int64_t)(start & (PAGE_SIZE - 1)), next = off; /* page offsets */
    unsigned retired = 0;
    for (unsigned i = 0; i <= b->n; i++) {
        const struct insn *in = &b->insns[i];
        for (; retired < in->idx; retired++) { /* followed j's before this one */
            if (hart_breaks_has(br, start - (uint64_t)off + (uint64_t)next) || !followed_j(page, next, &h->dec, &next))
                return true;
        }
        if (i == b->n)
            break; /* the end marker: the pc after the block */
        if (hart_breaks_has(br, insn_pc(h, in)))
            return true;
        next = off + in->off + (in->id == INSN_jal ? in->imm : in->len);
        retired = in->idx + 1u;
    }
    return false;
}

/* Runs one block at h->pc (or one instruction when no block can be cached).
 * The jump cache answers most lookups without a fetch translation. */
static void run_one_block(struct hart *h)
{
    struct jcache_entry *j = jcache_slot(h, h->pc);
    /* The key before the lookup: another thread's invalidation marks the
     * block invalid, then bumps jc_gen (cpu/cache.h, "Threads"), so a block
     * found valid under this key is never entered under a newer one. */
    uint64_t key = __atomic_load_n(&h->jc_gen, __ATOMIC_SEQ_CST) | h->priv;
    if (__builtin_expect(j->vpc == h->pc && j->gen == key, 1)) {
        exec_block(h, __atomic_load_n(&j->b->entry, __ATOMIC_RELAXED), j->b->insns);
        return;
    }
    if (__builtin_expect(h->breaks != NULL, 0) && at_break(h))
        return;
    uint64_t pa;
    uint8_t *host;
    if (!fetch_translate(h, &pa, &host))
        return;
    /* Blocks run only from pages the fetch TLB maps whole (PMP permits the
     * whole page); elsewhere each instruction is fetched and checked alone. */
    if (h->mmu.tlb_fetch[tlb_index(h->pc)].tag != (h->pc & ~(PAGE_SIZE - 1))) {
        exec_single(h, host);
        return;
    }
    struct block *b = cache_lookup(h->cache, pa);
    if (!b)
        b = cache_build(h->cache, pa, host);
    if (!b || (__builtin_expect(h->breaks != NULL, 0) && block_breaks(h, b, host))) {
        exec_single(h, host);
        return;
    }
    unsigned bit = jc_page_bit(h->pc);
    h->jc_pages[bit / 64] |= 1ull << (bit % 64);
    j->vpc = h->pc;
    j->gen = key;
    j->b = b;
    exec_block(h, __atomic_load_n(&b->entry, __ATOMIC_RELAXED), b->insns);
}

/* The most instructions one chain of blocks (dispatch.h) may run: the whole
 * slice when handlers tail-call each other, few where the compiler leaves
 * them as nested calls (unoptimised builds), to bound the host stack. */
#ifdef __OPTIMIZE__
#define CHAIN_INSNS UINT64_MAX
#else
#define CHAIN_INSNS 256u
#endif

uint64_t hart_run(struct hart *h, uint64_t budget)
{
    uint64_t start = h->instret, end = start + budget;
    if (hart_halted(h) || h->debug_hold)
        return 0;
    if (h->trace) {
        for (uint64_t iter = 0; h->instret < end && iter < budget && !__atomic_load_n(&h->yield, __ATOMIC_RELAXED);
             iter++) {
            if (hart_wfi(h) && !interrupt_ready(h))
                break;
            if (h->breaks && at_break(h))
                break;
            pmu_poll(h);
            hart_step(h);
            if (h->mmu.watch_hit)
                watch_stop(h);
        }
        return h->instret - start;
    }
    /* Iterations are bounded too: a guest trapping in a loop retires nothing. */
    for (uint64_t iter = 0; h->instret < end && iter < budget && !__atomic_load_n(&h->yield, __ATOMIC_RELAXED);
         iter++) {
        pmu_poll(h); /* a counter overflow raises LCOFI, taken below */
        if (__builtin_expect(interrupt_ready(h), 0)) {
            hart_set_wfi(h, false);
            if (hart_check_interrupts(h))
                continue;
        }
        if (hart_wfi(h))
            break;
        uint64_t stop = end - h->instret > CHAIN_INSNS ? h->instret + CHAIN_INSNS : end;
        stop = stop < h->pmu.deadline ? stop : h->pmu.deadline;
        __atomic_store_n(&h->chain_end, stop, __ATOMIC_RELAXED);
        /* Links skip the jump cache, which keeps blocks at breakpoints out. */
        __atomic_store_n(&h->link_end, h->breaks ? 0 : stop, __ATOMIC_RELAXED);
        run_one_block(h);
    }
    return h->instret - start;
}

/* CSR state shown in the trace when an instruction changes it. */
struct trace_csrs {
    uint64_t v[16];
};
static const char *const trace_csr_names[16] = {
    "mstatus", "mepc",  "mcause",   "mtval", "mtvec", "mscratch", "sepc",    "scause",
    "stval",   "stvec", "sscratch", "satp",  "mie",   "medeleg",  "mideleg", "fcsr",
};

static void trace_snapshot(const struct hart *h, struct trace_csrs *s)
{
    const uint64_t v[16] = {
        h->mstatus, h->mepc,     h->mcause,   h->mtval,
        h->mtvec,   h->mscratch, h->sepc,     h->scause,
        h->stval,   h->stvec,    h->sscratch, h->mmu.satp,
        h->mie,     h->medeleg,  h->mideleg,  (uint64_t)h->frm << 5 | h->fflags,
    };
    memcpy(s->v, v, sizeof(v));
}

/* One line per retired instruction:
 *   core   0: 3 0x0000000080000000 (0x00000297) auipc   t0,0x0   x5 0x0000000080000000
 * privilege, pc, encoding, disassembly, then every register and CSR written.
 * A trap is a line of its own. */
static void trace_line(struct hart *h, uint64_t pc, unsigned priv, const struct insn *in, const uint64_t *x_before,
                       const uint64_t *f_before, const struct trace_csrs *c_before, bool trapped)
{
    char text[96];
    FILE *t = h->trace;
    insn_disasm(in, pc, text, sizeof(text));
    if (in->len == 2)
        fprintf(t, "core %3" PRIu64 ": %u 0x%016" PRIx64 " (0x%04x)     %-32s", h->mhartid, priv, pc, in->bits, text);
    else
        fprintf(t, "core %3" PRIu64 ": %u 0x%016" PRIx64 " (0x%08x) %-32s", h->mhartid, priv, pc, in->bits, text);
    if (!trapped) {
        for (int r = 1; r < 32; r++)
            if (h->x[r] != x_before[r])
                fprintf(t, " x%-2d 0x%016" PRIx64, r, h->x[r]);
        for (int r = 0; r < 32; r++)
            if (h->f[r] != f_before[r])
                fprintf(t, " f%-2d 0x%016" PRIx64, r, h->f[r]);
    }
    struct trace_csrs now;
    trace_snapshot(h, &now);
    for (int i = 0; i < 16; i++)
        if (now.v[i] != c_before->v[i])
            fprintf(t, " %s 0x%016" PRIx64, trace_csr_names[i], now.v[i]);
    fputc('\n', t);
    if (trapped)
        fprintf(t, "core %3" PRIu64 ": exception cause %" PRIu64 ", tval 0x%016" PRIx64 ", to 0x%016" PRIx64 "\n",
                h->mhartid, h->exc_cause, h->exc_tval, h->pc);
}

/* The instruction at h->pc alone, traced when --trace asks. Watched
 * accesses are let through and noted (mmu.h). */
static void step_insn(struct hart *h)
{
    uint64_t pa, pc = h->pc, x_before[33], f_before[32];
    uint8_t *host;
    uint32_t bits;
    unsigned priv = h->priv;
    if (!fetch_translate(h, &pa, &host) || !fetch_bits(h, host, &bits)) {
        if (h->trace)
            fprintf(h->trace, "core %3" PRIu64 ": %u 0x%016" PRIx64 " fetch fault, to 0x%016" PRIx64 "\n", h->mhartid,
                    priv, pc, h->pc);
        return;
    }
    struct insn pair[2];
    make_single(h, pair, bits);
    struct trace_csrs c_before;
    memcpy(x_before, h->x, sizeof(x_before));
    memcpy(f_before, h->f, sizeof(f_before));
    trace_snapshot(h, &c_before);
    uint64_t retired = h->instret;
    h->mmu.watch_now = true;
    exec_block(h, pair[0].fn, pair);
    h->mmu.watch_now = false;
    if (h->trace)
        trace_line(h, pc, priv, &pair[0], x_before, f_before, &c_before, h->instret == retired);
}

void hart_step(struct hart *h)
{
    hart_end_chain(h); /* exactly one instruction: no chaining (dispatch.h) */
    if (interrupt_ready(h)) {
        hart_set_wfi(h, false);
        uint64_t pc = h->pc;
        if (hart_check_interrupts(h)) {
            if (h->trace)
                fprintf(h->trace, "core %3" PRIu64 ": interrupt cause 0x%016" PRIx64 " at 0x%016" PRIx64 "\n",
                        h->mhartid, h->priv == PRV_M ? h->mcause : h->scause, pc);
            return;
        }
    }
    if (!hart_wfi(h))
        step_insn(h);
}

void hart_step_insn(struct hart *h)
{
    hart_end_chain(h);
    if (!hart_wfi(h))
        step_insn(h);
}

/* A watchpoint hit: the debugger hears of it (and stops the hart). */
static void watch_stop(struct hart *h)
{
    if (h->debug_stop)
        h->debug_stop(h->debug_opaque, h);
    h->mmu.watch_hit = false;
}

/* An access the debugger watches, refused before it happened: the
 * instruction (at h->pc, nothing of it done) runs again alone with the
 * access let through, then the debugger hears of the hit. */
static void watched_step(struct hart *h)
{
    hart_step_insn(h);
    if (h->mmu.watch_hit)
        watch_stop(h);
}
