#!/usr/bin/env python3
"""Writes the Zvbb/Zvkb tests of tests/isa/rvv (zvbb.S, zvkb.S, zvbb_off.S,
zvbb_rva23.S) from a model of the vector cryptography spec 1.0 ("Zvbb",
"Zvkb") written here, element by element, for VLEN = 128.

Each check loads vs2 (v8..), vs1 (v12..), the old vd (v4..) and v0 from
data, sets vstart when the check says so, runs one instruction and compares
the whole destination group with the model: elements below vstart, past vl
(tail) and inactive ones undisturbed, which is rivet's policy for agnostic
elements too (some checks use ta, ma to show it). Debian's binutils 2.40
has no Zvbb, so the instructions are .word with the mnemonic in a comment.
QEMU 7.2 has no Zvbb either: the model is the only reference. The generated
files are committed. Run from anywhere:

    python3 tests/isa/rvv/gen_zvbb.py
"""
import random

import gen_tests
from gen_tests import VLENB, elems, mask_bit, rand_bytes, to_bytes

FUNCT3 = {"vv": 0, "vi": 3, "vx": 4, "mv": 2}
A1 = 11  # x11, the scalar operand


def rotl(a, k, n):
    k &= n - 1
    return ((a << k) | (a >> (n - k))) & ((1 << n) - 1)


def brev(a, n):
    return int(format(a, "0%db" % n)[::-1], 2)


def rev8(a, n):
    return int.from_bytes(a.to_bytes(n // 8, "little"), "big")


def clz(a, n):
    return n - a.bit_length()


def ctz(a, n):
    return n if a == 0 else (a & -a).bit_length() - 1


# name: (funct6, forms, kind, model(a, b, n), needs). kind: op (SEW ->
# SEW), wide (SEW -> 2*SEW), unary (vs1 field = its selector, b unused).
OPS = {
    "vandn": (0x01, ("vv", "vx"), "op", lambda a, b, n: a & ~b, "zvkb"),
    "vror": (0x14, ("vv", "vx", "vi"), "op", lambda a, b, n: rotl(a, n - (b & (n - 1)), n), "zvkb"),
    "vrol": (0x15, ("vv", "vx"), "op", lambda a, b, n: rotl(a, b, n), "zvkb"),
    "vwsll": (0x35, ("vv", "vx", "vi"), "wide", lambda a, b, n: a << (b & (2 * n - 1)), "zvbb"),
    "vbrev8": (0x12, (8,), "unary", lambda a, b, n: int.from_bytes(bytes(brev(x, 8) for x in a.to_bytes(n // 8, "little")),
                                                                  "little"), "zvkb"),
    "vrev8": (0x12, (9,), "unary", lambda a, b, n: rev8(a, n), "zvkb"),
    "vbrev": (0x12, (10,), "unary", lambda a, b, n: brev(a, n), "zvbb"),
    "vclz": (0x12, (12,), "unary", lambda a, b, n: clz(a, n), "zvbb"),
    "vctz": (0x12, (13,), "unary", lambda a, b, n: ctz(a, n), "zvbb"),
    "vcpop": (0x12, (14,), "unary", lambda a, b, n: bin(a).count("1"), "zvbb"),
}


def encode(op, form, vd, vs2, field, masked):
    """The instruction's bits; field is vs1, rs1 or the immediate's low 5 bits."""
    f6, forms, kind, _, _ = OPS[op]
    funct3 = FUNCT3["mv" if kind == "unary" else form]
    if kind == "unary":
        field = forms[0]
    return (f6 << 26) | ((0 if masked else 1) << 25) | (vs2 << 20) | ((field & 31) << 15) | (funct3 << 12) | \
        (vd << 7) | 0x57


def mnemonic(op, form, vd, vs2, src, masked):
    kind = OPS[op][2]
    if kind == "unary":
        text = "%s.v v%d, v%d" % (op, vd, vs2)
    else:
        text = "%s.%s v%d, v%d, %s" % (op, form, vd, vs2, src)
    return text + (", v0.t" if masked else "")


class Gen(gen_tests.Gen):
    def __init__(self, name, title, args, seed):
        super().__init__(name, title, seed)
        self.args = args

    def case(self, op, form, sew, vl, masked=False, vstart=0, lmul=1, imm=None, ta=False, scalar=None,
             a=None):
        """One check of op.form at SEW 8*sew, LMUL lmul, vl elements from vstart."""
        f6, forms, kind, fn, _ = OPS[op]
        n = 8 * sew
        rng = self.rng
        self.n += 1
        t = self.n
        wide = kind == "wide"
        regs, d_regs = lmul, 2 * lmul if wide else lmul
        a = a if a is not None else rand_bytes(rng, VLENB * regs)
        b = rand_bytes(rng, VLENB * regs)
        d = rand_bytes(rng, VLENB * d_regs)
        m = rand_bytes(rng, VLENB)
        ae, be, de = elems(a, n), elems(b, n), elems(d, 2 * n if wide else n)
        if form == "vx":
            scalar = scalar if scalar is not None else int.from_bytes(rand_bytes(rng, 8), "little")
            bval = scalar & ((1 << n) - 1)
        elif form == "vi":
            imm = imm if imm is not None else rng.randrange(64 if op == "vror" else 32)
            bval = imm
        res = list(de)
        for i in range(vstart, vl):
            if masked and not mask_bit(m, i):
                continue
            bi = be[i] if form == "vv" else bval if form in ("vx", "vi") else 0
            res[i] = fn(ae[i], bi, n)
        out = to_bytes(res, 2 * n if wide else n)
        for lab, data in (("a", a), ("b", b), ("d", d), ("m", m), ("e", out)):
            self.blob("%s%d" % (lab, t), data)
        src = {"vv": "v12", "vx": "a1", "vi": str(imm)}.get(form, "")
        field = {"vv": 12, "vx": A1, "vi": imm}.get(form, 0)
        c = self.code
        c.append("    /* %d: %s e%d m%d vl=%d%s%s%s */" % (t, mnemonic(op, form, 4, 8, src, masked), n, lmul, vl,
                                                       " vstart=%d" % vstart if vstart else "", " ta ma" if ta else "",
                                                       ""))
        c.append("    li t0, %d" % vl)
        c.append("    vsetvli x0, t0, e%d, m%d, %s" % (n, lmul, "ta, ma" if ta else "tu, mu"))
        for label, reg, k in (("a", "v8", regs), ("b", "v12", regs), ("d", "v4", d_regs), ("m", "v0", 1)):
            c.append("    la a0, %s%d" % (label, t))
            c.append("    vl%dre8.v %s, (a0)" % (k, reg))
        if form == "vx":
            c.append("    li a1, 0x%x" % scalar)
        if vstart:
            c.append("    csrwi vstart, %d" % vstart)
        word = encode(op, form, 4, 8, field, masked)
        if op == "vror" and form == "vi":
            word |= (imm >> 5) << 26
        c.append("    .word 0x%08x" % word)
        c.append("    csrr a0, vstart")
        c.append("    CHECK(%d, a0, 0)" % t)
        c.append("    la a0, vbuf")
        c.append("    vs%dr.v v4, (a0)" % d_regs)
        c.append("    CHECK_MEM(%d, vbuf, e%d, %d)" % (t, t, VLENB * d_regs))

    def illegal(self, title, word, setup="    SETVL(16, e8, m1)"):
        """The instruction traps as an illegal instruction with tval = its bits."""
        self.n += 1
        t = self.n
        c = self.code
        c.append("    /* %d: %s is illegal */" % (t, title))
        c.append(setup)
        c.append("    EXPECT_TRAP(CAUSE_ILLEGAL_INSN)")
        c.append("    .word 0x%08x" % word)
        c.append("    CHECK_TRAP(%d, CAUSE_ILLEGAL_INSN, 0x%08x)" % (t, word))

    def write(self):
        super().write("", " * Generated by gen_zvbb.py (its model of the vector crypto spec 1.0;\n"
                      " * QEMU 7.2 has no Zvbb).\n", self.args)


def edge_bytes(n, regs):
    """Elements 0, all ones, one bit at the top and at the bottom, then random."""
    rng = random.Random(n)
    k = VLENB * regs * 8 // n
    vals = [0, (1 << n) - 1, 1 << (n - 1), 1] + [rng.getrandbits(n) >> rng.randrange(n) for _ in range(k - 4)]
    return to_bytes(vals, n)


def gen_zvbb():
    g = Gen("zvbb", "every Zvbb instruction at every SEW: .vv/.vx/.vi, masked, vstart > 0, tail "
            "policies, LMUL 2, and its reserved encodings.", "-cpu rv64,v=true,zvbb=true", 21)
    sews = [1, 2, 4, 8]
    k = 0
    for op, (f6, forms, kind, fn, need) in OPS.items():
        for form in forms:
            form = form if kind != "unary" else "v"
            for j, sew in enumerate(sews if kind != "wide" else [1, 2, 4]):
                k += 1
                vlmax = VLENB // sew
                a = edge_bytes(8 * sew, 1) if kind == "unary" else None
                g.case(op, form, sew, vlmax if k % 3 else vlmax - 1, masked=k % 4 == 1, vstart=(k % 5 == 2) * 2,
                       ta=k % 7 == 3, a=a)
    # LMUL 2, vl past the first register, vstart in the second
    g.case("vandn", "vv", 2, 12, lmul=2, vstart=9)
    g.case("vror", "vx", 4, 7, lmul=2, masked=True)
    g.case("vclz", "v", 1, 32, lmul=2, a=edge_bytes(8, 2))
    g.case("vwsll", "vv", 1, 20, lmul=2, vstart=3)
    # shift amounts: only the low log2(SEW) (vwsll: log2(2*SEW)) bits count;
    # vror.vi's sixth bit
    for sew in sews:
        g.case("vrol", "vx", sew, VLENB // sew, scalar=(1 << 63) | (8 * sew + 3))
        g.case("vror", "vi", sew, VLENB // sew, imm=32 + 5)
    for sew in [1, 2, 4]:
        g.case("vwsll", "vx", sew, VLENB // sew, scalar=(1 << 40) | (16 * sew - 1))
        g.case("vwsll", "vi", sew, VLENB // sew, imm=31)
    # reserved: vwsll at SEW 64, a widening vd over vs2's low part, vd = v0
    # when masked, a misaligned LMUL 2 group
    g.illegal("vwsll.vv e64", encode("vwsll", "vv", 4, 8, 12, False), "    SETVL(2, e64, m1)")
    g.illegal("vwsll.vv v8, v8, v12", encode("vwsll", "vv", 8, 8, 12, False))
    g.illegal("vandn.vv v0, v8, v12, v0.t", encode("vandn", "vv", 0, 8, 12, True))
    g.illegal("vclz.v v0, v8, v0.t", encode("vclz", "v", 0, 8, 0, True))
    g.illegal("vcpop.v v4, v9 at m2", encode("vcpop", "v", 4, 9, 0, False), "    SETVL(32, e8, m2)")
    g.illegal("VXUNARY0 vs1 = 11", encode("vclz", "v", 4, 8, 0, False) & ~(31 << 15) | (11 << 15))
    g.illegal("VXUNARY0 vs1 = 15", encode("vclz", "v", 4, 8, 0, False) & ~(31 << 15) | (15 << 15))
    g.write()


def gen_zvkb():
    g = Gen("zvkb", "Zvkb alone: its instructions run, Zvbb's others are illegal.",
            "-cpu rv64,v=true,zvkb=true", 22)
    for op in ["vandn", "vror", "vrol", "vbrev8", "vrev8"]:
        form = OPS[op][1][0] if OPS[op][2] != "unary" else "v"
        g.case(op, form, 4, 4)
    g.case("vror", "vi", 8, 2, imm=40)
    for op in ["vbrev", "vclz", "vctz", "vcpop", "vwsll"]:
        g.illegal(op, encode(op, "vv", 4, 8, 12, False))
    g.write()


def gen_off():
    g = Gen("zvbb_off", "without Zvbb and Zvkb every Zvbb instruction is illegal.", "-cpu rv64,v=true", 23)
    for op, (f6, forms, kind, fn, need) in OPS.items():
        for form in forms if kind != "unary" else ["v"]:
            g.illegal("%s.%s" % (op, form), encode(op, form, 4, 8, 12 if form == "vv" else 3, False))
    g.write()


def gen_rva23():
    g = Gen("zvbb_rva23", "-cpu rva23s64 has Zvbb (RVA23U64 mandates it).", "-cpu rva23s64", 24)
    g.case("vandn", "vx", 8, 2)
    g.case("vcpop", "v", 2, 8)
    g.case("vwsll", "vi", 4, 4, imm=17)
    g.write()


if __name__ == "__main__":
    gen_zvbb()
    gen_zvkb()
    gen_off()
    gen_rva23()
