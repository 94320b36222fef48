// The OCI runtime-spec model: what config.json (and the `exec --process` and
// `update --resources` files) can say, as plain C++ values.
//
// Parsing follows the runtime-spec (config.md, config-linux.md, version 1.0-1.2):
// unknown properties are ignored, as the spec requires; a known property of the
// wrong JSON type, a missing required one, or a value out of range is an error
// whose message names the property's path (`process.rlimits[1].hard: expected an
// unsigned integer`). Semantic rules that need no host access (absolute paths,
// known namespace and rlimit names, unique namespace types) are checked by
// ValidateSpec; whatever depends on the host (does a capability or syscall name
// exist here) is checked where it is applied, and fails `create` there.
#pragma once

#include <cstdint>
#include <expected>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace runw::oci {

/// Host and OCI failures carry a human message ("open `/x`: no such file or
/// directory"); the CLI prints it as runc does. Libraries never throw.
template <typename T>
using Expected = std::expected<T, std::string>;

/// Shorthand for failing an Expected<T> function.
inline std::unexpected<std::string> Fail(std::string message) {
  return std::unexpected(std::move(message));
}

struct IdMapping {
  uint32_t container_id = 0;
  uint32_t host_id = 0;
  uint32_t size = 0;
};

struct User {
  uint32_t uid = 0;
  uint32_t gid = 0;
  std::optional<uint32_t> umask;
  std::vector<uint32_t> additional_gids;
  std::string username;  // Windows only in the spec; kept for round trips
};

struct Rlimit {
  std::string type;  // "RLIMIT_NOFILE"; ValidateSpec checks it is a known name
  uint64_t hard = 0;
  uint64_t soft = 0;
};

struct Capabilities {
  std::vector<std::string> bounding;
  std::vector<std::string> effective;
  std::vector<std::string> inheritable;
  std::vector<std::string> permitted;
  std::vector<std::string> ambient;
};

struct ConsoleSize {
  uint32_t height = 0;
  uint32_t width = 0;
};

struct Process {
  bool terminal = false;
  std::optional<ConsoleSize> console_size;
  User user;
  std::vector<std::string> args;  // required, non-empty (ValidateSpec)
  std::vector<std::string> env;   // KEY=VALUE
  std::string cwd;                // required, absolute
  std::optional<Capabilities> capabilities;
  std::vector<Rlimit> rlimits;
  bool no_new_privileges = false;
  std::string apparmor_profile;
  std::optional<int> oom_score_adj;
  std::string selinux_label;
};

struct Root {
  std::string path;  // relative paths are relative to the bundle
  bool readonly = false;
};

struct Mount {
  std::string destination;  // absolute inside the container
  std::string type;         // empty means a bind mount when options say so
  std::string source;
  std::vector<std::string> options;
  std::vector<IdMapping> uid_mappings;
  std::vector<IdMapping> gid_mappings;
};

struct Hook {
  std::string path;  // absolute
  std::vector<std::string> args;
  std::vector<std::string> env;
  std::optional<int> timeout;  // seconds, > 0
};

struct Hooks {
  std::vector<Hook> prestart;  // deprecated by the spec, still run (runc does)
  std::vector<Hook> create_runtime;
  std::vector<Hook> create_container;
  std::vector<Hook> start_container;
  std::vector<Hook> poststart;
  std::vector<Hook> poststop;
};

enum class NamespaceType : uint8_t { kPid, kNetwork, kMount, kIpc, kUts, kUser, kCgroup, kTime };

/// The spec's name of `type` ("network", "mount", …).
std::string_view NamespaceName(NamespaceType type);

struct Namespace {
  NamespaceType type = NamespaceType::kPid;
  std::string path;  // empty: create a new one; otherwise join this one
};

struct Device {
  std::string type;  // "c", "b", "u" or "p"
  std::string path;  // absolute inside the container
  int64_t major = 0;
  int64_t minor = 0;
  std::optional<uint32_t> file_mode;
  std::optional<uint32_t> uid;
  std::optional<uint32_t> gid;
};

/// One entry of linux.resources.devices (the device cgroup's allow/deny list).
struct DeviceRule {
  bool allow = false;
  std::string type;              // "a", "c" or "b"; empty means all
  std::optional<int64_t> major;  // absent means any
  std::optional<int64_t> minor;
  std::string access;  // subset of "rwm"; empty means all
};

struct MemoryResources {
  std::optional<int64_t> limit;  // bytes; -1 means unlimited
  std::optional<int64_t> reservation;
  std::optional<int64_t> swap;  // memory+swap, as in v1
  std::optional<int64_t> kernel;
  std::optional<int64_t> kernel_tcp;
  std::optional<uint64_t> swappiness;
  std::optional<bool> disable_oom_killer;
  std::optional<bool> use_hierarchy;
  std::optional<bool> check_before_update;
};

struct CpuResources {
  std::optional<uint64_t> shares;
  std::optional<int64_t> quota;
  std::optional<uint64_t> burst;
  std::optional<uint64_t> period;
  std::optional<int64_t> realtime_runtime;
  std::optional<uint64_t> realtime_period;
  std::string cpus;
  std::string mems;
  std::optional<int64_t> idle;
};

struct PidsResources {
  int64_t limit = 0;  // <= 0 means unlimited
};

struct WeightDevice {
  int64_t major = 0;
  int64_t minor = 0;
  std::optional<uint16_t> weight;
  std::optional<uint16_t> leaf_weight;
};

struct ThrottleDevice {
  int64_t major = 0;
  int64_t minor = 0;
  uint64_t rate = 0;
};

struct BlockIoResources {
  std::optional<uint16_t> weight;
  std::optional<uint16_t> leaf_weight;
  std::vector<WeightDevice> weight_device;
  std::vector<ThrottleDevice> throttle_read_bps_device;
  std::vector<ThrottleDevice> throttle_write_bps_device;
  std::vector<ThrottleDevice> throttle_read_iops_device;
  std::vector<ThrottleDevice> throttle_write_iops_device;
};

struct HugepageLimit {
  std::string page_size;  // "2MB", "1GB"
  uint64_t limit = 0;
};

struct NetworkPriority {
  std::string name;
  uint32_t priority = 0;
};

struct NetworkResources {
  std::optional<uint32_t> class_id;
  std::vector<NetworkPriority> priorities;
};

struct Resources {
  std::vector<DeviceRule> devices;
  std::optional<MemoryResources> memory;
  std::optional<CpuResources> cpu;
  std::optional<PidsResources> pids;
  std::optional<BlockIoResources> block_io;
  std::vector<HugepageLimit> hugepage_limits;
  std::optional<NetworkResources> network;
  std::map<std::string, std::string> unified;  // cgroup v2 file -> value
};

struct SeccompArg {
  uint32_t index = 0;
  uint64_t value = 0;
  uint64_t value_two = 0;
  std::string op;  // "SCMP_CMP_EQ", …
};

struct SeccompSyscall {
  std::vector<std::string> names;
  std::string action;  // "SCMP_ACT_ALLOW", …
  std::optional<uint32_t> errno_ret;
  std::vector<SeccompArg> args;
};

struct Seccomp {
  std::string default_action;
  std::optional<uint32_t> default_errno_ret;
  std::vector<std::string> architectures;  // "SCMP_ARCH_X86_64", …
  std::vector<std::string> flags;          // "SECCOMP_FILTER_FLAG_LOG", …
  std::string listener_path;
  std::string listener_metadata;
  std::vector<SeccompSyscall> syscalls;
};

struct Personality {
  std::string domain;  // "LINUX" or "LINUX32"
  std::vector<std::string> flags;
};

struct Linux {
  std::vector<Namespace> namespaces;
  std::vector<IdMapping> uid_mappings;
  std::vector<IdMapping> gid_mappings;
  std::vector<Device> devices;
  std::string cgroups_path;
  std::optional<Resources> resources;
  std::map<std::string, std::string> sysctl;
  std::optional<Seccomp> seccomp;
  std::string rootfs_propagation;  // "", "private", "rprivate", "shared", …
  std::vector<std::string> masked_paths;
  std::vector<std::string> readonly_paths;
  std::string mount_label;
  std::optional<Personality> personality;
  /// Set when config.json asks for something runw cannot apply at all: the
  /// property's path (`linux.intelRdt`, `process.scheduler`, …; process ones are
  /// kept here too). ValidateSpec refuses such a config, since the spec says
  /// unapplied settings must fail.
  std::vector<std::string> unsupported;
};

struct Spec {
  std::string oci_version;
  std::optional<Process> process;  // required by create; absent is allowed by the spec
  Root root;
  std::string hostname;
  std::string domainname;
  std::vector<Mount> mounts;
  Hooks hooks;
  std::map<std::string, std::string> annotations;
  std::optional<Linux> linux;
};

/// Parses config.json text. Errors name the property path.
Expected<Spec> ParseSpec(std::string_view json_text);
/// Parses the `process` object of `runw exec --process FILE`.
Expected<Process> ParseProcess(std::string_view json_text);
/// Parses a LinuxResources object (`runw update --resources FILE`).
Expected<Resources> ParseResources(std::string_view json_text);

/// Semantic checks that need no host access: required fields, absolute paths
/// where the spec demands them, known enum names, no duplicate namespace types.
Expected<void> ValidateSpec(const Spec& spec);
/// The same checks for a lone process (exec).
Expected<void> ValidateProcess(const Process& process, std::string_view where);

/// The default config.json that `runw spec` writes: runc's template (a shell
/// in a rootfs with the usual namespaces, mounts and capabilities), as
/// pretty-printed JSON. With `rootless`, runc's rootless variant.
std::string DefaultSpecJson(bool rootless);

/// The value of environment variable `key` in a KEY=VALUE list, if set.
std::optional<std::string> EnvLookup(const std::vector<std::string>& env, std::string_view key);

}  // namespace runw::oci
