#!/usr/bin/env python3
"""Runs a guest with -D LOGFILE added and checks its status and log lines.

  run_log.py --emu PATH [--status N] [--log-has REGEX]... [--log-lacks REGEX]...
             -- EMULATOR-ARGS...

Each --log-has must match some line of the log (Python re.search), each
--log-lacks none. Exit 0 = pass, 1 = fail."""
import argparse
import os
import re
import subprocess
import sys
import tempfile

from run_guest import report

TIME_LIMIT = 20


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--emu", required=True)
    ap.add_argument("--status", type=int, default=0)
    ap.add_argument("--log-has", action="append", default=[])
    ap.add_argument("--log-lacks", action="append", default=[])
    ap.add_argument("rest", nargs=argparse.REMAINDER)
    args = ap.parse_args()
    extra = args.rest[1:] if args.rest[:1] == ["--"] else args.rest
    with tempfile.TemporaryDirectory() as tmp:
        log = os.path.join(tmp, "log.txt")
        cmd = [args.emu, "-machine", "virt", "-m", "128M", "-nographic", "--timeout", str(TIME_LIMIT),
               "-D", log] + extra
        p = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=TIME_LIMIT + 5)
        lines = open(log, errors="replace").read().splitlines() if os.path.exists(log) else []
    problems = []
    if p.returncode != args.status:
        problems.append("exit status %d, expected %d" % (p.returncode, args.status))
    for want in args.log_has:
        if not any(re.search(want, l) for l in lines):
            problems.append("no log line matches %r" % want)
    for bad in args.log_lacks:
        hits = [l for l in lines if re.search(bad, l)]
        if hits:
            problems.append("log line %r matches %r" % (hits[0], bad))
    return report(problems, cmd, [("log (first 40 lines)", "\n".join(lines[:40])),
                                  ("stderr", p.stderr.decode("latin-1"))])


if __name__ == "__main__":
    sys.exit(main())
