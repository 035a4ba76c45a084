#!/usr/bin/env python3
"""gdb on a multi-hart guest (issue 17), driven through pexpect as a user
would: rivet -smp 3 -s -p PORT -S with smp_target.elf, gdb-multiarch:

- `break all_harts` and three `continue`s stop each hart in turn, each
  stop showing the argument of the hart that stopped (its registers);
- `break only_others` (a function hart 0 never runs) stops thread 2;
  `info threads` lists the three harts with their frames (their pcs);
- step into leaf, next, finish (its value), next;
- `thread 3`, CSRs by name ($mhartid, info registers mstatus, set
  $mscratch, $priv), stepi;
- scheduler-locking on: continue runs thread 3 alone (hart 0's counter
  does not move);
- a watchpoint on a variable only hart 2 writes;
- Ctrl-C while every hart runs, then the guest is released and exits 0.

Exit 0 = pass, 1 = fail, 77 = gdb-multiarch or pexpect missing.

  smp_gdb.py --rivet PATH --elf PATH"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from run_gdb import accel_args, free_port, listening  # noqa: E402

PROMPT = r"\(gdb\) "


class Session:
    def __init__(self, child):
        self.child = child
        self.failures = []

    def cmd(self, line, timeout=60):
        """Sends a gdb command and returns its output up to the next prompt."""
        self.child.sendline(line)
        self.child.expect(PROMPT, timeout=timeout)
        out = self.child.before
        print("(gdb) " + out.strip("\r\n"))
        return out

    def check(self, what, ok):
        if not ok:
            self.failures.append(what)
            print("FAIL: " + what)
        return ok

    def value(self, expr):
        m = re.search(r"\$\d+ = (\S+)", self.cmd("print " + expr))
        return m.group(1) if m else None


def run(s, elf):
    s.cmd("set pagination off")
    s.cmd("set confirm off")
    s.cmd("set width 0")

    # Each hart in turn stops at a breakpoint every hart reaches; the
    # argument shown is read from the stopped hart's registers.
    s.cmd("break all_harts")
    seen = set()
    for _ in range(3):
        m = re.search(r"Thread (\d+) hit Breakpoint 1, all_harts \(h=(\d+)\)", s.cmd("continue"))
        if s.check("a continue stops at all_harts", m is not None):
            t, h = int(m.group(1)), int(m.group(2))
            s.check("thread %d shows its own hart's argument (h=%d)" % (t, h), h == t - 1)
            seen.add(t)
    s.check("all three harts stopped in turn, saw %s" % sorted(seen), seen == {1, 2, 3})
    s.cmd("delete")

    # A breakpoint only hart 1 reaches (hart 2 waits at its gate).
    s.cmd("break only_others")
    s.cmd("set var gate[1] = 1")
    out = s.cmd("continue")
    s.check("thread 2 stops at only_others", re.search(r"Thread 2 hit Breakpoint 2, only_others \(h=1\)", out))
    out = s.cmd("info threads")
    s.check("info threads: thread 2 current, in only_others",
            re.search(r"^\*\s+2\s+Thread 2 \(hart 1\)\s+only_others \(h=1\)", out, re.M))
    # Hart 0 spins in main; on a loaded host its own thread may not yet
    # have left all_harts (deleted breakpoint, still running) by now.
    s.check("info threads: thread 1 in main or all_harts",
            re.search(r"^\s+1\s+Thread 1 \(hart 0\)\s+.*(main \(|all_harts \(h=0\))", out, re.M))
    s.check("info threads: thread 3 in all_harts or secondary_main",
            re.search(r"^\s+3\s+Thread 3 \(hart 2\)\s+.*(all_harts|secondary_main) \(h=2\)", out, re.M))
    pcs = re.findall(r"\$\d+ = (0x[0-9a-f]+)", s.cmd("thread apply all print/x $pc"))
    # gdb prints threads 3, 2, 1; harts 0 and 2 may share a spot in all_harts.
    s.check("three harts, thread 2's pc its own %s" % pcs,
            len(pcs) == 3 and pcs[1] != pcs[0] and pcs[1] != pcs[2])

    # Source-level stepping on thread 2 with the others running.
    out = s.cmd("step")
    s.check("step enters leaf", re.search(r"leaf \(x=1\) at .*\n\d+\s+uint64_t y = x \* 3;", out))
    s.check("next goes to the next line", re.search(r"^\d+\s+y \+= 7;", s.cmd("next"), re.M))
    out = s.cmd("finish")
    s.check("finish returns leaf's value", re.search(r"Run till exit from #0 .*leaf.*Value returned is \$\d+ = 10",
                                                   out, re.S))
    s.check("next after finish", re.search(r"^\d+\s+result\[h\] \+= 1;", s.cmd("next"), re.M))

    # Another thread: CSRs by name, stepi.
    s.check("thread 3", "Switching to thread 3" in s.cmd("thread 3"))
    s.check("$mhartid of thread 3 is 2", s.value("$mhartid") == "2")
    s.check("info registers mstatus", re.search(r"mstatus\s+0x[0-9a-f]+", s.cmd("info registers mstatus")))
    s.cmd("set $mscratch = 5")
    s.check("$mscratch written", s.value("$mscratch") == "5")
    s.check("$priv is machine mode", re.search(r"= (3|prv:3)", s.cmd("print $priv")))
    pc0 = s.value("/x $pc")
    s.cmd("stepi")
    pc1 = s.value("/x $pc")
    s.check("stepi on thread 3 moved its pc (%s -> %s)" % (pc0, pc1), pc0 and pc1 and pc0 != pc1)

    # scheduler-locking on: only thread 3 runs.
    s.cmd("set scheduler-locking on")
    spins0 = s.value("spins[0]")
    s.cmd("set var gate[2] = 1")
    out = s.cmd("continue")
    s.check("locked continue stops thread 3 at only_others",
            re.search(r"Thread 3 hit Breakpoint 2, only_others \(h=2\)", out))
    s.check("hart 0 held while locked (%s)" % spins0, s.value("spins[0]") == spins0)
    s.cmd("set scheduler-locking off")
    s.cmd("delete")

    # A watchpoint only hart 2 triggers.
    s.cmd("set var go_watch = 1")
    s.cmd("watch watched")
    out = s.cmd("continue")
    s.check("watchpoint stops thread 3 with the new value",
            re.search(r"Thread 3 hit Hardware watchpoint 3: watched\s+Old value = 0\s+New value = 1234", out))
    s.cmd("delete")

    # Ctrl-C while every hart runs.
    s.child.sendline("continue")
    s.child.expect("Continuing.", timeout=60)
    time.sleep(0.5)
    s.child.sendcontrol("c")
    s.child.expect(PROMPT, timeout=60)
    out = s.child.before
    print("(gdb) continue + Ctrl-C" + out)
    s.check("Ctrl-C stops with SIGINT", re.search(r"Thread \d received signal SIGINT", out))
    s.check("three threads after Ctrl-C", len(re.findall(r"Thread \d \(hart \d\)", s.cmd("info threads"))) == 3)

    s.cmd("set var release = 1")
    out = s.cmd("continue")
    s.check("the guest ran to its end", "Remote connection closed" in out or "exited" in out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rivet", required=True)
    ap.add_argument("--elf", required=True)
    ap.add_argument("--accel", help="-accel value, e.g. tcg,thread=single (default: rivet's)")
    args = ap.parse_args()
    gdb = shutil.which("gdb-multiarch")
    try:
        import pexpect
    except ImportError:
        pexpect = None
    if not gdb or not pexpect:
        print("gdb-multiarch or pexpect missing: skipped")
        return 77
    port = free_port()
    rivet = subprocess.Popen([args.rivet] + accel_args(args.accel) + ["-bios", "none", "-smp", "3", "-serial", "none", "-s", "-p", str(port),
                              "-S", "--timeout", "120", "-kernel", args.elf],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 10
    while not listening(port) and time.time() < deadline and rivet.poll() is None:
        time.sleep(0.05)
    child = pexpect.spawn(gdb, ["-q", "-nx", args.elf], encoding="utf-8", timeout=60,
                          env=dict(os.environ, TERM="dumb"))
    s = Session(child)
    try:
        child.expect(PROMPT)
        s.cmd("target remote 127.0.0.1:%d" % port)
        run(s, args.elf)
        child.sendline("quit")
        child.expect(pexpect.EOF, timeout=30)
        status = rivet.wait(timeout=30)
    except (pexpect.TIMEOUT, pexpect.EOF, subprocess.TimeoutExpired) as e:
        print("FAIL: gdb session: %s\n%s" % (type(e).__name__, child.before))
        rivet.kill()
        rivet.wait()
        return 1
    finally:
        child.close(force=True)
    print("rivet status", status, rivet.stderr.read())
    s.check("rivet exit status 0 (the guest's checks), got %d" % status, status == 0)
    if s.failures:
        print("FAIL: %d checks" % len(s.failures))
        return 1
    print("PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
