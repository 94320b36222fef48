#!/usr/bin/env bash
# Tests of `runw wasm run --invoke NAME FILE [ARGS...]`, run by CTest:
#   run-cli-test.sh RUNW WORK_DIR
# RUNW is the runw binary; WORK_DIR is a scratch directory (created if needed) in
# which the fixtures are assembled from the text below with wat2wasm (from PATH, or
# $WAT2WASM), with --debug-names so that the modules carry a name section.
#
# The contract: results go to stdout one per line (i32/i64 as signed decimal, floats
# in the shortest text that reads back as the same value, v128 as 32 hex digits),
# and the exit status is 0. A trap exits 134 with "runw: trap: MESSAGE" and a
# backtrace naming the functions on stderr. Any other failure (arguments that do
# not parse or do not match the function, an unknown export, an import runw cannot
# provide, a file that cannot be read) exits 1 with a message on stderr and prints
# nothing on stdout.
set -euo pipefail

if [ $# -ne 2 ]; then
  echo "usage: $0 RUNW WORK_DIR" >&2
  exit 2
fi
runw=$1
work=$2
wat2wasm=${WAT2WASM:-wat2wasm}
mkdir -p "$work"
rm -f "$work"/*.wat "$work"/*.wasm "$work"/out "$work"/err
failures=0

fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}

# assemble NAME [FLAGS...]: NAME.wat (on stdin) -> NAME.wasm in the work dir.
assemble() {
  local name=$1
  shift
  cat >"$work/$name.wat"
  "$wat2wasm" "$@" "$work/$name.wat" -o "$work/$name.wasm"
}

# run ARGS...: runs `runw wasm run ARGS...`, leaving the exit status in $status and
# the output in $out and $err.
run() {
  status=0
  "$runw" wasm run "$@" >"$work/out" 2>"$work/err" || status=$?
  out=$(cat "$work/out")
  err=$(cat "$work/err")
}

# expect_output EXPECTED ARGS...: exit 0, stdout exactly EXPECTED, stderr empty.
expect_output() {
  local expected=$1
  shift
  run "$@"
  if [ "$status" -ne 0 ] || [ "$out" != "$expected" ] || [ -n "$err" ]; then
    fail "run $*: status $status, stdout '$out', stderr '$err'; expected stdout '$expected'"
  fi
}

# expect_error PATTERN ARGS...: exit 1, stdout empty, stderr matching the glob PATTERN.
expect_error() {
  local pattern=$1
  shift
  run "$@"
  [ "$status" -eq 1 ] || fail "run $*: exit status $status, expected 1 (stderr '$err')"
  [ -z "$out" ] || fail "run $*: unexpected stdout '$out'"
  # shellcheck disable=SC2053  # the pattern is a glob on purpose
  [[ "$err" == $pattern ]] || fail "run $*: stderr '$err' does not match '$pattern'"
}

# --- Fixtures -------------------------------------------------------------------------
assemble values --debug-names <<'EOF'
(module
  (func (export "neg") (param i32) (result i32) (i32.sub (i32.const 0) (local.get 0)))
  (func (export "id64") (param i64) (result i64) (local.get 0))
  (func (export "id32f") (param f32) (result f32) (local.get 0))
  (func (export "id64f") (param f64) (result f64) (local.get 0))
  (func (export "bits32") (param f32) (result i32) (i32.reinterpret_f32 (local.get 0)))
  (func (export "bits64") (param f64) (result i64) (i64.reinterpret_f64 (local.get 0)))
  (func (export "third32") (result f32) (f32.div (f32.const 1) (f32.const 3)))
  (func (export "third32-bits") (result i32)
    (i32.reinterpret_f32 (f32.div (f32.const 1) (f32.const 3))))
  (func (export "third64") (result f64) (f64.div (f64.const 1) (f64.const 3)))
  (func (export "third64-bits") (result i64)
    (i64.reinterpret_f64 (f64.div (f64.const 1) (f64.const 3))))
  (func (export "tiny32") (result f32) (f32.const 0x1p-149))
  (func (export "nan32") (result f32) (f32.const nan))
  (func (export "big64") (result f64) (f64.const 1e21))
  (func (export "multi") (param i32 i64 f32) (result i64 f32 i32 f64)
    (local.get 1) (local.get 2) (local.get 0) (f64.const -0.25))
  (func (export "nothing"))
  (func (export "vec") (result v128) (v128.const i32x4 1 2 3 0xfffffffe))
  (func (export "null") (result externref) (ref.null extern))
  (memory (export "memory") 1)
)
EOF

assemble trap --debug-names <<'EOF'
(module
  (func $divide (export "divide") (param i32 i32) (result i32)
    (i32.div_s (local.get 0) (local.get 1)))
  (func $average (export "average") (param i32 i32) (result i32)
    (call $divide (i32.add (local.get 0) (local.get 1)) (i32.const 0)))
)
EOF
# The same module without a name section: frames are named by index.
cp "$work/trap.wat" "$work/trap-nameless.wat"
"$wat2wasm" "$work/trap-nameless.wat" -o "$work/trap-nameless.wasm"

assemble start-trap --debug-names <<'EOF'
(module
  (func $setup (unreachable))
  (start $setup)
  (func (export "f") (result i32) (i32.const 1))
)
EOF

assemble import --debug-names <<'EOF'
(module
  (import "env" "host_log" (func $log (param i32)))
  (func (export "f") (result i32) (i32.const 1))
)
EOF

# --- Results of each type ---------------------------------------------------------------
# i32 results are printed signed, whatever sign the argument was written with.
v="$work/values.wasm"
expect_output "-5" --invoke neg "$v" 5
expect_output "7" --invoke neg "$v" -7
expect_output "-2147483648" --invoke neg "$v" -2147483648
expect_output "-2147483648" --invoke neg "$v" 2147483648
expect_output "1" --invoke neg "$v" 4294967295
expect_output "0" --invoke neg "$v" 0
# i64: the full range, an unsigned argument above 2^63 printed as negative.
expect_output "-9223372036854775808" --invoke id64 "$v" -9223372036854775808
expect_output "9223372036854775807" --invoke id64 "$v" 9223372036854775807
expect_output "-1" --invoke id64 "$v" 18446744073709551615
expect_output "4294967296" --invoke id64 "$v" 4294967296
# Floats: the shortest text that reads back exactly.
expect_output "0.1" --invoke id32f "$v" 0.1
expect_output "0.1" --invoke id64f "$v" 0.1
expect_output "16777216" --invoke id32f "$v" 16777217
expect_output "3.4028235e+38" --invoke id32f "$v" 3.4028235e38
expect_output "-0" --invoke id32f "$v" -0
expect_output "-inf" --invoke id64f "$v" -inf
expect_output "5e-324" --invoke id64f "$v" 5e-324
expect_output "0.33333334" --invoke third32 "$v"
expect_output "0.3333333333333333" --invoke third64 "$v"
expect_output "1e-45" --invoke tiny32 "$v"
expect_output "nan" --invoke nan32 "$v"
expect_output "1e+21" --invoke big64 "$v"
# Round trip: the printed text of a computed float, given back as an argument,
# has the same bits as the computed value.
run --invoke third32 "$v"
printed32=$out
run --invoke third32-bits "$v"
expected_bits32=$out
expect_output "$expected_bits32" --invoke bits32 "$v" "$printed32"
run --invoke third64 "$v"
printed64=$out
run --invoke third64-bits "$v"
expected_bits64=$out
expect_output "$expected_bits64" --invoke bits64 "$v" "$printed64"
[ "$expected_bits32" = "1051372203" ] || fail "1/3 as f32 has bits $expected_bits32"
# Several results, one per line in order; none prints nothing.
expect_output $'12345678901\n-1.5\n-3\n-0.25' --invoke multi "$v" -3 12345678901 -1.5
expect_output "" --invoke nothing "$v"
expect_output "0xfffffffe000000030000000200000001" --invoke vec "$v"
expect_output "null" --invoke null "$v"

# --- Arguments that do not fit the function -----------------------------------------
expect_error "*argument 1 *abc* not a valid i32*" --invoke neg "$v" abc
expect_error "*argument 1 *5x* not a valid i32*" --invoke neg "$v" 5x
expect_error "*argument 1 *4294967296* not a valid i32*" --invoke neg "$v" 4294967296
expect_error "*argument 1 *-2147483649* not a valid i32*" --invoke neg "$v" -2147483649
expect_error "*argument 1 *18446744073709551616* not a valid i64*" --invoke id64 "$v" 18446744073709551616
expect_error "*argument 1 *1e39* not a valid f32*" --invoke id32f "$v" 1e39
expect_error "*argument 1 *one* not a valid f64*" --invoke id64f "$v" one
expect_error "*argument 2 *x* not a valid i64*" --invoke multi "$v" 1 x 2
expect_error "*argument 3 *1.5.5* not a valid f32*" --invoke multi "$v" 1 2 1.5.5
expect_error "*neg*1*0 given*" --invoke neg "$v"
expect_error "*neg*1*2 given*" --invoke neg "$v" 1 2
expect_error "*nothing*0*1 given*" --invoke nothing "$v" 1

# --- Traps: exit 134, message and backtrace -------------------------------------------
run --invoke divide "$work/trap.wasm" 7 0
[ "$status" -eq 134 ] || fail "divide by zero: exit status $status, expected 134"
[ -z "$out" ] || fail "divide by zero: unexpected stdout '$out'"
[ "$(head -n 1 <<<"$err")" = "runw: trap: integer divide by zero" ] ||
  fail "divide by zero: stderr was '$err'"
grep -Eq '^ +0: divide$' <<<"$err" || fail "divide by zero: no frame naming divide in '$err'"

# Nested: innermost frame first, each named from the name section.
run --invoke average "$work/trap.wasm" 1 2
[ "$status" -eq 134 ] || fail "nested trap: exit status $status, expected 134"
[ "$(head -n 1 <<<"$err")" = "runw: trap: integer divide by zero" ] ||
  fail "nested trap: stderr was '$err'"
[ "$(grep -E '^ +[0-9]+: ' <<<"$err" | sed -E 's/^ +//')" = $'0: divide\n1: average' ] ||
  fail "nested trap: backtrace was '$err'"

run --invoke divide "$work/trap.wasm" -2147483648 -1
[ "$status" -eq 134 ] || fail "overflow: exit status $status, expected 134"
[ "$(head -n 1 <<<"$err")" = "runw: trap: integer overflow" ] || fail "overflow: stderr was '$err'"

# Without a name section the frames are still listed, by function index.
run --invoke average "$work/trap-nameless.wasm" 1 2
[ "$status" -eq 134 ] || fail "nameless trap: exit status $status, expected 134"
grep -Eq '^ +0: func\[0\]$' <<<"$err" || fail "nameless trap: backtrace was '$err'"

# A trap in the start function, before anything is invoked.
run --invoke f "$work/start-trap.wasm"
[ "$status" -eq 134 ] || fail "start trap: exit status $status, expected 134"
[ -z "$out" ] || fail "start trap: unexpected stdout '$out'"
[ "$(head -n 1 <<<"$err")" = "runw: trap: unreachable" ] || fail "start trap: stderr was '$err'"
grep -Eq '^ +0: setup$' <<<"$err" || fail "start trap: no frame naming setup in '$err'"

# --- Modules that cannot run ------------------------------------------------------------
expect_error "*no exported function*missing*" --invoke missing "$v"
expect_error "*no exported function*memory*" --invoke memory "$v"
expect_error "*env*host_log*" --invoke f "$work/import.wasm"
expect_error "runw: open $work/nope.wasm: no such file or directory" \
  --invoke f "$work/nope.wasm"
printf 'not wasm' >"$work/garbage.wasm"
expect_error "runw: $work/garbage.wasm:0x0: magic header not detected" --invoke f "$work/garbage.wasm"

if [ "$failures" -ne 0 ]; then
  echo "$failures check(s) failed" >&2
  exit 1
fi
echo "all checks passed"
