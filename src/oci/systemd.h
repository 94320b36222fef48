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
// The unit's existence goes through D-Bus (StartTransientUnit, StopUnit, the
// ControlGroup property), and so do the limits systemd has unit properties
// for (systemd-properties.h: memory limit and, on v2, reservation; CPU shares
// or weight, quota and period, cpuset CPUs and memory nodes; tasks): sent
// with StartTransientUnit at create and with SetUnitProperties at update,
// less those the manager's version is too old for. Without
// them systemd would not know the limits, and re-applying the unit's own
// properties (as `systemctl daemon-reload` does) would reset them to its
// defaults on the scope.
//
// runw still writes every limit itself, through cgroupfs, into the
// directories systemd made (Delegate=true hands the subtree to us), right
// after: that keeps one code path for all limits whichever manager made the
// cgroup, puts them in force at once (systemd writes properties out on its
// own schedule), and covers what has no property and stays cgroupfs-only:
// memory swap, kernel memory, swappiness and OOM settings, the v1 soft
// limit, CFS burst, realtime and idle, block I/O, hugepages, network classes
// and priorities, device rules, and linux.resources.unified. Those of them in a controller systemd
// manages for the scope (memory.swap.max on cgroup v2, for one) can still be
// reset by a daemon-reload.
//
// Every call opens its own connection to the system bus (sd_bus_open_system,
// which honours DBUS_SYSTEM_BUS_ADDRESS) and closes it before returning: a
// runw command makes at most a few calls, and no connection survives the
// fork of the container's processes.
#pragma once

#include <sys/types.h>

#include <span>
#include <string>
#include <vector>

#include "oci/config.h"
#include "oci/systemd-properties.h"

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
  // The container's limits (ResourceProperties), after the base properties.
  std::vector<UnitProperty> resources;
};

/// Starts the transient scope `request.unit` in `request.slice` with
/// `request.pid` in it (Delegate=true; memory, CPU and tasks accounting on;
/// `request.resources`, less those the manager's Version does not know yet),
/// and waits up to 10 s for systemd's job to finish. When systemd refuses the
/// call with InvalidArgs or PropertyReadOnly (an older version that does not
/// know one of the resource properties), the scope is started once more
/// without `request.resources`, and a warning is logged. Returns the unit's ControlGroup: its
/// cgroup path below the root of each hierarchy ("/machine.slice/libpod-<id>.scope").
Expected<std::string> StartScope(const ScopeRequest& request);

/// Sets `properties` on the running `unit` (SetUnitProperties with
/// runtime=true), as `systemctl set-property --runtime` does, less those the
/// manager's Version does not know yet. No properties is no call. Fails naming the unit when
/// systemd cannot be reached or says no.
Expected<void> SetUnitProperties(const std::string& unit, std::span<const UnitProperty> properties);

/// Stops `unit` and waits for the job, as `systemctl stop` does. A unit systemd
/// does not know (never started, already gone, or systemd unreachable) is not
/// an error: what `delete` wants is that the unit is gone.
Expected<void> StopUnit(const std::string& unit);

}  // namespace runw::oci::systemd
