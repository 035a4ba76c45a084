#!/bin/sh
# The help as scripts read QEMU's (issue 17): every option the parser knows
# (its flag table in machine/cli/cli.c) and every QEMU flag rivet documents has a
# line starting at column 0 with the option, and xv6-riscv's Makefile probe
# `$(QEMU) -help | grep -q '^-gdb'` picks the modern -gdb spelling.
#   help_lines.sh RIVET CLI_SOURCE
rivet=$1 src=$2
help=$("$rivet" -help) || { echo "FAIL: rivet -help exited $?"; exit 1; }
fail=0
"$rivet" -help | grep -q '^-gdb' || { echo "FAIL: xv6's probe: no line starting with -gdb"; fail=1; }
for form in -h --help -help; do
    [ "$("$rivet" $form)" = "$help" ] || { echo "FAIL: $form prints another help"; fail=1; }
done
# QEMU's flags as QEMU spells them, then rivet's own (two dashes).
qemu="machine M cpu bios kernel initrd append dtb m smp nographic display serial drive device netdev nic net
      object global snapshot no-reboot gdb s p S icount rtc accel monitor qmp semihosting semihosting-config d D h help version
      perfmap loadvm pflash"
own="trace timeout max-insns stats jit expect-script console-log fb screenshot-on-exit semihosting-root
     signature signature-granularity stuck"
# Every row of the parser's flag table (some lines of the source hold two).
table=$(grep -o '{ "[A-Za-z-]*", F_' "$src" | sed 's/{ "\([^"]*\)".*/\1/')
[ -n "$table" ] || { echo "FAIL: no flags found in $src"; exit 1; }
for f in $table; do
    case " $(echo $qemu $own) " in
        *" $f "*) ;;
        *) echo "FAIL: flag '$f' of the parser is in neither list of this test"; fail=1 ;;
    esac
done
line_for() { printf '%s\n' "$help" | grep -q -- "^$1\([ =[]\|$\)"; }
for f in $qemu; do
    line_for "-$f" || { echo "FAIL: no help line starting with -$f"; fail=1; }
done
for f in $own; do
    line_for "--$f" || line_for "-$f" || { echo "FAIL: no help line starting with --$f"; fail=1; }
done
[ $fail -eq 0 ] && echo PASS
exit $fail
