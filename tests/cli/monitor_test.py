#!/usr/bin/env python3
"""The monitor over its unix sockets, as a script drives it (plain sockets
and json, no QEMU code), on a guest that sets s1 = 0x5eed1234cafef00d,
writes 0x1122334455667788 at 0x80001000 and counts for ever at 0x80001008.

    monitor_test.py RIVET MONITOR_TARGET_ELF hmp|qmp|stdio|paused

stdio: -monitor stdio fed from a pipe (the console is then none, as QEMU's
goes to its window), ended by quit. paused: -S without gdb starts the
machine paused until cont.
"""
import json
import os
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from monclient import Hmp, connect  # noqa: E402

MARKER, COUNTER = 0x80001000, 0x80001008
rivet, elf, part = sys.argv[1], sys.argv[2], sys.argv[3]
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print('FAIL:', what)


def xp_u64(hmp, addr):
    return hmp.u64(addr)


def test_hmp(hmp, proc):
    regs = hmp.cmd('info registers')
    check('x9/s1    5eed1234cafef00d' in regs, f'info registers shows the guest s1: {regs!r}')
    check(hmp.cmd(f'xp /1xg {MARKER:#x}').startswith(f'{MARKER:016x}: 0x1122334455667788'), 'xp reads the marker')
    words = hmp.cmd(f'x /2xw {MARKER:#x}')
    check(words.startswith(f'{MARKER:016x}: 0x55667788 0x11223344'), f'x /2xw reads the marker: {words!r}')
    check('Cannot access memory' in hmp.cmd('xp /1xg 0x40'), 'xp of nothing mapped says so')
    check("unknown command: 'frobnicate'" in hmp.cmd('frobnicate now'), 'unknown command message')
    check('line too long' in hmp.cmd('x' * 5000), 'an overlong line is refused')
    hmp.s.sendall(bytes(range(1, 256)).replace(b'\n', b'').replace(b'\r', b'') + b'\n')
    hmp.read_prompt()
    check('VM status: running' in hmp.cmd('info status'), 'running at start, and junk did not kill the monitor')
    check('* CPU #0: pc=0x00000000800000' in hmp.cmd('info cpus'), 'info cpus marks the current hart')
    mtree = hmp.cmd('info mtree')
    check('0000000080000000-0000000087ffffff (prio 0, ram): ram' in mtree and ': serial' in mtree, 'info mtree')
    c1 = xp_u64(hmp, COUNTER)
    time.sleep(0.2)
    check(xp_u64(hmp, COUNTER) != c1, 'the counter moves while running')
    hmp.cmd('stop')
    check('VM status: paused' in hmp.cmd('info status'), 'info status after stop')
    c2 = xp_u64(hmp, COUNTER)
    time.sleep(1)
    check(xp_u64(hmp, COUNTER) == c2, 'stop really stops: the counter is unchanged over 1 s')
    hmp.cmd('cont')
    check('VM status: running' in hmp.cmd('info status'), 'info status after cont')
    time.sleep(0.2)
    check(xp_u64(hmp, COUNTER) != c2, 'cont resumes: the counter moves again')
    hmp.s.sendall(b'quit\n')
    check(proc.wait(timeout=20) == 0, f'quit ends the run with status 0 (got {proc.returncode})')


class Qmp:
    def __init__(self, sock):
        self.f = sock.makefile('rwb')

    def read(self):
        line = self.f.readline()
        if not line:
            raise EOFError
        return json.loads(line)

    def send(self, obj):
        self.f.write((obj if isinstance(obj, bytes) else json.dumps(obj).encode()) + b'\n')
        self.f.flush()

    def reply(self, obj):
        """The reply to obj; events that come first are collected."""
        self.send(obj)
        events = []
        while True:
            msg = self.read()
            if 'event' in msg:
                events.append(msg['event'])
            else:
                return msg, events


def test_qmp(q, proc):
    greeting = q.read()
    check('QMP' in greeting and greeting['QMP']['version']['qemu']['major'] == 7, f'greeting: {greeting}')
    r, _ = q.reply({'execute': 'query-status'})
    check(r.get('error', {}).get('class') == 'CommandNotFound', f'commands before negotiation are refused: {r}')
    r, _ = q.reply({'execute': 'qmp_capabilities'})
    check(r == {'return': {}}, f'qmp_capabilities: {r}')
    r, _ = q.reply({'execute': 'query-status', 'id': 'a1'})
    check(r.get('return', {}).get('status') == 'running' and r.get('id') == 'a1', f'query-status running: {r}')
    r, _ = q.reply(b'this is { not json')
    check(r.get('error', {}).get('class') == 'GenericError', f'bad JSON answered with an error: {r}')
    r, _ = q.reply({'execute': 'no-such-command'})
    check(r.get('error', {}).get('class') == 'CommandNotFound', f'unknown command: {r}')
    r, events = q.reply({'execute': 'stop'})
    check(r == {'return': {}} and 'STOP' in events, f'stop and its STOP event: {r} {events}')
    r, _ = q.reply({'execute': 'query-status'})
    check(r.get('return', {}).get('status') == 'paused' and r['return']['running'] is False, f'paused: {r}')
    r, _ = q.reply({'execute': 'human-monitor-command', 'arguments': {'command-line': f'xp /1xg {COUNTER:#x}'}})
    c1 = int(r['return'].split(':')[1].split()[0], 16)
    time.sleep(1)
    r, _ = q.reply({'execute': 'human-monitor-command', 'arguments': {'command-line': f'xp /1xg {COUNTER:#x}'}})
    check(int(r['return'].split(':')[1].split()[0], 16) == c1, 'the counter stands still while stopped')
    r, _ = q.reply({'execute': 'human-monitor-command', 'arguments': {'command-line': 'info registers'}})
    check('5eed1234cafef00d' in r.get('return', ''), 'human-monitor-command returns the HMP text')
    r, events = q.reply({'execute': 'cont'})
    check(r == {'return': {}} and 'RESUME' in events, f'cont and its RESUME event: {r} {events}')
    r, _ = q.reply({'execute': 'query-cpus-fast'})
    check(r.get('return', [{}])[0].get('cpu-index') == 0, f'query-cpus-fast: {r}')
    r, _ = q.reply({'execute': 'quit'})
    check(r == {'return': {}}, f'quit: {r}')
    check(q.read().get('event') == 'SHUTDOWN', 'SHUTDOWN event after quit')
    check(proc.wait(timeout=20) == 0, f'QMP quit ends the run with status 0 (got {proc.returncode})')


def test_start_paused(hmp, proc):
    check('VM status: paused' in hmp.cmd('info status'), '-S without gdb starts paused')
    regs = hmp.cmd('info registers')
    check(' pc       0000000000001000' in regs, f'no instruction ran: pc at the reset vector: {regs[:80]!r}')
    hmp.cmd('cont')
    for _ in range(500):
        if xp_u64(hmp, COUNTER):
            break
        time.sleep(0.01)
    check(xp_u64(hmp, COUNTER) != 0, 'cont starts the guest')
    hmp.s.sendall(b'quit\n')
    check(proc.wait(timeout=20) == 0, 'quit')


def test_stdio():
    p = subprocess.run([rivet, '-bios', 'none', '-kernel', elf, '-serial', 'none', '-monitor', 'stdio',
                        '--timeout', '60'], input=f'info status\nxp /1xg {MARKER:#x}\nquit\n',
                       capture_output=True, text=True, timeout=90)
    check(p.returncode == 0, f'quit on stdio: status {p.returncode}, stderr {p.stderr!r}')
    check(p.stdout.startswith('rivet ') and "monitor - type 'help' for more information\n(rivet) " in p.stdout,
          f'the banner and prompt: {p.stdout!r}')
    check(f'(rivet) VM status: running\n(rivet) {MARKER:016x}: 0x1122334455667788\n(rivet) ' in p.stdout,
          f'the replies on stdout: {p.stdout!r}')


def main():
    if part == 'stdio':
        test_stdio()
        sys.exit(1 if failures else 0)
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, 'mon.sock')
        flag = '-qmp' if part == 'qmp' else '-monitor'
        extra = ['-S'] if part == 'paused' else []
        proc = subprocess.Popen([rivet, '-bios', 'none', '-kernel', elf, '-serial', 'none', flag,
                                 f'unix:{path},server,nowait', '--timeout', '120'] + extra,
                                stdin=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        try:
            sock = connect(path, proc)
            if part == 'hmp':
                test_hmp(Hmp(sock), proc)
            elif part == 'paused':
                test_start_paused(Hmp(sock), proc)
            else:
                test_qmp(Qmp(sock), proc)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        check(not os.path.exists(path), 'the socket is removed when rivet ends')
    if failures:
        sys.exit(1)
    print('ok')


main()
