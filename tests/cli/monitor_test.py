#!/usr/bin/env python3
"""The monitor over its unix sockets, as a script drives it (plain sockets
and json, no QEMU code), on a guest that sets s1 = 0x5eed1234cafef00d,
writes 0x1122334455667788 at 0x80001000 and counts for ever at 0x80001008.

    monitor_test.py RIVET MONITOR_TARGET_ELF hmp|qmp|stdio|paused|hmp_reset|qmp_reset|qmp_noreboot|reload

stdio: -monitor stdio fed from a pipe (the console is then none, as QEMU's
goes to its window), ended by quit. paused: -S without gdb starts the
machine paused until cont. hmp_reset, qmp_reset (-smp 2, hart threads):
system_reset reboots, the counter starts over (qmp_reset: the RESET
event); qmp_noreboot: with -no-reboot system_reset ends the run. reload:
a reboot loads the kernel file again (replaced by fail7.elf from the same
directory: the new program runs and exits 7; removed: the run ends with
125 and the loader's message).
"""
import json
import os
import shutil
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


def hmp_u64(q, addr):
    r, _ = q.reply({'execute': 'human-monitor-command', 'arguments': {'command-line': f'xp /1xg {addr:#x}'}})
    return int(r['return'].split(':')[1].split()[0], 16)


def wait_counter(read, what):
    for _ in range(500):
        if read() != 0:
            return
        time.sleep(0.01)
    check(False, what)


def test_hmp_reset(hmp, proc):
    wait_counter(lambda: xp_u64(hmp, COUNTER), 'the guest counts')
    hmp.cmd('stop')
    check(xp_u64(hmp, COUNTER) != 0 and xp_u64(hmp, MARKER) == 0x1122334455667788, 'counting before the reset')
    check(hmp.cmd('system_reset') == '', 'system_reset answers nothing')
    check('VM status: paused' in hmp.cmd('info status'), 'a paused machine stays paused across system_reset')
    regs = hmp.cmd('info registers')
    check(' pc       0000000000001000' in regs and 'x9/s1    0000000000000000' in regs,
          f'the hart is at its reset vector, registers cleared: {regs[:300]!r}')
    check(xp_u64(hmp, COUNTER) == 0 and xp_u64(hmp, MARKER) == 0, 'RAM reads zero after the reset (the marker too)')
    hmp.cmd('cont')
    wait_counter(lambda: xp_u64(hmp, COUNTER), 'the guest counts again after the reset')
    check(xp_u64(hmp, MARKER) == 0x1122334455667788, 'the guest ran from its start again (the marker)')
    hmp.cmd('system_reset')  # while running: the guest boots and counts again
    wait_counter(lambda: xp_u64(hmp, COUNTER), 'the guest counts after a reset while running')
    hmp.s.sendall(b'quit\n')
    check(proc.wait(timeout=20) == 0, f'quit ends the run with status 0 (got {proc.returncode})')
    err = proc.stderr.read()
    check(err.count('rivet: system_reset (monitor)\n') == 2, f'one line on stderr per reset: {err!r}')


def next_event(q):
    msg = q.read()
    while 'event' not in msg:
        msg = q.read()
    return msg


def test_qmp_reset(q, proc):
    q.read()
    q.reply({'execute': 'qmp_capabilities'})
    wait_counter(lambda: hmp_u64(q, COUNTER), 'the guest counts')
    r, events = q.reply({'execute': 'stop'})
    check(hmp_u64(q, COUNTER) != 0, 'counting before the reset')
    r, _ = q.reply({'execute': 'system_reset'})
    check(r == {'return': {}}, f'system_reset: {r}')
    ev = next_event(q)
    check(ev.get('event') == 'RESET' and ev.get('data') == {'guest': False, 'reason': 'host-qmp-system-reset'},
          f'the RESET event as QEMU sends it: {ev}')
    r, _ = q.reply({'execute': 'query-status'})
    check(r.get('return', {}).get('status') == 'paused', f'still paused after the reset: {r}')
    check(hmp_u64(q, COUNTER) == 0 and hmp_u64(q, MARKER) == 0, 'the counter starts over: RAM is zero')
    q.reply({'execute': 'cont'})
    wait_counter(lambda: hmp_u64(q, COUNTER), 'the guest counts again after the reset')
    check(hmp_u64(q, MARKER) == 0x1122334455667788, 'the guest ran from its start again (the marker)')
    r, _ = q.reply({'execute': 'quit'})
    check(q.read().get('event') == 'SHUTDOWN', 'SHUTDOWN event after quit')
    check(proc.wait(timeout=20) == 0, f'QMP quit ends the run with status 0 (got {proc.returncode})')


def test_qmp_noreboot(q, proc):
    q.read()
    q.reply({'execute': 'qmp_capabilities'})
    r, _ = q.reply({'execute': 'system_reset'})
    check(r == {'return': {}}, f'system_reset: {r}')
    ev = next_event(q)
    check(ev.get('event') == 'SHUTDOWN' and ev.get('data') == {'guest': False, 'reason': 'host-qmp-system-reset'},
          f'-no-reboot: SHUTDOWN with the reset as its reason, as QEMU: {ev}')
    check(proc.wait(timeout=20) == 0, f'-no-reboot: system_reset ends the run with status 0 (got {proc.returncode})')


def start_paused(d, kernel):
    path = os.path.join(d, 'r.sock')
    proc = subprocess.Popen([rivet, '-bios', 'none', '-kernel', kernel, '-nographic', '-monitor',
                             f'unix:{path},server,nowait', '-S', '--timeout', '60'],
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    return proc, Hmp(connect(path, proc))


def test_reload():
    with tempfile.TemporaryDirectory() as d:
        kernel = os.path.join(d, 'kernel.elf')
        shutil.copy(elf, kernel)
        proc, hmp = start_paused(d, kernel)
        try:
            shutil.copy(os.path.join(os.path.dirname(elf), 'fail7.elf'), kernel + '.new')
            os.replace(kernel + '.new', kernel)  # as a build replaces its output
            hmp.cmd('system_reset')
            hmp.s.sendall(b'cont\n')
            status = proc.wait(timeout=30)
            out = proc.stdout.read()
            check(status == 7 and out == 'hi\n', f'the rebuilt kernel boots after system_reset: {status} {out!r}')
        finally:
            if proc.poll() is None:
                proc.kill()
        shutil.copy(elf, kernel)
        proc, hmp = start_paused(d, kernel)
        try:
            os.unlink(kernel)
            hmp.s.sendall(b'system_reset\n')
            status = proc.wait(timeout=30)
            err = proc.stderr.read()
            check(status == 125, f'a kernel gone at reboot ends the run with 125 (got {status})')
            check(f'rivet: reboot: -kernel {kernel}: ' in err, f'one line naming the file: {err!r}')
        finally:
            if proc.poll() is None:
                proc.kill()


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
    if part == 'reload':
        test_reload()
        sys.exit(1 if failures else 0)
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, 'mon.sock')
        flag = '-qmp' if part.startswith('qmp') else '-monitor'
        extra = {'paused': ['-S'], 'qmp_reset': ['-smp', '2'], 'qmp_noreboot': ['-no-reboot']}.get(part, [])
        proc = subprocess.Popen([rivet, '-bios', 'none', '-kernel', elf, '-serial', 'none', flag,
                                 f'unix:{path},server,nowait', '--timeout', '120'] + extra,
                                stdin=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        try:
            sock = connect(path, proc)
            if part == 'hmp':
                test_hmp(Hmp(sock), proc)
            elif part == 'paused':
                test_start_paused(Hmp(sock), proc)
            elif part == 'hmp_reset':
                test_hmp_reset(Hmp(sock), proc)
            elif part == 'qmp_reset':
                test_qmp_reset(Qmp(sock), proc)
            elif part == 'qmp_noreboot':
                test_qmp_noreboot(Qmp(sock), proc)
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
