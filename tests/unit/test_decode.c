/* Checks of the instruction table itself and of operand extraction. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/decode.h"
#include "cpu/isa.h"

/* Every row and every compressed form enabled (set up in main). */
static struct decode_ctx all_rows;

/* Encodings produced by riscv64-unknown-elf-as (-march=rv64gc_zba_zbb_zbs,
 * .option norvc) with the mnemonic objdump prints for them: an independent
 * source for every row of the table. */
static const struct {
    uint32_t bits;
    const char *mnemonic;
} known[] = {
    { 0x12345537u, "lui" },
    { 0xfffff297u, "auipc" },
    { 0x001000efu, "jal" },
    { 0xffc60367u, "jalr" },
    { 0xfeb508e3u, "beq" },
    { 0x00b51863u, "bne" },
    { 0x7eb54fe3u, "blt" },
    { 0x80b55063u, "bge" },
    { 0x00946463u, "bltu" },
    { 0x00947463u, "bgeu" },
    { 0xfff58503u, "lb" },
    { 0x00259503u, "lh" },
    { 0x0045a503u, "lw" },
    { 0x0085b503u, "ld" },
    { 0x0015c503u, "lbu" },
    { 0x0025d503u, "lhu" },
    { 0x0045e503u, "lwu" },
    { 0xfea58fa3u, "sb" },
    { 0x00a59123u, "sh" },
    { 0x00a5a223u, "sw" },
    { 0x80a5b023u, "sd" },
    { 0x80058513u, "addi" },
    { 0x7ff5a513u, "slti" },
    { 0x0015b513u, "sltiu" },
    { 0xfff5c513u, "xori" },
    { 0x0035e513u, "ori" },
    { 0x0075f513u, "andi" },
    { 0x03f59513u, "slli" },
    { 0x0215d513u, "srli" },
    { 0x43f5d513u, "srai" },
    { 0x00c58533u, "add" },
    { 0x40c58533u, "sub" },
    { 0x00c59533u, "sll" },
    { 0x00c5a533u, "slt" },
    { 0x00c5b533u, "sltu" },
    { 0x00c5c533u, "xor" },
    { 0x00c5d533u, "srl" },
    { 0x40c5d533u, "sra" },
    { 0x00c5e533u, "or" },
    { 0x00c5f533u, "and" },
    { 0xfff5851bu, "addiw" },
    { 0x01f5951bu, "slliw" },
    { 0x0015d51bu, "srliw" },
    { 0x41f5d51bu, "sraiw" },
    { 0x00c5853bu, "addw" },
    { 0x40c5853bu, "subw" },
    { 0x00c5953bu, "sllw" },
    { 0x00c5d53bu, "srlw" },
    { 0x40c5d53bu, "sraw" },
    { 0x0330000fu, "fence" },
    { 0x0000100fu, "fence.i" },
    { 0x00000073u, "ecall" },
    { 0x00100073u, "ebreak" },
    { 0x10200073u, "sret" },
    { 0x30200073u, "mret" },
    { 0x10500073u, "wfi" },
    { 0x12b50073u, "sfence.vma" },
    { 0x30059573u, "csrrw" },
    { 0xc0002573u, "csrrs" },
    { 0x1005b573u, "csrrc" },
    { 0x340fd573u, "csrrwi" },
    { 0x30446573u, "csrrsi" },
    { 0x10417573u, "csrrci" },
    { 0x02c58533u, "mul" },
    { 0x02c59533u, "mulh" },
    { 0x02c5a533u, "mulhsu" },
    { 0x02c5b533u, "mulhu" },
    { 0x02c5c533u, "div" },
    { 0x02c5d533u, "divu" },
    { 0x02c5e533u, "rem" },
    { 0x02c5f533u, "remu" },
    { 0x02c5853bu, "mulw" },
    { 0x02c5c53bu, "divw" },
    { 0x02c5d53bu, "divuw" },
    { 0x02c5e53bu, "remw" },
    { 0x02c5f53bu, "remuw" },
    { 0x1005a52fu, "lr.w" },
    { 0x18c5a52fu, "sc.w" },
    { 0x08c5a52fu, "amoswap.w" },
    { 0x00c5a52fu, "amoadd.w" },
    { 0x20c5a52fu, "amoxor.w" },
    { 0x60c5a52fu, "amoand.w" },
    { 0x40c5a52fu, "amoor.w" },
    { 0x80c5a52fu, "amomin.w" },
    { 0xa0c5a52fu, "amomax.w" },
    { 0xc0c5a52fu, "amominu.w" },
    { 0xe0c5a52fu, "amomaxu.w" },
    { 0x1605b52fu, "lr.d" },
    { 0x1cc5b52fu, "sc.d" },
    { 0x0ac5b52fu, "amoswap.d" },
    { 0x00c5b52fu, "amoadd.d" },
    { 0x20c5b52fu, "amoxor.d" },
    { 0x60c5b52fu, "amoand.d" },
    { 0x40c5b52fu, "amoor.d" },
    { 0x80c5b52fu, "amomin.d" },
    { 0xa0c5b52fu, "amomax.d" },
    { 0xc0c5b52fu, "amominu.d" },
    { 0xe0c5b52fu, "amomaxu.d" },
    { 0x0045a507u, "flw" },
    { 0x0085b507u, "fld" },
    { 0x00a5a227u, "fsw" },
    { 0x00a5b427u, "fsd" },
    { 0x68c58543u, "fmadd.s" },
    { 0x68c59547u, "fmsub.s" },
    { 0x68c5a54bu, "fnmsub.s" },
    { 0x68c5b54fu, "fnmadd.s" },
    { 0x00c5c553u, "fadd.s" },
    { 0x08c5f553u, "fsub.s" },
    { 0x10c5f553u, "fmul.s" },
    { 0x18c5f553u, "fdiv.s" },
    { 0x5805f553u, "fsqrt.s" },
    { 0x20c58553u, "fsgnj.s" },
    { 0x20c59553u, "fsgnjn.s" },
    { 0x20c5a553u, "fsgnjx.s" },
    { 0x28c58553u, "fmin.s" },
    { 0x28c59553u, "fmax.s" },
    { 0xa0c5a553u, "feq.s" },
    { 0xa0c59553u, "flt.s" },
    { 0xa0c58553u, "fle.s" },
    { 0xe0059553u, "fclass.s" },
    { 0xc0059553u, "fcvt.w.s" },
    { 0xc015f553u, "fcvt.wu.s" },
    { 0xc025f553u, "fcvt.l.s" },
    { 0xc035f553u, "fcvt.lu.s" },
    { 0xd005f553u, "fcvt.s.w" },
    { 0xd015f553u, "fcvt.s.wu" },
    { 0xd025f553u, "fcvt.s.l" },
    { 0xd035f553u, "fcvt.s.lu" },
    { 0x6ac5f543u, "fmadd.d" },
    { 0x6ac5f547u, "fmsub.d" },
    { 0x6ac5f54bu, "fnmsub.d" },
    { 0x6ac5f54fu, "fnmadd.d" },
    { 0x02c5f553u, "fadd.d" },
    { 0x0ac5f553u, "fsub.d" },
    { 0x12c5f553u, "fmul.d" },
    { 0x1ac5f553u, "fdiv.d" },
    { 0x5a05f553u, "fsqrt.d" },
    { 0x22c58553u, "fsgnj.d" },
    { 0x22c59553u, "fsgnjn.d" },
    { 0x22c5a553u, "fsgnjx.d" },
    { 0x2ac58553u, "fmin.d" },
    { 0x2ac59553u, "fmax.d" },
    { 0xa2c5a553u, "feq.d" },
    { 0xa2c59553u, "flt.d" },
    { 0xa2c58553u, "fle.d" },
    { 0xe2059553u, "fclass.d" },
    { 0xc205f553u, "fcvt.w.d" },
    { 0xc215f553u, "fcvt.wu.d" },
    { 0xc225f553u, "fcvt.l.d" },
    { 0xc235f553u, "fcvt.lu.d" },
    { 0xd2058553u, "fcvt.d.w" },
    { 0xd2158553u, "fcvt.d.wu" },
    { 0xd225f553u, "fcvt.d.l" },
    { 0xd235f553u, "fcvt.d.lu" },
    { 0xe0058553u, "fmv.x.w" },
    { 0xf0058553u, "fmv.w.x" },
    { 0xe2058553u, "fmv.x.d" },
    { 0xf2058553u, "fmv.d.x" },
    { 0x4015f553u, "fcvt.s.d" },
    { 0x42058553u, "fcvt.d.s" },
    { 0x20c5a533u, "sh1add" },
    { 0x20c5c533u, "sh2add" },
    { 0x20c5e533u, "sh3add" },
    { 0x08c5853bu, "add.uw" },
    { 0x20c5a53bu, "sh1add.uw" },
    { 0x20c5c53bu, "sh2add.uw" },
    { 0x20c5e53bu, "sh3add.uw" },
    { 0x0bf5951bu, "slli.uw" },
    { 0x40c5f533u, "andn" },
    { 0x40c5e533u, "orn" },
    { 0x40c5c533u, "xnor" },
    { 0x60059513u, "clz" },
    { 0x60159513u, "ctz" },
    { 0x60259513u, "cpop" },
    { 0x6005951bu, "clzw" },
    { 0x6015951bu, "ctzw" },
    { 0x6025951bu, "cpopw" },
    { 0x0ac5e533u, "max" },
    { 0x0ac5f533u, "maxu" },
    { 0x0ac5c533u, "min" },
    { 0x0ac5d533u, "minu" },
    { 0x60459513u, "sext.b" },
    { 0x60559513u, "sext.h" },
    { 0x0805c53bu, "zext.h" },
    { 0x60c59533u, "rol" },
    { 0x60c5d533u, "ror" },
    { 0x60c5953bu, "rolw" },
    { 0x60c5d53bu, "rorw" },
    { 0x63f5d513u, "rori" },
    { 0x61f5d51bu, "roriw" },
    { 0x2875d513u, "orc.b" },
    { 0x6b85d513u, "rev8" },
    { 0x48c59533u, "bclr" },
    { 0x48c5d533u, "bext" },
    { 0x68c59533u, "binv" },
    { 0x28c59533u, "bset" },
    { 0x4bf59513u, "bclri" },
    { 0x4bf5d513u, "bexti" },
    { 0x6bf59513u, "binvi" },
    { 0x2bf59513u, "bseti" },
    /* riscv64-unknown-elf-as -march=rv64gc_zicbom_zicbop_zicboz_zawrs_zbb_zbc_zbkb_zbkx */
    { 0x0ac59533u, "clmul" },
    { 0x0ac5b533u, "clmulh" },
    { 0x0ac5a533u, "clmulr" },
    { 0x08c5c533u, "pack" },
    { 0x08c5f533u, "packh" },
    { 0x08c5c53bu, "packw" },
    { 0x6875d513u, "brev8" },
    { 0x28c5a533u, "xperm4" },
    { 0x28c5c533u, "xperm8" },
    { 0x0015a00fu, "cbo.clean" },
    { 0x0025a00fu, "cbo.flush" },
    { 0x0005a00fu, "cbo.inval" },
    { 0x0045a00fu, "cbo.zero" },
    { 0x00d00073u, "wrs.nto" },
    { 0x01d00073u, "wrs.sto" },
    /* riscv64-unknown-elf-as -march=rv64gc_svinval */
    { 0x16b50073u, "sinval.vma" },
    { 0x18000073u, "sfence.w.inval" },
    { 0x18100073u, "sfence.inval.ir" },
    /* riscv64-unknown-elf-as -march=rv64gc_zfh */
    { 0x00459507u, "flh" },
    { 0x00a59227u, "fsh" },
    { 0xe4058553u, "fmv.x.h" },
    { 0xf4058553u, "fmv.h.x" },
    { 0x40258553u, "fcvt.s.h" },
    { 0x4405f553u, "fcvt.h.s" },
    { 0x42258553u, "fcvt.d.h" },
    { 0x4415f553u, "fcvt.h.d" },
    { 0x6cc5f543u, "fmadd.h" },
    { 0x6cc5f547u, "fmsub.h" },
    { 0x6cc5f54bu, "fnmsub.h" },
    { 0x6cc5f54fu, "fnmadd.h" },
    { 0x04c5f553u, "fadd.h" },
    { 0x0cc5f553u, "fsub.h" },
    { 0x14c5f553u, "fmul.h" },
    { 0x1cc5f553u, "fdiv.h" },
    { 0x5c05f553u, "fsqrt.h" },
    { 0x24c58553u, "fsgnj.h" },
    { 0x24c59553u, "fsgnjn.h" },
    { 0x24c5a553u, "fsgnjx.h" },
    { 0x2cc58553u, "fmin.h" },
    { 0x2cc59553u, "fmax.h" },
    { 0xa4c5a553u, "feq.h" },
    { 0xa4c59553u, "flt.h" },
    { 0xa4c58553u, "fle.h" },
    { 0xe4059553u, "fclass.h" },
    { 0xc405f553u, "fcvt.w.h" },
    { 0xc415f553u, "fcvt.wu.h" },
    { 0xc425f553u, "fcvt.l.h" },
    { 0xc435f553u, "fcvt.lu.h" },
    { 0xd405f553u, "fcvt.h.w" },
    { 0xd415f553u, "fcvt.h.wu" },
    { 0xd425f553u, "fcvt.h.l" },
    { 0xd435f553u, "fcvt.h.lu" },
    /* Zfa, which binutils 2.40 does not know, through .insn with the
     * spec's fields (fli with constant 16, round modes dyn) */
    { 0xf4180553u, "fli.h" },
    { 0x2cc5a553u, "fminm.h" },
    { 0x2cc5b553u, "fmaxm.h" },
    { 0x4445f553u, "fround.h" },
    { 0x4455f553u, "froundnx.h" },
    { 0xa4c5c553u, "fleq.h" },
    { 0xa4c5d553u, "fltq.h" },
    { 0xf0180553u, "fli.s" },
    { 0x28c5a553u, "fminm.s" },
    { 0x28c5b553u, "fmaxm.s" },
    { 0x4045f553u, "fround.s" },
    { 0x4055f553u, "froundnx.s" },
    { 0xa0c5c553u, "fleq.s" },
    { 0xa0c5d553u, "fltq.s" },
    { 0xf2180553u, "fli.d" },
    { 0x2ac5a553u, "fminm.d" },
    { 0x2ac5b553u, "fmaxm.d" },
    { 0x4245f553u, "fround.d" },
    { 0x4255f553u, "froundnx.d" },
    { 0xa2c5c553u, "fleq.d" },
    { 0xa2c5d553u, "fltq.d" },
    { 0xc2859553u, "fcvtmod.w.d" },
    /* Zicond and Zimop, which binutils 2.40 does not know, from the specs'
     * encoding figures: czero.eqz a0,a1,a2; czero.nez a0,a1,a2; mop.r.0
     * a0,a1; mop.r.31 a0,a1; mop.rr.0 a0,a1,a2; mop.rr.7 a0,a1,a2. */
    { 0x0ec5d533u, "czero.eqz" },
    { 0x0ec5f533u, "czero.nez" },
    { 0x81c5c573u, "mop.r" },
    { 0xcdf5c573u, "mop.r" },
    { 0x82c5c573u, "mop.rr" },
    { 0xcec5c573u, "mop.rr" },
    /* V: vsetvli a0,zero,e8,m1,ta,ma; vsetivli a0,5,e16,m2,ta,ma; vsetvl
     * a0,a1,a2; vadd.vv, vmul.vv, vadd.vi, vadd.vx, vmul.vx v1,v2,...;
     * vle8/16/32/64.v and vse8/16/32/64.v v1,(a1). */
    { 0x0c007557u, "vsetvli" },
    { 0xcc92f557u, "vsetivli" },
    { 0x80c5f557u, "vsetvl" },
    { 0x022180d7u, "v.ivv" },
    { 0x9621a0d7u, "v.mvv" },
    { 0x0222b0d7u, "v.ivi" },
    { 0x022540d7u, "v.ivx" },
    { 0x962560d7u, "v.mvx" },
    { 0x022190d7u, "v.fvv" }, /* vfadd.vv v1,v2,v3 */
    { 0x022550d7u, "v.fvf" }, /* vfadd.vf v1,v2,fa0 */
    { 0x02058087u, "vl.e8" },
    { 0x0205d087u, "vl.e16" },
    { 0x0205e087u, "vl.e32" },
    { 0x0205f087u, "vl.e64" },
    { 0x020580a7u, "vs.e8" },
    { 0x0205d0a7u, "vs.e16" },
    { 0x0205e0a7u, "vs.e32" },
    { 0x0205f0a7u, "vs.e64" },
};

/* Rows that deliberately match encodings of a row before them, which wins
 * (decode_lookup tries rows in order): zext.h is packw with rs2 = x0, and
 * means the same. Each pair: the later row and an encoding only it has. */
static const struct {
    const char *first, *later;
    uint32_t own;
} subsumed[] = {
    { "zext.h", "packw", 0x08c5c53bu },
};

static bool is_subsumed(const char *first, const char *later)
{
    for (size_t i = 0; i < sizeof subsumed / sizeof subsumed[0]; i++)
        if (!strcmp(subsumed[i].first, first) && !strcmp(subsumed[i].later, later))
            return true;
    return false;
}

START_TEST(rows_do_not_overlap)
{
    for (unsigned a = 0; a < INSN_COUNT; a++) {
        for (unsigned b = a + 1; b < INSN_COUNT; b++) {
            const struct insn_info *x = insn_info(a), *y = insn_info(b);
            uint32_t common = x->mask & y->mask;
            if (is_subsumed(x->mnemonic, y->mnemonic))
                continue;
            ck_assert_msg(((x->match ^ y->match) & common) != 0, "rows %s and %s overlap", x->mnemonic, y->mnemonic);
        }
    }
}
END_TEST

START_TEST(match_bits_lie_inside_mask)
{
    for (unsigned a = 0; a < INSN_COUNT; a++) {
        const struct insn_info *x = insn_info(a);
        ck_assert_msg((x->match & ~x->mask) == 0, "row %s has match bits outside its mask", x->mnemonic);
        ck_assert_msg((x->match & 3) == 3, "row %s is not a 32-bit encoding", x->mnemonic);
        uint32_t own = x->match;
        for (size_t i = 0; i < sizeof subsumed / sizeof subsumed[0]; i++)
            if (!strcmp(subsumed[i].later, x->mnemonic))
                own = subsumed[i].own;
        ck_assert_msg(decode_lookup(own, &all_rows) == a, "row %s does not decode to itself", x->mnemonic);
    }
}
END_TEST

START_TEST(known_encodings_decode_to_their_row)
{
    bool seen[INSN_COUNT] = { 0 };
    for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
        unsigned id = decode_lookup(known[i].bits, &all_rows);
        ck_assert_msg(id < INSN_COUNT, "0x%08x (%s) decodes as illegal", known[i].bits, known[i].mnemonic);
        ck_assert_msg(strcmp(insn_info(id)->mnemonic, known[i].mnemonic) == 0, "0x%08x: expected %s, got %s",
                      known[i].bits, known[i].mnemonic, insn_info(id)->mnemonic);
        seen[id] = true;
    }
    for (unsigned a = 0; a < INSN_COUNT; a++)
        ck_assert_msg(seen[a], "row %s has no known encoding in this test", insn_info(a)->mnemonic);
}
END_TEST

START_TEST(illegal_encodings)
{
    static const uint32_t bad[] = {
        0x00000000u, 0xffffffffu, 0x0000702bu, /* custom-1 */
        0x00004073u,                           /* SYSTEM funct3 4 */
        0x1005f52fu,                           /* AMO with funct3 7 */
        0x1015a52fu,                           /* lr.w with rs2 != 0 */
        0x0600f543u,                           /* fmadd with fmt 3 (quad) */
        0x00200073u,                           /* SYSTEM imm 2 (uret is gone) */
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        ck_assert_msg(decode_lookup(bad[i], &all_rows) == INSN_ILLEGAL, "0x%08x should be illegal", bad[i]);
    }
    ck_assert_uint_eq(decode_lookup(0x0205959bu, &all_rows), INSN_ILLEGAL); /* slliw with shamt[5] = 1 */
}
END_TEST

START_TEST(operands_are_extracted)
{
    struct insn in;
    decode(0xffc60367u, &in, &all_rows); /* jalr t1,-4(a2) */
    ck_assert_uint_eq(in.id, INSN_jalr);
    ck_assert_uint_eq(in.rd, 6);
    ck_assert_uint_eq(in.rs1, 12);
    ck_assert_int_eq(in.imm, -4);
    ck_assert_uint_eq(in.len, 4);

    decode(0x80b53023u, &in, &all_rows); /* sd a1,-2048(a0) */
    ck_assert_uint_eq(in.id, INSN_sd);
    ck_assert_int_eq(in.imm, -2048);
    ck_assert_uint_eq(in.rs1, 10);
    ck_assert_uint_eq(in.rs2, 11);

    decode(0x12345537u, &in, &all_rows); /* lui a0,0x12345 */
    ck_assert_int_eq(in.imm, 0x12345000);

    decode(0x00000033u, &in, &all_rows); /* add zero,zero,zero: rd x0 goes to the sink */
    ck_assert_uint_eq(in.rd, 32);

    decode(0x68d5f543u, &in, &all_rows); /* fmadd.s fa0,fa1,fa3,fa3 with rm=7 */
    ck_assert_uint_eq(in.rd, 10);
    ck_assert_uint_eq(in.rs3, 13);
    ck_assert_uint_eq(in.rm, 7);

    decode(0x1605b52fu, &in, &all_rows); /* lr.d.aqrl a0,(a1) */
    ck_assert_uint_eq(in.rm, 3);

    decode(0x3005b573u, &in, &all_rows); /* csrrw a0,mstatus,a1 */
    ck_assert_int_eq(in.imm, 0x300);

    decode(0xc0002573u, &in, &all_rows); /* csrrs a0,cycle,zero: CSR numbers are unsigned */
    ck_assert_int_eq(in.imm, 0xc00);
}
END_TEST

START_TEST(branch_and_jump_offsets)
{
    struct insn in;
    decode(0xfeb508e3u, &in, &all_rows); /* beq a0,a1,.-16 */
    ck_assert_int_eq(in.imm, -16);
    decode(0x80b55063u, &in, &all_rows); /* bge a0,a1,.-4096 */
    ck_assert_int_eq(in.imm, -4096);
    decode(0x7eb54fe3u, &in, &all_rows); /* blt a0,a1,.+4094 */
    ck_assert_int_eq(in.imm, 4094);
    decode(0x001000efu, &in, &all_rows); /* jal ra,.+2048 */
    ck_assert_int_eq(in.imm, 2048);
    decode(0x800000efu, &in, &all_rows); /* jal ra,.-1 MiB */
    ck_assert_int_eq(in.imm, -(1 << 20));
}
END_TEST

START_TEST(compressed_forms_decode_with_length_two)
{
    struct insn in;
    decode(0x4505u, &in, &all_rows); /* c.li a0,1 -> addi a0,zero,1 */
    ck_assert_uint_eq(in.len, 2);
    ck_assert_uint_eq(in.id, INSN_addi);
    ck_assert_uint_eq(in.rd, 10);
    ck_assert_int_eq(in.imm, 1);
    ck_assert_uint_eq(in.bits, 0x4505u);

    decode(0x0000u, &in, &all_rows); /* the all-zero instruction is illegal */
    ck_assert_uint_eq(in.id, INSN_ILLEGAL);
    ck_assert_uint_eq(in.len, 2);
}
END_TEST

/* An instruction of a disabled extension decodes as illegal; the model's
 * other rows, and compressed forms of enabled rows, still decode. */
START_TEST(disabled_extensions_decode_as_illegal)
{
    struct isa_set isa;
    struct decode_ctx d;
    struct insn in;
    ck_assert(isa_parse_cpu("rv64,m=off,d=off,zbb=off", &isa, NULL, 0));
    decode_ctx_init(&d, &isa);
    ck_assert_uint_eq(decode_lookup(0x02c58533u, &d), INSN_ILLEGAL); /* mul */
    ck_assert_uint_eq(decode_lookup(0x02c5c53bu, &d), INSN_ILLEGAL); /* divw */
    ck_assert_uint_eq(decode_lookup(0x0085b507u, &d), INSN_ILLEGAL); /* fld */
    ck_assert_uint_eq(decode_lookup(0x02c5f553u, &d), INSN_ILLEGAL); /* fadd.d */
    ck_assert_uint_eq(decode_lookup(0x60c59533u, &d), INSN_ILLEGAL); /* rol */
    ck_assert_uint_eq(decode_lookup(0x00c58533u, &d), INSN_add);
    ck_assert_uint_eq(decode_lookup(0x0045a507u, &d), INSN_flw);
    ck_assert_uint_eq(decode_lookup(0x20c5a533u, &d), INSN_sh1add);
    decode(0x2108u, &in, &d); /* c.fld fa0,0(a0) needs D as fld does */
    ck_assert_uint_eq(in.id, INSN_ILLEGAL);
    ck_assert_uint_eq(in.bits, 0x2108u);
    decode(0x4505u, &in, &d); /* c.li */
    ck_assert_uint_eq(in.id, INSN_addi);
}
END_TEST

/* The max model enables every row; the default enables all but none of the
 * rows the other extensions add. */
START_TEST(models_enable_their_rows)
{
    struct isa_set isa;
    struct decode_ctx d;
    ck_assert(isa_model("max", &isa));
    decode_ctx_init(&d, &isa);
    for (unsigned id = 0; id < INSN_COUNT; id++)
        ck_assert_msg(decode_row_enabled(&d, id), "max leaves out %s", insn_info(id)->mnemonic);
    ck_assert_uint_eq(d.rvc, all_rows.rvc);
}
END_TEST

int main(void)
{
    decode_ctx_init(&all_rows, NULL);
    Suite *s = suite_create("decode");
    TCase *tc = tcase_create("table");
    tcase_add_test(tc, rows_do_not_overlap);
    tcase_add_test(tc, match_bits_lie_inside_mask);
    tcase_add_test(tc, known_encodings_decode_to_their_row);
    tcase_add_test(tc, illegal_encodings);
    tcase_add_test(tc, operands_are_extracted);
    tcase_add_test(tc, branch_and_jump_offsets);
    tcase_add_test(tc, compressed_forms_decode_with_length_two);
    tcase_add_test(tc, disabled_extensions_decode_as_illegal);
    tcase_add_test(tc, models_enable_their_rows);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
