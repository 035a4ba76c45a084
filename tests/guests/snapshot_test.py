#!/usr/bin/env python3
"""Snapshots of a bare-metal guest (snapshot_counter.c: each hart counts in
its own word at 0x80400000 + 8*hart, hart 0 counts 10 ms timer interrupts
in the word at +64 and prints "tick N" every 50): savevm through -monitor
unix:, quit, then -loadvm in a new rivet.

    snapshot_test.py RIVET SNAPSHOT_COUNTER_ELF roundtrip [SMP [RIVET-ARGS...]]
    snapshot_test.py RIVET SNAPSHOT_COUNTER_ELF refused
    snapshot_test.py RIVET SNAPSHOT_COUNTER_ELF qmp

roundtrip: the restored machine, started paused (-S), holds exactly the
counts read at savevm; after cont every hart's count and the tick count go
on from there (the timer fires), the guest's boot message is not printed
again, and the snapshot file stores far less than RAM (zero pages are left
out). refused: a snapshot loaded with another -smp or -m, truncated,
corrupted, a file that is no snapshot, a FIFO, a missing file: each is one
line on stderr naming the reason, status 125, before the guest runs (and a
writable disk image whose content changed since the save); a
monitor's loadvm of such a file answers an error and the machine runs on
unchanged. qmp: savevm and loadvm through human-monitor-command; then
QEMU's job-based snapshot-save, snapshot-load and snapshot-delete (tag = the
file): each answers {} and then sends JOB_STATUS_CHANGE events in QEMU's
order, query-jobs shows the concluded job (with its error when it failed),
job-dismiss removes it; the machine restored holds the saved counts; bad
arguments are refused as QEMU refuses them; snapshot-delete leaves a file
that is not a snapshot alone.
"""
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'cli'))
import monclient  # noqa: E402

WORDS, TICKS = 0x80400000, 0x80400040
rivet, elf, part = sys.argv[1], sys.argv[2], sys.argv[3]
smp = int(sys.argv[4]) if len(sys.argv) > 4 else 1
extra_args = sys.argv[5:]
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print('FAIL:', what)


class Hmp(monclient.Hmp):
    def counts(self):
        return [self.u64(WORDS + 8 * h) for h in range(smp)], self.u64(TICKS)


def connect(path, proc):
    return monclient.connect(path, proc, timeout=30)


def start(tmp, name, *extra, smp_n=None):
    sock = os.path.join(tmp, name + '.sock')
    args = [rivet, '-machine', 'virt', '-m', '128M', '-bios', 'none', '-kernel', elf, '-nographic',
            '-smp', str(smp_n or smp), '-monitor', f'unix:{sock},server,nowait', '--timeout', '60', *extra_args,
            *extra]
    proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return proc, connect(sock, proc)


def wait_output(proc, text, limit=20):
    """Reads the console until text appears; returns what was read."""
    os.set_blocking(proc.stdout.fileno(), False)
    data, end = b'', time.time() + limit
    while text.encode() not in data and time.time() < end:
        chunk = proc.stdout.read()
        if chunk:
            data += chunk
        else:
            time.sleep(0.02)
    return data.decode(errors='replace')


def save(tmp, snap):
    """Boots the guest, lets it count, saves; returns the counts saved."""
    proc, s = start(tmp, 'a')
    hmp = Hmp(s)
    out = wait_output(proc, 'tick 50')
    check('snapshot guest started' in out and 'tick 50' in out, f'the guest boots and ticks: {out!r}')
    hmp.cmd('stop')
    saved = hmp.counts()
    reply = hmp.cmd(f'savevm {snap}')
    check(reply.strip() == '', f'savevm answers nothing: {reply!r}')
    info = hmp.cmd('info snapshots')
    check(snap in info and f'-smp {smp}' in info, f'info snapshots names the file: {info!r}')
    check(hmp.counts() == saved, 'savevm leaves the machine as it was')
    hmp.s.sendall(b'quit\n')
    check(proc.wait(timeout=20) == 0, f'quit ends the run with 0 (got {proc.returncode})')
    return saved


def roundtrip(tmp):
    snap = os.path.join(tmp, 'guest.snap')
    (counts, ticks) = save(tmp, snap)
    check(all(c > 0 for c in counts) and ticks >= 50, f'every hart counted before the save: {counts} {ticks}')
    size = os.path.getsize(snap)
    check(size < 4 << 20, f'the snapshot of 128 MiB of mostly zero RAM is small: {size} bytes')
    proc, s = start(tmp, 'b', '-loadvm', snap, '-S')
    hmp = Hmp(s)
    check(hmp.counts() == (counts, ticks), f'the restored machine holds the saved counts: {hmp.counts()} vs '
          f'{(counts, ticks)}')
    hmp.cmd('cont')
    time.sleep(1.0)
    hmp.cmd('stop')
    (c2, t2) = hmp.counts()
    check(all(b > a for a, b in zip(counts, c2)), f'every hart counts on from the saved value: {counts} -> {c2}')
    check(ticks + 20 <= t2 < ticks + 1000, f'the timer fires after the restore: {ticks} -> {t2}')
    hmp.cmd('cont')
    out = wait_output(proc, f'tick {(t2 // 50 + 1) * 50}')
    check('tick' in out and 'snapshot guest started' not in out, f'the restored guest ticks, not boots: {out!r}')
    hmp.s.sendall(b'quit\n')
    check(proc.wait(timeout=20) == 0, f'quit after the restore ends the run with 0 (got {proc.returncode})')


def refuse(tmp, snap, what, pattern, *extra, smp_n=None):
    args = [rivet, '-machine', 'virt', '-m', '128M', '-bios', 'none', '-kernel', elf, '-nographic',
            '-smp', str(smp_n or smp), '-loadvm', snap, '--timeout', '30', *extra]
    r = subprocess.run(args, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60)
    lines = r.stderr.strip().splitlines()
    check(r.returncode == 125, f'{what}: status 125 (got {r.returncode}, stderr {r.stderr!r})')
    check(len(lines) == 1 and re.search(pattern, lines[0]) and lines[0].startswith(f'rivet: -loadvm {snap}: '),
          f'{what}: one line matching {pattern!r}: {r.stderr!r}')
    check('started' not in r.stdout, f'{what}: the guest did not run: {r.stdout!r}')


def disk_changed(tmp):
    """A writable image: the snapshot records its content; an image changed
    since is refused, the same content accepted."""
    img = os.path.join(tmp, 'disk.img')
    open(img, 'wb').write(bytes(range(256)) * 256)
    drive = ('-drive', f'file={img},format=raw,id=d0,if=none', '-device', 'virtio-blk-device,drive=d0')
    snap = os.path.join(tmp, 'disk.snap')
    proc, s = start(tmp, 'd', *drive)
    hmp = Hmp(s)
    wait_output(proc, 'tick 10')
    reply = hmp.cmd(f'savevm {snap}')
    check(reply.strip() == '', f'savevm with a writable disk: {reply!r}')
    hmp.s.sendall(b'quit\n')
    proc.wait(timeout=20)
    with open(img, 'r+b') as f:
        f.seek(1000)
        f.write(b'changed')
    refuse(tmp, snap, 'a writable image changed since', r'virtio-mmio-bus.[0-7]: its image changed since the snapshot',
           *drive)
    open(img, 'wb').write(bytes(range(256)) * 256)  # the same content again: accepted
    proc, s = start(tmp, 'e', '-loadvm', snap, *drive)
    check(wait_output(proc, 'tick').count('tick') >= 1, 'the same image content is accepted')
    Hmp(s).s.sendall(b'quit\n')
    check(proc.wait(timeout=20) == 0, f'quit: {proc.returncode}')


def refused(tmp):
    snap = os.path.join(tmp, 'guest.snap')
    save(tmp, snap)
    data = open(snap, 'rb').read()
    refuse(tmp, snap, 'other -smp', rf'made with -smp {smp}, this machine has -smp {smp + 1}', smp_n=smp + 1)
    refuse(tmp, snap, 'other -m', r'made with -m 128M, this machine has -m 256M', '-m', '256M')
    refuse(tmp, snap, 'other -cpu', r'made with -cpu \S+, this machine has -cpu \S+', '-cpu', 'rva23s64')
    bad = os.path.join(tmp, 'bad.snap')
    open(bad, 'wb').write(data[:len(data) // 2])
    refuse(tmp, bad, 'truncated', r'truncated')
    open(bad, 'wb').write(data[:40])
    refuse(tmp, bad, 'truncated to 40 bytes', r'truncated')
    for off, why in ((300, r'corrupted section'), (20, r'corrupted header'), (2, r'not a rivet snapshot')):
        flipped = bytearray(data)
        flipped[off] ^= 0x40
        open(bad, 'wb').write(flipped)
        refuse(tmp, bad, f'a byte flipped at {off}', why)
    open(bad, 'wb').write(b'hello, world\n' * 100)
    refuse(tmp, bad, 'not a snapshot', r'not a rivet snapshot')
    fifo = os.path.join(tmp, 'fifo')
    os.mkfifo(fifo)
    refuse(tmp, fifo, 'a FIFO', r'not a regular file')
    refuse(tmp, os.path.join(tmp, 'missing'), 'a missing file', r'No such file')
    disk_changed(tmp)
    # The monitor's loadvm of a bad file answers an error and changes nothing.
    proc, s = start(tmp, 'c')
    hmp = Hmp(s)
    wait_output(proc, 'tick 10')
    hmp.cmd('stop')
    before = hmp.counts()
    reply = hmp.cmd(f'loadvm {bad}')
    check(reply.startswith('Error: ') and 'corrupted' not in reply and 'not a rivet snapshot' in reply,
          f'loadvm of a bad file is an error: {reply!r}')
    open(bad, 'wb').write(data[:len(data) - 4096])
    reply = hmp.cmd(f'loadvm {bad}')
    check(reply.startswith('Error: ') and 'truncated' in reply, f'loadvm of a truncated file: {reply!r}')
    check(hmp.counts() == before, 'a refused loadvm leaves the machine untouched')
    hmp.cmd('cont')
    time.sleep(0.3)
    check(hmp.counts()[1] > before[1], 'and it runs on')
    hmp.s.sendall(b'quit\n')
    proc.wait(timeout=20)


def qmp(tmp):
    snap = os.path.join(tmp, 'q.snap')
    qsock = os.path.join(tmp, 'qmp.sock')
    proc, s = start(tmp, 'q', '-qmp', f'unix:{qsock},server,nowait')
    hmp = Hmp(s)
    q = connect(qsock, proc).makefile('rwb')

    events = []

    def call(obj):
        q.write(json.dumps(obj).encode() + b'\n')
        q.flush()
        while True:
            msg = json.loads(q.readline())
            if 'event' not in msg:
                return msg
            events.append(msg)

    json.loads(q.readline())
    call({'execute': 'qmp_capabilities'})
    wait_output(proc, 'tick 10')
    hmp.cmd('stop')
    saved = hmp.counts()
    r = call({'execute': 'human-monitor-command', 'arguments': {'command-line': f'savevm {snap}'}})
    check(r.get('return') == '', f'savevm through QMP: {r}')
    hmp.cmd('cont')
    time.sleep(0.3)
    hmp.cmd('stop')
    check(hmp.counts() != saved, 'the machine ran on after the save')
    r = call({'execute': 'human-monitor-command', 'arguments': {'command-line': f'loadvm {snap}'}})
    check(r.get('return') == '', f'loadvm through QMP: {r}')
    check(hmp.counts() == saved, f'loadvm in a running rivet brings back the saved counts: {hmp.counts()} {saved}')
    hmp.cmd('cont')
    time.sleep(0.3)
    check(hmp.counts()[1] > saved[1], 'and the timer fires on')
    qmp_jobs(tmp, hmp, call, events)
    hmp.s.sendall(b'quit\n')
    check(proc.wait(timeout=20) == 0, f'quit: {proc.returncode}')


def qmp_jobs(tmp, hmp, call, events):
    """snapshot-save/-load/-delete as jobs, as a QMP client such as libvirt
    drives them: the command's {} first, then the job's status events."""
    snap = os.path.join(tmp, 'job.snap')

    def job(cmd, job_id, **args):
        del events[:]
        r = call({'execute': cmd, 'arguments': {'job-id': job_id, **args}, 'id': job_id})
        check(r == {'return': {}, 'id': job_id}, f'{cmd} {job_id} answers {{}}: {r}')
        jobs = call({'execute': 'query-jobs'}).get('return', [])  # the events came before this reply
        statuses = [e['data']['status'] for e in events
                    if e['event'] == 'JOB_STATUS_CHANGE' and e['data']['id'] == job_id]
        mine = [j for j in jobs if j['id'] == job_id]
        check(len(mine) == 1 and mine[0]['type'] == cmd and mine[0]['status'] == 'concluded',
              f'query-jobs lists {job_id} concluded: {jobs}')
        r = call({'execute': 'job-dismiss', 'arguments': {'id': job_id}})
        check(r == {'return': {}} and events[-1]['data'] == {'status': 'null', 'id': job_id},
              f'job-dismiss {job_id}: {r} {events[-1:]}')
        check(call({'execute': 'query-jobs'})['return'] == [], 'no job left after job-dismiss')
        return statuses, (mine[0] if mine else {})

    ok_run = ['created', 'running', 'waiting', 'pending', 'concluded']
    hmp.cmd('stop')
    saved = hmp.counts()
    st, j = job('snapshot-save', 'save0', tag=snap, vmstate='vda', devices=['vda'])
    check(st == ok_run and 'error' not in j, f'snapshot-save: events {st}, job {j}')
    check(open(snap, 'rb').read(8) == b'RIVETSNP', 'snapshot-save wrote the file named by tag')
    hmp.cmd('cont')
    time.sleep(0.3)
    hmp.cmd('stop')
    check(hmp.counts() != saved, 'the machine ran on after snapshot-save')
    st, j = job('snapshot-load', 'load0', tag=snap, vmstate='vda', devices=[])
    check(st == ok_run and 'error' not in j, f'snapshot-load: events {st}, job {j}')
    check(hmp.counts() == saved, f'snapshot-load brings back the saved counts: {hmp.counts()} {saved}')
    missing = os.path.join(tmp, 'missing.snap')
    st, j = job('snapshot-load', 'load1', tag=missing, vmstate='vda', devices=[])
    check(st == ['created', 'running', 'aborting', 'concluded'] and 'No such file' in j.get('error', ''),
          f'snapshot-load of a missing file fails the job: {st} {j}')
    check(hmp.counts() == saved, 'a failed snapshot-load leaves the machine as it was')
    other = os.path.join(tmp, 'not-a-snapshot')
    open(other, 'w').write('precious data\n' * 10)
    st, j = job('snapshot-delete', 'del0', tag=other, devices=[])
    check('aborting' in st and 'not a rivet snapshot' in j.get('error', '') and os.path.exists(other),
          f'snapshot-delete leaves a file that is not a snapshot alone: {st} {j}')
    st, j = job('snapshot-delete', 'del1', tag=snap, devices=['vda'])
    check(st == ok_run and not os.path.exists(snap), f'snapshot-delete removes the snapshot: {st} {j}')
    for args, want in (({'tag': snap}, "Parameter 'job-id' is missing"),
                       ({'job-id': 'x'}, "Parameter 'tag' is missing"),
                       ({'job-id': '1x', 'tag': snap}, "Invalid job ID"),
                       ({'job-id': 'x', 'tag': 5}, "Invalid parameter type for 'tag'"),
                       ({'job-id': 'x', 'tag': snap, 'devices': 'vda'}, "'devices'")):
        r = call({'execute': 'snapshot-save', 'arguments': args})
        check(want in r.get('error', {}).get('desc', ''), f'snapshot-save {args} refused with {want!r}: {r}')
    r = call({'execute': 'job-dismiss', 'arguments': {'id': 'nope'}})
    check(r.get('error', {}).get('desc') == 'Job not found', f'job-dismiss of no job: {r}')
    hmp.cmd('cont')


with tempfile.TemporaryDirectory() as tmp:
    {'roundtrip': roundtrip, 'refused': refused, 'qmp': qmp}[part](tmp)
if failures:
    sys.exit(f'{len(failures)} check(s) failed')
print('ok')
