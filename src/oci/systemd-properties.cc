// linux.resources as systemd unit properties (see systemd-properties.h).
#include "oci/systemd-properties.h"

#include <algorithm>
#include <charconv>
#include <optional>
#include <string>

namespace runw::oci::systemd {
namespace {

// Beyond systemd's own limit for a CPU set (8192 CPUs); also keeps a typo such
// as "0-4000000000" from allocating a huge mask.
constexpr uint64_t kMaxCpu = 8191;
constexpr uint64_t kDefaultPeriod = 100000;  // µs, the kernel's CFS default
constexpr uint64_t kQuotaStep = 10000;       // µs per second: systemd's 1%

// Blanks and a trailing newline are what a list read back from cpuset.cpus
// (or typed by hand) may carry around its items.
std::string_view TrimBlanks(std::string_view text) {
  auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\n'; };
  while (!text.empty() && blank(text.front()))
    text.remove_prefix(1);
  while (!text.empty() && blank(text.back()))
    text.remove_suffix(1);
  return text;
}

std::optional<uint64_t> ParseCpu(std::string_view text) {
  uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace

uint64_t CpuSharesToWeight(uint64_t shares) {
  shares = std::clamp<uint64_t>(shares, 2, 262144);
  return 1 + ((shares - 2) * 9999) / 262142;
}

uint64_t CpuQuotaPerSecUSec(int64_t quota, uint64_t period) {
  if (quota <= 0) return kInfinity;
  if (period == 0) period = kDefaultPeriod;
  // quota (< 2^63) * 1e6 needs more than 64 bits.
  unsigned __int128 per_sec = static_cast<unsigned __int128>(quota) * 1000000 / period;
  per_sec = (per_sec + kQuotaStep - 1) / kQuotaStep * kQuotaStep;
  if (per_sec >= kInfinity) return kInfinity;
  return static_cast<uint64_t>(per_sec);
}

Expected<std::vector<uint8_t>> CpuListToMask(std::string_view list) {
  std::vector<uint8_t> mask;
  std::string_view rest = TrimBlanks(list);
  auto bad = [&](std::string_view why) {
    return Fail("invalid cpu list \"" + std::string(list) + "\": " + std::string(why));
  };
  while (!rest.empty()) {
    size_t comma = rest.find(',');
    std::string_view item = TrimBlanks(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    if (item.empty()) return bad("empty item");
    size_t dash = item.find('-');
    auto first = ParseCpu(item.substr(0, dash));
    auto last = dash == std::string_view::npos ? first : ParseCpu(item.substr(dash + 1));
    if (!first || !last) return bad("`" + std::string(item) + "` is not a number or range");
    if (*last < *first) return bad("range `" + std::string(item) + "` is reversed");
    if (*last > kMaxCpu)
      return bad("`" + std::string(item) + "` is above " + std::to_string(kMaxCpu));
    if (mask.size() <= *last / 8) mask.resize(*last / 8 + 1, 0);
    for (uint64_t cpu = *first; cpu <= *last; ++cpu)
      mask[cpu / 8] |= static_cast<uint8_t>(1u << (cpu % 8));
    // "1," ends in an empty item too.
    if (comma != std::string_view::npos && rest.empty()) return bad("empty item");
  }
  return mask;
}

Expected<std::vector<UnitProperty>> ResourceProperties(const Resources& resources,
                                                       ControllerVersions versions) {
  std::vector<UnitProperty> props;
  // Negative limits mean "none" in the spec, and "infinity" to systemd.
  auto limit = [](int64_t value) { return value < 0 ? kInfinity : static_cast<uint64_t>(value); };

  if (const auto& m = resources.memory) {
    if (m->limit && *m->limit != 0) {
      props.push_back({versions.memory_v2 ? "MemoryMax" : "MemoryLimit", limit(*m->limit)});
    }
    // v1's soft limit (memory.soft_limit_in_bytes) has no systemd property.
    if (m->reservation && versions.memory_v2) {
      props.push_back({"MemoryLow", limit(*m->reservation)});
    }
  }
  if (const auto& c = resources.cpu) {
    if (c->shares && *c->shares != 0) {
      if (versions.cpu_v2) {
        props.push_back({"CPUWeight", CpuSharesToWeight(*c->shares)});
      } else {
        // systemd refuses CPUShares outside the kernel's range, which would
        // cost every other property (see systemd.cc); the kernel clamps.
        props.push_back({"CPUShares", std::clamp<uint64_t>(*c->shares, 2, 262144)});
      }
    }
    // systemd keeps the quota as CPU time per second and the period apart
    // (its default 100 ms is the kernel's); it writes quota = per-second
    // value * period out to the cgroup.
    if (c->quota && *c->quota != 0) {
      props.push_back({"CPUQuotaPerSecUSec", CpuQuotaPerSecUSec(*c->quota, c->period.value_or(0))});
    }
    if (c->period && *c->period != 0) props.push_back({"CPUQuotaPeriodUSec", *c->period});
    if (!c->cpus.empty()) {
      auto mask = CpuListToMask(c->cpus);
      if (!mask) return Fail("linux.resources.cpu.cpus: " + mask.error());
      props.push_back({"AllowedCPUs", std::move(*mask)});
    }
    if (!c->mems.empty()) {
      auto mask = CpuListToMask(c->mems);
      if (!mask) return Fail("linux.resources.cpu.mems: " + mask.error());
      props.push_back({"AllowedMemoryNodes", std::move(*mask)});
    }
  }
  if (const auto& p = resources.pids) {
    props.push_back({"TasksMax", p->limit > 0 ? static_cast<uint64_t>(p->limit) : kInfinity});
  }
  return props;
}

std::optional<unsigned> ParseSystemdVersion(std::string_view version) {
  if (version.starts_with('v')) version.remove_prefix(1);
  unsigned major = 0;
  auto [end, ec] = std::from_chars(version.data(), version.data() + version.size(), major);
  if (ec != std::errc() || end == version.data()) return std::nullopt;
  return major;
}

std::vector<UnitProperty> ForSystemdVersion(std::vector<UnitProperty> properties,
                                            unsigned version) {
  auto since = [](std::string_view name) -> unsigned {
    if (name == "CPUQuotaPeriodUSec") return 242;
    if (name == "AllowedCPUs" || name == "AllowedMemoryNodes") return 244;
    return 0;
  };
  std::erase_if(properties, [&](const UnitProperty& p) { return version < since(p.name); });
  return properties;
}

}  // namespace runw::oci::systemd
