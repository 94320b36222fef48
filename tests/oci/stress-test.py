#!/usr/bin/env python3
"""Reliability of the runtime under repetition, concurrency, interruption and bad
input: after each phase nothing may be left behind — no state directory, cgroup,
mount, fifo or process. Each leftover kind is counted separately.

Environment as for runtime-test.py (RUNW, FIXTURES, MAKE_BUNDLE); STRESS_CYCLES
sets the number of sequential cycles (default 1000). Needs root; exits 77 otherwise.
"""
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import subreaper  # noqa: E402

RUNW = os.environ.get("RUNW", "runw")
FIXTURES = os.environ.get("FIXTURES", ".")
MAKE_BUNDLE = os.environ.get("MAKE_BUNDLE",
                             os.path.join(os.path.dirname(__file__), "make-bundle.py"))
CYCLES = int(os.environ.get("STRESS_CYCLES", "1000"))


class StressTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="runw-stress-")
        cls.root = os.path.join(cls.tmp, "root")
        cls.tag = os.path.basename(cls.tmp)
        cls.bundles = {}
        for kind, src, dest, args in (("wasm", "hello.wasm", "/hello.wasm", ["/hello.wasm"]),
                                      ("native", "sleeper", "/sleeper", ["/sleeper", "0"])):
            path = os.path.join(cls.tmp, "bundle-" + kind)
            subprocess.run([sys.executable, MAKE_BUNDLE, path, "--file",
                            os.path.join(FIXTURES, src) + ":" + dest, "--args"] + args +
                           ["--cgroups-path", "/%s/%s" % (cls.tag, kind)], check=True)
            cls.bundles[kind] = path

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    # --- helpers --------------------------------------------------------------------

    def set_cgroup(self, kind, cid):
        """Every container its own cgroup below this run's tag."""
        path = os.path.join(self.bundles[kind], "config.json")
        with open(path) as f:
            config = json.load(f)
        config["linux"]["cgroupsPath"] = "/%s/%s" % (self.tag, cid)
        # The bundles share one rootfs: each hello.wasm writes its own file in it.
        config["process"]["env"].append("DEMO_FILE=/demo-%s.txt" % cid)
        bundle = os.path.join(self.tmp, "b-" + cid)
        os.makedirs(bundle, exist_ok=True)
        if not os.path.exists(os.path.join(bundle, "rootfs")):
            os.symlink(os.path.join(self.bundles[kind], "rootfs"), os.path.join(bundle, "rootfs"))
        with open(os.path.join(bundle, "config.json"), "w") as f:
            json.dump(config, f)
        return bundle

    def runw(self, *args, timeout=30):
        with open(os.devnull, "w") as null, tempfile.TemporaryFile(mode="w+") as err:
            p = subprocess.run([RUNW, "--root", self.root] + list(args), stdout=null, stderr=err,
                               stdin=subprocess.DEVNULL, timeout=timeout)
            err.seek(0)
            return p.returncode, err.read()

    def cycle(self, kind, cid):
        problem = self.try_cycle(kind, cid)
        if problem:
            self.runw("delete", "--force", cid)  # keep later phases' counts clean
        return problem

    def try_cycle(self, kind, cid):
        bundle = self.set_cgroup(kind, cid)
        pid_file = os.path.join(self.tmp, cid + ".pid")
        code, err = self.runw("create", "--bundle", bundle, "--pid-file", pid_file, cid)
        if code != 0:
            return "create %s: %s" % (cid, err)
        with open(pid_file) as f:
            pid = int(f.read())
        os.unlink(pid_file)
        code, err = self.runw("start", cid)
        if code != 0:
            return "start %s: %s" % (cid, err)
        _, status = os.waitpid(pid, 0)
        expected = 0 if kind == "wasm" else 7
        if os.waitstatus_to_exitcode(status) != expected:
            return "%s exited with status %d" % (cid, status)
        code, err = self.runw("delete", cid)
        if code != 0:
            return "delete %s: %s" % (cid, err)
        return None

    def leftovers(self):
        """What remains of this run, by kind."""
        found = {}
        if os.path.isdir(self.root):
            found["state dirs"] = os.listdir(self.root)
        cgroups = []
        for hierarchy in os.listdir("/sys/fs/cgroup"):
            base = os.path.join("/sys/fs/cgroup", hierarchy, self.tag)
            if os.path.isdir(base):
                cgroups += [os.path.join(base, d) for d in os.listdir(base)
                            if os.path.isdir(os.path.join(base, d))]
        found["cgroups"] = cgroups
        with open("/proc/self/mountinfo") as f:
            found["mounts"] = [line for line in f if self.tmp in line]
        procs = []
        for pid in os.listdir("/proc"):
            if not pid.isdigit():
                continue
            try:
                with open("/proc/%s/cmdline" % pid, "rb") as f:
                    if self.root.encode() in f.read():
                        procs.append(int(pid))
            except OSError:
                pass
        found["processes"] = procs
        found["fifos"] = [os.path.join(d, f) for d, _, files in os.walk(self.root)
                          for f in files if f == "exec.fifo"] if os.path.isdir(self.root) else []
        return {k: v for k, v in found.items() if v}

    def assertNothingLeft(self):
        for _ in range(50):  # processes being reaped may take a moment
            left = self.leftovers()
            if not left:
                return
            time.sleep(0.05)
        self.fail("left behind: %s" % {k: v[:5] for k, v in left.items()})

    # --- phases ---------------------------------------------------------------------

    def test_1_sequential_cycles(self):
        for i in range(CYCLES):
            kind = "wasm" if i % 2 == 0 else "native"
            problem = self.cycle(kind, "seq%d" % i)
            self.assertIsNone(problem)
        self.assertNothingLeft()

    def test_2_parallel_cycles(self):
        problems = []

        def worker(w):
            for i in range(10):
                kind = "wasm" if (w + i) % 2 == 0 else "native"
                cid = "par%d-%d" % (w, i)
                try:
                    problem = self.cycle(kind, cid)
                except Exception as e:  # a timeout, say: report it, do not lose it
                    problem = "%s: %r" % (cid, e)
                    self.runw("delete", "--force", cid)
                if problem:
                    problems.append(problem)

        threads = [threading.Thread(target=worker, args=(w,)) for w in range(20)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(problems, [])
        self.assertNothingLeft()

    def test_3_create_killed_at_random_points(self):
        rng = random.Random(1234)
        for i in range(60):
            cid = "kill%d" % i
            bundle = self.set_cgroup("wasm" if i % 2 == 0 else "native", cid)
            p = subprocess.Popen([RUNW, "--root", self.root, "create", "--bundle", bundle,
                                  "--pid-file", os.path.join(self.tmp, cid + ".pid"), cid],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                 stdin=subprocess.DEVNULL)
            time.sleep(rng.uniform(0, 0.02))
            p.send_signal(signal.SIGKILL)
            p.wait()
            code, err = self.runw("delete", "--force", cid)
            self.assertEqual(code, 0, err)
            # Reap whatever init the subreaper inherited.
            subreaper.reap_orphans()
        self.assertNothingLeft()

    def test_4_malformed_configs_fail_cleanly(self):
        with open(os.path.join(self.bundles["wasm"], "config.json")) as f:
            good = json.load(f)
        cases = {
            "not json": "{",
            "array": "[]",
            "wrong type": lambda c: c["process"].__setitem__("args", "x"),
            "no process args": lambda c: c["process"].__setitem__("args", []),
            "relative cwd": lambda c: c["process"].__setitem__("cwd", "relative"),
            "huge uid": lambda c: c["process"]["user"].__setitem__("uid", 1 << 40),
            "negative rlimit": lambda c: c["process"].__setitem__(
                "rlimits", [{"type": "RLIMIT_NOFILE", "soft": -1, "hard": 1}]),
            "unknown rlimit": lambda c: c["process"].__setitem__(
                "rlimits", [{"type": "RLIMIT_BOGUS", "soft": 1, "hard": 1}]),
            "missing root": lambda c: c.pop("root"),
            "root escapes": lambda c: c["root"].__setitem__("path", "../../../../../../nonexistent"),
            "hostile mount destination": lambda c: c["mounts"].append(
                {"destination": "", "type": "tmpfs", "source": "tmpfs"}),
            "mount with bad option": lambda c: c["mounts"].append(
                {"destination": "/x", "type": "tmpfs", "source": "tmpfs",
                 "options": ["tmpcopyup"]}),
            "duplicate namespace": lambda c: c["linux"]["namespaces"].append({"type": "pid"}),
            "unknown namespace": lambda c: c["linux"]["namespaces"].append({"type": "bogus"}),
            "namespace path missing": lambda c: c["linux"]["namespaces"].append(
                {"type": "network", "path": "/nonexistent/ns"}) or
                [n for n in c["linux"]["namespaces"] if n["type"] == "network"
                 and "path" not in n and c["linux"]["namespaces"].remove(n)],
            "huge memory limit type": lambda c: c["linux"].__setitem__(
                "resources", {"memory": {"limit": "lots"}}),
            "bad capability": lambda c: c["process"]["capabilities"].__setitem__(
                "bounding", ["CAP_NOT_A_CAP"]),
            "bad seccomp action": lambda c: c["linux"].__setitem__(
                "seccomp", {"defaultAction": "SCMP_ACT_BOGUS"}),
            "very long arg": lambda c: c["process"].__setitem__("args", ["/" + "a" * 100000]),
            "unsupported property": lambda c: c["linux"].__setitem__("intelRdt", {"closID": "x"}),
        }
        for name, change in cases.items():
            cid = "bad%d" % len(name)
            bundle = os.path.join(self.tmp, "bad-" + name.replace(" ", "-"))
            os.makedirs(bundle, exist_ok=True)
            if not os.path.exists(os.path.join(bundle, "rootfs")):
                os.symlink(os.path.join(self.bundles["wasm"], "rootfs"),
                           os.path.join(bundle, "rootfs"))
            if isinstance(change, str):
                text = change
            else:
                config = json.loads(json.dumps(good))
                config["linux"]["cgroupsPath"] = "/%s/%s" % (self.tag, cid)
                change(config)
                text = json.dumps(config)
            with open(os.path.join(bundle, "config.json"), "w") as f:
                f.write(text)
            code, err = self.runw("create", "--bundle", bundle, cid)
            self.assertEqual(code, 1, "%s: exit %d, stderr %r" % (name, code, err))
            lines = err.strip().split("\n")
            self.assertEqual(len(lines), 1, "%s: %r" % (name, err))
            self.assertTrue(lines[0].startswith("runw: ") and len(lines[0]) > 10, (name, err))
            self.assertNothingLeft()


if __name__ == "__main__":
    subreaper.main("the stress test")
