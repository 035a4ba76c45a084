/*
 * rvc_expand: every RV64 compressed form against its 32-bit expansion.
 *
 * The expected words were produced by GNU as 2.40 (-march=rv64gc): each
 * compressed line assembled with .option rvc, its expansion with .option
 * norvc, and both checked with objdump -d -M no-aliases. Jump and branch
 * operands are pc-relative (".+N"), so the pairs do not depend on addresses.
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>

#include "cpu/rvc.h"

struct rvc_case {
    uint16_t c;
    uint32_t expanded;
};

static const struct rvc_case valid_cases[] = {
    { 0x0040, 0x00410413 }, /* c.addi4spn s0, sp, 4      -> addi s0, sp, 4 */
    { 0x1ffc, 0x3fc10793 }, /* c.addi4spn a5, sp, 1020   -> addi a5, sp, 1020 */
    { 0x00a8, 0x04810513 }, /* c.addi4spn a0, sp, 72     -> addi a0, sp, 72 */
    { 0x2100, 0x00053407 }, /* c.fld fs0, 0(a0)          -> fld fs0, 0(a0) */
    { 0x3cfc, 0x0f84b787 }, /* c.fld fa5, 248(s1)        -> fld fa5, 248(s1) */
    { 0x41c8, 0x0045a503 }, /* c.lw a0, 4(a1)            -> lw a0, 4(a1) */
    { 0x5fe4, 0x07c7a483 }, /* c.lw s1, 124(a5)          -> lw s1, 124(a5) */
    { 0x4030, 0x04042603 }, /* c.lw a2, 64(s0)           -> lw a2, 64(s0) */
    { 0x6588, 0x0085b503 }, /* c.ld a0, 8(a1)            -> ld a0, 8(a1) */
    { 0x7ef8, 0x0f86b703 }, /* c.ld a4, 248(a3)          -> ld a4, 248(a3) */
    { 0xa904, 0x00953827 }, /* c.fsd fs1, 16(a0)         -> fsd fs1, 16(a0) */
    { 0xbff0, 0x0ec7bc27 }, /* c.fsd fa2, 248(a5)        -> fsd fa2, 248(a5) */
    { 0xc1c8, 0x00a5a223 }, /* c.sw a0, 4(a1)            -> sw a0, 4(a1) */
    { 0xdc7c, 0x06f42e23 }, /* c.sw a5, 124(s0)          -> sw a5, 124(s0) */
    { 0xe588, 0x00a5b423 }, /* c.sd a0, 8(a1)            -> sd a0, 8(a1) */
    { 0xff64, 0x0e973c23 }, /* c.sd s1, 248(a4)          -> sd s1, 248(a4) */
    { 0x0001, 0x00000013 }, /* c.nop                     -> addi x0, x0, 0 */
    { 0x0505, 0x00150513 }, /* c.addi a0, 1              -> addi a0, a0, 1 */
    { 0x1281, 0xfe028293 }, /* c.addi t0, -32            -> addi t0, t0, -32 */
    { 0x017d, 0x01f10113 }, /* c.addi sp, 31             -> addi sp, sp, 31 */
    { 0x357d, 0xfff5051b }, /* c.addiw a0, -1            -> addiw a0, a0, -1 */
    { 0x2f81, 0x000f8f9b }, /* c.addiw t6, 0             -> addiw t6, t6, 0 */
    { 0x297d, 0x01f9091b }, /* c.addiw s2, 31            -> addiw s2, s2, 31 */
    { 0x5501, 0xfe000513 }, /* c.li a0, -32              -> addi a0, x0, -32 */
    { 0x40fd, 0x01f00093 }, /* c.li ra, 31               -> addi ra, x0, 31 */
    { 0x4301, 0x00000313 }, /* c.li t1, 0                -> addi t1, x0, 0 */
    { 0x7101, 0xe0010113 }, /* c.addi16sp sp, -512       -> addi sp, sp, -512 */
    { 0x617d, 0x1f010113 }, /* c.addi16sp sp, 496        -> addi sp, sp, 496 */
    { 0x6141, 0x01010113 }, /* c.addi16sp sp, 16         -> addi sp, sp, 16 */
    { 0x717d, 0xff010113 }, /* c.addi16sp sp, -16        -> addi sp, sp, -16 */
    { 0x6505, 0x00001537 }, /* c.lui a0, 1               -> lui a0, 1 */
    { 0x60fd, 0x0001f0b7 }, /* c.lui ra, 0x1f            -> lui ra, 0x1f */
    { 0x7f81, 0xfffe0fb7 }, /* c.lui t6, 0xfffe0         -> lui t6, 0xfffe0 */
    { 0x747d, 0xfffff437 }, /* c.lui s0, 0xfffff         -> lui s0, 0xfffff */
    { 0x8105, 0x00155513 }, /* c.srli a0, 1              -> srli a0, a0, 1 */
    { 0x90fd, 0x03f4d493 }, /* c.srli s1, 63             -> srli s1, s1, 63 */
    { 0x9381, 0x0207d793 }, /* c.srli a5, 32             -> srli a5, a5, 32 */
    { 0x8505, 0x40155513 }, /* c.srai a0, 1              -> srai a0, a0, 1 */
    { 0x947d, 0x43f45413 }, /* c.srai s0, 63             -> srai s0, s0, 63 */
    { 0x997d, 0xfff57513 }, /* c.andi a0, -1             -> andi a0, a0, -1 */
    { 0x8bfd, 0x01f7f793 }, /* c.andi a5, 31             -> andi a5, a5, 31 */
    { 0x8881, 0x0004f493 }, /* c.andi s1, 0              -> andi s1, s1, 0 */
    { 0x8d0d, 0x40b50533 }, /* c.sub a0, a1              -> sub a0, a0, a1 */
    { 0x8c3d, 0x00f44433 }, /* c.xor s0, a5              -> xor s0, s0, a5 */
    { 0x8e55, 0x00d66633 }, /* c.or a2, a3               -> or a2, a2, a3 */
    { 0x8f65, 0x00977733 }, /* c.and a4, s1              -> and a4, a4, s1 */
    { 0x9d0d, 0x40b5053b }, /* c.subw a0, a1             -> subw a0, a0, a1 */
    { 0x9fa1, 0x008787bb }, /* c.addw a5, s0             -> addw a5, a5, s0 */
    { 0xaffd, 0x7fe0006f }, /* c.j .+2046                -> jal x0, .+2046 */
    { 0xb001, 0x801ff06f }, /* c.j .-2048                -> jal x0, .-2048 */
    { 0xa001, 0x0000006f }, /* c.j .+0                   -> jal x0, .+0 */
    { 0xa56d, 0x6aa0006f }, /* c.j .+0x6aa               -> jal x0, .+0x6aa */
    { 0xcd7d, 0x0e050f63 }, /* c.beqz a0, .+254          -> beq a0, x0, .+254 */
    { 0xd001, 0xf00400e3 }, /* c.beqz s0, .-256          -> beq s0, x0, .-256 */
    { 0xe389, 0x00079163 }, /* c.bnez a5, .+2            -> bne a5, x0, .+2 */
    { 0xfcfd, 0xfe049fe3 }, /* c.bnez s1, .-2            -> bne s1, x0, .-2 */
    { 0x0506, 0x00151513 }, /* c.slli a0, 1              -> slli a0, a0, 1 */
    { 0x1ffe, 0x03ff9f93 }, /* c.slli t6, 63             -> slli t6, t6, 63 */
    { 0x1082, 0x02009093 }, /* c.slli ra, 32             -> slli ra, ra, 32 */
    { 0x2502, 0x00013507 }, /* c.fldsp fa0, 0(sp)        -> fld fa0, 0(sp) */
    { 0x3ffe, 0x1f813f87 }, /* c.fldsp ft11, 504(sp)     -> fld ft11, 504(sp) */
    { 0x4512, 0x00412503 }, /* c.lwsp a0, 4(sp)          -> lw a0, 4(sp) */
    { 0x5ffe, 0x0fc12f83 }, /* c.lwsp t6, 252(sp)        -> lw t6, 252(sp) */
    { 0x408a, 0x08012083 }, /* c.lwsp ra, 128(sp)        -> lw ra, 128(sp) */
    { 0x60a2, 0x00813083 }, /* c.ldsp ra, 8(sp)          -> ld ra, 8(sp) */
    { 0x7dfe, 0x1f813d83 }, /* c.ldsp s11, 504(sp)       -> ld s11, 504(sp) */
    { 0x6112, 0x10013103 }, /* c.ldsp sp, 256(sp)        -> ld sp, 256(sp) */
    { 0x8082, 0x00008067 }, /* c.jr ra                   -> jalr x0, 0(ra) */
    { 0x8f82, 0x000f8067 }, /* c.jr t6                   -> jalr x0, 0(t6) */
    { 0x852e, 0x00b00533 }, /* c.mv a0, a1               -> add a0, x0, a1 */
    { 0x8f8a, 0x00200fb3 }, /* c.mv t6, sp               -> add t6, x0, sp */
    { 0x9002, 0x00100073 }, /* c.ebreak                  -> ebreak */
    { 0x9502, 0x000500e7 }, /* c.jalr a0                 -> jalr ra, 0(a0) */
    { 0x9082, 0x000080e7 }, /* c.jalr ra                 -> jalr ra, 0(ra) */
    { 0x952e, 0x00b50533 }, /* c.add a0, a1              -> add a0, a0, a1 */
    { 0x917e, 0x01f10133 }, /* c.add sp, t6              -> add sp, sp, t6 */
    { 0xa022, 0x00813027 }, /* c.fsdsp fs0, 0(sp)        -> fsd fs0, 0(sp) */
    { 0xbffe, 0x1ff13c27 }, /* c.fsdsp ft11, 504(sp)     -> fsd ft11, 504(sp) */
    { 0xc22a, 0x00a12223 }, /* c.swsp a0, 4(sp)          -> sw a0, 4(sp) */
    { 0xdf82, 0x0e012e23 }, /* c.swsp zero, 252(sp)      -> sw zero, 252(sp) */
    { 0xe406, 0x00113423 }, /* c.sdsp ra, 8(sp)          -> sd ra, 8(sp) */
    { 0xfffe, 0x1ff13c23 }, /* c.sdsp t6, 504(sp)        -> sd t6, 504(sp) */
};

/* HINTs (unpriv. spec 16.7): must expand to a valid instruction with no effect. */
static const struct rvc_case hint_cases[] = {
    { 0x0005, 0x00100013 }, /* c.nop with imm 1      -> addi zero, zero, 1 */
    { 0x0501, 0x00050513 }, /* c.addi a0, 0          -> addi a0, a0, 0 */
    { 0x4005, 0x00100013 }, /* c.li zero, 1          -> addi zero, zero, 1 */
    { 0x6005, 0x00001037 }, /* c.lui zero, 1         -> lui zero, 0x1 */
    { 0x802e, 0x00b00033 }, /* c.mv zero, a1         -> add zero, zero, a1 */
    { 0x902e, 0x00b00033 }, /* c.add zero, a1        -> add zero, zero, a1 */
    { 0x0006, 0x00101013 }, /* c.slli zero, 1        -> slli zero, zero, 1 */
    { 0x0502, 0x00051513 }, /* c.slli a0, 0 (slli64) -> slli a0, a0, 0 */
    { 0x8101, 0x00055513 }, /* c.srli a0, 0 (srli64) -> srli a0, a0, 0 */
    { 0x8501, 0x40055513 }, /* c.srai a0, 0 (srai64) -> srai a0, a0, 0 */
};

/* Zcb (Zc 1.0) and Zcmop (Zimop 1.0) forms, hand-encoded from the specs'
 * figures (binutils 2.40 knows neither), with every Zc flag on. */
static const struct rvc_case zc_cases[] = {
    { 0x81e8, 0x0035c503 }, /* c.lbu a0, 3(a1)    -> lbu a0, 3(a1) */
    { 0x85a8, 0x0025d503 }, /* c.lhu a0, 2(a1)    -> lhu a0, 2(a1) */
    { 0x85e8, 0x00259503 }, /* c.lh a0, 2(a1)     -> lh a0, 2(a1) */
    { 0x89c8, 0x00a580a3 }, /* c.sb a0, 1(a1)     -> sb a0, 1(a1) */
    { 0x8da8, 0x00a59123 }, /* c.sh a0, 2(a1)     -> sh a0, 2(a1) */
    { 0x9d61, 0x0ff57513 }, /* c.zext.b a0        -> andi a0, a0, 255 */
    { 0x9d65, 0x60451513 }, /* c.sext.b a0        -> sext.b a0, a0 */
    { 0x9d69, 0x0805453b }, /* c.zext.h a0        -> zext.h a0, a0 */
    { 0x9d6d, 0x60551513 }, /* c.sext.h a0        -> sext.h a0, a0 */
    { 0x9d71, 0x0805053b }, /* c.zext.w a0        -> add.uw a0, a0, zero */
    { 0x9d75, 0xfff54513 }, /* c.not a0           -> xori a0, a0, -1 */
    { 0x9d4d, 0x02b50533 }, /* c.mul a0, a1       -> mul a0, a0, a1 */
    { 0x6081, 0x00000013 }, /* c.mop.1            -> nop (writes nothing) */
    { 0x6781, 0x00000013 }, /* c.mop.15           -> nop */
};

/* Reserved even with Zcb and Zcmop. */
static const uint16_t zc_reserved_cases[] = {
    0x8de8, /* c.sh with bit 6 set */
    0x9000, /* quadrant 0, funct3 100, bits 12:10 = 100 */
    0x9d79, /* c.zext.b's row, kind 110 */
    0x9d7d, /* kind 111 */
    0x6201, /* c.lui x4, 0: c.mop.N has odd N */
    0x6881, /* c.lui x17, 0: N < 16 */
};

/* Illegal or reserved encodings of C alone: rvc_expand returns 0. */
static const uint16_t reserved_cases[] = {
    0x0000, /* all-zero instruction (c.addi4spn x8, 0, defined illegal) */
    0x0004, /* c.addi4spn s1, sp, 0: nzuimm = 0 */
    0x0018, /* c.addi4spn a4, sp, 0 */
    0x8000, /* quadrant 0, funct3 100: reserved */
    0x9ffc, /* quadrant 0, funct3 100, all operand bits set */
    0x2001, /* c.addiw zero, 0 */
    0x307d, /* c.addiw zero, -1 */
    0x6501, /* c.lui a0, 0: nzimm = 0 */
    0x6001, /* c.lui zero, 0 */
    0x6101, /* c.addi16sp sp, 0: nzimm = 0 */
    0x9c41, /* quadrant 1 CA group, funct2 10 with bit 12 set: reserved */
    0x9c61, /* quadrant 1 CA group, funct2 11 with bit 12 set: reserved */
    0x9ffd, /* same, all register bits set */
    0x4002, /* c.lwsp zero, 0(sp) */
    0x5002, /* c.lwsp zero, 32(sp) */
    0x6002, /* c.ldsp zero, 0(sp) */
    0x7002, /* c.ldsp zero, 32(sp) */
    0x8002, /* c.jr zero */
    0x0003, /* low bits 11: not a compressed instruction */
    0xffff, /* idem */
};

START_TEST(test_valid_forms)
{
    const struct rvc_case *t = &valid_cases[_i];
    ck_assert_msg(rvc_expand(t->c, RVC_ALL) == t->expanded, "rvc_expand(0x%04x) = 0x%08x, want 0x%08x", t->c,
                  rvc_expand(t->c, RVC_ALL), t->expanded);
}
END_TEST

START_TEST(test_hints)
{
    const struct rvc_case *t = &hint_cases[_i];
    ck_assert_msg(rvc_expand(t->c, RVC_ALL) == t->expanded, "rvc_expand(0x%04x) = 0x%08x, want 0x%08x", t->c,
                  rvc_expand(t->c, RVC_ALL), t->expanded);
}
END_TEST

START_TEST(test_reserved)
{
    uint16_t c = reserved_cases[_i];
    ck_assert_msg(rvc_expand(c, 0) == 0, "rvc_expand(0x%04x) = 0x%08x, want 0", c, rvc_expand(c, 0));
}
END_TEST

START_TEST(test_zc_forms)
{
    const struct rvc_case *t = &zc_cases[_i];
    ck_assert_msg(rvc_expand(t->c, RVC_ALL) == t->expanded, "rvc_expand(0x%04x) = 0x%08x, want 0x%08x", t->c,
                  rvc_expand(t->c, RVC_ALL), t->expanded);
    ck_assert_msg(rvc_expand(t->c, 0) == 0, "0x%04x expands without its extension", t->c);
}
END_TEST

START_TEST(test_zc_reserved)
{
    uint16_t c = zc_reserved_cases[_i];
    ck_assert_msg(rvc_expand(c, RVC_ALL) == 0, "rvc_expand(0x%04x) = 0x%08x, want 0", c, rvc_expand(c, RVC_ALL));
}
END_TEST

/* The Zbb forms of Zcb need Zbb too; the others do not. */
START_TEST(test_zcb_needs_zbb)
{
    ck_assert_uint_eq(rvc_expand(0x9d65, RVC_ZCB), 0);          /* c.sext.b */
    ck_assert_uint_eq(rvc_expand(0x9d69, RVC_ZCB), 0);          /* c.zext.h */
    ck_assert_uint_eq(rvc_expand(0x9d6d, RVC_ZCB), 0);          /* c.sext.h */
    ck_assert_uint_eq(rvc_expand(0x9d61, RVC_ZCB), 0x0ff57513); /* c.zext.b */
    ck_assert_uint_eq(rvc_expand(0x6081, RVC_ZCB), 0);          /* c.mop.1 needs Zcmop */
}
END_TEST

/* Whole encoding space: every result is 0 or a 32-bit encoding (low bits 11),
 * and exactly 2409 of the 49152 quadrant 0-2 encodings are illegal in C
 * alone: the 2407 that GNU objdump 2.40 (rv64gc) rejects, plus the all-zero
 * instruction and c.addi16sp with nzimm = 0, which objdump accepts but the
 * spec reserves. (Every legal one was compared with objdump's decoding while
 * writing rvc.c.) Zcb adds 896 loads and stores (c.lbu and c.sb: 8 x 8 x 4
 * offsets; c.lh, c.lhu, c.sh: 8 x 8 x 2), 64 c.mul and 48 one-register
 * forms, Zcmop 8 c.mop.N: 1016 in all. */
static unsigned count_legal(unsigned ext)
{
    unsigned legal = 0;
    for (uint32_t v = 0; v < 0x10000; v++) {
        uint32_t x = rvc_expand((uint16_t)v, ext);
        ck_assert_msg(x == 0 || (x & 3) == 3, "rvc_expand(0x%04x) = 0x%08x", v, x);
        if ((v & 3) == 3)
            ck_assert_uint_eq(x, 0);
        legal += x != 0;
    }
    return legal;
}

START_TEST(test_whole_space)
{
    ck_assert_uint_eq(count_legal(0), 49152 - 2409);
    ck_assert_uint_eq(count_legal(RVC_ALL), 49152 - 2409 + 1016);
}
END_TEST

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

static Suite *rvc_suite(void)
{
    Suite *s = suite_create("rvc");
    TCase *tc = tcase_create("expand");
    tcase_add_loop_test(tc, test_valid_forms, 0, N(valid_cases));
    tcase_add_loop_test(tc, test_hints, 0, N(hint_cases));
    tcase_add_loop_test(tc, test_reserved, 0, N(reserved_cases));
    tcase_add_loop_test(tc, test_zc_forms, 0, N(zc_cases));
    tcase_add_loop_test(tc, test_zc_reserved, 0, N(zc_reserved_cases));
    tcase_add_test(tc, test_zcb_needs_zbb);
    tcase_add_test(tc, test_whole_space);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(rvc_suite());
    int failed;
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
