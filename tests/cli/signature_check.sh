#!/bin/sh
# Runs rivet with a signature file and compares it with a hand-written
# expectation in Spike's format (tests/cli/signature/).
#   signature_check.sh STATUS EXPECTED -- RIVET ARGS...
# Every @SIG@ in ARGS becomes the signature file's path (so --signature @SIG@
# and Spike's +signature=@SIG@ both work).
want_status=$1 expected=$2
shift 3
dir=$(mktemp -d) || exit 1
trap 'rm -rf "$dir"' EXIT
sig=$dir/sig.txt
cmd=
for a in "$@"; do
    a=$(printf '%s' "$a" | sed "s|@SIG@|$sig|g")
    cmd="$cmd '$a'"
done
eval "$cmd" >"$dir/out" 2>"$dir/err" </dev/null
status=$?
fail=0
[ "$status" = "$want_status" ] || { echo "FAIL: exit status $status, expected $want_status"; fail=1; }
if ! cmp -s "$sig" "$expected"; then
    echo "FAIL: the signature differs from $expected:"
    diff "$expected" "$sig"
    fail=1
fi
[ $fail -eq 0 ] && echo PASS || { echo "--- stderr:"; cat "$dir/err"; }
exit $fail
