# Misaligned loads and stores: rivet performs them in hardware (the spec
# allows either that or a trap, unprivileged spec 2.6); check every width at
# every misalignment, values with sign/zero extension, and accesses that
# cross an 8-byte boundary and a 4 KiB page boundary.
#include "test.h"
TEST_BEGIN
    la s0, bytes                 # bytes[i] = 0x80 + i for i = 0..15
    lh  a0, 1(s0);  CHECK(1, a0, 0xffffffffffff8281)
    lhu a0, 1(s0);  CHECK(2, a0, 0x8281)
    lh  a0, 7(s0);  CHECK(3, a0, 0xffffffffffff8887)   # crosses 8-byte boundary
    lw  a0, 1(s0);  CHECK(4, a0, 0xffffffff84838281)
    lw  a0, 2(s0);  CHECK(5, a0, 0xffffffff85848382)
    lw  a0, 3(s0);  CHECK(6, a0, 0xffffffff86858483)
    lwu a0, 5(s0);  CHECK(7, a0, 0x0000000088878685)
    lwu a0, 7(s0);  CHECK(8, a0, 0x000000008a898887)
    ld  a0, 1(s0);  CHECK(9, a0, 0x8887868584838281)
    ld  a0, 4(s0);  CHECK(10, a0, 0x8b8a898887868584)
    ld  a0, 7(s0);  CHECK(11, a0, 0x8e8d8c8b8a898887)
    # misaligned stores
    la s1, buf
    sd zero, 0(s1)
    sd zero, 8(s1)
    li a2, 0x1122
    sh a2, 3(s1)
    li a2, 0x33445566
    sw a2, 6(s1)                 # crosses the 8-byte boundary
    ld a0, 0(s1);   CHECK(12, a0, 0x5566001122000000)
    ld a0, 8(s1);   CHECK(13, a0, 0x0000000000003344)
    li a2, 0x0102030405060708
    sd a2, 5(s1)
    ld a0, 0(s1);   CHECK(14, a0, 0x0607081122000000)
    ld a0, 8(s1);   CHECK(15, a0, 0x0000000102030405)
    lhu a0, 5(s1);  CHECK(16, a0, 0x0708)
    # page-crossing accesses: page_end is the last 8 bytes of a page, followed
    # by page_next (bytes 0xa0 + i, 0xb0 + i)
    la s2, page_next
    ld a0, -4(s2);  CHECK(17, a0, 0xb3b2b1b0a7a6a5a4)
    lw a0, -2(s2);  CHECK(18, a0, 0xffffffffb1b0a7a6)
    lh a0, -1(s2);  CHECK(19, a0, 0xffffffffffffb0a7)
    lwu a0, -3(s2); CHECK(20, a0, 0x00000000b0a7a6a5)
    ld a0, -7(s2);  CHECK(21, a0, 0xb0a7a6a5a4a3a2a1)
    li a2, 0x1122334455667788
    sd a2, -3(s2)
    ld a0, -8(s2);  CHECK(22, a0, 0x667788a4a3a2a1a0)
    ld a0, 0(s2);   CHECK(23, a0, 0xb7b6b51122334455)
    li a2, 0xcafe
    sh a2, -1(s2)
    lbu a0, -1(s2); CHECK(24, a0, 0xfe)
    lbu a0, 0(s2);  CHECK(25, a0, 0xca)
    li a2, 0xdeadbeef
    sw a2, -2(s2)
    lw a0, -2(s2);  CHECK(26, a0, 0xffffffffdeadbeef)
    ld a0, -8(s2);  CHECK(27, a0, 0xbeef88a4a3a2a1a0)
    ld a0, 0(s2);   CHECK(28, a0, 0xb7b6b5112233dead)
TEST_END
TEST_DATA_BEGIN
    .align 4
bytes: .byte 0x80,0x81,0x82,0x83,0x84,0x85,0x86,0x87,0x88,0x89,0x8a,0x8b,0x8c,0x8d,0x8e,0x8f
buf:   .dword 0, 0, 0
    .align 12
    .skip 4096 - 8
page_end:  .byte 0xa0,0xa1,0xa2,0xa3,0xa4,0xa5,0xa6,0xa7
page_next: .byte 0xb0,0xb1,0xb2,0xb3,0xb4,0xb5,0xb6,0xb7
