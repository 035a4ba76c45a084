"""IEEE 754 binary16/32/64 arithmetic on bit patterns, exactly, with the
RISC-V rules (unpriv. spec "F" 11.3-11.8, V 1.0 13): every NaN result is the
canonical NaN, NV for signalling NaN operands, tininess after rounding,
flags as a set of FFLAG bits. Values are Python Fractions, so every result
is the exact one rounded once. Used by gen_fp_tests.py."""
from fractions import Fraction as Fr
import math

NX, UF, OF, DZ, NV = 1, 2, 4, 8, 16
RNE, RTZ, RDN, RUP, RMM = 0, 1, 2, 3, 4
FMT = {16: (5, 10), 32: (8, 23), 64: (11, 52)}


class F:
    """A format of w bits."""

    def __init__(self, w):
        self.w = w
        self.e, self.m = FMT[w]
        self.bias = (1 << (self.e - 1)) - 1
        self.emin = 1 - self.bias
        self.sign = 1 << (w - 1)
        self.inf = ((1 << self.e) - 1) << self.m
        self.canon = self.inf | (1 << (self.m - 1))
        self.maxf = self.inf - 1

    def isnan(self, b):
        return (b & (self.sign - 1)) > self.inf

    def issnan(self, b):
        return self.isnan(b) and not (b >> (self.m - 1)) & 1

    def isinf(self, b):
        return (b & (self.sign - 1)) == self.inf

    def neg(self, b):
        return bool(b & self.sign)

    def value(self, b):
        """Fraction of a finite pattern (zero's sign is lost: see neg)."""
        exp = (b >> self.m) & ((1 << self.e) - 1)
        frac = b & ((1 << self.m) - 1)
        if exp == 0:
            v = Fr(frac) * Fr(2) ** (self.emin - self.m)
        else:
            v = Fr(frac | (1 << self.m)) * Fr(2) ** (exp - self.bias - self.m)
        return -v if self.neg(b) else v

    def zero(self, negative):
        return self.sign if negative else 0

    def _quantize(self, ax, q, rm, neg):
        s = ax / Fr(2) ** q
        n = math.floor(s)
        rem = s - n
        if rm == RNE:
            up = rem > Fr(1, 2) or (rem == Fr(1, 2) and n % 2 == 1)
        elif rm == RMM:
            up = rem >= Fr(1, 2)
        elif rm == RDN:
            up = neg and rem != 0
        elif rm == RUP:
            up = (not neg) and rem != 0
        else:
            up = False
        return (n + up) * Fr(2) ** q, rem != 0

    def round(self, x, rm, sticky=False):
        """x (a nonzero Fraction) rounded: (bits, flags). sticky: x is a
        truncation of the true value with far more bits than the format."""
        neg = x < 0
        ax = -x if neg else x
        exp = ax.numerator.bit_length() - ax.denominator.bit_length()
        if Fr(2) ** exp > ax:
            exp -= 1
        q = max(exp, self.emin) - self.m
        r, inexact = self._quantize(ax + (Fr(2) ** (q - 200) if sticky else 0), q, rm, neg)
        flags = 0
        if r >= Fr(2) ** (self.bias + 1):
            to_max = rm == RTZ or (rm == RDN and not neg) or (rm == RUP and neg)
            return (self.maxf if to_max else self.inf) | (self.sign if neg else 0), OF | NX
        if inexact:
            flags |= NX
            r2, _ = self._quantize(ax + (Fr(2) ** (exp - self.m - 200) if sticky else 0), exp - self.m, rm, neg)
            if exp < self.emin and r2 < Fr(2) ** self.emin:
                flags |= UF
        return self.encode(r, neg), flags

    def encode(self, r, neg):
        """r >= 0 exactly representable."""
        s = self.sign if neg else 0
        if r == 0:
            return s
        if r < Fr(2) ** self.emin:
            return s | int(r / Fr(2) ** (self.emin - self.m))
        exp = r.numerator.bit_length() - r.denominator.bit_length()
        if Fr(2) ** exp > r:
            exp -= 1
        frac = int(r / Fr(2) ** (exp - self.m)) - (1 << self.m)
        return s | ((exp + self.bias) << self.m) | frac


def nan_in(f, *ops):
    """(True, flags) when an operand is NaN."""
    if any(f.isnan(b) for b in ops):
        return True, NV if any(f.issnan(b) for b in ops) else 0
    return False, 0


def exact_or_round(f, x, zero_neg, rm):
    if x == 0:
        return f.zero(zero_neg), 0
    return f.round(x, rm)


def add(f, a, b, rm, sub=False):
    if sub:
        b ^= f.sign if not f.isnan(b) else 0
    nan, fl = nan_in(f, a, b)
    if nan:
        return f.canon, fl
    if f.isinf(a) or f.isinf(b):
        if f.isinf(a) and f.isinf(b) and f.neg(a) != f.neg(b):
            return f.canon, NV
        return (a if f.isinf(a) else b), 0
    x = f.value(a) + f.value(b)
    if x == 0:
        both_neg = f.neg(a) and f.neg(b)
        if f.value(a) == 0 and f.value(b) == 0:
            return f.zero(both_neg or (rm == RDN and f.neg(a) != f.neg(b))), 0
        return f.zero(rm == RDN), 0
    return f.round(x, rm)


def mul(f, a, b, rm):
    nan, fl = nan_in(f, a, b)
    if nan:
        return f.canon, fl
    neg = f.neg(a) != f.neg(b)
    if f.isinf(a) or f.isinf(b):
        other = b if f.isinf(a) else a
        if not f.isinf(other) and f.value(other) == 0:
            return f.canon, NV
        return f.inf | (f.sign if neg else 0), 0
    return exact_or_round(f, f.value(a) * f.value(b), neg, rm)


def div(f, a, b, rm):
    nan, fl = nan_in(f, a, b)
    if nan:
        return f.canon, fl
    neg = f.neg(a) != f.neg(b)
    if f.isinf(a):
        return (f.canon, NV) if f.isinf(b) else (f.inf | (f.sign if neg else 0), 0)
    if f.isinf(b):
        return f.zero(neg), 0
    if f.value(b) == 0:
        return (f.canon, NV) if f.value(a) == 0 else (f.inf | (f.sign if neg else 0), DZ)
    return exact_or_round(f, f.value(a) / f.value(b), neg, rm)


def fma(f, a, b, c, rm, neg_prod=False, neg_c=False):
    """(+-a*b) + (+-c), one rounding."""
    inf_zero = (f.isinf(a) and not f.isnan(b) and not f.isinf(b) and f.value(b) == 0) or \
               (f.isinf(b) and not f.isnan(a) and not f.isinf(a) and f.value(a) == 0)
    nan, fl = nan_in(f, a, b, c)
    if inf_zero:
        return f.canon, NV
    if nan:
        return f.canon, fl
    pneg = (f.neg(a) != f.neg(b)) != neg_prod
    cneg = f.neg(c) != neg_c
    if f.isinf(a) or f.isinf(b):
        if f.isinf(c) and cneg != pneg:
            return f.canon, NV
        return f.inf | (f.sign if pneg else 0), 0
    if f.isinf(c):
        return f.inf | (f.sign if cneg else 0), 0
    p = f.value(a) * f.value(b) * (-1 if neg_prod else 1)
    cv = f.value(c) * (-1 if neg_c else 1)
    x = p + cv
    if x == 0:
        if p == 0 and cv == 0:
            return f.zero((pneg and cneg) or (rm == RDN and pneg != cneg)), 0
        return f.zero(rm == RDN), 0
    return f.round(x, rm)


def sqrt(f, a, rm):
    nan, fl = nan_in(f, a)
    if nan:
        return f.canon, fl
    if f.isinf(a):
        return (f.canon, NV) if f.neg(a) else (a, 0)
    v = f.value(a)
    if v == 0:
        return a, 0
    if v < 0:
        return f.canon, NV
    k = 400
    n = v * Fr(4) ** k
    s = math.isqrt(math.floor(n))
    exact = Fr(s * s) == n
    return f.round(Fr(s, 2 ** k), rm, sticky=not exact)


def convert(t, f, a, rm, rod=False):
    """Format f -> format t."""
    if f.isnan(a):
        return t.canon, NV if f.issnan(a) else 0
    if f.isinf(a):
        return t.inf | (t.sign if f.neg(a) else 0), 0
    v = f.value(a)
    if v == 0:
        return t.zero(f.neg(a)), 0
    if rod:
        r, fl = t.round(v, RTZ)
        return (r | 1 if fl & NX else r), fl
    return t.round(v, rm)


def round_int(v, rm):
    n = math.floor(v)
    rem = v - n
    if rm == RNE:
        up = rem > Fr(1, 2) or (rem == Fr(1, 2) and n % 2 == 1)
    elif rm == RMM:
        up = rem >= Fr(1, 2) if v >= 0 else rem > Fr(1, 2)
    elif rm == RDN:
        up = False
    elif rm == RUP:
        up = rem != 0
    else:
        up = rem != 0 and v < 0
    return n + up


def to_int(f, a, rm, bits, signed):
    lo, hi = (-(1 << (bits - 1)), (1 << (bits - 1)) - 1) if signed else (0, (1 << bits) - 1)
    mask = (1 << bits) - 1
    if f.isnan(a):
        return hi & mask, NV
    if f.isinf(a):
        return (lo if f.neg(a) else hi) & mask, NV
    v = f.value(a)
    r = round_int(v, rm)
    if r > hi or r < lo:
        return (lo if r < 0 else hi) & mask, NV
    return r & mask, (NX if r != v else 0)


def from_int(t, x, bits, signed, rm):
    if signed and x >> (bits - 1):
        x -= 1 << bits
    if x == 0:
        return 0, 0
    return t.round(Fr(x), rm)


def minmax(f, a, b, is_max):
    fl = NV if f.issnan(a) or f.issnan(b) else 0
    if f.isnan(a) and f.isnan(b):
        return f.canon, fl
    if f.isnan(a):
        return b, fl
    if f.isnan(b):
        return a, fl
    va = f.value(a) if not f.isinf(a) else (-1 if f.neg(a) else 1) * Fr(10) ** 400
    vb = f.value(b) if not f.isinf(b) else (-1 if f.neg(b) else 1) * Fr(10) ** 400
    if va == vb:
        return (a if f.neg(a) != is_max else b), fl
    return (a if (va < vb) != is_max else b), fl


def key(f, a):
    return f.value(a) if not f.isinf(a) else (-1 if f.neg(a) else 1) * Fr(10) ** 400


def compare(f, a, b, kind):
    """kind: eq, ne, lt, le, gt, ge (vmf*: a is vs2, b vs1/scalar)."""
    if f.isnan(a) or f.isnan(b):
        quiet = kind in ("eq", "ne")
        fl = NV if (not quiet or f.issnan(a) or f.issnan(b)) else 0
        return kind == "ne", fl
    x, y = key(f, a), key(f, b)
    return {"eq": x == y, "ne": x != y, "lt": x < y, "le": x <= y, "gt": x > y, "ge": x >= y}[kind], 0


def fclass(f, a):
    neg = f.neg(a)
    if f.isnan(a):
        return 1 << (8 if f.issnan(a) else 9)
    if f.isinf(a):
        return 1 << (0 if neg else 7)
    if (a & (f.sign - 1)) == 0:
        return 1 << (3 if neg else 4)
    if (a >> f.m) & ((1 << f.e) - 1) == 0:
        return 1 << (2 if neg else 5)
    return 1 << (1 if neg else 6)


# V 1.0 13.9, 13.10: the spec's tables.
RSQRT7 = [52, 51, 50, 48, 47, 46, 44, 43, 42, 41, 40, 39, 38, 36, 35, 34, 33, 32, 31, 30, 30, 29, 28, 27, 26, 25,
          24, 23, 23, 22, 21, 20, 19, 19, 18, 17, 16, 16, 15, 14, 14, 13, 12, 12, 11, 10, 10, 9, 9, 8, 7, 7, 6, 6,
          5, 4, 4, 3, 3, 2, 2, 1, 1, 0, 127, 125, 123, 121, 119, 118, 116, 114, 113, 111, 109, 108, 106, 105, 103,
          102, 100, 99, 97, 96, 95, 93, 92, 91, 90, 88, 87, 86, 85, 84, 83, 82, 80, 79, 78, 77, 76, 75, 74, 73, 72,
          71, 70, 70, 69, 68, 67, 66, 65, 64, 63, 63, 62, 61, 60, 59, 59, 58, 57, 56, 56, 55, 54, 53]
REC7 = [127, 125, 123, 121, 119, 117, 116, 114, 112, 110, 109, 107, 105, 104, 102, 100, 99, 97, 96, 94, 93, 91, 90,
        88, 87, 85, 84, 83, 81, 80, 79, 77, 76, 75, 74, 72, 71, 70, 69, 68, 66, 65, 64, 63, 62, 61, 60, 59, 58, 57,
        56, 55, 54, 53, 52, 51, 50, 49, 48, 47, 46, 45, 44, 43, 42, 41, 40, 40, 39, 38, 37, 36, 35, 35, 34, 33, 32,
        31, 31, 30, 29, 28, 28, 27, 26, 25, 25, 24, 23, 23, 22, 21, 21, 20, 19, 19, 18, 17, 17, 16, 15, 15, 14, 14,
        13, 12, 12, 11, 11, 10, 9, 9, 8, 8, 7, 7, 6, 5, 5, 4, 4, 3, 3, 2, 2, 1, 1, 0]


def _norm(f, a):
    exp = (a >> f.m) & ((1 << f.e) - 1)
    sig = a & ((1 << f.m) - 1)
    if exp == 0:
        lz = f.m - sig.bit_length()
        exp = -lz
        sig = (sig << (1 + lz)) & ((1 << f.m) - 1)
    return exp, sig


def rsqrt7(f, a):
    if f.isnan(a):
        return f.canon, NV if f.issnan(a) else 0
    if (a & (f.sign - 1)) == 0:
        return a | f.inf, DZ
    if f.neg(a):
        return f.canon, NV
    if f.isinf(a):
        return 0, 0
    exp, sig = _norm(f, a)
    out = RSQRT7[((exp & 1) << 6) | (sig >> (f.m - 6))]
    return (((3 * f.bias - 1 - exp) // 2) << f.m) | (out << (f.m - 7)), 0


def rec7(f, a, rm):
    s = a & f.sign
    if f.isnan(a):
        return f.canon, NV if f.issnan(a) else 0
    if f.isinf(a):
        return s, 0
    if (a & (f.sign - 1)) == 0:
        return a | f.inf, DZ
    exp, sig = _norm(f, a)
    oexp = 2 * f.bias - 1 - exp
    if oexp > 2 * f.bias:
        to_max = rm == RTZ or (rm == RDN and not s) or (rm == RUP and s)
        return s | (f.maxf if to_max else f.inf), OF | NX
    osig = REC7[sig >> (f.m - 7)] << (f.m - 7)
    if oexp <= 0:
        osig = ((1 << f.m) | osig) >> (1 - oexp)
        oexp = 0
    return s | (oexp << f.m) | osig, 0
