/* A program built for the RVA23 profile (issue 20): compiled by Debian's
 * gcc 12 with -march=rv64gc_zba_zbb_zbs_zbc_zbkb_zbkc_zbkx_zfh_zicbom_
 * zicboz_zicbop_zawrs, everything that gcc knows, so the compiler itself
 * emits the Zba/Zbb/Zbs code and the assembler the rest by name; .insn and
 * .2byte give what gcc 12 and binutils 2.40 do not know (Zicond, Zfa, Zimop,
 * Zcb, Zcmop; gcc 12 has no _Float16 on RISC-V either). It
 * computes with them and checks every result against values worked out
 * from the specs.
 *
 * Three stages, in order: what rivet's default model has (Zba, Zbb, Zbs),
 * RVA23S64's other extensions, then what gcc 12 knows beyond RVA23 (Zbc,
 * Zbkb, Zbkx, Zfh arithmetic). Each prints "<stage> ok". An illegal
 * instruction prints "illegal instruction in <stage>" and exits with 3, so
 * on a model without a stage's extensions the program stops cleanly at that
 * stage's first instruction: the default model in "rva23", plain -cpu
 * rva23s64 in "beyond rva23". Any other trap exits with 4; a wrong result
 * with its check number.
 */
#include "guest.h"

static const char *volatile stage = "start";

void m_trap(uint64_t cause, uint64_t epc, uint64_t tval)
{
    puts_uart(cause == 2 ? "illegal instruction in " : "unexpected trap in ");
    puts_uart(stage);
    puts_uart(" at ");
    puthex(epc);
    puts_uart(", tval ");
    puthex(tval);
    putc_uart('\n');
    guest_exit(cause == 2 ? 3 : 4);
}

/* Inputs the compiler cannot fold. Every stage is a function of its own
 * (noinline) and its asm is volatile, so nothing of a stage runs before the
 * stage is named. */
static volatile uint64_t in_a = 0x0123456789abcdefull, in_b = 0xfedcba9876543210ull;
static volatile uint64_t in_v = 0x00f0000012345600ull;
static volatile uint64_t table[8] = { 1, 2, 3, 5, 8, 13, 21, 34 };
static volatile unsigned in_n = 5, in_bit = 40;

/* ---- Stage 1: Zba, Zbb, Zbs, as gcc emits them ---- */

/* gcc 12 -O2 makes cpop, clz, andn, sh3add, bset and bext of these
 * (objdump, when this was written); the rest it may fold otherwise. */
static __attribute__((noinline)) void zb_abs(void)
{
    uint64_t v = in_v, a = in_a, b = in_b, orc;
    CHECK(10, __builtin_popcountll(v) == 13);
    CHECK(11, __builtin_clzll(v) == 8);
    CHECK(12, __builtin_ctzll(v) == 9);
    CHECK(13, __builtin_bswap64(v) == 0x005634120000f000ull);
    CHECK(14, ((v << 13) | (v >> 51)) == 0x2468ac0001eull);
    CHECK(15, (a & ~b) == 0x0123456789abcdefull);
    CHECK(16, table[in_n] == 13);
    CHECK(17, (v | (1ull << in_bit)) == 0x00f0010012345600ull);
    CHECK(18, ((v >> in_bit) & 1) == 0 && ((v >> 52) & 1) == 1);
    CHECK(19, (a < b ? a : b) == a);
    __asm__ volatile("orc.b %0, %1" : "=r"(orc) : "r"(v));
    CHECK(20, orc == 0x00ff0000ffffff00ull);
}

/* ---- Stage 2: RVA23S64's other scalar extensions ---- */

static uint64_t czero_eqz(uint64_t a, uint64_t c)
{
    uint64_t r;
    __asm__ volatile(".insn r 0x33, 5, 7, %0, %1, %2" : "=r"(r) : "r"(a), "r"(c));
    return r;
}

static uint64_t czero_nez(uint64_t a, uint64_t c)
{
    uint64_t r;
    __asm__ volatile(".insn r 0x33, 7, 7, %0, %1, %2" : "=r"(r) : "r"(a), "r"(c));
    return r;
}

static __attribute__((noinline)) void zicond(void)
{
    uint64_t a = in_a;
    CHECK(30, czero_eqz(a, 0) == 0);
    CHECK(31, czero_eqz(a, in_n) == a);
    CHECK(32, czero_nez(a, 0) == a);
    CHECK(33, czero_nez(a, in_n) == 0);
}

static uint64_t fflags_take(void)
{
    uint64_t f;
    __asm__ volatile("csrrw %0, fflags, x0" : "=r"(f));
    return f;
}

static uint64_t bits_of(double d)
{
    uint64_t u;
    __builtin_memcpy(&u, &d, 8);
    return u;
}

/* Zfa on doubles and singles (fli.h needs Zfh: stage 3). */
static __attribute__((noinline)) void zfa(void)
{
    double two, nan = __builtin_nan(""), one = (double)in_n - 4.0, m, r, rn;
    float fone;
    uint64_t le, lt, mod;
    __asm__ volatile(".insn r 0x53, 0, 0x79, %0, x20, x1" : "=f"(two));  /* fli.d 2.0 (index 20) */
    __asm__ volatile(".insn r 0x53, 0, 0x78, %0, x16, x1" : "=f"(fone)); /* fli.s 1.0 (index 16) */
    CHECK(40, two == 2.0 && fone == 1.0f);
    __asm__ volatile(".insn r 0x53, 2, 0x15, %0, %1, %2" : "=f"(m) : "f"(nan), "f"(one)); /* fminm.d */
    CHECK(41, bits_of(m) == 0x7ff8000000000000ull);                                       /* NaN wins, canonical */
    fflags_take();
    __asm__ volatile(".insn r 0x53, 0, 0x21, %0, %1, x4" : "=f"(r) : "f"(2.5 * one)); /* fround.d, rne */
    CHECK(42, r == 2.0 && fflags_take() == 0);
    __asm__ volatile(".insn r 0x53, 3, 0x21, %0, %1, x5" : "=f"(rn) : "f"(-2.5 * one));          /* froundnx.d, rup */
    CHECK(43, rn == -2.0 && fflags_take() == 1);                                                 /* NX */
    __asm__ volatile(".insn r 0x53, 4, 0x51, %0, %1, %2" : "=r"(le) : "f"(one), "f"(two));       /* fleq.d */
    __asm__ volatile(".insn r 0x53, 5, 0x51, %0, %1, %2" : "=r"(lt) : "f"(nan), "f"(two));       /* fltq.d */
    CHECK(44, le == 1 && lt == 0 && fflags_take() == 0);                                         /* quiet: no NV */
    __asm__ volatile(".insn r 0x53, 1, 0x61, %0, %1, x8" : "=r"(mod) : "f"(4294967301.0 * one)); /* fcvtmod.w.d */
    CHECK(45, mod == 5 && fflags_take() == 0x10); /* 2^32 + 5 wraps to 5; NV */
}

/* Zfhmin: conversions and moves of halves. */
static __attribute__((noinline)) void zfhmin(void)
{
    float third = 1.0f / (float)(in_n - 2), back;
    uint64_t h;
    __asm__ volatile("fcvt.h.s ft0, %1\n\tfmv.x.h %0, ft0" : "=r"(h) : "f"(third) : "ft0");
    CHECK(50, h == 0x3555);
    __asm__ volatile("fmv.h.x ft0, %1\n\tfcvt.s.h %0, ft0" : "=f"(back) : "r"(h | 0xffff0000ull) : "ft0");
    CHECK(51, back == 0.333251953125f);
}

/* Zcb: .2byte forms on fixed registers (a0 = x10 is rd'/rs1' 2, a1 = rs2' 3). */
/* clang-format off */
#define ZCB_UNARY(kind, x)                                                                   \
    ({                                                                                       \
        register uint64_t a0_ __asm__("a0") = (x);                                           \
        __asm__ volatile(".2byte 0x9c61 | (2 << 7) | (" #kind " << 2)" : "+r"(a0_));        \
        a0_;                                                                                 \
    })
/* clang-format on */

static __attribute__((noinline)) void zcb(void)
{
    static volatile uint8_t buf[8] = { 0x81, 0x92, 0xa3, 0xb4, 0, 0, 0, 0 };
    register uint64_t a0 __asm__("a0") = in_a, a1 __asm__("a1") = in_b;
    __asm__ volatile(".2byte 0x9c41 | (2 << 7) | (3 << 2)" : "+r"(a0) : "r"(a1)); /* c.mul a0, a1 */
    CHECK(60, a0 == in_a * in_b);
    CHECK(61, ZCB_UNARY(0, in_a) == 0xef);                  /* c.zext.b */
    CHECK(62, ZCB_UNARY(1, in_a) == 0xffffffffffffffefull); /* c.sext.b */
    CHECK(63, ZCB_UNARY(2, in_a) == 0xcdef);                /* c.zext.h */
    CHECK(64, ZCB_UNARY(3, in_a) == 0xffffffffffffcdefull); /* c.sext.h */
    CHECK(65, ZCB_UNARY(4, in_a) == 0x89abcdefull);         /* c.zext.w */
    CHECK(66, ZCB_UNARY(5, in_a) == ~in_a);                 /* c.not */
    a0 = (uint64_t)buf;
    __asm__ volatile(".2byte 0x8000 | (2 << 7) | (1 << 6) | (3 << 2)" : "=r"(a1) : "r"(a0)); /* c.lbu a1, 1(a0) */
    CHECK(67, a1 == 0x92);
    __asm__ volatile(".2byte 0x8440 | (2 << 7) | (1 << 5) | (3 << 2)" : "=r"(a1) : "r"(a0)); /* c.lh a1, 2(a0) */
    CHECK(68, a1 == 0xffffffffffffb4a3ull);
    __asm__ volatile(".2byte 0x8400 | (2 << 7) | (1 << 5) | (3 << 2)" : "=r"(a1) : "r"(a0)); /* c.lhu a1, 2(a0) */
    CHECK(69, a1 == 0xb4a3);
    a1 = 0x1234;
    __asm__ volatile(".2byte 0x8c00 | (2 << 7) | (1 << 5) | (3 << 2)\n\t" /* c.sh a1, 2(a0) */
                     ".2byte 0x8800 | (2 << 7) | (1 << 6) | (3 << 2)"     /* c.sb a1, 1(a0) */
                     ::"r"(a0),
                     "r"(a1)
                     : "memory");
    CHECK(70, buf[1] == 0x34 && buf[2] == 0x34 && buf[3] == 0x12 && buf[4] == 0);
}

/* Zimop and Zcmop: the may-be-operations write 0 (or nothing). */
static __attribute__((noinline)) void mops(void)
{
    uint64_t r = in_a, rr = in_a;
    __asm__ volatile(".insn i 0x73, 4, %0, %1, -2020" : "=r"(r) : "r"(in_b));                /* mop.r.0 */
    __asm__ volatile(".insn r 0x73, 4, 0x41, %0, %1, %2" : "=r"(rr) : "r"(in_a), "r"(in_b)); /* mop.rr.0 */
    CHECK(80, r == 0 && rr == 0);
    register uint64_t a5 __asm__("a5") = in_a;
    __asm__ volatile(".2byte 0x6081 | (7 << 8)" : "+r"(a5)); /* c.mop.15: x15 = a5 untouched */
    CHECK(81, a5 == in_a);
}

/* Zicbom, Zicboz (M-mode: no menvcfg needed) and Zawrs. */
static __attribute__((noinline)) void cbo_zawrs(void)
{
    static uint8_t blocks[192] __attribute__((aligned(64)));
    memset(blocks, 0xaa, sizeof blocks);
    __asm__ volatile("cbo.zero (%0)" ::"r"(blocks + 64 + 17) : "memory");
    for (unsigned i = 0; i < sizeof blocks; i++)
        CHECK(90, blocks[i] == (i >= 64 && i < 128 ? 0 : 0xaa));
    __asm__ volatile("cbo.clean (%0)\n\tcbo.flush (%0)\n\tcbo.inval (%0)" ::"r"(blocks) : "memory");
    CHECK(91, blocks[0] == 0xaa && blocks[64] == 0);
    static volatile uint32_t word = 7;
    uint32_t v, sc;
    __asm__ volatile("lr.w %0, (%2)\n\twrs.sto\n\tsc.w %1, %0, (%2)\n\twrs.nto"
                     : "=&r"(v), "=&r"(sc)
                     : "r"(&word)
                     : "memory");
    CHECK(92, v == 7);
}

/* ---- Stage 3: what gcc 12 knows beyond RVA23 ---- */

static __attribute__((noinline)) void zbc_zbk(void)
{
    uint64_t a = in_a, b = in_b, r;
    __asm__ volatile("clmul %0, %1, %2" : "=r"(r) : "r"(a), "r"(b));
    CHECK(100, r == 0x40a0789828c810f0ull);
    __asm__ volatile("clmulh %0, %1, %2" : "=r"(r) : "r"(a), "r"(b));
    CHECK(101, r == 0x00e038d8688850b0ull);
    __asm__ volatile("clmulr %0, %1, %2" : "=r"(r) : "r"(a), "r"(b));
    CHECK(102, r == 0x01c071b0d110a160ull);
    __asm__ volatile("pack %0, %1, %2" : "=r"(r) : "r"(a), "r"(b));
    CHECK(103, r == 0x7654321089abcdefull);
    __asm__ volatile("packh %0, %1, %2" : "=r"(r) : "r"(a), "r"(b));
    CHECK(104, r == 0x10ef);
    __asm__ volatile("packw %0, %1, %2" : "=r"(r) : "r"(a), "r"(b));
    CHECK(105, r == 0x3210cdef);
    __asm__ volatile("brev8 %0, %1" : "=r"(r) : "r"(a));
    CHECK(106, r == 0x80c4a2e691d5b3f7ull);
    __asm__ volatile("xperm4 %0, %1, %2" : "=r"(r) : "r"(a), "r"(0x0f1e2d3c4b5a6978ull));
    CHECK(107, r == 0xf0e1d2c3b4a59687ull);
    __asm__ volatile("xperm8 %0, %1, %2" : "=r"(r) : "r"(a), "r"(0x0001020308090a0bull));
    CHECK(108, r == 0xefcdab8900000000ull);
}

/* Half-precision arithmetic (gcc 12 has no _Float16 on RISC-V: asm). The
 * operands are half bit patterns; the result comes back as one. */
/* clang-format off */
#define ZFH_OP(insn, a, b)                                                                  \
    ({                                                                                      \
        uint64_t r_;                                                                        \
        __asm__ volatile("fmv.h.x ft0, %1\n\tfmv.h.x ft1, %2\n\t" insn "\n\tfmv.x.h %0, ft2" \
                         : "=r"(r_) : "r"(a), "r"(b) : "ft0", "ft1", "ft2");                \
        r_ & 0xffff;                                                                        \
    })
/* clang-format on */

static __attribute__((noinline)) void zfh(void)
{
    uint64_t x = 0x3e00 + in_n - 5, three = 0x4200, y; /* 1.5, 3.0 */
    fflags_take();
    CHECK(110, ZFH_OP("fmadd.h ft2, ft0, ft0, ft0", x, three) == 0x4380); /* 1.5 * 1.5 + 1.5 = 3.75 */
    CHECK(111, ZFH_OP("fdiv.h ft2, ft1, ft0", x, three) == 0x4000);       /* 3 / 1.5 = 2 */
    CHECK(112, fflags_take() == 0);
    y = ZFH_OP("fdiv.h ft2, ft0, ft1", 0x3c00, three); /* 1 / 3 */
    CHECK(113, y == 0x3555 && fflags_take() == 1);     /* NX */
    CHECK(114, ZFH_OP("fdiv.h ft2, ft0, ft1, rup", 0x3c00, three) == 0x3556);
    CHECK(115, ZFH_OP("fadd.h ft2, ft0, ft1", 0x7bff, 0x7bff) == 0x7c00 && fflags_take() == 5); /* OF, NX */
    CHECK(116, ZFH_OP("fsqrt.h ft2, ft1", 0, 0x4400) == 0x4000);                                /* sqrt(4) = 2 */
    uint64_t h;
    __asm__ volatile(".insn r 0x53, 0, 0x7a, ft0, x9, x1\n\tfmv.x.h %0, ft0" : "=r"(h)::"ft0"); /* fli.h 0.3125 */
    CHECK(117, h == 0x3500);
}

int main(uint64_t hartid, uint64_t dtb)
{
    CSR_WRITE(mtvec, (uint64_t)m_trap_entry);
    CSR_SET(mstatus, 1ull << 13); /* FS = Initial */
    stage = "zba/zbb/zbs";
    zb_abs();
    puts_uart("zba/zbb/zbs ok\n");
    stage = "rva23";
    zicond();
    zfa();
    zfhmin();
    zcb();
    mops();
    cbo_zawrs();
    puts_uart("rva23 ok\n");
    stage = "beyond rva23";
    zbc_zbk();
    zfh();
    puts_uart("beyond rva23 ok\n");
    return 0;
}
