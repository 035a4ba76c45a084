/*
 * The decoder: one pass over the instruction table, indexed by major opcode,
 * turns bits into a struct insn with every operand already extracted.
 */
#include "cpu/decode.h"

#include <pthread.h>
#include <string.h>

#include "cpu/rvc.h"

static const struct insn_info table[INSN_COUNT] = {
/* clang-format off */
#define X(name, mn, match_, mask_, fmt_, flags_, need_)                                                          \
    [INSN_##name] = { .mnemonic = mn, .match = match_, .mask = mask_, .format = fmt_, .flags = flags_,          \
                      .fn = thr_##name, .exec = exec_##name, .need = need_ },
    /* clang-format on */
    RV_INSN_TABLE(X)
#undef X
};

const struct insn_info *insn_info(unsigned id) { return id < INSN_COUNT ? &table[id] : NULL; }

/* Operand fields (unprivileged spec 2.2-2.3). */
static inline uint32_t f_rd(uint32_t b) { return (b >> 7) & 31; }
static inline uint32_t f_rs1(uint32_t b) { return (b >> 15) & 31; }
static inline uint32_t f_rs2(uint32_t b) { return (b >> 20) & 31; }
static inline uint32_t f_rs3(uint32_t b) { return b >> 27; }
static inline uint32_t f_funct3(uint32_t b) { return (b >> 12) & 7; }
/* Sign-extends the low `bits` bits of v (no shifts of negative values). */
static inline int32_t sext(uint32_t v, unsigned bits)
{
    uint32_t m = 1u << (bits - 1);
    v &= (m << 1) - 1;
    return (int32_t)(v ^ m) - (int32_t)m;
}
static inline int32_t imm_i(uint32_t b) { return sext(b >> 20, 12); }
static inline int32_t imm_s(uint32_t b) { return sext(((b >> 25) << 5) | ((b >> 7) & 31), 12); }
static inline int32_t imm_b(uint32_t b)
{
    return sext(((b >> 31) << 12) | (((b >> 7) & 1) << 11) | (((b >> 25) & 0x3f) << 5) | (((b >> 8) & 0xf) << 1), 13);
}
static inline int32_t imm_u(uint32_t b) { return (int32_t)(b & 0xfffff000u); }
static inline int32_t imm_j(uint32_t b)
{
    return sext(((b >> 31) << 20) | (((b >> 12) & 0xff) << 12) | (((b >> 20) & 1) << 11) | (((b >> 21) & 0x3ff) << 1),
                21);
}

/* Rows grouped by major opcode (bits 6:2) and funct3 (bits 14:12) so a
 * lookup scans a handful: with the RVA23 rows OP alone has dozens. A row
 * whose mask leaves funct3 free (lui, jal) is in all eight of its groups;
 * within a group rows keep table order. */
#define MAX_ROWS_PER_GROUP 96
#define F3_SHIFT           12
static uint16_t by_group[32][8][MAX_ROWS_PER_GROUP];
static uint8_t by_group_count[32][8];
static pthread_once_t init_once = PTHREAD_ONCE_INIT;

static void build_index(void)
{
    for (unsigned id = 0; id < INSN_COUNT; id++) {
        unsigned op = (table[id].match >> 2) & 31;
        for (uint32_t f3 = 0; f3 < 8; f3++) {
            if (((f3 << F3_SHIFT) ^ table[id].match) & table[id].mask & (7u << F3_SHIFT))
                continue;
            uint8_t *n = &by_group_count[op][f3];
            if (*n < MAX_ROWS_PER_GROUP) /* checked by test_decode's every-row lookup */
                by_group[op][f3][(*n)++] = (uint16_t)id;
        }
    }
}

static bool need_met(const struct insn_need *n, const struct isa_set *isa)
{
    bool a = isa_has(isa, n->a), b = isa_has(isa, n->b);
    return n->all ? a && b : a || b;
}

void decode_ctx_init(struct decode_ctx *d, const struct isa_set *isa)
{
    memset(d, 0, sizeof *d);
    for (unsigned id = 0; id < INSN_COUNT; id++)
        if (!isa || need_met(&table[id].need, isa))
            d->rows[id / 64] |= 1ull << (id % 64);
    d->rvc = isa ? rvc_flags(isa) : RVC_ALL;
}

unsigned decode_lookup(uint32_t bits, const struct decode_ctx *d)
{
    pthread_once(&init_once, build_index);
    if ((bits & 3) != 3)
        return INSN_ILLEGAL;
    unsigned op = (bits >> 2) & 31, f3 = (bits >> F3_SHIFT) & 7;
    for (unsigned i = 0; i < by_group_count[op][f3]; i++) {
        unsigned id = by_group[op][f3][i];
        const struct insn_info *r = &table[id];
        if ((bits & r->mask) == r->match && decode_row_enabled(d, id))
            return id;
    }
    return INSN_ILLEGAL;
}

/* Both end a threaded chain (cpu/dispatch.h), so they record themselves. */
static int exec_illegal(struct hart *h, const struct insn *in)
{
    h->stop_insn = in;
    return hart_illegal(h, in);
}

int exec_block_end(struct hart *h, const struct insn *in)
{
    h->stop_insn = in;
    return EXEC_END;
}

static void extract_operands(uint32_t b, const struct insn_info *r, struct insn *in)
{
    in->rd = (uint8_t)f_rd(b);
    in->rs1 = (uint8_t)f_rs1(b);
    in->rs2 = (uint8_t)f_rs2(b);
    in->rs3 = (uint8_t)f_rs3(b);
    in->rm = (uint8_t)f_funct3(b);
    switch (r->format) {
    case FMT_I:
    case FMT_LOAD: in->imm = imm_i(b); break;
    case FMT_STORE: in->imm = imm_s(b); break;
    case FMT_B: in->imm = imm_b(b); break;
    case FMT_U: in->imm = imm_u(b); break;
    case FMT_J: in->imm = imm_j(b); break;
    case FMT_SHIFT: in->imm = (int32_t)((b >> 20) & 63); break;
    case FMT_SHIFTW: in->imm = (int32_t)((b >> 20) & 31); break;
    /* clang-format off */
    case FMT_CSR: case FMT_CSRI: case FMT_FENCE: in->imm = (int32_t)(b >> 20); break;
    case FMT_AMO: case FMT_LR: in->rm = (uint8_t)((b >> 25) & 3); in->imm = 0; break;
    /* clang-format on */
    default: in->imm = 0; break;
    }
    /* Writes to x0 go to the sink x[32] (see hart.h). */
    if (!(r->flags & F_RD_FP) && in->rd == 0)
        in->rd = 32;
}

unsigned decode(uint32_t bits, struct insn *in, const struct decode_ctx *d)
{
    uint32_t full = bits;
    in->len = (uint8_t)insn_length(bits);
    if (in->len == 2) {
        bits &= 0xffff;
        full = rvc_expand((uint16_t)bits, d->rvc);
    }
    in->bits = bits;
    in->tidx = TIDX_NONE;
    unsigned id = full ? decode_lookup(full, d) : INSN_ILLEGAL;
    in->id = (uint16_t)id;
    if (id == INSN_ILLEGAL) {
        in->fn = exec_illegal;
        in->rd = in->rs1 = in->rs2 = in->rs3 = in->rm = 0;
        in->imm = 0;
        return F_END;
    }
    extract_operands(full, &table[id], in);
    in->fn = table[id].fn;
    return table[id].flags;
}
