/*
 * zfa.h: what the Zfa test programs (rv64uzfa) share: the fmt field, load
 * and check macros of each format by suffix (h, s, d), the rounding modes
 * by name, and ZFA_RR for the two-operand instructions (binutils 2.40 has
 * no Zfa, so they are written with .insn). Include after test.h.
 */
#ifndef RIVET_ISA_ZFA_H
#define RIVET_ISA_ZFA_H
#define NX     FFLAG_NX
/* fmt field per suffix, and the load/check macros of each format */
#define FMT_h  2
#define FMT_s  0
#define FMT_d  1
#define LD_h   LOAD_FH
#define LD_s   LOAD_FS
#define LD_d   LOAD_FD
#define CK_h   CHECK_FH
#define CK_s   CHECK_FS
#define CK_d   CHECK_FD
#define RM_rne 0
#define RM_rtz 1
#define RM_rdn 2
#define RM_rup 3
#define RM_rmm 4

/* fd = op(fa1, fa2) with funct3 f3 and funct7 base f7 of format sfx */
/* clang-format off */
#define ZFA_RR(sfx, n, f3, f7, result, flags, a, b)                           \
    LD_##sfx(fa1, a);                                                         \
    LD_##sfx(fa2, b);                                                         \
    csrwi fflags, 0;                                                          \
    .insn r 0x53, f3, (f7) | FMT_##sfx, fa0, fa1, fa2;                        \
    CHECK_FFLAGS(n, flags);                                                   \
    CK_##sfx(n, fa0, result)
/* clang-format on */

#endif
