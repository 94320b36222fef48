// Control groups (see cgroups.h).
//
// Hierarchies are found in /proc/self/mountinfo, never at hard-coded paths, so
// that one code path serves the three layouts a host can have:
//   - cgroup v1: one mount per hierarchy, each carrying one or more controllers
//     ("cpu,cpuacct"), named by the mount's super options;
//   - cgroup v2 ("unified"): one cgroup2 mount, controllers listed in each
//     directory's cgroup.controllers;
//   - hybrid: v1 hierarchies plus a cgroup2 mount (usually without controllers)
//     at /sys/fs/cgroup/unified.
// The container gets a directory in every hierarchy. A resource is written to
// the v1 hierarchy carrying its controller when there is one, otherwise to the
// v2 hierarchy when the controller is enabled there; otherwise Apply fails
// naming the controller (a limit that was asked for is never dropped quietly).
// Device rules are the exception: v2 has no devices controller, so without a
// v1 devices hierarchy they become an eBPF program attached to the v2
// directory (cgroups-devices.h).
//
// Path decisions, since the runtime-spec leaves them to the runtime:
//   - a relative cgroupsPath is taken relative to the root of each hierarchy,
//     the same as an absolute one. Taking it relative to the runtime's own
//     cgroup would make the container's place depend on where the caller (a
//     shell, a test harness, conmon) happens to run, and `delete` from another
//     process would then look in the wrong place.
//   - a mount whose root is a subtree (bind mounts, cgroup namespaces) is used
//     as it is: paths are below its mount point.
//   - named v1 hierarchies ("name=systemd") carry no controller and limit
//     nothing; the container gets no directory there, which keeps the set of
//     directories to clean up small.
//   - with --systemd-cgroup, "slice:prefix:name" names the scope unit
//     "<prefix>-<name>.scope"; an empty slice means "system.slice", "-.slice"
//     the root slice. When systemd is reachable it makes the scope (see
//     StartSystemdUnit and systemd.h); otherwise the path systemd would use is
//     created here like any cgroupfs path (cgroups.h says why).
#include "oci/cgroups.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "oci/cgroups-devices.h"
#include "oci/log.h"
#include "oci/state.h"
#include "oci/systemd-properties.h"
#include "oci/systemd.h"
#include "oci/util.h"

namespace runw::oci {
namespace {

// ---- Small file and string helpers -------------------------------------------------

std::vector<std::string> Split(std::string_view text, char sep) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    size_t end = text.find(sep, start);
    parts.emplace_back(text.substr(start, end == std::string_view::npos ? end : end - start));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return parts;
}

std::string Trim(std::string_view text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' '))
    text.remove_suffix(1);
  while (!text.empty() && (text.front() == '\n' || text.front() == ' '))
    text.remove_prefix(1);
  return std::string(text);
}

bool Exists(const std::string& path) {
  return access(path.c_str(), F_OK) == 0;
}

// One write(2) per value (WriteOnce): the kernel parses each write of a cgroup
// file as a whole.
Expected<void> WriteFile(const std::string& path, std::string_view value) {
  if (int err = WriteOnce(path, value)) return Fail("write " + path + ": " + ErrnoText(err));
  return {};
}

std::optional<int64_t> ParseInt(std::string_view text) {
  int64_t v = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || p != text.data() + text.size()) return std::nullopt;
  return v;
}

// mountinfo escapes space, tab, newline and backslash in paths as \ooo.
std::string Unescape(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 3 < text.size() && text[i + 1] >= '0' && text[i + 1] <= '7' &&
        text[i + 2] >= '0' && text[i + 2] <= '7' && text[i + 3] >= '0' && text[i + 3] <= '7') {
      out += static_cast<char>((text[i + 1] - '0') * 64 + (text[i + 2] - '0') * 8 +
                               (text[i + 3] - '0'));
      i += 3;
    } else {
      out += text[i];
    }
  }
  return out;
}

// ---- Paths ------------------------------------------------------------------------------

// "/a//b/./c" -> "/a/b/c"; a relative path is rooted the same way. ".."
// components are refused: the path comes from a config file, and ".." would
// let it name a cgroup outside the container's place (or the root itself).
Expected<std::string> CleanCgroupPath(std::string_view path) {
  std::string out;
  for (const std::string& part : Split(path, '/')) {
    if (part.empty() || part == ".") continue;
    if (part == "..") {
      return Fail("cgroupsPath \"" + std::string(path) + "\" must not contain \"..\"");
    }
    out += "/" + part;
  }
  if (out.empty()) {
    return Fail("cgroupsPath \"" + std::string(path) +
                "\" names the root cgroup, which a container cannot own");
  }
  return out;
}

// "a-b-c.slice" -> "/a.slice/a-b.slice/a-b-c.slice": systemd nests a slice
// inside the slices named by its dash-separated prefixes.
Expected<std::string> ExpandSlice(std::string_view slice) {
  constexpr std::string_view kSuffix = ".slice";
  if (slice == "-.slice") return std::string();
  if (!slice.ends_with(kSuffix) || slice.find('/') != std::string_view::npos) {
    return Fail("invalid slice name \"" + std::string(slice) + "\"");
  }
  std::string_view stem = slice.substr(0, slice.size() - kSuffix.size());
  if (stem.empty() || stem.front() == '-' || stem.back() == '-' ||
      stem.find("--") != std::string_view::npos) {
    return Fail("invalid slice name \"" + std::string(slice) + "\"");
  }
  std::string out;
  std::string prefix;
  for (const std::string& part : Split(stem, '-')) {
    prefix += prefix.empty() ? part : "-" + part;
    out += "/" + prefix + std::string(kSuffix);
  }
  return out;
}

// "slice:prefix:name" split in three, or nullopt when the text has another shape.
std::optional<std::vector<std::string>> SystemdParts(std::string_view path) {
  std::vector<std::string> parts = Split(path, ':');
  if (parts.size() != 3) return std::nullopt;
  return parts;
}

// "slice:prefix:name", checked and taken apart.
struct SystemdName {
  std::string slice;  // "machine.slice"
  std::string unit;   // "libpod-<id>.scope"
  std::string path;   // where systemd puts it: "/machine.slice/libpod-<id>.scope"
};

Expected<SystemdName> ParseSystemdPath(std::string_view path) {
  auto parts = SystemdParts(path);
  if (!parts) {
    return Fail("cgroupsPath \"" + std::string(path) +
                "\" is not of the form \"slice:prefix:name\" required with --systemd-cgroup");
  }
  SystemdName out;
  out.slice = (*parts)[0].empty() ? std::string("system.slice") : (*parts)[0];
  const std::string& prefix = (*parts)[1];
  const std::string& name = (*parts)[2];
  if (name.empty() || name.find('/') != std::string::npos ||
      prefix.find('/') != std::string::npos || name == "." || name == "..") {
    return Fail("cgroupsPath \"" + std::string(path) + "\" has an invalid unit name");
  }
  // runc takes "slice:prefix:x.slice" as the slice x.slice itself (kubelet
  // makes pod slices so). Processes cannot live in a slice, only in a scope
  // below one, so for a container such a path is a mistake.
  if (name.ends_with(".slice")) {
    return Fail("cgroupsPath \"" + std::string(path) + "\" names the slice `" + name +
                "`; a container needs a scope: give a name that does not end in \".slice\"");
  }
  out.unit = (prefix.empty() ? name : prefix + "-" + name) + ".scope";
  out.path = RUNW_OCI_TRY(ExpandSlice(out.slice)) + "/" + out.unit;
  return out;
}

// ---- Hierarchies ------------------------------------------------------------------------

struct Hierarchy {
  std::string key;  // "cpu,cpuacct" for v1, "" for v2
  std::string mountpoint;
};

// The controller names this kernel knows (first column of /proc/cgroups), used
// to tell controllers from other super options ("rw", "xattr", "clone_children").
std::vector<std::string> KnownControllers() {
  std::vector<std::string> names;
  auto text = ReadSmallFile("/proc/cgroups");
  if (text) {
    for (const std::string& line : Split(*text, '\n')) {
      if (line.empty() || line[0] == '#') continue;
      names.push_back(line.substr(0, line.find('\t')));
    }
  }
  if (names.empty()) {
    names = {"cpuset",  "cpu",        "cpuacct",  "blkio",   "memory", "devices", "freezer",
             "net_cls", "perf_event", "net_prio", "hugetlb", "pids",   "rdma",    "misc"};
  }
  return names;
}

Expected<std::vector<Hierarchy>> FindHierarchies() {
  auto text = ReadSmallFile("/proc/self/mountinfo");
  if (!text) return Fail(text.error());
  std::vector<std::string> known = KnownControllers();
  std::vector<Hierarchy> found;
  for (const std::string& line : Split(*text, '\n')) {
    // "id parent maj:min root mountpoint opts [optional...] - fstype source superopts"
    size_t dash = line.find(" - ");
    if (dash == std::string::npos) continue;
    std::vector<std::string> head = Split(std::string_view(line).substr(0, dash), ' ');
    std::vector<std::string> tail = Split(std::string_view(line).substr(dash + 3), ' ');
    if (head.size() < 5 || tail.size() < 3) continue;
    const std::string& fstype = tail[0];
    Hierarchy h;
    h.mountpoint = Unescape(head[4]);
    if (fstype == "cgroup2") {
      h.key = "";
    } else if (fstype == "cgroup") {
      for (const std::string& opt : Split(tail[2], ',')) {
        if (std::find(known.begin(), known.end(), opt) == known.end()) continue;
        h.key += h.key.empty() ? opt : "," + opt;
      }
      if (h.key.empty()) continue;  // a named hierarchy such as name=systemd
    } else {
      continue;
    }
    // The same hierarchy mounted twice (bind mounts) is used once.
    bool seen = std::any_of(found.begin(), found.end(),
                            [&](const Hierarchy& other) { return other.key == h.key; });
    if (!seen) found.push_back(std::move(h));
  }
  if (found.empty()) return Fail("no cgroup hierarchy is mounted (see /proc/self/mountinfo)");
  return found;
}

bool KeyHas(std::string_view key, std::string_view controller) {
  if (key.empty()) return false;
  for (const std::string& part : Split(key, ',')) {
    if (part == controller) return true;
  }
  return false;
}

// True when `dir` is on a cgroup filesystem. Where a hierarchy's root is is
// not kept (FromJson has only the leaf paths), so code that needs a cgroup's
// ancestors walks up until the path leaves the cgroup filesystem.
bool IsCgroupDir(const std::string& dir) {
  struct statfs fs = {};
  if (statfs(dir.c_str(), &fs) != 0) return false;
  return fs.f_type == CGROUP2_SUPER_MAGIC || fs.f_type == CGROUP_SUPER_MAGIC;
}

std::string Parent(const std::string& dir) {
  size_t slash = dir.rfind('/');
  return slash == 0 || slash == std::string::npos ? "/" : dir.substr(0, slash);
}

// ---- Freezer ----------------------------------------------------------------------------

// A v1 freezer moves through FREEZING to FROZEN as tasks stop; a task in an
// uninterruptible sleep can hold it in FREEZING. Re-writing the wanted state
// makes the kernel retry the tasks it could not stop yet.
Expected<void> SetFrozenV1(const std::string& dir, bool frozen) {
  const std::string file = dir + "/freezer.state";
  const std::string_view want = frozen ? "FROZEN" : "THAWED";
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  while (true) {
    RUNW_OCI_CHECK(WriteFile(file, want));
    std::string state = Trim(RUNW_OCI_TRY(ReadSmallFile(file)));
    if (state == want) return {};
    if (std::chrono::steady_clock::now() > deadline) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  // Leave no cgroup half frozen behind a failure.
  if (frozen) (void)WriteFile(file, "THAWED");
  return Fail(std::string(frozen ? "freeze " : "thaw ") + dir +
              ": timed out waiting for freezer.state to become " + std::string(want));
}

Expected<bool> FrozenV2(const std::string& dir) {
  std::string events = RUNW_OCI_TRY(ReadSmallFile(dir + "/cgroup.events"));
  for (const std::string& line : Split(events, '\n')) {
    if (line == "frozen 1") return true;
  }
  return false;
}

Expected<void> SetFrozenV2(const std::string& dir, bool frozen) {
  RUNW_OCI_CHECK(WriteFile(dir + "/cgroup.freeze", frozen ? "1" : "0"));
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  while (true) {
    bool now = RUNW_OCI_TRY(FrozenV2(dir));
    if (now == frozen) return {};
    if (std::chrono::steady_clock::now() > deadline) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  if (frozen) (void)WriteFile(dir + "/cgroup.freeze", "0");
  return Fail(std::string(frozen ? "freeze " : "thaw ") + dir +
              ": timed out waiting for cgroup.events to report frozen " + (frozen ? "1" : "0"));
}

// ---- Process lists ----------------------------------------------------------------------

// The child cgroup directories of `dir` (none when `dir` does not exist).
Expected<std::vector<std::string>> ChildCgroups(const std::string& dir) {
  std::vector<std::string> children;
  DIR* d = opendir(dir.c_str());
  if (d == nullptr) {
    if (errno == ENOENT) return children;
    return Fail(SysError("open " + dir));
  }
  while (dirent* e = readdir(d)) {
    std::string name = e->d_name;
    if (e->d_type == DT_DIR && name != "." && name != "..") children.push_back(dir + "/" + name);
  }
  closedir(d);
  return children;
}

Expected<void> CollectPids(const std::string& dir, std::vector<pid_t>& out) {
  auto text = ReadSmallFile(dir + "/cgroup.procs");
  if (!text) {
    // A child cgroup removed while walking has no processes left.
    if (!Exists(dir)) return {};
    return Fail(text.error());
  }
  for (const std::string& line : Split(*text, '\n')) {
    if (line.empty()) continue;
    auto pid = ParseInt(line);
    if (!pid) return Fail("read " + dir + "/cgroup.procs: unexpected line \"" + line + "\"");
    out.push_back(static_cast<pid_t>(*pid));
  }
  std::vector<std::string> children = RUNW_OCI_TRY(ChildCgroups(dir));
  for (const std::string& child : children)
    RUNW_OCI_CHECK(CollectPids(child, out));
  return {};
}

// rmdir of a cgroup whose last tasks were just killed can fail with EBUSY for
// a moment, until the kernel finishes tearing them down; retry for ~1s.
Expected<void> RemoveTree(const std::string& dir) {
  std::vector<std::string> children = RUNW_OCI_TRY(ChildCgroups(dir));
  for (const std::string& child : children)
    RUNW_OCI_CHECK(RemoveTree(child));
  for (int attempt = 0;; ++attempt) {
    if (rmdir(dir.c_str()) == 0 || errno == ENOENT) return {};
    if (errno != EBUSY || attempt >= 50) return Fail(SysError("rmdir " + dir));
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

// ---- Conversions between v1 and v2 values -----------------------------------------------

// blkio.weight [10, 1000] onto io.weight [1, 10000], linearly.
uint64_t BlkioToIoWeight(uint64_t weight) {
  weight = std::clamp<uint64_t>(weight, 10, 1000);
  return 1 + ((weight - 10) * 9999) / 990;
}

std::string MaxOr(int64_t value) {
  return value < 0 ? "max" : std::to_string(value);
}

std::string DeviceRuleText(const DeviceRule& rule) {
  std::string type = rule.type.empty() ? "a" : rule.type;
  std::string major = rule.major && *rule.major >= 0 ? std::to_string(*rule.major) : "*";
  std::string minor = rule.minor && *rule.minor >= 0 ? std::to_string(*rule.minor) : "*";
  std::string access = rule.access.empty() ? "rwm" : rule.access;
  return type + " " + major + ":" + minor + " " + access;
}

Expected<void> ValidateDeviceRule(const DeviceRule& rule, size_t index) {
  std::string where = "linux.resources.devices[" + std::to_string(index) + "]";
  if (!rule.type.empty() && rule.type != "a" && rule.type != "b" && rule.type != "c") {
    return Fail(where + ".type: invalid device type \"" + rule.type + "\"");
  }
  for (char c : rule.access) {
    if (c != 'r' && c != 'w' && c != 'm') {
      return Fail(where + ".access: invalid access \"" + rule.access + "\"");
    }
  }
  return {};
}

// "2MB", "1GB", "64KB": what hugetlb file names carry.
bool ValidPageSize(std::string_view size) {
  if (size.size() < 3) return false;
  std::string_view unit = size.substr(size.size() - 2);
  if (unit != "KB" && unit != "MB" && unit != "GB") return false;
  std::string_view digits = size.substr(0, size.size() - 2);
  return std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

// ---- Resolve and persistence ------------------------------------------------------------

namespace {

// `path` (clean, from the root of a hierarchy) in every hierarchy of this host.
Expected<std::vector<std::pair<std::string, std::string>>> PathsIn(const std::string& path) {
  auto hierarchies = RUNW_OCI_TRY(FindHierarchies());
  std::vector<std::pair<std::string, std::string>> paths;
  for (const Hierarchy& h : hierarchies) {
    std::string mount = h.mountpoint == "/" ? "" : h.mountpoint;
    paths.emplace_back(h.key, mount + path);
  }
  return paths;
}

// A unit name from a state file, before it goes to systemd or into messages.
bool ValidScopeName(std::string_view unit) {
  if (unit.size() <= 6 || !unit.ends_with(".scope") || unit.size() > 255) return false;
  return std::all_of(unit.begin(), unit.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.' || c == '@' || c == '\\' || c == ':';
  });
}

}  // namespace

Expected<Cgroup> Cgroup::Resolve(std::string_view cgroups_path, std::string_view id, bool systemd) {
  std::string path;
  std::optional<SystemdScope> scope;
  if (cgroups_path.empty()) {
    // The id becomes one directory name; the caller validates ids, but an
    // empty one here would make the container own /runw itself.
    if (id.empty() || id.find('/') != std::string_view::npos) {
      return Fail("invalid container id \"" + std::string(id) + "\" for a cgroup name");
    }
    path = RUNW_OCI_TRY(CleanCgroupPath("/runw/" + std::string(id)));
  } else if (systemd) {
    SystemdName name = RUNW_OCI_TRY(ParseSystemdPath(cgroups_path));
    // The path systemd will use is also the first guess at where the cgroup
    // is, recorded before the unit exists (see StartSystemdUnit).
    path = RUNW_OCI_TRY(CleanCgroupPath(name.path));
    if (systemd::Available()) {
      scope = SystemdScope{name.unit, name.slice, "runw container " + std::string(id)};
    } else {
      LogDebug("systemd is not reachable on the system bus; " + name.unit +
               " is made as the cgroupfs path " + path);
    }
  } else {
    // "machine.slice:libpod:<id>" without the flag is a caller mistake; taking
    // it as a directory name would put the container somewhere nobody looks.
    auto parts = SystemdParts(cgroups_path);
    if (parts && ((*parts)[0].empty() || (*parts)[0].ends_with(".slice"))) {
      return Fail("cgroupsPath \"" + std::string(cgroups_path) +
                  "\" is in systemd form (slice:prefix:name) but --systemd-cgroup was not given");
    }
    path = RUNW_OCI_TRY(CleanCgroupPath(cgroups_path));
  }
  Cgroup cg;
  cg.paths_ = RUNW_OCI_TRY(PathsIn(path));
  cg.systemd_ = std::move(scope);
  return cg;
}

namespace {

// The CFS quota (-1: none) and period in force for the cgroup, from v1's
// cpu.cfs_quota_us and cpu.cfs_period_us or v2's cpu.max ("max 100000").
std::optional<std::pair<int64_t, uint64_t>> CurrentCfs(
    const std::vector<std::pair<std::string, std::string>>& paths) {
  std::string quota_text, period_text;
  for (const auto& [key, dir] : paths) {
    if (!KeyHas(key, "cpu")) continue;
    auto quota = ReadSmallFile(dir + "/cpu.cfs_quota_us");
    auto period = ReadSmallFile(dir + "/cpu.cfs_period_us");
    if (!quota || !period) return std::nullopt;
    quota_text = Trim(*quota);
    period_text = Trim(*period);
  }
  if (period_text.empty()) {
    for (const auto& [key, dir] : paths) {
      if (!key.empty()) continue;
      auto max = ReadSmallFile(dir + "/cpu.max");
      if (!max) return std::nullopt;
      auto fields = Split(Trim(*max), ' ');
      if (fields.size() != 2) return std::nullopt;
      quota_text = fields[0] == "max" ? "-1" : fields[0];
      period_text = fields[1];
    }
  }
  auto quota = ParseInt(quota_text);
  auto period = ParseInt(period_text);
  if (!quota || !period || *period <= 0) return std::nullopt;
  return std::pair{*quota, static_cast<uint64_t>(*period)};
}

}  // namespace

systemd::ControllerVersions Cgroup::Versions() const {
  // Decided by the hierarchies, not by the cgroup's directories: at create the
  // scope's do not exist yet. systemd picks its property names the same way
  // (on a hybrid host the v1 controllers are the ones it uses).
  auto on_v2 = [&](std::string_view controller) {
    return std::none_of(paths_.begin(), paths_.end(),
                        [&](const auto& entry) { return KeyHas(entry.first, controller); });
  };
  return {.memory_v2 = on_v2("memory"), .cpu_v2 = on_v2("cpu")};
}

Expected<void> Cgroup::StartSystemdUnit(pid_t pid, const Resources* resources) {
  if (!systemd_) return Fail("cgroup: no systemd unit to start");
  systemd::ScopeRequest request;
  request.unit = systemd_->unit;
  request.slice = systemd_->slice;
  request.description = systemd_->description;
  request.pid = pid;
  if (resources != nullptr) {
    request.resources = RUNW_OCI_TRY(systemd::ResourceProperties(*resources, Versions()));
  }
  std::string group = RUNW_OCI_TRY(systemd::StartScope(request));
  auto clean = CleanCgroupPath(group);
  if (!clean || *clean != group) {
    return Fail("systemd: unit `" + systemd_->unit + "` has an unusable ControlGroup \"" + group +
                "\"");
  }
  paths_ = RUNW_OCI_TRY(PathsIn(group));
  // systemd makes the scope's directory only in the hierarchies it manages
  // (on cgroup v1 those of the controllers it accounts with, plus v2); the
  // others (freezer, devices, net_cls, ...) get the same path made here, and
  // the process is put there too. Where systemd made the directory, both
  // steps change nothing.
  RUNW_OCI_CHECK(Create());
  RUNW_OCI_CHECK(AddProcess(pid));
  return {};
}

std::string Cgroup::ToJson() const {
  nlohmann::json paths = nlohmann::json::object();
  for (const auto& [key, dir] : paths_)
    paths[key] = dir;
  nlohmann::json j = {{"paths", paths}};
  if (systemd_) j["systemd_unit"] = systemd_->unit;
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Expected<Cgroup> Cgroup::FromJson(std::string_view json_text) {
  nlohmann::json j = nlohmann::json::parse(json_text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return Fail("cgroup state: not a JSON object");
  auto it = j.find("paths");
  if (it == j.end() || !it->is_object()) return Fail("cgroup state: \"paths\" must be an object");
  Cgroup cg;
  for (auto entry = it->begin(); entry != it->end(); ++entry) {
    const std::string& key = entry.key();
    bool key_ok = std::all_of(key.begin(), key.end(), [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == ',';
    });
    if (!key_ok) return Fail("cgroup state: invalid controller name \"" + key + "\"");
    if (!entry->is_string()) return Fail("cgroup state: paths[\"" + key + "\"] must be a string");
    std::string dir = entry->get<std::string>();
    // The state directory is trusted no more than the config: a path that is
    // not below a cgroup mount's subtree would make Destroy remove it.
    auto clean = CleanCgroupPath(dir);
    if (dir.empty() || dir[0] != '/' || !clean || *clean != dir) {
      return Fail("cgroup state: paths[\"" + key + "\"]: invalid path \"" + dir + "\"");
    }
    cg.paths_.emplace_back(key, dir);
  }
  if (cg.paths_.empty()) return Fail("cgroup state: \"paths\" is empty");
  if (auto unit = j.find("systemd_unit"); unit != j.end()) {
    if (!unit->is_string() || !ValidScopeName(unit->get<std::string>())) {
      return Fail("cgroup state: \"systemd_unit\" must name a scope unit");
    }
    cg.systemd_ = SystemdScope{unit->get<std::string>(), "", ""};
  }
  return cg;
}

std::string Cgroup::PathOf(std::string_view controller) const {
  for (const auto& [key, dir] : paths_) {
    if (key == controller || KeyHas(key, controller)) return dir;
  }
  for (const auto& [key, dir] : paths_) {
    if (key.empty()) return dir;
  }
  return "";
}

// ---- Lifecycle --------------------------------------------------------------------------

namespace {

// The directory that controls `controller` for this cgroup: the v1 hierarchy
// carrying it, else the v2 one when the controller is enabled for the cgroup
// (listed in its cgroup.controllers). `v2` tells the caller which file names apply.
struct Target {
  std::string dir;
  bool v2 = false;
};

std::optional<Target> FindController(const std::vector<std::pair<std::string, std::string>>& paths,
                                     std::string_view controller) {
  for (const auto& [key, dir] : paths) {
    if (KeyHas(key, controller)) return Target{dir, false};
  }
  for (const auto& [key, dir] : paths) {
    if (!key.empty()) continue;
    auto list = ReadSmallFile(dir + "/cgroup.controllers");
    if (!list) continue;
    for (const std::string& name : Split(Trim(*list), ' ')) {
      if (name == controller) return Target{dir, true};
    }
  }
  return std::nullopt;
}

Expected<Target> NeedController(const std::vector<std::pair<std::string, std::string>>& paths,
                                std::string_view controller, std::string_view field) {
  auto target = FindController(paths, controller);
  if (!target) {
    return Fail(std::string(field) + ": the " + std::string(controller) +
                " cgroup controller is not available on this host");
  }
  return *target;
}

// The freezer of this cgroup: v1 freezer hierarchy, else v2 cgroup.freeze
// (present in every non-root v2 cgroup since Linux 5.2).
std::optional<Target> FindFreezer(const std::vector<std::pair<std::string, std::string>>& paths) {
  for (const auto& [key, dir] : paths) {
    if (KeyHas(key, "freezer")) return Target{dir, false};
  }
  for (const auto& [key, dir] : paths) {
    if (key.empty() && Exists(dir + "/cgroup.freeze")) return Target{dir, true};
  }
  return std::nullopt;
}

// v1 cpuset: a new cgroup starts with empty cpuset.cpus and cpuset.mems, and
// the kernel refuses to add a task to it (ENOSPC) until both are set.
Expected<void> InheritCpuset(const std::string& dir) {
  for (const char* file : {"cpuset.cpus", "cpuset.mems"}) {
    std::string mine = dir + "/" + file;
    auto current = ReadSmallFile(mine);
    if (!current) return Fail(current.error());
    if (!Trim(*current).empty()) continue;
    std::string parent = Trim(RUNW_OCI_TRY(ReadSmallFile(Parent(dir) + "/" + file)));
    RUNW_OCI_CHECK(WriteFile(mine, parent));
  }
  return {};
}

// v2: a child sees only the controllers its parent enabled in
// cgroup.subtree_control. Each is enabled on its own so one refusal (a
// controller the host keeps to itself, or a parent holding processes) does not
// block the others; what stays unavailable is reported precisely by Apply.
void EnableSubtreeControllers(const std::string& dir) {
  auto list = ReadSmallFile(dir + "/cgroup.controllers");
  if (!list) return;
  for (const std::string& name : Split(Trim(*list), ' ')) {
    if (!name.empty()) (void)WriteOnce(dir + "/cgroup.subtree_control", "+" + name);
  }
}

Expected<void> MakeCgroupDir(const std::string& key, const std::string& leaf) {
  // Find the deepest existing ancestor, then create downwards from it.
  std::vector<std::string> missing;
  std::string dir = leaf;
  while (!Exists(dir)) {
    missing.push_back(dir);
    dir = Parent(dir);
    if (dir == "/") return Fail("mkdir " + leaf + ": no cgroup filesystem above it");
  }
  std::reverse(missing.begin(), missing.end());
  for (const std::string& level : missing) {
    if (key.empty()) EnableSubtreeControllers(Parent(level));
    if (mkdir(level.c_str(), 0755) != 0 && errno != EEXIST) return Fail(SysError("mkdir " + level));
  }
  if (KeyHas(key, "cpuset")) {
    // Every level below the hierarchy root, top down: one made by someone else
    // (a parent such as /runw, or the leaf itself) may have been left empty
    // too, and an empty parent would give the levels below nothing to copy.
    std::vector<std::string> levels;
    for (std::string level = leaf; IsCgroupDir(Parent(level)); level = Parent(level)) {
      levels.push_back(level);
    }
    std::reverse(levels.begin(), levels.end());
    for (const std::string& level : levels)
      RUNW_OCI_CHECK(InheritCpuset(level));
  }
  return {};
}

}  // namespace

Expected<void> Cgroup::Create() {
  for (const auto& [key, dir] : paths_)
    RUNW_OCI_CHECK(MakeCgroupDir(key, dir));
  return {};
}

Expected<void> Cgroup::AddProcess(pid_t pid) {
  for (const auto& [key, dir] : paths_) {
    RUNW_OCI_CHECK(WriteFile(dir + "/cgroup.procs", std::to_string(pid)));
  }
  return {};
}

Expected<std::vector<pid_t>> Cgroup::Pids() const {
  // Every hierarchy holds the same processes (AddProcess writes them all and
  // children inherit); pids is the one made to count them, v2 the next best.
  std::string dir;
  for (const auto& [key, path] : paths_) {
    if (KeyHas(key, "pids")) dir = path;
  }
  if (dir.empty()) {
    for (const auto& [key, path] : paths_) {
      if (key.empty()) dir = path;
    }
  }
  if (dir.empty() && !paths_.empty()) dir = paths_.front().second;
  std::vector<pid_t> pids;
  if (dir.empty() || !Exists(dir)) return pids;
  RUNW_OCI_CHECK(CollectPids(dir, pids));
  std::sort(pids.begin(), pids.end());
  pids.erase(std::unique(pids.begin(), pids.end()), pids.end());
  return pids;
}

Expected<void> Cgroup::KillAll(int signal) const {
  // For SIGKILL, freezing first stops processes from forking children that the
  // list below would miss; frozen tasks die of SIGKILL once thawed. Freezing
  // is only a help: if it fails, the kill still goes ahead.
  std::optional<Target> freezer = signal == SIGKILL ? FindFreezer(paths_) : std::nullopt;
  bool frozen = false;
  if (freezer && Exists(freezer->dir)) {
    frozen = (freezer->v2 ? SetFrozenV2(freezer->dir, true) : SetFrozenV1(freezer->dir, true))
                 .has_value();
  }
  auto pids = Pids();
  std::string first_error;
  if (pids) {
    for (pid_t pid : *pids) {
      if (kill(pid, signal) != 0 && errno != ESRCH && first_error.empty()) {
        first_error = SysError("kill " + std::to_string(pid));
      }
    }
  } else {
    first_error = pids.error();
  }
  if (frozen) {
    auto thawed = freezer->v2 ? SetFrozenV2(freezer->dir, false) : SetFrozenV1(freezer->dir, false);
    if (!thawed && first_error.empty()) first_error = thawed.error();
  }
  if (!first_error.empty()) return Fail(first_error);
  return {};
}

Expected<void> Cgroup::SetFrozen(bool frozen) {
  auto freezer = FindFreezer(paths_);
  if (!freezer) return Fail("freezer cgroup controller is not available");
  return freezer->v2 ? SetFrozenV2(freezer->dir, frozen) : SetFrozenV1(freezer->dir, frozen);
}

Expected<bool> Cgroup::Frozen() const {
  auto freezer = FindFreezer(paths_);
  if (!freezer) return Fail("freezer cgroup controller is not available");
  if (freezer->v2) return FrozenV2(freezer->dir);
  std::string state = Trim(RUNW_OCI_TRY(ReadSmallFile(freezer->dir + "/freezer.state")));
  return state == "FROZEN";
}

Expected<void> Cgroup::Destroy() {
  std::string first_error;
  // The unit first: stopping it makes systemd remove the directories it made
  // (and forget the scope); what it did not make is removed below.
  if (systemd_) {
    if (auto stopped = systemd::StopUnit(systemd_->unit); !stopped) first_error = stopped.error();
  }
  for (const auto& [key, dir] : paths_) {
    // Only directories inside a cgroup filesystem are removed: the paths may
    // come from a state file.
    if (!Exists(dir)) continue;
    if (!IsCgroupDir(dir)) {
      if (first_error.empty()) first_error = "rmdir " + dir + ": not a cgroup directory";
      continue;
    }
    auto removed = RemoveTree(dir);
    if (!removed && first_error.empty()) first_error = removed.error();
  }
  if (!first_error.empty()) return Fail(first_error);
  return {};
}

std::optional<int64_t> Cgroup::MemoryLimit() const {
  auto target = FindController(paths_, "memory");
  if (!target) return std::nullopt;
  auto text = ReadSmallFile(target->dir + (target->v2 ? "/memory.max" : "/memory.limit_in_bytes"));
  if (!text) return std::nullopt;
  std::string value = Trim(*text);
  if (value == "max") return std::nullopt;
  auto bytes = ParseInt(value);
  // v1 reports "no limit" as the largest page-aligned value (~2^63).
  if (!bytes || *bytes >= (int64_t{1} << 62)) return std::nullopt;
  return bytes;
}

// ---- Apply ------------------------------------------------------------------------------

namespace {

using Paths = std::vector<std::pair<std::string, std::string>>;

// memory.checkBeforeUpdate: a new limit below what the cgroup uses now is
// refused rather than set (which would make the kernel reclaim or OOM-kill).
Expected<void> CheckBeforeUpdate(const Target& t, const MemoryResources& m) {
  const int64_t limit = m.limit.value_or(0);
  if (!m.check_before_update.value_or(false) || limit <= 0) return {};
  auto usage = ReadSmallFile(t.dir + (t.v2 ? "/memory.current" : "/memory.usage_in_bytes"));
  if (!usage) return {};
  auto bytes = ParseInt(Trim(*usage));
  if (bytes && *bytes > limit) {
    return Fail("linux.resources.memory.limit: new limit " + std::to_string(limit) +
                " is below the current usage " + std::to_string(*bytes));
  }
  return {};
}

Expected<void> ApplyMemory(const Paths& paths, const MemoryResources& m) {
  // Zero is what a Go runtime's caller leaves in an unset field; runc treats a
  // zero limit or swap as "not set", and so does runw (a zero memory limit
  // would kill the container at once).
  // Plain values with 0 for "unset" (not std::optional copies, which g++ 12 -O3
  // misreads as maybe-uninitialized).
  const int64_t limit = m.limit.value_or(0);
  const int64_t swap = m.swap.value_or(0);
  bool any = limit != 0 || swap != 0 || m.reservation || m.kernel || m.kernel_tcp || m.swappiness ||
             m.disable_oom_killer || m.use_hierarchy;
  if (!any) return {};
  Target t = RUNW_OCI_TRY(NeedController(paths, "memory", "linux.resources.memory"));
  const std::string& d = t.dir;

  RUNW_OCI_CHECK(CheckBeforeUpdate(t, m));

  if (!t.v2) {
    const std::string limit_file = d + "/memory.limit_in_bytes";
    const std::string swap_file = d + "/memory.memsw.limit_in_bytes";
    // memory+swap may never be below memory: when lowering, swap must go
    // first, when raising, memory must. Either order can be the right one, so
    // the other is tried when the kernel says EINVAL.
    // Without swap accounting (swapaccount=0) there is no memsw file and swap
    // cannot be limited apart from memory; the memory limit still applies.
    bool write_swap = swap != 0 && Exists(swap_file);
    if (limit != 0) {
      int err = WriteOnce(limit_file, std::to_string(limit));
      if (err == EINVAL && write_swap) {
        RUNW_OCI_CHECK(WriteFile(swap_file, std::to_string(swap)));
        RUNW_OCI_CHECK(WriteFile(limit_file, std::to_string(limit)));
        write_swap = false;
      } else if (err != 0) {
        return Fail("write " + limit_file + ": " + ErrnoText(err));
      }
    }
    if (write_swap) RUNW_OCI_CHECK(WriteFile(swap_file, std::to_string(swap)));
    if (m.reservation) {
      RUNW_OCI_CHECK(WriteFile(d + "/memory.soft_limit_in_bytes", std::to_string(*m.reservation)));
    }
    // Kernel memory accounting is gone from recent kernels; a limit that was
    // asked for still must not vanish silently.
    if (m.kernel) {
      std::string file = d + "/memory.kmem.limit_in_bytes";
      if (!Exists(file)) {
        return Fail(
            "linux.resources.memory.kernel: memory.kmem.limit_in_bytes is not "
            "supported by this kernel");
      }
      RUNW_OCI_CHECK(WriteFile(file, std::to_string(*m.kernel)));
    }
    if (m.kernel_tcp) {
      std::string file = d + "/memory.kmem.tcp.limit_in_bytes";
      if (!Exists(file)) {
        return Fail(
            "linux.resources.memory.kernelTCP: memory.kmem.tcp.limit_in_bytes is not "
            "supported by this kernel");
      }
      RUNW_OCI_CHECK(WriteFile(file, std::to_string(*m.kernel_tcp)));
    }
    if (m.swappiness) {
      if (*m.swappiness > 100) {
        return Fail("linux.resources.memory.swappiness: " + std::to_string(*m.swappiness) +
                    " is out of range 0-100");
      }
      RUNW_OCI_CHECK(WriteFile(d + "/memory.swappiness", std::to_string(*m.swappiness)));
    }
    if (m.disable_oom_killer) {
      RUNW_OCI_CHECK(WriteFile(d + "/memory.oom_control", *m.disable_oom_killer ? "1" : "0"));
    }
    if (m.use_hierarchy) {
      RUNW_OCI_CHECK(WriteFile(d + "/memory.use_hierarchy", *m.use_hierarchy ? "1" : "0"));
    }
    return {};
  }

  // cgroup v2.
  if (limit != 0) RUNW_OCI_CHECK(WriteFile(d + "/memory.max", MaxOr(limit)));
  if (m.reservation) RUNW_OCI_CHECK(WriteFile(d + "/memory.low", MaxOr(*m.reservation)));
  if (swap != 0 && Exists(d + "/memory.swap.max")) {
    // The spec's swap is memory+swap (v1); v2 limits swap alone.
    std::string value;
    if (swap < 0) {
      value = "max";
    } else if (limit <= 0) {
      return Fail("linux.resources.memory.swap: a swap limit needs a memory limit on cgroup v2");
    } else if (swap < limit) {
      return Fail("linux.resources.memory.swap: memory+swap limit " + std::to_string(swap) +
                  " is below the memory limit " + std::to_string(limit));
    } else {
      value = std::to_string(swap - limit);
    }
    RUNW_OCI_CHECK(WriteFile(d + "/memory.swap.max", value));
  }
  if (m.kernel || m.kernel_tcp) {
    return Fail("linux.resources.memory.kernel: kernel memory limits do not exist on cgroup v2");
  }
  if (m.swappiness) {
    return Fail("linux.resources.memory.swappiness: not supported on cgroup v2");
  }
  if (m.disable_oom_killer.value_or(false)) {
    return Fail("linux.resources.memory.disableOOMKiller: not supported on cgroup v2");
  }
  if (m.use_hierarchy && !*m.use_hierarchy) {
    return Fail("linux.resources.memory.useHierarchy: cgroup v2 is always hierarchical");
  }
  return {};
}

Expected<void> ApplyCpu(const Paths& paths, const CpuResources& c) {
  bool any_cpu = c.shares || c.quota || c.burst || c.period || c.realtime_runtime ||
                 c.realtime_period || c.idle;
  if (any_cpu) {
    Target t = RUNW_OCI_TRY(NeedController(paths, "cpu", "linux.resources.cpu"));
    const std::string& d = t.dir;
    if (!t.v2) {
      if (c.shares) RUNW_OCI_CHECK(WriteFile(d + "/cpu.shares", std::to_string(*c.shares)));
      // The kernel checks quota against period at each write; period first is
      // the usual order, quota first the fallback when that one is refused.
      std::string period_file = d + "/cpu.cfs_period_us";
      std::string quota_file = d + "/cpu.cfs_quota_us";
      if (c.period) {
        int err = WriteOnce(period_file, std::to_string(*c.period));
        if (err == EINVAL && c.quota) {
          RUNW_OCI_CHECK(WriteFile(quota_file, std::to_string(*c.quota)));
          RUNW_OCI_CHECK(WriteFile(period_file, std::to_string(*c.period)));
        } else if (err != 0) {
          return Fail("write " + period_file + ": " + ErrnoText(err));
        }
      }
      if (c.quota) RUNW_OCI_CHECK(WriteFile(quota_file, std::to_string(*c.quota)));
      if (c.burst) RUNW_OCI_CHECK(WriteFile(d + "/cpu.cfs_burst_us", std::to_string(*c.burst)));
      if (c.realtime_period) {
        RUNW_OCI_CHECK(WriteFile(d + "/cpu.rt_period_us", std::to_string(*c.realtime_period)));
      }
      if (c.realtime_runtime) {
        RUNW_OCI_CHECK(WriteFile(d + "/cpu.rt_runtime_us", std::to_string(*c.realtime_runtime)));
      }
    } else {
      if (c.shares && *c.shares != 0) {
        RUNW_OCI_CHECK(
            WriteFile(d + "/cpu.weight", std::to_string(systemd::CpuSharesToWeight(*c.shares))));
      }
      if (c.quota || c.period) {
        // cpu.max holds both; keep the half that was not given.
        std::string quota = "max";
        std::string period = "100000";
        auto current = ReadSmallFile(d + "/cpu.max");
        if (current) {
          auto fields = Split(Trim(*current), ' ');
          if (fields.size() == 2) {
            quota = fields[0];
            period = fields[1];
          }
        }
        if (c.quota) quota = *c.quota > 0 ? std::to_string(*c.quota) : "max";
        if (c.period && *c.period != 0) period = std::to_string(*c.period);
        RUNW_OCI_CHECK(WriteFile(d + "/cpu.max", quota + " " + period));
      }
      if (c.burst) RUNW_OCI_CHECK(WriteFile(d + "/cpu.max.burst", std::to_string(*c.burst)));
      if ((c.realtime_period && *c.realtime_period != 0) ||
          (c.realtime_runtime && *c.realtime_runtime != 0)) {
        return Fail(
            "linux.resources.cpu.realtimeRuntime: real-time scheduling limits are not "
            "supported on cgroup v2");
      }
    }
    if (c.idle) RUNW_OCI_CHECK(WriteFile(d + "/cpu.idle", std::to_string(*c.idle)));
  }
  if (!c.cpus.empty() || !c.mems.empty()) {
    Target t = RUNW_OCI_TRY(NeedController(paths, "cpuset", "linux.resources.cpu.cpus"));
    if (!c.cpus.empty()) RUNW_OCI_CHECK(WriteFile(t.dir + "/cpuset.cpus", c.cpus));
    if (!c.mems.empty()) RUNW_OCI_CHECK(WriteFile(t.dir + "/cpuset.mems", c.mems));
  }
  return {};
}

Expected<void> ApplyBlockIo(const Paths& paths, const BlockIoResources& b) {
  bool any = b.weight || b.leaf_weight || !b.weight_device.empty() ||
             !b.throttle_read_bps_device.empty() || !b.throttle_write_bps_device.empty() ||
             !b.throttle_read_iops_device.empty() || !b.throttle_write_iops_device.empty();
  if (!any) return {};
  auto dev = [](int64_t major, int64_t minor) {
    return std::to_string(major) + ":" + std::to_string(minor);
  };
  auto v1 = FindController(paths, "blkio");
  if (v1 && !v1->v2) {
    const std::string& d = v1->dir;
    // CFQ's blkio.weight is gone since Linux 5.0; BFQ offers blkio.bfq.weight.
    std::string weight_file = Exists(d + "/blkio.weight") ? "/blkio.weight" : "/blkio.bfq.weight";
    std::string weight_device_file =
        Exists(d + "/blkio.weight_device") ? "/blkio.weight_device" : "/blkio.bfq.weight_device";
    if (b.weight) RUNW_OCI_CHECK(WriteFile(d + weight_file, std::to_string(*b.weight)));
    if (b.leaf_weight) {
      RUNW_OCI_CHECK(WriteFile(d + "/blkio.leaf_weight", std::to_string(*b.leaf_weight)));
    }
    for (const WeightDevice& w : b.weight_device) {
      if (w.weight) {
        RUNW_OCI_CHECK(WriteFile(d + weight_device_file,
                                 dev(w.major, w.minor) + " " + std::to_string(*w.weight)));
      }
      if (w.leaf_weight) {
        RUNW_OCI_CHECK(WriteFile(d + "/blkio.leaf_weight_device",
                                 dev(w.major, w.minor) + " " + std::to_string(*w.leaf_weight)));
      }
    }
    auto throttle = [&](const std::vector<ThrottleDevice>& list,
                        const char* file) -> Expected<void> {
      for (const ThrottleDevice& t : list) {
        RUNW_OCI_CHECK(
            WriteFile(d + "/" + file, dev(t.major, t.minor) + " " + std::to_string(t.rate)));
      }
      return {};
    };
    RUNW_OCI_CHECK(throttle(b.throttle_read_bps_device, "blkio.throttle.read_bps_device"));
    RUNW_OCI_CHECK(throttle(b.throttle_write_bps_device, "blkio.throttle.write_bps_device"));
    RUNW_OCI_CHECK(throttle(b.throttle_read_iops_device, "blkio.throttle.read_iops_device"));
    RUNW_OCI_CHECK(throttle(b.throttle_write_iops_device, "blkio.throttle.write_iops_device"));
    return {};
  }
  Target t = RUNW_OCI_TRY(NeedController(paths, "io", "linux.resources.blockIO"));
  const std::string& d = t.dir;
  // With BFQ, io.bfq.weight takes the v1 range as it is; io.weight needs it scaled.
  bool bfq = Exists(d + "/io.bfq.weight");
  auto weight_text = [&](uint16_t w) {
    return std::to_string(bfq ? uint64_t{w} : BlkioToIoWeight(w));
  };
  std::string weight_file = d + (bfq ? "/io.bfq.weight" : "/io.weight");
  if (b.weight) RUNW_OCI_CHECK(WriteFile(weight_file, "default " + weight_text(*b.weight)));
  if (b.leaf_weight) {
    return Fail("linux.resources.blockIO.leafWeight: not supported on cgroup v2");
  }
  for (const WeightDevice& w : b.weight_device) {
    if (w.weight) {
      RUNW_OCI_CHECK(WriteFile(weight_file, dev(w.major, w.minor) + " " + weight_text(*w.weight)));
    }
    if (w.leaf_weight) {
      return Fail("linux.resources.blockIO.weightDevice.leafWeight: not supported on cgroup v2");
    }
  }
  auto throttle = [&](const std::vector<ThrottleDevice>& list, const char* key) -> Expected<void> {
    for (const ThrottleDevice& th : list) {
      RUNW_OCI_CHECK(WriteFile(
          d + "/io.max", dev(th.major, th.minor) + " " + key + "=" + std::to_string(th.rate)));
    }
    return {};
  };
  RUNW_OCI_CHECK(throttle(b.throttle_read_bps_device, "rbps"));
  RUNW_OCI_CHECK(throttle(b.throttle_write_bps_device, "wbps"));
  RUNW_OCI_CHECK(throttle(b.throttle_read_iops_device, "riops"));
  RUNW_OCI_CHECK(throttle(b.throttle_write_iops_device, "wiops"));
  return {};
}

Expected<void> ApplyDevices(const Paths& paths, const std::vector<DeviceRule>& rules,
                            std::span<const DeviceRule> in_force) {
  if (rules.empty()) return {};
  for (size_t i = 0; i < rules.size(); ++i)
    RUNW_OCI_CHECK(ValidateDeviceRule(rules[i], i));
  std::optional<std::string> v1, v2;
  for (const auto& [key, dir] : paths) {
    if (KeyHas(key, "devices")) v1 = dir;
    if (key.empty()) v2 = dir;
  }
  if (v1) {
    // Order matters: a rule refines what the earlier ones left (typically
    // "deny all" first, then the allowed devices).
    for (const DeviceRule& rule : rules) {
      RUNW_OCI_CHECK(
          WriteFile(*v1 + (rule.allow ? "/devices.allow" : "/devices.deny"), DeviceRuleText(rule)));
    }
    return {};
  }
  if (!v2) {
    return Fail(
        "linux.resources.devices: the devices cgroup controller is not available on "
        "this host");
  }
  // cgroup v2: one eBPF program holding the whole list, replacing any earlier one.
  std::vector<DeviceRule> all(in_force.begin(), in_force.end());
  all.insert(all.end(), rules.begin(), rules.end());
  if (auto attached = AttachDeviceProgram(*v2, all); !attached) {
    return Fail("linux.resources.devices: " + attached.error());
  }
  return {};
}

Expected<void> ApplyHugepages(const Paths& paths, const std::vector<HugepageLimit>& limits) {
  if (limits.empty()) return {};
  Target t = RUNW_OCI_TRY(NeedController(paths, "hugetlb", "linux.resources.hugepageLimits"));
  for (const HugepageLimit& h : limits) {
    if (!ValidPageSize(h.page_size)) {
      return Fail("linux.resources.hugepageLimits: invalid page size \"" + h.page_size + "\"");
    }
    std::string file = t.dir + "/hugetlb." + h.page_size + (t.v2 ? ".max" : ".limit_in_bytes");
    if (!Exists(file)) {
      return Fail("linux.resources.hugepageLimits: page size " + h.page_size +
                  " is not supported on this host");
    }
    RUNW_OCI_CHECK(WriteFile(file, std::to_string(h.limit)));
  }
  return {};
}

Expected<void> ApplyNetwork(const Paths& paths, const NetworkResources& n) {
  if (n.class_id) {
    Target t = RUNW_OCI_TRY(NeedController(paths, "net_cls", "linux.resources.network.classID"));
    if (t.v2) return Fail("linux.resources.network.classID: not supported on cgroup v2");
    RUNW_OCI_CHECK(WriteFile(t.dir + "/net_cls.classid", std::to_string(*n.class_id)));
  }
  if (!n.priorities.empty()) {
    Target t =
        RUNW_OCI_TRY(NeedController(paths, "net_prio", "linux.resources.network.priorities"));
    if (t.v2) return Fail("linux.resources.network.priorities: not supported on cgroup v2");
    for (const NetworkPriority& p : n.priorities) {
      RUNW_OCI_CHECK(
          WriteFile(t.dir + "/net_prio.ifpriomap", p.name + " " + std::to_string(p.priority)));
    }
  }
  return {};
}

Expected<void> ApplyUnified(const Paths& paths, const std::map<std::string, std::string>& unified) {
  if (unified.empty()) return {};
  std::string v2;
  for (const auto& [key, dir] : paths) {
    if (key.empty()) v2 = dir;
  }
  for (const auto& [file, value] : unified) {
    std::string where = "linux.resources.unified[\"" + file + "\"]";
    if (file.empty() || file == "." || file == ".." || file.find('/') != std::string::npos) {
      return Fail(where + ": invalid cgroup file name");
    }
    if (v2.empty()) return Fail(where + ": cgroup v2 is not mounted on this host");
    if (!Exists(v2 + "/" + file)) {
      return Fail(where + ": " + v2 + "/" + file + " does not exist (is its controller enabled?)");
    }
    RUNW_OCI_CHECK(WriteFile(v2 + "/" + file, value));
  }
  return {};
}

}  // namespace

Expected<void> Cgroup::Apply(const Resources& r, std::span<const DeviceRule> devices_in_force) {
  RUNW_OCI_CHECK(ApplyDevices(paths_, r.devices, devices_in_force));
  if (r.memory) RUNW_OCI_CHECK(ApplyMemory(paths_, *r.memory));
  if (r.cpu) RUNW_OCI_CHECK(ApplyCpu(paths_, *r.cpu));
  if (r.pids) {
    Target t = RUNW_OCI_TRY(NeedController(paths_, "pids", "linux.resources.pids"));
    RUNW_OCI_CHECK(WriteFile(t.dir + "/pids.max", r.pids->limit > 0 ? std::to_string(r.pids->limit)
                                                                    : std::string("max")));
  }
  if (r.block_io) RUNW_OCI_CHECK(ApplyBlockIo(paths_, *r.block_io));
  RUNW_OCI_CHECK(ApplyHugepages(paths_, r.hugepage_limits));
  if (r.network) RUNW_OCI_CHECK(ApplyNetwork(paths_, *r.network));
  RUNW_OCI_CHECK(ApplyUnified(paths_, r.unified));
  return {};
}

Expected<void> Cgroup::UpdateSystemdUnit(const Resources& resources) {
  if (!systemd_) return {};
  // systemd keeps quota and period as one value, CPU time per second. An
  // update of one of them changes that ratio with the other as it is in the
  // cgroup now (Apply keeps the half not given), so the other is read from
  // there; unreadable, it is left out (quota alone: the default period).
  Resources with_cfs = resources;
  if (with_cfs.cpu && with_cfs.cpu->quota.has_value() != with_cfs.cpu->period.has_value()) {
    if (auto cfs = CurrentCfs(paths_)) {
      if (!with_cfs.cpu->quota) with_cfs.cpu->quota = cfs->first;
      if (!with_cfs.cpu->period) with_cfs.cpu->period = cfs->second;
    }
  }
  // The check Apply makes comes first here: systemd would set a limit below
  // the usage at once.
  if (resources.memory) {
    if (auto target = FindController(paths_, "memory")) {
      RUNW_OCI_CHECK(CheckBeforeUpdate(*target, *resources.memory));
    }
  }
  auto properties = systemd::ResourceProperties(with_cfs, Versions());
  if (!properties) return Fail(properties.error());
  return systemd::SetUnitProperties(systemd_->unit, *properties);
}

}  // namespace runw::oci
