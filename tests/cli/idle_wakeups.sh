#!/bin/sh
# An idle guest (every hart in WFI) must sleep, not poll, and its run must
# end the way the idle rules say (machine/board/machine.h), with the right
# status, reason and at the right time.
#   idle_wakeups.sh RIVET ELF MODE
# MODE says what can wake the guest and so how the run ends:
#   null   stdin is /dev/null: no input can come, no timer is armed (wfi.elf);
#          a deadlock, ended at once with 124, long before --timeout 10
#   eof    stdin a pipe already closed (as `echo | rivet`): the same
#   open   stdin a pipe whose writer stays silent: input may come, so rivet
#          sleeps until --timeout 1 ends the run with 124 after 1 s
#   timer  -serial none, a timer armed 29,000 years ahead (far_timer.elf):
#          rivet sleeps towards it until --timeout 1, 124 after 1 s
# Whatever the mode it must not spin nor wake every millisecond to look for
# input: a 1 s run may wake a few times for its stop check (every 100 ms).
# The time bounds are about behaviour, not speed: "at once" is anything
# well under the 10 s timeout, "after 1 s" at least 1 s (--timeout counts
# from the machine's creation) and well under 6 s.
rivet=$1 elf=$2 mode=$3
tmp=$(mktemp -d) || exit 2
writer=
trap '[ -n "$writer" ] && kill "$writer" 2>/dev/null; rm -rf "$tmp"' EXIT
DEADLOCK='rivet: every hart waits for an interrupt and nothing is left to raise one (no timer armed, no input)'

run() {
    /usr/bin/time -o "$tmp/time" -f '%e %U %S %w' "$rivet" "$@" -bios none -kernel "$elf" >"$tmp/out" 2>"$tmp/err"
}
case "$mode" in
    null) run --timeout 10 </dev/null; status=$?
          want_err=$DEADLOCK min=0 max=5 ;;
    eof) true | run --timeout 10; status=$?
         want_err=$DEADLOCK min=0 max=5 ;;
    open) mkfifo "$tmp/in" || exit 2
          sleep 60 >"$tmp/in" & writer=$!
          run --timeout 1 <"$tmp/in"; status=$?
          want_err='rivet: time limit of 1 s reached' min=1 max=6 ;;
    timer) run --timeout 1 -serial none </dev/null; status=$?
           want_err='rivet: time limit of 1 s reached' min=1 max=6 ;;
    *) echo "unknown mode $mode"; exit 2 ;;
esac
# The last line: before it GNU time says "Command exited with non-zero status".
set -- $(tail -n 1 "$tmp/time")
elapsed=$1 user=$2 sys=$3 wakeups=$4
echo "$mode: status $status; elapsed, user, system seconds, voluntary switches: $elapsed $user $sys $wakeups"
fail=0
if [ "$status" -ne 124 ]; then
    echo "FAIL: exit status $status, expected 124"; fail=1
fi
if [ "$(cat "$tmp/err")" != "$want_err" ]; then
    echo "FAIL: stderr is not '$want_err'"; fail=1
fi
if [ -s "$tmp/out" ]; then
    echo "FAIL: stdout not empty"; fail=1
fi
# %e has hundredths: 0.99 is a run of at least 1 s rounded down.
if ! awk -v e="$elapsed" -v lo="$min" -v hi="$max" 'BEGIN { exit !(e >= lo - 0.01 && e < hi) }'; then
    echo "FAIL: ended after $elapsed s, expected from $min s to under $max s"; fail=1
fi
# A run polling every millisecond sleeps about 1000 times; a spin uses the CPU.
if ! awk -v u="$user" -v s="$sys" -v w="$wakeups" 'BEGIN { exit !(u + s < 0.2 && w < 100) }'; then
    echo "FAIL: not idle: $user s user, $sys s system, $wakeups voluntary switches"; fail=1
fi
if [ $fail -ne 0 ]; then
    echo "--- stderr:"; cat "$tmp/err"; echo "--- stdout:"; cat "$tmp/out"
fi
exit $fail
