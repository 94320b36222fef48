// Device access rules (linux.resources.devices) on cgroup v2.
//
// cgroup v1 has a devices controller that takes the rules as text
// (devices.allow, devices.deny). cgroup v2 has none: the kernel instead runs
// the eBPF programs of type BPF_PROG_TYPE_CGROUP_DEVICE attached to the
// process's cgroup (and its ancestors) on every open(2) and mknod(2) of a
// device node, and refuses the access with EPERM when one returns 0. This file
// turns the rule list into such a program, loads it with bpf(2) and attaches
// it to the container's cgroup.
//
// Semantics (the runtime-spec: rules apply in order, later ones override):
//   - a rule matches an access when its type is "a" (or empty) or equals the
//     device's ('c' or 'b'), its major and minor are absent/negative
//     (wildcards) or equal the device's, and its access letters ("rwm", empty
//     meaning all three) include the access bit being decided;
//   - each access bit asked for (an open for O_RDWR asks for read and write at
//     once) is decided by the LAST rule that matches it: allowed when that rule
//     allows, denied when it denies;
//   - a bit no rule matches is allowed, as a fresh v1 device cgroup allows
//     everything until it is given "deny all" (callers send "a *:* rwm" deny
//     first and then what they allow);
//   - the access is granted only when every bit asked for is allowed.
// This is what the ordered v1 list means in the common cases. Where the v1
// kernel list differs it is because v1 edits an exception list rather than
// evaluating rules: a deny of "c 1:3" after an allow of "c 1:*" removes
// nothing there (no exception equals "c 1:3"), while here the later deny wins,
// as the spec says; and v1 takes any "a" rule as "everything", numbers and
// access letters ignored, while here "a 1:3 r" means read of char or block
// device 1:3.
#pragma once

#include <linux/bpf.h>

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "oci/config.h"

namespace runw::oci {

/// The program's name in the kernel (bpftool prog show, BPF_OBJ_GET_INFO_BY_FD):
/// how a later `runw update` recognises the program it replaces.
inline constexpr char kDeviceProgramName[] = "runw_devices";

/// The eBPF instructions deciding `rules` (already validated) as described
/// above. The program reads struct bpf_cgroup_dev_ctx from r1 and returns 1
/// (allow) or 0 (deny).
std::vector<bpf_insn> BuildDeviceProgram(std::span<const DeviceRule> rules);

/// Loads the program for `rules` and attaches it to the cgroup v2 directory
/// `cgroup_dir` (BPF_CGROUP_DEVICE, BPF_F_ALLOW_MULTI). Programs named
/// kDeviceProgramName already attached there (an earlier create or update) are
/// detached once the new one is in place, so they never pile up and the cgroup
/// is never without a device filter in between.
Expected<void> AttachDeviceProgram(const std::string& cgroup_dir,
                                   std::span<const DeviceRule> rules);

/// The devices every container may use whatever its config's device cgroup
/// list says, appended after that list as runc does (callers such as podman
/// send only "deny all" and rely on this): mknod of any node, the standard
/// character devices, the pty master and slaves, and tun. The config's own
/// linux.devices, which the init creates in /dev, are allowed too. An empty
/// list stays empty (nothing is restricted then).
void AddDefaultDeviceRules(const Linux& linux, std::vector<DeviceRule>& rules);

/// The rule list as JSON (the runtime-spec's field names) and back, for the
/// rules `runw update` added, which a replacing v2 program must repeat.
std::string DeviceRulesToJson(std::span<const DeviceRule> rules);
Expected<std::vector<DeviceRule>> DeviceRulesFromJson(std::string_view json_text);

}  // namespace runw::oci
