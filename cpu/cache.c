/* The decoded-block cache: see cache.h for the rules it keeps. */
#include "cpu/cache.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "cpu/decode.h"
#include "cpu/dispatch.h"
#include "cpu/jit.h"
#include "cpu/resv.h"
#include "rivet.h"

#define HASH_BITS   16
#define ARENA_BYTES (32u << 20)

struct code_cache {
    struct bus *bus;
    struct block *hash[1u << HASH_BITS];
    struct block **page_blocks; /* per RAM page: list of its blocks */
    uint64_t npages;
    uint8_t *arena;
    size_t arena_used;
    struct hart *harts[RIVET_MAX_HARTS];
    unsigned nharts;
    struct isa_set isa;    /* the machine's ISA (cpu/isa.h) */
    struct decode_ctx dec; /* what decode() may produce with it */
    struct jit *jit;       /* NULL: no translation */
    FILE *perfmap;         /* code_cache_set_perfmap, or NULL */
    unsigned jit_hot;      /* entries before a block is translated */
    uint64_t nblocks, ntranslated, nrefused, nflushes, ninvalidated, nlinks, nunlinks;
    pthread_mutex_t lock;     /* everything above but the hash heads' readers (cache.h, "Threads") */
    struct cache_world world; /* stops the other harts for a recycle (NULL hooks: one thread) */
};

static void on_code_write(void *opaque, uint64_t pa, uint64_t len) { cache_invalidate_range(opaque, pa, len); }

/* Under the lock that code_cache_watch_stores flags pages with: a page
 * loses its flag only while no hart can be between flagging it and
 * looking at memory (cpu/resv.h). */
static void on_resv_write(void *opaque, uint64_t pa, uint64_t len)
{
    struct code_cache *c = opaque;
    pthread_mutex_lock(&c->lock);
    resv_note_store(c->harts, c->nharts, c->bus, pa, len);
    pthread_mutex_unlock(&c->lock);
}

struct code_cache *code_cache_create(struct bus *bus)
{
    struct code_cache *c = calloc(1, sizeof(*c));
    if (!c)
        return NULL;
    pthread_mutex_init(&c->lock, NULL);
    c->bus = bus;
    c->npages = bus->ram_size >> PAGE_SHIFT;
    c->page_blocks = calloc(c->npages ? c->npages : 1, sizeof(*c->page_blocks));
    /* Mapped, not malloc'd: only the pages blocks are built into ever cost
     * memory, and nothing is reserved for the rest (MAP_NORESERVE). */
    c->arena = mmap(NULL, ARENA_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (c->arena == MAP_FAILED)
        c->arena = NULL;
    if (!c->page_blocks || !c->arena) {
        code_cache_destroy(c);
        return NULL;
    }
    bus->code_write = on_code_write;
    bus->code_write_opaque = c;
    bus->resv_write = on_resv_write;
    bus->resv_write_opaque = c;
    isa_model(ISA_DEFAULT_MODEL, &c->isa);
    decode_ctx_init(&c->dec, &c->isa);
    c->jit = jit_create();
    c->jit_hot = JIT_HOT;
    return c;
}

bool code_cache_set_jit(struct code_cache *c, unsigned hot)
{
    if (hot && !c->jit) {
        c->jit = jit_create();
        if (c->jit)
            jit_set_perfmap(c->jit, c->perfmap);
    } else if (!hot && c->jit) {
        jit_destroy(c->jit);
        c->jit = NULL;
    }
    c->jit_hot = hot;
    return c->jit != NULL;
}

void code_cache_set_perfmap(struct code_cache *c, FILE *f)
{
    c->perfmap = f;
    if (c->jit)
        jit_set_perfmap(c->jit, f);
}

bool code_cache_set_isa(struct code_cache *c, const struct isa_set *isa)
{
    if (c->nblocks)
        return false;
    c->isa = *isa;
    decode_ctx_init(&c->dec, isa);
    return true;
}

const struct isa_set *code_cache_isa(const struct code_cache *c) { return &c->isa; }

void code_cache_destroy(struct code_cache *c)
{
    if (!c)
        return;
    if (c->bus && c->bus->code_write_opaque == c) {
        c->bus->code_write = NULL;
        c->bus->code_write_opaque = NULL;
    }
    if (c->bus && c->bus->resv_write_opaque == c) {
        c->bus->resv_write = NULL;
        c->bus->resv_write_opaque = NULL;
    }
    jit_destroy(c->jit);
    free(c->page_blocks);
    if (c->arena)
        munmap(c->arena, ARENA_BYTES);
    pthread_mutex_destroy(&c->lock);
    free(c);
}

bool code_cache_add_hart(struct code_cache *c, struct hart *h)
{
    if (c->nharts >= RIVET_MAX_HARTS)
        return false;
    c->harts[c->nharts++] = h;
    hart_jcache_flush(h); /* zeroed entries (gen 0) never match */
    return true;
}

/* clang-format off */
static inline unsigned hash_pa(uint64_t pa) { return (unsigned)((pa >> 1) ^ (pa >> (HASH_BITS + 1))) & ((1u << HASH_BITS) - 1); }
static inline uint64_t page_of(const struct code_cache *c, uint64_t pa) { return (pa - c->bus->ram_base) >> PAGE_SHIFT; }
/* clang-format on */

void code_cache_set_world(struct code_cache *c, const struct cache_world *w) { c->world = *w; }

/* Lock-free: chains are published with release stores and a block leaves
 * its chain with its own link intact, so a reader racing with a removal
 * finds it still there, no longer valid. */
struct block *cache_lookup(struct code_cache *c, uint64_t pa)
{
    for (struct block *b = __atomic_load_n(&c->hash[hash_pa(pa)], __ATOMIC_ACQUIRE); b;
         b = __atomic_load_n(&b->hnext, __ATOMIC_ACQUIRE))
        if (b->pa == pa && __atomic_load_n(&b->valid, __ATOMIC_ACQUIRE))
            return b;
    return NULL;
}

void code_cache_stats(const struct code_cache *c, struct rivet_code_stats *s)
{
    s->blocks = c->nblocks;
    s->translated = c->ntranslated;
    s->refused = c->nrefused;
    s->host_bytes = c->jit ? jit_bytes_written(c->jit) : 0;
    s->flushes = c->nflushes;
    s->invalidations = c->ninvalidated;
    s->links = c->nlinks;
    s->unlinks = c->nunlinks;
    s->helper_calls = s->exit_jc_hit = s->exit_jc_miss = s->exit_ind_hit = s->exit_ind_miss = 0;
    s->exit_limit = s->exit_trap = s->exit_end = s->exit_jump = 0;
    for (unsigned i = 0; i < c->nharts; i++) { /* the harts do not run (hart_jit_stats) */
        const struct hart_jit_stats *j = &c->harts[i]->jit_stats;
        s->helper_calls += j->helper_calls;
        s->exit_jc_hit += j->jc_hit;
        s->exit_jc_miss += j->jc_miss;
        s->exit_ind_hit += j->ind_hit;
        s->exit_ind_miss += j->ind_miss;
        s->exit_limit += j->limit;
        s->exit_trap += j->trap;
        s->exit_end += j->end;
        s->exit_jump += j->jump;
    }
}

/* With nothing built since the last flush (a machine just made, as before
 * -loadvm), the hash heads and page lists are all NULL already and are left
 * alone: clearing them would dirty their fresh zero pages (512 KiB of hash
 * heads) in every restored clone (issue 23). Blocks are only ever added by
 * build_locked, which advances arena_used. */
void cache_flush_all(struct code_cache *c)
{
    c->nflushes++;
    if (c->arena_used) {
        memset(c->hash, 0, sizeof(c->hash));
        for (uint64_t p = 0; p < c->npages; p++) {
            if (c->page_blocks[p]) {
                c->page_blocks[p] = NULL;
                __atomic_fetch_and(&c->bus->page_flags[p], (uint8_t)~BUS_PAGE_CODE, __ATOMIC_SEQ_CST);
            }
        }
    }
    c->arena_used = 0;
    if (c->jit)
        jit_reset(c->jit);
    for (unsigned i = 0; i < c->nharts; i++)
        hart_jcache_invalidate(c->harts[i]);
}

static void hash_remove(struct code_cache *c, struct block *b)
{
    for (struct block **pp = &c->hash[hash_pa(b->pa)]; *pp; pp = &(*pp)->hnext) {
        if (*pp == b) {
            __atomic_store_n(pp, b->hnext, __ATOMIC_RELEASE);
            return;
        }
    }
}

/* Every exit linked to b goes back to asking (cache.h, "Threads"); with
 * the lock held. */
static void unlink_block(struct code_cache *c, struct block *b)
{
    for (struct jit_exit *e = b->links_in; e; e = e->next) {
        jit_exit_unlink(e);
        c->nunlinks++;
    }
    b->links_in = NULL;
}

/* Drops the blocks of page p touching [lo, hi); with the lock held. */
static bool drop_blocks(struct code_cache *c, uint64_t p, uint64_t lo, uint64_t hi)
{
    bool dropped = false;
    for (struct block **pp = &c->page_blocks[p]; *pp;) {
        struct block *b = *pp;
        if (b->lo < hi && lo < b->hi) {
            __atomic_store_n(&b->valid, false, __ATOMIC_RELEASE);
            unlink_block(c, b);
            hash_remove(c, b);
            *pp = b->pnext;
            dropped = true;
        } else {
            pp = &b->pnext;
        }
    }
    if (!c->page_blocks[p])
        __atomic_fetch_and(&c->bus->page_flags[p], (uint8_t)~BUS_PAGE_CODE, __ATOMIC_SEQ_CST);
    return dropped;
}

void cache_invalidate_range(struct code_cache *c, uint64_t pa, uint64_t len)
{
    if (!bus_is_ram(c->bus, pa) || len == 0)
        return;
    uint64_t p = page_of(c, pa), lo = pa & (PAGE_SIZE - 1);
    pthread_mutex_lock(&c->lock);
    bool dropped = drop_blocks(c, p, lo, lo + len);
    if (dropped)
        c->ninvalidated++;
    pthread_mutex_unlock(&c->lock);
    if (!dropped)
        return;
    /* No jump cache may keep an invalid block: chained jumps do not look at
     * b->valid (dispatch.h). Rare: a Linux boot invalidates about 30 pages. */
    for (unsigned i = 0; i < c->nharts; i++)
        hart_jcache_invalidate(c->harts[i]);
}

/* Gives the page a bus flag (code, or a WRS reservation); stores to it must
 * now leave the fast path: the flag first, then every hart's store TLB
 * entries for it go (the Dekker half of cache.h, "Threads"). */
static void flag_page(struct code_cache *c, uint64_t pa, uint8_t flag)
{
    uint64_t p = page_of(c, pa);
    if (__atomic_fetch_or(&c->bus->page_flags[p], flag, __ATOMIC_SEQ_CST) & flag)
        return;
    const uint8_t *host = c->bus->ram + (p << PAGE_SHIFT);
    for (unsigned i = 0; i < c->nharts; i++)
        mmu_drop_store_page(&c->harts[i]->mmu, host);
}

void code_cache_watch_stores(struct code_cache *c, uint64_t pa)
{
    if (bus_is_ram(c->bus, pa)) {
        pthread_mutex_lock(&c->lock);
        flag_page(c, pa, BUS_PAGE_RESV);
        pthread_mutex_unlock(&c->lock);
    }
}


/* The fetch of one instruction at page offset pgoff: false when it would
 * cross the page end (it then ends the block and runs on its own, run.c). */
static bool fetch_in_page(const uint8_t *page, unsigned pgoff, uint32_t *bits)
{
    if (pgoff + 2 > PAGE_SIZE)
        return false;
    *bits = (uint32_t)load_le(page + pgoff, 2);
    if (insn_length(*bits) == 4) {
        if (pgoff + 4 > PAGE_SIZE)
            return false;
        *bits = (uint32_t)load_le(page + pgoff, 4);
    }
    return true;
}

/* Conditional branches whose target is an instruction of the block get its
 * index (the first one at that pc), so that taking them needs no lookup. */
static void link_branches(struct insn *insns, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        const struct insn_info *info = insn_info(insns[i].id); /* NULL for an illegal one */
        if (!info || info->format != FMT_B)
            continue;
        int target = insns[i].off + insns[i].imm;
        for (unsigned k = 0; k < n; k++) {
            if (insns[k].off == target) {
                insns[i].tidx = (uint8_t)k;
                insns[i].tret = insns[k].idx;
                break;
            }
        }
    }
}

/*
 * Decodes a block of up to MAX_BLOCK_INSNS instructions into insns: *n of
 * them in the array, then the end marker; returns how many the block retires
 * (0: the first instruction crosses the page end).
 *
 * A jal whose target lies in the same page does not end the block: decoding
 * goes on at the target, so the block is a trace through the page and in->off
 * is each instruction's pc minus the start pc, negative after a backward
 * jump. A followed jal that links (rd != x0) stays in the array and only
 * writes its link (thr_jal_followed); a plain j leaves no trace but its count
 * in the idx of what follows. The page's code flag covers the whole trace,
 * and [*lo, *hi) every byte it was decoded from, the jumps left out included
 * (the gaps between the pieces of a trace too: invalidation may drop the
 * block a little too often, never too rarely).
 */
static unsigned decode_run(const struct decode_ctx *dec, uint64_t pa, const uint8_t *host, struct insn *insns,
                           unsigned *n, unsigned *lo, unsigned *hi)
{
    unsigned start = (unsigned)(pa & (PAGE_SIZE - 1)), pgoff = start, retired = 0;
    const uint8_t *page = host - start;
    uint32_t bits;
    *n = 0;
    *lo = start, *hi = start;
    while (retired < MAX_BLOCK_INSNS && fetch_in_page(page, pgoff, &bits)) {
        struct insn *in = &insns[*n];
        unsigned flags = decode(bits, in, dec);
        *lo = pgoff < *lo ? pgoff : *lo;
        *hi = pgoff + in->len > *hi ? pgoff + in->len : *hi;
        in->off = (int16_t)((int)pgoff - (int)start);
        in->idx = (uint8_t)retired++;
        in->pos = (uint8_t)*n;
        pgoff += in->len;
        if (in->id == INSN_jal) {
            int64_t target = (int64_t)(pgoff - in->len) + in->imm;
            if (target >= 0 && target < (int64_t)PAGE_SIZE) {
                if (in->rd != 32) { /* 32: x0 (hart.h) */
                    in->fn = thr_jal_followed;
                    (*n)++;
                }
                pgoff = (unsigned)target;
                continue;
            }
        }
        (*n)++;
        if (flags & F_END)
            break;
    }
    link_branches(insns, *n);
    struct insn *end = &insns[*n];
    memset(end, 0, sizeof(*end));
    end->fn = exec_block_end;
    end->id = INSN_BLOCK_END;
    end->off = (int16_t)((int)pgoff - (int)start);
    end->idx = (uint8_t)retired;
    end->pos = (uint8_t)*n;
    return retired;
}

/* A block's entry until it is hot: counts, then translates (cpu/jit.h). A
 * block that cannot be translated now (no room left) runs threaded from then
 * on; cache_build recycles both arenas before the translator runs dry. */
static int enter_counting(struct hart *h, const struct insn *first)
{
    struct block *b = (struct block *)(uintptr_t)block_of_insns(first);
    struct code_cache *c = h->cache;
    if (__atomic_add_fetch(&b->heat, 1, __ATOMIC_RELAXED) < c->jit_hot || !c->jit)
        return first->fn(h, first);
    pthread_mutex_lock(&c->lock);
    if (__atomic_load_n(&b->entry, __ATOMIC_RELAXED) == enter_counting) { /* not translated by another hart meanwhile */
        __atomic_store_n(&b->entry, first->fn, __ATOMIC_RELEASE);
        if (__atomic_load_n(&b->valid, __ATOMIC_ACQUIRE) && jit_translate(c->jit, b))
            c->ntranslated++;
        else
            c->nrefused++;
    }
    insn_fn entry = __atomic_load_n(&b->entry, __ATOMIC_ACQUIRE);
    pthread_mutex_unlock(&c->lock);
    return entry(h, first);
}

static struct block *build_locked(struct code_cache *c, uint64_t pa, const uint8_t *host);

/* Both arenas are recycled together, between blocks: when a block might
 * not fit, or when the code region has room for only a few more
 * translations (blocks built earlier may still get hot; one that finds no
 * room stays threaded until this flush). */
static bool arena_full(const struct code_cache *c)
{
    size_t need = sizeof(struct block) + (MAX_BLOCK_INSNS + 1) * sizeof(struct insn);
    return c->arena_used + need > ARENA_BYTES || (c->jit && jit_room(c->jit) < (size_t)8 * JIT_MAX_BLOCK_BYTES);
}

/* Recycles the arenas with every other hart stopped (cache.h, "Threads"):
 * the lock is let go while they stop, since a hart waiting for it cannot
 * park. Returns with the lock held again. */
static void recycle(struct code_cache *c)
{
    if (!c->world.stop) {
        cache_flush_all(c);
        return;
    }
    pthread_mutex_unlock(&c->lock);
    c->world.stop(c->world.opaque);
    pthread_mutex_lock(&c->lock);
    if (arena_full(c)) /* another hart may have recycled them first */
        cache_flush_all(c);
    pthread_mutex_unlock(&c->lock);
    c->world.resume(c->world.opaque);
    pthread_mutex_lock(&c->lock);
}

struct block *cache_build(struct code_cache *c, uint64_t pa, const uint8_t *host)
{
    pthread_mutex_lock(&c->lock);
    struct block *b = cache_lookup(c, pa); /* another hart may have built it meanwhile */
    for (unsigned tries = 0; !b && arena_full(c) && tries < 4; tries++)
        recycle(c);
    if (!b && !arena_full(c))
        b = build_locked(c, pa, host);
    pthread_mutex_unlock(&c->lock);
    return b;
}

/* Decodes and publishes the block at pa; with the lock held and room. */
static struct block *build_locked(struct code_cache *c, uint64_t pa, const uint8_t *host)
{
    struct block *b = (struct block *)(c->arena + c->arena_used);
    unsigned n, lo, hi;
    /* The flag before the bytes are read: a store from now on reaches the
     * bus (or was in flight: cache.h), so none is missed after decoding. A
     * page left flagged without blocks loses the flag at its next store. */
    flag_page(c, pa, BUS_PAGE_CODE);
    if (decode_run(&c->dec, pa, host, b->insns, &n, &lo, &hi) == 0)
        return NULL;
    c->nblocks++;
    b->n = n;
    b->pa = pa;
    b->lo = (uint16_t)lo;
    b->hi = (uint16_t)hi;
    b->valid = true;
    b->heat = 0;
    b->link_entry = NULL;
    b->links_in = NULL;
    b->entry = c->jit ? enter_counting : b->insns[0].fn;
    c->arena_used += (sizeof(struct block) + (b->n + 1) * sizeof(struct insn) + 15) & ~(size_t)15;
    uint64_t p = page_of(c, pa);
    b->pnext = c->page_blocks[p];
    c->page_blocks[p] = b;
    unsigned hsh = hash_pa(pa);
    b->hnext = c->hash[hsh];
    __atomic_store_n(&c->hash[hsh], b, __ATOMIC_RELEASE); /* published whole (cache_lookup) */
    return b;
}

const void *cache_link_exit(struct hart *h, struct jit_exit *e)
{
    struct code_cache *c = h->cache;
    struct block *b = cache_lookup(c, __atomic_load_n(&e->pa, __ATOMIC_RELAXED));
    const void *to = b ? __atomic_load_n(&b->link_entry, __ATOMIC_ACQUIRE) : NULL;
    if (!to) {
        /* Not translated (yet): the jump cache's way counts its heat. An
         * exit whose target stays untranslated stops asking. */
        if (__atomic_load_n(&e->tries, __ATOMIC_RELAXED) && __atomic_sub_fetch(&e->tries, 1, __ATOMIC_RELAXED) == 0) {
            pthread_mutex_lock(&c->lock);
            if (!e->to)
                jit_exit_give_up(e);
            pthread_mutex_unlock(&c->lock);
        }
        return NULL;
    }
    pthread_mutex_lock(&c->lock);
    /* Valid under the lock: a drop after this finds e in links_in. */
    if (!e->to && __atomic_load_n(&b->valid, __ATOMIC_RELAXED)) {
        e->to = b;
        e->next = b->links_in;
        b->links_in = e;
        jit_exit_link(e, to);
        c->nlinks++;
    }
    to = e->to ? e->to->link_entry : NULL;
    pthread_mutex_unlock(&c->lock);
    return to;
}
