/* Translation of decoded blocks to x86-64: see jit.h for the contract. */
#include "cpu/jit.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "cpu/decode.h"
#include "cpu/dispatch.h"
#include "cpu/x86_emit.h"

#if defined(__x86_64__)

#include <sys/mman.h>

#define JIT_BYTES (32u << 20)

/* ---- Entry points the translations jump to (they end a block) ---- */

/* A taken jump: h->pc is the target; chains as a threaded jump does. */
static int jit_chain(struct hart *h, const struct insn *in) { return chain_jump(h, in); }


/* ---- Labels over the encoder (cpu/x86_emit.h) ---- */

/* Enough for the worst block: an FP row takes up to 2 labels and 8 fixups,
 * a branch leaving the block 3 labels (tests/unit/test_jit.c translates
 * such blocks). */
#define MAX_LABELS (5 * MAX_BLOCK_INSNS + 16)
#define MAX_FIXUPS (10 * MAX_BLOCK_INSNS + 8)

/* What a label's out-of-line code does (emitted after the block's body). */
enum stub_kind { STUB_NONE, STUB_SLOW, STUB_TAKEN, STUB_ASK };

struct asm_state {
    struct x86_buf b;
    bool fma; /* the host has FMA3 (vfmadd231sd and kin) */
    /* The guest register rax holds at this point of the body (RAX_NONE:
     * none): an ALU op whose source the previous one just computed skips
     * its load, so chains of dependent ops do not wait on store-to-load
     * forwarding. Set by the ALU and branch emitters (rax_next, for after
     * the instruction), cleared at every other instruction and at every
     * place code can come from elsewhere: in-block branch targets and the
     * instruction after one with an out-of-line path. */
    unsigned rax, rax_next;
    /* Labels 0..n: the code of instruction i (n: the end marker);
     * then the exits, then out-of-line stubs. -1 = not placed yet. */
    ptrdiff_t label[MAX_LABELS];
    unsigned nlabels;
    /* clang-format off */
    struct { enum stub_kind kind; unsigned insn; } stub[MAX_LABELS];
    struct { size_t at; unsigned label; } fixup[MAX_FIXUPS]; /* rel32 field at `at` */
    /* clang-format on */
    unsigned nfixups;
    /* Exits that may be linked (jit.h, "Block linking"): their records,
     * before the code in the region; a STUB_ASK label's insn is the index. */
    uint64_t pa; /* the block's */
    struct jit_exit *exit;
    unsigned nexits, max_exits;
};

struct jit {
    uint8_t *code;
    size_t used;
    unsigned long long written; /* bytes, over every reset */
    bool fma;                   /* the host has FMA3 */
    FILE *perfmap;              /* jit_set_perfmap, or NULL */
    /* The translation being written: big, so it lives here rather than on
     * the stack; one translation at a time per jit (the cache's rule). */
    struct asm_state as;
};

static bool fits32(int64_t v) { return v >= INT32_MIN && v <= INT32_MAX; }

/* Guest register r of the hart in rbx. */
static int32_t xoff(unsigned r) { return (int32_t)(8 * r); }
#define HOFF(field) ((int32_t)offsetof(struct hart, field))

static void load_x(struct asm_state *a, enum x86_gpr reg, unsigned r)
{
    x86_mov_rm(&a->b, true, reg, X86_RBX, xoff(r));
}
#define RAX_NONE 0xffu
/* rax = x[r] (all 64 bits, or at least the low 32 with w32), unless rax
 * already holds it. */
static void load_rax(struct asm_state *a, unsigned r, bool w32)
{
    if (a->rax != r)
        x86_mov_rm(&a->b, !w32, X86_RAX, X86_RBX, xoff(r));
}
static void store_x(struct asm_state *a, enum x86_gpr reg, unsigned r) { x86_mov_mr(&a->b, 8, X86_RBX, xoff(r), reg); }
/* lea rsi, [r12 + 32 * i]: the decoded instruction i. */
static void lea_insn(struct asm_state *a, unsigned i)
{
    x86_lea(&a->b, X86_RSI, X86_R12, (int32_t)(i * sizeof(struct insn)));
}

static unsigned new_label(struct asm_state *a, enum stub_kind kind, unsigned insn)
{
    unsigned l = a->nlabels < MAX_LABELS ? a->nlabels++ : MAX_LABELS - 1;
    if (l == MAX_LABELS - 1)
        a->b.overflow = true;
    a->label[l] = -1;
    a->stub[l].kind = kind;
    a->stub[l].insn = insn;
    return l;
}

static void place(struct asm_state *a, unsigned l) { a->label[l] = (ptrdiff_t)x86_len(&a->b); }

/* The rel32 field at `at` is to reach label l once it is placed. */
static void fixup(struct asm_state *a, size_t at, unsigned l)
{
    if (a->nfixups < MAX_FIXUPS) {
        a->fixup[a->nfixups].at = at;
        a->fixup[a->nfixups++].label = l;
    } else {
        a->b.overflow = true;
    }
}

static void jcc(struct asm_state *a, enum x86_cc cc, unsigned l) { fixup(a, x86_jcc32(&a->b, cc), l); }
static void jmp(struct asm_state *a, unsigned l) { fixup(a, x86_jmp32(&a->b), l); }

/* The callee-saved registers the prologue pushed, popped. */
static void epilogue_pops(struct asm_state *a)
{
    x86_pop(&a->b, X86_RBP);
    x86_pop(&a->b, X86_R12);
    x86_pop(&a->b, X86_RBX);
}

/* ---- Translation ---- */

/* Labels of the exits every block has (after the n + 1 instruction labels). */
struct exits {
    unsigned common; /* eax = status, rsi = instruction: jump -> chain; else record and return */
    unsigned chain;  /* rsi = instruction, h->pc = target: jit_chain */
    unsigned leave;  /* rbp = the count, h->pc done: store the count, return EXEC_LINKED */
    unsigned tail;   /* rax = h->pc = the target, rbp = the count: the chain tail (emit_chain_tail) */
    unsigned enter;  /* rsi = a block the probe found, not translated: its entry */
    unsigned limit;  /* rbp = the count: the chain's end, counted, then `leave` */
    unsigned probe;  /* h->pc = the target, rbp = the count: the tail, for exits that are not linked */
    unsigned link;   /* the link entry (after the prologue) */
};
#define EXIT_LABELS 8

/* inc qword [h->jit_stats.field] (hart.h): no atomics, the hart's own counter. */
#define COUNT(a, field) x86_inc_m64(&(a)->b, X86_RBX, HOFF(jit_stats.field))

/* Calls exec_<row>(h, in_i); a status other than EXEC_NEXT leaves the block. */
static void emit_call_exec(struct asm_state *a, const struct exits *x, unsigned i, insn_fn fn)
{
    COUNT(a, helper_calls);
    x86_mov_mr(&a->b, 8, X86_RBX, HOFF(instret), X86_RBP); /* the count in rbp to h->instret (see the prologue) */
    x86_mov_rr(&a->b, true, X86_RDI, X86_RBX);             /* mov rdi, rbx */
    lea_insn(a, i);
    x86_call_abs(&a->b, (const void *)fn);
    x86_mov_rm(&a->b, true, X86_RBP, X86_RBX, HOFF(instret));
    lea_insn(a, i);
    x86_test_rr(&a->b, false, X86_RAX, X86_RAX); /* test eax, eax */
    jcc(a, X86_CC_NE, x->common);
}

static insn_fn exec_of(const struct insn *in)
{
    const struct insn_info *info = insn_info(in->id);
    return info ? info->exec : in->fn; /* an illegal one's fn is its exec */
}

/* rax = rs1 + imm, then the TLB entry in rdx; jumps to `miss` unless the
 * page's tag matches (mmu.h tlb_hit: misaligned accesses never match). Then
 * rax = the host address. */
static void emit_tlb(struct asm_state *a, const struct insn *in, unsigned size, int32_t tlb_off, unsigned miss)
{
    _Static_assert(sizeof(struct tlb_entry) == 16, "the index below assumes 16-byte entries");
    load_rax(a, in->rs1, false);
    a->rax = RAX_NONE;
    if (in->imm)
        x86_alu_ri(&a->b, X86_ADD, true, X86_RAX, in->imm);
    x86_mov_rr(&a->b, false, X86_RDX, X86_RAX); /* mov edx, eax */
    x86_shift_ri(&a->b, X86_SHR, false, X86_RDX, PAGE_SHIFT - 4);
    x86_alu_ri(&a->b, X86_AND, false, X86_RDX, (int32_t)((TLB_ENTRIES - 1) << 4));
    x86_alu_rm(&a->b, X86_ADD, true, X86_RDX, X86_RBX, tlb_off); /* add rdx, [h->mmu.tlb_x] */
    x86_mov_rr(&a->b, true, X86_RCX, X86_RAX);                   /* mov rcx, rax */
    x86_alu_ri(&a->b, X86_AND, true, X86_RCX, (int32_t) ~(uint32_t)(PAGE_SIZE - size));
    x86_alu_rm(&a->b, X86_CMP, true, X86_RCX, X86_RDX, 0); /* cmp rcx, [rdx] (tag) */
    jcc(a, X86_CC_NE, miss);
    x86_alu_rm(&a->b, X86_ADD, true, X86_RAX, X86_RDX, 8); /* add rax, [rdx + 8] (addend) */
}

static bool emit_load(struct asm_state *a, const struct insn *in, unsigned i)
{
    unsigned size;
    bool sign;
    switch (in->id) {
    /* clang-format off */
    case INSN_lb: sign = true; size = 1; break;
    case INSN_lbu: sign = false; size = 1; break;
    case INSN_lh: sign = true; size = 2; break;
    case INSN_lhu: sign = false; size = 2; break;
    case INSN_lw: sign = true; size = 4; break;
    case INSN_lwu: sign = false; size = 4; break;
    case INSN_ld: sign = false; size = 8; break;
    /* clang-format on */
    default: return false;
    }
    unsigned miss = new_label(a, STUB_SLOW, i);
    emit_tlb(a, in, size, HOFF(mmu.tlb_load), miss);
    if (size == 8 || (size == 4 && !sign))
        x86_mov_rm(&a->b, size == 8, X86_RCX, X86_RAX, 0); /* a 32-bit mov zero-extends */
    else if (sign)
        x86_movsx_rm(&a->b, size, X86_RCX, X86_RAX, 0);
    else
        x86_movzx_rm(&a->b, size, X86_RCX, X86_RAX, 0);
    store_x(a, X86_RCX, in->rd);
    return true;
}

static bool emit_store(struct asm_state *a, const struct insn *in, unsigned i)
{
    unsigned size;
    switch (in->id) {
    case INSN_sb: size = 1; break;
    case INSN_sh: size = 2; break;
    case INSN_sw: size = 4; break;
    case INSN_sd: size = 8; break;
    default: return false;
    }
    unsigned miss = new_label(a, STUB_SLOW, i);
    emit_tlb(a, in, size, HOFF(mmu.tlb_store), miss);
    load_x(a, X86_RCX, in->rs2);
    x86_mov_mr(&a->b, size, X86_RAX, 0, X86_RCX);
    return true;
}

/* FP register r of the hart in rbx. */
static int32_t foff(unsigned r) { return HOFF(f) + (int32_t)(8 * r); }

/* Jumps to `slow` unless mstatus.FS is Dirty (writes need nothing more) or,
 * for `any`, not Off (enough for a store). */
static void emit_fs_check(struct asm_state *a, bool any, unsigned slow)
{
    a->rax = RAX_NONE;
    x86_mov_rm(&a->b, true, X86_RAX, X86_RBX, HOFF(mstatus));
    x86_alu_ri(&a->b, X86_AND, false, X86_RAX, (int32_t)MSTATUS_FS);
    if (!any)
        x86_alu_ri(&a->b, X86_CMP, false, X86_RAX, (int32_t)MSTATUS_FS);
    jcc(a, any ? X86_CC_E : X86_CC_NE, slow);
}

/* Jumps to `slow` unless the 64-bit pattern in rax is a normal double (or,
 * with zero_ok, a zero). Clobbers rax and rcx. */
static void emit_normal_check(struct asm_state *a, bool zero_ok, unsigned slow)
{
    x86_alu_rr(&a->b, X86_ADD, true, X86_RAX, X86_RAX);    /* add rax, rax: the sign out */
    size_t skip = zero_ok ? x86_jcc8(&a->b, X86_CC_E) : 0; /* a zero: over the test */
    x86_shift_ri(&a->b, X86_SHR, true, X86_RAX, 53);       /* the exponent */
    x86_alu_ri(&a->b, X86_SUB, false, X86_RAX, 1);
    x86_alu_ri(&a->b, X86_CMP, false, X86_RAX, 0x7fd); /* exp - 1 < 0x7fe: normal */
    jcc(a, 0x7 /* above */, slow);
    if (zero_ok && !x86_patch_rel8(&a->b, skip, x86_len(&a->b)))
        a->b.overflow = true;
}

/* Jumps to `slow` unless FS is Dirty, fflags.NX is already set and the
 * instruction rounds to nearest even (static, or dynamic with frm RNE). */
static void emit_rne_check(struct asm_state *a, const struct insn *in, unsigned slow)
{
    emit_fs_check(a, false, slow);
    x86_test_m8i(&a->b, X86_RBX, HOFF(fflags), FFLAG_NX);
    jcc(a, X86_CC_E, slow);
    if (in->rm == FRM_DYN) {
        x86_alu_m8i(&a->b, X86_CMP, X86_RBX, HOFF(frm), FRM_RNE);
        jcc(a, X86_CC_NE, slow);
    }
}

/* Jumps to `slow` when the double in f[r] is a NaN. Clobbers rax, rcx. */
static void emit_nan_check(struct asm_state *a, unsigned r, unsigned slow)
{
    x86_mov_rm(&a->b, true, X86_RAX, X86_RBX, foff(r));
    x86_alu_rr(&a->b, X86_ADD, true, X86_RAX, X86_RAX);  /* add rax, rax: |v| << 1 */
    x86_mov_ri64(&a->b, X86_RCX, 0xffe0000000000000ull); /* inf << 1 */
    x86_alu_rr(&a->b, X86_CMP, true, X86_RAX, X86_RCX);  /* cmp rax, rcx */
    jcc(a, 0x7 /* above */, slow);
}

/* The double rows with no rounding to decide, or where the host's answer is
 * the guest's once fflags.NX is set: sign injection and moves (bit copies),
 * compares of non-NaNs (no flag), int -> double (exact for 32 bits), and
 * double -> int with RTZ whose result fits (x86 gives 0x80..0 otherwise,
 * which goes to exec_ for the exact answer and flags). */
static bool emit_fp_other(struct asm_state *a, const struct insn *in, unsigned i)
{
    switch (in->id) {
    case INSN_fsgnj_d:
    case INSN_fsgnjn_d:
    case INSN_fsgnjx_d: {
        unsigned slow = new_label(a, STUB_SLOW, i);
        emit_fs_check(a, false, slow);
        x86_mov_rm(&a->b, true, X86_RAX, X86_RBX, foff(in->rs1));
        x86_mov_rm(&a->b, true, X86_RCX, X86_RBX, foff(in->rs2));
        if (in->id == INSN_fsgnjn_d)
            x86_not(&a->b, true, X86_RCX);
        else if (in->id == INSN_fsgnjx_d)
            x86_alu_rr(&a->b, X86_XOR, true, X86_RCX, X86_RAX); /* xor rcx, rax */
        x86_shift_ri(&a->b, X86_SHR, true, X86_RCX, 63);
        x86_shift_ri(&a->b, X86_SHL, true, X86_RCX, 63); /* rcx = the new sign */
        x86_alu_rr(&a->b, X86_ADD, true, X86_RAX, X86_RAX);
        x86_shift_ri(&a->b, X86_SHR, true, X86_RAX, 1);    /* rax = |rs1| */
        x86_alu_rr(&a->b, X86_OR, true, X86_RAX, X86_RCX); /* or rax, rcx */
        x86_mov_mr(&a->b, 8, X86_RBX, foff(in->rd), X86_RAX);
        return true;
    }
    case INSN_fmv_x_d: {
        unsigned slow = new_label(a, STUB_SLOW, i);
        emit_fs_check(a, true, slow);
        x86_mov_rm(&a->b, true, X86_RAX, X86_RBX, foff(in->rs1));
        store_x(a, X86_RAX, in->rd);
        return true;
    }
    case INSN_fmv_d_x: {
        unsigned slow = new_label(a, STUB_SLOW, i);
        emit_fs_check(a, false, slow);
        load_x(a, X86_RAX, in->rs1);
        x86_mov_mr(&a->b, 8, X86_RBX, foff(in->rd), X86_RAX);
        return true;
    }
    case INSN_feq_d:
    case INSN_flt_d:
    case INSN_fle_d: {
        unsigned slow = new_label(a, STUB_SLOW, i);
        emit_fs_check(a, true, slow);
        emit_nan_check(a, in->rs1, slow);
        emit_nan_check(a, in->rs2, slow);
        x86_alu_rr(&a->b, X86_XOR, false, X86_RCX, X86_RCX); /* xor ecx, ecx */
        x86_movq_xm(&a->b, 0, X86_RBX, foff(in->rs1));
        x86_ucomisd_xm(&a->b, 0, X86_RBX, foff(in->rs2));
        x86_setcc(&a->b, in->id == INSN_feq_d ? X86_CC_E : in->id == INSN_flt_d ? X86_CC_B : X86_CC_BE, X86_RCX);
        store_x(a, X86_RCX, in->rd);
        return true;
    }
    case INSN_fcvt_d_w:
    case INSN_fcvt_d_l: {
        if (in->id == INSN_fcvt_d_l && in->rm != FRM_RNE && in->rm != FRM_DYN)
            return false;
        unsigned slow = new_label(a, STUB_SLOW, i);
        if (in->id == INSN_fcvt_d_w)
            emit_fs_check(a, false, slow); /* exact: any rounding mode */
        else
            emit_rne_check(a, in, slow);
        x86_cvtsi2sd_xm(&a->b, in->id == INSN_fcvt_d_l, 0, X86_RBX, xoff(in->rs1));
        x86_movq_mx(&a->b, X86_RBX, foff(in->rd), 0);
        return true;
    }
    case INSN_fcvt_w_d:
    case INSN_fcvt_l_d: {
        if (in->rm != FRM_RTZ)
            return false;
        unsigned slow = new_label(a, STUB_SLOW, i);
        emit_fs_check(a, false, slow);                        /* raising NX again dirties FS (fpu.c): Dirty already */
        x86_test_m8i(&a->b, X86_RBX, HOFF(fflags), FFLAG_NX); /* inexact results set NX: only when set already */
        jcc(a, X86_CC_E, slow);
        bool w = in->id == INSN_fcvt_l_d;
        x86_cvttsd2si_rm(&a->b, w, X86_RAX, X86_RBX, foff(in->rs1));
        if (w) {
            x86_mov_ri64(&a->b, X86_RCX, 0x8000000000000000ull);
            x86_alu_rr(&a->b, X86_CMP, true, X86_RAX, X86_RCX); /* cmp rax, rcx */
        } else {
            x86_alu_ri(&a->b, X86_CMP, false, X86_RAX, INT32_MIN);
        }
        jcc(a, X86_CC_E, slow); /* out of range, NaN, or exactly the minimum: exec_ decides */
        if (!w)
            x86_movsxd_rr(&a->b, X86_RAX, X86_RAX);
        store_x(a, X86_RAX, in->rd);
        return true;
    }
    default: return false;
    }
}

/* fld/fsd/flw/fsw on a TLB hit, and the double arithmetic (fadd, fsub,
 * fmul, fdiv, fsqrt, and the fused four on FMA3 hosts) where fpu.c's arith_fast
 * would take the host result as it is: FS Dirty, fflags.NX
 * already set, round to nearest even, normal (or zero) operands, a normal
 * result, so no flag can change. Everything else goes to exec_<name>. */
static bool emit_fp(struct asm_state *a, const struct insn *in, unsigned i)
{
    enum x86_sse_sd sse = X86_ADDSD;
    enum x86_fma_sd fma = X86_VFMADD231SD;
    bool fused = false;
    switch (in->id) {
    case INSN_fld:
    case INSN_flw: {
        unsigned slow = new_label(a, STUB_SLOW, i), size = in->id == INSN_fld ? 8 : 4;
        emit_fs_check(a, false, slow);
        emit_tlb(a, in, size, HOFF(mmu.tlb_load), slow);
        if (size == 8) {
            x86_mov_rm(&a->b, true, X86_RCX, X86_RAX, 0);
        } else {
            x86_mov_rm(&a->b, false, X86_RCX, X86_RAX, 0);       /* mov ecx, [rax] */
            x86_mov_ri64(&a->b, X86_RAX, 0xffffffff00000000ull); /* the NaN box */
            x86_alu_rr(&a->b, X86_OR, true, X86_RCX, X86_RAX);   /* or rcx, rax */
        }
        x86_mov_mr(&a->b, 8, X86_RBX, foff(in->rd), X86_RCX);
        return true;
    }
    case INSN_fsd:
    case INSN_fsw: {
        unsigned slow = new_label(a, STUB_SLOW, i), size = in->id == INSN_fsd ? 8 : 4;
        emit_fs_check(a, true, slow);
        emit_tlb(a, in, size, HOFF(mmu.tlb_store), slow);
        x86_mov_rm(&a->b, true, X86_RCX, X86_RBX, foff(in->rs2));
        x86_mov_mr(&a->b, size, X86_RAX, 0, X86_RCX);
        return true;
    }
    case INSN_fadd_d: sse = X86_ADDSD; break;
    case INSN_fsub_d: sse = X86_SUBSD; break;
    case INSN_fmul_d: sse = X86_MULSD; break;
    case INSN_fdiv_d: sse = X86_DIVSD; break;
    case INSN_fsqrt_d: sse = X86_SQRTSD; break;
    /* clang-format off */
    case INSN_fmadd_d: fma = X86_VFMADD231SD; fused = true; break;
    case INSN_fmsub_d: fma = X86_VFMSUB231SD; fused = true; break;
    case INSN_fnmsub_d: fma = X86_VFNMADD231SD; fused = true; break; /* -(a*b) + c */
    case INSN_fnmadd_d: fma = X86_VFNMSUB231SD; fused = true; break; /* -(a*b) - c */
    /* clang-format on */
    default: return emit_fp_other(a, in, i);
    }
    if ((in->rm != FRM_RNE && in->rm != FRM_DYN) || (fused && !a->fma))
        return false;
    unsigned slow = new_label(a, STUB_SLOW, i);
    emit_rne_check(a, in, slow);
    x86_mov_rm(&a->b, true, X86_RAX, X86_RBX, foff(in->rs1));
    if (in->id == INSN_fsqrt_d) { /* a positive normal radicand */
        x86_test_rr(&a->b, true, X86_RAX, X86_RAX);
        jcc(a, X86_CC_S, slow);
        emit_normal_check(a, false, slow);
        x86_sse_sd_xm(&a->b, X86_SQRTSD, 0, X86_RBX, foff(in->rs1));
        goto result;
    }
    emit_normal_check(a, true, slow);
    x86_mov_rm(&a->b, true, X86_RAX, X86_RBX, foff(in->rs2));
    emit_normal_check(a, in->id != INSN_fdiv_d, slow); /* x / 0 raises DZ */
    if (fused) {
        x86_mov_rm(&a->b, true, X86_RAX, X86_RBX, foff(in->rs3));
        emit_normal_check(a, true, slow);
        x86_movq_xm(&a->b, 0, X86_RBX, foff(in->rs3));
        x86_movq_xm(&a->b, 1, X86_RBX, foff(in->rs1));
        x86_fma231sd_xxm(&a->b, fma, 0, 1, X86_RBX, foff(in->rs2)); /* xmm0 = +-(xmm1 * [f rs2]) +- xmm0 */
    } else {
        x86_movq_xm(&a->b, 0, X86_RBX, foff(in->rs1));
        x86_sse_sd_xm(&a->b, sse, 0, X86_RBX, foff(in->rs2));
    }
result:
    x86_movq_rx(&a->b, X86_RDX, 0);
    x86_mov_rr(&a->b, true, X86_RAX, X86_RDX); /* mov rax, rdx */
    emit_normal_check(a, false, slow);
    x86_mov_mr(&a->b, 8, X86_RBX, foff(in->rd), X86_RDX);
    return true;
}

/* The end of an integer ALU row: rd = rax (sign-extended from 32 bits for
 * W forms), which rax then holds. */
static void finish_rax(struct asm_state *a, bool w32, unsigned rd)
{
    if (w32)
        x86_movsxd_rr(&a->b, X86_RAX, X86_RAX);
    store_x(a, X86_RAX, rd);
    a->rax_next = rd;
}

/* The end of slt/sltu/slti/sltiu after their compare of rax (= rs1):
 * rd = the condition, from a zeroed ecx. */
static void finish_setcc(struct asm_state *a, enum x86_cc cc, const struct insn *in)
{
    x86_setcc(&a->b, cc, X86_RCX);
    store_x(a, X86_RCX, in->rd);
    a->rax_next = in->rd == in->rs1 ? RAX_NONE : in->rs1;
}

/* How an integer row is done inline: a group-1 ALU op, a shift, a set on
 * a compare, or imul. */
enum int_kind { K_ALU, K_SHIFT, K_SET, K_MUL };
struct int_op {
    enum int_kind kind;
    enum x86_alu alu;
    enum x86_shift shift;
    enum x86_cc cc;
    bool w32;
};

/* rd = rs1 op rs2 for the register-register rows done inline. */
static bool emit_op(struct asm_state *a, const struct insn *in)
{
    struct int_op o = { K_ALU, X86_ADD, X86_SHL, X86_CC_E, false };
    switch (in->id) {
    /* clang-format off */
    case INSN_add: o.alu = X86_ADD; break;
    case INSN_sub: o.alu = X86_SUB; break;
    case INSN_and: o.alu = X86_AND; break;
    case INSN_or: o.alu = X86_OR; break;
    case INSN_xor: o.alu = X86_XOR; break;
    case INSN_addw: o.alu = X86_ADD; o.w32 = true; break;
    case INSN_subw: o.alu = X86_SUB; o.w32 = true; break;
    case INSN_mul: o.kind = K_MUL; break;
    case INSN_mulw: o.kind = K_MUL; o.w32 = true; break;
    case INSN_sll: o.kind = K_SHIFT; o.shift = X86_SHL; break;
    case INSN_srl: o.kind = K_SHIFT; o.shift = X86_SHR; break;
    case INSN_sra: o.kind = K_SHIFT; o.shift = X86_SAR; break;
    case INSN_sllw: o.kind = K_SHIFT; o.shift = X86_SHL; o.w32 = true; break;
    case INSN_srlw: o.kind = K_SHIFT; o.shift = X86_SHR; o.w32 = true; break;
    case INSN_sraw: o.kind = K_SHIFT; o.shift = X86_SAR; o.w32 = true; break;
    case INSN_slt: o.kind = K_SET; o.cc = X86_CC_L; break;
    case INSN_sltu: o.kind = K_SET; o.cc = X86_CC_B; break;
    /* clang-format on */
    default: return false;
    }
    if (o.kind == K_SET) {
        x86_alu_rr(&a->b, X86_XOR, false, X86_RCX, X86_RCX);
        load_rax(a, in->rs1, false);
        x86_alu_rm(&a->b, X86_CMP, true, X86_RAX, X86_RBX, xoff(in->rs2));
        finish_setcc(a, o.cc, in);
        return true;
    }
    if (o.kind == K_SHIFT) {
        load_x(a, X86_RCX, in->rs2);
        load_rax(a, in->rs1, o.w32);
        x86_shift_rcl(&a->b, o.shift, !o.w32, X86_RAX); /* x86 masks the count as RISC-V does */
    } else if (o.kind == K_MUL) {
        load_rax(a, in->rs1, o.w32);
        x86_imul_rm(&a->b, !o.w32, X86_RAX, X86_RBX, xoff(in->rs2));
    } else {
        load_rax(a, in->rs1, o.w32);
        x86_alu_rm(&a->b, o.alu, !o.w32, X86_RAX, X86_RBX, xoff(in->rs2));
    }
    finish_rax(a, o.w32, in->rd);
    return true;
}

/* mulh/mulhu, and division where x86's answer is RISC-V's: a zero divisor
 * and (signed) a divisor of -1 (MIN / -1 faults on x86) go to exec_. */
static bool emit_muldiv(struct asm_state *a, const struct insn *in, unsigned i)
{
    bool w32 = false, rem = false, sign = false;
    switch (in->id) {
    case INSN_mulh:
    case INSN_mulhu:
        load_x(a, X86_RAX, in->rs1);
        x86_mul_wide_m(&a->b, in->id == INSN_mulh, X86_RBX, xoff(in->rs2));
        store_x(a, X86_RDX, in->rd);
        return true;
    case INSN_div: sign = true; break;
    case INSN_divu: break;
    case INSN_rem:
        sign = true;
        rem = true;
        break;
    case INSN_remu: rem = true; break;
    case INSN_divw:
        sign = true;
        w32 = true;
        break;
    case INSN_divuw: w32 = true; break;
    /* clang-format off */
    case INSN_remw: sign = true; rem = true; w32 = true; break;
    case INSN_remuw: rem = true; w32 = true; break;
    /* clang-format on */
    default: return false;
    }
    unsigned slow = new_label(a, STUB_SLOW, i);
    x86_mov_rm(&a->b, !w32, X86_RCX, X86_RBX, xoff(in->rs2));
    x86_test_rr(&a->b, !w32, X86_RCX, X86_RCX); /* test rcx, rcx */
    jcc(a, X86_CC_E, slow);
    if (sign) {
        x86_alu_ri(&a->b, X86_CMP, !w32, X86_RCX, -1);
        jcc(a, X86_CC_E, slow);
    }
    x86_mov_rm(&a->b, !w32, X86_RAX, X86_RBX, xoff(in->rs1));
    if (sign)
        x86_cqo(&a->b, !w32);
    else
        x86_alu_rr(&a->b, X86_XOR, false, X86_RDX, X86_RDX);
    x86_div(&a->b, sign, !w32, X86_RCX);
    enum x86_gpr res = rem ? X86_RDX : X86_RAX;
    if (w32)
        x86_movsxd_rr(&a->b, res, res);
    store_x(a, res, in->rd);
    return true;
}

/* lui, auipc and sext.w (addiw 0): rd from the pc or a constant. */
static bool emit_upper(struct asm_state *a, const struct insn *in)
{
    switch (in->id) {
    case INSN_lui:
        x86_mov_mi(&a->b, X86_RBX, xoff(in->rd), in->imm);
        a->rax_next = a->rax == in->rd ? RAX_NONE : a->rax;
        return true;
    case INSN_auipc: {
        int64_t delta = (int64_t)in->off + in->imm;
        x86_mov_rm(&a->b, true, X86_RAX, X86_RBX, HOFF(pc));
        if (fits32(delta)) {
            x86_alu_ri(&a->b, X86_ADD, true, X86_RAX, (int32_t)delta);
        } else {
            x86_alu_ri(&a->b, X86_ADD, true, X86_RAX, in->imm);
            x86_alu_ri(&a->b, X86_ADD, true, X86_RAX, in->off);
        }
        store_x(a, X86_RAX, in->rd);
        a->rax_next = in->rd;
        return true;
    }
    case INSN_addiw:
        if (in->imm != 0)
            return false;
        if (a->rax == in->rs1)
            x86_movsxd_rr(&a->b, X86_RAX, X86_RAX);
        else
            x86_movsx_rm(&a->b, 4, X86_RAX, X86_RBX, xoff(in->rs1));
        store_x(a, X86_RAX, in->rd);
        a->rax_next = in->rd;
        return true;
    default: return false;
    }
}

/* rd = rs1 op imm for the immediate rows done inline, and lui/auipc. */
static bool emit_op_imm(struct asm_state *a, const struct insn *in)
{
    if (emit_upper(a, in))
        return true;
    struct int_op o = { K_ALU, X86_ADD, X86_SHL, X86_CC_E, false };
    switch (in->id) {
    /* clang-format off */
    case INSN_addiw: o.alu = X86_ADD; o.w32 = true; break;
    case INSN_addi: o.alu = X86_ADD; break;
    case INSN_andi: o.alu = X86_AND; break;
    case INSN_ori: o.alu = X86_OR; break;
    case INSN_xori: o.alu = X86_XOR; break;
    case INSN_slli: o.kind = K_SHIFT; o.shift = X86_SHL; break;
    case INSN_srli: o.kind = K_SHIFT; o.shift = X86_SHR; break;
    case INSN_srai: o.kind = K_SHIFT; o.shift = X86_SAR; break;
    case INSN_slliw: o.kind = K_SHIFT; o.shift = X86_SHL; o.w32 = true; break;
    case INSN_srliw: o.kind = K_SHIFT; o.shift = X86_SHR; o.w32 = true; break;
    case INSN_sraiw: o.kind = K_SHIFT; o.shift = X86_SAR; o.w32 = true; break;
    case INSN_slti: o.kind = K_SET; o.cc = X86_CC_L; break;
    case INSN_sltiu: o.kind = K_SET; o.cc = X86_CC_B; break;
    /* clang-format on */
    default: return false;
    }
    if (o.kind == K_SET) {
        x86_alu_rr(&a->b, X86_XOR, false, X86_RCX, X86_RCX);
        load_rax(a, in->rs1, false);
        x86_alu_ri(&a->b, X86_CMP, true, X86_RAX, in->imm);
        finish_setcc(a, o.cc, in);
        return true;
    }
    load_rax(a, in->rs1, o.w32);
    if (o.kind == K_SHIFT && in->imm)
        x86_shift_ri(&a->b, o.shift, !o.w32, X86_RAX, (unsigned)in->imm);
    else if (o.kind == K_ALU && (in->imm || o.alu == X86_AND))
        x86_alu_ri(&a->b, o.alu, !o.w32, X86_RAX, in->imm);
    finish_rax(a, o.w32, in->rd);
    return true;
}

static bool emit_branch(struct asm_state *a, const struct insn *in, unsigned i)
{
    enum x86_cc cc;
    switch (in->id) {
    case INSN_beq: cc = X86_CC_E; break;
    case INSN_bne: cc = X86_CC_NE; break;
    case INSN_blt: cc = X86_CC_L; break;
    case INSN_bge: cc = X86_CC_GE; break;
    case INSN_bltu: cc = X86_CC_B; break;
    case INSN_bgeu: cc = X86_CC_AE; break;
    default: return false;
    }
    load_rax(a, in->rs1, false);
    x86_alu_rm(&a->b, X86_CMP, true, X86_RAX, X86_RBX, xoff(in->rs2));
    jcc(a, cc, new_label(a, STUB_TAKEN, i));
    a->rax_next = in->rs1; /* not taken: rax is as it was */
    return true;
}

/* Leaves the block for the pc in rax (already in h->pc), `retired`
 * instructions counted, through the block's chain tail. */
static void emit_chain_to(struct asm_state *a, const struct exits *x, unsigned retired)
{
    x86_lea(&a->b, X86_RBP, X86_RBP, (int32_t)retired); /* lea rbp, [rbp + retired] */
    jmp(a, x->tail);
}

/*
 * The jump-cache lookup of chain_enter (dispatch.h) written out: rax = the
 * next pc (already in h->pc), rbp = the count with the exit's instructions.
 * A hit whose block is translated jumps straight to its link entry (rbx, rbp
 * and the frame as they are: jit.h, "Block linking"); one not translated yet
 * is entered through b->entry (`enter`). Guards as chain_enter's: the entry's
 * vpc and key (jc_gen and the privilege, so satp changes, sfence.vma, code
 * invalidation and breakpoints are all seen), then the chain's allowance,
 * which interrupts and stop requests zero. hit/miss: the counters
 * (hart_jit_stats) this copy bumps; a miss goes back to the run loop.
 */
static void emit_probe(struct asm_state *a, const struct exits *x, int32_t hit, int32_t miss)
{
    _Static_assert(sizeof(struct jcache_entry) == 24, "the index below assumes 24-byte entries");
    unsigned out = new_label(a, STUB_NONE, 0);
    x86_mov_rr(&a->b, false, X86_RDX, X86_RAX); /* mov edx, eax */
    x86_shift_ri(&a->b, X86_SHR, false, X86_RDX, 1);
    x86_alu_ri(&a->b, X86_AND, false, X86_RDX, JCACHE_ENTRIES - 1);
    x86_imul_rri8(&a->b, false, X86_RDX, X86_RDX, (int8_t)sizeof(struct jcache_entry));
    x86_alu_rr(&a->b, X86_ADD, true, X86_RDX, X86_RBX); /* add rdx, rbx: &h->jcache[i] - jcache offset */
    x86_alu_rm(&a->b, X86_CMP, true, X86_RAX, X86_RDX, HOFF(jcache) + (int32_t)offsetof(struct jcache_entry, vpc));
    jcc(a, X86_CC_NE, out);
    x86_movzx_rm(&a->b, 1, X86_RAX, X86_RBX, HOFF(priv));            /* movzx eax, byte [priv] */
    x86_alu_rm(&a->b, X86_OR, true, X86_RAX, X86_RBX, HOFF(jc_gen)); /* or rax, [jc_gen]: jcache_key */
    x86_alu_rm(&a->b, X86_CMP, true, X86_RAX, X86_RDX, HOFF(jcache) + (int32_t)offsetof(struct jcache_entry, gen));
    jcc(a, X86_CC_NE, out);
    x86_alu_rm(&a->b, X86_CMP, true, X86_RBP, X86_RBX, HOFF(chain_end));
    jcc(a, X86_CC_AE, x->limit);
    x86_inc_m64(&a->b, X86_RBX, hit);
    x86_mov_rm(&a->b, true, X86_RSI, X86_RDX, HOFF(jcache) + (int32_t)offsetof(struct jcache_entry, b));
    x86_mov_rm(&a->b, true, X86_RAX, X86_RSI, (int32_t)offsetof(struct block, link_entry));
    x86_test_rr(&a->b, true, X86_RAX, X86_RAX);
    jcc(a, X86_CC_E, x->enter);
    x86_jmp_r(&a->b, X86_RAX);
    place(a, out);
    x86_inc_m64(&a->b, X86_RBX, miss);
    jmp(a, x->leave);
}

/* The block's shared exits after a probe: the chain tail (for every exit
 * but jalr's, which probe where they are), entering an untranslated block,
 * the chain's end, and the way back to the run loop. */
static void emit_chain_tail(struct asm_state *a, const struct exits *x)
{
    place(a, x->tail);
    emit_probe(a, x, HOFF(jit_stats.jc_hit), HOFF(jit_stats.jc_miss));
    place(a, x->enter); /* rsi = the block, not translated: its entry, from the prologue */
    x86_mov_mr(&a->b, 8, X86_RBX, HOFF(instret), X86_RBP);
    x86_mov_rr(&a->b, true, X86_RDI, X86_RBX);
    x86_mov_rm(&a->b, true, X86_RAX, X86_RSI, (int32_t)offsetof(struct block, entry));
    x86_alu_ri(&a->b, X86_ADD, true, X86_RSI, (int32_t)offsetof(struct block, insns));
    epilogue_pops(a);
    x86_jmp_r(&a->b, X86_RAX);
    place(a, x->limit);
    COUNT(a, limit);
    place(a, x->leave); /* pc done, the count in rbp: back to the run loop */
    x86_mov_mr(&a->b, 8, X86_RBX, HOFF(instret), X86_RBP);
    x86_mov_ri32(&a->b, X86_RAX, EXEC_LINKED);
    epilogue_pops(a);
    x86_ret(&a->b);
    place(a, x->probe);
    x86_mov_rm(&a->b, true, X86_RAX, X86_RBX, HOFF(pc));
    jmp(a, x->tail);
}

/*
 * Leaves the block for the pc in rax (already in h->pc), `retired`
 * instructions counted, `delta` bytes from the block's start: linked when
 * the target lies in the block's page (jit.h, "Block linking"), else
 * through the chain tail. The linkable exit: count, check the chain's end,
 * then the slot, a jmp aligned so that it lies in one 8-byte word.
 */
static void emit_exit(struct asm_state *a, const struct exits *x, unsigned retired, int64_t delta)
{
    int64_t off = (int64_t)(a->pa & (PAGE_SIZE - 1)) + delta;
    if (off < 0 || off >= (int64_t)PAGE_SIZE || a->nexits == a->max_exits) {
        emit_chain_to(a, x, retired);
        return;
    }
    unsigned k = a->nexits++;
    x86_lea(&a->b, X86_RBP, X86_RBP, (int32_t)retired); /* lea rbp, [rbp + retired] */
    x86_alu_rm(&a->b, X86_CMP, true, X86_RBP, X86_RBX, HOFF(link_end));
    jcc(a, X86_CC_AE, x->probe); /* the chain's end, or breakpoints: the probe decides */
    unsigned pad = (unsigned)(3 - ((uintptr_t)a->b.p & 7)) & 7;
    if (pad)
        x86_nop(&a->b, pad);
    size_t at = x86_jmp32(&a->b);
    fixup(a, at, new_label(a, STUB_ASK, k));
    struct jit_exit *e = &a->exit[k];
    e->slot = a->b.start + at;
    e->to = NULL;
    e->next = NULL;
    /* Read without the lock by harts that reach the code (cache_link_exit):
     * never written plainly. */
    __atomic_store_n(&e->pa, (a->pa & ~(uint64_t)(PAGE_SIZE - 1)) + (uint64_t)off, __ATOMIC_RELAXED);
    __atomic_store_n(&e->tries, JIT_LINK_TRIES, __ATOMIC_RELAXED);
}

/* The stub of linkable exit k while it is not linked: asks the cache for a
 * link, then takes it, or the probe. */
static void emit_ask(struct asm_state *a, const struct exits *x, unsigned k)
{
    x86_mov_mr(&a->b, 8, X86_RBX, HOFF(instret), X86_RBP);
    x86_mov_rr(&a->b, true, X86_RDI, X86_RBX);
    x86_mov_ri64(&a->b, X86_RSI, (uint64_t)(uintptr_t)&a->exit[k]);
    x86_call_abs(&a->b, (const void *)cache_link_exit);
    x86_test_rr(&a->b, true, X86_RAX, X86_RAX);
    jcc(a, X86_CC_E, x->probe);
    x86_jmp_r(&a->b, X86_RAX);
}

/* h->pc += delta (the block's start pc stays in h->pc until a jump); rax =
 * the new pc. */
static void emit_pc_to(struct asm_state *a, int64_t delta)
{
    x86_mov_rm(&a->b, true, X86_RAX, X86_RBX, HOFF(pc));
    x86_alu_ri(&a->b, X86_ADD, true, X86_RAX, (int32_t)delta);
    x86_mov_mr(&a->b, 8, X86_RBX, HOFF(pc), X86_RAX);
}

static bool emit_jump(struct asm_state *a, const struct exits *x, const struct insn *in, unsigned i)
{
    if (in->id == INSN_jal && in->fn == thr_jal_followed) { /* only the link (cache.c) */
        x86_mov_rm(&a->b, true, X86_RAX, X86_RBX, HOFF(pc));
        x86_alu_ri(&a->b, X86_ADD, true, X86_RAX, in->off + in->len);
        store_x(a, X86_RAX, in->rd);
        a->rax_next = in->rd;
        return true;
    }
    if (in->id == INSN_jal) {
        x86_mov_rm(&a->b, true, X86_RAX, X86_RBX, HOFF(pc));
        x86_lea(&a->b, X86_RCX, X86_RAX, in->off + in->len); /* lea rcx, [rax + off + len] */
        store_x(a, X86_RCX, in->rd);
        x86_alu_ri(&a->b, X86_ADD, true, X86_RAX, in->off + in->imm);
    } else if (in->id == INSN_jalr) {
        load_x(a, X86_RAX, in->rs1); /* the target first: rd may be rs1 */
        if (in->imm)
            x86_alu_ri(&a->b, X86_ADD, true, X86_RAX, in->imm);
        x86_alu_ri(&a->b, X86_AND, true, X86_RAX, -2);
        x86_mov_rm(&a->b, true, X86_RCX, X86_RBX, HOFF(pc));
        x86_alu_ri(&a->b, X86_ADD, true, X86_RCX, in->off + in->len);
        store_x(a, X86_RCX, in->rd);
        x86_mov_mr(&a->b, 8, X86_RBX, HOFF(pc), X86_RAX);
        /* Returns and calls through registers probe here, each with its
         * own host jump to predict. */
        x86_lea(&a->b, X86_RBP, X86_RBP, (int32_t)(in->idx + 1u));
        emit_probe(a, x, HOFF(jit_stats.ind_hit), HOFF(jit_stats.ind_miss));
        return true;
    } else {
        return false;
    }
    x86_mov_mr(&a->b, 8, X86_RBX, HOFF(pc), X86_RAX);
    emit_chain_to(a, x, in->idx + 1u);
    return true;
}

/* A taken branch: within the block when the decoder found its target there
 * (as branch_taken in dispatch.h), else a chained jump. */
static void emit_taken(struct asm_state *a, const struct exits *x, const struct insn *in, unsigned i)
{
    if (in->tidx != TIDX_NONE) {
        unsigned out = new_label(a, STUB_NONE, i);
        x86_lea(&a->b, X86_RAX, X86_RBP, (int32_t)in->idx + 1 - (int32_t)in->tret); /* lea rax, [rbp + n] */
        x86_alu_rm(&a->b, X86_CMP, true, X86_RAX, X86_RBX, HOFF(chain_end));
        jcc(a, X86_CC_AE, out);
        x86_alu_m8i(&a->b, X86_CMP, X86_R12,
                    (int32_t)offsetof(struct block, valid) - (int32_t)offsetof(struct block, insns), 0);
        jcc(a, X86_CC_E, out);
        x86_mov_rr(&a->b, true, X86_RBP, X86_RAX); /* mov rbp, rax */
        jmp(a, in->tidx);                          /* instruction labels are their indexes */
        place(a, out);
    }
    emit_pc_to(a, (int64_t)in->off + in->imm);
    emit_exit(a, x, in->idx + 1u, (int64_t)in->off + in->imm);
}

static void emit_slow(struct asm_state *a, const struct exits *x, const struct insn *in, unsigned i)
{
    emit_call_exec(a, x, i, exec_of(in));
    jmp(a, i + 1);
}

/* The prologue, then the link entry (jit.h, "Block linking"): a link
 * comes in with rbx = h, rbp = the count and the frame pushed. */
static void emit_prologue(struct asm_state *a, const struct exits *x, const struct block *b)
{
    x86_push(&a->b, X86_RBX);
    x86_push(&a->b, X86_R12);
    x86_push(&a->b, X86_RBP);                  /* and rsp is 16-aligned for calls */
    x86_mov_rr(&a->b, true, X86_RBX, X86_RDI); /* mov rbx, rdi (h) */
    /* rbp holds h->instret while the block runs, so that an in-block loop
     * carries its count in a register rather than through memory; it is
     * stored before every call and every exit, and reloaded after calls. */
    x86_mov_rm(&a->b, true, X86_RBP, X86_RBX, HOFF(instret));
    place(a, x->link);
    x86_mov_ri64(&a->b, X86_R12, (uint64_t)(uintptr_t)b->insns); /* r12 = the decoded instructions */
}

/* The block's body: instruction i at label i, then the end marker's exit. */
static void emit_body(struct asm_state *a, const struct exits *x, const struct block *b)
{
    unsigned n = b->n;
    bool merge[MAX_BLOCK_INSNS + 1] = { false }; /* in-block branch targets */
    for (unsigned i = 0; i < n; i++)
        if (b->insns[i].tidx != TIDX_NONE && b->insns[i].tidx <= n)
            merge[b->insns[i].tidx] = true;
    a->rax = RAX_NONE;
    for (unsigned i = 0; i < n; i++) {
        const struct insn *in = &b->insns[i];
        place(a, i);
        if (merge[i])
            a->rax = RAX_NONE;
        unsigned nlabels = a->nlabels;
        a->rax_next = RAX_NONE;
        if (!emit_op(a, in) && !emit_op_imm(a, in) && !emit_load(a, in, i) && !emit_store(a, in, i) &&
            !emit_branch(a, in, i) && !emit_jump(a, x, in, i) && !emit_fp(a, in, i) && !emit_muldiv(a, in, i))
            emit_call_exec(a, x, i, exec_of(in));
        /* An out-of-line path of this instruction comes back to the next
         * with rax clobbered. */
        bool stub = false;
        for (unsigned l = nlabels; l < a->nlabels; l++)
            stub |= a->stub[l].kind == STUB_SLOW;
        a->rax = stub ? RAX_NONE : a->rax_next;
    }
    /* The end marker: on at the next pc, chained. */
    place(a, n);
    emit_pc_to(a, b->insns[n].off);
    emit_exit(a, x, b->insns[n].idx, b->insns[n].off);
}

/* Where a helper's status other than EXEC_NEXT leaves the block (counted by
 * kind), the jump to jit_chain, the chain tail and the plain return. */
static void emit_block_exits(struct asm_state *a, const struct exits *x)
{
    place(a, x->common);
    x86_alu_ri(&a->b, X86_CMP, false, X86_RAX, EXEC_JUMP);
    jcc(a, X86_CC_E, x->chain);
    x86_mov_mr(&a->b, 8, X86_RBX, HOFF(stop_insn), X86_RSI);
    x86_alu_ri(&a->b, X86_CMP, false, X86_RAX, EXEC_TRAP);
    size_t not_trap = x86_jcc8(&a->b, X86_CC_NE);
    COUNT(a, trap);
    epilogue_pops(a);
    x86_ret(&a->b);
    if (!x86_patch_rel8(&a->b, not_trap, x86_len(&a->b)))
        a->b.overflow = true;
    COUNT(a, end);
    epilogue_pops(a);
    x86_ret(&a->b);
    place(a, x->chain);
    COUNT(a, jump);
    x86_mov_rr(&a->b, true, X86_RDI, X86_RBX);
    epilogue_pops(a);
    x86_jmp_abs(&a->b, (const void *)jit_chain);
    emit_chain_tail(a, x);
}

/* Out-of-line code from label `first` on, in the order the body asked for
 * it (it may add more). */
static void emit_stubs(struct asm_state *a, const struct exits *x, const struct block *b, unsigned first)
{
    for (unsigned l = first; l < a->nlabels && !a->b.overflow; l++) {
        if (a->stub[l].kind == STUB_NONE)
            continue;
        place(a, l);
        const struct insn *in = &b->insns[a->stub[l].insn];
        if (a->stub[l].kind == STUB_SLOW)
            emit_slow(a, x, in, a->stub[l].insn);
        else if (a->stub[l].kind == STUB_TAKEN)
            emit_taken(a, x, in, a->stub[l].insn);
        else
            emit_ask(a, x, a->stub[l].insn);
    }
}

/* Resolves the jumps to labels and the exit records' addresses; false
 * when a label was never placed (a translator bug: interpret instead). */
static bool finish(struct asm_state *a, const struct exits *x)
{
    for (unsigned f = 0; f < a->nfixups; f++) {
        ptrdiff_t target = a->label[a->fixup[f].label];
        if (target < 0 || !x86_patch_rel32(&a->b, a->fixup[f].at, (size_t)target))
            return false;
    }
    for (unsigned l = 0; l < a->nlabels; l++)
        if (a->stub[l].kind == STUB_ASK)
            a->exit[a->stub[l].insn].ask = a->b.start + a->label[l];
    for (unsigned k = 0; k < a->nexits; k++)
        a->exit[k].probe = a->b.start + a->label[x->probe];
    return true;
}

/* Room for the exit records before the code: one per branch that may leave
 * the block, and the end marker's. Returns the code's start (64-aligned:
 * records, written when linking, share no cache line with code). */
static uint8_t *reserve_exits(struct jit *j, const struct block *b)
{
    struct asm_state *a = &j->as;
    unsigned k = 1;
    for (unsigned i = 0; i < b->n; i++) {
        const struct insn_info *info = insn_info(b->insns[i].id);
        k += info && info->format == FMT_B;
    }
    a->exit = (struct jit_exit *)(void *)(j->code + j->used);
    a->nexits = 0;
    a->max_exits = k;
    a->pa = b->pa;
    size_t code = (j->used + k * sizeof(struct jit_exit) + 63) & ~(size_t)63;
    return j->code + code;
}

bool jit_translate(struct jit *j, struct block *b)
{
    struct asm_state *a = &j->as;
    if (j->used + JIT_MAX_BLOCK_BYTES > JIT_BYTES)
        return false;
    x86_buf_init(&a->b, reserve_exits(j, b), j->code + JIT_BYTES);
    a->fma = j->fma;
    a->nfixups = 0;
    a->nlabels = 0;
    unsigned n = b->n;
    for (unsigned i = 0; i <= n; i++)
        new_label(a, STUB_NONE, i);
    unsigned l[EXIT_LABELS];
    for (unsigned k = 0; k < EXIT_LABELS; k++)
        l[k] = new_label(a, STUB_NONE, n);
    struct exits x = { l[0], l[1], l[2], l[3], l[4], l[5], l[6], l[7] };

    emit_prologue(a, &x, b);
    emit_body(a, &x, b);
    emit_block_exits(a, &x);
    emit_stubs(a, &x, b, n + 1 + EXIT_LABELS);
    if (a->b.overflow || !finish(a, &x))
        return false;
    size_t len = x86_len(&a->b), end = (size_t)(a->b.p - j->code);
    j->written += (unsigned long long)len;
    j->used = (end + 15) & ~(size_t)15;
    if (j->perfmap)
        fprintf(j->perfmap, "%lx %zx guest_pa_%llx\n", (unsigned long)(uintptr_t)a->b.start, len,
                (unsigned long long)b->pa);
    /* Other harts may be reading both: the link entry first. */
    __atomic_store_n(&b->link_entry, (const void *)(a->b.start + a->label[x.link]), __ATOMIC_RELEASE);
    __atomic_store_n(&b->entry, (insn_fn)(void *)a->b.start, __ATOMIC_RELEASE);
    return true;
}

/* A slot's rel32 is 4-byte aligned (emit_exit): one atomic store. */
static void patch_slot(struct jit_exit *e, const void *to)
{
    int64_t rel = (int64_t)((intptr_t)to - (intptr_t)(e->slot + 4));
    __atomic_store_n((uint32_t *)(void *)e->slot, (uint32_t)(int32_t)rel, __ATOMIC_RELEASE);
}

void jit_exit_link(struct jit_exit *e, const void *entry) { patch_slot(e, entry); }
void jit_exit_give_up(struct jit_exit *e) { patch_slot(e, e->probe); }
void jit_exit_unlink(struct jit_exit *e)
{
    e->to = NULL;
    __atomic_store_n(&e->tries, JIT_LINK_TRIES, __ATOMIC_RELAXED);
    patch_slot(e, e->ask);
}

struct jit *jit_create(void)
{
    struct jit *j = calloc(1, sizeof(*j));
    if (!j)
        return NULL;
    void *code = mmap(NULL, JIT_BYTES, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                      -1, 0); /* untouched code pages cost nothing, reserved or not */
    if (code == MAP_FAILED) {
        free(j);
        return NULL;
    }
    j->code = code;
    __builtin_cpu_init();
    j->fma = __builtin_cpu_supports("fma");
    return j;
}

void jit_destroy(struct jit *j)
{
    if (!j)
        return;
    munmap(j->code, JIT_BYTES);
    free(j);
}

size_t jit_room(const struct jit *j) { return JIT_BYTES - j->used; }
unsigned long long jit_bytes_written(const struct jit *j) { return j->written; }
void jit_reset(struct jit *j) { j->used = 0; }
void jit_set_perfmap(struct jit *j, FILE *f) { j->perfmap = f; }

#else /* no translator for this host */

struct jit *jit_create(void) { return NULL; }
void jit_destroy(struct jit *j) { (void)j; }
/* clang-format off */
bool jit_translate(struct jit *j, struct block *b) { (void)j; (void)b; return false; }
size_t jit_room(const struct jit *j) { (void)j; return 0; }
unsigned long long jit_bytes_written(const struct jit *j) { (void)j; return 0; }
/* clang-format on */
void jit_reset(struct jit *j) { (void)j; }
void jit_set_perfmap(struct jit *j, FILE *f)
{
    (void)j;
    (void)f;
}
/* No translation, so no exit to patch. */
void jit_exit_link(struct jit_exit *e, const void *entry)
{
    (void)e;
    (void)entry;
}
void jit_exit_unlink(struct jit_exit *e) { (void)e; }
void jit_exit_give_up(struct jit_exit *e) { (void)e; }

#endif
