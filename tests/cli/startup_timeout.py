#!/usr/bin/env python3
"""--timeout covers the start-up too (issue 16, item 4).

    startup_timeout.py RIVET GUEST_ELF

The window's X server here accepts the connection and never answers, so
opening the window (after the guest is loaded, before it runs) blocks.
`--timeout 2` must still end rivet, with status 124 and one line saying the
limit was reached during start-up. Exit 0 = pass, 77 = skipped (no free
port for the fake display)."""
import os
import socket
import subprocess
import sys

rivet, guest = sys.argv[1], sys.argv[2]
server = None
for display in range(70, 100):  # X display N listens on TCP port 6000 + N
    try:
        s = socket.socket()
        s.bind(("127.0.0.1", 6000 + display))
        s.listen()
        server = s
        break
    except OSError:
        s.close()
if server is None:
    print("no free port for a fake X display: skipped")
    sys.exit(77)
env = dict(os.environ, DISPLAY="127.0.0.1:%d" % display)
env.pop("WAYLAND_DISPLAY", None)
cmd = [rivet, "--timeout", "2", "-display", "sdl", "-serial", "none", "-kernel", guest]
try:
    r = subprocess.run(cmd, env=env, stdin=subprocess.DEVNULL, capture_output=True, timeout=20)
    status, err = r.returncode, r.stderr.decode()
except subprocess.TimeoutExpired as e:
    status, err = None, (e.stderr or b"").decode()
server.close()
ok = status == 124 and err.count("\n") == 1 and "time limit of 2 s reached during start-up" in err
print("status %s, stderr %r" % (status, err))
sys.exit(0 if ok else 1)
