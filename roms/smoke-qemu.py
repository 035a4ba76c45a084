#!/usr/bin/env python3
"""Checks the default guest on QEMU, to tell a guest problem from a rivet one.

usage: roms/smoke-qemu.py [SMP]      (needs python3-pexpect; SMP defaults to 1)

Boots scripts/run-linux-qemu -smp SMP, waits for the init marker and the shell
prompt, checks uname, the CPU count, the clock, a floating-point awk result and
dmesg, writes a file on /dev/vda, powers off, then reads the file back from
disk.img with debugfs and runs e2fsck -fn on it. Exits 0 when all passed; the
console log is kept in $RIVET_GUEST_DIR/smoke-qemu-smpN.log.
"""
import os
import subprocess
import sys
import time

import pexpect

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GUEST = os.environ.get("RIVET_GUEST_DIR",
                       os.path.expanduser("~/.cache/rivet/guest"))
PROMPT = r"# $"


def fail(msg):
    print(f"smoke-qemu: FAIL: {msg}", file=sys.stderr)
    sys.exit(1)


def run(con, cmd, timeout=30):
    """Runs one shell command; returns its output without the echo/prompt."""
    con.sendline(cmd)
    try:
        con.expect(PROMPT, timeout=timeout)
    except pexpect.TIMEOUT:
        fail(f"no prompt within {timeout}s after: {cmd}")
    lines = con.before.replace("\r", "").split("\n")
    return "\n".join(lines[1:-1]).strip()


def check(name, ok, got):
    print(f"smoke-qemu: {'ok  ' if ok else 'FAIL'} {name}: {got}")
    return ok


def boot(smp):
    subprocess.run([f"{ROOT}/scripts/build-guest"], check=True)
    log = open(f"{GUEST}/smoke-qemu-smp{smp}.log", "w")
    start = time.time()
    con = pexpect.spawn(f"{ROOT}/scripts/run-linux-qemu", ["-smp", str(smp)],
                        encoding="utf-8", timeout=60)
    con.logfile_read = log
    for what, pat in (("init marker", "rivet-guest: init started"),
                      ("shell prompt", PROMPT)):
        try:
            con.expect(pat)
        except (pexpect.TIMEOUT, pexpect.EOF):
            fail(f"no {what} (console log: {log.name})")
    print(f"smoke-qemu: shell prompt {time.time() - start:.2f}s after start")
    return con


def guest_checks(con, smp, token):
    fp = "awk 'BEGIN { printf \"%.6f\\n\", atan2(0, -1) * sqrt(2) }'"
    ok = check("uname -m", run(con, "uname -m") == "riscv64", "riscv64")
    cpus = run(con, "grep -c ^processor /proc/cpuinfo")
    ok &= check("cpus online", cpus == str(smp), cpus)
    skew = int(run(con, "date +%s")) - int(time.time())
    ok &= check("clock skew (s)", abs(skew) < 60, skew)
    pi = run(con, fp)
    ok &= check("awk pi*sqrt(2)", pi == "4.442883", pi)
    bad = run(con, "dmesg | grep -c -e Oops -e BUG -e WARNING")
    ok &= check("dmesg Oops/BUG/WARNING lines", bad == "0", bad)
    run(con, f"echo {token} > /mnt/home/smoke.txt && sync")
    con.sendline("poweroff")
    try:
        con.expect(pexpect.EOF, timeout=60)
    except pexpect.TIMEOUT:
        fail("QEMU did not exit after poweroff")
    con.close()
    return check("exit status", con.exitstatus == 0, con.exitstatus) and ok


def disk_checks(token):
    img = f"{GUEST}/disk.img"
    got = subprocess.run(["debugfs", "-R", "cat /home/smoke.txt", img],
                         capture_output=True, text=True).stdout.strip()
    ok = check("file on disk.img", got == token, got)
    rc = subprocess.run(["e2fsck", "-fn", img], capture_output=True).returncode
    return check("e2fsck -fn", rc == 0, rc) and ok


def main():
    smp = int(sys.argv[1]) if len(sys.argv) > 1 else 1
    token = f"rivet-smoke-{smp}-{int(time.time())}"
    con = boot(smp)
    ok = guest_checks(con, smp, token)
    ok &= disk_checks(token)
    print(f"smoke-qemu: {'passed' if ok else 'FAILED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
