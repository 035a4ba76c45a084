/* V 1.0: state, CSRs, vset{i}vl{i} and the rows' entry points (vector.h). */
#include "cpu/vector.h"

#include <stdio.h>

#include "cpu/decode.h"
#include "cpu/dispatch.h"

#define VXRM_MASK       3
#define VCSR_VXRM_SHIFT 1

void vector_reset(struct hart *h)
{
    h->vec.vtype = VTYPE_VILL;
    h->vec.vl = h->vec.vstart = 0;
    h->vec.vxrm = h->vec.vxsat = 0;
}

/* ---- CSRs ---- */

bool vector_csr_ok(const struct hart *h, unsigned csr) { return hart_vs_enabled(h); }

uint64_t vector_csr_read(struct hart *h, unsigned csr)
{
    switch (csr) {
    case CSR_VSTART: return h->vec.vstart;
    case CSR_VXSAT: return h->vec.vxsat;
    case CSR_VXRM: return h->vec.vxrm;
    case CSR_VCSR: return (uint64_t)h->vec.vxrm << VCSR_VXRM_SHIFT | h->vec.vxsat;
    case CSR_VL: return h->vec.vl;
    case CSR_VTYPE: return h->vec.vtype;
    default: return h->vec.vlenb; /* CSR_VLENB */
    }
}

/* vl, vtype and vlenb are read-only by their numbers (csr.c refuses the
 * write); vstart holds the bits of the largest element index, VLEN - 1. */
void vector_csr_write(struct hart *h, unsigned csr, uint64_t v)
{
    switch (csr) {
    case CSR_VSTART: h->vec.vstart = v & ((uint64_t)h->vec.vlenb * 8 - 1); break;
    case CSR_VXSAT: h->vec.vxsat = v & 1; break;
    case CSR_VXRM: h->vec.vxrm = v & VXRM_MASK; break;
    case CSR_VCSR:
        h->vec.vxsat = v & 1;
        h->vec.vxrm = (v >> VCSR_VXRM_SHIFT) & VXRM_MASK;
        break;
    default: break;
    }
    hart_vs_dirty(h);
}

bool vector_overlap_ok(unsigned d, unsigned d_eew, int d_emul, unsigned s, unsigned s_eew, int s_emul)
{
    unsigned dn = vgroup_regs(d_emul), sn = vgroup_regs(s_emul);
    if (!vgroups_overlap(d, dn, s, sn) || d_eew == s_eew)
        return true;
    if (d_eew < s_eew)
        return d == s;
    return s_emul >= 0 && s + sn == d + dn;
}

/* ---- vsetvli, vsetivli, vsetvl (V 1.0 6) ---- */

/* Whether rivet supports vtype `t`: SEW <= ELEN (64), LMUL not the reserved
 * 100, a fractional LMUL with SEW <= LMUL * ELEN, no reserved bit set. */
static bool vtype_supported(uint64_t t)
{
    unsigned sew_log2 = (t >> VTYPE_VSEW_SHIFT) & 7, lmul = t & VTYPE_VLMUL;
    if (t & ~(uint64_t)VTYPE_DEFINED)
        return false;
    if (sew_log2 > 3 || lmul == 4)
        return false;
    /* LMUL = 2^-(8 - lmul) for lmul 5..7: SEW * 2^(8 - lmul) <= 64. */
    return lmul < 4 || sew_log2 + (8 - lmul) <= 3;
}

/* Sets vtype and vl from the new vtype and AVL (keep_vl: rs1 = rd = x0),
 * writes vl to x[rd] (rd already maps x0 to the sink). */
static int vset(struct hart *h, const struct insn *in, uint64_t vtype, uint64_t avl, bool keep_vl)
{
    if (!hart_vs_enabled(h))
        return hart_illegal(h, in);
    hart_vs_dirty(h);
    h->vec.vstart = 0;
    if (!vtype_supported(vtype)) {
        h->vec.vtype = VTYPE_VILL;
        h->vec.vl = 0;
        h->x[in->rd] = 0;
        return EXEC_NEXT;
    }
    h->vec.vtype = vtype;
    uint64_t vlmax = vlmax_of(h, vsew_log2(h), vlmul_log2(h));
    if (keep_vl) {
        if (h->vec.vl > vlmax) { /* the ratio changed: reserved; rivet sets vill */
            h->vec.vtype = VTYPE_VILL;
            h->vec.vl = 0;
        }
    } else {
        h->vec.vl = avl < vlmax ? avl : vlmax;
    }
    h->x[in->rd] = h->vec.vl;
    return EXEC_NEXT;
}

/* The AVL of vsetvli and vsetvl: x[rs1]; with rs1 = x0, VLMAX when rd is
 * not x0, else keep vl (the decoder maps rd = x0 to the sink, 32). */
static uint64_t avl_of(const struct hart *h, const struct insn *in, bool *keep)
{
    *keep = in->rs1 == 0 && in->rd == 32;
    return in->rs1 ? h->x[in->rs1] : UINT64_MAX;
}

INSN(vsetvli)
{
    bool keep;
    uint64_t avl = avl_of(h, in, &keep);
    return vset(h, in, (in->bits >> 20) & 0x7ff, avl, keep);
}

INSN(vsetivli) { return vset(h, in, (in->bits >> 20) & 0x3ff, in->rs1, false); }

INSN(vsetvl)
{
    bool keep;
    uint64_t avl = avl_of(h, in, &keep);
    return vset(h, in, h->x[in->rs2], avl, keep);
}

/* ---- Arithmetic and memory rows ---- */

INSN(vopivv) { return vector_opi(h, in, VFORM_VV); }
INSN(vopivx) { return vector_opi(h, in, VFORM_VX); }
INSN(vopivi) { return vector_opi(h, in, VFORM_VI); }
INSN(vopmvv) { return vector_opm(h, in, VFORM_VV); }
INSN(vopmvx) { return vector_opm(h, in, VFORM_VX); }
INSN(vopfvv) { return vector_opf(h, in, VFORM_VV); }
INSN(vopfvf) { return vector_opf(h, in, VFORM_VX); }

INSN(vload8) { return vector_load_store(h, in, 0, false); }
INSN(vload16) { return vector_load_store(h, in, 1, false); }
INSN(vload32) { return vector_load_store(h, in, 2, false); }
INSN(vload64) { return vector_load_store(h, in, 3, false); }
INSN(vstore8) { return vector_load_store(h, in, 0, true); }
INSN(vstore16) { return vector_load_store(h, in, 1, true); }
INSN(vstore32) { return vector_load_store(h, in, 2, true); }
INSN(vstore64) { return vector_load_store(h, in, 3, true); }

/* ---- Disassembly ---- */

void vector_disasm(const struct insn *in, const char *mn, char *buf, size_t size)
{
    uint32_t b = in->bits;
    const char *rd = reg_abi_name[vf_vd(b)], *rs1 = reg_abi_name[vf_rs1(b)];
    const char *mask = vf_vm(b) ? "" : ",v0.t";
    switch (in->id) {
    case INSN_vsetvli: snprintf(buf, size, "%-7s %s,%s,0x%x", mn, rd, rs1, (b >> 20) & 0x7ff); return;
    case INSN_vsetivli: snprintf(buf, size, "%-7s %s,%u,0x%x", mn, rd, vf_rs1(b), (b >> 20) & 0x3ff); return;
    case INSN_vsetvl: snprintf(buf, size, "%-7s %s,%s,%s", mn, rd, rs1, reg_abi_name[vf_vs2(b)]); return;
    /* clang-format off */
    case INSN_vload8: case INSN_vload16: case INSN_vload32: case INSN_vload64:
    case INSN_vstore8: case INSN_vstore16: case INSN_vstore32: case INSN_vstore64:
        /* clang-format on */
        snprintf(buf, size, "%-7s v%u,(%s),nf=%u,mop=%u,%u%s", mn, vf_vd(b), rs1, vf_nf(b) + 1, vf_mop(b), vf_vs2(b),
                 mask);
        return;
    default: /* OP-V: vs1 is a register, x register or immediate by category */
        snprintf(buf, size, "%-7s f6=0x%02x v%u,v%u,%u%s", mn, vf_funct6(b), vf_vd(b), vf_vs2(b), vf_rs1(b), mask);
        return;
    }
}
