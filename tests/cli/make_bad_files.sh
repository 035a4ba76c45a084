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
