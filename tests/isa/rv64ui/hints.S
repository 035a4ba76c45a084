# HINTs and may-be-nothing instructions of the RVA23 profile, on the max
# model: pause (Zihintpause), ntl.p1/pall/s1/all and their compressed forms
# (Zihintntl: add x0, x0, x2..x5 and c.add x0, x2..x5) and the Zicbop
# prefetches, whose addresses are never checked (unmapped ones included).
# None traps and none changes a register. binutils 2.40 lacks Zihintntl:
# the ntl hints are written as the adds they are.
# isa-march: rv64gc_zicbop_zihintpause
# isa-args: -cpu max
#include "test.h"
TEST_BEGIN
    li a0, 0x1234
    li a1, 8
    mv a2, sp
    pause
    add x0, x0, x2  /* ntl.p1 */
    add x0, x0, x3  /* ntl.pall */
    add x0, x0, x4  /* ntl.s1 */
    add x0, x0, x5  /* ntl.all */
    .2byte 0x900a   /* c.ntl.p1: c.add x0, x2 */
    .2byte 0x900e   /* c.ntl.pall */
    .2byte 0x9012   /* c.ntl.s1 */
    .2byte 0x9016   /* c.ntl.all */
    prefetch.r 0(a1)
    prefetch.w 32(a1)
    prefetch.i -32(a1)
    CHECK(1, a0, 0x1234)
    CHECK(2, a1, 8)
    CHECK_REG(3, a2, sp)
    CHECK(4, x0, 0)
TEST_END
