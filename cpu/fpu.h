/*
 * Element-level IEEE operations of cpu/fpu.c, for the vector unit
 * (cpu/vector_fp.c): the same rounding, NaN and flag rules as the scalar
 * F/D/Zfh instructions, on raw bit patterns, with no register access.
 *
 * A format is named by log2 of its width in bytes: FPU_H (1), FPU_S (2),
 * FPU_D (3), which is how the vector unit names SEW. `rm` is a valid
 * rounding mode (FRM_RNE..FRM_RMM, include/rivet/encoding.h): callers
 * reject the reserved ones. Flags raised are OR-ed into *flags (FFLAG_*);
 * the caller accrues them into fflags. Operand bit patterns are the
 * format's width, zero-extended; so are results.
 *
 * Threading: the hart's own thread (the host FPU's rounding mode and flags
 * are per thread).
 */
#ifndef RIVET_FPU_H
#define RIVET_FPU_H

#include <stdbool.h>
#include <stdint.h>

struct hart;

enum { FPU_H = 1, FPU_S = 2, FPU_D = 3 };

/* fmsub = a*b-c, fnmsub = -(a*b)+c, fnmadd = -(a*b)-c, one rounding. */
enum fop { FOP_ADD, FOP_SUB, FOP_MUL, FOP_DIV, FOP_SQRT, FOP_MADD, FOP_MSUB, FOP_NMSUB, FOP_NMADD };
/* feq and the Zfa q-forms are quiet; flt and fle signal on any NaN. */
enum fcmp { CMP_EQ, CMP_LT, CMP_LE, CMP_LTQ, CMP_LEQ };

/* op on v[0..arity) (sqrt: v[0]; multiply-adds: v[0] * v[1] and v[2]). */
uint64_t fpu_arith(struct hart *h, unsigned *flags, unsigned fmt, enum fop op, int rm, const uint64_t v[3]);
/* fmin/fmax (IEEE 754-2019 minimumNumber/maximumNumber). */
uint64_t fpu_minmax(unsigned *flags, unsigned fmt, bool max, uint64_t a, uint64_t b);
bool fpu_compare(unsigned *flags, unsigned fmt, enum fcmp cmp, uint64_t a, uint64_t b);
/* fclass: the 10-bit class mask. */
unsigned fpu_class(unsigned fmt, uint64_t v);
/* To a `bits`-wide integer (8..64), saturating as fcvt does; the result is
 * sign-extended (signed) or zero-extended to 64 bits. */
uint64_t fpu_to_int(unsigned *flags, unsigned fmt, uint64_t v, int rm, unsigned bits, bool is_signed);
/* From the integer x (sign-extended or zero-extended to 64 bits). */
uint64_t fpu_from_int(struct hart *h, unsigned *flags, unsigned fmt, uint64_t x, bool is_signed, int rm);
/* Between formats: exact when widening; NaNs become canonical (NV for sNaN). */
uint64_t fpu_convert(struct hart *h, unsigned *flags, unsigned to, unsigned from, uint64_t v, int rm);

/* f[r] read in a format (an improperly NaN-boxed value is the canonical
 * NaN), and written NaN-boxed (setting mstatus.FS dirty). */
uint64_t fpu_get_reg(const struct hart *h, unsigned r, unsigned fmt);
void fpu_set_reg(struct hart *h, unsigned r, unsigned fmt, uint64_t bits);
/* Accrues flags into fflags (FS dirty when any). */
void fpu_raise(struct hart *h, unsigned flags);

/* A window in which host float/double operations run in mode rm (not
 * FRM_RMM) with their host flags collected: fpu_host_end returns the FFLAG_*
 * bits raised since fpu_host_begin (possibly with some that fflags already
 * held, which accruing again does not change) and restores round-to-nearest.
 * Out-of-line calls, so the compiler keeps the operations between them. */
void fpu_host_begin(const struct hart *h, int rm);
unsigned fpu_host_end(int rm);

#endif
