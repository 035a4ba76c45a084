/*
 * The vector extension V 1.0 (ELEN = 64, VLEN from the ISA: 128 to 1024).
 *
 * State lives in struct hart (h->vec, hart.h); mstatus.VS guards it as FS
 * guards the FP state: Off makes every vector instruction and vector CSR
 * illegal, and any vector instruction or vector CSR write sets VS (and so
 * SD) to Dirty, whether or not it changed anything (the spec allows that).
 *
 * Decoding: the instruction table has a row per configuration form, per
 * OP-V category and per memory element width (insn_table.h,
 * RV_VECTOR_ROWS); their handlers (vector.c, vector_mem.c,
 * vector_arith.c) take funct6, vm and the register fields from in->bits.
 * The translator calls those handlers (cpu/jit.c's exec call path).
 *
 * Policies rivet chose (V 1.0 3.4.3): tail-agnostic and mask-agnostic
 * elements are left undisturbed, as QEMU 7.2 does by default; vl = min(AVL,
 * VLMAX) for vsetvl*; vsetvl* with rs1 = rd = x0 keeps vl, and sets vill
 * when the new VLMAX would be below it. Reserved encodings (misaligned
 * register groups, forbidden overlaps, EMUL out of range, vm = 1 where v0
 * is an operand, non-zero vstart where the spec forbids it) raise illegal
 * instruction.
 *
 * Traps mid-instruction: a load or store that faults at element i leaves
 * vstart = i and elements below i done; executed again after the trap
 * returns, it starts at vstart. Every instruction that completes leaves
 * vstart = 0.
 *
 * Threading: all of it runs on the hart's own thread.
 */
#ifndef RIVET_VECTOR_H
#define RIVET_VECTOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cpu/hart.h"

_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "vector elements are kept in host order");

/* vtype fields (V 1.0 3.4). */
#define VTYPE_VLMUL      0x7u
#define VTYPE_VSEW_SHIFT 3
/* clang-format off */
#define VTYPE_VSEW     (0x7u << VTYPE_VSEW_SHIFT)
#define VTYPE_VTA      0x40u
#define VTYPE_VMA      0x80u
#define VTYPE_VILL     (1ull << 63)
#define VTYPE_DEFINED  0xffu /* bits 7:0; the rest but vill are reserved */
/* clang-format on */

/* CSR numbers (V 1.0 3). */
#define CSR_VSTART 0x008
#define CSR_VXSAT  0x009
#define CSR_VXRM   0x00a
#define CSR_VCSR   0x00f
#define CSR_VL     0xc20
#define CSR_VTYPE  0xc21
#define CSR_VLENB  0xc22

#define MSTATUS_VS_SHIFT 9

static inline bool hart_vs_enabled(const struct hart *h) { return (h->mstatus & MSTATUS_VS) != 0; }
static inline void hart_vs_dirty(struct hart *h) { h->mstatus |= MSTATUS_VS | MSTATUS_SD; }

/* Reset state: vtype.vill set, vl = vstart = 0, vxrm = vxsat = 0; the
 * registers keep what they hold (their reset value is unspecified). */
void vector_reset(struct hart *h);

/* The CSR rows' functions (cpu/csr.c): the access rule (VS not Off) and
 * reads and writes of vstart, vxsat, vxrm, vcsr, vl, vtype, vlenb. */
bool vector_csr_ok(const struct hart *h, unsigned csr);
uint64_t vector_csr_read(struct hart *h, unsigned csr);
void vector_csr_write(struct hart *h, unsigned csr, uint64_t value);

/* --trace's text for a vector row `mn` (cpu/disasm.c): the row, then its
 * fields (funct6, registers, vm; vtype for vset*). */
void vector_disasm(const struct insn *in, const char *mn, char *buf, size_t size);

/* ---- For cpu/vector*.c only ---- */

/* Instruction fields (V 1.0 10). */
static inline unsigned vf_vd(uint32_t b) { return (b >> 7) & 31; }
static inline unsigned vf_rs1(uint32_t b) { return (b >> 15) & 31; }
static inline unsigned vf_vs2(uint32_t b) { return (b >> 20) & 31; }
static inline bool vf_vm(uint32_t b) { return (b >> 25) & 1; }
static inline unsigned vf_funct6(uint32_t b) { return b >> 26; }
static inline unsigned vf_nf(uint32_t b) { return b >> 29; }
static inline unsigned vf_mop(uint32_t b) { return (b >> 26) & 3; }

/* log2 of SEW in bytes (0..3) and of LMUL (-3..3) of a valid vtype. */
static inline unsigned vsew_log2(const struct hart *h) { return (unsigned)(h->vec.vtype >> VTYPE_VSEW_SHIFT) & 7; }
static inline int vlmul_log2(const struct hart *h)
{
    unsigned l = h->vec.vtype & VTYPE_VLMUL;
    return l < 4 ? (int)l : (int)l - 8;
}
/* VLMAX for element width 2^sew_log2 bytes and group size 2^lmul_log2. */
static inline uint64_t vlmax_of(const struct hart *h, unsigned sew_log2, int lmul_log2)
{
    uint64_t n = (uint64_t)h->vec.vlenb >> sew_log2;
    return lmul_log2 >= 0 ? n << lmul_log2 : n >> -lmul_log2;
}

static inline uint8_t *vreg(struct hart *h, unsigned r) { return &h->vec.v[r * h->vec.vlenb]; }

/* Mask bit i of register r (v0 for masking). */
static inline bool vmask_bit(const uint8_t *m, uint64_t i) { return (m[i / 8] >> (i % 8)) & 1; }
static inline void vmask_set(uint8_t *m, uint64_t i, bool v)
{
    m[i / 8] = (uint8_t)((m[i / 8] & ~(1u << (i % 8))) | ((unsigned)v << (i % 8)));
}

/* Register group r of 2^emul_log2 registers (at least one) is legal: aligned
 * and within v0..v31. */
static inline bool vgroup_ok(unsigned r, int emul_log2)
{
    unsigned n = emul_log2 > 0 ? 1u << emul_log2 : 1;
    return (r & (n - 1)) == 0 && r + n <= 32;
}
/* Registers of a group of 2^emul_log2 (fractional groups take one). */
static inline unsigned vgroup_regs(int emul_log2) { return emul_log2 > 0 ? 1u << emul_log2 : 1; }
/* Whether groups [a, a+na) and [b, b+nb) share a register. */
static inline bool vgroups_overlap(unsigned a, unsigned na, unsigned b, unsigned nb)
{
    return a < b + nb && b < a + na;
}

/* V 1.0 5.2: a destination group (EEW 2^d_eew bytes, EMUL 2^d_emul) may
 * overlap a source group when the EEWs are equal, when the destination is
 * narrower and the overlap is the lowest part of the source, or when it is
 * wider, the source EMUL at least 1 and the overlap the highest part of the
 * destination. */
bool vector_overlap_ok(unsigned d, unsigned d_eew, int d_emul, unsigned s, unsigned s_eew, int s_emul);

/* Whether an instruction depending on vtype may run: VS on, vtype valid.
 * Sets VS dirty when it may. */
static inline bool vector_ready(struct hart *h)
{
    if (!hart_vs_enabled(h) || (h->vec.vtype & VTYPE_VILL))
        return false;
    hart_vs_dirty(h);
    return true;
}

/* An OP-V arithmetic instruction being run (vector_arith.c, vector_perm.c). */
struct vop {
    struct hart *h;
    const struct insn *in;
    unsigned vd, vs1, vs2, form; /* form: VFORM_* */
    bool masked;
    unsigned sew;        /* log2 of SEW in bytes */
    int lmul;            /* log2 of LMUL */
    uint64_t vl, start;  /* elements [start, vl) */
    uint64_t x;          /* the scalar operand: x[rs1], simm5 or uimm5 */
    const uint8_t *mask; /* v0 when masked, else NULL */
    int rm;              /* floating point (vector_fp.c): frm */
    unsigned fflags;     /* floating point: flags raised so far */
};
typedef int (*vop_fn)(struct vop *o);

static inline int vop_done(struct vop *o)
{
    o->h->vec.vstart = 0;
    return EXEC_NEXT;
}
static inline int vop_illegal(struct vop *o) { return hart_illegal(o->h, o->in); }
/* Whether element i is active (mask off or its v0 bit set). */
static inline bool vop_active(const struct vop *o, uint64_t i) { return !o->mask || vmask_bit(o->mask, i); }

/* vector_perm.c: reductions, mask instructions, moves, slides, gathers. */
int vop_redsum(struct vop *o);  /* vredsum..vredmax by funct6 */
int vop_wredsum(struct vop *o); /* vwredsum, vwredsumu */
int vop_mask_logic(struct vop *o);
int vop_wxunary0(struct vop *o); /* vmv.x.s, vcpop.m, vfirst.m; vmv.s.x */
int vop_munary0(struct vop *o);  /* vmsbf, vmsof, vmsif, viota, vid */
int vop_compress(struct vop *o);
int vop_slideup(struct vop *o);
int vop_slidedown(struct vop *o);
int vop_slide1up(struct vop *o);
int vop_slide1down(struct vop *o);
int vop_rgather(struct vop *o); /* vrgather.vv/vx/vi */
int vop_rgatherei16(struct vop *o);
int vop_slideup_or_gather16(struct vop *o);
int vop_vmvr(struct vop *o); /* vmv<nr>r.v */

/* The handlers of the rows (vector_mem.c, vector_arith.c). */
int vector_load_store(struct hart *h, const struct insn *in, unsigned eew_log2, bool store);
int vector_opi(struct hart *h, const struct insn *in, unsigned form);
int vector_opm(struct hart *h, const struct insn *in, unsigned form);
/* OPFVV (VFORM_VV) and OPFVF (VFORM_VX: the scalar is f[rs1]), vector_fp.c. */
int vector_opf(struct hart *h, const struct insn *in, unsigned form);
/* Forms of an OP-V instruction: its second operand. */
enum { VFORM_VV, VFORM_VX, VFORM_VI };

#endif
