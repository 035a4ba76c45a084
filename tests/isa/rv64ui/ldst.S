# RV64I loads and stores (unprivileged spec 2.6 / 4.3): every width, sign vs
# zero extension, positive and negative offsets, stores writing only their
# bytes, x0 as load destination, store then load of the same address.
#include "test.h"
TEST_BEGIN
    la s0, data
    # loads from data = 0x8070605004f302f1 0x0123456789abcdef
    lb  a0, 0(s0);  CHECK(1, a0, 0xfffffffffffffff1)
    lbu a0, 0(s0);  CHECK(2, a0, 0x00000000000000f1)
    lb  a0, 1(s0);  CHECK(3, a0, 0x0000000000000002)
    lb  a0, 7(s0);  CHECK(4, a0, 0xffffffffffffff80)
    lbu a0, 7(s0);  CHECK(5, a0, 0x0000000000000080)
    lh  a0, 0(s0);  CHECK(6, a0, 0x00000000000002f1)
    lh  a0, 2(s0);  CHECK(7, a0, 0x00000000000004f3)
    lh  a0, 6(s0);  CHECK(8, a0, 0xffffffffffff8070)
    lhu a0, 6(s0);  CHECK(9, a0, 0x0000000000008070)
    lw  a0, 0(s0);  CHECK(10, a0, 0x0000000004f302f1)
    lw  a0, 4(s0);  CHECK(11, a0, 0xffffffff80706050)
    lwu a0, 4(s0);  CHECK(12, a0, 0x0000000080706050)
    ld  a0, 0(s0);  CHECK(13, a0, 0x8070605004f302f1)
    ld  a0, 8(s0);  CHECK(14, a0, 0x0123456789abcdef)
    lw  a0, 12(s0); CHECK(15, a0, 0x0000000001234567)
    lwu a0, 8(s0);  CHECK(16, a0, 0x0000000089abcdef)
    lh  a0, 8(s0);  CHECK(17, a0, 0xffffffffffffcdef)
    lhu a0, 8(s0);  CHECK(18, a0, 0x000000000000cdef)
    # negative offsets
    addi s1, s0, 16
    ld  a0, -8(s1); CHECK(19, a0, 0x0123456789abcdef)
    lb  a0, -1(s1); CHECK(20, a0, 0x0000000000000001)
    lw  a0, -16(s1); CHECK(21, a0, 0x0000000004f302f1)
    addi s1, s0, 2047
    lbu a0, -2047(s1); CHECK(22, a0, 0xf1)
    li s1, 2048
    add s1, s0, s1
    lbu a0, -2048(s1); CHECK(23, a0, 0xf1)
    # x0 destination: no write
    lw x0, 0(s0);  CHECK(24, x0, 0)
    ld x0, 0(s0);  CHECK(25, x0, 0)

    la s0, buf
    li a1, -1
    sd a1, 0(s0)
    sd a1, 8(s0)
    # sb writes one byte only
    li a2, 0x1234567890abcd00
    sb a2, 1(s0)
    ld a0, 0(s0);  CHECK(26, a0, 0xffffffffffff00ff)
    # sh writes two bytes
    li a2, 0x1234
    sh a2, 4(s0)
    ld a0, 0(s0);  CHECK(27, a0, 0xffff1234ffff00ff)
    # sw writes four bytes (upper register bits ignored)
    li a2, 0xaaaaaaaa87654321
    sw a2, 8(s0)
    ld a0, 8(s0);  CHECK(28, a0, 0xffffffff87654321)
    lw a0, 8(s0);  CHECK(29, a0, 0xffffffff87654321)
    # sd writes eight bytes, negative offset
    addi s1, s0, 16
    li a2, 0x0102030405060708
    sd a2, -16(s1)
    ld a0, 0(s0);  CHECK(30, a0, 0x0102030405060708)
    lbu a0, 0(s0); CHECK(31, a0, 0x08)
    lbu a0, 7(s0); CHECK(32, a0, 0x01)
    ld a0, 8(s0);  CHECK(33, a0, 0xffffffff87654321)
    # sb of 0x80 then lb sign-extends
    li a2, 0x80
    sb a2, 3(s0)
    lb a0, 3(s0);  CHECK(34, a0, 0xffffffffffffff80)
    ld a0, 0(s0);  CHECK(35, a0, 0x0102030480060708)
    # store of x0
    sw x0, 4(s0)
    ld a0, 0(s0);  CHECK(36, a0, 0x0000000080060708)
    sh x0, 0(s0)
    sb x0, 2(s0)
    ld a0, 0(s0);  CHECK(37, a0, 0x0000000080000000)
    # load into the base register
    la s1, ptr
    ld s1, 0(s1)
    ld s1, 0(s1)
    CHECK(38, s1, 0x0123456789abcdef)
    # load/store each width round trip with sign boundary values
    li a2, 0xffffffffffff8000
    sh a2, 0(s0)
    lh a0, 0(s0);  CHECK(39, a0, 0xffffffffffff8000)
    lhu a0, 0(s0); CHECK(40, a0, 0x8000)
    li a2, 0x7fff
    sh a2, 0(s0)
    lh a0, 0(s0);  CHECK(41, a0, 0x7fff)
    li a2, 0x7fffffff
    sw a2, 0(s0)
    lw a0, 0(s0);  CHECK(42, a0, 0x7fffffff)
    lwu a0, 0(s0); CHECK(43, a0, 0x7fffffff)
TEST_END
TEST_DATA_BEGIN
    .align 4
data: .dword 0x8070605004f302f1, 0x0123456789abcdef
buf:  .dword 0, 0, 0, 0
ptr:  .dword data + 8
