/*
 * Vector floating point (V 1.0 13, 14.3, 16.2 and 16.3.3): the OP-V
 * categories OPFVV and OPFVF, dispatched by funct6, at SEW 32 and 64 and,
 * with Zvfh, 16 (Zvfhmin: only vfwcvt.f.f.v from and vfncvt.f.f.w to
 * binary16).
 *
 * Element semantics are cpu/fpu.c's (cpu/fpu.h): the scalar rounding, NaN
 * and flag rules. Every instruction here needs mstatus.FS on (13) and a
 * valid frm: a reserved one makes all of them illegal, those that do not
 * round too (the scalar rule, 11.2, reads "an operation with a dynamic
 * rounding mode", and every vector one is; QEMU 7.2 does the same). Flags of the
 * active elements are collected over the instruction and accrued into
 * fflags once; inactive elements raise none (13.2). A scalar from f[rs1] is
 * read at SEW, NaN-unboxed: an improperly boxed value is the canonical NaN.
 *
 * Speed: add, subtract, multiply, divide, square root and the fused
 * multiply-adds at SEW 32 and 64 (and the widening forms from 32 to 64) in
 * the four rounding modes the host has run as plain loops of host float or
 * double operations inside one host FPU window (fpu_host_begin/end): the
 * host's IEEE results and flags are the RISC-V ones, and a NaN result is
 * replaced by the canonical NaN. x86 may not raise invalid for fma(inf, 0,
 * qNaN), which RISC-V requires: NaN results of the multiply-adds check for
 * it. Everything else (SEW 16, RMM, conversions, compares, reductions) goes
 * element by element through fpu.h.
 */
#include <math.h>

#include "cpu/dispatch.h"
#include "cpu/fpu.h"
#include "cpu/vector.h"

typedef float __attribute__((may_alias)) f32a;
typedef double __attribute__((may_alias)) f64a;

static inline uint8_t *reg_of(struct vop *o, unsigned r) { return vreg(o->h, r); }
/* clang-format off */
static inline uint64_t get_elem(const uint8_t *p, unsigned sew, uint64_t i) { return load_le(p + (i << sew), 1u << sew); }
static inline void put_elem(uint8_t *p, unsigned sew, uint64_t i, uint64_t v) { store_le(p + (i << sew), 1u << sew, v); }
/* clang-format on */

static inline int vf_done(struct vop *o)
{
    fpu_raise(o->h, o->fflags);
    return vop_done(o);
}

/* Whether SEW 2^sew bytes is a floating-point width here. */
static inline bool fp_sew_ok(const struct hart *h, unsigned sew)
{
    return sew == FPU_S || sew == FPU_D || (sew == FPU_H && isa_has(&h->isa, EXT_ZVFH));
}

/* vd of EEW 2^dsew and vs2 of EEW 2^asew bytes (vs1, when it is a register
 * operand, of SEW): groups aligned and within 8 registers, overlaps as 5.2
 * allows, a masked vd not v0. */
static bool shape_ok(const struct vop *o, unsigned dsew, unsigned asew, bool vs1)
{
    int demul = o->lmul + (int)dsew - (int)o->sew, aemul = o->lmul + (int)asew - (int)o->sew;
    vs1 = vs1 && o->form == VFORM_VV;
    return demul <= 3 && aemul <= 3 && vgroup_ok(o->vd, demul) && vgroup_ok(o->vs2, aemul) &&
           (!vs1 || vgroup_ok(o->vs1, o->lmul)) && !(o->masked && o->vd == 0) &&
           vector_overlap_ok(o->vd, dsew, demul, o->vs2, asew, aemul) &&
           (!vs1 || vector_overlap_ok(o->vd, dsew, demul, o->vs1, o->sew, o->lmul));
}

/* ---- Arithmetic: add, sub, mul, div, sqrt, fused multiply-adds ---- */

/* How an instruction's vs2 (a), vs1 or scalar (b) and old vd (c) become the
 * fpu operands, and its widening: none, SEW x SEW -> 2*SEW, or 2*SEW x SEW
 * -> 2*SEW (the .w forms). */
enum { ORD_AB, ORD_BA, ORD_BAC, ORD_BCA };
enum { W_NONE, W_VV, W_WV };

static inline uint64_t arith_elem(struct vop *o, enum fop op, unsigned ord, unsigned wide, uint64_t a, uint64_t b,
                                  uint64_t c)
{
    unsigned fmt = o->sew + (wide != W_NONE);
    if (wide == W_VV)
        a = fpu_convert(o->h, &o->fflags, fmt, o->sew, a, o->rm);
    if (wide != W_NONE)
        b = fpu_convert(o->h, &o->fflags, fmt, o->sew, b, o->rm);
    uint64_t v[3] = { a, b, c };
    if (ord == ORD_BA || ord == ORD_BAC)
        v[0] = b, v[1] = a;
    else if (ord == ORD_BCA)
        v[0] = b, v[1] = c, v[2] = a;
    return fpu_arith(o->h, &o->fflags, fmt, op, o->rm, v);
}

typedef uint64_t (*felem_fn)(struct vop *o, uint64_t a, uint64_t b, uint64_t c);

/* vd[i] = fn(vs2[i], vs1[i] or the scalar, vd[i]) for active i, element
 * widths vd 2^dsew, vs2 2^asew, vs1 SEW. In increasing order: the overlaps
 * 5.2 allows read each source element before it is overwritten. */
static void elem_loop(struct vop *o, felem_fn fn, unsigned dsew, unsigned asew)
{
    uint8_t *d = reg_of(o, o->vd);
    const uint8_t *a = reg_of(o, o->vs2), *b = o->form == VFORM_VV ? reg_of(o, o->vs1) : NULL;
    for (uint64_t i = o->start; i < o->vl; i++) {
        if (!vop_active(o, i))
            continue;
        uint64_t y = b ? get_elem(b, o->sew, i) : o->x;
        put_elem(d, dsew, i, fn(o, get_elem(a, asew, i), y, get_elem(d, dsew, i)));
    }
}

/* The host loops: x is vs2's element, y vs1's or the scalar, z the old vd
 * element, all converted to the destination type DT; `nanfix` is evaluated
 * for a NaN result and gives flags the host may have missed. */
#define FMA(p, q, s)   _Generic((p), float : fmaf, default : fma)(p, q, s)
#define SQRT(p)        _Generic((p), float : sqrtf, default : sqrt)(p)
#define INF_ZERO(p, q) ((isinf(p) && (q) == 0) || ((p) == 0 && isinf(q)) ? FFLAG_NV : 0u)
#define HOST_BODY(YV, expr, nanfix)               \
    {                                             \
        DT x = (DT)av[i], y = (DT)(YV), z = d[i]; \
        (void)y, (void)z;                         \
        DT r = (expr);                            \
        if (__builtin_expect(r != r, 0)) {        \
            nv |= (nanfix);                       \
            r = canon;                            \
        }                                         \
        d[i] = r;                                 \
    }
#define HOST_LOOPS(YV, expr, nanfix)               \
    do {                                           \
        if (!mask) {                               \
            for (uint64_t i = start; i < end; i++) \
                HOST_BODY(YV, expr, nanfix)        \
        } else {                                   \
            for (uint64_t i = start; i < end; i++) \
                if (vmask_bit(mask, i))            \
                    HOST_BODY(YV, expr, nanfix)    \
        }                                          \
    } while (0)
/* clang-format off */
#define DEF_HOST(name, DT_, AT, BT, CANON, expr, nanfix)                                                              \
    static unsigned name(struct vop *o)                                                                                \
    {                                                                                                                  \
        typedef DT_ DT;                                                                                                \
        const DT canon = CANON;                                                                                        \
        DT *d = (DT *)reg_of(o, o->vd);                                                                                \
        const AT *av = (const AT *)reg_of(o, o->vs2);                                                                  \
        const uint8_t *mask = o->mask;                                                                                 \
        const uint64_t start = o->start, end = o->vl;                                                                  \
        unsigned nv = 0;                                                                                               \
        if (o->form == VFORM_VV) {                                                                                     \
            const BT *bv = (const BT *)reg_of(o, o->vs1);                                                              \
            HOST_LOOPS(bv[i], expr, nanfix);                                                                           \
        } else {                                                                                                       \
            BT bs;                                                                                                     \
            __builtin_memcpy(&bs, &o->x, sizeof bs);                                                                   \
            HOST_LOOPS(bs, expr, nanfix);                                                                              \
        }                                                                                                              \
        return nv;                                                                                                     \
    }
/* clang-format on */

typedef unsigned (*fhost_fn)(struct vop *o);

/* Runs an arithmetic instruction: the host loop when there is one for this
 * SEW and the mode is not RMM, else element by element. */
static int run_arith(struct vop *o, felem_fn fn, const fhost_fn *host, unsigned wide)
{
    unsigned dsew = o->sew + (wide != W_NONE), asew = wide == W_WV ? dsew : o->sew;
    if ((wide != W_NONE && o->sew == FPU_D) || !shape_ok(o, dsew, asew, true))
        return vop_illegal(o);
    fhost_fn hf = o->sew >= FPU_S ? host[o->sew - FPU_S] : NULL;
    if (hf && o->rm != FRM_RMM) {
        fpu_host_begin(o->h, o->rm);
        unsigned nv = hf(o);
        o->fflags |= fpu_host_end(o->rm) | nv;
    } else {
        elem_loop(o, fn, dsew, asew);
    }
    return vf_done(o);
}

#define CANON_S __builtin_nanf("")
#define CANON_D __builtin_nan("")

/* name, fpu operation and operand order, host expression, NaN check. */
/* clang-format off */
#define ARITH(name, op, ord, expr, nanfix)                                                                             \
    static uint64_t e_##name(struct vop *o, uint64_t a, uint64_t b, uint64_t c)                                        \
    {                                                                                                                  \
        return arith_elem(o, op, ord, W_NONE, a, b, c);                                                                \
    }                                                                                                                  \
    DEF_HOST(h32_##name, f32a, f32a, f32a, CANON_S, expr, nanfix)                                                      \
    DEF_HOST(h64_##name, f64a, f64a, f64a, CANON_D, expr, nanfix)                                                      \
    static int op_##name(struct vop *o)                                                                                \
    {                                                                                                                  \
        static const fhost_fn host[2] = { h32_##name, h64_##name };                                                    \
        return run_arith(o, e_##name, host, W_NONE);                                                                   \
    }
/* Widening: SEW x SEW (wide = W_VV) or 2*SEW x SEW (W_WV); the host loop
 * goes from float to double. */
#define WARITH(name, op, ord, wide, AT, expr, nanfix)                                                                  \
    static uint64_t e_##name(struct vop *o, uint64_t a, uint64_t b, uint64_t c)                                        \
    {                                                                                                                  \
        return arith_elem(o, op, ord, wide, a, b, c);                                                                  \
    }                                                                                                                  \
    DEF_HOST(h_##name, f64a, AT, f32a, CANON_D, expr, nanfix)                                                          \
    static int op_##name(struct vop *o)                                                                                \
    {                                                                                                                  \
        static const fhost_fn host[2] = { h_##name, NULL };                                                            \
        return run_arith(o, e_##name, host, wide);                                                                     \
    }
/* clang-format on */

ARITH(vfadd, FOP_ADD, ORD_AB, x + y, 0)
ARITH(vfsub, FOP_SUB, ORD_AB, x - y, 0)
ARITH(vfrsub, FOP_SUB, ORD_BA, y - x, 0)
ARITH(vfmul, FOP_MUL, ORD_AB, x *y, 0)
ARITH(vfdiv, FOP_DIV, ORD_AB, x / y, 0)
ARITH(vfrdiv, FOP_DIV, ORD_BA, y / x, 0)
ARITH(vfsqrt, FOP_SQRT, ORD_AB, SQRT(x), 0)
/* vd = +-(vs1 * vs2) +- vd */
ARITH(vfmacc, FOP_MADD, ORD_BAC, FMA(y, x, z), INF_ZERO(y, x))
ARITH(vfnmacc, FOP_NMADD, ORD_BAC, FMA(-y, x, -z), INF_ZERO(y, x))
ARITH(vfmsac, FOP_MSUB, ORD_BAC, FMA(y, x, -z), INF_ZERO(y, x))
ARITH(vfnmsac, FOP_NMSUB, ORD_BAC, FMA(-y, x, z), INF_ZERO(y, x))
/* vd = +-(vs1 * vd) +- vs2 */
ARITH(vfmadd, FOP_MADD, ORD_BCA, FMA(y, z, x), INF_ZERO(y, z))
ARITH(vfnmadd, FOP_NMADD, ORD_BCA, FMA(-y, z, -x), INF_ZERO(y, z))
ARITH(vfmsub, FOP_MSUB, ORD_BCA, FMA(y, z, -x), INF_ZERO(y, z))
ARITH(vfnmsub, FOP_NMSUB, ORD_BCA, FMA(-y, z, x), INF_ZERO(y, z))
WARITH(vfwadd, FOP_ADD, ORD_AB, W_VV, f32a, x + y, 0)
WARITH(vfwsub, FOP_SUB, ORD_AB, W_VV, f32a, x - y, 0)
WARITH(vfwadd_w, FOP_ADD, ORD_AB, W_WV, f64a, x + y, 0)
WARITH(vfwsub_w, FOP_SUB, ORD_AB, W_WV, f64a, x - y, 0)
WARITH(vfwmul, FOP_MUL, ORD_AB, W_VV, f32a, x *y, 0)
WARITH(vfwmacc, FOP_MADD, ORD_BAC, W_VV, f32a, FMA(y, x, z), INF_ZERO(y, x))
WARITH(vfwnmacc, FOP_NMADD, ORD_BAC, W_VV, f32a, FMA(-y, x, -z), INF_ZERO(y, x))
WARITH(vfwmsac, FOP_MSUB, ORD_BAC, W_VV, f32a, FMA(y, x, -z), INF_ZERO(y, x))
WARITH(vfwnmsac, FOP_NMSUB, ORD_BAC, W_VV, f32a, FMA(-y, x, z), INF_ZERO(y, x))

/* ---- Min/max, sign injection, merge and move: element by element ---- */

#define SIGN(o) (1ull << ((8u << (o)->sew) - 1))
/* clang-format off */
static uint64_t e_vfmin(struct vop *o, uint64_t a, uint64_t b, uint64_t c) { (void)c; return fpu_minmax(&o->fflags, o->sew, false, a, b); }
static uint64_t e_vfmax(struct vop *o, uint64_t a, uint64_t b, uint64_t c) { (void)c; return fpu_minmax(&o->fflags, o->sew, true, a, b); }
static uint64_t e_vfsgnj(struct vop *o, uint64_t a, uint64_t b, uint64_t c) { (void)c; return (a & ~SIGN(o)) | (b & SIGN(o)); }
static uint64_t e_vfsgnjn(struct vop *o, uint64_t a, uint64_t b, uint64_t c) { (void)c; return (a & ~SIGN(o)) | (~b & SIGN(o)); }
static uint64_t e_vfsgnjx(struct vop *o, uint64_t a, uint64_t b, uint64_t c) { (void)c; return a ^ (b & SIGN(o)); }
static uint64_t e_merge(struct vop *o, uint64_t a, uint64_t b, uint64_t c) { (void)c, (void)o; return b; }
/* clang-format on */

/* unary: vs1 is a selector, not an operand. */
static int run_elem(struct vop *o, felem_fn fn, bool unary)
{
    if (!shape_ok(o, o->sew, o->sew, !unary))
        return vop_illegal(o);
    elem_loop(o, fn, o->sew, o->sew);
    return vf_done(o);
}

#define ELEM_HANDLER(name) \
    static int op_##name(struct vop *o) { return run_elem(o, e_##name, false); }
ELEM_HANDLER(vfmin)
ELEM_HANDLER(vfmax)
ELEM_HANDLER(vfsgnj)
ELEM_HANDLER(vfsgnjn)
ELEM_HANDLER(vfsgnjx)

/* vfmerge.vfm (vm = 0: v0 picks the scalar or vs2, every body element) and
 * vfmv.v.f (vm = 1, vs2 = v0). */
static int op_vfmerge(struct vop *o)
{
    if (!o->masked) {
        if (o->vs2 != 0)
            return vop_illegal(o);
        return run_elem(o, e_merge, false);
    }
    if (o->vd == 0 || !shape_ok(o, o->sew, o->sew, false))
        return vop_illegal(o);
    uint8_t *d = reg_of(o, o->vd);
    const uint8_t *a = reg_of(o, o->vs2);
    for (uint64_t i = o->start; i < o->vl; i++)
        put_elem(d, o->sew, i, vmask_bit(o->mask, i) ? o->x : get_elem(a, o->sew, i));
    return vf_done(o);
}

/* ---- Compares into masks (13.13) ---- */

static int op_vfcmp(struct vop *o)
{
    unsigned f6 = vf_funct6(o->in->bits), n = vgroup_regs(o->lmul);
    bool vv = o->form == VFORM_VV;
    if (!vgroup_ok(o->vs2, o->lmul) || (vv && !vgroup_ok(o->vs1, o->lmul)) ||
        (vgroups_overlap(o->vd, 1, o->vs2, n) && o->vd != o->vs2) ||
        (vv && vgroups_overlap(o->vd, 1, o->vs1, n) && o->vd != o->vs1))
        return vop_illegal(o);
    /* 0x18 vmfeq, 0x19 vmfle, 0x1b vmflt, 0x1c vmfne, 0x1d vmfgt, 0x1f vmfge */
    enum fcmp cmp = f6 == 0x18 || f6 == 0x1c ? CMP_EQ : f6 == 0x19 || f6 == 0x1f ? CMP_LE : CMP_LT;
    bool swap = f6 == 0x1d || f6 == 0x1f, neg = f6 == 0x1c;
    const uint8_t *a = reg_of(o, o->vs2), *b = vv ? reg_of(o, o->vs1) : NULL;
    uint8_t *d = reg_of(o, o->vd), out[ISA_VLEN_MAX / 8];
    __builtin_memcpy(out, d, o->h->vec.vlenb); /* vd may be a source */
    for (uint64_t i = o->start; i < o->vl; i++) {
        if (!vop_active(o, i))
            continue;
        uint64_t x = get_elem(a, o->sew, i), y = b ? get_elem(b, o->sew, i) : o->x;
        bool r = swap ? fpu_compare(&o->fflags, o->sew, cmp, y, x) : fpu_compare(&o->fflags, o->sew, cmp, x, y);
        vmask_set(out, i, r != neg);
    }
    __builtin_memcpy(d, out, o->h->vec.vlenb);
    return vf_done(o);
}

/* ---- vfrsqrt7, vfrec7 (13.9, 13.10): the spec's 7-bit tables ---- */

/* clang-format off */
static const uint8_t rsqrt7_table[128] = {
    52, 51, 50, 48, 47, 46, 44, 43, 42, 41, 40, 39, 38, 36, 35, 34, 33, 32, 31, 30, 30, 29, 28, 27, 26, 25, 24, 23,
    23, 22, 21, 20, 19, 19, 18, 17, 16, 16, 15, 14, 14, 13, 12, 12, 11, 10, 10, 9, 9, 8, 7, 7, 6, 6, 5, 4, 4, 3, 3,
    2, 2, 1, 1, 0,
    127, 125, 123, 121, 119, 118, 116, 114, 113, 111, 109, 108, 106, 105, 103, 102, 100, 99, 97, 96, 95, 93, 92, 91,
    90, 88, 87, 86, 85, 84, 83, 82, 80, 79, 78, 77, 76, 75, 74, 73, 72, 71, 70, 70, 69, 68, 67, 66, 65, 64, 63, 63,
    62, 61, 60, 59, 59, 58, 57, 56, 56, 55, 54, 53,
};
static const uint8_t rec7_table[128] = {
    127, 125, 123, 121, 119, 117, 116, 114, 112, 110, 109, 107, 105, 104, 102, 100, 99, 97, 96, 94, 93, 91, 90, 88,
    87, 85, 84, 83, 81, 80, 79, 77, 76, 75, 74, 72, 71, 70, 69, 68, 66, 65, 64, 63, 62, 61, 60, 59, 58, 57, 56, 55,
    54, 53, 52, 51, 50, 49, 48, 47, 46, 45, 44, 43, 42, 41, 40, 40, 39, 38, 37, 36, 35, 35, 34, 33, 32, 31, 31, 30,
    29, 28, 28, 27, 26, 25, 25, 24, 23, 23, 22, 21, 21, 20, 19, 19, 18, 17, 17, 16, 15, 15, 14, 14, 13, 12, 12, 11,
    11, 10, 9, 9, 8, 8, 7, 7, 6, 5, 5, 4, 4, 3, 3, 2, 2, 1, 1, 0,
};
/* clang-format on */

/* The fields of a format of SEW 2^sew bytes. */
struct ffields {
    unsigned m, e; /* significand and exponent bits */
    int bias;      /* B */
    uint64_t sign, canon;
};

static struct ffields fields_of(unsigned sew)
{
    unsigned w = 8u << sew, e = sew == FPU_H ? 5 : sew == FPU_S ? 8 : 11;
    struct ffields f = { w - 1 - e, e, (1 << (e - 1)) - 1, 1ull << (w - 1), 0 };
    f.canon = (((1ull << e) - 1) << f.m) | (1ull << (f.m - 1));
    return f;
}

/* Splits a finite nonzero magnitude into the normalized exponent and the
 * significand without its leading one (13.9: subnormals are normalized). */
static void normalize(const struct ffields *f, uint64_t mag, int *exp, uint64_t *sig)
{
    uint64_t frac_mask = (1ull << f->m) - 1;
    *exp = (int)(mag >> f->m);
    *sig = mag & frac_mask;
    if (*exp == 0) {
        int lz = __builtin_clzll(*sig) - (64 - (int)f->m);
        *exp = -lz;
        *sig = (*sig << (1 + lz)) & frac_mask;
    }
}

/* NaN, infinity, zero, and (rsqrt) negative inputs: true with *r set. */
static bool est_special(struct vop *o, const struct ffields *f, uint64_t v, bool rsqrt, uint64_t *r)
{
    uint64_t mag = v & (f->sign - 1), inf = ((1ull << f->e) - 1) << f->m;
    bool neg = (v & f->sign) != 0;
    if (mag > inf) {
        o->fflags |= (mag & (1ull << (f->m - 1))) ? 0 : FFLAG_NV;
        *r = f->canon;
    } else if (mag == 0) {
        o->fflags |= FFLAG_DZ;
        *r = v | inf;
    } else if (rsqrt && neg) {
        o->fflags |= FFLAG_NV;
        *r = f->canon;
    } else if (mag == inf) {
        *r = v & f->sign;
    } else {
        return false;
    }
    return true;
}

static uint64_t e_vfrsqrt7(struct vop *o, uint64_t v, uint64_t b, uint64_t c)
{
    struct ffields f = fields_of(o->sew);
    uint64_t r, sig;
    int exp;
    (void)b, (void)c;
    if (est_special(o, &f, v, true, &r))
        return r;
    normalize(&f, v, &exp, &sig);
    unsigned idx = (unsigned)(exp & 1) << 6 | (unsigned)(sig >> (f.m - 6));
    uint64_t out_exp = (uint64_t)((3 * f.bias - 1 - exp) / 2); /* positive: exp <= 2B */
    return out_exp << f.m | (uint64_t)rsqrt7_table[idx] << (f.m - 7);
}

static uint64_t e_vfrec7(struct vop *o, uint64_t v, uint64_t b, uint64_t c)
{
    struct ffields f = fields_of(o->sew);
    uint64_t r, sig, sign = v & f.sign;
    int exp;
    (void)b, (void)c;
    if (est_special(o, &f, v, false, &r))
        return r;
    normalize(&f, v & (f.sign - 1), &exp, &sig);
    int out_exp = 2 * f.bias - 1 - exp;
    if (out_exp > 2 * f.bias) { /* tiny subnormal input: overflow */
        int rm = o->rm;
        bool to_max = rm == FRM_RTZ || (rm == FRM_RDN && !sign) || (rm == FRM_RUP && sign);
        uint64_t inf = ((1ull << f.e) - 1) << f.m;
        o->fflags |= FFLAG_OF | FFLAG_NX;
        return sign | (to_max ? inf - 1 : inf);
    }
    uint64_t out_sig = (uint64_t)rec7_table[sig >> (f.m - 7)] << (f.m - 7);
    if (out_exp <= 0) { /* 0 or -1: subnormal result */
        out_sig = ((1ull << f.m) | out_sig) >> (1 - out_exp);
        out_exp = 0;
    }
    return sign | (uint64_t)out_exp << f.m | out_sig;
}

static uint64_t e_vfclass(struct vop *o, uint64_t v, uint64_t b, uint64_t c)
{
    (void)b, (void)c;
    return fpu_class(o->sew, v);
}

/* VFUNARY1: vfsqrt (vs1 = 0), vfrsqrt7 (4), vfrec7 (5), vfclass (16). */
static int op_vfunary1(struct vop *o)
{
    switch (o->vs1) {
    case 0: return op_vfsqrt(o);
    case 4: return run_elem(o, e_vfrsqrt7, true);
    case 5: return run_elem(o, e_vfrec7, true);
    case 16: return run_elem(o, e_vfclass, true);
    default: return vop_illegal(o);
    }
}

/* ---- Conversions (13.17-13.19) ---- */

/* The vs1 selector of VFUNARY0: bits 4:3 the shape (0 single, 1 widening,
 * 2 narrowing), bits 2:0 the kind. */
enum { CV_XU_F, CV_X_F, CV_F_XU, CV_F_X, CV_F_F, CV_ROD, CV_RTZ_XU_F, CV_RTZ_X_F };

/* Kind k of one element from EEW 2^from to 2^to bytes. */
static uint64_t cvt_elem(struct vop *o, unsigned k, unsigned to, unsigned from, uint64_t v)
{
    bool sign = k & 1;
    unsigned *fl = &o->fflags;
    switch (k) {
    case CV_XU_F:
    case CV_X_F: return fpu_to_int(fl, from, v, o->rm, 8u << to, sign);
    case CV_RTZ_XU_F:
    case CV_RTZ_X_F: return fpu_to_int(fl, from, v, FRM_RTZ, 8u << to, sign);
    case CV_F_XU:
    case CV_F_X: {
        unsigned bits = 8u << from;
        uint64_t x = bits == 64 ? v : sign ? (uint64_t)((int64_t)(v << (64 - bits)) >> (64 - bits)) : v;
        return fpu_from_int(o->h, fl, to, x, sign, o->rm);
    }
    case CV_F_F: return fpu_convert(o->h, fl, to, from, v, o->rm);
    default: { /* CV_ROD: truncate, and an inexact result gets its lsb set */
        unsigned f = 0;
        uint64_t r = fpu_convert(o->h, &f, to, from, v, FRM_RTZ);
        *fl |= f;
        return (f & FFLAG_NX) ? r | 1 : r;
    }
    }
}

/* Whether the conversion is defined: the floating-point side must be a
 * format this hart has at that width, binary16 by Zvfh, or by Zvfhmin for
 * vfwcvt.f.f.v and vfncvt.f.f.w; integers go down to 8 bits. */
static bool cvt_ok(const struct hart *h, unsigned k, unsigned to, unsigned from)
{
    bool from_fp = k != CV_F_XU && k != CV_F_X, to_fp = k >= CV_F_XU && k <= CV_ROD;
    if (k == CV_F_F && from != to && (from == FPU_H || to == FPU_H))
        return isa_has(&h->isa, EXT_ZVFHMIN) && from <= FPU_D && to <= FPU_D;
    return (!from_fp || fp_sew_ok(h, from)) && (!to_fp || fp_sew_ok(h, to)) && from <= FPU_D && to <= FPU_D;
}

static int op_vfunary0(struct vop *o)
{
    unsigned shape = o->vs1 >> 3, k = o->vs1 & 7;
    unsigned to = o->sew + (shape == 1), from = o->sew + (shape == 2);
    bool valid = shape == 0 ? k != CV_F_F && k != CV_ROD : shape == 1 ? k != CV_ROD : shape == 2;
    if (!valid || !cvt_ok(o->h, k, to, from) || !shape_ok(o, to, from, false))
        return vop_illegal(o);
    uint8_t *d = reg_of(o, o->vd);
    const uint8_t *a = reg_of(o, o->vs2);
    for (uint64_t i = o->start; i < o->vl; i++)
        if (vop_active(o, i))
            put_elem(d, to, i, cvt_elem(o, k, to, from, get_elem(a, from, i)));
    return vf_done(o);
}

/* ---- Reductions (14.3, 14.4) ---- */

/* vfredusum (0x01), vfredosum (0x03), vfredmin (0x05), vfredmax (0x07),
 * vfwredusum (0x31), vfwredosum (0x33). Both sums add in element order:
 * the unordered one may, and then they agree. */
static int op_vfred(struct vop *o)
{
    unsigned f6 = vf_funct6(o->in->bits);
    bool wide = f6 >= 0x30, sum = wide || f6 <= 3;
    unsigned acc_sew = o->sew + wide;
    if (o->start || !vgroup_ok(o->vs2, o->lmul) || acc_sew > FPU_D)
        return vop_illegal(o);
    if (!o->vl)
        return vf_done(o);
    const uint8_t *a = reg_of(o, o->vs2);
    uint64_t acc = get_elem(reg_of(o, o->vs1), acc_sew, 0);
    for (uint64_t i = 0; i < o->vl; i++) {
        if (!vop_active(o, i))
            continue;
        uint64_t x = get_elem(a, o->sew, i);
        if (wide)
            x = fpu_convert(o->h, &o->fflags, acc_sew, o->sew, x, o->rm);
        if (sum) {
            const uint64_t v[3] = { acc, x, 0 };
            acc = fpu_arith(o->h, &o->fflags, acc_sew, FOP_ADD, o->rm, v);
        } else {
            acc = fpu_minmax(&o->fflags, o->sew, f6 == 0x07, acc, x);
        }
    }
    put_elem(reg_of(o, o->vd), acc_sew, 0, acc);
    return vf_done(o);
}

/* ---- Moves and slides (16.2, 16.3.3) ---- */

/* VWFUNARY0 (.vv, vs1 = 0: vfmv.f.s) and VRFUNARY0 (.vf, vs2 = 0: vfmv.s.f). */
static int op_vfmv_s(struct vop *o)
{
    if (o->masked)
        return vop_illegal(o);
    if (o->form == VFORM_VV) {
        if (o->vs1 != 0)
            return vop_illegal(o);
        fpu_set_reg(o->h, o->vd, o->sew, get_elem(reg_of(o, o->vs2), o->sew, 0));
        return vf_done(o);
    }
    if (o->vs2 != 0)
        return vop_illegal(o);
    if (o->start < o->vl)
        put_elem(reg_of(o, o->vd), o->sew, 0, o->x);
    return vf_done(o);
}

/* ---- Dispatch by funct6 ---- */

#define FV      (1u << VFORM_VV)
#define FF      (1u << VFORM_VX)
#define ANY_SEW 0x40 /* checks SEW itself (the conversions) */

struct frow {
    vop_fn fn;
    uint8_t flags;
};

static const struct frow opf_rows[64] = {
    /* clang-format off */
    [0x00] = { op_vfadd, FV | FF },     [0x01] = { op_vfred, FV },
    [0x02] = { op_vfsub, FV | FF },     [0x03] = { op_vfred, FV },
    [0x04] = { op_vfmin, FV | FF },              [0x05] = { op_vfred, FV },
    [0x06] = { op_vfmax, FV | FF },              [0x07] = { op_vfred, FV },
    [0x08] = { op_vfsgnj, FV | FF },             [0x09] = { op_vfsgnjn, FV | FF },
    [0x0a] = { op_vfsgnjx, FV | FF },
    [0x0e] = { vop_slide1up, FF },               [0x0f] = { vop_slide1down, FF },
    [0x10] = { op_vfmv_s, FV | FF },             [0x12] = { op_vfunary0, FV | ANY_SEW },
    [0x13] = { op_vfunary1, FV },       [0x17] = { op_vfmerge, FF },
    [0x18] = { op_vfcmp, FV | FF },              [0x19] = { op_vfcmp, FV | FF },
    [0x1b] = { op_vfcmp, FV | FF },              [0x1c] = { op_vfcmp, FV | FF },
    [0x1d] = { op_vfcmp, FF },                   [0x1f] = { op_vfcmp, FF },
    [0x20] = { op_vfdiv, FV | FF },     [0x21] = { op_vfrdiv, FF },
    [0x24] = { op_vfmul, FV | FF },     [0x27] = { op_vfrsub, FF },
    [0x28] = { op_vfmadd, FV | FF },    [0x29] = { op_vfnmadd, FV | FF },
    [0x2a] = { op_vfmsub, FV | FF },    [0x2b] = { op_vfnmsub, FV | FF },
    [0x2c] = { op_vfmacc, FV | FF },    [0x2d] = { op_vfnmacc, FV | FF },
    [0x2e] = { op_vfmsac, FV | FF },    [0x2f] = { op_vfnmsac, FV | FF },
    [0x30] = { op_vfwadd, FV | FF },    [0x31] = { op_vfred, FV },
    [0x32] = { op_vfwsub, FV | FF },    [0x33] = { op_vfred, FV },
    [0x34] = { op_vfwadd_w, FV | FF },  [0x36] = { op_vfwsub_w, FV | FF },
    [0x38] = { op_vfwmul, FV | FF },
    [0x3c] = { op_vfwmacc, FV | FF },   [0x3d] = { op_vfwnmacc, FV | FF },
    [0x3e] = { op_vfwmsac, FV | FF },   [0x3f] = { op_vfwnmsac, FV | FF },
    /* clang-format on */
};

int vector_opf(struct hart *h, const struct insn *in, unsigned form)
{
    uint32_t b = in->bits;
    const struct frow *r = &opf_rows[vf_funct6(b)];
    if (!r->fn || !(r->flags & (1u << form)) || !hart_fp_enabled(h) || !vector_ready(h))
        return hart_illegal(h, in);
    struct vop o = { .h = h,
                     .in = in,
                     .vd = vf_vd(b),
                     .vs1 = vf_rs1(b),
                     .vs2 = vf_vs2(b),
                     .form = form,
                     .masked = !vf_vm(b),
                     .sew = vsew_log2(h),
                     .lmul = vlmul_log2(h),
                     .vl = h->vec.vl,
                     .start = h->vec.vstart,
                     .rm = h->frm };
    o.mask = o.masked ? vreg(h, 0) : NULL;
    if (o.rm > FRM_RMM || (!(r->flags & ANY_SEW) && !fp_sew_ok(h, o.sew)))
        return hart_illegal(h, in);
    if (form == VFORM_VX)
        o.x = fpu_get_reg(h, o.vs1, o.sew);
    return r->fn(&o);
}
