/*
 * Vector loads and stores (V 1.0 7): unit-stride, strided, indexed
 * (ordered and unordered alike: rivet does them in element order),
 * segment, whole-register, mask and fault-only-first.
 *
 * Every element goes through the MMU with the scalar rules (page faults,
 * access faults, misaligned elements split by the MMU; tval = the faulting
 * address). A fault at segment i leaves vstart = i (vector.h). Unit-stride
 * accesses take the TLB's host pointer once per page: the segments that lie
 * whole in the page of the next one are copied through it, and only an
 * element the TLB does not hold (a miss, a device, a watched or code page
 * for stores) or one that straddles two pages goes the slow way, which
 * also fills the TLB for the rest of the page. A watched access
 * (MMU_WATCH_DEFER, mmu.h) stops the instruction like a fault, at vstart =
 * its element, and the run loop runs it again with the access allowed.
 */
#include <string.h>

#include "cpu/dispatch.h"
#include "cpu/vector.h"

enum { MOP_UNIT = 0, MOP_INDEXED_UNORDERED = 1, MOP_STRIDED = 2, MOP_INDEXED_ORDERED = 3 };
enum { UMOP_UNIT = 0, UMOP_WHOLE = 8, UMOP_MASK = 11, UMOP_FF = 16 };

/* One access, as decoded and checked. */
struct vmem {
    uint64_t base, stride; /* unit-stride: stride = nf << eew */
    uint64_t start, evl;   /* segments [start, evl) */
    unsigned eew;          /* log2 of the data element's bytes */
    unsigned nf;           /* fields per segment, 1..8 */
    unsigned vd, regs;     /* first register, registers per field */
    unsigned vs2, idx_eew; /* indexed: the index register, log2 of its bytes */
    bool masked, indexed, ff, store;
};

/* The byte of field f of element i in the register file. */
static inline uint8_t *velem(struct hart *h, const struct vmem *m, unsigned f, uint64_t i)
{
    return vreg(h, m->vd + f * m->regs) + (i << m->eew);
}

static inline uint64_t index_of(struct hart *h, const struct vmem *m, uint64_t i)
{
    const uint8_t *p = vreg(h, m->vs2) + (i << m->idx_eew);
    switch (m->idx_eew) {
    case 0: return *p;
    case 1: return load_le(p, 2);
    case 2: return load_le(p, 4);
    default: return load_le(p, 8);
    }
}

static inline uint64_t seg_addr(struct hart *h, const struct vmem *m, uint64_t i)
{
    return m->base + (m->indexed ? index_of(h, m, i) : i * m->stride);
}

/* Segment i through the MMU, field by field. 0 or a cause (*tval set). */
static int seg_slow(struct hart *h, const struct vmem *m, uint64_t i, uint64_t *tval)
{
    uint64_t va = seg_addr(h, m, i), value;
    unsigned size = 1u << m->eew;
    for (unsigned f = 0; f < m->nf; f++, va += size) {
        uint8_t *r = velem(h, m, f, i);
        int cause;
        if (m->store) {
            cause = mmu_store(&h->mmu, va, size, load_le(r, size), tval);
        } else {
            cause = mmu_load(&h->mmu, va, size, &value, tval);
            if (!cause)
                store_le(r, size, value);
        }
        if (cause)
            return cause;
    }
    return 0;
}

/* Unit-stride: the segments from i that lie whole in the page of segment
 * i, through the TLB's host pointer; returns how many were done (0: the TLB
 * does not hold the page, or segment i straddles two). */
static uint64_t unit_chunk(struct hart *h, const struct vmem *m, uint64_t i)
{
    uint64_t va = m->base + i * m->stride, left = PAGE_SIZE - (va & (PAGE_SIZE - 1));
    /* A division costs more than a 128-byte copy: one field is a shift. */
    uint64_t in_page = m->nf == 1 ? left >> m->eew : left / m->stride, n = m->evl - i;
    if (n > in_page)
        n = in_page;
    const struct tlb_entry *e = n ? tlb_hit(m->store ? h->mmu.tlb_store : h->mmu.tlb_load, va, 1) : NULL;
    if (!e)
        return 0;
    uint8_t *host = (uint8_t *)(uintptr_t)(va + e->addend);
    unsigned size = 1u << m->eew;
    if (m->nf == 1 && !m->masked) {
        uint8_t *r = velem(h, m, 0, i);
        if (m->store)
            memcpy(host, r, n << m->eew);
        else
            memcpy(r, host, n << m->eew);
        return n;
    }
    const uint8_t *mask = vreg(h, 0);
    for (uint64_t k = 0; k < n; k++, host += m->stride) {
        if (m->masked && !vmask_bit(mask, i + k))
            continue;
        for (unsigned f = 0; f < m->nf; f++) {
            uint8_t *r = velem(h, m, f, i + k);
            if (m->store)
                memcpy(host + (f << m->eew), r, size);
            else
                memcpy(r, host + (f << m->eew), size);
        }
    }
    return n;
}

static int run(struct hart *h, const struct vmem *m)
{
    const uint8_t *mask = vreg(h, 0);
    bool unit = !m->indexed && m->stride == ((uint64_t)m->nf << m->eew);
    for (uint64_t i = m->start; i < m->evl;) {
        if (unit) {
            uint64_t n = unit_chunk(h, m, i);
            if (n) {
                i += n;
                continue;
            }
        }
        if (!m->masked || vmask_bit(mask, i)) {
            uint64_t tval;
            int cause = seg_slow(h, m, i, &tval);
            /* Fault-only-first: vl ends at a faulting element past the
             * first. A debugger's watchpoint is no fault: the run loop
             * runs the instruction again from vstart with it allowed. */
            if (cause && cause != MMU_WATCH_DEFER && m->ff && i > 0) {
                h->vec.vl = i;
                break;
            }
            if (cause) {
                h->vec.vstart = i;
                return hart_raise(h, (uint64_t)cause, tval);
            }
        }
        i++;
    }
    h->vec.vstart = 0;
    return EXEC_NEXT;
}

/* Whole-register loads and stores: vl<n>re<eew>.v, vs<n>r.v. */
static int whole(struct hart *h, const struct insn *in, struct vmem *m)
{
    unsigned n = m->nf;
    if (!hart_vs_enabled(h) || !vf_vm(in->bits) || (n & (n - 1)) || m->vd % n || (m->store && m->eew != 0))
        return hart_illegal(h, in);
    hart_vs_dirty(h);
    m->regs = n;
    m->nf = 1; /* one field over n registers */
    m->evl = ((uint64_t)n * h->vec.vlenb) >> m->eew;
    m->stride = 1u << m->eew;
    m->start = h->vec.vstart;
    return run(h, m);
}

/* Whether an EMUL of 2^emul_log2 is legal: 1/8..8. */
static bool emul_ok(int emul_log2) { return emul_log2 >= -3 && emul_log2 <= 3; }

/* The vd groups of an indexed load and its index group: V 1.0 5.2's
 * overlap rules (indexed segment loads may not overlap at all). */
static bool index_overlap_ok(const struct vmem *m, int data_emul, int idx_emul)
{
    unsigned iregs = vgroup_regs(idx_emul);
    if (m->store)
        return true;
    if (!vgroups_overlap(m->vd, m->regs * m->nf, m->vs2, iregs))
        return true;
    if (m->nf > 1)
        return false;
    return vector_overlap_ok(m->vd, m->eew, data_emul, m->vs2, m->idx_eew, idx_emul);
}

/* Fills the addressing of m from the bits; false: reserved encoding. */
static bool decode_mode(struct hart *h, const struct insn *in, struct vmem *m, unsigned eew)
{
    uint32_t b = in->bits;
    unsigned mop = vf_mop(b), umop = vf_vs2(b);
    m->base = h->x[in->rs1];
    m->stride = (uint64_t)m->nf << eew;
    if (mop == MOP_STRIDED) {
        m->stride = h->x[vf_vs2(b)];
    } else if (mop == MOP_INDEXED_UNORDERED || mop == MOP_INDEXED_ORDERED) {
        m->indexed = true;
        m->vs2 = vf_vs2(b);
        m->idx_eew = eew;
        m->eew = vsew_log2(h);
    } else if (umop == UMOP_FF && !m->store) {
        m->ff = true;
    } else if (umop != UMOP_UNIT) {
        return false;
    }
    return true;
}

int vector_load_store(struct hart *h, const struct insn *in, unsigned eew, bool store)
{
    uint32_t b = in->bits;
    struct vmem m = { .eew = eew, .nf = vf_nf(b) + 1, .vd = vf_vd(b), .masked = !vf_vm(b), .store = store };
    if (vf_mop(b) == MOP_UNIT && vf_vs2(b) == UMOP_WHOLE) {
        m.base = h->x[in->rs1];
        return whole(h, in, &m);
    }
    if (!vector_ready(h))
        return hart_illegal(h, in);
    int lmul = vlmul_log2(h), sew = (int)vsew_log2(h);
    uint64_t vl = h->vec.vl;
    if (vf_mop(b) == MOP_UNIT && vf_vs2(b) == UMOP_MASK) { /* vlm.v, vsm.v */
        if (eew != 0 || m.nf != 1 || m.masked)
            return hart_illegal(h, in);
        m.base = h->x[in->rs1];
        m.stride = 1;
        m.regs = 1;
        m.evl = (vl + 7) / 8;
        m.start = h->vec.vstart;
        return run(h, &m);
    }
    if (!decode_mode(h, in, &m, eew))
        return hart_illegal(h, in);
    /* The data's EMUL: EEW/SEW * LMUL, or LMUL for indexed (data EEW = SEW). */
    int emul = m.indexed ? lmul : (int)eew - sew + lmul, idx_emul = (int)eew - sew + lmul;
    m.regs = vgroup_regs(emul);
    if (!emul_ok(emul) || (m.indexed && (!emul_ok(idx_emul) || !vgroup_ok(m.vs2, idx_emul))) || m.regs * m.nf > 8 ||
        !vgroup_ok(m.vd, emul) || m.vd + m.regs * m.nf > 32 || (m.masked && !store && m.vd == 0) ||
        (m.indexed && !index_overlap_ok(&m, emul, idx_emul)))
        return hart_illegal(h, in);
    m.evl = vl;
    m.start = h->vec.vstart;
    return run(h, &m);
}
