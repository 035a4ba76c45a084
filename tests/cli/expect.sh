#!/bin/sh
# Runs a command and checks its exit status, its stderr and its stdout.
#   expect.sh STATUS STDERR_ERE STDOUT -- COMMAND [ARG...]
# STDERR_ERE: extended regex that some stderr line must match ('-' = stderr empty,
#             '*' = anything). STDOUT: the exact expected output as a printf %b
#             string ('-' = empty, '*' = anything).
status=$1 errre=$2 out=$3
shift 3
[ "$1" = "--" ] && shift
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
"$@" >"$tmp/out" 2>"$tmp/err"
got=$?
fail=0
if [ "$got" -ne "$status" ]; then
    echo "FAIL: exit status $got, expected $status"; fail=1
fi
case "$errre" in
    '*') ;;
    -) if [ -s "$tmp/err" ]; then echo "FAIL: stderr not empty"; fail=1; fi ;;
    *) if ! grep -Eq -- "$errre" "$tmp/err"; then echo "FAIL: stderr does not match /$errre/"; fail=1; fi ;;
esac
[ "$out" = '-' ] && out=''
if [ "$out" != '*' ]; then
    printf '%b' "$out" >"$tmp/want"
    if ! cmp -s "$tmp/want" "$tmp/out"; then echo "FAIL: stdout differs from '$out'"; fail=1; fi
fi
if [ $fail -ne 0 ]; then
    echo "--- command: $*"; echo "--- stdout:"; cat "$tmp/out"; echo "--- stderr:"; cat "$tmp/err"
fi
exit $fail
