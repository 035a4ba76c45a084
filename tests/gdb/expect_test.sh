#!/bin/sh
# --expect-script and --console-log against a guest that prints "hello",
# reads a line from the UART and prints "got: LINE" (uart_rx). Checks: the
# script drives the guest to a pass; the log holds the whole console; a wait
# that never matches ends rivet with 123 and names the script line; exit N.
# usage: expect_test.sh RIVET GUEST.elf   (exit 0 = pass, 1 = fail)
set -u
rivet=$1
elf=$2
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
run() { "$rivet" -bios none -serial none --timeout 30 -kernel "$elf" "$@" </dev/null >"$dir/out" 2>"$dir/err"; }

printf '%s\n' '# boot, answer, check' 'wait "hello\n" 20' 'send "rivet\n"' 'wait "got: rivet" 20' >"$dir/ok.exp"
run --expect-script "$dir/ok.exp" --console-log "$dir/log"
st=$?
[ $st = 0 ] || { cat "$dir/err"; fail "scripted run: status $st"; }
grep -q '^hello$' "$dir/log" && grep -q '^got: rivet$' "$dir/log" || { cat "$dir/log"; fail "console log"; }

printf '%s\n' 'wait "hello"' '' 'wait "never printed" 0.5' >"$dir/timeout.exp"
run --expect-script "$dir/timeout.exp"
st=$?
[ $st = 123 ] || fail "timeout: status $st, want 123"
grep -q 'timeout.exp:3: timed out after 0.5 s waiting for "never printed"' "$dir/err" || { cat "$dir/err"; fail "timeout message"; }

printf '%s\n' 'wait "hello"' 'sleep 0.1' 'exit 7' >"$dir/exit.exp"
run --expect-script "$dir/exit.exp"
st=$?
[ $st = 7 ] || fail "exit 7: status $st"

printf '%s\n' 'wiat "typo"' >"$dir/bad.exp"
run --expect-script "$dir/bad.exp"
st=$?
[ $st = 125 ] || fail "bad script: status $st, want 125"
grep -q 'bad.exp:1: bad line' "$dir/err" || { cat "$dir/err"; fail "bad script message"; }
echo PASS
