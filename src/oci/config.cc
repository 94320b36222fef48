// config.json parsing and validation (see config.h).
//
// The parser is a set of `Convert(json, path, out)` overloads, one per JSON shape
// (string, bool, each integer width, arrays, string maps) and one per spec
// object. Every overload knows the property path it is reading, so the first
// problem found is reported as `process.rlimits[1].hard: expected an unsigned
// integer` and parsing stops there. JSON null is read as "absent": podman and
// other generators write null for optional properties they leave unset.
#include "oci/config.h"

#include <unistd.h>

#include <concepts>
#include <cstdint>
#include <exception>
#include <initializer_list>
#include <limits>
#include <set>
#include <string>
#include <type_traits>
#include <utility>

#include <nlohmann/json.hpp>

#include "oci/util.h"

namespace runw::oci {

std::string_view NamespaceName(NamespaceType type) {
  switch (type) {
    case NamespaceType::kPid:
      return "pid";
    case NamespaceType::kNetwork:
      return "network";
    case NamespaceType::kMount:
      return "mount";
    case NamespaceType::kIpc:
      return "ipc";
    case NamespaceType::kUts:
      return "uts";
    case NamespaceType::kUser:
      return "user";
    case NamespaceType::kCgroup:
      return "cgroup";
    case NamespaceType::kTime:
      return "time";
  }
  return "unknown";
}

std::optional<std::string> EnvLookup(const std::vector<std::string>& env, std::string_view key) {
  // The last assignment wins, as with execve's environment and getenv in libc.
  std::optional<std::string> found;
  for (const std::string& kv : env) {
    if (kv.size() > key.size() && kv[key.size()] == '=' && kv.starts_with(key)) {
      found = kv.substr(key.size() + 1);
    }
  }
  return found;
}

namespace {

using Json = nlohmann::json;

// --- Paths and messages ------------------------------------------------------------

std::string Member(const std::string& path, std::string_view key) {
  if (path.empty()) return std::string(key);
  return path + "." + std::string(key);
}

std::string Index(const std::string& path, size_t i) {
  return path + "[" + std::to_string(i) + "]";
}

// Map keys (annotations, sysctl names, cgroup files) contain dots themselves, so
// they are quoted rather than joined with one.
std::string Key(const std::string& path, const std::string& key) {
  return path + "[\"" + key + "\"]";
}

// "path: message", or just the message at the top level (the caller names the file).
std::unexpected<std::string> Error(const std::string& path, std::string_view message) {
  if (path.empty()) return Fail(std::string(message));
  return Fail(path + ": " + std::string(message));
}

std::string Quote(std::string_view s) {
  return "\"" + std::string(s) + "\"";
}

// --- Scalars -------------------------------------------------------------------------

Expected<void> Convert(const Json& v, const std::string& path, std::string& out) {
  const auto* s = v.get_ptr<const Json::string_t*>();
  if (s == nullptr) return Error(path, "expected a string");
  out = *s;
  return {};
}

Expected<void> Convert(const Json& v, const std::string& path, bool& out) {
  const auto* b = v.get_ptr<const Json::boolean_t*>();
  if (b == nullptr) return Error(path, "expected a boolean");
  out = *b;
  return {};
}

// Integers of any width. Floats and numeric strings are refused: the spec's
// types are integers and a silently truncated limit would be worse than an error.
// (bool has its own non-template overload above, which a bool always picks.)
template <std::integral T>
Expected<void> Convert(const Json& v, const std::string& path, T& out) {
  constexpr bool kUnsigned = std::is_unsigned_v<T>;
  const char* expected = kUnsigned ? "expected an unsigned integer" : "expected an integer";
  auto out_of_range = [&](const std::string& value) {
    return Error(path, value + " is out of range [" +
                           std::to_string(std::numeric_limits<T>::min()) + ", " +
                           std::to_string(std::numeric_limits<T>::max()) + "]");
  };
  // The parser stores non-negative numbers as unsigned and negative ones as
  // signed; a document built in code may hold either, so both are looked at.
  // (is_number_integer() is true for both, and get_ptr hands out the signed
  // view of an unsigned value, so the unsigned case goes first.)
  std::optional<uint64_t> non_negative;
  if (const auto* u = v.get_ptr<const Json::number_unsigned_t*>()) {
    non_negative = *u;
  } else if (const auto* i = v.get_ptr<const Json::number_integer_t*>()) {
    if (*i >= 0) {
      non_negative = static_cast<uint64_t>(*i);
    } else if constexpr (kUnsigned) {
      return Error(path, expected);
    } else {
      if (*i < static_cast<int64_t>(std::numeric_limits<T>::min())) {
        return out_of_range(std::to_string(*i));
      }
      out = static_cast<T>(*i);
      return {};
    }
  }
  if (!non_negative) return Error(path, expected);
  if (*non_negative > static_cast<uint64_t>(std::numeric_limits<T>::max())) {
    return out_of_range(std::to_string(*non_negative));
  }
  out = static_cast<T>(*non_negative);
  return {};
}

Expected<void> ExpectObject(const Json& v, const std::string& path) {
  if (!v.is_object()) return Error(path, "expected an object");
  return {};
}

// --- Spec objects (defined below; declared first so the container templates
// can find them) ----------------------------------------------------------------

Expected<void> Convert(const Json& v, const std::string& path, NamespaceType& out);
Expected<void> Convert(const Json& v, const std::string& path, IdMapping& out);
Expected<void> Convert(const Json& v, const std::string& path, User& out);
Expected<void> Convert(const Json& v, const std::string& path, Rlimit& out);
Expected<void> Convert(const Json& v, const std::string& path, Capabilities& out);
Expected<void> Convert(const Json& v, const std::string& path, ConsoleSize& out);
Expected<void> Convert(const Json& v, const std::string& path, Process& out);
Expected<void> Convert(const Json& v, const std::string& path, Root& out);
Expected<void> Convert(const Json& v, const std::string& path, Mount& out);
Expected<void> Convert(const Json& v, const std::string& path, Hook& out);
Expected<void> Convert(const Json& v, const std::string& path, Hooks& out);
Expected<void> Convert(const Json& v, const std::string& path, Namespace& out);
Expected<void> Convert(const Json& v, const std::string& path, Device& out);
Expected<void> Convert(const Json& v, const std::string& path, DeviceRule& out);
Expected<void> Convert(const Json& v, const std::string& path, MemoryResources& out);
Expected<void> Convert(const Json& v, const std::string& path, CpuResources& out);
Expected<void> Convert(const Json& v, const std::string& path, PidsResources& out);
Expected<void> Convert(const Json& v, const std::string& path, WeightDevice& out);
Expected<void> Convert(const Json& v, const std::string& path, ThrottleDevice& out);
Expected<void> Convert(const Json& v, const std::string& path, BlockIoResources& out);
Expected<void> Convert(const Json& v, const std::string& path, HugepageLimit& out);
Expected<void> Convert(const Json& v, const std::string& path, NetworkPriority& out);
Expected<void> Convert(const Json& v, const std::string& path, NetworkResources& out);
Expected<void> Convert(const Json& v, const std::string& path, Resources& out);
Expected<void> Convert(const Json& v, const std::string& path, SeccompArg& out);
Expected<void> Convert(const Json& v, const std::string& path, SeccompSyscall& out);
Expected<void> Convert(const Json& v, const std::string& path, Seccomp& out);
Expected<void> Convert(const Json& v, const std::string& path, Personality& out);
Expected<void> Convert(const Json& v, const std::string& path, Linux& out);

// --- Containers ----------------------------------------------------------------------

template <typename T>
Expected<void> Convert(const Json& v, const std::string& path, std::optional<T>& out) {
  T value{};
  RUNW_OCI_CHECK(Convert(v, path, value));
  out = std::move(value);
  return {};
}

template <typename T>
Expected<void> Convert(const Json& v, const std::string& path, std::vector<T>& out) {
  if (!v.is_array()) return Error(path, "expected an array");
  out.clear();
  out.reserve(v.size());
  for (size_t i = 0; i < v.size(); ++i) {
    T value{};
    RUNW_OCI_CHECK(Convert(v[i], Index(path, i), value));
    out.push_back(std::move(value));
  }
  return {};
}

Expected<void> Convert(const Json& v, const std::string& path,
                       std::map<std::string, std::string>& out) {
  RUNW_OCI_CHECK(ExpectObject(v, path));
  out.clear();
  for (const auto& [key, value] : v.items()) {
    RUNW_OCI_CHECK(Convert(value, Key(path, key), out[key]));
  }
  return {};
}

enum class Need : uint8_t { kOptional, kRequired };

// Reads property `key` of object `obj` (at `path`) into `out`. An absent or null
// property leaves `out` as it is, unless it is required.
template <typename T>
Expected<void> Field(const Json& obj, const std::string& path, const char* key, T& out,
                     Need need = Need::kOptional) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) {
    if (need == Need::kRequired) return Error(Member(path, key), "missing required property");
    return {};
  }
  return Convert(*it, Member(path, key), out);
}

// --- Spec objects --------------------------------------------------------------------

Expected<void> Convert(const Json& v, const std::string& path, NamespaceType& out) {
  std::string name;
  RUNW_OCI_CHECK(Convert(v, path, name));
  for (NamespaceType t :
       {NamespaceType::kPid, NamespaceType::kNetwork, NamespaceType::kMount, NamespaceType::kIpc,
        NamespaceType::kUts, NamespaceType::kUser, NamespaceType::kCgroup, NamespaceType::kTime}) {
    if (NamespaceName(t) == name) {
      out = t;
      return {};
    }
  }
  return Error(path, "unknown namespace type " + Quote(name));
}

Expected<void> Convert(const Json& v, const std::string& path, IdMapping& out) {
  RUNW_OCI_CHECK(ExpectObject(v, path));
  RUNW_OCI_CHECK(Field(v, path, "containerID", out.container_id, Need::kRequired));
  RUNW_OCI_CHECK(Field(v, path, "hostID", out.host_id, Need::kRequired));
  RUNW_OCI_CHECK(Field(v, path, "size", out.size, Need::kRequired));
  return {};
}

Expected<void> Convert(const Json& v, const std::string& path, User& out) {
  RUNW_OCI_CHECK(ExpectObject(v, path));
  RUNW_OCI_CHECK(Field(v, path, "uid", out.uid, Need::kRequired));
  RUNW_OCI_CHECK(Field(v, path, "gid", out.gid, Need::kRequired));
  RUNW_OCI_CHECK(Field(v, path, "umask", out.umask));
  RUNW_OCI_CHECK(Field(v, path, "additionalGids", out.additional_gids));
  RUNW_OCI_CHECK(Field(v, path, "username", out.username));
  return {};
}

Expected<void> Convert(const Json& v, const std::string& path, Rlimit& out) {
  RUNW_OCI_CHECK(ExpectObject(v, path));
  RUNW_OCI_CHECK(Field(v, path, "type", out.type, Need::kRequired));
  RUNW_OCI_CHECK(Field(v, path, "hard", out.hard, Need::kRequired));
  RUNW_OCI_CHECK(Field(v, path, "soft", out.soft, Need::kRequired));
  return {};
}

Expected<void> Convert(const Json& v, const std::string& path, Capabilities& out) {
  RUNW_OCI_CHECK(ExpectObject(v, path));
  RUNW_OCI_CHECK(Field(v, path, "bounding", out.bounding));
  RUNW_OCI_CHECK(Field(v, path, "effective", out.effective));
  RUNW_OCI_CHECK(Field(v, path, "inheritable", out.inheritable));
  RUNW_OCI_CHECK(Field(v, path, "permitted", out.permitted));
  RUNW_OCI_CHECK(Field(v, path, "ambient", out.ambient));
  return {};
}

Expected<void> Convert(const Json& v, const std::string& path, ConsoleSize& out) {
  RUNW_OCI_CHECK(ExpectObject(v, path));
  RUNW_OCI_CHECK(Field(v, path, "height", out.height, Need::kRequired));
  RUNW_OCI_CHECK(Field(v, path, "width", out.width, Need::kRequired));
  return {};
}

Expected<void> Convert(const Json& v, const std::string& path, Process& out) {
  RUNW_OCI_CHECK(ExpectObject(v, path));
  RUNW_OCI_CHECK(Field(v, path, "terminal", out.terminal));
  RUNW_OCI_CHECK(Field(v, path, "consoleSize", out.console_size));
  RUNW_OCI_CHECK(Field(v, path, "user", out.user));
  RUNW_OCI_CHECK(Field(v, path, "args", out.args));
  RUNW_OCI_CHECK(Field(v, path, "env", out.env));
  RUNW_OCI_CHECK(Field(v, path, "cwd", out.cwd));
  RUNW_OCI_CHECK(Field(v, path, "capabilities", out.capabilities));
  RUNW_OCI_CHECK(Field(v, path, "rlimits", out.rlimits));
  RUNW_OCI_CHECK(Field(v, path, "noNewPrivileges", out.no_new_privileges));
  RUNW_OCI_CHECK(Field(v, path, "apparmorProfile", out.apparmor_profile));
  RUNW_OCI_CHECK(Field(v, path, "oomScoreAdj", out.oom_score_adj));
  RUNW_OCI_CHECK(Field(v, path, "selinuxLabel", out.selinux_label));
  return {};
}

Expected<void> Convert(const Json& v, const std::string& path, Root& out) {
  RUNW_OCI_CHECK(ExpectObject(v, path));
  RUNW_OCI_CHECK(Field(v, path, "path", out.path, Need::kRequired));
  RUNW_OCI_CHECK(Field(v, path, "readonly", out.readonly));
  return {};
}

Expected<void> Convert(const Json& v, const std::string& path, Mount& out) {
  RUNW_OCI_CHECK(ExpectObject(v, path));
  RUNW_OCI_CHECK(Field(v, path, "destination", out.destination, Need::kRequired));
  RUNW_OCI_CHECK(Field(v, path, "type", out.type));
  RUNW_OCI_CHECK(Field(v, path, "source", out.source));
  RUNW_OCI_CHECK(Field(v, path, "options", out.options));
  RUNW_OCI_CHECK(Field(v, path, "uidMappings", out.uid_mappings));
  RUNW_OCI_CHECK(Field(v, path, "gidMappings", out.gid_mappings));
  return {};
}

Expected<void> Convert(const Json& v, const std::string& path, Hook& out) {
  RUNW_OCI_CHECK(ExpectObject(v, path));
  RUNW_OCI_CHECK(Field(v, path, "path", out.path, Need::kRequired));
  RUNW_OCI_CHECK(Field(v, path, "args", out.args));
  RUNW_OCI_CHECK(Field(v, path, "env", out.env));
  RUNW_OCI_CHECK(Field(v, path, "timeout", out.timeout));
  return {};
}

Expected<void> Convert(const Json& v, const std::string& path, Hooks& out) {
  RUNW_OCI_CHECK(ExpectObject(v, path));
  RUNW_OCI_CHECK(Field(v, path, "prestart", out.prestart));
  RUNW_OCI_CHECK(Field(v, path, "createRuntime", out.create_runtime));
  RUNW_OCI_CHECK(Field(v, path, "createContainer", out.create_container));
  RUNW_OCI_CHECK(Field(v, path, "startContainer", out.start_container));
  RUNW_OCI_CHECK(Field(v, path, "poststart", out.poststart));
  RUNW_OCI_CHECK(Field(v, path, "poststop", out.poststop));
  return {};
}

Expected<void> Convert(const Json& v, const std::string& path, Namespace& out) {
  RUNW_OCI_CHECK(ExpectObject(v, path));
  RUNW_OCI_CHECK(Field(v, path, "type", out.type, Need::kRequired));
  RUNW_OCI_CHECK(Field(v, path, "path", out.path));
  return {};
}

Expected<void> Convert(const Json& v, const std::string& path, Device& out) {
  RUNW_OCI_CHECK(ExpectObject(v, path));
  RUNW_OCI_CHECK(Field(v, path, "type", out.type, Need::kRequired));
  RUNW_OCI_CHECK(Field(v, path, "path", out.path, Need::kRequired));
  RUNW_OCI_CHECK(Field(v, path, "major", out.major));
  RUNW_OCI_CHECK(Field(v, path, "minor", out.minor));
  RUNW_OCI_CHECK(Field(v, path, "fileMode", out.file_mode));
  RUNW_OCI_CHECK(Field(v, path, "uid", out.uid));
  RUNW_OCI_CHECK(Field(v, path, "gid", out.gid));
  return {};
}

Expected<void> Convert(const Json& v, const std::string& path, DeviceRule& out) {
  RUNW_OCI_CHECK(ExpectObject(v, path));
  RUNW_OCI_CHECK(Field(v, path, "allow", out.allow, Need::kRequired));
  RUNW_OCI_CHECK(Field(v, path, "type", out.type));
  RUNW_OCI_CHECK(Field(v, path, "major", out.major));
  RUNW_OCI_CHECK(Field(v, path, "minor", out.minor));
  RUNW_OCI_CHECK(Field(v, path, "access", out.access));
  return {};
}

Expected<void> Convert(const Json& v, const std::string& path, MemoryResources& out) {
  RUNW_OCI_CHECK(ExpectObject(v, path));
  RUNW_OCI_CHECK(Field(v, path, "limit", out.limit));
  RUNW_OCI_CHECK(Field(v, path, "reservation", out.reservation));
  RUNW_OCI_CHECK(Field(v, path, "swap", out.swap));
  RUNW_OCI_CHECK(Field(v, path, "kernel", out.kernel));
  RUNW_OCI_CHECK(Field(v, path, "kernelTCP", out.kernel_tcp));
  RUNW_OCI_CHECK(Field(v, path, "swappiness", out.swappiness));
  RUNW_OCI_CHECK(Field(v, path, "disableOOMKiller", out.disable_oom_killer));
  RUNW_OCI_CHECK(Field(v, path, "useHierarchy", out.use_hierarchy));
  RUNW_OCI_CHECK(Field(v, path, "checkBeforeUpdate", out.check_before_update));
  return {};
}

Expected<void> Convert(const Json& v, const std::string& path, CpuResources& out) {
  RUNW_OCI_CHECK(ExpectObject(v, path));
  RUNW_OCI_CHECK(Field(v, path, "shares", out.shares));
  RUNW_OCI_CHECK(Field(v, path, "quota", out.quota));
  RUNW_OCI_CHECK(Field(v, path, "burst", out.burst));
  RUNW_OCI_CHECK(Field(v, path, "period", out.period));
  RUNW_OCI_CHECK(Field(v, path, "realtimeRuntime", out.realtime_runtime));
  RUNW_OCI_CHECK(Field(v, path, "realtimePeriod", out.realtime_period));
  RUNW_OCI_CHECK(Field(v, path, "cpus", out.cpus));
  RUNW_OCI_CHECK(Field(v, path, "mems", out.mems));
  RUNW_OCI_CHECK(Field(v, path, "idle", out.idle));
  return {};
}

Expected<void> Convert(const Json& v, const std::string& path, PidsResources& out) {
  RUNW_OCI_CHECK(ExpectObject(v, path));
  // Required in runtime-spec 1.2, optional in later versions; absent reads as
  // "unlimited" either way.
  RUNW_OCI_CHECK(Field(v, path, "limit", out.limit));
  return {};
}

Expected<void> Convert(const Json& v, const std::string& path, WeightDevice& out) {
  RUNW_OCI_CHECK(ExpectObject(v, path));
  RUNW_OCI_CHECK(Field(v, path, "major", out.major, Need::kRequired));
  RUNW_OCI_CHECK(Field(v, path, "minor", out.minor, Need::kRequired));
  RUNW_OCI_CHECK(Field(v, path, "weight", out.weight));
  RUNW_OCI_CHECK(Field(v, path, "leafWeight", out.leaf_weight));
  return {};
}

Expected<void> Convert(const Json& v, const std::string& path, ThrottleDevice& out) {
  RUNW_OCI_CHECK(ExpectObject(v, path));
  RUNW_OCI_CHECK(Field(v, path, "major", out.major, Need::kRequired));
  RUNW_OCI_CHECK(Field(v, path, "minor", out.minor, Need::kRequired));
  RUNW_OCI_CHECK(Field(v, path, "rate", out.rate, Need::kRequired));
  return {};
}

Expected<void> Convert(const Json& v, const std::string& path, BlockIoResources& out) {
  RUNW_OCI_CHECK(ExpectObject(v, path));
  RUNW_OCI_CHECK(Field(v, path, "weight", out.weight));
  RUNW_OCI_CHECK(Field(v, path, "leafWeight", out.leaf_weight));
  RUNW_OCI_CHECK(Field(v, path, "weightDevice", out.weight_device));
  RUNW_OCI_CHECK(Field(v, path, "throttleReadBpsDevice", out.throttle_read_bps_device));
  RUNW_OCI_CHECK(Field(v, path, "throttleWriteBpsDevice", out.throttle_write_bps_device));
  RUNW_OCI_CHECK(Field(v, path, "throttleReadIOPSDevice", out.throttle_read_iops_device));
  RUNW_OCI_CHECK(Field(v, path, "throttleWriteIOPSDevice", out.throttle_write_iops_device));
  return {};
}

Expected<void> Convert(const Json& v, const std::string& path, HugepageLimit& out) {
  RUNW_OCI_CHECK(ExpectObject(v, path));
  RUNW_OCI_CHECK(Field(v, path, "pageSize", out.page_size, Need::kRequired));
  RUNW_OCI_CHECK(Field(v, path, "limit", out.limit, Need::kRequired));
  return {};
}

Expected<void> Convert(const Json& v, const std::string& path, NetworkPriority& out) {
  RUNW_OCI_CHECK(ExpectObject(v, path));
  RUNW_OCI_CHECK(Field(v, path, "name", out.name, Need::kRequired));
  RUNW_OCI_CHECK(Field(v, path, "priority", out.priority, Need::kRequired));
  return {};
}

Expected<void> Convert(const Json& v, const std::string& path, NetworkResources& out) {
  RUNW_OCI_CHECK(ExpectObject(v, path));
  RUNW_OCI_CHECK(Field(v, path, "classID", out.class_id));
  RUNW_OCI_CHECK(Field(v, path, "priorities", out.priorities));
  return {};
}

Expected<void> Convert(const Json& v, const std::string& path, Resources& out) {
  RUNW_OCI_CHECK(ExpectObject(v, path));
  RUNW_OCI_CHECK(Field(v, path, "devices", out.devices));
  RUNW_OCI_CHECK(Field(v, path, "memory", out.memory));
  RUNW_OCI_CHECK(Field(v, path, "cpu", out.cpu));
  RUNW_OCI_CHECK(Field(v, path, "pids", out.pids));
  RUNW_OCI_CHECK(Field(v, path, "blockIO", out.block_io));
  RUNW_OCI_CHECK(Field(v, path, "hugepageLimits", out.hugepage_limits));
  RUNW_OCI_CHECK(Field(v, path, "network", out.network));
  RUNW_OCI_CHECK(Field(v, path, "unified", out.unified));
  return {};
}

Expected<void> Convert(const Json& v, const std::string& path, SeccompArg& out) {
  RUNW_OCI_CHECK(ExpectObject(v, path));
  RUNW_OCI_CHECK(Field(v, path, "index", out.index, Need::kRequired));
  RUNW_OCI_CHECK(Field(v, path, "value", out.value, Need::kRequired));
  RUNW_OCI_CHECK(Field(v, path, "valueTwo", out.value_two));
  RUNW_OCI_CHECK(Field(v, path, "op", out.op, Need::kRequired));
  return {};
}

Expected<void> Convert(const Json& v, const std::string& path, SeccompSyscall& out) {
  RUNW_OCI_CHECK(ExpectObject(v, path));
  RUNW_OCI_CHECK(Field(v, path, "names", out.names, Need::kRequired));
  RUNW_OCI_CHECK(Field(v, path, "action", out.action, Need::kRequired));
  RUNW_OCI_CHECK(Field(v, path, "errnoRet", out.errno_ret));
  RUNW_OCI_CHECK(Field(v, path, "args", out.args));
  return {};
}

Expected<void> Convert(const Json& v, const std::string& path, Seccomp& out) {
  RUNW_OCI_CHECK(ExpectObject(v, path));
  RUNW_OCI_CHECK(Field(v, path, "defaultAction", out.default_action, Need::kRequired));
  RUNW_OCI_CHECK(Field(v, path, "defaultErrnoRet", out.default_errno_ret));
  RUNW_OCI_CHECK(Field(v, path, "architectures", out.architectures));
  RUNW_OCI_CHECK(Field(v, path, "flags", out.flags));
  RUNW_OCI_CHECK(Field(v, path, "listenerPath", out.listener_path));
  RUNW_OCI_CHECK(Field(v, path, "listenerMetadata", out.listener_metadata));
  RUNW_OCI_CHECK(Field(v, path, "syscalls", out.syscalls));
  return {};
}

Expected<void> Convert(const Json& v, const std::string& path, Personality& out) {
  RUNW_OCI_CHECK(ExpectObject(v, path));
  RUNW_OCI_CHECK(Field(v, path, "domain", out.domain, Need::kRequired));
  RUNW_OCI_CHECK(Field(v, path, "flags", out.flags));
  return {};
}

Expected<void> Convert(const Json& v, const std::string& path, Linux& out) {
  RUNW_OCI_CHECK(ExpectObject(v, path));
  RUNW_OCI_CHECK(Field(v, path, "namespaces", out.namespaces));
  RUNW_OCI_CHECK(Field(v, path, "uidMappings", out.uid_mappings));
  RUNW_OCI_CHECK(Field(v, path, "gidMappings", out.gid_mappings));
  RUNW_OCI_CHECK(Field(v, path, "devices", out.devices));
  RUNW_OCI_CHECK(Field(v, path, "cgroupsPath", out.cgroups_path));
  RUNW_OCI_CHECK(Field(v, path, "resources", out.resources));
  RUNW_OCI_CHECK(Field(v, path, "sysctl", out.sysctl));
  RUNW_OCI_CHECK(Field(v, path, "seccomp", out.seccomp));
  RUNW_OCI_CHECK(Field(v, path, "rootfsPropagation", out.rootfs_propagation));
  RUNW_OCI_CHECK(Field(v, path, "maskedPaths", out.masked_paths));
  RUNW_OCI_CHECK(Field(v, path, "readonlyPaths", out.readonly_paths));
  RUNW_OCI_CHECK(Field(v, path, "mountLabel", out.mount_label));
  RUNW_OCI_CHECK(Field(v, path, "personality", out.personality));
  return {};
}

Expected<void> Convert(const Json& v, const std::string& path, Spec& out) {
  RUNW_OCI_CHECK(ExpectObject(v, path));
  RUNW_OCI_CHECK(Field(v, path, "ociVersion", out.oci_version));
  RUNW_OCI_CHECK(Field(v, path, "process", out.process));
  RUNW_OCI_CHECK(Field(v, path, "root", out.root));
  RUNW_OCI_CHECK(Field(v, path, "hostname", out.hostname));
  RUNW_OCI_CHECK(Field(v, path, "domainname", out.domainname));
  RUNW_OCI_CHECK(Field(v, path, "mounts", out.mounts));
  RUNW_OCI_CHECK(Field(v, path, "hooks", out.hooks));
  RUNW_OCI_CHECK(Field(v, path, "annotations", out.annotations));
  RUNW_OCI_CHECK(Field(v, path, "linux", out.linux));
  return {};
}

// --- Properties runw cannot apply ----------------------------------------------------

// The spec lets a runtime refuse what it cannot do, but not ignore it: a
// container without the scheduling policy or RDT class it asked for would run
// differently than configured. These are recorded here and refused by
// ValidateSpec, so that `runw` can still parse (say, for `state`) a config that
// asks for them. An empty object or array asks for nothing and is let through.
constexpr const char* kUnsupportedProcess[] = {"ioPriority", "scheduler", "execCPUAffinity"};
constexpr const char* kUnsupportedLinux[] = {"intelRdt", "timeOffsets", "memoryPolicy",
                                             "netDevices"};
constexpr const char* kUnsupportedResources[] = {"rdma"};

template <size_t N>
void NoteUnsupported(const Json& obj, const std::string& path, const char* const (&keys)[N],
                     std::vector<std::string>& out) {
  if (!obj.is_object()) return;
  for (const char* key : keys) {
    auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) continue;
    if ((it->is_object() || it->is_array()) && it->empty()) continue;
    out.push_back(Member(path, key));
  }
}

const Json& Child(const Json& obj, const char* key) {
  static const Json kNull;
  if (!obj.is_object()) return kNull;
  auto it = obj.find(key);
  return it == obj.end() ? kNull : *it;
}

// Parses `text` into a JSON document; syntax errors keep nlohmann's position.
Expected<Json> ParseJson(std::string_view text) {
  try {
    return Json::parse(text);
  } catch (const Json::parse_error& e) {
    // e.what() is "[json.exception.parse_error.101] parse error at line 1, column 2:
    // ..."; the bracketed id means nothing to a user.
    std::string what = e.what();
    if (size_t close = what.find("] "); what.starts_with("[json.") && close != std::string::npos) {
      what.erase(0, close + 2);
    }
    return Fail("invalid JSON: " + what);
  } catch (const std::exception& e) {
    return Fail(std::string("invalid JSON: ") + e.what());
  }
}

// Parses a document holding one object of type T at the top level.
template <typename T>
Expected<T> ParseDocument(const Json& doc) {
  T out{};
  RUNW_OCI_CHECK(Convert(doc, "", out));
  return out;
}

// --- Validation helpers --------------------------------------------------------------

bool IsAbsolute(std::string_view path) {
  return !path.empty() && path.front() == '/';
}

constexpr std::string_view kRlimitNames[] = {
    "RLIMIT_AS",     "RLIMIT_CORE",   "RLIMIT_CPU",        "RLIMIT_DATA",
    "RLIMIT_FSIZE",  "RLIMIT_LOCKS",  "RLIMIT_MEMLOCK",    "RLIMIT_MSGQUEUE",
    "RLIMIT_NICE",   "RLIMIT_NOFILE", "RLIMIT_NPROC",      "RLIMIT_RSS",
    "RLIMIT_RTPRIO", "RLIMIT_RTTIME", "RLIMIT_SIGPENDING", "RLIMIT_STACK"};

constexpr std::string_view kPropagations[] = {
    "", "private", "rprivate", "shared", "rshared", "slave", "rslave", "unbindable", "runbindable"};

constexpr std::string_view kSeccompActions[] = {
    "SCMP_ACT_KILL",  "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD",
    "SCMP_ACT_TRAP",  "SCMP_ACT_ERRNO",        "SCMP_ACT_TRACE",
    "SCMP_ACT_ALLOW", "SCMP_ACT_LOG",          "SCMP_ACT_NOTIFY"};

constexpr std::string_view kSeccompOperators[] = {"SCMP_CMP_NE",       "SCMP_CMP_LT", "SCMP_CMP_LE",
                                                  "SCMP_CMP_EQ",       "SCMP_CMP_GE", "SCMP_CMP_GT",
                                                  "SCMP_CMP_MASKED_EQ"};

// The sysctls that belong to the IPC namespace (besides fs.mqueue.*).
constexpr std::string_view kIpcSysctls[] = {
    "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem",
    "kernel.shmall", "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced"};

template <size_t N>
bool OneOf(std::string_view value, const std::string_view (&set)[N]) {
  for (std::string_view s : set) {
    if (s == value) return true;
  }
  return false;
}

bool HasNamespace(const Spec& spec, NamespaceType type) {
  if (!spec.linux) return false;
  for (const Namespace& ns : spec.linux->namespaces) {
    if (ns.type == type) return true;
  }
  return false;
}

// A sysctl changes the kernel for everyone who shares its namespace, so only
// the ones that are namespaced, and whose namespace the container does not
// share with the host, may be set (runc's rule).
Expected<void> ValidateSysctl(const Spec& spec, const std::string& name) {
  std::string path = Key("linux.sysctl", name);
  // "net/ipv4/ip_forward" is the same sysctl as "net.ipv4.ip_forward".
  std::string dotted = name;
  for (char& c : dotted) {
    if (c == '/') c = '.';
  }
  auto require = [&](NamespaceType type) -> Expected<void> {
    if (HasNamespace(spec, type)) return {};
    return Error(path, "cannot be set without a private " + std::string(NamespaceName(type)) +
                           " namespace (it would change the host's)");
  };
  if (OneOf(dotted, kIpcSysctls) || dotted.starts_with("fs.mqueue.")) {
    return require(NamespaceType::kIpc);
  }
  if (dotted.starts_with("net.")) return require(NamespaceType::kNetwork);
  if (dotted == "kernel.hostname" || dotted == "kernel.domainname") {
    return require(NamespaceType::kUts);
  }
  return Error(path, "is not namespaced, so a container may not set it");
}

Expected<void> ValidateHooks(const std::vector<Hook>& hooks, const std::string& path) {
  for (size_t i = 0; i < hooks.size(); ++i) {
    std::string at = Index(path, i);
    if (!IsAbsolute(hooks[i].path)) {
      return Error(Member(at, "path"), "must be an absolute path, not " + Quote(hooks[i].path));
    }
    if (hooks[i].timeout && *hooks[i].timeout <= 0) {
      return Error(Member(at, "timeout"), "must be greater than zero");
    }
  }
  return {};
}

Expected<void> ValidateSeccomp(const Seccomp& seccomp) {
  const std::string path = "linux.seccomp";
  if (!OneOf(seccomp.default_action, kSeccompActions)) {
    return Error(Member(path, "defaultAction"),
                 "unknown seccomp action " + Quote(seccomp.default_action));
  }
  for (size_t i = 0; i < seccomp.syscalls.size(); ++i) {
    const SeccompSyscall& sc = seccomp.syscalls[i];
    std::string at = Index(Member(path, "syscalls"), i);
    if (!OneOf(sc.action, kSeccompActions)) {
      return Error(Member(at, "action"), "unknown seccomp action " + Quote(sc.action));
    }
    for (size_t j = 0; j < sc.args.size(); ++j) {
      if (!OneOf(sc.args[j].op, kSeccompOperators)) {
        return Error(Member(Index(Member(at, "args"), j), "op"),
                     "unknown seccomp operator " + Quote(sc.args[j].op));
      }
    }
  }
  return {};
}

Expected<void> ValidateLinux(const Spec& spec) {
  const Linux& linux = *spec.linux;
  if (!linux.unsupported.empty()) return Error(linux.unsupported.front(), "not supported by runw");

  bool seen[8] = {};
  bool new_user_ns = false;
  bool user_ns = false;
  for (size_t i = 0; i < linux.namespaces.size(); ++i) {
    const Namespace& ns = linux.namespaces[i];
    std::string at = Index("linux.namespaces", i);
    auto& flag = seen[static_cast<size_t>(ns.type)];
    if (flag) {
      return Error(at, "duplicate namespace type " + Quote(NamespaceName(ns.type)));
    }
    flag = true;
    if (!ns.path.empty() && !IsAbsolute(ns.path)) {
      return Error(Member(at, "path"), "must be an absolute path, not " + Quote(ns.path));
    }
    if (ns.type == NamespaceType::kUser) {
      user_ns = true;
      new_user_ns = ns.path.empty();
    }
  }
  // A new user namespace without mappings leaves every id unmapped (the
  // container runs as the overflow user and can do nothing); mappings without
  // one have nothing to apply to.
  if (new_user_ns && linux.uid_mappings.empty()) {
    return Fail("user namespaces enabled, but no uid mappings found");
  }
  if (new_user_ns && linux.gid_mappings.empty()) {
    return Fail("user namespaces enabled, but no gid mappings found");
  }
  if (!user_ns && (!linux.uid_mappings.empty() || !linux.gid_mappings.empty())) {
    return Fail("user namespace mappings given, but user namespaces are not enabled");
  }

  for (size_t i = 0; i < linux.devices.size(); ++i) {
    const Device& d = linux.devices[i];
    std::string at = Index("linux.devices", i);
    if (d.type != "c" && d.type != "b" && d.type != "u" && d.type != "p") {
      return Error(Member(at, "type"),
                   "unknown device type " + Quote(d.type) + " (want c, b, u or p)");
    }
    if (!IsAbsolute(d.path)) {
      return Error(Member(at, "path"), "must be an absolute path, not " + Quote(d.path));
    }
  }

  if (linux.resources) {
    const auto& rules = linux.resources->devices;
    for (size_t i = 0; i < rules.size(); ++i) {
      std::string at = Index("linux.resources.devices", i);
      const std::string& type = rules[i].type;
      if (!type.empty() && type != "a" && type != "c" && type != "b") {
        return Error(Member(at, "type"),
                     "unknown device type " + Quote(type) + " (want a, c or b)");
      }
      if (rules[i].access.find_first_not_of("rwm") != std::string::npos) {
        return Error(Member(at, "access"),
                     Quote(rules[i].access) + " is not a combination of r, w and m");
      }
    }
  }

  for (const auto& [name, value] : linux.sysctl) {
    RUNW_OCI_CHECK(ValidateSysctl(spec, name));
  }

  if (!OneOf(linux.rootfs_propagation, kPropagations)) {
    return Error("linux.rootfsPropagation",
                 "unknown propagation " + Quote(linux.rootfs_propagation));
  }

  for (size_t i = 0; i < linux.masked_paths.size(); ++i) {
    if (!IsAbsolute(linux.masked_paths[i])) {
      return Error(Index("linux.maskedPaths", i), "must be an absolute path");
    }
  }
  for (size_t i = 0; i < linux.readonly_paths.size(); ++i) {
    if (!IsAbsolute(linux.readonly_paths[i])) {
      return Error(Index("linux.readonlyPaths", i), "must be an absolute path");
    }
  }

  if (linux.seccomp) RUNW_OCI_CHECK(ValidateSeccomp(*linux.seccomp));

  if (linux.personality && linux.personality->domain != "LINUX" &&
      linux.personality->domain != "LINUX32") {
    return Error("linux.personality.domain",
                 "unknown domain " + Quote(linux.personality->domain) + " (want LINUX or LINUX32)");
  }
  return {};
}

}  // namespace

// --- Parsing -------------------------------------------------------------------------

Expected<Spec> ParseSpec(std::string_view json_text) {
  Json doc = RUNW_OCI_TRY(ParseJson(json_text));
  Spec spec = RUNW_OCI_TRY(ParseDocument<Spec>(doc));

  std::vector<std::string> unsupported;
  NoteUnsupported(Child(doc, "process"), "process", kUnsupportedProcess, unsupported);
  const Json& linux = Child(doc, "linux");
  NoteUnsupported(linux, "linux", kUnsupportedLinux, unsupported);
  NoteUnsupported(Child(linux, "resources"), "linux.resources", kUnsupportedResources, unsupported);
  if (!unsupported.empty()) {
    // Process properties are recorded there too: Linux is where the model keeps
    // them, and a config with them is refused as a whole anyway.
    if (!spec.linux) spec.linux.emplace();
    for (std::string& p : unsupported)
      spec.linux->unsupported.push_back(std::move(p));
  }
  return spec;
}

Expected<Process> ParseProcess(std::string_view json_text) {
  Json doc = RUNW_OCI_TRY(ParseJson(json_text));
  Process process = RUNW_OCI_TRY(ParseDocument<Process>(doc));
  // A lone process has no Linux object to record these in, and nothing else
  // would refuse them; refuse them here.
  std::vector<std::string> unsupported;
  NoteUnsupported(doc, "", kUnsupportedProcess, unsupported);
  if (!unsupported.empty()) return Error(unsupported.front(), "not supported by runw");
  return process;
}

Expected<Resources> ParseResources(std::string_view json_text) {
  Json doc = RUNW_OCI_TRY(ParseJson(json_text));
  Resources resources = RUNW_OCI_TRY(ParseDocument<Resources>(doc));
  std::vector<std::string> unsupported;
  NoteUnsupported(doc, "", kUnsupportedResources, unsupported);
  if (!unsupported.empty()) return Error(unsupported.front(), "not supported by runw");
  return resources;
}

// --- Validation ----------------------------------------------------------------------

Expected<void> ValidateProcess(const Process& process, std::string_view where) {
  const std::string base(where);
  if (process.args.empty()) return Error(Member(base, "args"), "must not be empty");
  if (!IsAbsolute(process.cwd)) {
    return Error(Member(base, "cwd"), "must be an absolute path, not " + Quote(process.cwd));
  }
  for (size_t i = 0; i < process.env.size(); ++i) {
    const std::string& kv = process.env[i];
    // execve takes anything, but an entry without '=' (or with an empty name)
    // is no variable at all and getenv can never find it.
    if (kv.find('=') == std::string::npos || kv.front() == '=') {
      return Error(Index(Member(base, "env"), i), Quote(kv) + " is not of the form KEY=VALUE");
    }
  }
  std::set<std::string_view> seen;
  for (size_t i = 0; i < process.rlimits.size(); ++i) {
    const std::string& type = process.rlimits[i].type;
    std::string at = Member(Index(Member(base, "rlimits"), i), "type");
    if (!OneOf(type, kRlimitNames)) return Error(at, "unknown rlimit type " + Quote(type));
    if (!seen.insert(type).second) return Error(at, "duplicate rlimit type " + type);
  }
  return {};
}

Expected<void> ValidateSpec(const Spec& spec) {
  if (spec.oci_version.empty()) return Error("ociVersion", "missing required property");
  std::string_view major = std::string_view(spec.oci_version).substr(0, spec.oci_version.find('.'));
  if (major != "1") {
    return Error("ociVersion",
                 "unsupported version " + Quote(spec.oci_version) + " (runw supports 1.x)");
  }
  if (spec.root.path.empty()) return Error("root.path", "must not be empty");
  if (spec.process) RUNW_OCI_CHECK(ValidateProcess(*spec.process, "process"));

  // runc accepts (and warns about) relative destinations, taking them relative
  // to the rootfs; so does runw. An empty one names no place at all.
  for (size_t i = 0; i < spec.mounts.size(); ++i) {
    if (spec.mounts[i].destination.empty()) {
      return Error(Member(Index("mounts", i), "destination"), "must not be empty");
    }
  }

  RUNW_OCI_CHECK(ValidateHooks(spec.hooks.prestart, "hooks.prestart"));
  RUNW_OCI_CHECK(ValidateHooks(spec.hooks.create_runtime, "hooks.createRuntime"));
  RUNW_OCI_CHECK(ValidateHooks(spec.hooks.create_container, "hooks.createContainer"));
  RUNW_OCI_CHECK(ValidateHooks(spec.hooks.start_container, "hooks.startContainer"));
  RUNW_OCI_CHECK(ValidateHooks(spec.hooks.poststart, "hooks.poststart"));
  RUNW_OCI_CHECK(ValidateHooks(spec.hooks.poststop, "hooks.poststop"));

  // Setting the host's name from a container would rename the host.
  if (!spec.hostname.empty() && !HasNamespace(spec, NamespaceType::kUts)) {
    return Fail("unable to set hostname without a private UTS namespace");
  }
  if (!spec.domainname.empty() && !HasNamespace(spec, NamespaceType::kUts)) {
    return Fail("unable to set domainname without a private UTS namespace");
  }

  if (spec.linux) RUNW_OCI_CHECK(ValidateLinux(spec));
  return {};
}

// --- runw spec -----------------------------------------------------------------------

std::string DefaultSpecJson(bool rootless) {
  // ordered_json keeps the properties in the order written here, which reads
  // like the spec's own example rather than alphabetically.
  using OJson = nlohmann::ordered_json;
  const OJson caps = {"CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"};

  OJson mounts = OJson::array();
  auto mount = [&](const char* destination, const char* type, const char* source,
                   std::initializer_list<const char*> options) {
    OJson m = {{"destination", destination}, {"type", type}, {"source", source}};
    if (options.size() != 0) m["options"] = options;
    mounts.push_back(std::move(m));
  };
  mount("/proc", "proc", "proc", {});
  mount("/dev", "tmpfs", "tmpfs", {"nosuid", "strictatime", "mode=755", "size=65536k"});
  if (rootless) {
    // gid 5 (tty) is not mapped in a one-id user namespace, so devpts cannot
    // be told to use it.
    mount("/dev/pts", "devpts", "devpts",
          {"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"});
  } else {
    mount("/dev/pts", "devpts", "devpts",
          {"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"});
  }
  mount("/dev/shm", "tmpfs", "shm", {"nosuid", "noexec", "nodev", "mode=1777", "size=65536k"});
  mount("/dev/mqueue", "mqueue", "mqueue", {"nosuid", "noexec", "nodev"});
  if (rootless) {
    // Mounting sysfs needs privilege over the network namespace, which a
    // rootless container shares with the host; bind the host's /sys instead.
    // The recursive bind brings /sys/fs/cgroup along, so there is no separate
    // cgroup mount (which would also fail on a cgroup v1 host).
    mount("/sys", "none", "/sys", {"rbind", "nosuid", "noexec", "nodev", "ro"});
  } else {
    mount("/sys", "sysfs", "sysfs", {"nosuid", "noexec", "nodev", "ro"});
    mount("/sys/fs/cgroup", "cgroup", "cgroup", {"nosuid", "noexec", "nodev", "relatime", "ro"});
  }

  OJson namespaces = OJson::array();
  // Rootless: no network namespace, so that the container keeps the host's
  // network (an unprivileged user could not configure a new one), and a user
  // namespace that maps root in the container to the calling user.
  const char* types[] = {"pid", "network", "ipc", "uts", "mount", "cgroup"};
  for (const char* type : types) {
    if (rootless && std::string_view(type) == "network") continue;
    namespaces.push_back({{"type", type}});
  }

  OJson linux = OJson::object();
  if (rootless) {
    namespaces.push_back({{"type", "user"}});
    linux["uidMappings"] = OJson::array({{{"containerID", 0}, {"hostID", getuid()}, {"size", 1}}});
    linux["gidMappings"] = OJson::array({{{"containerID", 0}, {"hostID", getgid()}, {"size", 1}}});
  } else {
    // Deny every device node; the default devices are allowed by the runtime.
    linux["resources"] = {{"devices", OJson::array({{{"allow", false}, {"access", "rwm"}}})}};
  }
  linux["namespaces"] = std::move(namespaces);
  linux["maskedPaths"] = {"/proc/acpi",        "/proc/asound",        "/proc/kcore",
                          "/proc/keys",        "/proc/latency_stats", "/proc/timer_list",
                          "/proc/timer_stats", "/proc/sched_debug",   "/sys/firmware",
                          "/proc/scsi"};
  linux["readonlyPaths"] = {"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
                            "/proc/sysrq-trigger"};

  OJson spec = {
      {"ociVersion", "1.2.0"},
      {"process",
       {{"terminal", true},
        {"user", {{"uid", 0}, {"gid", 0}}},
        {"args", OJson::array({"sh"})},
        {"env",
         {"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm"}},
        {"cwd", "/"},
        {"capabilities", {{"bounding", caps}, {"effective", caps}, {"permitted", caps}}},
        {"rlimits", OJson::array({{{"type", "RLIMIT_NOFILE"}, {"hard", 1024}, {"soft", 1024}}})},
        {"noNewPrivileges", true}}},
      {"root", {{"path", "rootfs"}, {"readonly", true}}},
      {"hostname", "runw"},
      {"mounts", std::move(mounts)},
      {"linux", std::move(linux)},
  };
  return spec.dump(2) + "\n";
}

}  // namespace runw::oci
