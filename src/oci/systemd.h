// systemd's D-Bus API, the part `--systemd-cgroup` needs: a container's cgroup
// becomes a transient scope unit ("<prefix>-<name>.scope") that systemd starts
// with the container's first process in it and stops at `delete`.
//
// Why through systemd at all: on a host where systemd is the init, systemd
// owns the cgroup tree. A directory made behind its back is unknown to it, is
// not accounted to any unit, and may be removed or have its processes moved
// when systemd reorganises the tree (daemon-reload, a slice restart). A unit
// it started itself is neither.
//
// Only the unit's existence goes through D-Bus (StartTransientUnit, StopUnit,
// the ControlGroup property); the resource limits are written by cgroups.cc
// into the directories systemd made (Delegate=true hands the subtree to us),
// so that limits have one code path whichever manager made the cgroup. The
// price: systemd does not know those limits, and re-applying the unit's own
// properties (as `systemctl daemon-reload` does) can reset the ones it has
// properties for (memory, CPU, tasks) on the scope. runc avoids that by also
// sending those limits as unit properties; runw does not yet.
//
// Every call opens its own connection to the system bus (sd_bus_open_system,
// which honours DBUS_SYSTEM_BUS_ADDRESS) and closes it before returning: a
// runw command makes at most a few calls, and no connection survives the
// fork of the container's processes.
#pragma once

#include <sys/types.h>

#include <string>

#include "oci/config.h"

namespace runw::oci::systemd {

/// True when the system bus can be reached and the name
/// org.freedesktop.systemd1 has an owner there, i.e. systemd (or anything
/// speaking for it) is there to manage units. Never fails: every problem
/// means "no".
bool Available();

/// What StartScope asks for.
struct ScopeRequest {
  std::string unit;         // "libpod-<id>.scope"
  std::string slice;        // "machine.slice"
  std::string description;  // shown by `systemctl status`
  pid_t pid = 0;            // the process the scope starts with
};

/// Starts the transient scope `request.unit` in `request.slice` with
/// `request.pid` in it (Delegate=true; memory, CPU and tasks accounting on),
/// and waits up to 10 s for systemd's job to finish. Returns the unit's
/// ControlGroup: its cgroup path below the root of each hierarchy
/// ("/machine.slice/libpod-<id>.scope").
Expected<std::string> StartScope(const ScopeRequest& request);

/// Stops `unit` and waits for the job, as `systemctl stop` does. A unit systemd
/// does not know (never started, already gone, or systemd unreachable) is not
/// an error: what `delete` wants is that the unit is gone.
Expected<void> StopUnit(const std::string& unit);

}  // namespace runw::oci::systemd
