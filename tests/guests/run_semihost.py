#!/usr/bin/env python3
"""Runs the semihosting guest (semihost.c) with a fresh --semihosting-root
and checks its exit status, its console output and the files it left.

  run_semihost.py --emu PATH --status N [--stdout-has TEXT]... [--root]
                  [--check-files] -- EMULATOR-ARGS...

--root makes DIR/root holding in.txt ("hello world\\n"), gone.txt and
link_out (a symlink to ../outside.txt, which exists beside the root) and
passes --semihosting-root DIR/root. --check-files then checks that the guest
renamed its out.txt to renamed.txt with the expected text, removed gone.txt,
and that nothing outside the root changed. Exit 0 = pass, 1 = fail."""
import argparse
import os
import subprocess
import sys
import tempfile

from run_guest import report, stdout_problems

TIME_LIMIT = 20


def make_root(tmp):
    root = os.path.join(tmp, "root")
    os.mkdir(root)
    with open(os.path.join(root, "in.txt"), "w") as f:
        f.write("hello world\n")
    with open(os.path.join(root, "gone.txt"), "w") as f:
        f.write("remove me\n")
    with open(os.path.join(tmp, "outside.txt"), "w") as f:
        f.write("secret\n")
    os.symlink("../outside.txt", os.path.join(root, "link_out"))
    return root


def check_files(tmp):
    root = os.path.join(tmp, "root")
    problems = []
    names = sorted(os.listdir(root))
    if names != ["in.txt", "link_out", "renamed.txt"]:
        problems.append("root holds %s" % names)
    path = os.path.join(root, "renamed.txt")
    if os.path.exists(path) and open(path).read() != "written by the guest\n":
        problems.append("renamed.txt holds %r" % open(path).read())
    if sorted(os.listdir(tmp)) != ["outside.txt", "root"] or open(os.path.join(tmp, "outside.txt")).read() != "secret\n":
        problems.append("outside the root changed: %s" % sorted(os.listdir(tmp)))
    return problems


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--emu", required=True)
    ap.add_argument("--status", type=int, default=0)
    ap.add_argument("--stdout-has", action="append", default=[])
    ap.add_argument("--root", action="store_true")
    ap.add_argument("--check-files", action="store_true")
    ap.add_argument("rest", nargs=argparse.REMAINDER)
    args = ap.parse_args()
    extra = args.rest[1:] if args.rest[:1] == ["--"] else args.rest
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [args.emu, "-machine", "virt", "-m", "128M", "-nographic", "--timeout", str(TIME_LIMIT)] + extra
        if args.root:
            cmd += ["--semihosting-root", make_root(tmp)]
        problems = []
        try:
            p = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               timeout=TIME_LIMIT + 5)
            status, out, err = p.returncode, p.stdout, p.stderr
        except subprocess.TimeoutExpired as e:
            status, out, err = None, e.stdout or b"", e.stderr or b""
            problems.append("no exit within %d s" % (TIME_LIMIT + 5))
        if status is not None and status != args.status:
            problems.append("exit status %d, expected %d" % (status, args.status))
        problems += stdout_problems(out, args.stdout_has)
        if args.check_files:
            problems += check_files(tmp)
    return report(problems, cmd, [("stdout", out.decode("latin-1")), ("stderr", err.decode("latin-1"))])


if __name__ == "__main__":
    sys.exit(main())
