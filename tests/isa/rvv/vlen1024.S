/*
 * rvv/vlen1024: -cpu rv64,v=true,vlen=1024: vlenb 128, VLMAX 1024 at e8 m8;
 * a load and store of a whole v24-v31 group (the top of the register
 * file), and a sum over 1024 elements.
 * Checked on QEMU 7.2 (-M spike -cpu rv64,v=true,vlen=1024).
 */
# isa-march: rv64gcv
# isa-args: -cpu rv64,v=true,vlen=1024
#include "rvv.h"

TEST_BEGIN
    VS_ON
    csrr a0, vlenb
    CHECK(1, a0, 128)
    vsetvli a0, x0, e8, m8, ta, ma
    CHECK(2, a0, 1024)
    vsetvli a0, x0, e32, mf2, ta, ma
    CHECK(3, a0, 16)
    /* 4: 1024 bytes through v24-v31 */
    vsetvli a0, x0, e8, m8, tu, mu
    la a1, src
    vle8.v v24, (a1)
    la a1, out
    vse8.v v24, (a1)
    CHECK_MEM(4, out, src, 1024)
    /* 5: the sum of 1024 bytes 0..255 (four times 32640 = 130560) in 16
     * bits, 0xfe00, which vmv.x.s sign-extends */
    vsetvli a0, x0, e16, m1, tu, mu
    vmv.v.i v1, 0
    vsetvli a0, x0, e8, m8, tu, mu
    vwredsumu.vs v1, v24, v1
    vsetvli a0, x0, e16, m1, tu, mu
    vmv.x.s a0, v1
    CHECK(5, a0, -512)
TEST_END
RVV_HELPERS

TEST_DATA_BEGIN
COUNTING_BYTES(src)
COUNTING_BYTES(src1)
COUNTING_BYTES(src2)
COUNTING_BYTES(src3)
out: .zero 1024
