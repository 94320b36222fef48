#!/usr/bin/env bash
# Installs every Debian package that building and testing runw needs.
# Debian 12 (bookworm) is the reference system; clang-19 comes from bookworm-updates.
set -euo pipefail

packages=(
  # toolchain
  build-essential g++ cmake ninja-build pkg-config git
  clang-19 lld-19 llvm-19 libclang-rt-19-dev libfuzzer-19-dev clang-format-19
  # libraries
  libgtest-dev libgmock-dev libbenchmark-dev nlohmann-json3-dev libcli11-dev
  # wasm fixtures: wat2wasm / wast2json, and C/Rust toolchains targeting wasm32-wasi
  wabt clang lld wasi-libc libclang-rt-14-dev-wasm32
  rustc cargo libstd-rust-dev-wasm32 librust-rand-dev
  # the OCI runtime: seccomp, capabilities, and sd-bus for --systemd-cgroup
  libseccomp-dev libcap-dev libsystemd-dev
  # real clients and peers for the OCI tests and benchmarks
  podman conmon buildah skopeo containerd docker-registry runc crun
  iproute2 procps util-linux nodejs python3 curl
  # a private bus and a mock systemd for the --systemd-cgroup tests
  dbus python3-dbusmock
)

sudo=""
if [ "$(id -u)" != 0 ]; then sudo=sudo; fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
echo "install-deps: ${#packages[@]} packages present"
