#!/bin/sh
# No process-wide mutable state in rivet's libraries (include/rivet.h: any
# number of machines in one process): every object in a writable section
# (.data, .bss, thread-local, common; .data.rel.ro is read-only once
# relocated) of the archives must be one of the documented exceptions below.
#
# usage: global_state.sh OBJDUMP ARCHIVE...
#
# The exceptions, as "object symbol":
#   terminal.c.o tty              the tty mode and signal dispositions the signal
#                                 handlers restore (machine/host/terminal.c)
#   csr.c.o csr_index, csr_ext,   the CSR lookup built once from the const
#           csr_index_once        table under pthread_once, then only read
#   decode.c.o by_group,          the decoder's index, likewise
#           by_group_count, init_once
# A new one needs a reason as good as these, written here and at the variable.
set -eu
objdump=$1
shift
allowed="terminal.c.o:tty csr.c.o:csr_index csr.c.o:csr_ext csr.c.o:csr_index_once
decode.c.o:by_group decode.c.o:by_group_count decode.c.o:init_once"

found=$(for lib in "$@"; do
    "$objdump" -t "$lib" | awk '
        /^[^ ]+\.o:[ \t]+file format/ { obj = $1; sub(/:$/, "", obj); next }
        / O / && ($0 ~ /[ \t]\.(bss|data|tbss|tdata)/ || $0 ~ /\*COM\*/) && $0 !~ /\.data\.rel\.ro/ {
            sym = $NF
            if (sym ~ /^(__odr_asan|__asan|___asan|__ubsan|__sancov)/) next  # the sanitizers own
            print obj ":" sym
        }'
done)

bad=0
for entry in $found; do
    ok=no
    for a in $allowed; do
        [ "$entry" = "$a" ] && ok=yes
    done
    if [ $ok = no ]; then
        echo "process-wide mutable state: ${entry%%:*}: '${entry#*:}' (move it into the object that owns it)" >&2
        bad=1
    fi
done
n=$(printf '%s\n' "$found" | grep -c . || true)
[ "$n" -gt 0 ] || { echo "no objects found at all: is $objdump reading these archives?" >&2; exit 1; }
echo "$n writable objects, all documented exceptions"
exit $bad
