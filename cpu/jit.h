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
 * - Everything else, and every slow case of the above (TLB miss, FS not
 *   Dirty, a special operand), calls the row's exec_<name> semantics with
 *   the decoded instruction: one set of semantics for both ways of running
 *   a block, and test_jit checks the two agree on random programs.
 * - Every exit (jumps, taken branches leaving the block, the block end)
 *   goes through the block's copy of the jump-cache lookup and on into the
 *   next block's entry, as chain_jump does.
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
#define JIT_MAX_BLOCK_BYTES (MAX_BLOCK_INSNS * 256 + 512)
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
