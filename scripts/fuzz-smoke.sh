#!/usr/bin/env bash
# Bounded fuzzing of decode + validate, as CI runs it:
#   1. configures and builds the `fuzz` preset (clang-19, libFuzzer, ASan + UBSan);
#   2. regenerates the seed corpus into build/fuzz/corpus (scripts/fuzz-seeds.sh);
#   3. runs decode-validate-fuzz for SECONDS (default 60) on one worker, then the
#      config.json fuzzer (config-fuzz) for half as long, seeded from
#      tests/fuzz/config-seeds, then the fused-versus-plain interpreter check
#      (interp-diff-fuzz) for half as long on a copy of the module corpus.
# Exits non-zero on any crash, broken invariant, leak, timeout or out-of-memory;
# the reproducer is left in build/fuzz/artifacts/. The corpus directory keeps what
# the fuzzer discovers, so local runs build on earlier ones (it is never committed).
# Usage: scripts/fuzz-smoke.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-60}
werror=${RUNW_WERROR:-OFF}
build=build/fuzz
fuzzer=$build/tests/fuzz/decode-validate-fuzz

cmake --preset fuzz -DRUNW_WERROR="$werror" >/dev/null
cmake --build --preset fuzz --target decode-validate-fuzz config-fuzz interp-diff-fuzz

bash scripts/fuzz-seeds.sh "$build/corpus"
rm -rf "$build/artifacts"
mkdir -p "$build/artifacts"

# -max_len bounds a module at 64 KiB: large enough for every section and deep
# nesting, small enough to keep executions fast. -timeout and -rss_limit_mb turn
# hangs and runaway allocation into failures instead of slow runs.
status=0
"$fuzzer" "$build/corpus" \
  -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
  -print_final_stats=1 -artifact_prefix="$build/artifacts/" || status=$?

mkdir -p "$build/config-corpus"
cp tests/fuzz/config-seeds/*.json "$build/config-corpus/"
"$build/tests/fuzz/config-fuzz" "$build/config-corpus" \
  -max_total_time="$(((seconds + 1) / 2))" -max_len=16384 -timeout=10 -rss_limit_mb=2048 \
  -print_final_stats=1 -artifact_prefix="$build/artifacts/" || status=$?

# A copy: this fuzzer's discoveries are modules that run, not decoder edge cases.
rm -rf "$build/diff-corpus"
cp -r "$build/corpus" "$build/diff-corpus"
"$build/tests/fuzz/interp-diff-fuzz" "$build/diff-corpus" \
  -max_total_time="$(((seconds + 1) / 2))" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
  -print_final_stats=1 -artifact_prefix="$build/artifacts/" || status=$?

# libFuzzer exits non-zero on every kind of finding; also check for artifacts so that
# a finding is never lost to an exit code that a wrapper swallowed.
shopt -s nullglob
findings=("$build"/artifacts/*)
if [ "$status" -ne 0 ] || [ ${#findings[@]} -gt 0 ]; then
  echo "fuzz-smoke: FAILED (exit $status); reproducers:" >&2
  for f in "${findings[@]}"; do echo "  $f" >&2; done
  echo "reproduce with: $fuzzer <file>" >&2
  exit 1
fi
echo "fuzz-smoke: no findings in ${seconds}s"
