#!/usr/bin/env python3
"""Timing harness for bench/run.sh: runs each program under each engine, keeps
the best wall-clock time of N runs (process start included), checks every
checksum against native, and prints the table.  Run it through run.sh, which
builds the programs first."""

import argparse
import json
import math
import os
import re
import subprocess
import sys
import time

TIMEOUT_S = 300
# An integer that is a whole token: not part of "i32", "0x1f" or "1.5".
INT_TOKEN = re.compile(r"(?<![\w.])-?\d+(?![\w.])")


def parse_checksum(text):
    """Last integer token in text, as an unsigned 32-bit value, or None."""
    found = INT_TOKEN.findall(text)
    if not found:
        return None
    return int(found[-1]) & 0xFFFFFFFF


class Engine:
    def __init__(self, name, command, optional=False):
        self.name = name
        self.command = command  # function: program path stem -> argv
        self.optional = optional  # failures print n/a instead of failing the run


def run_once(argv):
    start = time.perf_counter()
    try:
        proc = subprocess.run(argv, capture_output=True, text=True, timeout=TIMEOUT_S)
    except subprocess.TimeoutExpired:
        return None, None, f"timed out after {TIMEOUT_S}s"
    except OSError as e:
        return None, None, str(e)
    elapsed = (time.perf_counter() - start) * 1000.0
    if proc.returncode != 0:
        detail = (proc.stderr or proc.stdout).strip().splitlines()
        return None, None, f"exit {proc.returncode}: " + (detail[0] if detail else "no output")
    checksum = parse_checksum(proc.stdout)
    if checksum is None:
        checksum = parse_checksum(proc.stderr)
    if checksum is None:
        return None, None, "no checksum in output"
    return elapsed, checksum, None


def geomean(values):
    values = [v for v in values if v is not None]
    if not values:
        return None
    return math.exp(sum(math.log(v) for v in values) / len(values))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", required=True)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--node")
    ap.add_argument("--node-script")
    ap.add_argument("--wasm3")
    ap.add_argument("--runw")
    ap.add_argument("--json")
    ap.add_argument("programs", nargs="+")
    args = ap.parse_args()
    # `empty` first: it is the startup baseline the other rows are read against.
    args.programs.sort(key=lambda p: (p != "empty", p))

    def path(prog, ext):
        return os.path.join(args.dir, prog + ext)

    engines = [Engine("native", lambda p: [path(p, ".native")])]
    if args.node:
        engines.append(Engine("node", lambda p: [args.node, args.node_script, path(p, ".wasm")]))
    if args.wasm3:
        engines.append(Engine("wasm3", lambda p: [args.wasm3, "--func", "run", path(p, ".wasm")]))
    if args.runw:
        engines.append(
            Engine(
                "runw",
                lambda p: [args.runw, "wasm", "run", "--invoke", "run", path(p, ".wasm")],
                optional=True,
            )
        )

    times = {}  # (program, engine) -> best ms, or None for n/a
    notes = {}  # (engine, status, error) -> [programs]
    labels = {}  # (program, engine) -> what to print instead of a time
    failed = False

    for prog in args.programs:
        expected = None
        for eng in engines:
            best = None
            error = None
            for _ in range(args.repeat):
                ms, checksum, error = run_once(eng.command(prog))
                if error is not None:
                    break
                if eng.name == "native":
                    if expected is None:
                        expected = checksum
                    elif checksum != expected:
                        error = f"native checksum changed between runs: {checksum} != {expected}"
                        break
                elif checksum != expected:
                    error = f"checksum mismatch: {checksum} (native {expected})"
                    break
                best = ms if best is None else min(best, ms)
            if error is not None:
                best = None
                mismatch = error.startswith("checksum mismatch")
                status = "n/a" if eng.optional and not mismatch else "FAILED"
                failed = failed or status == "FAILED"
                notes.setdefault((eng.name, status, error), []).append(prog)
                labels[(prog, eng.name)] = "MISMATCH" if mismatch else status
                if eng.name == "native":
                    break  # nothing to compare the others against
            times[(prog, eng.name)] = best
        shown = ", ".join(
            f"{e.name} {times[(prog, e.name)]:.1f}" if times.get((prog, e.name)) is not None
            else f"{e.name} n/a" for e in engines)
        print(f"  {prog}: {shown} ms (checksum {expected})", file=sys.stderr)

    names = [e.name for e in engines]
    has_pair = "wasm3" in names and "runw" in names
    compute = [p for p in args.programs if p != "empty"]

    def ratio(prog, name):
        t, n = times.get((prog, name)), times.get((prog, "native"))
        return t / n if t is not None and n else None

    def pair(prog):
        r, w = times.get((prog, "runw")), times.get((prog, "wasm3"))
        return r / w if r is not None and w else None

    def cell(ms, r, label="n/a"):
        if ms is None:
            return label
        return f"{ms:.1f}" if r is None else f"{ms:.1f} ({r:.1f}x)"

    header = ["program"] + [f"{n} ms" if n == "native" else f"{n} ms (x native)" for n in names]
    if has_pair:
        header.append("runw/wasm3")
    rows = []
    for prog in args.programs:
        row = [prog]
        for n in names:
            row.append(cell(times.get((prog, n)), None if n == "native" else ratio(prog, n),
                            labels.get((prog, n), "n/a")))
        if has_pair:
            p = pair(prog)
            row.append("n/a" if p is None else f"{p:.2f}")
        rows.append(row)

    def summary_row(label, value_of):
        row = [label]
        for n in names:
            vals = [value_of(p, n) for p in compute]
            ms = geomean(vals)
            rs = None
            if n != "native":
                natives = [value_of(p, "native") for p in compute]
                rs = geomean([v / b for v, b in zip(vals, natives) if v is not None and b])
            text = cell(ms, rs)
            missing = sum(v is None for v in vals)
            if missing and ms is not None:
                text += f" [{len(vals) - missing}/{len(vals)}]"
            row.append(text)
        if has_pair:
            ps = [value_of(p, "runw") / value_of(p, "wasm3") for p in compute
                  if value_of(p, "runw") is not None and value_of(p, "wasm3")]
            g = geomean(ps)
            row.append("n/a" if g is None else f"{g:.2f}")
        return row

    rows.append(summary_row("geomean", lambda p, n: times.get((p, n))))
    if "empty" in args.programs:
        # Same, with each engine's startup (its `empty` time) subtracted.  Where
        # startup is over 90% of the time the difference is mostly noise: leave
        # that program out (the cell then shows [k/n]).
        def minus_startup(p, n):
            t, e = times.get((p, n)), times.get(("empty", n))
            if t is None or e is None or t - e < 0.1 * t:
                return None
            return t - e

        rows.append(summary_row("geomean-startup", minus_startup))

    widths = [max(len(r[i]) for r in [header] + rows) for i in range(len(header))]

    def fmt(r):
        return "  ".join(c.ljust(widths[0]) if i == 0 else c.rjust(widths[i])
                         for i, c in enumerate(r))

    print(f"best of {args.repeat} wall-clock runs, process start included; "
          f"`empty` = startup cost, excluded from geomeans")
    print(fmt(header))
    print("  ".join("-" * w for w in widths))
    for r in rows[:len(args.programs)]:
        print(fmt(r))
    print("  ".join("-" * w for w in widths))
    for r in rows[len(args.programs):]:
        print(fmt(r))
    for (name, status, error), progs in notes.items():
        which = "all programs" if len(progs) == len(args.programs) else ", ".join(progs)
        print(f"note: {name} {status} on {which}: {error}")

    if args.json:
        with open(args.json, "w") as f:
            json.dump({"repeat": args.repeat, "engines": names,
                       "ms": {p: {n: times.get((p, n)) for n in names} for p in args.programs}},
                      f, indent=2)
            f.write("\n")

    if failed:
        print("FAILED: see the notes above", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
