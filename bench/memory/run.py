#!/usr/bin/env python3
"""Memory of idle containers: N idle wasm containers under runw (a module blocked
in poll_oneoff) beside N idle native ones (the same program built statically)
under runc and under runw, all with the podman-shaped config of
tests/oci/make-bundle.py. For each container it sums, over the processes of its
cgroup, RSS and PSS (/proc/PID/smaps_rollup: shared pages divided among their
users, the fair per-container cost), and reports the mean per container and how
many such containers fit in 1 GiB by PSS.

usage: sudo bench/memory/run.py --runw PATH [--count N]
"""
import argparse, ctypes, os, shutil, statistics, subprocess, sys, tempfile, time

here = os.path.dirname(os.path.abspath(__file__))
make_bundle = os.path.join(here, "..", "..", "tests", "oci", "make-bundle.py")
PR_SET_CHILD_SUBREAPER = 36


def rollup(pid):
    values = {}
    try:
        with open("/proc/%d/smaps_rollup" % pid) as f:
            for line in f:
                parts = line.split()
                if len(parts) >= 2 and parts[0] in ("Rss:", "Pss:"):
                    values[parts[0][:-1]] = int(parts[1])
    except OSError:
        pass
    return values.get("Rss", 0), values.get("Pss", 0)


def cgroup_pids(cgroup):
    path = "/sys/fs/cgroup/pids" + cgroup + "/cgroup.procs"
    with open(path) as f:
        return [int(x) for x in f.read().split()]


def measure(name, runtime, bundle_src, count, tmp):
    root = os.path.join(tmp, "state-" + name)
    ids, rss, pss = [], [], []
    try:
        for i in range(count):
            cid = "%s%d" % (name, i)
            bundle = os.path.join(tmp, "b-" + cid)
            shutil.copytree(bundle_src, bundle, symlinks=True)
            cfg_path = os.path.join(bundle, "config.json")
            with open(cfg_path) as f:
                text = f.read()
            cgroup = "/runw-membench/%s" % cid
            text = text.replace('"cgroupsPath": "/runw-membench/x"', '"cgroupsPath": "%s"' % cgroup)
            with open(cfg_path, "w") as f:
                f.write(text)
            with open(os.devnull, "w") as null:
                subprocess.run([runtime, "--root", root, "run", "-d", "--bundle", bundle, cid],
                               check=True, stdout=null, stderr=null, stdin=subprocess.DEVNULL)
            ids.append(cid)
        time.sleep(1.0)  # let them settle into their idle wait
        for cid in ids:
            r = p = 0
            for pid in cgroup_pids("/runw-membench/%s" % cid):
                a, b = rollup(pid)
                r += a
                p += b
            rss.append(r / 1024)
            pss.append(p / 1024)
    finally:
        for cid in ids:
            subprocess.run([runtime, "--root", root, "delete", "--force", cid],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return rss, pss


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runw", required=True)
    ap.add_argument("--count", type=int, default=10)
    a = ap.parse_args()
    if os.geteuid() != 0:
        print("run.py: containers need root", file=sys.stderr)
        return 2
    ctypes.CDLL(None).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    runw = os.path.abspath(a.runw)
    tmp = tempfile.mkdtemp(prefix="runw-membench-")
    try:
        src = os.path.join(here, "idle.c")
        wasm, native = os.path.join(tmp, "idle.wasm"), os.path.join(tmp, "idle")
        subprocess.run(["clang", "--target=wasm32-wasi", "-O2", "-s", src, "-o", wasm], check=True)
        subprocess.run(["cc", "-static", "-O2", "-s", src, "-o", native], check=True)
        bundles = {}
        for kind, path, dest in (("wasm", wasm, "/idle.wasm"), ("native", native, "/idle")):
            b = os.path.join(tmp, "bundle-" + kind)
            subprocess.run([sys.executable, make_bundle, b, "--file", path + ":" + dest,
                            "--args", dest, "--cgroups-path", "/runw-membench/x"], check=True)
            bundles[kind] = b
        rows = [("runw  idle.wasm", "rw", runw, bundles["wasm"]),
                ("runw  native idle", "rn", runw, bundles["native"])]
        if shutil.which("runc"):
            rows.append(("runc  native idle", "rc", shutil.which("runc"), bundles["native"]))
        print("idle containers, %d of each; per container, over its cgroup's processes (MiB)" %
              a.count)
        print("%-22s%10s%10s%16s" % ("", "RSS", "PSS", "per GiB (PSS)"))
        for label, name, runtime, bundle in rows:
            rss, pss = measure(name, runtime, bundle, a.count, tmp)
            mean_pss = statistics.mean(pss)
            print("%-22s%10.2f%10.2f%16d" % (label, statistics.mean(rss), mean_pss,
                                              int(1024 / mean_pss) if mean_pss else 0))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
