"""A monitor client for the tests (plain sockets, no QEMU code): connect
to rivet's unix socket while it starts, and HMP's prompt-framed commands.
Shared by tests/cli/monitor_test.py and tests/guests/snapshot_test.py."""
import socket
import sys
import time


def connect(path, proc, timeout=20):
    """The socket at path, once rivet (proc) has made it; exits the test when
    rivet ends first or the socket never appears."""
    for _ in range(1000):
        if proc.poll() is not None:
            sys.exit(f'FAIL: rivet exited early with {proc.returncode}: {proc.stderr.read()}')
        try:
            s = socket.socket(socket.AF_UNIX)
            s.connect(path)
            s.settimeout(timeout)
            return s
        except OSError:
            s.close()
            time.sleep(0.02)
    sys.exit(f'FAIL: no socket at {path}')


class Hmp:
    def __init__(self, sock):
        self.s = sock
        self.read_prompt()

    def read_prompt(self):
        data = b''
        while not data.endswith(b'(rivet) '):
            chunk = self.s.recv(65536)
            if not chunk:
                raise EOFError(data)
            data += chunk
        return data[:-8].decode(errors='replace')

    def cmd(self, line):
        self.s.sendall(line.encode() + b'\n')
        return self.read_prompt()

    def u64(self, addr):
        """The 64-bit word at physical address addr (xp)."""
        out = self.cmd(f'xp /1xg {addr:#x}')
        return int(out.split(':')[1].split()[0], 16)
