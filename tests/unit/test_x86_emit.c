/* The x86-64 encoder (cpu/x86_emit.h) against Zydis's decoder: every
 * emitter, over every register it accepts, bases that need a SIB byte
 * (rsp, r12) or a displacement (rbp, r13), and displacements at the
 * disp8/disp32 edges, decodes as exactly one instruction of the intended
 * mnemonic and operands, spanning every byte written. Operands are compared
 * structurally: register names, memory base, displacement and access size,
 * immediates at their operand size, branch targets. (Zydis rather than
 * Capstone: Debian 12's Capstone 4.0.2 reports the wrong register for the
 * VEX.vvvv operand of the FMA forms in its operand details.) */
#include <Zydis/Zydis.h>
#include <check.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cpu/x86_emit.h"

/* Where the decoder is told the code sits (branch targets are shown from it). */
#define AT 0x1000u

static ZydisDecoder dec;
static uint8_t code[64];
static struct x86_buf buf;

static const char *const r64[] = { "rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
                                   "r8",  "r9",  "r10", "r11", "r12", "r13", "r14", "r15" };
static const char *const r32[] = { "eax", "ecx", "edx",  "ebx",  "esp",  "ebp",  "esi",  "edi",
                                   "r8d", "r9d", "r10d", "r11d", "r12d", "r13d", "r14d", "r15d" };
static const char *const r16[] = { "ax",  "cx",  "dx",   "bx",   "sp",   "bp",   "si",   "di",
                                   "r8w", "r9w", "r10w", "r11w", "r12w", "r13w", "r14w", "r15w" };
static const char *const r8[] = { "al",  "cl",  "dl",   "bl",   "spl",  "bpl",  "sil",  "dil",
                                  "r8b", "r9b", "r10b", "r11b", "r12b", "r13b", "r14b", "r15b" };
static const int32_t disps[] = { 0, 1, -1, 8, 127, -128, 128, -129, 0x1000, INT32_MAX, INT32_MIN };
#define NDISPS (sizeof disps / sizeof disps[0])

static const char *reg(unsigned r, unsigned size)
{
    return size == 8 ? r64[r] : size == 4 ? r32[r] : size == 2 ? r16[r] : r8[r];
}

static void start(void) { x86_buf_init(&buf, code, code + sizeof code); }

/* "mnemonic op, op" of the one instruction in the buffer; fails unless
 * it decodes as one instruction covering every byte. */
static void decoded(char *out, size_t len)
{
    ZydisDecodedInstruction insn;
    ZydisDecodedOperand ops[ZYDIS_MAX_OPERAND_COUNT];
    ck_assert(!buf.overflow);
    char hex[3 * sizeof code + 1] = "";
    for (size_t i = 0; i < x86_len(&buf); i++)
        snprintf(hex + 3 * i, 4, "%02x ", code[i]);
    ck_assert_msg(ZYAN_SUCCESS(ZydisDecoderDecodeFull(&dec, code, x86_len(&buf), &insn, ops)), "%sdo not decode", hex);
    ck_assert_uint_eq(insn.length, x86_len(&buf));
    size_t at = (size_t)snprintf(out, len, "%s", ZydisMnemonicGetString(insn.mnemonic));
    for (unsigned i = 0; i < insn.operand_count_visible && at < len; i++) {
        const ZydisDecodedOperand *op = &ops[i];
        const char *sep = i ? ", " : " ";
        if (op->type == ZYDIS_OPERAND_TYPE_REGISTER) {
            at += (size_t)snprintf(out + at, len - at, "%s%s", sep, ZydisRegisterGetString(op->reg.value));
        } else if (op->type == ZYDIS_OPERAND_TYPE_MEMORY) {
            ck_assert_int_eq(op->mem.index, ZYDIS_REGISTER_NONE);
            at += (size_t)snprintf(out + at, len - at, "%s[%s%+" PRId64 "]/%u", sep,
                                   ZydisRegisterGetString(op->mem.base), op->mem.disp.value, op->size / 8u);
        } else if (op->type == ZYDIS_OPERAND_TYPE_IMMEDIATE && op->imm.is_relative) {
            ZyanU64 target;
            ck_assert(ZYAN_SUCCESS(ZydisCalcAbsoluteAddress(&insn, op, AT, &target)));
            at += (size_t)snprintf(out + at, len - at, "%s@%" PRIx64, sep, (uint64_t)target);
        } else if (op->type == ZYDIS_OPERAND_TYPE_IMMEDIATE) {
            uint64_t v = op->imm.value.u; /* sign-extended when signed: shown at the operation's width */
            if (insn.operand_width < 64)
                v &= (1ull << insn.operand_width) - 1;
            at += (size_t)snprintf(out + at, len - at, "%s#%" PRIx64, sep, v);
        }
    }
}

#define EXPECT(...)                                 \
    do {                                            \
        char want_[128], got_[128];                 \
        snprintf(want_, sizeof want_, __VA_ARGS__); \
        decoded(got_, sizeof got_);                 \
        ck_assert_str_eq(got_, want_);              \
    } while (0)

/* A memory operand as decoded() prints it. */
static const char *mem(char *out, unsigned base, int32_t disp, unsigned size)
{
    snprintf(out, 48, "[%s%+" PRId64 "]/%u", r64[base], (int64_t)disp, size);
    return out;
}

static uint64_t imm_at(int64_t v, unsigned size)
{
    return size < 8 ? (uint64_t)v & ((1ull << (8 * size)) - 1) : (uint64_t)v;
}

static void setup(void)
{
    ck_assert(ZYAN_SUCCESS(ZydisDecoderInit(&dec, ZYDIS_MACHINE_MODE_LONG_64, ZYDIS_STACK_WIDTH_64)));
}

START_TEST(moves)
{
    char m[48];
    for (unsigned w = 0; w < 2; w++)
        for (unsigned d = 0; d < 16; d++)
            for (unsigned s = 0; s < 16; s++) {
                start();
                x86_mov_rr(&buf, w, d, s);
                EXPECT("mov %s, %s", reg(d, w ? 8 : 4), reg(s, w ? 8 : 4));
            }
    for (unsigned r = 0; r < 16; r++)
        for (unsigned base = 0; base < 16; base++)
            for (unsigned k = 0; k < NDISPS; k++) {
                int32_t disp = disps[k];
                for (unsigned w = 0; w < 2; w++) {
                    start();
                    x86_mov_rm(&buf, w, r, base, disp);
                    EXPECT("mov %s, %s", reg(r, w ? 8 : 4), mem(m, base, disp, w ? 8 : 4));
                }
                for (unsigned size = 1; size <= 8; size *= 2) {
                    start();
                    x86_mov_mr(&buf, size, base, disp, r);
                    EXPECT("mov %s, %s", mem(m, base, disp, size), reg(r, size));
                }
                start();
                x86_lea(&buf, r, base, disp);
                EXPECT("lea %s, %s", r64[r], mem(m, base, disp, 8));
                for (unsigned size = 1; size <= 2; size++) {
                    start();
                    x86_movzx_rm(&buf, size, r, base, disp);
                    EXPECT("movzx %s, %s", r32[r], mem(m, base, disp, size));
                }
                for (unsigned size = 1; size <= 4; size *= 2) {
                    start();
                    x86_movsx_rm(&buf, size, r, base, disp);
                    EXPECT("%s %s, %s", size == 4 ? "movsxd" : "movsx", r64[r], mem(m, base, disp, size));
                }
            }
    for (unsigned r = 0; r < 16; r++) {
        start();
        x86_mov_ri32(&buf, r, 0xdeadbeef);
        EXPECT("mov %s, #deadbeef", r32[r]);
        start();
        x86_mov_ri64(&buf, r, 0x8000000000000001ull);
        EXPECT("mov %s, #8000000000000001", r64[r]);
        start();
        x86_movsxd_rr(&buf, r, 15 - r);
        EXPECT("movsxd %s, %s", r64[r], r32[15 - r]);
        start();
        x86_mov_mi(&buf, r, -16, -5);
        EXPECT("mov %s, #fffffffffffffffb", mem(m, r, -16, 8));
    }
}
END_TEST

START_TEST(arithmetic)
{
    static const struct {
        enum x86_alu op;
        const char *name;
    } alu[] = { { X86_ADD, "add" }, { X86_OR, "or" },   { X86_AND, "and" },
                { X86_SUB, "sub" }, { X86_XOR, "xor" }, { X86_CMP, "cmp" } };
    static const int32_t imms[] = { 0, 1, -1, 127, -128, 128, -129, 0x7fffffff, INT32_MIN };
    char m[48];
    for (unsigned a = 0; a < sizeof alu / sizeof alu[0]; a++)
        for (unsigned w = 0; w < 2; w++) {
            unsigned size = w ? 8 : 4;
            for (unsigned d = 0; d < 16; d++) {
                start();
                x86_alu_rr(&buf, alu[a].op, w, d, (d + 5) & 15);
                EXPECT("%s %s, %s", alu[a].name, reg(d, size), reg((d + 5) & 15, size));
                start();
                x86_alu_rm(&buf, alu[a].op, w, d, (d + 3) & 15, -200);
                EXPECT("%s %s, %s", alu[a].name, reg(d, size), mem(m, (d + 3) & 15, -200, size));
                for (unsigned k = 0; k < sizeof imms / sizeof imms[0]; k++) {
                    start();
                    x86_alu_ri(&buf, alu[a].op, w, d, imms[k]);
                    EXPECT("%s %s, #%" PRIx64, alu[a].name, reg(d, size), imm_at(imms[k], size));
                }
            }
            start();
            x86_alu_m8i(&buf, alu[a].op, X86_R12, 300, 0x81);
            EXPECT("%s %s, #81", alu[a].name, mem(m, X86_R12, 300, 1));
        }
    static const struct {
        enum x86_shift op;
        const char *name;
    } sh[] = { { X86_SHL, "shl" }, { X86_SHR, "shr" }, { X86_SAR, "sar" } };
    for (unsigned s = 0; s < 3; s++)
        for (unsigned w = 0; w < 2; w++)
            for (unsigned r = 0; r < 16; r++) {
                start();
                x86_shift_ri(&buf, sh[s].op, w, r, 13);
                EXPECT("%s %s, #d", sh[s].name, reg(r, w ? 8 : 4));
                start();
                x86_shift_rcl(&buf, sh[s].op, w, r);
                EXPECT("%s %s, cl", sh[s].name, reg(r, w ? 8 : 4));
            }
    for (unsigned w = 0; w < 2; w++)
        for (unsigned r = 0; r < 16; r++) {
            unsigned size = w ? 8 : 4;
            start();
            x86_test_rr(&buf, w, r, 15 - r);
            EXPECT("test %s, %s", reg(r, size), reg(15 - r, size));
            start();
            x86_not(&buf, w, r);
            EXPECT("not %s", reg(r, size));
            start();
            x86_imul_rm(&buf, w, r, 15 - r, 8);
            EXPECT("imul %s, %s", reg(r, size), mem(m, 15 - r, 8, size));
            start();
            x86_imul_rri8(&buf, w, r, 15 - r, 24);
            EXPECT("imul %s, %s, #18", reg(r, size), reg(15 - r, size));
            start();
            x86_div(&buf, false, w, r);
            EXPECT("div %s", reg(r, size));
            start();
            x86_div(&buf, true, w, r);
            EXPECT("idiv %s", reg(r, size));
        }
    for (unsigned base = 0; base < 16; base++) {
        start();
        x86_mul_wide_m(&buf, false, base, 16);
        EXPECT("mul %s", mem(m, base, 16, 8));
        start();
        x86_mul_wide_m(&buf, true, base, 16);
        EXPECT("imul %s", mem(m, base, 16, 8));
        start();
        x86_test_m8i(&buf, base, 100, 1);
        EXPECT("test %s, #1", mem(m, base, 100, 1));
        for (unsigned d = 0; d < NDISPS; d++) {
            start();
            x86_inc_m64(&buf, base, disps[d]);
            EXPECT("inc %s", mem(m, base, disps[d], 8));
        }
    }
    start();
    x86_cqo(&buf, true);
    EXPECT("cqo");
    start();
    x86_cqo(&buf, false);
    EXPECT("cdq");
}
END_TEST

/* Zydis's condition names, by x86 condition code. */
static const char *const cc_name[16] = { "o", "no", "b", "nb", "z", "nz", "be", "nbe",
                                         "s", "ns", "p", "np", "l", "nl", "le", "nle" };

START_TEST(control)
{
    for (unsigned cc = 0; cc < 16; cc++) {
        for (unsigned r = 0; r < 4; r++) {
            start();
            x86_setcc(&buf, cc, r);
            EXPECT("set%s %s", cc_name[cc], r8[r]);
        }
        /* A rel32 patched to land 0x40 bytes on, and a rel8 to 5 back. */
        start();
        size_t at = x86_jcc32(&buf, cc);
        ck_assert(x86_patch_rel32(&buf, at, 0x40));
        EXPECT("j%s @1040", cc_name[cc]);
        start();
        at = x86_jcc8(&buf, cc);
        ck_assert(x86_patch_rel8(&buf, at, 0));
        EXPECT("j%s @1000", cc_name[cc]);
        ck_assert(!x86_patch_rel8(&buf, at, 200)); /* out of rel8's reach */
    }
    start();
    size_t at = x86_jmp32(&buf);
    ck_assert(x86_patch_rel32(&buf, at, 0x1234));
    EXPECT("jmp @2234");
    ck_assert(!x86_patch_rel32(&buf, at + 4, 0)); /* past what was written */
    for (unsigned r = 0; r < 16; r++) {
        start();
        x86_jmp_r(&buf, r);
        EXPECT("jmp %s", r64[r]);
        start();
        x86_call_r(&buf, r);
        EXPECT("call %s", r64[r]);
        start();
        x86_push(&buf, r);
        EXPECT("push %s", r64[r]);
        start();
        x86_pop(&buf, r);
        EXPECT("pop %s", r64[r]);
    }
    start();
    x86_ret(&buf);
    EXPECT("ret");
    /* No-ops of every length, each one instruction (decoded() checks the
     * length); lengths outside 1..7 are refused. */
    for (unsigned len = 1; len <= 7; len++) {
        start();
        x86_nop(&buf, len);
        ZydisDecodedInstruction insn;
        ZydisDecodedOperand ops[ZYDIS_MAX_OPERAND_COUNT];
        ck_assert(!buf.overflow);
        ck_assert_uint_eq(x86_len(&buf), len);
        ck_assert(ZYAN_SUCCESS(ZydisDecoderDecodeFull(&dec, code, len, &insn, ops)));
        ck_assert_uint_eq(insn.length, len);
        ck_assert_int_eq(insn.mnemonic, ZYDIS_MNEMONIC_NOP);
    }
    start();
    x86_nop(&buf, 8);
    ck_assert(buf.overflow);
    /* In rel32 reach of the buffer: one call/jmp to the address itself
     * (decoded as if at AT = 0x1000, the buffer's address is elsewhere: the
     * decoded target is 0x1000 + (fn - code)). */
    start();
    x86_call_abs(&buf, (const void *)((uintptr_t)code + 0x300));
    EXPECT("call @1300");
    start();
    x86_jmp_abs(&buf, (const void *)((uintptr_t)code + 0x300));
    EXPECT("jmp @1300");
    /* Out of reach: mov rax, imm64 then call rax, two instructions. */
    const void *far = (const void *)((uintptr_t)code ^ 0x4000000000000000ull);
    start();
    x86_call_abs(&buf, far);
    size_t len = x86_len(&buf);
    ck_assert_uint_eq(len, 12);
    buf.p = code + 10; /* the first instruction alone */
    char m1[128];
    decoded(m1, sizeof m1);
    char want[64];
    snprintf(want, sizeof want, "mov rax, #%" PRIx64, (uint64_t)(uintptr_t)far);
    ck_assert_str_eq(m1, want);
    memmove(code, code + 10, 2);
    buf.p = code + 2;
    EXPECT("call rax");
}
END_TEST

START_TEST(scalar_double)
{
    static const struct {
        enum x86_sse_sd op;
        const char *name;
    } sse[] = { { X86_SQRTSD, "sqrtsd" },
                { X86_ADDSD, "addsd" },
                { X86_MULSD, "mulsd" },
                { X86_SUBSD, "subsd" },
                { X86_DIVSD, "divsd" } };
    static const struct {
        enum x86_fma_sd op;
        const char *name;
    } fma[] = { { X86_VFMADD231SD, "vfmadd231sd" },
                { X86_VFMSUB231SD, "vfmsub231sd" },
                { X86_VFNMADD231SD, "vfnmadd231sd" },
                { X86_VFNMSUB231SD, "vfnmsub231sd" } };
    char m[48];
    for (unsigned x = 0; x < 16; x++)
        for (unsigned base = 0; base < 16; base++) {
            int32_t disp = disps[(x + base) % NDISPS];
            start();
            x86_movq_xm(&buf, x, base, disp);
            EXPECT("movq xmm%u, %s", x, mem(m, base, disp, 8));
            start();
            x86_movq_mx(&buf, base, disp, x);
            EXPECT("movq %s, xmm%u", mem(m, base, disp, 8), x);
            start();
            x86_movq_rx(&buf, base, x);
            EXPECT("movq %s, xmm%u", r64[base], x);
            start();
            x86_ucomisd_xm(&buf, x, base, disp);
            EXPECT("ucomisd xmm%u, %s", x, mem(m, base, disp, 8));
            for (unsigned s = 0; s < sizeof sse / sizeof sse[0]; s++) {
                start();
                x86_sse_sd_xm(&buf, sse[s].op, x, base, disp);
                EXPECT("%s xmm%u, %s", sse[s].name, x, mem(m, base, disp, 8));
            }
            for (unsigned w = 0; w < 2; w++) {
                start();
                x86_cvtsi2sd_xm(&buf, w, x, base, disp);
                EXPECT("cvtsi2sd xmm%u, %s", x, mem(m, base, disp, w ? 8 : 4));
                start();
                x86_cvttsd2si_rm(&buf, w, x, base, disp);
                EXPECT("cvttsd2si %s, %s", reg(x, w ? 8 : 4), mem(m, base, disp, 8));
            }
            for (unsigned f = 0; f < sizeof fma / sizeof fma[0]; f++) {
                start();
                x86_fma231sd_xxm(&buf, fma[f].op, x, 15 - x, base, disp);
                EXPECT("%s xmm%u, xmm%u, %s", fma[f].name, x, 15 - x, mem(m, base, disp, 8));
            }
        }
}
END_TEST

/* Nothing is written past the end; the overflow is remembered. */
START_TEST(overflow)
{
    uint8_t small[8];
    memset(small, 0xcc, sizeof small);
    struct x86_buf b;
    x86_buf_init(&b, small, small + 4);
    x86_mov_ri64(&b, X86_RAX, 0x1122334455667788ull);
    ck_assert(b.overflow);
    ck_assert_uint_eq(x86_len(&b), 4);
    for (unsigned i = 4; i < sizeof small; i++)
        ck_assert_uint_eq(small[i], 0xcc);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("x86_emit");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, moves);
    tcase_add_test(tc, arithmetic);
    tcase_add_test(tc, control);
    tcase_add_test(tc, scalar_double);
    tcase_add_test(tc, overflow);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
