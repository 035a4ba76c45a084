#!/bin/sh
# Every C file of the repository is as clang-format 14 lays it out with the
# top-level .clang-format (aligned tables sit between /* clang-format off */
# and /* clang-format on */). Fix a failure with:
#   git ls-files '*.c' '*.h' | xargs clang-format-14 -i
#
# usage: format.sh SOURCE_DIR
set -eu
cd "$1"
command -v clang-format-14 >/dev/null || { echo "clang-format-14 missing (scripts/install-deps installs it)"; exit 1; }
if [ -d .git ] || git rev-parse --git-dir >/dev/null 2>&1; then
    files=$(git ls-files '*.c' '*.h')
else
    files=$(find . -path ./build\* -prune -o \( -name '*.c' -o -name '*.h' \) -print)
fi
# shellcheck disable=SC2086
clang-format-14 --style=file --dry-run --Werror $files
echo "format: $(echo "$files" | wc -l) files as .clang-format lays them out"
