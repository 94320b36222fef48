// linux.resources as systemd unit properties: the part of a container's
// limits that systemd has properties for, in systemd's units and encodings.
//
// Sent with StartTransientUnit (create) and SetUnitProperties (update) so that
// systemd knows the limits of the scopes it made for runw: when it re-applies
// a unit's properties (daemon-reload, a property change, a slice restart) it
// writes these values, not its defaults, over what runw wrote through
// cgroupfs. runw still writes every limit itself (systemd.h says why); these
// properties only keep systemd from undoing them.
//
// Pure conversions, no D-Bus: what goes on the bus is decided here, and unit
// tests check it without a manager.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "oci/config.h"

namespace runw::oci::systemd {

/// systemd's "infinity" for a limit (TasksMax, MemoryMax, CPUQuotaPerSecUSec…).
inline constexpr uint64_t kInfinity = UINT64_MAX;

/// One unit property: a name and a value of D-Bus type "t" (uint64_t) or
/// "ay" (a bitmask, std::vector<uint8_t>).
struct UnitProperty {
  std::string name;
  std::variant<uint64_t, std::vector<uint8_t>> value;
  bool operator==(const UnitProperty&) const = default;
};

/// Which cgroup version carries a controller on this host. It decides the
/// property names: systemd on a v1 (or hybrid) host takes the v1 ones
/// (MemoryLimit, CPUShares), on v2 the v2 ones (MemoryMax, CPUWeight).
struct ControllerVersions {
  bool memory_v2 = false;
  bool cpu_v2 = false;
};

/// cpu.shares [2, 262144] onto cpu.weight [1, 10000], linearly: the
/// conversion the OCI runtimes agree on, for cgroupfs cpu.weight and
/// systemd's CPUWeight alike. Out-of-range shares are clamped first.
uint64_t CpuSharesToWeight(uint64_t shares);

/// CFS quota and period (µs) as systemd's CPUQuotaPerSecUSec: CPU time per
/// second of wall time, quota * 1e6 / period, rounded up to a multiple of
/// 10 ms (systemd keeps the value as a percentage, i.e. in steps of 10 ms/s,
/// and a limit must never end up below the one asked for). A period of 0
/// means the kernel's default, 100 ms. A quota <= 0 (no limit), or one so
/// large it does not fit, is kInfinity.
uint64_t CpuQuotaPerSecUSec(int64_t quota, uint64_t period);

/// A cpuset list ("0-3,5", as cpuset.cpus and cpuset.mems take it) as the
/// bitmask systemd's AllowedCPUs and AllowedMemoryNodes take: byte i, bit j
/// is CPU (or node) 8*i + j; trailing zero bytes are left out. Fails naming
/// the list on a malformed one (empty items, a reversed range, anything but
/// digits, '-' and ','; CPUs above 8191). An empty or all-blank list is an
/// empty mask. The kernel's stride form ("0-7:2/4") is not accepted.
Expected<std::vector<uint8_t>> CpuListToMask(std::string_view list);

/// The unit properties for `resources`, one per field that is set and that
/// systemd has a property for (in this order):
///   memory.limit        MemoryMax (v2) or MemoryLimit (v1); -1 is infinity,
///                       0 (a Go caller's "unset") sends nothing;
///   memory.reservation  MemoryLow (v2 only; < 0 is infinity);
///   cpu.shares          CPUWeight (v2, converted) or CPUShares (v1); 0 sends
///                       nothing;
///   cpu.quota           CPUQuotaPerSecUSec, with cpu.period (or 100 ms);
///                       < 0 is infinity, 0 sends nothing;
///   cpu.period          CPUQuotaPeriodUSec; 0 sends nothing;
///   cpu.cpus, cpu.mems  AllowedCPUs, AllowedMemoryNodes;
///   pids.limit          TasksMax; <= 0 is infinity.
/// Everything else (swap, kernel memory, swappiness, burst, realtime, idle,
/// blockIO, hugepages, network, devices, unified)
/// stays cgroupfs-only. Fails only on a malformed cpus/mems list, naming the
/// field.
Expected<std::vector<UnitProperty>> ResourceProperties(const Resources& resources,
                                                       ControllerVersions versions);

/// The major version in systemd's Manager.Version property
/// ("252.30-1~deb12u2", "v245.4-1ubuntu3"), or nullopt when it has none.
std::optional<unsigned> ParseSystemdVersion(std::string_view version);

/// `properties` without those that systemd `version` does not know yet:
/// CPUQuotaPeriodUSec (v242), AllowedCPUs and AllowedMemoryNodes (v244).
/// Such a property would make systemd refuse the whole call; what is dropped
/// here is still written through cgroupfs.
std::vector<UnitProperty> ForSystemdVersion(std::vector<UnitProperty> properties, unsigned version);

}  // namespace runw::oci::systemd
