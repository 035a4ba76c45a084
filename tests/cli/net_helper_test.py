#!/usr/bin/env python3
"""The user network's helper process (machine/host/net.h, issue 16).

    net_helper_test.py RIVET ARP_LOOP_ELF

1. A host port already in use is still a start-up error (125, one line),
   though the port is bound by the helper.
2. The guest (tests/guests/virtio_net.c built with ARP_LOOP) asks the
   gateway's MAC address every 100 ms and prints "arp ok" or "arp none".
   Killing the helper with SIGSEGV, as a crash inside libslirp would, costs
   one line on stderr; rivet starts a new helper and the guest's ARP works
   again. After NET_HELPER_MAX_DEATHS (5) deaths within a minute rivet gives
   up: one more line, no helper, the guest runs on without a network.
Exit 0 = pass."""
import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time

rivet, guest = sys.argv[1], sys.argv[2]
problems = []


def fail(msg):
    problems.append(msg)
    print("FAIL: " + msg)


def test_port_in_use():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen()
    port = s.getsockname()[1]
    r = subprocess.run([rivet, "-nic", "user,hostfwd=tcp:127.0.0.1:%d-:22" % port, "-serial", "none",
                        "-bios", "none", "-kernel", guest, "--timeout", "10"],
                       stdin=subprocess.DEVNULL, capture_output=True, timeout=30)
    s.close()
    err = r.stderr.decode()
    if r.returncode != 125 or err.count("\n") != 1 or "cannot listen on host port %d" % port not in err:
        fail("hostfwd to a port in use: status %d, stderr %r" % (r.returncode, err))


def helpers_of(pid):
    """The pids of pid's children running as --net-helper."""
    found = []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % d) as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            with open("/proc/%s/cmdline" % d, "rb") as f:
                argv = f.read().split(b"\0")
        except (OSError, IndexError, ValueError):
            continue
        if ppid == pid and b"--net-helper" in argv:
            found.append(int(d))
    return found


def wait_helper(pid, not_this, seconds=10):
    end = time.time() + seconds
    while time.time() < end:
        hs = [h for h in helpers_of(pid) if h != not_this]
        if hs:
            return hs[0]
        time.sleep(0.02)
    return None


def wait_line(lines, want, seconds=10):
    end = time.time() + seconds
    while time.time() < end:
        try:
            if lines.get(timeout=max(0.01, end - time.time())) == want:
                return True
        except queue.Empty:
            pass
    return False


def test_restart():
    # In the sanitizer build ASan catches the helper's SIGSEGV and exits 1;
    # here the crash must stay a crash, as in the build users run.
    env = dict(os.environ)
    env["ASAN_OPTIONS"] = env.get("ASAN_OPTIONS", "") + ":handle_segv=0"
    p = subprocess.Popen([rivet, "-bios", "none", "-serial", "stdio", "--timeout", "60",
                          "-nic", "user,restrict=on", "-kernel", guest],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    lines = queue.Queue()
    threading.Thread(target=lambda: [lines.put(l.decode().strip()) for l in p.stdout], daemon=True).start()
    try:
        if not wait_line(lines, "arp ok"):
            return fail("the guest never got an ARP answer")
        helper = wait_helper(p.pid, None)
        if helper is None:
            return fail("no --net-helper child process")
        for death in range(1, 6):
            os.kill(helper, signal.SIGSEGV if death == 1 else signal.SIGKILL)
            if death < 5:
                new = wait_helper(p.pid, helper)
                if new is None:
                    return fail("no new helper after death %d" % death)
                helper = new
                while not lines.empty():
                    lines.get()
                if not wait_line(lines, "arp ok"):
                    return fail("the network did not come back after death %d" % death)
        time.sleep(1)
        if helpers_of(p.pid):
            fail("a helper still runs after rivet gave up")
        while not lines.empty():
            lines.get()
        seen = [lines.get(timeout=5) for _ in range(4)]
        if any(l != "arp none" for l in seen):
            fail("after giving up the guest still gets answers: %r" % seen)
        if p.poll() is not None:
            fail("rivet ended (status %d) instead of running on" % p.returncode)
    finally:
        p.terminate()  # by its own pid: the process this test started
        p.wait(timeout=20)
        p.stdin.close()
    err = [l for l in p.stderr.read().decode().splitlines() if "user network" in l]
    restarts = [l for l in err if "restarting it" in l]
    gave_up = [l for l in err if "the network stays down" in l]
    if len(err) != 5 or len(restarts) != 4 or len(gave_up) != 1 or "signal 11" not in restarts[0]:
        fail("stderr should be 4 restart lines (the first naming signal 11) and one giving up: %r" % err)
    if p.returncode != 128 + signal.SIGTERM:
        fail("status %d after SIGTERM, expected %d" % (p.returncode, 128 + signal.SIGTERM))


test_port_in_use()
test_restart()
print("net helper tests " + ("failed" if problems else "ok"))
sys.exit(1 if problems else 0)
