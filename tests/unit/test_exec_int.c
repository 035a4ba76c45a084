/*
 * Integer instruction handlers (cpu/exec_int.c), called directly on a hart:
 * RV64I, M, A, Zba, Zbb, Zbs. Memory tests use a bus with 64 KiB of RAM at
 * 0x80000000 and a bare (satp = 0) machine-mode mmu.
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/hart.h"
#include "cpu/insn_table.h"
#include "mmu/bus.h"
#include "mmu/mmu.h"

#define RAM_BASE 0x80000000ull
#define RAM_SIZE 0x10000ull
#define ALL_ONES UINT64_MAX
#define RS1      1
#define RS2      2
#define RD       3

static struct hart *h;
static struct bus bus;

static void setup(void)
{
    h = calloc(1, sizeof(*h));
    ck_assert_ptr_nonnull(h);
    ck_assert(bus_init(&bus, RAM_BASE, RAM_SIZE));
    mmu_init(&h->mmu, &bus);
    h->priv = PRV_M;
}

static void teardown(void)
{
    bus_destroy(&bus);
    free(h);
}

/* Runs one handler with rs1 = x1 = a, rs2 = x2 = b, imm, rd = x3; returns its status. */
static int exec(insn_fn fn, uint64_t a, uint64_t b, int32_t imm)
{
    struct insn in = { .fn = fn, .rd = RD, .rs1 = RS1, .rs2 = RS2, .imm = imm, .len = 4 };
    h->x[RS1] = a;
    h->x[RS2] = b;
    return fn(h, &in);
}

/* Result in rd of a register-register (or register-only) operation. */
static uint64_t rr(insn_fn fn, uint64_t a, uint64_t b)
{
    ck_assert_int_eq(exec(fn, a, b, 0), EXEC_NEXT);
    return h->x[RD];
}

/* Result in rd of a register-immediate operation. */
static uint64_t ri(insn_fn fn, uint64_t a, int32_t imm)
{
    ck_assert_int_eq(exec(fn, a, 0, imm), EXEC_NEXT);
    return h->x[RD];
}

#define S64(v) ((uint64_t)(int64_t)(v))

START_TEST(test_division_edges)
{
    /* Unpriv. spec table 7.1. */
    ck_assert_uint_eq(rr(exec_div, S64(INT64_MIN), ALL_ONES), S64(INT64_MIN));
    ck_assert_uint_eq(rr(exec_rem, S64(INT64_MIN), ALL_ONES), 0);
    ck_assert_uint_eq(rr(exec_div, 5, 0), ALL_ONES);
    ck_assert_uint_eq(rr(exec_divu, 5, 0), ALL_ONES);
    ck_assert_uint_eq(rr(exec_rem, S64(-7), 0), S64(-7));
    ck_assert_uint_eq(rr(exec_remu, 7, 0), 7);
    ck_assert_uint_eq(rr(exec_div, S64(-7), 2), S64(-3));
    ck_assert_uint_eq(rr(exec_rem, S64(-7), 2), S64(-1));
    ck_assert_uint_eq(rr(exec_divu, ALL_ONES, 2), INT64_MAX);
    ck_assert_uint_eq(rr(exec_remu, ALL_ONES, 10), 5);
    /* W forms read only the low 32 bits and sign-extend the result. */
    ck_assert_uint_eq(rr(exec_divw, 0x80000000, ALL_ONES), 0xffffffff80000000ull);
    ck_assert_uint_eq(rr(exec_remw, 0x80000000, ALL_ONES), 0);
    ck_assert_uint_eq(rr(exec_divw, 123, 0), ALL_ONES);
    ck_assert_uint_eq(rr(exec_divuw, 123, 0), ALL_ONES);
    ck_assert_uint_eq(rr(exec_remw, 0x1fffffff9ull, 0), S64(-7));
    ck_assert_uint_eq(rr(exec_remuw, 0x80000000, 0), 0xffffffff80000000ull);
    ck_assert_uint_eq(rr(exec_divw, 0x100000006ull, 3), 2);
    ck_assert_uint_eq(rr(exec_divuw, 0xfffffffe, 2), 0x7fffffff);
}
END_TEST

START_TEST(test_multiply)
{
    ck_assert_uint_eq(rr(exec_mul, 0x100000001ull, 0x100000001ull), 0x200000001ull);
    ck_assert_uint_eq(rr(exec_mulh, ALL_ONES, ALL_ONES), 0);
    ck_assert_uint_eq(rr(exec_mulh, S64(INT64_MIN), S64(INT64_MIN)), 0x4000000000000000ull);
    ck_assert_uint_eq(rr(exec_mulh, S64(INT64_MIN), 2), ALL_ONES);
    ck_assert_uint_eq(rr(exec_mulhsu, ALL_ONES, ALL_ONES), ALL_ONES);
    ck_assert_uint_eq(rr(exec_mulhsu, 2, ALL_ONES), 1);
    ck_assert_uint_eq(rr(exec_mulhu, ALL_ONES, ALL_ONES), 0xfffffffffffffffeull);
    ck_assert_uint_eq(rr(exec_mulw, 0x7fffffff, 2), 0xfffffffffffffffeull);
    ck_assert_uint_eq(rr(exec_mulw, 0x80000000, 2), 0);
}
END_TEST

START_TEST(test_shifts)
{
    ck_assert_uint_eq(rr(exec_sll, 1, 63), 1ull << 63);
    ck_assert_uint_eq(rr(exec_sll, 1, 64 + 3), 8); /* amount masked to 6 bits */
    ck_assert_uint_eq(rr(exec_srl, 1ull << 63, 63), 1);
    ck_assert_uint_eq(rr(exec_sra, 1ull << 63, 63), ALL_ONES);
    ck_assert_uint_eq(ri(exec_slli, 3, 63), 1ull << 63);
    ck_assert_uint_eq(ri(exec_srli, ALL_ONES, 63), 1);
    ck_assert_uint_eq(ri(exec_srai, 0x8000000000000000ull, 62), S64(-2));
    ck_assert_uint_eq(rr(exec_sllw, 1, 31), 0xffffffff80000000ull);
    ck_assert_uint_eq(rr(exec_sllw, 1, 32), 1); /* amount masked to 5 bits */
    ck_assert_uint_eq(rr(exec_srlw, 0xffffffff80000000ull, 0), 0xffffffff80000000ull);
    ck_assert_uint_eq(rr(exec_srlw, 0xffffffff80000000ull, 31), 1);
    ck_assert_uint_eq(rr(exec_sraw, 0x80000000, 31), ALL_ONES);
    ck_assert_uint_eq(ri(exec_slliw, 0xffffffff00000001ull, 31), 0xffffffff80000000ull);
    ck_assert_uint_eq(ri(exec_srliw, 0xf0000000, 28), 0xf);
    ck_assert_uint_eq(ri(exec_sraiw, 0x00000000f0000000ull, 28), S64(-1));
}
END_TEST

START_TEST(test_alu_and_w_sign_extension)
{
    ck_assert_uint_eq(rr(exec_add, ALL_ONES, 2), 1);
    ck_assert_uint_eq(rr(exec_sub, 0, 1), ALL_ONES);
    ck_assert_uint_eq(rr(exec_slt, ALL_ONES, 1), 1);
    ck_assert_uint_eq(rr(exec_sltu, ALL_ONES, 1), 0);
    ck_assert_uint_eq(ri(exec_slti, ALL_ONES, 0), 1);
    ck_assert_uint_eq(ri(exec_sltiu, 5, -1), 1); /* the immediate is sign-extended, then unsigned */
    ck_assert_uint_eq(ri(exec_addi, 0, -2048), S64(-2048));
    ck_assert_uint_eq(ri(exec_xori, 0x0f, -1), ~0x0full);
    ck_assert_uint_eq(ri(exec_andi, ALL_ONES, 0x7ff), 0x7ff);
    ck_assert_uint_eq(ri(exec_ori, 0x100, 1), 0x101);
    ck_assert_uint_eq(rr(exec_addw, 0x7fffffff, 1), 0xffffffff80000000ull);
    ck_assert_uint_eq(rr(exec_subw, 0x100000000ull, 1), ALL_ONES);
    ck_assert_uint_eq(ri(exec_addiw, 0xffffffff, 1), 0);
    ck_assert_uint_eq(ri(exec_addiw, 0x7ffffffe, 1), 0x7fffffff);
    ck_assert_uint_eq(ri(exec_lui, 0, (int32_t)0x80000000u), 0xffffffff80000000ull);
}
END_TEST

START_TEST(test_rd_zero_sink)
{
    struct insn in = { .fn = exec_addi, .rd = 32, .rs1 = 0, .imm = 5, .len = 4 };
    ck_assert_int_eq(exec_addi(h, &in), EXEC_NEXT);
    ck_assert_uint_eq(h->x[0], 0);
    ck_assert_uint_eq(exec_fence(h, &in), EXEC_NEXT);
}
END_TEST

START_TEST(test_zba)
{
    ck_assert_uint_eq(rr(exec_sh1add, 3, 1), 7);
    ck_assert_uint_eq(rr(exec_sh2add, 3, 1), 13);
    ck_assert_uint_eq(rr(exec_sh3add, 3, 1), 25);
    ck_assert_uint_eq(rr(exec_add_uw, 0xffffffff00000001ull, 1), 2);
    ck_assert_uint_eq(rr(exec_sh1add_uw, 0xffffffff80000000ull, 1), 0x100000001ull);
    ck_assert_uint_eq(rr(exec_sh2add_uw, 0x1ffffffffull, 0), 0x3fffffffcull);
    ck_assert_uint_eq(rr(exec_sh3add_uw, 0x100000001ull, 0), 8);
    ck_assert_uint_eq(ri(exec_slli_uw, 0xffffffff80000000ull, 1), 0x100000000ull);
    ck_assert_uint_eq(ri(exec_slli_uw, 0xffffffffffffffffull, 63), 1ull << 63);
}
END_TEST

START_TEST(test_zbb_counts)
{
    ck_assert_uint_eq(rr(exec_clz, 0, 0), 64);
    ck_assert_uint_eq(rr(exec_ctz, 0, 0), 64);
    ck_assert_uint_eq(rr(exec_cpop, 0, 0), 0);
    ck_assert_uint_eq(rr(exec_clz, 1, 0), 63);
    ck_assert_uint_eq(rr(exec_ctz, 1ull << 63, 0), 63);
    ck_assert_uint_eq(rr(exec_cpop, ALL_ONES, 0), 64);
    ck_assert_uint_eq(rr(exec_clzw, 0xffffffff00000000ull, 0), 32);
    ck_assert_uint_eq(rr(exec_ctzw, 0xffffffff00000000ull, 0), 32);
    ck_assert_uint_eq(rr(exec_cpopw, 0xffffffff00000000ull, 0), 0);
    ck_assert_uint_eq(rr(exec_clzw, 0x00010000, 0), 15);
    ck_assert_uint_eq(rr(exec_ctzw, 0x80000000, 0), 31);
    ck_assert_uint_eq(rr(exec_cpopw, 0x1234567f0f0f0f0full, 0), 16);
}
END_TEST

START_TEST(test_zbb_bits)
{
    ck_assert_uint_eq(rr(exec_rev8, 0x0102030405060708ull, 0), 0x0807060504030201ull);
    ck_assert_uint_eq(rr(exec_orc_b, 0x0001000000ff0010ull, 0), 0x00ff000000ff00ffull);
    ck_assert_uint_eq(rr(exec_orc_b, 0, 0), 0);
    ck_assert_uint_eq(rr(exec_rol, 0x8000000000000001ull, 0), 0x8000000000000001ull);
    ck_assert_uint_eq(rr(exec_rol, 0x8000000000000001ull, 63), 0xc000000000000000ull);
    ck_assert_uint_eq(rr(exec_ror, 1, 63), 2);
    ck_assert_uint_eq(rr(exec_ror, 0x123, 64), 0x123); /* amount masked: rotate by 0 */
    ck_assert_uint_eq(ri(exec_rori, 1, 63), 2);
    ck_assert_uint_eq(ri(exec_rori, 0xabcd, 0), 0xabcd);
    ck_assert_uint_eq(rr(exec_rolw, 0x80000000, 1), 1);
    ck_assert_uint_eq(rr(exec_rorw, 1, 1), 0xffffffff80000000ull);
    ck_assert_uint_eq(rr(exec_rorw, 0xffffffff00000001ull, 0), 1);
    ck_assert_uint_eq(ri(exec_roriw, 0x123456789abcdef0ull, 0), 0xffffffff9abcdef0ull);
    ck_assert_uint_eq(ri(exec_roriw, 1, 31), 2);
    ck_assert_uint_eq(rr(exec_sext_b, 0x1280, 0), 0xffffffffffffff80ull);
    ck_assert_uint_eq(rr(exec_sext_h, 0x17fff, 0), 0x7fff);
    ck_assert_uint_eq(rr(exec_sext_h, 0x8000, 0), 0xffffffffffff8000ull);
    ck_assert_uint_eq(rr(exec_zext_h, 0xffffffffffff1234ull, 0), 0x1234);
    ck_assert_uint_eq(rr(exec_andn, 0xff, 0x0f), 0xf0);
    ck_assert_uint_eq(rr(exec_orn, 0, ALL_ONES - 1), 1);
    ck_assert_uint_eq(rr(exec_xnor, 0xff, 0x0f), ~0xf0ull);
    ck_assert_uint_eq(rr(exec_max, ALL_ONES, 1), 1);
    ck_assert_uint_eq(rr(exec_maxu, ALL_ONES, 1), ALL_ONES);
    ck_assert_uint_eq(rr(exec_min, ALL_ONES, 1), ALL_ONES);
    ck_assert_uint_eq(rr(exec_minu, ALL_ONES, 1), 1);
}
END_TEST

START_TEST(test_zbs)
{
    ck_assert_uint_eq(rr(exec_bset, 0, 63), 1ull << 63);
    ck_assert_uint_eq(rr(exec_bset, 0, 64 + 1), 2); /* index modulo 64 */
    ck_assert_uint_eq(rr(exec_bclr, ALL_ONES, 0), ALL_ONES - 1);
    ck_assert_uint_eq(rr(exec_binv, 0x10, 4), 0);
    ck_assert_uint_eq(rr(exec_bext, 1ull << 63, 63), 1);
    ck_assert_uint_eq(rr(exec_bext, 1ull << 63, 62), 0);
    ck_assert_uint_eq(ri(exec_bseti, 0, 63), 1ull << 63);
    ck_assert_uint_eq(ri(exec_bclri, ALL_ONES, 63), INT64_MAX);
    ck_assert_uint_eq(ri(exec_binvi, 1, 0), 0);
    ck_assert_uint_eq(ri(exec_bexti, 0x20, 5), 1);
}
END_TEST

/* Branch at pc 0x1004 (block start 0x1000, offset 4). */
static int branch(insn_fn fn, uint64_t a, uint64_t b, unsigned len)
{
    struct insn in = { .fn = fn, .rs1 = RS1, .rs2 = RS2, .imm = -8, .len = (uint8_t)len, .off = 4 };
    h->pc = 0x1000;
    h->x[RS1] = a;
    h->x[RS2] = b;
    return fn(h, &in);
}

START_TEST(test_branches)
{
    /* Taken: the target in pc. Not taken: the block goes on (EXEC_NEXT) and
     * pc still names the block start. */
    ck_assert_int_eq(branch(exec_beq, 5, 5, 4), EXEC_JUMP);
    ck_assert_uint_eq(h->pc, 0xffc);
    ck_assert_int_eq(branch(exec_beq, 5, 6, 4), EXEC_NEXT);
    ck_assert_uint_eq(h->pc, 0x1000);
    ck_assert_int_eq(branch(exec_bne, 5, 6, 2), EXEC_JUMP);
    ck_assert_uint_eq(h->pc, 0xffc);
    ck_assert_int_eq(branch(exec_bne, 5, 5, 2), EXEC_NEXT);
    ck_assert_int_eq(branch(exec_blt, ALL_ONES, 1, 4), EXEC_JUMP);
    ck_assert_uint_eq(h->pc, 0xffc);
    ck_assert_int_eq(branch(exec_bltu, ALL_ONES, 1, 4), EXEC_NEXT);
    ck_assert_int_eq(branch(exec_bge, 1, ALL_ONES, 4), EXEC_JUMP);
    ck_assert_uint_eq(h->pc, 0xffc);
    ck_assert_int_eq(branch(exec_bgeu, 1, ALL_ONES, 4), EXEC_NEXT);
    ck_assert_int_eq(branch(exec_bge, 7, 7, 4), EXEC_JUMP);
    ck_assert_uint_eq(h->pc, 0xffc);
    ck_assert_int_eq(branch(exec_blt, 7, 7, 4), EXEC_NEXT);
    ck_assert_int_eq(branch(exec_bgeu, ALL_ONES, ALL_ONES, 4), EXEC_JUMP);
    ck_assert_int_eq(branch(exec_bltu, 1, ALL_ONES, 4), EXEC_JUMP);
}
END_TEST

START_TEST(test_jumps)
{
    struct insn jal = { .fn = exec_jal, .rd = 1, .imm = 0x100, .len = 2, .off = 6 };
    struct insn jalr = { .fn = exec_jalr, .rd = 5, .rs1 = 5, .imm = 2, .len = 4, .off = 0 };
    struct insn auipc = { .fn = exec_auipc, .rd = RD, .imm = -4096, .len = 4, .off = 8 };

    h->pc = 0x80001000;
    ck_assert_int_eq(exec_jal(h, &jal), EXEC_JUMP);
    ck_assert_uint_eq(h->x[1], 0x80001008); /* compressed jal links pc + 2 */
    ck_assert_uint_eq(h->pc, 0x80001106);

    /* rd == rs1: the target uses the old rs1; bit 0 of the sum is cleared. */
    h->pc = 0x3000;
    h->x[5] = 0x2001;
    ck_assert_int_eq(exec_jalr(h, &jalr), EXEC_JUMP);
    ck_assert_uint_eq(h->pc, 0x2002);
    ck_assert_uint_eq(h->x[5], 0x3004);

    h->pc = 0x5000;
    ck_assert_int_eq(exec_auipc(h, &auipc), EXEC_NEXT);
    ck_assert_uint_eq(h->x[RD], 0x4008);
}
END_TEST

/* ---- Memory: loads, stores, atomics ---- */

static int mem(insn_fn fn, uint64_t base, int32_t imm, uint64_t value) { return exec(fn, base, value, imm); }

START_TEST(test_loads_stores)
{
    ck_assert_int_eq(mem(exec_sd, RAM_BASE + 0x100, 8, 0x8877665544332211ull), EXEC_NEXT);
    ck_assert_uint_eq(load_le(bus.ram + 0x108, 8), 0x8877665544332211ull);
    ck_assert_int_eq(mem(exec_ld, RAM_BASE + 0x110, -8, 0), EXEC_NEXT);
    ck_assert_uint_eq(h->x[RD], 0x8877665544332211ull);

    mem(exec_lb, RAM_BASE + 0x10f, 0, 0);
    ck_assert_uint_eq(h->x[RD], 0xffffffffffffff88ull);
    mem(exec_lbu, RAM_BASE + 0x10f, 0, 0);
    ck_assert_uint_eq(h->x[RD], 0x88);
    mem(exec_lh, RAM_BASE + 0x10e, 0, 0);
    ck_assert_uint_eq(h->x[RD], 0xffffffffffff8877ull);
    mem(exec_lhu, RAM_BASE + 0x10e, 0, 0);
    ck_assert_uint_eq(h->x[RD], 0x8877);
    mem(exec_lw, RAM_BASE + 0x10c, 0, 0);
    ck_assert_uint_eq(h->x[RD], 0xffffffff88776655ull);
    mem(exec_lwu, RAM_BASE + 0x10c, 0, 0);
    ck_assert_uint_eq(h->x[RD], 0x88776655);
    mem(exec_lw, RAM_BASE + 0x108, 0, 0);
    ck_assert_uint_eq(h->x[RD], 0x44332211);

    mem(exec_sb, RAM_BASE + 0x200, 0, 0x1ff);
    mem(exec_sh, RAM_BASE + 0x202, 0, 0x12345);
    mem(exec_sw, RAM_BASE + 0x204, 0, 0xabcdef0123ull);
    ck_assert_uint_eq(load_le(bus.ram + 0x200, 8), 0xcdef012323450000ull | 0xff);

    /* Misaligned plain accesses are carried out by the mmu. */
    ck_assert_int_eq(mem(exec_sd, RAM_BASE + 0x301, 0, 0x0102030405060708ull), EXEC_NEXT);
    ck_assert_int_eq(mem(exec_ld, RAM_BASE + 0x301, 0, 0), EXEC_NEXT);
    ck_assert_uint_eq(h->x[RD], 0x0102030405060708ull);
}
END_TEST

START_TEST(test_memory_faults)
{
    h->x[RD] = 0x1234;
    ck_assert_int_eq(mem(exec_ld, 0x1000, 8, 0), EXEC_TRAP);
    ck_assert_uint_eq(h->exc_cause, CAUSE_LOAD_ACCESS);
    ck_assert_uint_eq(h->exc_tval, 0x1008);
    ck_assert_uint_eq(h->x[RD], 0x1234); /* rd untouched on a trap */
    ck_assert_int_eq(mem(exec_sw, RAM_BASE + RAM_SIZE, 0, 0), EXEC_TRAP);
    ck_assert_uint_eq(h->exc_cause, CAUSE_STORE_ACCESS);
    ck_assert_uint_eq(h->exc_tval, RAM_BASE + RAM_SIZE);
}
END_TEST

/* AMO on the word/doubleword at RAM_BASE + 0x400 holding `old`; returns rd. */
static uint64_t amo(insn_fn fn, unsigned size, uint64_t old, uint64_t src)
{
    store_le(bus.ram + 0x400, 8, 0);
    store_le(bus.ram + 0x400, size, old);
    ck_assert_int_eq(exec(fn, RAM_BASE + 0x400, src, 0), EXEC_NEXT);
    return h->x[RD];
}
static uint64_t mem_at_0x400(unsigned size) { return load_le(bus.ram + 0x400, size); }

START_TEST(test_amo_w)
{
    ck_assert_uint_eq(amo(exec_amoadd_w, 4, 0x7fffffff, 1), 0x7fffffff);
    ck_assert_uint_eq(mem_at_0x400(8), 0x80000000); /* 32-bit wrap, upper word untouched */
    ck_assert_uint_eq(amo(exec_amoswap_w, 4, 0x80000000, 5), 0xffffffff80000000ull);
    ck_assert_uint_eq(mem_at_0x400(4), 5);
    amo(exec_amomin_w, 4, 0xffffffff, 1);
    ck_assert_uint_eq(mem_at_0x400(4), 0xffffffff);
    amo(exec_amominu_w, 4, 0xffffffff, 1);
    ck_assert_uint_eq(mem_at_0x400(4), 1);
    amo(exec_amomax_w, 4, 0xffffffff, 1);
    ck_assert_uint_eq(mem_at_0x400(4), 1);
    amo(exec_amomaxu_w, 4, 0xffffffff, 1);
    ck_assert_uint_eq(mem_at_0x400(4), 0xffffffff);
    /* .w compares the low 32 bits of rs2 only. */
    amo(exec_amomax_w, 4, 0x7fffffff, 0x0000000180000000ull);
    ck_assert_uint_eq(mem_at_0x400(4), 0x7fffffff);
    amo(exec_amoxor_w, 4, 0xff00ff00, 0x0ff00ff0);
    ck_assert_uint_eq(mem_at_0x400(4), 0xf0f0f0f0);
    amo(exec_amoand_w, 4, 0xff00ff00, 0x0ff00ff0);
    ck_assert_uint_eq(mem_at_0x400(4), 0x0f000f00);
    amo(exec_amoor_w, 4, 0xff00ff00, 0x0ff00ff0);
    ck_assert_uint_eq(mem_at_0x400(4), 0xfff0fff0);
}
END_TEST

START_TEST(test_amo_d)
{
    ck_assert_uint_eq(amo(exec_amoadd_d, 8, ALL_ONES, 2), ALL_ONES);
    ck_assert_uint_eq(mem_at_0x400(8), 1);
    ck_assert_uint_eq(amo(exec_amoswap_d, 8, 0x8000000000000000ull, 7), 0x8000000000000000ull);
    ck_assert_uint_eq(mem_at_0x400(8), 7);
    amo(exec_amomin_d, 8, ALL_ONES, 1);
    ck_assert_uint_eq(mem_at_0x400(8), ALL_ONES);
    amo(exec_amominu_d, 8, ALL_ONES, 1);
    ck_assert_uint_eq(mem_at_0x400(8), 1);
    amo(exec_amomax_d, 8, ALL_ONES, 1);
    ck_assert_uint_eq(mem_at_0x400(8), 1);
    amo(exec_amomaxu_d, 8, ALL_ONES, 1);
    ck_assert_uint_eq(mem_at_0x400(8), ALL_ONES);
    amo(exec_amoxor_d, 8, 0xff00ff00ff00ff00ull, ALL_ONES);
    ck_assert_uint_eq(mem_at_0x400(8), 0x00ff00ff00ff00ffull);
    amo(exec_amoand_d, 8, 0xff00ff00ff00ff00ull, 0xf0f0ull);
    ck_assert_uint_eq(mem_at_0x400(8), 0xf000ull);
    amo(exec_amoor_d, 8, 0xff00000000000000ull, 1);
    ck_assert_uint_eq(mem_at_0x400(8), 0xff00000000000001ull);
}
END_TEST

START_TEST(test_amo_faults)
{
    ck_assert_int_eq(exec(exec_amoadd_w, RAM_BASE + 0x402, 1, 0), EXEC_TRAP);
    ck_assert_uint_eq(h->exc_cause, CAUSE_MISALIGNED_STORE);
    ck_assert_uint_eq(h->exc_tval, RAM_BASE + 0x402);
    ck_assert_int_eq(exec(exec_amoswap_d, RAM_BASE + 0x404, 1, 0), EXEC_TRAP);
    ck_assert_uint_eq(h->exc_cause, CAUSE_MISALIGNED_STORE);
    ck_assert_int_eq(exec(exec_lr_d, RAM_BASE + 0x404, 0, 0), EXEC_TRAP);
    ck_assert_uint_eq(h->exc_cause, CAUSE_MISALIGNED_LOAD);
    ck_assert_uint_eq(h->exc_tval, RAM_BASE + 0x404);
    ck_assert_int_eq(exec(exec_sc_w, RAM_BASE + 0x401, 0, 0), EXEC_TRAP);
    ck_assert_uint_eq(h->exc_cause, CAUSE_MISALIGNED_STORE);
    ck_assert_int_eq(exec(exec_amoor_d, 0x1000, 1, 0), EXEC_TRAP);
    ck_assert_uint_eq(h->exc_cause, CAUSE_STORE_ACCESS);
    ck_assert_int_eq(exec(exec_lr_w, 0x1000, 0, 0), EXEC_TRAP);
    ck_assert_uint_eq(h->exc_cause, CAUSE_LOAD_ACCESS);
}
END_TEST

START_TEST(test_lr_sc)
{
    uint64_t a = RAM_BASE + 0x500, b = RAM_BASE + 0x508;
    store_le(bus.ram + 0x500, 8, 0xfffffffe80000000ull);

    /* SC without a reservation fails and stores nothing. */
    ck_assert_int_eq(exec(exec_sc_d, a, 1, 0), EXEC_NEXT);
    ck_assert_uint_eq(h->x[RD], 1);
    ck_assert_uint_eq(load_le(bus.ram + 0x500, 8), 0xfffffffe80000000ull);

    /* LR.W sign-extends; the matching SC succeeds once. */
    ck_assert_int_eq(exec(exec_lr_w, a, 0, 0), EXEC_NEXT);
    ck_assert_uint_eq(h->x[RD], 0xffffffff80000000ull);
    ck_assert_int_eq(exec(exec_sc_w, a, 0x11223344, 0), EXEC_NEXT);
    ck_assert_uint_eq(h->x[RD], 0);
    ck_assert_uint_eq(load_le(bus.ram + 0x500, 8), 0xfffffffe11223344ull);
    ck_assert_int_eq(exec(exec_sc_w, a, 0x55, 0), EXEC_NEXT);
    ck_assert_uint_eq(h->x[RD], 1); /* the first SC cleared the reservation */
    ck_assert_uint_eq(load_le(bus.ram + 0x500, 4), 0x11223344);

    /* SC to another address fails and still clears the reservation. */
    exec(exec_lr_d, a, 0, 0);
    ck_assert_uint_eq(h->x[RD], 0xfffffffe11223344ull);
    exec(exec_sc_d, b, 9, 0);
    ck_assert_uint_eq(h->x[RD], 1);
    ck_assert_uint_eq(load_le(bus.ram + 0x508, 8), 0);
    exec(exec_sc_d, a, 9, 0);
    ck_assert_uint_eq(h->x[RD], 1);

    exec(exec_lr_d, a, 0, 0);
    exec(exec_sc_d, a, ALL_ONES, 0);
    ck_assert_uint_eq(h->x[RD], 0);
    ck_assert_uint_eq(load_le(bus.ram + 0x500, 8), ALL_ONES);
}
END_TEST

static Suite *exec_int_suite(void)
{
    Suite *s = suite_create("exec_int");
    TCase *alu = tcase_create("alu");
    TCase *ctl = tcase_create("control");
    TCase *mem_tc = tcase_create("memory");

    tcase_add_checked_fixture(alu, setup, teardown);
    tcase_add_test(alu, test_division_edges);
    tcase_add_test(alu, test_multiply);
    tcase_add_test(alu, test_shifts);
    tcase_add_test(alu, test_alu_and_w_sign_extension);
    tcase_add_test(alu, test_rd_zero_sink);
    tcase_add_test(alu, test_zba);
    tcase_add_test(alu, test_zbb_counts);
    tcase_add_test(alu, test_zbb_bits);
    tcase_add_test(alu, test_zbs);
    suite_add_tcase(s, alu);

    tcase_add_checked_fixture(ctl, setup, teardown);
    tcase_add_test(ctl, test_branches);
    tcase_add_test(ctl, test_jumps);
    suite_add_tcase(s, ctl);

    tcase_add_checked_fixture(mem_tc, setup, teardown);
    tcase_add_test(mem_tc, test_loads_stores);
    tcase_add_test(mem_tc, test_memory_faults);
    tcase_add_test(mem_tc, test_amo_w);
    tcase_add_test(mem_tc, test_amo_d);
    tcase_add_test(mem_tc, test_amo_faults);
    tcase_add_test(mem_tc, test_lr_sc);
    suite_add_tcase(s, mem_tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(exec_int_suite());
    int failed;
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
