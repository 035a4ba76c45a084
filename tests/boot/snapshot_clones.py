#!/usr/bin/env python3
"""Clones of a booted Linux guest, the test-farm pattern (issue 23): boot
once at -m 512M with a -snapshot disk, `savevm` through -monitor unix:,
quit; then start N rivet processes at once, each

    rivet ... -loadvm boot.snap -snapshot --expect-script clone-I.exp

Each script waits for the shell's prompt and runs a command whose output
names the clone and a sum the guest computes (`clone-I-42`) and reads a
file the saved guest wrote on its disk; the harness checks each clone's
console for it. Clone 0 starts alone, and its proportional set size (PSS,
/proc/PID/smaps_rollup) is read once it has printed its line; then the
others start, and once every clone has printed its line (they are all alive,
restored from the one file) the harness prints their summed PSS and its
ratio to the single clone's; the clones then power off (a line on their
stdin, which is their console too) and must end with status 0. The PSS
figures are printed, not asserted (bench/run's snapshot section has the
target: 8 clones under twice the memory of one).

    snapshot_clones.py --rivet R --kernel Image --initrd I --disk D --log L [--clones N] [--mem 512M]

Exit 0 pass, 1 fail, 77 skipped (no guest images)."""
import os
import socket
import subprocess
import sys
import tempfile
import time

import pexpect

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from snapshot_boot import PROMPT, fail, guest_parser, hmp, images_missing, run  # noqa: E402


def base_args(args):
    return [args.rivet, "-m", args.mem, "-nographic", "-kernel", args.kernel, "-initrd", args.initrd,
            "-append", "console=ttyS0 earlycon", "-drive", f"file={args.disk},format=raw,id=hd0,if=none",
            "-device", "virtio-blk-device,drive=hd0", "-snapshot", "--timeout", "600"]


def boot_and_save(args, tmp, snap, log):
    sock = os.path.join(tmp, "boot.sock")
    cmd = base_args(args) + ["-monitor", f"unix:{sock},server,nowait"]
    print("running:", " ".join(cmd), flush=True)
    child = pexpect.spawn(cmd[0], cmd[1:], encoding="utf-8", codec_errors="replace", timeout=60)
    child.logfile_read = log
    child.expect(r"rivet-guest: init started", timeout=300)
    child.expect(PROMPT, timeout=120)
    child.sendline("stty -echo")
    child.expect(PROMPT, timeout=60)
    run(child, "echo farm-token > /mnt/home/farm.txt && sync")
    t0 = time.monotonic()
    out = hmp(sock, f"savevm {snap}")
    if out.strip():
        fail(f"savevm answered {out!r}")
    print(f"savevm: {time.monotonic() - t0:.3f} s, {os.path.getsize(snap)} bytes", flush=True)
    q = socket.socket(socket.AF_UNIX)
    q.connect(sock)
    q.sendall(b"quit\n")
    child.expect(pexpect.EOF, timeout=60)
    child.close()
    if child.exitstatus != 0:
        fail(f"quit ended the first run with {child.exitstatus}")


def pss_kib(pid):
    with open(f"/proc/{pid}/smaps_rollup") as f:
        for line in f:
            if line.startswith("Pss:"):
                return int(line.split()[1])
    return -1


def start_clones(args, tmp, snap, first, end):
    clones = []
    for i in range(first, end):
        script = os.path.join(tmp, f"clone-{i}.exp")
        with open(script, "w") as f:
            f.write('send "\\n"\nwait "rivet:~# " 120\n'
                    f'send "echo clone-{i}-$((6*7)) $(cat /mnt/home/farm.txt)\\n"\n'
                    f'wait "clone-{i}-42 farm-token" 120\n')
        cmd = base_args(args) + ["-loadvm", snap, "--expect-script", script]
        p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        os.set_blocking(p.stdout.fileno(), False)
        clones.append({"i": i, "p": p, "out": b""})
    return clones


def wait_all(clones, limit=300):
    """Reads every clone's console until each has printed its line."""
    end = time.monotonic() + limit
    while time.monotonic() < end:
        waiting = 0
        for c in clones:
            chunk = c["p"].stdout.read()
            if chunk:
                c["out"] += chunk
            if f"clone-{c['i']}-42 farm-token".encode() not in c["out"]:
                waiting += 1
                if c["p"].poll() is not None:
                    fail(f"clone {c['i']} ended ({c['p'].returncode}) before its output: "
                         f"{c['out'][-300:]!r} {c['p'].stderr.read()!r}")
        if not waiting:
            return
        time.sleep(0.05)
    fail(f"not every clone printed its line within {limit} s")


def main():
    p = guest_parser()
    p.add_argument("--clones", type=int, default=8)
    p.add_argument("--mem", default="512M")
    args = p.parse_args()
    if images_missing(args):
        return 77
    with tempfile.TemporaryDirectory() as tmp, open(args.log, "w") as log:
        snap = os.path.join(tmp, "boot.snap")
        boot_and_save(args, tmp, snap, log)
        clones = start_clones(args, tmp, snap, 0, 1)
        try:
            wait_all(clones)
            alone = pss_kib(clones[0]["p"].pid)
            t0 = time.monotonic()
            clones += start_clones(args, tmp, snap, 1, args.clones)
            wait_all(clones)
            print(f"{args.clones - 1} more clones printed their lines {time.monotonic() - t0:.2f} s after their start",
                  flush=True)
            pss = [pss_kib(c["p"].pid) for c in clones]
            print(f"PSS of one clone of a {args.mem} guest alone: {alone / 1024:.1f} MiB; of {args.clones} clones: "
                  f"{sum(pss) / 1024:.1f} MiB in all (each: {', '.join(f'{k / 1024:.1f}' for k in pss)} MiB), "
                  f"{sum(pss) / max(alone, 1):.2f} times the one", flush=True)
            for c in clones:
                c["p"].stdin.write(b"poweroff -f\n")
                c["p"].stdin.flush()
            for c in clones:
                rc = c["p"].wait(timeout=120)
                if rc != 0:
                    fail(f"clone {c['i']} ended with {rc}: {c['p'].stderr.read()!r}")
                if b"Linux version" in c["out"]:
                    fail(f"clone {c['i']} booted instead of restoring")
        finally:
            for c in clones:
                if c["p"].poll() is None:
                    c["p"].kill()
                    c["p"].wait()
    print(f"ok: {args.clones} clones restored, each ran its command")
    return 0


if __name__ == "__main__":
    sys.exit(main())
