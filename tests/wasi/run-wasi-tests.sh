#!/usr/bin/env bash
# WASI preview 1 tests: builds the C programs in programs/ with
# `clang --target=wasm32-wasi` at test time and runs them under `runw wasm run`,
# checking their output, their errno values and the exit status.
#
# usage: run-wasi-tests.sh RUNW [CLANG]
set -u
RUNW=$1
CLANG=${2:-clang}
HERE=$(cd "$(dirname "$0")" && pwd)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
failures=0
if [ ! -x "$RUNW" ]; then
  echo "FAIL: no runw at $RUNW"
  exit 1
fi

fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}

# expect_line NAME FILE LINE: FILE holds LINE exactly.
expect_line() {
  if ! grep -qxF -- "$3" "$2"; then
    fail "$1: expected line '$3' in:"
    sed 's/^/    /' "$2"
  fi
}

# expect_status NAME GOT WANT
expect_status() {
  [ "$2" -eq "$3" ] || fail "$1: exit status $2, expected $3"
}

for src in "$HERE"/programs/*.c; do
  stem=$(basename "$src" .c)
  if ! "$CLANG" --target=wasm32-wasi -O1 -Wall "$src" -o "$WORK/$stem.wasm"; then
    fail "cannot compile $stem.c"
  fi
done

# --- hello: stdout, stderr, exit status from proc_exit -----------------------------
"$RUNW" wasm run "$WORK/hello.wasm" >"$WORK/out" 2>"$WORK/err"
expect_status hello $? 0
expect_line hello "$WORK/out" "hello, world"
expect_line hello "$WORK/err" "to stderr"
"$RUNW" wasm run "$WORK/hello.wasm" 42 >/dev/null 2>&1
expect_status hello-exit-42 $? 42

# --- args and environment ------------------------------------------------------------
"$RUNW" wasm run --env FOO=bar --env EMPTY= "$WORK/args-env.wasm" one "two words" --dir \
  >"$WORK/out" 2>&1
expect_status args-env $? 0
expect_line args-env "$WORK/out" "argc=4"
expect_line args-env "$WORK/out" "argv[0]=$WORK/args-env.wasm"
expect_line args-env "$WORK/out" "argv[1]=one"
expect_line args-env "$WORK/out" "argv[2]=two words"
expect_line args-env "$WORK/out" "argv[3]=--dir"
expect_line args-env "$WORK/out" "env FOO=bar"
expect_line args-env "$WORK/out" "env EMPTY="
expect_line args-env "$WORK/out" "FOO=bar"
[ "$(grep -c '^env ' "$WORK/out")" -eq 2 ] || fail "args-env: environment not exactly --env"
RUNW_WASI_TEST_VAR=inherited "$RUNW" wasm run --inherit-env "$WORK/args-env.wasm" >"$WORK/out" 2>&1
expect_line args-env-inherit "$WORK/out" "env RUNW_WASI_TEST_VAR=inherited"

# --- files inside a preopen --------------------------------------------------------
mkdir "$WORK/sandbox"
"$RUNW" wasm run --dir "$WORK/sandbox::/sandbox" "$WORK/files.wasm" >"$WORK/out" 2>&1
expect_status files $? 0
expect_line files "$WORK/out" "read: first line"
expect_line files "$WORK/out" "after seek: line"
expect_line files "$WORK/out" "pread: second"
expect_line files "$WORK/out" "size after rename: 30 regular=1"
expect_line files "$WORK/out" "readlink: b.txt"
expect_line files "$WORK/out" "listing: ../ ./ b.txt link@ sub/"
expect_line files "$WORK/out" "files ok"
[ -z "$(ls -A "$WORK/sandbox")" ] || fail "files: sandbox not left empty"

# --- stdin, and a listing longer than one fd_readdir buffer -------------------------
mkdir "$WORK/big"
echo "some input" | "$RUNW" wasm run --dir "$WORK/big::/big" "$WORK/stdin-bigdir.wasm" \
  >"$WORK/out" 2>&1
expect_status stdin-bigdir $? 0
expect_line stdin-bigdir "$WORK/out" "stdin: 11 some input"
expect_line stdin-bigdir "$WORK/out" "entries: 400"

# --- clocks, poll_oneoff, random -----------------------------------------------------
"$RUNW" wasm run "$WORK/clock-random.wasm" >"$WORK/out" 2>&1
expect_status clock-random $? 0
expect_line clock-random "$WORK/out" "realtime after 2020: 1"
expect_line clock-random "$WORK/out" "monotonic res positive: 1"
expect_line clock-random "$WORK/out" "cputime ok: 1"
expect_line clock-random "$WORK/out" "slept at least 20ms: 1"
expect_line clock-random "$WORK/out" "random differs: 1 mostly nonzero: 1"

# --- sandbox escapes: errno values are WASI's (notcapable 76, noent 44, loop 32,
# fault 21, badf 8; a preopened directory lacks the fd_allocate right) ---------------------------------------------------------
mkdir -p "$WORK/jail/inside"
echo hi >"$WORK/jail/ok.txt"
echo secret >"$WORK/x"
ln -s /etc "$WORK/jail/to-etc"
ln -s .. "$WORK/jail/to-parent"
ln -s loop "$WORK/jail/loop"
"$RUNW" wasm run --dir "$WORK/jail" "$WORK/sandbox.wasm" >"$WORK/out" 2>&1
expect_status sandbox $? 0
expect_line sandbox "$WORK/out" "open ../x: 76"
expect_line sandbox "$WORK/out" "open /etc/passwd: 76"
expect_line sandbox "$WORK/out" "open to-etc/passwd: 76"
expect_line sandbox "$WORK/out" "open to-parent/x: 76"
expect_line sandbox "$WORK/out" "open loop: 32"
expect_line sandbox "$WORK/out" "open inside/../../x: 76"
expect_line sandbox "$WORK/out" "open ok.txt: 0"
expect_line sandbox "$WORK/out" "stat to-etc: 76"
expect_line sandbox "$WORK/out" "mkdir ../y: 76"
expect_line sandbox "$WORK/out" "unlink ../x: 76"
expect_line sandbox "$WORK/out" "rename ok.txt ../z: 76"
expect_line sandbox "$WORK/out" "symlink via to-parent: 76"
expect_line sandbox "$WORK/out" "bad iovec: 21"
expect_line sandbox "$WORK/out" "bad result ptr: 21"
expect_line sandbox "$WORK/out" "fd_allocate: 76"
expect_line sandbox "$WORK/out" "bad fd: 8"
[ -e "$WORK/x" ] && [ ! -e "$WORK/y" ] && [ ! -e "$WORK/z" ] && [ -e "$WORK/jail/ok.txt" ] ||
  fail "sandbox: files outside the preopen changed"

# --- symlink chains and magic links ---------------------------------------------------
ln -s c2 "$WORK/jail/c1"
ln -s c3 "$WORK/jail/c2"
ln -s ../x "$WORK/jail/c3"
ln -s inside/../ok.txt "$WORK/jail/c4"
"$RUNW" wasm run --dir "$WORK/jail::/" "$WORK/open-paths.wasm" /c1 /c4 >"$WORK/out" 2>&1
expect_status chains $? 0
expect_line chains "$WORK/out" "/c1: 76"
expect_line chains "$WORK/out" "/c4: 0"
# /proc's magic links (self/root, self/cwd, fd/N) would jump to any file system
# object; RESOLVE_NO_MAGICLINKS refuses them (loop, 32) even under a /proc preopen.
"$RUNW" wasm run --dir "/proc::/proc" "$WORK/open-paths.wasm" /proc/self/root/etc/passwd \
  /proc/self/cwd /proc/self/fd/0 /proc/self/status >"$WORK/out" 2>&1
expect_status magic-links $? 0
expect_line magic-links "$WORK/out" "/proc/self/root/etc/passwd: 32"
expect_line magic-links "$WORK/out" "/proc/self/cwd: 32"
expect_line magic-links "$WORK/out" "/proc/self/fd/0: 32"
expect_line magic-links "$WORK/out" "/proc/self/status: 0"

# --- a rename racing path resolution: while the guest opens a/b/../../secret over and
# over, the host moves a/b out of the preopen and back. Resolving `..` after the move
# would reach the outside file; the kernel's RESOLVE_BENEATH walk must refuse it.
mkdir -p "$WORK/race/jail/a/b" "$WORK/race/x/y"
echo inside >"$WORK/race/jail/secret"
echo outside >"$WORK/race/x/secret"
"$RUNW" wasm run --dir "$WORK/race/jail::/" "$WORK/race.wasm" /a/b/../../secret 1500 \
  >"$WORK/out" 2>&1 &
guest=$!
python3 - "$WORK/race" "$guest" <<'PY'
import os, sys
root, guest = sys.argv[1], int(sys.argv[2])
moves = 0
while True:
    try:
        os.kill(guest, 0)
    except ProcessLookupError:
        break
    os.rename(root + "/jail/a/b", root + "/x/y/b")
    os.rename(root + "/x/y/b", root + "/jail/a/b")
    moves += 1
if moves < 100:
    print(f"race: only {moves} renames happened during the run")
    sys.exit(1)
PY
[ $? -eq 0 ] || fail "race: the host side did not rename often enough to race"
wait "$guest"
expect_status race $? 0
expect_line race "$WORK/out" "outside: 0"
expect_line race "$WORK/out" "inside or failed: 1"
expect_line race "$WORK/out" "some inside: 1"

# --- every preview-1 import binds; the calls libc seldom makes behave per witx ------
# (inval 28, notcapable 76, badf 8, notsock 57)
mkdir "$WORK/ai"
"$RUNW" wasm run --dir "$WORK/ai::/d" "$WORK/all-imports.wasm" >"$WORK/out" 2>&1
expect_status all-imports $? 0
cat >"$WORK/expected" <<'OUT'
__wasi_path_open(3, 0, "f", __WASI_OFLAGS_CREAT, all, all, 0, &f): 0
__wasi_fd_advise(f, 0, 0, __WASI_ADVICE_SEQUENTIAL): 0
__wasi_fd_advise(f, 0, 0, 99): 28
__wasi_fd_allocate(f, 0, 100): 0
size after allocate: 100
__wasi_fd_filestat_set_size(f, 10): 0
size after set_size: 10
__wasi_fd_filestat_set_times(f, 5000000000ull, 6000000000ull, __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_MTIM): 0
times: 5000000000 6000000000
__wasi_fd_filestat_set_times(f, 1, 0, __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_ATIM_NOW): 28
__wasi_path_filestat_set_times(3, 0, "f", 0, 7000000000ull, __WASI_FSTFLAGS_MTIM): 0
mtime: 7000000000
__wasi_fd_seek(f, 3, __WASI_WHENCE_SET, &pos): 0
__wasi_fd_tell(f, &pos): 0
tell: 3
__wasi_fd_sync(f): 0
__wasi_fd_datasync(f): 0
__wasi_fd_fdstat_set_flags(f, __WASI_FDFLAGS_APPEND): 0
append flag: 1
__wasi_path_link(3, 0, "f", 3, "g"): 0
nlink: 2
__wasi_path_link(3, 0, "f", 3, "../escape"): 76
__wasi_path_open(3, 0, "g", 0, all, all, 0, &g): 0
__wasi_fd_renumber(f, g): 0
__wasi_fd_close(f): 8
__wasi_fd_fdstat_set_rights(g, __WASI_RIGHTS_FD_READ, 0): 0
__wasi_fd_write(g, &ciov_one, 1, &n): 76
__wasi_fd_fdstat_set_rights(g, all, 0): 76
__wasi_sock_accept(g, 0, &fd): 57
__wasi_sock_recv(g, 0, 0, 0, &n, &ro): 57
__wasi_sock_send(g, 0, 0, 0, &n): 57
__wasi_sock_shutdown(g, __WASI_SDFLAGS_RD): 57
__wasi_sock_shutdown(99, __WASI_SDFLAGS_RD): 8
OUT
if ! diff -u "$WORK/expected" "$WORK/out" >"$WORK/diff"; then
  fail "all-imports: output differs:"
  sed 's/^/    /' "$WORK/diff"
fi
[ "$(ls "$WORK/ai")" = "$(printf 'f\ng')" ] || fail "all-imports: expected files f and g in the scratch dir"

# --- sockets: a listening socket handed in with --tcplisten (fd 3) -------------------
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$RUNW" wasm run --tcplisten "127.0.0.1:$port" "$WORK/echo-server.wasm" >"$WORK/out" 2>&1 &
server=$!
reply=$(python3 - "$port" <<'PY'
import socket, sys, time
for _ in range(100):
    try:
        c = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
        break
    except OSError:
        time.sleep(0.05)
c.sendall(b"hello sockets\n")
data = b""
while True:
    chunk = c.recv(100)
    if not chunk:
        break
    data += chunk
print(data.decode(), end="")
PY
)
wait $server
expect_status echo-server $? 0
[ "$reply" = "ECHO: HELLO SOCKETS" ] || fail "echo-server: client got '$reply'"
expect_line echo-server "$WORK/out" "poll: 0"
expect_line echo-server "$WORK/out" "event: 1 42 1"
expect_line echo-server "$WORK/out" "accept: 0"
expect_line echo-server "$WORK/out" "recv: 0"
expect_line echo-server "$WORK/out" "send: 0 1"
expect_line echo-server "$WORK/out" "shutdown: 0"
expect_line echo-server "$WORK/out" "close: 0"
expect_line echo-server "$WORK/out" "accept on a file: 57"
"$RUNW" wasm run --tcplisten "not-an-address" "$WORK/echo-server.wasm" >"$WORK/out" 2>&1
expect_status tcplisten-bad $? 1
expect_line tcplisten-bad "$WORK/out" 'runw: --tcplisten `not-an-address`: expected HOST:PORT'

# --- proc_raise and sched_yield ---------------------------------------------------------
"$RUNW" wasm run "$WORK/raise.wasm" >"$WORK/out" 2>&1
expect_status raise-none $? 0
expect_line raise "$WORK/out" "yield: 0"
expect_line raise "$WORK/out" "raise 0: 28"
expect_line raise "$WORK/out" "raise 99: 28"
expect_line raise "$WORK/out" "raise chld: 0"
expect_line raise "$WORK/out" "raise winch: 0"
expect_line raise "$WORK/out" "still running"
"$RUNW" wasm run "$WORK/raise.wasm" term >"$WORK/out" 2>&1
expect_status raise-term $? 143
grep -q "still running" "$WORK/out" && fail "raise-term: the guest kept running"
"$RUNW" wasm run "$WORK/raise.wasm" usr1 >"$WORK/out" 2>&1
expect_status raise-usr1 $? 138

# --- traps -----------------------------------------------------------------------------
"$RUNW" wasm run "$WORK/trap.wasm" >"$WORK/out" 2>"$WORK/err"
expect_status trap $? 134
expect_line trap "$WORK/out" "before trap"
expect_line trap "$WORK/err" "runw: trap: unreachable"

# --- imports that cannot be resolved ---------------------------------------------------
if command -v wat2wasm >/dev/null; then
  cat >"$WORK/unknown.wat" <<'WAT'
(module (import "wasi_snapshot_preview1" "no_such_call" (func)) (func (export "_start")))
WAT
  cat >"$WORK/badsig.wat" <<'WAT'
(module (import "wasi_snapshot_preview1" "fd_write" (func (param i32) (result i32)))
        (memory (export "memory") 1) (func (export "_start")))
WAT
  cat >"$WORK/othermod.wat" <<'WAT'
(module (import "env" "f" (func)) (func (export "_start")))
WAT
  for m in unknown badsig othermod; do
    wat2wasm "$WORK/$m.wat" -o "$WORK/$m.wasm" || fail "wat2wasm $m"
    "$RUNW" wasm run "$WORK/$m.wasm" >"$WORK/out" 2>&1
    expect_status "import-$m" $? 1
  done
  "$RUNW" wasm run "$WORK/unknown.wasm" 2>&1 | grep -q 'no_such_call' || fail "unknown import not named"
  "$RUNW" wasm run "$WORK/badsig.wasm" 2>&1 | grep -q 'incompatible import type' ||
    fail "bad signature not reported"
fi

if [ "$failures" -ne 0 ]; then
  echo "$failures failure(s)"
  exit 1
fi
echo "all WASI tests passed"
