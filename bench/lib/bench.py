#!/usr/bin/python3
"""rivet against QEMU: the measuring harness behind bench/run.

Sections (all on the same machine, in one run, rivet and QEMU interleaved
run by run):
  startup  process start to the first guest instruction (a bare-metal ELF that
           exits through HTIF at once; QEMU on its spike machine)
  boot     Linux: process start to the shell prompt and to exit after poweroff
  idle     host CPU over 10 s of an idle guest shell; peak RSS (VmHWM)
  cpu      the C programs in bench/programs inside the Linux guest, and native
  bare     the same programs bare-metal (-bios none), with rivet's MIPS
  smp      -smp 1, 2, 4 (issue 19): every program, one copy per hart, and a
           build-like load (xargs -P N over compress, 4 inputs per hart);
           rivet (default threading), rivet -accel tcg,thread=single when it
           takes that option, QEMU (MTTCG, its default). `scaling`, the
           section's old name, selects it too
  window   rivet only: the integer program with the SDL window open (under
           Xvfb, -display sdl) against the same with -nographic (issue 5)
  net      user-mode networking (virtio-net on -netdev user): the guest's
           busybox wget fetches a 64 MiB file from an HTTP server on the
           host's loopback through 10.0.2.2, into /tmp; its md5 is checked
  gdb      the cost of a breakpoint (issue 17), -smp 3: the time from gdb's
           `continue` at the reset vector (-S) to a breakpoint at the end of
           the boot (run_init_process, just before the kernel runs /init),
           against the time from process start to the kernel's "Run /init
           as init process" line without gdb

Guest programs are timed from the host: the harness sends the command line to
the guest shell and stops the clock when the completion marker that follows
it arrives (nothing subtracted). The program's own clock_gettime time is kept
in the JSON as guest_s, a cross-check of the guest clock.
"""
import argparse
import datetime
import gzip
import json
import math
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
BENCH = os.path.dirname(HERE)
ROOT = os.path.dirname(BENCH)

# Work units per run. A unit is about 70 million guest instructions (chase's
# unit is one 16 MiB shuffle and walk); sizes aim at 1-2 s per program on
# QEMU and keep the default run under 15 minutes on a 2-core machine.
PROGRAMS = {  # name: (guest scale, bare-metal scale)
    'int': (10, 5),
    'stream': (2, 1),
    'chase': (1, 1),
    'fp': (4, 2),
    'compress': (14, 7),
    'recurse': (10, 5),
}
CLOCK_PROGRAM, CLOCK_SCALE = 'int', 4
SMP_HARTS = (1, 2, 4)
# The build-like load: BUILD_JOBS_PER_HART jobs per hart of compress at
# BUILD_SCALE, xargs -P <harts> (like make -j over small compile jobs).
BUILD_PROGRAM, BUILD_SCALE, BUILD_JOBS_PER_HART = 'compress', 3, 4
SECTIONS = ('startup', 'boot', 'idle', 'cpu', 'bare', 'smp', 'window', 'net', 'gdb', 'snapshot', 'vector')
# vector (issue 21): tests/boot/vector/vecprog.c's kernels and repeat counts,
# in Debian 13's Linux 6.12 (scripts/fetch-debian13-kernel), both emulators
# on -cpu rv64,v=true,vlen=128; builds: scalar (-march=rv64gc), auto
# (-march=rv64gcv, auto-vectorised) and intr (the same binary's intrinsics).
VECTOR_KERNELS = {'memcpy': 4000, 'strlen': 4000, 'dot': 8000, 'matmul': 200}
VECTOR_BUILDS = {'scalar': ('vec_scalar', ''), 'auto': ('vec_auto', ''), 'intr': ('vec_auto', ' i')}
VECTOR_CPU = 'rv64,v=true,vlen=128'
NET_BYTES = 64 << 20
WINDOW_PROGRAM, WINDOW_SCALE, WINDOW_REPEAT = 'int', 10, 2
GDB_SMP, GDB_BREAK, INIT_LINE = 3, 'run_init_process', 'Run /init as init process'
MEM = '512M'
SNAP_MEMS, CLONE_MEM, CLONES = ('256M', '2G'), '512M', 8
APPEND = 'console=ttyS0'
OPENSBI = '/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin'
PROMPT = r'rivet:\S*# '
MARK = r'@@E(\d+)@@'
BENCH_RE = re.compile(r'BENCH (\w+) scale=(\d+) checksum=([0-9a-f]{16})(?: guest_s=([0-9.]+))?')
CFLAGS = ['-O2', '-std=gnu11', '-Wall', '-Wextra', '-ffp-contract=off', '-fno-math-errno']
BARE_FLAGS = ['-ffreestanding', '-nostdlib', '-static', '-no-pie', '-fno-pic',
              '-fno-stack-protector', '-mcmodel=medany', '-Wl,--no-warn-rwx-segments',
              '-Wl,--build-id=none', '-march=rv64gc', '-mabi=lp64d']
TIMEOUT_BOOT = 180
TIMEOUT_PROG = 300
TIMEOUT_BUILD = 300


class Fail(Exception):
    """A measurement that could not be made; the message says which and why."""


def log(msg):
    print('bench: ' + msg, file=sys.stderr, flush=True)


def run(argv, timeout, what, **kw):
    """subprocess.run with a timeout; a failure raises Fail naming `what`."""
    try:
        r = subprocess.run(argv, capture_output=True, text=True, timeout=timeout,
                           stdin=subprocess.DEVNULL, **kw)
    except subprocess.TimeoutExpired:
        raise Fail(f'{what}: timed out after {timeout} s')
    except OSError as e:
        raise Fail(f'{what}: {e}')
    if r.returncode != 0:
        tail = (r.stdout + r.stderr).strip()[-600:]
        raise Fail(f'{what}: exit status {r.returncode}: {tail}')
    return r


def timed(argv, timeout, what):
    t0 = time.monotonic()
    r = run(argv, timeout, what)
    return time.monotonic() - t0, r


# ---------------------------------------------------------------- building

def newc_entry(name, mode, data=b''):
    """One cpio 'newc' member (owner root, fixed mtime: reproducible)."""
    nb = name.encode() + b'\0'
    fields = [0, mode, 0, 0, 1, 0, len(data), 0, 0, 0, 0, len(nb), 0]
    head = b'070701' + b''.join(b'%08X' % f for f in fields) + nb
    head += b'\0' * (-len(head) % 4)
    return head + data + b'\0' * (-len(data) % 4)


def write_cpio_gz(path, files):
    """files: {guest path without leading '/': host file}; dirs created."""
    body = b''
    dirs = sorted({os.path.dirname(g) for g in files if os.path.dirname(g)})
    for d in dirs:
        body += newc_entry(d, 0o040755)
    for g, host in sorted(files.items()):
        with open(host, 'rb') as f:
            body += newc_entry(g, 0o100755, f.read())
    body += newc_entry('TRAILER!!!', 0)
    with gzip.GzipFile(path, 'wb', mtime=0) as f:
        f.write(body)


def host_checksum(exe, scale):
    r = run([exe, str(scale)], TIMEOUT_PROG, f'native {os.path.basename(exe)} {scale}')
    m = BENCH_RE.search(r.stdout)
    if not m:
        raise Fail(f'native {exe}: no BENCH line in {r.stdout!r}')
    return m.group(3)


def build_programs(out, guest_dir, sections):
    """Host, riscv64 Linux and bare-metal builds; the bench initramfs."""
    src = os.path.join(BENCH, 'programs')
    os.makedirs(out, exist_ok=True)
    expected, bare = {}, {}
    for name in PROGRAMS:
        c = os.path.join(src, name + '.c')
        host, rv = os.path.join(out, name + '-host'), os.path.join(out, name)
        run(['gcc', *CFLAGS, '-o', host, c], TIMEOUT_BUILD, f'host build of {name}')
        run(['riscv64-linux-gnu-gcc', *CFLAGS, '-static', '-o', rv, c], TIMEOUT_BUILD,
            f'riscv64 Linux build of {name}')
        scales = {PROGRAMS[name][0]}
        if 'bare' in sections:
            scales.add(PROGRAMS[name][1])
        if name == CLOCK_PROGRAM:
            scales.add(CLOCK_SCALE)
        if name == BUILD_PROGRAM:
            scales.add(BUILD_SCALE)
        for s in sorted(scales):
            expected[(name, s)] = host_checksum(host, s)
        if 'bare' in sections:
            s = PROGRAMS[name][1]
            sum_ = expected[(name, s)]
            elf = os.path.join(out, f'{name}.elf')
            run(['riscv64-linux-gnu-gcc', *CFLAGS, *BARE_FLAGS, '-DBARE', f'-DBARE_SCALE={s}',
                 f'-DEXPECTED_LO=0x{sum_[8:]}', f'-DEXPECTED_HI=0x{sum_[:8]}',
                 '-T', os.path.join(BENCH, 'bare', 'link.ld'), '-o', elf,
                 os.path.join(BENCH, 'bare', 'crt.S'), c, '-lgcc'],
                TIMEOUT_BUILD, f'bare-metal build of {name}')
            bare[name] = elf
    exit_elf = os.path.join(out, 'exit.elf')
    run(['riscv64-linux-gnu-gcc', *BARE_FLAGS, '-T', os.path.join(BENCH, 'bare', 'link.ld'),
         '-o', exit_elf, os.path.join(BENCH, 'bare', 'exit.S')], TIMEOUT_BUILD,
        'bare-metal build of exit.S')
    bench_cpio = os.path.join(out, 'bench.cpio.gz')
    write_cpio_gz(bench_cpio, {'bench/' + n: os.path.join(out, n) for n in PROGRAMS})
    combined = os.path.join(out, 'initramfs-bench.cpio.gz')
    with open(combined, 'wb') as f:
        for part in (os.path.join(guest_dir, 'initramfs.cpio.gz'), bench_cpio):
            with open(part, 'rb') as g:
                shutil.copyfileobj(g, f)
    return expected, bare, exit_elf, combined


def build_vector(out, guest_dir):
    """The vector section's kernel (Debian 13's, fetched and cached) and an
    initramfs: the guest's plus /bench/vec_scalar and /bench/vec_auto."""
    r = run([os.path.join(ROOT, 'scripts', 'fetch-debian13-kernel'), '--print-dir'], 600,
            "Debian 13's kernel (scripts/fetch-debian13-kernel)")
    image = os.path.join(r.stdout.strip().splitlines()[-1], 'Image')
    src = os.path.join(ROOT, 'tests', 'boot', 'vector', 'vecprog.c')
    files = {}
    for name, march in (('vec_scalar', 'rv64gc'), ('vec_auto', 'rv64gcv')):
        exe = os.path.join(out, name)
        run(['clang-16', '--target=riscv64-linux-gnu', f'-march={march}', '-O2', '-static', '-fno-builtin',
             '-o', exe, src], TIMEOUT_BUILD, f'clang-16 build of {name}')
        files['bench/' + name] = exe
    cpio = os.path.join(out, 'vector.cpio.gz')
    write_cpio_gz(cpio, files)
    initrd = os.path.join(out, 'initramfs-vector.cpio.gz')
    with open(initrd, 'wb') as f:
        for part in (os.path.join(guest_dir, 'initramfs.cpio.gz'), cpio):
            with open(part, 'rb') as g:
                shutil.copyfileobj(g, f)
    return image, initrd


# ---------------------------------------------------------------- emulators

class Emus:
    """Command lines for both emulators, from the same kernel and initrd."""

    def __init__(self, rivet, qemu, guest_dir, exit_elf):
        self.rivet, self.qemu = rivet, qemu
        self.image = os.path.join(guest_dir, 'Image')
        self.initrd = os.path.join(guest_dir, 'initramfs.cpio.gz')
        self.rivet_accel = accepts_accel(rivet, exit_elf)

    def linux(self, emu, initrd=None, smp=1, bios=None, window=False, net=False):
        """emu: rivet, rivet-single (all harts on one host thread: -accel
        tcg,thread=single) or qemu. window (rivet only): the SDL window on a
        private Xvfb, not -nographic. net: a virtio-net card on -netdev user."""
        display = ['-display', 'sdl'] if window else ['-nographic']
        common = [*display, '-m', MEM, '-smp', str(smp), '-kernel', self.image,
                  '-initrd', initrd or self.initrd, '-append', APPEND]
        if net:
            common += ['-netdev', 'user,id=n0', '-device', 'virtio-net-device,netdev=n0']
        if emu == 'rivet-single':
            common += ['-accel', 'tcg,thread=single']
        if emu.startswith('rivet'):
            return (['xvfb-run', '-a'] if window else []) + [self.rivet, *common] + (['-bios', bios] if bios else [])
        return [self.qemu, '-M', 'virt', '-bios', bios or OPENSBI, *common]

    def vector(self, emu, image, initrd):
        """Linux 6.12 with V on both: the same VLEN, QEMU through OpenSBI."""
        common = ['-nographic', '-m', MEM, '-cpu', VECTOR_CPU, '-kernel', image, '-initrd', initrd,
                  '-append', APPEND]
        if emu == 'rivet':
            return [self.rivet, *common]
        return [self.qemu, '-M', 'virt', '-bios', OPENSBI, *common]

    def bare(self, emu, elf):
        if emu == 'rivet':
            return [self.rivet, '-bios', 'none', '-nographic', '-kernel', elf, '--stats']
        return [self.qemu, '-M', 'spike', '-bios', 'none', '-nographic', '-kernel', elf]


def accepts_accel(rivet, exit_elf):
    """Whether rivet takes -accel tcg,thread=single (issue 19): it runs a
    bare ELF that exits at once, or refuses the option with status 125."""
    try:
        r = subprocess.run([rivet, '-accel', 'tcg,thread=single', '-bios', 'none', '-nographic',
                            '-kernel', exit_elf], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                           timeout=60)
    except subprocess.TimeoutExpired:
        return False
    return r.returncode == 0


def proc_status(pid, key):
    """A field of /proc/PID/status in KiB (VmHWM, VmRSS), or None."""
    try:
        with open(f'/proc/{pid}/status') as f:
            for line in f:
                if line.startswith(key + ':'):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def proc_cpu(pid):
    """utime + stime of the whole process (all threads), in seconds."""
    with open(f'/proc/{pid}/stat') as f:
        fields = f.read().rsplit(')', 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf('SC_CLK_TCK')


class Guest:
    """One emulator process running the Linux guest under pexpect."""

    def __init__(self, argv, what, logdir):
        import pexpect
        self.pexpect, self.what = pexpect, what
        self.logf = open(os.path.join(logdir, re.sub(r'[^\w.-]+', '_', what) + '.log'), 'w')
        self.t0 = time.monotonic()
        self.p = pexpect.spawn(argv[0], argv[1:], encoding='utf-8', codec_errors='replace',
                               timeout=TIMEOUT_BOOT, maxread=65536, dimensions=(50, 200))
        self.p.delaybeforesend = None
        self.p.logfile_read = self.logf

    def expect(self, pattern, timeout, step):
        try:
            self.p.expect(pattern, timeout=timeout)
        except self.pexpect.TIMEOUT:
            raise Fail(f'{self.what}: {step}: no {pattern!r} within {timeout} s; '
                       f'last output: {self.tail()!r}')
        except self.pexpect.EOF:
            raise Fail(f'{self.what}: {step}: emulator exited (status '
                       f'{self.exitstatus()}); last output: {self.tail()!r}')
        return time.monotonic() - self.t0

    def tail(self):
        return (self.p.before or '')[-300:]

    def exitstatus(self):
        try:
            self.p.close()
        except Exception:
            pass
        return self.p.exitstatus if self.p.signalstatus is None else -self.p.signalstatus

    def boot(self):
        """Seconds from process start to the shell prompt."""
        return self.expect(PROMPT, TIMEOUT_BOOT, 'boot to the shell prompt')

    def command(self, cmd, timeout=TIMEOUT_PROG):
        """Run cmd in the guest shell: (host seconds, output, exit status)."""
        self.p.expect(r'.*', timeout=0)  # drop anything pending (late kernel lines)
        t0 = time.monotonic()
        self.p.sendline(cmd + '; echo @@E$?@@')
        self.expect(MARK, timeout, f'`{cmd}`')
        dt = time.monotonic() - t0
        out, rc = self.p.before, int(self.p.match.group(1))
        self.expect(PROMPT, 30, f'prompt after `{cmd}`')
        return dt, out, rc

    def poweroff(self):
        """Seconds from process start to the emulator's exit after poweroff."""
        self.p.sendline('poweroff')
        self.expect(self.pexpect.EOF, 60, 'exit after poweroff')
        t = time.monotonic() - self.t0
        st = self.exitstatus()
        if st != 0:
            raise Fail(f'{self.what}: exit status {st} after poweroff')
        return t

    def kill(self):
        if self.p.isalive():
            self.p.kill(signal.SIGKILL)
        self.exitstatus()
        self.logf.close()


class HttpServer:
    """A file of NET_BYTES random bytes served over HTTP on 127.0.0.1 (which
    the user network's guests reach as 10.0.2.2), in a thread."""

    def __init__(self, root):
        import functools
        import hashlib
        import http.server
        import threading
        os.makedirs(root, exist_ok=True)
        data = os.urandom(NET_BYTES)
        self.md5 = hashlib.md5(data).hexdigest()
        with open(os.path.join(root, 'blob'), 'wb') as f:
            f.write(data)
        handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=root)
        handler.log_message = lambda *a: None
        self.server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


# ---------------------------------------------------------------- sections

class Bench:
    def __init__(self, args, emus, expected, bare, exit_elf, bench_initrd):
        self.a, self.emus = args, emus
        self.expected, self.bare_elfs = expected, bare
        self.exit_elf, self.bench_initrd = exit_elf, bench_initrd
        self.smp_emus = ('rivet', 'rivet-single', 'qemu') if emus.rivet_accel else ('rivet', 'qemu')
        self.samples = {}   # key -> list of seconds (or other values)
        self.extra = {}     # key -> list of dicts (guest_s, insns, ...)
        self.failures = []
        self.vector_sums = {}  # kernel -> the checksum every build must print
        self.logdir = os.path.join(args.out, 'logs')
        os.makedirs(self.logdir, exist_ok=True)

    def add(self, key, value, **extra):
        self.samples.setdefault(key, []).append(value)
        if extra:
            self.extra.setdefault(key, []).append(extra)

    def attempt(self, fn, *args):
        try:
            fn(*args)
        except Fail as e:
            log('FAILED: ' + str(e))
            self.failures.append(str(e))

    def check(self, what, out, name, scale, copies=1):
        """The guest printed `copies` BENCH lines with the host's checksum."""
        want = self.expected[(name, scale)]
        got = [m for m in BENCH_RE.finditer(out) if m.group(1) == name]
        if len(got) != copies or any(m.group(3) != want for m in got):
            sums = [m.group(3) for m in got]
            raise Fail(f'{what}: expected {copies} x checksum {want}, got {sums}; '
                       f'output: {out.strip()[-300:]!r}')
        return [float(m.group(4)) if m.group(4) else None for m in got]

    # startup: process start to the first guest instruction (and exit)
    def startup_round(self, r):
        for emu in ('rivet', 'qemu'):
            dt, _ = timed(self.emus.bare(emu, self.exit_elf), 60, f'{emu} startup (exit.elf)')
            self.add(('startup', emu), dt)

    # boot: same kernel and stock initramfs, -m 512M
    def boot_round(self, r):
        for emu, bios, label in (('rivet', None, 'rivet'), ('rivet', OPENSBI, 'rivet+opensbi'),
                                 ('qemu', None, 'qemu')):
            self.attempt(self.boot_one, r, emu, bios, label)

    def boot_one(self, r, emu, bios, label):
        g = Guest(self.emus.linux(emu, bios=bios), f'boot-{label}-{r}', self.logdir)
        try:
            prompt = g.boot()
            off = g.poweroff()
        finally:
            g.kill()
        self.add(('boot', label, 'prompt'), prompt)
        self.add(('boot', label, 'exit'), off)

    # idle: 10 s of an idle shell; peak RSS
    def idle_round(self, r):
        for emu in ('rivet', 'qemu'):
            self.attempt(self.idle_one, r, emu)

    def idle_one(self, r, emu):
        g = Guest(self.emus.linux(emu), f'idle-{emu}-{r}', self.logdir)
        try:
            g.boot()
            g.command('true', 30)
            time.sleep(2)
            c0, t0 = proc_cpu(g.p.pid), time.monotonic()
            time.sleep(10)
            c1, t1 = proc_cpu(g.p.pid), time.monotonic()
            g.command('true', 30)  # still alive and answering
            hwm = proc_status(g.p.pid, 'VmHWM')
        finally:
            g.kill()
        self.add(('idle', emu, 'cpu_pct'), 100.0 * (c1 - c0) / (t1 - t0))
        if hwm:
            self.add(('idle', emu, 'rss_mib'), hwm / 1024.0)

    # cpu: every program in one guest session per emulator; native too
    def cpu_round(self, r):
        for name, (scale, _) in PROGRAMS.items():
            self.attempt(self.native_one, name, scale)
        for emu in ('rivet', 'qemu'):
            self.attempt(self.cpu_session, r, emu)

    def native_one(self, name, scale):
        exe = os.path.join(self.a.out, name + '-host')
        dt, res = timed([exe, str(scale)], TIMEOUT_PROG, f'native {name}')
        self.check(f'native {name}', res.stdout, name, scale)
        self.add(('cpu', 'native', name), dt)

    def cpu_session(self, r, emu):
        g = Guest(self.emus.linux(emu, initrd=self.bench_initrd), f'cpu-{emu}-{r}', self.logdir)
        try:
            g.boot()
            self.attempt(self.clock_check, g, emu)
            for name, (scale, _) in PROGRAMS.items():
                what = f'{emu} guest /bench/{name} {scale}'
                dt, out, rc = g.command(f'/bench/{name} {scale}')
                if rc != 0:
                    raise Fail(f'{what}: exit status {rc}: {out.strip()[-300:]!r}')
                gs = self.check(what, out, name, scale)
                self.add(('cpu', emu, name), dt, guest_s=gs[0])
            hwm = proc_status(g.p.pid, 'VmHWM')
            if hwm:
                self.add(('cpu', emu, 'rss_mib'), hwm / 1024.0)
        finally:
            g.kill()

    def clock_check(self, g, emu):
        """The program timing itself (clock_gettime through the vDSO, which
        reads the time CSR from U-mode) against the host's clock."""
        cmd = f'/bench/{CLOCK_PROGRAM} {CLOCK_SCALE} clock'
        what = f'{emu} guest clock check `{cmd}` (clock_gettime in U-mode)'
        dt, out, rc = g.command(cmd)
        if rc != 0:
            raise Fail(f'{what}: exit status {rc}: {out.strip()[-300:]!r}')
        gs = self.check(what, out, CLOCK_PROGRAM, CLOCK_SCALE)[0]
        if gs is None:
            raise Fail(f'{what}: no guest_s in {out.strip()!r}')
        self.add(('clock', emu), gs / dt)

    # bare: -bios none, HTIF exit status is the checksum check
    def bare_round(self, r):
        for name in PROGRAMS:
            for emu in ('rivet', 'qemu'):
                self.attempt(self.bare_one, emu, name)

    def bare_one(self, emu, name):
        what = f'{emu} bare-metal {name}.elf (exit status 1 = wrong checksum)'
        dt, res = timed(self.emus.bare(emu, self.bare_elfs[name]), TIMEOUT_PROG, what)
        insns = None
        m = re.search(r'instructions: (\d+)', res.stderr)
        if emu == 'rivet':
            if not m:
                raise Fail(f'{what}: no --stats line on stderr: {res.stderr[-300:]!r}')
            insns = int(m.group(1))
        self.add(('bare', emu, name), dt, **({'insns': insns} if insns else {}))

    # smp: every program, one copy per hart, and the build-like load, at
    # -smp 1, 2, 4; one guest session per (emulator, -smp), interleaved
    def smp_round(self, r):
        for smp in SMP_HARTS:
            for emu in self.smp_emus:
                self.attempt(self.smp_session, r, emu, smp)

    def smp_session(self, r, emu, smp):
        g = Guest(self.emus.linux(emu, initrd=self.bench_initrd, smp=smp),
                  f'smp-{emu}-smp{smp}-{r}', self.logdir)
        try:
            g.boot()
            for name, (scale, _) in PROGRAMS.items():
                prog = f'/bench/{name} {scale}'
                cmd = prog if smp == 1 else f'for i in {" ".join(map(str, range(smp)))}; do {prog} & done; wait'
                self.smp_command(g, emu, smp, name, cmd, name, scale, smp)
            jobs = BUILD_JOBS_PER_HART * smp
            cmd = (f'printf "%s\\n" {" ".join([str(BUILD_SCALE)] * jobs)} | '
                   f'xargs -P {smp} -n 1 /bench/{BUILD_PROGRAM}')
            self.smp_command(g, emu, smp, 'build', cmd, BUILD_PROGRAM, BUILD_SCALE, jobs)
        finally:
            g.kill()

    def smp_command(self, g, emu, smp, key, cmd, name, scale, copies):
        what = f'{emu} -smp {smp} `{cmd}`'
        dt, out, rc = g.command(cmd)
        if rc != 0:
            raise Fail(f'{what}: exit status {rc}: {out.strip()[-300:]!r}')
        self.check(what, out, name, scale, copies)
        self.add(('smp', emu, key, smp), dt)

    # window: rivet with its SDL window open under Xvfb against -nographic
    def window_round(self, r):
        for mode in ('window', 'headless'):
            self.attempt(self.window_one, r, mode)

    def window_one(self, r, mode):
        if mode == 'window' and not shutil.which('xvfb-run'):
            raise Fail('window: xvfb-run not found (Debian package xvfb)')
        argv = self.emus.linux('rivet', initrd=self.bench_initrd, window=mode == 'window')
        g = Guest(argv, f'window-{mode}-{r}', self.logdir)
        prog = f'/bench/{WINDOW_PROGRAM} {WINDOW_SCALE}'
        try:
            g.boot()
            for _ in range(WINDOW_REPEAT):
                dt, out, rc = g.command(prog)
                if rc != 0:
                    raise Fail(f'window ({mode}) `{prog}`: exit status {rc}')
                self.check(f'window ({mode}) `{prog}`', out, WINDOW_PROGRAM, WINDOW_SCALE)
                self.add(('window', mode), dt)
        finally:
            g.kill()

    # vector: the same C scalar and vectorised in Linux 6.12, both emulators
    def vector_round(self, r):
        if not hasattr(self, 'vector_files'):
            self.vector_files = build_vector(self.a.out, self.a.guest_dir)
        for emu in ('rivet', 'qemu'):
            self.attempt(self.vector_session, r, emu)

    def vector_session(self, r, emu):
        g = Guest(self.emus.vector(emu, *self.vector_files), f'vector-{emu}-{r}', self.logdir)
        try:
            g.boot()
            for kernel, n in VECTOR_KERNELS.items():
                for build, (prog, arg) in VECTOR_BUILDS.items():
                    cmd = f'/bench/{prog} bench {kernel} {n}{arg}'
                    dt, out, rc = g.command(cmd)
                    m = re.search(rf'^{kernel} ([0-9a-f]{{16}})\s*$', out, re.M)
                    if rc != 0 or not m:
                        raise Fail(f'{emu} vector `{cmd}`: exit status {rc}: {out.strip()[-300:]!r}')
                    # Every build on every emulator computes the same thing.
                    want = self.vector_sums.setdefault(kernel, m.group(1))
                    if m.group(1) != want:
                        raise Fail(f'{emu} vector `{cmd}`: checksum {m.group(1)}, others gave {want}')
                    self.add(('vector', emu, kernel, build), dt)
        finally:
            g.kill()

    # net: a 64 MiB download over -netdev user from the host's loopback
    def net_round(self, r):
        if not hasattr(self, 'http'):
            self.http = HttpServer(os.path.join(self.a.out, 'www'))
        for emu in ('rivet', 'qemu'):
            self.attempt(self.net_one, r, emu)

    def net_one(self, r, emu):
        g = Guest(self.emus.linux(emu, net=True), f'net-{emu}-{r}', self.logdir)
        url = f'http://10.0.2.2:{self.http.port}/blob'
        try:
            g.boot()
            dt, out, rc = g.command(f'wget -q -O /tmp/blob {url}')
            if rc != 0:
                raise Fail(f'{emu} net: `wget {url}` exit status {rc}: {out.strip()[-300:]!r}')
            _, out, rc = g.command('md5sum /tmp/blob; rm /tmp/blob')
            if self.http.md5 not in out:
                raise Fail(f'{emu} net: md5 of the download is not {self.http.md5}: {out.strip()[-200:]!r}')
        finally:
            g.kill()
        self.add(('net', emu), dt)

    # gdb: a breakpoint at the end of the boot, against the boot without gdb
    def gdb_round(self, r):
        for emu in ('rivet', 'qemu'):
            self.attempt(self.gdb_plain, r, emu)
            self.attempt(self.gdb_break, r, emu)

    def gdb_plain(self, r, emu):
        g = Guest(self.emus.linux(emu, smp=GDB_SMP), f'gdb-plain-{emu}-{r}', self.logdir)
        try:
            t = g.expect(INIT_LINE, TIMEOUT_BOOT, 'to the kernel running /init')
        finally:
            g.kill()
        self.add(('gdb', emu, 'plain'), t)

    def gdb_break(self, r, emu):
        """gdb's own clock around `continue` (gdb's python), so that loading
        vmlinux's symbols is not counted. The console goes to a file: a pty
        nobody reads would stall the guest."""
        vmlinux = os.path.join(self.a.guest_dir, 'build', 'linux', 'vmlinux')
        gdb = shutil.which('gdb-multiarch')
        if not gdb or not os.path.exists(vmlinux):
            raise Fail(f'gdb: needs gdb-multiarch and {vmlinux}')
        port = free_port()
        argv = self.emus.linux(emu, smp=GDB_SMP) + ['-gdb', f'tcp::{port}', '-S']
        with open(os.path.join(self.logdir, f'gdb-break-{emu}-{r}.log'), 'w') as con:
            p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=con, stderr=subprocess.STDOUT)
            try:
                wait_listening(port, p, f'{emu} gdb: the stub on port {port}')
                out = subprocess.run(
                    [gdb, '-batch', '-nx', '-ex', 'set pagination off', '-ex', f'target remote 127.0.0.1:{port}',
                     '-ex', f'break {GDB_BREAK}', '-ex', 'python import time; t0 = time.monotonic()',
                     '-ex', 'continue', '-ex', 'python print("@@T %.6f" % (time.monotonic() - t0))', vmlinux],
                    capture_output=True, text=True, timeout=TIMEOUT_BOOT, stdin=subprocess.DEVNULL).stdout
            except subprocess.TimeoutExpired:
                raise Fail(f'{emu} gdb: no stop at {GDB_BREAK} within {TIMEOUT_BOOT} s')
            finally:
                p.kill()
                p.wait()
        m = re.search(r'@@T ([0-9.]+)', out)
        if not m or not re.search(rf'Breakpoint 1, (0x[0-9a-f]+ in )?{GDB_BREAK}', out):
            raise Fail(f'{emu} gdb: no stop at {GDB_BREAK}: {out.strip()[-300:]!r}')
        self.add(('gdb', emu, 'break'), float(m.group(1)))

    # snapshot (issue 23): savevm, restore to the first instruction and to a
    # command's output, and the PSS of clones restored from one file
    def snapshot_round(self, r):
        for mem in SNAP_MEMS:
            self.attempt(self.snapshot_one, r, mem)
        self.attempt(self.clones_one, r)

    def snap_argv(self, mem):
        return [self.emus.rivet, '-nographic', '-m', mem, '-kernel', self.emus.image,
                '-initrd', self.emus.initrd, '-append', APPEND]

    def snap_save(self, r, mem):
        """Boots to the prompt, starts a busy loop in the background (so the
        hart is running at savevm: after the restore its first instruction
        is not a wait for the guest's next timer tick), savevm through
        -monitor unix:; the file and the seconds savevm took (the monitor's
        round trip)."""
        d = os.path.join(self.a.out, 'snap')
        os.makedirs(d, exist_ok=True)
        path, sock = os.path.join(d, f'{mem}.snap'), os.path.join(d, f'{mem}.sock')
        g = Guest(self.snap_argv(mem) + ['-monitor', f'unix:{sock},server,nowait'], f'snapshot-save-{mem}-{r}',
                  self.logdir)
        try:
            g.boot()
            g.command('(while :; do :; done) & true', 30)
            dt, reply = hmp_line(sock, f'savevm {path}')
            if reply.strip():
                raise Fail(f'snapshot {mem}: savevm answered {reply.strip()!r}')
        finally:
            g.kill()
        return path, dt

    def snapshot_one(self, r, mem):
        path, dt = self.snap_save(r, mem)
        self.add(('snapshot', mem, 'savevm'), dt)
        self.add(('snapshot', mem, 'file_mib'), os.path.getsize(path) / 2**20)
        # Process start to the first instruction (and exit): --max-insns 1
        # ends the run after one instruction (status 124).
        t0 = time.monotonic()
        p = subprocess.run(self.snap_argv(mem) + ['-loadvm', path, '--max-insns', '1'], stdin=subprocess.DEVNULL,
                           capture_output=True, text=True, timeout=60)
        t = time.monotonic() - t0
        if p.returncode != 124 or 'instruction limit of 1 reached' not in p.stderr:
            raise Fail(f'snapshot {mem}: -loadvm --max-insns 1: status {p.returncode}: {p.stderr.strip()[-300:]!r}')
        self.add(('snapshot', mem, 'first'), t)
        g = Guest(self.snap_argv(mem) + ['-loadvm', path], f'snapshot-restore-{mem}-{r}', self.logdir)
        try:
            g.p.sendline('echo @@E$((6*7))@@')
            t = g.expect(MARK, 60, 'a command after -loadvm')
            if g.p.match.group(1) != '42':
                raise Fail(f'snapshot {mem}: the restored shell printed {g.p.match.group(0)!r}')
        finally:
            g.kill()
        self.add(('snapshot', mem, 'command'), t)

    def clones_one(self, r):
        path, _ = self.snap_save(r, CLONE_MEM)
        for n in (1, CLONES):
            self.add(('snapshot', 'clones', n), clones_pss(self.snap_argv(CLONE_MEM) + ['-loadvm', path], n))

    def run(self):
        for sec in SECTIONS:
            if sec not in self.a.sections:
                continue
            runs = self.a.idle_runs if sec == 'idle' else self.a.runs
            t0 = time.monotonic()
            for r in range(runs):
                log(f'{sec}: round {r + 1} of {runs}')
                self.attempt(getattr(self, sec + '_round'), r)
            log(f'{sec}: {time.monotonic() - t0:.0f} s, load average {os.getloadavg()[0]:.2f}')


# ---------------------------------------------------------------- report

def summary(xs):
    if not xs:
        return None
    return {'median': statistics.median(xs), 'min': min(xs), 'max': max(xs), 'n': len(xs)}


def cell(s, fmt='{:.3f}', ran=True):
    """A median (min-max); FAIL when the measure ran and gave nothing, '-'
    when its section was not asked for."""
    if not s:
        return 'FAIL' if ran else '-'
    if s['n'] == 1:
        return fmt.format(s['median'])
    return f"{fmt.format(s['median'])} ({fmt.format(s['min'])}-{fmt.format(s['max'])})"


def ratio(a, b, fmt='{:.2f}'):
    if not a or not b or not b['median']:
        return '-', None
    v = a['median'] / b['median']
    return fmt.format(v), v


def geomean(vs):
    vs = [v for v in vs if v]
    return math.exp(sum(map(math.log, vs)) / len(vs)) if vs else None


def report(b, meta):
    S = {k: summary(v) for k, v in b.samples.items()}
    g = lambda *k: S.get(k)  # noqa: E731
    lines, results = [], {'meta': meta, 'failures': b.failures}
    lines.append(f"# rivet vs QEMU, {meta['date']}\n")
    lines.append(f"{meta['host']}; load average at start {meta['load_start']}, "
                 f"at end {meta['load_end']}; {meta['runs']} runs each, interleaved; "
                 f"cells: median (min-max) seconds unless noted.\n")
    sec = b.a.sections
    if 'cpu' in sec or 'bare' in sec:
        lines.append('## Guest CPU throughput\n')
        lines.append('Linux guest (-m 512M, timed from the host: command sent to completion '
                     'marker); bare metal (-bios none, process wall time; MIPS from '
                     "rivet's --stats instruction count over that wall time).\n")
        lines.append('| program | scale | rivet s | QEMU s | rivet/QEMU | native s | native/rivet '
                     '| bare rivet s | bare QEMU s | bare rivet/QEMU | rivet MIPS |')
        lines.append('|---|---|---|---|---|---|---|---|---|---|---|')
        rq, brq, rows = [], [], {}
        for name, (scale, bscale) in PROGRAMS.items():
            r_, q_, n_ = g('cpu', 'rivet', name), g('cpu', 'qemu', name), g('cpu', 'native', name)
            br, bq = g('bare', 'rivet', name), g('bare', 'qemu', name)
            t_rq, v_rq = ratio(r_, q_)
            t_nr, v_nr = ratio(n_, r_, '{:.3f}')
            t_brq, v_brq = ratio(br, bq)
            ins = [e['insns'] for e in b.extra.get(('bare', 'rivet', name), [])]
            mips = statistics.median(ins) / br['median'] / 1e6 if ins and br else None
            rq.append(v_rq)
            brq.append(v_brq)
            c, bb = 'cpu' in sec, 'bare' in sec
            lines.append(f"| {name} | {scale} / {bscale} | {cell(r_, ran=c)} | {cell(q_, ran=c)} | {t_rq} "
                         f"| {cell(n_, ran=c)} | {t_nr} | {cell(br, ran=bb)} | {cell(bq, ran=bb)} | {t_brq} "
                         f"| {'%.0f' % mips if mips else '-'} |")
            rows[name] = {'scale': scale, 'bare_scale': bscale, 'rivet': r_, 'qemu': q_,
                          'native': n_, 'rivet_over_qemu': v_rq, 'native_over_rivet': v_nr,
                          'bare_rivet': br, 'bare_qemu': bq, 'bare_rivet_over_qemu': v_brq,
                          'bare_insns': statistics.median(ins) if ins else None,
                          'rivet_mips': mips,
                          'guest_s_rivet': [e['guest_s'] for e in b.extra.get(('cpu', 'rivet', name), [])],
                          'guest_s_qemu': [e['guest_s'] for e in b.extra.get(('cpu', 'qemu', name), [])]}
        gm, bgm = geomean(rq), geomean(brq)
        lines.append(f"| **geomean** | | | | **{'%.2f' % gm if gm else '-'}** | | | | | "
                     f"**{'%.2f' % bgm if bgm else '-'}** | |\n")
        results['cpu'] = {'programs': rows, 'geomean_rivet_over_qemu': gm,
                          'geomean_bare_rivet_over_qemu': bgm}
    if 'boot' in sec:
        lines.append('## Linux boot (same Image and initramfs, -m 512M, no disk)\n')
        lines.append('| emulator | to shell prompt s | to exit after poweroff s | prompt vs QEMU |')
        lines.append('|---|---|---|---|')
        res = {}
        for label, desc in (('rivet', 'rivet, built-in SBI'), ('rivet+opensbi', 'rivet, OpenSBI fw_dynamic'),
                            ('qemu', 'QEMU virt, OpenSBI fw_dynamic')):
            p_, e_ = g('boot', label, 'prompt'), g('boot', label, 'exit')
            t, v = ratio(p_, g('boot', 'qemu', 'prompt'))
            lines.append(f'| {desc} | {cell(p_)} | {cell(e_)} | {t} |')
            res[label] = {'prompt': p_, 'exit': e_, 'prompt_over_qemu': v}
        lines.append('')
        results['boot'] = res
    if 'idle' in sec or 'startup' in sec or 'cpu' in sec:
        lines.append('## Idle and footprint\n')
        lines.append('| measure | rivet | QEMU | rivet/QEMU |')
        lines.append('|---|---|---|---|')
        res = {}
        sec = list(sec) + (['clock'] if 'cpu' in sec else [])
        for key, desc, fmt in ((('idle', '{}', 'cpu_pct'), 'idle shell, host CPU % of one core over 10 s', '{:.2f}'),
                               (('idle', '{}', 'rss_mib'), 'peak RSS after boot + idle, MiB (-m 512M)', '{:.1f}'),
                               (('cpu', '{}', 'rss_mib'), 'peak RSS after the CPU programs, MiB', '{:.1f}'),
                               (('clock', '{}'), "guest clock check: program's own time / host time", '{:.3f}'),
                               (('startup', '{}'), 'start to first instruction and exit, s (bare ELF; QEMU spike)', '{:.3f}')):
            if key[0] not in sec:
                continue
            r_ = g(*[k.format('rivet') for k in key])
            q_ = g(*[k.format('qemu') for k in key])
            t, v = ratio(r_, q_)
            lines.append(f'| {desc} | {cell(r_, fmt)} | {cell(q_, fmt)} | {t} |')
            res['_'.join(k.format('x') for k in key)] = {'rivet': r_, 'qemu': q_, 'ratio': v}
        lines.append('')
        results['footprint'] = res
    if 'window' in sec:
        lines.append(f'## Window: /bench/{WINDOW_PROGRAM} {WINDOW_SCALE} with the SDL window open (Xvfb) '
                     'and with -nographic, rivet only\n')
        lines.append('| mode | s | vs -nographic |')
        lines.append('|---|---|---|')
        w_, h_ = g('window', 'window'), g('window', 'headless')
        t, v = ratio(w_, h_, '{:.3f}')
        lines.append(f'| -display sdl | {cell(w_)} | {t} |')
        lines.append(f'| -nographic | {cell(h_)} | 1.000 |')
        lines.append('')
        results['window'] = {'window': w_, 'headless': h_, 'window_over_headless': v}
    if 'smp' in sec:
        lines += smp_report(b, g, results)
    if 'net' in sec:
        lines.append(f'## Network: a {NET_BYTES >> 20} MiB HTTP download in the guest (busybox wget, '
                     '-netdev user, virtio-net; the server on the host\'s loopback)\n')
        lines.append('| emulator | s | MiB/s | vs QEMU |')
        lines.append('|---|---|---|---|')
        res = {}
        for emu in ('rivet', 'qemu'):
            v_ = g('net', emu)
            t, v = ratio(v_, g('net', 'qemu'))
            mibs = (NET_BYTES >> 20) / v_['median'] if v_ else None
            lines.append(f"| {'rivet' if emu == 'rivet' else 'QEMU'} | {cell(v_)} | "
                         f"{'%.0f' % mibs if mibs else '-'} | {t} |")
            res[emu] = {'seconds': v_, 'mib_per_s': mibs, 'over_qemu': v}
        lines.append('')
        results['net'] = res
    if 'gdb' in sec:
        lines.append(f'## A breakpoint at the end of the boot (-smp {GDB_SMP}, `break {GDB_BREAK}`)\n')
        lines.append(f'Without gdb: process start to the kernel\'s "{INIT_LINE}" line. With gdb: from '
                     '`continue` at the reset vector (-S) to the stop at the breakpoint, on gdb\'s clock.\n')
        lines.append('| emulator | without gdb s | to the breakpoint s | with / without |')
        lines.append('|---|---|---|---|')
        res = {}
        for emu in ('rivet', 'qemu'):
            p_, b_ = g('gdb', emu, 'plain'), g('gdb', emu, 'break')
            t, v = ratio(b_, p_)
            lines.append(f"| {'rivet' if emu == 'rivet' else 'QEMU'} | {cell(p_)} | {cell(b_)} | {t} |")
            res[emu] = {'plain': p_, 'break': b_, 'break_over_plain': v}
        lines.append('')
        results['gdb'] = res
    if 'snapshot' in sec:
        lines += snapshot_report(g, results)
    if 'vector' in sec:
        lines += vector_report(g, results)
    lines += targets(results)
    if b.failures:
        lines.append('## Failures\n')
        seen = {}
        for f in b.failures:  # repeats of one failure differ only in detail
            seen.setdefault(f.split(': ', 1)[0], [f, 0])[1] += 1
        lines += [f'- {f}' + (f' (x{n})' if n > 1 else '') for f, n in seen.values()]
        lines.append('')
    results['samples'] = {'/'.join(map(str, k)): v for k, v in b.samples.items()}
    return '\n'.join(lines), results


def vector_report(g, results):
    """Per kernel and build: both emulators' times, rivet/QEMU, and on rivet
    each vector build against the scalar one."""
    lines = ['## Vector (issue 21)\n',
             f"Linux 6.12 (Debian 13), -cpu {VECTOR_CPU} on both, QEMU through OpenSBI; "
             'tests/boot/vector/vecprog.c built by clang-16 -O2: scalar (rv64gc), auto (rv64gcv, '
             'auto-vectorised), intr (RVV intrinsics); one command per cell, timed from the host '
             '(process start included).\n',
             '| kernel | reps | build | rivet s | QEMU s | rivet/QEMU | rivet build/scalar |', '|---|---|---|---|---|---|---|']
    res, vec_ratios, self_ratios = {}, [], []
    for kernel, n in VECTOR_KERNELS.items():
        for build in VECTOR_BUILDS:
            rv, qm = g('vector', 'rivet', kernel, build), g('vector', 'qemu', kernel, build)
            t, v = ratio(rv, qm)
            st, sv = ratio(rv, g('vector', 'rivet', kernel, 'scalar')) if build != 'scalar' else ('-', None)
            if build != 'scalar':
                vec_ratios.append(v)
                self_ratios.append(sv)
            lines.append(f'| {kernel} | {n} | {build} | {cell(rv)} | {cell(qm)} | {t} | {st} |')
            res[f'{kernel}/{build}'] = {'rivet': rv, 'qemu': qm, 'rivet_over_qemu': v, 'over_scalar': sv}
    lines.append('')
    results['vector'] = {'rows': res, 'geomean_vector_rivet_over_qemu': geomean(vec_ratios),
                         'worst_vector_over_scalar': max((v for v in self_ratios if v), default=None)}
    return lines


def smp_report(b, g, results):
    """The smp section's table: per program (and the build-like load) and
    -smp, the times, rivet/QEMU, and each emulator's throughput against its
    own -smp 1 (copies per second over copies per second at -smp 1)."""
    single = 'rivet-single' in b.smp_emus
    lines = ['## SMP: one copy per hart at -smp 1, 2, 4 (issue 19)\n',
             'Each program at its cpu-section scale, one copy per hart (`for ...; do /bench/P S & done; '
             f'wait`); build: {BUILD_JOBS_PER_HART} jobs per hart of `/bench/{BUILD_PROGRAM} {BUILD_SCALE}` '
             'through `xargs -P <harts>`. Throughput: copies per second relative to the same emulator at '
             '-smp 1. QEMU runs one thread per vCPU (MTTCG).\n',
             '| program | -smp | rivet s | QEMU s | rivet/QEMU | rivet throughput | QEMU throughput |'
             + (' rivet thread=single s | single throughput |' if single else ''),
             '|---|---|---|---|---|---|---|' + ('---|---|' if single else '')]
    res, gm = {}, {}
    for name in list(PROGRAMS) + ['build']:
        for smp in SMP_HARTS:
            row = {e: g('smp', e, name, smp) for e in b.smp_emus}
            t, v = ratio(row['rivet'], row['qemu'])
            tp = {e: smp_throughput(g, e, name, smp) for e in b.smp_emus}
            cells = f"| {name} | {smp} | {cell(row['rivet'])} | {cell(row['qemu'])} | {t} " \
                    f"| {fmt_x(tp['rivet'])} | {fmt_x(tp['qemu'])} |"
            if single:
                cells += f" {cell(row['rivet-single'])} | {fmt_x(tp['rivet-single'])} |"
            lines.append(cells)
            res[f'{name}/{smp}'] = {**row, 'rivet_over_qemu': v, 'throughput': tp}
            if name != 'build':
                gm.setdefault(smp, {'ratio': [], **{e: [] for e in b.smp_emus}})
                gm[smp]['ratio'].append(v)
                for e in b.smp_emus:
                    gm[smp][e].append(tp[e])
    for smp in SMP_HARTS:
        m = {k: geomean(v) for k, v in gm.get(smp, {}).items()}
        cells = (f"| **geomean** | {smp} | | | **{fmt_x(m.get('ratio'), '{:.2f}')}** "
                 f"| **{fmt_x(m.get('rivet'))}** | **{fmt_x(m.get('qemu'))}** |")
        if single:
            cells += f" | **{fmt_x(m.get('rivet-single'))}** |"
        lines.append(cells)
        res[f'geomean/{smp}'] = m
    lines.append('')
    results['smp'] = res
    return lines


def snapshot_report(g, results):
    lines = ['## Snapshots (issue 23): the booted Linux guest (no disk) saved at its prompt with a busy loop '
             'running, rivet only\n',
             'savevm: the monitor command\'s round trip. First instruction: `rivet ... -loadvm FILE --max-insns 1`, '
             'process start to its exit after one guest instruction. Command: process start to the output of '
             '`echo` sent to the restored shell. Clones: processes restored at once from one '
             f'{CLONE_MEM} snapshot, each answering a command; summed PSS (smaps_rollup) while all run.\n',
             '| -m | savevm s | file MiB | to first instruction ms | to a command\'s output s |',
             '|---|---|---|---|---|']
    res = {}
    for mem in SNAP_MEMS:
        sv, fm, fi, co = (g('snapshot', mem, k) for k in ('savevm', 'file_mib', 'first', 'command'))
        fi_ms = {k: v * 1000 if k != 'n' else v for k, v in fi.items()} if fi else None
        lines.append(f"| {mem} | {cell(sv)} | {cell(fm, '{:.1f}')} | {cell(fi_ms, '{:.1f}')} | {cell(co)} |")
        res[mem] = {'savevm': sv, 'file_mib': fm, 'first_ms': fi_ms, 'command': co}
    one, many = g('snapshot', 'clones', 1), g('snapshot', 'clones', CLONES)
    t, v = ratio(many, one)
    lines += ['', f'| clones of a {CLONE_MEM} guest | PSS MiB in all |', '|---|---|',
              f"| 1 | {cell(one, '{:.1f}')} |", f"| {CLONES} | {cell(many, '{:.1f}')} |",
              f'| {CLONES} / 1 | {t} |', '']
    res['clones'] = {'one': one, 'many': many, 'ratio': v}
    results['snapshot'] = res
    return lines


def smp_throughput(g, emu, name, smp):
    """Copies per second at -smp smp over copies per second at -smp 1."""
    one, this = g('smp', emu, name, 1), g('smp', emu, name, smp)
    if not one or not this or not this['median']:
        return None
    return smp * one['median'] / this['median']


def fmt_x(v, fmt='{:.2f}x'):
    return '-' if v is None else fmt.format(v)


def targets(res):
    """Issue 6's targets, each met, missed or not measured."""
    rows = []

    def row(desc, value, ok, fmt='{:.2f}'):
        got = 'not measured' if value is None else fmt.format(value)
        verdict = '-' if value is None else ('met' if ok(round(value, 2)) else 'missed')
        rows.append(f'| {desc} | {got} | {verdict} |')

    boot = res.get('boot', {}).get('rivet', {})
    if 'boot' in res:
        row('boot to shell, rivet/QEMU <= 0.7', boot.get('prompt_over_qemu'), lambda v: v <= 0.7)
    cpu = res.get('cpu', {}).get('programs', {})
    for name, r in cpu.items():
        row(f'{name} in the guest, rivet/QEMU <= 2.0', r['rivet_over_qemu'], lambda v: v <= 2.0)
    if cpu:
        row('geomean rivet/QEMU (guest)', res['cpu']['geomean_rivet_over_qemu'], lambda v: v <= 2.0)
    if 'gdb' in res:
        row('time to a breakpoint at the end of the boot / boot without it <= 2 (issue 17)',
            res['gdb']['rivet']['break_over_plain'], lambda v: v <= 2.0)
    if 'window' in res:
        row('window open, time / -nographic time <= 1.05 (issue 5)', res['window']['window_over_headless'],
            lambda v: v <= 1.05, '{:.3f}')
    fp = res.get('footprint', {})
    if 'idle_x_cpu_pct' in fp:
        s = fp['idle_x_cpu_pct']['rivet']
        row('idle guest, % of one host core < 2', s and s['median'], lambda v: v < 2.0)
    if 'idle_x_rss_mib' in fp:
        row('peak RSS, rivet/QEMU <= 1', fp['idle_x_rss_mib']['ratio'], lambda v: v <= 1.0)
    smp = res.get('smp', {})
    if smp:
        g2, g4 = smp.get('geomean/2', {}), smp.get('geomean/4', {})
        row('-smp 2, two copies: throughput vs -smp 1 >= 1.8 (geomean, issue 19)', g2.get('rivet'),
            lambda v: v >= 1.8)
        row('-smp 2: rivet/QEMU time <= 0.7 (geomean, issue 19)', g2.get('ratio'), lambda v: v <= 0.7)
        row('-smp 4 on 2 cores: rivet/QEMU time <= 1.0 (geomean, issue 19)', g4.get('ratio'), lambda v: v <= 1.0)
    snap = res.get('snapshot', {})
    for mem in SNAP_MEMS if snap else ():
        f = snap.get(mem, {}).get('first_ms')
        row(f'-m {mem}: -loadvm to the first instruction < 20 ms (issue 23)', f and f['median'], lambda v: v < 20,
            '{:.1f}')
    vec = res.get('vector', {})
    if vec:
        row('vector builds in the guest, rivet/QEMU <= 0.5 (geomean, issue 21)',
            vec['geomean_vector_rivet_over_qemu'], lambda v: v <= 0.5)
        row('on rivet, every vector build / the scalar build <= 1.0 (worst kernel, issue 21)',
            vec['worst_vector_over_scalar'], lambda v: v <= 1.0)
    if snap:
        row(f'{CLONES} clones of a {CLONE_MEM} guest: PSS < 2x one clone\'s (issue 23)', snap['clones']['ratio'],
            lambda v: v < 2.0)
    if not rows:
        return []
    return ['## Targets (issues 5, 6, 17, 19, 21 and 23)\n', '| target | measured | |', '|---|---|---|'] + rows + ['']


def free_port():
    import socket
    with socket.socket() as sk:
        sk.bind(('127.0.0.1', 0))
        return sk.getsockname()[1]


def wait_listening(port, proc, what):
    """Until something listens on port (read from /proc/net/tcp: a probe
    connection would be taken for gdb)."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and proc.poll() is None:
        with open('/proc/net/tcp') as f:
            for line in f.readlines()[1:]:
                fields = line.split()
                if int(fields[1].split(':')[1], 16) == port and fields[3] == '0A':
                    return
        time.sleep(0.02)
    raise Fail(f'{what}: not listening (exit status {proc.poll()})')


def hmp_line(path, line):
    """One HMP command through a -monitor unix: socket: (seconds from the
    command sent to its reply's prompt, the reply)."""
    import socket
    s = socket.socket(socket.AF_UNIX)
    deadline = time.monotonic() + 30
    while True:
        try:
            s.connect(path)
            break
        except OSError:
            if time.monotonic() > deadline:
                raise Fail(f'monitor {path}: cannot connect')
            time.sleep(0.02)
    s.settimeout(120)
    data = b''

    def prompt():
        nonlocal data
        while not data.endswith(b'(rivet) '):
            chunk = s.recv(65536)
            if not chunk:
                raise Fail(f'monitor {path}: closed')
            data += chunk
        out, data = data[:-8], b''
        return out.decode(errors='replace')

    prompt()
    t0 = time.monotonic()
    s.sendall(line.encode() + b'\n')
    out = prompt()
    dt = time.monotonic() - t0
    s.close()
    return dt, out


def clones_pss(argv, n):
    """n rivet processes restored from one file at once; each answers a
    command on its console (stdin/stdout pipes); then the summed PSS in MiB
    (/proc/PID/smaps_rollup) while all are alive."""
    procs = [subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
             for _ in range(n)]
    try:
        outs = [b''] * n
        for i, p in enumerate(procs):
            os.set_blocking(p.stdout.fileno(), False)
            p.stdin.write(f'echo clone-{i}-$((6*7))\n'.encode())
            p.stdin.flush()
        deadline = time.monotonic() + 120
        while any(f'clone-{i}-42'.encode() not in o for i, o in enumerate(outs)):
            if time.monotonic() > deadline or any(p.poll() is not None for p in procs):
                raise Fail(f'snapshot clones: not all {n} answered: {[o[-80:] for o in outs]}')
            for i, p in enumerate(procs):
                outs[i] += p.stdout.read() or b''
            time.sleep(0.02)
        total = 0
        for p in procs:
            with open(f'/proc/{p.pid}/smaps_rollup') as f:
                total += next(int(line.split()[1]) for line in f if line.startswith('Pss:'))
        return total / 1024
    finally:
        for p in procs:
            p.kill()
            p.wait()


def host_description():
    cpu = platform.processor()
    try:
        with open('/proc/cpuinfo') as f:
            cpu = next(line.split(':', 1)[1].strip() for line in f if line.startswith('model name'))
    except (OSError, StopIteration):
        pass
    return f'{cpu}, {os.cpu_count()} cores, Linux {platform.release()}'


def version(argv):
    try:
        r = subprocess.run(argv, capture_output=True, text=True, timeout=10)
        return (r.stdout or r.stderr).strip().splitlines()[0]
    except (OSError, subprocess.TimeoutExpired, IndexError):
        return 'unknown'


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--rivet', required=True, help='the rivet binary (bench/run builds one)')
    p.add_argument('--qemu', default='qemu-system-riscv64')
    p.add_argument('--guest-dir', required=True, help='holds Image and initramfs.cpio.gz')
    p.add_argument('--out', default=os.path.join(ROOT, 'build', 'bench'),
                   help='build products, logs, results.md and results.json')
    p.add_argument('--runs', type=int, default=5, help='runs of each measurement (default 5)')
    p.add_argument('--idle-runs', type=int, default=2, help='idle/RSS sessions each (default 2)')
    p.add_argument('--quick', action='store_true', help='one run of everything')
    p.add_argument('--sections', default=','.join(SECTIONS),
                   help='comma-separated subset of ' + ','.join(SECTIONS))
    a = p.parse_args()
    if a.quick:
        a.runs = a.idle_runs = 1
    a.sections = [('smp' if s == 'scaling' else s) for s in a.sections.split(',') if s]
    bad = [s for s in a.sections if s not in SECTIONS]
    if bad:
        p.error(f'unknown section(s) {bad}')
    a.out = os.path.abspath(a.out)
    return a


def main():
    a = parse_args()
    started = time.monotonic()
    for f in (a.rivet, os.path.join(a.guest_dir, 'Image'), os.path.join(a.guest_dir, 'initramfs.cpio.gz'), OPENSBI):
        if not os.path.exists(f):
            sys.exit(f'bench: error: {f} is missing')
    meta = {'date': datetime.datetime.now().astimezone().strftime('%Y-%m-%d %H:%M %Z'),
            'host': host_description(), 'load_start': '%.2f %.2f %.2f' % os.getloadavg(),
            'runs': a.runs, 'rivet': version([a.rivet, '--version']),
            'qemu': version([a.qemu, '--version']), 'sections': a.sections}
    log('building the programs')
    try:
        built = build_programs(a.out, a.guest_dir, a.sections)
    except Fail as e:
        sys.exit(f'bench: error: {e}')
    b = Bench(a, Emus(a.rivet, a.qemu, a.guest_dir, built[2]), *built)
    b.run()
    meta['load_end'] = '%.2f %.2f %.2f' % os.getloadavg()
    meta['seconds'] = round(time.monotonic() - started, 1)
    text, results = report(b, meta)
    text += f"\n{meta['rivet']}; {meta['qemu']}; whole run {meta['seconds']:.0f} s.\n"
    with open(os.path.join(a.out, 'results.md'), 'w') as f:
        f.write(text)
    with open(os.path.join(a.out, 'results.json'), 'w') as f:
        json.dump(results, f, indent=1, default=str)
    print(text)
    log(f"results in {a.out}/results.md and results.json ({meta['seconds']:.0f} s)")
    sys.exit(1 if b.failures else 0)


if __name__ == '__main__':
    main()
