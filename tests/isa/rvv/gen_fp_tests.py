#!/usr/bin/env python3
"""Writes the vector floating-point tests of tests/isa/rvv (fp_arith.S,
fp_wide.S, fp_cvt.S, fp_misc.S, fp_half.S) from fpmodel.py, an exact model
of IEEE 754 with the RISC-V rules, for VLEN = 128. Each check loads vs2 (v8),
vs1 (v12), the old vd (v4), v0 and the scalar fa0 from data, sets frm, clears
fflags, runs one instruction, and compares the whole destination and fflags
with the model: tail and inactive elements undisturbed, flags only from
active elements. The generated files are committed. Run from anywhere:

    python3 tests/isa/rvv/gen_fp_tests.py
"""
import os
import random

import fpmodel as fm
from gen_tests import VLENB, elems, to_bytes, mask_bit, rand_bytes

HERE = os.path.dirname(os.path.abspath(__file__))
# QEMU 7.2 aborts on vfcvt.rtz.* (an assertion in its translator): to check
# the rest there, NO_RTZ=1 OUT=dir writes the files without those checks.
OUT = os.environ.get("OUT", HERE)
FMTS = {16: fm.F(16), 32: fm.F(32), 64: fm.F(64)}
RM_NAMES = ["rne", "rtz", "rdn", "rup", "rmm"]


def rand_fp(rng, f, special=True, span=6):
    """A pattern of format f: specials often when `special`, else a normal
    number near 1 (exponents within span), so that sums round."""
    if special and rng.randrange(3) == 0:
        sub = rng.randrange(1, 1 << f.m)
        return rng.choice([0, f.sign, f.inf, f.inf | f.sign, f.canon, f.canon | 5, f.inf | 1, f.inf | 3,
                           1, f.sign | 1, f.maxf, f.maxf | f.sign, sub, sub | f.sign,
                           f.bias << f.m, (f.bias << f.m) | f.sign, 1 << f.m])
    exp = f.bias + rng.randrange(-span, span + 1)
    return (rng.randrange(2) << (f.w - 1)) | (exp << f.m) | rng.randrange(1 << f.m)


def scalar_reg(f, v):
    """fa0's 64 bits: v NaN-boxed."""
    return ((1 << 64) - (1 << f.w)) | v if f.w < 64 else v


# Element-wise models: name -> (kind, fn(f, a, b, c, rm) -> (bits, flags)).
# a is vs2's element, b vs1's or the scalar, c the old vd element. Kinds: op,
# unary (vs1 unused), wide (a, b SEW; d 2*SEW), widew (a, d 2*SEW), cmp.
def widen(fn):
    def w(f, a, b, c, rm, wide_a=True):
        t = FMTS[2 * f.w]
        fl = 0
        if wide_a:
            a, f1 = fm.convert(t, f, a, rm)
            fl |= f1
        b, f2 = fm.convert(t, f, b, rm)
        r, f3 = fn(t, a, b, c, rm)
        return r, fl | f2 | f3
    return w


def fma_(order, neg_prod, neg_c):
    def fn(f, a, b, c, rm):
        x, y, z = (b, a, c) if order == "bac" else (b, c, a)
        return fm.fma(f, x, y, z, rm, neg_prod, neg_c)
    return fn


OPS = {
    "vfadd": ("op", lambda f, a, b, c, rm: fm.add(f, a, b, rm)),
    "vfsub": ("op", lambda f, a, b, c, rm: fm.add(f, a, b, rm, sub=True)),
    "vfrsub": ("op", lambda f, a, b, c, rm: fm.add(f, b, a, rm, sub=True)),
    "vfmul": ("op", lambda f, a, b, c, rm: fm.mul(f, a, b, rm)),
    "vfdiv": ("op", lambda f, a, b, c, rm: fm.div(f, a, b, rm)),
    "vfrdiv": ("op", lambda f, a, b, c, rm: fm.div(f, b, a, rm)),
    "vfmin": ("op", lambda f, a, b, c, rm: fm.minmax(f, a, b, False)),
    "vfmax": ("op", lambda f, a, b, c, rm: fm.minmax(f, a, b, True)),
    "vfsgnj": ("op", lambda f, a, b, c, rm: ((a & ~f.sign) | (b & f.sign), 0)),
    "vfsgnjn": ("op", lambda f, a, b, c, rm: ((a & ~f.sign) | (~b & f.sign), 0)),
    "vfsgnjx": ("op", lambda f, a, b, c, rm: (a ^ (b & f.sign), 0)),
    "vfmacc": ("op", fma_("bac", False, False)),
    "vfnmacc": ("op", fma_("bac", True, True)),
    "vfmsac": ("op", fma_("bac", False, True)),
    "vfnmsac": ("op", fma_("bac", True, False)),
    "vfmadd": ("op", fma_("bca", False, False)),
    "vfnmadd": ("op", fma_("bca", True, True)),
    "vfmsub": ("op", fma_("bca", False, True)),
    "vfnmsub": ("op", fma_("bca", True, False)),
    "vfsqrt": ("unary", lambda f, a, b, c, rm: fm.sqrt(f, a, rm)),
    "vfrsqrt7": ("unary", lambda f, a, b, c, rm: fm.rsqrt7(f, a)),
    "vfrec7": ("unary", lambda f, a, b, c, rm: fm.rec7(f, a, rm)),
    "vfclass": ("unary", lambda f, a, b, c, rm: (fm.fclass(f, a), 0)),
    "vfwadd": ("wide", widen(lambda t, a, b, c, rm: fm.add(t, a, b, rm))),
    "vfwsub": ("wide", widen(lambda t, a, b, c, rm: fm.add(t, a, b, rm, sub=True))),
    "vfwmul": ("wide", widen(lambda t, a, b, c, rm: fm.mul(t, a, b, rm))),
    "vfwmacc": ("wide", widen(fma_("bac", False, False))),
    "vfwnmacc": ("wide", widen(fma_("bac", True, True))),
    "vfwmsac": ("wide", widen(fma_("bac", False, True))),
    "vfwnmsac": ("wide", widen(fma_("bac", True, False))),
    "vfwadd.w": ("widew", lambda f, a, b, c, rm: widen(lambda t, a, b, c, rm: fm.add(t, a, b, rm))(
        f, a, b, c, rm, wide_a=False)),
    "vfwsub.w": ("widew", lambda f, a, b, c, rm: widen(lambda t, a, b, c, rm: fm.add(t, a, b, rm, sub=True))(
        f, a, b, c, rm, wide_a=False)),
    "vmfeq": ("cmp", lambda f, a, b, c, rm: fm.compare(f, a, b, "eq")),
    "vmfne": ("cmp", lambda f, a, b, c, rm: fm.compare(f, a, b, "ne")),
    "vmflt": ("cmp", lambda f, a, b, c, rm: fm.compare(f, a, b, "lt")),
    "vmfle": ("cmp", lambda f, a, b, c, rm: fm.compare(f, a, b, "le")),
    "vmfgt": ("cmp", lambda f, a, b, c, rm: fm.compare(f, a, b, "gt")),
    "vmfge": ("cmp", lambda f, a, b, c, rm: fm.compare(f, a, b, "ge")),
}
VS1_FIRST = {"vfmacc", "vfnmacc", "vfmsac", "vfnmsac", "vfmadd", "vfnmadd", "vfmsub", "vfnmsub", "vfwmacc",
             "vfwnmacc", "vfwmsac", "vfwnmsac"}

# Conversions: name -> (shape, fn(fsrc/None, fdst/None, sew, v, rm)); shape:
# single, wide (d 2*SEW), narrow (vs2 2*SEW). Integer widths from the shape.
CVT = {
    "vfcvt.xu.f.v": ("single", "f2i", False, None), "vfcvt.x.f.v": ("single", "f2i", True, None),
    "vfcvt.rtz.xu.f.v": ("single", "f2i", False, fm.RTZ), "vfcvt.rtz.x.f.v": ("single", "f2i", True, fm.RTZ),
    "vfcvt.f.xu.v": ("single", "i2f", False, None), "vfcvt.f.x.v": ("single", "i2f", True, None),
    "vfwcvt.xu.f.v": ("wide", "f2i", False, None), "vfwcvt.x.f.v": ("wide", "f2i", True, None),
    "vfwcvt.rtz.xu.f.v": ("wide", "f2i", False, fm.RTZ), "vfwcvt.rtz.x.f.v": ("wide", "f2i", True, fm.RTZ),
    "vfwcvt.f.xu.v": ("wide", "i2f", False, None), "vfwcvt.f.x.v": ("wide", "i2f", True, None),
    "vfwcvt.f.f.v": ("wide", "f2f", False, None),
    "vfncvt.xu.f.w": ("narrow", "f2i", False, None), "vfncvt.x.f.w": ("narrow", "f2i", True, None),
    "vfncvt.rtz.xu.f.w": ("narrow", "f2i", False, fm.RTZ), "vfncvt.rtz.x.f.w": ("narrow", "f2i", True, fm.RTZ),
    "vfncvt.f.xu.w": ("narrow", "i2f", False, None), "vfncvt.f.x.w": ("narrow", "i2f", True, None),
    "vfncvt.f.f.w": ("narrow", "f2f", False, None), "vfncvt.rod.f.f.w": ("narrow", "rod", False, None),
}


class Gen:
    def __init__(self, name, title, seed, args="-cpu rv64,v=true"):
        self.name, self.title, self.args = name, title, args
        self.rng = random.Random(seed)
        self.code, self.data, self.n = [], [], 0

    def blob(self, label, data):
        self.data.append("%s: .byte %s" % (label, ", ".join("0x%02x" % b for b in data)))

    def fp_bytes(self, f, n, special):
        return to_bytes([rand_fp(self.rng, f, special) for _ in range(n)], f.w)

    def emit(self, t, title, sew, vl, rm, a, b, d, m, x, out, flags, insn, a_regs=1, d_regs=1, lmul="m1"):
        for lab, data in (("a", a), ("b", b), ("d", d), ("m", m), ("e", out)):
            self.blob("%s%d" % (lab, t), data)
        self.data.append("    .align 3\nx%d: .dword 0x%x" % (t, x))
        c = self.code
        c.append("    /* %d: %s */" % (t, title))
        c.append("    SETVL(%d, e%d, %s)" % (vl, sew, lmul))
        for lab, reg, regs in (("a", "v8", a_regs), ("b", "v12", 1), ("d", "v4", d_regs), ("m", "v0", 1)):
            c.append("    la a0, %s%d" % (lab, t))
            c.append("    vl%dre8.v %s, (a0)" % (regs, reg))
        c.append("    la a0, x%d" % t)
        c.append("    fld fa0, 0(a0)")
        c.append("    fsrmi %d" % rm)
        c.append("    csrwi fflags, 0")
        c.append("    " + insn)
        c.append("    la a0, vbuf")
        c.append("    vs%dr.v v4, (a0)" % d_regs)
        c.append("    CHECK_MEM(%d, vbuf, e%d, %d)" % (t, t, VLENB * d_regs))
        c.append("    CHECK_FFLAGS(%d, 0x%x)" % (t, flags))

    def case(self, op, form, sew, vl, masked=False, rm=0, special=True, x=None):
        kind, fn = OPS[op]
        f = FMTS[sew]
        rng = self.rng
        self.n += 1
        t = self.n
        wide_d = kind in ("wide", "widew")
        a_regs = 2 if kind == "widew" else 1
        d_regs = 2 if wide_d else 1
        fa = FMTS[2 * sew] if kind == "widew" else f
        fd = FMTS[2 * sew] if wide_d else f
        a = self.fp_bytes(fa, VLENB * a_regs * 8 // fa.w, special)
        b = self.fp_bytes(f, VLENB * 8 // sew, special)
        d = self.fp_bytes(fd, VLENB * d_regs * 8 // fd.w, special)
        m = rand_bytes(rng, VLENB)
        if x is None:
            x = rand_fp(rng, f, special)
        ae, be, de = elems(a, fa.w), elems(b, sew), elems(d, fd.w)
        flags = 0
        if kind == "cmp":
            out = bytearray(d)
            for i in range(vl):
                if masked and not mask_bit(m, i):
                    continue
                r, fl = fn(f, ae[i], be[i] if form == "vv" else x, 0, rm)
                flags |= fl
                out[i // 8] = (out[i // 8] & ~(1 << (i % 8))) | (int(r) << (i % 8))
            out = bytes(out)
        else:
            res = list(de)
            for i in range(vl):
                if masked and not mask_bit(m, i):
                    continue
                r, fl = fn(f, ae[i], be[i] if form == "vv" else x, de[i], rm)
                res[i], flags = r, flags | fl
            out = to_bytes(res, fd.w)
        if kind == "unary":
            mn, ops = op + ".v", "v4, v8"
        else:
            src = {"vv": "v12", "vf": "fa0"}[form]
            suffix = ("w" if kind == "widew" else "v") + form[1]
            mn = (op[:-2] if kind == "widew" else op) + "." + suffix
            ops = ("v4, %s, v8" % src) if op in VS1_FIRST else ("v4, v8, %s" % src)
        title = "%s e%d vl=%d %s%s%s" % (mn, sew, vl, RM_NAMES[rm], " masked" if masked else "",
                                         "" if special else " (no specials)")
        self.emit(t, title, sew, vl, rm, a, b, d, m, scalar_reg(f, x), out, flags,
                  "%s %s%s" % (mn, ops, ", v0.t" if masked else ""), a_regs, d_regs)

    def cvt(self, op, sew, vl, rm=0, masked=False, special=True):
        shape, kind, signed, fixed_rm = CVT[op]
        rng = self.rng
        self.n += 1
        t = self.n
        src_w = 2 * sew if shape == "narrow" else sew
        dst_w = 2 * sew if shape == "wide" else sew
        a_regs, d_regs = (2 if shape == "narrow" else 1), (2 if shape == "wide" else 1)
        nsrc = VLENB * a_regs * 8 // src_w
        if kind in ("f2i", "f2f", "rod"):
            fs = FMTS[src_w]
            vals = [rand_fp(rng, fs, special, span=40 if kind == "f2i" else 6) for _ in range(nsrc)]
            if kind == "f2f" and shape == "narrow" or kind == "rod":  # values that overflow / underflow too
                vals = [v if rng.randrange(4) else rng.choice([fs.maxf, 1, fs.sign | 3, (fs.bias + 200) << fs.m
                                                               if src_w == 64 else fs.maxf])
                        for v in vals]
            a = to_bytes(vals, src_w)
        else:
            a = to_bytes([rng.choice([rng.randrange(1 << src_w), rng.randrange(1000), (1 << src_w) - rng.randrange(9),
                                      1 << (src_w - 1), (1 << (src_w - 1)) - 1]) for _ in range(nsrc)], src_w)
        d = rand_bytes(rng, VLENB * d_regs)
        m = rand_bytes(rng, VLENB)
        b = rand_bytes(rng, VLENB)
        ae, de = elems(a, src_w), elems(d, dst_w)
        use_rm = rm if fixed_rm is None else fixed_rm
        flags = 0
        for i in range(vl):
            if masked and not mask_bit(m, i):
                continue
            v = ae[i]
            if kind == "f2i":
                r, fl = fm.to_int(FMTS[src_w], v, use_rm, dst_w, signed)
            elif kind == "i2f":
                r, fl = fm.from_int(FMTS[dst_w], v, src_w, signed, use_rm)
            else:
                r, fl = fm.convert(FMTS[dst_w], FMTS[src_w], v, use_rm, rod=kind == "rod")
            de[i] = r
            flags |= fl
        out = to_bytes(de, dst_w)
        title = "%s e%d vl=%d %s%s" % (op, sew, vl, RM_NAMES[rm], " masked" if masked else "")
        self.emit(t, title, sew, vl, rm, a, b, d, m, 0, out, flags,
                  "%s v4, v8%s" % (op, ", v0.t" if masked else ""), a_regs, d_regs)

    def custom(self, title, sew, vl, rm, insn, model, a_regs=1, lmul="m1", special=True, x=None, a=None, b=None):
        """model(a, b, d, m, x) -> (vd bytes, flags)."""
        f = FMTS[sew]
        self.n += 1
        t = self.n
        n_a = VLENB * a_regs * 8 // sew
        if a is None:
            a = self.fp_bytes(f, n_a, special)
        if b is None:
            b = self.fp_bytes(f, VLENB * 8 // sew, special)
        d = self.fp_bytes(f, VLENB * a_regs * 8 // sew, special)
        m = rand_bytes(self.rng, VLENB)
        if x is None:
            x = rand_fp(self.rng, f, special)
        out, flags = model(a, b, d, m, x)
        self.emit(t, title, sew, vl, rm, a, b, d, m, scalar_reg(f, x), out, flags, insn, a_regs, a_regs, lmul)

    def write(self):
        path = os.path.join(OUT, self.name + ".S")
        with open(path, "w") as f:
            f.write("/*\n * rvv/%s: %s\n" % (self.name, self.title))
            f.write(" * Generated by gen_fp_tests.py (fpmodel.py, an exact model of IEEE 754 with the\n")
            f.write(" * RISC-V rules); checked on QEMU 7.2 (-cpu rv64,v=true,vlen=128).\n */\n")
            f.write("# isa-march: rv64gcv\n# isa-args: %s\n#include \"rvv.h\"\n\n" % self.args)
            f.write("TEST_BEGIN\n    VS_ON\n")
            f.write("\n".join(self.code))
            f.write("\nTEST_END\nRVV_HELPERS\n\nTEST_DATA_BEGIN\n    .align 3\n")
            f.write("\n".join(self.data))
            f.write("\n")
        assert self.n < 200, self.name


SINGLE = ["vfadd", "vfsub", "vfmul", "vfdiv", "vfmin", "vfmax", "vfsgnj", "vfsgnjn", "vfsgnjx", "vfmacc",
          "vfnmacc", "vfmsac", "vfnmsac", "vfmadd", "vfnmadd", "vfmsub", "vfnmsub"]


def gen_arith(sews=(32, 64), name="fp_arith", args="-cpu rv64,v=true", seed=11):
    g = Gen(name, "single-width floating point at SEW %s: every rounding mode, fflags, NaNs, masks."
            % "/".join(map(str, sews)), seed, args)
    for k, op in enumerate(SINGLE):
        for j, sew in enumerate(sews):
            n = VLENB * 8 // sew
            g.case(op, "vv", sew, n - (k + j) % 2, masked=(k + j) % 3 == 0, rm=(k + j) % 5)
            g.case(op, "vf", sew, n, masked=(k + j) % 3 == 1, rm=(k + 2 * j + 1) % 5, special=False)
    for sew in sews:
        n = VLENB * 8 // sew
        for op in ("vfrsub", "vfrdiv"):
            g.case(op, "vf", sew, n, rm=sew % 5)
        for op in ("vfsqrt", "vfrsqrt7", "vfrec7", "vfclass"):
            g.case(op, "vv", sew, n, masked=op == "vfrec7")
        # every rounding mode, visible in the result, on numbers only
        for rm in range(5):
            g.case("vfadd", "vv", sew, n, rm=rm, special=False)
            g.case("vfmul", "vf", sew, n, rm=rm, special=False)
            g.case("vfmacc", "vv", sew, n, rm=rm, special=False)
            g.case("vfsqrt", "vv", sew, n, rm=rm, special=False)
            g.case("vfdiv", "vv", sew, n, rm=rm, special=False)
    g.write()


def gen_wide(sews=(32,), name="fp_wide", args="-cpu rv64,v=true", seed=12):
    g = Gen(name, "widening floating point and compares into masks.", seed, args)
    wide = ["vfwadd", "vfwsub", "vfwmul", "vfwmacc", "vfwnmacc", "vfwmsac", "vfwnmsac", "vfwadd.w", "vfwsub.w"]
    for k, op in enumerate(wide):
        for sew in sews:
            n = VLENB * 8 // sew
            g.case(op, "vv", sew, n - k % 2, masked=k % 3 == 0, rm=k % 5)
            g.case(op, "vf", sew, n, masked=k % 3 == 1, rm=(k + 2) % 5, special=k % 2 == 0)
    for k, op in enumerate(["vmfeq", "vmfne", "vmflt", "vmfle", "vmfgt", "vmfge"]):
        for j, sew in enumerate(sorted(set(sews) | {64}) if 16 not in sews else sews):
            n = VLENB * 8 // sew
            if op not in ("vmfgt", "vmfge"):
                g.case(op, "vv", sew, n - j, masked=(k + j) % 2 == 0)
            g.case(op, "vf", sew, n, masked=(k + j) % 2 == 1)
    g.write()


def gen_cvt(sews=(32, 64), name="fp_cvt", args="-cpu rv64,v=true", seed=13):
    g = Gen(name, "conversions: single-width, widening, narrowing, rtz and rod.", seed, args)
    for k, op in enumerate(CVT):
        shape = CVT[op][0]
        if os.environ.get("NO_RTZ") and ".rtz." in op:
            continue
        for sew in sews:
            if shape != "single" and sew == 64:
                continue
            if op in ("vfwcvt.f.xu.v", "vfwcvt.f.x.v", "vfncvt.xu.f.w", "vfncvt.x.f.w",
                      "vfncvt.rtz.xu.f.w", "vfncvt.rtz.x.f.w") and sew == 16:
                continue  # those with an 8-bit integer side run in fp_half
            n = VLENB * 8 // sew
            g.cvt(op, sew, n - k % 2, rm=k % 5, masked=k % 4 == 1)
    if 16 in sews:
        for op in ("vfwcvt.f.xu.v", "vfwcvt.f.x.v"):
            g.cvt(op, 8, 16, rm=1)
        for op in ("vfncvt.xu.f.w", "vfncvt.x.f.w") + (() if os.environ.get("NO_RTZ") else
                                                      ("vfncvt.rtz.xu.f.w", "vfncvt.rtz.x.f.w")):
            g.cvt(op, 8, 16, rm=3)
    # rounding modes on one conversion of each direction
    for rm in range(5):
        g.cvt("vfcvt.x.f.v", sews[-1], VLENB * 8 // sews[-1], rm=rm)
        g.cvt("vfncvt.f.f.w", sews[0], VLENB * 8 // sews[0], rm=rm)
        g.cvt("vfcvt.f.x.v", sews[-1], VLENB * 8 // sews[-1], rm=rm)
    g.write()


def red_model(sew, vl, op, masked, rm, wide=False):
    f = FMTS[sew]
    t = FMTS[2 * sew] if wide else f

    def model(a, b, d, m, x):
        acc = elems(b, t.w)[0]
        flags = 0
        for i, v in enumerate(elems(a, sew)[:vl]):
            if masked and not mask_bit(m, i):
                continue
            if wide:
                v, fl = fm.convert(t, f, v, rm)
                flags |= fl
            if op in ("min", "max"):
                acc, fl = fm.minmax(t, acc, v, op == "max")
            else:
                acc, fl = fm.add(t, acc, v, rm)
            flags |= fl
        out = bytearray(d)
        if vl:
            out[:t.w // 8] = acc.to_bytes(t.w // 8, "little")
        return bytes(out), flags
    return model


def gen_misc(sews=(32, 64), name="fp_misc", args="-cpu rv64,v=true", seed=14):
    g = Gen(name, "reductions, merges, moves and slides.", seed, args)
    for sew in sews:
        f = FMTS[sew]
        n = VLENB * 8 // sew
        for op, mn in (("usum", "vfredusum"), ("osum", "vfredosum"), ("min", "vfredmin"), ("max", "vfredmax")):
            for masked, special, rm in ((False, False, 0), (True, True, 2), (False, False, 3)):
                vl = 2 * n - 1
                g.custom("%s.vs e%d m2 %s%s" % (mn, sew, RM_NAMES[rm], " masked" if masked else ""), sew, vl, rm,
                         "%s.vs v4, v8, v12%s" % (mn, ", v0.t" if masked else ""),
                         red_model(sew, vl, op, masked, rm), a_regs=2, lmul="m2", special=special)
        if sew < 64:
            for op, mn in (("usum", "vfwredusum"), ("osum", "vfwredosum")):
                for masked in (False, True):
                    g.custom("%s.vs e%d%s" % (mn, sew, " masked" if masked else ""), sew, n, 1,
                             "%s.vs v4, v8, v12%s" % (mn, ", v0.t" if masked else ""),
                             red_model(sew, n, op, masked, 1, wide=True), special=masked)
        # vfredosum: the order shows. 2^(p+1), then +1 n-1 times, then -2^(p+1):
        # in order every +1 is lost to rounding (ties to even), so the sum is 0.
        big = (f.bias + f.m + 1) << f.m
        vals = [big] + [f.bias << f.m] * (n - 2) + [big | f.sign]
        g.custom("vfredosum.vs e%d: order decides" % sew, sew, n, 0, "vfredosum.vs v4, v8, v12",
                 red_model(sew, n, "osum", False, 0), a=to_bytes(vals, sew), b=bytes(VLENB))
        # merges and moves
        vl = n - 1

        def merge(a, b, d, m, x, n=n, vl=vl, sew=sew):
            ae, de = elems(a, sew), elems(d, sew)
            for i in range(vl):
                de[i] = x if mask_bit(m, i) else ae[i]
            return to_bytes(de, sew), 0
        g.custom("vfmerge.vfm e%d" % sew, sew, vl, 0, "vfmerge.vfm v4, v8, fa0, v0", merge)
        g.custom("vfmv.v.f e%d" % sew, sew, vl, 0, "vfmv.v.f v4, fa0",
                 lambda a, b, d, m, x, vl=vl, sew=sew: (to_bytes([x] * vl, sew) + d[vl * sew // 8:], 0))
        g.custom("vfmv.s.f e%d" % sew, sew, 2, 0, "vfmv.s.f v4, fa0",
                 lambda a, b, d, m, x, sew=sew: (x.to_bytes(sew // 8, "little") + d[sew // 8:], 0))

        def up1(a, b, d, m, x, vl=vl, sew=sew, masked=True):
            ae, de = elems(a, sew), elems(d, sew)
            for i in range(vl):
                if mask_bit(m, i):
                    de[i] = x if i == 0 else ae[i - 1]
            return to_bytes(de, sew), 0

        def down1(a, b, d, m, x, vl=vl, sew=sew):
            ae, de = elems(a, sew), elems(d, sew)
            for i in range(vl):
                de[i] = x if i == vl - 1 else ae[i + 1]
            return to_bytes(de, sew), 0
        g.custom("vfslide1up.vf e%d masked" % sew, sew, vl, 0, "vfslide1up.vf v4, v8, fa0, v0.t", up1)
        g.custom("vfslide1down.vf e%d" % sew, sew, vl, 0, "vfslide1down.vf v4, v8, fa0", down1)
        # vfmv.f.s: element 0 into fa1, NaN-boxed below 64 bits, whatever vl is
        g.n += 1
        t = g.n
        a = g.fp_bytes(f, n, True)
        g.blob("a%d" % t, a)
        want = scalar_reg(f, elems(a, sew)[0])
        g.code += ["    /* %d: vfmv.f.s e%d with vl = 0 */" % (t, sew), "    SETVL(0, e%d, m1)" % sew,
                   "    la a0, a%d" % t, "    vl1re8.v v8, (a0)", "    vfmv.f.s fa1, v8",
                   "    CHECK_FD(%d, fa1, 0x%x)" % (t, want)]
    g.write()


if __name__ == "__main__":
    gen_arith()
    gen_wide()
    gen_cvt()
    gen_misc()
    half = "-cpu rv64,v=true,zvfh=true"
    gen_arith((16,), "fp_half_arith", half, 21)
    gen_wide((16,), "fp_half_wide", half, 22)
    gen_cvt((16,), "fp_half_cvt", half, 23)
    gen_misc((16,), "fp_half_misc", half, 24)
