#!/usr/bin/env bash
# The README's first command: install dependencies, build runw (release), run the
# engine on the bundled example module, then run the bundled WASI program as an
# OCI container with `runw run` on a bundle prepared here.
set -euo pipefail
cd "$(dirname "$0")/.."
sudo=""
if [ "$(id -u)" != 0 ]; then sudo=sudo; fi
bash scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release
runw=build/release/src/cli/runw
mkdir -p build/examples

echo "== the engine =="
wat2wasm examples/hello.wat -o build/examples/hello.wasm
echo "+ runw wasm validate build/examples/hello.wasm"
$runw wasm validate build/examples/hello.wasm
echo "hello.wasm is a valid WebAssembly 2.0 module"
echo "+ runw wasm run --invoke sum build/examples/hello.wasm 100"
$runw wasm run --invoke sum build/examples/hello.wasm 100
echo "+ runw wasm run --invoke splat_sum build/examples/hello.wasm 41"
$runw wasm run --invoke splat_sum build/examples/hello.wasm 41

echo "== a WASI program as an OCI container =="
bundle=build/examples/bundle
rm -rf "$bundle"
mkdir -p "$bundle/rootfs"
clang --target=wasm32-wasi -O2 examples/hello-wasi.c -o "$bundle/rootfs/hello.wasm"
# runw spec writes runc's default config.json; point it at the module, without
# a terminal, with a writable root.
(cd "$bundle" && "$OLDPWD/$runw" spec)
python3 - "$bundle/config.json" <<'PY'
import json, sys
path = sys.argv[1]
spec = json.load(open(path))
spec["process"]["terminal"] = False
spec["process"]["args"] = ["hello.wasm", "from", "runw run"]
spec["process"]["env"].append("WHO=the README demo")
spec["root"]["readonly"] = False
json.dump(spec, open(path, "w"), indent=2)
PY
echo "+ runw run --bundle $bundle demo"
$sudo "$runw" run --bundle "$bundle" "runw-demo-$$"
