#!/usr/bin/env python3
"""Disk safety of the rivet program, decided by exit status:

  disk_tests.py RIVET WORKDIR WFI_ELF [VIRTIO_GUEST_ELF]

- lock: while one rivet has an image open (a guest waiting in WFI), a second
  rivet on the same image refuses with a one-line "locked" error, status 125;
- snapshot: a guest that writes sectors runs with -snapshot and the image's
  bytes are unchanged afterwards (needs the virtio guest from tests/guests;
  skipped without it);
- readonly: with readonly=on the image is unchanged too.
Exit 0 = pass, 1 = fail."""
import os
import resource
import signal
import subprocess
import sys
import time

rivet, work, wfi = sys.argv[1], sys.argv[2], sys.argv[3]
vguest = sys.argv[4] if len(sys.argv) > 4 else ""
os.makedirs(work, exist_ok=True)
SECTOR = 512
failed = False


def fail(msg):
    global failed
    print("FAIL: " + msg)
    failed = True


def image(name):
    """The layout the tests/guests virtio guest expects: sector 0 is
    "RIVETBLK" then (i * 7 + 3) & 0xff, sector 3 is 0xee, the rest zero."""
    img = bytearray(128 * SECTOR)
    img[0:8] = b"RIVETBLK"
    img[8:SECTOR] = bytes((i * 7 + 3) & 0xFF for i in range(8, SECTOR))
    img[3 * SECTOR:4 * SECTOR] = b"\xee" * SECTOR
    path = os.path.join(work, name)
    with open(path, "wb") as f:
        f.write(img)
    return path, bytes(img)


def drive(path, extra=""):
    return ["-drive", "file=%s,if=none,format=raw,id=d0%s" % (path, extra),
            "-device", "virtio-blk-device,drive=d0,bus=virtio-mmio-bus.0"]


def test_lock():
    path, _ = image("locked.img")
    # The holder idles in WFI; with a console that input could wake it (a
    # pipe kept open: stdin at EOF brings no more input), it waits for
    # --timeout (with -serial none rivet would end it as deadlocked).
    first = subprocess.Popen([rivet, "-bios", "none", "-serial", "stdio", "--timeout", "5",
                              "-kernel", wfi] + drive(path),
                             stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        time.sleep(0.5)
        if first.poll() is not None:
            fail("the first rivet ended early: %s" % first.stderr.read().decode())
            return
        second = subprocess.run([rivet, "-bios", "none", "-serial", "none", "--timeout", "5",
                                 "-kernel", wfi] + drive(path),
                                stdin=subprocess.DEVNULL, capture_output=True, timeout=20)
        err = second.stderr.decode()
        if second.returncode != 125:
            fail("second rivet on a locked image: status %d, expected 125" % second.returncode)
        if not err.startswith("rivet: ") or "locked" not in err or err.count("\n") != 1:
            fail("second rivet's message is not one 'rivet: ... locked' line: %r" % err)
    finally:
        first.kill()  # by its own pid: the process this test started
        first.wait()
        first.stdin.close()


def run_guest_unchanged(label, extra, drive_opts, want_status, preexec_fn=None):
    path, before = image(label + ".img")
    r = subprocess.run([rivet, "-machine", "virt", "-bios", "none", "-serial", "none",
                        "--timeout", "20", "-kernel", vguest] + extra + drive(path, drive_opts),
                       stdin=subprocess.DEVNULL, capture_output=True, timeout=40, preexec_fn=preexec_fn)
    if want_status is not None and r.returncode != want_status:
        fail("%s: guest status %d, expected %d (%s)" % (label, r.returncode, want_status, r.stderr.decode()))
    with open(path, "rb") as f:
        if f.read() != before:
            fail("%s: the image changed" % label)
    return r


def small_files():
    """A file size limit of 1 KiB, as a full disk would stop the -snapshot
    overlay (SIGXFSZ ignored, so the write fails with EFBIG)."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (1024, resource.RLIM_INFINITY))


def test_snapshot_full():
    """The overlay cannot grow: the guest's write of sectors 1-2 fails with
    VIRTIO_BLK_S_IOERR (the guest's check 25 fails), rivet says so once on
    stderr and does not die."""
    r = run_guest_unchanged("snapshot-full", ["-snapshot"], "", 25, small_files)
    err = r.stderr.decode()
    lines = [l for l in err.splitlines() if "temporary overlay" in l]
    if len(lines) != 1 or not lines[0].startswith("rivet: -snapshot: ") or "File too large" not in lines[0]:
        fail("snapshot-full: expected one 'rivet: -snapshot: ... File too large' line, got %r" % err)


test_lock()
if vguest and os.path.exists(vguest):
    run_guest_unchanged("snapshot", ["-snapshot"], "", 0)
    run_guest_unchanged("readonly", [], ",readonly=on", None)
    test_snapshot_full()
else:
    print("virtio guest not built: snapshot/readonly checks skipped")
print("disk tests " + ("failed" if failed else "ok"))
sys.exit(1 if failed else 0)
