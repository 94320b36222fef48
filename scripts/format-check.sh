#!/usr/bin/env bash
# Fails when a tracked C++ file is not clang-formatted (clang-format-19).
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(git ls-files '*.cc' '*.h')
[ ${#files[@]} -eq 0 ] && exit 0
clang-format-19 --dry-run -Werror "${files[@]}"
echo "format-check: ${#files[@]} files clean"
