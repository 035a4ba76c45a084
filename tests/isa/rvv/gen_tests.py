#!/usr/bin/env python3
"""Writes the element-wise vector tests of tests/isa/rvv (int.S, wide.S,
fixed.S) from a model of the V 1.0 spec written here, element by element,
for VLEN = 128: each check loads vs2, vs1 (or a scalar), the old vd and v0
from data, runs one instruction, and compares the whole destination with
what the model says (tail and inactive elements undisturbed, rivet's and
QEMU 7.2's policy). The generated files are committed; they were checked
on QEMU 7.2 (-M spike -cpu rv64,v=true,vlen=128). Run from anywhere:

    python3 tests/isa/rvv/gen_tests.py
"""
import os
import random

VLENB = 16
HERE = os.path.dirname(os.path.abspath(__file__))


def s(v, bits):
    """The signed value of v's low bits."""
    v &= (1 << bits) - 1
    return v - (1 << bits) if v >> (bits - 1) else v


def trunc_div(a, b):
    q = abs(a) // abs(b)
    return q if (a < 0) == (b < 0) else -q


def elems(data, ebits):
    n = len(data) * 8 // ebits
    return [int.from_bytes(data[i * ebits // 8:(i + 1) * ebits // 8], "little") for i in range(n)]


def to_bytes(values, ebits):
    return b"".join((v & ((1 << ebits) - 1)).to_bytes(ebits // 8, "little") for v in values)


def mask_bit(m, i):
    return (m[i // 8] >> (i % 8)) & 1


def roundoff(v, d, rm):
    """v >> d rounded by vxrm rm (V 1.0 12.1); v is a Python int."""
    if d == 0:
        return v
    half = (v >> (d - 1)) & 1
    below = (v & ((1 << (d - 1)) - 1)) != 0 if d > 1 else False
    lsb = (v >> d) & 1
    r = [half, half & (below | lsb), 0, (lsb ^ 1) & (half | below)][rm]
    return (v >> d) + r


class Sat:
    flag = 0


def clamp(v, lo, hi):
    if v < lo or v > hi:
        Sat.flag = 1
    return max(lo, min(hi, v))


def su(v, b):
    return clamp(v, 0, (1 << b) - 1)


def ss(v, b):
    return clamp(v, -(1 << (b - 1)), (1 << (b - 1)) - 1)


# name: (kind, function(a, b, c, bits, rm) -> value). Kinds: op (SEW ->
# SEW), wide (SEW, SEW -> 2*SEW), widew (2*SEW, SEW -> 2*SEW), narrow
# (2*SEW, SEW -> SEW), cmp (-> mask bit).
def shamt(b, bits):
    return b & (bits - 1)


OPS = {
    "vadd": ("op", lambda a, b, c, n, rm: a + b),
    "vsub": ("op", lambda a, b, c, n, rm: a - b),
    "vrsub": ("op", lambda a, b, c, n, rm: b - a),
    "vand": ("op", lambda a, b, c, n, rm: a & b),
    "vor": ("op", lambda a, b, c, n, rm: a | b),
    "vxor": ("op", lambda a, b, c, n, rm: a ^ b),
    "vminu": ("op", lambda a, b, c, n, rm: min(a, b)),
    "vmaxu": ("op", lambda a, b, c, n, rm: max(a, b)),
    "vmin": ("op", lambda a, b, c, n, rm: a if s(a, n) < s(b, n) else b),
    "vmax": ("op", lambda a, b, c, n, rm: a if s(a, n) > s(b, n) else b),
    "vsll": ("op", lambda a, b, c, n, rm: a << shamt(b, n)),
    "vsrl": ("op", lambda a, b, c, n, rm: a >> shamt(b, n)),
    "vsra": ("op", lambda a, b, c, n, rm: s(a, n) >> shamt(b, n)),
    "vmul": ("op", lambda a, b, c, n, rm: a * b),
    "vmulh": ("op", lambda a, b, c, n, rm: (s(a, n) * s(b, n)) >> n),
    "vmulhu": ("op", lambda a, b, c, n, rm: (a * b) >> n),
    "vmulhsu": ("op", lambda a, b, c, n, rm: (s(a, n) * b) >> n),
    "vdivu": ("op", lambda a, b, c, n, rm: (1 << n) - 1 if b == 0 else a // b),
    "vdiv": ("op", lambda a, b, c, n, rm: -1 if b == 0 else a if (s(a, n) == -(1 << (n - 1)) and s(b, n) == -1)
             else trunc_div(s(a, n), s(b, n))),
    "vremu": ("op", lambda a, b, c, n, rm: a if b == 0 else a % b),
    "vrem": ("op", lambda a, b, c, n, rm: a if b == 0 else 0 if (s(a, n) == -(1 << (n - 1)) and s(b, n) == -1)
             else s(a, n) - s(b, n) * trunc_div(s(a, n), s(b, n))),
    "vmacc": ("op", lambda a, b, c, n, rm: c + a * b),
    "vnmsac": ("op", lambda a, b, c, n, rm: c - a * b),
    "vmadd": ("op", lambda a, b, c, n, rm: b * c + a),
    "vnmsub": ("op", lambda a, b, c, n, rm: a - b * c),
    "vmseq": ("cmp", lambda a, b, c, n, rm: a == b),
    "vmsne": ("cmp", lambda a, b, c, n, rm: a != b),
    "vmsltu": ("cmp", lambda a, b, c, n, rm: a < b),
    "vmslt": ("cmp", lambda a, b, c, n, rm: s(a, n) < s(b, n)),
    "vmsleu": ("cmp", lambda a, b, c, n, rm: a <= b),
    "vmsle": ("cmp", lambda a, b, c, n, rm: s(a, n) <= s(b, n)),
    "vmsgtu": ("cmp", lambda a, b, c, n, rm: a > b),
    "vmsgt": ("cmp", lambda a, b, c, n, rm: s(a, n) > s(b, n)),
    "vwaddu": ("wide", lambda a, b, c, n, rm: a + b),
    "vwadd": ("wide", lambda a, b, c, n, rm: s(a, n) + s(b, n)),
    "vwsubu": ("wide", lambda a, b, c, n, rm: a - b),
    "vwsub": ("wide", lambda a, b, c, n, rm: s(a, n) - s(b, n)),
    "vwaddu.w": ("widew", lambda a, b, c, n, rm: a + b),
    "vwadd.w": ("widew", lambda a, b, c, n, rm: s(a, 2 * n) + s(b, n)),
    "vwsubu.w": ("widew", lambda a, b, c, n, rm: a - b),
    "vwsub.w": ("widew", lambda a, b, c, n, rm: s(a, 2 * n) - s(b, n)),
    "vwmulu": ("wide", lambda a, b, c, n, rm: a * b),
    "vwmul": ("wide", lambda a, b, c, n, rm: s(a, n) * s(b, n)),
    "vwmulsu": ("wide", lambda a, b, c, n, rm: s(a, n) * b),
    "vwmaccu": ("wide", lambda a, b, c, n, rm: c + a * b),
    "vwmacc": ("wide", lambda a, b, c, n, rm: c + s(a, n) * s(b, n)),
    "vwmaccsu": ("wide", lambda a, b, c, n, rm: c + s(b, n) * a),
    "vwmaccus": ("wide", lambda a, b, c, n, rm: c + b * s(a, n)),
    "vnsrl": ("narrow", lambda a, b, c, n, rm: a >> (b & (2 * n - 1))),
    "vnsra": ("narrow", lambda a, b, c, n, rm: s(a, 2 * n) >> (b & (2 * n - 1))),
    "vsaddu": ("op", lambda a, b, c, n, rm: su(a + b, n)),
    "vsadd": ("op", lambda a, b, c, n, rm: ss(s(a, n) + s(b, n), n)),
    "vssubu": ("op", lambda a, b, c, n, rm: su(a - b, n)),
    "vssub": ("op", lambda a, b, c, n, rm: ss(s(a, n) - s(b, n), n)),
    "vaaddu": ("op", lambda a, b, c, n, rm: roundoff(a + b, 1, rm)),
    "vaadd": ("op", lambda a, b, c, n, rm: roundoff(s(a, n) + s(b, n), 1, rm)),
    "vasubu": ("op", lambda a, b, c, n, rm: roundoff(a - b, 1, rm)),
    "vasub": ("op", lambda a, b, c, n, rm: roundoff(s(a, n) - s(b, n), 1, rm)),
    "vsmul": ("op", lambda a, b, c, n, rm: ss(roundoff(s(a, n) * s(b, n), n - 1, rm), n)),
    "vssrl": ("op", lambda a, b, c, n, rm: roundoff(a, shamt(b, n), rm)),
    "vssra": ("op", lambda a, b, c, n, rm: roundoff(s(a, n), shamt(b, n), rm)),
    "vnclipu": ("narrow", lambda a, b, c, n, rm: su(roundoff(a, b & (2 * n - 1), rm), n)),
    "vnclip": ("narrow", lambda a, b, c, n, rm: ss(roundoff(s(a, 2 * n), b & (2 * n - 1), rm), n)),
}
UIMM = {"vsll", "vsrl", "vsra", "vssrl", "vssra", "vnsrl", "vnsra", "vnclipu", "vnclip"}
# Operand order in assembly: vmacc family and widening macc take vs1/rs1 first.
VS1_FIRST = {"vmacc", "vnmsac", "vmadd", "vnmsub", "vwmaccu", "vwmacc", "vwmaccsu", "vwmaccus"}


def rand_bytes(rng, n):
    """Random bytes with the interesting values often."""
    out = bytearray()
    while len(out) < n:
        k = rng.randrange(6)
        out += bytes([rng.choice([0, 0xff, 0x80, 0x7f, 1]) if k == 0 else rng.randrange(256)])
    return bytes(out)


def load_operands(c, t, a_regs, b_regs, d_regs):
    """Check t's operands from its data: v8.. = a, v12.. = b, v4.. = d, v0 = m."""
    for label, reg, regs in (("a", "v8", a_regs), ("b", "v12", b_regs), ("d", "v4", d_regs), ("m", "v0", 1)):
        c.append("    la a0, %s%d" % (label, t))
        c.append("    vl%dre8.v %s, (a0)" % (regs, reg))


class Gen:
    def __init__(self, name, title, seed):
        self.name, self.title = name, title
        self.rng = random.Random(seed)
        self.code, self.data, self.n = [], [], 0

    def blob(self, label, data):
        self.data.append("%s: .byte %s" % (label, ", ".join("0x%02x" % b for b in data)))

    def case(self, op, form, sew, vl, masked=False, rm=None, scalar=None, imm=None):
        """One check: op.form at SEW sew with vl elements."""
        kind, fn = OPS[op]
        n = 8 * sew
        rng = self.rng
        self.n += 1
        t = self.n
        wide_d = kind in ("wide", "widew")
        wide_a = kind in ("widew", "narrow")
        a_regs, d_regs = (2 if wide_a else 1), (2 if wide_d else 1)
        a = rand_bytes(rng, VLENB * a_regs)
        b = rand_bytes(rng, VLENB)
        d = rand_bytes(rng, VLENB * d_regs)
        m = rand_bytes(rng, VLENB)
        ae, be, de = elems(a, 2 * n if wide_a else n), elems(b, n), elems(d, 2 * n if wide_d else n)
        if form == "vx":
            if scalar is None:
                scalar = int.from_bytes(rand_bytes(rng, 8), "little")
            bval = scalar & ((1 << n) - 1)
        elif form == "vi":
            if imm is None:
                imm = rng.randrange(32) if op in UIMM else rng.randrange(-16, 16)
            bval = imm & ((1 << n) - 1)
        Sat.flag = 0
        dbits = 2 * n if wide_d else n
        if kind == "cmp":
            out = bytearray(d)
            for i in range(vl):
                if masked and not mask_bit(m, i):
                    continue
                bi = be[i] if form == "vv" else bval
                v = fn(ae[i], bi, 0, n, rm)
                out[i // 8] = (out[i // 8] & ~(1 << (i % 8))) | (int(bool(v)) << (i % 8))
            out = bytes(out)
        else:
            res = list(de)
            for i in range(vl):
                if masked and not mask_bit(m, i):
                    continue
                bi = be[i] if form == "vv" else bval
                res[i] = fn(ae[i], bi, de[i], n, rm)
            out = to_bytes(res, dbits)
        sat = Sat.flag
        self.blob("a%d" % t, a)
        self.blob("b%d" % t, b)
        self.blob("d%d" % t, d)
        self.blob("m%d" % t, m)
        self.blob("e%d" % t, out)
        c = self.code
        c.append("    /* %d: %s.%s e%d vl=%d%s%s */" % (t, op, form, n, vl, " masked" if masked else "",
                                                      "" if rm is None else " vxrm=%d" % rm))
        c.append("    SETVL(%d, e%d, m1)" % (vl, n))
        load_operands(c, t, a_regs, 1, d_regs)
        if rm is not None:
            c.append("    csrwi vxrm, %d" % rm)
        c.append("    csrwi vxsat, 0")
        src = {"vv": "v12", "vx": "a1", "vi": str(imm)}[form]
        if form == "vx":
            c.append("    li a1, 0x%x" % scalar)
        mn = op + "." + ("w" + form[1] if kind == "widew" else "w" + form[1] if kind == "narrow" else form)
        if kind == "widew":
            mn = op[:-2] + ".w" + form[1]
        ops = ("v4, %s, v8" % src) if op in VS1_FIRST else ("v4, v8, %s" % src)
        c.append("    %s %s%s" % (mn, ops, ", v0.t" if masked else ""))
        c.append("    la a0, vbuf")
        c.append("    vs%dr.v v4, (a0)" % d_regs)
        c.append("    CHECK_MEM(%d, vbuf, e%d, %d)" % (t, t, VLENB * d_regs))
        if op in ("vsaddu", "vsadd", "vssubu", "vssub", "vsmul", "vnclipu", "vnclip"):
            c.append("    csrr a0, vxsat")
            c.append("    CHECK(%d, a0, %d)" % (t, sat))

    def write(self, march_note, origin=None, args="-cpu rv64,v=true"):
        """The .S file; origin replaces the comment lines on where the
        checks come from (gen_zvbb.py's), args the rivet arguments."""
        path = os.path.join(HERE, self.name + ".S")
        with open(path, "w") as f:
            f.write("/*\n * rvv/%s: %s\n" % (self.name, self.title))
            f.write(origin or (" * Generated by gen_tests.py (its model of the spec); checked on QEMU 7.2\n"
                               " * (-M spike -cpu rv64,v=true,vlen=128).%s\n" % march_note))
            f.write(" */\n# isa-march: rv64gcv\n# isa-args: %s\n#include \"rvv.h\"\n\n" % args)
            f.write("TEST_BEGIN\n    VS_ON\n")
            f.write("\n".join(self.code))
            f.write("\nTEST_END\nRVV_HELPERS\n\nTEST_DATA_BEGIN\n")
            f.write("\n".join(self.data))
            f.write("\n")
        assert self.n < 200, self.name


def gen_int():
    g = Gen("int", "integer arithmetic at every SEW, .vv/.vx/.vi, masked and with vl < VLMAX.", 1)
    sews = [1, 2, 4, 8]
    plain = ["vadd", "vsub", "vand", "vor", "vxor", "vminu", "vmaxu", "vmin", "vmax", "vsll", "vsrl", "vsra",
             "vmul", "vmulh", "vmulhu", "vmulhsu", "vdivu", "vdiv", "vremu", "vrem", "vmacc", "vnmsac", "vmadd",
             "vnmsub"]
    vi_ok = {"vadd", "vand", "vor", "vxor", "vsll", "vsrl", "vsra", "vrsub"}
    for k, op in enumerate(plain):
        for j, sew in enumerate(sews):
            vl = VLENB // sew if (k + j) % 3 else max(1, VLENB // sew - 1)
            g.case(op, "vv", sew, vl, masked=(k + j) % 4 == 1)
        g.case(op, "vx", sews[k % 4], VLENB // sews[k % 4], masked=k % 2 == 0)
        if op in vi_ok:
            g.case(op, "vi", sews[(k + 1) % 4], VLENB // sews[(k + 1) % 4])
    g.case("vrsub", "vx", 4, 4)
    g.case("vrsub", "vi", 1, 16, masked=True)
    # division corner cases: x / 0 and MIN / -1
    g.case("vdiv", "vx", 8, 2, scalar=0)
    g.case("vrem", "vx", 4, 4, scalar=0)
    g.case("vdivu", "vx", 2, 8, scalar=0)
    g.case("vdiv", "vx", 1, 16, scalar=0xff)
    g.case("vrem", "vx", 8, 2, scalar=(1 << 64) - 1)
    g.write("")


def gen_wide():
    g = Gen("wide", "widening, narrowing and compare instructions at every legal SEW.", 2)
    wide = ["vwaddu", "vwadd", "vwsubu", "vwsub", "vwmulu", "vwmul", "vwmulsu", "vwmaccu", "vwmacc", "vwmaccsu"]
    for k, op in enumerate(wide):
        for j, sew in enumerate([1, 2, 4]):
            g.case(op, "vv", sew, VLENB // sew, masked=(k + j) % 3 == 0)
        g.case(op, "vx", [1, 2, 4][k % 3], VLENB // [1, 2, 4][k % 3] - 1)
    g.case("vwmaccus", "vx", 2, 8)
    g.case("vwmaccus", "vx", 4, 4, masked=True)
    for k, op in enumerate(["vwaddu.w", "vwadd.w", "vwsubu.w", "vwsub.w"]):
        for sew in [1, 2, 4]:
            g.case(op, "vv", sew, VLENB // sew, masked=(k + sew) % 2 == 0)
        g.case(op, "vx", 2, 8)
    for op in ["vnsrl", "vnsra"]:
        for sew in [1, 2, 4]:
            g.case(op, "vv", sew, VLENB // sew)
            g.case(op, "vx", sew, VLENB // sew, masked=True)
            g.case(op, "vi", sew, VLENB // sew)
    cmps = ["vmseq", "vmsne", "vmsltu", "vmslt", "vmsleu", "vmsle", "vmsgtu", "vmsgt"]
    vv_ok = {"vmseq", "vmsne", "vmsltu", "vmslt", "vmsleu", "vmsle"}
    vi_ok = {"vmseq", "vmsne", "vmsleu", "vmsle", "vmsgtu", "vmsgt"}
    for k, op in enumerate(cmps):
        for j, sew in enumerate([1, 2, 4, 8]):
            if op in vv_ok:
                g.case(op, "vv", sew, VLENB // sew - (j == 0), masked=(k + j) % 3 == 0)
        g.case(op, "vx", [1, 2, 4, 8][k % 4], VLENB // [1, 2, 4, 8][k % 4], masked=k % 2 == 1)
        if op in vi_ok:
            g.case(op, "vi", [1, 2, 4, 8][(k + 1) % 4], VLENB // [1, 2, 4, 8][(k + 1) % 4])
    g.write("")


def gen_fixed():
    g = Gen("fixed", "fixed-point arithmetic in all four vxrm modes, and vxsat.", 3)
    sat = ["vsaddu", "vsadd", "vssubu", "vssub"]
    for k, op in enumerate(sat):
        for sew in [1, 2, 4, 8]:
            g.case(op, "vv", sew, VLENB // sew, masked=sew == 2)
        g.case(op, "vx", 1, 16)
        if op in ("vsaddu", "vsadd"):
            g.case(op, "vi", 2, 8)
    for rm in range(4):
        for k, op in enumerate(["vaaddu", "vaadd", "vasubu", "vasub", "vsmul", "vssrl", "vssra"]):
            sew = [1, 2, 4, 8][(k + rm) % 4]
            g.case(op, "vv", sew, VLENB // sew, rm=rm)
            g.case(op, "vx", [1, 2, 4, 8][(k + rm + 1) % 4], VLENB // [1, 2, 4, 8][(k + rm + 1) % 4], rm=rm,
                   masked=rm == 2)
        for op in ["vssrl", "vssra"]:
            g.case(op, "vi", 4, 4, rm=rm)
        for op in ["vnclipu", "vnclip"]:
            for sew in [1, 2, 4]:
                g.case(op, "vv", sew, VLENB // sew, rm=rm)
            g.case(op, "vx", 2, 8, rm=rm)
            g.case(op, "vi", 1, 16, rm=rm)
    # vsmul's one overflow: MIN * MIN
    g.case("vsmul", "vx", 1, 16, rm=0, scalar=0x80)
    g.write("")


def custom(g, title, vl, sew, lmul, insn, model, a_regs=1, d_regs=1, scalar=None, xres=False, bytes_a=None):
    """A check of one instruction with v8.. = vs2 (a_regs registers), v12 =
    vs1 (16-bit indices for vrgatherei16 use v12-v13), v4.. = vd (d_regs),
    v0 = mask and a1 = the scalar. model(a, b, d, m, x) returns the bytes vd
    must hold, or (bytes, x) for an x-register result in a2 (xres)."""
    rng = g.rng
    g.n += 1
    t = g.n
    a = bytes_a if bytes_a is not None else rand_bytes(rng, VLENB * a_regs)
    b = rand_bytes(rng, VLENB * 2)
    d = rand_bytes(rng, VLENB * d_regs)
    m = rand_bytes(rng, VLENB)
    x = scalar if scalar is not None else int.from_bytes(rand_bytes(rng, 8), "little")
    out = model(a, b, d, m, x)
    xv = None
    if xres:
        out, xv = out
    for lab, data in (("a", a), ("b", b), ("d", d), ("m", m), ("e", out)):
        g.blob("%s%d" % (lab, t), data)
    c = g.code
    c.append("    /* %d: %s */" % (t, title))
    c.append("    SETVL(%d, e%d, %s)" % (vl, 8 * sew, lmul))
    load_operands(c, t, a_regs, 2, d_regs)
    c.append("    li a1, 0x%x" % x)
    c.append("    " + insn)
    if xres:
        c.append("    li t5, 0x%x" % (xv & ((1 << 64) - 1)))
        c.append("    li TESTNUM, %d" % t)
        c.append("    bne a2, t5, fail")
    c.append("    la a0, vbuf")
    c.append("    vs%dr.v v4, (a0)" % d_regs)
    c.append("    CHECK_MEM(%d, vbuf, e%d, %d)" % (t, t, VLENB * d_regs))
    assert len(out) == VLENB * d_regs, title


def put(data, ebits, i, v):
    data = bytearray(data)
    data[i * ebits // 8:(i + 1) * ebits // 8] = (v & ((1 << ebits) - 1)).to_bytes(ebits // 8, "little")
    return bytes(data)


def setbit(data, i, v):
    data = bytearray(data)
    data[i // 8] = (data[i // 8] & ~(1 << (i % 8))) | (int(bool(v)) << (i % 8))
    return bytes(data)


def gen_perm():
    g = Gen("perm", "reductions, mask instructions, permutations, extensions, carries and merges.", 4)
    lmuls = {1: "m1", 2: "m2", 4: "m4", 8: "m8"}
    # Reductions: vd[0] = op(vs1[0], active vs2[i]); the rest of vd stays.
    red = {"vredsum": lambda x, y, n: x + y, "vredand": lambda x, y, n: x & y, "vredor": lambda x, y, n: x | y,
           "vredxor": lambda x, y, n: x ^ y, "vredminu": lambda x, y, n: min(x, y),
           "vredmaxu": lambda x, y, n: max(x, y),
           "vredmin": lambda x, y, n: x if s(x, n) < s(y, n) else y,
           "vredmax": lambda x, y, n: x if s(x, n) > s(y, n) else y}
    for k, (op, f) in enumerate(red.items()):
        for j, (sew, lm) in enumerate([(1, 2), (2, 1), (4, 2), (8, 1)]):
            n, vl, masked = 8 * sew, VLENB * lm // sew - (j % 2), (k + j) % 2 == 0

            def model(a, b, d, m, x, f=f, n=n, vl=vl, masked=masked):
                acc = elems(b[:VLENB], n)[0]
                ae = elems(a, n)
                for i in range(vl):
                    if not masked or mask_bit(m, i):
                        acc = f(acc, ae[i], n) & ((1 << n) - 1)
                return put(d, n, 0, acc)
            custom(g, "%s.vs e%d m%d vl=%d" % (op, n, lm, vl), vl, sew, lmuls[lm],
                   "%s.vs v4, v8, v12%s" % (op, ", v0.t" if masked else ""), model, a_regs=lm)
    for op, sign in (("vwredsumu", False), ("vwredsum", True)):
        for sew in (1, 2, 4):
            n, vl = 8 * sew, VLENB * 2 // sew

            def model(a, b, d, m, x, n=n, vl=vl, sign=sign):
                acc = elems(b[:VLENB], 2 * n)[0]
                for v in elems(a, n)[:vl]:
                    acc += s(v, n) if sign else v
                return put(d, 2 * n, 0, acc)
            custom(g, "%s.vs e%d m2" % (op, n), vl, sew, "m2", "%s.vs v4, v8, v12" % op, model, a_regs=2)
    # Mask logic on bits [0, vl)
    logic = {"vmand": lambda x, y: x & y, "vmnand": lambda x, y: 1 - (x & y), "vmandn": lambda x, y: x & (1 - y),
             "vmxor": lambda x, y: x ^ y, "vmor": lambda x, y: x | y, "vmnor": lambda x, y: 1 - (x | y),
             "vmorn": lambda x, y: x | (1 - y), "vmxnor": lambda x, y: 1 - (x ^ y)}
    for k, (op, f) in enumerate(logic.items()):
        vl = [16, 13, 64, 128][k % 4]
        lm = {16: 1, 13: 1, 64: 4, 128: 8}[vl]

        def model(a, b, d, m, x, f=f, vl=vl):
            for i in range(vl):
                d = setbit(d, i, f(mask_bit(a, i), mask_bit(b, i)))
            return d
        custom(g, "%s.mm vl=%d" % (op, vl), vl, 1, lmuls[lm], "%s.mm v4, v8, v12" % op, model)
    # vcpop.m, vfirst.m into a2
    for k, vl in enumerate([16, 11, 128, 3]):
        lm = 8 if vl == 128 else 1
        for op in ("vcpop", "vfirst"):
            masked = k % 2 == 1
            zero = k == 3 and op == "vfirst"

            def model(a, b, d, m, x, vl=vl, op=op, masked=masked):
                bits = [i for i in range(vl) if mask_bit(a, i) and (not masked or mask_bit(m, i))]
                return d, (len(bits) if op == "vcpop" else (bits[0] if bits else -1))
            custom(g, "%s.m vl=%d" % (op, vl), vl, 1, lmuls[lm],
                   "%s.m a2, v8%s" % (op, ", v0.t" if masked else ""), model, xres=True,
                   bytes_a=bytes(VLENB) if zero else None)
    # vmsbf, vmsif, vmsof
    for k, op in enumerate(["vmsbf", "vmsif", "vmsof"]):
        for masked in (False, True):
            vl = 16 if masked else 13

            def model(a, b, d, m, x, op=op, masked=masked, vl=vl):
                found = False
                for i in range(vl):
                    if masked and not mask_bit(m, i):
                        continue
                    bit = mask_bit(a, i)
                    v = {"vmsbf": not found and not bit, "vmsif": not found, "vmsof": not found and bit}[op]
                    d = setbit(d, i, v)
                    found = found or bit
                return d
            sparse = bytes([0, 0, 0x10 if k else 0x40] + [0] * 13)
            custom(g, "%s.m%s" % (op, " masked" if masked else ""), vl, 1, "m1",
                   "%s.m v4, v8%s" % (op, ", v0.t" if masked else ""), model, bytes_a=sparse if masked else None)
    # viota.m, vid.v
    for sew, masked in ((1, False), (2, True), (4, False), (8, True)):
        n, vl = 8 * sew, VLENB // sew

        def model(a, b, d, m, x, n=n, vl=vl, masked=masked):
            total = 0
            for i in range(vl):
                if masked and not mask_bit(m, i):
                    continue
                d = put(d, n, i, total)
                total += mask_bit(a, i)
            return d
        custom(g, "viota.m e%d" % n, vl, sew, "m1", "viota.m v4, v8%s" % (", v0.t" if masked else ""), model)

        def model(a, b, d, m, x, n=n, vl=vl - 1, masked=masked):
            for i in range(vl):
                if not masked or mask_bit(m, i):
                    d = put(d, n, i, i)
            return d
        custom(g, "vid.v e%d" % n, vl - 1, sew, "m1", "vid.v v4%s" % (", v0.t" if masked else ""), model)
    # vmv.x.s (sign-extended), vmv.s.x
    for sew in (1, 2, 4, 8):
        n = 8 * sew
        custom(g, "vmv.x.s e%d" % n, 1, sew, "m1", "vmv.x.s a2, v8",
               lambda a, b, d, m, x, n=n: (d, s(elems(a, n)[0], n)), xres=True)
        custom(g, "vmv.s.x e%d" % n, 3, sew, "m1", "vmv.s.x v4, a1", lambda a, b, d, m, x, n=n: put(d, n, 0, x))
    # Slides
    for k, (sew, lm) in enumerate([(1, 1), (2, 2), (4, 1), (8, 2)]):
        n, vlmax = 8 * sew, VLENB * lm // sew
        for off, form in ((3, "vi"), (vlmax - 2, "vx"), (vlmax + 5, "vx")):
            for masked in (False, True):
                vl = vlmax - 1

                def up(a, b, d, m, x, n=n, vl=vl, off=off, masked=masked):
                    ae = elems(a, n)
                    for i in range(off, vl):
                        if not masked or mask_bit(m, i):
                            d = put(d, n, i, ae[i - off])
                    return d

                def down(a, b, d, m, x, n=n, vl=vl, off=off, masked=masked, vlmax=vlmax):
                    ae = elems(a, n)
                    for i in range(vl):
                        if not masked or mask_bit(m, i):
                            d = put(d, n, i, ae[i + off] if i + off < vlmax else 0)
                    return d
                src = str(off) if form == "vi" else "a1"
                mk = ", v0.t" if masked else ""
                custom(g, "vslideup.%s %d e%d m%d" % (form, off, n, lm), vl, sew, lmuls[lm],
                       "vslideup.%s v4, v8, %s%s" % (form, src, mk), up, a_regs=lm, d_regs=lm, scalar=off)
                custom(g, "vslidedown.%s %d e%d m%d" % (form, off, n, lm), vl, sew, lmuls[lm],
                       "vslidedown.%s v4, v8, %s%s" % (form, src, mk), down, a_regs=lm, d_regs=lm, scalar=off)
        vl = vlmax - k

        def up1(a, b, d, m, x, n=n, vl=vl):
            ae = elems(a, n)
            for i in range(vl):
                d = put(d, n, i, x if i == 0 else ae[i - 1])
            return d

        def down1(a, b, d, m, x, n=n, vl=vl):
            ae = elems(a, n)
            for i in range(vl):
                d = put(d, n, i, x if i == vl - 1 else ae[i + 1])
            return d
        custom(g, "vslide1up.vx e%d m%d" % (n, lm), vl, sew, lmuls[lm], "vslide1up.vx v4, v8, a1", up1,
               a_regs=lm, d_regs=lm)
        custom(g, "vslide1down.vx e%d m%d" % (n, lm), vl, sew, lmuls[lm], "vslide1down.vx v4, v8, a1", down1,
               a_regs=lm, d_regs=lm)
    g.write("")
    g = Gen("perm2", "gathers, compress, whole-register moves, extensions, carries, merges.", 5)
    # Gathers
    for sew in (1, 2, 4, 8):
        n, vlmax = 8 * sew, VLENB // sew

        def gvv(a, b, d, m, x, n=n, vlmax=vlmax):
            ae, ix = elems(a, n), elems(b[:VLENB], n)
            for i in range(vlmax):
                d = put(d, n, i, ae[ix[i]] if ix[i] < vlmax else 0)
            return d
        custom(g, "vrgather.vv e%d" % n, vlmax, sew, "m1", "vrgather.vv v4, v8, v12", gvv)
        small = vlmax // 2

        def gvx(a, b, d, m, x, n=n, vlmax=vlmax):
            ae = elems(a, n)
            for i in range(vlmax - 1):
                if mask_bit(m, i):
                    d = put(d, n, i, ae[x] if x < vlmax else 0)
            return d
        custom(g, "vrgather.vx e%d masked" % n, vlmax - 1, sew, "m1", "vrgather.vx v4, v8, a1, v0.t", gvx,
               scalar=small)
        custom(g, "vrgather.vi e%d (index past VLMAX)" % n, vlmax - 1, sew, "m1", "vrgather.vi v4, v8, 31, v0.t",
               lambda a, b, d, m, x, n=n, vlmax=vlmax, f=gvx: f(a, b, d, m, 31))

        def gei16(a, b, d, m, x, n=n, vlmax=vlmax):
            ae, ix = elems(a, n), elems(b, 16)
            for i in range(vlmax):
                d = put(d, n, i, ae[ix[i]] if ix[i] < vlmax else 0)
            return d
        if sew <= 2:
            custom(g, "vrgatherei16.vv e%d" % n, vlmax, sew, "m1", "vrgatherei16.vv v4, v8, v12", gei16)
    # small indices make vrgather.vv pick real elements
    for sew in (1, 4):
        n, vlmax = 8 * sew, VLENB // sew

        def gvv(a, b, d, m, x, n=n, vlmax=vlmax):
            ae = elems(a, n)
            ix = [(i * 7 + 3) % vlmax for i in range(vlmax)]
            for i in range(vlmax):
                d = put(d, n, i, ae[ix[i]])
            return d
        ixb = to_bytes([(i * 7 + 3) % vlmax for i in range(vlmax)], n)
        g.data.append("ix%d: .byte %s" % (sew, ", ".join("0x%02x" % v for v in ixb)))
        g.n += 1
        t = g.n
        a = rand_bytes(g.rng, VLENB)
        d = rand_bytes(g.rng, VLENB)
        g.blob("a%d" % t, a)
        g.blob("d%d" % t, d)
        g.blob("e%d" % t, gvv(a, None, d, None, 0))
        g.code += ["    /* %d: vrgather.vv e%d, indices in range */" % (t, n), "    SETVL(%d, e%d, m1)" % (vlmax, n),
                   "    la a0, a%d" % t, "    vl1re8.v v8, (a0)", "    la a0, ix%d" % sew, "    vl1re8.v v12, (a0)",
                   "    la a0, d%d" % t, "    vl1re8.v v4, (a0)", "    vrgather.vv v4, v8, v12",
                   "    CHECK_V(%d, v4, e%d, 16)" % (t, t)]
    # vcompress
    for sew, vl in ((1, 16), (2, 7), (8, 2)):
        n = 8 * sew

        def comp(a, b, d, m, x, n=n, vl=vl):
            ae, k = elems(a, n), 0
            for i in range(vl):
                if mask_bit(b, i):
                    d = put(d, n, k, ae[i])
                    k += 1
            return d
        custom(g, "vcompress.vm e%d vl=%d" % (n, vl), vl, sew, "m1", "vcompress.vm v4, v8, v12", comp)
    # whole-register moves (vtype's SEW; vl ignored)
    for nr in (1, 2, 4):
        custom(g, "vmv%dr.v" % nr, 1, 4, "m1", "vmv%dr.v v4, v8" % nr, lambda a, b, d, m, x: a, a_regs=nr, d_regs=nr)
    # vzext, vsext
    for sew, f in ((2, 2), (4, 2), (8, 2), (4, 4), (8, 4), (8, 8)):
        n, vl = 8 * sew, VLENB // sew
        for sign in (False, True):
            def ext(a, b, d, m, x, n=n, f=f, sign=sign, vl=vl):
                ae = elems(a, n // f)
                for i in range(vl):
                    d = put(d, n, i, s(ae[i], n // f) if sign else ae[i])
                return d
            custom(g, "v%sext.vf%d e%d" % ("s" if sign else "z", f, n), vl, sew, "m1",
                   "v%sext.vf%d v4, v8" % ("s" if sign else "z", f), ext)
    # Carries, merges, moves
    for sew in (1, 2, 4, 8):
        n, vl = 8 * sew, VLENB // sew - (sew == 2)
        M = (1 << n) - 1

        def adc(a, b, d, m, x, n=n, vl=vl, sub=False, form="vv"):
            ae, be = elems(a, n), elems(b[:VLENB], n)
            for i in range(vl):
                y = be[i] if form == "vv" else x
                d = put(d, n, i, ae[i] - y - mask_bit(m, i) if sub else ae[i] + y + mask_bit(m, i))
            return d

        def madc(a, b, d, m, x, n=n, vl=vl, sub=False, cin=True, form="vv", M=M):
            ae, be = elems(a, n), elems(b[:VLENB], n)
            for i in range(vl):
                y = (be[i] if form == "vv" else x) & M
                c = mask_bit(m, i) if cin else 0
                v = (ae[i] - y - c < 0) if sub else (ae[i] + y + c > M)
                d = setbit(d, i, v)
            return d
        custom(g, "vadc.vvm e%d" % n, vl, sew, "m1", "vadc.vvm v4, v8, v12, v0", adc)
        custom(g, "vsbc.vxm e%d" % n, vl, sew, "m1", "vsbc.vxm v4, v8, a1, v0",
               lambda *args, f=adc: f(*args, sub=True, form="vx"))
        custom(g, "vmadc.vvm e%d" % n, vl, sew, "m1", "vmadc.vvm v4, v8, v12, v0", madc)
        custom(g, "vmadc.vx e%d" % n, vl, sew, "m1", "vmadc.vx v4, v8, a1",
               lambda *args, f=madc: f(*args, cin=False, form="vx"))
        custom(g, "vmsbc.vvm e%d" % n, vl, sew, "m1", "vmsbc.vvm v4, v8, v12, v0",
               lambda *args, f=madc: f(*args, sub=True))
        custom(g, "vmsbc.vv e%d" % n, vl, sew, "m1", "vmsbc.vv v4, v8, v12",
               lambda *args, f=madc: f(*args, sub=True, cin=False))

        def merge(a, b, d, m, x, n=n, vl=vl, form="vv", imm=0):
            ae, be = elems(a, n), elems(b[:VLENB], n)
            for i in range(vl):
                y = be[i] if form == "vv" else x if form == "vx" else imm
                d = put(d, n, i, y if mask_bit(m, i) else ae[i])
            return d
        custom(g, "vmerge.vvm e%d" % n, vl, sew, "m1", "vmerge.vvm v4, v8, v12, v0", merge)
        custom(g, "vmerge.vxm e%d" % n, vl, sew, "m1", "vmerge.vxm v4, v8, a1, v0",
               lambda *args, f=merge: f(*args, form="vx"))
        custom(g, "vmerge.vim e%d" % n, vl, sew, "m1", "vmerge.vim v4, v8, -7, v0",
               lambda *args, f=merge: f(*args, form="vi", imm=-7))
        custom(g, "vmv.v.x e%d" % n, vl, sew, "m1", "vmv.v.x v4, a1",
               lambda a, b, d, m, x, n=n, vl=vl: to_bytes([x] * vl, n) + d[vl * n // 8:])
        custom(g, "vmv.v.i e%d" % n, vl, sew, "m1", "vmv.v.i v4, 11",
               lambda a, b, d, m, x, n=n, vl=vl: to_bytes([11] * vl, n) + d[vl * n // 8:])
        custom(g, "vmv.v.v e%d" % n, vl, sew, "m1", "vmv.v.v v4, v12",
               lambda a, b, d, m, x, n=n, vl=vl: b[:vl * n // 8] + d[vl * n // 8:])
    # LMUL 8: vadd over a whole group (v16-v23 from v8-v15)
    g.n += 1
    t = g.n
    a = rand_bytes(g.rng, VLENB * 8)
    g.blob("a%d" % t, a)
    g.blob("e%d" % t, to_bytes([v + 0x1234 for v in elems(a, 16)], 16))
    g.code += ["    /* %d: vadd.vx e16 m8 */" % t, "    SETVL(64, e16, m8)", "    la a0, a%d" % t,
               "    vl8re8.v v8, (a0)", "    li a1, 0x1234", "    vadd.vx v16, v8, a1", "    la a0, vbuf",
               "    vs8r.v v16, (a0)", "    CHECK_MEM(%d, vbuf, e%d, 128)" % (t, t)]
    g.write("")


if __name__ == "__main__":
    gen_perm()
    gen_int()
    gen_wide()
    gen_fixed()
