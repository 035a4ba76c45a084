#!/usr/bin/env python3
"""-perfmap (issue 22's tooling): a bare-metal guest run with --jit eager
-perfmap --stats leaves /tmp/perf-PID.map (perf's JIT interface) with one
line per translation: "START SIZE guest_pa_PA", hex, sizes non-zero, ranges
inside one region and disjoint (no reset in so short a run), the count equal
to --stats' translations, and the guest's entry block (pa 0x80000000) named.
Without -perfmap no file is written.

  perfmap.py --rivet PATH --elf PATH"""
import argparse
import os
import re
import subprocess
import sys


def run(rivet, elf, extra):
    p = subprocess.Popen([rivet, "--jit", "eager", "--stats"] + extra + ["-bios", "none", "-nographic", "-kernel", elf],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out, err = p.communicate(timeout=60)
    return p.pid, p.returncode, err


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rivet", required=True)
    ap.add_argument("--elf", required=True)
    args = ap.parse_args()
    fails = []
    pid, status, err = run(args.rivet, args.elf, ["-perfmap"])
    path = "/tmp/perf-%d.map" % pid
    if status != 0:
        fails.append("status %d: %s" % (status, err))
    m = re.search(r"blocks: \d+ decoded, (\d+) translated", err)
    if not m:
        fails.append("no --stats line in %r" % err)
    try:
        with open(path) as f:
            lines = f.read().splitlines()
        os.unlink(path)
    except OSError as e:
        lines = []
        fails.append("no map: %s" % e)
    ranges, names = [], set()
    for line in lines:
        lm = re.fullmatch(r"([0-9a-f]+) ([0-9a-f]+) guest_pa_([0-9a-f]+)", line)
        if not lm:
            fails.append("bad line %r" % line)
            continue
        start, size = int(lm.group(1), 16), int(lm.group(2), 16)
        if size == 0:
            fails.append("empty range %r" % line)
        ranges.append((start, start + size))
        names.add(int(lm.group(3), 16))
    ranges.sort()
    for (a0, a1), (b0, b1) in zip(ranges, ranges[1:]):
        if b0 < a1:
            fails.append("overlapping ranges %x-%x and %x-%x" % (a0, a1, b0, b1))
    if m and len(lines) != int(m.group(1)):
        fails.append("%d lines, %s translations" % (len(lines), m.group(1)))
    if 0x80000000 not in names:
        fails.append("the entry block 0x80000000 is not named: %s" % sorted(hex(n) for n in names))
    if ranges and ranges[-1][1] - ranges[0][0] > 64 << 20:
        fails.append("ranges span more than the code region")
    pid, status, err = run(args.rivet, args.elf, [])
    if os.path.exists("/tmp/perf-%d.map" % pid):
        os.unlink("/tmp/perf-%d.map" % pid)
        fails.append("a map written without -perfmap")
    for f in fails:
        print("FAIL: " + f)
    print("PASS: %d translations named" % len(lines) if not fails else "")
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
