/*
 * Expansion of RV64 compressed instructions to their 32-bit equivalents
 * (unpriv. spec 20191213, ch. 16; the opcode map is table 16.4-16.6), and
 * of the Zcb and Zcmop forms in encodings C leaves reserved (Zc 1.0,
 * Zimop 1.0).
 *
 * Reserved encodings expand to 0, which the decoder treats as illegal. HINT
 * encodings (rd = x0 forms, c.nop with a non-zero immediate, shifts by 0)
 * expand to the same-shaped 32-bit instruction, which then writes x0 or
 * leaves its register unchanged, so they execute as no-ops (16.7).
 */
#include "cpu/rvc.h"

#include "cpu/insn_table.h" /* major opcodes OP_* */

#define REG_ZERO 0
#define REG_RA   1
#define REG_SP   2

/* funct3 values of the 32-bit instructions produced here. */
/* clang-format off */
#define F3_ADD  0
#define F3_SLL  1
#define F3_W    2 /* lw, sw */
#define F3_D    3 /* ld, sd, fld, fsd */
#define F3_XOR  4
#define F3_SR   5 /* srli, srai */
#define F3_OR   6
#define F3_AND  7
#define F3_B    0 /* lb, sb */
#define F3_H    1 /* lh, sh */
#define F3_LBU  4
#define F3_LHU  5
#define F3_BEQ  0
#define F3_BNE  1
#define F7_ALT  0x20      /* sub, subw */
#define IMM_SRAI 0x400    /* srai: imm[11:6] = 010000 */
/* clang-format on */
#define IMM_EBREAK 1
#define F7_MUL     0x01
#define F7_ZBA_W   0x04 /* add.uw */
#define F7_ZBB_H   0x04 /* zext.h: packw rd, rs1, x0 */
#define IMM_SEXT_B 0x604
#define IMM_SEXT_H 0x605
#define NOP        0x00000013u /* addi x0, x0, 0 */

/* ---- Fields of the 16-bit instruction ---- */

static uint32_t cbits(uint16_t c, unsigned hi, unsigned lo)
{
    return ((uint32_t)c >> lo) & ((1u << (hi - lo + 1)) - 1);
}
static uint32_t cbit(uint16_t c, unsigned n) { return cbits(c, n, n); }

static uint32_t c_funct3(uint16_t c) { return cbits(c, 15, 13); }
static uint32_t c_rd(uint16_t c) { return cbits(c, 11, 7); }      /* rd/rs1 of CR, CI */
static uint32_t c_rs2(uint16_t c) { return cbits(c, 6, 2); }      /* rs2 of CR, CSS */
static uint32_t c_rs1p(uint16_t c) { return 8 + cbits(c, 9, 7); } /* rs1'/rd' of CL, CS, CA, CB */
static uint32_t c_rs2p(uint16_t c) { return 8 + cbits(c, 4, 2); } /* rd' of CIW, CL; rs2' of CS, CA */

/* Sign-extends the low `width` bits of v (two's complement, no shifts of negatives). */
static uint32_t sext(uint32_t v, unsigned width)
{
    uint32_t m = 1u << (width - 1);
    return (v ^ m) - m;
}

/* ---- Immediates, one per layout (bit positions from figures 16.1-16.8) ---- */

static uint32_t imm_ci(uint16_t c) { return sext(cbit(c, 12) << 5 | cbits(c, 6, 2), 6); }
static uint32_t shamt_ci(uint16_t c) { return cbit(c, 12) << 5 | cbits(c, 6, 2); }

static uint32_t uimm_addi4spn(uint16_t c)
{
    return cbits(c, 12, 11) << 4 | cbits(c, 10, 7) << 6 | cbit(c, 6) << 2 | cbit(c, 5) << 3;
}
static uint32_t uimm_cl_w(uint16_t c) { return cbits(c, 12, 10) << 3 | cbit(c, 6) << 2 | cbit(c, 5) << 6; }
static uint32_t uimm_cl_d(uint16_t c) { return cbits(c, 12, 10) << 3 | cbits(c, 6, 5) << 6; }
static uint32_t uimm_lwsp(uint16_t c) { return cbit(c, 12) << 5 | cbits(c, 6, 4) << 2 | cbits(c, 3, 2) << 6; }
static uint32_t uimm_ldsp(uint16_t c) { return cbit(c, 12) << 5 | cbits(c, 6, 5) << 3 | cbits(c, 4, 2) << 6; }
static uint32_t uimm_swsp(uint16_t c) { return cbits(c, 12, 9) << 2 | cbits(c, 8, 7) << 6; }
static uint32_t uimm_sdsp(uint16_t c) { return cbits(c, 12, 10) << 3 | cbits(c, 9, 7) << 6; }

static uint32_t imm_addi16sp(uint16_t c)
{
    return sext(cbit(c, 12) << 9 | cbit(c, 6) << 4 | cbit(c, 5) << 6 | cbits(c, 4, 3) << 7 | cbit(c, 2) << 5, 10);
}
static uint32_t imm_lui(uint16_t c) { return sext(cbit(c, 12) << 17 | cbits(c, 6, 2) << 12, 18); }

static uint32_t imm_cj(uint16_t c)
{
    return sext(cbit(c, 12) << 11 | cbit(c, 11) << 4 | cbits(c, 10, 9) << 8 | cbit(c, 8) << 10 | cbit(c, 7) << 6 |
                    cbit(c, 6) << 7 | cbits(c, 5, 3) << 1 | cbit(c, 2) << 5,
                12);
}
static uint32_t imm_cb(uint16_t c)
{
    return sext(cbit(c, 12) << 8 | cbits(c, 11, 10) << 3 | cbits(c, 6, 5) << 6 | cbits(c, 4, 3) << 1 | cbit(c, 2) << 5,
                9);
}

/* ---- 32-bit encoders (unpriv. spec 2.2-2.3 formats) ---- */

static uint32_t enc_r(uint32_t opc, uint32_t f3, uint32_t f7, uint32_t rd, uint32_t rs1, uint32_t rs2)
{
    return f7 << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 | rd << 7 | opc;
}
static uint32_t enc_i(uint32_t opc, uint32_t f3, uint32_t rd, uint32_t rs1, uint32_t imm)
{
    return (imm & 0xfff) << 20 | rs1 << 15 | f3 << 12 | rd << 7 | opc;
}
static uint32_t enc_s(uint32_t opc, uint32_t f3, uint32_t rs1, uint32_t rs2, uint32_t imm)
{
    return ((imm >> 5) & 0x7f) << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 | (imm & 0x1f) << 7 | opc;
}
static uint32_t enc_b(uint32_t f3, uint32_t rs1, uint32_t rs2, uint32_t imm)
{
    return ((imm >> 12) & 1) << 31 | ((imm >> 5) & 0x3f) << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 |
           ((imm >> 1) & 0xf) << 8 | ((imm >> 11) & 1) << 7 | OP_BRANCH;
}
static uint32_t enc_u(uint32_t opc, uint32_t rd, uint32_t imm) { return (imm & 0xfffff000u) | rd << 7 | opc; }
static uint32_t enc_j(uint32_t rd, uint32_t imm)
{
    return ((imm >> 20) & 1) << 31 | ((imm >> 1) & 0x3ff) << 21 | ((imm >> 11) & 1) << 20 | ((imm >> 12) & 0xff) << 12 |
           rd << 7 | OP_JAL;
}

/* ---- Quadrant 0: stack-pointer-based addi, register-based loads/stores ---- */

/* Zcb byte and halfword loads and stores: funct3 100, the kind in bits
 * 12:10, bit 6 the low offset bit (bytes) or signedness (halfwords). */
static uint32_t expand_zcb_mem(uint16_t c)
{
    uint32_t rdp = c_rs2p(c), rs1p = c_rs1p(c), off_b = cbit(c, 6) | cbit(c, 5) << 1, off_h = cbit(c, 5) << 1;
    switch (cbits(c, 12, 10)) {
    case 0: return enc_i(OP_LOAD, F3_LBU, rdp, rs1p, off_b);                     /* c.lbu */
    case 1: return enc_i(OP_LOAD, cbit(c, 6) ? F3_H : F3_LHU, rdp, rs1p, off_h); /* c.lh, c.lhu */
    case 2: return enc_s(OP_STORE, F3_B, rs1p, rdp, off_b);                      /* c.sb */
    case 3: return cbit(c, 6) ? 0 : enc_s(OP_STORE, F3_H, rs1p, rdp, off_h);     /* c.sh */
    default: return 0;
    }
}

static uint32_t expand_q0(uint16_t c, unsigned ext)
{
    uint32_t rdp = c_rs2p(c), rs1p = c_rs1p(c);
    switch (c_funct3(c)) {
    case 0: /* c.addi4spn; nzuimm = 0 is reserved, and covers the all-zero instruction */
        return uimm_addi4spn(c) ? enc_i(OP_IMM, F3_ADD, rdp, REG_SP, uimm_addi4spn(c)) : 0;
    case 1: return enc_i(OP_LOAD_FP, F3_D, rdp, rs1p, uimm_cl_d(c));  /* c.fld */
    case 2: return enc_i(OP_LOAD, F3_W, rdp, rs1p, uimm_cl_w(c));     /* c.lw */
    case 3: return enc_i(OP_LOAD, F3_D, rdp, rs1p, uimm_cl_d(c));     /* c.ld */
    case 5: return enc_s(OP_STORE_FP, F3_D, rs1p, rdp, uimm_cl_d(c)); /* c.fsd */
    case 6: return enc_s(OP_STORE, F3_W, rs1p, rdp, uimm_cl_w(c));    /* c.sw */
    case 7: return enc_s(OP_STORE, F3_D, rs1p, rdp, uimm_cl_d(c));    /* c.sd */
    default: return ext & RVC_ZCB ? expand_zcb_mem(c) : 0;            /* 100: Zcb, else reserved */
    }
}

/* ---- Quadrant 1: immediates, register-register ALU, jumps, branches ---- */

/* Zcb's one-register forms, funct6 100111 with bits 6:5 = 11: the kind in
 * bits 4:2. The sign and zero extensions of Zbb need Zbb too. */
static uint32_t expand_zcb_unary(uint16_t c, unsigned ext)
{
    uint32_t rd = c_rs1p(c);
    bool zbb = ext & RVC_ZCB_ZBB;
    switch (cbits(c, 4, 2)) {
    case 0: return enc_i(OP_IMM, F3_AND, rd, rd, 0xff);                           /* c.zext.b */
    case 1: return zbb ? enc_i(OP_IMM, F3_SLL, rd, rd, IMM_SEXT_B) : 0;           /* c.sext.b */
    case 2: return zbb ? enc_r(OP_OP_32, F3_XOR, F7_ZBB_H, rd, rd, REG_ZERO) : 0; /* c.zext.h */
    case 3: return zbb ? enc_i(OP_IMM, F3_SLL, rd, rd, IMM_SEXT_H) : 0;           /* c.sext.h */
    case 4: return enc_r(OP_OP_32, F3_ADD, F7_ZBA_W, rd, rd, REG_ZERO);           /* c.zext.w */
    case 5: return enc_i(OP_IMM, F3_XOR, rd, rd, 0xfff);                          /* c.not */
    default: return 0;
    }
}

/* funct6 = 100011: c.sub/xor/or/and, and 100111: c.subw/addw, then Zcb's
 * c.mul and one-register forms where C has two reserved slots. */
static uint32_t expand_ca(uint16_t c, unsigned ext)
{
    uint32_t rd = c_rs1p(c), rs2 = c_rs2p(c);
    switch (cbit(c, 12) << 2 | cbits(c, 6, 5)) {
    case 0: return enc_r(OP_OP, F3_ADD, F7_ALT, rd, rd, rs2);                     /* c.sub */
    case 1: return enc_r(OP_OP, F3_XOR, 0, rd, rd, rs2);                          /* c.xor */
    case 2: return enc_r(OP_OP, F3_OR, 0, rd, rd, rs2);                           /* c.or */
    case 3: return enc_r(OP_OP, F3_AND, 0, rd, rd, rs2);                          /* c.and */
    case 4: return enc_r(OP_OP_32, F3_ADD, F7_ALT, rd, rd, rs2);                  /* c.subw */
    case 5: return enc_r(OP_OP_32, F3_ADD, 0, rd, rd, rs2);                       /* c.addw */
    case 6: return ext & RVC_ZCB ? enc_r(OP_OP, F3_ADD, F7_MUL, rd, rd, rs2) : 0; /* c.mul */
    default: return ext & RVC_ZCB ? expand_zcb_unary(c, ext) : 0;
    }
}

/* funct3 = 100: shifts and andi on rd', or the CA group. On RV64 shamt[5]
 * is allowed; shamt = 0 is a HINT (16.5). */
static uint32_t expand_misc_alu(uint16_t c, unsigned ext)
{
    uint32_t rd = c_rs1p(c);
    switch (cbits(c, 11, 10)) {
    case 0: return enc_i(OP_IMM, F3_SR, rd, rd, shamt_ci(c));            /* c.srli */
    case 1: return enc_i(OP_IMM, F3_SR, rd, rd, IMM_SRAI | shamt_ci(c)); /* c.srai */
    case 2: return enc_i(OP_IMM, F3_AND, rd, rd, imm_ci(c));             /* c.andi */
    default: return expand_ca(c, ext);
    }
}

/* c.lui with a zero immediate is reserved, except that Zcmop makes those
 * with an odd rd below 16 c.mop.N, which write nothing: a nop (the
 * expansion Zimop's note allows). */
static uint32_t expand_lui(uint16_t c, unsigned ext)
{
    uint32_t rd = c_rd(c);
    if (imm_lui(c))
        return enc_u(OP_LUI, rd, imm_lui(c));
    return (ext & RVC_ZCMOP) && (rd & 1) && rd < 16 ? NOP : 0;
}

static uint32_t expand_q1(uint16_t c, unsigned ext)
{
    uint32_t rd = c_rd(c), rs1p = c_rs1p(c);
    switch (c_funct3(c)) {
    case 0: return enc_i(OP_IMM, F3_ADD, rd, rd, imm_ci(c));             /* c.addi, c.nop */
    case 1: return rd ? enc_i(OP_IMM_32, F3_ADD, rd, rd, imm_ci(c)) : 0; /* c.addiw; rd = 0 reserved */
    case 2: return enc_i(OP_IMM, F3_ADD, rd, REG_ZERO, imm_ci(c));       /* c.li */
    case 3:
        if (rd == REG_SP) /* c.addi16sp; nzimm = 0 reserved */
            return imm_addi16sp(c) ? enc_i(OP_IMM, F3_ADD, REG_SP, REG_SP, imm_addi16sp(c)) : 0;
        return expand_lui(c, ext); /* c.lui, c.mop.N */
    case 4: return expand_misc_alu(c, ext);
    case 5: return enc_j(REG_ZERO, imm_cj(c));                /* c.j */
    case 6: return enc_b(F3_BEQ, rs1p, REG_ZERO, imm_cb(c));  /* c.beqz */
    default: return enc_b(F3_BNE, rs1p, REG_ZERO, imm_cb(c)); /* c.bnez */
    }
}

/* ---- Quadrant 2: sp-based loads/stores, register moves and jumps ---- */

/* funct4 = 100x: c.jr, c.mv, c.ebreak, c.jalr, c.add. */
static uint32_t expand_cr(uint16_t c)
{
    uint32_t rd = c_rd(c), rs2 = c_rs2(c);
    if (!cbit(c, 12)) {
        if (rs2 != REG_ZERO)
            return enc_r(OP_OP, F3_ADD, 0, rd, REG_ZERO, rs2); /* c.mv */
        return rd ? enc_i(OP_JALR, 0, REG_ZERO, rd, 0) : 0;    /* c.jr; rs1 = 0 reserved */
    }
    if (rs2 != REG_ZERO)
        return enc_r(OP_OP, F3_ADD, 0, rd, rd, rs2); /* c.add */
    if (rd == REG_ZERO)
        return enc_i(OP_SYSTEM, 0, REG_ZERO, REG_ZERO, IMM_EBREAK); /* c.ebreak */
    return enc_i(OP_JALR, 0, REG_RA, rd, 0);                        /* c.jalr */
}

static uint32_t expand_q2(uint16_t c)
{
    uint32_t rd = c_rd(c), rs2 = c_rs2(c);
    switch (c_funct3(c)) {
    case 0: return enc_i(OP_IMM, F3_SLL, rd, rd, shamt_ci(c));              /* c.slli */
    case 1: return enc_i(OP_LOAD_FP, F3_D, rd, REG_SP, uimm_ldsp(c));       /* c.fldsp */
    case 2: return rd ? enc_i(OP_LOAD, F3_W, rd, REG_SP, uimm_lwsp(c)) : 0; /* c.lwsp; rd = 0 reserved */
    case 3: return rd ? enc_i(OP_LOAD, F3_D, rd, REG_SP, uimm_ldsp(c)) : 0; /* c.ldsp; rd = 0 reserved */
    case 4: return expand_cr(c);
    case 5: return enc_s(OP_STORE_FP, F3_D, REG_SP, rs2, uimm_sdsp(c)); /* c.fsdsp */
    case 6: return enc_s(OP_STORE, F3_W, REG_SP, rs2, uimm_swsp(c));    /* c.swsp */
    default: return enc_s(OP_STORE, F3_D, REG_SP, rs2, uimm_sdsp(c));   /* c.sdsp */
    }
}

unsigned rvc_flags(const struct isa_set *isa)
{
    unsigned f = 0;
    if (isa_has(isa, EXT_ZCB))
        f |= RVC_ZCB | (isa_has(isa, EXT_ZBB) ? RVC_ZCB_ZBB : 0);
    if (isa_has(isa, EXT_ZCMOP))
        f |= RVC_ZCMOP;
    return f;
}

uint32_t rvc_expand(uint16_t c, unsigned ext)
{
    switch (c & 3) {
    case 0: return expand_q0(c, ext);
    case 1: return expand_q1(c, ext);
    case 2: return expand_q2(c);
    default: return 0; /* 11: a 32-bit instruction, not compressed */
    }
}
