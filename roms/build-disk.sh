#!/usr/bin/env bash
# Builds the guest's disk: a 64 MiB ext4 image made by `mke2fs -d` from
# roms/disk/ plus empty /home (writable), /tmp and /root directories.
# Output: $GUEST_DIR/disk.img
# The guest writes to this image, so it is only replaced when its inputs
# change (or with RIVET_FRESH_DISK=1); otherwise what the guest wrote stays.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

TREE=$ROMS_DIR/disk
OUT=$GUEST_DIR/disk.img
SIZE=64M

need_pkgs e2fsprogs
hash=$(pkg_versions e2fsprogs | inputs_hash lib.sh build-disk.sh disk)
if [ "${RIVET_FRESH_DISK:-0}" != 1 ] && up_to_date "$OUT" "$hash"; then
  log "disk: up to date ($OUT)"
  exit 0
fi

stage=$GUEST_DIR/build/disk-tree
rm -rf "$stage"
mkdir -p "$stage"
cp -R "$TREE/." "$stage/"
mkdir -p "$stage/home" "$stage/tmp" "$stage/root"
chmod 0755 "$stage" "$stage/home"
chmod 1777 "$stage/tmp"
chmod 0700 "$stage/root"
rm -f "$OUT.tmp"
# root_owner: the root directory belongs to root whoever runs this
mke2fs -q -F -t ext4 -L rivet -E root_owner=0:0 -d "$stage" "$OUT.tmp" "$SIZE" >/dev/null
mv "$OUT.tmp" "$OUT"
rm -rf "$stage"
mark_built "$OUT" "$hash"
log "disk: built $OUT ($SIZE ext4)"
