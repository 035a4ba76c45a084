#!/bin/sh
# Determinism: runs the same rivet command line (with -icount) twice and
# requires byte-identical console output and the same --stats instruction
# count. usage: determinism.sh RIVET ARGS...   (exit 0 = pass, 1 = fail)
set -u
rivet=$1
shift
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
for run in 1 2; do
  "$rivet" --stats "$@" </dev/null >"$dir/out$run" 2>"$dir/err$run"
  echo $? >"$dir/status$run"
  sed -n 's/^rivet: instructions: \([0-9]*\),.*/\1/p' "$dir/err$run" >"$dir/count$run"
done
cat "$dir/out1"
echo "instructions: $(cat "$dir/count1") / $(cat "$dir/count2"), status $(cat "$dir/status1") / $(cat "$dir/status2")"
[ -s "$dir/out1" ] || { echo "FAIL: no console output"; exit 1; }
[ -s "$dir/count1" ] || { echo "FAIL: no instruction count"; cat "$dir/err1"; exit 1; }
cmp "$dir/out1" "$dir/out2" || { echo "FAIL: console output differs"; diff "$dir/out1" "$dir/out2" | head; exit 1; }
cmp -s "$dir/count1" "$dir/count2" || { echo "FAIL: instruction counts differ"; exit 1; }
cmp -s "$dir/status1" "$dir/status2" || { echo "FAIL: exit statuses differ"; exit 1; }
[ "$(cat "$dir/status1")" = 0 ] || { echo "FAIL: guest status $(cat "$dir/status1")"; cat "$dir/err1"; exit 1; }
echo PASS
