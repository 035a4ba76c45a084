#!/usr/bin/env python3
"""The vector guest test (issue 21): Debian 13's Linux 6.12 (CONFIG_RISCV_ISA_V,
fetched by scripts/fetch-debian13-kernel) on rivet with V, and the guest's
initramfs with two builds of tests/boot/vector/vecprog.c added (clang-16,
-march=rv64gc and -march=rv64gcv, the second auto-vectorised and with
intrinsics). It checks:
  - /proc/cpuinfo names v (and the --isa-has extensions) for every hart;
  - every kernel's checksum (memcpy, strlen, dot product, matrix multiply)
    is the same in the scalar build, the auto-vectorised build and the
    intrinsics;
  - two processes keeping their own vector state (all 32 registers, vl,
    vtype) through many preemptions, run at the same time, both find it
    intact and were switched out involuntarily at least --min-switches
    times each.
Exit statuses as linux_boot.py's stages (11-14); 77 when the kernel cannot
be fetched or the guest is not built.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile
import time

import pexpect

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from linux_boot import StageFailed, check, expect, initrd_with, run  # noqa: E402

PROMPT = r"[#$] $"
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def fetch_kernel():
    script = os.path.join(ROOT, "scripts", "fetch-debian13-kernel")
    r = subprocess.run([script, "--print-dir"], stdout=subprocess.PIPE, text=True)
    if r.returncode != 0:
        return None
    return os.path.join(r.stdout.strip(), "Image")


def check_vectorised(path):
    """The compiler did vectorise the plain C kernels of the vector build
    (clang-16 -O2): each has vector instructions (copy_c may use whole-register
    loads and stores alone). Without llvm-objdump-16, not checked."""
    for fn in ("copy_c", "dot_c", "matmul_c"):
        try:
            r = subprocess.run(["llvm-objdump-16", "-d", "--mattr=+v", f"--disassemble-symbols={fn}", path],
                               stdout=subprocess.PIPE, text=True, check=True)
        except (OSError, subprocess.CalledProcessError):
            print("llvm-objdump-16 not there: the vector build's code is not checked", flush=True)
            return
        check(re.search(r"\tv[a-z0-9.]+\t", r.stdout) is not None, f"{path}: {fn} was not vectorised")


def boot(args, log):
    cmd = [args.rivet, "-cpu", args.cpu, "-smp", str(args.smp), "-m", "512M", "-nographic",
           "-kernel", args.kernel, "-initrd", args.initrd, "-append", "console=ttyS0 earlycon",
           "--timeout", str(args.timeout), "--stuck", "exit"]
    print("running:", " ".join(cmd), flush=True)
    start = time.monotonic()
    child = pexpect.spawn(cmd[0], cmd[1:], encoding="utf-8", codec_errors="replace", timeout=30)
    child.logfile_read = log
    expect(child, r"Linux version 6\.", 30, 11, "the kernel banner")
    expect(child, r"rivet-guest: init started", 120, 12, "the init marker")
    expect(child, PROMPT, 60, 13, "the shell prompt")
    print(f"boot to the prompt: {time.monotonic() - start:.1f} s", flush=True)
    child.sendline("stty -echo cols 500")
    expect(child, PROMPT, 30, 13, "the prompt after stty")
    return child


def checksums(out, what):
    sums = dict(((m.group(1), m.group(2)), m.group(3))
                for m in re.finditer(r"^(\w+) ([ci]) ([0-9a-f]{16})$", out, re.M))
    check(len(sums) >= 4, f"{what} printed no checksums: {out!r}")
    return sums


def check_guest(child, args):
    cpuinfo = run(child, "cat /proc/cpuinfo")
    isa = re.findall(r"^isa\s*:\s*(\S+)", cpuinfo, re.M)
    check(len(isa) == args.smp, f"expected {args.smp} harts in /proc/cpuinfo, saw {len(isa)}")
    for line in isa:
        check(re.match(r"rv64imafdc?v", line) is not None, f"no v in the isa line {line!r}")
        for ext in args.isa_has:
            check(f"_{ext}_" in line + "_", f"no {ext} in the isa line {line!r}")
    print(f"isa: {isa[0]}", flush=True)

    scalar = checksums(run(child, "/bin/vec_scalar check", 300), "vec_scalar")
    vector = checksums(run(child, "/bin/vec_auto check", 300), "vec_auto")
    for (kernel, form), value in sorted(vector.items()):
        check(scalar.get((kernel, "c")) == value,
              f"{kernel}: the vector build's {'intrinsics' if form == 'i' else 'C'} give {value}, "
              f"the scalar build {scalar.get((kernel, 'c'))}")
    check(len(vector) == 8, f"vec_auto printed {len(vector)} checksums, not 8: {vector}")
    print(f"checksums: {len(vector)} vector results equal the scalar build's", flush=True)

    s = args.seconds
    out = run(child, f"/bin/vec_auto vstate 1 {s} > /tmp/v1 & /bin/vec_auto vstate 2 {s} > /tmp/v2 & "
                     f"/bin/vec_auto vstate 3 {s} > /tmp/v3 & wait; cat /tmp/v1 /tmp/v2 /tmp/v3", 60 + 10 * s)
    results = re.findall(r"^vstate (\d) ok (\d+) (\d+)$", out, re.M)
    check(len(results) == 3, f"the vector state processes reported {out!r}")
    for pid, rounds, switches in results:
        check(int(switches) >= args.min_switches,
              f"vstate {pid}: only {switches} involuntary context switches in {rounds} rounds")
    print("vector state: " + ", ".join(f"process {p}: {r} rounds, {w} preemptions" for p, r, w in results),
          flush=True)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--rivet", required=True)
    p.add_argument("--initrd", required=True, help="the guest's initramfs (scripts/build-guest)")
    p.add_argument("--scalar", required=True, help="vecprog built with -march=rv64gc")
    p.add_argument("--vector", required=True, help="vecprog built with -march=rv64gcv")
    p.add_argument("--kernel", default=None, help="default: scripts/fetch-debian13-kernel's")
    p.add_argument("--cpu", default="rva23s64")
    p.add_argument("--smp", type=int, default=1)
    p.add_argument("--isa-has", default="", help="comma-separated extensions every isa line must name")
    p.add_argument("--seconds", type=int, default=3, help="how long each vector state process runs")
    p.add_argument("--min-switches", type=int, default=20)
    p.add_argument("--log", required=True)
    p.add_argument("--timeout", type=int, default=600)
    args = p.parse_args()
    args.isa_has = [e for e in args.isa_has.split(",") if e]
    if not os.path.exists(args.initrd):
        print(f"skipped: {args.initrd} is missing (scripts/build-guest builds the guest)")
        return 77
    args.kernel = args.kernel or fetch_kernel()
    if not args.kernel:
        print("skipped: scripts/fetch-debian13-kernel could not fetch Debian 13's kernel")
        return 77
    with tempfile.TemporaryDirectory() as tmp, open(args.log, "w") as log:
        try:
            check_vectorised(args.vector)
        except StageFailed as e:
            print(f"FAILED: {e}", flush=True)
            return e.status
        files = {}
        for name, path in (("bin/vec_scalar", args.scalar), ("bin/vec_auto", args.vector)):
            with open(path, "rb") as f:
                files[name] = (0o100755, f.read())
        args.initrd = initrd_with(args.initrd, files, tmp)
        try:
            child = boot(args, log)
            check_guest(child, args)
            child.sendline("poweroff -f")
            child.expect(pexpect.EOF, timeout=60)
        except StageFailed as e:
            print(f"FAILED (stage status {e.status}): {e}; console log: {args.log}", flush=True)
            return e.status
    print("PASSED: Linux 6.12 ran the vector programs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
