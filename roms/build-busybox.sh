#!/usr/bin/env bash
# Builds the guest's userland: busybox from Debian's bookworm source package
# (`apt-get source busybox`, with Debian's patches applied), linked static for
# riscv64 with the Debian cross toolchain and glibc.
# Outputs: $GUEST_DIR/busybox and $GUEST_DIR/busybox.links (the applet paths).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

FRAGMENT=$ROMS_DIR/busybox/rivet.config
OUT=$GUEST_DIR/busybox
SRC=$GUEST_DIR/src/busybox
SOURCES_LIST=/etc/apt/sources.list.d/rivet-bookworm-src.sources

need_pkgs gcc-riscv64-linux-gnu libc6-dev-riscv64-cross binutils-riscv64-linux-gnu \
  build-essential dpkg-dev bzip2 xz-utils

# fetch_source: `apt-get source busybox` once; the unpacked tree is kept and
# its version recorded. Delete $SRC to fetch a newer Debian revision.
fetch_source() {
  [ -f "$SRC/.rivet-version" ] && return 0
  if ! grep -qs '^Types:.*deb-src' "$SOURCES_LIST"; then
    log "busybox: adding a deb-src entry for bookworm ($SOURCES_LIST)"
    printf '%s\n' 'Types: deb-src' 'URIs: http://deb.debian.org/debian' \
      'Suites: bookworm' 'Components: main' \
      'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg' \
      | run_root tee "$SOURCES_LIST" >/dev/null
  fi
  run_root apt-get update -qq
  rm -rf "$SRC.tmp" "$SRC"
  mkdir -p "$SRC.tmp"
  log "busybox: apt-get source busybox"
  (cd "$SRC.tmp" && apt-get source -qq busybox >/dev/null 2>&1) \
    || die "busybox: apt-get source busybox failed (is a bookworm deb-src entry reachable?)"
  local tree version
  tree=$(find "$SRC.tmp" -mindepth 1 -maxdepth 1 -type d -name 'busybox-*' | head -n1)
  [ -n "$tree" ] || die "busybox: apt-get source left no busybox-* directory"
  version=$(cd "$tree" && dpkg-parsechangelog -S Version)
  mv "$tree" "$SRC"
  rm -rf "$SRC.tmp"
  printf '%s\n' "$version" >"$SRC/.rivet-version"
}

# apply_fragment CONFIG: replace each option of the fragment in CONFIG.
apply_fragment() {
  local config=$1 line sym
  while IFS= read -r line; do
    case $line in
      CONFIG_*=*) sym=${line%%=*} ;;
      "# CONFIG_"*" is not set") sym=${line#\# }; sym=${sym%% *} ;;
      *) continue ;;
    esac
    sed -i -e "/^$sym=/d" -e "/^# $sym is not set\$/d" "$config"
    printf '%s\n' "$line" >>"$config"
  done <"$FRAGMENT"
}

fetch_source
hash=$( { echo "busybox-source=$(cat "$SRC/.rivet-version")"
  pkg_versions gcc-riscv64-linux-gnu libc6-dev-riscv64-cross; } \
  | inputs_hash lib.sh build-busybox.sh busybox)
if up_to_date "$OUT" "$hash"; then
  log "busybox: up to date ($OUT)"
  exit 0
fi

obj=$GUEST_DIR/build/busybox
mkdir -p "$obj"
bmake=(make -C "$SRC" O="$obj" -s)
log "busybox: configuring (defconfig + ${FRAGMENT#"$ROMS_DIR"/})"
"${bmake[@]}" defconfig >/dev/null
apply_fragment "$obj/.config"
{ yes '' || true; } | "${bmake[@]}" oldconfig >/dev/null
check_config "$FRAGMENT" "$obj/.config" busybox

log "busybox: building static riscv64 busybox with -j$JOBS"
start=$SECONDS
"${bmake[@]}" -j"$JOBS" busybox busybox.links >"$obj/build.log" 2>&1 \
  || { tail -n 40 "$obj/build.log" >&2; die "busybox: build failed (log: $obj/build.log)"; }
# a static binary has no program interpreter (PT_INTERP)
if "${CROSS}readelf" -lW "$obj/busybox" | grep -q 'INTERP'; then
  die "busybox: $obj/busybox is not a static binary"
fi
cp "$obj/busybox" "$OUT.tmp"
cp "$obj/busybox.links" "$GUEST_DIR/busybox.links"
mv "$OUT.tmp" "$OUT"
mark_built "$OUT" "$hash"
log "busybox: built $OUT in $((SECONDS - start)) s"
