/*
 * An x86-64 instruction encoder: one named emitter per instruction form the
 * translator (cpu/jit.c) uses, so the translator says what it wants
 * ("x86_alu_rm(b, X86_ADD, true, X86_RDX, X86_RBX, off)") instead of
 * spelling opcode bytes. tests/unit/test_x86_emit.c decodes what every
 * emitter writes with Capstone and compares mnemonics and operands.
 *
 * Conventions:
 * - Names read as Intel syntax, destination first: _rm is "reg, [mem]",
 *   _mr "[mem], reg", _rr "dst, src", _ri "reg, imm".
 * - `w64` picks the 64-bit operand size (REX.W); otherwise 32 bits, whose
 *   result the CPU zero-extends into the 64-bit register.
 * - A memory operand is [base + disp]: any of the 16 registers as base
 *   (rsp/r12 take a SIB byte, rbp/r13 a zero displacement; the encoder
 *   handles both); disp8 is used when it fits.
 * - Writing past the buffer sets `overflow` and writes nothing more; the
 *   caller checks it once at the end.
 * The encoder is plain C over a byte buffer: it builds and is tested on any
 * host; only running what it writes needs x86-64.
 */
#ifndef RIVET_X86_EMIT_H
#define RIVET_X86_EMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct x86_buf {
    uint8_t *start, *p, *end;
    bool overflow;
};

static inline void x86_buf_init(struct x86_buf *b, uint8_t *start, uint8_t *end)
{
    b->start = b->p = start;
    b->end = end;
    b->overflow = false;
}
/* Bytes written so far. */
static inline size_t x86_len(const struct x86_buf *b) { return (size_t)(b->p - b->start); }

/* clang-format off */
enum x86_gpr {
    X86_RAX, X86_RCX, X86_RDX, X86_RBX, X86_RSP, X86_RBP, X86_RSI, X86_RDI,
    X86_R8, X86_R9, X86_R10, X86_R11, X86_R12, X86_R13, X86_R14, X86_R15,
};
/* Condition codes: the low nibble of Jcc (0F 8x) and SETcc (0F 9x). */
enum x86_cc {
    X86_CC_O, X86_CC_NO, X86_CC_B, X86_CC_AE, X86_CC_E, X86_CC_NE, X86_CC_BE, X86_CC_A,
    X86_CC_S, X86_CC_NS, X86_CC_P, X86_CC_NP, X86_CC_L, X86_CC_GE, X86_CC_LE, X86_CC_G,
};
/* The group-1 ALU operations (their /digit in 80/81/83, and opcode >> 3). */
enum x86_alu { X86_ADD = 0, X86_OR = 1, X86_AND = 4, X86_SUB = 5, X86_XOR = 6, X86_CMP = 7 };
/* Shifts (their /digit in C1/D3). */
enum x86_shift { X86_SHL = 4, X86_SHR = 5, X86_SAR = 7 };
/* Scalar double SSE2 arithmetic (F2 0F op). */
enum x86_sse_sd { X86_SQRTSD = 0x51, X86_ADDSD = 0x58, X86_MULSD = 0x59, X86_SUBSD = 0x5c, X86_DIVSD = 0x5e };
/* FMA3 scalar double, form 231: dst = +-(src1 * [mem]) +- dst (VEX.66.0F38.W1 op). */
enum x86_fma_sd { X86_VFMADD231SD = 0xb9, X86_VFMSUB231SD = 0xbb, X86_VFNMADD231SD = 0xbd, X86_VFNMSUB231SD = 0xbf };
/* clang-format on */

/* Raw bytes: for data in the code stream only, never for instructions. */
void x86_u8(struct x86_buf *b, unsigned v);
void x86_u32(struct x86_buf *b, uint32_t v);

/* ---- moves ---- */
void x86_mov_rr(struct x86_buf *b, bool w64, enum x86_gpr dst, enum x86_gpr src);
void x86_mov_rm(struct x86_buf *b, bool w64, enum x86_gpr dst, enum x86_gpr base, int32_t disp);
/* mov [base + disp], src with a 1, 2, 4 or 8-byte store. */
void x86_mov_mr(struct x86_buf *b, unsigned size, enum x86_gpr base, int32_t disp, enum x86_gpr src);
/* mov qword [base + disp], imm (sign-extended from 32 bits). */
void x86_mov_mi(struct x86_buf *b, enum x86_gpr base, int32_t disp, int32_t imm);
/* mov r32, imm (zero-extended into the 64-bit register). */
void x86_mov_ri32(struct x86_buf *b, enum x86_gpr dst, uint32_t imm);
/* movabs r64, imm64. */
void x86_mov_ri64(struct x86_buf *b, enum x86_gpr dst, uint64_t imm);
/* movzx r32, byte/word [base + disp] (size 1 or 2). */
void x86_movzx_rm(struct x86_buf *b, unsigned size, enum x86_gpr dst, enum x86_gpr base, int32_t disp);
/* movsx r64, byte/word [base + disp] or movsxd r64, dword [base + disp] (size 1, 2 or 4). */
void x86_movsx_rm(struct x86_buf *b, unsigned size, enum x86_gpr dst, enum x86_gpr base, int32_t disp);
/* movsxd r64, r32. */
void x86_movsxd_rr(struct x86_buf *b, enum x86_gpr dst, enum x86_gpr src);
void x86_lea(struct x86_buf *b, enum x86_gpr dst, enum x86_gpr base, int32_t disp);

/* ---- arithmetic ---- */
void x86_alu_rr(struct x86_buf *b, enum x86_alu op, bool w64, enum x86_gpr dst, enum x86_gpr src);
void x86_alu_rm(struct x86_buf *b, enum x86_alu op, bool w64, enum x86_gpr dst, enum x86_gpr base, int32_t disp);
/* op reg, imm: imm8 (83) when it fits, else imm32 (81), sign-extended. */
void x86_alu_ri(struct x86_buf *b, enum x86_alu op, bool w64, enum x86_gpr dst, int32_t imm);
/* op byte [base + disp], imm8. */
void x86_alu_m8i(struct x86_buf *b, enum x86_alu op, enum x86_gpr base, int32_t disp, uint8_t imm);
void x86_test_rr(struct x86_buf *b, bool w64, enum x86_gpr x, enum x86_gpr y);
/* test byte [base + disp], imm8. */
void x86_test_m8i(struct x86_buf *b, enum x86_gpr base, int32_t disp, uint8_t imm);
void x86_shift_ri(struct x86_buf *b, enum x86_shift op, bool w64, enum x86_gpr reg, unsigned n);
/* Shift by cl (masked to 5 or 6 bits by the CPU). */
void x86_shift_rcl(struct x86_buf *b, enum x86_shift op, bool w64, enum x86_gpr reg);
void x86_not(struct x86_buf *b, bool w64, enum x86_gpr reg);
/* inc qword [base + disp] (the translator's counters). */
void x86_inc_m64(struct x86_buf *b, enum x86_gpr base, int32_t disp);
/* imul dst, [base + disp] (the low half). */
void x86_imul_rm(struct x86_buf *b, bool w64, enum x86_gpr dst, enum x86_gpr base, int32_t disp);
/* imul dst, src, imm8. */
void x86_imul_rri8(struct x86_buf *b, bool w64, enum x86_gpr dst, enum x86_gpr src, int8_t imm);
/* rdx:rax = rax * qword [base + disp], signed (imul) or not (mul). */
void x86_mul_wide_m(struct x86_buf *b, bool sign, enum x86_gpr base, int32_t disp);
/* rax/eax = rdx:rax / reg, rdx = the remainder; idiv when sign. */
void x86_div(struct x86_buf *b, bool sign, bool w64, enum x86_gpr divisor);
/* cqo (w64) or cdq: rdx = the sign of rax. */
void x86_cqo(struct x86_buf *b, bool w64);
/* setcc on the low byte of rax, rcx, rdx or rbx. */
void x86_setcc(struct x86_buf *b, enum x86_cc cc, enum x86_gpr reg);

/* ---- control ---- */
/* jcc/jmp rel32 with a zero displacement: returns the offset of the rel32
 * field (from b->start) for the caller to patch (x86_patch_rel32). */
size_t x86_jcc32(struct x86_buf *b, enum x86_cc cc);
size_t x86_jmp32(struct x86_buf *b);
/* jcc rel8 with a zero displacement: returns the offset of the rel8 byte. */
size_t x86_jcc8(struct x86_buf *b, enum x86_cc cc);
/* Makes the rel32 (or rel8) field at `at` reach `target` (offsets from
 * b->start). false: out of reach (rel8) or nothing written there. */
bool x86_patch_rel32(struct x86_buf *b, size_t at, size_t target);
bool x86_patch_rel8(struct x86_buf *b, size_t at, size_t target);
/* call/jmp to an absolute address: rel32 when in reach from where the code
 * is written, else through rax (clobbered). */
void x86_call_abs(struct x86_buf *b, const void *fn);
void x86_jmp_abs(struct x86_buf *b, const void *fn);
void x86_jmp_r(struct x86_buf *b, enum x86_gpr reg);
void x86_call_r(struct x86_buf *b, enum x86_gpr reg);
void x86_push(struct x86_buf *b, enum x86_gpr reg);
void x86_pop(struct x86_buf *b, enum x86_gpr reg);
void x86_ret(struct x86_buf *b);
/* One no-op instruction of len bytes (1..7; the SDM's recommended forms),
 * to align what follows. */
void x86_nop(struct x86_buf *b, unsigned len);

/* ---- scalar double (xmm registers are numbered 0-15) ---- */
/* movq xmm, qword [base + disp] / movq qword [base + disp], xmm. */
void x86_movq_xm(struct x86_buf *b, unsigned xmm, enum x86_gpr base, int32_t disp);
void x86_movq_mx(struct x86_buf *b, enum x86_gpr base, int32_t disp, unsigned xmm);
/* movq r64, xmm. */
void x86_movq_rx(struct x86_buf *b, enum x86_gpr dst, unsigned xmm);
/* op xmm, qword [base + disp] (addsd, subsd, mulsd, divsd, sqrtsd). */
void x86_sse_sd_xm(struct x86_buf *b, enum x86_sse_sd op, unsigned xmm, enum x86_gpr base, int32_t disp);
void x86_ucomisd_xm(struct x86_buf *b, unsigned xmm, enum x86_gpr base, int32_t disp);
/* cvtsi2sd xmm, dword/qword [base + disp]. */
void x86_cvtsi2sd_xm(struct x86_buf *b, bool w64, unsigned xmm, enum x86_gpr base, int32_t disp);
/* cvttsd2si r32/r64, qword [base + disp]. */
void x86_cvttsd2si_rm(struct x86_buf *b, bool w64, enum x86_gpr dst, enum x86_gpr base, int32_t disp);
/* vfm*231sd dst, src1, qword [base + disp] (FMA3 hosts only). */
void x86_fma231sd_xxm(struct x86_buf *b, enum x86_fma_sd op, unsigned dst, unsigned src1, enum x86_gpr base,
                      int32_t disp);

#endif
