#!/usr/bin/env python3
"""Drives the real runw binary through runc's lifecycle, the way conmon and
containerd's shim do: as a child subreaper that forks `runw create`, reads the
pid file, calls `start`, reaps the init and reads its exit status.

Environment: RUNW (the binary), FIXTURES (directory with hello.wasm, spin.wasm,
sleeper — built by the test build), MAKE_BUNDLE (make-bundle.py). Needs root;
exits 77 (skipped) otherwise.
"""
import fcntl
import json
import os
import select
import signal
import struct
import subprocess
import sys
import tempfile
import termios
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import subreaper  # noqa: E402

RUNW = os.environ.get("RUNW", "runw")
FIXTURES = os.environ.get("FIXTURES", ".")
MAKE_BUNDLE = os.environ.get("MAKE_BUNDLE",
                             os.path.join(os.path.dirname(__file__), "make-bundle.py"))


def fixture(name):
    return os.path.join(FIXTURES, name)


class Runtime:
    """One runw state root, removed at the end."""

    def __init__(self):
        self.tmp = tempfile.mkdtemp(prefix="runw-test-")
        self.root = os.path.join(self.tmp, "root")
        self.n = 0

    def runw(self, *args, check=False, stdin=None, timeout=30, env=None):
        cmd = [RUNW, "--root", self.root] + list(args)
        # Files, not pipes: a container created here inherits runw's stdout and
        # stderr and keeps them open long after runw exits, as with conmon.
        with tempfile.TemporaryFile(mode="w+") as out, tempfile.TemporaryFile(mode="w+") as err:
            p = subprocess.run(cmd, stdout=out, stderr=err, text=True, timeout=timeout, env=env,
                               stdin=stdin if stdin is not None else subprocess.DEVNULL)
            out.seek(0)
            err.seek(0)
            p.stdout, p.stderr = out.read(), err.read()
        if check and p.returncode != 0:
            raise AssertionError("%s failed (%d): %s" % (cmd, p.returncode, p.stderr))
        return p

    def bundle(self, *args):
        self.n += 1
        path = os.path.join(self.tmp, "bundle%d" % self.n)
        # A cgroup of its own per bundle: the default (/runw/<id>) would be shared
        # with any other run of these tests using the same container ids.
        cgroup = "/runw-test/%s-%d" % (os.path.basename(self.tmp), self.n)
        subprocess.run([sys.executable, MAKE_BUNDLE, path, "--cgroups-path", cgroup] + list(args),
                       check=True)
        return path

    def state(self, cid):
        p = self.runw("state", cid, check=True)
        return json.loads(p.stdout)


class LifecycleTest(unittest.TestCase):
    def setUp(self):
        self.rt = Runtime()

    def tearDown(self):
        # Whatever a test left must be removable, and then nothing remains.
        if os.path.isdir(self.rt.root):
            for cid in os.listdir(self.rt.root):
                self.rt.runw("delete", "--force", cid)
            self.assertEqual(os.listdir(self.rt.root), [], "state directories leaked")
        subprocess.run(["rm", "-rf", self.rt.tmp])

    def create(self, cid, bundle, extra=()):
        pid_file = os.path.join(self.rt.tmp, cid + ".pid")
        p = self.rt.runw("create", "--bundle", bundle, "--pid-file", pid_file, *extra, cid)
        return p, pid_file

    def wait_init(self, pid, timeout=20):
        deadline = time.time() + timeout
        while time.time() < deadline:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done == pid:
                return os.waitstatus_to_exitcode(status) if os.WIFEXITED(status) else \
                    128 + os.WTERMSIG(status)
            time.sleep(0.01)
        raise AssertionError("init %d did not exit" % pid)

    def run_to_exit(self, bundle, cid="c1"):
        """create + start + reap, as conmon does; returns (exit code, stdout, stderr)."""
        out = tempfile.TemporaryFile(mode="w+")
        err = tempfile.TemporaryFile(mode="w+")
        pid_file = os.path.join(self.rt.tmp, cid + ".pid")
        p = subprocess.run([RUNW, "--root", self.rt.root, "create", "--bundle", bundle,
                            "--pid-file", pid_file, cid], stdout=out, stderr=err,
                           stdin=subprocess.DEVNULL, timeout=30)
        if p.returncode != 0:
            err.seek(0)
            raise AssertionError("create failed: " + err.read())
        pid = int(open(pid_file).read())
        self.rt.runw("start", cid, check=True)
        code = self.wait_init(pid)
        self.rt.runw("delete", cid, check=True)
        out.seek(0)
        err.seek(0)
        return code, out.read(), err.read()

    # --- the wasm workload -------------------------------------------------------

    def test_wasm_output_args_env_file_and_exit_code(self):
        b = self.rt.bundle("--file", fixture("hello.wasm"), "--args", "hello.wasm", "one",
                           "exit=7", "--env", "GREETING=hi from config")
        code, out, err = self.run_to_exit(b)
        self.assertEqual(code, 7, err)
        self.assertIn("arg[0]=hello.wasm\narg[1]=one\narg[2]=exit=7\n", out)
        self.assertIn("GREETING=hi from config", out)
        self.assertIn("read back: written inside the container", out)
        self.assertIn("deleted /runw-demo.txt", out)
        self.assertEqual(err, "hello on stderr\n")

    def test_pid_file_is_digits_only_and_names_the_init(self):
        b = self.rt.bundle("--file", fixture("spin.wasm"), "--args", "/spin.wasm")
        p, pid_file = self.create("c1", b)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stderr, "")
        text = open(pid_file).read()
        self.assertRegex(text, r"^[0-9]+$")
        st = self.rt.state("c1")
        self.assertEqual(st["status"], "created")
        self.assertEqual(st["pid"], int(text))
        self.assertEqual(set(st), {"ociVersion", "id", "pid", "status", "bundle", "rootfs",
                                   "created", "owner"})
        self.rt.runw("start", "c1", check=True)
        self.assertEqual(self.rt.state("c1")["status"], "running")
        self.rt.runw("kill", "c1", "TERM", check=True)
        self.assertEqual(self.wait_init(int(text)), 143)
        self.assertEqual(self.rt.state("c1")["status"], "stopped")
        self.assertEqual(self.rt.state("c1")["pid"], 0)
        p = self.rt.runw("kill", "c1", "KILL")
        self.assertEqual(p.returncode, 1)
        self.assertIn("container not running", p.stderr)
        self.rt.runw("delete", "c1", check=True)

    def test_signals_by_number_and_name(self):
        for sig, expected in [("9", 137), ("SIGINT", 130), ("hup", 129), ("15", 143)]:
            b = self.rt.bundle("--file", fixture("spin.wasm"), "--args", "/spin.wasm")
            cid = "sig" + sig
            p, pid_file = self.create(cid, b)
            self.assertEqual(p.returncode, 0, p.stderr)
            self.rt.runw("start", cid, check=True)
            self.rt.runw("kill", cid, sig, check=True)
            self.assertEqual(self.wait_init(int(open(pid_file).read())), expected, sig)
            self.rt.runw("delete", cid, check=True)
        p = self.rt.runw("kill", "nosuch", "BOGUS")
        self.assertEqual(p.returncode, 1)

    def test_kill_and_delete_while_created(self):
        b = self.rt.bundle("--file", fixture("hello.wasm"), "--args", "/hello.wasm")
        p, pid_file = self.create("c1", b)
        self.assertEqual(p.returncode, 0, p.stderr)
        pid = int(open(pid_file).read())
        self.rt.runw("kill", "c1", "KILL", check=True)
        self.assertEqual(self.wait_init(pid), 137)
        self.rt.runw("delete", "c1", check=True)
        p, pid_file = self.create("c2", b)
        self.assertEqual(p.returncode, 0, p.stderr)
        pid = int(open(pid_file).read())
        self.rt.runw("delete", "c2", check=True)  # a created container needs no --force
        self.wait_init(pid)

    def test_delete_running_needs_force(self):
        b = self.rt.bundle("--file", fixture("spin.wasm"), "--args", "/spin.wasm")
        p, pid_file = self.create("c1", b)
        self.rt.runw("start", "c1", check=True)
        p = self.rt.runw("delete", "c1")
        self.assertEqual(p.returncode, 1)
        self.assertIn("cannot delete container c1 that is not stopped: running", p.stderr)
        self.rt.runw("delete", "--force", "c1", check=True)
        self.wait_init(int(open(pid_file).read()))

    def test_pause_resume_ps_and_update(self):
        cid = "pru%d" % os.getpid()
        b = self.rt.bundle("--file", fixture("spin.wasm"), "--args", "/spin.wasm",
                           "--cgroups-path", "/runw-test/" + cid, "--memory", "100000000")
        p, pid_file = self.create(cid, b)
        self.assertEqual(p.returncode, 0, p.stderr)
        pid = int(open(pid_file).read())
        self.rt.runw("start", cid, check=True)
        self.assertEqual(json.loads(self.rt.runw("ps", "--format", "json", cid, check=True).stdout),
                         [pid])
        self.assertIn(" %d " % pid, self.rt.runw("ps", cid, check=True).stdout)
        event = json.loads(self.rt.runw("events", "--stats", cid, check=True).stdout)
        self.assertEqual((event["type"], event["id"]), ("stats", cid))
        self.assertEqual(event["data"]["memory"]["usage"]["limit"], 99999744)
        self.assertEqual(event["data"]["pids"]["current"], 1)
        self.assertGreater(event["data"]["cpu"]["usage"]["total"], 0)
        self.rt.runw("pause", cid, check=True)
        self.assertEqual(self.rt.state(cid)["status"], "paused")
        with open("/proc/%d/stat" % pid) as f:
            cpu_before = int(f.read().rsplit(")", 1)[1].split()[11])
        time.sleep(0.3)
        with open("/proc/%d/stat" % pid) as f:
            cpu_after = int(f.read().rsplit(")", 1)[1].split()[11])
        self.assertEqual(cpu_before, cpu_after, "a paused container kept running")
        self.assertIn("already paused", self.rt.runw("pause", cid).stderr)
        self.rt.runw("resume", cid, check=True)
        self.assertEqual(self.rt.state(cid)["status"], "running")
        self.assertIn("not paused", self.rt.runw("resume", cid).stderr)
        mem = "/sys/fs/cgroup/memory/runw-test/%s/memory.limit_in_bytes" % cid
        self.rt.runw("update", "--memory", "50003968", cid, check=True)
        if os.path.exists(mem):
            self.assertEqual(int(open(mem).read()), 50003968)
        p = self.rt.runw("update", "--resources", "-", cid,
                         stdin=open(self._write("res.json", '{"pids": {"limit": 7}}')))
        self.assertEqual(p.returncode, 0, p.stderr)
        pids_max = "/sys/fs/cgroup/pids/runw-test/%s/pids.max" % cid
        if os.path.exists(pids_max):
            self.assertEqual(open(pids_max).read().strip(), "7")
        p = self.rt.runw("update", "--resources", "-", cid,
                         stdin=open(self._write("bad.json", '{"pids": {"limit": "x"}}')))
        self.assertEqual(p.returncode, 1)
        self.assertIn("pids.limit", p.stderr)
        self.rt.runw("kill", cid, "KILL", check=True)
        self.wait_init(pid)
        self.rt.runw("delete", cid, check=True)
        self.assertFalse(os.path.exists(os.path.dirname(mem)), "cgroup left behind")

    def _write(self, name, text):
        path = os.path.join(self.rt.tmp, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    def test_start_twice_and_after_stop(self):
        b = self.rt.bundle("--file", fixture("spin.wasm"), "--args", "/spin.wasm")
        p, pid_file = self.create("c1", b)
        self.rt.runw("start", "c1", check=True)
        p = self.rt.runw("start", "c1")
        self.assertEqual((p.returncode, "cannot start an already running container" in p.stderr),
                         (1, True), p.stderr)
        self.rt.runw("kill", "c1", "KILL", check=True)
        self.wait_init(int(open(pid_file).read()))
        p = self.rt.runw("start", "c1")
        self.assertIn("cannot start a container that has stopped", p.stderr)

    def test_unknown_ids(self):
        for cmd in (["state"], ["start"], ["kill"], ["delete"]):
            p = self.rt.runw(*cmd, "nosuch")
            self.assertEqual(p.returncode, 1, cmd)
            self.assertIn("container does not exist", p.stderr, cmd)
        self.assertEqual(self.rt.runw("delete", "--force", "nosuch").returncode, 0)
        self.assertEqual(self.rt.runw("delete", "-f", "nosuch").returncode, 0)

    def test_duplicate_id_and_bad_id(self):
        b = self.rt.bundle("--file", fixture("spin.wasm"), "--args", "/spin.wasm")
        self.assertEqual(self.create("c1", b)[0].returncode, 0)
        p, _ = self.create("c1", b)
        self.assertEqual(p.returncode, 1)
        self.assertIn("container with given ID already exists", p.stderr)
        p, _ = self.create("../escape", b)
        self.assertEqual(p.returncode, 1)
        self.assertIn("invalid container id", p.stderr)

    def test_missing_module_fails_create_and_leaves_nothing(self):
        b = self.rt.bundle("--file", fixture("hello.wasm"), "--args", "nope.wasm")
        p, pid_file = self.create("c1", b)
        self.assertEqual(p.returncode, 1)
        self.assertIn('exec: "nope.wasm": executable file not found in $PATH', p.stderr)
        self.assertEqual(p.stderr.count("\n"), 1, p.stderr)
        self.assertFalse(os.path.exists(pid_file))
        self.assertEqual(os.listdir(self.rt.root), [])

    def test_invalid_module_fails_create_with_offset(self):
        bad = os.path.join(self.rt.tmp, "bad.wasm")
        with open(bad, "wb") as f:
            f.write(b"\0asm\x01\0\0\0\x01\x04\x01\x60\x00")  # truncated type section
        b = self.rt.bundle("--file", bad + ":/app.wasm", "--args", "/app.wasm")
        p, _ = self.create("c1", b)
        self.assertEqual(p.returncode, 1)
        self.assertRegex(p.stderr, r"/app\.wasm:0x[0-9a-f]+: ")
        self.assertEqual(os.listdir(self.rt.root), [])

    def test_bare_wasm_name_falls_back_to_cwd(self):
        b = self.rt.bundle("--file", fixture("hello.wasm") + ":/app/hello.wasm", "--args",
                           "hello.wasm", "--cwd", "/app")
        code, out, err = self.run_to_exit(b)
        self.assertEqual(code, 0, err)
        self.assertIn("arg[0]=hello.wasm", out)

    def test_json_log_has_one_error_object(self):
        b = self.rt.bundle("--file", fixture("hello.wasm"), "--args", "missing.wasm")
        log = os.path.join(self.rt.tmp, "log.json")
        p = self.rt.runw("--log", log, "--log-format=json", "create", "--bundle", b, "c1")
        self.assertEqual(p.returncode, 1)
        lines = open(log).read().splitlines()
        self.assertEqual(len(lines), 1, lines)
        entry = json.loads(lines[0])
        self.assertEqual(entry["level"], "error")
        self.assertIn("executable file not found", entry["msg"])
        self.assertRegex(entry["time"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d")

    def test_runw_run_foreground_returns_exit_code(self):
        b = self.rt.bundle("--file", fixture("hello.wasm"), "--args", "/hello.wasm", "exit=3")
        p = self.rt.runw("run", "--bundle", b, "r1")
        self.assertEqual(p.returncode, 3, p.stderr)
        self.assertIn("arg[0]=/hello.wasm", p.stdout)
        self.assertEqual(os.listdir(self.rt.root), [])

    def test_trap_exit_code_and_message(self):
        trap = fixture("trap.wasm")
        b = self.rt.bundle("--file", trap + ":/trap.wasm", "--args", "/trap.wasm")
        code, out, err = self.run_to_exit(b)
        self.assertEqual(code, 134)
        self.assertIn("runw: trap: unreachable", err)

    # --- native workloads --------------------------------------------------------

    def test_memory_limit_caps_linear_memory_and_is_named(self):
        b = self.rt.bundle("--file", fixture("grow.wasm"), "--args", "/grow.wasm",
                           "--memory", str(48 << 20))
        code, out, err = self.run_to_exit(b)
        self.assertEqual(code, 134, err)
        mib = int(out.split("allocated ")[1].split(" MiB")[0])
        # A quarter of the limit is left to runw itself: 36 MiB for the guest.
        self.assertTrue(25 <= mib < 36, out)
        self.assertIn("runw: trap: unreachable", err)
        self.assertIn("the memory limit allows 576 pages (36 MiB) of linear memory", err)

    def test_socket_activation_hands_the_listening_socket_to_the_module(self):
        import socket
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        listener.listen(4)
        port = listener.getsockname()[1]
        b = self.rt.bundle("--file", fixture("echo-server.wasm"), "--args", "/echo-server.wasm")
        out = tempfile.TemporaryFile(mode="w+")
        env = dict(os.environ, LISTEN_FDS="1")
        fd = listener.fileno()
        proc = subprocess.Popen([RUNW, "--root", self.rt.root, "run", "--bundle", b, "act"],
                                stdout=out, stderr=subprocess.STDOUT, env=env,
                                # 3 must be in pass_fds too: the child closes every
                                # other fd after preexec_fn has put the socket there.
                                preexec_fn=lambda: os.dup2(fd, 3), pass_fds=(fd, 3))
        listener.close()
        client = socket.create_connection(("127.0.0.1", port), timeout=10)
        client.sendall(b"activated\n")
        reply = b""
        while True:
            chunk = client.recv(100)
            if not chunk:
                break
            reply += chunk
        client.close()
        self.assertEqual(proc.wait(timeout=20), 0)
        self.assertEqual(reply, b"ECHO: ACTIVATED\n")
        out.seek(0)
        text = out.read()
        self.assertIn("accept: 0", text)
        self.assertIn("accept on a file: 57", text)

    def test_native_program_runs_after_the_same_setup(self):
        b = self.rt.bundle("--file", fixture("sleeper"), "--args", "/sleeper", "0")
        code, out, err = self.run_to_exit(b)
        self.assertEqual(code, 7, err)
        self.assertIn("sleeper: pid 1,", out)  # PID 1 of its own pid namespace

    def test_native_term_handler_exit_code(self):
        b = self.rt.bundle("--file", fixture("sleeper"), "--args", "/sleeper", "30")
        p, pid_file = self.create("n1", b)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.rt.runw("start", "n1", check=True)
        time.sleep(0.2)
        self.rt.runw("kill", "n1", "15", check=True)
        self.assertEqual(self.wait_init(int(open(pid_file).read())), 42)

    def test_sandbox_annotation_is_never_wasm(self):
        b = self.rt.bundle("--file", fixture("hello.wasm"), "--args", "/hello.wasm",
                           "--annotation", "io.kubernetes.cri.container-type=sandbox")
        p, _ = self.create("c1", b)
        # Not wasm, and not executable as a native program either.
        self.assertEqual(p.returncode, 1)
        self.assertEqual(os.listdir(self.rt.root), [])

    # --- hooks -------------------------------------------------------------------

    def test_hooks_run_with_state_on_stdin(self):
        out_dir = os.path.join(self.rt.tmp, "hooks")
        os.makedirs(out_dir)
        hook = os.path.join(self.rt.tmp, "hook.sh")
        with open(hook, "w") as f:
            f.write("#!/bin/sh\ncat > %s/$1.json\n" % out_dir)
        os.chmod(hook, 0o755)
        b = self.rt.bundle("--file", fixture("hello.wasm"), "--args", "/hello.wasm",
                           "--hook", "createRuntime=%s,createRuntime" % hook,
                           "--hook", "poststart=%s,poststart" % hook,
                           "--hook", "poststop=%s,poststop" % hook)
        code, _, err = self.run_to_exit(b)
        self.assertEqual(code, 0, err)
        for kind, status in [("createRuntime", "creating"), ("poststart", "running"),
                             ("poststop", "stopped")]:
            st = json.load(open(os.path.join(out_dir, kind + ".json")))
            self.assertEqual(st["status"], status, kind)
            self.assertEqual(st["id"], "c1")

    def test_failing_hook_fails_create(self):
        b = self.rt.bundle("--file", fixture("hello.wasm"), "--args", "/hello.wasm",
                           "--hook", "createRuntime=/bin/false")
        p, _ = self.create("c1", b)
        self.assertEqual(p.returncode, 1)
        self.assertIn("createRuntime hook", p.stderr)
        self.assertEqual(os.listdir(self.rt.root), [])

    # --- misc commands -----------------------------------------------------------

    def test_list_and_features_and_version(self):
        b = self.rt.bundle("--file", fixture("spin.wasm"), "--args", "/spin.wasm")
        self.create("c1", b)
        self.assertEqual(self.rt.runw("list", "-q").stdout, "c1\n")
        arr = json.loads(self.rt.runw("list", "--format", "json").stdout)
        self.assertEqual([c["id"] for c in arr], ["c1"])
        self.assertIn("created", self.rt.runw("list").stdout)
        feats = json.loads(self.rt.runw("features").stdout)
        self.assertIn("createRuntime", feats["hooks"])
        v = self.rt.runw("--version")
        self.assertTrue(v.stdout.startswith("runw version "), v.stdout)
        self.assertNotEqual(self.rt.runw("checkpoint", "--help").returncode, 0)

    def test_commands_not_implemented_fail_clearly(self):
        for cmd in ("checkpoint", "restore"):
            p = self.rt.runw(cmd, "c1")
            self.assertEqual(p.returncode, 1, cmd)
            self.assertIn(cmd, p.stderr)
            self.assertIn("not", p.stderr)
        # Callers probe `checkpoint --help`: it must not claim support.
        self.assertEqual(self.rt.runw("checkpoint", "--help").returncode, 1)

    def test_flag_spellings(self):
        b = self.rt.bundle("--file", fixture("spin.wasm"), "--args", "/spin.wasm")
        pid_file = os.path.join(self.rt.tmp, "p")
        with tempfile.TemporaryFile(mode="w+") as err:
            p = subprocess.run([RUNW, "--root=" + self.rt.root, "create", "-bundle", b,
                                "--pid-file=" + pid_file, "--no-pivot=false", "c1"],
                               stdout=subprocess.DEVNULL, stderr=err, stdin=subprocess.DEVNULL)
            err.seek(0)
            self.assertEqual(p.returncode, 0, err.read())
        p = self.rt.runw("create", "--bogus-flag", "c2")
        self.assertEqual(p.returncode, 1)

    def test_create_killed_midway_then_delete_force_leaves_nothing(self):
        b = self.rt.bundle("--file", fixture("spin.wasm"), "--args", "/spin.wasm")
        for i, delay in enumerate([0.0, 0.005, 0.01, 0.02, 0.05]):
            cid = "k%d" % i
            proc = subprocess.Popen([RUNW, "--root", self.rt.root, "create", "--bundle", b, cid],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(delay)
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            self.assertEqual(self.rt.runw("delete", "--force", cid).returncode, 0)
            self.assertFalse(os.path.exists(os.path.join(self.rt.root, cid)))


class ExecTest(unittest.TestCase):
    """`runw exec`: another process in a running container's namespaces and cgroup."""

    # LifecycleTest's fixtures, without inheriting (and so re-running) its tests.
    setUp = LifecycleTest.setUp
    tearDown = LifecycleTest.tearDown
    create = LifecycleTest.create
    wait_init = LifecycleTest.wait_init

    def start_container(self, cid="c1", extra_bundle=()):
        b = self.rt.bundle("--file", fixture("spin.wasm"), "--file", fixture("hello.wasm"),
                           "--file", fixture("sleeper"), "--args", "/spin.wasm",
                           "--env", "GREETING=from config", *extra_bundle)
        p, pid_file = self.create(cid, b)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.rt.runw("start", cid, check=True)
        return int(open(pid_file).read())

    def stop_container(self, cid, init):
        self.rt.runw("kill", cid, "KILL", check=True)
        self.wait_init(init)
        self.rt.runw("delete", cid, check=True)

    def wait_gone(self, pid, timeout=10):
        """Waits until `pid` is dead or a zombie (it is not our child)."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                with open("/proc/%d/stat" % pid) as f:
                    if f.read().rsplit(")", 1)[1].split()[0] in ("Z", "X"):
                        return
            except FileNotFoundError:
                return
            time.sleep(0.02)
        raise AssertionError("process %d still running" % pid)

    def test_exec_wasm_module_output_and_exit_code(self):
        init = self.start_container()
        p = self.rt.runw("exec", "c1", "/hello.wasm", "one", "exit=5")
        self.assertEqual(p.returncode, 5, p.stderr)
        self.assertIn("arg[0]=/hello.wasm\narg[1]=one\narg[2]=exit=5\n", p.stdout)
        # The container's environment, and its root as the module's `/`.
        self.assertIn("GREETING=from config", p.stdout)
        self.assertIn("deleted /runw-demo.txt", p.stdout)
        self.assertEqual(p.stderr, "hello on stderr\n")
        self.assertEqual(self.rt.state("c1")["status"], "running")
        self.stop_container("c1", init)

    def test_exec_env_cwd_and_bare_wasm_name(self):
        init = self.start_container()
        p = self.rt.runw("exec", "--env", "GREETING=from exec", "--cwd", "/", "c1",
                         "hello.wasm")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("GREETING=from exec\n", p.stdout)
        self.assertNotIn("from config", p.stdout)
        # runc's grammar: repeatable flags take one value each, the id follows,
        # and everything after it (flags too) belongs to the command.
        p = self.rt.runw("exec", "-e", "OTHER=1", "-e", "GREETING=short", "c1", "/hello.wasm",
                         "-e", "x")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("GREETING=short\n", p.stdout)
        self.assertIn("arg[1]=-e\narg[2]=x\n", p.stdout)
        self.stop_container("c1", init)

    def test_exec_native_program_in_the_pid_namespace(self):
        init = self.start_container()
        p = self.rt.runw("exec", "c1", "/sleeper", "0")
        self.assertEqual(p.returncode, 7, p.stderr)
        pid_in_ns = int(p.stdout.split("sleeper: pid ")[1].split(",")[0])
        # Not the init (1), but a small pid of the container's namespace.
        self.assertTrue(1 < pid_in_ns < 100, p.stdout)
        self.stop_container("c1", init)

    def test_exec_into_stopped_container_fails(self):
        init = self.start_container()
        self.rt.runw("kill", "c1", "KILL", check=True)
        self.wait_init(init)
        p = self.rt.runw("exec", "c1", "/hello.wasm")
        self.assertEqual(p.returncode, 1)
        self.assertEqual(p.stderr, "runw: cannot exec in a stopped container\n")
        self.rt.runw("delete", "c1", check=True)
        p = self.rt.runw("exec", "nosuch", "/hello.wasm")
        self.assertEqual(p.returncode, 1)
        self.assertIn("container does not exist", p.stderr)

    def test_exec_into_paused_container_fails(self):
        cid = "ep%d" % os.getpid()
        init = self.start_container(cid, ("--cgroups-path", "/runw-test/" + cid))
        if self.rt.runw("pause", cid).returncode != 0:
            self.stop_container(cid, init)
            self.skipTest("no freezer cgroup")
        p = self.rt.runw("exec", cid, "/hello.wasm")
        self.assertEqual(p.returncode, 1)
        self.assertIn("cannot exec in a paused container", p.stderr)
        self.rt.runw("resume", cid, check=True)
        self.stop_container(cid, init)

    def test_exec_missing_program_fails_with_one_line(self):
        init = self.start_container()
        pid_file = os.path.join(self.rt.tmp, "exec.pid")
        p = self.rt.runw("exec", "--pid-file", pid_file, "c1", "nope")
        self.assertEqual(p.returncode, 1)
        self.assertEqual(p.stderr,
                         'runw: exec: "nope": executable file not found in $PATH\n')
        self.assertFalse(os.path.exists(pid_file), "pid file written for a failed exec")
        p = self.rt.runw("exec", "c1")
        self.assertEqual(p.returncode, 1)
        self.assertIn("exec args cannot be empty", p.stderr)
        p = self.rt.runw("exec", "--user", "bob", "c1", "/hello.wasm")
        self.assertEqual(p.returncode, 1)
        self.assertIn("uid", p.stderr)
        p = self.rt.runw("exec", "--cap", "BOGUS", "--cwd", "/", "c1", "/sleeper", "0")
        self.assertEqual(p.returncode, 1)
        self.assertIn('unknown capability "CAP_BOGUS"', p.stderr)
        p = self.rt.runw("exec", "--cwd", "/nonexistent", "c1", "/sleeper", "0")
        self.assertEqual(p.returncode, 1)
        self.assertIn('chdir to cwd ("/nonexistent")', p.stderr)
        self.stop_container("c1", init)

    def test_exec_detach_pid_file_cgroup_and_pid_namespace(self):
        cid = "ed%d" % os.getpid()
        init = self.start_container(cid, ("--cgroups-path", "/runw-test/" + cid))
        pid_file = os.path.join(self.rt.tmp, "exec.pid")
        p = self.rt.runw("exec", "--detach", "--pid-file", pid_file, "--user", "1000:1001", cid,
                         "/sleeper", "30")
        self.assertEqual(p.returncode, 0, p.stderr)
        text = open(pid_file).read()
        self.assertRegex(text, r"^[0-9]+$")
        pid = int(text)
        self.assertIn(cid, open("/proc/%d/cgroup" % pid).read())
        status = open("/proc/%d/status" % pid).read()
        nspid = [line.split()[1:] for line in status.splitlines() if line.startswith("NSpid:")][0]
        self.assertEqual(len(nspid), 2, status)
        self.assertEqual(nspid[0], str(pid))
        uid = [line.split()[1:] for line in status.splitlines() if line.startswith("Uid:")][0]
        gid = [line.split()[1:] for line in status.splitlines() if line.startswith("Gid:")][0]
        self.assertEqual((uid[0], gid[0]), ("1000", "1001"))
        for ns in ("mnt", "pid", "net", "ipc", "uts"):
            self.assertEqual(os.readlink("/proc/%d/ns/%s" % (pid, ns)),
                             os.readlink("/proc/%d/ns/%s" % (init, ns)), ns)
        # Not runw's child any more: re-parented to this test (a subreaper).
        ppid = int(open("/proc/%d/stat" % pid).read().rsplit(")", 1)[1].split()[1])
        self.assertEqual(ppid, os.getpid())
        self.assertIn(pid, json.loads(self.rt.runw("ps", "--format", "json", cid,
                                                   check=True).stdout))
        os.kill(pid, signal.SIGTERM)
        self.assertEqual(self.wait_init(pid), 42)
        self.stop_container(cid, init)

    def test_exec_process_file(self):
        init = self.start_container()
        proc = {"args": ["/hello.wasm", "from-file", "exit=3"], "cwd": "/",
                "env": ["GREETING=from file", "HOME="], "user": {"uid": 0, "gid": 0},
                "noNewPrivileges": True}
        path = os.path.join(self.rt.tmp, "process.json")
        with open(path, "w") as f:
            json.dump(proc, f)
        p = self.rt.runw("exec", "--process", path, "c1")
        self.assertEqual(p.returncode, 3, p.stderr)
        self.assertIn("arg[1]=from-file\n", p.stdout)
        self.assertIn("GREETING=from file\n", p.stdout)
        with open(path, "w") as f:
            json.dump({"args": [], "cwd": "/"}, f)
        p = self.rt.runw("exec", "--process", path, "c1")
        self.assertEqual(p.returncode, 1)
        self.assertIn("args", p.stderr)
        self.stop_container("c1", init)

    def test_exec_foreground_forwards_signals_and_writes_pid_file(self):
        init = self.start_container()
        pid_file = os.path.join(self.rt.tmp, "exec.pid")
        with tempfile.TemporaryFile() as out:
            proc = subprocess.Popen([RUNW, "--root", self.rt.root, "exec", "--pid-file",
                                     pid_file, "c1", "/sleeper", "30"],
                                    stdout=out, stderr=out, stdin=subprocess.DEVNULL)
            deadline = time.time() + 10
            while not os.path.exists(pid_file) and time.time() < deadline:
                time.sleep(0.02)
            pid = int(open(pid_file).read())
            time.sleep(0.2)
            proc.send_signal(signal.SIGTERM)
            self.assertEqual(proc.wait(timeout=10), 42)  # the sleeper's SIGTERM status
            self.wait_gone(pid)
        # A killed `runw exec` takes its process with it (CRI-O ends execs so).
        with tempfile.TemporaryFile() as out:
            proc = subprocess.Popen([RUNW, "--root", self.rt.root, "exec", "--pid-file",
                                     pid_file + "2", "c1", "/spin.wasm"],
                                    stdout=out, stderr=out, stdin=subprocess.DEVNULL)
            deadline = time.time() + 10
            while not os.path.exists(pid_file + "2") and time.time() < deadline:
                time.sleep(0.02)
            pid = int(open(pid_file + "2").read())
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=10)
            self.wait_gone(pid)
            try:
                os.waitpid(pid, 0)  # re-parented to this subreaper
            except ChildProcessError:
                pass
        self.stop_container("c1", init)

    def test_exec_tty_over_console_socket(self):
        import socket
        init = self.start_container()
        p = self.rt.runw("exec", "--tty", "--detach", "c1", "/hello.wasm")
        self.assertEqual(p.returncode, 1)
        self.assertIn("cannot allocate tty if runw will detach without setting console socket",
                      p.stderr)
        sock_path = os.path.join(self.rt.tmp, "console.sock")
        server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        server.bind(sock_path)
        server.listen(1)
        pid_file = os.path.join(self.rt.tmp, "tty.pid")
        p = self.rt.runw("exec", "--tty", "--detach", "--console-socket", sock_path,
                         "--pid-file", pid_file, "c1", "/hello.wasm", "via-tty")
        self.assertEqual(p.returncode, 0, p.stderr)
        conn, _ = server.accept()
        msg, fds, _, _ = socket.recv_fds(conn, 4096, 1)
        self.assertTrue(msg.startswith(b"/dev/pts/"), msg)
        self.assertEqual(len(fds), 1)
        output = b""
        while True:
            try:
                chunk = os.read(fds[0], 4096)
            except OSError:  # EIO once the slave side is closed
                break
            if not chunk:
                break
            output += chunk
        os.close(fds[0])
        conn.close()
        server.close()
        self.assertIn(b"arg[1]=via-tty", output)
        self.assertEqual(self.wait_init(int(open(pid_file).read())), 0)
        self.stop_container("c1", init)


class DevicesV2Test(unittest.TestCase):
    """Device rules on cgroup v2, where they are an eBPF program on the
    container's cgroup. On a hybrid host `create` runs in a private mount
    namespace without the v1 devices hierarchy; the other commands follow the
    cgroup paths create recorded, so they take the v2 path too."""

    setUp = LifecycleTest.setUp
    tearDown = LifecycleTest.tearDown
    wait_init = LifecycleTest.wait_init
    stop_container = ExecTest.stop_container

    def cgroup2_layout(self):
        """'pure', 'hybrid' (with a v1 devices hierarchy to hide) or None."""
        mounts = [line.split(" - ")[1].split()[0] + " " + line.split()[4]
                  for line in open("/proc/self/mountinfo") if " - " in line]
        if "cgroup2 /sys/fs/cgroup" in mounts:
            return "pure"
        if any(m.startswith("cgroup2 ") for m in mounts):
            return "hybrid"
        return None

    def open_dev(self, cid, path):
        """hello.wasm opening `path` for writing: exit 2 when the open was
        refused; another code when it opened (3 for /dev/null, which reads
        back nothing)."""
        p = self.rt.runw("exec", "-e", "DEMO_FILE=" + path, cid, "/hello.wasm")
        return p.returncode, p.stdout + p.stderr

    def update_devices(self, cid, rule):
        path = os.path.join(self.rt.tmp, "devices.json")
        with open(path, "w") as f:
            json.dump({"devices": [rule]}, f)
        self.rt.runw("update", "--resources", path, cid, check=True)

    def test_update_adds_rules_to_the_program(self):
        layout = self.cgroup2_layout()
        if layout is None:
            self.skipTest("no cgroup2 mount")
        if not os.path.exists("/dev/kmsg"):
            self.skipTest("no /dev/kmsg to stand for a device the config denies")
        b = self.rt.bundle("--file", fixture("spin.wasm"), "--file", fixture("hello.wasm"),
                           "--args", "/spin.wasm")
        # A device node the container can see but its rules (deny all, then
        # the defaults) do not allow.
        config_path = os.path.join(b, "config.json")
        config = json.load(open(config_path))
        config["mounts"].append({"destination": "/dev/kmsg", "type": "bind",
                                 "source": "/dev/kmsg", "options": ["bind"]})
        with open(config_path, "w") as f:
            json.dump(config, f)
        pid_file = os.path.join(self.rt.tmp, "c1.pid")
        create = [RUNW, "--root", self.rt.root, "create", "--bundle", b, "--pid-file", pid_file,
                  "c1"]
        if layout == "hybrid":
            hide = 'umount /sys/fs/cgroup/devices 2>/dev/null; exec "$@"'
            create = ["unshare", "-m", "--propagation", "private", "sh", "-c", hide, "sh"] + create
        with tempfile.TemporaryFile() as out:
            p = subprocess.run(create, stdout=out, stderr=out, stdin=subprocess.DEVNULL,
                               timeout=30)
            out.seek(0)
            self.assertEqual(p.returncode, 0, out.read())
        cgroups = json.load(open(os.path.join(self.rt.root, "c1", "cgroup.json")))["paths"]
        self.assertFalse(any("devices" in key.split(",") for key in cgroups), cgroups)
        init = int(open(pid_file).read())
        self.rt.runw("start", "c1", check=True)
        # The config denies everything; the defaults allow /dev/null.
        self.assertEqual(self.open_dev("c1", "/dev/null")[0], 3)
        self.assertEqual(self.open_dev("c1", "/dev/kmsg")[0], 2)
        rule = {"allow": False, "type": "c", "major": 1, "minor": 3, "access": "w"}
        self.update_devices("c1", rule)
        code, out = self.open_dev("c1", "/dev/null")
        self.assertEqual(code, 2, out)
        self.assertIn("Operation not permitted", out)
        rule["allow"] = True
        self.update_devices("c1", rule)
        self.assertEqual(self.open_dev("c1", "/dev/null")[0], 3)
        # Each program replaced the last one whole, and yet the config's
        # rules are still in force.
        code, out = self.open_dev("c1", "/dev/kmsg")
        self.assertEqual(code, 2, out)
        self.stop_container("c1", init)


class TerminalRelayTest(unittest.TestCase):
    """`runw run -t` and foreground `runw exec -t` without --console-socket: runw
    keeps the pty master itself and relays it to its own stdio, as runc does."""

    setUp = LifecycleTest.setUp
    tearDown = LifecycleTest.tearDown
    create = LifecycleTest.create
    wait_init = LifecycleTest.wait_init
    start_container = ExecTest.start_container
    stop_container = ExecTest.stop_container

    def under_pty(self, args, rows=33, cols=101, send=(), when=None, timeout=30):
        """Runs runw with a new pty as its stdin, stdout and stderr, the way a
        shell would. `send` is typed once the container has printed something
        (its terminal is up then); with `when` (text, action), action(runw's
        Popen, the outer pty's slave fd) runs once the text appears. Returns
        (exit code, output, the outer terminal's termios before, and after runw)."""
        master, slave = os.openpty()
        try:
            fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
            before = termios.tcgetattr(slave)
            proc = subprocess.Popen([RUNW, "--root", self.rt.root] + list(args), stdin=slave,
                                    stdout=slave, stderr=slave, start_new_session=True)
            output = b""
            to_send = list(send)
            deadline = time.time() + timeout
            while True:
                if time.time() > deadline:
                    proc.kill()
                    proc.wait()
                    raise AssertionError("runw did not finish; output so far: %r" % output)
                ready, _, _ = select.select([master], [], [], 0.2)
                if ready:
                    output += os.read(master, 4096)  # we hold the slave: no EIO here
                    if output and to_send:
                        for data in to_send:
                            os.write(master, data)
                            time.sleep(0.1)
                        to_send = []
                    if when and when[0].encode() in output:
                        when[1](proc, slave)
                        when = None
                elif proc.poll() is not None:
                    break
            after = termios.tcgetattr(slave)
            return proc.returncode, output.decode(errors="replace"), before, after
        finally:
            os.close(master)
            os.close(slave)

    def test_run_tty_native_sees_a_terminal_of_the_callers_size(self):
        b = self.rt.bundle("--file", fixture("ttyinfo"), "--args", "/ttyinfo", "read", "exit=5",
                           "--terminal")
        code, out, before, after = self.under_pty(["run", "--bundle", b, "t1"], rows=33,
                                                  cols=101, send=[b"typed\n", b"\x04"])
        self.assertEqual(code, 5, out)
        self.assertIn("ttyinfo: stdin tty=1 stdout tty=1 size=33x101", out)
        # Typed keys went through runw to the container's terminal, ^D included.
        self.assertIn("ttyinfo: read 6 bytes until end of file", out)
        self.assertEqual(after, before, "the caller's terminal settings were not restored")
        self.assertEqual(os.listdir(self.rt.root), [])

    def test_run_tty_wasm_module_output_comes_through_the_relay(self):
        b = self.rt.bundle("--file", fixture("hello.wasm"), "--args", "/hello.wasm", "exit=3",
                           "--terminal")
        code, out, before, after = self.under_pty(["run", "--bundle", b, "t1"])
        self.assertEqual(code, 3, out)
        self.assertIn("arg[1]=exit=3\r\n", out)  # \r: it went through a pty
        self.assertIn("deleted /runw-demo.txt", out)
        self.assertIn("hello on stderr", out)
        self.assertEqual(after, before)

    def test_run_tty_with_stdin_at_end_of_file_does_not_hang(self):
        b = self.rt.bundle("--file", fixture("ttyinfo"), "--args", "/ttyinfo", "read", "exit=5",
                           "--terminal")
        # Not a terminal on runw's side: a pipe with a line, one with a partial
        # line (two VEOFs are needed then), and /dev/null.
        for data, count in ((b"piped\n", 6), (b"abc", 3), (None, 0)):
            with self.subTest(data=data):
                feed = {"input": data} if data is not None else {"stdin": subprocess.DEVNULL}
                p = subprocess.run([RUNW, "--root", self.rt.root, "run", "--bundle", b, "t1"],
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=30,
                                   **feed)
                out = p.stdout.decode(errors="replace")
                self.assertEqual(p.returncode, 5, out + p.stderr.decode())
                self.assertIn("stdin tty=1 stdout tty=1", out)
                self.assertIn("ttyinfo: read %d bytes until end of file" % count, out)
        self.assertEqual(os.listdir(self.rt.root), [])

    def test_run_tty_forwarded_signal_ends_it_and_restores_the_terminal(self):
        b = self.rt.bundle("--file", fixture("sleeper"), "--args", "/sleeper", "30", "--terminal")
        code, out, before, after = self.under_pty(
            ["run", "--bundle", b, "t1"],
            when=("sleeping", lambda proc, _: proc.send_signal(signal.SIGTERM)))
        self.assertEqual(code, 42, out)  # the sleeper's SIGTERM handler
        self.assertEqual(after, before, "the caller's terminal settings were not restored")

    def test_run_tty_follows_the_callers_window_size(self):
        # Without seccomp: the tests' profile has neither sigwait nor sigsuspend.
        b = self.rt.bundle("--file", fixture("ttyinfo"), "--args", "/ttyinfo", "winch",
                           "--terminal", "--no-seccomp")

        def resize(proc, slave):
            # What a terminal emulator does: the new size, then SIGWINCH to the
            # foreground (runw is not in this pty's session here, so by hand).
            fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 150, 0, 0))
            proc.send_signal(signal.SIGWINCH)

        code, out, _, _ = self.under_pty(["run", "--bundle", b, "t1"], rows=20, cols=70,
                                         when=("size=20x70", resize))
        self.assertEqual(code, 0, out)
        self.assertIn("ttyinfo: resized to 50x150", out)

    def test_detached_tty_without_console_socket_still_fails(self):
        b = self.rt.bundle("--file", fixture("hello.wasm"), "--terminal")
        for cmd in (["run", "--detach"], ["create"]):
            p = self.rt.runw(*cmd, "--bundle", b, "t1")
            self.assertEqual(p.returncode, 1, cmd)
            self.assertIn("cannot allocate tty if runw will detach without setting console socket",
                          p.stderr)
        self.assertFalse(os.path.isdir(self.rt.root) and os.listdir(self.rt.root))

    def test_exec_tty_relays_in_the_foreground(self):
        init = self.start_container(extra_bundle=("--file", fixture("ttyinfo")))
        code, out, before, after = self.under_pty(["exec", "-t", "c1", "/ttyinfo", "exit=4"],
                                                  rows=40, cols=120)
        self.assertEqual(code, 4, out)
        self.assertIn("ttyinfo: stdin tty=1 stdout tty=1 size=40x120", out)
        self.assertEqual(after, before)
        # A wasm module, and stdin piped with end of file.
        code, out, _, _ = self.under_pty(["exec", "--tty", "c1", "/hello.wasm", "exit=6"])
        self.assertEqual(code, 6, out)
        self.assertIn("arg[1]=exit=6\r\n", out)
        p = subprocess.run([RUNW, "--root", self.rt.root, "exec", "-t", "c1", "/ttyinfo", "read",
                            "exit=2"], input=b"two\nlines\n", stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=30)
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertIn(b"ttyinfo: read 10 bytes until end of file", p.stdout)
        self.stop_container("c1", init)


if __name__ == "__main__":
    subreaper.main("the runtime test")
