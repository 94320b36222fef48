// Control groups for a container: find or create its cgroup on this host's
// hierarchy (cgroup v1, v2, or the hybrid layout with v2 at
// /sys/fs/cgroup/unified), apply linux.resources, and answer the questions
// other commands ask (which processes, frozen or not, memory limit).
//
// cgroupsPath forms (runtime-spec config-linux.md, and what callers send):
//   "/libpod_parent/libpod-<id>", "/default/<id>", "kubepods/pod<uid>/<id>":
//       cgroupfs paths below the root of each hierarchy; a relative path is
//       taken from the root too (not from the runtime's own cgroup), so that
//       every command finds the container's cgroup wherever it runs from;
//       ".." components and the root cgroup itself are refused;
//   "machine.slice:libpod:<id>" with --systemd-cgroup: the transient scope
//       unit "<prefix>-<name>.scope" in the slice ("system.slice" when the
//       slice part is empty, "-.slice" the root), made by one of two managers:
//         - systemd, over D-Bus (systemd.h), when it is reachable: the system
//           bus answers and org.freedesktop.systemd1 has an owner there.
//           systemd starts the scope with the container's first process in it
//           and the limits it has unit properties for (systemd.h); runw then
//           writes all the limits into the directories systemd made
//           (Delegate=true), and makes the directories in the v1 hierarchies
//           systemd does not manage. `update` tells systemd the new limits
//           too; `delete` stops the unit.
//         - runw itself, otherwise (a host whose init is not systemd, like a
//           container or a minimal VM): the form is mapped onto the cgroupfs
//           path systemd would use, "<slice hierarchy>/<prefix>-<name>.scope"
//           ("a-b.slice" nests as a.slice/a-b.slice/), and handled like any
//           other cgroupfs path. runc refuses --systemd-cgroup without systemd;
//           runw maps instead, so that the same caller configuration (podman,
//           CRI-O and containerd set it host-wide) works on both kinds of host.
//       systemd is detected on the bus rather than by /run/systemd/system
//       because the bus is what runw actually needs (a booted-systemd marker
//       with no reachable manager would only turn into a failed create), and
//       because DBUS_SYSTEM_BUS_ADDRESS lets tests put a mock manager there.
//       Which manager made the cgroup is decided once, at create, and kept in
//       the container's state (ToJson's "systemd_unit"): later commands follow
//       it, with or without the flag (podman's delete does not pass it).
//       A name ending in ".slice" (runc accepts one for a pod's parent slice)
//       is refused: a container's processes need a scope, and a slice holds
//       none. Without the flag this form is an error rather than a directory
//       name;
//   "": "/runw/<id>" (what runc does with no path is similar), also with
//       --systemd-cgroup.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "oci/config.h"
#include "oci/systemd-properties.h"

namespace runw::oci {

class Cgroup {
 public:
  /// Works out where the container's cgroup lives on this host, and who makes
  /// it (with `systemd`: systemd when the system bus has it, else runw);
  /// touches nothing.
  static Expected<Cgroup> Resolve(std::string_view cgroups_path, std::string_view id, bool systemd);
  /// Rebuilds a Cgroup from ToJson's output (kept in the container's state).
  static Expected<Cgroup> FromJson(std::string_view json_text);
  /// The resolved paths, as JSON, for the state directory.
  std::string ToJson() const;

  /// The systemd unit that owns this cgroup ("libpod-<id>.scope"), or "" when
  /// runw manages the directories itself.
  std::string SystemdUnit() const { return systemd_ ? systemd_->unit : std::string(); }

  /// Creates the cgroup in every hierarchy that has a controller it needs.
  /// Not for a systemd-managed cgroup before StartSystemdUnit: its directories
  /// are systemd's to make.
  Expected<void> Create();
  /// For a systemd-managed cgroup, in place of Create and AddProcess: asks
  /// systemd to start the scope with `pid` in it, takes the cgroup's paths
  /// from the unit's ControlGroup, and makes (and puts `pid` in) the
  /// directories of the v1 hierarchies systemd does not manage, as runc does.
  /// The limits of `resources` (if any) that systemd has unit properties for
  /// go with the start (systemd.h); Apply must still be called afterwards.
  /// Call ToJson again afterwards: the paths may have changed.
  Expected<void> StartSystemdUnit(pid_t pid, const Resources* resources = nullptr);
  /// For a systemd-managed cgroup, before Apply at `update`: sets the limits
  /// of `resources` that systemd has unit properties for on the unit, so that
  /// systemd does not reset them to the create-time ones. A CFS quota or
  /// period given alone is sent with the other half as the cgroup has it.
  /// Does nothing for a cgroup runw manages itself, or when no such limit is set.
  Expected<void> UpdateSystemdUnit(const Resources& resources);
  /// Writes the limits of `resources`. A limit whose controller is absent on
  /// this host fails with a message naming it; unset fields change nothing.
  ///
  /// Device rules add to those in force, as v1's devices.allow/deny do. On
  /// cgroup v2 (an eBPF program replaced whole) the program must repeat the
  /// rules already in force, which the caller passes as `devices_in_force`
  /// (`update`: the config's list, the defaults, the earlier updates); the
  /// v1 files need only the new rules and ignore it.
  Expected<void> Apply(const Resources& resources,
                       std::span<const DeviceRule> devices_in_force = {});
  /// Moves process `pid` (and so its future children) into the cgroup.
  Expected<void> AddProcess(pid_t pid);
  /// Every process in the cgroup (cgroup.procs, recursively).
  Expected<std::vector<pid_t>> Pids() const;
  /// Sends `signal` to every process in the cgroup (`kill --all`, and the
  /// sweep `delete` does before removing the cgroup).
  Expected<void> KillAll(int signal) const;
  /// Freezes or thaws every process (v1 freezer.state, v2 cgroup.freeze).
  Expected<void> SetFrozen(bool frozen);
  Expected<bool> Frozen() const;
  /// Stops the systemd unit, if there is one (a unit systemd does not know is
  /// fine), then removes the cgroup directories; the cgroup must be empty (the
  /// caller kills and waits first). Missing directories are not an error.
  Expected<void> Destroy();

  /// The memory limit now in force, in bytes, if any.
  std::optional<int64_t> MemoryLimit() const;

  /// The v2 path (absolute under /sys/fs/cgroup or the unified mount), or the
  /// v1 path of `controller`, for diagnostics and tests.
  std::string PathOf(std::string_view controller) const;

 private:
  // controller name ("memory", "cpu,cpuacct", …, or "" for the v2 unified
  // hierarchy) -> absolute directory.
  std::vector<std::pair<std::string, std::string>> paths_;
  // Set when systemd manages the cgroup. Only `unit` is kept in the JSON:
  // after create, stopping the unit is all that is left to ask of systemd.
  struct SystemdScope {
    std::string unit;
    std::string slice;
    std::string description;
  };
  std::optional<SystemdScope> systemd_;

  // Which cgroup version carries the memory and cpu controllers, from the
  // hierarchies in paths_ (a controller no v1 hierarchy carries is v2's).
  systemd::ControllerVersions Versions() const;
};

}  // namespace runw::oci
