#!/usr/bin/env bash
# Builds the seed corpus of the decode+validate fuzzer from sources, so that no
# binary is ever committed:
#   - tests/fuzz/seeds/*.wat, assembled with wat2wasm (files named *invalid*.wat
#     are assembled with --no-check: they are meant to fail validation);
#   - when tests/spec/*.wast exist, every binary module wast2json extracts from them.
# Usage: scripts/fuzz-seeds.sh OUTDIR
set -euo pipefail
cd "$(dirname "$0")/.."

out=${1:?usage: $0 OUTDIR}
mkdir -p "$out"
command -v wat2wasm >/dev/null || { echo "fuzz-seeds: wat2wasm (wabt) is required" >&2; exit 1; }

count=0
for wat in tests/fuzz/seeds/*.wat; do
  name=$(basename "$wat" .wat)
  flags=(--debug-names)
  case "$name" in *invalid*) flags+=(--no-check) ;; esac
  wat2wasm "${flags[@]}" "$wat" -o "$out/seed-$name.wasm"
  count=$((count + 1))
done

# The spec testsuite is optional: it may not be checked out, and a .wast that this
# wabt cannot parse (a newer proposal) costs only its seeds, not the run.
shopt -s nullglob
wasts=(tests/spec/*.wast)
if [ ${#wasts[@]} -gt 0 ] && command -v wast2json >/dev/null; then
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  for wast in "${wasts[@]}"; do
    name=$(basename "$wast" .wast)
    mkdir -p "$tmp/$name"
    if ! wast2json "$wast" -o "$tmp/$name/$name.json" >/dev/null 2>&1; then
      echo "fuzz-seeds: skipping $wast (wast2json failed)" >&2
      continue
    fi
    for wasm in "$tmp/$name"/*.wasm; do
      cp "$wasm" "$out/spec-$(basename "$wasm")"
      count=$((count + 1))
    done
  done
fi
echo "fuzz-seeds: $count seeds in $out"
