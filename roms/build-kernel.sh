#!/usr/bin/env bash
# Builds the guest kernel: Linux 6.1 from Debian's linux-source-6.1 tarball,
# cross-compiled for riscv64 from tinyconfig plus roms/linux/rivet.config.
# Output: $GUEST_DIR/Image (and linux.config, the .config it was built with).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

SRC_PKG=linux-source-6.1
TARBALL=/usr/src/linux-source-6.1.tar.xz
FRAGMENT=$ROMS_DIR/linux/rivet.config
OUT=$GUEST_DIR/Image

need_pkgs "$SRC_PKG" gcc-riscv64-linux-gnu binutils-riscv64-linux-gnu \
  build-essential bc bison flex xz-utils
hash=$(pkg_versions "$SRC_PKG" gcc-riscv64-linux-gnu binutils-riscv64-linux-gnu gcc \
  | inputs_hash lib.sh build-kernel.sh linux)
if up_to_date "$OUT" "$hash"; then
  log "kernel: up to date ($OUT)"
  exit 0
fi

# unpack_source: extract the tarball once per package version, into a
# temporary directory first so an interrupted run never leaves half a tree.
unpack_source() {
  local version dir=$GUEST_DIR/src/$SRC_PKG
  version=$(dpkg-query -W -f='${Version}' "$SRC_PKG")
  if [ -f "$dir/.rivet-version" ] && [ "$(cat "$dir/.rivet-version")" = "$version" ]; then
    return 0
  fi
  log "kernel: unpacking $TARBALL ($version)"
  rm -rf "$dir" "$dir.tmp"
  mkdir -p "$dir.tmp"
  tar -xf "$TARBALL" -C "$dir.tmp" --strip-components=1
  printf '%s\n' "$version" >"$dir.tmp/.rivet-version"
  mv "$dir.tmp" "$dir"
}

unpack_source
src=$GUEST_DIR/src/$SRC_PKG
obj=$GUEST_DIR/build/linux
mkdir -p "$obj"
kmake=(make -C "$src" O="$obj" ARCH=riscv CROSS_COMPILE="$CROSS"
  KBUILD_BUILD_USER=rivet KBUILD_BUILD_HOST=rivet -s)

log "kernel: configuring (tinyconfig + ${FRAGMENT#"$ROMS_DIR"/})"
# Kconfig's "override" warnings are expected here: the log is kept for when
# check_config names a dropped option
{
  "${kmake[@]}" tinyconfig
  (cd "$obj" && ARCH=riscv CROSS_COMPILE=$CROSS \
    "$src/scripts/kconfig/merge_config.sh" -m -O "$obj" "$obj/.config" "$FRAGMENT")
  "${kmake[@]}" olddefconfig
} >"$obj/config.log" 2>&1 || { tail -n 30 "$obj/config.log" >&2; die "kernel: configuring failed (log: $obj/config.log)"; }
check_config "$FRAGMENT" "$obj/.config" kernel

log "kernel: building Image with -j$JOBS (a few minutes the first time)"
start=$SECONDS
"${kmake[@]}" -j"$JOBS" Image
cp "$obj/arch/riscv/boot/Image" "$OUT.tmp"
mv "$OUT.tmp" "$OUT"
cp "$obj/.config" "$GUEST_DIR/linux.config"
mark_built "$OUT" "$hash"
log "kernel: built $OUT in $((SECONDS - start)) s"
