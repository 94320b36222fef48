#!/usr/bin/env bash
# The README's first command: install dependencies, build runw (release), and run
# it on the bundled example module: validate it, then call two of its exports.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release
mkdir -p build/examples
wat2wasm examples/hello.wat -o build/examples/hello.wasm
echo "+ runw wasm validate build/examples/hello.wasm"
build/release/src/cli/runw wasm validate build/examples/hello.wasm
echo "hello.wasm is a valid WebAssembly 2.0 module"
echo "+ runw wasm run --invoke sum build/examples/hello.wasm 100"
build/release/src/cli/runw wasm run --invoke sum build/examples/hello.wasm 100
echo "+ runw wasm run --invoke splat_sum build/examples/hello.wasm 41"
build/release/src/cli/runw wasm run --invoke splat_sum build/examples/hello.wasm 41
