/*
 * SiFive PLIC: see plic.h for the register map and the contract.
 *
 * Per source: priority, line level, pending (gateway request), in_service
 * (claimed, not yet completed) and the context that claimed it. Sources are
 * bit arrays of 32-bit words, the same layout the guest sees for the pending
 * and enable registers. Invariant: pending and in_service are never both set
 * for a source, and source 0 is never pending, enabled or in service.
 */
#include "devices/plic.h"

#include <stdbool.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "rivet/encoding.h"
#include "rivet/snapstream.h"

#define PLIC_THRESHOLD_OFFSET  0x0
#define PLIC_CONTEXTS_PER_HART 2
/* Enable blocks must end before the context blocks start. */
#define PLIC_MAX_CONTEXTS      ((PLIC_CONTEXT_BASE - PLIC_ENABLE_BASE) / PLIC_ENABLE_STRIDE)
#define PLIC_NO_CONTEXT        UINT32_MAX

struct plic_context {
    uint32_t threshold;
    uint32_t *enable; /* nwords */
};

struct plic {
    unsigned nsources, nwords, ncontexts;
    struct hart_port *harts; /* ncontexts / 2 */
    struct plic_context *ctx;
    uint32_t *priority; /* nsources */
    uint32_t *claimer;  /* nsources: context that claimed, or PLIC_NO_CONTEXT */
    uint32_t *level;    /* nwords each */
    uint32_t *pending;
    uint32_t *in_service;
    uint32_t *enable_store; /* ncontexts * nwords */
    pthread_mutex_t lock;   /* all of the above: the region's lock, and plic_set_level's */
};

static inline bool bit_get(const uint32_t *a, unsigned i) { return (a[i / 32] >> (i % 32)) & 1; }
static inline void bit_put(uint32_t *a, unsigned i, bool v)
{
    if (v)
        a[i / 32] |= 1u << (i % 32);
    else
        a[i / 32] &= ~(1u << (i % 32));
}

void plic_destroy(struct plic *p)
{
    if (!p)
        return;
    free(p->harts);
    free(p->ctx);
    free(p->priority);
    free(p->claimer);
    free(p->level);
    free(p->pending);
    free(p->in_service);
    free(p->enable_store);
    pthread_mutex_destroy(&p->lock);
    free(p);
}

struct plic *plic_create(unsigned nsources, unsigned nharts, const struct hart_port *harts)
{
    if (nsources == 0 || nsources > PLIC_MAX_SOURCES || nharts == 0 ||
        nharts > PLIC_MAX_CONTEXTS / PLIC_CONTEXTS_PER_HART || !harts)
        return NULL;
    struct plic *p = calloc(1, sizeof *p);
    if (p)
        pthread_mutex_init(&p->lock, NULL);
    if (!p)
        return NULL;
    p->nsources = nsources;
    p->nwords = (nsources + 31) / 32;
    p->ncontexts = nharts * PLIC_CONTEXTS_PER_HART;
    p->harts = calloc(nharts, sizeof *p->harts);
    p->ctx = calloc(p->ncontexts, sizeof *p->ctx);
    p->priority = calloc(nsources, sizeof *p->priority);
    p->claimer = calloc(nsources, sizeof *p->claimer);
    p->level = calloc(p->nwords, sizeof *p->level);
    p->pending = calloc(p->nwords, sizeof *p->pending);
    p->in_service = calloc(p->nwords, sizeof *p->in_service);
    p->enable_store = calloc((size_t)p->ncontexts * p->nwords, sizeof *p->enable_store);
    if (!p->harts || !p->ctx || !p->priority || !p->claimer || !p->level || !p->pending || !p->in_service ||
        !p->enable_store) {
        plic_destroy(p);
        return NULL;
    }
    for (unsigned i = 0; i < nharts; i++)
        p->harts[i] = harts[i];
    for (unsigned i = 0; i < p->ncontexts; i++)
        p->ctx[i].enable = p->enable_store + (size_t)i * p->nwords;
    for (unsigned s = 0; s < nsources; s++)
        p->claimer[s] = PLIC_NO_CONTEXT;
    return p;
}

/* The best claimable source for a context: pending, enabled, priority above
 * the threshold; highest priority wins, ties go to the lowest id (PLIC spec,
 * "Interrupt Priorities"). 0 when none. */
static unsigned plic_best(const struct plic *p, unsigned ctx)
{
    const struct plic_context *c = &p->ctx[ctx];
    unsigned best = 0;
    uint32_t best_prio = c->threshold;
    for (unsigned w = 0; w < p->nwords; w++) {
        uint32_t cand = p->pending[w] & c->enable[w];
        while (cand) {
            unsigned s = w * 32 + (unsigned)__builtin_ctz(cand);
            cand &= cand - 1;
            if (p->priority[s] > best_prio) {
                best = s;
                best_prio = p->priority[s];
            }
        }
    }
    return best;
}

/* Recomputes every context's external-interrupt bit: M contexts drive MEIP,
 * S contexts SEIP. Levels are driven unconditionally (idempotent). */
static void plic_update(struct plic *p)
{
    for (unsigned ctx = 0; ctx < p->ncontexts; ctx++) {
        uint64_t bit = (ctx % PLIC_CONTEXTS_PER_HART) ? MIP_SEIP : MIP_MEIP;
        hart_port_set(&p->harts[ctx / PLIC_CONTEXTS_PER_HART], bit, plic_best(p, ctx) != 0);
    }
}

/* Gateway: a high level requests service unless the source is in service;
 * a low level withdraws a request not yet claimed (level-triggered). */
static void plic_set_level(void *ctrl, unsigned source, bool level)
{
    struct plic *p = ctrl;
    if (!p || source == 0 || source >= p->nsources)
        return;
    pthread_mutex_lock(&p->lock);
    bit_put(p->level, source, level);
    bit_put(p->pending, source, level && !bit_get(p->in_service, source));
    plic_update(p);
    pthread_mutex_unlock(&p->lock);
}

struct irq_line plic_line(struct plic *p, unsigned source)
{
    return (struct irq_line){ .set_level = plic_set_level, .ctrl = p, .source = source };
}

void plic_reset(struct plic *p)
{
    pthread_mutex_lock(&p->lock);
    for (unsigned s = 0; s < p->nsources; s++) {
        p->priority[s] = 0;
        p->claimer[s] = PLIC_NO_CONTEXT;
    }
    for (unsigned w = 0; w < p->nwords; w++)
        p->pending[w] = p->in_service[w] = p->level[w] = 0; /* the devices' resets lower their lines next */
    for (unsigned i = 0; i < p->ncontexts; i++) {
        p->ctx[i].threshold = 0;
        for (unsigned w = 0; w < p->nwords; w++)
            p->ctx[i].enable[w] = 0;
    }
    plic_update(p);
    pthread_mutex_unlock(&p->lock);
}

static uint32_t plic_claim(struct plic *p, unsigned ctx)
{
    unsigned s = plic_best(p, ctx);
    if (s == 0)
        return 0;
    bit_put(p->pending, s, false);
    bit_put(p->in_service, s, true);
    p->claimer[s] = ctx;
    plic_update(p);
    return s;
}

/* Completion of a source this context did not claim is ignored. */
static void plic_complete(struct plic *p, unsigned ctx, uint32_t source)
{
    if (source == 0 || source >= p->nsources || !bit_get(p->in_service, source) || p->claimer[source] != ctx)
        return;
    bit_put(p->in_service, source, false);
    p->claimer[source] = PLIC_NO_CONTEXT;
    /* The gateway forwards a new request if the line is still high. */
    bit_put(p->pending, source, bit_get(p->level, source));
    plic_update(p);
}

/* ---- snapshots ---- */

static uint32_t plic_enable_mask(const struct plic *p, unsigned word);

static void put_words(struct snapshot_writer *w, const uint32_t *a, size_t n)
{
    for (size_t i = 0; i < n; i++)
        snap_put_u32(w, a[i]);
}

void plic_save(struct plic *p, struct snapshot_writer *w)
{
    pthread_mutex_lock(&p->lock);
    snap_put_u32(w, p->nsources);
    snap_put_u32(w, p->ncontexts);
    put_words(w, p->priority, p->nsources);
    put_words(w, p->claimer, p->nsources);
    put_words(w, p->level, p->nwords);
    put_words(w, p->pending, p->nwords);
    put_words(w, p->in_service, p->nwords);
    for (unsigned c = 0; c < p->ncontexts; c++) {
        snap_put_u32(w, p->ctx[c].threshold);
        put_words(w, p->ctx[c].enable, p->nwords);
    }
    pthread_mutex_unlock(&p->lock);
}

static void get_words(struct snapshot_reader *r, uint32_t *a, size_t n)
{
    for (size_t i = 0; i < n; i++)
        a[i] = snap_get_u32(r);
}

/* The PLIC's invariants (the top of this file) on a staged copy: bits only
 * for sources that exist, never source 0, pending and in service apart,
 * priorities and thresholds in range, a claimer for each source in service. */
static void check_staged(const struct plic *p, struct snapshot_reader *r, const uint32_t *st)
{
    const uint32_t *prio = st, *claimer = st + p->nsources, *bits = claimer + p->nsources;
    const uint32_t *level = bits, *pending = bits + p->nwords, *ins = pending + p->nwords;
    for (unsigned s = 0; s < p->nsources; s++) {
        if (prio[s] > PLIC_MAX_PRIORITY)
            snap_bad(r, "PLIC priority out of range");
        if (claimer[s] != PLIC_NO_CONTEXT && (claimer[s] >= p->ncontexts || !bit_get(ins, s)))
            snap_bad(r, "PLIC claimer out of range");
        if (bit_get(ins, s) && claimer[s] == PLIC_NO_CONTEXT)
            snap_bad(r, "PLIC source in service without a claimer");
    }
    for (unsigned w = 0; w < p->nwords; w++) {
        uint32_t mask = plic_enable_mask(p, w);
        if (((level[w] | pending[w] | ins[w]) & ~mask) || (pending[w] & ins[w]))
            snap_bad(r, "PLIC source bits inconsistent");
    }
    const uint32_t *ctx = ins + p->nwords;
    for (unsigned c = 0; c < p->ncontexts; c++, ctx += 1 + p->nwords) {
        if (ctx[0] > PLIC_MAX_PRIORITY)
            snap_bad(r, "PLIC threshold out of range");
        for (unsigned w = 0; w < p->nwords; w++)
            if (ctx[1 + w] & ~plic_enable_mask(p, w))
                snap_bad(r, "PLIC enable bits for no source");
    }
}

bool plic_restore(struct plic *p, struct snapshot_reader *r)
{
    if (snap_get_u32(r) != p->nsources || snap_get_u32(r) != p->ncontexts) {
        snap_bad(r, "PLIC size differs");
        return false;
    }
    size_t n = 2 * (size_t)p->nsources + 3 * (size_t)p->nwords + (size_t)p->ncontexts * (1 + p->nwords);
    uint32_t *st = malloc(n * sizeof *st);
    if (!st) {
        snap_bad(r, "out of memory");
        return false;
    }
    get_words(r, st, n);
    if (!r->bad)
        check_staged(p, r, st);
    if (snap_end(r) && !r->dry) {
        pthread_mutex_lock(&p->lock);
        const uint32_t *q = st;
        memcpy(p->priority, q, p->nsources * sizeof *q), q += p->nsources;
        memcpy(p->claimer, q, p->nsources * sizeof *q), q += p->nsources;
        memcpy(p->level, q, p->nwords * sizeof *q), q += p->nwords;
        memcpy(p->pending, q, p->nwords * sizeof *q), q += p->nwords;
        memcpy(p->in_service, q, p->nwords * sizeof *q), q += p->nwords;
        for (unsigned c = 0; c < p->ncontexts; c++) {
            p->ctx[c].threshold = *q++;
            memcpy(p->ctx[c].enable, q, p->nwords * sizeof *q), q += p->nwords;
        }
        plic_update(p);
        pthread_mutex_unlock(&p->lock);
    }
    free(st);
    return !r->bad;
}

/* Enable bits that name no source (0, or nsources and above) stay zero. */
static uint32_t plic_enable_mask(const struct plic *p, unsigned word)
{
    uint32_t mask = UINT32_MAX;
    if (word == 0)
        mask &= ~1u;
    unsigned first = word * 32;
    if (p->nsources < first + 32)
        mask &= (p->nsources <= first) ? 0 : (uint32_t)((1ull << (p->nsources - first)) - 1);
    return mask;
}

/* Decodes an enable offset into (context, word); false when out of range. */
static bool plic_enable_at(const struct plic *p, uint64_t offset, unsigned *ctx, unsigned *word)
{
    uint64_t rel = offset - PLIC_ENABLE_BASE;
    uint64_t c = rel / PLIC_ENABLE_STRIDE, w = (rel % PLIC_ENABLE_STRIDE) / 4;
    if (c >= p->ncontexts || w >= p->nwords)
        return false;
    *ctx = (unsigned)c;
    *word = (unsigned)w;
    return true;
}

/* Decodes a context-block offset into (context, register offset). */
static bool plic_context_at(const struct plic *p, uint64_t offset, unsigned *ctx, unsigned *reg)
{
    uint64_t rel = offset - PLIC_CONTEXT_BASE;
    uint64_t c = rel / PLIC_CONTEXT_STRIDE;
    if (c >= p->ncontexts)
        return false;
    *ctx = (unsigned)c;
    *reg = (unsigned)(rel % PLIC_CONTEXT_STRIDE);
    return true;
}

static uint32_t plic_read32(struct plic *p, uint64_t offset)
{
    unsigned ctx, idx;
    if (offset < PLIC_PENDING_BASE) {
        uint64_t s = (offset - PLIC_PRIORITY_BASE) / 4;
        return s < p->nsources ? p->priority[s] : 0;
    }
    if (offset < PLIC_ENABLE_BASE) {
        uint64_t w = (offset - PLIC_PENDING_BASE) / 4;
        return w < p->nwords ? p->pending[w] : 0;
    }
    if (offset < PLIC_CONTEXT_BASE)
        return plic_enable_at(p, offset, &ctx, &idx) ? p->ctx[ctx].enable[idx] : 0;
    if (!plic_context_at(p, offset, &ctx, &idx))
        return 0;
    if (idx == PLIC_THRESHOLD_OFFSET)
        return p->ctx[ctx].threshold;
    if (idx == PLIC_CLAIM_OFFSET)
        return plic_claim(p, ctx);
    return 0;
}

static void plic_write32(struct plic *p, uint64_t offset, uint32_t value)
{
    unsigned ctx, idx;
    if (offset < PLIC_PENDING_BASE) {
        uint64_t s = (offset - PLIC_PRIORITY_BASE) / 4;
        if (s == 0 || s >= p->nsources)
            return;
        p->priority[s] = value & PLIC_MAX_PRIORITY;
    } else if (offset < PLIC_ENABLE_BASE) {
        return; /* pending bits are read-only */
    } else if (offset < PLIC_CONTEXT_BASE) {
        if (!plic_enable_at(p, offset, &ctx, &idx))
            return;
        p->ctx[ctx].enable[idx] = value & plic_enable_mask(p, idx);
    } else {
        if (!plic_context_at(p, offset, &ctx, &idx))
            return;
        if (idx == PLIC_CLAIM_OFFSET) {
            plic_complete(p, ctx, value);
            return;
        }
        if (idx != PLIC_THRESHOLD_OFFSET)
            return;
        p->ctx[ctx].threshold = value & PLIC_MAX_PRIORITY;
    }
    plic_update(p);
}

MMIO_REG32_CALLBACKS(plic, struct plic)

struct mmio_region plic_region(struct plic *p, uint64_t base, uint64_t size)
{
    return (struct mmio_region){
        /* clang-format off */
        .name = "plic", .base = base, .size = size, .min_access = 4, .max_access = 4,
        .read = plic_mmio_read, .write = plic_mmio_write, .opaque = p, .lock = &p->lock,
        /* clang-format on */
    };
}
