/*
 * Decoding: raw instruction bits to a pre-decoded struct insn, driven by the
 * one instruction table (insn_table.h), and the table's metadata for the
 * disassembler and the table checks.
 *
 * Pure functions of the bits and of a decode_ctx: safe from any thread (the
 * index the lookup builds on its first call is immutable afterwards).
 *
 * A decode_ctx says what one machine may execute: the rows its ISA enables
 * (each row's `need`, insn_table.h) and the compressed forms it knows. It is
 * built once when the machine is made; an instruction of a disabled
 * extension decodes as illegal, so blocks never look at the ISA again.
 */
#ifndef RIVET_DECODE_H
#define RIVET_DECODE_H

#include <stddef.h>
#include <stdint.h>

#include "cpu/hart.h"
#include "cpu/insn_table.h"
#include "cpu/isa.h"

struct insn_info {
    const char *mnemonic;
    uint32_t match, mask;
    uint8_t format; /* enum insn_format */
    uint8_t flags;  /* F_* */
    insn_fn fn;     /* thr_<name>: runs it and the rest of its block */
    insn_fn exec;   /* exec_<name>: runs it alone */
    struct insn_need need;
};

/* Fills d for a machine with the ISA *isa; NULL enables every row and every
 * compressed form (the table checks use that). */
void decode_ctx_init(struct decode_ctx *d, const struct isa_set *isa);

/* Whether row id is enabled in d. */
static inline bool decode_row_enabled(const struct decode_ctx *d, unsigned id)
{
    return id < INSN_COUNT && ((d->rows[id / 64] >> (id % 64)) & 1);
}

/* Table row `id` (0 <= id < INSN_COUNT). */
const struct insn_info *insn_info(unsigned id);

/* The enabled row matching a 32-bit encoding, or INSN_ILLEGAL. Rows are
 * tried in table order, so where two rows match (zext.h is packw with rs2 =
 * x0) the first enabled one wins. */
unsigned decode_lookup(uint32_t bits, const struct decode_ctx *d);

/* Decodes `bits` (a 32-bit instruction, or a 16-bit compressed one in the low
 * half when (bits & 3) != 3) into *in. Unknown or reserved encodings, and
 * those of rows d does not enable, decode to a handler that raises illegal
 * instruction with tval = bits. Fills every field except off and idx.
 * Returns the row flags (F_END for block terminators). */
unsigned decode(uint32_t bits, struct insn *in, const struct decode_ctx *d);

/* Length in bytes of the instruction whose low 16 bits are `lo`. */
static inline unsigned insn_length(uint32_t lo) { return (lo & 3) == 3 ? 4 : 2; }

/* The block-end marker's handler (returns EXEC_END). */
int exec_block_end(struct hart *h, const struct insn *in);

/* Disassembles a decoded instruction into buf (like objdump, no aliases). */
void insn_disasm(const struct insn *in, uint64_t pc, char *buf, size_t size);

extern const char *const reg_abi_name[32];
extern const char *const freg_abi_name[32];

#endif
