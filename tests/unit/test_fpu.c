/* F and D semantics: handlers called directly on a bare hart, results checked
 * bit for bit against values worked out from the spec (unpriv. 20191213
 * ch. 11-12), with fflags. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/hart.h"
#include "cpu/insn_table.h"

#define BOX      0xffffffff00000000ull
#define CANON_S  0x7fc00000u
#define CANON_D  0x7ff8000000000000ull
#define SNAN_S   0x7f800001u
#define QNAN_S   0x7fc12345u
#define SNAN_D   0x7ff0000000000001ull
#define QNAN_D   0xfff8000000000123ull
#define BITS_BAD 0x5a5a5a5a5a5a5a5aull /* what rd holds before the instruction */

enum { RD = 10, RS1 = 1, RS2 = 2, RS3 = 3 };

static struct hart *h;

static void setup(void)
{
    h = calloc(1, sizeof(*h));
    ck_assert_ptr_nonnull(h);
    h->mstatus = (uint64_t)FS_INITIAL << MSTATUS_FS_SHIFT;
    h->f[RD] = BITS_BAD;
    h->x[RD] = BITS_BAD;
}

static void teardown(void) { free(h); }

static int run(insn_fn fn, unsigned rm)
{
    struct insn in = {
        .fn = fn, .rd = RD, .rs1 = RS1, .rs2 = RS2, .rs3 = RS3, .rm = (uint8_t)rm, .len = 4, .bits = 0xdeadbeefu
    };
    h->fflags = 0;
    return fn(h, &in);
}

/* clang-format off */
static uint32_t fbits(float v) { uint32_t b; memcpy(&b, &v, 4); return b; }
static uint64_t dbits(double v) { uint64_t b; memcpy(&b, &v, 8); return b; }
/* clang-format on */
static void set_sb(unsigned r, uint32_t b) { h->f[r] = BOX | b; }
static void set_s(unsigned r, float v) { set_sb(r, fbits(v)); }
static void set_d(unsigned r, double v) { h->f[r] = dbits(v); }

/* Runs fn and checks the NaN-boxed single in rd and fflags. */
/* clang-format off */
#define CHECK_S(fn, rm, want, flags)                              \
    do {                                                          \
        ck_assert_int_eq(run(fn, rm), EXEC_NEXT);                 \
        ck_assert_uint_eq(h->f[RD], BOX | (uint32_t)(want));      \
        ck_assert_uint_eq(h->fflags, (flags));                    \
    } while (0)
#define CHECK_D(fn, rm, want, flags)                              \
    do {                                                          \
        ck_assert_int_eq(run(fn, rm), EXEC_NEXT);                 \
        ck_assert_uint_eq(h->f[RD], (uint64_t)(want));            \
        ck_assert_uint_eq(h->fflags, (flags));                    \
    } while (0)
#define CHECK_X(fn, rm, want, flags)                              \
    do {                                                          \
        ck_assert_int_eq(run(fn, rm), EXEC_NEXT);                 \
        ck_assert_uint_eq(h->x[RD], (uint64_t)(want));            \
        ck_assert_uint_eq(h->fflags, (flags));                    \
    } while (0)
#define CHECK_ILLEGAL(fn, rm)                                     \
    do {                                                          \
        ck_assert_int_eq(run(fn, rm), EXEC_TRAP);                 \
        ck_assert_uint_eq(h->exc_cause, CAUSE_ILLEGAL_INSTRUCTION); \
        ck_assert_uint_eq(h->exc_tval, 0xdeadbeefu);              \
        ck_assert_uint_eq(h->f[RD], BITS_BAD);                    \
        ck_assert_uint_eq(h->x[RD], BITS_BAD);                    \
    } while (0)
/* clang-format on */

#define NX FFLAG_NX
#define UF FFLAG_UF
#define OF FFLAG_OF
#define DZ FFLAG_DZ
#define NV FFLAG_NV

START_TEST(fadd_each_rounding_mode)
{
    /* 1 + 2^-24 is a tie between 1 and 1 + 2^-23 (even: 1). */
    set_s(RS1, 1.0f);
    set_s(RS2, 0x1p-24f);
    CHECK_S(exec_fadd_s, FRM_RNE, 0x3f800000, NX);
    CHECK_S(exec_fadd_s, FRM_RTZ, 0x3f800000, NX);
    CHECK_S(exec_fadd_s, FRM_RDN, 0x3f800000, NX);
    CHECK_S(exec_fadd_s, FRM_RUP, 0x3f800001, NX);
    CHECK_S(exec_fadd_s, FRM_RMM, 0x3f800001, NX);
    set_s(RS1, -1.0f);
    set_s(RS2, -0x1p-24f);
    CHECK_S(exec_fadd_s, FRM_RNE, 0xbf800000, NX);
    CHECK_S(exec_fadd_s, FRM_RTZ, 0xbf800000, NX);
    CHECK_S(exec_fadd_s, FRM_RDN, 0xbf800001, NX);
    CHECK_S(exec_fadd_s, FRM_RUP, 0xbf800000, NX);
    CHECK_S(exec_fadd_s, FRM_RMM, 0xbf800001, NX);
    /* Double tie with an even lower neighbour, then with an odd one. */
    set_d(RS1, 1.0);
    set_d(RS2, 0x1p-53);
    CHECK_D(exec_fadd_d, FRM_RNE, 0x3ff0000000000000ull, NX);
    CHECK_D(exec_fadd_d, FRM_RMM, 0x3ff0000000000001ull, NX);
    CHECK_D(exec_fadd_d, FRM_RUP, 0x3ff0000000000001ull, NX);
    set_d(RS1, 1.0 + 0x1p-52);
    CHECK_D(exec_fadd_d, FRM_RNE, 0x3ff0000000000002ull, NX);
    CHECK_D(exec_fadd_d, FRM_RMM, 0x3ff0000000000002ull, NX);
    CHECK_D(exec_fadd_d, FRM_RDN, 0x3ff0000000000001ull, NX);
    /* Exact: no flags; x - x is +0 except in RDN (IEEE 754 6.3). */
    set_d(RS2, 1.0 + 0x1p-52);
    CHECK_D(exec_fsub_d, FRM_RNE, 0, 0);
    CHECK_D(exec_fsub_d, FRM_RMM, 0, 0);
    CHECK_D(exec_fsub_d, FRM_RDN, 0x8000000000000000ull, 0);
}
END_TEST

START_TEST(rmm_mul_div_sqrt)
{
    /* (1 + 3*2^-23) * 1.5 = 1.5 + 4.5 ulp: tie, even neighbour below. */
    set_sb(RS1, 0x3f800003);
    set_s(RS2, 1.5f);
    CHECK_S(exec_fmul_s, FRM_RNE, 0x3fc00004, NX);
    CHECK_S(exec_fmul_s, FRM_RMM, 0x3fc00005, NX);
    /* No ties possible: RMM equals RNE. */
    set_s(RS1, 1.0f);
    set_s(RS2, 3.0f);
    CHECK_S(exec_fdiv_s, FRM_RMM, 0x3eaaaaab, NX);
    CHECK_S(exec_fdiv_s, FRM_RTZ, 0x3eaaaaaa, NX);
    set_s(RS1, 2.0f);
    CHECK_S(exec_fsqrt_s, FRM_RMM, 0x3fb504f3, NX);
    CHECK_S(exec_fsqrt_s, FRM_RUP, 0x3fb504f4, NX);
    set_d(RS1, 2.0);
    CHECK_D(exec_fsqrt_d, FRM_RMM, 0x3ff6a09e667f3bcdull, NX);
    set_d(RS1, 4.0);
    CHECK_D(exec_fsqrt_d, FRM_RMM, dbits(2.0), 0);
}
END_TEST

START_TEST(dynamic_and_reserved_rounding_modes)
{
    set_s(RS1, 1.0f);
    set_s(RS2, 0x1p-24f);
    h->frm = FRM_RUP;
    CHECK_S(exec_fadd_s, FRM_DYN, 0x3f800001, NX);
    h->frm = FRM_RMM;
    CHECK_S(exec_fadd_s, FRM_DYN, 0x3f800001, NX);
    h->frm = FRM_RNE;
    CHECK_S(exec_fadd_s, FRM_DYN, 0x3f800000, NX);
    h->f[RD] = BITS_BAD;
    CHECK_ILLEGAL(exec_fadd_s, 5);
    CHECK_ILLEGAL(exec_fadd_s, 6);
    h->frm = 5;
    CHECK_ILLEGAL(exec_fadd_s, FRM_DYN);
    CHECK_ILLEGAL(exec_fcvt_w_s, FRM_DYN);
    CHECK_ILLEGAL(exec_fcvt_d_s, FRM_DYN);
    /* Rows without a rounding mode ignore the field. */
    CHECK_S(exec_fsgnj_s, 5, 0x3f800000, 0);
}
END_TEST

START_TEST(fcvt_w_rounding_and_rmm_ties)
{
    set_s(RS1, 2.5f);
    CHECK_X(exec_fcvt_w_s, FRM_RNE, 2, NX);
    CHECK_X(exec_fcvt_w_s, FRM_RTZ, 2, NX);
    CHECK_X(exec_fcvt_w_s, FRM_RDN, 2, NX);
    CHECK_X(exec_fcvt_w_s, FRM_RUP, 3, NX);
    CHECK_X(exec_fcvt_w_s, FRM_RMM, 3, NX);
    set_s(RS1, -2.5f);
    CHECK_X(exec_fcvt_w_s, FRM_RNE, (uint64_t)-2, NX);
    CHECK_X(exec_fcvt_w_s, FRM_RTZ, (uint64_t)-2, NX);
    CHECK_X(exec_fcvt_w_s, FRM_RDN, (uint64_t)-3, NX);
    CHECK_X(exec_fcvt_w_s, FRM_RUP, (uint64_t)-2, NX);
    CHECK_X(exec_fcvt_w_s, FRM_RMM, (uint64_t)-3, NX);
    set_d(RS1, 3.5);
    CHECK_X(exec_fcvt_l_d, FRM_RNE, 4, NX);
    CHECK_X(exec_fcvt_l_d, FRM_RMM, 4, NX);
    set_d(RS1, -7.0);
    CHECK_X(exec_fcvt_l_d, FRM_RNE, (uint64_t)-7, 0);
}
END_TEST

START_TEST(fcvt_to_int_saturates)
{
    set_sb(RS1, CANON_S);
    CHECK_X(exec_fcvt_w_s, FRM_RNE, 0x7fffffff, NV);
    CHECK_X(exec_fcvt_wu_s, FRM_RNE, ~0ull, NV);
    CHECK_X(exec_fcvt_l_s, FRM_RNE, 0x7fffffffffffffffull, NV);
    CHECK_X(exec_fcvt_lu_s, FRM_RNE, ~0ull, NV);
    set_s(RS1, 3e9f);
    CHECK_X(exec_fcvt_w_s, FRM_RNE, 0x7fffffff, NV);
    CHECK_X(exec_fcvt_wu_s, FRM_RNE, 0xffffffffb2d05e00ull, 0); /* sign-extended */
    set_s(RS1, -3e9f);
    CHECK_X(exec_fcvt_w_s, FRM_RNE, 0xffffffff80000000ull, NV);
    CHECK_X(exec_fcvt_wu_s, FRM_RNE, 0, NV);
    set_s(RS1, -1.0f);
    CHECK_X(exec_fcvt_wu_s, FRM_RNE, 0, NV);
    CHECK_X(exec_fcvt_lu_s, FRM_RNE, 0, NV);
    set_s(RS1, -0.5f); /* rounds to -0: 0 with NX only */
    CHECK_X(exec_fcvt_wu_s, FRM_RTZ, 0, NX);
    CHECK_X(exec_fcvt_lu_s, FRM_RNE, 0, NX);
    CHECK_X(exec_fcvt_lu_s, FRM_RMM, 0, NV);
    set_d(RS1, -2147483648.0);
    CHECK_X(exec_fcvt_w_d, FRM_RNE, 0xffffffff80000000ull, 0);
    set_d(RS1, -2147483648.5);
    CHECK_X(exec_fcvt_w_d, FRM_RTZ, 0xffffffff80000000ull, NX);
    CHECK_X(exec_fcvt_w_d, FRM_RDN, 0xffffffff80000000ull, NV);
    set_d(RS1, 4294967295.0);
    CHECK_X(exec_fcvt_wu_d, FRM_RNE, ~0ull, 0);
    set_d(RS1, 4294967296.0);
    CHECK_X(exec_fcvt_wu_d, FRM_RNE, ~0ull, NV);
    set_d(RS1, 0x1p63);
    CHECK_X(exec_fcvt_l_d, FRM_RNE, 0x7fffffffffffffffull, NV);
    CHECK_X(exec_fcvt_lu_d, FRM_RNE, 0x8000000000000000ull, 0);
    set_d(RS1, -0x1p63);
    CHECK_X(exec_fcvt_l_d, FRM_RNE, 0x8000000000000000ull, 0);
    set_d(RS1, 0x1p64);
    CHECK_X(exec_fcvt_lu_d, FRM_RNE, ~0ull, NV);
    set_d(RS1, -__builtin_inf());
    CHECK_X(exec_fcvt_l_d, FRM_RNE, 0x8000000000000000ull, NV);
    CHECK_X(exec_fcvt_lu_d, FRM_RNE, 0, NV);
    set_d(RS1, __builtin_inf());
    CHECK_X(exec_fcvt_w_d, FRM_RNE, 0x7fffffff, NV);
    h->f[RS1] = SNAN_D;
    CHECK_X(exec_fcvt_l_d, FRM_RNE, 0x7fffffffffffffffull, NV);
}
END_TEST

START_TEST(fcvt_from_int)
{
    h->x[RS1] = 16777217; /* 2^24 + 1: tie between 2^24 and 2^24 + 2 */
    CHECK_S(exec_fcvt_s_w, FRM_RNE, 0x4b800000, NX);
    CHECK_S(exec_fcvt_s_w, FRM_RMM, 0x4b800001, NX);
    CHECK_S(exec_fcvt_s_w, FRM_RUP, 0x4b800001, NX);
    CHECK_S(exec_fcvt_s_l, FRM_RTZ, 0x4b800000, NX);
    h->x[RS1] = ~0ull;
    CHECK_S(exec_fcvt_s_lu, FRM_RNE, 0x5f800000, NX);
    CHECK_S(exec_fcvt_s_lu, FRM_RTZ, 0x5f7fffff, NX);
    CHECK_D(exec_fcvt_d_lu, FRM_RTZ, 0x43efffffffffffffull, NX);
    CHECK_D(exec_fcvt_d_lu, FRM_RMM, 0x43f0000000000000ull, NX);
    CHECK_D(exec_fcvt_d_l, FRM_RNE, dbits(-1.0), 0);
    CHECK_D(exec_fcvt_d_w, FRM_RNE, dbits(-1.0), 0);
    CHECK_D(exec_fcvt_d_wu, FRM_RNE, dbits(4294967295.0), 0);
    h->x[RS1] = 0x1234567800000005ull; /* W forms read the low 32 bits */
    CHECK_S(exec_fcvt_s_wu, FRM_RNE, fbits(5.0f), 0);
    CHECK_D(exec_fcvt_d_w, FRM_RMM, dbits(5.0), 0);
}
END_TEST

START_TEST(fcvt_between_formats)
{
    set_d(RS1, 1.0 + 0x1p-24);
    CHECK_S(exec_fcvt_s_d, FRM_RNE, 0x3f800000, NX);
    CHECK_S(exec_fcvt_s_d, FRM_RMM, 0x3f800001, NX);
    set_d(RS1, 1e300);
    CHECK_S(exec_fcvt_s_d, FRM_RNE, 0x7f800000, OF | NX);
    CHECK_S(exec_fcvt_s_d, FRM_RTZ, 0x7f7fffff, OF | NX);
    CHECK_S(exec_fcvt_s_d, FRM_RMM, 0x7f800000, OF | NX);
    set_d(RS1, 0x1p-150); /* tie between 0 and the least subnormal */
    CHECK_S(exec_fcvt_s_d, FRM_RNE, 0, UF | NX);
    CHECK_S(exec_fcvt_s_d, FRM_RMM, 1, UF | NX);
    h->f[RS1] = QNAN_D;
    CHECK_S(exec_fcvt_s_d, FRM_RNE, CANON_S, 0);
    h->f[RS1] = SNAN_D;
    CHECK_S(exec_fcvt_s_d, FRM_RNE, CANON_S, NV);
    set_s(RS1, -1.5f);
    CHECK_D(exec_fcvt_d_s, FRM_RNE, dbits(-1.5), 0);
    set_sb(RS1, SNAN_S);
    CHECK_D(exec_fcvt_d_s, FRM_RNE, CANON_D, NV);
    h->f[RS1] = 0x000000003f800000ull; /* not boxed: canonical NaN, quiet */
    CHECK_D(exec_fcvt_d_s, FRM_RNE, CANON_D, 0);
}
END_TEST

START_TEST(nan_results_are_canonical)
{
    set_s(RS1, __builtin_inff());
    set_s(RS2, __builtin_inff());
    CHECK_S(exec_fsub_s, FRM_RNE, CANON_S, NV);
    CHECK_S(exec_fsub_s, FRM_RMM, CANON_S, NV);
    set_d(RS1, 0.0);
    set_d(RS2, 0.0);
    CHECK_D(exec_fdiv_d, FRM_RNE, CANON_D, NV);
    CHECK_D(exec_fdiv_d, FRM_RMM, CANON_D, NV);
    set_s(RS1, -1.0f);
    CHECK_S(exec_fsqrt_s, FRM_RNE, CANON_S, NV);
    CHECK_S(exec_fsqrt_s, FRM_RMM, CANON_S, NV);
    set_sb(RS1, QNAN_S | 0x80000000u);
    set_s(RS2, 1.0f);
    CHECK_S(exec_fadd_s, FRM_RNE, CANON_S, 0);
    CHECK_S(exec_fmul_s, FRM_RMM, CANON_S, 0);
    h->f[RS1] = QNAN_D;
    set_d(RS2, 2.0);
    CHECK_D(exec_fmul_d, FRM_RNE, CANON_D, 0);
    set_d(RS1, 1.0);
    set_d(RS2, 0.0);
    CHECK_D(exec_fdiv_d, FRM_RNE, 0x7ff0000000000000ull, DZ);
    CHECK_D(exec_fdiv_d, FRM_RMM, 0x7ff0000000000000ull, DZ);
}
END_TEST

START_TEST(snan_signals)
{
    set_sb(RS1, SNAN_S);
    set_s(RS2, 1.0f);
    CHECK_S(exec_fadd_s, FRM_RNE, CANON_S, NV);
    CHECK_S(exec_fadd_s, FRM_RMM, CANON_S, NV);
    h->f[RS1] = SNAN_D;
    set_d(RS2, 1.0);
    CHECK_D(exec_fmul_d, FRM_RTZ, CANON_D, NV);
    /* feq is quiet; flt and fle signal on any NaN. */
    set_sb(RS1, QNAN_S);
    CHECK_X(exec_feq_s, 0, 0, 0);
    CHECK_X(exec_flt_s, 0, 0, NV);
    CHECK_X(exec_fle_s, 0, 0, NV);
    set_sb(RS1, SNAN_S);
    CHECK_X(exec_feq_s, 0, 0, NV);
    h->f[RS1] = QNAN_D;
    CHECK_X(exec_feq_d, 0, 0, 0);
    CHECK_X(exec_fle_d, 0, 0, NV);
    /* The sign-injection family never signals. */
    set_sb(RS1, SNAN_S);
    CHECK_S(exec_fsgnjn_s, 0, SNAN_S | 0x80000000u, 0);
}
END_TEST

START_TEST(compares)
{
    set_s(RS1, -0.0f);
    set_s(RS2, 0.0f);
    CHECK_X(exec_feq_s, 0, 1, 0);
    CHECK_X(exec_flt_s, 0, 0, 0);
    CHECK_X(exec_fle_s, 0, 1, 0);
    set_d(RS1, -1.0);
    set_d(RS2, 2.0);
    CHECK_X(exec_flt_d, 0, 1, 0);
    CHECK_X(exec_feq_d, 0, 0, 0);
    CHECK_X(exec_fle_d, 0, 1, 0);
}
END_TEST

START_TEST(fmin_fmax)
{
    set_s(RS1, -0.0f);
    set_s(RS2, 0.0f);
    CHECK_S(exec_fmin_s, 0, 0x80000000, 0);
    CHECK_S(exec_fmax_s, 0, 0x00000000, 0);
    set_s(RS1, 0.0f);
    set_s(RS2, -0.0f);
    CHECK_S(exec_fmin_s, 0, 0x80000000, 0);
    CHECK_S(exec_fmax_s, 0, 0x00000000, 0);
    set_sb(RS1, QNAN_S);
    set_s(RS2, 2.0f);
    CHECK_S(exec_fmin_s, 0, fbits(2.0f), 0);
    set_sb(RS2, SNAN_S);
    set_s(RS1, 2.0f);
    CHECK_S(exec_fmax_s, 0, fbits(2.0f), NV);
    set_sb(RS1, QNAN_S);
    set_sb(RS2, QNAN_S);
    CHECK_S(exec_fmin_s, 0, CANON_S, 0);
    h->f[RS1] = SNAN_D;
    h->f[RS2] = QNAN_D;
    CHECK_D(exec_fmax_d, 0, CANON_D, NV);
    set_d(RS1, -3.0);
    set_d(RS2, 1.0);
    CHECK_D(exec_fmin_d, 0, dbits(-3.0), 0);
    CHECK_D(exec_fmax_d, 0, dbits(1.0), 0);
    set_d(RS1, 0.0);
    set_d(RS2, -0.0);
    CHECK_D(exec_fmin_d, 0, 0x8000000000000000ull, 0);
}
END_TEST

START_TEST(nan_boxing)
{
    h->f[RS1] = 0x000000003f800000ull; /* 1.0f, not boxed */
    set_s(RS2, 1.0f);
    CHECK_S(exec_fadd_s, FRM_RNE, CANON_S, 0);
    CHECK_S(exec_fsgnj_s, 0, CANON_S, 0);
    set_s(RS2, -1.0f);
    CHECK_S(exec_fsgnj_s, 0, CANON_S | 0x80000000u, 0);
    CHECK_X(exec_fclass_s, 0, 1u << 9, 0);
    /* fmv.x.w takes the raw low 32 bits, sign-extended. */
    h->f[RS1] = 0x00000000bf800000ull;
    CHECK_X(exec_fmv_x_w, 0, 0xffffffffbf800000ull, 0);
    h->f[RS1] = 0x123456783f800000ull;
    CHECK_X(exec_fmv_x_w, 0, 0x3f800000, 0);
    h->x[RS1] = 0x12345678bf800000ull;
    CHECK_S(exec_fmv_w_x, 0, 0xbf800000, 0);
    h->x[RS1] = 0x8000000000000001ull;
    CHECK_D(exec_fmv_d_x, 0, 0x8000000000000001ull, 0);
    h->f[RS1] = QNAN_D;
    CHECK_X(exec_fmv_x_d, 0, QNAN_D, 0);
    /* A double result written and read back as a single is a NaN. */
    set_d(RS1, 1.0);
    CHECK_X(exec_fclass_s, 0, 1u << 9, 0);
}
END_TEST

START_TEST(fs_off_is_illegal)
{
    h->mstatus = 0;
    set_s(RS1, 1.0f);
    set_s(RS2, 1.0f);
    CHECK_ILLEGAL(exec_fadd_s, FRM_RNE);
    CHECK_ILLEGAL(exec_fmadd_d, FRM_RNE);
    CHECK_ILLEGAL(exec_fsgnj_d, 0);
    CHECK_ILLEGAL(exec_feq_s, 0);
    CHECK_ILLEGAL(exec_fclass_d, 0);
    CHECK_ILLEGAL(exec_fcvt_w_s, FRM_RNE);
    CHECK_ILLEGAL(exec_fcvt_d_l, FRM_RNE);
    CHECK_ILLEGAL(exec_fmv_x_w, 0);
    CHECK_ILLEGAL(exec_fmv_d_x, 0);
    CHECK_ILLEGAL(exec_flw, 0);
    CHECK_ILLEGAL(exec_fsd, 0);
    ck_assert_uint_eq(h->mstatus, 0);
}
END_TEST

START_TEST(fs_becomes_dirty)
{
    set_s(RS1, 1.0f);
    set_s(RS2, 2.0f);
    CHECK_X(exec_feq_s, 0, 0, 0); /* writes neither f nor fflags */
    ck_assert_uint_eq(h->mstatus & MSTATUS_FS, (uint64_t)FS_INITIAL << MSTATUS_FS_SHIFT);
    set_sb(RS1, QNAN_S);
    CHECK_X(exec_flt_s, 0, 0, NV); /* writes fflags */
    ck_assert_uint_eq(h->mstatus & MSTATUS_FS, MSTATUS_FS);
    ck_assert_uint_ne(h->mstatus & MSTATUS_SD, 0);
    h->mstatus = (uint64_t)FS_CLEAN << MSTATUS_FS_SHIFT;
    set_s(RS1, 1.0f);
    CHECK_S(exec_fadd_s, FRM_RNE, fbits(3.0f), 0);
    ck_assert_uint_eq(h->mstatus & MSTATUS_FS, MSTATUS_FS);
}
END_TEST

/* fflags accrue; stale host flags never leak into an exact operation. */
START_TEST(flags_accrue)
{
    set_d(RS1, 1.0);
    set_d(RS2, 3.0);
    h->fflags = FFLAG_DZ;
    struct insn in = { .rd = RD, .rs1 = RS1, .rs2 = RS2, .rm = FRM_RNE, .len = 4 };
    ck_assert_int_eq(exec_fdiv_d(h, &in), EXEC_NEXT);
    ck_assert_uint_eq(h->fflags, DZ | NX);
    ck_assert_int_eq(exec_fdiv_d(h, &in), EXEC_NEXT);
    ck_assert_uint_eq(h->fflags, DZ | NX);
    h->fflags = 0; /* as csrw fflags would: the host still has NX set */
    set_d(RS2, 4.0);
    ck_assert_int_eq(exec_fdiv_d(h, &in), EXEC_NEXT);
    ck_assert_uint_eq(h->f[RD], dbits(0.25));
    ck_assert_uint_eq(h->fflags, 0);
}
END_TEST

START_TEST(fclass_each_class)
{
    static const struct {
        uint32_t s;
        uint64_t d;
        unsigned bit;
    } cases[] = {
        { 0xff800000u, 0xfff0000000000000ull, 0 }, /* -inf */
        { 0xbf800000u, 0xbff0000000000000ull, 1 }, /* negative normal */
        { 0x807fffffu, 0x800fffffffffffffull, 2 }, /* negative subnormal */
        { 0x80000000u, 0x8000000000000000ull, 3 }, /* -0 */
        { 0x00000000u, 0x0000000000000000ull, 4 }, /* +0 */
        { 0x00000001u, 0x0000000000000001ull, 5 }, /* positive subnormal */
        { 0x00800000u, 0x0010000000000000ull, 6 }, /* positive normal */
        { 0x7f800000u, 0x7ff0000000000000ull, 7 }, /* +inf */
        { SNAN_S, SNAN_D, 8 },                     /* signalling NaN */
        { CANON_S, CANON_D, 9 },                   /* quiet NaN */
    };
    for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        set_sb(RS1, cases[i].s);
        CHECK_X(exec_fclass_s, 0, 1u << cases[i].bit, 0);
        h->f[RS1] = cases[i].d;
        CHECK_X(exec_fclass_d, 0, 1u << cases[i].bit, 0);
    }
}
END_TEST

START_TEST(fma_family)
{
    set_d(RS1, 2.0);
    set_d(RS2, 3.0);
    set_d(RS3, 1.0);
    CHECK_D(exec_fmadd_d, FRM_RNE, dbits(7.0), 0);
    CHECK_D(exec_fmsub_d, FRM_RNE, dbits(5.0), 0);
    CHECK_D(exec_fnmsub_d, FRM_RNE, dbits(-5.0), 0);
    CHECK_D(exec_fnmadd_d, FRM_RNE, dbits(-7.0), 0);
    CHECK_D(exec_fnmadd_d, FRM_RMM, dbits(-7.0), 0);
    /* One rounding: (1 + 2^-52)(1 - 2^-52) - 1 = -2^-104 exactly. */
    set_d(RS1, 1.0 + 0x1p-52);
    set_d(RS2, 1.0 - 0x1p-52);
    CHECK_D(exec_fmsub_d, FRM_RNE, dbits(-0x1p-104), 0);
    CHECK_D(exec_fmsub_d, FRM_RMM, dbits(-0x1p-104), 0);
    /* 1*1 + 2^-53 is a tie. */
    set_d(RS1, 1.0);
    set_d(RS2, 1.0);
    set_d(RS3, 0x1p-53);
    CHECK_D(exec_fmadd_d, FRM_RNE, 0x3ff0000000000000ull, NX);
    CHECK_D(exec_fmadd_d, FRM_RMM, 0x3ff0000000000001ull, NX);
    set_s(RS1, 1.0f);
    set_s(RS2, 1.0f);
    set_s(RS3, 0x1p-24f);
    CHECK_S(exec_fmadd_s, FRM_RMM, 0x3f800001, NX);
    CHECK_S(exec_fnmsub_s, FRM_RMM, 0xbf7fffff, 0); /* -1 + 2^-24 is exact */
}
END_TEST

START_TEST(fma_invalid)
{
    set_s(RS1, __builtin_inff());
    set_s(RS2, 0.0f);
    set_sb(RS3, QNAN_S);
    CHECK_S(exec_fmadd_s, FRM_RNE, CANON_S, NV);
    set_s(RS3, 1.0f);
    CHECK_S(exec_fmadd_s, FRM_RNE, CANON_S, NV);
    CHECK_S(exec_fnmsub_s, FRM_RMM, CANON_S, NV);
    set_d(RS1, -0.0);
    set_d(RS2, __builtin_inf());
    h->f[RS3] = QNAN_D;
    CHECK_D(exec_fmsub_d, FRM_RNE, CANON_D, NV);
    set_d(RS2, 5.0);
    CHECK_D(exec_fmsub_d, FRM_RNE, CANON_D, 0);
    /* inf - inf inside the fma. */
    set_d(RS1, __builtin_inf());
    set_d(RS2, 1.0);
    set_d(RS3, __builtin_inf());
    CHECK_D(exec_fmsub_d, FRM_RNE, CANON_D, NV);
}
END_TEST

START_TEST(underflow_after_rounding_and_overflow)
{
    /* a*b is just below 2^-126 and rounds to it (also with an unbounded
     * exponent): not tiny after rounding, so no UF, except in RTZ. */
    set_s(RS1, 11865938.0f * 0x1p-24f);
    set_s(RS2, 11860629.0f * 0x1p-149f);
    CHECK_S(exec_fmul_s, FRM_RNE, 0x00800000, NX);
    CHECK_S(exec_fmul_s, FRM_RMM, 0x00800000, NX);
    CHECK_S(exec_fmul_s, FRM_RTZ, 0x007fffff, UF | NX);
    /* 2^-149 * 0.5: tie between 0 and the least subnormal. */
    set_sb(RS1, 1);
    set_s(RS2, 0.5f);
    CHECK_S(exec_fmul_s, FRM_RNE, 0, UF | NX);
    CHECK_S(exec_fmul_s, FRM_RMM, 1, UF | NX);
    /* Exact subnormal: no flags. */
    set_d(RS1, 0x1p-1022);
    set_d(RS2, 0.5);
    CHECK_D(exec_fmul_d, FRM_RMM, 0x0008000000000000ull, 0);
    CHECK_D(exec_fmul_d, FRM_RNE, 0x0008000000000000ull, 0);
    set_sb(RS1, 0x7f7fffff);
    set_s(RS2, 2.0f);
    CHECK_S(exec_fmul_s, FRM_RNE, 0x7f800000, OF | NX);
    CHECK_S(exec_fmul_s, FRM_RMM, 0x7f800000, OF | NX);
    CHECK_S(exec_fmul_s, FRM_RTZ, 0x7f7fffff, OF | NX);
    set_d(RS1, -0x1p1023);
    set_d(RS2, 2.0);
    CHECK_D(exec_fmul_d, FRM_RMM, 0xfff0000000000000ull, OF | NX);
    CHECK_D(exec_fmul_d, FRM_RUP, 0xffefffffffffffffull, OF | NX);
}
END_TEST

START_TEST(loads_and_stores)
{
    struct bus bus;
    ck_assert(bus_init(&bus, 0x80000000ull, 1 << 16));
    mmu_init(&h->mmu, &bus);
    h->x[RS1] = 0x80000100ull;
    struct insn in = { .rd = RD, .rs1 = RS1, .rs2 = RS2, .imm = -8, .len = 4 };
    h->f[RS2] = 0x00000000bf800000ull; /* fsw stores the low bits as they are */
    ck_assert_int_eq(exec_fsw(h, &in), EXEC_NEXT);
    ck_assert_uint_eq(load_le(bus.ram + 0xf8, 4), 0xbf800000u);
    ck_assert_int_eq(exec_flw(h, &in), EXEC_NEXT);
    ck_assert_uint_eq(h->f[RD], BOX | 0xbf800000u);
    h->f[RS2] = 0x0123456789abcdefull;
    ck_assert_int_eq(exec_fsd(h, &in), EXEC_NEXT);
    ck_assert_int_eq(exec_fld(h, &in), EXEC_NEXT);
    ck_assert_uint_eq(h->f[RD], 0x0123456789abcdefull);
    ck_assert_uint_eq(h->mstatus & MSTATUS_FS, MSTATUS_FS);
    h->x[RS1] = 0x10ull; /* outside RAM */
    ck_assert_int_eq(exec_fld(h, &in), EXEC_TRAP);
    ck_assert_uint_eq(h->exc_cause, CAUSE_LOAD_ACCESS);
    ck_assert_int_eq(exec_fsw(h, &in), EXEC_TRAP);
    ck_assert_uint_eq(h->exc_cause, CAUSE_STORE_ACCESS);
    bus_destroy(&bus);
}
END_TEST

/* The fast path taken once fflags holds NX (fpu.c, arith_fast) must give what
 * the flag-exact host window gives: the same result bits, and the window's
 * flags plus NX. Operands: special values near every boundary the fast path
 * checks (zero, subnormal, smallest normal, overflow, negative radicand),
 * then random bit patterns from a fixed seed. */
static uint64_t xorshift(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

static void fast_matches_window(insn_fn fn, bool single, uint64_t a, uint64_t b, uint64_t c)
{
    uint64_t box = single ? BOX : 0, mask = single ? 0xffffffffull : ~0ull;
    h->f[RS1] = box | (a & mask);
    h->f[RS2] = box | (b & mask);
    h->f[RS3] = box | (c & mask);
    ck_assert_int_eq(run(fn, FRM_RNE), EXEC_NEXT);
    uint64_t want = h->f[RD];
    unsigned want_flags = h->fflags | NX;
    struct insn in = { .fn = fn, .rd = RD, .rs1 = RS1, .rs2 = RS2, .rs3 = RS3, .rm = FRM_DYN, .len = 4 };
    h->frm = FRM_RNE;
    h->fflags = NX;
    ck_assert_int_eq(fn(h, &in), EXEC_NEXT);
    ck_assert_msg(h->f[RD] == want && h->fflags == want_flags,
                  "%s operands %#llx %#llx %#llx: got %#llx flags %#x, want %#llx flags %#x",
                  single ? "single" : "double", (unsigned long long)a, (unsigned long long)b, (unsigned long long)c,
                  (unsigned long long)h->f[RD], h->fflags, (unsigned long long)want, want_flags);
}

START_TEST(fast_path_matches_exact_flags)
{
    /* clang-format off */
    static const insn_fn ops_d[] = {exec_fadd_d, exec_fsub_d, exec_fmul_d, exec_fdiv_d, exec_fsqrt_d,
                                    exec_fmadd_d, exec_fmsub_d, exec_fnmsub_d, exec_fnmadd_d};
    static const insn_fn ops_s[] = {exec_fadd_s, exec_fsub_s, exec_fmul_s, exec_fdiv_s, exec_fsqrt_s,
                                    exec_fmadd_s, exec_fmsub_s, exec_fnmsub_s, exec_fnmadd_s};
    const uint64_t special_d[] = {0, dbits(-0.0), dbits(1.0), dbits(-1.0), dbits(3.0), dbits(0x1p-1022),
                                  dbits(-0x1p-1022), dbits(0x1.8p-1022), dbits(0x1p-1000), dbits(0x1p-60),
                                  dbits(0x1.fffffffffffffp1023), dbits(-0x1p1023), dbits(0x1p600), 1,
                                  0x7ff0000000000000ull, dbits(0.1)};
    const uint64_t special_s[] = {0, fbits(-0.0f), fbits(1.0f), fbits(-1.0f), fbits(3.0f), fbits(0x1p-126f),
                                  fbits(-0x1p-126f), fbits(0x1.8p-126f), fbits(0x1p-100f), fbits(0x1p-30f),
                                  0x7f7fffffu, fbits(-0x1p127f), fbits(0x1p80f), 1, 0x7f800000u, fbits(0.1f)};
    /* clang-format on */
    const unsigned n = sizeof(special_d) / sizeof(special_d[0]);
    for (unsigned op = 0; op < 9; op++)
        for (unsigned i = 0; i < n; i++)
            for (unsigned j = 0; j < n; j++) {
                fast_matches_window(ops_d[op], false, special_d[i], special_d[j], special_d[(i + j) % n]);
                fast_matches_window(ops_s[op], true, special_s[i], special_s[j], special_s[(i * 3 + j) % n]);
            }
    uint64_t seed = 0x9e3779b97f4a7c15ull;
    for (unsigned k = 0; k < 20000; k++) {
        unsigned op = k % 9;
        /* Exponents kept near the middle half of the time, so most results are
         * ordinary, and anywhere otherwise. */
        uint64_t a = xorshift(&seed), b = xorshift(&seed), c = xorshift(&seed);
        if (k & 1) {
            a = (a & 0x800fffffffffffffull) | (0x3c0ull + (a >> 52 & 0x7f)) << 52;
            b = (b & 0x800fffffffffffffull) | (0x3c0ull + (b >> 52 & 0x7f)) << 52;
            c = (c & 0x800fffffffffffffull) | (0x3c0ull + (c >> 52 & 0x7f)) << 52;
        }
        fast_matches_window(ops_d[op], false, a, b, c);
        fast_matches_window(ops_s[op], true, a >> 32, b >> 32, c >> 32);
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("fpu");
    TCase *tc = tcase_create("fpu");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, fadd_each_rounding_mode);
    tcase_add_test(tc, rmm_mul_div_sqrt);
    tcase_add_test(tc, dynamic_and_reserved_rounding_modes);
    tcase_add_test(tc, fcvt_w_rounding_and_rmm_ties);
    tcase_add_test(tc, fcvt_to_int_saturates);
    tcase_add_test(tc, fcvt_from_int);
    tcase_add_test(tc, fcvt_between_formats);
    tcase_add_test(tc, nan_results_are_canonical);
    tcase_add_test(tc, snan_signals);
    tcase_add_test(tc, compares);
    tcase_add_test(tc, fmin_fmax);
    tcase_add_test(tc, nan_boxing);
    tcase_add_test(tc, fs_off_is_illegal);
    tcase_add_test(tc, fs_becomes_dirty);
    tcase_add_test(tc, flags_accrue);
    tcase_add_test(tc, fclass_each_class);
    tcase_add_test(tc, fma_family);
    tcase_add_test(tc, fma_invalid);
    tcase_add_test(tc, underflow_after_rounding_and_overflow);
    tcase_add_test(tc, loads_and_stores);
    tcase_add_test(tc, fast_path_matches_exact_flags);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
