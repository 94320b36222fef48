#!/usr/bin/env python3
"""`runw --systemd-cgroup` against a systemd manager on the system bus.

This host's init is not systemd, so the manager is a mock (systemd-mock.py, a
python-dbusmock template) on a private dbus-daemon, and runw is pointed at that
bus through DBUS_SYSTEM_BUS_ADDRESS. The mock makes and removes cgroup
directories for real, so the test sees where runw's limits and processes land.

Checked: create asks for the transient scope with the right name, slice,
delegation and first process, and writes the config's memory limit into the
scope's cgroup; exec joins it; delete stops the unit and leaves nothing, also
after a killed create; without a reachable bus, or with no systemd on it, the
cgroupfs mapping is used; a D-Bus error, a failed job or one that never ends
fails create cleanly. The limits systemd has properties for are sent with
StartTransientUnit (exact names and values for this host's cgroup layout) and,
at `update`, with SetUnitProperties; those an old systemd (by its Version) does
not know are left out; a systemd that refuses them gets the scope started
without them, and the limits still come from runw's cgroupfs writes.

Environment: RUNW, FIXTURES, MAKE_BUNDLE as for runtime-test.py. Needs root,
dbus-daemon and python3-dbusmock; exits 77 (skipped) otherwise.
"""
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import subreaper  # noqa: E402

try:
    import dbus
    import dbusmock
except ImportError as e:  # reported as a skip in main
    dbusmock = None
    IMPORT_ERROR = str(e)

RUNW = os.environ.get("RUNW", "runw")
FIXTURES = os.environ.get("FIXTURES", ".")
HERE = os.path.dirname(os.path.abspath(__file__))
MAKE_BUNDLE = os.environ.get("MAKE_BUNDLE", os.path.join(HERE, "make-bundle.py"))
MOCK_TEMPLATE = os.path.join(HERE, "systemd-mock.py")
MEMORY_LIMIT = 100000000
MANAGER = "org.freedesktop.systemd1.Manager"
MEMORY_LIMIT_PAGES = 99999744  # what the kernel keeps: rounded down to pages
# What StartTransientUnit carries besides the limits.
BASE_PROPERTIES = {"Description", "Slice", "Delegate", "PIDs", "MemoryAccounting",
                   "CPUAccounting", "TasksAccounting"}
# A config with every limit runw sends as a property ("0-1": this test needs 2
# CPUs).
RESOURCES = {
    "memory": {"limit": MEMORY_LIMIT},
    "pids": {"limit": 42},
    "cpu": {"shares": 512, "quota": 50000, "period": 100000, "cpus": "0-1"},
}


# A bus anyone may use, like the one dbusmock starts for the mock. (Without
# the bare <allow eavesdrop="true"/> dbus-daemon 1.14 lets clients connect but
# never answers them.)
BUS_CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:tmpdir=/tmp</listen>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"""


def known_controllers():
    with open("/proc/cgroups") as f:
        return {line.split()[0] for line in f if line.strip() and not line.startswith("#")}


def hierarchies():
    """{controllers or "" for v2: mount point} of the hierarchies runw uses
    (those with a controller, and cgroup2)."""
    known = known_controllers()
    found = {}
    with open("/proc/self/mountinfo") as f:
        for line in f:
            head, _, tail = line.partition(" - ")
            fields, tail = head.split(), tail.split()
            if tail[0] == "cgroup2":
                found.setdefault("", fields[4])
            elif tail[0] == "cgroup":
                key = ",".join(o for o in tail[2].split(",") if o in known)
                if key:
                    found.setdefault(key, fields[4])
    return found


def v1_has(controller):
    """True when a v1 hierarchy carries `controller` (systemd then takes the
    v1 property names, MemoryLimit and CPUShares)."""
    return any(controller in key.split(",") for key in hierarchies() if key)


def cgroup_of(pid):
    """{controllers or "" for v2: path} from /proc/PID/cgroup."""
    out = {}
    with open("/proc/%d/cgroup" % pid) as f:
        for line in f:
            _, controllers, path = line.rstrip("\n").split(":", 2)
            if not controllers.startswith("name="):
                out[controllers] = path
    return out


class SystemdCgroupTest(dbusmock.DBusTestCase if dbusmock else unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.start_system_bus()  # sets DBUS_SYSTEM_BUS_ADDRESS, which runw inherits
        cls.mock_proc, manager = cls.spawn_server_template(MOCK_TEMPLATE, {},
                                                           stdout=subprocess.DEVNULL)
        cls.mock = dbus.Interface(manager, dbusmock.MOCK_IFACE)
        # One slice per run, so that runs on one host do not meet.
        cls.slice = "runwsdtest%d.slice" % os.getpid()

    @classmethod
    def tearDownClass(cls):
        cls.mock_proc.terminate()
        cls.mock_proc.wait()
        # This process is a child subreaper, so the forked dbus-daemon is its
        # child: stop and reap it here (dbusmock's own stop would wait for a
        # zombie to disappear).
        os.kill(cls.system_bus_pid, signal.SIGTERM)
        try:
            os.waitpid(cls.system_bus_pid, 0)
        except ChildProcessError:
            pass  # not ours after all: it exits on its own
        cls.system_bus_pid = None
        os.environ.pop("DBUS_SYSTEM_BUS_ADDRESS", None)
        # The slice outlives its scopes, as systemd's do; nothing may be in it.
        for mount in hierarchies().values():
            d = os.path.join(mount, cls.slice)
            if os.path.isdir(d):
                os.rmdir(d)
        super().tearDownClass()

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="runw-sd-test-")
        self.root = os.path.join(self.tmp, "root")
        self.mock.SetStartError("")
        self.mock.SetStartResult("done")
        self.mock.SetRejectedProperties(dbus.Array([], signature="s"))
        self.mock.UpdateProperties(MANAGER, {"Version": "252.30-1~deb12u2"})
        self.calls()  # forget earlier tests' calls

    def tearDown(self):
        if os.path.isdir(self.root):
            for cid in os.listdir(self.root):
                self.runw("--systemd-cgroup", "delete", "--force", cid)
        shutil.rmtree(self.tmp, ignore_errors=True)
        # Container processes re-parented to this subreaper and already dead
        # (the stage 1 of a killed create).
        subreaper.reap_orphans()

    # --- helpers -----------------------------------------------------------------

    def calls(self, method=None):
        calls = json.loads(str(self.mock.RecordedCalls()))
        return [args for m, args in calls if m == method] if method else calls

    def runw(self, *args, env=None, popen=False):
        cmd = [RUNW, "--root", self.root] + list(args)
        # Files, not pipes: the container keeps runw's stdout and stderr open.
        out = tempfile.TemporaryFile(mode="w+")
        err = tempfile.TemporaryFile(mode="w+")
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, stdin=subprocess.DEVNULL, env=env,
                                text=True)
        proc.wait(timeout=60)
        out.seek(0)
        err.seek(0)
        proc.stdout, proc.stderr = out.read(), err.read()
        out.close()
        err.close()
        return proc

    def bundle(self, cid, cgroups_path, resources=None):
        path = os.path.join(self.tmp, "bundle-" + cid)
        subprocess.run([sys.executable, MAKE_BUNDLE, path, "--file",
                        os.path.join(FIXTURES, "spin.wasm"), "--args", "/spin.wasm",
                        "--cgroups-path", cgroups_path, "--memory", str(MEMORY_LIMIT)],
                       check=True)
        if resources:
            config_path = os.path.join(path, "config.json")
            with open(config_path) as f:
                config = json.load(f)
            config["linux"].setdefault("resources", {}).update(resources)
            with open(config_path, "w") as f:
                json.dump(config, f)
        return path

    def create(self, cid, cgroups_path, env=None, resources=None, flags=()):
        b = self.bundle(cid, cgroups_path, resources)
        pid_file = os.path.join(self.tmp, cid + ".pid")
        p = self.runw("--systemd-cgroup", *flags, "create", "--bundle", b, "--pid-file", pid_file,
                      cid, env=env)
        return p, pid_file

    def wait_exit(self, pid, timeout=20):
        deadline = time.time() + timeout
        while time.time() < deadline:
            done, _ = os.waitpid(pid, os.WNOHANG)
            if done == pid:
                return
            time.sleep(0.01)
        raise AssertionError("init %d did not exit" % pid)

    def dirs(self, group):
        return {key: mount + group for key, mount in hierarchies().items()}

    def assert_in_cgroup(self, pid, group):
        where = cgroup_of(pid)
        for key in hierarchies():
            self.assertEqual(where.get(key), group, "hierarchy %r of pid %d" % (key, pid))

    def assert_memory_limit(self, group):
        dirs = self.dirs(group)
        v1 = [d for key, d in dirs.items() if "memory" in key.split(",")]
        if v1:
            path = os.path.join(v1[0], "memory.limit_in_bytes")
        else:
            path = os.path.join(dirs[""], "memory.max")
        with open(path) as f:
            self.assertEqual(int(f.read()), MEMORY_LIMIT_PAGES, path)

    def read_cgroup_file(self, group, controller, name):
        """`name` in the directory that controls `controller` for `group`."""
        dirs = self.dirs(group)
        v1 = [d for key, d in dirs.items() if controller in key.split(",")]
        with open(os.path.join(v1[0] if v1 else dirs[""], name)) as f:
            return f.read().strip()

    def assert_limits_in_force(self, group):
        """RESOURCES, as runw writes them through cgroupfs."""
        self.assert_memory_limit(group)
        self.assertEqual(self.read_cgroup_file(group, "pids", "pids.max"), "42")
        self.assertEqual(self.read_cgroup_file(group, "cpuset", "cpuset.cpus"), "0-1")
        if v1_has("cpu"):
            self.assertEqual(self.read_cgroup_file(group, "cpu", "cpu.cfs_quota_us"), "50000")
            self.assertEqual(self.read_cgroup_file(group, "cpu", "cpu.shares"), "512")
        else:
            self.assertEqual(self.read_cgroup_file(group, "cpu", "cpu.max"), "50000 100000")

    def assert_gone(self, cid, group):
        for key, d in self.dirs(group).items():
            self.assertFalse(os.path.exists(d), "cgroup left in hierarchy %r: %s" % (key, d))
        self.assertFalse(os.path.exists(os.path.join(self.root, cid)), "state directory left")

    def start(self, cid):
        p = self.runw("start", cid)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(json.loads(self.runw("state", cid).stdout)["status"], "running")

    def run_to_the_end(self, cid, pid_file, group):
        """Starts the created container, stops and deletes it, checks nothing is left."""
        with open(pid_file) as f:
            init = int(f.read())
        self.start(cid)
        self.stop_and_delete(cid, init)
        self.assert_gone(cid, group)

    def stop_and_delete(self, cid, pid, exec_pid=None):
        p = self.runw("kill", cid, "KILL")
        self.assertEqual(p.returncode, 0, p.stderr)
        # The exec'd process dies with the init's pid namespace; the init's
        # exit then waits for it to be reaped here, as its subreaper (conmon
        # does the same).
        if exec_pid is not None:
            self.wait_exit(exec_pid)
        self.wait_exit(pid)
        # Without the flag, as podman deletes: the container's state says
        # which unit to stop.
        p = self.runw("delete", cid)
        self.assertEqual(p.returncode, 0, p.stderr)

    # --- tests -------------------------------------------------------------------

    def test_features_report_systemd(self):
        p = self.runw("features")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIs(json.loads(p.stdout)["linux"]["cgroup"]["systemd"], True)

    def test_scope_is_started_limited_and_stopped(self):
        cid = "sd%d" % os.getpid()
        unit = "runwtest-%s.scope" % cid
        group = "/%s/%s" % (self.slice, unit)
        p, pid_file = self.create(cid, "%s:runwtest:%s" % (self.slice, cid))
        self.assertEqual(p.returncode, 0, p.stderr)
        calls = self.calls()
        starts = [args for m, args in calls if m == "StartTransientUnit"]
        self.assertEqual(len(starts), 1, calls)
        start = starts[0]
        self.assertEqual((start["name"], start["mode"]), (unit, "replace"))
        props = start["properties"]
        self.assertEqual(props["Slice"], self.slice)
        self.assertIs(props["Delegate"], True)
        for accounting in ("MemoryAccounting", "CPUAccounting", "TasksAccounting"):
            self.assertIs(props[accounting], True, accounting)
        self.assertIn(cid, props["Description"])
        self.assertEqual(start["aux"], [])
        # The scope starts with the container's first process, a child of
        # `runw create` (it forks the init, which inherits the cgroup).
        self.assertEqual(len(props["PIDs"]), 1, props)
        self.assertEqual(start["parents"][str(props["PIDs"][0])], p.pid)
        # JobRemoved is only sent to subscribers.
        names = [m for m, _ in calls]
        self.assertLess(names.index("Subscribe"), names.index("StartTransientUnit"))
        self.assertIn("GetUnit", names)

        with open(pid_file) as f:
            init = int(f.read())
        self.assert_in_cgroup(init, group)
        self.assert_memory_limit(group)
        self.start(cid)
        # exec joins the cgroup systemd made, through the paths create recorded.
        exec_pid_file = os.path.join(self.tmp, "exec.pid")
        p = self.runw("exec", "--detach", "--pid-file", exec_pid_file, cid, "/spin.wasm")
        self.assertEqual(p.returncode, 0, p.stderr)
        with open(exec_pid_file) as f:
            exec_pid = int(f.read())
        self.assert_in_cgroup(exec_pid, group)
        self.stop_and_delete(cid, init, exec_pid)
        stops = self.calls("StopUnit")
        self.assertEqual(stops, [{"name": unit, "mode": "replace"}])
        self.assert_gone(cid, group)

    def test_limits_are_sent_as_unit_properties(self):
        if os.cpu_count() < 2:
            self.skipTest("cpuset.cpus \"0-1\" needs 2 CPUs")
        cid = "sdprops%d" % os.getpid()
        unit = "runwtest-%s.scope" % cid
        group = "/%s/%s" % (self.slice, unit)
        p, pid_file = self.create(cid, "%s:runwtest:%s" % (self.slice, cid), resources=RESOURCES)
        self.assertEqual(p.returncode, 0, p.stderr)
        starts = self.calls("StartTransientUnit")
        self.assertEqual(len(starts), 1, starts)
        props = starts[0]["properties"]
        limits = {k: v for k, v in props.items() if k not in BASE_PROPERTIES}
        want = {
            "MemoryLimit" if v1_has("memory") else "MemoryMax": MEMORY_LIMIT,
            "TasksMax": 42,
            # 50 ms per 100 ms period: 0.5 s of CPU per second.
            "CPUQuotaPerSecUSec": 500000,
            "CPUQuotaPeriodUSec": 100000,
            "AllowedCPUs": [0x03],
        }
        # Shares 512 is weight 1 + (510 * 9999) // 262142 = 20 on cgroup v2.
        want.update({"CPUShares": 512} if v1_has("cpu") else {"CPUWeight": 20})
        self.assertEqual(limits, want)
        # The mock writes no limit: what is in force, runw wrote.
        self.assert_limits_in_force(group)

        # update: the new limit goes to systemd too, and to the cgroup.
        p = self.runw("update", "--memory", "50003968", cid)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(self.calls("SetUnitProperties"), [{
            "name": unit, "runtime": True,
            "properties": {"MemoryLimit" if v1_has("memory") else "MemoryMax": 50003968}}])
        memory = self.read_cgroup_file(group, "memory", "memory.limit_in_bytes"
                                       if v1_has("memory") else "memory.max")
        self.assertEqual(int(memory), 50003968)
        # systemd keeps the quota as a ratio, CPU time per second: a period or
        # quota alone is sent with the other half as the cgroup has it (50000,
        # then 200000).
        for flag, value, per_sec in [("--cpu-period", "200000", 250000),
                                     ("--cpu-quota", "30000", 150000)]:
            p = self.runw("update", flag, value, cid)
            self.assertEqual(p.returncode, 0, p.stderr)
            self.assertEqual(self.calls("SetUnitProperties"), [{
                "name": unit, "runtime": True,
                "properties": {"CPUQuotaPerSecUSec": per_sec, "CPUQuotaPeriodUSec": 200000}}],
                flag)
        if v1_has("cpu"):
            self.assertEqual(self.read_cgroup_file(group, "cpu", "cpu.cfs_quota_us"), "30000")
            self.assertEqual(self.read_cgroup_file(group, "cpu", "cpu.cfs_period_us"), "200000")
        else:
            self.assertEqual(self.read_cgroup_file(group, "cpu", "cpu.max"), "30000 200000")
        # checkBeforeUpdate refuses a limit below the usage before systemd
        # hears of it (it would set the limit at once).
        res = os.path.join(self.tmp, "res.json")
        with open(res, "w") as f:
            json.dump({"memory": {"limit": 4096, "checkBeforeUpdate": True}}, f)
        p = self.runw("update", "--resources", res, cid)
        self.assertEqual(p.returncode, 1)
        self.assertIn("is below the current usage", p.stderr)
        self.assertEqual(self.calls("SetUnitProperties"), [])
        # An update systemd cannot be told about fails, naming the unit, and
        # leaves the cgroup as it was (systemd would otherwise reset it later).
        env = dict(os.environ, DBUS_SYSTEM_BUS_ADDRESS="unix:path=%s/no-bus" % self.tmp)
        p = self.runw("update", "--memory", "60000256", cid, env=env)
        self.assertEqual(p.returncode, 1)
        self.assertIn("systemd: set properties of unit `%s`" % unit, p.stderr)
        memory = self.read_cgroup_file(group, "memory", "memory.limit_in_bytes"
                                       if v1_has("memory") else "memory.max")
        self.assertEqual(int(memory), 50003968)
        self.run_to_the_end(cid, pid_file, group)

    def test_properties_an_old_systemd_lacks_are_left_out(self):
        if os.cpu_count() < 2:
            self.skipTest("cpuset.cpus \"0-1\" needs 2 CPUs")
        cid = "sdv241%d" % os.getpid()
        group = "/%s/runwtest-%s.scope" % (self.slice, cid)
        # v241 knows neither CPUQuotaPeriodUSec (v242) nor AllowedCPUs (v244).
        self.mock.UpdateProperties(MANAGER, {"Version": "241"})
        p, pid_file = self.create(cid, "%s:runwtest:%s" % (self.slice, cid), resources=RESOURCES)
        self.assertEqual(p.returncode, 0, p.stderr)
        starts = self.calls("StartTransientUnit")
        self.assertEqual(len(starts), 1, starts)
        sent = set(starts[0]["properties"]) - BASE_PROPERTIES
        self.assertEqual(sent, {"MemoryLimit" if v1_has("memory") else "MemoryMax", "TasksMax",
                                "CPUQuotaPerSecUSec",
                                "CPUShares" if v1_has("cpu") else "CPUWeight"})
        self.assert_limits_in_force(group)
        self.run_to_the_end(cid, pid_file, group)

    def test_refused_properties_are_dropped_and_cgroupfs_still_limits(self):
        if os.cpu_count() < 2:
            self.skipTest("cpuset.cpus \"0-1\" needs 2 CPUs")
        cid = "sdold%d" % os.getpid()
        unit = "runwtest-%s.scope" % cid
        group = "/%s/%s" % (self.slice, unit)
        # As systemd before v244, which does not know AllowedCPUs.
        self.mock.SetRejectedProperties(["AllowedCPUs"])
        log = os.path.join(self.tmp, "runw.log")
        p, pid_file = self.create(cid, "%s:runwtest:%s" % (self.slice, cid), resources=RESOURCES,
                                  flags=("--log", log))
        self.assertEqual(p.returncode, 0, p.stderr)
        starts = self.calls("StartTransientUnit")
        self.assertEqual(len(starts), 2, starts)
        self.assertIn("AllowedCPUs", starts[0]["properties"])
        self.assertIn("TasksMax", starts[0]["properties"])
        # The retry: the same scope, with the base properties only.
        self.assertEqual(starts[1]["name"], unit)
        self.assertEqual(set(starts[1]["properties"]), BASE_PROPERTIES)
        with open(log) as f:
            logged = f.read()
        self.assertIn("Cannot set property AllowedCPUs", logged)
        self.assertIn("without resource properties", logged)
        with open(pid_file) as f:
            init = int(f.read())
        self.assert_in_cgroup(init, group)
        self.assert_limits_in_force(group)
        self.start(cid)
        self.stop_and_delete(cid, init)
        self.assert_gone(cid, group)

    def test_no_bus_maps_onto_cgroupfs(self):
        cid = "sdnobus%d" % os.getpid()
        group = "/%s/runwtest-%s.scope" % (self.slice, cid)
        env = dict(os.environ, DBUS_SYSTEM_BUS_ADDRESS="unix:path=%s/no-bus" % self.tmp)
        p, pid_file = self.create(cid, "%s:runwtest:%s" % (self.slice, cid), env=env)
        self.assertEqual(p.returncode, 0, p.stderr)
        with open(pid_file) as f:
            init = int(f.read())
        self.assert_in_cgroup(init, group)
        self.assert_memory_limit(group)
        self.start(cid)
        self.stop_and_delete(cid, init)
        self.assertEqual(self.calls(), [], "runw talked to systemd through another bus")
        self.assert_gone(cid, group)

    def test_bus_without_systemd_maps_onto_cgroupfs(self):
        # A second bus, the same as the mock's but with no manager on it.
        conf = os.path.join(self.tmp, "bus.conf")
        with open(conf, "w") as f:
            f.write(BUS_CONFIG)
        bus_pid, address = self.start_dbus(conf=conf)
        try:
            bus = dbus.bus.BusConnection(address)
            self.assertFalse(bus.name_has_owner("org.freedesktop.systemd1"))
            bus.close()
            cid = "sdnoowner%d" % os.getpid()
            group = "/%s/runwtest-%s.scope" % (self.slice, cid)
            env = dict(os.environ, DBUS_SYSTEM_BUS_ADDRESS=address)
            started = time.time()
            p, pid_file = self.create(cid, "%s:runwtest:%s" % (self.slice, cid), env=env)
            self.assertEqual(p.returncode, 0, p.stderr)
            # An answer, not a timeout, is what sent runw to cgroupfs.
            self.assertLess(time.time() - started, 5)
            with open(pid_file) as f:
                init = int(f.read())
            self.assert_in_cgroup(init, group)
            self.assert_memory_limit(group)
            self.start(cid)
            self.stop_and_delete(cid, init)
            self.assertEqual(self.calls(), [])
            self.assert_gone(cid, group)
        finally:
            os.kill(bus_pid, signal.SIGTERM)
            try:
                os.waitpid(bus_pid, 0)
            except ChildProcessError:
                pass

    def test_start_error_fails_create_and_leaves_nothing(self):
        cid = "sdfail%d" % os.getpid()
        unit = "runwtest-%s.scope" % cid
        self.mock.SetStartError("mock systemd refuses the scope")
        p, pid_file = self.create(cid, "%s:runwtest:%s" % (self.slice, cid))
        self.assertEqual(p.returncode, 1)
        self.assertIn(unit, p.stderr)
        self.assertIn("mock systemd refuses the scope", p.stderr)
        self.assertEqual(p.stderr.count("\n"), 1, p.stderr)
        self.assertFalse(os.path.exists(pid_file))
        starts = self.calls("StartTransientUnit")
        self.assertEqual(len(starts), 1)
        for pid in starts[0]["properties"]["PIDs"]:
            self.assertFalse(os.path.exists("/proc/%d" % pid), "process %d left" % pid)
        self.assert_gone(cid, "/%s/%s" % (self.slice, unit))

    def test_failed_or_endless_job_fails_create_and_stops_the_unit(self):
        for result, message in [("failed", 'job finished with result "failed"'),
                                ("", "timed out after 10s waiting for systemd job")]:
            cid = "sdjob%s%d" % (result, os.getpid())
            unit = "runwtest-%s.scope" % cid
            self.mock.SetStartResult(result)
            started = time.time()
            p, _ = self.create(cid, "%s:runwtest:%s" % (self.slice, cid))
            self.assertEqual(p.returncode, 1, result)
            self.assertIn(unit, p.stderr)
            self.assertIn(message, p.stderr)
            if not result:
                self.assertGreaterEqual(time.time() - started, 10)
            # The unit did come into being; the failed create stops it again.
            self.assertEqual(self.calls("StopUnit"), [{"name": unit, "mode": "replace"}])
            self.assert_gone(cid, "/%s/%s" % (self.slice, unit))

    def test_delete_force_after_killed_create_stops_the_unit(self):
        cid = "sdkilled%d" % os.getpid()
        unit = "runwtest-%s.scope" % cid
        self.mock.SetStartResult("")  # create waits for the job, and is killed meanwhile
        b = self.bundle(cid, "%s:runwtest:%s" % (self.slice, cid))
        proc = subprocess.Popen([RUNW, "--root", self.root, "--systemd-cgroup", "create",
                                 "--bundle", b, cid], stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 10
        starts = []
        while not starts and time.time() < deadline:
            time.sleep(0.05)
            starts = self.calls("StartTransientUnit")
        self.assertEqual(len(starts), 1)
        proc.kill()
        proc.wait()
        p = self.runw("delete", "--force", cid)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(self.calls("StopUnit"), [{"name": unit, "mode": "replace"}])
        self.assert_gone(cid, "/%s/%s" % (self.slice, unit))

    def test_slice_name_is_refused(self):
        cid = "sdslice%d" % os.getpid()
        p, _ = self.create(cid, "%s:runwtest:pod.slice" % self.slice)
        self.assertEqual(p.returncode, 1)
        self.assertIn("names the slice `pod.slice`", p.stderr)
        self.assertEqual(self.calls("StartTransientUnit"), [])
        self.assertFalse(os.path.exists(os.path.join(self.root, cid)))


if __name__ == "__main__":
    if dbusmock is None:
        print("skipped: python3-dbusmock is not installed (%s)" % IMPORT_ERROR)
        sys.exit(77)
    if shutil.which("dbus-daemon") is None:
        print("skipped: dbus-daemon is not installed")
        sys.exit(77)
    subreaper.main("the systemd cgroup test")
