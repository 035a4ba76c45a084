#!/usr/bin/env bash
# Issue 7: the Linux boot log in -icount mode is identical across two runs,
# timestamps included, and so is the instruction count; with a virtio-rng
# device, whose bytes (printed from /dev/hwrng) repeat too. Each run boots from
# a fresh copy of the same disk, reaches the shell and powers off.
# usage: icount_determinism.sh RIVET GUEST_DIR WORKDIR
set -euo pipefail
rivet=$1 guest=$2 work=$3
for f in Image initramfs.cpio.gz disk.img; do
  [ -e "$guest/$f" ] || { echo "skipped: $guest/$f is missing (scripts/build-guest builds the guest)"; exit 77; }
done
mkdir -p "$work"
cat > "$work/poweroff.exp" <<'EOS'
wait "# " 300
send "od -An -tx1 -N16 /dev/hwrng\n"
wait "# " 60
send "poweroff -f\n"
wait "reboot" 120
EOS
for run in 1 2; do
  cp "$guest/disk.img" "$work/disk$run.img"
  "$rivet" -m 256M -nographic -icount shift=0 -kernel "$guest/Image" -initrd "$guest/initramfs.cpio.gz" \
    -append console=ttyS0 -drive "file=$work/disk$run.img,format=raw,id=hd0,if=none" \
    -device virtio-blk-device,drive=hd0 -device virtio-rng-device --expect-script "$work/poweroff.exp" \
    --console-log "$work/console$run.log" --stats --timeout 600 </dev/null >/dev/null 2>"$work/stderr$run.log" ||
    { echo "FAIL: run $run ended with status $?"; cat "$work/stderr$run.log"; exit 1; }
  grep -o 'instructions: [0-9]*' "$work/stderr$run.log" > "$work/count$run"
done
grep -q 'Linux version' "$work/console1.log" || { echo "FAIL: no kernel banner in the log"; exit 1; }
grep -q '^\[ *[0-9]*\.[0-9]*\] ' "$work/console1.log" || { echo "FAIL: no printk timestamps in the log"; exit 1; }
cmp "$work/console1.log" "$work/console2.log" || { echo "FAIL: the two boot logs differ"; diff "$work/console1.log" "$work/console2.log" | head -20; exit 1; }
cmp "$work/count1" "$work/count2" || { echo "FAIL: instruction counts differ: $(cat "$work/count1") vs $(cat "$work/count2")"; exit 1; }
echo "PASS: two -icount boots gave identical logs ($(wc -l < "$work/console1.log") lines) and $(cat "$work/count1")"
