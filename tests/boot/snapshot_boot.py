#!/usr/bin/env python3
"""Snapshot of a booted Linux guest (issue 23): boot to the shell with a
-snapshot disk, a virtio-rng device and a user-network card, write a file in
/tmp and one on the disk, start a background counter, `savevm` through -monitor unix:, quit;
then `-loadvm` in a new rivet: the file is there, the counter goes on from
where it was, the disk holds its file (read past the page cache), the
disk, /dev/hwrng and the network card work, the guest's
clock runs, and `poweroff -f` ends the run with 0. Nothing is booted twice:
the second console shows no kernel banner.

With --big-overlay a second -snapshot disk (a 96 MiB sparse image of zeros)
gets 40 MiB of random data and 8 MiB of zeros written over it before the
save, more than the 32 MiB the sections could hold: the snapshot file carries
them (it is bigger than 40 MiB), the restored guest reads the same SHA-256
of those 48 MiB from the disk (caches dropped), and the image is still all
zeros afterwards. With --pci the disk, rng and card are virtio-pci functions.

    snapshot_boot.py --rivet R --kernel Image --initrd I --disk D --log L [--smp N] [--big-overlay] [--pci]

Exit 0 pass, 1 fail, 77 skipped (no guest images)."""
import argparse
import os
import re
import socket
import sys
import tempfile
import time

import pexpect

PROMPT = r"[#$] $"


def fail(msg):
    print("FAIL:", msg)
    sys.exit(1)


def run(child, command, timeout=60):
    tag = time.monotonic_ns()
    child.sendline(f"{command}; echo __do''ne{tag}__")
    try:
        child.expect(re.escape(f"__done{tag}__") + r"\r?\n", timeout=timeout)
    except (pexpect.TIMEOUT, pexpect.EOF):
        fail(f"no end of `{command}`")
    lines = [l for l in child.before.replace("\r", "").split("\n") if f"ne{tag}__" not in l]
    child.expect(PROMPT, timeout=timeout)
    return "\n".join(lines).strip()


def hmp(path, line):
    s = socket.socket(socket.AF_UNIX)
    for _ in range(500):
        try:
            s.connect(path)
            break
        except OSError:
            time.sleep(0.05)
    s.settimeout(120)
    data = b""

    def prompt():
        nonlocal data
        while not data.endswith(b"(rivet) "):
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
        out, data = data, b""
        return out[:-8].decode(errors="replace")

    prompt()
    s.sendall(line.encode() + b"\n")
    out = prompt()
    s.close()
    return out


def spawn(args, sock, log, *extra):
    # --pci: the same three devices as virtio-pci functions (issue 25): their
    # PCI headers, BARs and queues go through the snapshot too.
    devs = (["-device", "virtio-blk-pci,drive=hd0", "-device", "virtio-rng-pci",
             "-netdev", "user,id=n0,restrict=on", "-device", "virtio-net-pci,netdev=n0"] if args.pci else
            ["-device", "virtio-blk-device,drive=hd0", "-device", "virtio-rng-device", "-nic", "user,restrict=on"])
    cmd = [args.rivet, "-m", "256M", "-smp", str(args.smp), "-nographic",
           "-kernel", args.kernel, "-initrd", args.initrd, "-append", "console=ttyS0 earlycon",
           "-drive", f"file={args.disk},format=raw,id=hd0,if=none", "-snapshot", *devs,
           "-monitor", f"unix:{sock},server,nowait", "--timeout", "900", *extra]
    if args.big_overlay:
        cmd += ["-drive", f"file={args.big_overlay},format=raw,id=hd1,if=none", "-device", "virtio-blk-device,drive=hd1"]
    print("running:", " ".join(cmd), flush=True)
    child = pexpect.spawn(cmd[0], cmd[1:], encoding="utf-8", codec_errors="replace", timeout=60)
    child.logfile_read = log
    return child


def count(child):
    out = run(child, "cat /tmp/count").splitlines()
    return int(out[-1]) if out and out[-1].isdigit() else -1


BIG_DEV = "$(for d in /sys/block/vd*; do [ $(cat $d/size) = 196608 ] && echo /dev/${d##*/}; done)"
BIG_SUM = f"echo 3 > /proc/sys/vm/drop_caches; head -c 50331648 {BIG_DEV} | sha256sum"


def big_overlay_write(child):
    """40 MiB of random data, then 8 MiB of zeros, on the 96 MiB disk."""
    out = run(child, f"dd if=/dev/urandom of={BIG_DEV} bs=1M count=40 conv=fsync 2>&1 | tail -1; "
              f"dd if=/dev/zero of={BIG_DEV} bs=1M seek=40 count=8 conv=fsync 2>&1 | tail -1", timeout=300)
    if out.count("copied") != 2:
        fail(f"writing the big disk failed: {out!r}")
    got = (run(child, BIG_SUM, timeout=120).splitlines() or [""])[-1].split()
    if not got or len(got[0]) != 64:
        fail(f"no SHA-256 of the big disk: {got!r}")
    return got[0]


def boot_and_save(args, tmp, snap, log):
    sock = os.path.join(tmp, "a.sock")
    child = spawn(args, sock, log)
    child.expect(r"rivet-guest: init started", timeout=300)
    child.expect(PROMPT, timeout=120)
    child.sendline("stty -echo cols 500")
    child.expect(PROMPT, timeout=60)
    args.token = f"snapshot-{os.getpid()}-{int(time.time())}"
    run(child, f"echo {args.token} > /tmp/token")
    # A file on the -snapshot disk, flushed: it lives in the overlay, which
    # the snapshot carries.
    run(child, f"echo {args.token} > /mnt/home/snapshot.txt && sync")
    if args.big_overlay:
        args.big_sum = big_overlay_write(child)
    # Each value goes in by rename: `echo > /tmp/count` truncates first, and
    # a read between the truncation and the write saw an empty file.
    run(child, "(i=0; while true; do i=$((i+1)); echo $i > /tmp/count.new; mv /tmp/count.new /tmp/count; sleep 0.1; done)"
               " >/dev/null 2>&1 & true")
    time.sleep(2)
    c1 = count(child)
    if c1 < 2:
        fail(f"the background counter does not count: {c1}")
    out = hmp(sock, f"savevm {snap}")
    if out.strip():
        fail(f"savevm answered {out!r}")
    t0 = time.time()
    hmp_quit = socket.socket(socket.AF_UNIX)
    hmp_quit.connect(sock)
    hmp_quit.sendall(b"quit\n")
    child.expect(pexpect.EOF, timeout=60)
    child.close()
    if child.exitstatus != 0:
        fail(f"quit ended the first run with {child.exitstatus}")
    return c1, t0


def restore_and_check(args, tmp, snap, c1, log):
    sock = os.path.join(tmp, "b.sock")
    child = spawn(args, sock, log, "-loadvm", snap)
    child.sendline("")
    child.expect(PROMPT, timeout=60)
    if "Linux version" in child.before:
        fail("the restored machine booted again")
    tok = run(child, "cat /tmp/token").splitlines()[-1]
    if tok != args.token:
        fail(f"/tmp/token holds {tok!r}, expected {args.token!r}")
    c2 = count(child)
    time.sleep(2)
    c3 = count(child)
    if not (c1 <= c2 < c3):
        fail(f"the counter does not go on from the saved value: saved {c1}, then {c2}, {c3}")
    if c2 > c1 + 50:
        fail(f"the counter jumped from {c1} to {c2}: it did not continue from the snapshot")
    # Read back from the disk itself, not the page cache the RAM brought back.
    got = run(child, "sync; echo 3 > /proc/sys/vm/drop_caches; cat /mnt/home/snapshot.txt").splitlines()[-1]
    if got != args.token:
        fail(f"the file written to the -snapshot disk before the save reads {got!r} after the restore")
    if args.pci:
        ids = run(child, "cat /sys/bus/pci/devices/0000:00:0[123].0/device").split()
        if ids != ["0x1042", "0x1044", "0x1041"]:
            fail(f"the PCI functions after the restore: {ids!r}")
    # New disk I/O after the restore: the queues' indexes went on.
    w = run(child, "dd if=/dev/vda of=/dev/null bs=64k count=64 skip=64 2>&1 | tail -1")
    if "copied" not in w:
        fail(f"disk reads after the restore failed: {w!r}")
    rng = run(child, "od -An -tx1 -N16 /dev/hwrng").split()
    if len(rng) != 16:
        fail(f"/dev/hwrng gave {rng!r}")
    link = run(child, "cat /sys/class/net/eth0/operstate")
    if link.splitlines()[-1].strip() != "up":
        fail(f"eth0 is {link!r} after the restore (the link reset should end up)")
    if args.big_overlay:
        got = (run(child, BIG_SUM, timeout=120).splitlines() or [""])[-1].split()
        if not got or got[0] != args.big_sum:
            fail(f"the big -snapshot disk reads {got!r} after the restore, {args.big_sum} before the save")
    bad = run(child, "dmesg | grep -E 'Oops|BUG|WARNING' | head -5")
    if bad:
        fail(f"dmesg reports problems:\n{bad}")
    child.sendline("poweroff -f")
    child.expect(pexpect.EOF, timeout=60)
    child.close()
    if child.exitstatus != 0:
        fail(f"poweroff after the restore ended rivet with {child.exitstatus}")
    print(f"ok: counter {c1} saved, {c2} -> {c3} after the restore")


def guest_parser():
    """The options every snapshot boot test takes (snapshot_clones.py too)."""
    p = argparse.ArgumentParser()
    for opt in ("--rivet", "--kernel", "--initrd", "--disk", "--log"):
        p.add_argument(opt, required=True)
    return p


def images_missing(args):
    """Whether the guest images are missing (the test is then skipped)."""
    for path in (args.kernel, args.initrd, args.disk):
        if not os.path.exists(path):
            print(f"skipped: {path} is missing (scripts/build-guest builds the guest)")
            return True
    return False


def main():
    p = guest_parser()
    p.add_argument("--smp", type=int, default=1)
    p.add_argument("--big-overlay", action="store_true")
    p.add_argument("--pci", action="store_true", help="virtio-pci devices instead of virtio-mmio ones")
    args = p.parse_args()
    if images_missing(args):
        return 77
    with tempfile.TemporaryDirectory() as tmp, open(args.log, "w") as log:
        snap = os.path.join(tmp, "boot.snap")
        if args.big_overlay:
            args.big_overlay = os.path.join(tmp, "big.img")
            with open(args.big_overlay, "wb") as f:
                f.truncate(96 << 20)
        c1, _ = boot_and_save(args, tmp, snap, log)
        size = os.path.getsize(snap)
        print(f"snapshot: {size} bytes", flush=True)
        if args.big_overlay and size < 40 << 20:
            fail(f"the snapshot ({size} bytes) cannot hold the 40 MiB of changed blocks")
        restore_and_check(args, tmp, snap, c1, log)
        if args.big_overlay:
            with open(args.big_overlay, "rb") as f:
                if f.read() != bytes(96 << 20):
                    fail("the -snapshot image was written")
    return 0


if __name__ == "__main__":
    sys.exit(main())
