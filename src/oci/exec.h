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

/// Runs the process; in the foreground returns its exit status (128+N when
/// signal N ended it), with `detach` returns 0 once it has started.
Expected<int> Exec(const RuntimeOptions& rt, const ExecOptions& options);

}  // namespace runw::oci
