# shellcheck shell=bash
# Helpers shared by the roms/ build scripts. Source it; do not run it.
#
# Caching protocol: every output OUT has a file OUT.inputs beside it holding a
# hash of everything it was built from (the scripts, the files in roms/ that
# feed it, and the versions of the Debian packages used). A step is rebuilt
# only when OUT is missing or the hash it would have now differs.

ROMS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
GUEST_DIR=${RIVET_GUEST_DIR:-${HOME:-/root}/.cache/rivet/guest}
JOBS=${RIVET_JOBS:-$(nproc 2>/dev/null || echo 2)}
CROSS=riscv64-linux-gnu-
export ROMS_DIR GUEST_DIR JOBS CROSS
mkdir -p "$GUEST_DIR"

log() { printf 'build-guest: %s\n' "$*" >&2; }
die() { printf 'build-guest: error: %s\n' "$*" >&2; exit 1; }

# run_root CMD...: run as root, through sudo when we are not root.
run_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# need_pkgs PKG...: install the Debian packages that are not installed yet.
need_pkgs() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing ${missing[*]}"
  run_root apt-get update -qq
  run_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

# pkg_versions PKG...: "name=version" lines, part of every input hash.
pkg_versions() {
  local p
  for p in "$@"; do
    printf '%s=%s\n' "$p" "$(dpkg-query -W -f='${Version}' "$p" 2>/dev/null || echo none)"
  done
}

# inputs_hash [PATH...]: one hash over the contents, names and modes of the
# given files and directory trees (paths relative to roms/, so the hash does
# not depend on where the checkout lives), plus whatever arrives on stdin
# (package versions, other steps' hashes).
inputs_hash() {
  (
    cd "$ROMS_DIR" || exit 1
    cat
    find "$@" \( -type f -o -type l \) -print | LC_ALL=C sort | while IFS= read -r f; do
      if [ -L "$f" ]; then
        printf 'link %s -> %s\n' "$f" "$(readlink "$f")"
      else
        printf 'file %s %s %s\n' "$f" "$(if [ -x "$f" ]; then echo x; else echo -; fi)" "$(sha256sum <"$f" | cut -d' ' -f1)"
      fi
    done
  ) | sha256sum | cut -d' ' -f1
}

# up_to_date OUT HASH: true when OUT exists and was built from HASH.
up_to_date() {
  [ -e "$1" ] && [ -f "$1.inputs" ] && [ "$(cat "$1.inputs")" = "$2" ]
}

# mark_built OUT HASH: record what OUT was built from (after OUT is complete).
mark_built() {
  printf '%s\n' "$2" >"$1.inputs"
}

# check_config FRAGMENT CONFIG WHAT: every option of the Kconfig fragment must
# have kept the value it asked for in CONFIG; name each one that Kconfig
# dropped or changed, then fail.
check_config() {
  local fragment=$1 config=$2 what=$3 line sym want got bad=0
  while IFS= read -r line; do
    case $line in
      CONFIG_*=*)
        sym=${line%%=*}
        want=${line#*=}
        got=$(grep -m1 "^$sym=" "$config" | cut -d= -f2- || true)
        if [ "$got" != "$want" ]; then
          printf 'build-guest: %s config: %s=%s requested, got %s\n' \
            "$what" "$sym" "$want" "${got:-not set}" >&2
          bad=1
        fi ;;
      "# CONFIG_"*" is not set")
        sym=${line#\# }
        sym=${sym%% *}
        if grep -q "^$sym=" "$config"; then
          printf 'build-guest: %s config: %s requested off, got %s\n' \
            "$what" "$sym" "$(grep -m1 "^$sym=" "$config")" >&2
          bad=1
        fi ;;
    esac
  done <"$fragment"
  [ "$bad" -eq 0 ] || die "$what config: Kconfig dropped options of $fragment (see above)"
}
