/*
 * rv64mi/excp: synchronous exception causes with mcause, mtval and mepc
 * (privileged spec 3.1.15-3.1.17): illegal instruction (32- and 16-bit, tval
 * = the instruction bits), ebreak/c.ebreak (tval = pc), ecall from U/S/M,
 * load/store/fetch access faults outside RAM and MMIO (tval = address).
 */
#include "../priv-common/priv.h"

PRIV_BEGIN
    /* 1-3: 32-bit illegal instruction: mtval holds its bits. */
    EXPECT_TRAP(CAUSE_ILLEGAL_INSN)
ill32:
    .word 0xffffffff
    CHECK_TRAP(1, CAUSE_ILLEGAL_INSN, 0xffffffff)
    CHECK_EPC(2, ill32)
    EXPECT_TRAP(CAUSE_ILLEGAL_INSN)
ill32b:
    .word 0x0000107f            /* reserved major opcode with low bits 11 */
    CHECK_TRAP(3, CAUSE_ILLEGAL_INSN, 0x0000107f)
    CHECK_EPC(4, ill32b)

    /* 5-8: 16-bit illegal (c.jr with rs1 = 0 is reserved): tval = 16 bits,
     * zero-extended, epc = its address; the next one follows 2 bytes on. */
    .option push
    .option norvc
    EXPECT_TRAP(CAUSE_ILLEGAL_INSN)
ill16:
    .half 0x8002
    .half 0x0001                /* c.nop, keeps 4-byte alignment */
    CHECK_TRAP(5, CAUSE_ILLEGAL_INSN, 0x8002)
    CHECK_EPC(6, ill16)
    /* c.lwsp with rd = 0 is reserved too */
    EXPECT_TRAP(CAUSE_ILLEGAL_INSN)
ill16b:
    .half 0x4002
    .half 0x0001
    CHECK_TRAP(7, CAUSE_ILLEGAL_INSN, 0x4002)
    CHECK_EPC(8, ill16b)
    /* an all-zero halfword is defined illegal */
    EXPECT_TRAP(CAUSE_ILLEGAL_INSN)
ill16z:
    .half 0x0000
    .half 0x0001
    CHECK_TRAP(9, CAUSE_ILLEGAL_INSN, 0)
    CHECK_EPC(10, ill16z)
    .option pop

    /* 11-14: ebreak and c.ebreak: cause 3, epc = the pc. The spec lets
     * mtval be 0 or the pc here (3.1.16); rivet_tval checks rivet's pc. */
    EXPECT_TRAP(CAUSE_BREAKPOINT)
brk32:
    ebreak
    li TESTNUM, 11
    la t6, trap_count
    ld t5, 0(t6)
    sd zero, 0(t6)
    li t6, 1
    bne t5, t6, fail
    CHECK_EPC(12, brk32)
    EXPECT_TRAP(CAUSE_BREAKPOINT)
brk16:
    c.ebreak
    li TESTNUM, 13
    la t6, trap_count
    ld t5, 0(t6)
    sd zero, 0(t6)
    li t6, 1
    bne t5, t6, fail
    CHECK_EPC(14, brk16)

    /* 15-16: ecall from M: cause 11, tval 0, epc = the ecall. */
    EXPECT_TRAP(CAUSE_MACHINE_ECALL)
ecm:
    ecall
    CHECK_TRAP(15, CAUSE_MACHINE_ECALL, 0)
    CHECK_EPC(16, ecm)

    /* 17-19: ecall from S: cause 9, MPP = S recorded in mstatus. */
    EXPECT_TRAP_AT(CAUSE_SUPERVISOR_ECALL, back_s)
    GO_MODE(PRV_S, in_s)
in_s:
    ecall
back_s:
    CHECK_TRAP(17, CAUSE_SUPERVISOR_ECALL, 0)
    CHECK_EPC(18, in_s)
    CHECK_TRAP_MSTATUS(19, MSTATUS_MPP, PRV_S << 11)

    /* 20-22: ecall from U: cause 8, MPP = U. */
    EXPECT_TRAP_AT(CAUSE_USER_ECALL, back_u)
    GO_MODE(PRV_U, in_u)
in_u:
    ecall
back_u:
    CHECK_TRAP(20, CAUSE_USER_ECALL, 0)
    CHECK_EPC(21, in_u)
    CHECK_TRAP_MSTATUS(22, MSTATUS_MPP, PRV_U << 11)

    /* 23-30: load/store access faults at unmapped physical addresses. */
    li a1, 0
    EXPECT_TRAP(CAUSE_LOAD_ACCESS)
ld0:
    ld a0, 0(a1)
    CHECK_TRAP(23, CAUSE_LOAD_ACCESS, 0)
    CHECK_EPC(24, ld0)
    li a1, 0x100
    EXPECT_TRAP(CAUSE_LOAD_ACCESS)
    lbu a0, 8(a1)
    CHECK_TRAP(25, CAUSE_LOAD_ACCESS, 0x108)
    li a1, 0x40
    EXPECT_TRAP(CAUSE_STORE_ACCESS)
st0:
    sw a1, 0(a1)
    CHECK_TRAP(26, CAUSE_STORE_ACCESS, 0x40)
    CHECK_EPC(27, st0)
    /* far beyond RAM, above any device */
    li a1, 0x4000000000
    EXPECT_TRAP(CAUSE_LOAD_ACCESS)
    lw a0, 0(a1)
    CHECK_TRAP(28, CAUSE_LOAD_ACCESS, 0x4000000000)
    EXPECT_TRAP(CAUSE_STORE_ACCESS)
    sd a0, 16(a1)
    CHECK_TRAP(29, CAUSE_STORE_ACCESS, 0x4000000010)
    /* (AMO faults: QEMU reports cause 5, rivet 7; see rivet_excp) */

    /* 31-33: instruction access fault: jump to an unmapped address: mepc
     * and mtval = that address, cause 1. */
    li a1, 0x200
    EXPECT_TRAP_AT(CAUSE_FETCH_ACCESS, back_f)
    jr a1
back_f:
    CHECK_TRAP(31, CAUSE_FETCH_ACCESS, 0x200)
    CHECK_EPC_VAL(32, 0x200)
    li a1, 0x4000000000
    EXPECT_TRAP_AT(CAUSE_FETCH_ACCESS, back_f2)
    jalr a1
back_f2:
    CHECK_TRAP(33, CAUSE_FETCH_ACCESS, 0x4000000000)
    CHECK_EPC_VAL(34, 0x4000000000)

    /* 35-36: same from U-mode: the access fault goes to M with MPP = U. */
    EXPECT_TRAP_AT(CAUSE_LOAD_ACCESS, back_ul)
    GO_MODE(PRV_U, in_ul)
in_ul:
    li a1, 0x10
    ld a0, 0(a1)
back_ul:
    CHECK_TRAP(35, CAUSE_LOAD_ACCESS, 0x10)
    CHECK_TRAP_MSTATUS(36, MSTATUS_MPP, PRV_U << 11)

    /* 37-40: addresses beyond the physical address width do not alias RAM:
     * RAM's address with bit 63 (or bit 56) set faults in M (bare) */
    la a1, data_word
    li t0, 1
    slli t0, t0, 63
    or a1, a1, t0
    EXPECT_TRAP(CAUSE_LOAD_ACCESS)
    ld a0, 0(a1)
    CHECK_TRAP_REG(37, CAUSE_LOAD_ACCESS, a1)
    la a1, data_word
    li t0, 1
    slli t0, t0, 56
    or a1, a1, t0
    EXPECT_TRAP(CAUSE_STORE_ACCESS)
    sd a0, 0(a1)
    CHECK_TRAP_REG(38, CAUSE_STORE_ACCESS, a1)
    la a1, back_f3
    li t0, 1
    slli t0, t0, 63
    or a1, a1, t0
    EXPECT_TRAP_AT(CAUSE_FETCH_ACCESS, back_f3)
    jr a1
back_f3:
    CHECK_TRAP_REG(39, CAUSE_FETCH_ACCESS, a1)
    li TESTNUM, 40
    la t6, trap_epc
    ld t5, 0(t6)
    bne t5, a1, fail
    .pushsection .data
    .align 3
data_word: .dword 0
    .popsection
PRIV_END
