#!/usr/bin/env python3
"""End-to-end test of rivet's window under Xvfb.

Boots the Linux guest (scripts/build-guest's Image and initramfs) with
-display sdl on a private Xvfb server, waits for the shell on the serial
console, starts a shell on tty1 (the framebuffer console), types a command
into the window with xdotool that writes a marker to the serial port, and
checks that the marker arrives on the serial side. Then it takes an X-side
screenshot (xwd) and, after `poweroff`, rivet's own --screenshot-on-exit
PNG, and checks that both show console text: several distinct colours and
enough lit pixels, not a blank or uniform image.

Exit status: 0 pass, 1 fail, 77 skipped (no guest images, no Xvfb/xdotool).
"""
import argparse
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import zlib

SKIP = 77
MARK_CMD = "echo DISPLAY-MARK-$((6*7))"   # the serial side sees DISPLAY-MARK-42, never the command
MARK = "DISPLAY-MARK-42"
MIN_LIT = 400        # lit pixels: a line of console text has thousands
MIN_COLOURS = 2
MAX_COLOURS = 16


def skip(why):
    print(f"SKIP: {why}")
    sys.exit(SKIP)


def fail(why):
    print(f"FAIL: {why}")
    sys.exit(1)


def start_xvfb(tmp):
    """A private X server; returns (process, ':N')."""
    rfd, wfd = os.pipe()
    proc = subprocess.Popen(["Xvfb", "-displayfd", str(wfd), "-screen", "0", "1280x1024x24", "-br",
                             "-nolisten", "tcp", "-auth", "/dev/null"],
                            pass_fds=(wfd,), stdout=subprocess.DEVNULL, stderr=open(f"{tmp}/xvfb.log", "w"))
    os.close(wfd)
    with os.fdopen(rfd) as r:
        num = r.readline().strip()
    if not num:
        proc.kill()
        fail("Xvfb did not start (see xvfb.log)")
    return proc, ":" + num


def xdotool(env, *args):
    return subprocess.run(["xdotool", *args], env=env, check=True, capture_output=True, text=True,
                          timeout=30).stdout.strip()


def png_pixels(path):
    """Decodes an 8-bit RGB, non-interlaced PNG (what rivet writes): (w, h, rows)."""
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        fail(f"{path}: not a PNG")
    pos, idat, w, h = 8, b"", 0, 0
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            w, h, depth, ctype, _, _, interlace = struct.unpack(">IIBBBBB", body)
            if (depth, ctype, interlace) != (8, 2, 0):
                fail(f"{path}: not 8-bit RGB non-interlaced")
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    raw, bpp, stride = zlib.decompress(idat), 3, w * 3
    rows, prev = [], bytearray(stride)
    for y in range(h):
        ftype, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], prev[i - bpp] if i >= bpp else 0
            if ftype == 1:
                line[i] = (line[i] + a) & 0xff
            elif ftype == 2:
                line[i] = (line[i] + b) & 0xff
            elif ftype == 3:
                line[i] = (line[i] + (a + b) // 2) & 0xff
            elif ftype == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 0xff
        rows.append(bytes(line))
        prev = line
    return w, h, [[r[3 * x:3 * x + 3] for x in range(w)] for r in rows]


def xwd_pixels(path):
    """Decodes a 24- or 32-bit ZPixmap XWD file (xwd -root): (w, h, rows of RGB bytes)."""
    data = open(path, "rb").read()
    hdr = struct.unpack(">25I", data[:100])
    header_size, fmt, w, h = hdr[0], hdr[2], hdr[4], hdr[5]
    byte_order, bpp, bpl, masks, ncolors = hdr[7], hdr[11], hdr[12], hdr[14:17], hdr[19]
    if fmt != 2 or bpp not in (24, 32):
        fail(f"{path}: unexpected XWD format {fmt}/{bpp} bpp")
    shifts = [(m & -m).bit_length() - 1 for m in masks]
    pix, size = header_size + 12 * ncolors, bpp // 8
    order = "little" if byte_order == 0 else "big"
    rows = []
    for y in range(h):
        line = data[pix + y * bpl:pix + y * bpl + size * w]
        row = []
        for x in range(w):
            v = int.from_bytes(line[size * x:size * x + size], order)
            row.append(bytes((v & m) >> s for m, s in zip(masks, shifts)))
        rows.append(row)
    return w, h, rows


def check_text(name, w, h, rows):
    """Console text: a few palette colours (fbcon has 16), a dominant background,
    and enough lit pixels; neither blank, nor uniform, nor noise."""
    counts, lit = {}, 0
    for row in rows:
        for px in row:
            counts[px] = counts.get(px, 0) + 1
            if max(px) > 0x40:
                lit += 1
    background = max(counts.values())
    print(f"{name}: {w}x{h}, {len(counts)} colours, {lit} lit pixels, background {100 * background // (w * h)}%")
    if not MIN_COLOURS <= len(counts) <= MAX_COLOURS or lit < MIN_LIT or background < 0.8 * w * h:
        fail(f"{name} does not show console text")


def guest_files(guest_dir):
    files = {k: os.path.join(guest_dir, f) for k, f in (("kernel", "Image"), ("initrd", "initramfs.cpio.gz"))}
    missing = [f for f in files.values() if not os.path.isfile(f)]
    if missing:
        skip(f"guest images missing ({', '.join(missing)}); build them with scripts/build-guest")
    return files


def run(args, tmp):
    import pexpect
    files = guest_files(args.guest_dir)
    xvfb, display = start_xvfb(tmp)
    env = dict(os.environ, DISPLAY=display)
    env.pop("WAYLAND_DISPLAY", None)
    # Under ASan, X11/GL/D-Bus libraries loaded by SDL leak at exit; rivet's
    # own leaks are covered by the unit and boot tests.
    env["ASAN_OPTIONS"] = (env.get("ASAN_OPTIONS", "") + ":detect_leaks=0").lstrip(":")
    png = os.path.join(tmp, "exit.png")
    cmd = [args.rivet, "-kernel", files["kernel"], "-initrd", files["initrd"], "-append", "console=ttyS0",
           "-m", "256M", "-display", "sdl", "--screenshot-on-exit", png, "--timeout", str(args.timeout)]
    child = pexpect.spawn(cmd[0], cmd[1:], env=env, timeout=args.step_timeout, encoding="utf-8",
                          codec_errors="replace")
    child.logfile_read = open(os.path.join(tmp, "serial.log"), "w")
    try:
        child.expect("rivet-guest: init started")
        child.expect(r"# ")
        child.sendline("test -e /dev/fb0 && echo HAVE-FB-$((1)) || echo NO-FB-$((0))")
        if child.expect(["HAVE-FB-1", "NO-FB-0"]) == 1:
            fail("the guest has no /dev/fb0: no simple-framebuffer node in its device tree")
        child.expect(r"# ")
        # A shell on tty1, the console the framebuffer shows.
        child.sendline("setsid sh -c 'exec sh </dev/tty1 >/dev/tty1 2>&1' &")
        child.expect(r"# ")
        wid = xdotool(env, "search", "--sync", "--name", "^rivet").split()[0]
        xdotool(env, "windowfocus", "--sync", wid)
        xdotool(env, "mousemove", "--window", wid, "40", "40")
        time.sleep(1)
        xdotool(env, "type", "--delay", "40", MARK_CMD + " > /dev/ttyS0")
        xdotool(env, "key", "Return")
        child.expect(MARK)
        print(f"serial side saw {MARK}, typed into the window")
        time.sleep(0.5)   # a few frames for the window to show it
        xwd = os.path.join(tmp, "x.xwd")
        subprocess.run(["xwd", "-root", "-silent", "-out", xwd], env=env, check=True, timeout=30)
        check_text("X screenshot", *xwd_pixels(xwd))
        child.sendline("poweroff")
        child.expect(pexpect.EOF)
    except pexpect.exceptions.ExceptionPexpect as e:
        fail(f"{type(e).__name__} waiting for the guest (serial log: {tmp}/serial.log)")
    finally:
        child.close()
        xvfb.kill()
        xvfb.wait()
    if child.exitstatus != 0:
        fail(f"rivet exited with {child.exitstatus} (signal {child.signalstatus})")
    check_text("--screenshot-on-exit PNG", *png_pixels(png))
    if args.keep:
        shutil.copy(png, args.keep)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rivet", required=True)
    ap.add_argument("--guest-dir", default=os.environ.get("RIVET_GUEST_DIR",
                    os.path.join(os.environ.get("HOME", "/root"), ".cache/rivet/guest")))
    ap.add_argument("--timeout", type=int, default=240, help="rivet's --timeout")
    ap.add_argument("--step-timeout", type=int, default=120, help="seconds per expected line")
    ap.add_argument("--keep", help="copy the exit screenshot here")
    args = ap.parse_args()
    for tool in ("Xvfb", "xdotool", "xwd"):
        if not shutil.which(tool):
            skip(f"{tool} not installed (scripts/install-deps installs xvfb, xdotool, x11-apps)")
    try:
        import pexpect  # noqa: F401
    except ImportError:
        skip("python3-pexpect not installed")
    with tempfile.TemporaryDirectory(prefix="rivet-display-") as tmp:
        run(args, tmp)
    print("PASS")


if __name__ == "__main__":
    main()
