// The container's terminal (process.terminal): a pty made inside the container
// whose master goes to the caller over `--console-socket` (contract §3.5): one
// sendmsg with the slave's name as data and exactly one SCM_RIGHTS fd.
#pragma once

#include <optional>
#include <string>

#include "oci/config.h"

namespace runw::oci {

/// Connects to the caller's console socket (a listening SOCK_STREAM unix socket).
Expected<int> ConnectConsoleSocket(const std::string& path);

/// In the container, after pivot_root: opens a pty from /dev/ptmx, sends its
/// master over `socket_fd` (then closes it), makes the slave the controlling
/// terminal of this session and stdin/stdout/stderr, and applies `size`.
Expected<void> SetupConsole(int socket_fd, const std::optional<ConsoleSize>& size);

}  // namespace runw::oci
