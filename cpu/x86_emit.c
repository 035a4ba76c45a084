/* The x86-64 encoder: see x86_emit.h for the conventions. Encodings from
 * the Intel SDM volume 2 (REX, ModRM/SIB, VEX in chapter 2). */
#include "cpu/x86_emit.h"

enum { PFX_NONE = 0, PFX_66 = 0x66, PFX_F2 = 0xf2, PFX_F3 = 0xf3 };

void x86_u8(struct x86_buf *b, unsigned v)
{
    if (b->p < b->end)
        *b->p++ = (uint8_t)v;
    else
        b->overflow = true;
}

void x86_u32(struct x86_buf *b, uint32_t v)
{
    for (unsigned i = 0; i < 4; i++)
        x86_u8(b, (v >> (8 * i)) & 0xff);
}

static void u64(struct x86_buf *b, uint64_t v)
{
    x86_u32(b, (uint32_t)v);
    x86_u32(b, (uint32_t)(v >> 32));
}

static bool fits8(int64_t v) { return v >= -128 && v <= 127; }

/* REX for operand size w, ModRM.reg `reg` and ModRM.rm/base `rm`, when any
 * bit is needed (or `force`: byte access to spl/bpl/sil/dil). */
static void rex(struct x86_buf *b, bool w, unsigned reg, unsigned rm, bool force)
{
    unsigned v = 0x40 | (w ? 8u : 0u) | ((reg >> 3) & 1) << 2 | ((rm >> 3) & 1);
    if (v != 0x40 || force)
        x86_u8(b, v);
}

/* One or two opcode bytes (0x0Fxx). */
static void opcode(struct x86_buf *b, unsigned op)
{
    if (op > 0xff)
        x86_u8(b, op >> 8);
    x86_u8(b, op & 0xff);
}

/* ModRM (and SIB, displacement) for [base + disp]. */
static void modrm_mem(struct x86_buf *b, unsigned reg, enum x86_gpr base, int32_t disp)
{
    unsigned mod = (disp == 0 && (base & 7) != X86_RBP) ? 0 : fits8(disp) ? 1 : 2;
    x86_u8(b, mod << 6 | (reg & 7) << 3 | (base & 7));
    if ((base & 7) == X86_RSP)
        x86_u8(b, 0x24); /* SIB: base only, no index */
    if (mod == 1)
        x86_u8(b, (uint8_t)disp);
    else if (mod == 2)
        x86_u32(b, (uint32_t)disp);
}

/* [prefix] [REX] op /reg [base + disp]. */
static void op_mem(struct x86_buf *b, unsigned pfx, bool w, unsigned op, unsigned reg, enum x86_gpr base, int32_t disp)
{
    if (pfx)
        x86_u8(b, pfx);
    rex(b, w, reg, base, false);
    opcode(b, op);
    modrm_mem(b, reg, base, disp);
}

/* [prefix] [REX] op /reg rm (register operands). */
static void op_reg(struct x86_buf *b, unsigned pfx, bool w, unsigned op, unsigned reg, unsigned rm)
{
    if (pfx)
        x86_u8(b, pfx);
    rex(b, w, reg, rm, false);
    opcode(b, op);
    x86_u8(b, 0xc0 | (reg & 7) << 3 | (rm & 7));
}

/* ---- moves ---- */

void x86_mov_rr(struct x86_buf *b, bool w64, enum x86_gpr dst, enum x86_gpr src)
{
    op_reg(b, PFX_NONE, w64, 0x89, src, dst);
}

void x86_mov_rm(struct x86_buf *b, bool w64, enum x86_gpr dst, enum x86_gpr base, int32_t disp)
{
    op_mem(b, PFX_NONE, w64, 0x8b, dst, base, disp);
}

void x86_mov_mr(struct x86_buf *b, unsigned size, enum x86_gpr base, int32_t disp, enum x86_gpr src)
{
    if (size == 2)
        x86_u8(b, 0x66);
    rex(b, size == 8, src, base, size == 1 && src >= X86_RSP && src <= X86_RDI);
    opcode(b, size == 1 ? 0x88 : 0x89);
    modrm_mem(b, src, base, disp);
}

void x86_mov_mi(struct x86_buf *b, enum x86_gpr base, int32_t disp, int32_t imm)
{
    op_mem(b, PFX_NONE, true, 0xc7, 0, base, disp);
    x86_u32(b, (uint32_t)imm);
}

void x86_mov_ri32(struct x86_buf *b, enum x86_gpr dst, uint32_t imm)
{
    rex(b, false, 0, dst, false);
    x86_u8(b, 0xb8 + (dst & 7));
    x86_u32(b, imm);
}

void x86_mov_ri64(struct x86_buf *b, enum x86_gpr dst, uint64_t imm)
{
    rex(b, true, 0, dst, false);
    x86_u8(b, 0xb8 + (dst & 7));
    u64(b, imm);
}

void x86_movzx_rm(struct x86_buf *b, unsigned size, enum x86_gpr dst, enum x86_gpr base, int32_t disp)
{
    op_mem(b, PFX_NONE, false, size == 1 ? 0x0fb6 : 0x0fb7, dst, base, disp);
}

void x86_movsx_rm(struct x86_buf *b, unsigned size, enum x86_gpr dst, enum x86_gpr base, int32_t disp)
{
    op_mem(b, PFX_NONE, true, size == 1 ? 0x0fbe : size == 2 ? 0x0fbf : 0x63, dst, base, disp);
}

void x86_movsxd_rr(struct x86_buf *b, enum x86_gpr dst, enum x86_gpr src) { op_reg(b, PFX_NONE, true, 0x63, dst, src); }

void x86_lea(struct x86_buf *b, enum x86_gpr dst, enum x86_gpr base, int32_t disp)
{
    op_mem(b, PFX_NONE, true, 0x8d, dst, base, disp);
}

/* ---- arithmetic ---- */

void x86_alu_rr(struct x86_buf *b, enum x86_alu op, bool w64, enum x86_gpr dst, enum x86_gpr src)
{
    op_reg(b, PFX_NONE, w64, (unsigned)op << 3 | 1, src, dst);
}

void x86_alu_rm(struct x86_buf *b, enum x86_alu op, bool w64, enum x86_gpr dst, enum x86_gpr base, int32_t disp)
{
    op_mem(b, PFX_NONE, w64, (unsigned)op << 3 | 3, dst, base, disp);
}

void x86_alu_ri(struct x86_buf *b, enum x86_alu op, bool w64, enum x86_gpr dst, int32_t imm)
{
    if (fits8(imm)) {
        op_reg(b, PFX_NONE, w64, 0x83, op, dst);
        x86_u8(b, (uint8_t)imm);
    } else {
        op_reg(b, PFX_NONE, w64, 0x81, op, dst);
        x86_u32(b, (uint32_t)imm);
    }
}

void x86_alu_m8i(struct x86_buf *b, enum x86_alu op, enum x86_gpr base, int32_t disp, uint8_t imm)
{
    op_mem(b, PFX_NONE, false, 0x80, op, base, disp);
    x86_u8(b, imm);
}

void x86_inc_m64(struct x86_buf *b, enum x86_gpr base, int32_t disp) { op_mem(b, PFX_NONE, true, 0xff, 0, base, disp); }

void x86_test_rr(struct x86_buf *b, bool w64, enum x86_gpr x, enum x86_gpr y) { op_reg(b, PFX_NONE, w64, 0x85, y, x); }

void x86_test_m8i(struct x86_buf *b, enum x86_gpr base, int32_t disp, uint8_t imm)
{
    op_mem(b, PFX_NONE, false, 0xf6, 0, base, disp);
    x86_u8(b, imm);
}

void x86_shift_ri(struct x86_buf *b, enum x86_shift op, bool w64, enum x86_gpr reg, unsigned n)
{
    op_reg(b, PFX_NONE, w64, 0xc1, op, reg);
    x86_u8(b, n);
}

void x86_shift_rcl(struct x86_buf *b, enum x86_shift op, bool w64, enum x86_gpr reg)
{
    op_reg(b, PFX_NONE, w64, 0xd3, op, reg);
}

void x86_not(struct x86_buf *b, bool w64, enum x86_gpr reg) { op_reg(b, PFX_NONE, w64, 0xf7, 2, reg); }

void x86_imul_rm(struct x86_buf *b, bool w64, enum x86_gpr dst, enum x86_gpr base, int32_t disp)
{
    op_mem(b, PFX_NONE, w64, 0x0faf, dst, base, disp);
}

void x86_imul_rri8(struct x86_buf *b, bool w64, enum x86_gpr dst, enum x86_gpr src, int8_t imm)
{
    op_reg(b, PFX_NONE, w64, 0x6b, dst, src);
    x86_u8(b, (uint8_t)imm);
}

void x86_mul_wide_m(struct x86_buf *b, bool sign, enum x86_gpr base, int32_t disp)
{
    op_mem(b, PFX_NONE, true, 0xf7, sign ? 5 : 4, base, disp);
}

void x86_div(struct x86_buf *b, bool sign, bool w64, enum x86_gpr divisor)
{
    op_reg(b, PFX_NONE, w64, 0xf7, sign ? 7 : 6, divisor);
}

void x86_cqo(struct x86_buf *b, bool w64)
{
    if (w64)
        x86_u8(b, 0x48);
    x86_u8(b, 0x99);
}

void x86_setcc(struct x86_buf *b, enum x86_cc cc, enum x86_gpr reg)
{
    x86_u8(b, 0x0f);
    x86_u8(b, 0x90 | cc);
    x86_u8(b, 0xc0 | (reg & 3));
}

/* ---- control ---- */

size_t x86_jcc32(struct x86_buf *b, enum x86_cc cc)
{
    x86_u8(b, 0x0f);
    x86_u8(b, 0x80 | cc);
    size_t at = x86_len(b);
    x86_u32(b, 0);
    return at;
}

size_t x86_jmp32(struct x86_buf *b)
{
    x86_u8(b, 0xe9);
    size_t at = x86_len(b);
    x86_u32(b, 0);
    return at;
}

size_t x86_jcc8(struct x86_buf *b, enum x86_cc cc)
{
    x86_u8(b, 0x70 | cc);
    size_t at = x86_len(b);
    x86_u8(b, 0);
    return at;
}

bool x86_patch_rel32(struct x86_buf *b, size_t at, size_t target)
{
    if (at + 4 > x86_len(b))
        return false;
    uint32_t rel = (uint32_t)(int32_t)((ptrdiff_t)target - (ptrdiff_t)(at + 4));
    for (unsigned k = 0; k < 4; k++)
        b->start[at + k] = (uint8_t)(rel >> (8 * k));
    return true;
}

bool x86_patch_rel8(struct x86_buf *b, size_t at, size_t target)
{
    ptrdiff_t rel = (ptrdiff_t)target - (ptrdiff_t)(at + 1);
    if (at + 1 > x86_len(b) || !fits8(rel))
        return false;
    b->start[at] = (uint8_t)rel;
    return true;
}

static void far_transfer(struct x86_buf *b, const void *fn, bool call)
{
    int64_t rel = (int64_t)((intptr_t)fn - (intptr_t)(b->p + 5));
    if (rel >= INT32_MIN && rel <= INT32_MAX) {
        x86_u8(b, call ? 0xe8 : 0xe9);
        x86_u32(b, (uint32_t)rel);
        return;
    }
    x86_mov_ri64(b, X86_RAX, (uint64_t)(uintptr_t)fn);
    if (call)
        x86_call_r(b, X86_RAX);
    else
        x86_jmp_r(b, X86_RAX);
}

void x86_call_abs(struct x86_buf *b, const void *fn) { far_transfer(b, fn, true); }
void x86_jmp_abs(struct x86_buf *b, const void *fn) { far_transfer(b, fn, false); }
void x86_jmp_r(struct x86_buf *b, enum x86_gpr reg) { op_reg(b, PFX_NONE, false, 0xff, 4, reg); }
void x86_call_r(struct x86_buf *b, enum x86_gpr reg) { op_reg(b, PFX_NONE, false, 0xff, 2, reg); }

void x86_push(struct x86_buf *b, enum x86_gpr reg)
{
    rex(b, false, 0, reg, false);
    x86_u8(b, 0x50 + (reg & 7));
}

void x86_pop(struct x86_buf *b, enum x86_gpr reg)
{
    rex(b, false, 0, reg, false);
    x86_u8(b, 0x58 + (reg & 7));
}

void x86_ret(struct x86_buf *b) { x86_u8(b, 0xc3); }

void x86_nop(struct x86_buf *b, unsigned len)
{
    /* clang-format off */
    static const uint8_t forms[7][7] = {
        { 0x90 },
        { 0x66, 0x90 },
        { 0x0f, 0x1f, 0x00 },
        { 0x0f, 0x1f, 0x40, 0x00 },
        { 0x0f, 0x1f, 0x44, 0x00, 0x00 },
        { 0x66, 0x0f, 0x1f, 0x44, 0x00, 0x00 },
        { 0x0f, 0x1f, 0x80, 0x00, 0x00, 0x00, 0x00 },
    };
    /* clang-format on */
    if (len == 0 || len > 7) {
        b->overflow = true; /* a translator bug: the translation is refused */
        return;
    }
    for (unsigned i = 0; i < len; i++)
        x86_u8(b, forms[len - 1][i]);
}

/* ---- scalar double ---- */

void x86_movq_xm(struct x86_buf *b, unsigned xmm, enum x86_gpr base, int32_t disp)
{
    op_mem(b, PFX_F3, false, 0x0f7e, xmm, base, disp);
}

void x86_movq_mx(struct x86_buf *b, enum x86_gpr base, int32_t disp, unsigned xmm)
{
    op_mem(b, PFX_66, false, 0x0fd6, xmm, base, disp);
}

void x86_movq_rx(struct x86_buf *b, enum x86_gpr dst, unsigned xmm) { op_reg(b, PFX_66, true, 0x0f7e, xmm, dst); }

void x86_sse_sd_xm(struct x86_buf *b, enum x86_sse_sd op, unsigned xmm, enum x86_gpr base, int32_t disp)
{
    op_mem(b, PFX_F2, false, 0x0f00 | op, xmm, base, disp);
}

void x86_ucomisd_xm(struct x86_buf *b, unsigned xmm, enum x86_gpr base, int32_t disp)
{
    op_mem(b, PFX_66, false, 0x0f2e, xmm, base, disp);
}

void x86_cvtsi2sd_xm(struct x86_buf *b, bool w64, unsigned xmm, enum x86_gpr base, int32_t disp)
{
    op_mem(b, PFX_F2, w64, 0x0f2a, xmm, base, disp);
}

void x86_cvttsd2si_rm(struct x86_buf *b, bool w64, enum x86_gpr dst, enum x86_gpr base, int32_t disp)
{
    op_mem(b, PFX_F2, w64, 0x0f2c, dst, base, disp);
}

/* Three-byte VEX: C4, then ~R ~X ~B and the map (0F38), then W, ~vvvv, L
 * (0: scalar) and pp (01: the 66 prefix). */
void x86_fma231sd_xxm(struct x86_buf *b, enum x86_fma_sd op, unsigned dst, unsigned src1, enum x86_gpr base,
                      int32_t disp)
{
    x86_u8(b, 0xc4);
    x86_u8(b, ((dst >> 3) & 1 ? 0u : 0x80u) | 0x40u | ((base >> 3) & 1 ? 0u : 0x20u) | 0x02u);
    x86_u8(b, 0x80u | (~src1 & 15u) << 3 | 0x01u);
    x86_u8(b, op);
    modrm_mem(b, dst, base, disp);
}
