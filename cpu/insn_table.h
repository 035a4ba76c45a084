/*
 * The one table of every instruction rivet implements.
 *
 * Each row: X(name, mnemonic, match, mask, format, flags, need). An encoding
 * `bits` is the instruction when (bits & mask) == match, and the machine's
 * ISA has `need`: NEED(EXT) one extension, NEED_ANY(E1, E2) either of two,
 * NEED_ALL(E1, E2) both (cpu/isa.h names the extensions). From this table come the
 * decoder (decode.c), the handler of each row (exec_<name>), the disassembler
 * used by --trace, and the table checks in tests/unit. Compressed instructions
 * are expanded to the 32-bit row they stand for (rvc.c), so they need no rows;
 * the row's `need` gates them too (c.fld needs D as fld does).
 *
 * Adding an instruction is one row here plus one short exec_<name> body.
 */
#ifndef RIVET_INSN_TABLE_H
#define RIVET_INSN_TABLE_H

#include <stdbool.h>
#include <stdint.h>

#include "cpu/isa.h"

/* What a row needs of the machine's ISA (struct insn_need, cpu/decode.h). */
/* clang-format off */
#define NEED(e)        { EXT_##e, EXT_##e, false }
#define NEED_ANY(e, f) { EXT_##e, EXT_##f, false }
#define NEED_ALL(e, f) { EXT_##e, EXT_##f, true }
/* clang-format on */

/* Operand formats: which fields the decoder extracts and how disassembly reads. */
enum insn_format {
    FMT_NONE,   /* no operands: ecall, mret, ... */
    FMT_R,      /* rd, rs1, rs2 */
    FMT_R1,     /* rd, rs1 (rs2 field is part of the opcode) */
    FMT_R4,     /* rd, rs1, rs2, rs3, rm */
    FMT_I,      /* rd, rs1, imm[11:0] */
    FMT_LOAD,   /* rd, imm(rs1) */
    FMT_STORE,  /* rs2, imm(rs1) */
    FMT_B,      /* rs1, rs2, pc-relative offset */
    FMT_U,      /* rd, imm[31:12] (imm holds the shifted value) */
    FMT_J,      /* rd, pc-relative offset */
    FMT_SHIFT,  /* rd, rs1, shamt (6 bits) */
    FMT_SHIFTW, /* rd, rs1, shamt (5 bits) */
    FMT_CSR,    /* rd, csr, rs1 (imm holds the CSR number) */
    FMT_CSRI,   /* rd, csr, uimm (rs1 holds the 5-bit immediate) */
    FMT_AMO,    /* rd, rs2, (rs1); rm holds aq/rl */
    FMT_LR,     /* rd, (rs1) */
    FMT_FENCE,  /* fence pred, succ (imm holds bits 31:20) */
    FMT_SFENCE, /* rs1, rs2 */
    FMT_CBO,    /* (rs1) */
    FMT_MOPR,   /* rd, rs1: mop.r.N, N in bits 30, 27:26, 21:20 */
    FMT_MOPRR,  /* rd, rs1, rs2: mop.rr.N, N in bits 30, 27:26 */
    FMT_FLI,    /* rd, constant number (in rs1) */
    FMT_V,      /* a vector row: the handler decodes the rest (cpu/vector.h) */
};

/* Row flags. */
/* clang-format off */
#define F_END     0x01 /* ends a decoded block (jumps, system; CSR ops decide at run time) */
#define F_RD_FP   0x02 /* rd names an FP register */
#define F_RS1_FP  0x04
#define F_RS2_FP  0x08
#define F_RS3_FP  0x10
#define F_FP      (F_RD_FP | F_RS1_FP | F_RS2_FP)
#define F_RM      0x20 /* funct3 is a rounding mode */
/* clang-format on */

/* Field helpers for match values. */
#define OPC(o)    ((uint32_t)(o))
#define F3(f)     ((uint32_t)(f) << 12)
#define F7(f)     ((uint32_t)(f) << 25)
#define F5(f)     ((uint32_t)(f) << 27)
#define RS2F(r)   ((uint32_t)(r) << 20)
#define IMM12(i)  ((uint32_t)(i) << 20)
#define FMT2(f)   ((uint32_t)(f) << 25)
#define M_OPC     0x0000007fu
#define M_F3      0x0000707fu
#define M_F7      0xfe00707fu
#define M_F7_NOF3 0xfe00007fu
#define M_SHIFT   0xfc00707fu /* funct6 + funct3 + opcode (RV64 shifts) */
#define M_RS2     0x01f00000u
#define M_IMM12   0xfff0707fu
#define M_AMO     0xf800707fu
#define M_R4      0x0600007fu
#define M_ALL     0xffffffffu
#define M_CBO     0xfff07fffu /* imm + funct3 + rd + opcode: cbo.* take rs1 only */

/* Major opcodes. */
#define OP_LOAD     0x03
#define OP_LOAD_FP  0x07
#define OP_MISC_MEM 0x0f
#define OP_IMM      0x13
#define OP_AUIPC    0x17
#define OP_IMM_32   0x1b
#define OP_STORE    0x23
#define OP_STORE_FP 0x27
#define OP_AMO      0x2f
#define OP_OP       0x33
#define OP_LUI      0x37
#define OP_OP_32    0x3b
#define OP_MADD     0x43
#define OP_MSUB     0x47
#define OP_NMSUB    0x4b
#define OP_NMADD    0x4f
#define OP_FP       0x53
#define OP_BRANCH   0x63
#define OP_JALR     0x67
#define OP_JAL      0x6f
#define OP_SYSTEM   0x73
#define OP_V        0x57

/* clang-format off */
#define RV_AMO_ROWS(X, sfx, f3)                                                              \
    X(lr_##sfx,      "lr." #sfx,      OPC(OP_AMO) | F3(f3) | F5(0x02), M_AMO | M_RS2, FMT_LR, 0, NEED(A)) \
    X(sc_##sfx,      "sc." #sfx,      OPC(OP_AMO) | F3(f3) | F5(0x03), M_AMO, FMT_AMO, 0, NEED(A))        \
    X(amoswap_##sfx, "amoswap." #sfx, OPC(OP_AMO) | F3(f3) | F5(0x01), M_AMO, FMT_AMO, 0, NEED(A))        \
    X(amoadd_##sfx,  "amoadd." #sfx,  OPC(OP_AMO) | F3(f3) | F5(0x00), M_AMO, FMT_AMO, 0, NEED(A))        \
    X(amoxor_##sfx,  "amoxor." #sfx,  OPC(OP_AMO) | F3(f3) | F5(0x04), M_AMO, FMT_AMO, 0, NEED(A))        \
    X(amoand_##sfx,  "amoand." #sfx,  OPC(OP_AMO) | F3(f3) | F5(0x0c), M_AMO, FMT_AMO, 0, NEED(A))        \
    X(amoor_##sfx,   "amoor." #sfx,   OPC(OP_AMO) | F3(f3) | F5(0x08), M_AMO, FMT_AMO, 0, NEED(A))        \
    X(amomin_##sfx,  "amomin." #sfx,  OPC(OP_AMO) | F3(f3) | F5(0x10), M_AMO, FMT_AMO, 0, NEED(A))        \
    X(amomax_##sfx,  "amomax." #sfx,  OPC(OP_AMO) | F3(f3) | F5(0x14), M_AMO, FMT_AMO, 0, NEED(A))        \
    X(amominu_##sfx, "amominu." #sfx, OPC(OP_AMO) | F3(f3) | F5(0x18), M_AMO, FMT_AMO, 0, NEED(A))        \
    X(amomaxu_##sfx, "amomaxu." #sfx, OPC(OP_AMO) | F3(f3) | F5(0x1c), M_AMO, FMT_AMO, 0, NEED(A))

/* FP rows shared by H (Zfh: fmt 2), S (fmt 0, funct7 low bits 00) and D (fmt 1). */
#define RV_FP_ROWS(X, sfx, f, rq)                                                                                         \
    X(fmadd_##sfx,   "fmadd." #sfx,   OPC(OP_MADD) | FMT2(f),  M_R4, FMT_R4, F_FP | F_RS3_FP | F_RM, NEED(rq))            \
    X(fmsub_##sfx,   "fmsub." #sfx,   OPC(OP_MSUB) | FMT2(f),  M_R4, FMT_R4, F_FP | F_RS3_FP | F_RM, NEED(rq))            \
    X(fnmsub_##sfx,  "fnmsub." #sfx,  OPC(OP_NMSUB) | FMT2(f), M_R4, FMT_R4, F_FP | F_RS3_FP | F_RM, NEED(rq))            \
    X(fnmadd_##sfx,  "fnmadd." #sfx,  OPC(OP_NMADD) | FMT2(f), M_R4, FMT_R4, F_FP | F_RS3_FP | F_RM, NEED(rq))            \
    X(fadd_##sfx,    "fadd." #sfx,    OPC(OP_FP) | F7(0x00 | f), M_F7_NOF3, FMT_R, F_FP | F_RM, NEED(rq))                 \
    X(fsub_##sfx,    "fsub." #sfx,    OPC(OP_FP) | F7(0x04 | f), M_F7_NOF3, FMT_R, F_FP | F_RM, NEED(rq))                 \
    X(fmul_##sfx,    "fmul." #sfx,    OPC(OP_FP) | F7(0x08 | f), M_F7_NOF3, FMT_R, F_FP | F_RM, NEED(rq))                 \
    X(fdiv_##sfx,    "fdiv." #sfx,    OPC(OP_FP) | F7(0x0c | f), M_F7_NOF3, FMT_R, F_FP | F_RM, NEED(rq))                 \
    X(fsqrt_##sfx,   "fsqrt." #sfx,   OPC(OP_FP) | F7(0x2c | f), M_F7_NOF3 | M_RS2, FMT_R1, F_RD_FP | F_RS1_FP | F_RM, NEED(rq)) \
    X(fsgnj_##sfx,   "fsgnj." #sfx,   OPC(OP_FP) | F7(0x10 | f) | F3(0), M_F7, FMT_R, F_FP, NEED(rq))                     \
    X(fsgnjn_##sfx,  "fsgnjn." #sfx,  OPC(OP_FP) | F7(0x10 | f) | F3(1), M_F7, FMT_R, F_FP, NEED(rq))                     \
    X(fsgnjx_##sfx,  "fsgnjx." #sfx,  OPC(OP_FP) | F7(0x10 | f) | F3(2), M_F7, FMT_R, F_FP, NEED(rq))                     \
    X(fmin_##sfx,    "fmin." #sfx,    OPC(OP_FP) | F7(0x14 | f) | F3(0), M_F7, FMT_R, F_FP, NEED(rq))                     \
    X(fmax_##sfx,    "fmax." #sfx,    OPC(OP_FP) | F7(0x14 | f) | F3(1), M_F7, FMT_R, F_FP, NEED(rq))                     \
    X(feq_##sfx,     "feq." #sfx,     OPC(OP_FP) | F7(0x50 | f) | F3(2), M_F7, FMT_R, F_RS1_FP | F_RS2_FP, NEED(rq))      \
    X(flt_##sfx,     "flt." #sfx,     OPC(OP_FP) | F7(0x50 | f) | F3(1), M_F7, FMT_R, F_RS1_FP | F_RS2_FP, NEED(rq))      \
    X(fle_##sfx,     "fle." #sfx,     OPC(OP_FP) | F7(0x50 | f) | F3(0), M_F7, FMT_R, F_RS1_FP | F_RS2_FP, NEED(rq))      \
    X(fclass_##sfx,  "fclass." #sfx,  OPC(OP_FP) | F7(0x70 | f) | F3(1), M_F7 | M_RS2, FMT_R1, F_RS1_FP, NEED(rq))       \
    X(fcvt_w_##sfx,  "fcvt.w." #sfx,  OPC(OP_FP) | F7(0x60 | f) | RS2F(0), M_F7_NOF3 | M_RS2, FMT_R1, F_RS1_FP | F_RM, NEED(rq)) \
    X(fcvt_wu_##sfx, "fcvt.wu." #sfx, OPC(OP_FP) | F7(0x60 | f) | RS2F(1), M_F7_NOF3 | M_RS2, FMT_R1, F_RS1_FP | F_RM, NEED(rq)) \
    X(fcvt_l_##sfx,  "fcvt.l." #sfx,  OPC(OP_FP) | F7(0x60 | f) | RS2F(2), M_F7_NOF3 | M_RS2, FMT_R1, F_RS1_FP | F_RM, NEED(rq)) \
    X(fcvt_lu_##sfx, "fcvt.lu." #sfx, OPC(OP_FP) | F7(0x60 | f) | RS2F(3), M_F7_NOF3 | M_RS2, FMT_R1, F_RS1_FP | F_RM, NEED(rq)) \
    X(fcvt_##sfx##_w,  "fcvt." #sfx ".w",  OPC(OP_FP) | F7(0x68 | f) | RS2F(0), M_F7_NOF3 | M_RS2, FMT_R1, F_RD_FP | F_RM, NEED(rq)) \
    X(fcvt_##sfx##_wu, "fcvt." #sfx ".wu", OPC(OP_FP) | F7(0x68 | f) | RS2F(1), M_F7_NOF3 | M_RS2, FMT_R1, F_RD_FP | F_RM, NEED(rq)) \
    X(fcvt_##sfx##_l,  "fcvt." #sfx ".l",  OPC(OP_FP) | F7(0x68 | f) | RS2F(2), M_F7_NOF3 | M_RS2, FMT_R1, F_RD_FP | F_RM, NEED(rq)) \
    X(fcvt_##sfx##_lu, "fcvt." #sfx ".lu", OPC(OP_FP) | F7(0x68 | f) | RS2F(3), M_F7_NOF3 | M_RS2, FMT_R1, F_RD_FP | F_RM, NEED(rq))

/* Zfa rows for a format; they also need the format's extension rq. */
#define RV_ZFA_ROWS(X, sfx, f, rq)                                                                               \
    X(fli_##sfx,      "fli." #sfx,      OPC(OP_FP) | F7(0x78 | f) | RS2F(1), M_F7 | M_RS2, FMT_FLI, F_RD_FP, NEED_ALL(ZFA, rq)) \
    X(fminm_##sfx,    "fminm." #sfx,    OPC(OP_FP) | F7(0x14 | f) | F3(2), M_F7, FMT_R, F_FP, NEED_ALL(ZFA, rq))               \
    X(fmaxm_##sfx,    "fmaxm." #sfx,    OPC(OP_FP) | F7(0x14 | f) | F3(3), M_F7, FMT_R, F_FP, NEED_ALL(ZFA, rq))               \
    X(fround_##sfx,   "fround." #sfx,   OPC(OP_FP) | F7(0x20 | f) | RS2F(4), M_F7_NOF3 | M_RS2, FMT_R1,                     \
      F_RD_FP | F_RS1_FP | F_RM, NEED_ALL(ZFA, rq))                                                              \
    X(froundnx_##sfx, "froundnx." #sfx, OPC(OP_FP) | F7(0x20 | f) | RS2F(5), M_F7_NOF3 | M_RS2, FMT_R1,                     \
      F_RD_FP | F_RS1_FP | F_RM, NEED_ALL(ZFA, rq))                                                              \
    X(fleq_##sfx,     "fleq." #sfx,     OPC(OP_FP) | F7(0x50 | f) | F3(4), M_F7, FMT_R, F_RS1_FP | F_RS2_FP, NEED_ALL(ZFA, rq)) \
    X(fltq_##sfx,     "fltq." #sfx,     OPC(OP_FP) | F7(0x50 | f) | F3(5), M_F7, FMT_R, F_RS1_FP | F_RS2_FP, NEED_ALL(ZFA, rq))

#define RV_INSN_TABLE(X)                                                                                  \
    /* RV64I */                                                                                           \
    X(lui,    "lui",    OPC(OP_LUI), M_OPC, FMT_U, 0, NEED(I))                                                     \
    X(auipc,  "auipc",  OPC(OP_AUIPC), M_OPC, FMT_U, 0, NEED(I))                                                   \
    X(jal,    "jal",    OPC(OP_JAL), M_OPC, FMT_J, F_END, NEED(I))                                                 \
    X(jalr,   "jalr",   OPC(OP_JALR) | F3(0), M_F3, FMT_I, F_END, NEED(I))                                         \
    X(beq,    "beq",    OPC(OP_BRANCH) | F3(0), M_F3, FMT_B, 0, NEED(I))                                           \
    X(bne,    "bne",    OPC(OP_BRANCH) | F3(1), M_F3, FMT_B, 0, NEED(I))                                           \
    X(blt,    "blt",    OPC(OP_BRANCH) | F3(4), M_F3, FMT_B, 0, NEED(I))                                           \
    X(bge,    "bge",    OPC(OP_BRANCH) | F3(5), M_F3, FMT_B, 0, NEED(I))                                           \
    X(bltu,   "bltu",   OPC(OP_BRANCH) | F3(6), M_F3, FMT_B, 0, NEED(I))                                           \
    X(bgeu,   "bgeu",   OPC(OP_BRANCH) | F3(7), M_F3, FMT_B, 0, NEED(I))                                           \
    X(lb,     "lb",     OPC(OP_LOAD) | F3(0), M_F3, FMT_LOAD, 0, NEED(I))                                          \
    X(lh,     "lh",     OPC(OP_LOAD) | F3(1), M_F3, FMT_LOAD, 0, NEED(I))                                          \
    X(lw,     "lw",     OPC(OP_LOAD) | F3(2), M_F3, FMT_LOAD, 0, NEED(I))                                          \
    X(ld,     "ld",     OPC(OP_LOAD) | F3(3), M_F3, FMT_LOAD, 0, NEED(I))                                          \
    X(lbu,    "lbu",    OPC(OP_LOAD) | F3(4), M_F3, FMT_LOAD, 0, NEED(I))                                          \
    X(lhu,    "lhu",    OPC(OP_LOAD) | F3(5), M_F3, FMT_LOAD, 0, NEED(I))                                          \
    X(lwu,    "lwu",    OPC(OP_LOAD) | F3(6), M_F3, FMT_LOAD, 0, NEED(I))                                          \
    X(sb,     "sb",     OPC(OP_STORE) | F3(0), M_F3, FMT_STORE, 0, NEED(I))                                        \
    X(sh,     "sh",     OPC(OP_STORE) | F3(1), M_F3, FMT_STORE, 0, NEED(I))                                        \
    X(sw,     "sw",     OPC(OP_STORE) | F3(2), M_F3, FMT_STORE, 0, NEED(I))                                        \
    X(sd,     "sd",     OPC(OP_STORE) | F3(3), M_F3, FMT_STORE, 0, NEED(I))                                        \
    X(addi,   "addi",   OPC(OP_IMM) | F3(0), M_F3, FMT_I, 0, NEED(I))                                              \
    X(slti,   "slti",   OPC(OP_IMM) | F3(2), M_F3, FMT_I, 0, NEED(I))                                              \
    X(sltiu,  "sltiu",  OPC(OP_IMM) | F3(3), M_F3, FMT_I, 0, NEED(I))                                              \
    X(xori,   "xori",   OPC(OP_IMM) | F3(4), M_F3, FMT_I, 0, NEED(I))                                              \
    X(ori,    "ori",    OPC(OP_IMM) | F3(6), M_F3, FMT_I, 0, NEED(I))                                              \
    X(andi,   "andi",   OPC(OP_IMM) | F3(7), M_F3, FMT_I, 0, NEED(I))                                              \
    X(slli,   "slli",   OPC(OP_IMM) | F3(1) | F7(0x00), M_SHIFT, FMT_SHIFT, 0, NEED(I))                            \
    X(srli,   "srli",   OPC(OP_IMM) | F3(5) | F7(0x00), M_SHIFT, FMT_SHIFT, 0, NEED(I))                            \
    X(srai,   "srai",   OPC(OP_IMM) | F3(5) | F7(0x20), M_SHIFT, FMT_SHIFT, 0, NEED(I))                            \
    X(add,    "add",    OPC(OP_OP) | F3(0) | F7(0x00), M_F7, FMT_R, 0, NEED(I))                                    \
    X(sub,    "sub",    OPC(OP_OP) | F3(0) | F7(0x20), M_F7, FMT_R, 0, NEED(I))                                    \
    X(sll,    "sll",    OPC(OP_OP) | F3(1) | F7(0x00), M_F7, FMT_R, 0, NEED(I))                                    \
    X(slt,    "slt",    OPC(OP_OP) | F3(2) | F7(0x00), M_F7, FMT_R, 0, NEED(I))                                    \
    X(sltu,   "sltu",   OPC(OP_OP) | F3(3) | F7(0x00), M_F7, FMT_R, 0, NEED(I))                                    \
    X(xor,    "xor",    OPC(OP_OP) | F3(4) | F7(0x00), M_F7, FMT_R, 0, NEED(I))                                    \
    X(srl,    "srl",    OPC(OP_OP) | F3(5) | F7(0x00), M_F7, FMT_R, 0, NEED(I))                                    \
    X(sra,    "sra",    OPC(OP_OP) | F3(5) | F7(0x20), M_F7, FMT_R, 0, NEED(I))                                    \
    X(or,     "or",     OPC(OP_OP) | F3(6) | F7(0x00), M_F7, FMT_R, 0, NEED(I))                                    \
    X(and,    "and",    OPC(OP_OP) | F3(7) | F7(0x00), M_F7, FMT_R, 0, NEED(I))                                    \
    X(addiw,  "addiw",  OPC(OP_IMM_32) | F3(0), M_F3, FMT_I, 0, NEED(I))                                           \
    X(slliw,  "slliw",  OPC(OP_IMM_32) | F3(1) | F7(0x00), M_F7, FMT_SHIFTW, 0, NEED(I))                           \
    X(srliw,  "srliw",  OPC(OP_IMM_32) | F3(5) | F7(0x00), M_F7, FMT_SHIFTW, 0, NEED(I))                           \
    X(sraiw,  "sraiw",  OPC(OP_IMM_32) | F3(5) | F7(0x20), M_F7, FMT_SHIFTW, 0, NEED(I))                           \
    X(addw,   "addw",   OPC(OP_OP_32) | F3(0) | F7(0x00), M_F7, FMT_R, 0, NEED(I))                                 \
    X(subw,   "subw",   OPC(OP_OP_32) | F3(0) | F7(0x20), M_F7, FMT_R, 0, NEED(I))                                 \
    X(sllw,   "sllw",   OPC(OP_OP_32) | F3(1) | F7(0x00), M_F7, FMT_R, 0, NEED(I))                                 \
    X(srlw,   "srlw",   OPC(OP_OP_32) | F3(5) | F7(0x00), M_F7, FMT_R, 0, NEED(I))                                 \
    X(sraw,   "sraw",   OPC(OP_OP_32) | F3(5) | F7(0x20), M_F7, FMT_R, 0, NEED(I))                                 \
    X(fence,  "fence",  OPC(OP_MISC_MEM) | F3(0), M_F3, FMT_FENCE, 0, NEED(I))                                     \
    X(fence_i, "fence.i", OPC(OP_MISC_MEM) | F3(1), M_F3, FMT_NONE, F_END, NEED(ZIFENCEI))                                \
    X(ecall,  "ecall",  0x00000073u, M_ALL, FMT_NONE, F_END, NEED(I))                                              \
    X(ebreak, "ebreak", 0x00100073u, M_ALL, FMT_NONE, F_END, NEED(I))                                              \
    X(sret,   "sret",   0x10200073u, M_ALL, FMT_NONE, F_END, NEED(I))                                              \
    X(mret,   "mret",   0x30200073u, M_ALL, FMT_NONE, F_END, NEED(I))                                              \
    X(wfi,    "wfi",    0x10500073u, M_ALL, FMT_NONE, F_END, NEED(I))                                              \
    X(sfence_vma, "sfence.vma", OPC(OP_SYSTEM) | F7(0x09), 0xfe007fffu, FMT_SFENCE, F_END, NEED(I))                \
    X(sinval_vma, "sinval.vma", OPC(OP_SYSTEM) | F7(0x0b), 0xfe007fffu, FMT_SFENCE, F_END, NEED(SVINVAL))         \
    X(sfence_w_inval, "sfence.w.inval", 0x18000073u, M_ALL, FMT_NONE, 0, NEED(SVINVAL))                          \
    X(sfence_inval_ir, "sfence.inval.ir", 0x18100073u, M_ALL, FMT_NONE, 0, NEED(SVINVAL))                        \
    X(csrrw,  "csrrw",  OPC(OP_SYSTEM) | F3(1), M_F3, FMT_CSR, 0, NEED(ZICSR))                                         \
    X(csrrs,  "csrrs",  OPC(OP_SYSTEM) | F3(2), M_F3, FMT_CSR, 0, NEED(ZICSR))                                         \
    X(csrrc,  "csrrc",  OPC(OP_SYSTEM) | F3(3), M_F3, FMT_CSR, 0, NEED(ZICSR))                                         \
    X(csrrwi, "csrrwi", OPC(OP_SYSTEM) | F3(5), M_F3, FMT_CSRI, 0, NEED(ZICSR))                                        \
    X(csrrsi, "csrrsi", OPC(OP_SYSTEM) | F3(6), M_F3, FMT_CSRI, 0, NEED(ZICSR))                                        \
    X(csrrci, "csrrci", OPC(OP_SYSTEM) | F3(7), M_F3, FMT_CSRI, 0, NEED(ZICSR))                                        \
    /* M */                                                                                               \
    X(mul,    "mul",    OPC(OP_OP) | F3(0) | F7(0x01), M_F7, FMT_R, 0, NEED(M))                                    \
    X(mulh,   "mulh",   OPC(OP_OP) | F3(1) | F7(0x01), M_F7, FMT_R, 0, NEED(M))                                    \
    X(mulhsu, "mulhsu", OPC(OP_OP) | F3(2) | F7(0x01), M_F7, FMT_R, 0, NEED(M))                                    \
    X(mulhu,  "mulhu",  OPC(OP_OP) | F3(3) | F7(0x01), M_F7, FMT_R, 0, NEED(M))                                    \
    X(div,    "div",    OPC(OP_OP) | F3(4) | F7(0x01), M_F7, FMT_R, 0, NEED(M))                                    \
    X(divu,   "divu",   OPC(OP_OP) | F3(5) | F7(0x01), M_F7, FMT_R, 0, NEED(M))                                    \
    X(rem,    "rem",    OPC(OP_OP) | F3(6) | F7(0x01), M_F7, FMT_R, 0, NEED(M))                                    \
    X(remu,   "remu",   OPC(OP_OP) | F3(7) | F7(0x01), M_F7, FMT_R, 0, NEED(M))                                    \
    X(mulw,   "mulw",   OPC(OP_OP_32) | F3(0) | F7(0x01), M_F7, FMT_R, 0, NEED(M))                                 \
    X(divw,   "divw",   OPC(OP_OP_32) | F3(4) | F7(0x01), M_F7, FMT_R, 0, NEED(M))                                 \
    X(divuw,  "divuw",  OPC(OP_OP_32) | F3(5) | F7(0x01), M_F7, FMT_R, 0, NEED(M))                                 \
    X(remw,   "remw",   OPC(OP_OP_32) | F3(6) | F7(0x01), M_F7, FMT_R, 0, NEED(M))                                 \
    X(remuw,  "remuw",  OPC(OP_OP_32) | F3(7) | F7(0x01), M_F7, FMT_R, 0, NEED(M))                                 \
    /* A */                                                                                               \
    RV_AMO_ROWS(X, w, 2)                                                                                  \
    RV_AMO_ROWS(X, d, 3)                                                                                  \
    /* F and D */                                                                                         \
    X(flw,    "flw",    OPC(OP_LOAD_FP) | F3(2), M_F3, FMT_LOAD, F_RD_FP, NEED(F))                                 \
    X(fld,    "fld",    OPC(OP_LOAD_FP) | F3(3), M_F3, FMT_LOAD, F_RD_FP, NEED(D))                                 \
    X(fsw,    "fsw",    OPC(OP_STORE_FP) | F3(2), M_F3, FMT_STORE, F_RS2_FP, NEED(F))                              \
    X(fsd,    "fsd",    OPC(OP_STORE_FP) | F3(3), M_F3, FMT_STORE, F_RS2_FP, NEED(D))                              \
    RV_FP_ROWS(X, s, 0, F)                                                                                   \
    RV_FP_ROWS(X, d, 1, D)                                                                                   \
    X(fmv_x_w,  "fmv.x.w",  OPC(OP_FP) | F7(0x70) | F3(0), M_F7 | M_RS2, FMT_R1, F_RS1_FP, NEED(F))                \
    X(fmv_w_x,  "fmv.w.x",  OPC(OP_FP) | F7(0x78) | F3(0), M_F7 | M_RS2, FMT_R1, F_RD_FP, NEED(F))                 \
    X(fmv_x_d,  "fmv.x.d",  OPC(OP_FP) | F7(0x71) | F3(0), M_F7 | M_RS2, FMT_R1, F_RS1_FP, NEED(D))                \
    X(fmv_d_x,  "fmv.d.x",  OPC(OP_FP) | F7(0x79) | F3(0), M_F7 | M_RS2, FMT_R1, F_RD_FP, NEED(D))                 \
    X(fcvt_s_d, "fcvt.s.d", OPC(OP_FP) | F7(0x20) | RS2F(1), M_F7_NOF3 | M_RS2, FMT_R1, F_RD_FP | F_RS1_FP | F_RM, NEED(D)) \
    X(fcvt_d_s, "fcvt.d.s", OPC(OP_FP) | F7(0x21) | RS2F(0), M_F7_NOF3 | M_RS2, FMT_R1, F_RD_FP | F_RS1_FP | F_RM, NEED(D)) \
    /* Zfhmin, Zfh */                                                                                     \
    X(flh,    "flh",    OPC(OP_LOAD_FP) | F3(1), M_F3, FMT_LOAD, F_RD_FP, NEED(ZFHMIN))                   \
    X(fsh,    "fsh",    OPC(OP_STORE_FP) | F3(1), M_F3, FMT_STORE, F_RS2_FP, NEED(ZFHMIN))                \
    X(fmv_x_h,  "fmv.x.h",  OPC(OP_FP) | F7(0x72) | F3(0), M_F7 | M_RS2, FMT_R1, F_RS1_FP, NEED(ZFHMIN))   \
    X(fmv_h_x,  "fmv.h.x",  OPC(OP_FP) | F7(0x7a) | F3(0), M_F7 | M_RS2, FMT_R1, F_RD_FP, NEED(ZFHMIN))    \
    X(fcvt_s_h, "fcvt.s.h", OPC(OP_FP) | F7(0x20) | RS2F(2), M_F7_NOF3 | M_RS2, FMT_R1, F_RD_FP | F_RS1_FP | F_RM, NEED(ZFHMIN)) \
    X(fcvt_h_s, "fcvt.h.s", OPC(OP_FP) | F7(0x22) | RS2F(0), M_F7_NOF3 | M_RS2, FMT_R1, F_RD_FP | F_RS1_FP | F_RM, NEED(ZFHMIN)) \
    X(fcvt_d_h, "fcvt.d.h", OPC(OP_FP) | F7(0x21) | RS2F(2), M_F7_NOF3 | M_RS2, FMT_R1, F_RD_FP | F_RS1_FP | F_RM, \
      NEED_ALL(ZFHMIN, D))                                                                                \
    X(fcvt_h_d, "fcvt.h.d", OPC(OP_FP) | F7(0x22) | RS2F(1), M_F7_NOF3 | M_RS2, FMT_R1, F_RD_FP | F_RS1_FP | F_RM, \
      NEED_ALL(ZFHMIN, D))                                                                                \
    RV_FP_ROWS(X, h, 2, ZFH)                                                                              \
    /* Zfa (fcvtmod.w.d's rm is RTZ, the others are reserved) */                                           \
    RV_ZFA_ROWS(X, h, 2, ZFH)                                                                             \
    RV_ZFA_ROWS(X, s, 0, F)                                                                               \
    RV_ZFA_ROWS(X, d, 1, D)                                                                               \
    X(fcvtmod_w_d, "fcvtmod.w.d", OPC(OP_FP) | F7(0x61) | RS2F(8) | F3(1), M_F7 | M_RS2, FMT_R1, F_RS1_FP, \
      NEED_ALL(ZFA, D))                                                                                   \
    /* Zba */                                                                                             \
    X(sh1add,    "sh1add",    OPC(OP_OP) | F3(2) | F7(0x10), M_F7, FMT_R, 0, NEED(ZBA))                          \
    X(sh2add,    "sh2add",    OPC(OP_OP) | F3(4) | F7(0x10), M_F7, FMT_R, 0, NEED(ZBA))                          \
    X(sh3add,    "sh3add",    OPC(OP_OP) | F3(6) | F7(0x10), M_F7, FMT_R, 0, NEED(ZBA))                          \
    X(add_uw,    "add.uw",    OPC(OP_OP_32) | F3(0) | F7(0x04), M_F7, FMT_R, 0, NEED(ZBA))                       \
    X(sh1add_uw, "sh1add.uw", OPC(OP_OP_32) | F3(2) | F7(0x10), M_F7, FMT_R, 0, NEED(ZBA))                       \
    X(sh2add_uw, "sh2add.uw", OPC(OP_OP_32) | F3(4) | F7(0x10), M_F7, FMT_R, 0, NEED(ZBA))                       \
    X(sh3add_uw, "sh3add.uw", OPC(OP_OP_32) | F3(6) | F7(0x10), M_F7, FMT_R, 0, NEED(ZBA))                       \
    X(slli_uw,   "slli.uw",   OPC(OP_IMM_32) | F3(1) | F7(0x04), M_SHIFT, FMT_SHIFT, 0, NEED(ZBA))               \
    /* Zbb */                                                                                             \
    X(andn,   "andn",   OPC(OP_OP) | F3(7) | F7(0x20), M_F7, FMT_R, 0, NEED_ANY(ZBB, ZBKB))                                    \
    X(orn,    "orn",    OPC(OP_OP) | F3(6) | F7(0x20), M_F7, FMT_R, 0, NEED_ANY(ZBB, ZBKB))                                    \
    X(xnor,   "xnor",   OPC(OP_OP) | F3(4) | F7(0x20), M_F7, FMT_R, 0, NEED_ANY(ZBB, ZBKB))                                    \
    X(clz,    "clz",    OPC(OP_IMM) | F3(1) | IMM12(0x600), M_IMM12, FMT_R1, 0, NEED(ZBB))                           \
    X(ctz,    "ctz",    OPC(OP_IMM) | F3(1) | IMM12(0x601), M_IMM12, FMT_R1, 0, NEED(ZBB))                           \
    X(cpop,   "cpop",   OPC(OP_IMM) | F3(1) | IMM12(0x602), M_IMM12, FMT_R1, 0, NEED(ZBB))                           \
    X(clzw,   "clzw",   OPC(OP_IMM_32) | F3(1) | IMM12(0x600), M_IMM12, FMT_R1, 0, NEED(ZBB))                        \
    X(ctzw,   "ctzw",   OPC(OP_IMM_32) | F3(1) | IMM12(0x601), M_IMM12, FMT_R1, 0, NEED(ZBB))                        \
    X(cpopw,  "cpopw",  OPC(OP_IMM_32) | F3(1) | IMM12(0x602), M_IMM12, FMT_R1, 0, NEED(ZBB))                        \
    X(max,    "max",    OPC(OP_OP) | F3(6) | F7(0x05), M_F7, FMT_R, 0, NEED(ZBB))                                    \
    X(maxu,   "maxu",   OPC(OP_OP) | F3(7) | F7(0x05), M_F7, FMT_R, 0, NEED(ZBB))                                    \
    X(min,    "min",    OPC(OP_OP) | F3(4) | F7(0x05), M_F7, FMT_R, 0, NEED(ZBB))                                    \
    X(minu,   "minu",   OPC(OP_OP) | F3(5) | F7(0x05), M_F7, FMT_R, 0, NEED(ZBB))                                    \
    X(sext_b, "sext.b", OPC(OP_IMM) | F3(1) | IMM12(0x604), M_IMM12, FMT_R1, 0, NEED(ZBB))                           \
    X(sext_h, "sext.h", OPC(OP_IMM) | F3(1) | IMM12(0x605), M_IMM12, FMT_R1, 0, NEED(ZBB))                           \
    X(zext_h, "zext.h", OPC(OP_OP_32) | F3(4) | IMM12(0x080), M_IMM12, FMT_R1, 0, NEED_ANY(ZBB, ZBKB))                         \
    X(rol,    "rol",    OPC(OP_OP) | F3(1) | F7(0x30), M_F7, FMT_R, 0, NEED_ANY(ZBB, ZBKB))                                    \
    X(ror,    "ror",    OPC(OP_OP) | F3(5) | F7(0x30), M_F7, FMT_R, 0, NEED_ANY(ZBB, ZBKB))                                    \
    X(rolw,   "rolw",   OPC(OP_OP_32) | F3(1) | F7(0x30), M_F7, FMT_R, 0, NEED_ANY(ZBB, ZBKB))                                 \
    X(rorw,   "rorw",   OPC(OP_OP_32) | F3(5) | F7(0x30), M_F7, FMT_R, 0, NEED_ANY(ZBB, ZBKB))                                 \
    X(rori,   "rori",   OPC(OP_IMM) | F3(5) | F7(0x30), M_SHIFT, FMT_SHIFT, 0, NEED_ANY(ZBB, ZBKB))                            \
    X(roriw,  "roriw",  OPC(OP_IMM_32) | F3(5) | F7(0x30), M_F7, FMT_SHIFTW, 0, NEED_ANY(ZBB, ZBKB))                           \
    X(orc_b,  "orc.b",  OPC(OP_IMM) | F3(5) | IMM12(0x287), M_IMM12, FMT_R1, 0, NEED(ZBB))                           \
    X(rev8,   "rev8",   OPC(OP_IMM) | F3(5) | IMM12(0x6b8), M_IMM12, FMT_R1, 0, NEED_ANY(ZBB, ZBKB))                           \
    /* Zbs */                                                                                             \
    X(bclr,   "bclr",   OPC(OP_OP) | F3(1) | F7(0x24), M_F7, FMT_R, 0, NEED(ZBS))                                    \
    X(bext,   "bext",   OPC(OP_OP) | F3(5) | F7(0x24), M_F7, FMT_R, 0, NEED(ZBS))                                    \
    X(binv,   "binv",   OPC(OP_OP) | F3(1) | F7(0x34), M_F7, FMT_R, 0, NEED(ZBS))                                    \
    X(bset,   "bset",   OPC(OP_OP) | F3(1) | F7(0x14), M_F7, FMT_R, 0, NEED(ZBS))                                    \
    X(bclri,  "bclri",  OPC(OP_IMM) | F3(1) | F7(0x24), M_SHIFT, FMT_SHIFT, 0, NEED(ZBS))                            \
    X(bexti,  "bexti",  OPC(OP_IMM) | F3(5) | F7(0x24), M_SHIFT, FMT_SHIFT, 0, NEED(ZBS))                            \
    X(binvi,  "binvi",  OPC(OP_IMM) | F3(1) | F7(0x34), M_SHIFT, FMT_SHIFT, 0, NEED(ZBS))                            \
    X(bseti,  "bseti",  OPC(OP_IMM) | F3(1) | F7(0x14), M_SHIFT, FMT_SHIFT, 0, NEED(ZBS))                  \
    /* Zbc, Zbkc */                                                                                       \
    X(clmul,  "clmul",  OPC(OP_OP) | F3(1) | F7(0x05), M_F7, FMT_R, 0, NEED_ANY(ZBC, ZBKC))                \
    X(clmulh, "clmulh", OPC(OP_OP) | F3(3) | F7(0x05), M_F7, FMT_R, 0, NEED_ANY(ZBC, ZBKC))                \
    X(clmulr, "clmulr", OPC(OP_OP) | F3(2) | F7(0x05), M_F7, FMT_R, 0, NEED(ZBC))                          \
    /* Zbkb (packw with rs2 = x0 is zext.h, whose row comes first) */                                     \
    X(pack,   "pack",   OPC(OP_OP) | F3(4) | F7(0x04), M_F7, FMT_R, 0, NEED(ZBKB))                         \
    X(packh,  "packh",  OPC(OP_OP) | F3(7) | F7(0x04), M_F7, FMT_R, 0, NEED(ZBKB))                         \
    X(packw,  "packw",  OPC(OP_OP_32) | F3(4) | F7(0x04), M_F7, FMT_R, 0, NEED(ZBKB))                      \
    X(brev8,  "brev8",  OPC(OP_IMM) | F3(5) | IMM12(0x687), M_IMM12, FMT_R1, 0, NEED(ZBKB))                \
    /* Zbkx */                                                                                            \
    X(xperm4, "xperm4", OPC(OP_OP) | F3(2) | F7(0x14), M_F7, FMT_R, 0, NEED(ZBKX))                         \
    X(xperm8, "xperm8", OPC(OP_OP) | F3(4) | F7(0x14), M_F7, FMT_R, 0, NEED(ZBKX))                         \
    /* Zicond */                                                                                          \
    X(czero_eqz, "czero.eqz", OPC(OP_OP) | F3(5) | F7(0x07), M_F7, FMT_R, 0, NEED(ZICOND))                 \
    X(czero_nez, "czero.nez", OPC(OP_OP) | F3(7) | F7(0x07), M_F7, FMT_R, 0, NEED(ZICOND))                 \
    /* Zimop: one row per form, the number n in the bits the masks leave free */                         \
    X(mop_r,  "mop.r",  0x81c04073u, 0xb3c0707fu, FMT_MOPR, 0, NEED(ZIMOP))                                \
    X(mop_rr, "mop.rr", 0x82004073u, 0xb200707fu, FMT_MOPRR, 0, NEED(ZIMOP))                               \
    /* Zicbom, Zicboz */                                                                                  \
    X(cbo_inval, "cbo.inval", OPC(OP_MISC_MEM) | F3(2) | IMM12(0), M_CBO, FMT_CBO, 0, NEED(ZICBOM))        \
    X(cbo_clean, "cbo.clean", OPC(OP_MISC_MEM) | F3(2) | IMM12(1), M_CBO, FMT_CBO, 0, NEED(ZICBOM))        \
    X(cbo_flush, "cbo.flush", OPC(OP_MISC_MEM) | F3(2) | IMM12(2), M_CBO, FMT_CBO, 0, NEED(ZICBOM))        \
    X(cbo_zero,  "cbo.zero",  OPC(OP_MISC_MEM) | F3(2) | IMM12(4), M_CBO, FMT_CBO, 0, NEED(ZICBOZ))        \
    /* Zawrs */                                                                                           \
    X(wrs_nto, "wrs.nto", 0x00d00073u, M_ALL, FMT_NONE, F_END, NEED(ZAWRS))                               \
    X(wrs_sto, "wrs.sto", 0x01d00073u, M_ALL, FMT_NONE, F_END, NEED(ZAWRS))                               \
    RV_VECTOR_ROWS(X)
/* clang-format on */

/* V: one row per configuration form, per OP-V category (funct3) and per
 * memory element width; the handlers take funct6, vm, nf, mop and the
 * operand fields from the bits (cpu/vector.h). mew (bit 28) = 1 is reserved. */
#define M_VMEM (M_F3 | (1u << 28))
/* clang-format off */
#define RV_VECTOR_ROWS(X)                                                                                   \
    X(vsetvli,  "vsetvli",  OPC(OP_V) | F3(7), 0x8000707fu, FMT_V, 0, NEED(V))                               \
    X(vsetivli, "vsetivli", OPC(OP_V) | F3(7) | 0xc0000000u, 0xc000707fu, FMT_V, 0, NEED(V))                 \
    X(vsetvl,   "vsetvl",   OPC(OP_V) | F3(7) | 0x80000000u, M_F7, FMT_V, 0, NEED(V))                        \
    X(vopivv,   "v.ivv",    OPC(OP_V) | F3(0), M_F3, FMT_V, 0, NEED(V))                                      \
    X(vopmvv,   "v.mvv",    OPC(OP_V) | F3(2), M_F3, FMT_V, 0, NEED(V))                                      \
    X(vopivi,   "v.ivi",    OPC(OP_V) | F3(3), M_F3, FMT_V, 0, NEED(V))                                      \
    X(vopivx,   "v.ivx",    OPC(OP_V) | F3(4), M_F3, FMT_V, 0, NEED(V))                                      \
    X(vopmvx,   "v.mvx",    OPC(OP_V) | F3(6), M_F3, FMT_V, 0, NEED(V))                                      \
    X(vopfvv,   "v.fvv",    OPC(OP_V) | F3(1), M_F3, FMT_V, 0, NEED(V))                                      \
    X(vopfvf,   "v.fvf",    OPC(OP_V) | F3(5), M_F3, FMT_V, 0, NEED(V))                                      \
    X(vload8,   "vl.e8",    OPC(OP_LOAD_FP) | F3(0), M_VMEM, FMT_V, 0, NEED(V))                              \
    X(vload16,  "vl.e16",   OPC(OP_LOAD_FP) | F3(5), M_VMEM, FMT_V, 0, NEED(V))                              \
    X(vload32,  "vl.e32",   OPC(OP_LOAD_FP) | F3(6), M_VMEM, FMT_V, 0, NEED(V))                              \
    X(vload64,  "vl.e64",   OPC(OP_LOAD_FP) | F3(7), M_VMEM, FMT_V, 0, NEED(V))                              \
    X(vstore8,  "vs.e8",    OPC(OP_STORE_FP) | F3(0), M_VMEM, FMT_V, 0, NEED(V))                             \
    X(vstore16, "vs.e16",   OPC(OP_STORE_FP) | F3(5), M_VMEM, FMT_V, 0, NEED(V))                             \
    X(vstore32, "vs.e32",   OPC(OP_STORE_FP) | F3(6), M_VMEM, FMT_V, 0, NEED(V))                             \
    X(vstore64, "vs.e64",   OPC(OP_STORE_FP) | F3(7), M_VMEM, FMT_V, 0, NEED(V))
/* clang-format on */

enum insn_id {
#define X(name, mn, match, mask, fmt, flags, need) INSN_##name,
    RV_INSN_TABLE(X)
#undef X
        INSN_COUNT,
    INSN_ILLEGAL = INSN_COUNT, /* decoder result for an unknown encoding */
    INSN_BLOCK_END,            /* block-end marker */
};

/* What a row needs of the ISA: extension a, or b (all = false: either one;
 * true: both). */
struct insn_need {
    uint8_t a, b;
    bool all;
};

#define DECODE_ROW_WORDS ((INSN_COUNT + 63) / 64)
/* What one machine may decode (decode_ctx_init, cpu/decode.h). */
struct decode_ctx {
    uint64_t rows[DECODE_ROW_WORDS]; /* bit id: row id is enabled */
    unsigned rvc;                    /* RVC_* flags (cpu/rvc.h) */
};

struct hart;
struct insn;
/* exec_<name> runs one instruction; thr_<name> runs it and, when it returns
 * EXEC_NEXT, the instructions after it (cpu/dispatch.h). */
/* clang-format off */
#define X(name, mn, match, mask, fmt, flags, need)              \
    int exec_##name(struct hart *h, const struct insn *in);     \
    int thr_##name(struct hart *h, const struct insn *in);
/* clang-format on */
RV_INSN_TABLE(X)
#undef X

#endif
