#!/usr/bin/env python3
"""`rivet ... | head -c 100` with the console on a terminal (issue 16, item 5).

    pipe_close.py RIVET SPEW_ELF [RIVET ARGS...]

The guest prints for ever; its stdout is a pipe whose reader takes 100
bytes and goes away, its stdin a pseudo-terminal. rivet must end with one
line on stderr and status 141 (128 + SIGPIPE, documented in --help), with
the terminal put back as it found it, whatever the extra arguments
(-nic user too). Exit 0 = pass."""
import os
import pty
import subprocess
import sys
import termios

rivet, guest = sys.argv[1], sys.argv[2]
extra = sys.argv[3:]
master, slave = pty.openpty()
before = termios.tcgetattr(slave)
cmd = [rivet, "-bios", "none", "-nographic", "--timeout", "20", "-kernel", guest] + extra
p = subprocess.Popen(cmd, stdin=slave, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
got = p.stdout.read(100)
p.stdout.close()  # the reader is gone, as `head -c 100` exits
try:
    status = p.wait(timeout=15)
except subprocess.TimeoutExpired:
    p.kill()  # by its own pid: the process this test started
    p.wait()
    status = None
err = p.stderr.read().decode()
after = termios.tcgetattr(slave)
os.close(master)
os.close(slave)

problems = []
if len(got) != 100 or not got.startswith(b"spew\n"):
    problems.append("the first 100 bytes are not the guest's output: %r" % got[:40])
if status != 141:
    problems.append("exit status %s, expected 141 (128 + SIGPIPE)" % status)
lines = err.splitlines()
if len(lines) != 1 or not lines[0].startswith("rivet: ") or "console output was closed" not in lines[0]:
    problems.append("stderr is not one 'rivet: ... console output was closed' line: %r" % err)
if after != before:
    problems.append("the terminal was left changed (raw mode): lflag %#x, was %#x" % (after[3], before[3]))
for m in problems:
    print("FAIL: " + m)
print("command: " + " ".join(cmd))
sys.exit(1 if problems else 0)
