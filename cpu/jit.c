/* Translation of decoded blocks to x86-64: see jit.h for the contract. */
#include "cpu/jit.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "cpu/decode.h"
#include "cpu/dispatch.h"

#if defined(__x86_64__)

#include <sys/mman.h>

#define JIT_BYTES (32u << 20)

/* ---- Entry points the translations jump to (they end a block) ---- */

/* A taken jump: h->pc is the target; chains as a threaded jump does. */
static int jit_chain(struct hart *h, const struct insn *in) { return chain_jump(h, in); }


/* ---- A small x86-64 assembler ---- */

enum { RAX = 0, RCX = 1, RDX = 2, RBX = 3, RSP = 4, RBP = 5, RSI = 6, RDI = 7, R12 = 12 };
enum { CC_B = 2, CC_AE = 3, CC_E = 4, CC_NE = 5, CC_L = 0xc, CC_GE = 0xd };
/* The /digit of group-1 ALU ops (81/83) and of shifts (C1/D3). */
enum { ALU_ADD = 0, ALU_OR = 1, ALU_AND = 4, ALU_SUB = 5, ALU_XOR = 6, ALU_CMP = 7 };
enum { SH_SHL = 4, SH_SHR = 5, SH_SAR = 7 };

/* Enough for the worst block: an FP row takes up to 2 labels and 8 fixups
 * (tests/unit/test_jit.c translates such blocks). */
#define MAX_LABELS (4 * MAX_BLOCK_INSNS + 8)
#define MAX_FIXUPS (10 * MAX_BLOCK_INSNS + 8)

/* What a label's out-of-line code does (emitted after the block's body). */
enum stub_kind { STUB_NONE, STUB_SLOW, STUB_TAKEN };

struct asm_state {
    uint8_t *start, *p, *end;
    bool overflow;
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
    struct { ptrdiff_t at; unsigned label; } fixup[MAX_FIXUPS]; /* rel32 field at `at` */
    /* clang-format on */
    unsigned nfixups;
};

struct jit {
    uint8_t *code;
    size_t used;
    unsigned long long written; /* bytes, over every reset */
    bool fma;                   /* the host has FMA3 */
    /* The translation being written: big, so it lives here rather than on
     * the stack; one translation at a time per jit (the cache's rule). */
    struct asm_state as;
};

static void b1(struct asm_state *a, unsigned v)
{
    if (a->p < a->end)
        *a->p++ = (uint8_t)v;
    else
        a->overflow = true;
}

static void b4(struct asm_state *a, uint32_t v)
{
    for (unsigned i = 0; i < 4; i++)
        b1(a, (v >> (8 * i)) & 0xff);
}

static void b8(struct asm_state *a, uint64_t v)
{
    b4(a, (uint32_t)v);
    b4(a, (uint32_t)(v >> 32));
}

static bool fits8(int64_t v) { return v >= -128 && v <= 127; }
static bool fits32(int64_t v) { return v >= INT32_MIN && v <= INT32_MAX; }

/* REX for operand size w, ModRM.reg `reg` and ModRM.rm/base `rm`, when needed. */
static void rex(struct asm_state *a, bool w, unsigned reg, unsigned rm)
{
    unsigned v = 0x40 | (w ? 8u : 0u) | ((reg >> 3) & 1) << 2 | ((rm >> 3) & 1);
    if (v != 0x40)
        b1(a, v);
}

/* Opcode: one byte, or 0x0Fxx for two. */
static void opcode(struct asm_state *a, unsigned op)
{
    if (op > 0xff)
        b1(a, op >> 8);
    b1(a, op & 0xff);
}

/* op reg, [base + disp] (or the other way round, as the opcode says). */
static void op_mem(struct asm_state *a, bool w, unsigned op, unsigned reg, unsigned base, int32_t disp)
{
    rex(a, w, reg, base);
    opcode(a, op);
    unsigned mod = (disp == 0 && (base & 7) != RBP) ? 0 : fits8(disp) ? 1 : 2;
    b1(a, mod << 6 | (reg & 7) << 3 | (base & 7));
    if ((base & 7) == RSP)
        b1(a, 0x24); /* SIB: base only */
    if (mod == 1)
        b1(a, (uint8_t)disp);
    else if (mod == 2)
        b4(a, (uint32_t)disp);
}

/* op reg, rm (register operands). */
static void op_reg(struct asm_state *a, bool w, unsigned op, unsigned reg, unsigned rm)
{
    rex(a, w, reg, rm);
    opcode(a, op);
    b1(a, 0xc0 | (reg & 7) << 3 | (rm & 7));
}

static void alu_imm(struct asm_state *a, bool w, unsigned ext, unsigned rm, int32_t imm)
{
    if (fits8(imm)) {
        op_reg(a, w, 0x83, ext, rm);
        b1(a, (uint8_t)imm);
    } else {
        op_reg(a, w, 0x81, ext, rm);
        b4(a, (uint32_t)imm);
    }
}

static void shift_imm(struct asm_state *a, bool w, unsigned ext, unsigned rm, unsigned n)
{
    op_reg(a, w, 0xc1, ext, rm);
    b1(a, n);
}

/* Guest register r of the hart in rbx. */
static int32_t xoff(unsigned r) { return (int32_t)(8 * r); }
#define HOFF(field) ((int32_t)offsetof(struct hart, field))

static void load_x(struct asm_state *a, unsigned reg, unsigned r) { op_mem(a, true, 0x8b, reg, RBX, xoff(r)); }
#define RAX_NONE 0xffu
/* rax = x[r] (all 64 bits, or at least the low 32 with w32), unless rax
 * already holds it. */
static void load_rax(struct asm_state *a, unsigned r, bool w32)
{
    if (a->rax != r)
        op_mem(a, !w32, 0x8b, RAX, RBX, xoff(r));
}
static void store_x(struct asm_state *a, unsigned reg, unsigned r) { op_mem(a, true, 0x89, reg, RBX, xoff(r)); }
static void movsxd(struct asm_state *a, unsigned dst, unsigned src) { op_reg(a, true, 0x63, dst, src); }
/* mov reg, imm64 (reg is rax..rdi). */
static void mov_imm64(struct asm_state *a, unsigned reg, uint64_t v)
{
    b1(a, 0x48);
    b1(a, 0xb8 + reg);
    b8(a, v);
}
/* setcc cl (cc is the 0F 9x opcode byte). */
static void setcc_cl(struct asm_state *a, unsigned cc)
{
    b1(a, 0x0f);
    b1(a, cc);
    b1(a, 0xc1);
}
/* lea rsi, [r12 + 32 * i]: the decoded instruction i. */
static void lea_insn(struct asm_state *a, unsigned i)
{
    op_mem(a, true, 0x8d, RSI, R12, (int32_t)(i * sizeof(struct insn)));
}

static unsigned new_label(struct asm_state *a, enum stub_kind kind, unsigned insn)
{
    unsigned l = a->nlabels < MAX_LABELS ? a->nlabels++ : MAX_LABELS - 1;
    if (l == MAX_LABELS - 1)
        a->overflow = true;
    a->label[l] = -1;
    a->stub[l].kind = kind;
    a->stub[l].insn = insn;
    return l;
}

static void place(struct asm_state *a, unsigned l) { a->label[l] = a->p - a->start; }

static void rel32_to(struct asm_state *a, unsigned l)
{
    if (a->nfixups < MAX_FIXUPS) {
        a->fixup[a->nfixups].at = a->p - a->start;
        a->fixup[a->nfixups++].label = l;
    } else {
        a->overflow = true;
    }
    b4(a, 0);
}

static void jcc(struct asm_state *a, unsigned cc, unsigned l)
{
    b1(a, 0x0f);
    b1(a, 0x80 | cc);
    rel32_to(a, l);
}

static void jmp(struct asm_state *a, unsigned l)
{
    b1(a, 0xe9);
    rel32_to(a, l);
}

/* call/jmp to a host function (clobbers rax when out of rel32 reach). */
static void far_transfer(struct asm_state *a, const void *fn, bool call)
{
    int64_t rel = (int64_t)((intptr_t)fn - (intptr_t)(a->p + 5));
    if (fits32(rel)) {
        b1(a, call ? 0xe8 : 0xe9);
        b4(a, (uint32_t)rel);
        return;
    }
    mov_imm64(a, RAX, (uint64_t)(uintptr_t)fn);
    b1(a, 0xff);
    b1(a, call ? 0xd0 : 0xe0);
}

static void epilogue_pops(struct asm_state *a)
{
    b1(a, 0x5d); /* pop rbp */
    b1(a, 0x41);
    b1(a, 0x5c); /* pop r12 */
    b1(a, 0x5b); /* pop rbx */
}

/* ---- Translation ---- */

/* Labels of the two exits every block has (after the n + 1 instruction labels). */
struct exits {
    unsigned common; /* eax = status, rsi = instruction: jump -> chain; else record and return */
    unsigned chain;  /* rsi = instruction, h->pc = target: jit_chain */
    unsigned linked; /* return EXEC_LINKED */
    unsigned tail;   /* the chain tail (emit_chain_tail) */
};

/* Calls exec_<row>(h, in_i); a status other than EXEC_NEXT leaves the block. */
static void emit_call_exec(struct asm_state *a, const struct exits *x, unsigned i, insn_fn fn)
{
    op_mem(a, true, 0x89, RBP, RBX, HOFF(instret)); /* the count in rbp to h->instret (see the prologue) */
    op_reg(a, true, 0x89, RBX, RDI);                /* mov rdi, rbx */
    lea_insn(a, i);
    far_transfer(a, (const void *)fn, true);
    op_mem(a, true, 0x8b, RBP, RBX, HOFF(instret));
    lea_insn(a, i);
    op_reg(a, false, 0x85, RAX, RAX); /* test eax, eax */
    jcc(a, CC_NE, x->common);
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
        alu_imm(a, true, ALU_ADD, RAX, in->imm);
    op_reg(a, false, 0x89, RAX, RDX); /* mov edx, eax */
    shift_imm(a, false, SH_SHR, RDX, PAGE_SHIFT - 4);
    alu_imm(a, false, ALU_AND, RDX, (int32_t)((TLB_ENTRIES - 1) << 4));
    op_mem(a, true, 0x03, RDX, RBX, tlb_off); /* add rdx, [h->mmu.tlb_x] */
    op_reg(a, true, 0x89, RAX, RCX);          /* mov rcx, rax */
    alu_imm(a, true, ALU_AND, RCX, (int32_t) ~(uint32_t)(PAGE_SIZE - size));
    op_mem(a, true, 0x3b, RCX, RDX, 0); /* cmp rcx, [rdx] (tag) */
    jcc(a, CC_NE, miss);
    op_mem(a, true, 0x03, RAX, RDX, 8); /* add rax, [rdx + 8] (addend) */
}

static bool emit_load(struct asm_state *a, const struct insn *in, unsigned i)
{
    unsigned op, size;
    bool w;
    switch (in->id) {
    /* clang-format off */
    case INSN_lb: op = 0x0fbe; w = true; size = 1; break;
    case INSN_lbu: op = 0x0fb6; w = false; size = 1; break;
    case INSN_lh: op = 0x0fbf; w = true; size = 2; break;
    case INSN_lhu: op = 0x0fb7; w = false; size = 2; break;
    case INSN_lw: op = 0x63; w = true; size = 4; break;
    case INSN_lwu: op = 0x8b; w = false; size = 4; break;
    case INSN_ld: op = 0x8b; w = true; size = 8; break;
    /* clang-format on */
    default: return false;
    }
    unsigned miss = new_label(a, STUB_SLOW, i);
    emit_tlb(a, in, size, HOFF(mmu.tlb_load), miss);
    op_mem(a, w, op, RCX, RAX, 0);
    store_x(a, RCX, in->rd);
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
    load_x(a, RCX, in->rs2);
    if (size == 2)
        b1(a, 0x66);
    op_mem(a, size == 8, size == 1 ? 0x88 : 0x89, RCX, RAX, 0);
    return true;
}

/* FP register r of the hart in rbx. */
static int32_t foff(unsigned r) { return HOFF(f) + (int32_t)(8 * r); }

/* Jumps to `slow` unless mstatus.FS is Dirty (writes need nothing more) or,
 * for `any`, not Off (enough for a store). */
static void emit_fs_check(struct asm_state *a, bool any, unsigned slow)
{
    a->rax = RAX_NONE;
    op_mem(a, true, 0x8b, RAX, RBX, HOFF(mstatus));
    alu_imm(a, false, ALU_AND, RAX, (int32_t)MSTATUS_FS);
    if (!any)
        alu_imm(a, false, ALU_CMP, RAX, (int32_t)MSTATUS_FS);
    jcc(a, any ? CC_E : CC_NE, slow);
}

/* Jumps to `slow` unless the 64-bit pattern in rax is a normal double (or,
 * with zero_ok, a zero). Clobbers rax and rcx. */
static void emit_normal_check(struct asm_state *a, bool zero_ok, unsigned slow)
{
    op_reg(a, true, 0x01, RAX, RAX); /* add rax, rax: the sign out */
    uint8_t *skip = a->p;
    if (zero_ok) {
        b1(a, 0x74); /* jz over the test (rel8, patched below) */
        b1(a, 0);
    }
    shift_imm(a, true, SH_SHR, RAX, 53); /* the exponent */
    alu_imm(a, false, ALU_SUB, RAX, 1);
    alu_imm(a, false, ALU_CMP, RAX, 0x7fd); /* exp - 1 < 0x7fe: normal */
    jcc(a, 0x7 /* above */, slow);
    if (zero_ok && !a->overflow)
        skip[1] = (uint8_t)(a->p - (skip + 2));
}

/* Jumps to `slow` unless FS is Dirty, fflags.NX is already set and the
 * instruction rounds to nearest even (static, or dynamic with frm RNE). */
static void emit_rne_check(struct asm_state *a, const struct insn *in, unsigned slow)
{
    emit_fs_check(a, false, slow);
    op_mem(a, false, 0xf6, 0, RBX, HOFF(fflags)); /* test byte [fflags], NX */
    b1(a, FFLAG_NX);
    jcc(a, CC_E, slow);
    if (in->rm == FRM_DYN) {
        op_mem(a, false, 0x80, ALU_CMP, RBX, HOFF(frm));
        b1(a, FRM_RNE);
        jcc(a, CC_NE, slow);
    }
}

/* Jumps to `slow` when the double in f[r] is a NaN. Clobbers rax, rcx. */
static void emit_nan_check(struct asm_state *a, unsigned r, unsigned slow)
{
    op_mem(a, true, 0x8b, RAX, RBX, foff(r));
    op_reg(a, true, 0x01, RAX, RAX);          /* add rax, rax: |v| << 1 */
    mov_imm64(a, RCX, 0xffe0000000000000ull); /* inf << 1 */
    op_reg(a, true, 0x39, RCX, RAX);          /* cmp rax, rcx */
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
        op_mem(a, true, 0x8b, RAX, RBX, foff(in->rs1));
        op_mem(a, true, 0x8b, RCX, RBX, foff(in->rs2));
        if (in->id == INSN_fsgnjn_d)
            op_reg(a, true, 0xf7, 2, RCX); /* not rcx */
        else if (in->id == INSN_fsgnjx_d)
            op_reg(a, true, 0x31, RAX, RCX); /* xor rcx, rax */
        shift_imm(a, true, SH_SHR, RCX, 63);
        shift_imm(a, true, SH_SHL, RCX, 63); /* rcx = the new sign */
        op_reg(a, true, 0x01, RAX, RAX);
        shift_imm(a, true, SH_SHR, RAX, 1); /* rax = |rs1| */
        op_reg(a, true, 0x09, RCX, RAX);    /* or rax, rcx */
        op_mem(a, true, 0x89, RAX, RBX, foff(in->rd));
        return true;
    }
    case INSN_fmv_x_d: {
        unsigned slow = new_label(a, STUB_SLOW, i);
        emit_fs_check(a, true, slow);
        op_mem(a, true, 0x8b, RAX, RBX, foff(in->rs1));
        store_x(a, RAX, in->rd);
        return true;
    }
    case INSN_fmv_d_x: {
        unsigned slow = new_label(a, STUB_SLOW, i);
        emit_fs_check(a, false, slow);
        load_x(a, RAX, in->rs1);
        op_mem(a, true, 0x89, RAX, RBX, foff(in->rd));
        return true;
    }
    case INSN_feq_d:
    case INSN_flt_d:
    case INSN_fle_d: {
        unsigned slow = new_label(a, STUB_SLOW, i);
        emit_fs_check(a, true, slow);
        emit_nan_check(a, in->rs1, slow);
        emit_nan_check(a, in->rs2, slow);
        op_reg(a, false, 0x31, RCX, RCX); /* xor ecx, ecx */
        b1(a, 0xf3);
        op_mem(a, false, 0x0f7e, 0, RBX, foff(in->rs1)); /* movq xmm0, [f rs1] */
        b1(a, 0x66);
        op_mem(a, false, 0x0f2e, 0, RBX, foff(in->rs2));                               /* ucomisd xmm0, [f rs2] */
        setcc_cl(a, in->id == INSN_feq_d ? 0x94 : in->id == INSN_flt_d ? 0x92 : 0x96); /* sete/setb/setbe */
        store_x(a, RCX, in->rd);
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
        b1(a, 0xf2);
        op_mem(a, in->id == INSN_fcvt_d_l, 0x0f2a, 0, RBX, xoff(in->rs1)); /* cvtsi2sd xmm0, [x rs1] */
        b1(a, 0x66);
        op_mem(a, false, 0x0fd6, 0, RBX, foff(in->rd)); /* movq [f rd], xmm0 */
        return true;
    }
    case INSN_fcvt_w_d:
    case INSN_fcvt_l_d: {
        if (in->rm != FRM_RTZ)
            return false;
        unsigned slow = new_label(a, STUB_SLOW, i);
        emit_fs_check(a, false, slow);                /* raising NX again dirties FS (fpu.c): Dirty already */
        op_mem(a, false, 0xf6, 0, RBX, HOFF(fflags)); /* inexact results set NX: only when set already */
        b1(a, FFLAG_NX);
        jcc(a, CC_E, slow);
        bool w = in->id == INSN_fcvt_l_d;
        b1(a, 0xf2);
        op_mem(a, w, 0x0f2c, RAX, RBX, foff(in->rs1)); /* cvttsd2si rax/eax, [f rs1] */
        if (w) {
            mov_imm64(a, RCX, 0x8000000000000000ull);
            op_reg(a, true, 0x39, RCX, RAX); /* cmp rax, rcx */
        } else {
            alu_imm(a, false, ALU_CMP, RAX, INT32_MIN);
        }
        jcc(a, CC_E, slow); /* out of range, NaN, or exactly the minimum: exec_ decides */
        if (!w)
            movsxd(a, RAX, RAX);
        store_x(a, RAX, in->rd);
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
    unsigned sse = 0;
    switch (in->id) {
    case INSN_fld:
    case INSN_flw: {
        unsigned slow = new_label(a, STUB_SLOW, i), size = in->id == INSN_fld ? 8 : 4;
        emit_fs_check(a, false, slow);
        emit_tlb(a, in, size, HOFF(mmu.tlb_load), slow);
        if (size == 8) {
            op_mem(a, true, 0x8b, RCX, RAX, 0);
        } else {
            op_mem(a, false, 0x8b, RCX, RAX, 0);      /* mov ecx, [rax] */
            mov_imm64(a, RAX, 0xffffffff00000000ull); /* the NaN box */
            op_reg(a, true, 0x09, RAX, RCX);          /* or rcx, rax */
        }
        op_mem(a, true, 0x89, RCX, RBX, foff(in->rd));
        return true;
    }
    case INSN_fsd:
    case INSN_fsw: {
        unsigned slow = new_label(a, STUB_SLOW, i), size = in->id == INSN_fsd ? 8 : 4;
        emit_fs_check(a, true, slow);
        emit_tlb(a, in, size, HOFF(mmu.tlb_store), slow);
        op_mem(a, true, 0x8b, RCX, RBX, foff(in->rs2));
        op_mem(a, size == 8, 0x89, RCX, RAX, 0);
        return true;
    }
    case INSN_fadd_d: sse = 0x0f58; break;
    case INSN_fsub_d: sse = 0x0f5c; break;
    case INSN_fmul_d: sse = 0x0f59; break;
    case INSN_fdiv_d: sse = 0x0f5e; break;
    case INSN_fsqrt_d: sse = 0x0f51; break;
    case INSN_fmadd_d: sse = 0xb9; break;  /* vfmadd231sd */
    case INSN_fmsub_d: sse = 0xbb; break;  /* vfmsub231sd */
    case INSN_fnmsub_d: sse = 0xbd; break; /* vfnmadd231sd: -(a*b) + c */
    case INSN_fnmadd_d: sse = 0xbf; break; /* vfnmsub231sd: -(a*b) - c */
    default: return emit_fp_other(a, in, i);
    }
    bool fused = sse < 0x100;
    if ((in->rm != FRM_RNE && in->rm != FRM_DYN) || (fused && !a->fma))
        return false;
    unsigned slow = new_label(a, STUB_SLOW, i);
    emit_rne_check(a, in, slow);
    op_mem(a, true, 0x8b, RAX, RBX, foff(in->rs1));
    if (in->id == INSN_fsqrt_d) { /* a positive normal radicand */
        op_reg(a, true, 0x85, RAX, RAX);
        jcc(a, 0x8 /* sign */, slow);
        emit_normal_check(a, false, slow);
        b1(a, 0xf2);
        op_mem(a, false, sse, 0, RBX, foff(in->rs1)); /* sqrtsd xmm0, [f rs1] */
        goto result;
    }
    emit_normal_check(a, true, slow);
    op_mem(a, true, 0x8b, RAX, RBX, foff(in->rs2));
    emit_normal_check(a, in->id != INSN_fdiv_d, slow); /* x / 0 raises DZ */
    if (fused) {
        op_mem(a, true, 0x8b, RAX, RBX, foff(in->rs3));
        emit_normal_check(a, true, slow);
        b1(a, 0xf3);
        op_mem(a, false, 0x0f7e, 0, RBX, foff(in->rs3)); /* movq xmm0, [f rs3] */
        b1(a, 0xf3);
        op_mem(a, false, 0x0f7e, 1, RBX, foff(in->rs1)); /* movq xmm1, [f rs1] */
        b1(a, 0xc4);                                     /* VEX.LIG.66.0F38.W1, vvvv = xmm1 */
        b1(a, 0xe2);
        b1(a, 0xf1);
        op_mem(a, false, sse, 0, RBX, foff(in->rs2)); /* xmm0 = +-(xmm1 * [f rs2]) +- xmm0 */
    } else {
        b1(a, 0xf3);
        op_mem(a, false, 0x0f7e, 0, RBX, foff(in->rs1)); /* movq xmm0, [f rs1] */
        b1(a, 0xf2);
        op_mem(a, false, sse, 0, RBX, foff(in->rs2)); /* op xmm0, [f rs2] */
    }
result:
    b1(a, 0x66);
    op_reg(a, true, 0x0f7e, 0, RDX); /* movq rdx, xmm0 */
    op_reg(a, true, 0x89, RDX, RAX); /* mov rax, rdx */
    emit_normal_check(a, false, slow);
    op_mem(a, true, 0x89, RDX, RBX, foff(in->rd));
    return true;
}

/* The end of an integer ALU row: rd = rax (sign-extended from 32 bits for
 * W forms), which rax then holds. */
static void finish_rax(struct asm_state *a, bool w32, unsigned rd)
{
    if (w32)
        movsxd(a, RAX, RAX);
    store_x(a, RAX, rd);
    a->rax_next = rd;
}

/* The end of slt/sltu/slti/sltiu after their compare of rax (= rs1):
 * rd = the condition, from a zeroed ecx. */
static void finish_setcc(struct asm_state *a, unsigned cc, const struct insn *in)
{
    setcc_cl(a, cc);
    store_x(a, RCX, in->rd);
    a->rax_next = in->rd == in->rs1 ? RAX_NONE : in->rs1;
}

/* rd = rs1 op rs2 for the register-register rows done inline. */
static bool emit_op(struct asm_state *a, const struct insn *in)
{
    unsigned op = 0, sh = 0, cc = 0;
    bool w32 = false, mul = false;
    switch (in->id) {
    case INSN_add: op = 0x03; break;
    case INSN_sub: op = 0x2b; break;
    case INSN_and: op = 0x23; break;
    case INSN_or: op = 0x0b; break;
    case INSN_xor: op = 0x33; break;
    /* clang-format off */
    case INSN_addw: op = 0x03; w32 = true; break;
    case INSN_subw: op = 0x2b; w32 = true; break;
    /* clang-format on */
    case INSN_mul: mul = true; break;
    case INSN_mulw:
        mul = true;
        w32 = true;
        break;
    case INSN_sll: sh = SH_SHL; break;
    case INSN_srl: sh = SH_SHR; break;
    case INSN_sra: sh = SH_SAR; break;
    /* clang-format off */
    case INSN_sllw: sh = SH_SHL; w32 = true; break;
    case INSN_srlw: sh = SH_SHR; w32 = true; break;
    case INSN_sraw: sh = SH_SAR; w32 = true; break;
    /* clang-format on */
    case INSN_slt: cc = 0x9c; break;  /* setl */
    case INSN_sltu: cc = 0x92; break; /* setb */
    default: return false;
    }
    if (cc) {
        op_reg(a, false, 0x31, RCX, RCX); /* xor ecx, ecx */
        load_rax(a, in->rs1, false);
        op_mem(a, true, 0x3b, RAX, RBX, xoff(in->rs2));
        finish_setcc(a, cc, in);
        return true;
    }
    if (sh) {
        load_x(a, RCX, in->rs2);
        load_rax(a, in->rs1, w32);
        op_reg(a, !w32, 0xd3, sh, RAX); /* shift rax/eax by cl (masked as RISC-V masks) */
    } else {
        load_rax(a, in->rs1, w32);
        op_mem(a, !w32, mul ? 0x0faf : op, RAX, RBX, xoff(in->rs2));
    }
    finish_rax(a, w32, in->rd);
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
        load_x(a, RAX, in->rs1);
        op_mem(a, true, 0xf7, in->id == INSN_mulh ? 5 : 4, RBX, xoff(in->rs2)); /* imul/mul qword [rs2] */
        store_x(a, RDX, in->rd);
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
    op_mem(a, !w32, 0x8b, RCX, RBX, xoff(in->rs2));
    op_reg(a, !w32, 0x85, RCX, RCX); /* test rcx, rcx */
    jcc(a, CC_E, slow);
    if (sign) {
        alu_imm(a, !w32, ALU_CMP, RCX, -1);
        jcc(a, CC_E, slow);
    }
    op_mem(a, !w32, 0x8b, RAX, RBX, xoff(in->rs1));
    if (sign) {
        if (!w32)
            b1(a, 0x48);
        b1(a, 0x99); /* cqo / cdq */
    } else {
        op_reg(a, false, 0x31, RDX, RDX); /* xor edx, edx */
    }
    op_reg(a, !w32, 0xf7, sign ? 7 : 6, RCX); /* idiv/div rcx */
    unsigned res = rem ? RDX : RAX;
    if (w32)
        movsxd(a, res, res);
    store_x(a, res, in->rd);
    return true;
}

/* rd = rs1 op imm for the immediate rows done inline, and lui/auipc. */
static bool emit_op_imm(struct asm_state *a, const struct insn *in)
{
    unsigned alu = 0, sh = 0, cc = 0;
    bool w32 = false;
    switch (in->id) {
    case INSN_lui:
        op_mem(a, true, 0xc7, 0, RBX, xoff(in->rd)); /* mov qword [rd], simm32 */
        b4(a, (uint32_t)in->imm);
        a->rax_next = a->rax == in->rd ? RAX_NONE : a->rax;
        return true;
    case INSN_auipc: {
        int64_t delta = (int64_t)in->off + in->imm;
        op_mem(a, true, 0x8b, RAX, RBX, HOFF(pc));
        if (fits32(delta)) {
            alu_imm(a, true, ALU_ADD, RAX, (int32_t)delta);
        } else {
            alu_imm(a, true, ALU_ADD, RAX, in->imm);
            alu_imm(a, true, ALU_ADD, RAX, in->off);
        }
        store_x(a, RAX, in->rd);
        a->rax_next = in->rd;
        return true;
    }
    case INSN_addiw:
        if (in->imm == 0) { /* sext.w */
            if (a->rax == in->rs1)
                movsxd(a, RAX, RAX);
            else
                op_mem(a, true, 0x63, RAX, RBX, xoff(in->rs1));
            store_x(a, RAX, in->rd);
            a->rax_next = in->rd;
            return true;
        }
        alu = ALU_ADD;
        w32 = true;
        break;
    case INSN_addi: alu = ALU_ADD; break;
    case INSN_andi: alu = ALU_AND; break;
    case INSN_ori: alu = ALU_OR; break;
    case INSN_xori: alu = ALU_XOR; break;
    case INSN_slli: sh = SH_SHL; break;
    case INSN_srli: sh = SH_SHR; break;
    case INSN_srai: sh = SH_SAR; break;
    /* clang-format off */
    case INSN_slliw: sh = SH_SHL; w32 = true; break;
    case INSN_srliw: sh = SH_SHR; w32 = true; break;
    case INSN_sraiw: sh = SH_SAR; w32 = true; break;
    /* clang-format on */
    case INSN_slti: cc = 0x9c; break;
    case INSN_sltiu: cc = 0x92; break;
    default: return false;
    }
    if (cc) {
        op_reg(a, false, 0x31, RCX, RCX);
        load_rax(a, in->rs1, false);
        alu_imm(a, true, ALU_CMP, RAX, in->imm);
        finish_setcc(a, cc, in);
        return true;
    }
    load_rax(a, in->rs1, w32);
    if (sh && in->imm)
        shift_imm(a, !w32, sh, RAX, (unsigned)in->imm);
    else if (!sh && (in->imm || alu == ALU_AND))
        alu_imm(a, !w32, alu, RAX, in->imm);
    finish_rax(a, w32, in->rd);
    return true;
}

static bool emit_branch(struct asm_state *a, const struct insn *in, unsigned i)
{
    unsigned cc;
    switch (in->id) {
    case INSN_beq: cc = CC_E; break;
    case INSN_bne: cc = CC_NE; break;
    case INSN_blt: cc = CC_L; break;
    case INSN_bge: cc = CC_GE; break;
    case INSN_bltu: cc = CC_B; break;
    case INSN_bgeu: cc = CC_AE; break;
    default: return false;
    }
    load_rax(a, in->rs1, false);
    op_mem(a, true, 0x3b, RAX, RBX, xoff(in->rs2));
    jcc(a, cc, new_label(a, STUB_TAKEN, i));
    a->rax_next = in->rs1; /* not taken: rax is as it was */
    return true;
}

/* Leaves the block for the pc in rax (already in h->pc), `retired`
 * instructions counted, through the block's chain tail. */
static void emit_chain_to(struct asm_state *a, const struct exits *x, unsigned retired)
{
    b1(a, 0xb9);
    b4(a, retired); /* mov ecx, retired */
    jmp(a, x->tail);
}

/*
 * The block's chain tail (rax = the next pc, in h->pc; rcx = instructions to
 * count): the jump cache lookup of chain_enter (dispatch.h), written out in
 * every block so that each block has its own indirect jump for the host to
 * predict. A miss returns EXEC_LINKED (pc and instret are done).
 */
static void emit_chain_tail(struct asm_state *a, const struct exits *x)
{
    _Static_assert(sizeof(struct jcache_entry) == 24, "the index below assumes 24-byte entries");
    place(a, x->tail);
    op_reg(a, true, 0x01, RBP, RCX); /* add rcx, rbp */
    op_mem(a, true, 0x89, RCX, RBX, HOFF(instret));
    op_reg(a, false, 0x89, RAX, RDX); /* mov edx, eax */
    shift_imm(a, false, SH_SHR, RDX, 1);
    alu_imm(a, false, ALU_AND, RDX, JCACHE_ENTRIES - 1);
    op_reg(a, false, 0x6b, RDX, RDX); /* imul edx, edx, 24 */
    b1(a, sizeof(struct jcache_entry));
    op_reg(a, true, 0x01, RBX, RDX); /* add rdx, rbx: &h->jcache[i] - jcache offset */
    op_mem(a, true, 0x3b, RAX, RDX, HOFF(jcache) + (int32_t)offsetof(struct jcache_entry, vpc));
    jcc(a, CC_NE, x->linked);
    op_mem(a, false, 0x0fb6, RAX, RBX, HOFF(priv)); /* movzx eax, byte [priv] */
    op_mem(a, true, 0x0b, RAX, RBX, HOFF(jc_gen));  /* or rax, [jc_gen]: jcache_key */
    op_mem(a, true, 0x3b, RAX, RDX, HOFF(jcache) + (int32_t)offsetof(struct jcache_entry, gen));
    jcc(a, CC_NE, x->linked);
    op_mem(a, true, 0x3b, RCX, RBX, HOFF(chain_end));
    jcc(a, CC_AE, x->linked);
    op_mem(a, true, 0x8b, RSI, RDX, HOFF(jcache) + (int32_t)offsetof(struct jcache_entry, b));
    op_reg(a, true, 0x89, RBX, RDI);
    op_mem(a, true, 0x8b, RAX, RSI, (int32_t)offsetof(struct block, entry));
    alu_imm(a, true, ALU_ADD, RSI, (int32_t)offsetof(struct block, insns));
    epilogue_pops(a);
    b1(a, 0xff);
    b1(a, 0xe0); /* jmp rax */
}

/* h->pc += delta (the block's start pc stays in h->pc until a jump); rax =
 * the new pc. */
static void emit_pc_to(struct asm_state *a, int64_t delta)
{
    op_mem(a, true, 0x8b, RAX, RBX, HOFF(pc));
    alu_imm(a, true, ALU_ADD, RAX, (int32_t)delta);
    op_mem(a, true, 0x89, RAX, RBX, HOFF(pc));
}

static bool emit_jump(struct asm_state *a, const struct exits *x, const struct insn *in, unsigned i)
{
    if (in->id == INSN_jal && in->fn == thr_jal_followed) { /* only the link (cache.c) */
        op_mem(a, true, 0x8b, RAX, RBX, HOFF(pc));
        alu_imm(a, true, ALU_ADD, RAX, in->off + in->len);
        store_x(a, RAX, in->rd);
        a->rax_next = in->rd;
        return true;
    }
    if (in->id == INSN_jal) {
        op_mem(a, true, 0x8b, RAX, RBX, HOFF(pc));
        op_mem(a, true, 0x8d, RCX, RAX, in->off + in->len); /* lea rcx, [rax + off + len] */
        store_x(a, RCX, in->rd);
        alu_imm(a, true, ALU_ADD, RAX, in->off + in->imm);
    } else if (in->id == INSN_jalr) {
        load_x(a, RAX, in->rs1); /* the target first: rd may be rs1 */
        if (in->imm)
            alu_imm(a, true, ALU_ADD, RAX, in->imm);
        alu_imm(a, true, ALU_AND, RAX, -2);
        op_mem(a, true, 0x8b, RCX, RBX, HOFF(pc));
        alu_imm(a, true, ALU_ADD, RCX, in->off + in->len);
        store_x(a, RCX, in->rd);
    } else {
        return false;
    }
    op_mem(a, true, 0x89, RAX, RBX, HOFF(pc));
    emit_chain_to(a, x, in->idx + 1u);
    return true;
}

/* A taken branch: within the block when the decoder found its target there
 * (as branch_taken in dispatch.h), else a chained jump. */
static void emit_taken(struct asm_state *a, const struct exits *x, const struct insn *in, unsigned i)
{
    if (in->tidx != TIDX_NONE) {
        unsigned out = new_label(a, STUB_NONE, i);
        op_mem(a, true, 0x8d, RAX, RBP, (int32_t)in->idx + 1 - (int32_t)in->tret); /* lea rax, [rbp + n] */
        op_mem(a, true, 0x3b, RAX, RBX, HOFF(chain_end));
        jcc(a, CC_AE, out);
        op_mem(a, false, 0x80, ALU_CMP, R12,
               (int32_t)offsetof(struct block, valid) - (int32_t)offsetof(struct block, insns));
        b1(a, 0); /* cmp byte [block.valid], 0 */
        jcc(a, CC_E, out);
        op_reg(a, true, 0x89, RAX, RBP); /* mov rbp, rax */
        jmp(a, in->tidx);                /* instruction labels are their indexes */
        place(a, out);
    }
    emit_pc_to(a, (int64_t)in->off + in->imm);
    emit_chain_to(a, x, in->idx + 1u);
}

static void emit_slow(struct asm_state *a, const struct exits *x, const struct insn *in, unsigned i)
{
    emit_call_exec(a, x, i, exec_of(in));
    jmp(a, i + 1);
}

bool jit_translate(struct jit *j, struct block *b)
{
    struct asm_state *a = &j->as;
    if (j->used + JIT_MAX_BLOCK_BYTES > JIT_BYTES)
        return false;
    a->start = a->p = j->code + j->used;
    a->end = j->code + JIT_BYTES;
    a->overflow = false;
    a->fma = j->fma;
    a->nfixups = 0;
    a->nlabels = 0;
    unsigned n = b->n;
    for (unsigned i = 0; i <= n; i++)
        new_label(a, STUB_NONE, i);
    struct exits x = { new_label(a, STUB_NONE, n), new_label(a, STUB_NONE, n), new_label(a, STUB_NONE, n),
                       new_label(a, STUB_NONE, n) };

    b1(a, 0x53); /* push rbx */
    b1(a, 0x41);
    b1(a, 0x54);                     /* push r12 */
    b1(a, 0x55);                     /* push rbp (and rsp is 16-aligned for calls) */
    op_reg(a, true, 0x89, RDI, RBX); /* mov rbx, rdi (h) */
    op_reg(a, true, 0x89, RSI, R12); /* mov r12, rsi (b->insns) */
    /* rbp holds h->instret while the block runs, so that an in-block loop
     * carries its count in a register rather than through memory; it is
     * stored before every call and every exit, and reloaded after calls. */
    op_mem(a, true, 0x8b, RBP, RBX, HOFF(instret));

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
            !emit_branch(a, in, i) && !emit_jump(a, &x, in, i) && !emit_fp(a, in, i) && !emit_muldiv(a, in, i))
            emit_call_exec(a, &x, i, exec_of(in));
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
    emit_chain_to(a, &x, b->insns[n].idx);

    place(a, x.common);
    alu_imm(a, false, ALU_CMP, RAX, EXEC_JUMP);
    jcc(a, CC_E, x.chain);
    op_mem(a, true, 0x89, RSI, RBX, HOFF(stop_insn));
    epilogue_pops(a);
    b1(a, 0xc3); /* ret */
    place(a, x.chain);
    op_reg(a, true, 0x89, RBX, RDI);
    epilogue_pops(a);
    far_transfer(a, (const void *)jit_chain, false);
    emit_chain_tail(a, &x);
    place(a, x.linked);
    b1(a, 0xb8);
    b4(a, EXEC_LINKED); /* mov eax, EXEC_LINKED */
    epilogue_pops(a);
    b1(a, 0xc3);

    /* Out-of-line code, in the order the body asked for it (it may add more). */
    for (unsigned l = n + 5; l < a->nlabels && !a->overflow; l++) {
        if (a->stub[l].kind == STUB_NONE)
            continue;
        place(a, l);
        const struct insn *in = &b->insns[a->stub[l].insn];
        if (a->stub[l].kind == STUB_SLOW)
            emit_slow(a, &x, in, a->stub[l].insn);
        else
            emit_taken(a, &x, in, a->stub[l].insn);
    }
    if (a->overflow)
        return false;
    for (unsigned f = 0; f < a->nfixups; f++) {
        ptrdiff_t target = a->label[a->fixup[f].label];
        if (target < 0)
            return false; /* a label never placed: a translator bug, so interpret */
        uint32_t rel = (uint32_t)(int32_t)(target - (a->fixup[f].at + 4));
        for (unsigned k = 0; k < 4; k++)
            a->start[a->fixup[f].at + k] = (uint8_t)(rel >> (8 * k));
    }
    j->used += (size_t)(a->p - a->start + 15) & ~(size_t)15;
    j->written += (unsigned long long)(a->p - a->start);
    __atomic_store_n(&b->entry, (insn_fn)(void *)a->start, __ATOMIC_RELEASE); /* other harts may be reading it */
    return true;
}

struct jit *jit_create(void)
{
    struct jit *j = calloc(1, sizeof(*j));
    if (!j)
        return NULL;
    void *code = mmap(NULL, JIT_BYTES, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
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

#else /* no translator for this host */

struct jit *jit_create(void) { return NULL; }
void jit_destroy(struct jit *j) { (void)j; }
/* clang-format off */
bool jit_translate(struct jit *j, struct block *b) { (void)j; (void)b; return false; }
size_t jit_room(const struct jit *j) { (void)j; return 0; }
unsigned long long jit_bytes_written(const struct jit *j) { (void)j; return 0; }
/* clang-format on */
void jit_reset(struct jit *j) { (void)j; }

#endif
