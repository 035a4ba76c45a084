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
 * Threads (one host thread per hart, machine/board/machine.h): the cache
 * is shared.
 * - c->lock guards building, translating (enter_counting), invalidating,
 *   the page lists, the arenas and the counters. Lookups take no lock:
 *   cache_lookup reads the hash chains with acquire loads (a block is
 *   published whole by a release store; one removed keeps its link and
 *   reads as invalid), and each hart's jump cache is its own. Another
 *   thread's invalidation reaches a hart's jump cache by an atomic bump of
 *   its jc_gen (hart_jcache_invalidate), after the blocks are marked
 *   invalid; a hart reads its jc_gen before it looks a block up and fills
 *   its jump cache under that key (run.c), so no entry of the current
 *   generation names a dropped block.
 * - Blocks are never freed while another thread may run them: the arenas
 *   are recycled only with every other hart stopped at a slice boundary
 *   (the cache_world hooks, machine_stop_world), never inside a block.
 * - The CODE flag against the store TLBs (a Dekker pair, all seq_cst):
 *   flag_page sets the page's flag, then drops every hart's store TLB
 *   entry for the page by compare-and-swap (mmu_drop_store_page); a hart
 *   filling its store TLB installs the entry, then re-reads the page's
 *   flags and takes the entry out again if one is set (mmu.c). Either the
 *   filler sees the flag or the scan sees the entry, so no hart keeps a
 *   fast-path store into a code page. The page is flagged before its bytes
 *   are decoded.
 * - The window left: a store another hart has already started on the fast
 *   path (its TLB hit checked, the store not yet done) when the page is
 *   flagged lands after the decode without invalidating the block. Only an
 *   unsynchronised cross-modifying store races like that: a guest that
 *   orders the store before its fence.i (through a fence and an IPI, or SBI
 *   remote fence.i) has completed it before the block is built from it.
 * - A hart may run an invalidated block until it next enters a block
 *   through its jump cache or a link; remote fence.i (SBI) makes the target
 *   reach a slice boundary before the call returns (machine_hart_sync).
 * - Links between translations (cpu/jit.h, "Block linking") are made and
 *   unmade under c->lock: cache_link_exit patches an exit to its target and
 *   adds it to the target's links_in; dropping a block patches every exit in
 *   its links_in back before the lock is let go, so no hart takes a link to
 *   it afterwards (one already past the patched jump finishes the block it
 *   entered, as with the jump cache). Blocks, translations and exits stay
 *   in their arenas until cache_flush_all, so a patch never writes freed
 *   memory. The counters of links made and unmade are under the lock too.
 */
#ifndef RIVET_CACHE_H
#define RIVET_CACHE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "cpu/hart.h"
#include "cpu/isa.h"
#include "mmu/bus.h"

#define MAX_BLOCK_INSNS 64

struct jit_exit;

struct block {
    uint64_t pa;               /* physical address of the first instruction */
    struct block *hnext;       /* hash chain */
    struct block *pnext;       /* next block of the same page */
    insn_fn entry;             /* runs the block: called as entry(h, insns) (dispatch.h) */
    const void *link_entry;    /* its translation's entry for links (cpu/jit.h), or NULL */
    struct jit_exit *links_in; /* exits of translations linked to it; under the lock */
    uint32_t n;                /* instructions, not counting the end marker */
    uint32_t heat;             /* entries counted before translation (cpu/jit.h) */
    uint16_t lo, hi;           /* page offsets: every byte the block was decoded from
                            * lies in [lo, hi) (followed jumps included) */
    bool valid;
    struct insn insns[]; /* n instructions, then the end marker */
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

/* Names each translation in f for perf (jit_set_perfmap, cpu/jit.h), now
 * and after --jit changes; NULL stops it. Before the harts run. */
void code_cache_set_perfmap(struct code_cache *c, FILE *f);

/* A cache with the default model's ISA (ISA_DEFAULT_MODEL). */
struct code_cache *code_cache_create(struct bus *bus);
void code_cache_destroy(struct code_cache *c);
/* Sets the ISA (see above); false when blocks were built already. */
bool code_cache_set_isa(struct code_cache *c, const struct isa_set *isa);
const struct isa_set *code_cache_isa(const struct code_cache *c);
/* Registers a hart whose store TLB must drop pages that become code. */
bool code_cache_add_hart(struct code_cache *c, struct hart *h);

/* How the cache stops every other hart before recycling its arenas (see
 * "Threads"): stop returns once none runs a block, resume lets them go.
 * Called from the building hart's thread without the cache lock. Unset:
 * one thread, nothing to stop. */
struct cache_world {
    void (*stop)(void *opaque);
    void (*resume)(void *opaque);
    void *opaque;
};
void code_cache_set_world(struct code_cache *c, const struct cache_world *w);

struct rivet_code_stats;
/* Counters since creation (include/rivet.h). */
void code_cache_stats(const struct code_cache *c, struct rivet_code_stats *s);

/* Flags pa's RAM page BUS_PAGE_RESV and drops it from every hart's store
 * TLB: a hart waits in WRS on it (cpu/resv.h). The cache also routes the
 * bus's reservation hook to resv_note_store. */
void code_cache_watch_stores(struct code_cache *c, uint64_t pa);

/* The valid block starting at physical address pa, or NULL. Any thread,
 * no lock. */
struct block *cache_lookup(struct code_cache *c, uint64_t pa);
/* Decodes and inserts the block at (pc, pa) unless another hart did first
 * (then returns that one); host points at pa's bytes in RAM. Returns NULL
 * when the first instruction crosses the page end. A hart's thread, between
 * blocks (it may stop the world to recycle the arenas). */
struct block *cache_build(struct code_cache *c, uint64_t pa, const uint8_t *host);
/* Drops the blocks decoded from any byte of [pa, pa + len), which lies in
 * one page; the page loses its CODE flag when none is left. Any thread. */
void cache_invalidate_range(struct code_cache *c, uint64_t pa, uint64_t len);
/* Drops every block: with the world stopped (or one thread). */
void cache_flush_all(struct code_cache *c);

/* Called by translated code at an exit not linked yet (cpu/jit.h, "Block
 * linking"), on the hart's thread: links e to the translation of its target
 * when there is one and returns that translation's link entry; else NULL
 * (the exit goes on through the jump cache). */
const void *cache_link_exit(struct hart *h, struct jit_exit *e);

#endif
