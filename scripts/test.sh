#!/usr/bin/env bash
# The README's test command: builds and runs the whole suite twice, as CI does:
#   1. release build with g++ 12: unit, spec-runner and CLI tests;
#   2. debug build with clang-19, AddressSanitizer and UBSan: the same tests except
#      the OCI end-to-end ones (label `oci`), which drive the real binary through
#      namespaces and clients and gain nothing from the sanitizers but time.
# RUNW_WERROR=ON (set by CI) turns warnings into errors.
set -euo pipefail
cd "$(dirname "$0")/.."
werror=${RUNW_WERROR:-OFF}
status=0
for preset in release asan; do
  echo "=== $preset build ==="
  cmake --preset "$preset" -DRUNW_WERROR="$werror" >/dev/null
  cmake --build --preset "$preset"
  echo "=== $preset tests ==="
  exclude=()
  [ "$preset" = asan ] && exclude=(-LE oci)
  ctest --preset "$preset" -j"$(nproc)" "${exclude[@]}" || status=1
done
exit $status
