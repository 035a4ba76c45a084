#!/bin/sh
# Makes the damaged inputs for the bad-input tests at test time.
#   make_bad_files.sh DIR GOOD_ELF
set -e
dir=$1 good=$2
mkdir -p "$dir/bad"
head -c 200 "$good" >"$dir/bad/truncated.elf"      # headers only: segment data missing
head -c 40 "$good" >"$dir/bad/short-header.elf"    # cut inside the ELF header
cp /bin/true "$dir/bad/x86.elf" 2>/dev/null || cp "$(command -v true)" "$dir/bad/x86.elf"
: >"$dir/bad/empty.bin"
head -c 64 /dev/zero >"$dir/bad/zeros.bin"         # raw image of illegal instructions
mkdir -p "$dir/bad/a-directory"
rm -f "$dir/bad/fifo" && mkfifo "$dir/bad/fifo"    # a FIFO nobody writes or reads
truncate -s 100G "$dir/bad/huge.bin"               # sparse: far more than any RAM
# The x86 ELF at the end of a 600-byte path and of a 3000-byte one
# (directories of 99 characters), for messages that must keep their reason.
comp=$(printf '%099d' 0 | tr 0 l)
p=$dir/bad/long
for i in 1 2 3 4 5 6; do p=$p/$comp; done
mkdir -p "$p" && cp "$dir/bad/x86.elf" "$p/x86.elf"
p=$dir/bad/longer
for i in $(seq 30); do p=$p/$comp; done
mkdir -p "$p" && cp "$dir/bad/x86.elf" "$p/x86.elf"
