/*
 * Vector integer and fixed-point arithmetic (V 1.0 11, 12) and Zvbb's
 * bit manipulation: the OP-V categories OPIVV/OPIVX/OPIVI and OPMVV/OPMVX,
 * dispatched by funct6.
 *
 * Every element-wise operation is one expression instantiated per SEW (8,
 * 16, 32, 64 bits) into plain loops over the register bytes, one unmasked
 * and one masked, with the second operand a register or a scalar: no
 * switch on SEW per element, so the host compiler vectorises the unmasked
 * loops. Expressions see a (vs2's element), b (vs1's or the scalar), c (the
 * old vd element, for multiply-add) and the types T (SEW, unsigned), S
 * (signed), W and SW (twice SEW); `sat` set to 1 sets vxsat, `rm` is vxrm.
 */
#include "cpu/dispatch.h"
#include "cpu/vector.h"

/* Every instantiation declares the four types; most expressions use one. */
#pragma GCC diagnostic ignored "-Wunused-local-typedefs"

/* Element types that may alias the register bytes. */
typedef uint8_t __attribute__((may_alias)) u8a;
typedef uint16_t __attribute__((may_alias)) u16a;
typedef uint32_t __attribute__((may_alias)) u32a;
typedef uint64_t __attribute__((may_alias)) u64a;
typedef unsigned __int128 u128;
typedef __int128 s128;

typedef void (*vbin_fn)(struct vop *o, uint8_t *d, const uint8_t *a, const uint8_t *b);

/* ---- Fixed-point rounding (V 1.0 12.1) ---- */

enum { VXRM_RNU, VXRM_RNE, VXRM_RDN, VXRM_ROD };

/* v >> d (arithmetic), rounded by mode rm. */
static inline s128 vround(s128 v, unsigned d, unsigned rm)
{
    if (d == 0)
        return v;
    u128 u = (u128)v, one = 1;
    unsigned half = (unsigned)(u >> (d - 1)) & 1, lsb = (unsigned)(u >> d) & 1;
    bool below = d > 1 && (u & ((one << (d - 1)) - 1)) != 0;
    unsigned r;
    switch (rm) {
    case VXRM_RNU: r = half; break;
    case VXRM_RNE: r = half & (below | lsb); break;
    case VXRM_RDN: r = 0; break;
    default: r = (lsb ^ 1u) & (half | below); break;
    }
    return (v >> d) + r;
}

/* Clamps v to the signed range of `bits` bits, setting *sat when it did. */
static inline s128 clamp_s(s128 v, unsigned bits, unsigned *sat)
{
    s128 max = ((s128)1 << (bits - 1)) - 1, min = -max - 1;
    if (v > max || v < min)
        *sat = 1;
    return v > max ? max : v < min ? min : v;
}

static inline u128 clamp_u(s128 v, unsigned bits, unsigned *sat)
{
    s128 max = (s128)(((u128)1 << bits) - 1);
    if (v > max || v < 0)
        *sat = 1;
    return (u128)(v > max ? max : v < 0 ? 0 : v);
}

/* ---- Loop generators ---- */

/* The bounds in locals: the element stores may alias anything (may_alias),
 * o->vl included, and the vectoriser needs a count it can compute. */
/* clang-format off */
#define VLOOP(...)                                                                 \
    do {                                                                           \
        const uint64_t start_ = o->start, end_ = o->vl;                            \
        if (!mask) {                                                               \
            for (uint64_t i = start_; i < end_; i++) { __VA_ARGS__; }              \
        } else {                                                                   \
            for (uint64_t i = start_; i < end_; i++)                               \
                if (vmask_bit(mask, i)) { __VA_ARGS__; }                           \
        }                                                                          \
    } while (0)

#define VTYPES(T_, S_, W_, SW_)                                                    \
    typedef T_ T;                                                                  \
    typedef S_ S;                                                                  \
    typedef W_ W;                                                                  \
    typedef SW_ SW;                                                                \
    const unsigned bits = 8 * sizeof(T);                                           \
    const uint8_t *mask = o->mask;                                                 \
    unsigned sat = 0, rm = o->h->vec.vxrm;                                         \
    (void)bits, (void)rm

#define VEND()                                                                     \
    if (sat)                                                                       \
        o->h->vec.vxsat = 1

/* d, a, b all SEW wide (DT = AT = BT = T); or with other widths. */
#define DEF_GEN(name, sfx, T_, S_, W_, SW_, DT, AT, ...)                           \
    static void name##_##sfx(struct vop *o, uint8_t *dp, const uint8_t *ap, const uint8_t *bp) \
    {                                                                              \
        VTYPES(T_, S_, W_, SW_);                                                   \
        DT *d = (DT *)dp;                                                          \
        const AT *av = (const AT *)ap;                                             \
        if (bp) {                                                                  \
            const T_ *bv = (const T_ *)bp;                                         \
            VLOOP(AT a = av[i]; T b = bv[i]; DT c = d[i]; (void)a, (void)c; d[i] = (DT)(__VA_ARGS__)); \
        } else {                                                                   \
            const T b = (T)o->x;                                                   \
            VLOOP(AT a = av[i]; DT c = d[i]; (void)a, (void)c; d[i] = (DT)(__VA_ARGS__));   \
        }                                                                          \
        VEND();                                                                    \
    }
/* clang-format on */

/* Expands the type lists before DEF_GEN splits its arguments. */
#define DEF_GEN_(...) DEF_GEN(__VA_ARGS__)

#define T8  u8a, int8_t, uint16_t, int16_t
#define T16 u16a, int16_t, uint32_t, int32_t
#define T32 u32a, int32_t, uint64_t, int64_t
#define T64 u64a, int64_t, u128, s128

/* SEW op: d, a, b are SEW wide. */
/* clang-format off */
#define DEF_OP(name, ...)                                                          \
    DEF_GEN_(name, 8, T8, u8a, u8a, __VA_ARGS__)                                    \
    DEF_GEN_(name, 16, T16, u16a, u16a, __VA_ARGS__)                                \
    DEF_GEN_(name, 32, T32, u32a, u32a, __VA_ARGS__)                                \
    DEF_GEN_(name, 64, T64, u64a, u64a, __VA_ARGS__)                                \
    static const vbin_fn name##_fns[4] = { name##_8, name##_16, name##_32, name##_64 };

/* Widening: d is 2*SEW, a SEW (or 2*SEW for the .w forms: DEF_WOP_W). */
#define DEF_WOP(name, ...)                                                         \
    DEF_GEN_(name, 8, T8, u16a, u8a, __VA_ARGS__)                                   \
    DEF_GEN_(name, 16, T16, u32a, u16a, __VA_ARGS__)                                \
    DEF_GEN_(name, 32, T32, u64a, u32a, __VA_ARGS__)                                \
    static const vbin_fn name##_fns[4] = { name##_8, name##_16, name##_32, NULL };
#define DEF_WOP_W(name, ...)                                                       \
    DEF_GEN_(name, 8, T8, u16a, u16a, __VA_ARGS__)                                  \
    DEF_GEN_(name, 16, T16, u32a, u32a, __VA_ARGS__)                                \
    DEF_GEN_(name, 32, T32, u64a, u64a, __VA_ARGS__)                                \
    static const vbin_fn name##_fns[4] = { name##_8, name##_16, name##_32, NULL };
/* Narrowing: d is SEW, a 2*SEW. */
#define DEF_NOP(name, ...)                                                         \
    DEF_GEN_(name, 8, T8, u8a, u16a, __VA_ARGS__)                                   \
    DEF_GEN_(name, 16, T16, u16a, u32a, __VA_ARGS__)                                \
    DEF_GEN_(name, 32, T32, u32a, u64a, __VA_ARGS__)                                \
    static const vbin_fn name##_fns[4] = { name##_8, name##_16, name##_32, NULL };
/* clang-format on */

#define SHAMT(b) ((unsigned)(b) & (bits - 1))
#define SMIN     ((S)((T)1 << (bits - 1)))

/* Integer (V 1.0 11) */
DEF_OP(vadd, a + b)
DEF_OP(vsub, a - b)
DEF_OP(vrsub, b - a)
DEF_OP(vminu, a < b ? a : b)
DEF_OP(vmin, (S)a < (S)b ? a : b)
DEF_OP(vmaxu, a > b ? a : b)
DEF_OP(vmax, (S)a > (S)b ? a : b)
/* clang-format off */
DEF_OP(vand, a & b)
/* clang-format on */
DEF_OP(vor, a | b)
DEF_OP(vxor, a ^ b)
DEF_OP(vsll, (uint64_t)a << SHAMT(b))
DEF_OP(vsrl, a >> SHAMT(b))
DEF_OP(vsra, (S)a >> SHAMT(b))
/* clang-format off */
DEF_OP(vmul, (uint64_t)a * b)
/* clang-format on */
DEF_OP(vmulhu, ((W)a * (W)b) >> bits)
DEF_OP(vmulh, ((SW)(S)a * (SW)(S)b) >> bits)
DEF_OP(vmulhsu, ((SW)(S)a * (SW)b) >> bits)
DEF_OP(vdivu, b == 0 ? (T) ~(T)0 : a / b)
DEF_OP(vdiv, b == 0 ? (T) ~(T)0 : ((S)a == SMIN && (S)b == -1) ? a : (T)((S)a / (S)b))
DEF_OP(vremu, b == 0 ? a : a % b)
DEF_OP(vrem, b == 0 ? a : ((S)a == SMIN && (S)b == -1) ? 0 : (T)((S)a % (S)b))
/* clang-format off */
DEF_OP(vmacc, (uint64_t)b * a + c)
DEF_OP(vnmsac, c - (uint64_t)b * a)
DEF_OP(vmadd, (uint64_t)b * c + a)
/* clang-format on */
DEF_OP(vnmsub, a - (uint64_t)b * c)
DEF_OP(vmerge, vmask_bit(o->h->vec.v, i) ? b : a) /* run unmasked: v0 selects */
DEF_OP(vmv, b)
DEF_WOP(vwaddu, (W)a + (W)b)
DEF_WOP(vwadd, (SW)(S)a + (SW)(S)b)
DEF_WOP(vwsubu, (W)a - (W)b)
DEF_WOP(vwsub, (SW)(S)a - (SW)(S)b)
DEF_WOP_W(vwaddu_w, a + (W)b)
DEF_WOP_W(vwadd_w, (SW)a + (SW)(S)b)
DEF_WOP_W(vwsubu_w, a - (W)b)
DEF_WOP_W(vwsub_w, (SW)a - (SW)(S)b)
/* clang-format off */
DEF_WOP(vwmulu, (W)a * (W)b)
DEF_WOP(vwmul, (SW)(S)a * (SW)(S)b)
DEF_WOP(vwmulsu, (SW)(S)a * (SW)b)
/* clang-format on */
DEF_WOP(vwmaccu, c + (W)a * (W)b)
DEF_WOP(vwmacc, c + (W)((SW)(S)a * (SW)(S)b))
DEF_WOP(vwmaccsu, c + (W)((SW)(S)b * (SW)a))
DEF_WOP(vwmaccus, c + (W)((SW)b * (SW)(S)a))
DEF_NOP(vnsrl, a >> ((unsigned)b & (2 * bits - 1)))
DEF_NOP(vnsra, (SW)a >> ((unsigned)b & (2 * bits - 1)))

/* Fixed point (V 1.0 12) */
DEF_OP(vsaddu, clamp_u((s128)a + b, bits, &sat))
DEF_OP(vsadd, clamp_s((s128)(S)a + (S)b, bits, &sat))
DEF_OP(vssubu, clamp_u((s128)a - b, bits, &sat))
DEF_OP(vssub, clamp_s((s128)(S)a - (S)b, bits, &sat))
DEF_OP(vaaddu, vround((s128)a + b, 1, rm))
DEF_OP(vaadd, vround((s128)(S)a + (S)b, 1, rm))
DEF_OP(vasubu, vround((s128)a - b, 1, rm))
DEF_OP(vasub, vround((s128)(S)a - (S)b, 1, rm))
/* clang-format off */
DEF_OP(vsmul, clamp_s(vround((s128)(S)a * (S)b, bits - 1, rm), bits, &sat))
DEF_OP(vssrl, vround((s128)a, SHAMT(b), rm))
DEF_OP(vssra, vround((s128)(S)a, SHAMT(b), rm))
DEF_NOP(vnclipu, clamp_u(vround((s128)a, (unsigned)b & (2 * bits - 1), rm), bits, &sat))
DEF_NOP(vnclip, clamp_s(vround((s128)(SW)a, (unsigned)b & (2 * bits - 1), rm), bits, &sat))
/* clang-format on */

/* Zvbb and its subset Zvkb (vector cryptography 1.0): bitwise, rotates,
 * reversals and counts. Each is branch-free on element values (Zvkt,
 * README.md); the unary ones ignore b. */
static inline uint64_t brev8_64(uint64_t v)
{
    v = ((v >> 1) & 0x5555555555555555ull) | ((v & 0x5555555555555555ull) << 1);
    v = ((v >> 2) & 0x3333333333333333ull) | ((v & 0x3333333333333333ull) << 2);
    return ((v >> 4) & 0x0f0f0f0f0f0f0f0full) | ((v & 0x0f0f0f0f0f0f0f0full) << 4);
}
/* Leading and trailing zeros of a `bits`-bit element (bits is a constant of
 * each instantiation): `bits` for 0, without a branch on a. */
static inline unsigned clz_of(uint64_t a, unsigned bits)
{
    uint64_t x = (a << (64 - bits)) | ((1ull << (64 - bits)) >> 1); /* a stop bit below the element */
    return (unsigned)__builtin_clzll(x | 1) + (x == 0);
}
static inline unsigned ctz_of(uint64_t a, unsigned bits)
{
    uint64_t x = a | (bits < 64 ? 1ull << (bits & 63) : 0); /* a stop bit above it */
    return (unsigned)__builtin_ctzll(x | (1ull << 63)) + (x == 0);
}
DEF_OP(vandn, a & ~b)
/* clang-format off */
DEF_OP(vrol, ((uint64_t)a << SHAMT(b)) | ((uint64_t)a >> ((bits - SHAMT(b)) & (bits - 1))))
DEF_OP(vror, ((uint64_t)a >> SHAMT(b)) | ((uint64_t)a << ((bits - SHAMT(b)) & (bits - 1))))
DEF_OP(vbrev8, ((void)b, brev8_64(a)))
DEF_OP(vrev8, ((void)b, __builtin_bswap64(a) >> (64 - bits)))
DEF_OP(vbrev, ((void)b, __builtin_bswap64(brev8_64(a)) >> (64 - bits)))
DEF_OP(vclz, ((void)b, clz_of(a, bits)))
DEF_OP(vctz, ((void)b, ctz_of(a, bits)))
DEF_OP(vcpop, ((void)b, __builtin_popcountll(a)))
DEF_WOP(vwsll, (W)a << ((unsigned)b & (2 * bits - 1)))
/* clang-format on */

/* ---- Checks and runners ---- */

static inline uint8_t *reg_of(struct vop *o, unsigned r) { return vreg(o->h, r); }
static inline const uint8_t *src1(struct vop *o) { return o->form == VFORM_VV ? reg_of(o, o->vs1) : NULL; }

/* vd, vs2 (and vs1) groups of LMUL aligned; a masked vd not v0. */
static bool plain_ok(const struct vop *o)
{
    return vgroup_ok(o->vd, o->lmul) && vgroup_ok(o->vs2, o->lmul) &&
           (o->form != VFORM_VV || vgroup_ok(o->vs1, o->lmul)) && !(o->masked && o->vd == 0);
}

static int run_op(struct vop *o, const vbin_fn *fns)
{
    if (!plain_ok(o))
        return vop_illegal(o);
    fns[o->sew](o, reg_of(o, o->vd), reg_of(o, o->vs2), src1(o));
    return vop_done(o);
}

/* Widening: vd is 2*SEW (EMUL 2*LMUL); vs2 is SEW, or 2*SEW when wide_a. */
static int run_wide(struct vop *o, const vbin_fn *fns, bool wide_a)
{
    int w = o->lmul + 1;
    unsigned sew = o->sew;
    if (sew == 3 || w > 3 || !vgroup_ok(o->vd, w) || !vgroup_ok(o->vs2, wide_a ? w : o->lmul) ||
        (o->form == VFORM_VV && !vgroup_ok(o->vs1, o->lmul)) || (o->masked && o->vd == 0) ||
        (!wide_a && !vector_overlap_ok(o->vd, sew + 1, w, o->vs2, sew, o->lmul)) ||
        (o->form == VFORM_VV && !vector_overlap_ok(o->vd, sew + 1, w, o->vs1, sew, o->lmul)))
        return vop_illegal(o);
    fns[sew](o, reg_of(o, o->vd), reg_of(o, o->vs2), src1(o));
    return vop_done(o);
}

/* Narrowing: vs2 is 2*SEW (EMUL 2*LMUL), vd SEW. */
static int run_narrow(struct vop *o, const vbin_fn *fns)
{
    int w = o->lmul + 1;
    if (o->sew == 3 || w > 3 || !vgroup_ok(o->vd, o->lmul) || !vgroup_ok(o->vs2, w) ||
        (o->form == VFORM_VV && !vgroup_ok(o->vs1, o->lmul)) || (o->masked && o->vd == 0) ||
        !vector_overlap_ok(o->vd, o->sew, o->lmul, o->vs2, o->sew + 1, w))
        return vop_illegal(o);
    fns[o->sew](o, reg_of(o, o->vd), reg_of(o, o->vs2), src1(o));
    return vop_done(o);
}

#define OP_HANDLER(name) \
    static int op_##name(struct vop *o) { return run_op(o, name##_fns); }
#define WOP_HANDLER(name) \
    static int op_##name(struct vop *o) { return run_wide(o, name##_fns, false); }
#define WOP_W_HANDLER(name) \
    static int op_##name(struct vop *o) { return run_wide(o, name##_fns, true); }
#define NOP_HANDLER(name) \
    static int op_##name(struct vop *o) { return run_narrow(o, name##_fns); }

/* clang-format off */
OP_HANDLER(vadd) OP_HANDLER(vsub) OP_HANDLER(vrsub) OP_HANDLER(vminu) OP_HANDLER(vmin)
OP_HANDLER(vmaxu) OP_HANDLER(vmax) OP_HANDLER(vand) OP_HANDLER(vor) OP_HANDLER(vxor)
OP_HANDLER(vsll) OP_HANDLER(vsrl) OP_HANDLER(vsra) OP_HANDLER(vmul) OP_HANDLER(vmulhu)
OP_HANDLER(vmulh) OP_HANDLER(vmulhsu) OP_HANDLER(vdivu) OP_HANDLER(vdiv) OP_HANDLER(vremu)
OP_HANDLER(vrem) OP_HANDLER(vmacc) OP_HANDLER(vnmsac) OP_HANDLER(vmadd) OP_HANDLER(vnmsub)
OP_HANDLER(vsaddu) OP_HANDLER(vsadd) OP_HANDLER(vssubu) OP_HANDLER(vssub) OP_HANDLER(vaaddu)
OP_HANDLER(vaadd) OP_HANDLER(vasubu) OP_HANDLER(vasub) OP_HANDLER(vsmul) OP_HANDLER(vssrl)
OP_HANDLER(vssra)
WOP_HANDLER(vwaddu) WOP_HANDLER(vwadd) WOP_HANDLER(vwsubu) WOP_HANDLER(vwsub)
WOP_HANDLER(vwmulu) WOP_HANDLER(vwmul) WOP_HANDLER(vwmulsu) WOP_HANDLER(vwmaccu)
WOP_HANDLER(vwmacc) WOP_HANDLER(vwmaccsu) WOP_HANDLER(vwmaccus)
WOP_W_HANDLER(vwaddu_w) WOP_W_HANDLER(vwadd_w) WOP_W_HANDLER(vwsubu_w) WOP_W_HANDLER(vwsub_w)
NOP_HANDLER(vnsrl) NOP_HANDLER(vnsra) NOP_HANDLER(vnclipu) NOP_HANDLER(vnclip)
    /* clang-format on */

    /* vmerge (vm = 0: v0 selects b or a, every element) and vmv.v.* (vm = 1,
 * vs2 = v0). */
    static int op_vmerge(struct vop *o)
{
    if (!o->masked) {
        if (o->vs2 != 0)
            return vop_illegal(o);
        return run_op(o, vmv_fns);
    }
    if (o->vd == 0)
        return vop_illegal(o);
    o->masked = false;
    o->mask = NULL;
    return run_op(o, vmerge_fns);
}

/* ---- Zvbb, Zvkb ---- */

static bool has(const struct vop *o, enum isa_ext e) { return isa_has(&o->h->isa, e); }

/* The unary ones (VXUNARY0 with vs1 = 8..14): vd and vs2 of LMUL. */
static int run_unary(struct vop *o, const vbin_fn *fns)
{
    if (!vgroup_ok(o->vd, o->lmul) || !vgroup_ok(o->vs2, o->lmul) || (o->masked && o->vd == 0))
        return vop_illegal(o);
    fns[o->sew](o, reg_of(o, o->vd), reg_of(o, o->vs2), NULL);
    return vop_done(o);
}

static int op_vandn(struct vop *o) { return has(o, EXT_ZVKB) ? run_op(o, vandn_fns) : vop_illegal(o); }
static int op_vror(struct vop *o) { return has(o, EXT_ZVKB) ? run_op(o, vror_fns) : vop_illegal(o); }
/* funct6 0x15: vrol.vv/.vx, and vror.vi with bit 5 of its 6-bit amount set. */
static int op_vrol(struct vop *o)
{
    if (o->form == VFORM_VI) {
        o->x |= 32;
        return op_vror(o);
    }
    return has(o, EXT_ZVKB) ? run_op(o, vrol_fns) : vop_illegal(o);
}
static int op_vwsll(struct vop *o) { return has(o, EXT_ZVBB) ? run_wide(o, vwsll_fns, false) : vop_illegal(o); }

/* VXUNARY0's vs1 = 8..14: vbrev8, vrev8 (Zvkb), vbrev, -, vclz, vctz,
 * vcpop.v (Zvbb). */
static int op_bits_unary(struct vop *o)
{
    static const vbin_fn *const fns[7] = { vbrev8_fns, vrev8_fns, vbrev_fns, NULL, vclz_fns, vctz_fns, vcpop_fns };
    unsigned k = o->vs1 - 8;
    if (!fns[k] || !has(o, k < 2 ? EXT_ZVKB : EXT_ZVBB))
        return vop_illegal(o);
    return run_unary(o, fns[k]);
}

/* ---- Compares into masks (V 1.0 11.8) and carries (11.4) ---- */

/* A mask destination may overlap a source group only at its first register. */
static bool mask_dest_ok(const struct vop *o)
{
    unsigned n = vgroup_regs(o->lmul);
    return vgroup_ok(o->vs2, o->lmul) && (o->form != VFORM_VV || vgroup_ok(o->vs1, o->lmul)) &&
           (!vgroups_overlap(o->vd, 1, o->vs2, n) || o->vd == o->vs2) &&
           (o->form != VFORM_VV || !vgroups_overlap(o->vd, 1, o->vs1, n) || o->vd == o->vs1);
}

typedef bool (*vcmp_fn)(const struct vop *o, const uint8_t *a, const uint8_t *b, uint64_t i);

/* clang-format off */
#define DEF_CMP_SEW(name, sfx, T_, S_, expr)                                       \
    static bool name##_##sfx(const struct vop *o, const uint8_t *ap, const uint8_t *bp, uint64_t i) \
    {                                                                              \
        typedef T_ T;                                                              \
        typedef S_ S;                                                              \
        T a = ((const T *)ap)[i], b = bp ? ((const T *)bp)[i] : (T)o->x;           \
        return expr;                                                               \
    }
#define DEF_CMP(name, expr)                                                        \
    DEF_CMP_SEW(name, 8, u8a, int8_t, expr)                                        \
    DEF_CMP_SEW(name, 16, u16a, int16_t, expr)                                     \
    DEF_CMP_SEW(name, 32, u32a, int32_t, expr)                                     \
    DEF_CMP_SEW(name, 64, u64a, int64_t, expr)                                     \
    static int op_##name(struct vop *o) { return run_cmp(o, (const vcmp_fn[4]){ name##_8, name##_16, name##_32, name##_64 }); }
/* clang-format on */

/* Mask-producing: vd bit i = fn(i) for active i; the rest undisturbed. */
static int run_cmp(struct vop *o, const vcmp_fn *fns)
{
    if (!mask_dest_ok(o))
        return vop_illegal(o);
    vcmp_fn fn = fns[o->sew];
    const uint8_t *a = reg_of(o, o->vs2), *b = src1(o);
    uint8_t *d = reg_of(o, o->vd);
    uint64_t vl = o->vl;
    /* Compute into a copy first: vd may be a source. */
    uint8_t out[ISA_VLEN_MAX / 8];
    __builtin_memcpy(out, d, o->h->vec.vlenb);
    for (uint64_t i = o->start; i < vl; i++)
        if (vop_active(o, i))
            vmask_set(out, i, fn(o, a, b, i));
    __builtin_memcpy(d, out, o->h->vec.vlenb);
    return vop_done(o);
}

DEF_CMP(vmseq, a == b)
DEF_CMP(vmsne, a != b)
DEF_CMP(vmsltu, a < b)
DEF_CMP(vmslt, (S)a < (S)b)
DEF_CMP(vmsleu, a <= b)
DEF_CMP(vmsle, (S)a <= (S)b)
DEF_CMP(vmsgtu, a > b)
DEF_CMP(vmsgt, (S)a > (S)b)

/* Carry-in from v0 when vm = 0. */
#define CIN (o->masked && vmask_bit(o->h->vec.v, i))
DEF_OP(vadc, a + b + CIN)
DEF_OP(vsbc, a - b - CIN)
DEF_CMP(vmadc, (T)(a + b + CIN) < a || (CIN && (T)(a + b + CIN) == a))
DEF_CMP(vmsbc, a < b || (CIN && a == b))

/* vadc, vsbc: vm = 0 only (v0 is the carry), every element, vd not v0. */
static int run_carry(struct vop *o, const vbin_fn *fns)
{
    if (!o->masked || o->vd == 0)
        return vop_illegal(o);
    o->mask = NULL; /* v0 is an operand, not a mask */
    if (!plain_ok(o))
        return vop_illegal(o);
    fns[o->sew](o, reg_of(o, o->vd), reg_of(o, o->vs2), src1(o));
    return vop_done(o);
}
static int op_vadc(struct vop *o) { return run_carry(o, vadc_fns); }
static int op_vsbc(struct vop *o) { return run_carry(o, vsbc_fns); }

/* vmadc, vmsbc: every element; vm = 0 adds the carry in. */
static int run_carry_out(struct vop *o, int (*op)(struct vop *))
{
    o->mask = NULL;
    return op(o);
}
static int op_vmadc_all(struct vop *o) { return run_carry_out(o, op_vmadc); }
static int op_vmsbc_all(struct vop *o) { return run_carry_out(o, op_vmsbc); }

/* ---- vzext, vsext (VXUNARY0, V 1.0 11.3) ---- */

/* clang-format off */
#define DEF_EXT(name, DT, ST, expr)                                                \
    static void name(struct vop *o, uint8_t *dp, const uint8_t *ap)                \
    {                                                                              \
        DT *d = (DT *)dp;                                                          \
        const ST *av = (const ST *)ap;                                             \
        const uint8_t *mask = o->mask;                                             \
        VLOOP(d[i] = (DT)(expr));                                                  \
    }
/* clang-format on */
DEF_EXT(zext_16_8, u16a, u8a, av[i])
DEF_EXT(zext_32_8, u32a, u8a, av[i])
DEF_EXT(zext_64_8, u64a, u8a, av[i])
DEF_EXT(zext_32_16, u32a, u16a, av[i])
DEF_EXT(zext_64_16, u64a, u16a, av[i])
DEF_EXT(zext_64_32, u64a, u32a, av[i])
DEF_EXT(sext_16_8, u16a, u8a, (int8_t)av[i])
DEF_EXT(sext_32_8, u32a, u8a, (int8_t)av[i])
DEF_EXT(sext_64_8, u64a, u8a, (int8_t)av[i])
DEF_EXT(sext_32_16, u32a, u16a, (int16_t)av[i])
DEF_EXT(sext_64_16, u64a, u16a, (int16_t)av[i])
DEF_EXT(sext_64_32, u64a, u32a, (int32_t)av[i])

typedef void (*vext_fn)(struct vop *o, uint8_t *d, const uint8_t *a);
/* [signed][log2 factor - 1][sew]: NULL where the source would be below 8 bits. */
static const vext_fn ext_fns[2][3][4] = {
    /* clang-format off */
    { { NULL, zext_16_8, zext_32_16, zext_64_32 }, { NULL, NULL, zext_32_8, zext_64_16 }, { NULL, NULL, NULL, zext_64_8 } },
    { { NULL, sext_16_8, sext_32_16, sext_64_32 }, { NULL, NULL, sext_32_8, sext_64_16 }, { NULL, NULL, NULL, sext_64_8 } },
    /* clang-format on */
};

static int op_vxunary0(struct vop *o)
{
    unsigned sel = o->vs1; /* 2: vf8, 4: vf4, 6: vf2; +1 signed; 8..14: Zvbb */
    if (sel >= 8 && sel <= 14 && o->form == VFORM_VV)
        return op_bits_unary(o);
    unsigned f = sel == 2 || sel == 3 ? 3 : sel == 4 || sel == 5 ? 2 : sel == 6 || sel == 7 ? 1 : 0;
    if (!f || o->form != VFORM_VV)
        return vop_illegal(o);
    int src_emul = o->lmul - (int)f;
    vext_fn fn = ext_fns[sel & 1][f - 1][o->sew];
    if (!fn || src_emul < -3 || !vgroup_ok(o->vd, o->lmul) || !vgroup_ok(o->vs2, src_emul) ||
        (o->masked && o->vd == 0) || !vector_overlap_ok(o->vd, o->sew, o->lmul, o->vs2, o->sew - f, src_emul))
        return vop_illegal(o);
    fn(o, reg_of(o, o->vd), reg_of(o, o->vs2));
    return vop_done(o);
}

/* ---- Dispatch by funct6 ---- */

#define FV   (1u << VFORM_VV)
#define FX   (1u << VFORM_VX)
#define FI   (1u << VFORM_VI)
#define UIMM 0x80 /* .vi takes the 5-bit immediate unsigned */

struct vrow {
    vop_fn fn;
    uint8_t forms;
};

static const struct vrow opi_rows[64] = {
    /* clang-format off */
    [0x00] = { op_vadd, FV | FX | FI },   [0x01] = { op_vandn, FV | FX },
    [0x02] = { op_vsub, FV | FX },
    [0x03] = { op_vrsub, FX | FI },       [0x04] = { op_vminu, FV | FX },
    [0x05] = { op_vmin, FV | FX },        [0x06] = { op_vmaxu, FV | FX },
    [0x07] = { op_vmax, FV | FX },        [0x09] = { op_vand, FV | FX | FI },
    [0x0a] = { op_vor, FV | FX | FI },    [0x0b] = { op_vxor, FV | FX | FI },
    /* clang-format on */
    [0x0c] = { vop_rgather, FV | FX | FI | UIMM },
    [0x0e] = { vop_slideup_or_gather16, FV | FX | FI | UIMM },
    [0x0f] = { vop_slidedown, FX | FI | UIMM },
    /* clang-format off */
    [0x10] = { op_vadc, FV | FX | FI },   [0x11] = { op_vmadc_all, FV | FX | FI },
    [0x12] = { op_vsbc, FV | FX },        [0x13] = { op_vmsbc_all, FV | FX },
    [0x14] = { op_vror, FV | FX | FI | UIMM }, [0x15] = { op_vrol, FV | FX | FI | UIMM },
    [0x17] = { op_vmerge, FV | FX | FI },
    [0x18] = { op_vmseq, FV | FX | FI },  [0x19] = { op_vmsne, FV | FX | FI },
    [0x1a] = { op_vmsltu, FV | FX },      [0x1b] = { op_vmslt, FV | FX },
    [0x1c] = { op_vmsleu, FV | FX | FI }, [0x1d] = { op_vmsle, FV | FX | FI },
    [0x1e] = { op_vmsgtu, FX | FI },      [0x1f] = { op_vmsgt, FX | FI },
    [0x20] = { op_vsaddu, FV | FX | FI }, [0x21] = { op_vsadd, FV | FX | FI },
    [0x22] = { op_vssubu, FV | FX },      [0x23] = { op_vssub, FV | FX },
    /* clang-format on */
    [0x25] = { op_vsll, FV | FX | FI | UIMM },
    [0x27] = { op_vsmul, FV | FX }, /* .vi: vmv<nr>r.v, below */
    [0x28] = { op_vsrl, FV | FX | FI | UIMM },
    [0x29] = { op_vsra, FV | FX | FI | UIMM },
    [0x2a] = { op_vssrl, FV | FX | FI | UIMM },
    [0x2b] = { op_vssra, FV | FX | FI | UIMM },
    [0x2c] = { op_vnsrl, FV | FX | FI | UIMM },
    [0x2d] = { op_vnsra, FV | FX | FI | UIMM },
    [0x2e] = { op_vnclipu, FV | FX | FI | UIMM },
    [0x2f] = { op_vnclip, FV | FX | FI | UIMM },
    [0x30] = { vop_wredsum, FV },
    [0x31] = { vop_wredsum, FV },
    [0x35] = { op_vwsll, FV | FX | FI | UIMM },
};

static const struct vrow opm_rows[64] = {
    /* clang-format off */
    [0x00] = { vop_redsum, FV }, [0x01] = { vop_redsum, FV }, [0x02] = { vop_redsum, FV },
    [0x03] = { vop_redsum, FV }, [0x04] = { vop_redsum, FV }, [0x05] = { vop_redsum, FV },
    [0x06] = { vop_redsum, FV }, [0x07] = { vop_redsum, FV },
    [0x08] = { op_vaaddu, FV | FX },      [0x09] = { op_vaadd, FV | FX },
    [0x0a] = { op_vasubu, FV | FX },      [0x0b] = { op_vasub, FV | FX },
    [0x0e] = { vop_slide1up, FX },        [0x0f] = { vop_slide1down, FX },
    [0x10] = { vop_wxunary0, FV | FX },   [0x12] = { op_vxunary0, FV },
    [0x14] = { vop_munary0, FV },         [0x17] = { vop_compress, FV },
    [0x18] = { vop_mask_logic, FV },      [0x19] = { vop_mask_logic, FV },
    [0x1a] = { vop_mask_logic, FV },      [0x1b] = { vop_mask_logic, FV },
    [0x1c] = { vop_mask_logic, FV },      [0x1d] = { vop_mask_logic, FV },
    [0x1e] = { vop_mask_logic, FV },      [0x1f] = { vop_mask_logic, FV },
    [0x20] = { op_vdivu, FV | FX },       [0x21] = { op_vdiv, FV | FX },
    [0x22] = { op_vremu, FV | FX },       [0x23] = { op_vrem, FV | FX },
    [0x24] = { op_vmulhu, FV | FX },      [0x25] = { op_vmul, FV | FX },
    [0x26] = { op_vmulhsu, FV | FX },     [0x27] = { op_vmulh, FV | FX },
    [0x29] = { op_vmadd, FV | FX },       [0x2b] = { op_vnmsub, FV | FX },
    [0x2d] = { op_vmacc, FV | FX },       [0x2f] = { op_vnmsac, FV | FX },
    [0x30] = { op_vwaddu, FV | FX },      [0x31] = { op_vwadd, FV | FX },
    [0x32] = { op_vwsubu, FV | FX },      [0x33] = { op_vwsub, FV | FX },
    [0x34] = { op_vwaddu_w, FV | FX },    [0x35] = { op_vwadd_w, FV | FX },
    [0x36] = { op_vwsubu_w, FV | FX },    [0x37] = { op_vwsub_w, FV | FX },
    [0x38] = { op_vwmulu, FV | FX },      [0x3a] = { op_vwmulsu, FV | FX },
    [0x3b] = { op_vwmul, FV | FX },       [0x3c] = { op_vwmaccu, FV | FX },
    [0x3d] = { op_vwmacc, FV | FX },      [0x3e] = { op_vwmaccus, FX },
    [0x3f] = { op_vwmaccsu, FV | FX },
    /* clang-format on */
};

/* Fills o from the bits and runs row r. vmv<nr>r.v needs no valid vtype. */
static int run_row(struct hart *h, const struct insn *in, unsigned form, const struct vrow *r)
{
    uint32_t b = in->bits;
    struct vop o = {
        .h = h, .in = in, .vd = vf_vd(b), .vs1 = vf_rs1(b), .vs2 = vf_vs2(b), .form = form, .masked = !vf_vm(b)
    };
    if (!r->fn || !(r->forms & (1u << form)))
        return hart_illegal(h, in);
    if (!vector_ready(h))
        return hart_illegal(h, in);
    o.sew = vsew_log2(h);
    o.lmul = vlmul_log2(h);
    o.vl = h->vec.vl;
    o.start = h->vec.vstart;
    o.mask = o.masked ? vreg(h, 0) : NULL;
    if (form == VFORM_VX)
        o.x = h->x[o.vs1];
    else if (form == VFORM_VI)
        o.x = (r->forms & UIMM) ? o.vs1 : (uint64_t)(int64_t)((int32_t)(o.vs1 << 27) >> 27);
    return r->fn(&o);
}

int vector_opi(struct hart *h, const struct insn *in, unsigned form)
{
    unsigned f6 = vf_funct6(in->bits);
    if (f6 == 0x27 && form == VFORM_VI) { /* vmv<nr>r.v: vtype need not be valid */
        if (!hart_vs_enabled(h))
            return hart_illegal(h, in);
        hart_vs_dirty(h);
        uint32_t b = in->bits;
        /* clang-format off */
        struct vop o = { .h = h, .in = in, .vd = vf_vd(b), .vs1 = vf_rs1(b), .vs2 = vf_vs2(b), .form = form,
                         .masked = !vf_vm(b), .start = h->vec.vstart };
        /* clang-format on */
        o.sew = (h->vec.vtype & VTYPE_VILL) ? 0 : vsew_log2(h);
        return vop_vmvr(&o);
    }
    return run_row(h, in, form, &opi_rows[f6]);
}

int vector_opm(struct hart *h, const struct insn *in, unsigned form)
{
    return run_row(h, in, form, &opm_rows[vf_funct6(in->bits)]);
}
