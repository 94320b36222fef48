#!/usr/bin/env bash
# Compute benchmark suite: builds every program in bench/programs/ natively and
# to wasm32, runs each under native / node / wasm3 / runw, checks that all
# checksums agree with native, and prints a timing table.  See bench/README.md.
set -euo pipefail

usage() {
    cat <<'EOF'
usage: bench/run.sh [options]
  --wasm3 PATH    also run wasm3 (PATH --func run X.wasm)
  --runw PATH     also run runw (PATH wasm run --invoke run X.wasm); n/a where it fails
  --repeat N      best of N wall-clock runs per engine and program (default 3)
  --only LIST     comma-separated program names (default: all; `empty` always runs)
  --no-node       skip node even if it is installed
  --out DIR       build directory (default: build/bench in the repository)
  --json FILE     also write the raw results as JSON
environment: CC (native compiler, default cc), CLANG (wasm compiler, default clang),
             NODE (default node)
EOF
}

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)

wasm3=""
runw=""
repeat=3
only=""
use_node=1
out="$root/build/bench"
json=""

while [[ $# -gt 0 ]]; do
    case "$1" in
    --wasm3) wasm3=${2:?--wasm3 needs a path}; shift 2 ;;
    --runw) runw=${2:?--runw needs a path}; shift 2 ;;
    --repeat) repeat=${2:?--repeat needs a number}; shift 2 ;;
    --only) only=${2:?--only needs a list}; shift 2 ;;
    --no-node) use_node=0; shift ;;
    --out) out=${2:?--out needs a directory}; shift 2 ;;
    --json) json=${2:?--json needs a file}; shift 2 ;;
    -h | --help) usage; exit 0 ;;
    *) echo "run.sh: unknown argument: $1" >&2; usage >&2; exit 2 ;;
    esac
done

if ! [[ "$repeat" =~ ^[1-9][0-9]*$ ]]; then
    echo "run.sh: --repeat must be a positive integer" >&2
    exit 2
fi
for engine in "$wasm3" "$runw"; do
    if [[ -n "$engine" && ! -x "$engine" ]]; then
        echo "run.sh: not an executable: $engine" >&2
        exit 2
    fi
done

CC=${CC:-cc}
CLANG=${CLANG:-clang}
NODE=${NODE:-node}

# Programs: every bench/programs/*.c, or the --only selection (plus empty).
programs=()
if [[ -z "$only" ]]; then
    for src in "$here"/programs/*.c; do
        programs+=("$(basename "$src" .c)")
    done
else
    programs+=(empty)
    IFS=, read -r -a selected <<<"$only"
    for name in "${selected[@]}"; do
        [[ "$name" == empty ]] && continue
        if [[ ! -f "$here/programs/$name.c" ]]; then
            echo "run.sh: no such program: $name" >&2
            exit 2
        fi
        programs+=("$name")
    done
fi

mkdir -p "$out"
echo "building ${#programs[@]} programs into $out" >&2
warn_flags=(-Wall -Wextra)
for name in "${programs[@]}"; do
    src="$here/programs/$name.c"
    "$CLANG" --target=wasm32 -O2 "${warn_flags[@]}" -nostdlib -Wl,--no-entry -Wl,--export=run \
        -o "$out/$name.wasm" "$src"
    "$CC" -O2 "${warn_flags[@]}" -o "$out/$name.native" "$src" "$here/native-main.c" -lm
done

args=(--dir "$out" --repeat "$repeat")
if [[ $use_node -eq 1 ]]; then
    if command -v "$NODE" >/dev/null 2>&1; then
        args+=(--node "$(command -v "$NODE")" --node-script "$here/node-run.mjs")
    else
        echo "run.sh: $NODE not found; skipping node" >&2
    fi
fi
[[ -n "$wasm3" ]] && args+=(--wasm3 "$wasm3")
[[ -n "$runw" ]] && args+=(--runw "$runw")
[[ -n "$json" ]] && args+=(--json "$json")

exec python3 "$here/harness.py" "${args[@]}" "${programs[@]}"
