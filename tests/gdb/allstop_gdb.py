#!/usr/bin/env python3
"""All-stop across harts (issue 19), speaking gdb's remote protocol
directly so that every packet and reply is checked:

- breakpoint mode (-smp 2, allstop_target.elf, harts 0 and 1 each calling
  bp_here in a loop): a breakpoint at bp_here, then 50 continues. Every stop
  reply names a thread whose pc (read right after the stop, the stub having
  selected it, and again with Hg) is bp_here; both threads are reported;
  after each stop every hart's pc read twice gives the same value (the
  harts are parked, not running on), and every tenth stop the calls[]
  counters read from memory twice, 100 ms apart, agree (no hart runs
  while gdb looks).
- ctrlc mode (-smp 4): continue, then Ctrl-C (0x03) while harts 0 and 1
  run: the stop reply is SIGINT, qfThreadInfo lists 4 threads, their
  pcs read twice agree, and so do the calls[] counters read 100 ms apart.
Then k ends rivet with status 0. Exit 0 = pass, 1 = fail.

  allstop_gdb.py --rivet PATH --elf PATH --nm PATH --mode break|ctrlc [--accel A]"""
import argparse
import os
import re
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from run_gdb import accel_args, free_port, listening  # noqa: E402


class Remote:
    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=30)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""

    def _byte(self):
        if not self.buf:
            data = self.sock.recv(4096)
            if not data:
                raise EOFError("connection closed")
            self.buf = data
        c, self.buf = self.buf[:1], self.buf[1:]
        return c

    def recv_packet(self):
        while self._byte() != b"$":  # acks and anything before a packet
            pass
        body = b""
        while True:
            c = self._byte()
            if c == b"#":
                break
            body += c
        want = int(self._byte() + self._byte(), 16)
        if sum(body) % 256 != want:
            raise ValueError("bad checksum on %r" % body)
        self.sock.sendall(b"+")
        return body.decode()

    def send(self, body):
        pkt = "$%s#%02x" % (body, sum(body.encode()) % 256)
        self.sock.sendall(pkt.encode())

    def cmd(self, body):
        self.send(body)
        return self.recv_packet()


def stop_thread(reply):
    m = re.match(r"T([0-9a-f]{2})thread:([0-9a-f]+);", reply)
    return (int(m.group(1), 16), int(m.group(2), 16)) if m else (None, None)


def reg_pc(r):
    v = r.cmd("p20")
    if not re.fullmatch(r"[0-9a-f]{16}", v):
        raise ValueError("p20 answered %r" % v)
    return int.from_bytes(bytes.fromhex(v), "little")


def pcs(r, threads):
    out = []
    for t in threads:
        if r.cmd("Hg%x" % t) != "OK":
            raise ValueError("Hg%x refused" % t)
        out.append(reg_pc(r))
    return out


def threads_of(r):
    ids, reply = [], r.cmd("qfThreadInfo")
    while reply.startswith("m"):
        ids += [int(x, 16) for x in reply[1:].split(",")]
        reply = r.cmd("qsThreadInfo")
    return ids


def counters(r, addr):
    """calls[0] and calls[1], read from guest memory with an m packet."""
    v = r.cmd("m%x,10" % addr)
    if not re.fullmatch(r"[0-9a-f]{32}", v):
        raise ValueError("m answered %r" % v)
    raw = bytes.fromhex(v)
    return [int.from_bytes(raw[0:8], "little"), int.from_bytes(raw[8:16], "little")]


def still(r, calls, what, fails):
    """The harts are parked: the counters they bump do not move."""
    first = counters(r, calls)
    time.sleep(0.1)
    again = counters(r, calls)
    if first != again:
        fails.append("%s: calls[] %s then %s 100 ms later: a hart ran while stopped" % (what, first, again))


def run_break(r, bp, calls, fails):
    if r.cmd("Z0,%x,2" % bp) != "OK":
        fails.append("Z0 refused")
        return
    seen = {}
    for i in range(50):
        sig, t = stop_thread(r.cmd("vCont;c"))
        pc = reg_pc(r)
        if sig != 5 or pc != bp:
            fails.append("stop %d: signal %s thread %s pc %#x (bp_here %#x)" % (i, sig, t, pc, bp))
        seen[t] = seen.get(t, 0) + 1
        first = pcs(r, [1, 2])
        again = pcs(r, [1, 2])
        if first[t - 1] != bp or first != again:
            fails.append("stop %d: pcs %s then %s (thread %d should be at %#x)" % (i, first, again, t, bp))
        if i % 10 == 0:
            still(r, calls, "stop %d" % i, fails)
    print("stops per thread:", seen)
    if set(seen) != {1, 2}:
        fails.append("both threads reported, saw %s" % seen)


def run_ctrlc(r, calls, fails):
    r.send("vCont;c")
    time.sleep(0.3)
    r.sock.sendall(b"\x03")
    sig, t = stop_thread(r.recv_packet())
    if sig != 2:
        fails.append("Ctrl-C: signal %s, want SIGINT (2)" % sig)
    ids = threads_of(r)
    if ids != [1, 2, 3, 4]:
        fails.append("Ctrl-C: threads %s, want 4" % ids)
    first, again = pcs(r, ids), pcs(r, ids)
    if first != again:
        fails.append("Ctrl-C: pcs %s then %s" % (first, again))
    still(r, calls, "Ctrl-C", fails)


def symbol(nm, elf, name, kind="T"):
    out = subprocess.run([nm, elf], stdout=subprocess.PIPE, text=True, check=True).stdout
    m = re.search(r"^([0-9a-f]+) %s %s$" % (kind, name), out, re.M)
    return int(m.group(1), 16)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rivet", required=True)
    ap.add_argument("--elf", required=True)
    ap.add_argument("--nm", required=True)
    ap.add_argument("--mode", choices=["break", "ctrlc"], required=True)
    ap.add_argument("--accel")
    args = ap.parse_args()
    bp = symbol(args.nm, args.elf, "bp_here")
    calls = symbol(args.nm, args.elf, "calls", "[BbDd]")
    port = free_port()
    smp = "2" if args.mode == "break" else "4"
    rivet = subprocess.Popen([args.rivet] + accel_args(args.accel) +
                             ["-bios", "none", "-smp", smp, "-serial", "none", "-gdb", "tcp::%d" % port, "-S",
                              "--timeout", "100", "-kernel", args.elf],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 10
    while not listening(port) and time.time() < deadline and rivet.poll() is None:
        time.sleep(0.05)
    fails = []
    try:
        r = Remote(port)
        sig, t = stop_thread(r.cmd("?"))
        if sig is None:
            fails.append("no stop reply to ?")
        if args.mode == "break":
            run_break(r, bp, calls, fails)
        else:
            run_ctrlc(r, calls, fails)
        r.send("k")
        status = rivet.wait(timeout=30)
    except (OSError, EOFError, ValueError, subprocess.TimeoutExpired) as e:
        rivet.kill()
        rivet.wait()
        print("FAIL: %s: %s" % (type(e).__name__, e))
        print(rivet.stderr.read())
        return 1
    if status != 0:
        fails.append("rivet status %d: %s" % (status, rivet.stderr.read()))
    for f in fails:
        print("FAIL: " + f)
    if fails:
        return 1
    print("PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
