/*
 * The decoded-block cache, shared by every hart of a machine.
 *
 * A block is the pre-decoded run of instructions starting at one physical
 * address, ending at a block terminator (F_END rows), at MAX_BLOCK_INSNS, or
 * before an instruction that would cross the page end. Blocks never span two
 * pages, so a page's blocks are found by its page list and keyed by physical
 * address: every virtual mapping of a page shares them.
 *
 * Invalidation rules (what keeps decoded code equal to memory):
 * - Building a block flags its page BUS_PAGE_CODE on the bus and drops that
 *   page from every hart's store TLB, so every later store to the page takes the
 *   bus slow path, which calls cache_invalidate_range() through the bus hook
 *   with the bytes written. DMA writes do the same. Only the blocks whose
 *   bytes ([lo, hi)) the write touches are dropped: data sharing a page with
 *   code costs a slow-path store, not a rebuilt block on every store. The
 *   page stays flagged while it has blocks. Hence fence.i has nothing left
 *   to do but end the block.
 * - Invalidated blocks stay readable until the arena is recycled, which only
 *   happens in cache_build() between blocks: a store that invalidates the
 *   block it is running in does not pull memory from under the run loop.
 * - When the arena is full, everything is dropped at once (cache_flush_all).
 *
 * The ISA: the cache holds the machine's set of extensions (cpu/isa.h) and
 * decodes every block with it, so all harts of a machine share one ISA and
 * an instruction of a disabled extension is decoded as illegal once, when
 * its block is built. code_cache_set_isa() may be called only before any
 * block is built and before the harts are made (hart_init copies the set).
 *
 * Threading: today only the single emulation thread touches the cache. With
 * one thread per hart, building and invalidating will take the cache lock and
 * stop the world before recycling the arena.
 */
#ifndef RIVET_CACHE_H
#define RIVET_CACHE_H

#include <stdbool.h>
#include <stdint.h>

#include "cpu/hart.h"
#include "cpu/isa.h"
#include "mmu/bus.h"

#define MAX_BLOCK_INSNS 64

struct block {
    uint64_t pa;           /* physical address of the first instruction */
    struct block *hnext;   /* hash chain */
    struct block *pnext;   /* next block of the same page */
    insn_fn entry;         /* runs the block: called as entry(h, insns) (dispatch.h) */
    uint32_t n;            /* instructions, not counting the end marker */
    uint32_t heat;         /* entries counted before translation (cpu/jit.h) */
    uint16_t lo, hi;       /* page offsets: every byte the block was decoded from
                            * lies in [lo, hi) (followed jumps included) */
    bool valid;
    struct insn insns[];   /* n instructions, then the end marker */
};

/* The block whose instruction array starts at `first`. */
static inline const struct block *block_of_insns(const struct insn *first)
{
    return (const struct block *)(const void *)((const char *)first - __builtin_offsetof(struct block, insns));
}

/* Translation of hot blocks (cpu/jit.h), on by default (JIT_HOT) where the
 * host has a translator: a block is translated on its `hot`-th entry (1: at
 * once); 0 runs every block threaded. Set before the first block is built.
 * Returns whether translation is on. */
bool code_cache_set_jit(struct code_cache *c, unsigned hot);

/* A cache with the default model's ISA (ISA_DEFAULT_MODEL). */
struct code_cache *code_cache_create(struct bus *bus);
void code_cache_destroy(struct code_cache *c);
/* Sets the ISA (see above); false when blocks were built already. */
bool code_cache_set_isa(struct code_cache *c, const struct isa_set *isa);
const struct isa_set *code_cache_isa(const struct code_cache *c);
/* Registers a hart whose store TLB must drop pages that become code. */
bool code_cache_add_hart(struct code_cache *c, struct hart *h);

struct rivet_code_stats;
/* Counters since creation (include/rivet.h). */
void code_cache_stats(const struct code_cache *c, struct rivet_code_stats *s);

/* Flags pa's RAM page BUS_PAGE_RESV and drops it from every hart's store
 * TLB: a hart waits in WRS on it (cpu/resv.h). The cache also routes the
 * bus's reservation hook to resv_note_store. */
void code_cache_watch_stores(struct code_cache *c, uint64_t pa);

/* The valid block starting at physical address pa, or NULL. */
struct block *cache_lookup(struct code_cache *c, uint64_t pa);
/* Decodes and inserts the block at (pc, pa); host points at pa's bytes in RAM.
 * Returns NULL when the first instruction crosses the page end. */
struct block *cache_build(struct code_cache *c, uint64_t pa, const uint8_t *host);
/* Drops the blocks decoded from any byte of [pa, pa + len), which lies in
 * one page; the page loses its CODE flag when none is left. */
void cache_invalidate_range(struct code_cache *c, uint64_t pa, uint64_t len);
void cache_flush_all(struct code_cache *c);

#endif
