# Zbkc: clmul and clmulh, without Zbc (whose clmulr is then illegal).
# Expected values from a Python model, checked on QEMU 7.2
# (-cpu rv64,zbc=false,zbkc=true).
# isa-march: rv64gc_zbc
# isa-args: -cpu rv64,zbkc=on
#include "test.h"
TEST_BEGIN
    TEST_RR(1, clmul, 0x40a0789828c810f0, 0x0123456789abcdef, 0xfedcba9876543210)
    TEST_RR(2, clmulh, 0x00e038d8688850b0, 0x0123456789abcdef, 0xfedcba9876543210)
    TEST_RR(3, clmul, 0x5555555555555555, 0xffffffffffffffff, 0xffffffffffffffff)
    TEST_RR(4, clmulh, 0x5555555555555555, 0xffffffffffffffff, 0xffffffffffffffff)
    TEST_RR(5, clmul, 0x8000000000000000, 0x8000000000000000, 0x0000000000000003)
    TEST_RR(6, clmulh, 0x0000000000000001, 0x8000000000000000, 0x0000000000000003)
    EXPECT_TRAP(CAUSE_ILLEGAL_INSN)
    clmulr a0, a1, a2
    CHECK_TRAP(7, CAUSE_ILLEGAL_INSN, 0x0ac5a533)
TEST_END
