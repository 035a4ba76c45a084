/*
 * Integer instruction semantics: RV64I, M, A, Zba, Zbb, Zbs, Zbc, Zbkb,
 * Zbkc, Zbkx, Zicond, Zimop.
 *
 * Zkt: the guest sees every one of these take one cycle (mcycle counts
 * instructions), whatever its operands; the helpers below also avoid
 * operand-dependent branches (clmul, xperm, brev8 loop a fixed number of
 * times over masks), so host time does not depend on them either.
 *
 * Each handler is the body of one row of cpu/insn_table.h. Operands were
 * extracted by the decoder (in->rd, in->rs1, in->rs2, in->imm); rd = x0 was
 * remapped to the sink x[32], so results are written unconditionally. Families
 * (register ALU ops, immediates, W forms, loads, stores, AMOs) share one macro
 * or helper each, so every handler is a single expression of its semantics.
 */
#include <stdbool.h>
#include <stdint.h>

#include "cpu/dispatch.h"
#include "cpu/hart.h"
#include "cpu/insn_table.h"

/* ---- Small helpers ---- */

static inline uint64_t sext32(uint64_t v) { return (uint64_t)(int64_t)(int32_t)(uint32_t)v; }

/* Sign-extends the low `size` bytes of v (size 1, 2, 4 or 8). */
static inline uint64_t sext_bytes(uint64_t v, unsigned size)
{
    unsigned shift = 64 - 8 * size;
    return (uint64_t)((int64_t)(v << shift) >> shift);
}

/* clang-format off */
static inline uint64_t rotl64(uint64_t x, unsigned s) { s &= 63; return (x << s) | (x >> ((64 - s) & 63)); }
static inline uint64_t rotr64(uint64_t x, unsigned s) { s &= 63; return (x >> s) | (x << ((64 - s) & 63)); }
static inline uint32_t rotl32(uint32_t x, unsigned s) { s &= 31; return (x << s) | (x >> ((32 - s) & 31)); }
static inline uint32_t rotr32(uint32_t x, unsigned s) { s &= 31; return (x >> s) | (x << ((32 - s) & 31)); }
/* clang-format on */

/* Zbb orc.b: each byte becomes 0xff when non-zero, else 0x00. */
static inline uint64_t orc_b(uint64_t x)
{
    uint64_t r = 0;
    for (unsigned i = 0; i < 64; i += 8)
        if ((x >> i) & 0xff)
            r |= 0xffull << i;
    return r;
}

/* Carry-less products of a and b (Zbc 2.x): bits 63:0, 127:64 and 126:63 of
 * the 128-bit product. A bit of b selects a shifted copy of a through a mask. */
static inline uint64_t clmul_lo(uint64_t a, uint64_t b)
{
    uint64_t r = 0;
    for (unsigned i = 0; i < 64; i++)
        r ^= (a << i) & (0 - ((b >> i) & 1));
    return r;
}

static inline uint64_t clmul_hi(uint64_t a, uint64_t b)
{
    uint64_t r = 0;
    for (unsigned i = 1; i < 64; i++)
        r ^= (a >> (64 - i)) & (0 - ((b >> i) & 1));
    return r;
}

static inline uint64_t clmul_rev(uint64_t a, uint64_t b)
{
    uint64_t r = 0;
    for (unsigned i = 0; i < 64; i++)
        r ^= (a >> (63 - i)) & (0 - ((b >> i) & 1));
    return r;
}

/* Zbkb brev8: the bits of every byte reversed. */
static inline uint64_t brev8(uint64_t x)
{
    x = ((x & 0x5555555555555555ull) << 1) | ((x >> 1) & 0x5555555555555555ull);
    x = ((x & 0x3333333333333333ull) << 2) | ((x >> 2) & 0x3333333333333333ull);
    return ((x & 0x0f0f0f0f0f0f0f0full) << 4) | ((x >> 4) & 0x0f0f0f0f0f0f0f0full);
}

/* Zbkx: element i of the result is element idx[i] of a, or 0 when idx[i] is
 * out of range; elements of `bits` bits (4 for xperm4, 8 for xperm8). */
static inline uint64_t xperm(uint64_t a, uint64_t idx, unsigned bits)
{
    uint64_t r = 0, emask = (1ull << bits) - 1;
    for (unsigned i = 0; i < 64; i += bits) {
        uint64_t k = (idx >> i) & emask, pos = k * bits;
        uint64_t in_range = 0 - (uint64_t)(pos < 64);
        r |= ((a >> (pos & 63)) & emask & in_range) << i;
    }
    return r;
}

/*
 * Division by zero and signed overflow never trap in RISC-V (unpriv. spec
 * 7.2, table 7.1): x/0 = all ones, x%0 = x, MIN/-1 = MIN, MIN%-1 = 0. The
 * explicit cases also keep the host free of SIGFPE and of C undefined
 * behaviour. One definition per width.
 */
/* clang-format off */
#define DIV_HELPERS(N)                                                                 \
    static inline int##N##_t div_s##N(int##N##_t a, int##N##_t b)                      \
    {                                                                                  \
        if (b == 0)                                                                    \
            return -1;                                                                 \
        if (a == INT##N##_MIN && b == -1)                                              \
            return a;                                                                  \
        return a / b;                                                                  \
    }                                                                                  \
    static inline int##N##_t rem_s##N(int##N##_t a, int##N##_t b)                      \
    {                                                                                  \
        if (b == 0)                                                                    \
            return a;                                                                  \
        if (a == INT##N##_MIN && b == -1)                                              \
            return 0;                                                                  \
        return a % b;                                                                  \
    }                                                                                  \
    static inline uint##N##_t div_u##N(uint##N##_t a, uint##N##_t b) { return b ? a / b : UINT##N##_MAX; } \
    static inline uint##N##_t rem_u##N(uint##N##_t a, uint##N##_t b) { return b ? a % b : a; }
/* clang-format on */

DIV_HELPERS(32)
DIV_HELPERS(64)

/* ---- Handler families ---- */

/* rd = f(a = rs1, b = rs2) */
/* clang-format off */
#define OP_R(name, expr)                                              \
    INSN(name)                                                        \
    {                                                                 \
        uint64_t a = h->x[in->rs1], b = h->x[in->rs2];                \
        h->x[in->rd] = (expr);                                        \
        return EXEC_NEXT;                                             \
    }

/* rd = f(a = rs1, b = sign-extended immediate or shamt) */
#define OP_I(name, expr)                                              \
    INSN(name)                                                        \
    {                                                                 \
        uint64_t a = h->x[in->rs1], b = (uint64_t)(int64_t)in->imm;   \
        h->x[in->rd] = (expr);                                        \
        return EXEC_NEXT;                                             \
    }

/* rd = f(a = rs1) */
#define OP_R1(name, expr)                                             \
    INSN(name)                                                        \
    {                                                                 \
        uint64_t a = h->x[in->rs1];                                   \
        h->x[in->rd] = (expr);                                        \
        return EXEC_NEXT;                                             \
    }
/* clang-format on */

/* W forms: the 32-bit result is sign-extended to 64 bits. */
#define OP_RW(name, expr)  OP_R(name, sext32(expr))
#define OP_IW(name, expr)  OP_I(name, sext32(expr))
#define OP_R1W(name, expr) OP_R1(name, sext32(expr))

/* ---- RV64I: upper immediates, jumps, branches ---- */

INSN(lui)
{
    h->x[in->rd] = (uint64_t)(int64_t)in->imm;
    return EXEC_NEXT;
}

INSN(auipc)
{
    h->x[in->rd] = insn_pc(h, in) + (uint64_t)(int64_t)in->imm;
    return EXEC_NEXT;
}

/* With C always enabled every target is 2-byte aligned (bit 0 is cleared by
 * jalr, offsets are even), so instruction-address-misaligned cannot occur
 * (unpriv. spec 2.5). The link value uses in->len: compressed jumps link pc+2. */
INSN(jal)
{
    uint64_t pc = insn_pc(h, in);
    h->x[in->rd] = pc + in->len;
    h->pc = pc + (uint64_t)(int64_t)in->imm;
    return EXEC_JUMP;
}

/* A jal that the decoder followed to its target in the same page (cache.c):
 * the block goes on with the target's instructions, so only the link is left. */
INSN(jal_followed)
{
    h->x[in->rd] = insn_pc(h, in) + in->len;
    return EXEC_NEXT;
}

INSN(jalr)
{
    uint64_t pc = insn_pc(h, in);
    uint64_t target = (h->x[in->rs1] + (uint64_t)(int64_t)in->imm) & ~1ull; /* before rd: rd may be rs1 */
    h->x[in->rd] = pc + in->len;
    h->pc = target;
    return EXEC_JUMP;
}

/* A taken branch jumps; one not taken goes on with the next instruction of
 * its block: blocks run on past conditional branches (cache.c). */
static inline int branch(struct hart *h, const struct insn *in, bool taken)
{
    if (!taken)
        return EXEC_NEXT;
    h->pc = insn_pc(h, in) + (uint64_t)(int64_t)in->imm;
    return EXEC_JUMP;
}

/* The threaded entries are written out: a taken branch whose target is an
 * instruction of the same block loops within it (branch_taken, dispatch.h). */
/* clang-format off */
#define BRANCH(name, cond)                                            \
    INSN_SEM(name)                                                    \
    {                                                                 \
        uint64_t a = h->x[in->rs1], b = h->x[in->rs2];                \
        return branch(h, in, (cond));                                 \
    }                                                                 \
    int thr_##name(struct hart *h, const struct insn *in)             \
    {                                                                 \
        uint64_t a = h->x[in->rs1], b = h->x[in->rs2];                \
        if (!(cond))                                                  \
            return next_insn(h, in);                               \
        return branch_taken(h, in);                                   \
    }
/* clang-format on */

BRANCH(beq, a == b)
BRANCH(bne, a != b)
BRANCH(blt, (int64_t)a < (int64_t)b)
BRANCH(bge, (int64_t)a >= (int64_t)b)
BRANCH(bltu, a < b)
BRANCH(bgeu, a >= b)

/* ---- RV64I: loads and stores (misaligned ones are handled by the mmu) ----
 *
 * The threaded entries (thr_) are written out here rather than made by INSN:
 * a TLB hit does the access and goes on to the next instruction without a
 * stack frame, and everything else (miss, MMIO, misaligned, fault) is one
 * tail call to dispatch_slow, which runs the exec_ semantics. */

static inline uint64_t load_ext(uint64_t value, unsigned size, bool sign)
{
    return sign ? sext_bytes(value, size) : value;
}

static inline int load(struct hart *h, const struct insn *in, unsigned size, bool sign)
{
    uint64_t va = insn_va(h, in), value, tval;
    int cause = mmu_load(&h->mmu, va, size, &value, &tval);
    if (cause)
        return hart_raise(h, (uint64_t)cause, tval);
    h->x[in->rd] = load_ext(value, size, sign);
    return EXEC_NEXT;
}

static inline int store(struct hart *h, const struct insn *in, unsigned size)
{
    uint64_t va = insn_va(h, in), tval;
    int cause = mmu_store(&h->mmu, va, size, h->x[in->rs2], &tval);
    if (cause)
        return hart_raise(h, (uint64_t)cause, tval);
    return EXEC_NEXT;
}

/* clang-format off */
#define LOAD(name, size, sign)                                                  \
    INSN_SEM(name) { return load(h, in, size, sign); }                          \
    int thr_##name(struct hart *h, const struct insn *in)                       \
    {                                                                           \
        uint64_t value;                                                         \
        if (!mmu_load_fast(&h->mmu, insn_va(h, in), size, &value))               \
            return dispatch_slow(h, in, exec_##name);                           \
        h->x[in->rd] = load_ext(value, size, sign);                             \
        return next_insn(h, in);                                             \
    }
#define STORE(name, size)                                                       \
    INSN_SEM(name) { return store(h, in, size); }                               \
    int thr_##name(struct hart *h, const struct insn *in)                       \
    {                                                                           \
        if (!mmu_store_fast(&h->mmu, insn_va(h, in), size, h->x[in->rs2]))       \
            return dispatch_slow(h, in, exec_##name);                           \
        return next_insn(h, in);                                             \
    }
/* clang-format on */

LOAD(lb, 1, true)
LOAD(lh, 2, true)
LOAD(lw, 4, true)
LOAD(ld, 8, false)
LOAD(lbu, 1, false)
LOAD(lhu, 2, false)
LOAD(lwu, 4, false)
STORE(sb, 1)
STORE(sh, 2)
STORE(sw, 4)
STORE(sd, 8)

/* ---- RV64I: OP-IMM, OP and their W forms (shift amounts are masked) ---- */

OP_I(addi, a + b)
OP_I(slti, (int64_t)a < (int64_t)b)
OP_I(sltiu, a < b)
OP_I(xori, a ^ b)
OP_I(ori, a | b)
/* clang-format off */
OP_I(andi, a & b)
/* clang-format on */
OP_I(slli, a << (b & 63))
OP_I(srli, a >> (b & 63))
OP_I(srai, (uint64_t)((int64_t)a >> (b & 63)))

OP_R(add, a + b)
OP_R(sub, a - b)
OP_R(sll, a << (b & 63))
OP_R(slt, (int64_t)a < (int64_t)b)
OP_R(sltu, a < b)
OP_R(xor, a ^ b)
OP_R(srl, a >> (b & 63))
OP_R(sra, (uint64_t)((int64_t)a >> (b & 63)))
OP_R(or, a | b)
/* clang-format off */
OP_R(and, a & b)
/* clang-format on */

OP_IW(addiw, a + b)
OP_IW(slliw, (uint32_t)a << (b & 31))
OP_IW(srliw, (uint32_t)a >> (b & 31))
OP_IW(sraiw, (uint32_t)((int32_t)a >> (b & 31)))
OP_RW(addw, a + b)
OP_RW(subw, a - b)
OP_RW(sllw, (uint32_t)a << (b & 31))
OP_RW(srlw, (uint32_t)a >> (b & 31))
OP_RW(sraw, (uint32_t)((int32_t)a >> (b & 31)))

/*
 * The memory model: RVWMO guests on an x86-64 host (TSO), harts on host
 * threads (machine/board/machine.h, "Threads").
 * - Plain loads and stores are plain host loads and stores, one mov each
 *   for aligned 1/2/4/8-byte accesses (interpreted through load_le/store_le
 *   or translated, cpu/jit.c), so they never tear. TSO already keeps
 *   load->load, load->store and store->store order, which is stronger than
 *   RVWMO needs.
 * - The one order TSO lacks is a store before a later load (the store
 *   buffer). So `fence` with a prior write (PW) and a later read (SR) is a
 *   host full barrier (host_full_barrier, mmu/bus.h: an mfence); every
 *   other fence, and fence.tso (FM = 1000: no W->R order), only keeps the
 *   compiler from moving accesses across it. fence.i and sfence.vma end the
 *   block (exec_sys.c).
 * - AMOs (both widths, every operation) are host atomic read-modify-writes
 *   on RAM: a lock cmpxchg loop (AMO below), seq_cst, so .aq/.rl need
 *   nothing more; the translator calls these handlers (it inlines no AMO).
 * - LR/SC: LR reads the value (seq_cst) and keeps it with the stripe's SC
 *   stamp (mmu/bus.h); SC succeeds only if its reservation is valid, the
 *   stamp is unchanged and a cmpxchg from the value LR read succeeds, then
 *   bumps the stamp. So another hart's write of a different value, or a
 *   successful SC of another hart in the same 64-byte stripe (an LR/SC
 *   A->B->A sequence included), fails it. ABA left: plain stores and AMOs
 *   that restore the value between the LR and the SC, and an SC of another
 *   hart landing between the stamp check and the cmpxchg; such an SC
 *   succeeds as QEMU's value compare would let it.
 */
#define FENCE_PW     (1u << 24) /* bits 27:24 pred = PI PO PR PW, 23:20 succ = SI SO SR SW */
#define FENCE_SR     (1u << 21)
#define FENCE_FM_TSO (8u << 28)

INSN(fence)
{
    uint32_t b = in->bits;
    if ((b & FENCE_PW) && (b & FENCE_SR) && (b & (0xfu << 28)) != FENCE_FM_TSO)
        host_full_barrier();
    else
        __atomic_signal_fence(__ATOMIC_SEQ_CST);
    return EXEC_NEXT;
}

/* ---- M ---- */

/* clang-format off */
OP_R(mul, a * b)
/* clang-format on */
OP_R(mulh, (uint64_t)(((__int128)(int64_t)a * (__int128)(int64_t)b) >> 64))
OP_R(mulhsu, (uint64_t)(((__int128)(int64_t)a * (__int128)b) >> 64))
OP_R(mulhu, (uint64_t)(((unsigned __int128)a * b) >> 64))
OP_R(div, (uint64_t)div_s64((int64_t)a, (int64_t)b))
OP_R(divu, div_u64(a, b))
OP_R(rem, (uint64_t)rem_s64((int64_t)a, (int64_t)b))
OP_R(remu, rem_u64(a, b))
/* clang-format off */
OP_RW(mulw, (uint32_t)a * (uint32_t)b)
/* clang-format on */
OP_RW(divw, (uint32_t)div_s32((int32_t)a, (int32_t)b))
OP_RW(divuw, div_u32((uint32_t)a, (uint32_t)b))
OP_RW(remw, (uint32_t)rem_s32((int32_t)a, (int32_t)b))
OP_RW(remuw, rem_u32((uint32_t)a, (uint32_t)b))

/* ---- A ----
 * LR/SC/AMOs must be naturally aligned (unpriv. spec 8.2, 8.4); this hart
 * raises address-misaligned for them (priv. spec 3.7 allows that or an access
 * fault). The reservation is the host address of the RAM bytes, which names
 * the physical location uniquely. */

static inline int atomic_ptr(struct hart *h, uint64_t va, unsigned size, enum mmu_access acc, uint8_t **host)
{
    uint64_t tval;
    int cause;
    if (va & (size - 1))
        return hart_raise(h, acc == ACC_LOAD ? CAUSE_MISALIGNED_LOAD : CAUSE_MISALIGNED_STORE, va);
    cause = mmu_atomic_ptr(&h->mmu, va, size, acc, host, &tval);
    if (cause)
        return hart_raise(h, (uint64_t)cause, tval);
    /* Host atomics need a naturally aligned host pointer. The RAM allocation
     * is at least 8-byte aligned, so this only guards against a bus that is not. */
    if ((uintptr_t)*host & (size - 1))
        return hart_raise(h, acc == ACC_LOAD ? CAUSE_LOAD_ACCESS : CAUSE_STORE_ACCESS, va);
    return EXEC_NEXT;
}

/* A store through a host pointer bypasses the bus: when a hart waits in WRS
 * on that page (cpu/resv.h), the bus hears of it once the bytes changed. */
static inline void atomic_stored(struct hart *h, const uint8_t *host, unsigned size)
{
    struct bus *bus = h->mmu.bus;
    uint64_t off = (uint64_t)(host - bus->ram);
    if (__builtin_expect((__atomic_load_n(&bus->page_flags[off >> PAGE_SHIFT], __ATOMIC_RELAXED) & BUS_PAGE_RESV) != 0,
                         0))
        bus_note_store(bus, bus->ram_base + off, size);
}

static inline int load_reserved(struct hart *h, const struct insn *in, unsigned size)
{
    uint8_t *host;
    int r = atomic_ptr(h, h->x[in->rs1], size, ACC_LOAD, &host);
    if (r != EXEC_NEXT)
        return r;
    uint64_t v = size == 4 ? __atomic_load_n((uint32_t *)host, __ATOMIC_SEQ_CST)
                           : __atomic_load_n((uint64_t *)host, __ATOMIC_SEQ_CST);
    h->x[in->rd] = size == 4 ? sext32(v) : v;
    h->resv_addr = (uint64_t)(uintptr_t)host;
    h->resv_value = v; /* for SC and WRS (cpu/resv.h) */
    h->resv_stamp = __atomic_load_n(&h->mmu.bus->sc_stamp[bus_sc_stripe(host)], __ATOMIC_SEQ_CST);
    h->resv_size = (uint8_t)size;
    h->resv_valid = true;
    return EXEC_NEXT;
}

/* The SC's store, if memory still holds what the LR read and no other SC
 * hit the stripe since (see the memory model above). */
static inline bool sc_store(struct hart *h, uint8_t *host, unsigned size, uint64_t value)
{
    uint32_t *stamp = &h->mmu.bus->sc_stamp[bus_sc_stripe(host)];
    if (__atomic_load_n(stamp, __ATOMIC_SEQ_CST) != h->resv_stamp)
        return false;
    bool ok;
    if (size == 4) {
        uint32_t expect = (uint32_t)h->resv_value;
        ok = __atomic_compare_exchange_n((uint32_t *)host, &expect, (uint32_t)value, false, __ATOMIC_SEQ_CST,
                                         __ATOMIC_SEQ_CST);
    } else {
        uint64_t expect = h->resv_value;
        ok = __atomic_compare_exchange_n((uint64_t *)host, &expect, value, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
    }
    if (ok)
        __atomic_fetch_add(stamp, 1, __ATOMIC_SEQ_CST);
    return ok;
}

/* SC clears the reservation whatever the outcome (unpriv. spec 8.2). */
static inline int store_conditional(struct hart *h, const struct insn *in, unsigned size)
{
    uint8_t *host;
    bool reserved = h->resv_valid;
    int r;
    h->resv_valid = false;
    r = atomic_ptr(h, h->x[in->rs1], size, ACC_STORE, &host);
    if (r != EXEC_NEXT)
        return r;
    if (!reserved || h->resv_addr != (uint64_t)(uintptr_t)host || h->resv_size != size ||
        !sc_store(h, host, size, h->x[in->rs2])) {
        h->x[in->rd] = 1;
        return EXEC_NEXT;
    }
    atomic_stored(h, host, size);
    h->x[in->rd] = 0;
    return EXEC_NEXT;
}

INSN(lr_w) { return load_reserved(h, in, 4); }
INSN(lr_d) { return load_reserved(h, in, 8); }
INSN(sc_w) { return store_conditional(h, in, 4); }
INSN(sc_d) { return store_conditional(h, in, 8); }

/*
 * AMO read-modify-write as a compare-and-swap loop on the host word: one code
 * path for every operation, atomic against other host threads. `old` is the
 * value in memory, `src` is rs2 (truncated to the width); `expr` is the new
 * value. .w results are sign-extended into rd (unpriv. spec 8.4).
 */
/* clang-format off */
#define AMO(name, T, size, ext, expr)                                                  \
    INSN(name)                                                                         \
    {                                                                                  \
        uint8_t *host;                                                                 \
        int r = atomic_ptr(h, h->x[in->rs1], size, ACC_STORE, &host);                  \
        if (r != EXEC_NEXT)                                                            \
            return r;                                                                  \
        T *p = (T *)host, src = (T)h->x[in->rs2], old = __atomic_load_n(p, __ATOMIC_SEQ_CST); \
        while (!__atomic_compare_exchange_n(p, &old, (T)(expr), false,                 \
                                            __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))       \
            ;                                                                          \
        atomic_stored(h, host, size);                                                  \
        h->x[in->rd] = ext(old);                                                       \
        return EXEC_NEXT;                                                              \
    }
/* clang-format on */

#define AMO_NOEXT(v) ((uint64_t)(v))

/* Both widths of every AMO; S is the signed type of the width. */
/* clang-format off */
#define AMO_OPS(sfx, T, S, size, ext)                                                  \
    AMO(amoswap_##sfx, T, size, ext, src)                                              \
    AMO(amoadd_##sfx, T, size, ext, old + src)                                         \
    AMO(amoxor_##sfx, T, size, ext, old ^ src)                                         \
    AMO(amoand_##sfx, T, size, ext, old & src)                                         \
    AMO(amoor_##sfx, T, size, ext, old | src)                                          \
    AMO(amomin_##sfx, T, size, ext, (S)old < (S)src ? old : src)                       \
    AMO(amomax_##sfx, T, size, ext, (S)old > (S)src ? old : src)                       \
    AMO(amominu_##sfx, T, size, ext, old < src ? old : src)                            \
    AMO(amomaxu_##sfx, T, size, ext, old > src ? old : src)
/* clang-format on */

AMO_OPS(w, uint32_t, int32_t, 4, sext32)
AMO_OPS(d, uint64_t, int64_t, 8, AMO_NOEXT)

/* ---- Zba ---- */

OP_R(sh1add, (a << 1) + b)
OP_R(sh2add, (a << 2) + b)
OP_R(sh3add, (a << 3) + b)
OP_R(add_uw, (uint64_t)(uint32_t)a + b)
OP_R(sh1add_uw, ((uint64_t)(uint32_t)a << 1) + b)
OP_R(sh2add_uw, ((uint64_t)(uint32_t)a << 2) + b)
OP_R(sh3add_uw, ((uint64_t)(uint32_t)a << 3) + b)
OP_I(slli_uw, (uint64_t)(uint32_t)a << (b & 63))

/* ---- Zbb ---- */

OP_R(andn, a & ~b)
OP_R(orn, a | ~b)
OP_R(xnor, ~(a ^ b))
OP_R1(clz, a ? (uint64_t)__builtin_clzll(a) : 64)
OP_R1(ctz, a ? (uint64_t)__builtin_ctzll(a) : 64)
OP_R1(cpop, (uint64_t)__builtin_popcountll(a))
OP_R1(clzw, (uint32_t)a ? (uint64_t)__builtin_clz((uint32_t)a) : 32)
OP_R1(ctzw, (uint32_t)a ? (uint64_t)__builtin_ctz((uint32_t)a) : 32)
OP_R1(cpopw, (uint64_t)__builtin_popcount((uint32_t)a))
OP_R(max, (int64_t)a > (int64_t)b ? a : b)
OP_R(maxu, a > b ? a : b)
OP_R(min, (int64_t)a < (int64_t)b ? a : b)
OP_R(minu, a < b ? a : b)
OP_R1(sext_b, (uint64_t)(int64_t)(int8_t)a)
OP_R1(sext_h, (uint64_t)(int64_t)(int16_t)a)
OP_R1(zext_h, (uint16_t)a)
OP_R(rol, rotl64(a, (unsigned)b))
OP_R(ror, rotr64(a, (unsigned)b))
OP_RW(rolw, rotl32((uint32_t)a, (unsigned)b))
OP_RW(rorw, rotr32((uint32_t)a, (unsigned)b))
OP_I(rori, rotr64(a, (unsigned)b))
OP_IW(roriw, rotr32((uint32_t)a, (unsigned)b))
OP_R1(orc_b, orc_b(a))
OP_R1(rev8, __builtin_bswap64(a))

/* ---- Zbs (bit index taken modulo XLEN) ---- */

OP_R(bclr, a & ~(1ull << (b & 63)))
OP_R(bext, (a >> (b & 63)) & 1)
OP_R(binv, a ^ (1ull << (b & 63)))
OP_R(bset, a | (1ull << (b & 63)))
OP_I(bclri, a & ~(1ull << (b & 63)))
OP_I(bexti, (a >> (b & 63)) & 1)
OP_I(binvi, a ^ (1ull << (b & 63)))
OP_I(bseti, a | (1ull << (b & 63)))

/* ---- Zbc, Zbkc ---- */

OP_R(clmul, clmul_lo(a, b))
OP_R(clmulh, clmul_hi(a, b))
OP_R(clmulr, clmul_rev(a, b))

/* ---- Zbkb (rol/ror/andn/... and rev8 are the Zbb rows) ---- */

OP_R(pack, (uint64_t)(uint32_t)a | b << 32)
OP_R(packh, (a & 0xff) | (b & 0xff) << 8)
OP_RW(packw, (a & 0xffff) | (b & 0xffff) << 16)
OP_R1(brev8, brev8(a))

/* ---- Zbkx ---- */

OP_R(xperm4, xperm(a, b, 4))
OP_R(xperm8, xperm(a, b, 8))

/* ---- Zicond: rd = rs1, or 0 when rs2 is zero (eqz) or nonzero (nez) ---- */

/* clang-format off */
OP_R(czero_eqz, a & (0 - (uint64_t)(b != 0)))
OP_R(czero_nez, a & (0 - (uint64_t)(b == 0)))
/* clang-format on */

/* ---- Zimop: until another extension redefines them, MOPs write 0 to rd ---- */

INSN(mop_r)
{
    h->x[in->rd] = 0;
    return EXEC_NEXT;
}

INSN(mop_rr) { return exec_mop_r(h, in); }
