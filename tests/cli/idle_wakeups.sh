#!/bin/sh
# An idle guest (WFI, nothing enabled) must sleep, not poll: over a 1 s run
# rivet may wake a few times for its stop check (every 100 ms), never every
# millisecond, whatever stdin is.
#   idle_wakeups.sh RIVET WFI_ELF STDIN
# STDIN: null (/dev/null), eof (a pipe already closed, as `echo | rivet`) or
# open (a pipe whose writer stays silent). With stdin at EOF no input can
# come, so null and eof end at once as deadlocked (124); they must not spin
# on the way either.
rivet=$1 elf=$2 mode=$3
run() {
    /usr/bin/time -f '%e %U %S %w' "$rivet" --timeout 1 -bios none -kernel "$elf"
}
case "$mode" in
    null) out=$( { run </dev/null; } 2>&1 | tail -1) ;;
    eof) out=$( { true | run; } 2>&1 | tail -1) ;;
    open) out=$( { sleep 2 | run; } 2>&1 | tail -1) ;;
    *) echo "unknown stdin mode $mode"; exit 2 ;;
esac
echo "stdin $mode: elapsed, user, system seconds, voluntary switches: $out"
# A run polling every millisecond sleeps about 1000 times; a spin uses the CPU.
echo "$out" | awk '{ exit !($2 + $3 < 0.2 && $4 < 100) }'
