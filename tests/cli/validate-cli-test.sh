#!/usr/bin/env bash
# Tests of `runw wasm validate FILE`, run by CTest:
#   validate-cli-test.sh RUNW FIXTURE_DIR
# RUNW is the runw binary; FIXTURE_DIR holds the validator fixtures assembled at
# build time (valid/*.wasm, invalid/*.wasm).
#
# The contract: a valid module exits 0 and prints nothing; an invalid or malformed
# one exits 1 and prints exactly "FILE:0xOFFSET: message" on stderr; a file that
# cannot be read exits 1 with a message naming it. Exact offsets are checked on
# modules written here byte by byte, so they do not depend on how wat2wasm lays out
# its output.
set -u

if [ $# -ne 2 ]; then
  echo "usage: $0 RUNW FIXTURE_DIR" >&2
  exit 2
fi
runw=$1
fixtures=$2

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0

fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}

# run FILE: runs the validator on FILE, leaving the exit status in $status and the
# output in $out and $err.
run() {
  "$runw" wasm validate "$@" >"$tmp/out" 2>"$tmp/err"
  status=$?
  out=$(cat "$tmp/out")
  err=$(cat "$tmp/err")
}

# expect_error FILE EXPECTED_STDERR: exit 1, nothing on stdout, stderr exactly as given.
expect_error() {
  local file=$1 expected=$2
  run "$file"
  [ "$status" -eq 1 ] || fail "$file: exit status $status, expected 1"
  [ -z "$out" ] || fail "$file: unexpected stdout: $out"
  [ "$err" = "$expected" ] || fail "$file: stderr was '$err', expected '$expected'"
}

# write FILE BYTES...: writes the concatenated byte strings ('\xHH' escapes) to FILE.
write() {
  local file=$1
  shift
  printf '%b' "$@" >"$file"
}
header='\x00\x61\x73\x6d\x01\x00\x00\x00'

# --- Valid modules: exit 0, silent ----------------------------------------------------
count=0
for wasm in "$fixtures"/valid/*.wasm; do
  [ -e "$wasm" ] || continue
  count=$((count + 1))
  run "$wasm"
  [ "$status" -eq 0 ] || fail "$wasm: exit status $status, expected 0 (stderr: $err)"
  [ -z "$out$err" ] || fail "$wasm: a valid module must print nothing, got '$out$err'"
done
[ "$count" -gt 0 ] || fail "no valid fixtures in $fixtures/valid"

write "$tmp/empty-module.wasm" "$header"
run "$tmp/empty-module.wasm"
if [ "$status" -ne 0 ] || [ -n "$out$err" ]; then
  fail "header-only module: status $status, '$out$err'"
fi

# --- Malformed and invalid modules: exit 1, "FILE:0xOFFSET: message" -------------------
write "$tmp/bad-magic.wasm" '\x00\x61\x73\x6e\x01\x00\x00\x00'
expect_error "$tmp/bad-magic.wasm" "$tmp/bad-magic.wasm:0x0: magic header not detected"

: >"$tmp/empty.wasm"
expect_error "$tmp/empty.wasm" "$tmp/empty.wasm:0x0: unexpected end"

write "$tmp/version.wasm" '\x00\x61\x73\x6d\x02\x00\x00\x00'
expect_error "$tmp/version.wasm" "$tmp/version.wasm:0x4: unknown binary version"

# Type [] -> [i32] (8..14), one function (15..18), code (19..): the body is
# i64.const 0 (24-25), end (26): the end finds an i64 where an i32 is due.
write "$tmp/type-mismatch.wasm" "$header" '\x01\x05\x01\x60\x00\x01\x7f' '\x03\x02\x01\x00' \
  '\x0a\x06\x01\x04\x00\x42\x00\x0b'
expect_error "$tmp/type-mismatch.wasm" "$tmp/type-mismatch.wasm:0x1a: type mismatch"

# The same function reading global 1 (24-25) in a module without globals: the
# message carries the index.
write "$tmp/unknown-global.wasm" "$header" '\x01\x05\x01\x60\x00\x01\x7f' '\x03\x02\x01\x00' \
  '\x0a\x06\x01\x04\x00\x23\x01\x0b'
expect_error "$tmp/unknown-global.wasm" "$tmp/unknown-global.wasm:0x18: unknown global 1"

# A fixture from the validator tests: the same format, whatever the offset.
wasm="$fixtures/invalid/stack-operand-type.wasm"
run "$wasm"
[ "$status" -eq 1 ] || fail "$wasm: exit status $status, expected 1"
[[ "$err" =~ ^"$wasm":0x[0-9a-f]+": type mismatch"$ ]] || fail "$wasm: stderr was '$err'"

# Every invalid fixture is rejected with one line in that format.
for wasm in "$fixtures"/invalid/*.wasm; do
  [ -e "$wasm" ] || continue
  run "$wasm"
  [ "$status" -eq 1 ] || fail "$wasm: exit status $status, expected 1"
  [[ "$err" =~ ^"$wasm":0x[0-9a-f]+": "[a-z] ]] || fail "$wasm: stderr was '$err'"
  [ "$(printf '%s\n' "$err" | wc -l)" -eq 1 ] || fail "$wasm: expected one line, got '$err'"
done

# --- Files that cannot be read --------------------------------------------------------
missing="$tmp/does-not-exist.wasm"
run "$missing"
[ "$status" -eq 1 ] || fail "missing file: exit status $status, expected 1"
[ -z "$out" ] || fail "missing file: unexpected stdout: $out"
[[ "$err" == *"cannot open file"*"$missing"* ]] || fail "missing file: stderr was '$err'"
[[ "$err" == *"No such file or directory"* ]] || fail "missing file: no reason given: '$err'"

mkdir "$tmp/a-directory.wasm"
run "$tmp/a-directory.wasm"
[ "$status" -eq 1 ] || fail "directory: exit status $status, expected 1"
[[ "$err" == *"$tmp/a-directory.wasm"* ]] || fail "directory: stderr does not name it: '$err'"
[[ "$err" == *"Is a directory"* ]] || fail "directory: no reason given: '$err'"

# --- Usage -------------------------------------------------------------------------------
if "$runw" wasm validate >/dev/null 2>&1; then
  fail "validate without a file must fail"
fi

if [ "$failures" -ne 0 ]; then
  echo "$failures check(s) failed" >&2
  exit 1
fi
echo "all checks passed"
