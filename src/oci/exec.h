// `runw exec`: runs another process in a running container, inside its
// namespaces, cgroup and security settings (runc's exec).
#pragma once

#include <string>
#include <vector>

#include "oci/config.h"
#include "oci/container.h"

namespace runw::oci {

struct ExecOptions {
  std::string id;
  std::string process_file;       // --process FILE (a JSON process object)
  std::vector<std::string> args;  // the command, when there is no --process
  std::vector<std::string> env;   // --env K=V, added to the container's env
  std::string cwd;                // --cwd
  std::string user;               // --user UID[:GID]
  bool tty = false;               // --tty
  bool detach = false;            // --detach
  std::string pid_file;           // --pid-file
  std::string console_socket;     // --console-socket
  int preserve_fds = 0;           // --preserve-fds
  std::vector<std::string> cap;   // --cap, added capabilities
  bool no_new_privs = false;      // --no-new-privs
};

/// Runs a process in container `options.id` (created or running; a stopped or
/// paused one is refused), in all the namespaces of its init and in its cgroup,
/// with the container's seccomp profile. The process is the --process file as
/// given, or else the container's process with `args`, `env` (KEY=VALUE,
/// replacing the container's value of KEY), `cwd`, `user`, `tty`, `cap` and
/// `no_new_privs` applied, as runc does. A wasm module runs under WASI with the
/// container's root as `/`; anything else is exec'd natively.
///
/// Errors before the process starts (unknown program, bad user, …) are
/// returned, and no pid file is written. In the foreground, `runw exec` waits,
/// forwards the terminating signals and SIGWINCH to the process, and returns
/// its exit status (128+N when signal N ended it); the process is killed if
/// runw is. With `detach` it returns 0 once the process has started, and the
/// process is re-parented to the caller's subreaper. A terminal needs
/// `console_socket` when detached; in the foreground without one, runw makes
/// the pty master its own and relays it to its stdio (RelayTerminal).
Expected<int> Exec(const RuntimeOptions& rt, const ExecOptions& options);

}  // namespace runw::oci
