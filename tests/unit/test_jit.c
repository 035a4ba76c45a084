/*
 * The translator (cpu/jit.c) against the threaded interpreter: random
 * programs run on two machines, one translating every block on first entry
 * and one interpreting, must end in the same state: every register, the data
 * they wrote, pc, instret and the trap they stopped at.
 *
 * A program is a counted loop around a random body (so in-block branches and
 * re-entry are exercised) followed by an ebreak that mtvec points at, where
 * the hart parks. The body mixes every row the translator inlines (ALU, W
 * forms, shifts, lui/auipc, loads and stores of every size, aligned or not,
 * forward branches, jal, mulh and division with zero and -1 divisors, FP
 * loads, stores, arithmetic, fused ops, sign injection, moves, compares and
 * conversions) with rows it calls out for (mulhsu, FP with other rounding
 * modes), and
 * now and then a load from unmapped memory, which traps mid-block. Bodies
 * also hold compressed ALU pairs, CSR reads and writes (mscratch, fflags,
 * frm, fcsr, the counters), AMOs and LR/SC, all called out.
 *
 * A third of the programs run on the max model and also hold every row the
 * max model has and RV64G has not (bit manipulation, carry-less multiply,
 * Zicond, Zimop, half precision, Zfa, cache-block operations, ...: taken
 * from the instruction table, so a new row is generated without anyone
 * listing it here), the Zcb and Zcmop compressed forms, and FP registers
 * holding NaN-boxed singles and halves. The translator calls out for all of
 * them; a second test gives each such row programs of its own and checks
 * that it ran to the end at least once.
 */
#include <check.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cpu/cache.h"
#include "cpu/decode.h"
#include "cpu/hart.h"
#include "cpu/insn_table.h"
#include "cpu/jit.h"
#include "cpu/vector.h"
#include "rivet.h"
#include "rv_encode.h"

#define RAM_BASE   0x80000000ull
#define RAM_SIZE   (1ull << 20)
#define DATA       (RAM_BASE + 0x10000) /* x31 points here */
#define DATA_BYTES 4096
#define BODY       48

struct machine {
    struct bus bus;
    struct code_cache *cache;
    struct hart *h;
};

/* A machine of the default model, or of max. */
static bool make_isa(struct machine *m, unsigned hot, bool max)
{
    struct isa_set isa;
    if (!bus_init(&m->bus, RAM_BASE, RAM_SIZE))
        return false;
    m->cache = code_cache_create(&m->bus);
    m->h = calloc(1, sizeof *m->h);
    if (!m->cache || !m->h)
        return false;
    if (max && !(isa_model("max", &isa) && code_cache_set_isa(m->cache, &isa)))
        return false;
    hart_init(m->h, &m->bus, m->cache, 0);
    if (!code_cache_add_hart(m->cache, m->h))
        return false;
    return code_cache_set_jit(m->cache, hot) == (hot != 0);
}

static bool make(struct machine *m, unsigned hot) { return make_isa(m, hot, false); }

static void unmake(struct machine *m)
{
    free(m->h);
    code_cache_destroy(m->cache);
    bus_destroy(&m->bus);
}

static uint64_t rng_state;
static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}
static unsigned pick(unsigned n) { return (unsigned)(rnd() % n); }

#define EBREAK 0x00100073u

/* Registers the body may write: x30 counts the loop, x31 is the data base.
 * Half the programs use only x0 and x5..x8, so that instructions keep
 * reading what the one before wrote (the translator's rax tracking). */
static bool few_regs;
static unsigned rd_any(void) { return few_regs ? (pick(8) ? 5 + pick(4) : 0) : pick(30); } /* x0..x29 */
static unsigned rs_any(void) { return few_regs ? (pick(8) ? 5 + pick(4) : 0) : pick(32); }

/* A random compressed ALU instruction (C.ADDI, C.LI, C.SLLI, C.MV, C.ADD,
 * C.SUB/XOR/OR/AND, C.SUBW/ADDW), never writing x30/x31. */
static uint32_t random_rvc(void)
{
    unsigned rd = rd_any(), rs = rs_any(), imm = pick(64);
    if (rd == 0)
        rd = 5;
    if (rs == 0)
        rs = 6;
    unsigned rdp = pick(8), rsp = pick(8); /* x8..x15 */
    switch (pick(7)) {
    case 0: return 0x0001u | (imm >> 5) << 12 | rd << 7 | (imm & 31) << 2; /* c.addi */
    case 1: return 0x4001u | (imm >> 5) << 12 | rd << 7 | (imm & 31) << 2; /* c.li */
    case 2: return 0x0002u | (imm >> 5) << 12 | rd << 7 | (imm & 31) << 2; /* c.slli */
    case 3: return 0x8002u | rd << 7 | rs << 2;                            /* c.mv */
    case 4: return 0x9002u | rd << 7 | rs << 2;                            /* c.add */
    case 5: return 0x8c01u | rdp << 7 | pick(4) << 5 | rsp << 2;           /* c.sub/xor/or/and */
    default: return 0x9c01u | rdp << 7 | pick(2) << 5 | rsp << 2;          /* c.subw/addw */
    }
}

/* ---- Rows beyond RV64G (programs on the max model) ---- */

static bool ext_mode;      /* this program runs on max and uses the rows below */
static int focus_row = -1; /* >= 0: half the body is this row */
static unsigned ext_row[INSN_COUNT], n_ext_rows;

/* Every row max enables and RV64G does not, but those that end a block
 * (wrs.nto, wrs.sto, sinval.vma), which the translator never sees inside
 * one. */
static void collect_ext_rows(void)
{
    struct isa_set max, g;
    struct decode_ctx dmax, dg;
    ck_assert(isa_model("max", &max));
    ck_assert(isa_parse_cpu("rv64,zba=off,zbb=off,zbs=off", &g, NULL, 0));
    decode_ctx_init(&dmax, &max);
    decode_ctx_init(&dg, &g);
    n_ext_rows = 0;
    for (unsigned id = 0; id < INSN_COUNT; id++)
        if (decode_row_enabled(&dmax, id) && !decode_row_enabled(&dg, id) && !(insn_info(id)->flags & F_END))
            ext_row[n_ext_rows++] = id;
    ck_assert_uint_gt(n_ext_rows, 100);
}

/* Puts v in the 5- or 3-bit field at `shift` unless the row fixes it. */
static void set_field(uint32_t *bits, uint32_t mask, unsigned shift, unsigned width, unsigned v)
{
    uint32_t f = ((1u << width) - 1) << shift;
    if (!(mask & f))
        *bits = (*bits & ~f) | (v << shift);
}

/* A rounding mode: mostly valid (7 = frm, which the programs keep valid),
 * rarely the reserved 5, which is illegal (focused programs hold dozens). */
static unsigned rm_any(void)
{
    static const unsigned rm[] = { 0, 1, 2, 3, 4, 7, 7, 7 };
    return pick(128) ? rm[pick(8)] : 5;
}

/* A valid vtype (SEW <= LMUL * ELEN), tail and mask policies random. */
static unsigned random_vtype(void)
{
    static const unsigned lmul[] = { 0, 1, 2, 3, 5, 6, 7 };
    unsigned l = lmul[pick(7)], sew = pick(4);
    if (l >= 5 && sew > l - 5)
        sew = l - 5;
    return pick(4) << 6 | sew << 3 | l;
}

/* A vector row (FMT_V). Wild ones take any funct6, vm, register and
 * addressing mode (most trap); safe ones, always in programs focused on
 * the row (which must run to the end now and then), pick legal forms:
 * assigned funct6 that take any overlap, register groups at v0, v8, v16,
 * v24, unmasked, unit-stride through x31 (the data area), vsetvl with
 * rs2 = x0 (e8, m1). */
static uint32_t random_vector(const struct insn_info *r, uint32_t bits)
{
    static const uint8_t safe_f6[7][24] = {
        { 0x00, 0x02, 0x04, 0x05, 0x06, 0x07, 0x09, 0x0a, 0x0b, 0x18, 0x19, 0x1a,
          0x1b, 0x1c, 0x1d, 0x20, 0x21, 0x22, 0x23, 0x25, 0x28, 0x29, 0x2a, 0x2b }, /* OPIVV */
        { 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b,
          0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27, 0x29, 0x2b, 0x2d, 0x2f }, /* OPMVV */
        { 0x00, 0x03, 0x09, 0x0a, 0x0b, 0x0f, 0x18, 0x19, 0x1c, 0x1d, 0x1e, 0x1f,
          0x20, 0x21, 0x25, 0x28, 0x29, 0x2a, 0x2b, 0x00, 0x03, 0x09, 0x0a, 0x0b }, /* OPIVI */
        { 0x00, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x09, 0x0a, 0x0b, 0x0f, 0x18,
          0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x21, 0x22, 0x23, 0x25 }, /* OPIVX */
        { 0x08, 0x09, 0x0a, 0x0b, 0x0f, 0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26,
          0x27, 0x29, 0x2b, 0x2d, 0x2f, 0x08, 0x09, 0x0a, 0x0b, 0x24, 0x25, 0x2d }, /* OPMVX */
        { 0x00, 0x02, 0x04, 0x06, 0x08, 0x09, 0x0a, 0x18, 0x19, 0x1b, 0x1c, 0x20,
          0x24, 0x28, 0x29, 0x2a, 0x2b, 0x2c, 0x2d, 0x2e, 0x2f, 0x00, 0x24, 0x2c }, /* OPFVV */
        { 0x00, 0x02, 0x04, 0x06, 0x08, 0x09, 0x0a, 0x0f, 0x18, 0x19, 0x1b, 0x1c,
          0x1d, 0x1f, 0x20, 0x21, 0x24, 0x27, 0x28, 0x29, 0x2a, 0x2b, 0x2c, 0x2d }, /* OPFVF */
    };
    bool safe = focus_row >= 0 || pick(2);
    unsigned op = r->match & 0x7f, f3 = (r->match >> 12) & 7;
    if (op == OP_V && f3 == 7) {
        if (r->match >> 30 == 0 && (safe || pick(8))) /* vsetvli */
            bits = (bits & ~(0x7ffu << 20)) | random_vtype() << 20;
        else if (r->match >> 30 == 3 && (safe || pick(8))) /* vsetivli */
            bits = (bits & ~(0x3ffu << 20)) | random_vtype() << 20;
        else if (safe) /* vsetvl: rs2 = x0 */
            bits &= ~(31u << 20);
        set_field(&bits, r->mask, 7, 5, rd_any());
        set_field(&bits, r->mask, 15, 5, pick(4) ? pick(20) : rs_any());
        return bits;
    }
    if (op == OP_LOAD_FP || op == OP_STORE_FP) {
        static const unsigned umop[] = { 0, 0, 0, 8, 11, 16 };
        unsigned mop = safe || pick(2) ? 0 : pick(4), nf = safe || pick(2) ? 0 : pick(8), vm = safe || pick(2);
        unsigned rs2 = mop == 0 ? umop[pick(6)] : mop == 2 ? (pick(2) ? 0 : rs_any()) : pick(32);
        if (safe && (((rs2 == 11 || (rs2 == 8 && op == OP_STORE_FP)) && f3 != 0) || (rs2 == 16 && op == OP_STORE_FP)))
            rs2 = 0;
        if (mop == 0 && rs2 == 8 && !safe)
            nf = (1u << pick(4)) - 1;
        return (r->match & ~(1u << 28)) | nf << 29 | mop << 26 | vm << 25 | rs2 << 20 | 31u << 15 |
               (safe ? 8 * pick(4) : pick(32)) << 7;
    }
    if (!safe)
        return bits; /* OP-V arithmetic: anything */
    static const unsigned cat_of_f3[8] = { 0, 5, 1, 2, 3, 6, 4, 0 };
    unsigned cat = cat_of_f3[f3];
    unsigned src1 = f3 <= 2 ? 8 * pick(4) : f3 == 3 || f3 == 5 ? pick(32) : rs_any();
    return (uint32_t)safe_f6[cat][pick(24)] << 26 | 1u << 25 | 8 * pick(4) << 20 | src1 << 15 | f3 << 12 |
           8 * pick(4) << 7 | OP_V;
}

/* An instance of row id with random operands: integer destinations spare
 * x30/x31, memory rows address the data area through x31. */
static uint32_t random_row(unsigned id)
{
    const struct insn_info *r = insn_info(id);
    uint32_t bits = r->match | ((uint32_t)rnd() & ~r->mask);
    int off = (int)pick(DATA_BYTES / 2 - 8) & ~(pick(8) ? 1 : 0);
    switch (r->format) {
    case FMT_LOAD: return r->match | i_type(0, 0, pick(32), 31, off);
    case FMT_STORE: return r->match | (s_type(0, 31, pick(32), off) & ~0x7fu);
    case FMT_CBO: /* x31 (a block of the data area), or rarely anywhere */
        return r->match | (pick(64) ? 31u : rs_any()) << 15;
    case FMT_FLI: set_field(&bits, r->mask, 7, 5, pick(32)); return bits;
    case FMT_V: return random_vector(r, bits);
    default:
        set_field(&bits, r->mask, 7, 5, r->flags & F_RD_FP ? pick(32) : rd_any());
        set_field(&bits, r->mask, 15, 5, r->flags & F_RS1_FP ? pick(32) : rs_any());
        set_field(&bits, r->mask, 20, 5, r->flags & F_RS2_FP ? pick(32) : rs_any());
        if (r->flags & F_RM)
            set_field(&bits, r->mask, 12, 3, rm_any());
        return bits;
    }
}

/* A 4-byte slot of Zcb or Zcmop compressed instructions: a byte or
 * halfword load or store through x15 (set to x31 by a c.mv in the same
 * slot), or c.mul, a one-register form or c.mop.N beside a C ALU op. */
static uint32_t random_zc_slot(void)
{
    unsigned rdp = pick(8), rsp = pick(8);
    if (pick(3) == 0) {
        uint32_t mv = 0x8002u | 15u << 7 | 31u << 2;                                /* c.mv x15, x31 */
        uint32_t mem = 0x8000u | pick(4) << 10 | 7u << 7 | pick(4) << 5 | rdp << 2; /* c.lbu/lhu/lh/sb/sh */
        return mv | mem << 16;
    }
    uint32_t zc;
    switch (pick(3)) {
    case 0: zc = 0x9c41u | rdp << 7 | rsp << 2; break;     /* c.mul */
    case 1: zc = 0x9c61u | rdp << 7 | pick(8) << 2; break; /* c.zext.b ... c.not; 6, 7 reserved */
    default: zc = 0x6081u | pick(8) << 8; break;           /* c.mop.N: c.lui x(2k+1), 0 */
    }
    return pick(2) ? zc | random_rvc() << 16 : random_rvc() | zc << 16;
}

/* One random body instruction at index i of n (branches and jal skip forward
 * within the body). */
static uint32_t random_insn(unsigned i, unsigned n)
{
    static const struct {
        unsigned f3, f7;
    } op[] = {
        { 0, 0 },    { 0, 0x20 }, { 1, 0 }, { 2, 0 }, { 3, 0 }, { 4, 0 }, { 5, 0 },
        { 5, 0x20 }, { 6, 0 },    { 7, 0 },                                         /* RV64I */
        { 0, 1 },    { 1, 1 },    { 3, 1 }, { 4, 1 }, { 5, 1 }, { 6, 1 }, { 7, 1 }, /* M */
    };
    static const struct {
        unsigned f3, f7;
    } opw[] = {
        { 0, 0 }, { 0, 0x20 }, { 1, 0 }, { 5, 0 }, { 5, 0x20 }, { 0, 1 }, { 4, 1 }, { 5, 1 }, { 6, 1 }, { 7, 1 },
    };
    static const unsigned branch_f3[] = { 0, 1, 4, 5, 6, 7 };
    unsigned left = n - i - 1; /* instructions after this one in the body */
    if (focus_row >= 0 && pick(2))
        return random_row((unsigned)focus_row);
    switch (pick(ext_mode ? 26 : 21)) {
    case 21:
    case 22:
    case 23:
    case 24: return random_row(ext_row[pick(n_ext_rows)]);
    case 25: return random_zc_slot();
    case 18: /* two compressed instructions in one 4-byte slot */ return random_rvc() | random_rvc() << 16;
    case 19: { /* CSRs: mscratch, the FP ones (which steer the FP fast paths), counters */
        static const unsigned csr[] = { 0x340, 0x001, 0x002, 0x003, 0xb02, 0xb00 };
        unsigned c = csr[pick(6)];
        if (c == 0xb02 || c == 0xb00 || pick(3) == 0)
            return i_type(0x73, 2, rd_any(), 0, (int)c); /* csrr */
        if (c == 0x002 || c == 0x003)                    /* csrrwi: a valid frm (fcsr's uimm sets fflags, frm 0) */
            return i_type(0x73, 5, rd_any(), c == 0x002 ? pick(5) : pick(32), (int)c);
        return i_type(0x73, pick(2) ? 1 : 5, rd_any(), pick(2) ? rs_any() : pick(32), (int)c); /* csrrw / csrrwi */
    }
    case 20: { /* AMOs and LR/SC on the data area (x31) */
        static const unsigned f5[] = { 0x00, 0x01, 0x04, 0x08, 0x0c, 0x10, 0x14, 0x18, 0x1c, 0x02, 0x03 };
        unsigned k = pick(11), f3 = pick(2) ? 3 : 2;
        return f5[k] << 27 | (k == 9 ? 0 : rs_any()) << 20 | 31u << 15 | f3 << 12 | rd_any() << 7 | 0x2f;
    }
    case 15: { /* fmadd/fmsub/fnmsub/fnmadd.d, rm RNE, dynamic or RTZ */
        static const unsigned rm[] = { 0, 7, 7, 1 };
        return pick(32) << 27 | 1u << 25 | pick(32) << 20 | pick(32) << 15 | rm[pick(4)] << 12 | pick(32) << 7 |
               (0x43u + 4 * pick(4));
    }
    case 16: { /* sign injection, moves, compares (integer rd) */
        switch (pick(4)) {
        case 0: return r_type(0x53, pick(3), 0x11, pick(32), pick(32), pick(32));
        case 1: return r_type(0x53, 0, 0x71, rd_any(), pick(32), 0); /* fmv.x.d */
        case 2: return r_type(0x53, 0, 0x79, pick(32), rs_any(), 0); /* fmv.d.x */
        default: return r_type(0x53, pick(3), 0x51, rd_any(), pick(32), pick(32));
        }
    }
    case 17: { /* fcvt.d.w/l and fcvt.w/l.d */
        static const unsigned rm[] = { 1, 1, 0, 7 };
        unsigned kind = pick(2) ? 0 : 2;
        if (pick(2))
            return r_type(0x53, rm[pick(4)], 0x69, pick(32), rs_any(), kind);
        return r_type(0x53, rm[pick(4)], 0x61, rd_any(), pick(32), kind);
    }
    case 12: { /* fadd/fsub/fmul/fdiv.d, rm RNE, dynamic or (not inlined) RTZ */
        static const unsigned f7[] = { 0x01, 0x05, 0x09, 0x0d, 0x2d };
        static const unsigned rm[] = { 0, 7, 7, 1 };
        unsigned k = pick(5);
        return r_type(0x53, rm[pick(4)], f7[k], pick(32), pick(32), k == 4 ? 0 : pick(32)); /* fsqrt: rs2 = 0 */
    }
    case 13: { /* fld/flw */
        unsigned f3 = pick(2) ? 3 : 2;
        int off = (int)pick(DATA_BYTES / 2 - 8) & ~(int)(pick(8) ? (1u << f3) - 1 : 0);
        return i_type(0x07, f3, pick(32), 31, off);
    }
    case 14: { /* fsd/fsw */
        unsigned f3 = pick(2) ? 3 : 2;
        int off = (int)pick(DATA_BYTES / 2 - 8) & ~(int)(pick(8) ? (1u << f3) - 1 : 0);
        uint32_t sv = s_type(f3, 31, pick(32), off);
        return (sv & ~0x7fu) | 0x27;
    }
    case 0:
    case 1: {
        unsigned k = pick(sizeof op / sizeof op[0]);
        return r_type(0x33, op[k].f3, op[k].f7, rd_any(), rs_any(), rs_any());
    }
    case 2: {
        unsigned k = pick(sizeof opw / sizeof opw[0]);
        return r_type(0x3b, opw[k].f3, opw[k].f7, rd_any(), rs_any(), rs_any());
    }
    case 3:
    case 4: {
        unsigned f3 = pick(8);
        int imm = (int)pick(4096) - 2048;
        if (f3 == 1)
            imm = (int)pick(64);
        else if (f3 == 5)
            imm = (int)pick(64) | (pick(2) ? 0x400 : 0);
        return i_type(0x13, f3, rd_any(), rs_any(), imm);
    }
    case 5: {
        static const unsigned f3s[] = { 0, 1, 5 };
        unsigned f3 = f3s[pick(3)];
        int imm = f3 == 0 ? (pick(4) ? (int)pick(4096) - 2048 : 0) : (int)pick(32) | (f3 == 5 && pick(2) ? 0x400 : 0);
        return i_type(0x1b, f3, rd_any(), rs_any(), imm);
    }
    case 6: /* lui, auipc */ return ((uint32_t)rnd() & 0xfffff000u) | rd_any() << 7 | (pick(2) ? 0x37u : 0x17u);
    case 7: { /* load: mostly from the data area, now and then misaligned or unmapped */
        unsigned f3 = pick(7);
        int off = (int)pick(DATA_BYTES / 2 - 8);
        unsigned size = 1u << (f3 & 3);
        if (pick(8))
            off &= ~(int)(size - 1);
        if (pick(64) == 0)
            return i_type(0x03, f3, rd_any(), 0, 64); /* address 64: no RAM, an access fault */
        return i_type(0x03, f3, rd_any(), 31, off);
    }
    case 8: {
        unsigned f3 = pick(4);
        int off = (int)pick(DATA_BYTES / 2 - 8);
        if (pick(8))
            off &= ~(int)((1u << f3) - 1);
        return s_type(f3, 31, rs_any(), off);
    }
    case 9:
    case 10:
        if (left >= 1) {
            unsigned skip = 1 + pick(left < 3 ? left : 3);
            return b_type(branch_f3[pick(6)], rs_any(), rs_any(), 4 * (int)skip);
        }
        return i_type(0x13, 0, rd_any(), rs_any(), 1);
    default:
        if (left >= 1) /* jal forward (followed by the decoder; links when rd != 0) */
            return j_type(pick(3) ? 0 : rd_any(), 4 * (int)(1 + pick(left < 2 ? left : 2)));
        return r_type(0x33, 0, 0, rd_any(), rs_any(), rs_any());
    }
}

/* The program at RAM_BASE: x30 = iterations; body; x30 -= 1; bne x30, x0,
 * body; ebreak. Returns the ebreak's address. */
static uint64_t write_program(struct machine *m, const uint32_t *code, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        store_le(bus_ram_ptr(&m->bus, RAM_BASE + 4 * i, 4), 4, code[i]);
    return RAM_BASE + 4 * (n - 1);
}

static void run_parked(struct machine *m, uint64_t stop)
{
    struct hart *h = m->h;
    h->mtvec = stop;
    for (int i = 0; i < 200 && !(h->pc == stop && h->mcause == CAUSE_BREAKPOINT); i++)
        hart_run(h, 10000);
}

/* The comparison means something only if the translating machine ran
 * translations: every block it built was translated (eager), none refused. */
static void assert_translated(const struct machine *m)
{
#if defined(__x86_64__)
    struct rivet_code_stats st;
    code_cache_stats(m->cache, &st);
    ck_assert_uint_gt(st.translated, 0);
    ck_assert_uint_eq(st.translated, st.blocks);
    ck_assert_uint_eq(st.refused, 0);
#else
    (void)m;
#endif
}

/* An FP register value: mostly a double of any kind; on max also NaN-boxed
 * singles and halves (any half: its 5-bit exponent makes every kind common). */
static uint64_t random_freg(void)
{
    /* clang-format off */
    static const uint64_t special[] = {0, 1ull << 63, 0x7ff0000000000000ull, 0x7ff8000000000000ull,
                                       0x0000000000000001ull, 0x7fefffffffffffffull, 0x0010000000000000ull};
    /* clang-format on */
    switch (ext_mode ? pick(3) : 0) {
    case 1: return 0xffffffff00000000ull | (uint64_t)(0x70 + pick(32)) << 23 | (rnd() & 0x807fffffu);
    case 2: return 0xffffffffffff0000ull | (rnd() & 0xffff);
    default: /* doubles of every kind, mostly normal ones near 1 */
        return pick(8) == 0 ? special[pick(7)] : (0x3f0ull + pick(32)) << 52 | (rnd() >> 12) | (uint64_t)pick(2) << 63;
    }
}

/* Runs one random program (seed; focus_row, if set, fills half its body)
 * on a translating and an interpreting machine and compares them. Returns
 * whether the program ran to its end without a trap. */
static uint64_t random_links; /* links the translating machines made */

static bool check_one(uint64_t seed)
{
    uint32_t code[BODY + 5];
    unsigned n = 0;
    rng_state = seed * 0x9e3779b97f4a7c15ull + 1;
    few_regs = pick(2);
    ext_mode = focus_row >= 0 || pick(3) == 0;
    code[n++] = i_type(0x13, 0, 30, 0, 1 + (int)pick(6)); /* addi x30, x0, iterations */
    /* Mostly long bodies; short ones let a single instruction decide what
     * the end state shows (an FS that only it would dirty, say). */
    static const unsigned lengths[] = { 1, 2, 3, BODY, BODY, BODY };
    unsigned body = lengths[focus_row >= 0 ? 3 + pick(3) : pick(6)];
    for (unsigned i = 0; i < body; i++)
        code[n++] = random_insn(i, body);
    code[n++] = i_type(0x13, 0, 30, 30, -1);
    code[n++] = b_type(1, 30, 0, -4 * (int)(body + 1));
    code[n++] = i_type(0x13, 0, 31, 31, 1); /* x31 += 1: a trap (to the ebreak) skips it */
    code[n++] = EBREAK;

    uint64_t regs[32], fregs[32];
    uint8_t data[DATA_BYTES];
    for (unsigned r = 0; r < 32; r++)
        switch (pick(8)) { /* small values make shifts and compares interesting, -1 and MIN divisions */
        case 0:
        case 1: regs[r] = rnd() % 64; break;
        case 2: regs[r] = pick(2) ? ~0ull : 1ull << 63; break;
        case 3: regs[r] = pick(2) ? 0xffffffff80000000ull : 0xffffffffull; break;
        default: regs[r] = rnd(); break;
        }
    for (unsigned r = 0; r < 32; r++)
        fregs[r] = random_freg();
    unsigned fflags = pick(3) ? FFLAG_NX : 0, frm = pick(4) ? FRM_RNE : 1;
    /* FS mostly Dirty; Initial and Clean make the first FP write dirty it,
     * Off makes FP illegal. */
    static const uint64_t fs_states[] = { MSTATUS_FS, MSTATUS_FS, MSTATUS_FS, 1ull << 13, 2ull << 13, 0 };
    uint64_t fs = fs_states[pick(6)];
    for (unsigned k = 0; k < DATA_BYTES; k++)
        data[k] = (uint8_t)rnd();
    /* V: mostly Dirty, sometimes Initial or Off; a valid vtype and vl (at
     * most VLMAX, with VLEN 128), random registers. */
    static const uint64_t vs_states[] = { MSTATUS_VS, MSTATUS_VS, 1ull << 9, 0 };
    uint64_t vs = vs_states[pick(4)];
    uint64_t vtype = random_vtype();
    int lmul = (vtype & 7) < 4 ? (int)(vtype & 7) : (int)(vtype & 7) - 8;
    unsigned sew = (vtype >> 3) & 7;
    uint64_t vlmax = lmul >= 0 ? (16u >> sew) << lmul : (16u >> sew) >> -lmul;
    uint64_t vl = pick(vlmax + 1);
    uint8_t vregs[32 * 16];
    for (unsigned k = 0; k < sizeof vregs; k++)
        vregs[k] = (uint8_t)rnd();

    struct machine m[2];
    for (unsigned k = 0; k < 2; k++) {
        ck_assert(make_isa(&m[k], k == 0 ? 1 : 0, ext_mode));
        hart_reset(m[k].h, RAM_BASE);
        m[k].h->instret = 1000;
        uint64_t stop = write_program(&m[k], code, n);
        memcpy(bus_ram_ptr(&m[k].bus, DATA, DATA_BYTES), data, DATA_BYTES);
        for (unsigned r = 1; r < 30; r++)
            m[k].h->x[r] = regs[r];
        for (unsigned r = 0; r < 32; r++)
            m[k].h->f[r] = fregs[r];
        m[k].h->mstatus = (m[k].h->mstatus & ~MSTATUS_FS) | fs | (fs == MSTATUS_FS ? MSTATUS_SD : 0);
        if (ext_mode) {
            m[k].h->mstatus |= vs | (vs == MSTATUS_VS ? MSTATUS_SD : 0);
            m[k].h->vec.vtype = vtype;
            m[k].h->vec.vl = vl;
            memcpy(m[k].h->vec.v, vregs, sizeof vregs);
        }
        m[k].h->fflags = (uint8_t)fflags;
        m[k].h->frm = (uint8_t)frm;
        m[k].h->x[31] = DATA;
        run_parked(&m[k], stop);
    }
    const struct hart *a = m[0].h, *b = m[1].h;
    for (unsigned r = 0; r < 32; r++)
        ck_assert_msg(a->x[r] == b->x[r], "seed %llu: x%u jit %#llx interp %#llx", (unsigned long long)seed, r,
                      (unsigned long long)a->x[r], (unsigned long long)b->x[r]);
    for (unsigned r = 0; r < 32; r++)
        ck_assert_msg(a->f[r] == b->f[r], "seed %llu: f%u jit %#llx interp %#llx", (unsigned long long)seed, r,
                      (unsigned long long)a->f[r], (unsigned long long)b->f[r]);
    ck_assert_uint_eq(a->fflags, b->fflags);
    ck_assert_msg(memcmp(&a->vec, &b->vec, sizeof a->vec) == 0, "seed %llu: vector state differs",
                  (unsigned long long)seed);
    ck_assert_msg(a->mstatus == b->mstatus, "seed %llu: mstatus %#llx vs %#llx", (unsigned long long)seed,
                  (unsigned long long)a->mstatus, (unsigned long long)b->mstatus);
    ck_assert_msg(a->pc == b->pc, "seed %llu: pc %#llx vs %#llx", (unsigned long long)seed, (unsigned long long)a->pc,
                  (unsigned long long)b->pc);
    ck_assert_msg(a->instret == b->instret, "seed %llu: instret %llu vs %llu", (unsigned long long)seed,
                  (unsigned long long)a->instret, (unsigned long long)b->instret);
    ck_assert_uint_eq(a->mcause, b->mcause);
    ck_assert_uint_eq(a->mepc, b->mepc);
    ck_assert_uint_eq(a->mtval, b->mtval);
    ck_assert_int_eq(
        memcmp(bus_ram_ptr(&m[0].bus, DATA, DATA_BYTES), bus_ram_ptr(&m[1].bus, DATA, DATA_BYTES), DATA_BYTES), 0);
    assert_translated(&m[0]);
    struct rivet_code_stats st;
    code_cache_stats(m[0].cache, &st);
    random_links += st.links;
    code_cache_stats(m[1].cache, &st);
    ck_assert_uint_eq(st.translated, 0); /* the reference really interpreted */
    bool clean = b->x[31] == DATA + 1;
    unmake(&m[0]);
    unmake(&m[1]);
    return clean;
}

START_TEST(random_programs_match_the_interpreter)
{
    collect_ext_rows();
    random_links = 0;
    for (uint64_t seed = 1; seed <= 1500; seed++)
        check_one(seed);
#if defined(__x86_64__)
    ck_assert_uint_gt(random_links, 0); /* blocks of more than 64 linked */
#endif
}
END_TEST

/* Each row beyond RV64G in programs of its own, on max: translated and
 * interpreted agree, and at least one of its programs ran to the end (so
 * the row really executed, rather than every program trapping before it).
 * Twelve programs a row: with six, adding the two vector FP rows (which
 * changes every later pick) left fcvt.w.h with six early traps. */
START_TEST(every_new_row_matches_the_interpreter)
{
    collect_ext_rows();
    for (unsigned k = 0; k < n_ext_rows; k++) {
        focus_row = (int)ext_row[k];
        unsigned clean = 0;
        for (uint64_t seed = 1; seed <= 12; seed++)
            clean += check_one(seed * 7919 + ext_row[k]);
        ck_assert_msg(clean > 0, "%s: every program trapped", insn_info(ext_row[k])->mnemonic);
    }
    focus_row = -1;
}
END_TEST

/* A full code region makes translation fail (the block stays threaded),
 * never overrun; a reset gives the room back. */
START_TEST(a_full_region_refuses_translations)
{
#if defined(__x86_64__)
    struct machine m;
    ck_assert(make(&m, 1));
    uint32_t code[BODY + 4];
    rng_state = 12345;
    ext_mode = false;
    for (unsigned i = 0; i < BODY; i++)
        code[i] = random_insn(i, BODY);
    code[BODY] = EBREAK;
    write_program(&m, code, BODY + 1);
    struct block *b = cache_build(m.cache, RAM_BASE, bus_ram_ptr(&m.bus, RAM_BASE, 4));
    ck_assert_ptr_nonnull(b);
    struct jit *j = jit_create();
    ck_assert_ptr_nonnull(j);
    size_t room = jit_room(j), n = 0;
    while (jit_translate(j, b))
        n++;
    ck_assert_uint_gt(n, 1000);
    ck_assert_uint_lt(jit_room(j), JIT_MAX_BLOCK_BYTES);
    insn_fn last = b->entry;
    ck_assert(!jit_translate(j, b));
    ck_assert(b->entry == last); /* untouched by the refusal */
    jit_reset(j);
    ck_assert_uint_eq(jit_room(j), room);
    ck_assert(jit_translate(j, b));
    jit_destroy(j);
    unmake(&m);
#endif
}
END_TEST

/* The most expensive rows, 64 of a kind (a block's most), still translate:
 * nothing runs out of labels, fixups or room. */
START_TEST(worst_blocks_translate)
{
#if defined(__x86_64__)
    static const uint32_t rows[] = {
        0x02b57543u,            /* fmadd.d f10, f10, f11, f0 (dynamic rm) */
        0x1ab57553u,            /* fdiv.d f10, f10, f11 (dynamic rm) */
        0x5a057553u,            /* fsqrt.d f10, f10 */
        0xa2b52553u,            /* feq.d a0, f10, f11 */
        0xc2257553u,            /* fcvt.l.d a0, f10, dyn: not inlined, a call */
        0x0005b507u | 3u << 12, /* fld f10, 0(a1) */
        0x00a5b027u | 3u << 12, /* fsd f10, 0(a1) */
        0x02b54533u,            /* div a0, a0, a1 */
        0x0005b503u,            /* ld a0, 0(a1) */
    };
    for (unsigned r = 0; r < sizeof rows / sizeof rows[0]; r++) {
        struct machine m;
        ck_assert(make(&m, 1));
        uint32_t code[MAX_BLOCK_INSNS + 1];
        for (unsigned i = 0; i < MAX_BLOCK_INSNS; i++)
            code[i] = rows[r];
        code[MAX_BLOCK_INSNS] = EBREAK;
        write_program(&m, code, MAX_BLOCK_INSNS + 1);
        struct block *b = cache_build(m.cache, RAM_BASE, bus_ram_ptr(&m.bus, RAM_BASE, 4));
        ck_assert_ptr_nonnull(b);
        ck_assert_uint_eq(b->n, MAX_BLOCK_INSNS);
        struct jit *j = jit_create();
        ck_assert_msg(jit_translate(j, b), "64 x %#x do not translate", rows[r]);
        jit_destroy(j);
        unmake(&m);
    }
    /* And a block of in-block branches (each to the next row). */
    struct machine m;
    ck_assert(make(&m, 1));
    uint32_t code[MAX_BLOCK_INSNS + 1];
    for (unsigned i = 0; i < MAX_BLOCK_INSNS; i++)
        code[i] = b_type(1, 10, 11, i ? -4 : 4);
    code[MAX_BLOCK_INSNS] = EBREAK;
    write_program(&m, code, MAX_BLOCK_INSNS + 1);
    struct block *b = cache_build(m.cache, RAM_BASE, bus_ram_ptr(&m.bus, RAM_BASE, 4));
    struct jit *j = jit_create();
    ck_assert(jit_translate(j, b));
    jit_destroy(j);
    unmake(&m);
#endif
}
END_TEST

/* Sequences where an instruction reads what rax held a moment ago but no
 * longer may (cpu/jit.c's rax tracking): each against its known result. */
START_TEST(rax_tracking_hazards)
{
    struct machine m;
    ck_assert(make(&m, 1));
    const uint32_t code[] = {
        i_type(0x13, 0, 5, 0, 7),      /* addi x5, x0, 7: rax = x5 */
        0x123452b7u,                   /* lui x5, 0x12345: x5 changes, rax does not */
        i_type(0x13, 0, 6, 5, 1),      /* addi x6, x5, 1 = 0x12345001 */
        i_type(0x13, 0, 10, 0, -3),    /* addi x10, x0, -3: rax = x10 */
        r_type(0x33, 2, 0, 10, 10, 0), /* slt x10, x10, x0 = 1: rd = rs1 */
        i_type(0x13, 0, 11, 10, 5),    /* addi x11, x10, 5 = 6 */
        i_type(0x13, 0, 8, 0, 5),      /* addi x8, x0, 5 */
        b_type(0, 8, 8, 8),            /* beq x8, x8, +8: rax = x8 on the way */
        i_type(0x13, 0, 9, 0, 100),    /* (skipped; would leave rax = x9) */
        i_type(0x13, 0, 12, 9, 1),     /* addi x12, x9, 1 = 1, reached only by the branch */
        EBREAK,
    };
    uint64_t stop = write_program(&m, code, sizeof code / sizeof code[0]);
    hart_reset(m.h, RAM_BASE);
    m.h->instret = 1000; /* as after any boot: a forward in-block branch's count stays positive */
    run_parked(&m, stop);
    ck_assert_uint_eq(m.h->x[5], 0x12345000);
    ck_assert_uint_eq(m.h->x[6], 0x12345001);
    ck_assert_uint_eq(m.h->x[10], 1);
    ck_assert_uint_eq(m.h->x[11], 6);
    ck_assert_uint_eq(m.h->x[9], 0);
    ck_assert_uint_eq(m.h->x[12], 1);
    assert_translated(&m);
    unmake(&m);
}
END_TEST

/* The translator must be there on this host for the test above to mean
 * anything (x86-64 builds). */
START_TEST(translation_is_available)
{
#if defined(__x86_64__)
    struct machine m;
    ck_assert(make(&m, 1));
    unmake(&m);
#endif
}
END_TEST

/* ---- Block linking (cpu/jit.h) ---- */

#define NOP        0x00000013u
#define SFENCE_VMA 0x12000073u
#define MRET       0x30200073u
static uint32_t csrw(unsigned csr, unsigned rs1) { return i_type(0x73, 1, 0, rs1, (int)csr); }

static struct rivet_code_stats stats_of(const struct machine *m)
{
    struct rivet_code_stats st;
    code_cache_stats(m->cache, &st);
    return st;
}

/*
 * A loop of two blocks in one page that link to each other, with a switch
 * in the first that runs once, when x11 (counting down from 100) is 50:
 *   [0] x11 = 100  [1] x10 = 0  [2] x15 = 50
 *   [3] L: bne x11, x15, [6]  [4] sw1  [5] sw2  [6..66] nops
 *   [67] B: addi x10, x10, 1  [68] x11 -= 1  [69] bne x11, x0, L  [70] ebreak
 * L's block ends after 64 instructions and falls through to B (a linked
 * exit); B's branch back to L leaves B (linked). A switch that makes [67]
 * add 100 instead leaves x10 = 50 * 1 + 50 * 100.
 */
#define LOOP_INSNS 71
#define LOOP_B     67
static void linked_loop(uint32_t *code, uint32_t sw1, uint32_t sw2)
{
    code[0] = i_type(0x13, 0, 11, 0, 100);
    code[1] = i_type(0x13, 0, 10, 0, 0);
    code[2] = i_type(0x13, 0, 15, 0, 50);
    code[3] = b_type(1, 11, 15, 12);
    code[4] = sw1;
    code[5] = sw2;
    for (unsigned i = 6; i < LOOP_B; i++)
        code[i] = NOP;
    code[LOOP_B] = i_type(0x13, 0, 10, 10, 1);
    code[LOOP_B + 1] = i_type(0x13, 0, 11, 11, -1);
    code[LOOP_B + 2] = b_type(1, 11, 0, -4 * (LOOP_B + 2 - 3));
    code[LOOP_B + 3] = EBREAK;
}
#define SWITCHED_X10 (50 + 50 * 100)

/* SMC: the first block overwrites the next block of the linked chain; the
 * link to it must go, and the new instruction run. */
START_TEST(smc_into_a_linked_block)
{
    for (unsigned hot = 0; hot <= 1; hot++) {
        struct machine m;
        ck_assert(make(&m, hot));
        uint32_t code[LOOP_INSNS];
        linked_loop(code, s_type(2, 14, 13, 0), NOP); /* sw x13, 0(x14) */
        uint64_t stop = write_program(&m, code, LOOP_INSNS);
        hart_reset(m.h, RAM_BASE);
        m.h->x[13] = i_type(0x13, 0, 10, 10, 100);
        m.h->x[14] = RAM_BASE + 4 * LOOP_B;
        run_parked(&m, stop);
        ck_assert_uint_eq(m.h->mcause, CAUSE_BREAKPOINT);
        ck_assert_uint_eq(m.h->x[11], 0);
        ck_assert_uint_eq(m.h->x[10], SWITCHED_X10);
#if defined(__x86_64__)
        struct rivet_code_stats st = stats_of(&m);
        if (hot) {
            ck_assert_uint_gt(st.links, 0);
            ck_assert_uint_gt(st.unlinks, 0); /* the link into [67]'s block went */
            ck_assert_uint_gt(st.invalidations, 0);
        } else {
            ck_assert_uint_eq(st.links, 0);
        }
#endif
        unmake(&m);
    }
}
END_TEST

/* Sv39 tables for the code page at virtual CODE_VA: root -> L1 -> L0,
 * L0[0] = the code page, L0[1] = L0 itself (writable, so the guest can
 * remap the code page). Returns satp. */
#define CODE_VA 0x40000000ull
#define PA1     (RAM_BASE + 0x30000)
#define PA2     (RAM_BASE + 0x31000)
static void put_pte(struct machine *m, uint64_t table, unsigned i, uint64_t pa, uint64_t flags)
{
    store_le(bus_ram_ptr(&m->bus, table + 8 * i, 8), 8, (pa >> 12) << PTE_PPN_SHIFT | flags | PTE_V);
}
static uint64_t sv39_tables(struct machine *m, uint64_t root, uint64_t code_pa)
{
    put_pte(m, root, 1, root + 0x1000, 0);
    put_pte(m, root + 0x1000, 0, root + 0x2000, 0);
    put_pte(m, root + 0x2000, 0, code_pa, PTE_R | PTE_X | PTE_A);
    put_pte(m, root + 0x2000, 1, root + 0x2000, PTE_R | PTE_W | PTE_A | PTE_D);
    return (uint64_t)SATP_MODE_SV39 << 60 | root >> 12;
}

/*
 * The linked loop in S-mode at CODE_VA, mapped to PA1; PA2 holds the same
 * code but for [67], which adds 100. The switch remaps CODE_VA to PA2: by a
 * satp write (to tables that map PA2), or by rewriting the PTE and
 * sfence.vma. Blocks are keyed by physical address, links never leave a
 * page: what runs after the switch must be PA2's code.
 */
static void remap_between_linked_blocks(bool by_satp)
{
    for (unsigned hot = 0; hot <= 1; hot++) {
        struct machine m;
        ck_assert(make(&m, hot));
        const uint32_t boot[] = { csrw(CSR_PMPADDR0, 16),
                                  csrw(CSR_PMPCFG0, 17),
                                  csrw(CSR_SATP, 5),
                                  csrw(CSR_MEPC, 6),
                                  csrw(CSR_MSTATUS, 8),
                                  MRET,
                                  j_type(0, 0) };
        uint64_t spin = write_program(&m, boot, sizeof boot / sizeof boot[0]); /* j . */
        uint32_t code[LOOP_INSNS];
        if (by_satp)
            linked_loop(code, csrw(CSR_SATP, 7), NOP);
        else
            linked_loop(code, s_type(3, 12, 9, 0), SFENCE_VMA); /* sd x9, 0(x12) */
        for (unsigned i = 0; i < LOOP_INSNS; i++) {
            store_le(bus_ram_ptr(&m.bus, PA1 + 4 * i, 4), 4, code[i]);
            store_le(bus_ram_ptr(&m.bus, PA2 + 4 * i, 4), 4, code[i]);
        }
        store_le(bus_ram_ptr(&m.bus, PA2 + 4 * LOOP_B, 4), 4, i_type(0x13, 0, 10, 10, 100));
        hart_reset(m.h, RAM_BASE);
        struct hart *h = m.h;
        h->x[5] = sv39_tables(&m, RAM_BASE + 0x40000, PA1);
        h->x[7] = sv39_tables(&m, RAM_BASE + 0x50000, PA2);
        h->x[6] = CODE_VA;
        h->x[8] = (uint64_t)PRV_S << MSTATUS_MPP_SHIFT;
        h->x[9] = (PA2 >> 12) << PTE_PPN_SHIFT | PTE_R | PTE_X | PTE_A | PTE_V;
        h->x[12] = CODE_VA + 0x1000; /* L0[0] through L0's own mapping */
        h->x[16] = ~0ull >> 10;      /* PMP: all of memory */
        h->x[17] = 0x1f;             /* NAPOT, RWX */
        h->mtvec = spin;             /* a trap from S ends there (run_parked would run the ebreak at `stop`) */
        for (int i = 0; i < 200 && !(h->pc == spin && h->mcause == CAUSE_BREAKPOINT); i++)
            hart_run(h, 10000);
        ck_assert_uint_eq(h->pc, spin);
        ck_assert_uint_eq(h->mcause, CAUSE_BREAKPOINT);
        ck_assert_uint_eq(h->mepc, CODE_VA + 4 * (LOOP_B + 3)); /* S-mode's ebreak */
        ck_assert_uint_eq(h->x[11], 0);
        ck_assert_uint_eq(h->x[10], SWITCHED_X10);
#if defined(__x86_64__)
        if (hot)
            ck_assert_uint_gt(stats_of(&m).links, 0);
#endif
        unmake(&m);
    }
}

START_TEST(satp_switch_between_linked_blocks) { remap_between_linked_blocks(true); }
END_TEST

START_TEST(sfence_vma_between_linked_blocks) { remap_between_linked_blocks(false); }
END_TEST

/*
 * A loop of two linked blocks that never ends: [0] x10 += 1, nops to [63];
 * [64] x11 += 1, [65] beq x0, x0, [0], [66] ebreak. At [80] the interrupt
 * handler: x20 = 1, then j . (a loop of its own). Returns the hart with
 * links made and MSIP enabled (not pending).
 */
#define SPIN_HANDLER 80

/* Enables MSIP (not pending) with the handler at SPIN_HANDLER and runs
 * one slice of the loop the hart is at: a slice's allowance bounds a loop
 * of linked or probed blocks like any chain. x11 counts the loop. */
static void spin_one_slice(struct machine *m, uint64_t min_x11)
{
    m->h->mtvec = RAM_BASE + 4 * SPIN_HANDLER;
    m->h->mie = MIP_MSIP;
    m->h->mstatus |= MSTATUS_MIE;
    uint64_t n = hart_run(m->h, 10000);
    ck_assert_uint_ge(n, 10000);
    ck_assert_uint_lt(n, 10000 + 2 * MAX_BLOCK_INSNS);
    ck_assert_uint_gt(m->h->x[11], min_x11);
}
static void spin_loop(struct machine *m)
{
    uint32_t code[SPIN_HANDLER + 2];
    for (unsigned i = 0; i < SPIN_HANDLER; i++)
        code[i] = NOP;
    code[0] = i_type(0x13, 0, 10, 10, 1);
    code[64] = i_type(0x13, 0, 11, 11, 1);
    code[65] = b_type(0, 0, 0, -4 * 65);
    code[66] = EBREAK;
    code[SPIN_HANDLER] = i_type(0x13, 0, 20, 0, 1);
    code[SPIN_HANDLER + 1] = j_type(0, 0);
    write_program(m, code, SPIN_HANDLER + 2);
    hart_reset(m->h, RAM_BASE);
    spin_one_slice(m, 10);
#if defined(__x86_64__)
    ck_assert_uint_gt(stats_of(m).links, 0);
#endif
}

struct poke {
    struct hart *h;
    bool irq; /* else a stop request */
};
static void *poke_later(void *arg)
{
    const struct poke *p = arg;
    struct timespec ts = { 0, 20 * 1000 * 1000 };
    nanosleep(&ts, NULL);
    if (p->irq) {
        hart_set_pending(p->h, MIP_MSIP);
        nanosleep(&ts, NULL);
    }
    hart_yield(p->h); /* the handler spins too: this ends the run */
    return NULL;
}

/* Spins the hart in the linked loop until another thread, 20 ms on,
 * posts an interrupt (irq) and then a stop request, or only the latter. */
static void spin_until_poked(struct machine *m, bool irq, void (*loop)(struct machine *m))
{
    ck_assert(make(m, 1));
    loop(m);
    struct poke p = { m->h, irq };
    pthread_t t;
    ck_assert_int_eq(pthread_create(&t, NULL, poke_later, &p), 0);
    hart_run(m->h, UINT64_MAX / 2);
    pthread_join(t, NULL);
    ck_assert(m->h->yield);
}

/* An interrupt posted by another thread while the hart spins in linked
 * blocks is taken (the link's check of link_end, which hart_set_pending
 * zeroes), and the handler runs. Without the check the loop would never
 * leave the linked blocks (and the test would time out). */
START_TEST(interrupt_during_a_linked_loop)
{
    struct machine m;
    spin_until_poked(&m, true, spin_loop);
    ck_assert_uint_eq(m.h->mcause, CAUSE_INTERRUPT | IRQ_M_SOFT);
    ck_assert_uint_lt(m.h->mepc, RAM_BASE + 4 * 66); /* taken in the loop */
    ck_assert_uint_eq(m.h->x[20], 1);                /* the handler ran */
    unmake(&m);
}
END_TEST

/* A stop request (the debugger's, the monitor's: hart_yield) ends the run
 * of a linked loop. */
START_TEST(stop_request_during_a_linked_loop)
{
    struct machine m;
    spin_until_poked(&m, false, spin_loop);
    ck_assert_uint_gt(m.h->x[10], 100); /* it did spin */
    ck_assert_uint_lt(m.h->pc, RAM_BASE + 4 * 66);
    ck_assert_uint_eq(m.h->x[20], 0); /* no interrupt */
    unmake(&m);
}
END_TEST

/* ---- Indirect jumps (cpu/jit.c, emit_probe) ---- */

#define JALR(rd, rs1) i_type(0x67, 0, rd, rs1, 0)
#define SP            2
#define STACK_TOP     (RAM_BASE + 0x20000)

/* Runs code[] (at RAM_BASE, entered at `entry`) to the ebreak at `stop`
 * on a machine that translates every block (hot 1) or none (hot 0). */
static void run_program(struct machine *m, unsigned hot, const uint32_t *code, unsigned n, unsigned entry)
{
    ck_assert(make(m, hot));
    uint64_t stop = write_program(m, code, n);
    (void)stop;
    hart_reset(m->h, RAM_BASE + 4 * entry);
    m->h->x[SP] = STACK_TOP;
}

/* Both machines in the same state: registers, pc, instret, trap, and the
 * `bytes` below STACK_TOP. */
static void assert_same(const struct machine *jit, const struct machine *interp, uint64_t bytes)
{
    const struct hart *a = jit->h, *b = interp->h;
    for (unsigned r = 0; r < 32; r++)
        ck_assert_msg(a->x[r] == b->x[r], "x%u jit %#llx interp %#llx", r, (unsigned long long)a->x[r],
                      (unsigned long long)b->x[r]);
    ck_assert_uint_eq(a->pc, b->pc);
    ck_assert_uint_eq(a->instret, b->instret);
    ck_assert_uint_eq(a->mcause, b->mcause);
    ck_assert_uint_eq(a->mepc, b->mepc);
    ck_assert_int_eq(memcmp(bus_ram_ptr((struct bus *)&jit->bus, STACK_TOP - bytes, bytes),
                            bus_ram_ptr((struct bus *)&interp->bus, STACK_TOP - bytes, bytes), bytes),
                     0);
}

/*
 * fib(18) the recursive way: every call a jal, every return a jalr through
 * ra, the frames on a stack. Translated and interpreted agree (the stack's
 * bytes too), the result is fib(18), and the translated returns went on
 * through their inline probe.
 *   fib [0]: if (a0 < 2) return a0; push ra, a0; a0 = fib(a0 - 1);
 *            t0 = n; save the result; a0 = fib(t0 - 2); a0 += saved; pop; ret
 *   main [17]: a0 = 18; jal fib; ebreak
 */
START_TEST(recursion_matches_the_interpreter)
{
    const uint32_t code[] = {
        i_type(0x13, 2, 6, 10, 2),     /* [0] slti t1, a0, 2 */
        b_type(0, 6, 0, 8),            /* [1] beq t1, x0, [3] */
        JALR(0, 1),                    /* [2] ret */
        i_type(0x13, 0, SP, SP, -16),  /* [3] addi sp, sp, -16 */
        s_type(3, SP, 1, 8),           /* [4] sd ra, 8(sp) */
        s_type(3, SP, 10, 0),          /* [5] sd a0, 0(sp) */
        i_type(0x13, 0, 10, 10, -1),   /* [6] addi a0, a0, -1 */
        j_type(1, -4 * 7),             /* [7] jal ra, fib */
        i_type(0x03, 3, 5, SP, 0),     /* [8] ld t0, 0(sp) */
        s_type(3, SP, 10, 0),          /* [9] sd a0, 0(sp) */
        i_type(0x13, 0, 10, 5, -2),    /* [10] addi a0, t0, -2 */
        j_type(1, -4 * 11),            /* [11] jal ra, fib */
        i_type(0x03, 3, 5, SP, 0),     /* [12] ld t0, 0(sp) */
        r_type(0x33, 0, 0, 10, 10, 5), /* [13] add a0, a0, t0 */
        i_type(0x03, 3, 1, SP, 8),     /* [14] ld ra, 8(sp) */
        i_type(0x13, 0, SP, SP, 16),   /* [15] addi sp, sp, 16 */
        JALR(0, 1),                    /* [16] ret */
        i_type(0x13, 0, 10, 0, 18),    /* [17] li a0, 18 */
        j_type(1, -4 * 18),            /* [18] jal ra, fib */
        EBREAK,                        /* [19] */
    };
    unsigned n = sizeof code / sizeof code[0];
    struct machine m[2];
    for (unsigned k = 0; k < 2; k++) {
        run_program(&m[k], k == 0, code, n, 17);
        run_parked(&m[k], RAM_BASE + 4 * (n - 1));
    }
    ck_assert_uint_eq(m[0].h->mcause, CAUSE_BREAKPOINT);
    ck_assert_uint_eq(m[0].h->x[10], 2584); /* fib(18) */
    assert_same(&m[0], &m[1], 18 * 16);
#if defined(__x86_64__)
    struct rivet_code_stats st = stats_of(&m[0]);
    ck_assert_uint_gt(st.translated, 0);
    ck_assert_uint_gt(st.exit_ind_hit, 4000); /* 8361 returns: most hit */
    ck_assert_uint_eq(stats_of(&m[1]).exit_ind_hit, 0);
#endif
    unmake(&m[0]);
    unmake(&m[1]);
}
END_TEST

/*
 * A loop that calls F through a register (jalr ra, 0(x5)) and F returns
 * (jalr x0, 0(ra)); when x11 (counting down from 100) is 50, the loop
 * overwrites F's first instruction (+1 becomes +100). The inline probe of
 * the call must not enter F's old translation afterwards: x10 = 51 * 1 +
 * 49 * 100, as the interpreter has it.
 *   [0] x11 = 100  [1] x10 = 0  [2] x15 = 50
 *   [3] L: jalr ra, 0(x5)  [4] bne x11, x15, [7]  [5] sw x13, 0(x14)  [6] nop
 *   [7] x11 -= 1  [8] bne x11, x0, L  [9] ebreak  [10] F: x10 += 1  [11] ret
 */
START_TEST(smc_into_a_jalr_target)
{
    const uint32_t code[] = {
        i_type(0x13, 0, 11, 0, 100),
        i_type(0x13, 0, 10, 0, 0),
        i_type(0x13, 0, 15, 0, 50),
        JALR(1, 5),
        b_type(1, 11, 15, 12),
        s_type(2, 14, 13, 0),
        NOP,
        i_type(0x13, 0, 11, 11, -1),
        b_type(1, 11, 0, -4 * 5),
        EBREAK,
        i_type(0x13, 0, 10, 10, 1),
        JALR(0, 1),
    };
    struct machine m[2];
    for (unsigned k = 0; k < 2; k++) {
        run_program(&m[k], k == 0, code, 12, 0);
        m[k].h->x[5] = RAM_BASE + 4 * 10;
        m[k].h->x[13] = i_type(0x13, 0, 10, 10, 100);
        m[k].h->x[14] = RAM_BASE + 4 * 10;
        run_parked(&m[k], RAM_BASE + 4 * 9);
    }
    ck_assert_uint_eq(m[0].h->mcause, CAUSE_BREAKPOINT);
    ck_assert_uint_eq(m[0].h->x[10], 51 + 49 * 100);
    assert_same(&m[0], &m[1], 0);
#if defined(__x86_64__)
    struct rivet_code_stats st = stats_of(&m[0]);
    ck_assert_uint_gt(st.exit_ind_hit, 50); /* calls and returns before and after the store */
    ck_assert_uint_gt(st.invalidations, 0);
#endif
    unmake(&m[0]);
    unmake(&m[1]);
}
END_TEST

/*
 * A loop made only of indirect jumps, which are never linked: [0] x10 += 1,
 * [1] jalr x0, 0(x6) to [40]; [40] x11 += 1, [41] jalr x0, 0(x5) back to
 * [0]. The interrupt handler at [80] as in spin_loop. Each jalr probes the
 * jump cache inline and jumps on into the other block's translation; the
 * probe's check of the chain's allowance is all that ends the loop.
 */
static void indirect_loop(struct machine *m)
{
    uint32_t code[SPIN_HANDLER + 2];
    for (unsigned i = 0; i < SPIN_HANDLER; i++)
        code[i] = EBREAK;
    code[0] = i_type(0x13, 0, 10, 10, 1);
    code[1] = JALR(0, 6);
    code[40] = i_type(0x13, 0, 11, 11, 1);
    code[41] = JALR(0, 5);
    code[SPIN_HANDLER] = i_type(0x13, 0, 20, 0, 1);
    code[SPIN_HANDLER + 1] = j_type(0, 0);
    write_program(m, code, SPIN_HANDLER + 2);
    hart_reset(m->h, RAM_BASE);
    m->h->x[5] = RAM_BASE;
    m->h->x[6] = RAM_BASE + 4 * 40;
    spin_one_slice(m, 1000);
#if defined(__x86_64__)
    ck_assert_uint_gt(stats_of(m).exit_ind_hit, 1000);
#endif
}

/* An interrupt posted while the hart spins through indirect jumps is
 * taken in the loop, and its handler runs. */
START_TEST(interrupt_during_an_indirect_loop)
{
    struct machine m;
    spin_until_poked(&m, true, indirect_loop);
    ck_assert_uint_eq(m.h->mcause, CAUSE_INTERRUPT | IRQ_M_SOFT);
    ck_assert(m.h->mepc == RAM_BASE || m.h->mepc == RAM_BASE + 4 * 40);
    ck_assert_uint_eq(m.h->x[20], 1);
    unmake(&m);
}
END_TEST

/* A stop request ends the run of a loop of indirect jumps at a block
 * boundary of the loop. */
START_TEST(stop_request_during_an_indirect_loop)
{
    struct machine m;
    spin_until_poked(&m, false, indirect_loop);
    ck_assert_uint_gt(m.h->x[10], 1000);
    ck_assert(m.h->pc == RAM_BASE || m.h->pc == RAM_BASE + 4 * 40);
    ck_assert_uint_eq(m.h->x[20], 0);
    unmake(&m);
}
END_TEST

/* ---- Loads and stores off the inline TLB path (cpu/jit.c, emit_tlb) ---- */

/*
 * Each case is a body run three times in a loop (so that the second and
 * third runs find the TLB warm and take the inline path wherever it
 * applies), on a translating and an interpreting machine, which must agree
 * on every register, pc, instret, the trap (cause, tval, epc, recorded by
 * the handler), the data pages, the page tables and the MMIO device.
 *   PROG: [0] x30 = 3; body; x30 -= 1; bne x30, x0, body; ebreak
 *   HANDLER: x20 = mcause; x21 = mtval; x22 = mepc; mtvec = x23; ebreak (FINAL)
 * A case in S-mode (sv) runs PROG at CODE_VA through Sv39 tables that map
 * CODE_VA + 0x2000 to DATA without A and D set (the walker sets them).
 */
#define PROG               (RAM_BASE + 0x1000)
#define HANDLER            (RAM_BASE + 0x2000)
#define FINAL              (HANDLER + 16)
#define MMIO_BASE          0x10000000ull
#define SV_ROOT            (RAM_BASE + 0x40000)
#define CSRR(rd, csr)      i_type(0x73, 2, rd, 0, (int)(csr))
#define LR_D(rd, rs1)      r_type(0x2f, 3, 0x08, rd, rs1, 0)
#define SC_D(rd, rs1, rs2) r_type(0x2f, 3, 0x0c, rd, rs1, rs2)

/* 16 bytes of device registers, any size; counts the accesses. */
struct scratch_dev {
    uint8_t bytes[16];
    unsigned reads, writes;
};
static bus_status scratch_read(void *opaque, uint64_t off, unsigned size, uint64_t *v)
{
    struct scratch_dev *d = opaque;
    d->reads++;
    *v = load_le(d->bytes + off, size);
    return BUS_OK;
}
static bus_status scratch_write(void *opaque, uint64_t off, unsigned size, uint64_t v)
{
    struct scratch_dev *d = opaque;
    d->writes++;
    store_le(d->bytes + off, size, v);
    return BUS_OK;
}

struct mem_case {
    const char *name;
    uint32_t body[8];
    unsigned n;
    bool sv;        /* in S-mode through Sv39 (see above) */
    uint64_t x14;   /* the base register */
    uint64_t cause; /* what ended it (x20): CAUSE_BREAKPOINT when the loop ran out */
    unsigned reg;   /* and x[reg] = val at the end (reg 0: nothing more) */
    uint64_t val;
};
#define X_INIT(r) (0x1122334455667788ull * (r)) /* x5..x13 before the run */

static void put_code(struct machine *m, uint64_t at, const uint32_t *code, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        store_le(bus_ram_ptr(&m->bus, at + 4 * i, 4), 4, code[i]);
}

static void run_mem_case(struct machine *m, struct scratch_dev *dev, const struct mem_case *c)
{
    uint32_t prog[16];
    unsigned n = 0;
    prog[n++] = i_type(0x13, 0, 30, 0, 3);
    for (unsigned i = 0; i < c->n; i++)
        prog[n++] = c->body[i];
    prog[n++] = i_type(0x13, 0, 30, 30, -1);
    prog[n] = b_type(1, 30, 0, -4 * (int)c->n);
    n++;
    prog[n++] = EBREAK;
    put_code(m, PROG, prog, n);
    const uint32_t handler[] = { CSRR(20, CSR_MCAUSE), CSRR(21, CSR_MTVAL), CSRR(22, CSR_MEPC), csrw(CSR_MTVEC, 23),
                                 EBREAK };
    put_code(m, HANDLER, handler, 5);
    struct mmio_region r = { .name = "scratch",
                             .base = MMIO_BASE,
                             .size = 16,
                             .min_access = 1,
                             .max_access = 8,
                             .read = scratch_read,
                             .write = scratch_write,
                             .opaque = dev };
    ck_assert(bus_add_region(&m->bus, &r));
    struct hart *h = m->h;
    hart_reset(h, PROG);
    for (unsigned i = 0; i < DATA_BYTES * 2; i++)
        *bus_ram_ptr(&m->bus, DATA + i, 1) = (uint8_t)(i * 7 + 1);
    for (unsigned r5 = 5; r5 < 14; r5++)
        h->x[r5] = X_INIT(r5);
    h->x[13] = i_type(0x13, 0, 10, 10, 100); /* what smc_own_block stores */
    h->x[14] = c->x14;
    h->x[23] = FINAL;
    h->mtvec = HANDLER;
    if (c->sv) {
        const uint32_t boot[] = { csrw(CSR_PMPADDR0, 16), csrw(CSR_PMPCFG0, 17), csrw(CSR_SATP, 15),
                                  csrw(CSR_MEPC, 24),     csrw(CSR_MSTATUS, 25), MRET };
        put_code(m, RAM_BASE, boot, 6);
        h->x[15] = sv39_tables(m, SV_ROOT, PROG);
        put_pte(m, SV_ROOT + 0x2000, 2, DATA, PTE_R | PTE_W); /* no A, no D */
        h->x[16] = ~0ull >> 10;
        h->x[17] = 0x1f;
        h->x[24] = CODE_VA;
        h->x[25] = (uint64_t)PRV_S << MSTATUS_MPP_SHIFT;
        h->pc = RAM_BASE;
    }
    for (int i = 0; i < 200 && !(h->pc == FINAL && h->mcause == CAUSE_BREAKPOINT); i++)
        hart_run(h, 10000);
    ck_assert_msg(h->pc == FINAL, "%s: did not end", c->name);
}

static void check_mem_case(const struct mem_case *c)
{
    struct machine m[2];
    struct scratch_dev dev[2];
    memset(dev, 0, sizeof dev);
    for (unsigned k = 0; k < 2; k++) {
        ck_assert(make(&m[k], k == 0));
        run_mem_case(&m[k], &dev[k], c);
    }
    const struct hart *a = m[0].h, *b = m[1].h;
    for (unsigned r = 0; r < 32; r++)
        ck_assert_msg(a->x[r] == b->x[r], "%s: x%u jit %#llx interp %#llx", c->name, r, (unsigned long long)a->x[r],
                      (unsigned long long)b->x[r]);
    ck_assert_msg(a->instret == b->instret, "%s: instret", c->name);
    ck_assert_msg(memcmp(bus_ram_ptr(&m[0].bus, DATA, 2 * DATA_BYTES), bus_ram_ptr(&m[1].bus, DATA, 2 * DATA_BYTES),
                         2 * DATA_BYTES) == 0,
                  "%s: data differs", c->name);
    ck_assert_msg(memcmp(bus_ram_ptr(&m[0].bus, SV_ROOT, 0x3000), bus_ram_ptr(&m[1].bus, SV_ROOT, 0x3000), 0x3000) == 0,
                  "%s: page tables differ", c->name);
    ck_assert_msg(memcmp(&dev[0], &dev[1], sizeof dev[0]) == 0, "%s: the device saw other accesses", c->name);
#if defined(__x86_64__)
    ck_assert_uint_gt(stats_of(&m[0]).translated, 0);
#endif
    ck_assert_msg(a->x[20] == c->cause, "%s: ended by cause %llu", c->name, (unsigned long long)a->x[20]);
    if (c->reg)
        ck_assert_msg(a->x[c->reg] == c->val, "%s: x%u = %#llx", c->name, c->reg, (unsigned long long)a->x[c->reg]);
    if (c->sv) /* the walker set A and D */
        ck_assert_uint_eq(load_le(bus_ram_ptr(&m[0].bus, SV_ROOT + 0x2000 + 16, 8), 8) & (PTE_A | PTE_D),
                          PTE_A | PTE_D);
    unmake(&m[0]);
    unmake(&m[1]);
}


START_TEST(memory_special_cases_match_the_interpreter)
{
    /* clang-format off */
    const struct mem_case mem_cases[] = { /* automatic: the encoders are functions */
        /* MMIO never enters the TLB: every access goes to the device. */
        { "mmio", { s_type(3, 14, 5, 0), i_type(0x03, 3, 6, 14, 0), i_type(0x03, 2, 7, 14, 4), s_type(0, 14, 8, 3),
                    i_type(0x03, 4, 9, 14, 3), s_type(1, 14, 9, 10), i_type(0x03, 1, 10, 14, 10) }, 7, false, MMIO_BASE, CAUSE_BREAKPOINT, 10, 0x40 },
        /* A misaligned MMIO access: whatever the slow path makes of it. */
        { "mmio_misaligned", { i_type(0x03, 3, 6, 14, 1) }, 1, false, MMIO_BASE, CAUSE_BREAKPOINT, 0, 0 },
        /* Misaligned RAM accesses never match a TLB tag. */
        { "misaligned", { i_type(0x03, 3, 6, 14, 3), s_type(3, 14, 5, 5), i_type(0x03, 2, 7, 14, 7), s_type(1, 14, 8, 9),
                          i_type(0x03, 5, 9, 14, 11), s_type(2, 14, 9, 13), i_type(0x03, 6, 10, 14, 17) }, 7, false, DATA, CAUSE_BREAKPOINT, 0, 0 },
        /* Accesses across a page end, within RAM. */
        { "page_crossing", { i_type(0x03, 3, 6, 14, 0), s_type(3, 14, 5, 2), i_type(0x03, 2, 7, 14, 2), s_type(2, 14, 8, 1) },
          4, false, DATA + DATA_BYTES - 4, CAUSE_BREAKPOINT, 0, 0 },
        /* Across the end of RAM: an access fault, its tval. */
        { "ram_end_load", { i_type(0x03, 2, 7, 14, 0), i_type(0x03, 3, 6, 14, 0) }, 2, false, RAM_BASE + RAM_SIZE - 4, CAUSE_LOAD_ACCESS, 21, RAM_BASE + RAM_SIZE },
        { "ram_end_store", { s_type(2, 14, 5, 0), s_type(3, 14, 5, 0) }, 2, false, RAM_BASE + RAM_SIZE - 4, CAUSE_STORE_ACCESS, 21, RAM_BASE + RAM_SIZE },
        /* Nothing there: access faults. */
        { "unmapped_store", { s_type(3, 14, 5, 0) }, 1, false, 0x1000, CAUSE_STORE_ACCESS, 21, 0x1000 },
        /* Stores into the running block's own code (x13 = addi x10, x10, 100
         * over [3]'s addi x10, x10, 1): the store misses the TLB (a CODE
         * page) and invalidates the block, which runs on to its end as
         * decoded (no fence.i); the next runs see the new instruction. */
        { "smc_own_block", { s_type(2, 14, 13, 0), NOP, i_type(0x13, 0, 10, 10, 1), NOP }, 4, false, PROG + 4 * 3, CAUSE_BREAKPOINT, 10, X_INIT(10) + 201 },
        /* LR/SC: a plain store of another value between them breaks the
         * reservation (x7 = 1); of the same value it does not (x9 = 0). */
        { "lr_sc", { LR_D(6, 14), s_type(3, 14, 5, 0), SC_D(7, 14, 8), r_type(0x33, 0, 0, 10, 10, 7),
                     LR_D(6, 14), s_type(3, 14, 6, 0), SC_D(9, 14, 8), r_type(0x33, 0, 0, 11, 11, 9) }, 8, false, DATA, CAUSE_BREAKPOINT, 10, X_INIT(10) + 3 },
        /* Sv39, A and D clear in the data PTE: loads set A; the store after
         * them (load TLB warm, store TLB not) sets D; then stores hit. */
        { "accessed_dirty", { i_type(0x03, 3, 6, 14, 8), i_type(0x03, 3, 7, 14, 16), s_type(3, 14, 5, 24),
                              i_type(0x03, 3, 8, 14, 24) }, 4, true, CODE_VA + 0x2000, CAUSE_BREAKPOINT, 0, 0 },
    };
    /* clang-format on */
    for (unsigned i = 0; i < sizeof mem_cases / sizeof mem_cases[0]; i++)
        check_mem_case(&mem_cases[i]);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("jit");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, translation_is_available);
    tcase_add_test(tc, random_programs_match_the_interpreter);
    tcase_add_test(tc, every_new_row_matches_the_interpreter);
    tcase_add_test(tc, a_full_region_refuses_translations);
    tcase_add_test(tc, worst_blocks_translate);
    tcase_add_test(tc, rax_tracking_hazards);
    tcase_add_test(tc, smc_into_a_linked_block);
    tcase_add_test(tc, satp_switch_between_linked_blocks);
    tcase_add_test(tc, sfence_vma_between_linked_blocks);
    tcase_add_test(tc, interrupt_during_a_linked_loop);
    tcase_add_test(tc, stop_request_during_a_linked_loop);
    tcase_add_test(tc, recursion_matches_the_interpreter);
    tcase_add_test(tc, smc_into_a_jalr_target);
    tcase_add_test(tc, interrupt_during_an_indirect_loop);
    tcase_add_test(tc, stop_request_during_an_indirect_loop);
    tcase_add_test(tc, memory_special_cases_match_the_interpreter);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
