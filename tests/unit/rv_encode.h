/*
 * Instruction encoders for unit tests that write guest programs by hand
 * (the unprivileged spec's base formats, chapter "RV32I Base Integer
 * Instruction Set": R, I, S, B, J; U is `value & 0xfffff000 | rd << 7 | op`).
 * Immediates are taken as two's complement and cut to their field; offsets
 * are in bytes.
 */
#ifndef RIVET_TESTS_RV_ENCODE_H
#define RIVET_TESTS_RV_ENCODE_H

#include <stdint.h>

static inline uint32_t r_type(unsigned op, unsigned f3, unsigned f7, unsigned rd, unsigned rs1, unsigned rs2)
{
    return f7 << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 | rd << 7 | op;
}
static inline uint32_t i_type(unsigned op, unsigned f3, unsigned rd, unsigned rs1, int imm)
{
    return ((uint32_t)imm & 0xfff) << 20 | rs1 << 15 | f3 << 12 | rd << 7 | op;
}
/* Stores (opcode STORE). */
static inline uint32_t s_type(unsigned f3, unsigned rs1, unsigned rs2, int imm)
{
    uint32_t i = (uint32_t)imm;
    return ((i >> 5) & 0x7f) << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 | (i & 31) << 7 | 0x23;
}
/* Conditional branches (opcode BRANCH). */
static inline uint32_t b_type(unsigned f3, unsigned rs1, unsigned rs2, int off)
{
    uint32_t o = (uint32_t)off;
    return ((o >> 12) & 1) << 31 | ((o >> 5) & 0x3f) << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 | ((o >> 1) & 0xf) << 8 |
           ((o >> 11) & 1) << 7 | 0x63;
}
/* jal rd, off. */
static inline uint32_t j_type(unsigned rd, int off)
{
    uint32_t o = (uint32_t)off;
    return ((o >> 20) & 1) << 31 | ((o >> 1) & 0x3ff) << 21 | ((o >> 11) & 1) << 20 | ((o >> 12) & 0xff) << 12 |
           rd << 7 | 0x6f;
}

#endif
