// runw's runc-compatible command line: the grammar podman/conmon, CRI-O and
// containerd's shim use (oci-runtime-contract.md §1):
//
//   runw [global flags] <command> [command flags] <container-id> [args]
//
// Every option spelling those callers send is accepted: `--x v`, `--x=v`,
// runc's short aliases, urfave/cli's single-dash long flags (`-no-pivot`), and
// `--flag=true|false`. A failed command prints exactly one error line (stderr,
// and the --log file when given) and exits 1; a successful one writes nothing
// to stderr.
#include <CLI/CLI.hpp>

#include <unistd.h>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "cli/commands.h"
#include "oci/config.h"
#include "oci/container.h"
#include "oci/exec.h"
#include "oci/log.h"
#include "oci/state.h"
#include "oci/util.h"

namespace runw::cli {
namespace {

constexpr const char* kVersionText =
    "runw version 0.1.0\n"
    "spec: 1.2.0\n";

// Long option names that may come with a single dash (urfave/cli accepts
// `-name` for `--name`; go-runc's restore emits `-no-subreaper`).
constexpr std::string_view kLongNames[] = {
    "root",
    "log",
    "log-format",
    "log-level",
    "debug",
    "systemd-cgroup",
    "criu",
    "rootless",
    "cgroup-manager",
    "version",
    "help",
    "bundle",
    "pid-file",
    "console-socket",
    "no-pivot",
    "no-new-keyring",
    "preserve-fds",
    "pidfd-socket",
    "detach",
    "force",
    "all",
    "format",
    "quiet",
    "process",
    "tty",
    "keep",
    "no-subreaper",
    "signal",
    "cwd",
    "env",
    "user",
    "resources",
    "stats",
    "interval",
    "ignore-paused",
};

std::vector<std::string> NormalizeArgs(int argc, char** argv) {
  std::vector<std::string> out;
  for (int i = 0; i < argc; ++i) {
    std::string a = argv[i];
    if (i > 0 && a.size() > 2 && a[0] == '-' && a[1] != '-') {
      std::string name =
          a.substr(1, a.find('=') == std::string::npos ? std::string::npos : a.find('=') - 1);
      for (std::string_view n : kLongNames) {
        if (name == n) {
          a = "-" + a;
          break;
        }
      }
    }
    out.push_back(std::move(a));
  }
  return out;
}

int Failed(const std::string& message) {
  oci::LogError(message);
  return 1;
}

int Report(const oci::Expected<void>& r) {
  return r ? 0 : Failed(r.error());
}

std::string DefaultRoot() {
  // Rootless callers get $XDG_RUNTIME_DIR/runw, but only when the variable is
  // set and non-empty: podman running as root exports it empty.
  if (geteuid() != 0) {
    const char* xdg = std::getenv("XDG_RUNTIME_DIR");
    if (xdg != nullptr && *xdg != '\0') return std::string(xdg) + "/runw";
  }
  return "/run/runw";
}

}  // namespace

int RuncMain(int argc, char** argv) {
  std::vector<std::string> args = NormalizeArgs(argc, argv);
  CLI::App app{"runw: an OCI runtime for WebAssembly (WASI) and native containers", "runw"};
  app.require_subcommand(1);
  app.set_version_flag("-v,--version", std::string(kVersionText));
  app.footer(
      "runw wasm ...: run, validate and test WebAssembly modules directly (runw wasm --help)");

  oci::RuntimeOptions rt;
  rt.root = DefaultRoot();
  oci::LogOptions log;
  std::string log_format = "text";
  std::string log_level;
  bool debug = false;
  std::string criu, rootless, cgroup_manager;
  app.add_option("--root", rt.root, "state directory (default /run/runw)");
  app.add_option("--log", log.path, "log file (default: stderr only)");
  app.add_option("--log-format", log_format, "log format: text or json")
      ->check(CLI::IsMember({"text", "json"}));
  app.add_option("--log-level", log_level, "debug, info, warn or error");
  app.add_flag("--debug", debug, "log at debug level");
  app.add_flag("--systemd-cgroup", rt.systemd_cgroup,
               "linux.cgroupsPath is slice:prefix:name (mapped onto cgroupfs without systemd)");
  app.add_option("--criu", criu, "accepted for runc compatibility; checkpoint is not supported");
  app.add_option("--rootless", rootless, "accepted for runc compatibility (true, false, auto)");
  app.add_option("--cgroup-manager", cgroup_manager, "cgroupfs or systemd (crun's spelling)")
      ->check(CLI::IsMember({"cgroupfs", "systemd", "disabled"}));

  oci::CreateOptions create;
  auto add_create_flags = [&](CLI::App* cmd) {
    cmd->add_option("-b,--bundle", create.bundle, "bundle directory (default: cwd)");
    cmd->add_option("--pid-file", create.pid_file, "write the init's pid here");
    cmd->add_option("--console-socket", create.console_socket,
                    "unix socket that receives the pty master (process.terminal)");
    cmd->add_flag("--no-pivot", create.no_pivot, "use MS_MOVE + chroot instead of pivot_root");
    cmd->add_flag("--no-new-keyring", create.no_new_keyring, "accepted; runw makes no keyring");
    cmd->add_option("--preserve-fds", create.preserve_fds, "pass fds 3..3+N-1 to the container");
    std::string pidfd_socket;
    cmd->add_option("--pidfd-socket", pidfd_socket, "not supported")->each([](const std::string&) {
      throw CLI::ValidationError("--pidfd-socket", "is not supported by runw");
    });
    cmd->add_option("id", create.id, "container id")->required();
  };
  CLI::App* create_cmd = app.add_subcommand("create", "Create a container (blocked until start)");
  add_create_flags(create_cmd);

  CLI::App* run_cmd = app.add_subcommand("run", "Create and start a container, wait for it");
  add_create_flags(run_cmd);
  bool detach = false, keep = false;
  run_cmd->add_flag("-d,--detach", detach, "do not wait for the container");
  run_cmd->add_flag("--keep", keep, "accepted; runw deletes the container after it exits");

  std::string id;
  CLI::App* start_cmd = app.add_subcommand("start", "Start a created container");
  start_cmd->add_option("id", id, "container id")->required();

  CLI::App* state_cmd = app.add_subcommand("state", "Print a container's state as JSON");
  state_cmd->add_option("id", id, "container id")->required();

  std::string signal_text = "SIGTERM";
  bool kill_all = false;
  CLI::App* kill_cmd = app.add_subcommand("kill", "Send a signal to a container's init");
  kill_cmd->add_flag("-a,--all", kill_all, "signal every process of the container");
  kill_cmd->add_option("id", id, "container id")->required();
  kill_cmd->add_option("signal", signal_text, "number or name (default SIGTERM)");

  bool force = false;
  CLI::App* delete_cmd = app.add_subcommand("delete", "Delete a container");
  delete_cmd->add_flag("-f,--force", force, "kill it first if it is running");
  delete_cmd->add_option("id", id, "container id")->required();

  std::string list_format = "table";
  bool quiet = false;
  CLI::App* list_cmd = app.add_subcommand("list", "List containers");
  list_cmd->add_option("-f,--format", list_format, "table or json")
      ->check(CLI::IsMember({"table", "json"}));
  list_cmd->add_flag("-q,--quiet", quiet, "ids only");

  CLI::App* features_cmd = app.add_subcommand("features", "Print what this runtime supports");

  bool events_stats = false;
  std::string events_interval = "5s";
  CLI::App* events_cmd = app.add_subcommand("events", "Print resource usage events");
  events_cmd->add_flag("--stats", events_stats, "print one stats event and exit");
  events_cmd->add_option("--interval", events_interval, "time between stats events (5s, 500ms)");
  events_cmd->add_option("id", id, "container id")->required();

  CLI::App* pause_cmd = app.add_subcommand("pause", "Freeze every process of a container");
  pause_cmd->add_option("id", id, "container id")->required();
  CLI::App* resume_cmd = app.add_subcommand("resume", "Thaw a paused container");
  resume_cmd->add_option("id", id, "container id")->required();

  std::string ps_format = "table";
  CLI::App* ps_cmd = app.add_subcommand("ps", "List a container's processes");
  ps_cmd->add_option("-f,--format", ps_format, "table or json")
      ->check(CLI::IsMember({"table", "json"}));
  ps_cmd->add_option("id", id, "container id")->required();
  ps_cmd->allow_extras();  // runc passes trailing ps(1) options through; runw ignores them

  std::string resources_file;
  oci::Resources update_flags;
  std::optional<int64_t> memory, memory_swap, memory_reservation, cpu_quota, pids_limit;
  std::optional<uint64_t> cpu_period, cpu_shares;
  std::string cpuset_cpus, cpuset_mems;
  CLI::App* update_cmd = app.add_subcommand("update", "Change a container's resource limits");
  update_cmd->add_option("-r,--resources", resources_file,
                         "LinuxResources JSON file, or - for stdin");
  update_cmd->add_option("--memory", memory, "memory limit in bytes");
  update_cmd->add_option("--memory-swap", memory_swap, "memory+swap limit in bytes");
  update_cmd->add_option("--memory-reservation", memory_reservation, "soft limit in bytes");
  update_cmd->add_option("--cpu-quota", cpu_quota, "CFS quota in microseconds");
  update_cmd->add_option("--cpu-period", cpu_period, "CFS period in microseconds");
  update_cmd->add_option("--cpu-share", cpu_shares, "CPU shares");
  update_cmd->add_option("--cpuset-cpus", cpuset_cpus, "CPUs to run on");
  update_cmd->add_option("--cpuset-mems", cpuset_mems, "memory nodes");
  update_cmd->add_option("--pids-limit", pids_limit, "maximum number of processes");
  update_cmd->add_option("id", id, "container id")->required();

  oci::ExecOptions exec;
  CLI::App* exec_cmd = app.add_subcommand("exec", "Run a process in a running container");
  exec_cmd->add_option("-p,--process", exec.process_file, "process.json (a runtime-spec process)");
  exec_cmd->add_flag("-d,--detach", exec.detach, "do not wait for the process");
  exec_cmd->add_option("--pid-file", exec.pid_file, "write the process's pid here");
  exec_cmd->add_option("--console-socket", exec.console_socket, "receives the pty master");
  exec_cmd->add_flag("-t,--tty", exec.tty, "allocate a pseudo-terminal");
  exec_cmd->add_option("--cwd", exec.cwd, "working directory in the container");
  exec_cmd->add_option("-e,--env", exec.env, "KEY=VALUE added to the environment")
      ->allow_extra_args(false);
  exec_cmd->add_option("-u,--user", exec.user, "UID[:GID]");
  exec_cmd->add_option("-c,--cap", exec.cap, "add a capability")->allow_extra_args(false);
  exec_cmd->add_flag("--no-new-privs", exec.no_new_privs, "set no_new_privs");
  exec_cmd->add_option("--preserve-fds", exec.preserve_fds, "pass fds 3..3+N-1 through");
  exec_cmd->add_option("id", exec.id, "container id")->required();
  // Everything after the id is the command, options included.
  exec_cmd->prefix_command();

  std::string spec_bundle = ".";
  bool spec_rootless = false;
  CLI::App* spec_cmd = app.add_subcommand("spec", "Write a default config.json");
  spec_cmd->add_option("-b,--bundle", spec_bundle, "where to write config.json");
  spec_cmd->add_flag("--rootless", spec_rootless, "the rootless variant");

  // Probed by podman and CRI-O with `checkpoint --help`: exit 0 would claim
  // support, so both the probe and the command fail.
  CLI::App* checkpoint_cmd =
      app.add_subcommand("checkpoint", "Not supported: runw cannot checkpoint containers");
  checkpoint_cmd->set_help_flag();
  checkpoint_cmd->allow_extras();
  CLI::App* restore_cmd =
      app.add_subcommand("restore", "Not supported: runw cannot restore containers");
  restore_cmd->set_help_flag();
  restore_cmd->allow_extras();

  std::vector<const char*> cargv;
  for (const std::string& a : args)
    cargv.push_back(a.c_str());
  try {
    app.parse(static_cast<int>(cargv.size()), cargv.data());
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion&) {
    std::fputs(kVersionText, stdout);
    return 0;
  } catch (const CLI::ParseError& e) {
    return Failed(e.what());
  }

  log.json = log_format == "json";
  if (debug) log.level = oci::LogLevel::kDebug;
  if (!log_level.empty() && !oci::ParseLogLevel(log_level, &log.level)) {
    return Failed("unknown log level `" + log_level + "`");
  }
  oci::ConfigureLog(log);
  if (cgroup_manager == "systemd") rt.systemd_cgroup = true;

  if (create_cmd->parsed()) return Report(oci::Create(rt, create));
  if (start_cmd->parsed()) return Report(oci::Start(rt, id));
  if (state_cmd->parsed()) {
    auto json = oci::State(rt, id);
    if (!json) return Failed(json.error());
    std::printf("%s\n", json->c_str());
    return 0;
  }
  if (kill_cmd->parsed()) {
    std::optional<int> sig = oci::ParseSignal(signal_text);
    if (!sig) return Failed("unknown signal \"" + signal_text + "\"");
    return Report(oci::Kill(rt, id, *sig, kill_all));
  }
  if (delete_cmd->parsed()) return Report(oci::Delete(rt, id, force));
  if (run_cmd->parsed()) {
    auto code = oci::Run(rt, create, detach);
    if (!code) return Failed(code.error());
    return *code;
  }
  if (list_cmd->parsed()) {
    auto out = oci::List(rt, list_format == "json", quiet);
    if (!out) return Failed(out.error());
    std::fputs(out->c_str(), stdout);
    return 0;
  }
  if (features_cmd->parsed()) {
    std::fputs(oci::FeaturesJson().c_str(), stdout);
    return 0;
  }
  if (spec_cmd->parsed()) {
    std::string path = spec_bundle + "/config.json";
    if (access(path.c_str(), F_OK) == 0) {
      return Failed("file " + path + " exists: remove it first");
    }
    return Report(oci::WriteFileAtomic(path, oci::DefaultSpecJson(spec_rootless), 0644));
  }
  if (events_cmd->parsed()) {
    // A Go duration as runc takes it, in the units anyone uses here.
    int ms = 0;
    size_t used = 0;
    try {
      ms = std::stoi(events_interval, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    std::string unit = events_interval.substr(used);
    if (used == 0 || ms <= 0 || (unit != "ms" && unit != "s" && unit != "m")) {
      return Failed("events: invalid --interval \"" + events_interval +
                    "\" (use e.g. 5s or 500ms)");
    }
    if (unit == "s") ms *= 1000;
    if (unit == "m") ms *= 60000;
    return Report(oci::Events(rt, id, events_stats, ms));
  }
  if (pause_cmd->parsed()) return Report(oci::Pause(rt, id));
  if (resume_cmd->parsed()) return Report(oci::Resume(rt, id));
  if (ps_cmd->parsed()) {
    auto out = oci::Ps(rt, id, ps_format == "json");
    if (!out) return Failed(out.error());
    std::fputs(out->c_str(), stdout);
    return 0;
  }
  if (update_cmd->parsed()) {
    oci::Resources resources;
    if (!resources_file.empty()) {
      std::string text;
      if (resources_file == "-") {
        char buf[4096];
        size_t n;
        while ((n = std::fread(buf, 1, sizeof buf, stdin)) > 0)
          text.append(buf, n);
      } else {
        auto file = oci::ReadSmallFile(resources_file);
        if (!file) return Failed(file.error());
        text = std::move(*file);
      }
      auto parsed = oci::ParseResources(text);
      if (!parsed) return Failed(resources_file + ": " + parsed.error());
      resources = std::move(*parsed);
    }
    // The single-value flags override the file, as with runc.
    if (memory || memory_swap || memory_reservation) {
      if (!resources.memory) resources.memory.emplace();
      if (memory) resources.memory->limit = memory;
      if (memory_swap) resources.memory->swap = memory_swap;
      if (memory_reservation) resources.memory->reservation = memory_reservation;
    }
    if (cpu_quota || cpu_period || cpu_shares || !cpuset_cpus.empty() || !cpuset_mems.empty()) {
      if (!resources.cpu) resources.cpu.emplace();
      if (cpu_quota) resources.cpu->quota = cpu_quota;
      if (cpu_period) resources.cpu->period = cpu_period;
      if (cpu_shares) resources.cpu->shares = cpu_shares;
      if (!cpuset_cpus.empty()) resources.cpu->cpus = cpuset_cpus;
      if (!cpuset_mems.empty()) resources.cpu->mems = cpuset_mems;
    }
    if (pids_limit) resources.pids = oci::PidsResources{*pids_limit};
    return Report(oci::Update(rt, id, resources));
  }
  if (exec_cmd->parsed()) {
    exec.args = exec_cmd->remaining();
    auto code = oci::Exec(rt, exec);
    if (!code) return Failed(code.error());
    return *code;
  }
  if (checkpoint_cmd->parsed()) return Failed("checkpoint is not supported by runw");
  if (restore_cmd->parsed()) return Failed("restore is not supported by runw");
  return Failed("no command given");
}

}  // namespace runw::cli
