# Zbc: clmul, clmulh, clmulr (carry-less products: bits 63:0, 127:64 and
# 126:63), including rd = rs1/rs2 and x0 as a destination.
# Expected values from a Python model of the Zbc spec, checked on QEMU 7.2
# (-cpu rv64,zbc=true).
# isa-march: rv64gc_zbc
# isa-args: -cpu rv64,zbc=on
#include "test.h"
TEST_BEGIN
    TEST_RR(1, clmul, 0x0000000000000000, 0x0000000000000000, 0x0000000000000000)
    TEST_RR(2, clmul, 0x0000000000000001, 0x0000000000000001, 0x0000000000000001)
    TEST_RR(3, clmul, 0x5555555555555555, 0xffffffffffffffff, 0xffffffffffffffff)
    TEST_RR(4, clmul, 0x0000000000000000, 0x8000000000000000, 0x8000000000000000)
    TEST_RR(5, clmul, 0x40a0789828c810f0, 0x0123456789abcdef, 0xfedcba9876543210)
    TEST_RR(6, clmul, 0x2222222222222222, 0x5555555555555555, 0xaaaaaaaaaaaaaaaa)
    TEST_RR(7, clmul, 0xffffffffffffffff, 0xffffffffffffffff, 0x0000000000000001)
    TEST_RR(8, clmul, 0xffffffffffffffff, 0x0000000000000001, 0xffffffffffffffff)
    TEST_RR(9, clmul, 0xbd5b7ddf95fde01a, 0xdeadbeefcafef00d, 0x0000000000000002)
    TEST_RR(10, clmul, 0x0000000000000001, 0x8000000000000001, 0x8000000000000001)
    TEST_RR(11, clmul, 0x5555555555555555, 0x00000000ffffffff, 0x00000000ffffffff)
    TEST_RR(12, clmul, 0x89969da903071878, 0xb9096a04e7d80068, 0xc963cfe0afae5a3b)
    TEST_RR(13, clmul, 0x0adb76ced95fd588, 0xe1454c40c439f34a, 0x26b563b1e794ee14)
    TEST_RR(14, clmul, 0x5330a7cf958af8fb, 0xac8be7d742840d2b, 0xd96e5adfa2beee31)
    TEST_RR(15, clmul, 0x705cab5de70cfa4c, 0x19fcfc64e7aa8576, 0x53d23c0bdf43efb2)
    TEST_RR(16, clmulh, 0x0000000000000000, 0x0000000000000000, 0x0000000000000000)
    TEST_RR(17, clmulh, 0x0000000000000000, 0x0000000000000001, 0x0000000000000001)
    TEST_RR(18, clmulh, 0x5555555555555555, 0xffffffffffffffff, 0xffffffffffffffff)
    TEST_RR(19, clmulh, 0x4000000000000000, 0x8000000000000000, 0x8000000000000000)
    TEST_RR(20, clmulh, 0x00e038d8688850b0, 0x0123456789abcdef, 0xfedcba9876543210)
    TEST_RR(21, clmulh, 0x2222222222222222, 0x5555555555555555, 0xaaaaaaaaaaaaaaaa)
    TEST_RR(22, clmulh, 0x0000000000000000, 0xffffffffffffffff, 0x0000000000000001)
    TEST_RR(23, clmulh, 0x0000000000000000, 0x0000000000000001, 0xffffffffffffffff)
    TEST_RR(24, clmulh, 0x0000000000000001, 0xdeadbeefcafef00d, 0x0000000000000002)
    TEST_RR(25, clmulh, 0x4000000000000000, 0x8000000000000001, 0x8000000000000001)
    TEST_RR(26, clmulh, 0x0000000000000000, 0x00000000ffffffff, 0x00000000ffffffff)
    TEST_RR(27, clmulh, 0x778f71912663ba90, 0xb9096a04e7d80068, 0xc963cfe0afae5a3b)
    TEST_RR(28, clmulh, 0x1e0ee91297788a16, 0xe1454c40c439f34a, 0x26b563b1e794ee14)
    TEST_RR(29, clmulh, 0x725f79fec80fb4be, 0xac8be7d742840d2b, 0xd96e5adfa2beee31)
    TEST_RR(30, clmulh, 0x07c1daa465553ece, 0x19fcfc64e7aa8576, 0x53d23c0bdf43efb2)
    TEST_RR(31, clmulr, 0x0000000000000000, 0x0000000000000000, 0x0000000000000000)
    TEST_RR(32, clmulr, 0x0000000000000000, 0x0000000000000001, 0x0000000000000001)
    TEST_RR(33, clmulr, 0xaaaaaaaaaaaaaaaa, 0xffffffffffffffff, 0xffffffffffffffff)
    TEST_RR(34, clmulr, 0x8000000000000000, 0x8000000000000000, 0x8000000000000000)
    TEST_RR(35, clmulr, 0x01c071b0d110a160, 0x0123456789abcdef, 0xfedcba9876543210)
    TEST_RR(36, clmulr, 0x4444444444444444, 0x5555555555555555, 0xaaaaaaaaaaaaaaaa)
    TEST_RR(37, clmulr, 0x0000000000000001, 0xffffffffffffffff, 0x0000000000000001)
    TEST_RR(38, clmulr, 0x0000000000000001, 0x0000000000000001, 0xffffffffffffffff)
    TEST_RR(39, clmulr, 0x0000000000000003, 0xdeadbeefcafef00d, 0x0000000000000002)
    TEST_RR(40, clmulr, 0x8000000000000000, 0x8000000000000001, 0x8000000000000001)
    TEST_RR(41, clmulr, 0x0000000000000000, 0x00000000ffffffff, 0x00000000ffffffff)
    TEST_RR(42, clmulr, 0xef1ee3224cc77521, 0xb9096a04e7d80068, 0xc963cfe0afae5a3b)
    TEST_RR(43, clmulr, 0x3c1dd2252ef1142c, 0xe1454c40c439f34a, 0x26b563b1e794ee14)
    TEST_RR(44, clmulr, 0xe4bef3fd901f697c, 0xac8be7d742840d2b, 0xd96e5adfa2beee31)
    TEST_RR(45, clmulr, 0x0f83b548caaa7d9c, 0x19fcfc64e7aa8576, 0x53d23c0bdf43efb2)
    li a1, 0x0123456789abcdef
    clmul a1, a1, a1
    CHECK(46, a1, 0x4041444550515455)
    li a1, 3
    li a2, 0x8000000000000001
    clmulh a2, a1, a2
    CHECK(47, a2, 1)
    TEST_RR_X0(48, clmulr, 0xffffffffffffffff, 0xffffffffffffffff)
TEST_END
