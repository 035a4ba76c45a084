#!/usr/bin/env python3
"""gdb against the Linux guest: boots the kernel from the guest cache
(scripts/build-guest: $RIVET_GUEST_DIR, default ~/.cache/rivet/guest) with a
gdb stub, attaches gdb-multiarch with vmlinux, reads kernel symbols
(linux_banner, init_task: kernel virtual addresses read through the
guest's page tables), lists the harts as threads, detaches and
checks the guest runs on. Exit 0 = pass, 1 = fail, 77 = images or gdb missing.

  linux_gdb.py --rivet PATH"""
import argparse
import os
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from run_gdb import accel_args, free_port, listening  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rivet", required=True)
    ap.add_argument("--accel", help="-accel value, e.g. tcg,thread=single (default: rivet's)")
    args = ap.parse_args()
    gdir = os.environ.get("RIVET_GUEST_DIR", os.path.expanduser("~/.cache/rivet/guest"))
    image = os.path.join(gdir, "Image")
    initrd = os.path.join(gdir, "initramfs.cpio.gz")
    vmlinux = os.path.join(gdir, "build", "linux", "vmlinux")
    gdb = shutil.which("gdb-multiarch")
    missing = [p for p in (image, initrd, vmlinux) if not os.path.exists(p)]
    if missing or not gdb:
        print("skipped: missing %s" % (missing or "gdb-multiarch"))
        return 77
    port = free_port()
    rivet = subprocess.Popen([args.rivet] + accel_args(args.accel) + ["-m", "256M", "-smp", "2", "-serial", "none", "-kernel", image,
                              "-initrd", initrd, "-append", "console=ttyS0", "-gdb", "tcp::%d" % port,
                              "--timeout", "120"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.time() + 10
        while not listening(port) and time.time() < deadline and rivet.poll() is None:
            time.sleep(0.05)
        time.sleep(2)  # let the kernel boot a little
        cmds = ["set pagination off", "set architecture riscv:rv64",
                "target remote 127.0.0.1:%d" % port, "x/s &linux_banner", "print/x *(unsigned long *)&init_task", "info threads",
                "print/x $pc", "detach"]
        argv = [gdb, "--batch", "-nx"]
        for c in cmds:
            argv += ["-ex", c]
        out = subprocess.run(argv + [vmlinux], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                             timeout=60).stdout
        print(out)
        time.sleep(1)
        alive = rivet.poll() is None
    finally:
        rivet.kill()
        rivet.wait()
    if "Linux version" not in out or "Cannot access memory" in out or "Thread 2" not in out or not alive:
        print("FAIL: linux_banner and init_task readable through the kernel's page tables, two threads,"
              " and a running guest after detach expected (alive=%s)" % alive)
        return 1
    print("PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
