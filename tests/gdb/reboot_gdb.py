#!/usr/bin/env python3
"""gdb across reboots (issue 23): rivet -gdb -S runs the reboot guest
(tests/guests/reboot.c: it counts its boots on its disk and reboots three
times), gdb-multiarch --batch breaks at main, continues through the first
reboot to main again on the same connection, reads the RAM word boot 1
wrote before its reset (zero after the reboot), then lets the guest run
to its poweroff. Exit 0 = pass, 1 = fail, 77 = skip.

  reboot_gdb.py --rivet PATH --elf REBOOT_ELF [--accel tcg,thread=multi]"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time

from run_gdb import free_port, listening

SCRIPT = """set pagination off
set confirm off
set architecture riscv:rv64
break main
continue
printf "BOOT1 ram=%lx\\n", *(long *)0x80800000
continue
printf "BOOT2 ram=%lx\\n", *(long *)0x80800000
delete
continue
"""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rivet", required=True)
    ap.add_argument("--elf", required=True)
    ap.add_argument("--accel")
    args = ap.parse_args()
    gdb = shutil.which("gdb-multiarch")
    if not gdb:
        print("gdb-multiarch not installed: skipped")
        return 77
    with tempfile.TemporaryDirectory() as tmp:
        disk = os.path.join(tmp, "disk.img")
        with open(disk, "wb") as f:
            f.write(bytes(64 * 1024))
        script = os.path.join(tmp, "reboot.gdb")
        with open(script, "w") as f:
            f.write(SCRIPT)
        port = free_port()
        cmd = [args.rivet] + (["-accel", args.accel] if args.accel else []) + [
            "-nographic", "-kernel", args.elf, "-drive", f"file={disk},if=none,format=raw,id=x0",
            "-device", "virtio-blk-device,drive=x0", "-gdb", f"tcp::{port}", "-S", "--timeout", "60"]
        rivet = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.time() + 10
        while not listening(port) and time.time() < deadline and rivet.poll() is None:
            time.sleep(0.05)
        try:
            out = subprocess.run([gdb, "--batch", "-nx", "-ex", f"target remote 127.0.0.1:{port}", "-x", script,
                                  args.elf], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                 timeout=60).stdout
            status = rivet.wait(timeout=30)
        except subprocess.TimeoutExpired:
            rivet.kill()
            print("FAIL: timed out")
            return 1
        stdout, stderr = rivet.stdout.read(), rivet.stderr.read()
        print(out)
        print("rivet status", status, stdout, stderr)
        problems = []
        if out.count("Breakpoint 1, ") != 2:
            problems.append("main was not hit once per boot (twice) on one connection")
        for want in ["BOOT1 ram=0\n", "BOOT2 ram=0\n"]:
            if want not in out:
                problems.append(f"gdb output lacks {want!r}")
        if "boot 1\nboot 2\nboot 3\nboot 4\nreboot ok\n" not in stdout.replace("\r\n", "\n"):
            problems.append("the guest did not boot four times")
        if status != 0:
            problems.append(f"rivet status {status}")
        if problems:
            print("FAIL: " + "; ".join(problems))
            return 1
        print("PASS")
        return 0


if __name__ == "__main__":
    sys.exit(main())
