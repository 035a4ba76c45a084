/*
 * Threaded dispatch of a decoded block.
 *
 * Every instruction row has two entry points built from one semantic body:
 * - exec_<name>(h, in): runs that one instruction and returns its
 *   exec_status. The semantics, callable alone (unit tests do).
 * - thr_<name>(h, in): the same body, then, when it returned EXEC_NEXT, a
 *   tail call of the next instruction's thr_ handler (in + 1). The decoder
 *   puts thr_ handlers in struct insn, so a block runs as a chain of jumps
 *   from handler to handler: each handler ends in its own indirect jump,
 *   which the host predicts per handler, and nothing returns to a loop
 *   between instructions. The instruction that ends the chain (a jump, a
 *   trap, a block-ending system instruction, or the block-end marker)
 *   records itself in h->stop_insn and returns its status to the run loop.
 *
 * Rules
 * - A decoded instruction is always followed by more instructions or by the
 *   block-end marker (cache.c, run.c's one-instruction blocks), so in + 1 is
 *   always valid when a handler returns EXEC_NEXT.
 * - When the compiler does not turn the calls into jumps (unoptimised
 *   builds), the chain nests a host frame per instruction: hart_run bounds a
 *   chain to a few hundred instructions there (CHAIN_INSNS in run.c).
 * - Semantic bodies know nothing of this: they are written as
 *   `INSN(name) { ...; return EXEC_NEXT; }` and return a status.
 * - To keep the tail call a jump, a semantic body must not leave the address
 *   of a local variable with a function that might keep it: slow paths with
 *   out-parameters go out of line (dispatch_slow for the hand-written
 *   threaded entries).
 */
#ifndef RIVET_DISPATCH_H
#define RIVET_DISPATCH_H

#include "cpu/cache.h"
#include "cpu/hart.h"

/*
 * Block chaining: an instruction that jumped (EXEC_JUMP: h->pc is the target)
 * counts its block's instructions into instret and goes straight on into the
 * target's block when the jump cache knows it and the chain's allowance is not
 * used up: instret below h->chain_end. hart_run sets chain_end to the end of
 * the slice before each block it starts, after its interrupt check; whatever
 * needs the run loop's attention zeroes it (hart_end_chain): a newly pending
 * interrupt (hart_set_pending), a yield request (hart_yield), and xRET, which
 * may enable a pending one. A CSR write that may make an interrupt
 * deliverable, and WFI, end their block (EXEC_STOP), so they never chain.
 * Otherwise the jump returns EXEC_LINKED to the run loop, which then has
 * nothing left to account. A block is entered through b->entry: its threaded
 * chain, its translation (cpu/jit.h), or the counter that decides when to
 * translate (cache.c).
 */
static inline int chain_enter(struct hart *h)
{
    const struct jcache_entry *j = jcache_slot(h, h->pc);
    if (__builtin_expect(j->vpc == h->pc && j->gen == jcache_key(h) &&
                             h->instret < __atomic_load_n(&h->chain_end, __ATOMIC_RELAXED),
                         1))
        return __atomic_load_n(&j->b->entry, __ATOMIC_RELAXED)(h, j->b->insns);
    return EXEC_LINKED;
}

static inline int chain_jump(struct hart *h, const struct insn *in)
{
    h->instret += in->idx + 1u;
    return chain_enter(h);
}

/*
 * A taken conditional branch. When the decoder found its target among the
 * instructions of the same block (in->tidx), the branch goes straight there:
 * h->pc keeps naming the block start, and instret is advanced by the
 * instructions retired up to the branch less those the block-end accounting
 * will count again from the target's index on. The chain's allowance is
 * checked as for any jump, and so is the block's validity: a store in the
 * loop may have invalidated its own code. Otherwise it is an ordinary jump.
 */
static inline int branch_taken(struct hart *h, const struct insn *in)
{
    if (in->tidx != TIDX_NONE) {
        const struct insn *first = in - in->pos;
        uint64_t retired = h->instret + in->idx + 1u - in->tret;
        if (__builtin_expect(retired < __atomic_load_n(&h->chain_end, __ATOMIC_RELAXED) && block_of_insns(first)->valid,
                             1)) {
            h->instret = retired;
            return first[in->tidx].fn(h, &first[in->tidx]);
        }
    }
    h->pc = insn_pc(h, in) + (uint64_t)(int64_t)in->imm;
    return chain_jump(h, in);
}

/* Goes on with the instruction after `in`. The empty asm hides where `next`
 * points, so GCC advances the pointer and jumps through memory
 * (add $32,%rsi; jmp *(%rsi)) instead of loading the handler, copying the
 * pointer and jumping through a register: two host instructions fewer on
 * every guest instruction (measured, see the commit). */
static inline __attribute__((always_inline)) int next_insn(struct hart *h, const struct insn *in)
{
    const struct insn *next = in + 1;
    __asm__("" : "+r"(next));
    return next->fn(h, next);
}

/* Runs `in + 1` when `r` says go on, chains a jump; else records `in` as the
 * block's last instruction. */
static inline __attribute__((always_inline)) int dispatch_next(struct hart *h, const struct insn *in, int r)
{
    if (__builtin_expect(r == EXEC_NEXT, 1))
        return next_insn(h, in);
    if (r == EXEC_JUMP)
        return chain_jump(h, in);
    h->stop_insn = in;
    return r;
}

/* The out-of-line way on for hand-written threaded entries whose fast path
 * did not apply: the row's exec_ semantics, then the usual dispatch. */
static __attribute__((noinline, unused)) int dispatch_slow(struct hart *h, const struct insn *in, insn_fn exec)
{
    return dispatch_next(h, in, exec(h, in));
}

/* For rows whose threaded entry is written by hand (a fast path kept free of
 * a stack frame, see exec_int.c loads and stores): exec_<name> and the body. */
#define INSN_SEM(name)                                                                                  \
    static inline __attribute__((always_inline)) int sem_##name(struct hart *h, const struct insn *in); \
    int exec_##name(struct hart *h, const struct insn *in) { return sem_##name(h, in); }                \
    static inline __attribute__((always_inline)) int sem_##name(struct hart *h, const struct insn *in)

/* Not a row: what a jal followed by the decoder runs (exec_int.c, cache.c). */
int exec_jal_followed(struct hart *h, const struct insn *in);
int thr_jal_followed(struct hart *h, const struct insn *in);

/* clang-format off */
#define INSN(name)                                                                                   \
    static inline __attribute__((always_inline)) int sem_##name(struct hart *h, const struct insn *in); \
    int exec_##name(struct hart *h, const struct insn *in) { return sem_##name(h, in); }             \
    int thr_##name(struct hart *h, const struct insn *in) { return dispatch_next(h, in, sem_##name(h, in)); } \
    static inline __attribute__((always_inline)) int sem_##name(struct hart *h, const struct insn *in)
/* clang-format on */

#endif
