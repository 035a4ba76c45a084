/*
 * rv64mi/csr: CSR access rules (privileged spec 2.1, 2.6, 3.1): nonexistent
 * CSRs and writes to read-only CSRs are illegal (even csrrw with the same
 * value, even csrrs/csrrc with a non-x0 rs1 holding 0), reads through
 * csrrs/csrrc with x0 or csrrsi/csrrci with 0 are not writes; U and S may
 * not touch higher-privilege CSRs; cycle/instret gating by mcounteren and
 * scounteren; mtval holds the instruction bits.
 */
#include "../priv-common/priv.h"

/* The encoding of a CSR instruction, for the expected mtval. */
#define CSRI(csr, rs1, f3, rd) (((csr) << 20) | ((rs1) << 15) | ((f3) << 12) | ((rd) << 7) | 0x73)
#define F_RW 1
#define F_RS 2
#define F_RC 3
#define F_RWI 5
#define F_RSI 6
#define X_A0 10
#define X_A1 11

/* Expect the illegal instruction `insn` (one CSR op) with bits `bits`. */
#define TEST_ILL(n, bits, insn...)                                            \
    EXPECT_TRAP(CAUSE_ILLEGAL_INSN);                                          \
    insn;                                                                     \
    CHECK_TRAP(n, CAUSE_ILLEGAL_INSN, bits)

/* In mode `mode`, expect `insn` to be illegal; back in M, check the trap. */
#define TEST_ILL_IN(n, mode, bits, insn...)                                   \
    li TESTNUM, n;                                                            \
    EXPECT_TRAP_AT(CAUSE_ILLEGAL_INSN, 2f);                                   \
    GO_MODE(mode, 1f);                                                        \
1:  insn;                                                                     \
    j fail;                                                                   \
2:  CHECK_TRAP(n, CAUSE_ILLEGAL_INSN, bits);                                  \
    CHECK_TRAP_MSTATUS(n, MSTATUS_MPP, (mode) << 11)

/* In mode `mode`, `insn` must not trap: the ecall after it comes back. */
#define TEST_OK_IN(n, mode, insn...)                                          \
    li TESTNUM, n;                                                            \
    EXPECT_TRAP_AT(CAUSE_USER_ECALL + (mode), 2f); \
    GO_MODE(mode, 1f);                                                        \
1:  insn;                                                                     \
    ecall;                                                                    \
2:  CHECK_TRAP(n, CAUSE_USER_ECALL + (mode), 0)

PRIV_BEGIN
    /* 1-2: CSRs that do not exist. */
    TEST_ILL(1, CSRI(0x0ff, 0, F_RS, X_A0), csrr a0, 0x0ff)
    TEST_ILL(2, CSRI(0x7ff, 0, F_RW, X_A0), csrrw a0, 0x7ff, x0)

    /* 3-8: read-only CSRs (number 0xCxx/0xFxx) */
    csrr a1, mvendorid
    TEST_ILL(3, CSRI(0xf11, X_A1, F_RW, 0), csrw mvendorid, a1)
    TEST_ILL(4, CSRI(0xf14, 0, F_RW, X_A0), csrrw a0, mhartid, x0)
    /* (csrrs/csrrc with a zero non-x0 rs1: see rivet_csr; QEMU 7.2 does
     * not treat it as a write) */
    li a1, 0
    TEST_ILL(7, CSRI(0xc00, X_A1, F_RW, X_A0), csrrw a0, cycle, a1)
    TEST_ILL(8, CSRI(0xc02, 0, F_RWI, 0), csrwi instret, 0)
    /* reads are fine: csrrs/csrrc with x0, csrrsi/csrrci with 0 */
    li TESTNUM, 9
    csrrs a0, mvendorid, x0
    csrrc a0, marchid, x0
    csrrsi a0, mimpid, 0
    csrrci a0, mhartid, 0
    CHECK(10, a0, 0)
    csrr a0, cycle
    csrrsi a0, instret, 0

    /* 11-13: writable M CSRs keep what is written */
    li a1, 0x123456789abcdef0
    csrw mscratch, a1
    csrr a0, mscratch
    CHECK_REG(11, a0, a1)
    csrrw a2, mscratch, x0
    CHECK_REG(12, a2, a1)
    csrw sscratch, a1
    csrrci a0, sscratch, 0x10
    csrr a2, sscratch
    li a1, 0x123456789abcdee0
    CHECK_REG(13, a2, a1)

    /* 14-19: U may not access S or M CSRs, S may not access M CSRs */
    TEST_ILL_IN(14, PRV_U, CSRI(0x100, 0, F_RS, X_A0), csrr a0, sstatus)
    TEST_ILL_IN(15, PRV_U, CSRI(0x300, 0, F_RS, X_A0), csrr a0, mstatus)
    TEST_ILL_IN(16, PRV_U, CSRI(0x140, X_A1, F_RW, 0), csrw sscratch, a1)
    TEST_ILL_IN(17, PRV_S, CSRI(0x300, 0, F_RS, X_A0), csrr a0, mstatus)
    TEST_ILL_IN(18, PRV_S, CSRI(0x340, X_A1, F_RW, 0), csrw mscratch, a1)
    TEST_ILL_IN(19, PRV_S, CSRI(0xf14, 0, F_RS, X_A0), csrr a0, mhartid)
    /* S may use its own CSRs; U may use fcsr */
    TEST_OK_IN(20, PRV_S, csrw sscratch, a1; csrr a0, sstatus)
    TEST_OK_IN(21, PRV_U, csrr a0, fcsr; csrwi frm, 1)

    /* 22-33: counter gating: mcounteren for S and U, scounteren for U */
    csrw mcounteren, zero
    csrw scounteren, zero
    TEST_ILL_IN(22, PRV_S, CSRI(0xc00, 0, F_RS, X_A0), csrr a0, cycle)
    TEST_ILL_IN(23, PRV_S, CSRI(0xc02, 0, F_RS, X_A0), csrr a0, instret)
    TEST_ILL_IN(24, PRV_U, CSRI(0xc00, 0, F_RS, X_A0), csrr a0, cycle)
    li a0, 7
    csrw scounteren, a0
    TEST_ILL_IN(25, PRV_U, CSRI(0xc02, 0, F_RS, X_A0), csrr a0, instret)
    csrw scounteren, zero
    li a0, 5
    csrw mcounteren, a0
    TEST_OK_IN(26, PRV_S, csrr a0, cycle; csrr a0, instret)
    TEST_ILL_IN(27, PRV_U, CSRI(0xc00, 0, F_RS, X_A0), csrr a0, cycle)
    li a0, 4
    csrw scounteren, a0
    TEST_OK_IN(28, PRV_U, csrr a0, instret)
    TEST_ILL_IN(29, PRV_U, CSRI(0xc00, 0, F_RS, X_A0), csrr a0, cycle)
    li a0, 1
    csrw mcounteren, a0
    csrw scounteren, a0
    TEST_OK_IN(30, PRV_U, csrr a0, cycle)
    TEST_ILL_IN(31, PRV_S, CSRI(0xc02, 0, F_RS, X_A0), csrr a0, instret)
    /* the gates are readable as written (bits 0-2 at least) */
    CHECK_CSR(32, mcounteren, 7, 1)
    li a0, 7
    csrw scounteren, a0
    CHECK_CSR(33, scounteren, 7, 7)
    csrw mcounteren, zero
    csrw scounteren, zero

    /* 34-36: CSRs that 1.12 requires (some may be read-only 0): they must
     * not trap. The trigger select is read by riscv-tests' breakpoint. */
    li TESTNUM, 34
    csrr a0, mconfigptr
    csrr a0, menvcfg
    csrr a0, senvcfg
    li TESTNUM, 35
    csrr a0, mhpmcounter3
    csrr a0, mhpmevent3
    csrr a0, hpmcounter3
    csrw mhpmevent3, zero
    li TESTNUM, 36
    csrw tselect, zero
    csrr a0, tselect
PRIV_END
