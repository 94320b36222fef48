// The runc-compatible lifecycle: create, start, state, kill, delete, run, list.
// See docs/architecture.md and the contract (oci-runtime-contract.md) for what
// callers expect; each function returns the message of the one error line the
// CLI prints, or succeeds silently.
#pragma once

#include <string>
#include <vector>

#include "oci/config.h"
#include "oci/state.h"

namespace runw::oci {

/// Flags that apply to every command.
struct RuntimeOptions {
  std::string root = "/run/runw";
  bool systemd_cgroup = false;
};

struct CreateOptions {
  std::string id;
  std::string bundle;  // default: the current directory
  std::string pid_file;
  std::string console_socket;
  // A connected socket standing in for --console-socket (`run` serving the
  // terminal itself); Create uses a duplicate when the process has a terminal.
  int console_socket_fd = -1;
  bool no_pivot = false;
  bool no_new_keyring = false;
  int preserve_fds = 0;
};

/// `create`: sets the container up and leaves its init blocked until `start`.
/// On return the pid file names the init (the process whose exit status is
/// the container's), and state.json exists.
Expected<void> Create(const RuntimeOptions& rt, const CreateOptions& options);

/// `start`: releases a created container's init and runs the poststart hooks.
Expected<void> Start(const RuntimeOptions& rt, const std::string& id);

/// `state`: runc's state JSON.
Expected<std::string> State(const RuntimeOptions& rt, const std::string& id);

/// `kill`: sends `signal` to the init, or with `all` to every process of the
/// container.
Expected<void> Kill(const RuntimeOptions& rt, const std::string& id, int signal, bool all);

/// `delete`: removes a stopped (or, with `force`, any) container. An id that
/// does not exist is an error, except with `force`.
Expected<void> Delete(const RuntimeOptions& rt, const std::string& id, bool force);

/// `run`: create + start; without `detach` waits for the container, forwards
/// signals to it, deletes it and returns its exit status. A terminal without
/// a console socket is served by runw in the foreground (RelayTerminal) and
/// refused with `detach`, as by `create`.
Expected<int> Run(const RuntimeOptions& rt, const CreateOptions& options, bool detach);

/// `list`: the containers under the root, as runc prints them.
Expected<std::string> List(const RuntimeOptions& rt, bool json, bool quiet);

/// `pause` / `resume`: freeze or thaw every process of a running container
/// through the freezer cgroup.
Expected<void> Pause(const RuntimeOptions& rt, const std::string& id);
Expected<void> Resume(const RuntimeOptions& rt, const std::string& id);

/// `ps`: the host pids of the container's processes; `json` prints runc's JSON
/// array, otherwise `ps -ef`-style lines for those pids (runc runs ps(1); runw
/// reads /proc itself).
Expected<std::string> Ps(const RuntimeOptions& rt, const std::string& id, bool json);

/// `update`: applies a LinuxResources object to a container's cgroup; fields
/// left out keep their values. For a wasm container a new memory limit also
/// applies to linear-memory growth only from its next start (the engine's cap is
/// fixed when the module is instantiated).
Expected<void> Update(const RuntimeOptions& rt, const std::string& id, const Resources& resources);

/// `events`: the container's resource usage as runc's event JSON
/// ({"type":"stats","id":…,"data":{cpu, memory, pids}}), one object per line:
/// once with `stats_only`, otherwise every `interval_ms` until the container stops.
Expected<void> Events(const RuntimeOptions& rt, const std::string& id, bool stats_only,
                      int interval_ms);

/// `features`: what this runtime implements (runtime-spec features.md).
std::string FeaturesJson();

}  // namespace runw::oci
