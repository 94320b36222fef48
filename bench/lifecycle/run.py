#!/usr/bin/env python3
"""Container lifecycle benchmark: create + start + wait + delete, the sequence
conmon and containerd's shim drive, timed per container.

runw runs a hello.wasm bundle; runc and crun (where they work on this host) run
an equivalent static native hello bundle; runw also runs the native bundle, for
reference. Every bundle gets the podman-shaped config.json that
tests/oci/make-bundle.py writes (namespaces, mounts, capabilities, seccomp).
With --podman, also times `podman run --rm` of the two images (built with buildah
into podman's local storage).

usage: sudo bench/lifecycle/run.py --runw PATH [--count N] [--podman]
"""
import argparse, ctypes, os, shutil, statistics, subprocess, sys, tempfile, time

here = os.path.dirname(os.path.abspath(__file__))
root_dir = os.path.abspath(os.path.join(here, "..", ".."))
make_bundle = os.path.join(root_dir, "tests", "oci", "make-bundle.py")
PR_SET_CHILD_SUBREAPER = 36
PODMAN_FLAGS = ["--cgroup-manager", "cgroupfs"]
PODMAN_RUN_FLAGS = ["--ulimit", "nofile=20000:20000", "--ulimit", "nproc=4096:4096"]


def one_lifecycle(runtime, state_root, bundle, cid, tmp):
    """create, start, reap the init, delete: returns seconds, or raises."""
    pid_file = os.path.join(tmp, cid + ".pid")
    t0 = time.perf_counter()
    with open(os.devnull, "w") as null:
        subprocess.run([runtime, "--root", state_root, "create", "--bundle", bundle,
                        "--pid-file", pid_file, cid], check=True, stdout=null,
                       stdin=subprocess.DEVNULL)
        pid = int(open(pid_file).read())
        subprocess.run([runtime, "--root", state_root, "start", cid], check=True)
        _, status = os.waitpid(pid, 0)
        subprocess.run([runtime, "--root", state_root, "delete", cid], check=True)
    elapsed = time.perf_counter() - t0
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{runtime}: container exited with {status}")
    return elapsed


def measure(name, runtime, bundle, count, tmp):
    state_root = os.path.join(tmp, "state-" + name)
    try:
        one_lifecycle(runtime, state_root, bundle, "warmup", tmp)
    except (subprocess.CalledProcessError, RuntimeError, OSError) as e:
        print(f"{name}: n/a ({e})", file=sys.stderr)
        return None
    times = [one_lifecycle(runtime, state_root, bundle, f"c{i}", tmp) for i in range(count)]
    return times


def podman_times(image, runtime, count):
    cmd = ["podman"] + PODMAN_FLAGS + ["--runtime", runtime, "run", "--rm"] + PODMAN_RUN_FLAGS + [image]
    subprocess.run(cmd, check=True, capture_output=True)  # warm-up
    times = []
    for _ in range(count):
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        times.append(time.perf_counter() - t0)
    return times


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runw", required=True)
    ap.add_argument("--count", type=int, default=30)
    ap.add_argument("--podman", action="store_true")
    a = ap.parse_args()
    if os.geteuid() != 0:
        print("run.py: containers need root", file=sys.stderr)
        return 2
    runw = os.path.abspath(a.runw)
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)

    tmp = tempfile.mkdtemp(prefix="runw-bench-")
    try:
        src = os.path.join(here, "hello.c")
        wasm = os.path.join(tmp, "hello.wasm")
        native = os.path.join(tmp, "hello")
        subprocess.run(["clang", "--target=wasm32-wasi", "-O2", "-s", src, "-o", wasm], check=True)
        subprocess.run(["cc", "-static", "-O2", "-s", src, "-o", native], check=True)
        wasm_bundle = os.path.join(tmp, "wasm-bundle")
        native_bundle = os.path.join(tmp, "native-bundle")
        subprocess.run([sys.executable, make_bundle, wasm_bundle, "--file", wasm + ":/hello.wasm",
                        "--args", "/hello.wasm"], check=True)
        subprocess.run([sys.executable, make_bundle, native_bundle, "--file", native + ":/hello",
                        "--args", "/hello"], check=True)

        rows = [("runw  hello.wasm", runw, wasm_bundle), ("runw  native hello", runw, native_bundle)]
        for peer in ("runc", "crun"):
            path = shutil.which(peer)
            if path:
                rows.append((f"{peer:<5} native hello", path, native_bundle))
        results = {}
        for name, runtime, bundle in rows:
            times = measure(name.split()[0] + "-" + str(len(results)), runtime, bundle, a.count, tmp)
            results[name] = times

        print(f"create+start+wait+delete, {a.count} containers each (ms)")
        print(f"{'':24}{'median':>9}{'mean':>9}{'min':>9}")
        for name, times in results.items():
            if times is None:
                print(f"{name:<24}{'n/a':>9}")
                continue
            print(f"{name:<24}{statistics.median(times) * 1000:9.1f}"
                  f"{statistics.mean(times) * 1000:9.1f}{min(times) * 1000:9.1f}")
        base = results.get("runc  native hello")
        mine = results.get("runw  hello.wasm")
        if base and mine:
            print(f"runw wasm / runc native (median): {statistics.median(mine) / statistics.median(base):.2f}")

        if a.podman:
            images = {}
            for kind, path, cmd in (("wasm", wasm, "hello.wasm"), ("native", native, "hello")):
                ctx = os.path.join(tmp, "ctx-" + kind)
                os.makedirs(ctx)
                shutil.copy(path, os.path.join(ctx, os.path.basename(path)))
                with open(os.path.join(ctx, "Dockerfile"), "w") as f:
                    f.write(f"FROM scratch\nADD {os.path.basename(path)} /\nCMD [\"/{cmd}\"]\n")
                tag = f"localhost/runw-bench-{kind}:latest"
                subprocess.run(["buildah", "bud", "-q", "-t", tag, ctx], check=True, capture_output=True)
                images[kind] = tag
            print(f"\npodman run --rm, {a.count} runs each (ms)")
            print(f"{'':24}{'median':>9}{'mean':>9}{'min':>9}")
            pod = {}
            for name, image, runtime in (("runw  wasm image", images["wasm"], runw),
                                         ("runw  native image", images["native"], runw),
                                         ("runc  native image", images["native"], shutil.which("runc"))):
                t = podman_times(image, runtime, a.count)
                pod[name] = t
                print(f"{name:<24}{statistics.median(t) * 1000:9.1f}"
                      f"{statistics.mean(t) * 1000:9.1f}{min(t) * 1000:9.1f}")
            print(f"runw wasm / runc native (median): "
                  f"{statistics.median(pod['runw  wasm image']) / statistics.median(pod['runc  native image']):.2f}")
            for image in images.values():
                subprocess.run(["podman", "rmi", "-f", image], capture_output=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
