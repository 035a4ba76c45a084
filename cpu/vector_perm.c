/*
 * Vector reductions (V 1.0 14), mask instructions (15) and permutations
 * (16): moves between x and element 0, slides, gathers, compress and
 * whole-register moves. Loops over elements are per SEW; slides and
 * whole-register moves copy bytes.
 */
#include <string.h>

#include "cpu/dispatch.h"
#include "cpu/vector.h"

typedef uint8_t __attribute__((may_alias)) u8a;
typedef uint16_t __attribute__((may_alias)) u16a;
typedef uint32_t __attribute__((may_alias)) u32a;
typedef uint64_t __attribute__((may_alias)) u64a;

static inline uint8_t *reg_of(struct vop *o, unsigned r) { return vreg(o->h, r); }
static inline unsigned esize(const struct vop *o) { return 1u << o->sew; }

/* Element i of the group at p, zero-extended. */
/* clang-format off */
static inline uint64_t get_elem(const uint8_t *p, unsigned sew, uint64_t i) { return load_le(p + (i << sew), 1u << sew); }
static inline void put_elem(uint8_t *p, unsigned sew, uint64_t i, uint64_t v) { store_le(p + (i << sew), 1u << sew, v); }

#define VLOOP(...)                                                                 \
    do {                                                                           \
        const uint8_t *mask = o->mask;                                             \
        if (!mask) {                                                               \
            for (uint64_t i = o->start; i < o->vl; i++) { __VA_ARGS__; }           \
        } else {                                                                   \
            for (uint64_t i = o->start; i < o->vl; i++)                            \
                if (vmask_bit(mask, i)) { __VA_ARGS__; }                           \
        }                                                                          \
    } while (0)
/* clang-format on */

/* ---- Reductions ---- */

/* clang-format off */
#define DEF_RED(sfx, T_, S_)                                                       \
    static void red_##sfx(struct vop *o, unsigned f6)                              \
    {                                                                              \
        typedef T_ T;                                                              \
        typedef S_ S;                                                              \
        const T *a = (const T *)reg_of(o, o->vs2);                                 \
        T acc = ((const T *)reg_of(o, o->vs1))[0];                                 \
        switch (f6) {                                                              \
        case 0: VLOOP(acc += a[i]); break;                                         \
        case 1: VLOOP(acc &= a[i]); break;                                         \
        case 2: VLOOP(acc |= a[i]); break;                                         \
        case 3: VLOOP(acc ^= a[i]); break;                                         \
        case 4: VLOOP(acc = a[i] < acc ? a[i] : acc); break;                       \
        case 5: VLOOP(acc = (S)a[i] < (S)acc ? a[i] : acc); break;                 \
        case 6: VLOOP(acc = a[i] > acc ? a[i] : acc); break;                       \
        default: VLOOP(acc = (S)a[i] > (S)acc ? a[i] : acc); break;                \
        }                                                                          \
        ((T *)reg_of(o, o->vd))[0] = acc;                                          \
    }
/* clang-format on */
DEF_RED(8, u8a, int8_t)
DEF_RED(16, u16a, int16_t)
DEF_RED(32, u32a, int32_t)
DEF_RED(64, u64a, int64_t)

/* vstart must be 0; vl = 0 writes nothing. */
int vop_redsum(struct vop *o)
{
    static void (*const fns[4])(struct vop *, unsigned) = { red_8, red_16, red_32, red_64 };
    if (o->start || !vgroup_ok(o->vs2, o->lmul))
        return vop_illegal(o);
    if (o->vl)
        fns[o->sew](o, vf_funct6(o->in->bits));
    return vop_done(o);
}

/* clang-format off */
#define DEF_WRED(sfx, T_, S_, W_, SW_)                                             \
    static void wred_##sfx(struct vop *o, bool sign)                               \
    {                                                                              \
        const T_ *a = (const T_ *)reg_of(o, o->vs2);                               \
        W_ acc = ((const W_ *)reg_of(o, o->vs1))[0];                               \
        if (sign)                                                                  \
            VLOOP(acc += (W_)(SW_)(S_)a[i]);                                       \
        else                                                                       \
            VLOOP(acc += a[i]);                                                    \
        ((W_ *)reg_of(o, o->vd))[0] = acc;                                         \
    }
/* clang-format on */
DEF_WRED(8, u8a, int8_t, u16a, int16_t)
DEF_WRED(16, u16a, int16_t, u32a, int32_t)
DEF_WRED(32, u32a, int32_t, u64a, int64_t)

/* vwredsumu (funct6 0x30), vwredsum (0x31): 2*SEW sum of SEW elements. */
int vop_wredsum(struct vop *o)
{
    static void (*const fns[3])(struct vop *, bool) = { wred_8, wred_16, wred_32 };
    if (o->start || o->sew == 3 || !vgroup_ok(o->vs2, o->lmul))
        return vop_illegal(o);
    if (o->vl)
        fns[o->sew](o, vf_funct6(o->in->bits) & 1);
    return vop_done(o);
}

/* ---- Mask instructions ---- */

/* vmandn .. vmxnor (funct6 0x18..0x1f) on bits [vstart, vl). */
int vop_mask_logic(struct vop *o)
{
    if (o->masked)
        return vop_illegal(o);
    const uint8_t *a = reg_of(o, o->vs2), *b = reg_of(o, o->vs1);
    uint8_t *d = reg_of(o, o->vd);
    unsigned op = vf_funct6(o->in->bits) & 7;
    for (uint64_t k = o->start / 8; k * 8 < o->vl; k++) {
        unsigned x = a[k], y = b[k], r;
        switch (op) {
        case 0: r = x & ~y; break;
        case 1: r = x & y; break;
        case 2: r = x | y; break;
        case 3: r = x ^ y; break;
        case 4: r = x | ~y; break;
        case 5: r = ~(x & y); break;
        case 6: r = ~(x | y); break;
        default: r = ~(x ^ y); break;
        }
        unsigned m = 0xff;
        if (k * 8 < o->start)
            m &= 0xffu << (o->start % 8);
        if (k * 8 + 8 > o->vl)
            m &= 0xffu >> (k * 8 + 8 - o->vl);
        d[k] = (uint8_t)((d[k] & ~m) | (r & m));
    }
    return vop_done(o);
}

/* x[rd] of the vd field (x0 writes the sink). */
static inline uint64_t *xrd(struct vop *o) { return &o->h->x[o->vd ? o->vd : 32]; }

/* VWXUNARY0 (.vv: vmv.x.s, vcpop.m, vfirst.m) and VRXUNARY0 (.vx: vmv.s.x). */
int vop_wxunary0(struct vop *o)
{
    const uint8_t *m = reg_of(o, o->vs2);
    if (o->form == VFORM_VX) { /* vmv.s.x */
        if (o->masked || o->vs2 != 0)
            return vop_illegal(o);
        if (o->start < o->vl)
            put_elem(reg_of(o, o->vd), o->sew, 0, o->x);
        return vop_done(o);
    }
    if (o->vs1 == 0) { /* vmv.x.s: whatever vl and vstart are */
        if (o->masked)
            return vop_illegal(o);
        unsigned bits = 8u << o->sew;
        uint64_t v = get_elem(m, o->sew, 0);
        *xrd(o) = bits == 64 ? v : (uint64_t)((int64_t)(v << (64 - bits)) >> (64 - bits));
        return vop_done(o);
    }
    if ((o->vs1 != 0x10 && o->vs1 != 0x11) || o->start)
        return vop_illegal(o);
    uint64_t count = 0, first = UINT64_MAX;
    for (uint64_t i = 0; i < o->vl; i++) {
        if (vop_active(o, i) && vmask_bit(m, i)) {
            if (first == UINT64_MAX)
                first = i;
            count++;
        }
    }
    *xrd(o) = o->vs1 == 0x10 ? count : first;
    return vop_done(o);
}

/* vmsbf (vs1 = 1), vmsof (2), vmsif (3): the bits before, at, or up to and
 * including the first set active bit of vs2. */
static int set_before_first(struct vop *o)
{
    if (o->vd == o->vs2 || (o->masked && o->vd == 0))
        return vop_illegal(o);
    const uint8_t *a = reg_of(o, o->vs2);
    uint8_t *d = reg_of(o, o->vd);
    bool found = false;
    for (uint64_t i = 0; i < o->vl; i++) {
        if (!vop_active(o, i))
            continue;
        bool bit = vmask_bit(a, i), v;
        switch (o->vs1) {
        case 1: v = !found && !bit; break;
        case 2: v = !found && bit; break;
        default: v = !found; break;
        }
        vmask_set(d, i, v);
        found |= bit;
    }
    return vop_done(o);
}

/* VMUNARY0: vmsbf, vmsof, vmsif, viota.m (vs1 = 0x10), vid.v (0x11). */
int vop_munary0(struct vop *o)
{
    uint8_t *d = reg_of(o, o->vd);
    if (o->vs1 == 0x11) { /* vid.v */
        if (o->vs2 || !vgroup_ok(o->vd, o->lmul) || (o->masked && o->vd == 0))
            return vop_illegal(o);
        VLOOP(put_elem(d, o->sew, i, i));
        return vop_done(o);
    }
    if (o->start)
        return vop_illegal(o);
    if (o->vs1 >= 1 && o->vs1 <= 3)
        return set_before_first(o);
    if (o->vs1 != 0x10 || !vgroup_ok(o->vd, o->lmul) || (o->masked && o->vd == 0) ||
        vgroups_overlap(o->vd, vgroup_regs(o->lmul), o->vs2, 1))
        return vop_illegal(o);
    const uint8_t *a = reg_of(o, o->vs2);
    uint64_t sum = 0;
    VLOOP(put_elem(d, o->sew, i, sum); sum += vmask_bit(a, i));
    return vop_done(o);
}

/* vcompress.vm: the vs2 elements whose vs1 bit is set, packed. */
int vop_compress(struct vop *o)
{
    unsigned n = vgroup_regs(o->lmul);
    if (o->masked || o->start || !vgroup_ok(o->vd, o->lmul) || !vgroup_ok(o->vs2, o->lmul) ||
        vgroups_overlap(o->vd, n, o->vs2, n) || vgroups_overlap(o->vd, n, o->vs1, 1))
        return vop_illegal(o);
    const uint8_t *a = reg_of(o, o->vs2), *sel = reg_of(o, o->vs1);
    uint8_t *d = reg_of(o, o->vd);
    unsigned size = esize(o);
    uint64_t k = 0;
    for (uint64_t i = 0; i < o->vl; i++)
        if (vmask_bit(sel, i))
            memcpy(d + (k++ << o->sew), a + (i << o->sew), size);
    return vop_done(o);
}

/* ---- Slides ---- */

static bool slide_ok(const struct vop *o, bool no_overlap)
{
    unsigned n = vgroup_regs(o->lmul);
    return vgroup_ok(o->vd, o->lmul) && vgroup_ok(o->vs2, o->lmul) && !(o->masked && o->vd == 0) &&
           !(no_overlap && vgroups_overlap(o->vd, n, o->vs2, n));
}

/* vd[i] = vs2[i - off] for active i in [max(vstart, off), vl). */
static void slide_up(struct vop *o, uint64_t off)
{
    uint8_t *d = reg_of(o, o->vd);
    const uint8_t *a = reg_of(o, o->vs2);
    uint64_t from = o->start > off ? o->start : off;
    if (from >= o->vl)
        return;
    if (!o->mask) {
        memcpy(d + (from << o->sew), a + ((from - off) << o->sew), (o->vl - from) << o->sew);
        return;
    }
    for (uint64_t i = from; i < o->vl; i++)
        if (vmask_bit(o->mask, i))
            memcpy(d + (i << o->sew), a + ((i - off) << o->sew), esize(o));
}

/* vd[i] = vs2[i + off] (0 past VLMAX) for active i in [vstart, end). In
 * increasing order, so vd may be vs2. */
static void slide_down(struct vop *o, uint64_t off, uint64_t end)
{
    uint8_t *d = reg_of(o, o->vd);
    const uint8_t *a = reg_of(o, o->vs2);
    uint64_t vlmax = vlmax_of(o->h, o->sew, o->lmul);
    for (uint64_t i = o->start; i < end; i++) {
        if (!vop_active(o, i))
            continue;
        if (off < vlmax && i < vlmax - off)
            memmove(d + (i << o->sew), a + ((i + off) << o->sew), esize(o));
        else
            memset(d + (i << o->sew), 0, esize(o));
    }
}

int vop_slideup(struct vop *o)
{
    if (!slide_ok(o, true))
        return vop_illegal(o);
    slide_up(o, o->x);
    return vop_done(o);
}

int vop_slidedown(struct vop *o)
{
    if (!slide_ok(o, false))
        return vop_illegal(o);
    slide_down(o, o->x, o->vl);
    return vop_done(o);
}

int vop_slide1up(struct vop *o)
{
    if (!slide_ok(o, true))
        return vop_illegal(o);
    slide_up(o, 1);
    if (o->start == 0 && o->vl > 0 && vop_active(o, 0))
        put_elem(reg_of(o, o->vd), o->sew, 0, o->x);
    return vop_done(o);
}

int vop_slide1down(struct vop *o)
{
    if (!slide_ok(o, false))
        return vop_illegal(o);
    if (o->vl == 0)
        return vop_done(o);
    slide_down(o, 1, o->vl - 1);
    if (o->start < o->vl && vop_active(o, o->vl - 1))
        put_elem(reg_of(o, o->vd), o->sew, o->vl - 1, o->x);
    return vop_done(o);
}

/* ---- Gathers ---- */

/* clang-format off */
#define DEF_GATHER(sfx, T_, I_)                                                    \
    static void gather_##sfx(struct vop *o, const uint8_t *idx, uint64_t vlmax)    \
    {                                                                              \
        T_ *d = (T_ *)reg_of(o, o->vd);                                            \
        const T_ *a = (const T_ *)reg_of(o, o->vs2);                               \
        if (idx) {                                                                 \
            const I_ *ix = (const I_ *)idx;                                        \
            VLOOP(d[i] = ix[i] < vlmax ? a[ix[i]] : 0);                            \
        } else {                                                                   \
            T_ v = o->x < vlmax ? a[o->x] : 0;                                     \
            VLOOP(d[i] = v);                                                       \
        }                                                                          \
    }
/* clang-format on */
DEF_GATHER(8, u8a, u8a)
DEF_GATHER(16, u16a, u16a)
DEF_GATHER(32, u32a, u32a)
DEF_GATHER(64, u64a, u64a)
DEF_GATHER(8_16, u8a, u16a)
DEF_GATHER(32_16, u32a, u16a)
DEF_GATHER(64_16, u64a, u16a)

typedef void (*gather_fn)(struct vop *o, const uint8_t *idx, uint64_t vlmax);

/* vd may overlap neither source; idx_emul is the index group's EMUL. */
static int run_gather(struct vop *o, gather_fn fn, int idx_emul, bool vector_index)
{
    unsigned n = vgroup_regs(o->lmul);
    if (!vgroup_ok(o->vd, o->lmul) || !vgroup_ok(o->vs2, o->lmul) || (o->masked && o->vd == 0) ||
        vgroups_overlap(o->vd, n, o->vs2, n) ||
        (vector_index && (idx_emul < -3 || idx_emul > 3 || !vgroup_ok(o->vs1, idx_emul) ||
                          vgroups_overlap(o->vd, n, o->vs1, vgroup_regs(idx_emul)))))
        return vop_illegal(o);
    fn(o, vector_index ? reg_of(o, o->vs1) : NULL, vlmax_of(o->h, o->sew, o->lmul));
    return vop_done(o);
}

int vop_rgather(struct vop *o)
{
    static const gather_fn fns[4] = { gather_8, gather_16, gather_32, gather_64 };
    return run_gather(o, fns[o->sew], o->lmul, o->form == VFORM_VV);
}

/* OPIVV funct6 0x0e is vrgatherei16.vv; OPIVX/OPIVI, vslideup. */
int vop_slideup_or_gather16(struct vop *o)
{
    static const gather_fn fns[4] = { gather_8_16, gather_16, gather_32_16, gather_64_16 };
    if (o->form != VFORM_VV)
        return vop_slideup(o);
    return run_gather(o, fns[o->sew], 1 - (int)o->sew + o->lmul, true);
}

/* ---- vmv<nr>r.v (V 1.0 16.6): EEW = SEW (8 when vtype is invalid) ---- */

int vop_vmvr(struct vop *o)
{
    unsigned nr = o->vs1 + 1;
    if (o->masked || (nr & (nr - 1)) || nr > 8 || o->vd % nr || o->vs2 % nr)
        return vop_illegal(o);
    uint64_t evl = ((uint64_t)nr * o->h->vec.vlenb) >> o->sew;
    if (o->start < evl && o->vd != o->vs2)
        memcpy(reg_of(o, o->vd) + (o->start << o->sew), reg_of(o, o->vs2) + (o->start << o->sew),
               (evl - o->start) << o->sew);
    return vop_done(o);
}
