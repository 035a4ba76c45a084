#!/usr/bin/env python3
"""Runs one device guest on rivet (or on QEMU, to validate the guest) and
decides by exit status, plus optional checks of stdout and of a disk image.

  run_guest.py --emu PATH [--status N] [--stdin TEXT] [--stdout-has TEXT]...
               [--stdout-lacks TEXT]... [--stderr-re REGEX]...
               [--disk [--check-disk | --disk-count N | --disk-unchanged]]
               [--pflash [--check-pflash | --pflash-unchanged]]
               [--needs-file PATH] -- EMULATOR-ARGS...

EMULATOR-ARGS use QEMU's spelling (-bios, -kernel, -smp, -global ...); the
driver adds -machine virt -m 128M -nographic, and for rivet --timeout 20 unless
the test gives its own (QEMU is killed after 20 s). --disk makes a 64 KiB raw image (sector 0 holds the
host pattern, sector 3 is 0xee, the rest zero), attaches it as virtio-blk on
virtio-mmio-bus.0; --check-disk then checks after the run that sectors 1-2
hold the guest pattern and nothing else changed; --disk-count N that the
reboot guest's count in sector 1 is N and nothing else changed;
--disk-unchanged that the image is as made (-snapshot). --pflash makes two
32 MiB flash images (pflash.c's comment says what they hold) and attaches
them as units 0 and 1 (1 read-only); --check-pflash checks afterwards that
bank 0's file holds what pflash.c programmed and erased and nothing else
changed, --pflash-unchanged that both are as made. --stdin,
--stdout-has and --stdout-lacks take backslash escapes (\\n); each
--stderr-re must match a line of stderr (Python re, searched). Exit 0 =
pass, 1 = fail, 77 = skipped."""
import argparse
import os
import re
import subprocess
import sys
import tempfile

SECTOR = 512
IMAGE_SECTORS = 128
TIME_LIMIT = 20


def host_sector0():
    tag = b"RIVETBLK"
    return tag + bytes((i * 7 + 3) & 0xFF for i in range(8, SECTOR))


def initial_image():
    img = bytearray(IMAGE_SECTORS * SECTOR)
    img[0:SECTOR] = host_sector0()
    img[3 * SECTOR:4 * SECTOR] = b"\xee" * SECTOR
    return img


COUNT_MAGIC = 0x7265626F6F74  # reboot.c's tag of its boot count


def count_image(n):
    """The image after the reboot guest stored boot count n in sector 1."""
    img = initial_image()
    img[SECTOR:SECTOR + 16] = COUNT_MAGIC.to_bytes(8, "little") + n.to_bytes(8, "little")
    return img


def expected_image():
    img = initial_image()
    img[SECTOR:3 * SECTOR] = bytes((i * 13 + 0x5A) & 0xFF for i in range(2 * SECTOR))
    return img


def check_image(path, want=None):
    got = open(path, "rb").read()
    want = expected_image() if want is None else want
    if len(got) != len(want):
        return "image size %d, expected %d" % (len(got), len(want))
    for i in range(len(want)):
        if got[i] != want[i]:
            return "image byte %d (sector %d offset %d): got 0x%02x, expected 0x%02x" % (
                i, i // SECTOR, i % SECTOR, got[i], want[i])
    return None


PFLASH_BANK = 32 << 20
PFLASH_BLOCK = 256 << 10


def pflash_images():
    """Bank 0 and bank 1 as run_guest.py makes them (tests/guests/pflash.c)."""
    b0 = bytearray(b"\xff" * PFLASH_BANK)
    # With unit 0 the reset vector jumps to the flash (QEMU 7.2's virt):
    # mscratch = 0x5a, then on to the guest at 0x80000000.
    for i, insn in enumerate((0x05A00293, 0x34029073, 0x00100293, 0x01F29293, 0x00028067)):
        b0[4 * i:4 * i + 4] = insn.to_bytes(4, "little")
    b0[0x20:0x28] = b"RIVETFL0"
    b0[PFLASH_BLOCK:2 * PFLASH_BLOCK] = b"\xa5" * PFLASH_BLOCK
    b0[2 * PFLASH_BLOCK:3 * PFLASH_BLOCK] = b"\x5a" * PFLASH_BLOCK
    b1 = bytearray(b"\xff" * PFLASH_BANK)
    b1[0:8] = b"RIVETFL1"
    return b0, b1


def pflash_expected():
    """Bank 0 after pflash.c: two programs, the write buffer, the code, block 1 erased."""
    b0, _ = pflash_images()
    b0[0x1000:0x1004] = (0x11223344).to_bytes(4, "little")
    b0[0x1005] = 0x77
    for i in range(16):
        b0[0x2000 + 4 * i:0x2004 + 4 * i] = (0xC0DE0000 + i).to_bytes(4, "little")
    b0[0x3000:0x3008] = (0x02A00513).to_bytes(4, "little") + (0x00008067).to_bytes(4, "little")
    b0[PFLASH_BLOCK:2 * PFLASH_BLOCK] = b"\xff" * PFLASH_BLOCK
    return b0


def check_bytes(path, want, what):
    got = open(path, "rb").read()
    if len(got) != len(want):
        return "%s: size %d, expected %d" % (what, len(got), len(want))
    if got != want:
        i = next(i for i in range(len(want)) if got[i] != want[i])
        return "%s: byte 0x%x is 0x%02x, expected 0x%02x" % (what, i, got[i], want[i])
    return None


def run(args, extra, tmp):
    is_qemu = "qemu" in os.path.basename(args.emu)
    cmd = [args.emu, "-machine", "virt", "-m", "128M", "-nographic"] + extra
    if args.disk:
        img = os.path.join(tmp, "disk.img")
        with open(img, "wb") as f:
            f.write(initial_image())
        cmd += ["-drive", "file=%s,if=none,format=raw,id=x0" % img,
                "-device", "virtio-blk-device,drive=x0,bus=virtio-mmio-bus.0"]
    if args.pflash:
        for unit, img in enumerate(pflash_images()):
            path = os.path.join(tmp, "pflash%d.img" % unit)
            with open(path, "wb") as f:
                f.write(img)
            cmd += ["-drive", "if=pflash,unit=%d,format=raw,file=%s%s" % (unit, path, ",readonly=on" if unit else "")]
    if not is_qemu and "--timeout" not in extra:  # a test of --timeout gives its own
        cmd += ["--timeout", str(args.time_limit)]
    stdin = (args.stdin or "").encode().decode("unicode_escape").encode("latin-1")
    try:
        p = subprocess.run(cmd, input=stdin, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=args.time_limit + 5)
    except subprocess.TimeoutExpired as e:
        return cmd, None, e.stdout or b"", e.stderr or b""
    return cmd, p.returncode, p.stdout, p.stderr


def stdout_problems(out, wanted):
    """The --stdout-has texts (backslash escapes allowed) missing from out."""
    text = out.decode("latin-1").replace("\r\n", "\n")
    return ["stdout lacks %r" % w for w in (x.encode().decode("unicode_escape") for x in wanted) if w not in text]


def stdout_extras(out, unwanted):
    """The --stdout-lacks texts found in out."""
    text = out.decode("latin-1").replace("\r\n", "\n")
    return ["stdout has %r" % w for w in (x.encode().decode("unicode_escape") for x in unwanted) if w in text]


def report(problems, cmd, sections):
    """Prints PASS, or FAIL with the command and each (title, text) section;
    returns the driver's exit status (0 or 1)."""
    if problems:
        print("FAIL: " + "; ".join(problems))
        print("--- command: " + " ".join(cmd))
        for title, text in sections:
            print("--- %s:\n%s" % (title, text))
        return 1
    print("PASS: " + " ".join(cmd))
    return 0


def status_ok(status, want):
    if want == "nonzero":
        return 1 <= status <= 123
    return status == int(want)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--emu", required=True)
    ap.add_argument("--status", default="0",
                    help="expected exit status, or 'nonzero' for a guest failure (1-123)")
    ap.add_argument("--stdin")
    ap.add_argument("--stdout-has", action="append", default=[])
    ap.add_argument("--stderr-re", action="append", default=[])
    ap.add_argument("--time-limit", type=int, default=TIME_LIMIT,
                    help="seconds (default 20; the ThreadSanitizer build gives more)")
    ap.add_argument("--disk", action="store_true")
    ap.add_argument("--check-disk", action="store_true")
    ap.add_argument("--disk-count", type=int)
    ap.add_argument("--disk-unchanged", action="store_true")
    ap.add_argument("--pflash", action="store_true")
    ap.add_argument("--check-pflash", action="store_true")
    ap.add_argument("--pflash-unchanged", action="store_true")
    ap.add_argument("--stdout-lacks", action="append", default=[])
    ap.add_argument("--needs-file")
    ap.add_argument("rest", nargs=argparse.REMAINDER)
    args = ap.parse_args()
    extra = args.rest[1:] if args.rest[:1] == ["--"] else args.rest
    if args.needs_file and not os.path.exists(args.needs_file):
        print("SKIP: %s is missing (install the package that provides it)" % args.needs_file)
        return 77
    with tempfile.TemporaryDirectory() as tmp:
        cmd, status, out, err = run(args, extra, tmp)
        problems = []
        if status is None:
            problems.append("no exit within %d s" % (args.time_limit + 5))
        elif not status_ok(status, args.status):
            problems.append("exit status %d, expected %s" % (status, args.status))
        problems += stdout_problems(out, args.stdout_has)
        problems += stdout_extras(out, args.stdout_lacks)
        lines = err.decode("latin-1").splitlines()
        problems += ["stderr has no line matching %r" % r for r in args.stderr_re
                     if not any(re.search(r, line) for line in lines)]
        want = None
        if args.check_disk:
            want = expected_image()
        elif args.disk_count is not None:
            want = count_image(args.disk_count)
        elif args.disk_unchanged:
            want = initial_image()
        if want is not None and status is not None and status_ok(status, args.status):
            bad = check_image(os.path.join(tmp, "disk.img"), want)
            if bad:
                problems.append(bad)
        if (args.check_pflash or args.pflash_unchanged) and status is not None and status_ok(status, args.status):
            made = pflash_images()
            want = (made[0] if args.pflash_unchanged else pflash_expected(), made[1])
            for unit in range(2):
                bad = check_bytes(os.path.join(tmp, "pflash%d.img" % unit), want[unit], "pflash unit %d" % unit)
                if bad:
                    problems.append(bad)
    return report(problems, cmd, [("stdout", out.decode("latin-1")), ("stderr", err.decode("latin-1"))])


if __name__ == "__main__":
    sys.exit(main())
