#!/usr/bin/env bash
# runw under the real clients, the way a user following a tutorial drives them:
# build WASI programs from source, make `FROM scratch` images with buildah, push
# them to a docker-registry on loopback, remove them, pull them back, and run
# them with `podman --runtime runw` and with containerd's `ctr --runc-binary`.
#
# usage: clients-test.sh RUNW FIXTURES_DIR RUST_DEMO_DIR
# Needs root, podman, buildah, docker-registry, containerd and ctr; exits 77
# (skipped) when one is missing.
set -u
RUNW=$(readlink -f "$1")
FIXTURES=$(readlink -f "$2")
RUST_DEMO=${3:-}

if [ "$(id -u)" != 0 ]; then echo "skipped: needs root"; exit 77; fi
for tool in podman buildah docker-registry containerd ctr; do
  command -v $tool >/dev/null || { echo "skipped: $tool is not installed"; exit 77; }
done

WORK=$(mktemp -d /tmp/runw-clients.XXXXXX)
TAG=t$$
failures=0
REGISTRY_PID=
CONTAINERD_PID=

cleanup() {
  podman rm -af >/dev/null 2>&1
  podman rmi -f $(podman images -q --filter "reference=*/runw-*:$TAG") >/dev/null 2>&1
  buildah rm -a >/dev/null 2>&1
  [ -n "$REGISTRY_PID" ] && kill $REGISTRY_PID 2>/dev/null
  if [ -n "$CONTAINERD_PID" ]; then
    kill $CONTAINERD_PID 2>/dev/null
    wait $CONTAINERD_PID 2>/dev/null
    umount -R "$WORK/ctd" 2>/dev/null
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}
pass() { echo "ok: $*"; }

# expect_contains NAME TEXT NEEDLE
expect_contains() {
  if printf '%s' "$2" | grep -qF -- "$3"; then pass "$1"; else
    fail "$1: expected '$3' in:"
    printf '%s\n' "$2" | sed 's/^/    /' | head -40
  fi
}
expect_eq() {
  if [ "$2" = "$3" ]; then pass "$1"; else fail "$1: expected '$3', got '$2'"; fi
}

# This machine refuses rlimit raises, so podman must ask for no more than the
# hard limits its containers start with (see the contract, §7): the values
# known to work here, or less when this shell's own limits are lower.
NOFILE=$(ulimit -Hn)
NPROC=$(ulimit -Hu)
{ [ "$NPROC" = unlimited ] || [ "$NPROC" -gt 4096 ]; } && NPROC=4096
{ [ "$NOFILE" = unlimited ] || [ "$NOFILE" -gt 20000 ]; } && NOFILE=20000
PODMAN=(podman --cgroup-manager cgroupfs --runtime "$RUNW")
RUNFLAGS=(--ulimit "nofile=$NOFILE:$NOFILE" --ulimit "nproc=$NPROC:$NPROC")

# --- a registry on loopback ---------------------------------------------------------
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
REG=127.0.0.1:$PORT
cat > "$WORK/registry.yml" <<EOF
version: 0.1
storage:
  filesystem:
    rootdirectory: $WORK/registry
http:
  addr: $REG
log:
  level: error
EOF
docker-registry serve "$WORK/registry.yml" >"$WORK/registry.log" 2>&1 &
REGISTRY_PID=$!
for _ in $(seq 50); do
  curl -sf "http://$REG/v2/" >/dev/null 2>&1 && break
  python3 -c "import urllib.request; urllib.request.urlopen('http://$REG/v2/')" 2>/dev/null && break
  sleep 0.1
done

# --- images: build, push, remove, pull back ---------------------------------------
# make_image NAME FILE... -- CMD-JSON
make_image() {
  local name=$1; shift
  local ctx="$WORK/ctx-$name"
  mkdir -p "$ctx"
  { echo "FROM scratch"
    while [ "$1" != "--" ]; do cp "$1" "$ctx/"; echo "ADD $(basename "$1") ."; shift; done
    shift
    echo "CMD $1"
  } > "$ctx/Dockerfile"
  local ref="$REG/runw-$name:$TAG"
  buildah bud -q -t "$ref" "$ctx" >/dev/null || { fail "buildah bud $name"; return 1; }
  buildah push -q --tls-verify=false "$ref" >/dev/null || { fail "buildah push $name"; return 1; }
  podman rmi -f "$ref" >/dev/null || { fail "podman rmi $name"; return 1; }
  podman pull -q --tls-verify=false "$ref" >/dev/null || { fail "podman pull $name"; return 1; }
}
make_image hello "$FIXTURES/hello.wasm" -- '["hello.wasm"]'
make_image spin "$FIXTURES/spin.wasm" -- '["spin.wasm", "spinning"]'
make_image sleeper "$FIXTURES/sleeper" -- '["/sleeper", "0"]'
make_image pause "$FIXTURES/pause" -- '["/pause"]'
make_image tools "$FIXTURES/spin.wasm" "$FIXTURES/hello.wasm" "$FIXTURES/grow.wasm" \
  "$FIXTURES/sleeper" -- '["spin.wasm"]'
HAVE_RUST=0
if [ -z "$RUST_DEMO" ] || [ ! -f "$RUST_DEMO/build.sh" ]; then
  echo "note: no Rust demo at '$RUST_DEMO'; its image is not tested"
elif sh "$RUST_DEMO/build.sh" "$WORK/rust" >/dev/null 2>"$WORK/rust.log"; then
  make_image rust "$WORK/rust/rust-wasi-demo.wasm" -- '["rust-wasi-demo.wasm", "first"]'
  HAVE_RUST=1
else
  fail "building the Rust demo: $(tail -5 "$WORK/rust.log" 2>/dev/null)"
fi
IMG=$REG/runw

# --- podman ---------------------------------------------------------------------------
out=$("${PODMAN[@]}" run --rm "${RUNFLAGS[@]}" -e GREETING=podman "$IMG-hello:$TAG" hello.wasm one exit=5 2>&1)
code=$?
expect_eq "podman run: exit code passes through" "$code" 5
expect_contains "podman run: argv" "$out" "arg[0]=hello.wasm"
expect_contains "podman run: argv[1]" "$out" "arg[1]=one"
expect_contains "podman run: env" "$out" "GREETING=podman"
expect_contains "podman run: file written and read back" "$out" "read back: written inside the container"
expect_contains "podman run: file deleted" "$out" "deleted /runw-demo.txt"

"${PODMAN[@]}" run -d --name "logs-$TAG" "${RUNFLAGS[@]}" "$IMG-hello:$TAG" >/dev/null
code=$("${PODMAN[@]}" wait "logs-$TAG")
expect_eq "podman wait: exit code" "$code" 0
logs=$("${PODMAN[@]}" logs "logs-$TAG" 2>&1)
expect_contains "podman logs: stdout" "$logs" "arg[0]=hello.wasm"
expect_contains "podman logs: stderr" "$logs" "hello on stderr"
"${PODMAN[@]}" rm "logs-$TAG" >/dev/null

if [ "$HAVE_RUST" = 1 ]; then
  out=$("${PODMAN[@]}" run --rm "${RUNFLAGS[@]}" -e DEMO=rust "$IMG-rust:$TAG" 2>&1)
  expect_eq "podman run rust demo: exit code" "$?" 0
  expect_contains "rust demo: random" "$out" "Random number: "
  expect_contains "rust demo: env" "$out" "env DEMO=rust"
  expect_contains "rust demo: args" "$out" "arg[1] first"
  expect_contains "rust demo: file" "$out" "File content: written inside the sandbox"
  expect_contains "rust demo: deleted" "$out" "Exists after delete: false"
fi

# A module that loops forever: stop ends it at once with 143, kill with 137.
"${PODMAN[@]}" run -d --name "spin-$TAG" "${RUNFLAGS[@]}" "$IMG-spin:$TAG" >/dev/null
for _ in $(seq 50); do
  "${PODMAN[@]}" logs "spin-$TAG" 2>/dev/null | grep -q spinning && break
  sleep 0.1
done
start=$(date +%s%N)
"${PODMAN[@]}" stop -t 10 "spin-$TAG" >/dev/null
elapsed_ms=$(( ($(date +%s%N) - start) / 1000000 ))
code=$("${PODMAN[@]}" inspect -f '{{.State.ExitCode}}' "spin-$TAG")
expect_eq "podman stop: exit 143" "$code" 143
if [ "$elapsed_ms" -lt 1000 ]; then pass "podman stop took ${elapsed_ms} ms"; else
  fail "podman stop took ${elapsed_ms} ms (want well under a second)"; fi
"${PODMAN[@]}" rm "spin-$TAG" >/dev/null

"${PODMAN[@]}" run -d --name "spin2-$TAG" "${RUNFLAGS[@]}" "$IMG-spin:$TAG" >/dev/null
sleep 0.3
"${PODMAN[@]}" kill "spin2-$TAG" >/dev/null
code=$("${PODMAN[@]}" wait "spin2-$TAG")
expect_eq "podman kill: exit 137" "$code" 137
"${PODMAN[@]}" rm "spin2-$TAG" >/dev/null

out=$("${PODMAN[@]}" run --rm "${RUNFLAGS[@]}" "$IMG-hello:$TAG" nope.wasm 2>&1)
code=$?
[ "$code" != 0 ] && pass "podman run of a missing module fails ($code)" || fail "missing module: exit 0"
expect_contains "missing module: runw's message" "$out" 'exec: "nope.wasm": executable file not found in $PATH'

# An invalid module: podman run fails with the decoder's message, at create.
printf '\0asm\1\0\0\0\1' >"$WORK/truncated.wasm"
make_image bad "$WORK/truncated.wasm" -- '["truncated.wasm"]'
out=$("${PODMAN[@]}" run --rm "${RUNFLAGS[@]}" "$IMG-bad:$TAG" 2>&1)
code=$?
[ "$code" != 0 ] && pass "podman run of an invalid module fails ($code)" || fail "invalid module: exit 0"
expect_contains "invalid module: runw's message" "$out" "truncated.wasm:0x9: unexpected end"

# A native static binary and a pause program through the same runtime.
out=$("${PODMAN[@]}" run --rm "${RUNFLAGS[@]}" "$IMG-sleeper:$TAG" 2>&1)
expect_eq "podman run native: exit 7" "$?" 7
expect_contains "podman run native: output" "$out" "sleeper: pid 1,"
"${PODMAN[@]}" run -d --name "pause-$TAG" "${RUNFLAGS[@]}" "$IMG-pause:$TAG" >/dev/null
sleep 0.3
"${PODMAN[@]}" stop -t 5 "pause-$TAG" >/dev/null
code=$("${PODMAN[@]}" inspect -f '{{.State.ExitCode}}' "pause-$TAG")
expect_eq "pause container stops cleanly" "$code" 0
"${PODMAN[@]}" rm "pause-$TAG" >/dev/null

# With -t the workload's stdio is a terminal: its newlines come back as CRLF.
out=$("${PODMAN[@]}" run --rm -t "${RUNFLAGS[@]}" "$IMG-hello:$TAG" 2>&1 </dev/null)
expect_contains "podman run -t: output through the pty" "$out" "arg[0]=hello.wasm"
if printf '%s' "$out" | grep -q $'\r'; then pass "podman run -t: a real terminal (CRLF)"; else
  fail "podman run -t: no CR in the output, not a terminal"; fi

# --- resources, exec, pause, update, top (podman) ----------------------------------
# cgroup_dir CONTROLLER CONTAINER: the container's cgroup directory for CONTROLLER.
cgroup_dir() {
  local pid rel
  pid=$("${PODMAN[@]}" inspect -f '{{.State.Pid}}' "$2")
  rel=$(awk -F: -v c="$1" '{n=split($2, a, ","); for (i=1;i<=n;i++) if (a[i]==c) print $3}' \
    "/proc/$pid/cgroup")
  echo "/sys/fs/cgroup/$1$rel"
}

out=$("${PODMAN[@]}" run --rm "${RUNFLAGS[@]}" --memory 64m "$IMG-tools:$TAG" grow.wasm 2>&1)
code=$?
expect_eq "podman --memory 64m: the module fails on its own (trap), not OOM-killed" "$code" 134
expect_contains "podman --memory: malloc failed inside the module" "$out" "before malloc failed"
expect_contains "podman --memory: the limit is named" "$out" \
  "the memory limit allows 768 pages (48 MiB) of linear memory"

"${PODMAN[@]}" run -d --name "res-$TAG" "${RUNFLAGS[@]}" --cpus 0.5 --pids-limit 10 \
  "$IMG-tools:$TAG" >/dev/null
sleep 1.5
pids_dir=$(cgroup_dir pids "res-$TAG")
expect_eq "podman --pids-limit: pids.max" "$(cat "$pids_dir/pids.max" 2>&1)" 10
cpu_dir=$(cgroup_dir cpu "res-$TAG")
expect_eq "podman --cpus 0.5: quota" "$(cat "$cpu_dir/cpu.cfs_quota_us" 2>&1)" 50000
throttled=$(awk '$1 == "nr_throttled" {print $2}' "$cpu_dir/cpu.stat" 2>/dev/null)
if [ "${throttled:-0}" -gt 0 ]; then pass "podman --cpus 0.5: the busy module is throttled ($throttled periods)"
else fail "podman --cpus 0.5: no throttling seen (cpu.stat: $(cat "$cpu_dir/cpu.stat" 2>&1))"; fi

out=$("${PODMAN[@]}" exec "res-$TAG" hello.wasm from-exec exit=3 2>&1)
expect_eq "podman exec of a wasm module: exit code" "$?" 3
expect_contains "podman exec of a wasm module: output" "$out" "arg[1]=from-exec"
out=$("${PODMAN[@]}" exec "res-$TAG" /sleeper 0 2>&1)
expect_eq "podman exec of a native binary: exit code" "$?" 7
expect_contains "podman exec of a native binary: in the pid namespace" "$out" "sleeper: pid "

"${PODMAN[@]}" pause "res-$TAG" >/dev/null
expect_eq "podman pause" "$("${PODMAN[@]}" inspect -f '{{.State.Status}}' "res-$TAG")" paused
"${PODMAN[@]}" unpause "res-$TAG" >/dev/null
expect_eq "podman unpause" "$("${PODMAN[@]}" inspect -f '{{.State.Status}}' "res-$TAG")" running

"${PODMAN[@]}" update --memory 100m "res-$TAG" >/dev/null 2>"$WORK/update.err" ||
  fail "podman update --memory: $(cat "$WORK/update.err")"
mem_dir=$(cgroup_dir memory "res-$TAG")
expect_eq "podman update --memory: the new limit" "$(cat "$mem_dir/memory.limit_in_bytes")" 104857600

out=$("${PODMAN[@]}" top "res-$TAG" 2>&1)
expect_eq "podman top: exit code" "$?" 0
expect_contains "podman top: the container's process" "$out" "PID"
"${PODMAN[@]}" rm -f "res-$TAG" >/dev/null

# --- containerd -----------------------------------------------------------------------
mkdir -p "$WORK/ctd"
cat > "$WORK/ctd/config.toml" <<EOF
version = 2
root = "$WORK/ctd/root"
state = "$WORK/ctd/state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "$WORK/ctd/containerd.sock"
[ttrpc]
  address = "$WORK/ctd/containerd.sock.ttrpc"
EOF
containerd --config "$WORK/ctd/config.toml" >"$WORK/ctd/log" 2>&1 &
CONTAINERD_PID=$!
CTR=(ctr --address "$WORK/ctd/containerd.sock")
for _ in $(seq 100); do "${CTR[@]}" version >/dev/null 2>&1 && break; sleep 0.1; done
buildah push -q "$IMG-hello:$TAG" "oci-archive:$WORK/hello.tar:runw-hello:$TAG" >/dev/null &&
  "${CTR[@]}" images import "$WORK/hello.tar" >/dev/null || fail "ctr images import"
buildah push -q "$IMG-tools:$TAG" "oci-archive:$WORK/tools.tar:runw-tools:$TAG" >/dev/null &&
  "${CTR[@]}" images import "$WORK/tools.tar" >/dev/null || fail "ctr images import tools"
ref=$("${CTR[@]}" images ls -q | grep "runw-hello:$TAG" | head -1)
out=$("${CTR[@]}" run --rm --runc-binary "$RUNW" --runc-root "$WORK/ctd/runw-root" \
      --env GREETING=ctr "$ref" "hello-$TAG" hello.wasm from-ctr exit=9 2>&1)
code=$?
expect_eq "ctr run --rm: exit code" "$code" 9
expect_contains "ctr run: argv" "$out" "arg[1]=from-ctr"
expect_contains "ctr run: env" "$out" "GREETING=ctr"
# A long-running task: exec, ps, pause/resume and metrics through the shim.
tref=$("${CTR[@]}" images ls -q | grep "runw-tools:$TAG" | head -1)
if [ -n "$tref" ]; then
  "${CTR[@]}" run -d --runc-binary "$RUNW" --runc-root "$WORK/ctd/runw-root" "$tref" "task-$TAG" \
    >/dev/null 2>"$WORK/ctr-run.err" || fail "ctr run -d: $(cat "$WORK/ctr-run.err")"
  sleep 0.5
  out=$("${CTR[@]}" task exec --exec-id probe "task-$TAG" hello.wasm from-ctr-exec 2>&1)
  expect_contains "ctr task exec of a wasm module" "$out" "arg[1]=from-ctr-exec"
  out=$("${CTR[@]}" task ps "task-$TAG" 2>&1)
  expect_contains "ctr task ps" "$out" "PID"
  "${CTR[@]}" task pause "task-$TAG" && expect_eq "ctr task pause" \
    "$("${CTR[@]}" task ls | awk -v t="task-$TAG" '$1 == t {print $3}')" PAUSED
  "${CTR[@]}" task resume "task-$TAG" && expect_eq "ctr task resume" \
    "$("${CTR[@]}" task ls | awk -v t="task-$TAG" '$1 == t {print $3}')" RUNNING
  out=$("${CTR[@]}" task metrics "task-$TAG" 2>&1)
  expect_contains "ctr task metrics" "$out" "memory"
  "${CTR[@]}" task kill -s KILL "task-$TAG" >/dev/null 2>&1
  sleep 0.5
  "${CTR[@]}" task delete "task-$TAG" >/dev/null 2>&1
  "${CTR[@]}" container delete "task-$TAG" >/dev/null 2>&1
fi
left=$(ls "$WORK/ctd/runw-root/default" 2>/dev/null)
expect_eq "ctr leaves no runw state" "$left" ""

echo "$failures failure(s)"
[ "$failures" = 0 ]
