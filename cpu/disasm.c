/* Disassembly for --trace, driven by the instruction table's formats. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cpu/decode.h"
#include "cpu/vector.h"

const char *const reg_abi_name[32] = {
    "zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "s0", "s1", "a0",  "a1",  "a2", "a3", "a4", "a5",
    "a6",   "a7", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6",
};
const char *const freg_abi_name[32] = {
    "ft0", "ft1", "ft2", "ft3", "ft4", "ft5", "ft6", "ft7", "fs0", "fs1", "fa0",  "fa1",  "fa2", "fa3", "fa4",  "fa5",
    "fa6", "fa7", "fs2", "fs3", "fs4", "fs5", "fs6", "fs7", "fs8", "fs9", "fs10", "fs11", "ft8", "ft9", "ft10", "ft11",
};

/* The n of mop.r.n (bits 30, 27:26, 21:20) and mop.rr.n (30, 27:26). A
 * compressed c.mop.n expands to a nop and never reaches here. */
static unsigned mop_number(const struct insn *in)
{
    uint32_t b = in->bits;
    unsigned n = ((b >> 30) & 1) << 2 | ((b >> 26) & 3);
    return in->id == INSN_mop_r ? n << 2 | ((b >> 20) & 3) : n;
}

static const char *reg(unsigned r, bool fp) { return fp ? freg_abi_name[r & 31] : reg_abi_name[r & 31]; }

void insn_disasm(const struct insn *in, uint64_t pc, char *buf, size_t size)
{
    const struct insn_info *r = insn_info(in->id);
    if (!r) {
        snprintf(buf, size, "unknown");
        return;
    }
    const char *mn = r->mnemonic;
    const char *rd = reg(in->rd, r->flags & F_RD_FP);
    const char *rs1 = reg(in->rs1, r->flags & F_RS1_FP);
    const char *rs2 = reg(in->rs2, r->flags & F_RS2_FP);
    const char *rs3 = reg(in->rs3, r->flags & F_RS3_FP);
    switch (r->format) {
    case FMT_R: snprintf(buf, size, "%-7s %s,%s,%s", mn, rd, rs1, rs2); break;
    case FMT_R1: snprintf(buf, size, "%-7s %s,%s", mn, rd, rs1); break;
    case FMT_R4: snprintf(buf, size, "%-7s %s,%s,%s,%s", mn, rd, rs1, rs2, rs3); break;
    case FMT_I: snprintf(buf, size, "%-7s %s,%s,%d", mn, rd, rs1, in->imm); break;
    case FMT_LOAD: snprintf(buf, size, "%-7s %s,%d(%s)", mn, rd, in->imm, rs1); break;
    case FMT_STORE: snprintf(buf, size, "%-7s %s,%d(%s)", mn, rs2, in->imm, rs1); break;
    case FMT_B: snprintf(buf, size, "%-7s %s,%s,0x%" PRIx64, mn, rs1, rs2, pc + (uint64_t)(int64_t)in->imm); break;
    case FMT_U: snprintf(buf, size, "%-7s %s,0x%x", mn, rd, ((uint32_t)in->imm >> 12) & 0xfffff); break;
    case FMT_J: snprintf(buf, size, "%-7s %s,0x%" PRIx64, mn, rd, pc + (uint64_t)(int64_t)in->imm); break;
    case FMT_SHIFT:
    case FMT_SHIFTW: snprintf(buf, size, "%-7s %s,%s,%d", mn, rd, rs1, in->imm); break;
    case FMT_CSR: snprintf(buf, size, "%-7s %s,0x%03x,%s", mn, rd, (unsigned)in->imm & 0xfff, rs1); break;
    case FMT_CSRI: snprintf(buf, size, "%-7s %s,0x%03x,%u", mn, rd, (unsigned)in->imm & 0xfff, in->rs1); break;
    case FMT_AMO: snprintf(buf, size, "%-7s %s,%s,(%s)", mn, rd, rs2, rs1); break;
    case FMT_LR: snprintf(buf, size, "%-7s %s,(%s)", mn, rd, rs1); break;
    case FMT_SFENCE: snprintf(buf, size, "%-7s %s,%s", mn, rs1, rs2); break;
    case FMT_CBO: snprintf(buf, size, "%-7s (%s)", mn, rs1); break;
    case FMT_FLI: snprintf(buf, size, "%-7s %s,%u", mn, rd, in->rs1); break;
    case FMT_MOPR: snprintf(buf, size, "%s.%-*u %s,%s", mn, (int)(6 - strlen(mn)), mop_number(in), rd, rs1); break;
    case FMT_MOPRR:
        snprintf(buf, size, "%s.%-*u %s,%s,%s", mn, (int)(6 - strlen(mn)), mop_number(in), rd, rs1, rs2);
        break;
    case FMT_V: vector_disasm(in, mn, buf, size); break;
    default: snprintf(buf, size, "%s", mn); break;
    }
}
