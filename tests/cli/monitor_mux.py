#!/usr/bin/env python3
"""Ctrl-A c on the console (-serial mon:stdio, the default) through a pty:
the monitor's prompt, a command that reads a register the guest set, back to
the guest and again to the monitor, then quit ends the run with status 0.

    monitor_mux.py RIVET MONITOR_TARGET_ELF
"""
import sys

try:
    import pexpect
except ImportError:
    print('SKIP: python3-pexpect is not installed')
    sys.exit(77)

rivet, elf = sys.argv[1], sys.argv[2]
c = pexpect.spawn(rivet, ['-bios', 'none', '-kernel', elf, '--timeout', '60'], timeout=10)
# The tty becomes raw once the machine is up: until then keys wait in the
# line discipline. Ask for the mux's help (harmless) until it answers.
for _ in range(100):
    c.send('\x01h')
    if c.expect_exact(['C-a c    switch between console and monitor', pexpect.TIMEOUT], timeout=0.2) == 0:
        break
else:
    sys.exit('FAIL: the mux never answered Ctrl-A h')
c.send('\x01c')
c.expect_exact("monitor - type 'help' for more information")
c.expect_exact('(rivet) ')
c.send('info registers\r')
c.expect(r'x9/s1 +5eed1234cafef00d')
c.expect_exact('(rivet) ')
c.send('\x01c')                    # back to the guest: these keys are the guest's
c.send('info version\r')
c.send('\x01c')                    # and the monitor again
c.expect_exact('(rivet) ')
c.send('info status\r')
i = c.expect([r'VM status: running', r'\d+\.\d+\.\d+ \(rivet\)'])
if i != 0:
    sys.exit('FAIL: keys typed while the guest had the console reached the monitor')
c.send('quit\r')
c.expect(pexpect.EOF)
c.close()
if c.exitstatus != 0:
    sys.exit(f'FAIL: quit: exit status {c.exitstatus}, signal {c.signalstatus}')
print('ok')
