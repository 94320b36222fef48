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
//   "machine.slice:libpod:<id>" with --systemd-cgroup: on a host without
//       systemd (as here) mapped onto the cgroupfs path
//       "<slice hierarchy>/<prefix>-<name>.scope", the layout systemd would make
//       ("a-b.slice" nests as a.slice/a-b.slice/; an empty slice means
//       "system.slice", "-.slice" the root); without the flag this form is an
//       error rather than a directory name;
//   "": "/runw/<id>" (what runc does with no path is similar).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "oci/config.h"

namespace runw::oci {

class Cgroup {
 public:
  /// Works out where the container's cgroup lives on this host; touches nothing.
  static Expected<Cgroup> Resolve(std::string_view cgroups_path, std::string_view id, bool systemd);
  /// Rebuilds a Cgroup from ToJson's output (kept in the container's state).
  static Expected<Cgroup> FromJson(std::string_view json_text);
  /// The resolved paths, as JSON, for the state directory.
  std::string ToJson() const;

  /// Creates the cgroup in every hierarchy that has a controller it needs.
  Expected<void> Create();
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
  /// Removes the cgroup directories; the cgroup must be empty (the caller
  /// kills and waits first). Missing directories are not an error.
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
};

}  // namespace runw::oci
