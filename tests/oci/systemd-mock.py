"""A python-dbusmock template standing in for systemd's manager
(org.freedesktop.systemd1) in systemd-test.py, on a private system bus.

It does what runw relies on systemd for, for real: StartTransientUnit makes the
scope's cgroup directories and puts the PIDs in them, StopUnit kills what is
left and removes them; both finish with JobRemoved(..., "done"), as systemd's
jobs do. Like systemd on a cgroup v1 host with memory, CPU and tasks accounting,
it makes the scope only in the unified hierarchy and in those of the memory,
cpu and pids controllers: runw must make the others itself.

Every manager call is recorded (RecordedCalls, JSON), and StartTransientUnit
can be told to fail (SetStartError), to refuse some properties as an older
systemd refuses ones it does not know (SetRejectedProperties), or to run a job
that fails or never ends (SetStartResult), so that the test can check what runw
asked for and what it does when systemd says no. The manager's Version
property says 252 (the test may UpdateProperties it). SetUnitProperties is
recorded and otherwise only checks that the unit exists: the mock writes no limits, so
whatever limit the test finds in the cgroup, runw wrote.
"""
import json
import os
import signal
import time

import dbus
from gi.repository import GLib

from dbusmock import MOCK_IFACE, mockobject

BUS_NAME = "org.freedesktop.systemd1"
MAIN_OBJ = "/org/freedesktop/systemd1"
MAIN_IFACE = BUS_NAME + ".Manager"
SYSTEM_BUS = True
UNIT_IFACE = BUS_NAME + ".Unit"
SCOPE_IFACE = BUS_NAME + ".Scope"
MANAGED_CONTROLLERS = ("memory", "cpu", "pids")
VERSION = "252.30-1~deb12u2"


def load(mock, _parameters):
    mock.next_job = 1
    mock.units = {}  # name -> (object path, [cgroup directories])
    mock.calls = []  # [method, {argument: value}]
    mock.start_error = ""
    mock.start_result = "done"
    mock.rejected_properties = []
    mock.AddProperties(MAIN_IFACE, {"Version": VERSION})


def managed_mounts():
    """The mount points of the hierarchies this 'systemd' manages."""
    mounts = []
    with open("/proc/self/mountinfo") as f:
        for line in f:
            head, _, tail = line.partition(" - ")
            fields, tail = head.split(), tail.split()
            if tail[0] == "cgroup2":
                mounts.append(fields[4])
            elif tail[0] == "cgroup":
                opts = tail[2].split(",")
                if any(c in opts for c in MANAGED_CONTROLLERS):
                    mounts.append(fields[4])
    return sorted(set(mounts))


def slice_path(name):
    """'a-b.slice' -> '/a.slice/a-b.slice', as systemd nests slices."""
    if name == "-.slice":
        return ""
    stem = name[:-len(".slice")]
    parts = stem.split("-")
    return "".join("/" + "-".join(parts[:i + 1]) + ".slice" for i in range(len(parts)))


def plain(value):
    """D-Bus values as JSON-able Python ones."""
    if isinstance(value, dbus.Boolean):
        return bool(value)
    if isinstance(value, (list, dbus.Array)):
        return [plain(v) for v in value]
    if isinstance(value, (int, dbus.UInt32, dbus.Int32, dbus.UInt64, dbus.Int64)):
        return int(value)
    return str(value)


def parent_of(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            return int(f.read().rsplit(")", 1)[1].split()[1])
    except OSError:
        return 0


def finish_job(mock, name, result="done"):
    """A job path; JobRemoved with `result` follows unless `result` is empty."""
    job_id = mock.next_job
    mock.next_job += 1
    job = "%s/job/%d" % (MAIN_OBJ, job_id)
    # After the reply, as systemd does once the job has run.
    if result:
        GLib.idle_add(lambda: mock.EmitSignal(MAIN_IFACE, "JobRemoved", "uoss",
                                              [dbus.UInt32(job_id), dbus.ObjectPath(job), name,
                                               result]) and False)
    return job


def no_such_unit(name):
    return dbus.exceptions.DBusException("Unit %s not loaded." % name,
                                         name=BUS_NAME + ".NoSuchUnit")


@dbus.service.method(MAIN_IFACE, in_signature="", out_signature="")
def Subscribe(self):
    self.calls.append(["Subscribe", {}])


@dbus.service.method(MAIN_IFACE, in_signature="ssa(sv)a(sa(sv))", out_signature="o")
def StartTransientUnit(self, name, mode, properties, aux):
    props = {str(k): plain(v) for k, v in properties}
    # The parent of each pid while it is alive, for the test to tell which
    # process runw put in the scope.
    parents = {str(pid): parent_of(pid) for pid in props.get("PIDs", [])}
    self.calls.append(["StartTransientUnit", {"name": str(name), "mode": str(mode),
                                              "properties": props, "aux": plain(aux),
                                              "parents": parents}])
    if self.start_error:
        raise dbus.exceptions.DBusException(self.start_error,
                                            name="org.freedesktop.DBus.Error.Failed")
    for prop in self.rejected_properties:
        if prop in props:
            # systemd's answer to a property it has no setter for.
            raise dbus.exceptions.DBusException(
                "Cannot set property %s, or unknown property." % prop,
                name="org.freedesktop.DBus.Error.InvalidArgs")
    if str(name) in self.units:
        raise dbus.exceptions.DBusException("Unit %s already exists." % name,
                                            name=BUS_NAME + ".UnitExists")
    group = slice_path(props.get("Slice", "system.slice")) + "/" + str(name)
    dirs = [mount + group for mount in managed_mounts()]
    for d in dirs:
        os.makedirs(d, exist_ok=True)
        for pid in props.get("PIDs", []):
            with open(os.path.join(d, "cgroup.procs"), "w") as f:
                f.write(str(pid))
    path = "%s/unit/%s" % (MAIN_OBJ, str(name).replace(".", "_2e").replace("-", "_2d"))
    self.AddObject(path, SCOPE_IFACE, {"ControlGroup": group}, [])
    mockobject.objects[path].AddProperties(UNIT_IFACE, {"Id": str(name),
                                                        "ActiveState": "active"})
    self.units[str(name)] = (path, dirs)
    return finish_job(self, name, self.start_result)


@dbus.service.method(MAIN_IFACE, in_signature="ss", out_signature="o")
def StopUnit(self, name, mode):
    self.calls.append(["StopUnit", {"name": str(name), "mode": str(mode)}])
    if str(name) not in self.units:
        raise no_such_unit(name)
    path, dirs = self.units.pop(str(name))
    # KillMode=control-group: whatever is still in the scope is killed.
    for d in dirs:
        deadline = time.time() + 5
        while os.path.isdir(d) and time.time() < deadline:
            for sub, _, _ in os.walk(d, topdown=False):
                with open(os.path.join(sub, "cgroup.procs")) as f:
                    for pid in f.read().split():
                        try:
                            os.kill(int(pid), signal.SIGKILL)
                        except ProcessLookupError:
                            pass
                try:
                    os.rmdir(sub)
                except OSError:
                    time.sleep(0.02)
    self.RemoveObject(path)
    return finish_job(self, name)


@dbus.service.method(MAIN_IFACE, in_signature="sba(sv)", out_signature="")
def SetUnitProperties(self, name, runtime, properties):
    self.calls.append(["SetUnitProperties", {"name": str(name), "runtime": bool(runtime),
                                             "properties": {str(k): plain(v)
                                                            for k, v in properties}}])
    if str(name) not in self.units:
        raise no_such_unit(name)


@dbus.service.method(MAIN_IFACE, in_signature="s", out_signature="o")
def GetUnit(self, name):
    self.calls.append(["GetUnit", {"name": str(name)}])
    if str(name) not in self.units:
        raise no_such_unit(name)
    return dbus.ObjectPath(self.units[str(name)][0])


@dbus.service.method(MAIN_IFACE, in_signature="s", out_signature="")
def ResetFailedUnit(self, name):
    self.calls.append(["ResetFailedUnit", {"name": str(name)}])
    if str(name) not in self.units:
        raise no_such_unit(name)


@dbus.service.method(MOCK_IFACE, in_signature="", out_signature="s")
def RecordedCalls(self):
    calls = json.dumps(self.calls)
    self.calls = []
    return calls


@dbus.service.method(MOCK_IFACE, in_signature="s", out_signature="")
def SetStartError(self, message):
    """Makes StartTransientUnit fail with `message` ("" for success)."""
    self.start_error = str(message)


@dbus.service.method(MOCK_IFACE, in_signature="as", out_signature="")
def SetRejectedProperties(self, names):
    """Makes StartTransientUnit fail with InvalidArgs when it is given any of
    `names` ([] to accept everything)."""
    self.rejected_properties = [str(n) for n in names]


@dbus.service.method(MOCK_IFACE, in_signature="s", out_signature="")
def SetStartResult(self, result):
    """The result StartTransientUnit's job ends with ("" for a job that never ends)."""
    self.start_result = str(result)
