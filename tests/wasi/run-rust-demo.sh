#!/usr/bin/env bash
# Builds the Rust WASI demo (../shared/fixtures/rust-wasi-demo) with Debian's Rust
# toolchain and runs it under `runw wasm run`: randomness, environment, arguments
# and a file written, read back and deleted inside a preopened root.
# Usage: run-rust-demo.sh RUNW DEMO_DIR
set -uo pipefail
RUNW=$1
DEMO=$2
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
failures=0
fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}

if ! wasm=$(sh "$DEMO/build.sh" "$WORK/out" | tail -n 1) || [ ! -f "$wasm" ]; then
  echo "FAIL: the Rust demo did not build"
  exit 1
fi
mkdir "$WORK/root"
"$RUNW" wasm run --dir "$WORK/root::/" --env GREETING=hi --env EMPTY= "$wasm" one "two words" \
  >"$WORK/out.txt" 2>"$WORK/err.txt"
status=$?
[ "$status" -eq 0 ] || fail "exit status $status; stderr: $(cat "$WORK/err.txt")"

expect() {
  grep -qxF -- "$1" "$WORK/out.txt" || fail "expected line '$1'"
}
expect "Test 1: random i32"
expect "Echo: a line from main"
expect "env EMPTY="
expect "env GREETING=hi"
expect "arg[0] $wasm"
expect "arg[1] one"
expect "arg[2] two words"
expect "File content: written inside the sandbox"
expect "Exists after delete: false"
# Exactly the two variables given: nothing of runw's own environment leaks in.
[ "$(grep -c '^env ' "$WORK/out.txt")" -eq 2 ] || fail "unexpected environment variables"
grep -Eq '^Random number: -?[0-9]+$' "$WORK/out.txt" || fail "no random number line"
# 32 random bytes that are not all zero.
bytes=$(sed -n 's/^Random bytes: \[\(.*\)\]$/\1/p' "$WORK/out.txt")
[ "$(echo "$bytes" | tr ',' '\n' | grep -c .)" -eq 32 ] || fail "expected 32 random bytes: $bytes"
[ -n "$(echo "$bytes" | tr -d ' ,0')" ] || fail "random bytes are all zero"
[ -z "$(ls -A "$WORK/root")" ] || fail "the root is not left empty"
# Two runs draw different numbers.
"$RUNW" wasm run --dir "$WORK/root::/" "$wasm" >"$WORK/out2.txt" 2>&1
[ "$(grep '^Random bytes' "$WORK/out.txt")" != "$(grep '^Random bytes' "$WORK/out2.txt")" ] ||
  fail "two runs drew the same random bytes"

if [ "$failures" -ne 0 ]; then
  sed 's/^/    /' "$WORK/out.txt"
  exit 1
fi
echo "rust demo: ok"
