/*
 * Translation of hot decoded blocks to x86-64 host code.
 *
 * What it is: a second way to run a struct block, behind the same interface
 * as the threaded chain of its instructions. A translation is a host function
 * with insn_fn's signature, called as b->entry(h, b->insns); it behaves as
 * the chain would (cpu/dispatch.h): it runs the block, keeps h->pc at the
 * block's start while it runs, ends by recording h->stop_insn and returning
 * an exec_status, and chains taken jumps through the jump cache.
 *
 * How a block is translated
 * - Guest registers stay in h->x[] and h->f[]: every instruction loads its
 *   operands from the hart and stores its result back, so any helper may be
 *   called at any point and a trap needs no register write-back. The one
 *   exception is within straight-line code: an op whose source the previous
 *   op left in rax uses it (jit.c, struct asm_state).
 * - Inline: integer ALU ops and their W forms, shifts, lui/auipc, mul,
 *   mulh/mulhu, division (but by zero or -1), conditional branches (an
 *   in-block target is a direct host jump, bounded by h->chain_end and the
 *   block's validity, as in dispatch.h), jal/jalr, loads and stores that hit
 *   the TLB (one index, one tag compare, one add, as mmu_load_fast), FP
 *   loads and stores, and the common double ops where fpu.c's fast path
 *   would take the host's result (fflags.NX already set, round to nearest,
 *   normal operands and result).
 * - Loads and stores: the TLB probe reads h->mmu.tlb_load or tlb_store,
 *   the set of the current effective load/store privilege (mmu.h), when it
 *   runs: one load from the hart, rather than a set fixed at translation,
 *   because a block is keyed by physical address and runs at whatever
 *   privilege (and MPRV) fetches it. What never hits goes out of line to
 *   the row's exec_ (mmu_*_slow): misaligned and page-crossing accesses
 *   (the tag compare keeps the low bits), MMIO (never in the TLB), stores
 *   to pages holding code, watched or reserved (CODE, WATCH, RESV: never in
 *   the store TLB, so the bus invalidates blocks and breaks waits), and a
 *   store whose page is not yet dirty (the store TLB is filled by a store's
 *   walk, which sets D). test_jit's memory cases check each against the
 *   interpreter.
 * - Everything else, and every slow case of the above (TLB miss, FS not
 *   Dirty, a special operand), calls the row's exec_<name> semantics with
 *   the decoded instruction: one set of semantics for both ways of running
 *   a block, and test_jit checks the two agree on random programs.
 * - Exits to another page (jal, taken branches leaving the block, the
 *   block end) go through the block's copy of the jump-cache lookup (its
 *   chain tail), every jalr (returns, calls through registers) through a
 *   copy of its own, so that each has its own host jump to predict. The
 *   probe keeps chain_enter's guards (dispatch.h): the entry's pc and key
 *   (jc_gen and the privilege: invalidation, satp, sfence.vma and
 *   breakpoints all bump or change it), then the chain's allowance, which
 *   interrupts and stop requests zero. A hit whose block is translated
 *   jumps straight to its link entry, as a link does (below); one not
 *   translated yet is entered through b->entry, which counts it. There is
 *   no return-address stack: a return's probe is already one direct-mapped
 *   lookup and one predicted jump, and a stack would need the same key
 *   checks. Exits within the page are linked (below).
 *
 * Block linking
 * - A taken branch leaving the block, or the block end, whose target lies in
 *   the page of the block's start, ends in a patchable `jmp rel32` (its
 *   slot, an exit record struct jit_exit describes). The target's physical
 *   address is the block's page plus the offset, whatever the mapping, so a
 *   link needs no check of satp, the privilege or the TLB: the hart was
 *   allowed to fetch from this page when it entered the block, and
 *   whatever changes that (sfence.vma, a satp write, xRET, a trap) ends the
 *   block without taking an exit. Exits to another page are never linked.
 * - Before the slot, the exit stores the target pc in h->pc and adds its
 *   instructions to the count (rbp); once that reaches h->link_end (the
 *   chain's allowance, h->chain_end's value, zeroed with it by interrupts
 *   and stop requests, and 0 while breakpoints are set) it takes the
 *   jump-cache probe instead, which leaves for the run loop at the chain's
 *   end and keeps blocks at breakpoints out: so a loop of linked blocks
 *   still looks at interrupts within a slice, and at once after
 *   hart_end_chain.
 * - Unlinked, the slot jumps to the exit's stub, which asks
 *   cache_link_exit: when the target block is translated, the slot is
 *   patched to jump to its link entry (the body after the prologue: every
 *   translation keeps the same registers and stack frame, so a link is
 *   one jump), and the stub jumps there too. Otherwise it goes on through
 *   the jump cache, where the target gets hot; after JIT_LINK_TRIES
 *   refusals the slot jumps to the probe for good.
 * - Patching: the slot's rel32 field is 4-byte aligned (the jmp lies in
 *   one aligned 8-byte word), written with one atomic store under the
 *   cache's lock, so a hart running the code on another thread executes
 *   the old jump or the new one, never a mix. The code cache is shared by
 *   the harts: a link made by one serves all. Dropping a block unlinks the
 *   exits linked to it (cpu/cache.h, "Threads"). Exit records live in the
 *   code region just before their block's code and go with it.
 *
 * When: a block is counted each time it is entered and translated on its
 * JIT_HOT-th entry (cache.c; `--jit eager` makes that the first, `--jit
 * off` never), so cold code, most of a boot, is interpreted without paying
 * for translation.
 *
 * Memory: code goes to one executable region per code cache, used as a bump
 * arena, recycled only together with the block arena (cache_flush_all), never
 * while a block runs. A translation that does not fit leaves the block
 * interpreted. Hosts other than x86-64 get no translator (jit_create returns
 * NULL) and interpret.
 */
#ifndef RIVET_JIT_H
#define RIVET_JIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "cpu/cache.h"

/* Entries before a block is translated. */
#define JIT_HOT 32

struct jit;

/* NULL when this host has no translator or the region cannot be mapped. */
struct jit *jit_create(void);
void jit_destroy(struct jit *j);
/* Translates b, setting b->entry; false (b untouched) when it does not fit. */
bool jit_translate(struct jit *j, struct block *b);
/* Room left for translations, and the most one block can need. */
size_t jit_room(const struct jit *j);
#define JIT_MAX_BLOCK_BYTES (MAX_BLOCK_INSNS * 384 + 512)

/* An exit of a translation that may be linked (see "Block linking"). The
 * translator fills it; then only the cache's lock holder changes `to`,
 * `next` and the slot. `pa` and `tries` are read without the lock (atomic
 * accesses): a hart reaches the record through code it found by a relaxed
 * load of b->entry, which orders nothing for the tools. */
struct jit_exit {
    uint64_t pa;           /* the target's physical address */
    uint8_t *slot;         /* the rel32 field of the exit's jmp */
    const uint8_t *ask;    /* the slot's target while unlinked: the stub */
    const uint8_t *probe;  /* its target after giving up: the jump-cache probe */
    struct block *to;      /* the block linked to, or NULL */
    struct jit_exit *next; /* the next exit linked to the same block */
    uint32_t tries;        /* link attempts left before giving up (relaxed atomic) */
};
#define JIT_LINK_TRIES (2 * JIT_HOT + 16)

/* Patch e's slot, with the cache's lock held: to `entry` (a block's
 * link_entry), back to asking (to = NULL, tries renewed), or to the probe
 * for good. */
void jit_exit_link(struct jit_exit *e, const void *entry);
void jit_exit_unlink(struct jit_exit *e);
void jit_exit_give_up(struct jit_exit *e);
/* Drops every translation (the block arena is being recycled). */
void jit_reset(struct jit *j);
/* Host code bytes written since creation, over every reset. */
unsigned long long jit_bytes_written(const struct jit *j);
/* Linux perf's JIT interface (tools/perf/Documentation/jit-interface.txt):
 * each translation from now on adds "START SIZE guest_pa_PA" to f (hex,
 * the host code's address and length, the block's guest physical
 * address), so `perf report` names translated code. NULL stops it. The
 * caller owns f; translations are serialised (the cache's lock), so are
 * the lines. Addresses are reused after jit_reset: perf then sees two
 * names for one range. */
void jit_set_perfmap(struct jit *j, FILE *f);

#endif
