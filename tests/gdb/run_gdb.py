#!/usr/bin/env python3
"""gdb end to end: runs rivet -gdb tcp::PORT -S with a bare-metal guest,
drives gdb-multiarch --batch with gdb_script.gdb (break at a symbol, step a
compressed and a full-size instruction, write memory, watch a store,
continue to the end) and checks gdb's output and rivet's exit status (the
guest exits with the value gdb wrote). Exit 0 = pass, 1 = fail, 77 = skip.

  run_gdb.py --rivet PATH --elf PATH [--script FILE] [--smp N]"""
import argparse
import os
import shutil
import socket
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def listening(port):
    """True once something listens on the port (read from /proc, so that no
    probe connection is mistaken for gdb)."""
    try:
        with open("/proc/net/tcp") as f:
            for line in f.readlines()[1:]:
                fields = line.split()
                if int(fields[1].split(":")[1], 16) == port and fields[3] == "0A":
                    return True
    except OSError:
        pass
    return False


def accel_args(accel):
    """rivet's -accel option for the run, or none (the default: hart threads at -smp > 1)."""
    return ["-accel", accel] if accel else []


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rivet", required=True)
    ap.add_argument("--elf", required=True)
    ap.add_argument("--script", default=os.path.join(HERE, "gdb_script.gdb"))
    ap.add_argument("--smp", default="2")
    ap.add_argument("--accel", help="-accel value, e.g. tcg,thread=single (default: rivet's)")
    args = ap.parse_args()
    gdb = shutil.which("gdb-multiarch")
    if not gdb:
        print("gdb-multiarch not installed: skipped")
        return 77
    port = free_port()
    rivet = subprocess.Popen([args.rivet] + accel_args(args.accel) + ["-bios", "none", "-smp", args.smp, "-serial", "none",
                              "-gdb", "tcp::%d" % port, "-S", "--timeout", "60", "-kernel", args.elf],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 10
    while not listening(port) and time.time() < deadline and rivet.poll() is None:
        time.sleep(0.05)
    try:
        out = subprocess.run([gdb, "--batch", "-nx", "-ex", "target remote 127.0.0.1:%d" % port,
                              "-x", args.script, args.elf],
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=60).stdout
        status = rivet.wait(timeout=30)
    except subprocess.TimeoutExpired:
        rivet.kill()
        print("FAIL: timed out")
        return 1
    print(out)
    print("rivet status", status, rivet.stderr.read())
    want = ["AT break=1", "STEP1 a0=7 off=2", "STEP2 a1=9 off=6", "PRIV 3 MSTATUS_OK 1", "READBACK 42",
            "WATCHED 1234", "Thread 2"]
    missing = [w for w in want if w not in out]
    if "atchpoint" not in out:
        missing.append("a watchpoint stop")
    if missing or status != 42:
        print("FAIL: missing %s, rivet status %d (want 42)" % (missing, status))
        return 1
    print("PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
