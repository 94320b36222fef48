#!/usr/bin/env python3
"""WASI call-cost benchmark: runw against node's WASI and native, in one run.

Builds wasi-calls.c for wasm32-wasi (clang + wasi-libc) and natively, runs each
workload under every engine (best of --repeat wall-clock runs, whole process),
checks that all engines print the same checksum, and prints times in ms with
each engine's ratio to native and runw's ratio to node.

usage: bench/wasi/run.py --runw PATH [--repeat N] [--no-node] [--out DIR]
"""
import argparse, math, os, shutil, subprocess, sys, tempfile, time

WORKLOADS = ["write-small", "file-small", "file-large", "open-close", "stat"]
here = os.path.dirname(os.path.abspath(__file__))


def run(argv, cwd=None):
    start = time.perf_counter()
    r = subprocess.run(argv, capture_output=True, text=True, cwd=cwd)
    elapsed = time.perf_counter() - start
    if r.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)}: exit {r.returncode}: {r.stderr.strip()}")
    return elapsed, r.stdout.strip()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runw", required=True)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--no-node", action="store_true")
    ap.add_argument("--out", default=os.path.join(here, "..", "..", "build", "bench-wasi"))
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    src = os.path.join(here, "wasi-calls.c")
    wasm = os.path.join(a.out, "wasi-calls.wasm")
    native = os.path.join(a.out, "wasi-calls.native")
    subprocess.run([os.environ.get("CLANG", "clang"), "--target=wasm32-wasi", "-O2", src, "-o", wasm], check=True)
    subprocess.run([os.environ.get("CC", "cc"), "-O2", src, "-o", native], check=True)
    node = None if a.no_node else shutil.which(os.environ.get("NODE", "node"))

    engines = {"native": lambda w, d: [native, w, d],
               "runw": lambda w, d: [a.runw, "wasm", "run", "--dir", f"{d}::/data", wasm, w, "/data"]}
    if node:
        engines["node"] = lambda w, d: [node, "--no-warnings", os.path.join(here, "node-wasi.mjs"), wasm, d, w, "/data"]

    results = {}
    for w in WORKLOADS:
        sums = {}
        for name, argv in engines.items():
            best = math.inf
            for _ in range(a.repeat):
                with tempfile.TemporaryDirectory() as d:
                    t, out = run(argv(w, d))
                best = min(best, t)
                sums[name] = out
            results[(w, name)] = best
        if len(set(sums.values())) != 1:
            print(f"checksum mismatch in {w}: {sums}", file=sys.stderr)
            return 1

    names = list(engines)
    header = f"{'workload':<12}" + "".join(f"{n:>18}" for n in names) + ("   runw/node" if node else "")
    print(header)
    logs = {n: [] for n in names}
    for w in WORKLOADS:
        base = results[(w, "native")]
        row = f"{w:<12}"
        for n in names:
            t = results[(w, n)]
            logs[n].append(math.log(t / base))
            row += f"{t * 1000:9.1f} ms {t / base:5.1f}x"
        if node:
            row += f"{results[(w, 'runw')] / results[(w, 'node')]:11.2f}"
        print(row)
    row = f"{'geomean':<12}" + "".join(f"{'':9} {math.exp(sum(v) / len(v)):5.1f}x" for v in logs.values())
    if node:
        row += f"{math.exp((sum(logs['runw']) - sum(logs['node'])) / len(WORKLOADS)):11.2f}"
    print(row)
    return 0


if __name__ == "__main__":
    sys.exit(main())
