#!/usr/bin/env bash
# Builds the guest's initramfs: busybox, its applet links and the files under
# roms/initramfs/ (/init, /etc), as a gzip-compressed cpio "newc" archive.
# Written with the kernel's own gen_init_cpio from a file list, so every entry
# is owned by root and /dev/console exists without root privileges or fakeroot.
# Output: $GUEST_DIR/initramfs.cpio.gz
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

TREE=$ROMS_DIR/initramfs
OUT=$GUEST_DIR/initramfs.cpio.gz
GEN_SRC=$GUEST_DIR/src/linux-source-6.1/usr/gen_init_cpio.c
GEN=$GUEST_DIR/build/gen_init_cpio

need_pkgs build-essential gzip
[ -f "$GUEST_DIR/busybox.inputs" ] || die "initramfs: build busybox first (roms/build-busybox.sh)"
[ -f "$GEN_SRC" ] || die "initramfs: $GEN_SRC missing: build the kernel first (roms/build-kernel.sh)"
hash=$( { echo "busybox=$(cat "$GUEST_DIR/busybox.inputs")"
  echo "gen_init_cpio=$(sha256sum <"$GEN_SRC")"; pkg_versions gzip; } \
  | inputs_hash lib.sh build-initramfs.sh initramfs)
if up_to_date "$OUT" "$hash"; then
  log "initramfs: up to date ($OUT)"
  exit 0
fi

# file_list: gen_init_cpio's input (see usr/gen_init_cpio.c in the kernel).
file_list() {
  local d f rel mode
  printf '%s\n' 'dir /dev 0755 0 0' 'nod /dev/console 0600 0 0 c 5 1' \
    'dir /proc 0755 0 0' 'dir /sys 0755 0 0' 'dir /mnt 0755 0 0' \
    'dir /tmp 1777 0 0' 'dir /root 0700 0 0'
  # the applets' directories, then busybox, then one symlink per applet
  for d in /bin /sbin /usr /usr/bin /usr/sbin; do
    printf 'dir %s 0755 0 0\n' "$d"
  done
  printf 'file /bin/busybox %s 0755 0 0\n' "$GUEST_DIR/busybox"
  grep -v -x -e '/bin/busybox' -e '/linuxrc' "$GUEST_DIR/busybox.links" \
    | while IFS= read -r f; do printf 'slink %s /bin/busybox 0777 0 0\n' "$f"; done
  # roms/initramfs/: directories first (find lists parents before children)
  (cd "$TREE" && find . -mindepth 1 -type d | LC_ALL=C sort) | while IFS= read -r rel; do
    printf 'dir /%s 0755 0 0\n' "${rel#./}"
  done
  (cd "$TREE" && find . -type f | LC_ALL=C sort) | while IFS= read -r rel; do
    mode=0644
    [ -x "$TREE/$rel" ] && mode=0755
    printf 'file /%s %s %s 0 0\n' "${rel#./}" "$TREE/${rel#./}" "$mode"
  done
}

mkdir -p "$(dirname "$GEN")"
gcc -O2 -o "$GEN" "$GEN_SRC"
file_list >"$GUEST_DIR/initramfs.list"
# -t: a fixed timestamp, so the same inputs give the same archive
"$GEN" -t 0 "$GUEST_DIR/initramfs.list" | gzip -9 -n >"$OUT.tmp"
mv "$OUT.tmp" "$OUT"
mark_built "$OUT" "$hash"
log "initramfs: built $OUT ($(stat -c %s "$OUT") bytes)"
