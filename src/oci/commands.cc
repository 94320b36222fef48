// start, state, kill, delete, run, list, features (see container.h). create
// lives in create.cc with the init process.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "oci/cgroups-devices.h"
#include "oci/cgroups.h"
#include "oci/container.h"
#include "oci/hooks.h"
#include "oci/log.h"
#include "oci/terminal-relay.h"
#include "oci/util.h"

namespace runw::oci {
namespace {

constexpr std::string_view kNoSuchContainer = "container does not exist";

struct Loaded {
  std::string dir;
  ContainerState state;
};

// The container `id`, or "container does not exist" when there is no
// state.json (never created, or still being created).
Expected<Loaded> Load(const RuntimeOptions& rt, const std::string& id) {
  RUNW_OCI_CHECK(ValidateId(id));
  std::string dir = ContainerDir(rt.root, id);
  auto state = RUNW_OCI_TRY(LoadState(dir));
  if (!state) return Fail(std::string(kNoSuchContainer));
  return Loaded{dir, std::move(*state)};
}

std::optional<Cgroup> LoadCgroup(const std::string& dir) {
  auto text = ReadSmallFile(dir + "/cgroup.json");
  if (!text) return std::nullopt;
  auto cg = Cgroup::FromJson(*text);
  if (!cg) return std::nullopt;
  return *cg;
}

void SleepMs(int ms) {
  timespec ts{ms / 1000, static_cast<long>(ms % 1000) * 1000000L};
  nanosleep(&ts, nullptr);
}

// Removes everything a container left: stray processes in its cgroup, the
// cgroup, the state directory; then the poststop hooks, whose failure is only
// a warning (runtime-spec).
Expected<void> Destroy(const std::string& dir, const ContainerState* state) {
  if (std::optional<Cgroup> cg = LoadCgroup(dir)) {
    (void)cg->SetFrozen(false);
    (void)cg->KillAll(SIGKILL);
    for (int i = 0; i < 200; ++i) {
      auto pids = cg->Pids();
      if (!pids || pids->empty()) break;
      SleepMs(10);
    }
    RUNW_OCI_CHECK(cg->Destroy());
  }
  std::optional<Spec> spec;
  if (auto text = ReadSmallFile(dir + "/config.json")) {
    if (auto parsed = ParseSpec(*text)) spec = std::move(*parsed);
  }
  RUNW_OCI_CHECK(RemoveContainerDir(dir));
  if (spec && state != nullptr && !spec->hooks.poststop.empty()) {
    if (auto r = RunHooks("poststop", spec->hooks.poststop, StateJsonAs(*state, "stopped", 0));
        !r) {
      LogWarning(r.error());
    }
  }
  return {};
}

}  // namespace

Expected<void> Start(const RuntimeOptions& rt, const std::string& id) {
  Loaded c = RUNW_OCI_TRY(Load(rt, id));
  ContainerLock lock = RUNW_OCI_TRY(LockContainerDir(c.dir));
  switch (DeriveStatus(c.dir, c.state)) {
    case Status::kCreated:
      break;
    case Status::kStopped:
      return Fail("cannot start a container that has stopped");
    default:
      return Fail("cannot start an already running container");
  }
  std::string fifo_path = c.dir + "/exec.fifo";
  int fifo = open(fifo_path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fifo < 0) return Fail(SysError("open exec.fifo"));
  // The init opens the fifo for writing once it sees a reader, then writes one
  // byte. Until then reads return 0 (no writer) or EAGAIN (writer, no byte).
  bool released = false;
  for (;;) {
    char byte;
    ssize_t n = read(fifo, &byte, 1);
    if (n == 1) {
      released = true;
      break;
    }
    std::optional<ProcStat> st = ReadProcStat(c.state.init_pid);
    if (!st || st->state == 'Z' || st->start_time != c.state.init_start_time) {
      // The init may have written its byte, run its program and exited since
      // the read above (a short-lived program under load): the byte outlives
      // the writer in the pipe, so look once more before calling it dead.
      released = read(fifo, &byte, 1) == 1;
      break;
    }
    pollfd p{fifo, POLLIN, 0};
    poll(&p, 1, 5);
  }
  close(fifo);
  unlink(fifo_path.c_str());
  if (!released) return Fail("container init exited before start");

  Spec spec;
  if (auto text = ReadSmallFile(c.dir + "/config.json")) {
    if (auto parsed = ParseSpec(*text)) spec = std::move(*parsed);
  }
  if (!spec.hooks.poststart.empty()) {
    auto r = RunHooks("poststart", spec.hooks.poststart,
                      StateJsonAs(c.state, "running", c.state.init_pid));
    if (!r) {
      kill(c.state.init_pid, SIGKILL);
      return Fail(r.error());
    }
  }
  return {};
}

Expected<void> Pause(const RuntimeOptions& rt, const std::string& id) {
  Loaded c = RUNW_OCI_TRY(Load(rt, id));
  ContainerLock lock = RUNW_OCI_TRY(LockContainerDir(c.dir));
  Status status = DeriveStatus(c.dir, c.state);
  if (status == Status::kPaused) return Fail("container " + id + " is already paused");
  if (status != Status::kRunning) return Fail("container not running");
  std::optional<Cgroup> cg = LoadCgroup(c.dir);
  if (!cg) return Fail("container " + id + " has no cgroup to freeze");
  return cg->SetFrozen(true);
}

Expected<void> Resume(const RuntimeOptions& rt, const std::string& id) {
  Loaded c = RUNW_OCI_TRY(Load(rt, id));
  ContainerLock lock = RUNW_OCI_TRY(LockContainerDir(c.dir));
  if (DeriveStatus(c.dir, c.state) != Status::kPaused) return Fail("container not paused");
  std::optional<Cgroup> cg = LoadCgroup(c.dir);
  if (!cg) return Fail("container " + id + " has no cgroup to thaw");
  return cg->SetFrozen(false);
}

Expected<std::string> Ps(const RuntimeOptions& rt, const std::string& id, bool json) {
  Loaded c = RUNW_OCI_TRY(Load(rt, id));
  std::vector<pid_t> pids;
  if (std::optional<Cgroup> cg = LoadCgroup(c.dir)) pids = RUNW_OCI_TRY(cg->Pids());
  if (json) {
    nlohmann::json out = nlohmann::json::array();
    for (pid_t p : pids)
      out.push_back(p);
    return out.dump() + "\n";
  }
  // UID PID PPID CMD, from /proc: what `podman top` and humans need.
  std::string out = "UID        PID   PPID  CMD\n";
  for (pid_t p : pids) {
    std::string proc = "/proc/" + std::to_string(p);
    auto status = ReadSmallFile(proc + "/status");
    auto cmdline = ReadSmallFile(proc + "/cmdline");
    if (!status || !cmdline) continue;  // exited meanwhile
    auto field = [&](std::string_view key) {
      size_t at = status->find(std::string(key) + ":\t");
      if (at == std::string::npos) return std::string("?");
      at += key.size() + 2;
      size_t end = status->find_first_of("\t\n", at);
      return status->substr(at, end - at);
    };
    std::string cmd = *cmdline;
    for (char& ch : cmd)
      if (ch == '\0') ch = ' ';
    while (!cmd.empty() && cmd.back() == ' ')
      cmd.pop_back();
    char line[128];
    std::snprintf(line, sizeof line, "%-10s %-5d %-5s ", field("Uid").c_str(), p,
                  field("PPid").c_str());
    out += line + cmd + "\n";
  }
  return out;
}

Expected<void> Update(const RuntimeOptions& rt, const std::string& id, const Resources& resources) {
  Loaded c = RUNW_OCI_TRY(Load(rt, id));
  ContainerLock lock = RUNW_OCI_TRY(LockContainerDir(c.dir));
  if (DeriveStatus(c.dir, c.state) == Status::kStopped) {
    return Fail("cannot update a stopped container");
  }
  std::optional<Cgroup> cg = LoadCgroup(c.dir);
  if (!cg) return Fail("container " + id + " has no cgroup to update");
  // systemd first: a scope's limits that systemd does not know would be reset
  // to the create-time ones the next time it re-applies the unit's properties.
  RUNW_OCI_CHECK(cg->UpdateSystemdUnit(resources));
  if (resources.devices.empty()) return cg->Apply(resources);

  // New device rules add to those in force (v1 semantics). A v2 eBPF program
  // is replaced whole, so it is given the rules in force first: the config's
  // list with the defaults create added, then what earlier updates added
  // (devices.json in the state directory).
  std::vector<DeviceRule> in_force;
  auto config_text = ReadSmallFile(c.dir + "/config.json");
  if (!config_text) return Fail(config_text.error());
  Spec spec = RUNW_OCI_TRY(ParseSpec(*config_text));
  if (spec.linux && spec.linux->resources) {
    in_force = spec.linux->resources->devices;
    AddDefaultDeviceRules(*spec.linux, in_force);
  }
  std::vector<DeviceRule> updates;
  const std::string updates_file = c.dir + "/devices.json";
  if (access(updates_file.c_str(), F_OK) == 0) {
    std::string text = RUNW_OCI_TRY(ReadSmallFile(updates_file));
    auto earlier = DeviceRulesFromJson(text);
    if (!earlier) return Fail(updates_file + ": " + earlier.error());
    updates = std::move(*earlier);
  }
  in_force.insert(in_force.end(), updates.begin(), updates.end());
  RUNW_OCI_CHECK(cg->Apply(resources, in_force));
  updates.insert(updates.end(), resources.devices.begin(), resources.devices.end());
  return WriteFileAtomic(updates_file, DeviceRulesToJson(updates), 0600);
}

namespace {

std::optional<uint64_t> ReadCounterText(std::string_view text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' '))
    text.remove_suffix(1);
  uint64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return v;
}

// A cgroup file holding one unsigned number ("max" and absent files give
// nullopt).
std::optional<uint64_t> ReadCounter(const std::string& path) {
  auto text = ReadSmallFile(path);
  if (!text) return std::nullopt;
  return ReadCounterText(*text);
}

// One `key value` line of a flat-keyed cgroup file (cpu.stat, memory.stat).
std::optional<uint64_t> ReadKeyed(const std::string& path, std::string_view key) {
  auto text = ReadSmallFile(path);
  if (!text) return std::nullopt;
  size_t at = 0;
  while (at < text->size()) {
    size_t end = text->find('\n', at);
    if (end == std::string::npos) end = text->size();
    std::string_view line(text->data() + at, end - at);
    if (line.size() > key.size() && line.starts_with(key) && line[key.size()] == ' ') {
      return ReadCounterText(line.substr(key.size() + 1));
    }
    at = end + 1;
  }
  return std::nullopt;
}

// runc's stats event for the container's cgroup, v1 or v2 file names.
nlohmann::json StatsEvent(const std::string& id, const Cgroup& cg) {
  nlohmann::json data = nlohmann::json::object();
  const std::string cpu = cg.PathOf("cpuacct");
  const std::string mem = cg.PathOf("memory");
  const std::string pids = cg.PathOf("pids");
  auto put = [](nlohmann::json& obj, const char* key, std::optional<uint64_t> v) {
    if (v) obj[key] = *v;
  };
  nlohmann::json usage = nlohmann::json::object();
  if (auto ns = ReadCounter(cpu + "/cpuacct.usage")) {
    usage["total"] = *ns;
  } else if (auto us = ReadKeyed(cpu + "/cpu.stat", "usage_usec")) {
    usage["total"] = *us * 1000;
  }
  data["cpu"]["usage"] = usage;
  nlohmann::json m = nlohmann::json::object();
  if (auto v = ReadCounter(mem + "/memory.usage_in_bytes")) {
    m["usage"] = *v;
    put(m, "max", ReadCounter(mem + "/memory.max_usage_in_bytes"));
    put(m, "failcnt", ReadCounter(mem + "/memory.failcnt"));
    put(m, "limit", ReadCounter(mem + "/memory.limit_in_bytes"));
  } else if (auto cur = ReadCounter(mem + "/memory.current")) {
    m["usage"] = *cur;
    put(m, "limit", ReadCounter(mem + "/memory.max"));
  }
  data["memory"]["usage"] = m;
  nlohmann::json p = nlohmann::json::object();
  put(p, "current", ReadCounter(pids + "/pids.current"));
  put(p, "limit", ReadCounter(pids + "/pids.max"));
  data["pids"] = p;
  return nlohmann::json{{"type", "stats"}, {"id", id}, {"data", data}};
}

}  // namespace

Expected<void> Events(const RuntimeOptions& rt, const std::string& id, bool stats_only,
                      int interval_ms) {
  Loaded c = RUNW_OCI_TRY(Load(rt, id));
  std::optional<Cgroup> cg = LoadCgroup(c.dir);
  if (!cg) return Fail("container " + id + " has no cgroup to report on");
  if (interval_ms <= 0) return Fail("events: the interval must be positive");
  for (;;) {
    if (DeriveStatus(c.dir, c.state) == Status::kStopped) {
      if (stats_only) return Fail("container not running");
      return {};
    }
    std::printf("%s\n", StatsEvent(id, *cg).dump().c_str());
    std::fflush(stdout);
    if (stats_only) return {};
    SleepMs(interval_ms);
  }
}

Expected<std::string> State(const RuntimeOptions& rt, const std::string& id) {
  Loaded c = RUNW_OCI_TRY(Load(rt, id));
  return StateJson(c.state, DeriveStatus(c.dir, c.state));
}

Expected<void> Kill(const RuntimeOptions& rt, const std::string& id, int signal, bool all) {
  Loaded c = RUNW_OCI_TRY(Load(rt, id));
  Status status = DeriveStatus(c.dir, c.state);
  if (all) {
    // Every process of the container, through its cgroup; newer runc accepts
    // `--all` on a stopped container too (stragglers may remain).
    if (std::optional<Cgroup> cg = LoadCgroup(c.dir)) {
      RUNW_OCI_CHECK(cg->KillAll(signal));
      if (status == Status::kPaused && signal == SIGKILL) (void)cg->SetFrozen(false);
      return {};
    }
  }
  if (status == Status::kStopped) return Fail("container not running");
  if (kill(c.state.init_pid, signal) != 0) {
    if (errno == ESRCH) return Fail("container not running");
    return Fail(SysError("kill"));
  }
  if (status == Status::kPaused && signal == SIGKILL) {
    // A frozen process does not die until thawed.
    if (std::optional<Cgroup> cg = LoadCgroup(c.dir)) (void)cg->SetFrozen(false);
  }
  return {};
}

Expected<void> Delete(const RuntimeOptions& rt, const std::string& id, bool force) {
  RUNW_OCI_CHECK(ValidateId(id));
  std::string dir = ContainerDir(rt.root, id);
  struct stat st = {};
  if (stat(dir.c_str(), &st) != 0) {
    // containerd's cleanup always calls `delete --force` after a successful
    // delete: an id that is already gone is success then.
    if (force) return {};
    return Fail(std::string(kNoSuchContainer));
  }
  ContainerLock lock = RUNW_OCI_TRY(LockContainerDir(dir));
  auto state = LoadState(dir);
  if (!state) {
    // Not runw's (a foreign runtime sharing the root) or damaged: never
    // remove what we cannot account for.
    return Fail(state.error());
  }
  if (!*state) {
    // Half-made: `create` was killed before it finished. Its init has already
    // exited (it exits when its parent goes), so only files and the cgroup
    // remain.
    if (!force) return Fail(std::string(kNoSuchContainer));
    return Destroy(dir, nullptr);
  }
  const ContainerState& s = **state;
  switch (DeriveStatus(dir, s)) {
    case Status::kStopped:
      break;
    case Status::kCreated:
      kill(s.init_pid, SIGKILL);
      if (!WaitForExit(s.init_pid, 10000)) return Fail("container init still running");
      break;
    case Status::kRunning:
    case Status::kPaused: {
      if (!force) {
        return Fail("cannot delete container " + id +
                    " that is not stopped: " + std::string(StatusName(DeriveStatus(dir, s))));
      }
      kill(s.init_pid, SIGKILL);
      if (std::optional<Cgroup> cg = LoadCgroup(dir)) (void)cg->SetFrozen(false);
      if (!WaitForExit(s.init_pid, 10000)) return Fail("container init still running");
      break;
    }
  }
  return Destroy(dir, &s);
}

Expected<int> Run(const RuntimeOptions& rt, const CreateOptions& options, bool detach) {
  // As a subreaper, runw inherits the init when the create's intermediate
  // process exits, and can wait for it like conmon would.
  if (!detach) prctl(PR_SET_CHILD_SUBREAPER, 1);
  // In the foreground without --console-socket, a terminal is served by runw
  // itself (terminal-relay.h): create gets a private socket, used only when
  // the process asks for a terminal. Detached, create refuses the terminal.
  CreateOptions create = options;
  std::optional<LocalConsoleSocket> local;
  struct CloseLocal {
    std::optional<LocalConsoleSocket>& s;
    ~CloseLocal() {
      if (s && s->runw_end >= 0) close(s->runw_end);
      if (s && s->container_end >= 0) close(s->container_end);
    }
  } close_local{local};
  if (!detach && options.console_socket.empty()) {
    local = RUNW_OCI_TRY(MakeLocalConsoleSocket());
    create.console_socket_fd = local->container_end;
  }
  RUNW_OCI_CHECK(Create(rt, create));
  Loaded c = RUNW_OCI_TRY(Load(rt, options.id));
  // The init sent the master before create returned, if it has a terminal.
  std::optional<int> master;
  if (local) {
    close(std::exchange(local->container_end, -1));
    auto received = ReceiveConsoleMaster(local->runw_end, false);
    if (!received) {
      (void)Delete(rt, options.id, true);
      return Fail(received.error());
    }
    master = *received;
  }
  struct CloseMaster {
    std::optional<int>& fd;
    ~CloseMaster() {
      if (fd) close(*fd);
    }
  } close_master{master};
  // The size must be there before the process starts and asks for it.
  if (master) CopyWindowSize(*master);
  if (!detach) ForwardSignalsTo(c.state.init_pid);
  if (auto r = Start(rt, options.id); !r) {
    (void)Delete(rt, options.id, true);
    return std::unexpected(r.error());
  }
  if (detach) return 0;
  if (master) {
    if (auto relayed = RelayTerminal(*master, c.state.init_pid); !relayed) {
      // runw cannot serve the terminal any more; the container goes with it.
      kill(c.state.init_pid, SIGKILL);
      LogError(relayed.error());
    }
  }
  int status = 0;
  for (;;) {
    pid_t p = waitpid(c.state.init_pid, &status, 0);
    if (p == c.state.init_pid) break;
    if (p < 0 && errno != EINTR) {
      // Not our child after all (a subreaper above us took it): poll instead.
      WaitForExit(c.state.init_pid, INT32_MAX);
      status = 0;
      break;
    }
  }
  ForwardSignalsTo(0);
  int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  RUNW_OCI_CHECK(Delete(rt, options.id, true));
  return code;
}

Expected<std::string> List(const RuntimeOptions& rt, bool json, bool quiet) {
  std::vector<std::string> ids = ListContainerIds(rt.root);
  if (quiet) {
    std::string out;
    for (const std::string& id : ids)
      out += id + "\n";
    return out;
  }
  if (json) {
    nlohmann::ordered_json arr = nlohmann::ordered_json::array();
    for (const std::string& id : ids) {
      auto c = Load(rt, id);
      if (!c) continue;
      Status st = DeriveStatus(c->dir, c->state);
      arr.push_back(nlohmann::ordered_json::parse(StateJson(c->state, st)));
    }
    return arr.dump() + "\n";
  }
  std::vector<std::array<std::string, 6>> rows = {
      {"ID", "PID", "STATUS", "BUNDLE", "CREATED", "OWNER"}};
  for (const std::string& id : ids) {
    auto c = Load(rt, id);
    if (!c) continue;
    Status st = DeriveStatus(c->dir, c->state);
    rows.push_back({id, std::to_string(st == Status::kStopped ? 0 : c->state.init_pid),
                    std::string(StatusName(st)), c->state.bundle, c->state.created,
                    c->state.owner.empty() ? "root" : c->state.owner});
  }
  std::array<size_t, 6> width{};
  for (const auto& row : rows) {
    for (size_t i = 0; i < row.size(); ++i)
      width[i] = std::max(width[i], row[i].size());
  }
  std::string out;
  for (const auto& row : rows) {
    for (size_t i = 0; i < row.size(); ++i) {
      out += row[i];
      if (i + 1 < row.size()) out += std::string(width[i] - row[i].size() + 3, ' ');
    }
    out += "\n";
  }
  return out;
}

std::string FeaturesJson() {
  nlohmann::ordered_json j = {
      {"ociVersionMin", "1.0.0"},
      {"ociVersionMax", "1.2.0"},
      {"hooks",
       {"prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop"}},
      {"mountOptions",
       {"async",      "atime",         "bind",    "defaults", "dev",         "diratime", "dirsync",
        "exec",       "mand",          "noatime", "nodev",    "nodiratime",  "noexec",   "nomand",
        "norelatime", "nostrictatime", "nosuid",  "private",  "rbind",       "relatime", "remount",
        "ro",         "rprivate",      "rshared", "rslave",   "runbindable", "rw",       "shared",
        "slave",      "strictatime",   "suid",    "sync",     "unbindable"}},
      {"linux",
       {{"namespaces", {"cgroup", "ipc", "mount", "network", "pid", "user", "uts"}},
        // systemd: transient scopes over the system bus (systemd.h); the
        // user manager (rootless) is not spoken to.
        {"cgroup", {{"v1", true}, {"v2", true}, {"systemd", true}, {"systemdUser", false}}},
        {"seccomp", {{"enabled", true}}},
        {"apparmor", {{"enabled", false}}},
        {"selinux", {{"enabled", false}}}}},
      {"annotations", {{"io.github.runw.wasm", "WebAssembly (WASI preview 1) workloads"}}},
      {"potentiallyUnsafeConfigAnnotations", {"run.oci.handler", "module.wasm.image/variant"}},
  };
  return j.dump(2) + "\n";
}

}  // namespace runw::oci
