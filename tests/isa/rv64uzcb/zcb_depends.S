# Zcb's forms of other extensions need them: with Zbb off, c.sext.b,
# c.zext.h and c.sext.h are illegal; with M off, c.mul; c.zext.b, c.zext.w
# (Zba) and c.not still work. Hand-encoded from the Zc 1.0 figures.
# isa-args: -cpu rv64,zcb=on,zbb=off,m=off
#include "test.h"

TEST_BEGIN
    EXPECT_TRAP(CAUSE_ILLEGAL_INSN)
    .2byte 0x9d65 /* c.sext.b a0 */
    CHECK_TRAP(1, CAUSE_ILLEGAL_INSN, 0x9d65)
    EXPECT_TRAP(CAUSE_ILLEGAL_INSN)
    .2byte 0x9d69 /* c.zext.h a0 */
    CHECK_TRAP(2, CAUSE_ILLEGAL_INSN, 0x9d69)
    EXPECT_TRAP(CAUSE_ILLEGAL_INSN)
    .2byte 0x9d6d /* c.sext.h a0 */
    CHECK_TRAP(3, CAUSE_ILLEGAL_INSN, 0x9d6d)
    EXPECT_TRAP(CAUSE_ILLEGAL_INSN)
    .2byte 0x9d4d /* c.mul a0, a1 */
    CHECK_TRAP(4, CAUSE_ILLEGAL_INSN, 0x9d4d)
    li a0, 0x123456789abcdef1
    .2byte 0x9d61 /* c.zext.b a0 */
    CHECK(5, a0, 0xf1)
    li a0, 0x123456789abcdef1
    .2byte 0x9d71 /* c.zext.w a0 */
    CHECK(6, a0, 0x9abcdef1)
    li a0, 0
    .2byte 0x9d75 /* c.not a0 */
    CHECK(7, a0, -1)
TEST_END
