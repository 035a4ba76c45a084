/*
 * F and D extensions: unprivileged spec 20191213, chapters 11 (F) and 12 (D);
 * Zfh and Zfhmin (half precision, ch. "Zfh"), and Zfa.
 *
 * How results are computed
 * - Arithmetic runs on the host FPU inside a window (host_begin/host_end):
 *   host exception flags cleared (lazily, see host_begin), host rounding mode
 *   set from the RISC-V one, the operation, host flags read and accrued into
 *   fflags, host mode set back to round-to-nearest. rivet keeps the host in
 *   round-to-nearest outside these windows. GCC does not implement
 *   FENV_ACCESS, so FP_PIN() passes operands and results through empty asm
 *   statements with a memory clobber: the operation can be neither
 *   constant-folded nor moved out of its window (it is ordered against the
 *   libm calls that open and close it).
 * - RMM (round to nearest, ties to max magnitude, 11.2) has no host mode.
 *   The operation is done in long double (at least two more significand bits
 *   than double, and a wider exponent range) with round-toward-zero; the
 *   host inexact flag says whether bits were lost (a sticky bit). round_rmm()
 *   then rounds that value to the target format in software. With two or
 *   more extra bits, truncated value plus sticky decide the RMM rounding,
 *   inexactness and tininess exactly (the round-to-odd argument). Conversions
 *   to integer use round() for RMM.
 * - NaN operands are handled before the host sees them: the result is the
 *   canonical NaN and NV is raised for a signalling NaN (11.3), so host NaN
 *   propagation rules never matter. NaNs produced by invalid operations are
 *   replaced by the canonical NaN too.
 * - Singles and halves live NaN-boxed in the 64-bit registers (12.2): a
 *   single (half) read from a register whose upper 32 (48) bits are not all
 *   ones is the canonical NaN.
 * - Halves have no host type: every half operation is done in long double
 *   with round-toward-zero (exact, or truncated with the sticky bit, as for
 *   RMM above), then rounded to half in software (round_to) in the
 *   instruction's mode, which also decides the flags. Half values convert
 *   to and from double exactly (half_value, half_bits).
 */
#include <fenv.h>
#include <float.h>
#include <math.h>
#include <string.h>

#include "cpu/dispatch.h"
#include "cpu/fpu.h"
#include "cpu/hart.h"
#include "cpu/insn_table.h"

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunknown-pragmas"
#pragma STDC FENV_ACCESS ON
#pragma GCC diagnostic pop

_Static_assert(LDBL_MANT_DIG >= DBL_MANT_DIG + 2, "RMM needs a long double with >= 55 significand bits");
_Static_assert(LDBL_MIN_EXP<2 * (DBL_MIN_EXP - DBL_MANT_DIG) && LDBL_MAX_EXP> 2 * DBL_MAX_EXP + 1,
               "RMM needs long double products of doubles to be exact in range");

/* Keeps v in memory at this point of the program: see the header comment. */
#define FP_PIN(v) __asm__ volatile("" : "+m"(v) : : "memory")

#define NAN_BOX 0xffffffff00000000ull

/* An IEEE binary format, described for the bit-level helpers. */
struct fpfmt {
    unsigned width;     /* total bits: 32 or 64 */
    unsigned frac_bits; /* stored significand bits */
    int prec;           /* significand precision, hidden bit included */
    int emin, emax;     /* exponent range of normal numbers */
    uint64_t canon;     /* canonical NaN (11.3) */
};

static const struct fpfmt fmt_h = { 16, 10, 11, -14, 15, 0x7e00ull };
static const struct fpfmt fmt_s = { 32, 23, 24, -126, 127, 0x7fc00000ull };
static const struct fpfmt fmt_d = { 64, 52, 53, -1022, 1023, 0x7ff8000000000000ull };
#define F16 (&fmt_h)
#define F32 (&fmt_s)
#define F64 (&fmt_d)

static inline uint64_t fmt_sign(const struct fpfmt *f) { return 1ull << (f->width - 1); }
static inline uint64_t fmt_inf(const struct fpfmt *f) { return (fmt_sign(f) - 1) & ~((1ull << f->frac_bits) - 1); }
static inline uint64_t fmt_abs(const struct fpfmt *f, uint64_t v) { return v & (fmt_sign(f) - 1); }
static inline bool fmt_is_nan(const struct fpfmt *f, uint64_t v) { return fmt_abs(f, v) > fmt_inf(f); }
static inline bool fmt_is_inf(const struct fpfmt *f, uint64_t v) { return fmt_abs(f, v) == fmt_inf(f); }
static inline bool fmt_is_zero(const struct fpfmt *f, uint64_t v) { return fmt_abs(f, v) == 0; }
static inline bool fmt_quiet_bit(const struct fpfmt *f, uint64_t v) { return (v >> (f->frac_bits - 1)) & 1; }
static inline bool fmt_is_snan(const struct fpfmt *f, uint64_t v) { return fmt_is_nan(f, v) && !fmt_quiet_bit(f, v); }

/* clang-format off */
static inline float f32_of(uint64_t bits) { uint32_t b = (uint32_t)bits; float v; memcpy(&v, &b, 4); return v; }
static inline double f64_of(uint64_t bits) { double v; memcpy(&v, &bits, 8); return v; }
static inline uint64_t bits_f32(float v) { uint32_t b; memcpy(&b, &v, 4); return isnan(v) ? fmt_s.canon : b; }
static inline uint64_t bits_f64(double v) { uint64_t b; memcpy(&b, &v, 8); return isnan(v) ? fmt_d.canon : b; }
/* clang-format on */

#define HALF_FRAC_MASK 0x3ffull
#define HALF_EXP_MASK  0x1fu
#define HALF_SIGN      0x8000ull

/* The value of a non-NaN half, exactly. */
static double half_value(uint64_t v)
{
    unsigned exp = (unsigned)(v >> fmt_h.frac_bits) & HALF_EXP_MASK;
    uint64_t frac = v & HALF_FRAC_MASK;
    double m = exp == HALF_EXP_MASK ? HUGE_VAL
               : exp == 0           ? ldexp((double)frac, fmt_h.emin - fmt_h.frac_bits)
                          : ldexp((double)(frac | (HALF_FRAC_MASK + 1)), (int)exp - fmt_h.emax - fmt_h.frac_bits);
    return (v & HALF_SIGN) ? -m : m;
}

/* The bits of x, which is a half value exactly (or infinite, or NaN). */
static uint64_t half_bits(double x)
{
    if (isnan(x))
        return fmt_h.canon;
    uint64_t sign = signbit(x) ? HALF_SIGN : 0, mag;
    double ax = fabs(x);
    int e;
    frexp(ax, &e); /* ax = m * 2^e, 0.5 <= m < 1 */
    if (isinf(ax))
        mag = fmt_inf(F16);
    else if (ax == 0)
        mag = 0;
    else if (e - 1 < fmt_h.emin) /* subnormal: a multiple of 2^(emin - frac_bits) */
        mag = (uint64_t)ldexp(ax, fmt_h.frac_bits - fmt_h.emin);
    else
        mag = (uint64_t)(e - 1 + fmt_h.emax) << fmt_h.frac_bits |
              ((uint64_t)ldexp(ax, fmt_h.frac_bits - (e - 1)) & HALF_FRAC_MASK);
    return sign | mag;
}

/* Value of a non-NaN operand as a double (exact for every format). */
static inline double fmt_value(const struct fpfmt *f, uint64_t v)
{
    return f == F32 ? (double)f32_of(v) : f == F64 ? f64_of(v) : half_value(v);
}

/* The bits of x in format f, x being exactly representable there (or NaN). */
static uint64_t fmt_bits(const struct fpfmt *f, double x)
{
    return f == F32 ? bits_f32((float)x) : f == F64 ? bits_f64(x) : half_bits(x);
}

/* Register access in a format: singles and halves are unboxed / NaN-boxed
 * (12.2): the bits above the format must all be ones. */
static inline uint64_t fp_get(const struct hart *h, unsigned r, const struct fpfmt *f)
{
    uint64_t v = h->f[r];
    if (f == F64)
        return v;
    uint64_t box = ~0ull << f->width;
    return (v & box) == box ? v & ~box : f->canon;
}

static inline void fp_set(struct hart *h, unsigned r, const struct fpfmt *f, uint64_t bits)
{
    h->f[r] = f == F64 ? bits : (~0ull << f->width) | bits;
    hart_fp_dirty(h);
}

static inline void fp_raise(struct hart *h, unsigned flags)
{
    if (flags) {
        h->fflags |= (uint8_t)flags;
        hart_fp_dirty(h);
    }
}

/* Rounding mode of an F_RM instruction (11.2), or -1 when it is reserved. */
static inline int fp_rm(const struct hart *h, const struct insn *in)
{
    int rm = in->rm == FRM_DYN ? h->frm : in->rm;
    return rm <= FRM_RMM ? rm : -1;
}

/* ---- Host FPU windows ---- */

static const int host_round[FRM_RMM + 1] = {
    [FRM_RNE] = FE_TONEAREST, [FRM_RTZ] = FE_TOWARDZERO, [FRM_RDN] = FE_DOWNWARD,
    [FRM_RUP] = FE_UPWARD,    [FRM_RMM] = FE_TONEAREST, /* never used: RMM is done in software */
};

static inline unsigned host_to_fflags(int ex)
{
    return (ex & FE_INEXACT ? FFLAG_NX : 0) | (ex & FE_UNDERFLOW ? FFLAG_UF : 0) | (ex & FE_OVERFLOW ? FFLAG_OF : 0) |
           (ex & FE_DIVBYZERO ? FFLAG_DZ : 0) | (ex & FE_INVALID ? FFLAG_NV : 0);
}

static inline int fflags_to_host(unsigned f)
{
    return (f & FFLAG_NX ? FE_INEXACT : 0) | (f & FFLAG_UF ? FE_UNDERFLOW : 0) | (f & FFLAG_OF ? FE_OVERFLOW : 0) |
           (f & FFLAG_DZ ? FE_DIVBYZERO : 0) | (f & FFLAG_NV ? FE_INVALID : 0);
}

/* Host flag access for float/double work. x86-64 does that work on SSE, whose
 * flags live in MXCSR at glibc's FE_* bit positions: reading MXCSR alone skips
 * the slow x87 status word that fetestexcept also reads. */
#if defined(__x86_64__) && defined(__SSE2_MATH__)
#include <xmmintrin.h>
_Static_assert(FE_INVALID == 0x01 && FE_DIVBYZERO == 0x04 && FE_OVERFLOW == 0x08 && FE_UNDERFLOW == 0x10 &&
                   FE_INEXACT == 0x20,
               "FE_* bits are MXCSR flag bits");
static inline int sse_flags(void) { return (int)(_mm_getcsr() & FE_ALL_EXCEPT); }
static inline void sse_clear(void) { _mm_setcsr(_mm_getcsr() & ~(unsigned)FE_ALL_EXCEPT); }
#else
static inline int sse_flags(void) { return fetestexcept(FE_ALL_EXCEPT); }
static inline void sse_clear(void) { feclearexcept(FE_ALL_EXCEPT); }
#endif

/* Window for float/double operations whose flags are accrued into fflags.
 * Host flags already in fflags may stay set: accruing them again changes
 * nothing, so host_end's flags OR-ed into fflags give exactly what the
 * operation alone would. Clearing is slow (feclearexcept is fnstenv/fldenv
 * plus ldmxcsr on x86) and nearly every operation raises NX, so this clears
 * only after the guest cleared fflags or host code outside a window raised a
 * flag. */
static inline void host_begin(const struct hart *h, int rm)
{
    if (sse_flags() & ~fflags_to_host(h->fflags))
        sse_clear();
    if (rm != FRM_RNE)
        fesetround(host_round[rm]);
}

static inline unsigned host_end(int rm)
{
    int ex = sse_flags();
    if (rm != FRM_RNE)
        fesetround(FE_TONEAREST);
    return host_to_fflags(ex);
}

/* Portable window with exact per-operation flags, for any host FP unit
 * (the RMM path computes in long double, on the x87 on x86-64). */
static inline void fenv_begin(int rm)
{
    feclearexcept(FE_ALL_EXCEPT);
    fesetround(host_round[rm]);
}

static inline unsigned fenv_end(void)
{
    int ex = fetestexcept(FE_ALL_EXCEPT);
    fesetround(FE_TONEAREST);
    return host_to_fflags(ex);
}

/* ---- Rounding in software: RMM, and everything for halves ---- */

/* ax (> 0) rounded to a multiple of 2^q in mode rm, for a value of sign
 * `neg`; `sticky`: nonzero bits below ax were dropped (ax is then a
 * truncation with at least prec + 2 significant bits, so a tie is exact). */
static long double quantize(long double ax, int q, int rm, bool neg, bool sticky, bool *inexact)
{
    long double s = ldexpl(ax, -q);
    long double n = floorl(s), rem = s - n;
    bool up;
    *inexact = rem != 0 || sticky;
    switch (rm) {
    case FRM_RNE: up = rem > 0.5L || (rem == 0.5L && (sticky || fmodl(n, 2) != 0)); break;
    case FRM_RMM: up = rem >= 0.5L; break;
    case FRM_RDN: up = neg && *inexact; break;
    case FRM_RUP: up = !neg && *inexact; break;
    default: up = false; break; /* RTZ */
    }
    return ldexpl(up ? n + 1 : n, q);
}

/* What overflow gives in mode rm (IEEE 754 7.4): infinity, or the largest
 * finite number when the mode rounds towards zero for this sign. */
static long double overflow_value(const struct fpfmt *f, int rm, bool neg)
{
    bool to_max = rm == FRM_RTZ || (rm == FRM_RDN && !neg) || (rm == FRM_RUP && neg);
    return to_max ? ldexpl(2.0L - ldexpl(1.0L, 1 - f->prec), f->emax) : HUGE_VALL;
}

/* Rounds x to format f in mode rm. x is the exact result, or its truncation
 * towards zero with `sticky` set when nonzero bits were dropped (x then has at
 * least prec + 2 significant bits). Accrues NX/UF/OF into *flags. Tininess is
 * detected after rounding, as RISC-V requires (11.6 refers to IEEE 754-2008). */
static uint64_t round_to(unsigned *flags, long double x, bool sticky, const struct fpfmt *f, int rm)
{
    if (isnan(x) || isinf(x) || x == 0)
        return fmt_bits(f, (double)x);
    long double ax = fabsl(x);
    bool neg = signbit(x) != 0;
    int e;
    frexpl(ax, &e);
    int exp = e - 1; /* 2^exp <= ax < 2^(exp+1) */
    int q = (exp < f->emin ? f->emin : exp) - (f->prec - 1);
    bool inexact, unused;
    long double r = quantize(ax, q, rm, neg, sticky, &inexact);
    if (r >= ldexpl(1.0L, f->emax + 1)) {
        *flags |= FFLAG_OF | FFLAG_NX;
        r = overflow_value(f, rm, neg);
    } else if (inexact) {
        *flags |= FFLAG_NX;
        /* Tiny: rounded with an unbounded exponent range, still below 2^emin. */
        if (exp < f->emin && quantize(ax, exp - (f->prec - 1), rm, neg, sticky, &unused) < ldexpl(1.0L, f->emin))
            *flags |= FFLAG_UF;
    }
    return fmt_bits(f, (double)(neg ? -r : r));
}

/* ---- Arithmetic: add, sub, mul, div, sqrt and the fused multiply-adds ---- */

static inline unsigned fop_arity(enum fop op) { return op == FOP_SQRT ? 1 : op >= FOP_MADD ? 3 : 2; }

/* fmsub = a*b-c, fnmsub = -(a*b)+c, fnmadd = -(a*b)-c (11.6), one rounding. */
/* clang-format off */
#define FOP_SWITCH(op, a, b, c, SQRT, FMA)          \
    switch (op) {                                   \
    case FOP_ADD: return a + b;                     \
    case FOP_SUB: return a - b;                     \
    case FOP_MUL: return a * b;                     \
    case FOP_DIV: return a / b;                     \
    case FOP_SQRT: return SQRT(a);                  \
    case FOP_MADD: return FMA(a, b, c);             \
    case FOP_MSUB: return FMA(a, b, -c);            \
    case FOP_NMSUB: return FMA(-a, b, c);           \
    case FOP_NMADD: return FMA(-a, b, -c);          \
    }                                               \
    return 0
/* clang-format on */

static inline float host_op_s(enum fop op, float a, float b, float c) { FOP_SWITCH(op, a, b, c, sqrtf, fmaf); }
static inline double host_op_d(enum fop op, double a, double b, double c) { FOP_SWITCH(op, a, b, c, sqrt, fma); }
static inline long double wide_op(enum fop op, long double a, long double b, long double c)
{
    FOP_SWITCH(op, a, b, c, sqrtl, fmal);
}

/*
 * The fast path (the idea of QEMU's "hardfloat"): once the guest's fflags
 * already hold NX, an operation's inexactness no longer needs detecting, so
 * for round-to-nearest on normal or zero operands the host result alone tells
 * every other flag: an infinite result from finite operands is an overflow
 * (OF and NX), and NV and DZ cannot happen once 0/0, x/0 and the square root
 * of a negative number are left out. Only a result that may be tiny (below
 * the smallest normal, where UF depends on inexactness) goes to the window.
 * No MXCSR access: stmxcsr waits for the operation to finish, which cost more
 * than the operation itself.
 */
/* Exponent field strictly between 0 and all ones: one compare. */
static inline bool fmt_is_normal(const struct fpfmt *f, uint64_t v)
{
    uint64_t exp = fmt_abs(f, v) >> f->frac_bits, max = fmt_inf(f) >> f->frac_bits;
    return exp - 1 < max - 1;
}

static inline bool fast_operand(const struct fpfmt *f, uint64_t v) { return fmt_is_normal(f, v) || fmt_is_zero(f, v); }

/* A result of this size or smaller (zero included) may have underflowed,
 * except where the operation makes it exact: sums of normal numbers are
 * exact when tiny, and a zero factor, dividend or radicand gives an exact 0. */
static inline bool fast_result_ok(const struct fpfmt *f, enum fop op, const uint64_t *v, double r)
{
    double min_normal = f == F32 ? FLT_MIN : DBL_MIN;
    if (fabs(r) > min_normal)
        return true;
    switch (op) {
    case FOP_ADD:
    case FOP_SUB: return true;
    case FOP_MUL: return r == 0 && (fmt_is_zero(f, v[0]) || fmt_is_zero(f, v[1]));
    case FOP_DIV:
    case FOP_SQRT: return r == 0 && fmt_is_zero(f, v[0]);
    default: return false;
    }
}

/* true with *res when the fast path applies; false leaves everything as it was. */
static inline __attribute__((always_inline)) bool arith_fast(struct hart *h, const struct fpfmt *f, enum fop op,
                                                             const uint64_t *v, unsigned n, uint64_t *res)
{
    if (!(h->fflags & FFLAG_NX))
        return false;
    for (unsigned i = 0; i < n; i++)
        if (!fast_operand(f, v[i]))
            return false;
    if ((op == FOP_DIV && fmt_is_zero(f, v[1])) || (op == FOP_SQRT && (v[0] & fmt_sign(f)) && !fmt_is_zero(f, v[0])))
        return false;
    double r;
    uint64_t raw;
    if (f == F32) {
        float rs = host_op_s(op, f32_of(v[0]), f32_of(v[1]), f32_of(v[2]));
        uint32_t b;
        memcpy(&b, &rs, 4);
        raw = b;
        r = rs;
    } else {
        r = host_op_d(op, f64_of(v[0]), f64_of(v[1]), f64_of(v[2]));
        memcpy(&raw, &r, 8);
    }
    if (__builtin_expect(fmt_is_normal(f, raw), 1)) { /* the usual result: nothing to add */
        *res = raw;
        return true;
    }
    if (isnan(r) || !fast_result_ok(f, op, v, r))
        return false;
    if (isinf(r))
        fp_raise(h, FFLAG_OF | FFLAG_NX);
    *res = raw;
    return true;
}

/* Operands are non-NaN bit patterns of format f. Inlined with arith_any. */
static inline __attribute__((always_inline)) uint64_t arith_host(struct hart *h, unsigned *flags, const struct fpfmt *f,
                                                                 enum fop op, int rm, const uint64_t *v)
{
    uint64_t res;
    if (f == F32) {
        float a = f32_of(v[0]), b = f32_of(v[1]), c = f32_of(v[2]);
        host_begin(h, rm);
        FP_PIN(a);
        FP_PIN(b);
        FP_PIN(c);
        float r = host_op_s(op, a, b, c);
        FP_PIN(r);
        *flags |= host_end(rm);
        res = bits_f32(r);
    } else {
        double a = f64_of(v[0]), b = f64_of(v[1]), c = f64_of(v[2]);
        host_begin(h, rm);
        FP_PIN(a);
        FP_PIN(b);
        FP_PIN(c);
        double r = host_op_d(op, a, b, c);
        FP_PIN(r);
        *flags |= host_end(rm);
        res = bits_f64(r);
    }
    return res;
}

/* RMM, and halves in every mode: see the header comment. */
static uint64_t arith_wide(unsigned *flags, const struct fpfmt *f, enum fop op, int rm, const uint64_t *v)
{
    /* Non-NaN values widen exactly and silently. */
    long double a = fmt_value(f, v[0]), b = fmt_value(f, v[1]), c = fmt_value(f, v[2]);
    fenv_begin(FRM_RTZ); /* exact flags: NX is the sticky bit */
    FP_PIN(a);
    FP_PIN(b);
    FP_PIN(c);
    long double r = wide_op(op, a, b, c);
    FP_PIN(r);
    unsigned host = fenv_end();
    *flags |= host & (FFLAG_NV | FFLAG_DZ);
    return round_to(flags, r, host & FFLAG_NX, f, rm);
}

/* Every case: NaN operands, the other rounding modes, exact flags.
 * Inlined into each caller (the scalar general path, the vector element
 * op), with arith_host: as calls of their own they cost the fp bench 13%
 * more host instructions. */
static inline __attribute__((always_inline)) uint64_t arith_any(struct hart *h, unsigned *flags, const struct fpfmt *f,
                                                                enum fop op, int rm, const uint64_t *v)
{
    unsigned n = fop_arity(op);
    bool nan = false, snan = false;
    for (unsigned i = 0; i < n; i++) {
        nan |= fmt_is_nan(f, v[i]);
        snan |= fmt_is_snan(f, v[i]);
    }
    /* 11.6: fma(inf, 0, c) is invalid even when c is a quiet NaN. */
    if (n == 3 && ((fmt_is_inf(f, v[0]) && fmt_is_zero(f, v[1])) || (fmt_is_zero(f, v[0]) && fmt_is_inf(f, v[1]))))
        snan = true;
    if (nan) {
        *flags |= snan ? FFLAG_NV : 0;
        return f->canon;
    }
    return rm == FRM_RMM || f == F16 ? arith_wide(flags, f, op, rm, v) : arith_host(h, flags, f, op, rm, v);
}

static __attribute__((noinline)) int fp_arith_general(struct hart *h, const struct insn *in, const struct fpfmt *f,
                                                      enum fop op)
{
    int rm = fp_rm(h, in);
    if (rm < 0)
        return hart_illegal(h, in);
    unsigned n = fop_arity(op), flags = 0;
    const uint8_t regs[3] = { in->rs1, in->rs2, in->rs3 };
    uint64_t v[3] = { 0, 0, 0 };
    for (unsigned i = 0; i < n; i++)
        v[i] = fp_get(h, regs[i], f);
    uint64_t r = arith_any(h, &flags, f, op, rm, v);
    fp_raise(h, flags);
    fp_set(h, in->rd, f, r);
    return EXEC_NEXT;
}

/* Inlined into each handler, so the fast path is specialised to its
 * operation and format; the rest goes to fp_arith_general. */
static inline __attribute__((always_inline)) int fp_arith(struct hart *h, const struct insn *in, const struct fpfmt *f,
                                                          enum fop op)
{
    unsigned n = fop_arity(op);
    const uint64_t v[3] = { fp_get(h, in->rs1, f), n > 1 ? fp_get(h, in->rs2, f) : 0,
                            n > 2 ? fp_get(h, in->rs3, f) : 0 };
    uint64_t r;
    if (f != F16 && fp_rm(h, in) == FRM_RNE && arith_fast(h, f, op, v, n, &r)) {
        fp_set(h, in->rd, f, r);
        return EXEC_NEXT;
    }
    return fp_arith_general(h, in, f, op);
}

/* ---- Sign injection, min/max, compares, classify (11.6, 11.8, 11.9) ---- */

enum sgnj { SGNJ, SGNJN, SGNJX };

/* Bitwise: no NaN canonicalisation and no flags. */
static int fp_sgnj(struct hart *h, const struct insn *in, const struct fpfmt *f, enum sgnj kind)
{
    uint64_t a = fp_get(h, in->rs1, f), b = fp_get(h, in->rs2, f), sign = fmt_sign(f);
    uint64_t s = kind == SGNJ ? b : kind == SGNJN ? ~b : a ^ b;
    fp_set(h, in->rd, f, (a & ~sign) | (s & sign));
    return EXEC_NEXT;
}

static uint64_t minmax_bits(unsigned *flags, const struct fpfmt *f, bool max, uint64_t a, uint64_t b)
{
    if (fmt_is_snan(f, a) || fmt_is_snan(f, b))
        *flags |= FFLAG_NV;
    if (fmt_is_nan(f, a))
        return fmt_is_nan(f, b) ? f->canon : b;
    if (fmt_is_nan(f, b))
        return a;
    if (fmt_value(f, a) == fmt_value(f, b))
        return (((a & fmt_sign(f)) != 0) != max) ? a : b; /* -0.0 < +0.0 */
    return ((fmt_value(f, a) < fmt_value(f, b)) != max) ? a : b;
}

static int fp_minmax(struct hart *h, const struct insn *in, const struct fpfmt *f, bool max)
{
    unsigned flags = 0;
    uint64_t r = minmax_bits(&flags, f, max, fp_get(h, in->rs1, f), fp_get(h, in->rs2, f));
    fp_raise(h, flags);
    fp_set(h, in->rd, f, r);
    return EXEC_NEXT;
}

/* feq, and Zfa's fltq and fleq, are quiet compares (NV only for sNaN); flt
 * and fle signal on any NaN. */
static bool compare_bits(unsigned *flags, const struct fpfmt *f, enum fcmp cmp, uint64_t a, uint64_t b)
{
    bool quiet = cmp == CMP_EQ || cmp >= CMP_LTQ;
    if (cmp >= CMP_LTQ)
        cmp = cmp == CMP_LTQ ? CMP_LT : CMP_LE;
    if (fmt_is_nan(f, a) || fmt_is_nan(f, b)) {
        if (!quiet || fmt_is_snan(f, a) || fmt_is_snan(f, b))
            *flags |= FFLAG_NV;
        return false;
    }
    double x = fmt_value(f, a), y = fmt_value(f, b);
    return cmp == CMP_EQ ? x == y : cmp == CMP_LT ? x < y : x <= y;
}

static int fp_compare(struct hart *h, const struct insn *in, const struct fpfmt *f, enum fcmp cmp)
{
    unsigned flags = 0;
    h->x[in->rd] = compare_bits(&flags, f, cmp, fp_get(h, in->rs1, f), fp_get(h, in->rs2, f));
    fp_raise(h, flags);
    return EXEC_NEXT;
}

static unsigned class_bits(const struct fpfmt *f, uint64_t v)
{
    uint64_t mag = fmt_abs(f, v);
    bool neg = (v & fmt_sign(f)) != 0;
    unsigned bit;
    if (fmt_is_nan(f, v))
        bit = fmt_quiet_bit(f, v) ? 9 : 8;
    else if (mag == fmt_inf(f))
        bit = neg ? 0 : 7;
    else if (mag == 0)
        bit = neg ? 3 : 4;
    else if (mag < (1ull << f->frac_bits)) /* exponent field zero: subnormal */
        bit = neg ? 2 : 5;
    else
        bit = neg ? 1 : 6;
    return 1u << bit;
}

static int fp_classify(struct hart *h, const struct insn *in, const struct fpfmt *f)
{
    h->x[in->rd] = class_bits(f, fp_get(h, in->rs1, f));
    return EXEC_NEXT;
}

/* ---- Conversions (11.7, 12.5) ---- */

enum ikind { IK_W, IK_WU, IK_L, IK_LU };

/* x rounded to the nearest integral value, ties to even (C23 roundeven,
 * which neither glibc 2.36's headers nor clang 14 offer). round() breaks a
 * tie away from zero; a tie is exactly half-way, and then 2 * round(x / 2)
 * is the even neighbour. Both steps are exact for every double. */
static double round_even(double x)
{
    double r = round(x);
    if (fabs(r - x) == 0.5)
        r = 2.0 * round(x / 2.0);
    return r;
}

/* x rounded to an integral value with rm; exact, raises nothing. */
static double round_integral(double x, int rm)
{
    switch (rm) {
    case FRM_RTZ: return trunc(x);
    case FRM_RDN: return floor(x);
    case FRM_RUP: return ceil(x);
    case FRM_RMM: return round(x);
    default: return round_even(x);
    }
}

/* To a `bits`-wide integer, saturating (table 11.4): sign-extended when
 * signed, else zero-extended. Every range check happens before the C
 * conversion, which therefore never sees an out-of-range value. */
static uint64_t to_int_bits(unsigned *flags, const struct fpfmt *f, uint64_t v, int rm, unsigned bits, bool sign)
{
    /* 2^(bits - sign) built from its exponent: ldexp would be a libm call
     * on every conversion. Exclusive upper, inclusive lower limit. */
    double lim_hi = f64_of((uint64_t)(1023 + bits - sign) << 52), lim_lo = sign ? -lim_hi : 0;
    uint64_t sat_hi = sign ? (1ull << (bits - 1)) - 1 : bits == 64 ? ~0ull : (1ull << bits) - 1;
    uint64_t sat_lo = sign ? ~sat_hi : 0;
    if (fmt_is_nan(f, v)) {
        *flags |= FFLAG_NV;
        return sat_hi;
    }
    double x = fmt_value(f, v), r = round_integral(x, rm);
    if (r >= lim_hi || r < lim_lo) {
        *flags |= FFLAG_NV;
        return r < 0 ? sat_lo : sat_hi;
    }
    if (r != x)
        *flags |= FFLAG_NX;
    return sign ? (uint64_t)(int64_t)r : (uint64_t)r; /* -0.0 converts to 0 */
}

/* Results of the 32-bit forms are sign-extended, fcvt.wu included. */
static int fp_cvt_to_int(struct hart *h, const struct insn *in, const struct fpfmt *f, enum ikind k)
{
    int rm = fp_rm(h, in);
    if (rm < 0)
        return hart_illegal(h, in);
    unsigned flags = 0;
    bool word = k == IK_W || k == IK_WU;
    uint64_t r = to_int_bits(&flags, f, fp_get(h, in->rs1, f), rm, word ? 32 : 64, k == IK_W || k == IK_L);
    h->x[in->rd] = word ? (uint64_t)(int64_t)(int32_t)(uint32_t)r : r;
    fp_raise(h, flags);
    return EXEC_NEXT;
}

/* x, sign- or zero-extended to 64 bits, in format f. */
static uint64_t from_int_bits(struct hart *h, unsigned *flags, const struct fpfmt *f, uint64_t x, bool sign, int rm)
{
    if (rm == FRM_RMM || f == F16) /* exact in long double */
        return round_to(flags, sign ? (long double)(int64_t)x : (long double)x, false, f, rm);
    if (f == F32) {
        host_begin(h, rm);
        FP_PIN(x);
        float r = sign ? (float)(int64_t)x : (float)x;
        FP_PIN(r);
        *flags |= host_end(rm);
        return bits_f32(r);
    }
    host_begin(h, rm);
    FP_PIN(x);
    double r = sign ? (double)(int64_t)x : (double)x;
    FP_PIN(r);
    *flags |= host_end(rm);
    return bits_f64(r);
}

static int fp_cvt_from_int(struct hart *h, const struct insn *in, const struct fpfmt *f, enum ikind k)
{
    int rm = fp_rm(h, in);
    if (rm < 0)
        return hart_illegal(h, in);
    uint64_t x = h->x[in->rs1];
    unsigned flags = 0;
    if (k == IK_W)
        x = (uint64_t)(int64_t)(int32_t)x;
    else if (k == IK_WU)
        x = (uint32_t)x;
    uint64_t res = from_int_bits(h, &flags, f, x, k == IK_W || k == IK_L, rm);
    fp_raise(h, flags);
    fp_set(h, in->rd, f, res);
    return EXEC_NEXT;
}

/* Narrowing conversions round; widening ones are exact. NaNs become
 * canonical, sNaN raises NV. */
static uint64_t convert_bits(struct hart *h, unsigned *flags, const struct fpfmt *to, const struct fpfmt *from,
                             uint64_t v, int rm)
{
    if (fmt_is_nan(from, v)) {
        *flags |= fmt_is_snan(from, v) ? FFLAG_NV : 0;
        return to->canon;
    }
    if (to->prec > from->prec)
        return fmt_bits(to, fmt_value(from, v));
    if (rm == FRM_RMM || to == F16)
        return round_to(flags, fmt_value(from, v), false, to, rm);
    double d = f64_of(v);
    host_begin(h, rm);
    FP_PIN(d);
    float r = (float)d;
    FP_PIN(r);
    *flags |= host_end(rm);
    return bits_f32(r);
}

static int fp_cvt_fmt(struct hart *h, const struct insn *in, const struct fpfmt *to, const struct fpfmt *from)
{
    int rm = fp_rm(h, in);
    if (rm < 0)
        return hart_illegal(h, in);
    unsigned flags = 0;
    uint64_t res = convert_bits(h, &flags, to, from, fp_get(h, in->rs1, from), rm);
    fp_raise(h, flags);
    fp_set(h, in->rd, to, res);
    return EXEC_NEXT;
}

/* ---- Loads, stores and moves (11.5, 11.7, 12.3) ---- */

static int fp_load(struct hart *h, const struct insn *in, unsigned size)
{
    uint64_t va = insn_va(h, in), value, tval;
    int cause = mmu_load(&h->mmu, va, size, &value, &tval);
    if (cause)
        return hart_raise(h, (uint64_t)cause, tval);
    fp_set(h, in->rd, size == 2 ? F16 : size == 4 ? F32 : F64, value);
    return EXEC_NEXT;
}

/* fsw (fsh) stores the low 32 (16) bits as they are, boxed or not. */
static int fp_store(struct hart *h, const struct insn *in, unsigned size)
{
    uint64_t va = insn_va(h, in), tval;
    int cause = mmu_store(&h->mmu, va, size, h->f[in->rs2], &tval);
    if (cause)
        return hart_raise(h, (uint64_t)cause, tval);
    return EXEC_NEXT;
}

/* ---- Handlers ---- */

/* Every F/D instruction is illegal while mstatus.F32 is Off (priv. 3.1.6.6). */
/* clang-format off */
#define FP_HANDLER(name, body)                                  \
    INSN(name)                                                  \
    {                                                           \
        if (!hart_fp_enabled(h))                                \
            return hart_illegal(h, in);                         \
        return body;                                            \
    }
/* clang-format on */

/* Loads and stores: hand-written threaded entries whose TLB hit needs no
 * stack frame, as for the integer ones (exec_int.c). */
/* clang-format off */
#define FP_LOAD(name, size, F)                                                          \
    INSN_SEM(name) { return hart_fp_enabled(h) ? fp_load(h, in, size) : hart_illegal(h, in); } \
    int thr_##name(struct hart *h, const struct insn *in)                               \
    {                                                                                   \
        uint64_t value;                                                                 \
        if (!hart_fp_enabled(h) ||                                                      \
            !mmu_load_fast(&h->mmu, insn_va(h, in), size, &value))                  \
            return dispatch_slow(h, in, exec_##name);                                   \
        fp_set(h, in->rd, F, value);                                                    \
        return next_insn(h, in);                                                     \
    }
#define FP_STORE(name, size)                                                            \
    INSN_SEM(name) { return hart_fp_enabled(h) ? fp_store(h, in, size) : hart_illegal(h, in); } \
    int thr_##name(struct hart *h, const struct insn *in)                               \
    {                                                                                   \
        if (!hart_fp_enabled(h) ||                                                      \
            !mmu_store_fast(&h->mmu, insn_va(h, in), size, h->f[in->rs2]))         \
            return dispatch_slow(h, in, exec_##name);                                   \
        return next_insn(h, in);                                                     \
    }
/* clang-format on */

FP_LOAD(flh, 2, F16)
FP_LOAD(flw, 4, F32)
FP_LOAD(fld, 8, F64)
FP_STORE(fsh, 2)
FP_STORE(fsw, 4)
FP_STORE(fsd, 8)

/* fmv.x.w sign-extends the raw low 32 bits; fmv.w.x NaN-boxes (11.7). */
FP_HANDLER(fmv_x_w, (h->x[in->rd] = (uint64_t)(int64_t)(int32_t)(uint32_t)h->f[in->rs1], EXEC_NEXT))
FP_HANDLER(fmv_w_x, (fp_set(h, in->rd, F32, (uint32_t)h->x[in->rs1]), EXEC_NEXT))
FP_HANDLER(fmv_x_d, (h->x[in->rd] = h->f[in->rs1], EXEC_NEXT))
FP_HANDLER(fmv_d_x, (fp_set(h, in->rd, F64, h->x[in->rs1]), EXEC_NEXT))
FP_HANDLER(fcvt_s_d, fp_cvt_fmt(h, in, F32, F64))
FP_HANDLER(fcvt_d_s, fp_cvt_fmt(h, in, F64, F32))
/* Zfhmin: fmv.x.h sign-extends the raw low 16 bits; fmv.h.x NaN-boxes. */
FP_HANDLER(fmv_x_h, (h->x[in->rd] = (uint64_t)(int64_t)(int16_t)(uint16_t)h->f[in->rs1], EXEC_NEXT))
FP_HANDLER(fmv_h_x, (fp_set(h, in->rd, F16, (uint16_t)h->x[in->rs1]), EXEC_NEXT))
FP_HANDLER(fcvt_s_h, fp_cvt_fmt(h, in, F32, F16))
FP_HANDLER(fcvt_h_s, fp_cvt_fmt(h, in, F16, F32))
FP_HANDLER(fcvt_d_h, fp_cvt_fmt(h, in, F64, F16))
FP_HANDLER(fcvt_h_d, fp_cvt_fmt(h, in, F16, F64))

#define FP_FORMAT_HANDLERS(s, F)                                \
    FP_HANDLER(fadd_##s, fp_arith(h, in, F, FOP_ADD))           \
    FP_HANDLER(fsub_##s, fp_arith(h, in, F, FOP_SUB))           \
    FP_HANDLER(fmul_##s, fp_arith(h, in, F, FOP_MUL))           \
    FP_HANDLER(fdiv_##s, fp_arith(h, in, F, FOP_DIV))           \
    FP_HANDLER(fsqrt_##s, fp_arith(h, in, F, FOP_SQRT))         \
    FP_HANDLER(fmadd_##s, fp_arith(h, in, F, FOP_MADD))         \
    FP_HANDLER(fmsub_##s, fp_arith(h, in, F, FOP_MSUB))         \
    FP_HANDLER(fnmsub_##s, fp_arith(h, in, F, FOP_NMSUB))       \
    FP_HANDLER(fnmadd_##s, fp_arith(h, in, F, FOP_NMADD))       \
    FP_HANDLER(fsgnj_##s, fp_sgnj(h, in, F, SGNJ))              \
    FP_HANDLER(fsgnjn_##s, fp_sgnj(h, in, F, SGNJN))            \
    FP_HANDLER(fsgnjx_##s, fp_sgnj(h, in, F, SGNJX))            \
    FP_HANDLER(fmin_##s, fp_minmax(h, in, F, false))            \
    FP_HANDLER(fmax_##s, fp_minmax(h, in, F, true))             \
    FP_HANDLER(feq_##s, fp_compare(h, in, F, CMP_EQ))           \
    FP_HANDLER(flt_##s, fp_compare(h, in, F, CMP_LT))           \
    FP_HANDLER(fle_##s, fp_compare(h, in, F, CMP_LE))           \
    FP_HANDLER(fclass_##s, fp_classify(h, in, F))               \
    FP_HANDLER(fcvt_w_##s, fp_cvt_to_int(h, in, F, IK_W))       \
    FP_HANDLER(fcvt_wu_##s, fp_cvt_to_int(h, in, F, IK_WU))     \
    FP_HANDLER(fcvt_l_##s, fp_cvt_to_int(h, in, F, IK_L))       \
    FP_HANDLER(fcvt_lu_##s, fp_cvt_to_int(h, in, F, IK_LU))     \
    FP_HANDLER(fcvt_##s##_w, fp_cvt_from_int(h, in, F, IK_W))   \
    FP_HANDLER(fcvt_##s##_wu, fp_cvt_from_int(h, in, F, IK_WU)) \
    FP_HANDLER(fcvt_##s##_l, fp_cvt_from_int(h, in, F, IK_L))   \
    FP_HANDLER(fcvt_##s##_lu, fp_cvt_from_int(h, in, F, IK_LU))

FP_FORMAT_HANDLERS(h, F16)
FP_FORMAT_HANDLERS(s, F32)
FP_FORMAT_HANDLERS(d, F64)

/* ---- Zfa ---- */

/* fli: the constants of Zfa's table, entry i; entry 1 is the format's
 * smallest normal number and 31 its canonical NaN (not in this array),
 * and for halves, which cannot hold 2^16, entry 29 is infinity. */
static const double fli_values[32] = {
    -1.0,   0,   0x1p-16, 0x1p-15, 0x1p-8, 0x1p-7, 0.0625, 0.125,  0.25,     0.3125, 0.375,
    0.4375, 0.5, 0.625,   0.75,    0.875,  1.0,    1.25,   1.5,    1.75,     2.0,    2.5,
    3.0,    4.0, 8.0,     16.0,    128.0,  256.0,  0x1p15, 0x1p16, HUGE_VAL, 0,
};
#define FLI_MIN_NORMAL 1
#define FLI_2_16       29
#define FLI_NAN        31

/* No flags, ever. */
static int fp_fli(struct hart *h, const struct insn *in, const struct fpfmt *f)
{
    unsigned i = in->rs1 & 31;
    uint64_t bits;
    if (i == FLI_MIN_NORMAL)
        bits = 1ull << f->frac_bits; /* exponent field 1, fraction 0 */
    else if (i == FLI_NAN)
        bits = f->canon;
    else
        bits = fmt_bits(f, f == F16 && i == FLI_2_16 ? HUGE_VAL : fli_values[i]);
    fp_set(h, in->rd, f, bits);
    return EXEC_NEXT;
}

/* fminm/fmaxm: fmin/fmax, but a NaN operand gives the canonical NaN. */
static int fp_minmax_nan(struct hart *h, const struct insn *in, const struct fpfmt *f, bool max)
{
    uint64_t a = fp_get(h, in->rs1, f), b = fp_get(h, in->rs2, f);
    if (!fmt_is_nan(f, a) && !fmt_is_nan(f, b))
        return fp_minmax(h, in, f, max);
    fp_raise(h, fmt_is_snan(f, a) || fmt_is_snan(f, b) ? FFLAG_NV : 0);
    fp_set(h, in->rd, f, f->canon);
    return EXEC_NEXT;
}

/* fround (fround.nx with exact = true): rs1 rounded to an integral value in
 * the format. Zeros and infinities are copied; NaNs give the canonical NaN
 * (NV for a signalling one); froundnx alone raises NX, when the value
 * changed. */
static int fp_round(struct hart *h, const struct insn *in, const struct fpfmt *f, bool exact)
{
    int rm = fp_rm(h, in);
    if (rm < 0)
        return hart_illegal(h, in);
    uint64_t v = fp_get(h, in->rs1, f), res = v;
    if (fmt_is_nan(f, v)) {
        fp_raise(h, fmt_is_snan(f, v) ? FFLAG_NV : 0);
        res = f->canon;
    } else if (!fmt_is_inf(f, v) && !fmt_is_zero(f, v)) {
        double x = fmt_value(f, v), r = copysign(round_integral(x, rm), x);
        if (exact && r != x)
            fp_raise(h, FFLAG_NX);
        res = fmt_bits(f, r);
    }
    fp_set(h, in->rd, f, res);
    return EXEC_NEXT;
}

/* fcvtmod.w.d: rs1 truncated, modulo 2^32, sign-extended; infinities and
 * NaNs give 0. The flags are those of fcvt.w.d rtz on the same value. */
static int fp_cvtmod(struct hart *h, const struct insn *in)
{
    uint64_t v = fp_get(h, in->rs1, F64);
    unsigned flags = 0;
    double r = 0;
    if (fmt_is_nan(F64, v) || fmt_is_inf(F64, v)) {
        flags = FFLAG_NV;
    } else {
        double x = f64_of(v), t = trunc(x);
        flags = t >= 0x1p31 || t < -0x1p31 ? FFLAG_NV : t != x ? FFLAG_NX : 0;
        r = fmod(t, 0x1p32); /* exact, and below 2^32 in magnitude */
    }
    fp_raise(h, flags);
    h->x[in->rd] = (uint64_t)(int64_t)(int32_t)(uint32_t)(int64_t)r;
    return EXEC_NEXT;
}

/* clang-format off */
#define ZFA_HANDLERS(s, F)                                      \
    FP_HANDLER(fli_##s, fp_fli(h, in, F))                       \
    FP_HANDLER(fminm_##s, fp_minmax_nan(h, in, F, false))       \
    FP_HANDLER(fmaxm_##s, fp_minmax_nan(h, in, F, true))        \
    FP_HANDLER(fround_##s, fp_round(h, in, F, false))           \
    FP_HANDLER(froundnx_##s, fp_round(h, in, F, true))          \
    FP_HANDLER(fleq_##s, fp_compare(h, in, F, CMP_LEQ))         \
    FP_HANDLER(fltq_##s, fp_compare(h, in, F, CMP_LTQ))
/* clang-format on */

ZFA_HANDLERS(h, F16)
ZFA_HANDLERS(s, F32)
ZFA_HANDLERS(d, F64)
FP_HANDLER(fcvtmod_w_d, fp_cvtmod(h, in))

/* ---- Element operations for the vector unit (cpu/fpu.h) ---- */

static const struct fpfmt *fmt_of(unsigned fmt) { return fmt == FPU_H ? F16 : fmt == FPU_S ? F32 : F64; }

uint64_t fpu_arith(struct hart *h, unsigned *flags, unsigned fmt, enum fop op, int rm, const uint64_t v[3])
{
    return arith_any(h, flags, fmt_of(fmt), op, rm, v);
}

uint64_t fpu_minmax(unsigned *flags, unsigned fmt, bool max, uint64_t a, uint64_t b)
{
    return minmax_bits(flags, fmt_of(fmt), max, a, b);
}

bool fpu_compare(unsigned *flags, unsigned fmt, enum fcmp cmp, uint64_t a, uint64_t b)
{
    return compare_bits(flags, fmt_of(fmt), cmp, a, b);
}

unsigned fpu_class(unsigned fmt, uint64_t v) { return class_bits(fmt_of(fmt), v); }

uint64_t fpu_to_int(unsigned *flags, unsigned fmt, uint64_t v, int rm, unsigned bits, bool is_signed)
{
    return to_int_bits(flags, fmt_of(fmt), v, rm, bits, is_signed);
}

uint64_t fpu_from_int(struct hart *h, unsigned *flags, unsigned fmt, uint64_t x, bool is_signed, int rm)
{
    return from_int_bits(h, flags, fmt_of(fmt), x, is_signed, rm);
}

uint64_t fpu_convert(struct hart *h, unsigned *flags, unsigned to, unsigned from, uint64_t v, int rm)
{
    return convert_bits(h, flags, fmt_of(to), fmt_of(from), v, rm);
}

uint64_t fpu_get_reg(const struct hart *h, unsigned r, unsigned fmt) { return fp_get(h, r, fmt_of(fmt)); }
void fpu_set_reg(struct hart *h, unsigned r, unsigned fmt, uint64_t bits) { fp_set(h, r, fmt_of(fmt), bits); }
void fpu_raise(struct hart *h, unsigned flags) { fp_raise(h, flags); }
void fpu_host_begin(const struct hart *h, int rm) { host_begin(h, rm); }
unsigned fpu_host_end(int rm) { return host_end(rm); }
