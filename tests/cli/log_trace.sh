#!/bin/sh
# -d in_asm / exec / cpu write --trace's lines (QEMU's names for a trace):
# into the -D file they must be byte for byte what --trace=FILE writes, and
# without -D they go to stderr as --trace's do.
#   log_trace.sh RIVET GUEST.elf
rivet=$1 elf=$2
dir=$(mktemp -d) || exit 1
trap 'rm -rf "$dir"' EXIT
run="$rivet -bios none -nographic -kernel $elf"
$run --trace="$dir/trace.txt" >/dev/null 2>&1
fail=0
[ -s "$dir/trace.txt" ] || { echo "FAIL: --trace wrote nothing"; exit 1; }
for items in in_asm exec cpu in_asm,exec,cpu; do
    $run -d $items -D "$dir/log.txt" >/dev/null 2>&1
    cmp -s "$dir/trace.txt" "$dir/log.txt" || { echo "FAIL: -d $items -D FILE differs from --trace=FILE"; fail=1; }
done
$run -d exec >/dev/null 2>"$dir/stderr.txt"
cmp -s "$dir/trace.txt" "$dir/stderr.txt" || { echo "FAIL: -d exec without -D differs from --trace=FILE"; fail=1; }
[ $fail -eq 0 ] && echo PASS
exit $fail
